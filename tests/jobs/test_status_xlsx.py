"""The planners' status workbook: layout, types, colours and Vietnamese text, read back with openpyxl
and opened by a real LibreOffice."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest

from jobs.exports.status_xlsx import write_status_xlsx
from models.schema import AdjustmentKind, Campaign
from models.status import EXEMPT, LATE, MISSING, ON_TIME, PENDING, STATUSES, Applied, CampaignStatus, UnitStatus
from models.unreadable import UnreadableFile
from parsers.outline import OutlineItem
from reportbox.timefmt import deadline_instant
from tests.servers.availability import require_tool

UTC = timezone.utc
OUTLINE = ["results", "policies", "shortcomings", "plan", "proposals"]
DEADLINE = datetime(2019, 12, 15, 16, 59, 59, tzinfo=UTC)  # 15/12/2019 23:59:59 in Vietnam
AS_OF = datetime(2019, 12, 17, 1, 0, tzinfo=UTC)  # 17/12/2019 08:00 in Vietnam
EXTENDED = datetime(2019, 12, 20, 9, 0, tzinfo=UTC)
HEADERS = ["Mã", "Đơn vị", "Trạng thái", "Thời điểm nhận", "Muộn (giờ)", "Hạn của đơn vị", "Số lần gửi",
           "Lần gửi mới nhất", "Đủ nội dung", "Thiếu mục", "Chờ xem xét", "Không đọc được tệp", "Ghi chú", "Mã hồ sơ",
           "status"]
HEADER_ROW = 16  # 3 title lines, a blank, 10 summary counts, a blank
# The intended tints (ARGB): green, amber, red, grey-blue, light grey.
COLOURS = {ON_TIME: "FFC6EFCE", LATE: "FFFFEB9C", MISSING: "FFFFC7CE", PENDING: "FFDDEBF7", EXEMPT: "FFEDEDED"}


def _unit(code, name, status, *, received=None, deadline=DEADLINE, missing=(), **extra) -> UnitStatus:
    found = tuple(key for key in OUTLINE if key not in missing)
    fields = dict(
        unit=code, name=name, status=status, deadline=deadline, received_at=received,
        late_by_hours=round((received - deadline).total_seconds() / 3600, 1) if status == LATE else None,
        submission=None, sections=found if received else (), missing_sections=tuple(missing),
        complete=received is not None and not missing, versions=1 if received else 0, latest_at=received,
        needs_review=0, offline=False,
    )
    fields.update(extra)
    return UnitStatus(**fields)


def _units() -> tuple[UnitStatus, ...]:
    return (
        _unit("01", "Hà Nội", ON_TIME, received=datetime(2019, 12, 12, 2, 14, 3, tzinfo=UTC), submission=41),
        _unit("46", "Thừa Thiên Huế", LATE, received=datetime(2019, 12, 16, 3, 0, tzinfo=UTC), submission=57,
              missing=("policies", "annex"), versions=2, latest_at=datetime(2019, 12, 16, 20, 30, tzinfo=UTC),
              needs_review=1),
        _unit("22", "Quảng Ninh", MISSING, unreadable=(UnreadableFile("Bao cao.pdf", "encrypted"),
                                                      UnreadableFile("bc.zip/Phu luc.docx", "corrupt"))),
        _unit("79", "Hồ Chí Minh", PENDING, deadline=EXTENDED,
              adjustments=(Applied(AdjustmentKind.EXTENSION, EXTENDED, "lũ lụt", "planner"),)),
        _unit("96", "Cà Mau", EXEMPT, adjustments=(Applied(AdjustmentKind.EXEMPTION, None, "sáp nhập đơn vị", "planner"),)),
        _unit("02", "Hà Giang", ON_TIME, received=datetime(2019, 12, 14, 2, 0, tzinfo=UTC), offline=True,
              adjustments=(Applied(AdjustmentKind.OFFLINE, datetime(2019, 12, 14, 2, 0, tzinfo=UTC), "bưu điện",
                                   "planner"),)),
    )


def _status(units: tuple[UnitStatus, ...]) -> CampaignStatus:
    """Summary counted as models.status counts it."""
    summary = {"expected": sum(u.status != EXEMPT for u in units)}
    summary.update({status: sum(u.status == status for u in units) for status in STATUSES})
    summary["complete"] = sum(u.complete and u.status in (ON_TIME, LATE) for u in units)
    summary["incomplete"] = sum(not u.complete and u.status in (ON_TIME, LATE) for u in units)
    summary["needs_review"] = 3
    summary["unreadable"] = sum(bool(u.unreadable) for u in units)
    campaign = Campaign(id="tk2019", letter="5025/LĐTBXH-KHTC",
                        title="Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
                        report_year=2019, plan_year=2020, deadline=DEADLINE, unit_registry="vn63",
                        outline=OUTLINE, exempt=["96"])
    return CampaignStatus(campaign, AS_OF, units, 3, summary)


@pytest.fixture
def status() -> CampaignStatus:
    return _status(_units())


@pytest.fixture
def xlsx(tmp_path, status):
    path = tmp_path / "status.xlsx"
    write_status_xlsx(status, path)
    return path


@pytest.fixture
def book(xlsx):
    return openpyxl.load_workbook(xlsx)


@pytest.fixture
def sheet(book):
    return book["Tình hình nộp"]


def _rows_by_code(sheet) -> dict[str, dict]:
    """Each unit row as {header: cell}, keyed by the unit code."""
    header = [cell.value for cell in sheet[HEADER_ROW]]
    rows = {}
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        row = dict(zip(header, cells))
        rows[row["Mã"].value] = row
    return rows


def test_header_row_is_after_the_title_block_with_the_planners_names(sheet):
    first_column = [sheet.cell(row, 1).value for row in range(1, HEADER_ROW + 1)]
    assert first_column.index("Mã") + 1 == HEADER_ROW
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS


def test_units_are_written_in_the_given_order(sheet, status):
    codes = [sheet.cell(row, 1).value for row in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert codes == [unit.unit for unit in status.units]


def test_autofilter_covers_the_table_and_panes_freeze_below_header_right_of_name(sheet, status):
    last_row = HEADER_ROW + len(status.units)
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:O{last_row}"
    assert sheet.max_row == last_row
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"


def test_code_with_a_leading_zero_stays_text(sheet):
    cell = _rows_by_code(sheet)["01"]["Mã"]
    assert cell.value == "01"
    assert cell.data_type == "s"


def test_instants_are_vietnam_local_excel_datetimes(sheet, status):
    rows = _rows_by_code(sheet)
    hanoi = rows["01"]
    # 02:14:03 UTC is 09:14:03 in Vietnam; Excel gets the wall-clock time without a zone.
    assert hanoi["Thời điểm nhận"].value == datetime(2019, 12, 12, 9, 14, 3)
    assert hanoi["Thời điểm nhận"].number_format == "dd/mm/yyyy hh:mm"
    assert hanoi["Hạn của đơn vị"].value == datetime(2019, 12, 15, 23, 59, 59)
    hue = rows["46"]
    assert hue["Lần gửi mới nhất"].value == datetime(2019, 12, 17, 3, 30)
    assert hue["Muộn (giờ)"].value == pytest.approx(10.0)
    assert rows["79"]["Hạn của đơn vị"].value == datetime(2019, 12, 20, 16, 0)
    assert rows["22"]["Thời điểm nhận"].value is None
    assert rows["22"]["Muộn (giờ)"].value is None


def test_a_date_deadline_stays_on_its_day(tmp_path):
    """A date deadline ends at 23:59:59.999999, which Excel and LibreOffice round up to the next day's 00:00."""
    deadline = deadline_instant(date(2019, 12, 15))
    unit = _unit("01", "Hà Nội", LATE, received=deadline + timedelta(microseconds=1), deadline=deadline)
    path = tmp_path / "deadline.xlsx"
    write_status_xlsx(_status((unit,)), path)
    row = _rows_by_code(openpyxl.load_workbook(path)["Tình hình nộp"])["01"]
    assert row["Hạn của đơn vị"].value == datetime(2019, 12, 15, 23, 59, 59)
    assert row["Thời điểm nhận"].value == datetime(2019, 12, 16, 0, 0)


def test_status_cells_are_filled_with_their_status_colour(sheet):
    fills = {}
    for row in _rows_by_code(sheet).values():
        cell = row["Trạng thái"]
        assert cell.fill.fill_type == "solid"
        fills.setdefault(row["status"].value, set()).add(cell.fill.fgColor.rgb)
    assert fills == {status: {colour} for status, colour in COLOURS.items()}
    assert len({colour for colours in fills.values() for colour in colours}) == len(STATUSES)


def test_status_label_and_machine_code(sheet, status):
    rows = _rows_by_code(sheet)
    labels = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa nộp", "pending": "Chưa đến hạn",
              "exempt": "Miễn"}
    for unit in status.units:
        assert rows[unit.unit]["status"].value == unit.status
        assert rows[unit.unit]["Trạng thái"].value == labels[unit.status]


def test_summary_counts_appear_with_vietnamese_labels(sheet, status):
    labels = {"Phải nộp": "expected", "Đúng hạn": "on_time", "Muộn": "late", "Chưa nộp (quá hạn)": "missing",
              "Chưa đến hạn": "pending", "Miễn": "exempt", "Đủ nội dung": "complete",
              "Thiếu nội dung": "incomplete", "Chờ xem xét": "needs_review", "Không đọc được tệp": "unreadable"}
    found = {sheet.cell(row, 2).value: sheet.cell(row, 3).value for row in range(1, HEADER_ROW)
             if sheet.cell(row, 2).value in labels}
    assert found == {label: status.summary[key] for label, key in labels.items()}
    assert status.summary["on_time"] == 2  # the fixture has two, so a swapped count would show
    assert status.summary["unreadable"] == 1


def test_title_block_names_the_letter_deadline_and_as_of_in_vietnam_time(sheet):
    title = "\n".join(str(sheet.cell(row, 1).value) for row in range(1, 4))
    assert "5025/LĐTBXH-KHTC" in title
    assert "Đánh giá tình hình thực hiện năm 2019" in title
    assert "15/12/2019 23:59" in title
    assert "17/12/2019 08:00" in title


def test_vietnamese_text_round_trips(sheet):
    rows = _rows_by_code(sheet)
    hue = rows["46"]
    assert hue["Đơn vị"].value == "Thừa Thiên Huế"
    assert hue["Đủ nội dung"].value == "Không"
    assert hue["Thiếu mục"].value == "1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án; annex"
    assert rows["01"]["Đủ nội dung"].value == "Có"
    assert rows["01"]["Thiếu mục"].value is None
    assert rows["79"]["Ghi chú"].value == "gia hạn đến 20/12/2019 16:00: lũ lụt"
    assert rows["96"]["Ghi chú"].value == "miễn nộp: sáp nhập đơn vị"
    assert rows["02"]["Ghi chú"].value == "nhận ngoài e-mail 14/12/2019 09:00: bưu điện"
    assert rows["22"]["Không đọc được tệp"].value == "Bao cao.pdf (có mật khẩu); bc.zip/Phu luc.docx (tệp bị hỏng)"
    assert rows["01"]["Không đọc được tệp"].value is None


def test_counts_and_submission_id(sheet):
    hue = _rows_by_code(sheet)["46"]
    assert (hue["Số lần gửi"].value, hue["Chờ xem xét"].value, hue["Mã hồ sơ"].value) == (2, 1, 57)


def test_offline_unit_without_a_note_is_still_marked(tmp_path):
    unit = _unit("02", "Hà Giang", ON_TIME, received=DEADLINE - timedelta(days=1), offline=True)
    path = tmp_path / "offline.xlsx"
    write_status_xlsx(_status((unit,)), path)
    sheet = openpyxl.load_workbook(path)["Tình hình nộp"]
    assert _rows_by_code(sheet)["02"]["Ghi chú"].value == "nhận ngoài e-mail"


def test_columns_are_sized_to_content_and_capped(sheet):
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABDLN"}
    assert widths["B"] >= len("Thừa Thiên Huế")
    assert widths["D"] >= len("dd/mm/yyyy hh:mm")
    assert widths["A"] < widths["B"]
    assert all(width <= 60 for width in widths.values())


def test_long_text_does_not_widen_a_column_past_the_cap(tmp_path):
    unit = _unit("01", "Hà Nội " * 40, MISSING)
    path = tmp_path / "wide.xlsx"
    write_status_xlsx(_status((unit,)), path)
    assert openpyxl.load_workbook(path)["Tình hình nộp"].column_dimensions["B"].width == 60


def test_legend_sheet_explains_every_status(book):
    assert book.sheetnames == ["Tình hình nộp", "Chú thích"]
    legend = book["Chú thích"]
    explained = {row[2]: row[1] for row in legend.iter_rows(min_row=2, values_only=True) if row[2] in STATUSES}
    assert set(explained) == set(STATUSES)
    assert all(sentence and sentence.endswith(".") for sentence in explained.values())


LETTER_SECTIONS = [
    {"key": "results", "number": "1a", "title": "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019"},
    {"key": "plan", "number": "2a", "title": "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"},
]


def test_missing_sections_and_the_legend_quote_the_letter_with_its_years(tmp_path):
    status = _status((_unit("46", "Thừa Thiên Huế", LATE, received=datetime(2019, 12, 16, 3, 0, tzinfo=UTC),
                            missing=("results", "plan", "proposals")),))
    status.campaign.sections = LETTER_SECTIONS
    path = tmp_path / "letter.xlsx"
    write_status_xlsx(status, path)
    book = openpyxl.load_workbook(path)
    assert _rows_by_code(book["Tình hình nộp"])["46"]["Thiếu mục"].value == (
        "1a) Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019; "
        "2a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020; "
        "2b) Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ")
    legend = list(book["Chú thích"].values)
    start = legend.index(("Các mục báo cáo theo công văn", None, None))
    assert legend[start + 1:start + 6] == [
        ("1a", "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019", "results"),
        ("1b", "Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án", "policies"),
        ("1c", "Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân", "shortcomings"),
        ("2a", "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020", "plan"),
        ("2b", "Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ", "proposals"),
    ]


def test_configured_titles_reach_the_workbook_when_given(tmp_path):
    status = _status((_unit("22", "Quảng Ninh", ON_TIME, received=datetime(2019, 12, 12, 2, 0, tzinfo=UTC),
                            missing=("plan",)),))
    path = tmp_path / "configured.xlsx"
    write_status_xlsx(status, path, outline=[OutlineItem("plan", "II", "Kế hoạch năm 2020")])
    assert _rows_by_code(openpyxl.load_workbook(path)["Tình hình nộp"])["22"]["Thiếu mục"].value == (
        "II) Kế hoạch năm 2020")


def test_writes_to_a_binary_stream(status, xlsx):
    out = io.BytesIO()
    write_status_xlsx(status, out)
    streamed = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Tình hình nộp"]
    on_disk = openpyxl.load_workbook(xlsx)["Tình hình nộp"]
    assert list(streamed.values) == list(on_disk.values)


def test_an_empty_campaign_still_has_a_filterable_header(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_status_xlsx(_status(()), path)
    sheet = openpyxl.load_workbook(path)["Tình hình nộp"]
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:O{HEADER_ROW}"


def test_libreoffice_opens_it_and_keeps_the_vietnamese_names(tmp_path, xlsx, status):
    soffice = require_tool("soffice", "to prove LibreOffice opens the status workbook")
    out = tmp_path / "csv"
    profile = (tmp_path / "profile").as_uri()
    # 44,34,76: comma, double quote, UTF-8 — the first sheet as shown on screen.
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(xlsx)],
        capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader((out / "status.csv").read_text(encoding="utf-8").splitlines()))
    header_at = next(index for index, row in enumerate(rows) if row and row[0] == "Mã")
    assert rows[header_at] == HEADERS
    units = {row[0]: row for row in rows[header_at + 1:]}
    assert [row[1] for row in units.values()] == [unit.name for unit in status.units]
    assert units["46"][1] == "Thừa Thiên Huế"
    assert units["46"][2] == "Muộn"
    assert units["01"][3] == "12/12/2019 09:14"
