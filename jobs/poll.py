"""One poll: fetch every mailbox and process what was stored. Used by `poll` and the daemon.

The two stages meet only in the database, so they overlap: processing starts on the first
stored batch while the fetch goes on in a thread of its own, and a long backfill takes about as
long as the slower stage rather than both one after the other. Processing (and the parsers and
document readers it imports) starts only once there is something to process: a poll that finds
nothing new stays light.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from ingest.feed import Feed, ProcessCounts
from ingest.fetch import FetchCounts, FetchOptions, database_down_error, database_unavailable, fetch_mailbox
from ingest.leftovers import sweep_tool_leftovers
from ingest.sources import MailSource
from models.messages import any_waiting
from reportbox.app import App
from reportbox.errors import StorageError

log = logging.getLogger("reportbox.jobs")


@dataclass
class PollReport:
    fetched: FetchCounts = field(default_factory=FetchCounts)
    processed: ProcessCounts = field(default_factory=ProcessCounts)
    processing_error: str | None = None  # processing stopped early (the database went away)

    @property
    def errors(self) -> list[str]:
        return [*self.fetched.errors, *([self.processing_error] if self.processing_error else [])]

    def summary(self, mailbox: str, seconds: float) -> tuple[str, dict]:
        """The poll's one line, `poll phongkh: 1.2 s, 3 new, 3 parsed, 0 failed, 0 error(s)`, and its
        figures as fields (of the JSON log)."""
        fetched, processed = self.fetched, self.processed
        fields = {"mailbox": mailbox, "new": fetched.new, "parsed": processed.parsed,
                  "failed": processed.failed + processed.quarantined, "errors": len(self.errors),
                  "duration_s": round(seconds, 3)}
        line = (f"poll {mailbox}: {seconds:.1f} s, {fields['new']} new, {fields['parsed']} parsed, "
                f"{fields['failed']} failed, {fields['errors']} error(s)")
        return line, fields


def poll(app: App, sources: Sequence[MailSource], *, fetch_only: bool = False,
         stop: threading.Event | None = None, on_message: Callable[[], None] | None = None,
         backoff: float = 1.0) -> PollReport:
    report = PollReport()
    app.store.clean_temporary()  # callers hold the fetch lock: no other fetcher is writing now
    if fetch_only:
        report.fetched = _fetch_all(app, sources, stop, on_message, backoff, on_stored=None)
        return report
    feed = Feed()
    halt = _Either(stop)  # also set if processing fails, so the fetch does not run on alone
    fetched: list = []

    def fetch() -> None:
        try:
            fetched.append(_fetch_all(app, sources, halt, on_message, backoff, on_stored=feed.arrived))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            fetched.append(exc)
        finally:
            feed.close()

    thread = threading.Thread(target=fetch, name="reportbox-fetch", daemon=True)
    thread.start()
    try:
        report.processed = process(app, stop=stop, on_message=on_message, feed=feed)
    except StorageError as exc:
        if exc.reason != "database_unavailable":
            raise
        report.processing_error = str(exc)  # reported like a fetch error; the fetch stops too
    finally:
        halt.set()
        thread.join()
    if isinstance(fetched[0], BaseException):
        raise fetched[0]
    report.fetched = fetched[0]
    return report


def _fetch_all(app: App, sources: Sequence[MailSource], stop, on_message, backoff: float,
               on_stored: Callable[[], None] | None) -> FetchCounts:
    counts = FetchCounts()
    for source in sources:
        mailbox = app.config.mailbox_named(source.name)
        options = FetchOptions(batch_size=mailbox.batch_size, stop=stop, on_message=on_message,
                               on_stored=on_stored, backoff=backoff)
        counts.add(fetch_mailbox(app.sessions, app.store, source, mailbox.kind, options))
    return counts


class _Either:
    """A stop flag that is set when the caller's flag is, or when this poll sets its own."""

    def __init__(self, outer: threading.Event | None) -> None:
        self.outer, self.own = outer, threading.Event()

    def set(self) -> None:
        self.own.set()

    def is_set(self) -> bool:
        return self.own.is_set() or (self.outer is not None and self.outer.is_set())


def process(app: App, *, stop: threading.Event | None = None,
            on_message: Callable[[], None] | None = None, feed=None):
    try:
        return _process(app, stop, on_message, feed)
    except SQLAlchemyError as exc:
        if database_unavailable(exc):  # a restart, a full disk: no message's fault, and no traceback
            raise database_down_error(exc, "processing stopped; the rest is processed at the next run") from exc
        raise


def _process(app: App, stop, on_message, feed):
    contacts = known_addresses(app)  # first: a wrong contacts file is an error even when nothing is new
    if not _anything_to_process(app, feed):
        sweep_tool_leftovers()  # as a processing run would
        return ProcessCounts()
    settings, module = app.config.processing, _process_module()
    identify = app.config.identify
    reading = module.Reading(limits=app.config.documents.limits(), outline=app.config.section_outline(),
                             campaigns=campaign_infos(app.config), contacts=contacts,
                             require_known_sender=identify.require_known_sender,
                             trusted_authserv_ids=identify.trusted_authserv_ids)
    processor = module.Processor(app.sessions, app.store, max_attempts=settings.max_attempts,
                                 workers=settings.workers, stop=stop, on_message=on_message, feed=feed,
                                 reading=reading, worker_memory=settings.worker_memory_mb * 1024 * 1024)
    return processor.run()


def _anything_to_process(app: App, feed: Feed | None) -> bool:
    """Messages waiting now (the processor takes only those in state `fetched`), or, in a poll,
    a first batch stored by its fetch; False once a poll's fetch is over with nothing stored."""
    with app.sessions() as session:
        if any_waiting(session):
            return True
    return feed is not None and feed.wait_for_first()


def campaign_infos(config) -> tuple:
    from parsers.departments import department_keys
    from parsers.identify import CampaignInfo

    return tuple(CampaignInfo(id=c.id, letter=c.letter, report_year=c.report_year, plan_year=c.plan_year,
                              issued=c.issued, deadline=c.deadline_day, registry=c.registry,
                              message_ids=c.message_ids, title=c.title, subject=c.subject or "",
                              match_phrases=c.match.phrases, exclude_phrases=c.match.exclude,
                              departments=department_keys(c.departments))
                 for c in config.campaign)


def known_addresses(app: App, session=None):
    """The contacts file's addresses (codes of `registry.default`), every role, and the addresses
    learned from accepted submissions; a missing file is an error the operator must see. `session`:
    a caller's own, read in its transaction (on SQLite a second one would wait for its lock)."""
    from jobs.contacts import read_contacts
    from models.senders import learned_addresses
    from parsers.registry import Contacts, KnownAddress

    config = app.config
    entries = [KnownAddress(row.email, row.unit, config.registry.default, "contacts") for row in read_contacts(config)]
    if session is not None:
        return Contacts(entries + learned_addresses(session))
    with app.sessions() as session:
        entries += learned_addresses(session)
    return Contacts(entries)


def _process_module():
    """The processing stage, imported when first needed: `poll --fetch-only` never loads the parser."""
    from ingest import process as module

    return module
