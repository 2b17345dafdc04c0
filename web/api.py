"""The JSON API: the same shapes as the command line's `--format json` (the README, built by
reportbox.shapes), read-only, behind the same sign-in. Described at /api/openapi.json."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Query, Request

from jobs.alerts import MAILED, active_conditions
from models import outbox
from models.health import health
from models.messages import list_messages
from models.schema import MessageState, OutboxKind, OutboxState, SubmissionKind, SubmissionState
from models.sections import outline_keys, unit_sections
from models.status import get_campaign
from reportbox.shapes import campaigns_json, messages_json, outbox_json, status_report, submissions_json
from reportbox.timefmt import local_iso
from web import schemas
from web.auth import SignedIn
from web.pages import as_of_param

router = APIRouter(prefix="/api", tags=["api"])
AsOf = Query(None, description="As of this instant (ISO 8601, Vietnam time unless a zone is given; a date means "
                               "its end). Default: now.", examples=["2019-12-20T08:00"])


@router.get("/openapi.json", include_in_schema=False)
def api_description(request: Request, user: SignedIn) -> dict:
    """This API's OpenAPI description, for signed-in users like every other route."""
    return request.app.openapi()


@router.get("/campaigns", response_model=list[schemas.CampaignEntry], summary="Every campaign with its counts by status now (`campaign list --format json`)")
def api_campaigns(request: Request, user: SignedIn) -> list[dict]:
    with request.app.state.dashboard.reader() as session:
        return campaigns_json(session)


@router.get("/campaigns/{campaign_id}/status", response_model=schemas.StatusReport,
            summary="Every unit's status as of an instant (`status --format json`)")
def api_status(request: Request, user: SignedIn, campaign_id: str, as_of: str | None = AsOf,
               with_former: bool = Query(False, description="Also each unit's reports to earlier campaigns, its "
                                                            "former units' too (`status --with-former`)")) -> dict:
    with request.app.state.dashboard.reader() as session:
        return status_report(session, campaign_id, as_of_param(as_of), with_former=with_former)[1]


@router.get("/campaigns/{campaign_id}/sections", response_model=schemas.SectionsReport,
            summary="The chosen outline sections of every unit's latest report (what `export sections` writes)")
def api_sections(request: Request, user: SignedIn, campaign_id: str,
                 section: list[str] | None = Query(None, description="Outline keys; default the whole outline"),
                 as_of: str | None = AsOf) -> dict:
    with request.app.state.dashboard.reader() as session:
        campaign = get_campaign(session, campaign_id)
        keys = outline_keys(campaign, section or [])
        units = unit_sections(session, campaign_id, keys, as_of=as_of_param(as_of))
    return {"campaign": campaign_id, "sections": keys,
            "units": [{"unit": u.unit, "name": u.name, "status": u.status, "received_at": local_iso(u.received_at),
                       "offline": u.offline, "versions": u.versions,
                       "sections": [asdict(s) for s in u.sections]} for u in units]}


@router.get("/submissions", response_model=list[schemas.Submission], summary="Submissions with their state (`submissions --format json`)")
def api_submissions(request: Request, user: SignedIn, campaign: str | None = None,
                    state: Literal[SubmissionState.ALL] | None = None,  # type: ignore[valid-type]
                    kind: Literal[SubmissionKind.ALL] | None = None) -> list[dict]:  # type: ignore[valid-type]
    with request.app.state.dashboard.reader() as session:
        return submissions_json(session, campaign, state, kind)


@router.get("/review", response_model=list[schemas.Submission], summary="Submissions waiting for review (`review list --format json`)")
def api_review(request: Request, user: SignedIn) -> list[dict]:
    with request.app.state.dashboard.reader() as session:
        return submissions_json(session, state=SubmissionState.NEEDS_REVIEW)


@router.get("/messages", response_model=list[schemas.Message], summary="Every message ever fetched, with its state and reason (`messages --format json`)")
def api_messages(request: Request, user: SignedIn,
                 state: Literal[MessageState.ALL] | None = None) -> list[dict]:  # type: ignore[valid-type]
    with request.app.state.dashboard.reader() as session:
        return messages_json(session, list_messages(session, state))


@router.get("/outbox", response_model=list[schemas.OutboxEntry], summary="Reminders, receipts and resend requests, sent or to send (`outbox --format json`)")
def api_outbox(request: Request, user: SignedIn, campaign: str | None = None,
               state: Literal[OutboxState.ALL] | None = None,  # type: ignore[valid-type]
               kind: Literal[OutboxKind.ALL] | None = None) -> list[dict]:  # type: ignore[valid-type]
    with request.app.state.dashboard.reader() as session:
        return [outbox_json(row) for row in outbox.listing(session, campaign, state, kind)]


@router.get("/health", response_model=schemas.Health, summary="Daemon, mailboxes, queues and recent failures: what IT looks at first")
def api_health(request: Request, user: SignedIn) -> dict:
    dashboard = request.app.state.dashboard
    with dashboard.reader() as session:
        report = health(session)
        conditions = active_conditions(dashboard.app, session=session)
    return {
        "now": local_iso(report.now), "daemon": {"holder": report.daemon_holder,
                                                 "heartbeat_at": local_iso(report.daemon_heartbeat_at)},
        "folders": [{**asdict(f), "last_poll_at": local_iso(f.last_poll_at),
                     "last_success_at": local_iso(f.last_success_at), "last_error_at": local_iso(f.last_error_at)}
                    for f in report.folders],
        "messages": report.messages, "submissions": report.submissions, "outbox": report.outbox,
        "failures": [{**asdict(f), "received_at": local_iso(f.received_at)} for f in report.failures],
        "alerts": [{"condition": c.name, "subject": c.subject, "summary": c.summary, "detail": c.detail,
                    "since": local_iso(c.since), "mailed": c.name in MAILED} for c in conditions],
    }
