"""A real, private desktop for tests: Xvfb, a session bus, dunst, and a tray host.

Everything runs under the test's temporary HOME and is torn down by PID. dunst's context menu
goes through a dmenu stand-in that answers with the line a test asks for, and a dunst rule
records every notification it shows, so tests read back what a person would have seen.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from PIL import Image

from tests.support import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "desktop"
TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "xdotool", "trayer", "import", "xwininfo")
SNI_TOOLS = ("Xvfb", "dbus-daemon", "dbus-send", "dunst", "dunstctl", "xdotool", "import",
             "xwininfo", "status-notifier-watcher", "gtk-sni-tray-standalone")
DUNSTRC = Path("/etc/xdg/dunst/dunstrc")  # the packaged settings, copied with our dmenu


def require(tools=TOOLS, gtk: bool = True) -> None:
    """Skip with the reason when a tool is missing; in CI (CI=true) a missing tool is a failure.
    Every desktop test and fixture calls this before starting anything."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if "dunst" in tools and shutil.which("dunst") and not DUNSTRC.is_file():
        missing.append(f"dunst's packaged {DUNSTRC}")
    if gtk:
        try:
            import gi

            gi.require_version("Gtk", "3.0")
            from gi.repository import Gtk  # noqa: F401
        except (ImportError, ValueError):
            missing.append("PyGObject with GTK 3 (`make gtk`)")
    if not missing:
        return
    skip_or_fail(f"desktop tools missing: {', '.join(missing)}; install them with "
                 "`sudo bash .ci/desktop-packages.sh`, then `make test`")


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

DMENU = """#!/bin/sh
# dmenu stand-in for dunst: keep what was offered, answer with the first line asked for.
cat > "{folder}/dmenu-offered.txt"
want=$(cat "{folder}/dmenu-want" 2>/dev/null)
[ -n "$want" ] && grep -m1 -F "$want" "{folder}/dmenu-offered.txt"
exit 0
"""

RECORDER = """#!/bin/sh
# Called by dunst for each notification it shows: append it as one JSON line.
python3 -c 'import json, os, sys
print(json.dumps({{k[6:].lower(): v for k, v in os.environ.items()
                  if k.startswith("DUNST_")}}))' >> "{folder}/shown.jsonl"
"""


class Desktop:
    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder = folder
        self.env = dict(env)
        self.env["NO_AT_BRIDGE"] = "1"  # GTK must not start an accessibility bus of its own
        self._procs: dict[str, subprocess.Popen] = {}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # --- parts ---

    def start(self, tray: str = "trayer") -> Desktop:
        self.start_x()
        self.start_bus()
        self.start_dunst()
        if tray == "trayer":
            self.start_trayer()
        elif tray == "sni":
            self.start_watcher()
            self.start_sni_host()
        return self

    def start_x(self) -> None:
        read, write = os.pipe()
        self._procs["Xvfb"] = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-noreset", "-screen", "0",
             "1024x768x24"], pass_fds=[write], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not report its display"
        self.env["DISPLAY"] = f":{number}"

    def start_bus(self) -> None:
        socket = self.folder / "bus"
        config = self.folder / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=socket))
        self._procs["dbus"] = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: listening(socket), "the session bus socket")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={socket}"

    def start_dunst(self) -> None:
        dmenu = self.folder / "dmenu.sh"
        dmenu.write_text(DMENU.format(folder=self.folder))
        recorder = self.folder / "record.sh"
        recorder.write_text(RECORDER.format(folder=self.folder))
        for script in (dmenu, recorder):
            script.chmod(0o755)
        rc = re.sub(r"(?m)^\s*dmenu\s*=.*$", f"    dmenu = {dmenu}",
                    DUNSTRC.read_text())
        rc += f"\n[record]\n    appname = glutewake\n    script = {recorder}\n"
        (self.folder / "dunstrc").write_text(rc)
        self._procs["dunst"] = subprocess.Popen(
            ["dunst", "-config", str(self.folder / "dunstrc")], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.run("dunstctl", "count", "displayed", check=False).returncode == 0,
                 "dunst to answer")

    def kill_dunst(self) -> None:
        self._stop("dunst", signal.SIGKILL)

    def start_trayer(self) -> None:
        self._procs["trayer"] = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
             "--height", "32", "--SetDockType", "true", "--transparent", "false",
             "--tint", "0xffffff"], env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait_for(lambda: "trayer" in self.run("xwininfo", "-root", "-tree").stdout,
                 "the trayer panel")

    def start_watcher(self) -> None:
        """The StatusNotifierWatcher: items register with it, hosts ask it what to show."""
        self._procs["watcher"] = subprocess.Popen(
            ["status-notifier-watcher"], env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait_for(lambda: "org.kde.StatusNotifierWatcher" in self.bus_names(), "the watcher")

    def kill_watcher(self) -> None:
        self._stop("watcher", signal.SIGKILL)

    def start_sni_host(self) -> None:
        """A StatusNotifierItem host in a 256x32 panel at the top left of the screen."""
        self._procs["sni-host"] = subprocess.Popen(
            ["gtk-sni-tray-standalone", "--top", "--beginning", "--size", "32", "--length",
             "1 % 4"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: "gtk-sni-tray-standalone" in self.run("xwininfo", "-root", "-tree").stdout,
                 "the StatusNotifierItem host")

    def bus_names(self) -> list[str]:
        out = self.run("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                       "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames").stdout
        return re.findall(r'string "([^"]+)"', out)

    def name_owner(self, name: str) -> str:
        """The unique name of the connection that owns `name` on the session bus."""
        out = self.run("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                       "/org/freedesktop/DBus", "org.freedesktop.DBus.GetNameOwner",
                       f"string:{name}").stdout
        return re.findall(r'string "([^"]+)"', out)[0]

    # --- using it ---

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=20,
                                errors="replace")
        if check and result.returncode != 0:
            raise AssertionError(f"{command} failed: {result.stderr}")
        return result

    def screenshot(self, name: str) -> Image.Image:
        path = ARTIFACTS / f"{name}.png"
        self.run("import", "-window", "root", str(path))
        return Image.open(path).convert("RGB")

    def screenshot_when(self, name: str, check, what: str, timeout: float = 10.0) -> Image.Image:
        """Take screenshots until `check(image)` holds and return that one (kept as `name`)."""
        shot: list[Image.Image] = []

        def taken() -> bool:
            shot[:] = [self.screenshot(name)]
            return check(shot[0])

        wait_for(taken, f"{what} (the last screenshot: {ARTIFACTS / name}.png)", timeout, 0.2)
        return shot[0]

    def shown(self) -> list[dict]:
        """Every notification dunst has shown, oldest first."""
        path = self.folder / "shown.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def wait_shown(self, count: int, timeout: float = 20.0) -> list[dict]:
        wait_for(lambda: len(self.shown()) >= count, f"{count} notification(s) in dunst", timeout)
        return self.shown()

    def press_in_notification(self, label: str) -> None:
        """Open dunst's context menu and pick the action whose line contains `label`."""
        offered = self.folder / "dmenu-offered.txt"
        offered.unlink(missing_ok=True)
        (self.folder / "dmenu-want").write_text(label)
        self.run("dunstctl", "context")
        wait_for(lambda: offered.exists() and offered.stat().st_size > 0, "dunst's action menu")
        time.sleep(0.2)  # dunst acts on the answer

    def tray_icon(self, timeout: float = 10.0) -> tuple[int, int, int, int]:
        """(x, y, width, height) of glutewake's icon docked in trayer, once it has settled: trayer
        first docks an icon 16 px wide, then lays its panel out again, and a click meanwhile
        only shows the tooltip."""
        seen: list = [None]

        def where() -> tuple[int, int, int, int] | None:
            tree = self.run("xwininfo", "-root", "-tree").stdout
            panel = re.search(r'"panel": \("panel" "trayer"\)\s+(\d+)x(\d+)\+-?\d+\+-?\d+\s+'
                              r"\+(-?\d+)\+(-?\d+)", tree)
            if not panel:
                return None
            pw, ph, px, py = map(int, panel.groups())
            # gtk names the class ("glutewake" "Glutewake"), xorg ("glutewakeSystemTrayIcon"
            # "glutewake")
            for match in re.finditer(r'\("glutewake\w*" "[Gg]lutewake"\)\s+(\d+)x(\d+)'
                                     r"\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)", tree):
                w, h, x, y = map(int, match.groups())
                if px <= x < px + pw and py <= y < py + ph and w >= 16:
                    return (x, y, w, h)
            return None

        def settled() -> bool:
            now = where()
            still = now is not None and now == seen[0]
            seen[0] = now
            return still

        wait_for(settled, "glutewake's icon in the tray", timeout, every=0.25)
        return seen[0]

    def tray_menu(self, keys: list[str]) -> None:
        """Right-click the tray icon, then drive the menu with the keyboard."""
        x, y, w, h = self.tray_icon()
        self.run("xdotool", "mousemove", str(x + w // 2), str(y + h // 2), "click", "3")
        wait_for(self._menu_open, "the tray menu to open")
        time.sleep(0.3)  # GTK grabs the keyboard once the menu is up
        if keys:
            self.run("xdotool", "key", "--delay", "150", *keys)

    def fullscreen_window(self) -> FullScreenWindow:
        return FullScreenWindow(self.env["DISPLAY"])

    def _menu_open(self) -> bool:
        """A large glutewake window is mapped: the popup menu (closed ones stay in the tree)."""
        tree = self.run("xwininfo", "-root", "-tree").stdout
        for ident, w, h in re.findall(r'(0x[0-9a-f]+) "?[^\n]*\("glutewake" "Glutewake"\)\s+'
                                      r"(\d+)x(\d+)", tree):
            if int(w) > 150 and int(h) > 150:
                info = self.run("xwininfo", "-id", ident, check=False).stdout
                if "IsViewable" in info:
                    return True
        return False

    def move_mouse(self) -> None:
        """Input, as a person at the desk makes it: resets the X idle counter."""
        self.run("xdotool", "mousemove_relative", "--", "3", "0")
        self.run("xdotool", "mousemove_relative", "--", "-3", "0")

    def stop(self) -> None:
        for name in reversed(list(self._procs)):  # hosts first, the X server last
            self._stop(name, signal.SIGTERM)

    def _stop(self, name: str, how: int) -> None:
        proc = self._procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(how)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def listening(path: Path) -> bool:
    """Whether a server accepts connections on the socket `path`: a dbus-daemon makes the file
    a moment before it listens, and a client that comes then is refused."""
    import socket

    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def wait_for(check, what: str, timeout: float = 10.0, every: float = 0.1):
    """Poll `check` until it gives something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def forge_notification_signals(bus_address: str, ident: int, key: str = "done",
                               to: str | None = None) -> None:
    """What any program on the session bus can send: the notification server's ActionInvoked
    (`key` pressed on notification `ident`) and NotificationClosed, from a connection of its own
    that does not own org.freedesktop.Notifications; to everyone, or only to the connection `to`.
    Returns once the bus has passed them on (a call after them has come back)."""
    from jeepney import DBusAddress, HeaderFields, new_signal
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    server = DBusAddress("/org/freedesktop/Notifications",
                         interface="org.freedesktop.Notifications")
    with open_dbus_connection(bus_address) as conn:
        for member, signature, body in (("ActionInvoked", "us", (ident, key)),
                                        ("NotificationClosed", "uu", (ident, 2))):
            signal = new_signal(server, member, signature, body)
            if to:
                signal.header.fields[HeaderFields.destination] = to
            conn.send(signal)
        conn.send_and_get_reply(message_bus.GetId(), timeout=5)  # the bus is past them


def resident_mb(pid: int) -> float:
    """A process's resident memory now, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def share(image: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int],
          tolerance: int = 60) -> float:
    """The share of pixels in `box` (x, y, w, h) within `tolerance` of `colour`."""
    x, y, w, h = box
    counts = image.crop((x, y, x + w, y + h)).getcolors(w * h)
    near = sum(n for n, pixel in counts
               if sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= tolerance)
    return near / (w * h)


class FullScreenWindow:
    """A window covering the screen with the EWMH full-screen state, holding the input focus:
    what a film or slides look like to a window manager (there is none here, so the test sets
    the state itself, as a window manager would)."""

    def __init__(self, display_name: str):
        from Xlib import X, Xatom, display

        self._display = display.Display(display_name)
        screen = self._display.screen()
        self.window = screen.root.create_window(0, 0, screen.width_in_pixels,
                                                screen.height_in_pixels, 0, screen.root_depth,
                                                background_pixel=screen.black_pixel)
        self._state = self._display.intern_atom("_NET_WM_STATE")
        full = self._display.intern_atom("_NET_WM_STATE_FULLSCREEN")
        self.window.change_property(self._state, Xatom.ATOM, 32, [full])
        self.window.map()
        self._display.sync()
        self.window.set_input_focus(X.RevertToParent, X.CurrentTime)
        self._display.sync()

    def leave(self) -> None:
        """Back from full screen: the state goes, the window stays focused."""
        self.window.delete_property(self._state)
        self._display.sync()

    def close(self) -> None:
        self.window.destroy()
        self._display.close()
