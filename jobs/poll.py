"""One poll: fetch every mailbox, then process what was stored. Used by `poll` and the daemon."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.fetch import FetchCounts, FetchOptions, fetch_mailbox
from ingest.process import ProcessCounts, Processor
from ingest.sources import MailSource
from reportbox.app import App

log = logging.getLogger("reportbox.jobs")


@dataclass
class PollReport:
    fetched: FetchCounts = field(default_factory=FetchCounts)
    processed: ProcessCounts = field(default_factory=ProcessCounts)


def poll(app: App, sources: Sequence[MailSource], *, fetch_only: bool = False,
         stop: threading.Event | None = None, on_message: Callable[[], None] | None = None,
         backoff: float = 1.0) -> PollReport:
    report = PollReport()
    app.store.clean_temporary()  # callers hold the fetch lock: no other fetcher is writing now
    kinds = {m.name: m.kind for m in app.config.mailbox}
    for source in sources:
        mailbox = app.config.mailbox_named(source.name)
        options = FetchOptions(batch_size=mailbox.batch_size, stop=stop, on_message=on_message, backoff=backoff)
        report.fetched.add(fetch_mailbox(app.sessions, app.store, source, kinds[source.name], options))
    if not fetch_only:
        report.processed = process(app, stop=stop, on_message=on_message)
    return report


def process(app: App, *, stop: threading.Event | None = None,
            on_message: Callable[[], None] | None = None) -> ProcessCounts:
    settings = app.config.processing
    processor = Processor(app.sessions, app.store, max_attempts=settings.max_attempts,
                          workers=settings.workers, stop=stop, on_message=on_message)
    return processor.run()
