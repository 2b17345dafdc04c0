"""A message's attachments → the documents in them, each read and split into outline sections.

The pure half of a submission: which files count as documents, reading them (archives opened,
members read in turn) and splitting each report into the outline's sections. Flattened into a
list in depth-first order, so storage needs no recursion and positions are stable on re-runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from parsers.documents.limits import DEFAULT_LIMITS, Limits
from parsers.documents.model import Document
from parsers.documents.read import read_document
from parsers.identify import CampaignInfo
from parsers.message import AttachmentPart
from parsers.outline import DEFAULT_OUTLINE, Outline
from parsers.registry import Contacts
from parsers.sections import Analysis, split_document

# Inline pictures and small images are logos and signatures of e-mail clients, not scanned reports.
MIN_IMAGE_BYTES = 30 * 1024
# Parts that are never a report's file, whatever they hold: an S/MIME signature (its signed content
# is the message itself), a contact card, a calendar invitation. Known by their declared type or name.
_NOT_FILES_TYPES = frozenset({
    "application/pkcs7-signature", "application/x-pkcs7-signature",
    "text/vcard", "text/x-vcard", "text/directory",
    "text/calendar", "application/ics",
})
_NOT_FILES_EXTENSIONS = (".p7s", ".vcf", ".vcard", ".ics", ".vcs")


@dataclass(frozen=True)
class Reading:
    """What the pure stages are given: the limits, the outline sections are sought for, and the
    campaigns and known addresses identification weighs; our own server's authserv-ids (whose
    Authentication-Results alone are trusted), and whether only known senders may be accepted."""

    limits: Limits = DEFAULT_LIMITS
    outline: Outline = DEFAULT_OUTLINE
    campaigns: tuple[CampaignInfo, ...] = ()
    contacts: Contacts | Mapping[str, tuple[str, ...]] | None = None  # or: unit code → known addresses
    require_known_sender: bool = False
    trusted_authserv_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadFile:
    position: int  # depth-first over the message's documents
    attachment_position: int
    parent_position: int | None  # the archive it came out of
    document: Document  # its members are ReadFiles of their own
    analysis: Analysis | None  # None when there was no text to split


def is_document(part: AttachmentPart) -> bool:
    """Every file sent counts, so an unreadable one is seen (`unsupported`, `corrupt`), except
    forwarded messages (their own attachments are walked), e-mail clients' pictures, and what mail
    programs add that is no file of a report: S/MIME signatures, cards, calendar parts. Outlook's
    winmail.dat (TNEF) stays a document, `unsupported`, to be seen: it may hold the files sent; being
    named like no report, it never makes a report unreadable (models.unreadable)."""
    if part.kind == "message" or not_a_file_of_the_report(part):
        return False
    if part.kind == "image":
        return part.disposition != "inline" and part.size >= MIN_IMAGE_BYTES
    return True


def not_a_file_of_the_report(part: AttachmentPart) -> bool:
    name = (part.original_filename or part.filename).lower()
    return part.declared_type.lower() in _NOT_FILES_TYPES or name.endswith(_NOT_FILES_EXTENSIONS)


def read_attachments(parts: Iterable[AttachmentPart], reading: Reading = Reading()) -> tuple[ReadFile, ...]:
    files: list[ReadFile] = []
    for part in parts:
        if is_document(part):
            document = read_document(part.data, part.filename, part.kind, reading.limits)
            _flatten(document, part.position, None, files, reading.outline)
    return tuple(files)


def _flatten(document: Document, attachment: int, parent: int | None, files: list[ReadFile],
             outline: Outline) -> None:
    position = len(files)
    analysis = None
    if document.blocks and document.error is None:
        try:
            analysis = split_document(document, outline)
        except Exception as exc:  # noqa: BLE001 — a splitter bug costs this file its sections, not the message
            document = replace(document, notes=document.notes + (f"sections not split: {type(exc).__name__}: {exc}",))
    files.append(ReadFile(position, attachment, parent, replace(document, members=()), analysis))
    for member in document.members:
        _flatten(member, attachment, position, files, outline)


def unread_scans(files: Iterable[ReadFile]) -> list[str]:
    """The scans left unread because OCR is not installed or switched off here (`needs_ocr`)."""
    return [file.document.path for file in files if file.document.error == "needs_ocr"]


def sections_found(files: Iterable[ReadFile], outline: Outline) -> list[str]:
    """Outline keys found in the reports among the files, in outline order."""
    found = {key for file in files if file.analysis for part in file.analysis.parts for key in part.found}
    return [key for key in outline.keys if key in found]
