"""Word .docx files: the document walk, paragraphs and tables in reading order, legacy fonts converted.

python-docx opens the package (zip, relationships, XML parts); the text is read from its lxml
trees directly, because its object layer (a `Paragraph`, its `style`, its runs) costs more than
the parse. Styles and numbering are resolved once per file (`word_styles.StyleSheet`,
`word_styles.Numbering`), then every paragraph is one walk over its runs. A generated 40-page
report (560 blocks) reads in about 45 ms, where python-docx's own `paragraph.text` / `cell.text`
walk alone takes about 85 ms.

Choices worth knowing:
- A paragraph's automatic numbering goes to `Block.numbering` as Word displays it, its style's
  name to `Block.style`, and headings are told by outline level or style (see `word_styles`).
- Each stretch of runs in one font goes to `fix_legacy` with that font (run, character style,
  paragraph style, document default), so .VnTime/.VnTimeH/VNI-Times text comes out as Unicode.
  Word's optional hyphen element is TCVN3's ư (byte 0xAD) in legacy text and is read as such;
  soft hyphens left in Unicode text are dropped (they are invisible).
- Table cells read as python-docx lays them out: a horizontally or vertically merged cell
  repeats its text in every grid cell it covers. A cell's paragraphs are joined by newlines, with
  their numbering labels; nested tables are flattened into the cell's text (cells by tabs).
- Text boxes become TEXTBOX blocks right after the paragraph that anchors them; of an
  `mc:AlternateContent` only the `mc:Choice` is read (the Fallback repeats the same text).
- Headers and footers of every section (first-page and even-page ones too) are HEADER blocks at
  the start and FOOTER blocks at the end, each distinct text once.
- A zip whose XML parts declare more than half of `limits.max_file_bytes` uncompressed, or whose
  parts together declare more than twice it, is `too_large` before anything is inflated
  (zipfile never inflates past a member's declared size, so the declaration is a bound).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter

from lxml import etree

from parsers.documents.limits import Limits
from parsers.documents.model import Block, BlockKind, Document, Region, Table
from parsers.documents.office_crypto import OleError, is_ole, ole_kind
from parsers.documents.word_styles import Numbering, StyleSheet, w
from parsers.headers import nfc
from parsers.vietnamese import fix_legacy, legacy_encoding_for_font
from reportbox.errors import DocumentError

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ALTERNATE, _CHOICE, _FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
# Elements whose children are read as if they stood in their place (content controls, tracked
# insertions, hyperlinks, smart tags ...). Deleted text (w:del, w:moveFrom) is not read.
_TRANSPARENT = frozenset(w(t) for t in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple",
                                        "dir", "bdo", "sdtContent"))
_P, _TBL, _R, _T, _SDT, _TC, _TR = w("p"), w("tbl"), w("r"), w("t"), w("sdt"), w("tc"), w("tr")
_TXBX, _BR, _SOFT_HYPHEN, _RPR, _PPR = w("txbxContent"), w("br"), w("softHyphen"), w("rPr"), w("pPr")
_RUN_TEXT = {w("tab"): "\t", w("ptab"): "\t", w("noBreakHyphen"): "-", w("cr"): "\n"}
_OBJECTS = frozenset({w("drawing"), w("pict"), w("object"), _ALTERNATE})


def read_docx(data: bytes, path: str, limits: Limits) -> Document:
    if is_ole(data):
        return _read_ole(data, path, limits)
    _check_package(data, limits)
    part, body = _open_main_part(data)
    reader = _DocxReader(part)
    blocks = reader.read(body)
    return Document(path=path, kind="docx", blocks=tuple(blocks), legacy_encoding=reader.legacy_encoding())


def _open_main_part(data: bytes):
    """The main document part and its w:body. Macro-enabled files and templates (.docm, .dotx),
    which python-docx's `Document()` refuses, are read the same way: their XML is the same."""
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from docx.package import Package  # heavy; only workers that meet a .docx pay for it

    try:
        part = Package.open(io.BytesIO(data)).main_document_part
        root = _part_element(part)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, KeyError, ValueError,
            OpcError, PythonDocxError, etree.XMLSyntaxError) as exc:  # a damaged member shows only when inflated
        raise _damaged(exc) from exc
    except (AttributeError, TypeError) as exc:
        # python-docx's package reader trusts well-formed XML to follow its schema: a damaged element
        # or attribute name in [Content_Types].xml or a .rels part ends in None.lower() and the like.
        raise _damaged(exc) from exc
    body = root.find(w("body"))
    if body is None:
        raise DocumentError("the Word file has no document body; ask the sender to save it again", reason="corrupt")
    return part, body


def _part_element(part) -> etree._Element:
    """A part's XML root. A part whose content type python-docx does not know (a macro-enabled main
    part, or a header whose type in [Content_Types].xml is damaged) is kept as bytes: parse those."""
    root = getattr(part, "element", None)
    if root is None:
        root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
    return root


def _damaged(exc: Exception) -> DocumentError:
    return DocumentError(f"the Word file is damaged and cannot be opened ({type(exc).__name__}: {exc})"[:400]
                         + "; ask the sender to save it again and resend it", reason="corrupt")


def _read_ole(data: bytes, path: str, limits: Limits) -> Document:
    """An OLE container sniffed as .docx: a password-protected .docx, or a .doc renamed .docx."""
    try:
        kind = ole_kind(data)
    except OleError as exc:
        raise DocumentError(f"the file is damaged ({exc})", reason="corrupt") from exc
    if kind == "encrypted":
        raise DocumentError("the file is password-protected; ask the sender for a copy without a password",
                            reason="encrypted")
    if kind == "doc":
        from parsers.documents.libreoffice import read_via_libreoffice

        return read_via_libreoffice(data, path, limits)
    raise DocumentError("the file is an old Office file but not a Word document", reason="corrupt")


def _check_package(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError("the file is not a valid .docx (the zip is damaged or truncated); "
                            "ask the sender to save it again and resend it", reason="corrupt") from exc
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(name.startswith("word/") for name in names):
        raise DocumentError("the file is a zip archive but not a Word document", reason="corrupt")
    xml_bytes = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
    all_bytes = sum(info.file_size for info in infos)
    # XML costs several times its size once parsed; images and other media are only held as bytes.
    for size, limit, what in ((xml_bytes, limits.max_file_bytes // 2, "its text and layout (XML)"),
                              (all_bytes, 2 * limits.max_file_bytes, "the whole document")):
        if size > limit:
            raise DocumentError(f"{what} would unpack to {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit",
                                reason="too_large")


def _content(element: etree._Element):
    """Children of a block container, with content controls, custom XML and alternates opened."""
    for child in element:
        tag = child.tag
        if tag == _SDT:
            content = child.find(w("sdtContent"))
            yield from _content(content if content is not None else _NOTHING)
        elif tag == w("customXml"):
            yield from _content(child)
        elif tag == _ALTERNATE:
            yield from _content(_chosen(child))
        else:
            yield child


_NOTHING = etree.Element("nothing")  # an alternate with no branch reads as this empty element


def _chosen(alternate: etree._Element) -> etree._Element:
    """The one branch of an mc:AlternateContent that is read: the first Choice, else the Fallback."""
    branch = alternate.find(_CHOICE)
    if branch is None:
        branch = alternate.find(_FALLBACK)
    return branch if branch is not None else _NOTHING


def _textboxes(element: etree._Element):
    """The w:txbxContent elements inside a drawing or picture, one branch of each alternate."""
    if element.tag == _ALTERNATE:
        yield from _textboxes(_chosen(element))
        return
    for child in element:
        if child.tag == _TXBX:
            yield child
        elif child.tag == _ALTERNATE:
            yield from _textboxes(_chosen(child))
        elif len(child):
            yield from _textboxes(child)


class _DocxReader:
    """One document's walk: styles and numbering resolved once, counters kept in document order."""

    def __init__(self, part) -> None:
        self._part = part
        self._styles = StyleSheet(_related_element(part, "styles"))
        self._numbering = Numbering(_related_element(part, "numbering"), self._styles)
        self._encodings: Counter[str] = Counter()

    def read(self, body: etree._Element) -> list[Block]:
        headers, footers = self._headers_footers(body)
        return headers + self._blocks(body, Region.BODY) + footers

    def legacy_encoding(self) -> str | None:
        if not self._encodings:
            return None
        return self._encodings.most_common(1)[0][0]

    def _blocks(self, container: etree._Element, region: str) -> list[Block]:
        blocks: list[Block] = []
        for child in _content(container):
            if child.tag == _P:
                block, boxes = self._paragraph(child, region)
                if block is not None:
                    blocks.append(block)
                for box in boxes:
                    blocks += self._blocks(box, Region.TEXTBOX)
            elif child.tag == _TBL:
                boxes: list[etree._Element] = []
                rows = self._table_rows(child, boxes)
                if any(any(cell for cell in row) for row in rows):
                    table = Table(rows=tuple(tuple(row) for row in rows))
                    blocks.append(Block(BlockKind.TABLE, table.text, region=region, table=table))
                for box in boxes:
                    blocks += self._blocks(box, Region.TEXTBOX)
        return blocks

    def _headers_footers(self, body: etree._Element) -> tuple[list[Block], list[Block]]:
        found: dict[str, list[Block]] = {Region.HEADER: [], Region.FOOTER: []}
        seen_parts: set[str] = set()
        seen_text: set[tuple[str, str]] = set()
        for sect in body.iter(w("sectPr")):
            for reference in sect:
                region = {w("headerReference"): Region.HEADER, w("footerReference"): Region.FOOTER}.get(reference.tag)
                part = self._part.related_parts.get(reference.get(_R_ID)) if region else None
                if part is None or str(part.partname) in seen_parts:
                    continue
                seen_parts.add(str(part.partname))
                try:
                    element = _part_element(part)
                except etree.XMLSyntaxError as exc:
                    raise _damaged(exc) from exc
                for block in self._blocks(element, region):
                    if (region, block.text) not in seen_text:
                        seen_text.add((region, block.text))
                        found[region].append(block)
        return found[Region.HEADER], found[Region.FOOTER]

    def _paragraph(self, p: etree._Element, region: str) -> tuple[Block | None, list[etree._Element]]:
        ppr = p.find(_PPR)
        style = self._styles.paragraph_style(ppr)
        numbering = self._numbering.label(ppr, style)
        boxes: list[etree._Element] = []
        runs: list[tuple[str, str | None, bool]] = []
        self._collect_runs(p, style, runs, boxes)
        text = self._convert(runs).strip()
        if not text:
            return None, boxes
        level, heading = style.outline_level(ppr)
        bold = all(b for t, _, b in runs if t.strip())
        kind = BlockKind.HEADING if heading else BlockKind.PARAGRAPH
        return Block(kind, text, level=level, style=style.name, numbering=numbering, bold=bold, region=region), boxes

    def _collect_runs(self, element, style, runs: list, boxes: list) -> None:
        for child in element:
            tag = child.tag
            if tag == _R:
                font, bold = self._styles.run_font_bold(child.find(_RPR), style)
                runs.append((self._run_text(child, boxes), font, bold))
            elif tag in _TRANSPARENT or tag == _SDT:
                self._collect_runs(child, style, runs, boxes)
            elif tag == _ALTERNATE:
                branch = _chosen(child)
                self._collect_runs(branch, style, runs, boxes)

    @staticmethod
    def _run_text(run: etree._Element, boxes: list) -> str:
        parts: list[str] = []
        for child in run:
            tag = child.tag
            if tag == _T:
                parts.append(child.text or "")
            elif tag in _RUN_TEXT:
                parts.append(_RUN_TEXT[tag])
            elif tag == _BR:
                parts.append("\n" if child.get(w("type")) in (None, "textWrapping") else "")
            elif tag == _SOFT_HYPHEN:
                # TCVN3's ư is byte 0xAD, the soft hyphen, and editors store it as this element. Kept
                # for the conversion to read as ư; `_convert` drops what is left (a real soft hyphen).
                parts.append("\xad")
            elif tag in _OBJECTS:
                boxes.extend(_textboxes(child))
        return "".join(parts)

    def _convert(self, runs: list[tuple[str, str | None, bool]]) -> str:
        """Runs joined, each stretch in one font converted from TCVN3/VNI when the font (or the text) says so."""
        out: list[str] = []
        start = 0
        while start < len(runs):
            end, font = start + 1, runs[start][1]
            while end < len(runs) and runs[end][1] == font:
                end += 1
            text = "".join(run[0] for run in runs[start:end])
            if text.isascii() or (legacy_encoding_for_font(font) is None and _plainly_unicode(text)):
                out.append(text)
            else:
                converted, encoding = fix_legacy(text, font)
                if encoding:  # .VnTimeH capitals count as the TCVN3 they are
                    self._encodings["vni" if encoding == "vni" else "tcvn3"] += 1
                out.append(converted)
            start = end
        return nfc("".join(out).replace("\xad", ""))

    def _table_rows(self, table: etree._Element, boxes: list) -> list[list[str]]:
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column → text of the cell there, for vertical merges
        for tr in _content(table):
            if tr.tag != _TR:
                continue
            row: list[str] = [""] * _grid_count(tr, "gridBefore")
            for tc in _content(tr):
                if tc.tag != _TC:
                    continue
                tcpr = tc.find(w("tcPr"))
                span = _grid_span(tcpr)
                merge = tcpr.find(w("vMerge")) if tcpr is not None else None
                if merge is not None and merge.get(w("val"), "continue") == "continue":
                    text = above.get(len(row), "")
                else:
                    text = self._cell_text(tc, boxes)
                for column in range(len(row), len(row) + span):
                    above[column] = text
                row += [text] * span
            rows.append(row)
        return rows

    def _cell_text(self, cell: etree._Element, boxes: list) -> str:
        lines: list[str] = []
        for child in _content(cell):
            if child.tag == _P:
                block, found = self._paragraph(child, Region.BODY)
                boxes.extend(found)
                if block is not None:
                    lines.append(block.display_text)
            elif child.tag == _TBL:
                nested = self._table_rows(child, boxes)
                lines += ["\t".join(row) for row in nested if any(row)]
        return "\n".join(lines)


_BEYOND_LATIN1 = re.compile(r"[\u0100-\u01b0\u1ea0-\u1ef9]")  # ă đ ĩ ũ ơ ư and the toned letters


def _plainly_unicode(text: str) -> bool:
    """Words with a Vietnamese letter Latin-1 lacks are at least as many as the other non-ASCII
    words, so `detect_legacy` (which needs legacy words to outnumber Unicode ones) would find
    nothing. Saves that detection, two thirds of the reading time, on ordinary Unicode text."""
    unicode_words = other_words = 0
    for word in text.split():  # punctuation stays on the word: it only joins words, never splits them
        if not word.isascii():
            if _BEYOND_LATIN1.search(word):
                unicode_words += 1
            else:
                other_words += 1
    return unicode_words >= other_words


def _grid_span(tcpr: etree._Element | None) -> int:
    span = tcpr.find(w("gridSpan")) if tcpr is not None else None
    try:
        return max(1, min(int(span.get(w("val"))), 64)) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _grid_count(tr: etree._Element, what: str) -> int:
    trpr = tr.find(w("trPr"))
    found = trpr.find(w(what)) if trpr is not None else None
    try:
        return max(0, min(int(found.get(w("val"))), 64)) if found is not None else 0
    except (TypeError, ValueError):
        return 0


def _related_element(part, name: str) -> etree._Element | None:
    """The root of the part related to the document by type `name` (styles, numbering), or None."""
    suffix = f"/relationships/{name}"
    for rel in part.rels.values():
        if rel.reltype.endswith(suffix) and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            if element is not None:
                return element
    return None
