"""Ways to show a reminder, each a `ports.Notifier`: `show(note)` and `withdraw()`.

`FallbackNotifier` tries its notifiers in order, so a notification server that dies is replaced
by the next way at once; a way that failed is tried again once `retry` has passed (the daemon's
safety look, two minutes), and used from then on when it works. On Linux the first choice speaks
org.freedesktop.Notifications over D-Bus (buttons, replacing, closing); plyer serves Windows and
macOS and is the Linux fallback; a console line is the last resort.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import warnings
from collections.abc import Callable
from typing import TextIO

from ..core.effects import GuideDone, Guiding, HeadsUp, Note, Remind
from ..core.ports import Notifier
from ..i18n import N_, _
from ..words import moves
from ..words.phrases import (
    answer_hint,
    answer_hint_no_buttons,
    guide_body,
    guide_done_body,
    guide_done_title,
    guide_title,
    heads_up_body,
    heads_up_title,
    labelled,
    part_name,
    reminder_body,
    reminder_lesson,
    reminder_nudge,
    reminder_title,
)
from ..words.times import humanize

log = logging.getLogger(__name__)


def title(note: Note) -> str:
    if isinstance(note, Remind):
        return reminder_title(note)
    if isinstance(note, Guiding):
        return guide_title(note)
    if isinstance(note, GuideDone):
        return guide_done_title(note)
    return heads_up_title(note)


def body(note: Note) -> str:
    """The text for a notifier without buttons: it says how to answer."""
    if isinstance(note, Remind):
        return f"{reminder_body(note)}\n{answer_hint()}"
    if isinstance(note, Guiding):
        return guide_body(note)
    if isinstance(note, GuideDone):
        return _("{text} (`glutewake rate easy`, `rate hard` or `rate pain`)",
                 text=guide_done_body(note))
    return f"{heads_up_body(note)}\n" + _("`glutewake snooze` puts it off")


def picture(note: Note) -> str:
    """The exercise's key frame for this moment, as a file path ("" when there is none)."""
    exercise = getattr(note, "exercise", None)
    if exercise is None:
        return ""
    try:
        from .. import pictures
    except ImportError:
        return ""
    frames = pictures.frames(exercise.id)
    frame = note.where.step.frame if isinstance(note, Guiding) and note.where.step else 0
    return str(frames[min(frame, len(frames) - 1)]) if frames else ""


class ConsoleNotifier(Notifier):
    """Plain lines on a terminal: the console mode, and the last resort everywhere."""

    # TRANSLATORS: how reminders are shown, in `glutewake status`: printed in the terminal
    name = N_("console")  # the names stay English in status --json and the log

    def __init__(self, out: TextIO | None = None):
        self._out = out
        self._step: int | None = None  # the guide step printed last: one line per step
        self._lesson: str | None = None  # the exercise whose whole lesson was printed last

    def show(self, note: Note) -> None:
        if isinstance(note, Guiding):
            if note.where.index == self._step and not note.paused:
                return
            self._step = note.where.index
        if isinstance(note, Remind) and note.exercise.id == self._lesson:
            self._line(f"{reminder_nudge(note)} · {answer_hint()}")  # the lesson is up there
            return
        stamp = time.strftime("%H:%M")
        indent = " " * (len(stamp) + 3)
        if isinstance(note, Remind):
            text, self._lesson = f"{reminder_lesson(note)}\n{answer_hint()}", note.exercise.id
        else:
            text = body(note)
        lines = [f"[{stamp}] {title(note)}"] + [indent + line for line in text.splitlines()]
        self._print("\n".join(lines))

    def withdraw(self) -> None:
        pass  # a printed line cannot be taken back

    def tell(self, title: str, body: str) -> None:
        self._line(labelled(title, body))

    def answered(self, text: str) -> None:
        """An answer given anywhere (the tray, a notification, another terminal), echoed."""
        self._line(text)

    def _line(self, text: str) -> None:
        """A time-stamped message; its further lines indented under the first."""
        stamp = time.strftime("%H:%M")
        first, *more = text.splitlines() or [""]
        self._print("\n".join([f"[{stamp}] {first}"] + [" " * (len(stamp) + 3) + line
                                                        for line in more]))

    def _print(self, text: str) -> None:
        try:
            print(text, file=self._out or sys.stdout, flush=True)
        except (OSError, ValueError):
            pass  # the terminal went away; the journal and log still have everything


class FreedesktopNotifier(Notifier):
    """org.freedesktop.Notifications over jeepney: buttons, replacement, closing."""

    # TRANSLATORS: how reminders are shown, in `glutewake status`; "D-Bus" stays as it is
    name = N_("desktop notifications (D-Bus)")

    def __init__(self, bus, icon: str, timeout_ms: Callable[[], int], snooze: Callable[[], int],
                 on_action: Callable[[str], None]):
        from jeepney import DBusAddress, MatchRule

        from .bus import NameOwner

        self._bus = bus
        self._icon = icon
        self._timeout_ms = timeout_ms
        self._snooze = snooze
        self.on_action = on_action  # called with a button's key on the bus worker thread
        self._address = DBusAddress("/org/freedesktop/Notifications",
                                    bus_name="org.freedesktop.Notifications",
                                    interface="org.freedesktop.Notifications")
        # The daemon shows and withdraws (under its lock); the bus worker thread reports closes
        # and buttons. This lock keeps the shown id and reminder consistent between them; it is
        # never held while the daemon is called back, which would take the daemon's lock.
        self._lock = threading.Lock()
        self._caps: set[str] | None = None  # asked again after a failure: the server may change
        self._id = 0
        self._told = 0  # the last message apart from reminders: the next one replaces it
        self._remind: Remind | None = None
        self._guiding = False  # the notification shown is a guided break's
        # Any program on the bus can send a signal that looks like the server's; the bus tells
        # who sent it, and only the server's count.
        self._server = NameOwner(bus, "org.freedesktop.Notifications")
        self._forgeries = 0
        for member in ("ActionInvoked", "NotificationClosed"):
            bus.subscribe(MatchRule(type="signal", interface="org.freedesktop.Notifications",
                                    member=member, path="/org/freedesktop/Notifications"),
                          self._signal)

    def available(self) -> bool:
        """Whether a notification server is on the bus now (it may come and go): as the bus's
        signals last said, so that a status costs no round trip."""
        owner = self._server.owner
        if owner is None:  # not known yet (or the bus is gone: the question then says so)
            return self._bus.name_has_owner("org.freedesktop.Notifications")
        return bool(owner)

    def state(self) -> str:
        return "ok" if self.available() else "missing"

    def capabilities(self) -> set[str]:
        if self._caps is None:
            self._caps = set(self._bus.call(self._address, "GetCapabilities")[0])
        return self._caps

    def show(self, note: Note, full: bool = False) -> None:
        with self._lock:
            try:
                self._notify(note, full)
            except Exception:
                self._caps, self._id = None, 0
                raise

    def _notify(self, note: Note, full: bool) -> None:
        caps = self.capabilities()
        # TRANSLATORS: the buttons of a reminder; keep them short
        snooze = ["snooze", _("Snooze {duration}", duration=humanize(self._snooze()))]
        self._guiding = isinstance(note, Guiding)
        if isinstance(note, HeadsUp):
            text, actions, urgency = heads_up_body(note), snooze, 0
            timeout = int((note.due_in + 10) * 1000)  # still up when the reminder replaces it
        elif isinstance(note, Guiding):
            text, actions, urgency, timeout = guide_body(note), ["stop", _("Stop")], 1, 0
        elif isinstance(note, GuideDone):
            text, urgency, timeout = guide_done_body(note), 0, self._timeout_ms()
            # TRANSLATORS: the buttons after a guided break: too easy, too hard, it hurt
            actions = ["easy", _("Too easy"), "hard", _("Too hard"), "pain", _("Pain")]
        else:
            text = reminder_lesson(note) if full else reminder_body(note)
            actions = ["default", _("Show the exercise"), "start", _("Start"), "done", _("Done"),
                       *snooze]
            urgency, timeout = 1, self._timeout_ms()
            self._remind = note
        if "actions" not in caps:
            actions = []
            text += "\n" + answer_hint_no_buttons()
        if "body-markup" in caps:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        hints = {"urgency": ("y", urgency), "desktop-entry": ("s", "glutewake"),
                 "category": ("s", "x-glutewake.break")}
        image = picture(note)
        if image:
            hints["image-path"] = ("s", image)
        self._id = self._bus.call(
            self._address, "Notify", "susssasa{sv}i",
            ("glutewake", self._id, self._icon, title(note), text, actions, hints, timeout))[0]

    def answered(self, text: str) -> None:
        pass  # the notification was taken down or updated: that says it

    def tell(self, title: str, body: str) -> None:
        with self._lock:
            told = self._told
        told = self._bus.call(self._address, "Notify", "susssasa{sv}i",
                              ("glutewake", told, self._icon, title, body, [],
                               {"urgency": ("y", 1)}, -1))[0]
        with self._lock:
            self._told = told

    def withdraw(self) -> None:
        with self._lock:
            shown, self._id = self._id, 0
        if shown:
            self._bus.call(self._address, "CloseNotification", "u", (shown,))

    def _signal(self, message) -> None:
        from jeepney import HeaderFields

        member = message.header.fields.get(HeaderFields.member)
        if not self._server.sent(message):
            self._forgeries += 1
            # one warning: a program that forges one may send thousands
            log.log(logging.WARNING if self._forgeries == 1 else logging.DEBUG,
                    "notifications: ignored %s from %s, which is not the notification server "
                    "(%d so far)", member, message.header.fields.get(HeaderFields.sender),
                    self._forgeries)
            return
        with self._lock:
            if message.body[0] != self._id or self._id == 0:
                return  # not ours, or one we withdrew
            if member == "NotificationClosed":
                self._id = 0
                # closed by the person while the guide ran: stop it, log what was done
                key = "stop" if self._guiding else None
            else:
                key = message.body[1]
            remind = self._remind
        if key == "default":
            if remind is not None:
                self.show(remind, full=True)  # show the exercise in full, same buttons
        elif key is not None:
            self.on_action(key)  # the daemon maps the key to a command, or refuses it


class PlyerNotifier(Notifier):
    """plyer's notification facade: Windows balloons, macOS, notify-send on Linux."""

    name = "plyer"

    def __init__(self, icon: str, timeout_ms: Callable[[], int]):
        self._icon = icon
        self._timeout_ms = timeout_ms

    def show(self, note: Note) -> None:
        if isinstance(note, Guiding) and (note.where.index or note.paused):
            return  # a toast per countdown step would bury the desktop: the first one only
        from plyer import notification  # on first use: on Linux it is seldom needed at all

        seconds = self._timeout_ms() // 1000
        with warnings.catch_warnings():  # plyer warns on every call that dbus-python is missing
            warnings.simplefilter("ignore")
            notification.notify(title=title(note), app_name="glutewake", message=body(note),
                                      app_icon=self._icon, timeout=seconds or 3600)

    def withdraw(self) -> None:
        pass  # plyer cannot close what it showed

    def answered(self, text: str) -> None:
        pass  # a plyer notification cannot be taken back or updated: the next one says it

    def tell(self, title: str, body: str) -> None:
        from plyer import notification

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notification.notify(title=title, app_name="glutewake", message=body,
                                app_icon=self._icon, timeout=30)


class FallbackNotifier(Notifier):
    """The first notifier that works. One that failed rests for `retry` seconds: a server that
    hangs would otherwise cost a time-out at every step of a guided break."""

    def __init__(self, notifiers: list[Notifier], report: Callable[[str], None],
                 retry: float = 120.0, clock: Callable[[], float] = time.monotonic):
        self._notifiers = notifiers
        self._report = report
        self._working = notifiers[0] if notifiers else None
        self._shown_by: list = []
        self._retry = retry
        self._clock = clock
        self._resting: dict[int, float] = {}  # position of a way that failed -> until when

    def _ways(self) -> list[tuple[int, Notifier]]:
        """(position, notifier) of each way not resting now, best first."""
        now = self._clock()
        return [(position, notifier) for position, notifier in enumerate(self._notifiers)
                if self._resting.get(position, now) <= now]

    @property
    def name(self) -> str:
        return self._working.name if self._working else "none"

    def state(self) -> str:
        """"ok", or "missing" when the way in use needs a server that is not there now."""
        try:
            return "ok" if self._working is None else self._working.state()
        except Exception:
            return "missing"

    def show(self, note: Note) -> None:
        """The first way that works. Once the best way has failed, every way left is used:
        some (plyer's notify-send) cannot tell whether anyone saw the reminder."""
        log.info("reminder: %s · %s", title(note), moves.summary(note.exercise))
        shown = False
        for position, notifier in self._ways():
            try:
                notifier.show(note)
            except Exception as err:
                self._resting[position] = self._clock() + self._retry
                if notifier is self._working:
                    self._report(_("notifications: {way} failed ({error}); trying the next way",
                                   way=part_name(notifier.name), error=err))
                    self._working = None
                continue
            self._resting.pop(position, None)
            if not shown and notifier is not self._working:
                self._report(_("notifications: now shown by {way}",
                               way=part_name(notifier.name)))
                self._working = notifier
            if notifier not in self._shown_by:
                self._shown_by.append(notifier)
            shown = True
            if position == 0:
                return
        if not shown:
            self._report(_("notifications: no way to show the reminder worked; it is in the log"))

    def tell(self, title: str, body: str) -> None:
        """The first way that works; the log has it in any case."""
        log.warning("%s: %s", title, body)
        for _position, notifier in self._ways():
            try:
                notifier.tell(title, body)
                return
            except Exception as err:
                log.info("could not tell through %s (%s)", notifier.name, err)

    def answered(self, text: str) -> None:
        if self._working is not None:
            try:
                self._working.answered(text)
            except Exception as err:
                log.info("could not echo an answer through %s (%s)", self._working.name, err)

    def withdraw(self) -> None:
        shown, self._shown_by = self._shown_by, []
        for notifier in shown:
            try:
                notifier.withdraw()
            except Exception as err:
                log.info("could not withdraw through %s (%s)", notifier.name, err)
