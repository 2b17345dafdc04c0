"""Indicator definitions: which figures a campaign asks for, and the words that name each one in a report.

An *indicator* is one figure of the national table (jobs created, workers sent abroad, the poor-household
rate …): a stable `key`, its Vietnamese `name`, its `unit`, the `phrases` that name it, whether bigger is
better, the range one unit can plausibly report, and how the national figure is made from the units'
(`sum`, `mean`, or `weighted_mean` by another indicator). The labour sector's year-end set ships as
data/labour_year_end.toml (`default_definitions`); a campaign's own set is the same TOML shape
(`read_definitions`, or `definitions_from_mapping` for a table already parsed from the config).

data/ holds one fact per row, checked on load:
  labour_year_end.toml  one [[indicator]] per figure (its header comment explains every field)
  units.csv             unit,word,factor: a word a report writes for the unit, and what one of it is
                        worth in that unit ("triệu đồng" is 0.001 "tỷ đồng"). An indicator's unit must
                        be one of these, so the extractor always knows how its figures are written.

Loading refuses a set it cannot trust (ConfigError naming the file and the indicator): an unknown unit,
no phrases or an empty one, a range upside down or a share above 100%, summing a rate, a key given twice,
or one phrase naming two indicators.

Matching (`indicators_named`) says which indicators a sentence or a table's row label names, and where.
Phrases are compared on `parsers.vietnamese.fold`ed text, as parsers.topics compares titles: case,
diacritics, tone placement and the punctuation between words do not matter ("Giải quyết việc làm",
"GIAI QUYET VIEC LAM", "giải quyết, việc làm"), whole words only, and "tỷ"/"tỉ" are one word (so are
the other i/y spellings: "kỹ"/"kĩ", "sỹ"/"sĩ"). "…" stands for up to eight words, a figure such as
"1.250" or "68,8%" counting as one, and never for the end of a sentence. A word belongs to one mention: of two that
share words the longer is kept (the earlier of two as long), so "tỷ lệ lao động qua đào tạo có bằng cấp,
chứng chỉ" names the certified share, not also the trained share, and "cho vay giải quyết việc làm" the
loans, not the jobs.
A mention inside one of the indicator's `not_within` phrases does not count ("người có công" in
"Sở Lao động, Người có công và Xã hội").

A mention made through "…" may hold a figure ("Đưa 2.100 lao động đi làm việc ở nước ngoài"): the extractor
looks for figures inside a mention as well as after it.

Naming is not reporting: "phấn đấu năm 2020 giải quyết việc làm cho 35.000 lao động" names jobs created;
whether a figure near a mention is the year's value is the extractor's job.

Pure functions; the package's files are read once (cached). No network, no clock.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from parsers.letterhead import folded_same_length
from parsers.vietnamese import fold
from reportbox.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_SET = "labour_year_end"
AGGREGATES = ("sum", "mean", "weighted_mean")
GAP = "…"
GAP_WORDS = 8  # "đưa 2.100 người lao động của tỉnh đi làm việc …": a figure and a few words
_ERROR_REASON = "indicator_definitions"

Aggregate = Literal["sum", "mean", "weighted_mean"]


@dataclass(frozen=True)
class UnitWord:
    """A word a report writes for a unit, and what one of it is worth in that unit."""

    unit: str
    word: str
    factor: Decimal


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # Vietnamese, as the national table heads its column
    unit: str  # one of units.csv's units
    phrases: tuple[str, ...]  # as written in the definition; "…" for a gap
    bigger_is_better: bool
    plausible: tuple[Decimal, Decimal]  # lowest and highest value one unit can report
    aggregate: Aggregate
    weight: str | None = None  # the indicator a weighted_mean is weighted by
    not_within: tuple[str, ...] = ()  # longer phrases in which the phrases name something else

    def plausible_value(self, value: Decimal) -> bool:
        low, high = self.plausible
        return low <= value <= high


@dataclass(frozen=True)
class IndicatorSet:
    name: str
    title: str
    indicators: tuple[Indicator, ...]
    source: str  # the file (or config table) it was read from, for messages

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __getitem__(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(f"no indicator {key!r} in {self.source}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(indicator.key for indicator in self.indicators)


@dataclass(frozen=True)
class Mention:
    """Where a sentence names an indicator: positions in the (NFC) sentence, and the words as written."""

    key: str
    phrase: str  # the definition's phrase that matched
    start: int
    end: int
    text: str


# --- Units -----------------------------------------------------------------------------------------
def read_units(text: str, source: str) -> tuple[UnitWord, ...]:
    """The rows of a units file (unit,word,factor). ConfigError naming the file and line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if [c.strip() for c in reader.fieldnames or ()] != ["unit", "word", "factor"]:
        raise ConfigError(f"{source}: line 1: expected the header unit,word,factor", reason=_ERROR_REASON)
    words: list[UnitWord] = []
    owner: dict[str, str] = {}
    for row in reader:
        line = reader.line_num
        unit, word, factor = (_nfc(row.get(c) or "") for c in ("unit", "word", "factor"))
        if not (unit or word or factor):
            continue
        if not unit or not word:
            raise ConfigError(f"{source}: line {line}: a row needs a unit and a word", reason=_ERROR_REASON)
        value = _decimal(factor)
        if value is None or value <= 0:
            raise ConfigError(f"{source}: line {line}: factor {factor!r} is not a positive number", reason=_ERROR_REASON)
        if owner.setdefault(fold(word), unit) != unit:
            raise ConfigError(f"{source}: line {line}: {word!r} already means {owner[fold(word)]!r}; a word "
                              f"must mean one unit", reason=_ERROR_REASON)
        words.append(UnitWord(unit, word, value))
    return tuple(words)


@functools.cache
def unit_words() -> tuple[UnitWord, ...]:
    """The built-in units' words (data/units.csv)."""
    return read_units((DATA_DIR / "units.csv").read_text(encoding="utf-8"), "parsers/indicators/data/units.csv")


def known_units() -> tuple[str, ...]:
    """The units an indicator may be counted in, in the file's order."""
    return tuple(dict.fromkeys(word.unit for word in unit_words()))


@functools.cache
def _by_word() -> dict[str, UnitWord]:
    return {" ".join(re.findall(r"[\w%]+", fold(word.word))): word for word in unit_words()}


def unit_of(written: str) -> UnitWord | None:
    """The unit a word as written stands for ("Lao động", "lượt người", "triệu đồng"), else None.
    Case, diacritics and punctuation between words do not matter ("xã, phường" is "xã phường")."""
    return _by_word().get(" ".join(re.findall(r"[\w%]+", fold(written))))


# --- Definitions -----------------------------------------------------------------------------------
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_REQUIRED = ("key", "name", "unit", "phrases", "bigger_is_better", "plausible", "aggregate")
_OPTIONAL = ("not_within", "weight")
_COUNTS_ONLY = ("sum",)  # a share is not summed across units


@functools.cache
def default_definitions() -> IndicatorSet:
    """The labour sector's year-end set (data/labour_year_end.toml), read once."""
    return builtin_definitions(DEFAULT_SET)


def builtin_definitions(name: str) -> IndicatorSet:
    """A set shipped in data/ by its name; ConfigError naming the ones there are."""
    path = DATA_DIR / f"{name}.toml"
    if not _KEY.fullmatch(name) or not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.toml")))
        raise ConfigError(f"no built-in indicator set {name!r}; there are: {shipped}", reason=_ERROR_REASON)
    return read_definitions(path.read_text(encoding="utf-8"), f"parsers/indicators/data/{path.name}")


def read_definitions(text: str, source: str) -> IndicatorSet:
    """An indicator set from TOML text (the shape of data/labour_year_end.toml). `source` names the file
    in messages. ConfigError when the text is no TOML or a definition is wrong."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}", reason=_ERROR_REASON) from exc
    return definitions_from_mapping(data, source)


def definitions_from_mapping(data: Mapping[str, object], source: str) -> IndicatorSet:
    """An indicator set from parsed TOML: top-level `name`, `title` and an `indicator` array of tables."""
    unknown = sorted(set(data) - {"name", "title", "indicator"})
    if unknown:
        raise ConfigError(f"{source}: unknown setting {', '.join(unknown)}; expected name, title and "
                          f"[[indicator]] tables", reason=_ERROR_REASON)
    name, title = data.get("name", ""), data.get("title", "")
    if not isinstance(name, str) or not isinstance(title, str):
        raise ConfigError(f"{source}: name and title must be text", reason=_ERROR_REASON)
    tables = data.get("indicator")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, Mapping) for t in tables):
        raise ConfigError(f"{source}: no indicators; define each as an [[indicator]] table", reason=_ERROR_REASON)
    indicators = tuple(_indicator(table, source, number) for number, table in enumerate(tables, 1))
    _check_set(indicators, source)
    return IndicatorSet(_nfc(name), _nfc(title), indicators, source)


def _indicator(table: Mapping[str, object], source: str, number: int) -> Indicator:
    key = table.get("key")
    where = f"{source}: indicator {key!r}" if isinstance(key, str) and key else f"{source}: indicator #{number}"

    def fail(problem: str) -> ConfigError:
        return ConfigError(f"{where}: {problem}", reason=_ERROR_REASON)

    missing = [field for field in _REQUIRED if field not in table]
    unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    if unknown:
        raise fail(f"unknown field {', '.join(unknown)}; expected {', '.join(_REQUIRED + _OPTIONAL)}")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise fail("key must be lower-case letters, digits and _ (\"jobs_created\")")
    name, unit = table["name"], table["unit"]
    if not isinstance(name, str) or not name.strip():
        raise fail("name is empty")
    if not isinstance(unit, str) or _nfc(unit) not in known_units():
        raise fail(f"unit {unit!r} is not one of {', '.join(known_units())} (parsers/indicators/data/units.csv)")
    phrases = _phrases(table["phrases"], "phrases", fail)
    if not phrases:
        raise fail("phrases is empty; give the words that name it in a report")
    not_within = _phrases(table.get("not_within", []), "not_within", fail)
    if not isinstance(table["bigger_is_better"], bool):
        raise fail("bigger_is_better must be true or false")
    plausible = _range(table["plausible"], _nfc(unit), fail)
    aggregate, weight = table["aggregate"], table.get("weight")
    if aggregate not in AGGREGATES:
        raise fail(f"aggregate {aggregate!r} is not one of {', '.join(AGGREGATES)}")
    if aggregate in _COUNTS_ONLY and _nfc(unit) == "%":
        raise fail("a share cannot be summed across units; use aggregate = \"mean\" or \"weighted_mean\"")
    if (aggregate == "weighted_mean") != (weight is not None):
        raise fail("weight (the key of the indicator to weight by) goes with aggregate = \"weighted_mean\", and only with it")
    if weight is not None and not isinstance(weight, str):
        raise fail("weight must be an indicator's key")
    return Indicator(key=key, name=_nfc(name), unit=_nfc(unit), phrases=phrases,
                     bigger_is_better=table["bigger_is_better"], plausible=plausible,
                     aggregate=aggregate, weight=weight, not_within=not_within)  # fmt: skip


def _phrases(value: object, field: str, fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise fail(f"{field} must be a list of phrases")
    phrases = []
    for phrase in value:
        phrase = _nfc(phrase.replace("...", GAP))
        pieces = [re.findall(r"\w+", fold(piece)) for piece in phrase.split(GAP)]
        if not any(pieces):
            raise fail(f"{field} holds an empty phrase {phrase!r}")
        if not all(pieces):
            raise fail(f"{field}: {phrase!r} must have words on both sides of each \"…\"")
        phrases.append(phrase)
    return tuple(phrases)


def _range(value: object, unit: str, fail) -> tuple[Decimal, Decimal]:
    numbers = [_decimal(v) for v in value] if isinstance(value, list) else []
    if len(numbers) != 2 or None in numbers:
        raise fail(f"plausible must be [lowest, highest], two numbers; got {value!r}")
    low, high = numbers
    if low < 0 or low > high:
        raise fail(f"plausible range [{low}, {high}] must run from a lowest value ≥ 0 to a highest one")
    if unit == "%" and high > 100:
        raise fail(f"plausible range [{low}, {high}] goes above 100%")
    return low, high


def _check_set(indicators: tuple[Indicator, ...], source: str) -> None:
    seen: dict[str, Indicator] = {}
    owner: dict[str, str] = {}
    for indicator in indicators:
        if indicator.key in seen:
            raise ConfigError(f"{source}: indicator {indicator.key!r} is defined twice", reason=_ERROR_REASON)
        seen[indicator.key] = indicator
        for phrase in indicator.phrases:
            folded = _phrase_key(phrase)
            if owner.setdefault(folded, indicator.key) != indicator.key:
                raise ConfigError(f"{source}: indicator {indicator.key!r}: phrase {phrase!r} already names "
                                  f"{owner[folded]!r}; a phrase must name one indicator", reason=_ERROR_REASON)
    for indicator in indicators:
        if indicator.weight is None:
            continue
        weight = seen.get(indicator.weight)
        if weight is None or weight.unit == "%" or weight is indicator:
            raise ConfigError(f"{source}: indicator {indicator.key!r}: weight {indicator.weight!r} must be the key of "
                              f"another indicator counted in people, households, communes … (not a share)",
                              reason=_ERROR_REASON)


def _phrase_key(phrase: str) -> str:
    return " … ".join(" ".join(re.findall(r"\w+", _iy(fold(piece)))) for piece in phrase.split(GAP))


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (int, str, Decimal)) else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


# --- Matching --------------------------------------------------------------------------------------
# "tỷ"/"tỉ", "kỹ"/"kĩ", "sỹ"/"sĩ", "quy"/"qui": a syllable of consonants then i or y is spelled both ways.
_IY_SYLLABLE = re.compile(r"\b([bcdghklmnpqrstvx]+u?)[iy]\b")
_TOKEN = r"(?:\d+(?:[.,]\d+)*%?|\w+)"  # a figure ("1.250", "68,8%") counts as one word in a gap
_SEPARATOR = r"[^\w.;!?\n]+"  # between the words of a gap: not the end of a sentence
_GAP_PATTERN = rf"(?:{_SEPARATOR}{_TOKEN}){{0,{GAP_WORDS}}}?{_SEPARATOR}"


def _iy(folded: str) -> str:
    return _IY_SYLLABLE.sub(lambda found: found.group(1) + "y", folded)


def _word_pattern(word: str) -> str:
    found = _IY_SYLLABLE.fullmatch(word)
    return re.escape(found.group(1)) + "[iy]" if found else re.escape(word)


@functools.lru_cache(maxsize=1024)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as a regular expression over `folded_same_length` text (rules: module docstring)."""
    pieces = [r"\W+".join(_word_pattern(w) for w in re.findall(r"\w+", fold(piece))) for piece in phrase.split(GAP)]
    return re.compile(r"(?<!\w)" + _GAP_PATTERN.join(p for p in pieces if p) + r"(?!\w)")


def _first_word(phrase: str) -> str:
    return _iy(re.findall(r"\w+", fold(phrase))[0])


class _Index:
    """The phrases' patterns by their first word: a sentence is tried only against the phrases whose
    first word it holds, a handful of the hundred."""

    def __init__(self, indicators: tuple[Indicator, ...]) -> None:
        self.by_word: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {}
        self.excluded: dict[str, tuple[re.Pattern[str], ...]] = {}
        for indicator in indicators:
            for phrase in indicator.phrases:
                self.by_word.setdefault(_first_word(phrase), []).append((indicator.key, phrase, phrase_pattern(phrase)))
            self.excluded[indicator.key] = tuple(phrase_pattern(p) for p in indicator.not_within)


@functools.lru_cache(maxsize=16)
def _index(indicators: tuple[Indicator, ...]) -> _Index:
    return _Index(indicators)


def indicators_named(sentence: str, definitions: IndicatorSet | Iterable[Indicator]) -> tuple[Mention, ...]:
    """The mentions of indicators in a sentence or a table's row label, in the order they appear.

    Positions are in the NFC form of `sentence` (the sentence itself when it is NFC already, as text from
    parsers is). An indicator named twice gives two mentions; see the module docstring for the rules."""
    indicators = tuple(definitions.indicators if isinstance(definitions, IndicatorSet) else definitions)
    text = unicodedata.normalize("NFC", sentence)
    folded = folded_same_length(text)
    index = _index(indicators)
    words = {_iy(word) for word in re.findall(r"\w+", folded)}
    found: list[Mention] = []
    for word in words & index.by_word.keys():
        for key, phrase, pattern in index.by_word[word]:
            for match in pattern.finditer(folded):
                found.append(Mention(key, phrase, match.start(), match.end(), text[match.start():match.end()]))
    excluded = {key: [m.span() for p in patterns for m in p.finditer(folded)] for key, patterns in index.excluded.items()
                if patterns and any(f.key == key for f in found)}
    kept: list[Mention] = []
    # Longest first, so a mention sharing words with a longer one meets it already kept.
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if any(start <= mention.start and mention.end <= end for start, end in excluded.get(mention.key, ())):
            continue
        if any(_overlap(mention, other) for other in kept):
            continue
        kept.append(mention)
    return tuple(sorted(kept, key=lambda m: m.start))


def _overlap(mention: Mention, other: Mention) -> bool:
    return mention.start < other.end and other.start < mention.end
