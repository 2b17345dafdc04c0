"""Fetching from a real Dovecot: incremental, idempotent, crash-safe, and gentle with flags."""

from __future__ import annotations

import hashlib
import socket
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ingest.imap import ImapSource
from jobs.poll import poll
from models import messages as q
from models.schema import (
    Attachment,
    FolderState,
    MessageState,
    ParsedMessage,
    RawMessage,
)
from reportbox import samples
from reportbox.errors import SourceAuthError

from .conftest import count, locations, sources_of, states

KEYWORD = b"$Reportbox"


def _fill(account, n: int, start: int = 0) -> list[bytes]:
    """n distinct province reports, appended with INTERNALDATEs a minute apart."""
    messages = []
    base = datetime(2019, 12, 10, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    for i in range(start, start + n):
        province = samples.PROVINCES[i % len(samples.PROVINCES)]
        raw = samples.report_message(province, attachment=("docx", "pdf", "inline-pdf")[i % 3],
                                     message_id=f"<report-{i}@test.gov.vn>")
        account.append(raw, internaldate=base + timedelta(minutes=i))
        messages.append(raw)
    return messages


def _poll(app, **kwargs):
    sources = sources_of(app)
    try:
        return poll(app, sources, backoff=0.01, **kwargs), sources
    finally:
        for source in sources:
            source.close()


def test_first_poll_ingests_everything_second_nothing(make_app, imap_settings, imap_account):
    _fill(imap_account, 7)
    app = make_app([imap_settings(batch_size=3)])
    report, _ = _poll(app)
    assert (report.fetched.new, report.processed.parsed) == (7, 7)
    assert states(app) == {MessageState.SUBMISSION: 7}
    with app.sessions() as session:
        raw = session.scalars(select(RawMessage).order_by(RawMessage.id)).first()
        assert raw.received_source == "internaldate"
        assert raw.received_at == datetime(2019, 12, 10, 1, 0, tzinfo=timezone.utc)
        state = session.scalar(select(FolderState))
        assert state.last_uid == max(imap_account.uids()) and state.last_success_at is not None
    again, _ = _poll(app)
    assert (again.fetched.new, again.processed.total) == (0, 0)
    assert count(app) == 7


def test_idle_poll_costs_the_same_round_trips_whatever_the_mailbox_size(make_app, imap_settings, imap_account):
    app = make_app([imap_settings(batch_size=50)])
    source = ImapSource(app.config.mailbox[0])
    costs = []
    for size in (3, 60):
        _fill(imap_account, size - (costs and 3 or 0), start=len(costs) * 3)
        poll(app, [source])  # ingest everything
        before = source.round_trips
        report = poll(app, [source])  # nothing new
        assert report.fetched.new == 0
        costs.append(source.round_trips - before)
    source.close()
    assert costs[0] == costs[1] <= 2  # SELECT and UID SEARCH


def test_new_mail_is_picked_up_alone(make_app, imap_settings, imap_account):
    _fill(imap_account, 3)
    app = make_app([imap_settings()])
    _poll(app)
    _fill(imap_account, 1, start=10)
    report, _ = _poll(app)
    assert report.fetched.new == 1 and report.processed.parsed == 1
    assert count(app) == 4


def test_default_mark_adds_keyword_and_never_seen(make_app, imap_settings, imap_account):
    _fill(imap_account, 3)
    imap_account.append(samples.report_message(samples.PROVINCES[5]), flags=[b"\\Seen"])
    app = make_app([imap_settings()])
    _poll(app)
    flags = imap_account.flags()
    uids = sorted(flags)
    assert all(KEYWORD in flags[uid] for uid in uids)
    assert [b"\\Seen" in flags[uid] for uid in uids] == [False, False, False, True]


@pytest.mark.parametrize("mark", ["none", "seen", "move:Processed"])
def test_other_marks(make_app, imap_settings, imap_account, mark):
    _fill(imap_account, 2)
    app = make_app([imap_settings(mark=mark)])
    report, _ = _poll(app)
    assert report.fetched.new == 2
    if mark == "none":
        assert all(KEYWORD not in f and b"\\Seen" not in f for f in imap_account.flags().values())
    elif mark == "seen":
        assert all(b"\\Seen" in f for f in imap_account.flags().values())
    else:
        assert imap_account.uids() == [] and len(imap_account.uids("Processed")) == 2
    again, _ = _poll(app)
    assert again.fetched.new == 0 and count(app) == 2


def test_uidvalidity_change_rescans_without_duplicates(make_app, imap_settings, imap_account):
    _fill(imap_account, 4)
    app = make_app([imap_settings()])
    _poll(app)
    old = imap_account.uidvalidity()
    assert imap_account.change_uidvalidity() != old
    report, _ = _poll(app)
    assert report.fetched.new == 0 and report.fetched.seen_again == 4
    assert count(app) == 4 and locations(app) == 8
    assert states(app) == {MessageState.SUBMISSION: 4}
    with app.sessions() as session:
        assert session.scalar(select(FolderState.uidvalidity)) == imap_account.uidvalidity()


class Crash(BaseException):
    """Stands for the process dying at a chosen point: no `except Exception` may catch it."""


def _crash_once(monkeypatch, target, name):
    real = getattr(target, name)
    calls = {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise Crash(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, crashing)


@pytest.mark.parametrize(
    ("target", "name"),
    [
        (q, "record_batch"),  # after the raw write, before the rows
        (ImapSource, "mark"),  # after the rows are committed, before the server is told
        (q, "store_parsed"),  # in the middle of processing
    ],
)
def test_crash_then_restart_gives_exactly_one_record(make_app, imap_settings, imap_account, monkeypatch,
                                                     target, name):
    messages = _fill(imap_account, 5)
    app = make_app([imap_settings(batch_size=2)])
    _crash_once(monkeypatch, target, name)
    with pytest.raises(Crash):
        _poll(app)
    restarted = make_app([imap_settings(batch_size=2)])
    _poll(restarted)
    assert count(restarted) == 5 and locations(restarted) == 5
    assert states(restarted) == {MessageState.SUBMISSION: 5}
    assert all(KEYWORD in f for f in imap_account.flags().values())  # owed marks were applied
    with restarted.sessions() as session:
        assert sorted(session.scalars(select(RawMessage.message_id))) == sorted(
            f"<report-{i}@test.gov.vn>" for i in range(5))
        assert session.scalar(select(RawMessage.attempts).where(RawMessage.attempts > 2)) is None
    stored = sorted(p.name for p in (restarted.store.root).rglob("*.eml"))
    assert len(stored) == len(messages)
    assert list((restarted.store.root / "tmp").glob("*")) == []


def test_server_stopped_mid_poll_next_poll_completes(make_app, imap_settings, imap_account, dovecot_server,
                                                     monkeypatch):
    _fill(imap_account, 6)
    app = make_app([imap_settings(batch_size=2)])
    real_fetch = ImapSource.fetch
    calls = {"n": 0}

    def fetch_then_lose_the_server(self, folder, keys):
        calls["n"] += 1
        if calls["n"] == 2:  # one batch is through; the server goes away before the second
            dovecot_server.stop()  # new connections are refused from now on
            # Dovecot's imap child may answer a few more commands before it exits; cut the
            # live connection too, as a vanished server does.
            self.connect().socket().shutdown(socket.SHUT_RDWR)
        return real_fetch(self, folder, keys)

    monkeypatch.setattr(ImapSource, "fetch", fetch_then_lose_the_server)
    try:
        report, _ = _poll(app)
    finally:
        dovecot_server.start()
    assert report.fetched.new == 2 and report.fetched.errors
    with app.sessions() as session:
        state = session.scalar(select(FolderState))
        assert state.last_error and state.consecutive_failures == 1
    monkeypatch.setattr(ImapSource, "fetch", real_fetch)
    report, _ = _poll(app)
    assert report.fetched.new == 4 and not report.fetched.errors
    assert count(app) == 6 and states(app) == {MessageState.SUBMISSION: 6}
    assert all(KEYWORD in f for f in imap_account.flags().values())  # owed marks applied too
    with app.sessions() as session:
        assert session.scalar(select(FolderState.last_error)) is None


def test_wrong_password_is_reported_not_raised(make_app, imap_settings, monkeypatch):
    app = make_app([imap_settings()])
    monkeypatch.setenv("RB_TEST_IMAP_PASSWORD", "wrong")
    wrong = make_app([imap_settings()])
    report, _ = _poll(wrong)
    assert report.fetched.errors and "refused the login" in report.fetched.errors[0]
    with app.sessions() as session:
        assert session.scalar(select(FolderState.last_error)).startswith(SourceAuthError.reason)


def test_real_shapes_over_imap(make_app, imap_settings, imap_account):
    """Encoded Vietnamese subjects and names, forwards, inline PDFs, HTML-only bodies, garbage."""
    qn = samples.PROVINCES[1]
    shapes = {
        "forward": samples.forwarded(samples.report_message(qn, attachment="pdf")),
        "inline": samples.report_message(samples.PROVINCES[2], attachment="inline-pdf"),
        "nameless": samples.report_message(samples.PROVINCES[3], attachment="nameless-pdf"),
        "html": samples.report_message(samples.PROVINCES[4], html_only=True),
        "garbage": b"\x00\x01garbage that is not mail\xff\r\n",
    }
    for raw in shapes.values():
        imap_account.append(raw)
    app = make_app([imap_settings()])
    report, _ = _poll(app)
    assert report.fetched.new == 5 and report.processed.parsed == 4 and report.processed.failed == 1
    with app.sessions() as session:
        failed = session.scalar(select(RawMessage).where(RawMessage.state == MessageState.FAILED))
        assert failed.reason == "not_an_email" and failed.detail
        assert b"\x01garbage that is not mail" in app.store.read(failed.sha256)  # kept (Dovecot serves NUL as 0x80)
        subjects = set(session.scalars(select(ParsedMessage.subject)))
        assert "Fwd: Báo cáo đánh giá tình hình thực hiện năm 2019 - Sở LĐTBXH Quảng Ninh" in subjects
        kinds = session.execute(select(Attachment.filename, Attachment.kind, Attachment.forwarded_depth)).all()
        assert ("Báo cáo năm 2019 - Quảng Ninh.pdf", "pdf", 1) in kinds
        assert ("Báo cáo năm 2019 - Hải Phòng.pdf", "pdf", 0) in kinds
        assert ("attachment-1.pdf", "pdf", 0) in kinds
        html = session.scalar(select(ParsedMessage).where(ParsedMessage.body_source == "html"))
        assert "Nghệ An" in html.body_text


@pytest.mark.slow
def test_30mb_attachment_is_fetched_in_pieces(make_app, imap_settings, imap_account):
    raw = samples.report_message(samples.PROVINCES[0], attachment="pdf", padding=30 * 1024 * 1024)
    imap_account.append(raw)
    with imap_account.client() as client:
        client.select_folder("INBOX", readonly=True)
        served = next(iter(client.fetch(client.search(["ALL"]), ["BODY.PEEK[]"]).values()))[b"BODY[]"]
    app = make_app([imap_settings()])
    report, _ = _poll(app)
    assert report.fetched.new == 1 and report.processed.parsed == 1
    with app.sessions() as session:
        stored = session.scalar(select(RawMessage))
        assert stored.sha256 == hashlib.sha256(served).hexdigest() and stored.size > 40 * 1024 * 1024
        attachment = session.scalar(select(Attachment))
        assert attachment.kind == "pdf" and attachment.size > 30 * 1024 * 1024
