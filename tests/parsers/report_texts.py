"""Realistic skeletons of provinces' year-end reports (2019 results, 2020 plan) as Block lists.

Each function returns the blocks a reader would give for one layout seen in real reports. The
distinctive sentences below are placed in one section each, so tests (and demo data) can check
where text ends up. `as_pdf_lines` turns any of them into what a PDF reader gives: one paragraph
block per line, numbering inside the text, no bold, no styles, the letterhead columns interleaved.
"""

from __future__ import annotations

import textwrap

from parsers.documents.model import Block, BlockKind, Table

# One distinctive sentence per section.
PREAMBLE = (
    "Thực hiện Công văn số 5025/LĐTBXH-KHTC ngày 15/11/2019 của Bộ Lao động - Thương binh và Xã hội về việc "
    "báo cáo kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020, Sở Lao động - Thương binh và Xã hội "
    "báo cáo như sau:"
)
RESULTS = "Giải quyết việc làm cho 24.744 lao động, đạt 103% kế hoạch năm, tăng 2,1% so với năm 2018."
POLICIES = (
    "Chi trả kịp thời trợ cấp ưu đãi hằng tháng cho 12.350 người có công với cách mạng, "
    "với tổng kinh phí 398,6 tỷ đồng."
)
SHORTCOMINGS = (
    "Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ mới đạt 23,5%, thấp hơn mức bình quân của vùng "
    "Đồng bằng sông Hồng."
)
PLAN = "Phấn đấu giải quyết việc làm cho 25.000 lao động, trong đó đưa 1.200 lao động đi làm việc ở nước ngoài."
PROPOSALS = (
    "Đề nghị Chính phủ sớm ban hành Nghị định sửa đổi, bổ sung chính sách hỗ trợ người lao động "
    "bị mất việc làm do doanh nghiệp giải thể."
)
CLOSING = "Nguyễn Văn Hùng"
DISTINCT = {
    "results": RESULTS,
    "policies": POLICIES,
    "shortcomings": SHORTCOMINGS,
    "plan": PLAN,
    "proposals": PROPOSALS,
}

_MORE = {
    "results": (
        "Tổ chức 24 phiên giao dịch việc làm, thu hút 8.560 lượt người lao động tham gia.",
        "Tỷ lệ hộ nghèo giảm từ 1,12% xuống còn 0,44%, vượt chỉ tiêu Nghị quyết Hội đồng nhân dân tỉnh giao.",
    ),
    "policies": (
        "Triển khai Đề án hỗ trợ đào tạo nghề cho lao động nông thôn, đào tạo cho 6.420 người.",
        "Thực hiện chính sách bảo hiểm thất nghiệp cho 5.012 người, tổng số tiền chi trả 71,3 tỷ đồng.",
    ),
    "shortcomings": (
        "Công tác thông tin thị trường lao động chưa đáp ứng yêu cầu của doanh nghiệp.",
        "Nguyên nhân chủ yếu là nguồn lực đầu tư còn hạn chế, cán bộ cấp xã kiêm nhiệm nhiều việc.",
    ),
    "plan": (
        "Giảm tỷ lệ hộ nghèo xuống dưới 0,3% theo chuẩn nghèo đa chiều.",
        "Tập trung nâng cao chất lượng đào tạo nghề gắn với nhu cầu của doanh nghiệp.",
    ),
    "proposals": ("Đề nghị Bộ Lao động - Thương binh và Xã hội bổ sung kinh phí thực hiện Đề án cho tỉnh.",),
}


# --- Block builders -------------------------------------------------------------------------------
def para(text: str, **fields: object) -> Block:
    return Block(BlockKind.PARAGRAPH, text, **fields)  # type: ignore[arg-type]


def bold(text: str) -> Block:
    return para(text, bold=True)


def heading(text: str, level: int, numbering: str | None = None) -> Block:
    return Block(BlockKind.HEADING, text, level=level, style=f"Heading {level}", numbering=numbering, bold=True)


def table(*rows: tuple[str, ...]) -> Block:
    grid = Table(tuple(rows))
    return Block(BlockKind.TABLE, grid.text, table=grid)


def body(key: str, first: bool = True) -> list[Block]:
    """Two to three sentences of a section; the distinctive one first when `first`."""
    paragraphs = [DISTINCT[key], *_MORE[key]] if first else [*_MORE[key], DISTINCT[key]]
    return [para(text) for text in paragraphs]


def letterhead(number: str = "1234/BC-SLĐTBXH", date: str = "Quảng Ninh, ngày 12 tháng 12 năm 2019") -> list[Block]:
    return [
        table(
            (
                "UBND TỈNH QUẢNG NINH\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n-------",
                "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------",
            ),
            (f"Số: {number}", date),
        ),
        bold("BÁO CÁO"),
        bold("Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020"),
        para("_______________"),
    ]


def closing() -> list[Block]:
    return [
        table(
            (
                "Nơi nhận:\n- Bộ LĐTBXH (b/c);\n- UBND tỉnh (b/c);\n- Lưu: VT, KHTC.",
                f"KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\n{CLOSING}",
            ),
        )
    ]


# --- Layouts ----------------------------------------------------------------------------------------
def roman_five() -> list[Block]:
    """(a) Five bold headings straight under I–V, numbering typed in the text; misleading sub-headings."""
    return [
        *letterhead(),
        para(PREAMBLE),
        bold("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019"),
        bold("1. Về lao động, việc làm"),
        *body("results"),
        bold("2. Thực hiện nhiệm vụ giảm nghèo"),
        para("Toàn tỉnh có 1.205 hộ thoát nghèo trong năm 2019."),
        bold("II. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN"),
        *body("policies"),
        bold("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"),
        *body("shortcomings"),
        bold("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020"),
        bold("1. Kết quả thực hiện các chỉ tiêu chủ yếu cần đạt"),
        *body("plan"),
        bold("2. Nhiệm vụ, giải pháp chủ yếu"),
        para("Đẩy mạnh ứng dụng công nghệ thông tin trong quản lý đối tượng bảo trợ xã hội."),
        bold("V. KIẾN NGHỊ, ĐỀ XUẤT"),
        *body("proposals"),
        *closing(),
    ]


def parts_with_styles() -> list[Block]:
    """(b) "PHẦN THỨ NHẤT" / "PHẦN THỨ HAI" on a line above their titles, heading styles, docx
    automatic numbering "1." "2." "3." in Block.numbering; proposals is item 3 of part two."""
    return [
        *letterhead(),
        para(PREAMBLE),
        heading("PHẦN THỨ NHẤT", 1),
        heading("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019", 1),
        heading("Kết quả thực hiện các chỉ tiêu", 2, "1."),
        *body("results"),
        heading("Việc tổ chức thực hiện cơ chế, chính sách", 2, "2."),
        *body("policies"),
        heading("Tồn tại, hạn chế và nguyên nhân", 2, "3."),
        *body("shortcomings"),
        heading("PHẦN THỨ HAI", 1),
        heading("PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020", 1),
        heading("Mục tiêu, chỉ tiêu chủ yếu", 2, "1."),
        *body("plan"),
        heading("Nhiệm vụ và giải pháp", 2, "2."),
        para("Tiếp tục thực hiện có hiệu quả Chương trình mục tiêu quốc gia giảm nghèo bền vững."),
        heading("Kiến nghị, đề xuất", 2, "3."),
        *body("proposals"),
        *closing(),
    ]


def letters_ab() -> list[Block]:
    """(c) A / B / C with Roman headings inside; plan is "B. NHIỆM VỤ, GIẢI PHÁP" (weak words only)."""
    return [
        *letterhead(),
        para(PREAMBLE),
        bold("A. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"),
        bold("I. Kết quả đạt được"),
        *body("results"),
        bold("II. Công tác triển khai các chính sách, chương trình, đề án"),
        *body("policies"),
        bold("III. Những khó khăn, vướng mắc"),
        *body("shortcomings"),
        bold("B. NHIỆM VỤ, GIẢI PHÁP NĂM 2020"),
        bold("I. Mục tiêu"),
        *body("plan"),
        bold("II. Các nhiệm vụ trọng tâm"),
        para("Rà soát, bổ sung quy hoạch mạng lưới cơ sở giáo dục nghề nghiệp."),
        bold("C. KIẾN NGHỊ"),
        *body("proposals"),
        *closing(),
    ]


def parent_with_children() -> list[Block]:
    """(d) Results is a parent with its own text; its children are policies and shortcomings."""
    return [
        *letterhead(),
        para(PREAMBLE),
        bold("I. KẾT QUẢ THỰC HIỆN NĂM 2019"),
        *body("results"),
        bold("1. Việc thực hiện các cơ chế, chính sách"),
        *body("policies"),
        bold("2. Tồn tại, hạn chế"),
        *body("shortcomings"),
        bold("II. KẾ HOẠCH NĂM 2020"),
        *body("plan"),
        bold("III. ĐỀ XUẤT, KIẾN NGHỊ"),
        *body("proposals"),
        *closing(),
    ]


def upper_case_only() -> list[Block]:
    """(e) No numbering on the main headings, only capitals; numbered sub-headings inside."""
    return [
        *letterhead(),
        para(PREAMBLE),
        para("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"),
        para("1. Công tác lao động, việc làm"),
        *body("results"),
        para("VIỆC TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH"),
        *body("policies"),
        para("NHỮNG TỒN TẠI, HẠN CHẾ"),
        *body("shortcomings"),
        para("PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020"),
        para("1. Nhiệm vụ trọng tâm"),
        *body("plan"),
        para("KIẾN NGHỊ"),
        *body("proposals"),
        *closing(),
    ]


def bold_only() -> list[Block]:
    """(e) Bold lines in sentence case, no numbering at all; an introduction before them."""
    return [
        *letterhead(),
        para(PREAMBLE),
        bold("Khái quát tình hình"),
        para("Năm 2019, kinh tế của tỉnh tăng trưởng 10,7%, thu nhập bình quân đầu người đạt 6.200 USD."),
        bold("Kết quả đạt được năm 2019"),
        *body("results"),
        para("- Về lao động, việc làm: hoàn thành các chỉ tiêu được giao."),
        bold("Tổ chức thực hiện chính sách, chương trình, đề án"),
        *body("policies"),
        bold("Khó khăn, vướng mắc và nguyên nhân"),
        *body("shortcomings"),
        bold("Kế hoạch năm 2020"),
        *body("plan"),
        bold("Đề xuất, kiến nghị"),
        *body("proposals", first=False),
        *closing(),
    ]


def general_assessment() -> list[Block]:
    """(f) "Đánh giá chung" for the results, "Những tồn tại, hạn chế"; no policies section."""
    return [
        *letterhead(),
        para(PREAMBLE),
        bold("1. Đánh giá chung"),
        *body("results"),
        bold("2. Những tồn tại, hạn chế"),
        *body("shortcomings"),
        bold("3. Nhiệm vụ năm 2020"),
        *body("plan"),
        bold("4. Kiến nghị"),
        *body("proposals"),
        *closing(),
    ]


LAYOUTS = {
    "roman_five": roman_five,
    "parts_with_styles": parts_with_styles,
    "letters_ab": letters_ab,
    "parent_with_children": parent_with_children,
    "upper_case_only": upper_case_only,
    "bold_only": bold_only,
    "general_assessment": general_assessment,
}


# --- Letters and other documents ----------------------------------------------------------------------
def covering_letter() -> list[Block]:
    """A công văn that sends the report as an attachment."""
    return [
        table(
            ("UBND TỈNH QUẢNG NINH\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "Độc lập - Tự do - Hạnh phúc"),
            ("Số: 1235/SLĐTBXH-KHTC\nV/v gửi báo cáo kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020",
             "Quảng Ninh, ngày 13 tháng 12 năm 2019"),
        ),
        para("Kính gửi: Bộ Lao động - Thương binh và Xã hội."),
        para(
            "Thực hiện Công văn số 5025/LĐTBXH-KHTC ngày 15/11/2019 của Bộ Lao động - Thương binh và Xã hội, "
            "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh gửi kèm báo cáo kết quả thực hiện nhiệm vụ "
            "năm 2019, kế hoạch năm 2020 (có báo cáo kèm theo)."
        ),
        para("Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh trân trọng báo cáo./."),
        table(("Nơi nhận:\n- Như trên;\n- Lưu: VT, KHTC.", "GIÁM ĐỐC\n\n\nTrần Thị Lan")),
    ]


def covering_letter_then_report() -> list[Block]:
    return [*covering_letter(), *roman_five()]


def report_without_sections() -> list[Block]:
    """A short BÁO CÁO in running text only."""
    return [
        *letterhead(),
        para(PREAMBLE),
        *body("results"),
        *body("plan"),
        *closing(),
    ]


# --- PDF-like ------------------------------------------------------------------------------------------
def as_pdf_lines(blocks: list[Block], width: int = 95) -> list[Block]:
    """What a PDF text layer gives: each line its own paragraph, numbering in the text, no bold or styles;
    a table's columns interleaved line by line."""
    lines: list[str] = []
    for block in blocks:
        if block.table is not None:
            for row in block.table.rows:
                columns = [[line for line in cell.splitlines() if line.strip()] for cell in row]
                for depth in range(max(len(c) for c in columns)):
                    lines += [c[depth] for c in columns if depth < len(c)]
        else:
            lines += textwrap.wrap(block.display_text, width) or [block.display_text]
    return [para(line, page=1) for line in lines if line.strip()]
