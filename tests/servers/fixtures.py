"""pytest fixtures backed by real servers.

Import them into tests/conftest.py with
``from tests.servers.fixtures import *``.  Servers start once per session,
lazily (only if a test asks for them); each test gets its own IMAP user and
its own database, so tests never see each other's data.  The SMTP server is
the exception: it starts in about 0.2 s, so each test gets a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .common import shared_dir
from .dovecot import WITHOUT_IDLE, Account, Dovecot
from .oauth import TokenServer
from .postgres import PostgresServer
from .smtp import SmtpServer

__all__ = [
    "dovecot_server", "dovecot_without_idle", "imap_account", "make_smtp_server", "oauth_dovecot",
    "postgres_server", "postgres_url", "smtp_server", "token_server",
]


def _running(server_class, prefix: str):
    """Start a server in a fresh shared folder for the session; stop it and clean up after."""
    with shared_dir(prefix) as path:
        server = server_class(path)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """A running private Dovecot; see tests/servers/dovecot.py for its quirks."""
    yield from _running(Dovecot, "reportbox-dovecot-")


@pytest.fixture(scope="session")
def dovecot_without_idle() -> Iterator[Dovecot]:
    """A second private Dovecot whose CAPABILITY does not offer IDLE (RFC 2177), as some servers."""
    with shared_dir("reportbox-dovecot-noidle-") as path:
        server = Dovecot(path, extra_config=WITHOUT_IDLE)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def imap_account(dovecot_server: Dovecot) -> Account:
    """A fresh, empty IMAP user (password ``secret``) for this test alone."""
    return dovecot_server.add_user()


@pytest.fixture(scope="session")
def token_server() -> Iterator[TokenServer]:
    """A small OAuth2 token and introspection server on 127.0.0.1; see tests/servers/oauth.py.
    Shared by the session: each test registers its own client and tokens."""
    server = TokenServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oauth_dovecot(token_server: TokenServer) -> Iterator[Dovecot]:
    """A second private Dovecot that also takes XOAUTH2 and OAUTHBEARER logins, their tokens checked
    by `token_server`; password logins work as on `dovecot_server`."""
    with shared_dir("reportbox-dovecot-oauth-") as path:
        server = Dovecot(path, oauth2_introspection_url=token_server.introspection_url)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running private PostgreSQL cluster with trust auth on 127.0.0.1."""
    yield from _running(PostgresServer, "reportbox-pg-")


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL (``postgresql+psycopg://``) of a new empty database for this test."""
    return postgres_server.create_database()


@pytest.fixture
def make_smtp_server(tmp_path: Path) -> Iterator[Callable[..., SmtpServer]]:
    """Start SMTP servers for this test: ``make_smtp_server(tls="starttls", auth={"u": "pw"})``.

    Each call starts another server in its own folder below tmp_path (kept by
    pytest, logs included); all are stopped after the test.
    """
    servers: list[SmtpServer] = []

    def make(**options) -> SmtpServer:
        server = SmtpServer(tmp_path / f"smtp-{len(servers) + 1}", **options)
        servers.append(server)
        server.start()
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def smtp_server(make_smtp_server: Callable[..., SmtpServer]) -> SmtpServer:
    """A fresh plain SMTP server (no TLS, no AUTH) on 127.0.0.1 for this test alone.

    Function scope on purpose: a start costs about 0.2 s, which buys tests
    that cannot see each other's mail or refusals.  See tests/servers/smtp.py.
    """
    return make_smtp_server()
