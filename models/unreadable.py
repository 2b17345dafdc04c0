"""Reports that came but could not be read: a message whose report is among files none of which was read.

Such a report is received but not countable: its unit shows the flag `unreadable` (models.status)
until a readable copy comes, its reminders go on (and say so), and its sender is asked, once, to
send it again (jobs.resend).

A message is unreadable when one of its files could not be read for a reason its sender can fix
(UNREADABLE) and no file read plays the report's role. What counts:

- *read as the report*: a document read without error that is a report (role `report`) or in which
  outline sections were found. A covering letter, a contact card or a logo read is no report: beside
  a password-protected report they leave the message unreadable.
- *not read*: `encrypted`, `corrupt`, `ocr_failed`, `conversion_failed`, `timeout`, `too_large`; and
  `unsupported` only for a file named like a report (models.documents stores it with role `report`):
  a program or a signature file is no report, and a message that brought only such files is no report
  at all (identification's `no_documents`), as before.
- *not judged*: a scan we did not OCR (`needs_ocr`: OCR not installed or switched off here). It may
  be the report; that is ours to fix, so the message is never unreadable while it holds one: the report
  waits in review (parsers.identify), is counted once a reviewer accepts it, and its sender is asked
  for nothing.

An archive counts by its members (a .zip that opened but held only a password-protected .docx is
unreadable); one that could not be opened is a file not read. A file read whole but holding no text
(a blank page) is not unreadable here: it was read, and waits in review as before. A message without
files (a report written in the body) is never unreadable; nor are S/MIME signatures, Outlook's
winmail.dat, cards and calendar parts, which are not files of the report (parsers.attachments).
The SQL view campaign_unit_status (migration 0011) says the same in SQL: change both together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from models.schema import Document, Section

ARCHIVE_KINDS = ("zip", "7z", "rar")  # containers: their members are the files read
# Why a file could not be read where its sender can do something about it by sending it again (a
# copy without a password, the file saved again, a PDF with text, a smaller file): a report none of
# whose files was read for such a reason is unreadable, and beside a report read such a file is
# named in its receipt as an annex to send again.
UNREADABLE = ("encrypted", "corrupt", "ocr_failed", "conversion_failed", "timeout", "too_large")
UNSUPPORTED = "unsupported"  # counts only for a file named like a report (role `report`)
NEEDS_OCR = "needs_ocr"  # not judged: a scan OCR could not be run on here (our configuration)

# Why a file could not be read, as planners read it (the Excel export, the dashboard); the e-mails to
# provinces word it, with what to do, in their templates (jobs/mail/templates/unreadable.j2).
REASON_LABELS = {
    "encrypted": "có mật khẩu",
    "corrupt": "tệp bị hỏng",
    "ocr_failed": "bản quét, không nhận được chữ",
    "needs_ocr": "bản quét, chưa bật nhận dạng chữ (OCR)",
    "conversion_failed": "không chuyển đổi được",
    "timeout": "đọc quá thời gian cho phép",
    "too_large": "tệp quá lớn",
    "unsupported": "định dạng không đọc được",
}


@dataclass(frozen=True)
class UnreadableFile:
    path: str  # as stored: "bc.docx", or "bc.zip/Quang Ninh/bc.docx" for an archive's member
    reason: str  # the document's error: one of UNREADABLE, or unsupported

    def describe(self) -> str:
        return f"{self.path} ({self.reason})"

    def label(self) -> str:
        """In Vietnamese, for planners: "bc.pdf (có mật khẩu)"."""
        return f"{self.path} ({REASON_LABELS.get(self.reason, self.reason)})"


def not_read(document=Document):
    """A file of the report that could not be read for a reason its sender can fix (SQL condition)."""
    return or_(document.error.in_(UNREADABLE), and_(document.error == UNSUPPORTED, document.role == "report"))


def read_as_report(document=Document):
    """A document read without error that plays the report's role (SQL condition)."""
    return and_(document.error.is_(None), document.kind.not_in(ARCHIVE_KINDS),
                or_(document.role == "report", exists().where(Section.document_id == document.id)))


def unreadable_reports(session: Session, raw_ids: Select | Iterable[int]) -> dict[int, tuple[UnreadableFile, ...]]:
    """Of these messages (a select of raw_message ids, or the ids), those whose report could not be
    read (module docstring): each with the files not read and why, in the message's order."""
    other = aliased(Document)
    spared = exists().where(other.raw_message_id == Document.raw_message_id,
                            or_(read_as_report(other), other.error == NEEDS_OCR))
    rows = session.execute(
        select(Document.raw_message_id, Document.path, Document.error)
        .where(Document.raw_message_id.in_(_ids(raw_ids)), not_read(), ~spared)
        .order_by(Document.raw_message_id, Document.position))
    found: dict[int, list[UnreadableFile]] = {}
    for raw_id, path, error in rows:
        found.setdefault(raw_id, []).append(UnreadableFile(path, error))
    return {raw_id: tuple(files) for raw_id, files in found.items()}


def resendable_files(session: Session, raw_id: int) -> tuple[UnreadableFile, ...]:
    """The files of one message that could not be read for a reason its sender can fix, whether or
    not others of it were read (an annex password-protected beside a report read). A scan we did not
    OCR (needs_ocr) is not among them: that is ours to fix."""
    rows = session.execute(select(Document.path, Document.error).where(
        Document.raw_message_id == raw_id, not_read()).order_by(Document.position))
    return tuple(UnreadableFile(path, error) for path, error in rows)


def _ids(raw_ids: Select | Iterable[int]):
    return raw_ids if isinstance(raw_ids, Select) else list(raw_ids)  # a SELECT of one column goes in as is
