"""The guided break: its plan, where a person is in it, and the coach running it with a fake
clock: through the sets to a guided done, stopped early to a partial break, paused by a lock."""

import pytest

from glutewake.app.catalog import builtin
from glutewake.core import guide
from glutewake.core.coach import Answer, Coach, GuideDone, Guiding, Observation, Remind
from glutewake.core.commands import Done, EndGuide, Guided, Skip, Start
from glutewake.core.events import Phase
from glutewake.words.phrases import guide_body, guide_title
from tests.support import QUICK_EXERCISE
from tests.support.helpers import START_WALL, records, settings

BY_ID = {e.id: e for e in builtin()}


def test_a_per_side_hold_alternates_sides_with_rests_between():
    steps = guide.plan(BY_ID["wall-lean"], 0)
    work = [s for s in steps if s.part == guide.Part.WORK]
    assert len(work) == BY_ID["wall-lean"].sets * 2
    assert [s.side for s in work[:2]] == [guide.Side.RIGHT, guide.Side.LEFT]
    assert all(s.part == guide.Part.REST for s in steps[1::2])  # work, rest, work, ...
    assert steps[0].part == steps[-1].part == guide.Part.WORK
    assert all(s.reps is None for s in work)  # a hold


def test_reps_take_their_pace_and_a_higher_dose_takes_longer():
    squat = BY_ID["band-half-squat"]
    low, high = guide.plan(squat, 0), guide.plan(squat, 2)
    assert low[0].reps == squat.amount(0) and low[0].seconds > low[0].reps
    assert sum(s.seconds for s in low) == squat.break_seconds(squat.amount(0))
    assert sum(s.seconds for s in high) > sum(s.seconds for s in low)


def test_place_walks_through_the_plan():
    steps = guide.plan(BY_ID["wall-lean"], 0)
    assert guide.place(steps, 0).index == 0
    first = steps[0].seconds
    assert guide.place(steps, first + 1).step.part == guide.Part.REST
    assert guide.place(steps, 10**6).finished
    assert guide.next_update(steps, 0) == pytest.approx(min(first, guide.UPDATE_EVERY))


class Desk:
    def __init__(self):
        self.coach = Coach(settings(every="30m"))
        self.wall, self.mono = START_WALL, 0.0
        self.effects = self.coach.observe(Observation(self.wall, self.mono, 0.0))

    def look(self, seconds: float, locked: bool = False):
        self.wall += seconds
        self.mono += seconds
        return self.coach.observe(Observation(self.wall, self.mono, 0.0, locked))

    def run_for(self, seconds: float, locked: bool = False):
        found = []
        while seconds > 0:
            step = min(seconds, self.coach.wake_in() or 5.0)
            found += self.look(step, locked)
            seconds -= step
        return found


def test_start_runs_the_break_and_logs_a_guided_done_with_its_time():
    desk = Desk()
    reminded = [e for e in desk.run_for(30 * 60 + 5) if isinstance(e, Remind)]
    exercise = reminded[0].exercise
    started = desk.coach.command(Start())
    assert isinstance(started[0], Guiding) and started[0].exercise == exercise
    assert desk.coach.status().phase == Phase.GUIDING
    total = exercise.break_seconds(exercise.amount(0))
    updates = desk.run_for(total + 5)
    shown = [e for e in updates if isinstance(e, Guiding)]
    assert len({e.where.index for e in shown}) == len(guide.plan(exercise, 0))  # every step
    assert len(shown) < total / 2  # every few seconds, not every second
    done = records(updates, "done")
    assert len(done) == 1 and done[0].guided and done[0].exercise == exercise.id
    assert done[0].duration == pytest.approx(total, abs=1)
    assert [e for e in updates if isinstance(e, GuideDone)]
    assert desk.coach.status().phase == Phase.SITTING and desk.coach.status().sitting < 10


def test_stopped_early_it_is_a_partial_break_never_a_full_one():
    desk = Desk()
    desk.run_for(30 * 60 + 5)
    desk.coach.command(Start())
    desk.run_for(40)
    stopped = desk.coach.command(EndGuide())
    partial = records(stopped, "partial")
    assert len(partial) == 1 and partial[0].duration == pytest.approx(40, abs=1)
    assert not records(stopped, "done")
    answer = [e for e in stopped if isinstance(e, Answer)][0]
    assert answer.ok and "partial" in answer.reply
    # the break is still due after a partial one: Skip now is a plain skip
    assert records(desk.coach.command(Skip()), "skipped")


def test_a_locked_screen_pauses_the_guide_and_it_goes_on_after():
    desk = Desk()
    desk.run_for(30 * 60 + 5)
    desk.coach.command(Start())
    desk.run_for(10)
    paused = desk.look(300, locked=True)
    assert [e.paused for e in paused if isinstance(e, Guiding)] == [True]
    assert desk.coach.status().phase == Phase.GUIDING
    resumed = desk.look(1)
    assert [e.paused for e in resumed if isinstance(e, Guiding)] == [False]
    exercise = desk.coach.exercise
    done = records(desk.run_for(exercise.break_seconds(exercise.amount(0))), "done")
    assert done and done[0].duration < 300  # the locked minutes are not counted


def test_done_during_the_guide_logs_a_guided_break_as_long_as_it_took():
    desk = Desk()
    desk.coach.command(Start())
    desk.run_for(60)
    effects = desk.coach.command(Done())
    done = records(effects, "done")
    assert done[0].guided and done[0].duration == pytest.approx(60, abs=1)


def test_a_terminal_guide_reports_its_end():
    desk = Desk()
    complete = desk.coach.command(Guided("wall-lean", 185, True))
    assert records(complete, "done")[0].guided and records(complete, "done")[0].duration == 185
    partial = desk.coach.command(Guided("wall-lean", 30, False))
    assert records(partial, "partial")[0].duration == 30
    unknown = desk.coach.command(Guided("moonwalk", 30, True))
    assert not [e for e in unknown if isinstance(e, Answer)][0].ok


def test_the_guide_reads_as_steps():
    exercise = BY_ID["wall-lean"]
    steps = guide.plan(exercise, 0)
    note = Guiding(exercise, 0, guide.place(steps, 1), len(steps))
    assert guide_title(note) == "Wall lean · set 1 of 3, standing on your right leg"
    assert guide_body(note).startswith("Hold · ")
    rest = Guiding(exercise, 0, guide.place(steps, steps[0].seconds + 1), len(steps))
    assert guide_title(rest).startswith("Rest · next: set 1 of 3, standing on your left leg")


def work_titles(ident: str) -> list[str]:
    """The guide's title for each work step of an exercise, in order."""
    exercise = BY_ID[ident]
    steps = guide.plan(exercise, 0)
    starts = [sum(s.seconds for s in steps[:n]) for n in range(len(steps))]
    return [guide_title(Guiding(exercise, 0, guide.place(steps, start + 0.5), len(steps)))
            for start, step in zip(starts, steps, strict=True) if step.part == guide.Part.WORK]


def test_the_guide_names_sides_as_the_steps_do():
    figure_four = work_titles("standing-figure-four-stretch")
    assert figure_four[:2] == [
        "Standing figure-four stretch · set 1 of 3, standing on your left leg",
        "Standing figure-four stretch · set 1 of 3, standing on your right leg"]
    assert work_titles("bird-dog")[0] == "Bird dog · set 1 of 2, left arm and right leg"
    walk = work_titles("lateral-band-walk")
    assert walk[:2] == ["Lateral band walk · set 1 of 3, to the right",
                        "Lateral band walk · set 1 of 3, back to the left"]
    exercise = BY_ID["lateral-band-walk"]
    steps = guide.plan(exercise, 0)
    assert guide_body(Guiding(exercise, 0, guide.place(steps, 1), len(steps))).startswith(
        "10 slow steps · ")
    assert work_titles("desk-split-squat")[0].endswith("set 1 of 2, right foot forward")
    assert work_titles("standing-side-leg-raise")[0].endswith("set 1 of 2, right leg working")


@pytest.mark.parametrize("exercise", [e for e in builtin() if e.per_side], ids=lambda e: e.id)
def test_the_first_side_the_guide_names_is_the_one_the_steps_begin_with(exercise):
    import re

    assert exercise.side != "side", "name a side as the steps do: standing, working, ..."
    said = re.findall(r"\b(left|right)\b", " ".join(exercise.steps))
    if said:  # the steps name a side: the guide starts with that one
        assert re.findall(r"\b(left|right)\b", work_titles(exercise.id)[0])[0] == said[0]


QUICK = '[breaks]\nevery = "1h"\n' + QUICK_EXERCISE


def journal_kinds(env):
    import sqlite3

    from tests.support import journal_path

    db = sqlite3.connect(journal_path(env))
    try:
        return db.execute("SELECT kind, exercise, guided, duration FROM events "
                          "WHERE kind IN ('done', 'partial')").fetchall()
    finally:
        db.close()


def test_glutewake_guide_in_a_terminal_logs_a_guided_done(home):
    from tests.support import Running, glutewake, write_config

    write_config(home, QUICK)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        result = glutewake(home, "guide", "quick-squeeze", timeout=30)
        assert result.returncode == 0, result.stderr
        assert "1. Stand tall." in result.stdout and "set 2 of 2" in result.stdout
        assert "Break logged: Quick squeeze" in result.stdout
    finally:
        assert daemon.stop() == 0
    (kind, exercise, guided, duration), = journal_kinds(home)
    assert (kind, exercise, guided) == ("done", "quick-squeeze", 1) and 10 <= duration <= 14


def test_ctrl_c_in_the_terminal_guide_logs_no_full_break(home):
    import signal
    import subprocess
    import sys
    import time

    from tests.support import Running, write_config

    write_config(home, QUICK)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        guide_run = subprocess.Popen([sys.executable, "-m", "glutewake", "guide", "wall-lean"],
                                     env=home, text=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        time.sleep(3)
        guide_run.send_signal(signal.SIGINT)
        out, err = guide_run.communicate(timeout=20)
        assert guide_run.returncode == 130, err
        assert "partial break" in out
    finally:
        assert daemon.stop() == 0
    rows = journal_kinds(home)
    assert [r[0] for r in rows] == ["partial"] and 1 <= rows[0][3] <= 6
