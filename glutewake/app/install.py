"""`glutewake install-desktop [--remove]`: make an installed glutewake look like an app.

On Linux it copies, under $XDG_DATA_HOME (default ~/.local/share), the menu entry (its Exec= names
the glutewake program that is running this command, so a pipx or venv install starts itself), the
icons into the hicolor theme and the manual page into man/man1. `--remove` deletes exactly those
files. The files travel inside the wheel as glutewake/share/ (pyproject.toml's force-include); a
source checkout reads them from assets/.

The command is declared in cli/parser.py: its options in build_parser(), and `main` below as its
handler in HANDLERS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..core.errors import UserError
from ..i18n import _, ngettext

NAME = "glutewake"
ENTRY = f"{NAME}.desktop"
MAN_PAGE = f"{NAME}.1"
ICON = re.compile(rf"{NAME}-(\d+)\.png")


def main(args, platform: str = sys.platform) -> int:
    if platform == "win32":
        print(_("install-desktop is for Linux desktops; on Windows run `glutewake autostart "
                "enable` to start glutewake at login (its tray icon is the app)"))
        return 0
    if platform == "darwin":
        print(_("install-desktop is for Linux desktops; on macOS run `glutewake autostart "
                "enable` to start glutewake at login (it lives in the menu bar)"))
        return 0
    target = Target.for_this_user()
    for line in (target.remove() if args.remove else target.install(program())):
        print(line)
    return 0


# --- what is installed -------------------------------------------------------------------------

def shipped() -> Traversable:
    """The folder holding the desktop entry, icons and man page: inside the installed package,
    or assets/ in a source checkout (where an editable install also finds them)."""
    packaged = resources.files(NAME) / "share"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "assets"


def entry_icon() -> str:
    """The icon a menu or autostart entry names: the absolute path of the largest shipped PNG
    (it exists whether or not `glutewake install-desktop` ran), else the theme name."""
    icons = shipped_icons()
    return str(icons[max(icons)]) if icons else NAME


def shipped_icons(folder: Traversable | None = None) -> dict[int, Traversable]:
    """Size in pixels -> the shipped PNG of that size."""
    folder = folder or shipped()
    found = {}
    for item in folder.iterdir():
        match = ICON.fullmatch(item.name)
        if match:
            found[int(match[1])] = item
    return dict(sorted(found.items()))


def program(argv0: str | None = None, executable: str | None = None) -> list[str]:
    """How the desktop should start this very glutewake: the `glutewake` script now running (kept
    as called, so pipx's link in ~/.local/bin stays the link), else the one beside this
    interpreter, else `python -m glutewake`."""
    script = Path(argv0 if argv0 is not None else sys.argv[0])
    if script.name == NAME and script.is_file():
        return [os.path.abspath(script)]
    python = Path(executable or sys.executable)
    beside = python.with_name(NAME)
    if beside.is_file() and os.access(beside, os.X_OK):
        return [os.path.abspath(beside)]
    return [os.path.abspath(python), "-m", NAME]


def string_value(text: str) -> str:
    """A desktop entry string value: the escapes the spec applies before any Exec quoting."""
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def exec_value(argv: list[str]) -> str:
    from ..desktop.autostart import desktop_exec

    return desktop_exec(argv)


def desktop_entry(template: str, command: list[str]) -> str:
    """The shipped entry with every `Exec=glutewake ...` starting `command` instead, and TryExec
    naming it, so the menu hides the entry once that program is gone."""
    lines = []
    for line in template.splitlines():
        key, equals, value = line.partition("=")
        if equals and key == "Exec":
            words = value.split()
            if not words or words[0] != NAME:
                raise ValueError(f"{ENTRY}: an Exec= line that does not start with {NAME}: {line}")
            line = f"Exec={exec_value(command + words[1:])}"
        elif equals and key == "TryExec":
            line = f"TryExec={string_value(command[0])}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def data_home(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME when it is an absolute path (the spec says to ignore others)."""
    value = environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


@dataclass
class Target:
    """Where the files go: one data folder, laid out as the XDG specs ask."""

    data: Path

    @classmethod
    def for_this_user(cls) -> Target:
        return cls(data_home())

    @property
    def applications(self) -> Path:
        return self.data / "applications"

    @property
    def hicolor(self) -> Path:
        return self.data / "icons" / "hicolor"

    @property
    def man1(self) -> Path:
        return self.data / "man" / "man1"

    def icon(self, size: int) -> Path:
        return self.hicolor / f"{size}x{size}" / "apps" / f"{NAME}.png"

    def files(self, sizes: Iterable[int]) -> list[Path]:
        return [self.applications / ENTRY, *(self.icon(s) for s in sizes), self.man1 / MAN_PAGE]

    def install(self, command: list[str], source: Traversable | None = None) -> list[str]:
        source = source or shipped()
        icons = shipped_icons(source)
        entry = desktop_entry((source / ENTRY).read_text("utf-8"), command)
        _write(self.applications / ENTRY, entry.encode("utf-8"))
        for size, png in icons.items():
            _write(self.icon(size), png.read_bytes())
        _write(self.man1 / MAN_PAGE, (source / MAN_PAGE).read_bytes())
        refresh(self)
        return [_("Menu entry: {path} (starts {command} run)", path=self.applications / ENTRY,
                  command=" ".join(command)),
                ngettext("Icons: {count} size in {folder}", "Icons: {count} sizes in {folder}",
                         len(icons), count=len(icons), folder=self.hicolor),
                _("Manual page: {path} ({hint})", path=self.man1 / MAN_PAGE,
                  hint=man_hint(self.man1.parent)),
                _("`glutewake install-desktop --remove` takes them away again")]

    def remove(self, source: Traversable | None = None) -> list[str]:
        sizes = shipped_icons(source or shipped())
        gone = []
        for path in self.files(sizes):
            try:
                path.unlink()
                gone.append(path)
            except FileNotFoundError:
                continue
            except OSError as err:
                raise UserError(str(path), _("cannot remove it ({error}); delete it by hand or "
                                             "fix the folder's permissions",
                                             error=err.strerror)) from None
            _prune(path.parent, self.data)
        refresh(self)
        if not gone:
            return [_("Nothing to remove: no glutewake menu entry, icons or manual page under "
                      "{folder}", folder=self.data)]
        return [ngettext("Removed {count} file: the menu entry, icons and manual page under "
                         "{folder}",
                         "Removed {count} files: the menu entry, icons and manual page under "
                         "{folder}", len(gone), count=len(gone), folder=self.data)]


def _write(path: Path, content: bytes) -> None:
    """Write a file whole (a reader never sees half of it), world-readable as shared data is."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(content)
        temporary.chmod(0o644)  # glutewake's umask keeps its own files private; these are not
        os.replace(temporary, path)
    except OSError as err:
        with suppress(OSError):
            temporary.unlink()
        raise UserError(str(path), _("cannot write it ({error}); make the folder writable or "
                                     "point XDG_DATA_HOME at one that is",
                                     error=err.strerror)) from None


def _prune(folder: Path, stop: Path) -> None:
    """Remove folders left empty, up to (not including) the data folder."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or not ours to remove: either way, stop here
            return
        folder = folder.parent


def refresh(target: Target) -> None:
    """Bring existing caches up to date, softly: an absent tool or cache is no error, and no cache
    is created where there was none (desktops then read the folders directly)."""
    jobs = [(target.applications / "mimeinfo.cache",
             ["update-desktop-database", "-q", str(target.applications)]),
            (target.hicolor / "icon-theme.cache",
             ["gtk-update-icon-cache", "-q", "-t", "-f", str(target.hicolor)])]
    for cache, argv in jobs:
        if cache.exists() and shutil.which(argv[0]):
            try:
                subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=30, check=False)
            except (OSError, subprocess.SubprocessError):
                pass  # the files are in place; a stale cache only delays the icon
    with suppress(OSError):
        os.utime(target.hicolor)  # GTK rereads a theme folder newer than its cache


def man_hint(man_root: Path) -> str:
    """How to read the page: `man glutewake`, or what to set when man would not look there."""
    if not shutil.which("manpath"):
        return "`man glutewake`"
    try:
        found = subprocess.run(["manpath", "-q"], capture_output=True, text=True, timeout=10,
                               stdin=subprocess.DEVNULL).stdout.strip().split(":")
    except (OSError, subprocess.SubprocessError):
        return "`man glutewake`"
    if any(part and Path(part) == man_root for part in found):
        return "`man glutewake`"
    # TRANSLATORS: the commands in backticks stay as they are
    return _("man does not look in {folder}: add `export MANPATH=\"{folder}:\"` to ~/.profile, "
             "or read it now with `man -l {page}`", folder=man_root,
             page=man_root / "man1" / MAN_PAGE)
