"""The command line starts light: each command imports only what it uses (timed in bench/startup.py,
never here). A real process runs each command, then reports which modules it had imported."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import reportbox.cli
from reportbox import samples
from reportbox.cli import COMMANDS, cli
from tests.test_cli_status import CAMPAIGN

PASSWORD_ENV = "RB_STARTUP_TEST_PW"
# What the document readers and the message parser import: needed only when there is mail to process.
READERS = {"mailparser", "pdfplumber", "pdfminer", "docx", "openpyxl", "PIL", "inscriptis", "lxml",
           "parsers.message", "parsers.attachments", "parsers.identify", "ingest.process"}
# The request-letter reader: only `campaign from-letter` and the stored letter campaigns' own outline need it.
LETTER = {"parsers.letter", "parsers.letterhead", "parsers.years"}
WEB = {"fastapi", "starlette", "uvicorn", "web"}
DATABASE = {"sqlalchemy", "alembic", "psycopg", "models"}
# Run the command as `python -m reportbox` does, and write the names of the modules loaded by its end.
RUNNER = """
import atexit, json, runpy, sys
out, sys.argv = sys.argv[1], ["reportbox", *sys.argv[2:]]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
runpy.run_module("reportbox", run_name="__main__")
"""


def run_reportbox(tmp_path: Path, *args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, set[str]]:
    out = tmp_path / "modules.json"
    out.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", RUNNER, str(out), *args], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path, env=env)
    return result, set(json.loads(out.read_text()))


def loaded(modules: set[str], packages: set[str]) -> set[str]:
    """The packages of `packages` (or their submodules) that were imported."""
    return {name for name in modules if any(name == package or name.startswith(package + ".") for package in packages)}


def test_every_command_is_in_the_map_with_its_module_and_help():
    """COMMANDS (what `--help` lists without importing) matches what the modules define."""
    for module in pkgutil.iter_modules(reportbox.cli.__path__):
        importlib.import_module(f"reportbox.cli.{module.name}")
    assert set(cli.commands) == set(COMMANDS)
    for name, command in cli.commands.items():
        module, help_text = COMMANDS[name]
        assert command.callback.__module__ == f"reportbox.cli.{module}", name
        stand_in = click.Command(name, help=help_text)
        for width in (20, 45, 80, 1000):
            assert stand_in.get_short_help_str(width) == command.get_short_help_str(width), name


def test_help_imports_no_command(tmp_path):
    result, modules = run_reportbox(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)
    assert "Every unit of a campaign: on time, late" in result.stdout
    assert loaded(modules, READERS | WEB | DATABASE | {"pydantic", "rich", "imapclient", "apscheduler"}) == set()
    assert not [name for name in modules if name.startswith(("reportbox.cli.", "parsers", "ingest", "jobs"))
                and name != "reportbox.cli.base"]


@pytest.fixture
def imap_config(tmp_path, imap_account) -> Path:
    config = tmp_path / "reportbox.toml"
    config.write_text(f"""[database]
url = "sqlite:///rb.db"
{imap_account.mailbox_toml(PASSWORD_ENV)}""" + CAMPAIGN, encoding="utf-8")
    for index in (0, 1):
        imap_account.append(samples.report_message(samples.PROVINCES[index], attachment="pdf"))
    return config


def test_poll_with_nothing_new_and_status_import_no_reader(tmp_path, imap_config, imap_account):
    env = {**os.environ, PASSWORD_ENV: imap_account.password}
    first, modules = run_reportbox(tmp_path, "--config", str(imap_config), "poll", env=env)
    assert first.returncode == 0, first.stderr
    assert "new: 2  parsed: 2" in first.stdout
    assert {"parsers.message", "ingest.process", "alembic"} <= modules  # mail to process; a new database

    again, modules = run_reportbox(tmp_path, "--config", str(imap_config), "poll", env=env)
    assert again.returncode == 0, again.stderr
    assert "new: 0  parsed: 0" in again.stdout
    assert "imapclient" in modules and "sqlalchemy" in modules  # it did talk to the server and the database
    assert loaded(modules, READERS | LETTER | WEB | {"alembic", "apscheduler", "authlib", "requests", "rich"}) == set()

    status, modules = run_reportbox(tmp_path, "--config", str(imap_config), "status", "--campaign", "tk2019")
    assert status.returncode == 0, status.stderr
    assert "on_time" in status.stdout and "Hà Nội" in status.stdout
    assert loaded(modules, READERS | LETTER | WEB | {"alembic", "apscheduler", "imapclient", "tenacity", "jobs",
                                                      "ingest.fetch"}) == set()  # nor the poll's


@pytest.fixture
def files_config(tmp_path) -> Path:
    """An eml-dir mailbox whose one report is already taken in."""
    (tmp_path / "eml").mkdir()
    (tmp_path / "eml" / "0.eml").write_bytes(samples.report_message(samples.PROVINCES[0]))
    config = tmp_path / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///rb.db"\n[[mailbox]]\nname = "archive"\nkind = "eml-dir"\n'
                      'path = "eml"\n' + CAMPAIGN, encoding="utf-8")
    first, _ = run_reportbox(tmp_path, "--config", str(config), "poll")
    assert first.returncode == 0, first.stderr
    return config


def test_a_poll_of_files_imports_no_mail_client(tmp_path, files_config):
    """An eml-dir (or maildir) mailbox is read from disk: no IMAP client, no OAuth2."""
    again, modules = run_reportbox(tmp_path, "--config", str(files_config), "poll")
    assert again.returncode == 0, again.stderr
    assert "new: 0  parsed: 0" in again.stdout
    assert "ingest.files" in modules  # it did read the folder
    assert loaded(modules, READERS | LETTER | WEB | {"imapclient", "ingest.imap", "reportbox.oauth", "authlib",
                                                      "alembic", "rich"}) == set()


def test_status_draws_with_rich_only_as_a_table(tmp_path, files_config):
    """`status --format json` (or csv), what scripts and cron read, goes without rich."""
    for fmt in ("json", "csv"):
        result, modules = run_reportbox(tmp_path, "--config", str(files_config), "status", "--campaign", "tk2019",
                                        "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "Hà Nội" in result.stdout, fmt
        assert loaded(modules, {"rich"}) == set(), fmt
    table, modules = run_reportbox(tmp_path, "--config", str(files_config), "status", "--campaign", "tk2019")
    assert table.returncode == 0, table.stderr
    assert "rich.table" in modules and "Hà Nội" in table.stdout


# A command's module imported as `reportbox status` does; then the collector's state and what it was told to skip.
COLLECTOR = """
import gc, json, sys
import click
from reportbox.cli import cli
if sys.argv[1] == "off":
    gc.disable()
frozen = gc.get_freeze_count()
cli.get_command(click.Context(cli), "status")
print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count() - frozen,
                  "imported": "models.schema" in sys.modules}))
"""


@pytest.mark.parametrize("collector", ["on", "off"])
def test_a_command_is_imported_with_the_collector_paused_and_left_as_found(collector):
    """The objects importing made are out of the collector's sight (frozen, not collected again and
    again); the collector then runs as before: a daemon without it would never free a cycle."""
    result = subprocess.run([sys.executable, "-c", COLLECTOR, collector], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["imported"]
    assert state["enabled"] is (collector == "on")
    assert state["frozen"] > 10_000  # SQLAlchemy's, pydantic's and the schema's objects, among others


# Two commands loaded in one process, with cyclic garbage made between them.
TWICE = """
import gc, json, weakref
import click
from reportbox.cli import cli

class Cycle:
    pass

cli.get_command(click.Context(cli), "status")
after_first = gc.get_freeze_count()
garbage = Cycle()
garbage.me = garbage
alive = weakref.ref(garbage)
del garbage
cli.get_command(click.Context(cli), "doctor")
gc.collect()
print(json.dumps({"first": after_first, "second": gc.get_freeze_count() - after_first,
                  "garbage_pinned": alive() is not None}))
"""


def test_the_collector_freezes_once_per_process():
    """A second command loaded in the same process (CliRunner tests, a script) freezes nothing more:
    the cyclic garbage waiting then is collected as usual, not pinned for the process's life."""
    result = subprocess.run([sys.executable, "-c", TWICE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["first"] > 10_000
    assert state["second"] == 0
    assert state["garbage_pinned"] is False
