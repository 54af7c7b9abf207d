"""Adapters whose state several threads touch, hammered from those threads while a real D-Bus
client reads it: the StatusNotifierItem tray is updated by the daemon's threads while the bus
reader thread answers a host's calls."""

import itertools
import sys
import threading
import time

import pytest
from jeepney import DBusAddress, MatchRule, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

from glutewake.desktop.bus import Bus
from glutewake.desktop.icon import Look
from glutewake.desktop.menu import Item
from glutewake.desktop.sni import LAYOUT, SniTray, pixmaps

pytestmark = pytest.mark.desktop

LOOKS = [Look("sitting", step) for step in (1, 5, 9)] + [Look("due", 16), Look("paused")]


def line_for(look: Look) -> str:
    """Every look has its own line, so a host can tell which update a picture came with."""
    return f"{look.phase} {look.step}"


class Menus:
    """A menu whose shape changes with every call: one, two or three entries, numbered."""

    def __init__(self):
        self._numbers = itertools.count()

    def __call__(self) -> tuple[Item, ...]:
        number = next(self._numbers)
        return tuple(Item(f"entry {number}", lambda: None) for _ in range(1 + number % 3))


def call(conn, address, method, signature=None, body=()):
    reply = conn.send_and_get_reply(new_method_call(address, method, signature, body), timeout=5)
    assert reply.header.message_type == MessageType.method_return, reply.body
    return reply.body


def check_layout(revision, root, shapes: dict[int, int]) -> None:
    """Well formed, and one revision always comes with one shape (here: a number of entries)."""
    ident, props, children = root
    assert ident == 0 and props["children-display"] == ("s", "submenu")
    assert 1 <= len(children) <= 3
    assert all(signature == LAYOUT for signature, _ in children)
    entries = [child for _, child in children]
    assert len({number for number, _, _ in entries}) == len(entries)  # ids unique
    assert len({props["label"] for _, props, _ in entries}) == 1  # all from one menu
    assert shapes.setdefault(revision, len(entries)) == len(entries), (
        f"revision {revision} was served with {shapes[revision]} entries and now with "
        f"{len(entries)}: a host caching by revision would show the wrong menu")


def test_sni_tray_updated_from_many_threads_serves_consistent_state(session_bus):
    bus = Bus("SESSION")
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: races show up within seconds
    try:
        tray = SniTray(bus, Menus(), LOOKS[0], line_for(LOOKS[0]))
        pictures = {line_for(look): pixmaps(look) for look in LOOKS}
        host = open_dbus_connection(session_bus)
        item = DBusAddress("/StatusNotifierItem", bus_name=tray.bus_name,
                           interface="org.freedesktop.DBus.Properties")
        menu = DBusAddress("/MenuBar", bus_name=tray.bus_name, interface="com.canonical.dbusmenu")
        rule = MatchRule(type="signal", interface="com.canonical.dbusmenu", member="LayoutUpdated")
        call(host, DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                               interface="org.freedesktop.DBus"), "AddMatch", "s",
             (rule.serialise(),))
        stop = threading.Event()
        failures: list[BaseException] = []

        def hammer(offset: int) -> None:
            try:
                for n in itertools.count(offset):
                    if stop.is_set():
                        return
                    look = LOOKS[n % len(LOOKS)]
                    tray.update(look, line_for(look))
                    if n % 4 == 0:
                        tray.refresh_menu()  # as the "Start at login" check box does
            except BaseException as err:  # noqa: BLE001 - reported by the test thread
                failures.append(err)

        shapes: dict[int, int] = {}
        with host.filter(rule, bufsize=100_000) as updates:
            threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            last, answers, deadline = 0, 0, time.monotonic() + 4
            try:
                while time.monotonic() < deadline:
                    revision, root = call(host, menu, "GetLayout", "iias", (0, -1, []))
                    assert revision >= last, \
                        f"GetLayout went back from revision {last} to {revision}"
                    last = revision
                    check_layout(revision, root, shapes)
                    props = call(host, item, "GetAll", "s", ("org.kde.StatusNotifierItem",))[0]
                    line = props["ToolTip"][1][3]
                    assert props["IconPixmap"][1] == pictures[line], (
                        f"the tooltip says {line!r} but the picture is another look's")
                    assert props["Status"][1] == ("NeedsAttention" if line.startswith("due")
                                                  else "Active")
                    answers += 1
            finally:
                stop.set()
                for thread in threads:
                    thread.join(10)
            assert not failures, failures
            assert answers > 20 and len(shapes) > 5, "the test hardly ran: no evidence either way"

            final = Look("sitting", 12)
            tray.update(final, line_for(final))
            call(host, menu, "GetLayout", "iias", (0, -1, []))  # all signals sent are in by now
            revisions = [message.body[0] for message in updates]
        props = call(host, item, "GetAll", "s", ("org.kde.StatusNotifierItem",))[0]
        assert props["ToolTip"][1][3] == line_for(final)
        assert props["IconPixmap"][1] == pixmaps(final)
        assert revisions == sorted(set(revisions)), \
            "LayoutUpdated revisions out of order or repeated"
        assert revisions[-1] == call(host, menu, "GetLayout", "iias", (0, -1, []))[0]
        host.close()
    finally:
        sys.setswitchinterval(switch)
        bus.close()
