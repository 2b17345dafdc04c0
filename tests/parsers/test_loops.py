"""The loop guard in front of receipts (RFC 3834)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.loops import why_not_answer

OWN = {"phongkh@molisa.gov.vn"}
BASE = (b"From: =?utf-8?b?U+G7nyBMxJBUQlhI?= <sldtbxh@quangninh.gov.vn>\r\nTo: phongkh@molisa.gov.vn\r\n"
        b"Subject: Bao cao\r\nMessage-ID: <a@b>\r\n")


def answer(extra: bytes = b"", *, base: bytes = BASE, replies_to_us: bool = False) -> str | None:
    return why_not_answer(base + extra + b"\r\nbody\r\nAuto-Submitted: auto-replied\r\n", own_addresses=OWN,
                          replies_to_us=replies_to_us)


def test_an_ordinary_report_may_be_answered():
    assert answer() is None  # and a header-like line in the body does not count
    assert answer(b"Auto-Submitted: no\r\n") is None
    assert answer(b"Precedence: normal\r\n") is None


@pytest.mark.parametrize(("extra", "expected"), [
    (b"Auto-Submitted: auto-replied\r\n", "Auto-Submitted: auto-replied"),
    (b"Auto-Submitted: Auto-Generated\r\n", "Auto-Submitted: auto-generated"),
    (b"Precedence: bulk\r\n", "Precedence: bulk"),
    (b"Precedence: junk\r\n", "Precedence: junk"),
    (b"X-Autoreply: yes\r\n", "automatic reply (x-autoreply)"),
    (b"X-Autorespond: 1\r\n", "automatic reply (x-autorespond)"),
    (b"List-Id: <tinh.example.gov.vn>\r\n", "mail from a list (list-id)"),
    (b"Return-Path: <>\r\n", "null sender"),
])
def test_robots_lists_and_null_senders_are_not_answered(extra, expected):
    assert expected in answer(extra)


@pytest.mark.parametrize(("sender", "expected"), [
    (b"MAILER-DAEMON@mx.hanoi.gov.vn", "daemon"),
    (b"postmaster@quangninh.gov.vn", "daemon"),
    (b"no-reply@dichvucong.gov.vn", "daemon"),
    (b"PhongKH@molisa.gov.vn", "our own address"),
])
def test_daemons_and_ourselves_are_not_answered(sender, expected):
    base = b"From: " + sender + b"\r\nSubject: x\r\n"
    assert expected in answer(base=base)


def test_replies_to_our_mail_and_senderless_mail_are_not_answered():
    assert answer(replies_to_us=True) == "a reply to our own mail"
    assert answer(base=b"Subject: x\r\n") == "no sender address"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_any_bytes(data):
    result = why_not_answer(data, own_addresses=OWN, replies_to_us=False)
    assert result is None or isinstance(result, str)
