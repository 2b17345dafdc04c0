"""`reportbox run`: the scheduler that polls every mailbox at its interval, until told to stop.

One poll job per mailbox (never two runs of the same job at once; missed runs coalesce into
one); with [smtp], a mail pass (receipts, reminders, deliveries and retries: jobs.mailing) after
every poll and once a minute; a heartbeat that keeps the single-instance lease; and
SIGTERM/SIGINT turned into a stop flag that lets the message in hand finish; SIGHUP reloads the
configuration file (jobs.reload). Under systemd it notifies readiness, status and the watchdog
(jobs.service). With [web] in_daemon, the planners' dashboard is served from a thread of the same
process; with [metrics] listen, /metrics on loopback; alarms are evaluated once a minute
(jobs.alerts), on a thread of their own beside the worker (jobs.progress watches that one).
Where the server offers IMAP IDLE, a mailbox's poll also runs as soon as mail comes (ingest.idle).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime, timedelta, timezone

from apscheduler.events import EVENT_JOB_ERROR
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from ingest.idle import IdleWatchers
from jobs import alerts
from jobs.mailing import mail_pass
from jobs.metrics import start_listener
from jobs.poll import poll
from jobs.progress import WorkerProgress, stall_after
from jobs.reload import reload_config
from jobs.retention import prune_job
from jobs.service import Systemd, keep_alive
from jobs.wake import PollWaker, poll_job_id
from models.lock import HEARTBEAT_SECONDS, DatabaseLock
from reportbox.app import App, make_source
from reportbox.errors import ReportboxError

log = logging.getLogger("reportbox.daemon")
MAIL_JOB = "mail"
MAIL_EVERY = 60  # seconds: reminders fall due at send_at, retries at their time, without waiting for a poll
ALERTS_EVERY = 60  # seconds: alarm conditions evaluated (jobs.alerts), their e-mails sent by the next mail pass
ALARMS_EXECUTOR = "alarms"  # a thread of their own: a poll that hangs must not keep them from being evaluated


class OverrunIsNoWarning(logging.Filter):
    """APScheduler warns each time a job falls due while its previous run is still going. For a poll
    that is the design (one run at a time, missed runs coalesce): a first poll of a large mailbox
    outlasts any interval. Logged at INFO, so the journal's warnings stay for what needs a person."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "maximum number of running instances" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


logging.getLogger("apscheduler.scheduler").addFilter(OverrunIsNoWarning())


class Daemon:
    def __init__(self, app: App, *, lock_stale_after: float = 6 * HEARTBEAT_SECONDS) -> None:
        self.app = app
        self.stop = threading.Event()
        self.lock = DatabaseLock(app.sessions, stale_after=lock_stale_after, remembered=True)
        self.sources = {m.name: make_source(m) for m in app.config.mailbox}
        # A single worker thread: polls of different mailboxes take turns. (Within a poll the fetch
        # thread and the processor both write; SQLite serialises them with BEGIN IMMEDIATE.) The
        # alarms have one thread of their own, and never overlap themselves either (max_instances).
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1),
                       ALARMS_EXECUTOR: ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=timezone.utc,
        )
        self.polls = 0
        # The watchdog's second cue: the worker's job in hand makes progress (jobs.progress).
        self.progress = WorkerProgress(stall_after(app.config.documents.parse_timeout))
        self._stuck: str | None = None  # what was last logged as stuck
        # IMAP IDLE: a mailbox's poll runs as soon as its server announces mail (ingest.idle).
        self.waker = PollWaker(self.scheduler)
        self.watchers = IdleWatchers(self.waker.wake)
        self.systemd = Systemd()
        self._reload_asked = False  # set by SIGHUP; the main loop hands it to the worker thread
        # Held by a reload throughout; the stop takes it once before shutting the scheduler down. The
        # reload needs the scheduler's job store, which shutdown(wait=True) keeps locked while it
        # waits for the worker: a reload under way ends first, one still queued then gives way.
        self._reloading = threading.Lock()

    def run(self, *, install_signals: bool = True, max_polls: int | None = None) -> None:
        """Block until stopped. Raises LockHeldError if another daemon runs on this database."""
        self.lock.acquire()
        if install_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._on_signal)
            signal.signal(signal.SIGHUP, self._on_reload_signal)
        self._max_polls = max_polls
        dashboard = metrics = None
        try:
            if self.app.config.web.in_daemon:
                dashboard = self._start_dashboard()
            metrics = start_listener(self.app)  # [metrics] listen, on loopback
            self._schedule()
            self.scheduler.start()
            self.watchers.start_all(self.app.config.mailbox)
            log.info("daemon started: %d mailbox(es), lock %s", len(self.sources), self.lock.holder)
            self.systemd.ready(f"polling {len(self.sources)} mailbox(es)")
            keep_alive(self.stop, self.systemd, heartbeat=self._heartbeat, every=HEARTBEAT_SECONDS,
                       alive=self._alive, on_tick=self._reload_if_asked)
        finally:
            self.stop.set()
            with self._reloading:
                pass
            self.systemd.stopping()
            self.watchers.stop_all()
            if dashboard is not None:
                dashboard.stop()
            if metrics is not None:
                metrics.stop()
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)  # lets the poll in hand finish its message
            for source in self.sources.values():
                source.close()
            self.lock.release()
            log.info("daemon stopped after %d poll(s)", self.polls)

    def _start_dashboard(self):
        """The dashboard beside the jobs; a dashboard that cannot start (its port taken) is logged
        and left out: polling matters more. (Its secret was read when `run` started.)"""
        from web.server import DashboardThread

        try:
            dashboard = DashboardThread(self.app.config, self.app)
        except ReportboxError as exc:
            log.error("dashboard not started: %s", exc)
            return None
        if not dashboard.start():
            dashboard.stop()
            return None
        return dashboard

    def _schedule(self) -> None:
        for index, mailbox in enumerate(self.app.config.mailbox):
            self._schedule_poll(mailbox, first_in=index)
        if self.app.config.smtp is not None:
            self._schedule_mail(first_in=len(self.sources))
        self.scheduler.add_job(self._alerts, "interval", seconds=ALERTS_EVERY, id="alerts",
                               executor=ALARMS_EXECUTOR, next_run_time=_in(len(self.sources) + 1))
        if self.app.config.storage.keep_raw_days is not None:  # in the poll's thread: never beside it
            self.scheduler.add_job(self._prune, "interval", days=1, id="retention", next_run_time=_in(10 * 60))
        self.scheduler.add_listener(self._on_job_error, EVENT_JOB_ERROR)

    def _schedule_poll(self, mailbox, first_in: float = 0) -> None:
        """Poll this mailbox in `first_in` seconds, then at its interval (a reload replaces the job)."""
        self.scheduler.add_job(
            self._poll_mailbox, "interval", seconds=mailbox.poll_interval, args=[mailbox.name],
            id=poll_job_id(mailbox.name), replace_existing=True, next_run_time=_in(first_in),
        )

    def _schedule_mail(self, first_in: float = 0) -> None:
        self.scheduler.add_job(self._mail, "interval", seconds=MAIL_EVERY, id=MAIL_JOB, next_run_time=_in(first_in))

    def schedule_mail_passes(self, smtp_configured: bool) -> None:
        """After a reload: the minutely mail pass scheduled when [smtp] is set, removed when it is not."""
        job = self.scheduler.get_job(MAIL_JOB)
        if smtp_configured and job is None:
            self._schedule_mail()
        elif not smtp_configured and job is not None:
            job.remove()

    def _poll_mailbox(self, name: str) -> None:
        source = self.sources.get(name)  # None: removed by a reload after this run was queued
        if self.stop.is_set() or source is None:
            return
        self.waker.polling(name)
        with self.progress.running(f"poll of {name}"):
            self.app.refresh_campaigns()  # a campaign applied from its letter while we run
            started = time.monotonic()
            report = poll(self.app, [source], stop=self.stop, on_message=self.progress.advanced)
            self.polls += 1
            self._log_poll(name, report, time.monotonic() - started)
            self._mail()  # a report just accepted gets its receipt now, not a minute later
        if self._max_polls is not None and self.polls >= self._max_polls:
            self.stop.set()

    def _log_poll(self, name: str, report, seconds: float) -> None:
        """Every poll leaves a line, new mail or not (a sign of life); systemd's status shows the latest."""
        line, fields = report.summary(name, seconds)
        log.log(logging.WARNING if report.errors else logging.INFO, "%s", line, extra=fields)
        self.systemd.status(f"last {line} at {datetime.now().astimezone().isoformat(timespec='seconds')}")

    def _mail(self) -> None:
        if self.app.config.smtp is None or self.stop.is_set():
            return
        with self.progress.running("mail pass"):
            self.app.refresh_campaigns()
            mail_pass(self.app, stop=self.stop, sleep=self._pace)

    def _pace(self, seconds: float) -> None:
        """The pause between two e-mails, kept to the relay's max_per_minute: progress, not a hang."""
        self.progress.advanced()
        self.stop.wait(seconds)

    def _prune(self) -> None:
        with self.progress.running("retention"):
            prune_job(self.app, stop=self.stop)

    def _alerts(self) -> None:
        if not self.stop.is_set():
            alerts.evaluate(self.app, holder=self.lock.holder)

    def _alive(self) -> bool:
        """The watchdog's cue: the lease renewed, and the worker's job in hand not stuck."""
        stuck = self.progress.stuck()
        if stuck is not None and self._stuck is None:
            log.critical("the worker thread is stuck (%s): no more watchdog pings; under systemd the "
                         "daemon is restarted", stuck)
        elif stuck is None and self._stuck is not None:
            log.warning("the worker thread got on again; watchdog pings resume")
        self._stuck = stuck
        return self.lock.last_renewal_ok and stuck is None

    def _heartbeat(self) -> None:
        if not self.lock.renew():
            log.critical("the daemon lock was taken by another process; stopping")
            alerts.lease_lost(self.app, self.lock.holder)
            self.stop.set()

    def _on_job_error(self, event) -> None:
        # A poll must never take the daemon down; the next interval tries again.
        log.error("job %s failed: %r", event.job_id, event.exception, exc_info=event.exception)

    def _reload_if_asked(self) -> None:
        if self._reload_asked:
            self._reload_asked = False
            log.info("received SIGHUP; reloading %s", self.app.config.path)
            # On the worker thread, after the poll in hand (see jobs.reload); a second SIGHUP may queue
            # behind a first that waits for a long poll.
            self.scheduler.add_job(self._reload, id="reload", max_instances=2, replace_existing=True)

    def _reload(self) -> None:
        with self._reloading:
            if self.stop.is_set():  # queued behind a poll during which the daemon was told to stop
                log.info("reload not applied: the daemon is stopping")
                return
            with self.progress.running("reload"):
                reload_config(self)

    def _on_reload_signal(self, _signum, _frame) -> None:
        self._reload_asked = True  # only a flag: the handler may interrupt the main thread anywhere

    def _on_signal(self, signum, _frame) -> None:
        log.info("received %s; stopping after the message in hand", signal.Signals(signum).name)
        self.stop.set()


def _in(seconds: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)
