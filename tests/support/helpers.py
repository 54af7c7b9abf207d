"""Shared test helpers: settings from a dict, and a fake clock that drives a coach."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from glutewake.app import settings_file
from glutewake.core.coach import Coach, Observation, Remind
from glutewake.core.events import Hold, Record
from glutewake.store.journal import Journal

START_WALL = 1_763_800_000.0  # a fixed moment, so tests never depend on today's date


def settings(**breaks):
    """Settings with [breaks] keys overridden, e.g. settings(every="30m")."""
    return configured(breaks=breaks)


def configured(**tables):
    """Settings from tables as the settings file writes them, e.g.
    configured(quiet={"microphone": False})."""
    return settings_file.build({name: table for name, table in tables.items() if table},
                               Path("test.toml"))


def at(day: date, hour: int, minute: int = 0) -> float:
    """The wall time of a local clock time on a day."""
    return datetime(day.year, day.month, day.day, hour, minute).timestamp()


def journal_with(tmp_path: Path, records: list[Record]) -> Journal:
    """A journal in tmp_path holding `records`."""
    journal = Journal(tmp_path / "j.sqlite3")
    for record in records:
        journal.record(record)
    return journal


class Desk:
    """A person at a desk, seen by a coach: time passes, input stops and starts, screens lock."""

    def __init__(self, coach: Coach | None = None, **breaks):
        self.coach = coach or Coach(settings(**breaks))
        self.wall, self.mono = START_WALL, 1000.0
        self.idle: float | None = 0.0
        self.hold: Hold | None = None  # why reminders must wait (do not disturb, ...)
        self.inhibitor: str | None = None  # who keeps the desktop from idling (a film)
        self.remote_break: float | None = None  # the latest break on another computer
        self.remote_input: float | None = None  # the latest input on another computer
        self.next_busy = None  # the next busy block of the calendars (events.Busy)
        self.effects: list = []
        self.observe()

    def observe(self, locked: bool = False):
        new = self.coach.observe(Observation(self.wall, self.mono, self.idle, locked, self.hold,
                                             inhibitor=self.inhibitor,
                                             remote_break=self.remote_break,
                                             remote_input=self.remote_input,
                                             next_busy=self.next_busy))
        self.effects += new
        return new

    def sit(self, seconds: float, step: float = 15.0, locked: bool = False):
        """Time passes with regular input (idle stays near zero), observed every `step` s."""
        new = []
        while seconds > 1e-9:
            dt = min(step, seconds)
            self.wall += dt
            self.mono += dt
            self.idle = 0.0 if self.idle is not None else None
            new += self.observe(locked)
            seconds -= dt
        return new

    def leave(self, seconds: float, step: float = 15.0, locked: bool = False):
        """No input for `seconds` (idle grows), observed every `step` seconds."""
        new = []
        idle = self.idle or 0.0
        while seconds > 1e-9:
            dt = min(step, seconds)
            self.wall += dt
            self.mono += dt
            idle += dt
            self.idle = idle
            new += self.observe(locked)
            seconds -= dt
        return new

    def sleep(self, seconds: float):
        """The machine is suspended: wall time jumps, the monotonic clock stands still."""
        self.wall += seconds
        self.idle = 0.0
        return self.observe()

    def command(self, cmd):
        new = self.coach.command(cmd)
        self.effects += new
        return new


def reminders(effects):
    return [e for e in effects if isinstance(e, Remind)]


def records(effects, kind=None):
    return [e for e in effects if isinstance(e, Record) and (kind is None or e.kind == kind)]
