"""Engines and migrations: SQLite in WAL mode by default, PostgreSQL for larger deployments."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from reportbox.errors import StorageError
from reportbox.private_files import make_private_file, warn_if_shared

log = logging.getLogger("reportbox.db")
MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision under migrations/versions (a test keeps it in step). Knowing it lets every
# command skip importing Alembic, a third of the start-up time, when there is nothing to apply.
HEAD_REVISION = "0013"


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here: the only driver we install."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, readonly)
    engine = create_engine(url, pool_pre_ping=True, future=True)
    if readonly:
        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection, _record):
            dbapi_connection.read_only = True
    return engine


def _sqlite_engine(url: str, readonly: bool) -> Engine:
    path = url.split("///", 1)[-1] if "///" in url else ""
    if path and path != ":memory:" and not readonly:
        _private_database(Path(make_url(url).database))
    if readonly and path:
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
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
