"""Reports that came but could not be read: a message that carried files, none of them readable.

Such a report is received but not countable: its unit shows the flag `unreadable` (models.status)
until a readable copy comes, its reminders go on (and say so), and its sender is asked, once, to
send it again (jobs.resend). A file is readable when it was read without an `error`; an archive
counts by its members, so a .zip that opened but held only a password-protected .docx is
unreadable. A file read whole but holding no text (a blank page) is not "unreadable" here: it
was read, and waits in review as before. A message without files (a report written in the body)
is never unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, aliased

from models.schema import Document

ARCHIVE_KINDS = ("zip", "7z", "rar")  # containers: their members are the files read
# Reasons a sender can do something about by sending the file again (a copy without a password,
# the file saved again, a PDF with text): named beside a report that was read, as an annex may be.
# A report none of whose files could be read is answered whatever the reasons.
RESENDABLE = ("encrypted", "corrupt", "needs_ocr", "conversion_failed", "timeout")

# Why a file could not be read, as planners read it (the Excel export, the dashboard); the e-mails to
# provinces word it, with what to do, in their templates (jobs/mail/templates/unreadable.j2).
REASON_LABELS = {
    "encrypted": "có mật khẩu",
    "corrupt": "tệp bị hỏng",
    "needs_ocr": "bản quét, chưa đọc được chữ",
    "conversion_failed": "không chuyển đổi được",
    "timeout": "đọc quá thời gian cho phép",
    "too_large": "tệp quá lớn",
    "unsupported": "định dạng không đọc được",
}


@dataclass(frozen=True)
class UnreadableFile:
    path: str  # as stored: "bc.docx", or "bc.zip/Quang Ninh/bc.docx" for an archive's member
    reason: str  # the document's error: encrypted, corrupt, needs_ocr, timeout, conversion_failed, ...

    def describe(self) -> str:
        return f"{self.path} ({self.reason})"

    def label(self) -> str:
        """In Vietnamese, for planners: "bc.pdf (có mật khẩu)"."""
        return f"{self.path} ({REASON_LABELS.get(self.reason, self.reason)})"


def unreadable_reports(session: Session, raw_ids: Select | Iterable[int]) -> dict[int, tuple[UnreadableFile, ...]]:
    """Of these messages (a select of raw_message ids, or the ids), those that carried files and
    could read none: each with its files and why, in the message's order."""
    readable = aliased(Document)
    any_readable = exists().where(readable.raw_message_id == Document.raw_message_id, readable.error.is_(None),
                                  readable.kind.not_in(ARCHIVE_KINDS))
    rows = session.execute(
        select(Document.raw_message_id, Document.path, Document.error)
        .where(Document.raw_message_id.in_(_ids(raw_ids)), Document.error.is_not(None), ~any_readable)
        .order_by(Document.raw_message_id, Document.position))
    found: dict[int, list[UnreadableFile]] = {}
    for raw_id, path, error in rows:
        found.setdefault(raw_id, []).append(UnreadableFile(path, error))
    return {raw_id: tuple(files) for raw_id, files in found.items()}


def resendable_files(session: Session, raw_id: int) -> tuple[UnreadableFile, ...]:
    """The files of one message that could not be read for a reason its sender can fix, whether or
    not others of it were read (an annex password-protected beside a report read)."""
    rows = session.execute(select(Document.path, Document.error).where(
        Document.raw_message_id == raw_id, Document.error.in_(RESENDABLE)).order_by(Document.position))
    return tuple(UnreadableFile(path, error) for path, error in rows)


def _ids(raw_ids: Select | Iterable[int]):
    return raw_ids if isinstance(raw_ids, Select) else list(raw_ids)  # a SELECT of one column goes in as is
