"""Figures in a report's sentences and cells: values with their units, shares of plan, changes.

A year-end report writes "giải quyết việc làm cho 35.120 lao động, đạt 104,2% kế hoạch, tăng 3,1%
so với năm 2018". `read_figures` reads that phrase into its value (`Quantity` 35120 người), its share
of plan (`PlanShare` 104.2) and its change on the previous year (`Change` +3.1 %, against 2018).
Which indicator a phrase names, and whether its value is the year's own, is the extractor's job:
this module only reads numbers and the words glued to them.

Numbers (the rules of `parsers.vietnamese.parse_number`, read exactly as `Decimal`):
- "." groups thousands and "," is the decimal comma: "35.120" is 35120, never 35.12; "68,8" is
  68.8; "2.345,6" is 2345.6. The English reading is used only where the Vietnamese one cannot
  apply ("68.8", "1,234.5"). A separator not followed by a digit is punctuation ("đạt 35.120.").
- Scale words multiply: "1,2 triệu" → 1200000, "35 nghìn" / "35 ngàn" → 35000.
- Units are parsers/indicators/data/units.csv's (via `definitions.unit_of`): "35.120 lao động" is
  35120 "người", and a unit word's factor applies, so "1.500 triệu đồng" is 1.5 "tỷ đồng" and "1,2
  tỷ" is 1.2 "tỷ đồng" (the file's reading of a bare "tỷ"). Other counted things ("40 hồ sơ", "12
  doanh nghiệp": OTHER_UNIT_WORDS) get unit None, so they are not mistaken for people. The word as
  written is kept in `unit_text`.
- Qualifiers are kept, not applied: "khoảng 12.500" (about), "ước đạt" (estimated), "gần"
  (nearly), "trên 30 nghìn" / "hơn" (over), "dưới" / "chưa đến" (under), "ít nhất" / "tối thiểu"
  (at_least), "tối đa" / "không quá" (at_most).
- Ranges "30-35 nghìn", "từ 30 đến 35%": `value` is the low end, `high` the high end; a scale or
  unit written once after the high end applies to both.

Not figures (left out of every result):
- Years: a bare four-digit 1900-2099 written without a thousands dot ("2019", "2016-2020"), unless
  a count unit follows it and "năm" does not precede it; real reports write counts as "2.019".
- Dates ("31/12/2019", "12/2019", "ngày 15 tháng 12"), durations and periods ("6 tháng", "5 năm",
  "15 ngày"), and document codes: anything with a "/" ("5025/LĐTBXH-KHTC", "30/2020/NĐ-CP") and a
  number after "số" (not "tổng số"), "Quyết định", "Điều", "khoản", "mục", "Biểu", "Phụ lục", and
  programme names ("Chương trình 135", "Đề án 1956"), ranks ("xếp thứ 3") and ages ("dưới 6 tuổi").
- "125/140 xã" is 125 xã `out_of` 140; "5/7" and "31/12" are dates.
- Outline and column numbers: "1." or "2)" opening a line, "2.1 Kết quả" heading a line, "(1)".

Shares of plan: "đạt 104,2% kế hoạch", "hoàn thành 104% chỉ tiêu", "bằng 98% KH", "so với kế
hoạch đạt 104,2%" → 104.2; "vượt 4,2% kế hoạch", "vượt kế hoạch 4,2%" → 104.2 (written="excess").

Changes: "tăng 3,1% so với năm 2018" (+3.1 percent, year 2018), "giảm 0,5 điểm phần trăm" (-0.5
points), "tăng 1.200 người" (+1200 amount), "bằng 98% cùng kỳ" (-2 percent, written="ratio"),
"gấp 1,5 lần năm trước" (1.5 times); "so với đầu năm" is kept as written, with no year. "giảm còn
2,1%" and "tăng lên 35.000" state the new level: a value, not a change. A rate that "giảm 1,2%" is read as written (percent); whether the report
meant percentage points is for the extractor, which knows the indicator's unit.

Text is matched on `parsers.vietnamese.fold` (so "dat 104,2% ke hoach" reads too); spans index the
NFC form of the text given, and each result quotes the words it was read from.
Pure functions: no clock; the only I/O is reading the package's units.csv once, on first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal, TypeVar

from parsers.indicators.definitions import unit_of, unit_words
from parsers.letterhead import folded_same_length
from parsers.vietnamese import fold, parse_decimal

Qualifier = Literal["exact", "about", "estimated", "nearly", "over", "under", "at_least", "at_most"]
Measure = Literal["percent", "points", "amount", "times"]


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # in `unit`: scale words and the unit word's factor applied ("1.500 triệu đồng" → 1.5 tỷ đồng)
    unit: str | None  # units.csv's: "người", "%", "hộ", "xã", "vụ", "tỷ đồng"; None if unwritten or another
    span: tuple[int, int]  # in the NFC text
    text: str  # as written: "khoảng 35 nghìn lao động"
    qualifier: Qualifier = "exact"
    high: Decimal | None = None  # a range's high end ("30-35%": value 30, high 35)
    unit_text: str | None = None  # the unit word as written: "lao động", "triệu đồng", "hồ sơ"
    out_of: Decimal | None = None  # "125/140 xã": 125 of 140


@dataclass(frozen=True)
class PlanShare:
    percent: Decimal  # the value as a share of the plan: "vượt 4,2% kế hoạch" → 104.2
    span: tuple[int, int]
    text: str
    written: Literal["share", "excess"] = "share"  # "đạt 104,2%" or "vượt 4,2%"


@dataclass(frozen=True)
class Change:
    value: Decimal  # signed: "giảm 0,5" → -0.5; times: the factor ("gấp 1,5 lần" → 1.5)
    measure: Measure
    span: tuple[int, int]
    text: str
    unit: str | None = None  # an amount's unit ("tăng 1.200 người" → "người"); "%" for percent
    compared_with: str | None = None  # as written: "so với năm 2018", "cùng kỳ"; None if unstated
    compared_year: int | None = None  # 2018 in "so với năm 2018"
    same_period: bool = False  # "cùng kỳ", "năm trước": the previous year's same period
    written: Literal["change", "ratio"] = "change"  # "tăng 3,1%" or "bằng 103,1% cùng kỳ"


@dataclass(frozen=True)
class Figures:
    values: tuple[Quantity, ...]  # the quantities that are no part of a share of plan or a change
    plan_shares: tuple[PlanShare, ...]
    changes: tuple[Change, ...]


# --- Vocabulary (folded) -------------------------------------------------------------------------
# Counted things that are no indicator's unit (units.csv's words are): read so that "40 hồ sơ" or
# "12 doanh nghiệp" is not taken for a count of people.
OTHER_UNIT_WORDS = (
    "doanh nghiệp", "cơ sở", "hồ sơ", "lớp", "suất", "căn nhà", "căn", "lần", "đồng", "VNĐ", "trẻ em",
    "học sinh", "sinh viên", "nạn nhân", "gia đình", "điểm phần trăm",
)  # fmt: skip
_SCALE = {"nghin": 10**3, "ngan": 10**3, "trieu": 10**6, "ty": 10**9, "ti": 10**9}
_NUM = r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)"
_SCALES = r"(?:(?:nghin|ngan)\s+t[iy]|nghin|ngan|trieu|t[iy])(?![a-z])"
_QUALIFIERS: dict[str, Qualifier] = {
    "khoang": "about", "xap xi": "about", "tren duoi": "about", "gan": "nearly",
    "uoc": "estimated", "uoc tinh": "estimated", "uoc dat": "estimated", "uoc khoang": "estimated",
    "uoc thuc hien": "estimated", "tren": "over", "hon": "over", "duoi": "under", "chua den": "under",
    "chua toi": "under", "it nhat": "at_least", "toi thieu": "at_least", "khong duoi": "at_least",
    "toi da": "at_most", "khong qua": "at_most",
}  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    forms = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in forms)


def _unit_word_pattern(word: str) -> str:
    """A unit word as written ("xã phường", "tỷ VNĐ") over folded text: any spacing, "," or "/" between
    its words ("xã, phường"), "tỷ" or "tỉ"; "hồ sơ" not "hộ so với"."""
    words = re.findall(r"[\w%]+", fold(word))
    pattern = r"(?:\s*[,/]\s*|\s+)".join("t[iy]" if w == "ty" else re.escape(w) for w in words)
    return pattern + r"(?!\s+voi)" if words == ["ho", "so"] else pattern


@functools.cache
def _unit_pattern() -> str:
    """Every written unit word, longest first, over folded text (built on first use: units.csv is data)."""
    words = sorted({w.word for w in unit_words()} | set(OTHER_UNIT_WORDS), key=lambda w: -len(fold(w)))
    # "lượt lao động" counts as units.csv's "lượt người" does: "lượt" (times) before any unit word.
    return r"(?:luot\s+)?(?:" + "|".join(_unit_word_pattern(w) for w in words) + r")(?![\w%])|luot(?![\w])|%"


@functools.cache
def _quantity_pattern() -> re.Pattern[str]:
    unit = _unit_pattern()
    scale = rf"(?!(?:{unit})(?![a-z]))(?:{_SCALES})"  # "1,2 tỷ" is units.csv's money, not a billion
    return re.compile(
        rf"(?:(?<![a-z])(?P<qualifier>{_alternation(_QUALIFIERS)})\s+)?(?:(?<![a-z])tu\s+)?"
        rf"(?P<number>{_NUM})(?:\s*(?P<scale>{scale}))?(?:\s*/\s*(?P<total>{_NUM}))?(?:\s*(?P<percent>%))?"
        rf"(?:\s*(?:-|den|toi)\s*(?P<high>{_NUM})(?:\s*(?P<high_scale>{scale}))?)?"
        rf"(?:\s*(?P<unit>{unit}))?"
    )


# Words after which a number is a name, not a figure: "Điều 5", "số 123", "Biểu số 2", "lần thứ 3".
_NAMING = re.compile(
    r"(?:(?<![a-z])(?:ngay|thang|quy|tuan|(?:lan|xep|dung|hang)\s+thu|thu\s+tu|dieu|khoan|diem|muc|chuong|phan|"
    r"chuong\s+trinh|de\s+an|du\s+an|"
    r"phu\s+luc|bieu|bieu\s+mau|mau|khoa|lop|dot|giai\s+doan|ma|so\s+hieu|nghi\s+dinh|quyet\s+dinh|"
    r"thong\s+tu|cong\s+van|chi\s+thi|nghi\s+quyet|luat|van\s+ban|to\s+trinh)(?:\s+so)?"
    r"|(?<![a-z])(?<!tong\s)so)\s*:?\s*$"
)
# Periods, durations and ages: "6 tháng", "5 năm", "trẻ em dưới 6 tuổi" (a sub-group's bound, no figure).
_PERIOD_AFTER = re.compile(r"\s*(?:tháng|năm|ngày|tuần|giờ|phút|quý|tuổi|thang|ngay|tuan|gio|phut|tuoi)(?!\w)")
_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-+*•]\s*)?$")
_YEAR_BEFORE = re.compile(r"(?<![a-z])(?:nam|giai\s+doan|nien\s+khoa|nam\s+hoc)\s*$")
# Dates and document codes: blanked before numbers are read (positions kept).
_SLASHED = re.compile(r"[\w.-]*\d[\w.-]*(?:\s*/\s*[\w.-]*[\w])+")
_BLANKED = (
    re.compile(r"(?<!\d)\d{1,2}\s*[.-]\s*\d{1,2}\s*[.-]\s*(?:19|20)\d\d(?!\d)"),  # 31.12.2019, 31-12-2019
    re.compile(r"(?<![a-z])ngay\s*\d{1,2}\s*thang\s*\d{1,2}(?:\s*nam\s*\d{4})?"),
)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))

_PLAN = r"(?:ke\s+hoach|kh|chi\s+tieu|muc\s+tieu|nhiem\s+vu)(?![a-z])"
_SHARE_PATTERNS: tuple[tuple[re.Pattern[str], Literal["share", "excess"]], ...] = (
    (re.compile(rf"(?<![a-z])(?:dat|bang|hoan\s+thanh|thuc\s+hien)\s+(?:(?:khoang|gan|tren|hon)\s+)?"
                rf"(?P<n>{_NUM})\s*%\s*(?:/\s*|so\s+voi\s+|cua\s+)?{_PLAN}"), "share"),
    (re.compile(rf"(?<![a-z])(?:vuot|tang|cao\s+hon)\s+(?P<n>{_NUM})\s*%\s*(?:so\s+voi\s+)?{_PLAN}"), "excess"),
    (re.compile(rf"(?<![a-z])vuot\s+(?:muc\s+)?{_PLAN}(?:\s+(?:nam|de\s+ra|duoc\s+giao|giao))*\s+(?P<n>{_NUM})\s*%"),
     "excess"),
    (re.compile(rf"(?<![a-z])so\s+voi\s+{_PLAN}(?:\s+(?:nam|de\s+ra|duoc\s+giao|giao))*\s*,?\s*"
                rf"(?:dat|bang)\s+(?P<n>{_NUM})\s*%"), "share"),
    (re.compile(rf"(?<![a-z])so\s+voi\s+{_PLAN}(?:\s+(?:nam|de\s+ra|duoc\s+giao|giao))*\s*,?\s*"
                rf"vuot\s+(?P<n>{_NUM})\s*%"), "excess"),
)  # fmt: skip

_REFERENCE = (
    r"(?P<ref>(?:so\s+voi\s+)?(?:(?:ket\s+qua\s+|thuc\s+hien\s+)?cung\s+ky(?:\s+nam\s+(?:truoc|ngoai|\d{4}))?"
    r"|(?:ket\s+qua\s+|thuc\s+hien\s+)?nam\s+(?:truoc|ngoai|\d{4})|ky\s+truoc|nam\s+hoc\s+truoc"
    r"|(?:dau|cuoi)\s+nam(?:\s+\d{4})?)"
    r"|so\s+voi\s+\d{4})"
)
_RISE = r"tang(?:\s+them)?|cao\s+hon|nhieu\s+hon"
_FALL = r"giam(?:\s+di)?|thap\s+hon|it\s+hon"
# "giảm còn 2,1%", "tăng lên 35.000": the new level, which is a value.
_DIRECTION = rf"(?<![a-z])(?:(?P<rise>{_RISE})|(?P<fall>{_FALL}))(?!\s+(?:len|xuong|con|truong)(?![a-z]))"
_ABOUT = r"(?:(?:khoang|gan|tren|hon|xap\s+xi)\s+)?"


@functools.cache
def _change_patterns() -> tuple[tuple[re.Pattern[str], Literal["change", "ratio"]], ...]:
    unit = _unit_pattern()
    amount = (
        rf"(?P<n>{_NUM})(?:\s*(?P<scale>(?!(?:{unit})(?![a-z]))(?:{_SCALES})))?\s*"
        r"(?:(?P<points>diem\s+phan\s+tram|diem\s*%|diem(?![a-z]))|(?P<percent>%|phan\s+tram(?![a-z]))"
        rf"|(?P<times>lan)(?![a-z])|(?P<unit>{unit}))?"
    )
    return (
        (re.compile(rf"{_DIRECTION}\s+{_ABOUT}{amount}(?:\s*,?\s*{_REFERENCE}(?![a-z]))?"), "change"),
        (re.compile(rf"{_REFERENCE}\s*,?\s*{_DIRECTION}\s+{_ABOUT}{amount}"), "change"),
        (re.compile(rf"(?<![a-z])(?:bang|dat|gap)\s+(?P<n>{_NUM})\s*(?:(?P<percent>%)|(?P<times>lan)(?![a-z]))\s*"
                    rf"(?:so\s+voi\s+)?{_REFERENCE}(?![a-z])"), "ratio"),
    )  # fmt: skip


# --- Reading -------------------------------------------------------------------------------------
class _Text:
    """The NFC text and its matching form: folded, dates and codes blanked, one character per character."""

    def __init__(self, text: str) -> None:
        self.original = unicodedata.normalize("NFC", text)
        folded = folded_same_length(self.original).translate(_DASHES)
        folded = _SLASHED.sub(lambda m: "\x00" * len(m.group()) if _is_date_or_code(m.group()) else m.group(), folded)
        for pattern in _BLANKED:
            folded = pattern.sub(lambda m: "\x00" * len(m.group()), folded)
        self.folded = folded
        self.lower = self.original.lower()

    def quote(self, start: int, end: int) -> str:
        return " ".join(self.original[start:end].split())


def _is_date_or_code(slashed: str) -> bool:
    """ "5025/LĐTBXH-KHTC", "31/12/2019", "12/2019", "31/12", "2019/2020" are names or dates; "125/140"
    (125 of 140) and "29.500/28.000" are figures."""
    parts = [p.strip() for p in slashed.split("/")]
    if len(parts) > 2 or any(re.search(r"[^\d.,]", p) for p in parts):
        return True  # a full date, or letters: a code ("30/2020/NĐ-CP")
    if not all(p.isdigit() for p in parts):
        return False  # thousands dots or a decimal comma: figures
    first, second = (int(p) for p in parts)
    return (
        (_is_year(parts[0]) and _is_year(parts[1]))
        or (1 <= first <= 31 and 1 <= second <= 12)
        or (1 <= first <= 12 and _is_year(parts[1]))
    )


def _scaled(value: Decimal, scale: str | None, factor: Decimal = Decimal(1)) -> Decimal:
    for word in (scale or "").split():
        value *= _SCALE[word]
    value *= factor
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


def _unit(text: _Text, m: re.Match[str], group: str) -> tuple[str | None, str | None, Decimal]:
    """The unit (units.csv's, or None), the unit word as written, and what one of that word is in the unit."""
    if not m[group]:
        return None, None, Decimal(1)
    written = text.quote(*m.span(group))
    word = unit_of(written) or unit_of(re.sub(r"^(?:lượt|luot)\s+", "", written, flags=re.IGNORECASE))
    return (word.unit, written, word.factor) if word else (None, written, Decimal(1))


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2099


def _names_something(text: _Text, start: int, end: int, has_unit: bool) -> bool:
    """Whether the number at start:end is a date, code, period or outline number (module docstring)."""
    before = text.folded[max(0, start - 40) : start]
    if _NAMING.search(before):
        return True
    if not has_unit:
        if _PERIOD_AFTER.match(text.lower, end) or _PERIOD_AFTER.match(text.folded, end):
            return True
        after = text.original[end : end + 3]
        line_start = _LINE_START.search(text.original, max(0, start - 40), start)
        if line_start and (re.match(r"[.)](?:\s|$)", after) or re.match(r"\s+[^\W\d_]", after)
                           and after.strip()[:1].isupper()):  # fmt: skip
            return True
        if before.endswith("(") and after.startswith(")"):
            return True
    return False


def _quantities(text: _Text) -> Iterator[tuple[Quantity, int]]:
    """Each figure with where its digits start (a qualifier before them may lie outside a share)."""
    for m in _quantity_pattern().finditer(text.folded):
        number, high = m["number"], m["high"]
        unit, unit_text, factor = _unit(text, m, "unit" if m["unit"] else "percent")
        if _is_year(number) and not m["scale"] and (
            unit in (None, "%") or _YEAR_BEFORE.search(text.folded, 0, m.start("number")) or high
        ):
            continue
        if _names_something(text, m.start("number"), m.end("number"), bool(unit_text or m["scale"])):
            continue
        value = parse_decimal(number)
        high_value = parse_decimal(high) if high else None
        if value is None or (high and high_value is None):
            continue
        # "30-35 nghìn": a scale written once, after the high end, covers both ends.
        value = _scaled(value, m["scale"] or m["high_scale"], factor)
        if high_value is not None:
            high_value = _scaled(high_value, m["high_scale"] or m["scale"], factor)
        qualifier = _QUALIFIERS[" ".join(m["qualifier"].split())] if m["qualifier"] else "exact"
        total = parse_decimal(m["total"]) if m["total"] else None
        total = _scaled(total, m["scale"], factor) if total is not None else None
        quantity = Quantity(value, unit, m.span(), text.quote(*m.span()), qualifier, high_value, unit_text, total)
        yield quantity, m.start("number")


def _plan_shares(text: _Text) -> Iterator[PlanShare]:
    for pattern, written in _SHARE_PATTERNS:
        for m in pattern.finditer(text.folded):
            if (n := parse_decimal(m["n"])) is not None:
                yield PlanShare(n + 100 if written == "excess" else n, m.span(), text.quote(*m.span()), written)


def _reference(text: _Text, m: re.Match[str]) -> tuple[str | None, int | None, bool]:
    if not m["ref"]:
        return None, None, False
    ref = m["ref"]
    year = re.search(r"\d{4}", ref)
    return (text.quote(*m.span("ref")), int(year.group()) if year else None,
            bool(re.search(r"cung\s+ky|truoc|ngoai", ref)))  # fmt: skip


def _changes(text: _Text) -> Iterator[Change]:
    for pattern, written in _change_patterns():
        for m in pattern.finditer(text.folded):
            n = parse_decimal(m["n"])
            if n is None:
                continue
            compared_with, year, same_period = _reference(text, m)
            span, quote = m.span(), text.quote(*m.span())
            if m["times"]:
                yield Change(n, "times", span, quote, None, compared_with, year, same_period, written)
            elif written == "ratio":
                yield Change(n - 100, "percent", span, quote, "%", compared_with, year, same_period, written)
            else:
                sign = -1 if m["fall"] else 1
                measure: Measure
                if m["points"]:
                    measure, unit, value = "points", "điểm phần trăm", n
                elif m["percent"]:
                    measure, unit, value = "percent", "%", n
                else:
                    unit, _, factor = _unit(text, m, "unit")
                    measure, value = ("percent", n) if unit == "%" else ("amount", _scaled(n, m["scale"], factor))
                yield Change(sign * value, measure, span, quote, unit, compared_with, year, same_period)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


_Reading = TypeVar("_Reading", PlanShare, Change)


def _first_of_overlapping(found: Iterable[_Reading]) -> list[_Reading]:
    """Of overlapping readings, the earliest-starting and then the longest; the order of the text."""
    kept: list[_Reading] = []
    for item in sorted(found, key=lambda f: (f.span[0], -f.span[1])):
        if not _overlaps(item.span, [k.span for k in kept]):
            kept.append(item)
    return kept


def read_figures(text: str) -> Figures:
    """The values, shares of plan and changes a phrase or sentence writes (rules: module docstring)."""
    read = _Text(text or "")
    shares = _first_of_overlapping(_plan_shares(read))
    share_spans = [s.span for s in shares]
    changes = _first_of_overlapping([c for c in _changes(read) if not _overlaps(c.span, share_spans)])
    taken = share_spans + [c.span for c in changes]
    values = tuple(q for q, digits in _quantities(read) if not _inside((digits, q.span[1]), taken))
    return Figures(values, tuple(shares), tuple(changes))


def quantities(text: str) -> list[Quantity]:
    """Every figure a text writes, in order, including those inside shares of plan and changes."""
    return [q for q, _ in _quantities(_Text(text or ""))]


def read_quantity(cell: str) -> Quantity | None:
    """The one figure a table cell holds ("35.120", "68,8%", "1,2 triệu", "-3,5"), or None.

    A cell with anything else in it (two numbers, a year, a code, words around the number) is None:
    a cell is read whole or not at all. A leading minus sign is kept.
    """
    stripped = (cell or "").strip()
    negative = stripped[:1] in ("-", "\u2212") and stripped[1:2].isdigit()
    found = quantities(stripped[1:] if negative else stripped)
    if len(found) != 1 or found[0].span != (0, len(stripped) - negative):
        return None
    quantity = found[0]
    if negative:
        return replace(quantity, value=-quantity.value, span=(0, len(stripped)), text=stripped)
    return quantity


def format_number(value: Decimal | int, decimals: int | None = None) -> str:
    """A number the Vietnamese way: 35120 → "35.120", Decimal("2345.6") → "2.345,6" (`decimals` rounds)."""
    written = f"{Decimal(value):,f}" if decimals is None else f"{Decimal(value):,.{decimals}f}"
    return written.translate(str.maketrans({",": ".", ".": ","}))
