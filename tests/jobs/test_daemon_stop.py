"""`reportbox run` told to stop while it is busy: a reload queued behind a long poll, or under way,
never holds the stop up. The daemon is a real process on a real Dovecot, as in tests/jobs/test_daemon.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.schema import MessageState
from tests.jobs.test_daemon import PASSWORD_ENV, _counts, _fill, _wait_for, daemon_config  # noqa: F401 (fixture)
from tests.jobs.test_service import notify_socket  # noqa: F401 (fixture)

STOP_WAIT = 30  # seconds allowed for a stop that normally takes a few
SERVER_PAUSE = 8  # seconds the IMAP server is paused for, from the stop on


def _start(config: Path, password: str, log: Path, **env: str) -> subprocess.Popen:
    # The log goes to a file the test reads while the daemon runs (a pipe nobody reads could block it).
    return subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "run"],
                            env={**os.environ, PASSWORD_ENV: password, **env},
                            stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)


def _the_rest(listener) -> list[str]:
    """Every datagram: those read so far and those the exited daemon left in the socket."""
    listener.sock.setblocking(False)
    try:
        while True:
            listener.received.append(listener.sock.recv(4096).decode())
    except BlockingIOError:
        return listener.received


@pytest.mark.slow
def test_sigterm_after_a_sighup_queued_behind_a_busy_poll_stops_the_daemon(daemon_config, imap_account,  # noqa: F811
                                                                            dovecot_server, notify_socket,  # noqa: F811
                                                                            tmp_path):
    """The reload waits on the worker for the poll; the stop waits for the worker. The poll is held
    in a fetch (its IMAP server paused) until the stop is well under way, so the reload runs only
    while the scheduler shuts down: it must then give way, not wait for the scheduler."""
    total = 400  # batches of 2: the backfill is still under way when the signals come
    _fill(imap_account, total)
    config = daemon_config(batch_size=2)
    config.write_text(config.read_text(encoding="utf-8").replace("timeout = 10", f"timeout = {SERVER_PAUSE + 20}"),
                      encoding="utf-8")
    log = tmp_path / "daemon.log"
    daemon = _start(config, imap_account.password, log, NOTIFY_SOCKET=notify_socket.path)
    paused: list[int] = []
    try:
        _wait_for(lambda: sum(_counts(config).values()) >= 6, 60, "the backfill to start", interval=0.02)
        paused = dovecot_server.imap_sessions(imap_account.username)  # the poll's connection and IDLE's
        for pid in paused:
            os.kill(pid, signal.SIGSTOP)
        daemon.send_signal(signal.SIGHUP)  # the reload queues behind the poll
        _wait_for(lambda: "received SIGHUP" in log.read_text(encoding="utf-8"), 10, "the reload to be queued")
        daemon.send_signal(signal.SIGTERM)
        _wait_for(lambda: "received SIGTERM" in log.read_text(encoding="utf-8"), 10, "the stop")
        time.sleep(SERVER_PAUSE)  # the IDLE watchers are given up on (5 s) and the scheduler's shutdown begins
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
        paused = []
        assert daemon.wait(timeout=STOP_WAIT) == 0, log.read_text(encoding="utf-8")
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    assert sum(_counts(config).values()) < total, "the poll had ended before the stop: nothing was tested"
    text = log.read_text(encoding="utf-8")
    assert "daemon stopped" in text and "configuration reloaded" not in text  # the stop came first
    notify_socket.wait_for(lambda d: "STOPPING=1" in d, 10, "STOPPING=1")
    received = _the_rest(notify_socket)
    stopping = next(i for i, d in enumerate(received) if "STOPPING=1" in d)
    assert not any("READY=1" in d for d in received[stopping:])  # systemd is never told "ready" again
