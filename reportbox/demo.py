"""`reportbox demo`: a realistic sample mailbox for campaign tk2019, ingested into SQLite, then its status.

The Maildir holds what the ministry's mailbox received after letter 5025/LĐTBXH-KHTC (issued
25/11/2019, deadline 15/12/2019, the 63 provinces of vn63): reports from 55 provinces, most on time
and 6 late, 8 provinces missing, in the shapes provinces really send — .docx with and without a
covering letter and in three heading styles, text PDFs, a .zip, a report split over two e-mails, a
supplement, a corrected report sent again after the deadline, reports lacking a section, two from
personal webmail — plus one report that names no province (to review) and the mail that is no
report at all: an out-of-office reply, a reply without attachment, a relay's duplicate and a file
that is not an e-mail.

`PLAN` is the mailbox as data, one `Mail` per message, so a test can work out what the status
must say. Each file's time, and the top `Received:` header, is the receipt time.
"""

from __future__ import annotations

import io
import json
import os
import random
import shlex
import shutil
import subprocess
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jobs.poll import PollReport, poll
from models import messages as q
from models.status import CampaignStatus, campaign_status, status_json
from parsers.registry import Unit, builtin
from reportbox.app import make_source, open_app
from reportbox.config import load_config
from reportbox.sample_documents import docx_to_pdf, report_docx
from reportbox.samples import MINISTRY, VIETNAM_TZ
from reportbox.timefmt import deadline_instant

MARKER = ".reportbox-demo"
CAMPAIGN = "tk2019"
LETTER = "5025/LĐTBXH-KHTC"
YEAR = 2019
DEADLINE = deadline_instant(date(2019, 12, 15))
AS_OF = deadline_instant(date(2019, 12, 20))  # the status shown: end of Friday after the deadline


def demo_config(comment: str, campaign: dict[str, str | int | date | list[str]]) -> str:
    """A demo's reportbox.toml: its Maildir, a local SQLite database and one campaign (`campaign`'s keys)."""
    values = "".join(f"{key} = {value if isinstance(value, (int, date)) else json.dumps(value, ensure_ascii=False)}\n"
                     for key, value in campaign.items())
    return (f"# {comment}\n[database]\nurl = \"sqlite:///reportbox.db\"\n\n[storage]\nraw_dir = \"raw\"\n\n"
            f"[[mailbox]]\nname = \"demo\"\nkind = \"maildir\"\npath = \"maildir\"\n\n[[campaign]]\n{values}")


CONFIG = demo_config(
    "Written by `reportbox demo`: a Maildir source, a local SQLite database and the 2019 campaign.",
    {"id": CAMPAIGN, "letter": LETTER, "title": "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
     "report_year": YEAR, "plan_year": YEAR + 1, "issued": date(2019, 11, 25), "deadline": date(2019, 12, 15),
     "registry": "vn63"})

UNITS = builtin("vn63").units
ALL_SECTIONS = (0, 1, 2, 3, 4)  # indexes into sample_documents.HEADINGS: results … proposals
# Reports: what a province sends, counted for it.
REPORT_KINDS = ("docx", "pdf", "zip", "gmail", "part1", "part2", "supplement", "resend")
# The rest: a report naming no province (review), and mail that is no report.
OTHER_KINDS = ("nameless", "auto-reply", "reply", "duplicate", "not-mail")


@dataclass(frozen=True)
class Mail:
    """One message of the sample mailbox."""

    kind: str  # REPORT_KINDS or OTHER_KINDS
    received: datetime  # by the ministry's server (Vietnam time)
    unit: str | None = None  # the province it comes from, as its documents say
    sections: tuple[int, ...] = ALL_SECTIONS  # outline sections in its report
    covering_letter: bool = False
    style: str = "roman"  # sample_documents.STYLES

    @property
    def is_report(self) -> bool:
        """Counted for `unit` in the campaign's status."""
        return self.kind in REPORT_KINDS and self.unit is not None


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(YEAR, 12, day, hour, minute, tzinfo=VIETNAM_TZ)


# Provinces that send nothing by 20/12 (the nameless report may be one of them: a planner decides).
MISSING = ("02", "12", "35", "45", "58", "67", "84", "95")
# The mail that tells a story; every other province sends one on-time report (_ordinary).
SPECIAL = (
    Mail("docx", _at(12, 9, 14), "22", covering_letter=True),  # Quảng Ninh, as in the README
    Mail("pdf", _at(10, 15, 2), "01", covering_letter=True),
    Mail("pdf", _at(13, 10, 47), "48", style="parts"),
    Mail("pdf", _at(15, 16, 20), "66"),
    Mail("zip", _at(11, 8, 5), "38"),
    Mail("part1", _at(13, 16, 31), "40", sections=(0, 1, 2), style="parts"),
    Mail("part2", _at(13, 16, 44), "40", sections=(3, 4), style="parts"),
    Mail("docx", _at(9, 14, 12), "30", sections=(0, 1, 2, 3)),
    Mail("supplement", _at(11, 10, 3), "30", sections=(4,)),
    Mail("docx", _at(12, 15, 55), "92", style="word"),
    Mail("resend", _at(17, 8, 49), "92", style="word"),  # corrected figures: a new version, still on time
    Mail("gmail", _at(14, 21, 36), "10"),
    Mail("gmail", _at(13, 11, 8), "64", covering_letter=True),
    Mail("docx", _at(11, 16, 40), "14", sections=(0, 1, 2, 3)),  # no proposals
    Mail("docx", _at(10, 9, 25), "56", sections=(0, 2, 3, 4), style="word"),  # no policies
    Mail("docx", _at(15, 23, 58), "79", covering_letter=True),  # two minutes to spare
    # Late: after 23:59:59 on 15/12.
    Mail("docx", _at(16, 0, 7), "93"),
    Mail("docx", _at(16, 10, 12), "11", covering_letter=True),
    Mail("docx", _at(17, 14, 30), "17", style="parts"),
    Mail("docx", _at(18, 9, 2), "62", sections=(0, 1, 2, 4)),  # late and without the plan
    Mail("docx", _at(19, 15, 45), "51"),
    Mail("zip", _at(20, 16, 58), "86"),
    # Not counted for any province.
    Mail("nameless", _at(14, 22, 10)),
    Mail("auto-reply", datetime(YEAR, 11, 25, 16, 3, tzinfo=VIETNAM_TZ), "72"),
    Mail("reply", _at(3, 8, 41), "35"),  # "will send on time", then never does
    Mail("duplicate", _at(12, 9, 16), "22"),  # Quảng Ninh's report again, through another relay
    Mail("not-mail", _at(14, 7, 0)),
)


def plan_of(special: Sequence, missing: Sequence[str], units: Sequence[Unit], working_days: Sequence[datetime],
            ordinary: Callable[[Unit, int, datetime], object], seed: int) -> tuple:
    """The mailbox in order of receipt: the mail that tells a story, and one `ordinary(unit, number, received)`
    on-time report from each unit neither in it nor missing, on a working day, more of them near the deadline."""
    taken = {m.unit for m in special if m.is_report} | set(missing)
    rng = random.Random(seed)
    rest = []
    for number, unit in enumerate(u for u in units if u.code not in taken):
        day = working_days[-1 - min(int(rng.expovariate(1 / 3)), len(working_days) - 1)]
        rest.append(ordinary(unit, number, day.replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59))))
    return tuple(sorted((*special, *rest), key=lambda m: m.received))


PLAN = plan_of(SPECIAL, MISSING, UNITS, [_at(day, 0, 0) for day in range(2, 14) if date(YEAR, 12, day).weekday() < 5],
               lambda unit, number, received: Mail("docx", received, unit.code, covering_letter=number % 4 == 1,
                                                   style=("roman", "roman", "parts", "word")[number % 4]), seed=5025)


# --- Building the messages -------------------------------------------------------------------------
def _unit(code: str) -> Unit:
    return next(unit for unit in UNITS if unit.code == code)


def _slug(unit: Unit) -> str:
    return unit.domains[0].split(".")[0]


def issuer_of(unit: Unit) -> str:
    level = "THÀNH PHỐ" if unit.full_name.startswith("Thành phố") else "TỈNH"
    return f"UBND {level} {unit.name.upper()}"


def department_address(unit: Unit) -> tuple[str, str]:
    """(display name, address) of the provincial department: one mailbox each, under the province's domain."""
    local = ("sldtbxh", "khtc.sldtbxh", "vanphong.sldtbxh", "vanthu.sldtbxh")[int(unit.code) % 4]
    return f"Sở LĐTBXH {unit.name}", f"{local}@{unit.domains[0]}"


def _report(mail: Mail, seed: int) -> bytes:
    unit = _unit(mail.unit)
    return report_docx(unit.name, YEAR, 1, seed=seed, covering_letter=mail.covering_letter,
                       headings=None if mail.sections == ALL_SECTIONS else mail.sections,
                       issuer=issuer_of(unit), style=mail.style)


def _email(sender: tuple[str, str], subject: str, body: str, received: datetime,
           files: Sequence[tuple[str, bytes]] = (), *, headers: dict[str, str] | None = None,
           to: str = f"Vụ Kế hoạch - Tài chính <{MINISTRY}>", server: str = "mx.molisa.gov.vn") -> bytes:
    """A message as the ministry's `server` stored it: its Received header says when it arrived."""
    display, address = sender
    domain = address.split("@", 1)[1]
    message = EmailMessage()
    message["Received"] = (f"from mail.{domain} (mail.{domain} [203.162.{received.day}.{received.minute + 10}]) "
                           f"by {server} (Postfix) with ESMTPS; {format_datetime(received)}")
    message["From"] = f"{display} <{address}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(received - timedelta(minutes=2))
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, data in files:
        maintype, subtype = _content_type(filename)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes(policy=policy.SMTP)


def _content_type(filename: str) -> tuple[str, str]:
    if filename.endswith(".pdf"):
        return "application", "pdf"
    if filename.endswith(".zip"):
        return "application", "zip"
    return "application", "vnd.openxmlformats-officedocument.wordprocessingml.document"


def _department(unit: Unit) -> str:
    """"Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh" ("… thành phố Hà Nội")."""
    return f"Sở Lao động - Thương binh và Xã hội {unit.full_name[0].lower()}{unit.full_name[1:]}"


def cover_note(ministry: str, letter: str, issued: date, department: str, year: int) -> str:
    """The e-mail's text sending a report: the request it answers, who sends it."""
    return (f"Kính gửi: Vụ Kế hoạch - Tài chính, {ministry}.\n\n"
            f"Thực hiện Công văn số {letter} ngày {issued:%d/%m/%Y} của Bộ, {department} gửi báo cáo "
            f"đánh giá tình hình thực hiện năm {year}, nhiệm vụ, giải pháp năm {year + 1} (file đính kèm)."
            "\n\nTrân trọng.\nVăn phòng Sở")


def _cover_note(unit: Unit) -> str:
    return cover_note("Bộ Lao động - Thương binh và Xã hội", LETTER, date(YEAR, 11, 25), _department(unit), YEAR)


SUBJECTS = (
    "Báo cáo kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y1} - Sở LĐTBXH {name}",
    "V/v gửi báo cáo theo Công văn số 5025/LĐTBXH-KHTC - {name}",
    "Sở LĐTBXH {name} gửi báo cáo đánh giá năm {y}",
    "BC đánh giá tình hình thực hiện năm {y}, nhiệm vụ năm {y1} ({name})",
)
FILENAMES = ("Báo cáo năm {y} - {name}.docx", "BC {y} Sở LĐTBXH {name}.docx", "BC_KQ{y}_KH{y1}_{slug}.docx",
             "{number}-BC-SLĐTBXH.docx")


def _subject(unit: Unit, number: int) -> str:
    return SUBJECTS[number % len(SUBJECTS)].format(y=YEAR, y1=YEAR + 1, name=unit.name)


def _filename(unit: Unit, number: int) -> str:
    return FILENAMES[number % len(FILENAMES)].format(y=YEAR, y1=YEAR + 1, name=unit.name, slug=_slug(unit),
                                                     number=200 + number * 7)


def _message(mail: Mail, number: int, pdfs: dict[int, bytes], first_of: dict[str, bytes]) -> bytes:
    """The raw bytes of one planned message (`pdfs`: converted reports by plan index)."""
    if mail.kind == "not-mail":
        return b"\x00\x01\x02 this is not an e-mail \xff\xfe"
    if mail.kind == "nameless":
        data = report_docx("", YEAR, 1, seed=number, letterhead=False)
        return _email(("Hùng Trần", "tranhung.1985@gmail.com"), "Gửi báo cáo",
                      "Em gửi báo cáo, anh chị nhận giúp em ạ.\n\nSent from my iPhone", mail.received,
                      [("BC 2019.docx", data)])
    unit = _unit(mail.unit)
    sender = department_address(unit)
    if mail.kind == "duplicate":  # other bytes, same Message-ID: stored once
        return b"X-Relayed: mx2.molisa.gov.vn\r\n" + first_of[mail.unit]
    if mail.kind == "auto-reply":
        return _email(sender, f"Trả lời tự động: Công văn số {LETTER} về việc báo cáo năm {YEAR}",
                      "Tôi đang đi công tác đến hết ngày 29/11/2019. Việc gấp xin liên hệ Văn phòng Sở.",
                      mail.received, headers={"Auto-Submitted": "auto-replied"})
    if mail.kind == "reply":
        return _email(sender, f"Re: Công văn số {LETTER}",
                      f"{_department(unit)} đã nhận được Công văn số "
                      f"{LETTER}. Sở sẽ gửi báo cáo trước ngày 15/12/{YEAR}.\n\nTrân trọng.", mail.received)
    data = _report(mail, number)
    filename = _filename(unit, number)
    subject, body = _subject(unit, number), _cover_note(unit)
    if mail.kind == "pdf" and number in pdfs:
        data, filename = pdfs[number], filename.removesuffix(".docx") + ".pdf"
    elif mail.kind == "zip":
        data, filename = _zipped(filename, data), filename.removesuffix(".docx") + ".zip"
    elif mail.kind == "gmail":
        sender = (f"Chuyên viên Sở LĐTBXH {unit.name}", f"ldtbxh.{_slug(unit)}@gmail.com")
        body = "Hộp thư công vụ của Sở đang lỗi, em gửi tạm báo cáo qua địa chỉ cá nhân ạ.\n\n" + body
    elif mail.kind in ("part1", "part2"):
        part = "1" if mail.kind == "part1" else "2"
        subject = f"Báo cáo năm {YEAR} - Sở LĐTBXH {unit.name} (phần {part}/2)"
        filename = f"BC nam {YEAR} - phan {part}.docx"
    elif mail.kind == "supplement":
        subject = f"Bổ sung báo cáo năm {YEAR} - Sở LĐTBXH {unit.name} (phần kiến nghị, đề xuất)"
        filename = f"BC bo sung kien nghi {YEAR}.docx"
        body = (f"Sở xin gửi bổ sung phần kiến nghị, đề xuất còn thiếu trong báo cáo đã gửi ngày "
                f"{_first_report(mail.unit):%d/%m}.\n\nTrân trọng.")
    elif mail.kind == "resend":
        subject = f"Gửi lại báo cáo năm {YEAR} (đã điều chỉnh số liệu) - Sở LĐTBXH {unit.name}"
        filename = f"BC {YEAR} {unit.name} - dieu chinh.docx"
        body = ("Sở gửi lại báo cáo đã điều chỉnh số liệu giải quyết việc làm; đề nghị Vụ sử dụng báo cáo "
                f"này thay cho báo cáo đã gửi ngày {_first_report(mail.unit):%d/%m}.\n\nTrân trọng.")
    return _email(sender, subject, body, mail.received, [(filename, data)])


def _first_report(code: str) -> datetime:
    return min(m.received for m in PLAN if m.is_report and m.unit == code)


def _zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def to_pdfs(wanted: dict[int, bytes]) -> dict[int, bytes]:
    """.docx files by plan index, converted in one LibreOffice run; none without LibreOffice (they go as .docx)."""
    if not wanted:
        return {}
    try:
        converted = docx_to_pdf({f"{number}.docx": data for number, data in wanted.items()}, timeout=120)
    except (RuntimeError, OSError, subprocess.SubprocessError):  # no LibreOffice, or it failed
        return {}
    return {int(name.removesuffix(".docx")): data for name, data in converted.items()}


def write_maildir(root: Path, messages: Sequence[tuple[datetime, bytes]]) -> None:
    """Write (receipt time, raw bytes) into a Maildir, in order, each file's time its receipt time."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for number, (received, raw) in enumerate(messages, 1):
        stamp = received.timestamp()
        path = root / "cur" / f"{int(stamp)}.demo{number:03d}.reportbox:2,S"
        path.write_bytes(raw)
        os.utime(path, (stamp, stamp))


def build_maildir(root: Path, plan: tuple[Mail, ...] = PLAN) -> tuple[int, int]:
    """Write the planned messages into a Maildir: (messages, PDFs)."""
    pdfs = to_pdfs({number: _report(mail, number) for number, mail in enumerate(plan) if mail.kind == "pdf"})
    first_of: dict[str, bytes] = {}
    messages = []
    for number, mail in enumerate(plan):
        raw = _message(mail, number, pdfs, first_of)
        if mail.is_report and mail.unit not in first_of:
            first_of[mail.unit] = raw
        messages.append((mail.received, raw))
    write_maildir(root, messages)
    return len(plan), len(pdfs)


# --- Running it (shared with the other demo campaigns) ---------------------------------------------
@dataclass(frozen=True)
class Ingested:
    """What polling the demo's Maildir gave: the poll's report, messages by (state, reason), the status."""

    poll: PollReport
    reasons: Counter
    status: CampaignStatus
    data: dict


def fresh_directory(directory: Path) -> None:
    """An empty `directory` for a demo: one an earlier demo made is rebuilt; any other is refused."""
    if directory.exists():
        if not (directory / MARKER).exists():
            raise SystemExit(f"{directory} exists and was not made by `reportbox demo`; choose --dir")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / MARKER).write_text("made by reportbox demo\n")


def ingest(config: Path, campaign: str, as_of: datetime) -> Ingested:
    """Poll the configuration's mailboxes into its database; the campaign's status at `as_of`."""
    app = open_app(load_config(config))
    try:
        report = poll(app, [make_source(m) for m in app.config.mailbox])
        with app.sessions() as session:
            reasons = Counter((raw.state, raw.reason) for raw in q.list_messages(session))
            result = campaign_status(session, campaign, as_of=as_of)
            return Ingested(report, reasons, result, status_json(result))
    finally:
        app.close()


def print_outcome(done: Ingested, config: Path, campaign: str, started: float,
                  echo: Callable[[str], None]) -> None:
    """The poll's counts, the status table as `reportbox status` prints it, and the commands to try next."""
    from reportbox.cli.campaigns import _status_table

    echo(f"Fetched {done.poll.fetched.new} new, {done.poll.fetched.duplicates} duplicate(s); "
         f"parsed {done.poll.processed.parsed}, failed {done.poll.processed.failed}.")
    echo("Messages by state: " + ", ".join(
        f"{state} {n}" + (f" ({reason})" if reason else "") for (state, reason), n in sorted(
            done.reasons.items(), key=lambda item: (-item[1], item[0][0], item[0][1] or ""))))
    echo("")
    _status_table(done.status, done.data, None)  # to the terminal, as `reportbox status` prints it
    echo("")
    where = f"reportbox --config {shlex.quote(str(config))}"  # to be pasted as printed: a folder may have spaces
    echo("Next:")
    echo(f"  {where} status --campaign {campaign} --format xlsx --out status.xlsx   # this table, for Excel")
    echo(f"  {where} export sections --campaign {campaign} --out tonghop.docx   # every province's sections")
    echo(f"  {where} review list   # what a person must decide")
    echo(f"  {where} submissions --campaign {campaign}   # every submission, with its evidence")
    echo(f"  {where} user add lan --role reviewer && {where} serve   # the dashboard, http://127.0.0.1:8000/")
    echo(f"Done in {time.monotonic() - started:.1f} s.")


def run(directory: Path, config_text: str, campaign: str, as_of: datetime, build: Callable[[Path], str],
        echo: Callable[[str], None]) -> None:
    """Build a demo in `directory` (`build` writes the Maildir and says what it holds), ingest it, print
    the outcome."""
    started = time.monotonic()
    fresh_directory(directory)
    headline = build(directory / "maildir")
    config = directory / "reportbox.toml"
    config.write_text(config_text, encoding="utf-8")
    done = ingest(config, campaign, as_of)
    echo(headline)
    print_outcome(done, config, campaign, started, echo)


def _headline(maildir: Path) -> str:
    count, pdfs = build_maildir(maildir)
    provinces = len({m.unit for m in PLAN if m.is_report})
    planned_pdfs = sum(m.kind == "pdf" for m in PLAN)
    return (f"Sample mailbox: {count} messages in {maildir} — replies to letter {LETTER} "
            f"from {provinces} of {len(UNITS)} provinces"
            + (f" ({pdfs} as PDF)" if pdfs == planned_pdfs else " (no LibreOffice: the PDFs went as .docx)"))


def run_demo(directory: Path, echo: Callable[[str], None] = print) -> None:
    run(directory, CONFIG, CAMPAIGN, AS_OF, _headline, echo)
