"""Whether reportbox can write where its configuration says it keeps things (the raw store, a
SQLite database), asked before any work starts: a wrong path is then one line naming the setting,
not a traceback at the first poll. Nothing is created or changed by asking."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from models.db import sqlite_file
from reportbox.errors import StorageError

FIX = "let the user reportbox runs as write there, or choose another path"


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be made in `folder` (or, while it does not exist, in the nearest folder
    above it, where it will be made), or None when they can."""
    folder = Path(folder).absolute()
    for existing in (folder, *folder.parents):
        if os.path.lexists(existing):
            break
    if not existing.exists():
        return f"{existing} is a symbolic link to nothing"
    if not existing.is_dir():
        return f"{existing} is not a folder"
    try:
        with tempfile.TemporaryFile(dir=existing, prefix=".reportbox-probe-"):
            pass
    except OSError as exc:
        return f"cannot create files in {existing}: {exc.strerror or exc}"
    return None


def database_problem(url: str) -> str | None:
    """Why a SQLite database cannot be written (SQLite also makes -wal and -shm files beside it),
    or None. A server database (PostgreSQL) is the server's to check: None."""
    path = sqlite_file(url)
    if path is None:
        return None
    if os.path.lexists(path):
        if not path.is_file():
            return f"{path} is not a file"
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError as exc:
            return f"cannot write {path}: {exc.strerror or exc}"
    return folder_problem(path.parent)


def require_writable(config, *, raw_store: bool = True) -> None:
    """Raise a one-line StorageError when the database (SQLite), or the raw store when
    `raw_store`, cannot be written; it names the configuration file and the setting."""
    if problem := database_problem(config.database.url):
        raise StorageError(f"{config.path}: database.url: the database {sqlite_file(config.database.url)} cannot "
                           f"be written ({problem}); {FIX}", reason="not_writable")
    if raw_store and (problem := folder_problem(config.storage.raw_dir)):
        raise StorageError(f"{config.path}: storage.raw_dir: the raw store {config.storage.raw_dir} cannot be "
                           f"written ({problem}); {FIX}", reason="not_writable")
