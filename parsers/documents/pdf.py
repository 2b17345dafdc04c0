"""PDF attachments: text per page with pypdfium2, ruled tables (see `pdf_tables`), stamps, OCR of scans.

pypdfium2 gives each page's text in reading order, a line per text line, at ~1 ms a page.
Tables (pdfium's lines, pdfplumber's table algorithm) are only looked for on pages that draw enough
vector paths to be ruled (see `_looks_ruled`). Legacy TCVN3/VNI text layers are converted, and pages
with no text layer are rendered and OCR'd when Tesseract is here. The pages' lines and tables
then go to `pdf_layout`, which sets running headers/footers, page numbers and signature stamps
apart and joins the body lines into paragraphs.
"""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass, field, replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.documents import stamps
from parsers.documents.limits import Limits
from parsers.documents.model import Document, Table
from parsers.documents.ocr import OcrResult, mean_confidence, ocr_enabled, ocr_image
from parsers.documents.pdf_layout import Item, layout_blocks
from parsers.documents.pdf_tables import FoundTable as _FoundTable
from parsers.documents.pdf_tables import find_tables
from parsers.headers import nfc
from parsers.vietnamese import fix_legacy
from reportbox.errors import DocumentError

# A ruled table of 2x2 cells draws 6 lines or 4 rectangles at the least; a text page draws a
# rule under the national motto and perhaps a box around a stamp. Producers that draw a whole
# grid as one path are caught by its segment count.
_RULED_PATHS = 6
_RULED_SEGMENTS = 24
_SCAN_MAX_CHARS = 16  # fewer characters than this on a page with an image: a scan (maybe stamped)
_MAX_RENDER_PIXELS = 60_000_000  # an A4 page at 300 dpi is 8.7 million
_FLATTENED_ANNOTS = (pdfium_c.FPDF_ANNOT_WIDGET, pdfium_c.FPDF_ANNOT_STAMP, pdfium_c.FPDF_ANNOT_FREETEXT)
_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\ufffe\uffff]|\r(?!\n)|(?<!\r)\n")
_TCVN3_U_AS_HYPHEN = re.compile(r"(?<=[a-z\u00a1-\u00fe])-(?![0-9A-Z])")
_FONT_OF_ENCODING = {"tcvn3": ".VnTime", "tcvn3h": ".VnTimeH", "vni": "VNI-Times"}  # to convert table cells
_LATIN1_HIGH = bytes(range(0xA1, 0xFF))
_NEEDS_OCR = ("the PDF is a scan with no text layer; OCR (Tesseract with Vietnamese) is not installed or is "
              "switched off here ([documents] ocr)")
_NO_TEXT_FOUND = ("the PDF is a scan with no text layer and OCR found no text in it; ask for a PDF with text "
                  "(saved from Word) or the Word file")


@dataclass
class _Page:
    number: int
    items: list[Item] = field(default_factory=list)
    legacy: str | None = None
    scanned: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class _Objects:
    paths: int = 0
    segments: int = 0
    images: int = 0


def read_pdf(data: bytes, path: str, limits: Limits) -> Document:
    pdf = _open(data)
    try:
        count = len(pdf)
        if count == 0:
            raise _corrupt("the PDF has no pages")
        if count > limits.max_pages:
            raise DocumentError(f"the PDF has {count} pages, over the limit of {limits.max_pages}",
                                reason="too_large")
        tables = _TableFinder()
        pages = [_read_page(pdf, index, tables) for index in range(count)]
        scans = [page for page in pages if page.scanned]
        scan_only = bool(scans) and all(page.scanned or not page.items for page in pages)  # no text layer to read
        can_ocr = bool(scans) and ocr_enabled(limits)
        results = _ocr_pages(pdf, scans, limits) if can_ocr else []
    finally:
        pdf.close()
    document = _document(path, pages, results)
    if scan_only and not can_ocr:  # our configuration, not the sender's doing (parsers.documents.ocr)
        return replace(document, blocks=(), notes=(), error="needs_ocr", detail=_NEEDS_OCR)
    if scan_only and not any(result.text.strip() for result in results):
        return replace(document, blocks=(), notes=(), error="ocr_failed", detail=_NO_TEXT_FOUND)
    return document


# --- Opening -------------------------------------------------------------------------------------
def _corrupt(message: str) -> DocumentError:
    return DocumentError(f"{message}; ask for the file to be saved again as PDF", reason="corrupt")


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise DocumentError("the PDF is protected by a password; ask for a copy without one",
                                reason="encrypted") from exc
        raise _corrupt(f"the PDF is damaged or incomplete ({exc})") from exc


def _load_page(pdf: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise _corrupt(f"page {index + 1} of the PDF cannot be read") from exc
    if _has_annotation_text(page):
        # Signature widgets and stamps draw their text in an appearance stream, outside the page's
        # text: flatten them into the page (in memory only), then load the page again.
        pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY)
        page.close()
        page = pdf[index]
    return page


def _has_annotation_text(page: pdfium.PdfPage) -> bool:
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        if annot:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            pdfium_c.FPDFPage_CloseAnnot(annot)
            if subtype in _FLATTENED_ANNOTS:
                return True
    return False


# --- One page ------------------------------------------------------------------------------------
def _read_page(pdf: pdfium.PdfDocument, index: int, tables: _TableFinder) -> _Page:
    page = _load_page(pdf, index)
    result = _Page(number=index + 1)
    try:
        textpage = page.get_textpage()
        try:
            raw = _without_controls(textpage.get_text_range())
            lines = [line for part in raw.split("\r\n") if (line := part.strip())]
            objects = _count_objects(page)
            lines, result.legacy = _unicode(textpage, raw, lines)
            if objects.images and _is_scan(lines):
                result.scanned = True
                result.items = lines  # a stamp or a page number at most: kept beside the OCR text
                return result
            found = tables.on_page(index, result, page, textpage) if _looks_ruled(objects) else []
            result.items = _place_tables(textpage, raw, lines, found, result.legacy) if found else lines
        finally:
            textpage.close()
    finally:
        page.close()
    return result


def _without_controls(text: str) -> str:
    """Control characters (a lone CR or LF too) as spaces: every character keeps its index, by
    which its box is looked up, and lines are what pdfium ends with CRLF."""
    if text.replace("\r\n", "").isprintable():  # the usual case, at a tenth of a regex's cost
        return text
    return _CONTROL.sub(" ", text)


def _is_scan(lines: list[str]) -> bool:
    """Next to no text but a signature stamp: scans are often signed after scanning."""
    chars = sum(map(len, lines))
    if chars < _SCAN_MAX_CHARS:
        return True
    if chars > 2000 or not stamps.page_may_have_stamp("\n".join(lines)):
        return False
    stamped = sum(len(line) for found in stamps.find_stamps(lines) for line in lines[found.start:found.end])
    return chars - stamped < _SCAN_MAX_CHARS


def _count_objects(page: pdfium.PdfPage) -> _Objects:
    """Paths, their segments and images on the page, one level into form XObjects: raw calls, no wrappers."""
    counts = _Objects()
    _count_into(counts, page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, depth=0)
    return counts


def _count_into(counts: _Objects, parent, count_objects, get_object, depth: int) -> None:
    for index in range(count_objects(parent)):
        obj = get_object(parent, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            counts.paths += 1
            counts.segments += max(pdfium_c.FPDFPath_CountSegments(obj), 0)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            counts.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth == 0:
            _count_into(counts, obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, depth=1)


def _looks_ruled(objects: _Objects) -> bool:
    return objects.paths >= _RULED_PATHS or objects.segments >= _RULED_SEGMENTS


def _unicode(textpage: pdfium.PdfTextPage, raw: str, lines: list[str]) -> tuple[list[str], str | None]:
    """The lines in NFC Unicode, converted from TCVN3/VNI when the page's text is legacy."""
    joined = "\n".join(lines)
    latin1 = joined.encode("latin-1", "ignore")
    beyond_latin1 = len(joined) - len(latin1)  # ạ ả ấ ư ơ đ ...: a Unicode text layer
    high_latin1 = len(latin1) - len(latin1.translate(None, _LATIN1_HIGH))  # µ ¸ Ç é ...: legacy letters
    if high_latin1 <= beyond_latin1:
        return nfc(joined).split("\n"), None
    font = _font_of_first_high_char(textpage, raw)
    converted, legacy = fix_legacy(joined, font)
    if legacy in ("tcvn3", "tcvn3h") and "-" in joined:
        # TCVN3 puts ư in the soft hyphen's slot (0xAD), which pdfium reads as "-".
        converted = fix_legacy(_TCVN3_U_AS_HYPHEN.sub("\xad", joined), font)[0]
    split = converted.split("\n")
    return (split, legacy) if len(split) == len(lines) else ([fix_legacy(line)[0] for line in lines], legacy)


def _font_of_first_high_char(textpage: pdfium.PdfTextPage, raw: str) -> str | None:
    """The font name of the page's first Latin-1 letter: ".VnTime" or "VNI-Times" settles the encoding."""
    match = re.search("[\u00a1-\u00fe]", raw)
    if match is None:
        return None
    char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, match.start())
    size = pdfium_c.FPDFText_GetFontInfo(textpage.raw, char, None, 0, None) if char >= 0 else 0
    if size <= 0:
        return None
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, char, buffer, size, None)
    return buffer.value.decode("utf-8", "replace")


# --- Tables --------------------------------------------------------------------------------------
class _TableFinder:
    """`pdf_tables` on the page being read; `_tables(index)` is what tests replace."""

    def __init__(self) -> None:
        self._page: tuple[pdfium.PdfPage, pdfium.PdfTextPage] | None = None

    def on_page(self, index: int, page: _Page, pdf_page: pdfium.PdfPage,
                textpage: pdfium.PdfTextPage) -> list[_FoundTable]:
        self._page = (pdf_page, textpage)
        try:
            return self._tables(index)
        except DocumentError:
            raise  # the time limit, not the tables
        except Exception as exc:  # noqa: BLE001 — the text is read; only the table layout is lost
            page.notes.append(f"tables on page {page.number} could not be read ({type(exc).__name__})")
            return []
        finally:
            self._page = None

    def _tables(self, index: int) -> list[_FoundTable]:
        assert self._page is not None, f"page {index + 1} is not being read"
        return find_tables(*self._page)


def _line_starts(raw: str) -> list[int]:
    """Text index of the first character of each non-blank line, as `_read_page` splits them."""
    starts, position = [], 0
    for part in raw.split("\r\n"):
        stripped = part.lstrip()
        if stripped.strip():
            starts.append(position + len(part) - len(stripped))
        position += len(part) + 2
    return starts


def _place_tables(textpage: pdfium.PdfTextPage, raw: str, lines: list[str], found: list[_FoundTable],
                  legacy: str | None) -> list[Item]:
    """The page's lines with each table in place of the lines drawn inside it."""
    items: list[Item] = []
    placed: set[int] = set()
    for text_index, line in zip(_line_starts(raw), lines, strict=True):
        inside = _table_at(textpage, text_index, found)
        if inside is None:
            items.append(line)
        elif inside not in placed:
            placed.add(inside)
            items.append(_converted(found[inside].table, legacy))
    items += [_converted(found[i].table, legacy) for i in range(len(found)) if i not in placed]
    return items


def _table_at(textpage: pdfium.PdfTextPage, text_index: int, found: list[_FoundTable]) -> int | None:
    char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index)
    if char < 0:
        return None
    left, bottom, right, top = textpage.get_charbox(char)
    x, y = (left + right) / 2, (bottom + top) / 2
    for number, table in enumerate(found):
        x0, y0, x1, y1 = table.box
        if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1:
            return number
    return None


def _converted(table: Table, legacy: str | None) -> Table:
    """A legacy page's table cells converted as its text was."""
    if legacy is None:
        return table
    text = fix_legacy(table.text, _FONT_OF_ENCODING.get(legacy))[0]
    rows = tuple(tuple(line.split("\t")) for line in text.split("\n"))
    return Table(rows) if len(rows) == len(table.rows) else table


# --- Scans ---------------------------------------------------------------------------------------
def _ocr_pages(pdf: pdfium.PdfDocument, scans: list[_Page], limits: Limits) -> list[OcrResult]:
    results = []
    for page in scans[: limits.ocr_max_pages]:
        image, dpi = _render(pdf, page.number - 1, limits.ocr_dpi)
        result = ocr_image(image, limits, dpi=dpi)
        results.append(result)
        read = [line.strip() for line in result.text.split("\n")]
        if page.items:  # the text layer's stamp is exact; OCR's reading of the same box is dropped
            for found in reversed(stamps.find_stamps(read)):
                del read[found.start:found.end]
            read.append("")
        page.items = read + page.items
        page.scanned = False
    if len(scans) > limits.ocr_max_pages:
        scans[-1].notes.append(f"{len(scans) - limits.ocr_max_pages} scanned pages were not OCR'd "
                               f"(limit {limits.ocr_max_pages})")
    return results


def _render(pdf: pdfium.PdfDocument, index: int, dpi: int) -> tuple[bytes, int]:
    """The page as a grayscale PGM image (no compression: it only crosses a pipe) and its resolution.

    An oversized page (a map, a poster) is rendered at a lower resolution than asked for.
    """
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = min(dpi / 72, (_MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5)
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            image = bitmap.to_pil()
            out = io.BytesIO()
            image.convert("L").save(out, "PPM")
            return out.getvalue(), round(scale * 72)
        finally:
            bitmap.close()
    finally:
        page.close()


# --- Assembling the document ---------------------------------------------------------------------
def _document(path: str, pages: list[_Page], results: list[OcrResult]) -> Document:
    blocks, signatures = layout_blocks([(page.number, page.items) for page in pages])
    notes = [note for page in pages for note in page.notes]
    if results:
        notes.insert(0, f"{len(results)} of {len(pages)} pages OCR'd")
    unread = sum(page.scanned for page in pages)
    if unread and not results:
        notes.append(f"{unread} scanned pages have no text layer and were not OCR'd")
    legacy = next((page.legacy for page in pages if page.legacy), None)
    return Document(path=path, kind="pdf", blocks=tuple(blocks), pages=len(pages), ocr=bool(results),
                    ocr_confidence=mean_confidence(results) if results else None, legacy_encoding=legacy,
                    signatures=tuple(signatures), notes=tuple(notes))
