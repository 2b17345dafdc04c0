"""The planners' Excel workbook of a campaign's status (`reportbox status --format xlsx`).

Sheet "Tình hình nộp": a title block (letter, deadline, as-of, summary counts), then one row per
unit with an AutoFilter, frozen panes and a coloured status cell; the last column keeps the
English status code so scripts can filter; "Thiếu mục" names the sections missing as the
campaign's letter numbers and words them. Sheet "Chú thích" explains each status and lists the outline.
Excel has no time zones: instants are written as naive Vietnam local times.
The workbook is streamed (openpyxl write-only), so column widths are computed before any row.
"""

from __future__ import annotations

from copy import copy
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from models.schema import AdjustmentKind
from models.status import EXEMPT, LATE, MISSING, ON_TIME, PENDING, Applied, CampaignStatus, UnitStatus
from parsers.outline import OutlineItem, campaign_outline
from reportbox.timefmt import VIETNAM

STATUS_SHEET = "Tình hình nộp"
LEGEND_SHEET = "Chú thích"

STATUS_LABELS = {
    ON_TIME: "Đúng hạn",
    LATE: "Muộn",
    MISSING: "Chưa nộp",
    PENDING: "Chưa đến hạn",
    EXEMPT: "Miễn",
}
STATUS_MEANINGS = {
    ON_TIME: "Báo cáo đầu tiên của đơn vị được nhận trước hoặc đúng hạn nộp của đơn vị.",
    LATE: "Báo cáo đầu tiên của đơn vị được nhận sau hạn nộp; cột \"Muộn (giờ)\" ghi số giờ chậm.",
    MISSING: "Đã quá hạn nộp mà chưa nhận được báo cáo nào của đơn vị.",
    PENDING: "Chưa nhận được báo cáo của đơn vị nhưng chưa đến hạn nộp.",
    EXEMPT: "Đơn vị không phải nộp báo cáo trong đợt này.",
}
# ARGB; the familiar Excel good / neutral / bad tints, so the sheet reads at a glance.
STATUS_COLOURS = {
    ON_TIME: "FFC6EFCE",  # green
    LATE: "FFFFEB9C",  # amber
    MISSING: "FFFFC7CE",  # red
    PENDING: "FFDDEBF7",  # grey-blue
    EXEMPT: "FFEDEDED",  # light grey
}
SUMMARY_LABELS = (
    ("expected", "Phải nộp"),
    ("on_time", "Đúng hạn"),
    ("late", "Muộn"),
    ("missing", "Chưa nộp (quá hạn)"),
    ("pending", "Chưa đến hạn"),
    ("exempt", "Miễn"),
    ("complete", "Đủ nội dung"),
    ("incomplete", "Thiếu nội dung"),
    ("needs_review", "Chờ xem xét"),
    ("unreadable", "Không đọc được tệp"),
)
OUTLINE_HEADING = "Các mục báo cáo theo công văn"
HEADERS = (
    "Mã", "Đơn vị", "Trạng thái", "Thời điểm nhận", "Muộn (giờ)", "Hạn của đơn vị", "Số lần gửi",
    "Lần gửi mới nhất", "Đủ nội dung", "Thiếu mục", "Chờ xem xét", "Không đọc được tệp", "Ghi chú", "Mã hồ sơ",
    "status",
)
OFFLINE_NOTE = "nhận ngoài e-mail"
# Neutral about the mail: whether a request to send again or reminders went depends on the sender,
# the settings and the unit's status; the unit's page on the dashboard shows what was sent.
UNREADABLE_MEANING = ("\"Không đọc được tệp\": đơn vị đã gửi báo cáo nhưng không tệp nào đọc được (có mật khẩu, tệp "
                      "hỏng, bản quét …); báo cáo đó chưa được tính cho đến khi có bản đọc được. Đúng hạn hay muộn "
                      "được xét theo bản đọc được đầu tiên. Thư đề nghị gửi lại và thư nhắc đã gửi cho đơn vị (nếu "
                      "có) xem trên trang của đơn vị.")

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATETIME_COLUMNS = {3, 5, 7}  # zero-based positions in HEADERS
DATETIME_WIDTH = len("dd/mm/yyyy hh:mm") + 2
MIN_WIDTH, MAX_WIDTH = 6, 60
FREEZE_AFTER_COLUMN = 2  # the name column stays in view when scrolling right

_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
_STATUS_FILLS = {status: PatternFill(fill_type="solid", start_color=argb, end_color=argb)
                 for status, argb in STATUS_COLOURS.items()}
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def write_status_xlsx(status: CampaignStatus, out: Path | BinaryIO, *,
                      outline: Sequence[OutlineItem] | None = None) -> None:
    """Write the campaign's status workbook to a path or a binary file object. `outline`: the
    campaign's outline as quoted (jobs.mail.letters.outline_of, with the configured titles);
    default: the letter's wording, else the default titles, with the campaign's years."""
    outline = campaign_outline(status.campaign) if outline is None else tuple(outline)
    labels = {item.key: item.label for item in outline}
    book = Workbook(write_only=True)
    _write_status_sheet(book.create_sheet(STATUS_SHEET), status, labels)
    _write_legend_sheet(book.create_sheet(LEGEND_SHEET), outline)
    book.save(out)


def local_naive(moment: datetime | None) -> datetime | None:
    """The Vietnam wall-clock time of an aware instant, without tzinfo (Excel has no time zones),
    to the second: Excel rounds 23:59:59.999999, a date deadline's end, up to the next day's 00:00."""
    return None if moment is None else moment.astimezone(VIETNAM).replace(tzinfo=None, microsecond=0)


def _short(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _write_status_sheet(sheet, status: CampaignStatus, labels: dict[str, str]) -> None:
    title_rows = _title_rows(sheet, status)
    unit_rows = [_unit_values(unit, labels) for unit in status.units]
    header_row = len(title_rows) + 1
    # Streaming writes widths and panes with the sheet's head, so they must be set before any row.
    _set_widths(sheet, unit_rows, title_rows)
    sheet.freeze_panes = f"{get_column_letter(FREEZE_AFTER_COLUMN + 1)}{header_row + 1}"
    for row in title_rows:
        sheet.append(row)
    sheet.append([_styled(sheet, name, font=_BOLD, fill=_HEADER_FILL) for name in HEADERS])
    styles = _RowStyles(sheet)
    for unit, values in zip(status.units, unit_rows):
        sheet.append(_unit_cells(styles, unit, values))
    last_row = header_row + len(unit_rows)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(HEADERS))}{last_row}"


def _title_rows(sheet, status: CampaignStatus) -> list[list]:
    """Letter and title, deadline, as-of, a blank row, the summary counts (label, count), a blank row."""
    campaign = status.campaign
    heading = f"{campaign.letter} — {campaign.title}" if campaign.title else campaign.letter
    rows: list[list] = [
        [_styled(sheet, heading, font=_TITLE_FONT)],
        [f"Hạn nộp: {_short(campaign.deadline)}"],
        [f"Số liệu tính đến: {_short(status.as_of)} (giờ Việt Nam)"],
        [],
    ]
    rows += [[None, label, status.summary.get(key)] for key, label in SUMMARY_LABELS]
    rows.append([])
    return rows


def _unit_values(unit: UnitStatus, labels: dict[str, str]) -> tuple:
    """The row's plain values in HEADERS order (styles are added when the row is written); the
    missing sections as "1b) title", apart by "; " (titles hold commas)."""
    return (
        unit.unit,
        unit.name,
        STATUS_LABELS.get(unit.status, unit.status),
        local_naive(unit.received_at),
        unit.late_by_hours,
        local_naive(unit.deadline),
        unit.versions,
        local_naive(unit.latest_at),
        "Có" if unit.complete else "Không",
        "; ".join(labels.get(key, key) for key in unit.missing_sections),
        unit.needs_review,
        "; ".join(file.label() for file in unit.unreadable),
        _notes(unit),
        unit.submission,
        unit.status,
    )


class _RowStyles:
    """One styled template cell per look; each row's cells copy its style index array.

    Setting font/fill/format on every cell looks each up in the workbook's style tables again;
    copying the template's `_style` (as openpyxl's own cell copy does) saves about a quarter of
    the time for 10,000 units."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.code = _styled(sheet, None, number_format="@")  # a code like "01" is text, not a number
        self.when = _styled(sheet, None, number_format=DATETIME_FORMAT)
        self.hours = _styled(sheet, None, number_format="0.0")
        self.status = {code: _styled(sheet, None, fill=fill) for code, fill in _STATUS_FILLS.items()}

    def cell(self, value, template: WriteOnlyCell | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        if template is not None:
            cell._style = copy(template._style)
        return cell


def _unit_cells(styles: _RowStyles, unit: UnitStatus, values: tuple) -> list:
    cells = [None if value == "" else value for value in values]
    cells[0] = styles.cell(values[0], styles.code)
    cells[2] = styles.cell(values[2], styles.status.get(unit.status))
    for column in DATETIME_COLUMNS:
        if values[column] is not None:
            cells[column] = styles.cell(values[column], styles.when)
    if values[4] is not None:
        cells[4] = styles.cell(values[4], styles.hours)
    return cells


def _styled(sheet, value, *, font: Font | None = None, fill: PatternFill | None = None,
            number_format: str | None = None, alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


_NOTE_LABELS = {AdjustmentKind.EXTENSION: "gia hạn đến", AdjustmentKind.OFFLINE: OFFLINE_NOTE,
                AdjustmentKind.EXEMPTION: "miễn nộp"}


def _notes(unit: UnitStatus) -> str:
    """The planners' adjustments in Vietnamese, then the offline mark."""
    notes = [_vietnamese_note(applied) for applied in unit.adjustments]
    if unit.offline and not any(a.kind == AdjustmentKind.OFFLINE for a in unit.adjustments):
        notes.append(OFFLINE_NOTE)
    return "; ".join(notes)


def _vietnamese_note(applied: Applied) -> str:
    when = f" {_short(applied.at)}" if applied.at else ""
    return f"{_NOTE_LABELS[applied.kind]}{when}" + (f": {applied.note}" if applied.note else "")


def _set_widths(sheet, unit_rows: Sequence[tuple], title_rows: Sequence[list]) -> None:
    """Each column as wide as its longest text (capped)."""
    widths = [len(name) + 2 for name in HEADERS]  # room for the AutoFilter button
    for row in _plain_rows(unit_rows, title_rows):
        for column, value in enumerate(row):
            if value is None or column in DATETIME_COLUMNS:
                continue
            widths[column] = max(widths[column], len(str(value)))
    for column in DATETIME_COLUMNS:
        widths[column] = max(widths[column], DATETIME_WIDTH)
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 1, MIN_WIDTH), MAX_WIDTH)


def _plain_rows(unit_rows: Sequence[tuple], title_rows: Sequence[list]) -> Iterable[Sequence]:
    """The unit rows and the summary rows; the heading lines overflow into empty cells and are left out."""
    yield from unit_rows
    yield from (row for row in title_rows if len(row) > 1)


def _write_legend_sheet(sheet, outline: Sequence[OutlineItem]) -> None:
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 10
    sheet.append([_styled(sheet, name, font=_BOLD, fill=_HEADER_FILL) for name in ("Trạng thái", "Ý nghĩa", "status")])
    for code, label in STATUS_LABELS.items():
        sheet.append([_styled(sheet, label, fill=_STATUS_FILLS[code]),
                      _styled(sheet, STATUS_MEANINGS[code], alignment=_WRAP_TOP), code])
    sheet.append([])
    sheet.append(["Thời gian ghi theo giờ Việt Nam (UTC+7). \"Hạn của đơn vị\" là hạn chung hoặc hạn đã gia hạn "
                  "cho đơn vị; \"Mã hồ sơ\" là số của lần gửi mới nhất trong hệ thống."])
    sheet.append([UNREADABLE_MEANING])
    if outline:
        sheet.append([])
        sheet.append([_styled(sheet, OUTLINE_HEADING, font=_BOLD)])
        for item in outline:
            sheet.append([item.number, _styled(sheet, item.title, alignment=_WRAP_TOP), item.key])
