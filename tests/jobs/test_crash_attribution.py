"""The daemon killed at random instants, as the OOM killer, a power cut or a hurried restart does.

The sample mailbox of `reportbox demo` (63 messages: reports as .docx, .pdf and .zip, parts,
supplements, corrections, an auto-reply, a duplicate, mail that is no mail), three times over, is
put on a real Dovecot. A reference database takes it in one uninterrupted `reportbox poll`. Then the real daemon
(`reportbox run`) is started on another database and its whole process group — the daemon, its
fork server and its workers — is SIGKILLed at seeded random instants, again and again, while it
fetches (rows appearing), processes (claims held) and at plain random instants (start-up, marking); then it is left to finish. Nothing may be lost, nothing doubled,
nothing quarantined (no message caused any of those deaths), and every unit's status must be the
reference's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.db import make_engine, session_factory
from models.schema import MessageState, RawMessage, Submission
from reportbox import demo

PASSWORD_ENV = "RB_CRASH_TEST_PW"
KILLS = {"sqlite": (20, 1601), "postgresql": (14, 1602)}  # how many kills, and the seed of their instants


COPIES = 3  # the demo mailbox thrice (each copy its own messages): work enough for many of the daemon's lives


@pytest.fixture(scope="module")
def mailbox_messages(tmp_path_factory) -> list[tuple[bytes, datetime]]:
    """The demo's messages with the instants the ministry's server received them; the copies are
    corrections sent a minute later (another Message-ID), as a province that sends again."""
    root = tmp_path_factory.mktemp("demo-maildir")
    demo.build_maildir(root)
    files = sorted((root / "cur").iterdir())
    return [(path.read_bytes().replace(b"Message-ID: <", f"Message-ID: <c{copy}.".encode(), 1) if copy else path.read_bytes(),
             datetime.fromtimestamp(path.stat().st_mtime + 60 * copy, timezone.utc))
            for copy in range(COPIES) for path in files]


def _config(folder: Path, account, database_url: str) -> Path:
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
[[mailbox]]
name = "phongkh"
kind = "imap"
host = "127.0.0.1"
port = {account.port}
security = "none"
username = "{account.username}"
password_env = "{PASSWORD_ENV}"
poll_interval = 5
batch_size = 4
timeout = 10

{campaign}""", encoding="utf-8")
    return path


def _cli(config: Path, password: str, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "reportbox", "--config", str(config), *args],
                            env={**os.environ, PASSWORD_ENV: password}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def _statuses(config: Path, password: str) -> list[dict]:
    data = json.loads(_cli(config, password, "status", "--campaign", demo.CAMPAIGN, "--as-of", "2019-12-20",
                           "--format", "json").stdout)
    # Submission ids depend on the order messages were recorded in; everything else must match.
    return [{key: value for key, value in unit.items() if key != "submission"} for unit in data["units"]]


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)

    def counts(self) -> dict[str, int]:
        try:
            with self.sessions() as session:
                return dict(session.execute(select(RawMessage.state, func.count()).group_by(RawMessage.state)).all())
        except Exception:  # noqa: BLE001 - the daemon may not have created the tables yet
            return {}

    def in_flight(self, *, in_the_pool: bool = False) -> int:
        """Messages claimed now (after a kill: left claimed, the kill landed while they were being
        processed); `in_the_pool`: only those run together (a run alone is charged as it starts)."""
        query = select(func.count()).select_from(RawMessage).where(
            RawMessage.state == MessageState.FETCHED, RawMessage.claimed_at.is_not(None))
        if in_the_pool:
            query = query.where(RawMessage.attempts == 0)
        try:
            with self.sessions() as session:
                return session.scalar(query)
        except Exception:  # noqa: BLE001
            return 0

    def done(self, total: int) -> bool:
        counts = self.counts()
        return sum(counts.values()) >= total and MessageState.FETCHED not in counts

    def stored(self) -> int:
        return sum(self.counts().values())

    def message_ids(self) -> list[str | None]:
        with self.sessions() as session:
            return sorted(session.scalars(select(RawMessage.message_id)), key=lambda found: (found or "",))

    def attempts(self) -> dict[int, int]:
        """How many messages were charged how many runs."""
        with self.sessions() as session:
            return dict(session.execute(select(RawMessage.attempts, func.count()).group_by(RawMessage.attempts)).all())

    def submissions(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(Submission))


def _start(config: Path, password: str, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:  # the daemon's own process group: one signal reaches its workers too
        return subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "run"],
                                env={**os.environ, PASSWORD_ENV: password}, stdout=out, stderr=out,
                                start_new_session=True)


def _kill_group(daemon: subprocess.Popen) -> None:
    try:
        os.killpg(daemon.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    daemon.wait(timeout=30)


def _wait_for(predicate, timeout: float, what: str) -> None:
    if not _wait_until(predicate, timeout, interval=0.2):
        raise AssertionError(f"timed out waiting for {what}")


def _wait_until(predicate, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def _kill_instant(rng: random.Random, database: "Database", total: int):
    """When to kill this life: while it fetches (new rows appear), while its pool processes (claims
    held), or at a plain random instant (start-up, runs alone and marking included), then a random
    moment more. A phase already over (all fetched, all processed) waits for nothing."""
    phase, more = rng.choice(("fetching", "processing", "any")), rng.uniform(0.0, 0.4)
    stored = database.stored()

    def wait() -> None:
        if phase == "fetching":
            _wait_until(lambda: database.stored() > stored or database.stored() >= total, 10)
        elif phase == "processing":
            _wait_until(lambda: database.in_flight(in_the_pool=True) > 0 or database.done(total), 10)
        else:
            time.sleep(rng.uniform(0.3, 4.0))
        time.sleep(more)
    return wait


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_killed_at_random_instants_the_daemon_charges_no_innocent_message(
        engine, request, tmp_path, dovecot_server, mailbox_messages):
    account = dovecot_server.add_user()
    for raw, received in mailbox_messages:
        account.append(raw, internaldate=received)

    reference = _config(tmp_path / "reference", account, f"sqlite:///{tmp_path / 'reference' / 'reportbox.db'}")
    _cli(reference, account.password, "poll")
    expected = _statuses(reference, account.password)
    expected_db = Database(f"sqlite:///{tmp_path / 'reference' / 'reportbox.db'}")
    total = expected_db.stored()  # the not-mail message's copies are the same bytes: one message
    assert total > len(mailbox_messages) - COPIES and MessageState.QUARANTINED not in expected_db.counts()

    url = (request.getfixturevalue("postgres_url") if engine == "postgresql"
           else f"sqlite:///{tmp_path / 'chaos' / 'reportbox.db'}")
    config = _config(tmp_path / "chaos", account, url)
    database, log = Database(url), tmp_path / "chaos" / "daemon.log"
    kills, seed = KILLS[engine]
    rng = random.Random(seed)
    caught_in_flight = 0
    for _ in range(kills):
        wait = _kill_instant(rng, database, total)
        daemon = _start(config, account.password, log)
        wait()
        _kill_group(daemon)
        caught_in_flight += database.in_flight()
    print(f"{kills} kills, {caught_in_flight} message(s) in flight at them")
    assert caught_in_flight > 0, "no kill landed while messages were being processed: the test tested nothing"

    daemon = _start(config, account.password, log)  # now left to finish
    try:
        _wait_for(lambda: database.done(total), 300, "the backfill to finish")
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    finally:
        if daemon.poll() is None:
            _kill_group(daemon)

    counts = database.counts()
    print(f"runs charged: {database.attempts()} (runs: messages)")
    assert counts == expected_db.counts(), log.read_text(errors="replace")[-4000:]
    assert MessageState.QUARANTINED not in counts
    assert database.message_ids() == expected_db.message_ids()  # none lost, none twice
    assert database.submissions() == expected_db.submissions()
    statuses = _statuses(config, account.password)
    assert [unit for unit in statuses if unit not in expected] == [] and statuses == expected
    database.engine.dispose()
    expected_db.engine.dispose()
