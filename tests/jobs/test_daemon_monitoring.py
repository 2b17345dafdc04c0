"""`reportbox run` watched as ministry IT watches it: /metrics from its loopback listener, read by
prometheus_client's parser, and an alarm e-mailed once to the real test SMTP server, not again
after a restart."""

from __future__ import annotations

import signal
from datetime import datetime, timezone
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sqlalchemy import func, select

from models.db import make_engine, session_factory
from models.schema import Alert, MessageState, Outbox, OutboxKind, utcnow
from tests.jobs.test_daemon import _counts, _fill, _start, _wait_for, daemon_config  # noqa: F401 (fixture)
from tests.servers.common import free_port, http_status

IT = "it@molisa.gov.vn"


def _scrape(port: int) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _polls(port: int) -> float:
    return _scrape(port).get(("reportbox_folder_polls_total", (("folder", "INBOX"), ("mailbox", "phongkh"))), 0)


def _alarms(server) -> list:
    return [m for m in server.messages() if m.rcpt_tos == [IT]]


def _stop(daemon) -> None:
    daemon.send_signal(signal.SIGTERM)
    _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err


@pytest.mark.slow
def test_daemon_serves_metrics_on_loopback_and_mails_an_alarm_once_across_a_restart(daemon_config, imap_account,  # noqa: F811
                                                                                      smtp_server):
    port = free_port()
    config = daemon_config(extra=f"""
[smtp]
host = "{smtp_server.host}"
port = {smtp_server.port}
security = "none"
from = "reportbox <phongkh@molisa.gov.vn>"
max_per_minute = 100000
[alerts]
to = ["{IT}"]
min_free_mb = 1000000000
[metrics]
listen = "127.0.0.1:{port}"
""")
    _fill(imap_account, 2)
    daemon = _start(config, imap_account.password, "run")
    try:
        _wait_for(lambda: _counts(config).get(MessageState.SUBMISSION) == 2, 30, "the first poll")
        _wait_for(lambda: http_status(port, "/metrics") == 200, 15, "the metrics listener")
        found = _scrape(port)
        assert found[("reportbox_messages", (("state", "submission"),))] == 2
        assert found[("reportbox_folder_polls_total", (("folder", "INBOX"), ("mailbox", "phongkh")))] >= 1
        assert found[("reportbox_folder_consecutive_failures", (("folder", "INBOX"), ("mailbox", "phongkh")))] == 0
        assert found[("reportbox_daemon_lease_held", ())] == 1
        (alarm,) = _wait_alarm(smtp_server)
        assert alarm.message["Subject"] == "[reportbox] Cảnh báo: Ổ đĩa lưu thư sắp đầy"
        _wait_for(lambda: _scrape(port).get(("reportbox_alerts_active", (("condition", "disk_low"),))) == 1, 10,
                  "the alarm in the metrics")
        _stop(daemon)
        assert http_status(port, "/metrics") is None  # stopped with the daemon

        restarted = utcnow()
        daemon = _start(config, imap_account.password, "run")
        _wait_for(lambda: http_status(port, "/metrics") == 200, 15, "the metrics listener again")
        _wait_for(lambda: _disk_low_seen(config) > restarted, 30, "an evaluation after the restart")
        before = _polls(port)
        _wait_for(lambda: _polls(port) >= before + 1, 30, "a poll, and its mail pass, after that evaluation")
        _stop(daemon)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert _alarm_rows(config) == 1  # the evaluation after the restart queued no second e-mail
    assert len(_alarms(smtp_server)) == 1


def _query(config, statement):
    engine = make_engine(f"sqlite:///{config.parent / 'reportbox.db'}")
    try:
        with session_factory(engine)() as session:
            return session.scalar(statement)
    finally:
        engine.dispose()


def _disk_low_seen(config):
    """When the alarms' evaluation last found the disk short of space (it keeps the alarm's seen_at)."""
    return _query(config, select(Alert.seen_at).where(Alert.condition == "disk_low")) or datetime.min.replace(tzinfo=timezone.utc)


def _alarm_rows(config) -> int:
    return _query(config, select(func.count()).select_from(Outbox).where(Outbox.kind == OutboxKind.ALERT))


def _wait_alarm(server) -> list:
    _wait_for(lambda: _alarms(server), 60, "the alarm e-mail")
    return _alarms(server)
