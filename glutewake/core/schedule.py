"""Work hours: when reminders may fire. Pure: the caller passes the local time.

`Schedule` is also the [schedule] section of the settings: its fields are declared here, once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from . import setting as parse
from .setting import Section, setting
from .text import Text, _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def days(value: Any, where: str) -> frozenset[int]:
    """Day names as weekday numbers, Monday = 0."""
    names = parse.Words(DAYS)(value, where)
    if not names:
        parse.fail(where, _('needs at least one day, like ["mon", "tue", "wed", "thu", "fri"]'))
    return frozenset(DAYS.index(name) for name in names)


@dataclass(frozen=True)
class Schedule(Section):
    enabled: bool = setting(False, parse.boolean, meaning="remind only during work hours", doc="""\
Remind only during work hours. Outside them nothing fires, but sitting still counts, so the
first stretch of the day is honest; "pause until tomorrow" then ends at the next work day's
start.""")
    days: frozenset[int] = setting(["mon", "tue", "wed", "thu", "fri"], days, meaning="work days",
                                   doc='Work days: any of "mon", "tue", "wed", "thu", "fri", '
                                       '"sat", "sun".')
    start: time = setting("09:00", parse.clock, meaning="when work starts, local time",
                          doc="When work starts, local 24-hour time...")
    end: time = setting("18:00", parse.clock, meaning="when work ends", doc="...and when it ends.")
    lunch: tuple[time, time] | None = setting(
        "", parse.window, meaning='a window without reminders, like `"12:30-13:15"`',
        doc='A lunch window without reminders, like "12:30-13:15"; "" for none.')

    def problems(self, given: Collection[str]) -> Iterator[tuple[str, Text]]:
        if self.start >= self.end:
            yield "end", _("must be later than [schedule] start")
        elif self.lunch and not self.start <= self.lunch[0] < self.lunch[1] <= self.end:
            yield "lunch", _("must lie within [schedule] start and end")

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
