"""`reportbox demo`: a sample Maildir of provinces' replies, ingested into SQLite, then a summary."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from jobs.poll import poll
from models import messages as q
from reportbox import samples
from reportbox.app import make_source, open_app
from reportbox.config import load_config
from reportbox.timefmt import local_short

MARKER = ".reportbox-demo"
CONFIG = """\
# Written by `reportbox demo`: a Maildir source, a local SQLite database and the 2019 campaign.
[database]
url = "sqlite:///reportbox.db"

[storage]
raw_dir = "raw"

[[mailbox]]
name = "demo"
kind = "maildir"
path = "maildir"

[[campaign]]
id = "tk2019"
letter = "5025/LĐTBXH-KHTC"
title = "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020"
report_year = 2019
plan_year = 2020
issued = 2019-11-25
deadline = 2019-12-15
registry = "vn63"
"""


def build_maildir(root: Path) -> int:
    """Write the sample messages into a Maildir, each file's time set to its receipt time."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    deadline = datetime(2019, 12, 15, 23, 59, tzinfo=samples.VIETNAM_TZ)
    shapes = ["docx", "pdf", "docx", "inline-pdf", "docx", "nameless-pdf", "pdf", "docx", "docx", "pdf"]
    messages: list[tuple[bytes, datetime]] = []
    for index, (province, shape) in enumerate(zip(samples.PROVINCES, shapes)):
        received = deadline - timedelta(days=8 - index, hours=index)  # the last two arrive late
        raw = samples.report_message(province, sent=received - timedelta(minutes=3), attachment=shape,
                                     html_only=index == 4)
        messages.append((raw, received))
    first = messages[0][0]
    messages.append((samples.forwarded(messages[1][0]), deadline - timedelta(days=2)))
    messages.append((b"\x00\x01\x02 this is not an e-mail \xff\xfe", deadline - timedelta(days=1)))
    # The same report delivered twice by a mail relay: other bytes, same Message-ID.
    messages.append((b"X-Relayed: again\r\n" + first, deadline - timedelta(days=7)))
    for number, (raw, received) in enumerate(messages, 1):
        path = root / "cur" / f"{int(received.timestamp())}.demo{number:03d}.reportbox:2,S"
        path.write_bytes(raw)
        os.utime(path, (received.timestamp(), received.timestamp()))
    return len(messages)


def run_demo(directory: Path, echo: Callable[[str], None] = print) -> None:
    started = time.monotonic()
    if directory.exists():
        if not (directory / MARKER).exists():
            raise SystemExit(f"{directory} exists and was not made by `reportbox demo`; choose --dir")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / MARKER).write_text("made by reportbox demo\n")
    count = build_maildir(directory / "maildir")
    (directory / "reportbox.toml").write_text(CONFIG, encoding="utf-8")

    app = open_app(load_config(directory / "reportbox.toml"))
    try:
        sources = [make_source(m) for m in app.config.mailbox]
        report = poll(app, sources)
        with app.sessions() as session:
            rows = q.list_messages(session)
            counts = q.state_counts(session)
    finally:
        app.close()

    echo(f"Sample mailbox: {count} messages in {directory / 'maildir'}")
    echo(f"Fetched {report.fetched.new} new, {report.fetched.duplicates} duplicate(s); "
         f"parsed {report.processed.parsed}, failed {report.processed.failed}.")
    echo("")
    echo(f"{'id':>3}  {'received (ICT)':16}  {'state':10}  {'files':>5}  subject / reason")
    for raw in rows:
        parsed = raw.parsed
        files = len(parsed.attachments) if parsed else 0
        what = parsed.subject if parsed else f"({raw.reason}: {raw.detail})"
        echo(f"{raw.id:>3}  {local_short(raw.received_at):16}  {raw.state:10}  {files:>5}  {what[:70]}")
    echo("")
    echo("By state: " + ", ".join(f"{state} {n}" for state, n in sorted(counts.items())))
    echo(f"Database: {directory / 'reportbox.db'}   (try: reportbox --config "
         f"{directory / 'reportbox.toml'} messages | submissions)")
    echo(f"Done in {time.monotonic() - started:.1f} s.")
