"""Dashboard benchmark: time to first byte of its pages for a campaign of the 63 provinces, through
a real HTTP server, signed in, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.web [--requests 50] [--warmup 5] [--no-postgres]

Fills the campaign as bench.status does (three submissions per province, the last a corrected
resend), then adds what the pages read besides: every message's headers and attachment, the
documents of every version with their text, receipts and reminders sent, and a few reports waiting
in review. Serves the dashboard with uvicorn in a thread on a free loopback port, signs in through
/login (CSRF token from the form) and times each page over one kept-alive connection: from sending
the request until the status line and headers are read (the first byte; the pages are rendered
whole before anything is sent). Prints median, p95 and max of --requests after --warmup, the median
CPU time of this process per request (steadier than wall time on a busy machine; PostgreSQL's own work
is not in it), and the page's size. Target (issue): the campaign page under 100 ms on SQLite.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import socket
import statistics
import sys
import threading
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn  # noqa: E402
from sqlalchemy import insert, select, update  # noqa: E402

from bench.engines import engines, work_dir  # noqa: E402
from bench.status import DEADLINE, OUTLINE, fill  # noqa: E402
from jobs.mail.compose import Templates  # noqa: E402
from jobs.mail.letters import outbox_row  # noqa: E402
from models import users  # noqa: E402
from models.schema import (Attachment, Document, ParsedMessage, RawMessage, Section,  # noqa: E402
                           Submission)
from parsers.registry import Registry, builtin  # noqa: E402
from reportbox.app import open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402
from web.app import create_app  # noqa: E402

CAMPAIGN = "tk2019"
USER, PASSWORD = "bench", "bench-password-1"
MAILBOX = "phongkh@molisa.gov.vn"
IN_REVIEW = 6  # reports naming no province, waiting for a reviewer
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARAGRAPH = ("Năm 2019, Sở Lao động - Thương binh và Xã hội đã tham mưu cho Ủy ban nhân dân tỉnh "
             "ban hành kế hoạch thực hiện các chỉ tiêu về giảm nghèo, giải quyết việc làm và giáo dục "
             "nghề nghiệp, đạt và vượt kế hoạch. ")


def section_blocks(index: int, key: str) -> list[dict]:
    """One outline section as a parsed .docx stores it: a heading, eight paragraphs, and a table for results."""
    blocks = [{"kind": "heading", "text": f"{index + 1}. {key}", "level": 1, "bold": True}]
    blocks += [{"kind": "paragraph", "text": PARAGRAPH * 2, "style": "Normal"} for _ in range(8)]
    if key == "results":
        rows = [["TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện"]]
        rows += [[str(n), f"Chỉ tiêu {n}", "người", f"{1000 * n}", f"{1050 * n}"] for n in range(1, 13)]
        blocks.append({"kind": "table", "text": "", "rows": rows})
    return blocks


def section_content(blocks: list[dict]) -> dict:
    """A section row's text and tables, as models.documents derives them from its blocks."""
    return {"text": "\n".join(block["text"] for block in blocks[1:] if block["kind"] != "table"),
            "tables": [block["rows"] for block in blocks if block["kind"] == "table"]}


def enrich(app, campaign_id: str, registry: Registry) -> None:
    """What fill leaves out and the pages read, in the shape ingestion stores it."""
    names = {unit.code: unit.full_name for unit in registry.units}
    blocks = {key: section_blocks(index, key) for index, key in enumerate(OUTLINE)}
    with app.sessions.begin() as session:
        rows = session.execute(select(Submission.id, Submission.raw_message_id, Submission.unit, Submission.sections,
                                      RawMessage.received_at)
                               .join(RawMessage, RawMessage.id == Submission.raw_message_id)
                               .where(Submission.campaign == campaign_id).order_by(RawMessage.id)).all()
        messages = [(raw_id, f"sldtbxh{unit}@tinh{unit}.gov.vn", f"Sở LĐTBXH {names[unit]}",
                     f"Báo cáo đánh giá tình hình thực hiện năm 2019 - {names[unit]}", received)
                    for _, raw_id, unit, _, received in rows]
        # Reports naming no province: the review queue.
        start = session.scalar(select(RawMessage.id).order_by(RawMessage.id.desc()).limit(1))
        doubtful = [(start + n + 1, f"vanthu{n}@gmail.com", "Văn thư", "Báo cáo năm 2019",
                     DEADLINE - timedelta(days=1, hours=n)) for n in range(IN_REVIEW)]
        session.execute(insert(RawMessage), [
            dict(id=raw_id, sha256=hashlib.sha256(f"review-{raw_id}".encode()).hexdigest(), size=90_000,
                 received_at=received, received_source="internaldate", state="submission")
            for raw_id, _, _, _, received in doubtful])
        session.execute(insert(ParsedMessage), [
            dict(raw_message_id=raw_id, from_address=address, from_name=name, to=[MAILBOX], cc=[], reply_to=[],
                 subject=subject, date_header=received, references=[], auth_results={}, body_text=PARAGRAPH * 3,
                 body_source="plain", defects=[])
            for raw_id, address, name, subject, received in messages + doubtful])
        session.execute(insert(Attachment), [
            dict(raw_message_id=raw_id, position=0, filename="bao-cao-2019.docx", original_filename="Báo cáo 2019.docx",
                 declared_type=DOCX, sniffed_type=DOCX, kind="docx", size=85_000, sha256="1" * 64,
                 disposition="attachment", forwarded_depth=0)
            for raw_id, *_ in messages + doubtful])
        session.execute(insert(Submission), [
            dict(raw_message_id=raw_id, state="needs_review", confidence=0.3, sections=OUTLINE, sender=address,
                 evidence=["no province named in the subject", "letterhead unreadable"], sender_check="none",
                 candidates=[{"unit": unit.code, "registry": registry.name, "score": 0.3 - 0.1 * k}
                             for k, unit in enumerate(registry.units[n:n + 3])],
                 created_at=received, updated_at=received)
            for n, (raw_id, address, _, _, received) in enumerate(doubtful)])
        # fill gave only the latest version a document, without its text: every message has one, in full.
        session.execute(update(Document).values(blocks=[b for key in OUTLINE for b in blocks[key]]))
        for key in OUTLINE:
            session.execute(update(Section).where(Section.key == key).values(**section_content(blocks[key])))
        earlier = [(raw_id, sections) for _, raw_id, _, sections, _ in rows if sections != OUTLINE]
        earlier += [(raw_id, OUTLINE) for raw_id, *_ in doubtful]
        documents = session.execute(insert(Document).returning(Document.id, Document.raw_message_id), [
            dict(raw_message_id=raw_id, position=0, attachment_position=0, path="bao-cao-2019.docx", kind="docx",
                 size=85_000, sha256="1" * 64, notes=[], signatures=[], parts=[],
                 blocks=[b for key in sections for b in blocks[key]]) for raw_id, sections in earlier]).all()
        keys = dict(earlier)
        session.execute(insert(Section), [
            dict(document_id=document_id, position=index, part=0, key=key, heading=f"{OUTLINE.index(key) + 1}. {key}",
                 confidence=0.9, **section_content(blocks[key]))
            for document_id, raw_id in documents for index, key in enumerate(keys[raw_id])])
        # A receipt for every message, a reminder to everyone three days before, two more to the late.
        draft = Templates().render("reminder_after.j2", mail_variables(registry))
        firsts = {}
        for submission_id, raw_id, unit, _, received in rows:
            firsts.setdefault(unit, received)
            sent(session, app.config, draft, "receipt", campaign_id, unit, f"message-{raw_id}", received,
                 submission_id)
        for unit in registry.units:
            steps = [("before-3", DEADLINE - timedelta(days=3))]
            if firsts[unit.code] > DEADLINE:
                steps += [("after-1", DEADLINE + timedelta(days=1)), ("after-3", DEADLINE + timedelta(days=3))]
            for step, at in steps:
                sent(session, app.config, draft, "reminder", campaign_id, unit.code, step, at)
        users.add_user(session, USER, "reviewer", PASSWORD, "Người đo hiệu năng")


def mail_variables(registry: Registry) -> dict:
    unit = registry.units[0]
    return {"unit": {"code": unit.code, "name": unit.name, "full_name": unit.full_name},
            "campaign": {"letter": "5025/LĐTBXH-KHTC", "title": "Báo cáo năm 2019", "issued": DEADLINE},
            "deadline": DEADLINE, "extended": False, "as_of": DEADLINE, "days_left": 0, "days_overdue": 1,
            "sections": ["Kết quả"], "escalated": False, "cc": [], "mailbox": MAILBOX, "addressee": "Sở",
            "contact": "", "signature": "Phòng KH-TC"}


def sent(session, config, draft, kind: str, campaign_id: str, unit: str, step: str, at, submission_id=None) -> None:
    row = outbox_row(config, draft, kind=kind, campaign=campaign_id, unit=unit, step=step,
                     to=(f"sldtbxh{unit}@tinh{unit}.gov.vn",), cc=(), replying_to=[], auto_submitted="auto-replied",
                     as_of=at, now=at, submission_id=submission_id)
    row.state, row.attempts, row.sent_at, row.reply = "sent", 1, at + timedelta(minutes=2), "250 2.0.0 Ok"
    session.add(row)


class Server:
    """The dashboard under uvicorn in a thread, on a loopback port the system chose."""

    def __init__(self, asgi) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(asgi, log_config=None, access_log=False, server_header=False,
                                                    proxy_headers=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


class Browser:
    """One kept-alive connection with its cookies, as a signed-in planner's browser."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, float, bytes]:
        """Status, seconds to the first byte, body."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()  # returns once the status line and headers are read
        first_byte = time.perf_counter() - started
        content = response.read()
        for header in response.headers.get_all("set-cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, first_byte, content

    def sign_in(self, user: str, password: str) -> None:
        status, _, form = self.request("GET", "/login")
        token = re.search(rb'name="csrftoken" value="([^"]+)"', form)
        assert status == 200 and token, "no sign-in form"
        status, _, _ = self.request("POST", "/login", urlencode(
            {"username": user, "password": password, "csrftoken": token.group(1).decode(), "next": "/campaigns"}))
        assert status == 303, f"sign-in refused ({status})"


def pages(registry: Registry) -> list[str]:
    late = next(u.code for i, u in enumerate(registry.units) if i % 7 == 0)  # three versions, late, reminded
    return [f"/campaigns/{CAMPAIGN}", "/campaigns", f"/campaigns/{CAMPAIGN}/units/{late}",
            f"/campaigns/{CAMPAIGN}/sections/{OUTLINE[0]}", f"/api/campaigns/{CAMPAIGN}/status", "/review"]


def time_page(browser: Browser, path: str, requests: int, warmup: int) -> tuple[list[float], list[float], int]:
    """Seconds to the first byte and CPU seconds of this process (server and client) per request, and the size."""
    samples, cpu, size = [], [], 0
    for index in range(warmup + requests):
        started = time.process_time()
        status, seconds, body = browser.request("GET", path)
        assert status == 200, f"{path}: {status} {body[:200]!r}"
        if index >= warmup:
            samples.append(seconds)
            cpu.append(time.process_time() - started)
            size = len(body)
    return samples, cpu, size


def measure(engine: str, url: str, work: Path, requests: int, warmup: int) -> None:
    config = config_from_dict({"database": {"url": url}, "storage": {"raw_dir": str(work / "raw")},
                               "smtp": {"host": "127.0.0.1", "port": 2525, "security": "none",
                                        "from": f"Phòng Kế hoạch - Tài chính <{MAILBOX}>"}},
                              work / "reportbox.toml")
    registry = builtin("vn63")
    app = open_app(config)
    fill(app, CAMPAIGN, registry)
    enrich(app, CAMPAIGN, registry)
    asgi = create_app(config, app=app)
    try:
        with Server(asgi) as server:
            browser = Browser(server.port)
            browser.sign_in(USER, PASSWORD)
            for path in pages(registry):
                samples, cpu, size = time_page(browser, path, requests, warmup)
                ms = sorted(s * 1000 for s in samples)
                p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
                print(f"{engine:10} {path:36} {statistics.median(ms):8.1f} {p95:8.1f} {ms[-1]:8.1f} "
                      f"{statistics.median(cpu) * 1000:8.1f} {size / 1024:8.1f}", flush=True)
            browser.connection.close()
    finally:
        asgi.dashboard.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    # CPU: this process's CPU time per request (median), the server's work whatever else the machine runs.
    print(f"TTFB in ms over {args.requests} requests after {args.warmup} warm-up, 63 units (vn63), signed in; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'engine':10} {'page':36} {'median':>8} {'p95':>8} {'max':>8} {'CPU':>8} {'size KB':>8}")
    with work_dir("reportbox-bench-web-") as work:
        for engine, url, folder in engines(work, postgres=not args.no_postgres):
            measure(engine, url, folder, args.requests, args.warmup)


if __name__ == "__main__":
    main()
