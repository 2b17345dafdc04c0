"""`reportbox restore DIR` into an empty deployment (the current config's database and raw store).

Every file is checked against the manifest before anything is written. The raw files go first
and the database last (SQLite: renamed into place; PostgreSQL: one pg_restore transaction), so a
deployment with a database is a restored one. Then the migrations an older backup lacks, and the
daemon's lease of the backed-up deployment is dropped: it is no process of this one.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from ingest.rawstore import RawStore
from jobs.backup import database
from jobs.backup.manifest import Manifest, sync_dir, verify
from jobs.backup.take import RAW, Progress
from jobs.retention import store_files
from models.db import current_revision, make_engine, upgrade
from reportbox.config import Config
from reportbox.errors import StorageError, UsageError
from reportbox.private_files import DIR_MODE, FILE_MODE, make_private_dir


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
    manifest = verify_backup(folder, progress)
    raw = [entry for entry in manifest.files if entry.path.startswith(f"{RAW}/")]
    _restore_raw(folder, store.root, [entry.path for entry in raw])
    database.restore(url, folder / manifest.database, manifest.pg_dump_version)
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


def _restore_raw(folder: Path, root: Path, paths: list[str]) -> None:
    """Each file under its own name in the raw store, owner-only; synced once at the end."""
    make_private_dir(root)
    made: set[Path] = set()
    try:
        for relative in paths:
            destination = root / Path(relative).relative_to(RAW)
            if destination.parent not in made:
                destination.parent.mkdir(mode=DIR_MODE, exist_ok=True)
                made.add(destination.parent)
            fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with open(folder / relative, "rb") as source, os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        os.sync()  # every file durable before the database that names them appears
        for directory in made | {root}:
            sync_dir(directory)
    except OSError as exc:
        raise StorageError(f"cannot restore the raw store into {root}: {exc.strerror or exc}") from exc
