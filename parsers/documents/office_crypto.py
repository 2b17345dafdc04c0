"""Office files in OLE containers (CFB): which streams they hold, and whether they are encrypted.

An old .doc/.xls and an encrypted .docx/.xlsx are both Compound File Binary containers (magic
D0CF11E0). A password-protected OOXML file is such a container holding the streams
`EncryptionInfo` and `EncryptedPackage`; a password-protected .doc keeps its `WordDocument`
stream but sets the FIB's fEncrypted bit. This is a small read-only CFB reader (MS-CFB), just
enough to tell those apart before handing a file to python-docx or LibreOffice, which would
otherwise fail with a misleading message (or, for LibreOffice, wait for a password).
"""

from __future__ import annotations

import struct

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_NO_STREAM = 0xFFFFFFFF
_HEADER_DIFAT_ENTRIES = 109
_STREAM, _ROOT = 2, 5
_FIB_ENCRYPTED = 0x0100  # FibBase flags at offset 0x0A: fEncrypted
_WORD_IDENT = 0xA5EC  # FibBase.wIdent of a Word binary document


class OleError(ValueError):
    """The bytes are not a readable CFB container (truncated, or hostile)."""


def is_ole(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


class OleFile:
    """A parsed CFB container: its streams by name (any storage), readable by name."""

    def __init__(self, data: bytes) -> None:
        if not is_ole(data) or len(data) < 512:
            raise OleError("not an OLE (CFB) container")
        self._data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise OleError(f"unexpected CFB sector size 2**{shift}")
        self._sector_size = 1 << shift
        self._mini_cutoff = struct.unpack_from("<I", data, 0x38)[0]
        self._fat = self._read_fat()
        first_directory = struct.unpack_from("<I", data, 0x30)[0]
        self._entries = self._read_directory(self._chain_bytes(first_directory, self._fat))
        root = self._entries.get("\0root")
        self._mini_stream = self._chain_bytes(root[0], self._fat)[: root[1]] if root else b""
        first_minifat = struct.unpack_from("<I", data, 0x3C)[0]
        minifat_bytes = self._chain_bytes(first_minifat, self._fat) if first_minifat < _END_OF_CHAIN else b""
        self._minifat = _u32_list(minifat_bytes)

    @property
    def stream_names(self) -> set[str]:
        return {name for name in self._entries if name != "\0root"}

    def read_stream(self, name: str, max_bytes: int | None = None) -> bytes:
        """The stream's bytes (at most `max_bytes`); KeyError if there is no such stream."""
        start, size = self._entries[name]
        wanted = size if max_bytes is None else min(size, max_bytes)
        if size < self._mini_cutoff:  # small streams live in the mini stream
            return self._chain_bytes(start, self._minifat, mini=True, limit=wanted)[:wanted]
        return self._chain_bytes(start, self._fat, limit=wanted)[:wanted]

    def _sector(self, number: int) -> bytes:
        offset = (number + 1) * self._sector_size
        if offset + self._sector_size > len(self._data):
            raise OleError("the container is truncated")
        return self._data[offset: offset + self._sector_size]

    def _read_fat(self) -> list[int]:
        fat_sector_count, = struct.unpack_from("<I", self._data, 0x2C)
        first_difat, difat_count = struct.unpack_from("<II", self._data, 0x44)
        locations = list(struct.unpack_from(f"<{_HEADER_DIFAT_ENTRIES}I", self._data, 0x4C))
        sector, per_sector = first_difat, self._sector_size // 4 - 1
        for _ in range(min(difat_count, len(self._data) // self._sector_size)):
            if sector >= _END_OF_CHAIN:
                break
            entries = _u32_list(self._sector(sector))
            locations += entries[:per_sector]
            sector = entries[per_sector]
        fat: list[int] = []
        for location in locations[:fat_sector_count]:
            if location < _END_OF_CHAIN:
                fat += _u32_list(self._sector(location))
        return fat

    def _chain_bytes(self, start: int, table: list[int], *, mini: bool = False, limit: int | None = None) -> bytes:
        """Follow a sector chain; a loop or a pointer out of the file is an OleError."""
        unit = 64 if mini else self._sector_size
        wanted = len(self._data) if limit is None else limit
        parts: list[bytes] = []
        sector, seen = start, 0
        while sector < _END_OF_CHAIN and seen * unit < wanted:
            if sector >= len(table) or seen > len(table):
                raise OleError("a sector chain points outside the container")
            if mini:
                offset = sector * 64
                if offset + 64 > len(self._mini_stream):
                    raise OleError("a mini stream chain points outside the mini stream")
                parts.append(self._mini_stream[offset: offset + 64])
            else:
                parts.append(self._sector(sector))
            sector, seen = table[sector], seen + 1
        return b"".join(parts)

    @staticmethod
    def _read_directory(raw: bytes) -> dict[str, tuple[int, int]]:
        """Stream name → (start sector, size); the root entry as "\\0root" (it locates the mini stream)."""
        entries: dict[str, tuple[int, int]] = {}
        for offset in range(0, len(raw) - 127, 128):
            name_length, kind = struct.unpack_from("<HB", raw, offset + 64)
            if kind not in (_STREAM, _ROOT) or not 2 <= name_length <= 64:
                continue
            start, size = struct.unpack_from("<IQ", raw, offset + 116)
            name = raw[offset: offset + name_length - 2].decode("utf-16-le", "replace")
            # Version 3 files may leave garbage in the size's high half; no stream we read is over 4 GB.
            entries["\0root" if kind == _ROOT else name] = (start, size & 0xFFFFFFFF)
        return entries


def _u32_list(raw: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))


def ole_kind(data: bytes) -> str | None:
    """What an OLE container holds: "encrypted" (a password-protected OOXML file or .doc), "doc",
    "xls", "ppt", or None for other containers. Raises OleError when it cannot be read."""
    ole = OleFile(data)
    names = ole.stream_names
    if {"EncryptionInfo", "EncryptedPackage"} <= names:
        return "encrypted"
    if "WordDocument" in names:
        return "encrypted" if word_fib_encrypted(ole.read_stream("WordDocument", 32)) else "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    return None


def word_fib_encrypted(fib: bytes) -> bool:
    """The fEncrypted bit of a Word binary document's FibBase (MS-DOC 2.5.2)."""
    if len(fib) < 12:
        raise OleError("the WordDocument stream is truncated")
    ident, = struct.unpack_from("<H", fib, 0)
    flags, = struct.unpack_from("<H", fib, 0x0A)
    return ident == _WORD_IDENT and bool(flags & _FIB_ENCRYPTED)
