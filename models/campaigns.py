"""Campaigns in the database, kept in step with the config: the config says what is asked, the
table lets submissions, adjustments and the dashboard refer to a campaign that may later leave it.

A campaign may also come from its letter (`reportbox campaign from-letter --apply`, `source = "letter"`):
stored here only, read back as a CampaignConfig by `letter_campaigns` and active like the config's.
A config campaign of the same id takes such a row over."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.schema import Campaign, RegistryUnit, utcnow
from parsers.departments import DEFAULT_DEPARTMENTS, departments_addressed
from parsers.registry import Registry, builtin
from reportbox.config import CampaignConfig, CampaignMatchConfig, LetterSectionConfig
from reportbox.errors import UsageError
from reportbox.timefmt import VIETNAM

log = logging.getLogger("reportbox.campaigns")

CONFIG, LETTER = "config", "letter"  # Campaign.source


def sync_campaigns(session: Session, configured: Sequence[CampaignConfig]) -> None:
    """Insert or update every configured campaign; mark those no longer configured."""
    now = utcnow()
    stored = {c.id: c for c in session.scalars(select(Campaign))}
    for config in configured:
        values = _campaign_values(config) | {"in_config": True, "source": CONFIG}
        row = stored.pop(config.id, None)
        if row is None:
            session.add(Campaign(id=config.id, synced_at=now, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.synced_at = now
    for row in stored.values():
        if row.source != LETTER:  # a letter's campaign never was in the config: it stays active
            row.in_config = False
    letters = {row.unit_registry for row in stored.values() if row.source == LETTER}
    _sync_builtin_units(session, {c.registry for c in configured} | letters)


def _sync_builtin_units(session: Session, names: set[str]) -> None:
    for name in sorted(names):
        try:
            sync_units(session, builtin(name))
        except ValueError:
            pass  # an operator's own registry: synced by whoever loads it


def _campaign_values(config: CampaignConfig) -> dict:
    """The row's columns for a campaign, wherever it was written."""
    return dict(letter=config.letter, title=config.title, report_year=config.report_year,
                plan_year=config.plan_year, issued=config.issued, deadline=config.deadline_at,
                unit_registry=config.registry, outline=list(config.outline), exempt=list(config.exempt),
                message_ids=list(config.message_ids), subject=config.subject,
                issuer=config.issuer, addressees=config.addressees, mailbox=config.mailbox, phone=config.phone,
                sections=[item.model_dump() for item in config.section],
                match={"phrases": list(config.match.phrases), "exclude": list(config.match.exclude)})


def store_letter_campaign(session: Session, campaign: CampaignConfig, evidence: dict[str, str], *,
                          applied_by: str, applied_at: datetime | None = None) -> bool:
    """Store (or update) a campaign read from its letter; True when it is new. An id that a campaign
    of the config uses, or used, is refused: the config is the operator's, and submissions may point at it."""
    from parsers.letterhead import number_key  # the letterhead reader: only for the command that stores one

    row = session.get(Campaign, campaign.id)
    if row is not None and row.source != LETTER:
        where = "is in the config" if row.in_config else "was in the config (its submissions still point at it)"
        raise UsageError(f"campaign {campaign.id!r} {where}: choose another --id, or edit the config by hand")
    twin = next((other.id for other in session.scalars(select(Campaign).where(Campaign.id != campaign.id))
                 if number_key(other.letter) == number_key(campaign.letter)), None)
    if twin is not None:  # two campaigns of one letter would split every report citing it between them
        raise UsageError(f"letter {campaign.letter} is campaign {twin!r} already: apply it with --id {twin}, "
                         f"or edit that campaign")
    values = _campaign_values(campaign) | dict(in_config=True, source=LETTER, evidence=dict(evidence),
                                               applied_by=applied_by, applied_at=applied_at or utcnow())
    if row is None:
        session.add(Campaign(id=campaign.id, synced_at=values["applied_at"], **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.synced_at = values["applied_at"]
    session.flush()
    _sync_builtin_units(session, {campaign.registry})
    return row is None


def letter_campaigns(session: Session) -> list[CampaignConfig]:
    """The campaigns stored from letters, as the config would describe them (default reminders)."""
    rows = session.scalars(select(Campaign).where(Campaign.source == LETTER).order_by(Campaign.deadline, Campaign.id))
    campaigns = []
    for row in rows:
        try:
            campaigns.append(_as_config(row))
        except ValidationError as exc:  # left out, not fatal: one bad row must not stop polling
            log.error("campaign %r, stored from its letter, is no longer valid (%s) and is left out: apply the "
                      "letter again, or add the campaign to the config by hand", row.id, exc.errors()[0]["msg"])
    return campaigns


def _as_config(row: Campaign) -> CampaignConfig:
    return CampaignConfig(
        id=row.id, letter=row.letter, title=row.title or "", report_year=row.report_year, plan_year=row.plan_year,
        issued=row.issued, deadline=_deadline_as_written(row.deadline), registry=row.unit_registry,
        outline=tuple(row.outline), exempt=tuple(row.exempt), message_ids=tuple(row.message_ids),
        subject=row.subject, issuer=row.issuer, addressees=row.addressees, mailbox=row.mailbox, phone=row.phone,
        section=tuple(LetterSectionConfig(**item) for item in row.sections or ()),
        match=CampaignMatchConfig(**(row.match or {})),
        # Read again from the stored "Kính gửi:", as from-letter read them (no column of their own).
        departments=departments_addressed(row.addressees) or DEFAULT_DEPARTMENTS,
    )


def _deadline_as_written(instant: datetime) -> date | datetime:
    """A stored deadline back as the config writes it: the day when it ends at midnight, else a local time."""
    local = instant.astimezone(VIETNAM)
    return local.date() if local.time() == time.max else local.replace(tzinfo=None)


def sync_units(session: Session, registry: Registry) -> None:
    """Copy a registry's units into the `unit` table when they differ (names, order, members)."""
    wanted = [(unit.code, unit.name, position) for position, unit in enumerate(registry.units)]
    stored = session.execute(select(RegistryUnit.code, RegistryUnit.name, RegistryUnit.position)
                             .where(RegistryUnit.unit_registry == registry.name)
                             .order_by(RegistryUnit.position)).all()
    if [tuple(row) for row in stored] == wanted:
        return
    session.execute(delete(RegistryUnit).where(RegistryUnit.unit_registry == registry.name))
    session.execute(insert(RegistryUnit), [dict(unit_registry=registry.name, code=code, name=name, position=position)
                                           for code, name, position in wanted])


def lock_campaign(session: Session, campaign_id: str) -> None:
    """Serialise work on one campaign's versions across processes (a row lock on PostgreSQL;
    SQLite writers are serialised already)."""
    session.execute(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update())


def list_campaigns(session: Session, *, include_retired: bool = True) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.deadline, Campaign.id)
    if not include_retired:
        query = query.where(Campaign.in_config.is_(True))
    return list(session.scalars(query))
