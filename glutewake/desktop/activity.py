"""How long since the last keyboard or mouse input, and whether the screen is locked.

Each source is a small class with a `name` and `idle_seconds()`; `find_idle_source` picks the
first one that answers on this desktop. A source that stops answering returns None ("unknown")
and the coach keeps counting, so the daemon never depends on one.
"""

from __future__ import annotations

import logging
import os
from typing import Protocol

log = logging.getLogger(__name__)


class IdleSource(Protocol):
    name: str

    def idle_seconds(self) -> float | None: ...


class X11Idle:
    """The MIT-SCREEN-SAVER extension of the X server (X11 sessions, and XWayland's own input)."""

    name = "X11 screensaver extension"

    def __init__(self) -> None:
        from Xlib import display

        self._display = display.Display()
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            self._display.close()
            raise RuntimeError("the X server has no MIT-SCREEN-SAVER extension")
        self._root = self._display.screen().root
        self._failed = False

    def idle_seconds(self) -> float | None:
        try:
            value = self._root.screensaver_query_info().idle / 1000.0
        except Exception as err:  # the X connection is gone: report once, then "unknown"
            if not self._failed:
                log.warning("idle: the X server stopped answering (%s); idle time unknown", err)
                self._failed = True
            return None
        self._failed = False
        return value


def find_idle_source() -> IdleSource | None:
    """The first idle source that works here, or None (idle time then shows as unknown)."""
    candidates = []
    if os.environ.get("DISPLAY"):
        candidates.append(X11Idle)
    for candidate in candidates:
        try:
            source = candidate()
            if source.idle_seconds() is not None:
                log.info("idle: using %s", source.name)
                return source
        except Exception as err:
            log.info("idle: %s is not available (%s)", candidate.name, err)
    log.warning("idle: no idle-time source on this desktop; sitting is counted from the clock "
                "alone and only lock and suspend count as time away")
    return None
