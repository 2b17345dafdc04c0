"""Delivering the outbox: every due message, through one SMTP connection, paced, exactly once.

The exactly-once rule:
1. a message is committed (`queued`) before any SMTP conversation about it;
2. a sender claims it (`sending`, one more attempt) with a conditional update;
3. just before the final dot of DATA it commits `confirming`, again conditionally: a sender
   that lost its claim drops the connection without the dot, and the server keeps nothing;
4. after the server's reply it commits `sent` (with the reply), a retry, or `failed`.
A sender that dies is settled by `models.outbox.recover`: from `sending` the message is queued
again (the server never took it); from `confirming` it becomes `uncertain` and is not resent by
itself, the one corner case, in the instant between the dot and the reply, where a message may
go missing rather than twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from jobs.mail.smtp import SmtpRelay
from models import outbox
from models.lock import new_holder
from models.schema import Outbox, OutboxKind, OutboxState, utcnow
from reportbox.app import App
from reportbox.errors import DeliveryError, DeliveryUncertain, ReportboxError

log = logging.getLogger("reportbox.outbox")

# Failures of the link, not of a message: the batch stops and the message goes back untouched.
_LINK_FAILURES = ("connection", "tls", "auth", "sender_refused")


@dataclass
class Delivery:
    """What one pass over the outbox did, by outbox id."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    recovered: int = 0  # messages of dead senders queued again
    errors: dict[int, str] = field(default_factory=dict)
    link_error: str | None = None  # the relay could not be used: nothing was charged to any message

    def summary(self) -> str:
        parts = [f"{len(self.sent)} sent"]
        for label, ids in (("to retry", self.retrying), ("failed", self.failed), ("uncertain", self.uncertain),
                           ("cancelled", self.cancelled)):
            if ids:
                parts.append(f"{len(ids)} {label}")
        if self.link_error:
            parts.append(f"stopped: {self.link_error}")
        return ", ".join(parts)


Recheck = Callable[[object, Outbox, datetime], str | None]


def deliver(app: App, *, as_of: datetime | None = None, campaign: str | None = None,
            clock: Callable[[], datetime] = utcnow, sleep: Callable[[float], None] | None = None,
            recheck: Recheck | None = None, stop: threading.Event | None = None) -> Delivery:
    """Send every due message (of one campaign, or all), until done or `stop` is set. A reminder
    is checked once more just before it goes (`recheck`, as of `as_of` or now), and so is a resend
    request (jobs.resend.why_not_resend): one that is no longer owed is cancelled. A relay that
    cannot be used (refused connection, certificate, login, sender address) stops the pass and
    charges no message an attempt."""
    config = app.config.smtp
    report = Delivery()
    if config is None:
        return report
    if recheck is None:
        from jobs.reminders.plan import why_not_owed as recheck
    if sleep is None:
        sleep = stop.wait if stop is not None else time.sleep
    holder = new_holder()
    lease = timedelta(seconds=max(600.0, config.timeout * 10))
    with app.sessions.begin() as session:
        report.recovered, uncertain = outbox.recover(session, clock(), lease)
    if report.recovered or uncertain:
        log.warning("outbox: %d message(s) of a stopped sender queued again, %d uncertain", report.recovered, uncertain)
    with app.sessions() as session:
        due = outbox.due_ids(session, clock(), campaign)
    if not due:
        return report
    pace = _pace_for(config)
    with SmtpRelay(config) as relay:
        try:
            relay.open()
        except DeliveryError as exc:
            _link_down(app, report, due, exc, config, clock)
            return report
        for outbox_id in due:
            pace.wait(sleep)  # before the claim: a long pause never holds a message
            if stop is not None and stop.is_set():
                break
            job = _claim(app, outbox_id, holder, as_of, clock, recheck, report)
            if job is None:
                continue
            pace.sent()
            if not _send(app, relay, job, holder, config, clock, report):
                break
    return report


@dataclass(frozen=True)
class _Job:
    id: int
    mail_from: str
    recipients: list[str]
    raw: bytes
    attempts: int  # this one included


def _claim(app, outbox_id, holder, as_of, clock, recheck, report) -> _Job | None:
    with app.sessions.begin() as session:
        row = session.get(Outbox, outbox_id)
        if row is None or row.state != OutboxState.QUEUED:
            return None
        checks = {OutboxKind.REMINDER: recheck, OutboxKind.RESEND_REQUEST: partial(_resend_recheck, app)}
        checked = checks.get(row.kind)
        if checked is not None:
            try:
                with session.begin_nested():  # a check that fails leaves the transaction usable
                    reason = checked(session, row, as_of or clock())
            except Exception as exc:  # one message's check must not hold up every message behind it
                from ingest.fetch import database_unavailable

                if database_unavailable(exc):
                    raise
                log.error("outbox %d: the check before sending failed (%s); left queued, not sent", outbox_id,
                          exc, exc_info=not isinstance(exc, ReportboxError))  # a bad contacts file: one line
                return None
            if reason:
                if outbox.cancel_queued(session, outbox_id, reason):
                    report.cancelled.append(outbox_id)
                return None
        attempts = row.attempts + 1  # read before the claim, which also updates `row` in this session
        if not outbox.claim(session, outbox_id, holder, clock()):
            return None
        return _Job(outbox_id, row.mail_from, [*row.to, *row.cc], row.raw, attempts)


def _resend_recheck(app: App, session, row: Outbox, as_of: datetime) -> str | None:
    from jobs.resend import why_not_resend  # jobs.resend reads status and templates: loaded when needed

    return why_not_resend(app, session, row, as_of)


def _send(app, relay: SmtpRelay, job: _Job, holder: str, config, clock, report: Delivery) -> bool:
    """One message; False when the link failed and the batch should stop."""

    def before_final_dot() -> bool:
        with app.sessions.begin() as session:
            return outbox.move(session, job.id, holder, OutboxState.SENDING, state=OutboxState.CONFIRMING)

    try:
        accepted = relay.send(job.mail_from, job.recipients, job.raw, before_final_dot)
    except DeliveryUncertain as exc:
        error = (f"{exc}; not sent again by itself: ask the recipient whether it arrived, and if not, "
                 f"`reportbox outbox retry {job.id}` sends it again")
        _settle(app, job, holder, state=OutboxState.UNCERTAIN, error=error, claimed_by=None)
        report.uncertain.append(job.id)
        report.errors[job.id] = error
        log.error("outbox %d: %s", job.id, error)
        return False
    except DeliveryError as exc:
        if exc.reason == "abandoned":
            return True
        if exc.reason in _LINK_FAILURES:  # not this message's fault: back as it was
            _settle(app, job, holder, state=OutboxState.QUEUED, error=str(exc), claimed_by=None,
                    attempts=job.attempts - 1, next_attempt_at=clock() + timedelta(seconds=config.retry_after))
            report.link_error = str(exc)
            log.warning("outbox %d: %s", job.id, exc)
            return False
        _failure(app, job, holder, exc, not exc.temporary or job.attempts >= config.max_attempts, config, clock,
                 report)
        if exc.reason == "dropped_in_data":
            # Nothing was delivered. The link is gone, which may be the relay's fault or this
            # message's (its size, a filter): it is charged, with backoff, so that a message the
            # relay always drops cannot hold up the queue behind it for ever, and the pass stops.
            report.link_error = str(exc)
            return False
        return True
    except Exception as exc:  # noqa: BLE001 - a message smtplib cannot even express (an address it cannot encode)
        _failure(app, job, holder, exc, True, config, clock, report)
        return True
    _settle(app, job, holder, state=OutboxState.SENT, reply=accepted.reply, refused=accepted.refused,
            sent_at=clock(), error=None, claimed_by=None, at=clock())
    report.sent.append(job.id)
    return True


def _failure(app, job: _Job, holder: str, exc: Exception, final: bool, config, clock, report: Delivery) -> None:
    error = str(exc) or type(exc).__name__
    if final:
        _settle(app, job, holder, state=OutboxState.FAILED, error=error, claimed_by=None,
                refused=getattr(exc, "refused", {}), at=clock())
        report.failed.append(job.id)
    else:
        _settle(app, job, holder, state=OutboxState.QUEUED, error=error, claimed_by=None,
                next_attempt_at=outbox.retry_at(clock(), job.attempts, config.retry_after))
        report.retrying.append(job.id)
    report.errors[job.id] = error
    log.warning("outbox %d (attempt %d): %s", job.id, job.attempts, error)


def _link_down(app, report: Delivery, due: list[int], exc: DeliveryError, config, clock) -> None:
    """The relay cannot be used: every due message shows why and waits `retry_after`, uncharged."""
    report.link_error = str(exc)
    log.error("outbox: %s; %d message(s) wait", exc, len(due))
    with app.sessions.begin() as session:
        outbox.note_link_error(session, due, str(exc), clock() + timedelta(seconds=config.retry_after))


def _settle(app, job: _Job, holder: str, *, at: datetime | None = None, **values) -> None:
    """Record the outcome, from whichever of our two in-flight states the message is in; in the
    same transaction, flag the recipients the relay refused (`refused`, when `at` is given)."""
    with app.sessions.begin() as session:
        for state in (OutboxState.CONFIRMING, OutboxState.SENDING):
            if outbox.move(session, job.id, holder, state, **values):
                if values.get("refused") and at is not None:
                    outbox.record_refusals(session, job.id, values["refused"], at)
                return
    log.error("outbox %d: no longer ours when recording %s", job.id, values.get("state"))


class _Pace:
    """At most one message per `interval` seconds to one relay, across every pass of this process
    (the daemon's campaigns and a `reportbox remind` share the relay's limit)."""

    def __init__(self, interval: float) -> None:
        self.interval, self.last = interval, None

    def wait(self, sleep: Callable[[float], None]) -> None:
        if self.last is not None and (delay := self.last + self.interval - time.monotonic()) > 0:
            sleep(delay)

    def sent(self) -> None:
        self.last = time.monotonic()


_PACES: dict[tuple[str, int], _Pace] = {}


def _pace_for(config) -> _Pace:
    pace = _PACES.setdefault((config.host, config.port), _Pace(60.0 / config.max_per_minute))
    pace.interval = 60.0 / config.max_per_minute
    return pace
