"""Reminder benchmark: planning and composing for the 63 provinces, a real run through a local
SMTP server, and the outbox's delivery rate, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.remind [--messages 1000] [--repeats 5] [--no-postgres]

Every province has a contact address; none has reported, so all 63 are owed the after-1 step.
Prints the median of --repeats dry runs (plan + render 63 e-mails), the time of one real run
(queue 63 and deliver them to aiosmtpd on loopback, no rate limit), and the time to deliver
--messages queued e-mails over one connection. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engines import engines, work_dir  # noqa: E402
from jobs.mail.compose import Templates  # noqa: E402
from jobs.mail.letters import outbox_row  # noqa: E402
from jobs.outbox import deliver  # noqa: E402
from jobs.reminders.run import remind  # noqa: E402
from models import outbox  # noqa: E402
from models.schema import utcnow  # noqa: E402
from parsers.registry import builtin  # noqa: E402
from reportbox.app import open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402

VN = timezone(timedelta(hours=7))
AS_OF = datetime(2019, 12, 16, 8, 30, tzinfo=VN)
CAMPAIGN = {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "title": "Đánh giá tình hình thực hiện năm 2019",
            "report_year": 2019, "plan_year": 2020, "issued": "2019-11-25", "deadline": "2019-12-15",
            "registry": "vn63", "message_ids": ["<5025@molisa.gov.vn>"]}


def open_bench_app(url: str, work: Path, smtp) -> object:
    contacts = work / "contacts.csv"
    contacts.write_text("unit,email\n" + "".join(f"{u.code},sldtbxh{u.code}@tinh{u.code}.gov.vn\n"
                                                  for u in builtin("vn63").units), encoding="utf-8")
    config = config_from_dict({
        "database": {"url": url}, "storage": {"raw_dir": str(work / "raw")},
        "registry": {"contacts": str(contacts)}, "campaign": [CAMPAIGN],
        "smtp": {"host": smtp.host, "port": smtp.port, "security": "none", "max_per_minute": 10 ** 9,
                 "from": "Phòng Kế hoạch - Tài chính <phongkh@molisa.gov.vn>"},
    }, work / "reportbox.toml")
    return open_app(config)


def measure(engine: str, url: str, work: Path, smtp, messages: int, repeats: int) -> None:
    app = open_bench_app(url, work, smtp)
    try:
        dry = []
        for _ in range(repeats):
            started = time.perf_counter()
            run = remind(app, "tk2019", as_of=AS_OF, dry_run=True)
            dry.append(time.perf_counter() - started)
        assert len(run.drafts) == 63
        started = time.perf_counter()
        run = remind(app, "tk2019", as_of=AS_OF)
        real = time.perf_counter() - started
        assert len(run.delivery.sent) == 63, run.delivery.summary()
        print(f"{engine:10} dry run, 63 units (plan + render):      {statistics.median(dry) * 1000:8.1f} ms")
        print(f"{engine:10} real run, 63 units (queue + deliver):   {real * 1000:8.1f} ms")
        queue_many(app, messages)
        started = time.perf_counter()
        delivery = deliver(app)
        elapsed = time.perf_counter() - started
        assert len(delivery.sent) == messages, delivery.summary()
        print(f"{engine:10} deliver {messages} queued e-mails:           {elapsed:8.2f} s "
              f"({messages / elapsed:.0f} messages/s)")
    finally:
        app.close()


def queue_many(app, count: int) -> None:
    templates = Templates()
    variables = {"unit": {"code": "01", "name": "Hà Nội", "full_name": "Thành phố Hà Nội"},
                 "campaign": {"letter": "5025/LĐTBXH-KHTC", "title": "Báo cáo", "issued": AS_OF},
                 "deadline": AS_OF, "extended": False, "as_of": AS_OF, "days_left": 0, "days_overdue": 1,
                 "sections": ["Kết quả"], "escalated": False, "cc": [], "mailbox": "phongkh@molisa.gov.vn",
                 "addressee": "Sở", "contact": "", "signature": "Phòng KH-TC"}
    draft = templates.render("reminder_after.j2", variables)
    with app.sessions() as session:
        for index in range(count):
            row = outbox_row(app.config, draft, kind="reminder", campaign="tk2019",
                             unit="01", step=f"bench-{index}", to=("sldtbxh@hanoi.gov.vn",), cc=(), replying_to=[],
                             auto_submitted="auto-generated", as_of=AS_OF, now=utcnow())
            outbox.add(session, row)
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    from tests.servers.smtp import SmtpServer

    with work_dir("reportbox-bench-remind-") as work:
        smtp = SmtpServer(work / "smtp")
        smtp.start()
        try:
            for engine, url, folder in engines(work, postgres=not args.no_postgres):
                measure(engine, url, folder, smtp, args.messages, args.repeats)
        finally:
            smtp.stop()

if __name__ == "__main__":
    main()
