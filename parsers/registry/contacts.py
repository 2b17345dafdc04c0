"""Known addresses of units, across registries: the operator's contacts file and learned addresses.

A `KnownAddress` ties an address to a unit code in a registry ("vn63", "vn34", an operator's own),
or to no registry: the code is then taken in whichever registry is being identified (how a plain
contacts mapping always worked). Its source is "contacts" (the operator's file) or "learned" (the
sender of a submission a person accepted).

`Contacts.owner` answers in the registry being identified. A vn63 entry names its vn34 successor;
a vn34 entry names a vn63 province only when exactly one was merged into it: the address of a
merged unit cannot tell which of the old provinces it wrote for. Operator's entries win over
learned ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from parsers.registry.units import Registry, code_in

SOURCES = ("contacts", "learned")  # preferred first


@dataclass(frozen=True)
class KnownAddress:
    address: str
    code: str
    registry: str | None  # None: the code holds in any registry
    source: str = "contacts"  # "contacts" | "learned"


class Contacts:
    """Known addresses, looked up by address (compared stripped and lower-cased)."""

    def __init__(self, entries: Iterable[KnownAddress] = ()) -> None:
        self._entries = tuple(replace(entry, address=_key(entry.address)) for entry in entries)
        self._by_address: dict[str, list[KnownAddress]] = {}
        for entry in sorted(self._entries, key=_preference):  # stable: file order within a source
            self._by_address.setdefault(entry.address, []).append(entry)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Iterable], registry: str | None = None) -> Contacts:
        """From the old shape {code: [address or (address, name), …]}, as load_contacts_csv gives it."""
        return cls(
            KnownAddress(_address(entry), code, registry) for code, entries in mapping.items() for entry in entries
        )

    def owner(self, address: str, registry: Registry) -> tuple[str, str] | None:
        """(code in `registry`, source) of the first entry for the address that names a unit there."""
        for entry in self._by_address.get(_key(address), ()):
            code = _code_in(entry, registry.name)
            if code is not None:
                return code, entry.source
        return None

    def addresses_of(self, code: str, registry_name: str) -> tuple[str, ...]:
        """Every address with an entry that names unit `code` of `registry_name`, operator's first."""
        found = (e.address for e in sorted(self._entries, key=_preference) if _code_in(e, registry_name) == code)
        return tuple(dict.fromkeys(found))

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __repr__(self) -> str:
        return f"Contacts({len(self)} known addresses)"


def as_contacts(contacts: Contacts | Mapping[str, Iterable] | None) -> Contacts:
    """Contacts as they are, a plain {code: addresses} mapping converted (any registry), None as none."""
    if isinstance(contacts, Contacts):
        return contacts
    return Contacts.from_mapping(contacts or {})


def _code_in(entry: KnownAddress, registry_name: str) -> str | None:
    """The entry's code expressed in `registry_name`; None when it cannot be (or is unknown)."""
    return code_in(entry.code, entry.registry, registry_name)


def _preference(entry: KnownAddress) -> int:
    return SOURCES.index(entry.source) if entry.source in SOURCES else len(SOURCES)


def _address(entry: object) -> str:
    """A contacts entry: an address, or (address, name) as load_contacts_csv gives it."""
    return entry[0] if isinstance(entry, tuple) else str(entry)


def _key(address: str) -> str:
    return address.strip().lower()
