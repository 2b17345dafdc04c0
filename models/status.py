"""Campaign status as of an instant T: who is on time, late, missing, pending or exempt (README).

For each unit the campaign's registry expects, as of T (only what was received by then counts):
- `exempt`: named in the campaign's `exempt` list or exempted by a planner;
- `on_time` / `late`: its *first* acceptable report (an accepted or superseded submission, or a
  report received offline) came at or before / after its deadline — the campaign's, or a later
  one granted to the unit. A corrected report sent after the deadline does not make it late;
- `missing` / `pending`: nothing yet, and T is past / not past its deadline.
When the campaign's letter addressed several departments (the Sở Nội vụ first, the Sở Y tế beside it:
parsers.departments), the first department's report decides: until it comes the unit is `pending` or
`missing` (reminders go) and on time or late by its time, whenever the other departments' parts came;
those parts are listed (`department_parts`), and their sections count with the unit's version.
Sections are those of its latest e-mail version as of T (models.versions), `complete` when they
cover the campaign's outline. A report received offline (on paper) is the latest when it came at
or after the last part of the latest e-mail version (both as of T): then the unit is `complete`
with no missing sections, since the planner has the paper, and `latest_at` is the paper's time.
An e-mail version sent after the paper is the latest and is judged on its own sections.
Submissions count for the campaign's registry even when identified in the other one (a vn63
province's report counts for its vn34 successor; a vn34 code for its one vn63 predecessor);
those that map to no single unit of it (a vn34 code with several vn63 predecessors) are counted
in the summary as `unmapped`.
Planners' adjustments apply whenever they were recorded: an extension granted late still moves
the deadline for a view of earlier days.
A report none of whose files could be read (models.unreadable) is received but not countable: it
is no version, decides no timeliness and, in review, holds no reminder. Its unit carries the flag
`unreadable` (the files and why) until a readable report, one in review or a paper copy comes after
it; the first *readable* report decides on time or late.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session

from models.schema import (
    AdjustmentKind,
    Campaign,
    CampaignAdjustment,
    RawMessage,
    Submission,
    SubmissionState,
    utcnow,
)
from models.unreadable import UnreadableFile, unreadable_reports
from models.versions import Member, split_versions
from models.history import FormerReport, former_units
from parsers.departments import BY_KEY as DEPARTMENTS
from parsers.registry import Registry, builtin, code_in
from parsers.registry.units import unit_names
from reportbox.errors import NotFoundError, UsageError
from reportbox.timefmt import VIETNAM, local_iso

ON_TIME, LATE, MISSING, PENDING, EXEMPT = "on_time", "late", "missing", "pending", "exempt"
STATUSES = (ON_TIME, LATE, MISSING, PENDING, EXEMPT)


@dataclass(frozen=True)
class Applied:
    """An adjustment in force for a unit (models.adjustments)."""

    kind: str  # AdjustmentKind
    at: datetime | None  # extension: the new deadline; offline: when received
    note: str | None
    decided_by: str

    def describe(self) -> str:
        what = {AdjustmentKind.EXTENSION: "extension until", AdjustmentKind.OFFLINE: "received offline",
                AdjustmentKind.EXEMPTION: "exempt"}[self.kind]
        when = f" {local_iso(self.at)}" if self.at else ""
        return f"{what}{when}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class UnitStatus:
    unit: str
    name: str
    status: str  # one of STATUSES
    deadline: datetime  # the unit's own: the campaign's, or an extension
    received_at: datetime | None  # the first acceptable report
    late_by_hours: float | None
    submission: int | None  # the first submission of the latest e-mail version
    sections: tuple[str, ...]  # of the latest e-mail version, in outline order
    missing_sections: tuple[str, ...]
    complete: bool
    versions: int  # how many e-mail versions were sent (a resend of the whole report is a new one)
    latest_at: datetime | None  # when the latest version (or a part of it) came: e-mail or paper
    needs_review: int  # submissions still in review that name this unit (readable ones: unreadable ones hold nothing)
    offline: bool  # received outside e-mail
    adjustments: tuple[Applied, ...] = ()  # those that changed something for this unit
    # Every submission of the latest e-mail version, oldest first: they may span both registries,
    # so the stored `joined_to` links (made per registry) cannot say which they are.
    latest_submissions: tuple[int, ...] = ()
    # The flag `unreadable`: the files of the reports that came since its last readable one (or
    # paper copy) and of which none could be read, with why; empty when there are none.
    unreadable: tuple[UnreadableFile, ...] = ()
    full_name: str = ""  # the official name in force on the campaign's deadline ("Thành phố Huế")
    # The parts other addressed departments sent (the Sở Y tế's) in the latest e-mail version.
    department_parts: tuple[DepartmentPart, ...] = ()


@dataclass(frozen=True)
class DepartmentPart:
    """A part of the unit's answer from another department its letter addressed (Submission.department_part)."""

    department: str  # its key: "y_te"
    submission: int
    received_at: datetime

    @property
    def name(self) -> str:
        known = DEPARTMENTS.get(self.department)
        return known.name if known is not None else self.department


@dataclass
class _Named:
    """What names a unit beside its counted reports: readable review items, and reports none of
    whose files could be read (received, not countable)."""

    review: int = 0
    review_read_at: datetime | None = None  # the latest readable report in review
    unreadable: list[tuple[datetime, tuple[UnreadableFile, ...]]] = field(default_factory=list)


@dataclass(frozen=True)
class CampaignStatus:
    campaign: Campaign
    as_of: datetime
    units: tuple[UnitStatus, ...]
    needs_review: int  # the campaign's submissions in review, and those not attributed to any campaign
    summary: dict[str, int] = field(default_factory=dict)


def get_campaign(session: Session, campaign_id: str) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        known = ", ".join(session.scalars(select(Campaign.id).order_by(Campaign.id))) or "none configured"
        raise NotFoundError(f"no campaign {campaign_id!r} (campaigns: {known})")
    return campaign


def registry_of(campaign: Campaign, registries: Mapping[str, Registry] | None = None) -> Registry:
    """The campaign's units, each under the name in force on its deadline's day (a province renamed
    since keeps its code and reports; parsers.registry.units.unit_name)."""
    if registries and campaign.unit_registry in registries:
        registry = registries[campaign.unit_registry]
    else:
        try:
            registry = builtin(campaign.unit_registry)
        except ValueError as exc:
            raise UsageError(f"campaign {campaign.id}: unknown registry {campaign.unit_registry!r}") from exc
    return registry.on(campaign.deadline.astimezone(VIETNAM).date())


def campaign_status(session: Session, campaign_id: str, *, as_of: datetime | None = None,
                    registries: Mapping[str, Registry] | None = None) -> CampaignStatus:
    """The status of every unit of the campaign as of `as_of` (default now), in registry order."""
    campaign = get_campaign(session, campaign_id)
    as_of = as_of or utcnow()
    registry = registry_of(campaign, registries)
    codes = {unit.code for unit in registry.units}
    unreadable = _unreadable(session, campaign.id, as_of)
    named: dict[str, _Named] = {}
    members, unmapped = _counted(session, campaign.id, as_of, registry.name, codes, unreadable, named)
    adjustments = _adjustments(session, campaign.id)
    _in_review(session, campaign.id, as_of, registry.name, codes, unreadable, named)
    outline = tuple(campaign.outline)
    units = tuple(
        replace(_unit_status(unit.code, unit.name, campaign, as_of, outline, members.get(unit.code, []),
                             adjustments.get(unit.code, {}), named.get(unit.code) or _Named()),
                full_name=unit.full_name)
        for unit in registry.units
    )
    needs_review = session.scalar(
        select(func.count()).select_from(Submission).join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .where(Submission.state == SubmissionState.NEEDS_REVIEW, RawMessage.received_at <= as_of,
               or_(Submission.campaign == campaign.id, Submission.campaign.is_(None))))
    summary = {"expected": sum(u.status != EXEMPT for u in units)}
    summary.update({status: sum(u.status == status for u in units) for status in STATUSES})
    summary["complete"] = sum(u.complete and u.status in (ON_TIME, LATE) for u in units)
    summary["incomplete"] = sum(not u.complete and u.status in (ON_TIME, LATE) for u in units)
    summary["needs_review"] = needs_review
    summary["unmapped"] = unmapped
    summary["unreadable"] = sum(bool(u.unreadable) for u in units)
    return CampaignStatus(campaign, as_of, units, needs_review, summary)


def _unit_status(code: str, name: str, campaign: Campaign, as_of: datetime, outline: tuple[str, ...],
                 members: list[Member], adjusted: dict[str, CampaignAdjustment], named: _Named) -> UnitStatus:
    deadline, notes = campaign.deadline, []
    if (extension := adjusted.get(AdjustmentKind.EXTENSION)) and extension.at > deadline:
        deadline = extension.at
        notes.append(_applied(extension))
    offline = adjusted.get(AdjustmentKind.OFFLINE)
    offline_at = offline.at if offline is not None and offline.at <= as_of else None
    if offline_at is not None:
        notes.append(_applied(offline))
    versions = split_versions(members)
    latest = versions[-1] if versions else []
    found = {key for member in latest for key in member.sections}
    sections = tuple(key for key in outline if key in found) + tuple(sorted(found - set(outline)))
    # The lead department's first report decides, not another department's part (module docstring).
    lead = [member for member in members if member.department_part is None]
    first_times = [t for t in (lead[0].received_at if lead else None, offline_at) if t is not None]
    received = min(first_times) if first_times else None
    exempt = code in campaign.exempt or AdjustmentKind.EXEMPTION in adjusted
    if exempt:
        status = EXEMPT
        if exemption := adjusted.get(AdjustmentKind.EXEMPTION):
            notes.append(_applied(exemption))
    elif received is not None:
        status = ON_TIME if received <= deadline else LATE
    else:
        status = MISSING if as_of > deadline else PENDING
    emailed_at = max((m.received_at for m in latest), default=None)
    paper_is_latest = offline_at is not None and (emailed_at is None or offline_at >= emailed_at)
    complete = paper_is_latest or (bool(latest) and set(outline) <= found)
    late_by = round((received - deadline).total_seconds() / 3600, 1) if status == LATE else None
    read = [t for t in (lead[-1].received_at if lead else None, offline_at, named.review_read_at) if t]
    last_read = max(read, default=None)
    unreadable = tuple(file for at, files in named.unreadable if last_read is None or at > last_read for file in files)
    return UnitStatus(
        unit=code, name=name, status=status, deadline=deadline, received_at=received, late_by_hours=late_by,
        submission=latest[0].id if latest else None, sections=sections,
        missing_sections=() if complete else tuple(key for key in outline if key not in found),
        complete=complete, versions=len(versions),
        latest_at=offline_at if paper_is_latest else emailed_at, needs_review=named.review,
        offline=offline_at is not None, adjustments=tuple(notes),
        latest_submissions=tuple(member.id for member in latest), unreadable=unreadable,
        department_parts=tuple(DepartmentPart(m.department_part, m.id, m.received_at)
                               for m in latest if m.department_part is not None),
    )


def _applied(row: CampaignAdjustment) -> Applied:
    return Applied(row.kind, row.at, row.note, row.decided_by)


def _unreadable(session: Session, campaign_id: str, as_of: datetime) -> dict[int, tuple[UnreadableFile, ...]]:
    """The campaign's reports (counted or in review) received by `as_of` none of whose files could be read."""
    return unreadable_reports(session, select(Submission.raw_message_id)
                              .join(RawMessage, RawMessage.id == Submission.raw_message_id)
                              .where(Submission.campaign == campaign_id, Submission.unit.is_not(None),
                                     RawMessage.received_at <= as_of,
                                     Submission.state.in_((*SubmissionState.COUNTED, SubmissionState.NEEDS_REVIEW))))


def _counted(session: Session, campaign_id: str, as_of: datetime, registry: str, codes: set[str],
             unreadable: Mapping[int, tuple[UnreadableFile, ...]],
             named: dict[str, _Named]) -> tuple[dict[str, list[Member]], int]:
    """The campaign's counted submissions received by `as_of`, per unit of `registry`, oldest first;
    and how many could not be put on any one unit of it. Those that could not be read go to `named`."""
    rows = session.execute(
        select(Submission.id, Submission.unit_registry, Submission.unit, RawMessage.received_at,
               cast(Submission.sections, Text), Submission.continuation, Submission.raw_message_id,
               Submission.department_part)
        .join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .where(Submission.campaign == campaign_id, Submission.unit.is_not(None), RawMessage.received_at <= as_of,
               Submission.state.in_(SubmissionState.COUNTED))
        .order_by(RawMessage.received_at, Submission.id))
    members: dict[str, list[Member]] = {}
    unmapped = 0
    decoded: dict[str, tuple[str, ...]] = {}  # a handful of distinct section lists: decode each once
    for submission_id, unit_registry, unit, received_at, sections, continuation, raw_id, part in rows:
        code = code_in(unit, unit_registry, registry)
        if code not in codes:
            unmapped += 1
            continue
        if raw_id in unreadable:
            named.setdefault(code, _Named()).unreadable.append((received_at, unreadable[raw_id]))
            continue
        if (keys := decoded.get(sections)) is None:
            keys = decoded[sections] = tuple(json.loads(sections))
        members.setdefault(code, []).append(Member(submission_id, received_at, keys, continuation, part))
    return members, unmapped


def _adjustments(session: Session, campaign_id: str) -> dict[str, dict[str, CampaignAdjustment]]:
    """The adjustment in force per unit and kind: the latest, unless it cancels."""
    latest: dict[str, dict[str, CampaignAdjustment]] = {}
    query = select(CampaignAdjustment).where(CampaignAdjustment.campaign == campaign_id).order_by(CampaignAdjustment.id)
    for row in session.scalars(query):
        latest.setdefault(row.unit, {})[row.kind] = row
    return {unit: {kind: row for kind, row in kinds.items() if not row.cancelled} for unit, kinds in latest.items()}


def _in_review(session: Session, campaign_id: str, as_of: datetime, registry: str, codes: set[str],
               unreadable: Mapping[int, tuple[UnreadableFile, ...]], named: dict[str, _Named]) -> None:
    """The campaign's review items naming each unit, into `named`: one whose files could not be read
    is an unreadable report (it holds no reminder: the province must be told to send it again)."""
    rows = session.execute(
        select(Submission.unit_registry, Submission.unit, Submission.raw_message_id, RawMessage.received_at)
        .join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .where(Submission.state == SubmissionState.NEEDS_REVIEW, Submission.unit.is_not(None),
               RawMessage.received_at <= as_of,
               # a review item of another campaign, or of none, never holds this one
               Submission.campaign == campaign_id))
    for unit_registry, unit, raw_id, received_at in rows:
        code = code_in(unit, unit_registry or registry, registry)
        if code not in codes:
            continue
        entry = named.setdefault(code, _Named())
        if raw_id in unreadable:
            entry.unreadable.append((received_at, unreadable[raw_id]))
        else:
            entry.review += 1
            entry.review_read_at = max(filter(None, (entry.review_read_at, received_at)))


def status_json(status: CampaignStatus, former: Mapping[str, list[FormerReport]] | None = None) -> dict:
    """The `status --format json` shape of the README (plus each unit's deadline, versions, latest
    time, review count, offline flag, adjustments and `unreadable` flag with its files, and the
    summary's `unmapped` and `unreadable` counts; its full name, dated names and former units).
    With `former` (models.history.former_reports), each unit's `former_reports`."""
    campaign = status.campaign
    data = {
        "campaign": campaign.id, "letter": campaign.letter, "title": campaign.title,
        "as_of": local_iso(status.as_of), "deadline": local_iso(campaign.deadline),
        "registry": campaign.unit_registry, "outline": list(campaign.outline),
        "summary": dict(status.summary),
        "units": [
            {"unit": u.unit, "name": u.name, "status": u.status, "received_at": local_iso(u.received_at),
             "late_by_hours": u.late_by_hours, "submission": u.submission, "sections": list(u.sections),
             "missing_sections": list(u.missing_sections), "complete": u.complete,
             "deadline": local_iso(u.deadline), "versions": u.versions, "latest_at": local_iso(u.latest_at),
             "needs_review": u.needs_review, "offline": u.offline,
             "adjustments": [a.describe() for a in u.adjustments],
             "unreadable": bool(u.unreadable),
             "unreadable_files": [{"filename": f.path, "error": f.reason} for f in u.unreadable],
             "department_parts": [{"department": p.department, "name": p.name, "submission": p.submission,
                                   "received_at": local_iso(p.received_at)} for p in u.department_parts]}
            for u in status.units
        ],
    }
    history = _history(campaign)
    for unit, state in zip(data["units"], status.units):
        unit["full_name"] = state.full_name or state.name
        unit.update(history.get(unit["unit"], {"names": [], "former_units": []}))
        if former is not None:
            unit["former_reports"] = [_former_report_json(r) for r in former.get(unit["unit"], [])]
    return data


def _history(campaign: Campaign) -> dict[str, dict]:
    """Per unit: every name it bore (`names`) and the former units it was formed from (`former_units`,
    Resolution 202/2025/QH15). Nothing for a registry that is not built in."""
    try:
        registry = builtin(campaign.unit_registry)
    except ValueError:
        return {}
    return {unit.code: {
        "names": [{"name": n.name, "full_name": n.full_name, "valid_from": _iso(n.valid_from),
                   "valid_until": _iso(n.valid_until), "basis": n.basis} for n in unit_names(unit)],
        "former_units": [{"registry": f.registry, "unit": f.code, "name": f.name, "full_name": f.full_name}
                         for f in former_units(registry.name, unit.code)],
    } for unit in registry.units}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _former_report_json(report: FormerReport) -> dict:
    return {"submission": report.submission, "campaign": report.campaign, "letter": report.letter,
            "report_year": report.report_year, "registry": report.registry, "unit": report.unit,
            "name": report.name, "received_at": local_iso(report.received_at), "state": report.state}
