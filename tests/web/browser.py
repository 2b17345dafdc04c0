"""Fixtures for driving the dashboard in a real headless browser: the dashboard served by uvicorn
on a loopback port, and Debian's chromium through Playwright (never a downloaded browser).

A test module takes the fixtures with `from tests.web.browser import *` (`__all__` names only them):
imported by name, each would be flagged as redefined by the test functions' arguments."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn

from reportbox.config import Config
from tests.servers.availability import require_tool
from tests.web.conftest import PASSWORDS
from web.app import create_app

__all__ = ["browser", "context", "live_server", "page", "troubles"]

CHROMIUM = "/usr/bin/chromium"
# No sync, no component or field-trial downloads, no first-run pages: the browser talks to the
# dashboard on 127.0.0.1 and nothing else.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 10


def artifacts_dir() -> Path:
    """Where screenshots and other by-products of the browser tests go (CI keeps it)."""
    return Path(os.environ.get("REPORTBOX_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture
def live_server(site: Config) -> Iterator[str]:
    """The dashboard over `site`, served by uvicorn in a thread on a free loopback port: its base URL."""
    asgi = create_app(site)
    # Port 0: the kernel picks a free port when uvicorn binds, so no other process can take it first.
    settings = uvicorn.Config(asgi, host="127.0.0.1", port=0, log_config=None, access_log=False,
                              server_header=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(settings)
    thread = threading.Thread(target=server.run, name="dashboard-under-test", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the dashboard's uvicorn server did not start", pytrace=False)
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)
        asgi.dashboard.close()
    assert not thread.is_alive(), "the dashboard's uvicorn server did not stop"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, launched once per session (each launch has a fresh profile)."""
    executable = require_tool(CHROMIUM, "for the dashboard's browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Troubles:
    """What a page should never do: open a JavaScript dialog, log an error, throw."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(message) -> None:
            # Chromium asks every site for /favicon.ico on its own; the dashboard has none (a known
            # gap, test_browser.test_favicon_is_served), and that is no fault of the page itself.
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def assert_none(self) -> None:
        assert not self.dialogs, f"a JavaScript dialog opened: {self.dialogs}"
        assert not self.page_errors, f"the page threw: {self.page_errors}"
        assert not self.console_errors, f"errors in the console (a CSP violation?): {self.console_errors}"


@pytest.fixture
def context(browser):
    """A fresh browser context (cookies, storage, downloads) for each test, in Vietnamese."""
    made = browser.new_context(accept_downloads=True, locale="vi-VN", viewport=VIEWPORT)
    yield made
    made.close()


@pytest.fixture
def troubles() -> Troubles:
    return Troubles()


@pytest.fixture
def page(context, troubles: Troubles):
    """A page of the test's context, watched for dialogs, console errors and uncaught exceptions."""
    opened = context.new_page()
    troubles.watch(opened)
    return opened


def sign_in(page, base_url: str, user: str, password: str | None = None) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(password if password is not None else PASSWORDS[user])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
