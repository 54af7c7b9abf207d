"""The journal tells what the person did: a compressed day replayed with the fake clock gives
the numbers they lived (issue: reminders counted once, no false early breaks, real absences)."""

from __future__ import annotations

from datetime import datetime

import pytest

from glutewake.core.coach import Coach
from glutewake.core.commands import Done, Pause, Reconfigure, Resume, Skip, Snooze, Start
from glutewake.core.events import Kind, Record
from glutewake.store import stats
from glutewake.store.journal import Journal
from tests.support.helpers import Desk, records, reminders, settings

EVERY = 30 * 60


def desk(**breaks) -> Desk:
    values = dict(every="30m", snooze="5m", remind_again="5m", natural_break="5m") | breaks
    return Desk(Coach(settings(**values)))


def compressed_day() -> Desk:
    """Six breaks: five done (with snoozes, a pause and resume, a settings reload and a guided
    one), one skipped; a lunch away from the desk in between."""
    d = desk()
    d.sit(EVERY)                      # 1: reminded, snoozed, reminded again, done
    d.command(Snooze())
    d.sit(5 * 60)
    d.command(Done())
    d.sit(EVERY)                      # 2: reminded, paused, resumed, done
    d.command(Pause(seconds=600))
    d.sit(60)
    d.command(Resume())
    d.sit(30)
    d.command(Done())
    d.sit(EVERY)                      # 3: reminded, the settings reloaded, done
    d.command(Reconfigure(d.coach.settings))
    d.sit(30)
    d.command(Done())
    d.sit(EVERY)                      # 4: reminded, a guided break to its end
    d.command(Start())
    d.sit(20 * 60, step=5)
    d.sit(EVERY - 20 * 60)            # 5: reminded, skipped
    d.sit(EVERY)
    d.command(Skip())
    d.sit(10 * 60)
    d.leave(60 * 60)                  # lunch: an hour away
    d.sit(EVERY)                      # 6: reminded, snoozed twice, done
    d.command(Snooze())
    d.sit(60)
    d.command(Snooze(seconds=120))
    d.sit(120)
    d.command(Done())
    return d


def journal_of(tmp_path, effects) -> Journal:
    journal = Journal(tmp_path / "journal.sqlite3")
    for effect in effects:
        if isinstance(effect, Record):
            journal.record(effect)
    return journal


def test_the_compressed_day_counts_what_the_person_did(tmp_path):
    d = compressed_day()
    journal = journal_of(tmp_path, d.effects)
    day = datetime.fromtimestamp(d.wall).date()
    report = stats.report(journal.read, day, day, 6, day)
    total = report.total
    assert (total.reminders, total.done, total.skipped) == (6, 5, 1)
    assert total.answered_share == 1.0
    assert not [r for r in records(d.effects, Kind.DONE) if r.early]


# --- each item, with the fake clock ---------------------------------------------------------

def test_a_break_done_after_a_snoozed_reminder_is_not_early():
    d = desk()
    d.sit(EVERY)
    d.command(Snooze())
    d.sit(60)
    d.command(Done())
    assert [r.early for r in records(d.effects, Kind.DONE)] == [False]


def test_a_guided_break_started_from_a_due_reminder_is_not_early():
    d = desk()
    d.sit(EVERY)
    d.command(Start())
    d.sit(20 * 60, step=5)
    done = records(d.effects, Kind.DONE)
    assert len(done) == 1 and done[0].guided and not done[0].early


def test_a_break_before_any_reminder_is_early_guided_or_not():
    d = desk()
    d.sit(10 * 60)
    d.command(Done())
    d.sit(10 * 60)
    d.command(Start())
    d.sit(20 * 60, step=5)
    assert [(r.early, r.guided) for r in records(d.effects, Kind.DONE)] == [(True, False),
                                                                             (True, True)]


@pytest.mark.parametrize("between", ["resume", "reload", "snooze"])
def test_a_replan_is_not_a_new_reminder(between):
    d = desk()
    d.sit(EVERY)
    if between == "resume":
        d.command(Pause(seconds=600))
        d.sit(60)
        d.command(Resume())
    elif between == "reload":
        d.command(Reconfigure(d.coach.settings))
    else:
        d.command(Snooze())
    d.sit(6 * 60)
    numbers = [r.reminder for r in records(d.effects, Kind.REMINDED)]
    assert numbers[0] == 1 and numbers[1:] == list(range(2, len(numbers) + 1))


def test_the_next_break_starts_again_at_reminder_one():
    d = desk()
    d.sit(EVERY)
    d.command(Snooze())
    d.sit(5 * 60)
    d.command(Done())
    d.sit(EVERY)
    assert [r.reminder for r in records(d.effects, Kind.REMINDED)] == [1, 2, 1]


def test_an_absence_has_its_begin_and_its_end():
    d = desk()
    d.sit(20 * 60)
    left = d.wall
    d.leave(60 * 60)  # an hour's lunch
    d.sit(60)
    natural, = records(d.effects, Kind.NATURAL_BREAK)
    away, = records(d.effects, Kind.AWAY)
    assert natural.wall - natural.duration == pytest.approx(left, abs=1)
    assert away.duration == pytest.approx(60 * 60, abs=15)
    assert away.wall - away.duration == pytest.approx(left, abs=1)


def test_a_stop_while_away_records_the_absence_up_to_the_stop():
    from glutewake.core.commands import Stop

    d = desk()
    d.sit(20 * 60)
    d.leave(40 * 60)
    d.command(Stop())
    away, = records(d.effects, Kind.AWAY)
    assert away.duration == pytest.approx(40 * 60, abs=15) and away.wall == d.wall
    assert [r.kind for r in records(d.effects)][-2:] == [Kind.AWAY, Kind.STOPPED]


def test_sleep_is_an_absence_with_its_length():
    d = desk()
    d.sit(10 * 60)
    d.sleep(2 * 3600)
    d.sit(30)
    away, = records(d.effects, Kind.AWAY)
    assert away.duration == pytest.approx(2 * 3600, abs=1)


def test_a_short_absence_is_sitting_and_records_nothing():
    d = desk()
    d.sit(10 * 60)
    d.leave(3 * 60)
    d.sit(60)
    assert not records(d.effects, Kind.AWAY) and not records(d.effects, Kind.NATURAL_BREAK)


def test_time_away_from_a_guided_break_ends_it_and_is_an_absence():
    d = desk()
    d.sit(EVERY)
    d.command(Start())
    d.sit(20)
    d.leave(10 * 60, locked=True)  # the screen locked: the guide waits, then it is a break
    d.sit(60)
    assert records(d.effects, Kind.PARTIAL) and not records(d.effects, Kind.DONE)
    assert records(d.effects, Kind.NATURAL_BREAK)
    away, = records(d.effects, Kind.AWAY)
    assert away.duration == pytest.approx(10 * 60, abs=20)
    assert d.coach.status().phase == "sitting"


def test_a_new_snooze_replaces_the_last_and_the_answer_agrees_with_the_journal():
    from glutewake.core.coach import Answer

    d = desk()
    d.sit(EVERY)
    d.command(Snooze(seconds=300))
    d.sit(60)
    answer, = [e for e in d.command(Snooze(seconds=10)) if isinstance(e, Answer)]
    assert answer.seconds == pytest.approx(10)
    assert records(d.effects, Kind.SNOOZED)[-1].duration == 10
    assert not reminders(d.sit(5))
    assert reminders(d.sit(10))


def test_time_away_per_day_in_stats(tmp_path):
    d = desk()
    d.sit(20 * 60)
    d.leave(60 * 60)
    d.sit(60)
    journal = journal_of(tmp_path, d.effects)
    day = datetime.fromtimestamp(d.wall).date()
    assert stats.report(journal.read, day, day, 6, day).total.away_seconds == \
        pytest.approx(3600, abs=15)


# --- a guided break in a terminal -------------------------------------------------------------

def test_a_terminal_guide_puts_the_coach_in_guiding_and_holds_repeats():
    from glutewake.core.commands import Guided

    d = desk(remind_again="1m")
    d.sit(EVERY)
    ident = d.coach.exercise.id
    d.command(Start(ident, elsewhere=True))
    assert d.coach.status().phase == "guiding"
    assert not reminders(d.sit(150))  # remind_again passes twice: no repeat meanwhile
    d.command(Guided(ident, 150.0, True))
    done, = records(d.effects, Kind.DONE)
    assert done.guided and not done.early and done.duration == 150
    assert d.coach.status().phase == "sitting"


def test_a_terminal_guide_ended_by_the_tray_is_logged_once():
    from glutewake.core.coach import Answer, Reply
    from glutewake.core.commands import Guided

    d = desk()
    d.sit(EVERY)
    ident = d.coach.exercise.id
    d.command(Start(ident, elsewhere=True))
    d.sit(60)
    d.command(Done())  # from the tray, while the terminal still counts down
    answer, = [e for e in d.command(Guided(ident, 150.0, True)) if isinstance(e, Answer)]
    assert answer.reply is Reply.ENDED_ALREADY
    assert len(records(d.effects, Kind.DONE)) == 1


def test_a_terminal_guide_that_goes_silent_ends_as_a_partial_break():
    from glutewake.core import guide

    d = desk()
    d.sit(EVERY)
    exercise = d.coach.exercise
    d.command(Start(exercise.id, elsewhere=True))
    whole = guide.total(guide.plan(exercise, 0))
    d.sit(whole + 60)
    assert d.coach.status().phase == "guiding"
    d.sit(120)
    assert d.coach.status().phase != "guiding"
    partial, = records(d.effects, Kind.PARTIAL)
    assert partial.duration == pytest.approx(whole) and not records(d.effects, Kind.DONE)


def test_glutewake_guide_in_a_terminal_holds_the_daemons_repeats(home):
    """End to end: a due break, `glutewake guide` in a terminal, and the daemon guiding until
    the terminal says it ended; no repeat meanwhile; one guided done, logged by the daemon."""
    import json
    import sqlite3
    import subprocess
    import sys

    from tests.support import QUICK_EXERCISE, Running, glutewake, journal_path, write_config
    from tests.support.desktop import wait_for

    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "1s"\nremind_again = "2s"\n'
                       'natural_break = "1h"\n' + QUICK_EXERCISE)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        run = subprocess.Popen([sys.executable, "-m", "glutewake", "guide", "quick-squeeze"],
                               env=home, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: json.loads(glutewake(home, "status", "--json").stdout)["phase"]
                 == "guiding", "the daemon guiding", timeout=10)
        out, err = run.communicate(timeout=40)
        assert run.returncode == 0, err
        assert "Break logged: Quick squeeze" in out
    finally:
        assert daemon.stop() == 0
    db = sqlite3.connect(journal_path(home))
    try:
        rows = db.execute("SELECT kind, reminder, guided, early FROM events "
                          "WHERE kind IN ('reminded', 'done') ORDER BY id").fetchall()
    finally:
        db.close()
    done_at = next(n for n, row in enumerate(rows) if row[0] == "done")
    assert [row[1] for row in rows[:done_at]] == list(range(1, done_at + 1))
    assert done_at <= 3  # no repeats during the 11-second guide (remind_again is 2 s)
    assert rows[done_at][2:] == (1, 0)  # guided, not early


# --- what a pause answers ---------------------------------------------------------------------

def test_a_pause_beyond_the_coming_week_answers_with_its_date():
    from datetime import timedelta

    from glutewake.core.coach import Answer, Reply
    from glutewake.words.phrases import answer
    from glutewake.words.times import weekday_date

    now = datetime(2026, 12, 1, 3, 19).timestamp()
    far = answer(Answer(Reply.PAUSED, until=now + 720 * 3600), now)
    near = answer(Answer(Reply.PAUSED, until=now + 48 * 3600), now)
    assert far == f"Reminders paused until {weekday_date(datetime(2026, 12, 31).date())} 03:19."
    assert near == "Reminders paused until Thu 03:19."
    assert far != near
    assert datetime(2026, 12, 1) + timedelta(hours=720) == datetime(2026, 12, 31)


def test_two_days_are_accepted_like_48_hours():
    from glutewake.core import commands

    assert commands.parse("pause", "2d") == commands.parse("pause", "48h") == Pause(seconds=172800)
