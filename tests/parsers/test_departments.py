"""Which provincial department sent a report (parsers.departments), which ones a letter addresses, and
what a report's department means for a campaign: the unit's answer, a part of it, or another report."""

from __future__ import annotations

import pytest

from models.versions import Member, split_versions
from parsers.departments import (
    ANY_DEPARTMENT,
    DEFAULT_DEPARTMENTS,
    UBND,
    PartSources,
    canonical_departments,
    department_in_line,
    department_keys,
    departments_addressed,
    find_department,
    find_departments,
    judge_department,
    judge_departments,
)


@pytest.mark.parametrize("lines, key", [
    (("UBND TỈNH NGHỆ AN", "SỞ Y TẾ"), "y_te"),
    (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HUẾ", "SỞ NỘI VỤ"), "noi_vu"),
    (("SỞ NỘI VỤ TỈNH TUYÊN QUANG",), "noi_vu"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"), "ldtbxh"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI"), "ldtbxh"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LĐ-TB&XH"), "ldtbxh"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LĐTB&XH"), "ldtbxh"),
    (("UBND TỈNH QUẢNG NINH", "SỞ LĐ-TBXH"), "ldtbxh"),
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
        "Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế")
    assert department_keys(DEFAULT_DEPARTMENTS) == ("noi_vu", "ldtbxh")
    with pytest.raises(ValueError, match="unknown department 'Sở Tài chính'"):
        canonical_departments(["Sở Tài chính"])


@pytest.mark.parametrize("written", [["Sở Lao động - Thương binh và Xã hội"], ["Sở Nội vụ"], ["Sở LĐ-TB&XH"],
                                     ["Sở LĐTB&XH"]])
def test_a_config_naming_either_the_so_noi_vu_or_the_so_ldtbxh_gets_both_as_a_letter_does(written):
    # A 2024 campaign written by hand for the Sở LĐTBXH: its late report, sent by the Sở Nội vụ after
    # March 2025 (Decree 45/2025/NĐ-CP), answers it, as from-letter's reading of the same letter would.
    names = canonical_departments(written)
    assert names == DEFAULT_DEPARTMENTS
    verdict = judge_department(find_department(numbers=["1/BC-SNV"]), department_keys(names), "tk2024")
    assert verdict.answers and verdict.part is None
    assert department_in_line(written[0]) == "ldtbxh" or written == ["Sở Nội vụ"]


def test_any_department_is_written_any_and_checks_none():
    assert canonical_departments(["any"]) == canonical_departments([" Any "]) == (ANY_DEPARTMENT,)
    assert department_keys([ANY_DEPARTMENT]) == ()
    assert judge_department(find_department(numbers=["1/BC-SYT"]), department_keys([ANY_DEPARTMENT]), "x").answers
    with pytest.raises(ValueError, match="stands alone"):
        canonical_departments(["any", "Sở Y tế"])


@pytest.mark.parametrize("addressees, expected", [
    ("Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương", DEFAULT_DEPARTMENTS),
    ("Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương; Sở Y tế các tỉnh, thành phố trực thuộc Trung ương",
     (*DEFAULT_DEPARTMENTS, "Sở Y tế")),
    ("Giám đốc Sở Lao động - Thương binh và Xã hội các tỉnh/thành phố trực thuộc Trung ương", DEFAULT_DEPARTMENTS),
    ("Sở Y tế các tỉnh, thành phố trực thuộc Trung ương; Y tế các Bộ, ngành", ("Sở Y tế",)),
    ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", (ANY_DEPARTMENT,)),
    ("Chủ tịch UBND các tỉnh, thành phố trực thuộc Trung ương", (ANY_DEPARTMENT,)),
    ("Các Bộ, cơ quan ngang Bộ", ()),
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


def test_a_successor_answers_a_letter_to_the_department_it_took_over():
    # Built by hand, without canonical_departments' pairing: the Sở Nội vụ still answers the Sở LĐTBXH's letter.
    interior = judge_department(find_department(numbers=["1/BC-SNV"]), ("ldtbxh",), "tk2024")
    assert interior.answers and interior.part is None
    # The Sở Nông nghiệp và Môi trường beside a lead, for a letter to the Sở Tài nguyên và Môi trường it took over:
    # a part, marked with the department the letter addressed.
    merged = find_department(letterheads=[("UBND TỈNH AN GIANG", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")])
    assert judge_department(merged, ("noi_vu", "tn_mt"), "tk2024").part == "tn_mt"
    assert not judge_department(merged, ("noi_vu", "y_te"), "tk2024").answers


def test_no_department_read_or_no_departments_to_check_changes_nothing():
    assert judge_department(None, INTERIOR_AND_HEALTH, "x") == judge_department(
        find_department(sender="syt@hanoi.gov.vn"), (), "x")
    assert judge_department(None, INTERIOR_AND_HEALTH, "x").answers


def test_the_stamp_s_organisation_says_the_department_when_its_signer_is_a_person():
    found = find_department(signers=["Nguyễn Thị Thanh Hoa", "Sở Y tế tỉnh Tuyên Quang"], sender="vt@tuyenquang.gov.vn")
    assert (found.key, found.source) == ("y_te", "stamp")


HEALTH = PartSources("1_bc_syt.docx", ("UBND TỈNH TUYÊN QUANG", "SỞ Y TẾ"), "311/BC-SYT")
INTERIOR_PART = PartSources("2_bc_snv.docx", ("UBND TỈNH TUYÊN QUANG", "SỞ NỘI VỤ"), "245/BC-SNV")


@pytest.mark.parametrize("order", [(HEALTH, INTERIOR_PART), (INTERIOR_PART, HEALTH)])
def test_every_report_part_is_judged_whichever_file_comes_first(order):
    found = find_departments(order, sender="snv@tuyenquang.gov.vn")
    assert {(f.file, f.key) for f in found} == {("1_bc_syt.docx", "y_te"), ("2_bc_snv.docx", "noi_vu")}
    # The Sở Nội vụ's own report is the unit's answer, whether or not the letter addressed the Sở Y tế too.
    for addressed in (("noi_vu", "ldtbxh"), INTERIOR_AND_HEALTH):
        verdict = judge_departments(found, addressed, "tk2025")
        assert verdict.answers and verdict.part is None
        assert verdict.evidence.startswith('2_bc_snv.docx: department Sở Nội vụ (letterhead "SỞ NỘI VỤ")')
        assert verdict.others[0].startswith('1_bc_syt.docx: department Sở Y tế (letterhead "SỞ Y TẾ")')


def test_a_part_of_an_addressed_department_beside_one_not_addressed_is_a_part():
    education = PartSources("2_bc_sgd.docx", ("UBND TỈNH TUYÊN QUANG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"), None)
    found = find_departments([education, HEALTH])
    verdict = judge_departments(found, INTERIOR_AND_HEALTH, "tk2025")
    assert verdict.answers and verdict.part is not None and verdict.evidence.startswith("1_bc_syt.docx:")
    assert not judge_departments(found, ("noi_vu", "ldtbxh"), "tk2025").answers


def test_a_part_that_says_nothing_takes_the_e_mail_s_department_and_an_unknown_one_says_nothing():
    plain = PartSources("bc.docx")
    assert [(f.key, f.source, f.file) for f in find_departments([plain], sender="syt@tuyenquang.gov.vn")] == [
        ("y_te", "sender", None)]
    finance = PartSources("stc.docx", ("SỞ TÀI CHÍNH",), None)
    assert find_departments([finance], sender="syt@tuyenquang.gov.vn") == ()
    assert judge_departments((), ("noi_vu",), "x").answers


def _member(number: int, sections: tuple[str, ...], health: bool = False) -> Member:
    part = judge_department(find_department(numbers=["1/BC-SYT" if health else "1/BC-SNV"]), INTERIOR_AND_HEALTH, "x")
    return Member(number, None, sections, None, part.part)  # type: ignore[arg-type]


ALL = ("results", "policies", "shortcomings", "plan", "proposals")


def _ids(versions) -> list[list[int]]:
    return [[member.id for member in version] for version in versions]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_departments_reports_make_one_version_whichever_comes_first(order):
    parts = [_member(1, ALL), _member(2, ALL, health=True)]
    assert _ids(split_versions([parts[i] for i in order])) == [[1, 2]]  # the lead department's report first


def test_a_corrected_report_of_the_first_department_supersedes_only_its_own_and_the_part_carries_over():
    versions = split_versions([_member(1, ALL), _member(2, ALL, health=True), _member(3, ALL)])
    assert _ids(versions) == [[1], [3, 2]]


def test_a_corrected_part_supersedes_only_the_earlier_part_of_its_department():
    versions = split_versions([_member(1, ALL), _member(2, ALL, health=True), _member(3, ALL, health=True)])
    assert _ids(versions) == [[2], [1, 3]]
    both = split_versions([_member(1, ALL), _member(2, ALL, health=True), _member(3, ALL),
                           _member(4, ALL, health=True), _member(5, ALL)])
    assert _ids(both) == [[1], [2], [3], [5, 4]]


def test_a_part_sent_in_pieces_joins_its_own_department_s_part():
    versions = split_versions([_member(1, ALL[:2], health=True), _member(2, ALL),
                               _member(3, ALL[2:], health=True)])
    assert _ids(versions) == [[2, 1, 3]]
