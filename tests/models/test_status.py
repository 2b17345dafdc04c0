"""Campaign status as of T on SQLite and PostgreSQL: time travel across the deadline, resubmissions,
extensions, exemptions, offline receipts, registry changes, and the SQL view agreeing with it."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Integer, String, text

from models import adjustments
from models.schema import (
    AdjustmentKind,
    CampaignAdjustment,
    Document,
    RawMessage,
    Submission,
    SubmissionState,
    UTCDateTime,
    utcnow,
)
from models.status import campaign_status, status_json
from models.versions import resolve_versions
from reportbox.app import open_app
from reportbox.cli.campaigns import _status_table
from reportbox.config import config_from_dict
from reportbox.errors import UsageError
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)

VN = timezone(timedelta(hours=7))
DEADLINE = datetime(2019, 12, 15, 23, 59, 59, 999999, tzinfo=VN)  # a date deadline: the end of the day in Vietnam
OUTLINE = ["results", "policies", "shortcomings", "plan", "proposals"]
TK2019 = {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "title": "Báo cáo năm 2019", "report_year": 2019,
          "plan_year": 2020, "issued": "2019-11-25", "deadline": "2019-12-15", "registry": "vn63",
          "exempt": ["96"]}
TK2025 = {"id": "tk2025", "letter": "100/BNV-KHTC", "title": "Báo cáo năm 2025", "report_year": 2025,
          "plan_year": 2026, "issued": "2025-11-20", "deadline": "2025-12-15", "registry": "vn34"}


@pytest.fixture
def app(db_url, tmp_path):  # noqa: F811
    app = open_app(config_from_dict({"database": {"url": db_url}, "storage": {"raw_dir": str(tmp_path / "raw")},
                                     "campaign": [TK2019, TK2025]}, tmp_path / "reportbox.toml"))
    yield app
    app.close()


def submit(app, unit: str, received: datetime, sections=OUTLINE, *, campaign="tk2019", registry="vn63",
           state=SubmissionState.ACCEPTED, continuation=None) -> int:
    """A submission as processing records it: the raw message, the row, then the unit's versions."""
    with app.sessions.begin() as session:
        digest = hashlib.sha256(f"{unit}{received}{sections}{campaign}".encode()).hexdigest()
        raw = RawMessage(sha256=digest, size=1, received_at=received, received_source="internaldate")
        session.add(raw)
        session.flush()
        submission = Submission(raw_message_id=raw.id, campaign=campaign, unit_registry=registry, unit=unit,
                                state=state, sections=list(sections), continuation=continuation)
        session.add(submission)
        resolve_versions(session, [(campaign, registry, unit)])
        return submission.id


def status_at(app, moment: datetime, campaign="tk2019") -> dict:
    with app.sessions() as session:
        return {u["unit"]: u for u in status_json(campaign_status(session, campaign, as_of=moment))["units"]}


def test_time_travel_across_the_deadline(app):
    submit(app, "22", datetime(2019, 12, 10, 9, 0, tzinfo=VN), OUTLINE[:3])  # on time, incomplete
    submit(app, "01", DEADLINE)  # at the last instant: on time
    submit(app, "24", DEADLINE + timedelta(microseconds=1))  # the first instant after: late
    before, at, after = DEADLINE - timedelta(days=1), DEADLINE, DEADLINE + timedelta(days=2, hours=3)
    assert {k: u["status"] for k, u in status_at(app, before).items() if k in ("01", "22", "24", "26")} == {
        "01": "pending", "22": "on_time", "24": "pending", "26": "pending"}
    assert {k: u["status"] for k, u in status_at(app, at).items() if k in ("01", "22", "24", "26")} == {
        "01": "on_time", "22": "on_time", "24": "pending", "26": "pending"}
    later = status_at(app, after)
    assert {k: later[k]["status"] for k in ("01", "22", "24", "26", "96")} == {
        "01": "on_time", "22": "on_time", "24": "late", "26": "missing", "96": "exempt"}
    assert later["24"]["late_by_hours"] == 0.0 and later["01"]["late_by_hours"] is None
    assert (later["22"]["complete"], later["22"]["missing_sections"]) == (False, ["plan", "proposals"])
    assert later["22"]["received_at"] == "2019-12-10T09:00:00+07:00"
    with app.sessions() as session:
        summary = campaign_status(session, "tk2019", as_of=after).summary
    assert summary == {"expected": 62, "on_time": 2, "late": 1, "missing": 59, "pending": 0, "exempt": 1,
                       "complete": 2, "incomplete": 1, "needs_review": 0, "unmapped": 0, "unreadable": 0}


def test_a_late_correction_keeps_the_unit_on_time_and_gives_the_latest_version(app):
    first = datetime(2019, 12, 14, 8, 0, tzinfo=VN)
    submit(app, "22", first, OUTLINE[:3])
    submit(app, "22", first + timedelta(hours=2), OUTLINE[3:])  # the rest, without saying so: joins
    corrected = datetime(2019, 12, 18, 15, 30, tzinfo=VN)
    latest = submit(app, "22", corrected, OUTLINE)  # everything again after the deadline: a new version
    at_deadline, after = status_at(app, DEADLINE)["22"], status_at(app, corrected + timedelta(hours=1))["22"]
    assert (at_deadline["status"], at_deadline["versions"], at_deadline["complete"]) == ("on_time", 1, True)
    assert (after["status"], after["versions"], after["submission"]) == ("on_time", 2, latest)
    assert after["received_at"] == "2019-12-14T08:00:00+07:00"
    assert after["latest_at"] == corrected.isoformat()


def test_review_and_rejection_count_only_once_decided(app):
    submit(app, "22", datetime(2019, 12, 10, tzinfo=VN), state=SubmissionState.NEEDS_REVIEW)
    submit(app, "24", datetime(2019, 12, 10, tzinfo=VN), state=SubmissionState.REJECTED)
    now = status_at(app, DEADLINE + timedelta(days=1))
    assert (now["22"]["status"], now["22"]["needs_review"]) == ("missing", 1)
    assert now["24"]["status"] == "missing"


def test_only_this_campaigns_review_items_hold_its_units(app):
    """A half-year report waiting in review since July, or one of no campaign, does not mark a unit as
    in review for the year-end campaign (reminders skip units in review)."""
    submit(app, "22", datetime(2019, 7, 10, tzinfo=VN), campaign=None, state=SubmissionState.NEEDS_REVIEW)
    submit(app, "24", datetime(2019, 12, 10, tzinfo=VN), campaign="tk2025", state=SubmissionState.NEEDS_REVIEW)
    submit(app, "26", datetime(2019, 12, 10, tzinfo=VN), state=SubmissionState.NEEDS_REVIEW)
    now = status_at(app, DEADLINE + timedelta(days=1))
    assert {code: now[code]["needs_review"] for code in ("22", "24", "26")} == {"22": 0, "24": 0, "26": 1}


def with_files(app, submission_id: int, *files: tuple) -> int:
    """Record the documents a submission's message carried, as processing stores them, then its unit's
    versions again: (path, kind, error or None for read[, role]); a file read is a report unless its
    role says otherwise (an archive is none), one not read has no role unless named like a report."""
    with app.sessions.begin() as session:
        submission = session.get(Submission, submission_id)
        for position, (path, kind, error, *role) in enumerate(files):
            role = role[0] if role else ("report" if error is None and kind not in ("zip", "7z", "rar") else None)
            session.add(Document(raw_message_id=submission.raw_message_id, position=position, attachment_position=0,
                                 path=path, kind=kind, size=100, sha256=f"{submission.raw_message_id}-{position}",
                                 error=error, role=role))
        resolve_versions(session, [(submission.campaign, submission.unit_registry, submission.unit)])
    return submission_id


def test_a_report_none_of_whose_files_could_be_read_is_flagged_not_counted(app):
    day = lambda d, h=9: datetime(2019, 12, d, h, tzinfo=VN)  # noqa: E731
    # Quảng Ninh: a password-protected PDF on time (assigned by a reviewer), then a readable copy late.
    with_files(app, submit(app, "22", day(10)), ("Bao cao.pdf", "pdf", "encrypted"))
    readable = with_files(app, submit(app, "22", day(17)), ("Bao cao.docx", "docx", None))
    # Bắc Giang: unreadable, in review; Vĩnh Phúc: a zip that opened, its only member corrupt.
    with_files(app, submit(app, "24", day(11), state=SubmissionState.NEEDS_REVIEW), ("bc.pdf", "pdf", "corrupt"))
    with_files(app, submit(app, "26", day(11)), ("bc.zip", "zip", None), ("bc.zip/bc.docx", "docx", "corrupt"))
    # Hà Nội: its report read, an annex not: a readable report.
    with_files(app, submit(app, "01", day(12)), ("bc.docx", "docx", None), ("phu luc.xlsx", "xlsx", "encrypted"))
    # Hà Giang: read on time, then a correction nobody can read: on time, and the latest copy is flagged.
    with_files(app, submit(app, "02", day(12)), ("bc.docx", "docx", None))
    with_files(app, submit(app, "02", day(18), OUTLINE[:1]), ("bc-sua.doc", "doc", "conversion_failed"))
    # Cao Bằng: a scan in which OCR found no text, then a paper copy.
    with_files(app, submit(app, "04", day(13)), ("scan.pdf", "pdf", "ocr_failed"))
    # Bắc Kạn: its covering letter read, the report beside it password-protected: unreadable. Tuyên
    # Quang: the same with a contact card and a logo read beside it (neither a report).
    with_files(app, submit(app, "06", day(10), ()), ("Cong van.docx", "docx", None, "covering_letter"),
               ("Bao cao.pdf", "pdf", "encrypted"))
    with_files(app, submit(app, "08", day(10), ()), ("lien-he.vcf", "text", None, "other"),
               ("logo.png", "image", None, None), ("bc.pdf", "pdf", "too_large"))
    # Lào Cai: a report in the mail's body with Outlook's winmail.dat beside it, unread: no file of the
    # report, so it counts. Điện Biên: a report in PowerPoint, named like one: unreadable.
    with_files(app, submit(app, "10", day(10)), ("winmail.dat", "other", "unsupported"))
    with_files(app, submit(app, "11", day(10), ()), ("Bao cao 2019.pptx", "pptx", "unsupported", "report"))
    # Lai Châu: a scan OCR is switched off for, in review: not ours to ask about, it holds reminders;
    # Sơn La: the same, accepted by a reviewer, with a password-protected annex: counted.
    with_files(app, submit(app, "12", day(10), (), state=SubmissionState.NEEDS_REVIEW),
               ("scan.pdf", "pdf", "needs_ocr"))
    with_files(app, submit(app, "14", day(10), ()), ("scan.pdf", "pdf", "needs_ocr"),
               ("phu luc.docx", "docx", "encrypted"))
    with app.sessions.begin() as session:
        adjustments.adjust(session, "tk2019", "04", AdjustmentKind.OFFLINE, at=day(14), decided_by="x")

    before = status_at(app, day(12, 12))
    assert (before["22"]["status"], before["22"]["unreadable"], before["22"]["versions"]) == ("pending", True, 0)
    assert before["22"]["unreadable_files"] == [{"filename": "Bao cao.pdf", "error": "encrypted"}]
    assert before["22"]["received_at"] is None and before["22"]["submission"] is None
    assert (before["24"]["unreadable"], before["24"]["needs_review"]) == (True, 0)  # holds no reminder
    assert before["26"]["unreadable_files"] == [{"filename": "bc.zip/bc.docx", "error": "corrupt"}]
    assert (before["01"]["status"], before["01"]["unreadable"]) == ("on_time", False)

    after = status_at(app, day(20))
    assert (after["22"]["status"], after["22"]["unreadable"], after["22"]["submission"]) == ("late", False, readable)
    assert after["22"]["received_at"] == day(17).isoformat()  # the first readable report decides
    assert (after["24"]["status"], after["24"]["unreadable"]) == ("missing", True)
    assert (after["02"]["status"], after["02"]["versions"], after["02"]["unreadable"]) == ("on_time", 1, True)
    assert after["02"]["unreadable_files"] == [{"filename": "bc-sua.doc", "error": "conversion_failed"}]
    assert (after["04"]["status"], after["04"]["unreadable"]) == ("on_time", False)  # the paper came after
    flagged = {code: (after[code]["status"], after[code]["unreadable_files"])
               for code in ("06", "08", "10", "11", "12", "14")}
    assert flagged == {
        "06": ("missing", [{"filename": "Bao cao.pdf", "error": "encrypted"}]),
        "08": ("missing", [{"filename": "bc.pdf", "error": "too_large"}]),
        "10": ("on_time", []),
        "11": ("missing", [{"filename": "Bao cao 2019.pptx", "error": "unsupported"}]),
        "12": ("missing", []),
        "14": ("on_time", []),
    }
    assert after["12"]["needs_review"] == 1  # to review, as any report in review: it holds reminders
    with app.sessions() as session:
        summary = campaign_status(session, "tk2019", as_of=day(20)).summary
    assert (summary["unreadable"], summary["on_time"], summary["late"]) == (6, 5, 1)
    with app.sessions() as session:  # the SQL view leaves the unreadable reports out too, and only them
        viewed = dict(session.execute(text(
            "SELECT unit, status FROM campaign_unit_status WHERE campaign = 'tk2019'"
            " AND unit IN ('22', '26', '01', '02', '06', '08', '10', '11', '14')")).all())
    assert viewed == {"22": "late", "26": "missing", "01": "on_time", "02": "on_time", "06": "missing",
                      "08": "missing", "10": "on_time", "11": "missing", "14": "on_time"}


def test_an_unreadable_report_is_no_version_a_readable_copy_joins(app):
    """An unreadable report a reviewer accepted has no sections, so a readable copy that came after it
    would look like its continuation: it is no version at all, and the copy starts one."""
    day = lambda d: datetime(2019, 12, d, 9, tzinfo=VN)  # noqa: E731
    locked = with_files(app, submit(app, "22", day(10), ()), ("Bao cao.pdf", "pdf", "encrypted"))
    copy = with_files(app, submit(app, "22", day(12), OUTLINE[:2]), ("Bao cao.docx", "docx", None))
    rest = with_files(app, submit(app, "22", day(13), OUTLINE[2:]), ("Bao cao phan 2.docx", "docx", None))
    with app.sessions() as session:
        rows = {s.id: (s.state, s.joined_to, s.superseded_by) for s in session.query(Submission)}
    assert rows == {locked: (SubmissionState.ACCEPTED, None, None), copy: (SubmissionState.ACCEPTED, None, None),
                    rest: (SubmissionState.ACCEPTED, copy, None)}
    unit = status_at(app, day(20))["22"]
    assert (unit["versions"], unit["submission"], unit["complete"], unit["unreadable"]) == (1, copy, True, False)


def test_extension_exemption_and_offline_receipt(app):
    with app.sessions.begin() as session:
        adjustments.adjust(session, "tk2019", "01", AdjustmentKind.EXTENSION, at=DEADLINE + timedelta(days=5),
                           note="công văn xin gia hạn", decided_by="planner")
        adjustments.adjust(session, "tk2019", "02", AdjustmentKind.EXEMPTION, note="sáp nhập", decided_by="planner")
        adjustments.adjust(session, "tk2019", "04", AdjustmentKind.OFFLINE,
                           at=datetime(2019, 12, 16, 10, 0, tzinfo=VN), note="bản giấy", decided_by="planner")
    submit(app, "01", DEADLINE + timedelta(days=3))  # late for the campaign, on time for its extension
    after = status_at(app, DEADLINE + timedelta(days=1))
    assert (after["01"]["status"], after["02"]["status"], after["04"]["status"]) == ("pending", "exempt", "late")
    assert after["04"]["offline"] and after["04"]["complete"] and after["04"]["late_by_hours"] == 10.0
    assert after["01"]["deadline"] == "2019-12-20T23:59:59+07:00"
    assert status_at(app, DEADLINE + timedelta(days=6))["01"]["status"] == "on_time"
    assert status_at(app, DEADLINE + timedelta(hours=1))["04"]["status"] == "missing"  # not received yet then
    with app.sessions.begin() as session:  # taking the exemption back
        adjustments.adjust(session, "tk2019", "02", AdjustmentKind.EXEMPTION, cancel=True, decided_by="planner")
    assert status_at(app, DEADLINE + timedelta(days=1))["02"]["status"] == "missing"


def test_adjustments_refuse_what_cannot_be(app):
    with app.sessions.begin() as session:
        with pytest.raises(UsageError, match="not in registry vn63"):
            adjustments.adjust(session, "tk2019", "99", AdjustmentKind.EXEMPTION, decided_by="x")
        with pytest.raises(UsageError, match="not after the deadline"):
            adjustments.adjust(session, "tk2019", "01", AdjustmentKind.EXTENSION, at=DEADLINE, decided_by="x")
        with pytest.raises(UsageError, match="no campaign 'tk2030'"):
            adjustments.adjust(session, "tk2030", "01", AdjustmentKind.EXEMPTION, decided_by="x")
        with pytest.raises(UsageError, match="no offline"):
            adjustments.adjust(session, "tk2019", "01", AdjustmentKind.OFFLINE, cancel=True, decided_by="x")
        # Status would ignore a paper report until its time, the SQL view would count it at once.
        with pytest.raises(UsageError, match="later than now"):
            adjustments.adjust(session, "tk2019", "01", AdjustmentKind.OFFLINE, at=utcnow() + timedelta(minutes=5),
                               decided_by="x")
        assert adjustments.adjust(session, "tk2019", "01", AdjustmentKind.OFFLINE, at=utcnow(), decided_by="x")


def test_cancelling_leaves_no_adjustment_of_that_kind(app):
    """As models.adjustments documents: a first extension does not come back when a second is cancelled."""
    with app.sessions.begin() as session:
        for days in (3, 5):
            adjustments.adjust(session, "tk2019", "06", AdjustmentKind.EXTENSION, at=DEADLINE + timedelta(days=days),
                               decided_by="x")
        adjustments.adjust(session, "tk2019", "06", AdjustmentKind.EXTENSION, cancel=True, decided_by="x")
    unit = status_at(app, DEADLINE + timedelta(days=1))["06"]
    assert (unit["deadline"], unit["status"], unit["adjustments"]) == ("2019-12-15T23:59:59+07:00", "missing", [])


def test_a_paper_report_is_the_latest_when_it_came_after_the_last_e_mail(app):
    # 22: an incomplete e-mail, then the paper copy. 24: the paper, then an incomplete e-mail.
    # 26: the paper at the very instant of the e-mail: the paper is the latest.
    emailed = datetime(2019, 12, 10, 9, 0, tzinfo=VN)
    submit(app, "22", emailed, OUTLINE[:2])
    submit(app, "24", emailed + timedelta(days=2), OUTLINE[:2])
    submit(app, "26", emailed, OUTLINE[:1])
    with app.sessions.begin() as session:
        for unit, at in (("22", emailed + timedelta(days=2)), ("24", emailed), ("26", emailed)):
            adjustments.adjust(session, "tk2019", unit, AdjustmentKind.OFFLINE, at=at, decided_by="x")
    units = status_at(app, DEADLINE)
    paper_last, email_last, same_time = units["22"], units["24"], units["26"]
    assert (paper_last["complete"], paper_last["missing_sections"]) == (True, [])
    assert paper_last["latest_at"] == "2019-12-12T09:00:00+07:00"
    assert paper_last["received_at"] == "2019-12-10T09:00:00+07:00" and paper_last["offline"]
    assert (email_last["complete"], email_last["missing_sections"]) == (False, OUTLINE[2:])
    assert email_last["latest_at"] == "2019-12-12T09:00:00+07:00" and email_last["received_at"] == \
        "2019-12-10T09:00:00+07:00"
    assert (same_time["complete"], same_time["missing_sections"], same_time["versions"]) == (True, [], 1)
    # Before the paper came, 22's e-mail was all there was.
    before = status_at(app, emailed + timedelta(days=1))["22"]
    assert (before["complete"], before["latest_at"], before["offline"]) == (False, emailed.isoformat(), False)
    with app.sessions() as session:
        summary = campaign_status(session, "tk2019", as_of=DEADLINE).summary
    assert (summary["complete"], summary["incomplete"]) == (2, 1)


def test_submissions_that_map_to_no_unit_are_counted_as_unmapped(app):
    # vn34 08 (Tuyên Quang) was vn63 02 and 08: no one unit of a vn63 campaign. vn34 01 is vn63 01.
    submit(app, "08", datetime(2019, 12, 10, tzinfo=VN), registry="vn34")
    submit(app, "08", datetime(2019, 12, 11, tzinfo=VN), registry="vn34")
    submit(app, "01", datetime(2019, 12, 10, tzinfo=VN), registry="vn34")
    with app.sessions() as session:
        result = campaign_status(session, "tk2019", as_of=DEADLINE)
        earlier = campaign_status(session, "tk2019", as_of=datetime(2019, 12, 10, 12, tzinfo=VN))
    units = {u.unit: u for u in result.units}
    assert result.summary["unmapped"] == 2 and earlier.summary["unmapped"] == 1
    assert units["01"].status == "on_time"
    assert units["02"].status == units["08"].status == "pending"
    assert status_json(result)["summary"]["unmapped"] == 2
    tables = []
    for shown in (result, earlier, campaign_status_without_unmapped(app)):
        stream = io.StringIO()
        _status_table(shown, status_json(shown), stream)
        tables.append(stream.getvalue())
    assert "unmapped: 2" in tables[0] and "unmapped: 1" in tables[1] and "unmapped" not in tables[2]


def campaign_status_without_unmapped(app):
    with app.sessions() as session:
        return campaign_status(session, "tk2025", as_of=datetime(2025, 12, 20, tzinfo=VN))


def test_units_follow_the_campaigns_registry(app):
    deadline_2025 = datetime(2025, 12, 15, 23, 59, 59, tzinfo=VN)
    submit(app, "22", datetime(2025, 12, 1, tzinfo=VN), campaign="tk2025", registry="vn34")  # Quảng Ninh in vn34
    submit(app, "02", datetime(2025, 12, 2, tzinfo=VN), campaign="tk2025", registry="vn63")  # old Hà Giang code
    units = status_at(app, deadline_2025 + timedelta(days=1), campaign="tk2025")
    assert len(units) == 34 and len(status_at(app, DEADLINE, campaign="tk2019")) == 63
    assert units["22"]["status"] == "on_time"
    assert units["08"]["name"] == "Tuyên Quang" and units["08"]["status"] == "on_time"  # Hà Giang → Tuyên Quang
    assert units["01"]["status"] == "missing"


def test_the_sql_view_agrees_with_the_status_of_now(app):
    """Submissions identified in the other registry are left out: the view does not map them (0005)."""
    submit(app, "22", datetime(2019, 12, 10, tzinfo=VN))
    submit(app, "24", DEADLINE + timedelta(hours=5))
    submit(app, "02", DEADLINE)  # the last on-time instant, and the first late one
    submit(app, "04", DEADLINE + timedelta(microseconds=1))
    submit(app, "06", DEADLINE + timedelta(days=2))  # late for the campaign, on time for its extension
    submit(app, "10", DEADLINE + timedelta(days=2))  # its extension was cancelled: late
    submit(app, "11", datetime(2019, 12, 10, tzinfo=VN), OUTLINE[:2])  # an e-mail, then the paper
    submit(app, "12", datetime(2019, 12, 10, tzinfo=VN), OUTLINE[:2])
    submit(app, "12", datetime(2019, 12, 11, tzinfo=VN), OUTLINE)  # the paper, then two e-mail versions
    with app.sessions.begin() as session:
        adjustments.adjust(session, "tk2019", "26", AdjustmentKind.OFFLINE, at=datetime(2019, 12, 1, tzinfo=VN),
                           decided_by="x")
        adjustments.adjust(session, "tk2019", "01", AdjustmentKind.EXEMPTION, decided_by="x")
        adjustments.adjust(session, "tk2019", "06", AdjustmentKind.EXTENSION, at=DEADLINE + timedelta(days=3),
                           decided_by="x")
        for days in (3, 4):
            adjustments.adjust(session, "tk2019", "10", AdjustmentKind.EXTENSION, at=DEADLINE + timedelta(days=days),
                               decided_by="x")
        adjustments.adjust(session, "tk2019", "10", AdjustmentKind.EXTENSION, cancel=True, decided_by="x")
        adjustments.adjust(session, "tk2019", "14", AdjustmentKind.EXEMPTION, decided_by="x")
        adjustments.adjust(session, "tk2019", "14", AdjustmentKind.EXEMPTION, cancel=True, decided_by="x")
        adjustments.adjust(session, "tk2019", "11", AdjustmentKind.OFFLINE, at=datetime(2019, 12, 12, tzinfo=VN),
                           decided_by="x")
        adjustments.adjust(session, "tk2019", "12", AdjustmentKind.OFFLINE, at=datetime(2019, 12, 9, tzinfo=VN),
                           decided_by="x")
        # Written straight to the table (adjust refuses it): a paper report dated in the future.
        session.add(CampaignAdjustment(campaign="tk2019", unit="15", kind=AdjustmentKind.OFFLINE,
                                       at=utcnow() + timedelta(days=30), decided_by="x"))
    with app.sessions() as session:
        expected = {(u.unit, u.status, u.versions, u.deadline, u.received_at, u.latest_at)
                    for u in campaign_status(session, "tk2019").units}
        viewed = {tuple(row) for row in session.execute(text(
            "SELECT unit, status, versions, deadline, received_at, latest_received_at FROM campaign_unit_status"
            " WHERE campaign = 'tk2019'").columns(
                unit=String, status=String, versions=Integer, deadline=UTCDateTime, received_at=UTCDateTime,
                latest_received_at=UTCDateTime))}
    assert viewed == expected
    by_unit = {row[0]: row for row in viewed}
    assert {code: by_unit[code][1] for code in ("01", "96", "24", "02", "04", "06", "10", "14", "15")} == {
        "01": "exempt", "96": "exempt", "24": "late", "02": "on_time", "04": "late", "06": "on_time",
        "10": "late", "14": "missing", "15": "missing"}
    assert by_unit["11"][5] == datetime(2019, 12, 12, tzinfo=VN)  # the paper, after the e-mail
    assert by_unit["12"][5] == datetime(2019, 12, 11, tzinfo=VN)  # the e-mail, after the paper
    assert by_unit["06"][3] == DEADLINE + timedelta(days=3) and by_unit["12"][2] == 2


def test_a_resend_letter_reads_the_units_deadline_as_the_status_does(app):
    """jobs.resend names one unit's deadline without computing the campaign's status: the same one."""
    from jobs.resend import unit_deadline
    from models.schema import Campaign

    with app.sessions.begin() as session:
        adjustments.adjust(session, "tk2019", "06", AdjustmentKind.EXTENSION, at=DEADLINE + timedelta(days=3),
                           decided_by="x")
        for days in (3, 4):
            adjustments.adjust(session, "tk2019", "10", AdjustmentKind.EXTENSION, at=DEADLINE + timedelta(days=days),
                               decided_by="x")
        adjustments.adjust(session, "tk2019", "10", AdjustmentKind.EXTENSION, cancel=True, decided_by="x")
    with app.sessions() as session:
        campaign = session.get(Campaign, "tk2019")
        status = {u.unit: u.deadline for u in campaign_status(session, "tk2019").units}
        assert {code: unit_deadline(session, campaign, code) for code in ("06", "10", "22")} == {
            code: status[code] for code in ("06", "10", "22")}
        assert status["06"] == DEADLINE + timedelta(days=3) and status["10"] == DEADLINE
        assert unit_deadline(session, campaign, "") == DEADLINE  # a report of no identified unit
