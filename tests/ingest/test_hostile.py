"""Review findings kept fixed: one bad message, name or server refusal never blocks a folder."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile

import pytest
from sqlalchemy import select

from ingest.imap import CHUNK, ImapSource
from jobs.poll import poll
from models.schema import FolderState, MessageState, ParsedMessage, RawMessage
from parsers.headers import body_sha256
from parsers.message import parse_message
from parsers.sniff import sniff
from reportbox import samples

from .conftest import sources_of, states

GOOD = samples.report_message(samples.PROVINCES[0])


def _eml_app(make_app, tmp_path, files: dict[bytes, bytes]):
    folder = tmp_path / "eml"
    folder.mkdir()
    for name, raw in files.items():
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(raw)
    return make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])


def test_year_9999_dates_do_not_block_the_folder(make_app, tmp_path):
    bad = (b"Received: from x by mx; Fri, 31 Dec 9999 23:59:59 -0100\r\n"
           b"Date: Fri, 31 Dec 9999 23:59:59 -0100\r\nFrom: a@b.gov.vn\r\nSubject: far future\r\n\r\nx\r\n")
    app = _eml_app(make_app, tmp_path, {b"bad.eml": bad, b"good.eml": GOOD})
    report = poll(app, sources_of(app))
    assert not report.fetched.errors and states(app) == {MessageState.IGNORED: 1, MessageState.SUBMISSION: 1}
    with app.sessions() as session:
        far = session.scalar(select(ParsedMessage).where(ParsedMessage.subject == "far future"))
        assert far.date_header is None


def test_file_names_that_are_not_utf8_are_ingested(make_app, tmp_path):
    app = _eml_app(make_app, tmp_path, {"báo cáo.eml".encode("cp1258"): GOOD, b"a.eml": b"X: 1\r\n" + GOOD})
    report = poll(app, sources_of(app))
    assert not report.fetched.errors and report.fetched.new + report.fetched.duplicates == 2
    assert poll(app, sources_of(app)).fetched.new == 0  # and recognised the next time


def test_overlong_header_values_fit_both_engines(make_app, tmp_path):
    long_id = "<" + "x" * 1200 + "@quangninh.gov.vn>"
    raw = (f"From: a@quangninh.gov.vn\r\nSubject: long\r\nMessage-ID: {long_id}\r\nIn-Reply-To: {long_id}\r\n"
           f"Auto-Submitted: {'auto-generated' * 10}\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: application/pdf\r\nContent-Disposition: {'attachment' * 5}; filename=r.pdf\r\n\r\n"
           "%PDF-1.4\r\n").encode()
    app = _eml_app(make_app, tmp_path, {b"long.eml": raw, b"good.eml": GOOD})
    report = poll(app, sources_of(app))
    assert not report.fetched.errors and states(app) == {MessageState.SUBMISSION: 2}
    with app.sessions() as session:
        stored = session.scalar(select(RawMessage).where(RawMessage.message_id.like("<xxx%")))
        assert len(stored.message_id) == 998


def test_zip_bomb_mimetype_is_not_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"\0" * (64 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        assert sniff(data, "bomb.odt", None) == ("application/zip", "zip")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_body_hash_ignores_line_ends_even_with_crlf_in_an_lf_body():
    crlf = b"From: a@b\r\nSubject: x\r\n\r\nline one\r\n\r\nline two\r\n"
    lf_file = b"From: a@b\nSubject: x\n\nline one\r\n\r\nline two\n"
    other = b"From: a@b\nSubject: x\n\nsomething else\r\n\r\nline two\n"
    assert body_sha256(crlf) == body_sha256(lf_file) != body_sha256(other)


def test_refused_mark_is_recorded_and_does_not_block_fetching(make_app, imap_settings, imap_account):
    imap_account.append(GOOD)
    app = make_app([imap_settings(mark="move:~refused")])
    first = poll(app, sources_of(app))
    assert first.fetched.new == 1 and not first.fetched.errors
    with app.sessions() as session:
        assert session.scalar(select(FolderState.last_error)).startswith("mark_failed")
    imap_account.append(samples.report_message(samples.PROVINCES[1]))
    second = poll(app, sources_of(app))
    assert second.fetched.new == 1 and states(app) == {MessageState.SUBMISSION: 2}


class _ScriptedServer:
    """Answers FETCH of pieces from a byte string, like a server whose RFC822.SIZE was wrong."""

    def __init__(self, body: bytes | None) -> None:
        self.body = body

    def __call__(self, what, fn, *args, **kwargs):
        if what == "FETCH piece":
            class Client:
                def fetch(inner, uids, items):
                    start, length = map(int, items[0].split("<")[1].rstrip(">").split("."))
                    return {uids[0]: {f"BODY[]<{start}>".encode(): self.body[start:start + length]}}
            return fn(Client())
        if what == "FETCH bodies":
            class Client:
                def fetch(inner, uids, items):
                    return {uid: {b"BODY[]": None} for uid in uids}
            return fn(Client())
        raise AssertionError(what)


def _source(imap_settings_dict) -> ImapSource:
    from reportbox.config import MailboxConfig

    return ImapSource(MailboxConfig.model_validate(imap_settings_dict))


def test_large_message_is_read_past_an_understated_size(imap_settings, monkeypatch):
    source = _source(imap_settings())
    body = b"x" * (2 * CHUNK + 5000)
    monkeypatch.setattr(source, "_call", _ScriptedServer(body))
    assert source._fetch_in_pieces(7, size=2 * CHUNK) == body


@pytest.mark.parametrize("announced", [10])
def test_nil_body_is_kept_as_empty_not_skipped(imap_settings, monkeypatch, announced):
    source = _source(imap_settings())
    monkeypatch.setattr(source, "_ensure_selected", lambda folder: None)
    scripted = _ScriptedServer(None)

    def call(what, fn, *args, **kwargs):
        if what == "FETCH sizes":
            return {5: {b"RFC822.SIZE": announced, b"INTERNALDATE": None}}
        return scripted(what, fn)

    monkeypatch.setattr(source, "_call", call)
    [message] = list(source.fetch("INBOX", ["5"]))
    assert message.data == b"" and message.uid == 5
    with pytest.raises(Exception) as caught:
        parse_message(message.data)
    assert getattr(caught.value, "reason", None) == "empty"
