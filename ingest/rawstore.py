"""The content-addressed raw store: every fetched message's bytes, durable before any row names them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from reportbox.errors import StorageError


class RawStore:
    """Files named by SHA-256 under `root/ab/cd/<sha>.eml`, written tmp → fsync → rename → fsync dir."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.eml"

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(
                f"raw message {sha256} is missing from {self.root}: restore the raw store from backup",
                reason="raw_missing",
            ) from exc

    def put(self, data: bytes) -> str:
        return self.put_many([data])[0]

    def put_many(self, blobs: list[bytes]) -> list[str]:
        """Store a batch durably; return their SHA-256 in order. One directory fsync per touched folder."""
        shas = [hashlib.sha256(blob).hexdigest() for blob in blobs]
        touched: set[Path] = set()
        try:
            self._tmp.mkdir(parents=True, exist_ok=True)
            for sha, blob in zip(shas, blobs):
                final = self.path(sha)
                if final.exists():
                    continue  # content-addressed: the same bytes are already safe
                final.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix=sha[:12], suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(blob)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.replace(tmp_name, final)
                except BaseException:
                    _unlink_quietly(tmp_name)
                    raise
                touched.add(final.parent)
            for directory in touched:
                _fsync_dir(directory)
        except OSError as exc:
            raise StorageError(f"cannot write to the raw store {self.root}: {exc}", reason="raw_store") from exc
        return shas

    def clean_temporary(self) -> int:
        """Remove temp files a crash left behind; none of them is named by any row."""
        removed = 0
        if self._tmp.is_dir():
            for leftover in self._tmp.glob("*.tmp"):
                _unlink_quietly(leftover)
                removed += 1
        return removed


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
