"""Message parsing on bytes alone: the shapes provinces really send."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from parsers.headers import parse_authentication_results, peek_headers
from parsers.message import parse_message
from reportbox import samples
from reportbox.errors import MessageError

QUANG_NINH = samples.PROVINCES[1]


def _mime(headers: str, body: str) -> bytes:
    return (headers.strip("\n").replace("\n", "\r\n") + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


def test_vietnamese_report_with_docx():
    parsed = parse_message(samples.report_message(QUANG_NINH, attachment="docx"))
    assert parsed.subject == "Báo cáo đánh giá tình hình thực hiện năm 2019 - Sở LĐTBXH Quảng Ninh"
    assert parsed.sender.address == "vanphong.sldtbxh@quangninh.gov.vn"
    assert parsed.sender.name == "Sở LĐTBXH Quảng Ninh"
    assert parsed.to[0].address == samples.MINISTRY
    assert parsed.body_source == "plain" and "Quảng Ninh" in parsed.body_text
    [attachment] = parsed.attachments
    assert attachment.filename == "Báo cáo năm 2019 - Quảng Ninh.docx"
    assert attachment.kind == "docx"
    assert attachment.forwarded_depth == 0
    assert attachment.data.startswith(b"PK")


@pytest.mark.parametrize("shape", ["pdf", "inline-pdf", "nameless-pdf"])
def test_pdfs_count_however_they_are_attached(shape):
    parsed = parse_message(samples.report_message(QUANG_NINH, attachment=shape))
    [attachment] = parsed.attachments
    assert attachment.kind == "pdf"
    assert attachment.sniffed_type == "application/pdf"
    if shape == "nameless-pdf":
        assert attachment.filename == "attachment-1.pdf"
        assert attachment.original_filename is None


def test_forwarded_report_is_unpacked():
    inner = samples.report_message(QUANG_NINH, attachment="pdf")
    parsed = parse_message(samples.forwarded(inner))
    assert parsed.subject.startswith("Fwd: Báo cáo")
    [attachment] = parsed.attachments
    assert attachment.kind == "pdf"
    assert attachment.forwarded_depth == 1
    assert attachment.filename.endswith("Quảng Ninh.pdf")
    assert "Quảng Ninh" in parsed.body_text  # the forwarded text is read too


def test_html_only_body_becomes_text():
    parsed = parse_message(samples.report_message(QUANG_NINH, html_only=True))
    assert parsed.body_source == "html"
    assert "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh" in parsed.body_text
    assert "<p>" not in parsed.body_text


def test_encoded_words_and_rfc2231_names():
    raw = _mime(
        """From: =?utf-8?B?U+G7nyBMxJBUQlhIIMSQ4bqvayBM4bqvaw==?= <sldtbxh@daklak.gov.vn>
To: phongkh@molisa.gov.vn
Subject: =?utf-8?Q?B=C3=A1o_c=C3=A1o_n=C4=83m_2019?=
Date: Tue, 10 Dec 2019 09:30:00 +0700
Message-ID: <abc@daklak.gov.vn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=B

--B
Content-Type: text/plain; charset=utf-8

xin gửi
--B
Content-Type: application/pdf; name="=?utf-8?B?QsOhbyBjw6FvLnBkZg==?="
Content-Disposition: attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o%20%C4%90%E1%BA%AFk%20L%E1%BA%AFk.pdf
Content-Transfer-Encoding: base64
""",
        base64.b64encode(samples.minimal_pdf()).decode() + "\n--B\n"
        "Content-Type: application/pdf; name=\"=?utf-8?B?QsOhbyBjw6FvLnBkZg==?=\"\n"
        "Content-Transfer-Encoding: base64\n\n" + base64.b64encode(samples.minimal_pdf()).decode() + "\n--B--\n",
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Báo cáo năm 2019"
    assert parsed.sender.name == "Sở LĐTBXH Đắk Lắk"
    assert [a.filename for a in parsed.attachments] == ["Báo cáo Đắk Lắk.pdf", "Báo cáo.pdf"]
    assert parsed.date_header == datetime(2019, 12, 10, 2, 30, tzinfo=timezone.utc)
    assert parsed.message_id == "<abc@daklak.gov.vn>"


def test_raw_8bit_cp1258_filename_is_recovered():
    name = "Báo cáo.doc".encode("cp1258")
    raw = (b"From: a@b.gov.vn\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
           b"--B\r\nContent-Type: application/msword\r\nContent-Disposition: attachment; filename=\"" + name +
           b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64) +
           b"\r\n--B--\r\n")
    [attachment] = parse_message(raw).attachments
    assert attachment.original_filename == "Báo cáo.doc"
    assert attachment.kind == "doc"


def test_declared_type_is_not_trusted():
    """A PDF declared as octet-stream and named .txt is still a PDF."""
    raw = _mime(
        """From: a@b.gov.vn
Subject: x
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=B

--B
Content-Type: application/octet-stream; name=baocao.txt
Content-Transfer-Encoding: base64
""",
        base64.b64encode(samples.minimal_pdf()).decode() + "\n--B--\n",
    )
    [attachment] = parse_message(raw).attachments
    assert (attachment.kind, attachment.declared_type) == ("pdf", "application/octet-stream")


def test_authentication_results_and_threading_headers():
    raw = _mime(
        """Authentication-Results: mx.molisa.gov.vn; spf=pass smtp.mailfrom=quangninh.gov.vn;
 dkim=fail header.d=quangninh.gov.vn; dmarc=fail (p=none) header.from=quangninh.gov.vn
Authentication-Results: spoofed.example; spf=pass
Received: from mx (mx [10.0.0.1]) by mx.molisa.gov.vn; Thu, 12 Dec 2019 09:14:03 +0700
From: a@quangninh.gov.vn
Subject: Re: Cong van 5025
In-Reply-To: <letter-5025@molisa.gov.vn>
References: <x@y> <letter-5025@molisa.gov.vn>
Auto-Submitted: auto-replied
Date: not a date at all
""",
        "ok\n",
    )
    parsed = parse_message(raw)
    assert parsed.auth_results[0] == {
        "authserv_id": "mx.molisa.gov.vn", "spf": "pass", "dkim": "fail", "dmarc": "fail",
        "results": [{"method": "spf", "result": "pass", "smtp.mailfrom": "quangninh.gov.vn"},
                    {"method": "dkim", "result": "fail", "header.d": "quangninh.gov.vn"},
                    {"method": "dmarc", "result": "fail", "header.from": "quangninh.gov.vn"}],
    }  # fmt: skip
    assert parsed.auth_results[1]["authserv_id"] == "spoofed.example"
    assert parsed.in_reply_to == "<letter-5025@molisa.gov.vn>"
    assert parsed.references == ("<x@y>", "<letter-5025@molisa.gov.vn>")
    assert parsed.auto_submitted == "auto-replied"
    assert parsed.date_header is None
    assert parsed.top_received_at == datetime(2019, 12, 12, 2, 14, 3, tzinfo=timezone.utc)


def test_authentication_results_read_every_verdict_but_not_comments():
    gmail = parse_authentication_results(
        "mx.google.com; arc=pass (i=1 spf=pass spf.mailfrom=evil.example dkim=pass dkdomain=evil.example);\r\n"
        " dkim=pass header.i=@QuangNinh.gov.vn header.s=s1; dkim=fail header.d=other.example;"
        " spf=fail (google.com: domain of x@evil.example does not designate 1.2.3.4) smtp.mailfrom=x@evil.example;"
        ' dmarc=fail (p=REJECT sp=NONE dis=NONE) header.from=quangninh.gov.vn; x-note=pass reason="a (b); c"'
    )
    assert (gmail["arc"], gmail["spf"], gmail["dkim"], gmail["dmarc"]) == ("pass", "fail", "pass", "fail")
    assert [(v["method"], v["result"]) for v in gmail["results"]] == [
        ("arc", "pass"), ("dkim", "pass"), ("dkim", "fail"), ("spf", "fail"), ("dmarc", "fail"), ("x-note", "pass")]
    assert gmail["results"][1]["header.i"] == "@QuangNinh.gov.vn" and gmail["results"][2]["header.d"] == "other.example"
    assert gmail["results"][-1]["reason"] == "a (b); c"  # quoted: neither a comment nor a new verdict
    unseparated = parse_authentication_results("mx 1; spf=fail smtp.mailfrom=a.vn dkim=pass header.d=a.vn")
    assert unseparated["results"] == [{"method": "spf", "result": "fail", "smtp.mailfrom": "a.vn"},
                                      {"method": "dkim", "result": "pass", "header.d": "a.vn"}]
    assert parse_authentication_results("mx.example.gov.vn; none") == {"authserv_id": "mx.example.gov.vn", "results": []}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"", "empty"), (b"   \r\n", "empty"), (b"\x00\x01\x02 garbage \xff\xfe", "not_an_email"),
     (b"just some text\nwithout any header\n", "not_an_email")],
)
def test_what_is_not_a_message_fails_with_a_reason(raw, reason):
    with pytest.raises(MessageError) as caught:
        parse_message(raw)
    assert caught.value.reason == reason


def test_deeply_nested_multipart_fails_cleanly():
    depth = 2000
    head = "".join(f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n" for i in range(depth))
    raw = ("From: a@b\r\nSubject: nest\r\nMIME-Version: 1.0\r\n" + head + "Content-Type: text/plain\r\n\r\nx").encode()
    try:
        parsed = parse_message(raw)
    except MessageError as exc:
        assert exc.reason == "mime_error"
    else:
        assert parsed.subject == "nest"


def test_peek_reads_only_headers():
    raw = samples.report_message(QUANG_NINH, message_id="<id-1@quangninh.gov.vn>")
    raw = b"Received: from x by mx.molisa.gov.vn; Tue, 10 Dec 2019 09:31:00 +0700\r\n" + raw
    peek = peek_headers(raw)
    assert peek.message_id == "<id-1@quangninh.gov.vn>"
    assert peek.top_received_at == datetime(2019, 12, 10, 2, 31, tzinfo=timezone.utc)


def test_an_encoded_word_with_an_impossible_charset_is_kept_not_fatal():
    raw = (b"From: a@b.vn\r\nTo: c@d.vn\r\nSubject: =?\x80tf-8?q?abc?= Bao cao\r\n"
           b"Message-ID: <x@y>\r\n\r\nbody\r\n")
    parsed = parse_message(raw)
    assert "abc" in parsed.subject and parsed.subject.endswith("Bao cao")
