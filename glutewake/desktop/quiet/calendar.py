"""Busy events of the calendars in [quiet] calendars hold reminders: a meeting.

Each calendar (an .ics file or an http(s) address) is parsed when it changes, and its occurrences
from a day before now to three days after are laid out as a timeline: sorted boundaries, each with
the event that holds from there (the one ending last, when several overlap). A check is a bisect.
The timeline is laid out again, from the kept text, once less than two days of it are left.

Files are read again when their size, time or permissions change, addresses fetched at most every
15 minutes; reading, fetching and parsing happen in a short-lived background thread, so a check
never waits for them, and the last good copy stays in use until a new one is ready. Parsing runs in
a child process (`python -m glutewake.desktop.quiet.calendar START END < calendar.ics`): a large
calendar takes the parser tens of megabytes (2,000 weekly events: about 70 MB), which a Python
process keeps once it has grown, and the daemon should stay small.

An event holds from its start (inclusive) to its end (exclusive) unless it lasts whole days (its
DTSTART is a date), is free time (TRANSP:TRANSPARENT) or is cancelled (STATUS:CANCELLED).
"""

from __future__ import annotations

import bisect
import heapq
import json
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...core.events import Hold, Reason
from ...i18n import N_, _

log = logging.getLogger(__name__)

DAY = 86400.0
BEFORE, AFTER = DAY, 3 * DAY  # the span a timeline covers around the moment it is made
RENEW = 2 * DAY  # lay out a new timeline once less than this is left of the current one
PAD = timedelta(days=2)  # recurring-ical-events compares floating and zoned times loosely
REFETCH = 15 * 60.0  # seconds between fetches of one address
RETRY_EMPTY = 2 * 60.0  # ... and between attempts while no copy has ever arrived
FETCH_TIMEOUT = 20.0
MAX_BYTES = 64 * 1024 * 1024
PARSE_TIMEOUT = 300.0  # seconds a child may take for one calendar


@dataclass(frozen=True)
class Timeline:
    start: float  # the epoch span it covers
    end: float
    times: tuple[float, ...]  # sorted boundaries
    holds: tuple[Hold | None, ...]  # holds[i] applies from times[i] to times[i + 1]

    def covers(self, now: float) -> bool:
        return self.start <= now < self.end

    def at(self, now: float) -> Hold | None:
        index = bisect.bisect_right(self.times, now) - 1
        return self.holds[index] if index >= 0 else None


def epoch(moment) -> float:
    """A DTSTART or DTEND value as seconds since the epoch; a floating time is local time."""
    return moment.timestamp()  # aware: its own zone; naive: the local zone


def busy(event) -> tuple[float, float, str | None] | None:
    """(start, end, summary) of an occurrence that keeps you busy, else None."""
    start = event.get("DTSTART")
    if start is None or not isinstance(start.dt, datetime):
        return None  # no time, or a whole day
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    end = event.get("DTEND")
    if end is None or not isinstance(end.dt, datetime):
        return None  # recurring-ical-events always sets DTEND; a date there is malformed
    begins, ends = epoch(start.dt), epoch(end.dt)
    if ends <= begins:
        return None
    summary = str(event.get("SUMMARY", "")).strip().splitlines()
    return begins, ends, summary[0] if summary else None


def occurrences(data: bytes, start: float, end: float) -> list[tuple[float, float, str | None]]:
    """Every busy occurrence in the calendar text `data` that overlaps [start, end)."""
    import icalendar
    import recurring_ical_events

    calendars = icalendar.Calendar.from_ical(data, multiple=True)
    if not calendars:
        raise ValueError("no VCALENDAR in it")
    # Ask with local naive times and a wide margin: the library mixes floating and zoned times
    # by borrowing a zone, which can shift the span by up to a day; exact times are taken after.
    first = datetime.fromtimestamp(start) - PAD
    last = datetime.fromtimestamp(end) + PAD
    found = []
    for calendar in calendars:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        for event in query.between(first, last):
            span = busy(event)
            if span is not None and span[1] > start and span[0] < end:
                found.append(span)
    return found


def occurrences_apart(data: bytes, start: float, end: float) -> list:
    """`occurrences` in a child process, whose memory goes when it ends."""
    if getattr(sys, "frozen", False):  # a bundled app has no `python -m`
        return occurrences(data, start, end)
    child = subprocess.run(
        [sys.executable, "-m", __name__, repr(start), repr(end)], input=data,
        capture_output=True, timeout=PARSE_TIMEOUT,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    if child.returncode != 0:
        lines = child.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ValueError(lines[-1] if lines else _("the parser stopped ({code})",
                                                   code=child.returncode))
    return [tuple(span) for span in json.loads(child.stdout)]


def lay_out(spans, start: float, end: float) -> Timeline:
    """The timeline of busy spans (start, end, summary) over [start, end)."""
    found = sorted(spans, key=lambda span: span[0])
    times = sorted({t for begins, ends, _ in found for t in (begins, ends)})
    holds: list[Hold | None] = []
    running: list[tuple[float, int]] = []  # (-end, index): the event ending last on top
    following = 0
    for moment in times:
        while following < len(found) and found[following][0] <= moment:
            heapq.heappush(running, (-found[following][1], following))
            following += 1
        while running and -running[0][0] <= moment:
            heapq.heappop(running)
        if running:
            begins, ends, summary = found[running[0][1]]
            holds.append(Hold(Reason.MEETING, source=summary, until=ends))
        else:
            holds.append(None)
    return Timeline(start, end, tuple(times), tuple(holds))


def shown(address: str) -> str:
    """How a calendar is named in messages: a file by its path; an address by its host and last
    part, since private calendar addresses carry a secret in the middle."""
    if not address.startswith(("http://", "https://")):
        return address
    parts = urllib.parse.urlsplit(address)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    where = f"{parts.scheme}://{parts.netloc}"
    return f"{where}/…/{last}" if last else where


def fetch(address: str, etag: str | None, timeout: float = FETCH_TIMEOUT):
    """(body, etag), or (None, etag) when the server says nothing changed."""
    import urllib.request  # here: it loads OpenSSL's libcrypto, which a daemon without a remote
    #                        calendar never needs

    request = urllib.request.Request(address, headers={"User-Agent": "glutewake"})
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise ValueError(_("it is larger than {size} MB", size=MAX_BYTES // 2**20))
            return body, answer.headers.get("ETag")
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return None, etag
        raise


def fetch_apart(address: str, etag: str | None, timeout: float = FETCH_TIMEOUT):
    """`fetch` in a child process. The daemon leaves OpenSSL out of its memory (runner.py) and
    so cannot speak https itself; a fetch every 15 minutes in a child costs less than carrying
    the TLS libraries all day."""
    if getattr(sys, "frozen", False):
        return fetch(address, etag, timeout)
    child = subprocess.run(
        [sys.executable, "-m", __name__, "--fetch", address, etag or ""],
        capture_output=True, timeout=timeout + 10,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    head, _, body = child.stdout.partition(b"\n")
    try:
        answer = json.loads(head or b"{}")
    except ValueError:
        answer = {}
    if child.returncode != 0 or "etag" not in answer:
        if "code" in answer:
            raise urllib.error.HTTPError(address, answer["code"], answer["reason"], None, None)
        lines = child.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(answer.get("error") or (lines[-1] if lines else
                                              _("the fetch stopped ({code})",
                                                code=child.returncode)))
    return (body if answer.get("changed") else None), answer["etag"]


class Source:
    """One calendar: its last good text and timeline, and what went wrong last."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.remote = address.startswith(("http://", "https://"))
        self.good: bytes | None = None  # the last text that parsed
        self.timeline: Timeline | None = None
        self.seen: tuple | None = None  # a file's stamp when last looked at
        self.etag: str | None = None
        self.tried: float | None = None  # clock of the last fetch
        self.problem: str | None = None

    def file_stamp(self) -> tuple:
        """What changes when the file does: its content, its permissions, or the file itself
        (editors that save by replacing it)."""
        try:
            info = os.stat(self.address)
        except OSError as err:
            return ("error", err.errno)
        return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


class Calendars:
    kind = "calendars"
    # TRANSLATORS: a detector's name in `glutewake status`; "[quiet] calendars" is the setting
    name = N_("calendars from [quiet] calendars")

    def __init__(self, calendars, now=time.time, clock=time.monotonic, fetch=fetch_apart,
                 expand=occurrences_apart) -> None:
        self._calendars = calendars  # returns the current list: the settings may change
        self._now = now  # wall time, for events
        self._clock = clock  # monotonic, for the fetch interval
        self._fetch = fetch
        self._expand = expand
        self._lock = threading.Lock()  # guards the sources and the work queue
        self._sources: dict[str, Source] = {}
        self._pending: dict[str, str] = {}  # address -> "read" or "lay out"
        self._worker: threading.Thread | None = None
        self._look(self._now())  # start reading right away: a check may come soon

    def hold(self) -> Hold | None:
        now = self._now()
        best = None
        for source in self._look(now):
            timeline = source.timeline
            if timeline is not None and timeline.covers(now):
                found = timeline.at(now)
                if found is not None and (best is None or found.until > best.until):
                    best = found
        return best

    def problems(self) -> list[str]:
        with self._lock:
            # TRANSLATORS: {calendar} is a file or an address from [quiet] calendars
            return [_("calendar {calendar}: {problem}", calendar=shown(s.address),
                      problem=s.problem) for s in self._sources.values() if s.problem]

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until no work is left (for tests and the bench); False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            worker = self._worker
            if worker is None:
                return True
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                return False

    # --- what needs doing: decided in the caller's thread, cheaply ---

    def _look(self, now: float) -> list[Source]:
        wanted = tuple(dict.fromkeys(self._calendars()))
        with self._lock:
            if wanted != tuple(self._sources):
                self._sources = {address: self._sources.get(address) or Source(address)
                                 for address in wanted}
            for source in self._sources.values():
                work = self._due(source, now)
                if work and self._pending.get(source.address) != "read":
                    self._pending[source.address] = work
            if self._pending and self._worker is None:
                self._worker = threading.Thread(target=self._work, name="calendars",
                                                daemon=True)
                self._worker.start()
            return list(self._sources.values())

    def _due(self, source: Source, now: float) -> str | None:
        if source.remote:
            wait = REFETCH if source.good is not None else RETRY_EMPTY
            if source.tried is None or self._clock() - source.tried >= wait:
                source.tried = self._clock()  # counted from the attempt, failed or not
                return "read"
        else:
            stamp = source.file_stamp()
            if stamp != source.seen:
                source.seen = stamp
                return "read"
        return "lay out" if self._stale(source, now) else None

    @staticmethod
    def _stale(source: Source, now: float) -> bool:
        timeline = source.timeline
        return source.good is not None and (timeline is None or not timeline.start <= now
                                            or now >= timeline.end - RENEW)

    # --- the work: in the background thread ---

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._worker = None
                    return
                address, work = self._pending.popitem()
                source = self._sources.get(address)
            if source is None:
                continue  # removed from the settings meanwhile
            try:
                if work == "read":
                    self._read(source)
                now = self._now()
                if self._stale(source, now):
                    self._lay_out(source, source.good, now)
            except Exception as err:  # a bug: the calendar stays as it was
                error = f"{type(err).__name__}: {err}"
                self._failed(source, _("cannot read its events ({error})", error=error))

    def _lay_out(self, source: Source, text: bytes, now: float) -> None:
        start, end = now - BEFORE, now + AFTER
        source.timeline = lay_out(self._expand(text, start, end), start, end)

    def _read(self, source: Source) -> None:
        if source.remote:
            try:
                text, source.etag = self._fetch(source.address, source.etag)
            except urllib.error.HTTPError as err:
                # TRANSLATORS: {code} and {reason} are the web server's, e.g. 404 (Not Found)
                return self._failed(source, self._kept(source, _(
                    "the address answered {code} ({reason})", code=err.code, reason=err.reason)))
            except (OSError, ValueError) as err:
                why = getattr(err, "reason", None) or err
                return self._failed(source, self._kept(source, _("cannot fetch it ({error})",
                                                                 error=why)))
            if text is None or text == source.good:
                return self._fine(source)  # unchanged
        else:
            try:
                with open(source.address, "rb") as file:
                    text = file.read()
            except FileNotFoundError:
                source.good = source.timeline = None  # a calendar removed holds nothing
                return self._failed(source, _("no such file; fix the path in [quiet] "
                                              "calendars"))
            except PermissionError:
                return self._failed(source, _("permission denied; fix its permissions"))
            except OSError as err:
                return self._failed(source, _("cannot read it ({error})",
                                              error=err.strerror or err))
            if text == source.good:
                return self._fine(source)
        try:
            self._lay_out(source, text, self._now())
        except Exception as err:
            return self._failed(source, self._kept(source, _(
                "not a calendar (.ics) it can read ({error})", error=err)))
        source.good = text
        self._fine(source)

    @staticmethod
    def _kept(source: Source, problem: str) -> str:
        """The problem, and that the last good copy holds meanwhile when there is one."""
        if source.good is None:
            return problem
        # TRANSLATORS: {problem} is why a calendar cannot be read now
        return _("{problem}; the last good copy stays in use", problem=problem)

    def _failed(self, source: Source, problem: str) -> None:
        if source.problem is None:  # one line per failure, not per attempt
            log.warning("calendar %s: %s", shown(source.address), problem)
        source.problem = problem

    def _fine(self, source: Source) -> None:
        if source.problem is not None:
            log.info("calendar %s: read again", shown(source.address))
        source.problem = None


def main(argv: list[str]) -> int:
    """The child that parses (calendar text on stdin, busy spans as JSON on stdout), or with
    --fetch ADDRESS ETAG the one that fetches (a JSON line, then the body)."""
    if argv[:1] == ["--fetch"]:
        return fetch_main(argv[1], argv[2] or None)
    try:
        start, end = float(argv[0]), float(argv[1])
        spans = occurrences(sys.stdin.buffer.read(), start, end)
    except Exception as err:
        print(f"{type(err).__name__}: {err}" if not str(err) else str(err), file=sys.stderr)
        return 1
    json.dump(spans, sys.stdout)
    return 0


def fetch_main(address: str, etag: str | None) -> int:
    out = sys.stdout.buffer
    try:
        body, etag = fetch(address, etag)
    except urllib.error.HTTPError as err:
        out.write(json.dumps({"code": err.code, "reason": str(err.reason)}).encode() + b"\n")
        return 1
    except (OSError, ValueError) as err:
        why = getattr(err, "reason", None) or err
        out.write(json.dumps({"error": str(why)}).encode() + b"\n")
        return 1
    out.write(json.dumps({"etag": etag, "changed": body is not None}).encode() + b"\n")
    out.write(body or b"")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
