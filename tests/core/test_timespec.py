from datetime import time

import pytest

from glutewake.core.timespec import parse_clock, parse_duration
from glutewake.words.times import humanize


@pytest.mark.parametrize("text, seconds", [
    ("45s", 45), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("1h 5m 10s", 3910),
    ("2H", 7200), (" 10min ", 600), ("0s", 0), ("1d", 86400), ("0d 2h", 7200),
])
def test_durations_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "m", "1y", "30 lightyears", "5 -m", "1.5h", "h30m5"])
def test_bad_durations_say_how_to_write_one(text):
    with pytest.raises(ValueError, match="like"):
        parse_duration(text)


def test_humanize():
    assert humanize(12.4) == "12 s"
    assert humanize(23 * 60 + 40) == "23 min"
    assert humanize(3600 + 5 * 60) == "1 h 5 min"
    assert humanize(-3) == "0 s"


def test_parse_clock():
    assert parse_clock("7:05") == time(7, 5)
    for bad in ("24:00", "12:60", "noon", "1230"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_clock(bad)


def test_days_are_a_unit_for_pauses():
    from glutewake.core.timespec import LONGEST_PAUSE

    assert parse_duration("2d", LONGEST_PAUSE) == parse_duration("48h", LONGEST_PAUSE)
    with pytest.raises(ValueError, match="longer than"):
        parse_duration("2d")  # a snooze or interval is a day at most
