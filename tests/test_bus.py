"""The shared D-Bus connection (glutewake/desktop/bus.py) against a real second connection on a
private dbus-daemon, which answers as badly behaved servers do."""

from __future__ import annotations

import logging
import threading

import pytest
from jeepney import DBusAddress, MessageType, new_error, new_method_return
from jeepney.io.blocking import open_dbus_connection

from glutewake.desktop.bus import Bus, DBusError

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
        assert text.isprintable() and len(text) < 500 and text.endswith("…")
        assert raised.value.name == "org.example.Error.Hostile"
    finally:
        bus.close()
        conn.close()
        server.join(5)
