"""Start-up benchmark: how long the commands an operator or cron runs most take from exec to exit.

    .venv/bin/python -m bench.startup [--runs 15]

Times `reportbox --help`, `reportbox status --campaign tk2019` (table; a small SQLite database: two
reports, the 63 provinces) and `reportbox poll` finding nothing new on a private Dovecot (the test
fixture; skipped with a message when Dovecot is not installed), each run --runs times: the median and
the fastest wall time, and the median CPU time (user + system, less sensitive to a busy machine).
Bytecode is compiled first, as an installed package has it. Target (issue 17): under 0.25 s each.
Figures, not assertions. `python -X importtime -m reportbox …` shows where a command's imports go.

Two floors are timed too: the libraries `poll` cannot do without (click, SQLAlchemy's ORM and its
SQLite dialect, pydantic's BaseModel), and those plus rich (the status table), imported with the
garbage collector paused as reportbox imports them (reportbox.startup). SQLAlchemy alone takes about
0.2 s of CPU, so the target is below the floor; what a command takes above its floor is its own: the
schema's and the configuration's classes, the ORM's mapper configuration, the queries, the table.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbox import samples  # noqa: E402

PASSWORD_ENV = "RB_BENCH_PASSWORD"
TARGET = 0.25
POLL_FLOOR = "import click, sqlalchemy.orm, sqlalchemy.dialects.sqlite; from pydantic import BaseModel"
FLOORS = {"floor: click, SQLAlchemy, pydantic": POLL_FLOOR,
          "floor + rich (the status table)": POLL_FLOOR + "; import rich.console, rich.table"}
CAMPAIGN = """
[[campaign]]
id = "tk2019"
letter = "5025/LĐTBXH-KHTC"
title = "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020"
report_year = 2019
plan_year = 2020
issued = 2019-11-25
deadline = 2019-12-15
registry = "vn63"
"""


def timed_runs(command: list[str], runs: int, cwd: Path, env: dict) -> tuple[float, float, float]:
    """(median wall, fastest wall, median CPU) in seconds, after one unmeasured run."""
    walls, cpus = [], []
    for index in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        if index:  # the first run warms the page cache
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def write_config(workdir: Path, mailbox: str) -> Path:
    config = workdir / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///rb.db"\n' + mailbox + CAMPAIGN, encoding="utf-8")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for package in ("reportbox", "models", "parsers", "ingest", "jobs", "web"):
        compileall.compile_dir(ROOT / package, quiet=1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    reportbox = [sys.executable, "-m", "reportbox"]
    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="reportbox-bench-startup-"))
    try:
        for label, imports in FLOORS.items():
            floor = [sys.executable, "-c", f"import gc; gc.disable(); {imports}; gc.freeze()"]
            rows.append((label, timed_runs(floor, args.runs, workdir, env)))
        rows.append(("reportbox --help", timed_runs([*reportbox, "--help"], args.runs, workdir, env)))

        eml = workdir / "eml"
        eml.mkdir()
        for index in (0, 1):
            (eml / f"{index}.eml").write_bytes(samples.report_message(samples.PROVINCES[index]))
        config = write_config(workdir, '[[mailbox]]\nname = "archive"\nkind = "eml-dir"\npath = "eml"\n')
        subprocess.run([*reportbox, "--config", str(config), "poll"], cwd=workdir, env=env, check=True,
                       capture_output=True)
        status = [*reportbox, "--config", str(config), "status", "--campaign", "tk2019"]
        rows.append(("reportbox status --campaign tk2019", timed_runs(status, args.runs, workdir, env)))
        rows.append(("reportbox poll (eml-dir, nothing new)",
                     timed_runs([*reportbox, "--config", str(config), "poll"], args.runs, workdir, env)))
        rows.extend(_imap_poll(workdir, reportbox, args.runs, env))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{'command':44} {'median':>8} {'fastest':>8} {'CPU':>8}   (target < {TARGET} s)")
    for label, (median, fastest, cpu) in rows:
        print(f"{label:44} {median:7.3f}s {fastest:7.3f}s {cpu:7.3f}s   {'ok' if median < TARGET else 'over'}")
    print(f"(median and fastest of {args.runs} runs; CPU: user + system, median)")


def _imap_poll(workdir: Path, reportbox: list[str], runs: int, env: dict) -> list:
    from tests.servers.availability import find_tool

    try:
        from tests.servers.dovecot import Dovecot
        server_dir = Path(tempfile.mkdtemp(prefix="reportbox-bench-dovecot-"))
        os.chmod(server_dir, 0o755)
        server = Dovecot(server_dir)
        server.start()
    except Exception as exc:  # noqa: BLE001 - the bench goes on without this figure
        print(f"no IMAP poll figure: Dovecot could not start here ({exc!s:.200}); dovecot={find_tool('dovecot')}")
        return []
    try:
        account = server.add_user()
        for index in (0, 1):
            account.append(samples.report_message(samples.PROVINCES[index]))
        imap = workdir / "imap"
        imap.mkdir()
        config = write_config(imap, account.mailbox_toml(PASSWORD_ENV))
        env = {**env, PASSWORD_ENV: account.password}
        poll = [*reportbox, "--config", str(config), "poll"]
        subprocess.run(poll, cwd=imap, env=env, check=True, capture_output=True)  # takes in the two reports
        return [("reportbox poll (IMAP, nothing new)", timed_runs(poll, runs, imap, env))]
    finally:
        server.stop()
        shutil.rmtree(server_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
