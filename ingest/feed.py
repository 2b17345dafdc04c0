"""What the fetch and the processing stages of a poll share, kept apart from the processing
stage itself: a poll that fetches nothing new never imports the parsers and document readers."""

from __future__ import annotations

import threading
from dataclasses import dataclass


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


class Feed:
    """Messages still arriving while the processor runs: a fetch in another thread stores them.

    The fetch calls `arrived()` after each committed batch and `close()` when it is done; the
    processor, having drained the queue, waits in `wait_for_more()` instead of stopping.
    """

    def __init__(self) -> None:
        self._news = threading.Event()
        self._closed = threading.Event()
        self._any = threading.Event()  # something arrived, ever

    def arrived(self) -> None:
        self._any.set()
        self._news.set()

    def close(self) -> None:
        self._closed.set()
        self._news.set()

    def wait_for_more(self, timeout: float = 1.0) -> bool:
        """False once the fetch is over and nothing came since; True when there may be more."""
        if self._closed.is_set() and not self._news.is_set():
            return False
        self._news.wait(timeout)  # bounded, so a stop request is seen within a second
        self._news.clear()
        return True

    def wait_for_first(self) -> bool:
        """Wait until a first batch is stored (True) or the fetch is over without one (False).
        The fetch always closes the feed, and stops on the poll's stop flag."""
        while not (self._any.is_set() or self._closed.is_set()):
            self._news.wait(1.0)
        return self._any.is_set()
