"""The review queue: people's decisions on submissions, recorded as an audit trail.

A decision is stored against the message, and applied to its submission now and again each time
the message is processed (`reportbox reprocess` re-creates submissions): people outrank the program.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import ReviewDecision, Submission, SubmissionState, utcnow
from parsers.registry import builtin
from reportbox.errors import UsageError

ASSIGN, REJECT = "assign", "reject"


def decide(session: Session, submission_id: int, action: str, *, unit: str | None = None,
           reason: str | None = None, decided_by: str, default_registry: str = "vn63") -> Submission:
    """Record a decision and apply it. Raises UsageError for an unknown submission or unit."""
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None:
        raise UsageError(f"no submission with id {submission_id} (see `reportbox review list`)")
    registry = submission.unit_registry or default_registry
    if action == ASSIGN:
        try:
            known = unit in builtin(registry)
        except ValueError:
            known = True  # an operator's own registry: codes are checked when it is loaded
        if not known:
            raise UsageError(f"unit {unit!r} is not in registry {registry} (codes such as 01 Hà Nội, 22 Quảng Ninh)")
    decision = ReviewDecision(raw_message_id=submission.raw_message_id, action=action, unit=unit,
                              unit_registry=registry if unit else None, reason=reason, decided_by=decided_by,
                              decided_at=utcnow())
    session.add(decision)
    _apply(submission, decision)
    return submission


def apply_latest(session: Session, raw_id: int) -> None:
    """Re-apply the latest decision on a message to its freshly recorded submission."""
    decision = session.scalars(select(ReviewDecision).where(ReviewDecision.raw_message_id == raw_id)
                               .order_by(ReviewDecision.id.desc()).limit(1)).first()
    if decision is not None:
        submission = session.scalars(select(Submission).where(Submission.raw_message_id == raw_id)).first()
        if submission is not None:
            _apply(submission, decision)


def _apply(submission: Submission, decision: ReviewDecision) -> None:
    why = f" ({decision.reason})" if decision.reason else ""
    when = decision.decided_at.strftime("%Y-%m-%d %H:%M UTC")
    if decision.action == ASSIGN:
        submission.unit, submission.unit_registry = decision.unit, decision.unit_registry
        submission.state = SubmissionState.ACCEPTED
        line = f"review: assigned to {decision.unit} by {decision.decided_by}, {when}{why}"
    else:
        submission.state = SubmissionState.REJECTED
        line = f"review: rejected by {decision.decided_by}, {when}{why}"
    submission.evidence = [line, *[e for e in submission.evidence if not e.startswith("review: ")]]


def history(session: Session, raw_id: int) -> list[ReviewDecision]:
    query = select(ReviewDecision).where(ReviewDecision.raw_message_id == raw_id).order_by(ReviewDecision.id)
    return list(session.scalars(query))
