"""Programs that mean "in a call" or "on air": zoom, teams, obs, as the user lists them."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time

from ...core.events import Hold, Reason
from ...core.untrusted import clean
from ...i18n import N_
from . import Detector


class _LinuxNames:
    """Program names from /proc. A process's name is read once and kept under its /proc entry's
    inode, which a reused process id does not share; only new processes cost a read (a full
    read of 500 takes about 8 ms, a listing well under one). Every 30 s all are read again, for
    programs that replaced themselves (a launcher script that execs zoom)."""

    REFRESH = 30.0

    def __init__(self) -> None:
        self._known: dict[tuple[str, int], str] = {}
        self._read_at = -math.inf

    def __call__(self) -> list[str]:
        now = time.monotonic()
        again = now - self._read_at >= self.REFRESH
        if again:
            self._read_at = now
        known = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            key = (entry.name, entry.inode())
            name = None if again else self._known.get(key)
            if name is None:
                try:
                    with open(f"/proc/{entry.name}/comm", encoding="utf-8",
                              errors="replace") as comm:
                        name = clean(comm.read())
                except OSError:
                    continue  # it ended while we looked
            known[key] = name
        self._known = known
        return list(known.values())


_linux_names = _LinuxNames()


def process_names(platform: str = sys.platform) -> list[str]:
    """The names of the running programs, as each set its own (any text), cleaned."""
    if platform.startswith("linux"):
        return _linux_names()
    if platform == "win32":
        listing = subprocess.run(["tasklist", "/FO", "CSV", "/NH"], capture_output=True,
                                 text=True, creationflags=0x08000000)  # CREATE_NO_WINDOW
        return [clean(line.split('","')[0].strip('"')) for line in listing.stdout.splitlines()
                if line]
    listing = subprocess.run(["ps", "-axco", "comm="], capture_output=True, text=True)
    return [clean(line) for line in listing.stdout.splitlines() if line.strip()]


def matches(program: str, wanted: str) -> bool:
    """"zoom" matches "zoom", "zoom.real", "zoom.us"; "teams" matches "Microsoft Teams"."""
    return wanted in re.split(r"[^a-z0-9]+", program.lower())


class RunningApps(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`; "[quiet] apps" is the setting
    name = N_("programs from [quiet] apps")

    def __init__(self, apps, platform: str = sys.platform, names=process_names):
        self._apps = apps  # returns the names to look for: the settings may change
        self._platform = platform
        self._names = names

    def hold(self) -> Hold | None:
        apps = self._apps()
        if not apps:
            return None
        running = self._names(self._platform)
        for wanted in apps:
            if any(matches(program, wanted) for program in running):
                return Hold(Reason.APP, source=wanted)
        return None
