"""The daemon under systemd (`Type=notify`, deploy/reportbox.service): it says when it is ready,
reloading and stopping, keeps one status line current (the daemon's last poll), and pings the
watchdog from its main loop while its lease on the database is being renewed and its worker is not
stuck (jobs.progress). Outside systemd (no NOTIFY_SOCKET) nothing is sent.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from sdnotify import SystemdNotifier

TICK = 1.0  # seconds: the main loop's longest sleep, so a reload request (SIGHUP) is seen within it


class Systemd:
    """systemd's notification socket (sd_notify), read from the environment once.

    The variables are then removed from the environment, as sd_notify(3) advises: the parsing
    workers and the tools they run must not speak for the daemon."""

    def __init__(self) -> None:
        self.enabled = bool(os.environ.get("NOTIFY_SOCKET"))
        self._notifier = SystemdNotifier() if self.enabled else None
        self.watchdog_every = _watchdog_every(os.environ) if self.enabled else None
        if self.enabled:
            for name in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
                os.environ.pop(name, None)

    def send(self, *fields: str) -> None:
        if self._notifier is not None:
            # One line each; sdnotify encodes Latin-1 and drops what it cannot send: keep to ASCII.
            text = "\n".join(f.replace("\n", " ").encode("ascii", "replace").decode() for f in fields)
            self._notifier.notify(text)

    def ready(self, status: str | None = None) -> None:
        self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def reloading(self) -> None:
        # MONOTONIC_USEC lets systemd (253+) tell this reload from an earlier one.
        self.send("RELOADING=1", f"MONOTONIC_USEC={time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000}",
                  "STATUS=reloading the configuration")

    def stopping(self) -> None:
        self.send("STOPPING=1", "STATUS=stopping after the message in hand")

    def status(self, text: str) -> None:
        self.send(f"STATUS={text}")

    def watchdog(self) -> None:
        self.send("WATCHDOG=1")


def _watchdog_every(environ) -> float | None:
    """Half the watchdog's interval (WATCHDOG_USEC), when the watchdog is ours (WATCHDOG_PID)."""
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    pid = environ.get("WATCHDOG_PID")
    if usec <= 0 or (pid and pid != str(os.getpid())):
        return None
    return usec / 2 / 1_000_000


def keep_alive(stop: threading.Event, systemd: Systemd, *, heartbeat: Callable[[], None],
               alive: Callable[[], bool], every: float, on_tick: Callable[[], None] = lambda: None) -> None:
    """The daemon's main loop, until `stop`: `heartbeat` (renew the lease) every `every` seconds,
    `on_tick` at least once a second, and a watchdog ping at half systemd's interval, sent only while
    `alive()` (the daemon's: the latest renewal succeeded and the worker is not stuck): a daemon whose
    database stays away, whose heartbeat hangs or whose worker is stuck is restarted by systemd
    rather than left running blind."""
    now = time.monotonic()
    next_beat, next_ping = now + every, now
    while True:
        now = time.monotonic()
        due = min(next_beat, next_ping if systemd.watchdog_every else next_beat)
        if stop.wait(max(0.0, min(TICK, due - now))):
            return
        on_tick()
        now = time.monotonic()
        if now >= next_beat:
            heartbeat()
            next_beat = now + every
        if systemd.watchdog_every and now >= next_ping:
            if alive():
                systemd.watchdog()
                next_ping = now + systemd.watchdog_every
            else:
                next_ping = next_beat  # tried again after the next renewal
