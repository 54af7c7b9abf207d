"""The dose follows the person, and only what they did moves it: up after a few counted breaks
(guided, or answering a reminder), one step at most per break, a step back for each week away
and level 2 locked again after a month; at the ends of the range the answer offers the other
way. Each rule is checked on a fake journal replayed as `glutewake` replays it at start
(`stats.doses`, `stats.past`), and the coach and the replay agree on any sequence of breaks."""

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from glutewake.core.coach import Answer, Coach, Past, level_in_force
from glutewake.core.commands import Done, Guided, Rate
from glutewake.core.dose import LOCK_AFTER, PROMOTE_AFTER, TOP, Dose, Doses, Feedback, Outcome, Why
from glutewake.core.events import Kind, Record
from glutewake.store import stats
from glutewake.store.journal import Journal
from glutewake.words.phrases import answer as words
from tests.support import glutewake, journal_path
from tests.support.helpers import START_WALL, Desk, configured, records

DAY = 86400
HOUR = 3600


def journal_of(path, *rows: Record) -> Journal:
    journal = Journal(path)
    for row in rows:
        journal.record(row)
    return journal


def reminded(wall: float, exercise: str = "wall-lean") -> Record:
    """A done that answers a reminder: it counts."""
    return Record(Kind.DONE, wall, 1800, exercise)


def early(wall: float, exercise: str = "wall-lean") -> Record:
    """A done before any reminder of its stretch, without the guide: it does not count."""
    return Record(Kind.DONE, wall, 60, exercise, early=True)


def guided(wall: float, exercise: str = "wall-lean") -> Record:
    """A guided break, even an early one: it counts."""
    return Record(Kind.DONE, wall, 60, exercise, early=True, guided=True, duration=150)


def rated(wall: float, said: str, exercise: str = "wall-lean") -> Record:
    return Record(Kind.FEEDBACK, wall, 0, exercise, feedback=said)


def answer(effects) -> Answer:
    return [e for e in effects if isinstance(e, Answer)][0]


# --- the steps ----------------------------------------------------------------------------------

def test_a_dose_moves_up_after_breaks_at_its_step_and_stops_at_the_top():
    doses = Doses()
    steps = [doses.done("wall-lean", START_WALL + n * 600).step for n in range(3 * PROMOTE_AFTER)]
    assert steps[:PROMOTE_AFTER] == [0] * (PROMOTE_AFTER - 1) + [1]
    assert steps[-1] == TOP and doses.of("wall-lean").why is Why.TOP
    assert doses.of("bird-dog") == Dose()  # every exercise has its own


def test_only_guided_breaks_and_dones_that_answer_a_reminder_move_the_dose(tmp_path):
    rows = [early(START_WALL + n * HOUR, "wall-lean") for n in range(2 * PROMOTE_AFTER)]
    rows += [guided(START_WALL + n * HOUR, "bird-dog") for n in range(PROMOTE_AFTER)]
    rows += [reminded(START_WALL + n * HOUR, "single-leg-stand") for n in range(PROMOTE_AFTER)]
    journal = journal_of(tmp_path / "j.sqlite3", *rows)
    found = stats.doses(journal.read)
    assert found.of("wall-lean") == Dose()  # six early dones: nothing done for sure
    assert found.of("bird-dog") == Dose(1, 0, Why.EARNED)
    assert found.of("single-leg-stand") == Dose(1, 0, Why.EARNED)
    journal.close()


def test_the_coach_counts_only_what_the_journal_counts():
    desk = Desk()
    for _ in range(PROMOTE_AFTER):
        ident = desk.coach.exercise.id
        done = records(desk.command(Done()), "done")[0]
        assert done.early and desk.coach.past.doses.of(ident) == Dose()
    for _ in range(PROMOTE_AFTER):
        desk.sit(30 * 60)  # reminded
        assert not records(desk.command(Done()), "done")[0].early
    assert any(d.done or d.step for d in desk.coach.past.doses.by_exercise.values())


def test_only_counted_breaks_unlock_level_two(tmp_path):
    auto = configured(exercises={"unlock_breaks": 2, "unlock_days": 1})
    journal = journal_of(tmp_path / "j.sqlite3",
                         *(early(START_WALL + n * HOUR) for n in range(5)))
    today = date.fromtimestamp(START_WALL)
    nothing = stats.past(journal.read, auto.catalog, today, START_WALL + DAY)
    assert (nothing.level_one_done, nothing.level_one_days) == (0, 0)
    assert level_in_force(auto, nothing).prefs.level == 1
    journal.record(reminded(START_WALL + 6 * HOUR))
    journal.record(guided(START_WALL + 7 * HOUR))
    earned = stats.past(journal.read, auto.catalog, today, START_WALL + DAY)
    assert level_in_force(auto, earned).prefs.level == 2
    journal.close()


def test_a_break_moves_the_dose_one_step_at_most(tmp_path):
    # `done --easy` on the break that earns a step: one step, not two
    rows = [reminded(START_WALL + n * HOUR) for n in range(PROMOTE_AFTER)]
    rows.append(rated(START_WALL + (PROMOTE_AFTER - 1) * HOUR, "easy"))
    # "too easy" twice about one break of another move: still one step
    rows += [reminded(START_WALL, "bird-dog"), rated(START_WALL + 1, "easy", "bird-dog"),
             rated(START_WALL + 2, "easy", "bird-dog")]
    # "too hard" about the break that earned a step: one below the step it was done at
    rows += [reminded(START_WALL + n * HOUR, "wall-clamshell") for n in range(2 * PROMOTE_AFTER)]
    rows.append(rated(START_WALL + 6 * HOUR, "hard", "wall-clamshell"))
    journal = journal_of(tmp_path / "j.sqlite3", *rows)
    found = stats.doses(journal.read)
    assert found.of("wall-lean").step == 1
    assert found.of("bird-dog") == Dose(1, 0, Why.EASY)
    assert found.of("wall-clamshell") == Dose(0, 0, Why.HARD)  # done at 1, earned 2, hard: 0
    journal.close()
    coach = Desk().coach
    ident = coach.exercise.id
    for _ in range(PROMOTE_AFTER - 1):
        coach.past.doses.done(ident, START_WALL)
    Desk(coach).sit(30 * 60)
    effects = coach.command(Done(Feedback.EASY))
    assert coach.past.doses.of(ident).step == 1
    assert "will be at dose 2 of 3 next time" in words(answer(effects), START_WALL)


def test_a_lapse_steps_back_a_step_per_week_down_to_the_start(tmp_path):
    last = START_WALL + (2 * PROMOTE_AFTER - 1) * HOUR
    journal = journal_of(tmp_path / "j.sqlite3",
                         *(reminded(START_WALL + n * HOUR) for n in range(2 * PROMOTE_AFTER)))
    assert stats.doses(journal.read, last + 6 * DAY).of("wall-lean").step == 2
    assert stats.doses(journal.read, last + 8 * DAY).of("wall-lean") == Dose(1, 0, Why.LAPSE)
    assert stats.doses(journal.read, last + 15 * DAY).of("wall-lean").step == 0
    assert stats.doses(journal.read, last + 182 * DAY).of("wall-lean").step == 0  # six months
    journal.record(reminded(last + 8 * DAY))  # back after eight days: done at step 1, once
    back = stats.doses(journal.read, last + 9 * DAY)
    assert back.of("wall-lean") == Dose(1, 1, Why.LAPSE)
    journal.close()


def test_a_lapse_is_counted_once_however_often_it_is_looked_at():
    doses = Doses()
    for n in range(2 * PROMOTE_AFTER):
        doses.done("wall-lean", START_WALL + n)
    for look in (8, 9, 10, 13):
        doses.catch_up(START_WALL + look * DAY)
    assert doses.of("wall-lean").step == 1
    doses.catch_up(START_WALL + 15 * DAY)
    assert doses.of("wall-lean").step == 0


def test_level_two_locks_again_after_a_month_without_breaks(tmp_path):
    auto = configured(exercises={"unlock_breaks": 2, "unlock_days": 1})
    journal = journal_of(tmp_path / "j.sqlite3", reminded(START_WALL), reminded(START_WALL + HOUR))
    month_later = START_WALL + HOUR + LOCK_AFTER
    soon = stats.past(journal.read, auto.catalog, date.fromtimestamp(START_WALL + DAY),
                      START_WALL + DAY)
    assert level_in_force(auto, soon).prefs.level == 2
    later = stats.past(journal.read, auto.catalog, date.fromtimestamp(month_later), month_later)
    assert level_in_force(auto, later).prefs.level == 1
    assert stats.progress(journal.read, ["wall-lean"], month_later) == (0, 0, None)
    journal.record(reminded(month_later + HOUR))  # the way to level 2 starts again
    assert stats.progress(journal.read, ["wall-lean"], month_later + DAY)[:2] == (1, 1)
    journal.close()
    # the coach, running through the month, locks it at the first counted break after it
    coach = Coach(auto, Past(level_one_done=2, level_one_days=1, last_counted=START_WALL))
    assert coach.settings.prefs.level == 2
    desk = Desk(coach)
    desk.sleep(LOCK_AFTER)
    desk.sit(30 * 60)
    level_one = coach.exercise.level == 1
    assert not records(desk.command(Done()), "level_up")
    assert coach.settings.prefs.level == 1 and coach.past.level_one_done == int(level_one)


def test_too_easy_at_the_top_and_too_hard_at_the_bottom_offer_the_other_way(tmp_path):
    rows = [reminded(START_WALL + n * HOUR) for n in range(3 * PROMOTE_AFTER)]
    rows += [rated(START_WALL + 9 * HOUR, "easy"), reminded(START_WALL, "bird-dog"),
             rated(START_WALL + 1, "hard", "bird-dog")]
    journal = journal_of(tmp_path / "j.sqlite3", *rows)
    found = stats.doses(journal.read)
    assert found.of("wall-lean").step == TOP and found.of("bird-dog") == Dose(0, 0, Why.HARD)
    journal.close()
    doses = Doses()
    for n in range(3 * PROMOTE_AFTER):
        doses.done("wall-lean", START_WALL + n)
    doses.done("bird-dog", START_WALL)
    assert doses.feedback("wall-lean", Feedback.EASY).outcome is Outcome.TOP
    assert doses.feedback("bird-dog", Feedback.HARD).outcome is Outcome.BOTTOM
    assert doses.feedback("bird-dog", Feedback.EASY).outcome is Outcome.MOVED
    # and the answer says so
    coach = Desk().coach
    ident = coach.exercise.id
    exercise = coach.exercise
    for _ in range(3 * PROMOTE_AFTER):
        coach.past.doses.done(ident, START_WALL)
    Desk(coach).sit(30 * 60)
    said = words(answer(coach.command(Done(Feedback.EASY))), START_WALL)
    assert "at the top of its range already (dose 3 of 3)" in said
    assert f"For more, do the harder way: {exercise.harder}" in said
    desk = Desk()
    first = desk.coach.exercise
    desk.sit(30 * 60)
    desk.command(Done())
    said = words(answer(desk.command(Rate(Feedback.HARD))), START_WALL)
    assert said == (f"{first.name} is at the start of its range already (dose 1 of 3). For less, "
                    f"do the easier way: {first.easier}")


def test_too_easy_about_an_early_break_moves_nothing_and_says_why():
    desk = Desk()
    exercise = desk.coach.exercise
    effects = desk.command(Done(Feedback.EASY))  # early
    assert desk.coach.past.doses.of(exercise.id) == Dose()
    assert "does not move the dose up" in words(answer(effects), START_WALL)


# --- the coach and the replay agree ---------------------------------------------------------------

ACTIONS = st.lists(st.one_of(
    st.just(("reminded",)), st.just(("early",)), st.just(("guided",)),
    st.tuples(st.just("rate"), st.sampled_from(list(Feedback))),
    st.tuples(st.just("away"), st.sampled_from([HOUR, 3 * DAY, 8 * DAY, 20 * DAY, 40 * DAY]))),
    max_size=40)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(ACTIONS)
def test_the_coach_and_the_replay_agree(tmp_path_factory, plan):
    auto = configured(breaks={"every": "20m"}, exercises={"unlock_breaks": 3, "unlock_days": 2})
    desk = Desk(Coach(auto))
    for action in plan:
        if action[0] == "reminded":
            desk.sit(20 * 60)
            desk.command(Done())
        elif action[0] == "early":
            desk.sit(60)
            desk.command(Done())
        elif action[0] == "guided":
            desk.command(Guided(desk.coach.exercise.id, 150, True))
        elif action[0] == "rate":
            desk.command(Rate(action[1]))
        else:
            desk.sleep(action[1])
    journal = journal_of(tmp_path_factory.mktemp("j") / "j.sqlite3", *records(desk.effects))
    now = desk.wall
    replayed = stats.doses(journal.read, now)
    coach = desk.coach.past
    coach.doses.catch_up(now)
    assert replayed.by_exercise == coach.doses.by_exercise
    today = datetime.fromtimestamp(now).date()
    past = stats.past(journal.read, auto.catalog, today, now)
    coach.settle(now)
    assert ((past.level_one_done, past.level_one_days, past.last_counted)
            == (coach.level_one_done, coach.level_one_days, coach.last_counted))
    assert level_in_force(auto, past).prefs.level == desk.coach.settings.prefs.level or (
        now - (coach.last_counted or now) >= LOCK_AFTER)  # the coach settles at its next break
    assert past.resting(now) == coach.resting(now)
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


def test_exercises_show_steps_the_dose_back_for_the_weeks_away(home):
    import time

    path = journal_path(home)
    path.parent.mkdir(parents=True)
    away = time.time() - 10 * DAY
    journal = journal_of(path, *(reminded(away + n) for n in range(2 * PROMOTE_AFTER)))
    journal.close()
    shown = glutewake(home, "exercises", "show", "wall-lean").stdout
    assert ("Your dose: dose 2 of 3: stepped back a step for each week without breaks"
            in shown)


@pytest.mark.parametrize("said", list(Feedback))
def test_every_rating_is_logged_as_feedback(said):
    desk = Desk()
    desk.sit(30 * 60)
    desk.command(Done())
    found = records(desk.command(Rate(said)), "feedback")
    assert [r.feedback for r in found] == [said.value]
