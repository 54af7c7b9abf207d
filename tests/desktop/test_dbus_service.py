"""glutewake's own D-Bus interface (glutewake/desktop/service.py) on a real, private session bus.

First a daemon in this process (fake notifier, idle source and clock, as in test_daemon) published
on the bus and driven from a second, independent jeepney connection; then `glutewake run` as a
process, read and driven with gdbus, as a script would.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import time
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from jeepney import DBusAddress, HeaderFields, MatchRule, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.threading import open_dbus_router

from glutewake.app.daemon import Daemon, Parts, SettingsFile
from glutewake.core.coach import Remind
from glutewake.core.events import Kind
from glutewake.desktop import service
from glutewake.desktop.bus import Bus
from glutewake.store.journal import Journal
from glutewake.words import phrases
from tests.app.test_daemon import Clock, FakeIdle, FakeNotifier
from tests.support import Running, glutewake, write_config
from tests.support.desktop import Desktop, require, wait_for

OBJECT = DBusAddress(service.PATH, bus_name=service.NAME, interface=service.IFACE)
PROPS = DBusAddress(service.PATH, bus_name=service.NAME, interface=service.PROPS_IFACE)


class Error(Exception):
    def __init__(self, name: str, text: str):
        super().__init__(f"{name}: {text}")
        self.name, self.text = name, text


class Client:
    """A second connection to the bus, as a desktop extension or script would have."""

    def __init__(self, address: str):
        self._opened = open_dbus_router(address)
        self.router = self._opened.__enter__()
        self.signals: queue.Queue = queue.Queue()
        rule = MatchRule(type="signal", interface=service.PROPS_IFACE, member="PropertiesChanged",
                         path=service.PATH)
        self._filter = self.router.filter(rule, queue=self.signals)
        self.call_raw(message_bus, "AddMatch", "s", (rule.serialise(),))

    def call_raw(self, address: DBusAddress, member: str, signature: str | None = None,
                 body: tuple = (), timeout: float = 5.0) -> tuple:
        reply = self.router.send_and_get_reply(new_method_call(address, member, signature, body),
                                               timeout=timeout)
        if reply.header.message_type == MessageType.error:
            raise Error(reply.header.fields[HeaderFields.error_name],
                        reply.body[0] if reply.body else "")
        return reply.body

    def call(self, member: str, signature: str | None = None, body: tuple = ()) -> tuple:
        return self.call_raw(OBJECT, member, signature, body)

    def get_all(self) -> dict:
        table = self.call_raw(PROPS, "GetAll", "s", (service.IFACE,))[0]
        for name, (kind, _) in table.items():
            assert kind == service.TYPES[name], f"{name} sent as {kind}"
        return {name: value for name, (_, value) in table.items()}

    def get(self, name: str):
        kind, value = self.call_raw(PROPS, "Get", "ss", (service.IFACE, name))[0]
        assert kind == service.TYPES[name]
        return value

    def changes(self, timeout: float = 0.0) -> list[tuple[float, dict]]:
        """(arrival time, changed values) of the PropertiesChanged signals received so far, plus
        those arriving within `timeout`."""
        found = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.signals.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return found
            interface, changed, invalidated = message.body
            assert interface == service.IFACE and invalidated == []
            found.append((time.monotonic(), {k: v for k, (_, v) in changed.items()}))

    def wait_change(self, check, what: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, changed in self.changes(0.1):
                if check(changed):
                    return changed
        raise AssertionError(f"no PropertiesChanged with {what} within {timeout:.0f} s")

    def close(self) -> None:
        self._filter.close()
        self._opened.__exit__(None, None, None)


@pytest.fixture
def bus_address(home, tmp_path, monkeypatch):
    """A private session bus of its own, under the test's HOME; torn down by PID."""
    require(("dbus-daemon",), gtk=False)
    desktop = Desktop(tmp_path, home)
    desktop.start_bus()
    address = desktop.env["DBUS_SESSION_BUS_ADDRESS"]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    desktop.stop()


class Served:
    pass


@pytest.fixture
def served(bus_address, tmp_path):
    """A daemon in this process, published on the bus, and a client connection to drive it."""
    s = Served()
    s.clock, s.notifier, s.idle, s.said = Clock(), FakeNotifier(), FakeIdle(), []
    config = tmp_path / "config.toml"
    config.write_text('[breaks]\nevery = "30m"\nnatural_break = "5m"\n')
    s.journal = Journal(tmp_path / "journal.sqlite3")
    s.daemon = Daemon(SettingsFile(config, s.said.append), s.journal, Parts(s.notifier, s.idle),
                      s.said.append, wall=lambda: s.clock.wall, mono=lambda: s.clock.mono,
                      tick=30)
    s.daemon.tick()  # "started"
    s.bus = Bus("SESSION")
    s.service = service.publish(s.bus, s.daemon)
    assert s.service is not None
    s.client = Client(bus_address)

    def sit(seconds: float) -> None:
        while seconds > 0:
            s.clock.advance(min(30.0, seconds))
            seconds -= 30.0
            s.daemon.tick()

    s.sit = sit
    s.kinds = lambda: [e.record.kind for e in s.journal.events()]
    yield s
    s.client.close()
    s.service.close()
    s.bus.close()
    s.journal.close()


def local(wall: float) -> str:
    return datetime.fromtimestamp(wall).astimezone().isoformat(timespec="seconds")


def test_the_properties_say_what_status_says_and_introspection_lists_them(served):
    served.sit(10 * 60)
    props = served.client.get_all()
    assert set(props) == set(service.TYPES)
    assert props == {
        "Phase": "sitting", "Text": "Sitting 10 min · break in 20 min", "Sitting": 600,
        "DueIn": 1200, "NextDue": local(served.clock.wall + 1200), "Hold": "", "HoldReason": "",
        "DoneToday": 0, "Goal": 6, "IdleSource": "fake idle", "SettingsError": "",
        "PausedUntil": ""}
    status = phrases.status_json(served.daemon.view())  # what `status --json` would print
    assert (props["Phase"], props["Text"], props["Sitting"], props["DueIn"], props["NextDue"],
            props["Goal"], props["IdleSource"]) == (
        status["phase"], status["line"], status["sitting"], status["due_in"],
        status["next_due"], status["goal"], status["idle_source"])
    assert served.client.get("Phase") == "sitting"

    with pytest.raises(Error) as missing:
        served.client.get("Mood")
    assert missing.value.name == "org.freedesktop.DBus.Error.UnknownProperty"
    with pytest.raises(Error) as read_only:
        served.client.call_raw(PROPS, "Set", "ssv", (service.IFACE, "Goal", ("u", 9)))
    assert read_only.value.name == "org.freedesktop.DBus.Error.PropertyReadOnly"

    xml = served.client.call_raw(DBusAddress(service.PATH, bus_name=service.NAME,
                                             interface="org.freedesktop.DBus.Introspectable"),
                                 "Introspect")[0]
    ours = next(i for i in ET.fromstring(xml) if i.get("name") == service.IFACE)
    assert {p.get("name"): p.get("type") for p in ours.iter("property")} == service.TYPES
    assert {m.get("name") for m in ours.iter("method")} == {
        "Done", "Snooze", "Skip", "Pause", "Resume"}


def test_commands_act_as_on_the_command_line_and_changes_are_signalled(served):
    served.sit(31 * 60)
    assert [type(n) for n in served.notifier.shown] == [Remind]
    served.client.wait_change(lambda c: c.get("Phase") == "due", "Phase due")

    ok, text = served.client.call("Done")
    assert ok and text.startswith("Break logged:") and text.endswith("1 of 6 today.")
    assert served.kinds()[-1] is Kind.DONE and served.notifier.withdrawn == 1
    changed = served.client.wait_change(lambda c: c.get("DoneToday") == 1, "DoneToday 1")
    assert changed["Phase"] == "sitting" and changed["Sitting"] == 0
    assert "Goal" not in changed and "IdleSource" not in changed  # only what changed

    ok, text = served.client.call("Snooze", "u", (600,))
    assert ok and text.startswith("Next break put off"), text
    assert served.client.get("Phase") == "snoozed"

    ok, text = served.client.call("Pause", "u", (0,))
    assert (ok, text) == (True, "Reminders paused until you resume.")
    props = served.client.get_all()
    assert (props["Phase"], props["PausedUntil"], props["NextDue"], props["Text"]) == (
        "paused", "", "", "Paused until you resume")

    ok, text = served.client.call("Resume")
    assert ok and text.startswith("Reminders are back on")
    assert served.client.get("Phase") == "snoozed"  # as before the pause
    ok, text = served.client.call("Resume")  # refused in words, as on the command line
    assert (ok, text) == (False, "Reminders are not paused, so there is nothing to resume.")

    ok, _ = served.client.call("Pause", "u", (3600,))
    assert ok and served.client.get("PausedUntil") == local(served.clock.wall + 3600)
    served.client.call("Resume")
    ok, text = served.client.call("Skip")
    assert not ok and text.startswith("No break is due")
    assert served.kinds().count(Kind.DONE) == 1


def test_bad_arguments_get_an_error_reply_naming_the_method_and_the_range(served):
    before = served.kinds()
    cases = [("Snooze", "u", (86401,), ["Snooze", "0", "86400"]),
             ("Pause", "u", (30 * 86400 + 1,), ["Pause", "0", "2592000"]),
             ("Snooze", "s", ("10m",), ["Snooze", "uint32"]),
             ("Done", "u", (1,), ["Done", "no arguments"])]
    for member, signature, body, words in cases:
        with pytest.raises(Error) as refused:
            served.client.call(member, signature, body)
        assert refused.value.name == "org.freedesktop.DBus.Error.InvalidArgs"
        assert "\n" not in refused.value.text
        assert all(word in refused.value.text for word in words), refused.value.text
    with pytest.raises(Error) as unknown:
        served.client.call("Dance")
    assert unknown.value.name == "org.freedesktop.DBus.Error.UnknownMethod"
    assert served.kinds() == before
    # the largest allowed values are taken
    assert served.client.call("Snooze", "u", (86400,))[0]
    assert served.client.call("Pause", "u", (30 * 86400,))[0]
    assert served.client.get("PausedUntil") == local(served.clock.wall + 30 * 86400)


def test_changes_are_signalled_at_most_once_a_second_with_the_latest_values(served):
    served.client.changes(0.2)  # whatever came with the start
    started = time.monotonic()
    for _ in range(3):
        assert served.client.call("Done")[0]
    quick = time.monotonic() - started < 0.9  # all three within one signal's wait
    seen = []
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline and not any(c.get("DoneToday") == 3 for _, c in seen):
        seen += served.client.changes(0.1)
    values = [c["DoneToday"] for _, c in seen if "DoneToday" in c]
    assert values and values[-1] == 3, seen
    gaps = [b - a for (a, _), (b, _) in zip(seen, seen[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    if quick:
        assert values == [1, 3]  # the second signal carried the last two changes together
    assert not served.client.changes(1.3)  # nothing left over, nothing repeated


class SlowNotifier(FakeNotifier):
    """A notification server that takes its time, while the daemon holds its lock."""

    def __init__(self):
        super().__init__()
        self.entered, self.release = threading.Event(), threading.Event()

    def show(self, note) -> None:
        self.entered.set()
        self.release.wait(10)
        super().show(note)


def test_the_bus_still_answers_while_the_daemon_is_busy(served):
    slow = SlowNotifier()
    served.daemon.parts.notifier = slow
    looking = threading.Thread(target=served.sit, args=(31 * 60,))
    looking.start()  # the reminder's look holds the daemon's lock until `release`
    try:
        assert slow.entered.wait(5)
        done: list = []
        caller = threading.Thread(target=lambda: done.append(served.client.call("Done")))
        caller.start()
        started = time.monotonic()
        served.client.call_raw(DBusAddress(service.PATH, bus_name=service.NAME,
                                           interface="org.freedesktop.DBus.Peer"), "Ping")
        assert "Glutewake1" in served.client.call_raw(
            DBusAddress(service.PATH, bus_name=service.NAME,
                        interface="org.freedesktop.DBus.Introspectable"), "Introspect")[0]
        with pytest.raises(Error):  # checked on the reader thread, not queued behind the daemon
            served.client.call("Snooze", "u", (10**9,))
        assert time.monotonic() - started < 1.0
        caller.join(0.3)
        assert not done  # Done waits for the daemon
    finally:
        slow.release.set()
        looking.join(10)
    caller.join(5)
    assert done and done[0][0] and done[0][1].startswith("Break logged:")


def test_a_second_glutewake_leaves_the_name_to_the_first(served, caplog):
    other = Bus("SESSION")
    try:
        with caplog.at_level(logging.WARNING):
            assert service.publish(other, served.daemon) is None
        assert "belongs to another glutewake" in caplog.text
        owner = served.client.call_raw(message_bus, "GetNameOwner", "s", (service.NAME,))[0]
        assert owner == served.bus.unique_name
        assert served.client.get("Phase") == "sitting"
    finally:
        other.close()
    served.service.close()
    wait_for(lambda: not served.client.call_raw(message_bus, "NameHasOwner", "s",
                                                (service.NAME,))[0], "the name to be released")
    with pytest.raises(Error) as gone:
        served.client.call_raw(DBusAddress(service.PATH, bus_name=served.bus.unique_name,
                                           interface=service.IFACE), "Done")
    assert gone.value.name == "org.freedesktop.DBus.Error.UnknownObject"
    assert served.service.changed not in served.daemon.on_change


# --- `glutewake run`, driven by gdbus as a script would ---------------------------------------

def gdbus(desktop: Desktop, *args: str) -> str:
    """`gdbus call` on glutewake's object; its printed answer, e.g. "(<'due'>,)"."""
    return desktop.run("gdbus", "call", "--session", "--dest", service.NAME, "--object-path",
                       service.PATH, *args).stdout


def read_property(desktop: Desktop, name: str) -> str:
    answer = gdbus(desktop, "--method", "org.freedesktop.DBus.Properties.Get", service.IFACE, name)
    match = re.fullmatch(r"\(<'?(.*?)'?>,\)", answer.strip())
    assert match, answer
    return match[1]


@pytest.fixture
def desktop_bus(tmp_path, home):
    """X (so `glutewake run` takes desktop mode), a session bus and dunst for its reminders."""
    require(("Xvfb", "dbus-daemon", "dunst", "dunstctl", "gdbus"), gtk=False)
    desktop = Desktop(tmp_path, home)
    desktop.start(tray="none")
    yield desktop
    desktop.stop()


def test_glutewake_run_is_read_and_answered_over_dbus(desktop_bus):
    env = desktop_bus.env
    write_config(env, '[breaks]\nevery = "3s"\nsnooze = "2s"\n')
    daemon = Running(env, "--no-tray")
    try:
        daemon.wait_for("glutewake is watching")
        wait_for(lambda: service.NAME in desktop_bus.bus_names(), "glutewake on the bus")
        introspected = desktop_bus.run("gdbus", "introspect", "--session", "--dest", service.NAME,
                                       "--object-path", service.PATH).stdout
        assert "readonly u DueIn" in introspected and "Snooze(in  u seconds" in introspected
        wait_for(lambda: read_property(desktop_bus, "Phase") == "due", "Phase due", timeout=15)
        assert read_property(desktop_bus, "DoneToday") == "uint32 0"
        client = Client(env["DBUS_SESSION_BUS_ADDRESS"])
        try:
            answer = gdbus(desktop_bus, "--method", f"{service.IFACE}.Done")
            assert answer.startswith("(true, 'Break logged:"), answer
            client.wait_change(lambda c: c.get("DoneToday") == 1, "DoneToday 1")
        finally:
            client.close()
        refused = desktop_bus.run("gdbus", "call", "--session", "--dest", service.NAME,
                                  "--object-path", service.PATH, "--method",
                                  f"{service.IFACE}.Pause", str(30 * 86400 + 1), check=False)
        assert refused.returncode != 0
        assert "InvalidArgs" in refused.stderr and "Pause" in refused.stderr, refused.stderr
    finally:
        assert daemon.stop() == 0
    stats = json.loads(glutewake(env, "stats", "--days", "1", "--json").stdout)
    assert stats["totals"]["done"] == 1, stats
    assert service.NAME not in desktop_bus.bus_names()  # released on the way out


def test_the_module_loads_and_publishes_nothing_where_jeepney_is_missing():
    """Windows and macOS have no jeepney: the runner still imports this module there."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['jeepney'] = None\n"
            "from glutewake.desktop import service\n"
            "print(service.publish(None, object()))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=30)
    assert (result.returncode, result.stdout.strip()) == (0, "None"), result.stderr
