"""The break journal: rows, migrations, damage, and never losing an event."""

import os
import sqlite3
import tempfile
from datetime import date


from glutewake.core.coach import Record
from glutewake.store.journal import MIGRATIONS, Journal
from tests.helpers import START_WALL


def test_records_round_trip_with_local_date(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    assert journal.record(Record("done", START_WALL, 1834.5, "wall-lean", "early"))
    journal.record(Record("reminded", START_WALL + 60, 1900.0, "bird-dog", "reminder 1 of 3"))
    events = list(journal.events())
    assert [(e.kind, e.exercise, e.sitting, e.detail) for e in events] == [
        ("done", "wall-lean", 1834.5, "early"), ("reminded", "bird-dog", 1900.0, "reminder 1 of 3")]
    assert events[0].local_date == events[0].local_time.date().isoformat()
    assert journal.last_times("done") == {"wall-lean": START_WALL}
    assert journal.count("done", date.fromisoformat(events[0].local_date)) == 1
    journal.close()


def test_schema_version_and_wal(tmp_path):
    Journal(tmp_path / "j.sqlite3").close()
    db = sqlite3.connect(tmp_path / "j.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_events_since_filters_by_local_date(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    for day in range(3):
        journal.record(Record("done", START_WALL + day * 86400, 0, "wall-lean"))
    first = list(journal.events())
    later = list(journal.events(since=date.fromisoformat(first[1].local_date)))
    assert [e.id for e in later] == [first[1].id, first[2].id]


def test_garbage_file_is_moved_aside_and_a_fresh_journal_started(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    messages = []
    journal = Journal(path, messages.append)
    assert journal.record(Record("started", START_WALL, 0))
    aside = list(tmp_path.glob("journal.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert len(messages) == 1 and "moved to" in messages[0] and str(aside[0]) in messages[0]
    assert [e.kind for e in journal.events()] == ["started"]


def test_damaged_database_pages_are_detected(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    for n in range(2000):
        journal.record(Record("done", START_WALL + n, n, "wall-lean", "x" * 50))
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
    assert not journal.record(Record("done", START_WALL, 10, "wall-lean"))
    assert not journal.record(Record("skipped", START_WALL + 5, 10, "wall-lean"))
    assert journal.pending == 2
    assert len(messages) == 1 and "cannot create" in messages[0] and str(blocker) in messages[0]
    journal.close()  # nowhere to spill next to it: the temp folder takes the events
    assert "saved in" in messages[-1]
    assert len((tmp_path / "j.sqlite3.pending.jsonl").read_text().splitlines()) == 2


def test_failed_writes_are_retried_and_spilled_and_imported_next_start(tmp_path):
    path = tmp_path / "j.sqlite3"
    messages = []
    journal = Journal(path, messages.append)
    journal.record(Record("started", START_WALL, 0))
    # Make every write fail the way a full disk does, without filling a disk.
    journal._db.execute("CREATE TRIGGER full BEFORE INSERT ON events "
                        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    assert not journal.record(Record("done", START_WALL + 1, 5, "wall-lean"))
    assert not journal.record(Record("skipped", START_WALL + 2, 6, "bird-dog"))
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
    assert [e.kind for e in again.events()] == ["started", "done", "skipped"]
    assert not spill.exists() and "were added" in messages[0]


def test_recovery_after_a_failed_write(tmp_path):
    messages = []
    journal = Journal(tmp_path / "j.sqlite3", messages.append)
    journal._db.execute("CREATE TRIGGER full BEFORE INSERT ON events "
                        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    journal.record(Record("done", START_WALL, 5, "wall-lean"))
    journal._db.execute("DROP TRIGGER full")
    assert journal.flush() and journal.pending == 0
    assert "works again" in messages[-1]
    assert [e.kind for e in journal.events()] == ["done"]


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
    journal.record(Record("started", START_WALL, 0))
    assert journal.pending == 1
