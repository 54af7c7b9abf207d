"""The journal as CSV or JSON rows: `glutewake log --csv`, `glutewake export`, the tray's
"Open break log". The columns are documented in the README; new ones are only ever appended."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TextIO

from ..words.phrases import detail

if TYPE_CHECKING:
    from .journal import Journal

CSV_COLUMNS = ("time_utc", "local_time", "local_date", "kind", "exercise", "sitting_seconds",
               "detail", "reason", "source", "reminder", "duration_seconds", "until_utc",
               "early", "level", "dose", "feedback", "guided", "waiting", "device")


def utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


def rows(journal: Journal, since: date | None = None) -> Iterator[list[object]]:
    """One row per event, in CSV_COLUMNS order; None where the event has no such value (an
    empty cell in the CSV, null in JSON)."""
    for event in journal.events(since):
        r = event.record
        yield [utc(r.wall), event.local_time.isoformat(timespec="seconds"), event.local_date,
               r.kind.value, r.exercise, round(r.sitting), detail(r),
               r.reason.value if r.reason else None, r.source, r.reminder,
               None if r.duration is None else round(r.duration),
               None if r.until is None else utc(r.until), int(r.early), r.level,
               None if r.dose is None else r.dose + 1, r.feedback, int(r.guided),
               int(event.waiting), event.device or None]


def write_csv(journal: Journal, out: TextIO, since: date | None = None) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows(journal, since))
