"""Recovery benchmark: what a crash costs the processing stage.

    .venv/bin/python -m bench.recovery [--messages 200] [--in-flight 16] [--workers 2] [--repeats 3]

Stores the `reportbox demo` mailbox's messages (repeated up to --messages, each made unique) in a
SQLite database, then times, the median of --repeats passes from the same stored state:
  - a clean run of the processor over all of them (messages per second, in the pool);
  - the run after an unclean stop that left --in-flight messages claimed by a dead process: those
    run alone first, one at a time (each charged before it starts), then the rest in the pool;
and prints the extra time the crash cost, per message run alone. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.process import Processor  # noqa: E402
from jobs.poll import poll  # noqa: E402
from models import messages as q  # noqa: E402
from reportbox import demo  # noqa: E402
from reportbox.app import make_source, open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402


def build_store(work: Path, count: int) -> Path:
    """A database and raw store holding `count` fetched, unprocessed messages; returns its folder."""
    maildir = work / "maildir"
    demo.build_maildir(work / "demo")
    files = sorted((work / "demo" / "cur").iterdir())
    (maildir / "cur").mkdir(parents=True)
    (maildir / "new").mkdir()
    (maildir / "tmp").mkdir()
    for number in range(count):
        raw = files[number % len(files)].read_bytes()
        # Another Message-ID, so that every copy is a message of its own, not a duplicate.
        unique = raw.replace(b"Message-ID: <", f"Message-ID: <copy{number}.".encode(), 1)
        (maildir / "cur" / f"{number:05d}.bench:2,S").write_bytes(unique)
    stored = work / "stored"
    app = open_app(config_from_dict({"database": {"url": f"sqlite:///{stored / 'reportbox.db'}"},
                                     "storage": {"raw_dir": str(stored / "raw")},
                                     "mailbox": [{"name": "bench", "kind": "maildir", "path": str(maildir)}]},
                                    work / "reportbox.toml"))
    try:
        poll(app, [make_source(m) for m in app.config.mailbox], fetch_only=True)
    finally:
        app.close()
    return stored


def dead_holder() -> str:
    import socket

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:bench"


def timed_run(stored: Path, work: Path, workers: int, in_flight: int) -> tuple[float, int, int]:
    """(seconds, messages parsed, messages run alone) of one run from a copy of the stored state."""
    copy = work / "run"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(stored, copy)
    app = open_app(config_from_dict({"database": {"url": f"sqlite:///{copy / 'reportbox.db'}"},
                                     "storage": {"raw_dir": str(copy / "raw")}}, work / "reportbox.toml"))
    try:
        if in_flight:
            with app.sessions.begin() as session:  # what a daemon killed mid-batch leaves behind
                q.claim_next(session, dead_holder(), limit=in_flight)
        processor = Processor(app.sessions, app.store, workers=workers)
        started = time.perf_counter()
        counts = processor.run()
        elapsed = time.perf_counter() - started
        with app.sessions() as session:
            alone = sum(raw.attempts for raw in q.list_messages(session))
        return elapsed, counts.parsed + counts.failed, alone
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=16, help="claims a dead process left (8 × workers fill the pool)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="reportbox-bench-recovery-") as folder:
        work = Path(folder)
        started = time.perf_counter()
        stored = build_store(work, args.messages)
        print(f"{args.messages} messages stored (in {time.perf_counter() - started:.1f} s, not timed); "
              f"{args.workers} workers")
        results = {}
        for label, in_flight in (("clean run", 0), (f"after a crash, {args.in_flight} in flight", args.in_flight)):
            runs = [timed_run(stored, work, args.workers, in_flight) for _ in range(args.repeats)]
            seconds = statistics.median(run[0] for run in runs)
            processed, alone = runs[0][1], runs[0][2]
            results[label] = seconds
            print(f"{label:32} {seconds:7.2f} s  {processed / seconds:6.1f} msg/s  "
                  f"({processed} processed, {alone} run alone)")
        clean, crashed = results.values()
        print(f"the crash cost {crashed - clean:+.2f} s, {(crashed - clean) / max(args.in_flight, 1) * 1000:+.0f} ms "
              "per message run alone")


if __name__ == "__main__":
    main()
