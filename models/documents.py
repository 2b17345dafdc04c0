"""Documents read from a message and their outline sections.

Written in the message's processing transaction, after `messages.clear_results` has removed any
earlier run's rows, so a re-run writes them afresh and never twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from models.schema import Document, Section
from parsers.attachments import ReadFile
from parsers.documents.model import Block, BlockKind, Region
from parsers.identify import named_like_report


def store_documents(session: Session, raw_id: int, files: Sequence[ReadFile]) -> None:
    document_ids = session.execute(
        insert(Document.__table__).returning(Document.__table__.c.id, Document.__table__.c.position),
        [_document_row(raw_id, file) for file in files],
    ).all()
    ids = {position: document_id for document_id, position in document_ids}
    sections = [
        dict(document_id=ids[file.position], position=index, part=part_index, key=section.key,
             heading=section.heading, text=_text(section.blocks), tables=_tables(section.blocks),
             confidence=round(section.confidence, 3))
        for file in files if file.analysis is not None
        for index, (part_index, section) in enumerate(
            (p, s) for p, part in enumerate(file.analysis.parts) for s in part.sections)
    ]
    if sections:
        session.execute(insert(Section.__table__), sections)


def _document_row(raw_id: int, file: ReadFile) -> dict:
    document, analysis = file.document, file.analysis
    parts = list(analysis.parts) if analysis is not None else []
    main = (analysis.report or parts[0]) if parts else None  # the report, else what the file is
    return dict(
        raw_message_id=raw_id, position=file.position, attachment_position=file.attachment_position,
        parent_position=file.parent_position, path=document.path, kind=document.kind, size=document.size,
        sha256=document.sha256, pages=document.pages, ocr=document.ocr,
        ocr_confidence=document.ocr_confidence, legacy_encoding=document.legacy_encoding,
        error=document.error, detail=document.detail, notes=list(document.notes),
        role=main.role if main else _unread_role(document), reason=main.reason if main else None,
        letterhead=_plain(main.letterhead) if main and main.letterhead else None,
        signatures=[_plain(stamp) for stamp in document.signatures],
        parts=[dict(role=p.role, reason=p.reason, found=list(p.found), missing=list(p.missing),
                    letterhead=_plain(p.letterhead) if p.letterhead else None) for p in parts],
        blocks=[block_json(block) for block in document.blocks],
    )


def _unread_role(document) -> str | None:
    """A file that could not be read is taken for the report when its name says so ("Bao cao.pptx",
    "BC 2019.exe"): only then does an `unsupported` one make its message unreadable (models.unreadable)."""
    return "report" if document.error is not None and named_like_report(document.path) else None


def block_json(block: Block) -> dict:
    """A block as stored: kind and text always, the rest only where it says something."""
    row: dict = {"kind": block.kind, "text": block.text}
    for name in ("level", "style", "numbering", "page"):
        if getattr(block, name) is not None:
            row[name] = getattr(block, name)
    if block.bold:
        row["bold"] = True
    if block.region != Region.BODY:
        row["region"] = block.region
    if block.table is not None:
        row["rows"] = [list(r) for r in block.table.rows]
        if block.table.sheet is not None:
            row["sheet"] = block.table.sheet
    return row


def _text(blocks: Sequence[Block]) -> str:
    return "\n".join(block.display_text for block in blocks if block.kind != BlockKind.TABLE)


def _tables(blocks: Sequence[Block]) -> list:
    return [[list(row) for row in block.table.rows] for block in blocks if block.table is not None]


def _plain(value):
    """A frozen dataclass as JSON-ready data (dates as ISO text)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
