"""How long since the last keyboard or mouse input, and whether the screen is locked.

Each idle source is a small class with a `name`, `unknown_since` and `idle_seconds()`;
`find_idle_source` picks the first one that answers here, in order of preference: GNOME's Mutter
IdleMonitor (X11 and Wayland), the Wayland compositor's own idle notifications (ext-idle-notify-v1,
then the older KDE protocol; see wayland.py), the X11 screensaver extension, the freedesktop
ScreenSaver service (KDE on X11), Windows GetLastInputInfo, macOS CGEventSource. A source that
stops answering returns None ("unknown") and says since when, and the coach keeps counting, so
the daemon never depends on one. `LockWatch` follows logind's LockedHint and PrepareForSleep on
the system bus.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

from ..i18n import N_
from .idle_base import IdleReader, IdleSource

log = logging.getLogger(__name__)


class MutterIdle(IdleReader):
    """GNOME Shell, X11 and Wayland."""

    name = "GNOME Mutter IdleMonitor"

    def __init__(self, bus) -> None:
        from jeepney import DBusAddress

        self._bus = bus
        self._address = DBusAddress("/org/gnome/Mutter/IdleMonitor/Core",
                                    bus_name="org.gnome.Mutter.IdleMonitor",
                                    interface="org.gnome.Mutter.IdleMonitor")

    def _read(self) -> float:
        return self._bus.call(self._address, "GetIdletime", auto_start=False)[0] / 1000.0


class ScreenSaverIdle(IdleReader):
    """KDE Plasma on X11 and others implementing org.freedesktop.ScreenSaver."""

    name = "freedesktop ScreenSaver"

    def __init__(self, bus) -> None:
        from jeepney import DBusAddress

        self._bus = bus
        self._address = DBusAddress("/org/freedesktop/ScreenSaver",
                                    bus_name="org.freedesktop.ScreenSaver",
                                    interface="org.freedesktop.ScreenSaver")

    def _read(self) -> float:
        # The specification says seconds; KDE, its main implementation, answers milliseconds.
        return self._bus.call(self._address, "GetSessionIdleTime", auto_start=False)[0] / 1000.0


class X11Idle(IdleReader):
    """The MIT-SCREEN-SAVER extension of the X server."""

    # TRANSLATORS: the idle source `glutewake status` names; "X11" stays as it is
    name = N_("X11 screensaver extension")  # English in status --json and the log

    def __init__(self) -> None:
        from .x11 import shared_display

        self._display = shared_display()
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            raise RuntimeError("the X server has no MIT-SCREEN-SAVER extension")
        self._root = self._display.screen().root

    def _read(self) -> float:
        return self._root.screensaver_query_info().idle / 1000.0


def candidates(bus, platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
               threshold: Callable[[], float] = lambda: 300.0,
               on_change: Callable[[], None] = lambda: None) -> list[Callable[[], IdleSource]]:
    """Idle sources worth trying here, best first. `threshold` (seconds, read again while
    running) is how long without input the Wayland protocols wait before they say idle: the
    natural-break time; `on_change` is called when they say it, so the daemon looks at once."""
    if platform in ("win32", "darwin"):
        from .idle_native import MacIdle, WindowsIdle  # ctypes: not loaded on Linux

        return [WindowsIdle if platform == "win32" else MacIdle]
    found: list[Callable[[], IdleSource]] = []
    if bus is not None:
        found.append(lambda: MutterIdle(bus))
    if environ.get("WAYLAND_DISPLAY"):
        found += _wayland_sources(environ, threshold, on_change)
    if environ.get("DISPLAY"):
        found.append(X11Idle)
    if bus is not None:
        found.append(lambda: ScreenSaverIdle(bus))
    return found


def _wayland_sources(environ: Mapping[str, str], threshold: Callable[[], float],
                     on_change: Callable[[], None]) -> list[Callable[[], IdleSource]]:
    def make(kind: str) -> IdleSource:
        from . import wayland  # pywayland loads libwayland: only on a Wayland desktop

        where = wayland.display_path(environ)
        if where is None:
            raise RuntimeError(f"WAYLAND_DISPLAY={environ.get('WAYLAND_DISPLAY')!r} is not a "
                               "full path and XDG_RUNTIME_DIR is not set")
        source = wayland.ExtIdleNotify if kind == "ext" else wayland.KdeIdle
        return source(where, threshold, on_change)

    return [lambda: make("ext"), lambda: make("kde")]


def find_idle_source(bus=None, threshold: Callable[[], float] = lambda: 300.0,
                     on_change: Callable[[], None] = lambda: None) -> IdleSource | None:
    """The first idle source that answers here, or None (idle time then shows as unknown).
    `threshold` and `on_change` serve the Wayland sources (see `candidates`)."""
    for make in candidates(bus, threshold=threshold, on_change=on_change):
        try:
            source = make()
            value = source.idle_seconds() if not isinstance(source, IdleReader) \
                else source._read()
        except Exception as err:
            log.info("idle: a source is not available here (%s)", err)
            continue
        log.info("idle: using %s (idle now %.0f s)", source.name, value or 0.0)
        return source
    log.warning("idle: no idle-time source on this desktop; sitting is counted from the clock "
                "alone and only lock and suspend count as time away")
    return None


class LockWatch:
    """logind on the system bus: the session's LockedHint, and PrepareForSleep around suspend.

    `locked()` is true while the screen is locked or the machine is going to sleep. `on_change`
    is called (on the bus worker thread) when either changes, so the daemon can look at once.
    """

    name = "logind"

    def __init__(self, system_bus, on_change: Callable[[], None] = lambda: None):
        from jeepney import DBusAddress, MatchRule

        self._bus = system_bus
        self._on_change = on_change
        manager = DBusAddress("/org/freedesktop/login1", bus_name="org.freedesktop.login1",
                              interface="org.freedesktop.login1.Manager")
        session_id = os.environ.get("XDG_SESSION_ID")
        if session_id:
            path = system_bus.call(manager, "GetSession", "s", (session_id,))[0]
        else:
            path = system_bus.call(manager, "GetSessionByPID", "u", (os.getpid(),))[0]
        self._session = DBusAddress(path, bus_name="org.freedesktop.login1",
                                    interface="org.freedesktop.DBus.Properties")
        self._locked = self._read_locked()
        self._sleeping = False
        system_bus.subscribe(MatchRule(type="signal", interface="org.freedesktop.DBus.Properties",
                                       member="PropertiesChanged", path=path), self._properties)
        system_bus.subscribe(MatchRule(type="signal", interface="org.freedesktop.login1.Manager",
                                       member="PrepareForSleep", path="/org/freedesktop/login1"),
                             self._sleep)

    def _read_locked(self) -> bool:
        value = self._bus.call(self._session, "Get", "ss",
                               ("org.freedesktop.login1.Session", "LockedHint"))[0]
        return bool(value[1])

    def locked(self) -> bool:
        return self._locked or self._sleeping

    def _properties(self, message) -> None:
        interface, changed, invalidated = message.body
        if interface != "org.freedesktop.login1.Session":
            return
        if "LockedHint" in changed:
            self._locked = bool(changed["LockedHint"][1])
        elif "LockedHint" in invalidated:
            self._locked = self._read_locked()
        else:
            return
        log.info("screen %s", "locked" if self._locked else "unlocked")
        self._on_change()

    def _sleep(self, message) -> None:
        self._sleeping = bool(message.body[0])
        log.info("system %s", "going to sleep" if self._sleeping else "woke up")
        self._on_change()


def watch_locks(system_bus, on_change: Callable[[], None]) -> LockWatch | None:
    if system_bus is None:
        return None
    try:
        return LockWatch(system_bus, on_change)
    except Exception as err:
        log.info("lock: logind is not available (%s); locks count only through idle time", err)
        return None
