"""Addresses learned from accepted submissions: a province's staff who sent from personal webmail
once, and were accepted on the document's own header or by a reviewer, are known the next time."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.schema import KnownSender, SenderCheck, Submission, SubmissionKind, SubmissionState, utcnow
from parsers.registry import KnownAddress



def learn(session: Session, submission: Submission) -> None:
    """Make the sender of a counted submission a known address of its unit, or take back what an
    earlier finding on the same message taught.

    Only an address nobody vouches for yet is learned: never one whose DMARC/SPF failed or that
    belongs to another unit (a reviewer may accept the report, not the stranger's address), and never
    from another report of the unit (filed without the doubts a counted report must clear)."""
    session.execute(delete(KnownSender).where(KnownSender.raw_message_id == submission.raw_message_id))
    if (submission.state in SubmissionState.COUNTED and submission.kind != SubmissionKind.OTHER_REPORT
            and submission.sender and submission.unit and submission.unit_registry
            and submission.sender_check == SenderCheck.UNKNOWN):
        session.add(KnownSender(raw_message_id=submission.raw_message_id, address=submission.sender,
                                unit_registry=submission.unit_registry, unit=submission.unit, learned_at=utcnow()))


def forget(session: Session, raw_id: int) -> None:
    session.execute(delete(KnownSender).where(KnownSender.raw_message_id == raw_id))


def learned_addresses(session: Session) -> list[KnownAddress]:
    rows = session.execute(select(KnownSender.address, KnownSender.unit_registry, KnownSender.unit).distinct()
                           .order_by(KnownSender.address, KnownSender.unit_registry, KnownSender.unit))
    return [KnownAddress(address=address, code=unit, registry=registry, source="learned")
            for address, registry, unit in rows]
