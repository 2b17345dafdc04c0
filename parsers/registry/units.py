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
  names.csv                registry,code,name,full_name,valid_from,valid_until,basis — renames: from
                           valid_from (to valid_until, if given) the unit is called so. A rename is
                           one added row; the unit keeps its code, so its history stays whole
A vn34 unit also answers to everything its predecessors answered to: their names and aliases (as
aliases), their cities and their domains. An old name in a 2025 letter still points at the new unit.

Names carry dates. A unit's `name`/`full_name` are those of vn63.csv/vn34.csv (its first); every
later name (names.csv, and the operator's own file: `use_operator_names`) is in `renames` and, so
that mail written either way still finds it, among its aliases. `unit_name(unit, on=day)` is the
name in force on a day and `Registry.on(day)` the registry as named on that day (the old names
become aliases): a campaign shows the names in force at its deadline. Thừa Thiên Huế became the
centrally-run Thành phố Huế on 2025-01-01 (Resolution 1314/NQ-UBTVQH15), half a year before the
merger: names.csv's first row.

Loading reads the package's own files once (cached); no network, no clock.
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from parsers.vietnamese import fold

DATA_DIR = Path(__file__).parent / "data"
MERGER_DATE = date(2025, 7, 1)  # Resolution 202/2025/QH15 takes effect
VN63_UNTIL = date(2025, 6, 30)
BUILTIN_NAMES = ("vn63", "vn34")


@dataclass(frozen=True)
class UnitName:
    """A name a unit bears from `valid_from` (None: from its start) to `valid_until` (None: still),
    both days included; `basis` is the legal text that gave it ("1314/NQ-UBTVQH15"), if known."""

    name: str
    full_name: str
    valid_from: date | None = None
    valid_until: date | None = None
    basis: str = ""

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Unit:
    """A reporting unit. `name` is the short name ("Quảng Ninh"), `full_name` the official one
    ("Tỉnh Quảng Ninh"). `aliases`, `cities` and `domains` are extra ways the unit is named; the
    name and full name are not repeated in `aliases`. `renames` are its later names, oldest first
    (see unit_name)."""

    code: str
    name: str
    full_name: str
    registry: str
    aliases: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    renames: tuple[UnitName, ...] = ()


def _day(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


def unit_name(unit: Unit, on: date | None = None) -> UnitName:
    """The unit's name in force on a day: the latest rename in force then, else its first name.
    Without a day, its first name. Pass the day as seen in Vietnam (a datetime is cut to its date)."""
    if on is not None:
        day = _day(on)
        for renamed in reversed(unit.renames):
            if renamed.in_force(day):
                return renamed
    first_until = unit.renames[0].valid_from - timedelta(days=1) if unit.renames and unit.renames[0].valid_from else None
    return UnitName(unit.name, unit.full_name, None, first_until)


def unit_names(unit: Unit) -> tuple[UnitName, ...]:
    """Every name the unit has borne or will bear, its first one first (with its end, when renamed)."""
    return (unit_name(unit), *unit.renames)


def named_on(unit: Unit, day: date) -> Unit:
    """The unit as named on a day: that name in front, every other name among its aliases."""
    current = unit_name(unit, day)
    if (current.name, current.full_name) == (unit.name, unit.full_name):
        return unit
    return replace(unit, name=current.name, full_name=current.full_name,
                   aliases=_unique([unit.name, *unit.aliases], exclude=[current.name]))


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

    def on(self, day: date) -> Registry:
        """This registry with each unit named as on that day (unit_name); itself when none was renamed."""
        return _registry_on(self, _day(day))


@functools.lru_cache(maxsize=64)
def _registry_on(registry: Registry, day: date) -> Registry:
    units = tuple(named_on(unit, day) for unit in registry.units)
    if all(new is old for new, old in zip(units, registry.units)):
        return registry
    return replace(registry, units=units)


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


# Bounded: each names file read again (SIGHUP) builds its own pair; the built-in one and the
# latest few are all that is ever asked for again.
@functools.lru_cache(maxsize=4)
def _vn63(operator: tuple[Rename, ...] = ()) -> Registry:
    aliases = _grouped((r for r in _rows("aliases.csv") if r["registry"] == "vn63"), "code", "alias")
    cities = _grouped(_rows("cities.csv"), "vn63_code", "city")
    domains = _grouped((r for r in _rows("domains.csv") if r["registry"] == "vn63"), "code", "domain")
    renames = _renames("vn63", operator)
    units = tuple(
        Unit(
            code=row["code"], name=row["name"], full_name=row["full_name"], registry="vn63",
            aliases=_unique([*aliases.get(row["code"], []), *(r.name for r in renames.get(row["code"], ()))],
                            exclude=[row["name"]]),
            cities=_unique(cities.get(row["code"], []), exclude=[row["name"]]),
            domains=tuple(d.lower() for d in domains.get(row["code"], [])),
            renames=renames.get(row["code"], ()),
        )
        for row in _rows("vn63.csv")
    )  # fmt: skip
    return Registry("vn63", None, VN63_UNTIL, units, _contextual())


@functools.lru_cache(maxsize=4)
def _vn34(operator: tuple[Rename, ...] = ()) -> Registry:
    old = _vn63(operator)
    mapping = _mapping()
    own_aliases = _grouped((r for r in _rows("aliases.csv") if r["registry"] == "vn34"), "code", "alias")
    own_domains = _grouped((r for r in _rows("domains.csv") if r["registry"] == "vn34"), "code", "domain")
    renames = _renames("vn34", operator)
    units = []
    for row in _rows("vn34.csv"):
        code, name = row["code"], row["name"]
        before = [unit for unit in old.units if mapping[unit.code] == code]
        inherited = [alias for unit in before for alias in (unit.name, *unit.aliases)]
        own = [*own_aliases.get(code, []), *(r.name for r in renames.get(code, ()))]
        units.append(
            Unit(
                code=code, name=name, full_name=row["full_name"], registry="vn34",
                aliases=_unique([*own, *inherited], exclude=[name]),
                cities=_unique([city for unit in before for city in unit.cities], exclude=[name]),
                domains=_unique([*own_domains.get(code, []), *(d for unit in before for d in unit.domains)]),
                renames=renames.get(code, ()),
            )
        )  # fmt: skip
    return Registry("vn34", MERGER_DATE, None, tuple(units), _contextual())


# --- Dated names -----------------------------------------------------------------------------------
NAME_COLUMNS = ("registry", "code", "name", "full_name", "valid_from", "valid_until", "basis")


@dataclass(frozen=True)
class Rename:
    """One row of a names file: unit `code` of `registry` bears `name` over its dates."""

    registry: str
    code: str
    name: UnitName


def read_date(value: str, column: str, line: int) -> date | None:
    """A CSV cell's ISO date (None when empty); ValueError naming the line and column."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"line {line}: {column} {value!r} is not a date (write it 2026-03-01)") from None


@functools.cache
def _base_codes(registry: str) -> frozenset[str]:
    return frozenset(row["code"] for row in _rows(f"{registry}.csv"))


def read_renames(text: str) -> tuple[Rename, ...]:
    """The rows of a names file (header registry,code,name[,full_name],valid_from[,valid_until][,basis];
    full_name defaults to name). Every unit must be one of a built-in registry. ValueError naming the line."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    columns = [column.strip().lower() for column in first.split(",")]
    missing = [c for c in ("registry", "code", "name", "valid_from") if c not in columns]
    unknown = [c for c in columns if c not in NAME_COLUMNS]
    if missing or unknown:
        raise ValueError(f"line 1: expected the header {','.join(NAME_COLUMNS)} (registry, code, name and "
                         f"valid_from required); {'missing ' + ', '.join(missing) if missing else 'unknown ' + ', '.join(unknown)}")
    renames = []
    for line, row in read_csv_rows(text):
        registry, code, name = row.get("registry", ""), row.get("code", ""), row.get("name", "")
        if registry not in BUILTIN_NAMES:
            raise ValueError(f"line {line}: registry {registry!r} is not one of {', '.join(BUILTIN_NAMES)}")
        if code not in _base_codes(registry):
            raise ValueError(f"line {line}: no unit {code!r} in registry {registry}")
        if not name:
            raise ValueError(f"line {line}: no name")
        valid_from = read_date(row.get("valid_from", ""), "valid_from", line)
        valid_until = read_date(row.get("valid_until", ""), "valid_until", line)
        if valid_from is None:
            raise ValueError(f"line {line}: a rename needs valid_from, the day the name takes effect")
        if valid_until is not None and valid_until < valid_from:
            raise ValueError(f"line {line}: valid_until {valid_until} is before valid_from {valid_from}")
        dated = UnitName(name, row.get("full_name") or name, valid_from, valid_until, row.get("basis", ""))
        renames.append(Rename(registry, code, dated))
    return tuple(renames)


@functools.cache
def _builtin_renames() -> tuple[Rename, ...]:
    return read_renames((DATA_DIR / "names.csv").read_text(encoding="utf-8"))


def _renames(registry: str, operator: tuple[Rename, ...]) -> dict[str, tuple[UnitName, ...]]:
    """Per code, the registry's renames oldest first; an operator's row replaces the built-in one
    of the same unit and day."""
    by_day: dict[tuple[str, date | None], UnitName] = {}
    for rename in (*_builtin_renames(), *operator):
        if rename.registry == registry:
            by_day[(rename.code, rename.name.valid_from)] = rename.name
    grouped: dict[str, list[UnitName]] = {}
    for (code, _), name in sorted(by_day.items(), key=lambda item: (item[0][0], item[0][1] or date.min)):
        grouped.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in grouped.items()}


_operator_renames: tuple[Rename, ...] = ()


def use_operator_names(renames: Iterable[Rename]) -> None:
    """Add an operator's renames (read_renames of the file `[registry] names` names) to the built-in
    registries, in place of any added before; () goes back to the built-in data alone. A name that
    another unit of the registry already answers to is refused (ValueError), as in the data."""
    global _operator_renames
    renames = tuple(renames)
    check_operator_names(renames)
    _operator_renames = renames


def check_operator_names(renames: tuple[Rename, ...]) -> None:
    """ValueError if, with these renames, a name would name two units of a registry (nothing is put
    in force: see use_operator_names)."""
    for registry in BUILTIN_NAMES if renames else ():  # vn34 inherits vn63's names
        _check_names(_build(registry, renames))


def _build(name: str, operator: tuple[Rename, ...]) -> Registry:
    return _vn63(operator) if name == "vn63" else _vn34(operator)


def _check_names(registry: Registry) -> None:
    from parsers.registry.matcher import alias_key  # the matcher's own comparison (it imports this module)

    owners: dict[tuple[str, ...], str] = {}
    for unit in registry.units:
        for alias in {alias_key(n) for n in (unit.name, *unit.aliases, *unit.cities)}:
            if owners.setdefault(alias, unit.code) != unit.code:
                raise ValueError(f"registry {registry.name}: {' '.join(alias)!r} would name both unit "
                                 f"{owners[alias]} and unit {unit.code}; a name must name one unit")


@functools.cache
def _contextual() -> frozenset[str]:
    return frozenset(fold(row["alias"]) for row in _rows("contextual.csv"))



def builtin(name: str) -> Registry:
    """The built-in registry "vn63" or "vn34" (loaded once), with the operator's renames
    (use_operator_names). ValueError for any other name."""
    if name in BUILTIN_NAMES:
        return _build(name, _operator_renames)
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


@functools.cache  # renames change names, never codes
def _codes(registry: str) -> frozenset[str]:
    return frozenset(builtin(registry).codes)


def code_in(code: str, from_registry: str | None, to_registry: str) -> str | None:
    """A unit's code in `to_registry`, when there is exactly one: the same code in the same registry
    (or when `from_registry` is None), a vn63 province's vn34 successor, a vn34 unit's only vn63
    predecessor; None otherwise, and for a code its registry does not have."""
    if from_registry is None or from_registry == to_registry:
        # A code the built-in registry lacks (a vn63-only "74" read as vn34) names no unit: a
        # unit that does not exist must not be accepted, nor counted.
        return code if to_registry not in BUILTIN_NAMES or code in _codes(to_registry) else None
    try:
        if (from_registry, to_registry) == ("vn63", "vn34"):
            return successor(code)
        if (from_registry, to_registry) == ("vn34", "vn63"):
            merged = predecessors(code)
            return merged[0] if len(merged) == 1 else None
    except KeyError:
        return None
    return None
