"""The calendar pipeline under fuzzing: calendar text, the parser's answer, the daemon's timeline.

`seeds()` are the test calendars icalendar and recurring-ical-events ship in their installed
packages; `calendars()` is a hypothesis strategy of generated calendars (every RRULE frequency,
odd and unknown time zones, hostile titles, deep nesting, bad bytes) and of mutated seeds.
`check` runs one calendar through the pipeline in this process and asserts what must hold:

- the answer is one of its three forms, an error is one short line, and a cap names one of the
  bounds glutewake has;
- an error was raised by the calendar libraries, never by glutewake's own code (a traceback in
  glutewake is a bug, even where the answer hides it);
- a timeline is well formed: moments in order, each run ending, titles clean and short, every
  hold ending after it begins; the daemon's Timeline is built from it and answers at each moment.

`check_apart` runs one through the real child, whose kernel limits bound its memory and time: it
must answer, or say which bound it hit, and never crash or be killed otherwise.

tests/desktop/test_fuzz_calendar.py runs a bounded set with `make test`; bench/fuzz_calendar.py a
longer one with `make bench`.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import traceback
from datetime import UTC, datetime, timedelta
from importlib import util
from pathlib import Path

from hypothesis import strategies as st

import glutewake
from glutewake.core.untrusted import LONGEST, clean
from glutewake.desktop.quiet import calendar as pipeline

OWN_CODE = Path(glutewake.__file__).resolve().parent
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC).timestamp()
IN_PROCESS_MOST = 2_000  # a smaller cap keeps each example quick; the cap's path is the same
FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham",
         "Australia/Lord_Howe", "Pacific/Kiritimati", "America/St_Johns", "UTC", "Etc/GMT+12",
         "Mars/Olympus_Mons", "", "Custom Odd")


# --- seeds ---

def seed_files() -> list[Path]:
    """The .ics files the two calendar libraries ship for their own tests."""
    found = []
    for package in ("icalendar", "recurring_ical_events"):
        spec = util.find_spec(package)
        if spec is not None and spec.origin:
            found += sorted(Path(spec.origin).parent.rglob("*.ics"))
    return found


def seeds() -> list[bytes]:
    return [path.read_bytes() for path in seed_files()]


def window(data: bytes) -> tuple[float, float]:
    """A timeline's span around the first start in `data`, so a seed's events fall in it; NOW's
    when there is none."""
    found = re.search(rb"DTSTART[^:\r\n]*:(\d{8})(?:T(\d{6}))?", data)
    moment = NOW
    if found:
        try:
            day = datetime.strptime(found[1].decode(), "%Y%m%d").replace(tzinfo=UTC)
            moment = max(day.timestamp() + 86400, 86400.0 * 400)
        except (ValueError, OverflowError):
            pass
    return moment - pipeline.BEFORE, moment + pipeline.AFTER


# --- generated calendars ---

def shifted(moment: datetime, seconds: float) -> datetime:
    """`moment` moved by `seconds`, kept within the years datetime knows."""
    try:
        return moment + timedelta(seconds=seconds)
    except OverflowError:
        return datetime.max.replace(microsecond=0) if seconds > 0 else datetime.min


def stamp(moment: datetime, floating: bool = False) -> str:
    text = f"{moment.year:04d}{moment:%m%dT%H%M%S}"  # strftime writes year 1 as "1"
    return text if floating else text + "Z"


TITLES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\x1b[]0;m\x07\u202e\u2066\n\r\t\\,:;\"<>&é漢 a"),
            max_size=200),
    st.integers(0, 20_000).map(lambda n: "x" * n))


@st.composite
def events(draw) -> str:
    base = datetime.fromtimestamp(NOW, UTC).replace(tzinfo=None)
    start = shifted(base, draw(st.integers(-40 * 86400, 10 * 86400)))
    if draw(st.integers(0, 4)) == 0:  # now and then far away
        start = datetime(draw(st.sampled_from((1, 1582, 1900, 1970, 2038, 2100, 9999))),
                         draw(st.integers(1, 12)),
                         draw(st.integers(1, 28)), draw(st.integers(0, 23)))
    zone = draw(st.sampled_from(ZONES))
    lines = ["BEGIN:VEVENT", f"UID:{draw(st.integers(0, 5))}@fuzz"]
    title = draw(TITLES).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    lines.append("SUMMARY:" + title.replace("\r", "").replace("\n", "\\n"))
    kind = draw(st.sampled_from(("utc", "floating", "zoned", "date")))
    if kind == "date":
        lines.append(f"DTSTART;VALUE=DATE:{stamp(start)[:8]}")
    elif kind == "zoned":
        lines.append(f"DTSTART;TZID={zone}:{stamp(start, True)}")
    else:
        lines.append(f"DTSTART:{stamp(start, kind == 'floating')}")
    length = draw(st.integers(-3600, 3 * 86400))
    if draw(st.booleans()):
        lines.append(f"DURATION:{'-' if length < 0 else ''}PT{abs(length)}S")
    elif kind != "date":
        lines.append(f"DTEND:{stamp(shifted(start, length), kind == 'floating')}")
    if draw(st.booleans()):
        rule = [f"FREQ={draw(st.sampled_from(FREQUENCIES))}",
                f"INTERVAL={draw(st.integers(-1, 1000))}"]
        ending = draw(st.sampled_from(("", "count", "until")))
        if ending == "count":
            rule.append(f"COUNT={draw(st.integers(-1, 100_000))}")
        elif ending == "until":
            rule.append(f"UNTIL={stamp(shifted(start, 86400 * draw(st.integers(-5, 400))))}")
        if draw(st.booleans()):
            rule.append("BYDAY=" + ",".join(draw(st.lists(st.sampled_from(
                ("MO", "TU", "WE", "TH", "FR", "SA", "SU", "1MO", "-1FR", "53SU", "XX")),
                min_size=1, max_size=4))))
        if draw(st.booleans()):
            rule.append(f"BYMONTHDAY={draw(st.integers(-40, 40))}")
        if draw(st.booleans()):
            rule.append(f"BYSETPOS={draw(st.integers(-400, 400))}")
        lines.append("RRULE:" + ";".join(rule))
    if draw(st.booleans()):
        moved = shifted(start, 86400 * draw(st.integers(0, 30)))
        lines.append(f"EXDATE:{stamp(moved)}")
        lines.append(f"RDATE:{stamp(shifted(moved, 3600))}")
    if draw(st.booleans()):
        lines.append(f"RECURRENCE-ID:{stamp(shifted(start, 86400 * draw(st.integers(0, 7))))}")
    lines.append(draw(st.sampled_from(("", "TRANSP:TRANSPARENT", "STATUS:CANCELLED",
                                       "STATUS:CONFIRMED", "X-WEIRD;A=\"b:c\":d"))))
    lines.append("END:VEVENT")
    return "\n".join(line for line in lines if line)


ODD_ZONE = """BEGIN:VTIMEZONE
TZID:Custom Odd
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+1445
TZOFFSETTO:-1159
RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:-1159
TZOFFSETTO:+0030
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE"""


@st.composite
def generated(draw) -> bytes:
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//glutewake fuzz//EN"]
    if draw(st.booleans()):
        parts.append("X-WR-TIMEZONE:" + draw(st.sampled_from(ZONES)))
    if draw(st.integers(0, 3)):
        parts.append(ODD_ZONE)
    depth = draw(st.sampled_from((0, 0, 0, 0, 0, 1, 27)))  # mostly flat; shells that parse
    parts += ["BEGIN:VEVENT\nUID:shell\nDTSTART:20250602T080000Z\nDURATION:PT1H"] * depth
    parts += draw(st.lists(events(), max_size=8))
    parts += ["END:VEVENT"] * depth
    parts.append("END:VCALENDAR")
    text = draw(st.sampled_from(("\r\n", "\n"))).join(parts) + "\r\n"
    data = text.encode("utf-8", "surrogatepass")
    return draw(mutated(data))


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """`data` with up to three of: bytes changed, a piece cut out, a piece repeated, raw bytes
    put in, the end cut off."""
    for _ in range(draw(st.sampled_from((0, 0, 0, 1, 2, 3)))):  # mostly as it was
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        change = draw(st.sampled_from(("flip", "cut", "repeat", "insert", "truncate")))
        if change == "flip":
            data = data[:where] + bytes([draw(st.integers(0, 255))]) + data[where + 1:]
        elif change == "cut":
            data = data[:where] + data[where + draw(st.integers(1, 200)):]
        elif change == "repeat":
            piece = data[where:where + draw(st.integers(1, 400))]
            data = data[:where] + piece * draw(st.integers(2, 20)) + data[where:]
        elif change == "insert":
            data = data[:where] + draw(st.binary(max_size=30)) + data[where:]
        else:
            data = data[:where]
    return data


def calendars(seed_texts: list[bytes] | None = None) -> st.SearchStrategy[bytes]:
    """Generated calendars, and seeds mutated."""
    found = generated()
    if seed_texts:
        found = st.one_of(found, st.sampled_from(seed_texts).flatmap(mutated))
    return found


def hostile() -> dict[str, bytes]:
    """The calendars every run tries through the real child."""
    every = [f"BEGIN:VEVENT\r\nUID:{f}@fuzz\r\nSUMMARY:{f}\r\nDTSTART:20250601T000000Z\r\n"
             f"DURATION:PT1S\r\nRRULE:FREQ={f}\r\nEND:VEVENT\r\n" for f in FREQUENCIES]
    head, tail = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "END:VCALENDAR\r\n"
    return {
        "every frequency, no end": (head + "".join(every) + tail).encode(),
        "nested 5,000 deep": (head + "BEGIN:VEVENT\r\n" * 5000 + "END:VEVENT\r\n" * 5000
                              + tail).encode(),
        "bad bytes": head.encode() + bytes(range(256)) * 40 + tail.encode(),
        "a megabyte title": (head + "BEGIN:VEVENT\r\nUID:t@fuzz\r\nDTSTART:20250602T080000Z\r\n"
                             "DURATION:PT2H\r\nSUMMARY:" + "\x1b[31m\u202e" * 200_000
                             + "\r\nEND:VEVENT\r\n" + tail).encode(),
    }


# --- what must hold ---

def raised_by_own_code(err: BaseException) -> str | None:
    """Where glutewake's code raised `err` (file:line), unless it meant to; None when a
    library raised it."""
    if isinstance(err, pipeline.TooMuch) or str(err) == "no VCALENDAR in it":
        return None
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return None
    last = frames[-1]
    if Path(last.filename).resolve().is_relative_to(OWN_CODE):
        return f"{last.filename}:{last.lineno}: {type(err).__name__}: {err}"
    return None


class OverBudget(BaseException):
    """An example used up its processor time (a BaseException: `answer` must not catch it)."""


@contextlib.contextmanager
def budget(seconds: float):
    """Processor time for one example in this process, as the child's CPU limit gives it: some
    rules (an impossible BYDAY and BYSETPOS every minute since 1582) keep dateutil searching for
    minutes without finding an occurrence, so the occurrence cap never comes into play."""
    def over(*_args):
        raise OverBudget()

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def check(data: bytes, most: int = IN_PROCESS_MOST, seconds: float = 3.0) -> dict:
    """One calendar through the pipeline in this process; returns the parser's answer (running
    out of `seconds` of processor time counts as {"too_much": "time"}, as in the child)."""
    start, end = window(data)
    try:
        with budget(seconds):
            said = pipeline.answer(data, start, end, most)
    except OverBudget:
        return {"too_much": "time"}
    check_answer(said)
    if "error" in said:  # find out who raised it
        try:
            with budget(seconds):
                pipeline.runs(pipeline.occurrences(data, start, end, most))
        except (RecursionError, OverBudget):
            pass
        except Exception as err:
            where = raised_by_own_code(err)
            assert where is None, f"glutewake's own code raised: {where}"
    if "timeline" in said:
        check_timeline(said, start, end)
    return said


def check_answer(said: dict) -> None:
    assert len(said) == 1 and set(said) <= {"timeline", "too_much", "error"}, said
    json.dumps(said)  # it crosses a pipe as JSON
    if "error" in said:
        assert said["error"] == clean(said["error"], 200) and said["error"], said
    if "too_much" in said:
        assert said["too_much"] in pipeline.TOO_MUCH, said


def check_timeline(said: dict, start: float, end: float) -> None:
    entries = said["timeline"]
    moments = [entry[0] for entry in entries]
    assert moments == sorted(moments) and len(set(moments)) == len(moments), entries[:5]
    running = False
    for moment, title, until in entries:
        if until is None:
            assert title is None and running, entries[:5]
        else:
            assert until > moment and (title is None or (title == clean(title)
                                                         and 0 < len(title) <= LONGEST))
        running = until is not None
    assert not running, "a run that never ends"
    timeline = pipeline.Timeline.of(said, start, end)
    for moment in moments:
        held = timeline.at(moment)
        assert held is None or held.until > moment


def check_apart(data: bytes) -> str:
    """One calendar through the real child: an answer, or the bound it hit. Returns which."""
    start, end = window(data)
    try:
        timeline = pipeline.parse_apart(data, start, end)
    except pipeline.TooMuch as err:
        return f"too much: {err.what}"
    except ValueError as err:  # the calendar libraries refused it
        assert str(err) == clean(str(err), 200)
        return "refused"
    assert timeline.times == tuple(sorted(timeline.times))
    return "read"
