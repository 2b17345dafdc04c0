"""Spreadsheets: cells as a planner sees them, one table per sheet, hostile and locked workbooks refused."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import openpyxl
import pytest

from parsers.documents import sheets
from parsers.documents.limits import Limits
from parsers.documents.model import BlockKind
from parsers.documents.office_crypto import ole_kind
from parsers.documents.read import read_document
from reportbox.errors import DocumentError
from tests.servers.availability import require_tool

LIMITS = Limits()
HEADER = ("STT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Ngày báo cáo")


def _report_workbook() -> bytes:
    """Two filled sheets (one with a merged title) and one empty sheet."""
    workbook = openpyxl.Workbook()
    results = workbook.active
    results.title = "Kết quả 2019"
    results.append(["KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"])
    results.merge_cells("A1:E1")
    results.append(list(HEADER))
    results.append([1, "Số hộ được hỗ trợ", "hộ", 24744, dt.datetime(2019, 12, 31)])
    results.append([2, "Tỷ lệ hoàn thành", "%", 68.8, dt.date(2020, 1, 15)])
    share = results.cell(row=5, column=4, value=0.688)
    share.number_format = "0.0%"
    results.cell(row=5, column=2, value="Tỷ lệ hộ nghèo giảm")
    workbook.create_sheet("Trống")
    proposals = workbook.create_sheet("Kiến nghị")
    proposals.append(["Kiến nghị, đề xuất"])
    proposals.append(["ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def report_xlsx() -> bytes:
    return _report_workbook()


@pytest.fixture(scope="module")
def report_xls(tmp_path_factory, report_xlsx) -> bytes:
    """The same workbook saved as .xls by LibreOffice (one conversion for the whole module)."""
    soffice = require_tool("soffice", "to write the .xls test workbook")
    folder = tmp_path_factory.mktemp("xls")
    (folder / "report.xlsx").write_bytes(report_xlsx)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "xls",
         "--outdir", str(folder), str(folder / "report.xlsx")],
        check=True, capture_output=True, timeout=180,
    )
    return (folder / "report.xls").read_bytes()


def _check_report(document, kind: str) -> None:
    assert document.error is None, document.detail
    assert [block.kind for block in document.blocks] == [BlockKind.TABLE, BlockKind.TABLE]
    results, proposals = (block.table for block in document.blocks)
    assert results.sheet == "Kết quả 2019" and proposals.sheet == "Kiến nghị"
    assert results.rows[0] == ("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019", "", "", "", "")  # merged: top-left only
    assert results.rows[1] == HEADER
    assert results.rows[2] == ("1", "Số hộ được hỗ trợ", "hộ", "24744", "31/12/2019")
    assert results.rows[3] == ("2", "Tỷ lệ hoàn thành", "%", "68.8", "15/01/2020")
    assert results.rows[4][1:4] == ("Tỷ lệ hộ nghèo giảm", "", "68.8%" if kind == "xlsx" else "0.688")
    assert proposals.rows == (("Kiến nghị, đề xuất",), ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",))
    assert document.blocks[0].text.splitlines()[2] == "1\tSố hộ được hỗ trợ\thộ\t24744\t31/12/2019"


def test_xlsx_sheets_become_tables_with_cells_as_shown(report_xlsx):
    _check_report(sheets.read_xlsx(report_xlsx, "bc.xlsx", LIMITS), "xlsx")


def test_xls_written_by_libreoffice_reads_the_same(report_xls):
    _check_report(sheets.read_xls(report_xls, "bc.xls", LIMITS), "xls")


def test_xls_renamed_to_xlsx_is_still_read(report_xls):
    document = sheets.read_xlsx(report_xls, "bc.xlsx", LIMITS)
    assert document.blocks[0].table.rows[2][3] == "24744"


def test_xlsx_renamed_to_xls_is_still_read(report_xlsx):
    assert sheets.read_xls(report_xlsx, "bc.xls", LIMITS).blocks[0].table.rows[3][3] == "68.8"


def test_legacy_tcvn3_cells_are_converted_per_sheet():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # "Cộng hoà xã hội chủ nghĩa Việt Nam" and "Kết quả thực hiện nhiệm vụ" typed in .VnTime
    sheet.append(["Céng hoµ x· héi chñ nghÜa ViÖt Nam"])
    sheet.append(["KÕt qu¶ thùc hiÖn nhiÖm vô", 24744])
    buffer = io.BytesIO()
    workbook.save(buffer)
    document = sheets.read_xlsx(buffer.getvalue(), "tcvn3.xlsx", LIMITS)
    assert document.legacy_encoding == "tcvn3"
    assert document.blocks[0].table.rows == (
        ("Cộng hoà xã hội chủ nghĩa Việt Nam", ""), ("Kết quả thực hiện nhiệm vụ", "24744"))


def test_rows_after_a_long_empty_gap_are_not_read_and_a_note_says_so():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Kiến nghị, đề xuất"
    sheet.cell(row=1_048_576, column=1, value="far away")  # the dimension now claims a million rows
    buffer = io.BytesIO()
    workbook.save(buffer)
    document = sheets.read_xlsx(buffer.getvalue(), "far.xlsx", LIMITS)
    assert document.blocks[0].table.rows == (("Kiến nghị, đề xuất",),)
    assert any("consecutive empty rows" in note for note in document.notes)


def test_encrypted_xlsx_is_encrypted(report_xlsx):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool writes the encrypted file")
    locked = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(report_xlsx)).encrypt("matkhau", locked)
    assert locked.getvalue().startswith(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DocumentError) as caught:
        sheets.read_xlsx(locked.getvalue(), "locked.xlsx", LIMITS)
    assert caught.value.reason == "encrypted"


def test_encrypted_xls_is_encrypted(report_xls):
    locked = locked_xls(report_xls)
    assert locked != report_xls
    with pytest.raises(DocumentError) as caught:
        sheets.read_xls(locked, "locked.xls", LIMITS)
    assert caught.value.reason == "encrypted"


def locked_xls(report_xls: bytes) -> bytes:
    # Excel marks an encrypted .xls by a FILEPASS record (0x002F) in the workbook globals, starting
    # with its wEncryptionType (1: RC4). The CODEPAGE record (0x0042, 2 bytes) turned into one, in
    # place, is what readers then see.
    at = report_xls.index(b"\x42\x00\x02\x00")
    return report_xls[:at] + b"\x2f\x00\x02\x00\x01\x00" + report_xls[at + 6:]


@pytest.mark.parametrize("name, kind", [
    ("locked.xlsx", "xlsx"),  # an .xls renamed .xlsx: the OLE check sees it before openpyxl or xlrd
    ("locked.doc", "doc"),  # named .doc: it must not reach LibreOffice, which would wait for a password
])  # fmt: skip
def test_an_encrypted_xls_under_another_name_is_encrypted_before_any_reader_opens_it(report_xls, name, kind):
    """The hand-written OLE reader this replaced knew only OOXML packages and .doc files as encrypted:
    such an .xls went on to xlrd or LibreOffice. msoffcrypto-tool reads its FILEPASS record."""
    assert (ole_kind(report_xls), ole_kind(locked_xls(report_xls))) == ("xls", "encrypted")
    document = read_document(locked_xls(report_xls), name, kind, LIMITS)
    assert (document.error, document.blocks) == ("encrypted", ())


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a workbook", b"\x00" * 300, b""])
def test_garbage_xlsx_is_corrupt(data):
    with pytest.raises(DocumentError) as caught:
        sheets.read_xlsx(data, "broken.xlsx", LIMITS)
    assert caught.value.reason == "corrupt"


def test_truncated_xlsx_is_corrupt(report_xlsx):
    with pytest.raises(DocumentError) as caught:
        sheets.read_xlsx(report_xlsx[: len(report_xlsx) // 2], "cut.xlsx", LIMITS)
    assert caught.value.reason == "corrupt"


@pytest.mark.parametrize("data", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, b"garbage" * 100])
def test_garbage_xls_is_corrupt(data):
    with pytest.raises(DocumentError) as caught:
        sheets.read_xls(data, "broken.xls", LIMITS)
    assert caught.value.reason == "corrupt"


def test_xlsx_that_unpacks_past_the_limit_is_too_large(report_xlsx):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report_xlsx)) as source, zipfile.ZipFile(buffer, "w") as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
        bomb.writestr("xl/media/padding.bin", b"\x00" * 3_000_000, compress_type=zipfile.ZIP_DEFLATED)
    small = Limits(max_file_bytes=2_000_000)
    assert len(buffer.getvalue()) < small.max_file_bytes
    with pytest.raises(DocumentError) as caught:
        sheets.read_xlsx(buffer.getvalue(), "bomb.xlsx", small)
    assert caught.value.reason == "too_large"


def test_cell_budget_cuts_a_huge_sheet_with_a_note(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_CELLS", 50)
    workbook = openpyxl.Workbook()
    for row in range(100):
        workbook.active.append([row, "Số hộ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    document = sheets.read_xlsx(buffer.getvalue(), "big.xlsx", LIMITS)
    assert 10 < len(document.blocks[0].table.rows) <= 25
    assert any("cut after" in note for note in document.notes)
