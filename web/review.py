"""The review queue: doubtful submissions with their candidates, evidence and the opening of their main
document, assigned to a unit (and campaign), rejected, or moved out of their campaign as another report
of their unit by a reviewer through models.review.decide (as `reportbox review`), and the audit log.

The decisions are also offered on a unit's page, which they return to (`from_campaign`, `from_unit`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from models import review
from models.adjustments import recent as recent_adjustments
from models.campaigns import list_campaigns
from models.messages import attachments_of
from models.previews import document_previews
from models.schema import SubmissionState
from models.submissions import list_submissions
from parsers.registry import BUILTIN_NAMES, builtin
from reportbox.config import CAMPAIGN_ID
from reportbox.errors import UsageError
from reportbox.timefmt import VIETNAM
from web.app import html, path_for
from web.auth import Reviewer, SignedIn

router = APIRouter(include_in_schema=False)  # pages, not API: kept out of /api/openapi.json


@router.get("/review", name="review")
def review_queue(request: Request, user: SignedIn):
    dashboard = request.app.state.dashboard
    with dashboard.reader() as session:
        views = list_submissions(session, state=SubmissionState.NEEDS_REVIEW)
        campaigns = list_campaigns(session)
        attachments = attachments_of(session, [view.raw.id for view in views])
        previews = document_previews(session, views)
    registries = {c.unit_registry for c in campaigns} | {dashboard.config.registry.default}
    today = datetime.now(VIETNAM).date()  # the names in force now (a renamed unit under its new name)
    units = {name: builtin(name).on(today).units for name in sorted(registries) if name in BUILTIN_NAMES}
    registry_of_campaign = {c.id: c.unit_registry for c in campaigns}
    return html(request, "review.html", views=views, campaigns=campaigns, units=units, attachments=attachments,
                previews=previews, registry_of_campaign=registry_of_campaign, default_registry=dashboard.config.registry.default)


@router.post("/review/{submission_id}/assign", name="assign")
def assign(request: Request, user: Reviewer, submission_id: int, unit: Annotated[str, Form()],
           campaign: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
           from_campaign: Annotated[str, Form()] = "", from_unit: Annotated[str, Form()] = ""):
    _decide(request, user.username, submission_id, review.ASSIGN, unit=unit.strip(),
            campaign=campaign.strip() or None, reason=reason.strip() or None)
    return _back(request, from_campaign, from_unit)


@router.post("/review/{submission_id}/reject", name="reject")
def reject(request: Request, user: Reviewer, submission_id: int, reason: Annotated[str, Form()] = ""):
    _decide(request, user.username, submission_id, review.REJECT, reason=reason.strip() or None)
    return _back(request)


@router.post("/review/{submission_id}/other", name="other_report")
def other_report(request: Request, user: Reviewer, submission_id: int, reason: Annotated[str, Form()] = "",
                 unit: Annotated[str, Form()] = "", from_campaign: Annotated[str, Form()] = "",
                 from_unit: Annotated[str, Form()] = ""):
    if not reason.strip():
        raise UsageError("Cần ghi lý do khi chuyển một báo cáo thành báo cáo khác (không tính cho đợt).")
    _decide(request, user.username, submission_id, review.OTHER, unit=unit.strip() or None, reason=reason.strip())
    return _back(request, from_campaign, from_unit)


def _decide(request: Request, decided_by: str, submission_id: int, action: str, **details) -> None:
    dashboard = request.app.state.dashboard
    with dashboard.app.sessions.begin() as session:
        submission = review.decide(session, submission_id, action, decided_by=decided_by,
                                   default_registry=dashboard.config.registry.default, **details)
        request.session["flash"] = _done(submission, action, details.get("campaign")) + "."


def _done(submission, action: str, campaign: str | None) -> str:
    if action == review.ASSIGN:
        return f"Đã gán báo cáo #{submission.id} cho đơn vị {submission.unit}" + (f", đợt {campaign}" if campaign else "")
    if action == review.OTHER:
        return f"Đã chuyển báo cáo #{submission.id} thành báo cáo khác của đơn vị {submission.unit} (không tính cho đợt)"
    return f"Đã loại báo cáo #{submission.id}"


def _back(request: Request, campaign: str = "", unit: str = "") -> RedirectResponse:
    """Back to the unit page the form was on, else to the queue: a path built here from values that
    can only be a campaign id and a unit code (the decision is already saved: no error page now)."""
    campaign, unit = campaign.strip(), unit.strip()
    if re.match(CAMPAIGN_ID, campaign) and unit.isalnum() and unit.isascii():  # unit codes: digits, letters
        return RedirectResponse(path_for(request, "unit", campaign_id=campaign, code=unit), status_code=303)
    return RedirectResponse(path_for(request, "review"), status_code=303)


@router.get("/review/log", name="audit_log")
def audit_log(request: Request, user: SignedIn):
    with request.app.state.dashboard.reader() as session:
        decisions = review.decisions(session)
        changes = recent_adjustments(session)
    return html(request, "audit.html", decisions=decisions, changes=changes)
