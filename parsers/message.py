"""Raw message bytes → ParsedMessage: who sent it, what it says, and every file it carries.

mail-parser reads the headers and the body; the attachment walk is ours because reports
arrive in shapes mail-parser does not count as attachments (a PDF part with no name and no
Content-Disposition, files inside a forwarded message/rfc822) and because file names come
as RFC 2231, RFC 2047 or raw 8-bit bytes in whatever charset the sender's client used.
"""

from __future__ import annotations

import email.header
import email.parser
import email.utils
import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message

import mailparser
from mailparser.exceptions import MailParserError

from parsers.documents.text import html_to_text
from parsers.filenames import safe_filename
from parsers.headers import (
    MAX_ADDRESS,
    MAX_AUTH_RESULTS,
    MAX_ID,
    MAX_NAME,
    MAX_TOKEN,
    HeaderReader,
    angle_id,
    decode_words,
    nfc,
    parse_authentication_results,
    parse_date,
    recover_8bit,
    top_received_date,
)
from parsers.skim import cut_base64_bodies, restore_base64_bodies
from parsers.sniff import sniff
from reportbox.errors import MessageError

# mail-parser logs every part at DEBUG and odd parts at WARNING; we record defects ourselves.
logging.getLogger("mailparser").setLevel(logging.ERROR)

MAX_FORWARD_DEPTH = 5
_BODY_TYPES = ("text/plain", "text/html")


@dataclass(frozen=True)
class Address:
    address: str
    name: str = ""


@dataclass(frozen=True)
class AttachmentPart:
    position: int
    filename: str  # safe to show and to save
    original_filename: str | None
    declared_type: str
    sniffed_type: str
    kind: str
    disposition: str | None
    forwarded_depth: int
    size: int
    sha256: str
    data: bytes = field(repr=False)  # dropped (b"") once the pure stages are done with it


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    sender: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    subject: str
    date_header: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    auth_results: tuple[dict, ...]
    auto_submitted: str | None
    top_received_at: datetime | None
    body_text: str
    body_source: str  # plain | html | none
    attachments: tuple[AttachmentPart, ...]
    defects: tuple[str, ...]


def without_payloads(parsed: ParsedMessage) -> ParsedMessage:
    """The same facts without the attachments' bytes: what crosses back from a worker process."""
    return replace(parsed, attachments=tuple(replace(a, data=b"") for a in parsed.attachments))


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one message. Raises MessageError (with a reason code) when it is not a message at all."""
    if not raw.strip():
        raise MessageError("the message is empty", reason="empty")
    try:
        mail = mailparser.MailParser(_parse_mime(raw))
    except MailParserError as exc:
        raise MessageError(f"mail-parser refused the message: {exc}", reason="mime_error") from exc
    except (RecursionError, LookupError, ValueError, TypeError, AttributeError) as exc:
        raise MessageError(f"the MIME structure cannot be read: {exc!r}", reason="mime_error") from exc
    root = mail.message
    if root is None or not _has_mail_headers(root):
        raise MessageError("no mail headers (From, Date, Subject, Message-ID) found", reason="not_an_email")

    headers = HeaderReader(root)
    text, source = _body_text(mail)
    return ParsedMessage(
        message_id=angle_id(headers.first("message-id")),
        sender=_first(_addresses(mail.from_)),
        to=_addresses(mail.to),
        cc=_addresses(mail.cc),
        reply_to=_addresses(mail.reply_to),
        subject=nfc(headers.decoded("subject")),
        date_header=parse_date(headers.first("date")),
        in_reply_to=angle_id(headers.first("in-reply-to")),
        references=tuple(ref[:MAX_ID] for ref in re.findall(r"<[^<>\s]+>", headers.first("references") or "")),
        # The topmost ones (ours are added last, on top); a sender may have written a thousand below them.
        auth_results=tuple(parse_authentication_results(v)
                           for v in headers.all("authentication-results")[:MAX_AUTH_RESULTS]),
        auto_submitted=(headers.first("auto-submitted") or "").strip().lower()[:MAX_TOKEN] or None,
        top_received_at=top_received_date(headers.all("received")),
        body_text=text,
        body_source=source,
        attachments=tuple(_attachments(root)),
        defects=tuple(sorted(mail.defects_categories)),
    )


def _parse_mime(raw: bytes) -> Message:
    """The stdlib's tree for `raw` (what mail-parser would build), without reading base64 bodies line by line."""
    skeleton, bodies = cut_base64_bodies(raw)
    message = email.message_from_bytes(skeleton)
    if bodies and not restore_base64_bodies(message, bodies):
        message = email.message_from_bytes(raw)
    return message


def _has_mail_headers(root: Message) -> bool:
    keys = {k.lower() for k in root.keys()}
    return bool(keys & {"from", "date", "subject", "message-id", "received", "to"})


def _addresses(pairs) -> tuple[Address, ...]:
    result = []
    for name, address in pairs or ():
        address = (address or "").strip().lower()[:MAX_ADDRESS]
        if address:
            result.append(Address(address=address, name=nfc(decode_words(name or ""))[:MAX_NAME]))
    return tuple(result)


def _first(items: tuple[Address, ...]) -> Address | None:
    return items[0] if items else None


def _body_text(mail) -> tuple[str, str]:
    plain = "\n".join(p for p in mail.text_plain if p.strip())
    if plain.strip():
        return nfc(plain.strip()), "plain"
    html = "\n".join(mail.text_html)
    if html.strip():
        return html_to_text(html), "html"
    return "", "none"


def _attachments(root: Message):
    position = 0
    for part, depth in _leaf_parts(root, depth=0):
        if not _is_attachment(part, depth):
            continue
        data = _payload_bytes(part)
        original = decode_filename(part)
        declared = part.get_content_type()[:255]
        mime, kind = sniff(data, original, declared)
        position += 1
        yield AttachmentPart(
            position=position,
            filename=safe_filename(original, f"attachment-{position}.{_extension(kind)}"),
            original_filename=original,
            declared_type=declared,
            sniffed_type=mime,
            kind=kind,
            disposition=(part.get_content_disposition() or "")[:16] or None,
            forwarded_depth=depth,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )


def _leaf_parts(part: Message, depth: int):
    """Every non-container part, with how many forwarded messages it sits inside."""
    if part.get_content_type() == "message/rfc822" and depth < MAX_FORWARD_DEPTH:
        for inner in part.get_payload() or ():
            if isinstance(inner, Message):
                yield from _leaf_parts(inner, depth + 1)
        return
    if part.is_multipart():
        for inner in part.get_payload() or ():
            if isinstance(inner, Message):
                yield from _leaf_parts(inner, depth)
        return
    yield part, depth


def _is_attachment(part: Message, depth: int) -> bool:
    """A file is any leaf that is not the body text: named, marked attachment, or not text at all."""
    disposition = part.get_content_disposition()
    if part.get_content_type() in _BODY_TYPES:
        return disposition == "attachment" or (bool(part.get_filename()) and disposition != "inline")
    return True


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        data = None
    if data is None:  # a leaf whose payload is not a string (malformed nesting)
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


def decode_filename(part: Message) -> str | None:
    """The sender's file name: RFC 2231, RFC 2047 inside quotes, or raw 8-bit bytes."""
    view = Message()  # the part's naming headers, 8-bit bytes already turned into text
    for key, value in part.raw_items():
        if key.lower() in ("content-type", "content-disposition"):
            view[key] = recover_8bit(str(value))
    try:
        name = view.get_filename() or view.get_param("name")
    except (LookupError, UnicodeError, ValueError):
        name = None
    if isinstance(name, tuple):  # an RFC 2231 value get_param could not collapse
        name = email.utils.collapse_rfc2231_value(name)
    if not name:
        return None
    name = decode_words(recover_8bit(str(name)))
    return nfc(name.replace("\ufffd", "_")) or None


def _extension(kind: str) -> str:
    return {"text": "txt", "message": "eml", "image": "bin", "other": "bin", "html": "html"}.get(kind, kind)
