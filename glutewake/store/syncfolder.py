"""The synced folder: one folder a person's computers keep the same with a tool they already use
(Syncthing, Nextcloud, Dropbox, a network share), read and written as plain files.

No database lives there: sync tools corrupt SQLite files. Each computer has a random id, kept in
its data folder, and writes only under `devices/<id>/`:

    device.json        {"format": 1, "id", "name", "seen", "seq", "stamp"}
    YYYY-MM-DD.jsonl   one UTC day: a header line {"format": 1, "device", "day"}, then
                       {"event": ID, "kind", "ts", "offset", "sitting", ...} per journal event
                       (the journal's unique id, its typed fields; never a program name or a
                       calendar title) and {"presence": SEQ, "state", "begins", "ends", "input"}
                       per interval of sitting, time away or a locked screen; after the day is
                       over, a last line {"sealed": true, "events": N, "presence": M}.

Every file is written whole to a temporary name, flushed to the disk, and renamed over the old
one, so a reader sees the old file or the new one. Everything read from the folder is outside
input: each field is checked for its type and range and text is cleaned, a line that fails is
skipped, a file whose last line has no newline yet (a sync tool still writing it) is read again
later, and a newer format is refused with one line. Conflict copies the sync tools make
("2026-12-06.sync-conflict-….jsonl", "2026-12-06 (conflicted copy ….jsonl") are read as more
input: events are keyed by their id, so nothing is lost and nothing counted twice.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeGuard

from ..core.events import Kind, Reason
from ..core.presence import DAY, Interval
from ..core.untrusted import clean
from ..i18n import _
from .reading import Row, Written

FORMAT = 1  # of device.json and the day files; a newer one is refused
DEVICES = "devices"
DEVICE_FILE = "device.json"
AHEAD = 120.0  # seconds: a computer whose clock is further ahead than this is flagged
LONGEST_NAME = 40
LARGEST_FILE = 16 * 1024 * 1024  # a day is tens of kilobytes; more is not a glutewake file

DEVICE_ID = re.compile(r"[0-9a-f]{32}")
EVENT_ID = re.compile(r"[0-9A-Za-z_-]{8,64}")
# A day file, or a sync tool's conflict copy of one; temporary files start with "." or "~".
DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})(.*)\.jsonl")
DEVICE_VARIANT = re.compile(r"device(.*)\.json")
EARLIEST = 946684800.0  # 2000-01-01: no glutewake event is older
KINDS = {kind.value for kind in Kind}
REASONS = {reason.value for reason in Reason}
STATES = ("sitting", "away", "locked")
# Journal columns written to the folder, in COLUMNS order minus `source` (a program name or a
# calendar title: private) and the local date (derived from the time and the offset).
SHARED = ("exercise", "sitting", "reason", "reminder", "duration", "until", "early", "level",
          "dose", "feedback", "guided")
JSONObject = dict[str, object]  # one line of a file in the folder, as read: nothing checked yet
# An event of another computer, checked: its uid and device, then the journal's COLUMNS (the
# source is never shared, so None).
EventRow = tuple[str, str, float, str, int, str, str | None, float, str | None, None, int | None,
                 float | None, float | None, int, int | None, int | None, str | None, int]
# device, seq, state, begins, ends, input
IntervalRow = tuple[str, int, str, float, float, float | None]


def is_conflict_copy(middle: str) -> bool:
    """What a sync tool puts between a file's name and its extension for a conflict copy:
    Syncthing ".sync-conflict-DATE-TIME-DEVICE", Dropbox " (NAME's conflicted copy DATE)",
    Nextcloud and ownCloud " (conflicted copy DATE TIME)"."""
    return "conflict" in middle.lower()


def day_name(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=day)).isoformat()


# --- this computer ------------------------------------------------------------------------------

@dataclass
class Identity:
    """Who this computer is in the folder, kept in its data folder (never in the synced one)."""

    id: str
    name: str
    seq: int = 0  # the sequence number of the last write to the folder (each takes a new one)
    stamp: str = ""  # a token of the last device.json written: another with our id is a clone

    @classmethod
    def load(cls, path: Path) -> tuple[Identity, str]:
        """The identity at `path`, or a new one (and why) when there is none or it is damaged;
        its name is the one the person chose (`glutewake sync name`), else the host name."""
        try:
            data = json.loads(path.read_text("utf-8"))
            found = cls(_device_id(data["id"]), chosen_name(path) or _name(data.get("name"),
                                                                         data["id"]),
                        _count(data.get("seq", 0)), str(data.get("stamp", ""))[:64]), ""
        except FileNotFoundError:
            found = cls.new(chosen_name(path)), ""
        except (OSError, ValueError, KeyError, TypeError) as err:
            found = cls.new(chosen_name(path)), _(
                "{path} could not be read ({error}); this computer takes a new id in the "
                "synced folder", path=path, error=err)
        return found

    @classmethod
    def new(cls, name: str | None = None, seq: int = 0) -> Identity:
        return cls(_random_hex(16), _name(name or socket.gethostname(), "computer"), seq)

    def save(self, path: Path) -> None:
        write_atomic(path, json.dumps({"id": self.id, "name": self.name, "seq": self.seq,
                                       "stamp": self.stamp}).encode())


def name_file(identity: Path) -> Path:
    """Where the name the person gave this computer is kept, beside its identity: `glutewake
    sync name` writes it, the running glutewake only reads it, so neither overwrites the
    other's file."""
    return identity.with_name("sync-name")


def chosen_name(identity: Path) -> str | None:
    try:
        with open(name_file(identity), encoding="utf-8", errors="replace") as source:
            return clean(source.read(1024), LONGEST_NAME) or None
    except OSError:
        return None


def write_atomic(path: Path, data: bytes) -> None:
    """`data` at `path`, whole or not at all: a temporary file, flushed to the disk, renamed."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # the rename itself survives a power cut
        try:
            folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(folder)
        except OSError:
            pass
        finally:
            os.close(folder)


def device_json(identity: Identity, seen: float) -> bytes:
    return json.dumps({"format": FORMAT, "id": identity.id, "name": identity.name,
                       "seen": round(seen, 3), "seq": identity.seq,
                       "stamp": identity.stamp}).encode() + b"\n"


def day_file(device: str, day: int, events: list[Row], intervals: list[Row],
             sealed: bool) -> bytes:
    """One UTC day of this computer: `events` as (uid, *journal COLUMNS), `intervals` as
    (seq, state, begins, ends, input)."""
    lines = [json.dumps({"format": FORMAT, "device": device, "day": day_name(day)})]
    for (uid, ts, _date, offset, kind, exercise, sitting, reason, _source, reminder, duration,
         until, early, level, dose, feedback, guided) in events:
        entry = {"event": uid, "kind": kind, "ts": round(ts, 3), "offset": offset}
        for key, value in zip(SHARED, (exercise, sitting, reason, reminder, duration, until,
                                       early, level, dose, feedback, guided), strict=True):
            if key in ("early", "guided"):
                if value:
                    entry[key] = True
            elif value is not None:
                entry[key] = round(value, 3) if isinstance(value, float) else value
        lines.append(json.dumps(entry, ensure_ascii=False))
    for seq, state, begins, ends, latest in intervals:
        entry = {"presence": seq, "state": state, "begins": round(begins, 3),
                 "ends": round(ends, 3)}
        if latest is not None:
            entry["input"] = round(latest, 3)
        lines.append(json.dumps(entry))
    if sealed:
        lines.append(json.dumps({"sealed": True, "events": len(events),
                                 "presence": len(intervals)}))
    return ("\n".join(lines) + "\n").encode("utf-8")


def seal_of(path: Path) -> tuple[int, int] | None:
    """(events, intervals) a sealed day file says it holds; None when it is not sealed."""
    try:
        with open(path, "rb") as source:
            source.seek(max(0, source.seek(0, os.SEEK_END) - 200))
            tail = source.read().rstrip(b"\n").rpartition(b"\n")[2]
        seal = json.loads(tail)
    except (OSError, ValueError):
        return None
    if isinstance(seal, dict) and seal.get("sealed") is True:
        return _count(seal.get("events")), _count(seal.get("presence"))
    return None


# --- the other computers ------------------------------------------------------------------------

@dataclass
class Device:
    """Another computer as its device.json says (the newest of it and its conflict copies)."""

    id: str
    name: str
    seen: float | None = None  # when it last wrote, clamped to our clock
    seq: int = 0
    stamp: str = ""
    ahead: float = 0.0  # seconds its clock runs ahead of ours, when beyond AHEAD; else 0
    problem: str = ""  # why its files are not read (a newer format), or ""


@dataclass
class Reading:
    """What one look at the folder found that the journal does not have yet."""

    devices: list[Device] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    presence: list[IntervalRow] = field(default_factory=list)
    # (path, size, mtime ns) of the files read completely
    files: list[tuple[str, int, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per file with lines left out
    # our device.json and its copies
    own: list[tuple[Path, JSONObject]] = field(default_factory=list)
    names: dict[str, str | None] = field(default_factory=dict)  # exercise ids as read -> cleaned


def folder_of(root: Path, device: str) -> Path:
    return root / DEVICES / device


def read_folder(root: Path, own: str, known: dict[str, tuple[int, int]] | None,
                now: float) -> Reading:
    """The other computers' files under `root` that changed since `known` (path -> (size,
    mtime ns)) says they were read, and the conflict copies in our own folder (a clone that
    wrote as us before it noticed: its events are kept too). With `known` None only the
    device.json files are read."""
    reading = Reading()
    try:
        entries = sorted(os.scandir(root / DEVICES), key=lambda e: e.name)
    except OSError:
        return reading
    for entry in entries:
        if not DEVICE_ID.fullmatch(entry.name) or not entry.is_dir(follow_symlinks=False):
            continue
        _read_device(Path(entry.path), entry.name, entry.name == own, known, now, reading)
    return reading


def _read_device(folder: Path, ident: str, ours: bool, known: dict[str, tuple[int, int]] | None,
                 now: float,
                 reading: Reading) -> None:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    found = _device_files(folder, names)
    variants = [data for _path, data in found]
    if ours:
        reading.own.extend(found)
    device = Device(ident, ident[:8])
    newer = [v.get("format") for v in variants if _newer(v.get("format"))]
    if newer:
        device.problem = _("computer {id} writes sync format {format}, newer than this "
                           "glutewake reads ({ours}); upgrade glutewake on this computer",
                           id=ident[:8], format=str(newer[0])[:12], ours=FORMAT)
    best = max((v for v in variants if v.get("id") == ident and v.get("format") == FORMAT),
               key=lambda v: (_count(v.get("seq")), _time(v.get("seen")) or 0), default=None)
    if best is not None:
        device.name = _name(best.get("name"), ident)
        device.seq, device.stamp = _count(best.get("seq")), str(best.get("stamp", ""))[:64]
        seen = _time(best.get("seen"))
        if seen is not None:
            device.ahead = seen - now if seen - now > AHEAD else 0.0
            device.seen = min(seen, now)
    if ours:
        names = [n for n in names if (m := DAY_FILE.fullmatch(n)) and is_conflict_copy(m[2])]
    else:
        reading.devices.append(device)
    if device.problem or known is None:
        return
    owner = ident  # our own conflict copies are kept under our id: they came from the folder
    latest = device.seen or 0.0
    for name in names:
        match = DAY_FILE.fullmatch(name)
        if not match or (match[2] and not is_conflict_copy(match[2])):
            continue
        path = folder / name
        key = f"{DEVICES}/{ident}/{name}"
        try:
            info = path.stat()
        except OSError:
            continue
        if known.get(key) == (info.st_size, info.st_mtime_ns) or info.st_size > LARGEST_FILE:
            continue
        result = _read_day(path, owner, now, reading)
        if result is None:
            continue
        complete, newest, refused = result
        if refused:
            device.problem = refused
            return
        latest = max(latest, newest)
        if complete:
            reading.files.append((key, info.st_size, info.st_mtime_ns))
    if latest - now > AHEAD:
        device.ahead = max(device.ahead, latest - now)


def _read_day(path: Path, device: str, now: float, reading: Reading
              ) -> tuple[bool, float, str] | None:
    """Add a day file's events and intervals to `reading`: (complete, latest time in it, why it
    was refused or ""), or None when it cannot be read now."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    complete = data.endswith(b"\n")
    # the last piece is "" after the final newline, or a line still being written: it comes
    # complete next time
    entries, bad = _parse([line for line in data.split(b"\n")[:-1] if line.strip()])
    newest = 0.0
    days: dict[int, str] = {}
    events, presence = reading.events, reading.presence
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict):
            bad += 1
        elif "event" in entry:
            row = _event(entry, device, now, days, reading.names)
            if row is None:
                bad += 1
            else:
                events.append(row)
                newest = max(newest, entry["ts"])
        elif "presence" in entry:
            interval = _interval(entry, device, now)
            if interval is None:
                bad += 1
            else:
                presence.append(interval)
                newest = max(newest, entry["ends"])
        elif "format" in entry and number == 0:
            if _newer(entry["format"]):
                return complete, newest, _(
                    "{path} is in sync format {format}, newer than this glutewake reads "
                    "({ours}); upgrade glutewake on this computer", path=path,
                    format=str(entry["format"])[:12], ours=FORMAT)
            if entry["format"] != FORMAT:
                bad += 1
        elif entry.get("sealed") is not True:
            bad += 1
    if bad:
        reading.skipped.append(_("{path}: {count} lines not understood were skipped",
                                 path=path, count=bad))
    return complete, newest, ""


def _parse(lines: list[bytes]) -> tuple[list[object], int]:
    """The JSON values of `lines`, and how many lines are not JSON. A whole file is read in one
    call when it can be (a day has hundreds of lines; one call each costs more than the rest of
    reading them); a line that is not JSON sends it line by line."""
    try:
        found = json.loads(b"[" + b",".join(lines) + b"]")
        if isinstance(found, list) and len(found) == len(lines):
            return found, 0
    except (ValueError, RecursionError):
        pass
    found, bad = list[object](), 0
    for line in lines:
        try:
            found.append(json.loads(line))
        except (ValueError, RecursionError):
            bad += 1
    return found, bad


def _event(entry: JSONObject, device: str, now: float, days: dict[int, str],
           names: dict[str, str | None]) -> EventRow | None:
    """A journal row from an event line, or None when any field is not what it must be. (Any
    other field is let be, as a later format may add one; `source` is never taken.)"""
    get = entry.get
    uid, kind, ts, offset = get("event"), get("kind"), get("ts"), get("offset", 0)
    exercise, sitting, reason = get("exercise"), get("sitting", 0), get("reason")
    reminder, duration, until = get("reminder"), get("duration"), get("until")
    early, level, dose, feedback = get("early", False), get("level"), get("dose"), get("feedback")
    guided = get("guided", False)
    if not (type(uid) is str and EVENT_ID.fullmatch(uid) and type(kind) is str
            and kind in KINDS and _number(ts) and EARLIEST <= ts and type(offset) is int
            and -1080 <= offset <= 1080
            and _number(sitting) and 0 <= sitting <= 30 * DAY
            and (exercise is None or type(exercise) is str)
            and (reason is None or (type(reason) is str and reason in REASONS))
            and (reminder is None or (type(reminder) is int and 1 <= reminder <= 1000))
            and (duration is None or (_number(duration) and 0 <= duration <= 366 * DAY))
            and (until is None or (_number(until) and EARLIEST <= until <= now + 366 * DAY))
            and type(early) is bool and type(guided) is bool
            and (level is None or (type(level) is int and 1 <= level <= 9))
            and (dose is None or (type(dose) is int and 0 <= dose <= 9))
            and (feedback is None or (type(feedback) is str and feedback in ("easy", "hard")))):
        return None
    ts = min(ts, now)  # never later than this computer's clock
    if exercise is not None:  # a few ids over and over: each is cleaned once per reading
        found = names.get(exercise, "")
        if found == "":
            found = names[exercise] = clean(exercise) or None
        exercise = found
    number = int((ts + offset * 60) // DAY)
    day = days.get(number)
    if day is None:
        day = days[number] = day_name(number)
    return (uid, device, ts, day, offset, kind, exercise, sitting, reason, None, reminder,
            duration, until, int(early), level, dose, feedback, int(guided))


def _interval(entry: JSONObject, device: str, now: float) -> IntervalRow | None:
    seq, state = entry.get("presence"), entry.get("state")
    begins, ends, latest = entry.get("begins"), entry.get("ends"), entry.get("input")
    if not (type(seq) is int and 0 <= seq < 2 ** 62 and type(state) is str and state in STATES
            and _number(begins)
            and _number(ends) and EARLIEST <= begins <= ends <= begins + DAY + 1
            and (latest is None or (_number(latest) and EARLIEST <= latest))):
        return None
    return (device, seq, state, min(begins, now), min(ends, now),
            None if latest is None else min(latest, now))


# --- checks for values from the folder ----------------------------------------------------------

def _number(value: object) -> TypeGuard[float]:
    return (type(value) is int or type(value) is float) and math.isfinite(value)


def _time(value: object) -> float | None:
    return float(value) if _number(value) and value >= EARLIEST else None


def _count(value: object) -> int:
    return value if type(value) is int and 0 <= value < 2 ** 62 else 0


def _newer(version: object) -> bool:
    return type(version) is int and version > FORMAT


def _device_id(value: object) -> str:
    if type(value) is not str or not DEVICE_ID.fullmatch(value):
        raise ValueError("not a device id")
    return value


def _name(value: object, ident: str) -> str:
    return clean(value, LONGEST_NAME) if type(value) is str and clean(value) else ident[:8]


def _json_file(path: Path, largest: int) -> object:
    try:
        with open(path, "rb") as source:
            data = source.read(largest + 1)
        return None if len(data) > largest else json.loads(data)
    except (OSError, ValueError):
        return None


# --- whether someone else writes as us -----------------------------------------------------------

def cloned(identity: Identity, own: list[tuple[Path, JSONObject]]) -> bool:
    """Whether another computer writes under our id: a cloned disk or virtual machine, or a
    restored backup of the data folder. Its device.json (or a conflict copy of it) then shows a
    sequence beyond ours, or ours with another stamp: every write takes a new sequence number,
    and our own last write shows ours exactly (a write that failed shows an older one). Of two
    at the same sequence, the one whose stamp sorts first takes a new id, the other keeps it."""
    for _path, data in own:
        if data.get("id") != identity.id:
            continue
        seq, stamp = _count(data.get("seq")), str(data.get("stamp", ""))
        # two computers at the same count: the one with the smaller stamp steps aside
        if seq > identity.seq or (seq == identity.seq and stamp > identity.stamp):
            return True
    return False


def interval_row(interval: Interval) -> Written:
    return (interval.seq, interval.state.value, interval.begins, interval.ends, interval.input)


def _random_hex(size: int) -> str:
    """`size` random bytes as hex, from the system's source (the `secrets` module would load
    OpenSSL's libcrypto into a daemon that never opens a connection)."""
    return os.urandom(size).hex()


def new_stamp() -> str:
    return _random_hex(8)


def own_files(root: Path, own: str) -> list[tuple[Path, JSONObject]]:
    """Our device.json and any conflict copies of it, as they are in the folder now."""
    folder = folder_of(root, own)
    try:
        return _device_files(folder, os.listdir(folder))
    except OSError:
        return []


def _device_files(folder: Path, names: Iterable[str]) -> list[tuple[Path, JSONObject]]:
    """device.json and the conflict copies of it among `names`, read."""
    found = []
    for name in names:
        match = DEVICE_VARIANT.fullmatch(name)
        if match and (not match[1] or is_conflict_copy(match[1])):
            data = _json_file(folder / name, 64 * 1024)
            if isinstance(data, dict):
                found.append((folder / name, data))
    return found
