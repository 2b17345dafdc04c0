"""Downloads: a submission's attachments, and the campaign's exports (xlsx, csv, docx, json).

An attachment is found by its message's id and its position there, both numbers: no name from a
request ever reaches the file system. Its bytes are cut again from the stored raw message, and
always sent as an opaque download (`application/octet-stream`, `nosniff`) under a name made safe."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from models.schema import Attachment, RawMessage
from models.status import campaign_status
from parsers.message import parse_message
from reportbox.errors import NotFoundError
from reportbox.shapes import status_csv, status_report
from reportbox.timefmt import VIETNAM
from web.auth import SignedIn
from web.filters import vn_date
from web.pages import as_of_param

router = APIRouter(tags=["downloads"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 form: no quote,
    semicolon, line break or path separator of the name can leave its parameter."""
    name = unicodedata.normalize("NFC", filename).replace("/", "_").replace("\\", "_")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .") or "tep"
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._- ") else "_"
                       for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return f"attachment; filename=\"{fallback.strip() or 'tep'}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(data: bytes, filename: str, media_type: str = "application/octet-stream") -> Response:
    return Response(data, media_type=media_type, headers={"content-disposition": content_disposition(filename)})


@router.get("/messages/{message_id}/attachments/{position}", name="attachment")
def attachment(request: Request, user: SignedIn, message_id: int, position: int):
    dashboard = request.app.state.dashboard
    with dashboard.reader() as session:
        row = session.scalars(select(Attachment).where(Attachment.raw_message_id == message_id,
                                                       Attachment.position == position)).first()
        raw = session.get(RawMessage, message_id)
    if row is None or raw is None:
        raise NotFoundError("Không có tệp đính kèm này.")
    if raw.raw_deleted_at is not None:  # jobs.retention: its bytes are gone for good
        raise HTTPException(410, f"Tệp đính kèm này không còn: thư gốc đã được xoá khỏi kho lưu trữ ngày "
                                 f"{vn_date(raw.raw_deleted_at)} theo thời hạn lưu giữ (storage.keep_raw_days).")
    parsed = parse_message(dashboard.app.store.read(raw.sha256))
    part = next((p for p in parsed.attachments if p.position == position and p.sha256 == row.sha256), None)
    if part is None:
        raise NotFoundError("Tệp đính kèm không còn khớp với thư gốc đã lưu.")
    return download(part.data, row.filename)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y%m%d-%H%M")


@router.get("/campaigns/{campaign_id}/export.{fmt}", name="export")
def export(request: Request, user: SignedIn, campaign_id: str, fmt: str, as_of: str | None = None,
           section: list[str] | None = None):
    dashboard = request.app.state.dashboard
    when = as_of_param(as_of)
    with dashboard.reader() as session:
        if fmt == "xlsx":
            from jobs.exports.status_xlsx import write_status_xlsx
            from jobs.mail.letters import outline_of

            result = campaign_status(session, campaign_id, as_of=when)
            buffer = io.BytesIO()
            write_status_xlsx(result, buffer, outline=outline_of(dashboard.config, result.campaign))
            return download(buffer.getvalue(), f"{campaign_id}-tinh-hinh-{_stamp(result.as_of)}.xlsx", XLSX)
        if fmt in ("csv", "json"):
            result, data = status_report(session, campaign_id, when)
            name = f"{campaign_id}-tinh-hinh-{_stamp(result.as_of)}.{fmt}"
            if fmt == "json":
                return download(json.dumps(data, ensure_ascii=False, indent=2).encode(), name, "application/json")
            text = io.StringIO()
            status_csv(data, text)
            return download(("\ufeff" + text.getvalue()).encode(), name, "text/csv; charset=utf-8")
        if fmt == "docx":
            from jobs.exports.sections_docx import sections_export

            buffer = io.BytesIO()
            sections_export(session, dashboard.config, campaign_id, section or [], buffer, as_of=when)
            keys = "-".join(section) if section else "cac-muc"
            return download(buffer.getvalue(), f"{campaign_id}-{keys}.docx", DOCX)
    raise NotFoundError(f"Không có định dạng xuất {fmt!r} (xlsx, csv, json, docx).")
