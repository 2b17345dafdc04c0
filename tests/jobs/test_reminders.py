"""Reminders through a real SMTP server: who gets one, what it says, each step exactly once,
time travel across the schedule, refusals and recovery."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs.outbox import deliver
from jobs.reminders.run import remind
from models import adjustments, outbox
from models.schema import AdjustmentKind, Outbox, OutboxState, utcnow
from reportbox.errors import ConfigError, UsageError
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)
from tests.jobs.reminder_setup import REQUEST_ID, TK2019, make_app, submit, vn


@pytest.fixture
def app(tmp_path, db_url, smtp_server):  # noqa: F811
    app = make_app(tmp_path, db_url, smtp_server)
    yield app
    app.close()


def received_by_unit(server) -> dict[str, list]:
    """Messages the server holds, keyed by their first recipient's domain's province."""
    found: dict[str, list] = {}
    for message in server.messages():
        found.setdefault(message.rcpt_tos[0], []).append(message)
    return found


def outbox_rows(app) -> list[Outbox]:
    with app.sessions() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def test_time_travel_across_the_whole_schedule(app, smtp_server):
    submit(app, "01", vn(12))  # Hà Nội reports on time: never reminded after that
    submit(app, "24", vn(17, 10))  # Bắc Giang reports late, on the 17th
    with app.sessions.begin() as session:
        adjustments.adjust(session, "tk2019", "26", AdjustmentKind.EXTENSION, at=vn(20, 23, 59),
                           decided_by="planner", note="bão lụt")
    sent_per_run = []
    for moment in (vn(9), vn(10), vn(10, 9), vn(14), vn(15, 20), vn(16), vn(16, 12), vn(18), vn(21),
                   vn(22), vn(22, 9), vn(26)):
        run = remind(app, "tk2019", as_of=moment)
        sent_per_run.append((moment.day, moment.hour, sorted(run.queued)))
        assert run.delivery.failed == [] and run.delivery.retrying == []
    assert sent_per_run == [
        (9, 8, []),  # nothing due yet
        (10, 8, ["01", "22", "24"]),  # before-5: units with a contact and no report; 26 has an extension
        (10, 9, []),  # the same step again: nothing
        (14, 8, ["22", "24"]),  # before-1; 01 reported on the 12th; 26's extension runs
        (15, 20, []),
        (16, 8, ["22", "24"]),  # after-1
        (16, 12, []),
        (18, 8, ["22"]),  # after-3: Bắc Giang reported late on the 17th
        (21, 8, ["26"]),  # 26's extension ended on the 20th: after-1 of its own deadline
        (22, 8, ["22"]),  # after-7, escalated
        (22, 9, []),
        (26, 8, []),  # after-7 of the 15th is past its catch-up; 26's after-3 (23rd) too
    ]
    rows = outbox_rows(app)
    assert all(row.state == OutboxState.SENT and row.reply.startswith("250") for row in rows)
    assert len(smtp_server.messages()) == len(rows) == 10
    assert not any(set(m.rcpt_tos) & {"sldtbxh@camau.gov.vn"} for m in smtp_server.messages())  # exempt


def test_the_message_says_what_a_province_needs_to_read(app, smtp_server):
    remind(app, "tk2019", as_of=vn(10))
    message = next(m for m in smtp_server.messages() if m.rcpt_tos == ["sldtbxh@quangninh.gov.vn"])
    mail = message.message
    assert mail["Subject"] == "Nhắc gửi báo cáo theo Công văn số 5025/LĐTBXH-KHTC (hạn 15/12/2019)"
    assert "=?utf-8?" in message.data.split(b"\r\n\r\n")[0].decode("ascii").lower()  # RFC 2047 on the wire
    assert mail["In-Reply-To"] == REQUEST_ID and REQUEST_ID in mail["References"]
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"].endswith("@molisa.gov.vn>") and mail["Date"]
    assert message.mail_from == "phongkh@molisa.gov.vn"
    body = mail.get_content()
    assert "Kính gửi: Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh" in body
    assert "còn 5 ngày" in body and "23:59 ngày 15/12/2019" in body
    body = body.replace("\r\n", "\n")
    assert ("gồm các nội dung:\n  1a) Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019\n"
            "  1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án\n") in body  # one per line
    assert "  2a) Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm 2020\n" in body  # the years filled in
    assert "năm sau" not in body and "2b) Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ" in body
    assert "Phòng KH-TC, ĐT 024 3826 9547" in body
    with app.sessions() as session:
        row = session.scalar(select(Outbox).where(Outbox.unit == "22"))
        assert row.message_id == mail["Message-ID"] and row.step == "before-5@2019-12-15"


LETTER_2019 = [
    {"key": "results", "number": "1a", "title": "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực "
                                                "lao động, người có công và xã hội"},
    {"key": "plan", "number": "2a", "title": "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"},
    {"key": "proposals", "number": "2b", "title": "Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ "
                                                  "và Bộ Lao động - Thương binh và Xã hội"},
]


@pytest.mark.parametrize("moment, opening", [(vn(10), "Báo cáo gồm các nội dung:"),
                                              (vn(16), "khẩn trương gửi báo cáo, gồm các nội dung:")])
def test_reminders_quote_the_outline_in_the_letters_words(tmp_path, db_url, moment, opening):  # noqa: F811
    app = make_app(tmp_path, db_url, campaign={**TK2019, "section": LETTER_2019},
                   outline={"shortcomings": {"title": "Hạn chế năm {report_year}"}})
    try:
        body = remind(app, "tk2019", as_of=moment, dry_run=True).drafts["22"].body
    finally:
        app.close()
    assert (f"{opening}\n"
            "  1a) Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người có công và xã hội\n"
            "  1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án\n"
            "  1c) Hạn chế năm 2019\n"
            "  2a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020\n"
            "  2b) Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ Lao động - Thương binh và Xã hội\n"
            "\n") in body


def test_escalation_copies_the_peoples_committee_and_the_ministry(app, smtp_server):
    remind(app, "tk2019", as_of=vn(16))
    remind(app, "tk2019", as_of=vn(22))
    quang_ninh = [m for m in smtp_server.messages() if "sldtbxh@quangninh.gov.vn" in m.rcpt_tos]
    assert [sorted(m.rcpt_tos) for m in quang_ninh] == [
        ["sldtbxh@quangninh.gov.vn"],
        ["sldtbxh@quangninh.gov.vn", "ubnd@quangninh.gov.vn", "vukhtc@molisa.gov.vn"]]
    escalated = quang_ninh[1].message
    assert escalated["Cc"] == "ubnd@quangninh.gov.vn, vukhtc@molisa.gov.vn"
    assert "quá hạn 7 ngày" in escalated["Subject"]


def test_dry_run_shows_everything_and_sends_nothing(app, smtp_server):
    run = remind(app, "tk2019", as_of=vn(10), dry_run=True)
    assert sorted(run.drafts) == ["01", "22", "24", "26"] and run.queued == {} and run.delivery is None
    skipped = {p.unit.unit: p.skip for p in run.plans if p.skip}
    assert skipped["02"] == "no_contact" and "96" not in skipped  # exempt units are not even listed
    assert smtp_server.messages() == [] and outbox_rows(app) == []
    assert remind(app, "tk2019", as_of=vn(10)).queued.keys() == run.drafts.keys()  # the real run sends the same


def test_a_refusing_server_is_retried_with_backoff_until_it_recovers(app, smtp_server):
    smtp_server.refuse(451, "4.3.0 try again later")
    run = remind(app, "tk2019", as_of=vn(10))
    assert run.delivery.sent == [] and len(run.delivery.retrying) == 4
    rows = outbox_rows(app)
    assert {row.state for row in rows} == {OutboxState.QUEUED} and all("451" in row.error for row in rows)
    first_retry = rows[0].next_attempt_at
    assert first_retry - rows[0].created_at >= timedelta(seconds=59)
    assert deliver(app).sent == []  # not due yet: nothing is tried
    smtp_server.recover()
    later = deliver(app, clock=lambda: first_retry + timedelta(seconds=1), as_of=vn(10, 9))
    assert len(later.sent) == 4 and len(smtp_server.messages()) == 4
    assert remind(app, "tk2019", as_of=vn(10, 10)).queued == {}  # and never again


def test_attempts_run_out_and_a_5xx_fails_at_once(app, smtp_server, tmp_path, db_url):  # noqa: F811
    smtp_server.reject_recipients({"sldtbxh@quangninh.gov.vn": (550, "5.1.1 User unknown")})
    run = remind(app, "tk2019", as_of=vn(10))
    failed = {row.unit: row for row in outbox_rows(app) if row.state == OutboxState.FAILED}
    assert list(failed) == ["22"] and "5.1.1 User unknown" in failed["22"].error
    hanoi = next(row for row in outbox_rows(app) if row.unit == "01")
    assert hanoi.state == OutboxState.SENT and hanoi.refused == {}
    assert len(run.delivery.sent) == 3
    with app.sessions() as session:  # refused by our relay for good: the address is flagged like a bounce
        assert list(outbox.failing_addresses(session)) == ["sldtbxh@quangninh.gov.vn"]
    smtp_server.recover()
    smtp_server.refuse(451)
    app.config.smtp.__dict__["max_attempts"] = 2  # the frozen config, adjusted for this test only
    remind(app, "tk2019", as_of=vn(14))
    assert {(row.state, row.attempts) for row in outbox_rows(app) if row.step.startswith("before-1")} == {
        (OutboxState.QUEUED, 1)}
    later = deliver(app, clock=lambda: utcnow() + timedelta(minutes=5), as_of=vn(14, 9))
    assert later.sent == [] and len(later.failed) == 3  # 01, 24, 26 (22 bounces); the second attempt was the last
    assert {(row.state, row.attempts) for row in outbox_rows(app) if row.step.startswith("before-1")} == {
        (OutboxState.FAILED, 2)}


def test_a_partly_refused_message_goes_to_the_others(app, smtp_server):
    smtp_server.reject_recipients({"vanphong@hanoi.gov.vn": (550, "5.1.1 no such user")})
    remind(app, "tk2019", as_of=vn(10))
    hanoi = next(row for row in outbox_rows(app) if row.unit == "01")
    assert hanoi.state == OutboxState.SENT and list(hanoi.refused) == ["vanphong@hanoi.gov.vn"]
    with app.sessions() as session:
        assert list(outbox.failing_addresses(session)) == ["vanphong@hanoi.gov.vn"]
    assert [m.rcpt_tos for m in smtp_server.messages() if "sldtbxh@hanoi.gov.vn" in m.rcpt_tos] == [
        ["sldtbxh@hanoi.gov.vn"]]


def test_a_report_arriving_before_a_queued_reminder_goes_cancels_it(app, smtp_server):
    smtp_server.refuse(451)
    remind(app, "tk2019", as_of=vn(16))
    submit(app, "22", vn(16, 9))
    smtp_server.recover()
    report = deliver(app, clock=lambda: utcnow() + timedelta(minutes=5), as_of=vn(16, 10))
    cancelled = {row.unit: row.note for row in outbox_rows(app) if row.state == OutboxState.CANCELLED}
    assert list(cancelled) == ["22"] and "late" in cancelled["22"]
    assert "sldtbxh@quangninh.gov.vn" not in {r for m in smtp_server.messages() for r in m.rcpt_tos}
    assert len(report.sent) == 3


def test_rate_limit_paces_the_messages(tmp_path, db_url, smtp_server, monkeypatch):  # noqa: F811
    from tests.jobs.reminder_setup import smtp_section

    app = make_app(tmp_path, db_url, smtp=smtp_section(smtp_server, max_per_minute=30))
    clock = {"now": 1000.0}  # a monotonic clock that only sleeping moves, so the pacing is exact
    monkeypatch.setattr("jobs.outbox.time.monotonic", lambda: clock["now"])
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock["now"] += seconds

    try:
        remind(app, "tk2019", as_of=vn(10), sleep=sleep)
        assert waits == [2.0, 2.0, 2.0]  # 4 messages, 2 s apart
        assert len(smtp_server.messages()) == 4
    finally:
        app.close()


def test_without_smtp_only_a_dry_run_is_possible(tmp_path, db_url):  # noqa: F811
    app = make_app(tmp_path, db_url)
    try:
        with pytest.raises(ConfigError, match=r"no \[smtp\]"):
            remind(app, "tk2019", as_of=vn(10))
        assert len(remind(app, "tk2019", as_of=vn(10), dry_run=True).drafts) == 4
        with pytest.raises(UsageError, match="not in"):
            remind(app, "nope", as_of=vn(10), dry_run=True)
    finally:
        app.close()


def test_a_report_in_review_or_a_stop_holds_a_queued_reminder_back(app, smtp_server):
    from models.schema import SubmissionState

    smtp_server.refuse(451)
    remind(app, "tk2019", as_of=vn(16))
    submit(app, "24", vn(16, 9), state=SubmissionState.NEEDS_REVIEW)
    smtp_server.recover()
    stop = threading.Event()
    stop.set()
    assert deliver(app, clock=lambda: utcnow() + timedelta(minutes=5), stop=stop).sent == []
    report = deliver(app, clock=lambda: utcnow() + timedelta(minutes=5), as_of=vn(16, 10))
    cancelled = {row.unit: row.note for row in outbox_rows(app) if row.state == OutboxState.CANCELLED}
    assert cancelled == {"24": "not sent: a report naming the unit waits in review"} and len(report.sent) == 3


def test_an_address_smtp_cannot_carry_fails_that_message_only(app, smtp_server, tmp_path):
    contacts = app.config.registry.contacts
    contacts.write_text(contacts.read_text(encoding="utf-8") + "22,vănthư@quangninh.gov.vn,,\n", encoding="utf-8")
    run = remind(app, "tk2019", as_of=vn(10))
    assert len(run.delivery.sent) == 3 and len(run.delivery.failed) == 1
    failed = next(row for row in outbox_rows(app) if row.state == OutboxState.FAILED)
    assert failed.unit == "22" and failed.error
