"""Retention: old auto-replies, bounces and duplicates lose their raw bytes, never their rows; nothing a
planner may need is touched, a message seen again is still recognised, and a crash midway is finished
by the next run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select, update

from jobs.poll import poll, process
from jobs.retention import PRUNABLE_REASONS, prune
from models.messages import reset_for_reprocess
from models.schema import RawMessage, utcnow
from reportbox import samples
from reportbox.app import App, make_source, open_app
from reportbox.config import config_from_dict


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reportbox.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(tmp_path, db_url):
    app = _deployment(tmp_path, db_url)
    yield app
    app.close()


def _deployment(tmp_path, db_url: str) -> App:
    """An .eml folder of one report, its re-delivery, an auto-reply, a reply and not-mail, polled."""
    folder = tmp_path / "eml"
    folder.mkdir()
    report = samples.report_message(samples.PROVINCES[0], message_id="<report@hanoi.gov.vn>")
    (folder / "1-report.eml").write_bytes(report)
    (folder / "2-relayed-twice.eml").write_bytes(b"Received: from relay2 by mx; Tue, 10 Dec 2019 09:40:00 +0700\r\n"
                                                 + report)
    (folder / "3-auto-reply.eml").write_bytes(_mail("<away@haiphong.gov.vn>", "Trả lời tự động: đi vắng",
                                                    {"Auto-Submitted": "auto-replied"}))
    (folder / "4-reply.eml").write_bytes(_mail("<thanks@hue.gov.vn>", "Re: Công văn 5025", {}))
    (folder / "5-not-mail.eml").write_bytes(b"\x00\x01 this is no e-mail at all \xff" * 20)
    config = config_from_dict({"database": {"url": db_url}, "storage": {"raw_dir": str(tmp_path / "raw")},
                               "mailbox": [{"name": "archive", "kind": "eml-dir", "path": str(folder)}]},
                              tmp_path / "reportbox.toml")
    app = open_app(config)
    poll(app, _sources(app))
    return app


def _mail(message_id: str, subject: str, headers: dict) -> bytes:
    message = EmailMessage()
    message["From"] = "vanthu@tinh.gov.vn"
    message["To"] = "khtc@molisa.gov.vn"
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow() - timedelta(days=30))
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name] = value
    message.set_content("Chúng tôi đã nhận được thư của quý cơ quan.")
    return bytes(message)


def _sources(app: App):
    return [make_source(m) for m in app.config.mailbox]


def _rows(app: App) -> dict[str, RawMessage]:
    with app.sessions() as session:
        return {row.reason or row.state: row for row in session.scalars(select(RawMessage))}


def test_only_old_auto_replies_bounces_and_duplicates_lose_their_bytes(app):
    before = _rows(app)
    assert set(before) == {"submission", "duplicate_message_id", "auto_reply", "no_documents", "not_an_email"}
    assert prune(app, 3).messages == 0  # fetched just now: not old enough

    report = prune(app, 3, now=utcnow() + timedelta(days=4))
    after = _rows(app)
    deleted = {reason for reason, row in after.items() if row.raw_deleted_at is not None}
    assert deleted == {"duplicate_message_id", "auto_reply"} and deleted <= set(PRUNABLE_REASONS)
    assert report.messages == report.files == 2
    assert report.bytes == sum(before[reason].size for reason in deleted)
    for reason, row in after.items():
        assert app.store.path(row.sha256).exists() == (reason not in deleted), reason
        assert (row.state, row.reason, row.message_id) == (before[reason].state, before[reason].reason,
                                                           before[reason].message_id)
    assert after["auto_reply"].body_sha256 is not None  # kept, for deduplication to compare with later
    assert prune(app, 3, now=utcnow() + timedelta(days=4)).messages == 0  # nothing left to do


def test_a_message_seen_again_after_its_bytes_went_is_recognised_not_fetched_as_new(app, tmp_path):
    prune(app, 1, now=utcnow() + timedelta(days=2))
    folder = tmp_path / "eml"
    auto_reply = (folder / "3-auto-reply.eml").read_bytes()
    (folder / "6-auto-reply-again.eml").write_bytes(auto_reply)  # the very same bytes under another name
    (folder / "7-auto-reply-relayed.eml").write_bytes(b"Received: from relay3 by mx; Tue, 10 Dec 2019 09:41:00 +0700\r\n"
                                                      + auto_reply)
    again = poll(app, _sources(app))
    assert again.errors == []
    assert (again.fetched.new, again.fetched.seen_again, again.fetched.duplicates) == (0, 1, 1)
    with app.sessions() as session:
        relayed = session.scalars(select(RawMessage).order_by(RawMessage.id.desc())).first()
    assert relayed.reason == "duplicate_message_id" and relayed.duplicate_of_id == _rows(app)["auto_reply"].id


def test_reprocess_leaves_messages_without_bytes_as_they_are(app):
    prune(app, 1, now=utcnow() + timedelta(days=2))
    before = {reason: (row.state, row.raw_deleted_at) for reason, row in _rows(app).items()}
    with app.sessions.begin() as session:
        reset = reset_for_reprocess(session, None)
    assert reset == 3  # the report, the reply and the not-mail; not the auto-reply (nor the duplicate)
    counts = process(app)
    assert counts.quarantined == 0 and counts.failed == 1  # the not-mail, as before
    assert {reason: (row.state, row.raw_deleted_at) for reason, row in _rows(app).items()} == before
    with app.sessions.begin() as session:
        assert reset_for_reprocess(session, [_rows(app)["auto_reply"].id]) == 0


def test_a_crash_between_marking_and_deleting_is_finished_by_the_next_run(app, monkeypatch):
    import jobs.retention as retention

    real_delete = retention._delete

    def power_cut(store, sha256):
        raise RuntimeError("power cut")

    monkeypatch.setattr(retention, "_delete", power_cut)
    with pytest.raises(RuntimeError):
        prune(app, 1, now=utcnow() + timedelta(days=2))
    marked = [row for row in _rows(app).values() if row.raw_deleted_at is not None]
    assert marked and all(app.store.path(row.sha256).exists() for row in marked)  # recorded, not yet deleted

    monkeypatch.setattr(retention, "_delete", real_delete)
    report = prune(app, 1, now=utcnow() + timedelta(days=2))
    assert report.messages == 0 and report.files == len(marked) == 2
    assert not any(app.store.path(row.sha256).exists() for row in marked)


def test_dry_run_deletes_nothing(app):
    report = prune(app, 1, now=utcnow() + timedelta(days=2), dry_run=True)
    assert report.messages == 2 and report.files == 0 and report.bytes > 0
    rows = _rows(app).values()
    assert all(row.raw_deleted_at is None and app.store.path(row.sha256).exists() for row in rows)


def test_prune_command_and_a_backup_after_it(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'reportbox.db'}"
    app = _deployment(tmp_path, db_url)
    config = tmp_path / "reportbox.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n[storage]\nraw_dir = "{tmp_path / "raw"}"\nkeep_raw_days = 1\n',
                      encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), *args],
                              capture_output=True, text=True, timeout=120, env=dict(os.environ))

    # Fetched today: nothing is a day old yet.
    assert run("prune", "--dry-run").stdout.startswith("would delete the raw bytes of 0 message(s)")
    with app.sessions.begin() as session:  # as if fetched three days ago
        for row in session.scalars(select(RawMessage)):
            row.fetched_at = utcnow() - timedelta(days=3)
    result = run("prune")
    assert result.returncode == 0 and result.stdout.startswith("deleted the raw bytes of 2 message(s)"), result.stderr
    backup = run("backup", "--out", str(tmp_path / "b"))
    assert backup.returncode == 0, backup.stderr  # the deleted files are not missing: no row wants them
    assert "3 raw message(s)" in backup.stdout
    app.close()


def test_the_daemon_schedules_retention_only_when_it_is_set(app):
    from jobs.daemon import Daemon

    for keep, expected in ((None, False), (30, True)):
        app.config = app.config.model_copy(update={"storage": app.config.storage.model_copy(
            update={"keep_raw_days": keep})})
        daemon = Daemon(app)
        daemon._schedule()
        assert (daemon.scheduler.get_job("retention") is not None) == expected


def test_a_stop_ends_the_prune_between_two_batches_and_the_next_run_goes_on(app, monkeypatch):
    import threading

    import jobs.retention as retention

    monkeypatch.setattr(retention, "BATCH", 1)
    stop = threading.Event()
    real_mark = retention._mark

    def mark_then_stop(*args):  # the daemon told to stop while the first batch is in hand
        stop.set()
        return real_mark(*args)

    monkeypatch.setattr(retention, "_mark", mark_then_stop)
    later = utcnow() + timedelta(days=2)
    assert prune(app, 1, now=later, stop=stop).messages == 1  # the batch in hand is finished, no other
    monkeypatch.setattr(retention, "_mark", real_mark)
    assert prune(app, 1, now=later).messages == 1
    assert sum(row.raw_deleted_at is not None for row in _rows(app).values()) == 2


def _auto_reply_with_a_file() -> bytes:
    """Labelled an auto-reply by its header, and carrying a file (what a scanned report or a
    forwarded one looks like to retention): its bytes are the only copy of that file."""
    message = EmailMessage()
    message["From"] = "vanthu@quangninh.gov.vn"
    message["To"] = "khtc@molisa.gov.vn"
    message["Subject"] = "Trả lời tự động: Báo cáo 2019"
    message["Date"] = format_datetime(utcnow() - timedelta(days=30))
    message["Message-ID"] = "<scan@quangninh.gov.vn>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Xin gửi lại bản chụp báo cáo.")
    message.add_attachment(b"GIF89a" + bytes(40), maintype="image", subtype="gif", filename="bao-cao-2019.gif")
    return bytes(message)


def test_a_message_carrying_a_file_keeps_its_bytes_whatever_its_label(app, tmp_path):
    from models.schema import Attachment

    (tmp_path / "eml" / "8-auto-reply-with-file.eml").write_bytes(_auto_reply_with_a_file())
    assert poll(app, _sources(app)).errors == []
    with app.sessions() as session:
        carrier = session.scalars(select(RawMessage).where(RawMessage.message_id == "<scan@quangninh.gov.vn>")).one()
        assert session.scalars(select(Attachment).where(Attachment.raw_message_id == carrier.id)).all()
    assert (carrier.state, carrier.reason) == ("ignored", "auto_reply")  # the label retention would go by

    report = prune(app, 1, now=utcnow() + timedelta(days=2))
    assert carrier.id not in report.ids and report.messages == 2  # the file-less auto-reply and the duplicate
    with app.sessions() as session:
        assert session.get(RawMessage, carrier.id).raw_deleted_at is None
    assert app.store.path(carrier.sha256).exists()


def test_a_reused_message_id_of_a_pruned_message_whose_file_was_gone_does_not_stop_the_poll(app, tmp_path):
    auto_reply = _rows(app)["auto_reply"]
    app.store.path(auto_reply.sha256).unlink()  # gone before retention came (a damaged or hand-cleaned store)
    prune(app, 1, now=utcnow() + timedelta(days=2))
    assert _rows(app)["auto_reply"].body_sha256 is None  # nothing was left to hash
    # Another message under the same Message-ID, another body: a message of its own.
    (tmp_path / "eml" / "8-same-id.eml").write_bytes(_mail("<away@haiphong.gov.vn>", "Re: Công văn 5025", {}))
    again = poll(app, _sources(app))
    assert again.errors == []
    assert (again.fetched.new, again.fetched.duplicates) == (1, 0)
    assert poll(app, _sources(app)).errors == []  # and the next poll of the folder as well


@pytest.fixture
def sqlite_app(tmp_path):
    app = _deployment(tmp_path, f"sqlite:///{tmp_path / 'reportbox.db'}")
    yield app
    app.close()


@pytest.fixture
def postgres_app(tmp_path, postgres_url):
    app = _deployment(tmp_path, postgres_url)
    yield app
    app.close()


def test_marking_reads_the_files_before_it_takes_the_write_lock(sqlite_app, tmp_path, monkeypatch):
    """SQLite has one writer: hashing 200 files inside the marking transaction would hold up every poll."""
    import sqlite3

    import jobs.retention as retention

    app = sqlite_app
    real_body_hash = retention._body_hash
    hashed = []

    def body_hash_while_another_writes(store, sha256):
        other = sqlite3.connect(tmp_path / "reportbox.db", timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" while the prune holds the writer's lock
            other.execute("ROLLBACK")
        finally:
            other.close()
        hashed.append(sha256)
        return real_body_hash(store, sha256)

    monkeypatch.setattr(retention, "_body_hash", body_hash_while_another_writes)
    assert prune(app, 1, now=utcnow() + timedelta(days=2)).messages == 2
    assert hashed  # the auto-reply's body was hashed (the duplicate's hash came with it)


def test_reprocess_waiting_on_a_row_a_prune_marks_leaves_it_pruned(postgres_app):
    """PostgreSQL: reprocess blocks on the row retention is marking; once that commits, the row
    is rechecked and left as it is (not put back in the queue with no bytes to parse)."""
    import threading

    from sqlalchemy import text

    app = postgres_app
    target = _rows(app)["auto_reply"].id
    done: dict = {}
    with app.sessions.begin() as marking:  # retention's transaction, holding the row
        marking.execute(update(RawMessage).where(RawMessage.id == target).values(raw_deleted_at=utcnow()))

        def reprocess():
            with app.sessions.begin() as session:
                done["reset"] = reset_for_reprocess(session, [target])

        worker = threading.Thread(target=reprocess)
        worker.start()
        with app.engine.connect() as watcher:  # until reprocess waits for the row's lock
            deadline = time.monotonic() + 60
            while not watcher.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                assert time.monotonic() < deadline and worker.is_alive(), "reprocess never waited for the row"
                time.sleep(0.02)
    worker.join(60)
    assert done["reset"] == 0
    row = _rows(app)["auto_reply"]
    assert row.state == "ignored" and row.raw_deleted_at is not None


def test_backup_and_prune_exclude_each_other(app, tmp_path, monkeypatch):
    """A backup in the middle of copying: the daemon's prune job skips the day and says so; and a
    prune in the middle of deleting makes a backup wait, which then lists what the prune left."""
    import logging
    import threading

    import jobs.backup.take as take
    import jobs.retention as retention
    from jobs.backup.take import take_backup

    app.config = app.config.model_copy(update={"storage": app.config.storage.model_copy(
        update={"keep_raw_days": 1})})
    copying, release = threading.Event(), threading.Event()
    real_copy = take.copy_hashed

    def slow_copy(source, destination):
        copying.set()
        release.wait(60)
        return real_copy(source, destination)

    monkeypatch.setattr(take, "copy_hashed", slow_copy)
    backup = threading.Thread(target=take_backup, args=(app.config, tmp_path / "b1"))
    backup.start()
    assert copying.wait(60)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    level = retention.log.level
    retention.log.setLevel(logging.INFO)
    retention.log.addHandler(handler)
    try:
        with monkeypatch.context() as later:
            later.setattr(retention, "utcnow", lambda: utcnow() + timedelta(days=2))
            retention.prune_job(app)  # the daemon's job: skips, never waits
    finally:
        retention.log.removeHandler(handler)
        retention.log.setLevel(level)
        release.set()
        backup.join(60)
    assert [r.getMessage() for r in records if "retention skipped" in r.getMessage()], records
    assert not any(row.raw_deleted_at for row in _rows(app).values())
    with pytest.raises(retention.MaintenanceBusy):
        with retention.maintenance_lock(app.store, wait=True):
            prune(app, 1, now=utcnow() + timedelta(days=2), wait=False)
    monkeypatch.setattr(take, "copy_hashed", real_copy)

    deleting, go_on = threading.Event(), threading.Event()
    real_delete = retention._delete

    def slow_delete(store, sha256):
        deleting.set()
        go_on.wait(60)
        return real_delete(store, sha256)

    monkeypatch.setattr(retention, "_delete", slow_delete)
    pruning = threading.Thread(target=prune, args=(app, 1), kwargs={"now": utcnow() + timedelta(days=2)})
    pruning.start()
    assert deleting.wait(60)
    waiting = threading.Thread(target=take_backup, args=(app.config, tmp_path / "b2"))
    waiting.start()
    waiting.join(2)
    still_waiting = waiting.is_alive() and not (tmp_path / "b2" / "database.sqlite3").exists() \
        and not (tmp_path / "b2" / "database.pgdump").exists()
    go_on.set()
    pruning.join(60)
    waiting.join(120)
    assert still_waiting  # no snapshot while the prune held the lock
    from jobs.backup.manifest import Manifest

    manifest = Manifest.read(tmp_path / "b2")
    assert manifest.missing == [] and manifest.raw_messages == 3  # the two pruned files are no row's to copy
