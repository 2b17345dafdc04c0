"""The report outline a campaign asks for, as data: section keys, titles and the keywords that find them.

The ministry's letter (e.g. 5025/LĐTBXH-KHTC, November 2019) asks for the year's results, how
policies were carried out, shortcomings and their causes, next year's plan, and proposals. Another
ministry or campaign lists other keys; `outline_from_config` builds one from configuration.

Keywords are Vietnamese phrases matched on `fold`ed heading text: case, tone marks and the
punctuation between words do not matter, and "…" stands for a few words in between ("CHỈ TIÊU …
ĐẠT" finds "chỉ tiêu chủ yếu đều đạt"). `weak_keywords` also appear in other sections' headings
("NHIỆM VỤ", "ĐÁNH GIÁ") and count for less. The order of `sections` is the order a report is
expected to follow, used as a prior by the section splitter.

What planners and provinces read is `letter_outline`/`campaign_outline`: per key, the number and
title the campaign's letter gives (`[[campaign.section]]`), else the default or configured title
with the campaign's years filled in (`{report_year}`, `{plan_year}`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from parsers.vietnamese import fold

_GAP = "…"
_GAP_PATTERN = r"(?:\W+\w+){0,6}?\W+"  # up to six words stand in for "…"


@dataclass(frozen=True)
class OutlineSection:
    key: str
    title: str  # Vietnamese, as the ministry's letter names it; may hold {report_year} and {plan_year}
    keywords: tuple[str, ...]
    weak_keywords: tuple[str, ...] = ()

    @cached_property
    def patterns(self) -> tuple[tuple[re.Pattern[str], bool], ...]:
        """Each keyword compiled for folded text, with whether it is a strong one."""
        return tuple((keyword_pattern(k), True) for k in self.keywords) + tuple(
            (keyword_pattern(k), False) for k in self.weak_keywords
        )


@dataclass(frozen=True)
class Outline:
    sections: tuple[OutlineSection, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)

    def rank(self, key: str) -> int:
        """The key's place in the expected order, 0 first."""
        return self.keys.index(key)

    def section(self, key: str) -> OutlineSection:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A keyword phrase as a regular expression over folded text: words in order, any punctuation
    between them, whole words only."""
    pieces = []
    for chunk in fold(keyword).split(_GAP):
        words = re.findall(r"\w+", chunk)
        if words:
            pieces.append(r"\W+".join(re.escape(w) for w in words))
    return re.compile(r"(?<!\w)" + _GAP_PATTERN.join(pieces) + r"(?!\w)")


DEFAULT_OUTLINE = Outline(
    sections=(
        OutlineSection(
            "results",
            "Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm {report_year}",
            ("KẾT QUẢ THỰC HIỆN", "TÌNH HÌNH THỰC HIỆN", "KẾT QUẢ ĐẠT ĐƯỢC", "CHỈ TIÊU … ĐẠT", "KẾT QUẢ"),
            ("ĐÁNH GIÁ", "THỰC HIỆN NHIỆM VỤ"),
        ),
        OutlineSection(
            "policies",
            "Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án",
            ("CƠ CHẾ, CHÍNH SÁCH", "CHƯƠNG TRÌNH, ĐỀ ÁN", "TỔ CHỨC THỰC HIỆN CHÍNH SÁCH", "CHÍNH SÁCH", "ĐỀ ÁN"),
            ("TRIỂN KHAI", "CHƯƠNG TRÌNH"),
        ),
        OutlineSection(
            "shortcomings",
            "Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân",
            ("TỒN TẠI", "HẠN CHẾ", "KHÓ KHĂN", "VƯỚNG MẮC"),
            ("NGUYÊN NHÂN",),
        ),
        OutlineSection(
            "plan",
            "Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm {plan_year}",
            ("PHƯƠNG HƯỚNG", "KẾ HOẠCH NĂM", "GIẢI PHÁP CHỦ YẾU"),
            ("NHIỆM VỤ", "GIẢI PHÁP", "CHỈ TIÊU", "MỤC TIÊU", "KẾ HOẠCH"),
        ),
        OutlineSection(
            "proposals",
            "Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ",
            ("KIẾN NGHỊ", "ĐỀ XUẤT", "ĐỀ NGHỊ"),
        ),
    )
)


# The seed letters' numbering of the default outline (5025/LĐTBXH-KHTC: 1a … 2b).
DEFAULT_NUMBERS = {"results": "1a", "policies": "1b", "shortcomings": "1c", "plan": "2a", "proposals": "2b"}
PLACEHOLDERS = ("report_year", "plan_year")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


@dataclass(frozen=True)
class OutlineItem:
    """One section of a campaign's outline as it is quoted to people: "1a", "Đánh giá … năm 2019"."""

    key: str
    number: str
    title: str

    @property
    def label(self) -> str:
        """The number and the title, as the letter lists them: "1a) Đánh giá …"."""
        if not self.number:
            return self.title
        mark = "" if self.number[-1] in ").:" else ")"
        return f"{self.number}{mark} {self.title}"


def unknown_placeholders(title: str) -> list[str]:
    """The `{name}`s in a title that are not filled in (only {report_year} and {plan_year} are)."""
    return [name for name in _PLACEHOLDER.findall(title) if name not in PLACEHOLDERS]


def fill_years(title: str, report_year: int, plan_year: int) -> str:
    """{report_year} and {plan_year} replaced; any other brace (or a year not known) is left as written."""
    values = {name: str(year) for name, year in zip(PLACEHOLDERS, (report_year, plan_year)) if year is not None}
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), title)


def letter_outline(keys: Iterable[str], *, report_year: int, plan_year: int, letter: Iterable = (),
                   titles: Mapping[str, str] | None = None) -> tuple[OutlineItem, ...]:
    """The outline of a campaign as planners and provinces should read it, one item per key.

    `letter`: the letter's own items (mappings or objects with key, number, title), quoted as
    written. A key the letter does not word gets `titles[key]` (the configured title), else the
    default title, with the years filled in, and the seed letters' number (1a … 2b) or, for a key
    of the ministry's own, its position in `keys`.
    """
    given = {_field(item, "key"): item for item in letter}
    return tuple(_outline_item(key, position, given.get(key), titles or {}, report_year, plan_year)
                 for position, key in enumerate(keys, 1))


def campaign_outline(campaign, titles: Mapping[str, str] | None = None) -> tuple[OutlineItem, ...]:
    """`letter_outline` of a campaign row (models.schema.Campaign: outline, sections, report_year,
    plan_year); `titles` are the configured ones (reportbox.config.Config.outline_titles)."""
    return letter_outline(campaign.outline or (), report_year=campaign.report_year, plan_year=campaign.plan_year,
                          letter=campaign.sections or (), titles=titles)


def _outline_item(key: str, position: int, given, titles: Mapping[str, str], report_year: int,
                  plan_year: int) -> OutlineItem:
    number = DEFAULT_NUMBERS.get(key, str(position))
    if given is not None and (_field(given, "title") or "").strip():
        return OutlineItem(key, (_field(given, "number") or "").strip() or number, _field(given, "title").strip())
    default = next((s.title for s in DEFAULT_OUTLINE.sections if s.key == key), key)
    return OutlineItem(key, number, fill_years(titles.get(key) or default, report_year, plan_year))


def _field(item, name: str):
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def outline_from_config(keys: Iterable[str], overrides: Mapping[str, Mapping] | None = None) -> Outline:
    """The outline a campaign requires, in the order of `keys`.

    A key of the default outline may be used as it is or have its title and keywords replaced;
    any other key must bring `keywords` (and may bring `title`, `weak_keywords`) in `overrides`.
    """
    overrides = overrides or {}
    sections = []
    for key in keys:
        given = overrides.get(key, {})
        base = next((s for s in DEFAULT_OUTLINE.sections if s.key == key), None)
        if base is None and not given.get("keywords"):
            raise ValueError(f"outline section {key!r} is not a default one and has no keywords")
        base = base or OutlineSection(key, key, ())
        sections.append(
            OutlineSection(
                key,
                str(given.get("title", base.title)),
                _phrases(given.get("keywords", base.keywords), key),
                _phrases(given.get("weak_keywords", base.weak_keywords), key),
            )
        )
    if len({s.key for s in sections}) != len(sections):
        raise ValueError("outline section keys repeat")
    return Outline(tuple(sections))


def _phrases(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"keywords of outline section {key!r} must be a list of non-empty phrases")
    return tuple(value)
