"""Faults at the boundaries, timed: what each one costs and how long the way back takes.

    .venv/bin/python -m bench.faults [--messages 300]     (as root: it mounts a tmpfs and runs servers)

The faults of tests/ingest/test_faults.py and tests/jobs/test_outbox_faults.py, on larger
mailboxes and at the default retry settings (backoff 1 s, 3 attempts a poll), each printed with
what was retried and the recovery time: from the fault cleared (space freed, server accepting
again) to every message stored, and to every message processed. The daemon adds the wait for
its next poll (`poll_interval`, 60 s by default) or mail pass (`retry_after`, 60 s) when the fault
outlasted the poll. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import imaplib
import itertools
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402

from jobs.poll import poll  # noqa: E402
from models.schema import MessageLocation, RawMessage  # noqa: E402
from reportbox import samples  # noqa: E402
from reportbox.app import open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402
from reportbox.app import make_source  # noqa: E402
from tests.servers.common import make_shared_dir  # noqa: E402
from tests.servers.dovecot import Dovecot  # noqa: E402
from tests.servers.postgres import PostgresServer  # noqa: E402
from tests.servers.smtp import SmtpServer  # noqa: E402

PASSWORD_ENV = "RB_BENCH_FAULTS_PW"
BASE = datetime(2019, 12, 10, 8, 0, tzinfo=timezone(timedelta(hours=7)))


class Retries(logging.Handler):
    """Counts the fetch's 'retrying' warnings: each is one reconnection of a poll."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().endswith("; retrying"):
            self.count += 1


RETRIES = Retries()
logging.getLogger("reportbox.ingest").addHandler(RETRIES)
logging.getLogger("reportbox").setLevel(logging.WARNING)
logging.getLogger("reportbox").addHandler(logging.NullHandler())
logging.getLogger("reportbox").propagate = False  # the figures, not the expected errors


def reports(n: int, padding: int = 0, tag: str = "bench") -> list[bytes]:
    return [samples.report_message(samples.PROVINCES[i % len(samples.PROVINCES)], attachment="pdf", padding=padding,
                                   message_id=f"<{tag}-{i}@test.gov.vn>") for i in range(n)]


def append_all(account, messages: list[bytes]) -> None:
    with account.client() as client:
        for i, raw in enumerate(messages):
            client.append("INBOX", raw, msg_time=BASE + timedelta(minutes=i))


def make_app(work: Path, url: str, account, raw_dir: Path, batch_size: int):
    os.environ[PASSWORD_ENV] = account.password
    mailbox = {"name": "phongkh", "kind": "imap", "host": account.host, "port": account.port, "security": "none",
               "username": account.username, "password_env": PASSWORD_ENV, "timeout": 10, "batch_size": batch_size}
    return open_app(config_from_dict({"database": {"url": url}, "storage": {"raw_dir": str(raw_dir)},
                                      "mailbox": [mailbox]}, work / "reportbox.toml"))


class Clock:
    """A poll, timed: when it returned, and when its fetch stored the last message."""

    def __init__(self, app) -> None:
        self.app = app
        self.stored_at: float | None = None

    def poll(self, **kwargs):
        def stored() -> None:
            if threading.current_thread().name == "reportbox-fetch":
                self.stored_at = time.perf_counter()

        sources = [make_source(m) for m in self.app.config.mailbox]
        try:
            return poll(self.app, sources, on_message=stored, **kwargs)
        finally:
            for source in sources:
                source.close()


def counts(app) -> tuple[int, int]:
    with app.sessions() as session:
        return (session.scalar(select(func.count()).select_from(RawMessage)),
                session.scalar(select(func.count()).select_from(MessageLocation)))


def line(name: str, detail: str) -> None:
    print(f"{name:<34} {detail}")


# --- the faults ------------------------------------------------------------------------------

def disk_full(work: Path, dovecot: Dovecot, n: int) -> None:
    account = dovecot.add_user()
    messages = reports(n, padding=20_000, tag="disk")
    append_all(account, messages)
    disk = work / "disk"
    disk.mkdir()
    size_mb = sum(len(m) for m in messages) * 2 // 1_000_000 + 4
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "bench-disk", str(disk)], check=True)
    try:
        app = make_app(work, f"sqlite:///{work / 'disk.db'}", account, disk / "raw", batch_size=50)
        real, calls = app.store.put_many, itertools.count(1)

        def put_many(blobs, *hashes):
            if next(calls) == 3:  # the third batch finds room for half of itself
                stat = os.statvfs(disk)
                room = sum(-(-len(b) // 4096) * 4096 for b in blobs[:len(blobs) // 2])
                with open(disk / "filler", "wb") as handle:
                    os.posix_fallocate(handle.fileno(), 0, stat.f_bavail * stat.f_frsize - room)
            return real(blobs, *hashes)

        app.store.put_many = put_many
        started = time.perf_counter()
        faulty = Clock(app).poll()
        took = time.perf_counter() - started
        written = len(list((disk / "raw").glob("?/*.eml")))
        line("disk full (ENOSPC), batch 3 of 50", f"poll ended in {took:.2f} s with: {faulty.errors[0][:90]}…")
        line("", f"stored {faulty.fetched.new}, files on disk {written} (the failed batch's "
                 f"{written - faulty.fetched.new} kept, reused), none marked beyond them")
        (disk / "filler").unlink()
        del app.store.put_many
        clock, started = Clock(app), time.perf_counter()
        again = clock.poll()
        done = time.perf_counter()
        line("", f"space back → next poll: {again.fetched.new} fetched again, all stored in "
                 f"{clock.stored_at - started:.2f} s, all processed in {done - started:.2f} s; "
                 f"rows/locations {counts(app)} of {n}")
        app.close()
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], capture_output=True)


def postgres_crash(work: Path, dovecot: Dovecot, n: int) -> None:
    account = dovecot.add_user()
    append_all(account, reports(n, tag="pg"))
    server = PostgresServer(make_shared_dir("reportbox-bench-pg-"), crash_safe=True)
    server.start()
    try:
        app = make_app(work, server.create_database(), account, work / "raw-pg", batch_size=50)
        inserts, back = itertools.count(1), {}

        @event.listens_for(app.engine, "before_cursor_execute")
        def crash(connection, cursor, statement, *args) -> None:
            if statement.startswith("INSERT INTO raw_message ") and next(inserts) == 3:
                server.stop("immediate")
                down = time.perf_counter()

                def come_back() -> None:
                    time.sleep(1.0)
                    server.start()
                    back["at"], back["down"] = time.perf_counter(), time.perf_counter() - down

                back["thread"] = threading.Thread(target=come_back)
                back["thread"].start()

        started = time.perf_counter()
        faulty = Clock(app).poll()
        took = time.perf_counter() - started
        back["thread"].join()
        line("PostgreSQL crash in batch 3 of 50", f"poll ended in {took:.2f} s, {len(faulty.errors)} error(s): "
                                                  f"{faulty.errors[0][:80]}…")
        line("", f"stored {faulty.fetched.new} before; the server was down {back['down']:.2f} s "
                 "(1 s, then start and WAL recovery)")
        clock, started = Clock(app), time.perf_counter()
        again = clock.poll()
        done = time.perf_counter()
        with app.sessions() as session:
            charged = session.scalar(select(func.count()).select_from(RawMessage).where(RawMessage.attempts > 1))
        line("", f"next poll: {again.fetched.new} fetched again, all stored in {clock.stored_at - started:.2f} s, "
                 f"all processed in {done - started:.2f} s; rows/locations {counts(app)} of {n}; "
                 f"messages charged a second attempt: {charged}")
        app.close()
    finally:
        server.stop()


def dovecot_killed(work: Path, n_batches: int, restart_after: float | None) -> None:
    """Killed on the first body of the second batch; started again after `restart_after` seconds
    (None: only after the poll gave up)."""
    with tempfile.TemporaryDirectory(prefix="reportbox-bench-dovecot-") as tmp:
        os.chmod(tmp, 0o755)
        server = Dovecot(tmp)
        server.start()
        try:
            account = server.add_user()
            n = 12 * n_batches
            append_all(account, reports(n, padding=730_000, tag="kill"))  # about 1 MB each
            app = make_app(work, f"sqlite:///{work / f'kill-{restart_after}.db'}", account,
                           work / f"raw-kill-{restart_after}", batch_size=12)
            real_read, literals, moments = imaplib.IMAP4.read, itertools.count(1), {}

            def read(self, size):
                if size >= 500_000:
                    number = next(literals)
                    if number == 1:
                        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
                    if number == 13:
                        server.kill()
                        if restart_after is not None:
                            def start() -> None:
                                time.sleep(restart_after)
                                server.start()
                                moments["back"] = time.perf_counter()
                            threading.Thread(target=start).start()
                return real_read(self, size)

            imaplib.IMAP4.read = read
            RETRIES.count = 0
            clock, started = Clock(app), time.perf_counter()
            try:
                first = clock.poll(backoff=1.0)
            finally:
                imaplib.IMAP4.read = real_read
            took = time.perf_counter() - started
            if restart_after is not None:
                line(f"Dovecot killed mid-FETCH, back {restart_after:g} s",
                     f"the same poll reconnected ({RETRIES.count} retry): {first.fetched.new} of {n} stored "
                     f"{clock.stored_at - moments['back']:.2f} s after the server was back; poll {took:.2f} s, "
                     f"errors {len(first.errors)}")
            else:
                line("Dovecot killed mid-FETCH, stays down", f"poll gave up after {RETRIES.count} retries in "
                                                             f"{took:.2f} s: {first.errors[0][:70]}…")
                server.start()
                clock, started = Clock(app), time.perf_counter()
                again = clock.poll()
                done = time.perf_counter()
                line("", f"started again → next poll: {again.fetched.new} fetched again, all stored in "
                         f"{clock.stored_at - started:.2f} s, all processed in {done - started:.2f} s")
            line("", f"rows/locations {counts(app)} of {n}")
            app.close()
        finally:
            server.stop()


def smtp_drops(work: Path) -> None:
    from jobs.outbox import deliver
    from jobs.reminders.run import remind
    from models.schema import Outbox, utcnow
    from tests.jobs.reminder_setup import make_app as reminder_app, smtp_section, vn

    for drop in ("before_dot", "after_dot", "no_reply"):
        folder = work / f"smtp-{drop}"
        folder.mkdir()
        server = SmtpServer(folder / "server")
        server.start()
        try:
            app = reminder_app(folder, f"sqlite:///{folder / 'rb.db'}", smtp=smtp_section(server, timeout=2))
            server.drop(drop)
            started = time.perf_counter()
            first = remind(app, "tk2019", as_of=vn(10)).delivery
            took = time.perf_counter() - started
            with app.sessions() as session:
                dropped = session.scalars(select(Outbox).order_by(Outbox.id)).first()
            server.recover()
            started = time.perf_counter()
            again = deliver(app, clock=lambda: utcnow() + timedelta(minutes=5), as_of=vn(10, 9))
            second = time.perf_counter() - started
            with app.sessions() as session:
                rows = list(session.scalars(select(Outbox).order_by(Outbox.id)))
            copies = len(server.messages())
            line(f"SMTP drop {drop}", f"first pass {took:.2f} s: sent {len(first.sent)}, uncertain "
                                      f"{len(first.uncertain)}, link error {bool(first.link_error)}; the dropped one "
                                      f"{dropped.state}, attempts charged {dropped.attempts}")
            line("", f"next pass (after retry_after) {second:.2f} s: sent {len(again.sent)}; states "
                     f"{[row.state for row in rows]}; copies delivered {copies} for {len(rows)} messages")
            app.close()
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300, help="for the disk and database faults")
    parser.add_argument("--batches", type=int, default=3, help="of 12 one-MB messages, for the Dovecot kill")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: it mounts a tmpfs and runs Dovecot and PostgreSQL as their users")
    with tempfile.TemporaryDirectory(prefix="reportbox-bench-faults-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        dovecot = Dovecot(make_shared_dir("reportbox-bench-faults-dovecot-"))
        dovecot.start()
        try:
            disk_full(work, dovecot, args.messages)
            postgres_crash(work, dovecot, args.messages)
        finally:
            dovecot.stop()
        dovecot_killed(work, args.batches, restart_after=None)
        dovecot_killed(work, args.batches, restart_after=0.5)
        smtp_drops(work)


if __name__ == "__main__":
    main()
