"""Who is owed a reminder as of an instant, to which addresses, and why the others are not.

Only a unit that has not reported (`pending` before its deadline, `missing` after) is owed one,
and not while a readable report naming it waits in review, while its extension runs, or once it
has had `max_reminders`. A report none of whose files could be read holds nothing, in review or
not: the unit has still not reported, and its reminder says which file could not be read. The step comes from the schedule (jobs.reminders.schedule), counted from the
unit's own deadline; the outbox's unique key keeps each step to one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from jobs.contacts import Recipients
from jobs.reminders.schedule import Step, owed_step
from models import outbox
from models.schema import AdjustmentKind, Outbox, OutboxKind
from models.status import MISSING, PENDING, UnitStatus, campaign_status

# Why a unit that has not reported gets nothing now (shown by --dry-run and the dashboard).
IN_REVIEW = "in_review"
EXTENDED = "extended"
ALREADY_SENT = "already_sent"
MAX_REACHED = "max_reminders"
NO_CONTACT = "no_contact"
ALL_BOUNCING = "all_addresses_bounce"


@dataclass(frozen=True)
class Owed:
    unit: UnitStatus
    step: Step | None  # None: no step is due now
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    skip: str | None = None  # why nothing is sent (one of the constants above), None when it is
    bouncing: tuple[str, ...] = ()  # contact addresses left out because mail to them bounced

    @property
    def sendable(self) -> bool:
        return self.step is not None and self.skip is None


def plan_reminders(session: Session, campaign_config, recipients: Recipients, as_of: datetime) -> list[Owed]:
    """Every unit of the campaign that has not reported, with the step owed now (or why none)."""
    status = campaign_status(session, campaign_config.id, as_of=as_of)
    registry = status.campaign.unit_registry
    policy = campaign_config.reminders
    plans = []
    for unit in status.units:
        if unit.status not in (PENDING, MISSING):
            continue
        if unit.needs_review:
            plans.append(Owed(unit, None, skip=IN_REVIEW))
            continue
        if _extended(unit) and unit.deadline > as_of:
            plans.append(Owed(unit, None, skip=EXTENDED))
            continue
        step = owed_step(policy, unit.deadline, as_of)
        if step is None:
            plans.append(Owed(unit, None))
            continue
        plans.append(_addressed(session, status.campaign.id, registry, unit, step, policy, recipients))
    return plans


def _addressed(session, campaign_id, registry, unit, step, policy, recipients: Recipients) -> Owed:
    if outbox.exists(session, campaign_id, unit.unit, OutboxKind.REMINDER, step.key):
        return Owed(unit, step, skip=ALREADY_SENT)
    if outbox.sent_count(session, campaign_id, unit.unit, OutboxKind.REMINDER) >= policy.max_reminders:
        return Owed(unit, step, skip=MAX_REACHED)
    to, bouncing = recipients.to(unit.unit, registry)
    if not to:
        return Owed(unit, step, skip=ALL_BOUNCING if bouncing else NO_CONTACT, bouncing=bouncing)
    cc = recipients.escalation(unit.unit, registry, policy.escalate_cc) if step.escalated else ()
    return Owed(unit, step, to=to, cc=tuple(a for a in cc if a not in to), bouncing=bouncing)


def why_not_owed(session: Session, row: Outbox, as_of: datetime) -> str | None:
    """Checked again just before a queued reminder goes: why it must not (the unit reported, was
    exempted or given more time since), or None."""
    status = campaign_status(session, row.campaign, as_of=as_of)
    unit = next((u for u in status.units if u.unit == row.unit), None)
    if unit is None:
        return "the unit is no longer in the campaign's registry"
    if unit.status not in (PENDING, MISSING):
        return f"not sent: the unit is {unit.status} as of {as_of.isoformat(timespec='minutes')}"
    if unit.needs_review:
        return "not sent: a report naming the unit waits in review"
    if _extended(unit) and unit.deadline > as_of:
        return "not sent: the unit was given more time"
    return None


def _extended(unit: UnitStatus) -> bool:
    return any(applied.kind == AdjustmentKind.EXTENSION for applied in unit.adjustments)
