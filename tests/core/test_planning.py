"""Breaks planned around the day: a long meeting starting soon, after more than half the
interval sat, gets the break offered now, once; a guided break that could not end before the
meeting is offered at a dose that fits. With a fake calendar in the coach, and end to end in
console mode against an .ics file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from glutewake.core.coach import Coach
from glutewake.core.commands import Done, Start
from glutewake.core.effects import Answer, Remind
from glutewake.core.events import Busy, Kind, Reason
from glutewake.words.phrases import detail, reminder_title
from tests.support.helpers import Desk, records, settings

EVERY = 30 * 60


def desk() -> Desk:
    return Desk(Coach(settings(every="30m", natural_break="5m", remind_again="5m")))


def offers(effects) -> list[Remind]:
    return [e for e in effects if isinstance(e, Remind) and e.before is not None]


def test_a_long_meeting_soon_after_half_the_interval_offers_the_break_once():
    d = desk()
    d.next_busy = Busy(d.wall + 25 * 60, d.wall + 25 * 60 + 90 * 60)  # in 25 min, 1 h 30
    assert not offers(d.sit(14 * 60))  # not half the interval yet, and the meeting is far
    new = d.sit(3 * 60)  # 17 min sat, the meeting in 8 min
    offered, = offers(new)
    assert reminder_title(offered).startswith("Meeting ") and "a good moment to stand" in \
        reminder_title(offered)
    record, = records(new, Kind.REMINDED)
    assert record.reason is Reason.MEETING and record.until == d.next_busy.start
    assert detail(record).startswith("reminder 1, before a meeting at ")
    assert not offers(d.sit(5 * 60))  # once
    done, = [e for e in d.command(Done()) if isinstance(e, Answer)]
    assert not done.early  # it answered an offer: not an early break


def test_no_offer_for_a_short_meeting_or_before_half_the_interval():
    d = desk()
    d.next_busy = Busy(d.wall + 12 * 60, d.wall + 12 * 60 + 30 * 60)  # only 30 min long
    assert not offers(d.sit(20 * 60))
    d = desk()
    d.next_busy = Busy(d.wall + 5 * 60, d.wall + 5 * 60 + 60 * 60)  # soon, long, but 5 min sat
    assert not offers(d.sit(4 * 60))


def test_the_looks_wake_for_the_offer():
    d = Desk(Coach(settings(every="30m", natural_break="1h")))
    d.next_busy = Busy(d.wall + 35 * 60, d.wall + 35 * 60 + 60 * 60)
    d.sit(60)
    assert d.coach.wake_in() == pytest.approx(24 * 60)  # when the meeting is 10 min away


def test_a_guided_break_before_a_meeting_takes_a_dose_that_ends_in_time():
    from glutewake.core import guide

    d = desk()
    d.sit(EVERY)
    exercise = d.coach.exercise
    d.coach.past.doses.of(exercise.id)  # the person's dose: the low end at first
    shortest = exercise.break_seconds(exercise.amount(0))
    d.next_busy = Busy(d.wall + shortest + 30, d.wall + 3600)
    d.observe()
    d.command(Start())
    assert d.coach.state.dose == 0
    assert guide.total(d.coach.state.steps) <= shortest


def test_planning_end_to_end_in_console_mode_against_an_ics_file(home, tmp_path):
    """A meeting in 4 minutes, an hour long; every = 40s: after 20 seconds of sitting the console
    offers the break now."""
    from tests.support import Running, write_config

    # on a whole minute: the line shows minutes, as the clock rounds them
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=4)
    stamp = lambda t: t.strftime("%Y%m%dT%H%M%SZ")  # noqa: E731
    ics = tmp_path / "work.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
                   f"UID:planning@test\r\nDTSTAMP:{stamp(start)}\r\nDTSTART:{stamp(start)}\r\n"
                   f"DTEND:{stamp(start + timedelta(hours=1))}\r\nSUMMARY:Review\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n")
    write_config(home, '[breaks]\nevery = "40s"\nsnooze = "10s"\nnatural_break = "1h"\n\n'
                       f'[quiet]\ncalendars = ["{ics}"]\n')
    daemon = Running(home, "--console")
    try:
        line = daemon.wait_for("a good moment to stand now", timeout=60)
        local = start.astimezone()
        assert f"Meeting {local:%H:%M}–{local + timedelta(hours=1):%H:%M}" in line
    finally:
        daemon.stop()
