"""A new user's first hour (issue: numbers that agree, a console that says what to do, a command
line as kind as the best)."""

from __future__ import annotations

import pytest

from glutewake.core.commands import Pause, Resume
from glutewake.core.effects import Answer
from glutewake.words.phrases import answer, left, status_line
from tests.support.helpers import START_WALL, Desk


@pytest.mark.parametrize("seconds, words", [(17, "17 s"), (0.4, "1 s"), (59.5, "1 min"),
                                            (60, "1 min"), (61, "2 min"), (359, "6 min"),
                                            (3601, "1 h 1 min")])
def test_time_left_shows_seconds_under_a_minute_and_rounds_up_above(seconds, words):
    assert left(seconds) == words


def test_the_status_line_says_seconds_just_before_the_break():
    desk = Desk(every="30m")
    desk.sit(30 * 60 - 17)
    assert status_line(desk.coach.status(), desk.wall).endswith("break in 17 s")


def test_resume_and_status_give_the_same_number():
    desk = Desk(every="30m")
    desk.sit(24 * 60 + 1)  # 5 min 59 s to go
    desk.command(Pause())
    resumed = next(e for e in desk.command(Resume()) if isinstance(e, Answer))
    said = answer(resumed, START_WALL)
    line = status_line(desk.coach.status(), desk.wall)
    assert "next break in 6 min" in said and line.endswith("break in 6 min"), (said, line)


def test_status_follow_prints_a_line_only_when_it_changes_even_while_a_break_is_due(home):
    import subprocess
    import sys
    import time

    from tests.support import Running, write_config

    write_config(home, '[breaks]\nevery = "1s"\nsnooze = "1s"\nremind_again = "1h"\n'
                       'natural_break = "1h"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        for args in (("--follow",), ("--follow", "--json")):
            follow = subprocess.Popen([sys.executable, "-m", "glutewake", "status", *args],
                                      env=home, text=True, stdout=subprocess.PIPE)
            time.sleep(5)  # five looks while the break is due
            follow.terminate()
            out, _ = follow.communicate(timeout=10)
            assert len(out.splitlines()) == 1, out
    finally:
        daemon.stop()


def test_exercises_show_open_without_a_display_says_so_and_where_the_pictures_are(home):
    from tests.support import glutewake

    shown = glutewake(home, "exercises", "show", "wall-lean", "--open")  # the home: no DISPLAY
    assert shown.returncode == 1
    assert "Cannot show the pictures (there is no display to show it on)" in shown.stderr
    assert "pictures" in shown.stderr.split("they are in ")[1]
    assert "Wall lean" in shown.stdout or "wall" in shown.stdout.lower()  # the lesson came first


def test_log_columns_fit_a_long_exercise_id(home):
    import time as clock

    from glutewake.core.events import Record
    from glutewake.store.journal import Journal
    from tests.support import glutewake, journal_path, write_config

    long_id = "a-very-long-custom-exercise-identifier-xyz"  # 42 characters
    write_config(home, "")
    journal = Journal(journal_path(home))
    now = clock.time()
    journal.record(Record("done", now - 60, 1834, long_id))
    journal.record(Record("done", now, 1200, "wall-lean", early=True))
    journal.close()
    lines = glutewake(home, "log").stdout.splitlines()
    assert len(lines) == 2
    # the sitting column starts at the same place on both lines, after the long id
    starts = [line.index("sat ") for line in lines]
    assert starts[0] == starts[1] > lines[0].index(long_id) + len(long_id)


@pytest.mark.parametrize("args, said", [
    (("snooze", "-5m"), 'snooze -5m: durations cannot be negative; write 5m or "5 min"'),
    (("config", "set", "breaks.every", "-5m"), "[breaks] every: durations cannot be negative"),
    (("log", "--sinse", "today"),
     "glutewake log: unknown option --sinse (did you mean --since?); run `glutewake log --help`"),
    (("stauts",), "did you mean 'status'?"),
    (("config", "set", "breaks.every", "20s"),
     "is shorter than [breaks] snooze (10m); make it longer, or set a shorter snooze first: "
     "`glutewake config set breaks.snooze 10s`"),
])
def test_purpose_built_one_line_errors(home, args, said):
    from tests.support import glutewake

    result = glutewake(home, *args)
    assert result.returncode == 2
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_durations_in_words_are_durations():
    from glutewake.core.commands import Snooze, parse

    assert parse("snooze", "5 minutes") == parse("snooze", "5 min") == Snooze(300)
    assert parse("snooze", "1 hour 5 mins") == Snooze(3900)


def test_help_and_the_man_page_carry_the_field_lists_themselves(home):
    from pathlib import Path

    from tests.support import glutewake

    for command in ("status", "stats"):
        shown = " ".join(glutewake(home, command, "--help").stdout.split())
        assert "README" not in shown and "`man glutewake` lists its fields" in shown
    page = (Path(__file__).resolve().parents[2] / "assets" / "glutewake.1").read_text()
    assert "next_due" in page and "streak_days" in page and "see README" not in page


def test_config_set_of_a_list_shows_exactly_what_to_type(home):
    from tests.support import glutewake

    result = glutewake(home, "config", "set", "exercises.equipment", "band")
    assert result.returncode == 2
    assert """glutewake config set exercises.equipment '["band"]'""" in result.stderr


def test_the_first_lines_say_the_mode_and_why_where_reminders_appear_how_to_answer_and_the_settings(
        home):
    import sys
    from pathlib import Path

    from tests.support import Running

    daemon = Running(home)  # no DISPLAY in the test home: console mode, and it says why
    try:
        daemon.wait_for("glutewake is watching")
        said = [daemon.wait_for(text) for text in ("Reminders are printed here",
                                                   "Answer from another terminal", "Settings: ")]
    finally:
        daemon.stop()
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in said[0]
    from glutewake.app.runner import typed_command

    script = typed_command()  # the venv's bin is seldom on PATH: then the command's whole path
    assert script in ("glutewake", str(Path(sys.executable).with_name("glutewake")))
    assert f"{script} done | snooze | skip | status" in said[1]
    assert home["XDG_CONFIG_HOME"] in said[2] and f"`{script} config edit`" in said[2]


def test_the_readme_starts_with_a_quick_start_whose_commands_work(home):
    """Item 1: right after `make run` / `make test`, the README tells a user how to get the
    command (pipx, or the path `make run` made), what a reminder looks like, how to answer and
    how to try a short interval; developer topics come later. Every command it shows there is a
    real command that a running glutewake accepts."""
    import re
    import shlex
    from pathlib import Path

    from tests.support import Running, glutewake

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    sections = re.split(r"\n(?=## )", readme)
    assert "make run" in sections[0] and "make test" in sections[0]
    assert sections[1].startswith("## Quick start")
    quick = sections[1]
    for needed in ("pipx install", ".venv/bin/glutewake", "source .venv/bin/activate",
                   "glutewake config set breaks.every 2m", "glutewake config set breaks.snooze 1m"):
        assert needed in quick, needed
    for developer in ("make soak", "make bench", "desktop-packages.sh"):
        assert developer not in readme[:readme.index("## Before you exercise")], developer

    shown = [shlex.split(line.split("#")[0]) for line in quick.splitlines()
             if line.startswith("    glutewake ")]
    assert {words[1] for words in shown} >= {"done", "snooze", "skip", "pause", "status",
                                             "config", "guide"}
    daemon = Running(home)
    try:
        daemon.wait_for("glutewake is watching")
        for words in shown:
            if words[1] in ("run", "guide"):  # run is the daemon itself; guide is interactive
                assert glutewake(home, words[1], "--help").returncode == 0
                continue
            result = glutewake(home, *words[1:])
            # understood and answered; skip with nothing due says so (exit 1), never a usage error
            assert result.returncode == 0 or (words[1] == "skip" and "nothing to skip"
                                              in result.stderr), (words, result.stderr)
    finally:
        daemon.stop()
