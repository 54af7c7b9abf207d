"""A bounded fuzz run of the calendar pipeline (tests/support/fuzz_calendar.py says what must
hold); the long one is `python -m bench.fuzz_calendar`, part of `make bench`."""

from __future__ import annotations

import resource

import pytest
from hypothesis import HealthCheck, given, settings

from glutewake.desktop.quiet.calendar import MEMORY
from tests.support import fuzz_calendar as fuzz

SEEDS = fuzz.seeds()


def test_the_libraries_ship_seed_calendars():
    assert len(SEEDS) > 100  # icalendar's and recurring-ical-events' own test calendars


@pytest.mark.parametrize("path", fuzz.seed_files(), ids=lambda path: path.name)
def test_every_seed_calendar(path):
    fuzz.check(path.read_bytes())


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(fuzz.calendars(SEEDS))
def test_generated_and_mutated_calendars(data):
    fuzz.check(data, seconds=1.0)


@pytest.mark.parametrize("name", sorted(fuzz.hostile()))
def test_hostile_calendars_through_the_real_child(name):
    said = fuzz.check_apart(fuzz.hostile()[name])
    assert said in ("read", "refused") or said.startswith("too much"), said
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 <= MEMORY
