"""The nouns of the journal and of the coach's state, defined once.

A journal row is a `Record`: a `Kind` plus structured fields. Nothing here is a sentence: the
words a person reads are rendered from these in `phrases`, and statistics query the fields.
The values of the enums are what the journal stores, so they never change once shipped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    STARTED = "started"
    REMINDED = "reminded"
    HELD = "held"  # a due reminder waits (do not disturb, off hours, ...)
    DONE = "done"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    NATURAL_BREAK = "natural_break"  # away long enough: a break taken without a reminder
    PAUSED = "paused"
    RESUMED = "resumed"
    STOPPED = "stopped"
    LEVEL_UP = "level_up"
    FEEDBACK = "feedback"  # "too easy", "too hard" or "pain" about the exercise just done
    PARTIAL = "partial"  # a guided break stopped early: what was done, for how long
    AWAY = "away"  # an absence that was a natural break ended (back, or stopped): how long


# Events that end a stretch of sitting; their `sitting` is the whole stretch.
STRETCH_ENDS = (Kind.DONE, Kind.SKIPPED, Kind.NATURAL_BREAK, Kind.STOPPED)


class Reason(StrEnum):
    """Why reminders wait, or who ended a pause."""

    MANUAL = "manual"  # the person said so (pause, resume)
    TIMER = "timer"  # a pause ran out
    OFF_HOURS = "off_hours"
    LUNCH = "lunch"
    DO_NOT_DISTURB = "do_not_disturb"
    FULLSCREEN = "fullscreen"
    PRESENTATION = "presentation"
    APP = "app"  # a program named in [quiet] apps is running
    MICROPHONE = "microphone"  # a program records from a microphone: a call
    CAMERA = "camera"  # a program holds the camera open: a video call
    MEETING = "meeting"  # a busy event in one of [quiet] calendars

    @property
    def call(self) -> bool:
        """A call or meeting: you are still at work even without typing, so idle time during it
        is sitting, not a break."""
        return self in (Reason.MICROPHONE, Reason.CAMERA, Reason.MEETING)


class Phase(StrEnum):
    SITTING = "sitting"
    DUE = "due"  # reminded, not answered yet
    HELD = "held"  # due, but a hold keeps the reminder back
    SNOOZED = "snoozed"
    PAUSED = "paused"
    AWAY = "away"
    GUIDING = "guiding"  # a guided break is under way


@dataclass(frozen=True)
class Hold:
    """A reason reminders must wait right now."""

    reason: Reason
    source: str | None = None  # the program (APP, MICROPHONE, CAMERA) or event title (MEETING)
    until: float | None = None  # wall time the hold ends, when known (off hours, lunch, meeting)


@dataclass(frozen=True)
class Busy:
    """A busy block in the person's calendars: when it starts and ends (wall times)."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Record:
    """One journal row, as the coach decides it."""

    kind: Kind
    wall: float  # seconds since the epoch
    sitting: float  # seconds of sitting in the stretch at that moment
    exercise: str | None = None
    reason: Reason | None = None  # held, paused, resumed; reminded after a hold
    source: str | None = None  # the program behind Reason.APP
    reminder: int | None = None  # reminded: 1 for the first reminder of a break
    duration: float | None = None  # snoozed: its length; natural_break: time away so far;
    #                                 away: the whole absence, ending at `wall`;
    #                                 reminded: how long it was held first
    until: float | None = None  # paused: wall time the pause ends (None: until resumed);
    #                              reminded with reason MEETING and no duration: offered before
    #                              a meeting that starts at `until`
    early: bool = False  # done before the break was due
    level: int | None = None  # level_up: the level reached
    dose: int | None = None  # done: the dose step it was done at (0 low, 1 middle, 2 high)
    feedback: str | None = None  # feedback: a dose.Feedback value ("easy", "hard", "pain")
    guided: bool = False  # done: through the guided break

    def __post_init__(self) -> None:
        # Kinds and reasons are checked where a record is made: a misspelt one fails here.
        object.__setattr__(self, "kind", Kind(self.kind))
        if self.reason is not None:
            object.__setattr__(self, "reason", Reason(self.reason))

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items()
                if value is not None and value is not False}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """The inverse of as_dict; ValueError or TypeError on anything else."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise TypeError(f"unknown fields {sorted(unknown)}")
        return cls(**data)
