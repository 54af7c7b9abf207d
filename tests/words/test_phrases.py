"""The words people read, rendered from typed state: status lines, replies, the daily count,
and the journal's detail column."""

import math

from glutewake.app.catalog import builtin
from glutewake.core.coach import Answer, Reply, Status
from glutewake.core.events import Hold, Kind, Phase, Reason, Record
from glutewake.words.phrases import answer, clock, detail, status_line, today, tray_line

NOW = 1_763_800_000.0


def line(phase, sitting=1380, due_in=420, paused_until=None, away_for=0.0, hold=None):
    return status_line(Status(Phase(phase), sitting, due_in, 0, paused_until, away_for,
                              builtin()[0], hold), NOW)


def test_each_phase_reads_naturally():
    assert line("sitting") == "Sitting 23 min · break in 7 min"
    assert line("due", 1920, 0) == "Break due · sitting 32 min"
    assert line("snoozed") == "Sitting 23 min · snoozed, reminder in 7 min"
    assert line("paused", paused_until=math.inf) == "Paused until you resume"
    assert line("paused", paused_until=NOW + 3600).startswith("Paused until ")
    assert line("away", away_for=400) == "Away 6 min"
    assert line("held", 1920, 0, hold=Hold(Reason.FULLSCREEN)) == \
        "Break due · held: full-screen window"
    assert line("held", 1920, 0, hold=Hold(Reason.APP, "zoom")) == \
        "Break due · held: zoom is running"


def test_time_left_rounds_up_and_time_spent_down():
    assert line("sitting", 90, 1710) == "Sitting 1 min · break in 29 min"
    assert line("sitting", 30, 1770) == "Sitting <1 min · break in 30 min"


def test_work_hours_come_first():
    off = Hold(Reason.OFF_HOURS, until=NOW + 3 * 86400)
    assert line("sitting", hold=off).startswith("Off hours until ")
    assert line("sitting", hold=off).endswith(" · sitting 23 min")
    assert line("held", 1920, 0, hold=off).endswith(" · break due")
    assert line("held", 1920, 0, hold=Hold(Reason.LUNCH, until=NOW + 600)).startswith("Lunch until")


def test_the_daily_count_says_break_or_breaks_never_break_s():
    assert today(0, 6) == "Today: 0 of 6 breaks"
    assert today(1, 1) == "Today: 1 of 1 break"
    assert today(4, 6, streak=1) == "Today: 4 of 6 breaks · streak 1 day"
    assert today(1, 0) == "Today: 1 break done"
    assert today(2, 0) == "Today: 2 breaks done"


def test_replies_are_rendered_from_their_facts():
    wall = builtin()[0]
    logged = Answer(Reply.LOGGED, exercise=wall, seconds=1800, done_today=2, goal=6)
    assert answer(logged, NOW) == (f"Break logged: {wall.name}. Next break after 30 min of "
                                   "sitting. 2 of 6 today.")
    assert answer(Answer(Reply.SNOOZED, seconds=600), NOW).startswith("Snoozed:")
    assert answer(Answer(Reply.SNOOZED, seconds=600, early=True), NOW).startswith(
        "Next break put off")
    assert answer(Answer(Reply.PAUSED), NOW) == "Reminders paused until you resume."
    for reply in Reply:  # every reply has words
        assert answer(Answer(reply, seconds=60, until=NOW + 60), NOW)


def test_journal_details_come_from_fields():
    assert detail(Record(Kind.REMINDED, NOW, 0, "x", reminder=2)) == "reminder 2"
    assert detail(Record(Kind.REMINDED, NOW, 0, "x", Reason.DO_NOT_DISTURB, reminder=1,
                         duration=300)) == "reminder 1, held 5 min: do not disturb"
    began = clock(NOW - 300, NOW)
    assert detail(Record(Kind.NATURAL_BREAK, NOW, 0, duration=300)) == f"away since {began}"
    assert detail(Record(Kind.AWAY, NOW, 0, duration=3900)) == \
        f"1 h 5 min, {clock(NOW - 3900, NOW)}–{clock(NOW, NOW)}"
    assert detail(Record(Kind.DONE, NOW, 0, early=True)) == "early"
    assert detail(Record(Kind.PAUSED, NOW, 0, reason=Reason.MANUAL)) == "until you resume"
    assert detail(Record(Kind.RESUMED, NOW, 0, reason=Reason.TIMER)) == "pause ended"
    assert detail(Record(Kind.LEVEL_UP, NOW, 0, level=2)) == "level 2 unlocked"


def test_the_tray_line_says_clock_times_that_hold_for_the_whole_stretch():
    def tray(phase, sitting, due_in, away_for=0.0, now=NOW):
        return tray_line(Status(Phase(phase), sitting, due_in, 0, None, away_for, builtin()[0]),
                         now)

    first = tray("sitting", 600, 1200)
    assert first == f"Sitting since {clock(NOW - 600, NOW)} · break at {clock(NOW + 1200, NOW)}"
    assert tray("sitting", 660, 1140, now=NOW + 60) == first  # a minute later: the same words
    assert tray("snoozed", 600, 300).endswith(f"snoozed, reminder at {clock(NOW + 300, NOW)}")
    assert tray("due", 1900, 0).startswith("Break due · sitting since ")
    assert tray("away", 0, 1800, away_for=420) == f"Away since {clock(NOW - 420, NOW)}"
