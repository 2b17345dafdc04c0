"""A time limit on in-process parsing: pure-Python libraries (pdfminer) can loop on hostile input."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from reportbox.errors import DocumentError


class _Expired(BaseException):
    """Raised by the alarm into whatever code runs. A BaseException, so that neither a library's
    `except Exception` nor an inner reader's error handling can swallow it; only the limit that set
    the alarm turns it into a DocumentError."""

    def __init__(self, owner: object) -> None:
        super().__init__()
        self.owner = owner


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise DocumentError `timeout` out of the block once `seconds` have passed.

    Uses SIGALRM, so it only works in a process's main thread (as in the parsing workers);
    elsewhere the block runs without a limit rather than failing. Limits nest (an archive's
    members inside the archive's own limit): the inner one never outlasts the outer, the outer
    one goes on counting while the inner runs, and when the outer one expires inside an inner
    block it is the outer block that ends, not just the member being read.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = object()
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield  # the outer limit comes first and stays in charge
        return

    def expire(signum, frame):
        raise _Expired(owner)

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired as expired:
        if expired.owner is not owner:
            raise
        raise DocumentError(f"{what} took longer than {seconds:g} s and was stopped", reason="timeout") from None
    finally:
        # An alarm between the block's end and here must not skip the restoring: block it meanwhile.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if outer_left:
                # Never 0 (that would disarm it): an outer limit already past fires at once.
                signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-3))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
