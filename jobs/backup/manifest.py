"""manifest.json: what a backup holds, and the check that it still holds it."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportbox.errors import StorageError
from reportbox.private_files import FILE_MODE

MANIFEST = "manifest.json"
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
    with open(path, "rb") as stream:
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
