"""Reasons to hold a due reminder: do-not-disturb, a full-screen window, a program, a call
(microphone or camera in use) or a meeting in a calendar.

Every detector is registered once, in `DETECTORS`: its class (a small class in its own module,
imported only when it is made), the setting that turns it on, the platforms it runs on, what it
needs and is made with, and the reasons it holds for. Adding a detector is its class and one row
there, plus its test. A detector has a `name` and `hold()`, which returns why reminders must
wait now (a `Hold`), or None.

`find_detectors` makes those that can run on this desktop and logs the ones it skips; `Quiet`
asks those the settings turn on, in turn, treats a failing one as "no reason", and tells which
fail for `glutewake status`. A detector's `name` is English, as the log has it; the names are
marked with N_ and translated where `glutewake status` shows them.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from ...core import config
from ...core.config import Settings
from ...core.events import Busy, Hold, Reason
from ...i18n import _
from .names import CALENDARS

log = logging.getLogger(__name__)


class Detector(Protocol):
    """What Quiet asks of a detector. Each detector class derives from it, and so has the
    defaults of the members it does not need."""

    name: str
    # True: kept even when it fails at start (a sound server may come later), and it logs its
    # own outages
    recovers: bool = False

    def hold(self) -> Hold | None: ...

    def problems(self) -> list[str]:
        """What fails now, one line each; none: Quiet's record of the last failure is used."""
        return []

    def next_busy(self) -> Busy | None:
        """The next busy block, for a detector that holds for meetings."""
        return None


@dataclass(frozen=True)
class Registered:
    """One kind of detector, and everything glutewake needs to know about it."""

    where: str  # "module.Class" in this package
    setting: str  # the key that turns it on ("quiet.microphone"): a true value, a non-empty list
    reasons: tuple[Reason, ...]  # the holds it gives
    platforms: tuple[str, ...] = ()  # sys.platform prefixes it runs on; () for every one
    needs: str = ""  # "bus": the session bus; "display": an X display
    takes: tuple[str, ...] = ()  # what it is made with, in order: "bus", "platform", and
    #                               "setting" (a function that returns its setting's value now)
    first_use: str = ""  # its name, when it is made (and its module loaded) only the first
    #                      time its setting turns it on: the calendar code stays out of a daemon
    #                      without calendars

    def on(self, settings: Settings) -> bool:
        return bool(config.value(settings, self.setting))

    def runs_on(self, platform: str, bus: object) -> bool:
        has = {"": True, "bus": bus is not None, "display": bool(os.environ.get("DISPLAY"))}
        return (not self.platforms or platform.startswith(self.platforms)) and has[self.needs]

    def kind(self) -> type:
        module, _dot, name = self.where.rpartition(".")
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)

    def make(self, bus: object, settings: Callable[[], Settings], platform: str) -> Detector:
        given: dict[str, Any] = {"bus": bus, "platform": platform,
                                 "setting": lambda: config.value(settings(), self.setting)}
        return self.kind()(*(given[name] for name in self.takes))


DND, MICROPHONE, CAMERA = "quiet.do_not_disturb", "quiet.microphone", "quiet.camera"

# In the order they are asked: the first that holds gives the reason.
DETECTORS = (
    Registered("windows.NotificationState", DND, (Reason.FULLSCREEN, Reason.PRESENTATION,
                                                  Reason.DO_NOT_DISTURB), ("win32",)),
    Registered("microphone.WindowsMicrophone", MICROPHONE, (Reason.MICROPHONE,), ("win32",)),
    Registered("camera.WindowsCamera", CAMERA, (Reason.CAMERA,), ("win32",)),
    Registered("microphone.MacMicrophone", MICROPHONE, (Reason.MICROPHONE,), ("darwin",)),
    Registered("camera.MacCamera", CAMERA, (Reason.CAMERA,), ("darwin",)),
    Registered("gnome.GnomeBanners", DND, (Reason.DO_NOT_DISTURB,), ("linux",), "bus", ("bus",)),
    Registered("notification_server.KdeInhibited", DND, (Reason.DO_NOT_DISTURB,), ("linux",),
               "bus", ("bus",)),
    Registered("notification_server.DunstPaused", DND, (Reason.DO_NOT_DISTURB,), ("linux",),
               "bus", ("bus",)),
    Registered("fullscreen.FullScreen", "quiet.fullscreen", (Reason.FULLSCREEN,), ("linux",),
               "display"),
    Registered("microphone.PulseMicrophone", MICROPHONE, (Reason.MICROPHONE,), ("linux",)),
    Registered("camera.OpenCamera", CAMERA, (Reason.CAMERA,), ("linux",)),
    Registered("apps.RunningApps", "quiet.apps", (Reason.APP,), takes=("setting", "platform")),
    Registered("calendar.Calendars", "quiet.calendars", (Reason.MEETING,), takes=("setting",),
               first_use=CALENDARS),
)


def registered(detector: Detector) -> Registered:
    """The row of `DETECTORS` a detector was made from."""
    if isinstance(detector, OnFirstUse):
        return detector.row
    kind = type(detector)
    where = f"{kind.__module__.rpartition('.')[2]}.{kind.__qualname__}"
    return next(row for row in DETECTORS if row.where == where)


class Quiet:
    def __init__(self, detectors: list[Detector]):
        self.detectors = detectors
        self._failing: dict[str, str] = {}  # detector name -> why it failed last
        self._settings = None  # the last settings asked with: which detectors are on

    def _wanted(self, settings) -> list[Detector]:
        if settings is None:
            return list(self.detectors)
        return [d for d in self.detectors if registered(d).on(settings)]

    def hold(self, settings) -> Hold | None:
        self._settings = settings
        for detector in self._wanted(settings):
            try:
                found = detector.hold()
            except Exception as err:
                why = str(err) or type(err).__name__
                if detector.name not in self._failing and not detector.recovers:
                    log.warning("quiet: %s stopped answering (%s); ignoring it", detector.name, why)
                self._failing[detector.name] = why
                continue
            if self._failing.pop(detector.name, None) is not None and not detector.recovers:
                log.info("quiet: %s answers again", detector.name)
            if found:
                return found
        return None

    def next_busy(self, settings) -> Busy | None:
        """The next busy block of the calendars, when they are on and can tell."""
        for detector in self._wanted(settings):
            if Reason.MEETING not in registered(detector).reasons:
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
            name = _(detector.name)  # marked with N_ where the detector is defined
            try:
                found = detector.problems()
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
    wanted = [row for row in DETECTORS if row.runs_on(platform, bus)]
    found: list[Detector] = []
    for row in wanted:
        if row.first_use:
            found.append(OnFirstUse(row, partial(row.make, bus, settings, platform)))
            log.info("quiet: watching %s once it is turned on", row.first_use)
            continue
        try:
            detector = row.make(bus, settings, platform)
        except Exception as err:
            log.info("quiet: a detector cannot run here (%s: %s); skipped",
                     type(err).__name__, err)
            continue
        try:
            detector.hold()  # it must answer once to be kept...
        except Exception as err:
            if not detector.recovers:  # ...unless it can recover later
                log.info("quiet: %s cannot run here (%s: %s); skipped", detector.name,
                         type(err).__name__, err)
                continue
        log.info("quiet: watching %s", detector.name)
        found.append(detector)
    return found


class OnFirstUse(Detector):
    """A stand-in for a detector made the first time Quiet asks it, which is the first time
    its setting turns it on."""

    def __init__(self, row: Registered, make: Callable[[], Detector]) -> None:
        self.row, self.name = row, row.first_use
        self._make = make
        self._made: Detector | None = None

    def _detector(self) -> Detector:
        if self._made is None:
            self._made = self._make()
        return self._made

    def hold(self) -> Hold | None:
        return self._detector().hold()

    def next_busy(self) -> Busy | None:
        return self._detector().next_busy()

    def problems(self) -> list[str]:
        return [] if self._made is None else self._made.problems()
