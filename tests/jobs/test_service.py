"""`reportbox run` under systemd: sd_notify on a real datagram socket, SIGHUP reloads, the poll's sign
of life. The daemon is a real process polling a real Dovecot, as in tests/jobs/test_daemon.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobs.reload import compare
from jobs.service import Systemd, _watchdog_every, keep_alive
from models.db import make_engine, session_factory
from models.schema import Campaign, MessageState, RawMessage
from reportbox import samples
from reportbox.config import config_from_dict

PASSWORD_ENV = "RB_SERVICE_TEST_PW"
ISO_WITH_OFFSET = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"


class NotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket; every datagram received is kept."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="rb-notify-")  # short: socket paths are limited to 108 bytes
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.received: list[str] = []

    def wait_for(self, predicate, timeout: float, what: str) -> list[str]:
        """Read until a datagram satisfies `predicate`; every datagram read so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.received.append(self.sock.recv(4096).decode())
            except socket.timeout:
                continue
            if predicate(self.received[-1]):
                return self.received
        raise AssertionError(f"timed out waiting for {what}; received {self.received[-10:]}")

    def drain(self) -> None:
        """Forget what was received, and what waits in the socket's queue."""
        self.sock.setblocking(False)
        try:
            while True:
                self.sock.recv(4096)
        except BlockingIOError:
            pass
        finally:
            self.sock.settimeout(0.2)
        self.received.clear()

    def close(self) -> None:
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def notify_socket():
    listener = NotifySocket()
    yield listener
    listener.close()


CAMPAIGN = ('[[campaign]]\nid = "tk2017"\nletter = "5121/LĐTBXH-KHTC"\ntitle = "Tổng kết 2017"\n'
            'report_year = 2017\nplan_year = 2018\nissued = 2017-12-07\ndeadline = 2017-12-20\n')


def _write_config(tmp_path: Path, accounts: dict, *, raw_dir: str = "raw", interval: int = 5,
                  broken: bool = False, extra: str = "") -> Path:
    mailboxes = "".join("\n" + account.mailbox_toml(PASSWORD_ENV, name, poll_interval=2 if broken else interval,
                                                     timeout=10)
                        for name, account in accounts.items())
    path = tmp_path / "reportbox.toml"
    path.write_text(f"""
[database]
url = "sqlite:///{tmp_path / 'reportbox.db'}"
[storage]
raw_dir = "{raw_dir}"
{mailboxes}
{extra}""", encoding="utf-8")
    return path


def _start(config: Path, password: str, log: Path, **env: str) -> subprocess.Popen:
    # The log goes to a file: a pipe nobody reads while the daemon runs could fill and block it.
    return subprocess.Popen([sys.executable, "-m", "reportbox", "--config", str(config), "run"],
                            env={**os.environ, PASSWORD_ENV: password, **env},
                            stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)


def _campaigns(config: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{config.parent / 'reportbox.db'}")
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(Campaign.id).where(Campaign.in_config)))
    finally:
        engine.dispose()


def _submissions(config: Path) -> int:
    engine = make_engine(f"sqlite:///{config.parent / 'reportbox.db'}")
    try:
        with session_factory(engine)() as session:
            return session.scalar(select(func.count()).where(RawMessage.state == MessageState.SUBMISSION))
    except Exception:  # noqa: BLE001 - the daemon may not have created the tables yet
        return 0
    finally:
        engine.dispose()


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _fill(account, n: int, start: int) -> None:
    for i in range(start, start + n):
        account.append(samples.report_message(samples.PROVINCES[i % 12], message_id=f"<s{i}@test.gov.vn>"))


def _stop(daemon: subprocess.Popen) -> int:
    daemon.send_signal(signal.SIGTERM)
    return daemon.wait(timeout=30)


def test_daemon_tells_systemd_ready_status_watchdog_and_stopping(tmp_path, imap_account, notify_socket):
    _fill(imap_account, 2, start=0)
    config = _write_config(tmp_path, {"phongkh": imap_account})
    log = tmp_path / "daemon.log"
    daemon = _start(config, imap_account.password, log, NOTIFY_SOCKET=notify_socket.path,
                    WATCHDOG_USEC="1000000")  # a ping every half second
    try:
        notify_socket.wait_for(lambda d: "READY=1" in d, 30, "READY=1")
        notify_socket.wait_for(lambda d: "s, 2 new, 2 parsed, 0 failed" in d, 30, "the first poll's status")
        # The next poll finds nothing, and says so: a sign of life.
        notify_socket.wait_for(lambda d: "s, 0 new, 0 parsed" in d, 30, "the second poll's status")
        notify_socket.wait_for(lambda d: notify_socket.received.count("WATCHDOG=1") >= 4, 10, "pings")
        assert _stop(daemon) == 0
        received = notify_socket.wait_for(lambda d: "STOPPING=1" in d, 10, "STOPPING=1")
    finally:
        if daemon.poll() is None:
            daemon.kill()
    ready = next(i for i, d in enumerate(received) if "READY=1" in d)
    pings = [i for i, d in enumerate(received) if d == "WATCHDOG=1"]
    assert len(pings) >= 4 and pings[0] > ready  # several seconds of pings, none before the daemon was ready
    assert "STATUS=polling 1 mailbox(es)" in received[ready]
    status = next(d for d in received if "2 new" in d)
    assert re.search(r"STATUS=last poll phongkh: \d+\.\d s, 2 new, 2 parsed, 0 failed, 0 error\(s\) at "
                     r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", status), status

    lines = log.read_text(encoding="utf-8").splitlines()
    polls = [line for line in lines if "reportbox.daemon: poll phongkh:" in line]
    assert len(polls) >= 2 and re.search(r"phongkh: \d+\.\d s, 0 new, 0 parsed, 0 failed, 0 error\(s\)$", polls[1])
    assert all(re.match(ISO_WITH_OFFSET + " ", line) for line in lines), lines


def test_outside_systemd_nothing_is_sent_and_the_watchdog_is_off(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")
    systemd = Systemd()
    assert not systemd.enabled and systemd.watchdog_every is None
    systemd.ready("x")  # nothing to send to, and no error


def test_watchdog_interval_is_half_of_systemds_and_only_for_its_own_process():
    assert _watchdog_every({"WATCHDOG_USEC": "180000000"}) == 90.0
    assert _watchdog_every({"WATCHDOG_USEC": "180000000", "WATCHDOG_PID": str(os.getpid())}) == 90.0
    assert _watchdog_every({"WATCHDOG_USEC": "180000000", "WATCHDOG_PID": "1"}) is None
    assert _watchdog_every({}) is None and _watchdog_every({"WATCHDOG_USEC": "0"}) is None


def test_watchdog_pings_only_while_the_lease_is_renewed(monkeypatch, notify_socket):
    monkeypatch.setenv("NOTIFY_SOCKET", notify_socket.path)
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # a ping every 0.1 s
    systemd = Systemd()
    assert "NOTIFY_SOCKET" not in os.environ  # the parsing workers must not speak for the daemon
    renewing = threading.Event()
    renewing.set()
    refused = threading.Event()  # the loop asked, and was told the lease is not renewed

    def alive() -> bool:
        if renewing.is_set():
            return True
        refused.set()
        return False

    beats = []
    stop = threading.Event()
    loop = threading.Thread(target=keep_alive, args=(stop, systemd), kwargs=dict(
        heartbeat=lambda: beats.append(time.monotonic()), alive=alive, every=0.05))
    loop.start()
    try:
        notify_socket.wait_for(lambda d: d == "WATCHDOG=1", 5, "a first ping")
        renewing.clear()  # the database went away: renewals fail
        # Once the loop has been refused, a ping it decided on before has been sent: drained here.
        assert refused.wait(5)
        notify_socket.drain()
        beats.clear()
        time.sleep(1.0)  # ten ping intervals
        with pytest.raises(AssertionError):
            notify_socket.wait_for(lambda d: d == "WATCHDOG=1", 0.5, "no ping")
        assert len(beats) >= 5  # renewals were still tried all along
        renewing.set()
        notify_socket.wait_for(lambda d: d == "WATCHDOG=1", 5, "pings again once renewed")
    finally:
        stop.set()
        loop.join(timeout=5)
    assert not loop.is_alive()


def test_sighup_adds_a_mailbox_and_a_broken_file_keeps_the_one_in_force(tmp_path, dovecot_server,
                                                                       notify_socket):
    first, second = dovecot_server.add_user(), dovecot_server.add_user()
    _fill(first, 2, start=0)
    _fill(second, 3, start=10)
    config = _write_config(tmp_path, {"phongkh": first})
    log = tmp_path / "daemon.log"
    daemon = _start(config, first.password, log, NOTIFY_SOCKET=notify_socket.path)
    try:
        notify_socket.wait_for(lambda d: "READY=1" in d, 30, "READY=1")
        _wait_for(lambda: _submissions(config) == 2, 30, "the first mailbox's reports")

        assert _campaigns(config) == []
        # A second mailbox, the first one's interval changed, a campaign, and a raw store moved (needs a restart).
        _write_config(tmp_path, {"phongkh": first, "vanthu": second}, raw_dir="raw-moved", interval=6,
                      extra=CAMPAIGN)
        daemon.send_signal(signal.SIGHUP)
        notify_socket.wait_for(lambda d: "RELOADING=1" in d, 30, "RELOADING=1")
        notify_socket.wait_for(lambda d: "READY=1" in d and "polling 2 mailbox(es)" in d, 30, "READY=1 again")
        _wait_for(lambda: _submissions(config) == 5, 30, "the added mailbox's reports")
        assert not (tmp_path / "raw-moved").exists()
        assert _campaigns(config) == ["tk2017"]

        _write_config(tmp_path, {"phongkh": first, "vanthu": second}, broken=True)  # poll_interval = 2
        daemon.send_signal(signal.SIGHUP)
        notify_socket.wait_for(lambda d: "RELOADING=1" in d, 30, "the second RELOADING=1")
        notify_socket.wait_for(lambda d: "READY=1" in d, 30, "READY=1 after the broken file")
        _fill(second, 1, start=20)
        _wait_for(lambda: _submissions(config) == 6, 30, "a report fetched after the broken reload")
        assert daemon.poll() is None

        # The first mailbox removed: neither its IDLE watcher nor its polls fetch from it any more.
        _write_config(tmp_path, {"vanthu": second})
        daemon.send_signal(signal.SIGHUP)
        notify_socket.wait_for(lambda d: "READY=1" in d and "polling 1 mailbox(es)" in d, 30, "READY=1, one mailbox")
        _fill(first, 1, start=30)
        _fill(second, 1, start=31)
        _wait_for(lambda: _submissions(config) == 7, 30, "the remaining mailbox's report")
        for _ in range(2):  # two more of its polls: the removed mailbox's report would be stored by now
            notify_socket.wait_for(lambda d: "STATUS=last poll vanthu" in d, 30, "a poll of the remaining mailbox")
        assert _submissions(config) == 7
        assert _stop(daemon) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
    text = log.read_text(encoding="utf-8")
    assert "[storage] changed: needs a restart" in text
    assert re.search(r"configuration reloaded from \S+: mailboxes added: vanthu; changed: phongkh", text)
    assert re.search(r"configuration not reloaded; the one in force is kept: \S+reportbox.toml: .*poll_interval: "
                     r"Input should be greater than or equal to 5", text), text
    assert re.search(r"poll vanthu: \d+\.\d s, 3 new, 3 parsed", text)
    assert "mailboxes removed: phongkh; changed: vanthu" in text and "phongkh/INBOX: 1 new" not in text


def _config(tmp_path, **sections) -> object:
    return config_from_dict({"database": {"url": "sqlite:///db.sqlite"}, **sections}, tmp_path / "r.toml")


def test_compare_tells_added_removed_changed_and_what_needs_a_restart(tmp_path):
    def box(name, interval=60, folders=("INBOX",)):
        return {"name": name, "kind": "maildir", "path": "m", "poll_interval": interval, "folders": list(folders)}

    old = _config(tmp_path, mailbox=[box("a"), box("b"), box("c")], web={"in_daemon": True})
    new = _config(tmp_path, mailbox=[box("a"), box("b", 120), box("d")], storage={"raw_dir": "elsewhere"},
                  web={"in_daemon": True, "port": 8080}, smtp={"host": "127.0.0.1", "from": "a@b.vn"})
    changes = compare(old, new)
    assert [m.name for m in changes.added] == ["d"] and changes.removed == ("c",)
    assert [m.name for m in changes.changed] == ["b"] and changes.smtp
    assert changes.needs_restart == ("[storage]", "[web]")
    assert changes.summary() == "mailboxes added: d; removed: c; changed: b; [smtp] changed"
    assert compare(old, old).summary() == "no mailbox or [smtp] change"
    quiet_web = compare(_config(tmp_path), _config(tmp_path, web={"port": 8080}))
    assert quiet_web.needs_restart == ()  # a dashboard the daemon does not serve
    quiet_metrics = compare(_config(tmp_path), _config(tmp_path, metrics={"web": True}))
    assert quiet_metrics.needs_restart == ()  # neither a listener nor a dashboard in the daemon
    listener = _config(tmp_path, metrics={"listen": "127.0.0.1:9108"})
    assert compare(listener, _config(tmp_path, metrics={"listen": "127.0.0.1:9109"})).needs_restart == ("[metrics]",)
    assert compare(_config(tmp_path), listener).needs_restart == ("[metrics]",)


def test_log_lines_carry_iso_times_with_their_offset(capsys):
    import logging

    from reportbox import logs

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    before = datetime.now().astimezone()
    try:
        for fmt in ("text", "json"):
            logs.configure("INFO", fmt)
            logging.getLogger("reportbox.test").info("hello", extra={"mailbox": "phongkh"})
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    text_line, json_line = capsys.readouterr().err.splitlines()
    stamp = re.match(ISO_WITH_OFFSET, text_line).group()
    entry = json.loads(json_line)
    assert entry["mailbox"] == "phongkh" and re.fullmatch(ISO_WITH_OFFSET, entry["time"])
    for value in (stamp, entry["time"]):
        when = datetime.fromisoformat(value)
        assert when.tzinfo is not None and abs((when - before).total_seconds()) < 60


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lines_to_the_journal_carry_their_priority_and_others_do_not(tmp_path, monkeypatch, fmt):
    """Under systemd, stderr is the journal's socket ($JOURNAL_STREAM names it): each line is led by
    its syslog priority so `journalctl -p warning` filters. Piped or redirected output stays plain."""
    import logging

    from reportbox import logs

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    output = []
    try:
        for journal in (True, False):
            path = tmp_path / f"stderr-{journal}.log"
            with path.open("w") as stream:
                status = os.fstat(stream.fileno())
                stream_id = f"{status.st_dev}:{status.st_ino}" if journal else f"{status.st_dev}:{status.st_ino + 1}"
                monkeypatch.setenv("JOURNAL_STREAM", stream_id)
                monkeypatch.setattr(sys, "stderr", stream)
                logs.configure("DEBUG", fmt)
                for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
                    logging.getLogger("reportbox.test").log(level, "line")
            output.append(path.read_text().splitlines())
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    journal_lines, plain_lines = output
    assert [line[:3] for line in journal_lines] == ["<7>", "<6>", "<4>", "<3>", "<2>"]
    assert all(not line.startswith("<") for line in plain_lines) and len(plain_lines) == 5
    def timeless(line: str) -> str:  # the line without its time, which differs between the two runs
        return json.dumps({**json.loads(line), "time": ""}) if fmt == "json" else line.split(" ", 1)[1]

    assert [timeless(line[3:]) for line in journal_lines] == [timeless(line) for line in plain_lines]
