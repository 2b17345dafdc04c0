"""What every e-mail to a province shares: the template variables that describe the campaign,
the unit and the sender, and the outbox row that carries a rendered e-mail."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import parseaddr

from jobs.mail.compose import Draft, build_message, new_message_id
from models.schema import Campaign, Outbox
from parsers.outline import OutlineItem, campaign_outline
from parsers.registry import Registry


def campaign_variables(campaign: Campaign) -> dict:
    return {"id": campaign.id, "letter": campaign.letter, "title": campaign.title,
            "report_year": campaign.report_year, "plan_year": campaign.plan_year,
            "issued": campaign.issued, "deadline": campaign.deadline}


def unit_variables(registry: Registry, code: str) -> dict:
    unit = registry.unit(code) if code in registry else None
    return {"code": code, "name": unit.name if unit else code, "full_name": unit.full_name if unit else code}


def sender_variables(config) -> dict:
    outgoing, smtp = config.outgoing, config.smtp
    name, address = parseaddr(smtp.from_) if smtp else ("", "")
    return {"mailbox": address, "addressee": outgoing.addressee, "contact": outgoing.contact,
            "signature": outgoing.signature or name or address}


def outline_of(config, campaign: Campaign) -> tuple[OutlineItem, ...]:
    """The campaign's outline in its letter's words, with its years (parsers.outline.letter_outline)."""
    return campaign_outline(campaign, config.outline_titles())


def picked(outline: Sequence[OutlineItem], keys: Iterable[str]) -> list[OutlineItem]:
    """The items of these keys, in the outline's order (a key outside the campaign's outline is left out)."""
    wanted = set(keys)
    return [item for item in outline if item.key in wanted]


def titles_of(items: Iterable[OutlineItem]) -> list[str]:
    """The bare titles: what templates written before the outline items got as `sections`."""
    return [item.title for item in items]


def outbox_row(config, draft: Draft, *, kind: str, campaign: str, unit: str, step: str, to: tuple[str, ...],
               cc: tuple[str, ...], replying_to: list[str], auto_submitted: str, as_of: datetime, now: datetime,
               submission_id: int | None = None) -> Outbox:
    """A queued outbox row with the rendered e-mail built into bytes once, so every attempt sends
    the same bytes under the same Message-ID."""
    mail_from = config.smtp.from_
    message_id = new_message_id(kind, mail_from)
    raw = build_message(draft, mail_from=mail_from, to=list(to), cc=list(cc), message_id=message_id, date=now,
                        replying_to=replying_to, auto_submitted=auto_submitted)
    return Outbox(campaign=campaign, unit=unit, kind=kind, step=step, submission_id=submission_id,
                  message_id=message_id, mail_from=config.smtp.from_address, to=list(to), cc=list(cc),
                  subject=draft.subject, raw=raw, as_of=as_of, state="queued", attempts=0, next_attempt_at=now,
                  refused={}, created_at=now)
