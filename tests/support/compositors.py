"""Headless compositors for tests: GNOME's mutter, sway 1.7 (alone, or with mako showing
notifications on it) and KWin 5.27, each with a runtime dir of its own under a temp folder,
started and stopped by PID.

- Mutter runs on a private session bus (tests.support.desktop.BUS_CONFIG); input goes through its
  RemoteDesktop API, from one bus connection (the remote session dies with the connection).
- sway refuses to run as root: as root it runs as `nobody` (setpriv), in a 0700 runtime dir that
  belongs to nobody inside a folder others may pass through. Root still reaches its socket.
  `wtype` (as the same user) types.
- KWin runs under dbus-run-session from a copy of its binary (this machine refuses the file
  capability of /usr/bin/kwin_wayland); KWIN_WAYLAND_NO_PERMISSION_CHECKS=1 lets any client use
  org_kde_kwin_fake_input, whose bindings are generated here from plasma-wayland-protocols.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import Running, glutewake, journal_path, skip_or_fail, write_config
from tests.support.desktop import BUS_CONFIG, listening, wait_for

PROTOCOLS = Path("/usr/share/plasma-wayland-protocols")
UNPRIVILEGED = 65534  # nobody / nogroup on Debian

# Lists the compositor's globals, one "interface version" a line; run in a child process so that
# the test process keeps no Wayland connection of its own.
GLOBALS = """
import sys
from pywayland.client import Display
display = Display(sys.argv[1])
display.connect()
try:
    seen = []
    registry = display.get_registry()
    def announced(_registry, name, interface, version):
        seen.append(f"{interface} {version}")
    registry.dispatcher["global"] = announced
    display.roundtrip()
    print("\\n".join(seen))
finally:
    display.disconnect()
"""

# Moves KWin's pointer by three pixels through org_kde_kwin_fake_input.
FAKE_MOTION = """
import importlib.util, sys
from pywayland.client import Display
spec = importlib.util.spec_from_file_location("fake_input", sys.argv[2])
fake_input = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake_input)
display = Display(sys.argv[1])
display.connect()
try:
    found = {}
    def announced(_registry, name, interface, version):
        found[interface] = name
    registry = display.get_registry()
    registry.dispatcher["global"] = announced
    display.roundtrip()
    fake = registry.bind(found["org_kde_kwin_fake_input"], fake_input.OrgKdeKwinFakeInput, 1)
    fake.authenticate("glutewake tests", "input for the idle tests")
    fake.pointer_motion(3.0, 0.0)
    fake.pointer_motion(-3.0, 0.0)
    display.roundtrip()
finally:
    display.disconnect()
"""

STUB_WAYLAND_XML = """<?xml version="1.0" encoding="UTF-8"?>
<protocol name="wayland"><interface name="wl_seat" version="9"/></protocol>
"""


def require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"compositor tools missing: {', '.join(missing)}; install them with "
                     "`sudo bash .ci/desktop-packages.sh`")


def base_env(runtime: Path, home: Path) -> dict[str, str]:
    """A clean environment: no display, bus or runtime dir of the person running the tests."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "WAYLAND_", "DBUS_", "WLR_", "SWAYSOCK", "KWIN_"))
           and k != "DISPLAY"}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime))
    return env


def globals_of(socket: str) -> dict[str, int]:
    """The compositor's globals and their versions, asked from a child process."""
    out = subprocess.run([sys.executable, "-c", GLOBALS, socket], capture_output=True,
                         text=True, timeout=15, check=True).stdout
    return {name: int(version) for name, version in (line.split() for line in out.splitlines())}


def _stop(proc: subprocess.Popen | None, how: int = signal.SIGTERM, group: bool = False) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        if group:
            os.killpg(proc.pid, how)  # the session this test started: its bus and compositor
        else:
            proc.send_signal(how)
    except ProcessLookupError:
        return
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait(5)


def private_bus(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """A session bus of its own in `folder`: the dbus-daemon and its address."""
    socket = folder / "bus"
    config = folder / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=socket))
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: listening(socket), "the session bus socket")
    return proc, f"unix:path={socket}"


class Mutter:
    """`mutter --headless --wayland --no-x11` on a private session bus."""

    def __init__(self, folder: Path):
        require("mutter", "dbus-daemon")
        self.folder = folder
        self.runtime = folder / "run"
        self.runtime.mkdir(mode=0o700, exist_ok=True)
        self.env = base_env(self.runtime, folder)
        self.bus_address = ""
        self._bus: subprocess.Popen | None = None
        self.proc: subprocess.Popen | None = None

    def start(self) -> Mutter:
        if self._bus is None:
            self._bus, self.bus_address = private_bus(self.folder, self.env)
            self.env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address
        self.proc = subprocess.Popen(
            ["mutter", "--headless", "--wayland", "--no-x11", "--virtual-monitor", "1280x720"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.idle_ms() is not None, "mutter's IdleMonitor on the bus")
        return self

    @property
    def socket(self) -> str:
        sockets = sorted(p for p in self.runtime.glob("wayland-*") if not p.name.endswith(".lock"))
        assert sockets, f"mutter made no Wayland socket in {self.runtime}"
        return str(sockets[0])

    def _call(self, conn, path: str, interface: str, method: str, signature=None, body=()):
        from jeepney import DBusAddress, MessageType, new_method_call

        bus_name = interface.rsplit(".Session", 1)[0]
        address = DBusAddress(path, bus_name=bus_name, interface=interface)
        reply = conn.send_and_get_reply(new_method_call(address, method, signature, body),
                                        timeout=5)
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(f"{interface}.{method}: {reply.body}")
        return reply.body

    def idle_ms(self) -> int | None:
        """Mutter's idle time asked directly, or None while it does not answer."""
        from jeepney.io.blocking import open_dbus_connection

        try:
            with open_dbus_connection(self.bus_address) as conn:
                return self._call(conn, "/org/gnome/Mutter/IdleMonitor/Core",
                                  "org.gnome.Mutter.IdleMonitor", "GetIdletime")[0]
        except Exception:
            return None

    def move_pointer(self) -> None:
        """Input as a person makes it, through a RemoteDesktop session: created, started and
        used from one connection, and gone when it closes."""
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(self.bus_address) as conn:
            session = self._call(conn, "/org/gnome/Mutter/RemoteDesktop",
                                 "org.gnome.Mutter.RemoteDesktop", "CreateSession")[0]
            remote = "org.gnome.Mutter.RemoteDesktop.Session"
            self._call(conn, session, remote, "Start")
            self._call(conn, session, remote, "NotifyPointerMotionRelative", "dd", (3.0, 0.0))
            self._call(conn, session, remote, "NotifyPointerMotionRelative", "dd", (-3.0, 0.0))
            self._call(conn, session, remote, "Stop")

    def kill(self) -> None:
        """Mutter dies (SIGKILL); the bus stays."""
        _stop(self.proc, signal.SIGKILL)
        wait_for(lambda: self.idle_ms() is None, "mutter to leave the bus")

    def stop(self) -> None:
        _stop(self.proc)
        _stop(self._bus)


class Sway:
    """sway 1.7 headless, as an unprivileged user when the tests run as root."""

    def __init__(self):
        require("sway", "wtype", "swaymsg")
        self.as_user = os.geteuid() == 0
        if self.as_user:
            require("setpriv")
        # Outside pytest's 0700 tmp tree, so that nobody can reach its runtime dir.
        self.folder = Path(tempfile.mkdtemp(prefix="glutewake-sway-"))
        self.folder.chmod(0o711)
        self.runtime = self.folder / "run"
        self.runtime.mkdir(mode=0o700)
        self.config = self.folder / "sway.conf"
        self.config.write_text("output HEADLESS-1 resolution 800x600\n")
        self.config.chmod(0o644)
        if self.as_user:
            os.chown(self.runtime, UNPRIVILEGED, UNPRIVILEGED)
        self.env = base_env(self.runtime, self.runtime)
        self.env.update(WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1",
                        WLR_RENDERER="pixman")
        self.proc: subprocess.Popen | None = None
        self.socket = ""

    def _as_user(self, argv: list[str]) -> list[str]:
        if not self.as_user:
            return argv
        return ["setpriv", f"--reuid={UNPRIVILEGED}", f"--regid={UNPRIVILEGED}",
                "--clear-groups", *argv]

    def start(self) -> Sway:
        for stale in self.runtime.glob("wayland-*"):  # a killed sway leaves its socket behind
            stale.unlink()
        self.proc = subprocess.Popen(self._as_user(["sway", "-c", str(self.config)]),
                                     env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

        def listening() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"sway exited with {self.proc.returncode}")
            found = [p for p in self.runtime.glob("wayland-*")
                     if not p.name.endswith(".lock") and p.is_socket()]
            if found:
                self.socket = str(found[0])
            return bool(found)

        wait_for(listening, "sway's Wayland socket")
        return self

    def type(self, text: str = "a") -> None:
        """Keys through the virtual keyboard protocol, as the user sway runs as."""
        env = dict(self.env, WAYLAND_DISPLAY=self.socket)
        subprocess.run(self._as_user(["wtype", text]), env=env, check=True, timeout=10,
                       capture_output=True)

    def kill(self) -> None:
        _stop(self.proc, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.proc)
        shutil.rmtree(self.folder, ignore_errors=True)


class Mako:
    """mako, the notification server of sway and other wlroots desktops, on a headless sway and
    a session bus of its own; nothing it shows expires (default-timeout=0). `env` reaches both:
    add a home's variables to it for a glutewake there."""

    def __init__(self, folder: Path):
        require("mako", "makoctl", "busctl", "dbus-daemon")
        self.folder = folder
        self.sway = Sway().start()
        runtime = folder / "mako-run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env = base_env(runtime, folder)
        self._bus, address = private_bus(folder, env)
        self.env = dict(WAYLAND_DISPLAY=self.sway.socket, DBUS_SESSION_BUS_ADDRESS=address)
        config = folder / "mako.conf"
        config.write_text("default-timeout=0\n")
        self.log = folder / "mako.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(["mako", "-c", str(config)], env=dict(env, **self.env),
                                         stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.shown() is not None, "mako on the session bus")

    def makoctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["makoctl", *args], env=dict(os.environ, **self.env),
                              capture_output=True, text=True, timeout=15)

    def shown(self) -> list[dict] | None:
        """What mako shows now, newest first: {"id", "summary", "body", "actions": {key: label},
        ...}; None while it does not answer."""
        if self.proc.poll() is not None:
            raise AssertionError(f"mako exited: {self.log.read_text()[-400:]}")
        listed = self.makoctl("list")
        if listed.returncode != 0:
            return None
        return [{key: value["data"] for key, value in one.items()}
                for one in json.loads(listed.stdout)["data"][0]]

    def press(self, ident: int, key: str) -> None:
        """A button of notification `ident`, as a click on it would."""
        pressed = self.makoctl("invoke", "-n", str(ident), key)
        assert pressed.returncode == 0, pressed.stderr

    def stop(self) -> None:
        _stop(self.proc)
        _stop(self._bus)
        self.sway.stop()


class KWin:
    """`kwin_wayland --virtual` under dbus-run-session, with fake input allowed."""

    def __init__(self, folder: Path, name: str = "glutewake-kwin"):
        require("kwin_wayland", "dbus-run-session")
        if not (PROTOCOLS / "fake-input.xml").is_file():
            skip_or_fail(f"{PROTOCOLS / 'fake-input.xml'} is missing; install "
                         "plasma-wayland-protocols")
        self.folder = folder
        self.runtime = folder / "run"
        self.runtime.mkdir(mode=0o700, exist_ok=True)
        self.binary = folder / "bin" / "kwin_wayland"  # same file name: KWin looks itself up
        self.binary.parent.mkdir(exist_ok=True)
        shutil.copy(shutil.which("kwin_wayland"), self.binary)
        self.env = base_env(self.runtime, folder)
        self.env["KWIN_WAYLAND_NO_PERMISSION_CHECKS"] = "1"
        self.name = name
        self.socket = str(self.runtime / name)
        self.proc: subprocess.Popen | None = None
        self.fake_input = self._bindings()

    def _bindings(self) -> Path:
        out = self.folder / "protocols"
        stub = self.folder / "stub-wayland.xml"
        stub.write_text(STUB_WAYLAND_XML)
        subprocess.run([sys.executable, "-m", "pywayland.scanner", "-i", str(stub),
                        str(PROTOCOLS / "fake-input.xml"), "-o", str(out)], check=True,
                       capture_output=True, timeout=30)
        return out / "fake_input.py"

    def start(self) -> KWin:
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", str(self.binary), "--virtual", "--socket", self.name,
             "--no-lockscreen", "--no-global-shortcuts", "--no-kactivities"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"kwin_wayland exited with {self.proc.returncode}")
            if not Path(self.socket).is_socket():
                return False
            try:
                return "wl_seat" in globals_of(self.socket)
            except subprocess.SubprocessError:
                return False

        wait_for(ready, "KWin's Wayland socket and seat", timeout=15, every=0.2)
        return self

    def move_pointer(self) -> None:
        subprocess.run([sys.executable, "-c", FAKE_MOTION, self.socket, str(self.fake_input)],
                       check=True, timeout=15, capture_output=True)

    def kill(self) -> None:
        """KWin, its bus and dbus-run-session die at once (SIGKILL to the group started here)."""
        _stop(self.proc, signal.SIGKILL, group=True)

    def stop(self) -> None:
        _stop(self.proc, signal.SIGKILL, group=True)  # KWin takes seconds over a SIGTERM


def wait_value(read, check, what: str, timeout: float = 10.0, every: float = 0.05):
    """Poll `read()` until `check(value)` holds; return that value."""
    seen: list = [None]

    def holds() -> bool:
        seen[0] = read()
        return check(seen[0])

    try:
        wait_for(holds, what, timeout, every)
    except AssertionError as err:
        raise AssertionError(f"{err} (last value: {seen[0]!r})") from None
    return seen[0]


# --- end to end: `glutewake run` on a compositor, with a 3 s natural break ---

FAST_BREAK = '[breaks]\nevery = "1h"\nnatural_break = "3s"\n'


def status(env) -> dict:
    return json.loads(glutewake(env, "status", "--json").stdout)


def natural_breaks(env) -> list[tuple]:
    db = sqlite3.connect(journal_path(env))
    try:
        return db.execute("SELECT kind, duration FROM events WHERE kind = 'natural_break'"
                          ).fetchall()
    finally:
        db.close()


def away_and_back(env: dict, mode: list[str], name: str, make_input) -> None:
    """Shared by the Wayland and Mutter end-to-end tests: status names the source, no input
    for longer than the natural break shows "away", input brings "sitting" back, and the
    journal holds the natural break."""
    write_config(env, FAST_BREAK)
    daemon = Running(env, *mode)
    try:
        daemon.wait_for("glutewake is watching")
        first = status(env)
        assert first["idle_source"] == name and first["idle_state"] == "answering", first
        # sitting at the desk for a while: the stretch that the natural break will end
        for _ in range(4):
            make_input()
            time.sleep(0.4)
        sitting = status(env)
        assert sitting["phase"] == "sitting" and sitting["sitting"] >= 1, sitting
        away = wait_value(lambda: status(env)["phase"], lambda p: p == "away",
                          "the natural break (away)", timeout=12, every=0.3)
        assert away == "away"
        make_input()
        wait_value(lambda: status(env)["phase"], lambda p: p == "sitting",
                   "sitting again after input", timeout=6, every=0.2)
        assert glutewake(env, "quit").returncode == 0
        assert daemon.proc.wait(10) == 0, "\n".join(daemon.lines)
    finally:
        daemon.stop()
    rows = natural_breaks(env)
    assert len(rows) == 1 and rows[0][1] >= 3.0, rows
    assert not [line for line in daemon.lines if "Traceback" in line], daemon.lines
