"""End to end through the pipeline (Maildir → raw store → identification → SQLite): the 2025
year-end campaign, whose report year was half lived under the 63 provinces but which is due on
2026-01-15, expects the 34 (the registry follows the deadline); reports come from the new
provinces' domains and from the old domain of an absorbed one; each unit of the 34 names the former
provinces it was formed from (Resolution 202/2025/QH15) and, asked, their reports to the 2024
campaign of the 63; an operator's rename shows with the same code and history."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jobs.poll import poll
from parsers.registry import builtin
from parsers.registry.units import use_operator_names
from reportbox.app import make_source, open_app
from reportbox.config import load_config
from reportbox.demo import _email, cover_note, issuer_of, write_maildir
from reportbox.sample_documents import Office, report_docx
from reportbox.shapes import status_report
from reportbox.timefmt import VIETNAM
from tests.year_end_campaigns import year_end_campaign

CONFIG = """
[database]
url = "sqlite:///reportbox.db"
[storage]
raw_dir = "raw"
[registry]
names = "names.csv"
[[mailbox]]
name = "khtc"
kind = "maildir"
path = "maildir"
""" + year_end_campaign(2024) + year_end_campaign(2025, "bc2025", "6000/BNV-KHTC")
# Quảng Ninh a centrally-run city from 2026-01-01 (an example: the operator's file, not a real resolution).
NAMES = "registry,code,name,full_name,valid_from\nvn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-01-01\n"
LDTBXH = Office(letter="4321/LĐTBXH-KHTC", letter_date="20/11")
VN63, VN34 = builtin("vn63"), builtin("vn34")


def _at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VIETNAM)


def _report_2024(code: str, domain: str, received: datetime) -> tuple[datetime, bytes]:
    unit = VN63.unit(code)
    document = report_docx(unit.name, 2024, 1, seed=int(code), issuer=issuer_of(unit), office=LDTBXH)
    body = cover_note("Bộ Lao động - Thương binh và Xã hội", LDTBXH.letter, date(2024, 11, 20),
                      f"Sở Lao động - Thương binh và Xã hội tỉnh {unit.name}", 2024)
    return received, _email((f"Sở LĐTBXH {unit.name}", f"sldtbxh@{domain}"), f"Báo cáo năm 2024 - Sở LĐTBXH {unit.name}",
                            body, received, [(f"BC 2024 {unit.name}.docx", document)])


def _report_2025(code: str, domain: str, received: datetime, notes: tuple[str, ...] = ()) -> tuple[datetime, bytes]:
    unit = VN34.on(date(2026, 1, 15)).unit(code)
    place = unit.full_name[0].lower() + unit.full_name[1:]
    office = Office(department="SỞ NỘI VỤ", symbol="SNV", department_name=f"Sở Nội vụ {place}", ministry="Bộ Nội vụ",
                    ministry_short="Bộ Nội vụ (Vụ KHTC)", letter="6000/BNV-KHTC", letter_date="01/12")
    document = report_docx(unit.name, 2025, 1, seed=int(code), issuer=issuer_of(unit), office=office, notes=notes)
    body = cover_note("Bộ Nội vụ", "6000/BNV-KHTC", date(2025, 12, 1), f"Sở Nội vụ {place}", 2025)
    return received, _email((f"Sở Nội vụ {unit.name}", f"snv@{domain}"), f"Báo cáo năm 2025 - Sở Nội vụ {unit.name}",
                            body, received, [(f"BC 2025 {unit.name}.docx", document)])


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """The mailbox polled once: the 2024 reports of Hà Giang and Tuyên Quang (two of the 63), then the
    2025 reports of the new Tuyên Quang (its own domain), of Lào Cai (from yenbai.gov.vn, the domain of
    absorbed Yên Bái, naming the former province) and, late, of Quảng Ninh (renamed by the operator)."""
    root = tmp_path_factory.mktemp("straddle")
    (root / "reportbox.toml").write_text(CONFIG, encoding="utf-8")
    (root / "names.csv").write_text(NAMES, encoding="utf-8")
    write_maildir(root / "maildir", [
        _report_2024("02", "hagiang.gov.vn", _at(2024, 12, 10)),
        _report_2024("08", "tuyenquang.gov.vn", _at(2024, 12, 11)),
        _report_2025("08", "tuyenquang.gov.vn", _at(2026, 1, 8)),
        _report_2025("15", "yenbai.gov.vn", _at(2026, 1, 9),
                     notes=("Trên địa bàn tỉnh Yên Bái (cũ), công tác giải quyết việc làm đạt kết quả tích cực.",)),
        _report_2025("22", "quangninh.gov.vn", _at(2026, 1, 19)),
    ])
    app = open_app(load_config(root / "reportbox.toml"))
    try:
        poll(app, [make_source(m) for m in app.config.mailbox])
        with app.sessions() as session:
            _, straddling = status_report(session, "bc2025", _at(2026, 1, 25), with_former=True)
            _, before = status_report(session, "tk2024", _at(2024, 12, 20))
        yield straddling, before
    finally:
        app.close()
        use_operator_names(())


def test_the_2025_campaign_expects_the_34_and_counts_new_and_old_domains(ingested):
    data, _ = ingested
    units = {unit["unit"]: unit for unit in data["units"]}
    assert (data["registry"], len(data["units"]), data["summary"]["expected"]) == ("vn34", 34, 34)
    statuses = {code: unit["status"] for code, unit in units.items() if unit["status"] != "missing"}
    assert statuses == {"08": "on_time", "15": "on_time", "22": "late"}
    assert data["summary"]["missing"] == 31 and data["summary"]["unmapped"] == 0


def test_the_2024_campaign_expects_the_63(ingested):
    _, data = ingested
    units = {unit["unit"]: unit for unit in data["units"]}
    assert (data["registry"], len(data["units"])) == ("vn63", 63)
    assert {code for code, unit in units.items() if unit["status"] == "on_time"} == {"02", "08"}
    assert units["02"]["former_units"] == [] and units["02"]["full_name"] == "Tỉnh Hà Giang"


def test_each_unit_names_its_former_provinces_and_their_2024_reports(ingested):
    data, before = ingested
    units = {unit["unit"]: unit for unit in data["units"]}
    assert [(f["unit"], f["name"]) for f in units["08"]["former_units"]] == [("02", "Hà Giang"), ("08", "Tuyên Quang")]
    assert [(f["unit"], f["name"]) for f in units["15"]["former_units"]] == [("10", "Lào Cai"), ("15", "Yên Bái")]
    submitted_2024 = {unit["unit"]: unit["submission"] for unit in before["units"] if unit["submission"]}
    assert [(r["campaign"], r["report_year"], r["unit"], r["name"], r["submission"])
            for r in units["08"]["former_reports"]] == [
        ("tk2024", 2024, "02", "Hà Giang", submitted_2024["02"]), ("tk2024", 2024, "08", "Tuyên Quang", submitted_2024["08"])]
    assert units["15"]["former_reports"] == [] and units["01"]["former_reports"] == []


def test_the_renamed_unit_keeps_its_code_and_is_named_as_on_the_deadline(ingested):
    data, before = ingested
    quang_ninh = next(unit for unit in data["units"] if unit["unit"] == "22")
    assert (quang_ninh["name"], quang_ninh["full_name"], quang_ninh["status"]) == ("Quảng Ninh", "Thành phố Quảng Ninh",
                                                                                  "late")
    assert [n["valid_from"] for n in quang_ninh["names"]] == [None, "2026-01-01"]
    assert next(unit for unit in before["units"] if unit["unit"] == "22")["full_name"] == "Tỉnh Quảng Ninh"
