"""`reportbox user add|list|passwd|role|disable|enable` (dashboard accounts) and
models.users.authenticate, which the dashboard's sign-in uses.

The commands run in-process through the real entry point (reportbox.cli.main: its exit codes, 2 for
usage errors) for speed, since hashing passwords is slow on purpose; one test runs the installed
command line as tests/test_cli.py does."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.users import authenticate, find_user
from reportbox import logs
from reportbox.app import open_app
from reportbox.cli import main
from reportbox.config import load_config

PASSWORD = "mật-khẩu-đủ-dài"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "reportbox.toml"
    path.write_text('[database]\nurl = "sqlite:///rb.db"\n', encoding="utf-8")
    return path


@pytest.fixture
def run(config, monkeypatch):
    # The command configures logging for a process of its own: here it would take pytest's handlers.
    monkeypatch.setattr(logs, "configure", lambda *args, **kwargs: None)

    def invoke(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "argv", ["reportbox", "--config", str(config), *args])
        with CliRunner().isolation(input=stdin) as (out, err, _):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return invoke


def listed(run) -> dict[str, str]:
    """`user list`: each account's row, by user name."""
    result = run("user", "list")
    assert result.code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines()[1:] if line.strip()]
    return {line.split()[0]: line for line in rows}


def sign_in(config: Path, username: str, password: str) -> str | None:
    app = open_app(load_config(config), migrate=False)
    try:
        with app.sessions.begin() as session:
            account = authenticate(session, username, password)
            return account.username if account is not None else None
    finally:
        app.close()


def test_add_and_list(run):
    added = run("user", "add", "lan", "--role", "reviewer", "--name", "Nguyễn Thị Lan", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert added.code == 0, added.stderr
    assert "user lan added (reviewer)" in added.stdout
    assert run("user", "add", "an", "--password-stdin", stdin=PASSWORD + "\r\n").code == 0  # a reader by default
    assert run("user", "add", "sso.user", "--proxy-only").code == 0
    rows = listed(run)
    assert set(rows) == {"an", "lan", "sso.user"}
    assert "Nguyễn Thị Lan" in rows["lan"] and " reviewer " in rows["lan"] and " set " in rows["lan"]
    assert " reader " in rows["an"] and " set " in rows["an"] and "active" in rows["an"]
    assert " reader " in rows["sso.user"] and "proxy only" in rows["sso.user"]
    assert "proxy only" not in rows["lan"]


def test_authenticate_right_and_wrong_passwords(run, config):
    run("user", "add", "lan", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")
    run("user", "add", "sso.user", "--proxy-only")
    assert sign_in(config, "lan", PASSWORD) == "lan"
    assert sign_in(config, "lan", PASSWORD + "x") is None
    assert sign_in(config, "lan", "") is None
    assert sign_in(config, "nobody", PASSWORD) is None
    assert sign_in(config, "sso.user", "") is None  # no password at all: only the proxy signs it in
    app = open_app(load_config(config), migrate=False)
    try:
        with app.sessions() as session:
            account = find_user(session, "lan")
            assert account.last_login_at is not None  # the successful sign-in was recorded
            assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    finally:
        app.close()


def test_usage_errors_exit_2_and_change_nothing(run, config):
    assert run("user", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n").code == 0
    for args, stdin in ((("user", "add", "lan", "--password-stdin"), "another-password\n"),  # taken
                        (("user", "add", "tuan", "--password-stdin"), "short\n"),
                        (("user", "add", "bad name", "--password-stdin"), PASSWORD + "\n"),
                        (("user", "add", "tuan", "--role", "admin", "--password-stdin"), PASSWORD + "\n"),
                        (("user", "add", "tuan", "--proxy-only", "--password-stdin"), PASSWORD + "\n"),
                        (("user", "passwd", "nobody", "--password-stdin"), PASSWORD + "\n"),
                        (("user", "passwd", "lan", "--password-stdin"), "short\n"),
                        (("user", "role", "nobody", "reviewer"), ""),
                        (("user", "disable", "nobody"), ""),
                        (("user", "enable", "nobody"), "")):
        result = run(*args, stdin=stdin)
        assert result.code == 2, (args, result.stdout, result.stderr)
        assert result.stderr.strip(), args
    assert set(listed(run)) == {"lan"}
    assert sign_in(config, "lan", PASSWORD) == "lan"  # the failed passwd left the password alone


def test_passwd_role_disable_enable(run, config):
    run("user", "add", "lan", "--password-stdin", stdin=PASSWORD + "\n")
    changed = run("user", "passwd", "lan", "--password-stdin", stdin="một-mật-khẩu-mới\n")
    assert changed.code == 0 and "password changed" in changed.stdout
    assert sign_in(config, "lan", "một-mật-khẩu-mới") == "lan" and sign_in(config, "lan", PASSWORD) is None

    assert run("user", "role", "lan", "reviewer").code == 0
    assert " reviewer " in listed(run)["lan"]

    assert run("user", "disable", "lan").code == 0
    assert "disabled" in listed(run)["lan"]
    assert sign_in(config, "lan", "một-mật-khẩu-mới") is None  # the right password, but disabled
    assert run("user", "enable", "lan").code == 0
    assert "active" in listed(run)["lan"]
    assert sign_in(config, "lan", "một-mật-khẩu-mới") == "lan"


def test_the_installed_command_line_exits_2_on_a_taken_name(config):
    def reportbox(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), *args], input=PASSWORD + "\n",
                              capture_output=True, text=True, timeout=120)

    first = reportbox("user", "add", "lan", "--password-stdin")
    assert first.returncode == 0, first.stderr
    again = reportbox("user", "add", "lan", "--password-stdin")
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1 and "lan" in again.stderr
