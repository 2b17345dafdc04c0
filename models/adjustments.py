"""Planners' per-unit adjustments to a campaign: an extension, an exemption, a report received
outside e-mail. Each is an audit row (who, when, why); the latest of a kind applies (models.status
reads them, and so does the campaign_unit_status view).

A cancelling row leaves the unit with no adjustment of that kind at all: it does not restore an
earlier one (a first extension after a second is cancelled); give that one again to restore it.
A report received offline cannot be recorded with a time still to come: status would ignore it
until then but the SQL view would count it at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import AdjustmentKind, CampaignAdjustment, utcnow
from models.status import get_campaign, registry_of
from reportbox.errors import UsageError
from reportbox.timefmt import local_iso


def adjust(session: Session, campaign_id: str, unit: str, kind: str, *, at: datetime | None = None,
           note: str | None = None, decided_by: str, cancel: bool = False) -> CampaignAdjustment:
    """Record an adjustment (with `cancel`: the unit no longer has one of this kind). Raises
    UsageError for an unknown campaign or unit, a missing time, an extension that ends before the
    campaign's own deadline, or a report received offline later than now."""
    if kind not in AdjustmentKind.ALL:
        raise UsageError(f"unknown adjustment {kind!r} (one of {', '.join(AdjustmentKind.ALL)})")
    campaign = get_campaign(session, campaign_id)
    registry = registry_of(campaign)
    if unit not in registry:
        raise UsageError(f"unit {unit!r} is not in registry {registry.name} of campaign {campaign.id}")
    if not cancel:
        if kind != AdjustmentKind.EXEMPTION and at is None:
            raise UsageError(f"{kind}: give the time (--until / --at)")
        if at is not None and at.tzinfo is None:
            raise UsageError(f"{kind}: the time must carry a time zone")
        if kind == AdjustmentKind.EXTENSION and at <= campaign.deadline:
            raise UsageError(f"extension until {at.isoformat()} is not after the deadline {campaign.deadline.isoformat()}")
        if kind == AdjustmentKind.OFFLINE and at > utcnow():
            raise UsageError(f"received offline at {local_iso(at)} is later than now: give the time it came")
    elif in_force(session, campaign.id, unit, kind) is None:
        raise UsageError(f"unit {unit} has no {kind} in campaign {campaign.id} to cancel")
    row = CampaignAdjustment(campaign=campaign.id, unit=unit, kind=kind, at=None if cancel else at,
                             cancelled=cancel, note=note, decided_by=decided_by, decided_at=utcnow())
    session.add(row)
    session.flush()
    return row


def in_force(session: Session, campaign_id: str, unit: str, kind: str) -> CampaignAdjustment | None:
    """The unit's adjustment of this kind in force: the latest, unless it cancels."""
    row = session.scalars(select(CampaignAdjustment).where(
        CampaignAdjustment.campaign == campaign_id, CampaignAdjustment.unit == unit, CampaignAdjustment.kind == kind)
        .order_by(CampaignAdjustment.id.desc()).limit(1)).first()
    return None if row is None or row.cancelled else row


def history(session: Session, campaign_id: str, unit: str | None = None) -> list[CampaignAdjustment]:
    query = select(CampaignAdjustment).where(CampaignAdjustment.campaign == campaign_id)
    if unit is not None:
        query = query.where(CampaignAdjustment.unit == unit)
    return list(session.scalars(query.order_by(CampaignAdjustment.id)))


def recent(session: Session, limit: int = 200) -> list[CampaignAdjustment]:
    """Every campaign's latest adjustments, newest first: the audit log."""
    return list(session.scalars(select(CampaignAdjustment).order_by(CampaignAdjustment.id.desc()).limit(limit)))
