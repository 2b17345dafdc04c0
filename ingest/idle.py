"""IMAP IDLE (RFC 2177): new mail announced by the server in seconds, instead of at the next poll.

Each watched folder gets a connection of its own, in a thread of its own, that does nothing but
IDLE; when the server announces a message (EXISTS or RECENT) it calls `on_new_mail(mailbox name)`,
and the daemon runs that mailbox's poll now. The fetching itself stays with the poll and its own
connection (ingest.imap), so the poll at `poll_interval` remains the safety net: a missed
announcement, a watcher that cannot connect or a server without IDLE only cost latency.

IDLE is renewed every RENEW_AFTER seconds (servers may end one after 30 minutes); a dropped
connection is reopened with a growing pause (one warning per outage, not one per attempt), which
starts again from RETRY_FIRST only after a session that idled STABLE_AFTER seconds, and
each (re)connection wakes the poll once, for whatever came while nobody was watching. Stopping
takes at most CHECK_EVERY seconds: the watcher looks at its stop flag between short waits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from imapclient.exceptions import IMAPClientError

from ingest.imap import _CONNECTION_ERRORS, ImapSource
from reportbox.config import MailboxConfig
from reportbox.errors import ReportboxError, SourceUnavailable

log = logging.getLogger("reportbox.ingest.idle")

MAX_FOLDERS = 4  # IDLE connections per mailbox: servers cap connections per user (Dovecot: 10 per IP)
RENEW_AFTER = 25 * 60.0  # seconds; RFC 2177 has clients re-IDLE within 29 minutes
CHECK_EVERY = 1.0  # seconds between looks at the stop flag while idling
RETRY_FIRST, RETRY_MAX = 1.0, 300.0  # seconds before reconnecting: doubled after each failure, capped
STABLE_AFTER = 60.0  # seconds a session must have idled for the pause to start again from RETRY_FIRST
STOP_WAIT = 5.0  # seconds stop_all() waits for the threads (they are daemon threads: exit never hangs)

NewMail = Callable[[str], None]


class IdleWatcher:
    """One folder of one IMAP mailbox, watched with IDLE on a connection of its own."""

    def __init__(self, config: MailboxConfig, folder: str, on_new_mail: NewMail, *,
                 renew_after: float = RENEW_AFTER, check_every: float = CHECK_EVERY,
                 retry_first: float = RETRY_FIRST, retry_max: float = RETRY_MAX,
                 stable_after: float = STABLE_AFTER) -> None:
        self.config, self.folder, self.on_new_mail = config, folder, on_new_mail
        self.renew_after, self.check_every = renew_after, check_every
        self.retry_first, self.retry_max, self.stable_after = retry_first, retry_max, stable_after
        self.last_pause: float | None = None  # seconds waited before the latest reconnection (tests read it)
        self._idling_since: float | None = None  # when the current session reached IDLE
        self.where = f"{config.name}/{folder}"
        self.unsupported = False  # the server does not offer IDLE: the watcher has ended
        self.connections = 0  # sessions that reached IDLE (tests and the bench read these)
        self.idles = 0  # IDLE commands sent, renewals included
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"reportbox-idle-{self.where}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float = STOP_WAIT) -> None:
        self._stop.set()
        self.join(wait)

    def signal_stop(self) -> None:
        self._stop.set()

    def join(self, wait: float) -> None:
        if self._thread.is_alive():
            self._thread.join(wait)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the thread --------------------------------------------------------------------------------
    def _run(self) -> None:
        failures, delay = 0, self.retry_first
        while not self._stop.is_set():
            source = ImapSource(self.config)
            watched = self.connections
            self._idling_since = None
            try:
                self._watch(source)
                if self.unsupported:
                    return
            except (ReportboxError, IMAPClientError, *_CONNECTION_ERRORS) as exc:
                failures = self._failed(exc, failures, watched)
            except Exception:  # noqa: BLE001 - a fault of ours must not end the watching for good
                if failures == 0:
                    log.exception("%s: IDLE watcher failed; starting again", self.where)
                failures += 1
            finally:
                source.close()  # LOGOUT, or the socket shut on a dead connection
            if self._idling_since is not None and time.monotonic() - self._idling_since >= self.stable_after:
                # The last session worked for a while: the next attempt comes soon. One dropped right
                # after IDLE (a middlebox that cuts it) keeps the backoff, not a reconnect every second.
                delay = self.retry_first
            if not self._stop.is_set():
                self.last_pause = delay
                self._stop.wait(delay)
                delay = min(delay * 2, self.retry_max)

    def _failed(self, exc: BaseException, failures: int, watched: int) -> int:
        """Log a drop without filling the log: one line when a working session ends, one warning
        when reconnecting starts failing, then quiet until it works again."""
        if self._stop.is_set():
            return failures
        if self.connections > watched:  # it had been watching: an ordinary drop, reconnect at once
            log.info("%s: IDLE connection dropped (%s); reconnecting", self.where, exc)
            return 0
        if failures == 0:
            log.warning("%s: cannot watch with IDLE (%s); retrying in the background, and polling "
                        "every %d s goes on meanwhile", self.where, exc, self.config.poll_interval)
        else:
            log.debug("%s: IDLE reconnect attempt %d failed: %s", self.where, failures + 1, exc)
        return failures + 1

    def _watch(self, source: ImapSource) -> None:
        """One session: connect, SELECT read-only, then IDLE until stopped; raises when it drops."""
        client = source.connect()
        if not client.has_capability("IDLE"):
            self.unsupported = True
            log.info("%s: the server does not offer IDLE; new mail is fetched every %d s",
                     self.where, self.config.poll_interval)
            return
        client.select_folder(self.folder, readonly=True)  # EXAMINE: watching changes nothing
        first = True
        while not self._stop.is_set():
            client.idle()
            self.idles += 1
            if first:
                first = False
                self.connections += 1
                self._idling_since = time.monotonic()
                log.info("%s: watching for new mail with IDLE", self.where)
                self.on_new_mail(self.config.name)  # what came while nobody watched
            self._idle_until_renewal(client)
            _, responses = client.idle_done()  # on a dead connection, this is where it shows
            if _announces_mail(responses):
                self.on_new_mail(self.config.name)

    def _idle_until_renewal(self, client) -> None:
        started = time.monotonic()
        while not self._stop.is_set() and time.monotonic() - started < self.renew_after:
            asked = time.monotonic()
            responses = client.idle_check(timeout=self.check_every)
            if _announces_mail(responses):
                self.on_new_mail(self.config.name)
            if any(response[0] == b"BYE" for response in responses):
                raise SourceUnavailable(f"{self.where}: the server ended the session: {responses}")
            if not responses and time.monotonic() - asked < self.check_every / 2:
                # imapclient reports a closed connection as "nothing yet", but returns at once:
                # ending the IDLE asks the server, and fails if it is gone.
                return


def _announces_mail(responses: Iterable[tuple]) -> bool:
    """`* n EXISTS` (or `* n RECENT`, n > 0); not FETCH or EXPUNGE, which our own marking causes."""
    return any(len(response) > 1 and (response[1] == b"EXISTS" or (response[1] == b"RECENT" and response[0]))
               for response in responses)


class IdleWatchers:
    """The daemon's watchers, per mailbox: start(mailbox) and stop(name) let a configuration reload
    restart one mailbox's watchers; stop_all() at shutdown, after which start() starts nothing.

    Only IMAP mailboxes with `idle = true` (the default) are watched, one connection per folder
    for the first MAX_FOLDERS of `folders`; the others are fetched at the poll only.
    """

    def __init__(self, on_new_mail: NewMail, **options) -> None:
        self.on_new_mail = on_new_mail
        self.options = options  # passed to each IdleWatcher (tests shorten the waits)
        self.watchers: dict[str, list[IdleWatcher]] = {}
        # start()/stop() come from the worker thread (a reload), stop_all() from the main thread.
        self._lock = threading.Lock()
        self.closed = False  # stop_all() was called: the daemon is stopping, nothing starts any more

    def start(self, mailbox: MailboxConfig) -> list[IdleWatcher]:
        self.stop(mailbox.name)
        if mailbox.kind != "imap" or not mailbox.idle:
            return []
        folders = mailbox.folders[:MAX_FOLDERS]
        if len(mailbox.folders) > MAX_FOLDERS:
            log.info("%s: IDLE watches the first %d folders (%s); the others are fetched every %d s",
                     mailbox.name, MAX_FOLDERS, ", ".join(folders), mailbox.poll_interval)
        watchers = [IdleWatcher(mailbox, folder, self.on_new_mail, **self.options) for folder in folders]
        with self._lock:
            if self.closed:
                return []
            for watcher in watchers:
                watcher.start()
            self.watchers[mailbox.name] = watchers
        return watchers

    def start_all(self, mailboxes: Iterable[MailboxConfig]) -> None:
        for mailbox in mailboxes:
            self.start(mailbox)

    def stop(self, name: str, wait: float = STOP_WAIT) -> None:
        with self._lock:
            watchers = self.watchers.pop(name, [])
        self._stop(watchers, wait)

    def stop_all(self, wait: float = STOP_WAIT) -> None:
        """Stop every watcher; start() refuses from now on."""
        with self._lock:
            self.closed = True
            watchers = [watcher for group in self.watchers.values() for watcher in group]
            self.watchers.clear()
        self._stop(watchers, wait)

    @staticmethod
    def _stop(watchers: list[IdleWatcher], wait: float) -> None:
        for watcher in watchers:  # all flags first, so they wind down together
            watcher.signal_stop()
        deadline = time.monotonic() + wait
        for watcher in watchers:
            watcher.join(max(0.0, deadline - time.monotonic()))
