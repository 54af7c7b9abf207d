"""The shared D-Bus connection (glutewake/desktop/bus.py) against a real second connection on a
private dbus-daemon, which answers as badly behaved servers do."""

from __future__ import annotations

import logging
import queue
import threading

import pytest
from jeepney import (
    DBusAddress,
    MatchRule,
    MessageType,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from glutewake.desktop.bus import Bus, DBusError, NameOwner
from tests.support.desktop import wait_for

UNKNOWN = "org.freedesktop.DBus.Error.UnknownMethod"


class Twice:
    """A peer that answers every call twice, both answers in one write, so that they reach the
    caller together: first `first`, then `second` ("return" or "error"), as mako 1.7 answers
    GetCapabilities."""

    def __init__(self, address: str, first: str, second: str):
        self.conn = open_dbus_connection(address)
        self.name = self.conn.unique_name
        self.order = (first, second)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _answer(self, call, kind: str):
        if kind == "return":
            return new_method_return(call, "as", (["actions", "body"],))
        return new_error(call, UNKNOWN, "s", ("Unknown method GetCapabilities",))

    def _serve(self) -> None:
        serials = self.conn.outgoing_serial
        while True:
            try:
                call = self.conn.receive()
            except (OSError, ValueError, EOFError):
                return
            if call.header.message_type != MessageType.method_call:
                continue
            data = b"".join(self._answer(call, kind).serialise(serial=next(serials))
                            for kind in self.order)
            self.conn.sock.sendall(data)

    def close(self) -> None:
        self.conn.close()


def capabilities(bus: Bus, peer: Twice):
    address = DBusAddress("/org/freedesktop/Notifications", bus_name=peer.name,
                          interface="org.freedesktop.Notifications")
    return bus.call(address, "GetCapabilities")


def test_the_first_reply_to_a_call_wins_and_the_second_is_dropped_with_a_debug_line(
        session_bus, caplog):
    rounds = 30
    caplog.set_level(logging.DEBUG, logger="glutewake.desktop.bus")
    peer, bus = Twice(session_bus, "return", "error"), Bus(session_bus)
    try:
        for _ in range(rounds):
            assert capabilities(bus, peer) == (["actions", "body"],)
        # and the other way round: an error that comes first is the answer
        erring = Twice(session_bus, "error", "return")
        for _ in range(rounds):
            with pytest.raises(DBusError) as raised:
                capabilities(bus, erring)
            assert raised.value.name == UNKNOWN
        erring.close()
        # the reader thread logs each dropped reply once it has read it: a last call orders it
        assert bus.name_has_owner("org.freedesktop.DBus")
        dropped = [r for r in caplog.records if "dropped a" in r.getMessage()]
        assert len(dropped) == 2 * rounds
        assert all(r.levelno == logging.DEBUG for r in dropped)
        assert {"dropped a error" in r.getMessage() for r in dropped} == {True, False}
    finally:
        bus.close()
        peer.close()


def test_an_error_text_from_a_peer_is_one_clean_short_line(session_bus):
    """Error names and texts come from other programs; they reach the log and status."""
    conn = open_dbus_connection(session_bus)

    def answer() -> None:
        call = conn.receive()
        while call.header.message_type != MessageType.method_call:
            call = conn.receive()
        conn.send(new_error(call, "org.example.Error.Hostile", "s",
                            ("\x1b[2J\x1b]0;owned\x07\u202eevil\n" + "x" * 10_000,)))

    server = threading.Thread(target=answer, daemon=True)
    server.start()
    bus = Bus(session_bus)
    try:
        with pytest.raises(DBusError) as raised:
            bus.call(DBusAddress("/", bus_name=conn.unique_name, interface="org.example.X"),
                     "Anything")
        text = str(raised.value)
        assert text.startswith("org.example.Error.Hostile: [2J]0;ownedevil x")
        assert text.isprintable() and len(text) <= 2 + 2 * 120 and text.endswith("…")
        assert raised.value.name == "org.example.Error.Hostile"
    finally:
        bus.close()
        conn.close()
        server.join(5)


def test_signals_count_only_from_the_connection_that_owns_the_name_now(session_bus):
    """A server that restarts has a new unique name: its signals count from then on, and those
    of the connection that owned the name before, or never did, do not."""
    name, seen = "org.example.Server", queue.Queue()
    bus = Bus(session_bus)
    owner = NameOwner(bus, name)
    bus.subscribe(MatchRule(type="signal", interface=name, member="Pressed"),
                  lambda message: seen.put((message.body[0], owner.sent(message))))
    first, other = open_dbus_connection(session_bus), open_dbus_connection(session_bus)

    def press(conn, text: str) -> None:
        conn.send(new_signal(DBusAddress("/", interface=name), "Pressed", "s", (text,)))

    def take(conn) -> None:  # once the bus has seen the last owner go
        wait_for(lambda: conn.send_and_get_reply(message_bus.RequestName(name, 4)).body == (1,),
                 f"{name} to be free")

    try:
        press(first, "before anyone owns it")
        assert seen.get(timeout=5) == ("before anyone owns it", False)
        take(first)
        press(first, "the owner")
        press(other, "a forger")
        assert {seen.get(timeout=5) for _ in range(2)} == {("the owner", True),
                                                           ("a forger", False)}
        first.close()  # the server stops; another takes the name
        take(other)
        press(other, "the new owner")
        assert seen.get(timeout=5) == ("the new owner", True)
    finally:
        bus.close()
        first.close()
        other.close()


class Portal:
    """A desktop portal serving one GNOME setting, show-banners, through org.freedesktop.portal
    .Settings: Read answers it (wrapped in two variants, as the real portal does) and a change
    sends SettingChanged."""

    def __init__(self, banners: bool):
        from glutewake.desktop.quiet.gnome import KEY, NAMESPACE, PORTAL_NAME, PORTAL_PATH

        self.banners, self.reads = banners, 0
        self._bus = Bus("SESSION")
        self._bus.export(PORTAL_PATH, self._call)
        self._bus.call(message_bus, "RequestName", "su", (PORTAL_NAME, 4))
        self._setting = (NAMESPACE, KEY)

    def _call(self, call):
        self.reads += 1
        return new_method_return(call, "v", (("v", ("b", self.banners)),))

    def change(self, banners: bool) -> None:
        from glutewake.desktop.quiet.gnome import PORTAL_PATH, SETTINGS

        self.banners = banners
        self._bus.send(new_signal(DBusAddress(PORTAL_PATH, interface=SETTINGS), "SettingChanged",
                                  "ssv", (*self._setting, ("b", banners))))

    def close(self) -> None:
        self._bus.close()


def test_gnome_banners_are_read_once_and_then_kept_from_the_portals_signal(session_bus):
    from glutewake.core.events import Hold, Reason
    from glutewake.desktop.quiet.gnome import GnomeBanners

    portal = Portal(banners=True)
    bus = Bus("SESSION")
    try:
        detector = GnomeBanners(bus)
        for _ in range(20):
            assert detector.hold() is None
        assert portal.reads == 2  # before listening, and the answer kept
        portal.change(False)  # do not disturb
        wait_for(lambda: detector.hold() == Hold(Reason.DO_NOT_DISTURB), "the setting's signal")
        portal.change(True)
        wait_for(lambda: detector.hold() is None, "banners back")
        assert portal.reads == 2
    finally:
        bus.close()
        portal.close()


def test_a_setting_signal_from_another_connection_than_the_portal_is_ignored(session_bus):
    from glutewake.desktop.quiet.gnome import KEY, NAMESPACE, PORTAL_PATH, SETTINGS, GnomeBanners

    portal = Portal(banners=True)
    bus = Bus("SESSION")
    forger = open_dbus_connection(session_bus)
    try:
        detector = GnomeBanners(bus)
        assert detector.hold() is None
        forger.send(new_signal(DBusAddress(PORTAL_PATH, interface=SETTINGS), "SettingChanged",
                               "ssv", (NAMESPACE, KEY, ("b", False))))
        forger.send_and_get_reply(new_method_call(message_bus, "GetId"), timeout=5)  # passed on
        bus.call(message_bus, "GetId")  # ...and read by the detector's connection
        handled = threading.Event()
        bus.later(handled.set)  # ...and handled (handlers run in order)
        assert handled.wait(5)
        assert detector.hold() is None and portal.reads == 2
    finally:
        forger.close()
        bus.close()
        portal.close()
