"""Finding units named in text, and the unit behind an e-mail domain.

How `find_units` matches (all of it on `fold`ed words, so tone placement, case and diacritics do
not matter, and positions always point into the original text):
- Text is cut into words; a name matches a run of words. Between its words only spaces, line
  breaks, hyphens, dashes, dots and underscores may stand ("Bà Rịa – Vũng Tàu", "TP.HCM",
  "quang_ninh"), and a name written as one word matches too ("DakLak", "Kontum", "TPHCM").
  Matching is by whole words, so a name is never found inside a longer word.
- Longest match wins, scanning left to right: "Thừa Thiên Huế" is one mention, not "Huế";
  "Bà Rịa - Vũng Tàu" is not "Bà Rịa"; "Trà Vinh" is not "Vinh".
- A name must start with a capital letter in the text ("Hòa Bình", never "hòa bình", peace; "Cao
  Bằng", never "cao bằng", as high as). `any_case=True` drops this rule (file names, addresses).
- Short aliases (four letters or fewer once folded: HN, HCM, TTH, BR-VT, Huế, Vinh) must appear in
  the text exactly as written in the data, or all in capitals: "HN" matches in "Sở LĐTBXH HN" but
  not "hn"; "Huế" does not match "Huệ"; "Vinh" does not match "Vĩnh".
- A prefix before the name (tỉnh, thành phố, TP., TP, UBND tỉnh/thành phố, Ủy ban nhân dân
  tỉnh/thành phố, or UBND / Ủy ban nhân dân alone before a name such as "Thành phố Huế") is taken
  into the mention's span.
- Contextual names (data/contextual.csv: Vinh, Huế, Hồ Chí Minh, Tân An) match only after such a
  prefix or right before a date ("Vinh, ngày 12 tháng 12 năm 2019"): "Nguyễn Văn Vinh" and
  "tư tưởng Hồ Chí Minh" are not units.
The table of a registry is built once (cached) and the scan is one dictionary look-up per word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from parsers.registry.units import Registry
from parsers.vietnamese import fold

MentionKind = Literal["name", "alias", "city"]
_KIND_RANK = {"name": 0, "alias": 1, "city": 2}
SHORT_LETTERS = 4

# A word: letters and digits, with any combining marks or invisible characters inside it.
_WORD = re.compile(r"[^\W_]+(?:[\u0300-\u036f\u00ad\u200b-\u200d\u2060]+[^\W_]*)*")
_JOIN = re.compile(r"[\s.\-_\u2010-\u2015\u2212]{1,6}")  # what may stand between the words of a name
_DATE_AFTER = re.compile(r",?\s*ngay(?![a-z])")
_PREFIXES = tuple(
    tuple(fold(prefix).split())
    for prefix in (
        "ủy ban nhân dân thành phố", "ủy ban nhân dân tỉnh", "ủy ban nhân dân tp", "ubnd thành phố", "ubnd tỉnh",
        "ubnd tp",
        "thành phố", "tỉnh", "tp",
        "ủy ban nhân dân", "ubnd",  # before a name that says "Thành phố" itself ("UBND Thành phố Huế")
    )
)  # fmt: skip


@dataclass(frozen=True)
class UnitMention:
    """A unit named in a text: `text[start:end]` is what was found (prefix included); `alias` is the
    registry's spelling that matched; `kind` says whether it was the unit's name, an alias or a city."""

    code: str
    alias: str
    start: int
    end: int
    kind: MentionKind


@dataclass(frozen=True)
class _Entry:
    code: str
    alias: str
    kind: MentionKind
    surfaces: frozenset[str] | None  # short aliases: the exact letters the text must show
    contextual: bool


@dataclass(frozen=True)
class _Table:
    entries: dict[tuple[str, ...], _Entry]
    longest: dict[str, int]  # first word → longest key starting with it


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text) if c.isalnum())


def alias_key(alias: str) -> tuple[str, ...]:
    """What the matcher compares an alias on: its folded words ("Bà Rịa – Vũng Tàu" → ba, ria, vung, tau)."""
    return tuple(fold(word) for word in _WORD.findall(alias))


def _entry(code: str, alias: str, kind: MentionKind, registry: Registry) -> tuple[tuple[str, ...], _Entry]:
    key = alias_key(alias)
    short = sum(map(len, key)) <= SHORT_LETTERS
    surfaces = frozenset({_letters(alias), _letters(alias).upper()}) if short else None
    return key, _Entry(code, alias, kind, surfaces, " ".join(key) in registry.contextual)


def _unit_entries(registry: Registry) -> list[tuple[tuple[str, ...], _Entry]]:
    entries = []
    for unit in registry.units:
        named: list[tuple[str, MentionKind]] = [(unit.name, "name"), *((a, "alias") for a in unit.aliases)]
        named += [(renamed.name, "name") for renamed in unit.renames]  # a later name is a name, not an alias
        named += [(city, "city") for city in unit.cities]
        entries += [_entry(unit.code, alias, kind, registry) for alias, kind in named]
    return entries


def _add(table: dict[tuple[str, ...], _Entry], key: tuple[str, ...], entry: _Entry, registry: str) -> None:
    """Add a key; the same unit keeps its best kind. Two units on one key is an error in the data."""
    held = table.get(key)
    if held is None or (held.code == entry.code and _KIND_RANK[entry.kind] < _KIND_RANK[held.kind]):
        table[key] = entry
    elif held.code != entry.code:
        raise ValueError(
            f"registry {registry!r}: {held.alias!r} (unit {held.code}) and {entry.alias!r} (unit {entry.code}) "
            "read the same; an alias must name one unit"
        )


@functools.lru_cache(maxsize=32)
def _table(registry: Registry) -> _Table:
    table: dict[tuple[str, ...], _Entry] = {}
    entries = _unit_entries(registry)
    for key, entry in entries:
        if key:
            _add(table, key, entry, registry.name)
    for key, entry in entries:
        # "Kon Tum" also written "Kontum": added only where the run-together form names nobody else.
        joined = ("".join(key),)
        if len(key) > 1 and joined not in table:
            table[joined] = entry
    longest: dict[str, int] = {}
    for key in table:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return _Table(table, longest)


class _Scan:
    """The words of one text and the checks a candidate match goes through."""

    def __init__(self, text: str, any_case: bool) -> None:
        self.text = text
        self.any_case = any_case
        folded: dict[str, str] = {}
        self.spans: list[tuple[int, int]] = []
        self.keys: list[str] = []
        for match in _WORD.finditer(text):
            word = match.group()
            key = folded.get(word)
            if key is None:
                key = folded[word] = fold(word)
            self.spans.append(match.span())
            self.keys.append(key)
        self._joins: dict[int, bool] = {}

    def joined(self, index: int) -> bool:
        """Whether word `index` and the next may belong to one name."""
        if index not in self._joins:
            gap = self.text[self.spans[index][1] : self.spans[index + 1][0]]
            self._joins[index] = _JOIN.fullmatch(gap) is not None
        return self._joins[index]

    def prefix_start(self, first: int, floor: int) -> int | None:
        """The word index where a prefix (tỉnh, thành phố, UBND tỉnh ...) before `first` begins."""
        for prefix in _PREFIXES:
            begin = first - len(prefix)
            if begin >= floor and tuple(self.keys[begin:first]) == prefix:
                if all(self.joined(i) for i in range(begin, first)):
                    return begin
        return None

    def mention(self, entry: _Entry, first: int, last: int, floor: int) -> UnitMention | None:
        start, end = self.spans[first][0], self.spans[last][1]
        if entry.surfaces is not None:
            if _letters(self.text[start:end]) not in entry.surfaces:
                return None
        elif not self.any_case and not (self.text[start].isupper() or self.text[start].isdigit()):
            return None
        prefix = self.prefix_start(first, floor)
        if entry.contextual and prefix is None and not _DATE_AFTER.match(fold(self.text[end : end + 24])):
            return None
        if prefix is not None:
            start = self.spans[prefix][0]
        return UnitMention(entry.code, entry.alias, start, end, entry.kind)


def find_units(text: str, registry: Registry, *, any_case: bool = False) -> list[UnitMention]:
    """Every unit of `registry` named in `text`, in order, without overlaps (rules: module doc)."""
    table = _table(registry)
    scan = _Scan(text, any_case)
    found: list[UnitMention] = []
    index, floor, count = 0, 0, len(scan.keys)
    while index < count:
        size = min(table.longest.get(scan.keys[index], 0), count - index)
        for length in range(size, 0, -1):
            last = index + length - 1
            entry = table.entries.get(tuple(scan.keys[index : last + 1]))
            if entry is None or not all(scan.joined(i) for i in range(index, last)):
                continue
            mention = scan.mention(entry, index, last, floor)
            if mention is not None:
                found.append(mention)
                index = floor = last + 1
                break
        else:
            index += 1
    return found


@functools.lru_cache(maxsize=32)
def _domains(registry: Registry) -> dict[str, str]:
    return {domain: unit.code for unit in registry.units for domain in unit.domains}


def unit_for_domain(address_or_domain: str, registry: Registry) -> str | None:
    """The code of the unit whose domain an address or domain is, or is under.

    "sldtbxh@quangninh.gov.vn", "Sở LĐTBXH <x@sldtbxh.quangninh.gov.vn>" and "QuangNinh.gov.vn."
    all give "22" in vn63. The most specific registered domain wins. None if no unit's domain.
    """
    domain = address_or_domain.strip().rsplit("@", 1)[-1].strip().strip("<>").strip().rstrip(".").lower()
    parts = domain.split(".")
    table = _domains(registry)
    for begin in range(len(parts)):
        code = table.get(".".join(parts[begin:]))
        if code is not None:
            return code
    return None
