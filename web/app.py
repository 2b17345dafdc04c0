"""The dashboard application: FastAPI over the same named queries as the command line.

Everything shown is read through a read-only database connection; the few writes (review
decisions, planners' adjustments, sign-ins) go through the read-write one, and through the same
functions the command line calls (models.review.decide, models.adjustments.adjust)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from asgi_csrf import asgi_csrf
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from models import users
from models.db import make_engine, session_factory
from reportbox.app import App, open_app
from reportbox.config import Config
from reportbox.errors import NotFoundError, ReportboxError, UsageError
from web import filters
from web.auth import Forbidden, NotSignedIn, SignInThrottle
from web.security import EVERY_PATH, SecurityHeaders, forms_only, same_origin_posts

HERE = Path(__file__).parent
SESSION_COOKIE = "reportbox_session"


@dataclass
class Dashboard:
    app: App  # read-write: review decisions, adjustments, sign-ins
    reader: sessionmaker[Session]  # read-only: everything shown
    templates: Jinja2Templates
    owns_app: bool = True  # not when it runs inside the daemon, on the daemon's App
    sign_ins: SignInThrottle = field(default_factory=SignInThrottle)

    @property
    def config(self) -> Config:
        """The App's configuration as it is now: in the daemon a reload (SIGHUP) replaces it; [web]
        itself stays as at start (jobs.reload keeps it until a restart)."""
        return self.app.config

    def close(self) -> None:
        self.reader.kw["bind"].dispose()
        if self.owns_app:
            self.app.close()


def create_app(config: Config, *, app: App | None = None):
    """The dashboard as an ASGI application (CSRF-checked), with `.dashboard` for its state."""
    owns_app = app is None
    app = app or open_app(config)
    reader = session_factory(make_engine(config.database.url, readonly=True))
    templates = Jinja2Templates(directory=HERE / "templates")
    filters.install(templates.env)
    dashboard = Dashboard(app, reader, templates, owns_app)
    secret = config.web_secret()
    if config.metrics.web:
        config.metrics.token()  # a metrics token file that is missing, empty or short stops the start
    users.dummy_hash()  # made now, so that the first sign-in with an unknown name is no quicker than others

    api = FastAPI(title="reportbox", summary="Who has submitted the year-end reports: the dashboard's JSON API",
                  version="1", docs_url=None, redoc_url=None, openapi_url=None)  # served signed in (web.api)
    api.state.dashboard = dashboard
    from web import api as api_routes, auth, downloads, monitoring, pages, review  # they import html() from here

    for module in (auth, pages, review, downloads, api_routes, monitoring):
        api.include_router(module.router)
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _error_pages(api, templates)
    api.add_middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                       max_age=config.web.session_hours * 3600, same_site="lax",
                       https_only=config.web.secure_cookies)
    # Double-submit CSRF tokens on every non-GET request, cookies or not: with a proxy's
    # sign-in header a forged form would carry no cookie at all.
    csrf_checked = asgi_csrf(same_origin_posts(api), signing_secret=secret, always_protect=EVERY_PATH,
                             cookie_secure=config.web.secure_cookies, cookie_samesite="Lax",
                             send_csrf_failed=_csrf_failed)
    protected = SecurityHeaders(forms_only(csrf_checked))  # outermost: refusals carry the headers too
    protected.dashboard = dashboard
    protected.fastapi = api
    return protected


async def _csrf_failed(scope, send, message_id) -> None:
    body = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang rồi thử lại.".encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_pages(api: FastAPI, templates: Jinja2Templates) -> None:
    @api.exception_handler(NotSignedIn)
    async def _sign_in(request: Request, exc: NotSignedIn):
        if _wants_json(request):
            return JSONResponse({"error": "not signed in"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":  # a form's action cannot be opened again: back to its page
            referer = urlsplit(request.headers.get("referer", ""))
            same_site = referer.netloc == request.url.netloc
            target = (referer.path + (f"?{referer.query}" if referer.query else "")) if same_site else "/campaigns"
        return RedirectResponse(path_for(request, "login_form") + "?" + urlencode({"next": target}), status_code=303)

    @api.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return _error(request, templates, 403, str(exc))

    @api.exception_handler(UsageError)
    async def _usage(request: Request, exc: UsageError):
        return _error(request, templates, 404 if isinstance(exc, NotFoundError) else 400, str(exc))

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return _error(request, templates, exc.status_code,
                      "Không có trang này." if exc.status_code == 404 else str(exc.detail))

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        if _wants_json(request):
            return JSONResponse({"error": "invalid request", "detail": jsonable_encoder(exc.errors())},
                                status_code=422)
        return _error(request, templates, 422, "Địa chỉ hoặc biểu mẫu không hợp lệ.")

    @api.exception_handler(ReportboxError)
    async def _runtime(request: Request, exc: ReportboxError):
        return _error(request, templates, 500, str(exc))


def _error(request: Request, templates: Jinja2Templates, status: int, message: str):
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                              "user": getattr(request.state, "user", None)},
                                      status_code=status)


def path_for(request: Request, name: str, **params) -> str:
    """A route's path, never a whole URL: behind an HTTPS proxy the scheme and host we would put in
    one are the proxy's view of us, not the browser's."""
    return str(request.app.url_path_for(name, **params))


def html(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """A page: its template with the signed-in user, the CSRF token and any flash message."""
    dashboard: Dashboard = request.app.state.dashboard
    context.setdefault("user", getattr(request.state, "user", None))
    context["flash"] = request.session.pop("flash", None)
    return dashboard.templates.TemplateResponse(request, template, context, status_code=status_code)
