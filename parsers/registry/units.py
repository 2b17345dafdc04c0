"""Units and registries: the built-in Vietnamese province sets, read from the CSV files in data/.

Two built-in registries:
- "vn63": the 63 provinces and centrally-run cities with their General Statistics Office codes,
  valid until 2025-06-30.
- "vn34": the 34 units after Resolution 202/2025/QH15 (in force 2025-07-01). Their codes reuse old
  ones; seven of them (15, 24, 44, 52, 80, 82, 91) name a different province than in vn63.

data/ holds one fact per row so that a change reads as a one-line diff:
  vn63.csv, vn34.csv       code,name,full_name
  vn63_to_vn34.csv         every old province and the new unit that took it over (names repeated
                           for the reader; they are checked against the two sets on load)
  aliases.csv              registry,code,alias — spellings and abbreviations that fold() does not
                           already equate (fold makes "Hòa"/"Hoà"/"Hoa" and "Đăk"/"Đắk"/"Dak" equal)
  cities.csv               vn63_code,city — provincial capitals and main cities
  domains.csv              registry,code,domain — the provinces' e-mail domains
  contextual.csv           alias,why — names that also mean something else; the matcher takes them
                           only after a prefix ("thành phố Vinh") or before a date ("Vinh, ngày ...")
A vn34 unit also answers to everything its predecessors answered to: their names and aliases (as
aliases), their cities and their domains. An old name in a 2025 letter still points at the new unit.

Loading reads the package's own files once (cached); no network, no clock.
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from parsers.vietnamese import fold

DATA_DIR = Path(__file__).parent / "data"
MERGER_DATE = date(2025, 7, 1)  # Resolution 202/2025/QH15 takes effect
VN63_UNTIL = date(2025, 6, 30)
BUILTIN_NAMES = ("vn63", "vn34")


@dataclass(frozen=True)
class Unit:
    """A reporting unit. `name` is the short name ("Quảng Ninh"), `full_name` the official one
    ("Tỉnh Quảng Ninh"). `aliases`, `cities` and `domains` are extra ways the unit is named; the
    name and full name are not repeated in `aliases`."""

    code: str
    name: str
    full_name: str
    registry: str
    aliases: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """A named, dated set of units. `contextual` holds the folded aliases that match only with a
    prefix or before a date (see data/contextual.csv)."""

    name: str
    valid_from: date | None
    valid_until: date | None
    units: tuple[Unit, ...]
    contextual: frozenset[str] = frozenset()

    def unit(self, code: str) -> Unit:
        """The unit with this code; KeyError naming the registry if there is none."""
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(f"no unit {code!r} in registry {self.name!r}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(unit.code for unit in self.units)

    def __contains__(self, code: object) -> bool:
        return any(unit.code == code for unit in self.units)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def read_csv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each non-blank row after the header; values NFC and stripped."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        values = {(key or "").strip().lower(): nfc(value or "") for key, value in row.items() if key is not None}
        if any(values.values()):
            yield reader.line_num, values


def _rows(filename: str) -> list[dict[str, str]]:
    return [row for _, row in read_csv_rows((DATA_DIR / filename).read_text(encoding="utf-8"))]


def _grouped(rows: Iterable[dict[str, str]], key: str, value: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row[value])
    return grouped


@functools.cache
def _mapping() -> dict[str, str]:
    return {row["vn63_code"]: row["vn34_code"] for row in _rows("vn63_to_vn34.csv")}


def _unique(items: Iterable[str], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Items in order, without repeats or anything in `exclude` (compared folded)."""
    seen = {fold(item) for item in exclude}
    kept = []
    for item in items:
        if fold(item) not in seen:
            seen.add(fold(item))
            kept.append(item)
    return tuple(kept)


@functools.cache
def _vn63() -> Registry:
    aliases = _grouped((r for r in _rows("aliases.csv") if r["registry"] == "vn63"), "code", "alias")
    cities = _grouped(_rows("cities.csv"), "vn63_code", "city")
    domains = _grouped((r for r in _rows("domains.csv") if r["registry"] == "vn63"), "code", "domain")
    units = tuple(
        Unit(
            code=row["code"], name=row["name"], full_name=row["full_name"], registry="vn63",
            aliases=_unique(aliases.get(row["code"], []), exclude=[row["name"]]),
            cities=_unique(cities.get(row["code"], []), exclude=[row["name"]]),
            domains=tuple(d.lower() for d in domains.get(row["code"], [])),
        )
        for row in _rows("vn63.csv")
    )  # fmt: skip
    return Registry("vn63", None, VN63_UNTIL, units, _contextual())


@functools.cache
def _vn34() -> Registry:
    old = _vn63()
    mapping = _mapping()
    own_aliases = _grouped((r for r in _rows("aliases.csv") if r["registry"] == "vn34"), "code", "alias")
    own_domains = _grouped((r for r in _rows("domains.csv") if r["registry"] == "vn34"), "code", "domain")
    units = []
    for row in _rows("vn34.csv"):
        code, name = row["code"], row["name"]
        before = [unit for unit in old.units if mapping[unit.code] == code]
        inherited = [alias for unit in before for alias in (unit.name, *unit.aliases)]
        units.append(
            Unit(
                code=code, name=name, full_name=row["full_name"], registry="vn34",
                aliases=_unique([*own_aliases.get(code, []), *inherited], exclude=[name]),
                cities=_unique([city for unit in before for city in unit.cities], exclude=[name]),
                domains=_unique([*own_domains.get(code, []), *(d for unit in before for d in unit.domains)]),
            )
        )  # fmt: skip
    return Registry("vn34", MERGER_DATE, None, tuple(units), _contextual())


@functools.cache
def _contextual() -> frozenset[str]:
    return frozenset(fold(row["alias"]) for row in _rows("contextual.csv"))



def builtin(name: str) -> Registry:
    """The built-in registry "vn63" or "vn34" (loaded once). ValueError for any other name."""
    if name == "vn63":
        return _vn63()
    if name == "vn34":
        return _vn34()
    raise ValueError(f"unknown built-in registry {name!r}; expected one of {', '.join(BUILTIN_NAMES)}")


def registry_for(day: date) -> Registry:
    """The built-in registry in force on a day: vn63 before 2025-07-01, vn34 from then on.

    Pass the day as seen in Vietnam; a datetime is cut to its own date (convert it first)."""
    if isinstance(day, datetime):
        day = day.date()
    return builtin("vn34" if day >= MERGER_DATE else "vn63")


def successor(code_in_vn63: str) -> str:
    """The vn34 code of the unit that took over a vn63 province ("77" Bà Rịa - Vũng Tàu → "79")."""
    try:
        return _mapping()[code_in_vn63]
    except KeyError:
        raise KeyError(f"no province {code_in_vn63!r} in vn63") from None


def predecessors(code_in_vn34: str) -> tuple[str, ...]:
    """The vn63 codes merged into a vn34 unit, in code order ("79" → ("74", "77", "79"))."""
    found = tuple(old for old, new in _mapping().items() if new == code_in_vn34)
    if not found:
        raise KeyError(f"no unit {code_in_vn34!r} in vn34")
    return found


def codes_naming(code: str, registry: str) -> dict[str | None, tuple[str, ...]]:
    """Per registry, the codes that code_in() maps to `code` of `registry`: the unit's own, those
    of the other built-in registry that stand for it alone, and (under None) the code itself for
    a code recorded without its registry."""
    found: dict[str | None, tuple[str, ...]] = {registry: (code,), None: (code,)}
    for other in BUILTIN_NAMES:
        if other != registry:
            found[other] = tuple(u.code for u in builtin(other).units if code_in(u.code, other, registry) == code)
    return found


def code_in(code: str, from_registry: str | None, to_registry: str) -> str | None:
    """A unit's code in `to_registry`, when there is exactly one: the same code in the same registry
    (or when `from_registry` is None), a vn63 province's vn34 successor, a vn34 unit's only vn63
    predecessor; None otherwise, and for a code its registry does not have."""
    if from_registry is None or from_registry == to_registry:
        return code
    try:
        if (from_registry, to_registry) == ("vn63", "vn34"):
            return successor(code)
        if (from_registry, to_registry) == ("vn34", "vn63"):
            merged = predecessors(code)
            return merged[0] if len(merged) == 1 else None
    except KeyError:
        return None
    return None
