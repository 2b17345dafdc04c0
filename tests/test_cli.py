"""The command line contract (README): outputs, JSON shapes and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from models import review
from models.db import HEAD_REVISION
from reportbox.app import open_app
from reportbox.config import load_config
from reportbox import demo, samples

MESSAGE_KEYS = {"id", "mailbox", "folder", "uid", "message_id", "sha256", "from", "subject", "received_at",
                "state", "reason", "attempts", "submission", "raw_deleted_at"}


def reportbox(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportbox", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


@pytest.fixture
def eml_config(tmp_path) -> Path:
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "1.eml").write_bytes(samples.report_message(samples.PROVINCES[1], attachment="pdf"))
    (folder / "2.eml").write_bytes(samples.report_message(samples.PROVINCES[2]))
    (folder / "3.eml").write_bytes(b"\x00not mail at all")
    config = tmp_path / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///rb.db"\n[[mailbox]]\nname = "archive"\nkind = "eml-dir"\n'
                      'path = "eml"\n', encoding="utf-8")
    return config


def test_poll_then_messages_json(eml_config):
    result = reportbox("--config", str(eml_config), "poll")
    assert result.returncode == 0, result.stderr
    assert "new: 3  parsed: 2  needs review: 2  failed: 1" in result.stdout
    listing = reportbox("--config", str(eml_config), "messages", "--format", "json")
    rows = json.loads(listing.stdout)
    assert [set(row) for row in rows] == [MESSAGE_KEYS] * 3
    by_state = {row["state"]: row for row in rows}
    assert by_state["failed"]["reason"] == "not_an_email" and by_state["failed"]["from"] is None
    parsed = by_state["submission"]
    assert isinstance(parsed["submission"], int) and by_state["failed"]["submission"] is None
    assert parsed["mailbox"] == "archive" and parsed["folder"] == "INBOX"
    assert parsed["received_at"].endswith("+07:00")  # shown in Vietnam's time
    failed_only = json.loads(reportbox("--config", str(eml_config), "messages", "--state", "failed",
                                       "--format", "json").stdout)
    assert [row["state"] for row in failed_only] == ["failed"]
    table = reportbox("--config", str(eml_config), "messages")
    assert "Báo cáo đánh giá tình hình" in table.stdout and "not_an_email" in table.stdout
    assert "3 message(s)" in table.stdout


def test_global_options_after_the_command_name(eml_config, tmp_path):
    """As operators type them: `reportbox poll --config FILE`, in a sub-group too, logs as asked."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()  # no reportbox.toml here: only the option after the command finds the file
    polled = reportbox("poll", "--config", str(eml_config), "--log-format", "json", cwd=elsewhere)
    assert polled.returncode == 0, polled.stderr
    logged = [json.loads(line) for line in polled.stderr.splitlines() if line.startswith("{")]
    assert any(entry["message"].startswith("archive/INBOX: 3 new") for entry in logged), polled.stderr
    after = reportbox("messages", "--format", "json", "--config", str(eml_config), cwd=elsewhere)
    before = reportbox("--config", str(eml_config), "messages", "--format", "json", cwd=elsewhere)
    assert after.returncode == 0 and json.loads(after.stdout) == json.loads(before.stdout)
    assert len(json.loads(after.stdout)) == 3
    review_list = reportbox("review", "list", "--config", str(eml_config), cwd=elsewhere)
    assert review_list.returncode == 0 and "2 submission(s) to review" in review_list.stdout
    assert "--config" not in reportbox("messages", "--help").stdout  # said once, in the group's help
    assert "Also after the command" in reportbox("--help").stdout


SUBMISSION_KEYS = {"id", "message", "message_id", "from", "subject", "received_at", "unit", "report_year",
                   "campaign", "state", "confidence", "evidence", "sections", "documents",
                   "unverified_sender", "sender_check", "continuation", "joined_to", "superseded_by", "candidates",
                   "kind", "department_part", "topic", "title", "dated"}
DOCUMENT_KEYS = {"filename", "kind", "pages", "sections", "error", "reason", "detail", "ocr", "role"}


def test_submissions_show_documents_sections_and_errors(eml_config):
    reportbox("--config", str(eml_config), "poll")
    rows = json.loads(reportbox("--config", str(eml_config), "submissions", "--format", "json").stdout)
    assert [set(row) for row in rows] == [SUBMISSION_KEYS] * 2
    assert [set(d) for row in rows for d in row["documents"]] == [DOCUMENT_KEYS] * 2
    by_kind = {row["documents"][0]["kind"]: row for row in rows}
    report = by_kind["docx"]  # the sample report carries the whole outline as headings
    assert report["sections"] == ["results", "policies", "shortcomings", "plan", "proposals"]
    assert report["documents"][0]["sections"] == report["sections"] and report["state"] == "needs_review"
    # Hải Phòng (31) by its letterhead and its domain; no campaign is configured, so people decide.
    assert report["unit"] == "31" and report["report_year"] == 2019 and report["campaign"] is None
    assert any("haiphong.gov.vn" in line for line in report["evidence"])
    one_liner = by_kind["pdf"]["documents"][0]  # a one-line PDF: read, but no outline in it
    assert one_liner["pages"] == 1 and one_liner["error"] is None and one_liner["reason"] == "no_sections"
    table = reportbox("--config", str(eml_config), "submissions")
    assert "results policies shortcomings plan proposals" in table.stdout and "no_sections" in table.stdout
    assert "2 submission(s)" in table.stdout
    csv_out = reportbox("--config", str(eml_config), "submissions", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,message,received_at") and len(csv_out) == 3
    assert json.loads(reportbox("--config", str(eml_config), "submissions", "--state", "accepted",
                                "--format", "json").stdout) == []


def test_fetch_only_then_process(eml_config):
    fetched = reportbox("--config", str(eml_config), "poll", "--fetch-only")
    assert "new: 3  parsed: 0" in fetched.stdout and "waiting: 3" in fetched.stdout
    processed = reportbox("--config", str(eml_config), "process")
    assert processed.returncode == 0 and "parsed: 2  failed: 1" in processed.stdout


def test_reprocess(eml_config):
    reportbox("--config", str(eml_config), "poll")
    result = reportbox("--config", str(eml_config), "reprocess", "--all")
    assert result.returncode == 0 and "reprocessed: 3  parsed: 2  failed: 1" in result.stdout
    one = reportbox("--config", str(eml_config), "reprocess", "--message", "1")
    assert one.returncode == 0 and "reprocessed: 1" in one.stdout
    for bad in (["reprocess"], ["reprocess", "--all", "--message", "1"], ["reprocess", "--message", "99"]):
        result = reportbox("--config", str(eml_config), *bad)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_db_upgrade_and_usage_errors(eml_config):
    result = reportbox("--config", str(eml_config), "db", "upgrade")
    assert result.returncode == 0 and f"database at revision {HEAD_REVISION}" in result.stdout
    assert reportbox("--config", str(eml_config), "no-such-command").returncode == 2
    assert reportbox("--config", str(eml_config), "messages", "--state", "bogus").returncode == 2


def test_demo_runs_end_to_end(tmp_path):
    plan = demo.PLAN
    duplicates, not_mail = (sum(m.kind == kind for m in plan) for kind in ("duplicate", "not-mail"))
    result = reportbox("demo", "--dir", str(tmp_path / "demo"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Sample mailbox: {len(plan)} messages" in result.stdout
    assert f"Fetched {len(plan) - duplicates} new, {duplicates} duplicate(s); " \
           f"parsed {len(plan) - duplicates - not_mail}, failed {not_mail}." in result.stdout
    assert "on_time:" in result.stdout and "status --campaign tk2019 --format xlsx" in result.stdout
    again = reportbox("demo", "--dir", str(tmp_path / "demo"), timeout=120)  # rebuilds from scratch
    assert again.returncode == 0 and f"Fetched {len(plan) - duplicates} new" in again.stdout
    # The status is what the plan built.
    config = str(tmp_path / "demo" / "reportbox.toml")
    status = json.loads(reportbox("--config", config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20",
                                  "--format", "json").stdout)
    first: dict[str, datetime] = {}  # each province's first report, and the sections it sent in all
    sections: dict[str, set[int]] = {}
    for mail in plan:
        if mail.is_report:
            first[mail.unit] = min(first.get(mail.unit, mail.received), mail.received)
            sections.setdefault(mail.unit, set()).update(mail.sections)
    units = {row["unit"]: row for row in status["units"]}
    complete = sum(len(found) == len(demo.ALL_SECTIONS) for found in sections.values())
    assert status["summary"] == {
        "expected": len(demo.UNITS), "on_time": sum(t <= demo.DEADLINE for t in first.values()),
        "late": sum(demo.DEADLINE < t <= demo.AS_OF for t in first.values()), "missing": len(units) - len(first),
        "pending": 0, "exempt": 0, "complete": complete, "incomplete": len(first) - complete, "needs_review": 1, "unmapped": 0,
        "unreadable": 0}
    assert {code for code, row in units.items() if row["status"] == "missing"} == set(units) - set(first)
    resend = next(m for m in plan if m.kind == "resend")
    assert first[resend.unit] <= demo.DEADLINE < resend.received  # on time, corrected after the deadline
    assert (units[resend.unit]["status"], units[resend.unit]["versions"]) == ("on_time", 2)
    review = json.loads(reportbox("--config", config, "review", "list", "--format", "json").stdout)
    assert [(row["unit"], row["subject"]) for row in review] == [(None, "Gửi báo cáo")]  # the nameless report


def test_review_decisions_apply_survive_reprocess_and_are_audited(eml_config):
    reportbox("--config", str(eml_config), "poll")
    queue = json.loads(reportbox("--config", str(eml_config), "review", "list", "--format", "json").stdout)
    assert len(queue) == 2 and {row["state"] for row in queue} == {"needs_review"}  # no campaign configured
    by_kind = {row["documents"][0]["kind"]: row for row in queue}
    keep, drop = by_kind["pdf"], by_kind["docx"]
    assigned = reportbox("--config", str(eml_config), "review", "assign", str(keep["id"]), "22",
                         "--reason", "công văn gửi kèm", "--by", "chuyenvien.khtc")
    assert assigned.returncode == 0 and "accepted, unit 22" in assigned.stdout
    assert reportbox("--config", str(eml_config), "review", "reject", str(drop["id"])).returncode == 0
    for bad in (["assign", str(keep["id"]), "99"], ["assign", "999", "22"], ["reject", "999"]):
        result = reportbox("--config", str(eml_config), "review", *bad)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    reportbox("--config", str(eml_config), "reprocess", "--all")  # people outrank the program
    rows = json.loads(reportbox("--config", str(eml_config), "submissions", "--format", "json").stdout)
    by_message = {row["message"]: row for row in rows}
    kept, dropped = by_message[keep["message"]], by_message[drop["message"]]
    assert (kept["state"], kept["unit"]) == ("accepted", "22") and dropped["state"] == "rejected"
    assert kept["evidence"][0].startswith("review: assigned to 22 by chuyenvien.khtc") and "công văn" in kept["evidence"][0]
    assert "0 submission(s) to review" in reportbox("--config", str(eml_config), "review", "list").stdout
    app = open_app(load_config(eml_config), migrate=False)
    try:
        with app.sessions() as session:  # the audit trail: every decision, who and why
            trail = review.history(session, keep["message"])
    finally:
        app.close()
    assert [(d.action, d.unit, d.decided_by, d.reason) for d in trail] == [
        ("assign", "22", "chuyenvien.khtc", "công văn gửi kèm")]
