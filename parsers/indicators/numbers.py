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
- Scale words multiply: "1,2 triệu" → 1200000, "35 nghìn" / "35 ngàn" → 35000, "2 tỷ" → 2e9.
  Before "đồng" they are part of the money unit instead: "2.345,6 tỷ đồng" is 2345.6 "tỷ đồng".
- Qualifiers are kept, not applied: "khoảng 12.500" (about), "gần" (nearly), "trên 30 nghìn" /
  "hơn" (over), "dưới" / "chưa đến" (under), "ít nhất" / "tối thiểu" (at_least), "tối đa" /
  "không quá" (at_most).
- Ranges "30-35 nghìn", "từ 30 đến 35%": `value` is the low end, `high` the high end; a scale or
  unit written once after the high end applies to both.

Not figures (left out of every result):
- Years: a bare four-digit 1900-2099 written without a thousands dot ("2019", "2016-2020"), unless
  a count unit follows it and "năm" does not precede it; real reports write counts as "2.019".
- Dates ("31/12/2019", "12/2019", "ngày 15 tháng 12"), durations and periods ("6 tháng", "5 năm",
  "15 ngày"), and document codes: anything with a "/" ("5025/LĐTBXH-KHTC", "30/2020/NĐ-CP") and a
  number after "số" (not "tổng số"), "Quyết định", "Điều", "khoản", "mục", "Biểu", "Phụ lục" ….
- Outline and column numbers: "1." or "2)" opening a line, "2.1 Kết quả" heading a line, "(1)".

Shares of plan: "đạt 104,2% kế hoạch", "hoàn thành 104% chỉ tiêu", "bằng 98% KH", "so với kế
hoạch đạt 104,2%" → 104.2; "vượt 4,2% kế hoạch", "vượt kế hoạch 4,2%" → 104.2 (written="excess").

Changes: "tăng 3,1% so với năm 2018" (+3.1 percent, year 2018), "giảm 0,5 điểm phần trăm" (-0.5
points), "tăng 1.200 người" (+1200 amount), "bằng 98% cùng kỳ" (-2 percent, written="ratio"),
"gấp 1,5 lần năm trước" (1.5 times). "giảm còn 2,1%" and "tăng lên 35.000" state the new level:
a value, not a change. A rate that "giảm 1,2%" is read as written (percent); whether the report
meant percentage points is for the extractor, which knows the indicator's unit.

Text is matched on `parsers.vietnamese.fold` (so "dat 104,2% ke hoach" reads too); spans index the
NFC form of the text given, and each result quotes the words it was read from.
Pure functions: no I/O, no clock.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from parsers.vietnamese import fold, parse_decimal

Qualifier = Literal["exact", "about", "nearly", "over", "under", "at_least", "at_most"]
Measure = Literal["percent", "points", "amount", "times"]


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # in `unit`; scale words applied ("35 nghìn" → 35000) except in money units
    unit: str | None  # canonical: "người", "%", "hộ", "xã", "tỷ đồng", … (see UNITS); None if unwritten
    span: tuple[int, int]  # in the NFC text
    text: str  # as written: "khoảng 35 nghìn lao động"
    qualifier: Qualifier = "exact"
    high: Decimal | None = None  # a range's high end ("30-35%": value 30, high 35)


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
# Canonical unit → its written forms, longest first within the alternation built below.
UNITS: dict[str, tuple[str, ...]] = {
    "%": ("%", "phan tram"),
    "người": ("nguoi lao dong", "lao dong", "ld", "nguoi", "hoc vien", "hoc sinh", "sinh vien", "doi tuong",
              "tre em", "nan nhan", "thuong binh", "benh binh"),
    "lượt": ("luot nguoi", "luot"),
    "hộ": ("ho gia dinh", "ho ngheo", "ho can ngheo", "ho"),
    "xã": ("xa, phuong, thi tran", "xa, phuong", "xa/phuong", "xa phuong", "xa"),
    "vụ": ("vu tai nan", "vu"),
    "doanh nghiệp": ("doanh nghiep", "dn"),
    "cơ sở": ("co so",),
    "lớp": ("lop",),
    "suất": ("suat",),
    "căn": ("can nha", "can"),
    "lần": ("lan",),
    "đồng": ("dong", "vnd", "d"),
    "triệu đồng": ("trieu dong", "tr.dong", "tr. dong", "tr dong", "tr.d", "trd"),
    "tỷ đồng": ("ty dong", "ti dong", "ty d"),
}  # fmt: skip
_MONEY_SCALES = {"nghin": "nghìn", "ngan": "nghìn", "trieu": "triệu", "ty": "tỷ", "ti": "tỷ", "nghin ty": "nghìn tỷ",
                 "ngan ty": "nghìn tỷ"}
_SCALE = {"nghin": 10**3, "ngan": 10**3, "trieu": 10**6, "ty": 10**9, "ti": 10**9}
_COUNT_UNITS = frozenset(UNITS) - {"%", "lần"}


def _alternation(words: Iterable[str]) -> str:
    forms = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in forms)


_UNIT_FORM = {form: unit for unit, forms in UNITS.items() for form in forms}
_UNIT_KEY = {form.replace(" ", ""): unit for form, unit in _UNIT_FORM.items()}  # written forms, spaces dropped
_NUM = r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)"
_SCALES = r"(?:(?:nghin|ngan)\s+ty|nghin|ngan|trieu|ty|ti)(?![a-z])"
# "hồ sơ" folds to "ho so" as "hộ so với" does: the unit hộ is not followed by a "so" that is no "so với".
_UNIT = rf"(?:{_alternation(_UNIT_FORM)})(?![a-z])(?<!ho(?=\s+so(?![a-z])(?!\s+voi)))|%"
_QUALIFIERS: dict[str, Qualifier] = {
    "khoang": "about", "xap xi": "about", "tren duoi": "about", "chung": "about", "uoc khoang": "about",
    "uoc tinh": "about", "uoc": "about", "gan": "nearly", "tren": "over", "hon": "over", "duoi": "under",
    "chua den": "under", "chua toi": "under", "it nhat": "at_least", "toi thieu": "at_least",
    "khong duoi": "at_least", "toi da": "at_most", "khong qua": "at_most",
}  # fmt: skip
_QUANTITY = re.compile(
    rf"(?:(?<![a-z])(?P<qualifier>{_alternation(_QUALIFIERS)})\s+)?(?:(?<![a-z])tu\s+)?"
    rf"(?P<number>{_NUM})(?:\s*(?P<scale>{_SCALES}))?(?:\s*(?P<percent>%))?"
    rf"(?:\s*(?:-|den|toi)\s*(?P<high>{_NUM})(?:\s*(?P<high_scale>{_SCALES}))?)?"
    rf"(?:\s*(?P<unit>{_UNIT}))?"
)

# Words after which a number is a name, not a figure: "Điều 5", "số 123", "Biểu số 2", "lần thứ 3".
_NAMING = re.compile(
    r"(?:(?<![a-z])(?:ngay|thang|quy|tuan|lan\s+thu|thu\s+tu|xep\s+thu|dieu|khoan|diem|muc|chuong|phan|"
    r"phu\s+luc|bieu|bieu\s+mau|mau|khoa|lop|dot|giai\s+doan|ma|so\s+hieu|nghi\s+dinh|quyet\s+dinh|"
    r"thong\s+tu|cong\s+van|chi\s+thi|nghi\s+quyet|luat|van\s+ban|to\s+trinh)(?:\s+so)?"
    r"|(?<![a-z])(?<!tong\s)so)\s*:?\s*$"
)
_PERIOD_AFTER = re.compile(r"\s*(?:tháng|năm|ngày|tuần|giờ|phút|quý|thang|ngay|tuan|gio|phut)(?!\w)")
_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-+*•]\s*)?$")
_YEAR_BEFORE = re.compile(r"(?<![a-z])(?:nam|giai\s+doan|nien\s+khoa|nam\s+hoc)\s*$")
# Dates and document codes: blanked before numbers are read (positions kept).
_BLANKED = (
    re.compile(r"[\w.-]*\d[\w.-]*(?:\s*/\s*[\w.-]*[\w])+"),  # 31/12/2019, 12/2019, 5025/LĐTBXH-KHTC
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
    r"|(?:ket\s+qua\s+|thuc\s+hien\s+)?nam\s+(?:truoc|ngoai|\d{4})|ky\s+truoc|nam\s+hoc\s+truoc)"
    r"|so\s+voi\s+\d{4})"
)
_RISE = r"tang(?:\s+them)?|cao\s+hon|nhieu\s+hon"
_FALL = r"giam(?:\s+di)?|thap\s+hon|it\s+hon"
# "giảm còn 2,1%", "tăng lên 35.000": the new level, which is a value.
_DIRECTION = rf"(?<![a-z])(?:(?P<rise>{_RISE})|(?P<fall>{_FALL}))(?!\s+(?:len|xuong|con|truong)(?![a-z]))"
_AMOUNT = (
    rf"(?P<n>{_NUM})(?:\s*(?P<scale>{_SCALES}))?\s*"
    r"(?:(?P<points>diem\s+phan\s+tram|diem\s*%|diem(?![a-z]))|(?P<percent>%)|(?P<times>lan)(?![a-z])"
    rf"|(?P<unit>{_UNIT}))?"
)
_CHANGE_PATTERNS: tuple[tuple[re.Pattern[str], Literal["change", "ratio"]], ...] = (
    (re.compile(rf"{_DIRECTION}\s+(?:(?:khoang|gan|tren|hon)\s+)?{_AMOUNT}(?:\s*,?\s*{_REFERENCE}(?![a-z]))?"),
     "change"),
    (re.compile(rf"{_REFERENCE}\s*,?\s*{_DIRECTION}\s+(?:(?:khoang|gan|tren|hon)\s+)?{_AMOUNT}"), "change"),
    (re.compile(rf"(?<![a-z])(?:bang|dat|gap)\s+(?P<n>{_NUM})\s*(?:(?P<percent>%)|(?P<times>lan)(?![a-z]))\s*"
                rf"(?:so\s+voi\s+)?{_REFERENCE}(?![a-z])"), "ratio"),
)  # fmt: skip


# --- Reading -------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c.isspace():
        return " " if c != "\n" else "\n"
    folded = fold(c)
    return folded if len(folded) == 1 else "\x00"  # keeps one character per character: spans stay put


class _Text:
    """The NFC text and its matching form: folded, dates and codes blanked, one character per character."""

    def __init__(self, text: str) -> None:
        self.original = unicodedata.normalize("NFC", text)
        folded = "".join(map(_fold_char, self.original)).translate(_DASHES)
        for pattern in _BLANKED:
            folded = pattern.sub(lambda m: "\x00" * len(m.group()), folded)
        self.folded = folded
        self.lower = self.original.lower()

    def quote(self, start: int, end: int) -> str:
        return " ".join(self.original[start:end].split())


def _scaled(value: Decimal, scale: str | None) -> Decimal:
    if not scale:
        return value
    for word in scale.split():
        value *= _SCALE[word]
    return value.to_integral_value() if value == value.to_integral_value() else value


def _unit(written: str | None, scale: str | None) -> tuple[str | None, bool]:
    """The canonical unit, and whether the scale words were taken into it (money: "tỷ đồng")."""
    if written is None:
        return None, False
    unit = _UNIT_KEY.get("".join(written.split()))
    if unit == "đồng" and scale:
        return f"{_MONEY_SCALES[' '.join(scale.split())]} đồng", True
    return unit, False


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2099


def _names_something(text: _Text, start: int, end: int, has_unit: bool) -> bool:
    """Whether the number at start:end is a year, date, code, period or outline number (module docstring)."""
    before = text.folded[max(0, start - 40) : start]
    if _NAMING.search(before):
        return True
    if not has_unit:
        if _PERIOD_AFTER.match(text.lower, end) or _PERIOD_AFTER.match(text.folded, end):
            return True
        after = text.original[end : end + 3]
        if _LINE_START.search(before) and (re.match(r"[.)](?:\s|$)", after) or re.match(r"\s+[^\W\d_]", after)
                                           and after.strip()[:1].isupper()):
            return True
        if before.endswith("(") and after.startswith(")"):
            return True
    return False


def _quantities(text: _Text) -> Iterator[tuple[Quantity, int]]:
    """Each figure with where its digits start (a qualifier before them may lie outside a share)."""
    for m in _QUANTITY.finditer(text.folded):
        number, high = m["number"], m["high"]
        scale = m["high_scale"] or m["scale"] if high else m["scale"]
        written_unit = m["unit"] or m["percent"]
        unit, money = _unit(written_unit, scale)
        if _is_year(number) and not m["scale"] and (
            unit not in _COUNT_UNITS or _YEAR_BEFORE.search(text.folded, 0, m.start("number")) or high
        ):
            continue
        if _names_something(text, m.start("number"), m.end("number"), bool(written_unit or m["scale"])):
            continue
        value = parse_decimal(number)
        high_value = parse_decimal(high) if high else None
        if value is None or (high and high_value is None):
            continue
        if high_value is not None:
            low_scale = m["scale"] or m["high_scale"]  # "30-35 nghìn": the scale written once covers both
            value = value if money else _scaled(value, low_scale)
            high_value = high_value if money else _scaled(high_value, m["high_scale"] or m["scale"])
        elif not money:
            value = _scaled(value, scale)
        qualifier = _QUALIFIERS[" ".join(m["qualifier"].split())] if m["qualifier"] else "exact"
        yield Quantity(value, unit, m.span(), text.quote(*m.span()), qualifier, high_value), m.start("number")


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
    for pattern, written in _CHANGE_PATTERNS:
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
                measure: Measure = "points" if m["points"] else "percent" if m["percent"] else "amount"
                unit, money = _unit(m["unit"], m["scale"]) if measure == "amount" else ("%", False)
                if measure == "points":
                    unit = "điểm phần trăm"
                value = n if money or measure != "amount" else _scaled(n, m["scale"])
                if measure == "amount" and unit == "%":
                    measure = "percent"
                yield Change(sign * value, measure, span, quote, unit, compared_with, year, same_period)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _first_of_overlapping(found: list) -> list:  # type: ignore[type-arg]
    """Of overlapping readings, the earliest-starting and then the longest; the order of the text."""
    kept: list = []  # type: ignore[type-arg]
    for item in sorted(found, key=lambda f: (f.span[0], -f.span[1])):
        if not _overlaps(item.span, [k.span for k in kept]):
            kept.append(item)
    return kept


def read_figures(text: str) -> Figures:
    """The values, shares of plan and changes a phrase or sentence writes (rules: module docstring)."""
    read = _Text(text or "")
    shares = _first_of_overlapping(list(_plan_shares(read)))
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
        return Quantity(-quantity.value, quantity.unit, (0, len(stripped)), stripped, quantity.qualifier)
    return quantity


def format_number(value: Decimal | int, decimals: int | None = None) -> str:
    """A number the Vietnamese way: 35120 → "35.120", Decimal("2345.6") → "2.345,6" (`decimals` rounds)."""
    written = f"{Decimal(value):,f}" if decimals is None else f"{Decimal(value):,.{decimals}f}"
    return written.translate(str.maketrans({",": ".", ".": ","}))
