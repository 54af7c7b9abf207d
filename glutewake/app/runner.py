"""`glutewake run`: choose the mode, wire the parts together, run until asked to stop.

Console mode prints reminders in the terminal. Desktop mode adds desktop notifications with
buttons, idle and lock detection, and (unless --no-tray) the tray icon, whose event loop owns the
main thread. Every part that is missing on this desktop is logged and left out; the daemon runs
with what there is.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import sys
from datetime import date
from pathlib import Path

from .. import __version__, i18n
from ..core import commands
from ..core.ports import Notifier
from ..desktop.activity import find_idle_source, watch_locks
from ..desktop.inhibitors import find_inhibitors
from ..desktop.notify import ConsoleNotifier, FallbackNotifier, FreedesktopNotifier, PlyerNotifier
from ..desktop.quiet import Quiet, find_detectors
from ..desktop.service import publish
from ..store.export import write_csv
from ..store.journal import Journal
from ..store.spill import Spill
from ..store.stats import streak
from ..threads import spawn
from ..words import phrases
from . import paths, settings_file
from .control import AlreadyRunning, InstanceLock, journal_lock
from .daemon import TICK, Daemon, Parts, never_locked
from .notice import HealthNotice
from .opener import open_file
from .settings_file import SettingsFile
from .sync import Sync

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
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError as err:
        log.warning("cannot write the log file (%s); warnings go to the terminal only", err)
        return
    for target, mode in ((path.parent, 0o700), (path, 0o600)):  # older versions made them 0755/0644
        try:
            os.chmod(target, mode)
        except OSError:
            pass
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def console_reason() -> str:
    """Why reminders are printed in the terminal: "--console" or "no display"."""
    return "no display" if not has_desktop() else "--console"


def typed_command() -> str:
    """How to type glutewake in another terminal: "glutewake" when that finds this one, else
    the path of the script beside this interpreter (`make run` leaves it in .venv/bin)."""
    import shutil

    script = Path(sys.executable).with_name("glutewake")
    found = shutil.which("glutewake")
    if not script.exists() or (found and Path(found).resolve() == script.resolve()):
        return "glutewake"
    return str(script.absolute())


def has_desktop() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def report(message: str) -> None:
    """A one-line message for the user: in the log, and on the terminal when there is one."""
    log.warning(message)


def leave_out_openssl() -> None:
    """PyGObject imports asyncio, and asyncio imports ssl, which maps OpenSSL: 4.6 MB resident in
    a process that never opens a network connection. Without an `ssl` module asyncio simply
    offers no TLS."""
    sys.modules.setdefault("ssl", None)  # type: ignore[arg-type]


def run(console: bool = False, tray: bool = True) -> int:
    leave_out_openssl()
    desktop = not console and has_desktop()
    setup_logging()
    locks: list[InstanceLock] = []
    try:
        locks.append(InstanceLock(paths.runtime_dir()))
        beside_journal = journal_lock(paths.journal_file())  # None: the folder cannot hold it
        if beside_journal is not None:
            locks.append(beside_journal)
    except AlreadyRunning as running:
        for lock in locks:
            lock.release()
        print(phrases.already_running(running), file=sys.stderr)
        return 1
    try:
        return Session(desktop, tray).run()
    finally:
        for lock in reversed(locks):
            lock.release()


class Session:
    """One run of the daemon with the parts this desktop offers."""

    def __init__(self, desktop: bool, tray: bool):
        # `desktop`: reminders as desktop notifications and a tray. What the desktop knows (idle
        # time, locks, calls, meetings) is read in console mode too.
        self.desktop, self.want_tray = desktop, tray
        self.settings = SettingsFile(paths.config_file(), report)
        self.journal = Journal(paths.journal_file(), report,
                               spill=Spill(paths.spill_dirs(), report))
        linux = sys.platform.startswith("linux")
        self.bus = self.system_bus = None
        if linux:
            from ..desktop.bus import connect

            self.bus, self.system_bus = connect("SESSION"), connect("SYSTEM")
        tick = tick_from_environment()
        # Every part is built before the daemon. Those that tell when something changed (a
        # Wayland compositor, logind) ring the daemon once it is there.
        daemon: Daemon | None = None

        def look_now() -> None:
            if daemon is not None:
                daemon.look_now()

        settings = lambda: self.settings.settings  # noqa: E731  (the last good ones)
        locks = watch_locks(self.system_bus, look_now)
        parts = Parts(
            self._notifier(tick),
            # Wayland compositors tell when input stops for the natural-break threshold, and
            # when it comes back: the daemon looks at once then.
            find_idle_source(self.bus, lambda: settings().breaks.natural_break, look_now)
            if has_desktop() else None,
            locks.locked if locks is not None else never_locked,
            Quiet(find_detectors(self.bus, settings)),
            find_inhibitors(self.system_bus, self.bus),
            Sync(lambda: paths.folder(settings().sync.folder), self.journal,
                 paths.sync_identity_file(), report))
        self.daemon = daemon = Daemon(self.settings, self.journal, parts, report, tick=tick,
                                      weekly=paths.weekly_summary_file(),
                                      notice=HealthNotice(paths.health_notice_file()))
        self.service = publish(self.bus, daemon)  # scripts and extensions, on the session bus
        self.tray = None
        self._streak_for: tuple = (None, 0)
        from ..desktop.autostart import for_this_system
        from .install import entry_icon

        self.autostart = for_this_system(icon=entry_icon())

    def _notifier(self, retry: float):
        """The ways to show reminders, best first; one that fails is tried again after `retry`
        seconds (the safety look's interval)."""
        if not self.desktop:
            return ConsoleNotifier()
        icon = write_app_icon()
        timeout = lambda: self.settings.settings.notifications.timeout * 1000  # noqa: E731
        chain: list[Notifier] = []
        if self.bus is not None:
            chain.append(FreedesktopNotifier(self.bus, icon, timeout,
                                             lambda: self.settings.settings.breaks.snooze,
                                             self.notification_answer))
        # plyer on Linux goes through notify-send, that is the same session bus: no use without it
        if self.bus is not None or not sys.platform.startswith("linux"):
            chain.append(PlyerNotifier(icon, timeout))
        chain.append(ConsoleNotifier())
        return FallbackNotifier(chain, report, retry)

    def notification_answer(self, key: str) -> None:
        """A button pressed on the notification."""
        try:
            command = commands.from_action(key)
        except commands.UnknownAction as err:
            log.error("notification: %s; ignored", err)
            return
        ok, text = self.command(command)
        log.info("notification button %s: %s", key, text)

    def command(self, command) -> tuple[bool, str]:
        """A command from the tray or a notification button. A rating's answer is shown: it may
        say more than "noted" (the other way at the ends of the range; after pain, a week's
        rest, the easier way and when to see someone)."""
        ok, text = self.daemon.run(command)
        if isinstance(command, commands.Rate):
            self.daemon.parts.notifier.tell(phrases.rating_title(), text)
        return ok, text

    # --- the tray ---

    def menu(self):
        from ..desktop import menu

        now = self.daemon.current_view()
        status, settings = now.status, self.settings.settings
        view = menu.View(status, phrases.tray_text(now), settings.breaks.snooze_choices,
                         self._streak(status.goal, status.done_today), settings.breaks.every)
        controls = menu.Controls(
            run=self.command, open_settings=self.open_settings, open_log=self.open_log,
            extra=[menu.Item(phrases.start_at_login(), self.toggle_autostart,
                             checked=self.autostart.enabled())],
            set_every=self.set_every, show_week=self.show_week)
        return menu.build(view, controls)

    def toggle_autostart(self) -> None:
        said = self.autostart.disable() if self.autostart.enabled() else self.autostart.enable()
        log.info("tray: %s", said)
        if self.tray is not None:
            self.tray.refresh_menu()  # the new check mark

    def _streak(self, goal: int, done_today: int) -> int:
        """The streak changes only with a new day, a new goal or another break: ask the journal
        then, not every minute the menu is rebuilt."""
        key = (date.today(), goal, done_today)
        if self._streak_for[0] != key:
            self._streak_for = (key, streak(self.journal.read, goal, date.today()))
        return self._streak_for[1]

    def set_every(self, seconds: int) -> None:
        """"Break every" in the tray: the same change as `glutewake config set breaks.every`."""
        from ..core.errors import UserError
        from ..core.timespec import setting_text

        try:
            settings_file.set_values(self.settings.path, {"breaks.every": setting_text(seconds)})
        except (UserError, OSError) as err:
            self.daemon.parts.notifier.tell(phrases.EVERY_NOT_CHANGED, i18n.problem(err))
            return
        self.daemon.look_now()  # apply it now, as `config set` asks a running daemon to
        if self.tray is not None:
            self.tray.refresh_menu()  # the new check mark

    def open_settings(self) -> None:
        open_path(settings_file.ensure_user_file(self.settings.path))

    def open_log(self) -> None:
        path = paths.data_dir() / "break-log.csv"
        try:
            with open(path, "w", encoding="utf-8", newline="") as out:
                write_csv(self.journal, out)
        except OSError as err:
            report(phrases.log_not_written(path, err.strerror or str(err)))
            return
        open_path(path)

    def show_week(self) -> None:
        """"Show my week" in the tray: the page `glutewake report` writes, opened the same way."""
        from .cli.report import show_week

        problem = show_week(date.today())
        if problem:
            report(problem)

    def _start_tray(self):
        from ..desktop.icon import look_for
        from ..desktop.tray import make_tray

        now = self.daemon.current_view()
        every = lambda: self.settings.settings.breaks.every  # noqa: E731
        tray = make_tray(self.menu, look_for(now.status, every(), now.settings_error is not None),
                         phrases.tray_text(now), self.bus)
        if tray is None:
            return None
        self.daemon.tray_name = tray.name

        def changed(view) -> None:
            tray.update(look_for(view.status, every(), view.settings_error is not None),
                        phrases.tray_text(view))

        self.daemon.on_change.append(changed)
        return tray

    # --- life cycle ---

    def _introduction(self) -> list[str]:
        """What a person starting glutewake needs next: where reminders will appear and why,
        how to answer them, where the settings are."""
        if self.desktop:
            where = (phrases.shown_on_desktop_with_tray() if self.want_tray else
                     phrases.shown_on_desktop())
        else:
            where = phrases.shown_here(console_reason())
        command = typed_command()
        return [where, phrases.answer_from(command),
                phrases.settings_at(self.settings.path, command)]

    def run(self) -> int:
        daemon = self.daemon
        # A closed terminal or a logout (SIGHUP) takes the same clean way out as SIGTERM and
        # Ctrl-C: the journal flushed, "stopped" logged, the socket and locks released.
        for name in ("SIGTERM", "SIGINT", "SIGHUP"):
            if hasattr(signal, name):  # Windows has no SIGHUP
                signal.signal(getattr(signal, name), lambda *_: daemon.stopping.set())
        # Before the loop runs: it may remind at once.
        first_start = daemon.notice is not None and daemon.notice.at_start()
        daemon.start()
        mode = "desktop" if self.desktop else "console"
        log.info("glutewake %s started in %s mode (pid %d)", __version__, mode, os.getpid())
        print(phrases.watching(self.settings.settings.breaks.every), flush=True)
        print("\n".join(self._introduction()), flush=True)
        if first_start:
            daemon.parts.notifier.tell(phrases.health_notice_title(), phrases.health_notice())
        self.tray = self._start_tray() if self.desktop and self.want_tray else None
        if self.tray is not None:
            tray = self.tray
            spawn("tray-stop", lambda: (daemon.stopping.wait(), tray.stop()))
            tray.run(ready=lambda: log.info("tray: icon shown"))
            daemon.stopping.set()  # the tray loop ended: quit from the tray or a signal
        while not daemon.stopping.wait(3600):
            pass
        if self.service is not None:
            self.service.close()  # the bus name goes first: nobody calls a stopping daemon
        daemon.shutdown()
        if daemon.parts.idle is not None:
            daemon.parts.idle.close()  # a Wayland connection: disconnected before exit
        for bus in (self.bus, self.system_bus):
            if bus is not None:
                bus.close()
        print(phrases.stopped(), flush=True)
        return 0


def tick_from_environment() -> float:
    """GLUTEWAKE_TICK (seconds) shortens the safety poll, so tests need not wait out a minute."""
    from ..core.errors import UserError

    text = os.environ.get("GLUTEWAKE_TICK")
    if not text:
        return TICK
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.2 <= value <= 3600:
        raise UserError("GLUTEWAKE_TICK", f"{text!r} is not a number of seconds from 0.2 to 3600")
    return value


def write_app_icon() -> str:
    """The application icon as a PNG for notifications to show; "" (no icon) if it cannot be
    written: the data folder's trouble is reported by the journal. The shipped one is copied
    (drawing it would load Pillow, which the StatusNotifierItem tray does without)."""
    from .install import shipped_icons

    path = paths.app_icon_file()
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            shipped = shipped_icons().get(128)
            if shipped is not None:
                path.write_bytes(shipped.read_bytes())
            else:
                from ..desktop.icon import app_icon

                app_icon(128).save(path)  # by extension: Pillow loads only its PNG plugin
    except OSError as err:
        log.info("notifications: no icon (%s)", err)
        return ""
    return str(path)


def open_path(path: Path) -> None:
    """Open a file the way the desktop opens it (its editor, its spreadsheet)."""
    problem = open_file(path)
    if problem:
        report(phrases.cannot_open(path, problem))
