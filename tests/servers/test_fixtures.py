"""Self-tests of the real-server fixtures: each checks a promise other tests rely on."""

from __future__ import annotations

import socket
import time
from datetime import datetime, timedelta, timezone

import imapclient
import psycopg
import pytest

from . import dovecot as dovecot_module
from . import postgres as postgres_module
from .availability import require_tool
from .common import ServerStartError, shared_dir
from .dovecot import Account, Dovecot
from .postgres import PostgresServer, psycopg_url

ICT = timezone(timedelta(hours=7))


def message(subject: str) -> bytes:
    """A minimal RFC 5322 message with CRLF line endings, as Dovecot serves it back."""
    return (
        f"From: sender@example.gov.vn\r\nTo: reports@example.gov.vn\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{subject}@example.gov.vn>\r\n\r\nbody {subject}\r\n"
    ).encode()


def uidvalidity(account: Account, folder: str = "INBOX") -> int:
    with account.client() as client:
        return client.select_folder(folder, readonly=True)[b"UIDVALIDITY"]


# --- availability -----------------------------------------------------------

def test_missing_tool_skips_locally(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool-xyz"):
        require_tool("no-such-tool-xyz", "for this self-test")


def test_missing_tool_fails_on_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-tool-xyz"):
        require_tool("no-such-tool-xyz", "for this self-test")


# --- dovecot ----------------------------------------------------------------

def test_append_keeps_order_uids_and_internaldate(imap_account):
    dates = [datetime(2024, 3, day, 8, 30, tzinfo=ICT) for day in (1, 2, 3)]
    uids = [imap_account.append(message(f"m{i}"), internaldate=d) for i, d in enumerate(dates)]

    assert uids == sorted(uids) and len(set(uids)) == 3
    assert imap_account.uids() == uids
    with imap_account.client() as client:
        client.normalise_times = False
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch(uids, ["INTERNALDATE", "BODY.PEEK[]"])
    assert [fetched[u][b"INTERNALDATE"] for u in uids] == dates
    assert [fetched[u][b"BODY[]"] for u in uids] == [message(f"m{i}") for i in range(3)]


def test_append_without_flags_leaves_message_unseen(imap_account):
    unseen = imap_account.append(message("unseen"))
    seen = imap_account.append(message("seen"), flags=[b"\\Seen"])

    flags = imap_account.flags()
    assert b"\\Seen" not in flags[unseen]
    assert b"\\Seen" in flags[seen]
    assert b"\\Seen" not in imap_account.flags()[unseen], "flags() itself must not mark mail read"


def test_accounts_are_isolated(dovecot_server, imap_account):
    imap_account.append(message("private"))
    other = dovecot_server.add_user()

    assert other.username != imap_account.username
    assert other.uids() == []


def test_append_creates_nested_folder(imap_account):
    folder = "Reports/2024"
    uid = imap_account.append(message("filed"), folder=folder)

    assert imap_account.uids(folder) == [uid]
    assert imap_account.uids() == []
    assert imap_account.folder_dir(folder) == imap_account.maildir / ".Reports.2024"


def test_change_uidvalidity_changes_it_and_keeps_mail(imap_account):
    imap_account.append(message("a"), flags=[b"\\Seen"])
    imap_account.append(message("b"))
    before = uidvalidity(imap_account)
    assert imap_account.uidvalidity() == before

    new = imap_account.change_uidvalidity()

    assert new != before
    assert uidvalidity(imap_account) == new
    assert sorted(b"\\Seen" in f for f in imap_account.flags().values()) == [False, True]


def test_change_uidvalidity_of_other_folder(imap_account):
    imap_account.append(message("x"), folder="Archive")
    before = uidvalidity(imap_account, "Archive")
    inbox_before = uidvalidity(imap_account)

    imap_account.change_uidvalidity("Archive")

    assert uidvalidity(imap_account, "Archive") != before
    assert uidvalidity(imap_account) == inbox_before
    assert len(imap_account.uids("Archive")) == 1


def test_restart_keeps_mail_and_users(dovecot_server, imap_account):
    uid = imap_account.append(message("durable"))
    port = dovecot_server.port

    dovecot_server.restart()

    assert dovecot_server.port == port
    assert imap_account.uids() == [uid]


def test_failed_logins_do_not_slow_down_later_logins(dovecot_server, imap_account):
    for attempt in range(3):
        with imapclient.IMAPClient(dovecot_server.host, dovecot_server.port, ssl=False) as client:
            with pytest.raises(imapclient.exceptions.LoginError):
                client.login(imap_account.username, f"wrong{attempt}")

    started = time.monotonic()
    with imap_account.client():
        pass
    assert time.monotonic() - started < 1, "Dovecot's auth penalty is active"


def test_dovecot_start_failure_reports_log_tail(monkeypatch):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        monkeypatch.setattr(dovecot_module, "free_port", lambda: blocker.getsockname()[1])
        with shared_dir("reportbox-dovecot-selftest-") as path:
            with pytest.raises(ServerStartError, match="Address already in use"):
                Dovecot(path).start()


# --- postgres ---------------------------------------------------------------

def test_postgres_url_connects_and_stores(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    with psycopg.connect(psycopg_url(postgres_url)) as conn:
        conn.execute("CREATE TABLE report (id serial PRIMARY KEY, title text)")
        conn.execute("INSERT INTO report (title) VALUES (%s)", ("Báo cáo tháng 3",))
        assert conn.execute("SELECT title FROM report").fetchone() == ("Báo cáo tháng 3",)
        assert conn.execute("SELECT lower('BÁO CÁO')").fetchone() == ("báo cáo",)


def test_databases_are_isolated(postgres_server):
    first, second = postgres_server.create_database(), postgres_server.create_database()

    assert first != second
    with psycopg.connect(psycopg_url(first), autocommit=True) as conn:
        conn.execute("CREATE TABLE only_here (x int)")
    with psycopg.connect(psycopg_url(second)) as conn:
        assert conn.execute("SELECT to_regclass('only_here')").fetchone() == (None,)


def test_postgres_start_failure_reports_log_tail(monkeypatch):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        monkeypatch.setattr(postgres_module, "free_port", lambda: blocker.getsockname()[1])
        with shared_dir("reportbox-pg-selftest-") as path:
            with pytest.raises(ServerStartError, match="(?s)postgres.log.*could not bind"):
                PostgresServer(path).start()
