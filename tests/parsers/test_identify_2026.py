"""Identification of 2026-shaped reports (issue 18): Sở Nội vụ letterheads of the 34 units, signers
named like provinces, digital-signature stamps, former provinces named in the text, old domains.

Since 1 July 2025 there are 34 provinces (Resolution 202/2025/QH15) and each province's Sở LĐTBXH
work is its Sở Nội vụ's (Decree 45/2025/NĐ-CP). Pure code: built blocks, one real PDF.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from parsers.documents.model import Block, BlockKind, Region
from parsers.documents.read import read_document
from parsers.identify import CampaignInfo, Identification, facts_from, identify
from parsers.registry import Contacts, KnownAddress, builtin, find_units
from parsers.sections import split_document
from parsers.signals import without_stamps
from parsers.unit_mentions import former_mention, in_person_name, organisation_lines
from tests.parsers.documents import pdf_fixtures as pdfs
from tests.parsers.report_texts import as_pdf_lines, para, table
from tests.parsers.test_identify import analysis, has, message, report_blocks, run

VN34 = builtin("vn34")
TK2025 = CampaignInfo("tk2025", "6120/BNV-KHTC", 2025, 2026, date(2025, 11, 20), date(2025, 12, 15), "vn34")
TK2024 = CampaignInfo("tk2024", "4410/LĐTBXH-KHTC", 2024, 2025, date(2024, 11, 20), date(2024, 12, 15), "vn63")
RECEIVED = datetime(2025, 12, 10, 3, 0, tzinfo=timezone.utc)
SUBJECT_2025 = "Kết quả thực hiện nhiệm vụ năm 2025, kế hoạch năm 2026"
OPENING = "Thực hiện Công văn số 6120/BNV-KHTC ngày 20/11/2025 của Bộ Nội vụ, Sở Nội vụ báo cáo như sau:"
SIGNER = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nNguyễn Thị Thanh Hoa"
RECIPIENTS = "Nơi nhận:\n- Bộ Nội vụ (b/c);\n- Lưu: VT, KHTC."
# Given names that are provinces (the old ones map to vn34 units): a signer so named must not count.
NAMESAKES = [
    ("Nguyễn Thị Thanh Hoa", "38"), ("Lê Bình Định", "52"), ("Phạm Hà Giang", "08"), ("Trần Nam Định", "37"),
    ("Vũ Quảng Ninh", "22"), ("Đoàn Thái Bình", "33"), ("Trương Hà Nam", "37"), ("HOÀNG THỊ HÀ TĨNH", "42"),
]  # fmt: skip


def report_2026(
    issuer: str = "UBND TỈNH TUYÊN QUANG\nSỞ NỘI VỤ",
    place: str = "Tuyên Quang",
    opening: str = OPENING,
    signer: str = SIGNER,
    number: str = "245/BC-SNV",
    before: tuple[Block, ...] = (),
) -> list[Block]:
    """A Sở Nội vụ's year-end report of 2025 as a reader gives it; `before` goes ahead of the letterhead."""
    date_line = f"{place}, ngày 5 tháng 12 năm 2025" if place else "ngày 5 tháng 12 năm 2025"
    blocks = report_blocks(issuer=issuer, date_line=date_line, subject=SUBJECT_2025, opening=opening, number=number,
                           recipients=RECIPIENTS)  # fmt: skip
    blocks[-1] = table((RECIPIENTS, signer))
    return [*before, *blocks]


def run26(blocks: list[Block], **fields) -> Identification:
    fields.setdefault("received", RECEIVED)
    fields.setdefault("campaigns", [TK2025])
    return run(blocks, **fields)


def stamp_block(*lines: str) -> Block:
    """A stamp as parsers.documents.pdf_layout sets it apart from a PDF page's body."""
    return Block(BlockKind.PARAGRAPH, "\n".join(lines), region=Region.STAMP)


def mentions(text: str) -> list:
    return find_units(text, VN34)


# --- A person's name is no unit -----------------------------------------------------------------
@pytest.mark.parametrize(("name", "code"), NAMESAKES)
def test_a_signer_named_like_a_province_does_not_send_the_report_to_review(name, code):
    result = run26(report_2026(signer=f"KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\n{name}"),
                   sender="Sở Nội vụ <snv@tuyenquang.gov.vn>")
    assert (result.unit, result.campaign, result.state) == ("08", "tk2025", "accepted")
    assert code not in dict(result.candidates) or code == "08"
    assert not has(result, "signature:") and not has(result, "review:")


def test_the_organisation_line_of_a_signature_still_counts():
    """No province in the letterhead: "SỞ NỘI VỤ TỈNH THANH HÓA" above the signer names the unit,
    the signer "Nguyễn Thị Thanh Hoa" below it does not add to it."""
    blocks = report_2026(issuer="SỞ NỘI VỤ", place="", opening="Sở Nội vụ báo cáo như sau:",
                         signer="TM. SỞ NỘI VỤ TỈNH THANH HÓA\nGIÁM ĐỐC\n\nNguyễn Thị Thanh Hoa")
    result = run26(blocks)
    assert result.unit == "38" and has(result, "signature: TỈNH THANH HÓA → 38")
    person_only = run26(report_2026(issuer="SỞ NỘI VỤ", place="", opening="Sở Nội vụ báo cáo như sau:"))
    assert person_only.unit is None and person_only.state == "needs_review"


@pytest.mark.parametrize(("name", "code"), NAMESAKES)
def test_a_namesake_in_running_text_is_passed_over(name, code):
    text = f"Người liên hệ: {name}, Phó Giám đốc Sở Nội vụ tỉnh Cao Bằng, điện thoại 0206.3852.123"
    found = mentions(text)
    assert found[0].code == code and in_person_name(text, found[0])
    assert not in_person_name(text, found[1]) and found[1].code == "04"
    for titled in (f"Đồng chí {name} báo cáo", f"KT. GIÁM ĐỐC {name.upper()}", f"Ký bởi {name}"):
        assert in_person_name(titled, mentions(titled)[0]), titled


@pytest.mark.parametrize("text", [
    "SỞ NỘI VỤ THANH HÓA", "Sở LĐTBXH Thái Bình", "UBND TỈNH NAM ĐỊNH", "tỉnh Hà Giang", "Thanh Hóa, ngày 5",
    "GIÁM ĐỐC SỞ NỘI VỤ TỈNH BÌNH ĐỊNH", "các tỉnh Nam Định, Hà Nam", "Hà Nội", "Đoàn ĐBQH Hà Nam",
    "Trường THPT Hà Giang", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI HÀ GIANG", "GIÁM ĐỐC SỞ NỘI VỤ THANH HÓA",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG BÌNH ĐỊNH", "CHỦ TỊCH UBND BÌNH ĐỊNH",
])  # fmt: skip
def test_an_organisation_or_a_place_is_no_person(text):
    assert not in_person_name(text, mentions(text)[0])


def test_organisation_lines_leave_the_person_out():
    signature = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Bình Định\nHuế, ngày … tháng 12"
    assert organisation_lines(signature) == "TM. ỦY BAN NHÂN DÂN\nHuế, ngày … tháng 12"
    assert organisation_lines("GIÁM ĐỐC SỞ NỘI VỤ TỈNH LÀO CAI\nĐoàn Văn Nam") == "GIÁM ĐỐC SỞ NỘI VỤ TỈNH LÀO CAI"
    assert organisation_lines(SIGNER) == ""


# --- Letterheads, numbers of the 34 ----------------------------------------------------------------
def _issuer(unit) -> tuple[str, str]:
    """The letterhead's first line and the place line's place, as the unit writes them."""
    city = unit.full_name.startswith("Thành phố")
    place = {"79": "Thành phố Hồ Chí Minh"}.get(unit.code, unit.name)
    return f"UBND {'THÀNH PHỐ' if city else 'TỈNH'} {unit.name.upper()}", place


@pytest.mark.parametrize("layout", ["docx", "pdf"])
@pytest.mark.parametrize("code", VN34.codes)
def test_every_unit_of_the_34_by_its_so_noi_vu_letterhead(code, layout):
    """As a docx gives it (the letterhead a table) and as a PDF's text layer does (its columns interleaved)."""
    unit = VN34.unit(code)
    first_line, place = _issuer(unit)
    blocks = report_2026(issuer=f"{first_line}\nSỞ NỘI VỤ", place=place, number=f"{int(code) * 7}/BC-SNV",
                         signer="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nPhạm Hà Giang")
    result = run26(as_pdf_lines(blocks) if layout == "pdf" else blocks)
    assert (result.registry, result.unit, result.campaign, result.state) == ("vn34", code, "tk2025", "accepted")
    assert has(result, f"header: {first_line}"[:16]) and len(result.candidates) == 1


@pytest.mark.parametrize(("issuer", "code"), [
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSỞ NỘI VỤ", "79"), ("UBND TP. HỒ CHÍ MINH\nSỞ NỘI VỤ", "79"),
    ("UBND TP HUẾ\nSỞ NỘI VỤ", "46"), ("UBND THÀNH PHỐ HẢI PHÒNG\nSỞ NỘI VỤ", "31"),
    ("SỞ NỘI VỤ\nTHÀNH PHỐ ĐÀ NẴNG", "48"), ("UBND THÀNH PHỐ CẦN THƠ\nSỞ NỘI VỤ", "92"),
])  # fmt: skip
def test_centrally_run_cities_by_their_letterheads(issuer, code):
    result = run26(report_2026(issuer=issuer, place=""))
    assert (result.unit, result.state) == (code, "accepted")


def test_a_bc_snv_number_is_a_report_of_the_year():
    result = run26(report_2026(number="1021/BC-SNV"))
    assert (result.unit, result.report_year, result.campaign, result.state) == ("08", 2025, "tk2025", "accepted")
    heads = [part.letterhead for part in analysis(report_2026(number="1021/BC-SNV")).parts if part.letterhead]
    assert heads[0].number == "1021/BC-SNV" and heads[0].title == "BÁO CÁO"


# --- Digital-signature stamps ----------------------------------------------------------------------
LAO_CAI_STAMP = ("Người ký: Sở Nội vụ tỉnh Lào Cai", "Email: snv@laocai.gov.vn", "Cơ quan: Tỉnh Lào Cai",
                 "Thời gian ký: 05.12.2025 09:14:03 +07:00")  # fmt: skip
NO_PROVINCE = {"issuer": "SỞ NỘI VỤ", "place": "", "opening": "Sở Nội vụ báo cáo như sau:"}


def test_a_stamp_naming_the_body_identifies_the_unit():
    result = run26(report_2026(**NO_PROVINCE, before=(stamp_block(*LAO_CAI_STAMP),)))
    assert (result.unit, result.state) == ("15", "accepted")
    assert has(result, "stamp: Người ký: Sở Nội vụ tỉnh Lào Cai → 15")
    ubnd = run26(report_2026(**NO_PROVINCE, before=(stamp_block("Người ký: Ủy ban nhân dân tỉnh Gia Lai",
                                                                "Thời gian ký: 05.12.2025 09:14:03 +07:00"),)))
    assert (ubnd.unit, ubnd.state) == ("52", "accepted")


def test_a_stamp_signed_by_a_person_names_no_unit_by_that_name():
    person = stamp_block("Người ký: Nguyễn Thị Thanh Hoa", "Thời gian ký: 05.12.2025 09:14:03 +07:00")
    result = run26(report_2026(**NO_PROVINCE, before=(person,)))
    assert result.unit is None and result.state == "needs_review" and "38" not in dict(result.candidates)
    with_body = stamp_block("Người ký: Nguyễn Thị Thanh Hoa", "Cơ quan: Sở Nội vụ tỉnh Đồng Tháp",
                            "Thời gian ký: 05.12.2025 09:14:03 +07:00")
    found = run26(report_2026(**NO_PROVINCE, before=(with_body,)))
    assert found.unit == "82" and has(found, "stamp: Cơ quan: Sở Nội vụ tỉnh Đồng Tháp → 82")


def test_a_stamp_of_another_unit_than_the_letterhead_is_a_conflict():
    result = run26(report_2026(before=(stamp_block(*LAO_CAI_STAMP),)))
    assert result.unit == "08" and result.state == "needs_review"
    assert has(result, "review: conflicting units 08 vs 15")


def test_a_stamp_typed_into_paragraphs_is_read_as_a_stamp_not_as_text():
    blocks = report_2026(**NO_PROVINCE)[:-1] + [
        table((RECIPIENTS, "GIÁM ĐỐC\n\nLê Văn Nam")), para("Người ký: Sở Nội vụ tỉnh Lào Cai"),
        para("Thời gian ký: 05.12.2025 09:14:03 +07:00")]
    kept, stamps = without_stamps(blocks[-3:])
    assert [s.signer for s in stamps] == ["Sở Nội vụ tỉnh Lào Cai"] and len(kept) == 1
    result = run26(blocks)
    assert result.unit == "15" and has(result, "stamp: Người ký: Sở Nội vụ tỉnh Lào Cai → 15")


def test_a_signed_pdf_end_to_end():
    """A real PDF, its text layer read by pypdfium2: the letterhead names no province, the stamp does,
    and the signer is named like another province."""
    pdf = pdfs._Pdf()
    pdf.add_page()
    for line in ("SỞ NỘI VỤ", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Số: 512/BC-SNV", "ngày 5 tháng 12 năm 2025", "BÁO CÁO", SUBJECT_2025, OPENING,
                 "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2025", "Giải quyết việc làm cho 24.744 lao động.",
                 "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026", "Phấn đấu giải quyết việc làm cho 25.000 lao động.",
                 "Nơi nhận:", "- Bộ Nội vụ;", "- Lưu: VT.", "GIÁM ĐỐC", "Nguyễn Thị Thanh Hoa"):
        pdf.paragraph(line)
    pdf.stamp(LAO_CAI_STAMP)
    document = read_document(bytes(pdf.output()), "BC 512-SNV.pdf", "pdf")
    assert [s.signer for s in document.signatures] == ["Sở Nội vụ tỉnh Lào Cai"]
    parsed = message(sender="Nguyễn Văn An <nguyenvanan1978@gmail.com>", subject="Báo cáo năm 2025",
                     files=("BC 512-SNV.pdf",))
    result = identify(facts_from(parsed, [(document.path, split_document(document))], RECEIVED), [TK2025])
    assert (result.unit, result.campaign, result.state) == ("15", "tk2025", "accepted")
    assert has(result, "stamp: Người ký: Sở Nội vụ tỉnh Lào Cai → 15") and "38" not in dict(result.candidates)


# --- Former provinces named in the text ------------------------------------------------------------
@pytest.mark.parametrize(("text", "former"), [
    ("trên địa bàn tỉnh Hà Giang (cũ)", True), ("tỉnh Hà Giang cũ", True), ("tỉnh Bắc Kạn [cũ]", True),
    ("tỉnh Hà Giang trước sắp xếp", True), ("tỉnh Hà Giang, trước khi hợp nhất", True),
    ("tỉnh Tuyên Quang (mới) được hợp nhất từ tỉnh Hà Giang và tỉnh Tuyên Quang", False),
    ("được hợp nhất từ tỉnh Hà Giang và tỉnh Tuyên Quang", True),
    ("trên cơ sở sáp nhập tỉnh Hà Giang", True),
    ("tỉnh Bắc Kạn và tỉnh Thái Nguyên hợp nhất thành tỉnh Thái Nguyên", True),
    ("tỉnh Bắc Kạn sáp nhập vào tỉnh Thái Nguyên", True),
    ("trên địa bàn tỉnh Tuyên Quang sau sắp xếp", False), ("tỉnh Tuyên Quang (mới)", False),
    ("Sau hợp nhất tỉnh Tuyên Quang có 124 xã, phường", False),
    ("Sở Nội vụ tỉnh Tuyên Quang báo cáo như sau", False), ("tỉnh Cao Bằng cùng các tỉnh", False),
    ("trên địa bàn tỉnh Tuyên Quang cụ thể như sau", False), ("hợp nhất các sở của tỉnh Tuyên Quang", False),
    ("Sở LĐTBXH hợp nhất vào Sở Nội vụ tỉnh Tuyên Quang", False), ("TỈNH HÀ GIANG CŨ", True), ("tinh Ha Giang (cu)", True),
])  # fmt: skip
def test_former_provinces_are_told_from_todays(text, former):
    assert former_mention(text, mentions(text)[0]) is former


def test_the_new_unit_after_the_merger_list_is_todays():
    text = "tỉnh Bắc Kạn và tỉnh Thái Nguyên hợp nhất thành tỉnh Thái Nguyên"
    assert [former_mention(text, m) for m in mentions(text)] == [True, True, False]
    into = "sáp nhập tỉnh Bắc Kạn vào tỉnh Thái Nguyên"
    assert [former_mention(into, m) for m in mentions(into)] == [True, False]


def test_a_report_naming_its_own_former_provinces_goes_to_the_unit_that_sent_it():
    opening = ("Tỉnh Tuyên Quang (mới) được hợp nhất từ tỉnh Hà Giang và tỉnh Tuyên Quang. Trên địa bàn tỉnh "
               "Hà Giang (cũ), Sở Nội vụ báo cáo như sau:")
    result = run26(report_2026(opening=opening), sender="Văn phòng <vp.snv@hagiang.gov.vn>")
    assert (result.unit, result.state) == ("08", "accepted") and [code for code, _ in result.candidates] == ["08"]
    assert has(result, "sender domain hagiang.gov.vn → 08 (vn63 02 Hà Giang → vn34 08 Tuyên Quang)")


@pytest.mark.parametrize("opening", [
    "Phối hợp với tỉnh Bắc Kạn (cũ), Sở Nội vụ báo cáo như sau:",
    "So với tỉnh Bắc Kạn trước sắp xếp, Sở Nội vụ báo cáo như sau:",
    "Được hợp nhất từ tỉnh Bắc Kạn và tỉnh Thái Nguyên, tỉnh mới gồm 92 xã; Sở Nội vụ báo cáo như sau:",
])  # fmt: skip
def test_a_former_province_of_another_unit_does_not_take_the_report(opening):
    blocks = report_2026(issuer="UBND TỈNH CAO BẰNG\nSỞ NỘI VỤ", place="Cao Bằng", opening=opening)
    result = run26(blocks)
    assert (result.unit, result.state) == ("04", "accepted") and "19" not in dict(result.candidates)


def test_todays_unit_named_in_another_units_opening_stays_a_weak_signal():
    """The merger sentence's own subject is today's Thái Nguyên: a first mention in the opening, as a
    neighbour would be (weight 0.4), never the former Bắc Kạn, and never enough to take the report."""
    opening = "Tỉnh Thái Nguyên được hợp nhất từ tỉnh Bắc Kạn và tỉnh Thái Nguyên; Sở Nội vụ báo cáo như sau:"
    result = run26(report_2026(issuer="UBND TỈNH CAO BẰNG\nSỞ NỘI VỤ", place="Cao Bằng", opening=opening))
    assert (result.unit, result.state) == ("04", "accepted")
    assert has(result, "document text: Tỉnh Thái Nguyên → 19") and not has(result, "Bắc Kạn")


def test_a_former_province_alone_names_no_unit():
    """Webmail, no province in the letterhead: "tỉnh Hà Giang (cũ)" must not make the report Tuyên Quang's."""
    result = run26(report_2026(**{**NO_PROVINCE, "opening": "Trên địa bàn tỉnh Hà Giang (cũ), Sở báo cáo như sau:"}))
    assert result.unit is None and result.state == "needs_review"


def test_a_former_province_in_a_late_report_of_the_63_is_no_signal_of_it():
    """A 2024 report sent late by today's Sở Nội vụ Tuyên Quang: the vn63 registry (the campaign's) knows
    Hà Giang (02) as a unit of its own, and "tỉnh Hà Giang (cũ)" must not point there."""
    blocks = report_2026(opening="Trên địa bàn tỉnh Hà Giang (cũ), Sở Nội vụ báo cáo như sau:")
    blocks[1] = para("Kết quả thực hiện nhiệm vụ năm 2024, kế hoạch năm 2025")
    result = run(blocks, received=datetime(2025, 1, 10, 3, 0, tzinfo=timezone.utc), campaigns=[TK2024])
    assert (result.registry, result.unit) == ("vn63", "08") and "02" not in dict(result.candidates)


# --- Old domains and learned addresses ---------------------------------------------------------------
@pytest.mark.parametrize(("sender", "code"), [
    ("snv@hagiang.gov.vn", "08"), ("vanthu@backan.gov.vn", "19"), ("sld@yenbai.gov.vn", "15"),
    ("snv@thuathienhue.gov.vn", "46"), ("snv@baria-vungtau.gov.vn", "79"), ("snv@tuyenquang.gov.vn", "08"),
])  # fmt: skip
def test_an_old_domain_maps_to_its_successor(sender, code):
    result = run26(report_2026(**NO_PROVINCE), sender=f"Sở Nội vụ <{sender}>")
    assert (result.unit, result.sender_check) == (code, "known")
    assert not result.unverified_sender


def test_a_learned_address_of_an_absorbed_province_vouches_for_its_successor():
    """Learned in a 2024 campaign (vn63: Bắc Kạn, 06) and kept: in 2025 it is Thái Nguyên's (19)."""
    learned = Contacts([KnownAddress("bk.snv@gmail.com", "06", "vn63", "learned")])
    result = run26(report_2026(**NO_PROVINCE), sender="bk.snv@gmail.com", contacts=learned,
                   require_known_sender=True)
    assert (result.unit, result.state, result.sender_check) == ("19", "accepted", "known")
    assert has(result, "sender bk.snv@gmail.com is a learned address of 19")


@pytest.mark.parametrize("text", [
    "Kính gửi Vụ KHTC,\nSở gửi báo cáo năm 2025.\nTrân trọng,\nThanh Hoa\nVăn phòng Sở Nội vụ tỉnh Tuyên Quang",
    "Kính gửi Vụ KHTC,\nSở gửi báo cáo năm 2025.\nTrân trọng, Thanh Hoa\nSở Nội vụ tỉnh Tuyên Quang\nĐT: 0207.3822.111",
    "Kính gửi Vụ KHTC, Sở Nội vụ tỉnh Tuyên Quang gửi báo cáo.\nTrân trọng!\nNguyễn Thị Thanh Hoa",
])  # fmt: skip
def test_the_writers_name_in_the_e_mail_sign_off_is_no_unit(text):
    result = run26(report_2026(**NO_PROVINCE), sender="Sở Nội vụ <snv@tuyenquang.gov.vn>", text=text)
    assert (result.unit, result.state) == ("08", "accepted") and [c for c, _ in result.candidates] == ["08"]
    assert has(result, "body: tỉnh Tuyên Quang → 08")
