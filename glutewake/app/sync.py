"""This computer's side of the synced folder ([sync] folder), for the running glutewake.

One thread of its own does all the folder's I/O, so a slow disk or a network share never holds
up a look or a command: it writes this computer's files (at once after a journal event, every
few minutes while the person sits and the latest input moves on, never while nothing changes),
reads the other computers' files when the watch says they changed, merges them into the journal,
and keeps what the coach needs from them: the latest break and the latest input on any other
computer. The daemon hands it what each look saw and reads those two values back, both without
waiting on any I/O.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..core.events import Kind
from ..core.presence import Presence, utc_day
from ..i18n import _
from ..store import syncfolder
from ..store.journal import Journal
from ..store.syncfolder import Device, Identity, day_name, folder_of
from ..store.watch import watch as watch_folder
from ..threads import spawn
from ..words import phrases

log = logging.getLogger(__name__)

# Kinds that end a stretch of sitting on another computer: a break done or skipped there, or an
# absence there that was a natural break (its `away` event is written when it ends).
BREAKS = (Kind.DONE.value, Kind.SKIPPED.value, Kind.AWAY.value)
WRITE_EVERY = 180.0  # seconds: how stale the latest input in our files may get while sitting
SOON = 1.0  # seconds after a journal event before writing: what one command logs goes together
RETRY = 300.0  # seconds before trying a folder that could not be written again


class Sync:
    def __init__(self, folder: Callable[[], str], journal: Journal, identity_path: Path,
                 report: Callable[[str], None], wall: Callable[[], float] = time.time,
                 mono: Callable[[], float] = time.monotonic, watcher=watch_folder,
                 write_every: float = WRITE_EVERY):
        self._setting = folder  # [sync] folder as now in force; "" when off
        self._journal = journal
        self._identity_path = identity_path
        self._report = report
        self._wall, self._mono = wall, mono
        self._watcher = watcher
        self._write_every = write_every
        self._lock = threading.Lock()  # guards what the daemon's threads touch below
        self._identity, trouble = Identity.load(identity_path)
        if trouble:
            report(trouble)
        rows = journal.read("SELECT MAX(seq) FROM presence WHERE device = ''")
        last = max(self._identity.seq, (rows[0][0] or 0) if rows else 0)
        self._presence = Presence(last + 1)
        self._wrote_events = False  # a journal event waits to be written
        self._write_at: float | None = None  # monotonic time the next write is due, if any
        self._remote: tuple[float | None, float | None] = (None, None)
        self._done_elsewhere: tuple[date, int] | None = None  # (a day, breaks done elsewhere)
        self._devices: list[Device] = []
        self._problems: dict[str, str] = {}  # "folder", "read", "write": what is wrong now
        self._told: set = set()  # problems already in the log
        self._folder: Path | None = None  # the folder the thread works on
        self._watch = None
        self._thread: threading.Thread | None = None
        self._woken = threading.Event()
        self._stopping = False
        self.on_news: Callable[[], None] = lambda: None  # the remote values changed
        self._name_stamp: int | None = None
        self._named = ""  # the name of this computer last put in the journal
        self._renamed()

    # --- for the daemon: quick, no I/O ------------------------------------------------------

    def remote(self) -> tuple[float | None, float | None]:
        """(the latest break on another computer, the latest input on another computer)."""
        return self._remote

    def done_elsewhere(self) -> tuple[date, int] | None:
        """(a local day, the breaks other computers logged as done that day), as last read."""
        return self._done_elsewhere

    def saw(self, wall: float, idle: float | None, locked: bool, away: bool) -> None:
        """What one look saw; news for the other computers is written within WRITE_EVERY."""
        wanted = self._setting()
        if not wanted:
            if self._folder is not None:
                self._wake()  # turned off: the thread leaves the folder
            return  # nothing to keep for nobody
        renamed = self._renamed()
        with self._lock:
            news = self._presence.saw(wall, idle, locked, away)
            if news and self._write_at is None:
                self._write_at = self._mono() + self._write_every
            if renamed:
                self._write_at = min(self._write_at or float("inf"), self._mono() + SOON)
        if renamed:
            self._wake()
        if self._thread is None:
            self.start(self.on_news)
        elif self._folder is None or Path(wanted) != self._folder:
            self._wake()  # the setting changed: the thread turns to the new folder

    def _renamed(self) -> bool:
        """Whether `glutewake sync name` changed the name since the last look (a stat)."""
        try:
            stamp = os.stat(syncfolder.name_file(self._identity_path)).st_mtime_ns
        except OSError:
            stamp = None
        renamed, self._name_stamp = stamp != self._name_stamp, stamp
        return renamed and self._thread is not None

    def recorded(self) -> None:
        """A journal event was written: the other computers get it within a second or two."""
        with self._lock:
            self._wrote_events = True
            self._write_at = min(self._write_at or float("inf"), self._mono() + SOON)
        self._wake()

    def devices(self) -> list[Device]:
        """The other computers: id, name, and when each last wrote."""
        return list(self._devices)

    def problems(self) -> list[str]:
        """A line for each thing sync cannot do now (a newer format, a clock ahead, ...)."""
        return list(self._problems.values()) + [
            line for d in self._devices for line in _device_problems(d)]

    @property
    def identity(self) -> Identity:
        return self._identity

    # --- the thread -------------------------------------------------------------------------

    def start(self, on_news: Callable[[], None]) -> None:
        """Start the thread when a folder is set (otherwise it starts when one is)."""
        self.on_news = on_news
        if self._thread is None and self._setting():
            self._thread = spawn("sync", self._run)

    def stop(self) -> None:
        """Write what is left (the `stopped` event) and end the thread."""
        self._stopping = True
        self._wake()
        if self._thread is not None:
            self._thread.join(30)

    def _wake(self) -> None:
        self._woken.set()
        if self._watch is not None:
            self._watch.wake()

    def _run(self) -> None:
        while True:
            try:
                if self._stopping:
                    if self._folder is not None:
                        self._write()
                    return
                self._follow_setting()
                self._step()
            except Exception:  # the thread must outlive any one failure
                log.exception("sync: a step failed; trying again")
                self._woken.wait(RETRY)
                self._woken.clear()

    def _step(self) -> None:
        """Wait for the next thing to do and do it."""
        if self._folder is None:  # off, or the folder cannot be made: wait for a change
            self._woken.wait(RETRY if self._setting() else None)
            self._woken.clear()
            return
        with self._lock:
            due = self._write_at
        timeout = None if due is None else max(0.0, due - self._mono())
        if self._watch is not None:
            changed = self._watch.wait(timeout)
        else:
            changed = self._woken.wait(timeout)
            self._woken.clear()
        if changed:
            self._read()
        with self._lock:
            due = self._write_at is not None and self._mono() >= self._write_at
        if due:
            self._write()

    def _follow_setting(self) -> None:
        """Set up (or leave) the folder [sync] names now."""
        wanted = self._setting()
        target = Path(wanted) if wanted else None
        if target == self._folder and (target is None or self._watch is not None):
            return
        self._close_watch()
        self._folder = None
        if target is None:
            self._devices, self._problems, self._remote = [], {}, (None, None)
            self._done_elsewhere = None
            return
        try:
            own = folder_of(target, self._identity.id)
            if not target.exists() and not target.parent.is_dir():
                raise FileNotFoundError(_("its parent folder {parent} does not exist",
                                          parent=target.parent))
            own.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self._say(_("sync folder {folder} cannot be used ({error}); create it or fix "
                        "[sync] folder", folder=target, error=err.strerror or err), "folder")
            return
        self._problems.pop("folder", None)
        self._folder = target
        self._watch, how = self._watcher(target, self._identity.id)
        log.info("sync: %s as computer %s (%s)", how, self._identity.id, self._identity.name)
        self._known = self._journal.synced_files()
        self._remote = self._journal.latest_from_others(BREAKS)
        self._unsealed = self._days_to_seal()
        self._read()
        with self._lock:
            self._write_at = self._mono()  # the first write: today and any day not there yet

    def _close_watch(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    # --- reading ----------------------------------------------------------------------------

    def _read(self) -> None:
        assert self._folder is not None
        now = self._wall()
        reading = syncfolder.read_folder(self._folder, self._identity.id, self._known, now)
        if syncfolder.cloned(self._identity, reading.own):
            self._new_identity()
            return
        if reading.events or reading.presence or reading.files or reading.devices:
            try:
                added = self._journal.merge(
                    reading.events, reading.presence,
                    [(d.id, d.name, d.seen) for d in reading.devices], reading.files)
            except Exception as err:  # sqlite3.Error, or a journal that cannot be opened
                self._say(_("sync: the journal cannot take the other computers' breaks now "
                            "({error}); they are read again later", error=err), "read")
                return
            self._problems.pop("read", None)
            self._known.update({path: (size, mtime) for path, size, mtime in reading.files})
            if added:
                log.info("sync: %d events from other computers added to the journal", added)
        for line in reading.skipped:
            self._say(line)
        self._devices = sorted(reading.devices, key=lambda d: (d.name, d.id))
        for device in self._devices:
            for line in _device_problems(device):
                self._say(line, key=(device.id, line[:12]))
        latest_break = max((row[2] for row in reading.events if row[5] in BREAKS),
                           default=None)
        latest_input = max((row[5] for row in reading.presence if row[5] is not None),
                           default=None)
        remote = (_later(self._remote[0], latest_break), _later(self._remote[1], latest_input))
        today = date.fromtimestamp(now)
        done = (today, self._journal.done_elsewhere(today)) if reading.events or (
            self._done_elsewhere is None or self._done_elsewhere[0] != today) else \
            self._done_elsewhere
        if remote != self._remote or done != self._done_elsewhere:
            self._remote, self._done_elsewhere = remote, done
            if not self._stopping:  # the daemon looks at once: the coach hears of it now
                self.on_news()

    # --- writing ----------------------------------------------------------------------------

    def _write(self) -> None:
        """Write today's file (and any day not written whole yet) and device.json."""
        folder = self._folder
        assert folder is not None
        with self._lock:
            intervals, _news = self._presence.take()
            self._wrote_events, self._write_at = False, None
            seq = self._presence.reserve()
        try:
            if intervals:
                self._journal.save_presence([syncfolder.interval_row(i) for i in intervals])
            today = utc_day(self._wall())
            days = sorted(self._unsealed | {today})
            if syncfolder.cloned(self._identity, syncfolder.own_files(folder, self._identity.id)):
                self._new_identity()
                return
            identity = self._identity
            identity.name = syncfolder.chosen_name(self._identity_path) or identity.name
            identity.seq, identity.stamp = seq, syncfolder.new_stamp()
            identity.save(self._identity_path)  # first: our own count is never behind the folder
            own = folder_of(folder, identity.id)
            if not folder.is_dir():  # unmounted, or removed: never made again elsewhere
                raise FileNotFoundError(2, _("it is not there"), str(folder))
            own.mkdir(parents=True, exist_ok=True)
            if not (own / syncfolder.DEVICE_FILE).exists():
                # our folder is new, or was removed (`glutewake sync forget` elsewhere): all of
                # our history goes in again
                days = sorted(set(days) | self._days_to_seal())
            for day in days:
                events, presence = self._journal.own_day(day)
                if day < today and not events and not presence:
                    continue
                syncfolder.write_atomic(own / f"{day_name(day)}.jsonl", syncfolder.day_file(
                    identity.id, day, events, presence, sealed=day < today))
            syncfolder.write_atomic(own / syncfolder.DEVICE_FILE,
                                    syncfolder.device_json(identity, self._wall()))
        except OSError as err:
            self._say(_("sync: cannot write to {folder} ({error}); trying again in a few "
                        "minutes", folder=folder, error=err.strerror or err), "write")
            with self._lock:
                self._write_at = self._mono() + RETRY
            return
        except Exception as err:  # the journal could not be read: try again later
            self._say(_("sync: the journal cannot be read now ({error}); trying again in a few "
                        "minutes", error=err), "write")
            with self._lock:
                self._write_at = self._mono() + RETRY
            return
        self._unsealed = {today}  # written sealed now, or today: rewritten at the next write
        if identity.name != self._named:  # this computer's name, for the views of the journal
            try:
                self._journal.merge([], [], [("", identity.name, None)], [])
                self._named = identity.name
            except Exception as err:  # sqlite3.Error: the name waits for the next write
                log.warning("sync: this computer's name not in the journal (%s)", err)
        if self._problems.pop("write", None):
            self._report(_("sync: writing to {folder} works again", folder=folder))

    def _days_to_seal(self) -> set[int]:
        """Past days of ours whose file in the folder is missing or not whole."""
        assert self._folder is not None
        own = folder_of(self._folder, self._identity.id)
        today = utc_day(self._wall())
        return {day for day, counts in self._journal.own_days().items()
                if day < today and syncfolder.seal_of(own / f"{day_name(day)}.jsonl") != counts}

    def _new_identity(self) -> None:
        """Someone else writes as us (a cloned disk or virtual machine): take a new id, keep
        the name, and write all of our history under it."""
        old = self._identity
        self._identity = Identity.new(old.name, old.seq)
        self._report(_("sync: another computer writes to the synced folder as this one ({id}), "
                       "a cloned disk or virtual machine perhaps; this computer is {new} from now "
                       "on", id=old.id[:8], new=self._identity.id[:8]))
        self._close_watch()
        self._folder = None  # set up again under the new id: every day of ours written anew
        try:
            self._identity.save(self._identity_path)
        except OSError as err:
            self._say(_("sync: cannot save this computer's new id in {path} ({error})",
                        path=self._identity_path, error=err.strerror or err), "write")

    # --- telling ----------------------------------------------------------------------------

    def _say(self, line: str, area: str | None = None, key=None) -> None:
        """A problem in the log once (once per `key` when given); one of an `area` also in
        `glutewake status` until that area works again."""
        if area is not None:
            self._problems[area] = line
        key = line if key is None else key
        if key not in self._told:
            self._told.add(key)
            self._report(line)


def _device_problems(device: Device) -> list[str]:
    found = [device.problem] if device.problem else []
    if device.ahead:
        found.append(phrases.clock_ahead(device.name, device.ahead))
    return found


def _later(first: float | None, second: float | None) -> float | None:
    return second if first is None else first if second is None else max(first, second)
