"""What a file really is, from its bytes first, then its name, then what the sender declared."""

from __future__ import annotations

import io
import zipfile

import filetype

# Kinds the document readers (next stage) dispatch on.
_MIME_KIND = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/rtf": "rtf",
    "application/zip": "zip",
    "application/x-7z-compressed": "7z",
    "application/vnd.rar": "rar",
    "application/x-rar-compressed": "rar",
    "application/gzip": "gzip",
    "application/x-tar": "tar",
    "message/rfc822": "message",
    "text/plain": "text",
    "text/html": "html",
    "text/csv": "csv",
}
_EXTENSION_KIND = {
    "pdf": "pdf", "docx": "docx", "doc": "doc", "xlsx": "xlsx", "xls": "xls", "odt": "odt",
    "ods": "ods", "rtf": "rtf", "zip": "zip", "7z": "7z", "rar": "rar", "txt": "text",
    "csv": "csv", "htm": "html", "html": "html", "eml": "message", "pptx": "pptx", "ppt": "ppt",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, filename: str | None, declared: str | None) -> tuple[str, str]:
    """Return (mime type, kind). Bytes decide; the name only breaks ties the bytes leave open."""
    ext = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    head = data[:8192]
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "application/pdf", "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_flavour(data)
    if head.startswith(_OLE_MAGIC):
        # An OLE container is .doc, .xls or .ppt (or an encrypted OOXML file); the name tells which.
        kind = ext if ext in ("doc", "xls", "ppt", "docx", "xlsx") else "doc"
        return _mime_of(kind), kind
    if head.startswith(b"{\\rtf"):
        return "application/rtf", "rtf"
    guess = filetype.guess(head)
    if guess is not None:
        if guess.mime.startswith("image/"):
            return guess.mime, "image"
        return guess.mime, _MIME_KIND.get(guess.mime, "other")
    if _looks_like_text(head):
        kind = _EXTENSION_KIND.get(ext) if _EXTENSION_KIND.get(ext) in ("text", "csv", "html", "message") else None
        if kind is None:
            kind = "html" if b"<html" in head.lower() else "text"
        return _mime_of(kind), kind
    declared_kind = _MIME_KIND.get((declared or "").lower())
    return "application/octet-stream", declared_kind if declared_kind in ("message",) else "other"


def _zip_flavour(data: bytes) -> tuple[str, str]:
    """OOXML and OpenDocument files are zips; their member names tell them apart."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 200:
                # Read at most a few bytes: a zip bomb's "mimetype" could inflate to gigabytes.
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                if mimetype in _MIME_KIND:
                    return mimetype, _MIME_KIND[mimetype]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return "application/zip", "zip"  # truncated or odd: the archive reader will say why
    for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(name.startswith(prefix) for name in names):
            return _mime_of(kind), kind
    return "application/zip", "zip"


def _mime_of(kind: str) -> str:
    for mime, k in _MIME_KIND.items():
        if k == kind:
            return mime
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) < 0.01
