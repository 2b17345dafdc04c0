"""Named queries about mailboxes and messages, used by ingestion, the CLI and (later) the dashboard."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from models.schema import (
    Attachment,
    FolderState,
    Mailbox,
    MessageLocation,
    MessageState,
    ParsedMessage,
    RawMessage,
    utcnow,
)
from parsers.message import ParsedMessage as Parsed


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
    body_sha256: str
    received_at: datetime
    received_source: str
    source_key: str
    uid: int | None
    internaldate: datetime | None


def record_fetched(
    session: Session, mailbox: Mailbox, folder: str, uidvalidity: int, stored: StoredMessage
) -> tuple[RawMessage, bool]:
    """Record a stored message and where it was seen. Returns (row, is_new_content).

    The same bytes seen again (a rescan after a UIDVALIDITY change, a move between folders)
    only add a location. The same Message-ID and body under other headers (a relay delivering
    twice, a mailbox migrated to a new server) is kept as an `ignored` duplicate, so nothing is
    counted twice and nothing is invisible. A reused Message-ID on another body is a message.
    """
    raw = session.scalar(select(RawMessage).where(RawMessage.sha256 == stored.sha256))
    is_new = raw is None
    if raw is None:
        original = None
        if stored.message_id:
            original = session.scalar(
                select(RawMessage)
                .where(
                    RawMessage.message_id == stored.message_id,
                    RawMessage.body_sha256 == stored.body_sha256,
                    RawMessage.duplicate_of_id.is_(None),
                )
                .order_by(RawMessage.id)
                .limit(1)
            )
        raw = RawMessage(
            sha256=stored.sha256,
            size=stored.size,
            message_id=stored.message_id,
            body_sha256=stored.body_sha256,
            received_at=stored.received_at,
            received_source=stored.received_source,
            state=MessageState.FETCHED,
            attempts=0,
        )
        if original is not None:
            raw.state = MessageState.IGNORED
            raw.reason = "duplicate_message_id"
            raw.detail = f"same Message-ID and body as message {original.id}, other headers"
            raw.duplicate_of_id = original.id
        session.add(raw)
        session.flush()
    exists = session.scalar(
        select(MessageLocation.id).where(
            MessageLocation.mailbox_id == mailbox.id,
            MessageLocation.folder == folder,
            MessageLocation.uidvalidity == uidvalidity,
            MessageLocation.source_key == stored.source_key,
        )
    )
    if exists is None:
        session.add(
            MessageLocation(
                raw_message_id=raw.id,
                mailbox_id=mailbox.id,
                folder=folder,
                uidvalidity=uidvalidity,
                uid=stored.uid,
                source_key=stored.source_key,
                internaldate=stored.internaldate,
                marked=False,
            )
        )
    return raw, is_new


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


def claim_next(session: Session, skip: Collection[int] = ()) -> RawMessage | None:
    """Take the oldest message waiting for processing, counting the attempt before it starts.

    The caller commits the attempt before any work, so a message that kills the worker
    outright still reaches its attempt limit. `skip` holds the ids this run already tried.
    """
    query = (
        select(RawMessage)
        .where(RawMessage.state == MessageState.FETCHED)
        .order_by(RawMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(RawMessage.id.not_in(list(skip)))
    raw = session.scalar(query)
    if raw is not None:
        raw.attempts += 1
        raw.claimed_at = utcnow()
    return raw


def lock_for_processing(session: Session, raw_id: int) -> RawMessage | None:
    """Hold the message for the whole processing transaction; None if another worker has it.

    A row lock, not a lease: if the worker dies, the database releases it at once.
    """
    return session.scalar(
        select(RawMessage)
        .where(RawMessage.id == raw_id, RawMessage.state == MessageState.FETCHED)
        .with_for_update(skip_locked=True)
    )


def store_parsed(session: Session, raw: RawMessage, parsed: Parsed) -> None:
    """Write what the parser found, replacing any earlier parse of the same message."""
    session.execute(delete(Attachment).where(Attachment.raw_message_id == raw.id))
    session.execute(delete(ParsedMessage).where(ParsedMessage.raw_message_id == raw.id))
    sender = parsed.sender
    session.add(
        ParsedMessage(
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
        )
    )
    session.flush()
    for part in parsed.attachments:
        session.add(
            Attachment(
                raw_message_id=raw.id,
                position=part.position,
                filename=part.filename,
                original_filename=part.original_filename,
                declared_type=part.declared_type[:255],
                sniffed_type=part.sniffed_type,
                kind=part.kind,
                size=part.size,
                sha256=part.sha256,
                disposition=part.disposition,
                forwarded_depth=part.forwarded_depth,
            )
        )


def _address_json(address) -> dict:
    return {"address": address.address, "name": address.name}


def set_outcome(raw: RawMessage, state: str, reason: str | None = None, detail: str | None = None) -> None:
    raw.state = state
    raw.reason = reason
    raw.detail = detail
    raw.claimed_at = None
    raw.processed_at = utcnow()


def reset_for_reprocess(session: Session, message_ids: Sequence[int] | None) -> int:
    """Put messages back in the queue with fresh attempts. None means every message but duplicates."""
    query = update(RawMessage).values(
        state=MessageState.FETCHED, attempts=0, claimed_at=None, reason=None, detail=None
    )
    if message_ids is None:
        query = query.where(RawMessage.duplicate_of_id.is_(None))
    else:
        query = query.where(RawMessage.id.in_(list(message_ids)))
    return session.execute(query).rowcount


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
