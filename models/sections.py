"""The outline sections of every unit's latest report in a campaign, for the national synthesis
(`reportbox export sections`).

A unit's latest version (models.versions) may be several submissions: the first one, whose id
campaign status gives, and those joined to it. Its sections come in outline order, then in the
order received, then as they stand in each document. Everything is read in two queries (campaign
status, then the sections of the campaign's counted submissions), whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Document, RawMessage, Section, Submission, SubmissionState
from models.status import campaign_status
from parsers.registry import Registry


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


def unit_sections(session: Session, campaign_id: str, keys: Sequence[str] | None = None, *,
                  as_of: datetime | None = None,
                  registries: Mapping[str, Registry] | None = None) -> list[UnitSections]:
    """Each unit of the campaign, in registry order, with the sections `keys` (default: the whole
    outline) of its latest version as of `as_of` (default now). `registries`: operators' own
    registries by name, as for campaign_status."""
    status = campaign_status(session, campaign_id, as_of=as_of, registries=registries)
    outline = list(status.campaign.outline)
    wanted = list(dict.fromkeys(keys if keys is not None else outline))
    rank = {key: index for index, key in enumerate(dict.fromkeys([*outline, *wanted]))}
    latest = {u.submission for u in status.units if u.submission is not None}
    found = _sections_of_versions(session, campaign_id, latest, wanted, status.as_of, historic=as_of is not None)
    units = []
    for unit in status.units:
        sections = sorted(found.get(unit.submission, []), key=lambda s: rank[s.key])  # stable: keeps time order
        units.append(UnitSections(unit.unit, unit.name, unit.status, unit.received_at, sections, unit.offline))
    return units


def _sections_of_versions(session: Session, campaign_id: str, firsts: set[int], keys: Sequence[str],
                          as_of: datetime, *, historic: bool) -> dict[int, list[SectionText]]:
    """Sections `keys` of the versions whose first submissions are `firsts`, per first id, in the
    order received, then by document and section position.

    One query over the campaign rather than an IN list of thousands of ids; rows of other versions
    are dropped here. Now, only the latest versions are `accepted`; as of an earlier instant the
    latest version then may since have been superseded, so superseded rows are read too."""
    if not firsts or not keys:
        return {}
    states = SubmissionState.COUNTED if historic else (SubmissionState.ACCEPTED,)
    rows = session.execute(
        select(Submission.id, Submission.joined_to, Section.key, Section.heading, Section.text, Section.tables,
               Document.path)
        .join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .join(Document, Document.raw_message_id == Submission.raw_message_id)
        .join(Section, Section.document_id == Document.id)
        .where(Submission.campaign == campaign_id, Submission.state.in_(states),
               RawMessage.received_at <= as_of, Section.key.in_(list(keys)))
        .order_by(RawMessage.received_at, Submission.id, Document.position, Section.position))
    found: dict[int, list[SectionText]] = {}
    for submission_id, joined_to, key, heading, text, tables, path in rows:
        first = joined_to if joined_to is not None else submission_id
        if first in firsts:
            found.setdefault(first, []).append(SectionText(key, heading or "", text or "", tables or [], path))
    return found
