"""Limits that keep one hostile or enormous attachment from taking the daemon down with it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024  # a single file (or archive member) larger is `too_large`
    max_pages: int = 2000  # PDF pages read; more is `too_large`
    archive_depth: int = 3  # archives inside archives; deeper members are `too_large`
    archive_members: int = 500  # members of one archive, all levels together
    archive_total_bytes: int = 500 * 1024 * 1024  # unpacked, all levels together
    archive_ratio: int = 200  # unpacked / packed size of one member; more smells of a zip bomb
    ocr: bool = True  # OCR pages with no text layer when Tesseract is installed
    ocr_languages: str = "vie+eng"
    ocr_max_pages: int = 50
    ocr_dpi: int = 300
    subprocess_seconds: float = 120.0  # LibreOffice, Tesseract (per page), unar
    subprocess_memory_bytes: int = 2 * 1024 * 1024 * 1024  # RLIMIT_AS of those subprocesses
    parse_seconds: float = 300.0  # the whole of one document in-process (pdfminer on a hostile PDF)


DEFAULT_LIMITS = Limits()
