"""Decide what happens when a real test server cannot be run here.

On a developer machine a missing Dovecot or PostgreSQL should only skip the
tests that need it.  On CI (the ``CI`` environment variable is set) the same
absence means the image is broken, and a skip would silently hide every
server-backed test, so it fails loudly instead.
"""

from __future__ import annotations

import os
import shutil

import pytest


def on_ci() -> bool:
    """True when running under CI, where missing tools are an error."""
    return bool(os.environ.get("CI"))


def unavailable(message: str) -> None:
    """Skip the test locally, fail it on CI; never returns."""
    if on_ci():
        pytest.fail(f"{message} (CI is set, so this is an error, not a skip)", pytrace=False)
    pytest.skip(message)


def find_tool(name_or_path: str) -> str | None:
    """Absolute path of an executable given by name (looked up on PATH) or by path."""
    if os.sep in name_or_path:
        return name_or_path if os.access(name_or_path, os.X_OK) else None
    return shutil.which(name_or_path)


def require_tool(name_or_path: str, why: str) -> str:
    """Return the tool's path, or skip/fail the test explaining what it is needed for."""
    path = find_tool(name_or_path)
    if path is None:
        unavailable(f"{name_or_path} is not installed; needed {why}")
    return path


def require_root(why: str) -> None:
    """The real-server fixtures switch users (dovecot mail user, postgres), which needs root."""
    if os.geteuid() != 0:
        unavailable(f"must run as root {why}")
