"""Monitoring benchmark: what a Prometheus scrape, a /healthz probe and the daemon's minute-by-minute
alarm evaluation cost on a database a year old, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.monitoring [--messages 200000] [--outbox 20000] [--repeats 7] [--no-postgres]

Fills a fresh database of each engine with --messages raw messages (1 % quarantined, 1 % failed, 0.5 %
waiting to be processed, the rest processed), --outbox e-mails (1 % failed, 1 % waiting for a retry),
three mailboxes of two folders each, and a daemon's lease. Then times, as medians of --repeats:
one scrape (jobs.metrics.render: every metric read from the database, and the text written), one
/healthz check (jobs.alerts.healthz_problems), and one evaluation with nothing new to raise or clear
(jobs.alerts.evaluate: what the daemon pays every minute; the first evaluation, which raises, is
timed apart). Prints the scrape's size too. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from bench.engines import engines, work_dir  # noqa: E402
from jobs.alerts import evaluate, healthz_problems  # noqa: E402
from jobs.metrics import render  # noqa: E402
from models.lock import DatabaseLock  # noqa: E402
from models.schema import FolderState, Mailbox, MessageState, Outbox, OutboxState, RawMessage, utcnow  # noqa: E402
from reportbox.app import open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402

MAILBOXES = ("phongkh", "vanthu", "tonghop")
FOLDERS = ("INBOX", "Reports")
CHUNK = 5000


def fill(app, messages: int, outbox: int) -> None:
    now = utcnow()
    with app.sessions.begin() as session:
        for name in MAILBOXES:
            mailbox = Mailbox(name=name, kind="imap", created_at=now - timedelta(days=365))
            session.add(mailbox)
            session.flush()
            for folder in FOLDERS:
                session.add(FolderState(mailbox_id=mailbox.id, folder=folder, last_uid=messages, consecutive_failures=0,
                                        last_poll_at=now, last_success_at=now, polls=500_000, poll_failures=40,
                                        poll_seconds=250_000.0, last_poll_seconds=0.4))
    rows = []
    for i in range(messages):
        state = (MessageState.QUARANTINED if i % 100 == 0 else MessageState.FAILED if i % 100 == 1
                 else MessageState.FETCHED if i % 200 == 2 else MessageState.SUBMISSION if i % 3 else MessageState.IGNORED)
        at = now - timedelta(seconds=(messages - i) * 150)
        rows.append({"sha256": hashlib.sha256(str(i).encode()).hexdigest(), "size": 50_000, "received_at": at,
                     "received_source": "internaldate", "fetched_at": at, "state": state, "attempts": 1,
                     "processed_at": None if state == MessageState.FETCHED else at})
        if len(rows) == CHUNK:
            _insert(app, RawMessage, rows)
    _insert(app, RawMessage, rows)
    for i in range(outbox):
        state = (OutboxState.FAILED if i % 100 == 0 else OutboxState.QUEUED if i % 100 == 1 else OutboxState.SENT)
        at = now - timedelta(seconds=(outbox - i) * 1500)
        rows.append({"campaign": None, "unit": f"{i % 63:02d}", "kind": ("reminder", "receipt")[i % 2],
                     "step": f"step-{i}", "message_id": f"<{i}@bench>", "mail_from": "a@b.vn", "to": ["c@d.vn"],
                     "cc": [], "subject": "s", "raw": b"x", "as_of": at, "state": state, "attempts": 1,
                     "next_attempt_at": now + timedelta(hours=1), "claimed_at": at, "refused": {},
                     "error": "451 later" if state != OutboxState.SENT else None, "created_at": at,
                     "sent_at": at if state == OutboxState.SENT else None})
        if len(rows) == CHUNK:
            _insert(app, Outbox, rows)
    _insert(app, Outbox, rows)
    DatabaseLock(app.sessions).acquire()


def _insert(app, model, rows: list[dict]) -> None:
    if rows:
        with app.sessions.begin() as session:
            session.execute(insert(model), rows)
        rows.clear()


def median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--outbox", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    logging.getLogger("reportbox").setLevel(logging.ERROR)  # the alarms raised are not the figures
    print(f"{args.messages} messages, {args.outbox} e-mails, {len(MAILBOXES) * len(FOLDERS)} folders; "
          f"medians of {args.repeats}")
    with work_dir("rb-bench-monitoring-") as work:
        for name, url, folder in engines(work, postgres=not args.no_postgres):
            config = config_from_dict({
                "database": {"url": url}, "storage": {"raw_dir": str(folder / "raw")},
                "mailbox": [{"name": m, "kind": "maildir", "path": str(folder), "folders": list(FOLDERS)}
                            for m in MAILBOXES],
                "smtp": {"host": "127.0.0.1", "port": 25, "security": "none", "from": "rb <rb@molisa.gov.vn>"},
                "alerts": {"to": ["it@molisa.gov.vn"]}}, folder / "reportbox.toml")
            app = open_app(config)
            try:
                start = time.perf_counter()
                fill(app, args.messages, args.outbox)
                filled = time.perf_counter() - start
                body = render(app.sessions, app.store.root)
                start = time.perf_counter()
                first = evaluate(app)
                raising = (time.perf_counter() - start) * 1000
                scrape = median_ms(lambda: render(app.sessions, app.store.root), args.repeats)

                def probe():
                    with app.sessions() as session:
                        healthz_problems(app, session, utcnow())

                healthz = median_ms(probe, args.repeats)
                steady = median_ms(lambda: evaluate(app), args.repeats)
            finally:
                app.close()
            print(f"{name:10} filled in {filled:5.1f} s | scrape {scrape:7.1f} ms ({len(body) / 1024:.1f} KiB) | "
                  f"/healthz {healthz:6.1f} ms | evaluation {steady:7.1f} ms (first, raising "
                  f"{len(first.raised)}: {raising:.1f} ms)")


if __name__ == "__main__":
    main()
