"""The provinces map: one shape per unit of each registry, classes/tooltips/links applied and escaped,
valid SVG, and geometry that is where Vietnam's provinces are."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import Markup

from parsers.registry import builtin
from web.provinces_map import DATA, province_map_svg

SVG = "{http://www.w3.org/2000/svg}"
REGISTRY_DATA = Path(__file__).resolve().parents[2] / "parsers" / "registry" / "data"


def csv_codes(name: str) -> list[str]:
    with open(REGISTRY_DATA / name, encoding="utf-8", newline="") as f:
        return [row["code"] for row in csv.DictReader(f)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def shapes(root: ET.Element) -> dict[str, list[ET.Element]]:
    found: dict[str, list[ET.Element]] = {}
    for el in root.iter():
        if "data-unit" in el.attrib:
            found.setdefault(el.attrib["data-unit"], []).append(el)
    return found


def parents(root: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def path_points(d: str) -> list[tuple[int, int]]:
    """Absolute points of the builder's path syntax: 'M x y l dx dy dx dy ... z', repeated."""
    points = []
    for ring in re.findall(r"M(-?\d+) ?(-?\d+)l([^z]*)z", d):
        x, y = int(ring[0]), int(ring[1])
        points.append((x, y))
        deltas = [int(n) for n in re.findall(r"-?\d+", ring[2])]
        for dx, dy in zip(deltas[::2], deltas[1::2]):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def bounds(d: str) -> tuple[int, int, int, int]:
    pts = path_points(d)
    return min(x for x, _ in pts), min(y for _, y in pts), max(x for x, _ in pts), max(y for _, y in pts)


def centre(d: str) -> tuple[float, float]:
    x0, y0, x1, y1 = bounds(d)
    return (x0 + x1) / 2, (y0 + y1) / 2


@pytest.mark.parametrize("registry, csv_name", [("vn63", "vn63.csv"), ("vn34", "vn34.csv")])
def test_every_unit_has_exactly_one_shape(registry, csv_name):
    root = parse(province_map_svg(registry, {}, {}, {}))
    found = shapes(root)
    expected = set(csv_codes(csv_name))
    assert len(expected) == {"vn63": 63, "vn34": 34}[registry]
    assert set(found) == expected == set(builtin(registry).codes)
    assert all(len(els) == 1 for els in found.values()), {c: len(e) for c, e in found.items() if len(e) != 1}
    assert all(el.tag == f"{SVG}path" and path_points(el.attrib["d"]) for els in found.values() for el in els)


@pytest.mark.parametrize("registry", ["vn63", "vn34"])
def test_svg_root_is_an_accessible_image_with_a_viewbox(registry):
    svg = province_map_svg(registry, {}, {}, {})
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Bản đồ các tỉnh"
    x, y, w, h = (int(v) for v in root.attrib["viewBox"].split())
    assert w > 0 and h > w  # Vietnam is taller than wide
    assert "style" not in str(svg)  # the dashboard's CSP forbids inline styles


def test_fills_titles_and_links_are_applied():
    fills = {"01": "st-on_time", "79": "st-late incomplete", "99": "st-missing"}
    titles = {"01": "01 Hà Nội: Đúng hạn", "79": "79 Hồ Chí Minh: Nộp muộn"}
    links = {"01": "/campaigns/c1/units/01", "79": "https://dash.example/campaigns/c1/units/79"}
    root = parse(province_map_svg("vn63", fills, titles, links))
    found, up = shapes(root), parents(root)

    hanoi, hcmc, hue = found["01"][0], found["79"][0], found["46"][0]
    assert hanoi.attrib["class"].split() == ["unit", "st-on_time"]
    assert hcmc.attrib["class"].split() == ["unit", "st-late", "incomplete"]
    assert hue.attrib["class"] == "unit"
    assert hanoi.find(f"{SVG}title").text == "01 Hà Nội: Đúng hạn"
    assert hcmc.find(f"{SVG}title").text == "79 Hồ Chí Minh: Nộp muộn"
    assert hue.find(f"{SVG}title").text == "46 Thừa Thiên Huế"  # no title given: the unit's name
    assert up[hanoi].tag == f"{SVG}a" and up[hanoi].attrib["href"] == "/campaigns/c1/units/01"
    assert up[hcmc].attrib["href"] == "https://dash.example/campaigns/c1/units/79"
    assert up[hue].tag == f"{SVG}g"  # no link: not wrapped
    assert "99" not in found  # codes outside the registry are ignored


def test_vn34_uses_its_own_codes_and_names():
    root = parse(province_map_svg("vn34", {"46": "st-pending"}, {}, {"46": "/u/46"}))
    hue = shapes(root)["46"][0]
    assert hue.attrib["class"] == "unit st-pending"
    assert hue.find(f"{SVG}title").text == "46 Huế"
    assert parents(root)[hue].attrib["href"] == "/u/46"


def test_hostile_title_class_and_link_are_escaped():
    title = '<script>alert("x")</script> & Đà Nẵng'
    fills = {"48": 'st-late" onclick="alert(1)'}
    links = {"48": '/u/48?a=1&b="><script>alert(2)</script>'}
    svg = str(province_map_svg("vn63", fills, {"48": title}, links))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    danang = shapes(root)["48"][0]
    assert danang.find(f"{SVG}title").text == title  # shown as text, not markup
    assert "onclick" not in danang.attrib
    assert danang.attrib["class"] == 'unit st-late" onclick="alert(1)'
    assert parents(root)[danang].attrib["href"] == links["48"]
    assert not any(el.tag.endswith("script") for el in root.iter())


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example/x",
                                  " javascript:x"])
def test_links_that_are_not_relative_or_http_are_dropped(href):
    root = parse(province_map_svg("vn63", {}, {}, {"01": href}))
    hanoi = shapes(root)["01"][0]
    assert parents(root)[hanoi].tag == f"{SVG}g"
    assert not [el for el in root.iter(f"{SVG}a")]


def test_other_registries_have_no_map():
    assert province_map_svg("my_ministry", {"01": "st-late"}, {}, {}) == Markup("")


def test_paracel_and_spratly_islands_are_labelled():
    root = parse(province_map_svg("vn34", {}, {}, {}))
    labels = [el.text for el in root.iter(f"{SVG}text")]
    assert labels == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    groups = [g for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "islands"]
    assert [g.find(f"{SVG}title").text for g in groups] == ["Quần đảo Hoàng Sa (Đà Nẵng)",
                                                            "Quần đảo Trường Sa (Khánh Hòa)"]
    assert all(len(g.findall(f"{SVG}circle")) >= 3 for g in groups)


def test_shapes_lie_inside_the_viewbox_and_where_the_provinces_are():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    x, y, w, h = data["viewBox"]
    for registry in ("vn63", "vn34"):
        for code, d in data["units"][registry].items():
            x0, y0, x1, y1 = bounds(d)
            assert x <= x0 and y <= y0 and x1 <= x + w and y1 <= y + h, (registry, code)
    vn63 = data["units"]["vn63"]
    # North at the top, the S-shape: Hà Giang above Hà Nội above Huế above HCMC above Cà Mau; Điện Biên west.
    north_to_south = ["02", "01", "46", "79", "96"]
    ys = [centre(vn63[code])[1] for code in north_to_south]
    assert ys == sorted(ys)
    assert centre(vn63["11"])[0] < centre(vn63["01"])[0] < centre(vn63["22"])[0]
    assert centre(vn63["91"])[0] < centre(vn63["79"])[0]


def test_each_vn34_shape_covers_its_vn63_members():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    with open(REGISTRY_DATA / "vn63_to_vn34.csv", encoding="utf-8", newline="") as f:
        mapping = [(row["vn63_code"], row["vn34_code"]) for row in csv.DictReader(f)]
    for old, new in mapping:
        member = set(path_points(data["units"]["vn63"][old]))
        merged = set(path_points(data["units"]["vn34"][new]))
        ox0, oy0, ox1, oy1 = bounds(data["units"]["vn63"][old])
        nx0, ny0, nx1, ny1 = bounds(data["units"]["vn34"][new])
        assert nx0 <= ox0 and ny0 <= oy0 and ox1 <= nx1 and oy1 <= ny1, (old, new)
        if old == new and len([o for o, n in mapping if n == new]) == 1:
            assert member == merged, old  # an unmerged province keeps its outline


def test_data_file_stays_small():
    assert DATA.stat().st_size < 150_000


def test_units_and_islands_are_named_as_on_the_campaigns_day():
    """Without a title a unit gets its name in force that day, and so do the islands' labels: Thừa
    Thiên Huế was Huế from 2025-01-01; an operator's rename of Khánh Hòa (Trường Sa) shows too."""
    from datetime import date

    from parsers.registry.units import read_renames, use_operator_names

    def titles(svg) -> list[str]:
        return [el.text for el in parse(svg).iter(f"{SVG}title")]

    assert "46 Thừa Thiên Huế" in titles(province_map_svg("vn63", {}, {}, {}))
    assert "46 Huế" in titles(province_map_svg("vn63", {}, {}, {}, on=date(2025, 3, 1)))
    use_operator_names(read_renames("registry,code,name,valid_from\nvn34,56,Khánh Hòa Mới,2026-03-01\n"))
    try:
        after, before = (province_map_svg("vn34", {}, {}, {}, on=day) for day in (date(2026, 12, 15), date(2026, 1, 15)))
        assert "Quần đảo Trường Sa (Khánh Hòa Mới)" in titles(after)
        assert "Quần đảo Trường Sa (Khánh Hòa)" in titles(before)
    finally:
        use_operator_names(())
