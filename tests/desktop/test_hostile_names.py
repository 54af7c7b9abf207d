"""Names other programs choose reach `glutewake status` cleaned: one printable line, cut short.

Each outside system gives a name glutewake shows: the idle inhibitor's program and reason (from
the session bus), the recording program (from the sound server), the process with the camera
open and the running programs (from /proc), and the errors another program on the bus answers
with. Each is made hostile here — terminal escapes, a bidi override and, where the system lets a
name be that long, 10,000 characters — by the real system, and read back through the daemon."""

from __future__ import annotations

import json
import subprocess
import sys

from glutewake.core.untrusted import LONGEST
from tests.desktop.test_inhibitors import GnomeSession
from tests.desktop.test_meetings import cameras, pulse  # noqa: F401 - fixtures
from tests.support import Running, glutewake, write_config
from tests.support.desktop import Desktop, require, wait_for

ESCAPES = "\x1b[31m\x1b]0;owned\x07"  # red text, then a new terminal title
OVERRIDE = "\u202e"  # right-to-left override: what follows reads backwards
HOSTILE = f"{ESCAPES}{OVERRIDE}Zoom" + "x" * 10_000
# /proc/PID/comm keeps 15 bytes: an escape, the override and a name fit, 10,000 characters not
HOSTILE_COMM = b"zoom\x1b]0;x\x07\xe2\x80\xae"
FAST = '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "2s"\nnatural_break = "1h"\n'


def clean_enough(text: str, longest: int = LONGEST) -> bool:
    return (text.isprintable() and OVERRIDE not in text and "\x1b" not in text
            and len(text) <= longest)


def status_json(env) -> dict:
    return json.loads(glutewake(env, "status", "--json").stdout)


def check_status(env) -> None:
    """Every line `glutewake status` prints, and every text of status --json, is clean."""
    out = glutewake(env, "status").stdout
    assert "\x1b" not in out and OVERRIDE not in out, out
    assert all(line.isprintable() and len(line) < 400 for line in out.splitlines()), out

    def texts(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from texts(item)
        elif isinstance(value, list):
            for item in value:
                yield from texts(item)

    for text in texts(status_json(env)):
        assert clean_enough(text, 400), text


def held(env, reason: str) -> dict:
    return wait_for(lambda: (status_json(env).get("hold") or {}).get("reason") == reason
                    and status_json(env)["hold"], f"status to name the {reason} hold", 20)


def test_an_idle_inhibitors_name_from_the_bus(tmp_path, home):
    """A program keeps the desktop from idling with a hostile name and reason (GNOME's session
    manager lists it, on a real session bus); the daemon asks when idle nears a break."""
    require(("Xvfb", "dbus-daemon"), gtk=False)
    desk = Desktop(tmp_path, home)
    desk.start_x()
    desk.start_bus()
    session = GnomeSession(desk.env["DBUS_SESSION_BUS_ADDRESS"])
    session.inhibit(HOSTILE, HOSTILE, 8)
    write_config(desk.env, '[breaks]\nevery = "1h"\nnatural_break = "3s"\n')
    daemon = Running(desk.env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        name = wait_for(lambda: status_json(desk.env)["inhibitor"], "the inhibitor in status", 15)
        assert clean_enough(name) and name.startswith("[31m]0;ownedZoomxxx"), name
        check_status(desk.env)
    finally:
        assert daemon.stop() == 0
        session.close()
        desk.stop()


def test_an_error_another_program_answers_on_the_bus(session_bus):
    """The text of a D-Bus error comes from the program that answers; it reaches status as the
    problem of the source that asked."""
    from jeepney import new_error

    from glutewake.desktop.bus import Bus
    from glutewake.desktop.inhibitors import GnomeSessionSource, Inhibitors

    session = GnomeSession(session_bus)
    session.bus.export("/org/gnome/SessionManager", lambda message: new_error(
        message, "org.gnome.SessionManager.Error.Hostile", "s", (HOSTILE,)))
    bus = Bus(session_bus)
    try:
        inhibitors = Inhibitors([GnomeSessionSource(bus)])
        assert inhibitors.inhibitor() is None
        assert "org.gnome.SessionManager.Error.Hostile: [31m]0;ownedZoomxxx" in inhibitors.problem
        assert clean_enough(inhibitors.problem, 400), inhibitors.problem
    finally:
        bus.close()
        session.close()


def test_a_recording_programs_name_from_the_sound_server(home, pulse):  # noqa: F811
    env = dict(home, PULSE_SERVER=pulse.env["PULSE_SERVER"])
    write_config(env, FAST + "[quiet]\napps = []\n")
    recorder = subprocess.Popen(["parecord", "-d", "fakemic",
                                 f"--property=application.name={HOSTILE}", "/dev/null"],
                                env=pulse.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    pulse.recorders.append(recorder)
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        hold = held(env, "microphone")
        assert clean_enough(hold["source"]) and hold["source"].startswith("[31m]0;ownedZoomxx")
        check_status(env)
    finally:
        assert daemon.stop() == 0


def named_process(comm: bytes, holding: str | None = None) -> subprocess.Popen:
    """A process that calls itself `comm` (and holds `holding` open), until it is killed."""
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        f"kept = open({holding!r}, 'rb') if {holding!r} else None\n"
        f"open('/proc/self/comm', 'wb').write({comm!r})\n"
        "print('named', flush=True)\n"
        "time.sleep(120)\n")], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "named"
    return child


def test_the_name_of_a_process_with_the_camera_open(home, cameras):  # noqa: F811
    env = dict(home, GLUTEWAKE_CAMERA_DEVICES=str(cameras / "video*"))
    write_config(env, FAST + "[quiet]\napps = []\nmicrophone = false\n")
    child = named_process(b"\x1b[2J\xe2\x80\xaemeet\x07", holding=str(cameras / "video0"))
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        hold = held(env, "camera")
        assert hold["source"] == "[2Jmeet", hold
        check_status(env)
    finally:
        child.kill()
        child.wait()
        assert daemon.stop() == 0


def test_the_names_of_running_programs(home):
    from glutewake.desktop.quiet.apps import process_names

    child = named_process(HOSTILE_COMM)
    env = dict(home)
    write_config(env, FAST + '[quiet]\napps = ["zoom"]\nmicrophone = false\ncamera = false\n')
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        assert "zoom]0;x" in process_names()  # read from /proc, cleaned there
        assert all(clean_enough(name) for name in process_names())
        hold = held(env, "app")
        assert hold["source"] == "zoom" and hold["text"] == "zoom is running", hold
        check_status(env)
    finally:
        child.kill()
        child.wait()
        assert daemon.stop() == 0
