"""Bounces of our own mail: matched to the outbox message that caused them, and each failed
address recorded, so reminders skip an address that bounces for good and planners see it."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models import outbox
from models.schema import AddressFailure, Outbox, RawMessage
from parsers.bounces import Bounce


def record_bounce(session: Session, raw: RawMessage, bounce: Bounce) -> str:
    """Record what the bounce `raw` reports; returns the detail to show on the message."""
    session.execute(delete(AddressFailure).where(AddressFailure.bounce_message_id == raw.id))  # reprocess
    sent = outbox.by_message_ids(session, bounce.original_message_ids)
    if not sent:  # someone else's bounce (forged, or another system's): it flags none of our contacts
        return _describe(bounce, sent)
    for failed in bounce.recipients:
        caused_by = next((row for row in sent if failed.address in (*row.to, *row.cc)), sent[0])
        session.add(AddressFailure(address=failed.address, outbox_id=caused_by.id,
                                   bounce_message_id=raw.id, permanent=failed.permanent, status=failed.status,
                                   diagnostic=failed.diagnostic, at=raw.received_at))
        if failed.permanent:
            caused_by.bounced_at = raw.received_at
    return _describe(bounce, sent)


def _describe(bounce: Bounce, sent: list[Outbox]) -> str:
    failures = "; ".join(f"{r.address} {'failed' if r.permanent else 'delayed'}"
                         f"{f' ({r.status})' if r.status else ''}" for r in bounce.recipients) or "no address named"
    if not sent:
        return f"a bounce of a message reportbox did not send: {failures}"[:1000]
    ours = ", ".join(f"{row.kind} #{row.id} ({row.campaign}, unit {row.unit})" for row in sent)
    return f"a bounce of {ours}: {failures}"[:1000]
