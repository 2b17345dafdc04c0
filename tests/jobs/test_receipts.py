"""Receipts end to end: a report delivered to the Dovecot fixture, fetched and accepted by the
daemon, confirmed once to its sender through the SMTP fixture; no receipt for a reply to our
own mail, a robot's message or a forged sender, and none twice."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from jobs.daemon import Daemon
from jobs.mailing import mail_pass
from models import outbox
from models.schema import Outbox, OutboxKind, OutboxState, Submission, SubmissionState
from reportbox.errors import UsageError
from reportbox.sample_documents import report_docx
from jobs.mail.compose import Templates
from jobs.receipts import receipt_letter
from models.schema import Campaign, RawMessage
from tests.ingest.conftest import IMAP_PASSWORD_ENV, db_url, imap_settings  # noqa: F401
from tests.jobs.reminder_setup import FROM, TK2019, make_app, submit, vn

DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
TODAY = datetime.now(timezone.utc).date()
CAMPAIGN = {"id": "tk2026", "letter": "4321/BNV-KHTC", "title": "Đánh giá tình hình thực hiện năm 2026",
            "report_year": 2026, "plan_year": 2027, "issued": (TODAY - timedelta(days=20)).isoformat(),
            "deadline": (TODAY + timedelta(days=10)).isoformat(), "registry": "vn34",
            "reminders": {"enabled": False}}
QUANG_NINH = "Sở Nội vụ Quảng Ninh <vanphong.snv@quangninh.gov.vn>"


def report_id(province: str, seed: int) -> str:
    return f"<report-{seed}-{len(province)}-{sum(map(ord, province))}@example.gov.vn>"


def report(sender: str = QUANG_NINH, province: str = "Quảng Ninh", *, headers: dict | None = None,
           seed: int = 0, headings=None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "phongkh@molisa.gov.vn"
    message["Subject"] = f"Báo cáo đánh giá tình hình thực hiện năm 2026 của tỉnh {province}"
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = report_id(province, seed)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("Kính gửi Bộ. Xin gửi báo cáo năm 2026.")
    message.add_attachment(report_docx(province, 2026, pages=1, seed=seed, headings=headings),
                           maintype=DOCX[0], subtype=DOCX[1], filename="Bao cao 2026.docx")
    return message.as_bytes(policy=policy.SMTP)


@pytest.fixture
def setup(tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=CAMPAIGN,
                   mailbox=[imap_settings()])
    yield app, imap_account, smtp_server
    app.close()


def run_daemon_once(app) -> None:
    Daemon(app).run(install_signals=False, max_polls=1)


def receipts(app) -> list[Outbox]:
    with app.sessions() as session:
        return list(session.scalars(select(Outbox).where(Outbox.kind == OutboxKind.RECEIPT).order_by(Outbox.id)))


def test_an_accepted_report_gets_one_receipt_with_what_was_found(setup):
    app, account, smtp = setup
    account.append(report(headings=(0, 1, 2)), internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
    run_daemon_once(app)
    with app.sessions() as session:
        [submission] = session.scalars(select(Submission)).all()
        assert (submission.state, submission.unit, submission.campaign) == (SubmissionState.ACCEPTED, "22", "tk2026")
    [received] = smtp.messages()
    mail = received.message
    assert received.rcpt_tos == ["vanphong.snv@quangninh.gov.vn"]
    assert mail["Subject"] == "Đã nhận báo cáo của Tỉnh Quảng Ninh theo Công văn số 4321/BNV-KHTC"
    assert mail["In-Reply-To"] == report_id("Quảng Ninh", 0)
    assert mail["Auto-Submitted"] == "auto-replied" and mail["From"] == FROM
    body = mail.get_content()
    assert "đúng hạn" in body and "Bao cao 2026.docx" in body
    assert "Chưa tìm thấy các nội dung sau" in body  # three headings sent: two sections missing
    assert "  1a) Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2026" in body  # the campaign's years
    assert "  2a) Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm 2027" in body and "năm sau" not in body
    run_daemon_once(app)  # a second pass sends nothing more
    assert len(smtp.messages()) == 1 and [r.state for r in receipts(app)] == [OutboxState.SENT]


def test_no_receipt_for_a_reply_to_our_mail_a_bulk_sender_or_a_forged_one(setup):
    app, account, smtp = setup
    account.append(report(), internaldate=datetime.now(timezone.utc) - timedelta(hours=2))
    run_daemon_once(app)
    [first] = receipts(app)
    # The province answers our receipt with a correction; another province's system mails in bulk.
    account.append(report(seed=1, headers={"In-Reply-To": first.message_id, "References": first.message_id}),
                   internaldate=datetime.now(timezone.utc) - timedelta(minutes=30))
    account.append(report(sender="Sở Nội vụ Hà Nội <snv@hanoi.gov.vn>", province="Hà Nội",
                          headers={"Precedence": "bulk"}), internaldate=datetime.now(timezone.utc))
    run_daemon_once(app)
    rows = receipts(app)
    assert [r.state for r in rows] == [OutboxState.SENT, OutboxState.CANCELLED, OutboxState.CANCELLED]
    assert "a reply to our own mail" in rows[1].note and "Precedence: bulk" in rows[2].note
    assert len(smtp.messages()) == 1
    with app.sessions.begin() as session, pytest.raises(UsageError, match="never composed"):
        outbox.retry(session, rows[2].id, "it")  # a receipt declined was never written: nothing to resend


def test_one_receipt_that_fails_is_skipped_and_the_others_go(setup, monkeypatch, caplog):
    import jobs.receipts

    app, account, smtp = setup
    account.append(report(), internaldate=datetime.now(timezone.utc) - timedelta(hours=2))
    account.append(report(sender="Sở Nội vụ Hà Nội <snv@hanoi.gov.vn>", province="Hà Nội"),
                   internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
    letter = jobs.receipts.receipt_letter

    def broken_for_hanoi(config, session, campaign, unit, submission, *rest):
        if submission.sender == "snv@hanoi.gov.vn":
            raise LookupError("a row the code does not expect")
        return letter(config, session, campaign, unit, submission, *rest)

    monkeypatch.setattr(jobs.receipts, "receipt_letter", broken_for_hanoi)
    run_daemon_once(app)
    assert [m.rcpt_tos for m in smtp.messages()] == [["vanphong.snv@quangninh.gov.vn"]]
    assert "receipts: message 2 skipped: a row the code does not expect" in caplog.text
    monkeypatch.setattr(jobs.receipts, "receipt_letter", letter)
    mail_pass(app)  # mended: the one skipped is owed still
    assert sorted(m.rcpt_tos[0] for m in smtp.messages()) == ["snv@hanoi.gov.vn", "vanphong.snv@quangninh.gov.vn"]


def test_old_reports_and_disabled_receipts_get_none(tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=CAMPAIGN,
                   mailbox=[imap_settings()], receipts={"enabled": True, "max_age_days": 3})
    try:
        imap_account.append(report(), internaldate=datetime.now(timezone.utc) - timedelta(days=4))
        run_daemon_once(app)
        assert receipts(app) == [] and smtp_server.messages() == []
    finally:
        app.close()
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb2.db'}", smtp_server, campaign=CAMPAIGN,
                   mailbox=[imap_settings()], receipts={"enabled": False})
    try:
        imap_account.append(report(seed=3), internaldate=datetime.now(timezone.utc))
        run_daemon_once(app)
        assert receipts(app) == [] and smtp_server.messages() == []
    finally:
        app.close()


def test_mail_pass_without_smtp_does_nothing(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", campaign=CAMPAIGN)
    try:
        result = mail_pass(app)
        assert result.receipts == [] and result.delivery.sent == []
    finally:
        app.close()



def test_the_daemons_mail_pass_sends_the_reminders_owed_now(tmp_path, smtp_server):
    from tests.jobs.reminder_setup import CONTACTS  # noqa: F401  (the contacts file make_app writes)

    campaign = {**CAMPAIGN, "registry": "vn63", "deadline": (TODAY - timedelta(days=1)).isoformat(),
                "reminders": {"before_deadline_days": [], "after_deadline_days": [1], "send_at": "00:00"}}
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=campaign)
    try:
        first = mail_pass(app)
        assert sorted(first.reminders["tk2026"]) == ["01", "22", "24", "26", "96"]
        assert len(first.delivery.sent) == 5 and len(smtp_server.messages()) == 5
        again = mail_pass(app)
        assert again.reminders["tk2026"] == [] and len(smtp_server.messages()) == 5
    finally:
        app.close()


def test_a_province_answering_a_reminder_with_its_report_gets_a_receipt(tmp_path, imap_account, imap_settings,  # noqa: F811
                                                                         smtp_server):
    from jobs.reminders.run import remind
    from reportbox.timefmt import VIETNAM

    campaign = {**CAMPAIGN, "reminders": {"before_deadline_days": [5], "after_deadline_days": [], "send_at": "08:00"}}
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=campaign,
                   mailbox=[imap_settings()])
    try:
        step_day = TODAY + timedelta(days=5)  # the deadline is TODAY + 10
        run = remind(app, "tk2026", as_of=datetime(step_day.year, step_day.month, step_day.day, 9, tzinfo=VIETNAM))
        assert "22" in run.queued
        reminder = next(m for m in smtp_server.messages() if m.rcpt_tos == ["sldtbxh@quangninh.gov.vn"]).message
        answer = report(sender="Sở LĐTBXH Quảng Ninh <sldtbxh@quangninh.gov.vn>",
                        headers={"In-Reply-To": reminder["Message-ID"], "References": reminder["Message-ID"]})
        imap_account.append(answer, internaldate=datetime.now(timezone.utc))
        run_daemon_once(app)
        assert [(row.state, row.to) for row in receipts(app)] == [(OutboxState.SENT, ["sldtbxh@quangninh.gov.vn"])]
    finally:
        app.close()


LETTER_2019 = [
    {"key": "results", "number": "1a", "title": "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực "
                                                "lao động, người có công và xã hội"},
    {"key": "plan", "number": "2a", "title": "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"},
]


def test_a_receipt_quotes_the_sections_found_and_missing_in_the_letters_words(tmp_path, db_url):  # noqa: F811
    app = make_app(tmp_path, db_url, campaign={**TK2019, "section": LETTER_2019})
    try:
        submission_id = submit(app, "22", vn(12), sections=("results", "policies"))
        with app.sessions() as session:
            submission = session.get(Submission, submission_id)
            raw = session.get(RawMessage, submission.raw_message_id)
            name, variables = receipt_letter(app.config, session, session.get(Campaign, "tk2019"), "22",
                                             submission, raw, None)
    finally:
        app.close()
    body = Templates().render(name, variables).body
    assert ("Các nội dung đã có trong báo cáo:\n"
            "  1a) Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người có công và xã hội\n"
            "  1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án\n") in body
    assert ("gửi bổ sung (ghi \"bổ sung\" trong tiêu đề thư):\n"
            "  1c) Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân\n"
            "  2a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020\n"
            "  2b) Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ\n") in body
    assert variables["missing_sections"][1] == "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"
