"""The review queue: doubtful submissions with their candidates and evidence, assigned to a unit
or rejected by a reviewer through models.review.decide (as `reportbox review`), and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from models import review
from models.adjustments import recent as recent_adjustments
from models.campaigns import list_campaigns
from models.messages import attachments_of
from models.schema import SubmissionState
from models.submissions import list_submissions
from parsers.registry import BUILTIN_NAMES, builtin
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
    registries = {c.unit_registry for c in campaigns} | {dashboard.config.registry.default}
    units = {name: builtin(name).units for name in sorted(registries) if name in BUILTIN_NAMES}
    registry_of_campaign = {c.id: c.unit_registry for c in campaigns}
    return html(request, "review.html", views=views, campaigns=campaigns, units=units, attachments=attachments,
                registry_of_campaign=registry_of_campaign, default_registry=dashboard.config.registry.default)


@router.post("/review/{submission_id}/assign", name="assign")
def assign(request: Request, user: Reviewer, submission_id: int, unit: Annotated[str, Form()],
           campaign: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = ""):
    return _decide(request, user.username, submission_id, review.ASSIGN, unit=unit.strip(),
                   campaign=campaign.strip() or None, reason=reason.strip() or None)


@router.post("/review/{submission_id}/reject", name="reject")
def reject(request: Request, user: Reviewer, submission_id: int, reason: Annotated[str, Form()] = ""):
    return _decide(request, user.username, submission_id, review.REJECT, reason=reason.strip() or None)


def _decide(request: Request, decided_by: str, submission_id: int, action: str, **details):
    dashboard = request.app.state.dashboard
    with dashboard.app.sessions.begin() as session:
        submission = review.decide(session, submission_id, action, decided_by=decided_by,
                                   default_registry=dashboard.config.registry.default, **details)
        done = (f"Đã gán báo cáo #{submission.id} cho đơn vị {submission.unit}"
                + (f", đợt {details['campaign']}" if details.get("campaign") else "")
                if action == review.ASSIGN else f"Đã loại báo cáo #{submission.id}")
    request.session["flash"] = done + "."
    return RedirectResponse(path_for(request, "review"), status_code=303)


@router.get("/review/log", name="audit_log")
def audit_log(request: Request, user: SignedIn):
    with request.app.state.dashboard.reader() as session:
        decisions = review.decisions(session)
        changes = recent_adjustments(session)
    return html(request, "audit.html", decisions=decisions, changes=changes)
