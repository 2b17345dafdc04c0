"""`reportbox backup --out DIR` while the daemon runs.

The database's snapshot comes first; then the raw files that snapshot names are copied, each one
checked against the hash and size its row records. A file fetched after the snapshot is no row's
in it and waits for the next backup; a file the snapshot names is never deleted before it is
copied, because the copy holds the raw store's maintenance lock (retention waits). The manifest
is written last: a folder without one is an unfinished backup.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ingest.rawstore import RawStore
from jobs.backup import database
from jobs.backup.manifest import RAW, FileEntry, Manifest, copy_hashed, file_digest, raw_entry
from jobs.retention import maintenance_lock
from reportbox.config import Config
from reportbox.errors import StorageError, UsageError
from reportbox.private_files import DIR_MODE


@dataclass
class BackupSummary:
    folder: Path
    files: int
    bytes: int
    seconds: float
    manifest: Manifest


class Progress:
    """What a caller (the CLI's progress bar) is told as files are copied."""

    def start(self, files: int) -> None: ...

    def advance(self, size: int) -> None: ...


def take_backup(config: Config, out: Path, progress: Progress | None = None) -> BackupSummary:
    progress = progress or Progress()
    started = time.monotonic()
    store = RawStore(config.storage.raw_dir)
    try:
        manifest = _take(config.database.url, store, out, progress)
    except OSError as exc:  # an unwritable --out, a full disk: which file, and what to do
        where = exc.filename or out
        raise StorageError(f"cannot write the backup into {out}: {exc.strerror or exc} ({where}); give --out a "
                           "folder the user reportbox runs as may write, with room for the database and the raw "
                           "store", reason="backup_write") from exc
    summary = BackupSummary(out, len(manifest.files), sum(entry.size for entry in manifest.files),
                            time.monotonic() - started, manifest)
    if manifest.missing:
        raise StorageError(
            f"backup written to {out}, but {len(manifest.missing)} raw message(s) the database names are "
            f"missing or damaged in the raw store {store.root} (listed in the manifest's `missing`; the first: "
            f"{manifest.missing[0]}): restore them from an earlier backup", reason="raw_missing")
    return summary


def _take(url: str, store: RawStore, out: Path, progress: Progress) -> Manifest:
    _empty_target(out)
    with maintenance_lock(store, wait=True):
        taken_at = datetime.now(timezone.utc)
        name, snap = database.snapshot(url, out)
        manifest = Manifest(reportbox_version=_version(), alembic_revision=snap.revision,
                            engine=database.engine_name(url), taken_at=taken_at.isoformat(timespec="seconds"),
                            database=name, pg_dump_version=snap.pg_dump_version)
        size, digest = file_digest(out / name)
        manifest.files.append(FileEntry(name, size, digest))
        progress.start(len(snap.raw))
        manifest.raw_messages, manifest.missing = _copy_raw(store, out / RAW, snap.raw, manifest.files,
                                                            progress.advance)
    manifest.write(out)
    return manifest


def _empty_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} is not an empty folder: give a new or empty one to --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        out.mkdir(mode=DIR_MODE)
    except FileExistsError:
        os.chmod(out, DIR_MODE)  # an empty folder made beforehand: the backup's is owner-only


def _copy_raw(store: RawStore, target: Path, wanted: list[tuple[str, int]], files: list[FileEntry],
              advance: Callable[[int], None]) -> tuple[int, list[str]]:
    """Copy each raw file, hashing as it goes; a file whose bytes are not its name's, or whose size
    is not its row's, is not copied but listed as missing (the live store is damaged)."""
    missing: list[str] = []
    copied = 0
    made: set[Path] = set()
    target.mkdir(mode=DIR_MODE)
    for sha256, size in wanted:
        relative = raw_entry(sha256)
        destination = target.parent / relative
        if destination.parent not in made:
            destination.parent.mkdir(mode=DIR_MODE, exist_ok=True)
            made.add(destination.parent)
        source = store.path(sha256)
        try:
            written, digest = copy_hashed(source, destination)
        except FileNotFoundError as exc:
            if exc.filename != str(source):
                raise
            missing.append(f"{sha256} (not in the raw store)")
            continue
        except OSError as exc:
            if exc.filename != str(source):
                raise  # the backup's side: take_backup says so
            raise StorageError(f"cannot read {source} from the raw store: {exc.strerror or exc}; the user "
                               "reportbox runs as must own the raw store (0700, files 0600)",
                               reason="raw_unreadable") from exc
        if digest != sha256 or written != size:
            destination.unlink()
            missing.append(f"{sha256} (its bytes do not match: {written} bytes, recorded {size})")
            continue
        files.append(FileEntry(relative, written, digest))
        copied += 1
        advance(written)
    os.sync()  # once for every copied file (an fsync each would double a large backup's time)
    return copied, missing


def _version() -> str:
    try:
        return version("reportbox")
    except PackageNotFoundError:
        return "unknown"
