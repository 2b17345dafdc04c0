"""IMAP IDLE benchmark: how long after its APPEND a report is stored by a running `reportbox run`.

    .venv/bin/python -m bench.idle [--messages 30] [--polling]

Starts a private Dovecot (the test fixture) and `reportbox run` with `poll_interval = 3600`, so only
IDLE can bring mail in quickly; appends N province reports one at a time, a random 0.3-1.0 s apart
(a mailbox at its busiest, each message on its own), and for each measures the time from the
server's OK to the APPEND until (a) its raw_message row is committed and (b) it is processed. Prints
the median, the 90th percentile and the maximum. With --polling, the same with `idle = false` and
`poll_interval = 5` (the smallest allowed) for comparison. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fetch import PASSWORD_ENV, reportbox_config  # noqa: E402
from reportbox import samples  # noqa: E402
from tests.servers.dovecot import Dovecot  # noqa: E402

READY_TIMEOUT = 60  # seconds for the daemon to start and to store one message
WATCHING = "watching for new mail with IDLE"


def wait(predicate, what: str, daemon: subprocess.Popen, interval: float = 0.002) -> float:
    """Poll until true; returns the perf_counter at which it was seen true."""
    deadline = time.perf_counter() + READY_TIMEOUT
    while True:
        now = time.perf_counter()
        if predicate():
            return now
        if now > deadline or daemon.poll() is not None:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(interval)


def measure(account, workdir: Path, name: str, settings: str, ready: str, n: int, rng: random.Random,
            first_index: int) -> tuple[list[float], list[float]]:
    config = reportbox_config(account, workdir, name, settings)
    env = {**os.environ, PASSWORD_ENV: account.password}
    command = [sys.executable, "-m", "reportbox", "--config", str(config)]
    subprocess.run(command + ["db", "upgrade"], env=env, check=True, capture_output=True)
    log_path = workdir / f"{name}.log"
    with log_path.open("w") as log:
        daemon = subprocess.Popen(command + ["run"], env=env, stdout=subprocess.DEVNULL, stderr=log)
    database = sqlite3.connect(workdir / f"{name}.db", isolation_level=None)
    stored_times, processed_times = [], []

    def count(where: str = "") -> int:
        return database.execute(f"SELECT count(*) FROM raw_message {where}").fetchone()[0]

    try:
        wait(lambda: ready in log_path.read_text(), "the daemon to be ready", daemon, interval=0.05)
        with account.client() as client:
            for i in range(first_index, first_index + n):
                raw = samples.report_message(samples.PROVINCES[i % len(samples.PROVINCES)],
                                             message_id=f"<idle-bench-{i}@bench.gov.vn>")
                before = count()
                client.append("INBOX", raw)
                appended = time.perf_counter()
                stored = wait(lambda: count() > before, f"message {i} to be stored", daemon)
                processed = wait(lambda: count("WHERE state != 'fetched'") > before, f"message {i} processed", daemon)
                stored_times.append(stored - appended)
                processed_times.append(processed - appended)
                time.sleep(rng.uniform(0.3, 1.0))
    finally:
        database.close()
        daemon.terminate()
        daemon.wait(timeout=30)
    return stored_times, processed_times


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return (f"{label:<34} median {statistics.median(ms):8.0f} ms   p90 {p90:8.0f} ms   "
            f"max {ms[-1]:8.0f} ms   ({len(ms)} messages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--polling", action="store_true", help="also measure idle = false, poll_interval = 5")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    workdir = Path(tempfile.mkdtemp(prefix="reportbox-bench-idle-"))
    server_dir = Path(tempfile.mkdtemp(prefix="reportbox-bench-dovecot-"))
    os.chmod(server_dir, 0o755)
    server = Dovecot(server_dir)
    server.start()
    try:
        account = server.add_user()
        stored, processed = measure(account, workdir, "idle", "poll_interval = 3600", WATCHING,
                                    args.messages, rng, 0)
        print("APPEND to stored, `reportbox run` with IDLE (poll_interval 3600 s):")
        print(summary("  raw message committed", stored))
        print(summary("  processed (parsed, identified)", processed))
        if args.polling:
            stored, processed = measure(server.add_user(), workdir, "polling", "poll_interval = 5\nidle = false",
                                        "daemon started", args.messages, rng, args.messages)
            print("the same, polling only (idle = false, poll_interval 5 s):")
            print(summary("  raw message committed", stored))
            print(summary("  processed (parsed, identified)", processed))
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(server_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
