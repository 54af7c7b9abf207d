"""The sitting coach: a pure state machine that decides when a break is due.

It never reads a clock, starts a thread or touches a file. The daemon feeds it `Observation`s
(wall time, monotonic time, the UTC offset, idle seconds, screen locked, a hold from the desktop)
and commands (`commands`), and carries out the effects it returns: `Remind`, `HeadsUp`,
`Withdraw` (the reminder on screen is no longer wanted), `Record` (a journal row) and `Answer`
(the reply to a command). Every command returns exactly one Answer.

Time is measured in *sitting seconds*: real time during which you were at the computer. Input
pauses shorter than `natural_break` count as sitting; being away (idle, locked, asleep) for at
least `natural_break` is a natural break that ends the stretch where the absence began.

Policy lives here too: work hours and lunch hold reminders, level 2 unlocks from the breaks done,
and the count of today's breaks against the daily goal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from . import guide
from .commands import (CoachCommand, Done, EndGuide, Guided, Pause, Rate, Reconfigure, Resume,
                       Skip, Snooze, Start, Stop)
from .dose import Doses
from .config import Settings
from .events import Hold, Kind, Phase, Reason, Record
from .exercises import Exercise, pick

# A wall-clock step this much larger than the monotonic step between two observations means the
# machine slept (monotonic clocks stop during suspend) or the clock was moved forward.
SLEEP_GAP = 10.0
# How often to look while a due reminder is held by something that sends no word when it ends
# (do not disturb, full screen, a program); a hold with a known end is looked at when it ends.
HELD_LOOK = 2.0
# A guided break in a terminal that has not said how it ended this long after its plan's end is
# taken as stopped (the terminal was closed): what it did is logged as a partial break.
ELSEWHERE_SILENCE = 120.0


@dataclass(frozen=True)
class Observation:
    wall: float  # seconds since the epoch
    mono: float  # a monotonic clock, any origin
    idle: float | None = None  # seconds since the last keyboard or mouse input; None = unknown
    locked: bool = False
    hold: Hold | None = None  # why the desktop says reminders must wait now, if it does
    utc_offset: float = 0.0  # seconds east of UTC here, now (work hours are local)
    inhibitor: str | None = None  # who asks the desktop not to go idle (a film, a talk), if any
    # What the person's other computers say, through the synced folder ([sync]): the wall time
    # of the latest break taken on any of them, and of the latest input on any of them.
    remote_break: float | None = None
    remote_input: float | None = None

    @property
    def engaged(self) -> bool:
        """At the desk without touching it: in a call or meeting, or watching something that
        inhibits idle. Idle time then is not time away; a locked screen still is."""
        return not self.locked and (self.inhibitor is not None
                                    or (self.hold is not None and self.hold.reason.call))

    @property
    def local(self) -> datetime:
        return datetime.fromtimestamp(self.wall, timezone(timedelta(seconds=self.utc_offset)))


# --- effects -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Remind:
    exercise: Exercise
    sitting: float
    count: int  # 1 for the first reminder of this break
    final: bool  # no further repeats will follow
    dose: int = 0  # the dose step to do it at
    after: Hold | None = None  # the call or meeting that held it, when one just ended


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


Effect = Remind | HeadsUp | Guiding | GuideDone | Withdraw | Record | Answer


@dataclass(frozen=True)
class Status:
    phase: Phase
    sitting: float
    due_in: float  # sitting seconds until the next reminder; 0 when due
    reminders: int  # reminders shown for the current break
    paused_until: float | None  # wall time; math.inf when paused until resumed
    away_for: float
    exercise: Exercise
    hold: Hold | None = None  # why reminders wait right now, if they do
    done_today: int = 0
    goal: int = 0
    level: int = 1
    dose: int = 0  # the dose step of `exercise`
    hold_since: float | None = None  # wall time `hold` began


@dataclass
class Past:
    """What the journal knows when the coach starts."""

    done: dict[str, float] = field(default_factory=dict)  # exercise -> wall time last done
    offered: dict[str, float] = field(default_factory=dict)  # exercise -> last reminded
    today: date | None = None  # the local day `done_today` counts
    done_today: int = 0
    level_one_done: int = 0  # level-1 breaks done, ever
    level_one_days: int = 0  # distinct days with one
    last_level_one_day: date | None = None
    doses: Doses = field(default_factory=Doses)
    groups_today: dict[str, int] = field(default_factory=dict)  # breaks done today per group


def level_in_force(settings: Settings, past: Past) -> Settings:
    """With level = "auto", level 2 once `unlock_breaks` level-1 breaks were done over at least
    `unlock_days` days."""
    if not settings.level_auto:
        return settings
    unlocked = (past.level_one_done >= settings.unlock_breaks
                and past.level_one_days >= settings.unlock_days)
    return settings.at_level(2 if unlocked else 1)


class Coach:
    def __init__(self, settings: Settings, past: Past | None = None):
        self._past = past or Past()
        self.settings = level_in_force(settings, self._past)
        self._last: Observation | None = None
        self._hold: Hold | None = None
        self._hold_since: float | None = None
        self._engaged_at: float | None = None  # monotonic time of the last engaged look
        self._idle: float | None = None  # idle time as the last look counted it
        self._shown: str | None = None  # the exercise the last reminder suggested
        self._exercise = self._pick(current=None)
        self._paused_until: float | None = None
        self._away = False
        self._away_for = 0.0
        self._break_logged = False
        self._last_done: str | None = None  # the exercise "too easy/too hard" speaks of
        self._guide: _Guide | None = None
        self._ended_elsewhere: str | None = None  # a terminal's guide the daemon ended
        self._new_stretch()

    # --- queries ---

    @property
    def exercise(self) -> Exercise:
        """The exercise the next (or current) reminder suggests."""
        return self._exercise

    @property
    def past(self) -> Past:
        return self._past

    @property
    def away(self) -> bool:
        """Away from the desk now (a natural break under way): nothing can be due."""
        return self._away

    def status(self) -> Status:
        due_in = max(0.0, self._due_at - self._sitting)
        if self._guide is not None:
            phase = Phase.GUIDING
        elif self._paused_until is not None:
            phase = Phase.PAUSED
        elif self._away:
            phase = Phase.AWAY
        elif self._held_since is not None:
            phase = Phase.HELD
        elif self._reminders:
            phase = Phase.DUE
        elif self._snoozed:
            phase = Phase.SNOOZED
        else:
            phase = Phase.SITTING
        return Status(phase, self._sitting, due_in, self._reminders, self._paused_until,
                      self._away_for if self._away else 0.0, self._exercise, self._hold,
                      self._done_today(), self.settings.daily_goal, self.settings.prefs.level,
                      self._past.doses.of(self._exercise.id).step, self._hold_since)

    def wake_in(self) -> float | None:
        """Real seconds until something may change if you stay as you are: the daemon should
        observe again by then. None when nothing is pending."""
        s = self.settings
        g = self._guide
        if g is not None:
            if g.elsewhere:  # only to notice a terminal that went silent
                last = self._last.wall if self._last is not None else g.began
                return max(0.0, g.began + guide.total(g.steps) + ELSEWHERE_SILENCE - last)
            if g.paused:
                return HELD_LOOK
            return guide.next_update(g.steps, g.elapsed)
        moments = []
        if self._paused_until is not None:
            if self._last is not None and self._paused_until != math.inf:
                moments.append(self._paused_until - self._last.wall)
        elif self._held_since is not None:
            until = self._hold.until if self._hold else None
            moments.append(HELD_LOOK if until is None or self._last is None
                           else until - self._last.wall)
        elif self._sitting < self._due_at:
            moments.append(self._due_at - self._sitting)
            if s.heads_up and not self._headed_up and self._due_at - self._sitting > s.heads_up:
                moments.append(self._due_at - s.heads_up - self._sitting)
        elif 0 < self._reminders < s.max_reminders:
            moments.append(s.remind_again - (self._sitting - self._reminded_at))
        if self._away and not self._break_logged:
            moments.append(s.natural_break - self._away_for)
        elif not self._away and self._idle is not None and not (self._last and self._last.engaged):
            moments.append(s.natural_break - self._idle)
        return max(0.0, min(moments)) if moments else None

    def soon(self, seconds: float) -> bool:
        """Whether a reminder or heads-up could come within `seconds` more sitting: only then
        is it worth asking the desktop whether reminders must wait."""
        return self._sitting + seconds >= self._due_at - self.settings.heads_up

    # --- observations ---

    def observe(self, obs: Observation) -> list[Effect]:
        effects: list[Effect] = []
        last, self._last = self._last, obs
        hold = self._work_hours_hold(obs) or obs.hold
        if hold is None:
            self._hold_since = None
        elif self._hold is None or (hold.reason, hold.source) != (self._hold.reason,
                                                                  self._hold.source):
            self._hold_since = obs.wall
        self._hold = hold
        if last is None:
            effects.append(self._record(Kind.STARTED))
            elapsed = slept = 0.0
        else:
            elapsed = max(0.0, obs.mono - last.mono)
            gap = (obs.wall - last.wall) - elapsed
            slept = gap if gap > SLEEP_GAP else 0.0
        if self._guide is not None:
            away = self._away_from_guide(obs, slept)
            if away < self.settings.natural_break:
                return effects + self._guide_on(obs, elapsed)
            # away long enough for a natural break: the guided break ends with what was done,
            # and the absence is a natural break like any other
            effects += self._guide_stopped(answer=False)
            self._leave(away)
            return effects + self._natural_break()
        effects += self._advance(obs, elapsed, slept)
        if self._paused_until is not None and obs.wall >= self._paused_until:
            self._paused_until = None
            effects.append(self._record(Kind.RESUMED, reason=Reason.TIMER))
        return effects + self._maybe_remind()

    def _work_hours_hold(self, obs: Observation) -> Hold | None:
        schedule = self.settings.schedule
        if not schedule.enabled:
            return None
        local = obs.local
        if schedule.working(local):
            return None
        reason = Reason.LUNCH if schedule.at_lunch(local) else Reason.OFF_HOURS
        return Hold(reason, until=schedule.next_start(local).timestamp())

    def _advance(self, obs: Observation, elapsed: float, slept: float) -> list[Effect]:
        """Account for `elapsed` running seconds plus `slept` seconds asleep since the last look.
        While engaged (a call, an idle inhibitor) no input is still sitting; when that ends, an
        absence starts at the earliest with the last look that saw it."""
        if slept:
            self._leave(0.0)
            self._away_for += slept
        idle = obs.idle
        if obs.engaged:
            idle, self._engaged_at = 0.0, obs.mono
        elif idle is not None and self._engaged_at is not None:
            idle = min(idle, obs.mono - self._engaged_at)
            if idle < obs.mono - self._engaged_at:
                self._engaged_at = None  # input since: idle speaks for itself again
        self._idle = idle
        present = not obs.locked and (idle is None or idle < self.settings.natural_break)
        # the part of this interval after the last input; all of it when idle time is unknown
        since_input = elapsed if idle is None else min(idle, elapsed)
        if present and not self._away:
            self._sitting += elapsed
            return []
        if present:
            self._away_for += elapsed - since_input
            effects = self._natural_break() + self._absence_over(obs.wall - since_input)
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
        return self._natural_break()

    def _leave(self, already_away: float) -> None:
        if not self._away:
            self._away, self._away_for, self._break_logged = True, already_away, False

    def _absence_over(self, wall: float) -> list[Effect]:
        """An absence that was a natural break ends (back at the desk, or glutewake stops): its
        record says how long it lasted, so it began `duration` seconds before `wall`."""
        if not (self._away and self._break_logged):
            return []
        return [self._record(Kind.AWAY, wall=wall, duration=round(self._away_for, 3))]

    def _natural_break(self) -> list[Effect]:
        if not self._away or self._break_logged or self._away_for < self.settings.natural_break:
            return []
        self._break_logged = True
        effects: list[Effect] = [Withdraw()] if self._reminders else []
        if self._sitting > 0:
            effects.append(self._record(Kind.NATURAL_BREAK, duration=round(self._away_for, 3)))
        self._new_stretch(repick=bool(self._reminders))  # a suggestion once shown is not repeated
        return effects

    def _maybe_remind(self) -> list[Effect]:
        s = self.settings
        if self._away or self._paused_until is not None or self._guide is not None:
            return []
        if self._sitting < self._due_at:
            return self._maybe_heads_up()
        if (self._reminders >= s.max_reminders
                or (self._reminders and self._sitting - self._reminded_at < s.remind_again)):
            return []
        hold = self._hold
        if hold:  # held, not dropped: it fires when the reason ends
            if self._held_since is None:
                self._held_since, self._held_by = self._now, hold
                return [self._record(Kind.HELD, self._exercise.id, reason=hold.reason,
                                     source=hold.source)]
            return []
        held, after = {}, None
        if self._held_since is not None:
            after = self._held_by if self._held_by.reason.call else None
            held = dict(reason=self._held_by.reason, source=self._held_by.source,
                        duration=round(max(0.0, self._now - self._held_since), 3))
            self._held_since = None
        self._reminders += 1
        self._stretch_reminders += 1
        self._reminded_at = self._sitting
        self._past.offered[self._exercise.id] = self._now
        self._shown = self._exercise.id
        final = self._reminders >= s.max_reminders
        return [
            Remind(self._exercise, self._sitting, self._reminders, final,
                   self._past.doses.of(self._exercise.id).step, after),
            self._record(Kind.REMINDED, self._exercise.id, reminder=self._stretch_reminders,
                         **held),
        ]

    def _maybe_heads_up(self) -> list[Effect]:
        s = self.settings
        due_in = self._due_at - self._sitting
        if not s.heads_up or self._headed_up or due_in > s.heads_up or self._hold:
            return []
        self._headed_up = True
        return [HeadsUp(self._exercise, self._sitting, due_in)]

    # --- commands ---

    def command(self, cmd: CoachCommand) -> list[Effect]:
        if self._last is None:
            return [Answer(Reply.STARTING, ok=False)]
        effects: list[Effect] = []
        if self._guide is not None:
            if isinstance(cmd, (Skip, EndGuide)):  # stopped early: what was done, no more
                return self._guide_stopped()
            if isinstance(cmd, Done):  # "I'm done": a guided break, as long as it took
                return self._guide_finished() + self._maybe_remind()
            if isinstance(cmd, (Snooze, Pause, Stop)):
                effects = self._guide_stopped(answer=False)
        handler = {
            Done: self._done, Rate: self._rate, Snooze: self._snooze, Skip: self._skip,
            Pause: self._pause, Resume: self._resume, Stop: self._stop,
            Reconfigure: self._reconfigure, Start: self._start, EndGuide: self._end_guide,
            Guided: self._guided,
        }[type(cmd)]
        effects += handler(cmd)
        return effects + ([] if isinstance(cmd, Stop) else self._maybe_remind())

    def _done(self, cmd: Done) -> list[Effect]:
        exercise, early = self._exercise, self._early
        effects = self._withdraw() + self._log_done(
            exercise, early=early, dose=self._past.doses.of(exercise.id).step)
        if cmd.feedback is not None:
            self._past.doses.feedback(exercise.id, cmd.feedback)
            effects.append(self._record(Kind.FEEDBACK, exercise.id, feedback=cmd.feedback.value))
        self._new_stretch(repick=True)
        return effects + [Answer(Reply.LOGGED, exercise=exercise, early=early,
                                 seconds=self.settings.every, done_today=self._done_today(),
                                 goal=self.settings.daily_goal)]

    def _rate(self, cmd: Rate) -> list[Effect]:
        """How the exercise just done felt (a button after the break, `glutewake rate`)."""
        done = self._last_done
        if done is None:
            return [Answer(Reply.NOTHING_TO_RATE, ok=False)]
        dose = self._past.doses.feedback(done, cmd.feedback)
        exercise = next((e for e in self.settings.catalog if e.id == done), None)
        return [self._record(Kind.FEEDBACK, done, feedback=cmd.feedback.value),
                Answer(Reply.RATED, exercise=exercise, dose=dose.step)]

    def _log_done(self, exercise: Exercise, **fields) -> list[Effect]:
        """A break done: its journal row, the dose and the day's count move on."""
        effects: list[Effect] = [self._record(Kind.DONE, exercise.id, **fields)]
        self._past.done[exercise.id] = self._now
        self._past.doses.done(exercise.id, self._now)
        self._last_done = exercise.id
        return effects + self._count_done(exercise)

    def _count_done(self, exercise: Exercise) -> list[Effect]:
        """Today's count, and level-1 progress: a done may be the one that unlocks level 2."""
        past, today = self._past, self._last.local.date()
        if past.today != today:
            past.today, past.done_today, past.groups_today = today, 0, {}
        past.done_today += 1
        past.groups_today[exercise.group] = past.groups_today.get(exercise.group, 0) + 1
        if exercise.level != 1:
            return []
        past.level_one_done += 1
        if past.last_level_one_day != today:
            past.last_level_one_day = today
            past.level_one_days += 1
        before = self.settings.prefs.level
        self.settings = level_in_force(self.settings, past)
        if self.settings.prefs.level == before:
            return []
        return [self._record(Kind.LEVEL_UP, level=self.settings.prefs.level)]

    def _done_today(self) -> int:
        past = self._past
        if self._last is None or past.today != self._last.local.date():
            return 0
        return past.done_today

    def _snooze(self, cmd: Snooze) -> list[Effect]:
        if self._paused_until is not None:
            return [Answer(Reply.NOTHING_TO_SNOOZE, ok=False)]
        seconds = cmd.seconds or self.settings.snooze
        was_due = self._due
        effects = self._withdraw()
        # from the due moment, or from now when that has passed: a new snooze replaces the last
        self._due_at = max(float(self.settings.every), self._sitting) + seconds
        self._snoozed, self._reminders, self._headed_up, self._held_since = True, 0, False, None
        effects.append(self._record(Kind.SNOOZED, self._exercise.id, duration=seconds))
        return effects + [Answer(Reply.SNOOZED, early=not was_due,
                                 seconds=self._due_at - self._sitting)]

    @property
    def _due(self) -> bool:
        """A break is due: reminded, or held back by do-not-disturb and the like."""
        return bool(self._reminders) or self._held_since is not None

    @property
    def _early(self) -> bool:
        """A break taken now is early: no reminder of this stretch came (or was held) yet.
        Snoozes, pauses and reloads since the first reminder do not make it early."""
        return not self._stretch_reminders and self._held_since is None

    def _skip(self, _: Skip) -> list[Effect]:
        if self._early:
            return [Answer(Reply.NOTHING_TO_SKIP, ok=False, seconds=self._due_at - self._sitting)]
        exercise = self._exercise
        effects = self._withdraw() + [self._record(Kind.SKIPPED, exercise.id)]
        self._new_stretch(repick=True)
        return effects + [Answer(Reply.SKIPPED, exercise=exercise, seconds=self.settings.every)]

    def _pause(self, cmd: Pause) -> list[Effect]:
        until = self._pause_end(cmd)
        if until is not None and until <= self._now:
            return [Answer(Reply.PAUSE_IN_PAST, ok=False, until=until)]
        effects = self._withdraw()
        self._paused_until = math.inf if until is None else until
        self._reminders, self._held_since = 0, None
        effects.append(self._record(Kind.PAUSED, reason=Reason.MANUAL, until=until))
        return effects + [Answer(Reply.PAUSED, until=until)]

    def _pause_end(self, cmd: Pause) -> float | None:
        """The wall time a pause ends; None: until resumed."""
        local = self._last.local
        if cmd.seconds is not None:
            return self._now + cmd.seconds
        if cmd.at is not None:
            end = datetime.combine(local.date(), cmd.at, tzinfo=local.tzinfo)
            return (end if end > local else end + timedelta(days=1)).timestamp()
        if cmd.tomorrow:
            return self.settings.schedule.tomorrow(local, self.settings.morning).timestamp()
        return None

    def _resume(self, _: Resume) -> list[Effect]:
        if self._paused_until is None:
            return [Answer(Reply.NOT_PAUSED, ok=False)]
        self._paused_until = None
        due_in = max(0.0, self._due_at - self._sitting)
        return [self._record(Kind.RESUMED, reason=Reason.MANUAL),
                Answer(Reply.RESUMED, seconds=due_in)]

    def _stop(self, _: Stop) -> list[Effect]:
        return (self._withdraw() + self._absence_over(self._now)
                + [self._record(Kind.STOPPED), Answer(Reply.STOPPED)])

    def _reconfigure(self, cmd: Reconfigure) -> list[Effect]:
        self.settings = level_in_force(cmd.settings, self._past)
        effects: list[Effect] = []
        if not self._snoozed:
            self._due_at = self.settings.every
        if self._reminders and self._sitting < self._due_at:
            effects = self._withdraw()
        if self._exercise not in self.settings.offered:
            self._exercise = self._pick(self._exercise.id)
        return effects + [Answer(Reply.APPLIED)]

    # --- the guided break ---

    def _start(self, cmd: Start) -> list[Effect]:
        if self._guide is not None:
            return [Answer(Reply.ALREADY_GUIDING, ok=False, exercise=self._guide.exercise)]
        exercise = self._exercise if cmd.exercise is None else self._find(cmd.exercise)
        if exercise is None:
            return [Answer(Reply.UNKNOWN_EXERCISE, ok=False)]
        dose = self._past.doses.of(exercise.id).step
        self._guide = _Guide(exercise, dose, guide.plan(exercise, dose), early=self._early,
                             elsewhere=cmd.elsewhere, began=self._now)
        self._ended_elsewhere = None
        # a guide in a terminal shows itself; the reminder on screen has its answer
        shown = self._withdraw() if cmd.elsewhere else self._guiding_if_changed()
        return shown + [Answer(Reply.GUIDING, exercise=exercise,
                               seconds=exercise.break_seconds(exercise.amount(dose)))]

    def _find(self, ident: str) -> Exercise | None:
        return next((e for e in self.settings.catalog if e.id == ident), None)

    def _end_guide(self, _: EndGuide) -> list[Effect]:
        return [Answer(Reply.NOT_GUIDING, ok=False)]  # (while guiding, command() ends it)

    def _guide_on(self, obs: Observation, elapsed: float) -> list[Effect]:
        """A look while guiding: the guide's clock runs while you are there and nothing holds;
        locked, away or in a call, it waits for you."""
        g = self._guide
        assert g is not None
        if g.elsewhere:  # the terminal keeps the time; a terminal that went silent ends it
            if obs.wall - g.began > guide.total(g.steps) + ELSEWHERE_SILENCE:
                return self._guide_stopped(answer=False)
            return []
        idle = obs.idle is not None and obs.idle >= self.settings.natural_break
        paused = obs.locked or idle or self._hold is not None
        if not paused:
            g.elapsed += elapsed
        g.paused = paused
        if guide.place(g.steps, g.elapsed).finished:
            return self._guide_finished()
        return self._guiding_if_changed()

    def _away_from_guide(self, obs: Observation, slept: float) -> float:
        """How long the person has been away from the guided break: no input, the screen
        locked, the machine asleep."""
        g = self._guide
        assert g is not None
        if not obs.locked:
            g.locked_since = None
        elif g.locked_since is None:
            g.locked_since = obs.wall - slept
        locked = 0.0 if g.locked_since is None else obs.wall - g.locked_since
        return max(obs.idle or 0.0, locked, slept)

    def _guiding_if_changed(self) -> list[Effect]:
        """A new display only when it reads differently: another step, the countdown past
        another UPDATE_EVERY seconds, paused or going on. Looks for other reasons (a status
        request) send nothing."""
        g = self._guide
        assert g is not None
        where = guide.place(g.steps, g.elapsed)
        shown = (where.index, math.ceil(where.left / guide.UPDATE_EVERY), g.paused)
        if shown == g.shown:
            return []
        g.shown = shown
        return [self._guiding()]

    def _guiding(self) -> Guiding:
        g = self._guide
        assert g is not None
        return Guiding(g.exercise, g.dose, guide.place(g.steps, g.elapsed), len(g.steps), g.paused)

    def _guide_finished(self) -> list[Effect]:
        """Logged as a break done through the guide, with the time it took."""
        g = self._guide
        assert g is not None
        self._guide = None
        if g.elsewhere:
            self._ended_elsewhere = g.exercise.id
        effects = self._log_done(g.exercise, early=g.early, guided=True, duration=g.elapsed,
                                 dose=g.dose)
        self._new_stretch(repick=True)
        return effects + [GuideDone(g.exercise, g.elapsed, self.settings.every),
                          Answer(Reply.LOGGED, exercise=g.exercise, seconds=self.settings.every,
                                 done_today=self._done_today(), goal=self.settings.daily_goal)]

    def _guide_stopped(self, answer: bool = True) -> list[Effect]:
        """Stopped early: a partial break with its time, never a full one."""
        g = self._guide
        assert g is not None
        self._guide = None
        if g.elsewhere:
            self._ended_elsewhere = g.exercise.id
            g.elapsed = min(self._now - g.began, guide.total(g.steps))  # at most the plan
        effects: list[Effect] = [Withdraw(), self._record(Kind.PARTIAL, g.exercise.id,
                                                          duration=round(g.elapsed, 3),
                                                          guided=True, dose=g.dose)]
        if answer:
            effects.append(Answer(Reply.PARTIAL, exercise=g.exercise, seconds=g.elapsed))
        return effects

    def _guided(self, cmd: Guided) -> list[Effect]:
        """`glutewake guide` ran the break in a terminal and tells how it ended. Its end is
        logged once: when the daemon ended it already (Done from the tray, time away), the
        report only hears that."""
        exercise = self._find(cmd.exercise)
        if exercise is None:
            return [Answer(Reply.UNKNOWN_EXERCISE, ok=False)]
        g = self._guide
        if g is not None and g.elsewhere and g.exercise.id == exercise.id:
            self._guide, early, dose = None, g.early, g.dose
        elif g is None and self._ended_elsewhere == exercise.id:
            self._ended_elsewhere = None
            return [Answer(Reply.ENDED_ALREADY, exercise=exercise)]
        else:
            early, dose = self._early, self._past.doses.of(exercise.id).step
        if not cmd.complete:
            return [self._record(Kind.PARTIAL, exercise.id, duration=cmd.seconds, guided=True,
                                 dose=dose),
                    Answer(Reply.PARTIAL, exercise=exercise, seconds=cmd.seconds)]
        effects = self._withdraw() + self._log_done(exercise, early=early, guided=True,
                                                    duration=cmd.seconds, dose=dose)
        self._new_stretch(repick=True)
        return effects + [Answer(Reply.LOGGED, exercise=exercise, seconds=self.settings.every,
                                 done_today=self._done_today(), goal=self.settings.daily_goal)]

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
        self._reminders = 0  # reminders since the last answer: what max_reminders bounds
        self._stretch_reminders = 0  # reminders of this break, whatever came between them
        self._reminded_at = 0.0
        self._headed_up = False
        self._held_since: float | None = None
        self._held_by: Hold | None = None
        if repick or self._exercise not in self.settings.offered:
            self._exercise = self._pick(self._exercise.id)

    def _pick(self, current: str | None) -> Exercise:
        """Never what is suggested now, nor what the last reminder showed, when there is a choice."""
        avoid = {current, self._shown}
        past = self._past
        today = self._last.local.date() if self._last is not None else past.today
        groups = past.groups_today if past.today == today else {}
        choice = pick(self.settings.offered, past.done, past.offered, avoid, groups)
        assert choice is not None, "config validation guarantees an offered exercise"
        return choice

    def _record(self, kind: Kind, exercise: str | None = None, wall: float | None = None,
                **fields) -> Record:
        return Record(kind, self._now if wall is None else wall, round(self._sitting, 3),
                      exercise, **fields)


@dataclass
class _Guide:
    exercise: Exercise
    dose: int
    steps: tuple[guide.Step, ...]
    elapsed: float = 0.0  # seconds of guided time so far (paused time not counted)
    paused: bool = False
    shown: tuple | None = None  # what the last display showed (step, countdown, paused)
    early: bool = False  # started before any reminder of the stretch
    elsewhere: bool = False  # run by `glutewake guide` in a terminal
    began: float = 0.0  # wall time it started
    locked_since: float | None = None  # wall time the screen was locked during the guide
