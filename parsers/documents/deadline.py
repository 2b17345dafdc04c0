"""A time limit on in-process parsing: pure-Python libraries (pdfminer) can loop on hostile input."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from reportbox.errors import DocumentError


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise DocumentError `timeout` in the block once `seconds` have passed.

    Uses SIGALRM, so it only works in a process's main thread (as in the parsing workers);
    elsewhere the block runs without a limit rather than failing. Limits nest (an archive's
    members inside the archive's own limit): the inner one never outlasts the outer, and the
    outer one goes on counting while the inner runs.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise DocumentError(f"{what} took longer than {seconds:g} s and was stopped", reason="timeout")

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expire)
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left < seconds:
        signal.signal(signal.SIGALRM, previous_handler)  # the outer limit comes first: let it speak
        previous_handler = None
    else:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if previous_handler is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if outer_left:
                # Never 0 (that would disarm it): an outer limit already past fires at once.
                signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-3))
