"""Let the stdlib MIME parser step over large base64 bodies instead of reading them line by line.

The stdlib feed parser (inside mail-parser) handles a message one line at a time in Python, with
a regular-expression check per line: a 5 MB attachment is 70,000 iterations, and in a backfill
that is most of the parsing time. Yet the structure of a message is all in its header blocks and
boundary lines, and a base64 body can hold neither: `-` and `:` are not in the base64 alphabet.

So `cut_base64_bodies` replaces each large base64 body with one placeholder line before parsing,
and `restore_base64_bodies` puts the original text back into the parsed tree. The tree is then
exactly the one the stdlib builds from the whole message (the tests compare both, byte for byte).
A body is cut only when it is certainly inert: it follows a header block that declares base64
for a leaf type (not multipart/* or message/*, whose bodies hold structure), it is made of base64
characters and line ends only, and a boundary line follows it. Anything else is left for the parser to read as usual.
"""

from __future__ import annotations

import re
from email.message import Message

MIN_CUT = 16 * 1024  # smaller bodies cost the parser less than the bookkeeping saves
MAX_HEADER_BLOCK = 64 * 1024  # a longer "header block" is not one; its part is parsed as usual

# Made only of base64 characters, so it reads as one more body line wherever it lands.
_MARK = b"RBXSKIM7q"
_MARK_TEXT = _MARK.decode()
_INERT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"
_BASE64_CTE = re.compile(rb"^content-transfer-encoding:[ \t]*base64[ \t]*\r?$", re.I | re.M)
_CONTAINER = re.compile(rb"^content-type:[ \t]*(multipart|message)/", re.I | re.M)
_MARK_USE = re.compile(_MARK_TEXT + r"(\d+)z")


def cut_base64_bodies(raw: bytes, min_cut: int = MIN_CUT) -> tuple[bytes, list[bytes]]:
    """The message with its large base64 bodies replaced by placeholders, and the bodies cut out."""
    if _MARK in raw:  # a message that already holds our placeholder is parsed the slow way
        return raw, []
    pieces: list[bytes] = []
    bodies: list[bytes] = []
    copied = 0
    for headers_at in _header_block_starts(raw):
        blank = _blank_line(raw, headers_at)
        if blank is None:
            continue
        headers, body_at = raw[headers_at:blank[0]], blank[1]
        if not _BASE64_CTE.search(headers) or _CONTAINER.search(headers):
            continue
        boundary = raw.find(b"\n--", body_at)
        if boundary == -1:
            continue
        body_end = boundary - 1 if raw[boundary - 1:boundary] == b"\r" else boundary
        if body_end - body_at < min_cut or body_at < copied:
            continue
        body = raw[body_at:body_end]
        if body.translate(None, _INERT):
            continue
        pieces += (raw[copied:body_at], b"%s%dz" % (_MARK, len(bodies)))
        bodies.append(body)
        copied = body_end
    if not bodies:
        return raw, []
    pieces.append(raw[copied:])
    return b"".join(pieces), bodies


def restore_base64_bodies(message: Message, bodies: list[bytes]) -> bool:
    """Put the cut bodies back where the parser left their placeholders.

    False when some placeholder was not found in a body (the parser saw the message in a way the
    cut did not foresee): the caller then parses the whole message the slow way.
    """
    restored = 0

    def original(match: re.Match) -> str:
        nonlocal restored
        restored += 1
        return bodies[int(match.group(1))].decode("ascii")

    for part in message.walk():
        payload = part.get_payload()
        if isinstance(payload, str) and _MARK_TEXT in payload:
            part.set_payload(_MARK_USE.sub(original, payload))
        for attribute in ("preamble", "epilogue"):  # text around the parts of a multipart
            value = getattr(part, attribute, None)
            if value and _MARK_TEXT in value:
                setattr(part, attribute, _MARK_USE.sub(original, value))
    return restored == len(bodies)


def _header_block_starts(raw: bytes):
    """The start of the message and the line after every line that begins with `--`."""
    yield 0
    at = raw.find(b"\n--")
    while at != -1:
        line_end = raw.find(b"\n", at + 1)
        if line_end == -1:
            return
        yield line_end + 1
        at = raw.find(b"\n--", line_end)


def _blank_line(raw: bytes, start: int) -> tuple[int, int] | None:
    """Where the header block starting at `start` ends, and where its body begins."""
    if raw.startswith(b"\r\n", start):
        return start, start + 2
    if raw.startswith(b"\n", start):
        return start, start + 1
    limit = start + MAX_HEADER_BLOCK
    found = [(at, at + len(sep)) for sep in (b"\n\r\n", b"\n\n") if (at := raw.find(sep, start, limit)) != -1]
    if not found:
        return None
    at, end = min(found)
    return at + 1, end
