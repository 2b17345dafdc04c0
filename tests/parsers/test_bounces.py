"""Bounce parsing on bytes alone: the shapes real MTAs send back to the ministry's mailbox."""

from __future__ import annotations

import base64
import logging
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.bounces import Bounce, FailedRecipient, is_bounce_sender, read_bounce
from reportbox import samples

REMINDER_ID = "<reportbox.reminder.42.abc@molisa.gov.vn>"


def _eml(text: str) -> bytes:
    """Test messages are written with \\n; mail travels with CRLF."""
    return text.lstrip("\n").replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


ORIGINAL_HEADERS = f"""\
Return-Path: <phongkh@molisa.gov.vn>
From: =?utf-8?q?Ph=C3=B2ng_K=E1=BA=BF_ho=E1=BA=A1ch_-_T=C3=A0i_ch=C3=ADnh?= <phongkh@molisa.gov.vn>
To: sldtbxh@hanoi.gov.vn
Cc: vanthu@molisa.gov.vn
Subject: =?utf-8?q?Nh=E1=BA=AFc_n=E1=BB=99p_b=C3=A1o_c=C3=A1o_n=C4=83m_2019?=
Date: Mon, 09 Dec 2019 08:00:02 +0700
Message-ID: {REMINDER_ID}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
"""

ORIGINAL_BODY = """\
Kính gửi Sở Lao động - Thương binh và Xã hội,
đề nghị gửi báo cáo trước ngày 15/12/2019 về phongkh@molisa.gov.vn, vanthu@molisa.gov.vn, hoặc bản giấy.
"""

POSTFIX_RFC822 = _eml(f"""
Return-Path: <>
Received: by mail.molisa.gov.vn (Postfix)
	id 4F2A81C0123; Mon,  9 Dec 2019 08:00:04 +0700 (+07)
Date: Mon,  9 Dec 2019 08:00:04 +0700 (+07)
From: MAILER-DAEMON@mail.molisa.gov.vn (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: phongkh@molisa.gov.vn
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4F2A81C0123.1575853204/mail.molisa.gov.vn"
Message-Id: <20191209010004.4F2A81C0124@mail.molisa.gov.vn>

This is a MIME-encapsulated message.

--4F2A81C0123.1575853204/mail.molisa.gov.vn
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.molisa.gov.vn.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<sldtbxh@hanoi.gov.vn>: host mx.hanoi.gov.vn[203.162.0.10] said: 550 5.1.1
    <sldtbxh@hanoi.gov.vn>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4F2A81C0123.1575853204/mail.molisa.gov.vn
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.molisa.gov.vn
X-Postfix-Queue-ID: 4F2A81C0123
X-Postfix-Sender: rfc822; phongkh@molisa.gov.vn
Arrival-Date: Mon,  9 Dec 2019 08:00:02 +0700 (+07)

Final-Recipient: rfc822; sldtbxh@hanoi.gov.vn
Original-Recipient: rfc822;sldtbxh@hanoi.gov.vn
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.hanoi.gov.vn
Diagnostic-Code: smtp; 550 5.1.1 <sldtbxh@hanoi.gov.vn>: Recipient address
    rejected: User unknown in virtual mailbox table

--4F2A81C0123.1575853204/mail.molisa.gov.vn
Content-Description: Undelivered Message
Content-Type: message/rfc822

{ORIGINAL_HEADERS}
{ORIGINAL_BODY}
--4F2A81C0123.1575853204/mail.molisa.gov.vn--
""")

POSTFIX_HEADERS_ONLY = _eml("""
Return-Path: <>
Date: Tue, 10 Dec 2019 08:00:09 +0700 (+07)
From: MAILER-DAEMON@mail.molisa.gov.vn (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: phongkh@molisa.gov.vn
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="9C1D21C0777.1575939609/mail.molisa.gov.vn"

--9C1D21C0777.1575939609/mail.molisa.gov.vn
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.molisa.gov.vn.

                   The mail system

<vanphong@quangninh.gov.vn>: host mail.quangninh.gov.vn[113.160.1.20] said:
    552 5.2.2 <vanphong@quangninh.gov.vn>: Mailbox full (in reply to RCPT TO
    command)

--9C1D21C0777.1575939609/mail.molisa.gov.vn
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.molisa.gov.vn
X-Postfix-Queue-ID: 9C1D21C0777

Final-Recipient: rfc822; vanphong@quangninh.gov.vn
Original-Recipient: rfc822;VanPhong@QuangNinh.gov.vn
Action: failed
Status: 5.2.2
Remote-MTA: dns; mail.quangninh.gov.vn
Diagnostic-Code: smtp; 552 5.2.2 <vanphong@quangninh.gov.vn>: Mailbox full

--9C1D21C0777.1575939609/mail.molisa.gov.vn
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <phongkh@molisa.gov.vn>
From: phongkh@molisa.gov.vn
To: VanPhong@QuangNinh.gov.vn
Subject: =?utf-8?q?Nh=E1=BA=AFc_n=E1=BB=99p_b=C3=A1o_c=C3=A1o?=
Message-ID:
 <reportbox.reminder.43.def@molisa.gov.vn>
Date: Tue, 10 Dec 2019 08:00:02 +0700

--9C1D21C0777.1575939609/mail.molisa.gov.vn--
""")

EXIM = _eml(f"""
Return-path: <>
Envelope-to: phongkh@molisa.gov.vn
Received: from Debian-exim by mx.hanoi.gov.vn with local (Exim 4.92)
	id 1iePl2-0004Xy-Qm
	for phongkh@molisa.gov.vn; Mon, 09 Dec 2019 08:00:05 +0700
X-Failed-Recipients: sldtbxh@hanoi.gov.vn
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mx.hanoi.gov.vn>
To: phongkh@molisa.gov.vn
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1iePl2-0004Xy-Qm@mx.hanoi.gov.vn>
Date: Mon, 09 Dec 2019 08:00:05 +0700

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  sldtbxh@hanoi.gov.vn
    host mail.hanoi.gov.vn [203.162.0.11]
    SMTP error from remote mail server after RCPT TO:<sldtbxh@hanoi.gov.vn>:
    550 5.1.1 <sldtbxh@hanoi.gov.vn>: Recipient address rejected: User unknown

------ This is a copy of the message, including all the headers. ------

{ORIGINAL_HEADERS}
{ORIGINAL_BODY}
""")

OFFICE365 = _eml(f"""
Received: from SG2PR04MB3211.apcprd04.prod.outlook.com ([fe80::1]) by
 SG2PR04MB3211.apcprd04.prod.outlook.com with mapi id 15.20.2516.018;
 Mon, 9 Dec 2019 01:00:07 +0000
MIME-Version: 1.0
From: <postmaster@hanoi.onmicrosoft.com>
To: <phongkh@molisa.gov.vn>
Date: Mon, 9 Dec 2019 01:00:07 +0000
Content-Type: multipart/report; report-type=delivery-status;
	boundary="8c3a2b1e-0d77-4c4a-9f58-2f3b0a6a1d55"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID: <b7d0c3a1-93f5-4c4e-a9a1-5f0e8b0f2c11@SG2PR04MB3211.apcprd04.prod.outlook.com>
In-Reply-To: {REMINDER_ID}
References: {REMINDER_ID}
Subject: Undeliverable: =?utf-8?q?Nh=E1=BA=AFc_n=E1=BB=99p_b=C3=A1o_c=C3=A1o_n=C4=83m_2019?=
Auto-Submitted: auto-replied

--8c3a2b1e-0d77-4c4a-9f58-2f3b0a6a1d55
Content-Type: multipart/alternative; differences=Content-Type;
	boundary="a4c1b7d9-2a11-4d0e-8d43-6b3c1a0e9f21"

--a4c1b7d9-2a11-4d0e-8d43-6b3c1a0e9f21
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Your message to sldtbxh@hanoi.gov.vn couldn't be delivered.
sldtbxh wasn't found at hanoi.gov.vn.

phongkh    Office 365    sldtbxh
Action Required                        Recipient
Unknown To address

Diagnostic information for administrators:

Generating server: SG2PR04MB3211.apcprd04.prod.outlook.com

sldtbxh@hanoi.gov.vn
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipie=
nt not found by SMTP address lookup'

Original message headers:

Received: from SG2PR04MB3211.apcprd04.prod.outlook.com
Message-ID: {REMINDER_ID}
Subject: =3D?utf-8?q?Nh=3DE1=3DBA=3DAFc?=3D

--a4c1b7d9-2a11-4d0e-8d43-6b3c1a0e9f21
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
=3Dutf-8"><style>.x {{ color: #333; }}</style></head><body>
<p style=3D"font-size:16px">Your message to <a href=3D"mailto:sldtbxh@hanoi.gov.vn">sldtbxh@hanoi.gov.vn</a>
 couldn't be delivered.<br>sldtbxh wasn't found at hanoi.gov.vn.</p>
<p><b>Diagnostic information for administrators:</b></p>
<p>Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipie=
nt not found by SMTP address lookup'</p>
<p><b>Original message headers:</b></p>
<pre>Received: from SG2PR04MB3211.apcprd04.prod.outlook.com
Message-ID: &lt;reportbox.reminder.42.abc@molisa.gov.vn&gt;
</pre></body></html>

--a4c1b7d9-2a11-4d0e-8d43-6b3c1a0e9f21--

--8c3a2b1e-0d77-4c4a-9f58-2f3b0a6a1d55
Content-Type: message/delivery-status

Reporting-MTA: dns;SG2PR04MB3211.apcprd04.prod.outlook.com
Received-From-MTA: dns;SG2PR04MB3211.apcprd04.prod.outlook.com
Arrival-Date: Mon, 9 Dec 2019 01:00:05 +0000

Final-Recipient: rfc822;sldtbxh@hanoi.gov.vn
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not
 found by SMTP address lookup
X-Display-Name: sldtbxh@hanoi.gov.vn

--8c3a2b1e-0d77-4c4a-9f58-2f3b0a6a1d55
Content-Type: message/rfc822

{ORIGINAL_HEADERS}
{ORIGINAL_BODY}
--8c3a2b1e-0d77-4c4a-9f58-2f3b0a6a1d55--
""")

GMAIL = _eml("""
Delivered-To: phongkh.molisa@gmail.com
Return-Path: <>
Received: by 2002:a17:90a:1234:: with SMTP id x4csp123456pjb;
        Mon, 9 Dec 2019 00:00:07 -0800 (PST)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: phongkh.molisa@gmail.com
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: <reportbox.reminder.44.ghi@molisa.gov.vn>
In-Reply-To: <reportbox.reminder.44.ghi@molisa.gov.vn>
X-Failed-Recipients: sldtbxh@laocai.gov.vn
Message-ID: <5dee0247.1c69fb81.cd2a3.5b7eGMR@mx.google.com>
Date: Mon, 09 Dec 2019 00:00:07 -0800 (PST)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000c3a1e50599406a7e"; report-type=delivery-status

--000000000000c3a1e50599406a7e
Content-Type: multipart/related; boundary="000000000000c3a1fc0599406a88"

--000000000000c3a1fc0599406a88
Content-Type: multipart/alternative; boundary="000000000000c3a1fd0599406a89"

--000000000000c3a1fd0599406a89
Content-Type: text/plain; charset="UTF-8"


** Address not found **

Your message wasn't delivered to sldtbxh@laocai.gov.vn because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 <sldtbxh@laocai.gov.vn>: Recipient address rejected: User unknown in local recipient table

--000000000000c3a1fd0599406a89
Content-Type: text/html; charset="UTF-8"

<html><body><h1>Address not found</h1><p>Your message wasn't delivered to <a style=3D"color:#212121" href=3D"mailto:sldtbxh@laocai.gov.vn">sldtbxh@laocai.gov.vn</a> because the address couldn't be found.</p><p>The response was:</p><p>550 5.1.1 &lt;sldtbxh@laocai.gov.vn&gt;: Recipient address rejected: User unknown in local recipient table</p></body></html>

--000000000000c3a1fd0599406a89--

--000000000000c3a1fc0599406a88--

--000000000000c3a1e50599406a7e
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; phongkh.molisa@gmail.com
Arrival-Date: Mon, 09 Dec 2019 00:00:05 -0800 (PST)
X-Original-Message-ID: <reportbox.reminder.44.ghi@molisa.gov.vn>

Final-Recipient: rfc822; sldtbxh@laocai.gov.vn
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.laocai.gov.vn. (113.160.2.30, the server for the domain laocai.gov.vn.)
Diagnostic-Code: smtp; 550 5.1.1 <sldtbxh@laocai.gov.vn>: Recipient address rejected: User unknown in local recipient table
Last-Attempt-Date: Mon, 09 Dec 2019 00:00:07 -0800 (PST)

--000000000000c3a1e50599406a7e
Content-Type: text/rfc822-headers

Return-Path: <phongkh.molisa@gmail.com>
From: phongkh.molisa@gmail.com
To: sldtbxh@laocai.gov.vn
Subject: Nhac nop bao cao
Message-ID: <reportbox.reminder.44.ghi@molisa.gov.vn>
Date: Mon, 09 Dec 2019 15:00:02 +0700

--000000000000c3a1e50599406a7e--
""")

GMAIL_LEGACY_TEXT = _eml(f"""
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: phongkh.molisa@gmail.com
Subject: Delivery Status Notification (Failure)
Date: Mon, 09 Dec 2019 00:00:07 -0800 (PST)
Content-Type: text/plain; charset=ISO-8859-1

Delivery to the following recipient failed permanently:

     sldtbxh@hanoi.gov.vn

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient domain hanoi.gov.vn by mx.hanoi.gov.vn. [203.162.0.10].

The error that the other server returned was:
550 5.1.1 <sldtbxh@hanoi.gov.vn>: Recipient address rejected: User unknown

----- Original message -----

{ORIGINAL_HEADERS}
{ORIGINAL_BODY}
""")

QMAIL = _eml(f"""
Return-Path: <>
Received: (qmail 21203 invoked for bounce); 9 Dec 2019 01:00:06 -0000
Date: 9 Dec 2019 01:00:06 -0000
From: MAILER-DAEMON@mail.quangninh.gov.vn
To: phongkh@molisa.gov.vn
Subject: failure notice

Hi. This is the qmail-send program at mail.quangninh.gov.vn.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<vanphong@quangninh.gov.vn>:
113.160.1.20 does not like recipient.
Remote host said: 550 5.1.1 <vanphong@quangninh.gov.vn>: Recipient address rejected: User unknown
Giving up on 113.160.1.20.

--- Below this line is a copy of the message.

{ORIGINAL_HEADERS.replace("To: sldtbxh@hanoi.gov.vn", "To: vanphong@quangninh.gov.vn")}
{ORIGINAL_BODY}
""")

POSTFIX_DELAYED = _eml("""
Return-Path: <>
Date: Wed, 11 Dec 2019 08:00:04 +0700 (+07)
From: MAILER-DAEMON@mail.molisa.gov.vn (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: phongkh@molisa.gov.vn
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="7B11F1C0456.1576026004/mail.molisa.gov.vn"

--7B11F1C0456.1576026004/mail.molisa.gov.vn
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.molisa.gov.vn.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

                   The mail system

<sldtbxh@laocai.gov.vn>: connect to mail.laocai.gov.vn[113.160.2.30]:25:
    Connection timed out

--7B11F1C0456.1576026004/mail.molisa.gov.vn
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.molisa.gov.vn
X-Postfix-Queue-ID: 7B11F1C0456
Arrival-Date: Wed, 11 Dec 2019 04:00:02 +0700 (+07)

Final-Recipient: rfc822; sldtbxh@laocai.gov.vn
Original-Recipient: rfc822;sldtbxh@laocai.gov.vn
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mail.laocai.gov.vn[113.160.2.30]:25:
    Connection timed out
Will-Retry-Until: Mon, 16 Dec 2019 04:00:02 +0700 (+07)

--7B11F1C0456.1576026004/mail.molisa.gov.vn
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: phongkh@molisa.gov.vn
To: sldtbxh@laocai.gov.vn
Message-ID: <reportbox.reminder.45.jkl@molisa.gov.vn>
Subject: Nhac nop bao cao

--7B11F1C0456.1576026004/mail.molisa.gov.vn--
""")

SENDMAIL_TWO_RECIPIENTS = _eml(f"""
Return-Path: <>
Date: Mon, 9 Dec 2019 08:01:00 +0700
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.quangninh.gov.vn>
Message-Id: <201912090101.xB911000012345@mx.quangninh.gov.vn>
To: <phongkh@molisa.gov.vn>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="xB911000012345.1575853260/mx.quangninh.gov.vn"
Subject: Returned mail: see transcript for details
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--xB911000012345.1575853260/mx.quangninh.gov.vn

The original message was received at Mon, 9 Dec 2019 08:00:58 +0700
from mail.molisa.gov.vn [203.162.10.5]

   ----- The following addresses had permanent fatal errors -----
<vanphong@quangninh.gov.vn>
    (reason: 550 5.1.1 <vanphong@quangninh.gov.vn>... User unknown)

--xB911000012345.1575853260/mx.quangninh.gov.vn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.quangninh.gov.vn
Received-From-MTA: DNS; mail.molisa.gov.vn
Arrival-Date: Mon, 9 Dec 2019 08:00:58 +0700

Final-Recipient: RFC822; vanphong@quangninh.gov.vn
Action: failed
Status: 5.1.1
Remote-MTA: DNS; localhost
Diagnostic-Code: SMTP; 550 5.1.1 <vanphong@quangninh.gov.vn>... User unknown
Last-Attempt-Date: Mon, 9 Dec 2019 08:01:00 +0700

Final-Recipient: RFC822; sldtbxh@quangninh.gov.vn
Action: delivered (to mailbox)
Status: 2.0.0
Last-Attempt-Date: Mon, 9 Dec 2019 08:01:00 +0700

--xB911000012345.1575853260/mx.quangninh.gov.vn
Content-Type: message/rfc822

{ORIGINAL_HEADERS.replace("To: sldtbxh@hanoi.gov.vn", "To: vanphong@quangninh.gov.vn, sldtbxh@quangninh.gov.vn")}
{ORIGINAL_BODY}
--xB911000012345.1575853260/mx.quangninh.gov.vn--
""")

EXIM_DELAY_WARNING = _eml(f"""
Return-path: <>
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.molisa.gov.vn>
To: phongkh@molisa.gov.vn
Subject: Warning: message 1iePl2-0004Xy-Qm delayed 24 hours
Content-Type: text/plain; charset=utf-8
Date: Tue, 10 Dec 2019 08:00:05 +0700

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mail.molisa.gov.vn.

The message identifier is:     1iePl2-0004Xy-Qm
The subject of the message is: Nhắc nộp báo cáo năm 2019
The date of the message is:    Mon, 09 Dec 2019 08:00:02 +0700

The address to which the message has not yet been delivered is:

  sldtbxh@laocai.gov.vn
    Delay reason: SMTP error from remote mail server after RCPT TO:<sldtbxh@laocai.gov.vn>:
    451 4.3.0 Temporary lookup failure

No action is required on your part. Delivery attempts will continue for
some time, and this warning may be repeated at intervals if the message
remains undelivered. Eventually the mail delivery software will give up,
and when that happens, the message will be returned to you.

------ This is a copy of the message's headers. ------

{ORIGINAL_HEADERS.replace("To: sldtbxh@hanoi.gov.vn", "To: sldtbxh@laocai.gov.vn")}
""")

LOTUS_NOTES = _eml(f"""
From: Postmaster@laichau.gov.vn
To: phongkh@molisa.gov.vn
Date: Mon, 9 Dec 2019 08:01:00 +0700
Subject: DELIVERY FAILURE: User vanphong (vanphong@laichau.gov.vn) not listed in Domino Directory
In-Reply-To: {REMINDER_ID}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_mixed 0025C6A5472584C2_="

--=_mixed 0025C6A5472584C2_=
Content-Type: text/plain; charset="US-ASCII"

Your message

  Subject: Nhac nop bao cao nam 2019

was not delivered to:

  vanphong@laichau.gov.vn

because:

  User vanphong (vanphong@laichau.gov.vn) not listed in Domino Directory

--=_mixed 0025C6A5472584C2_=
Content-Type: message/rfc822

{ORIGINAL_HEADERS.replace("To: sldtbxh@hanoi.gov.vn", "To: vanphong@laichau.gov.vn")}
{ORIGINAL_BODY}
--=_mixed 0025C6A5472584C2_=--
""")

OUT_OF_OFFICE = _eml(f"""
From: =?utf-8?b?Tmd1eeG7hW4gVsSDbiBBbg==?= <vanphong@quangninh.gov.vn>
To: phongkh@molisa.gov.vn
Subject: =?utf-8?q?Tr=E1=BA=A3_l=E1=BB=9Di_t=E1=BB=B1_=C4=91=E1=BB=99ng=3A_Nh=E1=BA=AFc_n=E1=BB=99p_b=C3=A1o_c=C3=A1o?=
Date: Mon, 9 Dec 2019 08:01:00 +0700
Message-ID: <ooo.1@quangninh.gov.vn>
In-Reply-To: {REMINDER_ID}
References: {REMINDER_ID}
Auto-Submitted: auto-replied
X-Autoreply: yes
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Tôi đang nghỉ phép đến hết ngày 20/12/2019.
Việc gấp xin liên hệ ông Trần Văn Bình, binhtv@quangninh.gov.vn, 0203 3835 123.
""")

EXCHANGE_OUT_OF_OFFICE = _eml(f"""
From: Tran Thi Hoa <hoatt@hanoi.gov.vn>
To: Phong KH <phongkh@molisa.gov.vn>
Subject: Automatic reply: Undeliverable report reminder
Date: Mon, 9 Dec 2019 01:00:07 +0000
Message-ID: <ooo.2@hanoi.gov.vn>
In-Reply-To: {REMINDER_ID}
Auto-Submitted: auto-generated
X-MS-Exchange-Inbox-Rules-Loop: hoatt@hanoi.gov.vn
Content-Type: text/plain; charset=utf-8

I am out of the office until 16/12. For urgent matters contact the office, vanphong@hanoi.gov.vn, or 024 3825 1234.
550 seats are booked for the conference.
""")

READ_RECEIPT = _eml(f"""
From: So LDTBXH Ha Noi <sldtbxh@hanoi.gov.vn>
To: phongkh@molisa.gov.vn
Subject: Read: Nhac nop bao cao nam 2019
Date: Mon, 9 Dec 2019 09:12:00 +0700
Message-ID: <mdn.7@hanoi.gov.vn>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification;
	boundary="----=_NextPart_MDN"

------=_NextPart_MDN
Content-Type: text/plain; charset=utf-8

Your message was displayed on Mon, 9 Dec 2019 09:12:00 +0700.

------=_NextPart_MDN
Content-Type: message/disposition-notification

Reporting-UA: mail.hanoi.gov.vn; Roundcube Webmail
Final-Recipient: rfc822; sldtbxh@hanoi.gov.vn
Original-Message-ID: {REMINDER_ID}
Disposition: manual-action/MDN-sent-manually; displayed

------=_NextPart_MDN--
""")

ORDINARY = _eml("""
From: Van phong So <vanphong@quangninh.gov.vn>
To: phongkh@molisa.gov.vn
Subject: Re: Failure notice of the heating system, sldtbxh@quangninh.gov.vn, etc
Date: Mon, 9 Dec 2019 09:12:00 +0700
Message-ID: <report.1@quangninh.gov.vn>
Content-Type: text/plain; charset=utf-8

Kính gửi Bộ, xin gửi lại báo cáo; liên hệ: anh Hùng, hungnv@quangninh.gov.vn, chị Lan.
Message-ID: <something.else@quangninh.gov.vn>
""")


def _only(bounce: Bounce | None) -> FailedRecipient:
    assert bounce is not None
    [recipient] = bounce.recipients
    return recipient


# --- RFC 3464 reports -----------------------------------------------------------------------------

def test_postfix_with_attached_original():
    bounce = read_bounce(POSTFIX_RFC822)
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert bounce.reporting_mta == "mail.molisa.gov.vn"
    assert bounce.permanent
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@hanoi.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.1"
    assert recipient.diagnostic == (
        "smtp; 550 5.1.1 <sldtbxh@hanoi.gov.vn>: Recipient address rejected: User unknown in virtual mailbox table")


def test_postfix_with_headers_only_and_a_folded_message_id():
    bounce = read_bounce(POSTFIX_HEADERS_ONLY)
    assert bounce.original_message_ids == ("<reportbox.reminder.43.def@molisa.gov.vn>",)
    recipient = _only(bounce)
    # The address we sent to (Original-Recipient), lower-cased.
    assert recipient.address == "vanphong@quangninh.gov.vn"
    assert recipient.permanent and recipient.status == "5.2.2"
    assert "Mailbox full" in recipient.diagnostic


def test_office365_ndr_with_html_part():
    bounce = read_bounce(OFFICE365)
    # Found in the attached original, the quoted headers and In-Reply-To: one id, once.
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert bounce.reporting_mta == "SG2PR04MB3211.apcprd04.prod.outlook.com"
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@hanoi.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.10"
    assert "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup" in recipient.diagnostic


def test_gmail_delivery_status_notification():
    bounce = read_bounce(GMAIL)
    assert bounce.original_message_ids == ("<reportbox.reminder.44.ghi@molisa.gov.vn>",)
    assert bounce.reporting_mta == "googlemail.com"
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@laocai.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.1"
    assert "User unknown in local recipient table" in recipient.diagnostic


def test_delayed_notice_is_temporary():
    bounce = read_bounce(POSTFIX_DELAYED)
    assert bounce.original_message_ids == ("<reportbox.reminder.45.jkl@molisa.gov.vn>",)
    assert not bounce.permanent
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@laocai.gov.vn"
    assert recipient.permanent is False and recipient.status == "4.4.1"
    assert recipient.diagnostic == "X-Postfix; connect to mail.laocai.gov.vn[113.160.2.30]:25: Connection timed out"


def test_two_recipients_only_the_failed_one_counts():
    bounce = read_bounce(SENDMAIL_TWO_RECIPIENTS)
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert bounce.reporting_mta == "mx.quangninh.gov.vn"
    recipient = _only(bounce)
    assert recipient.address == "vanphong@quangninh.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.1"
    assert "User unknown" in recipient.diagnostic


def test_report_of_successful_delivery_only_is_not_a_bounce():
    delivered = (SENDMAIL_TWO_RECIPIENTS
                 .replace(b"Action: failed", b"Action: relayed")
                 .replace(b"Status: 5.1.1", b"Status: 2.0.0"))
    assert read_bounce(delivered) is None


def test_failed_with_a_4xx_status_is_not_permanent():
    expired = POSTFIX_DELAYED.replace(b"Action: delayed", b"Action: failed").replace(b"Status: 4.4.1", b"Status: 4.4.7")
    recipient = _only(read_bounce(expired))
    assert recipient.status == "4.4.7" and recipient.permanent is False


def test_base64_delivery_status_part():
    head, rest = POSTFIX_RFC822.split(b"Content-Type: message/delivery-status\r\n\r\n", 1)
    report, tail = rest.split(b"\r\n--4F2A81C0123", 1)
    encoded = (head + b"Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               + base64.encodebytes(report).replace(b"\n", b"\r\n") + b"\r\n--4F2A81C0123" + tail)
    recipient = _only(read_bounce(encoded))
    assert (recipient.address, recipient.status) == ("sldtbxh@hanoi.gov.vn", "5.1.1")
    assert "User unknown in virtual mailbox table" in recipient.diagnostic


def test_global_delivery_status_and_global_headers():
    """RFC 6533: UTF-8 report and headers parts."""
    raw = (POSTFIX_HEADERS_ONLY
           .replace(b"Content-Type: message/delivery-status", b"Content-Type: message/global-delivery-status")
           .replace(b"Content-Type: text/rfc822-headers", b"Content-Type: message/global-headers")
           .replace(b"rfc822; vanphong@quangninh.gov.vn", "utf-8; văn.phòng@quangninh.gov.vn".encode()))
    bounce = read_bounce(raw)
    assert bounce.original_message_ids == ("<reportbox.reminder.43.def@molisa.gov.vn>",)
    # Original-Recipient (still rfc822) is the address we sent to.
    assert [r.address for r in bounce.recipients] == ["vanphong@quangninh.gov.vn"]
    without_original = raw.replace(b"Original-Recipient: rfc822;VanPhong@QuangNinh.gov.vn\r\n", b"")
    assert [r.address for r in read_bounce(without_original).recipients] == ["văn.phòng@quangninh.gov.vn"]


def test_recipient_fields_with_comments_and_xtext():
    raw = (POSTFIX_RFC822
           .replace(b"Final-Recipient: rfc822; sldtbxh@hanoi.gov.vn",
                    b"Final-Recipient: RFC822; <pho+2Bgd@hanoi.gov.vn> (forwarded)")
           .replace(b"Original-Recipient: rfc822;sldtbxh@hanoi.gov.vn",
                    b"Original-Recipient: rfc822;sl+2Bdtbxh@hanoi.gov.vn"))
    assert _only(read_bounce(raw)).address == "sl+dtbxh@hanoi.gov.vn"
    final_only = raw.replace(b"Original-Recipient: rfc822;sl+2Bdtbxh@hanoi.gov.vn\r\n", b"")
    assert _only(read_bounce(final_only)).address == "pho+2bgd@hanoi.gov.vn"  # Final-Recipient is not xtext


def test_report_missing_its_blank_lines_between_recipients():
    squashed = SENDMAIL_TWO_RECIPIENTS.replace(b"+0700\r\n\r\nFinal-Recipient: RFC822; sldtbxh",
                                               b"+0700\r\nFinal-Recipient: RFC822; sldtbxh")
    assert squashed != SENDMAIL_TWO_RECIPIENTS
    assert [r.address for r in read_bounce(squashed).recipients] == ["vanphong@quangninh.gov.vn"]


# --- the original message damaged or missing ------------------------------------------------------

def test_truncated_original_part_still_gives_its_message_id():
    cut = POSTFIX_RFC822[: POSTFIX_RFC822.index("Kính gửi".encode()) + 12]  # mid-body, no closing boundary
    assert not cut.rstrip().endswith(b"--")
    bounce = read_bounce(cut)
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert _only(bounce).address == "sldtbxh@hanoi.gov.vn"


def test_original_cut_before_its_message_id():
    cut = POSTFIX_RFC822[: POSTFIX_RFC822.index(b"Cc: vanthu@molisa.gov.vn")]
    bounce = read_bounce(cut)
    assert bounce.original_message_ids == ()
    assert _only(bounce).status == "5.1.1"


def test_missing_original_part_falls_back_to_in_reply_to():
    no_original = GMAIL[: GMAIL.index(b"--000000000000c3a1e50599406a7e\r\nContent-Type: text/rfc822-headers")]
    no_original = no_original.replace(b"X-Original-Message-ID: <reportbox.reminder.44.ghi@molisa.gov.vn>\r\n", b"")
    assert read_bounce(no_original).original_message_ids == ("<reportbox.reminder.44.ghi@molisa.gov.vn>",)
    anonymous = (no_original.replace(b"References: <reportbox.reminder.44.ghi@molisa.gov.vn>\r\n", b"")
                 .replace(b"In-Reply-To: <reportbox.reminder.44.ghi@molisa.gov.vn>\r\n", b""))
    bounce = read_bounce(anonymous)
    assert bounce.original_message_ids == ()
    assert _only(bounce).address == "sldtbxh@laocai.gov.vn"


def test_report_whose_delivery_status_is_unreadable_still_is_a_bounce():
    broken = POSTFIX_RFC822.replace(b"Final-Recipient: rfc822; sldtbxh@hanoi.gov.vn\r\n", b"")
    broken = broken.replace(b"Original-Recipient: rfc822;sldtbxh@hanoi.gov.vn\r\n", b"")
    bounce = read_bounce(broken)
    assert bounce.original_message_ids == (REMINDER_ID,)
    # Read from the notification text instead (flufl.bounce's Postfix detector predates "The mail system").
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@hanoi.gov.vn" and recipient.permanent and recipient.status == "5.1.1"


# --- non-standard bounces (flufl.bounce for the addresses) ----------------------------------------

def test_exim_text_bounce():
    bounce = read_bounce(EXIM)
    assert bounce.original_message_ids == (REMINDER_ID,)
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@hanoi.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.1"
    assert "Recipient address rejected: User unknown" in recipient.diagnostic
    assert len(recipient.diagnostic) <= 300 and "\n" not in recipient.diagnostic


def test_qmail_bounce_ignores_addresses_in_the_quoted_original():
    bounce = read_bounce(QMAIL)
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert bounce.reporting_mta == "mail.quangninh.gov.vn"
    recipient = _only(bounce)  # not vanthu@ (Cc of the original) nor phongkh@ (its sender)
    assert recipient.address == "vanphong@quangninh.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.1"
    assert "does not like recipient" in recipient.diagnostic


def test_legacy_gmail_text_bounce():
    bounce = read_bounce(GMAIL_LEGACY_TEXT)
    assert bounce.original_message_ids == (REMINDER_ID,)
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@hanoi.gov.vn"
    assert recipient.permanent and recipient.status == "5.1.1"
    assert recipient.diagnostic.startswith("The error that the other server returned was: 550 5.1.1")


def test_exim_delay_warning_is_temporary_despite_flufl():
    # flufl.bounce files this under permanent (its generic "RCPT TO:<...>" pattern); the 4.3.0 decides.
    bounce = read_bounce(EXIM_DELAY_WARNING)
    assert bounce.original_message_ids == (REMINDER_ID,)
    recipient = _only(bounce)
    assert recipient.address == "sldtbxh@laocai.gov.vn"
    assert recipient.permanent is False and recipient.status == "4.3.0"
    assert "Temporary lookup failure" in recipient.diagnostic


def test_lotus_notes_bounce():
    bounce = read_bounce(LOTUS_NOTES)
    assert bounce.original_message_ids == (REMINDER_ID,)
    recipient = _only(bounce)
    assert recipient.address == "vanphong@laichau.gov.vn"
    assert recipient.permanent and recipient.status is None
    assert "not listed in Domino Directory" in recipient.diagnostic


def test_addresses_in_the_attached_original_are_not_failures():
    """flufl.bounce's catch-all detector would report ", vanthu@molisa.gov.vn," from the original's body."""
    raw = _eml(f"""
From: Mail Delivery System <MAILER-DAEMON@mail.sonla.gov.vn>
To: phongkh@molisa.gov.vn
Subject: Mail System Error - Returned Mail
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

The recipient's mailbox is unavailable. Please try again later.

--b1
Content-Type: message/rfc822

{ORIGINAL_HEADERS}
{ORIGINAL_BODY}
--b1--
""")
    assert read_bounce(raw) == Bounce((REMINDER_ID,), (), None)


def test_base64_text_bounce_is_decoded_before_flufl_reads_it():
    head, body = QMAIL.split(b"\r\n\r\n", 1)
    encoded = (head + b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8"
               b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(body))
    bounce = read_bounce(encoded)
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert [r.address for r in bounce.recipients] == ["vanphong@quangninh.gov.vn"]


def test_bounce_without_a_from_header():
    """flufl.bounce's Yale detector raises on a single-part message with no From, stopping all others."""
    first_part = b'\r\n\r\n--=_mixed 0025C6A5472584C2_=\r\nContent-Type: text/plain; charset="US-ASCII"\r\n\r\n'
    head, body = LOTUS_NOTES.split(first_part, 1)
    head = head.replace(b"From: Postmaster@laichau.gov.vn\r\n", b"").replace(b"multipart/mixed", b"text/plain")
    single_part = head + b"\r\n\r\n" + body.split(b"\r\n--=_mixed")[0]
    bounce = read_bounce(single_part)
    assert [r.address for r in bounce.recipients] == ["vanphong@laichau.gov.vn"]


def test_undecodable_subject_does_not_hide_the_bounce():
    raw = EXIM.replace(b"Subject: Mail delivery failed: returning message to sender",
                       b"Subject: =?\x80tf-8?q?Mail_delivery_failed?=")
    assert _only(read_bounce(raw)).address == "sldtbxh@hanoi.gov.vn"


def test_bounce_without_readable_addresses_is_still_a_bounce():
    raw = _eml("""
From: Mail Delivery System <MAILER-DAEMON@mail.dienbien.gov.vn>
To: phongkh@molisa.gov.vn
Subject: Mail delivery failed
In-Reply-To: <reportbox.reminder.46.mno@molisa.gov.vn>
Content-Type: text/plain

Something went wrong and we cannot tell you what.
""")
    bounce = read_bounce(raw)
    assert bounce == Bounce(("<reportbox.reminder.46.mno@molisa.gov.vn>",), (), None)
    assert not bounce.permanent


# --- not bounces ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [OUT_OF_OFFICE, EXCHANGE_OUT_OF_OFFICE, READ_RECEIPT, ORDINARY],
                         ids=["out-of-office", "exchange-out-of-office", "read-receipt", "ordinary"])
def test_not_bounces(raw):
    assert read_bounce(raw) is None


def test_province_report_is_not_a_bounce():
    assert read_bounce(samples.report_message(samples.PROVINCES[1], attachment="docx")) is None


def test_forwarded_bounce_is_not_our_bounce():
    """A province forwarding a bounce it received is a person writing, not a bounce."""
    assert read_bounce(samples.forwarded(POSTFIX_RFC822, forwarder="vanphong@quangninh.gov.vn")) is None


@pytest.mark.parametrize("raw", [b"", b"\x00\xff" * 500, b"garbage", b"\r\n\r\n", b"From: \xff\xfe\r\n\r\n\xff",
                                 b"Content-Type: multipart/report; report-type=delivery-status\r\n\r\n--"])
def test_garbage_is_not_a_bounce(raw):
    assert read_bounce(raw) is None


# --- size --------------------------------------------------------------------------------------------

def test_huge_bounce_is_read_within_the_cap_and_quickly():
    filler = base64.encodebytes(b"\x50\x4b" * 3_000_000).replace(b"\n", b"\r\n")
    original_attachment = (b"\r\n--XYZ\r\nContent-Type: application/vnd.openxmlformats-officedocument."
                           b"wordprocessingml.document\r\nContent-Transfer-Encoding: base64\r\n\r\n" + filler)
    huge = POSTFIX_RFC822.replace(
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        b"Content-Type: multipart/mixed; boundary=XYZ\r\n") + original_attachment
    assert len(huge) > 5_000_000
    started = time.perf_counter()
    bounce = read_bounce(huge)
    assert time.perf_counter() - started < 5
    assert bounce.original_message_ids == (REMINDER_ID,)
    assert _only(bounce).address == "sldtbxh@hanoi.gov.vn"


def test_huge_text_bounce_diagnostic_stays_short():
    long_reason = "Remote host said: 550 5.7.1 " + "rejected by policy " * 400
    said = b"Remote host said: 550 5.1.1 <vanphong@quangninh.gov.vn>: Recipient address rejected: User unknown"
    raw = QMAIL.replace(said, long_reason.encode())
    recipient = _only(read_bounce(raw))
    assert recipient.status == "5.7.1"
    assert len(recipient.diagnostic) <= 300 and "\n" not in recipient.diagnostic


# --- the sender helper -------------------------------------------------------------------------------

@pytest.mark.parametrize("sender, expected", [
    ("MAILER-DAEMON@mail.molisa.gov.vn (Mail Delivery System)", True),
    ("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", True),
    ("<postmaster@hanoi.onmicrosoft.com>", True),
    ("Mail Delivery System <bounces@mx.hanoi.gov.vn>", True),
    ("MAILER-DAEMON", True),
    ("So LDTBXH Ha Noi <sldtbxh@hanoi.gov.vn>", False),
    ("daemon.tools@quangninh.gov.vn", False),
    ("", False),
    (None, False),
])
def test_is_bounce_sender(sender, expected):
    assert is_bounce_sender(sender) is expected


# --- never raises ------------------------------------------------------------------------------------

SAMPLES = [POSTFIX_RFC822, POSTFIX_HEADERS_ONLY, EXIM, OFFICE365, GMAIL, GMAIL_LEGACY_TEXT, QMAIL,
           POSTFIX_DELAYED, SENDMAIL_TWO_RECIPIENTS, EXIM_DELAY_WARNING, LOTUS_NOTES, OUT_OF_OFFICE, READ_RECEIPT]


def _well_formed(bounce: Bounce | None) -> None:
    if bounce is None:
        return
    assert all(m.startswith("<") and m.endswith(">") for m in bounce.original_message_ids)
    for recipient in bounce.recipients:
        assert recipient.address == recipient.address.lower() and "@" in recipient.address
        assert recipient.diagnostic is None or (len(recipient.diagnostic) <= 300 and "\n" not in recipient.diagnostic)
        assert recipient.status is None or recipient.status[0] in "245"


class _ErrorLog(logging.Handler):
    """read_bounce returns None when something inside raised: the properties demand it never does."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _read_quietly(raw: bytes) -> Bounce | None:
    handler = _ErrorLog()
    logger = logging.getLogger("reportbox.bounces")
    logger.addHandler(handler)
    try:
        bounce = read_bounce(raw)
    finally:
        logger.removeHandler(handler)
    assert handler.messages == []
    return bounce


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_raise(raw):
    _well_formed(_read_quietly(raw))


@st.composite
def _mutated_sample(draw):
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["cut", "overwrite", "insert", "delete"]))
        chunk = draw(st.binary(min_size=1, max_size=40))
        if action == "cut":
            del raw[position:]
        elif action == "overwrite":
            raw[position:position + len(chunk)] = chunk
        elif action == "insert":
            raw[position:position] = chunk
        else:
            del raw[position:position + len(chunk)]
    return bytes(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated_sample())
def test_mutated_bounces_never_raise(raw):
    _well_formed(_read_quietly(raw))


def test_every_sample_bounce_is_read_and_every_non_bounce_is_not():
    """Guards the property tests above from passing on a parser that returns None for everything."""
    results = [read_bounce(raw) for raw in SAMPLES]
    assert [r is not None for r in results] == [True] * 11 + [False, False]
