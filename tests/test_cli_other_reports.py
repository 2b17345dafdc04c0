"""Other reports of a unit (kind `other_report`: another subject or another request) through the command
line: listed apart and never counted, `--kind`, and a reviewer moving a report out of its campaign
and back in, surviving `reprocess`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from models import review
from models.schema import ReviewDecision, Submission, SubmissionKind
from reportbox import samples
from reportbox.app import open_app
from reportbox.config import load_config
from tests.test_cli import reportbox
from tests.test_cli_status import config, run, status  # noqa: F401  (the fixture: Hà Nội on time, Quảng Ninh late)

HANOI, QUANGNINH = samples.PROVINCES[0][0], samples.PROVINCES[1][0]
POVERTY = "BÁO CÁO Kết quả thực hiện công tác giảm nghèo năm 2019"
TOPIC = 'title: "công tác giảm nghèo" is one programme, tk2019 asks for the whole sector → other_report'


def submission_of(config: Path, unit: str) -> dict:
    rows = json.loads(run(config, "submissions", "--format", "json").stdout)
    return next(row for row in rows if row["unit"] == unit)


def make_other_report(config: Path, unit: str, report_year: int | None, **columns) -> int:
    """What identification will write for another report of the unit: no campaign, never counted."""
    app = open_app(load_config(config), migrate=False)
    try:
        with app.sessions.begin() as session:
            row = session.scalars(select(Submission).where(Submission.unit == unit)).one()
            row.kind, row.campaign, row.report_year = SubmissionKind.OTHER_REPORT, None, report_year
            for name, value in columns.items():
                setattr(row, name, value)
            return row.id
    finally:
        app.close()


def units_now(config: Path) -> dict[str, dict]:
    return {u["unit"]: u for u in status(config, "--as-of", "2019-12-20")["units"]}


def test_other_reports_in_json_table_and_by_kind(config):  # noqa: F811
    poverty = make_other_report(config, QUANGNINH, 2019, title=POVERTY, dated=date(2019, 12, 2), topic=TOPIC)
    older = make_other_report(config, HANOI, 2018, title="BÁO CÁO Công tác bảo vệ trẻ em năm 2018")
    every = {row["id"]: row for row in json.loads(run(config, "submissions", "--format", "json").stdout)}
    assert set(every) == {poverty, older}
    assert {k: every[poverty][k] for k in ("kind", "title", "dated", "topic", "campaign")} == {
        "kind": "other_report", "title": POVERTY, "dated": "2019-12-02", "topic": TOPIC, "campaign": None}
    assert every[older]["dated"] is None and every[older]["kind"] == "other_report"

    # With a campaign: the other reports of its report year, not those of another year.
    of_campaign = json.loads(run(config, "submissions", "--campaign", "tk2019", "--format", "json").stdout)
    assert [row["id"] for row in of_campaign] == [poverty]
    table = run(config, "submissions", "--campaign", "tk2019").stdout
    counted, _, others = table.partition("Other reports (not counted)")
    assert "0 submission(s)" in counted and POVERTY not in counted
    assert POVERTY in others and "2019-12-02" in others and "giảm nghèo" in others and "1 other report(s)" in others
    assert "bảo vệ trẻ em" not in table

    # A report of unknown year goes with the campaign when received inside its window.
    make_other_report(config, HANOI, None)
    assert [row["id"] for row in json.loads(run(config, "submissions", "--campaign", "tk2019", "--format",
                                                "json").stdout)] == [older, poverty]  # oldest first

    assert json.loads(run(config, "submissions", "--kind", "report", "--format", "json").stdout) == []
    assert len(json.loads(run(config, "submissions", "--kind", "other_report", "--format", "json").stdout)) == 2
    assert "Other reports" not in run(config, "submissions", "--kind", "report").stdout
    assert reportbox("--config", str(config), "submissions", "--kind", "bogus").returncode == 2
    # Never counted: both units are missing now.
    units = units_now(config)
    assert units[HANOI]["status"] == units[QUANGNINH]["status"] == "missing"
    csv_out = run(config, "submissions", "--format", "csv").stdout.splitlines()
    assert csv_out[0].endswith(",kind,title,dated,topic") and any(POVERTY in line for line in csv_out)


def test_review_other_survives_reprocess_and_assign_brings_it_back(config):  # noqa: F811
    late_one = submission_of(config, QUANGNINH)
    assert units_now(config)[QUANGNINH]["status"] == "late"
    refused = reportbox("--config", str(config), "review", "other", str(late_one["id"]))
    assert refused.returncode == 2  # a reason is required
    moved = run(config, "review", "other", str(late_one["id"]), "--reason", "báo cáo giảm nghèo", "--by", "lan")
    assert "other_report, accepted, unit 22" in moved.stdout
    row = submission_of(config, QUANGNINH)
    assert (row["kind"], row["campaign"], row["state"]) == ("other_report", None, "accepted")
    assert row["evidence"][0].startswith("review: moved out of tk2019 as another report of 22 by lan")
    assert (units_now(config)[QUANGNINH]["status"], units_now(config)[QUANGNINH]["versions"]) == ("missing", 0)

    run(config, "reprocess", "--all")  # identification afresh: the reviewer's decision is applied again
    row = submission_of(config, QUANGNINH)
    assert (row["kind"], row["campaign"], row["state"]) == ("other_report", None, "accepted")
    assert units_now(config)[QUANGNINH]["status"] == "missing"

    back = run(config, "review", "assign", str(late_one["id"]), QUANGNINH, "--campaign", "tk2019", "--by", "lan")
    assert "report, accepted, unit 22, campaign tk2019" in back.stdout
    row = submission_of(config, QUANGNINH)
    assert (row["kind"], row["campaign"], row["state"]) == ("report", "tk2019", "accepted")
    assert (units_now(config)[QUANGNINH]["status"], units_now(config)[QUANGNINH]["versions"]) == ("late", 1)

    app = open_app(load_config(config), migrate=False)
    try:
        with app.sessions() as session:
            trail = review.history(session, late_one["message"])
    finally:
        app.close()
    assert [(d.action, d.unit, d.campaign, d.reason) for d in trail] == [
        ("other", QUANGNINH, "tk2019", "báo cáo giảm nghèo"), ("assign", QUANGNINH, "tk2019", None)]


def test_an_assign_without_campaign_keeps_another_report_other(config):  # noqa: F811
    poverty = make_other_report(config, QUANGNINH, 2019, title=POVERTY)
    run(config, "review", "assign", str(poverty), "24")  # the right unit, Bắc Giang; still no campaign
    app = open_app(load_config(config), migrate=False)
    try:
        with app.sessions() as session:
            row = session.get(Submission, poverty)
            assert (row.kind, row.campaign, row.unit) == ("other_report", None, "24")
            assert session.scalar(select(ReviewDecision.action)) == "assign"
    finally:
        app.close()
    assert units_now(config)["24"]["status"] == "missing"


def test_a_unit_assigned_to_another_report_keeps_it_other_after_reprocess(config):  # noqa: F811
    """`review other`, then a unit assigned without a campaign, then `reprocess`: the person's decision
    holds, not identification's fresh reading (which counts the report)."""
    late_one = submission_of(config, QUANGNINH)
    run(config, "review", "other", str(late_one["id"]), "--reason", "báo cáo giảm nghèo", "--by", "lan")
    run(config, "review", "assign", str(late_one["id"]), QUANGNINH, "--reason", "đúng đơn vị", "--by", "lan")
    run(config, "reprocess", "--all")
    row = submission_of(config, QUANGNINH)
    assert (row["kind"], row["campaign"], row["state"]) == ("other_report", None, "accepted")
    assert units_now(config)[QUANGNINH]["status"] == "missing"


def test_a_report_of_no_campaign_is_assigned_only_with_its_campaign(config):  # noqa: F811
    """Accepted into no campaign it would count nowhere and leave the queue unseen."""
    hanoi = submission_of(config, HANOI)
    app = open_app(load_config(config), migrate=False)
    try:
        with app.sessions.begin() as session:
            row = session.get(Submission, hanoi["id"])
            row.campaign, row.state = None, "needs_review"
    finally:
        app.close()
    refused = reportbox("--config", str(config), "review", "assign", str(hanoi["id"]), HANOI)
    assert refused.returncode == 2 and "answers no campaign yet: name the one it counts for" in refused.stderr
    run(config, "review", "assign", str(hanoi["id"]), HANOI, "--campaign", "tk2019")
    assert units_now(config)[HANOI]["status"] == "on_time"
    run(config, "reprocess", "--all")
    assert submission_of(config, HANOI)["campaign"] == "tk2019"
