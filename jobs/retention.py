"""Retention ([storage] keep_raw_days): the raw bytes of mail that never was and never will be a
report are deleted from the raw store after N days; the row stays, marked `raw_deleted_at`.

Only these `ignored` messages lose their bytes (PRUNABLE_REASONS): automatic replies, delivery
reports and bounces (what a bounce says is recorded in address_failure), and duplicates (the same
Message-ID and body as a message whose bytes are kept). Never a submission, never a message that
failed or is quarantined (a fixed parser and `reprocess` may make a report of it), never one
ignored as `no_documents`, `other_period` or `other_report` (a reviewer may still want it), and
never a message that carries a file (an attachment or document row): the labels come from subject
patterns and headers, and a report forwarded under "Undeliverable: …" must not be lost for good.

Crash-safe: the row is marked (with its body's hash, which deduplication compares later) and
committed before the file is deleted; a run finds files of marked rows still present and deletes
them, so a crash between the two only delays the deletion. The row keeps the Message-ID, the
locations (UIDs) and the body hash: a message seen again is recognised, never fetched as new.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, select, update

from ingest.rawstore import RawStore
from models.schema import Attachment, Document, MessageState, RawMessage, utcnow
from parsers.headers import body_sha256
from reportbox.errors import StorageError
from reportbox.private_files import FILE_MODE, make_private_dir

log = logging.getLogger("reportbox.retention")

PRUNABLE_REASONS = ("auto_reply", "delivery_status", "bounce", "duplicate_message_id")
BATCH = 200  # rows marked per transaction
LOCK_NAME = "maintenance.lock"  # in the raw store: a backup and a prune never run at once


@dataclass
class PruneReport:
    messages: int = 0  # rows marked now (or, with dry_run, that would be)
    files: int = 0  # files deleted now (those of a crashed run included)
    bytes: int = 0
    ids: list[int] = field(default_factory=list)


class MaintenanceBusy(StorageError):
    reason = "maintenance_busy"


@contextmanager
def maintenance_lock(store: RawStore, *, wait: bool) -> Iterator[None]:
    """The raw store's maintenance lock (a backup copying files, a prune deleting them); without
    `wait`, MaintenanceBusy when another process holds it."""
    try:
        make_private_dir(store.root)
        fd = os.open(store.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:  # not the backup's folder: the raw store's, named with its setting
        raise StorageError(f"cannot open the raw store's lock {store.root / LOCK_NAME}: {exc.strerror or exc}; "
                           "[storage] raw_dir must be the raw store the user reportbox runs as owns") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise MaintenanceBusy(f"a backup or prune of {store.root} is running; try again when it ends") from exc
        yield
    finally:
        os.close(fd)  # releases the lock


def _prunable():
    """What makes a row's bytes prunable, on the row itself (rechecked when it is marked)."""
    return (RawMessage.state == MessageState.IGNORED, RawMessage.reason.in_(PRUNABLE_REASONS),
            RawMessage.raw_deleted_at.is_(None),
            ~exists().where(Attachment.raw_message_id == RawMessage.id),
            ~exists().where(Document.raw_message_id == RawMessage.id))


def prune(app, keep_days: int, *, now: datetime | None = None, dry_run: bool = False,
          wait: bool = True, stop: threading.Event | None = None) -> PruneReport:
    """Delete the raw bytes of prunable messages fetched more than `keep_days` days before `now`;
    `stop` (the daemon's) ends it between two batches, the next run goes on from there."""
    now = now or utcnow()
    cutoff = now - timedelta(days=keep_days)
    report = PruneReport()
    with maintenance_lock(app.store, wait=wait):
        if not dry_run:
            _finish_earlier_runs(app, report)
        while stop is None or not stop.is_set():
            with app.sessions() as session:
                candidates = session.execute(
                    select(RawMessage.id, RawMessage.sha256, RawMessage.size, RawMessage.body_sha256)
                    .where(*_prunable(), RawMessage.fetched_at < cutoff,
                           RawMessage.id > (report.ids[-1] if report.ids else 0))
                    .order_by(RawMessage.id).limit(BATCH)).all()
            if not candidates:
                break
            if dry_run:
                report.ids.extend(row.id for row in candidates)
                report.messages += len(candidates)
                report.bytes += sum(row.size for row in candidates)
                continue
            marked = _mark(app, candidates, now)
            report.ids.extend(row.id for row in candidates)
            report.messages += len(marked)
            for sha256, size in marked:
                if _delete(app.store, sha256):
                    report.files += 1
                    report.bytes += size
    if report.messages or report.files:
        log.info("retention: raw bytes of %d message(s) deleted%s (%d file(s), %d bytes)",
                 report.messages, " (dry run)" if dry_run else "", report.files, report.bytes)
    return report


def prune_job(app, stop: threading.Event | None = None) -> None:
    """The daemon's daily job; a backup holding the store's lock makes it wait for tomorrow."""
    try:
        prune(app, app.config.storage.keep_raw_days, wait=False, stop=stop)
    except MaintenanceBusy as exc:
        log.info("retention skipped today: %s", exc)


def _mark(app, candidates, now: datetime) -> list[tuple[str, int]]:
    """Mark the rows (the body's hash kept for deduplication) and commit; only then may files go.
    A row reprocessed meanwhile (no longer ignored) is left alone. The files are read and hashed
    before the write transaction begins: SQLite has one writer, and the poll waits for it."""
    marked = []
    bodies = {row.id: row.body_sha256 or _body_hash(app.store, row.sha256) for row in candidates}
    with app.sessions.begin() as session:
        for row in candidates:
            changed = session.execute(
                update(RawMessage).where(RawMessage.id == row.id, *_prunable())
                .values(raw_deleted_at=now, body_sha256=bodies[row.id])).rowcount
            if changed:
                marked.append((row.sha256, row.size))
    return marked


def _body_hash(store: RawStore, sha256: str) -> str | None:
    try:
        return body_sha256(store.read(sha256))
    except StorageError:  # already gone: nothing for deduplication to compare, nothing to delete
        return None


def _finish_earlier_runs(app, report: PruneReport) -> None:
    """Files of rows already marked that are still there: a crash came between the commit and the
    deletion (or the same bytes were fetched again since). They go now."""
    with app.sessions() as session:
        rows = session.execute(select(RawMessage.sha256, RawMessage.size)
                               .where(RawMessage.raw_deleted_at.is_not(None))).all()
    for sha256, size in rows:
        if _delete(app.store, sha256):
            report.files += 1
            report.bytes += size


def _delete(store: RawStore, sha256: str) -> bool:
    try:
        os.unlink(store.path(sha256))
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(f"cannot delete {store.path(sha256)} from the raw store: {exc.strerror}") from exc
    return True


def store_files(root: Path) -> Iterator[Path]:
    """Every message file of a raw store (not its temporary folder nor its lock)."""
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and len(folder.name) == 1:
            yield from sorted(folder.glob("*.eml"))
