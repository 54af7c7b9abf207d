"""Statistics from hand-built journals, the JSON shape, the chart, export and the CLI views."""

import csv
import io
import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from glutewake.core.coach import level_in_force
from glutewake.core.events import Record
from glutewake.store import stats
from glutewake.store.chart import DONE, HEIGHT, REMINDED, WIDTH, draw_chart, layout_for
from glutewake.store.export import CSV_COLUMNS
from glutewake.store.journal import Journal
from tests.support import glutewake, journal_path, skip_or_fail
from tests.support.helpers import at, journal_with

DAY = date(2026, 3, 10)


@pytest.fixture
def zone(monkeypatch):
    """Run in a chosen time zone; restored afterwards."""

    def use(name):
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_counts_shares_stretches_per_day(tmp_path, zone):
    zone("Europe/Berlin")
    j = journal_with(tmp_path, [
        Record("started", at(DAY, 9), 0),
        Record("reminded", at(DAY, 9, 30), 1800, "wall-lean", reminder=1),
        Record("reminded", at(DAY, 9, 35), 2100, "wall-lean", reminder=2),  # a repeat
        Record("done", at(DAY, 9, 36), 2160, "wall-lean"),
        Record("reminded", at(DAY, 10, 10), 1800, "bird-dog", reminder=1),
        Record("snoozed", at(DAY, 10, 11), 1860, "bird-dog", duration=600),
        Record("reminded", at(DAY, 10, 21), 2460, "bird-dog", reminder=2),  # after the snooze
        Record("skipped", at(DAY, 10, 22), 2520, "bird-dog"),
        Record("done", at(DAY, 10, 40), 1080, "wall-lean", early=True),
        Record("reminded", at(DAY, 11, 20), 1800, "bird-dog", reminder=1),  # never answered
        Record("natural_break", at(DAY, 11, 30), 1500, None, duration=300),
        Record("away", at(DAY, 12, 10), 0, None, duration=2700),  # back at 12:10 after 45 min
        Record("stopped", at(DAY, 12, 20), 600),
    ])
    day = stats.report(j.read, DAY, DAY, 6, DAY).days[0]
    assert (day.reminders, day.done, day.answered, day.snoozed, day.skipped,
            day.natural_breaks) == (3, 2, 2, 1, 1, 1)
    assert day.answered_share == pytest.approx(2 / 3)  # the done and the skip; not the early one
    assert day.longest_stretch_seconds == 2520
    assert day.sitting_seconds == 2160 + 2520 + 1080 + 1500 + 600
    assert day.away_seconds == 2700


def test_a_stretch_across_midnight_counts_on_the_day_it_ends(tmp_path, zone):
    zone("America/New_York")
    next_day = DAY + timedelta(days=1)
    j = journal_with(tmp_path, [
        Record("reminded", at(DAY, 23, 50), 1800, "wall-lean", reminder=1),
        Record("done", at(next_day, 0, 10), 3000, "wall-lean"),
    ])
    first, second = stats.report(j.read, DAY, next_day, 6, next_day).days
    assert (first.reminders, first.done, first.sitting_seconds) == (1, 0, 0)
    assert (second.done, second.longest_stretch_seconds, second.sitting_seconds) == (1, 3000, 3000)


def test_days_are_where_the_events_happened_even_in_another_time_zone(tmp_path, zone):
    zone("Asia/Tokyo")  # written while travelling: 08:30 on the 10th in Tokyo ...
    j = journal_with(tmp_path, [Record("done", at(DAY, 8, 30), 1800, "wall-lean")])
    j.close()
    zone("America/Los_Angeles")  # ... is the 9th in Los Angeles, where it is read
    j = Journal(tmp_path / "j.sqlite3")
    report = stats.report(j.read, DAY - timedelta(days=1), DAY, 6, DAY)
    assert [d.done for d in report.days] == [0, 1]
    event = next(j.events())
    assert event.local_time.hour == 8 and event.local_time.utcoffset() == timedelta(hours=9)


def test_empty_days_and_a_day_with_only_natural_breaks(tmp_path, zone):
    zone("UTC")
    j = journal_with(tmp_path, [Record("natural_break", at(DAY, 10), 1200, None, duration=360),
                                Record("natural_break", at(DAY, 15), 2400, None, duration=540)])
    report = stats.report(j.read, DAY - timedelta(days=2), DAY, 6, DAY)
    empty, _, only = report.days
    assert ((empty.reminders, empty.done, empty.sitting_seconds, empty.answered_share)
            == (0, 0, 0, None))
    assert (only.natural_breaks, only.done, only.longest_stretch_seconds) == (2, 0, 2400)
    assert report.most_done is None and report.streak == 0


def test_streak_skips_days_without_glutewake_and_waits_for_today(tmp_path, zone):
    zone("UTC")
    records = []
    for back, count in ((5, 6), (4, 6), (3, 2), (2, 6), (1, 7)):  # day -3 missed the goal
        day = DAY - timedelta(days=back)
        records += [Record("done", at(day, 9 + n), 1800, "wall-lean") for n in range(count)]
    # DAY - 6 .. had nothing; a weekend between DAY-2 and DAY-1 is simulated by no events at all
    records.append(Record("done", at(DAY, 9), 1800, "wall-lean"))  # today: 1 so far
    j = journal_with(tmp_path, records)
    assert stats.streak(j.read, 6, DAY) == 2  # yesterday and the day before; today still open
    j.record(Record("started", at(DAY - timedelta(days=8), 9), 0))
    assert stats.streak(j.read, 6, DAY) == 2
    for n in range(5):
        j.record(Record("done", at(DAY, 10 + n), 1800, "bird-dog"))
    assert stats.streak(j.read, 6, DAY) == 3  # today met too
    assert stats.streak(j.read, 0, DAY) == 0  # no goal, no streak


def test_most_and_least_done(tmp_path, zone):
    zone("UTC")
    j = journal_with(tmp_path, [Record("done", at(DAY, 9 + n), 0, ex) for n, ex in
                                enumerate(["wall-lean", "wall-lean", "bird-dog"])]
                     + [Record("reminded", at(DAY, 12), 1800, "single-leg-stand", reminder=1)])
    report = stats.report(j.read, DAY, DAY, 6, DAY)
    assert report.most_done == ("wall-lean", 2)
    assert report.least_done == ("single-leg-stand", 0)  # offered but never done


def test_least_done_names_only_exercises_that_were_offered(tmp_path, zone):
    zone("UTC")
    j = journal_with(tmp_path, [Record("reminded", at(DAY, 9), 1800, "wall-lean", reminder=1),
                                Record("done", at(DAY, 9, 1), 1860, "wall-lean"),
                                Record("reminded", at(DAY, 10), 1800, "bird-dog", reminder=1),
                                Record("done", at(DAY, 10, 1), 1860, "bird-dog"),
                                Record("done", at(DAY, 11), 600, "bird-dog", early=True)])
    report = stats.report(j.read, DAY, DAY, 6, DAY)
    assert report.least_done == ("wall-lean", 1)  # not a catalog exercise never suggested


def test_json_shape_is_stable(tmp_path, zone):
    zone("UTC")
    j = journal_with(tmp_path, [Record("done", at(DAY, 9), 1800, "wall-lean")])
    data = stats.report(j.read, DAY - timedelta(days=1), DAY, 6, DAY).as_json()
    assert set(data) == {"from", "to", "goal", "days", "totals", "streak_days", "most_done",
                         "least_done", "done_per_exercise", "pattern"}
    assert set(data["days"][0]) == {"date", "reminders", "done", "answered", "snoozed", "skipped",
                                    "natural_breaks", "answered_share", "longest_stretch_seconds",
                                    "sitting_seconds", "away_seconds", "goal_met"}
    assert data["days"][1]["done"] == 1 and data["days"][1]["goal_met"] is False
    assert "date" not in data["totals"] and data["totals"]["done"] == 1
    assert data["most_done"] == {"exercise": "wall-lean", "count": 1}
    json.dumps(data)  # all of it serialises


def test_chart_size_and_bar_heights_match_the_data(tmp_path, zone):
    zone("UTC")
    plan = [(2, 1), (6, 5), (9, 8), (0, 0), (4, 4)]  # (reminders, done) per day
    records = []
    for index, (reminded, done) in enumerate(plan):
        day = DAY + timedelta(days=index)
        records += [Record("reminded", at(day, 8 + n), 1800, "wall-lean", reminder=1)
                    for n in range(reminded)]
        records += [Record("done", at(day, 8 + n, 30), 1800 + 600 * index, "wall-lean")
                    for n in range(done)]
    j = journal_with(tmp_path, records)
    report = stats.report(j.read, DAY, DAY + timedelta(days=4), 6, DAY + timedelta(days=4))
    image = draw_chart(report)
    assert image.size == (WIDTH, HEIGHT)
    path = tmp_path / "chart.png"
    image.save(path)
    image = Image.open(path).convert("RGB")
    layout = layout_for(report)
    _, top, _, bottom = layout.plot
    unit = (bottom - top) / layout.count_max
    for index, (reminded, done) in enumerate(plan):
        for series, value, colour in ((0, reminded, REMINDED), (1, done, DONE)):
            x0, _, x1, _ = layout.bar(index, series, value)
            column = (x0 + x1) // 2
            painted = [y for y in range(top - 5, bottom + 1)
                       if image.getpixel((column, y)) == colour]
            height = bottom - min(painted) if painted else 0  # lines drawn over a bar hide a few
            assert abs(height - value * unit) <= 1, (index, series, height, value * unit)


def test_cli_stats_table_json_and_chart(home, zone):
    journal = Journal(journal_path(home))
    today = date.today()
    for n in range(7):
        journal.record(Record("reminded", at(today, 8 + n), 1800, "wall-lean", reminder=1))
        journal.record(Record("done", at(today, 8 + n, 5), 1800, "wall-lean"))
    journal.close()
    table = glutewake(home, "stats")
    assert table.returncode == 0, table.stderr
    assert "total" in table.stdout and "Streak: 1 day in a row" in table.stdout
    assert "Done most: Wall lean (7)" in table.stdout
    data = json.loads(glutewake(home, "stats", "--days", "3", "--json").stdout)
    assert len(data["days"]) == 3 and data["totals"]["done"] == 7
    chart = journal_path(home).parent / "c.png"
    drawn = glutewake(home, "stats", "--chart", str(chart))
    assert drawn.returncode == 0 and Image.open(chart).size == (800, 400)
    assert glutewake(home, "stats", "--from", "2026-02-10", "--to", "2026-02-01").returncode == 2
    bad = glutewake(home, "stats", "--chart", "/nonexistent/dir/c.png")
    assert bad.returncode == 2 and "stats --chart" in bad.stderr


def test_export_csv_and_json_columns(home):
    journal = Journal(journal_path(home))
    journal.record(Record("done", time.time(), 1834, "wall-lean", early=True))
    journal.close()
    rows = list(csv.reader(io.StringIO(glutewake(home, "export").stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS and rows[1][3:7] == ["done", "wall-lean", "1834", "early"]
    assert dict(zip(rows[0], rows[1], strict=True))["early"] == "1"
    data = json.loads(glutewake(home, "export", "--format", "json").stdout)
    assert list(data[0]) == list(CSV_COLUMNS) and data[0]["sitting_seconds"] == 1834
    # a value an event does not have is null in JSON (an empty cell in the CSV), never ""
    assert data[0]["reminder"] is None and data[0]["duration_seconds"] is None
    assert data[0]["reason"] is None and data[0]["until_utc"] is None
    assert dict(zip(rows[0], rows[1], strict=True))["reminder"] == ""
    assert json.loads(glutewake(home, "export", "--format", "json",
                                "--since", "2999-01-01").stdout) == []


def test_level_two_unlocks_after_enough_level_one_breaks_over_enough_days(tmp_path, zone):
    from tests.support.helpers import configured
    from tests.support.helpers import settings as make

    zone("UTC")
    auto = make()
    assert auto.exercises.auto_level and auto.prefs.level == 1
    j = Journal(tmp_path / "j.sqlite3")
    for n in range(20):  # 20 level-1 breaks, but on 4 days only
        j.record(Record("done", at(DAY + timedelta(days=n % 4), 9 + n // 4), 1800, "wall-lean"))
    today = DAY + timedelta(days=20)
    assert level_in_force(auto, stats.past(j.read, auto.catalog, today)).prefs.level == 1
    for n in range(3):
        j.record(Record("done", at(DAY + timedelta(days=10 + n), 9), 1800, "wall-lean"))
    assert stats.progress(j.read, ["wall-lean"]) == (23, 7, DAY + timedelta(days=12))
    past = stats.past(j.read, auto.catalog, today)
    unlocked = level_in_force(auto, past)
    assert unlocked.prefs.level == 2
    assert any(e.id == "single-leg-rdl" for e in unlocked.offered)
    assert past.done == {"wall-lean": at(DAY + timedelta(days=12), 9)}
    assert level_in_force(configured(exercises={"level": 1}), past).prefs.level == 1


def test_the_daemon_unlocks_level_two_on_the_break_that_earns_it(home):
    from tests.support import Running, write_config

    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "1s"\nnatural_break = "1h"\n'
                       '[exercises]\nunlock_breaks = 2\nunlock_days = 1\n')
    before = glutewake(home, "exercises").stdout
    assert before.startswith("Level 1 (activation). Level 2 unlocks after 2 level-1 breaks")
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        for _ in range(2):  # dones that answer reminders: they count
            daemon.wait_for("Time to stand")
            assert glutewake(home, "done").returncode == 0
        daemon.wait_for("level 2 unlocked")
    finally:
        assert daemon.stop() == 0
    after = glutewake(home, "exercises").stdout
    assert after.startswith("Level 2: unlocked by 2 level-1 breaks over 1 day;")
    assert "single-leg-rdl" in after.split("Not offered")[0]


def test_days_stay_right_across_a_daylight_saving_change(tmp_path, zone):
    zone("Europe/Berlin")  # clocks went from 02:00 to 03:00 on 29 March 2026
    change = date(2026, 3, 29)
    j = journal_with(tmp_path, [
        Record("done", at(change - timedelta(days=1), 23, 30), 1800, "wall-lean"),
        Record("done", at(change, 1, 30), 1800, "wall-lean"),
        Record("done", at(change, 3, 30), 3600, "wall-lean"),  # one real hour after 01:30
        Record("done", at(change, 23, 59), 1800, "wall-lean"),
    ])
    before, day = stats.report(j.read, change - timedelta(days=1), change, 6, change).days
    assert (before.done, day.done) == (1, 3)
    times = [e.local_time for e in j.events()]
    assert [t.utcoffset() for t in times] == [timedelta(hours=1)] * 2 + [timedelta(hours=2)] * 2
    assert times[2] - times[1] == timedelta(hours=1)


def test_the_chart_font_draws_the_letters_the_translations_use():
    from PIL import ImageDraw

    from glutewake.store.chart import text_font

    font = text_font(14)

    def drawn(text):
        image = Image.new("L", (60, 30))
        ImageDraw.Draw(image).text((5, 5), text, font=font, fill=255)
        return image.tobytes()

    if font.getname()[0] == "Aileron":  # Pillow's own: no system font on this machine
        skip_or_fail("no DejaVu, Liberation or Noto Sans font here (Debian: fonts-dejavu-core)")
    missing = drawn("\U0001F600")
    assert all(drawn(letter) != missing for letter in "éèàçñßüö×–—")


def test_the_chart_draws_each_days_longest_bout_with_a_skip_inside_it(tmp_path, zone):
    from glutewake.store.chart import BOUT

    zone("UTC")
    j = journal_with(tmp_path, [  # 25 + 25 minutes with a skip between: one bout of 50
        Record("skipped", at(DAY, 9, 25), 25 * 60, "wall-lean"),
        Record("done", at(DAY, 9, 50), 25 * 60, "wall-lean"),
        Record("done", at(DAY + timedelta(days=1), 9, 20), 20 * 60, "wall-lean"),
    ])
    report = stats.report(j.read, DAY, DAY + timedelta(days=1), 6, DAY + timedelta(days=1))
    image = draw_chart(report)
    layout = layout_for(report)
    left, _, _, _ = layout.plot
    for index, minutes in ((0, 50), (1, 20)):
        middle = int(left + layout.slot * (index + 0.5))
        assert image.getpixel((middle, layout.minutes_y(minutes))) == BOUT, (index, minutes)
    assert image.getpixel((int(left + layout.slot * 0.5), layout.minutes_y(25))) != BOUT


def test_the_chart_font_is_loaded_by_absolute_path_never_from_the_working_folder(tmp_path,
                                                                                 monkeypatch):
    """A DejaVuSans.ttf in the folder `stats --chart` runs from, or in a relative folder of
    XDG_DATA_DIRS (here: the bold one under that name), is not the font the chart uses."""
    from glutewake.store.chart import font_files, text_font

    found = font_files()
    if not found:
        skip_or_fail("no DejaVu, Liberation or Noto Sans font here (Debian: fonts-dejavu-core)")
    bold = Path(found[0]).with_name("DejaVuSans-Bold.ttf")
    if not bold.exists():
        skip_or_fail(f"no {bold} to plant (Debian: fonts-dejavu-core)")
    for planted in (tmp_path / "DejaVuSans.ttf",
                    tmp_path / "relative" / "fonts" / "DejaVuSans.ttf"):
        planted.parent.mkdir(parents=True, exist_ok=True)
        planted.write_bytes(bold.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_DIRS", f"relative:{Path(found[0]).parents[3]}")
    font = text_font(14)
    assert os.path.isabs(font.path) and not Path(font.path).is_relative_to(tmp_path)
    assert font.getname() == ("DejaVu Sans", "Book")
