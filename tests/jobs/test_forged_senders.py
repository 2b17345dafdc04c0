"""A forged province address end to end (issue 16): delivered to the Dovecot fixture with our own
server's Authentication-Results saying DMARC failed, fetched and processed by the daemon. It waits
in review with the verdict in its evidence, the province is not on time from it, and no receipt goes
to the forged address, not even once a reviewer has accepted the report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models.review import ASSIGN, decide
from models.schema import KnownSender, OutboxState, SenderCheck, Submission, SubmissionState
from models.status import ON_TIME, PENDING, campaign_status
from tests.ingest.conftest import imap_settings  # noqa: F401
from tests.jobs.reminder_setup import make_app
from tests.jobs.test_receipts import CAMPAIGN, QUANG_NINH, receipts, report, run_daemon_once

OURS = "mx.molisa.gov.vn"
FORGED = {  # ours on top, and below it the pass the forger wrote into the message himself
    "Authentication-Results": f"{OURS}; dkim=fail header.d=quangninh.gov.vn; spf=fail smtp.mailfrom=quangninh.gov.vn;"
                              " dmarc=fail (p=quarantine dis=none) header.from=quangninh.gov.vn",
    "X-Planted": "see below",
}
PLANTED = "mx.quangninh.gov.vn; dkim=pass header.d=quangninh.gov.vn; dmarc=pass header.from=quangninh.gov.vn"
HANOI = "Sở Nội vụ Hà Nội <snv@hanoi.gov.vn>"
GENUINE = {"Authentication-Results": f"{OURS}; dkim=pass header.d=hanoi.gov.vn; spf=pass smtp.mailfrom=hanoi.gov.vn;"
                                     " dmarc=pass header.from=hanoi.gov.vn"}


@pytest.fixture
def app(tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=CAMPAIGN,
                   mailbox=[imap_settings()], identify={"trusted_authserv_ids": [OURS]})
    yield app
    app.close()


def forged_report() -> bytes:
    raw = report(QUANG_NINH, "Quảng Ninh", headers=FORGED, seed=7)
    return raw.replace(b"X-Planted: see below", f"Authentication-Results: {PLANTED}".encode())


def submission_of(session, sender: str) -> Submission:
    return session.scalars(select(Submission).where(Submission.sender == sender)).one()


def test_a_forged_report_waits_for_review_and_its_sender_gets_no_receipt(app, imap_account, smtp_server):
    now = datetime.now(timezone.utc)
    imap_account.append(forged_report(), internaldate=now - timedelta(hours=2))
    imap_account.append(report(HANOI, "Hà Nội", headers=GENUINE, seed=8), internaldate=now - timedelta(hours=1))
    run_daemon_once(app)
    with app.sessions() as session:
        forged = submission_of(session, "vanphong.snv@quangninh.gov.vn")
        genuine = submission_of(session, "snv@hanoi.gov.vn")
        assert (forged.state, forged.unit, forged.campaign) == (SubmissionState.NEEDS_REVIEW, "22", "tk2026")
        assert forged.sender_check == SenderCheck.AUTH_FAILED
        assert f"review: forged sender: dmarc=fail for quangninh.gov.vn ({OURS})" in forged.evidence
        assert (genuine.state, genuine.sender_check) == (SubmissionState.ACCEPTED, SenderCheck.KNOWN)
        units = {u.unit: u for u in campaign_status(session, "tk2026").units}
        assert (units["22"].status, units["22"].needs_review) == (PENDING, 1)  # not on time from it
        assert units["01"].status == ON_TIME
    assert [(row.to, row.state) for row in receipts(app)] == [(["snv@hanoi.gov.vn"], OutboxState.SENT)]
    assert [m.rcpt_tos for m in smtp_server.messages()] == [["snv@hanoi.gov.vn"]]

    # A reviewer accepts the report for Quảng Ninh: it counts, but the forged address is still nobody's.
    with app.sessions.begin() as session:
        decide(session, forged.id, ASSIGN, unit="22", campaign="tk2026", reason="gọi điện xác nhận", decided_by="lan")
    run_daemon_once(app)
    with app.sessions() as session:
        units = {u.unit: u for u in campaign_status(session, "tk2026").units}
        assert units["22"].status == ON_TIME
        assert submission_of(session, "vanphong.snv@quangninh.gov.vn").sender_check == SenderCheck.AUTH_FAILED
        assert session.scalars(select(KnownSender.address)).all() == []  # never learned
    declined = [row for row in receipts(app) if row.to == ["vanphong.snv@quangninh.gov.vn"]]
    assert [row.state for row in declined] == [OutboxState.CANCELLED]
    assert "may be forged" in declined[0].note and declined[0].raw == b""
    assert [m.rcpt_tos for m in smtp_server.messages()] == [["snv@hanoi.gov.vn"]]


def test_a_forged_automatic_reply_with_a_file_carries_the_verdict(app, imap_account, smtp_server):
    """No submission by its headers (Auto-Submitted), it waits for a person with the verdict: a reviewer
    who assigns it makes it count, never makes its address anyone's or sends it a receipt."""
    headers = {"Authentication-Results": FORGED["Authentication-Results"], "Auto-Submitted": "auto-replied"}
    imap_account.append(report(QUANG_NINH, "Quảng Ninh", headers=headers, seed=9),
                        internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
    run_daemon_once(app)
    with app.sessions() as session:
        reply = submission_of(session, "vanphong.snv@quangninh.gov.vn")
        assert (reply.state, reply.sender_check) == (SubmissionState.NEEDS_REVIEW, SenderCheck.AUTH_FAILED)
        assert "not a year-end report: auto_reply" in reply.evidence
        assert f"review: forged sender: dmarc=fail for quangninh.gov.vn ({OURS})" in reply.evidence
    with app.sessions.begin() as session:
        decide(session, reply.id, ASSIGN, unit="22", campaign="tk2026", reason="đã gọi điện", decided_by="lan")
    run_daemon_once(app)
    with app.sessions() as session:
        reply = submission_of(session, "vanphong.snv@quangninh.gov.vn")
        assert reply.sender_check == SenderCheck.AUTH_FAILED
        assert any("dmarc=fail" in line for line in reply.evidence)  # the verdict outlives the review line
        assert session.scalars(select(KnownSender.address)).all() == []
    assert smtp_server.messages() == []
