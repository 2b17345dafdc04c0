"""Running the outside tools some formats need (LibreOffice, Tesseract, unar) on a short leash.

Each run gets a timeout, an address-space limit and, for LibreOffice, a private profile, so a
hostile file can at worst cost its own document a `timeout` or `conversion_failed` reason.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Sequence

from parsers.documents.limits import Limits
from reportbox.errors import DocumentError


# Every temp folder a tool works in starts with this: a worker killed mid-conversion leaves its
# folder behind, and the processing driver sweeps old ones by this name.
TEMP_PREFIX = "reportbox-tool-"


def find_tool(*names: str) -> str | None:
    """The first of `names` found on PATH (soffice / libreoffice, unar / bsdtar …), or None."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_tool(argv: Sequence[str], limits: Limits, *, input: bytes | None = None, cwd: str | None = None,
             env: dict[str, str] | None = None, what: str = "conversion") -> subprocess.CompletedProcess:
    """Run a tool to completion or kill it (and its children) at the time limit.

    Raises DocumentError `timeout` past the limit; the caller judges the exit status.
    """
    memory = limits.subprocess_memory_bytes

    def confine() -> None:  # in the child, before exec
        os.setsid()  # its own process group, so a timeout kills the helpers it spawned too
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    process = subprocess.Popen(
        list(argv), stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env, preexec_fn=confine,
    )
    try:
        stdout, stderr = process.communicate(input, timeout=limits.subprocess_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        _reap(process)
        raise DocumentError(
            f"{what} took longer than {limits.subprocess_seconds:g} s and was stopped", reason="timeout"
        ) from None
    except BaseException:
        _kill_group(process)
        _reap(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _reap(process: subprocess.Popen) -> None:
    """Collect a killed tool; a descendant that escaped its group may still hold the pipes open."""
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
