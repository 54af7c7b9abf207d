"""The break journal: rows, migrations, damage, and never losing an event."""

import json
import os
import pathlib
import sqlite3
from datetime import date

import pytest

from glutewake.core.events import Kind, Reason, Record
from glutewake.store.journal import MIGRATIONS, Journal, JournalDamaged
from glutewake.store.spill import Spill
from tests.support.helpers import START_WALL


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


def spill_for(tmp_path, messages=None):
    report = messages.append if messages is not None else (lambda m: None)
    return Spill([tmp_path / "state" / "spill", tmp_path / "run" / "spill"], report)


def spill_lines(tmp_path) -> list[str]:
    return [line for path in sorted((tmp_path / "state" / "spill").glob("*.jsonl"))
            for line in path.read_text().splitlines()]


def test_a_folder_that_cannot_be_made_spills_at_once_and_the_next_start_imports(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    messages = []
    journal = Journal(blocker / "j.sqlite3", messages.append, spill=spill_for(tmp_path, messages))
    assert not journal.record(Record(Kind.DONE, START_WALL, 10, "wall-lean"))
    assert not journal.record(Record(Kind.SKIPPED, START_WALL + 5, 10, "wall-lean"))
    assert journal.pending == 2 and "cannot create" in journal.trouble
    assert len(spill_lines(tmp_path)) == 2  # safe on disk before anyone was told
    folder = tmp_path / "state" / "spill"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.iterdir())
    journal.close()
    blocker.unlink()
    again = Journal(blocker / "j.sqlite3", messages.append, spill=spill_for(tmp_path))
    assert [e.record.kind for e in again.events()] == [Kind.DONE, Kind.SKIPPED]
    assert not spill_lines(tmp_path)


def full_disk(journal):
    """Make every write fail the way a full disk does, without filling a disk."""
    journal._db.execute("CREATE TRIGGER full BEFORE INSERT ON events "
                        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")


def test_failed_writes_are_spilled_at_once_and_written_when_it_works_again(tmp_path):
    path = tmp_path / "j.sqlite3"
    messages = []
    journal = Journal(path, messages.append, spill=spill_for(tmp_path, messages))
    journal.record(Record(Kind.STARTED, START_WALL, 0))
    full_disk(journal)
    assert not journal.record(Record(Kind.DONE, START_WALL + 1, 5, "wall-lean"))
    assert not journal.record(Record(Kind.SKIPPED, START_WALL + 2, 6, "bird-dog"))
    assert journal.pending == 2 and len(spill_lines(tmp_path)) == 2
    assert sum("disk is full" in m for m in messages) == 1  # said once, not per event
    journal._db.execute("DROP TRIGGER full")
    assert journal.flush()
    assert [e.record.kind for e in journal.events()] == [Kind.STARTED, Kind.DONE, Kind.SKIPPED]
    assert not spill_lines(tmp_path) and "works again" in " ".join(messages)
    journal.close()


def test_spilled_events_left_at_exit_are_imported_next_start_once(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal(path, spill=spill_for(tmp_path))
    full_disk(journal)
    journal.record(Record(Kind.DONE, START_WALL + 1, 5, "wall-lean"))
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER full")
    db.commit()
    db.close()
    leftover = spill_lines(tmp_path)
    journal._db.close()  # killed: no flush, no close
    journal._db = None
    # the same spill file read twice (a crash after the insert, before the file was removed)
    copy = tmp_path / "state" / "spill" / "pending-1-1.jsonl"
    copy.write_text("\n".join(leftover) + "\n")
    copy.chmod(0o600)
    again = Journal(path, spill=spill_for(tmp_path))
    assert [e.record.kind for e in again.events()] == [Kind.DONE]
    assert not spill_lines(tmp_path)


def test_a_spill_file_someone_else_could_write_is_left_alone(tmp_path):
    folder = tmp_path / "state" / "spill"
    folder.mkdir(parents=True, mode=0o700)
    planted = folder / "pending-1-1.jsonl"
    planted.write_text('{"uid": "x", "record": {"kind": "done", "wall": 1.0, "sitting": 0}}\n')
    planted.chmod(0o666)
    messages = []
    journal = Journal(tmp_path / "j.sqlite3", messages.append, spill=spill_for(tmp_path))
    assert not list(journal.events())
    assert planted.exists()


def test_a_journal_removed_while_running_is_noticed_before_the_next_write(tmp_path):
    path = tmp_path / "j.sqlite3"
    messages = []
    journal = Journal(path, messages.append, spill=spill_for(tmp_path))
    journal.record(Record(Kind.STARTED, START_WALL, 0))
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert journal.record(Record(Kind.DONE, START_WALL + 1, 5, "wall-lean"))
    assert any("removed or replaced" in m for m in messages)
    journal.close()
    reread = Journal.reader(path)
    assert [e.record.kind for e in reread.events()] == [Kind.DONE]


def test_a_reader_reports_damage_and_moves_nothing(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(JournalDamaged) as err:
        list(Journal.reader(path).events())
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert path.read_bytes().startswith(b"this is not")
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_the_journal_is_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    journal = Journal(folder / "j.sqlite3")
    journal.record(Record(Kind.STARTED, START_WALL, 0))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "j.sqlite3").stat().st_mode & 0o777 == 0o600
    journal.close()


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


SCHEMA_1 = """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        local_date TEXT NOT NULL,
        utc_offset INTEGER NOT NULL,
        kind TEXT NOT NULL,
        exercise TEXT,
        sitting REAL NOT NULL DEFAULT 0,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_by_date ON events (local_date);
    CREATE INDEX events_by_kind ON events (kind, exercise, ts);
    """


def old_journal(path, rows):
    """A journal as glutewake wrote it before typed fields: schema 2, free-text details."""
    db = sqlite3.connect(path)
    for number, step in enumerate((SCHEMA_1, MIGRATIONS[1]), 1):
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
    spill.write_text(f'{{"kind": "done", "wall": {START_WALL!r}, "sitting": 12.0, '
                     '"exercise": "wall-lean", "detail": "early"}\n')
    journal = Journal(path, spill=spill_for(tmp_path))
    assert [(e.record.kind, e.record.early) for e in journal.events()] == [(Kind.DONE, True)]
    assert not spill.exists()


def spill_file(tmp_path, lines: list[str], name: str = "pending-1-1.jsonl") -> pathlib.Path:
    folder = tmp_path / "state" / "spill"
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines))
    path.chmod(0o600)
    return path


def spilled(uid: str, **record) -> str:
    return json.dumps({"uid": uid, "record": {"sitting": 5.0, "exercise": "wall-lean"} | record})


BAD_LINES = [  # each with one field a journal record cannot hold
    spilled("b" * 32, kind="done", wall=1e20),
    spilled("c" * 32, kind="done", wall=float("nan")),
    spilled("d" * 32, kind="done", wall=-5.0),
    spilled("e" * 32, kind="gone", wall=START_WALL),
    spilled("f" * 32, kind="done", wall=START_WALL, sitting=-1),
    spilled("0" * 32, kind="done", wall=START_WALL, sitting=1e300),
    spilled("1" * 32, kind="reminded", wall=START_WALL, reminder=10**30),
    spilled("2" * 32, kind="reminded", wall=START_WALL, reminder="1"),
    spilled("3" * 32, kind="held", wall=START_WALL, reason="because"),
    spilled("4" * 32, kind="done", wall=START_WALL, early="yes"),
    spilled("5" * 32, kind="done", wall=START_WALL, dose=7),
    spilled("6" * 32, kind="feedback", wall=START_WALL, feedback="meh"),
    spilled("7" * 32, kind="paused", wall=START_WALL, until=1e19),
    spilled("8" * 32, kind="done", wall=START_WALL, exercise=["wall-lean"]),
    spilled("9" * 32, kind="done", wall=START_WALL, colour="red"),
    spilled("x" * 99, kind="done", wall=START_WALL),
    json.dumps({"uid": "a" * 31, "record": "done"}),
    "[" * 100_000,
    "not json at all",
    '{"kind": "paused", "wall": 1e20, "sitting": 0, "detail": "until 07:00"}',  # old format
]


def test_a_bad_spill_line_is_set_aside_and_the_good_lines_are_imported(tmp_path):
    good = [spilled("a" * 32, kind="done", wall=START_WALL),
            f'{{"kind": "paused", "wall": {START_WALL!r}, "sitting": 0, "detail": "until 25:99"}}',
            spilled("a" * 31 + "b", kind="skipped", wall=START_WALL + 2,
                    source="zoom\x1b[31m\u202e" + "z" * 500)]
    path = spill_file(tmp_path, good[:1] + BAD_LINES + good[1:])
    original = path.read_bytes()
    messages = []
    journal = Journal(tmp_path / "j.sqlite3", messages.append, spill=spill_for(tmp_path))
    events = [e.record for e in journal.events()]
    assert [(r.kind, r.until) for r in events] == [
        (Kind.DONE, None), (Kind.PAUSED, None), (Kind.SKIPPED, None)]
    assert events[2].source.startswith("zoom") and len(events[2].source) == 80  # cleaned
    aside = list(path.parent.glob("pending-1-1.jsonl.bad-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == original and not path.exists()
    assert len(messages) == 1 and "\n" not in messages[0], messages
    assert f"{len(BAD_LINES)} lines of {path}" in messages[0] and str(aside[0]) in messages[0]
    assert "line 2: wall 1e+20 is of the wrong type or out of range" in messages[0]
    assert "3 other events were added" in messages[0]
    journal.close()
    messages.clear()
    again = Journal(tmp_path / "j.sqlite3", messages.append, spill=spill_for(tmp_path))
    assert len(list(again.events())) == 3 and messages == []  # nothing twice, nothing said


def test_every_field_of_a_record_has_its_check():
    from dataclasses import fields

    from glutewake.store import valid

    assert set(valid.CHECKS) == {f.name for f in fields(Record)}


BAD_ROWS = [  # (ts, kind, exercise, sitting, detail) that no glutewake wrote
    (1e20, "done", "wall-lean", 1900, ""),
    (START_WALL + 20, "gone", None, 0, ""),
    ("yesterday", "done", "wall-lean", 1900, ""),
    (START_WALL + 21, "reminded", "wall-lean", 1800, "reminder 99999999999999999999 of 3"),
    (START_WALL + 22, "snoozed", "wall-lean", 1900, "99999999 h"),
    (START_WALL + 23, "done", "wall-lean", -4, ""),
    (START_WALL + 24, "done", b"\xff\xfe", 1900, ""),
]


def test_rows_of_an_old_journal_that_are_no_events_never_stop_the_start(tmp_path):
    path = tmp_path / "old.sqlite3"
    odd = [(START_WALL + 25, "paused", None, 0, "until 25:99")]  # unreadable detail: fields empty
    old_journal(path, OLD_ROWS + BAD_ROWS + odd)
    messages = []
    journal = Journal(path, messages.append)
    assert [(e.record.wall, e.record.kind.value) for e in journal.events()] == [
        (ts, kind) for ts, kind, *_ in OLD_ROWS + odd]
    assert len(messages) == 1 and "\n" not in messages[0]
    assert f"{len(BAD_ROWS)} rows of the old journal could not be converted" in messages[0]
    assert "row 17: wall 1e+20 is of the wrong type or out of range" in messages[0]
    kept = journal.read("SELECT ts, kind, exercise, sitting, detail FROM unreadable_events "
                        "ORDER BY id")
    assert kept == [tuple(row) for row in BAD_ROWS]  # as they were
    journal.close()
    assert [e.record.kind for e in Journal.reader(path).events()][-1] == Kind.PAUSED


def statements_run(monkeypatch) -> list[str]:
    """Every SQL statement the journal's connections run from now on."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    return statements


def shape(path) -> tuple:
    db = sqlite3.connect(path)
    try:
        return (db.execute("PRAGMA user_version").fetchone()[0],
                [row[1:] for row in db.execute("PRAGMA table_info(events)")],
                sorted((row[1], row[2], [c[2] for c in db.execute(f"PRAGMA index_info({row[1]})")])
                       for row in db.execute("PRAGMA index_list(events)")))
    finally:
        db.close()


def test_a_new_journal_is_made_as_it_is_now_without_the_steps_of_old_ones(tmp_path, monkeypatch):
    statements = statements_run(monkeypatch)
    Journal(tmp_path / "new.sqlite3").close()
    assert not [s for s in statements if "ALTER TABLE" in s.upper()]
    assert any("CREATE TABLE events" in s for s in statements)
    old_journal(tmp_path / "old.sqlite3", OLD_ROWS[:2])
    Journal(tmp_path / "old.sqlite3").close()
    assert shape(tmp_path / "new.sqlite3") == shape(tmp_path / "old.sqlite3")


def test_converting_an_old_journal_needs_no_sqlite_newer_than_3_25(tmp_path, monkeypatch):
    """DROP COLUMN came with SQLite 3.35 (2021), RENAME COLUMN with 3.25: the conversion builds
    the table anew and renames it, which every SQLite 3 can do."""
    old_journal(tmp_path / "old.sqlite3", OLD_ROWS)
    statements = statements_run(monkeypatch)
    Journal(tmp_path / "old.sqlite3").close()
    altered = [s.upper() for s in statements if "ALTER TABLE" in s.upper()]
    assert altered and all("RENAME TO" in s and "COLUMN" not in s for s in altered), altered


def test_a_reader_shows_events_still_in_spill_files_each_once_and_changes_nothing(tmp_path):
    from glutewake.store import stats

    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    journal.record(Record(Kind.DONE, START_WALL, 5, "wall-lean"))
    (written,), = journal.read("SELECT uid FROM events")
    journal.close()
    waiting = spilled("a" * 32, kind="done", wall=START_WALL + 60, exercise="bird-dog")
    # the written one again (a crash before its spill file went), and the waiting one twice
    first = spill_file(tmp_path, [spilled(written, kind="done", wall=START_WALL), waiting])
    second = spill_file(tmp_path, [waiting, BAD_LINES[0]], name="pending-2-2.jsonl")
    before = {p: p.read_bytes() for p in (path, first, second)}
    reader = Journal.reader(path, spill_for(tmp_path))
    events = list(reader.events())
    assert [(e.record.exercise, e.waiting) for e in events] == [
        ("wall-lean", False), ("bird-dog", True)]
    day = date.fromisoformat(events[0].local_date)
    assert stats.report(reader.read, day, day, 0, day).total.done == 2
    reader.close()
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name, second.name]
