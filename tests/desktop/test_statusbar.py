"""glutewake in a status bar: the README's waybar module on a real headless sway.

waybar runs with the module exactly as README.md writes it (read from the README, so the test
follows the documentation), `glutewake` on PATH is this checkout's entry point, and a daemon
runs beside it. grim photographs the bar after each change; the pictures land in
artifacts/statusbar/. A small reader that does what waybar's custom module does (spawn the
exec, read a line, decode it, take text, tooltip and class) checks the protocol itself, also
where waybar is not installed.

Pointer input for hovering and clicking the module comes from a virtual pointer
(zwlr_virtual_pointer_v1, which sway 1.7 offers); its bindings are generated here with
pywayland's scanner from the few lines of protocol description below.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.support import glutewake, skip_or_fail, write_config
from tests.support.compositors import Sway
from tests.support.desktop import share, wait_for

pytestmark = pytest.mark.desktop

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ARTIFACTS = ROOT / "artifacts" / "statusbar"

BAR = (0, 0, 800, 30)  # the bar across the top of sway's 800x600 output
TOOLTIP = (12, 45, 120, 25)  # inside the tooltip GTK opens under the module's left end
TOOLTIP_BACKGROUND = (0x0c, 0x0c, 0x0c)  # Adwaita's tooltip, nearly black
BAR_BACKGROUND = (0x20, 0x20, 0x20)
# The stylesheet is the test's own (README says nothing about looks): one colour per `class`
# the JSON carries, so a picture of the bar tells which state it shows.
COLOURS = {"sitting": (0x2e, 0x8b, 0x57), "paused": (0x30, 0x50, 0xc0),
           "due": (0xc0, 0x30, 0x30), "stopped": (0x80, 0x80, 0x80)}
STYLE = """
* { font-family: "DejaVu Sans"; font-size: 14px; border: none; border-radius: 0; min-height: 0; }
window#waybar { background-color: #202020; color: #ffffff; }
#custom-glutewake { padding: 0 8px; }
""" + "".join(f"#custom-glutewake.{name} {{ background-color: #{r:02x}{g:02x}{b:02x}; }}\n"
              for name, (r, g, b) in COLOURS.items())

# zwlr_virtual_pointer_v1, the requests in protocol order (their numbers are their places).
VIRTUAL_POINTER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<protocol name="wlr_virtual_pointer_unstable_v1">
  <interface name="zwlr_virtual_pointer_v1" version="2">
    <request name="motion">
      <arg name="time" type="uint"/><arg name="dx" type="fixed"/><arg name="dy" type="fixed"/>
    </request>
    <request name="motion_absolute">
      <arg name="time" type="uint"/><arg name="x" type="uint"/><arg name="y" type="uint"/>
      <arg name="x_extent" type="uint"/><arg name="y_extent" type="uint"/>
    </request>
    <request name="button">
      <arg name="time" type="uint"/><arg name="button" type="uint"/><arg name="state" type="uint"/>
    </request>
    <request name="axis">
      <arg name="time" type="uint"/><arg name="axis" type="uint"/><arg name="value" type="fixed"/>
    </request>
    <request name="frame"/>
    <request name="axis_source"><arg name="axis_source" type="uint"/></request>
    <request name="axis_stop"><arg name="time" type="uint"/><arg name="axis" type="uint"/></request>
    <request name="axis_discrete">
      <arg name="time" type="uint"/><arg name="axis" type="uint"/><arg name="value" type="fixed"/>
      <arg name="discrete" type="int"/>
    </request>
    <request name="destroy" type="destructor"/>
  </interface>
  <interface name="zwlr_virtual_pointer_manager_v1" version="2">
    <request name="create_virtual_pointer">
      <arg name="seat" type="object" interface="wl_seat" allow-null="true"/>
      <arg name="id" type="new_id" interface="zwlr_virtual_pointer_v1"/>
    </request>
    <request name="destroy" type="destructor"/>
  </interface>
</protocol>
"""
STUB_WAYLAND_XML = """<?xml version="1.0" encoding="UTF-8"?>
<protocol name="wayland"><interface name="wl_seat" version="7"/></protocol>
"""

# A child process holding a virtual pointer on sway's default seat; it reads "move X Y" and
# "click" (the left button) on stdin and answers "ok" once sway has taken each.
POINTER = """
import importlib, sys, time
sys.path.insert(0, sys.argv[2])
protocol = importlib.import_module("bindings.wlr_virtual_pointer_unstable_v1")
from pywayland.client import Display
display = Display(sys.argv[1])
display.connect()
try:
    found = {}
    registry = display.get_registry()
    registry.dispatcher["global"] = lambda _r, name, interface, _v: found.update({interface: name})
    display.roundtrip()
    manager = registry.bind(found["zwlr_virtual_pointer_manager_v1"],
                            protocol.ZwlrVirtualPointerManagerV1, 1)
    pointer = manager.create_virtual_pointer(None)
    display.roundtrip()
    for line in sys.stdin:
        words = line.split()
        ms = int(time.monotonic() * 1000) & 0xFFFFFFFF
        if words[0] == "move":
            pointer.motion_absolute(ms, int(words[1]), int(words[2]), 800, 600)
            pointer.frame()
        elif words[0] == "click":
            for state in (1, 0):  # BTN_LEFT pressed, released
                pointer.button(ms, 0x110, state)
                pointer.frame()
        display.roundtrip()
        print("ok", flush=True)
    pointer.destroy()
    display.roundtrip()
finally:
    display.disconnect()
"""


def readme_waybar_module() -> dict:
    """The waybar module for glutewake as README.md writes it."""
    found = re.search(r'"custom/glutewake":\s*(\{.*?\})', README.read_text("utf-8"), re.S)
    assert found, "README.md has no waybar snippet for \"custom/glutewake\""
    module = json.loads(found[1])
    assert module["exec"] == "glutewake status --follow --json", module
    assert module["return-type"] == "json", module
    return module


def entry_point_path() -> str:
    """PATH with this checkout's `glutewake` entry point first."""
    script = Path(sys.executable).with_name("glutewake")
    if not script.is_file():
        skip_or_fail(f"no glutewake entry point next to {sys.executable}; "
                     "`pip install -e .` into that venv first")
    return f"{script.parent}{os.pathsep}{os.environ.get('PATH', '')}"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def end(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class Desk:
    """sway, a glutewake daemon and waybar, all on one private home."""

    def __init__(self, home: dict[str, str], folder: Path):
        for tool, package in (("waybar", "waybar"), ("grim", "grim")):
            if shutil.which(tool) is None:
                skip_or_fail(f"{tool} is missing; install it with "
                             f"`apt-get install --no-install-recommends {package}`")
        self.folder = folder
        self.sway = Sway().start()
        self.env = dict(home, WAYLAND_DISPLAY=self.sway.socket, PATH=entry_point_path(),
                        NO_AT_BRIDGE="1")
        self.daemon: subprocess.Popen | None = None
        self.waybar: subprocess.Popen | None = None
        self.pointer: subprocess.Popen | None = None
        self.waybar_log = folder / "waybar.log"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def start_daemon(self, config: str) -> None:
        write_config(self.env, config)
        self.daemon = subprocess.Popen(["glutewake", "run", "--console"], env=self.env,
                                       stdout=open(self.folder / "daemon.log", "w"),
                                       stderr=subprocess.STDOUT)
        wait_for(lambda: glutewake(self.env, "status").returncode == 0, "the daemon to answer",
                 timeout=15, every=0.2)
        status = json.loads(glutewake(self.env, "status", "--json").stdout)
        assert status["settings_error"] == "", status["settings_error"]

    def start_waybar(self, module: dict) -> None:
        config = {"layer": "top", "position": "top", "height": BAR[3],
                  "modules-left": ["custom/glutewake"], "custom/glutewake": module}
        (self.folder / "waybar.json").write_text(json.dumps(config, indent=2))
        (self.folder / "waybar.css").write_text(STYLE)
        self.waybar = subprocess.Popen(
            ["waybar", "-c", str(self.folder / "waybar.json"), "-s",
             str(self.folder / "waybar.css"), "-l", "debug"],
            env=self.env, stdout=open(self.waybar_log, "w"), stderr=subprocess.STDOUT)
        wait_for(lambda: "Bar configured" in self.log(), "waybar to put its bar on the output")

    def log(self) -> str:
        return self.waybar_log.read_text(errors="replace") if self.waybar_log.exists() else ""

    def markup_errors(self) -> list[str]:
        """GTK's complaints about text waybar could not show."""
        return [line for line in self.log().splitlines() if "Failed to set" in line]

    def shot(self, name: str) -> Image.Image:
        path = ARTIFACTS / f"{name}.png"
        subprocess.run(["grim", str(path)], env=self.env, check=True, timeout=15,
                       capture_output=True)
        return Image.open(path).convert("RGB")

    def shot_when(self, name: str, check, what: str, timeout: float = 10.0) -> Image.Image:
        taken: list[Image.Image] = []

        def holds() -> bool:
            taken[:] = [self.shot(name)]
            problems = self.markup_errors()
            if problems:  # the text will not show: say why now instead of waiting
                raise AssertionError(f"waybar could not show glutewake's text while waiting for "
                                     f"{what} ({ARTIFACTS / name}.png): {problems[-1]}")
            return check(taken[0])

        try:
            wait_for(holds, what, timeout, every=0.2)
        except AssertionError as err:
            raise AssertionError(f"{err}; the last picture is {ARTIFACTS / name}.png") from None
        return taken[0]

    def showing(self, phase: str, at_least: float = 0.03):
        """A check on a picture: the bar shows the module in the colour of `phase`, with
        white text in it."""
        def check(image: Image.Image) -> bool:
            return (share(image, BAR, COLOURS[phase], tolerance=30) > at_least
                    and share(image, BAR, (255, 255, 255), tolerance=120) > 0.005)
        return check

    def start_pointer(self) -> None:
        bindings = self.folder / "bindings"
        bindings.mkdir()
        (self.folder / "pointer.xml").write_text(VIRTUAL_POINTER_XML)
        (self.folder / "stub.xml").write_text(STUB_WAYLAND_XML)
        subprocess.run([sys.executable, "-m", "pywayland.scanner", "-i",
                        str(self.folder / "stub.xml"), str(self.folder / "pointer.xml"),
                        "-o", str(bindings)], check=True, capture_output=True, timeout=30)
        (bindings / "__init__.py").write_text("")
        self.pointer = subprocess.Popen([sys.executable, "-c", POINTER, self.sway.socket,
                                         str(self.folder)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def point(self, line: str) -> None:
        assert self.pointer is not None and self.pointer.stdin and self.pointer.stdout
        self.pointer.stdin.write(line + "\n")
        self.pointer.stdin.flush()
        assert self.pointer.stdout.readline().strip() == "ok", f"the virtual pointer: {line}"

    def stop(self) -> None:
        if self.pointer is not None and self.pointer.poll() is None:
            self.pointer.stdin.close()
            try:
                self.pointer.wait(5)
            except subprocess.TimeoutExpired:
                self.pointer.kill()
        # waybar ends its exec when it closes; what it started is ended here too, by pid, in
        # case waybar could not
        followers = children_of(self.waybar.pid) if self.waybar else []
        end(self.waybar)
        for pid in followers:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if self.daemon is not None and self.daemon.poll() is None:
            glutewake(self.env, "quit")
            try:
                self.daemon.wait(10)
            except subprocess.TimeoutExpired:
                end(self.daemon)
        self.sway.stop()


@pytest.fixture
def desk(home, tmp_path):
    made = Desk(home, tmp_path)
    yield made
    made.stop()


def differs(a: Image.Image, b: Image.Image, box) -> bool:
    x, y, w, h = box
    return ImageChops.difference(a.crop((x, y, x + w, y + h)),
                                 b.crop((x, y, x + w, y + h))).getbbox() is not None


def test_the_readme_waybar_module_shows_glutewake_and_follows_pause_and_resume(desk):
    desk.start_daemon('[breaks]\nevery = "1h"\nnatural_break = "1h"\n')
    desk.start_waybar(readme_waybar_module())
    sitting = desk.shot_when("bar-sitting", desk.showing("sitting"),
                             "the bar to show glutewake's line while you sit")
    assert not desk.markup_errors(), desk.markup_errors()
    assert glutewake(desk.env, "pause").returncode == 0
    paused = desk.shot_when("bar-paused", desk.showing("paused"), "the bar to show the pause")
    assert differs(sitting, paused, BAR)
    assert share(paused, BAR, COLOURS["sitting"], tolerance=30) < 0.01
    assert glutewake(desk.env, "resume").returncode == 0
    resumed = desk.shot_when("bar-resumed", desk.showing("sitting"),
                             "the bar to show sitting again after resume")
    assert differs(paused, resumed, BAR)
    assert share(resumed, BAR, COLOURS["paused"], tolerance=30) < 0.01
    assert not desk.markup_errors(), desk.markup_errors()
    # nothing else of the screen is touched: the bar stays a bar
    assert share(resumed, (0, 40, 800, 560), BAR_BACKGROUND, tolerance=10) < 0.01


def test_a_due_break_turns_the_module_red_its_tooltip_names_the_exercise_and_a_click_is_done(desk):
    desk.start_daemon('[breaks]\nevery = "3s"\nsnooze = "2s"\nnatural_break = "1h"\n'
                      'remind_again = "1h"\n')
    desk.start_waybar(readme_waybar_module())
    desk.shot_when("bar-due", desk.showing("due"), "the module to turn to the due colour")
    before = desk.shot("bar-before-hover")
    assert share(before, TOOLTIP, TOOLTIP_BACKGROUND, tolerance=40) < 0.05
    desk.start_pointer()
    desk.point("move 30 15")  # over the module's text
    desk.shot_when("bar-tooltip",
                   lambda image: share(image, TOOLTIP, TOOLTIP_BACKGROUND, tolerance=40) > 0.5
                   and share(image, TOOLTIP, (255, 255, 255), tolerance=120) > 0.01,
                   "the module's tooltip (a dark box with text) under the bar")
    expected = json.loads(glutewake(desk.env, "status", "--json").stdout)
    assert expected["phase"] == "due" and expected["exercise"], expected
    assert "on-click" in readme_waybar_module(), "README's module has no on-click"
    desk.point("click")
    wait_for(lambda: json.loads(glutewake(desk.env, "status", "--json").stdout)["done_today"] == 1,
             "the click to log the break (README's on-click)")
    desk.point("move 700 300")  # away, so the tooltip goes
    desk.shot_when("bar-after-click", desk.showing("sitting"),
                   "the module to show sitting after the break")
    log = glutewake(desk.env, "log").stdout
    done = [line for line in log.splitlines() if " done " in line]
    assert len(done) == 1 and "early" not in done[0], log  # it answered the due reminder


class Follower:
    """What waybar's custom module does with `return-type: json`: spawn the exec in a shell,
    read a line at a time, decode each as one JSON object and take text, tooltip and class."""

    def __init__(self, env: dict[str, str], command: str):
        self.proc = subprocess.Popen(command, shell=True, env=env, stdout=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.lines: queue.Queue[tuple[float, dict]] = queue.Queue()
        self.seen: list[tuple[float, dict]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), json.loads(line)))

    def next(self, timeout: float = 5.0) -> dict:
        at, item = self.lines.get(timeout=timeout)
        for key in ("text", "tooltip", "class"):
            assert isinstance(item.get(key), str), (key, item)
        assert item["text"], item
        self.seen.append((at, item))
        return item

    def until(self, check, what: str, timeout: float = 6.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                item = self.next(max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"no line for {what} within {timeout} s; seen: "
                                     f"{[i for _, i in self.seen][-3:]}") from None
            if check(item):
                return item

    def quiet_for(self, seconds: float) -> bool:
        try:
            self.next(seconds)
        except queue.Empty:
            return True
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the shell and the glutewake under it
            self.proc.wait(5)


def test_the_follow_protocol_a_custom_module_reads(home, tmp_path):
    env = dict(home, PATH=entry_point_path())
    write_config(env, '[breaks]\nevery = "1h"\nnatural_break = "1h"\n')

    def start():
        proc = subprocess.Popen(["glutewake", "run", "--console"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: glutewake(env, "status").returncode == 0, "the daemon to answer",
                 timeout=15, every=0.2)
        return proc

    daemon = start()
    follower = Follower(env, readme_waybar_module()["exec"])
    try:
        first = follower.until(lambda i: i["class"] == "sitting", "sitting")
        assert first["running"] is True and first["text"] == first["line"]
        assert first["tooltip"] == first["exercise"] and first["state"] == "Idle"
        assert follower.quiet_for(2.5), "a line without a change"  # the seconds alone: no line
        assert glutewake(env, "pause").returncode == 0
        paused = follower.until(lambda i: i["class"] == "paused", "the pause", timeout=3)
        assert paused["text"] != first["text"]
        assert glutewake(env, "resume").returncode == 0
        follower.until(lambda i: i["class"] == "sitting", "the resume", timeout=3)
        assert glutewake(env, "quit").returncode == 0
        assert daemon.wait(10) == 0
        gone = follower.until(lambda i: i["class"] == "stopped", "the daemon's end", timeout=4)
        assert gone["running"] is False and gone["text"] == "glutewake is not running"
        assert follower.proc.poll() is None  # the bar's exec outlives the daemon ...
        daemon = start()
        follower.until(lambda i: i["class"] == "sitting", "the new daemon", timeout=4)  # ... and
        # finds the next one
        times = [at for at, _ in follower.seen]  # one a second at most:
        assert all(b - a >= 0.8 for a, b in zip(times, times[1:], strict=False)), times
    finally:
        follower.stop()
        glutewake(env, "quit")
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            end(daemon)
