"""Fixtures only; helpers live in tests/support/: __init__.py (processes), helpers.py (the
coach), desktop.py, compositors.py, browser.py and syncthing.py (the parts of a real desktop), and
fuzz_calendar.py and fuzz_inputs.py (the fuzzers' generators). The tests themselves mirror the
package: tests/core, tests/store, tests/words, tests/app, tests/desktop, tests/pictures, and at
the top what spans it all (architecture, languages, glossaries, packaging)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import TEST_TICK
from tests.support.desktop import SNI_TOOLS, Desktop, require


@pytest.fixture
def home(tmp_path, monkeypatch) -> dict[str, str]:
    """Environment for a glutewake process whose files all live under tmp_path; its safety look
    comes every TEST_TICK seconds instead of every minute, so tests wait for conditions, not the
    clock."""
    env = dict(os.environ)
    # English, whatever the developer's own language: the tests that want another say so
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "LANGUAGE", "LC_ALL",
                 "LC_MESSAGES"):
        env.pop(name, None)
    env["LANG"] = "C.UTF-8"
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_RUNTIME_DIR=str(runtime),
               PYTHONUNBUFFERED="1", GLUTEWAKE_TICK=TEST_TICK)
    for name, value in env.items():
        if name.startswith(("XDG_", "HOME")):
            monkeypatch.setenv(name, value)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "LANGUAGE", "LC_ALL",
                 "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    told_already(env)
    return env


def told_already(env: dict[str, str]) -> None:
    """The health notice marked as told, so it does not come first in the tests of other things
    (tests/app/test_notice.py removes the mark)."""
    state = Path(env["XDG_STATE_HOME"], "glutewake")
    state.mkdir(mode=0o700, parents=True)
    (state / "health-notice").write_text("reminded\n")


@pytest.fixture
def session_bus(tmp_path, home, monkeypatch):
    """A private session bus alone (no display); its address, also in DBUS_SESSION_BUS_ADDRESS."""
    require(("dbus-daemon",), gtk=False)
    session = Desktop(tmp_path, home)
    session.start_bus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.env["DBUS_SESSION_BUS_ADDRESS"])
    yield session.env["DBUS_SESSION_BUS_ADDRESS"]
    session.stop()


@pytest.fixture
def desktop(tmp_path, home):
    """Xvfb, a private session bus, dunst and trayer (an XEmbed tray)."""
    require()
    session = Desktop(tmp_path, home).start()
    yield session
    session.stop()


@pytest.fixture
def sni_desktop(tmp_path, home):
    """The same with a StatusNotifierItem host instead of trayer."""
    require(SNI_TOOLS, gtk=False)
    session = Desktop(tmp_path, home).start(tray="sni")
    yield session
    session.stop()
