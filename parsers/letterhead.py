"""The official letterhead at the top of a Vietnamese administrative document, read from its first blocks.

A letterhead (Decree 30/2020/NĐ-CP layout) holds, in two columns: the issuing body ("UBND TỈNH
QUẢNG NINH" / "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI") and the number ("Số: 1234/BC-SLĐTBXH") on the
left; the national motto and the place and date on the right. Then comes the kind of document
("BÁO CÁO") and its subject, or for a công văn the "V/v …" line under the number and "Kính gửi:".
A docx usually lays the columns out as a borderless table; a PDF gives the same text as lines,
the two columns interleaved or run together on one line, and a narrow column wraps its lines: the
motto ("CỘNG HOÀ XÃ HỘI CHỦ" / "NGHĨA VIỆT NAM"), a long issuer or place name, the date ("…, ngày 11
tháng 12" / "năm 2019"). Wrapped pieces are put back together.

So lines are classified by what they say, never by where they sit: a table of line rules, tried
in order, on folded text (any case, with or without tone marks). Pure functions.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from parsers.documents.model import Block, BlockKind, Region
from parsers.vietnamese import fold

MAX_BLOCKS = 20  # a letterhead is in the first blocks; a PDF gives one block per line
MAX_LINES = 40

_MOTTOS = (
    re.compile(r"cong\s*hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam"),
    re.compile(r"doc\s*lap\s*[-–—.,]*\s*tu\s*do\s*[-–—.,]*\s*hanh\s*phuc"),
)
# The mottos word by word, to recognise one wrapped over two lines.
_MOTTO_WORDS = (("cong", "hoa", "xa", "hoi", "chu", "nghia", "viet", "nam"), ("doc", "lap", "tu", "do", "hanh", "phuc"))
_MOTTO_HEADS = tuple(  # a line that ends with the first words of a motto (two at least), longest first
    (re.compile(r"(?<!\w)" + r"\W*".join(words[:size]) + r"\W*$"), words[size:])
    for words in _MOTTO_WORDS
    for size in range(len(words) - 1, 1, -1)
)
_NUMBER = re.compile(r"^\W*so\s*[:.]?\s*(\d*\s*/\s*[\w.\-–]*\w)")
_DATES = (
    re.compile(r"ngay\s*(\d{1,2}|[\s.…_]*?)\s*thang\s*(\d{1,2}|[\s.…_]*?)\s*nam\s*(\d{4})"),
    re.compile(r"ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"),
)
_DATE_HEAD = re.compile(r"(?<!\w)ngay(?:\s*(?:\d{1,2}|[.…_]+))?(?:\s*thang(?:\s*(?:\d{1,2}|[.…_]+))?)?(?:\s*nam)?\s*$")
_SUBJECT_LINE = re.compile(r"^\W*(v/v|v\.v|ve viec)\b")
_RECIPIENT = re.compile(r"^\W*kinh\s+gui\b")
_SEPARATOR = re.compile(r"^[\W_]*$")
_LIST_ITEM = re.compile(r"^\s*[-–+•]\s*\w")
_BODY_START = re.compile(
    r"^\W*(thuc hien|can cu|theo|tren co so|nam 20\d\d,|phan\s+thu"  # the first words of a report's body
    r"|[ivx]+\s*[.)]\s|[ivx]+\s+[-–]\s|\d{1,2}(\.\d{1,2})*\s*[.)]\s)"  # or its first numbered heading
)
_MARKING = re.compile(r"^\W*(du thao|mat|toi mat|khan|thuong khan|hoa toc|ban chinh|ban sao)\W*$")  # stamps, not bodies
_ISSUER_PREFIX = re.compile(
    r"^\W*(ubnd|uy ban|hdnd|hoi dong|so |bo |tinh uy|ban |cuc |chi cuc|trung tam|van phong|phong |tong cuc"
    r"|cong an|thanh tra|kho bac|ngan hang|bao hiem|truong |vien |benh vien|cong ty|tong cong ty|chi nhanh"
    r"|dang uy|huyen uy|thanh uy|quan uy|thi uy|mat tran|lien doan|doan )"
)

# Document titles as folded text → as printed; document type codes in numbers → the same titles.
TITLES = {
    "bao cao": "BÁO CÁO",
    "cong van": "CÔNG VĂN",
    "ke hoach": "KẾ HOẠCH",
    "to trinh": "TỜ TRÌNH",
    "thong bao": "THÔNG BÁO",
    "quyet dinh": "QUYẾT ĐỊNH",
    "huong dan": "HƯỚNG DẪN",
    "bien ban": "BIÊN BẢN",
}
TYPE_CODES = {
    "bc": "BÁO CÁO",
    "cv": "CÔNG VĂN",
    "kh": "KẾ HOẠCH",
    "ttr": "TỜ TRÌNH",
    "tb": "THÔNG BÁO",
    "qd": "QUYẾT ĐỊNH",
    "hd": "HƯỚNG DẪN",
    "bb": "BIÊN BẢN",
    "ct": "CHỈ THỊ",
    "nq": "NGHỊ QUYẾT",
    "gm": "GIẤY MỜI",
    "cd": "CÔNG ĐIỆN",
}


@dataclass(frozen=True)
class Letterhead:
    issuer_lines: tuple[str, ...] = ()
    number: str | None = None  # "1234/BC-SLĐTBXH"; "/BC-UBND" when the number was left blank
    doc_type_code: str | None = None  # "BC", "CV", … as written; None when the number holds none
    place: str | None = None
    date_text: str | None = None  # "ngày 12 tháng 12 năm 2019" as written
    year: int | None = None
    month: int | None = None
    day: int | None = None  # None when left as dots to be filled in by hand
    title: str | None = None  # "BÁO CÁO", "CÔNG VĂN", …
    subject: str | None = None  # the lines after the title, or the "V/v …" line
    evidence: tuple[str, ...] = ()  # the lines this was read from

    @property
    def date(self) -> datetime.date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return datetime.date(self.year, self.month, self.day)
        except ValueError:
            return None

    @property
    def heading(self) -> str | None:
        """The kind and subject as one line, as a person names the document: "BÁO CÁO Kết quả … năm 2019"."""
        return " ".join(t for t in (self.title, self.subject) if t) or None

    @property
    def is_letter(self) -> bool:
        """A công văn: says so, or has a "V/v" subject line."""
        return self.title == "CÔNG VĂN" or bool(self.subject and _SUBJECT_LINE.match(fold(self.subject)))


def number_key(number: str) -> str:
    """A letter number compared however it was typed: folded, no spaces ("5025 / LĐTBXH-KHTC" = "5025/ldtbxh-khtc")."""
    return re.sub(r"\s+", "", fold(number))


def parse_letterhead(blocks: tuple[Block, ...] | list[Block]) -> Letterhead | None:
    """The letterhead read from the first blocks, or None when they do not hold one."""
    return letterhead_extent(blocks)[0]


def letterhead_extent(blocks: tuple[Block, ...] | list[Block]) -> tuple[Letterhead | None, int]:
    """The letterhead and how many leading blocks it (title and subject included) takes up.

    The count is given even when there is too little for a letterhead (a lone "BÁO CÁO" title),
    so that the section splitter does not read a title as a heading.
    """
    reader = _Reader()
    for index, line, in_table in _lines(blocks):
        if not reader.feed(index, line, in_table):
            break
    return reader.result(), reader.extent


def _lines(blocks: tuple[Block, ...] | list[Block]) -> list[tuple[int, str, bool]]:
    """(block index, line, in a table) for the first blocks; a table's cells row by row, left to right."""
    lines: list[tuple[int, str, bool]] = []
    for index, block in enumerate(blocks[:MAX_BLOCKS]):
        if block.region not in (Region.BODY, Region.TEXTBOX):
            continue
        cells = [c for row in block.table.rows for c in row] if block.kind == BlockKind.TABLE and block.table else [
            block.display_text
        ]
        for cell in _unique(cells):
            in_table = block.kind == BlockKind.TABLE
            lines += [(index, line.strip(), in_table) for line in cell.splitlines() if line.strip()]
        if len(lines) >= MAX_LINES:
            break
    return lines[:MAX_LINES]


def _unique(cells: list[str]) -> list[str]:
    """Merged cells come repeated; read each text once."""
    seen: set[str] = set()
    return [c for c in cells if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = fold(char)
    return folded[0] if folded else " "


def folded_same_length(text: str) -> str:
    """`fold` one character at a time, so positions in the result are positions in `text`."""
    return "".join(_fold_char(c) for c in text)


def starts_issuer(line: str) -> bool:
    """Whether a line starts the name of an issuing body ("UBND …", "SỞ …"), not a wrapped piece of one."""
    return bool(_ISSUER_PREFIX.match(fold(line)))


def is_motto_line(line: str, following: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether a line holds a national motto, or begins one that one of the `following` lines ends."""
    folded = folded_same_length(line)
    if any(motto.search(folded) for motto in _MOTTOS):
        return True
    head = _motto_head(line, folded)
    return head is not None and any(_motto_tail(folded_same_length(text), head[1]) for text in following)


def _motto_head(line: str, folded: str) -> tuple[int, tuple[str, ...]] | None:
    """Where a motto wrapped at the line's end begins, and the words still to come on a later line.

    A motto starts with a capital: "… hoạt động độc lập" ending a wrapped "V/v" line is none.
    """
    for pattern, rest in _MOTTO_HEADS:
        if (found := pattern.search(folded)) and line[found.start()].isupper():
            return found.start(), rest
    return None


def _motto_tail(folded: str, rest: tuple[str, ...]) -> int:
    """How many characters at the line's start end a wrapped motto (0: none)."""
    found = re.match(r"\W*" + r"\W*".join(rest) + r"(?!\w)", folded)
    return found.end() if found else 0


class _Reader:
    """Reads lines one by one: the heading lines, then the title and subject, then stops."""

    def __init__(self) -> None:
        self.fields: dict[str, object] = {}
        self.issuer: list[str] = []
        self.subject: list[str] = []
        self.evidence: list[tuple[int, str, bool]] = []  # (block index, line, only an issuer line) in reading order
        self.stage = "head"  # head → subject (after a title) / letter (after V/v) → recipients
        self.idle = 0  # lines in a row that said nothing
        self.in_table = False
        self.motto_rest: tuple[str, ...] = ()  # the words of a motto wrapped onto a later line
        self.date_head: str | None = None  # "Đắk Lắk, ngày 11 tháng 12" waiting for "năm 2019" on a later line

    def use(self, index: int, line: str, issuer: bool = False) -> None:
        if not self.evidence or self.evidence[-1][:2] != (index, line):
            self.evidence.append((index, line, issuer))

    @property
    def confirmed(self) -> bool:
        """Capitalised lines are an issuer only when a motto, number or title goes with them."""
        return any(key in self.fields for key in ("motto", "number", "title"))

    @property
    def extent(self) -> int:
        used = [i for i, _, issuer in self.evidence if self.confirmed or not issuer]
        return max(used) + 1 if used else 0

    def feed(self, index: int, line: str, in_table: bool = False) -> bool:
        """Take one line; False when the letterhead is over."""
        self.in_table = in_table
        folded = folded_same_length(line)
        if self.stage == "subject":
            return self._subject(index, line, folded)
        if self.stage == "recipients":
            if _LIST_ITEM.match(folded) and not _BODY_START.match(folded):
                self.use(index, line)
                return True
            return False
        before = len(self.evidence)
        going = self._head(index, line, folded)
        self.idle = 0 if len(self.evidence) > before else self.idle + 1
        return going and self.idle < 6

    def _head(self, index: int, line: str, folded: str) -> bool:
        original = line
        line, folded = self._mottos(index, line, folded)
        if not line or _SEPARATOR.match(folded) or _MARKING.match(folded):
            return True
        if self.stage == "letter" and line[0].islower():  # a wrapped "V/v" line
            self.subject.append(line)
            self.use(index, original)
            return True
        self.stage = "head"
        return self._classify(index, original, line, folded)

    def _mottos(self, index: int, line: str, folded: str) -> tuple[str, str]:
        """The line with the mottos taken out: whole, begun at its end, or ending one begun above."""
        spans = []
        if self.motto_rest and (end := _motto_tail(folded, self.motto_rest)):
            spans.append((0, end))
            self.motto_rest = ()
        for motto in _MOTTOS:
            if found := motto.search(folded):
                spans.append(found.span())
        if head := _motto_head(line, folded):
            spans.append((head[0], len(folded)))
            self.motto_rest = head[1]
        if not spans:
            return line, folded
        self.fields["motto"] = True
        self.use(index, line)
        after = len(line) + 1
        for start, end in sorted(spans, reverse=True):  # from the end, so that earlier positions hold
            if end <= after:  # not overlapping a span already taken out
                line, after = line[:start] + " " + line[end:], start
        line = line.strip(" -–—")
        return line, folded_same_length(line)

    def _classify(self, index: int, original: str, line: str, folded: str) -> bool:
        if self.date_head is not None and self._date(f"{self.date_head} {line}", None):
            self.use(index, original)  # the end of a date wrapped onto this line
            self.date_head = None
            return True
        if number := _NUMBER.match(folded):
            self._number(line, number)
            self.use(index, original)
            line, folded = line[number.end():].strip(), folded[number.end():].strip()
            if not line:
                return True
        if self._date(line, folded):
            self.use(index, original)
        elif _SUBJECT_LINE.match(folded):
            self.subject, self.stage = [line], "letter"
            self.use(index, original)
        elif _RECIPIENT.match(folded):
            self.stage = "recipients"
            self.use(index, original)
        elif (title := _title(line, folded)) and (line.isupper() or not self.in_table):  # not a "Kế hoạch" column
            self.fields["title"], self.stage = TITLES[title[0]], "subject"
            self.use(index, original)
            if title[1]:
                self.subject.append(title[1])
        elif self.date_head is None and "date_text" not in self.fields and _DATE_HEAD.search(folded):
            self.date_head = line  # "…, ngày 11 tháng 12": the rest is on a later line
            self.use(index, original)
        elif _BODY_START.match(folded) or len(line) > 150:
            return False
        elif not ({"number", "date_text"} & self.fields.keys()) and _is_issuer(line, folded):
            self._issuer(line, folded)
            self.use(index, original, issuer=True)
        return True

    def _issuer(self, line: str, folded: str) -> None:
        """A new issuer line, or the rest of a long name wrapped in its narrow column ("… - THƯƠNG" / "BINH VÀ XÃ
        HỘI"; "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NINH"): a line that does not start a body's name goes on the last."""
        if self.issuer and not _ISSUER_PREFIX.match(folded):
            self.issuer[-1] += " " + line
        else:
            self.issuer.append(line)

    def _number(self, line: str, found: re.Match[str]) -> None:
        number = re.sub(r"\s+", "", line[found.start(1): found.end(1)])
        self.fields["number"] = number
        code = number.split("/", 1)[1].split("-", 1)[0] if "/" in number else ""
        if fold(code) in TYPE_CODES:
            self.fields["doc_type_code"] = code

    def _date(self, line: str, folded: str | None) -> bool:
        folded = folded_same_length(line) if folded is None else folded
        found = next((m for pattern in _DATES if (m := pattern.search(folded))), None)
        if found is None or "date_text" in self.fields:
            return False
        day, month, year = (int(g) if g.strip().isdigit() else None for g in found.groups())
        self.fields |= {"date_text": line[found.start(): found.end()], "day": day, "month": month, "year": year}
        place = line[: found.start()].strip(" ,;-–")
        if place and len(place) <= 40 and not re.search(r"\d", place):
            self.fields["place"] = place
        return True

    def _subject(self, index: int, line: str, folded: str) -> bool:
        if _SEPARATOR.match(folded):
            self.use(index, line)  # the rule under the subject belongs to the letterhead
            return False
        stop = (
            _BODY_START.match(folded)
            or _RECIPIENT.match(folded)
            or len(line) > 200
            or line.endswith(":")
            or len(self.subject) >= 3
        )
        if stop:
            return False
        self.subject.append(line)
        self.use(index, line)
        return True

    def result(self) -> Letterhead | None:
        f = self.fields
        subject = " ".join(self.subject) or None
        letter = bool(subject and _SUBJECT_LINE.match(fold(subject)))
        issuer = tuple(self.issuer) if self.confirmed else ()
        signals = sum(1 for key in ("motto", "number", "date_text", "title") if key in f) + bool(issuer) + letter
        if signals < 2:
            return None
        title = f.get("title") or ("CÔNG VĂN" if letter else None)
        if title is None and f.get("doc_type_code"):
            title = TYPE_CODES[fold(str(f["doc_type_code"]))]
        return Letterhead(
            issuer_lines=issuer,
            number=f.get("number"),  # type: ignore[arg-type]
            doc_type_code=f.get("doc_type_code"),  # type: ignore[arg-type]
            place=f.get("place"),  # type: ignore[arg-type]
            date_text=f.get("date_text"),  # type: ignore[arg-type]
            year=f.get("year"),  # type: ignore[arg-type]
            month=f.get("month"),  # type: ignore[arg-type]
            day=f.get("day"),  # type: ignore[arg-type]
            title=title,  # type: ignore[arg-type]
            subject=subject,
            evidence=tuple(dict.fromkeys(line for _, line, only_issuer in self.evidence if issuer or not only_issuer)),
        )


def _title(line: str, folded: str) -> tuple[str, str] | None:
    """The title a line is, and the rest of the line when it runs on in capitals ("BÁO CÁO KẾT QUẢ …")."""
    for title in TITLES:
        found = re.match(r"\W*" + r"\W+".join(title.split()) + r"(?!\w)", folded)
        if found is None:
            continue
        rest = line[found.end():].strip(" :-–")
        if not rest or (len(line) <= 200 and line.isupper() and not _SEPARATOR.match(folded[found.end():])):
            return title, rest
    return None


def _is_issuer(line: str, folded: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return len(line) <= 100 and bool(letters) and (upper >= 0.7 * len(letters) or bool(_ISSUER_PREFIX.match(folded)))
