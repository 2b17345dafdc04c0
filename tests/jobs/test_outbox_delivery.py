"""Exactly once across crashes, and the SMTP link's security: a reminder run killed at each
point of the outbox protocol, then run again, leaves each reminder delivered once (or, in the
one documented corner, `uncertain` and not repeated); STARTTLS with a verified certificate and
a login."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.reminders.run import remind
from models.schema import Outbox, OutboxState
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)
from tests.jobs.reminder_setup import CONTACTS, make_app, smtp_section, vn

REPO = Path(__file__).resolve().parents[2]
CRASHES = {
    # killed after the reminders were committed, before any SMTP conversation
    "after_queue": "import jobs.reminders.run as m; m.deliver = lambda *a, **k: os._exit(3)",
    # killed holding the first message (`sending`), before its DATA
    "before_data": "from jobs.mail.smtp import SmtpRelay; SmtpRelay.send = lambda *a, **k: os._exit(3)",
    # killed after the server accepted the first message, before `sent` was recorded
    "after_reply": textwrap.dedent("""\
        import jobs.outbox as m
        settle = m._settle
        def crash(app, job, holder, **values):
            if values.get("state") == "sent":
                os._exit(3)
            settle(app, job, holder, **values)
        m._settle = crash"""),
}


def write_config(tmp_path: Path, db_url: str, server) -> Path:  # noqa: F811
    (tmp_path / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    path = tmp_path / "reportbox.toml"
    path.write_text(textwrap.dedent(f"""\
        [database]
        url = "{db_url}"
        [storage]
        raw_dir = "raw"
        [registry]
        contacts = "contacts.csv"
        [smtp]
        host = "{server.host}"
        port = {server.port}
        security = "none"
        from = "Phòng KH-TC <phongkh@molisa.gov.vn>"
        max_per_minute = 100000
        [[campaign]]
        id = "tk2019"
        letter = "5025/LĐTBXH-KHTC"
        title = "Báo cáo năm 2019"
        report_year = 2019
        plan_year = 2020
        issued = 2019-11-25
        deadline = 2019-12-15
        registry = "vn63"
        exempt = ["96"]
        """), encoding="utf-8")
    return path


def run_and_crash(config: Path, crash: str) -> subprocess.CompletedProcess:
    script = "import os, sys\n" + CRASHES[crash] + textwrap.dedent(f"""
        from reportbox.cli import main
        sys.argv = ["reportbox", "--config", {str(config)!r}, "remind", "--campaign", "tk2019",
                    "--as-of", "2019-12-10T08:30"]
        main()
        """)
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("crash", list(CRASHES))
def test_a_crash_at_any_point_then_a_restart_sends_each_reminder_once(tmp_path, db_url, smtp_server, crash):  # noqa: F811
    config = write_config(tmp_path, db_url, smtp_server)
    crashed = run_and_crash(config, crash)
    assert crashed.returncode == 3, crashed.stderr
    delivered_before = len(smtp_server.messages())
    assert delivered_before == (1 if crash == "after_reply" else 0)

    from reportbox.app import open_app
    from reportbox.config import load_config

    app = open_app(load_config(config))
    try:
        run = remind(app, "tk2019", as_of=vn(10, 9))  # the restart: the same step is owed, and due
        assert run.queued == {}  # the crashed run had queued them all already
        with app.sessions() as session:
            rows = {row.unit: row for row in session.scalars(select(Outbox))}
    finally:
        app.close()
    assert sorted(rows) == ["01", "22", "24", "26"]
    ids = Counter(m.message["Message-ID"] for m in smtp_server.messages())
    assert all(count == 1 for count in ids.values())  # nothing twice
    states = Counter(row.state for row in rows.values())
    if crash == "after_reply":
        # The corner case: the server took it, we never heard; it is not sent again.
        assert states == {OutboxState.SENT: 3, OutboxState.UNCERTAIN: 1}
        uncertain = next(row for row in rows.values() if row.state == OutboxState.UNCERTAIN)
        assert ids[uncertain.message_id] == 1 and "may have been delivered" in uncertain.error
    else:
        assert states == {OutboxState.SENT: 4}
        assert set(ids) == {row.message_id for row in rows.values()}


def test_an_uncertain_message_is_resent_only_when_a_person_asks(tmp_path, db_url, smtp_server):  # noqa: F811
    config = write_config(tmp_path, db_url, smtp_server)
    assert run_and_crash(config, "after_reply").returncode == 3
    cli = [sys.executable, "-m", "reportbox", "--config", str(config)]
    remind_again = subprocess.run([*cli, "remind", "--campaign", "tk2019", "--as-of", "2019-12-10T09:00"],
                                  cwd=REPO, capture_output=True, text=True, timeout=120)
    assert remind_again.returncode == 0, remind_again.stderr
    listing = subprocess.run([*cli, "outbox", "--state", "uncertain", "--format", "json"], cwd=REPO,
                             capture_output=True, text=True, timeout=60)
    import json

    [row] = json.loads(listing.stdout)
    assert row["state"] == "uncertain" and row["unit"] == "01"
    assert subprocess.run([*cli, "outbox", "retry", str(row["id"]), "--by", "it"], cwd=REPO,
                          capture_output=True, text=True, timeout=60).returncode == 0
    again = subprocess.run([*cli, "remind", "--campaign", "tk2019", "--as-of", "2019-12-10T09:30"],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "1 sent" in again.stdout, again.stdout
    ids = Counter(m.message["Message-ID"] for m in smtp_server.messages())
    assert ids[row["message_id"]] == 2  # the one resend a person asked for, same Message-ID


def test_starttls_with_a_verified_certificate_and_a_login(tmp_path, make_smtp_server, monkeypatch):
    server = make_smtp_server(tls="starttls", auth={"phongkh": "s3cret-pw"})
    monkeypatch.setenv("RB_SMTP_PW", "s3cret-pw")
    smtp = smtp_section(server, security="starttls", username="phongkh", password_env="RB_SMTP_PW",
                        ca_file=str(server.ca_file))
    smtp["host"] = "localhost"  # the certificate's name
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", smtp=smtp)
    try:
        run = remind(app, "tk2019", as_of=vn(10))
    finally:
        app.close()
    assert len(run.delivery.sent) == 4
    assert all(m.tls and m.auth_user == "phongkh" for m in server.messages())


def test_an_unverifiable_certificate_stops_delivery_and_charges_no_message(tmp_path, make_smtp_server):
    server = make_smtp_server(tls="starttls")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'a.db'}",
                   smtp={**smtp_section(server, security="starttls"), "host": "localhost"})
    try:
        runs = [remind(app, "tk2019", as_of=vn(10))] + [remind(app, "tk2019", as_of=vn(10, 9)) for _ in range(3)]
        with app.sessions() as session:
            rows = list(session.scalars(select(Outbox)))
    finally:
        app.close()
    assert all(run.delivery.sent == run.delivery.failed == [] for run in runs)
    assert "certificate does not verify" in runs[0].delivery.link_error and "ca_file" in runs[0].delivery.link_error
    assert [(row.state, row.attempts) for row in rows] == [(OutboxState.QUEUED, 0)] * 4  # waiting, uncharged
    assert all("certificate does not verify" in row.error for row in rows)
    assert server.messages() == []


def test_a_wrong_password_or_a_refused_sender_charges_no_message(tmp_path, make_smtp_server, monkeypatch):
    server = make_smtp_server(auth={"phongkh": "right"})
    monkeypatch.setenv("RB_SMTP_PW", "wrong")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'a.db'}",
                   smtp=smtp_section(server, username="phongkh", password_env="RB_SMTP_PW"))
    try:
        run = remind(app, "tk2019", as_of=vn(10))
    finally:
        app.close()
    assert run.delivery.failed == [] and "refused the login of phongkh: 535" in run.delivery.link_error
    plain = make_smtp_server()
    plain.refuse(553, "5.7.1 sender not allowed", at="MAIL")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'b.db'}", plain)
    try:
        run = remind(app, "tk2019", as_of=vn(10))
        with app.sessions() as session:
            rows = list(session.scalars(select(Outbox)))
    finally:
        app.close()
    assert run.delivery.failed == [] and "refused the sender address phongkh@molisa.gov.vn: 553" in run.delivery.link_error
    assert sorted((row.state, row.attempts) for row in rows) == [(OutboxState.QUEUED, 0)] * 4


def test_remind_dry_run_on_the_command_line_shows_who_gets_what(tmp_path, smtp_server):
    import json

    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server)
    cli = [sys.executable, "-m", "reportbox", "--config", str(config), "remind", "--campaign", "tk2019",
           "--as-of", "2019-12-16T09:00", "--dry-run"]
    as_json = subprocess.run([*cli, "--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    units = {u["unit"]: u for u in data["units"]}
    assert data["dry_run"] is True and data["delivery"] is None
    assert units["22"]["to"] == ["sldtbxh@quangninh.gov.vn"] and units["22"]["step"] == "after-1"
    assert units["22"]["subject"].startswith("Đề nghị khẩn trương gửi báo cáo") and "quá hạn 1 ngày" in units["22"]["body"]
    assert units["02"]["skip"] == "no_contact" and units["02"]["subject"] is None
    table = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "dry run: nothing sent" in table.stdout and "no contact address" in table.stdout
    assert smtp_server.messages() == []
    bad = subprocess.run([*cli[:-1], "--as-of", "yesterday"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "not an ISO 8601" in bad.stderr


def test_status_shows_what_was_sent_and_what_is_in_trouble(tmp_path, smtp_server):
    import json

    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server)
    assert run_and_crash(config, "after_reply").returncode == 3  # unit 01's reminder: delivered, unconfirmed
    cli = [sys.executable, "-m", "reportbox", "--config", str(config)]
    smtp_server.refuse(451)
    subprocess.run([*cli, "remind", "--campaign", "tk2019", "--as-of", "2019-12-10T09:00"], cwd=REPO,
                   capture_output=True, text=True, timeout=120)
    as_json = subprocess.run([*cli, "status", "--campaign", "tk2019", "--as-of", "2019-12-10T10:00", "--format",
                              "json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    data = json.loads(as_json.stdout)
    assert {k: v for k, v in data["outbox"].items() if v} == {"queued": 3, "uncertain": 1}
    units = {u["unit"]: u for u in data["units"]}
    assert units["01"]["reminders"] == 0 and units["01"]["last_reminder_at"] is None  # not confirmed sent
    smtp_server.recover()
    from reportbox.app import open_app
    from reportbox.config import load_config
    from models.schema import utcnow

    app = open_app(load_config(config))
    try:
        from jobs.outbox import deliver
        from datetime import timedelta

        assert len(deliver(app, clock=lambda: utcnow() + timedelta(minutes=2), as_of=vn(10, 9)).sent) == 3
    finally:
        app.close()
    table = subprocess.run([*cli, "status", "--campaign", "tk2019", "--as-of", "2019-12-10T10:00"], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert "e-mails to units: 3 sent, 1 uncertain (see `reportbox outbox --campaign tk2019`)" in table.stdout
    units = {u["unit"]: u for u in json.loads(subprocess.run(
        [*cli, "status", "--campaign", "tk2019", "--format", "json"], cwd=REPO, capture_output=True, text=True,
        timeout=120).stdout)["units"]}
    assert units["22"]["reminders"] == 1 and units["22"]["last_reminder_at"].endswith("+07:00")


def test_implicit_tls_on_port_465_style(tmp_path, make_smtp_server):
    server = make_smtp_server(tls="ssl")
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'a.db'}",
                   smtp={**smtp_section(server, security="ssl", ca_file=str(server.ca_file)), "host": "localhost"})
    try:
        assert len(remind(app, "tk2019", as_of=vn(10)).delivery.sent) == 4
    finally:
        app.close()
    assert all(m.tls for m in server.messages())
