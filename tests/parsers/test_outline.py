import pytest

from parsers.documents.model import Document
from parsers.outline import DEFAULT_OUTLINE, OutlineSection, keyword_pattern, outline_from_config
from parsers.sections import split_document
from parsers.vietnamese import fold
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
