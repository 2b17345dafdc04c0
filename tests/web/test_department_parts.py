"""The dashboard notes a Sở Y tế's part received while its unit still waits for the Sở Nội vụ's report
(the lead department's report decides: models.status), in Vietnamese, on the campaign and unit pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from reportbox.app import open_app
from reportbox.config import load_config
from tests.models.test_department_parts import DEADLINE, HEALTH, submit
from tests.web.conftest import ok_page as page

TK2026 = """
[[campaign]]
id = "tk2026"
letter = "6120/BNV-KHTC"
title = "Báo cáo năm 2026"
report_year = 2026
plan_year = 2027
issued = 2026-11-20
deadline = 2026-12-15
registry = "vn34"
departments = ["Sở Nội vụ", "Sở Y tế"]
"""


@pytest.fixture
def client(site, make_client):
    """The demo with Bộ Nội vụ's 2026 campaign: Nghệ An's Sở Y tế sent its part only, Hà Tĩnh's both."""
    site.path.write_text(site.path.read_text(encoding="utf-8") + TK2026, encoding="utf-8")
    app = open_app(load_config(site.path))
    try:
        submit(app, 3, HEALTH, ["results"])
        submit(app, 4, HEALTH, ["results"], unit="42")
        submit(app, 5, unit="42")
    finally:
        app.close()
    return make_client("an", config=load_config(site.path))


def test_the_pages_say_the_part_came_and_the_lead_report_not_yet(client):
    as_of = (DEADLINE + timedelta(days=1)).isoformat()
    listing = page(client, "/campaigns/tk2026", as_of=as_of)
    row = re.search(r'<tr [^>]*data-unit="40" data-status="missing">.*?</tr>', listing, re.S).group()
    assert "đã nhận phần của Sở Y tế" in row
    other = re.search(r'<tr [^>]*data-unit="42" data-status="on_time">.*?</tr>', listing, re.S).group()
    assert "đã nhận phần" not in other  # its Sở Nội vụ's report came: nothing waits
    unit = page(client, "/campaigns/tk2026/units/40", as_of=as_of)
    assert "Đã nhận phần báo cáo của Sở Y tế lúc 03/12/2026 09:00" in unit
    assert "chưa được tính là đã nộp và vẫn được nhắc nộp" in unit
    assert "Phần này được tính cùng báo cáo của đơn vị" in page(client, "/campaigns/tk2026/units/42", as_of=as_of)
