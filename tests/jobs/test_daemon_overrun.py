"""A poll that outlasts its interval is the design, not a warning (jobs.daemon.OverrunIsNoWarning)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timezone

from apscheduler.schedulers.background import BackgroundScheduler

import jobs.daemon  # noqa: F401 - installs the filter on APScheduler's logger


def test_a_run_skipped_while_the_last_one_goes_on_is_logged_at_info(caplog):
    release = threading.Event()
    scheduler = BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1}, timezone=timezone.utc)
    scheduler.add_job(release.wait, "interval", seconds=0.05, id="slow-poll")
    with caplog.at_level(logging.INFO, logger="apscheduler"):
        scheduler.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("running instances" in r.getMessage() for r in caplog.records):
            time.sleep(0.02)
        release.set()
        scheduler.shutdown(wait=True)
    skipped = [r for r in caplog.records if "maximum number of running instances" in r.getMessage()]
    assert skipped, "APScheduler no longer says a run was skipped in these words: update OverrunIsNoWarning"
    assert {r.levelname for r in skipped} == {"INFO"}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
