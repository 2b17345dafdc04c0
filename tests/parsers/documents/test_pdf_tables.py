"""pdf_tables (pdfium's lines and text, pdfplumber's table algorithm) against pdfplumber's own find_tables()."""

from __future__ import annotations

import io

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from docx import Document as WordDocument
from fpdf import FPDF

from parsers.documents.limits import Limits
from parsers.documents.model import BlockKind
from parsers.documents.pdf import read_pdf
from parsers.documents.pdf_tables import find_tables
from parsers.headers import nfc
from reportbox.sample_documents import docx_to_pdf, report_docx
from tests.parsers.documents import pdf_fixtures as fx
from tests.servers.availability import require_tool

MERGED_ROWS = (
    ("TT", "Chỉ tiêu", "Năm 2019", ""),
    ("", "", "Kế hoạch", "Thực hiện"),
    ("1", "Số hộ được hỗ trợ nhà ở theo chương trình giảm nghèo bền vững của tỉnh", "24.744", "25.100"),
    ("2", "Tỷ lệ hộ có nước sạch", "68,8%", "70,1%"),
)

# A table per page: (box top-based, rows), as pdfplumber's find_tables().extract() gives them.
PageTables = list[tuple[tuple[float, float, float, float], list[tuple[str, ...]]]]


def plumber_tables(data: bytes) -> list[PageTables]:
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found = []
            for table in page.find_tables():
                rows = [tuple(nfc(" ".join(cell.split())) if cell else "" for cell in row) for row in table.extract()]
                rows = [row for row in rows if any(row)]
                if len(rows) >= 2 and max(map(len, rows)) >= 2:
                    found.append((table.bbox, rows))
            pages.append(found)
    return pages


def fast_tables(data: bytes) -> list[PageTables]:
    pages = []
    pdf = pdfium.PdfDocument(data)
    try:
        for page in pdf:
            textpage = page.get_textpage()
            height = page.get_height()
            found = []
            for table in find_tables(page, textpage):
                left, bottom, right, top = table.box
                found.append(((left, height - top, right, height - bottom), list(table.table.rows)))
            pages.append(found)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return pages


def assert_same_tables(data: bytes, same_place: bool = True) -> list[PageTables]:
    """Same tables on every page, row for row and cell for cell, in the same place (to float precision).

    On a rotated page pdfplumber's boxes are in the displayed page, ours in PDF space: not compared."""
    fast, plumber = fast_tables(data), plumber_tables(data)
    assert len(fast) == len(plumber)
    for number, (ours, theirs) in enumerate(zip(fast, plumber, strict=True), start=1):
        assert [rows for _, rows in ours] == [rows for _, rows in theirs], f"page {number}"
        for (box, _), (their_box, _) in zip(ours, theirs, strict=True) if same_place else ():
            assert box == pytest.approx(their_box, abs=0.2), f"page {number}"
    return fast


# --- PDFs made in code ---------------------------------------------------------------------------
def rectangles_pdf() -> bytes:
    """Cell borders drawn as thin filled rectangles, as Word does, with a wrapped cell."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", fx.DEJAVU)
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    pdf.cell(0, 8, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019", new_x="LMARGIN", new_y="NEXT")
    xs, ys = (20, 35, 110, 140, 180), (40, 50, 60, 75, 85)
    for x in xs:
        pdf.rect(x - 0.25, ys[0] - 0.25, 0.5, ys[-1] - ys[0] + 0.5, style="F")
    for y in ys:
        pdf.rect(xs[0] - 0.25, y - 0.25, xs[-1] - xs[0] + 0.5, 0.5, style="F")
    rows = list(fx.TABLE_ROWS)
    rows[2] = ("2", "Tỷ lệ hộ có nước sạch theo quy chuẩn", "%", "68,8%")
    for row, top in zip(rows, ys, strict=False):
        for text, left, right in zip(row, xs, xs[1:], strict=False):
            pdf.set_xy(left + 1, top + 2)
            pdf.multi_cell(right - left - 2, 5, text)
    return bytes(pdf.output())


def as_form_xobject(data: bytes, turned: bool = False) -> bytes:
    """The first page drawn inside a form XObject, scaled and moved: the lines need both matrices.

    `turned`: drawn a quarter turn on a landscape page with /Rotate 90, so it reads upright, as
    some printer drivers make landscape pages."""
    source = pdfium.PdfDocument(data)
    target = pdfium.PdfDocument.new()
    try:
        page = target.new_page(842, 595) if turned else target.new_page(595, 842)
        xobject = pdfium_c.FPDF_NewXObjectFromPage(target.raw, source.raw, 0)
        form = pdfium_c.FPDF_NewFormObjectFromXObject(xobject)
        pdfium_c.FPDFPageObj_Transform(form, *((0, 0.9, -0.9, 0, 800, 10) if turned else (0.8, 0, 0, 0.8, 30, 20)))
        pdfium_c.FPDFPage_InsertObject(page.raw, form)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        if turned:
            page.set_rotation(90)
        pdfium_c.FPDF_CloseXObject(xobject)
        out = io.BytesIO()
        target.save(out)
        return out.getvalue()
    finally:
        target.close()
        source.close()


def test_fixture_ruled_table_is_found_as_pdfplumber_finds_it():
    pages = assert_same_tables(fx.report_pdf())
    assert [len(tables) for tables in pages] == [0, 1, 0]  # the stamp's box on page 3 is no table
    assert tuple(pages[1][0][1]) == fx.TABLE_ROWS


def test_borders_drawn_as_thin_filled_rectangles():
    pages = assert_same_tables(rectangles_pdf())
    rows = pages[0][0][1]
    assert rows[0] == fx.TABLE_ROWS[0] and rows[2] == ("2", "Tỷ lệ hộ có nước sạch theo quy chuẩn", "%", "68,8%")


def test_a_table_inside_a_scaled_form_xobject():
    pages = assert_same_tables(as_form_xobject(rectangles_pdf()))
    assert len(pages[0]) == 1 and pages[0][0][1][3] == fx.TABLE_ROWS[3]


def test_a_rotated_page_reads_its_table_as_displayed():
    data = as_form_xobject(rectangles_pdf(), turned=True)
    pages = assert_same_tables(data, same_place=False)
    assert len(pages[0]) == 1 and pages[0][0][1][3] == fx.TABLE_ROWS[3]
    document = read_pdf(data, "xoay.pdf", Limits(ocr=False))
    blocks = [(block.kind, block.text) for block in document.blocks]
    table = next(block for block in document.blocks if block.kind == BlockKind.TABLE)
    assert table.table.rows[0] == fx.TABLE_ROWS[0]
    assert not [text for kind, text in blocks if kind != BlockKind.TABLE and "24.744" in text]


def test_a_page_with_no_ruling_has_no_tables():
    assert fast_tables(fx.text_pdf([fx.REPORT_PAGES[0]])) == [[]]


# --- PDFs made by LibreOffice from .docx ---------------------------------------------------------
def merged_cells_docx() -> bytes:
    """A header row spanning two columns and two cells spanning two rows; a second page with no table."""
    document = WordDocument()
    document.add_paragraph("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019")
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for r, row in enumerate(MERGED_ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Năm 2019"
    table.cell(0, 0).merge(table.cell(1, 0)).text = "TT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Chỉ tiêu"
    document.add_paragraph("Kiến nghị, đề xuất")
    document.add_page_break()
    document.add_paragraph("Cộng hoà xã hội chủ nghĩa Việt Nam")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def office_pdfs() -> dict[str, bytes]:
    require_tool("soffice", "to make PDFs with tables as Word users do")
    return docx_to_pdf({"report.docx": report_docx("Quảng Ninh", 2019, 3, 1), "merged.docx": merged_cells_docx()})


def test_libreoffice_report_tables_match_pdfplumber(office_pdfs):
    pages = assert_same_tables(office_pdfs["report.docx"])
    tables = [rows for page in pages for _, rows in page]
    assert len(tables) == 1  # the letterhead table has no borders
    assert tables[0][0] == ("TT", "Chỉ tiêu", "Đơn vị", "KH 2019", "TH 2019") and len(tables[0]) == 6
    assert all(len(row) == 5 and row[2] == "người" for row in tables[0][1:])
    assert all(not page for page in pages[1:])


def test_libreoffice_merged_cells_match_pdfplumber(office_pdfs):
    pages = assert_same_tables(office_pdfs["merged.docx"])
    assert len(pages) == 2 and pages[1] == []
    assert tuple(pages[0][0][1]) == MERGED_ROWS


def test_read_pdf_puts_the_merged_table_in_place_of_its_lines(office_pdfs):
    document = read_pdf(office_pdfs["merged.docx"], "bao-cao.pdf", Limits(ocr=False))
    assert not document.notes
    texts = [block.text for block in document.blocks]
    table = next(block for block in document.blocks if block.kind == BlockKind.TABLE)
    assert table.table.rows == MERGED_ROWS and table.page == 1
    assert texts.index(table.text) == texts.index("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019") + 1
    assert not [text for text in texts if "24.744" in text and text != table.text]
