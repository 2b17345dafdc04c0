"""Dashboard accounts: created with `reportbox user add`, checked at sign-in.

Passwords are kept only as Argon2id hashes (argon2-cffi's defaults, RFC 9106's recommendation),
and a hash made with older parameters is replaced at the next successful sign-in."""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import UserRole, WebUser, utcnow
from reportbox.errors import NotFoundError, UsageError

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


@cache
def dummy_hash() -> str:
    """Checked against when no account matches, so a wrong name costs what a wrong password does.
    Made when the dashboard starts (web.app), not at import: every command imports this module,
    and the hash takes a tenth of a second."""
    return _hasher.hash("not a password anyone has")


def add_user(session: Session, username: str, role: str, password: str | None, full_name: str | None = None) -> WebUser:
    """A new account. Raises UsageError for a bad or taken name, an unknown role or a short password."""
    if not USERNAME.match(username):
        raise UsageError(f"user name {username!r}: letters, digits and . _ @ - only, at most 64")
    _check_role(role)
    if find_user(session, username) is not None:
        raise UsageError(f"user {username!r} exists already (`reportbox user passwd` sets a new password)")
    user = WebUser(username=username, role=role, full_name=full_name, disabled=False, created_at=utcnow(),
                   password_hash=_hash(password) if password is not None else None)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> WebUser:
    """A new password; the account's open sessions end."""
    user = _existing(session, username)
    user.password_hash = _hash(password)
    user.sessions_after = utcnow()
    return user


def set_role(session: Session, username: str, role: str) -> WebUser:
    _check_role(role)
    user = _existing(session, username)
    user.role = role
    return user


def set_disabled(session: Session, username: str, disabled: bool) -> WebUser:
    user = _existing(session, username)
    user.disabled = disabled
    if disabled:
        user.sessions_after = utcnow()
    return user


def end_sessions(session: Session, username: str) -> None:
    """Sign-out: every session of the account begun until now is over, copies of its cookie too."""
    if (user := find_user(session, username)) is not None:
        user.sessions_after = utcnow()


def find_user(session: Session, username: str) -> WebUser | None:
    return session.scalars(select(WebUser).where(WebUser.username == username)).first()


def list_users(session: Session) -> list[WebUser]:
    return list(session.scalars(select(WebUser).order_by(WebUser.username)))


def check_password(session: Session, username: str, password: str) -> WebUser | None:
    """The enabled account with this name and password, else None. Writes nothing, so it can run
    on a read-only connection: the Argon2 check takes a tenth of a second, no lock should wait on it."""
    user = find_user(session, username)
    stored = user.password_hash if user is not None and not user.disabled else None
    try:
        _hasher.verify(stored or dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return user if stored is not None else None


def record_sign_in(session: Session, username: str, password: str) -> None:
    """After a successful check: when, and a fresh hash if the stored one has older parameters."""
    user = _existing(session, username)
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)  # not _hash: its length rule is for new passwords
    user.last_login_at = utcnow()


def authenticate(session: Session, username: str, password: str) -> WebUser | None:
    """check_password, and the sign-in recorded, in one session."""
    user = check_password(session, username, password)
    if user is not None:
        record_sign_in(session, username, password)
    return user


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"password too short: at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def _check_role(role: str) -> None:
    if role not in UserRole.ALL:
        raise UsageError(f"role {role!r}: one of {', '.join(UserRole.ALL)}")


def _existing(session: Session, username: str) -> WebUser:
    user = find_user(session, username)
    if user is None:
        raise NotFoundError(f"no user {username!r} (see `reportbox user list`)")
    return user
