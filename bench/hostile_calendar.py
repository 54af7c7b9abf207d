"""What a hostile calendar costs: one event that repeats every second, with no end.

    .venv/bin/python -m bench.hostile_calendar [--rounds N]

Runs a real `glutewake run --console` in a private home and measures its resident memory with no
calendar; then adds such a calendar to [quiet] calendars and, for each round (the file rewritten
between rounds, so it is read again), samples the parser child's peak (VmHWM) until it ends and
the daemon's resident memory once it has settled. Prints the figures and what `status` says, and
writes artifacts/bench/hostile_calendar.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support import Running, glutewake, write_config

FAST = ('[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "2s"\nnatural_break = "1h"\n'
        '[quiet]\napps = []\n')


def every_second(title: str = "Always busy") -> bytes:
    """One event of one second that repeats every second from yesterday on, with no end."""
    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//glutewake bench//EN\r\n"
            f"BEGIN:VEVENT\r\nUID:every-second@bench\r\nSUMMARY:{title}\r\n"
            f"DTSTART:{start}\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def private_home() -> dict[str, str]:
    base = Path(tempfile.mkdtemp(prefix="glutewake-hostile-"))
    runtime = base / "run"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "LANGUAGE",
                        "LC_ALL", "LC_MESSAGES")}
    env.update(HOME=str(base), XDG_CONFIG_HOME=str(base / "config"),
               XDG_DATA_HOME=str(base / "data"), XDG_STATE_HOME=str(base / "state"),
               XDG_CACHE_HOME=str(base / "cache"), XDG_RUNTIME_DIR=str(runtime),
               PYTHONUNBUFFERED="1", GLUTEWAKE_TICK="1", LANG="C.UTF-8")
    return env


def status_of(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def kb(pid: int, field: str) -> int:
    value = status_of(pid).get(field, "0 kB").split()
    return int(value[0]) if value else 0


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def settle(pid: int, window: float = 3.0, timeout: float = 900.0) -> None:
    """Wait until the daemon is back to its usual pace: under a tenth of a CPU second per
    second over `window` seconds (it still shows a reminder every few seconds)."""
    deadline = time.monotonic() + timeout
    hertz = os.sysconf("SC_CLK_TCK")
    while time.monotonic() < deadline:
        first = cpu_ticks(pid)
        time.sleep(window)
        if (cpu_ticks(pid) - first) / hertz < 0.1 * window:
            return


def one_round(daemon: Running, path: Path, text: bytes, timeout: float = 900.0) -> dict:
    pid = daemon.proc.pid
    began = time.monotonic()
    path.write_bytes(text)
    peaks: dict[int, int] = {}
    seen_child = False
    deadline = began + timeout
    while time.monotonic() < deadline:
        running = children(pid)
        for child in running:
            peaks[child] = max(peaks.get(child, 0), kb(child, "VmHWM"))
        if running:
            seen_child = True
        elif seen_child or time.monotonic() - began > 30:
            break
        time.sleep(0.05)
    took = time.monotonic() - began
    settle(pid)
    return {"child_peak_mb": round(max(peaks.values(), default=0) / 1024, 1),
            "children": len(peaks), "child_seconds": round(took, 1),
            "daemon_rss_mb": round(kb(pid, "VmRSS") / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times the calendar is read")
    args = parser.parse_args()
    env = private_home()
    path = Path(env["HOME"]) / "always.ics"
    write_config(env, FAST)
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching", timeout=30)
        time.sleep(5)  # a few reminders shown first
        settle(daemon.proc.pid)
        before = round(kb(daemon.proc.pid, "VmRSS") / 1024, 1)
        print(f"daemon without a calendar: {before} MB resident", flush=True)
        path.write_bytes(b"")  # the file exists before the setting names it
        write_config(env, FAST + f'calendars = ["{path}"]\n')
        rounds = []
        for number in range(args.rounds):
            text = every_second(f"Always busy {number}")
            rounds.append(one_round(daemon, path, text))
            r = rounds[-1]
            print(f"round {number + 1}: parser child peak {r['child_peak_mb']} MB over "
                  f"{r['child_seconds']} s; daemon {r['daemon_rss_mb']} MB resident "
                  f"({r['daemon_rss_mb'] - before:+.1f} MB)", flush=True)
        said = glutewake(env, "status", timeout=60).stdout
        problems = [line for line in said.splitlines() if "calendar" in line.lower()]
        print("status: " + (" | ".join(problems) or "(nothing about the calendar)"))
    finally:
        daemon.stop(60)
    out = Path("artifacts/bench")
    out.mkdir(parents=True, exist_ok=True)
    (out / "hostile_calendar.json").write_text(json.dumps(
        {"daemon_before_mb": before, "rounds": rounds, "status": problems}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
