"""`reportbox run` as ministry IT runs it: a real process, real Dovecot, signals and a second instance."""

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
from models.lock import holder_of
from models.schema import MessageState, RawMessage
from reportbox import samples
from tests.servers.common import free_port, http_status

PASSWORD_ENV = "RB_DAEMON_TEST_PW"


@pytest.fixture
def daemon_config(tmp_path, imap_account):
    def write(batch_size: int = 100, extra: str = "") -> Path:
        path = tmp_path / "reportbox.toml"
        path.write_text(f"""
[database]
url = "sqlite:///{tmp_path / 'reportbox.db'}"
[storage]
raw_dir = "raw"
{imap_account.mailbox_toml(PASSWORD_ENV, poll_interval=5, batch_size=batch_size, timeout=10)}{extra}
""", encoding="utf-8")
        return path
    return write


def _start(config: Path, password: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, PASSWORD_ENV: password}
    return subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _counts(config: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{config.parent / 'reportbox.db'}")
    try:
        with session_factory(engine)() as session:
            return dict(session.execute(select(RawMessage.state, func.count()).group_by(RawMessage.state)).all())
    except Exception:  # noqa: BLE001 - the daemon may not have created the tables yet
        return {}
    finally:
        engine.dispose()


def _wait_for(predicate, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def _fill(account, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        account.append(samples.report_message(samples.PROVINCES[i % 12], message_id=f"<d{i}@test.gov.vn>"))


def test_daemon_polls_refuses_a_twin_and_stops_on_sigterm(daemon_config, imap_account):
    config = daemon_config()
    _fill(imap_account, 3)
    daemon = _start(config, imap_account.password, "run")
    try:
        _wait_for(lambda: _counts(config).get(MessageState.SUBMISSION) == 3, 30, "the first poll")
        _fill(imap_account, 1, start=3)
        _wait_for(lambda: _counts(config).get(MessageState.SUBMISSION) == 4, 30, "the next scheduled poll")

        twin = _start(config, imap_account.password, "run")
        _, err = twin.communicate(timeout=30)
        assert twin.returncode == 2
        assert "another reportbox daemon holds the lock" in err and len(err.strip().splitlines()) == 1

        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
        assert daemon.returncode == 0, err
        assert "stopping after the message in hand" in err
    finally:
        if daemon.poll() is None:
            daemon.kill()
    engine = make_engine(f"sqlite:///{config.parent / 'reportbox.db'}")
    assert holder_of(session_factory(engine)) is None  # the lock was released
    engine.dispose()


def test_daemon_serves_the_dashboard_when_asked_and_stops_it_with_itself(daemon_config, imap_account):
    port = free_port()
    config = daemon_config(extra=f"[web]\nin_daemon = true\nport = {port}\n")
    _fill(imap_account, 1)
    daemon = _start(config, imap_account.password, "run")
    try:
        _wait_for(lambda: _counts(config).get(MessageState.SUBMISSION) == 1, 30, "the first poll")
        _wait_for(lambda: http_status(port, "/login") == 200, 15, "the dashboard")
        assert http_status(port, "/campaigns") == 303  # signing in is required
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
        assert daemon.returncode == 0, err
        assert http_status(port, "/login") is None  # stopped with the daemon
    finally:
        if daemon.poll() is None:
            daemon.kill()






@pytest.mark.slow
def test_killed_mid_backfill_then_restarted_loses_and_duplicates_nothing(daemon_config, imap_account):
    total = 400  # batches of 2: long enough that the kill lands while fetching, however fast that gets
    _fill(imap_account, total)
    config = daemon_config(batch_size=2)
    daemon = _start(config, imap_account.password, "run")
    try:
        _wait_for(lambda: sum(_counts(config).values()) >= 6, 60, "the backfill to start", interval=0.02)
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert sum(_counts(config).values()) < total, "the kill came too late to test anything"
    # A one-shot poll takes over the dead daemon's lock (same host, process gone) and finishes.
    result = subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), "poll"],
                            env={**os.environ, PASSWORD_ENV: imap_account.password},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _counts(config) == {MessageState.SUBMISSION: total}
