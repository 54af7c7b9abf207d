"""LockWatch against a stand-in logind on a private bus (logind itself cannot run here)."""

import shutil
import subprocess
import threading

import pytest
from jeepney import DBusAddress, HeaderFields, new_method_return, new_signal
from jeepney.bus_messages import message_bus

from glutewake.desktop.activity import LockWatch
from glutewake.desktop.bus import Bus
from tests.support import skip_or_fail
from tests.support.desktop import BUS_CONFIG, listening, wait_for

SESSION = "/org/freedesktop/login1/session/_31"


@pytest.fixture
def system_bus(tmp_path, monkeypatch):
    if shutil.which("dbus-daemon") is None:
        skip_or_fail("dbus-daemon is missing; run `sudo bash .ci/desktop-packages.sh`")
    socket = tmp_path / "system_bus"
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=socket))
    daemon = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork"])
    wait_for(lambda: listening(socket), "the bus socket")
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={socket}")
    yield f"unix:path={socket}"
    daemon.terminate()
    daemon.wait(5)


class FakeLogind:
    """Answers the two calls and the property LockWatch uses, and emits logind's signals."""

    def __init__(self, address):
        self.bus = Bus(address)
        self.locked = False
        self.bus.call(message_bus, "RequestName", "su", ("org.freedesktop.login1", 4))
        self.bus.export("/org/freedesktop/login1", self._manager)
        self.bus.export(SESSION, self._session)

    def _manager(self, message):
        return new_method_return(message, "o", (SESSION,))  # GetSessionByPID / GetSession

    def _session(self, message):
        assert message.header.fields[HeaderFields.member] == "Get"
        return new_method_return(message, "v", (("b", self.locked),))

    def lock(self, value):
        self.locked = value
        self.bus.send(new_signal(DBusAddress(SESSION, interface="org.freedesktop.DBus.Properties"),
                                 "PropertiesChanged", "sa{sv}as",
                                 ("org.freedesktop.login1.Session",
                                  {"LockedHint": ("b", value)}, [])))

    def sleep(self, value):
        self.bus.send(new_signal(DBusAddress("/org/freedesktop/login1",
                                             interface="org.freedesktop.login1.Manager"),
                                 "PrepareForSleep", "b", (value,)))


def test_lock_and_sleep_signals_reach_the_daemon(system_bus, monkeypatch):
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    logind = FakeLogind(system_bus)
    changes = threading.Semaphore(0)
    watch = LockWatch(Bus("SYSTEM"), on_change=changes.release)
    assert not watch.locked()
    logind.lock(True)
    assert changes.acquire(timeout=5) and watch.locked()
    logind.lock(False)
    assert changes.acquire(timeout=5) and not watch.locked()
    logind.sleep(True)
    assert changes.acquire(timeout=5) and watch.locked()
    logind.sleep(False)
    assert changes.acquire(timeout=5) and not watch.locked()


def test_a_session_locked_at_start_reads_locked(system_bus):
    logind = FakeLogind(system_bus)
    logind.locked = True
    assert LockWatch(Bus("SYSTEM")).locked()
