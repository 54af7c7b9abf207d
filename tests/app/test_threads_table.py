"""The thread table in glutewake/app/daemon.py's docstring is the truth: the threads of a running
daemon, on the test desktop and in a console, all have names from it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from glutewake.app import daemon
from tests.support import write_config

PROBE = """
import json, os, signal, sys, threading, time
from glutewake.app import runner

def probe():
    time.sleep(float(sys.argv[1]))
    names = sorted({t.name for t in threading.enumerate()} - {"probe"})
    with open(sys.argv[2], "w") as out:
        json.dump(names, out)
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=probe, name="probe", daemon=True).start()
sys.exit(runner.run(console="--console" in sys.argv))
"""


def table() -> set[str]:
    return set(re.findall(r"^\| ([A-Za-z][A-Za-z-]*) \|", daemon.__doc__ or "", re.M)) - {"thread"}


def threads_of_a_daemon(env: dict, tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "threads.json"
    run = subprocess.run([sys.executable, "-c", PROBE, "6", str(out), *args], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return set(json.loads(out.read_text()))


def calendar(tmp_path: Path) -> Path:
    ics = tmp_path / "empty.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n")
    return ics


def test_the_table_names_every_thread_of_a_daemon_on_the_desktop(sni_desktop, tmp_path):
    # a calendar, so its worker runs at some point (it ends once the calendar is read)
    write_config(sni_desktop.env, '[breaks]\nevery = "1s"\nremind_again = "1h"\n\n'
                                  f'[quiet]\ncalendars = ["{calendar(tmp_path)}"]\n')
    found = threads_of_a_daemon(sni_desktop.env, tmp_path)
    assert found <= table(), found - table()
    assert {"MainThread", "looks", "control", "dbus-session", "dbus-session-work"} <= found


def test_the_table_names_every_thread_of_a_console_daemon(home, tmp_path):
    write_config(home, '[breaks]\nevery = "1s"\nremind_again = "1h"\n')
    found = threads_of_a_daemon(home, tmp_path, "--console")
    assert found <= table(), found - table()
    assert {"MainThread", "looks", "control"} <= found
