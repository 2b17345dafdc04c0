"""The daemon whose worker hangs: a mailbox server that accepts the connection and never answers holds
the poll, yet the alarms are still evaluated (they run beside the polls), and the watchdog's cue
(jobs.progress) tells a stuck job from a long backfill that makes progress."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.progress import STALL_AFTER_MIN, WorkerProgress, stall_after
from models.db import make_engine, session_factory
from models.schema import Alert

PASSWORD_ENV = "RB_DAEMON_WATCHDOG_TEST_PW"


@pytest.fixture
def silent_server():
    """A TCP port that takes connections (the kernel's backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


def _alarms(db: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(Alert.condition)))
    except Exception:  # noqa: BLE001 - the daemon may not have created the tables yet
        return []
    finally:
        engine.dispose()


def test_alarms_are_evaluated_while_a_poll_hangs(tmp_path, silent_server, smtp_server):
    db = tmp_path / "reportbox.db"
    config = tmp_path / "reportbox.toml"
    config.write_text(f"""
[database]
url = "sqlite:///{db}"
[storage]
raw_dir = "raw"
[[mailbox]]
name = "phongkh"
kind = "imap"
host = "127.0.0.1"
port = {silent_server}
security = "none"
username = "phongkh"
password_env = "{PASSWORD_ENV}"
poll_interval = 5
timeout = 120
[smtp]
host = "{smtp_server.host}"
port = {smtp_server.port}
security = "none"
from = "reportbox <phongkh@molisa.gov.vn>"
[alerts]
to = ["it@molisa.gov.vn"]
min_free_mb = 1000000000
""", encoding="utf-8")
    log = tmp_path / "daemon.log"
    daemon = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "run"],
                              env={**os.environ, PASSWORD_ENV: "secret"},
                              stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        # The first poll waits 120 s for the server's greeting; the alarms are due 2 s after start.
        deadline = 30
        for _ in range(deadline * 5):
            if "disk_low" in _alarms(db) or daemon.poll() is not None:
                break
            threading.Event().wait(0.2)
        assert _alarms(db) == ["disk_low"], log.read_text(encoding="utf-8")
        assert "poll phongkh:" not in log.read_text(encoding="utf-8")  # the poll was still hanging
    finally:
        daemon.kill()
        daemon.wait()


def test_a_job_is_stuck_only_when_it_makes_no_progress_for_the_bound():
    now = [0.0]
    progress = WorkerProgress(stall_after=100, clock=lambda: now[0])
    now[0] = 1000
    assert progress.stuck() is None  # an idle worker is never stuck
    with progress.running("poll:phongkh"):
        for _ in range(50):  # a backfill: 50 messages, 60 s each, 3000 s in all
            now[0] += 60
            progress.advanced()
            assert progress.stuck() is None
        now[0] += 100
        assert progress.stuck() is None  # as long as the bound, not longer
        now[0] += 1
        assert progress.stuck() == "poll:phongkh for 101 s without progress"
        with progress.running("mail"):  # the poll's own mail pass
            assert progress.stuck() is None
            now[0] += 101
            assert progress.stuck() == "mail for 101 s without progress"
        assert progress.stuck() is None  # the part ended: the poll got on
        now[0] += 101
        assert progress.stuck() == "poll:phongkh for 101 s without progress"
    assert progress.stuck() is None


def test_the_bound_outlasts_any_one_message():
    assert stall_after(parse_timeout=300) == STALL_AFTER_MIN == 3600
    assert stall_after(parse_timeout=1200) == 12000


def test_the_daemon_stops_pinging_while_its_worker_is_stuck_and_says_which_job(tmp_path, caplog):
    from jobs.daemon import Daemon
    from reportbox.app import open_app
    from reportbox.config import config_from_dict

    (tmp_path / "eml").mkdir()
    config = config_from_dict({"database": {"url": f"sqlite:///{tmp_path / 'rb.db'}"},
                               "storage": {"raw_dir": str(tmp_path / "raw")},
                               "mailbox": [{"name": "archive", "kind": "eml-dir", "path": str(tmp_path / "eml")}]},
                              tmp_path / "reportbox.toml")
    app = open_app(config)
    try:
        daemon = Daemon(app)
        assert daemon.progress.stall_after == STALL_AFTER_MIN
        now = [0.0]
        daemon.progress = WorkerProgress(stall_after=60, clock=lambda: now[0])
        daemon.lock.acquire()
        assert daemon._alive()
        with daemon.progress.running("poll of archive"):
            now[0] += 61
            assert not daemon._alive()
            assert "the worker thread is stuck (poll of archive for 61 s without progress)" in caplog.text
        assert daemon._alive()  # the job ended: pings resume
        daemon.lock.last_renewal_ok = False  # a renewal failed
        assert not daemon._alive()
        daemon.lock.release()
    finally:
        app.close()
