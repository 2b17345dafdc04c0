"""The fetch stage: new messages from a source into the raw store and the database, then marked.

Order is the whole point: bytes durable on disk, then the rows committed (one transaction per
batch, with the folder's last UID), and only then the server told (keyword, \\Seen or move).
A crash anywhere repeats at most the last batch, which the unique keys absorb.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from queue import Full, Queue
from typing import Protocol

from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from ingest.rawstore import RawStore, sha256_of
from ingest.sources import FetchedMessage, MailSource
from models import messages as q
from models.schema import FolderState, utcnow
from parsers.headers import HeaderPeek, body_sha256, peek_headers
from reportbox.errors import (
    ReportboxError,
    SourceAuthError,
    SourceError,
    SourceUnavailable,
    StorageError,
)

log = logging.getLogger("reportbox.ingest")

BATCH_BYTES = 32 * 1024 * 1024  # flush a batch at this size, so memory stays bounded


@dataclass
class FetchCounts:
    new: int = 0
    seen_again: int = 0  # same bytes at a new place (rescan, move): recorded, not new
    duplicates: int = 0  # same Message-ID, other bytes: kept as ignored
    errors: list[str] = field(default_factory=list)

    def add(self, other: "FetchCounts") -> None:
        self.new += other.new
        self.seen_again += other.seen_again
        self.duplicates += other.duplicates
        self.errors.extend(other.errors)


class StopFlag(Protocol):
    """Anything that says whether to stop: a threading.Event, or the poll's combined flag."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class FetchOptions:
    batch_size: int = 100
    attempts: int = 3  # tries per folder when the connection drops
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    stop: StopFlag | None = None
    on_message: Callable[[], None] | None = None  # progress callback
    on_stored: Callable[[], None] | None = None  # after each batch is committed: work for `process`


def fetch_mailbox(sessions: sessionmaker[Session], store: RawStore, source: MailSource, kind: str,
                  options: FetchOptions = FetchOptions()) -> FetchCounts:
    """One pass over every folder of one source. Errors are recorded on the folder, never raised."""
    counts = FetchCounts()
    for folder in source.folders():
        if options.stop is not None and options.stop.is_set():
            break
        try:  # counts grow in place, so batches stored before a failure are still reported
            for attempt in Retrying(
                stop=stop_after_attempt(options.attempts),
                wait=wait_exponential(multiplier=options.backoff, max=60),
                retry=retry_if_exception_type(SourceUnavailable),
                reraise=True,
                before_sleep=lambda rs: log.warning(
                    "%s/%s: %s; retrying", source.name, folder, rs.outcome.exception()),
            ):
                with attempt:
                    _fetch_folder(sessions, store, source, kind, folder, options, counts)
        except SourceError as exc:
            _record_error(sessions, source.name, kind, folder, exc.reason, str(exc))
            counts.errors.append(f"{source.name}/{folder}: {exc}")
            if isinstance(exc, (SourceAuthError, SourceUnavailable)):
                break  # the other folders are on the same server
        except (SQLAlchemyError, StorageError, OSError, ValueError) as exc:
            # A fault of ours, of the disk or of the database: recorded on the folder (when the
            # database can take it), and the other mailboxes go on.
            log.exception("%s/%s: fetching failed", source.name, folder)
            reason, text = _fault(exc)
            _record_error(sessions, source.name, kind, folder, reason, text)
            counts.errors.append(f"{source.name}/{folder}: {text}")
    return counts


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot work now (down, restarting, disk full, locked): no fault of a message."""
    return isinstance(exc, (OperationalError, InterfaceError)) or getattr(exc, "connection_invalidated", False)


def database_down_error(exc: BaseException, then: str) -> StorageError:
    """The database error as one line: what the driver said, without SQL or links, and what follows."""
    cause = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
    return StorageError(f"the database is unavailable ({cause}); {then}", reason="database_unavailable")


def _fault(exc: Exception) -> tuple[str, str]:
    """A reason code and one line a person can act on; what was not stored is fetched next time."""
    if database_unavailable(exc):
        exc = database_down_error(exc, "the rest is fetched at the next poll")
        return exc.reason, str(exc)
    if isinstance(exc, ReportboxError):
        return exc.reason, f"{exc}; the rest is fetched at the next poll"
    return "internal_error", repr(exc)


def _fetch_folder(sessions, store, source: MailSource, kind: str, folder: str, options: FetchOptions,
                  counts: FetchCounts) -> None:
    started = time.monotonic()
    uidvalidity = source.open_folder(folder)
    with sessions.begin() as session:
        mailbox = q.mailbox_row(session, source.name, kind)
        state = q.folder_state(session, mailbox, folder)
        state.last_poll_at = utcnow()
        if state.uidvalidity is not None and state.uidvalidity != uidvalidity:
            log.warning("%s/%s: UIDVALIDITY changed %s → %s; rescanning the folder (no duplicates: "
                        "known bytes only gain a new location)", source.name, folder, state.uidvalidity, uidvalidity)
            state.last_uid = 0
        state.uidvalidity = uidvalidity
        mailbox_id, state_id, last_uid = mailbox.id, state.id, state.last_uid
        unmarked = q.unmarked_keys(session, mailbox_id, folder, uidvalidity)
    place = _Place(sessions, source, mailbox_id, state_id, folder, uidvalidity)
    place.mark(unmarked)  # marks a crash left owed: the rows are committed already

    def known(keys):
        with sessions() as session:
            return q.known_keys(session, mailbox_id, folder, uidvalidity, keys)

    keys = source.list_new(folder, last_uid, known)
    if keys:
        log.info("%s/%s: %d new message(s)", source.name, folder, len(keys))
    stored: list[str] = []
    for batch in _read_ahead(_batches(source, folder, keys, options)):
        place.store(store, batch, counts, options.on_message)
        stored.extend(message.source_key for message in batch.messages)
        if options.on_stored is not None:
            options.on_stored()
    # 3. Only now tell the server, once the reader thread is done with the connection. Should we
    # not get here, the rows say which marks are owed and the next poll applies them first.
    for start in range(0, len(stored), 500):
        place.mark(stored[start:start + 500])
    with sessions.begin() as session:
        state = session.get(FolderState, state_id)
        state.last_success_at = utcnow()
        state.consecutive_failures = 0
        elapsed = time.monotonic() - started  # what /metrics shows (jobs.metrics)
        state.polls, state.poll_seconds = FolderState.polls + 1, FolderState.poll_seconds + elapsed
        state.last_poll_seconds = elapsed
        if not q.unmarked_keys(session, mailbox_id, folder, uidvalidity):
            state.last_error = None  # a refused mark stays visible until it goes through


class _Place:
    """One (mailbox, folder, UIDVALIDITY): stores batches there and marks them on the server."""

    def __init__(self, sessions, source: MailSource, mailbox_id: int, state_id: int, folder: str,
                 uidvalidity: int) -> None:
        self.sessions, self.source = sessions, source
        self.mailbox_id, self.state_id = mailbox_id, state_id
        self.folder, self.uidvalidity = folder, uidvalidity

    def store(self, store: RawStore, batch: _Batch, counts: FetchCounts, on_message) -> None:
        store.put_many([m.data for m in batch.messages], batch.shas)  # 1. durable bytes
        stored = [_stored(m, sha, peek) for m, sha, peek in zip(batch.messages, batch.shas, batch.peeks)]
        try:  # 2. rows and the new last UID, atomically
            self._record(store, stored, counts)
        except (SQLAlchemyError, ValueError, UnicodeError) as exc:
            if database_unavailable(exc):
                raise  # not the messages' fault: they are fetched again at the next poll
            # One message the database will not take must not hold back the rest of the
            # batch, nor the folder forever: record them one by one, the culprit plainly.
            log.exception("%s/%s: a batch could not be recorded; recording one by one",
                          self.source.name, self.folder)
            for message in stored:
                try:
                    self._record(store, [message], counts)
                except (SQLAlchemyError, ValueError, UnicodeError) as exc:
                    if database_unavailable(exc):
                        raise
                    self._record(store, [_unrecordable(message, exc)], counts)
        if on_message is not None:
            for _ in batch.messages:
                on_message()

    def _record(self, store: RawStore, stored: list[q.StoredMessage], counts: FetchCounts) -> None:
        with self.sessions.begin() as session:
            outcomes = q.record_batch(session, self.mailbox_id, self.folder, self.uidvalidity, stored,
                                      lambda sha: body_sha256(store.read(sha)))
            uids = [m.uid for m in stored if m.uid is not None]
            if uids:
                state = session.get(FolderState, self.state_id)
                state.last_uid = max(state.last_uid, *uids)
        counts.new += outcomes.count(q.Outcome.NEW)
        counts.seen_again += outcomes.count(q.Outcome.SEEN_AGAIN)
        counts.duplicates += outcomes.count(q.Outcome.DUPLICATE)

    def mark(self, keys: list[str]) -> None:
        """Mark on the server; a refusal (read-only folder, unknown target) waits for the next poll.

        A dropped connection still raises: the fetch is retried as a whole.
        """
        if not keys:
            return
        try:
            self.source.mark(self.folder, keys)
        except SourceUnavailable:
            raise
        except SourceError as exc:
            log.warning("%s/%s: cannot mark %d message(s), will retry next poll: %s",
                        self.source.name, self.folder, len(keys), exc)
            with self.sessions.begin() as session:
                state = session.get(FolderState, self.state_id)
                state.last_error, state.last_error_at = f"mark_failed: {exc}", utcnow()
            return
        with self.sessions.begin() as session:
            q.set_marked(session, self.mailbox_id, self.folder, self.uidvalidity, keys)


def _unrecordable(message: q.StoredMessage, exc: Exception) -> q.StoredMessage:
    """The message with every header-derived value dropped: its bytes are stored, its row says why."""
    log.error("message %s (%s) cannot be recorded as it is: %r", message.source_key, message.sha256, exc)
    return dataclasses.replace(message, message_id=None, problem=f"unrecordable: {exc!r}"[:2000])


@dataclass
class _Batch:
    """Messages read from the server, hashed and their headers peeked at by the reader thread,
    while the batch before is written and synced."""

    messages: list[FetchedMessage]
    shas: list[str]
    peeks: list[HeaderPeek]


def _batches(source: MailSource, folder: str, keys: list[str], options: FetchOptions) -> Iterator[_Batch]:
    for start in range(0, len(keys), options.batch_size):
        if options.stop is not None and options.stop.is_set():
            return
        for messages in _by_size(source.fetch(folder, keys[start:start + options.batch_size])):
            yield _Batch(messages, [sha256_of(m.data) for m in messages], [peek_headers(m.data) for m in messages])


_DONE = object()


def _read_ahead(batches: Iterator[_Batch], depth: int = 1) -> Iterator[_Batch]:
    """Read the next batch from the server in a thread while this one is written and synced.

    Both wait on I/O (the socket, fsync) with the GIL released, so they overlap. At most `depth`
    batches wait in between, which bounds memory. The reader's errors are raised here.
    """
    handoff: Queue = Queue(maxsize=depth)
    cancelled = threading.Event()

    def hand_over(item) -> None:
        while not cancelled.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return
            except Full:
                continue

    def read() -> None:
        try:
            for batch in batches:
                hand_over(batch)
                if cancelled.is_set():
                    return
            hand_over(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread, raised there
            hand_over(exc)

    reader = threading.Thread(target=read, name="mail-reader", daemon=True)
    reader.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancelled.set()
        reader.join()


def _by_size(messages: Iterable[FetchedMessage]):
    batch, size = [], 0
    for message in messages:
        batch.append(message)
        size += len(message.data)
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _stored(message: FetchedMessage, sha: str, peek: HeaderPeek) -> q.StoredMessage:
    received_at, source = received_time(message, peek.top_received_at)
    return q.StoredMessage(
        sha256=sha,
        size=len(message.data),
        message_id=peek.message_id,
        received_at=received_at,
        received_source=source,
        source_key=message.source_key,
        uid=message.uid,
        internaldate=message.internaldate,
        data=message.data,
    )


def received_time(message: FetchedMessage, top_received: datetime | None) -> tuple[datetime, str]:
    """The README: the server's INTERNALDATE; for files the top Received header, then the file time.

    The sender's Date: header never decides.
    """
    if message.internaldate is not None:
        return _utc(message.internaldate), "internaldate"
    if top_received is not None:
        return top_received, "received-header"
    if message.file_mtime is not None:
        return _utc(message.file_mtime), "file-mtime"
    return utcnow(), "fetch-time"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time from the library is local time
    return moment.astimezone(timezone.utc)


def _record_error(sessions, name: str, kind: str, folder: str, reason: str, message: str) -> None:
    log.error("%s/%s: %s", name, folder, message)
    try:
        with sessions.begin() as session:
            state = q.folder_state(session, q.mailbox_row(session, name, kind), folder)
            state.last_poll_at = state.last_error_at = utcnow()
            state.last_error = f"{reason}: {message}"
            state.consecutive_failures += 1
            state.polls, state.poll_failures = FolderState.polls + 1, FolderState.poll_failures + 1
    except SQLAlchemyError as exc:  # the database is down too: the poll's errors and the log say it
        log.error("%s/%s: the error could not be recorded on the folder: %s", name, folder, exc)
