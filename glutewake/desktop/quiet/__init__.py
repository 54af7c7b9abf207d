"""Reasons to hold a due reminder: do-not-disturb, a full-screen window, a program, a call
(microphone or camera in use) or a meeting in a calendar.

Each detector is a small class in its own module with a `name`, a `kind` (the [quiet] setting
that turns it on) and `hold()`, which returns why reminders must wait now (a `Hold`), or None.
`find_detectors` keeps those that can run on this desktop and logs the ones it skips; `Quiet`
asks those the settings turn on, in turn, treats a failing one as "no reason", and tells which
fail for `glutewake status`. A detector's `name` is English, as the log has it; the names are
marked with N_ and translated where `glutewake status` shows them.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Protocol

from ...core.events import Busy, Hold
from ...i18n import _

log = logging.getLogger(__name__)


class Detector(Protocol):
    name: str
    kind: str  # which [quiet] setting turns it on: a key of `WANTED`

    def hold(self) -> Hold | None: ...

    # Optional:
    #   recovers = True: kept even when it fails at start (a sound server may come later), and
    #       it logs its own outages;
    #   problems() -> list[str]: what fails now, one line each (else Quiet's record is used).


WANTED = {
    "dnd": lambda s: s.quiet_dnd,
    "fullscreen": lambda s: s.quiet_fullscreen,
    "apps": lambda s: bool(s.quiet_apps),
    "microphone": lambda s: s.quiet_microphone,
    "camera": lambda s: s.quiet_camera,
    "calendars": lambda s: bool(s.quiet_calendars),
}


class Quiet:
    def __init__(self, detectors: list[Detector]):
        self.detectors = detectors
        self._failing: dict[str, str] = {}  # detector name -> why it failed last
        self._settings = None  # the last settings asked with: which detectors are on

    def _wanted(self, settings) -> list[Detector]:
        if settings is None:
            return list(self.detectors)
        return [d for d in self.detectors if WANTED[d.kind](settings)]

    def hold(self, settings) -> Hold | None:
        self._settings = settings
        for detector in self._wanted(settings):
            try:
                found = detector.hold()
            except Exception as err:
                why = str(err) or type(err).__name__
                if detector.name not in self._failing and not getattr(detector, "recovers", False):
                    log.warning("quiet: %s stopped answering (%s); ignoring it", detector.name, why)
                self._failing[detector.name] = why
                continue
            if self._failing.pop(detector.name, None) is not None and not getattr(
                    detector, "recovers", False):
                log.info("quiet: %s answers again", detector.name)
            if found:
                return found
        return None

    def next_busy(self, settings) -> Busy | None:
        """The next busy block of the calendars, when they are on and can tell."""
        for detector in self._wanted(settings):
            if detector.kind != "calendars":
                continue
            try:
                return detector.next_busy()
            except Exception as err:  # the hold asks it too, and records why it fails
                log.info("quiet: %s cannot tell the next meeting (%s)", detector.name, err)
        return None

    def problems(self) -> list[str]:
        """One line for each detector that is on and failing now, for `glutewake status`."""
        lines = []
        for detector in self._wanted(self._settings):
            own = getattr(detector, "problems", None)
            name = _(detector.name)  # marked with N_ where the detector is defined
            try:
                found = own() if own is not None else []
            except Exception as err:  # a status line must not fail for it
                found = [_("{detector}: cannot tell ({error})", detector=name, error=err)]
            if not found and detector.name in self._failing:
                # TRANSLATORS: a detector of calls or quiet times that fails, and why
                found = [_("{detector}: {problem}", detector=name,
                           problem=self._failing[detector.name])]
            lines += found
        return lines


def find_detectors(bus, settings, platform: str = sys.platform) -> list[Detector]:
    """Every detector that works here; the settings choose among them as they change.
    `settings` returns the current Settings. The microphone, camera and calendars need neither a
    display nor a session bus, so they also watch in console mode (`bus` None)."""
    wanted = []
    if platform == "win32":
        from .camera import WindowsCamera
        from .microphone import WindowsMicrophone
        from .windows import NotificationState

        wanted += [NotificationState, WindowsMicrophone, WindowsCamera]
    elif platform == "darwin":
        from .camera import MacCamera
        from .microphone import MacMicrophone

        wanted += [MacMicrophone, MacCamera]
    elif bus is not None:
        from .gnome import GnomeBanners
        from .notification_server import DunstPaused, KdeInhibited

        wanted += [lambda: GnomeBanners(bus), lambda: KdeInhibited(bus), lambda: DunstPaused(bus)]
    if platform.startswith("linux"):
        if os.environ.get("DISPLAY"):
            from .fullscreen import FullScreen

            wanted.append(FullScreen)
        from .camera import OpenCamera
        from .microphone import PulseMicrophone

        wanted += [PulseMicrophone, OpenCamera]
    from .apps import RunningApps
    from .calendar import Calendars

    wanted += [lambda: RunningApps(lambda: settings().quiet_apps, platform),
               lambda: Calendars(lambda: settings().quiet_calendars)]
    found = []
    for make in wanted:
        try:
            detector = make()
        except Exception as err:
            log.info("quiet: a detector cannot run here (%s: %s); skipped",
                     type(err).__name__, err)
            continue
        try:
            detector.hold()  # it must answer once to be kept...
        except Exception as err:
            if not getattr(detector, "recovers", False):  # ...unless it can recover later
                log.info("quiet: %s cannot run here (%s: %s); skipped", detector.name,
                         type(err).__name__, err)
                continue
        log.info("quiet: watching %s", detector.name)
        found.append(detector)
    return found
