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


def test_0004_fills_sender_and_sender_check_of_earlier_submissions(engine):
    """Rows written before 0004 get their sender from the parsed message and their check from the evidence."""
    import alembic.command
    from sqlalchemy import text

    alembic.command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        for raw_id, sender in ((1, "A@QuangNinh.gov.vn"), (2, "someone@gmail.com"), (3, None)):
            connection.execute(text(
                "INSERT INTO raw_message (id, sha256, size, received_at, received_source, fetched_at, state, attempts)"
                " VALUES (:id, :sha, 1, '2019-12-01 00:00:00', 'internaldate', '2019-12-01 00:00:00', 'submission', 1)"),
                {"id": raw_id, "sha": f"{raw_id:064d}"})
            connection.execute(text(
                "INSERT INTO parsed_message (raw_message_id, from_address, \"to\", cc, reply_to, \"references\","
                " auth_results, body_text, body_source, defects) VALUES (:id, :sender, '[]', '[]', '[]', '[]', '{}',"
                " '', 'none', '[]')"), {"id": raw_id, "sender": sender})
        connection.execute(text(
            "INSERT INTO submission (raw_message_id, unit, state, confidence, evidence, sections, created_at) VALUES"
            " (1, '22', 'accepted', 0.9, '[\"sender domain quangninh.gov.vn → 22\"]', '[]', '2019-12-01 00:00:00'),"
            " (2, '22', 'accepted', 0.9, '[\"unverified sender: someone@gmail.com is not a known address of 22\"]',"
            "  '[]', '2019-12-01 00:00:00'),"
            " (3, NULL, 'needs_review', 0, '[]', '[]', '2019-12-01 00:00:00')"))
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT raw_message_id, sender, sender_check, updated_at IS NOT NULL FROM submission ORDER BY 1")).all()
    assert [tuple(row) for row in rows] == [(1, "a@quangninh.gov.vn", "known", True),
                                            (2, "someone@gmail.com", "unknown", True), (3, None, "none", True)]


def test_0008_downgrades_and_upgrades_again_on_sqlite(tmp_path):
    """Its downgrade drops submission.candidates without SQLite's table copy, which the status view would break."""
    from alembic import command
    from sqlalchemy import inspect

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    assert "candidates" not in {c["name"] for c in inspect(engine).get_columns("submission")}
    assert "web_user" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()


def test_0009_downgrades_and_upgrades_again(engine):
    """Its columns go without a table copy (the status view on SQLite), and come back with their defaults."""
    from alembic import command
    from sqlalchemy import text

    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    assert "kind" not in {c["name"] for c in inspect(engine).get_columns("submission")}
    assert "source" not in {c["name"] for c in inspect(engine).get_columns("campaign")}
    assert "kind" not in {c["name"] for c in inspect(engine).get_columns("review_decision")}
    with engine.begin() as connection:  # a row from before: the defaults fill the new columns
        connection.execute(text(
            "INSERT INTO campaign (id, letter, title, report_year, plan_year, issued, deadline, unit_registry, outline,"
            " exempt, message_ids, in_config, synced_at) VALUES ('tk2019', '5025/LĐTBXH-KHTC', '', 2019, 2020,"
            " '2019-11-25', '2019-12-15 16:59:59', 'vn63', '[]', '[]', '[]', true, '2019-12-01 00:00:00')"))
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:
        row = connection.execute(text("SELECT source, sections, \"match\" FROM campaign")).one()
    assert row[0] == "config" and row[1] in ([], "[]") and row[2] in ({}, "{}")


def test_0010_downgrades_and_upgrades_again(engine):
    """Claims that name their processor: a plain column, gone and back without a table copy."""
    from alembic import command
    from sqlalchemy import text

    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    assert "claimed_by" not in {c["name"] for c in inspect(engine).get_columns("raw_message")}
    with engine.begin() as connection:  # in flight at the upgrade, charged by the claim as before; and one waiting
        for raw_id, claimed_at, attempts in ((1, "'2019-12-01 00:00:00'", 2), (2, "NULL", 1)):
            connection.execute(text(
                "INSERT INTO raw_message (id, sha256, size, received_at, received_source, fetched_at, state, attempts,"
                f" claimed_at) VALUES ({raw_id}, '{raw_id}', 1, '2019-12-01 00:00:00', 'internaldate',"
                f" '2019-12-01 00:00:00', 'fetched', {attempts}, {claimed_at})"))
    upgrade(engine)
    assert "claimed_by" in {c["name"] for c in inspect(engine).get_columns("raw_message")}
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:  # the claim's charge given back: it will run alone, charged then
        assert connection.execute(text("SELECT id, attempts FROM raw_message ORDER BY id")).all() == [(1, 1), (2, 1)]


def test_0011_outbox_indexes_go_down_and_up_again(engine):
    """(kind, step): any message answered is found by the index, and a second resend request for one
    message is refused by the database, on both engines; a receipt of the same step is not."""
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    def insert(connection, outbox_id: int, unit: str, kind: str) -> None:
        connection.execute(text(
            "INSERT INTO outbox (id, campaign, unit, kind, step, message_id, mail_from, \"to\", cc, subject, raw,"
            " as_of, state, attempts, next_attempt_at, refused, created_at) VALUES"
            f" ({outbox_id}, 'c', '{unit}', '{kind}', 'message-1', '<{outbox_id}@x>', 'a@x', '[]', '[]', '', :raw,"
            " '2019-12-01 00:00:00', 'queued', 0, '2019-12-01 00:00:00', '{}', '2019-12-01 00:00:00')"),
            {"raw": b""})

    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    assert not {"ix_outbox_kind_step", "uq_outbox_resend_request_step"} & {
        index["name"] for index in inspect(engine).get_indexes("outbox")}
    upgrade(engine)
    assert {"ix_outbox_kind_step", "uq_outbox_resend_request_step"} <= {
        index["name"] for index in inspect(engine).get_indexes("outbox")}
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO campaign (id, letter, title, report_year, plan_year, issued, deadline,"
                                " unit_registry, outline, exempt, message_ids, in_config, synced_at) VALUES ('c', 'l',"
                                " '', 2019, 2020, '2019-11-01', '2019-12-15 00:00:00', 'vn63', '[]', '[]', '[]', true,"
                                " '2019-11-01 00:00:00')"))
        insert(connection, 1, "22", "resend_request")
        insert(connection, 2, "22", "receipt")
        insert(connection, 3, "01", "receipt")  # another unit's receipt of the same step: no rule against it
    with pytest.raises(IntegrityError), engine.begin() as connection:
        insert(connection, 4, "", "resend_request")  # the same message, filed under another unit


def test_0012_alerts_go_down_and_up_again_keeping_address_failures(engine):
    """outbox.campaign made NULL-able (SQLite copies the table: an address failure's link to its
    e-mail survives), one active alarm per condition and subject, one e-mail per alarm step; down
    again, the alarms' e-mails go and the links of the others stay."""
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    def insert(connection, outbox_id: int, campaign: str | None, kind: str, step: str) -> None:
        connection.execute(text(
            "INSERT INTO outbox (id, campaign, unit, kind, step, message_id, mail_from, \"to\", cc, subject, raw,"
            " as_of, state, attempts, next_attempt_at, refused, created_at) VALUES"
            f" ({outbox_id}, :campaign, '22', '{kind}', '{step}', '<{outbox_id}@x>', 'a@x', '[]', '[]', '', :raw,"
            " '2019-12-01 00:00:00', 'sent', 1, '2019-12-01 00:00:00', '{}', '2019-12-01 00:00:00')"),
            {"raw": b"", "campaign": campaign})

    def failure(connection, failure_id: int, outbox_id: int) -> None:
        connection.execute(text(
            "INSERT INTO address_failure (id, address, outbox_id, permanent, at) VALUES"
            f" ({failure_id}, 'a@b.vn', {outbox_id}, true, '2019-12-02 00:00:00')"))

    def alert(connection, condition: str, cleared: str | None) -> None:
        connection.execute(text(
            "INSERT INTO alert (condition, subject, summary, detail, raised_at, seen_at, cleared_at) VALUES"
            " (:condition, '', 's', '', '2019-12-01 00:00:00', '2019-12-01 00:00:00', :cleared)"),
            {"condition": condition, "cleared": cleared})

    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    assert "alert" not in inspect(engine).get_table_names()
    assert "polls" not in {c["name"] for c in inspect(engine).get_columns("folder_state")}
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO campaign (id, letter, title, report_year, plan_year, issued, deadline,"
                                " unit_registry, outline, exempt, message_ids, in_config, synced_at) VALUES ('c', 'l',"
                                " '', 2019, 2020, '2019-11-01', '2019-12-15 00:00:00', 'vn63', '[]', '[]', '[]', true,"
                                " '2019-11-01 00:00:00')"))
        insert(connection, 1, "c", "reminder", "before-5")
        failure(connection, 1, 1)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT outbox_id FROM address_failure")).scalar() == 1
    with engine.begin() as connection:
        insert(connection, 2, None, "alert", "alert-1")
        failure(connection, 2, 2)
        alert(connection, "disk_low", "2019-12-02 00:00:00")
        alert(connection, "disk_low", None)  # one cleared, one active: allowed
    with pytest.raises(IntegrityError), engine.begin() as connection:
        alert(connection, "disk_low", None)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        insert(connection, 3, None, "alert", "alert-1")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM outbox")).scalars().all() == [1]
        assert connection.execute(text("SELECT id, outbox_id FROM address_failure ORDER BY id")).all() == [
            (1, 1), (2, None)]
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION


def test_0014_department_part_goes_down_and_up_again(engine):
    """The department of a part of the unit's answer: a plain column, gone and back beside the status view."""
    from alembic import command

    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    assert "department_part" not in {c["name"] for c in inspect(engine).get_columns("submission")}
    upgrade(engine)
    assert "department_part" in {c["name"] for c in inspect(engine).get_columns("submission")}
    assert current_revision(engine) == HEAD_REVISION


def test_0015_status_view_goes_down_and_up_again(engine):
    """The view's first receipt, the lead department's since 0015, and back."""
    from alembic import command

    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
    assert current_revision(engine) == "0014" and "campaign_unit_status" in inspect(engine).get_view_names()
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
