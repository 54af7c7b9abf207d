"""One D-Bus connection (jeepney, pure Python) shared by the notifier, idle sources and tray.

A reader thread receives everything: replies wake the caller waiting for them, signals and
incoming method calls go to their handlers. The first reply to a call is its answer; a later one
for the same call (mako 1.7 answers GetCapabilities with a return and then an UnknownMethod
error) is dropped, as libdbus and sd-bus drop it. Signal handlers run on a second, worker thread, so
they may call back into the daemon, which may make bus calls of its own, without deadlock.
Method handlers run on the reader thread and must only read state and reply.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    Message,
    MessageType,
    new_error,
    new_method_call,
)
from jeepney.bus_messages import message_bus
from jeepney.io.threading import ReceiveStopped, open_dbus_connection

from ..core.untrusted import clean
from ..threads import spawn

log = logging.getLogger(__name__)

# Well-known names more than one adapter asks for.
SNI_WATCHER = "org.kde.StatusNotifierWatcher"  # tray.py looks for it, sni.py registers with it

ERROR_TEXT = 120  # characters kept of an error's name and of its text: enough for what buses say

SignalHandler = Callable[[Message], None]
MethodHandler = Callable[[Message], Message | None]  # returns the reply (or None: no reply)


class DBusError(Exception):
    """The other side answered with a D-Bus error, or did not answer."""

    def __init__(self, name: str, text: str = ""):
        # Both may come from another program on the bus, and end up in the log and in status.
        name, text = clean(name, ERROR_TEXT), clean(text, ERROR_TEXT)
        super().__init__(f"{name}: {text}" if text else name)
        self.name = name


@dataclass
class _Waiting:
    """A call waiting for its reply: the reader thread sets `reply` (None: the connection
    closed), then `answered`."""

    answered: threading.Event = field(default_factory=threading.Event)
    reply: Message | None = None


class Bus:
    def __init__(self, which: str = "SESSION"):
        self.which = which
        self._conn = open_dbus_connection(which)
        self.unique_name = self._conn.unique_name
        self._serials = self._conn.outgoing_serial  # shared with the Hello jeepney sent
        self._waiting: dict[int, _Waiting] = {}  # serial -> its call
        self._waiting_lock = threading.Lock()
        self._signals: list[tuple[MatchRule, SignalHandler]] = []
        self._methods: dict[str, MethodHandler] = {}  # object path -> handler
        self._work: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self.closed = threading.Event()
        spawn(f"dbus-{which.lower()}", self._read)
        spawn(f"dbus-{which.lower()}-work", self._run_work)

    # --- calls ---

    def call(self, address: DBusAddress, method: str, signature: str | None = None,
             body: tuple = (), timeout: float = 3.0, auto_start: bool = True) -> tuple:
        """Call a method and return the reply body; DBusError on an error reply or timeout."""
        message = new_method_call(address, method, signature, body)
        if not auto_start:
            message.header.flags |= 2  # NO_AUTO_START: do not launch a service to answer
        return self.send_and_wait(message, timeout)

    def send_and_wait(self, message: Message, timeout: float = 3.0) -> tuple:
        if self.closed.is_set():
            raise DBusError("glutewake.Closed", "the bus connection is closed")
        serial = next(self._serials)
        slot = _Waiting()
        with self._waiting_lock:
            self._waiting[serial] = slot
        try:
            self._conn.send(message, serial=serial)
            if not slot.answered.wait(timeout):
                raise DBusError("glutewake.Timeout", f"no answer within {timeout:.0f} s")
        except OSError as err:
            raise DBusError("glutewake.Disconnected", str(err)) from None
        finally:
            with self._waiting_lock:
                self._waiting.pop(serial, None)
        reply = slot.reply
        if reply is None:
            raise DBusError("glutewake.Disconnected", "the bus connection closed")
        if reply.header.message_type == MessageType.error:
            name = reply.header.fields.get(HeaderFields.error_name, "unknown error")
            raise DBusError(name, str(reply.body[0]) if reply.body else "")
        return reply.body

    def send(self, message: Message) -> None:
        """Send without waiting (signals, replies)."""
        try:
            self._conn.send(message, serial=next(self._serials))
        except OSError as err:
            log.debug("bus send failed: %s", err)

    def name_has_owner(self, name: str) -> bool:
        try:
            return bool(self.call(message_bus, "NameHasOwner", "s", (name,))[0])
        except DBusError:
            return False

    # --- receiving ---

    def subscribe(self, rule: MatchRule, handler: SignalHandler) -> None:
        """Call `handler` (on the worker thread) for each signal matching `rule`."""
        self._signals.append((rule, handler))
        self.call(message_bus, "AddMatch", "s", (rule.serialise(),))

    def export(self, path: str, handler: MethodHandler) -> None:
        self._methods[path] = handler

    def later(self, work: Callable[[], None]) -> None:
        """Run `work` on the worker thread, after what is already queued."""
        self._work.put(work)

    def _read(self) -> None:
        try:
            while True:
                message = self._conn.receive()
                self._route(message)
        except (ReceiveStopped, OSError, EOFError, ValueError) as err:
            if not self.closed.is_set():
                log.warning("D-Bus %s connection lost (%s)", self.which.lower(), err)
        finally:
            self.closed.set()
            with self._waiting_lock:
                for slot in self._waiting.values():
                    slot.answered.set()
            self._work.put(None)

    def _route(self, message: Message) -> None:
        kind = message.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            serial = message.header.fields.get(HeaderFields.reply_serial)
            with self._waiting_lock:
                slot = self._waiting.get(serial)
                if slot is not None and slot.reply is None:  # the first answer
                    slot.reply = message
                else:
                    slot = None
            if slot is not None:
                slot.answered.set()
            else:  # a second answer to one call, or one after its caller gave up
                log.debug("D-Bus: dropped a %s for call %s from %s: the call is answered or "
                          "given up", kind.name.replace("_", " "), serial,
                          message.header.fields.get(HeaderFields.sender))
        elif kind == MessageType.signal:
            for rule, handler in self._signals:
                if rule.matches(message):
                    self._work.put(partial(handler, message))
        elif kind == MessageType.method_call:
            path = message.header.fields.get(HeaderFields.path)
            method = self._methods.get(path)
            try:
                reply = method(message) if method else new_error(
                    message, "org.freedesktop.DBus.Error.UnknownObject", "s",
                    (f"no object {path}",))
            except Exception as err:
                log.exception("D-Bus method %s failed",
                              message.header.fields.get(HeaderFields.member))
                reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", (str(err),))
            if reply is not None:
                self.send(reply)

    def _run_work(self) -> None:
        while True:
            work = self._work.get()
            if work is None:
                return
            try:
                work()
            except Exception:
                log.exception("a D-Bus signal handler failed")

    def close(self) -> None:
        self.closed.set()
        self._conn.close()


def owner_changes(name: str) -> MatchRule:
    """The bus's own NameOwnerChanged signals about `name`; no other connection can send one
    that matches, since the bus sets the sender of every message."""
    rule = MatchRule(type="signal", sender="org.freedesktop.DBus", interface="org.freedesktop.DBus",
                     member="NameOwnerChanged", path="/org/freedesktop/DBus")
    rule.add_arg_condition(0, name)
    return rule


class NameOwner:
    """Which connection owns a well-known name now: its unique name, kept current from the
    bus's NameOwnerChanged signals and asked with GetNameOwner at the start and whenever it is
    not known. Any connection may send a signal that looks like a server's; the sender field,
    set by the bus, tells whether it is the server's.

    Kept on the worker thread only (the first question is queued there too), so the answers and
    the signals are taken in the order the bus sent them. `on_change` is called there too, after
    each change of owner."""

    def __init__(self, bus: Bus, name: str, on_change: Callable[[], None] = lambda: None):
        self._bus = bus
        self.name = name
        self._on_change = on_change
        self._owner: str | None = None  # "" while nobody owns it; None while not known
        bus.subscribe(owner_changes(name), self._changed)
        bus.later(self._ask)

    @property
    def owner(self) -> str | None:
        """The owner's unique name as last known, "" for nobody, None when not known."""
        return None if self._bus.closed.is_set() else self._owner

    def _changed(self, message: Message) -> None:
        self._owner = message.body[2]
        self._on_change()

    def _ask(self) -> None:
        try:
            self._owner = self._bus.call(message_bus, "GetNameOwner", "s", (self.name,))[0]
        except DBusError as err:
            self._owner = "" if err.name == "org.freedesktop.DBus.Error.NameHasNoOwner" else None

    def sent(self, message: Message) -> bool:
        """Whether the name's owner sent `message` (call it from a signal handler)."""
        if self._owner is None:
            self._ask()
        sender = message.header.fields.get(HeaderFields.sender)
        return bool(sender) and sender == self._owner


_UNKNOWN = object()


class Kept:
    """A value another program serves on the bus (a property, a setting), kept current from the
    signal it sends when the value changes, so that asking for it costs no round trip: `get()`
    reads it only while it is not known. The first successful read starts listening and reads
    again (the first answer may predate the listening); a change of the name's owner (the server
    restarted, or another took over) forgets the value. Only the owner's signals count.

    `changed(message)` says what a signal means: None when it is about something else, else
    (True, the new value) or (False, None) for "changed, ask again"."""

    def __init__(self, bus: Bus, name: str, read: Callable[[], object], rule: MatchRule,
                 changed: Callable[[Message], tuple[bool, object] | None]):
        self._bus, self._name, self._read = bus, name, read
        self._rule, self._changed = rule, changed
        self._owner: NameOwner | None = None  # made with the first answer
        self._lock = threading.Lock()  # the value and the count of changes go together
        self._value: object = _UNKNOWN
        self._changes = 0

    def get(self) -> object:
        """The value; DBusError when it must be read and cannot be. Called from one thread."""
        with self._lock:
            value, changes = self._value, self._changes
        if value is not _UNKNOWN:
            return value
        value = self._read()
        if self._owner is None:  # listening from now on (tried again if that fails)...
            self._bus.subscribe(self._rule, self._signal)
            self._owner = NameOwner(self._bus, self._name, self._forget)
            with self._lock:
                changes = self._changes
            value = self._read()  # ...so this answer is current until a signal says otherwise
        with self._lock:
            if self._changes == changes:  # no signal came meanwhile: it is current
                self._value = value
        return value

    def _forget(self) -> None:
        with self._lock:
            self._value, self._changes = _UNKNOWN, self._changes + 1

    def _signal(self, message: Message) -> None:
        said = self._changed(message)
        if said is None or self._owner is None or not self._owner.sent(message):
            return
        known, value = said
        with self._lock:
            self._value, self._changes = value if known else _UNKNOWN, self._changes + 1


def property_changes(path: str, interface: str, name: str) -> tuple[MatchRule, Callable]:
    """The PropertiesChanged signals of an object, and what they say of one property (for
    Kept)."""
    rule = MatchRule(type="signal", interface="org.freedesktop.DBus.Properties",
                     member="PropertiesChanged", path=path)
    rule.add_arg_condition(0, interface)

    def changed(message: Message) -> tuple[bool, object] | None:
        _, values, invalidated = message.body
        if name in values:
            return True, values[name][1]
        return (False, None) if name in invalidated else None

    return rule, changed


def connect(which: str = "SESSION") -> Bus | None:
    """The bus, or None (logged) when there is none: the callers then fall back."""
    try:
        return Bus(which)
    except Exception as err:  # no address in the environment, socket missing, auth refused
        log.info("no D-Bus %s bus (%s)", which.lower(), err)
        return None
