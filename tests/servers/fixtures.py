"""pytest fixtures backed by real servers.

Import them into tests/conftest.py with
``from tests.servers.fixtures import *``.  Servers start once per session,
lazily (only if a test asks for them); each test gets its own IMAP user and
its own database, so tests never see each other's data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .common import shared_dir
from .dovecot import Account, Dovecot
from .postgres import PostgresServer

__all__ = ["dovecot_server", "imap_account", "postgres_server", "postgres_url"]


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


@pytest.fixture
def imap_account(dovecot_server: Dovecot) -> Account:
    """A fresh, empty IMAP user (password ``secret``) for this test alone."""
    return dovecot_server.add_user()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running private PostgreSQL cluster with trust auth on 127.0.0.1."""
    yield from _running(PostgresServer, "reportbox-pg-")


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL (``postgresql+psycopg://``) of a new empty database for this test."""
    return postgres_server.create_database()
