"""Instants are stored in UTC and shown in Vietnam's time (DESIGN.md)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def local_short(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")
