"""Text of scanned pages and image attachments, read by the Tesseract command-line tool.

Tesseract runs once per image through `run_tool` (time and memory limits), image on stdin, TSV
on stdout: the TSV gives words with their block/paragraph/line numbers and a confidence, from
which the text is rebuilt line by line in Tesseract's reading order. It is told to use one
thread (OMP_THREAD_LIMIT=1): the daemon parallelises across worker processes itself.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageSequence, UnidentifiedImageError

from parsers.documents.external import find_tool, run_tool
from parsers.documents.limits import Limits
from parsers.documents.model import Block, BlockKind, Document
from parsers.headers import nfc
from reportbox.errors import DocumentError

# The TSV columns we read: level, block/paragraph/line numbers, confidence, word.
_LEVEL, _BLOCK, _PARAGRAPH, _LINE, _CONF, _TEXT = 0, 2, 3, 4, 10, 11
_WORD_LEVEL = "5"
_SENTENCE_END = (".", ":", ";", "!", "?")
_LIST_MARKER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|[IVXLC]{1,6}\.|[a-zđ]\))\s")
# Two reasons a scan is not read, kept apart: `needs_ocr` is our configuration (the report waits in
# review until OCR is installed or switched on, then `reportbox reprocess`); `ocr_failed` is the scan
# itself (OCR ran and failed, or found no text: the sender can send a PDF with text).
_NEEDS_OCR = ("the file is a scan with no text layer and OCR (Tesseract with Vietnamese) is not installed "
              "or is switched off here ([documents] ocr)")
_NO_TEXT_FOUND = "OCR found no text in the scan; ask for a PDF with text (saved from Word) or the Word file"


@dataclass(frozen=True)
class OcrResult:
    text: str  # lines in reading order, a blank line between Tesseract's paragraphs
    confidence: float | None  # mean word confidence, 0..1; None when no word was found
    words: int = 0  # how many words the confidence is the mean of (to weigh pages)


@functools.cache
def tesseract_available(languages: str = "vie+eng") -> bool:
    """Tesseract is installed and has every language of `languages` ("vie+eng")."""
    binary = find_tool("tesseract")
    if binary is None:
        return False
    try:
        listed = run_tool([binary, "--list-langs"], Limits(subprocess_seconds=30), what="tesseract --list-langs")
    except DocumentError:
        return False
    # The first line is a heading ("List of available languages in ..."), the rest one code a line.
    installed = set(listed.stdout.decode("utf-8", "replace").split()) | set(
        listed.stderr.decode("utf-8", "replace").split())
    return listed.returncode == 0 and all(code in installed for code in languages.split("+"))


def ocr_enabled(limits: Limits) -> bool:
    """OCR is switched on (with at least one page to read) and Tesseract has the languages: else a
    scan is `needs_ocr`, our configuration's doing."""
    return limits.ocr and limits.ocr_max_pages > 0 and tesseract_available(limits.ocr_languages)


def ocr_image(image: bytes, limits: Limits, *, dpi: int | None = None) -> OcrResult:
    """Text of one image (PNG, PNM, TIFF, JPEG bytes) by Tesseract; DocumentError if it fails."""
    binary = find_tool("tesseract")
    if binary is None:
        raise DocumentError(_NEEDS_OCR, reason="needs_ocr")
    argv = [binary, "stdin", "stdout", "-l", limits.ocr_languages, "--psm", "3"]
    if dpi:
        argv += ["--dpi", str(dpi)]  # spares Tesseract guessing it from text height
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # TESSDATA_PREFIX and PATH pass through
    done = run_tool([*argv, "tsv"], limits, input=image, env=env, what="OCR (Tesseract)")
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise DocumentError(f"OCR failed: {message[0][:200]}", reason="ocr_failed")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> OcrResult:
    """Words of Tesseract's TSV joined into lines; paragraphs apart by a blank line."""
    lines: list[str] = []
    confidences: list[float] = []
    current_line: tuple[str, ...] | None = None
    current_paragraph: tuple[str, ...] | None = None
    words: list[str] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) <= _TEXT or cells[_LEVEL] != _WORD_LEVEL or not cells[_TEXT].strip():
            continue
        line_key = (cells[_BLOCK], cells[_PARAGRAPH], cells[_LINE])
        if line_key != current_line:
            if words:
                lines.append(" ".join(words))
            if current_paragraph is not None and line_key[:2] != current_paragraph:
                lines.append("")
            words, current_line, current_paragraph = [], line_key, line_key[:2]
        words.append(cells[_TEXT].strip())
        confidence = float(cells[_CONF])
        if confidence >= 0:
            confidences.append(confidence)
    if words:
        lines.append(" ".join(words))
    mean = sum(confidences) / len(confidences) / 100 if confidences else None
    return OcrResult(nfc("\n".join(lines)), mean, len(confidences))


def mean_confidence(results: list[OcrResult]) -> float | None:
    """Confidence of several pages together: the mean over all their words."""
    words = sum(result.words for result in results if result.confidence is not None)
    if not words:
        return None
    return sum(result.confidence * result.words for result in results if result.confidence is not None) / words


def text_blocks(text: str, page: int | None = None) -> list[Block]:
    """OCR text as paragraph blocks: wrapped lines joined, Tesseract's paragraph breaks kept."""
    lines = [line.strip() for line in text.splitlines()]
    paragraphs = join_wrapped_lines(lines, typical_width(lines))
    return [Block(BlockKind.PARAGRAPH, paragraph, page=page) for paragraph in paragraphs]


def typical_width(lines: Sequence[str]) -> int:
    """The length of a full line of running text: the 90th percentile of line lengths."""
    lengths = sorted(len(line) for line in lines if line)
    return lengths[(len(lengths) - 1) * 9 // 10] if lengths else 0


def join_wrapped_lines(lines: Sequence[str], full_width: int) -> list[str]:
    """Lines of a page (PDF text layer or OCR) joined into paragraphs; an empty line is a break.

    A line continues the one before when that one runs nearly the full width, does not end in
    sentence punctuation and is not all capitals (a heading), and the line starts in lower case
    or with a number that is not a list marker. Cheap and conservative: a wrapped line that starts
    with a capital (a name) stays a paragraph of its own.
    """
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if paragraphs and previous and line and _continues(previous, line, full_width):
            paragraphs[-1] += " " + line
        elif line:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _continues(previous: str, line: str, full_width: int) -> bool:
    if len(previous) < 0.75 * full_width or previous.endswith(_SENTENCE_END) or previous.isupper():
        return False
    first = line[0]
    return first.islower() or (first.isdigit() and not _LIST_MARKER.match(line))


def read_image(data: bytes, path: str, limits: Limits) -> Document:
    """An image attachment (PNG, JPEG, TIFF with one or more pages) read by OCR, page by page."""
    can_ocr = ocr_enabled(limits)
    pages, frames = _frames(data, limits.ocr_max_pages if can_ocr else 0)
    if not can_ocr:
        return Document(path=path, kind="image", pages=pages, error="needs_ocr", detail=_NEEDS_OCR)
    blocks: list[Block] = []
    results: list[OcrResult] = []
    for number, (png, dpi) in enumerate(frames, start=1):
        result = ocr_image(png, limits, dpi=dpi)
        results.append(result)
        blocks += text_blocks(result.text, page=number if pages > 1 else None)
    if not any(result.text.strip() for result in results):
        return Document(path=path, kind="image", pages=pages, error="ocr_failed", detail=_NO_TEXT_FOUND)
    notes = [f"{pages} pages OCR'd" if pages > 1 else "OCR'd"]
    if pages > limits.ocr_max_pages:
        notes.append(f"only the first {limits.ocr_max_pages} of {pages} pages were OCR'd")
    return Document(path=path, kind="image", blocks=tuple(blocks), pages=pages, ocr=True,
                    ocr_confidence=mean_confidence(results), notes=tuple(notes))


def _frames(data: bytes, wanted: int) -> tuple[int, list[tuple[bytes, int | None]]]:
    """The image's page count and its first `wanted` pages as PNG bytes with their resolution.

    Pillow's decompression-bomb guard becomes `too_large`; anything Pillow cannot decode `corrupt`.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > (Image.MAX_IMAGE_PIXELS or 1 << 62):
                raise Image.DecompressionBombError("image size over Pillow's limit")
            pages = getattr(image, "n_frames", 1)
            frames = [_as_png(frame) for frame, _ in zip(ImageSequence.Iterator(image), range(wanted))]
            return pages, frames
    except Image.DecompressionBombError as exc:
        raise DocumentError(f"the image is too large to read ({exc})", reason="too_large") from exc
    except UnidentifiedImageError as exc:  # its message names a Python object's address: not kept
        raise DocumentError("the file is damaged or not an image Pillow can read", reason="corrupt") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise DocumentError(f"the image is damaged or not an image ({exc})"[:300], reason="corrupt") from exc


def _as_png(frame: Image.Image) -> tuple[bytes, int | None]:
    dpi = frame.info.get("dpi")
    resolution = round(float(dpi[0])) if dpi and float(dpi[0]) >= 70 else None
    if frame.mode not in ("1", "L", "RGB"):
        frame = frame.convert("RGB")
    out = io.BytesIO()
    frame.save(out, "PNG", compress_level=1)  # fast: the PNG only crosses a pipe
    return out.getvalue(), resolution
