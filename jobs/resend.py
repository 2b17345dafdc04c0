"""Resend requests: the sender of a report none of whose files could be read is asked, once, to send it again.

A report whose files are all password-protected, damaged, scans that could not be read, or failed
to convert (models.unreadable) is received but not countable: without an answer the province
believes it has reported while the ministry has nothing to read. Its sender gets one e-mail in
Vietnamese (resend_request.j2) naming each file, why it could not be read and what to do: send it
without a password, save it again, send a PDF with text. Its unit's reminders go on and say so.

Which reports: submissions that identification took for a report (accepted, superseded or in
review; not rejected, not another report), received within `[receipts] max_age_days`, with
`[receipts] enabled`: the two kinds of answer share their switch, their age limit and their
safeguards (jobs.receipts.why_not_answer_to: no robots, lists, null or own senders, forged
addresses; and no answer to a reply to one of our receipts or resend requests, where a loop
would start — that unit's reminders still say its file could not be read). None either when a
readable report from the same sender or unit came after it (the daemon was down, say). Each
decision not to send is kept in the outbox as a cancelled row, like receipts'.

Exactly once per message: the step is "message-<raw id>" and a message already asked about (under
whatever campaign and unit) is never asked about again, so a reviewer's later assignment sends
nothing more. The outbox is keyed by campaign and unit: a report of no identified unit is filed
under unit "" and, when it names no campaign either, under the configured campaign whose window
(models.submissions.other_report_window) holds the day it came, the nearest deadline first; with
none, it is not answered (logged). Just before a queued request goes it is checked again
(`why_not_resend`): a report rejected, read since (reprocessed), or followed by a readable copy
is not asked about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobs.mail.compose import Templates
from jobs.mail.letters import campaign_variables, outbox_row, sender_variables, unit_variables
from jobs.receipts import declined, reply_thread, why_not_answer_to
from models import outbox
from models.schema import (
    Campaign,
    Outbox,
    OutboxKind,
    ParsedMessage,
    RawMessage,
    Submission,
    SubmissionKind,
    SubmissionState,
    utcnow,
)
from models.status import campaign_status, registry_of
from models.submissions import other_report_window
from models.unreadable import UnreadableFile, unreadable_reports
from parsers.registry import code_in
from reportbox.app import App

log = logging.getLogger("reportbox.resend")

ANSWERED = (SubmissionState.ACCEPTED, SubmissionState.SUPERSEDED, SubmissionState.NEEDS_REVIEW)
NO_UNIT = ""  # the outbox's unit for a report that named none we could find
# A reply to one of these is not answered with another request: a sender (or its robot) that keeps
# sending what cannot be read would otherwise get one per message.
LOOPS = (OutboxKind.RECEIPT, OutboxKind.RESEND_REQUEST)


def queue_resend_requests(app: App, *, clock: Callable[[], datetime] = utcnow) -> list[int]:
    """Queue the resend requests owed now; the outbox ids of those queued (not of those declined)."""
    config = app.config
    if config.smtp is None or not config.receipts.enabled:
        return []
    now = clock()
    queued = []
    templates = Templates(config.outgoing.templates_dir)
    with app.sessions() as session:
        candidates = _candidates(session, now - timedelta(days=config.receipts.max_age_days))
        unreadable = unreadable_reports(session, [raw.id for _, raw in candidates])
        for submission, raw in candidates:
            files = unreadable.get(raw.id)
            step = f"message-{raw.id}"
            if not files or outbox.answered(session, OutboxKind.RESEND_REQUEST, step):
                continue
            campaign = _filed_under(session, submission, raw)
            if campaign is None:
                log.info("no resend request for message %d: no campaign in the configuration was open when it came",
                         raw.id)
                continue
            unit = code_in(submission.unit, submission.unit_registry, campaign.unit_registry) or NO_UNIT
            parsed = session.get(ParsedMessage, raw.id)
            reason = why_not_answer_to(app, session, submission, raw, parsed, loops=LOOPS) or _read_since(
                session, submission, raw)
            if reason is not None:
                outbox.queue(session, declined(config, OutboxKind.RESEND_REQUEST, campaign.id, unit, step, submission,
                                               raw, reason, now))
                log.info("no resend request for message %d: %s", raw.id, reason)
                continue
            draft = templates.render(*resend_letter(config, session, campaign, unit, submission, raw, parsed, files))
            row = outbox_row(config, draft, kind=OutboxKind.RESEND_REQUEST, campaign=campaign.id, unit=unit,
                             step=step, to=(submission.sender,), cc=(), replying_to=reply_thread(raw, parsed),
                             auto_submitted="auto-replied", as_of=raw.received_at, now=now,
                             submission_id=submission.id)
            if submission.campaign is None:
                row.note = f"the report names no campaign: filed under {campaign.id}"
            if (outbox_id := outbox.queue(session, row)) is not None:
                queued.append(outbox_id)
    return queued


def resend_letter(config, session: Session, campaign: Campaign, unit: str, submission: Submission, raw: RawMessage,
                  parsed, files: tuple[UnreadableFile, ...]) -> tuple[str, dict]:
    """The template and its variables. The campaign is named only when the report named it."""
    named = submission.campaign == campaign.id
    deadline = None
    if named and unit:
        deadline = next(u.deadline for u in campaign_status(session, campaign.id).units if u.unit == unit)
    elif named:
        deadline = campaign.deadline
    variables = {
        "unit": unit_variables(registry_of(campaign), unit) if unit else None,
        "campaign": campaign_variables(campaign) if named else None, "deadline": deadline,
        "received_at": raw.received_at,
        "subject": (parsed.subject if parsed is not None else None) or "(không có tiêu đề)",
        "files": [{"name": file.path, "reason": file.reason} for file in files],
        **sender_variables(config),
    }
    return "resend_request.j2", variables


def why_not_resend(session: Session, row: Outbox, as_of: datetime) -> str | None:
    """Checked again just before a queued request goes: why it must not, or None."""
    submission = session.get(Submission, row.submission_id) if row.submission_id is not None else None
    if submission is None:
        return "not sent: the report is no longer stored"
    if submission.state not in ANSWERED:
        return f"not sent: the report is {submission.state}"
    raw = session.get(RawMessage, submission.raw_message_id)
    if raw.id not in unreadable_reports(session, [raw.id]):
        return "not sent: its files have been read since"
    return _read_since(session, submission, raw)


def _candidates(session: Session, since: datetime) -> list[tuple[Submission, RawMessage]]:
    return list(session.execute(
        select(Submission, RawMessage).join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .where(Submission.state.in_(ANSWERED), Submission.kind != SubmissionKind.OTHER_REPORT,
               RawMessage.received_at >= since)
        .order_by(RawMessage.received_at)).all())


def _filed_under(session: Session, submission: Submission, raw: RawMessage) -> Campaign | None:
    """The campaign the request is kept under: the report's, else the open one of nearest deadline."""
    if submission.campaign is not None:
        campaign = session.get(Campaign, submission.campaign)
        return campaign if campaign is not None and campaign.in_config else None
    open_ones = [c for c in session.scalars(select(Campaign).where(Campaign.in_config.is_(True)))
                 if other_report_window(c)[0] <= raw.received_at <= other_report_window(c)[1]]
    return min(open_ones, key=lambda c: (abs(c.deadline - raw.received_at), c.id), default=None)


def _read_since(session: Session, submission: Submission, raw: RawMessage) -> str | None:
    """Why asking is moot: a readable report came after this one, from its sender or for its unit (of
    the same campaign, when both name one)."""
    same = [Submission.sender == submission.sender] if submission.sender else []
    if submission.unit is not None and submission.campaign is not None:
        same.append((Submission.unit == submission.unit) & (Submission.unit_registry == submission.unit_registry))
    if not same:
        return None
    campaign = (Submission.campaign.is_(None) | (Submission.campaign == submission.campaign)
                if submission.campaign is not None else Submission.id.is_not(None))
    later = list(session.scalars(
        select(Submission.raw_message_id).join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .where(or_(*same), campaign, Submission.state.in_(ANSWERED), Submission.kind != SubmissionKind.OTHER_REPORT,
               RawMessage.received_at > raw.received_at)))
    unreadable = unreadable_reports(session, later)
    return "a readable report came after it" if any(raw_id not in unreadable for raw_id in later) else None
