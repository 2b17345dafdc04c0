"""The process stage: stored raw messages → parsed records, through declared lists of stages.

Two kinds of stage, each a short declared tuple with one signature:
- pure stages, `stage(item) -> item`, turn bytes into dataclasses (parsing now; reading
  documents and identification next). They touch no database, so they run in a pool of worker
  processes, one per core: this is where the time goes.
- recording stages, `stage(item, ctx) -> item`, write what the pure stages found, inside the
  one transaction the driver opens per message.
Stages neither commit nor catch. The driver owns the loop and every failure: a MessageError
means the message itself is bad (state `failed`, with its reason); anything else counts as an
attempt and, after `max_attempts`, the message is quarantined until `reportbox reprocess`.
A crash is charged only to the message that caused it: messages run together are claimed, not
charged; after a worker or the whole process dies, those in flight are run alone, one at a time,
each charged (committed) before its run, so a run alone that never ends is that message's doing.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ingest.feed import Feed, ProcessCounts
from ingest.leftovers import sweep_tool_leftovers
from ingest.rawstore import RawStore
from models import documents, submissions
from models.bounces import record_bounce
from models.lock import new_holder
from models import messages as q
from models.schema import MessageState, RawMessage
from parsers.attachments import Reading, ReadFile, read_attachments, sections_found, unread_scans
from parsers.bounces import Bounce, read_bounce
from parsers.identify import Identification, identify
from parsers.signals import facts_from
from parsers.message import ParsedMessage, parse_message, without_payloads
from reportbox.errors import MessageError

log = logging.getLogger("reportbox.ingest")
_WORKER_CONTEXT = multiprocessing.get_context("forkserver")
# Imported once by the fork server, so every worker starts with them loaded and shares their pages
# ("__main__" spares each worker from importing the command line again; the readers' libraries
# take about half a second).
_WORKER_CONTEXT.set_forkserver_preload(
    ["__main__", "ingest.process", "parsers.documents.word", "parsers.documents.pdf", "parsers.documents.sheets"])


@dataclass
class Item:
    """What travels through the stages, to a worker and back: plain data only, and small.

    The worker reads the raw bytes itself (`raw_path`), and sends back facts, not payloads.
    """

    raw_id: int
    raw_path: str
    reading: Reading = Reading()
    received_at: datetime | None = None  # the server's time: identification weighs it, never the Date header
    data: bytes = b""
    parsed: ParsedMessage | None = None
    files: tuple[ReadFile, ...] = ()
    identity: Identification | None = None
    bounce: Bounce | None = None  # a delivery-status notification: what it says about our mail


@dataclass(frozen=True)
class Context:
    session: Session
    raw: RawMessage  # locked for this transaction


def parse_stage(item: Item) -> Item:
    item.parsed = parse_message(item.data)
    return item


def bounce_stage(item: Item) -> Item:
    """Before the raw bytes are let go: is this a bounce (of our reminders, most likely)?"""
    item.bounce = read_bounce(item.data)
    return item


def read_stage(item: Item) -> Item:
    item.data = b""  # the parsed parts hold what documents need: a 30 MB message is not kept twice
    item.files = read_attachments(item.parsed.attachments, item.reading)
    return item


def identify_stage(item: Item) -> Item:
    if item.received_at is not None:
        analyses = [(file.document.path, file.analysis) for file in item.files]
        reading = item.reading
        facts = facts_from(item.parsed, analyses, item.received_at, trusted_authserv_ids=reading.trusted_authserv_ids)
        item.identity = identify(facts, reading.campaigns, contacts=reading.contacts,
                                 require_known_sender=reading.require_known_sender,
                                 unread_scans=unread_scans(item.files))
    return item


def record_stage(item: Item, ctx: Context) -> Item:
    # Normally there is nothing to clear; but a reprocess racing a processor, or a crash between
    # the two halves of an older reset, can leave rows that would make every retry fail.
    q.clear_results(ctx.session, ctx.raw.id)
    q.store_parsed(ctx.session, ctx.raw, item.parsed)
    q.set_outcome(ctx.raw, MessageState.PARSED)
    return item


def record_submission_stage(item: Item, ctx: Context) -> Item:
    """A message with files, or a report written in the body, is a submission; a message that is
    none (a reply without files, an auto-reply) is ignored with the reason, and a bounce is
    recorded against the mail of ours it reports on (models.bounces)."""
    identity = item.identity
    if item.files:
        documents.store_documents(ctx.session, ctx.raw.id, item.files)
    found = sections_found(item.files, item.reading.outline)
    if item.bounce is not None and not found:  # a report that only looks like a bounce stays a report
        submissions.drop_submission(ctx.session, ctx.raw.id)
        q.set_outcome(ctx.raw, MessageState.IGNORED, "bounce", record_bounce(ctx.session, ctx.raw, item.bounce))
    elif item.files or (identity is not None and identity.kind == "submission"):
        sender = item.parsed.sender.address.strip().lower() if item.parsed.sender else None
        submissions.record_submission(ctx.session, ctx.raw.id, sender or None, found, identity)
        q.set_outcome(ctx.raw, MessageState.SUBMISSION)
    else:
        submissions.drop_submission(ctx.session, ctx.raw.id)
        if identity is not None:
            q.set_outcome(ctx.raw, MessageState.IGNORED, identity.reason, "; ".join(identity.evidence[:3]) or None)
    return item


PURE_STAGES: tuple[Callable[[Item], Item], ...] = (parse_stage, bounce_stage, read_stage, identify_stage)
RECORD_STAGES: tuple[Callable[[Item, Context], Item], ...] = (record_stage, record_submission_stage)


def run_pure_stages(item: Item, stages: tuple[Callable[[Item], Item], ...]) -> Item:
    """Runs in a worker process; stages travel by reference, so they are module-level functions."""
    item.data = RawStore.read_path(item.raw_path)
    for stage in stages:
        item = stage(item)
    item.data = b""
    if item.parsed is not None:
        item.parsed = without_payloads(item.parsed)
    return item


class InlineExecutor(Executor):
    """Runs work at once in this process: one worker, no pickling, the same driver code."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the driver through the future
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future


def _start_worker(limit: int) -> None:
    """A worker leaves stopping to the daemon, which finishes the message in hand: a service stop or
    Ctrl-C, sent to the whole process group, must not kill a worker mid-message.

    A worker that outgrows its share gets a MemoryError (the document is refused as too large)
    instead of the kernel's OOM killer choosing a process. Only the soft limit: the tools a worker
    runs (LibreOffice, Tesseract) set their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if limit:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


class Processor:
    """Runs the stages over the waiting messages, and decides who is charged when a run fails.

    Messages run together in the pool, claimed but not charged. A message is charged an attempt
    only for a run of its own doing: an error raised on it, or a run *alone* that never finished.
    When a worker dies, or the whole process did (its claims are left behind), every message that
    was in flight is run again alone, one at a time, each charged as it starts; a message that
    kills its run alone `max_attempts` times is quarantined.
    """

    def __init__(self, sessions: sessionmaker[Session], store: RawStore, *, max_attempts: int = 3,
                 workers: int | None = None, pure_stages=PURE_STAGES, record_stages=RECORD_STAGES,
                 stop: threading.Event | None = None, on_message: Callable[[], None] | None = None,
                 feed: Feed | None = None, reading: Reading = Reading(), worker_memory: int = 0,
                 inline: bool = False) -> None:
        self.sessions, self.store = sessions, store
        self.max_attempts = max_attempts
        self.workers = workers or default_workers()
        self.pure_stages, self.record_stages = pure_stages, record_stages
        self.stop = stop
        self.on_message = on_message
        self.feed = feed
        self.reading = reading
        self.worker_memory = worker_memory  # bytes of address space per worker; 0 = no limit
        # Inline runs the pure stages in this thread, without the time and memory limits only a
        # worker process can have: for tests of the driver, never for the daemon.
        self.inline = inline
        self.holder = new_holder()  # names this processor's claims
        self._received: dict[int, datetime] = {}  # claimed message → its received time, for the worker
        self._pool: Executor | None = None
        self._alone: set[int] = set()  # running alone now: already charged for this run

    def run(self, limit: int | None = None) -> ProcessCounts:
        """Process waiting messages until none is left (or `limit`, or a stop is asked for)."""
        sweep_tool_leftovers()
        counts = ProcessCounts()
        tried: set[int] = set()  # failed in this run, or taken by another processor: not again in this run
        # Messages in flight: enough to keep every worker busy while this process commits. Claims
        # top the window up once half of it is done, so each claim commit covers several messages.
        window = 1 if self.inline else 8 * self.workers
        in_flight: dict[Future, tuple[int, str]] = {}  # future → (message id, raw SHA-256)
        suspects_done = False
        q.LIVE_CLAIMANTS.add(self.holder)
        try:
            while True:
                room = window - len(in_flight)
                if limit is not None:
                    room = min(room, limit - counts.total - len(in_flight))
                stopping = self._stop_asked() or (room <= 0 and not in_flight)
                if stopping and in_flight:
                    # Finish the messages in hand, not the whole window: those no worker has started
                    # go back to the queue.
                    self._give_back([future for future in in_flight if future.cancel()], in_flight)
                orphans, drained = [], False
                if room > 0 and len(in_flight) <= window // 2 and not stopping:
                    busy = tried | {raw_id for raw_id, _ in in_flight.values()}
                    if not suspects_done:
                        # First, alone, what a processor that is gone left in flight and what killed
                        # a worker: read once a run (those of this run's own making run at once).
                        suspects_done = True
                        self._run_alone(self._suspects(busy), counts, tried, limit)
                        continue
                    claimed = self._claim(busy, room)
                    drained = not claimed
                    for raw_id, sha256 in claimed:
                        try:
                            in_flight[self._submit(raw_id, sha256)] = (raw_id, sha256)
                        except BrokenProcessPool:  # the pool broke before this one could start
                            orphans.append(raw_id)
                done = set()
                if in_flight and not orphans:
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                if orphans or any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                    # A worker died (killed, out of memory): every message in flight failed with it,
                    # but for those that had finished. Re-run the others one by one, so that only
                    # the one that kills a worker is charged.
                    self._drop_pool()
                    self._record([f for f in done if not isinstance(f.exception(), BrokenProcessPool)],
                                 in_flight, counts, tried)
                    victims = sorted([raw_id for raw_id, _ in in_flight.values()] + orphans)
                    in_flight.clear()
                    self._run_alone(victims, counts, tried)
                    continue
                self._record(done, in_flight, counts, tried)
                if not in_flight and (stopping or drained):
                    if stopping or self.feed is None or not self.feed.wait_for_more():
                        break
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._let_go()
        return counts

    def _record(self, futures, in_flight: dict[Future, tuple[int, str]], counts: ProcessCounts,
                tried: set[int]) -> None:
        """Record the messages of these finished futures, taking them out of `in_flight`."""
        finished = sorted((in_flight.pop(future)[0], future) for future in futures)
        if finished:
            for (raw_id, _), outcome in zip(finished, self._finish_together(finished)):
                self._count(counts, outcome, raw_id, tried)

    def _stop_asked(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def _executor(self) -> Executor:
        if self._pool is None:
            self._pool = self._new_executor()
        return self._pool

    def _new_executor(self) -> Executor:
        if self.inline:
            return InlineExecutor()
        # Workers come from a clean single-threaded fork server: forking the daemon itself, with
        # its scheduler and heartbeat threads, could copy a lock some thread holds at that moment.
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_WORKER_CONTEXT,
                                   initializer=_start_worker, initargs=(self.worker_memory,))

    def _drop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _warm_pool(self) -> None:
        """A pool known to be alive before a run alone is charged: a process killed while the fork
        server boots, or a worker that died idle (the OOM killer), is no message's doing."""
        for _ in range(2):
            try:
                self._executor().submit(os.getpid).result()
                return
            except BrokenProcessPool:
                self._drop_pool()
        self._executor().submit(os.getpid).result()  # a pool that cannot start at all: raised

    def _submit(self, raw_id: int, sha256: str) -> Future:
        item = Item(raw_id=raw_id, raw_path=str(self.store.path(sha256)), reading=self.reading,
                    received_at=self._received.get(raw_id))
        return self._executor().submit(run_pure_stages, item, self.pure_stages)

    def _suspects(self, skip: set[int]) -> list[int]:
        with self.sessions() as session:
            return q.suspects(session, skip)

    def _run_alone(self, raw_ids: list[int], counts: ProcessCounts, tried: set[int],
                   limit: int | None = None) -> None:
        """Run messages one at a time, each charged an attempt (committed) before it starts."""
        for index, raw_id in enumerate(raw_ids):
            if self._stop_asked() or (limit is not None and counts.total >= limit):
                with self.sessions.begin() as session:  # our own claims among them go back
                    q.release_claims(session, self.holder, raw_ids[index:])
                return
            self._warm_pool()
            claim = self._claim_alone(raw_id)
            if claim is None:
                tried.add(raw_id)  # another processor has it
                continue
            if claim == MessageState.QUARANTINED:
                self._count(counts, "quarantined", raw_id, tried)
                continue
            self._alone.add(raw_id)
            try:
                outcome = self._finish_alone(raw_id, self._submit(raw_id, claim), waited=True)
            except BaseException:  # Ctrl-C, a database gone: the run did not end by the message's doing
                self._uncharge(raw_id)
                raise
            finally:
                self._alone.discard(raw_id)
            self._count(counts, outcome, raw_id, tried)

    def _claim_alone(self, raw_id: int) -> str | None:
        """The message's SHA-256, once its attempt is committed; QUARANTINED when it has no attempt
        left; None if another processor has it."""
        with self.sessions.begin() as session:
            raw, cut_short = q.claim_alone(session, raw_id, self.holder)
            if raw is None:
                return None
            if raw.attempts >= self.max_attempts:  # its last run alone never finished (or max_attempts went down)
                log.error("message %d: quarantined after %d runs that did not finish", raw_id, raw.attempts)
                if cut_short:
                    q.set_outcome(raw, MessageState.QUARANTINED, "crashed",
                                  f"{raw.attempts} runs of this message alone ended without a result (the process "
                                  "died); run `reportbox reprocess --message ID` once the cause is fixed")
                else:
                    q.set_outcome(raw, MessageState.QUARANTINED, raw.reason, raw.detail)
                return MessageState.QUARANTINED
            raw.attempts += 1
            self._received[raw.id] = raw.received_at
            return raw.sha256

    def _uncharge(self, raw_id: int) -> None:
        """Give back the attempt of a run alone that a stop, not the message, cut short."""
        if raw_id in self._alone:
            self._alone.discard(raw_id)
            try:
                with self.sessions.begin() as session:
                    raw = q.lock_for_processing(session, raw_id, self.holder)
                    if raw is not None and raw.attempts > 0:
                        raw.attempts -= 1
            except Exception as exc:  # noqa: BLE001 - the database may be what stopped us
                log.warning("message %d: could not give back its attempt (%r)", raw_id, exc)

    def _count(self, counts: ProcessCounts, outcome: str, raw_id: int, tried: set[int]) -> None:
        if outcome in ("retry", "skipped"):
            tried.add(raw_id)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        if self.on_message is not None and outcome != "skipped":
            self.on_message()

    def _give_back(self, cancelled: list[Future], in_flight: dict[Future, tuple[int, str]]) -> None:
        if cancelled:
            with self.sessions.begin() as session:
                q.release_claims(session, self.holder, [in_flight.pop(future)[0] for future in cancelled])

    def _let_go(self) -> None:
        """At the end of a run, claims still held go back; should the database be out of reach,
        they are left to be found stale, and their messages run alone."""
        q.LIVE_CLAIMANTS.discard(self.holder)
        try:
            with self.sessions.begin() as session:
                q.release_claims(session, self.holder)
        except Exception as exc:  # noqa: BLE001 - a run that ended on a database error lands here too
            log.warning("could not give back this run's claims (%r); they will be run alone next time", exc)

    def _claim(self, skip: set[int], wanted: int) -> list[tuple[int, str]]:
        # Committed on its own before any work: should the process die, the claims say what was in flight.
        with self.sessions.begin() as session:
            claimed = q.claim_next(session, self.holder, skip, wanted)
            self._received.update((raw.id, raw.received_at) for raw in claimed)
            return [(raw.id, raw.sha256) for raw in claimed]

    def _finish_together(self, finished: list[tuple[int, Future]]) -> list[str]:
        """Record finished messages in one transaction: one commit, one fsync, for all of them.

        Should any of them fail to record (a bug, a database error), the transaction is rolled
        back and each message is recorded alone, so one bad record cannot take the others with it.
        """
        if len(finished) == 1:
            return [self._finish_alone(*finished[0])]
        try:
            with self.sessions.begin() as session:
                held = q.lock_many_for_processing(session, [raw_id for raw_id, _ in finished], self.holder)
                return [self._finish(session, held.get(raw_id), future, alone=False)
                        for raw_id, future in finished]
        except Exception as exc:  # noqa: BLE001 - each message is retried alone just below
            log.warning("recording %d messages together failed (%r); recording them one by one",
                        len(finished), exc)
            return [self._finish_alone(raw_id, future) for raw_id, future in finished]

    def _finish_alone(self, raw_id: int, future: Future, *, waited: bool = False) -> str:
        if waited:
            self._wait_alone(raw_id, future)
            if isinstance(future.exception(), BrokenProcessPool):
                self._drop_pool()
                with self.sessions.begin() as session:
                    raw = q.lock_for_processing(session, raw_id, self.holder)
                    if raw is None:
                        return "skipped"  # taken back meanwhile (`reprocess`): not ours to charge
                    if self._stop_asked():  # the stop reached the worker too (Ctrl-C, a service stop)
                        q.release_claims(session, self.holder, [raw_id])
                        return "skipped"
                    return self._charge_attempt(raw, q.WORKER_DIED,
                                                "the worker process died on this message, run alone")
        with self.sessions.begin() as session:
            return self._finish(session, q.lock_for_processing(session, raw_id, self.holder), future, alone=True)

    def _wait_alone(self, raw_id: int, future: Future) -> None:
        """Wait for a run alone; should a stop be asked meanwhile, its attempt is given back at once,
        so that the kill that may follow (a service manager's, after its timeout) charges nothing."""
        while not wait([future], timeout=0.5).done:
            if self._stop_asked():
                self._uncharge(raw_id)
                wait([future])
                return

    def _finish(self, session: Session, raw: RawMessage | None, future: Future, *, alone: bool) -> str:
        """Record what the pure stages found for one message, or why they could not.

        Alone, a failure to record is charged to the message; together with others, it is raised
        so the caller can start over with each message alone.
        """
        if raw is None:
            return "skipped"  # another worker took it (reprocess running beside us)
        try:
            item = future.result()
        except Exception as exc:  # noqa: BLE001 - the driver is the one place that catches all
            return self._failed(raw, exc)
        try:
            context = Context(session=session, raw=raw)
            with session.begin_nested() if alone else nullcontext():
                for stage in self.record_stages:
                    item = stage(item, context)
        except Exception as exc:  # noqa: BLE001
            if not alone:
                raise
            return self._failed(raw, exc)
        log.debug("message %d parsed", raw.id)
        return "parsed"

    def _failed(self, raw: RawMessage, exc: Exception) -> str:
        """A bad message fails for good; any other error costs an attempt."""
        if isinstance(exc, MessageError):
            log.info("message %d failed: %s (%s)", raw.id, exc, exc.reason)
            q.set_outcome(raw, MessageState.FAILED, exc.reason, str(exc))
            return "failed"
        log.error("message %d: processing failed", raw.id, exc_info=exc)
        return self._charge_attempt(raw, getattr(exc, "reason", "internal_error"),
                                    "".join(traceback.format_exception(exc)))

    def _charge_attempt(self, raw: RawMessage, reason: str, detail: str) -> str:
        """A run that ended in an error: back in the queue, or quarantined after the last attempt.
        A run alone was charged when it started; a run in the pool is charged now."""
        if raw.id not in self._alone:
            raw.attempts += 1
        final = raw.attempts >= self.max_attempts
        log.warning("message %d: attempt %d/%d failed (%s)", raw.id, raw.attempts, self.max_attempts, reason)
        q.set_outcome(raw, MessageState.QUARANTINED if final else MessageState.FETCHED, reason, detail)
        return "quarantined" if final else "retry"
