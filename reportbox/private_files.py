"""Files only their owner may read: the database (every report, the password hashes), the raw
store (every message as received), the dashboard's signing secret and a rotated OAuth2 refresh token.

Each is created owner-only from its first byte, never chmod-ed after the fact. One that already
exists with a wider mode (made by an older version, or on purpose for a group) is left as it is,
with a warning saying how to tighten it: changing an administrator's choice is theirs to make.
"""

from __future__ import annotations

import logging
import os
import pwd
import stat
import tempfile
from pathlib import Path

log = logging.getLogger("reportbox.files")

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_file(path: Path) -> bool:
    """Create `path` empty and owner-only unless it exists; True when it was made now."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        return False
    return True


def make_private_dir(path: Path) -> None:
    """Create the directory `path` owner-only unless it exists (its missing parents get the usual mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        pass


def make_secret_file(path: Path, value: str) -> bool:
    """Write `value` to `path` unless it exists; True when written now. The file appears whole and
    owner-only or not at all: written to a private temporary file, then linked into place, so two
    processes starting at once both read the first one's secret, never a half-written one."""
    if os.path.lexists(path):  # a dangling symbolic link too: never followed to make a file elsewhere
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(value)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(temporary)
    _sync_dir(path.parent)
    return True


class NotOwner(PermissionError):
    """A secret file of another user, which this one may not replace: its owner could not read ours."""

    def __init__(self, path: Path, owner: int) -> None:
        super().__init__(f"{path} belongs to user {user_name(owner)}, not to this one ({user_name(os.geteuid())})")
        self.path, self.owner = path, owner


def replace_secret_file(path: Path, value: str) -> None:
    """Replace the secret in `path` by `value` (a rotated OAuth2 refresh token). The new file is
    owner-only from its first byte and appears whole: written to a private temporary file beside
    it, synced, then renamed over it, so a crash leaves the old secret or the new one, never half
    of either. A symbolic link at `path` is replaced, never followed.

    The new file keeps the old one's owner and group: root running `reportbox doctor` or `poll`
    must not leave a root-only file the daemon's user cannot read at its next start. A user other
    than root and the owner cannot give a file away, so it replaces nothing: raises NotOwner.
    Raises OSError."""
    try:
        old = os.lstat(path)
    except FileNotFoundError:
        old = None
    me = os.geteuid()
    if old is not None and old.st_uid != me and me != 0:
        raise NotOwner(path, old.st_uid)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(value + "\n")
            stream.flush()
            if old is not None and (old.st_uid, old.st_gid) != (me, os.getegid()):
                os.fchown(stream.fileno(), old.st_uid, old.st_gid)  # root only (above); mode stays 0600
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _sync_dir(path.parent)


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def own_regular_file(path: Path) -> str | None:
    """Why `path` cannot be trusted to hold a secret, or None: it must be a regular file of this
    user, not a symbolic link (which another user able to write in its folder could plant)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None  # missing or unreachable: whoever opens it reports that
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_uid != os.geteuid():
        return f"belongs to user {info.st_uid}, not to this one ({os.geteuid()})"
    return None


def _sync_dir(folder: Path) -> None:
    """Make a new name in `folder` durable (a crash then finds the secret, not an empty name)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def warn_if_shared(path: Path, what: str) -> bool:
    """Log a warning when `path` can be read or entered by others than its owner; True if so."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return False  # missing or unreachable: whoever opens it reports that
    if not mode & 0o077:
        return False
    wanted = DIR_MODE if os.path.isdir(path) else FILE_MODE
    log.warning("%s %s has mode %04o, open to others than its owner: chmod %o %s", what, path, mode, wanted, path)
    return True
