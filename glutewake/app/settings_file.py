"""The user's settings file: read (capped, never waiting on a FIFO), checked against the one
declaration in core/config.py, changed in place keeping its comments, and watched by the
running glutewake.

The core parses; everything that touches the file is here.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import i18n
from ..core import config
from ..core.config import Settings
from ..core.errors import UserError
from ..files import NotAFile, TooBig, read_capped
from ..i18n import _
from ..words import phrases
from .catalog import builtin

log = logging.getLogger(__name__)

LARGEST_FILE = 1024 * 1024  # a settings file is a few kilobytes; anything this big is a mistake

USER_HEADER = """\
# glutewake settings: only the keys you change from the defaults.
# `glutewake config show --defaults` lists every key with what it does.
# Durations are strings: "45s", "10m", "1h30m". Saved changes apply to a running glutewake.
"""


def read_bytes(path: Path) -> bytes | None:
    """The settings file's bytes; None when there is none. A FIFO, a device or a folder is
    refused without waiting on it, and so is a file over LARGEST_FILE."""
    try:
        return read_capped(path, LARGEST_FILE)
    except FileNotFoundError:
        return None
    except NotAFile:
        raise UserError(str(path), _("is not a regular file; put your settings in a plain "
                                     "text file there")) from None
    except TooBig as err:
        raise UserError(str(path), _("is {size} KB, too big for a settings file (at most "
                                     "{largest} KB); is it the right file?",
                                     size=err.size // 1024, largest=LARGEST_FILE // 1024)) from None
    except PermissionError as err:
        raise UserError(str(path), _("cannot be read ({error}); check its permissions",
                                     error=err.strerror)) from None
    except OSError as err:
        raise UserError(str(path), _("cannot be read ({error})", error=err.strerror)) from None


def read_toml(path: Path) -> dict[str, Any]:
    """The user's file as a dict; a missing file is empty."""
    return config.parse_toml(read_bytes(path), str(path))


def build(user: dict[str, Any], path: Path) -> Settings:
    """Settings from the user's table, read from `path`, with the built-in catalog."""
    return config.build(user, str(path), builtin())


def load(path: Path, data: bytes | None = None) -> Settings:
    """The settings in force with the user's file at `path` (its bytes `data`, when read)."""
    if data is None:
        data = read_bytes(path)
    return build(config.parse_toml(data, str(path)), path)


def defaults() -> Settings:
    return build({}, Path("defaults"))


# --- writing -----------------------------------------------------------------------------------

def set_value(path: Path, dotted: str, text: str) -> Settings:
    """`glutewake config set KEY VALUE`: one key, as typed on the command line."""
    return set_values(path, {dotted: config.parse_value(text)})


def set_values(path: Path, changes: dict[str, Any]) -> Settings:
    """Change keys in the user's file in place: its comments, order, blank lines and mode stay.
    The whole result is validated first; then it is written atomically, the old file kept as
    FILE.bak. Nothing is written when a value is wrong."""
    import tomlkit

    data = read_bytes(path)
    user = config.parse_toml(data, str(path))  # a syntax error is reported with its line
    document = tomlkit.parse(data.decode("utf-8") if data is not None else USER_HEADER)
    for dotted, value in changes.items():
        section, key = config.parse_key(dotted)
        if key == "custom":
            raise UserError(_("config key {key}", key=dotted),
                            _("custom exercises are tables; add them with `glutewake config edit`"))
        user.setdefault(section, {})[key] = value
        if section not in document:
            if document.body:
                document.add(tomlkit.nl())
            document.add(section, tomlkit.table())
        document[section][key] = value
    settings = build(user, path)
    _replace(path, tomlkit.dumps(document))
    return settings


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temporary)  # the file keeps the permissions its owner gave it
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def ensure_user_file(path: Path) -> Path:
    """Create the user file with its explanatory header when it does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(USER_HEADER + "\n# Example:\n# [breaks]\n# every = \"45m\"\n", "utf-8")
    return path


# --- watching ----------------------------------------------------------------------------------

class SettingsFile:
    """The user's config file: reloaded when it changes; a bad edit keeps the last good settings.

    Each look compares the file's bytes (and mode), not only its time stamp: an edit that keeps
    the time, or a copy over it, is seen too. A settings file is a few kilobytes."""

    def __init__(self, path: Path, report: Callable[[str], None]):
        self.path = path
        self._report = report
        self.error: UserError | None = None  # what is wrong with the file now, if anything
        self.bad_saves = 0  # saves found wrong since the start: each is told once
        self._seen = self._read()
        try:
            self.settings = self._load(self._seen)
        except UserError as err:
            self.error = err
            report(phrases.defaults_in_use(err))
            self.settings = build({}, path)

    @property
    def problem(self) -> str:
        """The error in words for `status`; "" when the file is fine."""
        return "" if self.error is None else i18n.problem(self.error)

    def _read(self) -> tuple:
        """(mode, bytes or the reason there are none); (None, None) when there is no file."""
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            return None, None
        try:
            return mode, read_bytes(self.path)
        except UserError as err:
            return mode, err

    def _load(self, seen: tuple) -> Settings:
        if isinstance(seen[1], UserError):
            raise seen[1]
        try:
            return load(self.path, seen[1] or b"")
        except UserError:
            raise
        except Exception as err:  # whatever a file can do to a reader is a settings error
            log.exception("reading %s failed", self.path)
            raise UserError(str(self.path), phrases.settings_unreadable(err)) from None

    def changed(self) -> Settings | None:
        """New settings when the file changed and is valid; None otherwise."""
        seen = self._read()
        if seen[0] == self._seen[0] and (seen[1] == self._seen[1] or (
                isinstance(seen[1], UserError) and str(seen[1]) == str(self._seen[1]))):
            return None
        self._seen = seen
        try:
            self.settings = self._load(seen)
        except UserError as err:
            self.error = err
            self.bad_saves += 1
            self._report(phrases.last_good_kept(err))
            return None
        self.error = None
        i18n.setup(self.settings.ui.language)  # a new [ui] language applies at once
        self._report(phrases.settings_reloaded(self.path))
        return self.settings
