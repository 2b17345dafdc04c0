"""What monitors read without signing in: /healthz for load balancers and uptime checks, and
/metrics for Prometheus (only with `[metrics] web = true`; with `token_file`, a bearer token).

Neither says anything a province wrote: /healthz gives a short reason, /metrics counts."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from jobs.alerts import healthz_problems
from jobs.metrics import CONTENT_TYPE, render
from models.schema import utcnow
from reportbox.errors import ConfigError

log = logging.getLogger("reportbox.web.monitoring")
router = APIRouter(include_in_schema=False)
NO_STORE = {"cache-control": "no-store"}


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """200 "ok" when the daemon's heartbeat is fresh and no mailbox keeps failing; 503 and why otherwise."""
    dashboard = request.app.state.dashboard
    try:
        with dashboard.reader() as session:
            problems = [c.summary for c in healthz_problems(dashboard.app, session, utcnow())]
    except SQLAlchemyError:
        problems = ["the database is unavailable"]
    if problems:
        return PlainTextResponse("unhealthy: " + "; ".join(problems) + "\n", status_code=503, headers=NO_STORE)
    return PlainTextResponse("ok\n", headers=NO_STORE)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    dashboard = request.app.state.dashboard
    settings = dashboard.config.metrics
    if not settings.web:
        return PlainTextResponse("Not Found\n", status_code=404)
    try:
        token = settings.token()  # read at each scrape: the file may be rotated
    except ConfigError as exc:  # emptied or shortened since the start: refused, not taken for "no token"
        log.error("/metrics refused: %s", exc)
        return PlainTextResponse("the metrics token is unusable; see the dashboard's log\n", status_code=503,
                                 headers=NO_STORE)
    if token is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
            return PlainTextResponse("a bearer token is required ([metrics] token_file)\n", status_code=401,
                                     headers={"www-authenticate": 'Bearer realm="reportbox metrics"'})
    body = await run_in_threadpool(render, dashboard.reader, dashboard.app.store.root)
    return Response(body, media_type=CONTENT_TYPE, headers=NO_STORE)
