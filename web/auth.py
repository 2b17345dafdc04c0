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
from models.users import check_password, end_sessions, find_user, record_sign_in

router = APIRouter(include_in_schema=False)  # pages, not API: kept out of /api/openapi.json
# Sign-in attempts checked before the form refuses to check more: per account from one address
# (so a stranger guessing cannot lock its owner out elsewhere), and per address, higher, since an
# office may share one. Counted before the check, so parallel guesses cannot slip past the limit;
# a success clears the account's count. In-process, as the dashboard is one process.
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

    def attempt(self, username: str, address: str) -> bool:
        """Count an attempt; False when it is over a limit (and must not be checked)."""
        account = self.limiter.hit(PER_ACCOUNT, "account", username.lower(), address)
        return self.limiter.hit(PER_ADDRESS, "address", address) and account

    def succeeded(self, username: str, address: str) -> None:
        self.limiter.clear(PER_ACCOUNT, "account", username.lower(), address)


def client_address(request: Request) -> str:
    """Who is signing in: the peer, or behind a trusted proxy the address it forwards."""
    peer = request.client.host if request.client else "?"
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in request.app.state.dashboard.config.web.trusted_proxies:
        return forwarded.split(",")[-1].strip() or peer
    return peer


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
    username, address = username.strip(), client_address(request)
    if not dashboard.sign_ins.attempt(username, address):
        return html(request, "login.html", status_code=429, user=None, next=safe_next(next),
                    error="Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.")
    with dashboard.reader() as session:
        account = check_password(session, username, password)
        name = account.username if account is not None else None
    if name is None:
        return html(request, "login.html", status_code=401, user=None, next=safe_next(next),
                    error="Tên đăng nhập hoặc mật khẩu không đúng.")
    dashboard.sign_ins.succeeded(username, address)
    with dashboard.app.sessions.begin() as session:
        record_sign_in(session, name, password)
    request.session.clear()  # a fresh session at each sign-in
    request.session.update(user=name, since=time.time())
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request):
    try:
        username = None if _proxy_user(request) else current_user(request).username
    except NotSignedIn:  # a stale tab's session ends no other (live) one
        username = None
    if username:
        with request.app.state.dashboard.app.sessions.begin() as session:
            end_sessions(session, username)
    request.session.clear()
    from web.app import path_for

    return RedirectResponse(path_for(request, "login_form"), status_code=303)
