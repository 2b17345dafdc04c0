"""Header reading shared by the fetch stage and the full parser: standard library only, so cheap.

Values are recovered from whatever senders put in headers: raw 8-bit bytes (UTF-8, else the
Vietnamese Windows code page), RFC 2047 encoded words, dates that overflow, ids too long to store.
"""

from __future__ import annotations

import email.errors
import email.header
import email.parser
import email.utils
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message

# Senders control every header: values are cut to these lengths (the columns') here, once.
MAX_ID = 998
MAX_ADDRESS = 320
MAX_NAME = 998
MAX_TOKEN = 64
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
# Authentication-Results: senders can add as many as they like, each as long as they like. Ours are
# on top and far shorter (RFC 8601's examples: under 1 KB); only these are read.
MAX_AUTH_RESULTS = 20
MAX_AUTH_RESULTS_CHARS = 8192
# Methods of the IANA registry (RFC 8601 and later), and Microsoft's composite authentication.
AUTH_METHODS = frozenset({"auth", "dkim", "dkim-adsp", "domainkeys", "dmarc", "arc", "iprev", "sender-id", "spf",
                          "smime", "vbr", "rrvs", "dnswl", "bimi", "compauth"})
_AUTH_SUMMARY = ("spf", "dkim", "dmarc", "arc")
_AUTH_NOT_METHODS = {"reason", "action"}  # RFC 8601's reasonspec; Microsoft's "action=none"
# One token of a header without comments: "method[/version]=result", "reason=value" or "ptype.property=
# value" (values may be quoted), a ';', any other word. Possessive quantifiers and a word that is not a
# key consumed whole: every character is read a bounded number of times (a long run of letters with no
# '=' was read again from each of its positions, quadratic, by the pattern before).
_AUTH_TOKEN = re.compile(r"""
    (?P<key>[A-Za-z][\w.-]*+)(?:/[0-9]++)?+\s*+=\s*+(?P<value>"(?:[^"\\]|\\.)*+"?+|[^\s;"]*+)
  | (?P<semicolon>;)
  | (?P<word>"(?:[^"\\]|\\.)*+"?+|[^\s;"]++)
  | \s++
""", re.VERBOSE)
# What _without_comments reads at a time outside a comment: text (a ')' that closes nothing is text),
# a quoted string, a run of comments with none inside, or '('s; inside one: its text with the comments
# nested in it that have none inside, '('s, or the ')' that closes it. Each is at least a character.
_SIMPLE_COMMENT = r"\((?:[^()\\]|\\.)*+\)"
_OUTSIDE = re.compile(
    rf'(?:[^"(\\]|\\.)++|"(?:[^"\\]|\\.)*+"?+|(?P<comments>(?:{_SIMPLE_COMMENT})++)|(?P<open>\(++)|\\')
_INSIDE = re.compile(rf"(?:[^()\\]|\\.|{_SIMPLE_COMMENT})++|(?P<open>\(++)|(?P<close>\))|\\")

@dataclass(frozen=True)
class HeaderPeek:
    """What the fetch stage needs before full parsing: dedupe key and a fallback receipt time."""

    message_id: str | None
    top_received_at: datetime | None


def header_end(raw: bytes) -> tuple[int, int]:
    """(end of the header block, start of the body): the first blank line, whatever its line ends.

    The body is empty when there is no blank line.
    """
    match = _BLANK_LINE.search(raw)
    return (match.start(), match.end()) if match else (len(raw), len(raw))


def peek_headers(raw: bytes) -> HeaderPeek:
    """Read only the header block: cheap enough to run on every fetched message."""
    end, _ = header_end(raw)
    root = email.parser.BytesHeaderParser().parsebytes(raw[:min(end, 262144)])
    headers = HeaderReader(root)
    return HeaderPeek(
        message_id=angle_id(headers.first("message-id")),
        top_received_at=top_received_date(headers.all("received")),
    )


def body_sha256(raw: bytes) -> str:
    """Hash of everything after the header block, line ends folded: relays and migrations change
    only headers, so the same body under the same Message-ID is the same message."""
    _, start = header_end(raw)
    return hashlib.sha256(raw[start:].replace(b"\r\n", b"\n")).hexdigest()


class HeaderReader:
    """Header values as text, whatever 8-bit bytes or encoded words they carry."""

    def __init__(self, root: Message) -> None:
        self._root = root

    def all(self, name: str) -> list[str]:
        # raw_items(), not get_all(): compat32 turns 8-bit values into Header objects whose
        # str() has already replaced every non-ASCII byte.
        name = name.lower()
        return [recover_8bit(str(v)) for k, v in self._root.raw_items() if k.lower() == name]

    def first(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def decoded(self, name: str) -> str:
        return decode_words(self.first(name) or "")


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; keep undecodable ones as they were rather than fail."""
    if "=?" not in value:
        return " ".join(value.split())
    try:
        decoded = str(email.header.make_header(email.header.decode_header(value)))
    except (email.errors.MessageError, LookupError, UnicodeError, ValueError):  # CharsetError included
        decoded = value
    return " ".join(decoded.split())


def recover_8bit(value: str) -> str:
    """Raw 8-bit header bytes arrive as surrogates: read them as UTF-8, else Vietnamese cp1258."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    octets = value.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "cp1258"):
        try:
            return octets.decode(charset)
        except UnicodeDecodeError:
            continue
    return octets.decode("utf-8", "replace")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def angle_id(value: str | None) -> str | None:
    """The <id> of a Message-ID or In-Reply-To header, at most 998 characters (RFC 5322's line)."""
    if not value:
        return None
    match = re.search(r"<[^<>\s]+>", value)
    return (match.group(0) if match else value.strip())[:MAX_ID] or None


def parse_date(value: str | None) -> datetime | None:
    """An RFC 5322 date as aware UTC, or None when it is missing or nonsense."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
        if parsed is None:
            return None
        if parsed.tzinfo is None:  # "-0000": the sender did not know its zone; RFC 5322 says UTC
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (TypeError, ValueError, IndexError, OverflowError):  # year 9999 -0100 overflows
        return None


def top_received_date(received: list[str]) -> datetime | None:
    """The date our own server stamped: the part after the last ';' of the topmost Received."""
    for header in received:
        if ";" in header:
            return parse_date(header.rsplit(";", 1)[1])
    return None


def parse_authentication_results(value: str) -> dict:
    """RFC 8601 verdicts of one Authentication-Results header.

    {"authserv_id", "spf", "dkim", "dmarc", "arc"} give each method's first result; "results" has every
    one with its properties, e.g. {"method": "dkim", "result": "pass", "header.d": "quangninh.gov.vn"}.
    Comments are not read: "arc=pass (i=1 spf=pass …)" quotes another server's verdicts, not ours.
    Microsoft 365 writes no authserv-id ("spf=pass … smtp.mailfrom=x.vn;dmarc=fail action=none …"): its
    "authserv_id" is "" and its first statement a verdict. Senders can make a header as long as they
    like: only the statements that end within the first MAX_AUTH_RESULTS_CHARS characters are read."""
    return _read_authentication_results(value[:MAX_AUTH_RESULTS_CHARS], cut=len(value) > MAX_AUTH_RESULTS_CHARS)


def _read_authentication_results(value: str, *, cut: bool = False) -> dict:
    """parse_authentication_results of `value` whole, linear in its length (bench.headers). `cut`: the
    header went on, so its last statement is left out (a domain cut short could name another one)."""
    authserv_id: str | None = None  # decided by the first token
    verdicts: list[dict] = []
    current: dict | None = None  # the verdict the statement being read has started
    statement_start, ended = 0, False  # where the verdicts of the statement being read start; a ';' seen
    for token in _AUTH_TOKEN.finditer(_without_comments(" ".join(value.split()))):
        if token["semicolon"]:
            current, statement_start, ended = None, len(verdicts), True
            authserv_id = "" if authserv_id is None else authserv_id
        elif token["word"]:
            if authserv_id is None:  # "mx.molisa.gov.vn 1;": the server's id (a version may follow)
                authserv_id = token["word"].strip('"')
        elif token["key"]:
            authserv_id = "" if authserv_id is None else authserv_id  # "spf=pass …" first: no id (Microsoft)
            key, found = token["key"].lower(), token["value"].strip('"')
            if key in AUTH_METHODS or (current is None and "." not in key and key not in _AUTH_NOT_METHODS):
                current = {"method": key, "result": found.lower()}
                verdicts.append(current)
            elif current is not None:  # reason=, action=, ptype.property=: of the verdict before
                current.setdefault(key, found)
    if cut:
        del verdicts[statement_start:]
        authserv_id = authserv_id if ended else ""  # not even the first statement ended: nor may its id
    result: dict = {"authserv_id": authserv_id or ""}
    for verdict in verdicts:
        if verdict["method"] in _AUTH_SUMMARY:
            result.setdefault(verdict["method"], verdict["result"])  # first verdict per method wins
    result["results"] = verdicts
    return result


def _without_comments(value: str) -> str:
    """The header without its (comments), nested ones too; parentheses inside quotes are text, a '"'
    inside a comment too, a ')' that closes nothing too. Read a run at a time (_OUTSIDE, _INSIDE)."""
    kept, depth, pos = [], 0, 0
    while pos < len(value):
        token = (_INSIDE if depth else _OUTSIDE).match(value, pos)
        pos, kind = token.end(), token.lastgroup
        if kind == "open":
            depth += len(token.group())
        elif kind == "close":
            depth -= 1
        elif not depth and kind != "comments":
            kept.append(token.group())
    return "".join(kept)
