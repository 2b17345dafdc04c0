"""Skimming base64 bodies must leave the parsed tree exactly as the stdlib builds it."""

from __future__ import annotations

import base64
import email
import random
from email.message import Message
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.skim import cut_base64_bodies, restore_base64_bodies
from reportbox import samples

CORPUS = Path(__file__).resolve().parents[1] / "data" / "real-mime"
QUANG_NINH = samples.PROVINCES[1]


def _shape(message: Message) -> list:
    """Everything the parser decided: headers, payload text, preamble, epilogue, defects, per part."""
    return [(part.items(), part.get_payload() if not part.is_multipart() else None,
             part.preamble, part.epilogue, sorted(type(d).__name__ for d in part.defects))
            for part in message.walk()]


def _skimmed(raw: bytes, min_cut: int = 1) -> tuple[Message, int]:
    skeleton, bodies = cut_base64_bodies(raw, min_cut=min_cut)
    message = email.message_from_bytes(skeleton)
    assert restore_base64_bodies(message, bodies)
    return message, len(bodies)


def _assert_same_tree(raw: bytes, min_cut: int = 1) -> int:
    skimmed, cuts = _skimmed(raw, min_cut)
    assert _shape(skimmed) == _shape(email.message_from_bytes(raw))
    return cuts


def _multipart(parts: list[tuple[str, bytes]], newline: bytes = b"\r\n", boundary: str = "b1") -> bytes:
    lines = [b"From: a@b.vn", b"Subject: x", b"MIME-Version: 1.0",
             f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode(), b"", b"preamble"]
    for headers, body in parts:
        lines += [f"--{boundary}".encode(), *headers.encode().split(b"\n"), b"", body]
    lines += [f"--{boundary}--".encode(), b"epilogue", b""]
    return newline.join(lines)


def _b64(data: bytes, newline: bytes = b"\r\n") -> bytes:
    return base64.encodebytes(data).rstrip(b"\n").replace(b"\n", newline)


def test_real_corpus_parses_to_the_same_tree():
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) > 10, f"corpus not found at {CORPUS}"
    cuts = sum(_assert_same_tree(path.read_bytes()) for path in files)
    assert cuts > 0  # the corpus does exercise the cut


@pytest.mark.parametrize("shape", ["docx", "pdf", "inline-pdf", "nameless-pdf"])
@pytest.mark.parametrize("html_only", [False, True])
def test_sample_reports_parse_to_the_same_tree(shape, html_only):
    raw = samples.report_message(QUANG_NINH, attachment=shape, padding=50_000, html_only=html_only)
    assert _assert_same_tree(raw) >= 1
    assert _assert_same_tree(samples.forwarded(raw)) >= 1


def test_large_attachment_is_cut_and_comes_back_whole():
    data = random.Random(3).randbytes(300_000)
    raw = _multipart([("Content-Type: text/plain", b"hello"),
                      ("Content-Type: application/pdf\nContent-Transfer-Encoding: base64", _b64(data))])
    skeleton, bodies = cut_base64_bodies(raw)
    assert len(bodies) == 1 and len(skeleton) < 1000
    message, _ = _skimmed(raw)
    assert message.get_payload()[1].get_payload(decode=True) == data


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
def test_small_bodies_are_left_to_the_parser(newline):
    raw = _multipart([("Content-Type: application/pdf\nContent-Transfer-Encoding: base64",
                       _b64(b"x" * 1000, newline))], newline)
    assert cut_base64_bodies(raw) == (raw, [])


@pytest.mark.parametrize("headers, body, why", [
    ("Content-Type: application/pdf\nContent-Transfer-Encoding: base64", b"QUJD-" * 5000, "a dash"),
    ("Content-Type: application/pdf\nContent-Transfer-Encoding: base64", b"QUJD: " * 5000, "a colon"),
    ("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64", b"QUJD" * 5000, "a container"),
    ("Content-Type: application/pdf\nContent-Transfer-Encoding: quoted-printable", b"QUJD" * 5000, "not base64"),
])
def test_bodies_that_may_carry_structure_are_not_cut(headers, body, why):
    raw = _multipart([(headers, body)])
    assert cut_base64_bodies(raw, min_cut=1) == (raw, []), why


def test_a_body_without_a_closing_boundary_is_not_cut():
    raw = b"From: a@b.vn\r\nContent-Transfer-Encoding: base64\r\n\r\n" + _b64(bytes(100_000))
    assert cut_base64_bodies(raw) == (raw, [])


def test_a_message_holding_the_placeholder_is_parsed_whole():
    body = _b64(bytes(100_000)) + b"\r\nRBXSKIM7q0z"
    raw = _multipart([("Content-Type: application/pdf\nContent-Transfer-Encoding: base64", body)])
    assert cut_base64_bodies(raw) == (raw, [])


def test_a_lost_placeholder_is_reported():
    raw = _multipart([("Content-Type: application/pdf\nContent-Transfer-Encoding: base64", _b64(bytes(90_000)))])
    skeleton, bodies = cut_base64_bodies(raw)
    message = email.message_from_bytes(skeleton.replace(b"RBXSKIM7q0z", b"gone"))
    assert not restore_base64_bodies(message, bodies)


_leaf_headers = st.sampled_from([
    "Content-Type: application/pdf\nContent-Transfer-Encoding: base64",
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
    "Content-Type: application/octet-stream; name=x.bin\nContent-Transfer-Encoding: BASE64",
    "Content-Type: multipart/mixed; boundary=b1\nContent-Transfer-Encoding: base64",
    "Content-Type: message/rfc822",
    "Content-Transfer-Encoding: base64",
    "",
])
_bodies = st.one_of(
    st.binary(max_size=3000).map(_b64),
    st.binary(max_size=3000).map(lambda b: _b64(b, b"\n")),
    st.lists(st.sampled_from([b"QUJD", b"--b1", b"--b1--", b"", b"a: b", b"\r", b"--", b"RBX"]),
             max_size=30).map(b"\r\n".join),
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(_leaf_headers, _bodies), max_size=5),
       newline=st.sampled_from([b"\r\n", b"\n"]), truncate=st.integers(min_value=0, max_value=400))
def test_any_message_parses_to_the_same_tree(parts, newline, truncate):
    raw = _multipart(parts, newline)
    _assert_same_tree(raw)
    _assert_same_tree(raw[:len(raw) - truncate])  # cut short anywhere, even inside a body
