"""Idle time from real headless Wayland compositors: sway 1.7 (only the KDE idle protocol) and
KWin 5.27 (ext-idle-notify-v1 first). Each compositor starts once per module; a test that kills
one starts a fresh one of its own."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from glutewake.desktop import wayland
from glutewake.desktop.activity import find_idle_source
from tests.support import Running
from tests.support.compositors import KWin, Sway, away_and_back, globals_of, wait_value

pytestmark = pytest.mark.desktop

ROOT = Path(__file__).resolve().parents[2]
KDE_NAME = "Wayland KDE idle (org_kde_kwin_idle)"
EXT_NAME = "Wayland ext-idle-notify-v1"


@pytest.fixture(scope="module")
def sway():
    compositor = Sway().start()
    yield compositor
    compositor.stop()


@pytest.fixture(scope="module")
def kwin(tmp_path_factory):
    compositor = KWin(tmp_path_factory.mktemp("kwin")).start()
    yield compositor
    compositor.stop()


# (fixture, the name the source should have, how a person's input is made)
COMPOSITORS = {
    "sway": (KDE_NAME, lambda c: c.type("a")),
    "kwin": (EXT_NAME, lambda c: c.move_pointer()),
}


@pytest.fixture(params=sorted(COMPOSITORS))
def desk(request, monkeypatch):
    """(compositor, expected source name, input) with this process pointed at it alone."""
    compositor = request.getfixturevalue(request.param)
    monkeypatch.setenv("WAYLAND_DISPLAY", compositor.socket)
    for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    name, make_input = COMPOSITORS[request.param]
    return compositor, name, lambda: make_input(compositor)


class Changes:
    """Counts on_change calls (made on the wayland-idle thread)."""

    def __init__(self):
        self.count = 0
        self._cond = threading.Condition()

    def __call__(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def wait_past(self, seen: int, timeout: float = 10.0) -> int:
        with self._cond:
            assert self._cond.wait_for(lambda: self.count > seen, timeout), \
                f"no change reported within {timeout} s (still {self.count})"
            return self.count


@pytest.fixture
def sources():
    made = []
    yield made
    for source in made:
        source.close()


def test_display_path_takes_a_full_path_or_a_name_in_the_runtime_dir():
    assert wayland.display_path({"WAYLAND_DISPLAY": "/run/x/wayland-3"}) == "/run/x/wayland-3"
    assert wayland.display_path({"WAYLAND_DISPLAY": "wayland-1",
                                 "XDG_RUNTIME_DIR": "/run/user/7"}) == "/run/user/7/wayland-1"
    assert wayland.display_path({"WAYLAND_DISPLAY": "wayland-1"}) is None
    assert wayland.display_path({"XDG_RUNTIME_DIR": "/run/user/7"}) is None


def test_sway_offers_only_the_kde_protocol_and_kwin_both(sway, kwin):
    """What the order of the candidates is about: sway 1.7 needs the KDE fallback; KWin has
    both and ext-idle-notify-v1 wins."""
    on_sway, on_kwin = globals_of(sway.socket), globals_of(kwin.socket)
    assert "org_kde_kwin_idle" in on_sway and "ext_idle_notifier_v1" not in on_sway
    assert "org_kde_kwin_idle" in on_kwin and "ext_idle_notifier_v1" in on_kwin


def test_found_by_full_path_and_by_name_in_the_runtime_dir(desk, sources, monkeypatch):
    compositor, name, _ = desk
    by_path = find_idle_source(None, lambda: 60.0)
    assert by_path is not None
    sources.append(by_path)
    assert by_path.name == name and by_path.unknown_since is None
    assert by_path.idle_seconds() == 0.0  # input is "recent": below the threshold
    folder, socket_name = os.path.split(compositor.socket)
    monkeypatch.setenv("WAYLAND_DISPLAY", socket_name)
    monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
    by_name = find_idle_source(None, lambda: 60.0)
    assert by_name is not None
    sources.append(by_name)
    assert by_name.name == name
    assert [t.name for t in threading.enumerate()].count("wayland-idle") >= 2


def test_idle_after_the_threshold_and_input_resumes(desk, sources):
    compositor, name, make_input = desk
    changes = Changes()
    make_input()
    started = time.monotonic()
    source = find_idle_source(None, lambda: 1.5, changes)
    sources.append(source)
    assert source.name == name
    changes.wait_past(0, timeout=10)
    took = time.monotonic() - started
    first = source.idle_seconds()
    assert 1.4 <= took <= 4.0, took
    assert 1.5 <= first <= 1.5 + 1.0, first  # the threshold plus a moment since the event
    later = wait_value(source.idle_seconds, lambda v: v >= first + 0.3, "idle time to grow")
    assert later < first + 3.0
    seen = changes.count
    make_input()
    changes.wait_past(seen, timeout=5)
    assert source.idle_seconds() == 0.0
    assert source.unknown_since is None


def test_a_new_threshold_rearms_the_notification_and_keeps_an_idle_spell(desk, sources):
    compositor, name, make_input = desk
    wanted = [60.0]
    changes = Changes()
    make_input()
    source = find_idle_source(None, lambda: wanted[0], changes)
    sources.append(source)
    time.sleep(0.3)
    assert source.idle_seconds() == 0.0 and changes.count == 0
    wanted[0] = 1.0
    changed = time.monotonic()
    assert source.idle_seconds() == 0.0  # read here: the thread re-arms
    changes.wait_past(0, timeout=5)
    assert 0.9 <= time.monotonic() - changed <= 3.0
    idle = source.idle_seconds()
    assert idle >= 1.0
    # a longer threshold while idle: the spell goes on (the new notification starts at zero)
    wanted[0] = 30.0
    assert source.idle_seconds() >= idle
    time.sleep(0.5)
    assert source.idle_seconds() >= idle + 0.4
    seen = changes.count
    make_input()
    changes.wait_past(seen, timeout=5)
    wait_value(source.idle_seconds, lambda v: v == 0.0, "input to end the idle spell")


CHILD = r"""
import sys
from glutewake.desktop.activity import find_idle_source

source = None

def changed():
    if source is not None:
        print(f"change idle={source.idle_seconds()} since={source.unknown_since}", flush=True)

source = find_idle_source(None, lambda: 60.0, changed)
print(f"using {source.name if source else None}", flush=True)
sys.stdin.read()  # until the test closes it; then exit without closing the source
print("leaving", flush=True)
"""


class Child(Running):
    """A Python child whose output lines can be awaited, and whose stdin ends it."""

    def __init__(self, env: dict[str, str], code: str):
        self.proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()


def child_watching(socket: str) -> Child:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(WAYLAND_DISPLAY=socket, PYTHONUNBUFFERED="1")
    return Child(env, CHILD)


@pytest.mark.parametrize("kind", ["sway", "kwin"])
def test_the_compositor_dying_reads_unknown_it_comes_back_and_exit_stays_clean(kind,
                                                                               tmp_path):
    """A process of its own (so a crash at exit would show as its exit status): the source
    reads None with unknown_since once the compositor dies, answers again when it is back on
    the same socket, and the process exits with 0 although it never closes the source, both
    while connected and while the compositor is gone."""
    compositor = Sway() if kind == "sway" else KWin(tmp_path, name="glutewake-kwin-dying")
    compositor.start()
    child = None
    try:
        name = KDE_NAME if kind == "sway" else EXT_NAME
        child = child_watching(compositor.socket)
        child.wait_for(f"using {name}", timeout=15)
        killed = time.time()
        compositor.kill()
        line = child.wait_for("change idle=None", timeout=5)
        since = float(line.rpartition("since=")[2])
        assert killed - 1 <= since <= time.time()
        socket = compositor.socket
        compositor.start()
        assert compositor.socket == socket
        child.wait_for("change idle=0.0 since=None", timeout=10)  # retried after 2 s
        compositor.kill()
        child.wait_for("change idle=None", timeout=5)
        child.proc.stdin.close()
        assert child.proc.wait(10) == 0, "\n".join(child.lines)
        child.wait_for("leaving", timeout=1)
    finally:
        if child is not None and child.proc.poll() is None:
            child.proc.kill()
        compositor.stop()


# --- end to end: `glutewake run` on the compositor, a 3 s natural break ---

@pytest.mark.parametrize("mode", [["--console"], ["--no-tray"]], ids=["console", "desktop"])
def test_glutewake_run_takes_a_natural_break_on_the_compositor(desk, home, mode):
    compositor, name, make_input = desk
    env = dict(home, WAYLAND_DISPLAY=compositor.socket)
    away_and_back(env, mode, name, make_input)
