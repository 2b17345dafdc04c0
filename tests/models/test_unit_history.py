"""A unit across renames and the 2025 merger, on SQLite and PostgreSQL: the operator's rename
(`[registry] names`) shows the new name with the same code and reports; status JSON names each
unit's former units (Resolution 202/2025/QH15) and, asked, their reports to earlier campaigns;
a campaign whose report year straddles the merger expects the 34."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from models.history import former_reports, former_units
from models.schema import RawMessage, Submission, SubmissionState
from models.status import campaign_status, status_json
from models.versions import resolve_versions
from parsers.registry.units import use_operator_names
from reportbox.app import open_app
from reportbox.cli.campaigns import _status_table
from reportbox.config import load_config
from reportbox.errors import ConfigError
from reportbox.shapes import status_report
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)
from tests.year_end_campaigns import year_end_campaign

VN = timezone(timedelta(hours=7))
REPO = Path(__file__).resolve().parents[2]
CAMPAIGNS = "".join(year_end_campaign(year) for year in (2024, 2025, 2026))
RENAME = "registry,code,name,full_name,valid_from\nvn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-03-01\n"


@pytest.fixture
def config_file(db_url, tmp_path):  # noqa: F811
    (tmp_path / "names.csv").write_text(RENAME, encoding="utf-8")
    path = tmp_path / "reportbox.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n[storage]\nraw_dir = "raw"\n'
                    f'[registry]\nnames = "names.csv"\n{CAMPAIGNS}', encoding="utf-8")
    yield path
    use_operator_names(())


@pytest.fixture
def app(config_file):
    app = open_app(load_config(config_file))
    yield app
    app.close()


def submit(app, campaign: str, registry: str, unit: str, received: datetime) -> int:
    with app.sessions.begin() as session:
        raw = RawMessage(sha256=hashlib.sha256(f"{campaign}{unit}{received}".encode()).hexdigest(), size=1,
                         received_at=received, received_source="internaldate")
        session.add(raw)
        session.flush()
        row = Submission(raw_message_id=raw.id, campaign=campaign, unit_registry=registry, unit=unit,
                         state=SubmissionState.ACCEPTED, sections=["results"])
        session.add(row)
        resolve_versions(session, [(campaign, registry, unit)])
        return row.id


def units_of(app, campaign: str, **options) -> dict[str, dict]:
    with app.sessions() as session:
        _, data = status_report(session, campaign, datetime(2027, 1, 1, tzinfo=VN), **options)
    return {unit["unit"]: unit for unit in data["units"]}


def test_the_operators_rename_keeps_the_code_and_the_history(app):
    before = submit(app, "tk2025", "vn34", "22", datetime(2026, 1, 10, 9, 0, tzinfo=VN))
    after = submit(app, "tk2026", "vn34", "22", datetime(2026, 12, 10, 9, 0, tzinfo=VN))
    old, new = units_of(app, "tk2025")["22"], units_of(app, "tk2026", with_former=True)["22"]
    assert (old["full_name"], old["status"], old["submission"]) == ("Tỉnh Quảng Ninh", "on_time", before)
    assert (new["full_name"], new["status"], new["submission"]) == ("Thành phố Quảng Ninh", "on_time", after)
    assert [(n["full_name"], n["valid_from"], n["valid_until"]) for n in new["names"]] == [
        ("Tỉnh Quảng Ninh", None, "2026-02-28"), ("Thành phố Quảng Ninh", "2026-03-01", None)]
    # Its history: the report to the 2025 campaign, under the same code.
    assert [(r["campaign"], r["unit"], r["submission"]) for r in new["former_reports"]] == [("tk2025", "22", before)]
    # Without the names file, the same data shows the old name again.
    use_operator_names(())
    assert units_of(app, "tk2026")["22"]["full_name"] == "Tỉnh Quảng Ninh"


def test_a_unit_names_its_former_units_and_their_2024_reports(app):
    hagiang = submit(app, "tk2024", "vn63", "02", datetime(2024, 12, 12, 8, 0, tzinfo=VN))
    tuyenquang = submit(app, "tk2024", "vn63", "08", datetime(2024, 12, 16, 8, 0, tzinfo=VN))
    submit(app, "tk2024", "vn63", "22", datetime(2024, 12, 12, 8, 0, tzinfo=VN))  # another unit's
    units = units_of(app, "tk2025")
    assert [(f["registry"], f["unit"], f["name"]) for f in units["08"]["former_units"]] == [
        ("vn63", "02", "Hà Giang"), ("vn63", "08", "Tuyên Quang")]
    assert [f["full_name"] for f in units["46"]["former_units"]] == ["Thành phố Huế"]  # its name on 2025-06-30
    assert "former_reports" not in units["08"]  # only when asked
    asked = units_of(app, "tk2025", with_former=True)
    assert [(r["campaign"], r["registry"], r["unit"], r["name"], r["submission"], r["report_year"])
            for r in asked["08"]["former_reports"]] == [
        ("tk2024", "vn63", "02", "Hà Giang", hagiang, 2024), ("tk2024", "vn63", "08", "Tuyên Quang", tuyenquang, 2024)]
    assert asked["08"]["former_reports"][0]["received_at"] == "2024-12-12T08:00:00+07:00"
    assert [r["unit"] for r in asked["22"]["former_reports"]] == ["22"]
    assert asked["01"]["former_reports"] == []
    # A vn63 campaign's units were formed from nothing; the later campaign is no earlier report.
    units_2024 = units_of(app, "tk2024", with_former=True)
    assert units_2024["02"]["former_units"] == [] and units_2024["02"]["former_reports"] == []
    with app.sessions() as session:
        campaign = campaign_status(session, "tk2025").campaign
        assert former_reports(session, campaign, ["08"], as_of=datetime(2024, 12, 14, tzinfo=VN))["08"][0].submission \
            == hagiang
        assert [r.unit for r in former_reports(session, campaign, ["08"])["08"]] == ["02", "08"]


def test_a_campaign_straddling_the_merger_expects_the_34(app):
    submit(app, "tk2025", "vn63", "02", datetime(2026, 1, 5, tzinfo=VN))  # identified by an old name: counts for 08
    with app.sessions() as session:
        result = campaign_status(session, "tk2025", as_of=datetime(2026, 1, 20, tzinfo=VN))
        data = status_json(result)
    assert (result.campaign.report_year, data["registry"], len(data["units"])) == (2025, "vn34", 34)
    statuses = {u["unit"]: u["status"] for u in data["units"]}
    assert statuses["08"] == "on_time" and statuses["01"] == "missing" and "02" not in statuses
    assert data["summary"]["expected"] == 34 and data["summary"]["unmapped"] == 0


def test_former_units_are_the_vn63_predecessors():
    assert [u.code for u in former_units("vn34", "79")] == ["74", "77", "79"]
    assert former_units("vn63", "79") == () and former_units("vn34", "99") == ()


def test_a_wrong_names_file_is_a_config_error_naming_it(tmp_path):
    (tmp_path / "names.csv").write_text("registry,code,name,valid_from\nvn34,02,Hà Giang,2026-01-01\n",
                                        encoding="utf-8")
    path = tmp_path / "reportbox.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/rb.db"\n[registry]\nnames = "names.csv"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"names.csv: line 2: no unit '02' in registry vn34"):
        open_app(load_config(path))
    (tmp_path / "names.csv").unlink()
    with pytest.raises(ConfigError, match="registry.names: cannot read"):
        open_app(load_config(path))


def test_status_with_former_on_the_command_line(tmp_path):
    """The real command (SQLite: the command line is the same on both engines), JSON and table."""
    (tmp_path / "names.csv").write_text(RENAME, encoding="utf-8")
    config_file = tmp_path / "reportbox.toml"
    config_file.write_text(f'[database]\nurl = "sqlite:///rb.db"\n[registry]\nnames = "names.csv"\n{CAMPAIGNS}',
                           encoding="utf-8")
    app = open_app(load_config(config_file))
    try:
        hagiang = submit(app, "tk2024", "vn63", "02", datetime(2024, 12, 12, 8, 0, tzinfo=VN))
        with app.sessions() as session:
            result, data = status_report(session, "tk2025", datetime(2026, 1, 20, tzinfo=VN), with_former=True)
        out = io.StringIO()
        _status_table(result, data, out)
    finally:
        app.close()
        use_operator_names(())
    assert "Reports to earlier campaigns" in out.getvalue() and "vn63 02 Hà Giang" in out.getvalue()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    shown = subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config_file), "status", "--campaign",
                            "tk2025", "--as-of", "2026-01-20", "--with-former", "--format", "json"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert shown.returncode == 0, shown.stderr
    units = {u["unit"]: u for u in json.loads(shown.stdout)["units"]}
    assert [(r["unit"], r["submission"]) for r in units["08"]["former_reports"]] == [("02", hagiang)]
    assert units["22"]["full_name"] == "Tỉnh Quảng Ninh" and len(units) == 34


def test_an_earlier_report_recorded_without_its_registry_is_in_its_campaigns(app):
    """Status counts a submission whose unit_registry is NULL as a code of its campaign's registry:
    so does the history (a 2024 report of Hà Giang, code 02 of the 63, shows for Tuyên Quang of the 34)."""
    recorded = submit(app, "tk2024", None, "02", datetime(2024, 12, 12, 8, 0, tzinfo=VN))
    with app.sessions() as session:
        _, before = status_report(session, "tk2024", datetime(2024, 12, 20, tzinfo=VN))
    assert next(u for u in before["units"] if u["unit"] == "02")["submission"] == recorded
    asked = units_of(app, "tk2025", with_former=True)
    assert [(r["campaign"], r["registry"], r["unit"], r["name"], r["submission"])
            for r in asked["08"]["former_reports"]] == [("tk2024", "vn63", "02", "Hà Giang", recorded)]


def test_each_name_says_the_text_that_gave_it(app):
    """names.csv's `basis` column: Huế became a centrally-run city by Resolution 1314/NQ-UBTVQH15."""
    names = units_of(app, "tk2024")["46"]["names"]
    assert [(n["full_name"], n["basis"]) for n in names] == [("Tỉnh Thừa Thiên Huế", ""),
                                                             ("Thành phố Huế", "1314/NQ-UBTVQH15")]
