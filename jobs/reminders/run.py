"""One reminder run for a campaign as of an instant: plan, compose, queue, deliver.

`reportbox remind` and the daemon's reminder job both call `remind`; a dry run composes the
same e-mails and queues nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from jobs.contacts import Recipients
from jobs.mail.compose import Draft, Templates
from jobs.mail.letters import campaign_variables, outbox_row, outline_of, sender_variables, titles_of, unit_variables
from jobs.outbox import Delivery, deliver
from jobs.reminders.plan import Owed, plan_reminders
from models import outbox
from models.schema import OutboxKind, utcnow
from models.status import get_campaign, registry_of
from reportbox.app import App
from reportbox.errors import ConfigError, UsageError
from reportbox.timefmt import days_until


@dataclass
class ReminderRun:
    campaign: str
    as_of: datetime
    plans: list[Owed]
    drafts: dict[str, Draft] = field(default_factory=dict)  # unit → the e-mail it gets now
    queued: dict[str, int] = field(default_factory=dict)  # unit → outbox id
    delivery: Delivery | None = None
    disabled: bool = False


def remind(app: App, campaign_id: str, *, as_of: datetime | None = None, dry_run: bool = False,
           clock: Callable[[], datetime] = utcnow, sleep: Callable[[float], None] | None = None,
           stop: threading.Event | None = None) -> ReminderRun:
    """Queue and send what the policy owes as of `as_of` (default now). `as_of` is for rehearsals
    and tests: the policy, the e-mails' wording and the last check before sending all see T."""
    config = app.config
    campaign_config = next((c for c in config.campaign if c.id == campaign_id), None)
    if campaign_config is None:
        raise UsageError(f"campaign {campaign_id!r} is not in {config.path}: its reminder policy is needed")
    if config.smtp is None and not dry_run:
        raise ConfigError(f"{config.path}: no [smtp] section, so no reminder can be sent (try --dry-run)")
    as_of = as_of or clock()
    with app.sessions() as session:
        plans = plan_reminders(session, campaign_config, Recipients.load(config, session), as_of)
        run = ReminderRun(campaign_id, as_of, plans, disabled=not campaign_config.reminders.enabled)
        if run.disabled:
            return run
        campaign = get_campaign(session, campaign_id)
        registry = registry_of(campaign)
        templates = Templates(config.outgoing.templates_dir)
        for owed in (p for p in plans if p.sendable):
            draft = templates.render(*reminder_letter(config, campaign, registry, owed, as_of))
            run.drafts[owed.unit.unit] = draft
            if not dry_run:
                row = outbox_row(config, draft, kind=OutboxKind.REMINDER,
                                 campaign=campaign.id, unit=owed.unit.unit, step=owed.step.key, to=owed.to,
                                 cc=owed.cc, replying_to=list(campaign.message_ids),
                                 auto_submitted="auto-generated", as_of=as_of, now=clock())
                if (queued := outbox.queue(session, row)) is not None:
                    run.queued[owed.unit.unit] = queued
    if not dry_run:
        run.delivery = deliver(app, as_of=as_of, campaign=campaign_id, clock=clock, sleep=sleep, stop=stop)
    return run


def reminder_letter(config, campaign, registry, owed: Owed, as_of: datetime) -> tuple[str, dict]:
    """The template and its variables for one unit's reminder."""
    step, unit = owed.step, owed.unit
    days = days_until(unit.deadline, as_of)
    outline = outline_of(config, campaign)
    variables = {
        "unit": unit_variables(registry, unit.unit), "campaign": campaign_variables(campaign),
        "deadline": unit.deadline, "extended": unit.deadline != campaign.deadline, "as_of": as_of,
        "days_left": max(days, 0), "days_overdue": max(-days, 0),
        "outline": list(outline), "sections": titles_of(outline), "step": step.label,
        "escalated": step.escalated, "cc": list(owed.cc), **sender_variables(config),
        # A report it sent none of whose files could be read: the reminder says which, and what to do.
        "unreadable_files": [{"name": file.path, "reason": file.reason} for file in unit.unreadable],
    }
    return ("reminder_after.j2" if step.overdue else "reminder_before.j2"), variables
