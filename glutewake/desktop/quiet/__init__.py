"""Reasons to hold a due reminder: do-not-disturb, a full-screen window, a call in progress.

Each detector is a small class in its own module with a `name` and `hold()`, which returns why
reminders must wait now (a `Hold`), or None. `find_detectors` keeps those that can run on this
desktop and logs the ones it skips; `Quiet` asks them in turn and treats a failing one as "no
reason".
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Protocol

from ...core.events import Hold

log = logging.getLogger(__name__)


class Detector(Protocol):
    name: str
    kind: str  # "dnd", "fullscreen" or "apps": which [quiet] setting turns it on

    def hold(self) -> Hold | None: ...


class Quiet:
    def __init__(self, detectors: list[Detector]):
        self.detectors = detectors
        self._failing: set[str] = set()

    def hold(self, settings) -> Hold | None:
        wanted = {"dnd": settings.quiet_dnd, "fullscreen": settings.quiet_fullscreen,
                  "apps": bool(settings.quiet_apps)}
        for detector in self.detectors:
            if not wanted[detector.kind]:
                continue
            try:
                found = detector.hold()
            except Exception as err:
                if detector.name not in self._failing:
                    log.warning("quiet: %s stopped answering (%s); ignoring it", detector.name, err)
                    self._failing.add(detector.name)
                continue
            self._failing.discard(detector.name)
            if found:
                return found
        return None


def find_detectors(bus, apps, platform: str = sys.platform) -> list[Detector]:
    """Every detector that works here; the settings choose among them as they change.
    `apps` returns the program names of [quiet] apps."""
    wanted = []
    if platform == "win32":
        from .windows import NotificationState

        wanted.append(NotificationState)
    elif bus is not None:
        from .gnome import GnomeBanners
        from .notification_server import DunstPaused, KdeInhibited

        wanted += [lambda: GnomeBanners(bus), lambda: KdeInhibited(bus), lambda: DunstPaused(bus)]
    if platform.startswith("linux") and os.environ.get("DISPLAY"):
        from .fullscreen import FullScreen

        wanted.append(FullScreen)
    from .apps import RunningApps

    wanted.append(lambda: RunningApps(apps, platform))
    found = []
    for make in wanted:
        try:
            detector = make()
            detector.hold()  # it must answer once to be kept
        except Exception as err:
            log.info("quiet: a detector cannot run here (%s: %s); skipped",
                     type(err).__name__, err)
            continue
        log.info("quiet: watching %s", detector.name)
        found.append(detector)
    return found
