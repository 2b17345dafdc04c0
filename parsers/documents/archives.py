"""Archives (.zip, .7z, .rar): every member read as a document, nested archives unpacked here.

One `_Budget` spans all nesting levels, so a zip of zips cannot multiply the limits:
- depth: the archive read is level 1; an archive inside it is opened at level 2, and so on up to
  `limits.archive_depth`; a deeper archive becomes a `too_large` member.
- members: at most `limits.archive_members` files, all levels together; the first one over the
  limit becomes a `too_large` member that says how many more were left unread.
- bytes: unpacked sizes, all levels together, at most `limits.archive_total_bytes`; one member at
  most `limits.max_file_bytes`; a member over 1 MiB may not unpack to more than
  `limits.archive_ratio` times its packed size (small files compress that well innocently).
Declared sizes are checked before a member is unpacked, and no member is read past its declared
size: zipfile stops there, and unar runs under a file-size limit (RLIMIT_FSIZE) of the largest
admitted declared size, a file past its own declared size being refused when read.

zip goes through zipfile. 7z and rar go through unar's `lsar -j` (listing: names, sizes,
encryption, entry types) and `unar` (extraction by index into a private temp dir). unar rather
than bsdtar: both read RAR5, but only unar lists as JSON with per-entry and per-archive encryption
and extracts by listing index, so no member name is ever passed back to a tool or the file system.
No path is ever built from a member name here: unar writes its own sanitised names inside the
temp dir, which are mapped back to the listing, or the member is extracted alone into an empty
folder when the mapping is not certain (RAR's "a/b" becomes "a_b", "../x" becomes "__Parent__/x").
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass

from parsers.documents.external import TEMP_PREFIX, find_tool, run_tool
from parsers.documents.limits import Limits
from parsers.documents.model import Document
from parsers.filenames import safe_filename
from reportbox.errors import DocumentError

ARCHIVE_KINDS = ("zip", "7z", "rar")
_MAGIC = ((b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "rar"))
_RATIO_FLOOR = 1 << 20  # below this unpacked size, a high ratio is harmless (a page of spaces)
_ZIP_UTF8 = 0x800
_ZIP_ENCRYPTED = 0x1
_UNIX = 3  # ZipInfo.create_system of entries that carry a Unix mode in external_attr


def archive_format(data: bytes) -> str | None:
    """zip, 7z or rar by the leading bytes; None for anything else."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


@dataclass
class _Budget:
    members_left: int
    bytes_left: int


@dataclass(frozen=True)
class _Entry:
    """One file in an archive's listing."""

    name: str  # as stored, decoded
    size: int  # declared unpacked size
    packed: int  # declared packed size
    encrypted: bool
    key: object  # ZipInfo, or the lsar index


def read_archive(data: bytes, path: str, limits: Limits) -> Document:
    budget = _Budget(limits.archive_members, limits.archive_total_bytes)
    return _unpack(data, path, 1, budget, limits)


def _unpack(data: bytes, path: str, depth: int, budget: _Budget, limits: Limits) -> Document:
    kind = archive_format(data)
    if kind is None:
        raise DocumentError("the archive is damaged: it is not a zip, 7z or rar file", reason="corrupt")
    source = _ZipSource(data) if kind == "zip" else _UnarSource(data, kind, limits)
    try:
        notes = list(source.notes)
        if not source.entries:
            return Document(path=path, kind=kind, notes=(*notes, "the archive is empty"))
        if all(entry.encrypted for entry in source.entries):
            raise DocumentError("the archive is password-protected; ask the sender for an unprotected copy",
                                reason="encrypted")
        plan = _admit(source.entries, path, budget, limits)
        source.prepare([entry for entry, _, refusal in plan if refusal is None])
        members = []
        for entry, member_path, refusal in plan:
            members.append(refusal or _read_entry(source, entry, member_path, depth, budget, limits))
        return Document(path=path, kind=kind, members=tuple(members), notes=tuple(notes))
    finally:
        source.close()


def _admit(entries: list[_Entry], path: str, budget: _Budget,
           limits: Limits) -> list[tuple[_Entry, str, Document | None]]:
    """Each entry with its member path and, when it may not be unpacked, the refusal to record."""
    plan: list[tuple[_Entry, str, Document | None]] = []
    for index, entry in enumerate(entries):
        member_path = f"{path}/{safe_member_path(entry.name, index)}"
        if budget.members_left <= 0:
            more = len(entries) - index - 1
            plan.append((entry, member_path, _refused(member_path, entry.size, (
                f"over the limit of {limits.archive_members} members in one archive (all levels together); "
                f"this member and {more} more were not read"), "too_large")))
            break
        budget.members_left -= 1
        refusal = _over_limit(entry, limits, budget)
        if refusal is None and entry.encrypted:
            refusal = ("the member is password-protected; ask the sender for an unprotected copy", "encrypted")
        if refusal is None:
            budget.bytes_left -= entry.size
        plan.append((entry, member_path, _refused(member_path, entry.size, *refusal) if refusal else None))
    return plan


def _over_limit(entry: _Entry, limits: Limits, budget: _Budget) -> tuple[str, str] | None:
    megabytes = entry.size / 1e6
    if entry.size > _RATIO_FLOOR and entry.size > limits.archive_ratio * max(entry.packed, 1):
        return (f"it unpacks to {entry.size // max(entry.packed, 1)} times its packed size, over the limit of "
                f"{limits.archive_ratio} (a zip bomb?)"), "too_large"
    if entry.size > limits.max_file_bytes:
        return f"{megabytes:.1f} MB is over the {limits.max_file_bytes / 1e6:.0f} MB limit for one file", "too_large"
    if entry.size > budget.bytes_left:
        return (f"unpacking its {megabytes:.1f} MB would pass the {limits.archive_total_bytes / 1e6:.0f} MB limit "
                "for an archive's unpacked content (all levels together)"), "too_large"
    return None


def _read_entry(source: _ZipSource | _UnarSource, entry: _Entry, member_path: str, depth: int, budget: _Budget,
                limits: Limits) -> Document:
    try:
        data = source.read(entry)
    except DocumentError as exc:
        return _refused(member_path, entry.size, str(exc), exc.reason)
    from parsers.sniff import sniff

    kind = sniff(data, member_path.rsplit("/", 1)[-1], None)[1]
    if kind not in ARCHIVE_KINDS:
        from parsers.documents.read import read_document  # read imports this module

        return read_document(data, member_path, kind, limits)
    sha = hashlib.sha256(data).hexdigest()
    if depth + 1 > limits.archive_depth:
        return _refused(member_path, len(data), (
            f"archives nested more than {limits.archive_depth} levels deep are not opened"), "too_large", kind, sha)
    try:
        nested = _unpack(data, member_path, depth + 1, budget, limits)
    except DocumentError as exc:
        return _refused(member_path, len(data), str(exc), exc.reason, kind, sha)
    return Document(path=member_path, kind=nested.kind, size=len(data), sha256=sha, members=nested.members,
                    notes=nested.notes)


def _refused(path: str, size: int, detail: str, reason: str, kind: str = "other", sha256: str = "") -> Document:
    return Document(path=path, kind=kind, size=size, sha256=sha256, error=reason, detail=detail)


def safe_member_path(name: str, index: int) -> str:
    """A relative path of safe segments: no "..", no root, no drive, no control characters."""
    segments = [segment for segment in re.split(r"[\\/]", name) if segment.strip(" .")]
    safe = [safe_filename(segment, f"member-{index + 1}") for segment in segments]
    return "/".join(safe) or f"member-{index + 1}"


# --- zip -----------------------------------------------------------------------------------------
class _ZipSource:
    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise DocumentError(f"the zip file is damaged ({exc})", reason="corrupt") from exc
        self.entries: list[_Entry] = []
        self.notes: list[str] = []
        for info in self._zip.infolist():
            if info.is_dir() or not _is_regular(info):
                continue
            name, codec = zip_member_name(info)
            if codec:
                self.notes.append(f"member name re-decoded as {codec}: {name}")
            encrypted = bool(info.flag_bits & _ZIP_ENCRYPTED)
            self.entries.append(_Entry(name, info.file_size, info.compress_size, encrypted, info))

    def prepare(self, entries: list[_Entry]) -> None:
        pass  # zipfile reads each member on demand

    def read(self, entry: _Entry) -> bytes:
        try:
            with self._zip.open(entry.key) as stream:  # type: ignore[arg-type]
                data = stream.read(entry.size + 1)  # zipfile stops at the declared size; +1 proves it
        except NotImplementedError as exc:
            raise DocumentError(f"the member uses a compression zip readers here lack ({exc})",
                                reason="unsupported") from exc
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise DocumentError(f"the member is damaged ({exc})", reason="corrupt") from exc
        if len(data) > entry.size:
            raise DocumentError("the member is larger than its header says", reason="corrupt")
        return data

    def close(self) -> None:
        self._zip.close()


def _is_regular(info: zipfile.ZipInfo) -> bool:
    """Symlinks, devices and FIFOs (Unix modes in external_attr) are not documents."""
    mode = info.external_attr >> 16
    return info.create_system != _UNIX or stat.S_IFMT(mode) in (0, stat.S_IFREG)


def zip_member_name(info: zipfile.ZipInfo) -> tuple[str, str | None]:
    """The member's name, and the codec it was re-decoded with (None if as zipfile read it).

    Without flag bit 11 zipfile reads names as cp437, but Vietnamese Windows zippers wrote the
    bytes of UTF-8 or cp1258 names without setting the flag.
    """
    if info.flag_bits & _ZIP_UTF8:
        return info.filename, None
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename, None
    if raw.isascii():
        return info.filename, None
    for codec in ("utf-8", "cp1258"):
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return info.filename, None


# --- 7z and rar through unar ---------------------------------------------------------------------
_NOT_FILES = ("XADIsDirectory", "XADIsLink", "XADIsHardLink", "XADIsCharacterDevice", "XADIsBlockDevice",
              "XADIsFIFO", "XADIsResourceFork")
_XAD_PASSWORD_ERROR = 15  # XADMaster's XADPasswordError, as `lsarError` in the JSON listing


class _UnarSource:
    def __init__(self, data: bytes, kind: str, limits: Limits) -> None:
        self._lsar, self._unar = find_tool("lsar"), find_tool("unar")
        if not (self._lsar and self._unar):
            raise DocumentError(f".{kind} archives need the unar tools (lsar, unar): install the Debian package unar",
                                reason="unsupported")
        self._limits = limits
        self._dir = tempfile.mkdtemp(prefix=TEMP_PREFIX + "unar-")
        self._archive = os.path.join(self._dir, f"archive.{kind}")
        self._files: dict[int, str] = {}  # lsar index → extracted file
        self.notes: list[str] = []
        try:
            with open(self._archive, "wb") as file:
                file.write(data)
            self.entries = self._list(kind, len(data))
        except BaseException:
            self.close()
            raise

    def _list(self, kind: str, archive_size: int) -> list[_Entry]:
        result = run_tool([self._lsar, "-j", "-nr", self._archive], self._limits, what=f"listing the .{kind} archive")
        output, messages = self._said(result.stdout), self._said(result.stderr)
        try:
            listing = json.loads(output)
        except ValueError:  # not JSON: lsar printed an error message instead
            listing, messages = {}, f"{output}\n{messages}"
        _raise_for_failure(listing, result.returncode, messages)
        entries = []
        for item in listing.get("lsarContents", []):
            mode = int(item.get("XADPosixPermissions", 0))
            if any(item.get(flag) for flag in _NOT_FILES) or stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                continue
            if "XADLinkDestination" in item:
                continue
            size = int(item.get("XADFileSize", 0))
            # Solid archives may give no packed size per entry: the whole archive is then the bound.
            packed = int(item.get("XADCompressedSize") or archive_size)
            entries.append(_Entry(str(item.get("XADFileName", "")), size, packed, bool(item.get("XADIsEncrypted")),
                                  int(item["XADIndex"])))
        return entries

    def prepare(self, entries: list[_Entry]) -> None:
        """Extract the admitted entries in one run; map the files back to the listing when certain."""
        if not entries:
            return
        batch = os.path.join(self._dir, "all")
        result = self._extract(batch, entries)
        if result.returncode != 0:
            shutil.rmtree(batch, ignore_errors=True)
            return  # which file failed is not certain: `read` extracts each entry alone
        predicted: dict[str, list[_Entry]] = {}
        for entry in entries:
            predicted.setdefault(_predicted_path(entry.name), []).append(entry)
        for relative, same in predicted.items():
            candidate = os.path.join(batch, relative)
            if len(same) == 1 and _regular_inside(candidate, batch) and os.path.getsize(candidate) == same[0].size:
                self._files[same[0].key] = candidate  # type: ignore[index]

    def read(self, entry: _Entry) -> bytes:
        file = self._files.get(entry.key)  # type: ignore[call-overload]
        if file is None:
            file = self._extract_alone(entry)
        if os.path.getsize(file) > entry.size:
            raise DocumentError("the member is larger than its header says", reason="too_large")
        with open(file, "rb") as stream:
            data = stream.read(entry.size + 1)
        os.unlink(file)  # keep at most one member's worth on disk
        return data

    def _extract_alone(self, entry: _Entry) -> str:
        target = os.path.join(self._dir, f"one-{entry.key}")
        result = self._extract(target, [entry])
        output = self._said(result.stdout + result.stderr)
        files = [os.path.join(root, name) for root, _, names in os.walk(target) for name in names]
        files = [file for file in files if _regular_inside(file, target)]
        if result.returncode != 0 or len(files) != 1:
            if "requires a password" in output.lower():
                raise DocumentError("the member is password-protected", reason="encrypted")
            raise DocumentError(f"the member is damaged ({_last_line(output)})", reason="corrupt")
        return files[0]

    def _extract(self, target: str, entries: list[_Entry]):
        os.makedirs(target, exist_ok=True)
        # RLIMIT_FSIZE (512-byte blocks) stops a member that unpacks past every declared size.
        blocks = max(entry.size for entry in entries) // 512 + 2
        argv = ["sh", "-c", f'ulimit -f {blocks} && exec "$0" "$@"', self._unar, "-o", target, "-D", "-nr", "-f",
                "-q", "-i", self._archive, *(str(entry.key) for entry in entries)]
        return run_tool(argv, self._limits, cwd=self._dir, what="unpacking the archive")

    def _said(self, output: bytes) -> str:
        """A tool's words without our temp dir's random name: details stay the same from run to run."""
        return output.decode("utf-8", "replace").replace(self._dir + os.sep, "").replace(self._dir, "")

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


def _raise_for_failure(listing: dict, returncode: int, messages: str) -> None:
    """lsar exits 0 on most damage: the JSON says so (an `lsarError`, a failed volume scan)."""
    properties = listing.get("lsarProperties", {})
    locked = properties.get("XADIsEncrypted") and not listing.get("lsarContents")
    if locked or listing.get("lsarError") == _XAD_PASSWORD_ERROR or "requires a password" in messages.lower():
        raise DocumentError("the archive is password-protected; ask the sender for an unprotected copy",
                            reason="encrypted")
    failed = returncode != 0 or "lsarContents" not in listing or "lsarError" in listing
    if failed or properties.get("XADVolumeScanningFailed") or properties.get("XADIsCorrupted"):
        raise DocumentError(f"the archive is damaged ({_last_line(messages)})", reason="corrupt")


def _predicted_path(name: str) -> str:
    """Where unar puts a plainly named entry; odd names are extracted alone instead."""
    return "/".join(segment for segment in name.split("/") if segment not in ("", "."))


def _regular_inside(file: str, folder: str) -> bool:
    real, root = os.path.realpath(file), os.path.realpath(folder)
    return real.startswith(root + os.sep) and os.path.isfile(file) and not os.path.islink(file)


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"
