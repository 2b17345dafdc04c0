"""The process stage: stored raw messages → parsed records, through a declared list of stages.

Stages have one signature, `stage(item, ctx) -> item`; they neither commit nor catch. The
driver owns the loop, one transaction per message, and every failure: a MessageError means
the message itself is bad (state `failed`, with its reason); anything else is counted as an
attempt and, after `max_attempts`, the message is quarantined until `reportbox reprocess`.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from ingest.rawstore import RawStore
from models import messages as q
from models.schema import MessageState, RawMessage
from parsers.message import ParsedMessage, parse_message
from reportbox.errors import MessageError

log = logging.getLogger("reportbox.ingest")


@dataclass
class Item:
    raw: RawMessage
    data: bytes
    parsed: ParsedMessage | None = None


@dataclass(frozen=True)
class Context:
    session: Session


def parse_stage(item: Item, ctx: Context) -> Item:
    item.parsed = parse_message(item.data)
    return item


def record_stage(item: Item, ctx: Context) -> Item:
    q.store_parsed(ctx.session, item.raw, item.parsed)
    q.set_outcome(item.raw, MessageState.PARSED)
    return item


STAGES: tuple[Callable[[Item, Context], Item], ...] = (parse_stage, record_stage)


@dataclass
class ProcessCounts:
    parsed: int = 0
    failed: int = 0
    retry: int = 0
    quarantined: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.parsed + self.failed + self.retry + self.quarantined


class Processor:
    def __init__(self, sessions: sessionmaker[Session], store: RawStore, *, max_attempts: int = 3,
                 stages=STAGES, stop: threading.Event | None = None,
                 on_message: Callable[[], None] | None = None) -> None:
        self.sessions, self.store = sessions, store
        self.max_attempts = max_attempts
        self.stages = stages
        self.stop = stop
        self.on_message = on_message

    def run(self, limit: int | None = None) -> ProcessCounts:
        """Process waiting messages until none is left (or `limit`, or a stop is asked for)."""
        counts = ProcessCounts()
        tried: set[int] = set()  # a message that failed waits for the next run, not this one
        while limit is None or counts.total < limit:
            if self.stop is not None and self.stop.is_set():
                break
            claimed = self._claim(tried)
            if claimed is None:
                break
            raw_id, attempts = claimed
            tried.add(raw_id)
            if attempts > self.max_attempts:
                self._quarantine_crashed(raw_id)
                counts.quarantined += 1
                continue
            outcome = self._process_one(raw_id, attempts)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if self.on_message is not None:
                self.on_message()
        return counts

    def _claim(self, tried: set[int]) -> tuple[int, int] | None:
        # Committed on its own before any work: a worker that dies still used up the attempt.
        with self.sessions.begin() as session:
            raw = q.claim_next(session, tried)
            return None if raw is None else (raw.id, raw.attempts)

    def _process_one(self, raw_id: int, attempts: int) -> str:
        try:
            with self.sessions.begin() as session:
                raw = q.lock_for_processing(session, raw_id)
                if raw is None:
                    return "skipped"  # another worker holds it
                item = Item(raw=raw, data=self.store.read(raw.sha256))
                context = Context(session=session)
                for stage in self.stages:
                    item = stage(item, context)
            log.debug("message %d parsed", raw_id)
            return "parsed"
        except MessageError as exc:
            log.info("message %d failed: %s (%s)", raw_id, exc, exc.reason)
            self._record(raw_id, MessageState.FAILED, exc.reason, str(exc))
            return "failed"
        except Exception as exc:  # noqa: BLE001 - the driver is the one place that catches all
            final = attempts >= self.max_attempts
            log.exception("message %d: attempt %d/%d failed", raw_id, attempts, self.max_attempts)
            reason = getattr(exc, "reason", "internal_error")
            detail = "".join(traceback.format_exception(exc))
            self._record(raw_id, MessageState.QUARANTINED if final else MessageState.FETCHED, reason, detail)
            return "quarantined" if final else "retry"

    def _quarantine_crashed(self, raw_id: int) -> None:
        log.error("message %d: quarantined after %d attempts that never finished", raw_id, self.max_attempts)
        self._record(raw_id, MessageState.QUARANTINED, "crashed",
                     f"{self.max_attempts} attempts ended without a result (the worker died); "
                     "run `reportbox reprocess --message ID` once the cause is fixed")

    def _record(self, raw_id: int, state: str, reason: str, detail: str) -> None:
        with self.sessions.begin() as session:
            raw = session.get(RawMessage, raw_id)
            q.set_outcome(raw, state, reason, detail)
