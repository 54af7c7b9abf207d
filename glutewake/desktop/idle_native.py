"""Idle time from the operating system's own call, on Windows and macOS (through ctypes)."""

from __future__ import annotations

import ctypes

from .idle_base import IdleReader


class WindowsIdle(IdleReader):
    """GetLastInputInfo: tick counts in milliseconds that wrap every 49.7 days."""

    name = "Windows GetLastInputInfo"

    class _LastInput(ctypes.Structure):
        _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32)]

    def __init__(self, user32=None, kernel32=None) -> None:
        self._user32 = user32 or ctypes.windll.user32  # type: ignore[attr-defined]
        self._kernel32 = kernel32 or ctypes.windll.kernel32  # type: ignore[attr-defined]
        self._kernel32.GetTickCount.restype = ctypes.c_uint32

    def _read(self) -> float:
        info = self._LastInput()
        info.cbSize = ctypes.sizeof(info)
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            raise OSError("GetLastInputInfo failed")
        now = self._kernel32.GetTickCount()
        return ((now - info.dwTime) & 0xFFFFFFFF) / 1000.0


class MacIdle(IdleReader):
    """CGEventSourceSecondsSinceLastEventType(HID system state, any input event)."""

    name = "macOS CGEventSource"
    HID_SYSTEM_STATE = 1
    ANY_INPUT = 0xFFFFFFFF

    def __init__(self, quartz=None) -> None:
        if quartz is None:
            quartz = ctypes.cdll.LoadLibrary(
                "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics")
        self._seconds = quartz.CGEventSourceSecondsSinceLastEventType
        self._seconds.restype = ctypes.c_double
        self._seconds.argtypes = [ctypes.c_int32, ctypes.c_uint32]

    def _read(self) -> float:
        return float(self._seconds(self.HID_SYSTEM_STATE, self.ANY_INPUT))
