"""glutewake on the session bus, for desktop extensions, panels and scripts (jeepney).

One object, /io/github/glutewake/Glutewake, under the name io.github.glutewake.Glutewake, with the
interface io.github.glutewake.Glutewake1: read-only properties that say what `glutewake status
--json` says, org.freedesktop.DBus.Properties.PropertiesChanged when they change (only the changed
ones, at most one signal a second), and the methods Done, Snooze, Skip, Pause and Resume, which go
through the daemon's `run` like the command line and the tray.

Threads: method calls arrive on the bus reader thread, which must never wait for the daemon's lock
(a look holding that lock may itself be waiting for a bus reply only the reader can deliver).
So the reader checks the arguments and answers what it can from the values kept here; anything
that needs the daemon is handed to the bus worker thread, which replies when the daemon has
answered. The values kept here are refreshed by the daemon's change listener after every look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ..core.commands import Command, Done, Pause, Resume, Skip, Snooze
from ..core.events import Phase
from ..core.timespec import LONGEST_INTERVAL, LONGEST_PAUSE
from ..core.view import View
from ..threads import later
from ..words import phrases
from ..words.times import humanize

if TYPE_CHECKING:
    from jeepney import Message

# jeepney is imported where it is used: the runner imports this module on every platform, and
# jeepney is installed on Linux only (elsewhere there is no session bus to publish on).

log = logging.getLogger(__name__)

NAME = "io.github.glutewake.Glutewake"
PATH = "/io/github/glutewake/Glutewake"
IFACE = "io.github.glutewake.Glutewake1"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
SIGNAL_EVERY = 1.0  # seconds: PropertiesChanged goes out at most this often
FRESH_FOR = 1.0  # seconds: a property read after a look this old answers without a new look

INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
FAILED = "org.freedesktop.DBus.Error.Failed"

# name -> D-Bus type; the order is the order GetAll lists them in
TYPES = {"Phase": "s", "Text": "s", "Sitting": "u", "DueIn": "u", "NextDue": "s", "Hold": "s",
         "HoldReason": "s", "DoneToday": "u", "Goal": "u", "IdleSource": "s",
         "SettingsError": "s", "PausedUntil": "s"}

_METHODS = """\
  <method name="Done"><arg name="ok" type="b" direction="out"/><arg name="text" type="s" direction="out"/></method>
  <method name="Snooze"><arg name="seconds" type="u" direction="in"/><arg name="ok" type="b" direction="out"/><arg name="text" type="s" direction="out"/></method>
  <method name="Skip"><arg name="ok" type="b" direction="out"/><arg name="text" type="s" direction="out"/></method>
  <method name="Pause"><arg name="seconds" type="u" direction="in"/><arg name="ok" type="b" direction="out"/><arg name="text" type="s" direction="out"/></method>
  <method name="Resume"><arg name="ok" type="b" direction="out"/><arg name="text" type="s" direction="out"/></method>
"""

INTROSPECTION = f"""<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
 <interface name="{IFACE}">
{"".join(f'  <property name="{name}" type="{kind}" access="read"/>{chr(10)}'
         for name, kind in TYPES.items())}{_METHODS} </interface>
 <interface name="org.freedesktop.DBus.Properties">
  <method name="Get"><arg type="s" name="interface" direction="in"/><arg type="s" name="name" direction="in"/><arg type="v" name="value" direction="out"/></method>
  <method name="GetAll"><arg type="s" name="interface" direction="in"/><arg type="a{{sv}}" name="props" direction="out"/></method>
  <method name="Set"><arg type="s" name="interface" direction="in"/><arg type="s" name="name" direction="in"/><arg type="v" name="value" direction="in"/></method>
  <signal name="PropertiesChanged"><arg type="s" name="interface"/><arg type="a{{sv}}" name="changed"/><arg type="as" name="invalidated"/></signal>
 </interface>
 <interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect"><arg type="s" name="data" direction="out"/></method>
 </interface>
 <interface name="org.freedesktop.DBus.Peer">
  <method name="Ping"/>
 </interface>
</node>
"""


class DaemonLike(Protocol):
    """What this needs of glutewake.app.daemon.Daemon (adapters do not import the app)."""

    on_change: list[Callable[[View], None]]
    stopping: threading.Event

    def run(self, command: Command) -> tuple[bool, str]: ...
    def current_view(self) -> View: ...
    def now(self) -> float: ...
    def look_now(self) -> None: ...


def _local(wall: float) -> str:
    return datetime.fromtimestamp(wall).astimezone().isoformat(timespec="seconds")


def values(view: View) -> dict:
    """The properties for one status view, as plain values, worded as `status --json` words
    them."""
    status, now = view.status, view.now
    error = view.settings_error
    hold = status.hold
    ends = status.paused_until
    return {
        "Phase": status.phase.value,
        "Text": phrases.status_line(status, now),
        "Sitting": max(0, round(status.sitting)),
        "DueIn": max(0, round(status.due_in)),
        "NextDue": "" if status.phase in (Phase.PAUSED, Phase.AWAY, Phase.GUIDING)
        else _local(now + status.due_in),
        "Hold": phrases.hold(hold, now),
        "HoldReason": "" if hold is None else hold.reason.value,
        "DoneToday": max(0, status.done_today),
        "Goal": max(0, status.goal),
        "IdleSource": view.idle_source,
        "SettingsError": "" if error is None else f"{error.where}: {error.what}",
        "PausedUntil": "" if ends is None or ends == float("inf") else _local(ends),
    }


def _wire(table: dict) -> dict:
    return {name: (TYPES[name], value) for name, value in table.items()}


def bounds_problem(method: str, seconds: int) -> str:
    """"" when `seconds` suits `method`, else the one-line reason (for Snooze and Pause)."""
    if method == "Snooze" and seconds > LONGEST_INTERVAL:
        return (f"{method}: {seconds} seconds is too long; give 0 (the configured snooze) "
                f"to {LONGEST_INTERVAL} ({humanize(LONGEST_INTERVAL)})")
    if method == "Pause" and seconds > LONGEST_PAUSE:
        return (f"{method}: {seconds} seconds is too long; give 0 (until resumed) to "
                f"{LONGEST_PAUSE} ({humanize(LONGEST_PAUSE)})")
    return ""


def command_for(method: str, body: tuple) -> Command:
    if method == "Snooze":
        return Snooze(body[0] or None)  # 0: the snooze from the settings
    if method == "Pause":
        return Pause(body[0] or None)  # 0: until resumed
    return {"Done": Done, "Skip": Skip, "Resume": Resume}[method]()


SIGNATURES = {"Done": "", "Snooze": "u", "Skip": "", "Pause": "u", "Resume": ""}


class Service:
    """The exported object. Made by `publish`; `close` takes it off the bus."""

    def __init__(self, bus, daemon: DaemonLike):
        self._bus = bus
        self._daemon = daemon
        # Guards the fields below; never held while waiting for anything. Signals are sent under
        # it (a send only writes to the socket), so they leave in the order the values came.
        self._lock = threading.Lock()
        self._latest: dict | None = None  # the values after the latest look
        self._looked = 0.0  # time.monotonic() of that look
        self._sent: dict = {}  # the values subscribers were last told about
        self._sent_at = float("-inf")  # when, time.monotonic()
        self._timer: threading.Timer | None = None  # a PropertiesChanged held back
        self._live = False

    # --- the values, kept fresh by the daemon ---

    def start(self) -> None:
        """Listen to the daemon, then take the values as they are now."""
        self._daemon.on_change.append(self.changed)
        first = values(self._daemon.current_view())
        with self._lock:
            if self._latest is None:  # a look in between already brought newer ones
                self._latest, self._looked = first, time.monotonic()
            self._sent = dict(self._latest)
            self._live = True

    def changed(self, view: View) -> None:
        """The daemon's change listener: called after every look, outside the daemon's lock."""
        fresh = values(view)
        with self._lock:
            self._latest, self._looked = fresh, time.monotonic()
            if not self._live or self._timer is not None:
                return  # a signal is planned already; it will carry these values
            wait = self._sent_at + SIGNAL_EVERY - time.monotonic()
            if wait > 0:
                self._timer = later("dbus-properties", wait, self._flush)
                return
        self._flush()

    def _flush(self) -> None:
        from jeepney import DBusAddress, new_signal

        with self._lock:
            self._timer = None
            if not self._live or self._latest is None:
                return
            changed = {k: v for k, v in self._latest.items() if self._sent.get(k) != v}
            if not changed:
                return
            self._sent = dict(self._latest)
            self._sent_at = time.monotonic()
            self._bus.send(new_signal(DBusAddress(PATH, interface=PROPS_IFACE),
                                      "PropertiesChanged", "sa{sv}as",
                                      (IFACE, _wire(changed), [])))

    def current(self) -> dict:
        with self._lock:
            return dict(self._latest or {})

    # --- method calls, on the bus reader thread ---

    def handle(self, message: Message) -> Message | None:
        from jeepney import HeaderFields, new_error, new_method_return

        fields = message.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        signature = fields.get(HeaderFields.signature, "")
        if not self._live:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownObject", "s",
                             (f"no object {PATH}",))
        if interface == PROPS_IFACE or (interface is None and member in ("Get", "GetAll", "Set")):
            return self._properties(message, member, signature)
        if member == "Introspect" and interface in (None, "org.freedesktop.DBus.Introspectable"):
            return new_method_return(message, "s", (INTROSPECTION,))
        if member == "Ping" and interface in (None, "org.freedesktop.DBus.Peer"):
            return new_method_return(message)
        if member not in SIGNATURES or interface not in (None, IFACE):
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                             (f"{interface or IFACE} has no method {member}",))
        wanted = SIGNATURES[member]
        if signature != wanted:
            given = f"({signature})" if signature else "no arguments"
            takes = "one uint32 (u), seconds" if wanted else "no arguments"
            return new_error(message, INVALID_ARGS, "s",
                             (f"{member}: takes {takes}, was given {given}",))
        problem = bounds_problem(member, message.body[0]) if wanted else ""
        if problem:
            return new_error(message, INVALID_ARGS, "s", (problem,))
        command = command_for(member, message.body)
        self._bus.later(lambda: self._carry_out(message, member, command))
        return None  # the worker replies

    def _carry_out(self, message: Message, member: str, command: Command) -> None:
        """On the bus worker thread: the daemon may take its time (its lock)."""
        from jeepney import new_error, new_method_return

        if self._daemon.stopping.is_set():
            reply = new_error(message, FAILED, "s", (f"{member}: glutewake is stopping",))
        else:
            try:
                ok, text = self._daemon.run(command)
                reply = new_method_return(message, "bs", (ok, text))
            except Exception as err:  # the caller gets an answer, the daemon carries on
                log.exception("D-Bus %s failed", member)
                reply = new_error(message, FAILED, "s", (f"{member}: {err}",))
        self._bus.send(reply)

    def _properties(self, message: Message, member: str | None, signature: str) -> Message | None:
        from jeepney import new_error

        if member == "Set":
            return new_error(message, "org.freedesktop.DBus.Error.PropertyReadOnly", "s",
                             ("glutewake's properties are read-only; use its methods",))
        wanted = {"Get": "ss", "GetAll": "s"}.get(member or "")
        if member is None or wanted is None:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                             (f"{PROPS_IFACE} has no method {member}",))
        if signature != wanted:
            return new_error(message, INVALID_ARGS, "s",
                             (f"{member}: takes ({wanted}), was given ({signature})",))
        interface = message.body[0]
        if interface not in ("", IFACE):
            return new_error(message, "org.freedesktop.DBus.Error.UnknownInterface", "s",
                             (f"{PATH} has no interface {interface}",))
        if member == "Get" and message.body[1] not in TYPES:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty", "s",
                             (f"{IFACE} has no property {message.body[1]}; it has "
                              f"{', '.join(TYPES)}",))
        with self._lock:
            stale = time.monotonic() - self._looked > FRESH_FOR
        if not stale:
            return self._property_reply(message, member)
        self._bus.later(lambda: self._fresh_reply(message, member))
        return None

    def _fresh_reply(self, message: Message, member: str) -> None:
        """On the worker: look first (as `glutewake status` does), so Sitting is not as old as
        the last look, which may be two minutes; the look calls `changed` with what it saw."""
        if not self._daemon.stopping.is_set():
            try:
                self._daemon.look_now()
            except Exception as err:
                log.warning("D-Bus property read: the look failed (%s); answering with the last "
                            "values", err)
        self._bus.send(self._property_reply(message, member))

    def _property_reply(self, message: Message, member: str) -> Message:
        from jeepney import new_method_return

        table = _wire(self.current())
        if member == "GetAll":
            return new_method_return(message, "a{sv}", (table,))
        return new_method_return(message, "v", (table[message.body[1]],))

    # --- life cycle ---

    def close(self) -> None:
        """Leave the bus: the name goes, calls get UnknownObject, the daemon is not listened to."""
        from jeepney.bus_messages import message_bus

        with self._lock:
            self._live = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        try:
            self._daemon.on_change.remove(self.changed)
        except ValueError:
            pass
        try:
            self._bus.call(message_bus, "ReleaseName", "s", (NAME,), timeout=1)
        except Exception as err:
            log.info("D-Bus service: could not release %s (%s)", NAME, err)


def publish(bus, daemon: DaemonLike) -> Service | None:
    """Serve glutewake on `bus` (the session bus); None, logged, when the name is taken (another
    glutewake on this bus keeps it) or the bus refuses."""
    if bus is None:
        return None
    from jeepney.bus_messages import message_bus

    service = Service(bus, daemon)
    bus.export(PATH, service.handle)  # answers UnknownObject until started
    try:
        answer = bus.call(message_bus, "RequestName", "su", (NAME, 4))[0]  # 4: do not queue
    except Exception as err:
        log.warning("D-Bus service: could not ask for %s (%s); scripts cannot reach glutewake "
                    "over D-Bus, the command line still works", NAME, err)
        return None
    if answer not in (1, 4):  # 1: now the owner, 4: already was
        owner = ""
        try:
            owner = bus.call(message_bus, "GetNameOwner", "s", (NAME,))[0]
        except Exception:
            pass
        log.warning("D-Bus service: %s belongs to another glutewake (%s) on this bus; this one "
                    "is not on D-Bus, the command line still works", NAME, owner or "unknown")
        return None
    try:
        service.start()
    except Exception as err:  # the daemon runs on without D-Bus
        log.warning("D-Bus service: could not start (%s); the command line still works", err)
        service.close()
        return None
    log.info("D-Bus service: %s at %s", NAME, PATH)
    return service
