"""The outline sections of every unit's latest report in a campaign, for the national synthesis
(`reportbox export sections`).

A unit's latest version (models.versions) may be several submissions, and campaign status gives
their ids: they may have been identified in both registries (a vn34 unit's report sent under the
codes of the provinces merged into it), so the stored `joined_to` links, made per registry, do
not tell which they are. Its sections come in outline order, then in the order received, then as
they stand in each document. Everything is read in two queries (campaign status, then the
sections of the campaign's counted submissions), whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Document, RawMessage, Section, Submission, SubmissionState
from models.status import CampaignStatus, campaign_status
from parsers.registry import Registry
from reportbox.errors import UsageError


@dataclass(frozen=True)
class SectionText:
    key: str  # outline key: results, policies, ...
    heading: str  # the heading as the unit wrote it
    text: str  # paragraphs joined by "\n"
    tables: list  # each a list of rows of cell text
    source: str  # the document's path in its message ("bc.zip/bao cao.docx")


@dataclass(frozen=True)
class UnitSections:
    unit: str
    name: str
    status: str  # models.status.STATUSES
    received_at: datetime | None  # the first acceptable report
    sections: list[SectionText]
    offline: bool = False  # the report came on paper (or fax): nothing to show but not missing
    versions: int = 0  # e-mail versions received: none means the paper is all there is


def outline_keys(campaign, keys: Sequence[str]) -> list[str]:
    """The section keys asked for, or the campaign's whole outline for none; UsageError for a key
    its outline lacks."""
    unknown = [key for key in keys if key not in campaign.outline]
    if unknown:
        raise UsageError(f"section {unknown[0]!r} is not in campaign {campaign.id}'s outline "
                         f"({', '.join(campaign.outline)})")
    return list(keys) or list(campaign.outline)


def unit_sections(session: Session, campaign_id: str, keys: Sequence[str] | None = None, *,
                  as_of: datetime | None = None, registries: Mapping[str, Registry] | None = None,
                  only: str | None = None, status: CampaignStatus | None = None) -> list[UnitSections]:
    """Each unit of the campaign (or the one coded `only`), in registry order, with the sections
    `keys` (default: the whole outline) of its latest version as of `as_of` (default now).
    `registries`: operators' own registries by name, as for campaign_status; `status`: the
    campaign's status as of that instant, when the caller has it already."""
    status = status or campaign_status(session, campaign_id, as_of=as_of, registries=registries)
    outline = list(status.campaign.outline)
    wanted = list(dict.fromkeys(keys if keys is not None else outline))
    rank = {key: index for index, key in enumerate(dict.fromkeys([*outline, *wanted]))}
    chosen = [unit for unit in status.units if only is None or unit.unit == only]
    owner = {submission: unit.unit for unit in chosen for submission in unit.latest_submissions}
    found = _sections_of(session, campaign_id, owner, wanted, status.as_of)
    units = []
    for unit in chosen:
        sections = sorted(found.get(unit.unit, []), key=lambda s: rank[s.key])  # stable: keeps time order
        units.append(UnitSections(unit.unit, unit.name, unit.status, unit.received_at, sections, unit.offline,
                                  unit.versions))
    return units


def _sections_of(session: Session, campaign_id: str, owner: Mapping[int, str], keys: Sequence[str],
                 as_of: datetime) -> dict[str, list[SectionText]]:
    """Sections `keys` of the submissions in `owner` (submission id → unit code), per unit, in the
    order received, then by document and section position.

    One query over the campaign rather than an IN list of thousands of ids; rows of other versions
    are dropped here. Superseded rows are read too: as of an earlier instant the latest version
    then may since have been superseded, and a version spanning both registries may hold a
    submission its own registry's versions superseded."""
    if not owner or not keys:
        return {}
    rows = session.execute(
        select(Submission.id, Section.key, Section.heading, Section.text, Section.tables, Document.path)
        .join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .join(Document, Document.raw_message_id == Submission.raw_message_id)
        .join(Section, Section.document_id == Document.id)
        .where(Submission.campaign == campaign_id, Submission.state.in_(SubmissionState.COUNTED),
               RawMessage.received_at <= as_of, Section.key.in_(list(keys)))
        .order_by(RawMessage.received_at, Submission.id, Document.position, Section.position))
    found: dict[str, list[SectionText]] = {}
    for submission_id, key, heading, text, tables, path in rows:
        if (unit := owner.get(submission_id)) is not None:
            found.setdefault(unit, []).append(SectionText(key, heading or "", text or "", tables or [], path))
    return found
