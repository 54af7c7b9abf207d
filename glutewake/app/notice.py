"""The health notice is told twice and then never again: at the first start of `glutewake run`,
and with the first reminder after it. A small file in the state folder remembers how far it got,
so a restart does not tell it again; when that file cannot be written, it is told once per run.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

STARTED, REMINDED = "started", "reminded"  # what the file holds: told at a start, and since


class HealthNotice:
    def __init__(self, path: Path):
        self.path = path
        try:
            self._told = path.read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            self._told = ""

    def at_start(self) -> bool:
        """Whether to tell it now, as glutewake starts: only the very first time."""
        if self._told:
            return False
        self._remember(STARTED)
        return True

    def with_reminder(self) -> bool:
        """Whether to tell it with the reminder shown now: the first one after the first start
        (and the first one of all, for a journal older than the notice)."""
        if self._told == REMINDED:
            return False
        self._remember(REMINDED)
        return True

    def _remember(self, told: str) -> None:
        self._told = told
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.path.write_text(told + "\n", "utf-8")
        except OSError as err:
            log.warning("cannot write %s (%s); the health notice may be told again", self.path,
                        err.strerror)
