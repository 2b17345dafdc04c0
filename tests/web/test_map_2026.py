"""The dashboard of `reportbox demo --campaign 2026`: its campaign page's map shows the 34 provinces of
Resolution 202/2025/QH15 (registry vn34), each coloured by the status the demo's plan gives it."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from models import users
from parsers.registry import builtin
from reportbox import demo2026
from reportbox.app import open_app
from reportbox.config import load_config
from tests.test_demo2026 import expected_status
from tests.web.conftest import PASSWORDS, login
from web.app import create_app


@pytest.fixture(scope="module")
def reader_2026(tmp_path_factory):
    """A reader signed in on the dashboard of the 2026 demo's database."""
    directory = tmp_path_factory.mktemp("web2026") / "demo"
    demo2026.run_demo(directory, echo=lambda line: None)
    config = load_config(directory / "reportbox.toml")
    app = open_app(config)
    try:
        with app.sessions.begin() as session:
            users.add_user(session, "an", "reader", PASSWORDS["an"], "Trần Văn An")
    finally:
        app.close()
    asgi = create_app(config)
    client = TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)
    login(client, "an")
    yield client
    asgi.dashboard.close()


@pytest.mark.slow  # builds the 2026 demo (LibreOffice, OCR): about 10 s
def test_the_2026_map_colours_the_34_provinces_by_their_status(reader_2026):
    page = reader_2026.get(f"/campaigns/{demo2026.CAMPAIGN}", params={"as_of": f"{demo2026.AS_OF:%Y-%m-%d}"})
    assert page.status_code == 200, page.text
    shapes = dict(re.findall(r'<path data-unit="([^"]+)" class="([^"]*)"', page.text))
    assert len(shapes) == 34 and set(shapes) == set(builtin("vn34").codes)
    expected = expected_status(demo2026.PLAN)
    wrong = {code: classes for code, classes in shapes.items() if f"st-{expected[code]}" not in classes.split()}
    assert wrong == {}, wrong
    assert re.search(r'<path data-unit="08" [^>]*><title>[^<]*Tuyên Quang', page.text)  # the successor's name
