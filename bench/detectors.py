"""What one check of each quiet detector costs, here and now.

    .venv/bin/python -m bench.detectors

Starts what it needs and stops it again: a private PulseAudio for the microphone, a device-like
node (root only) and about 500 processes of this user for the camera and the program list, and a
calendar of 2,000 weekly events in four time zones. Prints the median and 95th percentile of many
checks, in milliseconds, and writes artifacts/bench/detectors.json.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROCESSES = 500  # about what a desktop session runs
CHECKS = 2000


def measure(check, count: int = CHECKS) -> dict:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        check()
        times.append(time.perf_counter() - began)
    times.sort()
    return {"median_ms": round(statistics.median(times) * 1000, 4),
            "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 4), "checks": count}


def wait_until(check, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def own_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in os.scandir("/proc"):
        try:
            count += entry.name.isdigit() and entry.stat().st_uid == uid
        except OSError:
            pass
    return count


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- microphone ---

def microphone(rows: list, results: dict) -> None:
    if not shutil.which("pulseaudio") or not shutil.which("parecord"):
        rows.append(("microphone", "skipped: pulseaudio or parecord missing", None))
        return
    runtime = Path(tempfile.mkdtemp(prefix="gw-bench-sound-"))
    runtime.chmod(0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime),
               PULSE_SERVER=f"unix:{runtime}/pulse/native")
    server = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
         "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=speakers",
         "--load=module-null-source source_name=fakemic"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    recorders = []
    old = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = env["PULSE_SERVER"]
    try:
        answers = lambda: subprocess.run(["pactl", "info"], env=env,  # noqa: E731
                                         capture_output=True).returncode == 0
        if not wait_until(answers):
            rows.append(("microphone", "skipped: the private PulseAudio did not start", None))
            return
        from glutewake.desktop.quiet.microphone import PulseMicrophone

        detector = PulseMicrophone()
        detector.hold()
        results["microphone, nothing records"] = measure(detector.hold)
        rows.append(("microphone", "PulseAudio, nothing records", results[
            "microphone, nothing records"]))
        for source in ("speakers.monitor", "fakemic"):
            recorders.append(subprocess.Popen(["parecord", "-d", source, "/dev/null"], env=env,
                                              stderr=subprocess.DEVNULL))
        wait_until(lambda: detector.hold() is not None)
        key = "microphone, a call and a screen recorder"
        results[key] = measure(detector.hold)
        rows.append(("microphone", "PulseAudio, a call and a screen recorder", results[key]))
        detector.close()
    finally:
        for recorder in recorders:
            recorder.terminate()
            recorder.wait(5)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
        if old is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = old
        shutil.rmtree(runtime, ignore_errors=True)


# --- camera and programs, among about PROCESSES processes ---

def crowd(count: int) -> list[subprocess.Popen]:
    """Sleeping processes of this user until about `count` run."""
    return [subprocess.Popen(["sleep", "600"]) for _ in range(max(0, count - own_processes()))]


def camera(rows: list, results: dict) -> None:
    from glutewake.desktop.quiet.camera import OpenCamera

    folder = Path(tempfile.mkdtemp(prefix="gw-bench-dev-"))
    pattern = "/dev/video*"
    holder = None
    try:
        try:
            os.mknod(folder / "video0", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
            pattern = str(folder / "video*")
        except PermissionError:
            pass  # not root: whatever cameras this machine has
        detector = OpenCamera(pattern)
        processes = own_processes()
        fds = open_fds()
        detector.hold()
        label = f"{processes} processes of this user, {fds} open fds"
        if not detector._devices:
            results["camera, no device"] = measure(detector.hold)
            rows.append(("camera", f"no device matches {pattern}: no scan",
                         results["camera, no device"]))
            return
        results["camera, no news"] = measure(detector.hold)
        rows.append(("camera", f"no open or close since the last check ({label})",
                     results["camera, no news"]))
        results["camera, full /proc scan"] = measure(detector._scan, 50)
        rows.append(("camera", f"a full /proc scan, after news ({label})",
                     results["camera, full /proc scan"]))
        if pattern != "/dev/video*":
            holder = subprocess.Popen(["sh", "-c", f'exec 3<"{folder}/video0"; exec sleep 60'])
            wait_until(lambda: detector.hold() is not None)
            results["camera, in use"] = measure(detector.hold)
            rows.append(("camera", "a process holds it open, no news",
                         results["camera, in use"]))
        results["camera processes"] = processes
        results["camera fds"] = fds
        detector.close()
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
        shutil.rmtree(folder, ignore_errors=True)


def open_fds() -> int:
    """Open files of this user's processes: what a /proc scan reads one by one."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += len(os.listdir(f"{entry.path}/fd"))
        except OSError:
            pass
    return count


def apps(rows: list, results: dict) -> None:
    from glutewake.desktop.quiet.apps import RunningApps

    detector = RunningApps(lambda: ("zoom", "teams", "obs"))
    results["apps"] = measure(detector.hold, 200)
    rows.append(("apps", f"zoom, teams, obs among {len(os.listdir('/proc'))} /proc entries",
                 results["apps"]))


def fullscreen(rows: list, results: dict) -> None:
    if not os.environ.get("DISPLAY"):
        rows.append(("fullscreen", "skipped: no DISPLAY", None))
        return
    from glutewake.desktop.quiet.fullscreen import FullScreen

    detector = FullScreen()
    results["fullscreen"] = measure(detector.hold, 500)
    rows.append(("fullscreen", "X11 active window", results["fullscreen"]))


# --- calendars ---

def big_calendar(events: int = 2000) -> bytes:
    """Weekly meetings since 2021 in four zones, with an EXDATE on every tenth."""
    zones = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"]
    days = ["MO", "TU", "WE", "TH", "FR"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//glutewake bench//EN"]
    for number in range(events):
        zone = zones[number % 4]
        month, day, hour = 1 + number % 12, 1 + number % 28, 7 + number % 11
        start = f"2021{month:02d}{day:02d}T{hour:02d}{(number % 4) * 15:02d}00"
        lines += ["BEGIN:VEVENT", f"UID:bench-{number}@glutewake", f"SUMMARY:Meeting {number}",
                  f"DTSTART;TZID={zone}:{start}", "DURATION:PT45M",
                  f"RRULE:FREQ=WEEKLY;BYDAY={days[number % 5]}"]
        if number % 10 == 0:
            lines.append(f"EXDATE;TZID={zone}:{start}")
        if number % 50 == 0:
            lines.append("TRANSP:TRANSPARENT")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def calendars(rows: list, results: dict) -> None:
    from glutewake.desktop.quiet.calendar import AFTER, BEFORE, Calendars, occurrences, runs

    folder = Path(tempfile.mkdtemp(prefix="gw-bench-cal-"))
    try:
        path = folder / "big.ics"
        text = big_calendar()
        path.write_bytes(text)
        before = rss_mb()
        began = time.perf_counter()
        detector = Calendars(lambda: (str(path),))
        detector.wait(600)
        first = time.perf_counter() - began
        grown = rss_mb() - before
        timeline = detector._sources[str(path)].timeline
        results["calendar first read (child process)"] = {"seconds": round(first, 2),
                                                           "daemon_rss_growth_mb": round(grown, 1),
                                                           "boundaries": len(timeline.times)}
        rows.append(("calendars", f"2,000 weekly events ({len(text) // 1024} KB): first read, "
                     f"parse and lay out in a child {first:.2f} s; this process grew "
                     f"{grown:.1f} MB; {len(timeline.times)} boundaries in the window", None))
        results["calendars, per check"] = measure(detector.hold, 20000)
        rows.append(("calendars", "per check (a stat and a bisect)",
                     results["calendars, per check"]))
        now = time.time()
        began = time.perf_counter()
        spans = occurrences(text, now - BEFORE, now + AFTER)
        parsed = time.perf_counter() - began
        began = time.perf_counter()
        runs(spans)
        laid = time.perf_counter() - began
        results["calendar in-process"] = {"parse_and_expand_s": round(parsed, 2),
                                          "lay_out_ms": round(laid * 1000, 2),
                                          "rss_after_mb": round(rss_mb(), 1),
                                          "rss_before_mb": round(before, 1)}
        rows.append(("calendars", f"the same in this process: parse and expand {parsed:.2f} s, "
                     f"lay out {laid * 1000:.1f} ms, RSS {before:.0f} -> {rss_mb():.0f} MB "
                     "(why it runs in a child)", None))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    rows: list = []
    results: dict = {}
    crowded = crowd(PROCESSES)
    try:
        microphone(rows, results)
        camera(rows, results)
        apps(rows, results)
        fullscreen(rows, results)
    finally:
        for sleeper in crowded:
            sleeper.kill()
        for sleeper in crowded:
            sleeper.wait()
    calendars(rows, results)
    print(f"{'detector':<12}{'median ms':>11}{'p95 ms':>9}   what")
    for name, what, figures in rows:
        if figures is None:
            print(f"{name:<12}{'':>11}{'':>9}   {what}")
        else:
            print(f"{name:<12}{figures['median_ms']:>11.4f}{figures['p95_ms']:>9.4f}   {what}")
    out = Path("artifacts") / "bench" / "detectors.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
