"""Plain-text, CSV and HTML attachments: decoded, legacy text converted, one block per line."""

from __future__ import annotations

import codecs

from inscriptis import get_text

from parsers.documents.limits import Limits
from parsers.documents.model import Block, BlockKind, Document
from parsers.headers import nfc
from parsers.vietnamese import Decoded, convert_as, decode_8bit, fix_legacy

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> Decoded:
    """Bytes of unknown charset as Unicode: a BOM decides, then UTF-8, then Vietnamese Windows (cp1258)
    or a TCVN3/VNI font's bytes, whichever reads as more Vietnamese (parsers.vietnamese.decode_8bit);
    legacy text converted."""
    text = _unicode(data)
    return Decoded(text, *fix_legacy(text)) if text is not None else decode_8bit(data)


def _unicode(data: bytes) -> str | None:
    """The text when a BOM says its encoding or it is UTF-8, else None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def html_to_text(html: str) -> str:
    """The text a reader sees, with tables kept in rows and columns and no markup marks added
    (inscriptis: images and link targets are dropped)."""
    if not html.strip():
        return ""
    return nfc(get_text(html).strip())


def read_text(data: bytes, path: str, limits: Limits) -> Document:
    decoded = decode(data)
    return _from_text(decoded.text, decoded.encoding, path, "text")


def read_html(data: bytes, path: str, limits: Limits) -> Document:
    """The encoding is decided once: on the bytes (`decode_8bit`) when they are not Unicode, else on
    the text. It is applied after the markup is stripped: a heading line typed in a .VnTimeH font is
    told by its capitals, which tags hide."""
    text = _unicode(data)
    if text is None:
        decoded = decode_8bit(data)
        return _from_text(convert_as(html_to_text(decoded.reading), decoded.encoding), decoded.encoding, path, "html")
    return _from_text(*fix_legacy(html_to_text(text)), path, "html")


def _from_text(text: str, legacy: str | None, path: str, kind: str) -> Document:
    blocks = tuple(Block(BlockKind.PARAGRAPH, line.strip()) for line in text.splitlines() if line.strip())
    return Document(path=path, kind=kind, blocks=blocks, legacy_encoding=legacy)
