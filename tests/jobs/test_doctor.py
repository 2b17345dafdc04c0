"""`reportbox doctor` against the real parts: Dovecot, the test SMTP server, SQLite and PostgreSQL,
LibreOffice, Tesseract and unar as installed, a folder that really cannot be written."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jobs import doctor
from jobs.doctor import FAIL, OK, SKIP
from models import lock
from models.db import alembic_config, make_engine
from reportbox.app import open_app
from reportbox.config import load_config
from tests.servers.availability import require_tool
from tests.servers.common import free_port
from tests.unwritable import unwritable_folder

CHECKS = ["configuration", "database", "raw store", 'mailbox "phongkh"', 'mailbox "luu-tru"', "smtp", "libreoffice",
          "tesseract", "unar", "web secret", "registry names", "alarms"]
SMTP_PASSWORD = "s3cret-pw"


def write_config(tmp_path: Path, account, smtp, *, folders: tuple[str, ...] = ("INBOX", "Báo cáo 2019"),
                 raw_dir: str = "raw", extra: str = "") -> Path:
    (tmp_path / "maildir" / "cur").mkdir(parents=True, exist_ok=True)
    (tmp_path / "maildir" / "new").mkdir(exist_ok=True)
    path = tmp_path / "reportbox.toml"
    path.write_text(f"""\
[database]
url = "sqlite:///rb.db"
[storage]
raw_dir = "{raw_dir}"
{account.mailbox_toml("RB_DOCTOR_IMAP", folders=folders)}[[mailbox]]
name = "luu-tru"
kind = "maildir"
path = "maildir"
[smtp]
host = "localhost"
port = {smtp.port}
security = "starttls"
ca_file = "{smtp.ca_file}"
username = "phongkh"
password_env = "RB_DOCTOR_SMTP"
from = "Phòng KH-TC <phongkh@molisa.gov.vn>"
{extra}""", encoding="utf-8")
    return path


def reportbox(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportbox", *args], capture_output=True, text=True, timeout=180,
                          env=env, cwd=cwd)


@pytest.fixture
def servers(imap_account, make_smtp_server):
    imap_account.create_folder("Báo cáo 2019")
    return imap_account, make_smtp_server(tls="starttls", auth={"phongkh": SMTP_PASSWORD})


def clean_env(**changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "REPORTBOX_CONFIG"}
    return {**env, **changes}


def good_env(account, **changes: str) -> dict[str, str]:
    return clean_env(**{"RB_DOCTOR_IMAP": account.password, "RB_DOCTOR_SMTP": SMTP_PASSWORD, **changes})


def test_all_green_against_the_real_servers(tmp_path, servers):
    for tool in ("soffice", "tesseract", "unar", "lsar"):
        require_tool(tool, "for doctor's checks of the outside tools")
    account, smtp = servers
    config = write_config(tmp_path, account, smtp, extra='[registry]\nnames = "names.csv"\n')
    (tmp_path / "names.csv").write_text("registry,code,name,full_name,valid_from\n"
                                        "vn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-03-01\n", encoding="utf-8")
    env = good_env(account)
    assert reportbox("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    app = open_app(load_config(config), migrate=False)
    try:
        with lock.held(app.sessions):  # a daemon runs: else the alarms line says none does
            # a generous --timeout: LibreOffice, Tesseract and unar start side by side on a loaded machine
            result = reportbox("doctor", "--format", "json", "--min-free-mb", "1", "--timeout", "120", env=env,
                               cwd=tmp_path)
    finally:
        app.close()
    report = json.loads(result.stdout)
    assert [check["name"] for check in report["checks"]] == CHECKS
    assert {check["name"]: check["status"] for check in report["checks"]} == dict.fromkeys(CHECKS, OK), result.stdout
    assert result.returncode == 0 and report["ok"] is True and report["config"] == str(config)
    assert set(report["checks"][0]) == {"name", "status", "detail", "fix", "seconds"}
    details = {check["name"]: check["detail"] for check in report["checks"]}
    assert f"logged in as {account.username}; folders INBOX (0 messages), Báo cáo 2019 (0 messages)" in \
        details['mailbox "phongkh"']
    assert "connected, logged in as phongkh; no mail sent" in details["smtp"]
    assert "at revision" in details["database"] and "(head)" in details["database"]
    assert details["alarms"] == "none active"
    assert details["registry names"] == f"{tmp_path / 'names.csv'}: 1 rename(s), none naming two units"
    assert smtp.messages() == []  # nothing was sent
    assert not (tmp_path / "web-secret").exists() and not (tmp_path / "raw").exists()  # nothing was made


def test_each_failure_is_its_own_line_with_what_to_do(tmp_path, servers, monkeypatch):
    """Wrong passwords, a missing folder, a database not migrated, a raw store that cannot be
    written and no outside tools: one doctor run, every line saying what is wrong and what to do."""
    account, smtp = servers
    with unwritable_folder(tmp_path / "ro"):
        write_config(tmp_path, account, smtp, folders=("INBOX", "Chưa có"), raw_dir="ro/raw")
        (tmp_path / "rb.db").touch()  # a database file, but no schema in it
        env = good_env(account, RB_DOCTOR_IMAP="wrong", RB_DOCTOR_SMTP="wrong", PATH=str(tmp_path / "no-tools"))
        result = reportbox("doctor", "--min-free-mb", "1", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = {line.split(":", 1)[0].split(None, 1)[1]: line for line in result.stdout.splitlines()[:-1]}
    assert list(lines) == CHECKS
    assert lines["configuration"].startswith("ok ") and lines['mailbox "luu-tru"'].startswith("ok ")
    assert lines["alarms"] == "skip  alarms: the database cannot be read or is not at head (see the database line)"
    expected = {
        "database": ("holds no reportbox schema", "— run `reportbox db upgrade`"),
        "raw store": (f"{tmp_path / 'ro' / 'raw'} cannot be written", "— let the user reportbox runs as write there"),
        'mailbox "phongkh"': (f"the server refused the login for {account.username}",
                              '— check username and the password ($RB_DOCTOR_IMAP) in [[mailbox]] "phongkh"'),
        "smtp": ("the server refused the login of phongkh: 535",
                 "— check username and the password ($RB_DOCTOR_SMTP) in [smtp]"),
        "libreoffice": ("soffice not found on PATH", "— install the packages libreoffice-writer-nogui"),
        "tesseract": ("tesseract not found on PATH", "— install the packages tesseract-ocr tesseract-ocr-vie"),
        "unar": ("lsar and unar not found on PATH", "— install the package unar"),
        "web secret": (f"none yet, and {tmp_path / 'ro' / 'web-secret'} cannot be made", "— let the user"),
    }
    for name, (found, fix) in expected.items():
        assert lines[name].startswith("FAIL ") and found in lines[name] and fix in lines[name], lines[name]
    assert result.stdout.splitlines()[-1] == f"{len(CHECKS)} checks, 8 failed"

    # The password right, the folder still missing: that line says which, and what the server has.
    config = load_config(tmp_path / "reportbox.toml")
    monkeypatch.setenv("RB_DOCTOR_IMAP", account.password)
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_mailbox(config.mailbox[0], timeout=10)
    assert "cannot open folder 'Chưa có'" in failed.value.detail
    assert "the server has: Báo cáo 2019, INBOX" in failed.value.detail
    assert failed.value.fix == 'correct folders in [[mailbox]] "phongkh", spelled as the server lists them'


def test_a_configuration_that_does_not_load_is_the_only_line(tmp_path):
    (tmp_path / "reportbox.toml").write_text("[storage]\nraw_dirr = 'x'\n")
    result = reportbox("doctor", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"FAIL  configuration: {tmp_path / 'reportbox.toml'}: storage.raw_dirr: unknown key — correct the file, "
        "then run `reportbox doctor` again", "1 checks, 1 failed"]


# --- the database -----------------------------------------------------------------------------------
def config_with(tmp_path: Path, text_: str):
    path = tmp_path / "reportbox.toml"
    path.write_text(text_, encoding="utf-8")
    return load_config(path)


def test_a_database_behind_or_ahead_of_this_version(tmp_path):
    from alembic import command

    config = config_with(tmp_path, '[database]\nurl = "sqlite:///rb.db"\n')
    with pytest.raises(doctor.Failed, match="does not exist yet"):
        doctor.check_database(config, timeout=10)
    assert not (tmp_path / "rb.db").exists()  # looking made no database
    engine = make_engine(config.database.url)
    try:
        with engine.begin() as connection:
            alembic = alembic_config(engine)
            alembic.attributes["connection"] = connection
            command.upgrade(alembic, "0010")
        with pytest.raises(doctor.Failed) as behind:
            doctor.check_database(config, timeout=10)
        assert "at revision 0010, not at head" in behind.value.detail and "reportbox db upgrade" in behind.value.fix
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(doctor.Failed, match="at revision 9999, which this reportbox does not know"):
            doctor.check_database(config, timeout=10)
    finally:
        engine.dispose()


def test_postgresql_migrated_then_unreachable(tmp_path, postgres_url):
    config = config_with(tmp_path, f'[database]\nurl = "{postgres_url}"\n')
    with pytest.raises(doctor.Failed, match="holds no reportbox schema"):
        doctor.check_database(config, timeout=10)
    open_app(config).close()
    assert "(head)" in doctor.check_database(config, timeout=10)
    dead = config_with(tmp_path, f'[database]\nurl = "postgresql+psycopg://reportbox@127.0.0.1:{free_port()}/x"\n')
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_database(dead, timeout=10)
    assert "cannot connect" in failed.value.detail and "[database] url" in failed.value.fix


def test_active_alarms_are_listed_with_what_to_do(tmp_path):
    settings = '[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n'
    config = config_with(tmp_path, settings + "[alerts]\nmin_free_percent = 99.99\n")  # no disk is that empty
    with pytest.raises(doctor.Skipped, match="no database yet"):
        doctor.check_alarms(config, timeout=10)
    app = open_app(config)
    try:
        daemon = lock.DatabaseLock(app.sessions, remembered=True)
        daemon.acquire()
        daemon.release()  # a daemon ran, then stopped
    finally:
        app.close()
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_alarms(config, timeout=10)
    assert failed.value.detail.startswith("2 active: daemon_stale: no daemon is running (`reportbox run` holds no "
                                          "lease); disk_low: ")
    assert failed.value.fix == ("start the daemon (`reportbox run`, or its service) and read its log; free space "
                                "on the raw store's disk, or move `[storage] raw_dir` to a larger one")  # jobs.alerts.ADVICE
    relaxed = config_with(tmp_path, settings)
    app = open_app(relaxed, migrate=False)
    try:
        with lock.held(app.sessions):
            assert doctor.check_alarms(relaxed, timeout=10) == "none active"
    finally:
        app.close()


def test_a_daemon_that_never_ran_is_no_alarm_yet(tmp_path):
    settings = '[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n'
    config = config_with(tmp_path, settings)
    open_app(config).close()
    app = open_app(config, migrate=False)
    try:
        with lock.held(app.sessions):  # `reportbox poll` takes the lease, then gives it back: no daemon ran
            pass
    finally:
        app.close()
    with pytest.raises(doctor.Skipped, match=r"the daemon has not run on this database yet \(start it: `reportbox run`"):
        doctor.check_alarms(config, timeout=10)
    low = config_with(tmp_path, settings + "[alerts]\nmin_free_percent = 99.99\n")
    with pytest.raises(doctor.Failed) as failed:  # other alarms still fail the line
        doctor.check_alarms(low, timeout=10)
    assert failed.value.detail.startswith("1 active: disk_low: ") and "has not run on this database yet" in \
        failed.value.detail


def test_doctor_leaves_no_file_beside_the_database(tmp_path):
    config = config_with(tmp_path, '[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n')
    open_app(config).close()  # the daemon stopped: its -wal and -shm are gone
    before = sorted(p.name for p in tmp_path.iterdir())
    assert "rb.db" in before and "rb.db-wal" not in before
    assert "(head)" in doctor.check_database(config, timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with pytest.raises(doctor.Skipped):
        doctor.check_alarms(config, timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    app = open_app(config, migrate=False)  # a daemon running: doctor reads what it committed, through its -wal
    try:
        with lock.held(app.sessions):
            with app.sessions.begin() as session:
                session.execute(text("INSERT INTO daemon_lock (name, holder, acquired_at, heartbeat_at) "
                                     "VALUES ('daemon:ran', 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
            assert "rb.db-wal" in {p.name for p in tmp_path.iterdir()}
            assert doctor.check_alarms(config, timeout=10) == "none active"
    finally:
        app.close()


# --- the raw store, mailboxes and secrets -----------------------------------------------------------
def test_raw_store_line_and_disk_low_alarm_follow_one_rule(tmp_path):
    config = config_with(tmp_path, '[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n'
                                   '[alerts]\nmin_free_mb = 1\nmin_free_percent = 99.99\n')  # no disk is that empty
    open_app(config).close()
    checks = {c.name: c for c in doctor.diagnose(lambda: config, "test", timeout=10) if c.name in
              ("raw store", "alarms")}
    assert checks["raw store"].status == FAIL and "99.99 % asked for" in checks["raw store"].detail
    assert "disk_low" in checks["alarms"].detail
    space = doctor.disk_space(tmp_path)
    assert space.low(1, 99.99) and not space.low(1, 0) and space.low(space.total + 1, 0)


def test_free_space_below_the_threshold_fails(tmp_path):
    config = config_with(tmp_path, '[storage]\nraw_dir = "raw"\n')
    total = doctor.disk_space(tmp_path).total
    assert "writable" in doctor.check_raw_store(config, min_free_bytes=1)
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_raw_store(config, min_free_bytes=total + 1)  # more than the whole disk
    assert "less than the" in failed.value.detail and "move storage.raw_dir to a larger one" in failed.value.fix


def test_a_maildir_that_is_not_there(tmp_path):
    config = config_with(tmp_path, '[[mailbox]]\nname = "m"\nkind = "maildir"\npath = "md"\nfolders = ["INBOX", "Cũ"]\n')
    with pytest.raises(doctor.Failed, match=f"{tmp_path / 'md'} does not exist"):
        doctor.check_mailbox(config.mailbox[0], timeout=5)
    (tmp_path / "md").mkdir()
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_mailbox(config.mailbox[0], timeout=5)
    assert f"folder 'Cũ' not found at {tmp_path / 'md' / '.Cũ'}" in failed.value.detail
    assert 'in [[mailbox]] "m"' in failed.value.fix
    (tmp_path / "md" / ".Cũ").mkdir()
    assert doctor.check_mailbox(config.mailbox[0], timeout=5) == f"maildir {tmp_path / 'md'}: folders INBOX, Cũ found"


def test_a_server_that_never_answers_fails_its_line_in_time(tmp_path, monkeypatch):
    """A port that accepts the connection and then says nothing (a hung server, a firewall that
    swallows): the IMAP line fails after the timeout asked, and so does a check that never returns."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    try:
        config = config_with(tmp_path, f'[[mailbox]]\nname = "m"\nkind = "imap"\nhost = "127.0.0.1"\n'
                                       f'port = {listener.getsockname()[1]}\nsecurity = "none"\nusername = "u"\n'
                                       'password_env = "RB_DOCTOR_NEVER"\n')
        monkeypatch.setenv("RB_DOCTOR_NEVER", "x")
        started = time.monotonic()
        with pytest.raises(doctor.Failed) as failed:
            doctor.check_mailbox(config.mailbox[0], timeout=1)
        assert time.monotonic() - started < 30  # the 60 s of the mailbox's own timeout were not waited
        assert "cannot reach 127.0.0.1" in failed.value.detail and "timed out" in failed.value.detail
    finally:
        listener.close()
        for connection in held:
            connection.close()
    [hung] = doctor._run_side_by_side([("stuck", threading.Event().wait)], budget=0.5)
    assert (hung.status, hung.detail) == (FAIL, "no answer within 0.5 s") and "--timeout" in hung.fix


def test_secrets_that_cannot_be_read_fail_their_line(tmp_path, monkeypatch):
    monkeypatch.delenv("RB_DOCTOR_WEB", raising=False)
    config = config_with(tmp_path, '[web]\nsecret_env = "RB_DOCTOR_WEB"\n')
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_web_secret(config)
    assert "RB_DOCTOR_WEB is not set" in str(failed.value) and "dashboard's service" in failed.value.fix
    monkeypatch.setenv("RB_DOCTOR_WEB", "w" * 40)
    assert doctor.check_web_secret(config) == "read from $RB_DOCTOR_WEB"
    (tmp_path / "short").write_text("too short")
    short = config_with(tmp_path, '[web]\nsecret_file = "short"\n')
    with pytest.raises(doctor.Failed, match="fewer than 32 characters"):
        doctor.check_web_secret(short)
    with pytest.raises(doctor.Skipped, match=r"no \[smtp\] section"):
        doctor.check_smtp(config_with(tmp_path, ""), timeout=5)


# --- outside tools ----------------------------------------------------------------------------------
def test_tesseract_without_vietnamese(tmp_path, monkeypatch):
    binary = require_tool("tesseract", "to check doctor's OCR line")
    listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True).stdout
    data_dir = Path(listed.split('"')[1]) if '"' in listed else None
    if data_dir is None or not (data_dir / "eng.traineddata").exists():
        pytest.fail(f"cannot find Tesseract's language data from: {listed!r}")
    only_english = tmp_path / "tessdata"
    only_english.mkdir()
    (only_english / "eng.traineddata").symlink_to(data_dir / "eng.traineddata")
    config = config_with(tmp_path, "")
    assert doctor.check_tesseract(config, timeout=30).endswith("languages vie+eng installed")
    monkeypatch.setenv("TESSDATA_PREFIX", str(only_english))
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_tesseract(config, timeout=30)
    assert "has no language data for vie" in failed.value.detail and "install tesseract-ocr-vie" in failed.value.fix
    off = config_with(tmp_path, "[documents]\nocr = false\n")
    with pytest.raises(doctor.Skipped, match="OCR is switched off"):
        doctor.check_tesseract(off, timeout=30)


def test_the_text_report_marks_each_line():
    checks = [doctor.Check("smtp", SKIP, "no [smtp] section"), doctor.Check("unar", FAIL, "not found", "install it")]
    assert doctor.text_lines(checks) == ["skip  smtp: no [smtp] section", "FAIL  unar: not found — install it"]


def test_an_oauth2_mailbox_logs_in_with_a_token_then_a_revoked_grant_fails(tmp_path, token_server, oauth_dovecot):
    from reportbox import oauth

    account = oauth_dovecot.add_user()
    client = token_server.register_client(secret="app-secret")
    refresh = token_server.issue_refresh_token(client, account.username)
    (tmp_path / "refresh-token").write_text(refresh + "\n")
    (tmp_path / "client-secret").write_text("app-secret")
    config = config_with(tmp_path, f"""\
[[mailbox]]
name = "hosted"
kind = "imap"
host = "{account.host}"
port = {account.port}
security = "none"
username = "{account.username}"
auth = "oauth2"
[mailbox.oauth2]
provider = "other"
token_url = "{token_server.token_url}"
client_id = "{client.client_id}"
client_secret_file = "client-secret"
refresh_token_file = "refresh-token"
""")
    oauth.forget_tokens()
    try:
        assert f"logged in as {account.username}; folders INBOX (0 messages)" in \
            doctor.check_mailbox(config.mailbox[0], timeout=10)
        token_server.revoke(refresh)
        oauth.forget_tokens()  # as a new doctor process: no cached access token
        with pytest.raises(doctor.Failed) as failed:
            doctor.check_mailbox(config.mailbox[0], timeout=10)
    finally:
        oauth.forget_tokens()
    assert "hosted" in failed.value.detail and failed.value.fix.startswith('renew the grant named by the [oauth2] '
                                                                         'settings of [[mailbox]] "hosted"')
    (tmp_path / "client-secret").unlink()
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_mailbox(config.mailbox[0], timeout=10)
    assert failed.value.detail.startswith("oauth2 client secret: file") and "[oauth2] settings" in failed.value.fix


def test_the_operators_names_file_is_read_and_checked(tmp_path):
    """Every command refuses to start on a wrong `[registry] names` file: doctor names it, with the line."""
    with pytest.raises(doctor.Skipped):
        doctor.check_registry_names(config_with(tmp_path, '[storage]\nraw_dir = "raw"\n'))
    config = config_with(tmp_path, '[registry]\nnames = "names.csv"\n')
    names = tmp_path / "names.csv"
    names.write_text("registry,code,name,full_name,valid_from\nvn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-03-01\n",
                     encoding="utf-8")
    assert doctor.check_registry_names(config) == f"{names}: 1 rename(s), none naming two units"
    names.write_text("registry,code,name,valid_from\nvn34,02,Hà Giang,2026-03-01\n", encoding="utf-8")
    with pytest.raises(doctor.Failed) as failed:
        doctor.check_registry_names(config)
    assert f"{names}: line 2: no unit '02' in registry vn34" in failed.value.detail
    assert f"remove `names` from [registry] in {tmp_path / 'reportbox.toml'}" in failed.value.fix
    names.write_text("registry,code,name,valid_from\nvn34,22,Hà Nội,2026-03-01\n", encoding="utf-8")  # unit 01's name
    with pytest.raises(doctor.Failed, match="would name both unit 01 and unit 22"):
        doctor.check_registry_names(config)
    names.unlink()
    with pytest.raises(doctor.Failed, match="cannot read"):
        doctor.check_registry_names(config)
