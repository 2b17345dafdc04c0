"""The JSON API and the exports: the same shapes as the command line (reportbox.shapes, the README),
computed here from the same database and compared whole."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import datetime, timezone

import docx
import openpyxl
import pytest

import web.api
import web.auth
import web.downloads
import web.pages
import web.review

from models.campaigns import list_campaigns
from models.health import health
from models.outbox import listing
from models.schema import Outbox
from models.sections import unit_sections
from reportbox.shapes import campaigns_json, messages_json, outbox_json, status_report, submissions_json
from reportbox.timefmt import local_iso, parse_instant
from tests.web.conftest import database

CAMPAIGN = "tk2019"
AS_OF = "2019-12-20"
DESIGN_KEYS = {"campaign", "letter", "as_of", "deadline", "summary", "units"}
DESIGN_SUMMARY_KEYS = {"expected", "on_time", "late", "missing", "pending", "exempt", "incomplete", "needs_review"}
DESIGN_UNIT_KEYS = {"unit", "name", "status", "received_at", "late_by_hours", "submission", "sections",
                    "missing_sections", "complete"}


def status_data(site, as_of: str = AS_OF) -> dict:
    with database(site) as session:
        return status_report(session, CAMPAIGN, parse_instant(as_of))[1]


def test_campaigns_are_the_command_lines(shared_reader, shared_site):
    response = shared_reader.get("/api/campaigns")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    with database(shared_site) as session:
        expected = campaigns_json(session)
    assert response.json() == expected and [c["campaign"] for c in expected] == [CAMPAIGN]


def test_status_is_the_command_lines_with_the_design_keys(shared_reader, shared_site):
    data = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/status", params={"as_of": AS_OF}).json()
    assert data == status_data(shared_site)
    assert DESIGN_KEYS <= set(data) and DESIGN_SUMMARY_KEYS <= set(data["summary"])
    assert len(data["units"]) == 63 and all(DESIGN_UNIT_KEYS <= set(unit) for unit in data["units"])
    assert data["as_of"].startswith("2019-12-20T23:59:59") and data["as_of"].endswith("+07:00")
    earlier = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/status", params={"as_of": "2019-12-10"}).json()
    assert earlier == status_data(shared_site, "2019-12-10") and earlier["summary"] != data["summary"]
    assert earlier["summary"]["pending"] > 0 == data["summary"]["pending"]


def test_status_errors_are_json(shared_reader):
    bad = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/status", params={"as_of": "yesterday"})
    assert bad.status_code == 400 and "Thời điểm không hợp lệ" in bad.json()["error"]
    unknown = shared_reader.get("/api/campaigns/tk1999/status")
    assert unknown.status_code == 404 and "tk1999" in unknown.json()["error"]


def test_submissions_review_and_messages_are_the_command_lines(shared_reader, shared_site):
    with database(shared_site) as session:
        submissions = submissions_json(session, CAMPAIGN)
        waiting = submissions_json(session, state="needs_review")
        ignored = messages_json(session, state="ignored")
        every_message = messages_json(session)
    assert shared_reader.get("/api/submissions", params={"campaign": CAMPAIGN}).json() == submissions
    assert submissions and {row["campaign"] for row in submissions} == {CAMPAIGN}
    assert shared_reader.get("/api/review").json() == waiting
    assert len(waiting) >= 2 and {row["state"] for row in waiting} == {"needs_review"}
    assert shared_reader.get("/api/submissions", params={"state": "needs_review"}).json() == waiting
    assert shared_reader.get("/api/messages", params={"state": "ignored"}).json() == ignored
    assert ignored and {row["state"] for row in ignored} == {"ignored"}
    assert shared_reader.get("/api/messages").json() == every_message and len(every_message) > len(ignored)


def test_invalid_filter_values_are_422(shared_reader):
    for path, params in (("/api/submissions", {"state": "bogus"}), ("/api/messages", {"state": "bogus"}),
                         ("/api/outbox", {"state": "bogus"}), ("/api/outbox", {"kind": "bogus"})):
        response = shared_reader.get(path, params=params)
        assert response.status_code == 422, (path, params)
        assert response.headers["content-type"] == "application/json"


def test_outbox_is_the_command_lines(reader, site):
    now = datetime(2019, 12, 16, 1, 0, tzinfo=timezone.utc)
    with database(site) as session:
        for unit, kind, step, state in (("02", "reminder", "after-1@2019-12-15", "queued"),
                                        ("01", "receipt", "message-1", "sent")):
            session.add(Outbox(campaign=CAMPAIGN, unit=unit, kind=kind, step=step, message_id=f"<{step}@test>",
                               mail_from="khtc@molisa.gov.vn", to=[f"so{unit}@example.vn"], cc=[],
                               subject=f"{kind} {unit}", raw=b"x", as_of=now, state=state, next_attempt_at=now,
                               created_at=now, sent_at=now if state == "sent" else None))
    with database(site) as session:
        every = [outbox_json(row) for row in listing(session)]
        receipts = [outbox_json(row) for row in listing(session, kind="receipt")]
        queued = [outbox_json(row) for row in listing(session, CAMPAIGN, state="queued")]
    assert len(every) == 2 and len(receipts) == len(queued) == 1
    assert reader.get("/api/outbox").json() == every
    assert reader.get("/api/outbox", params={"kind": "receipt"}).json() == receipts
    assert reader.get("/api/outbox", params={"campaign": CAMPAIGN, "state": "queued"}).json() == queued
    unit_page = reader.get(f"/campaigns/{CAMPAIGN}/units/02").text  # each unit page lists its own e-mails
    assert "quá hạn 1 ngày (hạn 15/12/2019)" in unit_page and "Chờ gửi" in unit_page and "thư #1" not in unit_page
    assert "thư #1" in reader.get(f"/campaigns/{CAMPAIGN}/units/01").text


def test_health_lists_the_mailbox_and_its_last_success(shared_reader, shared_site):
    data = shared_reader.get("/api/health").json()
    with database(shared_site) as session:
        report = health(session)
    demo = next(f for f in report.folders if f.mailbox == "demo")
    folder = next(f for f in data["folders"] if f["mailbox"] == "demo")
    assert folder["last_success_at"] == local_iso(demo.last_success_at) is not None
    assert folder["consecutive_failures"] == demo.consecutive_failures
    assert (data["messages"], data["submissions"], data["outbox"]) == (report.messages, report.submissions,
                                                                       report.outbox)
    assert [f["message"] for f in data["failures"]] == [f.message for f in report.failures]


def test_sections_of_every_unit(shared_reader, shared_site):
    with database(shared_site) as session:
        units = unit_sections(session, CAMPAIGN, ["proposals"])
    data = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/sections", params={"section": "proposals"}).json()
    assert data["campaign"] == CAMPAIGN and data["sections"] == ["proposals"]
    assert [u["unit"] for u in data["units"]] == [u.unit for u in units] and len(units) == 63
    for shown, unit in zip(data["units"], units):
        assert shown["status"] == unit.status and shown["versions"] == unit.versions
        assert shown["sections"] == [asdict(s) for s in unit.sections]
        assert {s["key"] for s in shown["sections"]} <= {"proposals"}
    assert 0 < sum(bool(u["sections"]) for u in data["units"]) < 63
    unknown = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/sections", params={"section": "nonsense"})
    assert unknown.status_code == 400 and "nonsense" in unknown.json()["error"]


def test_openapi_describes_every_api_path_and_no_page(shared_reader):
    # Every router's /api paths (a page module's too, were one to add any) must be described.
    spec = shared_reader.get("/api/openapi.json").json()
    routers = (web.api.router, web.auth.router, web.downloads.router, web.pages.router, web.review.router)
    routes = {route.path for router in routers for route in router.routes
              if route.path.startswith("/api/") and route.path != "/api/openapi.json"}
    assert {"/api/campaigns", "/api/campaigns/{campaign_id}/status", "/api/campaigns/{campaign_id}/sections",
            "/api/submissions", "/api/review", "/api/messages", "/api/outbox", "/api/health"} <= routes
    assert routes <= set(spec["paths"])
    pages = {route.path for router in (web.auth.router, web.pages.router, web.review.router) for route in router.routes}
    assert pages and not pages & set(spec["paths"])  # pages and forms are not API
    for path in routes:
        assert spec["paths"][path]["get"].get("summary"), path


def test_the_api_description_needs_signing_in_like_the_api(shared_clients):
    assert shared_clients(None).get("/api/openapi.json").status_code == 401


# --- exports ----------------------------------------------------------------------------------------

def test_xlsx_export_has_a_row_per_unit(shared_reader, shared_site):
    response = shared_reader.get(f"/campaigns/{CAMPAIGN}/export.xlsx", params={"as_of": AS_OF})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Mã")
    units = [row for row in rows[header + 1:] if row and row[0]]
    expected = status_data(shared_site)["units"]
    assert len(units) == 63
    assert [(row[0], row[-1]) for row in units] == [(u["unit"], u["status"]) for u in expected]


def test_csv_export_has_a_bom_a_header_and_the_api_statuses(shared_reader, shared_site):
    response = shared_reader.get(f"/campaigns/{CAMPAIGN}/export.csv", params={"as_of": AS_OF})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert len(text.splitlines()) == 64
    rows = list(csv.DictReader(io.StringIO(text)))
    api = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/status", params={"as_of": AS_OF}).json()
    assert [(r["unit"], r["status"]) for r in rows] == [(u["unit"], u["status"]) for u in api["units"]]


def test_docx_export_names_the_campaigns_letter(shared_reader, shared_site):
    response = shared_reader.get(f"/campaigns/{CAMPAIGN}/export.docx")
    assert response.status_code == 200
    with database(shared_site) as session:
        letter = next(c.letter for c in list_campaigns(session) if c.id == CAMPAIGN)
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert letter in text


def test_json_export_is_the_api_status(shared_reader):
    exported = shared_reader.get(f"/campaigns/{CAMPAIGN}/export.json", params={"as_of": AS_OF})
    assert exported.status_code == 200 and exported.headers["content-disposition"].startswith("attachment;")
    api = shared_reader.get(f"/api/campaigns/{CAMPAIGN}/status", params={"as_of": AS_OF}).json()
    assert json.loads(exported.content) == api


@pytest.mark.parametrize("fmt", ["pdf", "html", "xlsx.exe"])
def test_other_export_formats_are_404(shared_reader, fmt):
    assert shared_reader.get(f"/campaigns/{CAMPAIGN}/export.{fmt}").status_code == 404
