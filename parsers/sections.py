"""Split a read Document into the official documents it holds and each report into the outline's sections.

A file may hold a covering letter (công văn) and then the report, each with its own letterhead;
`split_document` cuts it there first, at the letterhead's first line (in a PDF, the issuer's lines
above the motto, a long name or the motto itself wrapped in a narrow column). In each part it
finds headings by how they look, not by a fixed numbering: "Phần thứ nhất", "A.", "I.", "1.",
"1.1.", "a)", heading styles, bold or capital lines; a heading wrapped over lines is joined. A
heading's level is its numbering scheme's rank in order of first appearance, as a reader takes it:
whatever scheme comes first is the top level.

Headings are mapped to the outline by keywords and position together. The same words ("NHIỆM
VỤ", "KẾT QUẢ") appear all over a report, so a dynamic programme picks the set of headings that
best matches the outline in its expected order, preferring higher-level headings and dropping weak
keywords below the top level. Sections then run from one mapped heading to the next, so every
block lands in exactly one of the preamble, a section or the closing ("Nơi nhận:" and signature),
and nothing is lost. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from parsers.documents.model import Block, BlockKind, Document, Region
from parsers.letterhead import Letterhead, folded_same_length, is_motto_line, letterhead_extent, starts_issuer
from parsers.outline import DEFAULT_OUTLINE, Outline
from parsers.vietnamese import fold

MAX_HEADING = 200  # characters; a longer line is running text
MAX_MOTTO_LINE = 120  # characters; a paragraph that names the country is no letterhead
ISSUER_LINES = 6  # a letterhead's issuer lines above its motto, in a PDF, long names wrapped
MIN_HEADING_SCORE = 1.5
MIN_MATCH = 0.5
STRONG_MATCH = 0.8  # below this, a heading is mapped only at the top level
_UNREACHED = float("-inf")

# Label schemes at the start of a line (or in Block.numbering), with how clearly each says "heading".
_LABELS = (
    ("part", re.compile(r"^phan\s+(?:thu\s+)?(?:nhat|hai|ba|tu|nam|sau|mot|[ivx]+|\d+)(?!\w)\s*[:.\-–)]*\s*")),
    ("roman", re.compile(r"^(?:xii|xi|ix|x|viii|vii|vi|iv|v|iii|ii|i)\s*(?:[.):]|\s[-–])\s*")),
    ("letter", re.compile(r"^[a-hj-uwyz]\s*[.)]\s*(?=\w)")),
    ("decimal3", re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s*(?=[^\W\d])")),
    ("decimal2", re.compile(r"^\d{1,2}\.\d{1,2}\.?\s*(?=[^\W\d])")),
    ("decimal", re.compile(r"^\d{1,2}\s*[.)]\s*(?=[^\W\d])")),
    ("bullet", re.compile(r"^[-–—+•*●▪]\s*")),
)
_SCHEME_SCORE = {
    "part": 3.0, "roman": 2.5, "letter": 2.0, "decimal": 1.5, "decimal2": 1.3, "decimal3": 1.2, "lower": 1.0
}
_CLOSING = re.compile(r"^\W*noi\s+nhan\b")
_YEARS = re.compile(r"^\d{4}(?:\s*[-–]\s*\d{4})?$")  # "2019", "2016 - 2020" wrapped under a heading
_SIGNATURE = re.compile(r"^\W*(?:kt|tm|tl|tuq|q)\s*\.\s*\w|^\W*(?:pho\s+)?(?:giam\s+doc|chu\s+tich|truong\s+phong)\W*$")
_ATTACHED = re.compile(r"gui\s+kem|kem\s+theo|dinh\s+kem|gui\s+(?:\w+\s+){0,6}bao\s+cao")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # as displayed, numbering included
    blocks: tuple[Block, ...]  # the heading, then paragraphs, tables and sub-headings under it
    confidence: float  # 0..1
    start: int  # index in document.blocks of the heading
    end: int  # exclusive

    @property
    def text(self) -> str:
        return "\n".join(block.display_text for block in self.blocks)


@dataclass(frozen=True)
class Part:
    """One official document inside the file."""

    role: str  # "report" | "covering_letter" | "other"
    letterhead: Letterhead | None
    preamble: tuple[Block, ...]  # the letterhead and everything before the first section
    sections: tuple[Section, ...]
    closing: tuple[Block, ...]  # from "Nơi nhận:" or the signature on
    found: tuple[str, ...]  # outline keys, in outline order
    missing: tuple[str, ...]
    reason: str | None  # "no_sections" when no section was found
    start: int
    end: int

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class Analysis:
    parts: tuple[Part, ...]

    @property
    def report(self) -> Part | None:
        """The report part with the most sections found, if any."""
        reports = [p for p in self.parts if p.role == "report"]
        return max(reports, key=lambda p: len(p.sections), default=None)


@dataclass(frozen=True)
class _Heading:
    index: int  # absolute block index
    span: int  # blocks taken: a heading wrapped over lines, or "PHẦN THỨ NHẤT" above its title
    scheme: str
    title: str  # without its numbering
    display: str
    clarity: float
    level: int = 0


def split_document(document: Document, outline: Outline = DEFAULT_OUTLINE) -> Analysis:
    """The file's official documents, each with its letterhead, preamble, outline sections and closing."""
    blocks = document.blocks
    starts = _part_starts(blocks)
    ends = starts[1:] + [len(blocks)]
    return Analysis(tuple(_split_part(blocks, start, end, outline) for start, end in zip(starts, ends)))


# --- Parts ---------------------------------------------------------------------------------------
def _part_starts(blocks: tuple[Block, ...]) -> list[int]:
    """Where each official document begins: the file's start, then each further letterhead."""
    starts = [0]
    index = max(letterhead_extent(blocks)[1], 1)
    while index < len(blocks):
        if _is_motto(blocks, index):
            start = _issuer_lines_before(blocks, index, floor=starts[-1] + 1)
            starts.append(start)
            index = max(start + letterhead_extent(blocks[start:])[1], index + 1)
        else:
            index += 1
    return starts


def _is_motto(blocks: tuple[Block, ...], index: int) -> bool:
    """A national motto, on its line or wrapped over the next ones ("CỘNG HOÀ XÃ HỘI CHỦ" / "NGHĨA VIỆT NAM")."""
    block = blocks[index]
    if block.region != Region.BODY or (block.kind != BlockKind.TABLE and len(block.text) > MAX_MOTTO_LINE):
        return False
    return is_motto_line(block.text, [b.text for b in blocks[index + 1: index + 4] if b.kind != BlockKind.TABLE])


def _issuer_lines_before(blocks: tuple[Block, ...], index: int, floor: int) -> int:
    """In a PDF the issuing body's lines come just before the motto line, a long name wrapped over two:
    back to the furthest line that starts an issuer's name, over its capitalised continuations,
    never past the previous document's signature or onto another page."""
    start, page = index, blocks[index].page
    for back in range(index - 1, max(floor, index - ISSUER_LINES) - 1, -1):
        block, text = blocks[back], blocks[back].text.strip()
        folded = fold(text)
        other_page = page is not None and block.page is not None and block.page != page
        if block.kind == BlockKind.TABLE or block.region != Region.BODY or len(text) > 100 or other_page:
            break
        if _SIGNATURE.match(folded) or _CLOSING.match(folded):
            break
        if starts_issuer(text):
            start = back
        elif not _is_upper(text, minimum=2):
            break
    return start


def _split_part(blocks: tuple[Block, ...], start: int, end: int, outline: Outline) -> Part:
    letterhead, extent = letterhead_extent(blocks[start:end])
    body = start + extent
    closing = _closing_start(blocks, body, end)
    headings = _headings(blocks, body, closing)
    chosen = _map_headings(headings, outline)
    role = _role(letterhead, " ".join(b.text for b in blocks[body:closing])[:5000], len(chosen))
    sections = _sections(blocks, chosen if role != "covering_letter" else [], closing)
    first = sections[0].start if sections else closing
    found = tuple(k for k in outline.keys if any(s.key == k for s in sections))
    return Part(
        role=role,
        letterhead=letterhead,
        preamble=blocks[start:first],
        sections=sections,
        closing=blocks[closing:end],
        found=found,
        missing=tuple(k for k in outline.keys if k not in found),
        reason=None if sections else "no_sections",
        start=start,
        end=end,
    )


def _role(letterhead: Letterhead | None, body_text: str, sections: int) -> str:
    """A công văn that sends a report along is a covering letter, unless it holds the report itself."""
    attached = bool(_ATTACHED.search(fold(body_text)))
    letter = bool(letterhead and (letterhead.is_letter or _ATTACHED.search(fold(letterhead.subject or ""))))
    report = bool(letterhead and letterhead.title == "BÁO CÁO")
    if (letter and attached and sections < 2) or (not sections and attached and not report):
        return "covering_letter"
    return "report" if sections or report else "other"


def _closing_start(blocks: tuple[Block, ...], body: int, end: int) -> int:
    """The first "Nơi nhận:", else the first signature line in the second half of the part."""
    for pattern, first in ((_CLOSING, body), (_SIGNATURE, body + (end - body) // 2)):
        for index in range(first, end):
            block = blocks[index]
            if block.region == Region.BODY and any(pattern.match(line) for line in _first_lines(block)):
                return index
    return end


def _first_lines(block: Block) -> list[str]:
    cells = [c for row in block.table.rows for c in row] if block.table else [block.text]
    return [fold(cell.strip().split("\n", 1)[0]) for cell in cells if cell.strip()]


# --- Headings ------------------------------------------------------------------------------------
def _label(text: str) -> tuple[str, int] | None:
    """The numbering scheme a line starts with and where its title begins."""
    folded = folded_same_length(text)
    for scheme, pattern in _LABELS:
        if found := pattern.match(folded):
            if scheme == "letter" and text[0].islower():
                scheme = "lower"
            if scheme == "roman" and not text[: found.end()].strip(" .):-–").isupper():
                continue  # "i." or "v." in lower case is a lettered item, not a Roman numeral
            return scheme, found.end()
    return None


def _is_upper(text: str, minimum: int = 4) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= minimum and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _looks_like_heading(block: Block, previous: Block | None, following: Block | None) -> _Heading | None:
    text = block.text.strip()
    if block.kind == BlockKind.TABLE or block.region != Region.BODY or not text:
        return None
    if len(block.display_text) > MAX_HEADING:
        return None
    label = _label(block.numbering + " x") if block.numbering else _label(text)
    scheme, title = (label[0], text if block.numbering else text[label[1]:].strip()) if label else ("", text)
    if scheme == "bullet" or (scheme != "part" and sum(c.isalpha() for c in title) < 3):
        return None
    styled = block.kind == BlockKind.HEADING or block.level is not None
    score = _SCHEME_SCORE.get(scheme, 0.0) + 2.0 * styled + 1.0 * block.bold + 1.5 * _is_upper(title)
    if block.style and re.search(r"heading|tieu de|title", fold(block.style)):
        score += 1.5
    if re.search(r"[.!?;]\s+\S", title):
        score -= 2.0  # two sentences
    if title.endswith((".", ";", ",")):
        score -= 0.6 + 1.0 * (len(title) > 80)
    elif len(title) <= 120:
        score += 0.5  # a short line that is not a sentence
    if following is not None and following.kind != BlockKind.TABLE and not title.endswith((".", ":", ";")):
        if following.text[:1].islower():  # a PDF line of running text that wraps on
            score -= 2.0
        elif len(title) <= 80 and (previous is None or previous.text.rstrip().endswith((".", ":", ";"))):
            score += 1.0  # a line on its own between paragraphs: a PDF's bold is lost, its layout is not
    if score < MIN_HEADING_SCORE:
        return None
    if not scheme:
        look = "-".join(name for name, has in (("upper", _is_upper(title)), ("bold", block.bold)) if has)
        scheme = f"level{block.level}" if block.level else "styled" if styled else look or "plain"
    clarity = 1.0 if scheme in _SCHEME_SCORE and scheme != "lower" or styled else 0.9 if block.bold else 0.85
    return _Heading(0, 1, scheme, title, block.display_text.strip(), clarity)


def _headings(blocks: tuple[Block, ...], body: int, end: int) -> list[_Heading]:
    found: list[_Heading] = []
    index = body
    while index < end:
        following = blocks[index + 1] if index + 1 < end else None
        heading = _looks_like_heading(blocks[index], blocks[index - 1] if index > body else None, following)
        if heading is None:
            index += 1
            continue
        heading = _join_wrapped(blocks, replace(heading, index=index), end)
        found.append(heading)
        index += heading.span
    return found


def _join_wrapped(blocks: tuple[Block, ...], heading: _Heading, end: int) -> _Heading:
    """A heading wrapped over two lines, or "PHẦN THỨ NHẤT" on a line above its title, is one heading."""
    first = blocks[heading.index]
    while heading.span < 3 and heading.index + heading.span < end:
        nxt = blocks[heading.index + heading.span]
        text = nxt.text.strip()
        if nxt.kind == BlockKind.TABLE or not text or len(text) > 120 or nxt.numbering or _label(text):
            break
        bare_part = heading.scheme == "part" and not any(c.isalpha() for c in heading.title)
        year = bool(_YEARS.match(text))  # just "2019" wrapped under a long heading: no letters to tell its look by
        upper = _is_upper(text, minimum=2) or (year and _is_upper(heading.title))  # or "NĂM 2019"
        bold = nxt.bold or (year and first.bold)
        same_look = upper == _is_upper(heading.title) and bold == first.bold and (upper or bold)
        if not (bare_part or (same_look and not heading.title.endswith((":", ".")))):
            break
        joint = ": " if bare_part else " "
        heading = replace(heading, span=heading.span + 1, title=f"{heading.title} {text}".strip(),
                        display=f"{heading.display.rstrip(' :.')}{joint}{text}")
    return heading


def _with_levels(headings: list[_Heading], first: int) -> list[_Heading]:
    """Levels by each scheme's first appearance, counted from the first heading the outline knows:
    a bold line in the introduction does not outrank the report's "I." headings."""
    ranks: dict[str, int] = {}
    for heading in headings[first:] + headings[:first]:
        ranks.setdefault(heading.scheme, len(ranks) + 1)
    return [replace(h, level=ranks[h.scheme]) for h in headings]


# --- Mapping to the outline ----------------------------------------------------------------------
def _match(title: str, outline: Outline) -> dict[str, float]:
    """How well a heading's title names each section: the best keyword, weaker further into the title."""
    folded = fold(title)
    scores: dict[str, float] = {}
    for section in outline.sections:
        hits = [(m.start(), strong) for pattern, strong in section.patterns if (m := pattern.search(folded))]
        if not hits:
            continue
        best = max((1.0 if strong else 0.6) - 0.25 * at / max(len(folded), 1) for at, strong in hits)
        score = min(1.0, best + 0.1 * (len(hits) > 1))
        if score >= MIN_MATCH:
            scores[section.key] = score
    return scores


@dataclass(frozen=True)
class _Choice:
    heading: _Heading
    key: str
    match: float
    in_order: bool


def _map_headings(headings: list[_Heading], outline: Outline) -> list[_Choice]:
    matches = [_match(h.title, outline) for h in headings]
    first = next((i for i, m in enumerate(matches) if m), None)
    if first is None:
        return []
    headings = _with_levels(headings, first)
    top = min(h.level for h, m in zip(headings, matches) if m)
    options = [
        (h, {k: s for k, s in m.items() if s >= STRONG_MATCH or h.level == top}) for h, m in zip(headings, matches) if m
    ]
    chosen = _best_in_order(options, outline, top)
    taken = {c.heading.index for c in chosen}
    for key in outline.keys:  # a section out of the expected order, when its heading leaves no doubt
        if any(c.key == key for c in chosen):
            continue
        late = [(s, h) for h, m in options if h.index not in taken and h.level == top and (s := m.get(key, 0)) >= 0.9]
        if late:
            score, heading = max(late, key=lambda pair: pair[0])
            chosen.append(_Choice(heading, key, score, in_order=False))
            taken.add(heading.index)
    return sorted(chosen, key=lambda c: c.heading.index)


def _best_in_order(options: list[tuple[_Heading, dict[str, float]]], outline: Outline, top: int) -> list[_Choice]:
    """The headings that best name the outline's sections in its order (a longest-path programme):
    best[r] is the best total so far with section rank r - 1 the last one taken."""
    keys = outline.keys
    best: list[tuple[float, tuple | None]] = [(0.0, None)] + [(_UNREACHED, None)] * len(keys)
    for heading, scores in options:
        current = list(best)
        for key, score in scores.items():
            rank = outline.rank(key)
            before = max(best[: rank + 1], key=lambda state: state[0])
            gain = score - 0.15 * (heading.level - top)
            if before[0] > _UNREACHED and gain > 0 and before[0] + gain > current[rank + 1][0]:
                current[rank + 1] = (before[0] + gain, (before[1], _Choice(heading, key, score, True)))
        best = current
    chain = max(best, key=lambda state: state[0])[1]
    chosen: list[_Choice] = []
    while chain is not None:
        chain, choice = chain
        chosen.append(choice)
    return chosen[::-1]


def _sections(blocks: tuple[Block, ...], chosen: list[_Choice], closing: int) -> tuple[Section, ...]:
    """Each mapped heading's section runs to the next mapped heading, or to the closing."""
    top = min((c.heading.level for c in chosen), default=1)
    sections = []
    for choice, following in zip(chosen, chosen[1:] + [None]):
        start, end = choice.heading.index, following.heading.index if following else closing
        confidence = (
            choice.match
            * (1.0 if choice.heading.level == top else 0.9)
            * (1.0 if choice.in_order else 0.6)
            * choice.heading.clarity
        )
        sections.append(
            Section(choice.key, choice.heading.display, blocks[start:end], round(confidence, 2), start, end)
        )
    return tuple(sections)
