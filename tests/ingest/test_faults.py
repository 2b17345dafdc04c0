"""Faults at the boundaries, injected into real servers and a real filesystem during a poll.

Each ends the same way: the fault is recorded where a person looks (the poll's errors, the
folder's `last_error` on the health page), nothing unstored is marked on the server, and once
the fault is gone the next poll leaves every message of the mailbox stored exactly once and
processed. The servers that get killed or restarted here are private to the test, so the
session's shared Dovecot and PostgreSQL never see it.
"""

from __future__ import annotations

import imaplib
import itertools
import logging
import os
import socket
import subprocess
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, select

from jobs.daemon import Daemon
from jobs.poll import poll, process
from models.health import FolderHealth, health
from models.schema import MessageLocation, MessageState, RawMessage
from reportbox import samples
from reportbox.app import App, open_app
from reportbox.config import config_from_dict
from reportbox.errors import StorageError
from tests.servers.availability import unavailable
from tests.servers.common import shared_dir
from tests.servers.dovecot import Account, Dovecot
from tests.servers.postgres import PostgresServer

from .conftest import IMAP_PASSWORD_ENV, sources_of, states

KEYWORD = b"$Reportbox"
PAGE = 4096


def reports(n: int, *, padding: int = 0) -> list[bytes]:
    """n distinct province reports (a PDF each, `padding` bytes larger)."""
    return [samples.report_message(samples.PROVINCES[i % len(samples.PROVINCES)], attachment="pdf",
                                   padding=padding, message_id=f"<fault-{i}@test.gov.vn>") for i in range(n)]


def append_all(account: Account, messages: list[bytes]) -> None:
    """APPEND over one connection, INTERNALDATEs a minute apart."""
    base = datetime(2019, 12, 10, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with account.client() as client:
        for i, raw in enumerate(messages):
            client.append("INBOX", raw, msg_time=base + timedelta(minutes=i))


def settings_for(account: Account, **overrides) -> dict:
    return {"name": "phongkh", "kind": "imap", "host": account.host, "port": account.port, "security": "none",
            "username": account.username, "password_env": IMAP_PASSWORD_ENV, "timeout": 10, **overrides}


def poll_once(app: App, **kwargs):
    sources = sources_of(app)
    try:
        return poll(app, sources, backoff=0.01, **kwargs)
    finally:
        for source in sources:
            source.close()


def folder(app: App) -> FolderHealth:
    """The folder as the health page (/api/health) shows it."""
    with app.sessions() as session:
        [only] = health(session).folders
    return only


def stored_uids(app: App) -> set[int]:
    with app.sessions() as session:
        return set(session.scalars(select(MessageLocation.uid)))


def marked_uids(account: Account) -> set[int]:
    return {uid for uid, flags in account.flags().items() if KEYWORD in flags}


def assert_each_stored_once(app: App, account: Account, messages: list[bytes]) -> None:
    """Every message of the mailbox: one row, one location, one raw file, marked, processed."""
    with app.sessions() as session:
        ids = Counter(session.scalars(select(RawMessage.message_id)))
        locations = Counter(session.scalars(select(MessageLocation.uid)))
    assert ids == Counter(f"<fault-{i}@test.gov.vn>" for i in range(len(messages)))
    assert locations == Counter(account.uids())
    assert len(list(app.store.root.glob("?/*.eml"))) == len(messages)
    assert list((app.store.root / "tmp").glob("*")) == []
    assert marked_uids(account) == set(account.uids())
    assert states(app) == {MessageState.SUBMISSION: len(messages)}
    state = folder(app)
    assert state.last_error is None and state.consecutive_failures == 0


def before_batch(app: App, number: int, fault) -> None:
    """Run `fault(blobs)` just before the `number`-th batch of this app is written to the raw store."""
    real, calls = app.store.put_many, itertools.count(1)

    def put_many(blobs, *hashes):
        if next(calls) == number:
            fault(blobs)
        return real(blobs, *hashes)

    app.store.put_many = put_many


# --- (a) the raw store's disk fills up ---------------------------------------

@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 4 MB tmpfs of its own: a real filesystem that really runs out of space."""
    if os.geteuid() != 0:
        unavailable("must run as root to mount a small tmpfs for the raw store")
    path = tmp_path / "disk"
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "reportbox-test-disk", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        unavailable(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "--lazy", str(path)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Take all of the disk's free space but `leave` bytes, in one file."""
    stat = os.statvfs(disk)
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        os.posix_fallocate(handle.fileno(), 0, stat.f_bavail * stat.f_frsize - leave)
    return filler


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the fault is the disk's, not the database's
def test_raw_store_disk_full_mid_batch_then_space_back(make_app, imap_settings, imap_account, small_disk):
    messages = reports(12, padding=20_000)  # about 30 KB each
    append_all(imap_account, messages)
    app = make_app([imap_settings(batch_size=4)], storage={"raw_dir": str(small_disk / "raw")})
    fillers = []
    # Before the second batch the disk fills, leaving room for half of it: some of its files are
    # written, and a write fails with ENOSPC in the middle of the batch.
    before_batch(app, 2, lambda blobs: fillers.append(
        fill(small_disk, leave=sum(-(-len(blob) // PAGE) * PAGE for blob in blobs[:len(blobs) // 2]))))
    report = poll_once(app)

    [error] = report.fetched.errors
    assert "No space left on device" in error and str(small_disk / "raw") in error
    state = folder(app)
    assert state.last_error.startswith("raw_store: cannot write to the raw store")
    assert "No space left on device" in state.last_error and state.consecutive_failures == 1
    assert report.fetched.new == 4 and stored_uids(app) == set(imap_account.uids()[:4])  # the first batch
    assert marked_uids(imap_account) <= stored_uids(app)  # nothing unstored is marked on the server
    assert list((app.store.root / "tmp").glob("*")) == []  # the failed write left no temporary file

    fillers[0].unlink()  # space is back
    del app.store.put_many
    again = poll_once(app)
    assert again.fetched.new == 8 and again.fetched.errors == []
    assert_each_stored_once(app, imap_account, messages)


# --- (b) PostgreSQL restarts mid-batch ----------------------------------------

@pytest.fixture(scope="module")
def own_postgres():
    """A cluster of this module's own: the session's shared one is never restarted. Crash-safe,
    as a real one: a commit reported is a commit kept, whatever the shutdown."""
    with shared_dir("reportbox-pg-faults-") as path:
        server = PostgresServer(path, crash_safe=True)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def app_on(tmp_path, url: str, mailbox: dict) -> App:
    return open_app(config_from_dict({"database": {"url": url}, "storage": {"raw_dir": str(tmp_path / "raw")},
                                      "mailbox": [mailbox]}, tmp_path / "reportbox.toml"))


def go_down(server: PostgresServer, for_seconds: float) -> threading.Thread:
    """Crash the server now (immediate shutdown); it is started again `for_seconds` later."""
    server.stop("immediate")

    def come_back() -> None:
        threading.Event().wait(for_seconds)
        server.start()

    thread = threading.Thread(target=come_back, name="postgres-restart")
    thread.start()
    return thread


def crash_at_insert(app: App, server: PostgresServer, number: int, restarts: list) -> None:
    """Crash the server inside the transaction of the `number`-th batch, its rows about to go in;
    it comes back a second later."""
    inserts = itertools.count(1)

    @event.listens_for(app.engine, "before_cursor_execute")
    def batch_insert(connection, cursor, statement, *args) -> None:
        if statement.startswith("INSERT INTO raw_message ") and next(inserts) == number:
            restarts.append(go_down(server, 1.0))


def test_postgres_restarted_mid_batch(tmp_path, own_postgres, imap_settings, imap_account):
    messages = reports(30)
    append_all(imap_account, messages)
    app = app_on(tmp_path, own_postgres.create_database(), imap_settings(batch_size=5))
    restarts: list[threading.Thread] = []
    crash_at_insert(app, own_postgres, 3, restarts)
    try:
        report = poll_once(app)
        restarts[0].join()
        # The poll ends with the error, as one line (what the CLI prints); processing stops too.
        assert any(error.startswith("phongkh/INBOX: the database is unavailable (") for error in report.errors)
        assert all("\n" not in error and "sqlalche.me" not in error for error in report.errors)
        assert report.fetched.new == 10 and stored_uids(app) == set(imap_account.uids()[:10])
        assert marked_uids(imap_account) <= stored_uids(app)
        again = poll_once(app)  # the hook is spent: it crashed the server once
        assert again.errors == []
        assert_each_stored_once(app, imap_account, messages)
    finally:
        for thread in restarts:
            thread.join()
        app.close()


def test_postgres_restarted_mid_processing(tmp_path, own_postgres, imap_settings, imap_account):
    messages = reports(30)
    append_all(imap_account, messages)
    app = app_on(tmp_path, own_postgres.create_database(), imap_settings(batch_size=10))
    restarts, processed = [], itertools.count(1)

    def on_message() -> None:
        if next(processed) == 8:
            restarts.append(go_down(own_postgres, 1.0))

    try:
        assert poll_once(app, fetch_only=True).fetched.new == 30
        with pytest.raises(StorageError, match="the database is unavailable .*processing stopped"):
            process(app, on_message=on_message)
        restarts[0].join()
        again = poll_once(app)
        assert again.errors == []
        with app.sessions() as session:  # an outage is no message's fault: none was charged for it
            assert session.scalar(select(RawMessage.id).where(RawMessage.attempts > 1)) is None
        assert_each_stored_once(app, imap_account, messages)
    finally:
        for thread in restarts:
            thread.join()
        app.close()


@pytest.mark.slow
def test_the_daemon_rides_out_a_postgres_crash(tmp_path, own_postgres, imap_settings, imap_account, caplog):
    messages = reports(20)
    append_all(imap_account, messages)
    # idle off: IDLE would wake a second poll at once, while the server is still down; this is about the interval.
    app = app_on(tmp_path, own_postgres.create_database(), imap_settings(batch_size=5, poll_interval=5, idle=False))
    restarts: list[threading.Thread] = []
    crash_at_insert(app, own_postgres, 2, restarts)
    daemon = Daemon(app)
    try:
        with caplog.at_level(logging.INFO, logger="reportbox.daemon"):
            # Two polls and it stops by itself: the first meets the crash, the second, 5 s later, the server back.
            runner = threading.Thread(target=daemon.run, kwargs={"install_signals": False, "max_polls": 2})
            runner.start()
            runner.join(timeout=120)
        assert not runner.is_alive() and daemon.polls == 2
        polls = [r.getMessage() for r in caplog.records if r.getMessage().startswith("poll phongkh:")]
        assert len(polls) == 2 and not polls[0].endswith(" 0 error(s)") and polls[1].endswith(" 0 error(s)")
        assert not [r for r in caplog.records if r.getMessage().startswith("job ")]  # no poll blew up
        assert_each_stored_once(app, imap_account, messages)
    finally:
        daemon.stop.set()
        for thread in restarts:
            thread.join()
        app.close()


# --- (c) Dovecot killed in the middle of a FETCH ---------------------------------

@pytest.fixture
def own_dovecot():
    """A Dovecot of this test's own, since it gets killed."""
    with shared_dir("reportbox-dovecot-faults-") as path:
        server = Dovecot(path)
        server.start()
        try:
            yield server
        finally:
            server.stop()


BIG = 1_000_000  # bytes a message: a batch of 12 is one 12 MB FETCH


def kill_mid_fetch(monkeypatch, server: Dovecot, at_literal: int) -> None:
    """Kill the server while it sends the body of message `at_literal` (counted over the poll).

    The reader's receive buffer is kept small, so most of that FETCH is still on the server's
    side when it dies, and the client sees the response cut short, not a later command fail.
    """
    real_read, literals = imaplib.IMAP4.read, itertools.count(1)

    def read(self, size):
        if size >= BIG // 2:
            number = next(literals)
            if number == 1:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
            if number == at_literal:
                server.kill()
        return real_read(self, size)

    monkeypatch.setattr(imaplib.IMAP4, "read", read)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the fault is the IMAP server's
def test_dovecot_killed_mid_fetch_then_started_again(make_app, own_dovecot, monkeypatch, caplog):
    account = own_dovecot.add_user()
    monkeypatch.setenv(IMAP_PASSWORD_ENV, account.password)
    messages = reports(36, padding=int(BIG * 0.73))  # base64: about 1 MB each
    append_all(account, messages)
    app = make_app([settings_for(account, batch_size=12)])
    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING, logger="reportbox.ingest"):
        kill_mid_fetch(patch, own_dovecot, at_literal=13)  # the first body of the second batch
        report = poll_once(app)

    assert any("connection lost during FETCH bodies" in r.getMessage() for r in caplog.records)  # mid-FETCH
    [error] = report.fetched.errors
    assert "cannot reach" in error  # the retries found the server gone
    state = folder(app)
    assert state.last_error.startswith("unavailable: ") and state.consecutive_failures == 1
    assert report.fetched.new == 12 and stored_uids(app) == set(range(1, 13))

    own_dovecot.start()
    assert marked_uids(account) <= stored_uids(app)  # nothing unstored was marked
    again = poll_once(app)
    assert again.fetched.new == 24 and again.fetched.errors == []
    assert_each_stored_once(app, account, messages)
