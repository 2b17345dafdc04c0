"""Identification of unit, year and campaign on built messages and documents: no database, no clock."""

from __future__ import annotations

from datetime import date, datetime, timezone
from email.message import EmailMessage

import pytest

from parsers.documents.model import Document
from parsers.documents.read import read_document
from parsers.identify import CampaignInfo, Identification, facts_from, identify
from parsers.message import parse_message
from parsers.registry import Contacts, KnownAddress, load_contacts_csv
from parsers.sections import Analysis, split_document
from parsers.signals import forged_sender, signature_text, trusted_auth_results
from reportbox.sample_documents import report_docx
from tests.parsers.report_texts import body, bold, para, table

TK2018 = CampaignInfo("tk2018", "4890/LĐTBXH-KHTC", 2018, 2019, date(2018, 11, 20), date(2018, 12, 15), "vn63",
                      ("<req-tk2018@molisa.gov.vn>",))  # fmt: skip
TK2019 = CampaignInfo("tk2019", "5025/LĐTBXH-KHTC", 2019, 2020, date(2019, 11, 25), date(2019, 12, 15), "vn63",
                      ("<req-tk2019@molisa.gov.vn>",))  # fmt: skip
TK2025 = CampaignInfo("tk2025", "6120/BNV-KHTC", 2025, 2026, date(2025, 11, 20), date(2025, 12, 15), "vn34")
CAMPAIGNS = [TK2018, TK2019]
RECEIVED = datetime(2019, 12, 10, 2, 14, tzinfo=timezone.utc)  # 09:14 in Hà Nội
QN_HEADER = "UBND TỈNH QUẢNG NINH\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
QN_DATE = "Quảng Ninh, ngày 12 tháng 12 năm 2019"
TITLE_2019 = "Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020"
OPENING = (
    "Thực hiện Công văn số 5025/LĐTBXH-KHTC ngày 25/11/2019 của Bộ Lao động - Thương binh và Xã hội, Sở Lao động - "
    "Thương binh và Xã hội tỉnh Quảng Ninh báo cáo như sau:"
)
RECIPIENTS = "Nơi nhận:\n- Bộ LĐTBXH (b/c);\n- UBND tỉnh Hải Dương;\n- Sở LĐTBXH tỉnh Bắc Ninh;\n- Lưu: VT, KHTC."


# --- Builders ------------------------------------------------------------------------------------
def report_blocks(
    issuer: str = QN_HEADER,
    date_line: str = QN_DATE,
    subject: str = TITLE_2019,
    opening: str = OPENING,
    recipients: str = RECIPIENTS,
    number: str = "1234/BC-SLĐTBXH",
    title: str = "BÁO CÁO",
    results: str | None = None,
) -> list:
    """A province's report as a reader gives it: letterhead table, title, five sections, closing."""
    return [
        table((f"{issuer}\n-------", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n-------"),
              (f"Số: {number}", date_line)),
        bold(title), bold(subject), para("_______________"),
        para(opening),
        bold("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019"), *body("results"),
        *([para(results)] if results else []),
        bold("II. TÌNH HÌNH TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN"), *body("policies"),
        bold("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), *body("shortcomings"),
        bold("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020"), *body("plan"),
        bold("V. KIẾN NGHỊ, ĐỀ XUẤT"), *body("proposals"),
        table((recipients, "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nNguyễn Văn Hùng")),
    ]  # fmt: skip


def ministry_letter_blocks() -> list:
    """The ministry's request, forwarded back: its place line says Hà Nội, its recipients every province."""
    return [
        table(("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n-------",
               "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
              ("Số: 5025/LĐTBXH-KHTC", "Hà Nội, ngày 25 tháng 11 năm 2019")),
        para("V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020"),
        para("Kính gửi: Sở Lao động - Thương binh và Xã hội các tỉnh, thành phố trực thuộc Trung ương"),
        para("Để tổng hợp báo cáo Chính phủ, Bộ đề nghị Sở báo cáo trước ngày 15/12/2019."),
        table(("Nơi nhận:\n- Như trên;\n- UBND tỉnh Quảng Ninh;\n- Lưu: VT, KHTC.", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG")),
    ]  # fmt: skip


def analysis(blocks: list) -> Analysis:
    return split_document(Document(path="bc.docx", kind="docx", blocks=tuple(blocks)))


def message(
    sender: str = "Nguyễn Văn An <nguyenvanan1978@gmail.com>",
    subject: str = "Gửi báo cáo",
    text: str = "Kính gửi Vụ Kế hoạch - Tài chính,\nXin gửi kèm báo cáo.\nTrân trọng.",
    files: tuple[str, ...] = ("baocao.docx",),
    auth_results: tuple[str, ...] = (),  # Authentication-Results headers, topmost first
    **headers: str,
):
    mail = EmailMessage()
    for value in auth_results:
        mail["Authentication-Results"] = value
    mail["From"], mail["To"], mail["Subject"] = sender, "vukhtc@molisa.gov.vn", subject
    mail["Message-ID"] = "<m1@mail.example>"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    for name in files:
        mail.add_attachment(b"PK\x03\x04 placeholder", maintype="application", subtype="octet-stream", filename=name)
    return parse_message(mail.as_bytes())


def run(
    blocks: list | None = None,
    *,
    documents: list[tuple[str, list | None]] | None = None,
    received: datetime = RECEIVED,
    campaigns: list[CampaignInfo] = CAMPAIGNS,
    contacts=None,
    require_known_sender: bool = False,
    trusted_authserv_ids: tuple[str, ...] = (),
    **message_fields,
) -> Identification:
    if documents is None:
        documents = [("baocao.docx", report_blocks() if blocks is None else blocks)]
    parsed = message(files=tuple(name for name, _ in documents), **message_fields)
    analyses = [(name, None if b is None else analysis(b)) for name, b in documents]
    facts = facts_from(parsed, analyses, received, trusted_authserv_ids)
    return identify(facts, campaigns, contacts=contacts, require_known_sender=require_known_sender)


def has(result: Identification, fragment: str) -> bool:
    return any(fragment in line for line in result.evidence)


# --- Units ---------------------------------------------------------------------------------------
def test_header_alone_identifies_a_webmail_sender():
    result = run()
    assert (result.unit, result.report_year, result.campaign, result.state) == ("22", 2019, "tk2019", "accepted")
    assert result.kind == "submission" and result.reason is None
    assert result.evidence[0] == "header: UBND TỈNH QUẢNG NINH → 22"
    assert has(result, "place: Quảng Ninh → 22") and has(result, "title: năm 2019 → 2019")
    assert result.unverified_sender and has(result, "unverified sender: nguyenvanan1978@gmail.com")
    assert result.candidates[0][0] == "22" and result.confidence >= 0.8


def test_sender_domain_alone_identifies_the_unit():
    blocks = report_blocks(issuer="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", date_line="ngày 12 tháng 12 năm 2019",
                           opening="Sở Lao động - Thương binh và Xã hội báo cáo kết quả như sau:")  # fmt: skip
    result = run(blocks, sender="Văn phòng Sở <vanphong.sldtbxh@quangninh.gov.vn>")
    assert (result.unit, result.state, result.unverified_sender) == ("22", "accepted", False)
    assert result.evidence[0] == "sender domain quangninh.gov.vn → 22"
    assert result.candidates == (("22", 0.8),)


def test_header_and_sender_domain_in_conflict_go_to_review_with_both():
    result = run(sender="Sở LĐTBXH <sldtbxh@hanoi.gov.vn>")
    assert result.state == "needs_review" and result.unit == "22"
    assert [code for code, _ in result.candidates] == ["22", "01"]
    assert has(result, "review: conflicting units 22 vs 01")
    assert has(result, "header: UBND TỈNH QUẢNG NINH → 22") and has(result, "sender domain hanoi.gov.vn → 01")
    assert result.unverified_sender and result.confidence < 0.75


def test_recipients_list_never_counts():
    blocks = report_blocks(issuer="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", date_line="ngày 12 tháng 12 năm 2019",
                           opening="Sở báo cáo kết quả như sau:")  # fmt: skip
    result = run(blocks, sender="sldtbxh@quangninh.gov.vn")
    assert result.unit == "22" and [code for code, _ in result.candidates] == ["22"]
    assert not has(result, "Hải Dương") and not has(result, "Bắc Ninh")


def test_signature_text_drops_the_recipients():
    [closing] = report_blocks()[-1:]
    assert signature_text([closing]) == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nNguyễn Văn Hùng"
    separate = [para("Nơi nhận:"), para("- UBND tỉnh Hải Dương;\n- Lưu: VT."), para("GIÁM ĐỐC"), para("Trần Văn Bình")]
    assert signature_text(separate) == "GIÁM ĐỐC\nTrần Văn Bình"


def test_neighbouring_province_in_text_and_body_does_not_win():
    comparison = (
        "Tỷ lệ lao động qua đào tạo của tỉnh thấp hơn tỉnh Hải Phòng và tỉnh Hải Dương, cao hơn tỉnh Bắc Giang."
    )
    text = "Kính gửi Vụ KHTC,\nSo với tỉnh Hải Phòng, kết quả năm 2019 của Quảng Ninh cao hơn.\nXin gửi báo cáo."
    result = run(report_blocks(results=comparison), text=text)
    assert result.unit == "22" and result.state == "accepted"
    assert dict(result.candidates)["31"] < 0.5  # only the body's first mention, weakly
    assert "30" not in dict(result.candidates) and "24" not in dict(result.candidates)
    assert has(result, "body: tỉnh Hải Phòng → 31")


def test_city_in_the_place_line():
    blocks = report_blocks(issuer="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                           date_line="Buôn Ma Thuột, ngày 11 tháng 12 năm 2019", opening="Sở báo cáo như sau:")
    result = run(blocks)
    assert result.unit == "66" and has(result, "place: Buôn Ma Thuột → 66")


def test_contacts_make_a_webmail_sender_known():
    contacts = load_contacts_csv("unit,email,name\n22,nguyenvanan1978@gmail.com,Nguyễn Văn An\n")
    result = run(contacts=contacts)
    assert result.unit == "22" and not result.unverified_sender
    assert has(result, "sender nguyenvanan1978@gmail.com is a contact of 22")
    plain = run(contacts={"30": ["nguyenvanan1978@gmail.com"]})
    assert plain.state == "needs_review" and plain.unverified_sender  # header 22, a known sender of 30


def test_failed_dmarc_flags_the_sender_and_lowers_confidence():
    auth = "mx.molisa.gov.vn; spf=fail smtp.mailfrom=quangninh.gov.vn; dmarc=fail header.from=quangninh.gov.vn"
    trusted = run(sender="sldtbxh@quangninh.gov.vn")
    spoofed = run(sender="sldtbxh@quangninh.gov.vn", Authentication_Results=auth)
    assert trusted.unit == spoofed.unit == "22" and not trusted.unverified_sender
    assert spoofed.unverified_sender and has(spoofed, "dmarc=fail")
    assert spoofed.confidence < trusted.confidence


def test_forwarded_ministry_letter_does_not_point_to_ha_noi():
    blocks = ministry_letter_blocks() + report_blocks()
    result = run(blocks)
    assert result.unit == "22" and "01" not in dict(result.candidates)
    alone = run(ministry_letter_blocks(), text="Chuyển tiếp công văn của Bộ.")
    assert (alone.kind, alone.reason) == ("not_submission", "other_report")


def test_old_province_name_in_the_34_unit_era_maps_to_its_successor():
    blocks = report_blocks(issuer="UBND TỈNH HÀ GIANG\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                           date_line="Hà Giang, ngày 5 tháng 12 năm 2025",
                           subject="Kết quả thực hiện nhiệm vụ năm 2025, kế hoạch năm 2026", opening="Sở báo cáo:")
    received = datetime(2025, 12, 10, 3, 0, tzinfo=timezone.utc)
    result = run(blocks, received=received, campaigns=[TK2025])
    assert (result.registry, result.unit, result.campaign, result.report_year) == ("vn34", "08", "tk2025", 2025)
    assert has(result, "header: UBND TỈNH HÀ GIANG → 08 (vn63 02 Hà Giang → vn34 08 Tuyên Quang)")
    without = run(blocks, received=received, campaigns=[])
    assert (without.registry, without.unit, without.campaign, without.state) == ("vn34", "08", None, "needs_review")


# --- Not submissions -----------------------------------------------------------------------------
def test_half_year_report_is_another_period():
    blocks = report_blocks(subject="Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2019",
                           date_line="Quảng Ninh, ngày 20 tháng 6 năm 2019", opening="Sở báo cáo như sau:")
    result = run(blocks, received=datetime(2019, 6, 25, tzinfo=timezone.utc))
    assert (result.kind, result.reason) == ("not_submission", "other_period")
    # filed with its unit as another report: never counted, never in the review queue
    assert (result.report_kind, result.state, result.campaign) == ("other_report", "accepted", None)
    assert result.unit == "22" and result.evidence[0] == "not a submission: other_period (half_year)"


def test_half_year_report_answers_a_half_year_campaign():
    half = CampaignInfo("6t2019", "2345/LĐTBXH-KHTC", 2019, 2019, date(2019, 6, 1), date(2019, 6, 30), "vn63",
                        title="Báo cáo tình hình thực hiện nhiệm vụ 6 tháng đầu năm 2019")
    blocks = report_blocks(subject="Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2019",
                           date_line="Quảng Ninh, ngày 20 tháng 6 năm 2019", opening="Sở báo cáo như sau:")
    result = run(blocks, received=datetime(2019, 6, 25, tzinfo=timezone.utc), campaigns=[TK2019, half])
    assert (result.kind, result.report_kind, result.campaign, result.state) == ("submission", "report", "6t2019",
                                                                               "accepted")
    # ... and a year-end report of the same unit is not counted for the half-year campaign
    year_end = run(report_blocks(opening="Sở báo cáo như sau:"), campaigns=[half])
    assert (year_end.report_kind, year_end.campaign) == ("other_report", None)


def test_five_year_report_is_another_period():
    blocks = report_blocks(subject="Tổng kết giai đoạn 2016-2020")
    assert run(blocks).reason == "other_period"


@pytest.mark.parametrize(
    "fields",
    [
        {"subject": "Trả lời tự động: Gửi báo cáo"},
        {"subject": "Tự động trả lời: Báo cáo năm 2019"},
        {"subject": "Automatic reply: Báo cáo năm 2019"},
        {"subject": "Out of Office: Báo cáo năm 2019"},
        {"subject": "Re: Báo cáo năm 2019", "Auto_Submitted": "auto-replied"},
    ],
)
def test_automatic_replies(fields):
    result = run(documents=[], sender="sldtbxh@quangninh.gov.vn", **fields)
    assert (result.kind, result.reason, result.state, result.unit) == ("not_submission", "auto_reply", None, None)
    assert result.evidence[0].startswith("not a submission:")


@pytest.mark.parametrize(
    "sender, subject",
    [
        ("MAILER-DAEMON@mail.molisa.gov.vn", "Undelivered Mail Returned to Sender"),
        ("postmaster@quangninh.gov.vn", "Thư báo lỗi"),
        ("Mail Delivery System <noreply@mail.molisa.gov.vn>", "Delivery Status Notification (Failure)"),
        ("Hệ thống thư <noreply@mail.molisa.gov.vn>", "Không gửi được thư: Đôn đốc báo cáo năm 2019"),
    ],
)
def test_delivery_status_notifications(sender, subject):
    result = run(documents=[], sender=sender, subject=subject, Auto_Submitted="auto-replied")
    assert (result.kind, result.reason) == ("not_submission", "delivery_status")


def test_reply_without_attachment_has_no_documents():
    result = run(documents=[], subject="Re: Đôn đốc báo cáo năm 2019", text="Sở đã nhận được, sẽ gửi báo cáo sau.",
                 sender="sldtbxh@quangninh.gov.vn")  # fmt: skip
    assert (result.kind, result.reason, result.state, result.unit) == ("not_submission", "no_documents", None, "22")


def test_unreadable_scan_named_like_a_report_goes_to_review():
    result = run(documents=[("BC_QuangNinh_2019.pdf", None)])
    assert result.kind == "submission" and result.state == "needs_review"
    assert result.unit == "22" and has(result, "file name: BC_QuangNinh_2019.pdf → 22")
    assert has(result, "review: no document could be read") and has(result, "review: unit confidence 0.50")


# --- Campaigns -----------------------------------------------------------------------------------
def test_campaign_by_report_year():
    result = run(report_blocks(opening="Sở báo cáo như sau:"))
    assert result.campaign == "tk2019" and has(result, "report year 2019 → tk2019")
    assert not has(result, "cited")


@pytest.mark.parametrize("cited", ["5025/LĐTBXH-KHTC", "5025/LDTBXH-KHTC", "5025 / LĐTBXH", "5025/lđtbxh-khtc"])
def test_campaign_by_cited_letter_when_no_year_is_written(cited):
    blocks = report_blocks(subject="Kết quả thực hiện nhiệm vụ", date_line="Quảng Ninh, ngày … tháng … năm 20…",
                           opening=f"Thực hiện Công văn số {cited} của Bộ, Sở báo cáo như sau:")  # fmt: skip
    special = CampaignInfo("cs2019", "4512/LĐTBXH-KHTC", 2019, 2020, date(2019, 11, 1), date(2019, 12, 31), "vn63")
    result = run(blocks, campaigns=[special, TK2019])
    assert (result.campaign, result.report_year, result.state) == ("tk2019", 2019, "accepted")
    assert has(result, "letter 5025/LĐTBXH-KHTC cited → tk2019")
    uncited = run(report_blocks(subject="Kết quả thực hiện nhiệm vụ", date_line="Quảng Ninh, ngày … tháng … năm 20…",
                                opening="Sở báo cáo như sau:"), campaigns=[special, TK2019])  # fmt: skip
    assert uncited.state == "needs_review"


def test_campaign_by_in_reply_to():
    blocks = report_blocks(subject="Kết quả thực hiện nhiệm vụ", date_line="Quảng Ninh, ngày … tháng … năm 20…",
                           opening="Sở báo cáo như sau:")  # fmt: skip
    result = run(blocks, In_Reply_To="<req-tk2019@molisa.gov.vn>", subject="Re: Đề nghị báo cáo")
    assert result.campaign == "tk2019" and has(result, "reply to tk2019's request message → tk2019")


def test_two_campaigns_and_a_late_2018_report():
    blocks = report_blocks(subject="Kết quả thực hiện nhiệm vụ năm 2018, kế hoạch năm 2019", opening="Sở báo cáo:",
                           date_line="Quảng Ninh, ngày 10 tháng 12 năm 2018")  # fmt: skip
    result = run(blocks, received=datetime(2019, 12, 5, tzinfo=timezone.utc))
    assert (result.campaign, result.report_year) == ("tk2018", 2018)
    assert has(result, "report year 2018 → tk2018")


def test_message_far_outside_every_window_matches_no_campaign():
    result = run(report_blocks(opening="Sở báo cáo:"), received=datetime(2019, 6, 1, tzinfo=timezone.utc))
    assert result.campaign is None and result.state == "needs_review" and result.report_year == 2019
    assert has(result, "no campaign fits")


# --- End to end, and the evidence -----------------------------------------------------------------
def test_real_docx_read_and_split():
    data = report_docx("Đắk Lắk", 2019, pages=1)
    document = read_document(data, "Bao cao nam 2019.docx", "docx")
    parsed = message(sender="Sở LĐTBXH Đắk Lắk <sldtbxh@daklak.gov.vn>", subject="Báo cáo năm 2019",
                     files=("Bao cao nam 2019.docx",))  # fmt: skip
    result = identify(facts_from(parsed, [(document.path, split_document(document))], RECEIVED), CAMPAIGNS)
    assert (result.unit, result.report_year, result.campaign, result.state) == ("66", 2019, "tk2019", "accepted")
    assert not result.unverified_sender and result.confidence > 0.9


def test_evidence_is_short_readable_text():
    result = run(sender="Sở LĐTBXH Quảng Ninh <sldtbxh@quangninh.gov.vn>")
    assert result.evidence[:2] == ("header: UBND TỈNH QUẢNG NINH → 22", "sender domain quangninh.gov.vn → 22")
    assert all("→" in line for line in result.evidence)
    assert all(len(line) < 160 and "\n" not in line for line in result.evidence)
    assert has(result, "display name: Sở LĐTBXH Quảng Ninh → 22")
    assert has(result, "letter 5025/LĐTBXH-KHTC cited → tk2019")


def test_a_namesake_sender_is_no_unit():
    """Thái Bình, Hà Nam are given names too: a webmail sender so named does not weaken the letterhead."""
    result = run(sender="Nguyễn Thái Bình <nguyenthaibinh78@gmail.com>")
    assert (result.unit, result.state) == ("22", "accepted") and "34" not in dict(result.candidates)
    office = run(sender="Sở LĐTBXH Thái Bình <sldtbxh@gmail.com>")
    assert "34" in dict(office.candidates) and has(office, "display name: Sở LĐTBXH Thái Bình → 34")
    place = run(sender="Hà Nam <hanam.sldtbxh@gmail.com>")
    assert has(place, "display name: Hà Nam → 35")


# --- Known senders -------------------------------------------------------------------------------
GMAIL = "nguyenvanan1978@gmail.com"


def test_require_known_sender_sends_an_unknown_sender_to_review():
    default = run()
    strict = run(require_known_sender=True)
    assert (default.state, default.unverified_sender) == ("accepted", True)
    assert (strict.state, strict.unit, strict.confidence) == ("needs_review", "22", default.confidence)
    assert strict.evidence[-1] == "review: sender not verified as 22's (require_known_sender)"
    assert not has(default, "require_known_sender")


def test_require_known_sender_accepts_known_senders_and_adds_nothing_to_other_doubts():
    contact = run(contacts={"22": [GMAIL]}, require_known_sender=True)
    domain = run(sender="sldtbxh@quangninh.gov.vn", require_known_sender=True)
    assert contact.state == domain.state == "accepted"
    conflict = run(sender="Sở LĐTBXH <sldtbxh@hanoi.gov.vn>", require_known_sender=True)
    assert conflict.state == "needs_review" and not has(conflict, "require_known_sender")


def test_a_learned_address_makes_a_webmail_sender_known():
    learned = Contacts([KnownAddress(GMAIL, "22", "vn63", "learned")])
    result = run(contacts=learned, require_known_sender=True)
    assert (result.unit, result.state, result.unverified_sender) == ("22", "accepted", False)
    assert has(result, f"sender {GMAIL} is a learned address of 22")
    assert not has(result, "is a contact of")


def test_a_contact_wins_over_a_learned_address():
    both = Contacts([KnownAddress(GMAIL, "22", None, "learned"), KnownAddress(GMAIL, "30", None, "contacts")])
    result = run(contacts=both)
    assert result.unverified_sender and result.state == "needs_review"
    assert has(result, f"unverified sender: {GMAIL} belongs to 30, not 22")


def test_a_vn63_learned_address_vouches_for_the_vn34_successor():
    blocks = report_blocks(issuer="UBND TỈNH HÀ GIANG\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                           date_line="Hà Giang, ngày 5 tháng 12 năm 2025",
                           subject="Kết quả thực hiện nhiệm vụ năm 2025, kế hoạch năm 2026", opening="Sở báo cáo:")
    learned = Contacts([KnownAddress(GMAIL, "02", "vn63", "learned")])
    result = run(blocks, received=datetime(2025, 12, 10, 3, 0, tzinfo=timezone.utc), campaigns=[TK2025],
                 contacts=learned, require_known_sender=True)  # fmt: skip
    assert (result.registry, result.unit, result.state, result.unverified_sender) == ("vn34", "08", "accepted", False)
    assert has(result, f"sender {GMAIL} is a learned address of 08")


# --- Authentication-Results ----------------------------------------------------------------------
OURS_FAIL = "mx.molisa.gov.vn; spf=fail smtp.mailfrom=quangninh.gov.vn; dmarc=fail header.from=quangninh.gov.vn"
FORGED_PASS = "mx.quangninh.gov.vn; spf=pass smtp.mailfrom=quangninh.gov.vn; dmarc=pass header.from=quangninh.gov.vn"


def test_only_the_topmost_authentication_results_count_without_trusted_ids():
    below = run(sender="sldtbxh@quangninh.gov.vn", auth_results=(FORGED_PASS, OURS_FAIL))
    assert (below.unverified_sender, below.state) == (False, "accepted") and not has(below, "dmarc=fail")
    on_top = run(sender="sldtbxh@quangninh.gov.vn", auth_results=(OURS_FAIL, FORGED_PASS))
    assert on_top.unverified_sender and has(on_top, "dmarc=fail")


def test_trusted_authserv_ids_keep_our_servers_results_wherever_they_are():
    result = run(sender="sldtbxh@quangninh.gov.vn", auth_results=(FORGED_PASS, OURS_FAIL),
                 trusted_authserv_ids=("MX.Molisa.gov.vn",))  # fmt: skip
    assert result.unverified_sender and has(result, "unverified sender: sldtbxh@quangninh.gov.vn, dmarc=fail")
    forged_fail = run(sender="sldtbxh@quangninh.gov.vn", auth_results=(FORGED_PASS.replace("pass", "fail"),),
                      trusted_authserv_ids=("mx.molisa.gov.vn",))  # fmt: skip
    assert not forged_fail.unverified_sender and forged_fail.state == "accepted"


def test_trusted_auth_results_compare_the_first_word_in_any_case():
    results = [{"authserv_id": "relay.example", "dmarc": "pass"}, {"authserv_id": "MX.Example.gov.vn 1", "spf": "fail"},
               {"authserv_id": "mx.example.gov.vn.evil", "dmarc": "pass"}, {"dkim": "pass"}]  # fmt: skip
    ours = {"authserv_id": "MX.Example.gov.vn 1", "spf": "fail"}
    assert trusted_auth_results(results, ["mx.example.gov.vn"]) == (ours,)
    assert trusted_auth_results(results, []) == ({"authserv_id": "relay.example", "dmarc": "pass"},)
    assert trusted_auth_results([], ["mx.example.gov.vn"]) == trusted_auth_results([], []) == ()


# --- Forged senders (issue 16) ---------------------------------------------------------------------
QN = "Sở LĐTBXH Quảng Ninh <sldtbxh@quangninh.gov.vn>"
OURS = "mx.molisa.gov.vn"
ALL_FAIL = (f"{OURS}; dkim=fail header.d=quangninh.gov.vn; spf=fail smtp.mailfrom=quangninh.gov.vn;"
            " dmarc=fail (p=reject) header.from=quangninh.gov.vn")  # fmt: skip


def ours(*verdicts: str) -> str:
    return "; ".join((OURS, *verdicts))


@pytest.mark.parametrize("require_known_sender", [False, True])
def test_a_forged_province_address_is_never_accepted_by_itself(require_known_sender):
    clean = run(sender=QN, require_known_sender=require_known_sender, trusted_authserv_ids=(OURS,))
    assert (clean.unit, clean.campaign, clean.state, clean.sender_check) == ("22", "tk2019", "accepted", "known")
    forged = run(sender=QN, auth_results=(ALL_FAIL,), require_known_sender=require_known_sender,
                 trusted_authserv_ids=(OURS,))  # fmt: skip
    assert (forged.unit, forged.campaign, forged.state) == ("22", "tk2019", "needs_review")  # the letterhead says 22
    assert (forged.sender_check, forged.unverified_sender) == ("auth_failed", True)
    assert has(forged, f"review: forged sender: dmarc=fail for quangninh.gov.vn ({OURS})")
    assert has(forged, "unverified sender: sldtbxh@quangninh.gov.vn, dmarc=fail")
    assert not has(forged, "require_known_sender") and forged.confidence < clean.confidence


@pytest.mark.parametrize(("verdicts", "forged"), [
    (("dmarc=fail header.from=quangninh.gov.vn",), "dmarc=fail for quangninh.gov.vn"),
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=none"), "spf=fail for quangninh.gov.vn, no DKIM pass"),
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass header.d=evil.example"), "spf=fail"),  # not its domain
    (("spf=fail smtp.mailfrom=bounce.evil.example",), "spf=fail for bounce.evil.example, no DKIM pass"),
    (("spf=pass", "dkim=pass header.d=quangninh.gov.vn", "dmarc=fail header.from=quangninh.gov.vn"), "dmarc=fail"),
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass header.d=quangninh.gov.vn"), None),  # a forwarder
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass header.i=@mail.quangninh.gov.vn"), None),
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dmarc=pass header.from=quangninh.gov.vn"), None),
    (("dmarc=fail header.from=other.example", "spf=pass smtp.mailfrom=quangninh.gov.vn"), None),  # another From
    (("spf=softfail smtp.mailfrom=quangninh.gov.vn", "dkim=none", "dmarc=none"), None),
    (("spf=none", "dkim=neutral", "dmarc=temperror"), None),
    (("spf=neutral smtp.mailfrom=quangninh.gov.vn", "dkim=permerror"), None),
])  # fmt: skip
def test_what_counts_as_forged(verdicts, forged):
    assert_judged_forged(verdicts, forged)


def assert_judged_forged(verdicts, forged: str | None) -> None:
    """Quảng Ninh's report under our server's verdicts: accepted, or in review with `forged` as the verdict."""
    result = run(sender=QN, auth_results=(ours(*verdicts),), trusted_authserv_ids=(OURS,))
    if forged is None:
        assert (result.state, result.sender_check) == ("accepted", "known") and not has(result, "forged")
    else:
        assert (result.state, result.sender_check) == ("needs_review", "auth_failed")
        assert has(result, f"review: forged sender: {forged}")


def test_the_forged_verdict_is_the_same_function_for_every_caller():
    trusted = trusted_auth_results(message(sender=QN, auth_results=(ALL_FAIL,)).auth_results, [OURS])
    assert forged_sender(trusted, "sldtbxh@quangninh.gov.vn") == f"dmarc=fail for quangninh.gov.vn ({OURS})"
    dmarc = [{"authserv_id": OURS, "results": [{"method": "dmarc", "result": "fail", "header.from": "quangninh.gov.vn"}]}]
    assert forged_sender(dmarc, "someone@other.example") is None  # that verdict speaks of quangninh.gov.vn only
    # Built by hand with no properties: a DKIM pass that names no signer vouches for nobody.
    assert forged_sender([{"spf": "fail", "dkim": "pass"}], "a@quangninh.gov.vn") == (
        "spf=fail for quangninh.gov.vn, no DKIM pass for quangninh.gov.vn")
    assert forged_sender([{"spf": "fail"}], "a@quangninh.gov.vn") == "spf=fail for quangninh.gov.vn, no DKIM pass for quangninh.gov.vn"
    assert forged_sender([], "a@quangninh.gov.vn") is None


def test_untrusted_results_neither_vouch_nor_sink():
    planted_pass = "mx.quangninh.gov.vn; dkim=pass header.d=quangninh.gov.vn; dmarc=pass header.from=quangninh.gov.vn"
    spf_fail = ours("spf=fail smtp.mailfrom=quangninh.gov.vn")
    vouched = run(sender=QN, auth_results=(planted_pass, spf_fail), trusted_authserv_ids=(OURS,))
    assert (vouched.state, vouched.sender_check) == ("needs_review", "auth_failed")  # the planted pass is not ours
    planted_fail = run(sender=QN, auth_results=(ALL_FAIL.replace(OURS, "mx.quangninh.gov.vn"),),
                       trusted_authserv_ids=(OURS,))  # fmt: skip
    assert (planted_fail.state, planted_fail.sender_check) == ("accepted", "known") and not has(planted_fail, "forged")


def test_several_of_our_results_are_read_together():
    split = run(sender=QN, auth_results=(ours("dkim=pass header.d=quangninh.gov.vn"),
                                         ours("spf=fail smtp.mailfrom=quangninh.gov.vn")),
                trusted_authserv_ids=(OURS,))  # fmt: skip
    assert (split.state, split.sender_check) == ("accepted", "known")  # the DKIM pass of one vouches for the other
    disagree = run(sender=QN, auth_results=(ours("dmarc=pass header.from=quangninh.gov.vn"),
                                            "mx2.molisa.gov.vn; dmarc=fail header.from=quangninh.gov.vn"),
                   trusted_authserv_ids=(OURS, "mx2.molisa.gov.vn"))  # fmt: skip
    assert disagree.state == "needs_review" and has(disagree, "forged sender: dmarc=fail for quangninh.gov.vn (mx2.")


def test_a_forged_contact_address_or_other_report_waits_for_a_person():
    webmail = run(contacts={"22": [GMAIL]}, auth_results=(ours("dmarc=fail header.from=gmail.com"),),
                  trusted_authserv_ids=(OURS,))  # fmt: skip
    assert (webmail.unit, webmail.state, webmail.sender_check) == ("22", "needs_review", "auth_failed")
    other = run(report_blocks(subject=POVERTY_TITLE, opening=NO_LETTER), campaigns=[TK2019_FULL], sender=QN,
                auth_results=(ALL_FAIL,), trusted_authserv_ids=(OURS,))  # fmt: skip
    assert (other.report_kind, other.state, other.unit) == ("other_report", "needs_review", "22")
    assert has(other, "review: forged sender: dmarc=fail")


def test_a_forged_sender_of_no_unit_is_still_marked_forged():
    """A reviewer's unit must not make the forged address count as an unknown one (learned, confirmed)."""
    blocks = report_blocks(issuer="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", date_line="ngày 12 tháng 12 năm 2019",
                           opening="Sở báo cáo kết quả như sau:", recipients="Nơi nhận:\n- Lưu: VT.")
    forged = run(blocks, sender="Văn phòng <vp@example.org>", auth_results=(ours("dmarc=fail header.from=example.org"),),
                 trusted_authserv_ids=(OURS,))  # fmt: skip
    assert (forged.unit, forged.state, forged.sender_check) == (None, "needs_review", "auth_failed")
    plain = run(blocks, sender="Văn phòng <vp@example.org>")
    assert (plain.unit, plain.sender_check) == (None, "none")


@pytest.mark.parametrize(("verdicts", "forged"), [
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass"), "spf=fail"),  # no header.d or header.i: nobody's
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass header.d=gov.vn"), "spf=fail"),  # a public suffix
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass header.i=@vn"), "spf=fail"),
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dmarc=pass header.from=gov.vn"), "spf=fail"),  # not its From
    (("dmarc=fail header.from=gov.vn",), None),  # nor is it accused by a verdict about a suffix
    (("spf=fail smtp.mailfrom=quangninh.gov.vn", "dkim=pass header.d=mail.quangninh.gov.vn"), None),  # inside it
])  # fmt: skip
def test_a_public_suffix_or_no_signer_vouches_for_nobody(verdicts, forged):
    assert_judged_forged(verdicts, forged)


def test_a_dkim_pass_of_a_second_level_vouches_for_no_company_under_it():
    shop = "Kế toán <ketoan@congty.com.vn>"
    signed = ours("spf=fail smtp.mailfrom=congty.com.vn", "dkim=pass header.d=com.vn")
    assert run(sender=shop, auth_results=(signed,), trusted_authserv_ids=(OURS,)).sender_check == "auth_failed"
    own = ours("spf=fail smtp.mailfrom=congty.com.vn", "dkim=pass header.d=congty.com.vn")
    assert run(sender=shop, auth_results=(own,), trusted_authserv_ids=(OURS,)).sender_check != "auth_failed"


# Microsoft 365 writes no authserv-id, 'action' after DMARC's result, and keeps what came in under other names.
MICROSOFT_FAIL = ("spf=fail (sender IP is 192.0.2.10) smtp.mailfrom=quangninh.gov.vn; dkim=none (message not signed)"
                  " header.d=none;dmarc=fail action=none header.from=quangninh.gov.vn;compauth=fail reason=000")


def test_microsoft_365_results_on_top_count_without_trusted_ids():
    forged = run(sender=QN, auth_results=(MICROSOFT_FAIL,))
    assert (forged.state, forged.sender_check) == ("needs_review", "auth_failed")
    assert has(forged, "review: forged sender: dmarc=fail for quangninh.gov.vn")
    spf_only = run(sender=QN, auth_results=(MICROSOFT_FAIL.replace("dmarc=fail", "dmarc=none"),))
    assert has(spf_only, "review: forged sender: spf=fail for quangninh.gov.vn, no DKIM pass")  # not lost as an id
    # With trusted ids, a header naming no server is nobody's: it cannot be told from one the sender wrote.
    assert run(sender=QN, auth_results=(MICROSOFT_FAIL,), trusted_authserv_ids=(OURS,)).sender_check == "known"


def test_microsofts_dmarc_about_another_from_accuses_nobody():
    other = ("spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=quangninh.gov.vn; dkim=pass (signature was verified)"
             " header.d=quangninh.gov.vn;dmarc=fail action=none header.from=other.example;compauth=fail reason=000")
    result = run(sender=QN, auth_results=(other,))
    assert (result.state, result.sender_check) == ("accepted", "known") and not has(result, "forged")


def test_microsofts_original_and_arc_results_neither_vouch_nor_sink():
    planted = {"Authentication_Results_Original": "spf=pass smtp.mailfrom=quangninh.gov.vn; dmarc=pass action=none"
                                                  " header.from=quangninh.gov.vn",
               "ARC_Authentication_Results": "i=1; mx.microsoft.com 1; dmarc=pass action=none"
                                             " header.from=quangninh.gov.vn"}
    forged = run(sender=QN, auth_results=(MICROSOFT_FAIL,), **planted)
    assert forged.sender_check == "auth_failed"
    sinking = {name: value.replace("pass", "fail") for name, value in planted.items()}
    clean = run(sender=QN, auth_results=(MICROSOFT_FAIL.replace("fail", "pass"),), **sinking)
    assert (clean.state, clean.sender_check) == ("accepted", "known")


@pytest.mark.parametrize(("fields", "reason"), [
    ({"auto_submitted": "auto-replied"}, "auto_reply"),
    ({"subject": "Trả lời tự động: Báo cáo năm 2019"}, "auto_reply"),
    ({"documents": [("anh.jpg", None)]}, "no_documents"),
])  # fmt: skip
def test_a_forged_non_submission_carries_the_verdict(fields, reason):
    fields = dict(fields)
    documents = fields.pop("documents", None)
    plain = run(documents=documents, sender=QN, trusted_authserv_ids=(OURS,), **fields)
    assert (plain.kind, plain.reason) == ("not_submission", reason)
    assert plain.sender_check != "auth_failed" and not has(plain, "forged")
    forged = run(documents=documents, sender=QN, auth_results=(ALL_FAIL,), trusted_authserv_ids=(OURS,), **fields)
    assert (forged.kind, forged.reason, forged.sender_check) == ("not_submission", reason, "auth_failed")
    assert has(forged, f"review: forged sender: dmarc=fail for quangninh.gov.vn ({OURS})")
    assert has(forged, "unverified sender: sldtbxh@quangninh.gov.vn, dmarc=fail")  # stays once a reviewer decides


# --- Continuations -------------------------------------------------------------------------------
def test_a_supplement_is_marked_and_keeps_its_state():
    result = run(subject="Báo cáo bổ sung năm 2019")
    assert result.continuation == 'subject says "bổ sung"' and result.state == "accepted"
    assert has(result, 'continues an earlier submission: subject says "bổ sung"')
    parts = run(documents=[("BC_QuangNinh_phan2.docx", report_blocks())])
    assert parts.continuation == 'file name says "phan2"'
    assert run().continuation is None and not has(run(), "continues")


def test_a_request_for_more_budget_is_no_continuation():
    assert run(subject="Đề nghị bổ sung kinh phí năm 2020").continuation is None


# --- Which request it answers (issue 15) -----------------------------------------------------------
TK2019_FULL = CampaignInfo(
    "tk2019", "5025/LĐTBXH-KHTC", 2019, 2020, date(2019, 11, 25), date(2019, 12, 15), "vn63",
    ("<req-tk2019@molisa.gov.vn>",), title="Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
    subject="V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực "
            "lao động, người có công và xã hội")  # fmt: skip
GN2019 = CampaignInfo(
    "gn2019", "4765/LĐTBXH-VPQGGN", 2019, 2020, date(2019, 11, 15), date(2019, 12, 10), "vn63",
    ("<req-gn2019@molisa.gov.vn>",),
    title="Báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019")  # fmt: skip
POVERTY_TITLE = "Kết quả thực hiện công tác giảm nghèo năm 2019, kế hoạch năm 2020"
NO_LETTER = "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh báo cáo như sau:"


def test_a_report_on_one_programme_is_another_report_of_the_unit():
    result = run(report_blocks(subject=POVERTY_TITLE, opening=NO_LETTER), campaigns=[TK2019_FULL],
                 sender="Sở LĐTBXH Quảng Ninh <sldtbxh@quangninh.gov.vn>")
    assert (result.kind, result.report_kind, result.state) == ("submission", "other_report", "accepted")
    assert (result.unit, result.report_year, result.campaign) == ("22", 2019, None)
    assert result.topic == 'title: "công tác giảm nghèo" is one programme, tk2019 asks for the whole sector → other_report'
    assert result.title == f"BÁO CÁO {POVERTY_TITLE}" and result.dated == date(2019, 12, 12)


def test_the_year_alone_is_never_enough():
    result = run(report_blocks(subject="Báo cáo năm 2019", opening=NO_LETTER), campaigns=[TK2019_FULL],
                 sender="Sở LĐTBXH Quảng Ninh <sldtbxh@quangninh.gov.vn>", subject="Gửi báo cáo")
    assert (result.report_kind, result.campaign, result.state) == ("report", "tk2019", "needs_review")
    assert "the year alone is not enough" in result.topic and has(result, "review: which request: nothing says")


def test_a_reply_to_the_request_or_its_letter_cited_is_evidence_enough():
    replied = run(report_blocks(subject="Báo cáo năm 2019", opening=NO_LETTER), campaigns=[TK2019_FULL],
                  In_Reply_To="<req-tk2019@molisa.gov.vn>")
    assert (replied.campaign, replied.state, replied.report_kind) == ("tk2019", "accepted", "report")
    cited = run(report_blocks(subject="Báo cáo năm 2019"), campaigns=[TK2019_FULL])
    assert (cited.campaign, cited.state) == ("tk2019", "accepted")
    assert has(cited, "letter 5025/LĐTBXH-KHTC cited → tk2019")


def test_a_reply_with_another_programmes_title_shows_both_readings():
    result = run(report_blocks(subject=POVERTY_TITLE, opening=NO_LETTER), campaigns=[TK2019_FULL],
                 In_Reply_To="<req-tk2019@molisa.gov.vn>")
    assert (result.campaign, result.state, result.report_kind) == ("tk2019", "needs_review", "report")
    assert result.topic == ("two readings: reply to tk2019's request message → tk2019; but title: \"công tác giảm "
                            "nghèo\" is one programme, tk2019 asks for the whole sector → other_report")


def test_two_campaigns_of_one_year_each_get_their_own_reports():
    campaigns = [TK2019_FULL, GN2019]
    sector = run(report_blocks(subject="Tổng kết công tác năm 2019 ngành Lao động - Thương binh và Xã hội",
                               opening=NO_LETTER), campaigns=campaigns)
    poverty = run(report_blocks(subject="Kết quả thực hiện Chương trình MTQG giảm nghèo bền vững năm 2019",
                                opening=NO_LETTER), campaigns=campaigns)
    children = run(report_blocks(subject="Kết quả công tác bảo vệ, chăm sóc trẻ em năm 2019", opening=NO_LETTER),
                   campaigns=campaigns)
    assert (sector.campaign, sector.state) == ("tk2019", "accepted")
    assert (poverty.campaign, poverty.state) == ("gn2019", "accepted")
    assert (children.campaign, children.report_kind, children.state) == (None, "other_report", "accepted")
    assert "gn2019 asks about \"giảm nghèo\"" in children.topic and "tk2019 asks for the whole sector" in children.topic


def test_an_e_mail_subject_or_file_name_speaks_when_the_document_has_no_title():
    untitled = report_blocks(subject="", opening=NO_LETTER)
    by_subject = run(untitled, campaigns=[TK2019_FULL], subject="Báo cáo công tác trẻ em năm 2019")
    assert (by_subject.report_kind, by_subject.campaign) == ("other_report", None)
    by_name = run(documents=[("BC tong ket cong tac nam 2019.docx", untitled)], campaigns=[TK2019_FULL])
    assert (by_name.campaign, by_name.state) == ("tk2019", "accepted")
    assert has(by_name, 'file name: "tong ket": the year\'s work in general, as tk2019 asks → tk2019')


def test_a_citation_or_reply_counts_outside_the_window_a_title_does_not():
    late = datetime(2020, 12, 20, tzinfo=timezone.utc)  # after tk2019's window (deadline + 365 days)
    cited = run(report_blocks(), campaigns=[TK2019_FULL], received=late)
    assert (cited.campaign, cited.state) == ("tk2019", "accepted")
    titled = run(report_blocks(opening=NO_LETTER), campaigns=[TK2019_FULL], received=late)
    assert (titled.campaign, titled.state) == (None, "needs_review")
    programme = run(report_blocks(subject=POVERTY_TITLE, opening=NO_LETTER), campaigns=[TK2019_FULL], received=late)
    assert (programme.campaign, programme.report_kind, programme.state) == (None, "other_report", "accepted")


def test_the_year_alone_names_no_campaign_among_several_of_that_year():
    result = run(report_blocks(subject="Báo cáo năm 2019", opening=NO_LETTER), campaigns=[TK2019_FULL, GN2019],
                 subject="Gửi báo cáo")
    assert (result.campaign, result.state) == (None, "needs_review")
    assert result.topic.startswith("nothing says which request it answers (tk2019, gn2019 ask for 2019)")


def test_a_half_year_report_replying_to_the_request_shows_both_readings():
    blocks = report_blocks(subject="Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2019", opening=NO_LETTER)
    result = run(blocks, campaigns=[TK2019_FULL], In_Reply_To="<req-tk2019@molisa.gov.vn>")
    assert (result.reason, result.report_kind, result.campaign, result.state) == ("other_period", "report", "tk2019",
                                                                                 None)  # recorded: needs_review
    assert result.topic.startswith("two readings: reply to tk2019's request message → tk2019; but title: a half-year")


def test_another_report_of_no_known_unit_waits_for_a_person():
    blocks = report_blocks(issuer="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", date_line="ngày 12 tháng 12 năm 2019",
                           subject=POVERTY_TITLE, opening="Sở báo cáo như sau:", recipients="Nơi nhận:\n- Lưu: VT.")
    result = run(blocks, campaigns=[TK2019_FULL], sender="an@example.com", subject="Gửi báo cáo")
    assert (result.unit, result.report_kind, result.campaign, result.state) == (None, "other_report", None,
                                                                               "needs_review")
