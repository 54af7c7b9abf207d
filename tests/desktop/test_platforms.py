"""Windows and macOS code paths, with only their OS calls faked (they cannot run here)."""

import ctypes

import pytest

from glutewake.desktop import activity, idle_native


class FakeUser32:
    def __init__(self, last_input):
        self.last_input = last_input

    def GetLastInputInfo(self, pointer):
        info = ctypes.cast(pointer, ctypes.POINTER(idle_native.WindowsIdle._LastInput)).contents
        assert info.cbSize == ctypes.sizeof(idle_native.WindowsIdle._LastInput)
        info.dwTime = self.last_input
        return 1


class FakeKernel32:
    def __init__(self, ticks):
        self.GetTickCount = lambda: ticks


def test_windows_idle_from_last_input_ticks():
    source = idle_native.WindowsIdle(FakeUser32(1_000), FakeKernel32(91_000))
    assert source.idle_seconds() == 90.0


def test_windows_idle_across_the_49_day_tick_wrap():
    source = idle_native.WindowsIdle(FakeUser32(0xFFFF_FF00), FakeKernel32(0x0000_0100))
    assert source.idle_seconds() == pytest.approx(0.512)


def test_windows_idle_failure_is_unknown_not_a_crash():
    user32 = FakeUser32(0)
    user32.GetLastInputInfo = lambda pointer: 0
    assert idle_native.WindowsIdle(user32, FakeKernel32(5)).idle_seconds() is None


class FakeQuartz:
    def __init__(self, seconds):
        self.asked = None

        def seconds_since(state, kind):  # a plain function: ctypes sets restype on it
            self.asked = (state, kind)
            return seconds

        self.CGEventSourceSecondsSinceLastEventType = seconds_since


def test_macos_idle_asks_the_hid_state_for_any_input():
    quartz = FakeQuartz(42.5)
    source = idle_native.MacIdle(quartz)
    assert source.idle_seconds() == 42.5
    assert quartz.asked == (1, 0xFFFFFFFF)


def test_sources_offered_per_platform():
    assert activity.candidates(None, "win32") == [idle_native.WindowsIdle]
    assert activity.candidates(None, "darwin") == [idle_native.MacIdle]
    assert activity.candidates(None, "linux", {"DISPLAY": ":1"}) == [activity.X11Idle]
    assert activity.candidates(None, "linux", {}) == []
    assert len(activity.candidates(object(), "linux", {"DISPLAY": ":1"})) == 3
