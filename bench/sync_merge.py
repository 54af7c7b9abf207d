"""What sync costs: merging a year of another computer's breaks, and wakeups while nothing changes.

    .venv/bin/python -m bench.sync_merge [--events 150000] [--settle 30] [--window 240]

1. Merge. Two journals of at least --events events apiece (bench/fake_journal.py's heavy user:
   150,000 events is five of its years, or one year of five times that use). The second
   computer writes its journal into a synced folder, one file per day, as the running glutewake
   does; then the first reads the whole folder into its journal: every line parsed and checked,
   one transaction. The figure is that read-and-merge, which must stay under 2 s; a second look,
   with nothing changed, is timed too.
2. Wakeups. `glutewake run --console` with the default looks, once with sync off and once with
   sync on (a folder holding another computer's week, nothing changing), each measured as
   voluntary context switches of the process over the window after the settle time (as
   bench/footprint.py measures them), per thread, named. The look loop's safety look comes
   every two minutes, so a window of two minutes holds one or two of them depending on where
   it starts: the default window is four minutes, and the `sync` thread's own count is the
   figure that says what sync costs.

Prints the figures and writes artifacts/bench/sync_merge.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.fake_journal import generate
from bench.footprint import THREAD_NAMES, per_thread, sample
from glutewake.core.presence import utc_day
from glutewake.store import syncfolder
from glutewake.store.journal import Journal
from glutewake.store.syncfolder import Identity, day_name, folder_of, read_folder
from tests.support import Running, write_config

LIMIT = 2.0  # seconds, from the issue


def journal_of(path: Path, events: int, seed: int) -> int:
    """A heavy user's journal (bench/fake_journal.py) of at least `events` events: a heavy
    year is about 30,000, so 150,000 is five years' worth, or a year of five times the use."""
    years = 1.0
    while True:
        count = generate(path, years=years, seed=seed)
        if count >= events:
            return count
        years *= events / count * 1.02


def write_folder(journal: Journal, folder: Path, name: str) -> tuple[str, int, float]:
    """Every day of `journal` into the folder as the running glutewake writes them."""
    identity = Identity.new(name, 1)
    own = folder_of(folder, identity.id)
    own.mkdir(parents=True)
    started = time.perf_counter()
    today = utc_day(time.time())
    days = journal.own_days()
    for day in sorted(days):
        events, intervals = journal.own_day(day)
        syncfolder.write_atomic(own / f"{day_name(day)}.jsonl", syncfolder.day_file(
            identity.id, day, events, intervals, sealed=day < today))
    syncfolder.write_atomic(own / "device.json", syncfolder.device_json(identity, time.time()))
    return identity.id, len(days), time.perf_counter() - started


def merge(base: Path, events: int) -> dict:
    folder = base / "folder"
    first, second = base / "first.sqlite3", base / "second.sqlite3"
    counts = journal_of(first, events, 1), journal_of(second, events, 2)
    print(f"journals: {counts[0]} and {counts[1]} events", flush=True)
    writer = Journal(second)
    device, days, wrote = write_folder(writer, folder, "second")
    writer.close()
    size = sum(p.stat().st_size for p in folder.rglob("*.jsonl"))
    print(f"the second computer writes its year: {days} day files, {size / 1e6:.1f} MB, "
          f"{wrote:.2f} s (each file fsynced)")
    reader = Journal(first)
    began = time.perf_counter()
    reading = read_folder(folder, "00" * 16, reader.synced_files(), time.time())
    parsed = time.perf_counter() - began
    added = reader.merge(reading.events, reading.presence,
                         [(d.id, d.name, d.seen) for d in reading.devices], reading.files)
    took = time.perf_counter() - began
    again = time.perf_counter()
    unchanged = read_folder(folder, "00" * 16, reader.synced_files(), time.time())
    looked = time.perf_counter() - again
    total = reader.read("SELECT COUNT(*) FROM events")[0][0]
    reader.close()
    assert added == counts[1] and total == sum(counts) and not unchanged.events, (added, total)
    print(f"merge: {added} events read, checked and added in {took:.2f} s "
          f"({parsed:.2f} s reading and checking, {took - parsed:.2f} s in SQLite); limit "
          f"{LIMIT:.0f} s: {'ok' if took < LIMIT else 'TOO SLOW'}")
    print(f"a second look with nothing changed: {looked * 1000:.0f} ms")
    return {"events": list(counts), "day_files": days, "folder_mb": round(size / 1e6, 2),
            "write_s": round(wrote, 3), "merge_s": round(took, 3), "parse_s": round(parsed, 3),
            "unchanged_look_ms": round(looked * 1000, 1), "under_limit": took < LIMIT}


def wakeups(base: Path, synced: Path | None, settle: float, window: float) -> dict:
    label = "sync on" if synced else "sync off"
    home = base / label.replace(" ", "-")
    (home / "run").mkdir(parents=True, mode=0o700)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "GLUTEWAKE_TICK")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_RUNTIME_DIR=str(home / "run"),
               LANG="C.UTF-8", PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(THREAD_NAMES),
                                                        os.environ.get("PYTHONPATH")])))
    write_config(env, '[breaks]\nevery = "8h"\n' + (f'[sync]\nfolder = "{synced}"\n'
                                                    if synced else ""))
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("glutewake is watching")
        time.sleep(settle)
        pid = daemon.proc.pid
        before, began = sample(pid), time.monotonic()
        time.sleep(window)
        after, elapsed = sample(pid), time.monotonic() - began
    finally:
        daemon.stop()
    per_minute = (after["switches"] - before["switches"]) * 60 / elapsed
    rows = per_thread(before, after, elapsed)
    threads = [row for row in rows if row["wakeups_per_min"]]
    sync = [row["wakeups_per_min"] for row in rows if row["name"] == "sync"]
    print(f"{label:>8}: {per_minute:5.2f} wakeups/min over {elapsed:.0f} s, {after['threads']} "
          f"threads; " + (", ".join(f"{row['name']} {row['wakeups_per_min']}" for row in threads)
                          or "no thread woke")
          + (f"; the sync thread {sync[0]:.2f}" if sync else ""))
    return {"wakeups_per_min": round(per_minute, 2), "threads": after["threads"],
            "per_thread": threads, "sync_thread_per_min": sync[0] if sync else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=150_000)
    parser.add_argument("--settle", type=float, default=30)
    parser.add_argument("--window", type=float, default=240)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="glutewake-sync-"))
    try:
        results = {"merge": merge(base, args.events)}
        # a week of the other computer in a folder of its own: nothing changes while measured
        week = base / "week" / "glutewake"
        week.mkdir(parents=True)
        source = next((base / "folder" / "devices").iterdir())
        (week / "devices" / source.name).mkdir(parents=True)
        for path in sorted(source.iterdir())[-8:]:
            shutil.copy(path, week / "devices" / source.name / path.name)
        results["wakeups"] = {"sync off": wakeups(base, None, args.settle, args.window),
                              "sync on": wakeups(base, week, args.settle, args.window)}
    finally:
        shutil.rmtree(base, ignore_errors=True)
    out = Path("artifacts") / "bench" / "sync_merge.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
