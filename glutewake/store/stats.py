"""What the journal says about your days: counts, shares, stretches, streaks, favourites.

Days are the local dates stored with each event, so a journal written while travelling reads as
the days you lived, and a stretch that crosses midnight counts on the day it ended. Everything is
aggregated in SQLite: five years of heavy use answer in a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from ..core.dose import REST_AFTER_PAIN, Doses, Feedback
from ..core.events import STRETCH_ENDS, Kind
from ..core.exercises import Exercise
from ..core.inputs import Past
from .pattern import Pattern
from .pattern import measure as measure_pattern
from .reading import Read

# A done that counts toward the dose and level 2: guided, or answering a reminder (not early).
COUNTED = "kind = 'done' AND (guided = 1 OR early = 0)"


@dataclass
class Day:
    date: str
    reminders: int = 0  # breaks you were reminded of (repeats of the same reminder not counted)
    done: int = 0  # breaks taken, early ones included
    answered: int = 0  # breaks reminded and then done or skipped
    snoozed: int = 0
    skipped: int = 0
    natural_breaks: int = 0
    longest_stretch_seconds: int = 0
    sitting_seconds: int = 0
    away_seconds: int = 0  # time away from the desk in absences that were natural breaks

    @property
    def answered_share(self) -> float | None:
        return min(1.0, self.answered / self.reminders) if self.reminders else None

    def add(self, other: Day) -> None:
        for name in ("reminders", "done", "answered", "snoozed", "skipped", "natural_breaks",
                     "sitting_seconds", "away_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.longest_stretch_seconds = max(self.longest_stretch_seconds,
                                           other.longest_stretch_seconds)

    def as_json(self, goal: int) -> dict[str, object]:
        # asdict copies deeply: slow
        data: dict[str, object] = {name: getattr(self, name) for name in JSON_FIELDS}
        share = self.answered_share
        data["answered_share"] = None if share is None else round(share, 3)
        if goal:
            data["goal_met"] = self.done >= goal
        return data


JSON_FIELDS = tuple(f.name for f in fields(Day))


@dataclass
class Report:
    first: date
    last: date
    goal: int
    days: list[Day]
    total: Day
    streak: int
    most_done: tuple[str, int] | None
    least_done: tuple[str, int] | None
    per_exercise: dict[str, int] = field(default_factory=dict)
    pattern: Pattern | None = None  # bouts of sitting (see store/pattern.py)

    def as_json(self) -> dict[str, object]:
        """The documented, stable shape of `glutewake stats --json` (see README)."""
        def pair(p: tuple[str, int] | None) -> dict[str, object] | None:
            return None if p is None else {"exercise": p[0], "count": p[1]}

        total = self.total.as_json(0)
        total.pop("date")
        return {
            "from": self.first.isoformat(), "to": self.last.isoformat(), "goal": self.goal,
            "days": [day.as_json(self.goal) for day in self.days], "totals": total,
            "streak_days": self.streak, "most_done": pair(self.most_done),
            "least_done": pair(self.least_done), "done_per_exercise": self.per_exercise,
            "pattern": None if self.pattern is None else self.pattern.as_json(),
        }


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def report(read: Read, first: date, last: date, goal: int, today: date,
           device: str | None = None) -> Report:
    """Statistics for the local days first..last; `read(sql, args)` queries the journal.
    `device` narrows the sitting pattern to one computer's (where the journal knows them)."""
    span = (first.isoformat(), last.isoformat())
    by_day = {d.isoformat(): Day(d.isoformat()) for d in days_between(first, last)}
    rows = read(
        """SELECT local_date, kind, COUNT(*),
                   SUM(CASE WHEN kind = 'reminded' AND reminder = 1 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN kind = 'done' AND early = 0 THEN 1 ELSE 0 END),
                   MAX(sitting), SUM(sitting), SUM(duration)
            FROM events WHERE local_date BETWEEN ? AND ?
              AND kind IN ('reminded', 'done', 'snoozed', 'skipped', 'natural_break', 'stopped',
                           'away')
            GROUP BY local_date, kind""", span)
    for day, kind, count, first_reminders, answered, longest, total, away in rows:
        entry, kind = by_day[day], Kind(kind)
        if kind == "reminded":
            entry.reminders = first_reminders
        elif kind == "done":
            entry.done = count
            entry.answered += answered
        elif kind == "snoozed":
            entry.snoozed = count
        elif kind == "skipped":  # only a break that was due can be skipped
            entry.skipped = count
            entry.answered += count
        elif kind == "natural_break":
            entry.natural_breaks = count
        elif kind == "away":
            entry.away_seconds = round(away or 0)
        if kind in STRETCH_ENDS:
            entry.longest_stretch_seconds = max(entry.longest_stretch_seconds, round(longest or 0))
            entry.sitting_seconds += round(total or 0)
    days = list(by_day.values())
    total = Day("total")
    for day in days:
        total.add(day)
    per_exercise: dict[str, int] = dict(read(
        """SELECT exercise, COUNT(*) FROM events WHERE kind = 'done' AND exercise IS NOT NULL
           AND local_date BETWEEN ? AND ? GROUP BY exercise ORDER BY COUNT(*) DESC, exercise""",
        span))
    # "least done" among the exercises offered in these days: one never suggested is not one
    # you avoided
    offered = read("SELECT DISTINCT exercise FROM events WHERE kind = 'reminded' AND exercise "
                   "IS NOT NULL AND local_date BETWEEN ? AND ?", span)
    counts = {name: 0 for (name,) in offered} | per_exercise
    most = max(per_exercise.items(), key=lambda p: (p[1], p[0]), default=None)
    least = min(counts.items(), key=lambda p: (p[1], p[0]), default=None)
    return Report(first, last, goal, days, total, streak(read, goal, today), most, least,
                  per_exercise, measure_pattern(read, first, last, device))


def streak(read: Read, goal: int, today: date) -> int:
    """Days in a row with at least `goal` breaks done. Days glutewake did not run at all
    (weekends, holidays) neither count nor break the streak, and today, still under way, only
    counts once it is met."""
    if goal <= 0:
        return 0
    done: dict[str, int] = dict(read("SELECT local_date, COUNT(*) FROM events WHERE kind = 'done' "
                     "AND local_date <= ? GROUP BY local_date", (today.isoformat(),)))
    used = [row[0] for row in read("SELECT DISTINCT local_date FROM events WHERE local_date <= ? "
                                   "ORDER BY local_date DESC", (today.isoformat(),))]
    count = 0
    for day in used:
        if done.get(day, 0) >= goal:
            count += 1
        elif day != today.isoformat():
            break
    return count


def counted(read: Read, level_one: Iterable[str], now: float | None = None) -> Past:
    """The counted breaks replayed, as the coach counts them (`Past.count`): the way to level 2
    since the last month without one, settled at `now` when given."""
    ids, found = set(level_one), Past()
    for ts, day, exercise in read(f"SELECT ts, local_date, exercise FROM events WHERE {COUNTED} "
                                  "ORDER BY ts, id"):
        found.count(ts, date.fromisoformat(day), exercise in ids)
    if now is not None:
        found.settle(now)
    return found


def progress(read: Read, level_one: Iterable[str], now: float | None = None
             ) -> tuple[int, int, date | None]:
    """(counted level-1 breaks, distinct days with one, the last such day): what unlocks level
    2, counted since the last month without a counted break."""
    found = counted(read, level_one, now)
    return found.level_one_done, found.level_one_days, found.last_level_one_day


def hurt(read: Read, now: float) -> dict[str, float]:
    """Exercise -> when it last hurt, for the moves that hurt within REST_AFTER_PAIN of `now`."""
    return dict(read("SELECT exercise, MAX(ts) FROM events WHERE kind = 'feedback' AND "
                     "feedback = ? AND exercise IS NOT NULL AND ts > ? GROUP BY exercise",
                     (Feedback.PAIN.value, now - REST_AFTER_PAIN)))


def past(read: Read, catalog: Sequence[Exercise], today: date, now: float | None = None) -> Past:
    """What the coach needs to know of the journal when it starts at `now` (by default the end
    of `today`)."""
    def last_times(kind: Kind) -> dict[str, float]:
        return dict(read("SELECT exercise, MAX(ts) FROM events WHERE kind = ? AND exercise IS "
                         "NOT NULL GROUP BY exercise", (kind.value,)))

    if now is None:
        now = datetime.combine(today, time.max).timestamp()
    # this computer's breaks today: the other computers' come from sync (Observation)
    rows = read("SELECT COUNT(*) FROM events WHERE kind = 'done' AND local_date = ? "
                "AND device = ''", (today.isoformat(),))
    found = counted(read, (e.id for e in catalog if e.level == 1), now)
    groups = {e.id: e.group for e in catalog}
    groups_today: dict[str, int] = {}
    for exercise, count in read("SELECT exercise, COUNT(*) FROM events WHERE kind = 'done' "
                                "AND local_date = ? AND exercise IS NOT NULL GROUP BY exercise",
                                (today.isoformat(),)):
        if exercise in groups:
            groups_today[groups[exercise]] = groups_today.get(groups[exercise], 0) + count
    found.done, found.offered = last_times(Kind.DONE), last_times(Kind.REMINDED)
    found.today, found.done_today = today, rows[0][0] if rows else 0
    found.doses, found.groups_today, found.hurt = doses(read, now), groups_today, hurt(read, now)
    return found


def doses(read: Read, now: float | None = None) -> Doses:
    """Each exercise's dose, replayed from its breaks and the feedback on them as the coach
    moves it, and stepped back for the weeks since the last counted break up to `now`."""
    found = Doses()
    for kind, exercise, ts, feedback, early, guided in read(
            "SELECT kind, exercise, ts, feedback, early, guided FROM events WHERE kind IN "
            "('done', 'feedback') AND exercise IS NOT NULL ORDER BY ts, id"):
        if kind == Kind.DONE:
            found.done(exercise, ts, counts=bool(guided) or not early)
        elif feedback in tuple(Feedback):
            found.feedback(exercise, Feedback(feedback))
    if now is not None:
        found.catch_up(now)
    return found
