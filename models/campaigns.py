"""Campaigns in the database, kept in step with the config: the config says what is asked, the
table lets submissions, adjustments and the dashboard refer to a campaign that may later leave it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.schema import Campaign, RegistryUnit, utcnow
from parsers.registry import Registry, builtin
from reportbox.config import CampaignConfig


def sync_campaigns(session: Session, configured: Sequence[CampaignConfig]) -> None:
    """Insert or update every configured campaign; mark those no longer configured."""
    now = utcnow()
    stored = {c.id: c for c in session.scalars(select(Campaign))}
    for config in configured:
        values = dict(letter=config.letter, title=config.title, report_year=config.report_year,
                      plan_year=config.plan_year, issued=config.issued, deadline=config.deadline_at,
                      unit_registry=config.registry, outline=list(config.outline), exempt=list(config.exempt),
                      message_ids=list(config.message_ids), in_config=True, subject=config.subject,
                      issuer=config.issuer, addressees=config.addressees, mailbox=config.mailbox, phone=config.phone,
                      sections=[item.model_dump() for item in config.section],
                      match={"phrases": list(config.match.phrases), "exclude": list(config.match.exclude)})
        row = stored.pop(config.id, None)
        if row is None:
            session.add(Campaign(id=config.id, synced_at=now, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.synced_at = now
    for row in stored.values():
        row.in_config = False
    for name in sorted({c.registry for c in configured}):
        try:
            sync_units(session, builtin(name))
        except ValueError:
            pass  # an operator's own registry: synced by whoever loads it


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
