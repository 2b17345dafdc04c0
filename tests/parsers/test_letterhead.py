import datetime

import pytest

from parsers.letterhead import is_motto_line, letterhead_extent, parse_letterhead
from tests.parsers.report_texts import as_pdf_lines, covering_letter, letterhead, para, roman_five, table

ISSUER = ("UBND TỈNH QUẢNG NINH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
SUBJECT = "Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020"


def lines(*texts: str):
    return [para(t) for t in texts]


def test_table_letterhead_of_a_report():
    head = parse_letterhead(letterhead())
    assert head is not None
    assert head.issuer_lines == ISSUER
    assert (head.number, head.doc_type_code) == ("1234/BC-SLĐTBXH", "BC")
    assert head.place == "Quảng Ninh"
    assert head.date_text == "ngày 12 tháng 12 năm 2019"
    assert head.date == datetime.date(2019, 12, 12)
    assert (head.title, head.subject) == ("BÁO CÁO", SUBJECT)
    assert "Số: 1234/BC-SLĐTBXH" in head.evidence and "Độc lập - Tự do - Hạnh phúc" in head.evidence
    assert not head.is_letter


def test_pdf_lines_interleave_the_two_columns_and_read_the_same():
    blocks = as_pdf_lines(letterhead())
    assert blocks[1].text == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # the columns really are interleaved
    head = parse_letterhead(blocks)
    assert head is not None
    assert head.issuer_lines == ISSUER
    assert (head.number, head.place, head.date, head.title, head.subject) == (
        "1234/BC-SLĐTBXH", "Quảng Ninh", datetime.date(2019, 12, 12), "BÁO CÁO", SUBJECT
    )


def test_letterhead_takes_up_the_title_subject_and_rule_but_not_the_body():
    blocks = roman_five()
    assert letterhead_extent(blocks)[1] == 4
    assert blocks[4].text.startswith("Thực hiện Công văn số 5025")
    assert letterhead_extent(as_pdf_lines(letterhead()))[1] == len(as_pdf_lines(letterhead()))


def test_columns_run_together_on_one_line_without_tone_marks_and_a_blank_day():
    head = parse_letterhead(lines(
        "UBND TINH QUANG NINH CONG HOA XA HOI CHU NGHIA VIET NAM",
        "SO LAO DONG - THUONG BINH VA XA HOI Doc lap - Tu do - Hanh phuc",
        "So:    /BC-SLDTBXH Quang Ninh, ngay     thang 12 nam 2019",
        "BAO CAO",
        "Ket qua thuc hien nhiem vu nam 2019",
        "I. KET QUA THUC HIEN",
    ))
    assert head is not None
    assert head.issuer_lines == ("UBND TINH QUANG NINH", "SO LAO DONG - THUONG BINH VA XA HOI")
    assert (head.number, head.doc_type_code, head.place) == ("/BC-SLDTBXH", "BC", "Quang Ninh")
    assert (head.year, head.month, head.day, head.date) == (2019, 12, None, None)
    assert (head.title, head.subject) == ("BÁO CÁO", "Ket qua thuc hien nhiem vu nam 2019")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Hà Giang, ngày 12/12/2019", ("Hà Giang", 2019, 12, 12)),
        ("Hà Giang, ngày 05-01-2020", ("Hà Giang", 2020, 1, 5)),
        ("HÀ GIANG, NGÀY 5 THÁNG 1 NĂM 2020", ("HÀ GIANG", 2020, 1, 5)),
        ("Hà Giang, ngày ... tháng ... năm 2019", ("Hà Giang", 2019, None, None)),
        ("Thành phố Hồ Chí Minh, ngày 31 tháng 2 năm 2019", ("Thành phố Hồ Chí Minh", 2019, 2, 31)),
    ],
)
def test_dates(line, expected):
    head = parse_letterhead(lines("UBND TỈNH HÀ GIANG", "Số: 88/BC-UBND", line, "BÁO CÁO"))
    assert head is not None
    assert (head.place, head.year, head.month, head.day) == expected
    if expected[3] is None or expected[2] == 2:  # 31 February is written, but is no date
        assert head.date is None


def test_covering_letter_has_a_vv_subject_and_no_type_code():
    head = parse_letterhead(covering_letter())
    assert head is not None
    assert head.title == "CÔNG VĂN" and head.is_letter
    assert (head.number, head.doc_type_code) == ("1235/SLĐTBXH-KHTC", None)
    assert head.subject == "V/v gửi báo cáo kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020"
    assert head.date == datetime.date(2019, 12, 13)
    assert "Kính gửi: Bộ Lao động - Thương binh và Xã hội." in head.evidence


def test_wrapped_vv_line_in_lower_case_issuer_with_noise_and_recipients_list():
    blocks = lines(
        "DỰ THẢO",
        "Ủy ban nhân dân tỉnh Hà Giang",
        "---o0o---",
        "Số: 456/CV-UBND",
        "V/v báo cáo kết quả thực hiện",
        "nhiệm vụ năm 2019",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Độc lập – Tự do – Hạnh phúc",
        "Hà Giang, ngày 20 tháng 12 năm 2019",
        "Kính gửi:",
        "- Bộ Lao động - Thương binh và Xã hội;",
        "- Bộ Kế hoạch và Đầu tư.",
        "Thực hiện Công văn số 5025/LĐTBXH-KHTC, UBND tỉnh báo cáo như sau:",
    )
    head, extent = letterhead_extent(blocks)
    assert head is not None
    assert head.issuer_lines == ("Ủy ban nhân dân tỉnh Hà Giang",)
    assert (head.number, head.doc_type_code, head.title) == ("456/CV-UBND", "CV", "CÔNG VĂN")
    assert head.subject == "V/v báo cáo kết quả thực hiện nhiệm vụ năm 2019"
    assert extent == len(blocks) - 1


def test_title_and_subject_on_one_capital_line():
    head = parse_letterhead(lines(
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Số: 301/BC-UBND", "BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM 2019", "I. KẾT QUẢ"
    ))
    assert head is not None
    assert (head.title, head.subject) == ("BÁO CÁO", "KẾT QUẢ THỰC HIỆN NĂM 2019")


def test_plan_title_and_tờ_trình_code():
    head = parse_letterhead(
        lines("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Số: 12/TTr-SLĐTBXH", "TỜ TRÌNH", "Về việc phê duyệt kế hoạch")
    )
    assert head is not None
    assert (head.doc_type_code, head.title, head.subject) == ("TTr", "TỜ TRÌNH", "Về việc phê duyệt kế hoạch")


@pytest.mark.parametrize(
    "blocks",
    [
        [],
        lines("I. KẾT QUẢ THỰC HIỆN NĂM 2019", "Giải quyết việc làm cho 24.744 lao động."),
        lines("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019", "Năm 2019, kinh tế của tỉnh tăng trưởng 10,7%."),
        [table(("Chỉ tiêu", "Kế hoạch", "Thực hiện"), ("Lao động có việc làm", "24.000", "24.744"))],
    ],
)
def test_no_letterhead(blocks):
    head, extent = letterhead_extent(blocks)
    assert head is None
    assert extent == 0


def test_a_lone_title_is_no_letterhead_but_still_takes_up_its_lines():
    head, extent = letterhead_extent(lines("BÁO CÁO", SUBJECT, "Năm 2019, kinh tế của tỉnh tăng trưởng 10,7%."))
    assert head is None
    assert extent == 2


# --- A narrow letterhead column wraps its lines (a .docx as LibreOffice or Word prints it to PDF) -------
WRAPPED_ISSUER = ("UBND TỈNH BÀ RỊA - VŨNG TÀU", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param((  # LibreOffice: one column after the other, number and date run together on one line
            "UBND TỈNH BÀ RỊA - VŨNG", "TÀU", "SỞ LAO ĐỘNG - THƯƠNG", "BINH VÀ XÃ HỘI",
            "CỘNG HOÀ XÃ HỘI CHỦ", "NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Số: 2802/BC-SLĐTBXH Bà Rịa - Vũng Tàu, ngày 11", "tháng 12 năm 2019",
        ), id="columns-in-turn"),
        pytest.param((  # the two columns interleaved line by line
            "UBND TỈNH BÀ RỊA - VŨNG", "CỘNG HOÀ XÃ HỘI CHỦ", "TÀU", "NGHĨA VIỆT NAM",
            "SỞ LAO ĐỘNG - THƯƠNG", "Độc lập - Tự do -", "BINH VÀ XÃ HỘI", "Hạnh phúc",
            "Số: 2802/BC-SLĐTBXH", "Bà Rịa - Vũng Tàu, ngày 11 tháng 12", "năm 2019",
        ), id="columns-interleaved"),
    ],
)
def test_wrapped_issuer_motto_and_date_are_put_back_together(texts):
    head, extent = letterhead_extent(lines(*texts, "BÁO CÁO", SUBJECT, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
    assert head is not None
    assert head.issuer_lines == WRAPPED_ISSUER
    assert (head.number, head.doc_type_code, head.place) == ("2802/BC-SLĐTBXH", "BC", "Bà Rịa - Vũng Tàu")
    assert (head.date_text, head.date) == ("ngày 11 tháng 12 năm 2019", datetime.date(2019, 12, 11))
    assert (head.title, head.subject) == ("BÁO CÁO", SUBJECT)
    assert "NGHĨA VIỆT NAM" in head.evidence and not any("NGHĨA" in line for line in head.issuer_lines)
    assert extent == len(texts) + 2


@pytest.mark.parametrize(
    "number_line, next_line, expected",
    [
        ("Số: 645/BC-SLĐTBXH Thành phố Hồ Chí Minh, ngày", "13 tháng 12 năm 2019", ("Thành phố Hồ Chí Minh", 13, 12)),
        ("Số: 1515/CV-SLĐTBXH Hà Nội, ngày 7 tháng 12 năm", "2019", ("Hà Nội", 7, 12)),
        ("Số: 1915/BC-SLĐTBXH Quảng Ninh, ngày 3 tháng 12", "năm 2019", ("Quảng Ninh", 3, 12)),
        ("Số: 88/BC-UBND Hà Giang, ngày ... tháng", "12 năm 2019", ("Hà Giang", None, 12)),
    ],
)
def test_a_date_wrapped_anywhere_is_read_whole(number_line, next_line, expected):
    head = parse_letterhead(lines("UBND TỈNH HÀ GIANG", number_line, next_line, "BÁO CÁO"))
    assert head is not None
    assert (head.place, head.day, head.month, head.year) == (*expected, 2019)


def test_a_date_left_unfinished_takes_no_later_line_for_its_end():
    head = parse_letterhead(lines("UBND TỈNH HÀ GIANG", "Số: 88/BC-UBND Hà Giang, ngày", "BÁO CÁO", SUBJECT))
    assert head is not None
    assert (head.date_text, head.place, head.year) == (None, None, None)
    assert (head.title, head.subject) == ("BÁO CÁO", SUBJECT)


def test_issuer_lines_that_each_name_a_body_stay_apart_and_an_area_line_joins_its_body():
    head = parse_letterhead(lines(
        "ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "CÔNG AN TỈNH", "Số: 12/BC-CAT", "BÁO CÁO", SUBJECT
    ))
    assert head is not None
    assert head.issuer_lines == ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "CÔNG AN TỈNH")


@pytest.mark.parametrize(
    "line, following, expected",
    [
        ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", (), True),
        ("CỘNG HOÀ XÃ HỘI CHỦ", ("NGHĨA VIỆT NAM",), True),
        ("UBND TỈNH CÀ MAU CỘNG HOÀ XÃ HỘI", ("SỞ LAO ĐỘNG - THƯƠNG", "CHỦ NGHĨA VIỆT NAM"), True),
        ("Độc lập - Tự do -", ("Hạnh phúc",), True),
        ("CỘNG HOÀ XÃ HỘI CHỦ", ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",), False),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", ("CHỦ NGHĨA VIỆT NAM",), False),
        ("Kinh tế của tỉnh", ("Độc lập - Tự do - Hạnh phúc",), False),
    ],
)
def test_a_motto_line_is_told_by_itself_or_with_the_lines_it_wraps_onto(line, following, expected):
    assert is_motto_line(line, following) is expected


def test_motto_words_ending_a_subject_line_in_lower_case_stay_in_the_subject():
    head = parse_letterhead(lines(
        "UBND TỈNH HÀ GIANG", "Số: 456/CV-UBND", "V/v cơ sở giáo dục nghề nghiệp công lập hoạt động độc lập",
        "Kính gửi: Bộ Lao động - Thương binh và Xã hội",
    ))
    assert head is not None
    assert head.subject == "V/v cơ sở giáo dục nghề nghiệp công lập hoạt động độc lập"
