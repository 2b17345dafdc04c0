"""The one small protocol every mail source speaks, and what it hands over."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class FetchedMessage:
    """One message as a source delivered it: its bytes and where it sits."""

    folder: str
    source_key: str  # the UID as text for IMAP; the file's key for Maildir and .eml folders
    uid: int | None
    internaldate: datetime | None  # the server's receipt time (IMAP), or None
    file_mtime: datetime | None  # for file sources: the last resort for "received"
    data: bytes = field(repr=False)


KnownKeys = Callable[[Sequence[str]], set[str]]


class MailSource(Protocol):
    """A mailbox: list what is new in a folder, fetch it, and mark it once it is safely stored."""

    name: str

    def folders(self) -> Sequence[str]: ...

    def open_folder(self, folder: str) -> int:
        """Select the folder and return its UIDVALIDITY (0 for sources without one)."""

    def list_new(self, folder: str, last_uid: int, known: KnownKeys) -> list[str]:
        """Keys of messages not yet stored, oldest first. `known` filters keys already recorded."""

    def fetch(self, folder: str, keys: Sequence[str]) -> Iterator[FetchedMessage]: ...

    def mark(self, folder: str, keys: Sequence[str]) -> None:
        """Tell the server the messages are stored (keyword, \\Seen or move), per the mark option."""

    def close(self) -> None: ...
