"""A ministry's request letter (công văn) read into the fields of a campaign: number, issuer, date,
subject, addressees and the provinces' departments they name, deadline, years, the outline it asks
for, where and whom to send to.

The letterhead (issuer, "Số: …", place and date, "V/v …") is read by `parsers.letterhead`; this module
adds what a letterhead reader leaves: a subject or addressee line wrapped over several lines, the
body's deadline ("gửi về Bộ trước ngày 15/12/2019", "chậm nhất 17 giờ, thứ Sáu, ngày …"), mailbox and
telephone, the years the subject names, and the numbered items of the outline ("1." with "a) b) c)").

Input is a document's blocks (`parsers.documents.read.read_document` of a .docx, a PDF or a scan) or
plain text, possibly pasted from a web page: the page's own lines ("Đang tải nội dung, vui lòng chờ
giây lát...") and markdown marks (`**BỘ …**`, `Số: *5121* /…`) are ignored. Nothing is guessed: a
field the letter does not state is None and named in `missing`; `evidence` quotes what each field
was read from. Pure: bytes or blocks in, a frozen dataclass out; no database, network or clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import takewhile
from pathlib import PurePath

from parsers.departments import departments_addressed
from parsers.documents.limits import DEFAULT_LIMITS, Limits
from parsers.documents.model import Block, BlockKind, Region, Table
from parsers.letterhead import folded_same_length, is_motto_line, parse_letterhead
from parsers.outline import DEFAULT_OUTLINE, OutlineSection
from parsers.registry import registry_for
from parsers.vietnamese import fold
from parsers.years import report_period
from reportbox.errors import DocumentError

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving since 1975

# Every field a letter may give, in the order they are reported as missing.
FIELDS = ("letter", "issuer", "issued", "subject", "addressees", "deadline", "report_year", "plan_year",
          "outline", "mailbox", "phone")

# Lines a web page adds around a pasted letter (folded prefixes).
_JUNK_PREFIXES = ("dich vu doanh nghiep online", "dang tai noi dung", "vui long cho", "loading")
_MARKDOWN = re.compile(r"\*+(?=\w)|(?<=[\w.,;:)!?])\*+")  # **bold** and *italic* marks, not "(*)"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")

_NUMBER_LINE = re.compile(r"^\W*so\s*[:.]?\s*\d")
_SUBJECT_LINE = re.compile(r"^\W*(v/v|v\.v|ve\s+viec)(?!\w)")
_RECIPIENT = re.compile(r"^\W*kinh\s*gui\s*[:.]?\s*")
_DATE_LINE = re.compile(r"ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}|ngay\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}")
_SEPARATOR = re.compile(r"^[\W_]*$")
_CLOSING = re.compile(r"^\W*noi\s*nhan\b")
_BULLET = re.compile(r"^\s*[-–+•]\s*\S")
_TOP_ITEM = re.compile(r"^\s*(?:(?P<arabic>\d{1,2})|(?P<roman>[IVX]{1,4}))\s*[.)]\s+(?=\S)")
_SUB_ITEM = re.compile(r"^\s*(?P<letter>[a-zđ])\s*\)\s+(?=\S)")
_DOTTED_ITEM = re.compile(r"^\s*(?P<top>\d{1,2})\.(?P<sub>\d{1,2})\.?\s+(?=\S)")

_DEADLINE = re.compile(
    r"(?<!\w)(?:truoc|cham\s*nhat|han\s*chot|han\s*cuoi|khong\s*muon\s*hon|khong\s*qua)"
    r"(?:\s*(?:la|vao|trong|den|het)(?!\w))*\s*[,:]?\s*"
    r"(?:(?P<hour>\d{1,2})\s*(?:gio|h|g|:)\s*(?P<minute>\d{2})?\s*(?:phut)?\s*(?:,\s*|\s+)(?:(?:vao|trong)\s+)?)?"
    r"(?:(?:ngay\s*)?(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat)\s*,?\s*)?"
    r"(?:ngay\s*)?"
    r"(?:(?P<day>\d{1,2})\s*[/.\-]\s*(?P<month>\d{1,2})\s*[/.\-]\s*(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s*thang\s*(?P<month2>\d{1,2})\s*(?:nam\s*|[/,]\s*)?(?P<year2>\d{4}))(?!\d)"
)
_SENDING = re.compile(r"(?<!\w)(?:gui|nop|chuyen)(?!\w)")
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_MAILBOX_WORDS = re.compile(r"(?<!\w)(?:hop\s*thu(?:\s*dien\s*tu)?|thu\s*dien\s*tu|e-?mail|dia\s*chi)(?!\w)")
_PHONE = re.compile(r"(?<!\w)(?:so\s*dien\s*thoai|dien\s*thoai|(?:so\s*)?dt|tel|phone)\s*(?:[:.]\s*|\s+)"
                    r"(?P<number>[+(]?\d[\d .()/\-–,;]*\d)")
_SENTENCE_END = re.compile(r";|\s\(|:\s|:$|\.(?=\s|$)")
_YEAR_WORDS = re.compile(r"(?:(?<!\w)năm\s*)?(?<!\d)(?:19|20)\d\d(?!\d)", re.IGNORECASE)
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_KEY_WORDS = 6
MAX_KEYWORD_WORDS = 8


@dataclass(frozen=True)
class OutlineItem:
    """One numbered item of the letter's outline: its key, its number as written ("1a"), its own wording."""

    key: str
    number: str
    title: str
    default: bool = True  # the key is one of the default outline's; else made from the wording

    def as_dict(self) -> dict:
        return {"key": self.key, "number": self.number, "title": self.title}


@dataclass(frozen=True)
class Letter:
    letter: str | None = None  # "5025/LĐTBXH-KHTC"
    issuer: str | None = None  # "Bộ Lao động - Thương binh và Xã hội"
    issued: date | None = None
    subject: str | None = None  # the whole "V/v …" line
    addressees: str | None = None  # what follows "Kính gửi:"
    deadline: date | datetime | None = None  # a day, or an aware date-time in Vietnam when a time is given
    report_year: int | None = None
    plan_year: int | None = None
    year_end: bool = False  # the subject asks for a year's evaluation ("đánh giá … năm 2019")
    outline: tuple[OutlineItem, ...] = ()
    mailbox: str | None = None
    phone: str | None = None
    registry: str | None = None  # the units in force on the deadline's day: vn63, or vn34 from 2025-07-01
    # The provinces' departments "Kính gửi:" names (parsers.departments): () when it names none.
    departments: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)  # field → the text it was read from
    missing: tuple[str, ...] = ()  # FIELDS the letter does not state

    @property
    def deadline_day(self) -> date | None:
        return self.deadline.date() if isinstance(self.deadline, datetime) else self.deadline


# --- Reading -------------------------------------------------------------------------------------
def read_letter(source: str | tuple[Block, ...] | list[Block]) -> Letter:
    """A letter's fields from its blocks or its plain text (module docstring)."""
    blocks = blocks_from_text(source) if isinstance(source, str) else _clean_blocks(source)
    paragraphs = _paragraphs(_lines(blocks))
    head = parse_letterhead(blocks)
    fields: dict[str, object] = {}
    evidence: dict[str, str] = {}
    recipient = next((i for i, p in enumerate(paragraphs) if _RECIPIENT.match(fold(p))), None)
    closing = next((i for i, p in enumerate(paragraphs) if _CLOSING.match(fold(p))), len(paragraphs))
    body = paragraphs[(recipient + 1 if recipient is not None else 0):closing]
    if head is not None:
        _letterhead_fields(head, fields, evidence)
    _subject(paragraphs, fields, evidence)
    if recipient is not None and (addressees := _addressees(paragraphs, recipient)):
        fields["addressees"], evidence["addressees"] = addressees
        if departments := departments_addressed(addressees[0]):
            fields["departments"], evidence["departments"] = departments, addressees[0]
    _issuer_as_written_in_body(body, fields)
    _deadline(body, fields, evidence)
    _mailbox(body, fields, evidence)
    _phone(body, fields, evidence)
    items = _outline(body)
    if items:
        fields["outline"] = items
    _years(fields, evidence, items)
    if fields.get("deadline") is not None:
        day = fields["deadline"]
        fields["registry"] = registry_for(day.date() if isinstance(day, datetime) else day).name
    missing = tuple(name for name in FIELDS if not fields.get(name))
    return Letter(**fields, evidence=evidence, missing=missing)  # type: ignore[arg-type]


def blocks_from_text(text: str) -> tuple[Block, ...]:
    """Plain text as blocks: one per paragraph (blank lines apart), its wrapped lines kept as lines."""
    paragraphs: list[list[str]] = [[]]
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = clean_line(raw)
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
        elif not _is_junk(line):
            paragraphs[-1].append(line)
    return tuple(Block(BlockKind.PARAGRAPH, "\n".join(lines)) for lines in paragraphs if lines)


def clean_line(line: str) -> str:
    """One line without markdown marks and with single spaces."""
    return _SPACES.sub(" ", _MARKDOWN.sub("", line)).strip()


def _is_junk(line: str) -> bool:
    return fold(line).startswith(_JUNK_PREFIXES)


def _clean_text(text: str) -> str:
    lines = (clean_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line and not _is_junk(line))


def _clean_blocks(blocks: tuple[Block, ...] | list[Block]) -> tuple[Block, ...]:
    """The body's blocks with markdown marks and a web page's lines taken out (tables cell by cell)."""
    cleaned = []
    for block in blocks:
        if block.region not in (Region.BODY, Region.TEXTBOX):
            continue
        if block.kind == BlockKind.TABLE and block.table is not None:
            rows = tuple(tuple(_clean_text(cell) for cell in row) for row in block.table.rows)
            table = Table(rows, block.table.sheet)
            cleaned.append(Block(BlockKind.TABLE, table.text, page=block.page, region=block.region, table=table))
        elif text := _clean_text(block.display_text):
            cleaned.append(Block(block.kind, text, level=block.level, style=block.style, bold=block.bold,
                                 page=block.page, region=block.region))
    return tuple(cleaned)


def _lines(blocks: tuple[Block, ...]) -> list[tuple[str, bool]]:
    """(line, starts a block or cell) in reading order; a table's cells row by row, each once."""
    lines: list[tuple[str, bool]] = []
    for block in blocks:
        cells = [c for row in block.table.rows for c in row] if block.table is not None else [block.text]
        for cell in dict.fromkeys(cells):
            for index, line in enumerate(part for part in cell.splitlines() if part.strip()):
                lines.append((line.strip(), index == 0))
    return lines


def _paragraphs(lines: list[tuple[str, bool]]) -> list[str]:
    """Lines joined back into paragraphs: a line continues the one before when it is in the same
    block (a pasted paragraph's wrapped lines), or begins in lower case (a PDF's narrow column), unless
    it starts something of its own: an item, a bullet, a "V/v", "Kính gửi" or date line, a motto."""
    paragraphs: list[str] = []
    for line, starts_block in lines:
        folded = fold(line)
        continues = line[:1].islower() or line[:1].isdigit()
        own = (_starts_own_line(line, folded) or (starts_block and not continues)
               or not paragraphs or _SEPARATOR.match(fold(paragraphs[-1])) or _SEPARATOR.match(folded))
        if own:
            paragraphs.append(line)
        else:
            paragraphs[-1] += " " + line
    return paragraphs


def _starts_own_line(line: str, folded: str) -> bool:
    return bool(_TOP_ITEM.match(line) or _SUB_ITEM.match(line) or _DOTTED_ITEM.match(line)
                or _BULLET.match(line) or _SUBJECT_LINE.match(folded) or _RECIPIENT.match(folded)
                or _NUMBER_LINE.match(folded) or _CLOSING.match(folded) or _DATE_LINE.search(folded)
                or is_motto_line(line) or _is_capitals(line))


def _is_capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


# --- Letterhead ----------------------------------------------------------------------------------
def _letterhead_fields(head, fields: dict, evidence: dict) -> None:
    number_line = next((line for line in head.evidence if _NUMBER_LINE.match(fold(line))), None)
    if head.number and re.match(r"^\d+/\S", head.number):
        fields["letter"] = head.number
        evidence["letter"] = number_line or head.number
    if head.date is not None:
        fields["issued"] = head.date
        evidence["issued"] = next((line for line in head.evidence if head.date_text and head.date_text in line),
                                  head.date_text or "")
    if head.issuer_lines:
        written = head.issuer_lines[-1]  # "UBND TỈNH …" / "SỞ …": the last line is the body that issues
        fields["issuer"], evidence["issuer"] = _normal_case(written), written


def _subject(paragraphs: list[str], fields: dict, evidence: dict) -> None:
    """The "V/v …" line with its wrapped lines (paragraphs already joined them)."""
    for paragraph in paragraphs:
        folded = folded_same_length(paragraph)
        if found := re.search(r"(?:^|\s)(v/v|v\.v)\s", folded) or _SUBJECT_LINE.match(folded):
            subject = paragraph[found.start(1):].strip()
            subject = _cut_before_date(subject)
            fields["subject"] = evidence["subject"] = subject
            return
        if _RECIPIENT.match(folded):
            return


def _cut_before_date(text: str) -> str:
    """A "V/v" line that a scan ran into the place-and-date column: the subject without it."""
    folded = folded_same_length(text)
    found = re.search(r"\s[^\s,]+(?:\s[^\s,]+){0,3},\s*ngay\s*\d{1,2}\s*thang", folded)
    return text[: found.start()].strip() if found else text


def _addressees(paragraphs: list[str], index: int) -> tuple[str, str] | None:
    """(addressees, the lines they were read from): the "Kính gửi:" line's text and the list under it."""
    lines = [paragraphs[index]]
    lines += takewhile(lambda p: bool(_BULLET.match(p)), paragraphs[index + 1:])
    found = _RECIPIENT.match(folded_same_length(lines[0]))
    parts = [lines[0][found.end():] if found else lines[0]] + [re.sub(r"^\s*[-–+•]\s*", "", p) for p in lines[1:]]
    text = " ".join(part.strip() for part in parts if part.strip()).strip(" ;.")
    return (text, " ".join(lines)) if text else None


def _issuer_as_written_in_body(body: list[str], fields: dict) -> None:
    """The issuer's name as the body writes it in normal case ("Bộ Lao động - Thương binh và Xã hội")."""
    issuer = fields.get("issuer")
    if not issuer:
        return
    words = re.findall(r"\w+", fold(str(issuer)))
    pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")
    for paragraph in body:
        for found in pattern.finditer(folded_same_length(paragraph)):
            written = paragraph[found.start(): found.end()]
            if not _is_capitals(written):
                fields["issuer"] = written
                return


_ACRONYMS = frozenset({"ubnd", "hdnd", "tw", "tp", "mttq", "bhxh", "lđtbxh", "khtc"})


def _normal_case(text: str) -> str:
    """A name in capitals, when the body never writes it otherwise, as a sentence ("BỘ Y TẾ" →
    "Bộ y tế"); acronyms (UBND, HĐND) stay."""
    if not _is_capitals(text):
        return text
    sentence = " ".join(word if word.lower() in _ACRONYMS else word.lower() for word in text.split())
    return sentence[:1].upper() + sentence[1:]


# --- Body ----------------------------------------------------------------------------------------
def _deadline(body: list[str], fields: dict, evidence: dict) -> None:
    found = [(paragraph, match) for paragraph in body
             for match in _DEADLINE.finditer(folded_same_length(paragraph))]
    for paragraph, match in sorted(found, key=lambda pm: not _sending_before(pm[0], pm[1])):
        when = _deadline_value(match)
        if when is None:
            continue
        fields["deadline"] = when
        start = _sending_before(paragraph, match)
        evidence["deadline"] = paragraph[start if start is not None else match.start(): match.end()].strip()
        return


def _sending_before(paragraph: str, match: re.Match[str]) -> int | None:
    """Where "gửi"/"nộp" begins shortly before a deadline ("gửi về Bộ trước ngày …"), if it does."""
    window = max(0, match.start() - 60)
    verbs = list(_SENDING.finditer(folded_same_length(paragraph), window, match.start()))
    return verbs[-1].start() if verbs else None


def _deadline_value(match: re.Match[str]) -> date | datetime | None:
    day = int(match["day"] or match["day2"])
    month = int(match["month"] or match["month2"])
    year = int(match["year"] or match["year2"])
    try:
        when = date(year, month, day)
        if match["hour"] is None:
            return when
        return datetime(year, month, day, int(match["hour"]), int(match["minute"] or 0), tzinfo=VIETNAM)
    except ValueError:
        return None


def _mailbox(body: list[str], fields: dict, evidence: dict) -> None:
    found = [(paragraph, match) for paragraph in body for match in _EMAIL.finditer(paragraph)]
    for paragraph, match in sorted(found, key=lambda pm: _mailbox_words_before(*pm) is None):
        address = match.group().rstrip(".-")
        start = _mailbox_words_before(paragraph, match)
        fields["mailbox"] = address.lower()
        evidence["mailbox"] = paragraph[start if start is not None else match.start(): match.start() + len(address)]
        return


def _mailbox_words_before(paragraph: str, match: re.Match[str]) -> int | None:
    words = list(_MAILBOX_WORDS.finditer(folded_same_length(paragraph), max(0, match.start() - 40), match.start()))
    return words[-1].start() if words else None


def _phone(body: list[str], fields: dict, evidence: dict) -> None:
    for paragraph in body:
        if (found := _PHONE.search(folded_same_length(paragraph))) and _digits(found["number"]) >= 8:
            fields["phone"] = paragraph[found.start("number"): found.end("number")]
            evidence["phone"] = paragraph[found.start(): found.end()]
            return


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _years(fields: dict, evidence: dict, items: tuple[OutlineItem, ...]) -> None:
    """The report and plan years the subject names; else the outline's items. Never inferred."""
    sources = [("subject", fields.get("subject"))] + [("outline", item.title) for item in items]
    for name, text in sources:
        if not text:
            continue
        period = report_period(str(text))
        if period.report_year is not None and not period.report_year_inferred and "report_year" not in fields:
            fields["report_year"], evidence["report_year"] = period.report_year, str(text)
            fields["year_end"] = name == "subject" and period.kind == "year_end"
        if period.plan_year is not None and "plan_year" not in fields:
            if "report_year" not in fields or period.plan_year > fields["report_year"]:
                fields["plan_year"], evidence["plan_year"] = period.plan_year, str(text)


# --- Outline -------------------------------------------------------------------------------------
_LIST_LETTERS = "abcdđeghiklmnopqrstuvxy"  # how Vietnamese documents letter their lists


@dataclass
class _Item:
    number: str
    text: str  # the item's own paragraph, without its number
    parent: str = ""  # the heading of the numbered item it belongs to
    details: list[str] = field(default_factory=list)  # the bullets under it


@dataclass
class _Top:
    number: str
    heading: str
    last_sub: int = -1  # index in _LIST_LETTERS (or the number of "1.1." items) of its last sub-item


def _outline(body: list[str]) -> tuple[OutlineItem, ...]:
    return assign_keys(_numbered_items(body))


def _numbered_items(body: list[str]) -> list[_Item]:
    """The leaves of the numbered list: "1." with "a) b)" gives 1a, 1b; a "2." without any gives 2.
    Numbers must follow on ("2." after "1.", "b)" after "a)"): other numbered text is not the outline."""
    items: list[_Item] = []
    top: _Top | None = None
    loose = _Top("", "")  # sub-items ("a) b)") of a letter without "1."
    current: _Item | None = None
    for paragraph in body:
        if (found := _TOP_ITEM.match(paragraph)) and int(_number_of(found)) == (int(top.number) + 1 if top else 1):
            _close(top, items)
            top, current = _Top(_number_of(found), paragraph[found.end():].strip()), None
        elif sub := _sub_item(paragraph, top or loose):
            current = _Item(sub[0], sub[1], top.heading if top else "")
            items.append(current)
        elif current is not None and _BULLET.match(paragraph):
            current.details.append(paragraph)
        else:
            current = None
    _close(top, items)
    return items


def _close(top: _Top | None, items: list[_Item]) -> None:
    """A top item without sub-items is an item itself."""
    if top is not None and top.last_sub < 0:
        items.append(_Item(top.number, top.heading))


def _sub_item(paragraph: str, top: _Top) -> tuple[str, str] | None:
    """(number, text) when the paragraph is the next sub-item of `top` ("b)" after "a)"; "1.2." after "1.1.")."""
    last = top.last_sub
    if (found := _SUB_ITEM.match(paragraph)) and found["letter"] in _LIST_LETTERS:  # "w)" letters no list
        index = _LIST_LETTERS.index(found["letter"])
        following = (last + 1, last + 2) if _LIST_LETTERS[last + 1:last + 2] == "đ" else (last + 1,)
        if index in following:
            top.last_sub = index
            return top.number + found["letter"], paragraph[found.end():].strip()
    elif (found := _DOTTED_ITEM.match(paragraph)) and top.number and found["top"] == top.number:
        if int(found["sub"]) == last + 2:  # last_sub counts from -1: "1.1." is the first
            top.last_sub += 1
            return f"{top.number}.{found['sub']}", paragraph[found.end():].strip()
    return None


def _number_of(found: re.Match[str]) -> str:
    return found["arabic"] or str(_roman(found["roman"]))


def _roman(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for char, following in zip(text, text[1:] + " "):
        value = values[char]
        total += -value if values.get(following, 0) > value else value
    return total


def assign_keys(items: list[_Item]) -> tuple[OutlineItem, ...]:
    """Each item's outline key: a default one whose keywords its words match (each at most once, in
    the default order), else one made from its wording."""
    result: list[OutlineItem] = []
    last = -1  # position in the default outline of the last key given
    used: set[str] = set()
    for item in items:
        title = item_title(item.text)
        index = _best_default(item, title, last)
        if index is not None:
            key = DEFAULT_OUTLINE.sections[index].key
            last = index
            result.append(OutlineItem(key, item.number, title))
        else:
            key = _unique(slug_key(title), used | set(DEFAULT_OUTLINE.keys))
            result.append(OutlineItem(key, item.number, title, default=False))
        used.add(key)
    return tuple(result)


def _best_default(item: _Item, title: str, last: int) -> int | None:
    """The first text of the item that matches a default key after `last` decides: its title, its
    whole paragraph, the bullets under it, then the heading it sits under. Only a strong keyword
    claims a default key: "nhiệm vụ" in a heading does not make an item of the ministry's own the plan."""
    candidates = list(enumerate(DEFAULT_OUTLINE.sections))[last + 1:]
    for text in (title, item.text, " ".join(item.details), item.parent):
        if not text:
            continue
        scores = [(score, -index) for index, section in candidates if (score := _score(section, fold(text)))]
        if scores:
            return -max(scores)[1]
    return None


def _score(section: OutlineSection, folded: str) -> int:
    matched = [strong for pattern, strong in section.patterns if pattern.search(folded)]
    return sum(2 if strong else 1 for strong in matched) if any(matched) else 0


def item_title(text: str) -> str:
    """An item's own wording: its first sentence ("…; chú ý …" and "(so sánh …)" left out)."""
    found = _SENTENCE_END.search(text)
    title = text[: found.start()] if found else text
    return title.strip(" .,;:-–")


def slug_key(wording: str) -> str:
    """An outline key from an item's wording: its first words in ASCII, years left out."""
    words = re.findall(r"[a-z0-9]+", fold(_YEAR_WORDS.sub(" ", wording)))
    words = [w for w in words if w != "ve"][:MAX_KEY_WORDS] or ["section"]
    key = "_".join(words)[:64].rstrip("_")
    return key if _KEY.match(key) else ("s_" + key)[:64].rstrip("_")


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = key[: 64 - len(suffix)] + suffix, n + 1
    return candidate


_GENERIC_LEADS = ("ve", "tinh hinh", "danh gia", "ket qua", "bao cao", "cong tac", "thuc hien", "cac", "nhung")
MAX_CORE_WORDS = 4


def keywords_from_wording(title: str) -> tuple[str, ...]:
    """Keywords that find a section of a key made from a letter's wording: its first clause, years left
    out, and that clause's core without the words every section starts with ("Tình hình lao động nước
    ngoài làm việc tại địa phương năm 2019, …" → "Tình hình lao động nước ngoài làm việc", "lao động
    nước ngoài")."""
    clause = re.split(r"[,;:(]", _YEAR_WORDS.sub(" ", title), maxsplit=1)[0]
    words = clause.strip(" .-–").split()
    phrase = " ".join(words[:MAX_KEYWORD_WORDS])
    core = words
    while core and (lead := next((g for g in _GENERIC_LEADS if fold(" ".join(core)).startswith(g + " ")), None)):
        core = core[len(lead.split()):]
    keywords = [phrase] + ([" ".join(core[:MAX_CORE_WORDS])] if 2 <= len(core) < len(words) else [])
    return tuple(dict.fromkeys(k for k in keywords if k)) or (title.strip() or "?",)


# --- Files ---------------------------------------------------------------------------------------
_LETTER_KINDS = ("docx", "pdf", "doc", "odt", "rtf", "image", "text", "html")


def letter_from_file(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Letter:
    """A letter from a file: .txt (UTF-8, UTF-16 or cp1258), .docx, a PDF with text or scanned (OCR),
    an image, or an .eml whose attachment is the letter (else its body). Raises DocumentError when
    the file cannot be read."""
    kind = _kind(data, filename)
    if kind == "message":
        return _letter_from_message(data, limits)
    if kind == "text":
        return read_letter(decode_letter_text(data))
    if kind not in _LETTER_KINDS:
        raise DocumentError(f"{filename}: not a letter reportbox can read ({kind}); give a .txt, .docx, .pdf, "
                            "image or .eml file", reason="unsupported")
    return read_letter(_read_blocks(data, filename, kind, limits))


def _kind(data: bytes, filename: str) -> str:
    from parsers.sniff import sniff

    extension = PurePath(filename).suffix.lower()
    if extension in (".txt", ".text") and not data.startswith((b"%PDF", b"PK\x03\x04")):
        return "text"
    return sniff(data, filename, None)[1]


def decode_letter_text(data: bytes) -> str:
    """Text of unknown charset: a BOM, UTF-16 without one (every other byte NUL), UTF-8, then cp1258 or
    TCVN3/VNI bytes (parsers.documents.text.decode); legacy TCVN3/VNI typing converted."""
    from parsers.documents.text import decode
    from parsers.vietnamese import fix_legacy

    head = data[:2000]
    if head and not head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) and head.count(b"\x00") > len(head) // 4:
        codec = "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
        return fix_legacy(data.decode(codec, "replace"))[0]
    return decode(data).text


def _read_blocks(data: bytes, filename: str, kind: str, limits: Limits) -> tuple[Block, ...]:
    from parsers.documents.read import read_document

    document = read_document(data, filename, kind, limits)
    if document.error:
        raise DocumentError(f"{filename}: {document.detail}", reason=document.error)
    return document.blocks


def _letter_from_message(data: bytes, limits: Limits) -> Letter:
    """The attachment that reads as a letter (it has a number or a "V/v" subject), else the body."""
    from parsers.message import parse_message

    message = parse_message(data)
    for attachment in message.attachments:
        if attachment.kind not in _LETTER_KINDS:
            continue
        try:
            letter = letter_from_file(attachment.data, attachment.filename, limits)
        except DocumentError:
            continue
        if letter.letter or letter.subject:
            return letter
    return read_letter(message.body_text)


def default_campaign_id(letter: Letter) -> str | None:
    """`tk2019` for a year's evaluation of 2019; else the letter's number and year (`l5025-2019`)."""
    if letter.year_end and letter.report_year:
        return f"tk{letter.report_year}"
    number = re.match(r"\d+", letter.letter or "")
    year = letter.issued.year if letter.issued else letter.report_year
    if number and year:
        return f"l{number.group()}-{year}"[:32]
    return None
