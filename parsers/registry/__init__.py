"""Registries of reporting units (Vietnam's provinces) and finding them in text and addresses.

`builtin("vn63")` / `builtin("vn34")` are the province sets before and after the 2025 merger,
`registry_for(day)` picks the one in force, `successor` maps an old code to its new unit.
`find_units` finds units named in text, `unit_for_domain` the unit behind an e-mail address.
Operators' own sets and contact lists come from CSV (`load_registry_csv`, `load_contacts_csv`);
`Contacts` holds known addresses (contacts and learned ones) and answers in any registry.
"""

from __future__ import annotations

from parsers.registry.contacts import Contacts, KnownAddress
from parsers.registry.custom import ContactRow, contact_rows, load_contacts_csv, load_registry_csv
from parsers.registry.matcher import UnitMention, find_units, unit_for_domain
from parsers.registry.units import (
    BUILTIN_NAMES,
    Registry,
    Unit,
    builtin,
    code_in,
    codes_naming,
    predecessors,
    registry_for,
    successor,
)

__all__ = [
    "Contacts",
    "KnownAddress",
    "Registry",
    "Unit",
    "UnitMention",
    "builtin",
    "BUILTIN_NAMES",
    "code_in",
    "codes_naming",
    "find_units",
    "ContactRow",
    "contact_rows",
    "load_contacts_csv",
    "load_registry_csv",
    "predecessors",
    "registry_for",
    "successor",
    "unit_for_domain",
]
