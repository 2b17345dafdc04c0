"""Each folder counts its polls, failed ones apart, and the time the successful ones took (/metrics)."""

from __future__ import annotations

from sqlalchemy import select

from jobs.poll import poll
from models.schema import FolderState
from tests.ingest.conftest import sources_of


def test_polls_failures_and_durations_are_counted_on_the_folder(make_app, tmp_path):
    maildir = tmp_path / "maildir"
    app = make_app([{"name": "files", "kind": "maildir", "path": str(maildir)}])
    poll(app, sources_of(app))  # the Maildir is not there yet: a failed poll
    with app.sessions() as session:
        state = session.scalars(select(FolderState)).one()
        assert (state.polls, state.poll_failures, state.poll_seconds, state.last_poll_seconds) == (1, 1, 0, None)
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    poll(app, sources_of(app))
    poll(app, sources_of(app))
    with app.sessions() as session:
        state = session.scalars(select(FolderState)).one()
        assert (state.polls, state.poll_failures, state.consecutive_failures) == (3, 1, 0)
        assert 0 < state.last_poll_seconds <= state.poll_seconds
