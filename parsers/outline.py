"""The report outline a campaign asks for, as data: section keys, titles and the keywords that find them.

The ministry's letter (e.g. 5025/LĐTBXH-KHTC, November 2019) asks for the year's results, how
policies were carried out, shortcomings and their causes, next year's plan, and proposals. Another
ministry or campaign lists other keys; `outline_from_config` builds one from configuration.

Keywords are Vietnamese phrases matched on `fold`ed heading text: case, tone marks and the
punctuation between words do not matter, and "…" stands for a few words in between ("CHỈ TIÊU …
ĐẠT" finds "chỉ tiêu chủ yếu đều đạt"). `weak_keywords` also appear in other sections' headings
("NHIỆM VỤ", "ĐÁNH GIÁ") and count for less. The order of `sections` is the order a report is
expected to follow, used as a prior by the section splitter.
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
    title: str  # Vietnamese, as the ministry's letter names it
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
            "Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm",
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
            "Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm sau",
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
