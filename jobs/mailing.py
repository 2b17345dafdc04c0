"""The daemon's mail pass: queue the receipts and resend requests owed, run every campaign's
reminder policy as of now, and deliver whatever is due (retries included). Safe to run as often as
wanted: the outbox keys make every step, receipt and resend request happen once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from jobs.outbox import Delivery, deliver
from jobs.receipts import queue_receipts
from jobs.resend import queue_resend_requests
from jobs.reminders.run import remind
from models.schema import utcnow
from reportbox.app import App
from reportbox.errors import ReportboxError

log = logging.getLogger("reportbox.mailing")


@dataclass
class MailPass:
    receipts: list[int] = field(default_factory=list)
    resend_requests: list[int] = field(default_factory=list)
    reminders: dict[str, list[str]] = field(default_factory=dict)  # campaign → units reminded now
    delivery: Delivery = field(default_factory=Delivery)
    errors: dict[str, str] = field(default_factory=dict)  # campaign (or "receipts", "resend") → why it was skipped


def mail_pass(app: App, *, clock: Callable[[], datetime] = utcnow, sleep=None,
              stop: threading.Event | None = None) -> MailPass:
    """One pass; `stop` (the daemon's) ends it between two messages."""
    result = MailPass()
    if app.config.smtp is None:
        return result
    extra = {"sleep": sleep, "stop": stop}
    try:
        result.receipts = queue_receipts(app, clock=clock)
    except ReportboxError as exc:
        result.errors["receipts"] = str(exc)
        log.error("receipts: %s", exc)
    try:
        result.resend_requests = queue_resend_requests(app, clock=clock)
    except ReportboxError as exc:  # a broken template: receipts and reminders go on
        result.errors["resend"] = str(exc)
        log.error("resend requests: %s", exc)
    now = clock()
    for campaign in app.config.campaign:
        if not campaign.reminders.enabled or (stop is not None and stop.is_set()):
            continue
        try:
            run = remind(app, campaign.id, as_of=now, clock=clock, **extra)
        except ReportboxError as exc:  # a broken template, an unreadable contacts file: the others go on
            result.errors[campaign.id] = str(exc)
            log.error("reminders for %s: %s", campaign.id, exc)
            continue
        result.reminders[campaign.id] = sorted(run.queued)
        _merge(result.delivery, run.delivery)
    _merge(result.delivery, deliver(app, clock=clock, **extra))  # receipts and retries of any campaign
    if result.receipts or result.resend_requests or any(result.reminders.values()) or result.delivery.errors:
        log.info("mail: %d receipt(s), %d resend request(s), %d reminder(s) queued; delivery: %s",
                 len(result.receipts), len(result.resend_requests), sum(map(len, result.reminders.values())),
                 result.delivery.summary())
    return result


def _merge(total: Delivery, part: Delivery | None) -> None:
    if part is None:
        return
    for name in ("sent", "retrying", "failed", "uncertain", "cancelled"):
        getattr(total, name).extend(getattr(part, name))
    total.recovered += part.recovered
    total.errors.update(part.errors)
