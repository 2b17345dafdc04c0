"""Builders of the Word files the word and LibreOffice tests read: made in code, never stored."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile

import docx
from docx.oxml import parse_xml
from docx.shared import Pt

from parsers.vietnamese import convert_legacy

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (f'xmlns:w="{W_NS}" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')

# Lists: I., II. (upperRoman); 1., 1.1. (decimal, two levels); a), b) (lowerLetter).
ROMAN_LIST, DECIMAL_LIST, LETTER_LIST, DECIMAL_RESTARTED = "101", "102", "103", "104"
_NUMBERING = f"""<w:numbering {_NS}>
  <w:abstractNum w:abstractNumId="91"><w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="92"><w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="93"><w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="{ROMAN_LIST}"><w:abstractNumId w:val="91"/></w:num>
  <w:num w:numId="{DECIMAL_LIST}"><w:abstractNumId w:val="92"/></w:num>
  <w:num w:numId="{LETTER_LIST}"><w:abstractNumId w:val="93"/></w:num>
  <w:num w:numId="{DECIMAL_RESTARTED}"><w:abstractNumId w:val="92"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
</w:numbering>"""


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _install_numbering(document) -> None:
    part = document.part.numbering_part
    for child in parse_xml(_NUMBERING):
        part.element.append(child)


def numbered(document, text: str, num_id: str, ilvl: int = 0, *, style: str | None = None):
    paragraph = document.add_paragraph(text, style=style)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def _textbox_paragraph(text: str) -> str:
    """A paragraph anchoring a text box the way Word 2010+ writes it: a DrawingML choice, a VML fallback."""
    content = f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'
    return (f'<w:p {_NS}><w:r><mc:AlternateContent>'
            f'<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
            f'<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>'
            f'</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            f'<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>'
            f'</mc:AlternateContent></w:r></w:p>')


def _append_raw(document, xml: str) -> None:
    """Raw body XML, placed before the final section properties as Word keeps it."""
    document.element.body.sectPr.addprevious(parse_xml(xml))


def _table(document, rows: list[list[str]]):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))  # default style: no borders
    for cells, values in zip(table.rows, rows):
        for cell, value in zip(cells.cells, values):
            cell.text = value
    return table


def report_docx() -> bytes:
    """A province's year-end report laid out as official documents are."""
    document = docx.Document()
    _install_numbering(document)
    section = document.sections[0]
    section.header.paragraphs[0].text = "Báo cáo kết quả năm 2019 - UBND tỉnh Quảng Ninh"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Báo cáo kết quả năm 2019 - UBND tỉnh Quảng Ninh"
    section.footer.paragraphs[0].text = "Trang chân: Văn phòng UBND tỉnh"
    _table(document, [["ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
                       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
                      ["Số: 123/BC-UBND", "Quảng Ninh, ngày 15 tháng 12 năm 2019"]])
    document.add_paragraph("BÁO CÁO", style="Title")
    document.add_paragraph().add_run("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019").bold = True
    document.add_paragraph("")  # empty paragraphs are skipped
    numbered(document, "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", ROMAN_LIST)
    numbered(document, "Công tác chỉ đạo, điều hành", DECIMAL_LIST, 0)
    numbered(document, "Kết quả đạt được", DECIMAL_LIST, 1)
    numbered(document, "Tồn tại, hạn chế", DECIMAL_LIST, 1)
    numbered(document, "Phát triển kinh tế", DECIMAL_LIST, 0)
    numbered(document, "Tổng sản phẩm trên địa bàn tăng 12,1%", LETTER_LIST)
    numbered(document, "Thu ngân sách đạt 24.744 tỷ đồng", LETTER_LIST)
    document.add_paragraph("Tỉnh đã hoàn thành các chỉ tiêu chủ yếu.")
    _append_raw(document, (_textbox_paragraph("Nơi nhận: Bộ Kế hoạch và Đầu tư")))
    numbered(document, "KIẾN NGHỊ, ĐỀ XUẤT", ROMAN_LIST)
    numbered(document, "Đề nghị Chính phủ hỗ trợ vốn", DECIMAL_RESTARTED, 0)
    document.add_heading("Phương hướng nhiệm vụ năm 2020", level=1)
    document.add_heading("Các giải pháp chủ yếu", level=2)
    outline = document.add_paragraph("Mục tiêu tổng quát")
    outline._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {_NS} w:val="1"/>'))
    _append_raw(document, (
        f'<w:sdt {_NS}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Nội dung trong điều khiển nội dung</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    merged = _table(document, [["Chỉ tiêu", "Năm 2019", ""], ["GRDP", "12,1", "%"]])
    merged.cell(0, 1).merge(merged.cell(0, 2))
    document.add_paragraph("")  # Word keeps a paragraph between two tables and after the last one
    _table(document, [["Nơi nhận:\n- Bộ Kế hoạch và Đầu tư;\n- Lưu: VT.",
                       "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Thắng"]])
    document.add_paragraph("")
    return docx_bytes(document)


# --- Legacy fonts --------------------------------------------------------------------------------
def _encoder(encoding: str) -> dict[str, str]:
    table = {}
    for code in range(0xA1, 0x100):
        letter = convert_legacy(chr(code), encoding)
        if letter != chr(code):
            table.setdefault(letter, chr(code))
    return table


def tcvn3(text: str) -> str:
    """Unicode Vietnamese as typed in a .VnTime font (one byte per letter, Latin-1 slots)."""
    table = _encoder("tcvn3")
    return "".join(table.get(c, c) for c in text)


def tcvn3h(text: str) -> str:
    """Capitals as typed in a .VnTimeH font: the capital drawn in the lower-case letter's slot."""
    table = _encoder("tcvn3")
    return "".join(c if c.isascii() else table.get(c.lower(), c) for c in text)


def legacy_docx(*, soft_hyphen_element: bool = False) -> bytes:
    """A report typed in TCVN3: body in .VnTime (document default), headings in .VnTimeH."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = ".VnTime"
    style.font.size = Pt(14)
    heading = document.add_paragraph()
    run = heading.add_run(tcvn3h("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"))
    run.font.name, run.bold = ".VnTimeH", True
    document.add_paragraph(tcvn3("Cộng hoà xã hội chủ nghĩa Việt Nam"))
    document.add_paragraph(tcvn3("Tăng trưởng kinh tế đạt 12,1%, vượt kế hoạch"))
    if soft_hyphen_element:  # some editors store TCVN3's ư (0xAD) as Word's optional hyphen
        _add_with_soft_hyphens(document, tcvn3("Trường học"))
    _table(document, [[tcvn3("Chỉ tiêu"), tcvn3("Kết quả")], ["GRDP", "12,1"]])
    document.add_paragraph("")
    return docx_bytes(document)


def _add_with_soft_hyphens(document, text: str):
    """A paragraph whose soft hyphens (TCVN3's ư) are w:softHyphen elements, not characters."""
    run = document.add_paragraph().add_run()
    for index, piece in enumerate(text.split("\xad")):
        if index:
            run._r.append(parse_xml(f'<w:softHyphen {_NS}/>'))
        text_element = parse_xml(f'<w:t {_NS} xml:space="preserve"/>')
        text_element.text = piece
        run._r.append(text_element)


def unnamed_font_docx() -> bytes:
    """TCVN3 in a document whose fonts all say Times New Roman (the .Vn name was lost on the way),
    and a Unicode paragraph holding a real soft hyphen."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    _add_with_soft_hyphens(document, tcvn3("Trường học được xây dựng mới trong năm"))
    document.add_paragraph("Tỉnh Quảng Ni\xadnh")
    return docx_bytes(document)


def vni_docx() -> bytes:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam").font.name = "VNI-Times"
    document.add_paragraph("Báo cáo bằng Unicode, phông Times New Roman")
    return docx_bytes(document)


def long_docx(pages: int = 40) -> bytes:
    """About `pages` pages of numbered sections, paragraphs and a table per page (for timing)."""
    document = docx.Document()
    _install_numbering(document)
    for page in range(pages):
        numbered(document, f"Lĩnh vực thứ {page + 1}", DECIMAL_LIST, 0)
        for line in range(12):
            document.add_paragraph(f"Trong năm 2019, tỉnh Quảng Ninh đã triển khai thực hiện nhiệm vụ số {line}, "
                                   "đạt và vượt kế hoạch đề ra; công tác chỉ đạo, điều hành quyết liệt, hiệu quả.")
        rows = [[f"Chỉ tiêu {i}", "100", "105,2"] for i in range(5)]
        _table(document, [["Chỉ tiêu", "Kế hoạch", "Thực hiện"], *rows])
    return docx_bytes(document)


# --- Broken and hostile files --------------------------------------------------------------------
def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of a docx with one member replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = content
    return zip_bytes(members)


def ole_container(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File (MS-CFB v3, 512-byte sectors) holding `streams` at its root.

    Every stream is padded to 4096 bytes so that none lives in the mini stream. This is the
    container of a password-protected .docx (EncryptionInfo + EncryptedPackage) or of a .doc.
    """
    sector, end, free, fat_mark = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    assert len(names) <= 3, "one directory sector holds the root and three streams"
    bodies = [streams[name].ljust(4096, b"\0") for name in names]
    fat = [fat_mark, end]  # sector 0: the FAT itself; sector 1: the directory
    starts = []
    for body in bodies:
        count = -(-len(body) // sector)
        starts.append(len(fat))
        fat += list(range(len(fat) + 1, len(fat) + count)) + [end]
    assert len(fat) <= sector // 4
    fat += [free] * (sector // 4 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 0x4C, 0)
    for index in range(1, 109):
        struct.pack_into("<I", header, 0x4C + 4 * index, free)
    directory = _dir_entry("Root Entry", 5, child=1 if names else free, start=end, size=0)
    for index, (name, body) in enumerate(zip(names, bodies)):
        right = index + 2 if index + 1 < len(names) else free
        directory += _dir_entry(name, 2, right=right, start=starts[index], size=len(body))
    directory = directory.ljust(sector, b"\0")
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


def _dir_entry(name: str, kind: int, *, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF,
               start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, 0xFFFFFFFF, right, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: an OLE container, not a zip."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return ole_container({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + b"\x17" * 9000})


def word_binary(*, encrypted: bool) -> bytes:
    """An OLE container with a WordDocument stream whose FIB has or lacks the fEncrypted bit."""
    fib = bytearray(64)
    struct.pack_into("<HHH", fib, 0, 0xA5EC, 0xC1, 0)
    struct.pack_into("<H", fib, 0x0A, 0x0100 if encrypted else 0)
    return ole_container({"WordDocument": bytes(fib), "1Table": b"\0" * 64})


def styled_lists_docx() -> bytes:
    """Numbering that comes through styles, deeper levels that restart, bullets, a nested table, NFD text."""
    document = docx.Document()
    _install_numbering(document)
    heading_style = document.styles["Heading 1"].element
    heading_style.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {_NS}><w:numId w:val="{ROMAN_LIST}"/></w:numPr>'))
    document.add_heading("Đánh giá tình hình thực hiện", level=1)
    numbered(document, "Kinh tế", DECIMAL_LIST, 0)
    numbered(document, "Nông nghiệp", DECIMAL_LIST, 1)
    numbered(document, "Xã hội", DECIMAL_LIST, 0)
    numbered(document, "Giáo dục", DECIMAL_LIST, 1)
    document.add_paragraph("Hoàn thành kế hoạch", style="List Bullet")
    document.add_paragraph("Chỉ tiêu thứ nhất", style="List Number")
    document.add_paragraph("Chỉ tiêu thứ hai", style="List Number")
    document.add_heading("Kiến nghị, đề xuất", level=1)
    document.add_paragraph(unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh Quảng Ninh"))
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Biểu số 01"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Dân số", "1.320.324"
    document.add_paragraph("")
    return docx_bytes(document)


def vietnamese_heading_styles_docx() -> bytes:
    """Heading styles named in Vietnamese, as documents made with localised editors have them."""
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    for name in ("Tiêu đề 2", "Đầu đề 3", "Tiêu đề"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Kết quả đạt được", style="Tiêu đề 2")
    document.add_paragraph("Về kinh tế", style="Đầu đề 3")
    document.add_paragraph("BÁO CÁO TỔNG KẾT", style="Tiêu đề")
    return docx_bytes(document)
