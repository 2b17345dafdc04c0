"""PDF reading: text in reading order, tables, running headers, stamps, legacy text, scans, errors."""

from __future__ import annotations

import pytest
from PIL import Image

from parsers.documents import pdf as pdf_module
from parsers.documents import stamps
from parsers.documents.limits import Limits
from parsers.documents.model import BlockKind, Document, Region
from parsers.documents.pdf import read_pdf
from parsers.vietnamese import fold
from reportbox.errors import DocumentError
from tests.parsers.documents import pdf_fixtures as fx
from tests.servers.availability import require_tool

NO_OCR = Limits(ocr=False)


@pytest.fixture(scope="module")
def report() -> Document:
    return read_pdf(fx.report_pdf(), "bao-cao.pdf", NO_OCR)


def body(document: Document) -> list[str]:
    return [block.text for block in document.blocks if block.region == Region.BODY and block.kind != BlockKind.TABLE]


def reason_of(data: bytes, limits: Limits = NO_OCR) -> str:
    with pytest.raises(DocumentError) as caught:
        read_pdf(data, "x.pdf", limits)
    return caught.value.reason


# --- Text, reading order, paragraphs -------------------------------------------------------------
def test_report_text_comes_in_reading_order_with_pages(report):
    assert report.pages == 3 and report.error is None and not report.ocr
    assert body(report)[:4] == [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "I. TÌNH HÌNH CHUNG",
    ]
    headings = [block.page for block in report.blocks if block.text.startswith(("I. ", "II. ", "III. "))]
    assert headings == [1, 2, 3]
    assert [block.text for block in report.blocks if block.page == 3 and block.region == Region.BODY][0] == \
        "III. Kiến nghị, đề xuất"


def test_wrapped_lines_are_joined_into_one_paragraph_but_headings_stay_apart(report):
    paragraph = fx.REPORT_PAGES[0][4]
    assert paragraph in body(report)  # it wraps over three lines on the page
    assert "I. TÌNH HÌNH CHUNG" in body(report)
    assert fx.REPORT_PAGES[2][1] in body(report)  # "... trung" / "hạn." on two lines


# --- Running headers and footers -----------------------------------------------------------------
def test_repeated_header_and_page_numbers_leave_the_body(report):
    headers = [(block.page, block.text) for block in report.blocks if block.region == Region.HEADER]
    footers = [(block.page, block.text) for block in report.blocks if block.region == Region.FOOTER]
    assert headers == [(1, fx.HEADER_LINE), (2, fx.HEADER_LINE), (3, fx.HEADER_LINE)]
    assert footers == [(1, "Trang 1"), (2, "Trang 2"), (3, "Trang 3")]
    assert fx.HEADER_LINE not in report.text and "Trang 2" not in report.text


@pytest.mark.parametrize("style", ["- {} -", "{}", "Trang {}/3"])
def test_page_number_styles_are_footers(style):
    document = read_pdf(fx.text_pdf(fx.REPORT_PAGES, page_numbers=style), "x.pdf", NO_OCR)
    footers = [block.text for block in document.blocks if block.region == Region.FOOTER]
    assert footers == [style.format(n) for n in (1, 2, 3)]
    assert body(document)[0] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"


def test_numbered_headings_at_the_top_of_every_page_stay_in_the_body():
    document = read_pdf(fx.long_text_pdf(4), "x.pdf", NO_OCR)
    assert [text for text in body(document) if "KẾT QUẢ" in text] == \
        [f"{n}. KẾT QUẢ THỰC HIỆN NHIỆM VỤ" for n in (1, 2, 3, 4)]
    assert {block.text for block in document.blocks if block.region == Region.HEADER} == {fx.HEADER_LINE}


def test_a_single_page_keeps_its_first_line_even_without_repetition():
    document = read_pdf(fx.text_pdf([fx.REPORT_PAGES[0]]), "x.pdf", NO_OCR)
    assert body(document)[0] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    assert all(block.region == Region.BODY for block in document.blocks)


# --- Tables --------------------------------------------------------------------------------------
def test_ruled_table_comes_out_as_rows_in_its_place(report):
    tables = [block for block in report.blocks if block.kind == BlockKind.TABLE]
    assert len(tables) == 1
    table = tables[0]
    assert table.page == 2 and table.table.rows == fx.TABLE_ROWS
    assert "24.744" in table.text and "68,8%" in table.text
    page_two = [block.text[:20] for block in report.blocks if block.page == 2 and block.region == Region.BODY]
    assert page_two == ["II. KẾT QUẢ THỰC HIỆ", "Tổng sản phẩm trên đ", table.text[:20], "Các chỉ tiêu chủ yếu"]


def test_table_cells_are_not_repeated_as_paragraphs(report):
    assert not [text for text in body(report) if "24.744" in text or "Số hộ được hỗ trợ" in text]


def test_pages_without_ruling_never_start_pdfplumber(monkeypatch):
    def refuse(self, index):
        raise AssertionError(f"pdfplumber asked for page {index + 1}")

    monkeypatch.setattr(pdf_module._TableFinder, "_tables", refuse)
    document = read_pdf(fx.report_pdf(with_table=False), "x.pdf", NO_OCR)
    assert document.pages == 3 and not document.notes
    assert not [block for block in document.blocks if block.kind == BlockKind.TABLE]


def test_a_table_pdfplumber_chokes_on_costs_the_table_not_the_text(monkeypatch):
    def broken(self, index):
        raise ValueError("bad content stream")

    monkeypatch.setattr(pdf_module._TableFinder, "_tables", broken)
    document = read_pdf(fx.report_pdf(), "x.pdf", NO_OCR)
    assert document.notes == ("tables on page 2 could not be read (ValueError)",)
    assert any("24.744" in text for text in body(document))


# --- Signature stamps ----------------------------------------------------------------------------
def test_signature_stamp_is_recognised_and_kept_out_of_the_body(report):
    assert len(report.signatures) == 1
    stamp = report.signatures[0]
    assert stamp.signer == "Ủy ban Nhân dân tỉnh Quảng Ninh"
    assert stamp.email == "ubnd@quangninh.gov.vn"
    assert stamp.organisation == "Tỉnh Quảng Ninh"
    assert stamp.signed_at == "12.12.2019 09:14:03 +07:00"
    assert stamp.page == 3 and stamp.text == "\n".join(fx.STAMP_LINES)
    assert "Người ký" not in report.text and "ubnd@quangninh" not in report.text
    assert [block.text for block in report.blocks if block.region == Region.STAMP] == [stamp.text]


def test_stamp_drawn_in_an_annotation_is_read_too():
    document = read_pdf(fx.stamp_annotation_pdf(), "x.pdf", NO_OCR)
    assert [stamp.signer for stamp in document.signatures] == ["Ủy ban Nhân dân tỉnh Quảng Ninh"]
    assert "Người ký" not in document.text
    assert body(document)[0] == "III. Kiến nghị, đề xuất"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Ký bởi: Sở Kế hoạch và Đầu tư", "Ngày ký: 20.12.2019 15:01:22 +07:00"],
         ("Sở Kế hoạch và Đầu tư", None, None, "20.12.2019 15:01:22 +07:00")),
        (["Nguoi ky: So Tai chinh", "Email: stc@quangninh.gov.vn", "Co quan: Tinh Quang Ninh",
          "Thoi gian ky: 12.12.2019"],
         ("So Tai chinh", "Tinh Quang Ninh", "stc@quangninh.gov.vn", "12.12.2019")),
        (["Người ký: Ủy ban nhân dân tỉnh", "Quảng Ninh", "Email: ubnd@quangninh.gov.vn Cơ quan: Tỉnh Quảng Ninh",
          "Thời gian ký: 12.12.2019", "09:14:03 +07:00"],
         ("Ủy ban nhân dân tỉnh Quảng Ninh", "Tỉnh Quảng Ninh", "ubnd@quangninh.gov.vn",
          "12.12.2019 09:14:03 +07:00")),
    ],
)
def test_stamp_variants(lines, expected):
    found = stamps.find_stamps(["Kiến nghị, đề xuất", *lines, "Nơi nhận:"], page=4)
    assert [(each.start, each.end) for each in found] == [(1, 1 + len(lines))]
    stamp = found[0].stamp
    assert (stamp.signer, stamp.organisation, stamp.email, stamp.signed_at) == expected
    assert stamps.page_may_have_stamp("\n".join(lines))


def test_letterhead_contact_lines_are_not_a_stamp():
    lines = ["SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "Email: skhdt@quangninh.gov.vn", "Cơ quan: Tỉnh Quảng Ninh"]
    assert stamps.find_stamps(lines) == []
    assert not stamps.page_may_have_stamp("\n".join(lines))


def test_ocr_paragraph_breaks_inside_a_stamp_are_passed_over_but_a_table_is_a_break():
    lines = ["Người ký: Ủy ban Nhân dân tỉnh Quảng Ninh", "", "Thời gian ký: 12.12.2019", ""]
    assert [(each.start, each.end) for each in stamps.find_stamps(lines)] == [(0, 3)]
    assert stamps.find_stamps(["Người ký: Ủy ban Nhân dân tỉnh Quảng Ninh", None, "Thời gian ký: 12.12.2019"]) == []


def test_two_stamps_one_after_the_other_are_two_signatures():
    lines = ["Người ký: Sở Tài chính", "Thời gian ký: 10.12.2019", "Người ký: UBND tỉnh", "Thời gian ký: 12.12.2019"]
    assert [each.stamp.signer for each in stamps.find_stamps(lines)] == ["Sở Tài chính", "UBND tỉnh"]


# --- Legacy encodings ----------------------------------------------------------------------------
def test_tcvn3_text_layer_is_converted():
    document = read_pdf(fx.tcvn3_pdf(), "x.pdf", NO_OCR)
    assert document.legacy_encoding == "tcvn3"
    assert body(document) == list(fx.TCVN3_LINES)


# --- Scans and OCR -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scanned() -> bytes:
    return fx.scanned_pdf([fx.text_image()])


@pytest.fixture(scope="module")
def scanned_read(scanned) -> Document:
    require_tool("tesseract", "to OCR scanned PDF pages")
    return read_pdf(scanned, "scan.pdf", Limits(ocr_dpi=200))


def test_scanned_page_is_ocrd(scanned_read):
    assert scanned_read.ocr and scanned_read.pages == 1 and scanned_read.error is None
    assert scanned_read.ocr_confidence is not None and scanned_read.ocr_confidence > 0.5
    folded = fold(scanned_read.text)
    for words in ("uy ban nhan dan tinh quang ninh", "ket qua thuc hien nhiem vu", "kien nghi, de xuat"):
        assert words in folded
    assert all(block.page == 1 for block in scanned_read.blocks)


def test_scan_without_ocr_needs_ocr_and_still_counts_pages(scanned):
    document = read_pdf(scanned, "scan.pdf", NO_OCR)
    assert document.error == "needs_ocr" and document.pages == 1 and document.detail
    assert document.blocks == ()


def test_scan_in_which_ocr_finds_no_text_failed_not_needs_ocr():
    require_tool("tesseract", "to OCR a blank scanned page")
    blank = fx.scanned_pdf([Image.new("L", (1200, 1600), 255)])
    document = read_pdf(blank, "scan.pdf", Limits(ocr_dpi=150))
    assert (document.error, document.pages, document.blocks) == ("ocr_failed", 1, ())
    assert "found no text" in document.detail
    assert read_pdf(blank, "scan.pdf", NO_OCR).error == "needs_ocr"  # OCR off here: ours, not the sender's


def test_signed_scan_is_ocrd_and_keeps_one_stamp():
    require_tool("tesseract", "to OCR a scan that was signed after scanning")
    # The scan is long enough for the stamp to sit below its text, where OCR reads it too.
    scan = fx.scanned_pdf([fx.text_image((*fx.SCAN_LINES, "", "", ""))])
    document = read_pdf(fx.stamp_annotation_pdf(scan), "scan.pdf", Limits(ocr_dpi=200))
    assert document.ocr and "kien nghi, de xuat voi bo ke hoach" in fold(document.text)
    assert [stamp.signer for stamp in document.signatures] == ["Ủy ban Nhân dân tỉnh Quảng Ninh"]
    assert "nguoi ky" not in fold(document.text)


def test_signed_scan_without_ocr_needs_ocr_but_keeps_its_signature(scanned):
    document = read_pdf(fx.stamp_annotation_pdf(scanned), "scan.pdf", NO_OCR)
    assert document.error == "needs_ocr" and document.pages == 1
    assert [stamp.signed_at for stamp in document.signatures] == ["12.12.2019 09:14:03 +07:00"]


def test_mixed_document_ocrs_only_its_scanned_page():
    require_tool("tesseract", "to OCR the scanned page of a mixed PDF")
    document = read_pdf(fx.mixed_pdf(), "x.pdf", Limits(ocr_dpi=200))
    assert document.ocr and document.notes[0] == "1 of 2 pages OCR'd"
    assert body(document)[0] == "III. Kiến nghị, đề xuất"
    assert {block.page for block in document.blocks} == {1, 2}
    assert "kien nghi, de xuat voi bo ke hoach" in fold(" ".join(b.text for b in document.blocks if b.page == 2))


def test_mixed_document_without_ocr_keeps_its_text_and_says_what_was_left():
    document = read_pdf(fx.mixed_pdf(), "x.pdf", NO_OCR)
    assert document.error is None and not document.ocr and document.pages == 2
    assert body(document)[0] == "III. Kiến nghị, đề xuất"
    assert document.notes == ("1 scanned pages have no text layer and were not OCR'd",)


def test_ocr_stops_at_the_page_limit():
    require_tool("tesseract", "to OCR scanned PDF pages")
    image = fx.text_image(fx.SCAN_LINES[:1])
    document = read_pdf(fx.scanned_pdf([image, image]), "x.pdf", Limits(ocr_dpi=150, ocr_max_pages=1))
    assert document.ocr and {block.page for block in document.blocks} == {1}
    assert "1 scanned pages were not OCR'd (limit 1)" in document.notes


# --- Errors --------------------------------------------------------------------------------------
def test_password_protected_pdf_is_encrypted():
    assert reason_of(fx.encrypted_pdf("mat-khau")) == "encrypted"


def test_pdf_encrypted_with_an_empty_user_password_is_read():
    document = read_pdf(fx.encrypted_pdf(""), "x.pdf", NO_OCR)
    assert body(document) == ["KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"]


def test_truncated_pdf_is_corrupt():
    data = fx.report_pdf()
    assert reason_of(data[: len(data) // 2]) == "corrupt"


def test_garbage_is_corrupt():
    assert reason_of(b"%PDF-1.7\n" + bytes(range(256)) * 20) == "corrupt"
    assert reason_of(b"not a pdf at all") == "corrupt"


def test_too_many_pages_is_too_large():
    assert reason_of(fx.blank_pages_pdf(5), Limits(max_pages=4)) == "too_large"
    assert read_pdf(fx.blank_pages_pdf(4), "x.pdf", Limits(max_pages=4)).pages == 4


def test_dispatcher_keeps_the_page_count_of_a_scan_that_needs_ocr(scanned):
    from parsers.documents.read import read_document

    document = read_document(scanned, "scan.pdf", "pdf", NO_OCR)
    assert (document.error, document.pages, document.kind, document.size) == ("needs_ocr", 1, "pdf", len(scanned))
