"""Busy events of the calendars in [quiet] calendars hold reminders: a meeting.

Each calendar (an .ics file or an http(s) address) is parsed when it changes, and its occurrences
from a day before now to three days after are laid out as a timeline: the moments where a run of
meetings (events that touch or overlap) begins, where the event that holds changes (the one
ending last, when several overlap), and where the run ends. Every moment of a run holds until the
run's end. A check is a bisect. The timeline is laid out again, from the kept text, once less
than two days of it are left.

Files are read again when their size, time or permissions change, addresses fetched at most every
15 minutes; reading, fetching and parsing happen in a short-lived background thread, so a check
never waits for them, and the last good copy stays in use until a new one is ready. A new list of
calendars gets a thread of its own, whatever the last one still waits for.

Calendars are untrusted data, so the parsing and fetching run in child processes
(`python -P -m glutewake.desktop.quiet.calendar`, from the root folder, so nothing in the folder
glutewake started from is imported), each with its own bounds: address space, CPU time, the
occurrences looked at (MOST_EVENTS), and the size of its answer. A calendar that needs more is
refused with one line that says what was too much, and the last good copy stays in use. A parser
also keeps its memory when it ends, not the daemon's (2,000 weekly events: about 70 MB). Event
titles are cleaned (core.untrusted) where they are read. An address reaches the fetching child on
its standard input, never on a command line; messages name only its scheme and host, since
private addresses carry a secret; a `user:password@` in it is sent as HTTP Basic authentication,
over https only; redirects never lead from https to http, nor to a private or loopback address
unless the configured address is one.

An event holds from its start (inclusive) to its end (exclusive) unless it lasts whole days (its
DTSTART is a date), is free time (TRANSP:TRANSPARENT) or is cancelled (STATUS:CANCELLED).
"""

from __future__ import annotations

import base64
import bisect
import heapq
import ipaddress
import json
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from ...core.events import Busy, Hold, Reason
from ...core.untrusted import clean
from ...files import NotAFile, TooBig, read_capped
from ...i18n import _
from ...threads import spawn
from . import Detector
from .names import CALENDARS

log = logging.getLogger(__name__)

DAY = 86400.0
BEFORE, AFTER = DAY, 3 * DAY  # the span a timeline covers around the moment it is made
RENEW = 2 * DAY  # lay out a new timeline once less than this is left of the current one
PAD = timedelta(days=2)  # recurring-ical-events compares floating and zoned times loosely
REFETCH = 15 * 60.0  # seconds between fetches of one address
RETRY_EMPTY = 2 * 60.0  # ... and between attempts while no copy has ever arrived
FETCH_TIMEOUT = 20.0

# The bounds of a child. A busy work calendar has a few hundred occurrences in the days a
# timeline covers (with its margins) and parses in well under 100 MB; an event that repeats
# every second has 777,600 of them there.
MAX_BYTES = 16 * 1024 * 1024  # a calendar file or download
MOST_EVENTS = 20_000  # occurrences a parser looks at
MEMORY = 512 * 1024 * 1024  # a child's address space
CPU_SECONDS = 60  # a child's processor time
PARSE_TIMEOUT = 2.0 * CPU_SECONDS  # ... and its time on the clock
MAX_ANSWER = 256 * 1024  # a parser's answer: the timeline as JSON
SAFE_FOLDER = os.path.abspath(os.sep)  # where children start: nothing to import there


class TooMuch(Exception):
    """A calendar needs more than a child may use: `what` is a key of TOO_MUCH."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


TOO_MUCH = {
    # TRANSLATORS: a calendar's problem; "the days around now" are the days glutewake looks at
    "events": lambda: _("more than {count} events in the days around now, more than glutewake "
                        "reads; does an event repeat every minute or second?", count=MOST_EVENTS),
    "memory": lambda: _("reading it needs more than {size} MB of memory, more than glutewake "
                        "allows", size=MEMORY // 2**20),
    "depth": lambda: _("its parts are nested deeper than glutewake reads"),
    "time": lambda: _("reading it takes more than {seconds} s, more than glutewake allows",
                      seconds=CPU_SECONDS),
    "answer": lambda: _("its meetings in the days around now take more than {size} KB, more "
                        "than glutewake keeps", size=MAX_ANSWER // 1024),
    "size": lambda: _("it is larger than {size} MB", size=MAX_BYTES // 2**20),
    "wait": lambda: _("no answer within {seconds} s", seconds=int(FETCH_TIMEOUT)),
}


class Stopped(Exception):
    """A child ended without an answer (a crash, or killed)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class Answered(Exception):
    """The web server answered with an error status."""

    def __init__(self, code: int, reason: str):
        super().__init__(code, reason)
        self.code, self.reason = code, reason


REFUSED = {
    "password over http": lambda: _("it holds a user name and password, which glutewake sends "
                                    "only over https; use the https address"),
    "https to http": lambda: _("it redirects from https to plain http; glutewake does not "
                               "follow that"),
    "private": lambda: _("it redirects to a private or loopback address; glutewake follows "
                         "that only when the configured address is one"),
}


class Refused(Exception):
    """A fetch glutewake will not make: `why` is a key of REFUSED."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class FetchFailed(Exception):
    """The fetch got no answer; its text is the network's reason, with nothing secret in it."""


# --- the timeline, as the daemon keeps it ---

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

    def next_busy(self, now: float) -> Busy | None:
        """The first busy block that starts after `now` (touching events are one block)."""
        for index in range(bisect.bisect_right(self.times, now), len(self.times)):
            hold = self.holds[index]
            if hold is not None and hold.until is not None:
                return Busy(self.times[index], hold.until)
        return None

    @classmethod
    def of(cls, answer: dict, start: float, end: float) -> Timeline:
        """The timeline in a parser's answer (see `answer`); its error as an exception."""
        if "too_much" in answer:
            raise TooMuch(str(answer["too_much"]))
        if "error" in answer:
            raise ValueError(str(answer["error"]))
        times: list[float] = []
        holds: list[Hold | None] = []
        for moment, title, until in answer["timeline"]:
            if not (isinstance(moment, (int, float)) and (not times or moment >= times[-1])
                    and (until is None or isinstance(until, (int, float)) and until > moment)
                    and (title is None or isinstance(title, str))):
                raise ValueError(f"the parser's answer is malformed at {moment!r}")
            times.append(float(moment))
            holds.append(None if until is None else Hold(Reason.MEETING, source=title,
                                                          until=float(until)))
        return cls(start, end, tuple(times), tuple(holds))


# --- parsing: in the child ---

def moment_of(value) -> float:
    """A DTSTART or DTEND value as seconds since the epoch; a floating time is local time, a
    date its local midnight."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, clock_time())
    return value.timestamp()  # aware: its own zone; naive: the local zone


def busy(event) -> tuple[float, float, str | None] | None:
    """(start, end, title) of an occurrence that keeps you busy, else None. The title is
    cleaned here, where it enters."""
    start = getattr(event.get("DTSTART"), "dt", None)
    if not isinstance(start, datetime):
        return None  # no time, or a whole day
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    end = getattr(event.get("DTEND"), "dt", None)
    if not isinstance(end, datetime):
        return None  # recurring-ical-events always sets DTEND; a date there is malformed
    begins, ends = moment_of(start), moment_of(end)
    if not begins < ends:
        return None
    title = clean(event.get("SUMMARY", ""))
    return begins, ends, title or None


def occurrences(data: bytes, start: float, end: float,
                most: int = MOST_EVENTS) -> list[tuple[float, float, str | None]]:
    """Every busy occurrence in the calendar text `data` that overlaps [start, end). More than
    `most` occurrences near the span (busy or not) raise TooMuch: they are looked at one by one,
    in order of their start, so an endless rule costs no more than that."""
    import icalendar
    import recurring_ical_events

    calendars = icalendar.Calendar.from_ical(data, multiple=True)
    if not calendars:
        raise ValueError("no VCALENDAR in it")
    # Ask with local naive times and a wide margin: the library mixes floating and zoned times
    # by borrowing a zone, which can shift the span by up to a day; exact times are taken after.
    first = datetime.fromtimestamp(start) - PAD
    stop = end + PAD.total_seconds()
    found = []
    seen = 0
    for calendar in calendars:
        for event in recurring_ical_events.of(calendar, skip_bad_series=True).after(first):
            begins = getattr(event.get("DTSTART"), "dt", None)
            if isinstance(begins, date) and moment_of(begins) >= stop:
                break  # they come in order of their start
            seen += 1
            if seen > most:
                raise TooMuch("events")
            span = busy(event)
            if span is not None and span[1] > start and span[0] < end:
                found.append(span)
    return found


def runs(spans) -> list[list]:
    """Busy spans (start, end, title) as the entries of a timeline: [moment, title, until] where
    a run of touching or overlapping events begins or the event that holds changes (of those
    begun and not ended, the one ending last), and [moment, None, None] where a run ends. `until`
    is the end of the run, so an event repeating back to back is one entry."""
    found = sorted(spans, key=lambda span: span[0])
    run_end = [0.0] * len(found)  # the end of the run each span belongs to
    first, reach = 0, -math.inf
    for index, (begins, ends, _title) in enumerate(found + [(math.inf, math.inf, None)]):
        if begins > reach:
            run_end[first:index] = [reach] * (index - first)
            first, reach = index, ends
        else:
            reach = max(reach, ends)
    entries: list[list] = []
    running: list[tuple[float, int]] = []  # (-end, index): the span ending last on top
    following = 0
    last = None
    for moment in sorted({t for begins, ends, _title in found for t in (begins, ends)}):
        while following < len(found) and found[following][0] <= moment:
            heapq.heappush(running, (-found[following][1], following))
            following += 1
        while running and -running[0][0] <= moment:
            heapq.heappop(running)
        now = (found[running[0][1]][2], run_end[running[0][1]]) if running else (None, None)
        if now != last:
            entries.append([moment, *now])
            last = now
    return entries


def answer(data: bytes, start: float, end: float, most: int = MOST_EVENTS) -> dict:
    """What a parser answers: {"timeline": entries of `runs`}, {"too_much": what} or
    {"error": why}. Never raises for what is in `data`."""
    try:
        if len(data) > MAX_BYTES:
            raise TooMuch("size")
        found = {"timeline": runs(occurrences(data, start, end, most))}
    except TooMuch as err:
        return {"too_much": err.what}
    except Exception as err:  # the calendar libraries raise many kinds for bad input...
        causes: list[BaseException] = []
        link: BaseException | None = err
        while link is not None and len(causes) < 10:
            causes.append(link)  # ...and wrap running out of memory or depth in a ValueError
            link = link.__cause__ or link.__context__
        if any(isinstance(cause, MemoryError) for cause in causes):
            return {"too_much": "memory"}
        if any(isinstance(cause, RecursionError) for cause in causes):
            return {"too_much": "depth"}
        first = causes[0]
        if type(first) is KeyError and first.args:  # icalendar's way to say it is missing
            return {"error": clean(f"no {first.args[0]}", 200)}
        return {"error": clean(str(first) or type(first).__name__, 200)}
    if len(json.dumps(found, ensure_ascii=False).encode()) > MAX_ANSWER:
        return {"too_much": "answer"}
    return found


def parse_here(data: bytes, start: float, end: float) -> Timeline:
    """The timeline of `data` over [start, end), parsed in this process."""
    return Timeline.of(answer(data, start, end), start, end)


# --- the children, seen from the daemon ---

def apart(arguments: list[str], data: bytes, timeout: float, largest: int) -> bytes:
    """What this module run as a child with `arguments` writes for `data` on its input: at most
    `largest` bytes. `-P` and the root folder: neither the folder glutewake started from nor any
    other folder of the user comes first on the child's import path. The answer goes to a
    temporary file, so no pipe can fill up and nothing is read beyond `largest`; the child's
    error output is dropped (a traceback could show what it was given)."""
    with tempfile.TemporaryFile() as out:
        child = subprocess.run(
            [sys.executable, "-P", "-m", __name__, *arguments], input=data, stdout=out,
            stderr=subprocess.DEVNULL, cwd=SAFE_FOLDER, timeout=timeout,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        out.seek(0)
        said = out.read(largest + 1)
    if child.returncode == -getattr(signal, "SIGXCPU", 1 << 16):  # not on Windows
        raise TooMuch("time")
    if child.returncode != 0:
        raise Stopped(child.returncode)
    if len(said) > largest:
        raise TooMuch("answer")
    return said


def parse_apart(data: bytes, start: float, end: float) -> Timeline:
    """`parse_here` in a child process, whose memory goes when it ends."""
    if getattr(sys, "frozen", False):  # a bundled app has no `python -m`
        return parse_here(data, start, end)
    try:
        said = apart([repr(start), repr(end)], data, PARSE_TIMEOUT, MAX_ANSWER + 1024)
    except subprocess.TimeoutExpired:
        raise TooMuch("time") from None
    return Timeline.of(json.loads(said), start, end)


def shown(address: str) -> str:
    """How a calendar is named in messages: a file by its path; an address by its scheme and
    host only, since private calendar addresses carry a secret in the rest."""
    if not is_address(address):
        return address
    parts = urllib.parse.urlsplit(address)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        host, port = parts.hostname or "", None
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")


def is_address(calendar: str) -> bool:
    return calendar[:8].lower().startswith(("http://", "https://"))


def scrubbed(text: str, address: str) -> str:
    """`text` with every part of `address` beyond its scheme and host replaced by "…": the
    address itself, the user name and password, the path, the query and their pieces, as
    written and decoded."""
    parts = urllib.parse.urlsplit(address)
    pieces = {address, parts.netloc, parts.path, parts.query, parts.fragment,
              parts.netloc.rpartition("@")[0]}
    pieces.update(parts.netloc.rpartition("@")[0].split(":"))
    pieces.update(parts.path.split("/"))
    for pair in parts.query.split("&"):
        pieces.update(pair.split("="))
    pieces |= {urllib.parse.unquote(piece) for piece in pieces}
    kept = shown(address)
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= 4 and piece not in kept:
            text = text.replace(piece, "…")
    return text


def fetch_apart(address: str, etag: str | None, timeout: float = FETCH_TIMEOUT):
    """`fetch` in a child process. The daemon leaves OpenSSL out of its memory (runner.py) and
    so cannot speak https itself; a fetch every 15 minutes in a child costs less than carrying
    the TLS libraries all day. The address goes on the child's input, never on its command line
    (which every user of the machine can read)."""
    if getattr(sys, "frozen", False):
        return fetch(address, etag, timeout)
    asked = json.dumps({"address": address, "etag": etag, "timeout": timeout}).encode()
    try:
        said = apart(["--fetch"], asked, timeout + 10, MAX_BYTES + MAX_ANSWER)
    except subprocess.TimeoutExpired:
        raise TooMuch("wait") from None
    head, _newline, body = said.partition(b"\n")
    try:
        told = json.loads(head)
    except ValueError:
        raise Stopped(0) from None
    if "code" in told:
        raise Answered(int(told["code"]), str(told["reason"]))
    if "refused" in told:
        raise Refused(str(told["refused"]))
    if "too_much" in told:
        raise TooMuch(str(told["too_much"]))
    if "error" in told:
        raise FetchFailed(str(told["error"]))
    return (body if told.get("changed") else None), told.get("etag")


# --- fetching: in the child ---

def is_private(host: str | None) -> bool:
    """Whether `host` is, or resolves to, an address that is not on the internet: loopback,
    private, link-local and the like. A name that does not resolve is not (it leads nowhere)."""
    if not host:
        return False
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    for text in found:
        address = ipaddress.ip_address(text.split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            return True
    return False


def origin(url: str) -> tuple:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.hostname, parts.port


def redirects(private_ok: bool, home: tuple, authorization: str | None):
    """urllib's redirect handler with the rules for calendars: never from https to http, never
    to a private address unless the configured one is private, and the credentials only for the
    configured address's own scheme, host and port."""
    import urllib.request

    class Redirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, request, fp, code, msg, headers, newurl):
            if origin(request.full_url)[0] == "https" and origin(newurl)[0] != "https":
                raise Refused("https to http")
            if not private_ok and is_private(urllib.parse.urlsplit(newurl).hostname):
                raise Refused("private")
            new = super().redirect_request(request, fp, code, msg, headers, newurl)
            if new is not None and authorization and origin(newurl) == home:
                new.add_unredirected_header("Authorization", authorization)
            return new

    return Redirects()


def fetch(address: str, etag: str | None, timeout: float = FETCH_TIMEOUT):
    """(body, etag), or (None, etag) when the server says nothing changed. Raises Answered,
    Refused, TooMuch or FetchFailed, whose texts name nothing of the address but its host."""
    import http.client
    import urllib.error
    import urllib.request  # here: it loads OpenSSL's libcrypto, which a daemon without a remote
    #                        calendar never needs

    parts = urllib.parse.urlsplit(address)
    login, _at, place = parts.netloc.rpartition("@")
    authorization = None
    if _at:
        if parts.scheme.lower() != "https":
            raise Refused("password over http")
        user, _colon, password = login.partition(":")
        pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    url = urllib.parse.urlunsplit((parts.scheme, place, parts.path or "/", parts.query, ""))
    request = urllib.request.Request(url, headers={"User-Agent": "glutewake"})
    if authorization:
        request.add_unredirected_header("Authorization", authorization)
    if etag:
        request.add_header("If-None-Match", etag)
    opener = urllib.request.build_opener(
        redirects(is_private(parts.hostname), origin(url), authorization))
    try:
        with opener.open(request, timeout=timeout) as reply:
            body = reply.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise TooMuch("size")
            return body, reply.headers.get("ETag")
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return None, etag
        raise Answered(err.code, clean(scrubbed(str(err.reason), address))) from None
    except (Refused, TooMuch):
        raise
    except Exception as err:  # urllib, http.client, ssl and socket each raise their own
        why = getattr(err, "reason", None) or err
        if isinstance(why, OSError) and why.strerror:
            text = why.strerror
        elif isinstance(why, TimeoutError):
            raise TooMuch("wait") from None
        elif isinstance(why, http.client.HTTPException):
            text = type(why).__name__
        else:
            text = str(why) or type(why).__name__
        raise FetchFailed(clean(scrubbed(text, address), 200)) from None


# --- the detector ---

class Source:
    """One calendar: its last good text and timeline, and what went wrong last."""

    def __init__(self, address: str) -> None:
        self.address = address  # as the settings write it
        self.remote = is_address(address)
        self.path = address if self.remote else os.path.expanduser(address)  # "~" is home
        self.good: bytes | None = None  # the last text that parsed
        self.timeline: Timeline | None = None
        self.seen: tuple | None = None  # a file's stamp when last looked at
        self.etag: str | None = None
        self.tried: float | None = None  # clock of the last fetch
        self.problem: str | None = None
        self.refused: int | None = None  # hash of the last fetched text that did not parse
        self.relaid: float | None = None  # clock of a failed lay-out of the kept text
        self.busy = False  # a worker is at it

    def file_stamp(self) -> tuple:
        """What changes when the file does: its content, its permissions, or the file itself
        (editors that save by replacing it)."""
        try:
            info = os.stat(self.path)
        except OSError as err:
            return ("error", err.errno)
        return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


class Calendars(Detector):
    name = CALENDARS

    def __init__(self, calendars, now=time.time, clock=time.monotonic, fetch=fetch_apart,
                 expand=parse_apart) -> None:
        self._calendars = calendars  # returns the current list: the settings may change
        self._now = now  # wall time, for events
        self._clock = clock  # monotonic, for the fetch interval
        self._fetch = fetch
        self._expand = expand  # (text, start, end) -> Timeline
        self._lock = threading.Lock()  # guards the sources and the work queue
        self._sources: dict[str, Source] = {}
        self._pending: dict[str, str] = {}  # address -> "read" or "lay out"
        self._worker: threading.Thread | None = None  # the one working for today's list
        self._look(self._now())  # start reading right away: a check may come soon

    def hold(self) -> Hold | None:
        now = self._now()
        best = None
        for source in self._look(now):
            timeline = source.timeline
            if timeline is not None and timeline.covers(now):
                found = timeline.at(now)
                # a meeting's hold has its end; the one that ends last holds longest
                if found is not None and (best is None
                                          or (found.until or now) > (best.until or now)):
                    best = found
        return best

    def next_busy(self) -> Busy | None:
        """The next busy block of all the calendars, for breaks planned around the day."""
        now = self._now()
        found = [block for source in self._look(now)
                 if source.timeline is not None and source.timeline.covers(now)
                 for block in [source.timeline.next_busy(now)] if block is not None]
        return min(found, key=lambda block: block.start, default=None)

    def problems(self) -> list[str]:
        with self._lock:
            # TRANSLATORS: {calendar} is a file or an address from [quiet] calendars
            return [_("calendar {calendar}: {problem}", calendar=shown(s.address),
                      problem=s.problem) for s in self._sources.values() if s.problem]

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until no work is left for the current list (for tests and the bench); False
        on timeout."""
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
                self._pending = {a: w for a, w in self._pending.items() if a in self._sources}
                self._worker = None  # a worker still busy leaves when it is done; never wait
            for source in self._sources.values():
                work = self._due(source, now)
                if work and self._pending.get(source.address) != "read":
                    self._pending[source.address] = work
            if self._pending and self._worker is None:
                self._worker = spawn("calendars", self._work)
            return list(self._sources.values())

    def _due(self, source: Source, now: float) -> str | None:
        if source.busy:
            return None  # asked again once the worker at it is done
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
        if self._stale(source, now) and (source.relaid is None
                                         or self._clock() - source.relaid >= REFETCH):
            return "lay out"
        return None

    @staticmethod
    def _stale(source: Source, now: float) -> bool:
        timeline = source.timeline
        return source.good is not None and (timeline is None or not timeline.start <= now
                                            or now >= timeline.end - RENEW)

    # --- the work: in the background thread ---

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                if self._worker is not me:
                    return  # the list changed while this one worked: another took over
                if not self._pending:
                    self._worker = None
                    return
                address, work = self._pending.popitem()
                source = self._sources[address]
                source.busy = True
            try:
                if work == "read":
                    self._read(source)
                good = source.good
                if good is not None and self._stale(source, self._now()):
                    problem = self._lay_out(source, good)
                    source.relaid = None if problem is None else self._clock()
                    if problem is not None:
                        self._failed(source, problem)
            except Exception as err:  # a bug: the calendar stays as it was
                error = f"{type(err).__name__}: {err}"
                self._failed(source, _("cannot read its events ({error})", error=error))
            finally:
                source.busy = False

    def _lay_out(self, source: Source, text: bytes) -> str | None:
        """A new timeline from `text`, or why there is none (the last one stays)."""
        now = self._now()
        try:
            source.timeline = self._expand(text, now - BEFORE, now + AFTER)
        except TooMuch as err:
            return TOO_MUCH[err.what]()
        except Stopped as err:
            return _("the parser stopped ({code})", code=err.code)
        except Exception as err:
            return _("not a calendar (.ics) it can read ({error})", error=err)
        return None

    def _read(self, source: Source) -> None:
        etag = None
        if source.remote:
            try:
                text, etag = self._fetch(source.address, source.etag)
            except Answered as err:
                # TRANSLATORS: {code} and {reason} are the web server's, e.g. 404 (Not Found)
                return self._failed(source, _(
                    "the address answered {code} ({reason})", code=err.code, reason=err.reason))
            except Refused as err:
                return self._failed(source, REFUSED[err.why]())
            except TooMuch as err:
                return self._failed(source, TOO_MUCH[err.what]())
            except (FetchFailed, Stopped, OSError, ValueError) as err:
                why = _("the fetch stopped ({code})", code=err.code) if isinstance(
                    err, Stopped) else err
                return self._failed(source, _("cannot fetch it ({error})", error=why))
            if text is None or text == source.good:
                source.etag = etag
                return self._fine(source)  # unchanged
            if hash(text) == source.refused:
                return  # the same text that did not parse: its problem stands
        else:
            try:
                text = read_capped(source.path, MAX_BYTES)
            except FileNotFoundError:
                source.good = source.timeline = None  # a calendar removed holds nothing
                return self._failed(source, _("no such file; fix the path in [quiet] "
                                              "calendars"))
            except PermissionError:
                return self._failed(source, _("permission denied; fix its permissions"))
            except NotAFile:
                return self._failed(source, _("not a regular file (a FIFO, a device or a "
                                              "folder); name an .ics file in [quiet] "
                                              "calendars"))
            except TooBig:
                return self._failed(source, TOO_MUCH["size"]())
            except OSError as err:
                return self._failed(source, _("cannot read it ({error})",
                                              error=err.strerror or err))
            if text == source.good:
                return self._fine(source)
        problem = self._lay_out(source, text)
        if problem is not None:
            source.refused = hash(text)
            return self._failed(source, problem)
        source.good, source.etag, source.refused, source.relaid = text, etag, None, None
        self._fine(source)

    def _failed(self, source: Source, problem: str) -> None:
        """Every problem passes here: one line, with nothing of an address beyond its host, and
        that the last good copy holds meanwhile when there is one."""
        if source.good is not None:
            # TRANSLATORS: {problem} is why a calendar cannot be read now
            problem = _("{problem}; the last good copy stays in use", problem=problem)
        if source.remote:
            problem = scrubbed(problem, source.address)
        problem = clean(problem, 400)
        if source.problem is None:  # one line per failure, not per attempt
            log.warning("calendar %s: %s", shown(source.address), problem)
        source.problem = problem

    def _fine(self, source: Source) -> None:
        if source.problem is not None:
            log.info("calendar %s: read again", shown(source.address))
        source.problem = None


# --- the child's side ---

def limit_myself() -> None:
    """The bounds of a child, set by the child on itself: its address space, its processor
    time (SIGXCPU ends it) and the size of its answer. Where a system has no such limit, none."""
    try:
        import resource
    except ImportError:  # Windows
        return
    for which, most in (("RLIMIT_AS", MEMORY), ("RLIMIT_CPU", CPU_SECONDS),
                        ("RLIMIT_FSIZE", MAX_BYTES + MAX_ANSWER)):
        kind = getattr(resource, which, None)
        if kind is None:
            continue
        try:
            soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                most = min(most, hard)
            resource.setrlimit(kind, (most, hard))
        except (ValueError, OSError):  # macOS refuses some
            continue


def main(argv: list[str]) -> int:
    """The child that parses (START END as arguments, calendar text on stdin, `answer` as JSON
    on stdout), or with --fetch the one that fetches ({"address", "etag", "timeout"} on stdin;
    a JSON line, then the body)."""
    limit_myself()
    if argv[:1] == ["--fetch"]:
        return fetch_main(json.loads(sys.stdin.buffer.read(1024 * 1024)))
    start, end = float(argv[0]), float(argv[1])
    said = answer(sys.stdin.buffer.read(MAX_BYTES + 1), start, end)
    sys.stdout.buffer.write(json.dumps(said, ensure_ascii=False).encode())
    return 0


def fetch_main(asked: dict) -> int:
    out = sys.stdout.buffer
    try:
        body, etag = fetch(asked["address"], asked.get("etag"), asked.get("timeout",
                                                                          FETCH_TIMEOUT))
        head = {"etag": etag, "changed": body is not None}
    except Answered as err:
        head, body = {"code": err.code, "reason": err.reason}, None
    except Refused as err:
        head, body = {"refused": err.why}, None
    except TooMuch as err:
        head, body = {"too_much": err.what}, None
    except FetchFailed as err:
        head, body = {"error": str(err)}, None
    out.write(json.dumps(head).encode() + b"\n")
    out.write(body or b"")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
