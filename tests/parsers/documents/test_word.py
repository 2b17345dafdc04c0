"""word.read_docx: reading order, headings, numbering, tables, text boxes, legacy fonts, broken files."""

from __future__ import annotations

import time
import unicodedata

import pytest

from parsers.documents.limits import Limits
from parsers.documents.model import BlockKind, Region
from parsers.documents.read import read_document
from parsers.documents.word import read_docx
from parsers.documents.word_styles import _format_number
from reportbox.errors import DocumentError
from tests.parsers.documents import word_fixtures as fx

LIMITS = Limits()


@pytest.fixture(scope="module")
def report():
    return read_docx(fx.report_docx(), "bao-cao.docx", LIMITS)


@pytest.fixture(scope="module")
def styled():
    return read_docx(fx.styled_lists_docx(), "bao-cao.docx", LIMITS)


def _body(document):
    return [block for block in document.blocks if block.region == Region.BODY]


def test_body_blocks_come_in_reading_order_with_their_numbering(report):
    shown = [(block.kind, block.numbering, block.text.splitlines()[0]) for block in _body(report)]
    assert shown == [
        (BlockKind.TABLE, None, "ỦY BAN NHÂN DÂN"),
        (BlockKind.HEADING, None, "BÁO CÁO"),
        (BlockKind.PARAGRAPH, None, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"),
        (BlockKind.PARAGRAPH, "I.", "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"),
        (BlockKind.PARAGRAPH, "1.", "Công tác chỉ đạo, điều hành"),
        (BlockKind.PARAGRAPH, "1.1.", "Kết quả đạt được"),
        (BlockKind.PARAGRAPH, "1.2.", "Tồn tại, hạn chế"),
        (BlockKind.PARAGRAPH, "2.", "Phát triển kinh tế"),
        (BlockKind.PARAGRAPH, "a)", "Tổng sản phẩm trên địa bàn tăng 12,1%"),
        (BlockKind.PARAGRAPH, "b)", "Thu ngân sách đạt 24.744 tỷ đồng"),
        (BlockKind.PARAGRAPH, None, "Tỉnh đã hoàn thành các chỉ tiêu chủ yếu."),
        (BlockKind.PARAGRAPH, "II.", "KIẾN NGHỊ, ĐỀ XUẤT"),
        (BlockKind.PARAGRAPH, "1.", "Đề nghị Chính phủ hỗ trợ vốn"),  # a list restarted by startOverride
        (BlockKind.HEADING, None, "Phương hướng nhiệm vụ năm 2020"),
        (BlockKind.HEADING, None, "Các giải pháp chủ yếu"),
        (BlockKind.HEADING, None, "Mục tiêu tổng quát"),
        (BlockKind.PARAGRAPH, None, "Nội dung trong điều khiển nội dung"),  # inside a content control
        (BlockKind.TABLE, None, "Chỉ tiêu\tNăm 2019\tNăm 2019"),
        (BlockKind.TABLE, None, "Nơi nhận:"),
    ]


def test_numbering_is_kept_out_of_the_text(report):
    roman = next(block for block in report.blocks if block.numbering == "II.")
    assert roman.text == "KIẾN NGHỊ, ĐỀ XUẤT"
    assert roman.display_text == "II. KIẾN NGHỊ, ĐỀ XUẤT"
    assert "II." not in report.text and "1.1." not in report.text


def test_headings_take_their_level_from_the_style_or_the_outline_level(report):
    headings = {block.text: (block.level, block.style) for block in report.blocks if block.kind == BlockKind.HEADING}
    assert headings == {
        "BÁO CÁO": (None, "Title"),
        "Phương hướng nhiệm vụ năm 2020": (1, "Heading 1"),
        "Các giải pháp chủ yếu": (2, "Heading 2"),
        "Mục tiêu tổng quát": (2, "Normal"),  # w:outlineLvl 1 on a Normal paragraph
    }


def test_bold_is_set_only_when_the_whole_paragraph_is_bold(report):
    bold = [block.text for block in _body(report) if block.bold and block.kind == BlockKind.PARAGRAPH]
    assert bold == ["KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"]


def test_letterhead_and_signature_tables_keep_their_cells(report):
    tables = [block.table for block in report.blocks if block.kind == BlockKind.TABLE]
    assert tables[0].rows == (
        ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
        ("Số: 123/BC-UBND", "Quảng Ninh, ngày 15 tháng 12 năm 2019"),
    )
    assert tables[1].rows == (("Chỉ tiêu", "Năm 2019", "Năm 2019"), ("GRDP", "12,1", "%"))  # merged cell repeated
    assert tables[2].rows[0][1] == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Thắng"
    assert all(b.text == b.table.text for b in report.blocks if b.kind == BlockKind.TABLE)


def test_a_text_box_is_read_once_where_it_is_anchored(report):
    texts = [(block.region, block.text) for block in report.blocks]
    box = (Region.TEXTBOX, "Nơi nhận: Bộ Kế hoạch và Đầu tư")
    assert texts.count(box) == 1  # the VML fallback repeats it: not read
    anchor = texts.index((Region.BODY, "Tỉnh đã hoàn thành các chỉ tiêu chủ yếu."))
    assert texts[anchor + 1] == box
    assert "Nơi nhận: Bộ Kế hoạch" not in report.text.split("\n")


def test_headers_and_footers_come_first_and_last_each_once(report):
    assert report.blocks[0].region == Region.HEADER
    assert report.blocks[0].text == "Báo cáo kết quả năm 2019 - UBND tỉnh Quảng Ninh"
    assert [b.region for b in report.blocks].count(Region.HEADER) == 1  # first-page header has the same text
    assert (report.blocks[-1].region, report.blocks[-1].text) == (Region.FOOTER, "Trang chân: Văn phòng UBND tỉnh")
    assert "Trang chân" not in report.text


def test_numbering_through_styles_restarts_deeper_levels(styled):
    shown = [(block.kind, block.numbering, block.level, block.text) for block in styled.blocks[:9]]
    assert shown == [
        (BlockKind.HEADING, "I.", 1, "Đánh giá tình hình thực hiện"),  # Heading 1 style linked to the roman list
        (BlockKind.PARAGRAPH, "1.", None, "Kinh tế"),
        (BlockKind.PARAGRAPH, "1.1.", None, "Nông nghiệp"),
        (BlockKind.PARAGRAPH, "2.", None, "Xã hội"),
        (BlockKind.PARAGRAPH, "2.1.", None, "Giáo dục"),
        (BlockKind.PARAGRAPH, None, None, "Hoàn thành kế hoạch"),  # a bullet: no numbering
        (BlockKind.PARAGRAPH, "1.", None, "Chỉ tiêu thứ nhất"),
        (BlockKind.PARAGRAPH, "2.", None, "Chỉ tiêu thứ hai"),
        (BlockKind.HEADING, "II.", 1, "Kiến nghị, đề xuất"),
    ]


def test_text_is_nfc_and_nested_tables_are_flattened(styled):
    paragraph = styled.blocks[9]
    assert paragraph.text == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert unicodedata.is_normalized("NFC", paragraph.text)
    assert styled.blocks[10].table.rows == (("Biểu số 01", "Dân số\t1.320.324"),)


@pytest.mark.parametrize(("number", "fmt", "shown"), [
    (4, "upperRoman", "IV"), (1994, "upperRoman", "MCMXCIV"), (9, "lowerRoman", "ix"),
    (1, "lowerLetter", "a"), (27, "lowerLetter", "aa"), (3, "upperLetter", "C"),
    (7, "decimalZero", "07"), (12, "decimal", "12"), (5, "bullet", ""),
])
def test_number_formats(number, fmt, shown):
    assert _format_number(number, fmt) == shown


def test_tcvn3_document_comes_out_as_unicode():
    document = read_docx(fx.legacy_docx(soft_hyphen_element=True), "bc.docx", LIMITS)
    assert document.legacy_encoding == "tcvn3"
    assert [block.text for block in document.blocks] == [
        "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",  # .VnTimeH: capitals in the lower-case slots
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "Tăng trưởng kinh tế đạt 12,1%, vượt kế hoạch",  # ư is 0xAD, the soft hyphen
        "Trường học",  # ư stored as Word's optional-hyphen element
        "Chỉ tiêu\tKết quả\nGRDP\t12,1",
    ]
    assert document.blocks[0].bold


def test_vni_document_comes_out_as_unicode_and_unicode_text_is_left_alone():
    document = read_docx(fx.vni_docx(), "bc.docx", LIMITS)
    assert document.legacy_encoding == "vni"
    assert [block.text for block in document.blocks] == [
        "Cộng hòa xã hội chủ nghĩa Việt Nam", "Báo cáo bằng Unicode, phông Times New Roman"]


def test_a_unicode_document_has_no_legacy_encoding(report):
    assert report.legacy_encoding is None


@pytest.mark.parametrize("broken", [
    pytest.param(lambda: fx.report_docx()[:3000], id="truncated"),
    pytest.param(lambda: fx.zip_bytes({"bao-cao.txt": "Báo cáo".encode()}), id="zip-not-docx"),
    pytest.param(lambda: fx.with_member(fx.report_docx(), "word/document.xml", b"<w:document><w:body>"), id="bad-xml"),
    pytest.param(lambda: b"Kinh gui So Ke hoach va Dau tu", id="not-a-zip"),
])
def test_damaged_files_are_corrupt(broken):
    with pytest.raises(DocumentError) as caught:
        read_docx(broken(), "bc.docx", LIMITS)
    assert caught.value.reason == "corrupt"


def test_a_docx_that_inflates_past_the_limit_is_too_large_before_it_is_parsed():
    bomb = fx.with_member(fx.report_docx(), "word/document.xml", b" " * 3_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(DocumentError) as caught:
        read_docx(bomb, "bc.docx", Limits(max_file_bytes=4_000_000))
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize("data", [fx.encrypted_docx(), fx.word_binary(encrypted=True)], ids=["docx", "doc-named-docx"])
def test_password_protected_files_are_encrypted(data):
    with pytest.raises(DocumentError) as caught:
        read_docx(data, "bc.docx", LIMITS)
    assert caught.value.reason == "encrypted"


def test_the_dispatcher_records_the_reason_on_the_document():
    document = read_document(fx.encrypted_docx(), "bc.docx", "docx", LIMITS)
    assert (document.error, document.blocks) == ("encrypted", ())
    assert "password" in document.detail


def test_a_forty_page_report_reads_quickly():
    data = fx.long_docx(40)
    started = time.perf_counter()
    document = read_docx(data, "bc.docx", LIMITS)
    elapsed = time.perf_counter() - started
    assert len(document.blocks) == 40 * 14
    assert [b.numbering for b in document.blocks if b.numbering][-1] == "40."
    assert elapsed < 2.0, f"{elapsed:.2f} s for 40 pages (about 0.05 s expected)"


def test_a_macro_enabled_document_is_read_like_a_docx():
    data = fx.report_docx()
    types = fx.member(data, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
    assert b"macroEnabled" in types
    document = read_docx(fx.with_member(data, "[Content_Types].xml", types), "bc.docm", LIMITS)
    assert [b.numbering for b in document.blocks if b.numbering][:2] == ["I.", "1."]
    assert document.blocks[0].region == Region.HEADER


def test_a_document_without_a_body_is_corrupt():
    empty = f'<w:document xmlns:w="{fx.W_NS}"/>'.encode()
    with pytest.raises(DocumentError) as caught:
        read_docx(fx.with_member(fx.report_docx(), "word/document.xml", empty), "bc.docx", LIMITS)
    assert caught.value.reason == "corrupt"


def test_tcvn3_is_found_by_its_text_when_the_font_name_was_lost():
    document = read_docx(fx.unnamed_font_docx(), "bc.docx", LIMITS)
    assert [block.text for block in document.blocks] == ["Trường học được xây dựng mới trong năm", "Tỉnh Quảng Ninh"]
    assert document.legacy_encoding == "tcvn3"


def test_vietnamese_heading_style_names_make_headings():
    document = read_docx(fx.vietnamese_heading_styles_docx(), "bc.docx", LIMITS)
    assert [(b.kind, b.level, b.style) for b in document.blocks] == [
        (BlockKind.HEADING, 2, "Tiêu đề 2"), (BlockKind.HEADING, 3, "Đầu đề 3"), (BlockKind.HEADING, None, "Tiêu đề")]


@pytest.mark.parametrize(("offset", "value"), [(0x30, 999), (512 + 4, 1)], ids=["outside", "loop"])
def test_a_hostile_ole_container_is_refused_quickly(offset, value):
    """The directory's sector chain points past the end, or back at itself (reading stays bounded)."""
    broken = bytearray(fx.encrypted_docx())
    broken[offset: offset + 4] = value.to_bytes(4, "little")
    started = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        read_docx(bytes(broken), "bc.docx", LIMITS)
    assert caught.value.reason == ("corrupt" if value == 999 else "encrypted")
    assert time.perf_counter() - started < 1.0
