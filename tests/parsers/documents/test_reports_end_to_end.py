"""Whole reports as provinces send them, from file bytes to outline sections: .docx and its PDF.

The PDFs are printed by LibreOffice from the sample .docx, as provinces do: the letterhead table's narrow
columns wrap the issuer, the motto and the date, and long headings wrap before their year.
"""

from __future__ import annotations

import io
import re

import docx
import pytest

from parsers.documents.model import Region
from parsers.documents.read import read_document
from parsers.sections import Part, split_document
from reportbox.sample_documents import docx_to_pdf, report_docx
from tests.servers.availability import require_tool

OUTLINE = ("results", "policies", "shortcomings", "plan", "proposals")
HEADINGS = (
    "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM 2019",
    "II. TÌNH HÌNH TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN",
    "III. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN VÀ NGUYÊN NHÂN",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU NĂM 2020",
    "V. KIẾN NGHỊ, ĐỀ XUẤT",
)
SUBJECTS = {
    "CV": "V/v gửi báo cáo kết quả thực hiện nhiệm vụ năm 2019",
    "BC": "Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020",
}
TITLES = {"CV": "CÔNG VĂN", "BC": "BÁO CÁO"}

# name → (province, pages, with a covering letter): long names wrap in the letterhead's columns, short ones do not;
# two pages at least, or the sample has no indicator table
SAMPLES = {
    "report": ("Quảng Ninh", 4, False),
    "letter-and-report": ("Đắk Lắk", 2, True),
    "ba-ria-vung-tau": ("Bà Rịa - Vũng Tàu", 2, False),
    "ba-ria-vung-tau-with-letter": ("Bà Rịa - Vũng Tàu", 3, True),
    "thua-thien-hue": ("Thừa Thiên Huế", 2, False),
    "thua-thien-hue-with-letter": ("Thừa Thiên Huế", 2, True),
    "ha-noi": ("Hà Nội", 3, False),
    "ha-noi-with-letter": ("Hà Nội", 2, True),
    "ca-mau": ("Cà Mau", 2, False),
    "ca-mau-with-letter": ("Cà Mau", 2, True),
    "quang-ninh-with-letter": ("Quảng Ninh", 4, True),
    "ho-chi-minh": ("Thành phố Hồ Chí Minh", 2, False),
    "ho-chi-minh-with-letter": ("Thành phố Hồ Chí Minh", 2, True),
}
MATRIX = [
    f"{name}.{kind}" for name in SAMPLES if name not in ("report", "letter-and-report") for kind in ("pdf", "docx")
]


@pytest.fixture(scope="module")
def files() -> dict[str, tuple[str, bytes]]:
    docx_files = {
        f"{name}.docx": report_docx(province, 2019, pages=pages, covering_letter=letter)
        for name, (province, pages, letter) in SAMPLES.items()
    }
    require_tool("soffice", "to turn the sample reports into PDFs as Word users do")
    pdfs = docx_to_pdf(docx_files)  # one LibreOffice run for all
    return {name: ("docx", data) for name, data in docx_files.items()} | {
        name.replace(".docx", ".pdf"): ("pdf", data) for name, data in pdfs.items()}


@pytest.mark.parametrize("name", ["report.docx", "report.pdf"])
def test_a_report_comes_out_as_the_outline(files, name):
    kind, data = files[name]
    document = read_document(data, name, kind)
    assert document.error is None
    [part] = split_document(document).parts
    assert part.role == "report" and part.found == OUTLINE and part.reason is None
    assert part.letterhead.title == "BÁO CÁO" and part.letterhead.place == "Quảng Ninh"
    assert part.section("shortcomings").heading.startswith("III. TỒN TẠI, HẠN CHẾ")
    assert any(block.table for block in part.section("results").blocks), "the indicator table is in results"
    assert not any("Nơi nhận" in block.text for section in part.sections for block in section.blocks)
    assert any("Nơi nhận" in block.text for block in part.closing)


@pytest.mark.parametrize("name", ["letter-and-report.docx", "letter-and-report.pdf"])
def test_a_covering_letter_and_its_report_in_one_file_are_told_apart(files, name):
    kind, data = files[name]
    letter, report = split_document(read_document(data, name, kind)).parts
    assert letter.role == "covering_letter" and letter.reason == "no_sections"
    assert letter.letterhead.doc_type_code == "CV" and letter.letterhead.subject.startswith("V/v gửi báo cáo")
    assert report.role == "report" and report.found == OUTLINE
    assert report.letterhead.doc_type_code == "BC" and report.letterhead.place == "Đắk Lắk"
    assert report.letterhead.issuer_lines == ("UBND TỈNH ĐẮK LẮK", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    assert report.letterhead.date is not None and report.letterhead.year == 2019


def _letterheads_written(docx_data: bytes) -> list[tuple[str, int, int, int]]:
    """(number, day, month, year) of each letterhead table, straight from the .docx the PDF was printed from."""
    written = []
    for table in docx.Document(io.BytesIO(docx_data)).tables:
        if table.cell(0, 0).text.startswith("UBND"):
            number = table.cell(1, 0).text.removeprefix("Số: ")
            day, month, year = map(int, re.search(r"ngày (\d+) tháng (\d+) năm (\d+)", table.cell(1, 1).text).groups())
            written.append((number, day, month, year))
    return written


def _check_letterhead(part: Part, province: str, written: tuple[str, int, int, int]) -> None:
    head = part.letterhead
    code = "CV" if part.role == "covering_letter" else "BC"
    assert head.issuer_lines == (f"UBND TỈNH {province.upper()}", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    assert (head.number, head.day, head.month, head.year) == written
    assert (head.doc_type_code, head.place, head.title, head.subject) == (code, province, TITLES[code], SUBJECTS[code])


@pytest.mark.parametrize("name", MATRIX)
def test_each_province_report_comes_out_whole_from_docx_and_pdf(files, name):
    province, _, with_letter = SAMPLES[name.rsplit(".", 1)[0]]
    kind, data = files[name]
    document = read_document(data, name, kind)
    assert document.error is None
    assert all(block.region == Region.BODY for block in document.blocks), "no running header or footer here"
    parts = split_document(document).parts
    assert [p.role for p in parts] == ["covering_letter", "report"] if with_letter else ["report"]
    assert [p.start for p in parts[1:]] == [p.end for p in parts[:-1]]
    written = _letterheads_written(files[name.rsplit(".", 1)[0] + ".docx"][1])
    for part, head in zip(parts, written, strict=True):
        _check_letterhead(part, province, head)
        assert any("Nơi nhận" in block.text for block in part.closing)
        assert not any("Nơi nhận" in block.text for section in part.sections for block in section.blocks)
    report = parts[-1]
    assert (report.found, report.reason) == (OUTLINE, None)
    assert tuple(section.heading for section in report.sections) == HEADINGS
    assert [any(b.table for b in s.blocks) for s in report.sections] == [True, False, False, False, False]
    table = next(b.table for b in report.section("results").blocks if b.table)
    assert table.rows[0] == ("TT", "Chỉ tiêu", "Đơn vị", "KH 2019", "TH 2019") and len(table.rows) == 6
