"""Resend requests: the sender of a report none of whose files could be read is asked, once, to send it again.

A report whose files are all password-protected, damaged, scans that could not be read, or failed
to convert (models.unreadable) is received but not countable: without an answer the province
believes it has reported while the ministry has nothing to read. Its sender gets one e-mail in
Vietnamese (resend_request.j2) naming each file, why it could not be read and what to do: send it
without a password, save it again, send a PDF with text. Its unit's reminders go on and say so.

Which reports (`why_not`, asked when the request is queued and again just before it goes):
submissions that identification took for a report (accepted, superseded or in review; not
rejected, not another report), received within `[receipts] max_age_days`, with `[receipts]
enabled`, with at least one file its sender can fix by sending it again (models.unreadable's
resendable_files; a program or a file of unknown format is not asked for, and only those files are
named), and no receipt queued for the same message (its files were read then: a reprocess that
times out must not tell the province "không đọc được" after "Đã nhận"). A report of no identified
unit is answered only on a positive sign that a province sent it: the campaign identified by a
reply to its request, its letter cited or a fitting title (not the year alone), or a sender that
is a contact, a learned address or a provincial domain. Anything else with an attachment (spam
with a locked .zip from a forged address) is left to a reviewer: answering it would send the
ministry's mail to whoever the From names. The two kinds of answer share their switch, their age
limit and their safeguards (jobs.receipts.why_not_answer_to: no robots, lists, null or own
senders, forged addresses; no answer to a reply to one of our receipts or resend requests, where
a loop would start). None either when a readable report from the same sender or unit came after
it. Each decision not to send is kept in the outbox as a cancelled row, like receipts', when
there is a campaign to file it under.

Exactly once per message: the step is "message-<raw id>" and a message already asked about (under
whatever campaign and unit) is never asked about again, so a reviewer's later assignment sends
nothing more; the database holds to it (a unique index on the resend requests' kind and step).
The outbox is keyed by campaign and unit: a report of no identified unit is filed under unit ""
and, when it names no campaign either, under the configured campaign whose window
(models.submissions.other_report_window) holds the day it came, the nearest deadline first; with
none, it is not answered (said once per run of the daemon, not at every pass). One message that
cannot be handled (a bug, a row the code does not expect) is logged with its id and skipped: the
others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobs.mail.compose import Templates
from jobs.mail.letters import campaign_variables, outbox_row, sender_variables, unit_variables
from jobs.receipts import declined, queue_each, reply_thread, why_not_answer_to
from models import adjustments, outbox
from models.schema import (
    AdjustmentKind,
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
from models.status import registry_of
from models.submissions import other_report_window
from models.unreadable import UnreadableFile, resendable_files, unreadable_reports
from parsers.registry import BUILTIN_NAMES, Contacts, builtin, code_in, unit_for_domain
from reportbox.app import App

log = logging.getLogger("reportbox.resend")

ANSWERED = (SubmissionState.ACCEPTED, SubmissionState.SUPERSEDED, SubmissionState.NEEDS_REVIEW)
NO_UNIT = ""  # the outbox's unit for a report that named none we could find
# A reply to one of these is not answered with another request: a sender (or its robot) that keeps
# sending what cannot be read would otherwise get one per message.
LOOPS = (OutboxKind.RECEIPT, OutboxKind.RESEND_REQUEST)
# (database, message) already logged as filed under no campaign by this process: said once, not every pass.
_unfiled_said: set[tuple[str, int]] = set()


class KnownSenders:
    """The contacts file's and learned addresses (jobs.poll.known_addresses), read once, when first
    needed (only a report of no identified unit asks), in the caller's session."""

    def __init__(self, app: App, session: Session) -> None:
        self.app, self.session = app, session
        self._contacts: Contacts | None = None

    def owner(self, address: str, registry) -> tuple[str, str] | None:
        if self._contacts is None:
            from jobs.poll import known_addresses

            self._contacts = known_addresses(self.app, self.session)
        return self._contacts.owner(address, registry)


def queue_resend_requests(app: App, *, clock: Callable[[], datetime] = utcnow) -> list[int]:
    """Queue the resend requests owed now; the outbox ids of those queued (not of those declined).
    A failure is one message's unless it would fail them all (jobs.receipts.queue_each)."""
    config = app.config
    if config.smtp is None or not config.receipts.enabled:
        return []
    now = clock()
    templates = Templates(config.outgoing.templates_dir)
    with app.sessions() as session:
        known = KnownSenders(app, session)
        candidates = _candidates(session, now - timedelta(days=config.receipts.max_age_days))
        unreadable = unreadable_reports(session, [raw_id for _, raw_id in candidates])
        owed = [(raw_id, (lambda s=submission_id: _queue_one(app, session, templates, known, s, now)))
                for submission_id, raw_id in candidates if raw_id in unreadable]
        queued = queue_each(session, owed, "resend requests")
    return queued


def _queue_one(app: App, session: Session, templates: Templates, known: KnownSenders, submission_id: int,
               now: datetime) -> int | None:
    config = app.config
    submission = session.get(Submission, submission_id)
    raw = session.get(RawMessage, submission.raw_message_id)
    step = f"message-{raw.id}"
    if outbox.answered(session, OutboxKind.RESEND_REQUEST, step):
        return None
    # Only what sending again can fix (models.unreadable): a program or an unknown format is not asked for.
    files = resendable_files(session, raw.id)
    if not files:
        return None
    campaign = _filed_under(session, submission, raw)
    if campaign is None:
        if (said := (config.database.url, raw.id)) not in _unfiled_said:
            _unfiled_said.add(said)
            log.info("no resend request for message %d: no campaign in the configuration was open when it came",
                     raw.id)
        return None
    unit = code_in(submission.unit, submission.unit_registry, campaign.unit_registry) or NO_UNIT
    parsed = session.get(ParsedMessage, raw.id)
    since = now - timedelta(days=config.receipts.max_age_days)
    reason = why_not(app, session, submission, raw, parsed, campaign, since=since, known=known)
    if reason is not None:
        outbox.queue(session, declined(config, OutboxKind.RESEND_REQUEST, campaign.id, unit, step, submission,
                                       raw, reason, now))
        log.info("no resend request for message %d: %s", raw.id, reason)  # once: the row is the decision
        return None
    draft = templates.render(*resend_letter(config, session, campaign, unit, submission, raw, parsed, files))
    row = outbox_row(config, draft, kind=OutboxKind.RESEND_REQUEST, campaign=campaign.id, unit=unit,
                     step=step, to=(submission.sender,), cc=(), replying_to=reply_thread(raw, parsed),
                     auto_submitted="auto-replied", as_of=raw.received_at, now=now, submission_id=submission.id)
    if submission.campaign is None:
        row.note = f"the report names no campaign: filed under {campaign.id}"
    return outbox.queue(session, row)


def resend_letter(config, session: Session, campaign: Campaign, unit: str, submission: Submission, raw: RawMessage,
                  parsed, files: tuple[UnreadableFile, ...]) -> tuple[str, dict]:
    """The template and its variables. The campaign is named only when the report named it."""
    named = submission.campaign == campaign.id
    variables = {
        "unit": unit_variables(registry_of(campaign), unit) if unit else None,
        "campaign": campaign_variables(campaign) if named else None,
        "deadline": unit_deadline(session, campaign, unit) if named else None,
        "received_at": raw.received_at,
        "subject": (parsed.subject if parsed is not None else None) or "(không có tiêu đề)",
        "files": [{"name": file.path, "reason": file.reason} for file in files],
        **sender_variables(config),
    }
    return "resend_request.j2", variables


def unit_deadline(session: Session, campaign: Campaign, unit: str) -> datetime:
    """The unit's deadline as models.status has it (an extension in force that ends later), without
    computing the whole campaign's status for one letter."""
    extension = adjustments.in_force(session, campaign.id, unit, AdjustmentKind.EXTENSION) if unit else None
    return extension.at if extension is not None and extension.at > campaign.deadline else campaign.deadline


def why_not(app: App, session: Session, submission: Submission, raw: RawMessage, parsed, campaign: Campaign, *,
            since: datetime, known: KnownSenders) -> str | None:
    """Why no request may go for this report (None: it may): the same rules when it is queued and
    just before it goes (a reprocess, a reviewer or weeks of a relay down may have changed them)."""
    if submission.state not in ANSWERED:
        return f"the report is {submission.state}"
    if submission.kind == SubmissionKind.OTHER_REPORT:
        return "the report is another report of its unit, not counted for any campaign"
    if raw.received_at < since:
        return f"the report came more than [receipts] max_age_days ({app.config.receipts.max_age_days}) ago"
    if outbox.answered(session, OutboxKind.RECEIPT, f"message-{raw.id}"):
        return "a receipt was queued for the same message: its files were read then"
    if submission.unit is None and (doubt := no_positive_sign(submission, campaign, known)):
        return doubt
    return why_not_answer_to(app, session, submission, raw, parsed, loops=LOOPS) or _read_since(
        session, submission, raw)


def why_not_resend(app: App, session: Session, row: Outbox, as_of: datetime) -> str | None:
    """Checked again just before a queued request goes: why it must not, or None."""
    submission = session.get(Submission, row.submission_id) if row.submission_id is not None else None
    raw = session.get(RawMessage, submission.raw_message_id) if submission is not None else None
    campaign = session.get(Campaign, row.campaign)
    if raw is None or campaign is None:
        return "not sent: the report is no longer stored"
    if raw.id not in unreadable_reports(session, [raw.id]):
        return "not sent: its files have been read since"
    if not resendable_files(session, raw.id):
        return "not sent: none of its files is one that sending it again would fix"
    since = as_of - timedelta(days=app.config.receipts.max_age_days)
    reason = why_not(app, session, submission, raw, session.get(ParsedMessage, raw.id), campaign, since=since,
                     known=KnownSenders(app, session))
    return f"not sent: {reason}" if reason is not None else None


def _candidates(session: Session, since: datetime) -> list[tuple[int, int]]:
    """(submission id, raw id) of the reports that may be owed a request, oldest first."""
    return list(session.execute(
        select(Submission.id, RawMessage.id).join(RawMessage, RawMessage.id == Submission.raw_message_id)
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


def no_positive_sign(submission: Submission, campaign: Campaign, known: KnownSenders) -> str | None:
    """For a report of no identified unit: why nothing says a province sent it, or None when
    something does (its campaign identified, or a sender known to be a unit's in the campaign's
    registry or a built-in one: a contact, a learned address, a provincial domain)."""
    if _campaign_evidence(submission) is not None:
        return None
    sender = submission.sender or ""
    registries = [registry_of(campaign), *(builtin(name) for name in BUILTIN_NAMES if name != campaign.unit_registry)]
    if sender and any(known.owner(sender, registry) is not None or unit_for_domain(sender, registry) is not None
                      for registry in registries):
        return None
    return ("no unit identified, nothing says which request it answers, and the sender is no contact, learned "
            "address or provincial domain: left to a reviewer (spam with an attachment looks the same)")


def _campaign_evidence(submission: Submission) -> str | None:
    """The identification's evidence that the report answers its campaign: a reply to the request,
    its letter cited or a title that fits ("… → tk2019"); never the year alone ("report year 2019 →
    tk2019?", a guess left to review)."""
    if submission.campaign is None:
        return None
    mark = f"→ {submission.campaign}"
    return next((line for line in submission.evidence or () if isinstance(line, str) and line.endswith(mark)
                 and not line.startswith(("report year", "review:"))), None)


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

