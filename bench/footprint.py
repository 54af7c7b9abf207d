"""What glutewake costs left running, side by side with Workrave and Safe Eyes on one desktop.

    make bench            (or: .venv/bin/python -m bench.footprint [--settle S] [--window S])

One private desktop (Xvfb, a session bus, dunst, trayer for XEmbed icons, and a
StatusNotifierItem watcher and host) runs, at the same time, glutewake with each tray backend
(its own StatusNotifierItem, pystray gtk, pystray xorg), Workrave and Safe Eyes (Debian's
packages; Safe Eyes also gets a private system bus), and for scale bare processes with only
pystray, APScheduler and Pillow, as they come and with glutewake's two start-up switches. After a settle period each process tree is
measured over the same window: resident and proportional memory from /proc/PID/smaps_rollup,
CPU time from /proc/PID/task/*/schedstat (nanoseconds, not clock ticks), threads, and wakeups as
voluntary context switches. Prints a table and writes artifacts/bench/footprint.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.conftest import Running, write_config
from tests.desktop import BUS_CONFIG, Desktop, wait_for

QUIET_CONFIG = '[breaks]\nevery = "8h"\n'  # idle with the tray up: nothing due while measuring


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(child) for child in children]
    return found


def sample(pid: int) -> dict[str, float]:
    """Memory now, and the counters that grow (CPU ns, voluntary switches), for a process tree."""
    totals = {"rss_kb": 0, "pss_kb": 0, "threads": 0, "cpu_ns": 0, "switches": 0}
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()[1:]:
                name, value = line.split(":", 1)
                if name in ("Rss", "Pss"):
                    totals[f"{name.lower()}_kb"] += int(value.split()[0])
            for task in Path(f"/proc/{member}/task").iterdir():
                totals["threads"] += 1
                totals["cpu_ns"] += int((task / "schedstat").read_text().split()[0])
                status = (task / "status").read_text()
                totals["switches"] += int(status.split("voluntary_ctxt_switches:")[1].split()[0])
        except (OSError, IndexError):
            continue  # it ended while we looked
    return totals


class Subject:
    def __init__(self, label: str, start):
        self.label, self._start = label, start
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = self._start()


def glutewake(desktop: Desktop, folder: Path, name: str, extra: dict[str, str]) -> Subject:
    def start():
        home = folder / name
        (home / "run").mkdir(parents=True, mode=0o700)
        env = dict(desktop.env, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                   XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
                   XDG_RUNTIME_DIR=str(home / "run"), **extra)
        write_config(env, QUIET_CONFIG)
        daemon = Running(env)
        daemon.wait_for("glutewake is watching")
        return daemon.proc

    return Subject(name, start)


BARE = """
import os, sys
if os.environ.get("LEAN"):  # what glutewake does: no OpenSSL, no OpenGL driver under GTK
    sys.modules["ssl"] = None
    os.environ["GDK_GL"] = "disable"
from apscheduler.schedulers.background import BackgroundScheduler
from PIL import Image
import pystray
scheduler = BackgroundScheduler()
scheduler.add_job(lambda: None, "interval", seconds=30)
scheduler.start()
pystray.Icon("bare", Image.new("RGBA", (32, 32), (63, 182, 139, 255)), "bare",
             menu=pystray.Menu(pystray.MenuItem("Quit", lambda icon: icon.stop()))).run()
"""


def bare(desktop: Desktop, backend: str, lean: bool) -> Subject:
    """The floor: pystray, APScheduler and Pillow and nothing else, as in the issue's reference."""
    env = dict(desktop.env, PYSTRAY_BACKEND=backend, LEAN="1" if lean else "")
    label = f"bare pystray {backend}{', lean' if lean else ''}"
    return Subject(label, lambda: subprocess.Popen([sys.executable, "-c", BARE], env=env,
                                                   stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.DEVNULL))


def peer(desktop: Desktop, folder: Path, name: str, argv: list[str], env: dict) -> Subject:
    def start():
        home = folder / name
        for sub in (".config", "data", "cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        # Safe Eyes 2.1 creates ~/.config/safeeyes whatever XDG_CONFIG_HOME says: keep them one
        run_env = dict(desktop.env, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                       XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"), **env)
        return subprocess.Popen(argv, env=run_env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    return Subject(name, start)


def main() -> int:
    parser = argparse.ArgumentParser(description="footprint of glutewake, Workrave and Safe Eyes")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds before measuring (the peers and the tray host calm down)")
    parser.add_argument("--window", type=float, default=300.0, help="seconds measured")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="glutewake-footprint-"))
    (folder / "run").mkdir(mode=0o700)
    base = dict(os.environ, HOME=str(folder), XDG_RUNTIME_DIR=str(folder / "run"))
    desktop = Desktop(folder, base).start(tray="trayer")
    desktop.start_watcher()
    desktop.start_sni_host()
    system_socket = folder / "system_bus"
    (folder / "system.conf").write_text(
        BUS_CONFIG.format(socket=system_socket).replace("<type>session</type>", "<type>system</type>"))
    system_bus = subprocess.Popen(["dbus-daemon", f"--config-file={folder / 'system.conf'}",
                                   "--nofork"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(system_socket.exists, "the private system bus")

    subjects = [
        glutewake(desktop, folder, "glutewake (StatusNotifierItem)", {}),
        glutewake(desktop, folder, "glutewake (pystray gtk)",
                  {"GLUTEWAKE_TRAY": "pystray", "PYSTRAY_BACKEND": "gtk"}),
        glutewake(desktop, folder, "glutewake (pystray xorg)",
                  {"GLUTEWAKE_TRAY": "pystray", "PYSTRAY_BACKEND": "xorg"}),
    ]
    subjects += [bare(desktop, backend, lean) for backend in ("gtk", "xorg") for lean in (False, True)]
    peers = {"Workrave": ["workrave"], "Safe Eyes": ["safeeyes"]}
    for name, argv in peers.items():
        if shutil.which(argv[0]) is None:
            print(f"{name} is not installed (sudo apt-get install workrave safeeyes); left out")
            continue
        subjects.append(peer(desktop, folder, name, argv,
                             {"DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={system_socket}"}))
    try:
        for subject in subjects:
            subject.start()
        print(f"all started; settling {args.settle:.0f} s, then measuring {args.window:.0f} s",
              flush=True)
        time.sleep(args.settle)
        before = {s.label: sample(s.proc.pid) for s in subjects if s.proc.poll() is None}
        started = time.monotonic()
        time.sleep(args.window)
        elapsed = time.monotonic() - started
        results = {}
        for subject in subjects:
            if subject.label not in before or subject.proc.poll() is not None:
                results[subject.label] = {"error": "exited before the measurement ended"}
                continue
            after = sample(subject.proc.pid)
            first = before[subject.label]
            results[subject.label] = {
                "rss_mb": round(after["rss_kb"] / 1024, 1),
                "pss_mb": round(after["pss_kb"] / 1024, 1),
                "cpu_s_per_hour": round((after["cpu_ns"] - first["cpu_ns"]) / 1e9 * 3600 / elapsed, 2),
                "threads": after["threads"],
                "wakeups_per_min": round((after["switches"] - first["switches"]) * 60 / elapsed, 1),
            }
    finally:
        for subject in subjects:
            if subject.proc is not None and subject.proc.poll() is None:
                subject.proc.terminate()
                try:
                    subject.proc.wait(10)
                except subprocess.TimeoutExpired:
                    subject.proc.kill()
        system_bus.terminate()
        desktop.stop()

    print(f"\n{'process':<32}{'RSS MB':>8}{'PSS MB':>8}{'CPU s/h':>9}{'threads':>9}{'wakeups/min':>13}")
    for label, row in results.items():
        if "error" in row:
            print(f"{label:<32}{row['error']}")
            continue
        print(f"{label:<32}{row['rss_mb']:>8}{row['pss_mb']:>8}{row['cpu_s_per_hour']:>9}"
              f"{row['threads']:>9}{row['wakeups_per_min']:>13}")
    meta = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, "
            f"{os.cpu_count()} cores, {platform.system()} {platform.release()}",
            "python": platform.python_version(), "settle_s": args.settle, "window_s": args.window}
    out = Path("artifacts") / "bench" / "footprint.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"\n{meta['date']}, {meta['machine']}; written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
