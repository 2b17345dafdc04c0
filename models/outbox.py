"""The outbox: e-mails to provinces, each committed before its SMTP conversation.

Every state change is a conditional UPDATE (on the state, and on the holder once claimed), so
two senders (the daemon and a `reportbox remind` run, or several workers on PostgreSQL) never
send one message twice: the loser of a race sees no row changed and leaves the message alone.
The rule that settles a sender's death is in `recover`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from models.lock import holder_is_dead
from models.schema import AddressFailure, Outbox, OutboxKind, OutboxState, utcnow
from reportbox.errors import UsageError

RETRY_CAP = timedelta(hours=1)


def exists(session: Session, campaign: str, unit: str, kind: str, step: str) -> bool:
    return session.scalar(select(Outbox.id).where(
        Outbox.campaign == campaign, Outbox.unit == unit, Outbox.kind == kind, Outbox.step == step)) is not None


def answered(session: Session, kind: str, step: str) -> bool:
    """Whether a message of this kind and step (a receipt's or resend request's "message-<raw id>") was
    ever queued or declined, under whatever campaign and unit: a report reassigned since is not
    answered twice. Asked per message at every pass: the index ix_outbox_kind_step serves it."""
    return session.scalar(select(Outbox.id).where(Outbox.kind == kind, Outbox.step == step).limit(1)) is not None


def add(session: Session, row: Outbox) -> Outbox | None:
    """Insert the row unless its (campaign, unit, kind, step) is there already; None then.

    The caller commits. A concurrent insert of the same key fails on the unique constraint at
    commit; the caller's transaction is then rolled back and nothing is sent twice."""
    if exists(session, row.campaign, row.unit, row.kind, row.step):
        return None
    session.add(row)
    session.flush()
    return row


def queue(session: Session, row: Outbox) -> int | None:
    """Commit one message on its own; its id, or None when its key was taken (by an earlier run, or
    by a concurrent one whose insert won: the unique key refuses ours and only this row is lost). A
    resend request for a message already asked about under another campaign or unit is refused the
    same way (the unique index on its kind and step): it is already there."""
    try:
        added = add(session, row)
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return added.id if added is not None else None


def sent_count(session: Session, campaign: str, unit: str, kind: str) -> int:
    """Messages of a kind to a unit that went out or are on their way (cancelled and failed ones do not count)."""
    return session.scalar(select(func.count()).select_from(Outbox).where(
        Outbox.campaign == campaign, Outbox.unit == unit, Outbox.kind == kind,
        Outbox.state.in_((*OutboxState.OPEN, OutboxState.SENT, OutboxState.UNCERTAIN)))) or 0


def due_ids(session: Session, now: datetime, campaign: str | None = None) -> list[int]:
    query = select(Outbox.id).where(Outbox.state == OutboxState.QUEUED, Outbox.next_attempt_at <= now)
    if campaign is not None:
        query = query.where(Outbox.campaign == campaign)
    return list(session.scalars(query.order_by(Outbox.id)))


def claim(session: Session, outbox_id: int, holder: str, now: datetime) -> bool:
    """Take a queued message for sending (one more attempt). False when someone else has it."""
    result = session.execute(update(Outbox).where(Outbox.id == outbox_id, Outbox.state == OutboxState.QUEUED)
                             .values(state=OutboxState.SENDING, claimed_by=holder, claimed_at=now,
                                     attempts=Outbox.attempts + 1))
    return result.rowcount == 1


def move(session: Session, outbox_id: int, holder: str, from_state: str, **values) -> bool:
    """Change a message we hold; False when we no longer hold it in `from_state`."""
    result = session.execute(update(Outbox).where(
        Outbox.id == outbox_id, Outbox.state == from_state, Outbox.claimed_by == holder).values(**values))
    return result.rowcount == 1


def retry_at(now: datetime, attempts: int, first_delay: int) -> datetime:
    """Exponential backoff: first_delay, twice that, … at most an hour."""
    return now + min(timedelta(seconds=first_delay * 2 ** max(attempts - 1, 0)), RETRY_CAP)


def recover(session: Session, now: datetime, lease: timedelta) -> tuple[int, int]:
    """Settle messages whose sender died (its process is gone from this host, or its claim is
    older than `lease`). Returns (requeued, uncertain).

    - `sending`: the server never got the final dot, so it kept nothing: queued again.
    - `confirming`: the dot may have reached the server, which may have delivered the message
      before the sender could record its reply. It is marked `uncertain` and never resent by
      itself (a person may `reportbox outbox retry` it): this is the one corner case in which a
      message may be lost rather than sent twice.
    """
    requeued = uncertain = 0
    stale = session.execute(select(Outbox.id, Outbox.state, Outbox.claimed_by, Outbox.claimed_at).where(
        Outbox.state.in_((OutboxState.SENDING, OutboxState.CONFIRMING)))).all()
    for outbox_id, state, holder, claimed_at in stale:
        if not (holder is None or claimed_at is None or now - claimed_at > lease or holder_is_dead(holder)):
            continue
        if state == OutboxState.SENDING:
            requeued += move(session, outbox_id, holder, state, state=OutboxState.QUEUED, claimed_by=None,
                             next_attempt_at=now, error="its sender stopped before the final dot; queued again")
        else:
            uncertain += move(session, outbox_id, holder, state, state=OutboxState.UNCERTAIN, claimed_by=None,
                              error="its sender stopped while the server was confirming: it may have been "
                                    "delivered; not sent again (reportbox outbox retry sends it again)")
    return requeued, uncertain


def cancel_queued(session: Session, outbox_id: int, note: str) -> bool:
    result = session.execute(update(Outbox).where(Outbox.id == outbox_id, Outbox.state == OutboxState.QUEUED)
                             .values(state=OutboxState.CANCELLED, note=note))
    return result.rowcount == 1


def retry(session: Session, outbox_id: int, by: str) -> Outbox:
    """A person asks for a failed, uncertain or cancelled message to be sent again."""
    row = _get(session, outbox_id)
    if not row.raw:
        raise UsageError(f"outbox {outbox_id} was never composed ({row.note}); there is nothing to send")
    if row.state not in (OutboxState.FAILED, OutboxState.UNCERTAIN, OutboxState.CANCELLED):
        raise UsageError(f"outbox {outbox_id} is {row.state}; only failed, uncertain or cancelled messages are retried")
    row.state, row.next_attempt_at, row.attempts, row.claimed_by = OutboxState.QUEUED, utcnow(), 0, None
    row.note = f"sent again at the request of {by}"
    return row


def cancel(session: Session, outbox_id: int, by: str) -> Outbox:
    row = _get(session, outbox_id)
    if row.state != OutboxState.QUEUED:
        raise UsageError(f"outbox {outbox_id} is {row.state}; only a queued message can be cancelled")
    row.state, row.note = OutboxState.CANCELLED, f"cancelled by {by}"
    return row


def listing(session: Session, campaign: str | None = None, state: str | None = None,
            kind: str | None = None, unit: str | None = None) -> list[Outbox]:
    """Outbox rows, oldest first, without their message bytes."""
    query = select(Outbox).options(defer(Outbox.raw))
    for column, value in ((Outbox.campaign, campaign), (Outbox.state, state), (Outbox.kind, kind),
                          (Outbox.unit, unit)):
        if value is not None:
            query = query.where(column == value)
    return list(session.scalars(query.order_by(Outbox.id)))


def counts(session: Session, campaign: str) -> dict[str, int]:
    """Messages of a campaign by state, plus `bounced`."""
    rows = session.execute(select(Outbox.state, func.count()).where(Outbox.campaign == campaign)
                           .group_by(Outbox.state)).all()
    found = {state: 0 for state in OutboxState.ALL} | dict(rows)
    found["bounced"] = session.scalar(select(func.count()).select_from(Outbox).where(
        Outbox.campaign == campaign, Outbox.bounced_at.is_not(None))) or 0
    return found


MAIL_COUNTS = {OutboxKind.RECEIPT: "receipts", OutboxKind.RESEND_REQUEST: "resend_requests"}


def unit_mail(session: Session, campaign: str) -> dict[str, dict]:
    """Per unit of a campaign: reminders sent and when the last went, receipts and resend requests sent."""
    rows = session.execute(select(Outbox.unit, Outbox.kind, func.count(), func.max(Outbox.sent_at))
                           .where(Outbox.campaign == campaign, Outbox.state == OutboxState.SENT)
                           .group_by(Outbox.unit, Outbox.kind)).all()
    mail: dict[str, dict] = {}
    for unit, kind, count, last in rows:
        entry = mail.setdefault(unit, {"reminders": 0, "last_reminder_at": None, "receipts": 0, "resend_requests": 0})
        if kind == OutboxKind.REMINDER:
            entry["reminders"], entry["last_reminder_at"] = count, last
        elif kind in MAIL_COUNTS:
            entry[MAIL_COUNTS[kind]] = count
    return mail


def failing_addresses(session: Session, addresses: Iterable[str] | None = None) -> dict[str, AddressFailure]:
    """Addresses with a permanent failure nobody cleared: the latest failure of each."""
    query = select(AddressFailure).where(AddressFailure.permanent.is_(True), AddressFailure.cleared_at.is_(None))
    if addresses is not None:
        query = query.where(AddressFailure.address.in_([a.lower() for a in addresses]))
    latest: dict[str, AddressFailure] = {}
    for failure in session.scalars(query.order_by(AddressFailure.at)):
        latest[failure.address] = failure
    return latest


def record_refusals(session: Session, outbox_id: int, refused: dict[str, str], at: datetime) -> None:
    """Recipients the relay refused at RCPT: a 5xx refusal marks the address as failing, like a bounce."""
    from parsers.bounces import status_in  # the bounce parser, only for the mailing jobs

    for address, reply in refused.items():
        code = reply.split(" ", 1)[0]
        session.add(AddressFailure(address=address.lower(), outbox_id=outbox_id, bounce_message_id=None,
                                   permanent=code.startswith("5"), status=status_in(reply) or code,
                                   diagnostic=f"refused by our relay: {reply}"[:1000], at=at))


def note_link_error(session: Session, ids: list[int], error: str, next_attempt_at: datetime) -> None:
    """Show on waiting messages why they wait, without charging them an attempt."""
    session.execute(update(Outbox).where(Outbox.id.in_(ids), Outbox.state == OutboxState.QUEUED)
                    .values(error=error, next_attempt_at=next_attempt_at))


def clear_address(session: Session, address: str, by: str) -> int:
    """A planner fixed or confirmed an address: its failures no longer count."""
    result = session.execute(update(AddressFailure).where(
        AddressFailure.address == address.strip().lower(), AddressFailure.cleared_at.is_(None))
        .values(cleared_at=utcnow(), cleared_by=by))
    if result.rowcount == 0:
        raise UsageError(f"{address} has no failure to clear")
    return result.rowcount


def by_message_ids(session: Session, message_ids: Iterable[str]) -> list[Outbox]:
    ids = [m for m in message_ids if m]
    if not ids:
        return []
    return list(session.scalars(select(Outbox).where(Outbox.message_id.in_(ids))))


def _get(session: Session, outbox_id: int) -> Outbox:
    row = session.get(Outbox, outbox_id)
    if row is None:
        raise UsageError(f"no outbox message {outbox_id}")
    return row
