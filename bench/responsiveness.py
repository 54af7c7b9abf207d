"""How quickly glutewake reacts, and whether a long day makes it grow.

    .venv/bin/python -m bench.responsiveness [--growth N]

On the private test desktop (Xvfb, session bus, dunst, trayer):
- reminder latency: from the due moment (the journaled moment the stretch began, plus
  `every`) to the Notify call arriving at the notification server, seen by a bus monitor;
  median and worst over 20 reminders;
- `glutewake status` round trip, a new process each time: median over 50 calls;
- start-up to the tray icon docked in trayer;
- growth: an accelerated day of N reminders (default 500) answered in turn with done, snooze,
  skip, the notification's Done button and nothing at all; resident memory after warm-up and at
  the end.
Prints the figures and writes artifacts/bench/responsiveness.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from jeepney import HeaderFields, MatchRule, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

from glutewake.app.control import request
from tests.support import Running, journal_path, write_config
from tests.support.desktop import Desktop, resident_mb, wait_for


class NotifyWatch:
    """A bus monitor: the wall time every Notify call reaches the bus."""

    def __init__(self, address: str):
        self.arrivals: list[float] = []
        self._conn = open_dbus_connection(address)
        rule = MatchRule(type="method_call", interface="org.freedesktop.Notifications",
                         member="Notify")
        reply = self._conn.send_and_get_reply(new_method_call(
            _monitoring(), "BecomeMonitor", "asu", ([rule.serialise()], 0)))
        assert reply.header.message_type == MessageType.method_return, reply.body
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while True:
            try:
                message = self._conn.receive()
            except Exception:
                return
            if message.header.fields.get(HeaderFields.member) == "Notify":
                self.arrivals.append(time.time())


def _monitoring():
    from jeepney import DBusAddress

    return DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                       interface="org.freedesktop.DBus.Monitoring")


def journal_rows(env, kind):
    db = sqlite3.connect(journal_path(env))
    rows = db.execute("SELECT ts FROM events WHERE kind = ? ORDER BY id", (kind,)).fetchall()
    db.close()
    return [row[0] for row in rows]


def with_env(env: dict[str, str]):
    """Run control-channel requests in this process against that daemon."""
    for name in ("XDG_RUNTIME_DIR", "HOME"):
        os.environ[name] = env[name]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--growth", type=int, default=500, help="reminders in the accelerated day")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="glutewake-responsiveness-"))
    (folder / "run").mkdir(mode=0o700)
    env = dict(os.environ, HOME=str(folder), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_DATA_HOME=str(folder / "data"), XDG_STATE_HOME=str(folder / "state"),
               XDG_RUNTIME_DIR=str(folder / "run"))
    desktop = Desktop(folder, env).start(tray="trayer")
    results: dict = {}
    try:
        watch = NotifyWatch(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
        every = 2.0
        write_config(desktop.env, f'[breaks]\nevery = "{every:.0f}s"\nsnooze = "1s"\n'
                                  'remind_again = "1h"\nnatural_break = "1h"\n')
        began = time.monotonic()
        daemon = Running(dict(desktop.env, GLUTEWAKE_TRAY="pystray", PYSTRAY_BACKEND="xorg"))
        desktop.tray_icon(timeout=10)
        results["startup_to_tray_s"] = round(time.monotonic() - began, 2)
        print(f"start-up to the icon in the tray: {results['startup_to_tray_s'] * 1000:.0f} ms",
              flush=True)
        with_env(desktop.env)

        # reminder latency over 20 reminders
        latencies = []
        for n in range(20):
            wait_for(lambda n=n: len(watch.arrivals) > n, f"reminder {n + 1}", 10)
            arrival = watch.arrivals[n]
            stretch_began = (journal_rows(desktop.env, "started") if n == 0
                             else journal_rows(desktop.env, "done"))[-1]
            latencies.append(arrival - (stretch_began + every))
            request({"cmd": "done"})
        results["reminder_latency_s"] = {"median": round(statistics.median(latencies), 3),
                                         "worst": round(max(latencies), 3)}
        print(f"reminder latency over 20: median {statistics.median(latencies) * 1000:.0f} ms, "
              f"worst {max(latencies) * 1000:.0f} ms", flush=True)

        # CLI round trip
        request({"cmd": "pause"})
        times = []
        for _ in range(50):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "glutewake", "status"], env=desktop.env,
                           capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        results["cli_status_s"] = {"median": round(statistics.median(times), 3),
                                   "worst": round(max(times), 3)}
        print(f"`glutewake status` round trip over 50: median "
              f"{statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms",
              flush=True)
        request({"cmd": "resume"})
        daemon.stop()

        # growth over an accelerated day
        write_config(desktop.env, '[breaks]\nevery = "1s"\nsnooze = "1s"\nremind_again = "1s"\n'
                                  'max_reminders = 2\nnatural_break = "1h"\n')
        daemon = Running(dict(desktop.env, GLUTEWAKE_TRAY="pystray", PYSTRAY_BACKEND="xorg"))
        daemon.wait_for("glutewake is watching")
        answers = ["done", "snooze", "skip", "button", "ignore"]
        seen = len(watch.arrivals)
        warm = None
        started = time.monotonic()
        for n in range(args.growth):
            wait_for(lambda seen=seen: len(watch.arrivals) > seen, f"reminder {n + 1}", 15,
                     every=0.02)
            seen = len(watch.arrivals)
            answer = answers[n % len(answers)]
            if answer == "button":
                desktop.press_in_notification("#Done")
            elif answer != "ignore":
                request({"cmd": answer})
            if n == 49:
                warm = resident_mb(daemon.proc.pid)
            if n % 100 == 99:
                print(f"  {n + 1} reminders, {resident_mb(daemon.proc.pid):.1f} MB resident",
                      flush=True)
        end = resident_mb(daemon.proc.pid)
        results["growth"] = {"reminders": args.growth, "rss_after_warmup_mb": round(warm, 1),
                             "rss_end_mb": round(end, 1), "growth_mb": round(end - warm, 1),
                             "minutes": round((time.monotonic() - started) / 60, 1)}
        print(f"growth over {args.growth} reminders: {warm:.1f} MB after 50, {end:.1f} MB at the "
              f"end ({end - warm:+.1f} MB)", flush=True)
        daemon.stop()
    finally:
        desktop.stop()
    out = Path("artifacts") / "bench" / "responsiveness.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
