"""Realistic report files (.docx, and .pdf through LibreOffice) for the benchmarks and the demo.

A province's year-end report as the ministry's letter asks for it: the letterhead table, the title,
the five outline sections with Vietnamese prose, indicator tables, `Nơi nhận:` and a signature.
Deterministic for a given seed.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SENTENCES = (
    "Năm {y}, toàn tỉnh đã giải quyết việc làm cho {n1} lao động, đạt {p1}% kế hoạch, tăng {p2}% so với năm trước.",
    "Tỷ lệ lao động qua đào tạo đạt {d1}%, trong đó có bằng cấp, chứng chỉ đạt {d2}%.",
    "Công tác chi trả trợ cấp ưu đãi người có công được thực hiện kịp thời, đúng đối tượng, không để xảy ra sai sót.",
    "Tỷ lệ hộ nghèo giảm còn {d3}%, vượt chỉ tiêu Nghị quyết Hội đồng nhân dân tỉnh giao.",
    "Các chương trình mục tiêu quốc gia giảm nghèo bền vững được triển khai đồng bộ tại {n2} xã.",
    "Đã tổ chức {n3} phiên giao dịch việc làm, thu hút {n4} lượt người lao động tham gia.",
    "Nguồn lực thực hiện chính sách còn hạn chế, một số địa phương chưa bố trí đủ kinh phí đối ứng.",
    "Đội ngũ cán bộ làm công tác lao động - thương binh và xã hội cấp xã còn thiếu và thường xuyên thay đổi.",
    "Tiếp tục đẩy mạnh ứng dụng công nghệ thông tin trong quản lý đối tượng bảo trợ xã hội.",
    "Đề nghị Bộ sớm ban hành hướng dẫn thực hiện chính sách hỗ trợ người lao động bị mất việc làm.",
)
HEADINGS = (
    "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM {y}",
    "II. TÌNH HÌNH TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN",
    "III. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN VÀ NGUYÊN NHÂN",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU NĂM {y1}",
    "V. KIẾN NGHỊ, ĐỀ XUẤT",
)
# The same five sections as the letter numbers them (1a, 1b, 1c, 2a, 2b): two parts, numbered sub-headings.
PARTS = ("PHẦN THỨ NHẤT", "PHẦN THỨ HAI")
PART_TITLES = ("ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NĂM {y}", "NHIỆM VỤ, GIẢI PHÁP NĂM {y1}")
PART_OF_HEADING = (0, 0, 0, 1, 1)
PART_HEADINGS = (
    "1. Kết quả thực hiện các chỉ tiêu, nhiệm vụ so với kế hoạch và năm trước",
    "2. Tình hình triển khai các cơ chế, chính sách, chương trình, đề án",
    "3. Tồn tại, hạn chế, khó khăn và nguyên nhân",
    "1. Phương hướng, mục tiêu và giải pháp chủ yếu năm {y1}",
    "2. Kiến nghị, đề xuất với Chính phủ và Bộ",
)


@dataclass(frozen=True)
class Office:
    """Who writes the report and to whom: the letterhead's department, the symbol in its number, the
    ministry's request it answers. The default is the 2019 shape (Sở LĐTBXH answering Bộ LĐTBXH)."""

    department: str = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"  # the letterhead's second line
    symbol: str = "SLĐTBXH"  # "Số: 123/BC-SLĐTBXH"
    department_name: str = "Sở Lao động - Thương binh và Xã hội tỉnh {province}"  # in running text
    ministry: str = "Bộ Lao động - Thương binh và Xã hội"
    ministry_short: str = "Bộ LĐTBXH (Vụ KHTC)"  # in `Nơi nhận:`
    letter: str = "5025/LĐTBXH-KHTC"  # the request the covering letter answers
    letter_date: str = "25/11"  # day/month of the request, in its year


LDTBXH_2019 = Office()
STYLES = ("roman", "parts", "word")  # bold I.–V.; two parts as in the letter; Word's Heading 1 style
PARAGRAPHS_PER_PAGE = 6  # of three long sentences, in 13 pt Times New Roman on A4


def _sentence(rng: random.Random, year: int) -> str:
    return rng.choice(SENTENCES).format(
        y=year, n1=f"{rng.randint(10, 60)}.{rng.randint(100, 999)}", p1=rng.randint(95, 120),
        p2=rng.randint(1, 15), d1=f"{rng.randint(55, 80)},{rng.randint(1, 9)}",
        d2=f"{rng.randint(20, 35)},{rng.randint(1, 9)}", d3=f"{rng.randint(1, 9)},{rng.randint(1, 99):02d}",
        n2=rng.randint(20, 200), n3=rng.randint(10, 60), n4=f"{rng.randint(5, 40)}.{rng.randint(100, 999)}",
    )


def report_docx(province: str, year: int, pages: int, seed: int = 0, covering_letter: bool = False,
                headings: tuple[int, ...] | None = None, *, issuer: str | None = None, letterhead: bool = True,
                style: str = "roman", office: Office = LDTBXH_2019, title: str | None = None,
                notes: tuple[str, ...] = (), signer: str | None = None, stamp: tuple[str, ...] = ()) -> bytes:
    """A report of about `pages` A4 pages; with `covering_letter`, the công văn sending it comes first;
    with `headings`, only those outline sections (indexes into HEADINGS), as in a report sent in parts.
    `issuer`: the letterhead's first line (default "UBND TỈNH <PROVINCE>"; a city's is "UBND THÀNH PHỐ …").
    Without `letterhead`, the file starts at the title and names no province anywhere: a report
    copied out of its official form. `style`: how the sections are headed (STYLES). `office`: the
    department and the request (Office); `title`: the line under "BÁO CÁO" (default: the year-end
    report's); `notes`: paragraphs opening the first section; `signer`: the name under the closing's
    "GIÁM ĐỐC"; `stamp`: the lines of a digital-signature box printed at the end."""
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not one of {STYLES}")
    from docx import Document
    from docx.shared import Pt

    rng = random.Random(f"{province}/{year}/{pages}/{seed}/{covering_letter}")
    document = Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    issuer = issuer or f"UBND TỈNH {province.upper()}"
    if covering_letter and letterhead:
        _add_covering_letter(document, rng, province, year, issuer, office, signer)
        document.add_page_break()
    if letterhead:
        _add_letterhead(document, rng, province, year, "BC", issuer, office)
    document.add_paragraph().add_run("BÁO CÁO").bold = True
    title = title or f"Kết quả thực hiện nhiệm vụ năm {year}, kế hoạch năm {year + 1}"
    document.add_paragraph(title).runs[0].bold = True
    paragraphs = max(len(HEADINGS), pages * PARAGRAPHS_PER_PAGE)
    per_section = paragraphs // len(HEADINGS)
    parts_begun: set[int] = set()
    for number, heading in enumerate(HEADINGS):
        if headings is not None and number not in headings:
            continue
        _add_heading(document, number, style, year, parts_begun)
        if number == 0:
            for note in notes:
                document.add_paragraph(note)
        for index in range(per_section):
            document.add_paragraph(" ".join(_sentence(rng, year) for _ in range(3)))
            if number == 0 and index == 1:
                _indicator_table(document, rng, year)
    _add_closing(document, office, signer)
    for line in stamp:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_heading(document, number: int, style: str, year: int, parts_begun: set[int]) -> None:
    """Section `number`'s heading as `style` writes it; in "parts", its part's heading before the part's first."""
    if style == "roman":
        document.add_paragraph().add_run(HEADINGS[number].format(y=year, y1=year + 1)).bold = True
        return
    if style == "word":  # Word's built-in heading style, numbered 1.–5., in sentence case
        title = HEADINGS[number].format(y=year, y1=year + 1).split(". ", 1)[1]
        document.add_heading(f"{number + 1}. {title[0]}{title[1:].lower()}", level=1)
        return
    part = PART_OF_HEADING[number]
    if part not in parts_begun:
        parts_begun.add(part)
        document.add_paragraph().add_run(PARTS[part]).bold = True
        document.add_paragraph().add_run(PART_TITLES[part].format(y=year, y1=year + 1)).bold = True
    document.add_paragraph().add_run(PART_HEADINGS[number].format(y=year, y1=year + 1)).bold = True


def _add_letterhead(document, rng: random.Random, province: str, year: int, code: str,
                    issuer: str | None = None, office: Office = LDTBXH_2019) -> None:
    header = document.add_table(rows=2, cols=2)
    issuer = issuer or f"UBND TỈNH {province.upper()}"
    header.cell(0, 0).text = f"{issuer}\n{office.department}"
    header.cell(0, 1).text = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = f"Số: {rng.randint(100, 3000)}/{code}-{office.symbol}"
    header.cell(1, 1).text = f"{province}, ngày {rng.randint(1, 14)} tháng 12 năm {year}"


def _add_covering_letter(document, rng: random.Random, province: str, year: int, issuer: str | None = None,
                         office: Office = LDTBXH_2019, signer: str | None = None) -> None:
    _add_letterhead(document, rng, province, year, "CV", issuer, office)
    document.add_paragraph(f"V/v gửi báo cáo kết quả thực hiện nhiệm vụ năm {year}")
    document.add_paragraph(f"Kính gửi: {office.ministry}")
    document.add_paragraph(
        f"Thực hiện Công văn số {office.letter} ngày {office.letter_date}/{year} của {office.ministry}, "
        f"{office.department_name.format(province=province)} gửi kèm theo công văn này báo cáo kết quả thực "
        f"hiện nhiệm vụ năm {year}, kế hoạch năm {year + 1}.")
    document.add_paragraph("Trân trọng./.")
    _add_closing(document, office, signer)


def _add_closing(document, office: Office = LDTBXH_2019, signer: str | None = None) -> None:
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph(f"- {office.ministry_short};\n- UBND tỉnh;\n- Lưu: VT.")
    document.add_paragraph("GIÁM ĐỐC")
    if signer:
        document.add_paragraph(signer)


def _indicator_table(document, rng: random.Random, year: int) -> None:
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("TT", "Chỉ tiêu", "Đơn vị", f"KH {year}", f"TH {year}")):
        cell.text = text
    for index in range(1, 6):
        row = table.add_row().cells
        planned = rng.randint(1000, 40000)
        values = (str(index), rng.choice(("Giải quyết việc làm", "Đào tạo nghề", "Xuất khẩu lao động",
                                          "Giảm nghèo", "Bảo hiểm xã hội")), "người",
                  f"{planned:,}".replace(",", "."), f"{int(planned * rng.uniform(0.9, 1.2)):,}".replace(",", "."))
        for cell, text in zip(row, values):
            cell.text = text


def docx_to_pdf(files: dict[str, bytes], timeout: float = 600) -> dict[str, bytes]:
    """Convert several .docx to PDF in one LibreOffice run: name.docx → name.pdf."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="reportbox-samples-") as work:
        source, out = Path(work, "in"), Path(work, "out")
        source.mkdir()
        for name, data in files.items():
            (source / name).write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), *sorted(str(p) for p in source.iterdir())],
                       check=True, capture_output=True, timeout=timeout, env={"HOME": work, "PATH": "/usr/bin:/bin"})
        return {name: (out / Path(name).with_suffix(".pdf").name).read_bytes() for name in files}
