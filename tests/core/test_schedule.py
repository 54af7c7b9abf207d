"""Work hours and the quiet detectors that need no desktop."""

import ctypes
from datetime import datetime, time

import pytest

from glutewake.core.errors import UserError
from glutewake.core.events import Hold, Reason
from glutewake.core.schedule import Schedule
from glutewake.desktop.quiet.apps import RunningApps, matches, process_names
from glutewake.desktop.quiet.windows import NotificationState
from tests.support.helpers import settings

WORK = Schedule(True, frozenset(range(5)), time(9), time(18), (time(12, 30), time(13, 15)))
MONDAY = datetime(2026, 11, 23)


@pytest.mark.parametrize("hour, minute, working", [
    (8, 59, False), (9, 0, True), (12, 29, True), (12, 30, False), (13, 15, True), (17, 59, True),
    (18, 0, False)])
def test_working_hours_on_a_work_day(hour, minute, working):
    assert WORK.working(MONDAY.replace(hour=hour, minute=minute)) is working


def test_weekends_and_a_switched_off_schedule():
    saturday = datetime(2026, 11, 28, 11)
    assert not WORK.working(saturday)
    assert Schedule().working(saturday)  # off: always working


def test_next_start_skips_to_the_next_work_day_or_the_end_of_lunch():
    assert WORK.next_start(MONDAY.replace(hour=7)) == MONDAY.replace(hour=9)
    assert WORK.next_start(MONDAY.replace(hour=12, minute=40)) == MONDAY.replace(hour=13, minute=15)
    assert WORK.next_start(MONDAY.replace(hour=19)) == datetime(2026, 11, 24, 9)
    friday_evening = datetime(2026, 11, 27, 18, 30)
    assert WORK.next_start(friday_evening) == datetime(2026, 11, 30, 9)


def test_pause_until_tomorrow_follows_the_schedule():
    friday = datetime(2026, 11, 27, 15)
    assert WORK.tomorrow(friday, time(7)) == datetime(2026, 11, 30, 9)  # Monday, work start
    assert Schedule().tomorrow(friday, time(7)) == datetime(2026, 11, 28, 7)  # the morning


def test_schedule_settings_are_validated(tmp_path):
    from glutewake.app import settings_file

    good = settings_file.build({"schedule": {"enabled": True, "days": ["mon", "sun"],
                                             "start": "08:00", "end": "16:30",
                                             "lunch": "12:00-12:45"}}, tmp_path / "c")
    assert good.schedule.days == {0, 6} and good.schedule.lunch == (time(12), time(12, 45))
    for bad, message in [({"days": ["monday"]}, '"monday" is not allowed'),
                         ({"days": []}, "at least one day"),
                         ({"start": "18:00", "end": "09:00"}, "later than [schedule] start"),
                         ({"lunch": "13:00-12:00"}, "ends before it starts"),
                         ({"lunch": "07:00-08:00"}, "within [schedule] start and end")]:
        with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
            settings_file.build({"schedule": bad}, tmp_path / "c")
    with pytest.raises(UserError, match="heads_up: must be shorter"):
        settings_file.build({"breaks": {"heads_up": "40m"}}, tmp_path / "c")
    assert settings(heads_up="1m").breaks.heads_up == 60 and settings().breaks.heads_up == 0


def test_app_names_match_by_word():
    assert matches("zoom", "zoom") and matches("zoom.real", "zoom") and matches("zoom.us", "zoom")
    assert matches("Microsoft Teams", "teams") and matches("teams-for-linux", "teams")
    assert not matches("zoomer", "zoom") and not matches("steams", "teams")


def test_running_apps_from_the_real_process_list():
    me = open("/proc/self/comm").read().strip()  # this test's own process
    assert me in process_names()
    wanted = me.lower().split(".")[0]
    assert RunningApps(lambda: ("no-such-program", wanted)).hold() == Hold(Reason.APP, wanted)
    assert RunningApps(lambda: ("no-such-program",)).hold() is None
    assert RunningApps(lambda: ()).hold() is None


def test_running_apps_on_windows_and_macos_with_the_listing_faked():
    windows = RunningApps(lambda: ("zoom",), "win32", names=lambda platform: ["Zoom.exe"])
    assert windows.hold() == Hold(Reason.APP, "zoom")
    mac = RunningApps(lambda: ("teams",), "darwin", names=lambda platform: ["Microsoft Teams"])
    assert mac.hold() == Hold(Reason.APP, "teams")


class FakeShell32:
    def __init__(self, state, result=0):
        self.state, self.result = state, result

    def SHQueryUserNotificationState(self, pointer):
        ctypes.cast(pointer, ctypes.POINTER(ctypes.c_int)).contents.value = self.state
        return self.result


@pytest.mark.parametrize("state, reason", [(5, None), (1, None), (2, Reason.FULLSCREEN),
                                           (3, Reason.FULLSCREEN), (4, Reason.PRESENTATION),
                                           (6, Reason.DO_NOT_DISTURB)])
def test_windows_notification_state(state, reason):
    held = NotificationState(FakeShell32(state)).hold()
    assert (held and held.reason) == reason


def test_windows_notification_state_failure_raises_for_the_quiet_wrapper():
    from glutewake.desktop.quiet import Quiet

    failing = NotificationState(FakeShell32(2, result=0x80004005))
    with pytest.raises(OSError):
        failing.hold()
    assert Quiet([failing]).hold(settings()) is None  # a failing detector is "no reason"


def test_program_names_are_read_once_per_process_and_again_every_half_minute(tmp_path):
    import subprocess
    import sys

    from glutewake.desktop.quiet.apps import _LinuxNames

    names = _LinuxNames()
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "open('/proc/self/comm', 'w').write('gw-launcher')\n"
        "print('named', flush=True)\n"
        "sys.stdin.readline()\n"
        "open('/proc/self/comm', 'w').write('gw-meeting')\n"  # as a launcher that execs
        "print('renamed', flush=True)\n"
        "time.sleep(30)\n")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "named"
        assert "gw-launcher" in names()  # a new process is read at once
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "renamed"
        assert "gw-launcher" in names()  # known: its name is not read again...
        names._read_at -= names.REFRESH
        found = names()  # ...until the half-minute read of them all
        assert "gw-meeting" in found and "gw-launcher" not in found
    finally:
        child.kill()
        child.wait()
    assert "gw-meeting" not in names()  # gone with its process
