"""The dashboard's fixtures: the demo's mailbox ingested once (plus a hostile message), and for
each test a private copy of it, accounts, and a signed-in client."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from jobs.poll import poll
from models import users
from models.schema import SubmissionState
from models.status import UnitStatus, campaign_status
from reportbox.app import make_source, open_app
from reportbox.config import Config, load_config
from reportbox.demo import _email, run_demo
from reportbox.sample_documents import report_docx
from reportbox.shapes import submissions_json
from reportbox.timefmt import VIETNAM, parse_instant
from web.app import create_app

PASSWORDS = {"an": "an-reads-only-1", "lan": "lan-reviews-22"}
HOSTILE_SUBJECT = "<script>alert('subject')</script> Báo cáo \u202egnp.exe\u202c năm 2019 \u200b"
HOSTILE_FILENAME = "\"><img src=x onerror=alert(1)>\u202excod.exe\u202c;\r\nX-Evil: 1.docx"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo's 2019 campaign ingested into SQLite, and one report with hostile names that
    names no province (so it waits in review)."""
    directory = tmp_path_factory.mktemp("web") / "demo"
    run_demo(directory, echo=lambda line: None)
    hostile = _email(("<b>Sở</b> \"LĐTBXH\"", "vanthu@gmail.com"), HOSTILE_SUBJECT, "Kính gửi Bộ.",
                     datetime(2019, 12, 14, 10, 0, tzinfo=VIETNAM),
                     [(HOSTILE_FILENAME, report_docx("Quảng Ninh", 2019, 1, letterhead=False))])
    (directory / "maildir" / "cur" / "1576292400.hostile.reportbox:2,S").write_bytes(hostile)
    app = open_app(load_config(directory / "reportbox.toml"))
    try:
        poll(app, [make_source(m) for m in app.config.mailbox])
    finally:
        app.close()
    return directory


@pytest.fixture(scope="session")
def site_template(demo_site: Path, tmp_path_factory) -> Path:
    """The demo with a reader (an) and a reviewer (lan), made once (hashing passwords is slow on
    purpose): each `site` is a copy of it."""
    directory = tmp_path_factory.mktemp("template") / "site"
    shutil.copytree(demo_site, directory)
    app = open_app(load_config(directory / "reportbox.toml"))
    try:
        with app.sessions.begin() as session:
            users.add_user(session, "an", "reader", PASSWORDS["an"], "Trần Văn An")
            users.add_user(session, "lan", "reviewer", PASSWORDS["lan"], "Nguyễn Thị Lan")
    finally:
        app.close()
    return directory


@pytest.fixture
def site(site_template: Path, tmp_path: Path) -> Config:
    """A private copy of the demo, with a reader (an) and a reviewer (lan)."""
    return copy_site(site_template, tmp_path / "site")


@pytest.fixture(scope="module")
def shared_site(site_template: Path, tmp_path_factory) -> Config:
    """One copy of the demo for a whole module's read-only tests: no test using it may change it."""
    return copy_site(site_template, tmp_path_factory.mktemp("shared") / "site")


@pytest.fixture(scope="module")
def shared_clients(shared_site: Config):
    """Clients on `shared_site`, one per user name (None: not signed in), made once a module and
    signed in once: for tests that only read, or whose refused requests change nothing."""
    made: dict[str | None, tuple[TestClient, object]] = {}

    def get(user: str | None) -> TestClient:
        if user not in made:
            asgi = create_app(shared_site)
            client = TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)
            made[user] = (client, asgi)
            if user is not None:
                login(client, user)
        return made[user][0]

    yield get
    for _client, asgi in made.values():
        asgi.dashboard.close()


@pytest.fixture(scope="module")
def shared_reader(shared_clients) -> TestClient:
    """The reader (an), signed in on `shared_site`."""
    return shared_clients("an")


def copy_site(template: Path, copy: Path) -> Config:
    shutil.copytree(template, copy)
    return load_config(copy / "reportbox.toml")


@pytest.fixture
def make_client(site: Config):
    made = []

    def make(user: str | None = "lan", config: Config | None = None, **headers) -> TestClient:
        """`config`: one re-read after a test changed the site's file (default: the site as made)."""
        asgi = create_app(config or site)
        client = TestClient(asgi, base_url="http://127.0.0.1:8000", headers=headers, follow_redirects=False)
        made.append((client, asgi))
        if user is not None:
            login(client, user)
        return client

    yield make
    for _client, asgi in made:
        asgi.dashboard.close()


@pytest.fixture
def reviewer(make_client) -> TestClient:
    return make_client("lan")


@pytest.fixture
def reader(make_client) -> TestClient:
    return make_client("an")


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def ok_page(client: TestClient, path: str, **params) -> str:
    """A page that must answer 200, its entities unescaped."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return html.unescape(response.text)


def login(client: TestClient, user: str, password: str | None = None):
    form = client.get("/login")
    response = client.post("/login", data={"username": user, "password": password or PASSWORDS[user],
                                           "csrftoken": csrf_token(form.text), "next": "/campaigns"})
    assert response.status_code == 303, response.text
    return response


def post_form(client: TestClient, page_url: str, action: str, data: dict):
    """Submit a form as a browser would: the CSRF token from the page it is on."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    return client.post(action, data={**data, "csrftoken": csrf_token(page.text)})


@contextmanager
def database(config: Config) -> Iterator[Session]:
    """A read-write session on a test's copy of the demo (committed when the block ends): to look
    behind the pages, or to set up what a test needs."""
    app = open_app(config, migrate=False)
    try:
        with app.sessions.begin() as session:
            yield session
    finally:
        app.close()


def hostile_submission_id(config: Config) -> int:
    """The submission of the hostile message (a <script> in its subject), waiting in review."""
    with database(config) as session:
        rows = submissions_json(session, state=SubmissionState.NEEDS_REVIEW)
    return next(row["id"] for row in rows if row["subject"] and "<script>" in row["subject"])


def unit_statuses(page: str) -> dict[str, str]:
    """The campaign page's table, in its order: unit code -> status (the map's shapes are not rows)."""
    return dict(re.findall(r'<tr class="st-[^"]*" data-unit="([^"]+)" data-status="([^"]+)"', page))


def campaign_units(config: Config, as_of: str | None = None,
                   campaign: str = "tk2019") -> tuple[dict[str, UnitStatus], dict[str, int]]:
    """Each unit's status as models.status computes it (as of a page's `as_of` text, default now),
    and the summary: what the pages must agree with."""
    with database(config) as session:
        result = campaign_status(session, campaign, as_of=parse_instant(as_of) if as_of else None)
        return {u.unit: u for u in result.units}, dict(result.summary)
