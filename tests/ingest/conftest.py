"""Ingestion test harness: an App on SQLite or PostgreSQL, and mailbox settings for the fixtures."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.schema import MessageLocation, RawMessage
from reportbox.app import App, make_source, open_app
from reportbox.config import config_from_dict

IMAP_PASSWORD_ENV = "RB_TEST_IMAP_PASSWORD"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reportbox.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def make_app(tmp_path, db_url):
    """Build an App (a fresh one each call, as after a restart) on the test's database and raw store."""
    apps: list[App] = []

    def build(mailboxes: list[dict], **sections) -> App:
        data = {"database": {"url": db_url}, "storage": {"raw_dir": str(tmp_path / "raw")},
                "mailbox": mailboxes, **sections}
        app = open_app(config_from_dict(data, tmp_path / "reportbox.toml"))
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def imap_settings(imap_account, monkeypatch):
    monkeypatch.setenv(IMAP_PASSWORD_ENV, imap_account.password)

    def settings(**overrides) -> dict:
        base = {"name": "phongkh", "kind": "imap", "host": imap_account.host, "port": imap_account.port,
                "security": "none", "username": imap_account.username, "password_env": IMAP_PASSWORD_ENV,
                "timeout": 10}
        return {**base, **overrides}

    return settings


def sources_of(app: App):
    return [make_source(m) for m in app.config.mailbox]


def count(app: App, model=RawMessage) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def states(app: App) -> dict[str, int]:
    from models.messages import state_counts

    with app.sessions() as session:
        return state_counts(session)


def locations(app: App) -> int:
    return count(app, MessageLocation)
