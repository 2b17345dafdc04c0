import re

import pytest

from models.schema import Campaign
from parsers.documents.model import Document
from parsers.outline import (
    DEFAULT_OUTLINE,
    OutlineItem,
    OutlineSection,
    campaign_outline,
    fill_years,
    keyword_pattern,
    letter_outline,
    outline_from_config,
    unknown_placeholders,
)
from parsers.sections import split_document
from parsers.vietnamese import fold
from reportbox.config import LetterSectionConfig
from tests.parsers.report_texts import as_pdf_lines, bold, closing, letterhead, para


def test_default_outline_keys_in_the_letters_order():
    assert DEFAULT_OUTLINE.keys == ("results", "policies", "shortcomings", "plan", "proposals")
    assert [DEFAULT_OUTLINE.rank(k) for k in DEFAULT_OUTLINE.keys] == [0, 1, 2, 3, 4]
    assert DEFAULT_OUTLINE.section("proposals").keywords == ("KIẾN NGHỊ", "ĐỀ XUẤT", "ĐỀ NGHỊ")
    with pytest.raises(KeyError):
        DEFAULT_OUTLINE.section("budget")


@pytest.mark.parametrize(
    "keyword, text, found",
    [
        ("KẾT QUẢ THỰC HIỆN", "I. Kết quả thực hiện các chỉ tiêu", True),
        ("KẾT QUẢ THỰC HIỆN", "KET QUA THUC HIEN NAM 2019", True),
        ("CƠ CHẾ, CHÍNH SÁCH", "Việc triển khai cơ chế chính sách", True),
        ("CƠ CHẾ, CHÍNH SÁCH", "Cơ chế - chính sách", True),
        ("CHỈ TIÊU … ĐẠT", "Các chỉ tiêu chủ yếu đều đạt và vượt kế hoạch", True),
        ("CHỈ TIÊU … ĐẠT", "Chỉ tiêu đạt", True),
        ("CHỈ TIÊU … ĐẠT", "Chỉ tiêu năm sau", False),
        ("TỒN TẠI", "Những tồn tại, hạn chế", True),
        ("ĐỀ ÁN", "Đề án đào tạo nghề", True),
        ("ĐỀ ÁN", "Đề ánh sáng", False),  # whole words only
        ("KẾ HOẠCH NĂM", "KẾ HOẠCH NĂM 2020", True),
    ],
)
def test_keywords_match_folded_text_word_by_word(keyword, text, found):
    assert bool(keyword_pattern(keyword).search(fold(text))) is found


def test_config_picks_default_sections_and_may_retitle_them():
    outline = outline_from_config(["results", "proposals"], {"proposals": {"title": "Kiến nghị"}})
    assert outline.keys == ("results", "proposals")
    assert outline.section("proposals").title == "Kiến nghị"
    assert outline.section("proposals").keywords == DEFAULT_OUTLINE.section("proposals").keywords
    assert outline.section("results") == DEFAULT_OUTLINE.section("results")


def test_config_defines_new_keys():
    outline = outline_from_config(
        ["tinh_hinh", "kien_nghi"],
        {
            "tinh_hinh": {"title": "Tình hình thực hiện", "keywords": ["TÌNH HÌNH", "ĐÁNH GIÁ"]},
            "kien_nghi": {"keywords": ("KIẾN NGHỊ",), "weak_keywords": ["ĐỀ NGHỊ"]},
        },
    )
    assert outline.sections == (
        OutlineSection("tinh_hinh", "Tình hình thực hiện", ("TÌNH HÌNH", "ĐÁNH GIÁ")),
        OutlineSection("kien_nghi", "kien_nghi", ("KIẾN NGHỊ",), ("ĐỀ NGHỊ",)),
    )


@pytest.mark.parametrize(
    "keys, overrides, message",
    [
        (["results", "ngan_sach"], {}, "ngan_sach"),
        (["ngan_sach"], {"ngan_sach": {"title": "Ngân sách"}}, "ngan_sach"),
        (["ngan_sach"], {"ngan_sach": {"keywords": "NGÂN SÁCH"}}, "ngan_sach"),  # a string, not a list
        (["ngan_sach"], {"ngan_sach": {"keywords": ["NGÂN SÁCH", " "]}}, "ngan_sach"),
        (["results", "results"], {}, "repeat"),
    ],
)
def test_config_errors_name_the_section(keys, overrides, message):
    with pytest.raises(ValueError, match=message):
        outline_from_config(keys, overrides)


def _ministry_report():
    """Another ministry's two-part outline: situation, then recommendations."""
    return [
        *letterhead(),
        bold("I. TÌNH HÌNH TRIỂN KHAI CÔNG TÁC BẢO VỆ TRẺ EM NĂM 2019"),
        para("Toàn tỉnh có 98% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế."),
        bold("1. Kết quả đạt được"),
        para("Tổ chức Tháng hành động vì trẻ em tại 186 xã, phường, thị trấn."),
        bold("II. KIẾN NGHỊ"),
        para("Đề nghị Bộ hướng dẫn thống nhất mẫu sổ theo dõi trẻ em có hoàn cảnh đặc biệt."),
        *closing(),
    ]


@pytest.mark.parametrize("pdf", [False, True])
def test_custom_outline_splits_a_report_without_code_changes(pdf):
    outline = outline_from_config(
        ["tinh_hinh", "kien_nghi"],
        {"tinh_hinh": {"keywords": ["TÌNH HÌNH TRIỂN KHAI"]}, "kien_nghi": {"keywords": ["KIẾN NGHỊ"]}},
    )
    blocks = _ministry_report()
    blocks = as_pdf_lines(blocks) if pdf else blocks
    part = split_document(Document("bc.docx", "docx", blocks=tuple(blocks)), outline).parts[0]
    assert part.role == "report"
    assert part.found == ("tinh_hinh", "kien_nghi") and part.missing == ()
    assert [s.heading for s in part.sections] == [
        "I. TÌNH HÌNH TRIỂN KHAI CÔNG TÁC BẢO VỆ TRẺ EM NĂM 2019",
        "II. KIẾN NGHỊ",
    ]
    assert "186 xã" in part.sections[0].text and "186 xã" not in part.sections[1].text
    assert "mẫu sổ theo dõi" in part.sections[1].text


LETTER_2019 = (
    {"key": "results", "number": "1a",
     "title": "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người có công và xã hội"},
    {"key": "plan", "number": "2a", "title": "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"},
)


def test_the_letters_wording_wins_and_the_rest_get_the_campaigns_years():
    outline = letter_outline(DEFAULT_OUTLINE.keys, report_year=2019, plan_year=2020, letter=LETTER_2019)
    assert [item.label for item in outline] == [
        "1a) Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người có công và xã hội",
        "1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án",
        "1c) Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân",
        "2a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020",
        "2b) Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ",
    ]
    assert [item.key for item in outline] == list(DEFAULT_OUTLINE.keys)


def test_default_titles_carry_the_years_and_leave_no_year_dangling():
    outline = letter_outline(DEFAULT_OUTLINE.keys, report_year=2024, plan_year=2025)
    titles = {item.key: item.title for item in outline}
    assert titles["results"] == "Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2024"
    assert titles["plan"] == "Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm 2025"
    for title in titles.values():
        assert "năm sau" not in title and not re.search(r"\bnăm\s*$", title) and "{" not in title


def test_letter_items_may_come_as_config_objects_and_without_a_number():
    letter = (LetterSectionConfig(key="proposals", title="Đề xuất, kiến nghị của địa phương"),
              LetterSectionConfig(key="results", number="I.1", title="Kết quả năm 2019"))
    outline = letter_outline(["results", "proposals"], report_year=2019, plan_year=2020, letter=letter)
    assert [(item.number, item.label) for item in outline] == [
        ("I.1", "I.1) Kết quả năm 2019"), ("2b", "2b) Đề xuất, kiến nghị của địa phương")]


def test_configured_titles_take_the_years_and_own_keys_are_numbered_by_position():
    titles = {"proposals": "Kiến nghị năm {plan_year}", "tinh_hinh": "Tình hình năm {report_year} {khác} {"}
    outline = letter_outline(["tinh_hinh", "results", "proposals"], report_year=2030, plan_year=2031, titles=titles)
    assert [(item.number, item.title) for item in outline] == [
        ("1", "Tình hình năm 2030 {khác} {"),  # an unknown brace stays as written (config refuses it earlier)
        ("1a", "Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2030"),
        ("2b", "Kiến nghị năm 2031"),
    ]
    assert letter_outline(["budget"], report_year=2030, plan_year=2031)[0] == OutlineItem("budget", "1", "budget")


def test_a_campaign_rows_outline_uses_its_stored_letter_sections():
    campaign = Campaign(id="tk2019", outline=["results", "plan"], report_year=2019, plan_year=2020,
                        sections=[dict(item) for item in LETTER_2019][1:])
    assert [item.label for item in campaign_outline(campaign, {"results": "Kết quả năm {report_year}"})] == [
        "1a) Kết quả năm 2019", "2a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2020"]


def test_fill_years_only_fills_the_two_placeholders():
    assert fill_years("{report_year}–{plan_year} {x} {} {{", 2019, 2020) == "2019–2020 {x} {} {{"
    assert unknown_placeholders("năm {report_year} {nam} {plan_year}") == ["nam"]
