"""Operators' own CSV files: a registry of their own units, and the units' contact addresses.

Both read UTF-8 text with a header row (a byte-order mark, as Excel writes it, is fine). Every
error is a ValueError that names the line, so an operator can fix the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from parsers.registry.matcher import alias_key
from parsers.registry.units import Registry, Unit, UnitName, read_csv_rows, read_date

_REGISTRY_COLUMNS = ("code", "name", "full_name", "aliases", "domains", "valid_from", "valid_until")
_CONTACT_COLUMNS = ("unit", "email", "name", "role")
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+")
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z0-9-]+")


def _header(text: str, required: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    columns = [column.strip().lower() for column in first.split(",")]
    missing = [column for column in required if column not in columns]
    unknown = [column for column in columns if column not in allowed]
    if missing or unknown:
        problems = [f"missing column(s) {', '.join(missing)}"] * bool(missing)
        problems += [f"unknown column(s) {', '.join(unknown)}"] * bool(unknown)
        raise ValueError(f"line 1: {'; '.join(problems)} (expected header {','.join(allowed)})")


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(";") if item.strip())


def _read_text(path_or_text: str | os.PathLike[str]) -> str:
    """A path is read; a string with a line break is the CSV itself; any other string is a path."""
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        return path_or_text
    return Path(path_or_text).read_text(encoding="utf-8-sig")


def _check_aliases(unit: Unit, line: int, owners: dict[tuple[str, ...], tuple[str, int]]) -> None:
    for alias in (unit.name, *unit.aliases):
        owner = owners.setdefault(alias_key(alias), (unit.code, line))
        if owner[0] != unit.code:
            raise ValueError(f"line {line}: {alias!r} already names unit {owner[0]} (line {owner[1]})")


def _unit(row: dict[str, str], line: int, registry: str) -> Unit:
    code, name = row.get("code", ""), row.get("name", "")
    if not code or not name:
        raise ValueError(f"line {line}: a unit needs a code and a name")
    domains = tuple(domain.lower().rstrip(".") for domain in _split(row.get("domains", "")))
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise ValueError(f"line {line}: {domain!r} is not a domain name")
    aliases = _split(row.get("aliases", ""))
    return Unit(code, name, row.get("full_name") or name, registry, aliases=aliases, domains=domains)


def _rename(row: dict[str, str], line: int, unit: Unit) -> Unit:
    """A later row of a unit's code: the name it bears from `valid_from` on (its earlier names stay aliases)."""
    dated = {column: read_date(row.get(column, ""), column, line) for column in ("valid_from", "valid_until")}
    if dated["valid_until"] is not None and dated["valid_until"] < dated["valid_from"]:
        raise ValueError(f"line {line}: valid_until is before valid_from")
    named = _unit(row, line, unit.registry)
    renamed = UnitName(named.name, named.full_name, dated["valid_from"], dated["valid_until"])
    renames = tuple(sorted((*unit.renames, renamed), key=lambda n: n.valid_from or date.min))
    return replace(unit, aliases=tuple(dict.fromkeys((*unit.aliases, *named.aliases, named.name))),
                   domains=tuple(dict.fromkeys((*unit.domains, *named.domains))), renames=renames)


def load_registry_csv(
    path_or_text: str | os.PathLike[str],
    *,
    name: str = "custom",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Registry:
    """An operator's registry from CSV: header `code,name[,full_name][,aliases][,domains][,valid_from]
    [,valid_until]`, one unit a row; aliases and domains `;`-separated. Codes must be unique, and an
    alias (compared folded) may name only one unit. A rename is one more row of the same code with
    the new name and `valid_from` (the unit keeps its code and history; its old name stays an alias:
    see parsers.registry.units.unit_name); a unit's first row has no dates."""
    text = _read_text(path_or_text)
    _header(text, ("code", "name"), _REGISTRY_COLUMNS)
    units: dict[str, Unit] = {}
    lines: dict[str, int] = {}
    owners: dict[tuple[str, ...], tuple[str, int]] = {}
    for line, row in read_csv_rows(text):
        code = row.get("code", "")
        if code in units and not row.get("valid_from"):
            raise ValueError(f"line {line}: unit code {code!r} already on line {lines[code]} (a rename is a row of "
                             "the same code with the new name and valid_from, the day it takes effect)")
        if code in units:
            unit = units[code] = _rename(row, line, units[code])
        else:
            if row.get("valid_from") or row.get("valid_until"):
                raise ValueError(f"line {line}: the first row of unit {code!r} is its first name and has no dates; "
                                 "add a later name as another row with valid_from")
            unit = units[code] = _unit(row, line, name)
            lines[code] = line
        _check_aliases(unit, line, owners)
    if not units:
        raise ValueError("the registry file has no units")
    return Registry(name, valid_from, valid_until, tuple(units.values()))


@dataclass(frozen=True)
class ContactRow:
    unit: str
    email: str  # lower-cased
    name: str
    role: str  # "" (the unit's reporting contact) or "escalation" (copied on late reminders only)


CONTACT_ROLES = ("", "escalation")


def contact_rows(text: str, registry: Registry | None = None) -> list[ContactRow]:
    """The contacts file's rows: header `unit,email[,name][,role]`, in file order, a repeated
    (unit, email) row kept once. With a registry, every unit must be one of its codes."""
    _header(text, ("unit", "email"), _CONTACT_COLUMNS)
    rows: dict[tuple[str, str], ContactRow] = {}
    for line, row in read_csv_rows(text):
        unit, email, role = row.get("unit", ""), row.get("email", "").lower(), row.get("role", "").lower()
        if not unit:
            raise ValueError(f"line {line}: no unit code")
        if registry is not None and unit not in registry:
            raise ValueError(f"line {line}: unit {unit!r} is not in registry {registry.name!r}")
        if not _EMAIL.fullmatch(email):
            raise ValueError(f"line {line}: {email!r} is not an e-mail address")
        if role not in CONTACT_ROLES:
            raise ValueError(f"line {line}: role {role!r} is not one of: (empty), {', '.join(CONTACT_ROLES[1:])}")
        rows.setdefault((unit, email), ContactRow(unit, email, row.get("name", ""), role))
    return list(rows.values())


def load_contacts_csv(text: str, registry: Registry | None = None) -> dict[str, list[tuple[str, str]]]:
    """Contact addresses per unit code, every role: {code: [(email, name), ...]} in file order."""
    contacts: dict[str, list[tuple[str, str]]] = {}
    for row in contact_rows(text, registry):
        contacts.setdefault(row.unit, []).append((row.email, row.name))
    return contacts
