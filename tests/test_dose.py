"""The dose follows the person: up after a few breaks, at once on "too easy/too hard", back a
step after a week without breaks; replayed from a journal, told by `exercises show`."""

from datetime import date

from glutewake.core.coach import Answer, Coach, Observation
from glutewake.core.commands import Done, Rate
from glutewake.core.dose import LAPSE, PROMOTE_AFTER, Dose, Doses, Feedback, Why
from glutewake.core.events import Kind, Record
from glutewake.store import stats
from glutewake.store.journal import Journal
from tests.helpers import START_WALL, records, settings
from tests.support import glutewake, journal_path

DAY = 86400


def test_a_dose_moves_up_after_breaks_at_its_step_and_stops_at_the_top():
    doses = Doses()
    steps = [doses.done("wall-lean", START_WALL + n * 600).step for n in range(3 * PROMOTE_AFTER)]
    assert steps[:PROMOTE_AFTER] == [0] * (PROMOTE_AFTER - 1) + [1]
    assert steps[-1] == 2 and doses.of("wall-lean").why is Why.TOP
    assert doses.of("bird-dog") == Dose()  # every exercise has its own


def test_feedback_moves_the_dose_at_once_within_the_range():
    doses = Doses()
    assert doses.feedback("wall-lean", Feedback.EASY) == Dose(1, 0, Why.EASY)
    assert doses.feedback("wall-lean", Feedback.EASY).step == 2
    assert doses.feedback("wall-lean", Feedback.EASY).step == 2  # no higher than the top
    assert doses.feedback("wall-lean", Feedback.HARD).step == 1
    for _ in range(3):
        doses.feedback("wall-lean", Feedback.HARD)
    assert doses.of("wall-lean").step == 0


def test_a_week_without_breaks_steps_every_dose_back():
    doses = Doses()
    doses.feedback("wall-lean", Feedback.EASY)
    doses.feedback("bird-dog", Feedback.EASY)
    doses.done("wall-lean", START_WALL)
    doses.done("wall-lean", START_WALL + LAPSE - 1)  # six days later: no lapse
    assert doses.of("bird-dog").step == 1
    doses.done("wall-lean", START_WALL + 2 * LAPSE)
    assert doses.of("bird-dog") == Dose(0, 0, Why.LAPSE)
    assert doses.of("wall-lean").step == 0 and doses.of("wall-lean").done == 1


def test_the_coach_logs_the_dose_and_feedback_and_reminds_at_the_new_dose():
    coach = Coach(settings())
    coach.observe(Observation(START_WALL, 0.0, 0.0))
    exercise = coach.exercise
    effects = coach.command(Done())
    assert records(effects, "done")[0].dose == 0
    rated = coach.command(Rate(Feedback.EASY))
    assert [(r.exercise, r.feedback) for r in records(rated, "feedback")] == [(exercise.id, "easy")]
    answer = [e for e in rated if isinstance(e, Answer)][0]
    assert answer.ok and answer.dose == 1
    assert coach.past.doses.of(exercise.id).step == 1


def test_rating_before_any_break_is_refused():
    coach = Coach(settings())
    coach.observe(Observation(START_WALL, 0.0, 0.0))
    answer = [e for e in coach.command(Rate(Feedback.HARD)) if isinstance(e, Answer)][0]
    assert not answer.ok


def test_done_with_feedback_is_one_break_and_one_rating():
    coach = Coach(settings())
    coach.observe(Observation(START_WALL, 0.0, 0.0))
    effects = coach.command(Done(Feedback.HARD))
    assert [r.kind for r in records(effects)] == [Kind.DONE, Kind.FEEDBACK]


def test_doses_replay_from_a_fake_journal(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    for n in range(PROMOTE_AFTER):  # earns the middle step
        journal.record(Record(Kind.DONE, START_WALL + n * 3600, 1800, "wall-lean", dose=0))
    journal.record(Record(Kind.FEEDBACK, START_WALL + 4 * 3600, 0, "bird-dog", feedback="easy"))
    journal.record(Record(Kind.DONE, START_WALL + 20 * DAY, 1800, "single-leg-stand"))  # lapse
    found = stats.doses(journal.read)
    assert found.of("wall-lean") == Dose(0, 0, Why.LAPSE)
    assert found.of("bird-dog") == Dose(0, 0, Why.LAPSE)
    assert found.of("single-leg-stand").done == 1
    past = stats.past(journal.read, settings().catalog, date(2026, 1, 1))
    assert past.doses.of("wall-lean").why is Why.LAPSE
    journal.close()


def test_exercises_show_states_the_dose_and_why(home):
    path = journal_path(home)
    path.parent.mkdir(parents=True)
    journal = Journal(path)
    journal.record(Record(Kind.FEEDBACK, START_WALL, 0, "wall-lean", feedback="easy"))
    journal.close()
    shown = glutewake(home, "exercises", "show", "wall-lean")
    assert shown.returncode == 0
    assert "Your dose: dose 2 of 3: moved up because you said it was too easy" in shown.stdout
    fresh = glutewake(home, "exercises", "show", "bird-dog").stdout
    assert "dose 1 of 3: everyone starts at the low end" in fresh
