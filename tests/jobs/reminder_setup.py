"""Shared set-up for the reminder and receipt tests: an app whose [smtp] points at a real test
server, a contacts file, the tk2019 campaign and a way to record submissions."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from models.schema import RawMessage, Submission, SubmissionState
from models.versions import resolve_versions
from reportbox.app import open_app
from reportbox.config import config_from_dict

VN = timezone(timedelta(hours=7))
REQUEST_ID = "<5025-ldtbxh-khtc@molisa.gov.vn>"
FROM = "Phòng Kế hoạch - Tài chính <phongkh@molisa.gov.vn>"
CONTACTS = """unit,email,name,role
01,sldtbxh@hanoi.gov.vn,Sở LĐTBXH Hà Nội,
01,vanphong@hanoi.gov.vn,,
22,sldtbxh@quangninh.gov.vn,,
22,ubnd@quangninh.gov.vn,Văn phòng UBND tỉnh,escalation
24,sldtbxh@bacgiang.gov.vn,,
26,sldtbxh@vinhphuc.gov.vn,,
96,sldtbxh@camau.gov.vn,,
"""
POLICY = {"before_deadline_days": [5, 1], "after_deadline_days": [1, 3, 7], "send_at": "08:00",
          "escalate_after_days": 7, "escalate_cc": ["vukhtc@molisa.gov.vn"], "max_reminders": 6}
TK2019 = {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "title": "Đánh giá tình hình thực hiện năm 2019",
          "report_year": 2019, "plan_year": 2020, "issued": "2019-11-25", "deadline": "2019-12-15",
          "registry": "vn63", "exempt": ["96"], "message_ids": [REQUEST_ID], "reminders": POLICY}


def vn(day: int, hour: int = 8, minute: int = 30, month: int = 12) -> datetime:
    return datetime(2019, month, day, hour, minute, tzinfo=VN)


def smtp_section(server, **extra) -> dict:
    return {"host": server.host, "port": server.port, "security": "none", "from": FROM,
            "max_per_minute": 100000, **extra}


def make_config(tmp_path, db_url: str, server=None, *, smtp: dict | None = None, campaign=None, **sections):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    data = {"database": {"url": db_url}, "storage": {"raw_dir": str(tmp_path / "raw")},
            "registry": {"default": "vn63", "contacts": str(contacts)},
            "outgoing": {"contact": "Phòng KH-TC, ĐT 024 3826 9547"},
            "campaign": campaign if isinstance(campaign, list) else [campaign or TK2019], **sections}
    if server is not None or smtp is not None:
        data["smtp"] = smtp or smtp_section(server)
    return config_from_dict(data, tmp_path / "reportbox.toml")


def make_app(tmp_path, db_url: str, server=None, **options):
    return open_app(make_config(tmp_path, db_url, server, **options))


def submit(app, unit: str, received: datetime, sections=("results", "policies", "shortcomings", "plan", "proposals"),
           *, campaign="tk2019", state=SubmissionState.ACCEPTED, sender: str | None = None) -> int:
    with app.sessions.begin() as session:
        digest = hashlib.sha256(f"{unit}{received}{sections}{campaign}{state}".encode()).hexdigest()
        raw = RawMessage(sha256=digest, size=1, received_at=received, received_source="internaldate")
        session.add(raw)
        session.flush()
        submission = Submission(raw_message_id=raw.id, campaign=campaign, unit_registry="vn63", unit=unit,
                                state=state, sections=list(sections), sender=sender)
        session.add(submission)
        resolve_versions(session, [(campaign, "vn63", unit)])
        return submission.id


__all__ = ["CONTACTS", "FROM", "POLICY", "REQUEST_ID", "TK2019", "VN", "make_app", "make_config", "smtp_section",
           "submit", "time", "vn"]
