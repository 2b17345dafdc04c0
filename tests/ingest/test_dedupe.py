"""Nothing counted twice: re-deliveries are kept as ignored duplicates; reused Message-IDs are not."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobs.poll import poll
from models.schema import MessageLocation, MessageState, RawMessage
from reportbox import samples

from .conftest import sources_of


def test_redelivery_is_a_duplicate_but_a_reused_message_id_is_not(make_app, tmp_path):
    folder = tmp_path / "eml"
    folder.mkdir()
    original = samples.report_message(samples.PROVINCES[0], message_id="<same@hanoi.gov.vn>")
    (folder / "1.eml").write_bytes(original)
    (folder / "2.eml").write_bytes(b"Received: from relay2 by mx; Tue, 10 Dec 2019 09:40:00 +0700\r\n" + original)
    other = samples.report_message(samples.PROVINCES[1], message_id="<same@hanoi.gov.vn>")
    (folder / "3.eml").write_bytes(other)
    (folder / "4.eml").write_bytes(original)  # the very same bytes again: one raw message
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])
    report = poll(app, sources_of(app))
    assert (report.fetched.new, report.fetched.duplicates, report.fetched.seen_again) == (2, 1, 1)
    with app.sessions() as session:
        rows = list(session.scalars(select(RawMessage).order_by(RawMessage.id)))
    assert [r.state for r in rows] == [MessageState.SUBMISSION, MessageState.IGNORED, MessageState.SUBMISSION]
    assert rows[1].duplicate_of_id == rows[0].id and rows[1].reason == "duplicate_message_id"


def test_duplicate_within_one_batch_and_across_batches(make_app, tmp_path):
    folder = tmp_path / "eml"
    folder.mkdir()
    original = samples.report_message(samples.PROVINCES[3], message_id="<twice@thanhhoa.gov.vn>")
    (folder / "a.eml").write_bytes(original)
    (folder / "b.eml").write_bytes(b"X-Relay: 1\r\n" + original)  # same batch as a.eml
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])
    first = poll(app, sources_of(app))
    assert (first.fetched.new, first.fetched.duplicates) == (1, 1)
    (folder / "c.eml").write_bytes(b"X-Relay: 2\r\n" + original)  # a later poll: compared with the stored file
    second = poll(app, sources_of(app))
    assert (second.fetched.new, second.fetched.duplicates) == (0, 1)
    with app.sessions() as session:
        rows = list(session.scalars(select(RawMessage).order_by(RawMessage.id)))
    assert [r.duplicate_of_id for r in rows] == [None, rows[0].id, rows[0].id]
    assert rows[0].body_sha256 is not None  # computed once, then kept


def test_a_message_seen_twice_shows_where_it_was_first_seen(make_app, tmp_path):
    """`messages` names a message's first location. PostgreSQL returns rows in no fixed order: an
    updated row (a location marked) moves to the end of its table, so the order must be asked for."""
    folder = tmp_path / "eml"
    folder.mkdir()
    original = samples.report_message(samples.PROVINCES[0])
    (folder / "1.eml").write_bytes(original)
    (folder / "2.eml").write_bytes(original)
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])
    poll(app, sources_of(app))
    with app.sessions() as session, session.begin():
        first = session.scalar(select(MessageLocation).order_by(MessageLocation.id).limit(1))
        first.marked = not first.marked  # rewrites the first row
    with app.sessions() as session:
        raw = session.scalar(select(RawMessage).options(selectinload(RawMessage.locations)))
        assert [location.source_key for location in raw.locations] == ["1.eml", "2.eml"]
