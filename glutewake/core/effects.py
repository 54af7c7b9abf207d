"""What the coach says back: effects for the daemon to carry out, the answer to a command, and
the status value everything outside renders. Plain values: adapters and ports import these, never
the coach's machine itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from . import guide
from .dose import Rated
from .events import Busy, Hold, Phase, Record
from .exercises import Exercise


@dataclass(frozen=True)
class Remind:
    exercise: Exercise
    sitting: float
    count: int  # 1 for the first reminder since the break was due or last answered
    final: bool  # no further repeats will follow
    dose: int = 0  # the dose step to do it at
    after: Hold | None = None  # the call or meeting that held it, when one just ended
    limit: int = 0  # how many reminders at most since the break was due or last answered
    before: Busy | None = None  # offered early: a long meeting starts soon


@dataclass(frozen=True)
class HeadsUp:
    """A break is due soon: a gentle note with a chance to snooze."""

    exercise: Exercise
    sitting: float
    due_in: float


@dataclass(frozen=True)
class Guiding:
    """A guided break under way: what to show now."""

    exercise: Exercise
    dose: int
    where: guide.Place
    steps: int  # how many steps the plan has
    paused: bool = False  # the screen is locked or a hold (a call) interrupts


@dataclass(frozen=True)
class GuideDone:
    """The guided break is finished and logged."""

    exercise: Exercise
    seconds: float
    next_in: float  # sitting seconds until the next break


@dataclass(frozen=True)
class Withdraw:
    """Take the reminder off the screen: it was answered or is no longer relevant."""


class Reply(StrEnum):
    STARTING = "starting"
    LOGGED = "logged"
    SNOOZED = "snoozed"
    NOTHING_TO_SNOOZE = "nothing_to_snooze"  # paused
    SKIPPED = "skipped"
    NOTHING_TO_SKIP = "nothing_to_skip"
    PAUSED = "paused"
    PAUSE_IN_PAST = "pause_in_past"
    RESUMED = "resumed"
    NOT_PAUSED = "not_paused"
    STOPPED = "stopped"
    APPLIED = "applied"
    RATED = "rated"
    NOTHING_TO_RATE = "nothing_to_rate"
    GUIDING = "guiding"
    ALREADY_GUIDING = "already_guiding"
    NOT_GUIDING = "not_guiding"
    PARTIAL = "partial"
    UNKNOWN_EXERCISE = "unknown_exercise"
    ENDED_ALREADY = "ended_already"  # a terminal's guide that the daemon had ended and logged


@dataclass(frozen=True)
class Answer:
    """The reply to a command, as facts; `phrases.answer` words it."""

    reply: Reply
    ok: bool = True
    exercise: Exercise | None = None
    seconds: float | None = None  # sitting time until the next break (or reminder)
    until: float | None = None  # wall time a pause ends; None with PAUSED: until resumed
    early: bool = False  # done or snoozed before the break was due
    done_today: int = 0
    goal: int = 0
    dose: int | None = None  # RATED: the exercise's dose step from now on
    rating: Rated | None = None  # RATED, or LOGGED with feedback: what the rating did


Effect = Remind | HeadsUp | Guiding | GuideDone | Withdraw | Record | Answer
Note = Remind | HeadsUp | Guiding | GuideDone  # what a notifier shows


@dataclass(frozen=True)
class Status:
    """Where the coach is, for the tray, `status`, the D-Bus properties and status bars."""

    phase: Phase
    sitting: float
    due_in: float  # sitting seconds until the next reminder; 0 when due
    reminders: int  # reminders shown since the break was due or last answered
    paused_until: float | None  # wall time; math.inf when paused until resumed
    away_for: float
    exercise: Exercise
    hold: Hold | None = None  # why reminders wait right now, if they do
    done_today: int = 0
    goal: int = 0
    level: int = 1
    dose: int = 0  # the dose step of `exercise`
    hold_since: float | None = None  # wall time `hold` began
