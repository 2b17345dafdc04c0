"""Read-only file sources for backfills and the demo: a Maildir, and a folder of .eml files.

They never change the files they read (an export archive is evidence), so `mark` does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

from ingest.sources import FetchedMessage, KnownKeys
from reportbox.errors import SourceError


class _FileSource:
    name: str

    def __init__(self, name: str, path: Path, folders: Sequence[str] = ("INBOX",)) -> None:
        self.name = name
        self.root = Path(path)
        self._folders = tuple(folders)

    def folders(self) -> Sequence[str]:
        return self._folders

    def open_folder(self, folder: str) -> int:
        if not self._folder_path(folder).is_dir():
            raise SourceError(f"{self.name}: folder {folder!r} not found at {self._folder_path(folder)}",
                              reason="folder_missing")
        return 0

    def list_new(self, folder: str, last_uid: int, known: KnownKeys) -> list[str]:
        files = self._files(folder)
        keys = sorted(files, key=lambda key: (files[key].stat().st_mtime, key))
        already = known(keys)
        return [key for key in keys if key not in already]

    def fetch(self, folder: str, keys: Sequence[str]) -> Iterator[FetchedMessage]:
        files = self._files(folder)
        for key in keys:
            path = files.get(key)
            if path is None:
                continue  # moved away since listing: it will be seen where it went
            try:
                data = path.read_bytes()
                mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise SourceError(f"{self.name}: cannot read {path}: {exc.strerror}", reason="read_error") from exc
            yield FetchedMessage(folder=folder, source_key=key, uid=None, internaldate=None,
                                 file_mtime=mtime, data=data)

    def mark(self, folder: str, keys: Sequence[str]) -> None:
        return None

    def close(self) -> None:
        return None

    def _folder_path(self, folder: str) -> Path:
        raise NotImplementedError

    def _files(self, folder: str) -> dict[str, Path]:
        raise NotImplementedError


class MaildirSource(_FileSource):
    """A Maildir (cur/ and new/), with Maildir++ subfolders `.Name` for folders other than INBOX.

    The key is the file name without its `:2,FLAGS` info, so a flag change is not a new message.
    """

    def _folder_path(self, folder: str) -> Path:
        return self.root if folder.upper() == "INBOX" else self.root / f".{folder}"

    def _files(self, folder: str) -> dict[str, Path]:
        base = self._folder_path(folder)
        files = {}
        for sub in ("new", "cur"):
            directory = base / sub
            if directory.is_dir():
                for entry in os.scandir(directory):
                    if entry.is_file() and not entry.name.startswith("."):
                        files[_key(entry.name.split(":", 1)[0])] = Path(entry.path)
        return files


class EmlDirSource(_FileSource):
    """A folder of message files (.eml or none), subfolders as folders; the key is the file name."""

    def _folder_path(self, folder: str) -> Path:
        return self.root if folder.upper() == "INBOX" else self.root / folder

    def _files(self, folder: str) -> dict[str, Path]:
        base = self._folder_path(folder)
        return {
            _key(entry.name): Path(entry.path)
            for entry in os.scandir(base)
            if entry.is_file() and not entry.name.startswith(".")
        }


def _key(name: str) -> str:
    """A file name as text a database accepts: bytes that are not UTF-8 (an archive written on
    a cp1258 Windows) are spelt as \\xNN escapes instead of failing every query."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")
