"""Builders of test archives: zips with raw or hostile names, nested zips, a zip bomb, and RAR 4.x.

No free tool writes RAR, so `rar4` writes the format by hand (RAR 4.x technote): a marker block,
a main archive header, one file header per member (stored, method 0x30) followed by its data,
and an end-of-archive block. Every header starts with HEAD_CRC: the low 16 bits of the CRC-32
of the header from HEAD_TYPE on.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
import zlib

RAR_MARKER = b"Rar!\x1a\x07\x00"
_RAR_LONG_BLOCK = 0x8000  # file headers always carry ADD_SIZE (their packed data)
_RAR_ENCRYPTED = 0x0004
_DOS_TIME_2019_12_31 = ((2019 - 1980) << 25) | (12 << 21) | (31 << 16)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # cp1258 stores these as combining characters


def cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows wrote it: base letters precomposed where cp1258 has them, tones combining."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in _TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


class RawNameInfo(zipfile.ZipInfo):
    """A ZipInfo whose name is written as the given bytes with the given flag bits, untouched.

    zipfile writes an ASCII name as is and any other name as UTF-8 with flag bit 11 set; Windows
    zippers wrote cp1258 or UTF-8 bytes without the flag, which is what this reproduces.
    """

    def __init__(self, raw_name: bytes, *, utf8_flag: bool = False, encrypted_flag: bool = False) -> None:
        super().__init__(raw_name.decode("cp437"))
        self.raw_name = raw_name
        self.extra_flags = (0x800 if utf8_flag else 0) | (0x1 if encrypted_flag else 0)

    def _encodeFilenameFlags(self):  # noqa: N802 — zipfile's own hook, called for both headers
        return self.raw_name, self.flag_bits | self.extra_flags


def zip_of(members: list[tuple[str | zipfile.ZipInfo, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def nested_zip(levels: int, text: bytes) -> bytes:
    """A zip holding `level-1.zip`, holding `level-2.zip` ... the innermost holding `report.txt`.

    `levels` counts the zips, the outermost included.
    """
    data = zip_of([("report.txt", text)])
    for level in range(levels - 1, 0, -1):
        data = zip_of([(f"level-{level}.zip", data), (f"note-{level}.txt", b"Kien nghi, de xuat\n")])
    return data


def zip_bomb(unpacked_bytes: int, name: str = "zeros.bin") -> bytes:
    """One deflated member of `unpacked_bytes` zeros, written in 1 MiB chunks (never held whole)."""
    buffer = io.BytesIO()
    chunk = b"\x00" * (1 << 20)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo does not take the archive's default
    with zipfile.ZipFile(buffer, "w") as archive:
        with archive.open(info, "w", force_zip64=True) as member:
            left = unpacked_bytes
            while left > 0:
                member.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return buffer.getvalue()


def _rar_block(head_type: int, flags: int, body: bytes) -> bytes:
    """A RAR 4.x block: HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE, then the body."""
    header = struct.pack("<BHH", head_type, flags, 7 + len(body)) + body
    return struct.pack("<H", zlib.crc32(header) & 0xFFFF) + header


def rar4(members: list[tuple[str, bytes]], *, encrypted: bool = False) -> bytes:
    """A RAR 4.x archive storing each (name, data) uncompressed; `encrypted` only sets the flag."""
    out = [RAR_MARKER, _rar_block(0x73, 0, b"\x00" * 6)]  # main header: RESERVED1 (2) + RESERVED2 (4)
    for name, data in members:
        raw_name = name.encode("ascii")  # ASCII names: a Unicode name needs the RAR dual encoding
        body = struct.pack(
            "<IIBIIBBHI", len(data), len(data), 2, zlib.crc32(data), _DOS_TIME_2019_12_31,
            20, 0x30, len(raw_name), 0x20,  # UNP_VER 2.0, METHOD stored, NAME_SIZE, ATTR archive
        ) + raw_name
        flags = _RAR_LONG_BLOCK | (_RAR_ENCRYPTED if encrypted else 0)
        out.append(_rar_block(0x74, flags, body) + data)
    out.append(_rar_block(0x7B, 0x4000, b""))
    return b"".join(out)
