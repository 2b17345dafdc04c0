"""Fetch benchmark: reportbox against mbsync on the same Dovecot mailbox, at the same durability.

    .venv/bin/python -m bench.fetch [--messages 2000] [--idle-at 20000] [--workdir /var/tmp]

Fills a private Dovecot (the test fixture) with N province reports (Vietnamese subjects, .docx and
.pdf attachments of 20 KB to 5 MB, one of 30 MB), then in one run times:
  (a) mbsync (isync, `FSync yes`, its default) pulling the folder into a Maildir;
  (b) `reportbox poll --fetch-only` storing it durably (raw store + rows + keyword), then
      `reportbox process` parsing what was stored;
and prints messages/s, the ratios, each process's peak RSS, and the latency of a poll with no new
mail at N and at --idle-at messages. Figures, not assertions: the machine is noisy.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbox import samples  # noqa: E402
from tests.servers.dovecot import Dovecot, ensure_mail_user  # noqa: E402

PASSWORD_ENV = "RB_BENCH_PASSWORD"
RUNS = 3  # of mbsync and of the fetch, compared by their medians


def attachment_sizes(n: int, rng: random.Random) -> list[int]:
    """Mostly small reports, a tail of scanned-size ones, and one 30 MB monster."""
    sizes = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.80:
            sizes.append(rng.randint(20_000, 200_000))
        elif roll < 0.995:
            sizes.append(rng.randint(200_000, 1_500_000))
        else:
            sizes.append(rng.randint(4_000_000, 5_000_000))
    sizes[n // 2] = 30 * 1024 * 1024
    return sizes


def fill_maildir(maildir: Path, sizes: list[int], start: int = 0, tiny: bool = False) -> int:
    """Write messages straight into the Maildir (much faster than APPEND); Dovecot indexes them."""
    uid, gid = ensure_mail_user()
    cur = maildir / "cur"
    cur.mkdir(parents=True, exist_ok=True)
    base = datetime(2019, 12, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    total = 0
    for i, size in enumerate(sizes, start):
        province = samples.PROVINCES[i % len(samples.PROVINCES)]
        if tiny:
            raw = (f"From: a{i}@{province[2]}.gov.vn\r\nSubject: tin {i}\r\nMessage-ID: <t{i}@bench>\r\n\r\n"
                   f"x\r\n").encode()
        else:
            raw = samples.report_message(province, attachment="pdf" if i % 2 else "docx", padding=size,
                                         message_id=f"<bench-{i}@{province[2]}.gov.vn>")
        path = cur / f"{1575158400 + i}.M{i}P1.bench:2,"
        path.write_bytes(raw)
        os.chown(path, uid, gid)
        stamp = (base + timedelta(minutes=i)).timestamp()
        os.utime(path, (stamp, stamp))
        total += len(raw)
    for directory in (maildir, cur):
        os.chown(directory, uid, gid)
    return total


def timed(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Wall time, peak RSS (KiB) of the process and its worker processes together, and its output.

    Sampled from /proc every 20 ms as the proportional set size (Pss) of the process and its
    children: forked workers share pages with their parent, which plain RSS would count twice.
    (The kernel's ru_maxrss is no use here: it includes this large benchmark process, inherited
    across fork and exec.)
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        peak = 0
        while process.poll() is None:
            tree = [process.pid, *_children(process.pid)]
            peak = max(peak, sum(_pss_kib(pid) for pid in tree))
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{text}")
    return elapsed, peak, text


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Every descendant: parsing workers are the fork server's children, not reportbox's."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            direct = [int(child) for child in listing.read().split()]
    except OSError:
        return []
    return direct + [grandchild for child in direct for grandchild in _children(child)]


def mbsync(account, workdir: Path, run: int) -> tuple[float, int]:
    target = workdir / f"mbsync-{run}"
    target.mkdir()
    config = workdir / f"mbsyncrc-{run}"
    config.write_text(f"""FSync yes
IMAPAccount bench
Host {account.host}
Port {account.port}
User {account.username}
Pass {account.password}
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path {target}/
Inbox {target}/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
Create Near
SyncState *
""")
    elapsed, rss, _ = timed(["mbsync", "-q", "-c", str(config), "bench"])
    return elapsed, rss


def _median_run(runs: list[tuple[float, int]]) -> tuple[float, int]:
    """The run of median time, with its own peak memory."""
    return sorted(runs)[len(runs) // 2]


def reportbox_config(account, workdir: Path, name: str) -> Path:
    config = workdir / f"{name}.toml"
    config.write_text(f"""[database]
url = "sqlite:///{workdir / f'{name}.db'}"
[storage]
raw_dir = "{workdir / f'{name}-raw'}"
[[mailbox]]
name = "bench"
kind = "imap"
host = "{account.host}"
port = {account.port}
security = "none"
username = "{account.username}"
password_env = "{PASSWORD_ENV}"
""")
    return config


def idle_poll_ms(config_path: Path, rounds: int = 15) -> float:
    """Median time of a poll that finds nothing new, on an open connection (as the daemon does)."""
    from ingest.imap import ImapSource
    from jobs.poll import poll
    from reportbox.app import open_app
    from reportbox.config import load_config

    app = open_app(load_config(config_path))
    source = ImapSource(app.config.mailbox[0])
    try:
        report = poll(app, [source], fetch_only=True)  # catch up (and warm the connection)
        assert not report.fetched.errors, report.fetched.errors
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            report = poll(app, [source], fetch_only=True)
            times.append((time.perf_counter() - started) * 1000)
            assert report.fetched.new == 0
        return statistics.median(times)
    finally:
        source.close()
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--idle-at", type=int, default=20000, help="mailbox size for the second idle-poll figure")
    parser.add_argument("--workdir", default="/var/tmp", help="on the disk reportbox would use (not tmpfs)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    if not shutil.which("mbsync"):
        raise SystemExit("mbsync not found: apt-get install isync")

    workdir = Path(tempfile.mkdtemp(prefix="reportbox-bench-", dir=args.workdir))
    server_dir = Path(tempfile.mkdtemp(prefix="reportbox-bench-dovecot-"))
    os.chmod(server_dir, 0o755)
    server = Dovecot(server_dir)
    server.start()
    try:
        account = server.add_user()
        with account.client():
            pass  # first login creates the Maildir
        sizes = attachment_sizes(args.messages, random.Random(args.seed))
        started = time.perf_counter()
        volume = fill_maildir(account.maildir, sizes)
        print(f"mailbox: {args.messages} messages, {volume / 1e6:.0f} MB on disk "
              f"(filled in {time.perf_counter() - started:.1f} s)")
        with account.client() as client:  # let Dovecot index the new files before anything is timed
            client.select_folder("INBOX", readonly=True)
            client.search(["ALL"])

        os.environ[PASSWORD_ENV] = account.password  # the in-process idle polls read it too
        env = dict(os.environ)
        reportbox = [sys.executable, "-m", "reportbox", "--log-level", "WARNING", "--config", ""]
        # This disk's fsync latency swings up to 3x between runs: each side is timed RUNS times,
        # alternating, into a new target each time, and the medians are compared.
        syncs, fetches = [], []
        for run in range(RUNS):
            syncs.append(mbsync(account, workdir, run))
            config = reportbox_config(account, workdir, f"fetch-{run}")
            command = reportbox[:-1] + [str(config)]
            timed(command + ["db", "upgrade"], env)  # once per deployment, not per poll
            fetches.append(timed(command + ["poll", "--fetch-only"], env)[:2])
        sync_time, sync_rss = _median_run(syncs)
        fetch_time, fetch_rss = _median_run(fetches)
        reportbox[-1] = str(config)  # `process` goes on from the last fetch
        process_time, process_rss, output = timed(reportbox + ["process"], env)
        n = args.messages
        print(f"(mbsync and the fetch: the median of {RUNS} runs each)")
        print(f"mbsync (FSync yes)            {sync_time:7.2f} s  {n / sync_time:7.0f} msg/s  peak RSS {sync_rss / 1024:6.0f} MB")
        print(f"reportbox poll --fetch-only   {fetch_time:7.2f} s  {n / fetch_time:7.0f} msg/s  peak RSS {fetch_rss / 1024:6.0f} MB"
              f"   ratio to mbsync {fetch_time / sync_time:.2f}x (target <= 1.1x)")
        print(f"reportbox process             {process_time:7.2f} s  {n / process_time:7.0f} msg/s  peak RSS {process_rss / 1024:6.0f} MB"
              f"   ({output.strip()})")
        both = fetch_time + process_time
        print(f"fetch, then message parsing   {both:7.2f} s  {n / both:7.0f} msg/s"
              f"                      ratio to mbsync {both / sync_time:.2f}x")
        # One `reportbox poll` into a new database: fetching and parsing overlap, as in the daemon.
        overlapped = reportbox[:-1] + [str(reportbox_config(account, workdir, "overlapped"))]
        timed(overlapped + ["db", "upgrade"], env)
        poll_time, poll_rss, _ = timed(overlapped + ["poll"], env)
        print(f"reportbox poll (overlapped)   {poll_time:7.2f} s  {n / poll_time:7.0f} msg/s  peak RSS {poll_rss / 1024:6.0f} MB"
              f"   ratio to mbsync {poll_time / sync_time:.2f}x (target <= 3x)")
        startup, _, _ = timed([sys.executable, "-c", "import reportbox.cli, jobs.poll, ingest.imap, ingest.process"])
        print(f"  of each command above, interpreter start and imports {startup:.2f} s")

        print(f"idle poll at {n:>6} messages   {idle_poll_ms(config):7.2f} ms (median, open connection)")
        if args.idle_at > n:
            fill_maildir(account.maildir, [0] * (args.idle_at - n), start=n, tiny=True)
            with account.client() as client:
                client.select_folder("INBOX", readonly=True)
                client.search(["ALL"])
            timed(reportbox + ["poll", "--fetch-only"], env)
            print(f"idle poll at {args.idle_at:>6} messages   {idle_poll_ms(config):7.2f} ms (median, open connection)"
                  "   target < 50 ms")
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(server_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
