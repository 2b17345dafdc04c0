"""Alarms for ministry IT: what is wrong now (`active_conditions`, for the health page and
`reportbox doctor`), and the daemon's evaluation that e-mails each condition once to `[alerts] to`
through the outbox, then once more when it clears.

Conditions (README "Alarms"):
- poll_stale (per mailbox): no successful poll for `poll_stale_hours`;
- quarantine_growing: messages quarantined since the last such alarm;
- outbox_failed: e-mails to provinces that failed for good since the last such alarm;
- outbox_retrying: `outbox_retrying` or more e-mails waiting to be tried again after a failure;
- disk_low: free space where the raw store is below `min_free_mb` or `min_free_percent`;
- lease_lost: a daemon lost its single-instance lease to another (raised by that daemon);
- daemon_stale, mailbox_failing: shown and answered by /healthz, never mailed (a daemon that is
  down cannot mail; a failing mailbox is mailed as poll_stale once it lasts).

A growing condition (quarantine, failed e-mails) stays active, silent, while it keeps growing, and
clears after `quiet_hours` without growth. Any other clears only once it has stayed false for
`clear_after_minutes` (its `seen_at` is when it was last true): a condition hovering at its threshold
(free space while temporary files come and go, the retry count) stays one alarm, not a raise and a
clear e-mail each minute. Raising writes the alert row and queues its e-mail in one
transaction; the alert table's unique partial index allows one active alarm per condition and
subject, so a restart or a second evaluation never mails it twice.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ingest.fetch import database_down_error
from ingest.rawstore import disk_space
from jobs.mail.compose import Templates, build_message, new_message_id
from models import alerts as stored
from models.lock import DAEMON, holder_of
from models.schema import (
    Alert,
    DaemonLock,
    FolderState,
    Mailbox,
    MessageState,
    Outbox,
    OutboxKind,
    OutboxState,
    RawMessage,
    utcnow,
)
from reportbox.app import App
from reportbox.errors import ReportboxError

log = logging.getLogger("reportbox.alerts")

MAILED = ("poll_stale", "quarantine_growing", "outbox_failed", "outbox_retrying", "disk_low", "lease_lost")
GROWING = ("quarantine_growing", "outbox_failed")  # cleared after [alerts] quiet_hours without growth
EVENTS = ("lease_lost",)  # raised when it happens; over once a daemon holds the lease again
HEALTHZ = ("daemon_stale", "mailbox_failing")  # what makes /healthz answer 503
LISTED = 20  # items named in one e-mail

# What IT does about each condition: the one table the alarm e-mails and `reportbox doctor` both
# say (every `reportbox ...` named here is run with --help by tests/jobs/test_alert_advice.py).
_CHECK_THE_MAIL_SERVER = ("check the mail server, the password and the network (`reportbox doctor` tries each "
                          "mailbox) and read the daemon's log")
ADVICE = {
    "daemon_stale": "start the daemon (`reportbox run`, or its service) and read its log",
    "mailbox_failing": _CHECK_THE_MAIL_SERVER,
    "poll_stale": _CHECK_THE_MAIL_SERVER,
    "quarantine_growing": "see why in `reportbox messages --state quarantined`; once the cause is mended, "
                          "`reportbox reprocess --message ID` tries one again",
    "outbox_failed": "see `reportbox outbox --state failed`; `reportbox outbox retry ID` sends one again",
    "outbox_retrying": "see the errors in `reportbox outbox --state queued` and check the SMTP server "
                       "(`reportbox doctor` tries it)",
    "disk_low": "free space on the raw store's disk, or move `[storage] raw_dir` to a larger one",
    "lease_lost": "two daemons use this database: stop the one that should not run",
}
MB = 1024 * 1024


@dataclass(frozen=True)
class Condition:
    name: str
    subject: str  # the mailbox's name, or ""
    summary: str  # one line, in English, for logs, doctor and the health page
    detail: str = ""  # the technical detail the e-mail carries
    facts: dict = field(default_factory=dict)  # numbers the Vietnamese e-mail says
    seen_at: datetime | None = None  # a growing condition: its newest item
    since: datetime | None = None  # raised at (an alarm already active)

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.subject


def check(app: App, session: Session, now: datetime) -> list[Condition]:
    """Every condition true now (growing ones: relative to the last alarm of their kind)."""
    found: list[Condition] = []
    for part in (_daemon, _mailboxes, _quarantine, _outbox_failed, _outbox_retrying, _disk):
        found.extend(part(app, session, now))
    return found


def healthz_problems(app: App, session: Session, now: datetime) -> list[Condition]:
    """What makes /healthz answer 503: the daemon's heartbeat stale, a mailbox failing poll after poll."""
    return [c for part in (_daemon, _mailboxes) for c in part(app, session, now) if c.name in HEALTHZ]


def active_conditions(app: App, *, session: Session | None = None, now: datetime | None = None) -> list[Condition]:
    """What is wrong now: the conditions true at this instant, and the alarms still active
    (a growing quarantine in its quiet hours, a lease lost). For the health page and doctor;
    `session`: one of the caller's (the dashboard's read-only one), else one of the app's."""
    now = now or utcnow()
    if session is None:
        with app.sessions() as own:
            return active_conditions(app, session=own, now=now)
    found = {c.key: c for c in check(app, session, now)}
    for alert in stored.active(session):
        current = found.get((alert.condition, alert.subject))
        if current is None:
            found[(alert.condition, alert.subject)] = Condition(
                alert.condition, alert.subject, alert.summary, alert.detail, seen_at=alert.seen_at,
                since=alert.raised_at)
        else:
            found[current.key] = Condition(current.name, current.subject, current.summary, current.detail,
                                           current.facts, current.seen_at, since=alert.raised_at)
    return list(found.values())


@dataclass
class Evaluation:
    raised: list[int] = field(default_factory=list)  # alert ids
    cleared: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)  # outbox ids


def evaluate(app: App, *, holder: str | None = None, clock: Callable[[], datetime] = utcnow) -> Evaluation:
    """One evaluation by the daemon holding the lease (`holder`): raise what became true, clear what
    is over, each with its e-mail in the same transaction."""
    result = Evaluation()
    now = clock()
    try:
        with app.sessions() as session:
            found = {c.key: c for c in check(app, session, now) if c.name in MAILED}
            active = {(a.condition, a.subject): a for a in stored.active(session)}
            lock_holder = session.scalar(select(DaemonLock.holder).where(DaemonLock.name == DAEMON))
            unmailed = _unmailed(app, session, active.values())
    except SQLAlchemyError as exc:
        log.error("alarms not evaluated: %s", database_down_error(exc, "tried again in a minute"))
        return result
    steps = []
    for key, condition in found.items():
        alert = active.get(key)
        steps.append((key, partial(_raise, app, condition, now, result) if alert is None
                      else partial(_seen, app, alert.id, condition, now)))
    quiet = timedelta(hours=app.config.alerts.quiet_hours)
    hold = timedelta(minutes=app.config.alerts.clear_after_minutes)
    over = {key for key, alert in active.items()
            if key not in found and _over(alert, now, holder, lock_holder, quiet, hold)}
    for key, alert in active.items():
        if alert.id in unmailed and key not in over:
            # raised while nobody was to be told: told now (one that is over goes unmailed, as its clearing)
            steps.append((key, partial(_mail_unmailed, app, alert.id, found.get(key), now, result)))
    steps.extend((key, partial(_clear, app, active[key], now, result)) for key in over)
    for (condition, subject), step in steps:
        try:  # one alarm that cannot be written (a broken template of ours) holds up no other
            step()
        except ReportboxError as exc:
            log.error("alarm %s %s: %s", condition, subject, exc)
        except SQLAlchemyError as exc:
            log.error("alarms not evaluated: %s", database_down_error(exc, "tried again in a minute"))
            break
    return result


def _over(alert: Alert, now: datetime, holder: str | None, lock_holder: str | None, quiet: timedelta,
          hold: timedelta) -> bool:
    """Whether an active alarm whose condition is false now clears at this evaluation."""
    if alert.condition in GROWING:
        return now - alert.seen_at >= quiet
    if alert.condition in EVENTS:
        return holder is not None and lock_holder == holder
    return now - alert.seen_at >= hold  # false for long enough: not merely hovering at its threshold


def lease_lost(app: App, holder: str, *, clock: Callable[[], datetime] = utcnow) -> None:
    """The daemon `holder` found its lease taken (models.lock): raised now, before it stops; the
    daemon holding the lease delivers the e-mail (or the next one started)."""
    try:
        taker = holder_of(app.sessions)
    except SQLAlchemyError as exc:
        log.error("could not record the lost lease as an alarm: %s", exc)
        return
    taker_text = taker or "nobody (the lease row was removed)"
    condition = Condition(
        "lease_lost", "", f"the daemon {holder} lost its lease to {taker_text} and stopped",
        f"holder: {holder}\ntaken by: {taker_text}\nA second `reportbox run` on the same database, or a "
        "daemon that could not renew its lease (database unreachable, the machine suspended) for longer "
        "than the lease: check that one daemon runs, and its log.",
        facts={"holder": holder, "taker": taker_text})
    try:
        _raise(app, condition, clock(), Evaluation())
    except Exception:  # noqa: BLE001 - the daemon is stopping anyway; the log says it
        log.exception("could not record the lost lease as an alarm")


def _raise(app: App, condition: Condition, now: datetime, result: Evaluation) -> None:
    try:
        with app.sessions.begin() as session:
            alert = stored.raise_alert(session, condition.name, condition.subject, condition.summary,
                                       condition.detail, now, condition.seen_at)
            outbox_id = _queue(app, session, alert, condition, cleared=False, now=now)
    except IntegrityError:  # raised meanwhile by another evaluation: its e-mail is the one
        return
    log.warning("alarm raised: %s", condition.summary)
    result.raised.append(alert.id)
    if outbox_id is not None:
        result.queued.append(outbox_id)


def _seen(app: App, alert_id: int, condition: Condition, now: datetime) -> None:
    """Still true: remember until when (a growing one: its newest item) and what it says now."""
    with app.sessions.begin() as session:
        alert = session.get(Alert, alert_id)
        if alert is None or alert.cleared_at is not None:
            return
        alert.seen_at = max(alert.seen_at, condition.seen_at or now)
        alert.summary, alert.detail = condition.summary, condition.detail


def _mail_unmailed(app: App, alert_id: int, condition: Condition | None, now: datetime, result: Evaluation) -> None:
    """An alarm raised while `[alerts] to` or `[smtp]` was missing, still active now that they are set
    (a reload, a restart): its e-mail, once (the outbox's unique alarm step refuses a second)."""
    try:
        with app.sessions.begin() as session:
            alert = session.get(Alert, alert_id)
            if alert is None or alert.cleared_at is not None:
                return
            if condition is None:  # active but not true this minute (held, quiet, an event): as recorded
                condition = Condition(alert.condition, alert.subject, alert.summary, alert.detail,
                                      seen_at=alert.seen_at, since=alert.raised_at)
            outbox_id = _queue(app, session, alert, condition, cleared=False, now=now)
    except IntegrityError:  # mailed meanwhile by another evaluation
        return
    if outbox_id is not None:
        log.info("alarm mailed now that it has recipients: %s", alert.summary)
        result.queued.append(outbox_id)


def _unmailed(app: App, session: Session, active: Iterable[Alert]) -> set[int]:
    """The active alarms whose e-mail was never queued; none while nobody is to be told."""
    if app.config.smtp is None or not app.config.alerts.to:
        return set()
    ids = {alert.id for alert in active}
    return ids - _mailed(session, ids)


def _mailed(session: Session, alert_ids: Iterable[int]) -> set[int]:
    steps = {f"alert-{alert_id}": alert_id for alert_id in alert_ids}
    if not steps:
        return set()
    return {steps[step] for step in session.scalars(select(Outbox.step).where(
        Outbox.kind == OutboxKind.ALERT, Outbox.step.in_(list(steps))))}


def _clear(app: App, alert: Alert, now: datetime, result: Evaluation) -> None:
    with app.sessions.begin() as session:
        if not stored.clear(session, alert.id, now):
            return
        outbox_id = None
        # Not for an alarm never mailed (raised while nobody was to be told): IT never heard of it.
        if app.config.alerts.send_cleared and alert.condition not in EVENTS and _mailed(session, [alert.id]):
            condition = Condition(alert.condition, alert.subject, alert.summary, alert.detail, since=alert.raised_at)
            outbox_id = _queue(app, session, alert, condition, cleared=True, now=now)
    log.info("alarm cleared: %s %s", alert.condition, alert.subject)
    result.cleared.append(alert.id)
    if outbox_id is not None:
        result.queued.append(outbox_id)


def _queue(app: App, session: Session, alert: Alert, condition: Condition, *, cleared: bool,
           now: datetime) -> int | None:
    """The alarm's e-mail, in the caller's transaction; None when nobody is to be told."""
    config = app.config
    if config.smtp is None or not config.alerts.to:
        return None
    draft = Templates(config.outgoing.templates_dir).render("alert.j2", {
        "condition": condition.name, "subject": condition.subject, "summary": condition.summary,
        "detail": condition.detail, "facts": condition.facts, "cleared": cleared,
        "advice": "" if cleared else ADVICE.get(condition.name, ""),
        "raised_at": alert.raised_at, "cleared_at": now if cleared else None, "host": socket.gethostname(),
        "database": config.database.url.split("://", 1)[0] + "://…", "signature": "reportbox"})
    mail_from = config.smtp.from_
    message_id = new_message_id(OutboxKind.ALERT, mail_from)
    to = list(config.alerts.to)
    raw = build_message(draft, mail_from=mail_from, to=to, cc=[], message_id=message_id, date=now)
    row = Outbox(campaign=None, unit="", kind=OutboxKind.ALERT, step=f"{'cleared' if cleared else 'alert'}-{alert.id}",
                 message_id=message_id, mail_from=config.smtp.from_address, to=to, cc=[], subject=draft.subject,
                 raw=raw, as_of=now, state=OutboxState.QUEUED, attempts=0, next_attempt_at=now, refused={},
                 created_at=now)
    session.add(row)
    session.flush()
    return row.id


# The conditions.

def _daemon(app: App, session: Session, now: datetime) -> list[Condition]:
    lock = session.get(DaemonLock, DAEMON)
    stale = app.config.alerts.heartbeat_stale_seconds
    if lock is None:
        return [Condition("daemon_stale", "", "no daemon is running (`reportbox run` holds no lease)",
                          facts={"age": None})]
    age = (now - lock.heartbeat_at).total_seconds()
    if age > stale:
        return [Condition("daemon_stale", "", f"the daemon's heartbeat is {age:.0f} s old (over {stale} s)",
                          f"holder: {lock.holder}\nlast heartbeat: {lock.heartbeat_at.isoformat()}",
                          facts={"age": round(age)})]
    return []


def _mailboxes(app: App, session: Session, now: datetime) -> list[Condition]:
    settings = app.config.alerts
    rows: dict[str, list[FolderState]] = {}
    created: dict[str, datetime] = {}
    for state, mailbox in session.execute(select(FolderState, Mailbox).join(Mailbox, Mailbox.id == FolderState.mailbox_id)):
        rows.setdefault(mailbox.name, []).append(state)
        created[mailbox.name] = mailbox.created_at
    found = []
    for mailbox in app.config.mailbox:
        folders = [f for f in rows.get(mailbox.name, []) if f.folder in mailbox.folders]  # not one dropped since
        if not folders:
            continue  # never polled yet: the daemon's heartbeat says whether anything runs
        detail = "\n".join(
            f"{f.folder}: last poll {_iso(f.last_poll_at)}, last success {_iso(f.last_success_at)}, "
            f"{f.consecutive_failures} failure(s) in a row" + (f", last error: {f.last_error}" if f.last_error else "")
            for f in folders)
        failing = [f for f in folders if f.consecutive_failures >= settings.max_consecutive_failures]
        if failing:
            found.append(Condition(
                "mailbox_failing", mailbox.name,
                f"mailbox {mailbox.name}: {max(f.consecutive_failures for f in failing)} polls in a row failed",
                detail, facts={"failures": max(f.consecutive_failures for f in failing)}))
        successes = [f.last_success_at for f in folders if f.last_success_at is not None]
        last = min(successes) if len(successes) == len(folders) else None  # every folder must be fetched
        reference = last or created[mailbox.name]
        hours = (now - reference).total_seconds() / 3600
        if hours > settings.poll_stale_hours:
            since = f"since {_iso(last)}" if last else "ever"
            found.append(Condition(
                "poll_stale", mailbox.name, f"mailbox {mailbox.name}: no successful poll {since} "
                f"(over {settings.poll_stale_hours:g} h)", detail,
                facts={"hours": round(hours, 1), "last_success_at": last, "limit": settings.poll_stale_hours}))
    return found


def _quarantine(app: App, session: Session, now: datetime) -> list[Condition]:
    previous = stored.latest(session, "quarantine_growing")
    query = select(RawMessage.id, RawMessage.reason, RawMessage.processed_at).where(
        RawMessage.state == MessageState.QUARANTINED, RawMessage.processed_at.is_not(None))
    if previous is not None:
        query = query.where(RawMessage.processed_at > previous.seen_at)
    new = session.execute(query.order_by(RawMessage.processed_at)).all()
    if not new:
        return []
    total = session.scalar(select(func.count()).select_from(RawMessage).where(
        RawMessage.state == MessageState.QUARANTINED))
    detail = "\n".join(f"message {raw_id}: {reason or 'no reason recorded'}" for raw_id, reason, _ in new[-LISTED:])
    return [Condition("quarantine_growing", "", f"{len(new)} message(s) quarantined since the last alarm "
                      f"({total} in quarantine)", detail, facts={"new": len(new), "total": total},
                      seen_at=new[-1][2])]


def _outbox_failed(app: App, session: Session, now: datetime) -> list[Condition]:
    previous = stored.latest(session, "outbox_failed")
    at = func.coalesce(Outbox.claimed_at, Outbox.created_at)
    query = select(Outbox.id, Outbox.kind, Outbox.error, at).where(
        Outbox.state == OutboxState.FAILED, Outbox.kind != OutboxKind.ALERT)
    if previous is not None:
        query = query.where(at > previous.seen_at)
    new = session.execute(query.order_by(at)).all()
    if not new:
        return []
    detail = "\n".join(f"outbox {outbox_id} ({kind}): {error or 'no error recorded'}"
                       for outbox_id, kind, error, _ in new[-LISTED:])
    return [Condition("outbox_failed", "", f"{len(new)} e-mail(s) failed for good since the last alarm",
                      detail, facts={"new": len(new)}, seen_at=new[-1][3])]


def _outbox_retrying(app: App, session: Session, now: datetime) -> list[Condition]:
    limit = app.config.alerts.outbox_retrying
    waiting = session.execute(select(Outbox.id, Outbox.error).where(
        Outbox.state == OutboxState.QUEUED, Outbox.error.is_not(None), Outbox.kind != OutboxKind.ALERT)
        .order_by(Outbox.id)).all()
    if len(waiting) < limit:
        return []
    errors = sorted({error for _, error in waiting})
    detail = "Errors:\n" + "\n".join(f"- {error}" for error in errors[:LISTED])
    return [Condition("outbox_retrying", "", f"{len(waiting)} e-mail(s) waiting to be tried again (limit {limit})",
                      detail, facts={"count": len(waiting), "limit": limit})]


def _disk(app: App, session: Session, now: datetime) -> list[Condition]:
    settings = app.config.alerts
    try:
        space = disk_space(app.store.root)
    except OSError as exc:
        return [Condition("disk_low", "", f"the raw store's disk cannot be measured: {exc}",
                          f"raw store: {app.store.root}", facts={"free_mb": None, "percent": None,
                                                                 "path": str(app.store.root)})]
    free_mb, percent = space.free / MB, space.free_fraction * 100
    if not space.low(settings.min_free_mb * MB, settings.min_free_percent):
        return []
    return [Condition("disk_low", "", f"{free_mb:.0f} MB free ({percent:.1f} %) where the raw store is "
                      f"(limits {settings.min_free_mb} MB, {settings.min_free_percent:g} %)",
                      f"raw store: {app.store.root}\nmeasured on: {space.path}\nfree: {space.free} bytes of "
                      f"{space.total}", facts={"free_mb": round(free_mb), "percent": round(percent, 1),
                                               "path": str(app.store.root)})]


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "never"
