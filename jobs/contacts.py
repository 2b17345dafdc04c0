"""The operator's contacts file, read fresh for each job (it is edited while the daemon runs),
and the addresses a reminder goes to."""

from __future__ import annotations

from models.outbox import failing_addresses
from parsers.registry import ContactRow, Contacts, KnownAddress, contact_rows
from reportbox.errors import ConfigError

ESCALATION = "escalation"


def read_contacts(config) -> list[ContactRow]:
    """Rows of `registry.contacts` (codes of `registry.default`); none without the setting.
    A file that is set but unreadable or wrong is an error the operator must see."""
    path = config.registry.contacts
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{config.path}: registry.contacts: cannot read {path}: {exc.strerror}") from exc
    try:
        return contact_rows(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


class Recipients:
    """Whom a unit's reminder goes to: its contacts (or, when the file names none, the addresses
    learned from its accepted reports), the escalation contacts on escalated steps, less the
    addresses whose mail bounced for good."""

    def __init__(self, config, learned: list[KnownAddress], failing: set[str]) -> None:
        rows = read_contacts(config)
        registry = config.registry.default
        self._contacts = Contacts(KnownAddress(r.email, r.unit, registry) for r in rows if r.role != ESCALATION)
        self._escalation = Contacts(KnownAddress(r.email, r.unit, registry) for r in rows if r.role == ESCALATION)
        self._learned = Contacts(learned)
        self.failing = failing

    @classmethod
    def load(cls, config, session) -> Recipients:
        from models.senders import learned_addresses

        return cls(config, learned_addresses(session), set(failing_addresses(session)))

    def to(self, code: str, registry: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(addresses to write to, addresses left out because they bounce)."""
        found = self._contacts.addresses_of(code, registry) or self._learned.addresses_of(code, registry)
        return self._split(found)

    def escalation(self, code: str, registry: str, extra: tuple[str, ...]) -> tuple[str, ...]:
        found = (*self._escalation.addresses_of(code, registry), *(a.strip().lower() for a in extra))
        return self._split(tuple(dict.fromkeys(found)))[0]

    def _split(self, addresses: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return (tuple(a for a in addresses if a not in self.failing),
                tuple(a for a in addresses if a in self.failing))
