"""Reading a request letter into a campaign's fields (parsers.letter): the ministry's two seed letters
(tests/data/letters/) as pasted from the web, as .docx, as a text PDF, as a scanned PDF and as an .eml
carrying the .docx; every field checked in every format. Then the rules one at a time: deadline forms,
outline keys, what a letter lacks, text encodings."""

from __future__ import annotations

import os
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from parsers.letter import keywords_from_wording, letter_from_file, read_letter, slug_key
from parsers.vietnamese import fold
from reportbox.config import CampaignConfig, Config, LetterSectionConfig
from tests.parsers import letter_fixtures as fx
from tests.servers.availability import require_tool, unavailable

VIETNAM = timezone(timedelta(hours=7))
ISSUER = "Bộ Lao động - Thương binh và Xã hội"
MAILBOX = "phongkh@molisa.gov.vn"
PROPOSALS = "Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ Lao động - Thương binh và Xã hội"

EXPECTED = {
    "2019": dict(
        letter="5025/LĐTBXH-KHTC", issuer=ISSUER, issued=date(2019, 11, 25), deadline=date(2019, 12, 15),
        report_year=2019, plan_year=2020, registry="vn63", mailbox=MAILBOX, phone="024.38269.544/ 024.39 364.160",
        subject="V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực "
                "lao động, người có công và xã hội",
        addressees="Giám đốc Sở Lao động - Thương binh và Xã hội các tỉnh/thành phố trực thuộc Trung ương",
        outline=(
            ("results", "1a", "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người "
                              "có công và xã hội trên địa bàn tỉnh, thành phố"),
            ("policies", "1b", "Đánh giá việc triển khai và kết quả thực hiện các cơ chế, chính sách pháp luật, "
                               "chương trình, đề án thuộc lĩnh vực lao động, người có công và xã hội trên địa bàn"),
            ("shortcomings", "1c", "Làm rõ những tồn tại, hạn chế, khó khăn và nguyên nhân của những tồn tại, hạn chế"),
            ("plan", "2a", "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"),
            ("proposals", "2b", PROPOSALS),
        ),
        evidence={"deadline": "gửi về Bộ trước ngày 15/12/2019", "mailbox": f"hộp thư điện tử: {MAILBOX}",
                  "phone": "điện thoại: 024.38269.544/ 024.39 364.160"},
    ),
    "2017": dict(
        letter="5121/LĐTBXH-KHTC", issuer=ISSUER, issued=date(2017, 12, 7), deadline=date(2017, 12, 20),
        report_year=2017, plan_year=2018, registry="vn63", mailbox=MAILBOX, phone="024.38269.544/024.39 364.160",
        subject="V/v đánh giá tình hình thực hiện năm 2017; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2018 lĩnh vực "
                "lao động, người có công và xã hội",
        # As the letter writes it: "trung ương" in lower case (the 2019 letter capitalises it).
        addressees="Giám đốc Sở Lao động - Thương binh và Xã hội các tỉnh/thành phố trực thuộc trung ương",
        outline=(
            ("results", "1a", "Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2017"),
            ("policies", "1b", "Đánh giá việc triển khai thực hiện cơ chế, chính sách pháp luật, chương trình, đề án "
                               "về lĩnh vực lao động, người có công và xã hội trên địa bàn"),
            ("shortcomings", "1c", "Làm rõ các khó khăn, tồn tại và nguyên nhân"),
            ("plan", "2a", "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2018"),
            ("proposals", "2b", PROPOSALS),
        ),
        evidence={"deadline": "gửi về Bộ trước ngày 20/12/2017", "mailbox": f"hộp thư điện tử: {MAILBOX}",
                  "phone": "điện thoại: 024.38269.544/024.39 364.160"},
    ),
}
PATHS = {"2019": fx.LETTER_2019, "2017": fx.LETTER_2017}
FORMATS = ("txt", "docx", "pdf", "scan", "eml")


def require_font() -> None:
    """The text PDF and the scan need DejaVu (fonts-dejavu-core, `scripts/setup --test`)."""
    if not Path(fx.DEJAVU).is_file():
        unavailable(f"{fx.DEJAVU} is missing (apt-get install fonts-dejavu-core)")


@pytest.fixture(scope="module")
def letter_files() -> dict[tuple[str, str], tuple[bytes, str]]:
    """Each letter in each format, built once: (year, format) → (bytes, file name)."""
    files = {}
    for year, path in PATHS.items():
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        docx = fx.letter_docx(text)
        files[year, "txt"] = (raw, path.name)
        files[year, "docx"] = (docx, path.stem + ".docx")
        files[year, "eml"] = (fx.letter_eml(docx, path.stem + ".docx", "Công văn đề nghị báo cáo tổng kết"),
                              path.stem + ".eml")
        if Path(fx.DEJAVU).is_file():
            pdf = fx.letter_pdf(text)
            files[year, "pdf"] = (pdf, path.stem + ".pdf")
            files[year, "scan"] = (fx.scanned_pdf(pdf), path.stem + "-scan.pdf")
    return files


@pytest.fixture(scope="module")
def letters(letter_files) -> dict:
    """Each file read once (the scans take a few seconds of OCR each)."""
    read = {}
    for (year, kind), (data, name) in letter_files.items():
        if kind == "scan" and not _tesseract():
            continue
        read[year, kind] = letter_from_file(data, name)
    return read


def _tesseract() -> bool:
    from parsers.documents.ocr import tesseract_available

    return tesseract_available("vie+eng")


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("year", sorted(PATHS))
def test_every_field_of_the_seed_letters_in_every_format(letters, year, kind):
    if kind in ("pdf", "scan"):
        require_font()
    if kind == "scan":
        require_tool("tesseract", "to OCR the scanned letter")
        if (year, kind) not in letters:
            unavailable("tesseract has no Vietnamese (apt-get install tesseract-ocr-vie)")
    letter, expected = letters[year, kind], EXPECTED[year]
    exact = ("issued", "deadline", "report_year", "plan_year", "registry", "mailbox")
    assert {name: getattr(letter, name) for name in exact} == {name: expected[name] for name in exact}
    assert [(item.key, item.number) for item in letter.outline] == [(key, number) for key, number, _ in expected["outline"]]
    assert letter.missing == () and letter.year_end
    assert {name: letter.evidence[name] for name in expected["evidence"]} == expected["evidence"]
    texts = ("letter", "issuer", "subject", "addressees")
    titles = [item.title for item in letter.outline]
    if kind != "scan":
        assert {name: getattr(letter, name) for name in texts} == {name: expected[name] for name in texts}
        assert titles == [title for _, _, title in expected["outline"]]
        assert letter.phone == expected["phone"]
    else:
        # OCR may misread a letter's marks (Đ as D in "LĐTBXH", a tone mark) and the spacing between a
        # phone number's groups; everything else must be exact. The words and digits must still be right.
        assert {name: fold(getattr(letter, name)) for name in texts} == {name: fold(expected[name]) for name in texts}
        assert [fold(title) for title in titles] == [fold(title) for _, _, title in expected["outline"]]
        assert _digits(letter.phone) == _digits(expected["phone"])


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_the_font_for_pdfs_is_there_on_ci():
    if os.environ.get("CI"):
        assert Path(fx.DEJAVU).is_file(), "fonts-dejavu-core must be installed on CI (scripts/setup --test)"


def test_the_pasted_text_has_the_web_page_lines_and_marks_the_reader_ignores():
    text = fx.LETTER_2017.read_text(encoding="utf-8")
    assert "**BỘ LAO ĐỘNG - THƯƠNG BINH" in text and "Số: *5121* /LĐTBXH-KHTC" in text
    assert "Đang tải nội dung" in fx.LETTER_2019.read_text(encoding="utf-8")
    letter = read_letter(text)
    assert "*" not in "".join(str(v) for v in letter.__dict__.values() if isinstance(v, str))
    assert letter.evidence["letter"] == "Số: 5121 /LĐTBXH-KHTC"
    assert letter.evidence["issuer"] == "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"  # wrapped over two lines, joined


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1258"])
def test_text_files_in_other_encodings_read_the_same(encoding):
    text = fx.LETTER_2019.read_text(encoding="utf-8")
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    assert letter_from_file(data, "cong-van.txt") == read_letter(text)


def _cp1258(text: str) -> bytes:
    """Windows' Vietnamese code page spells tone marks as combining characters after the letter."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            vowel = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            tones = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
            out.append((vowel + tones).encode("cp1258"))
    return b"".join(out)


LETTER_HEAD = """BỘ Y TẾ
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 812/BYT-KH
V/v báo cáo kết quả công tác y tế năm 2024; kế hoạch năm 2025

Hà Nội, ngày 02 tháng 12 năm 2024

Kính gửi:
- Sở Y tế các tỉnh, thành phố trực thuộc Trung ương;
- Y tế các Bộ, ngành.

Bộ Y tế đề nghị các đơn vị báo cáo các nội dung sau:

1. Kết quả thực hiện các chỉ tiêu năm 2024

2. Tình hình lao động nước ngoài làm việc tại địa phương năm 2024, số liệu theo biểu mẫu

3. Kiến nghị, đề xuất với Bộ
"""


def _letter(closing: str) -> str:
    return LETTER_HEAD + "\n" + closing + "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT, KH.\n"


@pytest.mark.parametrize("closing, deadline", [
    ("Báo cáo gửi về Bộ chậm nhất ngày 20/12/2024.", date(2024, 12, 20)),
    ("Đề nghị gửi báo cáo trước ngày 20 tháng 12 năm 2024.", date(2024, 12, 20)),
    ("Đề nghị gửi về Bộ **trước ngày 20/12/2024**.", date(2024, 12, 20)),
    ("Báo cáo gửi về Bộ trước 17 giờ ngày 20/12/2024.", datetime(2024, 12, 20, 17, 0, tzinfo=VIETNAM)),
    ("Báo cáo gửi về Bộ chậm nhất 16h30, thứ Sáu, ngày 20/12/2024.", datetime(2024, 12, 20, 16, 30, tzinfo=VIETNAM)),
    ("Báo cáo gửi về Bộ trước thứ Sáu, ngày 20/12/2024.", date(2024, 12, 20)),
])
def test_deadline_forms(closing, deadline):
    letter = read_letter(_letter(closing))
    assert letter.deadline == deadline and letter.deadline_day == date(2024, 12, 20)
    assert letter.evidence["deadline"].startswith("gửi") and letter.evidence["deadline"].endswith("2024")
    assert letter.registry == "vn63"  # the deadline's day is before 2025-07-01


def test_a_deadline_from_july_2025_owes_the_34_provinces():
    letter = read_letter(_letter("Báo cáo gửi về Bộ trước ngày 15/07/2025."))
    assert (letter.deadline, letter.registry) == (date(2025, 7, 15), "vn34")


def test_a_letter_without_a_deadline_mailbox_or_phone_says_so_and_guesses_nothing():
    letter = read_letter(_letter("Đề nghị các đơn vị gửi báo cáo về Bộ để tổng hợp."))
    assert letter.missing == ("deadline", "mailbox", "phone")
    assert (letter.deadline, letter.registry, letter.mailbox, letter.phone) == (None, None, None, None)
    assert "deadline" not in letter.evidence
    assert (letter.letter, letter.issued, letter.report_year, letter.plan_year) == ("812/BYT-KH", date(2024, 12, 2), 2024, 2025)


def test_addressees_listed_under_kinh_gui_and_an_issuer_the_body_never_writes():
    letter = read_letter(_letter("Báo cáo gửi về Bộ trước ngày 20/12/2024."))
    assert letter.addressees == "Sở Y tế các tỉnh, thành phố trực thuộc Trung ương; Y tế các Bộ, ngành"
    assert letter.issuer == "Bộ Y tế"  # the body's "Bộ Y tế", not the capitals of the letterhead
    bare = read_letter(_letter("Báo cáo gửi về Bộ trước ngày 20/12/2024.").replace("Bộ Y tế đề nghị", "Đề nghị"))
    assert bare.issuer == "Bộ y tế" and bare.evidence["issuer"] == "BỘ Y TẾ"  # capitals made a sentence


def test_outline_keys_default_ones_in_order_then_a_key_from_the_wording():
    letter = read_letter(_letter("Báo cáo gửi về Bộ trước ngày 20/12/2024."))
    assert [(item.key, item.number, item.default) for item in letter.outline] == [
        ("results", "1", True), ("tinh_hinh_lao_dong_nuoc_ngoai", "2", False), ("proposals", "3", True)]
    own = letter.outline[1]
    assert own.title == "Tình hình lao động nước ngoài làm việc tại địa phương năm 2024, số liệu theo biểu mẫu"
    assert keywords_from_wording(own.title) == ("Tình hình lao động nước ngoài làm việc", "lao động nước ngoài")
    # A campaign with it validates once the key has its keywords ([outline.<key>]).
    campaign = CampaignConfig(id="x", letter="812/BYT-KH", title="t", report_year=2024, plan_year=2025,
                              issued=date(2024, 12, 2), deadline=date(2024, 12, 20),
                              outline=tuple(item.key for item in letter.outline),
                              section=tuple(LetterSectionConfig(**item.as_dict()) for item in letter.outline))
    config = Config(campaign=(campaign,), outline={own.key: {"title": own.title, "keywords": list(keywords_from_wording(own.title))}})
    assert config.section_outline(campaign.outline).keys == ("results", "tinh_hinh_lao_dong_nuoc_ngoai", "proposals")


def test_slug_keys_are_ascii_without_years():
    assert slug_key("Về tình hình đầu tư công năm 2019") == "tinh_hinh_dau_tu_cong"
    assert slug_key("2019") == "section" and slug_key("3 chương trình mục tiêu") == "s_3_chuong_trinh_muc_tieu"


def test_numbered_text_that_does_not_follow_on_is_not_the_outline():
    text = _letter("Báo cáo gửi về Bộ trước ngày 20/12/2024.").replace("3. Kiến nghị", "5. Kiến nghị")
    assert [item.number for item in read_letter(text).outline] == ["1", "2"]


def test_an_eml_without_an_attachment_is_read_from_its_body():
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "kh@moh.gov.vn", "so@hanoi.gov.vn", "Công văn 812"
    message.set_content(_letter("Báo cáo gửi về Bộ trước ngày 20/12/2024 (qua hộp thư kh@moh.gov.vn)."))
    letter = letter_from_file(message.as_bytes(), "cong-van.eml")
    assert (letter.letter, letter.deadline, letter.mailbox) == ("812/BYT-KH", date(2024, 12, 20), "kh@moh.gov.vn")


def test_an_item_of_the_ministrys_own_between_default_ones_shifts_no_key():
    """"c) Tình hình lao động nước ngoài …" sits under "1. Về tình hình thực hiện nhiệm vụ": the heading's
    "nhiệm vụ" must not make it the plan, and push the plan and proposals onto the wrong items."""
    text = fx.LETTER_2019.read_text(encoding="utf-8").replace(
        "c) Làm rõ những tồn tại",
        "c) Tình hình lao động nước ngoài làm việc tại địa phương năm 2019.\n\nd) Làm rõ những tồn tại")
    outline = read_letter(text).outline
    assert [(item.key, item.number) for item in outline] == [
        ("results", "1a"), ("policies", "1b"), ("tinh_hinh_lao_dong_nuoc_ngoai", "1c"), ("shortcomings", "1d"),
        ("plan", "2a"), ("proposals", "2b")]


def test_a_lettered_line_outside_the_list_letters_is_no_item():
    letter = read_letter("Kính gửi: Sở Lao động\n\n1. Báo cáo kết quả\n\nw) xem\n\nf) thêm\n")
    assert [item.number for item in letter.outline] == ["1"]
