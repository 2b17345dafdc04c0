"""Which provincial department sent a report (parsers.departments), which ones a letter addresses, and
what a report's department means for a campaign: the unit's answer, a part of it, or another report."""

from __future__ import annotations

import pytest

from models.versions import Member, split_versions
from parsers.departments import (
    DEFAULT_DEPARTMENTS,
    UBND,
    canonical_departments,
    department_keys,
    departments_addressed,
    find_department,
    judge_department,
)


@pytest.mark.parametrize("lines, key", [
    (("UBND TỈNH NGHỆ AN", "SỞ Y TẾ"), "y_te"),
    (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HUẾ", "SỞ NỘI VỤ"), "noi_vu"),
    (("SỞ NỘI VỤ TỈNH TUYÊN QUANG",), "noi_vu"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"), "ldtbxh"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI"), "ldtbxh"),
    (("UBND TỈNH LÀO CAI", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"), "gd_dt"),
    (("UBND TỈNH LÀO CAI", "SỞ GD&ĐT"), "gd_dt"),
    (("UBND TỈNH AN GIANG", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"), "nn_mt"),
    (("UBND TỈNH AN GIANG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"), "tn_mt"),
    (("ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"), UBND),
    (("UBND THÀNH PHỐ HÀ NỘI",), UBND),
])
def test_the_letterhead_s_last_issuer_line_names_the_department(lines, key):
    found = find_department(letterheads=[lines], sender="snv@nghean.gov.vn")
    assert (found.key, found.source) == (key, "letterhead") and found.quote in lines


def test_a_department_it_does_not_know_is_no_department_whatever_else_says():
    assert find_department(letterheads=[("UBND TỈNH NGHỆ AN", "SỞ TÀI CHÍNH")], numbers=["12/BC-SYT"],
                           sender="soyte@nghean.gov.vn") is None
    assert find_department(signers=["Sở Tài chính tỉnh Nghệ An"], sender="soyte@nghean.gov.vn") is None


def test_then_a_stamp_s_signer_but_not_a_person_named_in_it():
    found = find_department(signers=["Nguyễn Thị Thanh Hoa", "Sở Y tế tỉnh Nghệ An"], numbers=["45/BC-SNV"])
    assert (found.key, found.source) == ("y_te", "stamp")
    assert find_department(signers=["Trần Bình Định"]) is None


@pytest.mark.parametrize("number, key", [
    ("45/BC-SYT", "y_te"), ("1203/BC-SNV", "noi_vu"), ("88/BC-SLĐTBXH", "ldtbxh"), ("12/SYT-NVY", "y_te"),
    ("/BC-UBND", UBND), ("77/BC-SGDĐT", "gd_dt"), ("9/BC-SNNMT", "nn_mt"),
])
def test_then_the_number_s_symbol(number, key):
    found = find_department(letterheads=[("BÁO CÁO",)], numbers=[number])
    assert (found.key, found.source, found.quote) == (key, "number", number)


def test_the_ministry_s_own_letter_cited_in_the_subject_names_no_department():
    assert find_department(subject="Trả lời Công văn 5025/LĐTBXH-KHTC và 6121/BNV-KHTC") is None
    found = find_department(subject="Báo cáo số 311/BC-SYT ngày 10/12/2026")
    assert (found.key, found.source, found.quote) == ("y_te", "subject", "311/BC-SYT")


@pytest.mark.parametrize("sender, key", [
    ("vanthu@soyte.nghean.gov.vn", "y_te"), ("syt@hanoi.gov.vn", "y_te"), ("snv@tuyenquang.gov.vn", "noi_vu"),
    ("vanphong.sldtbxh@quangninh.gov.vn", "ldtbxh"), ("sonoivu@danang.gov.vn", "noi_vu"),
    ("ubnd@laocai.gov.vn", UBND), ("nguyenvana@gmail.com", None), ("bichyte@gmail.com", None),
    ("syt.lan@gmail.com", None), ("snv@yahoo.com.vn", None),
])
def test_last_the_sender_s_mailbox_or_host(sender, key):
    found = find_department(sender=sender)
    assert (found.key if found else None) == key


def test_names_in_a_config_become_the_department_s_own():
    assert canonical_departments(["so noi vu", "SỞ Y TẾ", "Sở LĐTBXH", "Sở Y tế"]) == (
        "Sở Nội vụ", "Sở Y tế", "Sở Lao động - Thương binh và Xã hội")
    assert department_keys(DEFAULT_DEPARTMENTS) == ("noi_vu", "ldtbxh")
    with pytest.raises(ValueError, match="unknown department 'Sở Tài chính'"):
        canonical_departments(["Sở Tài chính"])


@pytest.mark.parametrize("addressees, expected", [
    ("Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương", DEFAULT_DEPARTMENTS),
    ("Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương; Sở Y tế các tỉnh, thành phố trực thuộc Trung ương",
     (*DEFAULT_DEPARTMENTS, "Sở Y tế")),
    ("Giám đốc Sở Lao động - Thương binh và Xã hội các tỉnh/thành phố trực thuộc Trung ương", DEFAULT_DEPARTMENTS),
    ("Sở Y tế các tỉnh, thành phố trực thuộc Trung ương; Y tế các Bộ, ngành", ("Sở Y tế",)),
    ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", ()),
])
def test_the_departments_a_letter_addresses(addressees, expected):
    assert departments_addressed(addressees) == expected


INTERIOR_AND_HEALTH = ("noi_vu", "ldtbxh", "y_te")


def test_a_department_the_letter_did_not_address_sends_another_report():
    found = find_department(letterheads=[("UBND TỈNH NGHỆ AN", "SỞ Y TẾ")])
    verdict = judge_department(found, ("noi_vu", "ldtbxh"), "tk2026")
    assert not verdict.answers and verdict.part is None
    assert verdict.evidence == ('department Sở Y tế (letterhead "SỞ Y TẾ") → not addressed by tk2026\'s letter '
                                '(departments: Sở Nội vụ, Sở Lao động - Thương binh và Xã hội) → other_report')


def test_an_addressed_department_beside_the_first_sends_a_part_of_the_answer():
    found = find_department(letterheads=[("UBND TỈNH NGHỆ AN", "SỞ Y TẾ")])
    verdict = judge_department(found, INTERIOR_AND_HEALTH, "tk2026")
    assert verdict.answers and verdict.part == "y_te"  # a stable code (Submission.department_part), no prose
    lead = judge_department(find_department(numbers=["1/BC-SNV"]), INTERIOR_AND_HEALTH, "tk2026")
    assert lead.answers and lead.part is None and lead.evidence.endswith("→ addressed by tk2026's letter")


def test_a_department_taken_over_answers_for_its_successor_and_the_ubnd_for_all():
    old = find_department(letterheads=[("UBND TỈNH QUẢNG NINH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")])
    assert judge_department(old, ("noi_vu", "y_te"), "tk2026").answers
    merged = find_department(letterheads=[("UBND TỈNH AN GIANG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG")])
    assert judge_department(merged, ("noi_vu", "nn_mt"), "x").part == "nn_mt"  # the department addressed
    assert not judge_department(merged, ("noi_vu",), "x").answers
    committee = judge_department(find_department(letterheads=[("UBND TỈNH NGHỆ AN",)]), ("y_te",), "x")
    assert committee.answers and committee.part is None and "the province answers" in committee.evidence


def test_no_department_read_or_no_departments_to_check_changes_nothing():
    assert judge_department(None, INTERIOR_AND_HEALTH, "x") == judge_department(
        find_department(sender="syt@hanoi.gov.vn"), (), "x")
    assert judge_department(None, INTERIOR_AND_HEALTH, "x").answers


def _member(number: int, sections: tuple[str, ...], health: bool = False) -> Member:
    part = judge_department(find_department(numbers=["1/BC-SYT" if health else "1/BC-SNV"]), INTERIOR_AND_HEALTH, "x")
    return Member(number, None, sections, None, part.part)  # type: ignore[arg-type]


ALL = ("results", "policies", "shortcomings", "plan", "proposals")


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_departments_reports_make_one_version_whichever_comes_first(order):
    parts = [_member(1, ALL), _member(2, ALL, health=True)]
    versions = split_versions([parts[i] for i in order])
    assert [[m.id for m in version] for version in versions] == [[parts[i].id for i in order]]


def test_a_corrected_report_of_the_first_department_still_supersedes():
    versions = split_versions([_member(1, ALL), _member(2, ALL, health=True), _member(3, ALL)])
    assert [[m.id for m in version] for version in versions] == [[1, 2], [3]]
