"""Alarms to ministry IT: each condition mailed once (across evaluations and a restart), through the
outbox to the real test SMTP server, then cleared once when fixed; shown while active."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs import alerts
from jobs.outbox import deliver
from models.lock import DatabaseLock
from models.schema import Alert, FolderState, Mailbox, MessageState, Outbox, OutboxKind, OutboxState, RawMessage, utcnow
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)
from tests.jobs.reminder_setup import make_app

IT = "it@molisa.gov.vn"
MAILED = {"poll_stale", "quarantine_growing", "outbox_failed", "outbox_retrying", "disk_low"}


def _app(tmp_path, db_url, server, **alert_settings):  # noqa: F811
    (tmp_path / "maildir").mkdir(exist_ok=True)
    settings = {"to": [IT], "poll_stale_hours": 2, "outbox_retrying": 1, "quiet_hours": 6, **alert_settings}
    return make_app(tmp_path, db_url, server, alerts=settings,
                    mailbox=[{"name": "phongkh", "kind": "maildir", "path": str(tmp_path / "maildir")}])


def _troubles(app, now) -> None:
    """A mailbox not fetched for 10 hours, a message quarantined, an e-mail failed and one retrying."""
    with app.sessions.begin() as session:
        mailbox = Mailbox(name="phongkh", kind="maildir", created_at=now - timedelta(days=3))
        session.add(mailbox)
        session.flush()
        session.add(FolderState(mailbox_id=mailbox.id, folder="INBOX", last_uid=0, consecutive_failures=7,
                                last_success_at=now - timedelta(hours=10), last_poll_at=now,
                                last_error="connection: refused"))
        _quarantine(session, "a", now - timedelta(minutes=5))
        for step, state, error, retry_at in (("s1", OutboxState.FAILED, "550 5.1.1 no such user", now),
                                             ("s2", OutboxState.QUEUED, "451 try later", now + timedelta(hours=1))):
            session.add(Outbox(campaign="tk2019", unit="22", kind=OutboxKind.REMINDER, step=step,
                               message_id=f"<{step}@x>", mail_from="phongkh@molisa.gov.vn", to=["a@b.vn"], cc=[],
                               subject="s", raw=b"Subject: s\r\n\r\nx\r\n", as_of=now, state=state, attempts=1,
                               next_attempt_at=retry_at, claimed_at=now - timedelta(minutes=1), refused={},
                               error=error, created_at=now - timedelta(hours=1)))


def _quarantine(session, name: str, at) -> None:
    session.add(RawMessage(sha256=hashlib.sha256(name.encode()).hexdigest(), size=1, received_at=at,
                           received_source="internaldate", state=MessageState.QUARANTINED, reason="crashed",
                           attempts=3, processed_at=at))


def _alarm_mails(server) -> list:
    return [m for m in server.messages() if m.rcpt_tos == [IT]]


def test_each_condition_mailed_once_across_evaluations_and_a_restart_then_cleared_once(tmp_path, db_url,  # noqa: F811
                                                                                      smtp_server):
    now = utcnow()
    app = _app(tmp_path, db_url, smtp_server, min_free_mb=10 ** 9)  # no disk has a petabyte free
    try:
        _troubles(app, now)
        first = alerts.evaluate(app, clock=lambda: now)
        assert len(first.raised) == len(first.queued) == 5
        assert alerts.evaluate(app, clock=lambda: now + timedelta(minutes=1)).raised == []
    finally:
        app.close()
    app = _app(tmp_path, db_url, smtp_server, min_free_mb=10 ** 9)  # a restart, before any was delivered
    try:
        assert alerts.evaluate(app, clock=lambda: now + timedelta(minutes=2)).raised == []
        shown = {c.name for c in alerts.active_conditions(app)}
        assert MAILED | {"mailbox_failing", "daemon_stale"} <= shown
        delivered = deliver(app)
        assert len(delivered.sent) == 5
    finally:
        app.close()
    mails = _alarm_mails(smtp_server)
    assert len(mails) == 5
    subjects = sorted(m.message["Subject"] for m in mails)
    assert all(s.startswith("[reportbox] Cảnh báo: ") for s in subjects)
    assert "[reportbox] Cảnh báo: Hộp thư phongkh không lấy được thư" in subjects
    bodies = "\n".join(m.message.get_content() for m in mails)
    assert "550 5.1.1 no such user" in bodies and "message 1: crashed" in bodies and "MB trống" in bodies
    assert "What to do: see `reportbox outbox --state failed`; `reportbox outbox retry ID` sends one again." in bodies

    # Mended: the mailbox polls, the disk limit is sane, the retry is cancelled; the growing ones
    # (quarantine, failed e-mails) are over after quiet_hours without growth.
    app = _app(tmp_path, db_url, smtp_server, min_free_mb=0, min_free_percent=0)
    later = now + timedelta(hours=7)
    try:
        with app.sessions.begin() as session:
            folder = session.scalars(select(FolderState)).one()
            folder.last_success_at, folder.consecutive_failures = later, 0
            session.query(Outbox).filter(Outbox.step == "s2").update({"state": OutboxState.CANCELLED})
        cleared = alerts.evaluate(app, clock=lambda: later)
        assert (len(cleared.cleared), len(cleared.raised), len(cleared.queued)) == (5, 0, 5)
        assert alerts.evaluate(app, clock=lambda: later + timedelta(minutes=1)).cleared == []
        deliver(app, clock=lambda: later + timedelta(minutes=1))
        mails = _alarm_mails(smtp_server)
        assert len(mails) == 10
        assert sum(m.message["Subject"].startswith("[reportbox] Đã hết: ") for m in mails) == 5

        # A new quarantined message is a new alarm, mailed once more.
        with app.sessions.begin() as session:
            _quarantine(session, "b", later + timedelta(minutes=2))
        again = alerts.evaluate(app, clock=lambda: later + timedelta(minutes=3))
        assert len(again.raised) == 1
        with app.sessions() as session:
            alert = session.get(Alert, again.raised[0])
            assert alert.condition == "quarantine_growing" and alert.summary.startswith("1 message(s)")
    finally:
        app.close()


def test_a_growing_quarantine_stays_one_alarm_while_it_grows(tmp_path, db_url, smtp_server):  # noqa: F811
    now = utcnow()
    app = _app(tmp_path, db_url, smtp_server)
    try:
        with app.sessions.begin() as session:
            _quarantine(session, "a", now)
        assert len(alerts.evaluate(app, clock=lambda: now).raised) == 1
        for hour in range(1, 10):  # one more every hour: never six hours of calm
            with app.sessions.begin() as session:
                _quarantine(session, f"a{hour}", now + timedelta(hours=hour))
            step = alerts.evaluate(app, clock=lambda: now + timedelta(hours=hour, minutes=1))
            assert step.raised == step.cleared == []
        assert len(alerts.evaluate(app, clock=lambda: now + timedelta(hours=15, minutes=2)).cleared) == 1
        with app.sessions() as session:
            kinds = [row.step.split("-")[0] for row in session.scalars(
                select(Outbox).where(Outbox.kind == OutboxKind.ALERT).order_by(Outbox.id))]
        assert kinds == ["alert", "cleared"]
    finally:
        app.close()


def test_a_lost_lease_is_mailed_once_and_over_when_a_daemon_holds_it(tmp_path, db_url, smtp_server):  # noqa: F811
    app = _app(tmp_path, db_url, smtp_server, min_free_percent=0, min_free_mb=0)
    try:
        loser, winner = DatabaseLock(app.sessions), DatabaseLock(app.sessions, stale_after=0)
        loser.acquire()
        winner.acquire()  # the loser's lease looked stale: taken over
        assert not loser.renew()
        alerts.lease_lost(app, loser.holder)
        alerts.lease_lost(app, loser.holder)  # told twice: one alarm
        assert alerts.evaluate(app, holder=loser.holder).cleared == []  # not by the one that lost it
        assert [c.name for c in alerts.active_conditions(app)] == ["lease_lost"]
        over = alerts.evaluate(app, holder=winner.holder)
        assert len(over.cleared) == 1 and over.queued == []  # an event: no "cleared" e-mail
        deliver(app)
    finally:
        app.close()
    (mail,) = _alarm_mails(smtp_server)
    assert mail.message["Subject"] == "[reportbox] Cảnh báo: Tiến trình reportbox bị mất quyền chạy"
    assert winner.holder in mail.message.get_content()


def test_without_recipients_alarms_are_shown_not_mailed(tmp_path, db_url, smtp_server):  # noqa: F811
    app = _app(tmp_path, db_url, smtp_server, to=[], min_free_mb=10 ** 9)
    try:
        result = alerts.evaluate(app)
        assert len(result.raised) == 1 and result.queued == []
        assert "disk_low" in {c.name for c in alerts.active_conditions(app)}
        with app.sessions() as session:
            assert session.scalars(select(Outbox).where(Outbox.kind == OutboxKind.ALERT)).all() == []
    finally:
        app.close()


@pytest.mark.parametrize("free_mb, free_percent, raised", [(10 ** 9, 0, True), (0, 99.9, True), (0, 0, False)])
def test_disk_low_by_megabytes_or_percent(tmp_path, smtp_server, free_mb, free_percent, raised):
    app = _app(tmp_path, f"sqlite:///{tmp_path / 'd.db'}", smtp_server, min_free_mb=free_mb,
               min_free_percent=free_percent)
    try:
        with app.sessions() as session:
            found = [c for c in alerts.check(app, session, utcnow()) if c.name == "disk_low"]
        assert bool(found) is raised
    finally:
        app.close()


def test_the_daemon_that_loses_its_lease_raises_the_alarm_and_stops(tmp_path, smtp_server):
    from jobs.daemon import Daemon

    app = _app(tmp_path, f"sqlite:///{tmp_path / 'l.db'}", smtp_server, min_free_mb=0, min_free_percent=0)
    try:
        daemon = Daemon(app)
        daemon.lock.acquire()
        DatabaseLock(app.sessions, stale_after=0).acquire()  # a second daemon takes the lease over
        daemon._heartbeat()
        assert daemon.stop.is_set()
        (condition,) = alerts.active_conditions(app)
        assert condition.name == "lease_lost" and daemon.lock.holder in condition.summary
    finally:
        app.close()


def test_outbox_command_lists_the_alarms_with_no_campaign(tmp_path, smtp_server):
    import json

    from tests.test_cli import reportbox

    app = _app(tmp_path, f"sqlite:///{tmp_path / 'o.db'}", smtp_server, min_free_mb=10 ** 9)
    try:
        alerts.evaluate(app)
    finally:
        app.close()
    config = tmp_path / "reportbox.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "o.db"}"\n[storage]\nraw_dir = "raw"\n',
                      encoding="utf-8")
    listed = reportbox("--config", str(config), "outbox", "--kind", "alert", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert (row["campaign"], row["unit"], row["kind"], row["step"], row["to"]) == (None, "", "alert", "alert-1", [IT])
    table = reportbox("--config", str(config), "outbox", "--kind", "alert")
    assert table.returncode == 0 and "alert-1" in table.stdout, table.stderr


def test_an_alarm_whose_mail_cannot_be_written_is_not_raised_until_it_can(tmp_path, smtp_server, caplog):
    """The alarm and its e-mail are one transaction: a broken template of the operator's leaves no
    alarm recorded without its e-mail; mended, the next evaluation raises and mails it."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "alert.j2").write_text("{% block subject %}{{ nonexistent.x }}{% endblock %}{% block body %}{% endblock %}",
                                        encoding="utf-8")
    url = f"sqlite:///{tmp_path / 't.db'}"
    app = _app(tmp_path, url, smtp_server, min_free_mb=10 ** 9, outbox_retrying=1)
    broken = make_app(tmp_path, url, smtp_server, alerts={"to": [IT], "min_free_mb": 10 ** 9},
                      outgoing={"templates_dir": str(templates)})
    try:
        assert alerts.evaluate(broken).raised == []
        assert "alarm disk_low : template alert.j2" in caplog.text
        with app.sessions() as session:
            assert session.scalars(select(Alert)).all() == []
        assert len(alerts.evaluate(app).queued) == 1
    finally:
        broken.close()
        app.close()


def _retrying(app, now, waiting: bool) -> None:
    """One e-mail to a province waiting to be tried again after a failure (waiting) or sent at last."""
    with app.sessions.begin() as session:
        row = session.scalars(select(Outbox).where(Outbox.step == "hover")).first()
        if row is None:
            row = Outbox(campaign="tk2019", unit="22", kind=OutboxKind.REMINDER, step="hover",
                         message_id="<hover@x>", mail_from="phongkh@molisa.gov.vn", to=["a@b.vn"], cc=[],
                         subject="s", raw=b"Subject: s\r\n\r\nx\r\n", as_of=now, attempts=1, next_attempt_at=now,
                         refused={}, created_at=now)
            session.add(row)
        row.state, row.error = (OutboxState.QUEUED, "451 try later") if waiting else (OutboxState.SENT, None)


def test_a_condition_hovering_at_its_threshold_is_one_alarm_cleared_once_after_the_hold(tmp_path, db_url,  # noqa: F811
                                                                                        smtp_server):
    """The retry count going over and under its limit each minute: one alarm e-mail, no clear while
    it comes back within clear_after_minutes; false for longer: cleared once."""
    app = _app(tmp_path, db_url, smtp_server, outbox_retrying=1, min_free_mb=0,
               min_free_percent=0, clear_after_minutes=30)
    start = utcnow()
    try:
        steps = []
        for minute, waiting in ((0, True), (1, False), (2, True), (3, False), (4, True), (5, False), (33, False)):
            _retrying(app, start, waiting)
            steps.append(alerts.evaluate(app, clock=lambda: start + timedelta(minutes=minute)))
        assert [len(s.raised) for s in steps] == [1, 0, 0, 0, 0, 0, 0]
        assert [len(s.cleared) for s in steps] == [0, 0, 0, 0, 0, 0, 0]  # last true at 4: the hold ends at 34
        over = alerts.evaluate(app, clock=lambda: start + timedelta(minutes=35))
        assert len(over.cleared) == 1 and len(over.queued) == 1
        assert alerts.evaluate(app, clock=lambda: start + timedelta(minutes=36)).cleared == []
        deliver(app, clock=lambda: start + timedelta(minutes=36))
    finally:
        app.close()
    subjects = [m.message["Subject"] for m in _alarm_mails(smtp_server)]
    assert sorted(subjects) == ["[reportbox] Cảnh báo: Nhiều thư gửi đi đang chờ gửi lại",
                                "[reportbox] Đã hết: Nhiều thư gửi đi đang chờ gửi lại"]


def test_alarms_raised_before_recipients_are_mailed_once_when_they_are_set(tmp_path, db_url, smtp_server):  # noqa: F811
    """Raised while [alerts] to was empty: the ones still active are mailed at the first evaluation
    with recipients (a reload or restart), once; one that cleared meanwhile is mailed neither way."""
    now = utcnow()
    quiet = _app(tmp_path, db_url, smtp_server, to=[], min_free_mb=10 ** 9, outbox_retrying=1)
    try:
        with quiet.sessions.begin() as session:
            _quarantine(session, "q", now)
        _retrying(quiet, now, waiting=True)
        silent = alerts.evaluate(quiet, clock=lambda: now)
        assert len(silent.raised) == 3 and silent.queued == []
        _retrying(quiet, now, waiting=False)  # the retrying e-mail went: that alarm will clear unmailed
    finally:
        quiet.close()
    told = _app(tmp_path, db_url, smtp_server, min_free_mb=10 ** 9, outbox_retrying=1)
    later = now + timedelta(hours=1)  # the quarantine in its quiet hours: active, not true this minute
    try:
        first = alerts.evaluate(told, clock=lambda: later)
        assert first.raised == [] and len(first.cleared) == 1 and len(first.queued) == 2
        again = alerts.evaluate(told, clock=lambda: later + timedelta(minutes=1))
        assert again.queued == again.raised == again.cleared == []
        deliver(told, clock=lambda: later + timedelta(minutes=1))
    finally:
        told.close()
    mails = _alarm_mails(smtp_server)
    assert sorted(m.message["Subject"] for m in mails) == [
        "[reportbox] Cảnh báo: Có thư mới bị cách ly (không xử lý được)",
        "[reportbox] Cảnh báo: Ổ đĩa lưu thư sắp đầy"]
    bodies = "\n".join(m.message.get_content() for m in mails)
    assert "1 message(s) quarantined since the last alarm" in bodies and "MB trống" in bodies
