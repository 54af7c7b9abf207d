"""The sitting coach: a pure state machine that decides when a break is due.

It never reads a clock, starts a thread or touches a file. The daemon feeds it `Observation`s
(wall time, monotonic time, the UTC offset, idle seconds, screen locked, a hold from the desktop,
what other computers say) and commands (`commands`), and carries out the effects it returns
(`effects`): `Remind`, `HeadsUp`, `Guiding`, `GuideDone`, `Withdraw` (the reminder on screen is
no longer wanted), `Record` (a journal row) and `Answer` (the reply to a command). Every command
returns exactly one Answer.

The coach is in exactly one phase (`phases`: Sitting, Snoozed, Due, Held, Paused, Away,
GuidedBreak), a frozen value replaced on every change. What a command does in a phase is one
entry of `TRANSITIONS`; what a look does is one entry of `LOOKS`. A command that makes no sense
in a phase has an entry too, which answers why not.

Time is measured in *sitting seconds*: real time during which you were at the computer. Input
pauses shorter than `natural_break` count as sitting; being away (idle, locked, asleep) for at
least `natural_break` is a natural break that ends the stretch where the absence began.

Policy lives here too: work hours and lunch hold reminders, level 2 unlocks from the breaks done,
the count of today's breaks against the daily goal, and what the person's other computers say.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from . import guide
from .commands import (
    CoachCommand,
    Done,
    EndGuide,
    Guided,
    Pause,
    Rate,
    Reconfigure,
    Resume,
    Skip,
    Snooze,
    Start,
    Stop,
)
from .config import Settings
from .dose import Feedback
from .effects import Answer, Effect, GuideDone, Guiding, HeadsUp, Remind, Reply, Status, Withdraw
from .events import Busy, Hold, Kind, Reason, Record
from .exercises import Exercise, pick
from .inputs import Observation, Past
from .phases import (
    AT_DESK,
    Absence,
    Away,
    Due,
    GuidedBreak,
    Held,
    Paused,
    Sitting,
    Snoozed,
    State,
    Stretch,
)

__all__ = ["Answer", "Coach", "Effect", "GuideDone", "Guiding", "HeadsUp", "Observation", "Past",
           "Remind", "Reply", "Status", "Withdraw", "TRANSITIONS", "LOOKS", "level_in_force"]

# A wall-clock step this much larger than the monotonic step between two observations means the
# machine slept (monotonic clocks stop during suspend) or the clock was moved forward.
SLEEP_GAP = 10.0
# How often to look while a due reminder is held by something that sends no word when it ends
# (do not disturb, full screen, a program); a hold with a known end is looked at when it ends.
HELD_LOOK = 2.0
# A guided break in a terminal that has not said how it ended this long after its plan's end is
# taken as stopped (the terminal was closed): what it did is logged as a partial break.
ELSEWHERE_SILENCE = 120.0
# A break is offered early, once, when a busy block at least PLAN_BLOCK long starts within
# PLAN_AHEAD and more than half the interval has been sat: a long meeting is coming.
PLAN_BLOCK = 45 * 60.0
PLAN_AHEAD = 10 * 60.0


def level_in_force(settings: Settings, past: Past) -> Settings:
    """With level = "auto", level 2 once `unlock_breaks` level-1 breaks were done over at least
    `unlock_days` days."""
    if not settings.exercises.auto_level:
        return settings
    unlocked = (past.level_one_done >= settings.exercises.unlock_breaks
                and past.level_one_days >= settings.exercises.unlock_days)
    return settings.at_level(2 if unlocked else 1)


class Coach:
    def __init__(self, settings: Settings, past: Past | None = None):
        self._past = past or Past()
        self.settings = level_in_force(settings, self._past)
        self._last: Observation | None = None
        self._hold: Hold | None = None  # what the desktop (or work hours) says holds now
        self._hold_since: float | None = None  # wall time that hold began
        self._engaged_at: float | None = None  # monotonic time of the last engaged look
        self._idle: float | None = None  # idle time as the last look counted it
        self._shown: str | None = None  # the exercise the last reminder suggested
        self._exercise = self._pick(current=None)
        self._last_done: str | None = None  # the exercise "too easy/too hard" speaks of
        self._ended_elsewhere: str | None = None  # a terminal's guide the daemon ended
        self._remote_break: float | None = None  # the other computers' break acted on last
        self._planned: float | None = None  # the start of the meeting a break was offered for
        self.state: State = Sitting(self._fresh())

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
        return self._absence is not None

    def status(self) -> Status:
        state, stretch = self.state, self.state.stretch
        repeats = state.repeats if isinstance(state, (Due, Held)) else 0
        absence = state.absence if isinstance(state, Away) else None
        return Status(state.phase, stretch.sitting, stretch.due_in, repeats,
                      state.until if isinstance(state, Paused) else None,
                      absence.seconds if absence else 0.0, self._exercise, self._hold,
                      self._done_today(), self.settings.goals.daily_breaks,
                      self.settings.prefs.level,
                      self._past.doses.of(self._exercise.id).step, self._hold_since)

    def wake_in(self) -> float | None:
        """Real seconds until something may change if you stay as you are: the daemon should
        observe again by then. None when nothing is pending."""
        s, state = self.settings.breaks, self.state
        now = self._last.wall if self._last is not None else None
        if isinstance(state, GuidedBreak):
            if state.elsewhere:  # only to notice a terminal that went silent
                last = state.began if now is None else now
                return max(0.0, state.began + guide.total(state.steps) + ELSEWHERE_SILENCE - last)
            if state.paused:
                return HELD_LOOK
            return guide.next_update(state.steps, state.elapsed)
        moments = []
        stretch = state.stretch
        if isinstance(state, Paused):
            if now is not None and state.until != math.inf:
                moments.append(state.until - now)
        elif isinstance(state, Held):
            until = self._hold.until if self._hold else None
            moments.append(HELD_LOOK if until is None or now is None else until - now)
        elif stretch.sitting < stretch.due_at:
            moments.append(stretch.due_at - stretch.sitting)
            if s.heads_up and not stretch.headed_up and stretch.due_in > s.heads_up:
                moments.append(stretch.due_at - s.heads_up - stretch.sitting)
            plan = self._plan_in()
            if plan is not None:
                moments.append(plan)
        elif isinstance(state, Due) and state.repeats < s.max_reminders:
            moments.append(s.remind_again - (stretch.sitting - state.reminded_at))
        absence = self._absence
        if absence is not None and not absence.logged:
            moments.append(s.natural_break - absence.seconds)
        elif absence is None and self._idle is not None and not (self._last
                                                                 and self._last.engaged):
            moments.append(s.natural_break - self._idle)
        return max(0.0, min(moments)) if moments else None

    def soon(self, seconds: float) -> bool:
        """Whether a reminder or heads-up could come within `seconds` more sitting: only then
        is it worth asking the desktop whether reminders must wait."""
        stretch = self.state.stretch
        return stretch.sitting + seconds >= stretch.due_at - self.settings.breaks.heads_up

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
        effects += LOOKS[type(self.state)](self, obs, elapsed, slept)
        effects += self._break_elsewhere(obs)
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

    def _look(self, obs: Observation, elapsed: float, slept: float) -> list[Effect]:
        """A look at the desk (sitting, snoozed, due, held or away): sitting time and absences
        move on."""
        return self._advance(obs, elapsed, slept)

    def _look_paused(self, obs: Observation, elapsed: float, slept: float) -> list[Effect]:
        """Paused: sitting and absences count as ever; the pause may run out."""
        effects = self._advance(obs, elapsed, slept)
        state = self.state
        assert isinstance(state, Paused)
        if obs.wall >= state.until:
            self._unpause()
            effects.append(self._record(Kind.RESUMED, reason=Reason.TIMER))
        return effects

    def _look_guiding(self, obs: Observation, elapsed: float, slept: float) -> list[Effect]:
        """A look while guiding: the guide's clock runs while you are there and nothing holds;
        locked, away or in a call, it waits for you, and time away that is a natural break ends
        it with what was done."""
        g = self.state
        assert isinstance(g, GuidedBreak)
        locked_since = None if not obs.locked else (g.locked_since or obs.wall - slept)
        away = max(obs.idle or 0.0, 0.0 if locked_since is None else obs.wall - locked_since,
                   slept)
        if away >= self.settings.breaks.natural_break:
            effects = self._guide_stopped(answer=False)
            effects += self._away_from(Absence(away))
            return effects
        if g.elsewhere:  # the terminal keeps the time; a terminal that went silent ends it
            self.state = replace(g, locked_since=locked_since)
            if obs.wall - g.began > guide.total(g.steps) + ELSEWHERE_SILENCE:
                return self._guide_stopped(answer=False)
            return []
        idle = obs.idle is not None and obs.idle >= self.settings.breaks.natural_break
        paused = obs.locked or idle or self._hold is not None
        self.state = g = replace(g, locked_since=locked_since, paused=paused,
                                 elapsed=g.elapsed + (0.0 if paused else elapsed))
        if guide.place(g.steps, g.elapsed).finished:
            return self._guide_finished()
        return self._guiding_if_changed()

    # --- presence: sitting, absences, natural breaks ---

    @property
    def _absence(self) -> Absence | None:
        state = self.state
        return state.absence if isinstance(state, (Away, Paused)) else None

    def _put(self, stretch: Stretch, absence: Absence | None, fresh: bool = False) -> None:
        """The same phase with another stretch and absence: an absence turns a phase at the desk
        into Away, and its end turns Away back into where it was (`fresh`: a new stretch)."""
        state = self.state
        if isinstance(state, Paused):
            self.state = replace(state, stretch=stretch, absence=absence)
            return
        base = state.before if isinstance(state, Away) else state
        assert isinstance(base, AT_DESK)
        base = Sitting(stretch) if fresh else replace(base, stretch=stretch)
        self.state = base if absence is None else Away(base, absence)

    def _advance(self, obs: Observation, elapsed: float, slept: float) -> list[Effect]:
        """Account for `elapsed` running seconds plus `slept` seconds asleep since the last look.
        While engaged (a call, an idle inhibitor, input on another of your computers) no input
        is still sitting; when that ends, an absence starts at the earliest with the last look
        that saw it."""
        stretch, absence = self.state.stretch, self._absence
        if slept:
            absence = (absence or Absence()).longer(slept)
        idle = obs.idle
        if obs.engaged or self._elsewhere(obs):
            idle, self._engaged_at = 0.0, obs.mono
        elif idle is not None and self._engaged_at is not None:
            idle = min(idle, obs.mono - self._engaged_at)
            if idle < obs.mono - self._engaged_at:
                self._engaged_at = None  # input since: idle speaks for itself again
        self._idle = idle
        present = not obs.locked and (idle is None or idle < self.settings.breaks.natural_break)
        # the part of this interval after the last input; all of it when idle time is unknown
        since_input = elapsed if idle is None else min(idle, elapsed)
        if present and absence is None:
            self._put(stretch.sat(elapsed), None)
            return []
        if present:
            assert absence is not None
            self._put(stretch, absence.longer(elapsed - since_input))
            effects = self._natural_break() + self._absence_over(obs.wall - since_input)
            self._put(self.state.stretch.sat(since_input), None)
            return effects
        if absence is None:
            # The absence began at the last input: what of it was counted as sitting is taken back.
            earlier = 0.0 if idle is None else max(0.0, idle - elapsed)
            stretch = stretch.sat(elapsed - since_input - earlier)
            absence = Absence(since_input + earlier)
        else:
            absence = absence.longer(elapsed)
        self._put(stretch, absence)
        return self._natural_break()

    def _elsewhere(self, obs: Observation) -> bool:
        """Input on another of your computers lately: you sit there, not away."""
        return (obs.remote_input is not None
                and obs.wall - obs.remote_input < self.settings.breaks.natural_break)

    def _away_from(self, absence: Absence) -> list[Effect]:
        """Leave the desk (from a guided break) with an absence already this long."""
        self._put(self.state.stretch, absence)
        return self._natural_break()

    def _absence_over(self, wall: float) -> list[Effect]:
        """An absence that was a natural break ends (back at the desk, or glutewake stops): its
        record says how long it lasted, so it began `duration` seconds before `wall`."""
        absence = self._absence
        if absence is None or not absence.logged:
            return []
        return [self._record(Kind.AWAY, wall=wall, duration=round(absence.seconds, 3))]

    def _natural_break(self) -> list[Effect]:
        absence = self._absence
        natural = self.settings.breaks.natural_break
        if absence is None or absence.logged or absence.seconds < natural:
            return []
        reminded = self._repeats > 0
        effects: list[Effect] = [Withdraw()] if reminded else []
        if self.state.stretch.sitting > 0:
            effects.append(self._record(Kind.NATURAL_BREAK, duration=round(absence.seconds, 3)))
        self._put(self.state.stretch, replace(absence, logged=True))
        self._new_stretch(repick=reminded)  # a suggestion once shown is not repeated
        return effects

    def _break_elsewhere(self, obs: Observation) -> list[Effect]:
        """A break taken on another of your computers ends this stretch too (it is in this
        journal already, from the synced folder)."""
        taken = obs.remote_break
        if taken is None or (self._remote_break is not None and taken <= self._remote_break):
            return []
        self._remote_break = taken
        state = self.state
        if taken <= obs.wall - state.stretch.sitting or isinstance(state, GuidedBreak):
            return []  # before this stretch began; or a guided break here goes on
        effects = self._withdraw()
        self._new_stretch(repick=bool(effects))
        return effects

    # --- reminders ---

    @property
    def _repeats(self) -> int:
        state = self.state.before if isinstance(self.state, Away) else self.state
        return state.repeats if isinstance(state, (Due, Held)) else 0

    def _maybe_remind(self) -> list[Effect]:
        s, state = self.settings.breaks, self.state
        if not isinstance(state, AT_DESK):
            return []
        stretch = state.stretch
        if stretch.sitting < stretch.due_at:
            return self._maybe_plan() or self._maybe_heads_up()
        repeats = state.repeats if isinstance(state, (Due, Held)) else 0
        reminded_at = state.reminded_at if isinstance(state, (Due, Held)) else 0.0
        if repeats >= s.max_reminders or (repeats and stretch.sitting - reminded_at
                                          < s.remind_again):
            return []
        if self._latest_input_elsewhere():
            return []  # the computer you sit at now shows it
        hold = self._hold
        if hold:  # held, not dropped: it fires when the reason ends
            if isinstance(state, Held):
                return []
            self.state = Held(stretch, hold, self._now, repeats, reminded_at)
            return [self._record(Kind.HELD, self._exercise.id, reason=hold.reason,
                                 source=hold.source)]
        held: dict[str, Any] = {}  # the hold it waited for, in the reminder's row
        after = None
        if isinstance(state, Held):
            after = state.hold if state.hold.reason.call else None
            held = dict(reason=state.hold.reason, source=state.hold.source,
                        duration=round(max(0.0, self._now - state.since), 3))
        stretch = replace(stretch, reminded=stretch.reminded + 1)
        self.state = Due(stretch, repeats + 1, stretch.sitting)
        self._past.offered[self._exercise.id] = self._now
        self._shown = self._exercise.id
        return [
            Remind(self._exercise, stretch.sitting, repeats + 1, repeats + 1 >= s.max_reminders,
                   self._past.doses.of(self._exercise.id).step, after, s.max_reminders),
            self._record(Kind.REMINDED, self._exercise.id, reminder=stretch.reminded, **held),
        ]

    def _latest_input_elsewhere(self) -> bool:
        """Another of your computers had input more lately than this one."""
        obs = self._last
        if obs is None or obs.remote_input is None:
            return False
        return obs.remote_input > obs.wall - (obs.idle or 0.0)

    def _meeting_ahead(self) -> Busy | None:
        """A long busy block starting soon, not offered for yet."""
        obs = self._last
        busy = None if obs is None else obs.next_busy
        if busy is None or busy.seconds < PLAN_BLOCK or busy.start == self._planned:
            return None
        return busy if obs is not None and busy.start > obs.wall else None

    def _plan_in(self) -> float | None:
        """Real seconds until a break could be offered before the meeting ahead, if one is."""
        busy = self._meeting_ahead()
        if busy is None or not isinstance(self.state, (Sitting, Snoozed)):
            return None
        stretch = self.state.stretch
        half = self.settings.breaks.every / 2 - stretch.sitting
        return max(0.0, half, busy.start - PLAN_AHEAD - self._now)

    def wants_the_calendar(self) -> bool:
        """Whether the next busy block matters now: more than half the interval sat, the break
        not due yet. The daemon asks the calendars for it only then."""
        stretch = self.state.stretch
        return isinstance(self.state, (Sitting, Snoozed)) and stretch.sitting < stretch.due_at

    def _maybe_plan(self) -> list[Effect]:
        """Offer the break now, once, when a long meeting starts soon and you have sat more than
        half your interval: it stays offered (not due), and a done answers it."""
        state, busy = self.state, self._meeting_ahead()
        if (busy is None or self._hold or not isinstance(state, (Sitting, Snoozed))
                or self._plan_in() != 0.0):
            return []
        self._planned = busy.start
        stretch = replace(state.stretch, reminded=state.stretch.reminded + 1)
        self._at_desk(type(state)(stretch))
        self._past.offered[self._exercise.id] = self._now
        self._shown = self._exercise.id
        return [Remind(self._exercise, stretch.sitting, 1, True,
                       self._past.doses.of(self._exercise.id).step, None, 1, busy),
                self._record(Kind.REMINDED, self._exercise.id, reminder=stretch.reminded,
                             reason=Reason.MEETING, until=busy.start)]

    def _maybe_heads_up(self) -> list[Effect]:
        s, state = self.settings.breaks, self.state
        assert isinstance(state, AT_DESK)  # asked only at the desk, by _maybe_remind
        stretch = state.stretch
        due_in = stretch.due_at - stretch.sitting
        if not s.heads_up or stretch.headed_up or due_in > s.heads_up or self._hold:
            return []
        self.state = replace(state, stretch=replace(stretch, headed_up=True))
        return [HeadsUp(self._exercise, stretch.sitting, due_in)]

    # --- commands ---

    def command(self, cmd: CoachCommand) -> list[Effect]:
        if self._last is None:
            return [Answer(Reply.STARTING, ok=False)]
        effects = TRANSITIONS[type(self.state), type(cmd)](self, cmd)
        return effects + ([] if isinstance(cmd, Stop) else self._maybe_remind())

    @property
    def _early(self) -> bool:
        """A break taken now is early: no reminder of this stretch came (or was held) yet.
        Snoozes, pauses and reloads since the first reminder do not make it early."""
        state = self.state.before if isinstance(self.state, (Away, GuidedBreak)) else self.state
        return not self.state.stretch.reminded and not isinstance(state, Held)

    def _done(self, cmd: Done) -> list[Effect]:
        exercise, early, rated = self._exercise, self._early, None
        effects = self._withdraw() + self._log_done(
            exercise, early=early, dose=self._past.doses.of(exercise.id).step)
        if cmd.feedback is not None:
            rated = self._past.rate(exercise.id, cmd.feedback, self._now)
            effects.append(self._record(Kind.FEEDBACK, exercise.id, feedback=cmd.feedback.value))
        self._new_stretch(repick=True)
        return effects + [Answer(Reply.LOGGED, exercise=exercise, early=early,
                                 seconds=self.settings.breaks.every, done_today=self._done_today(),
                                 goal=self.settings.goals.daily_breaks, rating=rated)]

    def _rate(self, cmd: Rate) -> list[Effect]:
        """How the exercise just done felt (a button after the break, `glutewake rate`)."""
        done = self._last_done
        if done is None:
            return [Answer(Reply.NOTHING_TO_RATE, ok=False)]
        rated = self._past.rate(done, cmd.feedback, self._now)
        if cmd.feedback is Feedback.PAIN and self._exercise.id == done:
            self._exercise = self._pick(done)  # it hurt: not the next suggestion either
        return [self._record(Kind.FEEDBACK, done, feedback=cmd.feedback.value),
                Answer(Reply.RATED, exercise=self._find(done), dose=rated.dose.step,
                       rating=rated)]

    def _log_done(self, exercise: Exercise, **fields: Any) -> list[Effect]:
        """A break done: its journal row, the dose and the day's count move on."""
        effects: list[Effect] = [self._record(Kind.DONE, exercise.id, **fields)]
        # only a guided break or one that answers a reminder counts toward the dose and level 2
        counts = fields.get("guided", False) or not fields.get("early", False)
        self._past.done[exercise.id] = self._now
        self._past.doses.done(exercise.id, self._now, counts)
        self._last_done = exercise.id
        return effects + self._count_done(exercise, counts)

    def _count_done(self, exercise: Exercise, counts: bool) -> list[Effect]:
        """Today's count, and level-1 progress: a counted done may be the one that unlocks level
        2, or the first after a month without one, which locks it again."""
        past, today = self._past, self._seen.local.date()
        if past.today != today:
            past.today, past.done_today, past.groups_today = today, 0, {}
        past.done_today += 1
        past.groups_today[exercise.group] = past.groups_today.get(exercise.group, 0) + 1
        if not counts:
            return []
        past.count(self._now, today, exercise.level == 1)
        before = self.settings.prefs.level
        self.settings = level_in_force(self.settings, past)
        if self.settings.prefs.level <= before:
            return []
        return [self._record(Kind.LEVEL_UP, level=self.settings.prefs.level)]

    def _done_today(self) -> int:
        """Breaks done today here and, through the synced folder, on the other computers:
        the number `glutewake stats` gives for today."""
        if self._last is None:
            return 0
        past, today = self._past, self._last.local.date()
        elsewhere = self._last.done_elsewhere
        return ((past.done_today if past.today == today else 0)
                + (elsewhere[1] if elsewhere is not None and elsewhere[0] == today else 0))

    def _snooze(self, cmd: Snooze) -> list[Effect]:
        seconds = cmd.seconds or self.settings.breaks.snooze
        early = self._early
        effects = self._withdraw()
        stretch = self.state.stretch
        # from the due moment, or from now when that has passed: a new snooze replaces the last
        stretch = replace(stretch, due_at=max(float(self.settings.breaks.every), stretch.sitting)
                          + seconds, headed_up=False)
        self._put(stretch, self._absence)
        self._at_desk(Snoozed(self.state.stretch))
        effects.append(self._record(Kind.SNOOZED, self._exercise.id, duration=seconds))
        return effects + [Answer(Reply.SNOOZED, early=early, seconds=stretch.due_in)]

    def _nothing_to_snooze(self, _: Snooze) -> list[Effect]:
        return [Answer(Reply.NOTHING_TO_SNOOZE, ok=False)]

    def _skip(self, _: Skip) -> list[Effect]:
        if self._early:
            return [Answer(Reply.NOTHING_TO_SKIP, ok=False, seconds=self.state.stretch.due_in)]
        exercise = self._exercise
        effects = self._withdraw() + [self._record(Kind.SKIPPED, exercise.id)]
        self._new_stretch(repick=True)
        return effects + [Answer(Reply.SKIPPED, exercise=exercise,
                                 seconds=self.settings.breaks.every)]

    def _pause(self, cmd: Pause) -> list[Effect]:
        until = self._pause_end(cmd)
        if until is not None and until <= self._now:
            return [Answer(Reply.PAUSE_IN_PAST, ok=False, until=until)]
        effects = self._withdraw()
        state = self.state
        snoozed = (state.snoozed if isinstance(state, Paused) else
                   isinstance(state.before if isinstance(state, Away) else state, Snoozed))
        self.state = Paused(state.stretch, math.inf if until is None else until, self._absence,
                            snoozed)
        effects.append(self._record(Kind.PAUSED, reason=Reason.MANUAL, until=until))
        return effects + [Answer(Reply.PAUSED, until=until)]

    def _pause_end(self, cmd: Pause) -> float | None:
        """The wall time a pause ends; None: until resumed."""
        local = self._seen.local
        if cmd.seconds is not None:
            return self._now + cmd.seconds
        if cmd.at is not None:
            end = datetime.combine(local.date(), cmd.at, tzinfo=local.tzinfo)
            return (end if end > local else end + timedelta(days=1)).timestamp()
        if cmd.tomorrow:
            return self.settings.schedule.tomorrow(local, self.settings.pause.morning).timestamp()
        return None

    def _unpause(self) -> None:
        state = self.state
        assert isinstance(state, Paused)
        base = (Snoozed if state.snoozed else Sitting)(state.stretch)
        self.state = base if state.absence is None else Away(base, state.absence)

    def _resume(self, _: Resume) -> list[Effect]:
        self._unpause()
        return [self._record(Kind.RESUMED, reason=Reason.MANUAL),
                Answer(Reply.RESUMED, seconds=self.state.stretch.due_in)]

    def _not_paused(self, _: Resume) -> list[Effect]:
        return [Answer(Reply.NOT_PAUSED, ok=False)]

    def _stop(self, _: Stop) -> list[Effect]:
        return (self._withdraw() + self._absence_over(self._now)
                + [self._record(Kind.STOPPED), Answer(Reply.STOPPED)])

    def _reconfigure(self, cmd: Reconfigure) -> list[Effect]:
        self.settings = level_in_force(cmd.settings, self._past)
        effects: list[Effect] = []
        state = self.state
        inner = state.before if isinstance(state, (Away, GuidedBreak)) else state
        snoozed = isinstance(inner, Snoozed) or (isinstance(state, Paused) and state.snoozed)
        stretch = state.stretch
        if not snoozed:
            stretch = replace(stretch, due_at=float(self.settings.breaks.every))
            self._restretch(stretch)
        if self._repeats and stretch.sitting < stretch.due_at:
            effects = self._withdraw()
        if self._exercise not in self.settings.offered:
            self._exercise = self._pick(self._exercise.id)
        return effects + [Answer(Reply.APPLIED)]

    def _restretch(self, stretch: Stretch) -> None:
        """The same phase with another stretch, whatever the phase."""
        state = self.state
        if isinstance(state, GuidedBreak):
            self.state = replace(state, before=replace(state.before, stretch=stretch))
        else:
            self._put(stretch, self._absence)

    # --- the guided break ---

    def _start(self, cmd: Start) -> list[Effect]:
        exercise = self._exercise if cmd.exercise is None else self._find(cmd.exercise)
        if exercise is None:
            return [Answer(Reply.UNKNOWN_EXERCISE, ok=False)]
        early = self._early
        # a guide in a terminal shows itself; the reminder on screen has its answer
        shown = self._withdraw() if cmd.elsewhere else []
        dose = self._fitting_dose(exercise)
        state = self.state
        before = state.before if isinstance(state, Away) else state  # pressing Start: you are back
        assert isinstance(before, (*AT_DESK, Paused))
        self.state = GuidedBreak(before, exercise, dose, guide.plan(exercise, dose), self._now,
                                 early, cmd.elsewhere)
        self._ended_elsewhere = None
        if not cmd.elsewhere:
            shown = self._guiding_if_changed()
        return shown + [Answer(Reply.GUIDING, exercise=exercise,
                               seconds=exercise.break_seconds(exercise.amount(dose)))]

    def _fitting_dose(self, exercise: Exercise) -> int:
        """The person's dose, or a smaller one when a meeting starts before it would end: the
        largest that fits, the shortest when none does."""
        dose = self._past.doses.of(exercise.id).step
        busy = self._last.next_busy if self._last is not None else None
        if busy is None or busy.start <= self._now:
            return dose
        room = busy.start - self._now
        return next((step for step in range(dose, -1, -1)
                     if exercise.break_seconds(exercise.amount(step)) <= room), 0)

    def _already_guiding(self, _: Start) -> list[Effect]:
        g = self.state
        assert isinstance(g, GuidedBreak)
        return [Answer(Reply.ALREADY_GUIDING, ok=False, exercise=g.exercise)]

    def _find(self, ident: str) -> Exercise | None:
        return next((e for e in self.settings.catalog if e.id == ident), None)

    def _not_guiding(self, _: EndGuide) -> list[Effect]:
        return [Answer(Reply.NOT_GUIDING, ok=False)]

    def _guiding_if_changed(self) -> list[Effect]:
        """A new display only when it reads differently: another step, the countdown past
        another UPDATE_EVERY seconds, paused or going on. Looks for other reasons (a status
        request) send nothing."""
        g = self.state
        assert isinstance(g, GuidedBreak)
        where = guide.place(g.steps, g.elapsed)
        shown = (where.index, math.ceil(where.left / guide.UPDATE_EVERY), g.paused)
        if shown == g.shown:
            return []
        self.state = replace(g, shown=shown)
        return [Guiding(g.exercise, g.dose, where, len(g.steps), g.paused)]

    def _guide_finished(self, _: Done | None = None) -> list[Effect]:
        """Logged as a break done through the guide, with the time it took."""
        g = self.state
        assert isinstance(g, GuidedBreak)
        self.state = g.before
        if g.elsewhere:
            self._ended_elsewhere = g.exercise.id
        effects = self._log_done(g.exercise, early=g.early, guided=True, duration=g.elapsed,
                                 dose=g.dose)
        self._new_stretch(repick=True)
        return effects + [GuideDone(g.exercise, g.elapsed, self.settings.breaks.every),
                          self._logged(g.exercise)]

    def _guide_stopped(self, _: object = None, answer: bool = True) -> list[Effect]:
        """Stopped early: a partial break with its time, never a full one. The stretch goes on
        where it was."""
        g = self.state
        assert isinstance(g, GuidedBreak)
        self.state = g.before
        elapsed = g.elapsed
        if g.elsewhere:
            self._ended_elsewhere = g.exercise.id
            elapsed = min(self._now - g.began, guide.total(g.steps))  # at most the plan
        effects: list[Effect] = [Withdraw(), self._record(Kind.PARTIAL, g.exercise.id,
                                                          duration=round(elapsed, 3),
                                                          guided=True, dose=g.dose)]
        if answer:
            effects.append(Answer(Reply.PARTIAL, exercise=g.exercise, seconds=elapsed))
        return effects

    def _guided(self, cmd: Guided) -> list[Effect]:
        """`glutewake guide` ran the break in a terminal and tells how it ended. Its end is
        logged once: when the daemon ended it already (Done from the tray, time away), the
        report only hears that."""
        exercise = self._find(cmd.exercise)
        if exercise is None:
            return [Answer(Reply.UNKNOWN_EXERCISE, ok=False)]
        g = self.state
        if isinstance(g, GuidedBreak) and g.elsewhere and g.exercise.id == exercise.id:
            self.state, early, dose = g.before, g.early, g.dose
        elif not isinstance(g, GuidedBreak) and self._ended_elsewhere == exercise.id:
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
        return effects + [self._logged(exercise)]

    def _logged(self, exercise: Exercise) -> Answer:
        """The answer to a break logged: the next one's distance and today's count."""
        return Answer(Reply.LOGGED, exercise=exercise, seconds=self.settings.breaks.every,
                      done_today=self._done_today(), goal=self.settings.goals.daily_breaks)

    # --- helpers ---

    @property
    def _now(self) -> float:
        return self._seen.wall

    @property
    def _seen(self) -> Observation:
        """The last look: a command always comes after the first."""
        assert self._last is not None
        return self._last

    def _at_desk(self, phase: Sitting | Snoozed | Due | Held) -> None:
        """Another phase at the desk, keeping an absence or a pause around it."""
        state = self.state
        if isinstance(state, Away):
            self.state = Away(phase, state.absence)
        elif isinstance(state, Paused):
            self.state = replace(state, snoozed=isinstance(phase, Snoozed))
        elif isinstance(state, GuidedBreak):
            self.state = replace(state, before=phase)
        else:
            self.state = phase

    def _withdraw(self) -> list[Effect]:
        """The reminder on screen goes; the break stays due (its reminders are counted)."""
        if not self._repeats:
            return []
        state = self.state
        stretch = state.stretch
        self._at_desk(Sitting(stretch))
        return [Withdraw()]

    def _fresh(self) -> Stretch:
        return Stretch(due_at=float(self.settings.breaks.every))

    def _new_stretch(self, repick: bool = False) -> None:
        """A break ended the stretch: a fresh one starts, wherever the coach is."""
        state = self.state
        fresh = self._fresh()
        if isinstance(state, Paused):
            self.state = replace(state, stretch=fresh, snoozed=False)
        elif isinstance(state, Away):
            self.state = Away(Sitting(fresh), state.absence)
        else:
            self.state = Sitting(fresh)
        if repick or self._exercise not in self.settings.offered:
            self._exercise = self._pick(self._exercise.id)

    def _pick(self, current: str | None) -> Exercise:
        """Never what is suggested now, nor what the last reminder showed, when there is a
        choice."""
        avoid = {name for name in (current, self._shown) if name is not None}
        past = self._past
        today = self._last.local.date() if self._last is not None else past.today
        groups = past.groups_today if past.today == today else {}
        choice = pick(self.settings.offered, past.done, past.offered, avoid, groups,
                      past.resting(self._last.wall if self._last is not None else None))
        assert choice is not None, "config validation guarantees an offered exercise"
        return choice

    def _record(self, kind: Kind, exercise: str | None = None, wall: float | None = None,
                **fields: Any) -> Record:
        return Record(kind, self._now if wall is None else wall,
                      round(self.state.stretch.sitting, 3), exercise, **fields)


# --- the tables -------------------------------------------------------------------------------

# A handler takes the command its key names (Done for (Sitting, Done), ...): the table's keys say
# what the argument is, which a dict's type cannot, so the argument is typed Any here.
Handler = Callable[[Coach, Any], list[Effect]]


def _after_guide(then: Handler) -> Handler:
    """Snooze, pause or stop during a guided break: it ends as a partial break first."""
    def handler(coach: Coach, cmd: CoachCommand) -> list[Effect]:
        return coach._guide_stopped(answer=False) + then(coach, cmd)
    return handler


_NOT_GUIDING = (Sitting, Snoozed, Due, Held, Paused, Away)
_ALL = (*_NOT_GUIDING, GuidedBreak)

# What each command does in each phase. Every pair has an entry: a command that makes no sense in
# a phase answers why not (nothing to snooze while paused, nothing to resume unless paused, ...).
TRANSITIONS: dict[tuple[type, type], Handler] = {
    **{(phase, Done): Coach._done for phase in _NOT_GUIDING},
    (GuidedBreak, Done): Coach._guide_finished,  # "I'm done": as long as it took
    **{(phase, Rate): Coach._rate for phase in _ALL},
    **{(phase, Snooze): Coach._snooze for phase in (Sitting, Snoozed, Due, Held, Away)},
    (Paused, Snooze): Coach._nothing_to_snooze,
    (GuidedBreak, Snooze): _after_guide(Coach._snooze),
    **{(phase, Skip): Coach._skip for phase in _NOT_GUIDING},  # refused while nothing was due
    (GuidedBreak, Skip): Coach._guide_stopped,  # stopped early: what was done, no more
    **{(phase, Pause): Coach._pause for phase in _NOT_GUIDING},
    (GuidedBreak, Pause): _after_guide(Coach._pause),
    (Paused, Resume): Coach._resume,
    **{(phase, Resume): Coach._not_paused for phase in _ALL if phase is not Paused},
    **{(phase, Stop): Coach._stop for phase in _NOT_GUIDING},
    (GuidedBreak, Stop): _after_guide(Coach._stop),
    **{(phase, Reconfigure): Coach._reconfigure for phase in _ALL},
    **{(phase, Start): Coach._start for phase in _NOT_GUIDING},
    (GuidedBreak, Start): Coach._already_guiding,
    **{(phase, EndGuide): Coach._not_guiding for phase in _NOT_GUIDING},
    (GuidedBreak, EndGuide): Coach._guide_stopped,
    **{(phase, Guided): Coach._guided for phase in _ALL},
}

# What a look does in each phase.
LOOKS: dict[type, Callable[[Coach, Observation, float, float], list[Effect]]] = {
    Sitting: Coach._look, Snoozed: Coach._look, Due: Coach._look, Held: Coach._look,
    Away: Coach._look, Paused: Coach._look_paused, GuidedBreak: Coach._look_guiding,
}
