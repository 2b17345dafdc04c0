"""Prometheus metrics, read from the database at each scrape (README "Monitoring: metrics, alarms, /healthz").

No counter lives in a process: a custom collector asks the database, so the dashboard's /metrics
and the daemon's own listener (`[metrics] listen`) report the same truth, and a restart loses
nothing. What the health page computes (models.health) is reused; polls are counted on each
folder's row (ingest.fetch).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ingest.rawstore import disk_space
from models.health import health
from models.schema import Alert, MessageState, Outbox, OutboxKind, OutboxState, RawMessage, SubmissionState, utcnow

log = logging.getLogger("reportbox.metrics")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
FOLDER = ("mailbox", "folder")


class ReportboxCollector(Collector):
    """Every metric, from one read of the database per scrape."""

    def __init__(self, sessions: sessionmaker[Session], raw_dir: Path) -> None:
        self.sessions = sessions
        self.raw_dir = Path(raw_dir)

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("reportbox_database_up", "1 when the database answered this scrape")
        try:
            with self.sessions() as session:
                metrics = list(self._from_database(session))
        except SQLAlchemyError as exc:
            log.warning("metrics: the database did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            yield from self._disk()
            return
        up.add_metric([], 1)
        yield up
        yield from metrics
        yield from self._disk()

    def _from_database(self, session: Session) -> Iterator[Metric]:
        now = utcnow()
        report = health(session)
        running = GaugeMetricFamily("reportbox_daemon_lease_held", "1 when a daemon holds the single-instance lease")
        running.add_metric([], 1 if report.daemon_holder else 0)
        yield running
        if report.daemon_heartbeat_at is not None:
            yield GaugeMetricFamily("reportbox_daemon_heartbeat_age_seconds",
                                    "Seconds since the daemon last renewed its lease",
                                    value=(now - report.daemon_heartbeat_at).total_seconds())
        yield from _folders(report.folders)
        messages = GaugeMetricFamily("reportbox_messages", "Messages fetched, by state", labels=["state"])
        for state in MessageState.ALL:
            messages.add_metric([state], report.messages.get(state, 0))
        yield messages
        oldest = session.scalar(select(func.min(RawMessage.fetched_at)).where(RawMessage.state == MessageState.FETCHED))
        yield GaugeMetricFamily("reportbox_processing_lag_seconds",
                                "Age of the oldest message fetched and not processed yet (0: none waits)",
                                value=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
        submissions = GaugeMetricFamily("reportbox_submissions", "Submissions, by state", labels=["state"])
        for state in SubmissionState.ALL:
            submissions.add_metric([state], report.submissions.get(state, 0))
        yield submissions
        yield GaugeMetricFamily("reportbox_review_queue", "Submissions waiting for review",
                                value=report.submissions.get(SubmissionState.NEEDS_REVIEW, 0))
        yield from _outbox(session)
        alerts = GaugeMetricFamily("reportbox_alerts_active", "Alarms raised and not cleared, by condition",
                                   labels=["condition"])
        for condition, count in session.execute(select(Alert.condition, func.count()).where(
                Alert.cleared_at.is_(None)).group_by(Alert.condition)):
            alerts.add_metric([condition], count)
        yield alerts

    def _disk(self) -> Iterator[Metric]:
        try:
            space = disk_space(self.raw_dir)
        except OSError:
            return
        yield GaugeMetricFamily("reportbox_raw_store_free_bytes", "Free bytes on the raw store's file system",
                                value=space.free)
        yield GaugeMetricFamily("reportbox_raw_store_size_bytes", "Size of the raw store's file system",
                                value=space.total)


def _folders(folders) -> Iterator[Metric]:
    polls = CounterMetricFamily("reportbox_folder_polls", "Polls of a mailbox folder, failed or not", labels=FOLDER)
    failures = CounterMetricFamily("reportbox_folder_poll_failures", "Polls of a folder that failed", labels=FOLDER)
    duration = SummaryMetricFamily("reportbox_folder_poll_duration_seconds",
                                   "Time the successful polls of a folder took", labels=FOLDER)
    last_duration = GaugeMetricFamily("reportbox_folder_last_poll_duration_seconds",
                                      "Time the last successful poll of a folder took", labels=FOLDER)
    last_poll = GaugeMetricFamily("reportbox_folder_last_poll_timestamp_seconds",
                                  "When a folder was last polled (Unix time)", labels=FOLDER)
    last_success = GaugeMetricFamily("reportbox_folder_last_success_timestamp_seconds",
                                     "When a folder was last polled successfully (Unix time)", labels=FOLDER)
    in_a_row = GaugeMetricFamily("reportbox_folder_consecutive_failures", "Polls of a folder failed in a row",
                                 labels=FOLDER)
    for folder in folders:
        labels = [folder.mailbox, folder.folder]
        polls.add_metric(labels, folder.polls)
        failures.add_metric(labels, folder.poll_failures)
        duration.add_metric(labels, count_value=folder.polls - folder.poll_failures, sum_value=folder.poll_seconds)
        if folder.last_poll_seconds is not None:
            last_duration.add_metric(labels, folder.last_poll_seconds)
        if folder.last_poll_at is not None:
            last_poll.add_metric(labels, folder.last_poll_at.timestamp())
        if folder.last_success_at is not None:
            last_success.add_metric(labels, folder.last_success_at.timestamp())
        in_a_row.add_metric(labels, folder.consecutive_failures)
    yield from (polls, failures, duration, last_duration, last_poll, last_success, in_a_row)


def _outbox(session: Session) -> Iterator[Metric]:
    by_state = GaugeMetricFamily("reportbox_outbox_messages", "Outgoing e-mails, by kind and state",
                                 labels=["kind", "state"])
    found = {(kind, state): count for kind, state, count in session.execute(
        select(Outbox.kind, Outbox.state, func.count()).group_by(Outbox.kind, Outbox.state))}
    for kind in OutboxKind.ALL:
        for state in OutboxState.ALL:
            by_state.add_metric([kind, state], found.get((kind, state), 0))
    yield by_state
    sent = CounterMetricFamily("reportbox_outbox_sent", "E-mails the relay accepted, by kind "
                               "(reminders, receipts, resend requests, alarms)", labels=["kind"])
    for kind in OutboxKind.ALL:
        sent.add_metric([kind], found.get((kind, OutboxState.SENT), 0))
    yield sent
    bounced = CounterMetricFamily("reportbox_outbox_bounced", "E-mails a bounce came back for, by kind",
                                  labels=["kind"])
    counts = dict(session.execute(select(Outbox.kind, func.count()).where(Outbox.bounced_at.is_not(None))
                                  .group_by(Outbox.kind)).all())
    for kind in OutboxKind.ALL:
        bounced.add_metric([kind], counts.get(kind, 0))
    yield bounced


def registry_for(sessions: sessionmaker[Session], raw_dir: Path) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)  # describing would read the database at registration
    registry.register(ReportboxCollector(sessions, raw_dir))
    return registry


def render(sessions: sessionmaker[Session], raw_dir: Path) -> bytes:
    """The metrics in the text format, read now."""
    return generate_latest(registry_for(sessions, raw_dir))


class MetricsListener:
    """prometheus_client's own HTTP server, in a thread of the daemon, on `[metrics] listen`."""

    def __init__(self, app) -> None:
        self.host, self.port = app.config.metrics.listen_address
        self.server, self.thread = start_http_server(self.port, self.host,
                                                     registry=registry_for(app.sessions, app.store.root))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_listener(app) -> MetricsListener | None:
    """The daemon's listener, or None (logged) when its port cannot be had: polling matters more."""
    if app.config.metrics.listen is None:
        return None
    try:
        listener = MetricsListener(app)
    except OSError as exc:
        log.error("metrics listener not started on %s: %s", app.config.metrics.listen, exc)
        return None
    log.info("metrics served on http://%s/metrics", app.config.metrics.listen)
    return listener
