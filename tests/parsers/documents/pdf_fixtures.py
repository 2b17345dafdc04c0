"""Builders of the PDFs and images the PDF and OCR tests read: made in code, never stored.

Text PDFs are written with fpdf2 (test-only dependency) and the DejaVu Sans TrueType font, which
has every Vietnamese glyph, so the text layer holds real Unicode. Scans are Pillow images of
Vietnamese text, saved as PNG or as an image-only PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from PIL import Image, ImageDraw, ImageFont

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADER_LINE = "UBND TỈNH QUẢNG NINH - BÁO CÁO NĂM 2019"

REPORT_PAGES: tuple[tuple[str, ...], ...] = (
    (
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "I. TÌNH HÌNH CHUNG",
        "Năm 2019, trong bối cảnh tình hình kinh tế thế giới và trong nước có nhiều khó khăn, thách thức, "
        "Ủy ban nhân dân tỉnh đã tập trung chỉ đạo quyết liệt các cấp, các ngành thực hiện đồng bộ các "
        "nhiệm vụ, giải pháp phát triển kinh tế - xã hội đã đề ra.",
    ),
    (
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "Tổng sản phẩm trên địa bàn tỉnh tăng 12,1% so với năm 2018, đứng thứ hai cả nước; thu ngân sách "
        "nhà nước đạt kết quả cao, cơ cấu kinh tế chuyển dịch đúng hướng.",
    ),
    (
        "III. Kiến nghị, đề xuất",
        "Đề nghị Bộ Kế hoạch và Đầu tư quan tâm, hỗ trợ tỉnh trong việc bố trí vốn đầu tư công trung hạn.",
    ),
)

TABLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("TT", "Chỉ tiêu", "Đơn vị", "Kết quả"),
    ("1", "Số hộ được hỗ trợ", "hộ", "24.744"),
    ("2", "Tỷ lệ hộ có nước sạch", "%", "68,8%"),
    ("3", "Lao động được tạo việc làm", "người", "17.350"),
)

STAMP_LINES = (
    "Người ký: Ủy ban Nhân dân tỉnh Quảng Ninh",
    "Email: ubnd@quangninh.gov.vn",
    "Cơ quan: Tỉnh Quảng Ninh",
    "Thời gian ký: 12.12.2019 09:14:03 +07:00",
)

TCVN3_LINES = (
    "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Báo cáo kết quả thực hiện nhiệm vụ năm 2019 của tỉnh Quảng Ninh",
    "Tổng sản phẩm trong nước tăng, người dân được hưởng lợi",
)

SCAN_LINES = (
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
    "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
    "Kiến nghị, đề xuất với Bộ Kế hoạch và Đầu tư",
)

# TCVN3 (VN3) code points of Vietnamese letters, as a Latin-1 text layer holds them.
_TCVN3_UNICODE = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵĂÂĐÊÔƠƯ"
_TCVN3_LEGACY = "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊË®ÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\xadõö÷øùúûüýþ¡¢§£¤¥¦"
_TCVN3_OF = dict(zip(_TCVN3_UNICODE, _TCVN3_LEGACY, strict=True))


def to_tcvn3(text: str) -> str:
    return "".join(_TCVN3_OF.get(c, c) for c in text)


class _Pdf(FPDF):
    """An A4 page with DejaVu Sans; optional running header and "Trang N" footer."""

    def __init__(self, running_header: str | None = None, page_numbers: str | None = None) -> None:
        super().__init__(format="A4")
        self.running_header = running_header
        self.page_numbers = page_numbers  # a format: "Trang {}", "- {} -"
        self.add_font("DejaVu", "", DEJAVU)
        self.add_font("DejaVu", "B", DEJAVU_BOLD)
        self.set_font("DejaVu", size=11)
        self.set_auto_page_break(True, margin=20)

    def header(self) -> None:
        if self.running_header:
            self.set_font("DejaVu", size=9)
            self.cell(0, 6, self.running_header, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
            self.set_font("DejaVu", size=11)

    def footer(self) -> None:
        if self.page_numbers:
            self.set_y(-15)
            self.set_font("DejaVu", size=9)
            self.cell(0, 6, self.page_numbers.format(self.page_no()), align="C")
            self.set_font("DejaVu", size=11)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def ruled_table(self, rows: Sequence[Sequence[str]]) -> None:
        with self.table(borders_layout="ALL", col_widths=(10, 60, 20, 25), text_align="LEFT") as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        self.ln(4)

    def stamp(self, lines: Sequence[str]) -> None:
        """A signature stamp as e-government signing software draws it: a small box of text, bottom right."""
        self.set_font("DejaVu", size=7)
        x, y = 120.0, self.get_y() + 6
        self.rect(x - 2, y - 2, 78, 6 + 4 * len(lines))
        for i, line in enumerate(lines):
            self.set_xy(x, y + 4 * i)
            self.cell(74, 4, line)
        self.set_font("DejaVu", size=11)


def _bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def report_pdf(*, with_table: bool = True, with_stamp: bool = True) -> bytes:
    """Three pages: running header, "Trang N" footers, a ruled table on page 2, a stamp on page 3."""
    pdf = _Pdf(running_header=HEADER_LINE, page_numbers="Trang {}")
    for number, page in enumerate(REPORT_PAGES, start=1):
        pdf.add_page()
        for text in page:
            pdf.paragraph(text)
        if number == 2 and with_table:
            pdf.ruled_table(TABLE_ROWS)
            pdf.paragraph("Các chỉ tiêu chủ yếu đều đạt và vượt kế hoạch đề ra.")
        if number == 3 and with_stamp:
            pdf.stamp(STAMP_LINES)
    return _bytes(pdf)


def text_pdf(pages: Sequence[Sequence[str]], **options) -> bytes:
    """One page per item, each a list of paragraphs."""
    pdf = _Pdf(**options)
    for page in pages:
        pdf.add_page()
        for text in page:
            pdf.paragraph(text)
    return _bytes(pdf)


def long_text_pdf(pages: int) -> bytes:
    """`pages` full pages of wrapped Vietnamese paragraphs with headers and footers: the speed test's input."""
    paragraph = REPORT_PAGES[0][4]
    pdf = _Pdf(running_header=HEADER_LINE, page_numbers="Trang {}")
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.paragraph(f"{number}. KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
        for _ in range(7):
            pdf.paragraph(paragraph)
    return _bytes(pdf)


def tcvn3_pdf() -> bytes:
    """A text layer in TCVN3 bytes, drawn with a core (Latin-1) font as a legacy document's PDF holds it."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    for line in TCVN3_LINES:
        pdf.cell(0, 8, to_tcvn3(line), new_x="LMARGIN", new_y="NEXT")
    return _bytes(pdf)


def encrypted_pdf(user_password: str) -> bytes:
    pdf = _Pdf()
    pdf.add_page()
    pdf.paragraph(REPORT_PAGES[0][2])
    pdf.set_encryption(owner_password="chu-so-huu", user_password=user_password,
                       encryption_method=EncryptionMethod.RC4)
    return _bytes(pdf)


def blank_pages_pdf(pages: int) -> bytes:
    pdf = FPDF(format=(105, 148))
    for _ in range(pages):
        pdf.add_page()
    return _bytes(pdf)


def text_image(lines: Sequence[str] = SCAN_LINES, *, dpi: int = 200) -> Image.Image:
    """Black Vietnamese text on white, as a scanner at `dpi` sees 12-point type."""
    size = round(12 * dpi / 72)
    font = ImageFont.truetype(DEJAVU, size)
    width, line_height = round(6.5 * dpi), round(size * 1.8)
    image = Image.new("L", (width, line_height * (len(lines) + 2)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines, start=1):
        draw.text((size, line_height * i), line, font=font, fill=0)
    return image


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def scanned_pdf(images: Sequence[Image.Image], dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer), one page per image, as a scanner's software saves it."""
    out = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(out, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return out.getvalue()


def stamp_annotation_pdf(base: bytes | None = None) -> bytes:
    """`base`'s first page (a text page by default) signed with a stamp annotation: the stamp's text
    is in the annotation's appearance, not the page's text (made with pdfium, as signing tools do)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(base or text_pdf([REPORT_PAGES[2]]))
    try:
        page = pdf[0]
        with open(DEJAVU, "rb") as file:
            font_data = file.read()
        font_buffer = (ctypes.c_uint8 * len(font_data)).from_buffer_copy(font_data)
        font = pdfium_c.FPDFText_LoadFont(pdf.raw, font_buffer, len(font_data), pdfium_c.FPDF_FONT_TRUETYPE, 1)
        annot = pdfium_c.FPDFPage_CreateAnnot(page.raw, pdfium_c.FPDF_ANNOT_STAMP)
        width = page.get_width()
        left = width - 230  # bottom right, where signing tools put it
        pdfium_c.FPDFAnnot_SetRect(annot, ctypes.byref(pdfium_c.FS_RECTF(left, 8, width - 5, 60)))
        for i, line in enumerate(STAMP_LINES):
            text = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, 8.0)
            utf16 = (line + "\0").encode("utf-16-le")
            pdfium_c.FPDFText_SetText(text, (ctypes.c_ushort * (len(utf16) // 2)).from_buffer_copy(utf16))
            pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, left + 5, 48 - 12 * i)
            pdfium_c.FPDFAnnot_AppendObject(annot, text)
        pdfium_c.FPDFPage_CloseAnnot(annot)
        page.close()
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()


def mixed_pdf() -> bytes:
    """Page 1 has a text layer, page 2 is a scan: PDF pages joined with pypdfium2."""
    import pypdfium2 as pdfium

    text = pdfium.PdfDocument(text_pdf([REPORT_PAGES[2]]))
    scan = pdfium.PdfDocument(scanned_pdf([text_image()]))
    try:
        text.import_pages(scan)
        out = io.BytesIO()
        text.save(out)
        return out.getvalue()
    finally:
        scan.close()
        text.close()
