"""Named queries over submissions: what `reportbox submissions`, the jobs and the dashboard read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.schema import Document, ParsedMessage, RawMessage, Section, Submission


@dataclass(frozen=True)
class SubmissionView:
    submission: Submission
    raw: RawMessage
    parsed: ParsedMessage | None
    documents: list[Document]
    sections_by_document: dict[int, list[str]]  # document id → outline keys found in it


def list_submissions(session: Session, campaign: str | None = None, state: str | None = None) -> list[SubmissionView]:
    """Submissions oldest first; with a campaign, also every one not yet attributed to any campaign."""
    query = (select(Submission, RawMessage, ParsedMessage)
             .join(RawMessage, RawMessage.id == Submission.raw_message_id)
             .outerjoin(ParsedMessage, ParsedMessage.raw_message_id == RawMessage.id)
             .order_by(RawMessage.received_at, Submission.id))
    if campaign is not None:
        query = query.where(or_(Submission.campaign == campaign, Submission.campaign.is_(None)))
    if state is not None:
        query = query.where(Submission.state == state)
    rows = session.execute(query).all()
    raw_ids = [raw.id for _, raw, _ in rows]
    documents: dict[int, list[Document]] = {}
    for document in session.scalars(select(Document).where(Document.raw_message_id.in_(raw_ids))
                                    .order_by(Document.raw_message_id, Document.position)):
        documents.setdefault(document.raw_message_id, []).append(document)
    keys: dict[int, list[str]] = {}
    document_ids = [d.id for ds in documents.values() for d in ds]
    for document_id, key in session.execute(select(Section.document_id, Section.key)
                                            .where(Section.document_id.in_(document_ids))
                                            .order_by(Section.document_id, Section.position)):
        if key not in keys.setdefault(document_id, []):
            keys[document_id].append(key)
    return [SubmissionView(submission, raw, parsed, documents.get(raw.id, []), keys)
            for submission, raw, parsed in rows]


def submission_ids_of(session: Session, raw_ids: list[int]) -> dict[int, int]:
    """raw message id → its submission's id, for the messages that are submissions."""
    query = select(Submission.raw_message_id, Submission.id).where(Submission.raw_message_id.in_(raw_ids))
    return dict(session.execute(query).all())


def submission_counts(session: Session) -> dict[str, int]:
    """Submissions by state: `needs_review` is the size of the review queue."""
    return dict(session.execute(select(Submission.state, func.count()).group_by(Submission.state)).all())
