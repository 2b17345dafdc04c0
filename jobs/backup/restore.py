"""`reportbox restore DIR` into an empty deployment (the current config's database and raw store).

Every file is checked against the manifest before anything is written: its paths (only the raw
store's own layout, no symbolic link) and each file's size and SHA-256; so are the tools and the
server a PostgreSQL restore needs. The raw files go first and the database last (SQLite: renamed into place; PostgreSQL: one pg_restore transaction), so a
deployment with a database is a restored one. Then the migrations an older backup lacks, and the
daemon's lease of the backed-up deployment is dropped: it is no process of this one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from ingest.rawstore import RawStore
from jobs.backup import database
from jobs.backup.manifest import FileEntry, Manifest, check_paths, copy_hashed, sync_dir, verify
from jobs.backup.take import Progress
from jobs.retention import store_files
from models.db import current_revision, make_engine, upgrade
from reportbox.config import Config
from reportbox.errors import StorageError, UsageError
from reportbox.private_files import DIR_MODE, make_private_dir


@dataclass
class RestoreSummary:
    files: int
    bytes: int
    seconds: float
    revision_before: str | None
    revision_after: str | None


def verify_backup(folder: Path, progress: Progress | None = None) -> Manifest:
    """The manifest read and every file checked against it; StorageError naming a damaged one."""
    progress = progress or Progress()
    manifest = Manifest.read(folder)
    check_paths(folder, manifest)
    progress.start(len(manifest.files))
    verify(folder, manifest, progress.advance)
    return manifest


def restore_backup(config: Config, folder: Path, progress: Progress | None = None) -> RestoreSummary:
    started = time.monotonic()
    url, store = config.database.url, RawStore(config.storage.raw_dir)
    manifest = Manifest.read(folder)
    engine = database.engine_name(url)
    if manifest.engine != engine:
        raise UsageError(f"the backup {folder} is of a {manifest.engine} database, and [database] url is "
                         f"{engine}: restore into a {manifest.engine} database")
    _refuse_unless_empty(url, store)
    database.check_restore(url, manifest.pg_dump_version)
    manifest = verify_backup(folder, progress)
    written = _restore_raw(folder, store, [entry for entry in manifest.files if entry.path != manifest.database])
    try:
        database.restore(url, folder / manifest.database, manifest.pg_dump_version)
    except BaseException:
        _remove(written)  # an empty raw store again: a retry is not refused
        raise
    engine_ = make_engine(url)
    try:
        upgrade(engine_)  # a backup of an older reportbox: its migrations now
        with engine_.begin() as connection:
            connection.execute(text("DELETE FROM daemon_lock"))
        revision = current_revision(engine_)
    finally:
        engine_.dispose()
    return RestoreSummary(len(manifest.files), sum(entry.size for entry in manifest.files),
                          time.monotonic() - started, manifest.alembic_revision, revision)


def _refuse_unless_empty(url: str, store: RawStore) -> None:
    problems = []
    if not database.database_is_empty(url):
        where = database.sqlite_path(url) if database.engine_name(url) == "sqlite" else "[database] url"
        problems.append(f"the database ({where}) has tables")
    if next(store_files(store.root), None) is not None:
        problems.append(f"the raw store {store.root} holds messages")
    if problems:
        raise UsageError(f"restore needs an empty deployment, and {' and '.join(problems)}: point the config at "
                         "a new database and raw_dir (or move these away) and run restore again")


def _restore_raw(folder: Path, store: RawStore, entries: list[FileEntry]) -> list[Path]:
    """Each file under its own name in the raw store, owner-only; synced once at the end. The
    files written; on any failure, none (those written so far are removed)."""
    make_private_dir(store.root)
    made: set[Path] = set()
    written: list[Path] = []
    try:
        for entry in entries:
            destination = store.path(entry.sha256)  # check_paths: the entry's path is this one
            if destination.parent not in made:
                destination.parent.mkdir(mode=DIR_MODE, exist_ok=True)
                made.add(destination.parent)
            written.append(destination)
            if copy_hashed(folder / entry.path, destination) != (entry.size, entry.sha256):
                raise StorageError(f"{folder / entry.path} changed while it was restored: check the backup "
                                   "again (reportbox backup verify) and restore once it is whole",
                                   reason="backup_corrupt")
        os.sync()  # every file durable before the database that names them appears
        for directory in made | {store.root}:
            sync_dir(directory)
    except OSError as exc:
        _remove(written)
        raise StorageError(f"cannot restore the raw store into {store.root}: {exc.strerror or exc}"
                           f"{f' ({exc.filename})' if exc.filename else ''}") from exc
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
