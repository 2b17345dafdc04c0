"""PollWaker on a real APScheduler set up as the daemon's: a wake runs the poll job now; wakes during
a poll give one poll more after it, never two at once; the interval goes on."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from apscheduler.events import EVENT_JOB_SUBMITTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from jobs.wake import PollWaker

WAIT = 20


class Polls:
    """A poll job that records its runs and, when told, holds until released."""

    def __init__(self, waker: PollWaker) -> None:
        self.waker = waker
        self.runs = 0
        self.running = 0
        self.overlapped = False
        self.hold = threading.Event()
        self.held = threading.Event()  # set while a held run waits
        self.release = threading.Event()
        self.ran = threading.Condition()

    def __call__(self, name: str) -> None:
        self.waker.polling(name)
        self.running += 1
        self.overlapped |= self.running > 1
        if self.hold.is_set():
            self.held.set()
            self.release.wait(WAIT)
        self.running -= 1
        with self.ran:
            self.runs += 1
            self.ran.notify_all()

    def wait_runs(self, n: int) -> None:
        with self.ran:
            assert self.ran.wait_for(lambda: self.runs >= n, WAIT), f"{self.runs} run(s), not {n}"


@pytest.fixture
def scheduler():
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(max_workers=1)},
                                    job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
                                    timezone=timezone.utc)
    yield scheduler
    if scheduler.running:
        scheduler.shutdown(wait=True)


def schedule(scheduler, interval: int = 3600, start: bool = True) -> tuple[PollWaker, Polls]:
    waker = PollWaker(scheduler)
    polls = Polls(waker)
    later = datetime.now(timezone.utc) + timedelta(seconds=interval)
    scheduler.add_job(polls, "interval", seconds=interval, args=["phongkh"], id="poll:phongkh", next_run_time=later)
    if start:
        scheduler.start()
    return waker, polls


def test_a_wake_runs_the_poll_now_and_the_interval_goes_on_from_there(scheduler):
    waker, polls = schedule(scheduler)
    waker.wake("phongkh")
    polls.wait_runs(1)
    next_run = scheduler.get_job("poll:phongkh").next_run_time
    assert timedelta(seconds=3590) < next_run - datetime.now(timezone.utc) <= timedelta(seconds=3600)


def test_wakes_during_a_poll_give_one_poll_after_it(scheduler):
    waker, polls = schedule(scheduler)
    polls.hold.set()
    waker.wake("phongkh")
    assert polls.held.wait(WAIT)
    polls.hold.clear()
    for _ in range(5):  # the server announces five messages while the poll is under way
        waker.wake("phongkh")
    polls.release.set()
    polls.wait_runs(2)
    waker.wake("other")  # a mailbox without a job (removed by a reload): nothing happens
    # Another wake now is a third run: had the five queued more, it would be a later one.
    waker.wake("phongkh")
    polls.wait_runs(3)
    scheduler.shutdown(wait=True)
    assert polls.runs == 3 and not polls.overlapped


def test_wakes_before_a_poll_starts_are_covered_by_it(scheduler):
    waker, polls = schedule(scheduler, start=False)
    waker.wake("phongkh")
    waker.wake("phongkh")  # both before the run begins: one run fetches for both
    scheduler.start()
    polls.wait_runs(1)
    scheduler.shutdown(wait=True)
    assert polls.runs == 1


def test_a_wake_while_the_poll_is_queued_behind_another_job_is_covered_by_it(scheduler, caplog):
    """Several mailboxes share the one worker: a poll handed to it waits behind another mailbox's. A
    wake then must not ask APScheduler for a second run of it (which it skips with a warning)."""
    waker, polls = schedule(scheduler, start=False)
    other = threading.Event()
    other_running = threading.Event()

    def other_poll() -> None:
        other_running.set()
        other.wait(WAIT)

    submitted = threading.Event()
    scheduler.add_listener(lambda event: event.job_id == "poll:phongkh" and submitted.set(), EVENT_JOB_SUBMITTED)
    scheduler.add_job(other_poll, id="poll:vanthu")  # runs now, holding the worker
    scheduler.start()
    assert other_running.wait(WAIT)
    scheduler.modify_job("poll:phongkh", next_run_time=datetime.now(timezone.utc))  # queued behind it
    assert submitted.wait(WAIT)
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        waker.wake("phongkh")
        waker.wake("phongkh")
        time.sleep(0.5)  # the scheduler's loop, had a wake moved the job, would have run by now
        other.set()
        polls.wait_runs(1)
        scheduler.shutdown(wait=True)
    assert polls.runs == 1  # the queued poll had not fetched yet: it covers both wakes
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
