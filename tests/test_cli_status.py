"""`reportbox status` and `reportbox campaign …` through the real command line (the README's contracts)."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest

from reportbox import samples
from reportbox.cli.base import output_file
from reportbox.errors import StorageError
from reportbox.timefmt import deadline_instant, parse_instant
from tests.test_cli import reportbox

STATUS_KEYS = {"campaign", "letter", "title", "as_of", "deadline", "registry", "outline", "summary", "units",
               "outbox"}
SUMMARY_KEYS = {"expected", "on_time", "late", "missing", "pending", "exempt", "complete", "incomplete",
                "needs_review", "unmapped", "unreadable"}
UNIT_KEYS = {"unit", "name", "status", "received_at", "late_by_hours", "submission", "sections", "missing_sections",
             "complete", "deadline", "versions", "latest_at", "needs_review", "offline", "adjustments",
             "reminders", "last_reminder_at", "receipts", "unreadable", "unreadable_files", "resend_requests",
             "full_name", "names", "former_units", "department_parts"}
CAMPAIGN = """
[[campaign]]
id = "tk2019"
letter = "5025/LĐTBXH-KHTC"
title = "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020"
report_year = 2019
plan_year = 2020
issued = 2019-11-25
deadline = 2019-12-15
registry = "vn63"
exempt = ["96"]
"""


@pytest.fixture
def config(tmp_path) -> Path:
    """Hà Nội on time, Quảng Ninh a day late (their file times are the receipt times)."""
    folder = tmp_path / "eml"
    folder.mkdir()
    for name, province, received in (("1.eml", samples.PROVINCES[0], datetime(2019, 12, 10, 9, 0)),
                                     ("2.eml", samples.PROVINCES[1], datetime(2019, 12, 16, 9, 0))):
        path = folder / name
        path.write_bytes(samples.report_message(province, sent=received.replace(tzinfo=samples.VIETNAM_TZ)))
        stamp = received.replace(tzinfo=samples.VIETNAM_TZ).timestamp()
        os.utime(path, (stamp, stamp))
    config = tmp_path / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///rb.db"\n[[mailbox]]\nname = "archive"\nkind = "eml-dir"\n'
                      'path = "eml"\n' + CAMPAIGN, encoding="utf-8")
    assert reportbox("--config", str(config), "poll").returncode == 0
    return config


def run(config: Path, *args: str):
    result = reportbox("--config", str(config), *args)
    assert result.returncode == 0, result.stderr
    return result


def status(config: Path, *args: str) -> dict:
    return json.loads(run(config, "status", "--campaign", "tk2019", "--format", "json", *args).stdout)


def test_status_json_follows_the_contract_and_travels_in_time(config):
    codes = {samples.PROVINCES[0][0]: "on_time", samples.PROVINCES[1][0]: "late"}
    after = status(config, "--as-of", "2019-12-20")
    assert set(after) == STATUS_KEYS and set(after["summary"]) == SUMMARY_KEYS
    assert all(set(unit) == UNIT_KEYS for unit in after["units"]) and len(after["units"]) == 63
    units = {unit["unit"]: unit for unit in after["units"]}
    assert {code: units[code]["status"] for code in codes} == codes
    assert after["deadline"] == "2019-12-15T23:59:59+07:00" and after["as_of"] == "2019-12-20T23:59:59+07:00"
    assert after["summary"]["on_time"] == 1 and after["summary"]["late"] == 1 and after["summary"]["exempt"] == 1
    assert after["summary"]["missing"] == 60 and after["summary"]["expected"] == 62
    before = {u["unit"]: u["status"] for u in status(config, "--as-of", "2019-12-12T08:00")["units"]}
    assert before[samples.PROVINCES[0][0]] == "on_time" and before[samples.PROVINCES[1][0]] == "pending"


def test_status_table_and_csv(config):
    table = run(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20").stdout
    assert "on_time: 1" in table and "late: 1" in table and "missing: 60" in table
    assert samples.PROVINCES[1][1] in table and "deadline 2019-12-15 23:59" in table
    out = config.parent / "status.csv"
    run(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20", "--format", "csv", "--out", str(out))
    assert out.read_bytes().startswith("\ufeffunit,name".encode())  # a BOM, so Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 63 and {row["status"] for row in rows} == {"on_time", "late", "missing", "exempt"}
    late = next(row for row in rows if row["unit"] == samples.PROVINCES[1][0])
    assert late["received_at"] == "2019-12-16T09:00:00+07:00" and float(late["late_by_hours"]) == 9.0
    book = config.parent / "status.xlsx"
    run(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20", "--format", "xlsx", "--out", str(book))
    sheet = openpyxl.load_workbook(book)["Tình hình nộp"]
    codes = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[-1] in
             ("on_time", "late", "missing", "pending", "exempt")]
    assert codes == [row["unit"] for row in rows]  # the same units, in the same order
    # the outline as the config titles it, years filled in (as the dashboard's download does)
    config.write_text(config.read_text(encoding="utf-8") + '[outline.plan]\ntitle = "Kế hoạch năm {plan_year}"\n',
                      encoding="utf-8")
    run(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20", "--format", "xlsx", "--out", str(book))
    legend = [cell for row in openpyxl.load_workbook(book)["Chú thích"].iter_rows(values_only=True) for cell in row]
    assert "Kế hoạch năm 2020" in legend
    piped = run(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20", "--format", "csv").stdout
    assert piped.startswith("unit,name,") and list(csv.DictReader(io.StringIO(piped))) == rows  # no BOM on stdout


def test_adjustments_from_the_command_line(config):
    hanoi, late_one = samples.PROVINCES[0][0], samples.PROVINCES[1][0]
    run(config, "campaign", "extend", "tk2019", late_one, "--until", "2019-12-18", "--note", "CV xin gia hạn",
        "--by", "chuyenvien")
    run(config, "campaign", "received-offline", "tk2019", "04", "--at", "2019-12-14T10:00", "--note", "bản giấy")
    run(config, "campaign", "exempt", "tk2019", "06")
    units = {u["unit"]: u for u in status(config, "--as-of", "2019-12-20")["units"]}
    assert units[late_one]["status"] == "on_time" and units[late_one]["deadline"] == "2019-12-18T23:59:59+07:00"
    assert (units["04"]["status"], units["04"]["offline"]) == ("on_time", True)
    assert units["06"]["status"] == "exempt" and units[hanoi]["status"] == "on_time"
    shown = run(config, "campaign", "show", "tk2019").stdout
    assert "chuyenvien: unit " + late_one + " extension 2019-12-18 23:59 (CV xin gia hạn)" in shown
    run(config, "campaign", "exempt", "tk2019", "06", "--cancel")
    assert {u["unit"]: u["status"] for u in status(config, "--as-of", "2019-12-20")["units"]}["06"] == "missing"
    listed = json.loads(run(config, "campaign", "list", "--format", "json").stdout)
    assert [(c["campaign"], c["in_config"]) for c in listed] == [("tk2019", True)]
    for bad in (["campaign", "extend", "tk2019", "99", "--until", "2019-12-20"],
                ["campaign", "extend", "tk2019", "01", "--until", "2019-12-01"],
                ["campaign", "extend", "nope", "01", "--until", "2019-12-20"],
                ["campaign", "received-offline", "tk2019", "01"],
                ["status", "--campaign", "tk2019", "--as-of", "yesterday"],
                ["status", "--campaign", "tk2019", "--format", "xlsx"]):
        result = reportbox("--config", str(config), *bad)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (bad, result.stderr)


def test_export_sections_writes_every_unit_in_registry_order(config):
    import docx

    out = config.parent / "tonghop.docx"
    result = run(config, "export", "sections", "--campaign", "tk2019", "--section", "proposals", "--out", str(out))
    assert f"wrote {out}: 63 units, 2 with text in proposals" in result.stdout
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 63 and headings[0].startswith("01") and headings[-1].startswith("96")
    bad = reportbox("--config", str(config), "export", "sections", "--campaign", "tk2019", "--section", "nope",
                    "--out", str(out))
    assert bad.returncode == 2 and "not in campaign tk2019's outline" in bad.stderr
    assert len(docx.Document(str(out)).paragraphs) > 63  # a mistyped section leaves the file written before


def test_planners_notes_and_outside_text_are_shown_as_written(config):
    """Text from outside (notes, subjects) is never read as rich markup: `[/b]` crashed, `[công văn]` vanished."""
    closing, bracketed = "xem [/b]", "theo [công văn] số 12"
    run(config, "campaign", "received-offline", "tk2019", "04", "--at", "2019-12-14T10:00", "--note", closing)
    run(config, "campaign", "extend", "tk2019", "06", "--until", "2019-12-18", "--note", bracketed)
    table = run(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-20").stdout
    assert f"({closing})" in table and f"({bracketed})" in table
    shown = run(config, "campaign", "show", "tk2019").stdout
    assert f"({closing})" in shown and f"({bracketed})" in shown
    folder = config.parent / "eml"
    message = message_from_bytes(samples.report_message(samples.PROVINCES[2]), policy=policy.SMTP)
    message.replace_header("Subject", f"{closing} {bracketed}")
    (folder / "3.eml").write_bytes(message.as_bytes())
    run(config, "poll")
    assert f"{closing} {bracketed}" in run(config, "messages").stdout


def test_cancel_help_says_the_unit_keeps_no_adjustment_of_that_kind(config):
    for command in ("extend", "exempt", "received-offline"):
        text = " ".join(run(config, "campaign", command, "--help").stdout.split())
        assert "no longer has an adjustment of this kind" in text, command


def test_a_date_alone_means_the_end_of_that_day_in_either_iso_form():
    end = deadline_instant(date(2019, 12, 15))
    assert parse_instant("2019-12-15") == parse_instant("20191215") == parse_instant(" 20191215 ") == end
    assert parse_instant("20191215T0830") == datetime(2019, 12, 15, 8, 30, tzinfo=end.tzinfo)


def test_an_unwritable_output_file_is_a_one_line_error(config):
    missing = config.parent / "no-such-folder"
    commands = {"csv": ["status", "--campaign", "tk2019", "--format", "csv"],
                "json": ["status", "--campaign", "tk2019", "--format", "json"],
                "xlsx": ["status", "--campaign", "tk2019", "--format", "xlsx"],
                "docx": ["export", "sections", "--campaign", "tk2019"]}
    for suffix, command in commands.items():
        out = missing / f"out.{suffix}"
        result = reportbox("--config", str(config), *command, "--out", str(out))
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.strip().splitlines() == [f"reportbox: cannot write {out}: No such file or directory"]
        assert "wrote" not in result.stdout and not missing.exists()
    full = reportbox("--config", str(config), "status", "--campaign", "tk2019", "--format", "csv",
                     "--out", "/dev/full")  # opens, then every write fails: disk full
    assert full.returncode == 1 and "wrote" not in full.stdout, full.stderr
    assert len(full.stderr.strip().splitlines()) == 1 and "cannot write /dev/full" in full.stderr


def test_a_failed_write_leaves_no_partial_file(tmp_path):
    out = tmp_path / "status.csv"
    with pytest.raises(RuntimeError):
        with output_file(out) as stream:
            stream.write("unit,name\n")
            raise RuntimeError("the query failed half way")
    assert not out.exists()
    with pytest.raises(StorageError, match="cannot write"):
        with output_file(out, binary=True) as stream:
            stream.write(b"PK")
            raise OSError(28, "No space left on device")
    assert not out.exists()
    with output_file(out, encoding="utf-8-sig") as stream:
        stream.write("Hà Nội\n")
    assert out.read_bytes() == "\ufeffHà Nội\n".encode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_with_former_needs_a_format_that_can_show_it(config, fmt):
    """csv and xlsx have no place for each unit's earlier reports: the option is refused, not ignored."""
    out = config.parent / f"status.{fmt}"
    result = reportbox("--config", str(config), "status", "--campaign", "tk2019", "--format", fmt, "--out", str(out),
                       "--with-former")
    assert result.returncode == 2, result.stderr
    assert f"--with-former lists reports per unit, which --format {fmt} has no place for" in result.stderr
    assert not out.exists()
