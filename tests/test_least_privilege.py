"""Least privilege, as ministry IT meets it: each command reads only the secrets of the parts it
uses (the dashboard never needs the mailbox passwords), the commands that need some refuse to start
naming every one missing, and what reportbox writes (database, raw store, dashboard secret) only
its owner can read.

Real `python -m reportbox` processes, with no secret in their environment and a umask of 0, so an
owner-only mode can only come from reportbox itself."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportbox import samples
from tests.servers.common import free_port, http_status

SECRET_ENVS = ("RB_LP_IMAP_PW", "RB_LP_WEB_SECRET")
CAMPAIGN = """
[[campaign]]
id = "tk2019"
letter = "5025/LĐTBXH-KHTC"
title = "Báo cáo đánh giá năm 2019"
report_year = 2019
plan_year = 2020
issued = 2019-11-25
deadline = 2019-12-15
"""


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in SECRET_ENVS}


def reportbox(config: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), *args], input=input,
                          capture_output=True, text=True, timeout=120, env=_env(), cwd=config.parent, umask=0)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def mail_config(tmp_path) -> Path:
    """A site that fetches from two IMAP mailboxes and sends through a relay: the first mailbox's
    password in an environment variable, the second's and the relay's in files, none of them there."""
    path = tmp_path / "reportbox.toml"
    path.write_text(f"""
[database]
url = "sqlite:///rb.db"
[storage]
raw_dir = "var/raw"
[[mailbox]]
name = "phongkh"
kind = "imap"
host = "127.0.0.1"
port = {free_port()}
security = "none"
username = "phongkh"
password_env = "RB_LP_IMAP_PW"
[[mailbox]]
name = "vanthu"
kind = "imap"
host = "127.0.0.1"
port = {free_port()}
security = "none"
username = "vanthu"
password_file = "secrets/vanthu.pw"
[smtp]
host = "127.0.0.1"
port = {free_port()}
security = "none"
username = "phongkh"
password_file = "/nonexistent/reportbox/smtp.pw"
from = "Phòng Kế hoạch <khtc@molisa.gov.vn>"
{CAMPAIGN}""", encoding="utf-8")
    return path


def test_read_and_admin_commands_start_without_the_mail_secrets(mail_config):
    outputs = {}
    for args in (["db", "upgrade"], ["status", "--campaign", "tk2019", "--format", "json"],
                 ["submissions", "--format", "json"], ["outbox", "--format", "json"],
                 ["remind", "--campaign", "tk2019", "--dry-run", "--format", "json"],
                 ["export", "sections", "--campaign", "tk2019", "--out", "sections.xlsx"]):
        result = reportbox(mail_config, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "secret" not in result.stderr, (args, result.stderr)
        outputs[args[0]] = result.stdout
    assert json.loads(outputs["status"])["summary"]["missing"] == 63
    assert json.loads(outputs["remind"])["dry_run"] is True
    added = reportbox(mail_config, "user", "add", "lan", "--role", "reviewer", "--password-stdin",
                      input="mật-khẩu-đủ-dài\n")
    assert added.returncode == 0 and "user lan added (reviewer)" in added.stdout, added.stderr
    assert "lan" in reportbox(mail_config, "user", "list").stdout


def test_commands_that_fetch_or_send_refuse_to_start_naming_every_missing_secret(mail_config):
    imap = ('mailbox "phongkh" password (environment variable RB_LP_IMAP_PW is not set), '
            f'mailbox "vanthu" password (file {mail_config.parent / "secrets" / "vanthu.pw"} cannot be read: '
            "No such file or directory)")
    smtp = "smtp password (file /nonexistent/reportbox/smtp.pw cannot be read: No such file or directory)"
    expected = {
        ("poll",): f"missing secrets: {imap}",
        ("poll", "--fetch-only"): f"missing secrets: {imap}",
        ("run",): f"missing secrets: {imap}, {smtp}",
        ("remind", "--campaign", "tk2019"): f"missing secret: {smtp}",
    }
    for args, missing in expected.items():
        result = reportbox(mail_config, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.splitlines() == [f"reportbox: {mail_config}: {missing}"], args
    assert not (mail_config.parent / "rb.db").exists()  # refused before touching anything


def test_the_daemon_serving_the_dashboard_needs_its_secret_too(mail_config):
    mail_config.write_text(mail_config.read_text(encoding="utf-8")
                           + '[web]\nin_daemon = true\nsecret_env = "RB_LP_WEB_SECRET"\n', encoding="utf-8")
    result = reportbox(mail_config, "run")
    assert result.returncode == 2
    assert result.stderr.rstrip().endswith(", web secret (environment variable RB_LP_WEB_SECRET is not set)")
    assert "smtp password" in result.stderr and 'mailbox "phongkh" password' in result.stderr
    # `serve` needs that secret and no other.
    served = reportbox(mail_config, "serve", "--port", str(free_port()))
    assert served.returncode == 2
    assert served.stderr.splitlines() == [
        f"reportbox: {mail_config}: missing secret: web secret (environment variable RB_LP_WEB_SECRET is not set)"]


def test_serve_starts_without_the_mail_secrets_and_keeps_its_files_to_its_owner(mail_config):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(mail_config), "serve",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=_env(), umask=0)
    try:
        deadline = time.monotonic() + 30
        while http_status(port, "/login") != 200:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the dashboard did not come up"
            time.sleep(0.1)
        site = mail_config.parent
        secret = site / "var" / "web-secret"  # made on first use beside the raw store
        assert _mode(secret) == 0o600 and len(secret.read_text()) >= 32
        assert [p.name for p in secret.parent.iterdir()] == ["web-secret"]  # no temporary file left
        database = [site / name for name in ("rb.db", "rb.db-wal", "rb.db-shm") if (site / name).exists()]
        assert database[0].name == "rb.db"
        assert {p.name: _mode(p) for p in database} == {p.name: 0o600 for p in database}
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert "secret" not in err and "mode" not in err
    finally:
        if process.poll() is None:
            process.kill()


def test_poll_keeps_the_database_and_the_raw_store_to_their_owner(tmp_path):
    folder = tmp_path / "eml"
    folder.mkdir()
    for number, province in enumerate(samples.PROVINCES[:2]):
        (folder / f"{number}.eml").write_bytes(samples.report_message(province))
    config = tmp_path / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///data/rb.db"\n[storage]\nraw_dir = "var/raw"\n'
                      '[[mailbox]]\nname = "archive"\nkind = "eml-dir"\npath = "eml"\n', encoding="utf-8")
    result = reportbox(config, "poll")
    assert result.returncode == 0 and "new: 2" in result.stdout, result.stderr
    assert _mode(tmp_path / "data" / "rb.db") == 0o600
    raw = tmp_path / "var" / "raw"
    directories = [raw, *(p for p in raw.rglob("*") if p.is_dir())]
    files = [p for p in raw.rglob("*") if p.is_file()]
    assert len(files) == 2 and {p.suffix for p in files} == {".eml"}
    assert {str(p): _mode(p) for p in directories} == {str(p): 0o700 for p in directories}
    assert {str(p): _mode(p) for p in files} == {str(p): 0o600 for p in files}
    assert "mode" not in result.stderr


def test_a_database_left_readable_by_others_is_reported_not_changed(tmp_path):
    """An older version made the database 0644; a group may also have been given it on purpose.
    Every start says so, with the command that tightens it, and leaves the choice to a person."""
    config = tmp_path / "reportbox.toml"
    config.write_text('[database]\nurl = "sqlite:///rb.db"\n', encoding="utf-8")
    database = tmp_path / "rb.db"
    database.touch()
    database.chmod(0o644)
    result = reportbox(config, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert f"the database {database} has mode 0644, open to others than its owner: chmod 600 {database}" \
        in result.stderr
    assert _mode(database) == 0o644
    database.chmod(0o600)
    assert "mode" not in reportbox(config, "db", "upgrade").stderr


def test_sqlite_gives_its_journal_files_the_database_mode(tmp_path):
    from sqlalchemy import text

    from models.db import make_engine

    previous = os.umask(0)
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'rb.db'}")
        with engine.begin() as connection:  # while it is open, the -wal and -shm files exist
            connection.execute(text("CREATE TABLE t (a INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            files = {p.name: _mode(p) for p in (tmp_path / "new").iterdir()}
        engine.dispose()
    finally:
        os.umask(previous)
    assert files == {"rb.db": 0o600, "rb.db-wal": 0o600, "rb.db-shm": 0o600}
