"""Raw bounce bytes → Bounce: which of our messages failed, for which recipients, and why.

RFC 3464 delivery-status reports (and RFC 6533's message/global-delivery-status) are read here,
field by field, because flufl.bounce reports only the addresses, not the status code or the
server's words. Everything else (qmail, Exim's text, Lotus Notes, old Exchange...) goes to
flufl.bounce for the addresses, and the status and diagnostic are looked up around those
addresses in the notification text. The original Message-ID comes from the attached original
(message/rfc822, message/global, text/rfc822-headers, message/global-headers), from a
"Message-ID:" line quoted in the text, or from the bounce's own In-Reply-To / References.

A message is a bounce when it carries a delivery-status report, or when an X-Failed-Recipients
header, a MAILER-DAEMON-like sender or a bounce-like subject says so and failed addresses are found
(sender and subject together suffice). flufl.bounce alone is no test: its catch-all detectors
find "failed" addresses in auto-replies and ordinary mail ("contact Mr Binh, binhtv@..., or ...").

Pure: bytes in, dataclasses out. Never raises: whatever cannot be read is left out.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.errors
import email.parser
import email.utils
import html
import logging
import quopri
import re
from dataclasses import dataclass
from email.message import Message

import flufl.bounce

from parsers.headers import MAX_ID, HeaderReader, decode_words, recover_8bit

log = logging.getLogger("reportbox.bounces")

MAX_SCAN = 1024 * 1024  # bytes of the message read at all: the report parts come before the original
MAX_TEXT = 1024 * 1024  # characters of notification text searched
MAX_DEPTH = 12
MAX_DIAGNOSTIC = 300

_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
_ORIGINAL_MESSAGE_TYPES = ("message/rfc822", "message/global", "message/global-headers")
_ORIGINAL_HEADER_TYPES = ("text/rfc822-headers",)

_STATUS = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?![\w.]*\d)")
_REPLY = re.compile(r"(?<![\w.:/-])([245])\d\d(?=[ -]\S|$)", re.M)
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"'.]+(\.[^\s@<>()\[\],;:\"'.]+)+")
_XTEXT = re.compile(r"\+([0-9A-F]{2})|\\x\{([0-9A-Fa-f]{1,6})\}")
_LOOSE_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"'@]{1,64}@[^\s<>()\[\],;:\"'@]{1,255}")
_TEXT_MESSAGE_ID = re.compile(
    r"^[ \t>|]*(?:original[- ]?)?message[- ]?id[ \t]*:[ \t]*(?:\r?\n[ \t]+)?"
    r"(<[^<>\s]{1,900}>|[^<>\s@]{1,400}@[^<>\s]{1,400})",
    re.I | re.M,
)
# Where a bounce's own words end and the quoted original begins.
_ORIGINAL_MARKER = re.compile(
    r"^[ \t>]*-{2,}+[^\n]{0,120}?(original message|copy of (the|your) message|returned (mail|message)|"
    r"undelivered message|message follows|message headers)"
    r"|^[ \t]*(original message headers|original message follows)",
    re.I | re.M,
)
_REPORTING_HOST = re.compile(
    r"\b(?:program|mail system|mail delivery agent|mail server|mailer) at (?:host )?"
    r"([a-z0-9-]+(?:\.[a-z0-9-]+)+)",
    re.I,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver|non[- ]?deliver|mail delivery (failed|failure)|delivery status notification|"
    r"delivery (failure|failed|has failed|notification|problem|report|delayed|incomplete)|"
    r"failure notice|returned mail|mail system error|delayed mail|warning: (could not send|message)|"
    r"message (not delivered|delivery delayed)|mail could not be delivered|e-?mail delivery failure|"
    r"non remis|unzustellbar|không (thể )?gửi được)",
    re.I,
)
_DAEMON_LOCAL = re.compile(r"mailer[-_]?daemon|mail[-_]?daemon|postmaster|mdaemon|double-bounce", re.I)
_DAEMON_NAME = re.compile(r"mail delivery (subsystem|system|service)|mailer[-_]daemon|postmaster", re.I)


@dataclass(frozen=True)
class FailedRecipient:
    address: str  # lower-cased bare address
    permanent: bool  # 5.x.x / hard failure vs 4.x.x / delayed
    status: str | None  # e.g. "5.1.1"
    diagnostic: str | None  # the server's words, one line, at most MAX_DIAGNOSTIC characters


@dataclass(frozen=True)
class Bounce:
    original_message_ids: tuple[str, ...]  # Message-IDs (with <>) of the message that bounced, as found
    recipients: tuple[FailedRecipient, ...]
    reporting_mta: str | None

    @property
    def permanent(self) -> bool:
        return any(r.permanent for r in self.recipients)


def is_bounce_sender(from_addr: str | None) -> bool:
    """MAILER-DAEMON, postmaster or a "Mail Delivery Subsystem": who sends bounces."""
    if not from_addr:
        return False
    name, address = email.utils.parseaddr(str(from_addr))
    local = (address or "").rsplit("@", 1)[0]
    if _DAEMON_LOCAL.fullmatch(local.strip()):
        return True
    return bool(_DAEMON_NAME.search(_decoded(name or "")))


def _decoded(value: str) -> str:
    try:
        return decode_words(value)
    except email.errors.MessageError:  # CharsetError, which decode_words lets through, for "=?\x80tf-8?q?..?="
        return value


def read_bounce(raw: bytes) -> Bounce | None:
    """The bounce `raw` is, or None when it is not a bounce (a report, an auto-reply, a read receipt)."""
    try:
        return _read(bytes(raw[:MAX_SCAN]))
    except Exception:  # the contract is "never raises": a message we cannot read is just not a bounce
        log.exception("bounce parsing failed; treating the message as not a bounce")
        return None


def _read(raw: bytes) -> Bounce | None:
    root = email.message_from_bytes(raw)
    headers = HeaderReader(root)
    if not any(headers.first(name) for name in ("from", "subject", "content-type", "message-id", "date")):
        return None
    parts = list(_own_parts(root))
    types = {part.get_content_type() for part in parts}
    report_type = str(root.get_param("report-type", "") or "").strip().lower()
    dsn_parts = [p for p in parts if p.get_content_type() in _DSN_TYPES]
    if not dsn_parts and (report_type == "disposition-notification" or "message/disposition-notification" in types):
        return None  # a read receipt
    texts = [_part_text(p) for p in parts if p.get_content_maintype() == "text"]
    notification = _notification_text(texts)
    if dsn_parts:
        return _from_dsn(root, parts, dsn_parts, texts, notification)
    return _from_heuristics(root, parts, texts, notification, claims_report=report_type == "delivery-status")


# --- RFC 3464 delivery-status reports -------------------------------------------------------------

def _from_dsn(root, parts, dsn_parts, texts, notification) -> Bounce | None:
    records = [record for part in dsn_parts for record in _dsn_records(_dsn_text(part))]
    per_recipient = [r for r in records if _record_address(r)]
    failed = [r for r in per_recipient if _record_outcome(r) is not None]
    if per_recipient and not failed:
        return None  # a positive report: delivered, relayed or expanded only
    only_one = len(failed) == 1
    recipients = [_recipient_from_record(r, notification, only_one) for r in failed]
    if not recipients:  # a report whose delivery-status part we could not read
        recipients = _heuristic_recipients(root, notification)
    reported_ids = [_id_in_text(r.get(k, "")) for r in records
                    for k in ("x-original-message-id", "original-message-id")]
    mta = next((_type_value(r["reporting-mta"]) for r in records if r.get("reporting-mta")), None)
    return Bounce(
        original_message_ids=_original_ids(root, parts, texts, extra=reported_ids),
        recipients=_merged(recipients),
        reporting_mta=_clean(mta, 255) or _reporting_host(notification),
    )


def _dsn_text(part: Message) -> str:
    """The delivery-status body as text, however the stdlib split it into header blocks."""
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(_block_text(block) for block in payload if isinstance(block, Message))
    else:
        text = payload if isinstance(payload, str) else ""
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding in ("base64", "quoted-printable"):
        text = _decode_transfer(text, encoding)
    return recover_8bit(text)[:MAX_TEXT]


def _block_text(block: Message) -> str:
    """One header block back as text; 8-bit bytes kept as surrogates for recover_8bit."""
    fields = "\n".join(f"{k}: {v}" for k, v in block.raw_items())
    body = block.get_payload(decode=True)  # bytes as they came: get_payload() would turn 8-bit into U+FFFD
    if not isinstance(body, bytes) or not body.strip():
        return fields
    # The stdlib ends a block's fields at a blank line or, in a malformed one, at the first line
    # that is not a field: only the blank line separates records.
    missing_blank = any(isinstance(d, email.errors.MissingHeaderBodySeparatorDefect) for d in block.defects)
    return fields + ("\n" if missing_blank else "\n\n") + body.decode("ascii", "surrogateescape")


def _decode_transfer(text: str, encoding: str) -> str:
    octets = text.encode("ascii", "ignore")
    try:
        data = base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", octets) + b"==") if encoding == "base64" \
            else quopri.decodestring(octets)
    except (binascii.Error, ValueError):
        return text
    return data.decode("utf-8", "replace")


def _dsn_records(text: str) -> list[dict[str, str]]:
    """Field blocks; a repeated field starts a new block, for reports missing their blank lines."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    last = None
    for line in text.splitlines():
        if not line.strip():
            if current:
                records.append(current)
            current, last = {}, None
            continue
        if line[0] in " \t":
            if last:
                current[last].append(line.strip())
            continue
        match = re.match(r"([A-Za-z][A-Za-z0-9-]{0,60})[ \t]*:[ \t]*(.*)", line)
        if not match:
            last = None
            continue
        name = match.group(1).lower()
        if name in current:
            records.append(current)
            current = {}
        current[name] = [match.group(2)]
        last = name
    if current:
        records.append(current)
    return [{name: " ".join(pieces) for name, pieces in record.items()} for record in records]


def _record_address(record: dict[str, str]) -> str | None:
    """The address we sent to: Original-Recipient when it is an address, else Final-Recipient."""
    for field in ("original-recipient", "final-recipient", "x-actual-recipient"):
        value = record.get(field)
        if not value:
            continue
        kind, _, rest = value.partition(";") if ";" in value else ("rfc822", "", value)
        if kind.strip().lower() not in ("rfc822", "utf-8", ""):
            continue  # x400, unknown...: not an address we can flag
        token = next((t for t in rest.split() if "@" in t), "")  # drops a trailing "(comment)"
        address = _bare_address(_XTEXT.sub(_unescaped, token) if field == "original-recipient" else token)
        if address:
            return address
    return None


def _unescaped(match: re.Match[str]) -> str:
    """RFC 3461 xtext "+2B" and RFC 6533 unitext "\\x{E0}" escapes, as Original-Recipient carries them."""
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def _record_outcome(record: dict[str, str]) -> str | None:
    """"failed" or "delayed", the only actions that count; a missing Action is read from the Status."""
    action = record.get("action", "").strip().lower()
    if action.startswith(("fail", "error")):  # opensmtpd writes "error"
        return "failed"
    if action.startswith("delay"):
        return "delayed"
    if not action:
        status = status_in(record.get("status", ""))
        return {"5": "failed", "4": "delayed"}.get(status[0]) if status else None
    return None


def _recipient_from_record(record: dict[str, str], notification: str, only_one: bool) -> FailedRecipient:
    address = _record_address(record) or ""
    status = status_in(record.get("status", "")) or status_in(record.get("diagnostic-code", ""))
    diagnostic = record.get("diagnostic-code") or record.get("x-supplementary-info")
    if not diagnostic:
        diagnostic = _text_diagnostic(address, notification, only_one)
    outcome = _record_outcome(record)
    permanent = outcome == "failed" and not (status or "").startswith("4")
    return FailedRecipient(address, permanent, status, _clean(diagnostic, MAX_DIAGNOSTIC))


def _type_value(value: str) -> str:
    """"dns; mx.hanoi.gov.vn" → "mx.hanoi.gov.vn"."""
    return value.split(";", 1)[-1].strip().rstrip(".")


# --- everything else: flufl.bounce for the addresses ----------------------------------------------

def _from_heuristics(root, parts, texts, notification, claims_report: bool) -> Bounce | None:
    headers = HeaderReader(root)
    failed_header = bool(headers.first("x-failed-recipients"))
    by_sender = is_bounce_sender(headers.first("from"))
    by_subject = claims_report or bool(_BOUNCE_SUBJECT.search(_decoded(headers.first("subject") or "")))
    if not (failed_header or by_sender or by_subject):
        return None
    recipients = _heuristic_recipients(root, notification)
    if not recipients and not (failed_header or (by_sender and by_subject)):
        return None
    return Bounce(
        original_message_ids=_original_ids(root, parts, texts),
        recipients=_merged(recipients),
        reporting_mta=_reporting_host(notification),
    )


def _heuristic_recipients(root: Message, notification: str) -> list[FailedRecipient]:
    headers = HeaderReader(root)
    # The bounce's own parties (us, the daemon) are never the failed recipients.
    parties = {a.lower() for _, a in email.utils.getaddresses(headers.all("to") + headers.all("from"))}
    temporary, permanent = _flufl_failures(root)
    if not (temporary or permanent):
        permanent = _addresses_beside_codes(notification)
    addresses = sorted((permanent | temporary) - parties, key=lambda a: (_position(a, notification), a))
    result = []
    for address in addresses:
        diagnostic = _text_diagnostic(address, notification, len(addresses) == 1)
        status = status_in(diagnostic or "")
        reply = _REPLY.search(diagnostic or "")
        if status:
            is_permanent = status.startswith("5")
        elif reply:
            is_permanent = reply.group(1) == "5"
        else:
            is_permanent = address in permanent
        result.append(FailedRecipient(address, is_permanent, status, _clean(diagnostic, MAX_DIAGNOSTIC)))
    return result


def _flufl_failures(root: Message) -> tuple[set[str], set[str]]:
    """(temporary, permanent) addresses as flufl.bounce finds them in the bounce's own words."""
    view = _flufl_view(root, 0)
    if view is None:
        return set(), set()
    if not email.utils.getaddresses([str(view.get("from", ""))]):
        # flufl.bounce's Yale detector indexes the parsed From and raises IndexError without one,
        # which aborts every later detector.
        del view["from"]
        view["From"] = "<>"
    try:
        temporary, permanent = flufl.bounce.all_failures(view)
    except Exception:  # flufl.bounce re-raises whatever a detector raised; a detector bug is not ours to stop on
        log.exception("flufl.bounce failed on a bounce")
        return set(), set()
    return _bare_addresses(temporary), _bare_addresses(permanent)


def _flufl_view(part: Message, depth: int) -> Message | None:
    """A copy for flufl.bounce without the original message (whose addresses it would report) and
    with text parts decoded (its detectors read base64 and quoted-printable text undecoded)."""
    ctype = part.get_content_type()
    if ctype in _DSN_TYPES:
        return part
    if depth > MAX_DEPTH or ctype.startswith("message/") or ctype in _ORIGINAL_HEADER_TYPES:
        return None
    view = Message()
    for key, value in part.raw_items():
        if key.lower() != "content-transfer-encoding":
            view[key] = recover_8bit(str(value))
    if part.is_multipart():
        children = [_flufl_view(p, depth + 1) for p in part.get_payload() if isinstance(p, Message)]
        view.set_payload([child for child in children if child is not None])
        return view
    if part.get_content_maintype() != "text":
        return None
    view.set_payload(_cut_at_original(_part_text(part)))
    return view


def _addresses_beside_codes(notification: str) -> set[str]:
    """Addresses flufl.bounce missed: each one a paragraph with an SMTP code names alone
    (Postfix's "<x@y>: host ... said: 550 5.1.1 ...", which its Postfix detector does not know)."""
    found = set()
    for paragraph in _paragraphs(notification):
        if not (status_in(paragraph) or _REPLY.search(paragraph)):
            continue
        named = _bare_addresses(_LOOSE_ADDRESS.findall(paragraph))
        if len(named) == 1:
            found |= named
    return found


# --- text: the notification, diagnostics, quoted Message-IDs ---------------------------------------

def _own_parts(part: Message, depth: int = 0):
    """Every part of the bounce itself, not descending into attached messages."""
    yield part
    if depth >= MAX_DEPTH or part.get_content_maintype() == "message":
        return
    if part.is_multipart():
        for inner in part.get_payload():
            if isinstance(inner, Message):
                yield from _own_parts(inner, depth + 1)


def _part_text(part: Message) -> str:
    """A text part's decoded text (HTML reduced to text), whatever charset it claims."""
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError, LookupError):
        data = None
    if not isinstance(data, bytes):
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    text = _decode_text(data[:MAX_TEXT], _charset(part))
    return _html_text(text) if part.get_content_subtype() == "html" else text


def _charset(part: Message) -> str:
    try:
        return str(part.get_content_charset() or "utf-8")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return "utf-8"


def _decode_text(data: bytes, charset: str) -> str:
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1258", "replace")


def _html_text(markup: str) -> str:
    """Tags out, entities decoded: enough to find codes, addresses and ids (kept as &lt;id&gt;)."""
    markup = re.sub(r"<\s*(br|/p|/div|/tr|/li|/h\d|/pre|/table)\b[^<>]*>", "\n", markup, flags=re.I)
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def _cut_at_original(text: str) -> str:
    match = _ORIGINAL_MARKER.search(text)
    return text[: match.start()] if match else text


def _notification_text(texts: list[str]) -> str:
    return "\n\n".join(_cut_at_original(t) for t in texts)[:MAX_TEXT]


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if p.strip()]


def _text_diagnostic(address: str, notification: str, only_one: bool) -> str | None:
    """The paragraph that says why `address` failed: one naming it with a status or reply code,
    else (for a single recipient) the first with a code, else one naming it with more words."""
    if not address:
        return None
    paragraphs = _paragraphs(notification)
    naming = [p for p in paragraphs if address in p.lower()]
    candidates = naming + (paragraphs if only_one else [])
    for paragraph in candidates:
        if status_in(paragraph) or _REPLY.search(paragraph):
            return paragraph
    for paragraph in naming:
        if len(paragraph.strip()) > len(address) + 4:
            return paragraph
    return None


def _reporting_host(notification: str) -> str | None:
    match = _REPORTING_HOST.search(notification[:20000])
    return match.group(1).rstrip(".").lower() if match else None


def _position(address: str, text: str) -> int:
    index = text.lower().find(address)
    return index if index >= 0 else len(text)


# --- the original Message-ID ----------------------------------------------------------------------

def _original_ids(root: Message, parts: list[Message], texts: list[str], extra=()) -> tuple[str, ...]:
    """Attached original first, then ids the report itself names, quoted lines, In-Reply-To, References."""
    found: list[str | None] = []
    for part in parts:
        ctype = part.get_content_type()
        if ctype in _ORIGINAL_MESSAGE_TYPES:
            found.extend(_message_part_ids(part))
        elif ctype in _ORIGINAL_HEADER_TYPES:
            found.append(_headers_text_id(_part_text(part)))
    found.extend(extra)
    for text in texts:
        found.extend(_id_in_text(m.group(1)) for m in _TEXT_MESSAGE_ID.finditer(text))
    headers = HeaderReader(root)
    found.extend(re.findall(r"<[^<>\s]+>", headers.first("in-reply-to") or ""))
    found.extend(re.findall(r"<[^<>\s]+>", headers.first("references") or "")[-1:])
    unique: list[str] = []
    for message_id in found:
        if message_id and message_id not in unique:
            unique.append(message_id)
    return tuple(unique)


def _message_part_ids(part: Message) -> list[str | None]:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        return [_id_in_text(HeaderReader(inner).first("message-id") or "")]
    return [_headers_text_id(payload)] if isinstance(payload, str) else []


def _headers_text_id(text: str) -> str | None:
    headers = email.parser.HeaderParser().parsestr(text.lstrip())
    return _id_in_text(HeaderReader(headers).first("message-id") or "")


def _id_in_text(value: str) -> str | None:
    value = value.strip()
    match = re.search(r"<[^<>\s]+>", value)
    if match:
        return match.group(0)[:MAX_ID]
    token = value.split()[0] if value.split() else ""
    return f"<{token}>"[:MAX_ID] if "@" in token else None


# --- small values ---------------------------------------------------------------------------------

def status_in(text: str) -> str | None:
    """The enhanced status code (RFC 3463, e.g. "5.1.1") a reply or diagnostic carries, if any."""
    match = _STATUS.search(text or "")
    return match.group(1) if match else None


def _bare_address(value: str) -> str | None:
    value = recover_8bit(str(value)).strip().strip("<>").strip().rstrip(".").lower()
    return value if _ADDRESS.fullmatch(value) else None


def _bare_addresses(values) -> set[str]:
    addresses = set()
    for value in values:
        address = _bare_address(value.decode("ascii", "replace") if isinstance(value, bytes) else str(value))
        if address:
            addresses.add(address)
    return addresses


def _clean(text: str | None, limit: int) -> str | None:
    """One line of printable text, at most `limit` characters."""
    if not text:
        return None
    text = " ".join(recover_8bit(str(text)).replace("\ufffd", "?").split())
    text = "".join(ch for ch in text if ch.isprintable())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def _merged(recipients: list[FailedRecipient]) -> tuple[FailedRecipient, ...]:
    """One entry per address, the permanent failure winning over a delay."""
    by_address: dict[str, FailedRecipient] = {}
    for recipient in recipients:
        if not recipient.address:
            continue
        known = by_address.get(recipient.address)
        if known is None or (recipient.permanent and not known.permanent):
            by_address[recipient.address] = recipient
    return tuple(by_address.values())
