"""Idle inhibitors, read from a real systemd-logind on a private system bus, and from a stand-in
for KDE PowerDevil (which cannot run here) on a real private session bus.

logind runs as root in a mount namespace of its own: /run/systemd is a folder of the test's and
/etc/systemd/logind.conf a file of the test's (no virtual terminals, no power keys), so the host
is left alone. The folder outlives a logind restart, as /run does on a real machine, so logind
finds its inhibitors again when it comes back.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import statistics
import subprocess
import time
from pathlib import Path

import pytest
from jeepney import HeaderFields, new_error, new_method_return
from jeepney.bus_messages import message_bus

from glutewake.desktop.bus import Bus
from glutewake.desktop.inhibitors import (
    GNOME_SESSION,
    POWERDEVIL,
    POWERDEVIL_PATH,
    GnomeSessionSource,
    Inhibitors,
    LogindSource,
    PowerDevilSource,
    describe,
    find_inhibitors,
)
from tests.support import skip_or_fail
from tests.support.desktop import listening, wait_for

SYSTEM_CONF = Path("/usr/share/dbus-1/system.conf")
SYSTEM_D = Path("/usr/share/dbus-1/system.d")
LOGIND_BINARIES = ("/lib/systemd/systemd-logind", "/usr/lib/systemd/systemd-logind")
LOGIND_CONF = """[Login]
NAutoVTs=0
ReserveVT=0
KillUserProcesses=no
IdleAction=ignore
HandlePowerKey=ignore
HandleSuspendKey=ignore
HandleHibernateKey=ignore
HandleRebootKey=ignore
HandleLidSwitch=ignore
HandleLidSwitchExternalPower=ignore
HandleLidSwitchDocked=ignore
"""
# In a mount namespace of its own: our /run/systemd and logind.conf over the host's, then logind.
IN_NAMESPACE = ('mount --bind "$1" /run/systemd && mount --bind "$2" /etc/systemd/logind.conf '
                '&& exec "$3"')
LOGGER = "glutewake.desktop.inhibitors"


def system_bus_config(socket: Path) -> str:
    """The distribution's system bus policy (so logind's own rules in system.d apply), listening
    on our socket, in the foreground, as the user running the test, and starting no services."""
    text = SYSTEM_CONF.read_text()
    text, listens = re.subn(r"<listen>[^<]*</listen>", f"<listen>unix:path={socket}</listen>", text)
    text, includes = re.subn(r"<includedir>system\.d</includedir>",
                             f"<includedir>{SYSTEM_D}</includedir>", text)
    assert listens == 1 and includes == 1, f"{SYSTEM_CONF} has an unexpected shape"
    for element in (r"<user>[^<]*</user>", r"<fork\s*/>", r"<pidfile>[^<]*</pidfile>",
                    r"<syslog\s*/>", r"<servicehelper>[^<]*</servicehelper>",
                    r"<standard_system_servicedirs\s*/>"):
        text = re.sub(element, "", text)
    return text


class Logind:
    """A private system bus with the real systemd-logind on it."""

    def __init__(self, folder: Path):
        binary = next((path for path in LOGIND_BINARIES if os.access(path, os.X_OK)), None)
        missing = [tool for tool in ("dbus-daemon", "systemd-inhibit", "unshare", "mount")
                   if shutil.which(tool) is None]
        if binary is None:
            missing.append("systemd-logind")
        if not SYSTEM_CONF.is_file() or not (SYSTEM_D / "org.freedesktop.login1.conf").is_file():
            missing.append(f"{SYSTEM_CONF} with logind's policy in {SYSTEM_D}")
        if missing:
            skip_or_fail(f"logind tests need {', '.join(missing)} (Debian: dbus systemd "
                         "util-linux)")
        if os.geteuid() != 0:
            skip_or_fail("systemd-logind runs only as root: run these tests as root "
                         "(a container or CI job)")
        if not Path("/run/systemd").is_dir() or not Path("/etc/systemd/logind.conf").is_file():
            skip_or_fail("/run/systemd or /etc/systemd/logind.conf is missing; install systemd")
        self.binary = binary
        self.folder = folder
        self.socket = folder / "system_bus"
        self.address = f"unix:path={self.socket}"
        self.run_dir = folder / "run-systemd"
        self.run_dir.mkdir()
        self.conf = folder / "logind.conf"
        self.conf.write_text(LOGIND_CONF)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address,
                        SYSTEMD_LOG_TARGET="console")
        config = folder / "system.conf"
        config.write_text(system_bus_config(self.socket))
        self.bus_daemon = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork"],
                                           stdout=subprocess.DEVNULL,
                                           stderr=open(folder / "dbus.log", "w"))
        wait_for(lambda: listening(self.socket), "the private system bus")
        self._probe = Bus(self.address)
        self.proc: subprocess.Popen | None = None
        self._inhibits: list[subprocess.Popen] = []
        self.start()

    def start(self) -> None:
        log = open(self.folder / "logind.log", "a")
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", IN_NAMESPACE,
             "logind", str(self.run_dir), str(self.conf), self.binary],
            env=self.env, stdout=log, stderr=log)
        try:
            wait_for(lambda: self.proc.poll() is not None or self._probe.name_has_owner(
                "org.freedesktop.login1"), "logind on the private system bus")
        finally:
            log.close()
        if self.proc.poll() is not None:
            skip_or_fail("systemd-logind did not start here: "
                         + (self.folder / "logind.log").read_text()[-400:].replace("\n", " | "))

    def stop(self, how: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(how)
            self.proc.wait(10)
        wait_for(lambda: not self._probe.name_has_owner("org.freedesktop.login1"),
                 "logind to leave the bus")

    def inhibit(self, what: str, who: str, why: str, mode: str = "block") -> subprocess.Popen:
        """systemd-inhibit holding a lock until it is ended; waits until logind lists it."""
        proc = subprocess.Popen(["systemd-inhibit", f"--what={what}", f"--mode={mode}",
                                 f"--who={who}", f"--why={why}", "sleep", "60"], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._inhibits.append(proc)
        wait_for(lambda: proc.poll() is not None or who in self.listed(),
                 f"logind to list {who}'s inhibitor")
        assert proc.poll() is None, f"systemd-inhibit failed: {proc.stderr.read()}"
        return proc

    def listed(self) -> str:
        return subprocess.run(["systemd-inhibit", "--list", "--no-pager"], env=self.env,
                              capture_output=True, text=True).stdout

    def end(self, proc: subprocess.Popen) -> None:
        proc.terminate()
        proc.wait(5)

    def close(self) -> None:
        for proc in self._inhibits:
            if proc.poll() is None:
                self.end(proc)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._probe.close()
        self.bus_daemon.terminate()
        self.bus_daemon.wait(5)


@pytest.fixture
def logind(tmp_path):
    running = Logind(tmp_path)
    yield running
    running.close()


def cost_ms(read, times: int = 50) -> float:
    """The median wall time of one read, in milliseconds."""
    taken = []
    for _ in range(times):
        start = time.perf_counter()
        read()
        taken.append((time.perf_counter() - start) * 1000)
    return statistics.median(taken)


# --- logind --------------------------------------------------------------------------------------

def test_an_idle_inhibitor_in_logind_means_still_sitting_until_it_ends(logind):
    bus = Bus(logind.address)
    inhibitors = Inhibitors([LogindSource(bus)])
    assert inhibitors.inhibitor() is None and inhibitors.problem == ""
    suspend = logind.inhibit("sleep", "backup", "Copying files")
    assert inhibitors.inhibitor() is None  # keeping the machine awake is not watching
    player = logind.inhibit("idle", "testplayer", "Playing video")
    assert inhibitors.inhibitor() == "testplayer (Playing video)"
    # logind's list is the whole machine's: another user's film is not this person's
    assert Inhibitors([LogindSource(bus, uid=os.getuid() + 1)]).inhibitor() is None
    cost = cost_ms(inhibitors.inhibitor)
    print(f"\nlogind ListInhibitors: {cost:.2f} ms per call (median of 50)")
    assert cost < 100
    logind.end(player)
    wait_for(lambda: inhibitors.inhibitor() is None, "the ended inhibitor to be gone")
    logind.end(suspend)
    both = logind.inhibit("sleep:idle", "slides", "Presenting")
    assert inhibitors.inhibitor() == "slides (Presenting)"
    logind.end(both)
    wait_for(lambda: inhibitors.inhibitor() is None, "the presentation's inhibitor to be gone")
    assert inhibitors.problem == ""
    bus.close()


def test_logind_going_away_reads_as_none_with_one_log_line_and_coming_back_works(logind, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    bus = Bus(logind.address)
    inhibitors = Inhibitors([LogindSource(bus)])
    logind.inhibit("idle", "testplayer", "Playing video")
    assert inhibitors.inhibitor() == "testplayer (Playing video)"
    logind.stop()
    assert inhibitors.inhibitor() is None
    assert inhibitors.inhibitor() is None
    assert "logind" in inhibitors.problem and "system bus" in inhibitors.problem
    assert "\n" not in inhibitors.problem
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "logind" in warnings[0].getMessage()
    logind.start()
    # logind finds the still-held inhibitor again in /run/systemd/inhibit
    wait_for(lambda: inhibitors.inhibitor() == "testplayer (Playing video)",
             "the inhibitor through the restarted logind")
    assert inhibitors.problem == ""
    assert any("answers again" in r.getMessage() for r in caplog.records)
    bus.close()


# --- KDE PowerDevil ------------------------------------------------------------------------------

class PowerDevil:
    """Stands in for PowerDevil's PolicyAgent: `modern` answers the ActiveInhibitions property
    (Plasma 6.5 and later); otherwise it answers as older releases do, with no such property,
    HasInhibition and ListInhibitions (who, why) structs."""

    def __init__(self, address: str, modern: bool = True):
        self.bus = Bus(address)
        self.modern = modern
        self.entries: list[tuple[str, str, str, str, int]] = []  # what, who, why, mode, flags
        self.calls: list[str] = []
        self.bus.export(POWERDEVIL_PATH, self._handle)
        assert self.bus.call(message_bus, "RequestName", "su", (POWERDEVIL, 4))[0] == 1

    def _handle(self, message):
        member = message.header.fields[HeaderFields.member]
        self.calls.append(member)
        if member == "Get":
            interface, name = message.body
            if not self.modern or (interface, name) != (POWERDEVIL, "ActiveInhibitions"):
                return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty", "s",
                                 (f"no property {name}",))
            return new_method_return(message, "v", (("a(ssssu)", self.entries),))
        if member == "HasInhibition":
            wanted = message.body[0]
            held = any(("idle" in what and wanted & 4) or ("sleep" in what and wanted & 1)
                       for what, *_ in self.entries)
            return new_method_return(message, "b", (held,))
        if member == "ListInhibitions":
            return new_method_return(message, "a(ss)", ([(who, why) for _, who, why, *_ in
                                                          self.entries],))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))

    def close(self) -> None:
        self.bus.close()


@pytest.mark.parametrize("modern", [True, False], ids=["plasma-6.5", "older"])
def test_powerdevil_counts_only_idle_inhibitions(session_bus, modern):
    agent = PowerDevil(session_bus, modern)
    bus = Bus(session_bus)
    inhibitors = Inhibitors([PowerDevilSource(bus)])
    assert inhibitors.inhibitor() is None
    agent.entries.append(("sleep", "org.kde.dolphin", "Copying files", "block", 3))
    assert inhibitors.inhibitor() is None
    agent.entries.append(("idle", "Firefox", "Playing video", "block", 3))
    expected = "Firefox (Playing video)" if modern else "org.kde.dolphin (Copying files)"
    # Older releases do not say which entry holds idle: the first listed one names it.
    assert inhibitors.inhibitor() == expected
    assert ("ListInhibitions" in agent.calls) is not modern
    print(f"\nPowerDevil ({'modern' if modern else 'older'}): "
          f"{cost_ms(inhibitors.inhibitor):.2f} ms per call (median of 50)")
    agent.entries.clear()
    assert inhibitors.inhibitor() is None and inhibitors.problem == ""
    bus.close()
    agent.close()


def test_powerdevil_answering_aas_lists_is_read_too(session_bus):
    """Plasma 6.5 sends ListInhibitions as lists of strings rather than structs."""
    agent = PowerDevil(session_bus, modern=False)
    agent.entries.append(("idle", "vlc", "Playing", "block", 3))
    original = agent._handle

    def as_lists(message):
        if message.header.fields[HeaderFields.member] == "ListInhibitions":
            return new_method_return(message, "aas", ([["vlc", "Playing"]],))
        return original(message)

    agent.bus.export(POWERDEVIL_PATH, as_lists)
    bus = Bus(session_bus)
    assert Inhibitors([PowerDevilSource(bus)]).inhibitor() == "vlc (Playing)"
    bus.close()
    agent.close()


def test_powerdevil_going_away_is_soft_and_logged_once(session_bus, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    agent = PowerDevil(session_bus)
    agent.entries.append(("idle", "Firefox", "Playing video", "block", 3))
    bus = Bus(session_bus)
    inhibitors = Inhibitors([PowerDevilSource(bus)])
    assert inhibitors.inhibitor() == "Firefox (Playing video)"
    agent.close()
    wait_for(lambda: not bus.name_has_owner(POWERDEVIL), "the stand-in to leave the bus")
    assert inhibitors.inhibitor() is None and inhibitors.inhibitor() is None
    assert "KDE PowerDevil" in inhibitors.problem and "session bus" in inhibitors.problem
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    back = PowerDevil(session_bus)
    back.entries.append(("idle", "mpv", "Playing video", "block", 3))
    assert inhibitors.inhibitor() == "mpv (Playing video)" and inhibitors.problem == ""
    bus.close()
    back.close()


def test_a_failing_source_does_not_hide_the_other(session_bus, logind):
    agent = PowerDevil(session_bus)
    agent.entries.append(("idle", "Firefox", "Playing video", "block", 3))
    system, session = Bus(logind.address), Bus(session_bus)
    inhibitors = Inhibitors([LogindSource(system), PowerDevilSource(session)])
    assert inhibitors.name == "logind and KDE PowerDevil"
    assert inhibitors.inhibitor() == "Firefox (Playing video)"
    logind.stop()
    assert inhibitors.inhibitor() == "Firefox (Playing video)"
    assert inhibitors.problem.startswith("idle inhibitors: logind")
    system.close()
    session.close()
    agent.close()


# --- GNOME's session manager -----------------------------------------------------------------

class GnomeSession:
    """Stands in for gnome-session's inhibitor list (it cannot run without a GNOME session)."""

    def __init__(self, address: str):
        self.bus = Bus(address)
        self.inhibitors: dict[str, tuple[str, str, int]] = {}  # path -> app id, reason, flags
        self.bus.export("/org/gnome/SessionManager", self._manager)
        assert self.bus.call(message_bus, "RequestName", "su", (GNOME_SESSION, 4))[0] == 1

    def inhibit(self, app: str, reason: str, flags: int) -> None:
        path = f"/org/gnome/SessionManager/Inhibitor{len(self.inhibitors) + 1}"
        self.inhibitors[path] = (app, reason, flags)
        self.bus.export(path, self._inhibitor)

    def _manager(self, message):
        member = message.header.fields[HeaderFields.member]
        if member == "IsInhibited":
            wanted = message.body[0]
            return new_method_return(message, "b", (any(flags & wanted for *_, flags in
                                                        self.inhibitors.values()),))
        if member == "GetInhibitors":
            return new_method_return(message, "ao", (list(self.inhibitors),))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))

    def _inhibitor(self, message):
        app, reason, flags = self.inhibitors[message.header.fields[HeaderFields.path]]
        member = message.header.fields[HeaderFields.member]
        answers = {"GetAppId": ("s", app), "GetReason": ("s", reason), "GetFlags": ("u", flags)}
        signature, value = answers[member]
        return new_method_return(message, signature, (value,))

    def close(self) -> None:
        self.bus.close()


def test_gnome_session_counts_only_idle_inhibitors(session_bus, caplog):
    session = GnomeSession(session_bus)
    bus = Bus(session_bus)
    inhibitors = Inhibitors([GnomeSessionSource(bus)])
    assert inhibitors.inhibitor() is None
    session.inhibit("org.gnome.Software", "Installing updates", 4)  # suspend only
    assert inhibitors.inhibitor() is None
    session.inhibit("org.gnome.Totem", "Playing a film", 8 | 4)
    assert inhibitors.inhibitor() == "org.gnome.Totem (Playing a film)"
    print(f"\nGNOME session manager: {cost_ms(inhibitors.inhibitor):.2f} ms per call "
          "(median of 50)")
    session.close()
    wait_for(lambda: not bus.name_has_owner(GNOME_SESSION), "the stand-in to leave the bus")
    assert inhibitors.inhibitor() is None
    assert inhibitors.problem.startswith("idle inhibitors: GNOME session manager")
    bus.close()


# --- choosing sources, wording -------------------------------------------------------------------

def test_find_inhibitors_asks_the_buses_there_are(session_bus, logind):
    assert find_inhibitors(None, None) is None
    session = Bus(session_bus)
    assert find_inhibitors(None, session, environ={}) is None  # no PowerDevil, not KDE
    kde = find_inhibitors(None, session, environ={"XDG_CURRENT_DESKTOP": "KDE"})
    assert kde is not None and kde.name == "KDE PowerDevil"
    agent = PowerDevil(session_bus)
    running = find_inhibitors(None, session, environ={})
    assert running is not None and running.name == "KDE PowerDevil"
    system = Bus(logind.address)
    both = find_inhibitors(system, session, environ={})
    assert both is not None and both.name == "logind and KDE PowerDevil"
    gnome = GnomeSession(session_bus)
    every = find_inhibitors(system, session, environ={})
    assert every is not None and every.name == "logind, KDE PowerDevil and GNOME session manager"
    gnome.close()
    wait_for(lambda: not session.name_has_owner(GNOME_SESSION), "the stand-in to leave the bus")
    ubuntu = find_inhibitors(None, session, environ={"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"})
    assert ubuntu is not None and ubuntu.name == "KDE PowerDevil and GNOME session manager"
    for bus in (session, system):
        bus.close()
    agent.close()


def test_descriptions_are_one_short_line():
    assert describe("mpv", "Playing video") == "mpv (Playing video)"
    assert describe("", "Presenting") == "Presenting"
    assert describe("caffeine", "") == "caffeine"
    assert describe("", "") == "a program"
    assert describe("a\nb", "c\td") == "a b (c d)"
    long = describe("x" * 200, "y")
    assert len(long) == 80 and long.endswith("…")


# --- the daemon on a desktop ---------------------------------------------------------------------

@pytest.fixture
def desk(tmp_path, home, logind):
    """An X desktop (Xvfb, session bus, dunst) whose system bus is the private one with logind."""
    from tests.support.desktop import Desktop, require

    require(("Xvfb", "dbus-daemon", "dunst", "dunstctl", "xdotool"), gtk=False)
    session = Desktop(tmp_path, dict(home, DBUS_SYSTEM_BUS_ADDRESS=logind.address))
    session.start(tray="none")
    yield session
    session.stop()


def run_daemon(desk, config: str):
    from tests.support import Running, write_config

    write_config(desk.env, config)
    daemon = Running(desk.env, "--no-tray")
    daemon.wait_for("glutewake is watching")
    desk.move_mouse()  # at the desk now; from here on nobody touches anything
    return daemon


def status(desk) -> dict:
    import json

    from tests.support import glutewake

    return json.loads(glutewake(desk.env, "status", "--json").stdout)


def natural_breaks(desk) -> list:
    from glutewake.store.journal import Journal
    from tests.support import journal_path

    if not journal_path(desk.env).exists():
        return []
    journal = Journal(journal_path(desk.env), check=False)
    try:
        return [event.record for event in journal.events()
                if event.record.kind.value == "natural_break"]
    finally:
        journal.close()


FAST = '[breaks]\nevery = "1h"\nnatural_break = "3s"\n'


def test_a_film_keeps_the_daemon_counting_sitting_and_its_end_brings_the_natural_break(
        desk, logind):
    player = logind.inhibit("idle", "testplayer", "Playing video")
    daemon = run_daemon(desk, FAST)
    try:
        # Well past the 3 s natural break with no input: still sitting, and it says why.
        deadline = time.monotonic() + 7
        while time.monotonic() < deadline:
            now = status(desk)
            assert now["phase"] == "sitting", now
            assert not natural_breaks(desk)
            time.sleep(0.5)
        assert now["inhibitor"] == "testplayer (Playing video)"
        assert now["sitting"] >= 6
        logind.end(player)
        wait_for(lambda: natural_breaks(desk), "the natural break once the film ends", 8)
        assert status(desk)["phase"] == "away"
        # the film was sitting: the stretch before the break holds it, the break begins after it
        (rest,) = natural_breaks(desk)
        assert rest.sitting >= 6, rest
    finally:
        assert daemon.stop() == 0


def test_with_idle_inhibitors_off_the_film_is_ignored(desk, logind):
    logind.inhibit("idle", "testplayer", "Playing video")
    daemon = run_daemon(desk, FAST + "idle_inhibitors = false\n")
    try:
        wait_for(lambda: natural_breaks(desk), "the natural break despite the film", 8)
        now = status(desk)
        assert now["phase"] == "away" and now["inhibitor"] is None
    finally:
        assert daemon.stop() == 0
