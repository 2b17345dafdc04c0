"""`reportbox run` with IMAP IDLE, as a real process on a real Dovecot: mail announced by the server is
stored long before the next scheduled poll (an hour away here), also after the connection drops;
idle = false and a server without IDLE leave the poll alone; SIGTERM does not wait for the IDLE."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.db import make_engine, session_factory
from models.schema import RawMessage
from reportbox import samples

PASSWORD_ENV = "RB_DAEMON_IDLE_TEST_PW"
HOUR = 3600  # the poll interval where IDLE must do the work: no scheduled poll comes within a test
WAIT = 30  # seconds allowed for what normally takes well under one
WATCHING = "phongkh/INBOX: watching for new mail with IDLE"


class Running:
    """A `reportbox run` process, its log in a file the test can read while it runs."""

    def __init__(self, tmp_path: Path, account, poll_interval: int, extra: str = "") -> None:
        self.db = tmp_path / "reportbox.db"
        self.log = tmp_path / "daemon.log"
        config = tmp_path / "reportbox.toml"
        config.write_text(f"""
[database]
url = "sqlite:///{self.db}"
[storage]
raw_dir = "raw"
{account.mailbox_toml(PASSWORD_ENV, poll_interval=poll_interval, timeout=10)}{extra}
""", encoding="utf-8")
        with self.log.open("w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "run"],
                                         env={**os.environ, PASSWORD_ENV: account.password},
                                         stdout=subprocess.DEVNULL, stderr=log)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stored(self) -> int:
        engine = make_engine(f"sqlite:///{self.db}")
        try:
            with session_factory(engine)() as session:
                return session.scalar(select(func.count()).select_from(RawMessage))
        except Exception:  # noqa: BLE001 - the daemon may not have created the tables yet
            return 0
        finally:
            engine.dispose()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def run_daemon(tmp_path):
    started: list[Running] = []

    def start(account, poll_interval: int, extra: str = "") -> Running:
        started.append(Running(tmp_path, account, poll_interval, extra))
        return started[-1]

    yield start
    for daemon in started:
        daemon.stop()


def wait_for(predicate, what: str, daemon: Running) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline or daemon.proc.poll() is not None:
            raise AssertionError(f"timed out waiting for {what}; the daemon's log:\n{daemon.text()}")
        time.sleep(0.05)


def report(i: int) -> bytes:
    return samples.report_message(samples.PROVINCES[i % 12], message_id=f"<daemon-idle-{i}@test.gov.vn>")


def test_announced_mail_is_stored_before_the_next_poll_and_sigterm_stops_the_idle(run_daemon, imap_account):
    imap_account.append(report(0))
    daemon = run_daemon(imap_account, HOUR)
    wait_for(lambda: daemon.stored() == 1 and WATCHING in daemon.text(), "the first poll and IDLE", daemon)
    for i in range(1, 4):  # one at a time: each is announced, and fetched, on its own
        imap_account.append(report(i))
        wait_for(lambda: daemon.stored() == i + 1, f"message {i} announced by IDLE", daemon)
    # The IDLE would be renewed in 25 minutes; the daemon leaves well before (`stop` waits WAIT s at most).
    assert daemon.stop() == 0
    log = daemon.text()
    assert "daemon stopped" in log and " ERROR " not in log and " WARNING " not in log


def test_a_dropped_connection_is_reopened_and_still_delivers(run_daemon, imap_account, dovecot_server):
    daemon = run_daemon(imap_account, HOUR)
    wait_for(lambda: WATCHING in daemon.text(), "IDLE", daemon)
    for pid in dovecot_server.imap_sessions(imap_account.username):  # the poll's connection and IDLE's
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: daemon.text().count(WATCHING) == 2, "IDLE again", daemon)
    imap_account.append(report(10))
    wait_for(lambda: daemon.stored() == 1, "the message announced after the drop", daemon)
    assert daemon.stop() == 0


def test_idle_false_keeps_to_the_poll(run_daemon, imap_account, dovecot_server):
    imap_account.append(report(20))
    daemon = run_daemon(imap_account, 5, extra="idle = false")
    wait_for(lambda: daemon.stored() == 1 and "poll phongkh:" in daemon.text(), "the first poll", daemon)
    assert len(dovecot_server.imap_sessions(imap_account.username)) == 1  # the poll's; none for IDLE
    assert daemon.stop() == 0
    assert "IDLE" not in daemon.text()


def test_a_server_without_idle_is_polled_without_complaint(run_daemon, dovecot_without_idle):
    account = dovecot_without_idle.add_user()
    account.append(report(30))
    daemon = run_daemon(account, 5)
    wait_for(lambda: daemon.stored() == 1 and "poll phongkh:" in daemon.text(), "the first poll", daemon)
    assert "phongkh/INBOX: the server does not offer IDLE; new mail is fetched every 5 s" in daemon.text()
    assert len(dovecot_without_idle.imap_sessions(account.username)) == 1  # the poll's alone
    assert daemon.stop() == 0
    log = daemon.text()
    assert " ERROR " not in log and " WARNING " not in log
