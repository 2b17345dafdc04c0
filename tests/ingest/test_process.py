"""The process driver: failures are recorded, retried, quarantined, and released by reprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingest.process import PURE_STAGES, Processor, sweep_tool_leftovers
from parsers.documents.external import TEMP_PREFIX
from jobs.poll import poll
from models import messages as q
from models.schema import Document, MessageState, RawMessage, Submission
from reportbox import samples

from .conftest import sources_of, states


@pytest.fixture
def stored_app(make_app, tmp_path):
    """An app with three messages fetched (not processed) from an .eml folder."""
    folder = tmp_path / "eml"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.eml").write_bytes(samples.report_message(samples.PROVINCES[i]))
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}], processing={"max_attempts": 2})
    poll(app, sources_of(app), fetch_only=True)
    assert states(app) == {MessageState.FETCHED: 3}
    return app


def _flaky_stage(fail_ids: set[int]):
    def stage(item):
        if item.raw_id in fail_ids:
            raise RuntimeError(f"stage broke on message {item.raw_id}")
        return item
    return stage


def _processor(app, stages=PURE_STAGES, **kwargs) -> Processor:
    # One worker: a stage made in a test is a closure, which cannot travel to a worker process.
    return Processor(app.sessions, app.store, max_attempts=2, inline=True, pure_stages=stages, **kwargs)


def test_failing_stage_retries_next_run_then_quarantines(stored_app):
    stages = (_flaky_stage({2}),) + PURE_STAGES
    first = _processor(stored_app, stages).run()
    assert (first.parsed, first.retry) == (2, 1)  # one attempt per run: no hot retry loop
    second = _processor(stored_app, stages).run()
    assert second.quarantined == 1
    with stored_app.sessions() as session:
        broken = session.get(RawMessage, 2)
        assert (broken.state, broken.attempts, broken.reason) == (MessageState.QUARANTINED, 2, "internal_error")
        assert "stage broke on message 2" in broken.detail and "Traceback" in broken.detail
        assert session.get(RawMessage, 1).parsed is not None


def _dead_holder() -> str:
    """The name a processor of this host would have had, in a process that no longer exists."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:dead"


def test_a_message_whose_runs_alone_never_finish_is_quarantined(stored_app):
    # Runs alone that never finished, as when the process dies on this message each time.
    for _ in range(2):
        dead = _processor(stored_app)
        dead.holder = _dead_holder()
        assert dead._claim_alone(1) is not None  # charged, then the process "dies"
    counts = _processor(stored_app).run()
    assert counts.quarantined == 1 and counts.parsed == 2
    with stored_app.sessions() as session:
        crashed = session.get(RawMessage, 1)
        assert (crashed.reason, crashed.attempts) == ("crashed", 2)
        assert "2 runs of this message alone" in crashed.detail


def test_messages_in_flight_when_the_process_died_are_run_alone_and_not_charged_for_it(stored_app):
    # Three processes died with the same three messages in flight: as many deaths as max_attempts, and more.
    for _ in range(3):
        dead = _processor(stored_app)
        dead.holder = _dead_holder()
        assert [raw_id for raw_id, _ in dead._claim(set(), 3)] == [1, 2, 3]
        with stored_app.sessions() as session:
            assert q.suspects(session) == [1, 2, 3]
            assert all(raw.attempts == 0 for raw in session.scalars(select(RawMessage)))
        with stored_app.sessions.begin() as session:  # what the next process finds: the last one's claims
            q.release_claims(session, dead.holder)
    dead._claim(set(), 3)
    counts = _processor(stored_app).run()
    assert (counts.parsed, counts.quarantined) == (3, 0)
    with stored_app.sessions() as session:
        rows = list(session.scalars(select(RawMessage)))
    assert [(raw.attempts, raw.claimed_by) for raw in rows] == [(1, None)] * 3  # each ran alone, once


def test_a_live_processors_claims_are_left_alone(stored_app):
    busy = Processor(stored_app.sessions, stored_app.store, inline=True)
    q.LIVE_CLAIMANTS.add(busy.holder)
    try:
        assert [raw_id for raw_id, _ in busy._claim(set(), 1)] == [1]
        counts = _processor(stored_app).run()
        assert counts.parsed == 2
        with stored_app.sessions() as session:
            assert q.suspects(session) == [] and session.get(RawMessage, 1).state == MessageState.FETCHED
    finally:
        busy._let_go()
    with stored_app.sessions() as session:  # its run over, its claim went back
        assert session.get(RawMessage, 1).claimed_by is None and q.suspects(session) == []
    assert _processor(stored_app).run().parsed == 1


def test_reprocess_releases_quarantined_and_reparses(stored_app):
    stages = (_flaky_stage({3}),) + PURE_STAGES
    for _ in range(2):
        _processor(stored_app, stages).run()
    assert states(stored_app) == {MessageState.SUBMISSION: 2, MessageState.QUARANTINED: 1}
    with stored_app.sessions.begin() as session:
        assert q.reset_for_reprocess(session, [3]) == 1
    counts = _processor(stored_app).run()
    assert counts.parsed == 1 and states(stored_app) == {MessageState.SUBMISSION: 3}
    # Reprocessing everything replaces parsed records rather than adding to them.
    with stored_app.sessions.begin() as session:
        q.reset_for_reprocess(session, None)
    Processor(stored_app.sessions, stored_app.store, workers=2).run()  # the real pool this time
    with stored_app.sessions() as session:
        attachments = [len(r.parsed.attachments) for r in q.list_messages(session)]
        documents = session.scalar(select(func.count()).select_from(Document))
        submissions = session.scalar(select(func.count()).select_from(Submission))
    assert attachments == [1, 1, 1] and documents == 3 and submissions == 3


def test_missing_raw_file_is_a_recorded_failure_not_a_crash(stored_app):
    with stored_app.sessions() as session:
        victim = session.scalar(select(RawMessage).where(RawMessage.id == 1))
    stored_app.store.path(victim.sha256).unlink()
    counts = Processor(stored_app.sessions, stored_app.store, max_attempts=1, workers=2).run()
    assert counts.quarantined == 1 and counts.parsed == 2
    with stored_app.sessions() as session:
        assert session.get(RawMessage, 1).reason == "raw_missing"


def die_on_poison(item):
    """A pure stage that kills its worker process, as a segfault or the OOM killer would."""
    if b"POISON" in item.data:
        os._exit(1)
    return item


def _fetched_with_marker(make_app, tmp_path, total: int, marked: int, marker: bytes):
    """An app with `total` messages fetched, message number `marked` (from 0) carrying an X-Test header."""
    folder = tmp_path / "eml"
    folder.mkdir()
    for i in range(total):
        raw = samples.report_message(samples.PROVINCES[i])
        if i == marked:
            raw = raw.replace(b"Subject:", b"X-Test: " + marker + b"\r\nSubject:")
        (folder / f"{i}.eml").write_bytes(raw)
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}], processing={"max_attempts": 2})
    poll(app, sources_of(app), fetch_only=True)
    return app


def test_a_worker_that_dies_charges_only_its_own_message(make_app, tmp_path):
    app = _fetched_with_marker(make_app, tmp_path, 6, 2, b"POISON")
    stages = (die_on_poison,) + PURE_STAGES
    first = Processor(app.sessions, app.store, max_attempts=2, workers=2, pure_stages=stages).run()
    assert (first.parsed, first.retry) == (5, 1)
    second = Processor(app.sessions, app.store, max_attempts=2, workers=2, pure_stages=stages).run()
    assert second.quarantined == 1
    with app.sessions() as session:
        poisoned = session.get(RawMessage, 3)
        assert (poisoned.state, poisoned.reason, poisoned.attempts) == (MessageState.QUARANTINED, "worker_died", 2)
        innocent = [session.get(RawMessage, i) for i in (1, 2, 4, 5, 6)]
        # Those that were in flight with it ran again alone (one attempt, which they finished).
        assert all(raw.state == MessageState.SUBMISSION and raw.attempts <= 1 for raw in innocent)
        assert all(raw.reason is None for raw in innocent)


def slow_after_the_first(item):
    """The first message is done at once, the others take a while: a stop comes while they wait."""
    if item.raw_id > 1:
        time.sleep(0.5)
    return item


def test_a_stop_finishes_the_messages_in_hand_and_gives_the_rest_back(make_app, tmp_path):
    app = _fetched_with_marker(make_app, tmp_path, 10, -1, b"")
    stop = threading.Event()
    counts = Processor(app.sessions, app.store, workers=2, stop=stop, on_message=stop.set,
                       pure_stages=(slow_after_the_first,) + PURE_STAGES).run()
    assert 1 <= counts.parsed < 10
    with app.sessions() as session:
        rows = list(session.scalars(select(RawMessage)))
    waiting = [raw for raw in rows if raw.state == MessageState.FETCHED]
    assert len(waiting) == 10 - counts.parsed and all(raw.attempts == 0 for raw in waiting)
    assert Processor(app.sessions, app.store, workers=2).run().parsed == len(waiting)


def hog_on_marker(item):
    """A pure stage that wants 3 GB at once, as a decompression bomb in a library would."""
    if b"X-Test: HOG" in item.data:
        bytearray(3 << 30)
    return item


def test_a_worker_over_its_memory_limit_fails_its_message_not_the_machine(make_app, tmp_path):
    app = _fetched_with_marker(make_app, tmp_path, 4, 1, b"HOG")
    counts = Processor(app.sessions, app.store, workers=2, worker_memory=1 << 30,
                       pure_stages=(hog_on_marker,) + PURE_STAGES).run()
    assert (counts.parsed, counts.retry) == (3, 1)
    with app.sessions() as session:
        hog = session.get(RawMessage, 2)
        assert hog.state == MessageState.FETCHED and "MemoryError" in hog.detail  # waits for a retry


def _record_stage_breaking_on(raw_id: int):
    def stage(item, ctx):
        if item.raw_id == raw_id:  # a real database error, raised mid-transaction
            ctx.session.execute(RawMessage.__table__.insert().values(sha256=ctx.raw.sha256, size=1))
        return item
    return stage


def test_messages_recorded_together_fail_alone(stored_app):
    from ingest.process import RECORD_STAGES, InlineExecutor, Item, run_pure_stages

    processor = Processor(stored_app.sessions, stored_app.store, max_attempts=2, workers=2,
                          record_stages=(_record_stage_breaking_on(2),) + RECORD_STAGES)
    claimed = processor._claim(set(), 3)
    finished = [(raw_id, InlineExecutor().submit(run_pure_stages,
                                                 Item(raw_id, str(stored_app.store.path(sha))), PURE_STAGES))
                for raw_id, sha in claimed]
    assert processor._finish_together(finished) == ["parsed", "retry", "parsed"]
    with stored_app.sessions() as session:
        broken = session.get(RawMessage, 2)
        assert (broken.state, broken.reason, broken.parsed) == (MessageState.FETCHED, "internal_error", None)
        assert "IntegrityError" in broken.detail
        assert session.get(RawMessage, 3).parsed is not None


def test_work_folders_left_by_dead_workers_are_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh, other = (tmp_path / f"{TEMP_PREFIX}soffice-old", tmp_path / f"{TEMP_PREFIX}unar-new",
                         tmp_path / "someone-elses-old")
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "input.doc").write_bytes(b"x")
    for folder in (old, other):
        os.utime(folder, (time.time() - 7200, time.time() - 7200))
    assert sweep_tool_leftovers() == 1
    assert not old.exists() and fresh.exists() and other.exists()


def test_whether_a_claims_processor_is_gone():
    now = datetime.now(timezone.utc)
    here = socket.gethostname()
    alive = f"{here}:{os.getppid()}:t"  # the process that started the tests
    booted = q._booted_at()
    old = max(now - q.STALE_CLAIM_AFTER * 2, booted + timedelta(seconds=1)) if booted else now - timedelta(hours=5)
    assert not q.claim_is_stale(alive, old, now)  # alive here: never taken, however old
    assert q.claim_is_stale(_dead_holder(), now, now)
    assert q.claim_is_stale(f"{here}:{os.getpid()}:over", now, now)  # a processor of this process whose run ended
    assert q.claim_is_stale(alive, datetime(2000, 1, 1, tzinfo=timezone.utc), now)  # before this machine booted
    assert q.claim_is_stale(None, now, now)  # a claim from before claims were named
    elsewhere = "another-host:12:t"
    assert not q.claim_is_stale(elsewhere, now - timedelta(hours=1), now)
    assert q.claim_is_stale(elsewhere, now - q.STALE_CLAIM_AFTER - timedelta(seconds=1), now)
    q.LIVE_CLAIMANTS.add(elsewhere)
    try:
        assert not q.claim_is_stale(elsewhere, now - timedelta(days=1), now)
    finally:
        q.LIVE_CLAIMANTS.discard(elsewhere)


def linger_on_the_first(item):
    """Message 1 takes its time, saying so in a file beside its raw bytes (with its worker's pid)."""
    if item.raw_id == 1:
        Path(item.raw_path + ".started").write_text(str(os.getpid()))
        time.sleep(1.5)
    return item


def _when_started(app, then) -> threading.Thread:
    def watch():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = list(app.store.root.rglob("*.started"))
            if found:
                then(int(found[0].read_text()))
                return
            time.sleep(0.02)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("kill_the_worker", [False, True])
def test_a_stop_during_a_run_alone_charges_nothing(stored_app, kill_the_worker):
    """A service stop reaches the whole group; a kill may follow (after the manager's timeout)."""
    dead = _processor(stored_app)
    dead.holder = _dead_holder()
    dead._claim(set(), 1)  # message 1 was in flight when a process died: it runs alone
    stop = threading.Event()

    def stop_then_maybe_kill(worker_pid: int) -> None:
        stop.set()
        time.sleep(0.7)  # the processor sees the stop and gives the attempt back
        if kill_the_worker:
            os.kill(worker_pid, signal.SIGKILL)

    watcher = _when_started(stored_app, stop_then_maybe_kill)
    counts = Processor(stored_app.sessions, stored_app.store, max_attempts=1, workers=1, stop=stop,
                       pure_stages=(linger_on_the_first,) + PURE_STAGES).run()
    watcher.join()
    assert counts.quarantined == 0
    with stored_app.sessions() as session:
        first = session.get(RawMessage, 1)
        if kill_the_worker:  # back in the queue, uncharged
            assert (first.state, first.attempts, first.claimed_by) == (MessageState.FETCHED, 0, None)
        else:  # the message in hand was finished, its attempt given back
            assert (first.state, first.attempts) == (MessageState.SUBMISSION, 0)
        assert all(raw.state == MessageState.FETCHED and raw.attempts == 0
                   for raw in (session.get(RawMessage, 2), session.get(RawMessage, 3)))


def test_an_idle_worker_that_died_is_no_messages_doing(stored_app):
    for raw_id in (1, 2):
        dead = _processor(stored_app)
        dead.holder = _dead_holder()
        with stored_app.sessions.begin() as session:
            q.claim_alone(session, raw_id, dead.holder)
    processor = Processor(stored_app.sessions, stored_app.store, max_attempts=1, workers=1)

    def kill_the_idle_workers() -> None:  # once, after the first message: the OOM killer choosing an idle worker
        if processor._pool is not None and not killed:
            killed.extend(processor._pool._processes)
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    killed: list[int] = []

    processor.on_message = kill_the_idle_workers
    counts = processor.run()
    assert (counts.parsed, counts.quarantined) == (3, 0) and killed
    with stored_app.sessions() as session:
        assert [session.get(RawMessage, i).attempts for i in (1, 2, 3)] == [1, 1, 0]


def test_a_worker_death_is_not_charged_to_a_message_taken_back_meanwhile(stored_app):
    processor = Processor(stored_app.sessions, stored_app.store, max_attempts=1, workers=1)
    q.LIVE_CLAIMANTS.add(processor.holder)
    try:
        processor._claim(set(), 1)
        assert processor._claim_alone(1) is not None
        with stored_app.sessions.begin() as session:  # `reprocess --message 1`, beside the daemon
            q.reset_for_reprocess(session, [1])
        died: Future = Future()
        died.set_exception(BrokenProcessPool("a worker died"))
        assert processor._finish_alone(1, died, waited=True) == "skipped"
    finally:
        processor._let_go()
    with stored_app.sessions() as session:
        raw = session.get(RawMessage, 1)
        assert (raw.state, raw.attempts, raw.reason) == (MessageState.FETCHED, 0, None)
