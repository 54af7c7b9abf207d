"""`glutewake run --console` as a real process, answered from a second process."""

import sqlite3
import time

from tests.support import Running, glutewake, journal_path, write_config

FAST = '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "2s"\nnatural_break = "1h"\n'


def kinds(env):
    db = sqlite3.connect(journal_path(env))
    return db.execute("SELECT kind, exercise, sitting, early FROM events ORDER BY id").fetchall()


def test_reminder_answered_with_done_from_another_process(home):
    write_config(home, FAST)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        title = daemon.wait_for("Time to stand")
        assert "sitting" in title
        body = daemon.wait_for("×")  # the exercise line: name and prescription
        started = time.monotonic()
        answer = glutewake(home, "done")
        assert answer.returncode == 0, answer.stderr
        assert answer.stdout.startswith("Break logged:")
        assert time.monotonic() - started < 5
        status = glutewake(home, "status")
        assert status.returncode == 0 and "Today: 1 of 6 breaks\n" in status.stdout
        assert answer.stdout.strip().endswith("1 of 6 today.")
        assert glutewake(home, "quit").returncode == 0
        assert daemon.proc.wait(10) == 0
    finally:
        daemon.stop()
    rows = kinds(home)
    done = [r for r in rows if r[0] == "done"]
    assert (len(done) == 1 and done[0][1]
            and done[0][1].replace("-", " ") in body.lower().replace("-", " "))
    assert done[0][2] >= 3.0 and done[0][3] == 0  # not early: it was due
    assert rows[0][0] == "started" and rows[-1][0] == "stopped"
    assert ("reminded" in [r[0] for r in rows])


def test_snooze_pause_resume_and_skip_reach_the_daemon(home):
    write_config(home, FAST)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        snoozed = glutewake(home, "snooze", "2s")
        assert snoozed.returncode == 0 and "Snoozed" in snoozed.stdout
        daemon.wait_for("Still due: ")  # after 2 s more sitting, one line: the lesson is up
        assert glutewake(home, "skip").returncode == 0
        paused = glutewake(home, "pause", "until", "23:59")
        assert paused.returncode == 0 and "paused until" in paused.stdout
        assert "Paused until" in glutewake(home, "status").stdout
        again = glutewake(home, "resume")
        assert again.returncode == 0
        refused = glutewake(home, "resume")
        assert refused.returncode == 1 and "not paused" in refused.stderr
        bad = glutewake(home, "pause", "forever")
        assert bad.returncode == 2 and "pause" in bad.stderr and "\n" not in bad.stderr.strip()
    finally:
        assert daemon.stop() == 0
    assert [r[0] for r in kinds(home)].count("snoozed") == 1
    assert "skipped" in [r[0] for r in kinds(home)]


def test_sigterm_stops_cleanly_and_leaves_no_socket(home):
    daemon = Running(home, "--console")
    daemon.wait_for("glutewake is watching")
    assert daemon.stop() == 0
    assert kinds(home)[-1][0] == "stopped"
    runtime = home["XDG_RUNTIME_DIR"] + "/glutewake"
    import os

    assert sorted(os.listdir(runtime)) == []


def test_second_daemon_refuses_and_commands_need_a_daemon(home):
    missing = glutewake(home, "done")
    assert missing.returncode == 1 and "not running" in missing.stderr
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        second = glutewake(home, "run", "--console")
        assert second.returncode == 1 and "already running" in second.stderr
    finally:
        daemon.stop()


def test_config_edit_while_running_applies_and_bad_edit_keeps_last_good(home):
    path = write_config(home, '[breaks]\nevery = "1h"\nsnooze = "2s"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        path.write_text('[breaks]\nevry = "3s"\n')
        assert glutewake(home, "status").returncode == 0  # every command looks at the file
        line = daemon.wait_for("evry")
        assert "unknown key" in line and "keeping the last good settings" in line
        assert glutewake(home, "status").returncode == 0  # still serving
        refused = glutewake(home, "config", "set", "breaks.every", "3s")
        assert refused.returncode == 2 and "evry" in refused.stderr  # set checks the whole file
        path.write_text('[breaks]\nsnooze = "2s"\n')
        changed = glutewake(home, "config", "set", "breaks.every", "3s")
        assert changed.returncode == 0 and "now uses it" in changed.stdout
        daemon.wait_for("settings reloaded")
        daemon.wait_for("Time to stand")
    finally:
        assert daemon.stop() == 0


def test_the_console_prints_the_lesson_once_nudges_on_repeats_and_echoes_answers(home):
    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "2s"\n'
                       'max_reminders = 3\nnatural_break = "1h"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        daemon.wait_for("reminder 2 of 3")
        nudge = daemon.wait_for("reminder 3 of 3")
        assert "Still due: " in nudge and "glutewake done" in nudge
        answer = glutewake(home, "skip")
        assert answer.returncode == 0
        echo = daemon.wait_for("Break skipped")  # said where the reminders are, too
        assert echo.startswith("[")
    finally:
        daemon.stop()
    lesson_lines = [line for line in daemon.lines if line.strip().startswith("1. ")]
    assert len(lesson_lines) == 1, daemon.lines  # the steps were printed once, not per repeat
    assert not any("reminder 4" in line for line in daemon.lines)


def test_done_pain_rests_the_move_and_says_when_to_see_someone(home):
    write_config(home, FAST)
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        answer = glutewake(home, "done", "--pain")
        assert answer.returncode == 0, answer.stderr
        lines = answer.stdout.strip().splitlines()
        assert lines[0].startswith("Break logged:")
        assert "is left out of your reminders for a week" in lines[1]
        assert lines[-1] == "If the pain lasts or comes back, see a doctor or physiotherapist."
        again = glutewake(home, "rate", "pain")
        assert again.returncode == 0 and "see a doctor or physiotherapist" in again.stdout
        wrong = glutewake(home, "rate", "sore")
        assert wrong.returncode == 2 and "pain" in wrong.stderr
    finally:
        assert daemon.stop() == 0
    rows = sqlite3.connect(journal_path(home)).execute(
        "SELECT exercise, feedback FROM events WHERE kind = 'feedback'").fetchall()
    hurt = rows[0][0]
    assert [r[1] for r in rows] == ["pain", "pain"] and {r[0] for r in rows} == {hurt}
    listing = glutewake(home, "exercises").stdout
    offered, left_out = listing.split("Not offered")
    assert hurt not in offered
    line = next(line for line in left_out.splitlines() if line.strip().startswith(hurt))
    assert "you said it hurt" in line and "suggested again from" in line
