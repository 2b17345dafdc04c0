"""Small helpers shared by the real-server test fixtures."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCALHOST = "127.0.0.1"


class ServerStartError(RuntimeError):
    """A test server did not come up; the message carries the tail of its logs."""


def free_port() -> int:
    """A loopback port that is free right now (the OS picks it, so parallel runs do not clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def http_status(port: int, path: str) -> int | None:
    """The status of GET `path` on 127.0.0.1:`port`, or None when nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def tail(path: Path, lines: int = 40) -> str:
    """Last lines of a log file, for error messages; tolerates a missing file."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:]) or f"({path} is empty)"


def logs_report(*paths: Path) -> str:
    """The tails of several log files, each under its own heading."""
    return "\n".join(f"--- last lines of {p} ---\n{tail(p)}" for p in paths)


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen, timeout: float, what: str) -> None:
    """Poll ``ready`` until true; stop early if the server process died.

    Raises ServerStartError (without logs; the caller adds them) on death or timeout.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerStartError(f"{what} exited with status {proc.returncode} during start-up")
        if ready():
            return
        time.sleep(0.05)
    raise ServerStartError(f"{what} did not become ready within {timeout:.0f}s")


def stop_process(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    """Terminate a child and reap it, killing it if it ignores SIGTERM."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def kill_tree(proc: subprocess.Popen | None) -> None:
    """SIGKILL a child and every process below it at once, as a crash or the OOM killer would.

    The tree is listed before anything is killed: a killed parent's children are handed to
    init and could no longer be found by their parent.
    """
    if proc is None or proc.poll() is not None:
        return
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, pending = [], [proc.pid]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def make_shared_dir(prefix: str) -> Path:
    """A fresh directory that other system users (dovecot, postgres) can traverse.

    pytest's tmp_path lives below a 0700 root-owned folder, which Dovecot's
    auth process and PostgreSQL cannot enter, so servers live in their own
    0755 folder directly under the system temp dir instead.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@contextlib.contextmanager
def shared_dir(prefix: str) -> Iterator[Path]:
    """make_shared_dir, removed afterwards unless an error escaped (kept to read its logs).

    pytest's skip/fail outcomes are BaseExceptions, not errors of the server,
    so they do not keep the directory.
    """
    path = make_shared_dir(prefix)
    keep = False
    try:
        yield path
    except Exception:
        keep = True
        raise
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def check_traversable(path: Path) -> None:
    """Fail early and clearly if some parent of ``path`` is closed to other users.

    Otherwise Dovecot only reports "Temporary authentication failure" and
    PostgreSQL "could not change directory", which hide the real cause.
    """
    for folder in [path, *path.parents]:
        if not os.stat(folder).st_mode & 0o001:
            raise ServerStartError(
                f"{folder} is not traversable by other users (mode "
                f"{oct(os.stat(folder).st_mode & 0o777)}); server directories must "
                "be reachable by the dovecot/postgres users, see make_shared_dir()"
            )
