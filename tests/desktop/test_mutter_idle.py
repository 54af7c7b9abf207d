"""GNOME's idle time from a real headless mutter on a private session bus: it grows, input
through RemoteDesktop resets it, and the source reads unknown while mutter is gone and answers
again when it is back. Then `glutewake run` takes a natural break on it."""

from __future__ import annotations

import time

import pytest

from glutewake.desktop.activity import MutterIdle, find_idle_source
from glutewake.desktop.bus import Bus
from tests.support import Running, glutewake, write_config
from tests.support.compositors import Mutter, away_and_back, status, wait_value

pytestmark = pytest.mark.desktop

NAME = "GNOME Mutter IdleMonitor"


@pytest.fixture(scope="module")
def mutter(tmp_path_factory):
    compositor = Mutter(tmp_path_factory.mktemp("mutter")).start()
    yield compositor
    compositor.stop()


@pytest.fixture
def bus(mutter):
    connection = Bus(mutter.bus_address)
    yield connection
    connection.close()


def test_idle_grows_and_remote_desktop_input_resets_it(mutter, bus, monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", mutter.socket)  # Mutter still comes first
    monkeypatch.delenv("DISPLAY", raising=False)
    source = find_idle_source(bus)
    assert isinstance(source, MutterIdle) and source.name == NAME
    mutter.move_pointer()
    start = source.idle_seconds()
    assert start is not None and start < 1.0
    grown = wait_value(source.idle_seconds, lambda v: v >= start + 0.8, "idle time to grow")
    assert grown < start + 3.0
    mutter.move_pointer()
    assert source.idle_seconds() < 0.5
    assert source.unknown_since is None


def test_mutter_gone_reads_unknown_and_back_answers(mutter, bus):
    source = MutterIdle(bus)
    assert source.idle_seconds() is not None
    killed = time.time()
    mutter.kill()
    assert source.idle_seconds() is None
    since = source.unknown_since
    assert since is not None and killed - 1 <= since <= time.time()
    assert source.idle_seconds() is None and source.unknown_since == since  # since the first
    mutter.start()
    value = wait_value(source.idle_seconds, lambda v: v is not None, "mutter to answer again")
    assert 0 <= value < 5 and source.unknown_since is None


@pytest.mark.parametrize("mode", [["--console"], ["--no-tray"]], ids=["console", "desktop"])
def test_glutewake_run_takes_a_natural_break_on_mutter(mutter, home, mode):
    env = dict(home, DBUS_SESSION_BUS_ADDRESS=mutter.bus_address, WAYLAND_DISPLAY=mutter.socket)
    away_and_back(env, mode, NAME, mutter.move_pointer)


def test_status_shows_mutter_unknown_while_it_is_gone(mutter, home):
    env = dict(home, DBUS_SESSION_BUS_ADDRESS=mutter.bus_address, WAYLAND_DISPLAY=mutter.socket)
    write_config(env, '[breaks]\nevery = "1h"\nnatural_break = "1h"\n')
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        assert status(env)["idle_state"] == "answering"
        mutter.kill()
        gone = status(env)
        assert gone["idle_source"] == NAME and gone["idle_state"].startswith("unknown since"), gone
        assert f"{NAME} (unknown since" in glutewake(env, "status").stdout
        mutter.start()
        wait_value(lambda: status(env)["idle_state"], lambda s: s == "answering",
                   "glutewake to read mutter again", timeout=6, every=0.3)
    finally:
        assert daemon.stop() == 0
    assert not [line for line in daemon.lines if "Traceback" in line], daemon.lines
