"""Instants are stored in UTC and shown in Vietnam's time (DESIGN.md)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def local_short(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")


def deadline_instant(deadline: date | datetime) -> datetime:
    """The last on-time instant of a deadline: a day ends at midnight in Vietnam; a naive time is Vietnam's."""
    if isinstance(deadline, datetime):
        return deadline if deadline.tzinfo is not None else deadline.replace(tzinfo=VIETNAM)
    return datetime.combine(deadline, time.max, VIETNAM)
