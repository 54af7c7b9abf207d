"""How much of each exercise a person does: a dose that follows them.

Every exercise has three dose steps (the low end, the middle and the high end of its reps or
hold), and a person starts at the low end. Only a break that counts moves a dose: a guided break,
or a done that answers a reminder; an early done (before any reminder of its stretch, without the
guide) may have been nothing at all. After PROMOTE_AFTER counted breaks at one step the dose moves
up. "Too easy", "too hard" and "pain" about a break set the dose one step from the step that
break was done at, so one break moves a dose one step at most; at the ends of the range they
cannot move it, and say so (`Outcome`). Each whole week without a counted break steps every dose
back one, down to the start. Pure: the journal's rows are replayed through `Doses` at start
(`store.stats.doses`), and the coach feeds it every new break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

STEPS = 3
TOP = STEPS - 1
PROMOTE_AFTER = 3  # counted breaks done at one step before the next
LAPSE = 7 * 24 * 3600  # each whole such span without a counted break steps every dose back one
LOCK_AFTER = 30 * 24 * 3600  # a month without a counted break locks level 2 again (`Past`)
REST_AFTER_PAIN = 7 * 24 * 3600  # a move that hurt is not suggested for this long


class Why(StrEnum):
    """Why a dose is what it is; `phrases` words it."""

    START = "start"
    EARNED = "earned"  # PROMOTE_AFTER counted breaks at the step below
    EASY = "easy"  # you said it was too easy
    HARD = "hard"  # you said it was too hard
    PAIN = "pain"  # you said it hurt
    LAPSE = "lapse"  # weeks without breaks
    TOP = "top"  # at the high end, staying there


class Feedback(StrEnum):
    """What a person can say about a break: the words of `done --easy`, `rate pain`, the
    notification's buttons and the journal's feedback column."""

    EASY = "easy"
    HARD = "hard"
    PAIN = "pain"  # it hurt: the move rests for a week and comes back a step easier


class Outcome(StrEnum):
    """What a rating did, for the answer to say."""

    MOVED = "moved"  # the dose is where the rating put it
    TOP = "top"  # too easy at the top of the range: the harder way is the next step
    BOTTOM = "bottom"  # too hard at the start of the range: the easier way is the next step
    NOT_COUNTED = "not_counted"  # too easy about a break that does not count: no move up


@dataclass(frozen=True)
class Dose:
    step: int = 0  # 0 low, 1 middle, 2 high
    done: int = 0  # counted breaks done at this step
    why: Why = Why.START


@dataclass(frozen=True)
class Rated:
    """A rating and what it did."""

    said: Feedback
    dose: Dose  # the dose from now on
    outcome: Outcome


@dataclass
class Doses:
    """Every exercise's dose, and when the last counted break was."""

    by_exercise: dict[str, Dose] = field(default_factory=dict)
    last_break: float | None = None  # wall time of the last counted break
    lapsed: int = 0  # steps every dose went back since then (one a week)
    # exercise -> (the step its latest break was done at, whether that break counted): what a
    # rating of that break moves from
    latest: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def of(self, exercise: str) -> Dose:
        return self.by_exercise.get(exercise, Dose())

    def done(self, exercise: str, wall: float, counts: bool = True) -> Dose:
        """A break of `exercise` at `wall`; returns its dose for next time. One that does not
        count (`counts` False) moves nothing."""
        self.catch_up(wall)
        now = self.of(exercise)
        self.latest[exercise] = (now.step, counts)
        if not counts:
            return now
        if now.step < TOP and now.done + 1 >= PROMOTE_AFTER:
            new = Dose(now.step + 1, 0, Why.EARNED)
        else:
            new = Dose(now.step, now.done + 1, Why.TOP if now.step == TOP else now.why)
        self.by_exercise[exercise] = new
        self.last_break, self.lapsed = wall, 0
        return new

    def feedback(self, exercise: str, said: Feedback) -> Rated:
        """How the latest break of `exercise` felt: the dose one step from where that break was
        done, up for "easy" (only after a counted break), down for "hard" and "pain"."""
        now = self.of(exercise)
        at, counted = self.latest.get(exercise, (now.step, True))
        if said is Feedback.EASY:
            if not counted:
                return Rated(said, now, Outcome.NOT_COUNTED)
            if at == TOP:
                return Rated(said, now, Outcome.TOP)
            new = now if now.step == at + 1 else Dose(at + 1, 0, Why.EASY)
        else:
            new = Dose(max(0, at - 1), 0, Why.PAIN if said is Feedback.PAIN else Why.HARD)
        self.by_exercise[exercise] = new
        edge = said is Feedback.HARD and at == 0
        return Rated(said, new, Outcome.BOTTOM if edge else Outcome.MOVED)

    def catch_up(self, wall: float) -> None:
        """Step every dose back one for each whole LAPSE since the last counted break (the
        ones not stepped back yet), down to the start."""
        if self.last_break is None:
            return
        weeks = int((wall - self.last_break) // LAPSE)
        back, self.lapsed = weeks - self.lapsed, max(weeks, self.lapsed)
        if back <= 0:
            return
        self.by_exercise = {ident: Dose(max(0, d.step - back), 0, Why.LAPSE)
                            for ident, d in self.by_exercise.items()}
