"""The status line people read in the tray and in `glutewake status`."""

import math

from glutewake.core.coach import Status
from glutewake.core.exercises import builtin
from glutewake.core.phrases import status_line

NOW = 1_763_800_000.0


def line(phase, sitting=1380, due_in=420, paused_until=None, away_for=0.0, quiet=None):
    return status_line(Status(phase, sitting, due_in, 0, paused_until, away_for, builtin()[0],
                              quiet), NOW)


def test_each_phase_reads_naturally():
    assert line("sitting") == "Sitting 23 min · break in 7 min"
    assert line("due", 1920, 0) == "Break due · sitting 32 min"
    assert line("snoozed") == "Sitting 23 min · snoozed, reminder in 7 min"
    assert line("paused", paused_until=math.inf) == "Paused until you resume"
    assert line("paused", paused_until=NOW + 3600).startswith("Paused until ")
    assert line("away", away_for=400) == "Away 6 min"
    assert line("held", 1920, 0, quiet="full-screen window") == "Break due · held: full-screen window"


def test_time_left_rounds_up_and_time_spent_down():
    assert line("sitting", 90, 1710) == "Sitting 1 min · break in 29 min"
    assert line("sitting", 30, 1770) == "Sitting <1 min · break in 30 min"


def test_off_hours_comes_first():
    assert line("sitting", quiet="off hours until Mon 09:00") == \
        "Off hours until Mon 09:00 · sitting 23 min"
    assert line("held", 1920, 0, quiet="off hours until Mon 09:00") == \
        "Off hours until Mon 09:00 · break due"
