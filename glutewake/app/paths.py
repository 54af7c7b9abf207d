"""Where glutewake keeps its files, per platform (platformdirs), and the private runtime dir."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from ..core.errors import UserError
from ..i18n import _

APP = "glutewake"


def _dirs():
    import platformdirs  # not for `glutewake status`: it needs only the runtime dir, quickly

    return platformdirs


def config_file() -> Path:
    return Path(_dirs().user_config_dir(APP, appauthor=False)) / "config.toml"


def data_dir() -> Path:
    return Path(_dirs().user_data_dir(APP, appauthor=False))


def journal_file() -> Path:
    return data_dir() / "journal.sqlite3"


def sync_identity_file() -> Path:
    """This computer's id and name in the synced folder ([sync]); never inside that folder."""
    return data_dir() / "sync-device.json"


def folder(setting: str) -> str:
    """A folder as the settings write it ("~/Sync/glutewake") as a full, normalised path; ""
    (none) stays ""."""
    return os.path.normpath(os.path.expanduser(setting)) if setting else ""


def app_icon_file() -> Path:
    """The application icon as a PNG (written by the daemon), for notifications and menus."""
    return data_dir() / "glutewake.png"


def report_file() -> Path:
    """Where `glutewake report` and the tray's "Show my week" write the history page."""
    return Path(_dirs().user_cache_dir(APP, appauthor=False)) / "report.html"


def weekly_summary_file() -> Path:
    """The week the weekly summary was last shown for ("2026-W11")."""
    return state_dir() / "weekly-summary"


def state_dir() -> Path:
    return Path(_dirs().user_state_dir(APP, appauthor=False))


def health_notice_file() -> Path:
    """Remembers that the health notice was told (glutewake/app/notice.py)."""
    return state_dir() / "health-notice"


def spill_dirs() -> list[Path]:
    """Private folders for breaks acknowledged before the journal could take them: the state
    folder, and the runtime folder when the state folder cannot be written."""
    return [state_dir() / "spill", runtime_dir(create=False) / "spill"]


def log_file() -> Path:
    return Path(_dirs().user_log_dir(APP, appauthor=False)) / "glutewake.log"


# The longest path an AF_UNIX socket can have (108 bytes on Linux, 104 on macOS, with the NUL).
LONGEST_SOCKET_PATH = 103


def runtime_dir(create: bool = True) -> Path:
    """A directory only this user can enter, for the control socket, key and lock file.

    Without XDG_RUNTIME_DIR (an ssh session, cron, macOS) it is a folder in the user's own cache
    folder, never a name in the shared /tmp: another user could create that first and so keep
    glutewake from starting."""
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        base = os.environ.get("XDG_RUNTIME_DIR")
        if base and os.path.isdir(base) and os.access(base, os.W_OK):
            path = Path(base) / APP
        else:
            path = Path(_dirs().user_cache_dir(APP, appauthor=False)) / "run"
        if len(os.fsencode(path / "control.sock")) > LONGEST_SOCKET_PATH:
            raise UserError(str(path), _("is too long a path for the control socket; set "
                                         "XDG_RUNTIME_DIR to a short private folder"))
    else:
        path = Path(_dirs().user_runtime_dir(APP, appauthor=False))
    if create:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        check_private(path)
    return path


def check_private(path: Path) -> None:
    """Refuse a runtime dir or key file that someone else owns or can read."""
    if os.name != "posix":
        return  # per-user profile directories already carry the user's ACL on Windows
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        raise UserError(str(path), _("is not owned by you; remove it and start glutewake again"))
    if info.st_mode & 0o077:
        fix = "chmod 700" if stat.S_ISDIR(info.st_mode) else "chmod 600"
        raise UserError(str(path), _("can be read by other users; run `{fix} {path}` and retry",
                                     fix=fix, path=path))
