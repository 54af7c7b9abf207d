"""Start glutewake at login: an XDG autostart entry on Linux, a Run value in the Windows registry,
a LaunchAgent on macOS. Each entry names the installed `glutewake` script (or the interpreter)
by its absolute path, so a venv or pipx install starts the same glutewake that wrote it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Protocol

from ..i18n import _

NAME = "glutewake"


def command(python: Path | None = None, platform: str = sys.platform) -> list[str]:
    """How to start the daemon of this very installation: the `glutewake` script installed next
    to the interpreter, by its absolute path. Without one, the interpreter with `-P -m`: `-P`
    keeps the folder the desktop starts it in (the home folder) off the import path, so a stray
    `bisect.py` there is never run. On Windows the windowless interpreter, the same way: the
    script would hold a console window open all day."""
    python = python or Path(sys.executable).absolute()  # not resolved: a venv's is a link into it
    if platform == "win32":
        windowless = python.with_name("pythonw.exe")
        return [str(windowless if windowless.exists() else python), "-P", "-m", NAME, "run"]
    script = python.with_name(NAME)
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), "run"]
    return [str(python), "-P", "-m", NAME, "run"]


class Autostart(Protocol):
    def enabled(self) -> bool: ...

    def enable(self) -> str: ...

    def disable(self) -> str: ...

    @property
    def where(self) -> str: ...


def desktop_exec(argv: list[str]) -> str:
    """An Exec= value as written in the file: each argument quoted and escaped by the Exec rules,
    then the whole value escaped by the string rules the spec applies first (so a backslash from
    the quoting is doubled again, or GLib refuses the key)."""
    def quote(arg: str) -> str:
        if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
            return arg
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        return f'"{escaped}"'

    value = " ".join(quote(arg) for arg in argv).replace("%", "%%")
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def will_start(where, argv: list[str] | None = None) -> str:
    """What `glutewake autostart enable` answers; `where` is the file or registry value. When
    the glutewake it starts lives in a source checkout's virtual environment, a second line says
    so: moving or deleting that folder would silently end the start at login."""
    said = _("glutewake will start at login ({where})", where=where)
    checkout = checkout_of(Path((argv or command())[0]))
    if checkout is not None:
        said += "\n" + _("Note: it starts the glutewake of the source checkout {folder}; if you "
                         "move or delete that folder, install glutewake (`pipx install .`) and "
                         "run `glutewake autostart enable` again from there", folder=checkout)
    return said


def checkout_of(program: Path) -> Path | None:
    """The source checkout `program` lives in (a folder with glutewake's pyproject.toml above
    it), or None for an installed glutewake."""
    for folder in program.absolute().parents:
        project = folder / "pyproject.toml"
        if (folder / NAME / "__init__.py").is_file() and project.is_file():
            return folder
    return None


def already_off(where) -> str:
    return _("Start at login was already off (nothing at {where})", where=where)


class _FileEntry:
    """An autostart entry that is one file: there means on."""

    path: Path

    @property
    def where(self) -> str:
        return str(self.path)

    def enabled(self) -> bool:
        return self.path.exists()

    def enable(self) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_bytes(self._content())
        os.replace(temporary, self.path)
        return will_start(self.path)

    def disable(self) -> str:
        if not self.path.exists():
            return already_off(self.path)
        self.path.unlink(missing_ok=True)
        return _("glutewake will no longer start at login (removed {path})", path=self.path)

    def _content(self) -> bytes:
        raise NotImplementedError


class XdgAutostart(_FileEntry):
    """~/.config/autostart/glutewake.desktop, read by every XDG-compliant desktop at login."""

    def __init__(self, config_home: Path | None = None, icon: str = NAME):
        base = config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.path = base / "autostart" / f"{NAME}.desktop"
        self._icon = icon

    def _content(self) -> bytes:
        return "\n".join([
            "[Desktop Entry]", "Type=Application", "Name=glutewake",
            "Comment=Desk-break reminder: stand up and wake your glutes",
            f"Exec={desktop_exec(command())}", f"Icon={self._icon}", "Terminal=false",
            "Categories=Utility;", "X-GNOME-Autostart-enabled=true", ""]).encode()


class WindowsRun:
    """HKEY_CURRENT_USER\\...\\CurrentVersion\\Run, value "glutewake"."""

    KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"

    def __init__(self, winreg: Any = None) -> None:
        """`winreg`, or a stand-in with its calls (the tests' fake registry)."""
        if winreg is None:
            import winreg
        self._reg = winreg

    @property
    def where(self) -> str:
        return f"HKEY_CURRENT_USER\\{self.KEY}\\{NAME}"

    def enabled(self) -> bool:
        try:
            with self._reg.OpenKey(self._reg.HKEY_CURRENT_USER, self.KEY) as key:
                self._reg.QueryValueEx(key, NAME)
            return True
        except FileNotFoundError:
            return False

    def enable(self) -> str:
        with self._reg.CreateKey(self._reg.HKEY_CURRENT_USER, self.KEY) as key:
            self._reg.SetValueEx(key, NAME, 0, self._reg.REG_SZ,
                                 subprocess.list2cmdline(command()))
        return will_start(self.where)

    def disable(self) -> str:
        try:
            with self._reg.OpenKey(self._reg.HKEY_CURRENT_USER, self.KEY, 0,
                                   self._reg.KEY_SET_VALUE) as key:
                self._reg.DeleteValue(key, NAME)
        except FileNotFoundError:
            return already_off(self.where)
        return _("glutewake will no longer start at login")


class LaunchAgent(_FileEntry):
    """~/Library/LaunchAgents/io.github.glutewake.plist, loaded by launchd at login."""

    LABEL = "io.github.glutewake"

    def __init__(self, home: Path | None = None):
        self.path = (home or Path.home()) / "Library" / "LaunchAgents" / f"{self.LABEL}.plist"

    def _content(self) -> bytes:
        import plistlib  # macOS only

        return plistlib.dumps({"Label": self.LABEL, "ProgramArguments": command(),
                               "RunAtLoad": True, "ProcessType": "Interactive"})


def for_this_system(platform: str = sys.platform, icon: str = NAME) -> Autostart:
    if platform == "win32":
        return WindowsRun()
    if platform == "darwin":
        return LaunchAgent()
    return XdgAutostart(icon=icon)
