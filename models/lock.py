"""The single-instance lock, held in the database as a lease so it works on SQLite and PostgreSQL.

A daemon renews its lease on a heartbeat; a lease not renewed for `stale_after` seconds, or
held by a process of this host that no longer exists, may be taken over.

The daemon's lease is also remembered in a row of its own ("daemon:ran", never a lease) that its
release leaves in place: doctor tells a daemon that stopped from one that never ran here.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from models.schema import DaemonLock, utcnow
from reportbox.errors import LockHeldError

DAEMON = "daemon"
HEARTBEAT_SECONDS = 15
log = logging.getLogger("reportbox.lock")


class DatabaseLock:
    def __init__(self, sessions: sessionmaker[Session], name: str = DAEMON, stale_after: float = 90.0, *,
                 remembered: bool = False) -> None:
        self._sessions = sessions
        self.name = name
        self.remembered = remembered  # the daemon's: `has_run` knows it ran (not a `reportbox poll`'s)
        self.stale_after = timedelta(seconds=stale_after)
        self.holder = new_holder()
        # Whether the latest acquire or heartbeat went through (the watchdog's cue). Not renew()'s
        # result, which stays True through a passing database error and is False only once the lock is lost.
        self.last_renewal_ok = False

    def acquire(self) -> None:
        now = utcnow()
        try:
            with self._sessions.begin() as session:
                current = session.get(DaemonLock, self.name, with_for_update=True)
                if current is not None and not self._takeable(current, now):
                    raise LockHeldError(
                        f"another reportbox daemon holds the lock on this database "
                        f"({current.holder}, last heartbeat {current.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC); "
                        "stop it first, or wait until its lease expires"
                    )
                if current is None:
                    session.add(DaemonLock(name=self.name, holder=self.holder, acquired_at=now, heartbeat_at=now))
                else:
                    current.holder, current.acquired_at, current.heartbeat_at = self.holder, now, now
                if self.remembered:
                    ran = session.get(DaemonLock, ran_name(self.name))
                    if ran is None:
                        session.add(DaemonLock(name=ran_name(self.name), holder=self.holder, acquired_at=now,
                                               heartbeat_at=now))
                    else:
                        ran.holder, ran.acquired_at, ran.heartbeat_at = self.holder, now, now
        except IntegrityError as exc:  # another process inserted the row between our read and write
            raise LockHeldError("another reportbox daemon took the lock on this database just now") from exc
        self.last_renewal_ok = True

    def renew(self) -> bool:
        """Heartbeat, riding out a passing database error; False once the lock is someone else's."""
        self.last_renewal_ok = False
        try:
            self.heartbeat()
            self.last_renewal_ok = True
        except LockHeldError:
            return False
        except SQLAlchemyError as exc:  # a restarting server, a busy SQLite: the lease has slack
            log.warning("could not renew the daemon lock (will retry): %s", exc)
        return True

    def heartbeat(self) -> None:
        with self._sessions.begin() as session:
            current = session.get(DaemonLock, self.name, with_for_update=True)
            if current is None or current.holder != self.holder:
                raise LockHeldError(f"lost the daemon lock to {current.holder if current else 'nobody'}")
            current.heartbeat_at = utcnow()

    def release(self) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(DaemonLock).where(DaemonLock.name == self.name, DaemonLock.holder == self.holder))

    def _takeable(self, current: DaemonLock, now: datetime) -> bool:
        if current.holder == self.holder or now - current.heartbeat_at > self.stale_after:
            return True
        return holder_is_dead(current.holder)


def new_holder() -> str:
    """Who holds something: host:pid:token, so a dead holder on this host can be recognised."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_dead(holder: str) -> bool:
    """True only when certain: a process of this host that no longer exists."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return host == socket.gethostname() and pid.isdigit() and not _alive(int(pid))


def ran_name(name: str) -> str:
    return f"{name}:ran"


def has_run(session: Session, name: str = DAEMON) -> bool:
    """Whether a daemon ever held the lease `name` on this database (or something holds it now)."""
    return session.get(DaemonLock, name) is not None or session.get(DaemonLock, ran_name(name)) is not None


def holder_of(sessions: sessionmaker[Session], name: str = DAEMON) -> str | None:
    with sessions() as session:
        return session.scalar(select(DaemonLock.holder).where(DaemonLock.name == name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def held(sessions: sessionmaker[Session], name: str = DAEMON):
    """Hold the lock for a block of work, renewing it in the background so long runs keep it."""
    lock = DatabaseLock(sessions, name, stale_after=6 * HEARTBEAT_SECONDS)
    lock.acquire()
    done = threading.Event()

    def keep() -> None:
        while not done.wait(HEARTBEAT_SECONDS):
            if not lock.renew():
                log.critical("lost the lock %s to another process", name)
                return

    keeper = threading.Thread(target=keep, name="lock-keeper", daemon=True)
    keeper.start()
    try:
        yield lock
    finally:
        done.set()
        keeper.join()
        lock.release()
