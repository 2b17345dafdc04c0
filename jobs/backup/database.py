"""Consistent database snapshots while the daemon writes, and their restore.

SQLite: the online backup API copies the database as of one instant (in WAL mode the daemon keeps
writing meanwhile). PostgreSQL: a repeatable-read transaction exports its snapshot, pg_dump dumps
exactly that snapshot (custom format), and the same transaction lists the raw messages it names.
Either way the raw files to copy are read from the snapshot itself, never from the live database.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from jobs.backup.manifest import DATABASE_FILES
from models.db import make_engine, normalise_url, sqlite_file
from reportbox.errors import StorageError, UsageError
from reportbox.private_files import FILE_MODE, make_private_file

SQLITE_FILE, PG_FILE = DATABASE_FILES["sqlite"], DATABASE_FILES["postgresql"]


@dataclass
class Snapshot:
    revision: str | None
    raw: list[tuple[str, int]]  # (sha256, size) of every raw message whose bytes the snapshot keeps
    pg_dump_version: int | None = None


def engine_name(url: str) -> str:
    return "sqlite" if normalise_url(url).startswith("sqlite") else "postgresql"


def snapshot(url: str, out: Path) -> tuple[str, Snapshot]:
    """Write the database's snapshot into the folder `out`; its file name and what it holds."""
    if engine_name(url) == "sqlite":
        return SQLITE_FILE, _sqlite_snapshot(sqlite_path(url), out / SQLITE_FILE)
    return PG_FILE, _pg_snapshot(url, out / PG_FILE)


def sqlite_path(url: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise UsageError(f"[database] url {url!r} names no database file to back up or restore")
    return path


def _sqlite_snapshot(source: Path, target: Path) -> Snapshot:
    if not source.is_file():
        raise StorageError(f"the database {source} does not exist: nothing to back up")
    make_private_file(target)
    live = sqlite3.connect(source, timeout=30)  # reads only (a read-only one may not open the WAL's index)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)  # all pages in one step: one read transaction, one instant
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return Snapshot(_sqlite_revision(copy), _raw_files(_sqlite_rows(copy)))
    except sqlite3.Error as exc:
        raise StorageError(f"cannot back up the database {source}: {exc}") from exc
    finally:
        copy.close()
        live.close()


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _sqlite_rows(connection: sqlite3.Connection):
    columns = {row[1] for row in connection.execute("PRAGMA table_info(raw_message)")}
    if not columns:
        return []
    return connection.execute(_raw_query("raw_deleted_at" in columns)).fetchall()


def _raw_query(has_retention: bool) -> str:
    # A message whose bytes retention deleted has no file to copy (before 0012, none had).
    return "SELECT sha256, size FROM raw_message" + (" WHERE raw_deleted_at IS NULL" if has_retention else "")


def _raw_files(rows) -> list[tuple[str, int]]:
    return sorted((sha256, int(size)) for sha256, size in rows)


# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_snapshot(url: str, target: Path) -> Snapshot:
    pg_dump = _tool("pg_dump")
    engine = make_engine(url, readonly=True)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            with connection.begin():
                server = _server_major(connection)
                dump_major = _check_version(pg_dump, server, "dump")
                name = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
                rows = _pg_rows(connection)
                revision = _pg_revision(connection)
                make_private_file(target)
                with open(target, "wb") as out:  # pg_dump writes into our private file
                    _run([pg_dump, "--format=custom", f"--snapshot={name}", f"--dbname={_conninfo(url)}"],
                         url, stdout=out, what=f"pg_dump of {_where(url)}")
                    os.fsync(out.fileno())
    finally:
        engine.dispose()
    return Snapshot(revision, _raw_files(rows), dump_major)


def _pg_rows(connection: Connection):
    columns = {column["name"] for column in inspect(connection).get_columns("raw_message")} \
        if inspect(connection).has_table("raw_message") else set()
    if not columns:
        return []
    return connection.execute(text(_raw_query("raw_deleted_at" in columns))).all()


def _pg_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StorageError(f"{name} is not on PATH: install the PostgreSQL client tools of your server's "
                           "version (Debian: apt-get install postgresql-client)", reason="tool_missing")
    return path


def tool_major(path: str) -> int:
    """The major version of pg_dump or pg_restore ("pg_dump (PostgreSQL) 15.5 (Debian …)" → 15)."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"\)\s*(\d+)", output)
    if not found:
        raise StorageError(f"cannot tell the version of {path} from {output.strip()!r}", reason="tool_version")
    return int(found.group(1))


def _check_version(path: str, needed: int, what: str) -> int:
    major = tool_major(path)
    if major < needed:
        raise StorageError(
            f"{path} is version {major}, older than {needed} (the {'server' if what == 'dump' else 'dump'}'s): "
            f"it cannot {what} it. Install postgresql-client-{needed} or newer and put its bin folder "
            "first on PATH", reason="tool_version")
    return major


def _conninfo(url: str) -> str:
    """libpq's connection string for the URL, without the password (given in PGPASSWORD, never
    on a command line every user can read in ps)."""
    parsed = make_url(normalise_url(url))
    parts = {"host": parsed.host, "port": parsed.port, "user": parsed.username, "dbname": parsed.database}
    parts.update({key: value for key, value in parsed.query.items() if isinstance(value, str)})
    return " ".join(f"{key}={_quoted(str(value))}" for key, value in parts.items() if value is not None)


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _where(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def _run(command: list[str], url: str, *, what: str, stdout=None) -> None:
    password = make_url(normalise_url(url)).password
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    result = subprocess.run(command, env=env, stdout=stdout if stdout is not None else subprocess.PIPE,
                            stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        error = result.stderr.decode(errors="replace").strip()
        raise StorageError(f"{what} failed (exit {result.returncode}): {error}")


# --- restore --------------------------------------------------------------------------------------


def database_is_empty(url: str) -> bool:
    """No table in the configured database (a missing SQLite file is empty too)."""
    if engine_name(url) == "sqlite":
        path = sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            connection.close()
    engine = make_engine(url)
    try:
        schema = inspect(engine)
        return not schema.get_table_names() and not schema.get_view_names()
    finally:
        engine.dispose()


def check_restore(url: str, pg_dump_version: int | None) -> None:
    """Everything a restore needs that can be known before a file is written: for PostgreSQL,
    pg_restore on PATH, as new as the dump, and the server reachable. StorageError otherwise."""
    if engine_name(url) == "postgresql":
        _pg_restore_tool(url, pg_dump_version)


def restore(url: str, dump: Path, pg_dump_version: int | None) -> None:
    if engine_name(url) == "sqlite":
        _sqlite_restore(dump, sqlite_path(url))
    else:
        _pg_restore(url, dump, pg_dump_version)


def _sqlite_restore(dump: Path, target: Path) -> None:
    """Copied beside the target, made durable, then renamed: the database appears whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with open(dump, "rb") as source, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)  # of the empty database it replaces
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StorageError(f"cannot restore the database into {target}: {exc.strerror or exc}") from exc


def _pg_restore_tool(url: str, pg_dump_version: int | None) -> tuple[str, int]:
    """pg_restore's path, checked new enough for the dump, and the server's major version."""
    pg_restore = _tool("pg_restore")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            server = _server_major(connection)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot reach the database {_where(url)} to restore into: {getattr(exc, 'orig', None) or exc}; "
                           "start the server or correct [database] url", reason="database_unavailable") from exc
    finally:
        engine.dispose()
    _check_version(pg_restore, pg_dump_version or 0, "restore")
    return pg_restore, server


def _pg_restore(url: str, dump: Path, pg_dump_version: int | None) -> None:
    pg_restore, server = _pg_restore_tool(url, pg_dump_version)
    # Owned by the configured user, whoever owned them where the backup was taken; all or nothing.
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={_conninfo(url)}", str(dump)], url, what=f"pg_restore into {_where(url)} (server {server})")
