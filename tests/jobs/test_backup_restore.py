"""`reportbox backup` taken while the real daemon fetches from a real Dovecot, restored into a new
deployment that then polls again: it must end where an uninterrupted run ends, nothing lost and
nothing doubled. On SQLite and on PostgreSQL; then the refusals (a damaged backup, a deployment or a
folder that is not empty) and the details (private files, the manifest, an older revision upgraded).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobs.backup.manifest import Manifest
from models.db import make_engine, session_factory
from models.schema import MessageLocation, MessageState, RawMessage
from reportbox import demo

PASSWORD_ENV = "RB_BACKUP_TEST_PW"
COPIES = 2  # the demo mailbox twice over: a poll long enough to back up in the middle of


@pytest.fixture(scope="module")
def mailbox_messages(tmp_path_factory) -> list[tuple[bytes, datetime]]:
    root = tmp_path_factory.mktemp("demo-maildir")
    demo.build_maildir(root)
    files = sorted((root / "cur").iterdir())
    return [(path.read_bytes().replace(b"Message-ID: <", f"Message-ID: <c{copy}.".encode(), 1) if copy else path.read_bytes(),
             datetime.fromtimestamp(path.stat().st_mtime + 60 * copy, timezone.utc))
            for copy in range(COPIES) for path in files]


def _config(folder: Path, database_url: str, mailbox: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reportbox.toml"
    campaign = demo.CONFIG[demo.CONFIG.index("[[campaign]]"):]
    path.write_text(f"""
[database]
url = "{database_url}"
[storage]
raw_dir = "{folder / 'raw'}"
[processing]
workers = 2
{mailbox}
{campaign}""", encoding="utf-8")
    return path


def _imap(account) -> str:
    return f"""[[mailbox]]
name = "phongkh"
kind = "imap"
host = "127.0.0.1"
port = {account.port}
security = "none"
username = "{account.username}"
password_env = "{PASSWORD_ENV}"
poll_interval = 5
batch_size = 2
timeout = 10
"""


def _run(config: Path, *args: str, password: str = "", check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), *args],
                            env={**os.environ, PASSWORD_ENV: password}, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return dict(session.execute(select(RawMessage.state, func.count()).group_by(RawMessage.state)).all())
    except Exception:  # noqa: BLE001 - the daemon may not have made its tables yet
        return {}
    finally:
        engine.dispose()


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _locations(url: str) -> set[tuple]:
    """Every place each message was seen: (its SHA-256, folder, UIDVALIDITY, UID)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return set(session.execute(select(RawMessage.sha256, MessageLocation.folder, MessageLocation.uidvalidity,
                                              MessageLocation.uid).join(MessageLocation.raw_message)).all())
    finally:
        engine.dispose()


def outputs(config: Path) -> dict:
    """`messages`, `submissions` and `status` as JSON, with the ids (which depend on the order rows
    were written in) replaced by the message's SHA-256, the same wherever it was fetched."""
    messages = json.loads(_run(config, "messages", "--format", "json").stdout)
    submissions = json.loads(_run(config, "submissions", "--format", "json").stdout)
    status = json.loads(_run(config, "status", "--campaign", demo.CAMPAIGN, "--as-of", "2019-12-20",
                             "--format", "json").stdout)
    sha_of_message = {m["id"]: m["sha256"] for m in messages}
    sha_of_submission = {s["id"]: sha_of_message[s["message"]] for s in submissions}
    for m in messages:
        m["id"] = m["sha256"]
        m.pop("uid")  # one of a message's locations, in no set order: compared whole in _locations
        m["submission"] = m["submission"] is not None
        m.pop("attempts")  # a message in flight at the backup runs alone afterwards, charged once
    for s in submissions:
        s["id"] = s["message"] = sha_of_submission[s["id"]]
        s["joined_to"] = sha_of_submission.get(s["joined_to"])
        s["superseded_by"] = sha_of_submission.get(s["superseded_by"])
    for unit in status["units"]:
        unit.pop("submission", None)
    return {"messages": sorted(messages, key=lambda m: m["sha256"]),
            "submissions": sorted(submissions, key=lambda s: s["id"]), "status": status["units"]}


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_taken_mid_poll_restores_and_converges_to_an_uninterrupted_run(
        engine, request, tmp_path, dovecot_server, mailbox_messages):
    account = dovecot_server.add_user()
    for raw, received in mailbox_messages:
        account.append(raw, internaldate=received)
    mailbox = _imap(account)

    reference = _config(tmp_path / "reference", f"sqlite:///{tmp_path / 'reference' / 'rb.db'}", mailbox)
    _run(reference, "poll", password=account.password)
    expected = outputs(reference)
    total = len(expected["messages"])

    def database() -> str:
        if engine == "postgresql":
            return request.getfixturevalue("postgres_server").create_database()
        return f"sqlite:///{tmp_path / f'db-{time.monotonic_ns()}.db'}"

    live_url = database()
    live = _config(tmp_path / "live", live_url, mailbox)
    daemon = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(live), "run"],
                              env={**os.environ, PASSWORD_ENV: account.password},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(lambda: sum(_counts(live_url).values()) > 0, 120, "the daemon to fetch its first messages")
        backup = _backup_mid_poll(daemon, live, tmp_path / "backup", lambda: _counts(live_url), total)
        _wait_for(lambda: sum(_counts(live_url).values()) >= total
                  and MessageState.FETCHED not in _counts(live_url), 300, "the live daemon to finish")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    manifest = Manifest.read(tmp_path / "backup")
    assert backup.returncode == 0, backup.stderr
    assert "file(s)" in backup.stdout and "MB/s" in backup.stdout
    assert manifest.engine == engine and manifest.missing == []

    restored_url = database()
    restored = _config(tmp_path / "restored", restored_url, mailbox)
    _run(restored, "restore", str(tmp_path / "backup"))
    at_restore = _counts(restored_url)
    # The backup's snapshot is of the poll in the middle: some messages not yet fetched, or not yet processed.
    assert sum(at_restore.values()) < total or at_restore.get(MessageState.FETCHED, 0) > 0, at_restore
    assert sum(at_restore.values()) == manifest.raw_messages  # every row's file, no file without its row

    _run(restored, "poll", password=account.password)
    got = outputs(restored)
    for part in ("messages", "submissions", "status"):
        assert got[part] == expected[part], part
    reference_url = f"sqlite:///{tmp_path / 'reference' / 'rb.db'}"
    assert _locations(restored_url) == _locations(reference_url)  # no UID fetched twice, none missed
    assert outputs(live) == expected  # the deployment backed up finished the same way


def _backup_mid_poll(daemon: subprocess.Popen, config: Path, out: Path, counts, total: int):
    """`backup` whose snapshot is taken in the middle of the daemon's poll, by arrangement: the
    daemon (its whole process group, workers too) is stopped while some but not all messages are
    in, and continued once the snapshot is written (the backup makes its raw/ folder next); the raw
    files are then copied while it fetches and processes again."""
    os.killpg(daemon.pid, signal.SIGSTOP)
    try:
        at_stop = counts()
        assert sum(at_stop.values()) < total or at_stop.get(MessageState.FETCHED, 0) > 0, at_stop
        backing_up = subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "backup", "--out",
                                       str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: (out / "raw").exists() or backing_up.poll() is not None, 300, "the backup's snapshot")
    finally:
        os.killpg(daemon.pid, signal.SIGCONT)
    stdout, stderr = backing_up.communicate(timeout=300)
    return subprocess.CompletedProcess(backing_up.args, backing_up.returncode, stdout, stderr)


# --- refusals and details, on a small deployment read from a Maildir --------------------------------


@pytest.fixture(scope="module")
def polled(tmp_path_factory) -> tuple[Path, str]:
    """The demo mailbox taken in once for the module (processing it is the slow part)."""
    root = tmp_path_factory.mktemp("polled")
    demo.build_maildir(root / "maildir")
    maildir = root / "maildir"
    source = f'[[mailbox]]\nname = "demo"\nkind = "maildir"\npath = "{maildir}"\n'
    _run(_config(root / "live", f"sqlite:///{root / 'live' / 'rb.db'}", source), "poll")
    return root / "live", source


@pytest.fixture
def deployment(tmp_path, polled):
    """A copy of that SQLite deployment for this test, and the config of an empty one."""
    template, source = polled
    shutil.copytree(template, tmp_path / "live")
    config = _config(tmp_path / "live", f"sqlite:///{tmp_path / 'live' / 'rb.db'}", source)
    empty = _config(tmp_path / "new", f"sqlite:///{tmp_path / 'new' / 'rb.db'}", source)
    return config, empty


def test_backup_is_private_and_its_manifest_lists_every_file(deployment, tmp_path):
    config, _ = deployment
    _run(config, "backup", "--out", str(tmp_path / "b"))
    manifest = Manifest.read(tmp_path / "b")
    on_disk = {str(path.relative_to(tmp_path / "b")) for path in (tmp_path / "b").rglob("*") if path.is_file()}
    assert on_disk == {entry.path for entry in manifest.files} | {"manifest.json"}
    stored = {path.name for path in (tmp_path / "live" / "raw").rglob("*.eml")}
    assert {Path(entry.path).name for entry in manifest.files if entry.path.startswith("raw/")} == stored
    assert manifest.raw_messages == len(stored) and manifest.alembic_revision is not None
    assert manifest.engine == "sqlite" and manifest.database == "database.sqlite3"
    for path in [tmp_path / "b", *(tmp_path / "b").rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert _run(config, "backup", "verify", str(tmp_path / "b")).stdout.startswith(f"backup {tmp_path / 'b'} is whole")


def test_backup_refuses_a_folder_that_is_not_empty(deployment, tmp_path):
    config, _ = deployment
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("keep me")
    result = _run(config, "backup", "--out", str(tmp_path / "b"), check=False)
    assert result.returncode == 2 and "is not an empty folder" in result.stderr
    assert [path.name for path in (tmp_path / "b").iterdir()] == ["notes.txt"]


def test_a_damaged_backup_is_refused_naming_the_file_and_nothing_is_restored(deployment, tmp_path):
    config, empty = deployment
    _run(config, "backup", "--out", str(tmp_path / "b"))
    damaged = max((tmp_path / "b" / "raw").rglob("*.eml"), key=lambda path: path.stat().st_size)
    data = bytearray(damaged.read_bytes())
    data[100] ^= 1  # one bit: the size is right, the hash is not
    damaged.write_bytes(bytes(data))
    for command in (("backup", "verify", str(tmp_path / "b")), ("restore", str(tmp_path / "b"))):
        result = _run(empty, *command, check=False)
        assert result.returncode == 1 and damaged.name in result.stderr and "damaged" in result.stderr
    assert not (tmp_path / "new" / "rb.db").exists() and not list((tmp_path / "new").rglob("*.eml"))


def test_restore_refuses_a_deployment_that_is_not_empty(deployment, tmp_path):
    config, empty = deployment
    _run(config, "backup", "--out", str(tmp_path / "b"))
    before = _counts(f"sqlite:///{tmp_path / 'live' / 'rb.db'}")
    result = _run(config, "restore", str(tmp_path / "b"), check=False)
    assert result.returncode == 2 and "restore needs an empty deployment" in result.stderr
    assert "has tables" in result.stderr and "holds messages" in result.stderr
    assert _counts(f"sqlite:///{tmp_path / 'live' / 'rb.db'}") == before
    _run(empty, "restore", str(tmp_path / "b"))
    assert _counts(f"sqlite:///{tmp_path / 'new' / 'rb.db'}") == before
    assert _run(empty, "messages", "--format", "json").stdout == _run(config, "messages", "--format", "json").stdout


def test_a_backup_of_an_older_revision_is_upgraded_after_restore(deployment, tmp_path):
    from alembic import command

    from models.db import HEAD_REVISION, alembic_config, current_revision

    config, empty = deployment
    engine = make_engine(f"sqlite:///{tmp_path / 'live' / 'rb.db'}")
    with engine.begin() as connection:
        alembic = alembic_config(engine)
        alembic.attributes["connection"] = connection
        command.downgrade(alembic, "0012")
    engine.dispose()
    _run(config, "backup", "--out", str(tmp_path / "b"), "--log-level", "ERROR")
    assert Manifest.read(tmp_path / "b").alembic_revision == "0012"
    result = _run(empty, "restore", str(tmp_path / "b"))
    assert "upgraded from revision 0012" in result.stdout
    restored = make_engine(f"sqlite:///{tmp_path / 'new' / 'rb.db'}")
    assert current_revision(restored) == HEAD_REVISION
    restored.dispose()


def test_a_raw_file_damaged_in_the_live_store_is_reported_not_copied(deployment, tmp_path):
    config, _ = deployment
    victim = sorted((tmp_path / "live" / "raw").rglob("*.eml"))[0]
    victim.write_bytes(victim.read_bytes() + b"\n")
    result = _run(config, "backup", "--out", str(tmp_path / "b"), check=False)
    assert result.returncode == 1 and victim.stem in result.stderr
    manifest = Manifest.read(tmp_path / "b")
    assert [entry.split()[0] for entry in manifest.missing] == [victim.stem]
    assert not any(victim.stem in entry.path for entry in manifest.files)


def test_postgresql_backup_needs_a_pg_dump_as_new_as_the_server(tmp_path, postgres_url):
    """An older pg_dump first on PATH: the backup stops before writing anything, saying what to install."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    config = _config(tmp_path / "live", postgres_url, "")
    _run(config, "db", "upgrade")
    result = subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), "backup", "--out",
                             str(tmp_path / "b")], env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "is version 9, older than" in result.stderr and "postgresql-client-" in result.stderr
    assert not (tmp_path / "b" / "manifest.json").exists()


@pytest.mark.parametrize("case", ["dot-dot", "absolute", "symlink", "database"])
def test_a_backup_naming_paths_outside_itself_is_refused_and_nothing_is_written(deployment, tmp_path, case):
    """A hostile or damaged backup (a share on a NAS): a manifest whose paths leave the backup or the
    raw store, or a symbolic link among its files, is refused naming the entry before anything is
    written, even when every size and hash it states is right."""
    config, empty = deployment
    backup = tmp_path / "b"
    _run(config, "backup", "--out", str(backup))
    data = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    victim = next(entry for entry in data["files"] if entry["path"].startswith("raw/"))
    payload = (backup / victim["path"]).read_bytes()
    outside = tmp_path / "outside.eml"
    outside.write_bytes(payload)
    if case == "dot-dot":  # restored to raw_dir/../evil.eml
        (backup / "evil.eml").write_bytes(payload)
        named = "raw/../evil.eml"
    elif case == "absolute":
        named = str(outside)
    elif case == "symlink":
        named = victim["path"]
        (backup / named).unlink()
        (backup / named).symlink_to(outside)
    else:
        shutil.copy(backup / data["database"], tmp_path / "other.sqlite3")
        named = data["database"] = "../other.sqlite3"
    if case in ("dot-dot", "absolute"):
        data["files"].append({"path": named, "size": len(payload), "sha256": victim["sha256"]})
    (backup / "manifest.json").write_text(json.dumps(data), encoding="utf-8")

    for command in (("backup", "verify", str(backup)), ("restore", str(backup))):
        result = _run(empty, *command, check=False)
        assert result.returncode == 1 and "not reportbox's" in result.stderr and repr(named) in result.stderr, \
            result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "new" / "rb.db").exists() and not list((tmp_path / "new").rglob("*.eml"))
    assert outside.read_bytes() == payload


def test_backup_into_a_folder_it_cannot_write_says_so_in_one_line(deployment, tmp_path):
    from tests.unwritable import unwritable_folder

    config, _ = deployment
    (tmp_path / "a-file").write_text("not a folder")
    with unwritable_folder(tmp_path / "read-only") as read_only:
        for out in (read_only / "b", tmp_path / "a-file" / "b"):
            result = _run(config, "backup", "--out", str(out), check=False)
            assert result.returncode == 1, result.stderr  # as every storage error
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert f"cannot write the backup into {out}" in result.stderr and "give --out a folder" in result.stderr


def test_postgresql_restore_checks_its_tools_first_and_a_failed_restore_can_be_retried(tmp_path, postgres_server):
    """pg_restore missing: refused before any raw file is written. pg_restore failing: the raw files
    this run wrote are removed again, so the same command, run again once fixed, is not refused."""
    from reportbox import samples

    folder = tmp_path / "eml"
    folder.mkdir()
    for number, province in enumerate(samples.PROVINCES[:2]):
        (folder / f"{number}.eml").write_bytes(samples.report_message(province))
    source = f'[[mailbox]]\nname = "archive"\nkind = "eml-dir"\npath = "{folder}"\n'
    live = _config(tmp_path / "live", postgres_server.create_database(), source)
    _run(live, "poll")
    _run(live, "backup", "--out", str(tmp_path / "b"))
    empty = _config(tmp_path / "new", postgres_server.create_database(), source)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()

    def restore(path: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reportbox", "--config", str(empty), "restore",
                               str(tmp_path / "b")], env={**os.environ, "PATH": path},
                              capture_output=True, text=True, timeout=120)

    missing = restore(str(bin_dir))  # no pg_restore at all
    assert missing.returncode == 1 and "pg_restore is not on PATH" in missing.stderr, missing.stderr
    assert not list((tmp_path / "new").rglob("*.eml"))

    broken = bin_dir / "pg_restore"
    broken.write_text("#!/bin/sh\n[ \"$1\" = --version ] && { echo 'pg_restore (PostgreSQL) 99.0'; exit 0; }\n"
                      "echo 'pg_restore: error: out of disk space' >&2; exit 1\n")
    broken.chmod(0o755)
    failed = restore(f"{bin_dir}:{os.environ['PATH']}")
    assert failed.returncode == 1 and "out of disk space" in failed.stderr, failed.stderr
    assert not list((tmp_path / "new").rglob("*.eml"))

    restore(os.environ["PATH"]).check_returncode()
    assert len(list((tmp_path / "new" / "raw").rglob("*.eml"))) == Manifest.read(tmp_path / "b").raw_messages == 2
