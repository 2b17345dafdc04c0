"""The real messages that broke other mail tools: every one ingested and recorded, by every source."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.poll import poll
from models.schema import Document, MessageState, RawMessage

from .conftest import count, sources_of

CORPUS = Path(__file__).resolve().parents[1] / "data" / "real-mime"  # see its README: source and licence


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    files = sorted(CORPUS.glob("*.eml"))
    if len(files) < 22:
        pytest.fail(f"the real-mime corpus is expected at {CORPUS}")
    return files


def _assert_all_recorded(app, expected: int) -> None:
    with app.sessions() as session:
        rows = list(session.scalars(select(RawMessage)))
    assert len(rows) == expected
    processed = (MessageState.PARSED, MessageState.SUBMISSION)
    for raw in rows:
        assert raw.state in processed + (MessageState.FAILED, MessageState.IGNORED), raw.state
        if raw.state not in processed:
            assert raw.reason, f"message {raw.id} is {raw.state} without a reason"
    with app.sessions() as session:  # every attached document is read, or says why not
        for document in session.scalars(select(Document)):
            assert document.blocks or document.error, f"{document.path}: no text and no reason"
            assert document.error is None or document.detail, f"{document.path}: {document.error} unexplained"
    # Several corpus messages share a Message-ID with different bodies: each is its own message.
    assert not [raw for raw in rows if raw.reason == "duplicate_message_id"]
    assert len({raw.message_id for raw in rows if raw.message_id}) < len(rows)


def _distinct_contents(files: list[Path]) -> int:
    return len({path.read_bytes() for path in files})


def test_corpus_from_eml_folder(make_app, tmp_path, corpus):
    folder = tmp_path / "eml"
    folder.mkdir()
    for path in corpus:
        shutil.copy(path, folder / path.name)
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])
    report = poll(app, sources_of(app))
    assert not report.fetched.errors
    _assert_all_recorded(app, _distinct_contents(corpus))
    assert poll(app, sources_of(app)).fetched.new == 0


def test_corpus_from_maildir(make_app, tmp_path, corpus):
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for number, path in enumerate(corpus):
        shutil.copy(path, maildir / ("new" if number % 2 else "cur") / f"{number}.corpus:2,S")
    app = make_app([{"name": "archive", "kind": "maildir", "path": str(maildir)}])
    poll(app, sources_of(app))
    _assert_all_recorded(app, _distinct_contents(corpus))
    # A flag change renames the file; it is the same message, not a new one.
    moved = next((maildir / "cur").iterdir())
    moved.rename(moved.with_name(moved.name.split(":")[0] + ":2,RS"))
    assert poll(app, sources_of(app)).fetched.new == 0


def test_corpus_over_imap(make_app, imap_settings, imap_account, corpus):
    for path in corpus:
        imap_account.append(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    app = make_app([imap_settings(batch_size=5)])
    report = poll(app, sources_of(app))
    assert report.fetched.new + report.fetched.duplicates == len(corpus)
    _assert_all_recorded(app, len(corpus))
    assert count(app) == len(corpus)


def test_received_time_for_files_comes_from_received_header_then_mtime(make_app, tmp_path):
    folder = tmp_path / "eml"
    folder.mkdir()
    with_header = folder / "a.eml"
    with_header.write_bytes(b"Received: from x by mx.molisa.gov.vn; Tue, 10 Dec 2019 09:31:00 +0700\r\n"
                            b"From: a@b.gov.vn\r\nSubject: a\r\nDate: Mon, 1 Jan 2001 00:00:00 +0000\r\n\r\nx\r\n")
    without = folder / "b.eml"
    without.write_bytes(b"From: a@b.gov.vn\r\nSubject: b\r\nDate: Mon, 1 Jan 2001 00:00:00 +0000\r\n\r\nx\r\n")
    os.utime(without, (1576000000, 1576000000))
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])
    poll(app, sources_of(app))
    with app.sessions() as session:
        rows = {r.received_source: r.received_at.timestamp() for r in session.scalars(select(RawMessage))}
    assert rows == {"received-header": 1575945060.0, "file-mtime": 1576000000.0}
