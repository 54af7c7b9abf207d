"""The coach's phases, one frozen type each, carrying only what that phase needs.

Every phase but a finished absence belongs to a stretch of sitting (`Stretch`): how long you have
sat, when the break is due, how many reminders this break had. The coach holds exactly one phase
value at a time and replaces it on every transition (`coach.TRANSITIONS` says which command does
what in which phase); nothing here changes in place.

    Sitting ──due──> Due ──(repeat)──> Due        any phase ──pause──> Paused ──resume/timer──┐
       │   └─held──> Held ──hold ends──> Due      Sitting/Snoozed/Due/Held ──no input──> Away  │
       └─snooze──> Snoozed ──due──> Due           Away ──back──> (where it was, or Sitting)    │
    Sitting/Snoozed/Due/Held ──start──> GuidedBreak ──done/stop/away──> Sitting  <──────────────┘
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

from . import guide
from .events import Hold, Phase
from .exercises import Exercise


@dataclass(frozen=True)
class Stretch:
    """A stretch of sitting, from one break to the next."""

    sitting: float = 0.0  # seconds of sitting so far
    due_at: float = 0.0  # the sitting seconds at which the break is due
    reminded: int = 0  # reminders of this break so far, whatever came between them
    headed_up: bool = False  # the heads-up before it was shown

    def sat(self, seconds: float) -> Stretch:
        return replace(self, sitting=max(0.0, self.sitting + seconds))

    @property
    def due_in(self) -> float:
        return max(0.0, self.due_at - self.sitting)


@dataclass(frozen=True)
class Absence:
    """Time away from the desk: no input, the screen locked, the machine asleep."""

    seconds: float = 0.0
    logged: bool = False  # long enough to be a natural break, and journaled as one

    def longer(self, seconds: float) -> Absence:
        return replace(self, seconds=self.seconds + seconds)


@dataclass(frozen=True)
class Sitting:
    """At the desk, the break not due yet."""

    phase: ClassVar[Phase] = Phase.SITTING
    stretch: Stretch


@dataclass(frozen=True)
class Snoozed:
    """A reminder was put off: the break is due again at `stretch.due_at`."""

    phase: ClassVar[Phase] = Phase.SNOOZED
    stretch: Stretch


@dataclass(frozen=True)
class Due:
    """Reminded and not answered yet."""

    phase: ClassVar[Phase] = Phase.DUE
    stretch: Stretch
    repeats: int  # reminders since the break was due or last answered (bounded by max_reminders)
    reminded_at: float  # the sitting seconds of the last one


@dataclass(frozen=True)
class Held:
    """Due, but something keeps the reminder back (do not disturb, a call, off hours)."""

    phase: ClassVar[Phase] = Phase.HELD
    stretch: Stretch
    hold: Hold
    since: float  # wall time it began holding
    repeats: int = 0  # reminders shown before the hold, as in Due
    reminded_at: float = 0.0


@dataclass(frozen=True)
class Paused:
    """No reminders until `until` (math.inf: until resumed). Sitting still counts, and an
    absence in the meantime is a natural break as ever."""

    phase: ClassVar[Phase] = Phase.PAUSED
    stretch: Stretch
    until: float
    absence: Absence | None = None
    snoozed: bool = False  # it was snoozed when paused, and will be again after


@dataclass(frozen=True)
class Away:
    """Away from the desk. `before` is the phase to go back to when the absence stays short of a
    natural break; once it is one, `before` is a fresh Sitting."""

    phase: ClassVar[Phase] = Phase.AWAY
    before: Sitting | Snoozed | Due | Held
    absence: Absence

    @property
    def stretch(self) -> Stretch:
        return self.before.stretch


@dataclass(frozen=True)
class GuidedBreak:
    """A guided break under way, in the notification or in a terminal (`elsewhere`)."""

    phase: ClassVar[Phase] = Phase.GUIDING
    before: Sitting | Snoozed | Due | Held | Paused  # where it goes back to when it ends
    exercise: Exercise
    dose: int
    steps: tuple[guide.Step, ...]
    began: float  # wall time
    early: bool  # started before any reminder of the stretch
    elsewhere: bool = False  # `glutewake guide` in a terminal keeps its time and says the end
    elapsed: float = 0.0  # seconds of guided time (waits not counted)
    paused: bool = False  # waiting: the screen locked, you away, a call
    # what was shown last: (step, countdown, paused)
    shown: tuple[object, ...] | None = field(default=None, compare=False)
    locked_since: float | None = None  # wall time the screen locked during it

    @property
    def stretch(self) -> Stretch:
        return self.before.stretch


State = Sitting | Snoozed | Due | Held | Paused | Away | GuidedBreak
# The phases a stretch is open in and a person at the desk: where reminders come from.
AT_DESK = (Sitting, Snoozed, Due, Held)
