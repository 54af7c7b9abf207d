"""A guided break: the exercise laid out step by step (set k of n, which side, hold or reps,
rest), and where in it a person is after so many seconds. Pure: the coach and the terminal
guide feed it elapsed time; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .exercises import Exercise

UPDATE_EVERY = 5.0  # seconds between countdown updates on the desktop (not every second)


class Part(StrEnum):
    WORK = "work"
    REST = "rest"


class Side(StrEnum):
    RIGHT = "right"
    LEFT = "left"


@dataclass(frozen=True)
class Step:
    part: Part
    set: int  # 1-based
    sets: int
    side: Side | None  # None: both legs at once
    seconds: float
    reps: int | None = None  # a counted set; None with WORK: a hold
    frame: int = 0  # which key-frame picture fits: 0 start position, 1 end position


def plan(exercise: Exercise, dose: int) -> tuple[Step, ...]:
    """Every step of the break, in order: work, rest, work, ..., work. Its length is
    `exercise.break_seconds` at the same dose."""
    count = exercise.amount(dose)
    rest, rep = float(exercise.rest), float(exercise.rep_seconds)
    sides: tuple[Side | None, ...] = (None,)
    if exercise.per_side:  # in the order the steps take them
        first_left = exercise.first_side == "left"
        sides = (Side.LEFT, Side.RIGHT) if first_left else (Side.RIGHT, Side.LEFT)
    steps: list[Step] = []
    for number in range(1, exercise.sets + 1):
        for side in sides:
            if steps:
                steps.append(Step(Part.REST, number, exercise.sets, side, rest))
            if exercise.reps:
                steps.append(Step(Part.WORK, number, exercise.sets, side, count * rep, count, 1))
            else:
                steps.append(Step(Part.WORK, number, exercise.sets, side, float(count), None, 1))
    return tuple(steps)


@dataclass(frozen=True)
class Place:
    """Where a guided break is after some seconds."""

    index: int  # into the plan; len(plan) when finished
    step: Step | None
    left: float  # seconds left in this step
    total_left: float  # seconds left in the whole break

    @property
    def finished(self) -> bool:
        return self.step is None


def total(steps: tuple[Step, ...]) -> float:
    """Seconds the whole break takes."""
    return sum(s.seconds for s in steps)


def place(steps: tuple[Step, ...], elapsed: float) -> Place:
    whole = total(steps)
    passed = 0.0
    for index, step in enumerate(steps):
        if elapsed < passed + step.seconds:
            left = passed + step.seconds - elapsed
            return Place(index, step, left, whole - elapsed)
        passed += step.seconds
    return Place(len(steps), None, 0.0, 0.0)


def next_update(steps: tuple[Step, ...], elapsed: float) -> float | None:
    """Seconds until the guide's display should change: the next step, or the next countdown
    tick every UPDATE_EVERY seconds. None when finished."""
    where = place(steps, elapsed)
    if where.finished:
        return None
    tick = where.left % UPDATE_EVERY or UPDATE_EVERY
    return min(where.left, tick)
