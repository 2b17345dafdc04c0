"""A new administrator's first hour (issue 17), as they meet it at the command line: which
configuration file is used, errors that name it and the entries by name, the example configuration
working as shipped, paths that cannot be written reported at start, and the demo's suggested
commands running as printed."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from models.db import HEAD_REVISION
from reportbox import samples
from tests.servers.common import free_port
from tests.unwritable import unwritable_folder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"
EML_CONFIG = '[database]\nurl = "sqlite:///{db}"\n[storage]\nraw_dir = "{raw}"\n' \
             '[[mailbox]]\nname = "archive"\nkind = "eml-dir"\npath = "eml"\n'
CAMPAIGN = ('[[campaign]]\nid = "tk2019"\nletter = "5025/LĐTBXH-KHTC"\ntitle = "t"\nreport_year = 2019\n'
            'plan_year = 2020\nissued = 2019-11-25\ndeadline = 2019-12-15\n')


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without a $REPORTBOX_CONFIG of the machine's, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if key != "REPORTBOX_CONFIG"}
    return {**env, **extra}


def reportbox(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportbox", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env or clean_env())


def eml_config(folder: Path, *, db: str = "rb.db", raw: str = "raw", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eml").mkdir(exist_ok=True)
    (folder / "eml" / "1.eml").write_bytes(samples.report_message(samples.PROVINCES[1]))
    path = folder / "reportbox.toml"
    path.write_text(EML_CONFIG.format(db=db, raw=raw) + extra, encoding="utf-8")
    return path


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# --- which configuration file ---------------------------------------------------------------------
def test_the_option_beats_the_variable_which_beats_the_current_folder(tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    (here / "reportbox.toml").write_text("[database]\nurll = 'x'\n")  # broken: read, it fails naming itself
    named = eml_config(tmp_path / "etc", db="named.db")
    variable = clean_env(REPORTBOX_CONFIG=str(named))

    by_variable = reportbox("db", "upgrade", cwd=here, env=variable)
    assert by_variable.returncode == 0, by_variable.stderr
    assert (tmp_path / "etc" / "named.db").is_file() and not (here / "rb.db").exists()
    assert f"using $REPORTBOX_CONFIG ({named}); ./reportbox.toml is not read" in by_variable.stderr

    by_option = reportbox("--config", "reportbox.toml", "db", "upgrade", cwd=here, env=variable)
    assert by_option.returncode == 2  # and the relative path given is named in full
    assert one_line(by_option) == f"reportbox: {here / 'reportbox.toml'}: database.urll: unknown key"

    by_folder = reportbox("db", "upgrade", cwd=here)
    assert by_folder.returncode == 2 and one_line(by_folder).startswith(f"reportbox: {here / 'reportbox.toml'}:")

    nowhere = reportbox("messages", cwd=tmp_path, env=clean_env(REPORTBOX_CONFIG=str(tmp_path / "none.toml")))
    assert nowhere.returncode == 2
    assert f"{tmp_path / 'none.toml'}: configuration file not found (named by $REPORTBOX_CONFIG)" in one_line(nowhere)


def test_an_error_found_after_loading_names_the_configuration_file(tmp_path):
    config = eml_config(tmp_path, extra='[registry]\ncontacts = "contacts.csv"\n' + CAMPAIGN)
    (tmp_path / "contacts.csv").write_text("unit,email\n22,not-an-address\n", encoding="utf-8")
    result = reportbox("remind", "--campaign", "tk2019", "--dry-run", cwd=tmp_path)
    assert result.returncode == 2
    line = one_line(result)
    assert "'not-an-address' is not an e-mail address" in line and line.endswith(f"(configuration file: {config})")


def test_mailboxes_and_campaigns_are_named_in_errors(tmp_path):
    config = eml_config(tmp_path, extra='[[mailbox]]\nname = "phongkh"\nkind = "maildir"\npath = "m"\nmark = "flag"\n')
    result = reportbox("--config", str(config), "messages")
    assert result.returncode == 2
    assert one_line(result) == (f'reportbox: {config}: mailbox "phongkh": mark: must be none, keyword, seen '
                                "or move:Folder")


# --- the example configuration, as shipped ----------------------------------------------------------
def test_the_example_configuration_works_as_shipped(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "reportbox.toml")
    env = clean_env(REPORTBOX_IMAP_PASSWORD="imap-secret", REPORTBOX_SMTP_PASSWORD="smtp-secret")
    upgraded = reportbox("db", "upgrade", cwd=tmp_path, env=env)
    assert upgraded.returncode == 0 and f"database at revision {HEAD_REVISION}" in upgraded.stdout, upgraded.stderr
    assert json.loads(reportbox("messages", "--format", "json", cwd=tmp_path, env=env).stdout) == []
    campaigns = json.loads(reportbox("campaign", "list", "--format", "json", cwd=tmp_path, env=env).stdout)
    assert [(row["campaign"], row["summary"]["missing"]) for row in campaigns] == [("tk2019", 63)]
    reminders = reportbox("remind", "--campaign", "tk2019", "--dry-run", cwd=tmp_path, env=env)
    assert reminders.returncode == 0, reminders.stderr


# --- paths that cannot be written ---------------------------------------------------------------------
def test_a_raw_store_that_cannot_be_written_is_one_line_at_start(tmp_path):
    with unwritable_folder(tmp_path / "blocked"):
        config = eml_config(tmp_path, raw="blocked/raw")
        for command in (["db", "upgrade"], ["poll"]):
            result = reportbox("--config", str(config), *command)
            assert result.returncode == 1, (command, result.stderr)
            line = one_line(result)
            assert line.startswith(f"reportbox: {config}: storage.raw_dir: the raw store "
                                   f"{tmp_path / 'blocked' / 'raw'} cannot be written (cannot create files in "
                                   f"{tmp_path / 'blocked'}: "), line
            assert ("Read-only file system" if os.geteuid() == 0 else "Permission denied") in line
        listing = reportbox("--config", str(config), "messages", "--format", "json")
        assert listing.returncode == 0 and json.loads(listing.stdout) == []  # reading needs no raw store
    (tmp_path / "file").write_text("")
    config.write_text(config.read_text().replace("blocked/raw", "file/raw"))
    result = reportbox("--config", str(config), "db", "upgrade")
    assert result.returncode == 1 and f"({tmp_path / 'file'} is not a folder)" in one_line(result)


def test_a_database_that_cannot_be_written_is_one_line_at_start(tmp_path):
    with unwritable_folder(tmp_path / "blocked"):
        config = eml_config(tmp_path, db="blocked/rb.db")
        for command in (["db", "upgrade"], ["messages"]):
            result = reportbox("--config", str(config), *command)
            assert result.returncode == 1, (command, result.stderr)
            assert one_line(result).startswith(f"reportbox: {config}: database.url: the database "
                                               f"{tmp_path / 'blocked' / 'rb.db'} cannot be written ("), result.stderr


# --- the demo's next steps ---------------------------------------------------------------------------
@pytest.mark.slow  # the demo (about 6 s) and six commands
@pytest.mark.parametrize("campaign", [[], ["--campaign", "2026"]], ids=["2019", "2026"])
def test_the_demos_suggested_commands_run_as_printed(tmp_path, campaign):
    """Each command under "Next:" is pasted as printed into a shell where `reportbox` is on PATH, from
    the folder the demo ran in; the demo's folder has a space and Vietnamese in its name. Both demos:
    the 2019 one (63 provinces) and the 2026 one (34)."""
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir()
    work.mkdir()
    (bin_dir / "reportbox").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m reportbox "$@"\n')
    (bin_dir / "reportbox").chmod(0o755)
    env = clean_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    made = subprocess.run(["reportbox", "demo", *campaign, "--dir", "thư mục demo"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    printed = made.stdout.split("\nNext:\n", 1)[1].split("\nDone in", 1)[0].splitlines()
    commands = [part.strip() for line in printed for part in line.split("   # ", 1)[0].split(" && ")]
    assert len(commands) == 6 and all(command.startswith("reportbox --config ") for command in commands), printed
    port = free_port()  # not the default 8000, which another test or program may hold
    with (work / "thư mục demo" / "reportbox.toml").open("a", encoding="utf-8") as config:
        config.write(f"\n[web]\nport = {port}\n")
    for command in commands:
        argv = shlex.split(command)
        if argv[-1] == "serve":
            _serves_until_stopped(argv, work, env, port)
            continue
        # No terminal (a new session): the password prompt of `user add` reads its answers from stdin.
        result = subprocess.run(argv, cwd=work, env=env, input="mat-khau-du-dai-2019\n" * 2, capture_output=True,
                                text=True, timeout=120, start_new_session=True)
        assert result.returncode == 0, (command, result.stderr)
    assert (work / "status.xlsx").stat().st_size > 0 and (work / "tonghop.docx").stat().st_size > 0


def _serves_until_stopped(argv: list[str], cwd: Path, env: dict[str, str], port: int) -> None:
    server = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    assert response.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
