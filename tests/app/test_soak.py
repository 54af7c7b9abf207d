"""A long day in minutes: second-long intervals and a scripted person who answers every way there
is, for 20 minutes (GLUTEWAKE_SOAK_MINUTES). Run by `make soak` and in CI, not by `make test`.

At the end the journal's counts match what the script did, the log has no errors, and resident
memory after warm-up stayed flat.
"""

import os
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support import Running, glutewake, journal_path, write_config
from tests.support.desktop import Desktop, require, resident_mb, wait_for

pytestmark = [pytest.mark.soak, pytest.mark.desktop]

ACTIONS = ("button", "tray", "cli-done", "cli-snooze", "cli-skip", "walk-away")


def counts(env) -> Counter:
    db = sqlite3.connect(journal_path(env))
    found = Counter(dict(db.execute("SELECT kind, COUNT(*) FROM events GROUP BY kind")))
    db.close()
    return found


def test_soak(tmp_path, home):
    require()
    minutes = float(os.environ.get("GLUTEWAKE_SOAK_MINUTES", "20"))
    desktop = Desktop(tmp_path, home).start()
    present = threading.Event()
    present.set()
    stop = threading.Event()

    def person_at_the_desk():
        while not stop.wait(1.0):
            if present.is_set():
                desktop.move_mouse()

    mouse = threading.Thread(target=person_at_the_desk, daemon=True)
    mouse.start()
    write_config(desktop.env, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n'
                              'natural_break = "4s"\n')
    daemon = Running(dict(desktop.env, PYSTRAY_BACKEND="gtk"))
    expected = Counter()
    memory = []
    try:
        daemon.wait_for("glutewake is watching")
        deadline = time.monotonic() + minutes * 60
        warm_until = time.monotonic() + min(120, minutes * 60 / 5)
        cycle = 0
        while time.monotonic() < deadline:
            action = ACTIONS[cycle % len(ACTIONS)]
            cycle += 1
            shown = len(desktop.shown())
            desktop.wait_shown(shown + 1, timeout=20)
            before = counts(desktop.env)
            if action == "button":
                desktop.press_in_notification("#Done")
                kind = "done"
            elif action == "tray":
                desktop.tray_menu(["Down", "Return"])
                kind = "done"
            elif action == "walk-away":
                present.clear()
                time.sleep(6)  # beyond natural_break: the break is taken by being away
                present.set()
                kind = "natural_break"
            else:
                command = action.removeprefix("cli-")
                assert glutewake(desktop.env, command).returncode == 0
                kind = {"done": "done", "snooze": "snoozed", "skip": "skipped"}[command]
            expected[kind] += 1
            wait_for(lambda kind=kind, before=before:
                     counts(desktop.env)[kind] == before[kind] + 1,
                     f"{action} to reach the journal (cycle {cycle})", 10)
            if time.monotonic() > warm_until:
                memory.append(resident_mb(daemon.proc.pid))
        final = counts(desktop.env)
    finally:
        stop.set()
        code = daemon.stop()
        desktop.stop()
    assert code == 0
    for kind in ("done", "snoozed", "skipped", "natural_break"):
        assert final[kind] == expected[kind], (kind, final, expected)
    assert final["reminded"] >= sum(expected.values())
    log = Path(home["XDG_STATE_HOME"]) / "glutewake" / "log" / "glutewake.log"
    errors = [line for line in log.read_text().splitlines()
              if " ERROR " in line or "Traceback" in line]
    assert errors == []
    assert memory and max(memory) - memory[0] < 2.0, (memory[0], max(memory))
    print(f"\nsoak: {cycle} cycles in {minutes:g} min, {dict(final)}, resident "
          f"{memory[0]:.1f} -> {memory[-1]:.1f} MB (max {max(memory):.1f})")
