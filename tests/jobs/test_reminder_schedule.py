"""The reminder schedule: which step is owed at an instant (pure)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from jobs.reminders.schedule import owed_step, schedule
from reportbox.config import RemindersConfig
from reportbox.timefmt import VIETNAM, deadline_instant

DEADLINE = deadline_instant(date(2019, 12, 15))  # 23:59:59 Vietnam time
POLICY = RemindersConfig(before_deadline_days=(5, 1), after_deadline_days=(1, 3, 7), send_at=time(8, 0),
                         catch_up_days=2, escalate_after_days=7)


def vn(day: int, hour: int = 9, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2019, month, day, hour, minute, tzinfo=VIETNAM)


def owed(at: datetime, policy=POLICY, deadline=DEADLINE):
    step = owed_step(policy, deadline, at)
    return None if step is None else step.label


def test_steps_fall_on_send_at_of_their_days():
    steps = schedule(POLICY, DEADLINE)
    assert [s.label for s in steps] == ["before-5", "before-1", "after-1", "after-3", "after-7"]
    assert [s.due_at for s in steps] == [vn(10, 8), vn(14, 8), vn(16, 8), vn(18, 8), vn(22, 8)]
    assert [s.escalated for s in steps] == [False, False, False, False, True]
    assert steps[2].key == "after-1@2019-12-15"
    assert [s.overdue for s in steps] == [False, False, True, True, True]


@pytest.mark.parametrize(("at", "expected"), [
    (vn(10, 7, 59), None),  # before the first step's hour
    (vn(10, 8, 0), "before-5"),  # exactly at send_at
    (vn(12, 23, 59), "before-5"),  # still owed: within its day plus catch_up_days
    (vn(13, 0, 0), None),  # missed for good; the next step comes on the 14th
    (vn(14, 8, 0), "before-1"),
    (vn(15, 23, 59), "before-1"),
    (vn(16, 0, 0), None),  # the deadline passed: a "before" reminder is no longer right
    (vn(16, 8, 0), "after-1"),
    (vn(18, 7, 59), "after-1"),  # daemon was down two days: one reminder, the latest
    (vn(18, 8, 0), "after-3"),
    (vn(22, 8, 0), "after-7"),
    (vn(24, 23, 59), "after-7"),  # end of its day plus catch_up_days
    (vn(25, 0, 0), None),
    (datetime(2026, 11, 29, 8, tzinfo=VIETNAM), None),  # an old campaign reminds nobody
])
def test_owed_step(at, expected):
    assert owed(at) == expected


def test_catch_up_window_ends_with_its_day_when_zero():
    policy = POLICY.model_copy(update={"catch_up_days": 0})
    assert owed(vn(22, 23, 59), policy) == "after-7"
    assert owed(vn(23, 0, 0), policy) is None


def test_deadline_with_a_time_and_day_zero():
    deadline = datetime(2019, 12, 15, 17, 0, tzinfo=VIETNAM)
    policy = POLICY.model_copy(update={"before_deadline_days": (0,), "after_deadline_days": (0, 1)})
    steps = schedule(policy, deadline)
    assert [s.label for s in steps] == ["deadline-day", "after-1"]  # before-0 and after-0 are one step
    assert owed(vn(15, 16, 59), policy, deadline) == "deadline-day"
    assert owed(vn(15, 17, 1), policy, deadline) is None
    assert owed(vn(16, 8, 0), policy, deadline) == "after-1"


def test_an_extension_is_a_new_schedule_with_new_keys():
    extended = deadline_instant(date(2019, 12, 31))
    step = owed_step(POLICY, extended, vn(1, 8, 30, month=12) + timedelta(days=31))
    assert step is not None and step.label == "after-1" and step.key == "after-1@2019-12-31"


def test_no_steps_no_reminders():
    policy = POLICY.model_copy(update={"before_deadline_days": (), "after_deadline_days": ()})
    assert schedule(policy, DEADLINE) == ()
    assert owed(vn(16, 8, 0), policy) is None
