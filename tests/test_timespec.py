from datetime import datetime, time

import pytest

from glutewake.core.timespec import format_duration, humanize, parse_clock, parse_duration, parse_pause


@pytest.mark.parametrize("text, seconds", [
    ("45s", 45), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("1h 5m 10s", 3910),
    ("2H", 7200), (" 10min ", 600), ("0s", 0),
])
def test_durations_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "m", "1d", "30 minutes", "-5m", "1.5h", "h30m5"])
def test_bad_durations_say_how_to_write_one(text):
    with pytest.raises(ValueError, match="like"):
        parse_duration(text)


@pytest.mark.parametrize("seconds", [1, 59, 60, 61, 3599, 3600, 5400, 86399])
def test_format_duration_round_trips(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


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


NOW = datetime(2026, 11, 22, 14, 0)


def test_pause_specs():
    morning = datetime(2026, 11, 23, 7, 0)
    assert parse_pause("", NOW, morning) is None
    assert parse_pause("30m", NOW, morning) == datetime(2026, 11, 22, 14, 30)
    assert parse_pause("until 16:15", NOW, morning) == datetime(2026, 11, 22, 16, 15)
    assert parse_pause("until 9:00", NOW, morning) == datetime(2026, 11, 23, 9, 0)  # tomorrow
    assert parse_pause("tomorrow", NOW, morning) == datetime(2026, 11, 23, 7, 0)


@pytest.mark.parametrize("spec", ["forever", "until", "until 25:00", "0s", "next week"])
def test_bad_pause_specs_are_explained(spec):
    with pytest.raises(ValueError) as err:
        parse_pause(spec, NOW, datetime(2026, 11, 23, 7, 0))
    assert spec.split()[0] in str(err.value) or "time of day" in str(err.value)
