"""The content-addressed raw store: every fetched message's bytes, durable before any row names them."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from reportbox.errors import StorageError
from reportbox.private_files import DIR_MODE, FILE_MODE, make_private_dir, warn_if_shared


class RawStore:
    """Files named by SHA-256 under `root/a/<sha>.eml`, written tmp → fsync → rename → fsync dir.

    One level of 16 folders: a batch fsyncs each touched folder once, so fewer folders mean
    fewer fsyncs, and a million messages still make only about 62,000 files a folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        warn_if_shared(self.root, "the raw store")  # made 0700 (files 0600): every message as received

    def path(self, sha256: str) -> Path:
        return self.root / sha256[0] / f"{sha256}.eml"

    def read(self, sha256: str) -> bytes:
        return self.read_path(self.path(sha256))

    def read_head(self, sha256: str, size: int) -> bytes:
        """The first `size` bytes of a stored message: enough for its header block."""
        return self.read_path(self.path(sha256), size)

    @staticmethod
    def read_path(path, size: int = -1) -> bytes:
        """Read a stored message by path (what a worker process is given); `size` bytes at most."""
        try:
            with open(path, "rb") as handle:
                return handle.read(size)
        except FileNotFoundError as exc:
            raise StorageError(
                f"raw message {Path(path).name} is missing: restore the raw store from backup",
                reason="raw_missing",
            ) from exc

    def put(self, data: bytes) -> str:
        return self.put_many([data])[0]

    def put_many(self, blobs: list[bytes], shas: list[str] | None = None) -> list[str]:
        """Store a batch durably; return their SHA-256 in order. One directory fsync per touched folder.
        `shas`: the blobs' SHA-256 (`sha256_of`), when the caller has hashed them already."""
        shas = shas if shas is not None else [sha256_of(blob) for blob in blobs]
        touched: set[Path] = set()
        fresh: dict[str, bytes] = {}
        try:
            if not self._tmp.is_dir():
                make_private_dir(self.root)
                self._tmp.mkdir(mode=DIR_MODE, exist_ok=True)
                touched.update((self.root, self.root.parent))  # the store's own entries must last too
            for sha, blob in zip(shas, blobs):
                final = self.path(sha)
                touched.add(final.parent)
                if final.exists():
                    # Same bytes already there; but a crash may have come between their rename and
                    # the folder's fsync, so the folder is synced again before rows name the file.
                    continue
                if not final.parent.is_dir():
                    final.parent.mkdir(mode=DIR_MODE)
                    touched.add(self.root)  # the new folder's own entry must be durable too
                fresh[sha] = blob
            # fsync waits for the disk; several in flight share the journal's commits (about 2x).
            writes = [_writers().submit(self._put_new, sha, blob) for sha, blob in fresh.items()]
            wait(writes)  # all of them, even after one fails (a full disk): none goes on behind our back
            for write in writes:
                write.result()
            for directory in touched:
                _fsync_dir(directory)
        except OSError as exc:
            raise StorageError(f"cannot write to the raw store {self.root}: {exc}", reason="raw_store") from exc
        return shas

    def _put_new(self, sha: str, blob: bytes) -> None:
        # One writer holds the fetch lock, so a name made of the hash and our pid is ours.
        tmp_name = self._tmp / f"{sha}.{os.getpid()}.tmp"
        try:
            _write_synced(tmp_name, blob)
            os.replace(tmp_name, self.path(sha))
        except BaseException:
            _unlink_quietly(tmp_name)
            raise

    def clean_temporary(self) -> int:
        """Remove temp files a crash left behind; none of them is named by any row."""
        removed = 0
        if self._tmp.is_dir():
            for leftover in self._tmp.glob("*.tmp"):
                _unlink_quietly(leftover)
                removed += 1
        return removed


def sha256_of(blob: bytes) -> str:
    """A message's name in the store."""
    return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True)
class DiskSpace:
    """Room on the file system holding a folder, as an unprivileged writer sees it."""

    path: Path  # the folder measured: the one asked for, or its nearest existing parent
    free: int  # bytes available to us (root's reserved blocks left out: the daemon does not run as root)
    total: int

    @property
    def free_fraction(self) -> float:
        return self.free / self.total if self.total else 0.0

    def low(self, min_free_bytes: int, min_free_percent: float) -> bool:
        """Below either limit: the rule of the disk_low alarm and of doctor's raw store line, one rule
        so that they never disagree."""
        return self.free < min_free_bytes or self.free_fraction * 100 < min_free_percent


def disk_space(path: Path | str) -> DiskSpace:
    """Free space where `path` is, or will be: a raw store not yet made is measured on the
    folder it will be made in. Raises OSError when nothing of the path can be read."""
    path = Path(path).absolute()
    measured = next((p for p in (path, *path.parents) if p.exists()), path)
    usage = shutil.disk_usage(measured)
    return DiskSpace(path=measured, free=usage.free, total=usage.total)


@functools.cache
def _writers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="reportbox-raw-write")


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)  # the rename keeps the mode
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


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
