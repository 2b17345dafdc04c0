"""PDF page layout: pages of lines and tables become blocks, with running headers, footers and stamps set apart.

Lines on the top or bottom edge (`_EDGE_LINES` deep) of at least half the pages, three at least,
are running headers and footers (two would take the letterhead and the signature block of a file
holding a covering letter and its report for running lines), and so are page-number lines ("Trang 2", "- 2 -", "2/10");
a trailing page number does not stop a line from repeating ("Báo cáo năm 2019 - 3"). Signature
stamps leave the body as STAMP blocks, and the body lines left are joined into paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter

from parsers.documents import stamps
from parsers.documents.model import Block, BlockKind, Region, SignatureStamp, Table
from parsers.documents.ocr import join_wrapped_lines, typical_width

_EDGE_LINES = 3  # lines at the top and bottom of a page that may be running headers or footers
_MIN_REPEATS = 3  # pages a line must top or end to be a running header or footer
# Page numbers as `_RunningLines` keys them (trailing number as "#"): "Trang 2", "- 2 -", "2/10", "Page 2 of 10".
_PAGE_NUMBER = re.compile(r"^(?:(?:trang|page|tr\.)\s*)?[-\u2013\u2014]?\s*#$")
_TRAILING_NUMBER = re.compile(r"\d{1,3}(?:\s*(?:/|trên|of)\s*\d{1,3})?\s*[-\u2013\u2014]?$")

Item = str | Table  # a page's content in reading order: text lines and tables
PageItems = tuple[int, list[Item]]  # a page's number (from 1) and its items


def layout_blocks(pages: list[PageItems]) -> tuple[list[Block], list[SignatureStamp]]:
    """The document's blocks page by page, and the signature stamps found on the way."""
    running = _RunningLines([items for _, items in pages])
    signatures: list[SignatureStamp] = []
    blocks: list[Block] = []
    page_blocks = [_page_blocks(number, items, running, signatures) for number, items in pages]
    width = typical_width([item for _, items in pages for item in items if isinstance(item, str)])
    for (number, _), entries in zip(pages, page_blocks):
        blocks += _paragraphs(number, entries, width)
    return blocks, signatures


class _RunningLines:
    """Running headers and footers: lines on the edges of at least half the pages (three at least), and page numbers."""

    def __init__(self, pages: list[list[Item]]) -> None:
        self._keys: dict[str, str] = {}  # keying is the costly part: each edge line is keyed once
        with_text = [items for items in pages if items]
        counts: Counter[str] = Counter()
        for items in with_text:
            edges = items[:_EDGE_LINES] + items[-_EDGE_LINES:]
            counts.update({self._key(item) for item in edges if isinstance(item, str) and item})
        needed = max(_MIN_REPEATS, (len(with_text) + 1) // 2)
        self._repeated = {key for key, count in counts.items() if count >= needed}

    def _key(self, line: str) -> str:
        """The line in lower case, a trailing page number left out ("Báo cáo năm 2019 - 3").

        No fold(): a running line repeats as the same characters, and lower() costs a tenth.
        """
        key = self._keys.get(line)
        if key is None:
            key = self._keys[line] = _TRAILING_NUMBER.sub("#", " ".join(line.lower().split()))
        return key

    def __contains__(self, item: Item) -> bool:
        if not isinstance(item, str) or not item:
            return False
        key = self._key(item)
        return key in self._repeated or (len(key) <= 12 and _PAGE_NUMBER.match(key) is not None)


def _page_blocks(number: int, items: list[Item], running: _RunningLines,
                 signatures: list[SignatureStamp]) -> list[tuple[str, Item]]:
    """(region, line or table) of the page: headers and footers peeled off its edges, stamps found."""
    top = 0
    while top < min(_EDGE_LINES, len(items)) and items[top] in running:
        top += 1
    bottom = len(items)
    while bottom > max(top, len(items) - _EDGE_LINES) and items[bottom - 1] in running:
        bottom -= 1
    body: list[tuple[str, Item]] = [(Region.BODY, item) for item in items[top:bottom]]
    lines = [item if isinstance(item, str) else None for _, item in body]
    if stamps.page_may_have_stamp("\n".join(line or "" for line in lines)):
        found = stamps.find_stamps(lines, number)
        signatures += [each.stamp for each in found]
        for each in reversed(found):
            body[each.start:each.end] = [(Region.STAMP, each.stamp.text)]
    head = [(Region.HEADER, item) for item in items[:top]]
    foot = [(Region.FOOTER, item) for item in items[bottom:]]
    return head + body + foot


def _paragraphs(number: int, entries: list[tuple[str, Item]], width: int) -> list[Block]:
    """Blocks of a page: runs of body lines joined into paragraphs, everything else a block of its own."""
    blocks: list[Block] = []
    run: list[str] = []
    for region, item in [*entries, (Region.BODY, None)]:
        if region == Region.BODY and isinstance(item, str):
            run.append(item)
            continue
        blocks += [Block(BlockKind.PARAGRAPH, text, page=number) for text in join_wrapped_lines(run, width)]
        run = []
        if isinstance(item, Table):
            blocks.append(Block(BlockKind.TABLE, item.text, page=number, region=region, table=item))
        elif item:
            blocks.append(Block(BlockKind.PARAGRAPH, item, page=number, region=region))
    return blocks
