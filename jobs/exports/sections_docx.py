"""The Word document of a campaign's chosen outline sections, unit by unit
(`reportbox export sections`): the raw material of the national synthesis planners write.

A title (the letter and its subject), the sections chosen, then per unit in registry order a
Heading 1 "<code> — <name>" and per section a Heading 2 with the letter's number and wording of
it ("1a) Đánh giá kết quả … năm 2019", parsers.outline.campaign_outline), the unit's own
heading in italics, its paragraphs and its tables (real Word tables). A unit with nothing to show
gets an italic note saying why: no report yet, exempt, or a report without that section.

The text is the provinces', so anything: characters XML forbids (control characters, lone
surrogates) are dropped before writing. Times New Roman 13 everywhere, named for every script
(East-Asian and complex too), so LibreOffice and Word render Vietnamese without substituting.

python-docx's `add_paragraph` looks for the section properties at the end of the body on every
call, which makes a 10,000-unit document quadratic; blocks are built and inserted before them
directly. The stored sections keep tables apart from the text, so a section's tables follow its
paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from docx import Document as new_document
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Pt
from lxml.etree import SubElement

from models.schema import Campaign
from models.sections import SectionText, UnitSections
from models.status import EXEMPT
from parsers.outline import OutlineItem, campaign_outline, letter_outline

NO_REPORT = "(Chưa có báo cáo)"
NO_SECTION = "(Báo cáo không có mục này)"
EXEMPTED = "(Được miễn)"
OFFLINE = "(Báo cáo nhận ngoài thư điện tử, không có bản điện tử)"

FONT = "Times New Roman"
FONT_SIZE = Pt(13)
LANGUAGE = "vi-VN"
STYLES = ("Normal", "Title", "Heading 1", "Heading 2")
TABLE_STYLE = "Table Grid"

# XML 1.0 forbids C0 controls other than tab, LF, CR; lone surrogates and U+FFFE/U+FFFF cannot be encoded.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text safe to put in the document: NFC, without what XML cannot carry."""
    text = "" if value is None else str(value)
    return unicodedata.normalize("NFC", _NOT_XML.sub("", text))


def sections_export(session, config, campaign_id: str, keys: Sequence[str], out: Path | BinaryIO, *,
                    as_of=None) -> tuple[list[UnitSections], list[str]]:
    """The sections `keys` (default: the whole outline) of every unit's latest report, written to
    `out`, and the keys written: what `reportbox export sections` and the dashboard give. Raises UsageError
    for a key the campaign's outline lacks."""
    from jobs.mail.letters import outline_of
    from models.sections import outline_keys, unit_sections
    from models.status import get_campaign

    campaign = get_campaign(session, campaign_id)
    keys = outline_keys(campaign, keys)
    units = unit_sections(session, campaign_id, keys, as_of=as_of)
    write_sections_docx(campaign, units, keys, out, outline=outline_of(config, campaign))
    return units, keys


def write_sections_docx(campaign: Campaign, units: Sequence[UnitSections], keys: Sequence[str],
                        out: Path | BinaryIO, *, outline: Sequence[OutlineItem] | None = None,
                        titles: Mapping[str, str] | None = None) -> None:
    """Write the sections `keys` of every unit in `units` (as models.sections.unit_sections gives them).
    `outline`: the campaign's as quoted (default: campaign_outline of the campaign, without the
    configured titles); `titles`: headings that replace its labels outright."""
    keys = list(dict.fromkeys(keys))
    titles = {**section_headings(campaign, keys, outline), **(titles or {})}
    writer = _Writer(new_document())
    heading = f"Tổng hợp báo cáo — {campaign.letter}"
    writer.document.core_properties.title = xml_text(heading)[:255]
    writer.paragraph(heading, "Title")
    if campaign.title:
        writer.paragraph(campaign.title, bold=True)
    writer.paragraph("Các mục tổng hợp: " + "; ".join(titles.get(key, key) for key in keys))
    for unit in units:
        _write_unit(writer, unit, keys, titles)
    writer.document.save(out if not isinstance(out, Path) else str(out))


def section_headings(campaign: Campaign, keys: Sequence[str],
                     outline: Sequence[OutlineItem] | None = None) -> dict[str, str]:
    """Each key's heading, "1a) Đánh giá … năm 2019": the campaign's outline, and for a key it
    lacks the default wording with the campaign's years."""
    items = campaign_outline(campaign) if outline is None else outline
    headings = {item.key: item.label for item in items}
    others = [key for key in keys if key not in headings]
    fallback = letter_outline(others, report_year=campaign.report_year, plan_year=campaign.plan_year)
    return {**headings, **{item.key: item.label for item in fallback}}


def _write_unit(writer: _Writer, unit: UnitSections, keys: Sequence[str], titles: Mapping[str, str]) -> None:
    writer.paragraph(f"{unit.unit} — {unit.name}", "Heading 1")
    if not unit.sections and (note := _nothing_sent(unit)):  # one note for the unit, not one per section
        writer.note(note)
        return
    by_key: dict[str, list[SectionText]] = {}
    for section in unit.sections:
        by_key.setdefault(section.key, []).append(section)
    for key in keys:
        writer.paragraph(titles.get(key, key), "Heading 2")
        if key not in by_key:
            writer.note(EXEMPTED if unit.status == EXEMPT else NO_SECTION)
        for section in by_key.get(key, []):
            _write_section(writer, section)


def _nothing_sent(unit: UnitSections) -> str | None:
    """Why a unit without sections has none, when it is not that its report lacks them."""
    if unit.status == EXEMPT:
        return EXEMPTED
    if unit.received_at is None:
        return NO_REPORT
    if unit.offline and not unit.versions:  # only a paper copy: an e-mail one without them lacks them
        return OFFLINE
    return None


def _write_section(writer: _Writer, section: SectionText) -> None:
    """The unit's heading in italics, its paragraphs, then its tables (stored apart from the text)."""
    if xml_text(section.heading).strip():
        writer.note(section.heading)
    for line in _body_lines(section):
        writer.paragraph(line)
    for rows in section.tables:
        writer.table(rows)


def _body_lines(section: SectionText) -> list[str]:
    """The section's lines without the heading they start with (a heading may wrap over a few lines)."""
    lines = [line for line in section.text.split("\n") if xml_text(line).strip()]
    heading = _squashed(section.heading)
    for count in range(1, min(3, len(lines)) + 1):
        if heading and _squashed(" ".join(lines[:count])) == heading:
            return lines[count:]
    return lines


def _squashed(text: str) -> str:
    return " ".join(text.split())


class _Writer:
    """Appends blocks to the end of a python-docx document, building their XML directly: each in
    constant time, and without python-docx's per-character run text handling (10× faster)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        _set_fonts(document)
        self._style_ids = {name: document.styles[name].style_id for name in (*STYLES, TABLE_STYLE)}
        self._body = document.element.body
        self._end = self._body.sectPr  # the body's last child in a new document
        section = document.sections[-1]
        self._width = section.page_width - section.left_margin - section.right_margin

    def _append(self, element) -> None:
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self._body.append(element)

    def paragraph(self, text: str = "", style: str | None = None, *, italic: bool = False,
                  bold: bool = False) -> None:
        element = OxmlElement("w:p")
        if style is not None and style != "Normal":
            style_id = SubElement(SubElement(element, _P_PR), _P_STYLE)
            style_id.set(_VAL, self._style_ids[style])
        _add_run(element, text, italic=italic, bold=bold)
        self._append(element)

    def note(self, text: str) -> None:
        self.paragraph(text, italic=True)

    def table(self, rows: Sequence[Sequence[object]]) -> None:
        rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in rows or []]
        columns = max((len(row) for row in rows), default=0)
        if not rows or columns == 0:
            return
        element = CT_Tbl.new_tbl(len(rows), columns, self._width)
        element.tblPr.style = self._style_ids[TABLE_STYLE]
        for row, tr in zip(rows, element.tr_lst):
            for value, tc in zip(row, tr.tc_lst):
                _add_run(tc.p_lst[0], value)
        self._append(element)


_P_PR, _P_STYLE, _VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_RUN, _RUN_PR, _ITALIC, _BOLD = qn("w:r"), qn("w:rPr"), qn("w:i"), qn("w:b")
_TEXT, _BREAK, _TAB = qn("w:t"), qn("w:br"), qn("w:tab")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PIECES = re.compile(r"(\t|\r\n|\r|\n)")


def _add_run(paragraph, value: object, *, italic: bool = False, bold: bool = False) -> None:
    """One run of `value` in `paragraph`; tabs and line breaks inside it as Word's own elements."""
    text = xml_text(value)
    if not text:
        return
    run = SubElement(paragraph, _RUN)
    if italic or bold:
        properties = SubElement(run, _RUN_PR)
        if bold:
            SubElement(properties, _BOLD)
        if italic:
            SubElement(properties, _ITALIC)
    for piece in _PIECES.split(text):
        if piece == "\t":
            SubElement(run, _TAB)
        elif piece in ("\n", "\r", "\r\n"):
            SubElement(run, _BREAK)
        elif piece:
            element = SubElement(run, _TEXT)
            element.text = piece
            element.set(_SPACE, "preserve")


def _set_fonts(document: Document) -> None:
    """Times New Roman for every script in the styles used, in place of the template's theme fonts."""
    document.styles["Normal"].font.size = FONT_SIZE  # first: w:lang below must stay after w:sz
    for name in STYLES:
        style = document.styles[name]
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(script), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        language = rpr.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            rpr.append(language)
        language.set(qn("w:val"), LANGUAGE)
