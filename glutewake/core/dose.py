"""How much of each exercise a person does: a dose that follows them.

Every exercise has three dose steps (the low end, the middle and the high end of its reps or
hold). A person starts at the low end; after PROMOTE_AFTER breaks of an exercise at one step
it moves up; "too easy" or "too hard" moves it at once; a week without any break steps every
exercise back one, since a lapse costs some of what was built. Pure: the journal's rows are
replayed through `Doses` at start, and the coach feeds it every new break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

STEPS = 3
PROMOTE_AFTER = 3  # breaks done at one step before the next
LAPSE = 7 * 24 * 3600  # seconds without any break that step every dose back


class Why(StrEnum):
    """Why a dose is what it is; `phrases` words it."""

    START = "start"
    EARNED = "earned"  # PROMOTE_AFTER breaks at the step below
    EASY = "easy"  # you said it was too easy
    HARD = "hard"  # you said it was too hard
    LAPSE = "lapse"  # a week without breaks
    TOP = "top"  # at the high end, staying there


class Feedback(StrEnum):
    EASY = "easy"
    HARD = "hard"


@dataclass(frozen=True)
class Dose:
    step: int = 0  # 0 low, 1 middle, 2 high
    done: int = 0  # breaks done at this step
    why: Why = Why.START


@dataclass
class Doses:
    """Every exercise's dose, and when the last break was."""

    by_exercise: dict[str, Dose] = field(default_factory=dict)
    last_break: float | None = None  # wall time

    def of(self, exercise: str) -> Dose:
        return self.by_exercise.get(exercise, Dose())

    def done(self, exercise: str, wall: float) -> Dose:
        """A break of `exercise` at `wall`; returns its dose for next time."""
        self._lapse(wall)
        now = self.of(exercise)
        if now.step < STEPS - 1 and now.done + 1 >= PROMOTE_AFTER:
            new = Dose(now.step + 1, 0, Why.EARNED)
        else:
            new = Dose(now.step, now.done + 1, Why.TOP if now.step == STEPS - 1 else now.why)
        self.by_exercise[exercise] = new
        self.last_break = wall
        return new

    def feedback(self, exercise: str, said: Feedback) -> Dose:
        now = self.of(exercise)
        if said is Feedback.EASY:
            new = Dose(min(STEPS - 1, now.step + 1), 0, Why.EASY)
        else:
            new = Dose(max(0, now.step - 1), 0, Why.HARD)
        self.by_exercise[exercise] = new
        return new

    def _lapse(self, wall: float) -> None:
        if self.last_break is None or wall - self.last_break < LAPSE:
            return
        self.by_exercise = {ident: Dose(max(0, d.step - 1), 0, Why.LAPSE)
                            for ident, d in self.by_exercise.items()}
