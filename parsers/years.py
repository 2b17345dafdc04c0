"""Which year a report is about, and which period it covers, read from its title, subject, file name and dates.

Texts. `report_period` reads one short text (a document title, an e-mail subject, a file name, the
first lines of a body) on its folded form, so capitals, missing tone marks, underscores and words
run together ("BC_SLDTBXH_nam2019.docx") read alike. Folding keeps a map back to the original
characters so that evidence quotes the text as written ("năm 2019").
- Dates are not periods: "ngày 12 tháng 12 năm 2019", "12/12/2019", "2019-12-12", legal numbers
  ("30/2020/NĐ-CP"), comparisons ("so với năm 2018", "cùng kỳ năm 2018") and file extensions are
  blanked out first. A document's date is a separate, weaker signal (`year_signals`).
- Every remaining year, and every range "2016-2020" / "giai đoạn 2016 - 2020" / "từ năm 2016 đến
  năm 2020" (a span of 2-10 years; "2019-2020" alone is two years), takes a role from the words
  before it: the last clause (split at ; , : ( "và" " - ") that holds a keyword decides, by its first
  keyword: "kết quả", "thực hiện", "tình hình", "đánh giá", "tổng kết", "ước" → report; "kế hoạch",
  "phương hướng", "nhiệm vụ", "giải pháp", "dự kiến", "dự toán", "mục tiêu" → plan. So "tình hình
  thực hiện kế hoạch năm 2019" is a report on 2019 and "kế hoạch thực hiện nhiệm vụ năm 2020" a plan.
  No keyword → report. A year right after "Luật"/"Pháp lệnh" names a law and is dropped.
- The report year is the earliest report-role year (a range counts as its last year); the plan year
  the earliest later year of any role (a range counts as its first year). So of two years the earlier
  is the report year and the later the plan year. When only plan years are written ("Kế hoạch năm
  2020") the report year is taken to be the year before, flagged `report_year_inferred` (weak);
  for a part of a year ("phương hướng 6 tháng cuối năm 2019") it is that same year.
- The kind: a sub-year phrase wins, the earliest in the text ("quý I/2019", "6 tháng", "9 tháng",
  "tháng 11/2019", "11 tháng", "sơ kết 3 năm thực hiện" → multi_year; "12 tháng" → year_end); then a
  single report year → year_end; then a range → multi_year; then "tổng kết", "cả năm", "cuối năm",
  "hằng năm" or any single year (a plan-only title, a bare year in a file name) → year_end; else unknown.
  A phrase after "đến (hết)" is a data cut-off, not a period; "11 tháng" with "ước (thực hiện) cả năm"
  is the year-end report written in December. File-name abbreviations: "KQ" → report, "KH" → plan.

Signals. `year_signals` reads each source and weighs it (see WEIGHTS): title strongest, then the
e-mail subject, the file name, the body's opening; a plan-only reading counts half. The document's
date points to its year when written in October-December, to the year before in January-March
(a report dated 12/2019 or 01/2020 is about 2019), weakly to its year otherwise; the received date
likewise, weaker still. `decide_year` adds the weights per year: confidence = (share of the total
weight that agrees) × (noisy-or of the agreeing weights), so agreement gives ~0.9+, a title alone
0.9, a lone received date 0.2, and title vs e-mail subject or file name ~0.5-0.6 (send to review).

Pure: no clock; "today" and the received date come in as arguments.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, NamedTuple

from parsers.vietnamese import fold

PeriodKind = Literal["year_end", "half_year", "nine_months", "quarter", "multi_year", "month", "unknown"]
Role = Literal["report", "plan"]

WEIGHTS = {"title": 0.9, "subject": 0.7, "filename": 0.5, "body": 0.35, "document date": 0.4, "received": 0.2}
INFERRED_FACTOR = 0.5  # a report year guessed from a plan year
OFF_SEASON_FACTOR = 0.5  # a date in April-September, or with no month: a year-end report is rarely dated then
BODY_CHARS = 600  # the opening of a body says what it carries; further down come citations and comparisons

_Y = r"20\d\d"
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_BLANKED = tuple(
    re.compile(p)
    for p in (
        rf"(?<![a-z])ngay\s*(?:\d{{1,2}}|[.…_\s]*?)\s*thang\s*(?:\d{{1,2}}|[.…_\s]*?)\s*nam\s*{_Y}(?!\d)",
        rf"(?<!\d)\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*{_Y}(?!\d)",  # 12/12/2019, 12.12.2019
        rf"(?<!\d){_Y}-\d{{1,2}}-\d{{1,2}}(?!\d)",  # 2019-12-12
        rf"(?<!\d)\d+\s*/\s*{_Y}\s*/\s*[a-z]",  # legal numbers: 30/2020/nd-cp
        rf"(?:so\s+voi\s+(?:cung\s+ky\s+)?|cung\s+ky\s+)(?:nam\s*)?{_Y}(?!\d)",  # comparisons
        r"\.(?:docx?|pdf|xlsx?|rtf|odt|ods|zip|rar|7z|txt|eml|html?)\s*$",
    )
)
_SEPARATORS = re.compile(r"[_+]|(?<!\d)\.|\.(?!\d)")  # file-name word separators
_RANGE = re.compile(
    rf"(?:(?P<prefix>giai\s*doan|thoi\s*ky|tu\s*nam|\d{{1,2}}\s*nam)\s*)?(?<!\d)(?P<first>{_Y})\s*"
    rf"(?:-|den(?:\s*nam)?)\s*(?P<last>{_Y})(?!\d)"
)
_YEAR = re.compile(rf"(?:nam\s*)?(?<!\d)(?P<year>{_Y})(?!\d)")
_KEYWORD = re.compile(
    r"(?P<report>ket\s*qua|thuc\s*hien|tinh\s*hinh|danh\s*gia|tong\s*ket|so\s*ket|(?<![a-z])(?:uoc|kq)(?![a-z]))"
    r"|(?P<plan>ke\s*hoach|phuong\s*huong|nhiem\s*vu|giai\s*phap|du\s*kien|du\s*toan|muc\s*tieu|(?<![a-z])kh(?![a-z]))"
    r"|(?P<law>(?<![a-z])luat(?![a-z])|phap\s*lenh|hien\s*phap)"
)
_BOUNDARY = re.compile(r"[;,:()\[\]]|(?<![a-z])va(?![a-z])|\s-\s")
_SUB_YEAR: tuple[tuple[PeriodKind | None, re.Pattern[str]], ...] = (
    ("quarter", re.compile(r"(?<![a-z])quy\s*(?:iv|i{1,3}|[1-4])(?![a-z\d])")),
    ("multi_year", re.compile(r"(?<!\d)\d{1,2}\s*nam\s+(?:thuc\s*hien|thi\s*hanh|trien\s*khai)")),
    ("month", re.compile(rf"(?<![a-z])thang\s*(?:0?[1-9]|1[0-2])\s*(?:/|-|nam)\s*{_Y}(?!\d)")),
    (None, re.compile(r"(?<![\d])(?<!ngay )(?<!ngay)(?P<count>\d{1,2}|(?<![a-z])(?:ba|sau|chin))\s*thang")),
)
_COUNT_KINDS: dict[str, PeriodKind] = {
    "3": "quarter", "ba": "quarter", "6": "half_year", "sau": "half_year",
    "9": "nine_months", "chin": "nine_months", "12": "year_end",
}  # fmt: skip
_YEAR_END_WORDS = re.compile(r"tong\s*ket|(?<![a-z])ca\s*nam|cuoi\s*nam|hang\s*nam")
_UP_TO = re.compile(r"(?<![a-z])(?:den|toi)\s*(?:het\s*)?$")  # "số liệu đến hết tháng 11/2019": a cut-off, not a period
_YEAR_ESTIMATE = re.compile(r"(?<![a-z])uoc\s*(?:thuc\s*hien\s*)?(?:ca\s*)?nam")


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    report_year: int | None = None
    plan_year: int | None = None
    evidence: tuple[str, ...] = ()  # "6 tháng → half_year", "năm 2019 → 2019", "năm 2020 → plan 2020"
    report_year_inferred: bool = False  # only a plan year was written; the report year is the one before


@dataclass(frozen=True)
class YearSignal:
    year: int
    role: Role
    weight: float
    evidence: str  # "title: năm 2019 → 2019", "document date 12/2019 → 2019"
    kind: PeriodKind = "unknown"  # the period the source describes; dates describe none


class YearDecision(NamedTuple):
    year: int | None
    confidence: float  # 0..1
    evidence: list[str]


class _Mention(NamedTuple):
    start: int
    end: int
    report_value: int  # a range reports on its last year...
    plan_value: int  # ...and plans from its first
    is_range: bool
    role: Role


class _Reading(NamedTuple):
    period: Period
    report_text: str | None  # the words the report year was read from, as written
    plan_text: str | None


class _Folded:
    """Folded text, one folded character per position mapped back to the original's index."""

    def __init__(self, text: str) -> None:
        self.original = unicodedata.normalize("NFC", text)
        chars: list[str] = []
        self.where: list[int] = []
        for i, c in enumerate(self.original):
            folded = " " if c.isspace() else c.lower() if c.isascii() else fold(c)
            chars.append(folded)
            self.where.extend([i] * len(folded))
        self.text = "".join(chars).translate(_DASHES)

    def quote(self, start: int, end: int) -> str:
        return " ".join(self.original[self.where[start] : self.where[end - 1] + 1].split())


def _blank(text: str) -> str:
    """Dates, legal numbers, comparisons and extensions → spaces of the same length (positions kept)."""
    for pattern in _BLANKED:
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return _SEPARATORS.sub(" ", text)


def _role(before: str) -> Role | None:
    """The role of a year from the words since the previous year; None for a law's year."""
    clauses = _BOUNDARY.split(before)
    own = list(_KEYWORD.finditer(clauses[-1]))
    if own and own[-1].lastgroup == "law":
        return None
    for clause in reversed(clauses):
        for match in _KEYWORD.finditer(clause):
            if match.lastgroup != "law":
                return "report" if match.lastgroup == "report" else "plan"
    return "report"


def _mentions(text: str) -> list[_Mention]:
    spans: list[tuple[int, int, int, int, bool]] = []
    for m in _RANGE.finditer(text):
        first, last = int(m["first"]), int(m["last"])
        if 2 <= last - first <= 10 or (m["prefix"] and 1 <= last - first <= 10):
            spans.append((m.start(), m.end(), last, first, True))
    for m in _YEAR.finditer(text):
        if not any(start <= m.start("year") < end for start, end, *_ in spans):
            spans.append((m.start(), m.end(), int(m["year"]), int(m["year"]), False))
    mentions, previous_end = [], 0
    for start, end, report_value, plan_value, is_range in sorted(spans):
        role = _role(text[previous_end:start])
        previous_end = end
        if role is not None:
            mentions.append(_Mention(start, end, report_value, plan_value, is_range, role))
    return mentions


def _kind(text: str, mentions: list[_Mention], report: _Mention | None) -> tuple[PeriodKind, re.Match[str] | None]:
    found = [(m.start(), kind, m) for kind, pattern in _SUB_YEAR for m in pattern.finditer(text)]
    for _, kind, match in sorted(found, key=lambda f: f[0]):
        if _UP_TO.search(text, 0, match.start()):
            continue
        if kind is None:
            count = match["count"]
            kind = _COUNT_KINDS.get(count) or ("month" if count.isdigit() and 1 <= int(count) <= 11 else None)
            if kind == "month" and _YEAR_ESTIMATE.search(text):  # "11 tháng, ước thực hiện cả năm": the year-end
                kind = "year_end"
        if kind is not None:
            return kind, match
    if report is not None and not report.is_range:
        return "year_end", None
    if any(m.is_range for m in mentions):
        return "multi_year", None
    if (match := _YEAR_END_WORDS.search(text)) or mentions:
        return "year_end", match
    return "unknown", None


_PART_OF_A_YEAR = ("half_year", "nine_months", "quarter", "month")


def _pick(mentions: list[_Mention]) -> tuple[_Mention | None, _Mention | None]:
    """The report-year mention (the earliest report-role one) and the plan-year one (the earliest later one)."""
    report = min((m for m in mentions if m.role == "report"), key=lambda m: m.report_value, default=None)
    if report is None:
        return None, min(mentions, key=lambda m: m.plan_value, default=None)
    later = [m for m in mentions if m is not report and m.plan_value > report.report_value]
    return report, min(later, key=lambda m: m.plan_value, default=None)


@functools.lru_cache(maxsize=4096)  # a title is read for its year and for its subject (parsers.topics)
def _read(text: str) -> _Reading:
    folded = _Folded(text)
    clean = _blank(folded.text)
    mentions = _mentions(clean)
    report, plan = _pick(mentions)
    kind, kind_match = _kind(clean, mentions, report)
    if report is None and kind in _PART_OF_A_YEAR:  # "phương hướng 6 tháng cuối năm 2019": the same year
        report, plan = plan, None
    inferred = report is None and plan is not None
    report_year = report.report_value if report else (plan.plan_value - 1 if plan else None)
    plan_year = plan.plan_value if plan else None
    report_text = folded.quote(report.start, report.end) if report else None
    plan_text = folded.quote(plan.start, plan.end) if plan else None
    evidence = []
    if kind_match is not None:
        evidence.append(f"{folded.quote(kind_match.start(), kind_match.end())} → {kind}")
    if report_text:
        evidence.append(f"{report_text} → {report_year}")
    if plan_text:
        evidence.append(f"{plan_text} → plan {plan_year}")
    if inferred:
        evidence.append(f"report {report_year}: the year before the plan (inferred)")
    return _Reading(Period(kind, report_year, plan_year, tuple(evidence), inferred), report_text, plan_text)


def report_period(text: str) -> Period:
    """The period a title, subject, file name or e-mail subject speaks of (rules: module docstring)."""
    return _read(text or "").period


def _text_signals(source: str, text: str) -> list[YearSignal]:
    period, report_text, plan_text = _read(text)
    weight = WEIGHTS[source]
    signals = []
    if period.report_year is not None:
        if period.report_year_inferred:
            evidence = f"{source}: {plan_text} → report {period.report_year} (the year before the plan)"
            signals.append(YearSignal(period.report_year, "report", weight * INFERRED_FACTOR, evidence, period.kind))
        else:
            evidence = f"{source}: {report_text} → {period.report_year}"
            signals.append(YearSignal(period.report_year, "report", weight, evidence, period.kind))
    if period.plan_year is not None:
        evidence = f"{source}: {plan_text} → plan {period.plan_year}"
        signals.append(YearSignal(period.plan_year, "plan", weight, evidence, period.kind))
    return signals


def _date_signal(source: str, year: int, month: int | None) -> YearSignal:
    """A year-end report is written from October to the next March: a date then points to its report year."""
    weight = WEIGHTS[source]
    if month is None:
        return YearSignal(year, "report", weight * OFF_SEASON_FACTOR, f"{source} {year} → {year}")
    report_year = year - 1 if month <= 3 else year
    if 4 <= month <= 9:
        weight *= OFF_SEASON_FACTOR
    return YearSignal(report_year, "report", weight, f"{source} {month:02d}/{year} → {report_year}")


def year_signals(
    *,
    title: str | None = None,
    subject: str | None = None,
    filename: str | None = None,
    body: str | None = None,
    letterhead_date_year: int | None = None,
    received_year: int | None = None,
    letterhead_date_month: int | None = None,
    received_month: int | None = None,
) -> list[YearSignal]:
    """Report-year and plan-year signals from every source given, strongest first.

    `title` is the document's own title (letterhead title and subject: "BÁO CÁO Kết quả … năm 2019"),
    `subject` the e-mail subject, `body` the e-mail body or the document's opening (its first
    BODY_CHARS characters are read). The months refine the date signals; without them a date
    counts half.
    """
    signals: list[YearSignal] = []
    for source, text in (("title", title), ("subject", subject), ("filename", filename), ("body", body)):
        if text:
            signals.extend(_text_signals(source, text[:BODY_CHARS] if source == "body" else text))
    if letterhead_date_year is not None:
        signals.append(_date_signal("document date", letterhead_date_year, letterhead_date_month))
    if received_year is not None:
        signals.append(_date_signal("received", received_year, received_month))
    return sorted(signals, key=lambda s: -s.weight)


def decide_year(signals: list[YearSignal]) -> YearDecision:
    """The report year the signals agree on most, a confidence, and the evidence (the winner's first).

    Confidence = agreeing share of the weight × (1 - ∏(1 - weight)) over the agreeing signals. When
    signals disagree the first evidence line names every year and its weight.
    """
    reports = [s for s in signals if s.role == "report"]
    if not reports:
        return YearDecision(None, 0.0, [])
    scores: dict[int, float] = defaultdict(float)
    for s in reports:
        scores[s.year] += s.weight
    strongest = {year: max(s.weight for s in reports if s.year == year) for year in scores}
    ranked = sorted(scores, key=lambda y: (scores[y], strongest[y], -y), reverse=True)
    best = ranked[0]
    share = scores[best] / sum(scores.values())
    strength = 1 - math.prod(1 - min(s.weight, 0.95) for s in reports if s.year == best)
    evidence = [s.evidence for s in sorted(reports, key=lambda s: (s.year != best, -s.weight))]
    if len(ranked) > 1:
        evidence.insert(0, "conflict: " + " vs ".join(f"{y} ({scores[y]:.2f})" for y in ranked))
    return YearDecision(best, round(share * strength, 3), evidence)


def decide_kind(signals: list[YearSignal]) -> PeriodKind:
    """The period the texts describe, by weight: lets the caller set half-year or quarterly reports aside."""
    votes: dict[PeriodKind, float] = defaultdict(float)
    for s in signals:
        if s.role == "report" and s.kind != "unknown":
            votes[s.kind] += s.weight
    return max(votes, key=lambda k: votes[k], default="unknown")
