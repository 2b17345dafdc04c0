"""The databases a benchmark measures on: SQLite in a file, then a throwaway PostgreSQL server
(started as the tests start one), each with a work folder of its own."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def work_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder the postgres user can walk into."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        yield work


def engines(work: Path, *, postgres: bool = True) -> Iterator[tuple[str, str, Path]]:
    """(engine name, database URL, work folder) for SQLite, then PostgreSQL unless left out; the
    server is stopped when the loop moves on or ends."""
    (work / "sqlite").mkdir()
    yield "sqlite", f"sqlite:///{work / 'sqlite' / 'bench.db'}", work / "sqlite"
    if not postgres:
        return
    from tests.servers.postgres import PostgresServer

    (work / "pg").mkdir()
    server = PostgresServer(work / "pg")
    server.start()
    try:
        (work / "postgres").mkdir()
        yield "postgresql", server.create_database(), work / "postgres"
    finally:
        server.stop()
