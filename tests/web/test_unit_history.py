"""The unit page's history: the name in force at the campaign's deadline (an operator's rename in
`[registry] names`), the former units a unit of the 34 was formed from (Resolution 202/2025/QH15),
and, on request, their reports to earlier campaigns (the demo's 2019 reports of the 63)."""

from __future__ import annotations

import re

import pytest

from parsers.registry.units import use_operator_names
from reportbox.config import load_config
from tests.web.conftest import campaign_units, login
from tests.web.conftest import ok_page as page
from tests.year_end_campaigns import year_end_campaign

TK2025 = year_end_campaign(2025)
RENAME = "registry,code,name,full_name,valid_from,basis\nvn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-01-01,NQ thí dụ\n"


@pytest.fixture
def client(site, make_client):
    """The demo (its 2019 campaign of the 63) with a 2025 campaign of the 34, and Quảng Ninh renamed
    a city from 2026-01-01 by the operator's names file."""
    yield from _client(site, make_client, RENAME)


def _client(site, make_client, names: str):
    (site.path.parent / "names.csv").write_text(names, encoding="utf-8")
    text = site.path.read_text(encoding="utf-8")
    site.path.write_text('[registry]\nnames = "names.csv"\n' + text + TK2025, encoding="utf-8")
    try:
        yield make_client("an", config=load_config(site.path))
    finally:
        use_operator_names(())


def test_the_renamed_unit_shows_its_new_name_with_its_code_and_old_name(client):
    unit = page(client, "/campaigns/tk2025/units/22")
    assert '<p class="full-name">Thành phố Quảng Ninh</p>' in unit and "<small>mã 22</small>" in unit
    names = re.findall(r'<li data-valid-from="[^"]*">(.*?)</li>', unit)
    assert names == ["Tỉnh Quảng Ninh — đến 31/12/2025",
                     'Thành phố Quảng Ninh — từ 01/01/2026, theo văn bản số <span class="basis">NQ thí dụ</span>']
    assert "đơn vị không thực hiện sắp xếp (giữ nguyên; mã cũ 22)" in unit
    # The 2019 campaign's deadline came before the rename: the province's name then.
    old = page(client, "/campaigns/tk2019/units/22")
    assert "Thành phố Quảng Ninh" not in old
    assert "Không có thay đổi về tên gọi hay địa giới trong danh mục 63 tỉnh, thành phố trước ngày 01/7/2025" in old


def test_a_merged_unit_names_its_former_provinces_and_lists_their_reports_on_request(client, site):
    unit = page(client, "/campaigns/tk2025/units/08")
    assert "Nghị quyết số 202/2025/QH15" in unit
    assert re.findall(r'<li data-former="(\d+)">([^<]*)<', unit) == [("02", "Tỉnh Hà Giang "),
                                                                     ("08", "Tỉnh Tuyên Quang ")]
    assert 'class="former-reports"' not in unit and 'href="?former=1#lich-su"' in unit
    asked = page(client, "/campaigns/tk2025/units/08", former="1")
    rows = re.findall(r'<tr data-submission="(\d+)"><td><a href="([^"]+)">([^<]+)</a></td><td>(\d+)</td>\s*'
                      r'<td>([^<]+) <small data-registry="(vn63)">\(mã (\d+), danh mục 63 tỉnh', asked)
    assert "<th>Mã bản gửi</th>" in asked
    # What the 2019 status counts for Hà Giang and Tuyên Quang is what the page lists, linked to their pages.
    units_2019, _ = campaign_units(load_config(site.path), campaign="tk2019")
    reported = {code for code in ("02", "08") if units_2019[code].status in ("on_time", "late")}
    assert reported and {row[6] for row in rows} == reported
    for _, link, letter, year, name, _, code in rows:
        assert (link, letter, year) == (f"/campaigns/tk2019/units/{code}", "5025/LĐTBXH-KHTC", "2019")
        assert name == {"02": "Hà Giang", "08": "Tuyên Quang"}[code]
    assert {int(row[0]) for row in rows} >= {units_2019[code].submission for code in reported}


def test_the_straddling_campaign_lists_the_34(client, site):
    units, summary = campaign_units(load_config(site.path), campaign="tk2025")
    assert len(units) == 34 and summary["expected"] == 34 and units["22"].full_name == "Thành phố Quảng Ninh"
    campaign = page(client, "/campaigns/tk2025")
    assert len(re.findall(r'<tr class="st-[^"]*" data-unit="(\d+)"', campaign)) == 34


def test_the_api_gives_the_history_as_the_command_line_does(client):
    plain = client.get("/api/campaigns/tk2025/status").json()
    units = {u["unit"]: u for u in plain["units"]}
    assert [f["unit"] for f in units["08"]["former_units"]] == ["02", "08"] and "former_reports" not in units["08"]
    assert units["22"]["full_name"] == "Thành phố Quảng Ninh"
    asked = {u["unit"]: u for u in client.get("/api/campaigns/tk2025/status", params={"with_former": "true"}).json()["units"]}
    assert {r["campaign"] for r in asked["22"]["former_reports"]} == {"tk2019"}  # Quảng Ninh reported in 2019
    assert all(r["registry"] == "vn63" and r["unit"] in ("02", "08") for r in asked["08"]["former_reports"])
    assert [n["basis"] for n in units["22"]["names"]] == ["", "NQ thí dụ"]
    # OpenAPI describes what the API gives.
    shapes = client.get("/api/openapi.json").json()["components"]["schemas"]
    described = shapes["FormerReport"]["properties"]
    assert set(asked["08"]["former_reports"][0]) == set(described)
    assert "former_reports" in shapes["UnitStatus"]["properties"] and "basis" in shapes["UnitName"]["properties"]


@pytest.fixture
def renamed_city(site, make_client):
    """Quảng Ninh renamed after its city, Hạ Long (the reviewer's example): a rename, not a merger."""
    yield from _client(site, make_client, "registry,code,name,full_name,valid_from\nvn34,22,Hạ Long,Thành phố Hạ Long,2026-01-01\n")


def test_a_unit_formed_from_one_province_then_renamed_merged_nothing(renamed_city):
    unit = page(renamed_city, "/campaigns/tk2025/units/22")
    assert '<p class="full-name">Thành phố Hạ Long</p>' in unit
    assert "được hình thành từ" not in unit and 'class="former-units"' not in unit
    assert "đơn vị không thực hiện sắp xếp (giữ nguyên; mã cũ 22)" in unit
    assert "và các tỉnh cũ" not in unit


def test_the_reviewers_unit_list_names_units_as_today(client):
    """Thừa Thiên Huế is Huế since 2025-01-01 (Resolution 1314/NQ-UBTVQH15): the 63's list says so."""
    login(client, "lan")  # a reviewer: the form with the list
    review = page(client, "/review")
    assert re.search(r'<option value="46" *>46 Huế</option>', review)
    assert "46 Thừa Thiên Huế" not in review
