"""Spreadsheets (.xlsx with openpyxl, .xls with xlrd): one table block per non-empty sheet.

Cells come out as the text a planner sees in Excel: 24744 not 24744.0, 68.8 as it is, dates as
dd/mm/yyyy, percentages as "68.8%", empty cells as "". Merged cells keep their value in the
top-left cell only (read-only openpyxl and xlrd do not report merges cheaply); the other cells of
the merge are "". Legacy TCVN3/VNI text is detected per sheet from all its text cells together,
because one cell is too short for the statistics and read-only openpyxl gives no font names.

Hostile sheets: a sheet's declared dimension can claim 1,048,576 rows, so it is ignored; rows are
read as the file holds them, at most MAX_COLUMNS columns and MAX_CELLS cells per workbook, and a
sheet stops after MAX_EMPTY_ROWS consecutive empty rows (a note says so).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator

from parsers.documents.limits import Limits
from parsers.documents.model import Block, BlockKind, Document, Table
from parsers.documents.office_crypto import OleError, is_ole, ole_kind
from parsers.headers import nfc
from parsers.vietnamese import fix_legacy
from reportbox.errors import DocumentError

MAX_COLUMNS = 256
MAX_CELLS = 2_000_000  # per workbook: about 200 MB of Python objects at worst
MAX_EMPTY_ROWS = 1000

_CELL_SEPARATOR = "\n\x00\n"  # joins a sheet's cells for legacy detection; no legacy table maps NUL


class _CellBudget:
    """Cells left to read in the whole workbook; notes what was cut."""

    def __init__(self) -> None:
        self.left = MAX_CELLS
        self.notes: list[str] = []


# --- .xlsx ---------------------------------------------------------------------------------------
def read_xlsx(data: bytes, path: str, limits: Limits) -> Document:
    if is_ole(data):
        if _ole_encrypted(data):
            raise DocumentError("the workbook is password-protected; ask the sender for an unprotected copy",
                                reason="encrypted")
        return read_xls(data, path, limits)  # an old .xls renamed to .xlsx
    _check_unpacked_size(data, limits)
    import openpyxl  # heavy: imported when a workbook arrives

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises KeyError, BadZipFile, XML errors ...
        raise _damaged(exc) from exc
    budget = _CellBudget()
    try:
        sheets = [(sheet.title, _xlsx_rows(sheet, budget)) for sheet in workbook.worksheets]
        return _document(path, "xlsx", sheets, budget)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 — a broken sheet part shows only while its rows are parsed
        raise _damaged(exc) from exc
    finally:
        workbook.close()


def _ole_encrypted(data: bytes) -> bool:
    """A password-protected workbook: Excel stores it as an OLE container with an EncryptedPackage."""
    try:
        return ole_kind(data) == "encrypted"
    except OleError:
        return False  # not a readable container: xlrd says it is damaged


def _check_unpacked_size(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb before openpyxl inflates it: zipfile never reads past a declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(exc) from exc
    if declared > limits.max_file_bytes:
        raise DocumentError(
            f"the workbook unpacks to {declared / 1e6:.0f} MB, over the {limits.max_file_bytes / 1e6:.0f} MB limit",
            reason="too_large")


def _xlsx_rows(sheet, budget: _CellBudget) -> Iterator[list[str]]:
    sheet.reset_dimensions()  # the stored dimension can lie; read the rows the file really has
    for row in sheet.iter_rows():  # no max_col: openpyxl would pad every row out to it
        budget.left -= len(row)  # the cells openpyxl built, even those past MAX_COLUMNS
        yield [_xlsx_cell(cell) for cell in row[:MAX_COLUMNS]]


def _xlsx_cell(cell) -> str:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return f"{_number(value * 100)}%"
    return _text(value)


# --- .xls ----------------------------------------------------------------------------------------
def read_xls(data: bytes, path: str, limits: Limits) -> Document:
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, path, limits)  # a .xlsx renamed to .xls; xlrd 2 reads .xls only
    import xlrd

    try:
        # xlrd writes its warnings on damaged files to stdout unless given a log of its own.
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise DocumentError("the workbook is password-protected; ask the sender for an unprotected copy",
                                reason="encrypted") from exc
        raise _damaged(exc) from exc
    except Exception as exc:  # noqa: BLE001 — xlrd raises CompDocError, struct.error, IndexError ...
        raise _damaged(exc) from exc
    budget = _CellBudget()
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            sheets.append((sheet.name, _xls_rows(sheet, book.datemode, budget)))
        return _document(path, "xls", sheets, budget)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _damaged(exc) from exc
    finally:
        book.release_resources()


def _xls_rows(sheet, datemode: int, budget: _CellBudget) -> Iterator[list[str]]:
    import xlrd

    columns = min(sheet.ncols, MAX_COLUMNS)
    for row in range(sheet.nrows):
        cells = []
        for column in range(min(sheet.row_len(row), columns)):
            cell = sheet.cell(row, column)
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    cells.append(_text(xlrd.xldate_as_datetime(cell.value, datemode)))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    cells.append(_number(cell.value))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                cells.append("TRUE" if cell.value else "FALSE")
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                cells.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
            else:
                cells.append(_text(cell.value))
        budget.left -= len(cells)
        yield cells


# --- Shared --------------------------------------------------------------------------------------
def _document(path: str, kind: str, sheets: Iterable[tuple[str, Iterator[list[str]]]],
              budget: _CellBudget) -> Document:
    blocks, encodings = [], set()
    for name, rows in sheets:
        name = nfc(name)
        table_rows = _trimmed(_read_sheet(name, rows, budget))
        if not table_rows:
            continue
        table_rows, encoding = _fix_legacy_sheet(table_rows)
        if encoding:
            encodings.add(encoding)
        table = Table(rows=tuple(tuple(row) for row in table_rows), sheet=name)
        blocks.append(Block(kind=BlockKind.TABLE, text=table.text, table=table))
    legacy = "tcvn3" if "tcvn3" in encodings else (encodings.pop() if encodings else None)
    return Document(path=path, kind=kind, blocks=tuple(blocks), legacy_encoding=legacy, notes=tuple(budget.notes))


def _read_sheet(name: str, rows: Iterator[list[str]], budget: _CellBudget) -> list[list[str]]:
    kept: list[list[str]] = []
    empty_run = 0
    for row in rows:
        if budget.left < 0:
            budget.notes.append(f"sheet {name!r} cut after {len(kept)} rows: over {MAX_CELLS} cells in the workbook")
            break
        budget.left -= 1  # an empty row costs something too, or a million of them would be free
        if any(row):
            empty_run = 0
        else:
            empty_run += 1
            if empty_run >= MAX_EMPTY_ROWS:
                budget.notes.append(f"sheet {name!r} read up to {MAX_EMPTY_ROWS} consecutive empty rows")
                break
        kept.append(row)
    return kept


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Without trailing empty rows and columns; every row as wide as the widest kept cell."""
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, cell in enumerate(row) if cell), default=0) for row in rows), default=0)
    return [(row + [""] * width)[:width] for row in rows]


def _fix_legacy_sheet(rows: list[list[str]]) -> tuple[list[list[str]], str | None]:
    """Convert TCVN3/VNI cells when the sheet's text as a whole is in a legacy encoding."""
    cells = [cell for row in rows for cell in row]
    converted, encoding = fix_legacy(_CELL_SEPARATOR.join(cells))
    if encoding is None:
        return rows, None
    fixed = converted.split(_CELL_SEPARATOR)
    if len(fixed) != len(cells):  # cannot happen unless a table maps NUL; keep the text as read
        return rows, None
    width = len(rows[0])
    return [fixed[i:i + width] for i in range(0, len(fixed), width)], encoding


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dt.datetime):
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value.strftime("%d/%m/%Y %H:%M" if has_time else "%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return nfc(str(value).replace("\x00", ""))


def _number(value: float) -> str:
    """As Excel shows it: whole numbers without ".0", others to 15 significant digits (no float noise)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return format(value, ".15g")


def _damaged(exc: Exception) -> DocumentError:
    return DocumentError(f"the workbook is damaged and cannot be read ({type(exc).__name__}: {exc})"[:300],
                         reason="corrupt")
