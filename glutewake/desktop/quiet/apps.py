"""Programs that mean "in a call" or "on air": zoom, teams, obs, as the user lists them."""

from __future__ import annotations

from ...core.events import Hold, Reason
from ...i18n import N_

import os
import re
import subprocess
import sys


def process_names(platform: str = sys.platform) -> list[str]:
    """The names of the running programs."""
    if platform.startswith("linux"):
        names = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/comm", encoding="utf-8", errors="replace") as comm:
                        names.append(comm.read().strip())
                except OSError:
                    continue  # it ended while we looked
        return names
    if platform == "win32":
        listing = subprocess.run(["tasklist", "/FO", "CSV", "/NH"], capture_output=True,
                                 text=True, creationflags=0x08000000)  # CREATE_NO_WINDOW
        return [line.split('","')[0].strip('"') for line in listing.stdout.splitlines() if line]
    listing = subprocess.run(["ps", "-axco", "comm="], capture_output=True, text=True)
    return [line.strip() for line in listing.stdout.splitlines() if line.strip()]


def matches(program: str, wanted: str) -> bool:
    """"zoom" matches "zoom", "zoom.real", "zoom.us"; "teams" matches "Microsoft Teams"."""
    return wanted in re.split(r"[^a-z0-9]+", program.lower())


class RunningApps:
    kind = "apps"
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
