"""The sitting pattern: how long each bout of sitting lasts and how often a break ends one.

A *bout* is the sitting between two breaks, read from the journal's stretch ends
(`events.STRETCH_ENDS`), each of which carries its stretch's sitting seconds:

- a break done (early, reminded or guided) or a natural break (away long enough) ends a bout;
- a skipped break does not: you stayed in your chair, so the stretch before a skip and the one
  after it are one bout (skip twice and three stretches are one bout);
- a snooze does not either: the coach keeps counting the same stretch through it;
- nor does a guided break stopped early (a partial one): the coach counts the stretch on;
- glutewake stopping ends a bout: what came after it is unknown;
- a bout counts on the local day it ended, as the statistics do, and only when it has sitting
  in it (a break taken right after another ends no bout).

Sitting time at the computer is the sum of the bouts. Breaks are the bouts ended by a break
done or a natural break, so "breaks per sitting hour" is how often sitting was interrupted.

Weeks here are seven days ending on a given day (the last day of `stats`), so "this week" and
"the week before" are always whole and comparable. SQLite picks the stretch ends in time order;
one pass joins them into bouts, for the measures and for the history page's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..i18n import _
from .reading import Read, Row

LONG = 30 * 60  # seconds: bouts of 30 minutes or more ...
VERY_LONG = 60 * 60  # ... and of 60 or more (Diaz et al. 2017)
BREAKS = ("done", "natural_break")  # what ends a bout and counts as a break
JOINED = "skipped"  # ends a stretch, not a bout


@dataclass
class Measures:
    """The pattern over some span: a day, a week, a device."""

    sitting_seconds: int = 0
    bouts: int = 0
    longest_bout_seconds: int = 0
    bouts_30_min_seconds: int = 0  # sitting in bouts of 30 minutes or more
    bouts_60_min_seconds: int = 0  # sitting in bouts of 60 minutes or more
    breaks: int = 0  # bouts ended by a break done or a natural break

    @property
    def mean_bout_seconds(self) -> int | None:
        return round(self.sitting_seconds / self.bouts) if self.bouts else None

    @property
    def share_30(self) -> float | None:
        return self.bouts_30_min_seconds / self.sitting_seconds if self.sitting_seconds else None

    @property
    def share_60(self) -> float | None:
        return self.bouts_60_min_seconds / self.sitting_seconds if self.sitting_seconds else None

    @property
    def breaks_per_hour(self) -> float | None:
        """Breaks per hour of sitting: every 20 minutes is 3."""
        return self.breaks * 3600 / self.sitting_seconds if self.sitting_seconds else None

    def add(self, other: Measures) -> None:
        for name in ("sitting_seconds", "bouts", "bouts_30_min_seconds", "bouts_60_min_seconds",
                     "breaks"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.longest_bout_seconds = max(self.longest_bout_seconds, other.longest_bout_seconds)

    def as_json(self) -> dict[str, float | None]:
        """The documented, stable keys (README: "The sitting pattern"): numbers, or None."""
        def share(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "sitting_seconds": self.sitting_seconds, "bouts": self.bouts,
            "mean_bout_seconds": self.mean_bout_seconds,
            "longest_bout_seconds": self.longest_bout_seconds,
            "bouts_30_min_seconds": self.bouts_30_min_seconds,
            "bouts_60_min_seconds": self.bouts_60_min_seconds,
            "bouts_30_min_share": share(self.share_30), "bouts_60_min_share": share(self.share_60),
            "breaks": self.breaks,
            "breaks_per_sitting_hour": None if self.breaks_per_hour is None
            else round(self.breaks_per_hour, 2),
        }


def total(measures: Iterable[Measures]) -> Measures:
    found = Measures()
    for one in measures:
        found.add(one)
    return found


@dataclass
class Week:
    first: date
    last: date
    measures: Measures

    def as_json(self) -> dict[str, object]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(),
                **self.measures.as_json()}


@dataclass
class Pattern:
    """The pattern of the days first..last, with the trend of the week ending on `last`."""

    days: dict[str, Measures]  # local date -> its measures, every day of the span
    weeks: list[Week]  # seven days each, ending on `last`; the first may be cut by the span
    this_week: Week  # the seven days ending on `last`
    week_before: Week  # the seven days before those
    devices: dict[str, Measures] = field(default_factory=dict)  # only when there are several

    @property
    def total(self) -> Measures:
        return total(self.days.values())

    def as_json(self) -> dict[str, object]:
        """`pattern` in `glutewake stats --json` (README: "The sitting pattern")."""
        return {
            "days": [{"date": day, **m.as_json()} for day, m in self.days.items()],
            "totals": self.total.as_json(),
            "weeks": [week.as_json() for week in self.weeks],
            "this_week": self.this_week.as_json(),
            "week_before": self.week_before.as_json(),
            "devices": [{"device": name, **m.as_json()} for name, m in self.devices.items()],
        }


def has_devices(read: Read) -> bool:
    """Whether the journal knows which computer wrote each event (multi-device sync)."""
    return bool(read("SELECT 1 FROM pragma_table_info('events') WHERE name = 'device'"))


def _bouts(read: Read, first: date, last: date, device: str | None, columns: str = ""
           ) -> Iterator[Row]:
    """(device, local date, kind, seconds, *columns) of each bout that ended on first..last, in
    time order per computer. Stretch ends from the day before are read too, so a skip just
    before midnight joins the bout that ends after it. `device` keeps one computer's; it is no
    filter on a journal without devices, which has only one. The stretch ends are joined here
    rather than in SQL: a window over five years took twice as long as this loop."""
    devices = has_devices(read)
    where, args = "", [(first - timedelta(days=1)).isoformat(), last.isoformat()]
    if devices and device is not None:
        where, args = " AND device = ?", args + [device]
    rows = read(
        f"SELECT {'device' if devices else 'NULL'}, local_date, kind, sitting{columns} "
        "FROM events WHERE kind IN ('done', 'skipped', 'natural_break', 'stopped') "
        f"AND local_date BETWEEN ? AND ?{where} ORDER BY {'device, ' if devices else ''}ts, id",
        args)
    carried, owner, start = 0.0, None, first.isoformat()
    for name, day, kind, sitting, *more in rows:
        if name != owner:  # bouts never run from one computer's stretch into another's
            carried, owner = 0.0, name
        if kind == JOINED:
            carried += sitting
            continue
        seconds, carried = round(carried + sitting), 0.0
        if seconds > 0 and day >= start:
            yield name, day, kind, seconds, *more


def _days(read: Read, first: date, last: date, device: str | None, by_device: bool = False
          ) -> dict[tuple[str, str], Measures]:
    """(local date, device or "") -> that day's measures."""
    found: dict[tuple[str, str], Measures] = {}
    for name, day, kind, seconds in _bouts(read, first, last, device):
        key = (day, (name or "") if by_device else "")
        m = found.get(key)
        if m is None:
            m = found[key] = Measures()
        m.sitting_seconds += seconds
        m.bouts += 1
        m.longest_bout_seconds = max(m.longest_bout_seconds, seconds)
        if seconds >= LONG:
            m.bouts_30_min_seconds += seconds
        if seconds >= VERY_LONG:
            m.bouts_60_min_seconds += seconds
        if kind in BREAKS:
            m.breaks += 1
    return found


def measure(read: Read, first: date, last: date, device: str | None = None) -> Pattern:
    """The pattern of the local days first..last (and of the two weeks ending on `last`)."""
    start = min(first, last - timedelta(days=13))
    found = {day: m for (day, _name), m in _days(read, start, last, device).items()}

    def span(a: date, b: date) -> Measures:
        return total(found.get((a + timedelta(days=n)).isoformat(), Measures())
                     for n in range((b - a).days + 1))

    names = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    days = {name: found.get(name, Measures()) for name in names}
    weeks = []
    end = last
    while end >= first:
        begin = max(first, end - timedelta(days=6))
        weeks.append(Week(begin, end, span(begin, end)))
        end -= timedelta(days=7)
    weeks.reverse()
    this = Week(last - timedelta(days=6), last, span(last - timedelta(days=6), last))
    before = Week(last - timedelta(days=13), last - timedelta(days=7),
                  span(last - timedelta(days=13), last - timedelta(days=7)))
    devices: dict[str, Measures] = {}
    if device is None and has_devices(read):
        for (_day, name), m in _days(read, first, last, None, by_device=True).items():
            devices.setdefault(name, Measures()).add(m)
        devices = {} if len(devices) < 2 else _named(read, devices)
    return Pattern(days, weeks, this, before, devices)


def _named(read: Read, devices: dict[str, Measures]) -> dict[str, Measures]:
    """The computers by the names sync knows them by (its `devices` table; '' is this one), an
    id where it knows none, and the id's first characters beside a name two share (a cloned
    computer keeps its name)."""
    known: dict[str, str] = dict(read("SELECT id, name FROM devices")) if read(
        "SELECT 1 FROM sqlite_master WHERE name = 'devices'") else {}
    names = {key: known.get(key) or key or _("this computer") for key in devices}
    taken = list(names.values())
    return {(f"{names[key]} ({key[:8]})" if taken.count(names[key]) > 1 and key else names[key]):
            m for key, m in devices.items()}


@dataclass(frozen=True)
class Bout:
    """One bout, for the timeline: where it ends on the local clock and how long it was."""

    local_date: str
    end: float  # seconds after the local midnight of `local_date` (may pass 24 h: never)
    seconds: int
    ended_by: str  # done, natural_break or stopped

    @property
    def start(self) -> float:
        return self.end - self.seconds


@dataclass(frozen=True)
class Mark:
    """A break on the timeline: done (a moment) or away (a span, natural breaks)."""

    local_date: str
    start: float  # seconds after local midnight
    end: float
    kind: str  # "done" or "away"


def _seconds_of_day(ts: float, offset_minutes: int, local_date: str) -> float:
    midnight = date.fromisoformat(local_date)
    local = ts + offset_minutes * 60
    return local - (midnight - date(1970, 1, 1)).days * 86400


def timeline(read: Read, first: date, last: date, device: str | None = None
             ) -> tuple[list[Bout], list[Mark]]:
    """The bouts and breaks of the days first..last (meant for a week or so)."""
    bouts = []
    for _name, day, kind, seconds, end_ts, offset, duration in _bouts(
            read, first, last, device, ", ts, utc_offset, duration"):
        # a natural break is written once the time away is long enough: the bout ended when
        # the absence began
        ended = end_ts - (duration or 0) if kind == "natural_break" else end_ts
        bouts.append(Bout(day, _seconds_of_day(ended, offset, day), seconds, kind))
    bouts.sort(key=lambda b: (b.local_date, b.end))
    extra = [device] if device is not None and has_devices(read) else []
    device_filter = " AND device = ?" if extra else ""
    marks = []
    for ts, day, offset, kind, duration in read(
            "SELECT ts, local_date, utc_offset, kind, duration FROM events WHERE kind IN "
            f"('done', 'away') AND local_date BETWEEN ? AND ?{device_filter} ORDER BY ts",
            [first.isoformat(), last.isoformat(), *extra]):
        end = _seconds_of_day(ts, offset, day)
        marks.append(Mark(day, end - (duration or 0) if kind == "away" else end, end, kind))
    return bouts, marks


# --- the weekly summary -------------------------------------------------------------------------

def week_key(day: date) -> str:
    """The ISO week a day is in, like "2026-W47": what the weekly summary remembers."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def summary_due(today: date, at_work: bool, last_summarised: str | None) -> date | None:
    """The last day of the week to summarise now, or None: the first look at work in a new
    (ISO, Monday-first) week, once. The week summarised is the calendar week that ended last
    Sunday, against the one before it."""
    if not at_work or last_summarised == week_key(today):
        return None
    return today - timedelta(days=today.isoweekday())
