"""A private, throw-away PostgreSQL cluster for tests.

PostgreSQL refuses to run as root, so the cluster belongs to the ``postgres``
system user and every server binary runs through ``runuser``.  Durability is
switched off (fsync, synchronous_commit, full_page_writes): a crash only loses
test data, and it makes CREATE DATABASE and commits much faster.  A test that
crashes the server on purpose asks for ``crash_safe=True``: without
synchronous_commit, an immediate shutdown loses the last commits (up to 200 ms
of them), which a real server never does.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

from .availability import require_root, require_tool
from .common import (
    LOCALHOST,
    ServerStartError,
    check_traversable,
    free_port,
    logs_report,
    stop_process,
    wait_until,
)

PG_USER = "postgres"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT = 30
SPEED_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


def find_pg_bindir() -> Path | None:
    """Newest Debian PostgreSQL bin dir, else wherever initdb is on PATH."""
    candidates = [Path(p) for p in glob.glob(PG_BIN_GLOB) if (Path(p) / "postgres").exists()]
    if candidates:
        return max(candidates, key=lambda p: _version_key(p.parent.name))
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(version: str) -> tuple[int, ...]:
    """'15' or '9.6' as a sortable tuple, so 16 beats 9.6."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def as_postgres(*command: str | Path) -> list[str]:
    """The command line running ``command`` as the postgres system user."""
    return ["runuser", "-u", PG_USER, "--", *map(str, command)]


def admin_conninfo(port: int, dbname: str = "postgres") -> str:
    """libpq conninfo for the trusted superuser over TCP."""
    return f"host={LOCALHOST} port={port} user={PG_USER} dbname={dbname} connect_timeout=2"


def psycopg_url(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as plain libpq accepts it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class PostgresServer:
    """A postmaster child process on 127.0.0.1 with trust authentication.

    ``tmpdir`` must be traversable by other users (see common.make_shared_dir);
    it is handed over to the postgres user.
    """

    host = LOCALHOST

    def __init__(self, tmpdir: Path | str, *, crash_safe: bool = False):
        self.dir = Path(tmpdir)
        self.crash_safe = crash_safe
        self.data_dir = self.dir / "data"
        self.socket_dir = self.dir / "sock"
        self.log_path = self.dir / "postgres.log"
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.bindir: Path | None = None
        self._numbers = itertools.count(1)

    def start(self) -> None:
        """initdb on first start, launch the postmaster and wait until it accepts connections."""
        self.bindir = find_pg_bindir()
        require_tool(
            str(self.bindir / "postgres") if self.bindir else "postgres",
            "to run the test database (apt-get install postgresql)",
        )
        require_tool("runuser", "to run PostgreSQL as the postgres user")
        require_root("to run PostgreSQL as the postgres user")
        if self.port is None:
            self._prepare()
        self._launch()
        try:
            wait_until(self._accepts_connections, self.proc, START_TIMEOUT, "postgres")
        except ServerStartError as error:
            self.stop()
            raise ServerStartError(f"{error}\n{logs_report(self.log_path)}") from None

    def stop(self, mode: str = "fast") -> None:
        """Shut down and reap the runuser child: ``fast`` disconnects clients cleanly,
        ``immediate`` stops as a crash would (the next start recovers from the WAL)."""
        if mode not in ("smart", "fast", "immediate"):
            raise ValueError(f"mode must be smart, fast or immediate, not {mode!r}")
        if self.proc is None:
            return
        if self.proc.poll() is None:
            # runuser sits between us and the postmaster; pg_ctl signals the
            # postmaster directly, with the shutdown mode we want.
            subprocess.run(
                as_postgres(self.bindir / "pg_ctl", "stop", "-D", self.data_dir, "-m", mode, "-w"),
                capture_output=True, cwd=self.dir,
            )
        stop_process(self.proc)
        self.proc = None

    def restart(self, mode: str = "fast", down_for: float = 0.0) -> None:
        """Stop (see stop()), stay down ``down_for`` seconds, start again on the same port and data."""
        self.stop(mode)
        time.sleep(down_for)
        self.start()

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database and return its SQLAlchemy URL (psycopg 3 driver)."""
        name = name or f"test_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(admin_conninfo(self.port), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"postgresql+psycopg://{PG_USER}@{self.host}:{self.port}/{name}"

    def _prepare(self) -> None:
        """Hand the directory to postgres, pick a port and run initdb."""
        check_traversable(self.dir)
        self.socket_dir.mkdir(exist_ok=True)
        for path in (self.dir, self.socket_dir):
            shutil.chown(path, PG_USER, PG_USER)
        self.port = free_port()
        initdb = as_postgres(
            self.bindir / "initdb", "-D", self.data_dir, "-U", PG_USER,
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        result = subprocess.run(initdb, capture_output=True, text=True, cwd=self.dir)
        if result.returncode != 0:
            raise ServerStartError(f"initdb failed ({result.returncode}):\n{result.stdout}{result.stderr}")

    def _launch(self) -> None:
        speed = {key: value for key, value in SPEED_SETTINGS.items()
                 if not (self.crash_safe and key == "synchronous_commit")}
        settings = [arg for key, value in speed.items() for arg in ("-c", f"{key}={value}")]
        command = as_postgres(
            self.bindir / "postgres", "-D", self.data_dir, "-k", self.socket_dir,
            "-c", f"listen_addresses={self.host}", "-p", str(self.port), *settings,
        )
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.dir,
            )

    def _accepts_connections(self) -> bool:
        try:
            with psycopg.connect(admin_conninfo(self.port)):
                return True
        except psycopg.OperationalError:
            return False
