"""The ministry's two request letters (tests/data/letters/, as pasted from a web page) turned into the
files a planner would really hold: a .docx with the letterhead as a borderless two-column table, a text
PDF, a scanned PDF (the text PDF's pages rendered to images, no text layer) and an .eml carrying the docx.

Made in code, once per test module; the .txt files are kept byte for byte as they were pasted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

LETTERS_DIR = Path(__file__).resolve().parent.parent / "data" / "letters"
LETTER_2019 = LETTERS_DIR / "5025-LDTBXH-KHTC-2019.txt"
LETTER_2017 = LETTERS_DIR / "5121-LDTBXH-KHTC-2017.txt"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

_JUNK = ("Dịch vụ doanh nghiệp online", "Đang tải nội dung")
_MARKS = re.compile(r"\*+")


@dataclass(frozen=True)
class LetterLayout:
    """A pasted letter cut into what a real letter lays out apart."""

    issuer: tuple[str, ...]  # left column, top
    motto: tuple[str, ...]  # right column, top
    number: tuple[str, ...]  # left column: "Số: …" and the "V/v …" lines
    place_date: str  # right column
    body: tuple[tuple[str, ...], ...]  # paragraphs, each its lines as pasted
    bold: frozenset[str]  # lines the paste marked bold (without the marks)


def layout(text: str) -> LetterLayout:
    """Classify the pasted lines: the letterhead up to "Kính gửi", then the body's paragraphs."""
    paragraphs: list[list[tuple[str, bool]]] = [[]]
    for raw in text.splitlines():
        line = raw.strip().replace("\u00a0", " ").strip()
        if any(line.startswith(junk) for junk in _JUNK):
            continue
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append((" ".join(_MARKS.sub("", line).split()), "**" in raw))
    paragraphs = [p for p in paragraphs if p]
    bold = frozenset(line for p in paragraphs for line, is_bold in p if is_bold)
    head = next(i for i, p in enumerate(paragraphs) if p[0][0].startswith("Kính gửi"))
    issuer, motto, number, place_date = [], [], [], ""
    for paragraph in paragraphs[:head]:
        lines = [line for line, _ in paragraph if not set(line) <= {"-"}]
        first = lines[0] if lines else ""
        if first.startswith(("CỘNG HÒA", "CỘNG HOÀ")):
            motto += lines
        elif first.startswith("Số:"):
            number += lines
        elif first.startswith("Hà Nội"):
            place_date = first
        elif lines:
            issuer += lines
    body = tuple(tuple(line for line, _ in p) for p in paragraphs[head:])
    # A paragraph wrapped in the paste ("Kính gửi: …" / "các tỉnh/…") is one paragraph of the letter;
    # lists ("Nơi nhận:", "- Như trên;") and the signature keep their lines.
    return LetterLayout(tuple(issuer), tuple(motto), tuple(number), place_date, body, bold)


def _paragraph_lines(paragraph: tuple[str, ...]) -> list[str]:
    if any(line.startswith("- ") for line in paragraph[1:]) or paragraph[0].startswith(("Nơi nhận", "KT.")):
        return list(paragraph)
    return [" ".join(paragraph)]


def letter_docx(text: str) -> bytes:
    """The letter as the ministry's clerk types it: a borderless 2×2 table for the letterhead, then paragraphs."""
    import docx

    parts = layout(text)
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)  # the default style draws no borders
    cells = ((parts.issuer + ("-------",), parts.motto + ("---------------",)), (parts.number, (parts.place_date,)))
    for row, pair in zip(table.rows, cells):
        for cell, lines in zip(row.cells, pair):
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.bold = paragraph.text in parts.bold or paragraph.text in parts.issuer + parts.motto
    for paragraph in parts.body:
        for line in _paragraph_lines(paragraph):
            document.add_paragraph().add_run(line).bold = line in parts.bold
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letter_pdf(text: str) -> bytes:
    """The letter printed to PDF: the letterhead's two columns side by side, then wrapped paragraphs."""
    from fpdf import FPDF

    parts = layout(text)
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", DEJAVU)
    pdf.add_font("DejaVu", "B", DEJAVU_BOLD)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_xy(10, top)
    pdf.multi_cell(70, 5, "\n".join(parts.issuer), align="C")
    pdf.set_xy(95, top)
    pdf.multi_cell(105, 5, "\n".join(parts.motto), align="C")
    pdf.set_font("DejaVu", "", 10)
    top = max(pdf.get_y(), top + 15) + 4
    pdf.set_xy(10, top)
    pdf.multi_cell(75, 5, "\n".join(parts.number), align="C")
    left_end = pdf.get_y()
    pdf.set_xy(95, top)
    pdf.multi_cell(105, 5, parts.place_date, align="R")
    pdf.set_y(max(left_end, pdf.get_y()) + 6)
    pdf.set_font("DejaVu", "", 11)
    for paragraph in parts.body:
        for line in _paragraph_lines(paragraph):
            pdf.set_font("DejaVu", "B" if line in parts.bold else "", 11)
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def scanned_pdf(pdf: bytes, dpi: int = 200) -> bytes:
    """Each page of `pdf` rendered to a grey image, saved as an image-only PDF: a scan, no text layer."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("RGB") for page in document]
    finally:
        document.close()
    out = io.BytesIO()
    first, *rest = images
    first.save(out, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return out.getvalue()


def letter_eml(attachment: bytes, filename: str, subject: str) -> bytes:
    """The letter as the ministry mails it: a short body and the .docx attached."""
    message = EmailMessage()
    message["From"] = "Vụ Kế hoạch - Tài chính <phongkh@molisa.gov.vn>"
    message["To"] = "sldtbxh@quangninh.gov.vn"
    message["Subject"] = subject
    message["Date"] = "Mon, 25 Nov 2019 16:02:00 +0700"
    message["Message-ID"] = "<letter-test@molisa.gov.vn>"
    message.set_content("Kính gửi các Sở,\n\nBộ gửi kèm công văn. Đề nghị các Sở thực hiện.\n")
    message.add_attachment(attachment, maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=filename)
    return message.as_bytes()
