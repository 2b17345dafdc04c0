"""Signing in: accounts in the database (`reportbox user add`), or a trusted reverse proxy's
header when configured. A signed session cookie names the account; the account is read again on
every request, so disabling it or changing its role takes effect at once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from models.schema import UserRole
from models.users import authenticate, find_user

router = APIRouter()


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


def current_user(request: Request) -> User:
    """The signed-in user; raises NotSignedIn (a redirect to the sign-in page, or 401 in the API)."""
    dashboard = request.app.state.dashboard
    username = _proxy_user(request) or request.session.get("user")
    if not username:
        raise NotSignedIn()
    with dashboard.reader() as session:
        account = find_user(session, username)
        if account is None or account.disabled:
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
    with dashboard.app.sessions.begin() as session:
        account = authenticate(session, username.strip(), password)
        name = account.username if account is not None else None
    if name is None:
        return html(request, "login.html", status_code=401, user=None, next=safe_next(next),
                    error="Tên đăng nhập hoặc mật khẩu không đúng.")
    request.session.clear()  # a fresh session at each sign-in
    request.session.update(user=name, since=int(time.time()))
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request):
    request.session.clear()
    return RedirectResponse(request.url_for("login_form"), status_code=303)
