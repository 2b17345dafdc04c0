"""A time limit on in-process parsing: pure-Python libraries (pdfminer) can loop on hostile input."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from reportbox.errors import DocumentError


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise DocumentError `timeout` in the block once `seconds` have passed.

    Uses SIGALRM, so it only works in a process's main thread (as in the parsing workers);
    elsewhere the block runs without a limit rather than failing. Limits do not nest: an inner
    one replaces the outer one until it ends.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise DocumentError(f"{what} took longer than {seconds:g} s and was stopped", reason="timeout")

    previous_handler = signal.signal(signal.SIGALRM, expire)
    previous_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0]:
            signal.setitimer(signal.ITIMER_REAL, *previous_timer)
