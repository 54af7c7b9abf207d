"""The sitting pattern from hand-built journals with known answers: bouts, their lengths, the
time in long bouts, breaks per sitting hour, the weekly trend, devices, the timeline, and when
the weekly summary is due."""

import time
from datetime import date, timedelta

import pytest

from glutewake.core.events import Record
from glutewake.store import pattern, stats
from glutewake.store.journal import Journal
from tests.support.helpers import at, journal_with

DAY = date(2026, 3, 10)  # a Tuesday
MIN = 60


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def a_day(day: date) -> list[Record]:
    """Five bouts: 40, 50 (a skip inside), 45 (ended by a natural break), 80 (a snooze inside)
    and 29 minutes (ended by glutewake stopping); a break right after a break is no bout."""
    return [
        Record("started", at(day, 8), 0),
        Record("done", at(day, 8, 40), 40 * MIN, "wall-lean", early=True),
        Record("reminded", at(day, 9, 10), 30 * MIN, "bird-dog", reminder=1),
        Record("skipped", at(day, 9, 11), 31 * MIN, "bird-dog"),
        Record("done", at(day, 9, 30), 19 * MIN, "wall-lean", early=True),
        Record("natural_break", at(day, 10, 20), 45 * MIN, duration=5 * MIN),
        Record("away", at(day, 11), 0, duration=45 * MIN),
        Record("reminded", at(day, 11, 30), 30 * MIN, "bird-dog", reminder=1),
        Record("snoozed", at(day, 11, 31), 31 * MIN, "bird-dog", duration=10 * MIN),
        Record("done", at(day, 12, 20), 80 * MIN, "bird-dog"),
        Record("done", at(day, 12, 21), 0, "wall-lean", early=True),
        Record("stopped", at(day, 12, 50), 29 * MIN),
    ]


def test_bouts_of_a_day_with_known_answers(tmp_path):
    j = journal_with(tmp_path, a_day(DAY))
    day = pattern.measure(j.read, DAY, DAY).days[DAY.isoformat()]
    assert day.bouts == 5
    assert day.sitting_seconds == (40 + 50 + 45 + 80 + 29) * MIN
    assert day.longest_bout_seconds == 80 * MIN  # the snooze did not split it
    assert day.mean_bout_seconds == round(244 * MIN / 5)
    assert day.bouts_30_min_seconds == (40 + 50 + 45 + 80) * MIN
    assert day.bouts_60_min_seconds == 80 * MIN
    assert day.breaks == 4  # three done and a natural break; not the stop, not the skip
    assert day.breaks_per_hour == pytest.approx(4 / (244 / 60))
    assert day.share_30 == pytest.approx(215 / 244)
    # the same sitting time as the statistics count
    assert stats.report(j.read, DAY, DAY, 6, DAY).days[0].sitting_seconds == day.sitting_seconds


def test_a_skip_joins_the_stretches_around_it_even_across_midnight(tmp_path):
    night = DAY - timedelta(days=1)
    j = journal_with(tmp_path, [
        Record("skipped", at(night, 23, 40), 35 * MIN, "wall-lean"),
        Record("skipped", at(DAY, 0, 15), 35 * MIN, "wall-lean"),
        Record("done", at(DAY, 0, 30), 15 * MIN, "wall-lean"),
    ])
    found = pattern.measure(j.read, night, DAY)
    assert found.days[night.isoformat()].bouts == 0
    today = found.days[DAY.isoformat()]
    assert (today.bouts, today.longest_bout_seconds, today.breaks) == (1, 85 * MIN, 1)
    # asked for the second day alone, the bout still starts the evening before
    assert pattern.measure(j.read, DAY, DAY).days[DAY.isoformat()].longest_bout_seconds == 85 * MIN
    assert stats.report(j.read, DAY, DAY, 6, DAY).days[0].longest_stretch_seconds == 35 * MIN


def test_weeks_end_on_the_last_day_and_the_trend_compares_the_week_before(tmp_path):
    records = a_day(DAY)  # this week: longest 80 minutes
    before = DAY - timedelta(days=7)
    records += [Record("done", at(before, 9), 58 * MIN, "wall-lean"),
                Record("done", at(before, 10), 20 * MIN, "wall-lean")]
    j = journal_with(tmp_path, records)
    found = pattern.measure(j.read, DAY - timedelta(days=2), DAY)
    assert found.this_week.first == DAY - timedelta(days=6) and found.this_week.last == DAY
    assert found.this_week.measures.longest_bout_seconds == 80 * MIN
    assert found.week_before.measures.longest_bout_seconds == 58 * MIN
    assert found.week_before.measures.bouts == 2
    assert found.week_before.measures.bouts_30_min_seconds == 58 * MIN
    assert [(w.first, w.last) for w in found.weeks] == [(DAY - timedelta(days=2), DAY)]
    longer = pattern.measure(j.read, DAY - timedelta(days=9), DAY)
    assert [(w.first, w.last) for w in longer.weeks] == [
        (DAY - timedelta(days=9), DAY - timedelta(days=7)), (DAY - timedelta(days=6), DAY)]
    data = found.as_json()
    assert data["this_week"]["longest_bout_seconds"] == 4800
    assert data["week_before"]["from"] == (DAY - timedelta(days=13)).isoformat()
    assert set(data) == {"days", "totals", "weeks", "this_week", "week_before", "devices"}
    assert set(data["days"][0]) == {
        "date", "sitting_seconds", "bouts", "mean_bout_seconds", "longest_bout_seconds",
        "bouts_30_min_seconds", "bouts_60_min_seconds", "bouts_30_min_share",
        "bouts_60_min_share", "breaks", "breaks_per_sitting_hour"}
    empty = data["days"][0]
    assert empty["mean_bout_seconds"] is None and empty["breaks_per_sitting_hour"] is None
    assert data["devices"] == []


def test_devices_split_bouts_and_filter_when_the_journal_has_them(tmp_path):
    j = journal_with(tmp_path, a_day(DAY))
    # one computer (every event this one's, device ''): no split
    assert pattern.measure(j.read, DAY, DAY).devices == {}
    assert pattern.measure(j.read, DAY, DAY, device="").total.bouts == 5
    j.close()
    import sqlite3

    db = sqlite3.connect(tmp_path / "j.sqlite3")
    with db:
        db.execute("UPDATE events SET device = 'desk'")
        # the laptop: a 35-minute stretch skipped, interleaved with the desk's bout after 09:30
        db.execute("INSERT INTO events (ts, local_date, utc_offset, kind, sitting, device) "
                   "VALUES (?, ?, 0, 'skipped', 2100, 'laptop'), (?, ?, 0, 'done', 600, 'laptop')",
                   (at(DAY, 9, 45), DAY.isoformat(), at(DAY, 9, 55), DAY.isoformat()))
    db.close()
    j = Journal(tmp_path / "j.sqlite3")
    found = pattern.measure(j.read, DAY, DAY)
    assert (found.devices["desk"].bouts == 5
            and found.devices["desk"].longest_bout_seconds == 80 * MIN)
    assert found.devices["laptop"].bouts == 1
    assert found.devices["laptop"].longest_bout_seconds == 45 * MIN  # its own skip, its own bout
    assert found.total.bouts == 6
    laptop = pattern.measure(j.read, DAY, DAY, device="laptop")
    assert laptop.total.bouts == 1 and laptop.devices == {}
    assert [d["device"] for d in found.as_json()["devices"]] == ["desk", "laptop"]


def test_the_timeline_places_bouts_and_breaks_on_the_local_clock(tmp_path):
    j = journal_with(tmp_path, a_day(DAY))
    bouts, marks = pattern.timeline(j.read, DAY, DAY)
    found = [(round(b.start / 60), round(b.end / 60), b.ended_by) for b in bouts]  # minutes
    assert found == [(8 * 60, 8 * 60 + 40, "done"), (8 * 60 + 40, 9 * 60 + 30, "done"),
                     (9 * 60 + 30, 10 * 60 + 15, "natural_break"),  # when the absence began
                     (11 * 60, 12 * 60 + 20, "done"), (12 * 60 + 21, 12 * 60 + 50, "stopped")]
    away = [m for m in marks if m.kind == "away"]
    assert [(m.start / 3600, m.end / 3600) for m in away] == [(10.25, 11)]
    assert len([m for m in marks if m.kind == "done"]) == 4


def test_the_weekly_summary_is_due_once_on_the_first_look_at_work_in_a_new_week():
    monday, wednesday = date(2026, 3, 9), date(2026, 3, 11)
    sunday = date(2026, 3, 8)
    assert pattern.week_key(monday) == pattern.week_key(wednesday) == "2026-W11"
    assert pattern.week_key(sunday) == "2026-W10"
    assert pattern.summary_due(monday, True, "2026-W10") == sunday
    assert pattern.summary_due(monday, False, "2026-W10") is None  # away, paused, off hours
    assert pattern.summary_due(monday, True, "2026-W11") is None  # shown already
    # a week that starts on a Wednesday (Monday and Tuesday off) still gets it, on Wednesday
    assert pattern.summary_due(wednesday, True, "2026-W10") == sunday
    assert pattern.summary_due(wednesday, True, None) == sunday  # first run
