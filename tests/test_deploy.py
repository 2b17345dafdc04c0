"""deploy/: the systemd unit and the system user, checked by systemd's own tools (`scripts/setup
--test` installs them; under CI a missing tool fails these tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.servers.availability import require_tool

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
INSTALLED_AT = "/opt/reportbox/.venv/bin/reportbox"  # where README's "Running as a service" puts it


def _unit_here(tmp_path: Path) -> Path:
    """The unit with ExecStart naming this checkout's interpreter: `verify` checks that it exists."""
    text = (DEPLOY / "reportbox.service").read_text(encoding="utf-8")
    assert INSTALLED_AT in text
    unit = tmp_path / "reportbox.service"
    unit.write_text(text.replace(INSTALLED_AT, sys.executable), encoding="utf-8")
    return unit


def test_the_unit_verifies_without_a_warning(tmp_path):
    tool = require_tool("systemd-analyze", "to verify deploy/reportbox.service")
    result = subprocess.run([tool, "verify", "--man=no", str(_unit_here(tmp_path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_the_unit_is_hardened(tmp_path):
    tool = require_tool("systemd-analyze", "to rate deploy/reportbox.service's exposure")
    # systemd rates exposure from 0 (locked down) to 10; the unit is 1.7 as shipped.
    result = subprocess.run([tool, "security", "--offline=true", "--threshold=20", "--no-pager",
                             str(_unit_here(tmp_path))], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def test_the_system_user_is_made_by_sysusers(tmp_path):
    tool = require_tool("systemd-sysusers", "to check deploy/reportbox.sysusers")
    (tmp_path / "etc").mkdir()
    result = subprocess.run([tool, f"--root={tmp_path}", str(DEPLOY / "reportbox.sysusers")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    passwd = (tmp_path / "etc" / "passwd").read_text(encoding="utf-8")
    assert any(line.startswith("reportbox:") and line.endswith(":/var/lib/reportbox:/usr/sbin/nologin")
               for line in passwd.splitlines()), passwd
