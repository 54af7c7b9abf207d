"""Opening a file the way the desktop opens it (the settings in its editor, the break log in its
spreadsheet, the history page in the browser, the exercise pictures in the image viewer)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..i18n import _


def opener() -> list[str] | None:
    """The desktop's way to open a file; [] for os.startfile; None when this system has none."""
    if sys.platform == "win32":
        return []
    name = "open" if sys.platform == "darwin" else "xdg-open"
    return [name] if shutil.which(name) else None


def open_file(path: Path, on_screen: bool = False) -> str:
    """Hand `path` to the desktop: "" when it was handed over, else why not, in a few words
    (the caller says where the file is). `on_screen`: only a display can show it (a picture),
    where a page or a text file may also open in the terminal."""
    if on_screen and sys.platform not in ("win32", "darwin") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return _("there is no display to show it on")
    command = opener()
    if command is None:
        return _("there is no program here to open files with (xdg-open)")
    try:
        if not command:
            os.startfile(path)  # type: ignore[attr-defined]
        else:
            subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    except OSError as err:
        return str(err.strerror or err)
    return ""
