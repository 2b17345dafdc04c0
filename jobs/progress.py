"""Whether the daemon's worker thread is getting on: the watchdog's second cue (jobs.service).

The lease's renewal proves the main thread and the database work; the polls, mail passes, reloads and
retention run on the scheduler's one worker thread, which could hang (a server that never answers
past every timeout, a deadlock) while the main thread goes on renewing. A job counts as stuck once it
has run for `stall_after` seconds without a sign of progress: it ended, a message was fetched or
processed (a backfill of thousands of messages makes progress message by message), or the mail pass
paused between two e-mails for the relay's pace. An idle worker is never stuck.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STALL_AFTER_MIN = 3600.0  # seconds: a job silent this long is stuck, whatever the timeouts
PARSE_TIMEOUTS = 10  # ... or silent for ten times [documents] parse_timeout, if that is longer


def stall_after(parse_timeout: float) -> float:
    """Silence that makes the job in hand stuck: longer than any one message may take to parse."""
    return max(STALL_AFTER_MIN, PARSE_TIMEOUTS * parse_timeout)


class WorkerProgress:
    def __init__(self, stall_after: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.stall_after = stall_after
        self._clock = clock
        self._lock = threading.Lock()
        self._job: str | None = None  # the job in hand, None while the worker is idle
        self._since = 0.0  # when it started, or last made progress

    @contextmanager
    def running(self, job: str) -> Iterator[None]:
        """Around a job on the worker thread (or a job's part: a poll's own mail pass)."""
        with self._lock:
            outer, self._job, self._since = self._job, job, self._clock()
        try:
            yield
        finally:
            with self._lock:
                self._job, self._since = outer, self._clock()  # a part ended: the outer job got on

    def advanced(self) -> None:
        """The job in hand did something (a message fetched or processed, an e-mail sent)."""
        with self._lock:
            self._since = self._clock()

    def stuck(self) -> str | None:
        """`<job> for <n> s without progress` when the job in hand is stuck; None otherwise."""
        with self._lock:
            silent = self._clock() - self._since
            if self._job is None or silent <= self.stall_after:
                return None
            return f"{self._job} for {silent:.0f} s without progress"
