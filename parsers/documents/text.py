"""Plain-text, CSV and HTML attachments: decoded, legacy text converted, one block per line."""

from __future__ import annotations

import codecs

import html2text

from parsers.documents.limits import Limits
from parsers.documents.model import Block, BlockKind, Document
from parsers.headers import nfc
from parsers.vietnamese import fix_legacy

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(data: bytes) -> str:
    """Bytes of unknown charset as Unicode: a BOM decides, then UTF-8, then Vietnamese Windows (cp1258)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace")


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text(bodywidth=0)
    converter.ignore_images = True
    converter.ignore_links = True
    return nfc(converter.handle(html).strip())


def read_text(data: bytes, path: str, limits: Limits) -> Document:
    return _from_text(decode_text(data), path, "text")


def read_html(data: bytes, path: str, limits: Limits) -> Document:
    return _from_text(html_to_text(decode_text(data)), path, "html")


def _from_text(text: str, path: str, kind: str) -> Document:
    text, legacy = fix_legacy(text)
    blocks = tuple(Block(BlockKind.PARAGRAPH, line.strip()) for line in text.splitlines() if line.strip())
    return Document(path=path, kind=kind, blocks=blocks, legacy_encoding=legacy)
