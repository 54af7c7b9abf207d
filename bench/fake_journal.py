"""A journal of plausible heavy use, for benchmarks and the README chart.

    .venv/bin/python -m bench.fake_journal PATH [--years 5] [--seed 1]

Heavy use: every working day sitting from about 08:00 to 18:30 with a lunch break, a reminder
after each 7 minutes of sitting, answered with a break most of the time, sometimes snoozed,
skipped or ignored until you walk away. About 150,000 events for five years.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from glutewake.app.catalog import builtin
from glutewake.store.journal import Journal, local_stamp

STANDING = [e.id for e in builtin() if e.posture == "standing" and e.equipment != "band"]


def day_events(day: date, rng: random.Random, every: int = 380,
               doses: dict[str, int] | None = None) -> list[tuple]:
    """(ts, kind, exercise, sitting, reminder, duration, dose) rows for one working day; `doses`
    holds each exercise's dose step (0-2), which now and then goes up, or down after a hard one."""
    doses = {} if doses is None else doses
    rows = []
    moment = datetime.combine(day, datetime.min.time()).replace(hour=8) + timedelta(
        minutes=rng.randint(-30, 30))
    end = moment.replace(hour=18, minute=30)
    lunch = moment.replace(hour=12, minute=30)
    ts = lambda: moment.timestamp()  # noqa: E731
    rows.append((ts(), "started", None, 0.0, None, None, None))
    sitting = 0.0
    exercise = rng.choice(STANDING)
    while moment < end:
        step = rng.randint(30, 150)
        moment += timedelta(seconds=step)
        sitting += step
        if lunch <= moment < lunch + timedelta(minutes=5):
            # away from `moment`: a natural break once 5 minutes are up, back 45 minutes later
            rows.append((ts() + 5 * 60, "natural_break", None, sitting, None, 5 * 60, None))
            moment += timedelta(minutes=45)
            rows.append((ts(), "away", None, 0.0, None, 45 * 60, None))
            sitting = 0.0
            continue
        if sitting < every:
            continue
        reminders = 1
        rows.append((ts(), "reminded", exercise, sitting, 1, None, None))
        roll = rng.random()
        if roll < 0.12:  # snoozed once, then done
            rows.append((ts() + 30, "snoozed", exercise, sitting + 30, None, 600, None))
            moment += timedelta(minutes=10)
            sitting += 600
            reminders += 1
            rows.append((ts(), "reminded", exercise, sitting, 2, None, None))
            roll = 0.5
        if roll < 0.72:
            moment += timedelta(seconds=rng.randint(20, 240))
            step = doses.get(exercise, 0)
            rows.append((ts(), "done", exercise, sitting, None, None, step))
            change = rng.random()
            doses[exercise] = min(2, step + 1) if change < 0.08 else (
                max(0, step - 1) if change > 0.96 else step)
        elif roll < 0.82:
            rows.append((ts() + 20, "skipped", exercise, sitting, None, None, None))
        else:  # ignored: repeats, then the person walks off
            for n in (2, 3):
                moment += timedelta(minutes=5)
                sitting += 300
                rows.append((ts(), "reminded", exercise, sitting, n, None, None))
            moment += timedelta(minutes=1)  # walks off; a natural break after 5 minutes away
            rows.append((ts() + 5 * 60, "natural_break", None, sitting, None, 5 * 60, None))
            moment += timedelta(minutes=7)
            rows.append((ts(), "away", None, 0.0, None, 7 * 60, None))
        sitting = 0.0
        exercise = rng.choice([e for e in STANDING if e != exercise])
    rows.append((ts(), "stopped", None, sitting, None, None, None))
    return rows


def generate(path: Path, years: float = 5, seed: int = 1, last: date | None = None,
             every: int = 380) -> int:
    """Write the fake journal at `path` (replacing it); returns the number of events."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    Journal(path).close()  # the real schema, migrations included
    rng = random.Random(seed)
    last = last or date.today()
    first = last - timedelta(days=int(365 * years) - 1)
    rows, doses = [], {}
    day = first
    while day <= last:
        if day.weekday() < 5 and rng.random() > 0.06:  # weekdays, minus holidays and sick days
            for ts, *fields in day_events(day, rng, every, doses):
                rows.append((ts, *local_stamp(ts), *fields))
        day += timedelta(days=1)
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO events (uid, ts, local_date, utc_offset, kind, exercise, "
                       "sitting, reminder, duration, dose) VALUES (lower(hex(randomblob(16))), "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=380,
                        help="seconds of sitting before each reminder (default 380: heavy use)")
    args = parser.parse_args()
    count = generate(args.path, args.years, args.seed, every=args.every)
    print(f"{count} events written to {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
