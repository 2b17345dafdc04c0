"""Identification of a report by the department that sent it (parsers.departments through
parsers.identify): the Sở Y tế's report under a campaign that addressed it and one that did not, read
from its letterhead, its digital-signature stamp or its number; the UBND's and an unknown department's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from parsers.identify import CampaignInfo
from tests.parsers.report_texts import bold
from tests.parsers.test_identify import has
from tests.parsers.test_identify_2026 import TK2025, report_2026, run26, stamp_block

HEALTH_TOO = replace(TK2025, departments=("noi_vu", "ldtbxh", "y_te"))
INTERIOR = replace(TK2025, departments=("noi_vu", "ldtbxh"))
HEALTH_REPORT = dict(issuer="UBND TỈNH TUYÊN QUANG\nSỞ Y TẾ", number="311/BC-SYT",
                     opening="Thực hiện Công văn số 6120/BNV-KHTC ngày 20/11/2025 của Bộ Nội vụ, Sở Y tế báo cáo như sau:")
SENDER = "Sở Y tế Tuyên Quang <syt@tuyenquang.gov.vn>"


def test_the_so_y_te_s_report_is_a_part_of_the_answer_when_the_letter_addressed_it():
    result = run26(report_2026(**HEALTH_REPORT), campaigns=[HEALTH_TOO], sender=SENDER)
    assert (result.unit, result.campaign, result.state, result.report_kind) == ("08", "tk2025", "accepted",
                                                                                 "continuation")
    assert (result.department_part, result.continuation) == ("y_te", None)  # a code; no continuation mark
    assert has(result, 'department Sở Y tế (letterhead "SỞ Y TẾ") → addressed by tk2025\'s letter too')


def test_the_so_y_te_s_report_is_another_report_when_the_letter_did_not_address_it():
    result = run26(report_2026(**HEALTH_REPORT), campaigns=[INTERIOR], sender=SENDER)
    assert (result.unit, result.campaign, result.state, result.report_kind) == ("08", None, "accepted",
                                                                                 "other_report")
    assert result.evidence[0] == "another report of the unit, not counted: other_report"
    assert result.topic == ('baocao.docx: department Sở Y tế (letterhead "SỞ Y TẾ") → not addressed by tk2025\'s letter '
                            "(departments: Sở Nội vụ, Sở Lao động - Thương binh và Xã hội) → other_report")


def test_a_campaign_built_by_hand_without_departments_takes_any_as_before():
    result = run26(report_2026(**HEALTH_REPORT), campaigns=[TK2025], sender=SENDER)
    assert (result.campaign, result.report_kind, result.state) == ("tk2025", "report", "accepted")
    assert not has(result, "department ")


def test_the_stamp_s_signer_says_the_department_when_the_letterhead_does_not():
    stamp = stamp_block("Người ký: Sở Y tế tỉnh Tuyên Quang", "Email: syt@tuyenquang.gov.vn",
                        "Thời gian ký: 05.12.2025 09:14:03 +07:00")
    result = run26(report_2026(issuer="", number="311/BC", before=(stamp,)), campaigns=[INTERIOR],
                   sender="vanthu@tuyenquang.gov.vn")
    assert (result.unit, result.report_kind) == ("08", "other_report")
    assert has(result, 'department Sở Y tế (stamp "Sở Y tế tỉnh Tuyên Quang") → not addressed by tk2025')
    # A letterhead that names the issuing body decides before the stamp: the province answering.
    committee = run26(report_2026(issuer="UBND TỈNH TUYÊN QUANG", number="311/BC", before=(stamp,)),
                      campaigns=[INTERIOR])
    assert committee.report_kind == "report" and has(committee, "department UBND (letterhead")


@pytest.mark.parametrize("issuer, number", [("UBND TỈNH TUYÊN QUANG", "311/BC-UBND"),
                                            ("UBND TỈNH TUYÊN QUANG\nSỞ TÀI CHÍNH", "311/BC-STC")])
def test_the_province_s_committee_and_a_department_not_known_count_as_the_answer(issuer, number):
    result = run26(report_2026(issuer=issuer, number=number), campaigns=[INTERIOR], sender=SENDER)
    assert (result.campaign, result.report_kind, result.state) == ("tk2025", "report", "accepted")


@pytest.mark.parametrize("campaign, kind", [(HEALTH_TOO, "continuation"), (INTERIOR, "other_report")])
def test_a_title_on_the_so_y_te_s_fields_answers_only_a_letter_that_addressed_it(campaign, kind):
    blocks = report_2026(**HEALTH_REPORT)
    blocks[2] = bold("Kết quả công tác bảo trợ xã hội, trẻ em năm 2025, kế hoạch năm 2026")  # the title's subject
    result = run26(blocks, campaigns=[campaign], sender=SENDER)
    assert (result.unit, result.report_kind, result.state) == ("08", kind, "accepted")


def test_a_half_year_report_of_the_so_y_te_stays_another_report():
    blocks = report_2026(**HEALTH_REPORT)
    blocks[2] = bold("Kết quả công tác bảo trợ xã hội, trẻ em 6 tháng đầu năm 2025")
    result = run26(blocks, campaigns=[HEALTH_TOO], sender=SENDER, subject="Báo cáo 6 tháng đầu năm 2025")
    assert (result.report_kind, result.campaign, result.reason) == ("other_report", None, "other_period")


def test_the_stamp_s_organisation_says_the_department_when_its_signer_is_a_person():
    stamp = stamp_block("Người ký: Nguyễn Thị Thanh Hoa", "Cơ quan: Sở Y tế tỉnh Tuyên Quang",
                        "Thời gian ký: 05.12.2025 09:14:03 +07:00")
    result = run26(report_2026(issuer="", number="311/BC", before=(stamp,)), campaigns=[INTERIOR],
                   sender="vanthu@tuyenquang.gov.vn")
    assert (result.unit, result.campaign, result.report_kind) == ("08", None, "other_report")
    assert has(result, 'department Sở Y tế (stamp "Sở Y tế tỉnh Tuyên Quang") → not addressed by tk2025')


SNV_SUBJECT = "Sở Nội vụ Tuyên Quang gửi báo cáo năm 2025"


@pytest.mark.parametrize("health_first", [True, False])
@pytest.mark.parametrize("campaign", [INTERIOR, HEALTH_TOO], ids=["interior", "interior+health"])
def test_the_so_noi_vu_s_report_beside_the_so_y_te_s_is_the_answer_whichever_file_comes_first(campaign, health_first):
    files = [("1_bc_syt.docx", report_2026(**HEALTH_REPORT)), ("2_bc_snv.docx", report_2026())]
    documents = files if health_first else files[::-1]
    result = run26(None, documents=documents, campaigns=[campaign], sender="snv@tuyenquang.gov.vn",
                   subject=SNV_SUBJECT)
    assert (result.unit, result.campaign, result.report_kind, result.continuation) == ("08", "tk2025", "report", None)
    assert has(result, '2_bc_snv.docx: department Sở Nội vụ (letterhead "SỞ NỘI VỤ") → addressed by tk2025')
    assert has(result, '1_bc_syt.docx: department Sở Y tế (letterhead "SỞ Y TẾ")')


def test_two_addressed_parts_without_the_lead_s_make_a_part_and_none_addressed_another_report():
    education = report_2026(issuer="UBND TỈNH TUYÊN QUANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", number="12/BC-SGDĐT")
    documents = [("1_bc_sgd.docx", education), ("2_bc_syt.docx", report_2026(**HEALTH_REPORT))]
    part = run26(None, documents=documents, campaigns=[HEALTH_TOO], sender=SENDER)
    assert (part.campaign, part.report_kind) == ("tk2025", "continuation")
    other = run26(None, documents=documents, campaigns=[INTERIOR], sender=SENDER)
    assert (other.campaign, other.report_kind) == (None, "other_report")


SOCIAL_PROTECTION = CampaignInfo("btxh2025", "7001/BNV-BTXH", 2025, 2026, date(2025, 11, 25), date(2025, 12, 20),
                                 "vn34", title="Báo cáo công tác năm 2025", departments=("y_te",))


@pytest.mark.parametrize("campaigns", [[INTERIOR, SOCIAL_PROTECTION], [SOCIAL_PROTECTION, INTERIOR]],
                         ids=["interior-first", "health-first"])
def test_a_campaign_that_did_not_address_the_department_is_set_aside_before_matching(campaigns):
    # Both ask for the 2025 year-end report: the Sở Y tế's generic title fits both, and only one asked it.
    result = run26(report_2026(**HEALTH_REPORT), campaigns=campaigns, sender=SENDER)
    assert (result.unit, result.campaign, result.report_kind) == ("08", "btxh2025", "report")
    assert has(result, "department Sở Y tế (letterhead \"SỞ Y TẾ\") → addressed by btxh2025's letter")
    # The Sở Nội vụ's report still goes to the campaign that addressed the Sở Nội vụ.
    interior = run26(report_2026(), campaigns=campaigns, sender="snv@tuyenquang.gov.vn")
    assert (interior.campaign, interior.report_kind) == ("tk2025", "report")
