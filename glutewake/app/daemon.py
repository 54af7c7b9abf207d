"""The running glutewake: owns the threads, feeds the coach, carries out effects.

Threads: the look loop wakes when the coach next needs a look (a reminder due, a heads-up, a
pause ending, an idle spell turning into a break) and at least every `tick` seconds; the control
server answers CLI commands; the tray, the notification server's signals and logind's hand
commands and observations in.

Every look and every command takes one turn (`_turn`, one at a time): it gathers an observation
from the desktop (the settings file, idle time, locks, detectors: all the slow questions),
applies the observation and the command to the coach under `_lock`, which guards nothing but the
coach and is never held across I/O, and then carries out the effects (journal, notifications).
Status readers (the tray, D-Bus properties) take only `_lock`, so a slow sound server or a busy
journal never keeps them waiting.

The loop waits on the monotonic clock: a wall clock set back or forward never delays a look.

Every thread starts through glutewake.threads.spawn, under one of these names (a test compares
this table with the threads of a running daemon):

| thread | started by | what it does |
| --- | --- | --- |
| MainThread | the interpreter | the tray's event loop (darwin insists), or waits for the stop |
| looks | daemon | looks when the coach asks, or at the safety tick |
| control | app/control.py | accepts command-line clients on the private socket |
| control-client | app/control.py | one per client, each with its deadline |
| dbus-session | desktop/bus.py | reads the session bus |
| dbus-session-work | desktop/bus.py | runs its method calls and signals off the reader |
| dbus-system | desktop/bus.py | reads the system bus (logind) |
| dbus-system-work | desktop/bus.py | runs its signals off the reader |
| dbus-properties | desktop/service.py | sends a PropertiesChanged held back to once a second |
| tray-painter | desktop/tray.py | redraws pystray's icon off the toolkit's thread |
| tray-stop | app/runner.py | ends the tray's loop when the daemon stops |
| wayland-idle | desktop/wayland.py | reads the Wayland compositor's idle events |
| calendars | desktop/quiet/calendar.py | reads and lays out calendars, through child processes |
| microphone | desktop/quiet/microphone.py | keeps the sound server's news of recording streams |
| sync | app/sync.py | writes this computer's files to the synced folder, reads the others' |
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from ..core import commands
from ..core.coach import Coach
from ..core.commands import CoachCommand, Command, Quit, Reconfigure, Reload, ShowStatus, Stop
from ..core.config import Settings
from ..core.effects import Answer, GuideDone, Guiding, HeadsUp, Remind, Status, Withdraw
from ..core.errors import UserError
from ..core.events import Busy, Hold, Kind, Phase, Record
from ..core.inputs import Observation
from ..core.ports import HoldSource, IdleSource, InhibitorSource, Notifier, Store
from ..core.view import Other, Problem, View, answer_to_wire
from ..i18n import problem, where_and_what
from ..store import pattern, stats
from ..threads import spawn
from ..words import phrases
from . import paths
from .notice import HealthNotice
from .settings_file import SettingsFile

if TYPE_CHECKING:
    from .control import ControlServer
    from .sync import Sync

log = logging.getLogger(__name__)
Args = ParamSpec("Args")
T = TypeVar("T")  # what a question to the hold detectors answers

# The longest the daemon goes without looking. The coach asks for an earlier look whenever a
# reminder, a heads-up, the end of a pause, a guide step or an idle spell turning into a natural
# break is due sooner, logind says at once when the screen locks or the machine sleeps, and
# `glutewake config` says when it changed the settings; so this only bounds how late a return to
# the desk shows in the tray (the time it credits is exact: the idle time says when input came
# back) and how late a settings edit made in an editor applies.
TICK = 120.0
SHORTEST_WAIT = 0.2
# While events the journal could not take wait in a spill file (another program holding its lock,
# a full disk), they are tried again after RETRY seconds, then after twice as long each time, up
# to LONGEST_RETRY: a lock held for a moment is over within seconds, a full disk costs little.
RETRY = 1.0
LONGEST_RETRY = 8.0


def _read_text(path: Path | None) -> str | None:
    try:
        return path.read_text("utf-8").strip() if path else None
    except (OSError, UnicodeDecodeError):
        return None


def utc_offset(wall: float) -> float:
    """Seconds east of UTC on this machine at `wall` (daylight saving time included)."""
    offset = datetime.fromtimestamp(wall).astimezone().utcoffset()
    return offset.total_seconds() if offset else 0.0


def never_locked() -> bool:
    """The lock state where nothing tells it (no logind): the wall-clock gap still sees sleep."""
    return False


@dataclass
class Parts:
    """The outside systems the daemon talks to, chosen by the caller."""

    notifier: Notifier
    idle: IdleSource | None = None
    locked: Callable[[], bool] = never_locked
    holds: HoldSource | None = None  # do-not-disturb, full screen, calls, meetings
    inhibitors: InhibitorSource | None = None  # who keeps the desktop from idling (a film)
    sync: Sync | None = None  # the person's other computers, through a synced folder


class Daemon:
    def __init__(self, settings: SettingsFile, journal: Store, parts: Parts,
                 report: Callable[[str], None], wall: Callable[[], float] = time.time,
                 mono: Callable[[], float] = time.monotonic, tick: float = TICK,
                 weekly: Path | None = None, notice: HealthNotice | None = None):
        self.settings = settings
        self.tick_every = tick  # the safety poll; tests shorten it
        self.journal = journal
        self.parts = parts
        self.report = report
        self._wall, self._mono = wall, mono
        self._turn = threading.RLock()  # one look or command at a time: gather, apply, carry out
        self._lock = threading.Lock()  # the coach's own: held to apply or read it, never for I/O
        started = wall()
        past = stats.past(journal.read, settings.settings.catalog,
                          datetime.fromtimestamp(started).date(), started)
        self.coach = Coach(settings.settings, past)
        self.stopping = threading.Event()
        self.on_change: list[Callable[[View], None]] = []  # e.g. the tray redraw
        self.tray_name = "none"
        self._requests = threading.Lock()  # a request and its retry, one after the other
        self._answered: dict[str, dict] = {}  # request id -> reply, the last 64
        self._loop: threading.Thread | None = None
        self._replan = threading.Event()
        self._control: ControlServer | None = None
        self._last_look = mono()
        self._told_bad_saves = 0
        self._retry = RETRY  # seconds to the next try of events the journal did not take yet
        self.inhibitor: str | None = None  # who kept the desktop from idling at the last look
        self._weekly = weekly  # remembers the week last summed up; None: no weekly summary
        self._summarised = _read_text(weekly)
        self.notice = notice  # told with the first reminder, if not yet; None: never

    # --- a turn: gather outside the coach's lock, apply under it, carry out after ---

    def _gather(self) -> tuple[Settings | None, Observation]:
        """New settings, if the file changed, and an observation of the desktop now. Only the
        questions the coach's state makes worth asking are asked (read under the lock)."""
        new = self.settings.changed()  # a stat and a small read: cheap enough for every look
        if self.settings.bad_saves != self._told_bad_saves and self.settings.error is not None:
            self._told_bad_saves = self.settings.bad_saves
            self._notify(self.parts.notifier.tell, phrases.SETTINGS_NOT_APPLIED,
                         phrases.settings_problem(self.settings.error))
        with self._lock:
            away = self.coach.away
            settings = new or self.coach.settings
            soon = self.coach.soon(self.tick_every + 1)
            planning = self.coach.wants_the_calendar()
        idle = self.parts.idle.idle_seconds() if self.parts.idle else None
        # Idle nearing a natural break: a call or an idle inhibitor (a film) would make it sitting.
        # Once away, nothing is asked until input comes back: a night costs no questions.
        idling = (not away and idle is not None
                  and idle + self.tick_every + 1 >= settings.breaks.natural_break)
        self.inhibitor = self._inhibitor(settings) if idling else None
        hold = self._hold(settings) if not away and (idling or soon) else None
        next_busy = self._next_busy(settings) if planning and not away else None
        wall = self._wall()
        sync = self.parts.sync
        remote = sync.remote() if sync is not None else (None, None)
        return new, Observation(wall, self._mono(), idle, self._locked(), hold, utc_offset(wall),
                                self.inhibitor, *remote, next_busy=next_busy,
                                done_elsewhere=sync.done_elsewhere() if sync else None)

    def _step(self, command: CoachCommand | None = None) -> list:
        """One turn: look, apply the look (and `command`) to the coach, carry out the effects.
        Returns the effects."""
        with self._turn:
            new, obs = self._gather()
            with self._lock:
                effects = [] if new is None else self.coach.command(Reconfigure(new))
                effects += self.coach.observe(obs)
                if command is not None:
                    effects += self.coach.command(command)
                away = self.coach.away
            if self.parts.sync is not None:  # where the person is, for the other computers
                self.parts.sync.saw(obs.wall, obs.idle, obs.locked, away)
            self._apply(effects)
            self._write_waiting()
            self._last_look = self._mono()
        return effects

    def _hold(self, settings: Settings) -> Hold | None:
        """Whether the desktop says reminders must wait. Asked only when something could fire
        before the next look, or idle time could turn into a break: the detectors cost more than
        the rest of a look."""
        return self._ask_holds(lambda holds: holds.hold(settings), "quiet detectors unknown")

    def _next_busy(self, settings: Settings) -> Busy | None:
        return self._ask_holds(lambda holds: holds.next_busy(settings),
                               "the next meeting is unknown")

    def _ask_holds(self, question: Callable[[HoldSource], T], unknown: str) -> T | None:
        """The detectors' answer to `question`, or None (logged as `unknown`) when there are
        none or they fail: an adapter must never stop a look."""
        if self.parts.holds is None:
            return None
        try:
            return question(self.parts.holds)
        except Exception as err:
            log.warning("%s (%s)", unknown, err)
            return None

    def _inhibitor(self, settings: Settings) -> str | None:
        if self.parts.inhibitors is None or not settings.breaks.idle_inhibitors:
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
                self._notify(self.parts.notifier.show, effect)
                if (isinstance(effect, Remind) and self.notice is not None
                        and self.notice.with_reminder()):
                    self._notify(self.parts.notifier.tell, phrases.health_notice_title(),
                                 phrases.health_notice())
            elif isinstance(effect, Withdraw):
                self._notify(self.parts.notifier.withdraw)
            elif isinstance(effect, Answer):
                answer = effect
        return answer

    def _announce(self) -> None:
        """Tell listeners (the tray) the status after every look, outside the lock: a tray
        toolkit may wait for its own thread, which may be waiting for this lock."""
        if not self.on_change:
            return
        view = self.current_view()
        for listener in self.on_change:
            try:
                listener(view)
            except Exception:
                log.exception("a status listener failed")

    def _notify(self, action: Callable[Args, None], *args: Args.args,
                **kwargs: Args.kwargs) -> None:
        """`action`: a method of the notifier."""
        try:
            action(*args, **kwargs)
        except Exception as err:  # a notifier must never take the daemon down
            self.report(phrases.notification_failed(self.parts.notifier.name, err))

    def tick(self) -> None:
        self._step()
        self._announce()
        self._weekly_summary()

    def _weekly_summary(self) -> None:
        """Last week's sitting pattern against the week before, on the first look at the desk
        in a new week, once ([goals] weekly_summary)."""
        today = datetime.fromtimestamp(self._wall()).date()
        if self._weekly is None or pattern.week_key(today) == self._summarised:
            return  # a string compare on every other look
        with self._lock:
            status = self.coach.status()
            wanted = self.coach.settings.goals.weekly_summary
        last = pattern.summary_due(today, status.phase is Phase.SITTING and status.hold is None,
                                   self._summarised)
        if last is None:
            return
        self._summarised = pattern.week_key(today)  # off, or a week without sitting: no word
        found = wanted and pattern.measure(self.journal.read, last - timedelta(days=6), last)
        if found and found.this_week.measures.bouts:
            self._notify(self.parts.notifier.tell, phrases.weekly_summary_title(),
                         phrases.weekly_summary_body(found.this_week.first, last,
                                                     found.this_week.measures,
                                                     found.week_before.measures))
        try:
            self._weekly.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._weekly.write_text(self._summarised, "utf-8")
        except OSError as err:  # told once this run all the same
            log.warning("cannot write %s (%s)", self._weekly, err)

    def _write_waiting(self) -> None:
        """Events acknowledged while the journal could not take them go in now if they can.
        Outside the lock: the journal may wait half a second for another program's lock, and
        a command need not wait with it."""
        if not self.journal.pending or self.journal.flush():
            self._retry = RETRY
        else:
            self._retry = min(LONGEST_RETRY, self._retry * 2)

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
        answer = self.answer(command)
        return answer.ok, phrases.answer(answer, self._wall())

    def answer(self, command: CoachCommand) -> Answer:
        """Carry out a command for the coach; its typed answer."""
        answer = next(e for e in self._step(command) if isinstance(e, Answer))
        self._notify(self.parts.notifier.answered, phrases.answer(answer, self._wall()))
        self._announce()
        self._reschedule()
        return answer

    def view(self) -> View:
        """The status view after a fresh look."""
        self._step()
        return self.current_view()

    def current_view(self) -> View:
        """The status view as of the last look: the coach's status and what the daemon knows of
        its parts. Every status shown anywhere (tray, `status`, D-Bus) is rendered from one."""
        error = self.settings.error
        return View(
            self.snapshot(), self._wall(), os.getpid(),
            self.parts.idle.name if self.parts.idle else "none",
            self.parts.idle.unknown_since if self.parts.idle else None, self.inhibitor,
            self.parts.notifier.name, self.parts.notifier.state() == "missing",
            tuple(self._problems()), self.tray_name,
            None if error is None else Problem(*where_and_what(error)),
            str(self.settings.path), str(self.journal.path), self.journal.pending,
            self.journal.trouble, str(paths.log_file()), *self._others())

    def _others(self) -> tuple:
        """What the view says of the other computers ([sync]): each one's id, name and when it
        last wrote, what sync cannot do now, and the latest break and input the coach is told."""
        sync = self.parts.sync
        if sync is None:
            return (), (), None, None
        return (tuple(Other(d.id, d.name, d.seen) for d in sync.devices()),
                tuple(sync.problems()), *sync.remote())

    def _problems(self) -> list[str]:
        """A line for each meeting, quiet or inhibitor source that cannot read now."""
        found = [] if self.parts.holds is None else list(self.parts.holds.problems())
        if self.parts.inhibitors is not None and self.parts.inhibitors.problem:
            found.append(self.parts.inhibitors.problem)
        return found

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
            return {"ok": False, "text": problem(err), "usage": True}
        if isinstance(command, ShowStatus):
            return {"ok": True, "status": self.view().to_wire()}
        if isinstance(command, (Quit, Reload)):
            ok, text = self.run(command)
            return {"ok": ok, "text": text}
        answer = self.answer(command)
        # the words in the daemon's language, and the facts for the command line to word in its
        return {"ok": answer.ok, "text": phrases.answer(answer, self._wall()),
                "answer": answer_to_wire(answer)}

    # --- life cycle ---

    def start(self) -> None:
        from .control import ControlServer

        self._step()  # journals "started"
        self._control = ControlServer(self.handle)
        self._control.start()
        if self.parts.sync is not None:
            self.parts.sync.start(self.look_now)
        self._loop = spawn("looks", self._look_loop)

    def _look_loop(self) -> None:
        """Look when the coach asks, or after `tick` seconds without a look. A command or an
        outside change wakes the loop to plan again: it looked already, in its own turn."""
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
        if self.journal.pending:  # events wait for the journal: no longer than the retry
            wait = min(wait, self._retry)
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
        self._step(Stop())
        if self.parts.sync is not None:
            self.parts.sync.stop()  # writes the `stopped` event for the other computers
        self.journal.close()
