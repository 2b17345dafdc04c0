"""Running the dashboard: uvicorn on the configured address, alone (`reportbox serve`) or in a
thread of the daemon (`[web] in_daemon`)."""

from __future__ import annotations

import logging
import threading

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
    """Serve until SIGTERM or SIGINT (uvicorn handles both)."""
    server = _server(config, host, port)
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

    def start(self) -> None:
        self.thread.start()
        log.info("dashboard on http://%s:%d/", self.server.config.host, self.server.config.port)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
