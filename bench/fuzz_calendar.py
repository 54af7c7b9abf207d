"""A longer fuzz run of the calendar pipeline than `make test` makes (tests/support/fuzz_calendar.py
says what must hold), with the figures: answers by kind, the slowest example, the children's
peak.

    .venv/bin/python -m bench.fuzz_calendar [--seconds N] [--apart] [--calendar FILE ...]

Random generated and mutated calendars for --seconds (default 300), each in this process with
the child's processor time as its budget; with --apart each goes through the real parser child
instead (slower: its bounds are the kernel's). --calendar checks the given files both ways and
says what each gives, for a calendar of your own. Every seed calendar and the hostile set go
through the child first. An example that breaks a rule is kept in
artifacts/bench/fuzz-calendar/ and the run exits 1. Writes artifacts/bench/fuzz_calendar.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from glutewake.desktop.quiet.calendar import CPU_SECONDS, MOST_EVENTS
from tests.support import fuzz_calendar as fuzz

OUT = Path("artifacts/bench")


class Run:
    def __init__(self) -> None:
        self.kinds: collections.Counter[str] = collections.Counter()
        self.slowest = (0.0, "")
        self.broken: list[str] = []

    def one(self, name: str, data: bytes, apart: bool) -> None:
        began = time.process_time() if not apart else time.monotonic()
        try:
            if apart:
                kind = fuzz.check_apart(data)
            else:
                said = fuzz.check(data, MOST_EVENTS, CPU_SECONDS)
                kind = ("read" if "timeline" in said else "refused" if "error" in said
                        else f"too much: {said['too_much']}")  # as check_apart names them
        except AssertionError as err:
            OUT.joinpath("fuzz-calendar").mkdir(parents=True, exist_ok=True)
            kept = OUT / "fuzz-calendar" / f"{len(self.broken) + 1}.ics"
            kept.write_bytes(data)
            self.broken.append(f"{name}: {err} (kept in {kept})")
            kind = "BROKEN"
        took = (time.process_time() if not apart else time.monotonic()) - began
        self.kinds[kind] += 1
        if took > self.slowest[0]:
            self.slowest = (took, name)


def child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="how long to generate")
    parser.add_argument("--apart", action="store_true", help="each example in the real child")
    parser.add_argument("--calendar", type=Path, action="append", default=[],
                        help="a calendar file to check (may be given more than once)")
    args = parser.parse_args()
    run = Run()
    for path in args.calendar:
        data = path.read_bytes()
        print(f"{path}: in this process {fuzz.check(data, MOST_EVENTS, CPU_SECONDS)!s:.200}; "
              f"in the child {fuzz.check_apart(data)}", flush=True)
    began = time.monotonic()
    for name, data in fuzz.hostile().items():
        run.one(f"hostile: {name}", data, apart=True)
    seeds = fuzz.seeds()
    for path in fuzz.seed_files():
        run.one(f"seed {path.name}", path.read_bytes(), apart=True)
    print(f"seeds and hostile set through the child: {sum(run.kinds.values())} in "
          f"{time.monotonic() - began:.0f} s", flush=True)

    @settings(max_examples=50, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fuzz.calendars(seeds))
    def batch(data):
        run.one(f"generated #{sum(run.kinds.values())}", data, apart=args.apart)

    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        batch()
    total = sum(run.kinds.values())
    print(f"\n{total} calendars; answers: " + ", ".join(
        f"{kind} {count}" for kind, count in run.kinds.most_common()))
    print(f"slowest: {run.slowest[1]}, {run.slowest[0]:.1f} s "
          f"({'on the clock' if args.apart else 'of processor time'}; the child's limit is "
          f"{CPU_SECONDS} s of processor time)")
    print(f"largest child: {child_peak_mb():.0f} MB resident at its peak")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fuzz_calendar.json").write_text(json.dumps({
        "calendars": total, "answers": dict(run.kinds), "slowest_s": round(run.slowest[0], 2),
        "slowest": run.slowest[1], "child_peak_mb": round(child_peak_mb(), 1),
        "broken": run.broken}, indent=1))
    for line in run.broken:
        print(f"BROKEN {line}")
    return 1 if run.broken else 0


if __name__ == "__main__":
    sys.exit(main())
