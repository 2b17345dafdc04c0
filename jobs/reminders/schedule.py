"""When a campaign's reminder steps fall due, and which one is owed at an instant.

Pure: the policy, a deadline and an instant in, steps out (no clock, no database).

A step falls due at `send_at` (Vietnam time) on its day, counted from the day of the deadline.
Only the latest step that has fallen due can be owed, so a daemon that was down catches up
with one reminder, never with one per missed day; and it stays owed only until the end of its
own day plus `catch_up_days`, until the next step falls due, and (for a step before the
deadline) until the deadline, so that an old campaign left in the configuration never
reminds anybody of anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from reportbox.timefmt import VIETNAM


@dataclass(frozen=True)
class Step:
    days: int  # from the deadline's day: -5 five days before, 3 three days after, 0 on the day
    due_at: datetime  # aware
    deadline: datetime  # the deadline the step counts from (a unit's extension, or the campaign's)
    escalated: bool  # copy the escalation recipients

    @property
    def label(self) -> str:
        if self.days < 0:
            return f"before-{-self.days}"
        return "deadline-day" if self.days == 0 else f"after-{self.days}"

    @property
    def key(self) -> str:
        """Unique per unit and campaign: a new deadline (an extension) is a new schedule."""
        return f"{self.label}@{self.deadline.astimezone(VIETNAM).date().isoformat()}"

    @property
    def overdue(self) -> bool:
        return self.due_at > self.deadline


def schedule(policy, deadline: datetime) -> tuple[Step, ...]:
    """Every step of `policy` (a RemindersConfig) for a deadline, in time order."""
    day = deadline.astimezone(VIETNAM).date()
    offsets = sorted({-days for days in policy.before_deadline_days} | set(policy.after_deadline_days))
    return tuple(
        Step(days=offset, due_at=_at(day + timedelta(days=offset), policy.send_at), deadline=deadline,
             escalated=policy.escalate_after_days is not None and 0 < policy.escalate_after_days <= offset)
        for offset in offsets
    )


def owed_step(policy, deadline: datetime, as_of: datetime) -> Step | None:
    """The one step owed at `as_of`, if any (see the module's docstring)."""
    steps = schedule(policy, deadline)
    fallen = [index for index, step in enumerate(steps) if step.due_at <= as_of]
    if not fallen:
        return None
    index = fallen[-1]
    step = steps[index]
    ends = [_at(step.due_at.astimezone(VIETNAM).date() + timedelta(days=policy.catch_up_days + 1), time())]
    if index + 1 < len(steps):
        ends.append(steps[index + 1].due_at)
    if not step.overdue:
        ends.append(deadline)
    return step if as_of < min(ends) else None


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, VIETNAM)
