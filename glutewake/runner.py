"""`glutewake run`: choose the mode, wire the parts together, run until asked to stop."""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import sys

from . import __version__, paths
from .control import AlreadyRunning, InstanceLock
from .daemon import Daemon, Parts, SettingsFile
from .desktop.activity import find_idle_source
from .desktop.notify import ConsoleNotifier
from .journal import Journal
from .timespec import humanize

log = logging.getLogger("glutewake")


def setup_logging() -> None:
    """A rotating log file, plus warnings on the terminal when there is one."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    loud = logging.StreamHandler(sys.stderr)
    loud.setLevel(logging.WARNING)
    loud.setFormatter(logging.Formatter("glutewake: %(message)s"))
    root.addHandler(loud)
    try:
        path = paths.log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError as err:
        log.warning("cannot write the log file (%s); warnings go to the terminal only", err)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def has_desktop() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def report(message: str) -> None:
    """A one-line message for the user: in the log, and on the terminal when there is one."""
    log.warning(message)


def run(console: bool = False, tray: bool = True) -> int:
    console = console or not has_desktop()
    setup_logging()
    try:
        lock = InstanceLock(paths.runtime_dir())
    except AlreadyRunning as running:
        print(f"glutewake is already running (pid {running}); use `glutewake status` or "
              "`glutewake quit`", file=sys.stderr)
        return 1
    try:
        settings = SettingsFile(paths.config_file(), report)
        journal = Journal(paths.journal_file(), report)
        parts = Parts(notifier=ConsoleNotifier(), idle=find_idle_source())
        daemon = Daemon(settings, journal, parts, report)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: daemon.stopping.set())
        daemon.start()
        log.info("glutewake %s started in console mode (pid %d)", __version__, os.getpid())
        print(f"glutewake is watching your sitting time; a break is due after "
              f"{humanize(settings.settings.every)} of sitting. Ctrl-C stops it.", flush=True)
        while not daemon.stopping.wait(3600):
            pass
        daemon.shutdown()
        print("glutewake stopped.", flush=True)
        return 0
    finally:
        lock.release()

