"""The review queue: people's decisions on submissions, recorded as an audit trail.

A decision is stored against the message, and applied to its submission now and again each time
the message is processed again (`reportbox reprocess` identifies it afresh): people outrank the
program. Each decision also redoes the versions of the units concerned (models.versions).

Actions: `assign` a unit (and a campaign: that moves another report of the unit into it, to count),
`reject`, or `other`: move it out of its campaign as another report of its unit (kept, listed, never
counted).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import senders, versions
from models.schema import Campaign, ReviewDecision, SenderCheck, Submission, SubmissionKind, SubmissionState, utcnow
from parsers.registry import builtin
from reportbox.errors import NotFoundError, UsageError

ASSIGN, REJECT, OTHER = "assign", "reject", "other"
ACTIONS = (ASSIGN, REJECT, OTHER)


def decide(session: Session, submission_id: int, action: str, *, unit: str | None = None,
           campaign: str | None = None, reason: str | None = None, decided_by: str,
           default_registry: str = "vn63") -> Submission:
    """Record a decision and apply it. Raises UsageError for an unknown submission, campaign or unit.

    A unit is a code in the campaign's registry: the one given, else the submission's. `other` needs
    a reason and a unit (given, or the submission's), and takes no campaign: it records the one left."""
    if action not in ACTIONS:
        raise UsageError(f"unknown review action {action!r} (one of {', '.join(ACTIONS)})")
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None:
        raise NotFoundError(f"no submission with id {submission_id} (see `reportbox review list`)")
    if action == OTHER:
        unit, campaign = _unit_of_other_report(submission, unit, reason), None
    registry = _registry(session, submission, campaign, default_registry)
    if action in (ASSIGN, OTHER):
        _check_unit(unit, registry)
    kind = None
    if action == OTHER:
        campaign = submission.campaign  # kept for the audit log: the campaign it was moved out of
    elif action == ASSIGN:
        campaign, kind = _settled(session, submission, campaign)
    decision = ReviewDecision(raw_message_id=submission.raw_message_id, action=action, unit=unit, campaign=campaign,
                              kind=kind, unit_registry=registry if unit else None, reason=reason,
                              decided_by=decided_by, decided_at=utcnow())
    session.add(decision)
    before = versions.key_of(submission)
    _apply(submission, decision)
    versions.resolve_versions(session, [before, versions.key_of(submission)])
    senders.learn(session, submission)
    return submission


def apply_latest(session: Session, submission: Submission) -> None:
    """Re-apply the latest decision on a message to its freshly recorded submission."""
    decision = session.scalars(select(ReviewDecision).where(ReviewDecision.raw_message_id == submission.raw_message_id)
                               .order_by(ReviewDecision.id.desc()).limit(1)).first()
    if decision is not None:
        _apply(submission, decision)


def _registry(session: Session, submission: Submission, campaign: str | None, default_registry: str) -> str:
    """The registry a decided unit is a code in: the campaign's, else the submission's."""
    if campaign is None:
        return submission.unit_registry or default_registry
    row = session.get(Campaign, campaign)
    if row is None:
        raise UsageError(f"no campaign {campaign!r} (see `reportbox campaign list`)")
    return row.unit_registry


def _check_unit(unit: str | None, registry: str) -> None:
    try:
        known = unit in builtin(registry)
    except ValueError:
        known = True  # an operator's own registry: codes are checked when it is loaded
    if not known:
        raise UsageError(f"unit {unit!r} is not in registry {registry} (codes such as 01 Hà Nội, 22 Quảng Ninh)")


def _settled(session: Session, submission: Submission, campaign: str | None) -> tuple[str | None, str]:
    """The campaign and kind an assignment settles, kept on the decision so that `reprocess` cannot
    move what a person decided: the campaign named (where it counts), else the one it has, else it
    stays another report of its unit. A report of no campaign needs one named, when there are any:
    accepted into none, it would count nowhere and leave the queue unseen."""
    if campaign is not None:
        part = submission.continuation or submission.department_part
        return campaign, SubmissionKind.CONTINUATION if part else SubmissionKind.REPORT
    if submission.kind == SubmissionKind.OTHER_REPORT:
        return None, SubmissionKind.OTHER_REPORT
    if submission.campaign is None and session.scalar(select(Campaign.id).limit(1)) is not None:
        raise UsageError(f"submission {submission.id} answers no campaign yet: name the one it counts for "
                         f"(--campaign ID), or file it as another report of its unit (`review other`)")
    return submission.campaign, submission.kind


def _unit_of_other_report(submission: Submission, unit: str | None, reason: str | None) -> str:
    """The unit another report is kept with: the one given, else the submission's."""
    if not (reason and reason.strip()):
        raise UsageError("moving a report out of its campaign needs a reason (--reason)")
    unit = unit or submission.unit
    if unit is None:
        raise UsageError(f"submission {submission.id} has no unit: name the unit it is another report of")
    return unit


def _apply(submission: Submission, decision: ReviewDecision) -> None:
    why = f" ({decision.reason})" if decision.reason else ""
    when = decision.decided_at.strftime("%Y-%m-%d %H:%M UTC")
    if decision.action == ASSIGN:
        _set_unit(submission, decision)
        if decision.kind is not None:  # what the person settled, whatever identification says now
            submission.campaign, submission.kind = decision.campaign, decision.kind
        else:  # a decision from before kinds were kept
            submission.campaign = decision.campaign or submission.campaign
            if decision.campaign and submission.kind == SubmissionKind.OTHER_REPORT:
                submission.kind = SubmissionKind.REPORT
        submission.state = SubmissionState.ACCEPTED
        to = f"{decision.unit} in {decision.campaign}" if decision.campaign else decision.unit
        line = f"review: assigned to {to} by {decision.decided_by}, {when}{why}"
    elif decision.action == OTHER:
        _set_unit(submission, decision)
        submission.kind, submission.campaign = SubmissionKind.OTHER_REPORT, None
        submission.state = SubmissionState.ACCEPTED  # kept as the unit's; counting reads `campaign`
        versions.clear_version_links(submission)
        left = f" out of {decision.campaign}" if decision.campaign else ""
        line = f"review: moved{left} as another report of {decision.unit} by {decision.decided_by}, {when}{why}"
    else:
        submission.state = SubmissionState.REJECTED
        versions.clear_version_links(submission)
        line = f"review: rejected by {decision.decided_by}, {when}{why}"
    submission.evidence = [line, *[e for e in submission.evidence if not e.startswith("review: ")]]


def _set_unit(submission: Submission, decision: ReviewDecision) -> None:
    if (submission.unit, submission.unit_registry) != (decision.unit, decision.unit_registry):
        # The sender was weighed against the unit identification decided: an address known
        # to be that unit's is another unit's now; an unknown one is still unknown.
        if submission.sender_check == SenderCheck.KNOWN:
            submission.sender_check = SenderCheck.OTHER_UNIT
        elif submission.sender_check == SenderCheck.NONE and submission.sender:
            submission.sender_check = SenderCheck.UNKNOWN
    submission.unit, submission.unit_registry = decision.unit, decision.unit_registry


def history(session: Session, raw_id: int) -> list[ReviewDecision]:
    query = select(ReviewDecision).where(ReviewDecision.raw_message_id == raw_id).order_by(ReviewDecision.id)
    return list(session.scalars(query))


def decisions(session: Session, limit: int = 200) -> list[tuple[ReviewDecision, int | None]]:
    """The latest decisions, newest first, each with its message's submission id: the audit log."""
    query = (select(ReviewDecision, Submission.id)
             .outerjoin(Submission, Submission.raw_message_id == ReviewDecision.raw_message_id)
             .order_by(ReviewDecision.id.desc()).limit(limit))
    return [(decision, submission_id) for decision, submission_id in session.execute(query)]
