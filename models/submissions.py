"""Submissions: recording one for a message, and the named queries `reportbox submissions`, the
jobs and the dashboard read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from collections.abc import Mapping, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, defer

from models import review, senders, versions
from models.schema import (Campaign, Document, ParsedMessage, RawMessage, Section, SenderCheck, Submission,
                           SubmissionKind, SubmissionState, utcnow)
from reportbox.timefmt import VIETNAM

if TYPE_CHECKING:  # identification (and the message parser under it) is imported only where it runs
    from parsers.identify import Identification



def record_submission(session: Session, raw_id: int, sender: str | None, sections: list[str],
                      identity: Identification | None) -> Submission:
    """Record what a message with documents was found to be, in place of any earlier finding.

    The row is updated, not replaced, so a submission keeps its id across `reportbox reprocess`
    (people refer to it by number). What identification calls no submission at all (an
    auto-reply with a file, a half-year report) waits in review with the reason as evidence:
    people, not the program, drop files. People's decisions are applied again, then the unit's
    versions are recomputed, for the unit it had before as well as the one it has now."""
    submission = session.scalars(select(Submission).where(Submission.raw_message_id == raw_id)).first()
    before = versions.key_of(submission) if submission is not None else None
    if submission is None:
        submission = Submission(raw_message_id=raw_id, created_at=utcnow())
        session.add(submission)
    values = dict(unit=None, unit_registry=None, report_year=None, campaign=None, confidence=0.0, evidence=[],
                  state=SubmissionState.NEEDS_REVIEW, sender_check=SenderCheck.NONE, continuation=None, candidates=[],
                  kind=SubmissionKind.REPORT, topic=None, title=None, dated=None, department_part=None)
    if identity is not None:
        evidence = list(identity.evidence)
        if identity.kind != "submission":
            evidence.insert(0, f"not a year-end report: {identity.reason}")
        values.update(unit=identity.unit, unit_registry=identity.registry, report_year=identity.report_year,
                      campaign=identity.campaign, confidence=round(identity.confidence, 3), evidence=evidence,
                      sender_check=identity.sender_check, continuation=identity.continuation,
                      candidates=[{"unit": code, "registry": identity.registry, "score": round(score, 3)}
                                  for code, score in identity.candidates],
                      kind=identity.report_kind, topic=identity.topic, title=identity.title, dated=identity.dated,
                      department_part=identity.department_part)
        # An other report (another programme, period or request) is filed with its unit, never counted.
        if identity.state and (identity.kind == "submission" or identity.report_kind == SubmissionKind.OTHER_REPORT):
            values["state"] = identity.state
    for name, value in values.items():
        setattr(submission, name, value)
    submission.sender, submission.sections, submission.updated_at = sender, sections, utcnow()
    versions.clear_version_links(submission)
    review.apply_latest(session, submission)
    versions.resolve_versions(session, [before, versions.key_of(submission)])
    senders.learn(session, submission)
    return submission


def drop_submission(session: Session, raw_id: int) -> None:
    """A message found to be no submission after all: its row goes, and its unit's versions are redone."""
    submission = session.scalars(select(Submission).where(Submission.raw_message_id == raw_id)).first()
    if submission is not None:
        before = versions.key_of(submission)
        session.delete(submission)
        versions.resolve_versions(session, [before])


@dataclass(frozen=True)
class SubmissionView:
    submission: Submission
    raw: RawMessage
    parsed: ParsedMessage | None
    documents: list[Document]
    sections_by_document: dict[int, list[str]]  # document id → outline keys found in it


def list_submissions(session: Session, campaign: str | None = None, state: str | None = None, *,
                     kind: str | None = None,
                     units: Mapping[str | None, Sequence[str]] | None = None) -> list[SubmissionView]:
    """Submissions oldest first; with a campaign, also every one not yet attributed to any campaign
    (another report of a unit is attributed to none on purpose, so it is not among them: see
    `list_other_reports`); with `kind`, only those of that SubmissionKind; with `units` (registry →
    codes, as parsers.registry.codes_naming gives), only those naming one."""
    query = _listing_query()
    if campaign is not None:
        unattributed = and_(Submission.campaign.is_(None), Submission.kind != SubmissionKind.OTHER_REPORT)
        query = query.where(or_(Submission.campaign == campaign, unattributed))
    return _views(session, _filtered(query, state, kind, units))


def list_other_reports(session: Session, campaign: str, state: str | None = None, *,
                       units: Mapping[str | None, Sequence[str]] | None = None) -> list[SubmissionView]:
    """The units' other reports (kind `other_report`, never counted) that go with a campaign, oldest
    first: those of its report year, and those whose year is unknown received inside its window
    (`other_report_window`). None for a campaign that does not exist."""
    row = session.get(Campaign, campaign)
    if row is None:
        return []
    start, end = other_report_window(row)
    received_inside = and_(Submission.report_year.is_(None), RawMessage.received_at.between(start, end))
    query = _listing_query().where(or_(Submission.report_year == row.report_year, received_inside))
    return _views(session, _filtered(query, state, SubmissionKind.OTHER_REPORT, units))


def other_report_window(campaign: Campaign) -> tuple[datetime, datetime]:
    """When a report of unknown year goes with a campaign: its window in identification (from
    EARLY_DAYS before its letter was issued, Vietnam time, to LATE_DAYS after its deadline)."""
    from parsers.identify import EARLY_DAYS, LATE_DAYS

    issued = datetime.combine(campaign.issued - timedelta(days=EARLY_DAYS), time(0), tzinfo=VIETNAM)
    return issued.astimezone(timezone.utc), campaign.deadline + timedelta(days=LATE_DAYS)


def submissions_for(session: Session, campaign: str | None = None, state: str | None = None,
                    kind: str | None = None) -> list[SubmissionView]:
    """What `reportbox submissions` and /api/submissions list, oldest first: every submission; with a
    campaign, its own, the unattributed ones and the other reports that go with it."""
    views = list_submissions(session, campaign, state, kind=kind)
    if campaign is None or kind not in (None, SubmissionKind.OTHER_REPORT):
        return views
    others = list_other_reports(session, campaign, state)
    return sorted(views + others, key=lambda view: (view.raw.received_at, view.submission.id))


def _listing_query():
    return (select(Submission, RawMessage, ParsedMessage)
            .join(RawMessage, RawMessage.id == Submission.raw_message_id)
            .outerjoin(ParsedMessage, ParsedMessage.raw_message_id == RawMessage.id)
            .order_by(RawMessage.received_at, Submission.id))


def _filtered(query, state: str | None, kind: str | None, units: Mapping[str | None, Sequence[str]] | None):
    if state is not None:
        query = query.where(Submission.state == state)
    if kind is not None:
        query = query.where(Submission.kind == kind)
    if units is not None:
        query = query.where(or_(*(
            and_(Submission.unit_registry.is_(None) if registry is None else Submission.unit_registry == registry,
                 Submission.unit.in_(codes))
            for registry, codes in units.items() if codes)))
    return query


def _views(session: Session, query) -> list[SubmissionView]:
    rows = session.execute(query).all()
    raw_ids = [raw.id for _, raw, _ in rows]
    documents: dict[int, list[Document]] = {}
    # A document's blocks, parts and signatures (its whole text, often megabytes) are not listed.
    for document in session.scalars(select(Document).where(Document.raw_message_id.in_(raw_ids))
                                    .options(defer(Document.blocks), defer(Document.parts),
                                             defer(Document.signatures), defer(Document.letterhead))
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
