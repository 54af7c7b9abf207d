"""The break journal: rows, migrations, damage, and never losing an event."""

import os
import sqlite3
import tempfile
from datetime import date


from glutewake.core.events import Kind, Reason, Record
from glutewake.store.journal import MIGRATIONS, Journal
from tests.helpers import START_WALL


def test_records_round_trip_with_local_date(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    done = Record(Kind.DONE, START_WALL, 1834.5, "wall-lean", early=True)
    held = Record(Kind.REMINDED, START_WALL + 60, 1900.0, "bird-dog", Reason.APP, "zoom",
                  reminder=1, duration=300.0)
    paused = Record(Kind.PAUSED, START_WALL + 90, 0, reason=Reason.MANUAL, until=START_WALL + 999)
    assert journal.record(done)
    journal.record(held)
    journal.record(paused)
    events = list(journal.events())
    assert [e.record for e in events] == [done, held, paused]
    assert isinstance(events[1].record.kind, Kind) and events[1].record.reason is Reason.APP
    assert events[0].local_date == events[0].local_time.date().isoformat()
    journal.close()


def test_schema_version_and_wal(tmp_path):
    Journal(tmp_path / "j.sqlite3").close()
    db = sqlite3.connect(tmp_path / "j.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_events_since_filters_by_local_date(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    for day in range(3):
        journal.record(Record(Kind.DONE, START_WALL + day * 86400, 0, "wall-lean"))
    first = list(journal.events())
    later = list(journal.events(since=date.fromisoformat(first[1].local_date)))
    assert [e.id for e in later] == [first[1].id, first[2].id]


def test_garbage_file_is_moved_aside_and_a_fresh_journal_started(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    messages = []
    journal = Journal(path, messages.append)
    assert journal.record(Record(Kind.STARTED, START_WALL, 0))
    aside = list(tmp_path.glob("journal.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert len(messages) == 1 and "moved to" in messages[0] and str(aside[0]) in messages[0]
    assert [e.record.kind for e in journal.events()] == ["started"]


def test_damaged_database_pages_are_detected(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    for n in range(2000):
        journal.record(Record(Kind.DONE, START_WALL + n, n, "wall-lean", source="x" * 50))
    journal.close()
    with open(path, "r+b") as db:  # scribble over the middle of the file
        db.seek(os.path.getsize(path) // 2)
        db.write(os.urandom(8192))
    messages = []
    Journal(path, messages.append).close()
    assert list(tmp_path.glob("journal.sqlite3.corrupt-*")), messages
    assert "damaged" in messages[0]


def test_a_folder_that_cannot_be_made_keeps_events_in_memory_then_spills_them(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    messages = []
    journal = Journal(blocker / "j.sqlite3", messages.append)
    assert not journal.record(Record(Kind.DONE, START_WALL, 10, "wall-lean"))
    assert not journal.record(Record(Kind.SKIPPED, START_WALL + 5, 10, "wall-lean"))
    assert journal.pending == 2
    assert len(messages) == 1 and "cannot create" in messages[0] and str(blocker) in messages[0]
    journal.close()  # nowhere to spill next to it: the temp folder takes the events
    assert "saved in" in messages[-1]
    assert len((tmp_path / "j.sqlite3.pending.jsonl").read_text().splitlines()) == 2


def test_failed_writes_are_retried_and_spilled_and_imported_next_start(tmp_path):
    path = tmp_path / "j.sqlite3"
    messages = []
    journal = Journal(path, messages.append)
    journal.record(Record(Kind.STARTED, START_WALL, 0))
    # Make every write fail the way a full disk does, without filling a disk.
    journal._db.execute("CREATE TRIGGER full BEFORE INSERT ON events "
                        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    assert not journal.record(Record(Kind.DONE, START_WALL + 1, 5, "wall-lean"))
    assert not journal.record(Record(Kind.SKIPPED, START_WALL + 2, 6, "bird-dog"))
    assert journal.pending == 2
    assert sum("disk is full" in m for m in messages) == 1  # said once, not per event
    journal.close()
    spill = tmp_path / "j.sqlite3.pending.jsonl"
    assert len(spill.read_text().splitlines()) == 2
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER full")
    db.commit()
    db.close()
    messages.clear()
    again = Journal(path, messages.append)
    assert [e.record.kind for e in again.events()] == ["started", "done", "skipped"]
    assert not spill.exists() and "were added" in messages[0]


def test_recovery_after_a_failed_write(tmp_path):
    messages = []
    journal = Journal(tmp_path / "j.sqlite3", messages.append)
    journal._db.execute("CREATE TRIGGER full BEFORE INSERT ON events "
                        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    journal.record(Record(Kind.DONE, START_WALL, 5, "wall-lean"))
    journal._db.execute("DROP TRIGGER full")
    assert journal.flush() and journal.pending == 0
    assert "works again" in messages[-1]
    assert [e.record.kind for e in journal.events()] == ["done"]


def test_newer_schema_is_not_touched(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    messages = []
    journal = Journal(path, messages.append)
    assert "newer than this glutewake" in messages[0]
    assert not list(tmp_path.glob("*.corrupt-*"))
    journal.record(Record(Kind.STARTED, START_WALL, 0))
    assert journal.pending == 1


def old_journal(path, rows):
    """A journal as glutewake wrote it before typed fields: schema 2, free-text details."""
    db = sqlite3.connect(path)
    for number, step in enumerate(MIGRATIONS[:2], 1):
        db.executescript(f"BEGIN; {step} PRAGMA user_version = {number}; COMMIT;")
    db.executemany("INSERT INTO events (ts, local_date, utc_offset, kind, exercise, sitting, "
                   "detail) VALUES (?, '2026-11-22', 60, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


OLD_ROWS = [  # (ts, kind, exercise, sitting, detail) exactly as the coach of schema 2 wrote them
    (START_WALL, "started", None, 0, ""),
    (START_WALL + 1, "reminded", "wall-lean", 1800, "reminder 1 of 3"),
    (START_WALL + 2, "reminded", "wall-lean", 2100, "reminder 2 of 3"),
    (START_WALL + 3, "held", "bird-dog", 1800, "zoom is running"),
    (START_WALL + 4, "reminded", "bird-dog", 1900, "reminder 1 of 3, held 5 min: zoom is running"),
    (START_WALL + 5, "held", "bird-dog", 1800, "off hours until 09:00"),
    (START_WALL + 6, "done", "wall-lean", 1900, "early"),
    (START_WALL + 7, "done", "wall-lean", 1900, ""),
    (START_WALL + 8, "snoozed", "wall-lean", 1900, "10 min"),
    (START_WALL + 9, "natural_break", None, 1500, "away 1 h 5 min"),
    (START_WALL + 10, "paused", None, 0, "until you resume"),
    (START_WALL + 11, "resumed", None, 0, "by you"),
    (START_WALL + 12, "paused", None, 0, "until tomorrow 07:00"),
    (START_WALL + 13, "resumed", None, 0, "pause ended"),
    (START_WALL + 14, "held", None, 0, "full-screen window"),
    (START_WALL + 15, "stopped", None, 900, ""),
]


def test_schema_2_journal_migrates_to_typed_fields_without_losing_a_row(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_journal(path, OLD_ROWS)
    journal = Journal(path)
    events = [e.record for e in journal.events()]
    assert [(r.wall, r.kind.value, r.exercise, r.sitting) for r in events] == [
        (ts, kind, exercise, sitting) for ts, kind, exercise, sitting, _ in OLD_ROWS]
    assert events[1].reminder == 1 and events[2].reminder == 2 and events[1].reason is None
    assert (events[3].reason, events[3].source) == (Reason.APP, "zoom")
    assert (events[4].reminder, events[4].reason, events[4].source, events[4].duration) == (
        1, Reason.APP, "zoom", 300)
    assert events[5].reason is Reason.OFF_HOURS
    assert events[6].early and not events[7].early
    assert events[8].duration == 600 and events[9].duration == 3900
    assert events[10].reason is Reason.MANUAL and events[10].until is None
    assert events[11].reason is Reason.MANUAL and events[13].reason is Reason.TIMER
    assert events[12].until is not None and events[12].until > events[12].wall
    assert events[14].reason is Reason.FULLSCREEN
    columns = [row[1] for row in journal.read("PRAGMA table_info(events)")]
    assert "detail" not in columns and "reminder" in columns
    journal.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_spill_file_from_before_typed_fields_is_imported(tmp_path):
    path = tmp_path / "j.sqlite3"
    spill = tmp_path / "j.sqlite3.pending.jsonl"
    spill.write_text('{"kind": "done", "wall": %r, "sitting": 12.0, "exercise": "wall-lean", '
                     '"detail": "early"}\n' % START_WALL)
    journal = Journal(path)
    assert [(e.record.kind, e.record.early) for e in journal.events()] == [(Kind.DONE, True)]
    assert not spill.exists()
