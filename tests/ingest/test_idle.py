"""IMAP IDLE watchers on a real Dovecot: announced mail, renewal, a dropped connection, a server
without IDLE, and stopping while idling."""

from __future__ import annotations

import logging
import os
import queue
import signal
import time

import pytest

from ingest.idle import MAX_FOLDERS, IdleWatcher, IdleWatchers, _announces_mail
from reportbox import samples
from reportbox.config import config_from_dict

WAIT = 20  # seconds to wait for something that normally takes well under one


def mailbox_config(tmp_path, imap_settings, **overrides):
    data = {"database": {"url": f"sqlite:///{tmp_path / 'rb.db'}"}, "storage": {"raw_dir": str(tmp_path / "raw")},
            "mailbox": [imap_settings(**overrides)]}
    return config_from_dict(data, tmp_path / "reportbox.toml").mailbox[0]


class Wakes:
    """Records on_new_mail calls for a test to wait on."""

    def __init__(self) -> None:
        self.calls: queue.Queue[str] = queue.Queue()

    def __call__(self, name: str) -> None:
        self.calls.put(name)

    def next(self) -> str:
        return self.calls.get(timeout=WAIT)

    def drain(self) -> int:
        drained = 0
        while not self.calls.empty():
            self.calls.get_nowait()
            drained += 1
        return drained


def wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def watching(watcher: IdleWatcher, sessions: int = 1) -> None:
    wait_for(lambda: watcher.connections >= sessions, f"IDLE session {sessions} of {watcher.where}")


def report(i: int) -> bytes:
    return samples.report_message(samples.PROVINCES[i % 12], message_id=f"<idle-{i}@test.gov.vn>")


def test_announced_mail_wakes_the_mailbox_also_after_renewals(tmp_path, imap_settings, imap_account):
    wakes = Wakes()
    watcher = IdleWatcher(mailbox_config(tmp_path, imap_settings), "INBOX", wakes, renew_after=0.3,
                          check_every=0.1)
    watcher.start()
    try:
        watching(watcher)
        assert wakes.next() == "phongkh"  # on connecting: for what came while nobody watched
        wait_for(lambda: watcher.idles >= 4, "three renewals")  # DONE, then IDLE again
        wakes.drain()
        imap_account.append(report(1))
        assert wakes.next() == "phongkh"
        assert watcher.connections == 1  # renewing kept the session
    finally:
        watcher.stop()
    assert not watcher.alive


def kill_sessions(server, username: str) -> None:
    """SIGKILL the user's imap processes: the connection ends with no BYE, as when a firewall cuts it."""
    for pid in server.imap_sessions(username):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("drop", ["kick", "kill"])
def test_a_dropped_connection_is_reopened_and_wakes_the_mailbox(drop, tmp_path, imap_settings, imap_account,
                                                                 dovecot_server, caplog):
    wakes = Wakes()
    watcher = IdleWatcher(mailbox_config(tmp_path, imap_settings), "INBOX", wakes, check_every=0.2,
                          retry_first=0.1)
    watcher.start()
    try:
        watching(watcher)
        wakes.drain()
        with caplog.at_level(logging.INFO, logger="reportbox.ingest.idle"):
            if drop == "kick":
                dovecot_server.doveadm("kick", imap_account.username)  # BYE, then the server hangs up
            else:
                kill_sessions(dovecot_server, imap_account.username)
            watching(watcher, sessions=2)
        assert wakes.next() == "phongkh"  # mail may have come while it was gone
        wakes.drain()
        imap_account.append(report(2))
        assert wakes.next() == "phongkh"
    finally:
        watcher.stop()
    levels = {r.levelname for r in caplog.records}
    assert "IDLE connection dropped" in caplog.text and levels == {"INFO"}  # a drop is no alarm


@pytest.mark.parametrize("stable_after, pauses", [(60.0, [0.1, 0.2, 0.4, 0.8]), (0.0, [0.1, 0.1, 0.1, 0.1])])
def test_sessions_dropped_right_after_idle_keep_backing_off(stable_after, pauses, tmp_path, imap_settings,
                                                            imap_account, dovecot_server):
    """A server or middlebox that ends each session as soon as it idles: the pause before reconnecting
    keeps doubling (not a reconnect and a poll every second); only a session that idled `stable_after`
    seconds starts the pauses again from `retry_first`."""
    watcher = IdleWatcher(mailbox_config(tmp_path, imap_settings), "INBOX", Wakes(), check_every=0.1,
                          retry_first=0.1, retry_max=10, stable_after=stable_after)
    watcher.start()
    try:
        seen = []
        for session in range(1, len(pauses) + 1):
            watching(watcher, sessions=session)
            dovecot_server.doveadm("kick", imap_account.username)
            watching(watcher, sessions=session + 1)
            seen.append(watcher.last_pause)
    finally:
        watcher.stop()
    assert seen == pauses


def test_an_unreachable_server_warns_once_then_keeps_trying_quietly(tmp_path, imap_settings, caplog):
    watcher = IdleWatcher(mailbox_config(tmp_path, imap_settings, port=1), "INBOX", Wakes(),
                          retry_first=0.05, retry_max=0.05)
    with caplog.at_level(logging.DEBUG, logger="reportbox.ingest.idle"):
        watcher.start()
        wait_for(lambda: caplog.text.count("reconnect attempt") >= 3, "three more attempts")
        watcher.stop()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "cannot watch with IDLE" in warnings[0].getMessage()
    assert "polling every 60 s goes on" in warnings[0].getMessage()
    assert not watcher.alive and watcher.connections == 0


def test_a_server_without_idle_is_left_to_the_poll(tmp_path, imap_settings, dovecot_without_idle, caplog):
    account = dovecot_without_idle.add_user()
    wakes = Wakes()
    config = mailbox_config(tmp_path, imap_settings, port=account.port, username=account.username)
    watcher = IdleWatcher(config, "INBOX", wakes)
    with caplog.at_level(logging.INFO, logger="reportbox.ingest.idle"):
        watcher.start()
        wait_for(lambda: not watcher.alive, "the watcher to give up")
    assert watcher.unsupported and watcher.idles == 0 and wakes.drain() == 0
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "does not offer IDLE; new mail is fetched every 60 s" in caplog.text


def test_stop_ends_an_idle_at_once(tmp_path, imap_settings, imap_account, dovecot_server):
    watcher = IdleWatcher(mailbox_config(tmp_path, imap_settings), "INBOX", Wakes())  # renewal in 25 min
    watcher.start()
    watching(watcher)
    watcher.stop(wait=WAIT)
    assert not watcher.alive
    # It said DONE and LOGOUT: the server holds no session for the user any more.
    wait_for(lambda: not dovecot_server.imap_sessions(imap_account.username), "the session to end")


def test_watchers_per_folder_capped_and_only_where_asked(tmp_path, imap_settings, imap_account):
    folders = [f"Bao-cao-{i}" for i in range(MAX_FOLDERS + 2)]
    for folder in folders:
        imap_account.create_folder(folder)
    watchers = IdleWatchers(Wakes())
    try:
        started = watchers.start(mailbox_config(tmp_path, imap_settings, folders=folders))
        assert [w.folder for w in started] == folders[:MAX_FOLDERS]
        for watcher in started:
            watching(watcher)
        assert watchers.start(mailbox_config(tmp_path, imap_settings, idle=False)) == []
        assert not any(w.alive for w in started)  # starting a mailbox again stops its old watchers
        eml = mailbox_config(tmp_path, lambda **_: {"name": "drop", "kind": "eml-dir", "path": str(tmp_path)})
        assert watchers.start(eml) == []
    finally:
        watchers.stop_all()


def test_only_new_mail_wakes_not_our_own_marking():
    assert _announces_mail([(3, b"EXISTS")]) and _announces_mail([(1, b"RECENT")])
    # The poll's keyword or move shows up here as FETCH and EXPUNGE; Dovecot's keep-alive as OK.
    assert not _announces_mail([(0, b"RECENT"), (b"OK", b"Still here"), (2, b"EXPUNGE"),
                                (1, b"FETCH", (b"FLAGS", (b"$Reportbox",)))])


def test_nothing_starts_after_stop_all(tmp_path, imap_settings, imap_account, dovecot_server):
    """A reload the daemon applies while it stops must not leave IDLE connections behind."""
    watchers = IdleWatchers(Wakes())
    mailbox = mailbox_config(tmp_path, imap_settings)
    (watcher,) = watchers.start(mailbox)
    watching(watcher)
    watchers.stop_all(wait=WAIT)
    assert not watcher.alive
    assert watchers.start(mailbox) == [] and watchers.watchers == {}
    time.sleep(1)  # time enough for a watcher, had one started, to log in
    assert dovecot_server.imap_sessions(imap_account.username) == []
