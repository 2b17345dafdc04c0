"""Signing in: accounts in the database (`reportbox user add`), or a trusted reverse proxy's
header when configured. A signed session cookie names the account; the account is read again on
every request, so disabling it or changing its role takes effect at once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from models.schema import UserRole
from models.users import authenticate, end_sessions, find_user

router = APIRouter(include_in_schema=False)  # pages, not API: kept out of /api/openapi.json
# Failed sign-ins allowed before the form refuses to check more: per account, and (higher, since an
# office may share one address) per client address. In-process, as the dashboard is one process.
PER_ACCOUNT = parse("10 per 15 minutes")
PER_ADDRESS = parse("50 per 15 minutes")


class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    pass


@dataclass(frozen=True)
class User:
    username: str
    role: str
    full_name: str | None

    @property
    def can_review(self) -> bool:
        return self.role == UserRole.REVIEWER

    @property
    def display(self) -> str:
        return self.full_name or self.username


class SignInThrottle:
    """Slows password guessing: Argon2 makes each guess cost, this caps how many are checked."""

    def __init__(self) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def _limits(self, username: str, address: str):
        return ((PER_ACCOUNT, "account", username.lower()), (PER_ADDRESS, "address", address))

    def blocked(self, username: str, address: str) -> bool:
        return not all(self.limiter.test(item, *keys) for item, *keys in self._limits(username, address))

    def failed(self, username: str, address: str) -> None:
        for item, *keys in self._limits(username, address):
            self.limiter.hit(item, *keys)


def current_user(request: Request) -> User:
    """The signed-in user; raises NotSignedIn (a redirect to the sign-in page, or 401 in the API)."""
    dashboard = request.app.state.dashboard
    username = _proxy_user(request) or _session_user(request)
    if not username:
        raise NotSignedIn()
    with dashboard.reader() as session:
        account = find_user(session, username)
        ended = (account is not None and account.sessions_after is not None and "user" in request.session
                 and request.session.get("since", 0) <= account.sessions_after.timestamp())
        if account is None or account.disabled or ended:
            request.session.clear()
            raise NotSignedIn()
        user = User(account.username, account.role, account.full_name)
    request.state.user = user
    return user


def reviewer(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.can_review:
        raise Forbidden("Tài khoản của bạn chỉ được xem. Cần quyền người xét duyệt (reviewer) để thực hiện việc này.")
    return user


SignedIn = Annotated[User, Depends(current_user)]
Reviewer = Annotated[User, Depends(reviewer)]


def _session_user(request: Request) -> str | None:
    """The account the session cookie names, while the session is younger than `session_hours`
    (the cookie's own age is renewed at each response: this bounds the whole session)."""
    hours = request.app.state.dashboard.config.web.session_hours
    if time.time() - request.session.get("since", 0) > hours * 3600:
        request.session.clear()
        return None
    return request.session.get("user")


def _proxy_user(request: Request) -> str | None:
    web = request.app.state.dashboard.config.web
    if not web.trusted_user_header or request.client is None or request.client.host not in web.trusted_proxies:
        return None
    return request.headers.get(web.trusted_user_header) or None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", name="login_form")
def login_form(request: Request, next: str | None = None):
    from web.app import html

    return html(request, "login.html", user=None, next=safe_next(next), error=None)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/"):
    from web.app import html

    dashboard = request.app.state.dashboard
    username, address = username.strip(), request.client.host if request.client else "?"
    if dashboard.sign_ins.blocked(username, address):
        return html(request, "login.html", status_code=429, user=None, next=safe_next(next),
                    error="Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.")
    with dashboard.app.sessions.begin() as session:
        account = authenticate(session, username, password)
        name = account.username if account is not None else None
    if name is None:
        dashboard.sign_ins.failed(username, address)
        return html(request, "login.html", status_code=401, user=None, next=safe_next(next),
                    error="Tên đăng nhập hoặc mật khẩu không đúng.")
    request.session.clear()  # a fresh session at each sign-in
    request.session.update(user=name, since=time.time())
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request):
    if username := request.session.get("user"):
        with request.app.state.dashboard.app.sessions.begin() as session:
            end_sessions(session, username)
    request.session.clear()
    return RedirectResponse(request.url_for("login_form"), status_code=303)
