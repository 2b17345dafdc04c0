"""/healthz and /metrics on the dashboard: no sign-in, what monitors and Prometheus read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update
from starlette.testclient import TestClient

from models.lock import DatabaseLock
from models.health import health
from models.schema import DaemonLock, FolderState, SubmissionState, utcnow
from reportbox.app import open_app
from reportbox.config import Config, load_config
from reportbox.errors import ConfigError
from tests.web.conftest import database
from web.app import create_app


@pytest.fixture
def configure(site: Config):
    """The test's copy of the demo with settings added to its file; a client on it, not signed in."""
    made = []

    def client(settings: str = "") -> TestClient:
        path = site.path
        path.write_text(path.read_text(encoding="utf-8") + "\n" + settings, encoding="utf-8")
        asgi = create_app(load_config(path))
        made.append(asgi)
        return TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)

    yield client
    for asgi in made:
        asgi.dashboard.close()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape, parsed by prometheus_client: (name, sorted labels) -> value."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def daemon_alive(config: Config) -> DatabaseLock:
    app = open_app(config, migrate=False)
    lock = DatabaseLock(app.sessions)
    lock.acquire()
    app.close()
    return lock


def test_metrics_are_off_unless_asked(configure):
    assert configure().get("/metrics").status_code == 404


def test_metrics_scraped_without_sign_in_say_what_the_database_holds(configure, site):
    daemon_alive(site)
    response = configure("[metrics]\nweb = true\n").get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    found = samples(response.text)
    with database(site) as session:
        folder = session.scalars(select(FolderState)).one()
        report = health(session)
    labels = (("folder", folder.folder), ("mailbox", "demo"))
    assert found[("reportbox_folder_polls_total", labels)] == folder.polls >= 1
    assert found[("reportbox_folder_poll_duration_seconds_count", labels)] == folder.polls - folder.poll_failures
    assert found[("reportbox_folder_poll_duration_seconds_sum", labels)] == pytest.approx(folder.poll_seconds)
    assert found[("reportbox_folder_last_success_timestamp_seconds", labels)] == pytest.approx(
        folder.last_success_at.timestamp())
    assert found[("reportbox_messages", (("state", "submission"),))] == report.messages["submission"] > 0
    assert found[("reportbox_review_queue", ())] == report.submissions[SubmissionState.NEEDS_REVIEW] >= 1
    assert found[("reportbox_outbox_messages", (("kind", "reminder"), ("state", "queued")))] == 0
    assert found[("reportbox_database_up", ())] == 1 and found[("reportbox_daemon_lease_held", ())] == 1
    assert 0 <= found[("reportbox_daemon_heartbeat_age_seconds", ())] < 60
    assert found[("reportbox_processing_lag_seconds", ())] == 0  # the demo is processed
    assert found[("reportbox_raw_store_free_bytes", ())] > 0


TOKEN = "s3cret-token-for-prometheus-0123456789"


def test_metrics_with_a_token_file_ask_for_it(configure, site, caplog):
    token_file = site.path.parent / "metrics-token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    client = configure('[metrics]\nweb = true\ntoken_file = "metrics-token"\n')
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    allowed = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and "reportbox_messages" in allowed.text
    token_file.write_text(" \n", encoding="utf-8")  # rotated badly: emptied while the dashboard runs
    for given in ("Bearer ", "Bearer", f"Bearer {TOKEN}"):
        emptied = client.get("/metrics", headers={"Authorization": given})
        assert emptied.status_code == 503 and "reportbox_messages" not in emptied.text
    assert "fewer than 32" in caplog.text


@pytest.mark.parametrize("text", ["  \n\t\n", "short-token\n", "\n"])
def test_an_empty_or_short_metrics_token_file_stops_the_dashboard(configure, site, text):
    (site.path.parent / "metrics-token").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"metrics token: file .*metrics-token (is empty \(\[metrics\] token_file\)"
                                          r"|\(\[metrics\] token_file\) holds \d+ characters, fewer than 32)"):
        configure('[metrics]\nweb = true\ntoken_file = "metrics-token"\n')


def test_healthz_is_503_without_a_daemon_200_with_one_and_503_when_its_heartbeat_is_stale(configure, site):
    client = configure()
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (503, "unhealthy: no daemon is running (`reportbox run` holds no lease)\n")
    daemon_alive(site)
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")
    with database(site) as session:
        session.execute(update(DaemonLock).values(heartbeat_at=utcnow() - timedelta(minutes=10)))
    response = client.get("/healthz")
    assert response.status_code == 503 and "heartbeat is 6" in response.text


def test_healthz_is_503_when_a_mailbox_keeps_failing_and_names_no_secret(configure, site):
    client = configure("[alerts]\nmax_consecutive_failures = 3\n")
    daemon_alive(site)
    with database(site) as session:
        session.execute(update(FolderState).values(consecutive_failures=2, last_error="auth: password s3cret refused"))
    assert client.get("/healthz").status_code == 200  # two failures: under the threshold
    with database(site) as session:
        session.execute(update(FolderState).values(consecutive_failures=3))
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (503, "unhealthy: mailbox demo: 3 polls in a row failed\n")


def test_health_api_and_page_show_the_active_conditions(configure, site, tmp_path):
    from tests.web.conftest import login

    client = configure("[alerts]\nmin_free_mb = 1000000000\n")
    login(client, "an")
    health = client.get("/api/health").json()
    conditions = {a["condition"]: a for a in health["alerts"]}
    assert conditions["disk_low"]["mailed"] is True and conditions["daemon_stale"]["mailed"] is False
    assert "MB free" in conditions["disk_low"]["summary"]
    page = client.get("/health").text
    assert "Ổ đĩa sắp đầy" in page and "Tiến trình nền không chạy" in page


def test_the_daemons_dashboard_shows_the_configuration_a_reload_applied(site):
    """In the daemon the dashboard runs on the daemon's App, whose configuration a SIGHUP replaces
    (jobs.reload): the health page says what is in force now, not what was at start."""
    from reportbox.app import open_app
    from tests.web.conftest import login

    path = site.path
    original = path.read_text(encoding="utf-8")
    smtp = '[smtp]\nhost = "127.0.0.1"\nport = 2525\nsecurity = "none"\nfrom = "reportbox <khtc@molisa.gov.vn>"\n'
    path.write_text(original + "\n" + smtp + '[alerts]\nto = ["old-it@molisa.gov.vn"]\n', encoding="utf-8")
    app = open_app(load_config(path))
    asgi = create_app(app.config, app=app)
    try:
        client = TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)
        login(client, "an")
        assert "old-it@molisa.gov.vn" in client.get("/health").text
        path.write_text(original + "\n" + smtp + '[alerts]\nto = ["new-it@molisa.gov.vn"]\n', encoding="utf-8")
        app.config = load_config(path)  # as the reload does
        page = client.get("/health").text
        assert "new-it@molisa.gov.vn" in page and "old-it@molisa.gov.vn" not in page
    finally:
        asgi.dashboard.close()
        app.close()
