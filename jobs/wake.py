"""Run a mailbox's scheduled poll now (IDLE announced mail): never two polls of it at once, and a
wake during a poll gives exactly one more poll after it, whatever the number of wakes.

The poll job is the daemon's `poll:<name>` interval job; moving its next run to now keeps it one
job, so runs still take turns on the scheduler's worker and the interval goes on from there.
APScheduler skips a run that is due while the job is still running (with a warning), so a wake
that comes during a poll is only remembered, and the job is moved once the poll has ended (its
EXECUTED or ERROR event comes after APScheduler stopped counting it as running). "During" starts
when APScheduler hands the job to the worker (SUBMITTED), which may be well before it runs: with
several mailboxes a poll waits there behind another's. Submissions and ends are counted, not
flagged, since a quick poll's end may be dispatched before its submission.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from collections import Counter

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_SUBMITTED
from apscheduler.jobstores.base import JobLookupError

PREFIX = "poll:"


def poll_job_id(mailbox: str) -> str:
    """The scheduler's id of a mailbox's poll job (jobs.daemon schedules it, jobs.reload removes it)."""
    return PREFIX + mailbox


def _mailbox_of(job_id: str) -> str | None:
    return job_id.removeprefix(PREFIX) if job_id.startswith(PREFIX) else None


class PollWaker:
    def __init__(self, scheduler) -> None:
        self.scheduler = scheduler
        self._lock = threading.Lock()
        self._submitted: Counter[str] = Counter()  # runs handed to the worker, per mailbox
        self._ended_runs: Counter[str] = Counter()  # of those, the runs that ended
        self._pending: set[str] = set()  # woken since their poll last started
        scheduler.add_listener(self._submitted_run, EVENT_JOB_SUBMITTED)
        scheduler.add_listener(self._ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)

    def wake(self, name: str) -> None:
        """New mail in mailbox `name`: poll it now, or right after the poll under way."""
        with self._lock:
            self._pending.add(name)
            if self._running(name):
                return
        self._run_now(name)

    def polling(self, name: str) -> None:
        """Called as a poll of `name` starts: it fetches whatever the wakes so far announced."""
        with self._lock:
            self._pending.discard(name)

    def _running(self, name: str) -> bool:
        return self._submitted[name] > self._ended_runs[name]

    def _submitted_run(self, event) -> None:
        if (name := _mailbox_of(event.job_id)) is not None:
            with self._lock:
                self._submitted[name] += 1

    def _skipped(self, event) -> None:
        # A wake between APScheduler's submission and its SUBMITTED event: remembered, run after.
        if (name := _mailbox_of(event.job_id)) is not None:
            with self._lock:
                self._pending.add(name)

    def _ended(self, event) -> None:
        if (name := _mailbox_of(event.job_id)) is None:
            return
        with self._lock:
            self._ended_runs[name] += 1
            again = name in self._pending and not self._running(name)
        if again:
            # Not from here: when a poll ends before APScheduler has finished submitting it, this
            # runs inside the scheduler's own pass, which then sets the job's next run over ours.
            # A thread of its own waits for that pass (modify_job takes the scheduler's lock).
            threading.Thread(target=self._run_now, args=[name], name=f"reportbox-wake-{name}", daemon=True).start()

    def _run_now(self, name: str) -> None:
        try:
            self.scheduler.modify_job(poll_job_id(name), next_run_time=datetime.now(timezone.utc))
        except JobLookupError:
            pass  # the mailbox was removed (a reload) or the daemon is stopping
