"""Engines and migrations: SQLite in WAL mode by default, PostgreSQL for larger deployments."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from reportbox.errors import StorageError
from reportbox.private_files import make_private_file, warn_if_shared

log = logging.getLogger("reportbox.db")
MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision under migrations/versions (a test keeps it in step). Knowing it lets every
# command skip importing Alembic, a third of the start-up time, when there is nothing to apply.
HEAD_REVISION = "0015"


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here: the only driver we install."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another engine or an in-memory database."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, *, readonly: bool = False, untouched: bool = False) -> Engine:
    """`readonly`: no writes; `untouched` (doctor's, with readonly): no file made beside a SQLite
    database either (see `_untouched_query`)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, readonly, untouched)
    engine = create_engine(url, pool_pre_ping=True, future=True)
    if readonly:
        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection, _record):
            dbapi_connection.read_only = True
    return engine


def _sqlite_engine(url: str, readonly: bool, untouched: bool = False) -> Engine:
    path = sqlite_file(url)
    if path is not None and not readonly:
        _private_database(path)
    if readonly and path is not None:
        query = _untouched_query(path) if untouched else "mode=ro"
        url = f"sqlite:///file:{path}?{query}&uri=true"
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions start (the documented recipe),
        # so writes can begin IMMEDIATE and never deadlock upgrading a read lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not readonly:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def _untouched_query(path: Path) -> str:
    """URI parameters that read the SQLite database `path` making no file beside it.

    `mode=ro` alone does not do: on a WAL database whose last connection removed its -wal and -shm
    files (the daemon stopped), SQLite makes them again and leaves them, owned by whoever reads —
    root's, after `sudo reportbox doctor`, would shut the daemon's user out. So:
    - a -wal file present: a daemon may be writing. `mode=ro` then uses its -wal and -shm (a live
      writer's are needed to read what it committed) and makes nothing new;
    - no -wal file, a WAL database: every commit is in the database file itself, and a daemon
      starting meanwhile writes to a new -wal, not to that file, until a checkpoint (1000 pages
      on). `immutable=1` reads it without locks and without a -shm; at worst a commit made during
      doctor's read is not seen;
    - a rollback-journal database: readers make no file, but a writer changes the file in place,
      so never immutable: `mode=ro`, with its locks."""
    if Path(f"{path}-wal").exists() or not _is_wal(path):
        return "mode=ro"
    return "mode=ro&immutable=1"


def _is_wal(path: Path) -> bool:
    """The database header says WAL (file format versions 2 at bytes 18 and 19)."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def _private_database(path: Path) -> None:
    """The database file made owner-only before SQLite opens it: it holds every report and the
    dashboard's password hashes. SQLite gives its -wal and -shm files the database's own mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not make_private_file(path):
        warn_if_shared(path, "the database")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)


def alembic_config(engine: Engine):
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied. Safe to run at every start."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise StorageError(f"cannot open or migrate the database {engine.url!r}: {exc.orig}") from exc


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a new database."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None  # no alembic_version table yet
