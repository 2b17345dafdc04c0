"""Named queries about mailboxes and messages, used by ingestion, the CLI and (later) the dashboard."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from models.lock import holder_is_dead
from models.schema import (
    AddressFailure,
    Attachment,
    Document,
    FolderState,
    Mailbox,
    MessageLocation,
    MessageState,
    ParsedMessage,
    RawMessage,
    Section,
    utcnow,
)
from parsers.headers import body_sha256
from reportbox.errors import StorageError

if TYPE_CHECKING:  # the full parser (mail-parser, html2text) is not needed to fetch
    from parsers.message import ParsedMessage as Parsed

log = logging.getLogger("reportbox.messages")


def mailbox_row(session: Session, name: str, kind: str) -> Mailbox:
    mailbox = session.scalar(select(Mailbox).where(Mailbox.name == name))
    if mailbox is None:
        mailbox = Mailbox(name=name, kind=kind)
        session.add(mailbox)
        session.flush()
    return mailbox


def folder_state(session: Session, mailbox: Mailbox, folder: str) -> FolderState:
    state = session.scalar(
        select(FolderState).where(FolderState.mailbox_id == mailbox.id, FolderState.folder == folder)
    )
    if state is None:
        state = FolderState(mailbox_id=mailbox.id, folder=folder, last_uid=0, consecutive_failures=0)
        session.add(state)
        session.flush()
    return state


def known_keys(session: Session, mailbox_id: int, folder: str, uidvalidity: int, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # stay under every engine's bound-parameter limit
        chunk = list(keys[start:start + 500])
        found.update(
            session.scalars(
                select(MessageLocation.source_key).where(
                    MessageLocation.mailbox_id == mailbox_id,
                    MessageLocation.folder == folder,
                    MessageLocation.uidvalidity == uidvalidity,
                    MessageLocation.source_key.in_(chunk),
                )
            )
        )
    return found


@dataclass(frozen=True)
class StoredMessage:
    """A fetched message whose bytes are already durable in the raw store."""

    sha256: str
    size: int
    message_id: str | None
    received_at: datetime
    received_source: str
    source_key: str
    uid: int | None
    internaldate: datetime | None
    data: bytes = field(repr=False)  # only read when a Message-ID collides
    problem: str | None = None  # why its headers could not be recorded: it is stored as failed


class Outcome:
    NEW = "new"
    SEEN_AGAIN = "seen_again"  # the same bytes at another place: a location, not a message
    DUPLICATE = "duplicate"  # same Message-ID and body, other headers: kept as ignored


def record_batch(session: Session, mailbox_id: int, folder: str, uidvalidity: int,
                 batch: Sequence[StoredMessage], stored_body_hash: Callable[[str], str]) -> list[str]:
    """Record a batch of stored messages and where they were seen; one Outcome per message.

    The same bytes seen again (a rescan after a UIDVALIDITY change, a move between folders)
    only add a location. The same Message-ID and body under other headers (a relay delivering
    twice, a mailbox migrated to a new server) is kept as an `ignored` duplicate, so nothing is
    counted twice and nothing is invisible. A reused Message-ID on another body is a message.
    Set-based, a few statements per batch: this is the fetch stage's hot path.
    `stored_body_hash(sha256)` hashes the body of a message already in the raw store.
    """
    ids = dict(session.execute(
        select(RawMessage.sha256, RawMessage.id).where(RawMessage.sha256.in_({m.sha256 for m in batch}))).all())
    originals = _originals_by_message_id(session, {m.message_id for m in batch if m.message_id})
    outcomes, rows, links, in_batch = [], [], [], set()
    for message in batch:
        if message.sha256 in ids or message.sha256 in in_batch:
            outcomes.append(Outcome.SEEN_AGAIN)
            continue
        in_batch.add(message.sha256)
        original = _same_message(session, originals.get(message.message_id, []), message, stored_body_hash)
        values = _raw_values(message)
        if original is None:
            if message.message_id:  # a later message of this same batch may duplicate it
                originals.setdefault(message.message_id, []).append(
                    _Original(None, message.sha256, None, message.data))
        else:
            values.update(state=MessageState.IGNORED, reason="duplicate_message_id",
                          duplicate_of_id=original.id, body_sha256=original.body_sha256)
            links.append((message.sha256, original))
        rows.append(values)
        outcomes.append(Outcome.NEW if original is None else Outcome.DUPLICATE)
    if rows:  # one multi-row INSERT ... RETURNING, in arrival order
        ids.update(session.execute(insert(RawMessage).returning(RawMessage.sha256, RawMessage.id), rows).all())
    for sha, original in links:
        original_id = original.id if original.id is not None else ids[original.sha256]
        session.execute(update(RawMessage).where(RawMessage.id == ids[sha]).values(
            duplicate_of_id=original_id,
            detail=f"same Message-ID and body as message {original_id}, other headers"))
    _add_locations(session, mailbox_id, folder, uidvalidity, batch, ids)
    return outcomes


def _raw_values(message: StoredMessage) -> dict:
    failed = message.problem is not None
    return dict(sha256=message.sha256, size=message.size, message_id=message.message_id,
                received_at=message.received_at, received_source=message.received_source,
                fetched_at=utcnow(), state=MessageState.FAILED if failed else MessageState.FETCHED,
                attempts=0, reason="unrecordable" if failed else None, detail=message.problem,
                duplicate_of_id=None, body_sha256=None)


@dataclass
class _Original:
    id: int | None  # None until a row of this very batch is inserted
    sha256: str
    body_sha256: str | None
    data: bytes | None = None  # set for rows of this very batch, whose bytes are at hand
    pruned: bool = False  # retention deleted its bytes (jobs.retention)


def _originals_by_message_id(session: Session, message_ids: set[str]) -> dict[str, list[_Original]]:
    found: dict[str, list[_Original]] = {}
    if message_ids:
        rows = session.execute(
            select(RawMessage.message_id, RawMessage.id, RawMessage.sha256, RawMessage.body_sha256,
                   RawMessage.raw_deleted_at)
            .where(RawMessage.message_id.in_(message_ids), RawMessage.duplicate_of_id.is_(None))
            .order_by(RawMessage.id)
        )
        for message_id, raw_id, sha, body, deleted in rows:
            found.setdefault(message_id, []).append(_Original(raw_id, sha, body, pruned=deleted is not None))
    return found


def _same_message(session: Session, candidates: list[_Original], message: StoredMessage,
                  stored_body_hash: Callable[[str], str]) -> _Original | None:
    """The first earlier message with this Message-ID and the same body, hashing bodies only now."""
    if not candidates:
        return None
    mine = body_sha256(message.data)
    for candidate in candidates:
        if candidate.body_sha256 is None:
            if candidate.data is not None:  # a message of this batch: its bytes are at hand
                candidate.body_sha256 = body_sha256(candidate.data)
            elif candidate.pruned:  # retention found its file already gone: nothing to compare with
                continue
            else:  # remember it, so the next collision does not read the file again
                try:
                    candidate.body_sha256 = stored_body_hash(candidate.sha256)
                except (StorageError, OSError) as exc:  # a damaged raw store must not stop every poll of the folder
                    log.warning("message %s: cannot compare with earlier message %s (%s); kept as a new message",
                                message.message_id, candidate.id, exc)
                    continue
                session.execute(update(RawMessage).where(RawMessage.id == candidate.id)
                                .values(body_sha256=candidate.body_sha256))
        if candidate.body_sha256 == mine:
            return candidate
    return None


def _add_locations(session: Session, mailbox_id: int, folder: str, uidvalidity: int,
                   batch: Sequence[StoredMessage], ids: dict[str, int]) -> None:
    known = known_keys(session, mailbox_id, folder, uidvalidity, [m.source_key for m in batch])
    rows, now = [], utcnow()
    for message in batch:
        if message.source_key not in known:
            known.add(message.source_key)
            rows.append(dict(raw_message_id=ids[message.sha256], mailbox_id=mailbox_id, folder=folder,
                             uidvalidity=uidvalidity, uid=message.uid, source_key=message.source_key,
                             internaldate=message.internaldate, seen_at=now, marked=False))
    if rows:
        session.execute(insert(MessageLocation), rows)


def unmarked_keys(session: Session, mailbox_id: int, folder: str, uidvalidity: int) -> list[str]:
    return list(
        session.scalars(
            select(MessageLocation.source_key)
            .where(
                MessageLocation.mailbox_id == mailbox_id,
                MessageLocation.folder == folder,
                MessageLocation.uidvalidity == uidvalidity,
                MessageLocation.marked.is_(False),
            )
            .order_by(MessageLocation.id)
        )
    )


def set_marked(session: Session, mailbox_id: int, folder: str, uidvalidity: int, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), 500):
        session.execute(
            update(MessageLocation)
            .where(
                MessageLocation.mailbox_id == mailbox_id,
                MessageLocation.folder == folder,
                MessageLocation.uidvalidity == uidvalidity,
                MessageLocation.source_key.in_(list(keys[start:start + 500])),
            )
            .values(marked=True)
        )


# A claim of another host is taken for abandoned only after this long (on this host, whether its
# process lives is known at once): no single message takes that long.
STALE_CLAIM_AFTER = timedelta(hours=2)
# Processors running in this process now: their claims are alive whatever their age.
LIVE_CLAIMANTS: set[str] = set()
WORKER_DIED = "worker_died"  # the reason of a message whose worker died under it: it runs alone


def claim_next(session: Session, holder: str, skip: Collection[int] = (), limit: int = 1) -> list[RawMessage]:
    """Take the oldest waiting messages, to be run together in the pool.

    The claim names its holder and is committed before any work, but charges no attempt: should
    the whole process die, the claims it leaves say which messages were in flight, and each is
    then run alone (`suspects`, `claim_alone`) before anything is charged to it. A message whose
    worker died under it is never run together with others again. `skip` holds what the caller
    has in flight or has already tried in this run. SKIP LOCKED lets several processors share
    the queue on PostgreSQL; NO KEY UPDATE lets a fetch add locations to a message (a key-share
    lock) without hiding it.
    """
    query = (
        select(RawMessage)
        .where(RawMessage.state == MessageState.FETCHED, RawMessage.claimed_at.is_(None),
               RawMessage.claimed_by.is_(None), RawMessage.reason.is_distinct_from(WORKER_DIED))
        .order_by(RawMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
    )
    if skip:
        query = query.where(RawMessage.id.not_in(list(skip)))
    claimed = list(session.scalars(query))
    now = utcnow()
    for raw in claimed:
        raw.claimed_by, raw.claimed_at = holder, now
    return claimed


def any_waiting(session: Session) -> bool:
    """Whether a processor would find any work: it takes (`claim_next`, `suspects`) only messages in
    state `fetched`."""
    return session.scalar(select(RawMessage.id).where(RawMessage.state == MessageState.FETCHED).limit(1)) is not None


def suspects(session: Session, skip: Collection[int] = (), now: datetime | None = None) -> list[int]:
    """Messages to be run one at a time: left in flight by a processor that is gone (`claim_is_stale`),
    or whose worker died under them. The least charged first, then the oldest: a daemon killed again
    and again soon after it starts spreads those kills over the suspects instead of charging them
    all to the first one."""
    now = now or utcnow()
    rows = session.execute(
        select(RawMessage.id, RawMessage.claimed_by, RawMessage.claimed_at).where(
            RawMessage.state == MessageState.FETCHED,
            RawMessage.claimed_at.is_not(None) | (RawMessage.reason == WORKER_DIED))
        .order_by(RawMessage.attempts, RawMessage.id))
    return [raw_id for raw_id, holder, claimed_at in rows
            if raw_id not in skip and (claimed_at is None or claim_is_stale(holder, claimed_at, now))]


def claim_is_stale(holder: str | None, claimed_at: datetime, now: datetime) -> bool:
    """True when the processor named by a claim is certainly gone: on this host, its process has
    exited, or the machine has booted since (its pid may be another's now); elsewhere, after
    STALE_CLAIM_AFTER. A claim naming nobody is from before claims were named."""
    if holder in LIVE_CLAIMANTS:
        return False
    if holder is None:
        return True
    host, _, rest = holder.partition(":")
    if host != socket.gethostname():
        return now - claimed_at > STALE_CLAIM_AFTER
    booted = _booted_at()
    return (rest.partition(":")[0] == str(os.getpid())  # a processor of this process that is over
            or holder_is_dead(holder) or (booted is not None and claimed_at < booted))


@cache
def _booted_at() -> datetime | None:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            seconds = next(int(line.split()[1]) for line in stat if line.startswith("btime "))
    except (OSError, StopIteration, ValueError):
        return None
    return datetime.fromtimestamp(seconds, timezone.utc)


def claim_alone(session: Session, raw_id: int, holder: str, now: datetime | None = None
                ) -> tuple[RawMessage | None, bool]:
    """Claim a suspect (or one of the holder's own claims) for a run on its own; the caller charges
    the attempt in the same transaction, before the run: should the process die now, this message
    was the only one it was working on. Returns the message (None if another processor has it)
    and whether a run of it was cut short (the claim of a processor that is gone)."""
    now = now or utcnow()
    raw = session.scalar(select(RawMessage).where(RawMessage.id == raw_id, RawMessage.state == MessageState.FETCHED)
                         .with_for_update(skip_locked=True, key_share=True))
    if raw is None:
        return None, False
    cut_short = raw.claimed_at is not None and raw.claimed_by != holder
    if cut_short and not claim_is_stale(raw.claimed_by, raw.claimed_at, now):
        return None, False
    raw.claimed_by, raw.claimed_at = holder, now
    return raw, cut_short


def release_claims(session: Session, holder: str, raw_ids: Sequence[int] | None = None) -> None:
    """Claimed messages this holder will not run (given back at a stop, or left when a run ends
    early): back to the queue as they were, their attempts untouched."""
    query = update(RawMessage).where(RawMessage.claimed_by == holder, RawMessage.state == MessageState.FETCHED)
    if raw_ids is not None:
        query = query.where(RawMessage.id.in_(list(raw_ids)))
    session.execute(query.values(claimed_by=None, claimed_at=None))


def lock_for_processing(session: Session, raw_id: int, holder: str | None = None) -> RawMessage | None:
    """Hold the message for the whole processing transaction; None if another worker has it.

    A row lock, not a lease: if the worker dies, the database releases it at once.
    """
    return lock_many_for_processing(session, [raw_id], holder).get(raw_id)


def lock_many_for_processing(session: Session, raw_ids: Sequence[int], holder: str | None = None
                             ) -> dict[int, RawMessage]:
    """`lock_for_processing` for several messages in one statement: those this worker may record
    (with `holder`: only those it still holds; `reprocess` may have taken one back meanwhile)."""
    query = (
        select(RawMessage)
        .where(RawMessage.id.in_(list(raw_ids)), RawMessage.state == MessageState.FETCHED)
        .with_for_update(skip_locked=True, key_share=True)
    )
    if holder is not None:
        query = query.where(RawMessage.claimed_by == holder)
    return {raw.id: raw for raw in session.scalars(query)}


def store_parsed(session: Session, raw: RawMessage, parsed: Parsed) -> None:
    """Write what the parser found, after `clear_results` has removed any earlier run's rows."""
    sender = parsed.sender
    # Core statements on the tables, parameters apart: compiled once, cached across messages.
    session.execute(insert(ParsedMessage.__table__), [dict(
        raw_message_id=raw.id,
        from_address=sender.address if sender else None,
        from_name=sender.name if sender else None,
        to=[_address_json(a) for a in parsed.to],
        cc=[_address_json(a) for a in parsed.cc],
        reply_to=[_address_json(a) for a in parsed.reply_to],
        subject=parsed.subject,
        date_header=parsed.date_header,
        in_reply_to=parsed.in_reply_to,
        references=list(parsed.references),
        auth_results=list(parsed.auth_results),
        auto_submitted=parsed.auto_submitted,
        body_text=parsed.body_text,
        body_source=parsed.body_source,
        defects=list(parsed.defects),
    )])
    if parsed.attachments:
        session.execute(insert(Attachment.__table__), [
            dict(raw_message_id=raw.id, position=part.position, filename=part.filename,
                 original_filename=part.original_filename, declared_type=part.declared_type,
                 sniffed_type=part.sniffed_type, kind=part.kind, size=part.size, sha256=part.sha256,
                 disposition=part.disposition, forwarded_depth=part.forwarded_depth)
            for part in parsed.attachments
        ])
    session.expire(raw, ["parsed"])  # the relationship is reloaded from what was just written


def _address_json(address) -> dict:
    return {"address": address.address, "name": address.name}


def set_outcome(raw: RawMessage, state: str, reason: str | None = None, detail: str | None = None) -> None:
    raw.state = state
    raw.reason = reason
    raw.detail = detail
    raw.claimed_by = raw.claimed_at = None
    raw.processed_at = utcnow()


def reset_for_reprocess(session: Session, message_ids: Sequence[int] | None) -> int:
    """Put messages back in the queue with fresh attempts, their earlier results removed.

    None means every message but duplicates; never one whose raw bytes retention deleted. The update
    comes first: it locks the rows, so a processor still recording one of them (PostgreSQL) has
    committed before its rows are deleted.
    """
    if message_ids is None:
        chosen = select(RawMessage.id).where(RawMessage.duplicate_of_id.is_(None))
    else:
        chosen = list(message_ids)
    # (jobs.retention: there is nothing left to parse.)
    chosen = select(RawMessage.id).where(RawMessage.id.in_(chosen), RawMessage.raw_deleted_at.is_(None))
    # Checked on the updated row too: PostgreSQL rechecks only the UPDATE's own conditions against a
    # row that a prune changed while this waited for its lock (a sub-select keeps its first answer).
    query = update(RawMessage).where(RawMessage.id.in_(chosen), RawMessage.raw_deleted_at.is_(None)).values(
        state=MessageState.FETCHED, attempts=0, claimed_by=None, claimed_at=None, reason=None, detail=None
    )
    reset = session.execute(query).rowcount
    _delete_results(session, chosen)
    return reset


def clear_results(session: Session, raw_id: int) -> None:
    """Remove whatever an earlier run recorded for a message, so recording it again cannot clash."""
    _delete_results(session, [raw_id])


def _delete_results(session: Session, chosen) -> None:
    """The submission row stays: recording the message again updates it, so its id and the unit's
    status stand while the message waits to be processed again (models.submissions)."""
    documents = select(Document.id).where(Document.raw_message_id.in_(chosen))
    session.execute(delete(Section).where(Section.document_id.in_(documents)))
    for model in (Document, Attachment, ParsedMessage):
        session.execute(delete(model).where(model.raw_message_id.in_(chosen)))
    session.execute(delete(AddressFailure).where(AddressFailure.bounce_message_id.in_(chosen)))


def list_messages(session: Session, state: str | None = None) -> list[RawMessage]:
    query = (
        select(RawMessage)
        .options(
            selectinload(RawMessage.parsed).selectinload(ParsedMessage.attachments),
            selectinload(RawMessage.locations),
        )
        .order_by(RawMessage.id)
    )
    if state:
        query = query.where(RawMessage.state == state)
    return list(session.scalars(query))


def state_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(RawMessage.state, func.count()).group_by(RawMessage.state))
    return {state: count for state, count in rows}


def mailbox_names(session: Session) -> dict[int, str]:
    return {mailbox_id: name for mailbox_id, name in session.execute(select(Mailbox.id, Mailbox.name))}


def attachments_of(session: Session, raw_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """Each message's attachments in the order they came: for pages that list messages' files."""
    found: dict[int, list[Attachment]] = {}
    for row in session.scalars(select(Attachment).where(Attachment.raw_message_id.in_(list(raw_ids)))
                               .order_by(Attachment.raw_message_id, Attachment.position)):
        found.setdefault(row.raw_message_id, []).append(row)
    return found
