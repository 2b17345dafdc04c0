"""One poll: fetch every mailbox, then process what was stored. Used by `poll` and the daemon."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.fetch import FetchCounts, FetchOptions, fetch_mailbox
from ingest.sources import MailSource
from reportbox.app import App

if TYPE_CHECKING:
    from ingest.process import ProcessCounts

log = logging.getLogger("reportbox.jobs")


@dataclass
class PollReport:
    fetched: FetchCounts = field(default_factory=FetchCounts)
    processed: ProcessCounts = field(default_factory=lambda: _process_module().ProcessCounts())


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
            on_message: Callable[[], None] | None = None):
    settings = app.config.processing
    processor = _process_module().Processor(app.sessions, app.store, max_attempts=settings.max_attempts,
                          workers=settings.workers, stop=stop, on_message=on_message)
    return processor.run()


def _process_module():
    """The processing stage, imported when first needed: `poll --fetch-only` never loads the parser."""
    from ingest import process as module

    return module
