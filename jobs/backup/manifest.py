"""manifest.json: what a backup holds, and the check that it still holds it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportbox.errors import StorageError
from reportbox.private_files import FILE_MODE

MANIFEST = "manifest.json"
RAW = "raw"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}  # by engine
_RAW_ENTRY = re.compile(r"raw/([0-9a-f])/([0-9a-f]{64})\.eml")  # the raw store's own layout
FORMAT = 1
CHUNK = 1 << 20


@dataclass
class FileEntry:
    path: str  # relative to the backup's folder, with forward slashes
    size: int
    sha256: str


@dataclass
class Manifest:
    reportbox_version: str
    alembic_revision: str | None
    engine: str  # sqlite | postgresql
    taken_at: str  # ISO 8601, UTC
    database: str  # the database file's path among `files`
    pg_dump_version: int | None = None  # the major version that wrote a PostgreSQL dump
    raw_messages: int = 0  # raw files the snapshot names (each in `files`)
    missing: list[str] = field(default_factory=list)  # named by the snapshot, absent or damaged in the store
    files: list[FileEntry] = field(default_factory=list)
    format: int = FORMAT

    def write(self, folder: Path) -> None:
        """Written last, whole (temporary file, fsync, rename): a backup without one is incomplete."""
        data = json.dumps({**asdict(self), "files": [asdict(entry) for entry in self.files]},
                          ensure_ascii=False, indent=1).encode()
        temporary = folder / f".{MANIFEST}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, folder / MANIFEST)
        sync_dir(folder)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = [FileEntry(**entry) for entry in data.pop("files")]
            manifest = cls(**data, files=files)
        except FileNotFoundError as exc:
            raise StorageError(f"{path} is missing: {folder} is no backup, or an unfinished one",
                               reason="backup_incomplete") from exc
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise StorageError(f"{path} cannot be read ({exc}): the backup is damaged",
                               reason="backup_corrupt") from exc
        if manifest.format != FORMAT:
            raise StorageError(f"{path} has format {manifest.format}; this reportbox reads format {FORMAT}",
                               reason="backup_format")
        return manifest


def raw_entry(sha256: str) -> str:
    """A raw message's path in a backup: the raw store's layout (ingest.rawstore) under raw/."""
    return f"{RAW}/{sha256[0]}/{sha256}.eml"


def check_paths(folder: Path, manifest: Manifest) -> None:
    """Every path the manifest names is one a backup of ours holds (the database file of its engine,
    raw files named by their own SHA-256), and no part of it is a symbolic link: a hostile or
    damaged backup can neither make restore write outside the raw store nor read outside itself."""
    database = DATABASE_FILES.get(manifest.engine)
    if manifest.database != database:
        _refuse(folder, f"its database {manifest.database!r} is not {database or 'a database file'!r}")
    for entry in manifest.files:
        shaped = _RAW_ENTRY.fullmatch(entry.path)
        if entry.path == manifest.database:
            pass
        elif shaped is None:
            _refuse(folder, f"it names {entry.path!r}, which is neither its database nor a raw message")
        elif shaped.group(2) != entry.sha256 or shaped.group(1) != entry.sha256[0]:
            _refuse(folder, f"it names {entry.path!r} with another SHA-256 ({entry.sha256})")
        part = folder
        for name in entry.path.split("/"):
            part = part / name
            try:
                if stat.S_ISLNK(os.lstat(part).st_mode):
                    _refuse(folder, f"{entry.path!r} is a symbolic link there")
            except FileNotFoundError:
                break  # verify names the missing file
    if database not in {entry.path for entry in manifest.files}:
        _refuse(folder, f"its database {database!r} is not among its files")


def _refuse(folder: Path, why: str) -> None:
    raise StorageError(f"the backup {folder} is damaged or not reportbox's: {why}; restore refuses it, "
                       "use another backup", reason="backup_corrupt")


def copy_hashed(source: Path, destination: Path) -> tuple[int, str]:
    """Copy `source` into a new file `destination` (0600), hashing as it goes: its size and SHA-256.
    Never through a symbolic link, never over an existing file."""
    digest, size = hashlib.sha256(), 0
    with open(source, "rb", opener=_no_follow) as reader:
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        with os.fdopen(fd, "wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
    return size, digest.hexdigest()


def _no_follow(path, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW)


def verify(folder: Path, manifest: Manifest, on_file: Callable[[int], None] = lambda _size: None) -> None:
    """Every file of the manifest present with its size and SHA-256; a StorageError naming the
    first that is not (and how many are not)."""
    bad: list[str] = []
    for entry in manifest.files:
        path = folder / entry.path
        try:
            size, digest = file_digest(path)
        except OSError as exc:
            bad.append(f"{entry.path} ({exc.strerror})")
            continue
        if size != entry.size:
            bad.append(f"{entry.path} ({size} bytes, the manifest says {entry.size})")
        elif digest != entry.sha256:
            bad.append(f"{entry.path} (its SHA-256 is not the manifest's)")
        on_file(size)
    if bad:
        more = f" and {len(bad) - 1} other file(s)" if len(bad) > 1 else ""
        raise StorageError(f"the backup {folder} is damaged: {bad[0]}{more}; take another backup or use an "
                           "earlier one", reason="backup_corrupt")


def file_digest(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb", opener=_no_follow) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
