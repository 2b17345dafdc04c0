"""One entry point: bytes of a file and its sniffed kind → a Document, never an exception.

Readers raise DocumentError with a reason; anything else a library throws on a broken file is
recorded as `corrupt` with the library's words, so one bad attachment never stops a message.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import replace

from parsers.documents.deadline import time_limit
from parsers.documents.limits import DEFAULT_LIMITS, Limits
from parsers.documents.model import Document
from reportbox.errors import DocumentError

_TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"  # Outlook's winmail.dat
# reader(data, path, limits) -> Document (without size/sha256: filled in here)
Reader = Callable[[bytes, str, Limits], Document]


@functools.cache
def _readers() -> dict[str, Reader]:
    # Imported when the first document is read, not with this module: the libraries are heavy
    # (lxml, pdfium, pdfminer, openpyxl), and the fetch stage imports the parsers without them.
    from parsers.documents import archives, libreoffice, ocr, pdf, sheets, text, word

    return {
        "docx": word.read_docx,
        "pdf": pdf.read_pdf,
        "doc": libreoffice.read_via_libreoffice,
        "rtf": libreoffice.read_via_libreoffice,
        "odt": libreoffice.read_via_libreoffice,
        "ods": libreoffice.read_via_libreoffice,
        "xlsx": sheets.read_xlsx,
        "xls": sheets.read_xls,
        "image": ocr.read_image,
        "zip": archives.read_archive,
        "7z": archives.read_archive,
        "rar": archives.read_archive,
        "text": text.read_text,
        "csv": text.read_text,
        "html": text.read_html,
    }


def read_document(data: bytes, path: str, kind: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    size, sha = len(data), hashlib.sha256(data).hexdigest()
    base = Document(path=path, kind=kind, size=size, sha256=sha)
    reader = _readers().get(kind)
    if reader is None and data.startswith(_TNEF_SIGNATURE):
        return _refused(base, DocumentError(
            "Outlook's winmail.dat (TNEF): the files inside it are not read; ask the sender to attach them "
            "as ordinary files (mail sent as HTML or plain text, not Rich Text)", reason="unsupported"))
    if reader is None:
        return _refused(base, DocumentError(
            f"this type of file ({kind}) cannot be read; reports are read from .docx, .doc, .pdf, .xlsx, "
            ".xls, .odt, .rtf, images and .zip/.7z/.rar archives of them", reason="unsupported"))
    if size > limits.max_file_bytes:
        return _refused(base, DocumentError(
            f"{size / 1e6:.1f} MB is over the {limits.max_file_bytes / 1e6:.0f} MB limit for one file",
            reason="too_large"))
    try:
        with time_limit(limits.parse_seconds, f"reading {path}"):
            document = reader(data, path, limits)
    except DocumentError as exc:
        return _refused(base, exc)
    except MemoryError:
        return _refused(base, DocumentError("reading it needed more memory than a parsing process may use "
                                            "(processing.worker_memory_mb)", reason="too_large"))
    except RecursionError:
        return _refused(base, DocumentError("its structure is nested too deeply to read", reason="corrupt"))
    except Exception as exc:  # noqa: BLE001 — a library's own error on a broken file
        return _refused(base, DocumentError(f"the file is damaged ({type(exc).__name__}: {exc})"[:500],
                                            reason="corrupt"))
    return _with(document, path=path, kind=kind, size=size, sha256=sha)


def _refused(base: Document, exc: DocumentError) -> Document:
    return _with(base, error=exc.reason, detail=str(exc))


def _with(document: Document, **changes) -> Document:
    return replace(document, **changes)
