"""The relay drops the connection in the middle of DATA (a real SMTP server, tests/servers/smtp.py).

Before the final dot the server keeps nothing (RFC 5321), so the message is queued again (charged
one attempt, with backoff: a message the relay always drops must not hold up the queue) and
delivered once by the next pass. After the dot it may have been delivered: the
message is `uncertain`, shown with what to do, and never sent again by itself. Either way every
other message goes out exactly once.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs.outbox import deliver
from jobs.reminders.run import remind
from models.schema import Outbox, OutboxState, utcnow
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)
from tests.jobs.reminder_setup import make_app, smtp_section, vn

UNITS = ["01", "22", "24", "26"]  # tk2019's units with contacts (96 is exempt)


def rows_of(app) -> list[Outbox]:
    with app.sessions() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def delivered(server) -> Counter:
    return Counter(received.message["Message-ID"] for received in server.messages())


def next_pass(app):
    """The daemon's next mail pass, once a dropped link's `retry_after` has passed."""
    return deliver(app, clock=lambda: utcnow() + timedelta(minutes=5), as_of=vn(10, 9))


@pytest.fixture
def app(tmp_path, db_url, smtp_server):  # noqa: F811
    app = make_app(tmp_path, db_url, smtp=smtp_section(smtp_server, timeout=2))
    yield app
    app.close()


def test_a_drop_before_the_final_dot_queues_the_message_again_and_the_next_pass_sends_it_once(app, smtp_server):
    smtp_server.drop("before_dot")
    run = remind(app, "tk2019", as_of=vn(10))
    assert run.delivery.sent == run.delivery.uncertain == run.delivery.failed == []
    assert run.delivery.link_error and "SMTP 127.0.0.1" in run.delivery.link_error
    assert smtp_server.messages() == []  # the server kept nothing
    first, *others = rows_of(app)
    # The dropped one is back in the queue with the reason, charged one attempt (the relay may have
    # dropped it for what it is): it waits its backoff; the others, not tried, are not charged.
    assert (first.state, first.attempts) == (OutboxState.QUEUED, 1) and first.error == run.delivery.link_error
    assert "nothing was delivered" in first.error
    assert first.next_attempt_at > utcnow()  # tried again after retry_after, not at once
    assert {(row.state, row.attempts) for row in others} == {(OutboxState.QUEUED, 0)}

    smtp_server.recover()
    again = next_pass(app)
    assert len(again.sent) == 4 and again.link_error is None
    rows = rows_of(app)
    assert [row.state for row in rows] == [OutboxState.SENT] * 4
    assert delivered(smtp_server) == Counter({row.message_id: 1 for row in rows})  # each exactly once
    assert sorted(row.unit for row in rows) == UNITS


@pytest.mark.parametrize("drop", ["after_dot", "no_reply"])
def test_a_drop_after_the_final_dot_leaves_the_message_uncertain_and_never_sends_it_twice(app, smtp_server, drop):
    smtp_server.drop(drop)  # the server stores the message, then resets the link or never answers
    run = remind(app, "tk2019", as_of=vn(10))
    first, *others = rows_of(app)
    assert run.delivery.uncertain == [first.id] and run.delivery.sent == []
    assert first.state == OutboxState.UNCERTAIN and first.attempts == 1
    # What a person needs: what happened, that it may have arrived, and how to send it again.
    assert "after the final dot" in first.error and "may have been delivered" in first.error
    assert f"reportbox outbox retry {first.id}" in first.error
    assert {row.state for row in others} == {OutboxState.QUEUED}
    assert delivered(smtp_server) == Counter({first.message_id: 1})

    smtp_server.recover()
    again = next_pass(app)
    assert sorted(again.sent) == [row.id for row in others] and again.uncertain == []
    rows = rows_of(app)
    assert [row.state for row in rows] == [OutboxState.UNCERTAIN] + [OutboxState.SENT] * 3
    assert delivered(smtp_server) == Counter({row.message_id: 1 for row in rows})  # nothing twice
    assert remind(app, "tk2019", as_of=vn(10, 10)).queued == {}  # nor queued again by a later run
    assert len(smtp_server.messages()) == 4


def test_a_message_the_relay_always_drops_holds_up_no_other(app, smtp_server):
    """A relay that drops one message every time (its size, a content filter): the others go out
    once each; the dropped one, charged each time with a growing backoff, fails after max_attempts."""
    smtp_server.drop("before_dot", only_to=["sldtbxh@hanoi.gov.vn"])  # Hà Nội's reminder
    run = remind(app, "tk2019", as_of=vn(10))
    assert run.delivery.sent == [] and run.delivery.link_error  # the first in the queue, dropped
    clock = utcnow()
    for _ in range(12):  # passes far enough apart for any backoff
        clock += timedelta(hours=2)
        deliver(app, clock=lambda: clock, as_of=vn(10, 9))
    rows = {row.unit: row for row in rows_of(app)}
    poisoned = rows.pop("01")
    assert (poisoned.state, poisoned.attempts) == (OutboxState.FAILED, app.config.smtp.max_attempts)
    assert "nothing was delivered" in poisoned.error
    assert {row.state for row in rows.values()} == {OutboxState.SENT}
    assert delivered(smtp_server) == Counter({row.message_id: 1 for row in rows.values()})
