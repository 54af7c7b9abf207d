"""Reminders in mako, the usual notification server on sway and other wlroots desktops, running on
a real headless sway. mako 1.7 answers GetCapabilities twice (a return, then an UnknownMethod
error for the same call): the first answer must count, or glutewake falls back to plyer and
loses its buttons on every such desktop."""

from __future__ import annotations

import json

import pytest

from glutewake.core.events import Kind
from tests.desktop.test_desktop import rows
from tests.support import Running, glutewake, write_config
from tests.support.compositors import Mako
from tests.support.desktop import wait_for

pytestmark = pytest.mark.desktop

REMINDER_BUTTONS = {"default", "start", "done", "snooze"}


@pytest.fixture
def mako(tmp_path):
    server = Mako(tmp_path)
    yield server
    server.stop()


def reminder(mako: Mako, other_than: int | None = None) -> dict:
    """The reminder mako shows (one that is not notification `other_than`), once it does."""
    def shown() -> list[dict]:
        return [n for n in mako.shown() or [] if n["summary"].startswith("Time to stand — ")
                and n["id"] != other_than]

    return wait_for(shown, "a reminder in mako", timeout=20)[0]


def test_mako_answers_get_capabilities_twice_and_the_first_answer_counts(mako):
    from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    from glutewake.desktop.bus import Bus

    address = mako.env["DBUS_SESSION_BUS_ADDRESS"]
    server = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                         interface="org.freedesktop.Notifications")
    with open_dbus_connection(address) as raw:  # what mako sends for one call
        raw.send(new_method_call(server, "GetCapabilities"), serial=100)
        replies = []
        while len(replies) < 2:
            message = raw.receive(timeout=5)
            if message.header.fields.get(HeaderFields.reply_serial) == 100:
                replies.append(message.header.message_type)
        assert replies == [MessageType.method_return, MessageType.error]
    bus = Bus(address)
    try:  # each time the two answers come close together; the first is the answer every time
        for _ in range(30):
            assert "actions" in bus.call(server, "GetCapabilities")[0]
    finally:
        bus.close()


def test_a_reminder_in_mako_has_its_buttons_done_logs_it_and_start_guides_in_place(mako, home):
    env = dict(home, **mako.env)
    write_config(env, '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "1h"\n')
    daemon = Running(env, "--no-tray")
    try:
        daemon.wait_for("glutewake is watching")
        first = reminder(mako)
        assert set(first["actions"]) == REMINDER_BUTTONS, first
        status = json.loads(glutewake(env, "status", "--json").stdout)
        assert status["notifier"] == "desktop notifications (D-Bus)", status
        mako.press(first["id"], "done")
        wait_for(lambda: rows(env, Kind.DONE), "the break in the journal")
        wait_for(lambda: not mako.shown(), "the answered reminder to close")
        # the next one: Start turns it into the guided break, in the same notification
        second = reminder(mako, other_than=first["id"])
        assert set(second["actions"]) == REMINDER_BUTTONS, second
        mako.press(second["id"], "start")

        def guide() -> list[dict]:
            return [n for n in mako.shown() if set(n["actions"]) == {"stop"}]

        guiding = wait_for(guide, "the guided break in mako")[0]
        assert guiding["id"] == second["id"] and len(mako.shown()) == 1  # in place, not stacked
        assert guiding["summary"] != second["summary"]
        mako.press(guiding["id"], "stop")
        wait_for(lambda: rows(env, Kind.PARTIAL), "the partial break in the journal")
        assert len(rows(env, Kind.DONE)) == 1
        assert not [line for line in daemon.lines if "trying the next way" in line
                    or "Traceback" in line], daemon.lines
    finally:
        assert daemon.stop() == 0
