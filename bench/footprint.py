"""What glutewake costs left running, side by side with Workrave and Safe Eyes on one desktop.

    make bench            (or: .venv/bin/python -m bench.footprint [--settle S] [--window S]
                                [--away S] [--only sni,sound,gtk,xorg,bare,peers])

One private desktop (Xvfb, a session bus, dunst, trayer for XEmbed icons, and a
StatusNotifierItem watcher and host) runs, at the same time, glutewake with each tray backend
(its own StatusNotifierItem, pystray gtk, pystray xorg; "sound" is the StatusNotifierItem one
with a private PulseAudio server to watch for calls), Workrave and Safe Eyes (Debian's packages;
Safe Eyes also gets a private system bus), and for scale bare processes with only pystray,
APScheduler and Pillow, as they come and with glutewake's two start-up switches.

Every process is measured in three states, one after the other:

- at the desk: the mouse moves every 20 s (xdotool on the test desktop), nothing is due;
- towards a natural break: nobody touches anything, from the last input until 5 s before the
  idle time reaches the natural break (5 minutes), the minutes in which glutewake asks whether
  the idle time is really a break (a call, a film);
- away: after the natural break was taken, still nobody at the desk.

For each state: resident and proportional memory from /proc/PID/smaps_rollup at its end, CPU
time from /proc/PID/task/*/schedstat (nanoseconds, not clock ticks), threads, and wakeups as
voluntary context switches, over the state and in its worst single minute. Then for each
glutewake process the wakeups of every thread in each state, named (threads name themselves in
/proc through bench/threadnames, loaded only into the measured processes). The moments between
the states (the break itself, coming back) are events, not idle states, and are left out.
Everything also goes to artifacts/bench/footprint.json.

A quick look at one case: `python -m bench.footprint --only sni --settle 30 --window 120 --away 60`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from tests.support import Running, write_config
from tests.support.desktop import BUS_CONFIG, Desktop, wait_for

NATURAL_BREAK = 300.0  # seconds of idle time that make a natural break: the default, written out
# idle with the tray up: nothing due while measuring
QUIET_CONFIG = f'[breaks]\nevery = "8h"\nnatural_break = "{NATURAL_BREAK:.0f}s"\n'
THREAD_NAMES = Path(__file__).resolve().with_name("threadnames")
GROUPS = ("sni", "sound", "gtk", "xorg", "bare", "peers")
INPUT_EVERY = 20.0  # seconds between mouse moves at the desk
STATES = ("desk", "towards a break", "away")


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


def sample(pid: int) -> dict:
    """Memory now, and the counters that grow (CPU ns, voluntary switches), for a process tree;
    under "tasks" the growing counters of each thread, by (pid, tid)."""
    totals = {"rss_kb": 0, "pss_kb": 0, "threads": 0, "cpu_ns": 0, "switches": 0, "tasks": {}}
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()[1:]:
                name, value = line.split(":", 1)
                if name in ("Rss", "Pss"):
                    totals[f"{name.lower()}_kb"] += int(value.split()[0])
            for task in Path(f"/proc/{member}/task").iterdir():
                counters = thread_counters(task)
                totals["threads"] += 1
                totals["cpu_ns"] += counters["cpu_ns"]
                totals["switches"] += counters["voluntary"]
                totals["tasks"][(member, int(task.name))] = counters
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
    return totals


def thread_counters(task: Path) -> dict:
    """One thread: its name, CPU time (ns) and context switches. A voluntary switch is the
    thread going to sleep, so each is one wakeup later; involuntary ones are preemptions."""
    status = (task / "status").read_text()
    return {"name": (task / "comm").read_text().strip(),
            "cpu_ns": int((task / "schedstat").read_text().split()[0]),
            "voluntary": int(status.split("\nvoluntary_ctxt_switches:")[1].split()[0]),
            "involuntary": int(status.split("nonvoluntary_ctxt_switches:")[1].split()[0])}


def per_thread(first: dict, after: dict, elapsed: float) -> list[dict]:
    """Each thread alive at the end, with what it did during the window (a thread started
    meanwhile counts from zero), busiest first."""
    rows = []
    for (pid, tid), now in after["tasks"].items():
        then = first["tasks"].get((pid, tid), {"cpu_ns": 0, "voluntary": 0, "involuntary": 0})
        rows.append({
            "pid": pid, "tid": tid, "name": "main" if tid == pid and now["name"].startswith(
                ("python", "glutewake")) else now["name"],
            "wakeups_per_min": round((now["voluntary"] - then["voluntary"]) * 60 / elapsed, 2),
            "preempted_per_min": round(
                (now["involuntary"] - then["involuntary"]) * 60 / elapsed, 2),
            "cpu_s_per_hour": round((now["cpu_ns"] - then["cpu_ns"]) / 1e9 * 3600 / elapsed, 3),
        })
    return sorted(rows, key=lambda row: (-row["wakeups_per_min"], row["tid"]))


class Subject:
    def __init__(self, label: str, start, threads: bool = False):
        self.label, self._start = label, start
        self.threads = threads  # print its threads one by one
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
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(THREAD_NAMES),
                                                          env.get("PYTHONPATH")]))
        write_config(env, QUIET_CONFIG)
        daemon = Running(env)
        daemon.wait_for("glutewake is watching")
        return daemon.proc

    return Subject(name, start, threads=True)


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


class Inputs:
    """A person at the desk: the mouse moves every INPUT_EVERY seconds until stop()."""

    def __init__(self, desktop: Desktop):
        self._desktop = desktop
        self._stop = threading.Event()
        self.last = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._desktop.move_mouse()
            self.last = time.monotonic()
            if self._stop.wait(INPUT_EVERY):
                return

    def stop(self) -> float:
        """Stop moving; the monotonic time of the last input."""
        self._stop.set()
        self._thread.join()
        return self.last


def measure(subjects: list[Subject], seconds: float) -> dict[str, dict]:
    """Each running subject over the next `seconds`: its figures, per thread for glutewake, and
    its worst minute (the window is sampled once a minute)."""
    alive = [s for s in subjects if s.proc is not None and s.proc.poll() is None]
    samples = [(time.monotonic(), {s.label: sample(s.proc.pid) for s in alive})]
    end = samples[0][0] + seconds
    while (left := end - time.monotonic()) > 0:
        time.sleep(min(60.0, left))
        samples.append((time.monotonic(), {s.label: sample(s.proc.pid) for s in alive
                                           if s.proc.poll() is None}))
    (started, first), (ended, after) = samples[0], samples[-1]
    elapsed = ended - started
    results = {}
    for subject in subjects:
        label = subject.label
        if label not in first or label not in after:
            results[label] = {"error": "exited before the measurement ended"}
            continue
        worst = max((row[label]["switches"] - previous[label]["switches"]) * 60 / (at - then)
                    for (then, previous), (at, row) in zip(samples, samples[1:], strict=False))
        now, then = after[label], first[label]
        results[label] = {
            "rss_mb": round(now["rss_kb"] / 1024, 1),
            "pss_mb": round(now["pss_kb"] / 1024, 1),
            "cpu_s_per_hour": round((now["cpu_ns"] - then["cpu_ns"]) / 1e9 * 3600 / elapsed, 2),
            "threads": now["threads"],
            "wakeups_per_min": round((now["switches"] - then["switches"]) * 60 / elapsed, 1),
            "worst_minute": round(worst, 1),
            "seconds": round(elapsed),
        }
        if subject.threads:
            results[label]["per_thread"] = per_thread(then, now, elapsed)
    return results


def sound_server(folder: Path):
    """A private PulseAudio with a fake microphone (the tests' own), or None when there is
    none to start."""
    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        print("pulseaudio is not installed (sudo bash .ci/desktop-packages.sh); the sound case "
              "is left out")
        return None
    from tests.desktop.test_meetings import SoundServer

    return SoundServer(folder / "sound").start()


def main() -> int:
    parser = argparse.ArgumentParser(description="footprint of glutewake, Workrave and Safe Eyes")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds at the desk before measuring (the peers and the tray host "
                        "calm down)")
    parser.add_argument("--window", "--seconds", type=float, default=300.0,
                        help="seconds measured at the desk")
    parser.add_argument("--away", type=float, default=120.0,
                        help="seconds measured away, after the natural break (0: not measured)")
    parser.add_argument("--only", default=",".join(GROUPS),
                        help="comma-separated cases to run, of: " + ", ".join(GROUPS)
                        + " (glutewake with its StatusNotifierItem, the same with a sound server,"
                        " pystray gtk, pystray xorg; bare pystray processes; Workrave and Safe "
                        "Eyes)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if not only <= set(GROUPS):
        parser.error(f"--only: unknown case {', '.join(sorted(only - set(GROUPS)))}")

    folder = Path(tempfile.mkdtemp(prefix="glutewake-footprint-"))
    (folder / "run").mkdir(mode=0o700)
    base = dict(os.environ, HOME=str(folder), XDG_RUNTIME_DIR=str(folder / "run"))
    desktop = Desktop(folder, base).start(tray="trayer")
    desktop.start_watcher()
    desktop.start_sni_host()
    system_socket = folder / "system_bus"
    (folder / "system.conf").write_text(
        BUS_CONFIG.format(socket=system_socket).replace("<type>session</type>",
                                                        "<type>system</type>"))
    system_bus = subprocess.Popen(["dbus-daemon", f"--config-file={folder / 'system.conf'}",
                                   "--nofork"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(system_socket.exists, "the private system bus")
    sound = sound_server(folder) if "sound" in only else None

    subjects = []
    if "sni" in only:
        subjects.append(glutewake(desktop, folder, "glutewake (StatusNotifierItem)", {}))
    if sound is not None:
        subjects.append(glutewake(desktop, folder, "glutewake (SNI, sound server)",
                                  {"PULSE_SERVER": sound.env["PULSE_SERVER"]}))
    for backend in ("gtk", "xorg"):
        if backend in only:
            subjects.append(glutewake(desktop, folder, f"glutewake (pystray {backend})",
                                      {"GLUTEWAKE_TRAY": "pystray", "PYSTRAY_BACKEND": backend}))
    if "bare" in only and importlib.util.find_spec("apscheduler") is None:
        print("APScheduler is not installed (glutewake no longer needs it); the bare "
              "pystray+APScheduler+Pillow rows are left out")
    elif "bare" in only:
        subjects += [bare(desktop, backend, lean) for backend in ("gtk", "xorg")
                     for lean in (False, True)]
    peers = {"Workrave": ["workrave"], "Safe Eyes": ["safeeyes"]} if "peers" in only else {}
    for name, argv in peers.items():
        if shutil.which(argv[0]) is None:
            print(f"{name} is not installed (sudo apt-get install workrave safeeyes); left out")
            continue
        subjects.append(peer(desktop, folder, name, argv,
                             {"DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={system_socket}"}))
    results: dict[str, dict] = {}
    inputs = Inputs(desktop)
    try:
        for subject in subjects:
            subject.start()
        print(f"all started; at the desk (input every {INPUT_EVERY:.0f} s) settling "
              f"{args.settle:.0f} s, then measuring {args.window:.0f} s", flush=True)
        time.sleep(args.settle)
        results["desk"] = measure(subjects, args.window)
        last_input = inputs.stop()
        towards = last_input + NATURAL_BREAK - 5.0 - time.monotonic()
        print(f"nobody at the desk: measuring {towards:.0f} s towards the natural break",
              flush=True)
        results["towards a break"] = measure(subjects, towards)
        if args.away > 0:
            time.sleep(max(0.0, last_input + NATURAL_BREAK + 15.0 - time.monotonic()))
            print(f"away after the natural break: measuring {args.away:.0f} s", flush=True)
            results["away"] = measure(subjects, args.away)
    finally:
        inputs.stop()
        for subject in subjects:
            if subject.proc is not None and subject.proc.poll() is None:
                subject.proc.terminate()
                try:
                    subject.proc.wait(10)
                except subprocess.TimeoutExpired:
                    subject.proc.kill()
        if sound is not None:
            sound.close()
        system_bus.terminate()
        desktop.stop()

    report(results)
    meta = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, "
            f"{os.cpu_count()} cores, {platform.system()} {platform.release()}",
            "python": platform.python_version(), "settle_s": args.settle, "window_s": args.window,
            "away_s": args.away, "natural_break_s": NATURAL_BREAK, "input_every_s": INPUT_EVERY,
            "cases": sorted(only)}
    out = Path("artifacts") / "bench" / "footprint.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"\n{meta['date']}, {meta['machine']}; written to {out}")
    return 0


def report(results: dict[str, dict[str, dict]]) -> None:
    """A table per state, then each glutewake process's threads across the states."""
    titles = {"desk": f"at the desk (input every {INPUT_EVERY:.0f} s)",
              "towards a break": "towards a natural break (no input, idle time growing)",
              "away": "away (after the natural break)"}
    for state, rows in results.items():
        seconds = max((row.get("seconds", 0) for row in rows.values()), default=0)
        print(f"\n{titles[state]}, {seconds} s:")
        print(f"{'process':<32}{'RSS MB':>8}{'PSS MB':>8}{'CPU s/h':>9}{'threads':>9}"
              f"{'wakeups/min':>13}{'worst min':>11}")
        for label, row in rows.items():
            if "error" in row:
                print(f"{label:<32}{row['error']}")
                continue
            print(f"{label:<32}{row['rss_mb']:>8}{row['pss_mb']:>8}{row['cpu_s_per_hour']:>9}"
                  f"{row['threads']:>9}{row['wakeups_per_min']:>13}{row['worst_minute']:>11}")
    states = list(results)
    labels = [label for label, row in next(iter(results.values()), {}).items()
              if "per_thread" in row]
    for label in labels:
        threads: dict[tuple, dict[str, dict]] = {}
        for state in states:
            for thread in results[state].get(label, {}).get("per_thread", []):
                threads.setdefault((thread["name"], thread["tid"]), {})[state] = thread
        print(f"\n{label}, per thread: wakeups a minute and CPU s/hour in each state")
        print(f"{'':<20}" + "".join(f"{state:>18}" for state in states))
        print(f"{'thread':<20}" + f"{'wakeups':>10}{'CPU':>8}" * len(states))
        for (name, _tid), seen in sorted(threads.items(), key=lambda item: (
                -sum(t["wakeups_per_min"] for t in item[1].values()), item[0][1])):
            cells = "".join(
                f"{seen[state]['wakeups_per_min']:>10} {seen[state]['cpu_s_per_hour']:>7.3f}"
                if state in seen else f"{'-':>18}" for state in states)
            print(f"{name:<20}{cells}")


if __name__ == "__main__":
    sys.exit(main())
