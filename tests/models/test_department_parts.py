"""A unit's answer in parts from several departments the letter addressed (the Sở Nội vụ's report and
the Sở Y tế's part, Decree 45/2025/NĐ-CP), on SQLite and PostgreSQL: versions per department
(models.versions) and what the unit's status says (models.status)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from models.schema import RawMessage, Submission, SubmissionState
from models.status import campaign_status, status_json
from models.versions import resolve_versions
from reportbox.app import open_app
from reportbox.cli.campaigns import _status_table
from reportbox.config import config_from_dict
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)

VN = timezone(timedelta(hours=7))
OUTLINE = ["results", "policies", "shortcomings", "plan", "proposals"]
TK2026 = {"id": "tk2026", "letter": "6120/BNV-KHTC", "title": "Báo cáo năm 2026", "report_year": 2026,
          "plan_year": 2027, "issued": "2026-11-20", "deadline": "2026-12-15", "registry": "vn34",
          "departments": ["Sở Nội vụ", "Sở Y tế"]}
DEADLINE = datetime(2026, 12, 15, 23, 59, 59, 999999, tzinfo=VN)
NGHE_AN = "40"
HEALTH = "y_te"


@pytest.fixture
def app(db_url, tmp_path):  # noqa: F811
    app = open_app(config_from_dict({"database": {"url": db_url}, "storage": {"raw_dir": str(tmp_path / "raw")},
                                     "campaign": [TK2026]}, tmp_path / "reportbox.toml"))
    yield app
    app.close()


def submit(app, day: int, part: str | None = None, sections=OUTLINE, unit=NGHE_AN) -> int:
    """A submission as processing records it, received on `day` of December 2026 at 9:00 in Vietnam."""
    received = datetime(2026, 12, day, 9, 0, tzinfo=VN)
    with app.sessions.begin() as session:
        digest = hashlib.sha256(f"{unit}{received}{part}".encode()).hexdigest()
        raw = RawMessage(sha256=digest, size=1, received_at=received, received_source="internaldate")
        session.add(raw)
        session.flush()
        session.add(submission := Submission(
            raw_message_id=raw.id, campaign="tk2026", unit_registry="vn34", unit=unit, sections=list(sections),
            state=SubmissionState.ACCEPTED, kind="continuation" if part else "report", department_part=part))
        resolve_versions(session, [("tk2026", "vn34", unit)])
        return submission.id


def rows(app) -> dict[int, tuple[str, int | None, int | None]]:
    """Each submission's (state, joined_to, superseded_by)."""
    with app.sessions() as session:
        return {s.id: (s.state, s.joined_to, s.superseded_by) for s in session.query(Submission)}


def unit_at(app, moment: datetime, unit=NGHE_AN) -> dict:
    with app.sessions() as session:
        return next(u for u in status_json(campaign_status(session, "tk2026", as_of=moment))["units"]
                    if u["unit"] == unit)


def test_a_corrected_lead_report_keeps_the_other_department_s_part(app):
    interior = submit(app, 2)
    health = submit(app, 3, HEALTH, OUTLINE[:2])
    corrected = submit(app, 20)  # the Sở Nội vụ's report again, after the deadline
    assert rows(app) == {interior: ("superseded", None, corrected), health: ("accepted", corrected, None),
                         corrected: ("accepted", None, None)}
    now = unit_at(app, DEADLINE + timedelta(days=10))
    assert (now["status"], now["versions"], now["submission"]) == ("on_time", 2, corrected)
    assert now["received_at"] == "2026-12-02T09:00:00+07:00"


def test_a_corrected_part_supersedes_only_the_earlier_part(app):
    interior = submit(app, 2)
    health = submit(app, 3, HEALTH, OUTLINE[:2])
    health_again = submit(app, 4, HEALTH, OUTLINE[:2])
    assert rows(app) == {interior: ("accepted", None, None), health: ("superseded", None, interior),
                         health_again: ("accepted", interior, None)}
    assert unit_at(app, DEADLINE)["submission"] == interior


def test_a_unit_with_only_the_other_department_s_part_waits_for_the_lead_report(app):
    health = submit(app, 3, HEALTH, OUTLINE[:2])
    before, after = unit_at(app, DEADLINE - timedelta(days=1)), unit_at(app, DEADLINE + timedelta(days=1))
    assert (before["status"], after["status"], after["received_at"], after["late_by_hours"]) == (
        "pending", "missing", None, None)
    assert after["department_parts"] == [{"department": "y_te", "name": "Sở Y tế", "submission": health,
                                          "received_at": "2026-12-03T09:00:00+07:00"}]
    interior = submit(app, 18)  # the Sở Nội vụ's report, late: the lead's time decides
    late = unit_at(app, DEADLINE + timedelta(days=5))
    assert (late["status"], late["received_at"], late["submission"]) == ("late", "2026-12-18T09:00:00+07:00", interior)
    assert [part["submission"] for part in late["department_parts"]] == [health]
    with app.sessions() as session:
        waiting = campaign_status(session, "tk2026", as_of=DEADLINE + timedelta(days=1))
    assert (waiting.summary["on_time"], waiting.summary["late"]) == (0, 0)
    table = io.StringIO()
    _status_table(waiting, status_json(waiting), table)
    line = next(line for line in table.getvalue().splitlines() if line.startswith("40 "))
    assert "missing" in line and "Sở Y tế's part received, the lead department's report not yet" in line


def test_the_sql_view_waits_for_the_lead_report_too(app):
    submit(app, 3, HEALTH, OUTLINE[:2])
    submit(app, 4, HEALTH, OUTLINE[:2], unit="42")
    submit(app, 18, unit="42")
    with app.sessions() as session:
        rows = dict(session.execute(text(
            "SELECT unit, status FROM campaign_unit_status WHERE campaign = 'tk2026' AND unit IN ('40', '42')")).all())
    waiting = "missing" if datetime.now(timezone.utc) > DEADLINE else "pending"  # the view is as of now
    assert rows == {"40": waiting, "42": "late"}


def test_a_unit_with_only_the_part_is_reminded_as_a_missing_one(app):
    from jobs.contacts import Recipients
    from jobs.reminders.plan import plan_reminders

    submit(app, 3, HEALTH, OUTLINE[:2])  # Nghệ An: the Sở Y tế's part only
    submit(app, 4, HEALTH, OUTLINE[:2], unit="42")  # Hà Tĩnh: the part, then the Sở Nội vụ's report
    submit(app, 5, unit="42")
    with app.sessions() as session:
        owed = {plan.unit.unit: plan for plan in plan_reminders(
            session, app.config.campaign[0], Recipients.load(app.config, session), DEADLINE + timedelta(days=1, hours=9))}
    assert owed["40"].step is not None and owed["40"].unit.status == "missing" and "42" not in owed
