"""Continuations: later parts and supplements of a report, and what only looks like one (parsers.continuation)."""

from __future__ import annotations

import pytest

from parsers.continuation import continuation_mark


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Báo cáo bổ sung năm 2019", 'subject says "bổ sung"'),
        ("BÁO CÁO BỔ SUNG KẾT QUẢ NĂM 2019", 'subject says "BỔ SUNG"'),
        ("Gửi báo cáo phần 2", 'subject says "phần 2"'),
        ("Báo cáo năm 2019 - Phần 2/3", 'subject says "Phần 2/3"'),
        ("Báo cáo năm 2019 (2/3)", 'subject says "(2/3)"'),
        ("Báo cáo năm 2019 3/3", 'subject says "3/3"'),
        ("Annual report part 2", 'subject says "part 2"'),
        ("Báo cáo năm 2019 (tiếp theo)", 'subject says "tiếp theo"'),
        ("Gửi tiếp báo cáo năm 2019", 'subject says "Gửi tiếp"'),
        ("Báo cáo năm 2019 file 2/3", 'subject says "file 2/3"'),
    ],
)
def test_subject_marks_a_continuation(subject, expected):
    assert continuation_mark(subject, ["baocao.docx"]) == expected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("BC_QuangNinh_phan2.docx", 'file name says "phan2"'),
        ("Bao cao nam 2019 - phan 3.pdf", 'file name says "phan 3"'),
        ("bc_bo_sung_2019.xlsx", 'file name says "bo_sung"'),
        ("Báo cáo (2/2).docx", 'file name says "(2/2)"'),
    ],
)
def test_file_name_marks_a_continuation(filename, expected):
    assert continuation_mark("Gửi báo cáo năm 2019", ["phu luc.xlsx", filename]) == expected


def test_the_subject_is_quoted_before_the_file_names():
    assert continuation_mark("Báo cáo bổ sung", ["bc phan 2.doc"]) == 'subject says "bổ sung"'


@pytest.mark.parametrize("subject", ["Báo cáo phần 1", "Báo cáo năm 2019 (1/3)", "Báo cáo 1/2", "Report part 1"])
def test_the_first_part_is_no_continuation(subject):
    assert continuation_mark(subject, []) is None


def test_a_message_holding_part_one_is_whole():
    assert continuation_mark("Báo cáo năm 2019", ["bc phan 1.doc", "bc phan 2.doc"]) is None
    assert continuation_mark("Báo cáo năm 2019 (phần 1)", ["bc phan 2.doc"]) is None
    assert continuation_mark("Báo cáo năm 2019", ["bc phan 2.doc"]) == 'file name says "phan 2"'


@pytest.mark.parametrize(
    "subject",
    [
        "Đề nghị bổ sung kinh phí năm 2020",
        "Đề nghị bổ sung dự toán năm 2020",
        "V/v bổ sung biên chế",
        "Đề nghị bổ sung vốn đầu tư",
        "Bổ sung nguồn kinh phí thực hiện chính sách",
        "Đề nghị bổ sung thêm kinh phí",
        "Thực hiện Nghị định sửa đổi, bổ sung Nghị định 136",
    ],
)
def test_a_request_for_more_money_or_an_amended_law_is_no_supplement(subject):
    assert continuation_mark(subject, []) is None


@pytest.mark.parametrize(
    "subject",
    [
        "Báo cáo ngày 2/3/2020",
        "Báo cáo gửi ngày 02/12/2019",
        "Báo cáo ngày 2/3",
        "Báo cáo theo Công văn 5025/LĐTBXH-KHTC",
        "Thực hiện Nghị định 2/2020",
        "Báo cáo năm học 2019/2020",
        "Báo cáo năm 2019 theo Thông tư 02/2019/TT-BLĐTBXH",
        "Báo cáo phần 2/3/2020",
        "Báo cáo (3/2)",
        "Báo cáo 2/30",
    ],
)
def test_dates_legal_numbers_and_years_are_no_parts(subject):
    assert continuation_mark(subject, []) is None


@pytest.mark.parametrize("subject", ["Phương hướng nhiệm vụ năm tiếp theo", "Kế hoạch giai đoạn tiếp theo"])
def test_the_following_year_is_no_continuation(subject):
    assert continuation_mark(subject, []) is None


@pytest.mark.parametrize(
    "subject", ["Gửi lại báo cáo năm 2019", "Báo cáo thay thế", "Gửi thay thế báo cáo năm 2019", "Báo cáo điều chỉnh"]
)
def test_a_replacement_is_a_new_full_version_not_a_continuation(subject):
    assert continuation_mark(subject, ["bao cao thay the.docx"]) is None


def test_nothing_to_say():
    assert continuation_mark("", []) is None
    assert continuation_mark("Gửi báo cáo năm 2019", ["BC_QuangNinh_2019.docx"]) is None


@pytest.mark.parametrize("subject", ["Báo cáo phần 21", "Báo cáo phần 2/0", "Báo cáo part 0"])
def test_part_numbers_out_of_range_are_no_parts(subject):
    assert continuation_mark(subject, []) is None
