"""Ruled tables of a PDF page: geometry and text from pypdfium2, the table analysis from pdfplumber.

pdfplumber's `find_tables()` has pdfminer interpret the whole page again (~0.27 s a table page);
its table algorithm itself is pure geometry on edge dicts. So the ruling lines are read here from
pdfium's path objects (straight segments, rectangles included: Word draws cell borders as thin
filled rectangles), turned into the edges pdfplumber would have made, and given to pdfplumber's
own `TableFinder` with its default settings, in the page as displayed (/Rotate applied), as
pdfplumber sees it. Each cell's text is pdfium's text inside the cell; boxes go back in PDF space.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.documents.model import Table
from parsers.headers import nfc

_MAX_FORM_DEPTH = 3  # form XObjects inside form XObjects: as deep as producers go in practice
_STRAIGHT = 0.01  # points: a segment this close to horizontal or vertical is a ruling line
_CELL_INSET = 0.5  # points: pdfium takes a glyph that touches the cell rectangle; a border's neighbour must not
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# PDF user space (y up) to the page as displayed, y down, as pdfplumber sees it; each is its own inverse.
_TO_DISPLAY: dict[int, _Matrix] = {0: (1, 0, 0, -1, 0, 0), 90: (0, 1, 1, 0, 0, 0), 180: (-1, 0, 0, 1, 0, 0),
                                   270: (0, -1, -1, 0, 0, 0)}
_Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FoundTable:
    box: tuple[float, float, float, float]  # left, bottom, right, top in PDF units (origin bottom left)
    table: Table


@dataclass(frozen=True)
class _EdgesOnly:
    """The two attributes of a pdfplumber page that `TableFinder` reads with the "lines" strategies."""

    edges: list[dict]
    bbox: tuple[float, float, float, float]


def find_tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[FoundTable]:
    """The page's ruled tables, top to bottom, as pdfplumber's `find_tables()` finds them.

    Cells are NFC text with whitespace collapsed to single spaces (a cell's wrapped lines too),
    the cells a merge covers are "". Blank rows are dropped, and a table needs two rows and two
    columns: a framed paragraph is no table.
    """
    from pdfplumber.table import TableFinder, TableSettings  # slow to import; most pages never need it

    rotation = page.get_rotation()
    display = _TO_DISPLAY.get(rotation, _TO_DISPLAY[0])
    edges = page_edges(page, display)
    if not edges:
        return []
    finder = TableFinder(_EdgesOnly(edges, (0.0, 0.0, 0.0, 0.0)), TableSettings())  # bbox: explicit lines only
    found = []
    for table in finder.tables:
        boxes = [_to_user(cell, display) for row in table.rows for cell in row.cells if cell is not None]
        texts = iter(_texts_by_char(textpage, boxes) if rotation else [_bounded_text(textpage, box) for box in boxes])
        rows = [tuple("" if cell is None else next(texts) for cell in row.cells) for row in table.rows]  # "": merged
        rows = [row for row in rows if any(row)]
        if len(rows) >= 2 and max(map(len, rows)) >= 2:
            found.append(FoundTable(_to_user(table.bbox, display), Table(tuple(rows))))
    return found


def _bounded_text(textpage: pdfium.PdfTextPage, box: _Box) -> str:
    left, bottom, right, top = box
    inset_x = min(_CELL_INSET, (right - left) / 4)
    inset_y = min(_CELL_INSET, (top - bottom) / 4)
    return _normal(textpage.get_text_bounded(left + inset_x, bottom + inset_y, right - inset_x, top - inset_y))


def _texts_by_char(textpage: pdfium.PdfTextPage, boxes: list[_Box]) -> list[str]:
    """Each box's text, char by char (centre inside), a space where the page's text leaves the box.

    For turned pages: pdfium's bounded text starts a new line only where y changes, so the wrapped
    lines of a cell would run together ("quychuẩn")."""
    parts: list[list[str]] = [[] for _ in boxes]
    last = [-2] * len(boxes)
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index)
        x, y = (left + right) / 2, (bottom + top) / 2
        for number, (x0, y0, x1, y1) in enumerate(boxes):
            if x0 <= x < x1 and y0 <= y < y1:
                parts[number].append(("" if last[number] == index - 1 else " ")
                                     + chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)))
                last[number] = index
                break
    return [_normal("".join(chars)) for chars in parts]


def _normal(text: str) -> str:
    return nfc(" ".join(text.split())) if text else ""


def _to_user(box: _Box, display: _Matrix) -> _Box:
    """A displayed box (x0, top, x1, bottom) as left, bottom, right, top in PDF user space."""
    (x0, y0), (x1, y1) = _apply(display, box[0], box[1]), _apply(display, box[2], box[3])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


# --- Edges ---------------------------------------------------------------------------------------
def page_edges(page: pdfium.PdfPage, display: _Matrix) -> list[dict]:
    """Horizontal and vertical straight segments of the page's painted paths, form XObjects included,
    as pdfplumber edge dicts in `display` space (y down): x0, x1, top, bottom, width, height, orientation."""
    edges: list[dict] = []
    _collect(edges, page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, display, 0)
    return edges


def _collect(edges: list[dict], parent, count_objects, get_object, outer: _Matrix, depth: int) -> None:
    for index in range(count_objects(parent)):
        obj = get_object(parent, index)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH and _is_painted(obj):
            for start, end in _segments(obj, _then(_matrix(obj), outer)):
                edge = _edge(start, end)
                if edge is not None:
                    edges.append(edge)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            _collect(edges, obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                     _then(_matrix(obj), outer), depth + 1)


def _is_painted(obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
        return True
    return bool(fill.value or stroke.value)


def _segments(obj, matrix: _Matrix) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The path's straight pieces, closing ones included, in page space; curves are no ruling."""
    x, y = ctypes.c_float(), ctypes.c_float()
    pieces = []
    start = current = None
    for index in range(max(pdfium_c.FPDFPath_CountSegments(obj), 0)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        point = _apply(matrix, x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or current is None:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            pieces.append((current, point))
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and start != current:
            pieces.append((current, start))
            current = start
    return pieces


def _edge(start: tuple[float, float], end: tuple[float, float]) -> dict | None:
    x0, x1 = sorted((start[0], end[0]))
    top, bottom = sorted((start[1], end[1]))
    if bottom - top <= _STRAIGHT < x1 - x0:
        top = bottom = (top + bottom) / 2
        orientation = "h"
    elif x1 - x0 <= _STRAIGHT < bottom - top:
        x0 = x1 = (x0 + x1) / 2
        orientation = "v"
    else:
        return None  # a slanted line or a dot
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation}


def _matrix(obj) -> _Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return _IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _then(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The transformation `inner` followed by `outer` (PDF row-vector matrices: inner x outer)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806 — the usual names of a matrix's entries
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)
