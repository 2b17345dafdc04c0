"""Bounces of our reminders arriving in the polled mailbox: matched to the reminder that caused
them, the address flagged as failing, skipped by later reminders until a planner clears it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from jobs.poll import poll
from jobs.reminders.run import remind
from models import outbox
from models.schema import AddressFailure, MessageState, Outbox, RawMessage
from tests.ingest.conftest import imap_settings, sources_of  # noqa: F401
from tests.jobs.reminder_setup import make_app, vn


def postfix_bounce(original: bytes, address: str, *, status: str = "5.1.1",
                   diagnostic: str = "550 5.1.1 <{a}>: Recipient address rejected: User unknown") -> bytes:
    headers = original.split(b"\r\n\r\n", 1)[0]
    boundary = "B0UNDARY.1576480000/mx.molisa.gov.vn"
    action = "failed" if status.startswith("5") else "delayed"
    return (
        f"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.molisa.gov.vn (Mail Delivery System)\r\n"
        f"To: phongkh@molisa.gov.vn\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Date: Mon, 16 Dec 2019 08:31:00 +0700\r\nMessage-ID: <20191216013100.AB12@mx.molisa.gov.vn>\r\n"
        f"Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
        f"<{address}>: host mx.tinh.gov.vn said: {diagnostic.format(a=address)}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.molisa.gov.vn\r\nArrival-Date: Mon, 16 Dec 2019 08:30:58 +0700\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\nOriginal-Recipient: rfc822;{address}\r\nAction: {action}\r\n"
        f"Status: {status}\r\nDiagnostic-Code: smtp; {diagnostic.format(a=address)}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
    ).encode() + headers + f"\r\n\r\n--{boundary}--\r\n".encode()


def test_a_bounce_flags_the_address_and_later_reminders_skip_it(tmp_path, imap_account, imap_settings,  # noqa: F811
                                                                 smtp_server):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, mailbox=[imap_settings()])
    try:
        remind(app, "tk2019", as_of=vn(16))
        sent = {m.rcpt_tos[0]: m for m in smtp_server.messages()}
        to_quang_ninh = sent["sldtbxh@quangninh.gov.vn"].data
        imap_account.append(postfix_bounce(to_quang_ninh, "sldtbxh@quangninh.gov.vn"),
                            internaldate=datetime(2019, 12, 16, 1, 31, tzinfo=timezone.utc))
        imap_account.append(postfix_bounce(sent["sldtbxh@bacgiang.gov.vn"].data, "sldtbxh@bacgiang.gov.vn",
                                           status="4.4.1", diagnostic="451 4.4.1 <{a}>: connection timed out"),
                            internaldate=datetime(2019, 12, 16, 1, 32, tzinfo=timezone.utc))
        poll(app, sources_of(app))
        with app.sessions() as session:
            bounces = session.scalars(select(RawMessage).order_by(RawMessage.id)).all()
            assert [(b.state, b.reason) for b in bounces] == [(MessageState.IGNORED, "bounce")] * 2
            assert "reminder #" in bounces[0].detail and "sldtbxh@quangninh.gov.vn failed (5.1.1)" in bounces[0].detail
            rows = {row.unit: row for row in session.scalars(select(Outbox))}
            assert rows["22"].bounced_at is not None and rows["24"].bounced_at is None  # a delay is not a bounce
            # by address: two workers record the two bounces in either order
            failures = session.scalars(select(AddressFailure).order_by(AddressFailure.address)).all()
            assert [(f.address, f.permanent, f.status, f.outbox_id) for f in failures] == [
                ("sldtbxh@bacgiang.gov.vn", False, "4.4.1", rows["24"].id),
                ("sldtbxh@quangninh.gov.vn", True, "5.1.1", rows["22"].id)]
            assert list(outbox.failing_addresses(session)) == ["sldtbxh@quangninh.gov.vn"]
        later = remind(app, "tk2019", as_of=vn(18))
        skipped = {p.unit.unit: (p.skip, p.bouncing) for p in later.plans if p.step is not None}
        assert skipped["22"] == ("all_addresses_bounce", ("sldtbxh@quangninh.gov.vn",))
        assert "24" in later.queued
        with app.sessions.begin() as session:
            outbox.clear_address(session, "SLDTBXH@quangninh.gov.vn", "planner")
        assert "22" in remind(app, "tk2019", as_of=vn(18, 9)).queued
    finally:
        app.close()
