"""What every idle source shares: a base class that turns a failing source into "unknown" (the
protocol the daemon asks is core.ports.IdleSource). A module of its own so that activity.py
(the sources on Linux, and the choice among all of them) and idle_native.py (Windows, macOS)
both build on it without importing each other."""

from __future__ import annotations

import logging
import time

from ..core.ports import IdleSource

log = logging.getLogger(__name__)


class IdleReader(IdleSource):
    """A source that reads with `_read()`, which may raise: a failure reads as None ("unknown"),
    logged once per outage."""

    name = "idle source"
    unknown_since: float | None = None  # wall time it stopped answering; None while it answers

    def idle_seconds(self) -> float | None:
        try:
            value = self._read()
        except Exception as err:
            if self.unknown_since is None:
                log.warning("idle: %s stopped answering (%s); idle time unknown", self.name, err)
                self.unknown_since = time.time()
            return None
        if self.unknown_since is not None:
            log.info("idle: %s answers again", self.name)
        self.unknown_since = None
        return value

    def _read(self) -> float:
        raise NotImplementedError
