"""The break journal: one SQLite row per event, kept safe above all else.

Only the daemon owns the journal (`Journal`); commands that read it (`glutewake log`, `stats`,
`export`) open it with `Journal.reader`: read-only, never converted, moved or repaired, and with
the events that still wait in spill files shown as part of it.

A break the daemon acknowledges is either committed or, when the database cannot be written at
once (full or read-only disk, another process holding a write lock), appended to a private spill
file before the answer goes out; it is written to the database as soon as that works again. Every
event carries a unique id, and the database refuses an id twice, so an event in both the spill
file and the database (a crash between the two) is never counted twice. A file that is not a
healthy database is moved aside and a fresh journal started, never deleted; a journal removed or
replaced while the daemon runs is noticed before the next write.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from ..core.events import Kind, Reason, Record
from ..i18n import _, ngettext
from . import valid
from .reading import Row, Written
from .spill import Spill

BUSY_BUDGET = 0.5  # seconds a write may wait for another process's lock before spilling
CACHE_KIB = -512  # SQLite's page cache (negative: KiB)
MERGE_CHUNK = 10_000  # events from other computers per transaction
T = TypeVar("T")

# The journal as this version writes it; a new journal is made so at once.
TABLE = """
    CREATE TABLE {name} (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,            -- seconds since the epoch, UTC
        local_date TEXT NOT NULL,    -- YYYY-MM-DD where the event happened
        utc_offset INTEGER NOT NULL, -- minutes east of UTC when it happened
        kind TEXT NOT NULL,
        exercise TEXT,
        sitting REAL NOT NULL DEFAULT 0, -- seconds of sitting in the stretch at that moment
        reason TEXT, source TEXT, reminder INTEGER, duration REAL, until REAL,
        early INTEGER NOT NULL DEFAULT 0, level INTEGER, dose INTEGER, feedback TEXT,
        guided INTEGER NOT NULL DEFAULT 0,
        uid TEXT, -- unique per event: one that reaches the journal twice is kept once
        device TEXT NOT NULL DEFAULT '' -- the computer it came from (store/syncfolder.py), ''
                                        -- for this one
    )"""
INDEXES = (
    "CREATE INDEX events_by_date ON events (local_date)",
    "CREATE INDEX events_by_kind ON events (kind, exercise, ts)",
    "CREATE INDEX events_by_kind_day ON events (kind, local_date, exercise)",
    "CREATE UNIQUE INDEX events_by_uid ON events (uid)",
)

# What several computers need besides the events (schema 4): `presence` holds the sitting, away
# and locked intervals, `devices` the other computers' names, `synced_files` the folder's files
# as last read (one that has not changed is not read again; kept here, a fresh journal reads
# them all again).
SYNC_TABLES = (
    """CREATE TABLE presence (
        device TEXT NOT NULL,        -- '' for this computer
        seq INTEGER NOT NULL,        -- per computer, increasing
        state TEXT NOT NULL,         -- sitting, away, locked
        begins REAL NOT NULL,        -- seconds since the epoch, UTC
        ends REAL NOT NULL,
        input REAL,                  -- sitting: the latest input in it, when known
        PRIMARY KEY (device, seq))""",
    "CREATE TABLE devices (id TEXT PRIMARY KEY, name TEXT NOT NULL, seen REAL)",
    "CREATE TABLE synced_files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
    "mtime INTEGER NOT NULL)",
)

# Each entry brings the schema of an existing journal from version N to N + 1; a function may
# return a line to report once it is committed. Never change what a shipped step makes.
Migration = str | Callable[[sqlite3.Connection], str | None] | None  # what it says, if anything
MIGRATIONS: tuple[Migration, ...] = (
    # 1: the first table, with a free-text `detail` for the fields. Never run any more: a new
    # journal is made as TABLE says at once (tests/store/test_journal.py keeps it to make old
    # journals).
    None,
    # 2: statistics by kind and day (streaks, favourite exercises) without scanning every row
    """
    CREATE INDEX events_by_kind_day ON events (kind, local_date, exercise);
    """,
    # 3: typed fields instead of a free-text detail, and a unique id per event
    lambda db: _typed_fields(db),
    # 4: several computers through a synced folder
    lambda db: _sync_tables(db),
)

# The typed fields of a Record, in their journal columns.
FIELDS = ("reason", "source", "reminder", "duration", "until", "early", "level", "dose",
          "feedback", "guided")
COLUMNS = ("ts", "local_date", "utc_offset", "kind", "exercise", "sitting") + FIELDS
# Where the rows of an old journal that could not be converted are kept, as they were.
SET_ASIDE = "unreadable_events"


class JournalDamaged(Exception):
    """A reader found the journal unreadable; the message is one line for the user."""


class NewerSchema(sqlite3.OperationalError):
    """The journal was written by a newer glutewake: not damage, never moved aside."""


@dataclass(frozen=True)
class Event:
    """A journal row: the Record, and where and when it was written."""

    id: int | None  # None: still waiting in a spill file
    local_date: str
    utc_offset: int  # minutes east of UTC when it happened
    record: Record
    waiting: bool = False  # read from a spill file: acknowledged, not in the database yet
    device: str = ""  # the computer it came from through the synced folder; "" for this one

    @property
    def local_time(self) -> datetime:
        """When it happened, on the clock of the place where it was written."""
        return datetime.fromtimestamp(self.record.wall,
                                      timezone(timedelta(minutes=self.utc_offset)))

    @classmethod
    def from_row(cls, row: Row, waiting: bool = False, device: str = "") -> Event:
        (ident, ts, local_date, offset, kind, exercise, sitting, reason, source, reminder,
         duration, until, early, level, dose, feedback, guided) = row
        return cls(ident, local_date, offset, Record(
            Kind(kind), ts, sitting, exercise, Reason(reason) if reason else None, source,
            reminder, duration, until, bool(early), level, dose, feedback, bool(guided)), waiting,
            device)


def local_stamp(ts: float) -> tuple[str, int]:
    """(local date, minutes east of UTC) for a moment, in this machine's time zone."""
    moment = datetime.fromtimestamp(ts).astimezone()
    offset = moment.utcoffset()
    return moment.date().isoformat(), int(offset.total_seconds() // 60) if offset else 0


class Journal:
    """The daemon's journal: it writes, migrates, moves a damaged file aside, and spills."""

    def __init__(self, path: Path, report: Callable[[str], None] = lambda message: None,
                 check: bool = True, spill: Spill | None = None, owner: bool = True):
        self.path = path
        self._check = check  # the daemon checks integrity at start; quick readers skip it
        self._owner = owner
        self._report = report  # one-line messages for the user
        self._spill = spill
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file we opened
        self._pending: list[tuple[str, Record]] = []  # (unique id, event) not yet committed
        self._spilled: set[str] = set()  # ids of pending events already safe in the spill file
        self._waiting: set[str] = set()  # a reader's: ids of events read from spill files
        self._last_error = ""
        if owner:
            self._connect()
            with self._lock:
                self._import_spills()

    @classmethod
    def reader(cls, path: Path, spill: Spill | None = None) -> Journal:
        """For commands that only read. The database is opened read-only and never migrated
        nor repaired: JournalDamaged (one line) instead. Events still waiting in `spill` files
        read as part of the journal, each once, marked `waiting`."""
        journal = cls(path, check=False, owner=False)
        journal._connect()
        if spill is not None:
            journal._show_waiting(spill)
        return journal

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def trouble(self) -> str:
        """What keeps events from the database right now; "" when writing works."""
        return self._last_error

    # --- opening ---

    def _connect(self) -> bool:
        if self._db is not None:
            return True
        try:
            self._db = self._open_checked()
        except sqlite3.DatabaseError as err:
            if not self._owner:
                raise JournalDamaged(str(err) if isinstance(err, NewerSchema)
                                     else _damaged(self.path, err)) from None
            if isinstance(err, sqlite3.OperationalError) and not _is_corruption(err):
                self._fail(_("cannot open {path} ({error}); check that the folder exists, is "
                             "writable and the disk has space. Events are kept safe meanwhile",
                             path=self.path, error=err))
                return False
            self._move_aside(err)
            try:
                self._db = self._open_checked()
            except (sqlite3.Error, OSError) as again:
                self._fail(_("cannot start a fresh journal at {path} ({error})", path=self.path,
                             error=again))
                return False
        except OSError as err:
            if not self._owner:
                raise JournalDamaged(_("{path} cannot be read ({error})", path=self.path,
                                       error=err.strerror or err)) from None
            self._fail(_("cannot create {folder} ({error}); events are kept safe meanwhile",
                         folder=self.path.parent, error=err.strerror or err))
            return False
        self._identity = _identity(self.path)
        return True

    def _open_checked(self) -> sqlite3.Connection:
        if not self._owner:
            return self._open_for_reading()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_BUDGET, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # a logged break survives a power cut
            # a daemon that mostly appends needs little
            db.execute(f"PRAGMA cache_size={CACHE_KIB}")
            verdict = db.execute("PRAGMA quick_check").fetchone()[0] if self._check else "ok"
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {verdict}")
            _migrate(db, self._report)
        except BaseException:
            db.close()
            raise
        _make_private(self.path)
        return db

    def _open_for_reading(self) -> sqlite3.Connection:
        """Read-only, through SQLite itself: a reader cannot change the file, whatever it runs."""
        db = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True, timeout=5,
                             isolation_level=None, check_same_thread=False)
        try:
            if _version(db) < len(MIGRATIONS):
                raise JournalDamaged(_("{path} was written by an older glutewake; `glutewake run` "
                                       "converts it, then try again", path=self.path))
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
        self._report(_("journal {path} was damaged ({error}); it was moved to {target} and a "
                       "fresh journal started", path=self.path, error=err, target=target))

    def _still_ours(self) -> bool:
        """The file we opened is still the one at our path. Someone may have deleted, moved or
        replaced it: writing on would go to a file nobody reads."""
        if self._identity is None or _identity(self.path) == self._identity:
            return True
        self._report(_("journal {path} was removed or replaced while glutewake ran; writing to "
                       "the file now at that path", path=self.path))
        self._close_db()
        return False

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._identity = None, None

    def _fail(self, message: str) -> None:
        if message != self._last_error:
            self._last_error = message
            self._report(journal_says(message))

    # --- writing ---

    def record(self, record: Record) -> bool:
        """Store one event. True: committed. False: not in the database yet, but in the spill
        file (or, if no spill folder can be written either, in memory), retried at every flush.
        It waits on another process's lock at most BUSY_BUDGET seconds."""
        with self._lock:
            self._pending.append((os.urandom(16).hex(), record))  # as unique as uuid4
            if self._flush_locked():
                return True
            self._keep_safe()
            return False

    def flush(self) -> bool:
        with self._lock:
            return self._flush_locked()

    def _flush_locked(self) -> bool:
        if not self._pending:
            return True
        self._still_ours()
        if not self._connect():
            return False
        assert self._db is not None
        try:
            self._insert(self._pending)
        except sqlite3.Error as err:
            self._fail(self._not_written(err))
            return False
        self._pending.clear()
        if self._spilled and self._spill is not None:
            self._spill.forget_own()
        self._spilled.clear()
        if self._last_error:
            self._last_error = ""
            self._report(journal_says(_("writing to {path} works again; nothing was lost",
                                        path=self.path)))
            self._import_spills()
        return True

    def _insert(self, entries: list[tuple[str, Record]]) -> None:
        """One transaction; an id already in the journal is skipped, never added twice."""
        assert self._db is not None
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                f"INSERT OR IGNORE INTO events (uid, {', '.join(map(repr, COLUMNS))}) "
                f"VALUES (?, {', '.join('?' * len(COLUMNS))})",
                [(uid, *_row(record)) for uid, record in entries])

    def _keep_safe(self) -> None:
        """Put pending events not yet in the spill file there, before anyone is told."""
        fresh = [(uid, r) for uid, r in self._pending if uid not in self._spilled]
        if not fresh or self._spill is None:
            return
        if self._spill.save(fresh):
            self._spilled.update(uid for uid, _ in fresh)

    def _import_spills(self) -> None:
        """Events spilled by an earlier run (or this one) go into the database, each once. A file
        with lines that are not sound events is moved aside once its good lines are in."""
        if self._spill is None or not self._connect():
            return
        for path, entries, problems in self._spill.saved(legacy=self._old_spill):
            try:
                self._insert(entries)
            except sqlite3.Error as err:
                self._fail(self._not_written(err))
                return
            if problems:
                self._report(journal_says(self._set_aside(path, entries, problems)))
                continue
            self._spill.forget(path)
            if entries:
                self._report(journal_says(ngettext(
                    "{count} event kept in {path} while the journal could not be written was "
                    "added to it",
                    "{count} events kept in {path} while the journal could not be written were "
                    "added to it", len(entries), count=len(entries), path=path)))

    def _set_aside(self, path: Path, entries: list[tuple[str, Record]], problems: list[str]) -> str:
        assert self._spill is not None
        # TRANSLATORS: {problem} says which line of the file is wrong and how
        found = ngettext("{count} line of {path} is not a sound event ({problem})",
                         "{count} lines of {path} are not sound events (the first: {problem})",
                         len(problems), count=len(problems), path=path, problem=problems[0])
        added = ngettext("its {count} other event was added to the journal",
                         "its {count} other events were added to the journal", len(entries),
                         count=len(entries))
        try:
            target = self._spill.set_aside(path)
        except OSError as err:
            # TRANSLATORS: {found} and {added} are the two sentences before
            return _("{found}; {added}; the file could not be moved aside ({error}) and is read "
                     "again at the next start", found=found, added=added,
                     error=err.strerror or err)
        return _("{found}; {added}; the file was moved to {target}", found=found, added=added,
                 target=target)

    @property
    def _old_spill(self) -> Path:
        """The one spill file of versions before the spill folders."""
        return self.path.with_name(self.path.name + ".pending.jsonl")

    def _show_waiting(self, spill: Spill) -> None:
        """A reader's view of events still in spill files: a temporary table (never in the
        file) and a temporary view `events` over both, which the queries read instead of the
        journal's own table. An event already in the journal is left out of it: counted once."""
        waiting = {uid: record for _path, entries, _problems in spill.saved(self._old_spill)
                   for uid, record in entries}
        if not waiting or self._db is None:
            return
        db = self._db
        db.execute("CREATE TEMP TABLE waiting AS SELECT * FROM main.events WHERE 0")
        db.executemany(f"INSERT INTO temp.waiting (uid, {', '.join(COLUMNS)}) "
                       f"VALUES (?, {', '.join('?' * len(COLUMNS))})",
                       [(uid, *_row(record)) for uid, record in waiting.items()])
        db.execute("DELETE FROM temp.waiting WHERE uid IN (SELECT uid FROM main.events)")
        self._waiting = {uid for (uid,) in db.execute("SELECT uid FROM temp.waiting")}
        if self._waiting:
            db.execute("CREATE TEMP VIEW events AS SELECT * FROM main.events "
                       "UNION ALL SELECT * FROM temp.waiting")

    def _not_written(self, err: Exception) -> str:
        return _("cannot write to {path} ({error}); events are kept safe and retried",
                 path=self.path, error=err)

    def close(self) -> None:
        with self._lock:
            self._flush_locked()
            if self._pending:
                self._keep_safe()
                if len(self._spilled) < len(self._pending):
                    lost = len(self._pending) - len(self._spilled)
                    self._report(journal_says(ngettext(
                        "{count} event could not be saved anywhere",
                        "{count} events could not be saved anywhere", lost, count=lost)))
            self._close_db()

    # --- the synced folder (store/syncfolder.py reads and writes it; app/sync.py drives) ---

    def merge(self, events: Sequence[Written], presence: Sequence[Written],
              devices: Sequence[Written], files: Sequence[Written]) -> int:
        """What other computers' files say: `events` as (uid, device, *COLUMNS), `presence` as
        (device, seq, state, begins, ends, input), `devices` as (id, name, seen), `files` as
        (path, size, mtime) read completely. An event id already here is skipped, so reading a
        file again, or a conflict copy of it, adds nothing; an interval known already keeps its
        latest end. Returns how many events were new. sqlite3.Error when the journal cannot be
        written; the files are then not marked read, and are read again next time.

        A computer's whole history goes in a few thousand events per transaction: a break
        logged meanwhile waits for one of them, not for the lot. The files are marked read
        last, so whatever stops it half way, the rest is read again (and nothing doubles)."""
        insert = (f"INSERT OR IGNORE INTO events (uid, device, {', '.join(map(repr, COLUMNS))}) "
                  f"VALUES (?, ?, {', '.join('?' * len(COLUMNS))})")

        def chunk(rows: Sequence[Written]) -> Callable[[sqlite3.Connection], int]:
            def work(db: sqlite3.Connection) -> int:
                before = db.total_changes
                db.executemany(insert, rows)
                return db.total_changes - before
            return work

        def rest(db: sqlite3.Connection) -> None:
            db.executemany("INSERT OR IGNORE INTO presence VALUES (?, ?, ?, ?, ?, ?)", presence)
            db.executemany("UPDATE presence SET ends = MAX(ends, ?5), input = MAX(COALESCE(input, "
                           "?6), COALESCE(?6, input)) WHERE device = ?1 AND seq = ?2 AND "
                           "state = ?3", presence)
            db.executemany("INSERT OR REPLACE INTO devices VALUES (?, ?, ?)", devices)
            db.executemany("INSERT OR REPLACE INTO synced_files VALUES (?, ?, ?)", files)

        bulk = len(events) > MERGE_CHUNK
        added = 0
        try:
            for start in range(0, len(events), MERGE_CHUNK):
                added += self._transaction(chunk(events[start:start + MERGE_CHUNK]), bulk)
            self._transaction(rest)
        finally:
            if bulk:
                with self._lock:
                    if self._db is not None:
                        self._db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
                        self._db.execute("PRAGMA shrink_memory")
        return added

    def save_presence(self, intervals: Sequence[Written]) -> None:
        """This computer's intervals as (seq, state, begins, ends, input); a known one is
        replaced (the one under way grows)."""
        self._transaction(lambda db: db.executemany(
            "INSERT OR REPLACE INTO presence VALUES ('', ?, ?, ?, ?, ?)", intervals))

    def own_day(self, day: int) -> tuple[list[Row], list[Row]]:
        """This computer's events of one UTC day (days since the epoch) as (uid, *COLUMNS), and
        its intervals beginning that day as (seq, state, begins, ends, input)."""
        span = (day * 86400.0, (day + 1) * 86400.0)
        # by local date first (indexed): within a day of the UTC one wherever it was written
        dates = [(date(1970, 1, 1) + timedelta(days=day + n)).isoformat() for n in (-1, 1)]
        events = self._read(f"SELECT uid, {', '.join(COLUMNS)} FROM events WHERE local_date "
                            "BETWEEN ? AND ? AND device = '' AND ts >= ? AND ts < ? "
                            "ORDER BY ts, id", dates + list(span))
        intervals = self._read("SELECT seq, state, begins, ends, input FROM presence WHERE "
                               "device = '' AND begins >= ? AND begins < ? ORDER BY seq",
                               list(span))
        return events, intervals

    def own_days(self) -> dict[int, tuple[int, int]]:
        """UTC days with something of this computer's: day -> (events, intervals)."""
        found: dict[int, list[int]] = {}
        for column, (table, when) in enumerate((("events", "ts"), ("presence", "begins"))):
            for day, count in self._read(f"SELECT CAST({when} / 86400 AS INTEGER), COUNT(*) FROM "
                                         f"{table} WHERE device = '' GROUP BY 1", []):
                found.setdefault(day, [0, 0])[column] = count
        return {day: (events, intervals) for day, (events, intervals) in found.items()}

    def synced_files(self) -> dict[str, tuple[int, int]]:
        return {path: (size, mtime) for path, size, mtime in
                self._read("SELECT path, size, mtime FROM synced_files", [])}

    def latest_from_others(self, breaks: tuple[str, ...]) -> tuple[float | None, float | None]:
        """(the latest event of a kind in `breaks`, the latest input) from other computers."""
        marks = ", ".join("?" * len(breaks))
        found = self._read(f"SELECT (SELECT MAX(ts) FROM events WHERE device != '' AND kind IN "
                           f"({marks})), (SELECT MAX(input) FROM presence WHERE device != '')",
                           list(breaks))
        return found[0] if found else (None, None)

    def done_elsewhere(self, day: date) -> int:
        """How many breaks other computers logged as done on `day` (their local date, as
        `glutewake stats` counts them)."""
        found = self._read("SELECT COUNT(*) FROM events WHERE device != '' AND kind = 'done' "
                           "AND local_date = ?", [day.isoformat()])
        return found[0][0] if found else 0

    def device_names(self) -> dict[str, str]:
        """The computers this journal has heard of through the synced folder: id -> name
        ('' is this one, once sync has written its name)."""
        return dict(self._read("SELECT id, name FROM devices", []))

    def _transaction(self, work: Callable[[sqlite3.Connection], T], bulk: bool = False) -> T:
        """`work(db)` in one write transaction. `bulk`: part of a computer's history, so room
        in the page cache for the indexes (merge gives it back), and no wait for the disk at
        the commit: what is merged can be read again from the folder, whose files are marked
        read only at the end. This computer's own events are always written durably."""
        with self._lock:
            if not self._connect():
                raise sqlite3.OperationalError(self._last_error or str(self.path))
            db = self._db
            assert db is not None
            if bulk:
                db.execute(f"PRAGMA cache_size = {-32 * 1024}")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("PRAGMA wal_autocheckpoint = 0")  # once at the end, not per part
            try:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    return work(db)
            finally:
                if bulk:
                    db.execute("PRAGMA synchronous = FULL")
                    db.execute("PRAGMA wal_autocheckpoint = 1000")

    def only_device(self, device: str) -> None:
        """From now on this reader sees only the events of one computer ('' for this one): a
        temporary view named like the table hides the rest from every query (statistics,
        export, the chart) without each of them knowing. Events still waiting in spill files
        are this computer's."""
        assert not self._owner and re.fullmatch(r"[0-9a-f]*", device)
        rows = ("SELECT * FROM main.events UNION ALL SELECT * FROM temp.waiting"
                if self._waiting else "SELECT * FROM main.events")
        self._read("DROP VIEW IF EXISTS temp.events", [])
        self._read(f"CREATE TEMP VIEW events AS SELECT * FROM ({rows}) "
                   f"WHERE IFNULL(device, '') = '{device}'", [])

    # --- reading ---

    def events(self, since: date | None = None, until: date | None = None) -> Iterator[Event]:
        """Events in time order; `since`/`until` are inclusive local dates."""
        query = f"SELECT id, {', '.join(COLUMNS)}, uid, device FROM events WHERE 1=1"
        args: list[object] = []
        if since:
            query, args = query + " AND local_date >= ?", args + [since.isoformat()]
        if until:
            query, args = query + " AND local_date <= ?", args + [until.isoformat()]
        for row in self._read(query + " ORDER BY ts, id", args):
            yield Event.from_row(row[:-2], waiting=row[-2] in self._waiting, device=row[-1] or "")

    def read(self, query: str, args: Sequence[object] = ()) -> list[Row]:
        """Rows of a read-only query (for the statistics); empty when the journal is unreadable."""
        return self._read(query, list(args))

    def _read(self, query: str, args: Sequence[object]) -> list[Row]:
        with self._lock:
            if not self._connect():
                return []
            assert self._db is not None
            try:
                return self._db.execute(query, args).fetchall()
            except sqlite3.Error as err:
                if not self._owner:
                    raise JournalDamaged(_damaged(self.path, err)) from None
                self._fail(_("cannot read {path} ({error})", path=self.path, error=err))
                return []


def journal_says(message: str) -> str:
    """A message about the journal as reported: "journal: cannot write to ..."."""
    # TRANSLATORS: {message} is what happened to the break journal
    return _("journal: {message}", message=message)


def _damaged(path: Path, err: Exception) -> str:
    return _("{path} cannot be read ({error}); the running glutewake moves a damaged journal "
             "aside when it starts", path=path, error=err)


def _is_corruption(err: sqlite3.Error) -> bool:
    if isinstance(err, NewerSchema):
        return False  # its message is in the user's language, and it is no damage anyway
    text = str(err).lower()
    return any(word in text for word in ("malformed", "not a database", "corrupt", "integrity"))


def _migrate(db: sqlite3.Connection, report: Callable[[str], None]) -> None:
    """A new journal is made as TABLE says; an older one goes through the steps it lacks. Each
    step is one transaction."""
    version = _version(db)
    steps = ([(len(MIGRATIONS), _create)] if version == 0 else
             [(number + 1, MIGRATIONS[number]) for number in range(version, len(MIGRATIONS))])
    for number, step in steps:
        db.execute("BEGIN IMMEDIATE")
        try:
            said = None
            if isinstance(step, str):
                db.execute(step)
            else:
                assert step is not None  # the first step never runs: a new journal is made whole
                said = step(db)
            db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        if said:
            report(journal_says(said))


def _create(db: sqlite3.Connection) -> None:
    for statement in (TABLE.format(name="events"), *INDEXES, *SYNC_TABLES):
        db.execute(statement)


def _sync_tables(db: sqlite3.Connection) -> None:
    """Schema 4: several computers through a synced folder (store/syncfolder.py). `device`
    says which computer an event came from: '' for this one, else that computer's id in the
    folder (a journal converted from schema 2 by step 3 has it already, from TABLE); every
    event has a unique id, since computers key events by it. Then the tables SYNC_TABLES
    names. Only ADD COLUMN and new tables: any SQLite 3 does it."""
    if "device" not in [row[1] for row in db.execute("PRAGMA table_info(events)")]:
        db.execute("ALTER TABLE events ADD COLUMN device TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE events SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL")
    for statement in SYNC_TABLES:
        db.execute(statement)


def _version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise NewerSchema(_(
            "journal schema {version} is newer than this glutewake understands; upgrade "
            "glutewake", version=version))
    return version


def _row(record: Record, stamp: tuple[str, int] | None = None) -> Written:
    """The COLUMNS of a record; `stamp`: its local date and offset, when already known."""
    return (record.wall, *(stamp or local_stamp(record.wall)), record.kind.value,
            record.exercise, record.sitting, record.reason.value if record.reason else None,
            record.source, record.reminder, record.duration, record.until, int(record.early),
            record.level, record.dose, record.feedback, int(record.guided))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _make_private(path: Path) -> None:
    """The journal and its folder are the user's alone (journals of older versions were not)."""
    for target, mode in ((path.parent, 0o700), (path, 0o600),
                         (Path(f"{path}-wal"), 0o600), (Path(f"{path}-shm"), 0o600)):
        try:
            if target.stat().st_mode & 0o777 != mode:
                os.chmod(target, mode)
        except OSError:
            pass  # missing yet, or not ours to change: opening will say what is wrong


def _typed_fields(db: sqlite3.Connection) -> str | None:
    """Schema 3: the free-text `detail` of schema 1-2 becomes typed columns, row by row, and each
    event gets a unique id. The table is built anew and renamed (ALTER TABLE DROP COLUMN needs
    SQLite 3.35). Every row is checked like a spill line; one that is not a sound event (a time
    out of range, an unknown kind) is kept as it was in the table SET_ASIDE, said in one line."""
    db.execute(TABLE.format(name="events_new"))
    converted, refused = [], ""
    for ident, ts, local_date, offset, kind, exercise, sitting, detail in db.execute(
            "SELECT id, ts, local_date, utc_offset, kind, exercise, sitting, detail FROM events"):
        try:
            record = valid.old_record({"kind": kind, "wall": ts, "sitting": sitting,
                                       "exercise": exercise}, detail)
            converted.append((ident, *_row(record, valid.stamp(local_date, offset))))
        except valid.Unusable as err:
            refused = refused or _("row {id}: {problem}", id=ident, problem=err)
    db.executemany(f"INSERT INTO events_new (id, {', '.join(COLUMNS)}) "
                   f"VALUES (?, {', '.join('?' * len(COLUMNS))})", converted)
    left_out = 0
    if refused:
        db.execute(f"CREATE TABLE {SET_ASIDE} AS SELECT * FROM events "
                   "WHERE id NOT IN (SELECT id FROM events_new)")
        left_out = db.execute(f"SELECT COUNT(*) FROM {SET_ASIDE}").fetchone()[0]
    db.execute("DROP TABLE events")
    db.execute("ALTER TABLE events_new RENAME TO events")
    for statement in INDEXES:
        db.execute(statement)
    if not left_out:
        return None
    return ngettext(
        "{count} row of the old journal could not be converted ({problem}); it is kept as it "
        "was in the table {table} of the journal and left out of the statistics",
        "{count} rows of the old journal could not be converted (the first: {problem}); they "
        "are kept as they were in the table {table} of the journal and left out of the "
        "statistics", left_out, count=left_out, problem=refused, table=SET_ASIDE)
