"""`reportbox demo --campaign 2026`: Bộ Nội vụ's year-end campaign over the 34 provinces, built and
ingested, and its status exactly what the demo's PLAN says for every unit."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from reportbox import demo2026
from tests.test_first_hour import reportbox


def expected_status(plan: tuple[demo2026.Mail, ...]) -> dict[str, str]:
    """Each vn34 unit's state as the plan makes it: its first counted report's time against the deadline.
    The Sở Nội vụ's report decides: a Sở Y tế's part alone leaves its unit missing (still reminded)."""
    first: dict[str, datetime] = {}
    for mail in plan:
        if mail.is_report and mail.department == "Sở Nội vụ":
            first[mail.unit] = min(first.get(mail.unit, mail.received), mail.received)
    return {unit.code: ("missing" if unit.code not in first else "on_time" if first[unit.code] <= demo2026.DEADLINE
                        else "late" if first[unit.code] <= demo2026.AS_OF else "missing")
            for unit in demo2026.UNITS}


def test_the_plan_tells_a_2026_story():
    """The plan holds what the demo promises: old domains, former provinces named, stamps, a scan, late,
    missing, other reports — over the 34 units, not the 63."""
    plan = demo2026.PLAN
    assert len(demo2026.UNITS) == 34 and all(m.unit in {u.code for u in demo2026.UNITS} for m in plan)
    states = expected_status(plan)
    assert {state: list(states.values()).count(state) for state in ("on_time", "late", "missing")} == {
        "on_time": 28, "late": 3, "missing": 3}
    assert {m.old_domain for m in plan if m.old_domain} >= {"hagiang.gov.vn"}
    assert any(m.signer == "Nguyễn Thị Thanh Hoa" and m.kind == "resend" for m in plan)  # a name, no province
    assert any("Hà Giang (cũ)" in note for m in plan for note in m.notes)
    assert {m.kind for m in plan} == set(demo2026.REPORT_KINDS + demo2026.OTHER_KINDS)
    tuyen_quang = demo2026.builtin("vn34").unit("08")
    assert demo2026.current_domain(tuyen_quang) == "tuyenquang.gov.vn" != "hagiang.gov.vn"


@pytest.mark.slow  # LibreOffice converts the PDFs, Tesseract reads the scan: about 10-15 s
def test_demo_2026_status_is_what_the_plan_says(tmp_path):
    plan = demo2026.PLAN
    directory = tmp_path / "demo 2026"
    result = reportbox("demo", "--campaign", "2026", "--dir", str(directory), timeout=300)
    assert result.returncode == 0, result.stderr
    reports = len({m.unit for m in plan if m.is_report})
    assert (f"Sample mailbox: {len(plan)} messages in {directory / 'maildir'} — replies to Bộ Nội vụ's letter "
            f"{demo2026.LETTER} from the Sở Nội vụ of {reports} of the 34 provinces") in result.stdout
    assert f"Fetched {len(plan)} new, 0 duplicate(s); parsed {len(plan)}, failed 0." in result.stdout
    assert f"status --campaign {demo2026.CAMPAIGN} --format xlsx" in result.stdout

    config = str(directory / "reportbox.toml")
    status = json.loads(reportbox("--config", config, "status", "--campaign", demo2026.CAMPAIGN, "--as-of",
                                  f"{demo2026.AS_OF:%Y-%m-%d}", "--format", "json").stdout)
    got = {row["unit"]: row["status"] for row in status["units"]}
    expected = expected_status(plan)
    wrong = {code: (got.get(code), state) for code, state in expected.items() if got.get(code) != state}
    assert wrong == {} and len(got) == 34, wrong  # (got, planned) for each unit shown wrong
    summary = status["summary"]
    assert (summary["expected"], summary["needs_review"], summary["unmapped"], summary["incomplete"]) == (34, 0, 0, 0)
    resend = next(m for m in plan if m.kind == "resend")
    assert next(r for r in status["units"] if r["unit"] == resend.unit)["versions"] == 2

    review = json.loads(reportbox("--config", config, "review", "list", "--format", "json").stdout)
    assert review == []
    rows = json.loads(reportbox("--config", config, "submissions", "--campaign", demo2026.CAMPAIGN,
                                "--format", "json").stdout)
    others = sorted(row["unit"] for row in rows if row["kind"] == "other_report")
    assert others == sorted(m.unit for m in plan if m.kind in ("half-year", "other-department"))
    # The Sở Y tế's report (the letter addresses it too) joins its unit's answer as a part of it.
    health = next(m for m in plan if m.department == "Sở Y tế")
    parts = [row for row in rows if row["from"].split("@")[0] in demo2026.DEPARTMENTS["Sở Y tế"][2]]
    assert [(row["unit"], row["kind"], row["state"]) for row in parts] == [(health.unit, "continuation", "accepted")]
    # Each counted submission went to the unit that sent it: Tuyên Quang's from hagiang.gov.vn to 08.
    senders = {row["from"].rsplit("@", 1)[1].rstrip(">"): row["unit"] for row in rows if row["kind"] == "report"}
    assert senders["hagiang.gov.vn"] == "08" and senders["binhdinh.gov.vn"] == "52"
    if ", 1 scan)" in result.stdout:  # Tesseract and LibreOffice here: the scan went as a scan, read by OCR
        scan = next(m for m in plan if m.kind == "scan")
        documents = [d for row in rows if row["unit"] == scan.unit for d in row["documents"]]
        assert [(d["kind"], d["ocr"], len(d["sections"])) for d in documents] == [("pdf", True, 5)]
