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


def test_a_reload_whose_campaigns_cannot_be_stored_keeps_the_names_in_force(tmp_path, caplog):
    """The log says the configuration in force is kept: its renames too, not the new file's."""
    from jobs.daemon import Daemon
    from jobs.reload import reload_config
    from models.db import make_engine, session_factory
    from parsers.registry import builtin
    from parsers.registry.units import use_operator_names
    from reportbox.app import open_app
    from reportbox.config import load_config
    from tests.year_end_campaigns import year_end_campaign

    config = tmp_path / "reportbox.toml"
    base = '[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n[registry]\nnames = "names.csv"\n'
    config.write_text(base, encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("registry,code,name,full_name,valid_from\nvn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-03-01\n",
                     encoding="utf-8")
    app = open_app(load_config(config))
    try:
        daemon = Daemon(app)
        names.write_text("registry,code,name,full_name,valid_from\nvn34,22,Hạ Long,Thành phố Hạ Long,2026-03-01\n",
                         encoding="utf-8")
        config.write_text(base + year_end_campaign(2026), encoding="utf-8")
        # The same database, opened read-only by SQLite itself: storing the new campaign fails.
        app.sessions = session_factory(make_engine(app.config.database.url, readonly=True))
        reload_config(daemon)
        assert "its campaigns could not be stored" in caplog.text
        assert [n.full_name for n in builtin("vn34").unit("22").renames] == ["Thành phố Quảng Ninh"]
        assert app.config.campaign == ()
    finally:
        use_operator_names(())
        app.close()
