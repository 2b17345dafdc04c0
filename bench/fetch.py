"""Fetch benchmark: reportbox against mbsync on the same Dovecot mailbox, at the same durability.

    .venv/bin/python -m bench.fetch [--messages 500 2000] [--runs 3] [--idle-at 20000] [--workdir /var/tmp]

For each --messages N, fills a private Dovecot (the test fixture) with N province reports
(Vietnamese subjects, .docx and .pdf attachments of 20 KB to 5 MB, one of 30 MB), then times, --runs
times each, alternating:
  - mbsync (isync, `FSync yes`, its default) pulling the folder into a new Maildir (cold), then
    once more with nothing new (warm);
  - `reportbox poll --fetch-only` storing it durably (raw files fsynced, rows committed, keyword
    set) into a new database (cold), then once more with nothing new (warm);
and prints a table of the medians: seconds, messages/s, ratio to mbsync (target: at most 0.8x).
Both are whole commands, process start included. Without mbsync (`apt-get install isync`) it says
so and prints reportbox's figures alone. For the largest N it then times `reportbox process`, one
overlapped `reportbox poll`, each process's peak memory, and the latency of a poll with no new
mail on an open connection at N and at --idle-at messages. Figures, not assertions: the machine is noisy.
"""

from __future__ import annotations

import argparse
import compileall
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
TARGET_RATIO = 0.8  # reportbox's fetch time over mbsync's (issue 17)


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


def mbsync_config(account, workdir: Path, run: int) -> Path:
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
    return config


def _median_run(runs: list[tuple[float, int]]) -> tuple[float, int]:
    """The run of median time, with its own peak memory."""
    return sorted(runs)[len(runs) // 2]


def reportbox_config(account, workdir: Path, name: str, settings: str = "") -> Path:
    """A configuration of its own for one run: database and raw store in `workdir`, the account
    as mailbox "bench", and `settings` (TOML lines) added to the mailbox."""
    config = workdir / f"{name}.toml"
    config.write_text(f"""[database]
url = "sqlite:///{workdir / f'{name}.db'}"
[storage]
raw_dir = "{workdir / f'{name}-raw'}"
{account.mailbox_toml(PASSWORD_ENV, name="bench")}{settings}
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
    parser.add_argument("--messages", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--runs", type=int, default=3, help="of each side, compared by their medians")
    parser.add_argument("--idle-at", type=int, default=20000, help="mailbox size for the second idle-poll figure")
    parser.add_argument("--workdir", default="/var/tmp", help="on the disk reportbox would use (not tmpfs)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    for package in ("reportbox", "models", "parsers", "ingest", "jobs"):  # as an installed package has it
        compileall.compile_dir(ROOT / package, quiet=1)
    has_mbsync = shutil.which("mbsync") is not None
    if not has_mbsync:
        print("mbsync not found (apt-get install isync): reportbox's figures only, no comparison")

    workdir = Path(tempfile.mkdtemp(prefix="reportbox-bench-", dir=args.workdir))
    server_dir = Path(tempfile.mkdtemp(prefix="reportbox-bench-dovecot-"))
    os.chmod(server_dir, 0o755)
    server = Dovecot(server_dir)
    server.start()
    rows = []
    try:
        for n in args.messages:
            account = filled_account(server, n, args.seed)
            os.environ[PASSWORD_ENV] = account.password  # the in-process idle polls read it too
            here = workdir / f"n{n}"
            here.mkdir()
            rows += compare(account, here, n, args.runs, has_mbsync)
        print_table(rows, has_mbsync)
        extras(account, here, args.messages[-1], args.idle_at)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(server_dir, ignore_errors=True)


def filled_account(server, n: int, seed: int):
    account = server.add_user()
    with account.client():
        pass  # first login creates the Maildir
    started = time.perf_counter()
    volume = fill_maildir(account.maildir, attachment_sizes(n, random.Random(seed)))
    print(f"mailbox: {n} messages, {volume / 1e6:.0f} MB on disk (filled in {time.perf_counter() - started:.1f} s)")
    with account.client() as client:  # let Dovecot index the new files before anything is timed
        client.select_folder("INBOX", readonly=True)
        client.search(["ALL"])
    return account


def reportbox_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "reportbox", "--log-level", "WARNING", "--config", str(config)]


def compare(account, workdir: Path, n: int, runs: int, has_mbsync: bool) -> list[tuple]:
    """(messages, cold|warm, tool, median seconds, its peak memory in KiB) for each side and pass."""
    # This disk's fsync latency swings up to 3x between runs: each side is timed `runs` times,
    # alternating, into a new target each time, and the medians are compared.
    times: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for run in range(runs):
        if has_mbsync:
            mbsync = ["mbsync", "-q", "-c", str(mbsync_config(account, workdir, run)), "bench"]
            times.setdefault(("cold", "mbsync"), []).append(timed(mbsync)[:2])
            times.setdefault(("warm", "mbsync"), []).append(timed(mbsync)[:2])
        command = reportbox_command(reportbox_config(account, workdir, f"fetch-{run}"))
        timed(command + ["db", "upgrade"])  # once per deployment, not per poll
        times.setdefault(("cold", "reportbox"), []).append(timed(command + ["poll", "--fetch-only"])[:2])
        times.setdefault(("warm", "reportbox"), []).append(timed(command + ["poll", "--fetch-only"])[:2])
    return [(n, sync, tool, *_median_run(found)) for (sync, tool), found in times.items()]


def print_table(rows: list[tuple], has_mbsync: bool) -> None:
    names = {"mbsync": "mbsync (FSync yes)", "reportbox": "reportbox poll --fetch-only"}
    reference = {(n, sync): seconds for n, sync, tool, seconds, _ in rows if tool == "mbsync"}
    print()
    print(f"{'messages':>8}  {'pass':4}  {'command':28} {'seconds':>8} {'msg/s':>7} {'ratio':>6}  {'peak PSS':>8}")
    for n, sync, tool, seconds, pss in sorted(rows, key=lambda row: (row[0], row[1], row[2])):
        ratio = f"{seconds / reference[n, sync]:5.2f}x" if (n, sync) in reference else "     -"
        print(f"{n:>8}  {sync:4}  {names[tool]:28} {seconds:8.2f} {n / seconds:7.0f} {ratio:>6}  {pss / 1024:5.0f} MB")
    print(f"(medians; cold: the first sync of everything, warm: nothing new; ratio: to mbsync, target <= "
          f"{TARGET_RATIO}x{'' if has_mbsync else '; no mbsync here'})")


def extras(account, workdir: Path, n: int, idle_at: int) -> None:
    """For the largest mailbox: parsing, an overlapped poll, start-up, and polls with nothing new."""
    config = workdir / "fetch-0.toml"  # `process` goes on from the first fetch
    process_time, process_rss, output = timed(reportbox_command(config) + ["process"])
    print(f"\nreportbox process             {process_time:7.2f} s  {n / process_time:7.0f} msg/s  peak PSS "
          f"{process_rss / 1024:6.0f} MB   ({output.strip()})")
    # One `reportbox poll` into a new database: fetching and parsing overlap, as in the daemon.
    overlapped = reportbox_command(reportbox_config(account, workdir, "overlapped"))
    timed(overlapped + ["db", "upgrade"])
    poll_time, poll_rss, _ = timed(overlapped + ["poll"])
    print(f"reportbox poll (overlapped)   {poll_time:7.2f} s  {n / poll_time:7.0f} msg/s  peak PSS {poll_rss / 1024:6.0f} MB")
    startup, _, _ = timed([sys.executable, "-c", "import reportbox.cli.mail, reportbox.app, jobs.poll, ingest.imap"])
    print(f"  of each reportbox command above, interpreter start and the fetch's imports {startup:.2f} s")
    print(f"idle poll at {n:>6} messages   {idle_poll_ms(config):7.2f} ms (median, open connection)")
    if idle_at > n:
        fill_maildir(account.maildir, [0] * (idle_at - n), start=n, tiny=True)
        with account.client() as client:
            client.select_folder("INBOX", readonly=True)
            client.search(["ALL"])
        timed(reportbox_command(config) + ["poll", "--fetch-only"])
        print(f"idle poll at {idle_at:>6} messages   {idle_poll_ms(config):7.2f} ms (median, open connection)"
              "   target < 50 ms")


if __name__ == "__main__":
    main()
