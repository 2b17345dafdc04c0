"""`reportbox run` reads the operator's renames (`[registry] names`) again on SIGHUP: a wrong row
is logged with its file and line and the names in force are kept. A real daemon on a Maildir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.jobs.test_daemon import _wait_for

REPO = Path(__file__).resolve().parents[2]


def test_sighup_reads_the_names_file_again(tmp_path):
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "maildir" / sub).mkdir(parents=True)
    config = tmp_path / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n[registry]\nnames = "names.csv"\n'
                      '[[mailbox]]\nname = "khtc"\nkind = "maildir"\npath = "maildir"\n', encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("registry,code,name,full_name,valid_from\nvn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-03-01\n",
                     encoding="utf-8")
    log = tmp_path / "daemon.log"
    daemon = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "run"],
                              env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                              stderr=log.open("w"), text=True)
    text = lambda: log.read_text(encoding="utf-8")  # noqa: E731
    try:
        _wait_for(lambda: "poll khtc" in text(), 30, "the first poll")
        names.write_text("registry,code,name,valid_from\nvn34,22,Quảng Ninh,2026-03-01\n", encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        _wait_for(lambda: "configuration reloaded" in text(), 30, "the reload")
        names.write_text("registry,code,name,valid_from\nvn34,02,Hà Giang,2026-03-01\n", encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        _wait_for(lambda: "configuration not reloaded" in text(), 30, "the refused reload")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(30)
    refused = next(line for line in text().splitlines() if "configuration not reloaded" in line)
    assert f"{names}: line 2: no unit '02' in registry vn34" in refused
    assert daemon.returncode == 0
