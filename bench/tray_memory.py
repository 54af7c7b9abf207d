"""Resident memory of `glutewake run` with each tray backend, on the private test desktop.

    .venv/bin/python -m bench.tray_memory

Starts Xvfb, a session bus and dunst, then for each backend the matching tray host (trayer for
pystray's gtk and xorg backends, status-notifier-watcher + gtk-sni-tray-standalone for the
StatusNotifierItem), lets glutewake settle, and reads RSS and PSS from /proc/PID/smaps_rollup.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import Running, write_config
from tests.desktop import Desktop

SETTLE = 8.0


def memory(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields["Rss"], 1), "pss_mb": round(fields["Pss"], 1)}


def measure(tray: str, backend: str | None) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="glutewake-bench-"))
    (folder / "run").mkdir(mode=0o700)
    env = dict(os.environ, HOME=str(folder), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_DATA_HOME=str(folder / "data"), XDG_STATE_HOME=str(folder / "state"),
               XDG_RUNTIME_DIR=str(folder / "run"))
    desktop = Desktop(folder, env).start(tray=tray)
    try:
        write_config(desktop.env, '[breaks]\nevery = "1h"\n')
        run_env = dict(desktop.env, **({"PYSTRAY_BACKEND": backend} if backend else {}))
        daemon = Running(run_env)
        daemon.wait_for("glutewake is watching")
        time.sleep(SETTLE)
        figures = memory(daemon.proc.pid)
        maps = Path(f"/proc/{daemon.proc.pid}/maps").read_text()
        figures["gtk_loaded"] = "libgtk-3" in maps
        daemon.stop()
        return figures
    finally:
        desktop.stop()


def main() -> int:
    variants = [("StatusNotifierItem (D-Bus)", "sni", None), ("pystray gtk", "trayer", "gtk"),
                ("pystray xorg", "trayer", "xorg")]
    results = {}
    print(f"{'tray backend':<28} {'RSS MB':>7} {'PSS MB':>7}  GTK loaded")
    for label, tray, backend in variants:
        figures = measure(tray, backend)
        results[label] = figures
        print(f"{label:<28} {figures['rss_mb']:>7} {figures['pss_mb']:>7}  {figures['gtk_loaded']}",
              flush=True)
    out = Path("artifacts") / "bench" / "tray_memory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
