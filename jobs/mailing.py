"""The daemon's mail pass: queue the receipts and resend requests owed, run every campaign's
reminder policy as of now, and deliver whatever is due (retries included). Safe to run as often as
wanted: the outbox keys make every step, receipt and resend request happen once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from jobs.outbox import Delivery, deliver
from jobs.receipts import queue_receipts
from jobs.resend import queue_resend_requests
from jobs.reminders.run import remind
from models.schema import utcnow
from reportbox.app import App
from reportbox.errors import ReportboxError

log = logging.getLogger("reportbox.mailing")
T = TypeVar("T")


@dataclass
class MailPass:
    receipts: list[int] = field(default_factory=list)
    resend_requests: list[int] = field(default_factory=list)
    reminders: dict[str, list[str]] = field(default_factory=dict)  # campaign → units reminded now
    delivery: Delivery = field(default_factory=Delivery)
    # campaign (or "receipts", "resend", "delivery") → why that step failed
    errors: dict[str, str] = field(default_factory=dict)


def mail_pass(app: App, *, clock: Callable[[], datetime] = utcnow, sleep=None,
              stop: threading.Event | None = None) -> MailPass:
    """One pass; `stop` (the daemon's) ends it between two messages. Each step stands alone: one
    that fails (a broken template, a bug, one bad row) is logged and recorded in `errors`, and the
    receipts, resend requests, every campaign's reminders and the delivery go on without it."""
    result = MailPass()
    if app.config.smtp is None:
        return result
    extra = {"sleep": sleep, "stop": stop}
    result.receipts = _step(result, "receipts", lambda: queue_receipts(app, clock=clock), [])
    result.resend_requests = _step(result, "resend", lambda: queue_resend_requests(app, clock=clock), [])
    now = clock()
    for campaign in app.config.campaign:
        if not campaign.reminders.enabled or (stop is not None and stop.is_set()):
            continue
        run = _step(result, campaign.id, lambda: remind(app, campaign.id, as_of=now, clock=clock, **extra), None)
        if run is not None:
            result.reminders[campaign.id] = sorted(run.queued)
            _merge(result.delivery, run.delivery)
    # Receipts, resend requests and retries of any campaign.
    _merge(result.delivery, _step(result, "delivery", lambda: deliver(app, clock=clock, **extra), None))
    if result.receipts or result.resend_requests or any(result.reminders.values()) or result.delivery.errors:
        log.info("mail: %d receipt(s), %d resend request(s), %d reminder(s) queued; delivery: %s",
                 len(result.receipts), len(result.resend_requests), sum(map(len, result.reminders.values())),
                 result.delivery.summary())
    return result


def _step(result: MailPass, name: str, run: Callable[[], T], failed: T) -> T:
    """One step of the pass; `failed` when it raised: a ReportboxError (a broken template, an
    unreadable contacts file, the database down) in one line, anything else with its traceback."""
    try:
        return run()
    except ReportboxError as exc:
        result.errors[name] = str(exc)
        log.error("mail pass, %s: %s", name, exc)
    except Exception as exc:
        result.errors[name] = f"{type(exc).__name__}: {exc}"
        log.exception("mail pass, %s: failed; the other steps go on", name)
    return failed


def _merge(total: Delivery, part: Delivery | None) -> None:
    if part is None:
        return
    for name in ("sent", "retrying", "failed", "uncertain", "cancelled"):
        getattr(total, name).extend(getattr(part, name))
    total.recovered += part.recovered
    total.errors.update(part.errors)
