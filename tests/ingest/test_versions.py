"""Versions through the whole pipeline: a resubmission supersedes, a supplement or a missing part
joins, history is kept, ids stay put on reprocess, and people's decisions redo the versions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from jobs.poll import poll
from models import messages as q
from models.review import ASSIGN, REJECT, decide
from models.schema import Campaign, KnownSender, SenderCheck, Submission, SubmissionState
from models.senders import learned_addresses
from models.versions import version_sections
from reportbox import samples
from reportbox.sample_documents import report_docx
from tests.ingest.conftest import sources_of

CAMPAIGN = {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "title": "Báo cáo năm 2019", "report_year": 2019,
            "plan_year": 2020, "issued": "2019-11-25", "deadline": "2019-12-15", "registry": "vn63"}
DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
FIRST_DAY = datetime(2019, 12, 2, 2, 0, tzinfo=timezone.utc)
OFFICE = "Sở LĐTBXH Quảng Ninh <vanphong.sldtbxh@quangninh.gov.vn>"


def _message(day: int, subject: str, headings: tuple[int, ...] | None = None, *, sender: str = OFFICE,
             seed: int = 0, province: str = "Quảng Ninh") -> bytes:
    """A report (or only the sections `headings`) received by our server `day` days after FIRST_DAY."""
    received = FIRST_DAY + timedelta(days=day)
    message = EmailMessage()
    message["Received"] = f"from mx.example.gov.vn by mail.molisa.gov.vn; {format_datetime(received)}"
    message["From"] = sender
    message["To"] = samples.MINISTRY
    message["Subject"] = subject
    message["Date"] = format_datetime(received)
    message.set_content("Kính gửi Phòng Kế hoạch - Tài chính.")
    message.add_attachment(report_docx(province, 2019, pages=1, seed=seed, headings=headings),
                           maintype=DOCX[0], subtype=DOCX[1], filename=f"Bao cao nam 2019 - {day}.docx")
    return message.as_bytes(policy=policy.SMTP)


@pytest.fixture
def mailbox(make_app, tmp_path):
    """Deliver messages (name → bytes) and poll; returns the app, rebuilt on each call like a restart."""
    folder = tmp_path / "eml"
    folder.mkdir()

    def deliver(messages: dict[str, bytes], **sections):
        for name, raw in messages.items():
            (folder / name).write_bytes(raw)
        app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}],
                       campaign=[CAMPAIGN], **sections)
        poll(app, sources_of(app))
        return app

    return deliver


def _states(app) -> dict[int, tuple]:
    """Per message, by its day (in the attachment's name): (state, day joined to, day superseded by)."""
    from models.schema import Document

    with app.sessions() as session:
        days = {raw_id: int(path.rsplit(" - ", 1)[1].split(".")[0])
                for raw_id, path in session.execute(select(Document.raw_message_id, Document.path))}
        subs = list(session.scalars(select(Submission)))
    day_of = {s.id: days[s.raw_message_id] for s in subs}
    return {day_of[s.id]: (s.state, day_of.get(s.joined_to), day_of.get(s.superseded_by)) for s in subs}


def _ids_by_day(app) -> dict[int, int]:
    from models.schema import Document

    with app.sessions() as session:
        rows = session.execute(select(Document.path, Submission.id)
                               .join(Submission, Submission.raw_message_id == Document.raw_message_id))
        return {int(path.rsplit(" - ", 1)[1].split(".")[0]): sid for path, sid in rows}


def test_a_corrected_report_supersedes_the_whole_earlier_version(mailbox):
    app = mailbox({"a.eml": _message(0, "Báo cáo năm 2019"),
                   "b.eml": _message(3, "Báo cáo năm 2019 (gửi lại, thay thế)", seed=1)})
    assert _states(app) == {0: (SubmissionState.SUPERSEDED, None, 3), 3: (SubmissionState.ACCEPTED, None, None)}


def test_parts_and_supplements_join_the_version_they_complete(mailbox):
    app = mailbox({
        "1.eml": _message(0, "Báo cáo năm 2019 - phần 1", headings=(0, 1, 2)),
        "2.eml": _message(1, "Báo cáo năm 2019 - phần 2", headings=(3, 4)),  # says so, and brings new sections
        "3.eml": _message(2, "Báo cáo bổ sung số liệu năm 2019", headings=(0,)),  # repeats a section, but says bổ sung
    })
    assert _states(app) == {0: (SubmissionState.ACCEPTED, None, None), 1: (SubmissionState.ACCEPTED, 0, None),
                            2: (SubmissionState.ACCEPTED, 0, None)}
    with app.sessions() as session:
        first = session.scalars(select(Submission).where(Submission.joined_to.is_(None))).one()
        assert sorted(version_sections(session, first.id)) == sorted(
            ["results", "policies", "shortcomings", "plan", "proposals"])
        assert first.continuation is None
        later = session.scalars(select(Submission).where(Submission.joined_to == first.id)).all()
        assert all("bổ sung" in s.continuation or "phần 2" in s.continuation for s in later)


def test_a_part_sent_without_saying_so_joins_when_it_brings_only_missing_sections(mailbox):
    app = mailbox({"1.eml": _message(0, "Báo cáo năm 2019", headings=(0, 1, 2)),
                   "2.eml": _message(1, "Báo cáo năm 2019", headings=(3, 4)),
                   # then everything again, corrected: a new version that supersedes both
                   "3.eml": _message(5, "Báo cáo năm 2019", seed=2)})
    assert _states(app) == {0: (SubmissionState.SUPERSEDED, None, 5), 1: (SubmissionState.SUPERSEDED, 0, 5),
                            5: (SubmissionState.ACCEPTED, None, None)}


def test_versions_do_not_depend_on_processing_order_and_ids_survive_reprocess(mailbox):
    # The later message is delivered (and processed) first.
    app = mailbox({"b.eml": _message(4, "Báo cáo năm 2019", seed=1)})
    assert _states(app) == {4: (SubmissionState.ACCEPTED, None, None)}
    app = mailbox({"a.eml": _message(0, "Báo cáo năm 2019")})
    assert _states(app) == {4: (SubmissionState.ACCEPTED, None, None), 0: (SubmissionState.SUPERSEDED, None, 4)}
    with app.sessions() as session:
        ids = dict(session.execute(select(Submission.raw_message_id, Submission.id)).all())
    with app.sessions.begin() as session:
        q.reset_for_reprocess(session, None)
    with app.sessions() as session:  # waiting to be processed again, the submissions still stand
        assert dict(session.execute(select(Submission.raw_message_id, Submission.id)).all()) == ids
    app = mailbox({})
    with app.sessions() as session:
        assert dict(session.execute(select(Submission.raw_message_id, Submission.id)).all()) == ids
    assert _states(app) == {4: (SubmissionState.ACCEPTED, None, None), 0: (SubmissionState.SUPERSEDED, None, 4)}


def test_rejecting_the_latest_version_brings_back_the_earlier_and_assigning_redoes_both_units(mailbox):
    app = mailbox({"a.eml": _message(0, "Báo cáo năm 2019"),
                   "b.eml": _message(3, "Báo cáo năm 2019", seed=1)})
    by_day = _ids_by_day(app)
    with app.sessions.begin() as session:
        decide(session, by_day[3], REJECT, reason="gửi nhầm", decided_by="planner")
    assert _states(app) == {0: (SubmissionState.ACCEPTED, None, None), 3: (SubmissionState.REJECTED, None, None)}
    with app.sessions.begin() as session:  # counted for another province: Quảng Ninh keeps its first
        decide(session, by_day[3], ASSIGN, unit="24", reason="thực ra của Bắc Giang", decided_by="planner")
    assert _states(app) == {0: (SubmissionState.ACCEPTED, None, None), 3: (SubmissionState.ACCEPTED, None, None)}
    with app.sessions() as session:
        assert session.get(Submission, by_day[3]).unit == "24"
    app = mailbox({"c.eml": _message(6, "Báo cáo năm 2019", seed=2)})  # Quảng Ninh's next supersedes day 0 only
    assert _states(app) == {0: (SubmissionState.SUPERSEDED, None, 6), 3: (SubmissionState.ACCEPTED, None, None),
                            6: (SubmissionState.ACCEPTED, None, None)}


def test_personal_webmail_is_flagged_learned_once_accepted_and_known_next_time(mailbox):
    gmail = "Nguyễn Văn An <nguyenvanan.qn@gmail.com>"
    app = mailbox({"a.eml": _message(0, "Báo cáo năm 2019", sender=gmail)})
    with app.sessions() as session:
        first = session.scalars(select(Submission)).one()
        assert first.state == SubmissionState.ACCEPTED  # the document's own header identifies it
        assert first.sender_check == SenderCheck.UNKNOWN and first.unverified_sender
        assert [(a.address, a.registry, a.code, a.source) for a in learned_addresses(session)] == [
            ("nguyenvanan.qn@gmail.com", "vn63", "22", "learned")]
    app = mailbox({"b.eml": _message(3, "Báo cáo bổ sung", headings=(4,), sender=gmail)})
    with app.sessions() as session:
        later = session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert later.sender_check == SenderCheck.KNOWN and not later.unverified_sender
        assert any("learned address of 22" in line for line in later.evidence)


def test_a_rejected_submission_takes_back_the_address_it_taught(mailbox):
    app = mailbox({"a.eml": _message(0, "Báo cáo năm 2019", sender="x <someone@yahoo.com>")})
    with app.sessions() as session:
        submission_id = session.scalars(select(Submission.id)).one()
        assert session.scalars(select(KnownSender.address)).all() == ["someone@yahoo.com"]
    with app.sessions.begin() as session:
        decide(session, submission_id, REJECT, reason="không phải của Sở", decided_by="planner")
    with app.sessions() as session:
        assert session.scalars(select(KnownSender.address)).all() == []


def test_require_known_sender_holds_personal_webmail_for_review(mailbox):
    app = mailbox({"a.eml": _message(0, "Báo cáo năm 2019", sender="x <someone@yahoo.com>"),
                   "b.eml": _message(0, "Báo cáo năm 2019", province="Bắc Giang",
                                     sender="Sở LĐTBXH <sldtbxh@bacgiang.gov.vn>")},
                  identify={"require_known_sender": True})
    with app.sessions() as session:
        states = {s.sender: (s.state, s.sender_check) for s in session.scalars(select(Submission))}
        assert session.scalars(select(KnownSender)).all() == []  # nothing accepted from a stranger
    assert states == {"someone@yahoo.com": (SubmissionState.NEEDS_REVIEW, SenderCheck.UNKNOWN),
                      "sldtbxh@bacgiang.gov.vn": (SubmissionState.ACCEPTED, SenderCheck.KNOWN)}


def test_campaigns_are_stored_and_kept_in_step_with_the_config(mailbox):
    app = mailbox({})
    with app.sessions() as session:
        campaign = session.get(Campaign, "tk2019")
        assert (campaign.letter, campaign.unit_registry, campaign.in_config) == ("5025/LĐTBXH-KHTC", "vn63", True)
        # the end of 15 December in Vietnam
        assert campaign.deadline == datetime(2019, 12, 15, 16, 59, 59, 999999, tzinfo=timezone.utc)
    CAMPAIGN_LATER = {**CAMPAIGN, "deadline": "2019-12-20T17:00:00"}
    from reportbox.config import config_from_dict
    from reportbox.app import open_app

    moved = open_app(config_from_dict({"database": {"url": str(app.engine.url.render_as_string(False))},
                                       "campaign": [CAMPAIGN_LATER]}, app.config.path))
    try:
        with moved.sessions() as session:
            assert session.get(Campaign, "tk2019").deadline == datetime(2019, 12, 20, 10, 0, tzinfo=timezone.utc)
    finally:
        moved.close()
    gone = open_app(config_from_dict({"database": {"url": str(app.engine.url.render_as_string(False))}},
                                     app.config.path))
    try:
        with gone.sessions() as session:
            assert session.get(Campaign, "tk2019").in_config is False
    finally:
        gone.close()
