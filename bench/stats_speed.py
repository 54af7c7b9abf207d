"""How fast `glutewake stats` and `glutewake report` answer on five years of heavy use (about
150,000 events).

    .venv/bin/python -m bench.stats_speed

Generates the journal in a private home, then times the real commands (a new process each time,
start-up included): stats for the default week, a year and all five years as JSON; report (the
history page, not opened) for the default week and all five years. Each must stay under 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.fake_journal import generate

RUNS = 5


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="glutewake-stats-"))
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"))
    path = home / "data" / "glutewake" / "journal.sqlite3"
    path.parent.mkdir(parents=True)
    started = time.perf_counter()
    events = generate(path, years=5)
    print(f"journal: {events} events over 5 years, {path.stat().st_size / 1e6:.1f} MB, "
          f"generated in {time.perf_counter() - started:.1f} s")
    results = {"events": events}
    page = ["report", "--no-open", "--output", str(home / "report.html")]
    for label, args in (("stats, last 7 days", ["stats"]),
                        ("stats, last 365 days", ["stats", "--days", "365"]),
                        ("stats, 5 years, --json", ["stats", "--days", "1826", "--json"]),
                        ("report, last 7 days", page),
                        ("report, 5 years", [*page, "--days", "1826"])):
        times = []
        for _ in range(RUNS):
            began = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "glutewake", *args], env=env,
                                 capture_output=True, text=True)
            times.append(time.perf_counter() - began)
            assert run.returncode == 0, run.stderr
        results[label] = {"median_s": round(statistics.median(times), 3),
                          "worst_s": round(max(times), 3)}
        verdict = "ok" if max(times) < 1.0 else "OVER 1 s"
        print(f"glutewake {label:<24} median {statistics.median(times) * 1000:6.0f} ms   worst "
              f"{max(times) * 1000:6.0f} ms   ({RUNS} runs, process start included) {verdict}")
    out = Path("artifacts") / "bench" / "stats_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
