"""The table of quiet detectors (glutewake/desktop/quiet/__init__.py `DETECTORS`): each row names
a real class, a declared setting, where it runs and the holds it gives, and `find_detectors` and
`Quiet` go by it, so a detector follows its setting without being listed anywhere else."""

from __future__ import annotations

import pytest

from glutewake.core import config
from glutewake.core.events import Hold
from glutewake.desktop.quiet import (
    DETECTORS,
    Detector,
    Quiet,
    Registered,
    find_detectors,
    registered,
)
from tests.support.helpers import configured

ROWS = [pytest.param(row, id=row.where) for row in DETECTORS]


def switched(row: Registered, on: bool):
    """Settings with only the row's setting changed: on (true, a list of one) or off."""
    name, key = config.parse_key(row.setting)
    default = config.keys(name)[key].default
    value = on if isinstance(default, bool) else (["zoom"] if on else [])
    return configured(**{name: {key: value}})


def made_without_the_system(row: Registered):
    """An instance of the row's class without its constructor (no sound server, no registry):
    the table is about the class."""
    detector = object.__new__(row.kind())
    detector.hold = lambda: Hold(row.reasons[0])
    return detector


@pytest.mark.parametrize("row", ROWS)
def test_each_row_names_a_class_a_declared_setting_and_its_holds(row):
    kind = row.kind()
    assert isinstance(kind.name, str) and kind.name, row.where
    assert row.setting.startswith("quiet.") and config.parse_key(row.setting)
    assert row.reasons and row.needs in ("", "bus", "display")
    assert set(row.takes) <= {"bus", "platform", "setting"}
    assert all(p in ("linux", "win32", "darwin") for p in row.platforms)
    assert registered(made_without_the_system(row)) is row


@pytest.mark.parametrize("row", ROWS)
def test_each_detector_has_every_member_quiet_asks(row):
    """Quiet asks every detector for `recovers`, `problems()` and `next_busy()` without probing
    for them: each class derives from Detector and so has them, the defaults where it needs
    none."""
    assert Detector in row.kind().__mro__
    detector = made_without_the_system(row)
    assert isinstance(detector.recovers, bool)
    assert callable(detector.problems) and callable(detector.next_busy)


@pytest.mark.parametrize("row", ROWS)
def test_quiet_asks_a_detector_only_while_its_setting_turns_it_on(row):
    quiet = Quiet([made_without_the_system(row)])
    assert quiet.hold(switched(row, on=True)) == Hold(row.reasons[0])
    assert quiet.hold(switched(row, on=False)) is None


def test_every_quiet_setting_has_a_detector_on_a_linux_desktop(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    linux = {row.setting for row in DETECTORS if row.runs_on("linux", bus=object())}
    assert {f"quiet.{key}" for key in config.keys("quiet")} <= linux


def test_find_detectors_makes_the_rows_for_this_platform(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    assert [row.where for row in DETECTORS if row.runs_on("linux", bus=None)] == [
        "microphone.PulseMicrophone", "camera.OpenCamera", "apps.RunningApps",
        "calendar.Calendars"]
    found = find_detectors(None, lambda: configured(quiet={"apps": [], "microphone": False}),
                           platform="darwin")  # the macOS libraries are missing here
    assert [registered(d).where for d in found] == ["apps.RunningApps", "calendar.Calendars"]
