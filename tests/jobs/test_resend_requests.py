"""Unreadable reports are answered (issue 16): a province's report whose only file is password-protected,
delivered to the Dovecot fixture and processed by the daemon, gets exactly one e-mail through the SMTP
fixture asking for it again (which file, why, what to do); the unit shows `unreadable`, is not on time
from it, and its reminders go on and say so; a readable copy then clears the flag and decides
timeliness, with a receipt. Robots, lists, forged senders, replies to our own mail and old backfills
get no request; a crash at any point of the mail pass still sends it at most once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.mailing import mail_pass
from models.schema import Outbox, OutboxKind, OutboxState, RawMessage, Submission, SubmissionState
from models.status import LATE, MISSING, campaign_status
from reportbox.sample_documents import report_docx
from tests.ingest.conftest import imap_settings  # noqa: F401
from tests.jobs.reminder_setup import CONTACTS, make_app
from tests.jobs.test_forged_senders import OURS
from tests.jobs.test_outbox_delivery import CRASHES as DELIVERY_CRASHES
from tests.jobs.test_receipts import CAMPAIGN, DOCX, QUANG_NINH, TODAY, receipts, report_id, run_daemon_once
from tests.parsers.documents.pdf_fixtures import encrypted_pdf
from tests.parsers.documents.word_fixtures import encrypted_docx

REPO = Path(__file__).resolve().parents[2]
PDF = ("application", "pdf")
# Due yesterday, so that a report sent two days ago was on time and one sent now is late; the
# after-deadline reminder of day 1 is owed today.
OVERDUE = {**CAMPAIGN, "deadline": (TODAY - timedelta(days=1)).isoformat(),
           "reminders": {"before_deadline_days": [], "after_deadline_days": [1], "send_at": "00:00"}}
HA_NOI = "Sở Nội vụ Hà Nội <snv@hanoi.gov.vn>"
BAC_GIANG = "Sở Nội vụ Bắc Giang <snv@bacgiang.gov.vn>"
VINH_PHUC = "Sở Nội vụ Vĩnh Phúc <snv@vinhphuc.gov.vn>"


def mail(sender: str, province: str, files: list[tuple[bytes, tuple[str, str], str]], *, seed: int = 0,
         subject: str | None = None, headers: dict | None = None,
         body: str = "Kính gửi Bộ. Xin gửi báo cáo năm 2026.") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "phongkh@molisa.gov.vn"
    message["Subject"] = subject or f"Báo cáo đánh giá tình hình thực hiện năm 2026 của tỉnh {province}"
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = report_id(province, seed)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for data, (maintype, subtype), filename in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes(policy=policy.SMTP)


def locked_report(sender: str = QUANG_NINH, province: str = "Quảng Ninh", **options) -> bytes:
    return mail(sender, province, [(encrypted_pdf("mat-khau"), PDF, "Bao cao 2026.pdf")], **options)


def readable_report(sender: str = QUANG_NINH, province: str = "Quảng Ninh", **options) -> bytes:
    return mail(sender, province, [(report_docx(province, 2026, pages=1, seed=3), DOCX, "Bao cao 2026.docx")],
                **options)


def outbox_of(app, kind: str) -> list[Outbox]:
    with app.sessions() as session:
        return list(session.scalars(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)))


def delivered_to(server, address: str) -> list:
    return [m.message for m in server.messages() if address in m.rcpt_tos]


def unit_status(app, code: str):
    with app.sessions() as session:
        return next(u for u in campaign_status(session, "tk2026").units if u.unit == code)


@pytest.fixture
def setup(tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=OVERDUE,
                   mailbox=[imap_settings()])
    yield app, imap_account, smtp_server
    app.close()


def test_an_unreadable_report_is_answered_once_reminded_and_then_replaced(setup):
    app, account, smtp = setup
    now = datetime.now(timezone.utc)
    sent_locked = now - timedelta(days=2)  # before the deadline
    account.append(locked_report(), internaldate=sent_locked)
    run_daemon_once(app)
    with app.sessions() as session:
        [submission] = session.scalars(select(Submission)).all()
        assert (submission.unit, submission.campaign) == ("22", "tk2026")
        assert submission.state == SubmissionState.NEEDS_REVIEW

    # Exactly one request, to the sender, in Vietnamese, naming the file and what to do.
    [request] = delivered_to(smtp, "vanphong.snv@quangninh.gov.vn")
    assert request["Subject"] == ("Đề nghị gửi lại báo cáo: không đọc được tệp đính kèm "
                                  "(Công văn số 4321/BNV-KHTC)")
    assert request["In-Reply-To"] == report_id("Quảng Ninh", 0) and request["Auto-Submitted"] == "auto-replied"
    body = request.get_content()
    assert "Kính gửi: Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh" in body
    assert ("  - Bao cao 2026.pdf: tệp có đặt mật khẩu nên không mở được; "
            "đề nghị gửi lại bản không đặt mật khẩu.") in body
    assert "báo cáo này chưa được ghi nhận" in body and "lần gửi đầu tiên có tệp đọc được" in body
    [row] = outbox_of(app, OutboxKind.RESEND_REQUEST)
    assert (row.campaign, row.unit, row.step, row.state) == ("tk2026", "22", f"message-{submission.raw_message_id}",
                                                            OutboxState.SENT)
    assert receipts(app) == []  # nothing was counted, so nothing is confirmed

    # The unit: received, not counted, not on time from it; the review item holds no reminder.
    unit = unit_status(app, "22")
    assert (unit.status, unit.needs_review, [f.describe() for f in unit.unreadable]) == (
        MISSING, 0, ["Bao cao 2026.pdf (encrypted)"])
    [reminder] = delivered_to(smtp, "sldtbxh@quangninh.gov.vn")
    reminded = reminder.get_content()
    assert "chưa nhận được bản báo cáo đọc được của Quý cơ quan" in reminded
    assert "  - Bao cao 2026.pdf: tệp có đặt mật khẩu" in reminded and "xin bỏ qua thư này" not in reminded
    hanoi = delivered_to(smtp, "sldtbxh@hanoi.gov.vn")[0].get_content()
    assert "Bao cao 2026.pdf" not in hanoi and "xin bỏ qua thư này" in hanoi  # others' reminders unchanged

    # The mail pass again: nothing more.
    count = len(smtp.messages())
    run_daemon_once(app)
    mail_pass(app)
    assert len(smtp.messages()) == count and len(outbox_of(app, OutboxKind.RESEND_REQUEST)) == 1

    # A readable copy, now, after the deadline: the flag clears, it decides (late), and it is confirmed.
    sent_readable = now - timedelta(minutes=30)
    account.append(readable_report(seed=1, headers={"In-Reply-To": request["Message-ID"]}),
                   internaldate=sent_readable)
    run_daemon_once(app)
    unit = unit_status(app, "22")
    assert (unit.status, unit.unreadable, unit.needs_review) == (LATE, (), 0)
    assert abs(unit.received_at - sent_readable) < timedelta(seconds=1)  # the readable one's time, not the first's
    [receipt] = delivered_to(smtp, "vanphong.snv@quangninh.gov.vn")[1:]
    assert receipt["Subject"].startswith("Đã nhận báo cáo") and "Báo cáo được gửi sau hạn" in receipt.get_content()
    assert len(outbox_of(app, OutboxKind.RESEND_REQUEST)) == 1


def forged(domain: str) -> dict:
    """Our own server's verdicts: the sender's domain did not send this."""
    return {"Authentication-Results": f"{OURS}; spf=fail smtp.mailfrom={domain}; dmarc=fail header.from={domain}"}


def test_robots_lists_forged_senders_loops_and_old_reports_get_no_request(tmp_path, imap_account,
                                                                          imap_settings, smtp_server):  # noqa: F811
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   campaign={**CAMPAIGN, "reminders": {"enabled": False}}, mailbox=[imap_settings()],
                   identify={"trusted_authserv_ids": [OURS]}, receipts={"max_age_days": 7})
    try:
        now = datetime.now(timezone.utc)
        imap_account.append(locked_report(seed=1), internaldate=now - timedelta(hours=5))
        imap_account.append(locked_report(HA_NOI, "Hà Nội", headers={"List-Id": "<baocao.hanoi.gov.vn>"}),
                            internaldate=now - timedelta(hours=4))
        imap_account.append(locked_report(BAC_GIANG, "Bắc Giang", headers=forged("bacgiang.gov.vn")),
                            internaldate=now - timedelta(hours=4))
        imap_account.append(locked_report(VINH_PHUC, "Vĩnh Phúc"), internaldate=now - timedelta(days=8))  # a backfill
        run_daemon_once(app)
        [first] = [row for row in outbox_of(app, OutboxKind.RESEND_REQUEST) if row.state == OutboxState.SENT]
        # Quảng Ninh answers our request, with its file still locked: no second request (a loop would start).
        imap_account.append(locked_report(seed=2, headers={"In-Reply-To": first.message_id,
                                                            "References": first.message_id}),
                            internaldate=now - timedelta(hours=1))
        run_daemon_once(app)
        rows = {(row.to[0], row.state): row for row in outbox_of(app, OutboxKind.RESEND_REQUEST)}
        assert set(rows) == {
            ("vanphong.snv@quangninh.gov.vn", OutboxState.SENT),
            ("vanphong.snv@quangninh.gov.vn", OutboxState.CANCELLED),
            ("snv@hanoi.gov.vn", OutboxState.CANCELLED),
            ("snv@bacgiang.gov.vn", OutboxState.CANCELLED),
        }  # Vĩnh Phúc's, received 8 days ago, is not even considered
        assert "a reply to our own mail" in rows["vanphong.snv@quangninh.gov.vn", OutboxState.CANCELLED].note
        assert "mail from a list (list-id)" in rows["snv@hanoi.gov.vn", OutboxState.CANCELLED].note
        assert "may be forged" in rows["snv@bacgiang.gov.vn", OutboxState.CANCELLED].note
        assert all(row.raw == b"" and row.note.startswith("no resend request: ")
                   for row in rows.values() if row.state == OutboxState.CANCELLED)
        assert [m.rcpt_tos for m in smtp_server.messages()] == [["vanphong.snv@quangninh.gov.vn"]]
        with app.sessions() as session:
            units = {u.unit: u for u in campaign_status(session, "tk2026").units}
        assert units["22"].unreadable and units["01"].unreadable  # flagged, answered or not
    finally:
        app.close()


# Another request of the same year: a report that says nothing of which it answers goes to neither.
BUDGET = {"id": "dt2027", "letter": "4400/BNV-KHTC", "title": "Xây dựng dự toán ngân sách nhà nước năm 2027",
          "report_year": 2026, "plan_year": 2027, "issued": (TODAY - timedelta(days=10)).isoformat(),
          "deadline": (TODAY + timedelta(days=40)).isoformat(), "registry": "vn34", "reminders": {"enabled": False}}


def test_a_report_of_no_known_unit_is_answered_only_on_a_sign_a_province_sent_it_and_an_annex_is_named(
        tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   campaign=[{**CAMPAIGN, "reminders": {"enabled": False}}, BUDGET], mailbox=[imap_settings()])
    try:
        _no_unit_nor_campaign(app, imap_account, smtp_server)
    finally:
        app.close()


WEBMAIL = "Nguyễn Văn An <an.nguyen1980@gmail.com>"
CITING = "Trần Thị Bình <binh.tran.snv@gmail.com>"
SPAM = "Accounts <billing@fastpay-invoices.example>"  # a domain that publishes no DMARC: anyone can write it


def _no_unit_nor_campaign(app, account, smtp) -> None:
    now = datetime.now(timezone.utc)
    # Nothing says a province sent these: a webmail address nobody knows, a vague subject; spam with
    # a locked attachment (what malware sends). Each goes to review, and nobody is written to.
    account.append(mail(WEBMAIL, "", [(encrypted_docx(), DOCX, "BC.docx")], subject="Gửi báo cáo", seed=4,
                        body="Kính gửi Quý Bộ. Xin gửi báo cáo."), internaldate=now - timedelta(hours=3))
    account.append(mail(SPAM, "", [(encrypted_docx(), DOCX, "Invoice_0931.docx")], subject="Invoice 0931 overdue",
                        seed=6, body="Please see the attached invoice. Password: 0931"),
                   internaldate=now - timedelta(hours=3))
    # Another webmail address nobody knows, but it cites the campaign's letter: a province's report.
    account.append(mail(CITING, "", [(encrypted_docx(), DOCX, "BC.docx")], subject="Gửi báo cáo", seed=7,
                        body="Kính gửi Quý Bộ. Xin gửi báo cáo theo Công văn số 4321/BNV-KHTC."),
                   internaldate=now - timedelta(hours=3))
    account.append(mail(HA_NOI, "Hà Nội", [(report_docx("Hà Nội", 2026, pages=1, seed=5), DOCX, "Bao cao 2026.docx"),
                                           (encrypted_docx(), DOCX, "Phu luc so lieu.docx")], seed=5),
                   internaldate=now - timedelta(hours=2))
    run_daemon_once(app)
    with app.sessions() as session:
        found = {s.sender: s for s in session.scalars(select(Submission))}
    for address, campaign in (("an.nguyen1980@gmail.com", None), ("billing@fastpay-invoices.example", None),
                              ("binh.tran.snv@gmail.com", "tk2026")):
        assert (found[address].unit, found[address].campaign, found[address].state) == (
            None, campaign, SubmissionState.NEEDS_REVIEW)
    assert delivered_to(smtp, "an.nguyen1980@gmail.com") == []
    assert delivered_to(smtp, "billing@fastpay-invoices.example") == []
    rows = {row.to[0]: row for row in outbox_of(app, OutboxKind.RESEND_REQUEST)}
    for address in ("an.nguyen1980@gmail.com", "billing@fastpay-invoices.example"):  # decided once, where people look
        assert (rows[address].campaign, rows[address].unit, rows[address].state) == (
            "tk2026", "", OutboxState.CANCELLED)
        assert rows[address].note.startswith("no resend request: no unit identified, nothing says which request")
        assert "left to a reviewer" in rows[address].note
    [request] = delivered_to(smtp, "binh.tran.snv@gmail.com")
    body = request.get_content()
    assert "Kính gửi: Quý cơ quan" in body and "  - BC.docx: tệp có đặt mật khẩu" in body
    assert request["Subject"].endswith("(Công văn số 4321/BNV-KHTC)")  # the request it answers, as it said
    sent = rows["binh.tran.snv@gmail.com"]
    assert (sent.campaign, sent.unit, sent.state, sent.note) == ("tk2026", "", OutboxState.SENT, None)
    count = len(smtp.messages())
    mail_pass(app)  # decided: nothing more, nothing new
    assert len(smtp.messages()) == count and len(outbox_of(app, OutboxKind.RESEND_REQUEST)) == 3
    # Hà Nội's report was read: it counts and is confirmed, naming the annex that could not be read.
    [receipt] = delivered_to(smtp, "snv@hanoi.gov.vn")
    text = receipt.get_content()
    assert "Không đọc được các tệp sau" in text and "  - Phu luc so lieu.docx: tệp có đặt mật khẩu" in text
    assert not unit_status(app, "01").unreadable


def test_a_known_sender_is_a_sign_a_province_sent_a_report_of_no_unit(tmp_path):
    """A contact's or learned address, or a provincial domain, vouches for a report whose unit was not
    found; a webmail address nobody knows, or a year alone ("report year 2026 → tk2026?"), does not."""
    from jobs.resend import KnownSenders, no_positive_sign
    from models.schema import Campaign, KnownSender, RawMessage

    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", None, campaign=CAMPAIGN)
    try:
        with app.sessions.begin() as session:
            raw = RawMessage(sha256="a" * 64, size=1, received_at=datetime.now(timezone.utc),
                             received_source="internaldate")
            session.add(raw)
            session.flush()
            session.add(KnownSender(raw_message_id=raw.id, address="chi.le@yahoo.com", unit_registry="vn34", unit="22",
                                    learned_at=datetime.now(timezone.utc)))
        with app.sessions() as session:
            campaign = session.get(Campaign, "tk2026")
            known = KnownSenders(app, session)

            def sign(sender: str, campaign_id: str | None = None, evidence=()) -> bool:
                report = Submission(sender=sender, unit=None, campaign=campaign_id, evidence=list(evidence))
                return no_positive_sign(report, campaign, known) is None

            assert sign("sldtbxh@hanoi.gov.vn")  # in the contacts file (vn63, the configured default)
            assert sign("chi.le@yahoo.com")  # learned from a report a person accepted
            assert sign("phongkh@sldtbxh.quangbinh.gov.vn")  # a provincial domain (vn63 only: merged since)
            assert not sign("an.nguyen1980@gmail.com") and not sign("")
            assert sign("an.nguyen1980@gmail.com", "tk2026", ["letter 4321/BNV-KHTC cited → tk2026"])
            assert sign("an.nguyen1980@gmail.com", "tk2026", ["reply to tk2026's request message → tk2026"])
            assert not sign("an.nguyen1980@gmail.com", "tk2026", [
                "report year 2026 → tk2026?", "review: which request: nothing says it answers tk2026"])
    finally:
        app.close()


def test_a_reviewers_decisions_neither_count_an_unreadable_report_nor_ask_twice(
        tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    from jobs.outbox import deliver
    from jobs.poll import poll
    from jobs.resend import queue_resend_requests
    from models.review import ASSIGN, REJECT, decide
    from reportbox.app import make_source

    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   campaign={**CAMPAIGN, "reminders": {"enabled": False}}, mailbox=[imap_settings()])
    try:
        now = datetime.now(timezone.utc)
        imap_account.append(locked_report(), internaldate=now - timedelta(hours=3))
        imap_account.append(locked_report(HA_NOI, "Hà Nội"), internaldate=now - timedelta(hours=2))
        poll(app, [make_source(m) for m in app.config.mailbox])
        assert len(queue_resend_requests(app)) == 2  # queued, not yet sent
        with app.sessions.begin() as session:
            by_sender = {s.sender: s for s in session.scalars(select(Submission))}
            # Quảng Ninh's is accepted as its report (a reviewer recognises it); Hà Nội's was spam.
            decide(session, by_sender["vanphong.snv@quangninh.gov.vn"].id, ASSIGN, unit="22", campaign="tk2026",
                   reason="đúng báo cáo của tỉnh", decided_by="lan")
            decide(session, by_sender["snv@hanoi.gov.vn"].id, REJECT, reason="thư rác", decided_by="lan")
        delivery = deliver(app)
        assert len(delivery.sent) == 1 and len(delivery.cancelled) == 1
        rows = {row.to[0]: row for row in outbox_of(app, OutboxKind.RESEND_REQUEST)}
        assert rows["vanphong.snv@quangninh.gov.vn"].state == OutboxState.SENT
        assert (rows["snv@hanoi.gov.vn"].state, rows["snv@hanoi.gov.vn"].note) == (
            OutboxState.CANCELLED, "not sent: the report is rejected")
        mail_pass(app)  # accepted now, but unreadable: no receipt, and no second request
        assert receipts(app) == [] and len(outbox_of(app, OutboxKind.RESEND_REQUEST)) == 2
        assert [m.rcpt_tos for m in smtp_server.messages()] == [["vanphong.snv@quangninh.gov.vn"]]
        unit = unit_status(app, "22")
        assert (unit.status, unit.received_at, bool(unit.unreadable)) == ("pending", None, True)
    finally:
        app.close()


CRASHES = {
    **DELIVERY_CRASHES,  # killed holding it (`sending`) before its DATA, or after the server's reply
    # killed after the request was committed, before any SMTP conversation
    "after_queue": "import jobs.mailing as m; m.deliver = lambda *a, **k: os._exit(3)",
}


@pytest.mark.parametrize("crash", list(CRASHES))
def test_a_crash_at_any_point_of_the_mail_pass_then_a_restart_asks_at_most_once(tmp_path, smtp_server, crash):
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "1.eml").write_bytes(locked_report())
    received = (datetime.now(timezone.utc) - timedelta(hours=1)).timestamp()
    os.utime(folder / "1.eml", (received, received))
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    config = tmp_path / "reportbox.toml"
    config.write_text(textwrap.dedent(f"""\
        [database]
        url = "sqlite:///{tmp_path / 'rb.db'}"
        [storage]
        raw_dir = "raw"
        [registry]
        contacts = "contacts.csv"
        [smtp]
        host = "{smtp_server.host}"
        port = {smtp_server.port}
        security = "none"
        from = "Phòng KH-TC <phongkh@molisa.gov.vn>"
        max_per_minute = 100000
        [[mailbox]]
        name = "archive"
        kind = "eml-dir"
        path = "eml"
        [[campaign]]
        id = "tk2026"
        letter = "{CAMPAIGN['letter']}"
        title = "{CAMPAIGN['title']}"
        report_year = 2026
        plan_year = 2027
        issued = {CAMPAIGN['issued']}
        deadline = {CAMPAIGN['deadline']}
        registry = "vn34"
        [campaign.reminders]
        enabled = false
        """), encoding="utf-8")
    cli = [sys.executable, "-m", "reportbox", "--config", str(config)]
    assert subprocess.run([*cli, "poll"], cwd=REPO, capture_output=True, text=True, timeout=300).returncode == 0
    script = "import os, sys\n" + CRASHES[crash] + textwrap.dedent(f"""
        from jobs.mailing import mail_pass
        from reportbox.app import open_app
        from reportbox.config import load_config
        mail_pass(open_app(load_config({str(config)!r})))
        """)
    crashed = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 3, crashed.stderr
    assert len(smtp_server.messages()) == (1 if crash == "after_reply" else 0)

    from reportbox.app import open_app
    from reportbox.config import load_config

    app = open_app(load_config(config))
    try:
        restarted = mail_pass(app)  # the restart: the request is owed no longer, only maybe undelivered
        assert restarted.resend_requests == []
        mail_pass(app)
        [row] = outbox_of(app, OutboxKind.RESEND_REQUEST)
    finally:
        app.close()
    ids = Counter(m.message["Message-ID"] for m in smtp_server.messages())
    assert dict(ids) == {row.message_id: 1}  # delivered once, under the Message-ID it was queued with
    assert row.state == (OutboxState.UNCERTAIN if crash == "after_reply" else OutboxState.SENT)
    listed = subprocess.run([*cli, "outbox", "--kind", "resend_request", "--format", "json"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert [(r["id"], r["kind"], r["unit"], r["state"]) for r in json.loads(listed.stdout)] == [
        (row.id, "resend_request", "22", row.state)]


def reprocess(app) -> None:
    """`reportbox reprocess --all` with the app's configuration (its limits, its trusted servers)."""
    from jobs.poll import process
    from models.messages import reset_for_reprocess

    with app.sessions.begin() as session:
        reset_for_reprocess(session, None)
    process(app)


def rtf(lines: list[str]) -> bytes:
    """A report saved as .rtf (read through LibreOffice, under [documents] tool_timeout)."""
    body = r"\par ".join("".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in line) for line in lines)
    return ("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0\\fs26 " + body + "}").encode("ascii")


def test_a_report_confirmed_is_not_asked_for_again_when_a_reprocess_cannot_read_it(
        tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    """Read and confirmed ("Đã nhận"), then `reprocess` under load: its file times out. The province is
    not told "không đọc được" after "Đã nhận": a message with a receipt gets no resend request."""
    from models.unreadable import unreadable_reports

    options = {"campaign": {**CAMPAIGN, "reminders": {"enabled": False}}, "mailbox": [imap_settings()]}
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, **options)
    document = rtf(["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "SỞ NỘI VỤ", "BÁO CÁO",
                    "Đánh giá tình hình thực hiện năm 2026", "I. KẾT QUẢ THỰC HIỆN NĂM 2026", "Nội dung báo cáo."])
    try:
        imap_account.append(mail(QUANG_NINH, "Quảng Ninh", [(document, ("application", "rtf"), "Bao cao 2026.rtf")]),
                            internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
        run_daemon_once(app)
        [receipt] = receipts(app)
        assert receipt.state == OutboxState.SENT
    finally:
        app.close()
    loaded = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                      documents={"tool_timeout": 0.001}, **options)  # LibreOffice cannot even start in time
    try:
        reprocess(loaded)
        with loaded.sessions() as session:
            [submission] = session.scalars(select(Submission)).all()
            files = unreadable_reports(session, [submission.raw_message_id]).get(submission.raw_message_id)
        assert [f.reason for f in files] == ["timeout"]
        mail_pass(loaded)
        [declined] = outbox_of(loaded, OutboxKind.RESEND_REQUEST)  # the decision, where people look
        assert (declined.state, declined.note) == (OutboxState.CANCELLED, "no resend request: a receipt was "
                                                   "queued for the same message: its files were read then")
        assert [m.message["Subject"][:15] for m in smtp_server.messages()] == ["Đã nhận báo cáo"]
    finally:
        loaded.close()


def test_one_message_that_fails_or_one_step_that_fails_stops_nothing_else(setup, monkeypatch, caplog):
    import jobs.mailing
    import jobs.resend

    app, account, smtp = setup
    now = datetime.now(timezone.utc)
    account.append(locked_report(), internaldate=now - timedelta(hours=3))
    account.append(locked_report(HA_NOI, "Hà Nội"), internaldate=now - timedelta(hours=2))
    letter = jobs.resend.resend_letter

    def broken_for_hanoi(config, session, campaign, unit, submission, *rest):
        if submission.sender == "snv@hanoi.gov.vn":
            next(iter(()))  # a bug on one row: StopIteration, as a bare next() on a missing unit raised
        return letter(config, session, campaign, unit, submission, *rest)

    monkeypatch.setattr(jobs.resend, "resend_letter", broken_for_hanoi)
    run_daemon_once(app)
    with app.sessions() as session:
        hanoi = session.scalars(select(Submission).where(Submission.sender == "snv@hanoi.gov.vn")).one()
    assert f"resend requests: message {hanoi.raw_message_id} skipped: " in caplog.text
    assert [m.rcpt_tos for m in smtp.messages() if m.message["Subject"].startswith("Đề nghị gửi lại")] == [
        ["vanphong.snv@quangninh.gov.vn"]]  # the other message's request went
    assert delivered_to(smtp, "sldtbxh@quangninh.gov.vn")  # and the reminders after it
    assert {row.to[0] for row in outbox_of(app, OutboxKind.RESEND_REQUEST)} == {"vanphong.snv@quangninh.gov.vn"}

    # A whole step that fails (here the resend step, with a bug's exception): the rest of the pass goes on.
    monkeypatch.setattr(jobs.resend, "resend_letter", letter)

    def broken_step(*args, **kwargs):
        raise StopIteration

    monkeypatch.setattr(jobs.mailing, "queue_resend_requests", broken_step)
    account.append(readable_report(BAC_GIANG, "Bắc Giang", seed=8), internaldate=now - timedelta(minutes=5))
    result = mail_pass(app)
    assert result.errors == {"resend": "StopIteration: "} and "mail pass, resend: failed" in caplog.text
    run_daemon_once(app)  # the poll, then a mail pass with the broken step: the receipt is queued and delivered
    assert delivered_to(smtp, "snv@bacgiang.gov.vn")[0]["Subject"].startswith("Đã nhận báo cáo")

    # Mended: the request that was skipped is owed still, and goes once.
    monkeypatch.setattr(jobs.mailing, "queue_resend_requests", jobs.resend.queue_resend_requests)
    mail_pass(app)
    mail_pass(app)
    assert len(delivered_to(smtp, "snv@hanoi.gov.vn")) == 1


def test_the_check_before_sending_applies_every_rule_again(tmp_path, imap_account, imap_settings,
                                                          smtp_server):  # noqa: F811
    """Queued, then before it goes: moved to another report by a reviewer, found forged by a reprocess
    once our server is trusted, or the relay was down until it grew older than max_age_days — none goes."""
    from jobs.outbox import deliver
    from jobs.poll import poll
    from jobs.resend import queue_resend_requests
    from models.review import OTHER, decide
    from reportbox.app import make_source

    options = {"campaign": {**CAMPAIGN, "reminders": {"enabled": False}}, "mailbox": [imap_settings()],
               "receipts": {"max_age_days": 7}}
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   identify={"trusted_authserv_ids": ["mx.elsewhere.example"]}, **options)
    now = datetime.now(timezone.utc)
    try:
        imap_account.append(locked_report(), internaldate=now - timedelta(hours=3))
        imap_account.append(locked_report(HA_NOI, "Hà Nội"), internaldate=now - timedelta(hours=3))
        imap_account.append(locked_report(BAC_GIANG, "Bắc Giang", headers=forged("bacgiang.gov.vn")),
                            internaldate=now - timedelta(hours=3))  # our server's verdict, not trusted yet
        imap_account.append(locked_report(VINH_PHUC, "Vĩnh Phúc"), internaldate=now - timedelta(days=6))
        poll(app, [make_source(m) for m in app.config.mailbox])
        assert len(queue_resend_requests(app)) == 4  # queued; the relay is down, say
        with app.sessions.begin() as session:
            hanoi = session.scalars(select(Submission).where(Submission.sender == "snv@hanoi.gov.vn")).one()
            decide(session, hanoi.id, OTHER, reason="báo cáo chuyên đề", decided_by="lan")
    finally:
        app.close()
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   identify={"trusted_authserv_ids": [OURS]}, **options)  # our server is now known
    try:
        reprocess(app)
        delivery = deliver(app, clock=lambda: datetime.now(timezone.utc) + timedelta(days=2))  # two days later
        assert len(delivery.sent) == 1 and len(delivery.cancelled) == 3
        rows = {row.to[0]: row for row in outbox_of(app, OutboxKind.RESEND_REQUEST)}
        assert rows["vanphong.snv@quangninh.gov.vn"].state == OutboxState.SENT
        assert rows["snv@hanoi.gov.vn"].note == (
            "not sent: the report is another report of its unit, not counted for any campaign")
        assert rows["snv@bacgiang.gov.vn"].note.startswith("not sent: the sender's address may be forged")
        assert rows["snv@vinhphuc.gov.vn"].note == "not sent: the report came more than [receipts] max_age_days (7) ago"
        assert [m.rcpt_tos for m in smtp_server.messages()] == [["vanphong.snv@quangninh.gov.vn"]]
    finally:
        app.close()


def test_only_what_sending_again_can_fix_is_asked_for_and_a_year_alone_is_no_sign(
        tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    program = b"MZ\x90\x00\x03" + bytes(200)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   campaign={**CAMPAIGN, "reminders": {"enabled": False}}, mailbox=[imap_settings()])
    now = datetime.now(timezone.utc)
    try:
        imap_account.append(mail(QUANG_NINH, "Quảng Ninh", [(encrypted_pdf("mat-khau"), PDF, "Bao cao 2026.pdf"),
                                                            (program, ("application", "octet-stream"), "setup.exe")]),
                            internaldate=now - timedelta(hours=3))
        imap_account.append(mail(HA_NOI, "Hà Nội", [(program, ("application", "octet-stream"), "setup.exe")], seed=2),
                            internaldate=now - timedelta(hours=3))
        # Only the year says which campaign (a guess, left to review): no sign a province sent it.
        imap_account.append(mail(WEBMAIL, "", [(encrypted_docx(), DOCX, "BC.docx")], subject="Báo cáo năm 2026",
                                 seed=3, body="Xin gửi báo cáo."), internaldate=now - timedelta(hours=3))
        run_daemon_once(app)
        [request] = delivered_to(smtp_server, "vanphong.snv@quangninh.gov.vn")
        body = request.get_content()
        assert "  - Bao cao 2026.pdf: tệp có đặt mật khẩu" in body and "setup.exe" not in body
        assert delivered_to(smtp_server, "snv@hanoi.gov.vn") == []  # a program alone: nothing to ask for
        assert delivered_to(smtp_server, "an.nguyen1980@gmail.com") == []
        rows = {row.to[0]: row for row in outbox_of(app, OutboxKind.RESEND_REQUEST)}
        assert "snv@hanoi.gov.vn" not in rows
        with app.sessions() as session:
            guessed = session.scalars(select(Submission).where(Submission.sender == "an.nguyen1980@gmail.com")).one()
        assert (guessed.unit, guessed.campaign) == (None, "tk2026")
        assert rows["an.nguyen1980@gmail.com"].state == OutboxState.CANCELLED
        assert "left to a reviewer" in rows["an.nguyen1980@gmail.com"].note
    finally:
        app.close()


def test_the_database_refuses_a_second_request_for_one_message(setup):
    """Once per message is the database's rule too: a second resend request for the same message, filed
    under another campaign or unit (two daemons racing, a bug), is refused and taken as already there."""
    from jobs.receipts import declined
    from models import outbox

    app, account, smtp = setup
    account.append(locked_report(), internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
    run_daemon_once(app)
    [row] = outbox_of(app, OutboxKind.RESEND_REQUEST)
    with app.sessions() as session:
        submission = session.get(Submission, row.submission_id)
        raw = session.get(RawMessage, submission.raw_message_id)
        other = declined(app.config, OutboxKind.RESEND_REQUEST, "tk2026", "", row.step, submission, raw, "test",
                         datetime.now(timezone.utc))
        assert outbox.queue(session, other) is None
    assert [r.id for r in outbox_of(app, OutboxKind.RESEND_REQUEST)] == [row.id]


def test_a_check_before_sending_that_fails_holds_back_only_its_own_message(
        tmp_path, imap_account, imap_settings, smtp_server, monkeypatch, caplog):  # noqa: F811
    import jobs.resend
    from jobs.outbox import deliver
    from jobs.poll import poll
    from reportbox.app import make_source

    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server,
                   campaign={**CAMPAIGN, "reminders": {"enabled": False}}, mailbox=[imap_settings()])
    try:
        now = datetime.now(timezone.utc)
        imap_account.append(locked_report(HA_NOI, "Hà Nội"), internaldate=now - timedelta(hours=3))
        imap_account.append(locked_report(), internaldate=now - timedelta(hours=2))
        poll(app, [make_source(m) for m in app.config.mailbox])
        hanoi, quang_ninh = jobs.resend.queue_resend_requests(app)
        check = jobs.resend.why_not_resend

        def broken_for_hanoi(app, session, row, as_of):
            if row.id == hanoi:
                raise RuntimeError("a row the code does not expect")
            return check(app, session, row, as_of)

        monkeypatch.setattr(jobs.resend, "why_not_resend", broken_for_hanoi)
        delivery = deliver(app)
        assert (delivery.sent, delivery.cancelled) == ([quang_ninh], [])  # the one behind it went
        assert f"outbox {hanoi}: the check before sending failed (a row the code does not expect)" in caplog.text
        assert {row.id: row.state for row in outbox_of(app, OutboxKind.RESEND_REQUEST)}[hanoi] == OutboxState.QUEUED
        monkeypatch.setattr(jobs.resend, "why_not_resend", check)
        assert deliver(app).sent == [hanoi]  # not cancelled for our bug: it goes once mended
    finally:
        app.close()


def test_a_report_filed_under_no_campaign_is_not_answered_and_said_once(tmp_path, imap_account, imap_settings,
                                                                        smtp_server, caplog):  # noqa: F811
    """Every campaign's window closed long ago: nothing to key the decision on, so no row; the log says
    it once, not at every pass of the daemon for as long as the report is within max_age_days."""
    old = {**CAMPAIGN, "issued": (TODAY - timedelta(days=800)).isoformat(),
           "deadline": (TODAY - timedelta(days=700)).isoformat(), "reminders": {"enabled": False}}
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=old, mailbox=[imap_settings()])
    try:
        imap_account.append(locked_report(), internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
        with caplog.at_level("INFO", logger="reportbox.resend"):
            run_daemon_once(app)
            for _ in range(3):
                mail_pass(app)
        assert caplog.text.count("no campaign in the configuration was open when it came") == 1
        assert outbox_of(app, OutboxKind.RESEND_REQUEST) == [] and smtp_server.messages() == []
    finally:
        app.close()
