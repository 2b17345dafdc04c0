"""Turn an attacker-controlled attachment name into one that is safe to show and to save."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_RESERVED = re.compile(r'[<>:"|?*]')
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_filename(name: str | None, fallback: str) -> str:
    """A base name with no path, no control or bidi characters, not hidden, at most 255 bytes.

    `fallback` (for example "attachment-3.pdf") is used when nothing usable is left.
    """
    if not name:
        return fallback
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]  # both separators: names come from Windows clients too
    name = re.sub(r"[ \t]+", " ", name)  # tabs and runs of spaces → one space
    name = _CONTROL.sub("", name)  # then CR, LF, NUL and the other controls go entirely
    name = _RESERVED.sub("_", name)
    name = name.lstrip(". ").rstrip(". ")
    if _WINDOWS_DEVICES.match(name):
        name = "_" + name
    name = _clip(name)
    return name or fallback


def _clip(name: str) -> str:
    """Cut to MAX_NAME_BYTES of UTF-8, keeping a short extension and whole characters."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    clipped = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return clipped.rstrip(". ") + suffix
