"""The single-instance lock: refused while held and renewed, taken over when its holder is gone."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.exc import OperationalError

from models import lock as lock_module
from models.db import make_engine, session_factory, upgrade
from models.lock import DatabaseLock, held
from reportbox.errors import LockHeldError


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def test_held_lock_is_renewed_during_long_work(sessions, monkeypatch):
    monkeypatch.setattr(lock_module, "HEARTBEAT_SECONDS", 0.1)  # stale after 0.6 s unless renewed
    with held(sessions):
        time.sleep(1.5)
        with pytest.raises(LockHeldError):
            DatabaseLock(sessions, stale_after=0.6).acquire()
    DatabaseLock(sessions, stale_after=0.6).acquire()  # released at the end


def test_lock_of_a_dead_process_on_this_host_is_taken_over(sessions):
    first = DatabaseLock(sessions)
    first.acquire()
    first.holder = first.holder  # still alive: refused
    with pytest.raises(LockHeldError):
        DatabaseLock(sessions).acquire()
    with sessions.begin() as session:
        row = session.get(lock_module.DaemonLock, lock_module.DAEMON)
        host = row.holder.split(":")[0]
        row.holder = f"{host}:999999999:dead"  # a pid that cannot exist
    DatabaseLock(sessions).acquire()


def test_renew_rides_out_a_database_error(sessions):
    lock = DatabaseLock(sessions)
    lock.acquire()

    def broken_heartbeat():
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    lock.heartbeat = broken_heartbeat
    assert lock.renew() is True


def test_the_daemons_lease_is_remembered_after_its_release_and_a_polls_is_not(sessions):
    with held(sessions):  # `reportbox poll`
        pass
    with sessions() as session:
        assert not lock_module.has_run(session)
    daemon = DatabaseLock(sessions, remembered=True)
    daemon.acquire()
    daemon.release()
    with sessions() as session:
        assert lock_module.has_run(session)
    assert lock_module.holder_of(sessions) is None
    again = DatabaseLock(sessions, remembered=True)
    again.acquire()  # the remembered row is no lease: a new daemon starts
    assert lock_module.holder_of(sessions) == again.holder
