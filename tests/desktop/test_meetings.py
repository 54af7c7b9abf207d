"""Meetings hold reminders: a program recording from a microphone (a private PulseAudio, and
PipeWire with pipewire-pulse), a process holding a camera device open (a device node made here),
and busy events of calendars (.ics files written here, and one served over loopback HTTP)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from glutewake.core.events import Hold, Reason
from glutewake.desktop.quiet import Quiet, find_detectors, registered
from glutewake.desktop.quiet.calendar import Calendars, parse_here
from tests.support import Server, skip_or_fail
from tests.support.desktop import wait_for as wait_until
from tests.support.helpers import configured


def settings(**quiet):
    return configured(quiet=quiet)


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- sound servers ---

class SoundServer:
    """A private PulseAudio (or PipeWire with pipewire-pulse and wireplumber) with a fake
    microphone "fakemic" and a null sink "speakers", reached through PULSE_SERVER."""

    def __init__(self, home: Path, kind: str = "pulseaudio"):
        self.kind = kind
        # A short folder of its own: the socket's path must fit in 108 bytes.
        self.runtime = Path(tempfile.mkdtemp(prefix="gw-sound-"))
        self.runtime.chmod(0o700)
        self.env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(self.runtime),
                        PULSE_SERVER=f"unix:{self.runtime}/pulse/native")
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.proc: subprocess.Popen | None = None
        self.recorders: list[subprocess.Popen] = []

    def start(self) -> SoundServer:
        if self.kind == "pulseaudio":
            argv = ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                    "--load=module-native-protocol-unix",
                    "--load=module-null-sink sink_name=speakers",
                    "--load=module-null-source source_name=fakemic"]
        else:
            script = ('pipewire & while [ ! -S "$XDG_RUNTIME_DIR/pipewire-0" ]; do sleep 0.05; '
                      'done; wireplumber & pipewire-pulse & wait')
            argv = ["dbus-run-session", "--", "sh", "-c", script]
        self.log = open(self.runtime / f"{self.kind}.log", "ab")
        self.proc = subprocess.Popen(argv, env=self.env, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        wait_until(self.answers, f"{self.kind} to answer", 15)
        if self.kind == "pipewire":
            for args in (["media.class=Audio/Source/Virtual", "sink_name=fakemic"],
                         ["sink_name=speakers"]):
                self.pactl("load-module", "module-null-sink", *args)
            wait_until(lambda: "fakemic" in self.pactl("list", "short", "sources"),
                       "the fake microphone", 10)
        return self

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              timeout=10)
        return done.stdout if done.returncode == 0 else ""

    def answers(self) -> bool:
        return bool(self.pactl("info"))

    def record(self, source: str) -> subprocess.Popen:
        recorder = subprocess.Popen(["parecord", "-d", source, "/dev/null"], env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.recorders.append(recorder)
        wait_until(lambda: self.pactl("list", "short", "source-outputs").strip(),
                   f"parecord to record from {source}")
        return recorder

    def signal(self, number: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, number)  # the group we started: server, bus, helpers

    def stop(self) -> None:
        for recorder in self.recorders:
            if recorder.poll() is None:
                recorder.terminate()
                recorder.wait(5)
        self.recorders.clear()
        if self.proc is not None and self.proc.poll() is None:
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None
        # pipewire-pulse leaves its socket and pid file behind when killed
        shutil.rmtree(self.runtime / "pulse", ignore_errors=True)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.runtime, ignore_errors=True)


def need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"{', '.join(missing)} missing; install them with "
                     "`sudo bash .ci/desktop-packages.sh`")


@pytest.fixture
def pulse(tmp_path, monkeypatch):
    need("pulseaudio", "pactl", "parecord")
    server = SoundServer(tmp_path).start()
    monkeypatch.setenv("PULSE_SERVER", server.env["PULSE_SERVER"])
    yield server
    server.close()


def microphone(clock=None):
    from glutewake.desktop.quiet.microphone import PulseMicrophone

    return PulseMicrophone(clock=clock) if clock else PulseMicrophone()


def test_recording_from_a_microphone_is_a_call_and_a_monitor_is_not(pulse):
    """The detector knows what the server last told it, and the server tells a moment after a
    change: hence the waiting. Its news comes in order, so once the call's end is seen, the
    monitor recording begun before it has been seen too."""
    detector = microphone()
    assert detector.hold() is None
    screen_recorder = pulse.record("speakers.monitor")  # what the speakers play: a screen
    call = pulse.record("fakemic")  # recorder or a meter
    wait_until(lambda: detector.hold() == Hold(Reason.MICROPHONE, source="parecord"), "the call")
    call.terminate()
    call.wait(5)
    wait_until(lambda: detector.hold() is None, "the hold to end with the recording")
    assert screen_recorder.poll() is None  # the monitor recording still runs and holds nothing
    assert detector.problems() == []


def test_checks_ask_the_server_nothing_until_it_has_news(pulse):
    """The thread asks once, then sleeps until the server has news: checks cost no round trip
    (before, each check asked)."""
    detector = microphone()
    asked = []
    connect = detector._connect

    def counting():
        connection = connect()
        listing = connection.source_output_list
        connection.source_output_list = lambda: asked.append(1) or listing()
        return connection

    detector._connect = counting
    for _ in range(50):
        assert detector.hold() is None
    assert len(asked) == 1
    pulse.record("fakemic")
    wait_until(lambda: detector.hold() == Hold(Reason.MICROPHONE, source="parecord"), "the call")
    assert 1 < len(asked) < 10  # a question for each piece of news
    detector.close()
    assert not detector._thread.is_alive()


def test_without_a_sound_server_libpulse_is_not_loaded(tmp_path):
    """No server socket anywhere: the detector says so without loading pulsectl and libpulse
    (3.4 MB resident), and tries again later."""
    (tmp_path / "config").mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PULSE_SERVER"}
    env.update(XDG_RUNTIME_DIR=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               HOME=str(tmp_path))
    script = ("import sys\n"
              "from glutewake.desktop.quiet.microphone import PulseMicrophone, Unavailable\n"
              "detector = PulseMicrophone()\n"
              "try:\n    detector.hold()\nexcept Unavailable as err:\n    print(err)\n"
              "print('pulsectl' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.stdout.splitlines() == ["no sound server answers (no server socket)", "False"], (
        done.stdout + done.stderr)


def test_a_modules_stream_is_not_a_call(pulse):
    """module-loopback (like echo cancelling) records from the microphone with no program behind
    it."""
    detector = microphone()
    assert pulse.pactl("load-module", "module-loopback", "source=fakemic", "sink=speakers")
    wait_until(lambda: pulse.pactl("list", "short", "source-outputs").strip(), "the loopback")
    call = pulse.record("fakemic")
    wait_until(lambda: detector.hold() == Hold(Reason.MICROPHONE, source="parecord"), "the call")
    call.terminate()
    call.wait(5)
    wait_until(lambda: detector.hold() is None, "the loopback alone to hold nothing")


def test_sound_server_going_away_and_coming_back_is_soft(pulse, caplog):
    clock = FakeClock()
    detector = microphone(clock)
    connects = []
    real_connect = detector._connect
    detector._connect = lambda: connects.append(clock()) or real_connect()
    quiet = Quiet([detector])
    on = settings()
    assert quiet.hold(on) is None and len(connects) == 1
    caplog.set_level(logging.INFO)
    pulse.stop()
    wait_until(quiet.problems, "the detector to hear the server go")
    assert quiet.hold(on) is None  # the failure is "no reason", not an error
    assert quiet.problems() and quiet.problems()[0].startswith("microphone: the sound server")
    for _ in range(5):  # no more attempts within the 30 s
        clock.now += 5
        assert quiet.hold(on) is None
    assert len(connects) == 2  # the first use and one immediate attempt after it went away
    pulse.start()
    assert quiet.hold(on) is None and len(connects) == 2  # still waiting out the 30 s
    clock.now += 6
    assert quiet.hold(on) is None and len(connects) == 3
    assert quiet.problems() == []
    pulse.record("fakemic")
    wait_until(lambda: quiet.hold(on) == Hold(Reason.MICROPHONE, source="parecord"), "the call")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "microphone" in warnings[0].getMessage()


def test_a_restarted_server_is_reached_again_at_once(pulse):
    detector = microphone(FakeClock())
    assert detector.hold() is None
    pulse.stop()
    pulse.start()
    pulse.record("fakemic")
    wait_until(lambda: detector.hold() == Hold(Reason.MICROPHONE, source="parecord"),
               "the call, with the clock standing still: no 30 s wait")
    assert detector.problems() == []


def test_a_hung_server_costs_nothing_once_connected_and_a_timeout_to_connect(pulse):
    connected = microphone()
    assert connected.hold() is None
    detector = microphone()
    detector.ANSWER = 0.5
    pulse.signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert connected.hold() is None  # the last answer: nothing is asked of the server
        with pytest.raises(Exception, match="did not answer"):
            detector.hold()  # connecting to it
        with pytest.raises(Exception, match="has not answered"):
            detector.hold()  # the attempt is still waiting: no second wait
        assert time.monotonic() - started < 2.0
        assert "has not answered" in detector.problems()[0]
        assert connected.problems() == []
    finally:
        pulse.signal(signal.SIGCONT)
    wait_until(lambda: detector.problems() == [], "the server to answer again")
    assert detector.hold() is None


def test_kept_without_a_sound_server_and_found_when_one_starts(tmp_path, monkeypatch):
    need("pulseaudio", "pactl", "parecord")
    server = SoundServer(tmp_path)
    monkeypatch.setenv("PULSE_SERVER", server.env["PULSE_SERVER"])  # nothing there yet
    monkeypatch.delenv("DISPLAY", raising=False)
    try:
        found = find_detectors(None, lambda: settings(), platform="linux")
        kinds = [registered(d).setting for d in found]
        assert {"quiet.microphone", "quiet.camera", "quiet.calendars"} <= set(kinds)
        quiet = Quiet(found)
        assert quiet.hold(settings()) is None
        assert any(line.startswith("microphone: no sound server answers")
                   for line in quiet.problems())
        mic = next(d for d in found if registered(d).setting == "quiet.microphone")
        mic._next_try = 0  # skip the 30 s wait
        server.start()
        server.record("fakemic")
        assert quiet.hold(settings()) == Hold(Reason.MICROPHONE, source="parecord")
        assert quiet.hold(settings(microphone=False)) is None  # the setting turns it off
        assert quiet.problems() == []
    finally:
        server.close()


def test_the_calendar_code_loads_only_once_a_calendar_is_named(tmp_path):
    """With [quiet] calendars empty (the default) the daemon never imports the calendar module;
    naming one loads it and its meetings hold."""
    path = tmp_path / "work.ics"
    path.write_text(calendar(event("Standup", time.time() - 600)), "utf-8")
    script = f"""
import sys, time
from glutewake.desktop.quiet import Quiet, find_detectors
from tests.support.helpers import configured
current = configured(quiet={{"microphone": False, "camera": False}})
quiet = Quiet(find_detectors(None, lambda: current, platform="linux"))
print(quiet.hold(current), quiet.next_busy(current),
      "glutewake.desktop.quiet.calendar" in sys.modules)
current = configured(quiet={{"microphone": False, "camera": False, "calendars": [{str(path)!r}]}})
held = None
for _ in range(200):  # read and laid out by a child process, off this thread
    held = quiet.hold(current)
    if held:
        break
    time.sleep(0.05)
print(held and held.reason.value, "glutewake.desktop.quiet.calendar" in sys.modules)
"""
    env = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=30, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.splitlines() == ["None None False", "meeting True"], \
        done.stdout + done.stderr


def test_pipewire_recording_from_a_source_is_a_call(tmp_path, monkeypatch):
    need("pipewire", "pipewire-pulse", "wireplumber", "dbus-run-session", "pactl", "parecord")
    server = SoundServer(tmp_path, "pipewire")
    try:
        server.start()
        monkeypatch.setenv("PULSE_SERVER", server.env["PULSE_SERVER"])
        detector = microphone()
        assert detector.hold() is None
        server.record("speakers.monitor")
        assert detector.hold() is None
        call = server.record("fakemic")
        wait_until(detector.hold, "the call through pipewire-pulse")
        assert detector.hold() == Hold(Reason.MICROPHONE, source="parecord")
        call.terminate()
        call.wait(5)
        wait_until(lambda: detector.hold() is None, "the hold to end")
    finally:
        server.close()


# --- camera ---

@pytest.fixture
def cameras(monkeypatch):
    """A folder with a device-like node video0 (the kernel's /dev/null underneath), watched as
    the cameras. Everyone may reach it, as in /dev."""
    folder = Path(tempfile.mkdtemp(prefix="gw-dev-"))
    folder.chmod(0o755)
    node = folder / "video0"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        shutil.rmtree(folder)
        skip_or_fail("making a device node needs root (CAP_MKNOD)")
    node.chmod(0o666)
    monkeypatch.setenv("GLUTEWAKE_CAMERA_DEVICES", str(folder / "video*"))
    yield folder
    shutil.rmtree(folder)


def hold_open(node: Path, user: int | None = None) -> subprocess.Popen:
    """A `sleep` that holds `node` open until it is killed."""
    child = subprocess.Popen(["sh", "-c", f'exec 3<"{node}"; echo open; exec sleep 60'],
                             stdout=subprocess.PIPE, text=True,
                             preexec_fn=(lambda: os.setuid(user)) if user is not None else None)
    assert child.stdout.readline().strip() == "open"
    wait_until(lambda: Path(f"/proc/{child.pid}/comm").read_text().strip() == "sleep",
               "the shell to become sleep")
    return child


def counted_scans(detector) -> list:
    scans = []
    real = detector._scan
    detector._scan = lambda: scans.append(1) or real()
    return scans


def test_a_process_holding_a_camera_open_holds(cameras):
    from glutewake.desktop.quiet.camera import OpenCamera

    detector = OpenCamera()
    scans = counted_scans(detector)
    assert detector.hold() is None
    for _ in range(50):
        assert detector.hold() is None
    assert len(scans) == 1  # nothing opened or closed: no new look through /proc
    child = hold_open(cameras / "video0")
    try:
        assert detector.hold() == Hold(Reason.CAMERA, source="sleep")
        assert detector.hold() == Hold(Reason.CAMERA, source="sleep")
        assert len(scans) == 2
    finally:
        child.kill()
        child.wait()
    assert detector.hold() is None  # the close on exit is news too
    detector.close()


def test_a_camera_plugged_in_later_is_watched(cameras):
    from glutewake.desktop.quiet.camera import OpenCamera

    (cameras / "video0").unlink()
    detector = OpenCamera()
    assert detector.hold() is None
    os.mknod(cameras / "video1", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    child = hold_open(cameras / "video1")
    try:
        assert detector.hold() == Hold(Reason.CAMERA, source="sleep")
    finally:
        child.kill()
        child.wait()
    assert detector.hold() is None


def test_another_users_camera_is_not_our_call(cameras):
    from glutewake.desktop.quiet.camera import OpenCamera

    if os.getuid() != 0:
        skip_or_fail("running a process as another user needs root")
    detector = OpenCamera()
    child = hold_open(cameras / "video0", user=65534)  # nobody
    try:
        assert detector.hold() is None
    finally:
        child.kill()
        child.wait()


# --- calendars ---

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")

WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//glutewake tests//EN
BEGIN:VTIMEZONE
TZID:Custom Eastern
BEGIN:STANDARD
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:sync@test
SUMMARY:Team sync
DTSTART;TZID=Europe/Berlin:20250303T100000
DTEND;TZID=Europe/Berlin:20250303T110000
RRULE:FREQ=WEEKLY;COUNT=10
EXDATE;TZID=Europe/Berlin:20250317T100000
END:VEVENT
BEGIN:VEVENT
UID:sync@test
RECURRENCE-ID;TZID=Europe/Berlin:20250324T100000
SUMMARY:Team sync (moved)
DTSTART;TZID=Europe/Berlin:20250325T140000
DTEND;TZID=Europe/Berlin:20250325T150000
END:VEVENT
BEGIN:VEVENT
UID:sync@test
RECURRENCE-ID;TZID=Europe/Berlin:20250407T100000
SUMMARY:Team sync
STATUS:CANCELLED
DTSTART;TZID=Europe/Berlin:20250407T100000
DTEND;TZID=Europe/Berlin:20250407T110000
END:VEVENT
BEGIN:VEVENT
UID:standup@test
SUMMARY:Standup NY
DTSTART;TZID=America/New_York:20250304T090000
DURATION:PT15M
RRULE:FREQ=WEEKLY;UNTIL=20250401T000000Z
END:VEVENT
BEGIN:VEVENT
UID:free@test
SUMMARY:Focus time
TRANSP:TRANSPARENT
DTSTART:20250312T120000Z
DTEND:20250312T130000Z
END:VEVENT
BEGIN:VEVENT
UID:allday@test
SUMMARY:Conference
DTSTART;VALUE=DATE:20250313
DTEND;VALUE=DATE:20250314
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
SUMMARY:Called off
STATUS:CANCELLED
DTSTART:20250314T120000Z
DTEND:20250314T130000Z
END:VEVENT
BEGIN:VEVENT
UID:review@test
SUMMARY:Review
DTSTART:20250314T150000Z
DTEND:20250314T160000Z
END:VEVENT
BEGIN:VEVENT
UID:floating@test
SUMMARY:Lunch talk
DTSTART:20250319T120000
DTEND:20250319T130000
END:VEVENT
BEGIN:VEVENT
UID:a@test
SUMMARY:A
DTSTART:20250320T090000Z
DTEND:20250320T100000Z
END:VEVENT
BEGIN:VEVENT
UID:b@test
SUMMARY:B
DTSTART:20250320T093000Z
DTEND:20250320T110000Z
END:VEVENT
BEGIN:VEVENT
UID:outlook@test
SUMMARY:Outlook zone
DTSTART;TZID=Custom Eastern:20250707T100000
DTEND;TZID=Custom Eastern:20250707T110000
END:VEVENT
END:VCALENDAR
"""


def at(zone, *when) -> float:
    return datetime(*when, tzinfo=zone).timestamp()


def utc(*when) -> float:
    return at(UTC, *when)


@pytest.fixture
def tokyo():
    """Local time is Tokyo's (UTC+9, no summer time) while the test runs."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


CASES = [  # (moment, expected summary or None, why)
    (at(BERLIN, 2025, 3, 10, 10, 0), "Team sync", "the start is inside"),
    (at(BERLIN, 2025, 3, 10, 10, 30), "Team sync", "a weekly occurrence"),
    (at(BERLIN, 2025, 3, 10, 11, 0), None, "the end is outside"),
    (at(BERLIN, 2025, 3, 17, 10, 30), None, "EXDATE"),
    (at(BERLIN, 2025, 3, 24, 10, 30), None, "moved away by RECURRENCE-ID"),
    (at(BERLIN, 2025, 3, 25, 14, 30), "Team sync (moved)", "moved here"),
    (utc(2025, 3, 31, 8, 30), "Team sync", "10:30 in Berlin's summer time"),
    (utc(2025, 3, 31, 9, 30), None, "11:30 in Berlin's summer time"),
    (at(BERLIN, 2025, 4, 7, 10, 30), None, "one occurrence cancelled"),
    (utc(2025, 3, 4, 14, 5), "Standup NY", "09:05 in New York's winter time"),
    (utc(2025, 3, 11, 13, 5), "Standup NY", "09:05 in New York's summer time"),
    (utc(2025, 3, 11, 14, 5), None, "10:05 in New York's summer time"),
    (at(NEW_YORK, 2025, 4, 1, 9, 5), None, "after the UNTIL"),
    (utc(2025, 3, 12, 12, 30), None, "transparent: free time"),
    (utc(2025, 3, 13, 12, 0), None, "an all-day event"),
    (utc(2025, 3, 14, 12, 30), None, "a cancelled event"),
    (utc(2025, 3, 14, 15, 30), "Review", "UTC"),
    (utc(2025, 3, 19, 3, 30), "Lunch talk", "floating: 12:30 local (Tokyo)"),
    (utc(2025, 3, 19, 12, 30), None, "floating is not UTC"),
    (utc(2025, 3, 20, 9, 15), "A", "one event"),
    (utc(2025, 3, 20, 9, 45), "B", "two overlap: the one ending last"),
    (utc(2025, 7, 7, 14, 30), "Outlook zone", "a zone defined by its VTIMEZONE"),
    (utc(2025, 7, 7, 15, 30), None, "after it"),
]


def test_busy_events_hold_at_the_right_moments(tmp_path, tokyo):
    path = tmp_path / "work.ics"
    path.write_text(WEEKLY, "utf-8")
    moment = FakeClock()
    detector = Calendars(lambda: (str(path),), now=moment, expand=parse_here)
    wrong = []
    for when, expected, why in CASES:
        moment.now = when
        detector.hold()
        assert detector.wait()
        found = detector.hold()
        if (found and found.source) != expected:
            wrong.append(f"{why}: {found}")
        elif found:
            assert found.reason is Reason.MEETING and found.until > when
    assert not wrong, wrong
    for when, end in [(at(BERLIN, 2025, 3, 10, 10, 30), at(BERLIN, 2025, 3, 10, 11, 0)),
                      (utc(2025, 3, 20, 9, 45), utc(2025, 3, 20, 11, 0))]:
        moment.now = when
        detector.hold()
        assert detector.wait()
        assert detector.hold().until == end
    assert detector.problems() == []


def event(summary: str, start: float, minutes: int = 60, extra: str = "") -> str:
    def stamp(t):
        return datetime.fromtimestamp(t, UTC).strftime("%Y%m%dT%H%M%SZ")

    return (f"BEGIN:VEVENT\nUID:{summary}@test\nSUMMARY:{summary}\nDTSTART:{stamp(start)}\n"
            f"DTEND:{stamp(start + minutes * 60)}\n{extra}END:VEVENT\n")


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//glutewake tests//EN\n" + "".join(events) \
        + "END:VCALENDAR\n"


NOW = utc(2025, 6, 2, 9, 0)


def test_a_file_is_read_again_when_it_changes_and_a_broken_one_keeps_its_last_copy(tmp_path):
    path = tmp_path / "work.ics"
    path.write_text(calendar(event("Planning", NOW - 600)), "utf-8")
    moment = FakeClock(NOW)
    detector = Calendars(lambda: (str(path),), now=moment)  # the real child process parses
    assert detector.wait()
    assert detector.hold() == Hold(Reason.MEETING, source="Planning", until=NOW + 3000)
    started = time.perf_counter()
    for _ in range(1000):
        detector.hold()
    assert (time.perf_counter() - started) / 1000 < 0.001  # a check is a stat and a bisect
    path.write_text(calendar(event("Planning moved", NOW + 86400)), "utf-8")
    assert detector.hold() is not None  # the old copy until the new one is parsed
    assert detector.wait()
    assert detector.hold() is None
    moment.now = NOW + 86400 + 60
    detector.hold()
    assert detector.wait()
    assert detector.hold() == Hold(Reason.MEETING, source="Planning moved",
                                   until=NOW + 86400 + 3600)
    path.write_text("this is not a calendar\n", "utf-8")
    detector.hold()
    assert detector.wait()
    assert detector.hold().source == "Planning moved"
    [problem] = detector.problems()
    assert problem.startswith(f"calendar {path}: not a calendar (.ics)")
    assert problem.endswith("the last good copy stays in use")
    path.unlink()
    detector.hold()
    assert detector.wait()
    assert detector.hold() is None
    assert detector.problems() == [
        f"calendar {path}: no such file; fix the path in [quiet] calendars"]


def test_the_window_is_laid_out_again_as_time_passes(tmp_path, tokyo):
    path = tmp_path / "daily.ics"
    path.write_text(calendar(event("Daily", NOW - 600, extra="RRULE:FREQ=DAILY\n")), "utf-8")
    moment = FakeClock(NOW)
    detector = Calendars(lambda: (str(path),), now=moment)
    assert detector.wait() and detector.hold().source == "Daily"
    moment.now = NOW + 5 * 86400  # past the laid-out days (a long suspend)
    assert detector.hold() is None  # unknown yet: it is laid out in the background
    assert detector.wait()
    assert detector.hold().source == "Daily"
    moment.now += 3600
    assert detector.hold() is None


def test_a_calendar_file_from_the_home_folder(tmp_path, monkeypatch):
    """The settings keep "~/work.ics" as written; the detector reads it from the home folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "work.ics").write_text(calendar(event("Stand-up", NOW - 60)), "utf-8")
    current = settings(calendars=["~/work.ics"])
    assert current.quiet.calendars == ("~/work.ics",)
    detector = Calendars(lambda: current.quiet.calendars, now=FakeClock(NOW))
    detector.hold()
    assert detector.wait() and detector.hold() == Hold(Reason.MEETING, source="Stand-up",
                                                       until=NOW + 3540)
    assert detector.problems() == []


def test_calendars_follow_the_settings(tmp_path):
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    first.write_text(calendar(event("From a", NOW + 7200)), "utf-8")
    second.write_text(calendar(event("From b", NOW - 60)), "utf-8")
    chosen = [str(first)]
    moment = FakeClock(NOW)
    current = settings(calendars=[])
    detector = Calendars(lambda: current.quiet.calendars, now=moment)
    quiet = Quiet([detector])
    assert quiet.hold(current) is None  # off: no calendars
    current = settings(calendars=chosen)
    quiet.hold(current)
    assert detector.wait() and quiet.hold(current) is None
    current = settings(calendars=[str(first), str(second)])
    quiet.hold(current)
    assert detector.wait()
    assert quiet.hold(current) == Hold(Reason.MEETING, source="From b", until=NOW + 3540)


class Served(Server):
    """A calendar over loopback HTTP whose answer a test changes: a body, an error status, or
    no server at all. It answers 304 to a request with its current ETag."""

    def __init__(self, body: str):
        self.body, self.status = body.encode(), 200
        super().__init__({"/cal/basic.ics": (0, {}, self._answer)})
        self.url = self.address("/cal/basic.ics")

    def _answer(self, handler) -> tuple[int, dict, bytes]:
        etag = f'"{hash(self.body)}"'
        if self.status == 200 and handler.headers.get("If-None-Match") == etag:
            return 304, {}, b""
        body = self.body if self.status == 200 else b"broken"
        return self.status, {"Content-Type": "text/calendar", "ETag": etag}, body


def test_an_address_is_fetched_every_15_minutes_and_keeps_its_last_good_copy(caplog):
    served = Served(calendar(event("Remote meeting", NOW - 600)))
    clock = FakeClock()
    try:
        detector = Calendars(lambda: (served.url,), now=lambda: NOW, clock=clock,
                             expand=parse_here)
        assert detector.wait()
        held = Hold(Reason.MEETING, source="Remote meeting", until=NOW + 3000)
        assert detector.hold() == held and len(served.requests) == 1
        clock.now += 14 * 60
        assert detector.hold() == held and detector.wait()
        assert len(served.requests) == 1  # not yet: at most every 15 minutes
        clock.now += 60
        detector.hold()
        assert detector.wait() and len(served.requests) == 2
        assert served.requests[1][1]["If-None-Match"]  # asked with the ETag: the answer was 304
        caplog.set_level(logging.INFO)
        served.status = 500
        for _ in range(2):
            clock.now += 15 * 60
            detector.hold()
            assert detector.wait()
            assert detector.hold() == held  # the last good copy
        assert len(served.requests) == 4
        [problem] = detector.problems()
        assert problem == (f"calendar http://127.0.0.1:{served.server.server_address[1]}: "
                           "the address answered 500 (Internal Server Error); "
                           "the last good copy stays in use")
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1  # once, not on every attempt
    finally:
        served.close()
    clock.now += 15 * 60
    detector.hold()
    assert detector.wait()
    assert detector.hold() == held
    assert "cannot fetch it" in detector.problems()[0]
    assert "refused" in detector.problems()[0].lower()
    assert "the last good copy stays in use" in detector.problems()[0]


def test_an_address_that_never_answered_is_tried_again_sooner():
    served = Served(calendar(event("Remote meeting", NOW - 600)))
    served.status = 503
    clock = FakeClock()
    try:
        detector = Calendars(lambda: (served.url,), now=lambda: NOW, clock=clock,
                             expand=parse_here)
        assert detector.wait() and detector.hold() is None
        assert "answered 503" in detector.problems()[0]
        served.status = 200
        clock.now += 2 * 60  # no copy at all: two minutes, not fifteen
        detector.hold()
        assert detector.wait()
        assert detector.hold().source == "Remote meeting" and detector.problems() == []
    finally:
        served.close()


def test_a_check_never_waits_for_a_slow_fetch():
    release = threading.Event()

    def slow_fetch(address, etag):
        release.wait(10)
        raise OSError("gave up")

    detector = Calendars(lambda: ("https://calendar.invalid/x.ics",), now=lambda: NOW,
                         fetch=slow_fetch)
    started = time.perf_counter()
    assert detector.hold() is None
    assert time.perf_counter() - started < 0.05
    release.set()
    assert detector.wait()
    assert detector.problems() == ["calendar https://calendar.invalid: cannot fetch it "
                                   "(gave up)"]


# --- end to end: `glutewake run --console` in an isolated home ---

FAST = '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "2s"\nnatural_break = "1h"\n'


def daemon_env(home: dict, pulse: SoundServer) -> dict:
    return dict(home, PULSE_SERVER=pulse.env["PULSE_SERVER"])


def test_daemon_holds_the_reminder_through_a_call(home, pulse):
    from tests.support import Running, glutewake, write_config

    env = daemon_env(home, pulse)
    write_config(env, FAST + "[quiet]\napps = []\n")
    call = pulse.record("fakemic")  # the call runs before anything is due
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        status = wait_until(lambda: (lambda out: out if "microphone in use" in out else "")(
            glutewake(env, "status").stdout), "status to name the call", 20)
        assert "held" in status and "parecord" in status
        assert not any("stand" in line for line in daemon.lines)  # held, not shown
        call.terminate()
        call.wait(5)
        ended = time.monotonic()
        line = daemon.wait_for("The call is over", timeout=10)
        assert time.monotonic() - ended < 6, line  # the daemon looks every 2 s while held
    finally:
        daemon.stop()


def test_daemon_is_not_held_by_a_screen_recorder(home, pulse):
    from tests.support import Running, write_config

    env = daemon_env(home, pulse)
    write_config(env, FAST + "[quiet]\napps = []\n")
    pulse.record("speakers.monitor")
    daemon = Running(env, "--console")
    try:
        started = time.monotonic()
        daemon.wait_for("Time to stand", timeout=15)
        assert time.monotonic() - started < 10
    finally:
        daemon.stop()


def test_daemon_holds_until_a_calendar_event_ends(home, pulse, tmp_path):
    from tests.support import Running, glutewake, write_config

    env = daemon_env(home, pulse)
    ends = int(time.time()) + 12  # whole seconds, as the calendar says
    path = tmp_path / "work.ics"
    path.write_text(calendar(event("Design review", ends - 3600, 60)), "utf-8")
    missing = tmp_path / "gone.ics"
    write_config(env, FAST + f'[quiet]\napps = []\ncalendars = ["{path}", "{missing}"]\n')
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        status = wait_until(lambda: (lambda out: out if "Design review" in out else "")(
            glutewake(env, "status").stdout), "status to name the meeting", 15)
        assert "in a meeting" in status
        assert (f"Detector problem: calendar {missing}: no such file; fix the path in [quiet] "
                "calendars") in status
        line = daemon.wait_for("The meeting is over", timeout=25)
        assert time.time() >= ends, line  # not before the event's end
        assert time.time() - ends < 6
    finally:
        daemon.stop()


def test_https_addresses_are_fetched_by_a_child_so_the_daemon_needs_no_openssl():
    """The daemon blocks the ssl module (runner.leave_out_openssl); its fetch runs apart and
    still speaks https: against a closed loopback port it is refused, not an unknown scheme."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['ssl'] = None\n"
        "from glutewake.desktop.quiet.calendar import fetch_apart\n"
        "try:\n"
        "    fetch_apart('https://127.0.0.1:9/cal.ics', None, timeout=5)\n"
        "except Exception as err:\n"
        "    print(err)\n"
        "print('libcrypto' in open('/proc/self/maps').read())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    said, loaded = done.stdout.strip().splitlines()
    assert "refused" in said.lower() and "unknown url type" not in said.lower()
    assert loaded == "False"
