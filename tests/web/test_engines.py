"""The dashboard on PostgreSQL as on SQLite, and its reads through a connection that cannot write."""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from jobs.poll import poll
from models import users
from models.status import campaign_status
from reportbox.app import make_source, open_app
from reportbox.config import config_from_dict
from web.app import create_app
from tests.web.conftest import PASSWORDS, login


@pytest.fixture
def postgres_site(demo_site, postgres_url, tmp_path):
    """The demo's mailbox ingested into PostgreSQL, with the reviewer account."""
    data = tomllib.loads((demo_site / "reportbox.toml").read_text(encoding="utf-8"))
    data["database"] = {"url": postgres_url}
    data["storage"] = {"raw_dir": str(tmp_path / "raw")}
    data["mailbox"][0]["path"] = str(demo_site / "maildir")
    config = config_from_dict(data, tmp_path / "reportbox.toml")
    app = open_app(config)
    try:
        poll(app, [make_source(m) for m in config.mailbox])
        with app.sessions.begin() as session:
            users.add_user(session, "lan", "reviewer", PASSWORDS["lan"])
    finally:
        app.close()
    return config


def test_campaign_page_on_postgresql_shows_what_status_computes(postgres_site):
    asgi = create_app(postgres_site)
    try:
        client = TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)
        login(client, "lan")
        page = client.get("/campaigns/tk2019?status=missing")
        with asgi.dashboard.reader() as session:
            missing = [u for u in campaign_status(session, "tk2019").units if u.status == "missing"]
        assert page.status_code == 200
        assert page.text.count('<tr class="st-missing') == len(missing) > 0
        api = client.get("/api/campaigns/tk2019/status").json()
        assert sum(u["status"] == "missing" for u in api["units"]) == len(missing)
    finally:
        asgi.dashboard.close()


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
def test_the_dashboard_reads_through_a_connection_that_cannot_write(engine_name, site, request):
    url = site.database.url if engine_name == "sqlite" else request.getfixturevalue("postgres_url")
    if engine_name == "postgresql":
        open_app(config_from_dict({"database": {"url": url}}, site.path)).close()  # the schema
    asgi = create_app(site.model_copy(update={"database": site.database.model_copy(update={"url": url})}))
    try:
        with asgi.dashboard.reader() as session:
            assert session.execute(text("SELECT count(*) FROM web_user")).scalar() >= 0
            with pytest.raises(DBAPIError):
                session.execute(text("INSERT INTO web_user (username, role, disabled, created_at) "
                                     "VALUES ('x', 'reader', false, CURRENT_TIMESTAMP)"))
                session.flush()
    finally:
        asgi.dashboard.close()
