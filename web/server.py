"""Running the dashboard: uvicorn on the configured address, alone (`reportbox serve`) or in a
thread of the daemon (`[web] in_daemon`)."""

from __future__ import annotations

import logging
import signal
import threading
import time

import uvicorn

from reportbox.app import App
from reportbox.config import Config

log = logging.getLogger("reportbox.web")


def _server(config: Config, host: str, port: int, app: App | None = None) -> uvicorn.Server:
    from web.app import create_app

    asgi = create_app(config, app=app)
    # Our own logging (reportbox.logs) stays in charge; uvicorn's access log would repeat every request.
    settings = uvicorn.Config(asgi, host=host, port=port, log_config=None, access_log=False,
                              proxy_headers=False, server_header=False, timeout_graceful_shutdown=5)
    return uvicorn.Server(settings)


def serve_dashboard(config: Config, *, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT. uvicorn shuts down on either, then raises the signal again
    for the handler that was there before it: ours takes SIGTERM as a normal stop (exit 0)."""
    server = _server(config, host, port)
    signal.signal(signal.SIGTERM, lambda signum, frame: log.info("dashboard stopped (SIGTERM)"))
    log.info("dashboard on http://%s:%d/", host, port)
    try:
        server.run()
    finally:
        server.config.app.dashboard.close()


class DashboardThread:
    """The dashboard beside the daemon's jobs, on the daemon's own App: stopped with it."""

    def __init__(self, config: Config, app: App) -> None:
        self.server = _server(config, config.web.host, config.web.port, app)
        # uvicorn leaves signals alone off the main thread: the daemon keeps them.
        self.thread = threading.Thread(target=self.server.run, name="dashboard", daemon=True)

    def start(self, wait: float = 10.0) -> bool:
        """Start serving; False (logged) when it could not, e.g. the port is taken: the daemon's
        polling matters more than its dashboard, so it goes on."""
        self.thread.start()
        deadline = time.monotonic() + wait
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        where = f"http://{self.server.config.host}:{self.server.config.port}/"
        if not self.server.started:
            log.error("dashboard could not start on %s (is the port taken? see [web] port)", where)
            return False
        log.info("dashboard on %s", where)
        return True

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.server.config.app.dashboard.close()
