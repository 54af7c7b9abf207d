"""Work hours: when reminders may fire. Pure: the caller passes the local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    enabled: bool = False
    days: frozenset[int] = frozenset(range(5))  # weekday numbers, Monday = 0
    start: time = time(9, 0)
    end: time = time(18, 0)
    lunch: tuple[time, time] | None = None

    def working(self, now: datetime) -> bool:
        """Whether `now` (local) is inside work hours; always true when the schedule is off."""
        if not self.enabled:
            return True
        if now.weekday() not in self.days or not self.start <= now.time() < self.end:
            return False
        return not self.at_lunch(now)

    def at_lunch(self, now: datetime) -> bool:
        return (self.lunch is not None and now.weekday() in self.days
                and self.lunch[0] <= now.time() < self.lunch[1])

    def next_start(self, now: datetime) -> datetime:
        """The next moment work hours begin after `now`: a work day's start, or lunch's end."""
        if self.at_lunch(now):
            assert self.lunch is not None
            return now.replace(hour=self.lunch[1].hour, minute=self.lunch[1].minute, second=0,
                               microsecond=0)
        for ahead in range(8):
            day = now.date() + timedelta(days=ahead)
            start = datetime.combine(day, self.start, tzinfo=now.tzinfo)
            if day.weekday() in self.days and start > now:
                return start
        raise ValueError("a schedule without work days has no next start")

    def tomorrow(self, now: datetime, morning: time) -> datetime:
        """Where "pause until tomorrow" ends: the next work day's start, or `morning` tomorrow."""
        if not self.enabled:
            return datetime.combine(now.date() + timedelta(days=1), morning, tzinfo=now.tzinfo)
        return self.next_start(datetime.combine(now.date(), time(23, 59, 59), tzinfo=now.tzinfo))
