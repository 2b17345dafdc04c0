"""A unit's history across the 2025 merger: the former units it was formed from, and their
reports to earlier campaigns.

Resolution 202/2025/QH15 (in force 2025-07-01) merged the 63 provinces into 34 units; a vn34
unit's former units are its vn63 predecessors (parsers.registry.predecessors), named as they were
on the eve of the merger (Thừa Thiên Huế as Thành phố Huế since 2025-01-01). A unit of a vn63
campaign has no former units. Its earlier reports are the counted submissions (accepted or
superseded) of earlier campaigns, identified as a former unit or as the unit itself: the 2024
year-end reports of the 63 for a 2025 campaign of the 34.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from models.schema import Campaign, RawMessage, Submission, SubmissionState
from parsers.registry import BUILTIN_NAMES, Unit, builtin, code_in, codes_naming, predecessors
from parsers.registry.units import VN63_UNTIL, UnitName, unit_names
from reportbox.timefmt import VIETNAM

MERGER_BASIS = "202/2025/QH15"


def former_units(registry: str, code: str) -> tuple[Unit, ...]:
    """The vn63 provinces a vn34 unit was formed from, in code order, named as on 2025-06-30;
    () for a unit of any other registry."""
    if registry != "vn34":
        return ()
    try:
        codes = predecessors(code)
    except KeyError:
        return ()
    old = builtin("vn63").on(VN63_UNTIL)
    return tuple(old.unit(former) for former in codes)


@dataclass(frozen=True)
class Lineage:
    """What the unit page says of a unit's past: its names (more than one when renamed) and the
    former units it was formed from."""

    names: tuple[UnitName, ...]
    former_units: tuple[Unit, ...]
    basis: str = MERGER_BASIS


def unit_lineage(campaign: Campaign, code: str) -> Lineage:
    try:
        registry = builtin(campaign.unit_registry)
    except ValueError:  # an operator's own registry: no history known
        return Lineage((), ())
    if code not in registry:
        return Lineage((), ())
    return Lineage(unit_names(registry.unit(code)), former_units(registry.name, code))


@dataclass(frozen=True)
class FormerReport:
    """A counted report of an earlier campaign by the unit or one of its former units."""

    submission: int
    campaign: str
    letter: str
    report_year: int
    registry: str
    unit: str  # the code it was identified as, in `registry`
    name: str  # that unit's name as on the campaign's deadline
    received_at: datetime
    state: str
    campaign_unit: str | None = None  # its unit in that campaign's registry (its page there), when one


def former_reports(session: Session, campaign: Campaign, codes: Iterable[str], *,
                   as_of: datetime | None = None) -> dict[str, list[FormerReport]]:
    """Per code of the campaign's registry, the counted reports of earlier campaigns (deadline before
    this one's) made by the unit or by a former unit of it, received by `as_of` (default: all),
    oldest first. A report recorded without its registry is in its own campaign's, as status counts it."""
    naming = {code: codes_naming(code, campaign.unit_registry) for code in codes}
    owner = {(registry, former): code for code, named in naming.items()
             for registry, formers in named.items() if registry is not None for former in formers}
    if not owner:
        return {}
    identified_in = func.coalesce(Submission.unit_registry, Campaign.unit_registry)
    wanted = [and_(identified_in == registry, Submission.unit.in_(sorted(c for r, c in owner if r == registry)))
              for registry in sorted({r for r, _ in owner})]
    rows = session.execute(
        select(Submission.id, identified_in, Submission.unit, Submission.state, RawMessage.received_at,
               Campaign.id, Campaign.letter, Campaign.report_year, Campaign.deadline, Campaign.unit_registry)
        .join(RawMessage, RawMessage.id == Submission.raw_message_id)
        .join(Campaign, Campaign.id == Submission.campaign)
        .where(Campaign.id != campaign.id, Campaign.deadline < campaign.deadline,
               Submission.state.in_(SubmissionState.COUNTED), or_(*wanted),
               RawMessage.received_at <= as_of if as_of is not None else true())
        .order_by(Campaign.deadline, RawMessage.received_at, Submission.id))
    found: dict[str, list[FormerReport]] = {}
    for sub_id, registry, unit, state, received_at, campaign_id, letter, year, deadline, campaign_registry in rows:
        code = owner.get((registry, unit))
        if code is None:
            continue
        found.setdefault(code, []).append(FormerReport(
            sub_id, campaign_id, letter, year, registry, unit, _name_then(registry, unit, deadline), received_at, state,
            code_in(unit, registry, campaign_registry)))
    return found


def _name_then(registry: str, code: str, deadline: datetime) -> str:
    if registry not in BUILTIN_NAMES:
        return code
    dated = builtin(registry).on(deadline.astimezone(VIETNAM).date())
    return dated.unit(code).name if code in dated else code
