"""Continuations: a message that carries a later part of a report, or a supplement to one sent before.

Provinces split a large report over several e-mails ("phần 2", "phần 2/3", "(2/3)", "part 2",
"tiếp theo", "gửi tiếp") or send what they left out later ("bổ sung", "báo cáo bổ sung").
`continuation_mark` reads the subject and the file names, folded (parsers.vietnamese.fold), on
whole words, and quotes the words as written.

What is not a continuation:
- the first part ("phần 1", "1/3", "part 1"), and any part number when the same message also
  holds part 1 (one e-mail with "phan 1.doc" and "phan 2.doc" is whole);
- "bổ sung kinh phí / dự toán / biên chế / vốn / nguồn / ngân sách": a request for more money or
  staff, and "sửa đổi, bổ sung" (amending a legal text);
- "năm tiếp theo", "giai đoạn tiếp theo": the following year or period;
- numbers that only look like fractions: dates ("2/3/2020", "ngày 2/3"), legal numbers
  ("5025/LĐTBXH-KHTC", "Nghị định 2/2020"), years ("2019/2020"); a part fraction n/m has
  2 ≤ n ≤ m ≤ MAX_PARTS;
- a replacement ("gửi lại", "thay thế", "điều chỉnh"): a new full version, not a continuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parsers.vietnamese import fold

MAX_PARTS = 20

_GAP = r"[\s_-]*"  # between words: spaces, or what file names use instead
_WORD_BEFORE = r"(?<![a-z0-9])"
_WORD_AFTER = r"(?![a-z0-9])"


def _phrases(*phrases: str) -> str:
    """Folded phrases as one alternative, their words separated by _GAP."""
    return "(?:" + "|".join(_GAP.join(map(re.escape, phrase.split())) for phrase in phrases) + ")"


# "phần 2", "phan2", "part 2/3", "file 2/3"; "file" only with a fraction (file 2 of one e-mail's files).
_NAMED_PART = re.compile(
    rf"{_WORD_BEFORE}(?:(?:phan|part){_GAP}(?P<n>\d{{1,2}})(?:\s*/\s*(?P<m>\d{{1,2}}))?"
    rf"|file{_GAP}(?P<fn>\d{{1,2}})\s*/\s*(?P<fm>\d{{1,2}})){_WORD_AFTER}(?!\s*/\s*\d)"
)
# "(2/3)" or "2/3" standing alone, no leading zero: not inside a date, a legal number or a year range.
_FRACTION = re.compile(
    r"\(\s*(?P<pn>[1-9]\d?)\s*/\s*(?P<pm>[1-9]\d?)\s*\)"
    r"|(?<![\w/.-])(?P<n>[1-9]\d?)\s*/\s*(?P<m>[1-9]\d?)(?![\w/-]|\.\d)"
)
_DATE_WORDS = ("ngay", "thang", "so")  # "ngày 2/3", "tháng 2/3", "Số 2/3" are no parts
_SUPPLEMENT = re.compile(rf"{_WORD_BEFORE}{_phrases('bo sung')}{_WORD_AFTER}")
_NOT_A_SUPPLEMENT_AFTER = re.compile(
    rf"{_GAP}(?:them{_GAP})?{_phrases('kinh phi', 'du toan', 'bien che', 'von', 'nguon', 'ngan sach')}{_WORD_AFTER}"
)
_NOT_A_SUPPLEMENT_BEFORE = re.compile(rf"{_WORD_BEFORE}{_phrases('sua doi')}[\s,_-]*$")
_SENT_ON = re.compile(rf"{_WORD_BEFORE}{_phrases('tiep theo', 'gui tiep')}{_WORD_AFTER}")
_NOT_SENT_ON_BEFORE = re.compile(
    rf"{_WORD_BEFORE}{_phrases('nam', 'giai doan', 'ky', 'thang', 'quy', 'buoc', 'thoi gian', 'nhiem vu')}{_GAP}$"
)


def continuation_mark(subject: str, filenames: Iterable[str]) -> str | None:
    """Why the message continues an earlier submission ('subject says "bổ sung"'), or None."""
    texts = [("subject", subject), *(("file name", name) for name in filenames)]
    folded = [(where, text, *_fold_with_offsets(text)) for where, text in texts]
    holds_first_part = any(_first_part(key) for _, _, key, _ in folded)
    for where, text, key, offsets in folded:
        span = _words_span(key) or (None if holds_first_part else _part_span(key))
        if span is not None:
            return f'{where} says "{_original(text, offsets, span)}"'
    return None


# --- What is matched --------------------------------------------------------------------------------
def _words_span(key: str) -> tuple[int, int] | None:
    """A supplement or a sending-on, in words."""
    for found in _SUPPLEMENT.finditer(key):
        if not _NOT_A_SUPPLEMENT_AFTER.match(key, found.end()) and not _after(_NOT_A_SUPPLEMENT_BEFORE, key, found):
            return found.span()
    for found in _SENT_ON.finditer(key):
        if not _after(_NOT_SENT_ON_BEFORE, key, found):
            return found.span()
    return None


def _after(words_before: re.Pattern[str], key: str, found: re.Match[str]) -> bool:
    """Whether the words just before a match are `words_before` (which ends with $)."""
    return words_before.search(key, 0, found.start()) is not None


def _part_span(key: str) -> tuple[int, int] | None:
    """A part numbered 2 or later."""
    for number, total, span in _parts(key):
        if number >= 2:
            return span
    return None


def _first_part(key: str) -> bool:
    return any(number == 1 for number, _, _ in _parts(key))


def _parts(key: str) -> list[tuple[int, int | None, tuple[int, int]]]:
    """(number, total or None, span) of every plausible part mark."""
    parts = []
    for found in _NAMED_PART.finditer(key):
        number, total = found.group("n") or found.group("fn"), found.group("m") or found.group("fm")
        parts.append((int(number), int(total) if total else None, found.span()))
    for found in _FRACTION.finditer(key):
        if not _after_date_word(key, found.start()):
            number, total = found.group("pn") or found.group("n"), found.group("pm") or found.group("m")
            parts.append((int(number), int(total), found.span()))
    return [part for part in parts if _plausible(*part[:2])]


def _plausible(number: int, total: int | None) -> bool:
    """1 ≤ n ≤ m ≤ MAX_PARTS; a part without a total counts as one of MAX_PARTS."""
    return 1 <= number <= (MAX_PARTS if total is None else total) <= MAX_PARTS


def _after_date_word(key: str, start: int) -> bool:
    words = key[:start].split()
    return bool(words) and words[-1] in _DATE_WORDS


# --- Folding that remembers where each character came from -----------------------------------------
def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """fold() character by character (spaces kept, not collapsed), with each folded character's index in `text`."""
    key, offsets = [], []
    for index, char in enumerate(text):
        piece = " " if char.isspace() else fold(char)
        key.append(piece)
        offsets += [index] * len(piece)
    return "".join(key), offsets


def _original(text: str, offsets: list[int], span: tuple[int, int]) -> str:
    """The words of `text` a span of its folded key came from, tone marks included."""
    start, end = span
    stop = offsets[end] if end < len(offsets) else len(text)
    return " ".join(text[offsets[start] : stop].split())
