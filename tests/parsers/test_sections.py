import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.documents.model import Block, BlockKind, Document, Region
from parsers.outline import DEFAULT_OUTLINE
from parsers.sections import Analysis, Part, split_document
from tests.parsers import report_texts as texts
from tests.parsers.report_texts import DISTINCT, as_pdf_lines, bold, closing, letterhead, para

ALL = ("results", "policies", "shortcomings", "plan", "proposals")

EXPECTED = {
    "roman_five": {
        "results": "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019",
        "policies": "II. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN",
        "shortcomings": "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "plan": "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020",
        "proposals": "V. KIẾN NGHỊ, ĐỀ XUẤT",
    },
    "parts_with_styles": {
        "results": "PHẦN THỨ NHẤT: KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "policies": "2. Việc tổ chức thực hiện cơ chế, chính sách",
        "shortcomings": "3. Tồn tại, hạn chế và nguyên nhân",
        "plan": "PHẦN THỨ HAI: PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020",
        "proposals": "3. Kiến nghị, đề xuất",
    },
    "letters_ab": {
        "results": "A. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "policies": "II. Công tác triển khai các chính sách, chương trình, đề án",
        "shortcomings": "III. Những khó khăn, vướng mắc",
        "plan": "B. NHIỆM VỤ, GIẢI PHÁP NĂM 2020",
        "proposals": "C. KIẾN NGHỊ",
    },
    "parent_with_children": {
        "results": "I. KẾT QUẢ THỰC HIỆN NĂM 2019",
        "policies": "1. Việc thực hiện các cơ chế, chính sách",
        "shortcomings": "2. Tồn tại, hạn chế",
        "plan": "II. KẾ HOẠCH NĂM 2020",
        "proposals": "III. ĐỀ XUẤT, KIẾN NGHỊ",
    },
    "upper_case_only": {
        "results": "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "policies": "VIỆC TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH",
        "shortcomings": "NHỮNG TỒN TẠI, HẠN CHẾ",
        "plan": "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020",
        "proposals": "KIẾN NGHỊ",
    },
    "bold_only": {
        "results": "Kết quả đạt được năm 2019",
        "policies": "Tổ chức thực hiện chính sách, chương trình, đề án",
        "shortcomings": "Khó khăn, vướng mắc và nguyên nhân",
        "plan": "Kế hoạch năm 2020",
        "proposals": "Đề xuất, kiến nghị",
    },
    "general_assessment": {
        "results": "1. Đánh giá chung",
        "shortcomings": "2. Những tồn tại, hạn chế",
        "plan": "3. Nhiệm vụ năm 2020",
        "proposals": "4. Kiến nghị",
    },
}
assert EXPECTED.keys() == texts.LAYOUTS.keys()


def split(blocks: list[Block]) -> Analysis:
    return split_document(Document("bao_cao.docx", "docx", blocks=tuple(blocks)), DEFAULT_OUTLINE)


def flat(text: str) -> str:
    """PDF lines wrap sentences: compare with single spaces."""
    return " ".join(text.split())


def only_part(blocks: list[Block]) -> Part:
    analysis = split(blocks)
    assert len(analysis.parts) == 1
    return analysis.parts[0]


@pytest.mark.parametrize("pdf", [False, True], ids=["docx", "pdf"])
@pytest.mark.parametrize("layout", list(texts.LAYOUTS))
def test_layouts_split_into_the_outline(layout, pdf):
    blocks = texts.LAYOUTS[layout]()
    blocks = as_pdf_lines(blocks) if pdf else blocks
    part = only_part(blocks)
    expected = EXPECTED[layout]
    assert part.role == "report" and part.reason is None
    assert part.found == tuple(expected)
    assert part.missing == tuple(k for k in ALL if k not in expected)
    assert {s.key: s.heading for s in part.sections} == expected
    for section in part.sections:
        assert 0.5 <= section.confidence <= 1.0
        for key, sentence in DISTINCT.items():
            assert (flat(sentence) in flat(section.text)) is (key == section.key), (section.key, key)
    assert flat(texts.PREAMBLE) in flat("\n".join(b.text for b in part.preamble))
    assert texts.CLOSING in "\n".join(b.text for b in part.closing)
    assert part.letterhead is not None and part.letterhead.number == "1234/BC-SLĐTBXH"


def test_misleading_sub_headings_stay_inside_their_sections():
    part = only_part(texts.roman_five())
    results, plan = part.section("results"), part.section("plan")
    assert "2. Thực hiện nhiệm vụ giảm nghèo" in results.text  # "nhiệm vụ" inside results
    assert "1. Kết quả thực hiện các chỉ tiêu chủ yếu cần đạt" in plan.text  # "kết quả" inside plan
    assert "2. Nhiệm vụ, giải pháp chủ yếu" in plan.text
    assert results.blocks[0].text == "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019"


def test_parent_keeps_its_own_text_until_its_first_child():
    part = only_part(texts.parent_with_children())
    results = part.section("results")
    assert [b.text for b in results.blocks[1:]] == [texts.RESULTS, *texts._MORE["results"]]
    assert part.section("policies").start == results.end


def test_parts_layout_keeps_the_part_heading_lines_and_children_in_results():
    part = only_part(texts.parts_with_styles())
    results = part.section("results")
    assert [b.display_text for b in results.blocks[:3]] == [
        "PHẦN THỨ NHẤT", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019", "1. Kết quả thực hiện các chỉ tiêu"
    ]
    assert part.section("plan").blocks[2].display_text == "1. Mục tiêu, chỉ tiêu chủ yếu"


def test_introduction_under_its_own_heading_is_preamble():
    part = only_part(texts.bold_only())
    preamble = "\n".join(b.text for b in part.preamble)
    assert "Khái quát tình hình" in preamble and "6.200 USD" in preamble


def test_sections_tile_the_body_and_index_the_document():
    blocks = texts.roman_five()
    part = only_part(blocks)
    assert part.sections[0].start == len(part.preamble)
    for section, following in zip(part.sections, part.sections[1:]):
        assert section.end == following.start
    for section in part.sections:
        assert section.blocks == tuple(blocks[section.start: section.end])
    assert part.sections[-1].end == len(blocks) - len(part.closing)


@pytest.mark.parametrize("pdf", [False, True], ids=["docx", "pdf"])
def test_closing_never_goes_into_proposals(pdf):
    blocks = texts.roman_five()
    blocks = as_pdf_lines(blocks) if pdf else blocks
    part = only_part(blocks)
    proposals = part.section("proposals")
    for words in ("Nơi nhận", "PHÓ GIÁM ĐỐC", texts.CLOSING, "Lưu: VT"):
        assert words not in proposals.text
        assert words in "\n".join(b.text for b in part.closing)


def test_signature_without_recipients_list_still_closes():
    blocks = [*texts.roman_five()[:-1], para("KT. GIÁM ĐỐC"), para("PHÓ GIÁM ĐỐC"), para(texts.CLOSING)]
    part = only_part(blocks)
    assert [b.text for b in part.closing] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", texts.CLOSING]
    assert texts.PROPOSALS in part.section("proposals").text


@pytest.mark.parametrize("pdf", [False, True], ids=["docx", "pdf"])
def test_covering_letter_then_report_are_two_parts(pdf):
    blocks = texts.covering_letter_then_report()
    blocks = as_pdf_lines(blocks) if pdf else blocks
    analysis = split(blocks)
    letter, report = analysis.parts
    assert (letter.role, letter.reason, letter.sections) == ("covering_letter", "no_sections", ())
    assert letter.letterhead.subject.startswith("V/v gửi báo cáo")
    assert "Trần Thị Lan" in "\n".join(b.text for b in letter.closing)
    assert (report.role, report.found, report.reason) == ("report", ALL, None)
    assert report.letterhead.title == "BÁO CÁO" and report.letterhead.number == "1234/BC-SLĐTBXH"
    assert report.start == letter.end
    assert analysis.report is report
    assert report.section("results").heading == "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019"


def test_lone_covering_letter():
    analysis = split(texts.covering_letter())
    (letter,) = analysis.parts
    assert (letter.role, letter.reason, letter.found, letter.missing) == ("covering_letter", "no_sections", (), ALL)
    assert analysis.report is None
    assert any("gửi kèm báo cáo" in b.text for b in letter.preamble)


def test_report_in_running_text_has_no_sections():
    part = only_part(texts.report_without_sections())
    assert (part.role, part.reason, part.sections, part.missing) == ("report", "no_sections", (), ALL)
    assert texts.RESULTS in "\n".join(b.text for b in part.preamble)
    assert texts.CLOSING in "\n".join(b.text for b in part.closing)


def test_text_without_letterhead_or_headings_is_other():
    part = only_part([para("Kính gửi anh chị, xin gửi lại số liệu thống kê quý IV."), para("Trân trọng.")])
    assert (part.role, part.reason, part.letterhead) == ("other", "no_sections", None)


def test_section_out_of_the_expected_order_is_found_with_less_confidence():
    blocks = [
        *letterhead(),
        bold("I. KẾT QUẢ THỰC HIỆN NĂM 2019"),
        para(texts.RESULTS),
        bold("II. KIẾN NGHỊ, ĐỀ XUẤT"),
        para(texts.PROPOSALS),
        bold("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020"),
        para(texts.PLAN),
        *closing(),
    ]
    part = only_part(blocks)
    assert part.found == ("results", "plan", "proposals")
    assert [s.key for s in part.sections] == ["results", "proposals", "plan"]
    # one of the two is out of the expected order, and less sure
    assert sorted([part.section("plan").confidence, part.section("proposals").confidence]) == [0.6, 1.0]
    assert texts.PLAN in part.section("plan").text and texts.PLAN not in part.section("proposals").text


@pytest.mark.parametrize(
    "first, second",
    [
        ("I - KẾT QUẢ THỰC HIỆN NĂM 2019", "II - TỒN TẠI, HẠN CHẾ"),
        ("I) KẾT QUẢ THỰC HIỆN NĂM 2019", "II) TỒN TẠI, HẠN CHẾ"),
        ("PHẦN I: KẾT QUẢ THỰC HIỆN NĂM 2019", "PHẦN II: TỒN TẠI, HẠN CHẾ"),
        ("Phần 1. Kết quả thực hiện năm 2019", "Phần 2. Tồn tại, hạn chế"),
        ("1.1. Kết quả thực hiện năm 2019", "1.2. Tồn tại, hạn chế"),
        ("a) Kết quả thực hiện năm 2019", "b) Tồn tại, hạn chế"),
    ],
)
def test_numbering_schemes_in_the_text(first, second):
    blocks = [
        *as_pdf_lines(letterhead()),
        para(first),
        para(texts.RESULTS),
        para(second),
        para(texts.SHORTCOMINGS),
    ]
    part = only_part(blocks)
    assert {s.key: s.heading for s in part.sections} == {"results": first, "shortcomings": second}
    assert texts.SHORTCOMINGS not in part.section("results").text


def test_docx_automatic_numbering_and_heading_levels():
    blocks = [
        *letterhead(),
        Block(BlockKind.HEADING, "Kết quả thực hiện năm 2019", level=1, numbering="I."),
        para(texts.RESULTS),
        Block(BlockKind.PARAGRAPH, "Nhiệm vụ giảm nghèo", numbering="1.", style="Heading 2", level=2),
        para("Toàn tỉnh có 1.205 hộ thoát nghèo trong năm 2019."),
        Block(BlockKind.HEADING, "Phương hướng năm 2020", level=1, numbering="II."),
        para(texts.PLAN),
    ]
    part = only_part(blocks)
    assert {s.key: s.heading for s in part.sections} == {
        "results": "I. Kết quả thực hiện năm 2019",
        "plan": "II. Phương hướng năm 2020",
    }
    assert "1. Nhiệm vụ giảm nghèo" in part.section("results").text


def test_wrapped_pdf_heading_is_joined_and_a_wrapped_numbered_sentence_is_not_a_heading():
    blocks = [
        *as_pdf_lines(letterhead()),
        para("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ VỀ LAO ĐỘNG, NGƯỜI CÓ CÔNG VÀ XÃ HỘI"),
        para("NĂM 2019"),
        para("1. Chính sách hỗ trợ đào tạo nghề cho lao động nông thôn được triển khai tại 14 huyện,"),
        para("thị xã, thành phố với 6.420 người tham gia."),
        para("II. TỒN TẠI, HẠN CHẾ"),
        para(texts.SHORTCOMINGS),
    ]
    part = only_part(blocks)
    assert part.found == ("results", "shortcomings")
    assert part.section("results").heading == (
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ VỀ LAO ĐỘNG, NGƯỜI CÓ CÔNG VÀ XÃ HỘI NĂM 2019"
    )


# --- A .docx printed to PDF: the letterhead's narrow columns wrap their lines ------------------------
def _wrapped_letterhead(code: str, number: int, page: int) -> list[Block]:
    """The letterhead lines LibreOffice gives for a .docx letterhead table (Bà Rịa - Vũng Tàu, Times 13 pt)."""
    return [para(text, page=page) for text in (
        "UBND TỈNH BÀ RỊA - VŨNG", "TÀU", "SỞ LAO ĐỘNG - THƯƠNG", "BINH VÀ XÃ HỘI", "CỘNG HOÀ XÃ HỘI CHỦ",
        "NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", f"Số: {number}/{code}-SLĐTBXH Bà Rịa - Vũng Tàu, ngày 3",
        "tháng 12 năm 2019",
    )]


def _printed_letter_then_report(signer: str | None = None) -> list[Block]:
    letter = [
        *_wrapped_letterhead("CV", 1332, page=1),
        para("V/v gửi báo cáo kết quả thực hiện nhiệm vụ năm 2019", page=1),
        para("Kính gửi: Bộ Lao động - Thương binh và Xã hội", page=1),
        para("Thực hiện Công văn số 5025/LĐTBXH-KHTC ngày 25/11/2019 của Bộ Lao động - Thương binh và Xã hội, "
             "Sở Lao động - Thương binh và Xã hội tỉnh Bà Rịa - Vũng Tàu gửi kèm theo công văn này báo cáo kết "
             "quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020.", page=1),
        *[para(text, page=1) for text in ("Nơi nhận:", "- Bộ LĐTBXH (Vụ KHTC);", "- Lưu: VT.", "GIÁM ĐỐC")],
        *([para(signer, page=1)] if signer else []),
    ]
    report = [
        *_wrapped_letterhead("BC", 2068, page=1 if signer else 2),
        para("BÁO CÁO"),
        para("Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020"),
        para("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM"),
        para("2019"),
        para(texts.RESULTS),
        para("II. TÌNH HÌNH TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH,"),
        para("CHƯƠNG TRÌNH, ĐỀ ÁN"),
        para(texts.POLICIES),
        para("III. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN VÀ NGUYÊN NHÂN"),
        para(texts.SHORTCOMINGS),
        para("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU"),
        para("NĂM 2020"),
        para(texts.PLAN),
        para("V. KIẾN NGHỊ, ĐỀ XUẤT"),
        para(texts.PROPOSALS),
        para("Nơi nhận:"),
        para("GIÁM ĐỐC"),
    ]
    return letter + report


@pytest.mark.parametrize("signer", [None, "NGUYỄN VĂN HÙNG"], ids=["next-page", "same-page-signer-in-capitals"])
def test_a_printed_letter_and_report_split_at_the_first_wrapped_letterhead_line(signer):
    blocks = _printed_letter_then_report(signer)
    letter, report = split(blocks).parts
    assert blocks[report.start].text == "UBND TỈNH BÀ RỊA - VŨNG" and report.start == letter.end
    assert letter.closing[-1].text == (signer or "GIÁM ĐỐC")
    assert (letter.role, letter.letterhead.doc_type_code, letter.letterhead.day) == ("covering_letter", "CV", 3)
    assert (report.role, report.found) == ("report", ALL)
    head = report.letterhead
    assert head.issuer_lines == ("UBND TỈNH BÀ RỊA - VŨNG TÀU", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    assert (head.number, head.place, head.date_text) == (
        "2068/BC-SLĐTBXH", "Bà Rịa - Vũng Tàu", "ngày 3 tháng 12 năm 2019"
    )
    assert [s.heading for s in report.sections] == [
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019",
        "II. TÌNH HÌNH TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN",
        "III. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN VÀ NGUYÊN NHÂN",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU NĂM 2020",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
    ]


def test_a_paragraph_naming_the_country_starts_no_new_document():
    blocks = texts.roman_five()
    at = next(i for i, b in enumerate(blocks) if b.text == texts.POLICIES)
    quoted = para("Thực hiện Bộ luật Lao động của nước Cộng hòa xã hội chủ nghĩa Việt Nam, Sở đã hướng dẫn "
                  "doanh nghiệp sửa đổi nội quy lao động.")
    part = only_part([*blocks[:at], quoted, *blocks[at:]])
    assert part.found == ALL


def test_a_heading_wrapped_before_its_year_takes_the_year_but_a_number_line_under_a_sentence_stays():
    part = only_part([
        *as_pdf_lines(letterhead()),
        para("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM"),
        para("2019"),
        para(texts.RESULTS),
        para("II. Tồn tại, hạn chế trong năm"),
        para("2019"),
        para(texts.SHORTCOMINGS),
    ])
    assert part.section("results").heading == "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019"
    assert part.section("shortcomings").heading == "II. Tồn tại, hạn chế trong năm"


def test_empty_document():
    analysis = split([])
    (part,) = analysis.parts
    assert (part.role, part.reason, part.preamble, part.closing) == ("other", "no_sections", (), ())


# --- Nothing lost, nothing doubled -----------------------------------------------------------------
_SAMPLES = [b for layout in texts.LAYOUTS.values() for b in layout()] + texts.covering_letter()
_SAMPLES += [
    para(""),
    para("   "),
    Block(BlockKind.TABLE, "", table=None),
    Block(BlockKind.PARAGRAPH, "Trang 2", region=Region.FOOTER),
    Block(BlockKind.HEADING, "", level=1, numbering="I."),
    Block(BlockKind.PARAGRAPH, "x", numbering="a)"),
]
_TEXT = st.text(alphabet=st.sampled_from("aăâđeêioôơuưy AĂÂĐ IVX0123456789.,:;-()/\n\tKẾTQUẢNơinhận"), max_size=60)
_RANDOM = st.builds(
    Block,
    kind=st.sampled_from([BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.TABLE]),
    text=_TEXT,
    level=st.none() | st.integers(0, 9),
    numbering=st.none() | st.sampled_from(["I.", "1.", "a)", "-", "", "Phần thứ nhất"]),
    bold=st.booleans(),
)


def _assert_partition(blocks: list[Block]) -> None:
    analysis = split(blocks)
    placed: list[Block] = []
    position = 0
    for part in analysis.parts:
        assert part.start == position
        assert part.role in ("report", "covering_letter", "other")
        assert (part.reason == "no_sections") is (not part.sections)
        assert set(part.found) | set(part.missing) == set(ALL) and not set(part.found) & set(part.missing)
        placed += [*part.preamble, *(b for s in part.sections for b in s.blocks), *part.closing]
        for section in part.sections:
            assert 0.0 <= section.confidence <= 1.0
            assert section.blocks == tuple(blocks[section.start: section.end])
        position = part.end
    assert position == len(blocks)
    assert placed == blocks  # every block once, in order


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_SAMPLES) | _RANDOM, max_size=60))
def test_any_block_list_is_split_without_loss(blocks):
    _assert_partition(blocks)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(texts.LAYOUTS)), st.randoms(use_true_random=False), st.booleans())
def test_shuffled_reports_are_split_without_loss(layout, random, pdf):
    blocks = [*texts.covering_letter(), *texts.LAYOUTS[layout]()]
    blocks = as_pdf_lines(blocks) if pdf else blocks
    random.shuffle(blocks)
    _assert_partition(blocks)
