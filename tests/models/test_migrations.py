"""Migrations from the first table: they build exactly the schema the models declare, on both engines."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from models.db import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    make_engine,
    upgrade,
)
from models.schema import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_upgrade_matches_models_and_is_repeatable(engine):
    upgrade(engine)
    upgrade(engine)  # a second run at start-up changes nothing
    assert current_revision(engine) is not None
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert {"mailbox", "folder_state", "raw_message", "message_location", "parsed_message", "attachment",
            "daemon_lock"} <= set(inspect(engine).get_table_names())


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_head_revision_constant_is_the_newest_migration(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD_REVISION
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
