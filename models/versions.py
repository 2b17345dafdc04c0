"""Versions of a unit's report in a campaign: which submissions count, and which are history.

A unit's accepted submissions for one campaign are taken in the order received, each department's
on their own: the lead department's reports (the first the letter addressed, the Sở Nội vụ), and
the parts of each other department it addressed (the Sở Y tế's: Submission.department_part,
parsers.departments). Within a department each submission either starts a new version,
superseding that department's earlier one, or joins the version before it:

- it *joins* when it says it continues one (a supplement, `bổ sung`, or a part ≥ 2: see
  parsers.continuation), or when it brings only sections the version lacks (a report sent in
  pieces without saying so, or a covering letter followed by the report);
- otherwise it *starts* a version: a corrected report sent again supersedes the earlier one.

The unit's current version is the lead department's latest with the latest part of every other
department, whenever each came: a corrected Sở Nội vụ report does not drop the Sở Y tế's part
(it carries over), and a corrected Sở Y tế part supersedes only the earlier Sở Y tế part.

A report none of whose files could be read (models.unreadable) takes no part: it is no version,
joins none and supersedes none, and stays `accepted` with no links.

The latest version's submissions are `accepted`; earlier ones `superseded`, pointing at the first
message of the version that replaced them. Versions are recomputed from scratch for a unit each
time one of its submissions is recorded or decided, so the outcome depends only on what is stored,
never on the order in which messages happened to be processed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.campaigns import lock_campaign
from models.schema import RawMessage, Submission, SubmissionState
from models.unreadable import unreadable_reports

UnitKey = tuple[str, str, str]  # (campaign, registry, unit)


class _Part(Protocol):
    sections: Sequence[str]
    continuation: str | None
    department_part: str | None  # another addressed department's key (Submission.department_part)


P = TypeVar("P", bound=_Part)


@dataclass(frozen=True)
class Member:
    """A counted submission as status reads it, without loading the row."""

    id: int
    received_at: datetime
    sections: tuple[str, ...]
    continuation: str | None
    department_part: str | None = None


def key_of(submission: Submission) -> UnitKey | None:
    if submission.campaign is None or submission.unit is None or submission.unit_registry is None:
        return None
    return submission.campaign, submission.unit_registry, submission.unit


def resolve_versions(session: Session, keys: Iterable[UnitKey | None]) -> None:
    """Recompute versions for each (campaign, registry, unit); None entries are skipped."""
    session.flush()
    for key in sorted({k for k in keys if k is not None}):
        campaign, registry, unit = key
        lock_campaign(session, campaign)
        rows = session.scalars(
            select(Submission).join(RawMessage, RawMessage.id == Submission.raw_message_id)
            .where(Submission.campaign == campaign, Submission.unit_registry == registry,
                   Submission.unit == unit, Submission.state.in_(SubmissionState.COUNTED))
            .order_by(RawMessage.received_at, Submission.id)
        ).all()
        # A report none of whose files could be read is no version (models.status does not count it):
        # a readable copy that comes after it starts one, rather than joining an empty report.
        unreadable = unreadable_reports(session, [row.raw_message_id for row in rows])
        for row in rows:
            if row.raw_message_id in unreadable:
                clear_version_links(row)
                row.state = SubmissionState.ACCEPTED  # as accepted (or assigned): only versions supersede
        _assign(split_versions([row for row in rows if row.raw_message_id not in unreadable]))


def split_versions(parts: Sequence[P]) -> list[list[P]]:
    """A unit's counted submissions, oldest first, grouped into versions (rules: module docstring):
    the superseded ones, each department's, in the order they began; then the current one, the lead
    department's latest version first and the latest part of each other department after it."""
    order = {id(part): index for index, part in enumerate(parts)}
    streams: dict[str | None, list[list[P]]] = {}  # per department: None the lead's, else a part's key
    for submission in parts:
        versions = streams.setdefault(submission.department_part, [])
        if versions and _joins(submission, versions[-1]):
            versions[-1].append(submission)
        else:
            versions.append([submission])
    if not streams:
        return []
    departments = sorted(streams, key=lambda key: key is not None)  # the lead's first, then in order come
    earlier = sorted((version for key in departments for version in streams[key][:-1]),
                     key=lambda version: order[id(version[0])])
    return [*earlier, [member for key in departments for member in streams[key][-1]]]


def _joins(submission: _Part, version: Sequence[_Part]) -> bool:
    if submission.continuation:
        return True
    found = {key for member in version for key in member.sections}
    return not found.intersection(submission.sections)


def _assign(versions: list[list[Submission]]) -> None:
    latest = versions[-1][0].id if versions else None
    for index, version in enumerate(versions):
        current = index == len(versions) - 1
        first = version[0]
        for submission in version:
            submission.state = SubmissionState.ACCEPTED if current else SubmissionState.SUPERSEDED
            submission.superseded_by = None if current else latest
            submission.joined_to = None if submission is first else first.id


def clear_version_links(submission: Submission) -> None:
    """A submission that no longer counts (sent to review, rejected, moved) belongs to no version."""
    submission.joined_to = submission.superseded_by = None


def version_sections(session: Session, first_id: int) -> list[str]:
    """Outline keys found in a version as a whole: its first submission and those joined to it."""
    rows = session.scalars(select(Submission.sections).where(
        (Submission.id == first_id) | (Submission.joined_to == first_id))).all()
    return list(dict.fromkeys(key for sections in rows for key in sections))
