"""What a reviewer reads of a submission without downloading its files: its main document's
letterhead (issuing body, number, place and date), title and subject, and the opening of its body.

Read from what processing stored (`Document.letterhead`, `parts`, `blocks`), for the review queue
only: listings leave those columns deferred, as they can be megabytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Document
from models.submissions import SubmissionView

OPENING_CHARS = 600  # about the first paragraphs: enough to tell what a report is about
LETTERHEAD_SEARCH = 40  # the letterhead's lines are looked for among the first blocks only


@dataclass(frozen=True)
class OtherPart:
    """Another official document in the same file (a covering letter before the report)."""

    role: str  # report | covering_letter | other
    number: str | None
    title: str | None
    subject: str | None


@dataclass(frozen=True)
class DocumentPreview:
    path: str
    issuer_lines: tuple[str, ...]
    number: str | None  # "1329/BC-SLĐTBXH"
    date_line: str | None  # "Đồng Nai, ngày 2 tháng 12 năm 2019"
    title: str | None  # "BÁO CÁO"
    subject: str | None  # the lines under the title, or the "V/v …" line
    opening: tuple[str, ...]  # the body's first paragraphs and headings, OPENING_CHARS at most
    other_parts: tuple[OtherPart, ...]


def document_previews(session: Session, views: Sequence[SubmissionView]) -> dict[int, DocumentPreview]:
    """Each submission's main document as a reviewer reads it, by raw message id (none when no file was read)."""
    main = {view.raw.id: document.id for view in views if (document := main_document(view)) is not None}
    if not main:
        return {}
    query = (select(Document.id, Document.path, Document.letterhead, Document.parts, Document.blocks)
             .where(Document.id.in_(list(main.values()))))
    previews = {row.id: preview(row.path, row.letterhead, row.parts or [], row.blocks or [])
                for row in session.execute(query)}
    return {raw_id: previews[document_id] for raw_id, document_id in main.items() if document_id in previews}


def main_document(view: SubmissionView) -> Document | None:
    """The document a reviewer should read first: the report with the most sections, else the first
    one read with a role (a covering letter), else the first one read."""
    readable = [d for d in view.documents if d.error is None]
    reports = [d for d in readable if d.role == "report"]
    if reports:
        return max(reports, key=lambda d: len(view.sections_by_document.get(d.id, [])))
    return next((d for d in readable if d.role), readable[0] if readable else None)


def preview(path: str, letterhead: dict | None, parts: list[dict], blocks: list[dict]) -> DocumentPreview:
    """A stored document reduced to its letterhead and opening (pure: the stored JSON in, text out)."""
    head = letterhead or {}
    return DocumentPreview(
        path=path, issuer_lines=tuple(head.get("issuer_lines") or ()), number=head.get("number"),
        date_line=_date_line(head), title=head.get("title"), subject=head.get("subject"),
        opening=opening(blocks, tuple(head.get("evidence") or ())),
        other_parts=tuple(OtherPart(part.get("role") or "other", *_named(part.get("letterhead") or {}))
                          for part in parts if part.get("letterhead") != letterhead),
    )


def opening(blocks: list[dict], evidence: tuple[str, ...], limit: int = OPENING_CHARS) -> tuple[str, ...]:
    """The running text after the letterhead: paragraphs and headings (tables and page furniture left
    out), cut at a word once `limit` characters are reached."""
    paragraphs: list[str] = []
    used = 0
    for block in blocks[_body_start(blocks, evidence):]:
        text = _shown_text(block)
        if not text or text in evidence:
            continue
        if used + len(text) > limit:
            paragraphs.append(_cut(text, max(limit - used, 80)))
            break
        paragraphs.append(text)
        used += len(text)
    return tuple(paragraphs)


def _body_start(blocks: list[dict], evidence: tuple[str, ...]) -> int:
    """The block after the letterhead: after its last line (the subject, usually), else after the
    last block holding any of its lines; 0 without a letterhead."""
    if not evidence:
        return 0
    head = blocks[:LETTERHEAD_SEARCH]
    last_line = next((i for i, block in enumerate(head) if evidence[-1] in _lines(block)), None)
    if last_line is not None:
        return last_line + 1
    holding = [i for i, block in enumerate(head) if set(evidence) & set(_lines(block))]
    return holding[-1] + 1 if holding else 0


def _lines(block: dict) -> list[str]:
    """A block's lines, a table's cells split into theirs (letterheads are tables)."""
    return [line.strip() for row in block.get("text", "").split("\n") for line in row.split("\t")]


def _shown_text(block: dict) -> str:
    if block.get("kind") == "table" or block.get("region", "body") != "body":
        return ""
    text = " ".join(block.get("text", "").split())
    return f"{block['numbering']} {text}" if text and block.get("numbering") else text


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _date_line(head: dict) -> str | None:
    line = ", ".join(piece for piece in (head.get("place"), head.get("date_text")) if piece)
    return line or None


def _named(head: dict) -> tuple[str | None, str | None, str | None]:
    return head.get("number"), head.get("title"), head.get("subject")
