"""Instants are stored in UTC and shown in Vietnam's time (README)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from reportbox.errors import UsageError

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def days_until(deadline: datetime, now: datetime) -> int:
    """Calendar days from `now` to `deadline`, in Vietnam: 0 on the deadline's own day, negative
    once it is past (what reminders say and the dashboard shows)."""
    return (deadline.astimezone(VIETNAM).date() - now.astimezone(VIETNAM).date()).days


def local_short(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")


def deadline_instant(deadline: date | datetime) -> datetime:
    """The last on-time instant of a deadline: a day ends at midnight in Vietnam; a naive time is Vietnam's."""
    if isinstance(deadline, datetime):
        return deadline if deadline.tzinfo is not None else deadline.replace(tzinfo=VIETNAM)
    return datetime.combine(deadline, time.max, VIETNAM)


def parse_instant(text: str) -> datetime:
    """An instant given on the command line: ISO 8601; without a zone, Vietnam time; a date alone
    means the end of that day, as deadlines do."""
    text = text.strip()
    try:
        return deadline_instant(date.fromisoformat(text))  # 2019-12-15 and 20191215 alike
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{text!r} is not an ISO 8601 date or time (2019-12-15, 2019-12-15T17:00)") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)
