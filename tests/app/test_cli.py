"""The command line as a user meets it: exit codes and one-line messages."""

import csv
import io
import re

import pytest

from glutewake.core.coach import Record
from glutewake.store.export import CSV_COLUMNS
from glutewake.store.journal import Journal
from tests.support import glutewake, journal_path, write_config
from tests.support.helpers import START_WALL


def test_config_check_with_a_misspelt_key_prints_one_line_and_exits_2(home):
    path = write_config(home, '[breaks]\nevrey = "20m"\n')
    result = glutewake(home, "config", "check")
    assert result.returncode == 2
    assert result.stderr == (f'glutewake: {path}: [breaks] evrey: unknown key; '
                             'did you mean "every"?\n')
    assert "Traceback" not in result.stderr


def test_config_check_ok_and_missing(home, tmp_path):
    assert "defaults are in use" in glutewake(home, "config", "check").stdout
    path = write_config(home, '[breaks]\nevery = "20m"\n')
    result = glutewake(home, "config", "check")
    assert result.returncode == 0 and result.stdout == f"{path}: ok\n"
    other = tmp_path / "other.toml"
    other.write_text("[breaks\n")
    result = glutewake(home, "config", "check", str(other))
    assert result.returncode == 2 and f"{other}: line 1, column" in result.stderr


def test_status_reads_no_settings(home):
    """`glutewake status` must start fast: it loads neither the settings nor the catalog (the
    language comes from language_setting's quick look), only the daemon's answer."""
    import subprocess
    import sys

    write_config(home, '[ui]\nlanguage = "de"\n[breaks]\nevery = "45m"\n')
    probe = ("import sys\nfrom glutewake.app import cli\ncli.main(['status'])\n"
             "print(' '.join(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], env=home, capture_output=True,
                            text=True, timeout=60)
    loaded = set(result.stdout.split())
    assert "glutewake.app.cli" in loaded and "nicht" in result.stdout + result.stderr  # German
    heavy = {"glutewake.core.config", "glutewake.core.setting", "glutewake.app.settings_file",
             "glutewake.app.catalog", "tomlkit"}
    assert not heavy & loaded, heavy & loaded
    # of the command modules, only the one that handles `status`
    commands = {m for m in loaded if m.startswith("glutewake.app.cli.")}
    assert commands == {"glutewake.app.cli.parser", "glutewake.app.cli.running"}, commands


def test_every_command_has_a_handler():
    """Each command the parser knows names a function that runs it, and only those do."""
    import importlib

    from glutewake.app.cli import build_parser
    from glutewake.app.cli.parser import HANDLERS

    commands = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(commands.choices) == set(HANDLERS)
    for module, function in HANDLERS.values():
        assert callable(getattr(importlib.import_module(module, "glutewake.app.cli"), function))


def test_config_set_show_and_path(home):
    assert glutewake(home, "config", "set", "breaks.every", "45m").returncode == 0
    shown = glutewake(home, "config", "show").stdout
    assert 'every = "45m"  # yours' in shown and 'snooze = "10m"\n' in shown
    assert glutewake(home, "config", "path").stdout.strip().endswith("glutewake/config.toml")
    assert "[breaks]" in glutewake(home, "config", "show", "--defaults").stdout
    bad = glutewake(home, "config", "set", "breaks.max_reminders", "lots")
    assert bad.returncode == 2 and "[breaks] max_reminders" in bad.stderr


def test_config_edit_runs_the_editor_then_checks(home, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf \'[breaks]\\nevery = "oops"\\n\' > "$1"\n')
    editor.chmod(0o755)
    env = dict(home, VISUAL=str(editor))
    result = glutewake(env, "config", "edit")
    assert (result.returncode == 2 and "every" in result.stderr
            and "your edit is saved" in result.stderr)


def test_unknown_command_is_one_line_with_a_suggestion(home):
    result = glutewake(home, "snoze")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "glutewake: unknown command 'snoze' (did you mean 'snooze'?); run `glutewake --help` "
        "for the list"]


def test_exercises_list_and_show(home):
    listing = glutewake(home, "exercises")
    assert listing.returncode == 0
    assert "standing-hip-drive" in listing.stdout and "floor = true" in listing.stdout
    one = glutewake(home, "exercises", "show", "bird-dog")
    assert one.returncode == 0 and "Cue:" in one.stdout and "Not offered" in one.stdout
    wrong = glutewake(home, "exercises", "show", "bird-dgo")
    assert wrong.returncode == 2 and 'did you mean "bird-dog"' in wrong.stderr


def test_exercises_say_which_moves_a_caution_leaves_out_and_show_the_cautions(home):
    write_config(home, '[coach]\ncautions = ["hip-replacement"]\n')
    listing = glutewake(home, "exercises").stdout
    offered, left_out = listing.split("Not offered")
    assert "standing-figure-four-stretch" not in offered
    figure_four = next(line for line in left_out.splitlines()
                       if "standing-figure-four-stretch" in line)
    assert figure_four.endswith('left out for "hip-replacement" in [coach] cautions')
    shown = glutewake(home, "exercises", "show", "standing-figure-four-stretch").stdout
    assert "Caution: With a hip replacement, a deep hip bend" in shown
    assert "Caution: Do it in flat shoes" in shown
    assert 'Not offered: left out for "hip-replacement" in [coach] cautions.' in shown


def test_log_plain_and_csv(home):
    journal = Journal(journal_path(home))
    journal.record(Record("started", START_WALL, 0))
    journal.record(Record("done", START_WALL + 1900, 1834, "wall-lean", early=True))
    journal.close()
    plain = glutewake(home, "log")
    assert plain.returncode == 0
    assert "done" in plain.stdout and "wall-lean" in plain.stdout and "sat 30 min" in plain.stdout
    rows = list(csv.reader(io.StringIO(glutewake(home, "log", "--csv").stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[2][3:7] == ["done", "wall-lean", "1834", "early"]
    assert rows[2][0].endswith("Z")
    assert glutewake(home, "log", "--since", "2999-01-01", "--csv").stdout.count("\n") == 1
    bad = glutewake(home, "log", "--since", "last week")
    assert bad.returncode == 2 and "log --since" in bad.stderr


def test_log_on_a_fresh_machine(home):
    result = glutewake(home, "log")
    assert result.returncode == 0 and "nothing logged yet" in result.stdout


def test_a_settings_file_that_is_not_a_file_or_is_huge_is_refused_at_once(home):
    import os
    import time as clock

    path = write_config(home, "")
    path.unlink()
    os.mkfifo(path)
    started = clock.monotonic()
    fifo = glutewake(home, "config", "check", timeout=10)
    assert fifo.returncode == 2 and "not a regular file" in fifo.stderr
    assert clock.monotonic() - started < 5
    path.unlink()
    with open(path, "wb") as out:
        out.truncate(32 * 1024 * 1024)
    huge = glutewake(home, "config", "check", timeout=10)
    assert huge.returncode == 2 and "too big" in huge.stderr
    assert len(huge.stderr.strip().splitlines()) == 1


def test_config_set_keeps_the_file_mode(home):
    path = write_config(home, '[breaks]\nevery = "30m"\n')
    path.chmod(0o640)
    assert glutewake(home, "config", "set", "breaks.every", "45m").returncode == 0
    assert path.stat().st_mode & 0o777 == 0o640
    assert 'every = "45m"' in path.read_text()


READERS = (("log",), ("log", "--csv"), ("stats",), ("stats", "--json"), ("export",),
           ("export", "--format", "json"))


def files_of(path) -> dict:
    """The journal's files and their bytes."""
    return {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}


def test_readers_never_convert_an_old_journal_and_say_what_does(home):
    import sqlite3

    from tests.store.test_journal import OLD_ROWS, old_journal

    path = journal_path(home)
    path.parent.mkdir(parents=True)
    old_journal(path, OLD_ROWS)
    before = files_of(path)
    for command in READERS:
        result = glutewake(home, *command)
        assert result.returncode == 1, (command, result)
        assert result.stderr.count("\n") == 1 and "`glutewake run` converts it" in result.stderr
        assert str(path) in result.stderr and "Traceback" not in result.stderr
    assert files_of(path) == before
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()


def test_readers_leave_the_journal_as_it_was(home):
    journal = Journal(journal_path(home))
    journal.record(Record("done", START_WALL, 1834, "wall-lean"))
    journal.close()
    before = journal_path(home).read_bytes()
    for command in READERS:
        assert glutewake(home, *command).returncode == 0, command
    assert journal_path(home).read_bytes() == before


# A custom move with a 40-character id and a name of wide characters (two columns each in a
# terminal), and one left out (it needs a band) whose name has a combining accent (no column).
LONG_ID = "standing-calf-raise-with-a-slow-lowering"
WIDE_AND_COMBINING = f"""
[[exercises.custom]]
id = "{LONG_ID}"
name = "踵上げ calf raise"
posture = "standing"
equipment = "none"
level = 1
sets = 2
reps = [10, 15]
per_side = false
targets = ["calves"]
steps = ["Stand tall.", "Rise onto the toes.", "Lower slowly."]
cue = "Slow on the way down."

[[exercises.custom]]
id = "band-pull"
name = "Pont fe\u0301ssier"
posture = "standing"
equipment = "band"
level = 1
sets = 2
reps = 10
per_side = false
targets = ["gluteus maximus"]
steps = ["Loop the band.", "Pull.", "Let go slowly."]
cue = "Steady."
"""


def terminal_width(text: str) -> int:
    import unicodedata

    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_the_exercise_list_keeps_its_columns_for_long_ids_and_in_every_language(home, tmp_path,
                                                                                 lang):
    from glutewake.locale import catalogs

    compiled = tmp_path / "locale"
    catalogs.compile_all(out=compiled)
    assert write_config(home, WIDE_AND_COMBINING)
    env = dict(home, LANGUAGE=lang, GLUTEWAKE_LOCALE_DIR=str(compiled))
    listing = glutewake(env, "exercises")
    assert listing.returncode == 0, listing.stderr
    rows = [line for line in listing.stdout.splitlines() if line.startswith("  ")]
    assert len(rows) == 21 and any(row.startswith(f"  {LONG_ID}  ") for row in rows)
    assert any("踵上げ calf raise" in row for row in rows)
    assert any(row.startswith("  band-pull ") and "Pont fe\u0301ssier" in row for row in rows)
    starts = set()
    for row in rows:
        cells = list(re.finditer(r"[^ ]+(?: [^ ]+)*", row))  # columns: 2+ spaces apart
        assert len(cells) == 3, row
        starts.add(tuple(terminal_width(row[:cell.start()]) for cell in cells))
    assert len(starts) == 1, "\n".join(rows)
    [(id_column, name_column, detail_column)] = starts
    assert name_column == id_column + len(LONG_ID) + 2
