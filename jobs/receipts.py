"""Receipts: each accepted report's sender is told, once, what it was counted as.

A receipt says which unit and campaign the report counts for, when it was received, whether on
time, which of the outline's sections were found and which are missing, and how to send a
correction. The outbox key (campaign, unit, "receipt", "message-<id>") makes it one per message
(a report reassigned by a reviewer to another unit gets a receipt for that unit). None is sent
for a message a robot sent, one that answers one of our receipts, one from our own address
(parsers.loops), a forged sender (sender_check "auth_failed": identification's verdict by
parsers.signals.forged_sender, kept when a reviewer accepts the report), or a report received more than
`receipts.max_age_days` ago (a backfill, a late review); the decision not to send is kept in
the outbox as a cancelled row, so it is visible and taken once. A report none of whose files could
be read is not confirmed: its sender is asked to send it again (jobs.resend, which shares these
safeguards); a file beside a report read that could not be (an annex with a password) is named.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.fetch import database_down_error, database_unavailable
from jobs.mail.compose import Templates, new_message_id
from jobs.mail.letters import campaign_variables, outbox_row, outline_of, picked, sender_variables, titles_of, unit_variables
from models import outbox
from models.schema import (
    Attachment,
    Campaign,
    Outbox,
    OutboxKind,
    OutboxState,
    ParsedMessage,
    RawMessage,
    SenderCheck,
    Submission,
    SubmissionState,
    utcnow,
)
from models.status import ON_TIME, campaign_status, registry_of
from models.unreadable import resendable_files, unreadable_reports
from parsers.loops import MAX_HEADER_BYTES, why_not_answer
from parsers.registry import code_in
from reportbox.app import App
from reportbox.errors import ReportboxError

log = logging.getLogger("reportbox.receipts")


def queue_receipts(app: App, *, clock: Callable[[], datetime] = utcnow) -> list[int]:
    """Queue the receipts owed now; returns the outbox ids of those queued (not of those declined)."""
    config = app.config
    if config.smtp is None or not config.receipts.enabled:
        return []
    now = clock()
    templates = Templates(config.outgoing.templates_dir)
    with app.sessions() as session:
        candidates = _candidates(session, now - timedelta(days=config.receipts.max_age_days))
        unreadable = unreadable_reports(session, [raw.id for _, raw in candidates])  # asked again instead (jobs.resend)
        owed = [(raw.id, (lambda s=submission, r=raw: _queue_one(app, session, templates, s, r, now)))
                for submission, raw in candidates if raw.id not in unreadable]
        queued = queue_each(session, owed, "receipts")
    return queued


def queue_each(session: Session, owed: list[tuple[int, Callable[[], int | None]]], what: str) -> list[int]:
    """Queue one answer per message (its id, and what queues it); the outbox ids queued.

    One message's failure is logged with its id and the others go on; a ReportboxError (a broken
    template, an unreadable contacts file) would fail them all alike and stops the step, as does
    a database that is down, said in one line."""
    queued = []
    for raw_id, queue_one in owed:
        try:
            outbox_id = queue_one()
        except ReportboxError:
            raise
        except Exception as exc:  # noqa: BLE001 - one message's
            session.rollback()
            if database_unavailable(exc):
                raise database_down_error(exc, f"{what} are queued at the next pass") from exc
            log.exception("%s: message %d skipped: %s", what, raw_id, exc)
            continue
        if outbox_id is not None:
            queued.append(outbox_id)
    return queued


def _queue_one(app: App, session: Session, templates: Templates, submission: Submission, raw: RawMessage,
               now: datetime) -> int | None:
    config = app.config
    campaign = session.get(Campaign, submission.campaign)
    if campaign is None or not campaign.in_config:
        return None
    unit = code_in(submission.unit, submission.unit_registry, campaign.unit_registry)
    if unit is None:
        return None
    step = f"message-{raw.id}"
    if outbox.exists(session, campaign.id, unit, OutboxKind.RECEIPT, step):
        return None
    parsed = session.get(ParsedMessage, raw.id)
    reason = why_not_answer_to(app, session, submission, raw, parsed)
    if reason is not None:
        outbox.queue(session, declined(config, OutboxKind.RECEIPT, campaign.id, unit, step, submission, raw,
                                       reason, now))
        log.info("no receipt for message %d: %s", raw.id, reason)
        return None
    draft = templates.render(*receipt_letter(config, session, campaign, unit, submission, raw, parsed))
    row = outbox_row(config, draft, kind=OutboxKind.RECEIPT, campaign=campaign.id,
                     unit=unit, step=step, to=(submission.sender,), cc=(),
                     replying_to=reply_thread(raw, parsed), auto_submitted="auto-replied",
                     as_of=raw.received_at, now=now, submission_id=submission.id)
    return outbox.queue(session, row)


def _candidates(session: Session, since: datetime):
    return session.execute(
        select(Submission, RawMessage).join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .where(Submission.state.in_(SubmissionState.COUNTED),
               Submission.campaign.is_not(None), Submission.unit.is_not(None), RawMessage.received_at >= since)
        .order_by(RawMessage.received_at)).all()


def why_not_answer_to(app: App, session: Session, submission: Submission, raw: RawMessage, parsed, *,
                      loops: Collection[str] = (OutboxKind.RECEIPT,)) -> str | None:
    """Why no automatic answer (a receipt, a resend request) may go to this submission's sender, or
    None: the safeguards both kinds share. `loops`: the kinds of our mail a reply to which gets none."""
    if not submission.sender:
        return "no sender address"
    if submission.sender_check == SenderCheck.AUTH_FAILED:
        return ("the sender's address may be forged: our server's DMARC failed for its domain, "
                "or SPF failed without a DKIM pass of it")
    cited = [parsed.in_reply_to, *parsed.references] if parsed is not None else []
    try:
        head = app.store.read_head(raw.sha256, MAX_HEADER_BYTES)  # not the 30 MB of attachments behind it
    except OSError as exc:
        return f"the stored message cannot be read ({exc.strerror})"
    own = {app.config.smtp.from_address, *(m.username for m in app.config.mailbox if m.username)}
    # A reply to one of our receipts is where a loop would start; a province answering a reminder
    # with its report (as the reminder asks) is confirmed like any report.
    answered = [row for row in outbox.by_message_ids(session, cited) if row.kind in loops]
    return why_not_answer(head, own_addresses=own, replies_to_us=bool(answered))


def receipt_letter(config, session: Session, campaign: Campaign, unit: str, submission: Submission,
                   raw: RawMessage, parsed) -> tuple[str, dict]:
    """The template and its variables: the unit's standing as of the moment this message came."""
    status = campaign_status(session, campaign.id, as_of=raw.received_at)
    standing = next((u for u in status.units if u.unit == unit), None)
    if standing is None:
        raise LookupError(f"unit {unit!r} is not among {campaign.id}'s units")
    files = session.scalars(select(Attachment.filename).where(Attachment.raw_message_id == raw.id)
                            .order_by(Attachment.position)).all()
    outline = outline_of(config, campaign)
    found, missing = picked(outline, standing.sections), picked(outline, standing.missing_sections)
    variables = {
        "unit": unit_variables(registry_of(campaign), unit), "campaign": campaign_variables(campaign),
        "deadline": standing.deadline, "received_at": raw.received_at,
        # The first version decides, as in `reportbox status`; another department's part that came before
        # the lead's report (its unit still pending or missing) is on time by its own time.
        "on_time": standing.status == ON_TIME if standing.received_at else raw.received_at <= standing.deadline,
        "subject": (parsed.subject if parsed is not None else None) or "(không có tiêu đề)",
        "files": list(files), "outline": list(outline), "found": found, "missing": missing,
        "sections_found": titles_of(found), "missing_sections": titles_of(missing), "versions": standing.versions,
        # Files beside the report that could not be read for a reason the sender can fix (an annex with a password).
        "unreadable_files": [{"name": f.path, "reason": f.reason} for f in resendable_files(session, raw.id)],
        **sender_variables(config),
    }
    return "receipt.j2", variables


def reply_thread(raw: RawMessage, parsed) -> list[str]:
    references = list(parsed.references) if parsed is not None else []
    return [*references, raw.message_id] if raw.message_id else references


def declined(config, kind: str, campaign: str, unit: str, step: str, submission: Submission, raw: RawMessage,
             reason: str, now: datetime) -> Outbox:
    """The decision not to send, kept where planners look (`reportbox outbox`)."""
    return Outbox(campaign=campaign, unit=unit, kind=kind, step=step, submission_id=submission.id,
                  message_id=new_message_id(kind, config.smtp.from_), mail_from=config.smtp.from_address,
                  to=[submission.sender] if submission.sender else [], cc=[], subject="", raw=b"",
                  as_of=raw.received_at, state=OutboxState.CANCELLED, attempts=0, next_attempt_at=now, refused={},
                  note=f"no {kind.replace('_', ' ')}: {reason}", created_at=now)
