"""Digital-signature stamps of Vietnamese e-government PDFs, found among a page's text lines.

Signing software (VGCA and the provinces' document systems) prints a small box on the page:

    Người ký: Ủy ban Nhân dân tỉnh Quảng Ninh
    Email: ubnd@quangninh.gov.vn
    Cơ quan: Tỉnh Quảng Ninh
    Thời gian ký: 12.12.2019 09:14:03 +07:00

with variants ("Ký bởi:", "Ngày ký:", no diacritics, several labels on one line, long values
wrapped onto the next line). Labels are matched on the folded text. A run of lines counts as a
stamp only with two labels or more, one of them the signer or the signing time, so a letterhead's
lone "Email:" stays in the body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.documents.model import SignatureStamp
from parsers.vietnamese import fold

_LABELS = {
    "signer": ("nguoi ky", "ky boi", "duoc ky boi", "signed by", "signer"),
    "organisation": ("co quan", "to chuc", "organization"),
    "email": ("email", "e-mail", "thu dien tu"),
    "signed_at": ("thoi gian ky", "ngay ky", "ky ngay", "signing time"),
}
_FIELD_OF = {label: name for name, labels in _LABELS.items() for label in labels}
_LABEL = re.compile(
    r"(?<![a-z])(" + "|".join(sorted(map(re.escape, _FIELD_OF), key=len, reverse=True)) + r")\s*:"
)
# The quick test of a page: one of these labels just before a colon (NFC text, lower case).
_LABEL_BEFORE_COLON = re.compile(
    r"(?:ng[uư][oơờ]i\s+k[yý]|k[yý]\s+b[oở]i|th[oờ]i\s+gian\s+k[yý]|ng[aà]y\s+k[yý]|k[yý]\s+ng[aà]y"
    r"|signed\s+by|signing\s+time)\s*$"
)
_TIME_TAIL = re.compile(r"^[0-9:.,/+\- ]+$")  # "09:14:03 +07:00" wrapped below its label


@dataclass(frozen=True)
class FoundStamp:
    start: int  # index of the stamp's first line
    end: int  # one past its last line
    stamp: SignatureStamp


def page_may_have_stamp(page_text: str) -> bool:
    """False when the page (NFC text) surely holds no stamp: a quick test before `find_stamps`.

    Only the few characters before each colon are looked at: a regex over the whole page costs
    more than pdfium's text extraction of it.
    """
    colon = page_text.find(":")
    while colon >= 0:
        if _LABEL_BEFORE_COLON.search(page_text[max(0, colon - 20):colon].lower()):
            return True
        colon = page_text.find(":", colon + 1)
    return False


def find_stamps(lines: Sequence[str | None], page: int | None = None) -> list[FoundStamp]:
    """The stamps among a page's lines, in order.

    None (a table's place) is a break no stamp spans; empty lines (OCR's paragraph breaks, which
    Tesseract puts between a stamp's lines) are passed over.
    """
    kept = [index for index, line in enumerate(lines) if line != ""]
    found = _find([lines[index] for index in kept], page)
    return [FoundStamp(kept[each.start], kept[each.end - 1] + 1, each.stamp) for each in found]


def _find(lines: Sequence[str | None], page: int | None) -> list[FoundStamp]:
    labelled = [_labels(line) if line else [] for line in lines]
    found: list[FoundStamp] = []
    index = 0
    while index < len(lines):
        if not labelled[index]:
            index += 1
            continue
        end = _run_end(lines, labelled, index)
        fields = [field for entries in labelled[index:end] for field, _ in entries]
        if len(fields) >= 2 and ("signer" in fields or "signed_at" in fields):
            found.append(FoundStamp(index, end, _stamp(lines[index:end], labelled[index:end], page)))
        index = end
    return found


def _run_end(lines: Sequence[str | None], labelled: list[list[tuple[str, str]]], start: int) -> int:
    """One past the last line of the stamp that starts at `start`.

    The run goes on through labelled lines until a field comes twice (a second stamp begins). An
    unlabelled line joins it as a wrapped value when a new label follows it, or when it is the
    rest of a signing time ("09:14:03 +07:00").
    """
    seen = {field for field, _ in labelled[start]}
    last_field = labelled[start][-1][0]
    index = start + 1
    while index < len(lines) and lines[index] is not None:
        fields = {field for field, _ in labelled[index]}
        if fields:
            if fields & seen:
                break
            seen |= fields
            last_field = labelled[index][-1][0]
        elif last_field == "signed_at":
            if not _TIME_TAIL.match(lines[index] or ""):
                break
        else:
            following = labelled[index + 1] if index + 1 < len(lines) else []
            if not following or {field for field, _ in following} & seen:
                break
        index += 1
    return index


def _labels(line: str) -> list[tuple[str, str]]:
    """(field, value) of each label on the line; empty when the line has none."""
    if ":" not in line:
        return []
    # Fold character by character so positions in the folded line are positions in the line.
    folded = "".join((fold(char) or " ")[:1] for char in line)
    matches = list(_LABEL.finditer(folded))
    if not matches or matches[0].start() > 0:
        return []  # a label starts the line, or it is a sentence that happens to say "cơ quan:"
    entries = []
    for match, following in zip(matches, [*matches[1:], None]):
        value = line[match.end(): following.start() if following else len(line)]
        entries.append((_FIELD_OF[match.group(1)], value.strip(" ;,")))
    return entries


def _stamp(lines: Sequence[str], labelled: Sequence[list[tuple[str, str]]], page: int | None) -> SignatureStamp:
    values: dict[str, str] = {}
    last_field: str | None = None
    for line, entries in zip(lines, labelled):
        if not entries:  # a wrapped value: it continues the label above
            if last_field is not None:
                values[last_field] = f"{values.get(last_field, '')} {line.strip()}".strip()
            continue
        for field, value in entries:
            values.setdefault(field, value)
            last_field = field if values[field] == value else None
    return SignatureStamp(
        text="\n".join(line.strip() for line in lines),
        signer=values.get("signer") or None,
        organisation=values.get("organisation") or None,
        email=values.get("email") or None,
        signed_at=values.get("signed_at") or None,
        page=page,
    )
