"""The daemon in-process, with fake parts and a fake clock: the run loop's planning, commands from
every entry point, effects reaching the journal and the notifier, settings reloads."""

from __future__ import annotations

import logging
import os
import time

import pytest

from glutewake.app.daemon import Daemon, Parts, SettingsFile
from glutewake.core import commands
from glutewake.core.coach import HeadsUp, Remind
from glutewake.core.effects import Reply
from glutewake.core.events import Hold, Kind, Reason
from glutewake.core.ports import IdleSource, Notifier
from glutewake.core.view import View, answer_from_wire
from glutewake.store.journal import Journal
from glutewake.words import phrases
from tests.support.helpers import START_WALL


class FakeNotifier(Notifier):
    name = "fake"

    def __init__(self):
        self.shown: list = []
        self.withdrawn = 0
        self.told: list[tuple[str, str]] = []
        self.answers: list[str] = []

    def show(self, note) -> None:
        self.shown.append(note)

    def withdraw(self) -> None:
        self.withdrawn += 1

    def tell(self, title: str, body: str) -> None:
        self.told.append((title, body))

    def answered(self, text: str) -> None:
        self.answers.append(text)


class FakeIdle(IdleSource):
    name = "fake idle"

    def __init__(self):
        self.seconds: float | None = 0.0

    def idle_seconds(self):
        return self.seconds


class FakeHolds:
    def __init__(self):
        self.now: Hold | None = None
        self.asked = 0

    def hold(self, settings):
        self.asked += 1
        return self.now

    def next_busy(self, settings):
        return None

    def problems(self):
        return []


class Clock:
    def __init__(self):
        self.wall, self.mono = START_WALL, 100.0

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds


@pytest.fixture
def desk(tmp_path):
    """A daemon with fake parts; `desk.sit(s)` lets time pass with a look every 30 s."""

    class Desk:
        pass

    d = Desk()
    d.clock, d.notifier, d.idle = Clock(), FakeNotifier(), FakeIdle()
    d.holds, d.said = FakeHolds(), []
    d.config = tmp_path / "config.toml"
    d.config.write_text('[breaks]\nevery = "30m"\nnatural_break = "5m"\n')
    d.journal = Journal(tmp_path / "journal.sqlite3")
    d.daemon = Daemon(SettingsFile(d.config, d.said.append), d.journal,
                      Parts(d.notifier, d.idle, holds=d.holds), d.said.append,
                      wall=lambda: d.clock.wall, mono=lambda: d.clock.mono, tick=30)
    d.daemon.tick()  # the first look: "started"

    def sit(seconds, step=30.0):
        while seconds > 0:
            d.clock.advance(min(step, seconds))
            seconds -= step
            d.daemon.tick()

    def kinds():
        return [e.record.kind for e in d.journal.events()]

    d.sit, d.kinds = sit, kinds
    yield d
    d.journal.close()


def test_detectors_are_asked_as_idle_nears_a_natural_break_and_not_while_away(desk):
    class Inhibitors:
        problem, asked = "", 0

        def inhibitor(self):
            self.asked += 1
            return None

    desk.daemon.parts.inhibitors = inhibitors = Inhibitors()
    desk.idle.seconds = 60.0
    desk.sit(30)
    assert desk.holds.asked == 0 and inhibitors.asked == 0  # far from a break: nothing asked
    desk.idle.seconds = 280.0  # the next look could find a natural break: a call would stop it
    desk.sit(30)
    assert desk.holds.asked == 1 and inhibitors.asked == 1
    desk.idle.seconds = 400.0
    desk.sit(30)  # away now
    assert desk.daemon.snapshot().phase.value == "away"
    asked = (desk.holds.asked, inhibitors.asked)
    desk.idle.seconds = 3 * 3600.0  # a night away: no questions
    desk.sit(10 * 60)
    assert (desk.holds.asked, inhibitors.asked) == asked


def test_a_due_break_reaches_the_notifier_and_the_journal(desk):
    desk.sit(29 * 60)
    assert not desk.notifier.shown
    desk.sit(60)
    reminders = [n for n in desk.notifier.shown if isinstance(n, Remind)]
    assert len(reminders) == 1 and reminders[0].count == 1
    assert desk.kinds() == [Kind.STARTED, Kind.REMINDED]


def test_commands_over_the_wire_are_carried_out_and_worded(desk):
    desk.sit(31 * 60)
    reply = desk.daemon.handle(commands.to_wire(commands.Done()))
    assert reply["ok"] and reply["text"].startswith("Break logged:")
    assert reply["text"].endswith("1 of 6 today.")
    assert desk.notifier.withdrawn == 1 and desk.kinds()[-1] is Kind.DONE
    view = View.from_wire(desk.daemon.handle({"cmd": "status"})["status"])
    assert (view.status.phase, view.status.done_today) == ("sitting", 1)
    assert "Today: 1 of 6 breaks" in phrases.status_text(view)
    assert answer_from_wire(reply["answer"]).reply is Reply.LOGGED  # for the CLI to word


def test_a_rating_travels_to_the_command_line_with_what_it_did(desk):
    """The command line words the answer in its own language: the rating and the exercise's
    cautions come over the wire as they left."""
    import json

    from glutewake.core.dose import Feedback

    desk.sit(31 * 60)
    reply = json.loads(json.dumps(desk.daemon.handle(commands.to_wire(
        commands.Done(Feedback.PAIN)))))
    answer = answer_from_wire(reply["answer"])
    assert answer.rating is not None and answer.rating.said is Feedback.PAIN
    assert phrases.answer(answer, START_WALL) == reply["text"]
    assert "see a doctor or physiotherapist" in reply["text"]
    assert phrases.lesson(answer.exercise) == phrases.lesson(
        next(e for e in desk.daemon.coach.settings.catalog if e.id == answer.exercise.id))


def test_a_bad_message_is_a_usage_error_and_changes_nothing(desk):
    before = desk.kinds()
    reply = desk.daemon.handle({"cmd": "snooze", "seconds": "ten"})
    assert not reply["ok"] and reply["usage"] and "snooze" in reply["text"]
    assert not desk.daemon.handle({"cmd": "dance"})["ok"]
    assert desk.kinds() == before


def test_quit_and_reload_are_commands_too(desk):
    assert desk.daemon.run(commands.Reload()) == (True, "settings checked")
    assert not desk.daemon.stopping.is_set()
    ok, _ = desk.daemon.run(commands.Quit())
    assert ok and desk.daemon.stopping.is_set()


def test_the_next_look_is_planned_from_the_coach_and_bounded_by_the_tick(desk):
    desk.idle.seconds = None  # no natural-break check: only the due moment counts
    desk.sit(29 * 60 + 50)
    assert desk.daemon._next_wait() == pytest.approx(10.05)
    desk.sit(5 * 60)
    assert desk.daemon._next_wait() <= 30


def test_detectors_are_asked_only_when_a_reminder_is_near(desk):
    desk.sit(20 * 60)
    assert desk.holds.asked == 0
    desk.holds.now = Hold(Reason.APP, "zoom")
    desk.sit(12 * 60)
    assert desk.holds.asked > 0
    assert desk.kinds()[-1] is Kind.HELD and not desk.notifier.shown
    desk.holds.now = None
    desk.sit(30)
    assert [type(n) for n in desk.notifier.shown] == [Remind]


def test_an_edited_settings_file_applies_at_the_next_look_and_a_bad_one_is_reported(desk):
    desk.config.write_text('[breaks]\nevery = "10m"\nnatural_break = "5m"\n')
    desk.sit(10 * 60 + 30)
    assert [type(n) for n in desk.notifier.shown] == [Remind]
    desk.config.write_text('[breaks]\nevery = "often"\n')
    desk.sit(30)
    assert any("every" in line and "keeping the last good settings" in line for line in desk.said)
    assert desk.daemon.coach.settings.breaks.every == 600


def test_each_bad_save_is_told_once_in_a_notification_and_a_fix_clears_it(desk):
    desk.config.write_text('[breaks]\nevery = "often"\n')
    desk.sit(90)  # three looks: told once
    [(title, body)] = desk.notifier.told
    assert title == "Settings not applied"
    assert str(desk.config) in body and "[breaks] every" in body and "last good" in body
    assert phrases.status_json(desk.daemon.view())["settings_error"].startswith(str(desk.config))
    desk.config.write_text('[breaks]\nevery = "soon"\n')  # another bad save: told again
    desk.sit(30)
    assert len(desk.notifier.told) == 2
    desk.config.write_text('[breaks]\nevery = "20m"\n')
    desk.sit(30)
    assert phrases.status_json(desk.daemon.view())["settings_error"] == ""
    assert len(desk.notifier.told) == 2


def test_a_heads_up_goes_to_the_notifier_before_the_reminder(desk):
    desk.config.write_text('[breaks]\nevery = "30m"\nheads_up = "1m"\n')
    desk.sit(29 * 60 + 30)
    assert [type(n) for n in desk.notifier.shown] == [HeadsUp]


def test_level_two_is_announced_once_when_earned(desk):
    desk.config.write_text('[breaks]\nevery = "30m"\n[exercises]\nlevel = "auto"\n'
                           'unlock_breaks = 2\nunlock_days = 1\n')
    desk.sit(30)
    desk.daemon.run(commands.Done())  # early, before any reminder: it does not count
    for _ in range(2):
        desk.sit(30 * 60)  # reminded, then done
        desk.daemon.run(commands.Done())
        assert not any("level 2" in line for line in desk.said[:-1])
    assert sum("level 2 unlocked" in line for line in desk.said) == 1
    assert Kind.LEVEL_UP in desk.kinds()


def test_an_unknown_notification_button_is_logged_not_taken_as_a_snooze(home, caplog):
    from glutewake.app.runner import Session

    session = Session(desktop=False, tray=False)
    try:
        session.daemon.tick()
        with caplog.at_level(logging.ERROR):
            session.notification_answer("bogus")
        assert "unknown notification action 'bogus'" in caplog.text
        assert session.daemon.snapshot().phase == "sitting"
        session.notification_answer("snooze")
        assert session.daemon.snapshot().phase == "snoozed"
    finally:
        session.daemon.shutdown()


def test_a_clock_set_back_does_not_delay_the_next_reminder(tmp_path):
    """The look loop waits on the monotonic clock: an hour taken off the wall clock while a
    reminder is two seconds away still gives the reminder two seconds later."""
    config = tmp_path / "config.toml"
    config.write_text('[breaks]\nevery = "2s"\nsnooze = "1s"\n')
    shift = [0.0]
    notifier = FakeNotifier()
    journal = Journal(tmp_path / "journal.sqlite3")
    daemon = Daemon(SettingsFile(config, print), journal, Parts(notifier), print,
                    wall=lambda: time.time() - shift[0], tick=60)
    daemon.start()
    try:
        started = time.monotonic()
        time.sleep(0.5)
        shift[0] = 3600.0  # the clock goes back an hour
        while not notifier.shown and time.monotonic() - started < 10:
            time.sleep(0.05)
        assert notifier.shown, "no reminder within 10 s of a 2 s interval"
        assert time.monotonic() - started < 3
    finally:
        daemon.shutdown()


def test_an_edit_that_keeps_the_time_stamp_is_still_seen(desk):
    stamp = desk.config.stat()
    desk.config.write_text('[breaks]\nevery = "20m"\nnatural_break = "5m"\n')
    os.utime(desk.config, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    desk.sit(30)
    assert desk.daemon.coach.settings.breaks.every == 1200


def test_the_weekly_summary_comes_once_on_the_first_look_at_the_desk_in_a_new_week(tmp_path):
    from datetime import datetime

    from glutewake.core.events import Record

    monday = datetime(2025, 11, 24, 8, 55).timestamp()  # START_WALL is the Saturday before
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.record(Record("done", datetime(2025, 11, 18, 10).timestamp(), 41 * 60, "wall-lean"))
    journal.record(Record("done", datetime(2025, 11, 11, 10).timestamp(), 58 * 60, "wall-lean"))
    config = tmp_path / "config.toml"
    config.write_text('[breaks]\nevery = "30m"\nnatural_break = "5m"\n')
    state = tmp_path / "state" / "weekly-summary"
    clock, idle = Clock(), FakeIdle()
    clock.wall = monday

    def daemon():
        notifier = FakeNotifier()
        return notifier, Daemon(SettingsFile(config, print), journal, Parts(notifier, idle),
                                print, wall=lambda: clock.wall, mono=lambda: clock.mono,
                                tick=30, weekly=state)

    idle.seconds = 3600.0  # the machine is on, nobody at it: nothing yet
    told, first = daemon()
    first.tick()
    clock.advance(60)
    first.tick()
    assert told.told == [] and not state.exists()
    idle.seconds = 0.0  # back at the desk
    clock.advance(60)
    first.tick()
    clock.advance(60)
    first.tick()
    assert told.told == [("Your sitting last week",
                          "Mon 17 Nov to Sun 23 Nov\n"
                          "Longest bout: 41 min, down from 58 min\n"
                          "Sitting in bouts of 30 min or more: 100%, as the week before\n"
                          "Breaks per sitting hour: 1.5, up from 1.0")]
    assert state.read_text() == "2025-W48"
    again, second = daemon()  # a restart the same week remembers it
    second.tick()
    clock.advance(2 * 24 * 3600)
    second.tick()
    assert again.told == []
    config.write_text('[goals]\nweekly_summary = false\n')
    clock.advance(7 * 24 * 3600)  # the next Wednesday, turned off: nothing, and nothing later
    off, third = daemon()
    third.tick()
    assert off.told == [] and state.read_text() == "2025-W49"
    journal.close()


def test_no_io_under_the_coachs_lock_a_slow_desktop_never_keeps_a_status_reader_waiting(desk):
    """An idle source that takes a second to answer (a busy X server, a slow bus): while a look
    waits on it, the tray's and D-Bus's status reads answer at once, and a second look waits
    its turn instead of interleaving."""
    import threading

    asked = threading.Event()
    release = threading.Event()

    class SlowIdle(IdleSource):
        name = "slow idle"

        def idle_seconds(self):
            asked.set()
            release.wait(5)
            return 0.0

    desk.daemon.parts.idle = SlowIdle()
    look = threading.Thread(target=desk.daemon.tick)
    look.start()
    assert asked.wait(5)
    began = time.monotonic()
    status = desk.daemon.snapshot()  # what the tray and D-Bus read
    assert time.monotonic() - began < 0.5 and status.phase.value == "sitting"
    assert not desk.daemon._lock.locked()
    release.set()
    look.join(5)
    assert not look.is_alive()
