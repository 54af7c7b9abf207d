"""The break journal: one SQLite row per event, kept safe above all else.

Writes are committed before a command is answered. When the database cannot be written (full disk,
read-only directory) events wait in memory and are retried; what is still waiting at exit goes to
a JSON-lines file that the next start imports. A file that is not a healthy database is moved
aside and a fresh journal started, never deleted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..core.events import Kind, Reason, Record
from .legacy import fields_from_detail

# Each entry brings the schema from version N to N + 1; never edit one that has shipped.
MIGRATIONS = (
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,            -- seconds since the epoch, UTC
        local_date TEXT NOT NULL,    -- YYYY-MM-DD where the event happened
        utc_offset INTEGER NOT NULL, -- minutes east of UTC when it happened
        kind TEXT NOT NULL,
        exercise TEXT,
        sitting REAL NOT NULL DEFAULT 0, -- seconds of sitting in the stretch at that moment
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_by_date ON events (local_date);
    CREATE INDEX events_by_kind ON events (kind, exercise, ts);
    """,
    # 2: statistics by kind and day (streaks, favourite exercises) without scanning every row
    """
    CREATE INDEX events_by_kind_day ON events (kind, local_date, exercise);
    """,
    # 3: typed fields instead of a free-text detail (see _fields_from_detail)
    lambda db: _typed_fields(db),
)

# The typed fields of a Record, in their journal columns.
FIELDS = ("reason", "source", "reminder", "duration", "until", "early", "level")
COLUMNS = ("ts", "local_date", "utc_offset", "kind", "exercise", "sitting") + FIELDS


@dataclass(frozen=True)
class Event:
    """A journal row: the Record, and where and when it was written."""

    id: int
    local_date: str
    utc_offset: int  # minutes east of UTC when it happened
    record: Record

    @property
    def local_time(self) -> datetime:
        """When it happened, on the clock of the place where it was written."""
        return datetime.fromtimestamp(self.record.wall,
                                      timezone(timedelta(minutes=self.utc_offset)))

    @classmethod
    def from_row(cls, row: tuple) -> Event:
        (ident, ts, local_date, offset, kind, exercise, sitting, reason, source, reminder,
         duration, until, early, level) = row
        return cls(ident, local_date, offset, Record(
            Kind(kind), ts, sitting, exercise, Reason(reason) if reason else None, source,
            reminder, duration, until, bool(early), level))


def local_stamp(ts: float) -> tuple[str, int]:
    """(local date, minutes east of UTC) for a moment, in this machine's time zone."""
    moment = datetime.fromtimestamp(ts).astimezone()
    offset = moment.utcoffset()
    return moment.date().isoformat(), int(offset.total_seconds() // 60) if offset else 0


class Journal:
    def __init__(self, path: Path, report: Callable[[str], None] = lambda message: None,
                 check: bool = True):
        self.path = path
        self._check = check  # the daemon checks integrity at start; quick readers skip it
        self._report = report  # one-line messages for the user
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pending: list[Record] = []
        self._last_error = ""
        self._connect()
        self._import_spill()

    @property
    def spill_path(self) -> Path:
        return self.path.with_name(self.path.name + ".pending.jsonl")

    @property
    def pending(self) -> int:
        return len(self._pending)

    # --- opening ---

    def _connect(self) -> bool:
        if self._db is not None:
            return True
        try:
            self._db = self._open_checked()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) and not _is_corruption(err):
                self._fail(f"cannot open {self.path} ({err}); check that the folder exists, is "
                           "writable and the disk has space. Events are kept in memory meanwhile")
                return False
            self._move_aside(err)
            try:
                self._db = self._open_checked()
            except (sqlite3.Error, OSError) as again:
                self._fail(f"cannot start a fresh journal at {self.path} ({again})")
                return False
        except OSError as err:
            self._fail(f"cannot create {self.path.parent} ({err.strerror}); events are kept in memory")
            return False
        return True

    def _open_checked(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # a logged break survives a power cut
            db.execute("PRAGMA cache_size=-512")  # KiB: a daemon that mostly appends needs little
            verdict = db.execute("PRAGMA quick_check").fetchone()[0] if self._check else "ok"
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {verdict}")
            _migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self, err: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                os.replace(source, Path(str(target) + suffix))
        self._report(f"journal {self.path} was damaged ({err}); it was moved to {target} and a "
                     "fresh journal started")

    def _fail(self, message: str) -> None:
        if message != self._last_error:
            self._last_error = message
            self._report(f"journal: {message}")

    # --- writing ---

    def record(self, record: Record) -> bool:
        """Store one event; True when it is safely on disk, False when it waits in memory."""
        with self._lock:
            self._pending.append(record)
            return self._flush_locked()

    def flush(self) -> bool:
        with self._lock:
            return self._flush_locked()

    def _flush_locked(self) -> bool:
        if not self._pending:
            return True
        if not self._connect():
            return False
        assert self._db is not None
        try:
            with self._db:  # one transaction
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    f"INSERT INTO events ({', '.join(map(repr, COLUMNS))}) "
                    f"VALUES ({', '.join('?' * len(COLUMNS))})",
                    [_row(r) for r in self._pending])
        except sqlite3.Error as err:
            self._fail(f"cannot write to {self.path} ({err}); events are kept in memory and "
                       "retried")
            return False
        if self._last_error:
            self._report(f"journal: writing to {self.path} works again; nothing was lost")
            self._last_error = ""
        self._pending.clear()
        return True

    def close(self) -> None:
        with self._lock:
            self._flush_locked()
            if self._pending:
                self._spill()
            if self._db is not None:
                self._db.close()
                self._db = None

    def _spill(self) -> None:
        """Keep events that never reached the database in a side file the next start imports."""
        lines = "".join(json.dumps(r.as_dict()) + "\n" for r in self._pending)
        for target in (self.spill_path, Path(tempfile.gettempdir()) / self.spill_path.name):
            try:
                with open(target, "a", encoding="utf-8") as out:
                    out.write(lines)
            except OSError:
                continue
            self._report(f"journal: {len(self._pending)} event(s) could not be written to "
                         f"{self.path}; saved in {target}")
            self._pending.clear()
            return
        self._report(f"journal: {len(self._pending)} event(s) could not be saved anywhere")

    def _import_spill(self) -> None:
        try:
            text = self.spill_path.read_text("utf-8")
        except OSError:
            return
        records = []
        for line in text.splitlines():
            try:
                records.append(_spilled(json.loads(line)))
            except (ValueError, TypeError, KeyError):
                continue
        with self._lock:
            self._pending.extend(records)
            if self._flush_locked():
                self.spill_path.unlink(missing_ok=True)
                self._report(f"journal: {len(records)} event(s) saved earlier in "
                             f"{self.spill_path} were added to the journal")

    # --- reading ---

    def events(self, since: date | None = None, until: date | None = None) -> Iterator[Event]:
        """Events in time order; `since`/`until` are inclusive local dates."""
        query, args = f"SELECT id, {', '.join(COLUMNS)} FROM events WHERE 1=1", []
        if since:
            query, args = query + " AND local_date >= ?", args + [since.isoformat()]
        if until:
            query, args = query + " AND local_date <= ?", args + [until.isoformat()]
        for row in self._read(query + " ORDER BY ts, id", args):
            yield Event.from_row(row)

    def read(self, query: str, args=()) -> list[tuple]:
        """Rows of a read-only query (for the statistics); empty when the journal is unreadable."""
        return self._read(query, list(args))

    def _read(self, query: str, args: list) -> list[tuple]:
        with self._lock:
            if not self._connect():
                return []
            assert self._db is not None
            try:
                return self._db.execute(query, args).fetchall()
            except sqlite3.Error as err:
                self._fail(f"cannot read {self.path} ({err})")
                return []


def _is_corruption(err: sqlite3.Error) -> bool:
    text = str(err).lower()
    return any(word in text for word in ("malformed", "not a database", "corrupt", "integrity"))


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise sqlite3.OperationalError(
            f"journal schema {version} is newer than this glutewake understands; upgrade glutewake")
    for number in range(version, len(MIGRATIONS)):
        step = MIGRATIONS[number]
        if isinstance(step, str):
            db.executescript(f"BEGIN; {step} PRAGMA user_version = {number + 1}; COMMIT;")
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            db.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _row(record: Record) -> tuple:
    return (record.wall, *local_stamp(record.wall), record.kind.value, record.exercise,
            record.sitting, record.reason.value if record.reason else None, record.source,
            record.reminder, record.duration, record.until, int(record.early), record.level)


def _spilled(data: dict) -> Record:
    """A record from the spill file; files written before typed fields carry a `detail`."""
    data = dict(data)
    text = data.pop("detail", None)
    if text is not None:
        data.update(fields_from_detail(data["kind"], text, data["wall"]))
    return Record.from_dict(data)


def _typed_fields(db: sqlite3.Connection) -> None:
    """Schema 3: the free-text `detail` of schema 1-2 becomes typed columns, row by row."""
    for column, kind in (("reason", "TEXT"), ("source", "TEXT"), ("reminder", "INTEGER"),
                         ("duration", "REAL"), ("until", "REAL"),
                         ("early", "INTEGER NOT NULL DEFAULT 0"), ("level", "INTEGER")):
        db.execute(f'ALTER TABLE events ADD COLUMN "{column}" {kind}')
    rows = db.execute("SELECT id, kind, ts, detail FROM events WHERE detail != ''").fetchall()
    updates = []
    for ident, kind, ts, text in rows:
        found = fields_from_detail(kind, text, ts)
        found["reason"] = found["reason"].value if found.get("reason") else None
        found["early"] = int(found.get("early", False))
        updates.append(tuple(found.get(name) for name in FIELDS) + (ident,))
    db.executemany("UPDATE events SET " + ", ".join(f'"{name}" = ?' for name in FIELDS)
                   + " WHERE id = ?", updates)
    db.execute("ALTER TABLE events DROP COLUMN detail")
