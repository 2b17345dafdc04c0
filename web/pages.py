"""The pages planners read: campaigns, a campaign's status, one unit, one section across units,
and the system's health."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from jobs.mail.letters import outline_of
from models import adjustments, outbox
from models.campaigns import list_campaigns
from jobs.alerts import active_conditions
from models.health import health
from models.history import former_reports, unit_lineage
from models.messages import attachments_of
from models.schema import AdjustmentKind, Campaign, utcnow
from models.sections import unit_sections
from models.status import STATUSES, campaign_status, get_campaign, registry_of
from models.submissions import list_other_reports, list_submissions
from parsers.outline import OutlineItem
from parsers.registry import codes_naming
from reportbox.errors import NotFoundError, UsageError
from reportbox.timefmt import VIETNAM, days_until, parse_instant
from web.app import html, path_for
from web.auth import Reviewer, SignedIn
from web.filters import ADJUSTMENTS, STATUS_LABELS
from web.provinces_map import province_map_svg
from web.views import (
    FLAGS,
    SORT_KEYS,
    UnitQuery,
    is_incomplete,
    progress,
    reminder_policy,
    select_units,
)

router = APIRouter(include_in_schema=False)  # pages, not API: kept out of /api/openapi.json


def as_of_param(text: str | None):
    """The page's `as_of` (ISO 8601; a date means its end), or None for now."""
    if not text:
        return None
    try:
        return parse_instant(text).astimezone(timezone.utc)  # out of range (year 1, 9999): refused here
    except (UsageError, OverflowError, ValueError) as exc:
        raise UsageError(f"Thời điểm không hợp lệ: {text!r} (dùng dạng 2019-12-20 hoặc 2019-12-20T08:00)") from exc


class OutlineTitles(dict):
    """Key → the campaign letter's title of it, years filled in; `numbers`: key → its number
    ("1a"), which the `section_number` filter prints (web.filters)."""

    def __init__(self, items: Iterable[OutlineItem]) -> None:
        items = list(items)
        super().__init__((item.key, item.title) for item in items)
        self.numbers = {item.key: item.number for item in items}


def outline_titles(request: Request, campaign: Campaign) -> OutlineTitles:
    """The campaign's outline as its letter words it (parsers.outline.campaign_outline)."""
    return OutlineTitles(outline_of(request.app.state.dashboard.config, campaign))


@router.get("/")
def home(user: SignedIn):
    return RedirectResponse("/campaigns", status_code=303)


@router.get("/campaigns", name="campaigns")
def campaigns(request: Request, user: SignedIn):
    now = utcnow()
    with request.app.state.dashboard.reader() as session:
        cards = []
        for campaign in list_campaigns(session):
            result = campaign_status(session, campaign.id, as_of=now)
            cards.append({"campaign": campaign, "summary": result.summary, "days_left": days_until(campaign.deadline, now),
                          "progress": progress(result.summary)})
    return html(request, "campaigns.html", cards=cards, now=now)


@router.get("/campaigns/{campaign_id}", name="campaign")
def campaign_page(request: Request, user: SignedIn, campaign_id: str, as_of: str | None = None,
                  status: str | None = None, flag: str | None = None, q: str | None = None,
                  sort: str | None = None, order: str | None = None):
    query = UnitQuery.parse(status, flag, q, sort, order)
    with request.app.state.dashboard.reader() as session:
        result = campaign_status(session, campaign_id, as_of=as_of_param(as_of))
        mail = outbox.unit_mail(session, campaign_id)
        sent = outbox.counts(session, campaign_id)
    units = select_units(result.units, query)
    fills = {u.unit: f"st-{u.status}" + (" incomplete" if is_incomplete(u) else "") for u in result.units}
    titles = {u.unit: f"{u.unit} {u.name}: {STATUS_LABELS[u.status]}" for u in result.units}
    # Each row links to its unit: the path built once, not 126 url_for calls (a third of the page's time).
    unit_base = request.app.url_path_for("campaign", campaign_id=campaign_id) + "/units/"
    links = {u.unit: unit_base + quote(u.unit, safe="") for u in result.units}
    province_map = province_map_svg(result.campaign.unit_registry, fills, titles, links,
                                    on=result.campaign.deadline.astimezone(VIETNAM).date())
    return html(request, "campaign.html", result=result, campaign=result.campaign, units=units, query=query,
                summary=result.summary, progress=progress(result.summary), mail=mail, sent=sent,
                days_left=days_until(result.campaign.deadline, result.as_of), as_of=as_of or "",
                statuses=STATUSES, flags=FLAGS, sort_keys=SORT_KEYS, province_map=province_map,
                titles=outline_titles(request, result.campaign), is_incomplete=is_incomplete, links=links,
                reminders=reminder_policy(request.app.state.dashboard.config, campaign_id))


@router.get("/campaigns/{campaign_id}/units/{code}", name="unit")
def unit_page(request: Request, user: SignedIn, campaign_id: str, code: str, as_of: str | None = None,
              former: bool = False):
    with request.app.state.dashboard.reader() as session:
        result = campaign_status(session, campaign_id, as_of=as_of_param(as_of))
        unit = next((u for u in result.units if u.unit == code), None)
        if unit is None:
            raise NotFoundError(f"Đơn vị {code!r} không có trong danh sách của đợt {campaign_id}.")
        registry = registry_of(result.campaign).name
        naming = codes_naming(code, registry)
        views = [view for view in list_submissions(session, campaign_id, units=naming)
                 if view.raw.received_at <= result.as_of]
        others = [view for view in list_other_reports(session, campaign_id, units=naming)
                  if view.raw.received_at <= result.as_of]
        attachments = attachments_of(session, [view.raw.id for view in views + others])
        latest = unit_sections(session, campaign_id, only=code, status=result)[0]
        mails = outbox.listing(session, campaign_id, unit=code)
        history = adjustments.history(session, campaign_id, code)
        lineage = unit_lineage(result.campaign, code)
        earlier = former_reports(session, result.campaign, [code], as_of=result.as_of).get(code, []) if former else None
    titles = outline_titles(request, result.campaign)
    by_key: dict[str, list] = {}
    for section in latest.sections:
        by_key.setdefault(section.key, []).append(section)
    return html(request, "unit.html", result=result, campaign=result.campaign, unit=unit, views=views[::-1],
                others=others[::-1], attachments=attachments, titles=titles, by_key=by_key, mails=mails,
                history=history, lineage=lineage, earlier=earlier,
                as_of=as_of or "", latest_ids=set(unit.latest_submissions), kinds=AdjustmentKind.ALL)


@router.post("/campaigns/{campaign_id}/units/{code}/adjust", name="adjust")
def adjust_unit(request: Request, user: Reviewer, campaign_id: str, code: str, kind: Annotated[str, Form()],
                at: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
                cancel: Annotated[str, Form()] = ""):
    when = as_of_param(at.strip())
    with request.app.state.dashboard.app.sessions.begin() as session:
        adjustments.adjust(session, campaign_id, code, kind, at=when, note=note.strip() or None,
                           decided_by=user.username, cancel=bool(cancel))
    request.session["flash"] = f"Đã ghi: {code} — {'huỷ ' if cancel else ''}{ADJUSTMENTS.get(kind, kind)}."
    return RedirectResponse(path_for(request, "unit", campaign_id=campaign_id, code=code), status_code=303)


@router.get("/campaigns/{campaign_id}/sections/{key}", name="section")
def section_page(request: Request, user: SignedIn, campaign_id: str, key: str, as_of: str | None = None,
                 only_with: bool = False):
    with request.app.state.dashboard.reader() as session:
        campaign = get_campaign(session, campaign_id)
        titles = outline_titles(request, campaign)
        if key not in titles:
            raise NotFoundError(f"Mục {key!r} không có trong đề cương của đợt {campaign_id}.")
        when = as_of_param(as_of)
        units = unit_sections(session, campaign_id, [key], as_of=when)
    if only_with:
        units = [u for u in units if u.sections]
    return html(request, "section.html", campaign=campaign, key=key, titles=titles, units=units,
                as_of=as_of or "", as_of_instant=when, only_with=only_with,
                with_text=sum(bool(u.sections) for u in units))


@router.get("/health", name="health")
def health_page(request: Request, user: SignedIn):
    dashboard = request.app.state.dashboard
    with dashboard.reader() as session:
        report = health(session)
        conditions = active_conditions(dashboard.app, session=session)
    return html(request, "health.html", health=report, mailboxes=dashboard.config.mailbox,
                smtp=dashboard.config.smtp, conditions=conditions, alert_to=dashboard.config.alerts.to)
