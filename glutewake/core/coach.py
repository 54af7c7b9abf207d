"""The sitting coach: a pure state machine that decides when a break is due.

It never reads a clock, starts a thread or touches a file. The daemon feeds it `Observation`s
(wall time, monotonic time, idle seconds, screen locked) and user commands, and carries out the
effects it returns: `Remind`, `Withdraw` (the reminder on screen is no longer wanted), `Record`
(a journal row) and `Answer` (the reply to a command). Every command returns exactly one Answer.

Time is measured in *sitting seconds*: real time during which you were at the computer. Input
pauses shorter than `natural_break` count as sitting; being away (idle, locked, asleep) for at
least `natural_break` is a natural break that ends the stretch where the absence began.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .config import Settings
from .exercises import Exercise, pick
from .timespec import humanize

# A wall-clock step this much larger than the monotonic step between two observations means the
# machine slept (monotonic clocks stop during suspend) or the clock was moved forward.
SLEEP_GAP = 10.0
# How often to look while a due reminder is held (do not disturb, full screen, off hours).
HELD_LOOK = 2.0


@dataclass(frozen=True)
class Observation:
    wall: float  # seconds since the epoch
    mono: float  # a monotonic clock, any origin
    idle: float | None = None  # seconds since the last keyboard or mouse input; None = unknown
    locked: bool = False
    quiet: str | None = None  # why reminders must wait now ("full-screen window"), if they must


# --- commands ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Done:
    """You took the break (or an early one)."""


@dataclass(frozen=True)
class Snooze:
    seconds: int | None = None  # None: the configured snooze


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Pause:
    until: float | None  # wall time the pause ends; None: until resumed
    label: str  # how the caller describes the end, e.g. "until 14:30"


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Reconfigure:
    settings: Settings


Command = Done | Snooze | Skip | Pause | Resume | Stop | Reconfigure


# --- effects -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Remind:
    exercise: Exercise
    sitting: float
    count: int  # 1 for the first reminder of this break
    final: bool  # no further repeats will follow


@dataclass(frozen=True)
class HeadsUp:
    """A break is due soon: a gentle note with a chance to snooze."""

    exercise: Exercise
    sitting: float
    due_in: float


@dataclass(frozen=True)
class Withdraw:
    """Take the reminder off the screen: it was answered or is no longer relevant."""


@dataclass(frozen=True)
class Record:
    kind: str  # started reminded held done snoozed skipped natural_break paused resumed stopped
    wall: float
    sitting: float
    exercise: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Answer:
    ok: bool
    text: str


Effect = Remind | HeadsUp | Withdraw | Record | Answer


@dataclass(frozen=True)
class Status:
    phase: str  # sitting | due | held | snoozed | paused | away
    sitting: float
    due_in: float  # sitting seconds until the next reminder; 0 when due
    reminders: int  # reminders shown for the current break
    paused_until: float | None  # wall time; math.inf when paused until resumed
    away_for: float
    exercise: Exercise
    quiet: str | None = None  # why reminders wait right now, if they do


@dataclass
class History:
    """When each exercise was last done and last offered (wall times), for the picker."""

    done: dict[str, float] = field(default_factory=dict)
    offered: dict[str, float] = field(default_factory=dict)


class Coach:
    def __init__(self, settings: Settings, history: History | None = None):
        self.settings = settings
        self._history = history or History()
        self._last: Observation | None = None
        self._shown: str | None = None  # the exercise the last reminder suggested
        self._exercise = self._pick(current=None)
        self._paused_until: float | None = None
        self._away = False
        self._away_for = 0.0
        self._break_logged = False
        self._new_stretch()

    # --- queries ---

    @property
    def exercise(self) -> Exercise:
        """The exercise the next (or current) reminder suggests."""
        return self._exercise

    @property
    def history(self) -> History:
        return self._history

    def status(self) -> Status:
        due_in = max(0.0, self._due_at - self._sitting)
        if self._paused_until is not None:
            phase = "paused"
        elif self._away:
            phase = "away"
        elif self._held_since is not None:
            phase = "held"
        elif self._reminders:
            phase = "due"
        elif self._snoozed:
            phase = "snoozed"
        else:
            phase = "sitting"
        quiet = self._last.quiet if self._last else None
        return Status(phase, self._sitting, due_in, self._reminders, self._paused_until,
                      self._away_for if self._away else 0.0, self._exercise, quiet)

    def wake_in(self) -> float | None:
        """Real seconds until something may change if you stay as you are: the daemon should
        observe again by then. None when nothing is pending."""
        s = self.settings
        moments = []
        if self._paused_until is not None:
            if self._last is not None and self._paused_until != math.inf:
                moments.append(self._paused_until - self._last.wall)
        elif self._held_since is not None:
            moments.append(HELD_LOOK)  # fire within seconds of the hold's end
        elif self._sitting < self._due_at:
            moments.append(self._due_at - self._sitting)
            if s.heads_up and not self._headed_up and self._due_at - self._sitting > s.heads_up:
                moments.append(self._due_at - s.heads_up - self._sitting)
        elif 0 < self._reminders < s.max_reminders:
            moments.append(s.remind_again - (self._sitting - self._reminded_at))
        if self._away and not self._break_logged:
            moments.append(s.natural_break - self._away_for)
        elif not self._away and self._last is not None and self._last.idle is not None:
            moments.append(s.natural_break - self._last.idle)
        return max(0.0, min(moments)) if moments else None

    def soon(self, seconds: float) -> bool:
        """Whether a reminder or heads-up could come within `seconds` more sitting: only then
        is it worth asking the desktop whether reminders must wait."""
        return self._sitting + seconds >= self._due_at - self.settings.heads_up

    # --- observations ---

    def observe(self, obs: Observation) -> list[Effect]:
        effects: list[Effect] = []
        last, self._last = self._last, obs
        if last is None:
            effects.append(self._record("started"))
            elapsed = slept = 0.0
        else:
            elapsed = max(0.0, obs.mono - last.mono)
            gap = (obs.wall - last.wall) - elapsed
            slept = gap if gap > SLEEP_GAP else 0.0
        effects += self._advance(obs, elapsed, slept)
        if self._paused_until is not None and obs.wall >= self._paused_until:
            self._paused_until = None
            effects.append(self._record("resumed", detail="pause ended"))
        return effects + self._maybe_remind()

    def _advance(self, obs: Observation, elapsed: float, slept: float) -> list[Effect]:
        """Account for `elapsed` running seconds plus `slept` seconds asleep since the last look."""
        if slept:
            self._leave(0.0)
            self._away_for += slept
        idle = obs.idle
        present = not obs.locked and (idle is None or idle < self.settings.natural_break)
        # the part of this interval after the last input; all of it when idle time is unknown
        since_input = elapsed if idle is None else min(idle, elapsed)
        if present and not self._away:
            self._sitting += elapsed
            return []
        if present:
            self._away_for += elapsed - since_input
            effects = self._natural_break(obs)
            self._away = False
            self._sitting += since_input
            return effects
        if not self._away:
            # The absence began at the last input: what of it was counted as sitting is taken back.
            earlier = 0.0 if idle is None else max(0.0, idle - elapsed)
            self._sitting = max(0.0, self._sitting + elapsed - since_input - earlier)
            self._leave(since_input + earlier)
        else:
            self._away_for += elapsed
        return self._natural_break(obs)

    def _leave(self, already_away: float) -> None:
        if not self._away:
            self._away, self._away_for, self._break_logged = True, already_away, False

    def _natural_break(self, obs: Observation) -> list[Effect]:
        if not self._away or self._break_logged or self._away_for < self.settings.natural_break:
            return []
        self._break_logged = True
        effects: list[Effect] = [Withdraw()] if self._reminders else []
        if self._sitting > 0:
            effects.append(self._record("natural_break", detail=f"away {humanize(self._away_for)}"))
        self._new_stretch(repick=bool(self._reminders))  # a suggestion once shown is not repeated
        return effects

    def _maybe_remind(self) -> list[Effect]:
        s = self.settings
        if self._away or self._paused_until is not None:
            return []
        if self._sitting < self._due_at:
            return self._maybe_heads_up()
        if (self._reminders >= s.max_reminders
                or (self._reminders and self._sitting - self._reminded_at < s.remind_again)):
            return []
        assert self._last is not None
        quiet = self._last.quiet
        if quiet:  # held, not dropped: it fires when the reason ends
            if self._held_since is None:
                self._held_since, self._held_for = self._last.wall, quiet
                return [self._record("held", self._exercise.id, quiet)]
            return []
        detail = f"reminder {self._reminders + 1} of {s.max_reminders}"
        if self._held_since is not None:
            waited = max(0.0, self._last.wall - self._held_since)
            detail += f", held {humanize(waited)}: {self._held_for}"
            self._held_since = None
        self._reminders += 1
        self._reminded_at = self._sitting
        self._history.offered[self._exercise.id] = self._last.wall
        self._shown = self._exercise.id
        final = self._reminders >= s.max_reminders
        return [
            Remind(self._exercise, self._sitting, self._reminders, final),
            self._record("reminded", self._exercise.id, detail),
        ]

    def _maybe_heads_up(self) -> list[Effect]:
        s = self.settings
        due_in = self._due_at - self._sitting
        if not s.heads_up or self._headed_up or due_in > s.heads_up or self._last.quiet:
            return []
        self._headed_up = True
        return [HeadsUp(self._exercise, self._sitting, due_in)]

    # --- commands ---

    def command(self, cmd: Command) -> list[Effect]:
        if self._last is None:
            return [Answer(False, "glutewake is still starting; try again in a moment")]
        handler = {
            Done: self._done, Snooze: self._snooze, Skip: self._skip, Pause: self._pause,
            Resume: self._resume, Stop: self._stop, Reconfigure: self._reconfigure,
        }[type(cmd)]
        effects = handler(cmd)
        return effects + ([] if isinstance(cmd, Stop) else self._maybe_remind())

    def _done(self, _: Done) -> list[Effect]:
        exercise, early = self._exercise, not self._due
        effects = self._withdraw() + [self._record("done", exercise.id, "early" if early else "")]
        self._history.done[exercise.id] = self._now
        self._new_stretch(repick=True)
        when = "Early break logged" if early else "Break logged"
        return effects + [Answer(True, f"{when}: {exercise.name}. Next break after "
                                       f"{humanize(self.settings.every)} of sitting.")]

    def _snooze(self, cmd: Snooze) -> list[Effect]:
        if self._paused_until is not None:
            return [Answer(False, "Reminders are paused, so there is nothing to snooze; "
                                  "`glutewake resume` turns them back on.")]
        seconds = cmd.seconds or self.settings.snooze
        if seconds <= 0:
            return [Answer(False, "A snooze must be longer than zero, like 10m.")]
        was_due = self._due
        effects = self._withdraw()
        self._due_at = max(self._due_at, self._sitting) + seconds
        self._snoozed, self._reminders, self._headed_up, self._held_since = True, 0, False, None
        effects.append(self._record("snoozed", self._exercise.id, f"{humanize(seconds)}"))
        what = "Snoozed" if was_due else "Next break put off"
        return effects + [Answer(True, f"{what}: next reminder after "
                                       f"{humanize(self._due_at - self._sitting)} more sitting.")]

    @property
    def _due(self) -> bool:
        """A break is due: reminded, or held back by do-not-disturb and the like."""
        return bool(self._reminders) or self._held_since is not None

    def _skip(self, _: Skip) -> list[Effect]:
        if not self._due:
            return [Answer(False, "No break is due, so there is nothing to skip; the next one is "
                                  f"in {humanize(self._due_at - self._sitting)}. "
                                  "To put it off, use snooze.")]
        exercise = self._exercise
        effects = self._withdraw() + [self._record("skipped", exercise.id)]
        self._new_stretch(repick=True)
        return effects + [Answer(True, "Break skipped. The next one comes after "
                                       f"{humanize(self.settings.every)} of sitting.")]

    def _pause(self, cmd: Pause) -> list[Effect]:
        if cmd.until is not None and cmd.until <= self._now:
            return [Answer(False, f"Pause {cmd.label} ends in the past; pick a later time.")]
        effects = self._withdraw()
        self._paused_until = math.inf if cmd.until is None else cmd.until
        self._reminders, self._held_since = 0, None
        effects.append(self._record("paused", detail=cmd.label))
        return effects + [Answer(True, f"Reminders paused {cmd.label}.")]

    def _resume(self, _: Resume) -> list[Effect]:
        if self._paused_until is None:
            return [Answer(False, "Reminders are not paused, so there is nothing to resume.")]
        self._paused_until = None
        due_in = max(0.0, self._due_at - self._sitting)
        when = "a break is due now" if not due_in else f"next break in {humanize(due_in)}"
        return [self._record("resumed", detail="by you"), Answer(True, f"Reminders are back on; {when}.")]

    def _stop(self, _: Stop) -> list[Effect]:
        return self._withdraw() + [self._record("stopped"), Answer(True, "glutewake stopped.")]

    def _reconfigure(self, cmd: Reconfigure) -> list[Effect]:
        self.settings = cmd.settings
        effects: list[Effect] = []
        if not self._snoozed:
            self._due_at = self.settings.every
        if self._reminders and self._sitting < self._due_at:
            effects = self._withdraw()
        if self._exercise not in self.settings.offered:
            self._exercise = self._pick(self._exercise.id)
        return effects + [Answer(True, "Settings applied.")]

    # --- helpers ---

    @property
    def _now(self) -> float:
        assert self._last is not None
        return self._last.wall

    def _withdraw(self) -> list[Effect]:
        had = self._reminders
        self._reminders = 0
        return [Withdraw()] if had else []

    def _new_stretch(self, repick: bool = False) -> None:
        self._sitting = 0.0
        self._due_at = float(self.settings.every)
        self._snoozed = False
        self._reminders = 0
        self._reminded_at = 0.0
        self._headed_up = False
        self._held_since: float | None = None
        self._held_for = ""
        if repick or self._exercise not in self.settings.offered:
            self._exercise = self._pick(self._exercise.id)

    def _pick(self, current: str | None) -> Exercise:
        """Never what is suggested now, nor what the last reminder showed, when there is a choice."""
        avoid = {current, self._shown}
        choice = pick(self.settings.offered, self._history.done, self._history.offered, avoid)
        assert choice is not None, "config validation guarantees an offered exercise"
        return choice

    def _record(self, kind: str, exercise: str | None = None, detail: str = "") -> Record:
        return Record(kind, self._now, round(self._sitting, 3), exercise, detail)

