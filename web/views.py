"""What the pages show, computed from the named queries' results: pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from models.status import EXEMPT, LATE, ON_TIME, STATUSES, UnitStatus
from parsers.vietnamese import fold

SORT_KEYS = ("unit", "name", "status", "received", "late", "versions", "latest")
FLAGS = ("incomplete", "needs_review", "unreadable", "offline", "adjusted")


@dataclass(frozen=True)
class UnitQuery:
    """The campaign page's filter and order, from its query string; unknown values are dropped."""

    status: str = ""  # one of STATUSES, or every status
    flag: str = ""  # one of FLAGS
    text: str = ""  # part of the code or the name, accents optional
    sort: str = "unit"
    descending: bool = False

    @classmethod
    def parse(cls, status: str | None, flag: str | None, q: str | None, sort: str | None,
              order: str | None) -> "UnitQuery":
        return cls(status=status if status in STATUSES else "", flag=flag if flag in FLAGS else "",
                   text=(q or "").strip()[:100], sort=sort if sort in SORT_KEYS else "unit",
                   descending=order == "desc")


def is_incomplete(unit: UnitStatus) -> bool:
    return unit.status in (ON_TIME, LATE) and not unit.complete


def select_units(units: tuple[UnitStatus, ...], query: UnitQuery) -> list[UnitStatus]:
    """The units the query asks for, in its order (ties in registry order)."""
    wanted = fold(query.text)
    chosen = [
        unit for unit in units
        if (not query.status or unit.status == query.status)
        and (not query.flag or _flagged(unit, query.flag))
        and (not wanted or wanted in fold(unit.name) or unit.unit.startswith(query.text))
    ]
    if query.sort == "unit":
        return chosen[::-1] if query.descending else chosen
    present = [u for u in chosen if _sort_value(u, query.sort) is not None]
    absent = [u for u in chosen if _sort_value(u, query.sort) is None]  # always last: "no date" is no order
    present.sort(key=lambda u: _sort_value(u, query.sort), reverse=query.descending)
    return present + absent


def _flagged(unit: UnitStatus, flag: str) -> bool:
    return {"incomplete": is_incomplete(unit), "needs_review": unit.needs_review > 0,
            "unreadable": bool(unit.unreadable), "offline": unit.offline, "adjusted": bool(unit.adjustments)}[flag]


def _sort_value(unit: UnitStatus, key: str):
    match key:
        case "name":
            return fold(unit.name)
        case "status":
            return STATUSES.index(unit.status)
        case "received":
            return unit.received_at
        case "late":
            return unit.late_by_hours
        case "versions":
            return unit.versions
        case "latest":
            return unit.latest_at
    raise ValueError(key)


def reminder_policy(config, campaign_id: str) -> str:
    """The campaign's reminder policy in a sentence, for planners; why none go, when none do."""
    if config.smtp is None:
        return "Không gửi thư nhắc: chưa cấu hình máy chủ thư đi ([smtp])."
    campaign = next((c for c in config.campaign if c.id == campaign_id), None)
    if campaign is None:
        return "Không gửi thư nhắc: đợt này không còn trong cấu hình."
    policy = campaign.reminders
    if not policy.enabled or not (policy.before_deadline_days or policy.after_deadline_days):
        return "Không gửi thư nhắc cho đợt này."
    steps = []
    if policy.before_deadline_days:
        steps.append(", ".join(map(str, sorted(policy.before_deadline_days, reverse=True))) + " ngày trước hạn")
    if policy.after_deadline_days:
        steps.append(", ".join(map(str, sorted(policy.after_deadline_days))) + " ngày sau hạn")
    text = (f"Thư nhắc tự động: {' và '.join(steps)}, lúc {policy.send_at.strftime('%H:%M')}; "
            f"tối đa {policy.max_reminders} thư cho mỗi đơn vị")
    if policy.escalate_after_days:
        text += f"; từ {policy.escalate_after_days} ngày sau hạn gửi kèm (Cc) lãnh đạo"
    return text + "."


def progress(summary: dict[str, int]) -> dict[str, float]:
    """Each status's share of the units expected (exempt ones aside), in percent, for the bar."""
    expected = max(summary.get("expected", 0), 1)
    return {status: round(100 * summary.get(status, 0) / expected, 1) for status in STATUSES if status != EXEMPT}
