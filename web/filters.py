"""What the templates show: Vietnamese labels for status values, Vietnam-time dates."""

from __future__ import annotations

from datetime import datetime

import re

from jinja2 import Environment, pass_context
from markupsafe import Markup

from parsers.outline import DEFAULT_NUMBERS
from reportbox.timefmt import VIETNAM

# Characters that reorder text on screen (U+202E makes "gnp.exe" look like "exe.png"): e-mail
# subjects and names are the sender's to choose, so none of them reaches a page.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
# The seed letters' numbering of the default outline: 1a … 2b (a campaign's own comes with its titles).
SECTION_NUMBERS = DEFAULT_NUMBERS

STATUS_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Nộp muộn",
    "missing": "Chưa nộp (quá hạn)",
    "pending": "Chưa nộp (còn hạn)",
    "exempt": "Miễn nộp",
}
SUBMISSION_STATES = {
    "accepted": "Đã nhận",
    "needs_review": "Chờ xem xét",
    "rejected": "Đã loại",
    "superseded": "Đã thay bằng bản sau",
}
MESSAGE_STATES = {
    "fetched": "Chưa xử lý",
    "parsed": "Đã đọc",
    "submission": "Báo cáo",
    "ignored": "Bỏ qua",
    "failed": "Lỗi",
    "quarantined": "Cách ly",
}
OUTBOX_STATES = {
    "queued": "Chờ gửi",
    "sending": "Đang gửi",
    "confirming": "Đang gửi",
    "sent": "Đã gửi",
    "uncertain": "Không rõ đã gửi chưa",
    "failed": "Gửi lỗi",
    "cancelled": "Đã huỷ",
    "bounced": "Bị trả lại",
}
OUTBOX_KINDS = {"reminder": "Nhắc nộp", "receipt": "Xác nhận đã nhận", "resend_request": "Đề nghị gửi lại"}
ADJUSTMENTS = {"extension": "Gia hạn", "exemption": "Miễn nộp", "offline": "Nhận bản giấy"}


def vn_time(moment: datetime | None, with_seconds: bool = False) -> str:
    """15/12/2019 23:59, in Vietnam time; empty for none."""
    if moment is None:
        return ""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M" + (":%S" if with_seconds else ""))


def vn_date(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y") if moment is not None else ""


def number(value: float | int | None) -> str:
    """1.234,5 — Vietnamese digit grouping."""
    if value is None:
        return ""
    text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def without_bidi(value: object) -> object:
    """Every value a template prints, bidirectional controls removed (Markup built by us is kept)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return BIDI_CONTROLS.sub("", value)
    return value


def outbox_step(step: str) -> str:
    """"after-3@2019-12-15" → "quá hạn 3 ngày (hạn 15/12/2019)"; "message-12" → "thư #12"."""
    if step.startswith("message-"):
        return f"thư #{step.removeprefix('message-')}"
    label, _, day = step.partition("@")
    kind, _, days = label.partition("-")
    text = {"before": f"trước hạn {days} ngày", "after": f"quá hạn {days} ngày",
            "deadline": "ngày hết hạn"}.get(kind, label)
    if day.count("-") == 2:
        year, month, date = day.split("-")
        text += f" (hạn {date}/{month}/{year})"
    return text


@pass_context
def section_number(context, key: str) -> str:
    """The number the page's campaign letter gives the key (the `titles` web.pages.outline_titles
    made carry them), else the seed letters' ("2b" for `proposals`); another key stays as it is."""
    numbers = getattr(context.get("titles"), "numbers", None) or {}
    return numbers.get(key) or SECTION_NUMBERS.get(key, key)


@pass_context
def url_path(context, name: str, /, **params) -> str:
    """The templates' `url_for`: a path, never a whole URL (see web.app.path_for)."""
    return str(context["request"].app.url_path_for(name, **params))


def install(env: Environment) -> None:
    env.finalize = without_bidi
    env.globals["url_for"] = url_path
    env.filters.update(section_number=section_number, outbox_step=outbox_step, vn_time=vn_time, vn_date=vn_date, number=number,
                       status_label=lambda s: STATUS_LABELS.get(s, s),
                       submission_state=lambda s: SUBMISSION_STATES.get(s, s),
                       message_state=lambda s: MESSAGE_STATES.get(s, s),
                       outbox_state=lambda s: OUTBOX_STATES.get(s, s),
                       outbox_kind=lambda s: OUTBOX_KINDS.get(s, s),
                       adjustment=lambda s: ADJUSTMENTS.get(s, s))
    env.globals.update(STATUS_LABELS=STATUS_LABELS)
