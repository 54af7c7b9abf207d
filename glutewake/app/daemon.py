"""The running glutewake: owns the threads, feeds the coach under one lock, carries out effects.

Threads: the look loop wakes when the coach next needs a look (a reminder due, a heads-up, a
pause ending, an idle spell turning into a break) and at least every `tick` seconds; the control
server answers CLI commands; the tray, the notification server's signals and logind's hand
commands and observations in. All of them go through one lock, so the coach has one owner.

The loop waits on the monotonic clock: a wall clock set back or forward never delays a look.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from ..core import commands, config, phrases
from ..core.coach import (Answer, Coach, GuideDone, Guiding, HeadsUp, Observation, Remind, Status,
                          Withdraw)
from ..core.commands import Command, Quit, Reconfigure, Reload, ShowStatus, Stop
from ..core.errors import UserError
from ..core.events import Hold, Kind, Phase, Record
from ..core.ports import HoldSource, IdleSource, InhibitorSource, Notifier, Store
from ..store import stats
from . import paths

if TYPE_CHECKING:
    from .sync import Sync

log = logging.getLogger(__name__)

# The longest the daemon goes without looking. The coach asks for an earlier look whenever a
# reminder, a heads-up, the end of a pause, a guide step or an idle spell turning into a natural
# break is due sooner, logind says at once when the screen locks or the machine sleeps, and
# `glutewake config` says when it changed the settings; so this only bounds how late a return to
# the desk shows in the tray (the time it credits is exact: the idle time says when input came
# back) and how late a settings edit made in an editor applies.
TICK = 120.0
SHORTEST_WAIT = 0.2


def utc_offset(wall: float) -> float:
    """Seconds east of UTC on this machine at `wall` (daylight saving time included)."""
    offset = datetime.fromtimestamp(wall).astimezone().utcoffset()
    return offset.total_seconds() if offset else 0.0


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
            self.settings = config.build({}, path)

    @property
    def problem(self) -> str:
        """The error in words for `status`; "" when the file is fine."""
        return "" if self.error is None else str(self.error)

    def _read(self) -> tuple:
        """(mode, bytes or the reason there are none); (None, None) when there is no file."""
        try:
            mode = os.stat(self.path).st_mode
        except OSError:
            return None, None
        try:
            return mode, config.read_bytes(self.path)
        except UserError as err:
            return mode, err

    def _load(self, seen: tuple) -> config.Settings:
        if isinstance(seen[1], UserError):
            raise seen[1]
        try:
            return config.load(self.path, seen[1] or b"")
        except UserError:
            raise
        except Exception as err:  # whatever a file can do to a reader is a settings error
            log.exception("reading %s failed", self.path)
            raise UserError(str(self.path), phrases.settings_unreadable(err)) from None

    def changed(self) -> config.Settings | None:
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
        i18n.setup(self.settings.language)  # a new [ui] language applies at once
        self._report(phrases.settings_reloaded(self.path))
        return self.settings


@dataclass
class Parts:
    """The outside systems the daemon talks to, chosen by the caller."""

    notifier: Notifier
    idle: IdleSource | None = None
    locked: Callable[[], bool] = lambda: False
    holds: HoldSource | None = None  # do-not-disturb, full screen, calls, meetings
    inhibitors: InhibitorSource | None = None  # who keeps the desktop from idling (a film)
    sync: Sync | None = None  # the person's other computers, through a synced folder


class Daemon:
    def __init__(self, settings: SettingsFile, journal: Store, parts: Parts,
                 report: Callable[[str], None], wall: Callable[[], float] = time.time,
                 mono: Callable[[], float] = time.monotonic, tick: float = TICK):
        self.settings = settings
        self.tick_every = tick  # the safety poll; tests shorten it
        self.journal = journal
        self.parts = parts
        self.report = report
        self._wall, self._mono = wall, mono
        self._lock = threading.Lock()  # every look and command goes through it, one at a time
        past = stats.past(journal.read, settings.settings.catalog,
                          datetime.fromtimestamp(wall()).date())
        self.coach = Coach(settings.settings, past)
        self.stopping = threading.Event()
        self.on_change: list[Callable[[Status], None]] = []  # e.g. the tray redraw
        self.tray_name = "none"
        self._requests = threading.Lock()  # a request and its retry, one after the other
        self._answered: dict[str, dict] = {}  # request id -> reply, the last 64
        self._loop: threading.Thread | None = None
        self._replan = threading.Event()
        self._control = None
        self._last_look = mono()
        self._told_bad_saves = 0
        self.inhibitor: str | None = None  # who kept the desktop from idling at the last look

    # --- looking and acting, always under the lock ---

    def _observe(self) -> None:
        new = self.settings.changed()  # a stat: cheap enough for every look
        if new is not None:
            self._apply(self.coach.command(Reconfigure(new)))
        if self.settings.bad_saves != self._told_bad_saves and self.settings.error is not None:
            self._told_bad_saves = self.settings.bad_saves
            self._notify("tell", phrases.SETTINGS_NOT_APPLIED,
                         phrases.settings_problem(self.settings.error))
        idle = self.parts.idle.idle_seconds() if self.parts.idle else None
        # Idle nearing a natural break: a call or an idle inhibitor (a film) would make it sitting.
        # Once away, nothing is asked until input comes back: a night costs no questions.
        away = self.coach.away
        idling = (not away and idle is not None
                  and idle + self.tick_every + 1 >= self.coach.settings.natural_break)
        wall = self._wall()
        self.inhibitor = self._inhibitor() if idling else None
        sync = self.parts.sync
        obs = Observation(wall, self._mono(), idle, self._locked(), self._hold(idling, away),
                          utc_offset(wall), self.inhibitor,
                          *(sync.remote() if sync is not None else (None, None)))
        self._apply(self.coach.observe(obs))
        if sync is not None:
            sync.saw(wall, idle, obs.locked, self.coach.away)

    def _hold(self, idling: bool, away: bool) -> Hold | None:
        """Whether the desktop says reminders must wait. Asked only when something could fire
        before the next look, or idle time could turn into a break: the detectors cost more than
        the rest of a look."""
        if self.parts.holds is not None and not away and (
                idling or self.coach.soon(self.tick_every + 1)):
            return self.parts.holds.hold(self.coach.settings)
        return None

    def _inhibitor(self) -> str | None:
        if self.parts.inhibitors is None or not self.coach.settings.idle_inhibitors:
            return None
        try:
            return self.parts.inhibitors.inhibitor()
        except Exception as err:  # an adapter must never stop a look
            log.warning("idle inhibitors unknown (%s)", err)
            return None

    def _locked(self) -> bool:
        try:
            return self.parts.locked()
        except Exception as err:
            log.warning("lock state unknown (%s)", err)
            return False

    def _apply(self, effects) -> Answer | None:
        answer = None
        for effect in effects:
            if isinstance(effect, Record):
                self.journal.record(effect)
                if self.parts.sync is not None:
                    self.parts.sync.recorded()
                if effect.kind is Kind.LEVEL_UP:
                    self.report(phrases.level_up(effect.level or 1))
            elif isinstance(effect, (Remind, HeadsUp, Guiding, GuideDone)):
                self._notify("show", effect)
            elif isinstance(effect, Withdraw):
                self._notify("withdraw")
            elif isinstance(effect, Answer):
                answer = effect
        return answer

    def _announce(self) -> None:
        """Tell listeners (the tray) the status after every look, outside the lock: a tray
        toolkit may wait for its own thread, which may be waiting for this lock."""
        if not self.on_change:
            return
        status = self.snapshot()
        for listener in self.on_change:
            try:
                listener(status)
            except Exception:
                log.exception("a status listener failed")

    def _notify(self, action: str, *args) -> None:
        try:
            getattr(self.parts.notifier, action)(*args)
        except Exception as err:  # a notifier must never take the daemon down
            self.report(phrases.notification_failed(self.parts.notifier.name, err))

    def tick(self) -> None:
        with self._lock:
            self._observe()
            if self.journal.pending:
                self.journal.flush()
            self._last_look = self._mono()
        self._announce()

    def look_now(self) -> None:
        """Something changed outside (screen locked, machine waking): look at once."""
        self.tick()
        self._reschedule()

    def now(self) -> float:
        return self._wall()

    def snapshot(self) -> Status:
        with self._lock:
            return self.coach.status()

    def run(self, command: Command) -> tuple[bool, str]:
        """Carry out a person's command from any thread (tray, notification, control channel):
        whether it was done, and the reply in words."""
        if isinstance(command, Quit):
            self.stopping.set()
            return True, phrases.STOPPING
        if isinstance(command, Reload):
            self.look_now()
            return True, phrases.SETTINGS_CHECKED
        if isinstance(command, ShowStatus):
            return True, phrases.status_line(self.snapshot(), self._wall())
        with self._lock:
            self._observe()
            answer = self._apply(self.coach.command(command))
        self._announce()
        self._reschedule()
        assert answer is not None
        return answer.ok, phrases.answer(answer, self._wall())

    def status(self) -> dict:
        with self._lock:
            self._observe()
            status = self.coach.status()
        now = self._wall()
        return {
            "pid": os.getpid(),
            "line": phrases.status_line(status, now),
            "phase": status.phase.value,
            "sitting": round(status.sitting),
            "due_in": round(status.due_in),
            "exercise": status.exercise.summary,
            "exercise_id": status.exercise.id,
            "done_today": status.done_today,
            "goal": status.goal,
            "today": phrases.today(status.done_today, status.goal),
            "idle_source": self.parts.idle.name if self.parts.idle else "none",
            "idle_state": self._idle_state(now),
            "inhibitor": self.inhibitor,
            "notifier": self.parts.notifier.name,
            "notifier_state": getattr(self.parts.notifier, "state", lambda: "ok")(),
            "detector_problems": self._problems(),
            "tray": self.tray_name,
            "config": str(self.settings.path),
            "journal": str(self.journal.path),
            "journal_waiting": self.journal.pending,
            "journal_problem": self.journal.trouble,
            "log": str(paths.log_file()),
            # for `status --json` (documented in the README; keep these stable)
            "next_due": None if status.phase in (Phase.PAUSED, Phase.AWAY, Phase.GUIDING)
            else datetime.fromtimestamp(now + status.due_in).astimezone().isoformat(
                timespec="seconds"),
            "hold": None if status.hold is None else {
                "reason": status.hold.reason.value, "source": status.hold.source,
                "text": phrases.hold(status.hold, now),
                "since": None if status.hold_since is None else datetime.fromtimestamp(
                    status.hold_since).astimezone().isoformat(timespec="seconds"),
                "until": None if status.hold.until is None else datetime.fromtimestamp(
                    status.hold.until).astimezone().isoformat(timespec="seconds")},
            "paused_until": None if status.paused_until in (None, float("inf"))
            else datetime.fromtimestamp(status.paused_until).astimezone().isoformat(
                timespec="seconds"),
            "settings_error": self.settings.problem,
            **self._sync_status(),
        }

    def _sync_status(self) -> dict:
        """The other computers, for `status`: each one's id, name and when it last wrote, what
        sync cannot do now, and what the coach is told of them."""
        sync = self.parts.sync
        if sync is None:
            return {"devices": [], "sync_problems": [], "remote_break": None,
                    "remote_input": None}
        moments = [None if wall is None else datetime.fromtimestamp(wall).astimezone().isoformat(
            timespec="seconds") for wall in sync.remote()]
        return {"devices": sync.devices(), "sync_problems": sync.problems(),
                "remote_break": moments[0], "remote_input": moments[1]}

    def _problems(self) -> list[str]:
        """A line for each meeting, quiet or inhibitor source that cannot read now."""
        found = list(getattr(self.parts.holds, "problems", list)())
        if self.parts.inhibitors is not None and self.parts.inhibitors.problem:
            found.append(self.parts.inhibitors.problem)
        return found

    def _idle_state(self, now: float) -> str:
        """"answering", "unknown since 10:05" (the source stopped answering), or "none"."""
        source = self.parts.idle
        if source is None:
            return "none"
        return phrases.source_state(getattr(source, "unknown_since", None), now)

    # --- the control channel ---

    def handle(self, request: dict) -> dict:
        """A request from the control socket. One with an id seen before (a retry after a
        time-out) gets the first answer again instead of being carried out twice."""
        ident = request.get("id")
        if not (isinstance(ident, str) and 0 < len(ident) <= 64):
            ident = None
        with self._requests:
            if ident in self._answered:
                return self._answered[ident]
            reply = self._carry_out(request)
            if ident is not None:
                self._answered[ident] = reply
                while len(self._answered) > 64:
                    self._answered.pop(next(iter(self._answered)))
        return reply

    def _carry_out(self, request: dict) -> dict:
        try:
            command = commands.from_wire(request)
        except UserError as err:
            return {"ok": False, "text": str(err), "usage": True}
        if isinstance(command, ShowStatus):
            return {"ok": True, "status": self.status()}
        ok, text = self.run(command)
        return {"ok": ok, "text": text}

    # --- life cycle ---

    def start(self) -> None:
        from .control import ControlServer

        with self._lock:
            self._observe()  # journals "started"
        self._control = ControlServer(self.handle)
        self._control.start()
        if self.parts.sync is not None:
            self.parts.sync.start(self.look_now)
        self._loop = threading.Thread(target=self._look_loop, name="looks", daemon=True)
        self._loop.start()

    def _look_loop(self) -> None:
        """Look when the coach asks, or after `tick` seconds without a look. A command or an
        outside change wakes the loop to plan again: it looked already, under the lock."""
        while not self.stopping.wait(0):
            safety = self.tick_every - (self._mono() - self._last_look)
            wanted = self._next_wait()
            # one look where two would come within a second: the coach's moment and the tick
            wait = wanted if wanted <= safety + 1.0 else safety
            replanned = self._replan.wait(max(0.0, wait))
            self._replan.clear()
            if self.stopping.is_set():
                return
            if replanned and self._mono() - self._last_look < self.tick_every:
                continue
            try:
                self.tick()
            except Exception:  # the loop must outlive any one look
                log.exception("a look failed; the next one comes as planned")

    def _next_wait(self) -> float:
        """Seconds until the next look: when the coach needs one, and at least every `tick`."""
        with self._lock:
            wanted = self.coach.wake_in()
        # a little after the moment, so the look finds it reached
        wait = self.tick_every if wanted is None else min(self.tick_every, wanted + 0.05)
        return max(SHORTEST_WAIT, wait)

    def _reschedule(self) -> None:
        self._replan.set()

    def shutdown(self) -> None:
        """Journal `stopped`, take the reminder down, and release everything."""
        self.stopping.set()
        self._replan.set()
        if self._loop is not None:
            self._loop.join(10)
        if self._control is not None:
            self._control.close()
        with self._lock:
            self._observe()
            self._apply(self.coach.command(Stop()))
        if self.parts.sync is not None:
            self.parts.sync.stop()  # writes the `stopped` event for the other computers
        self.journal.close()
