"""Calendars are untrusted data: hostile calendars are refused in one line while the last good
timeline stays, titles are cleaned, addresses keep their secrets, odd files never block, and
the children that parse and fetch are bounded and isolated. Real child processes, real files
and FIFOs, and real HTTP(S) servers on loopback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from glutewake.core.untrusted import LONGEST
from glutewake.desktop.quiet.calendar import (
    AFTER,
    MAX_ANSWER,
    MAX_BYTES,
    MEMORY,
    MOST_EVENTS,
    Calendars,
    parse_apart,
    runs,
    shown,
)
from tests.desktop.test_meetings import NOW, FakeClock, calendar, event
from tests.support import Server, command_lines, skip_or_fail, stray_module


def stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y%m%dT%H%M%SZ")


def every(frequency: str, title: str, start: float, length: str) -> str:
    """An event of `length` (an ISO duration) repeating at `frequency` from `start`, no end."""
    return (f"BEGIN:VEVENT\nUID:{title}@test\nSUMMARY:{title}\nDTSTART:{stamp(start)}\n"
            f"DURATION:{length}\nRRULE:FREQ={frequency}\nEND:VEVENT\n")


def read(path, text: str, moment: FakeClock | None = None) -> Calendars:
    """A detector of one calendar file with `text`, parsed by the real child, once read."""
    path.write_text(text, "utf-8")
    detector = Calendars(lambda: (str(path),), now=moment or FakeClock(NOW))
    assert detector.wait(120)
    return detector


# --- item 1: a hostile calendar is bounded, refused in one line, and the last timeline stays

def test_an_event_every_second_is_refused_in_one_line_and_the_last_good_timeline_stays(tmp_path):
    path = tmp_path / "work.ics"
    detector = read(path, calendar(event("Planning", NOW - 600)))
    assert detector.hold().source == "Planning"
    path.write_text(calendar(every("SECONDLY", "Always", NOW - 86400, "PT1S")), "utf-8")
    detector.hold()
    assert detector.wait(120)
    assert detector.hold().source == "Planning"  # the last good timeline
    assert detector.problems() == [
        f"calendar {path}: more than {MOST_EVENTS} events in the days around now, more than "
        "glutewake reads; does an event repeat every minute or second?; the last good copy "
        "stays in use"]


def test_back_to_back_events_are_one_span_that_holds_until_the_run_ends(tmp_path):
    """An event every minute, a minute long, for days: busy all the time is one span."""
    detector = read(tmp_path / "minutes.ics",
                    calendar(every("MINUTELY", "Busy", NOW - 3 * 86400, "PT1M")))
    timeline = detector._sources[str(tmp_path / "minutes.ics")].timeline
    assert len(timeline.times) == 2 and timeline.holds[1] is None
    held = detector.hold()
    assert held.source == "Busy" and held.until == timeline.times[1] == NOW + AFTER


def test_runs_join_touching_and_overlapping_events_and_name_the_one_that_holds():
    spans = [(0, 10, "A"), (5, 20, "B"), (20, 30, "C"), (40, 50, "D"), (41, 42, "E")]
    assert runs(spans) == [[0, "A", 30], [5, "B", 30], [20, "C", 30], [30, None, None],
                           [40, "D", 50], [50, None, None]]
    assert runs([(t, t + 1, "Tick") for t in range(10_000)]) == [[0, "Tick", 10_000],
                                                                 [10_000, None, None]]


def test_the_child_sets_its_own_limits():
    script = ("import resource\n"
              "from glutewake.desktop.quiet.calendar import limit_myself\n"
              "limit_myself()\n"
              "print([resource.getrlimit(getattr(resource, n))[0] for n in "
              "('RLIMIT_AS', 'RLIMIT_CPU', 'RLIMIT_FSIZE')])\n"
              "try:\n"
              f"    bytearray({MEMORY})\n"
              "except MemoryError:\n"
              "    print('MemoryError')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    limits, allocated = done.stdout.split("\n")[:2]
    memory, cpu, size = json.loads(limits)
    assert memory == MEMORY and cpu == 60 and 0 < size < 64 * 1024 * 1024
    assert allocated == "MemoryError"


def flat(count: int, title_length: int = 8, minutes: int = 1) -> str:
    """`count` separate events a minute long, two minutes apart, from an hour before NOW."""
    return calendar(*(event(f"{n:0{title_length}d}", NOW - 3600 + n * 120, minutes)
                      for n in range(count)))


def test_a_calendar_that_needs_too_much_memory_is_refused(tmp_path):
    path = tmp_path / "huge.ics"
    path.write_text(flat(120_000), "utf-8")  # 13 MB: the parser would need over 512 MB
    detector = Calendars(lambda: (str(path),), now=FakeClock(NOW))
    assert detector.wait(120)
    assert detector.problems() == [f"calendar {path}: reading it needs more than 512 MB of "
                                   "memory, more than glutewake allows"]


def test_an_answer_over_the_cap_is_refused(tmp_path):
    text = flat(2000, 80)  # 4,000 entries with 80-character titles: over 256 KB
    assert MAX_ANSWER < 4000 * 100
    detector = read(tmp_path / "many.ics", text)
    assert detector.problems() == [f"calendar {tmp_path / 'many.ics'}: its meetings in the days "
                                   "around now take more than 256 KB, more than glutewake keeps"]


def test_deeply_nested_parts_are_refused(tmp_path):
    deep = "BEGIN:VCALENDAR\n" + "BEGIN:VEVENT\n" * 5000 + "END:VEVENT\n" * 5000 \
        + "END:VCALENDAR\n"
    detector = read(tmp_path / "deep.ics", deep)
    assert detector.problems() == [f"calendar {tmp_path / 'deep.ics'}: its parts are nested "
                                   "deeper than glutewake reads"]


# --- item 2: titles are cleaned where they are read ---

def test_a_hostile_title_arrives_as_one_short_printable_line():
    title = "\x1b]0\\;owned\x07\x1b[31mRed\u202eevil\u2066\\nline two " + "x" * 5000
    text = calendar(event("ignored", NOW - 600).replace("SUMMARY:ignored", f"SUMMARY:{title}"))
    timeline = parse_apart(text.encode(), NOW - 86400, NOW + 86400)
    shown = timeline.at(NOW).source
    assert shown.startswith("]0;owned[31mRedevil line two xxx") and shown.endswith("…")
    assert len(shown) == LONGEST
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in shown)


# --- item 3: secrets in addresses ---

@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (cert, key); children trust it through
    SSL_CERT_FILE."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    if not shutil.which("openssl"):
        skip_or_fail("openssl is missing (Debian: openssl)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                   capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def trusted(certificate, monkeypatch) -> tuple[str, str]:
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return certificate


def asked(server: Server) -> list[tuple[str, str | None]]:
    """What a server was asked: each request's path and Authorization header."""
    return [(path, headers.get("Authorization")) for path, headers in server.requests]


def meeting(title: str = "Remote meeting", start: float = NOW - 600) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "text/calendar"}, calendar(event(title, start)).encode()


def basic(user: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def fetched(address: str) -> Calendars:
    detector = Calendars(lambda: (address,), now=lambda: NOW, clock=FakeClock())
    assert detector.wait(120)
    return detector


def test_an_address_is_named_by_its_scheme_and_host_only():
    assert shown("https://alice:pw@cal.example.org:8443/private/TOKEN/basic.ics?key=k#x") \
        == "https://cal.example.org:8443"
    assert shown("HTTP://[::1]:80/x") == "http://[::1]:80"
    assert shown("/home/me/work.ics") == "/home/me/work.ics"


def test_user_and_password_go_as_basic_authentication_over_https(trusted):
    required = basic("alice", "p@ss:word")

    def guarded(handler):
        if handler.headers.get("Authorization") != required:
            return 401, {"WWW-Authenticate": 'Basic realm="cal"'}, b"who are you"
        return meeting("Authorised")

    server = Server({"/private/TOKEN/basic.ics": (0, {}, guarded)}, tls=trusted)
    try:
        detector = fetched(server.address("/private/TOKEN/basic.ics", "alice:p%40ss%3Aword"))
        assert detector.problems() == [] and detector.hold().source == "Authorised"
        assert asked(server) == [("/private/TOKEN/basic.ics", required)]
    finally:
        server.close()


def test_a_password_over_plain_http_is_refused_in_one_line_and_never_sent():
    server = Server({"/cal.ics": meeting()})
    try:
        detector = fetched(server.address("/cal.ics", "alice:secret-word"))
        assert detector.problems() == [
            f"calendar http://127.0.0.1:{server.port}: it holds a user name and password, which "
            "glutewake sends only over https; use the https address"]
        assert server.requests == [] and detector.hold() is None
    finally:
        server.close()


def test_redirects_never_go_from_https_to_http(trusted):
    plain = Server({"/cal.ics": meeting()})
    secure = Server({"/cal.ics": (302, {"Location": plain.address("/cal.ics")}, b"")}, tls=trusted)
    try:
        detector = fetched(secure.address("/cal.ics"))
        assert detector.problems() == [
            f"calendar https://127.0.0.1:{secure.port}: it redirects from https to plain http; "
            "glutewake does not follow that"]
        assert plain.requests == []
    finally:
        plain.close()
        secure.close()


def test_credentials_follow_a_redirect_only_on_the_same_host_and_port(trusted):
    required = basic("alice", "secret-word")
    other = Server({"/moved.ics": meeting("Moved")}, tls=trusted)
    home = Server({"/old.ics": (301, {"Location": "/new.ics"}, b""),
                   "/new.ics": (307, {"Location": other.address("/moved.ics")}, b"")}, tls=trusted)
    try:
        detector = fetched(home.address("/old.ics", "alice:secret-word"))
        assert detector.hold().source == "Moved"  # loopback configured: loopback allowed
        assert asked(home) == [("/old.ics", required), ("/new.ics", required)]
        assert asked(other) == [("/moved.ics", None)]
    finally:
        other.close()
        home.close()


def test_a_public_address_never_redirects_to_a_private_one(monkeypatch):
    """A web proxy on loopback stands in for the internet: the configured address is public,
    and the answer redirects to a loopback address."""
    inside = Server({"/admin/secret.ics": meeting("Internal")})
    proxy = Server({"http://93.184.215.14/cal.ics": (302, {"Location": inside.address(
        "/admin/secret.ics")}, b"")})
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    try:
        detector = fetched("http://93.184.215.14/cal.ics")
        assert [path for path, _headers in proxy.requests] == ["http://93.184.215.14/cal.ics"]
        assert detector.problems() == [
            "calendar http://93.184.215.14: it redirects to a private or loopback address; "
            "glutewake follows that only when the configured address is one"]
        assert inside.requests == []
    finally:
        inside.close()
        proxy.close()


def test_messages_name_nothing_of_the_address_but_its_host():
    """The HTTP library's own error for this address quotes its path (with the token)."""
    address = "http://127.0.0.1:9/private/TOKEN-1234 with space/basic.ics?key=KEY-5678"
    detector = fetched(address)
    [problem] = detector.problems()
    assert problem.startswith("calendar http://127.0.0.1:9: cannot fetch it (")
    assert "TOKEN" not in problem and "KEY" not in problem and "private" not in problem


def test_no_secret_of_a_calendar_address_shows_anywhere(home, trusted):
    """A daemon with three secret-bearing addresses: one with a token and a password over
    https (its server answers slowly, so the fetching child lives a while), one whose server
    fails, one with a password over plain http. The process list, watched all along, the log,
    the console, `status` and `status --json` never show a secret."""
    from tests.desktop.test_meetings import FAST
    from tests.support import Running, glutewake, write_config

    secrets = {name: f"{name}-{os.urandom(6).hex()}" for name in
               ("token", "password", "user", "token2", "token3", "password3")}
    required = basic(secrets["user"], secrets["password"])

    def guarded(handler):
        if handler.headers.get("Authorization") != required:
            return 401, {}, b"who are you"
        return meeting("Secret standup", time.time() - 600)

    private = f"/private/{secrets['token']}/basic.ics"
    secure = Server({private: (0, {}, guarded)}, tls=trusted, delay=1.0)
    plain = Server({f"/private/{secrets['token2']}/gone.ics": (500, {}, b"broken")})
    addresses = [secure.address(private, f"{secrets['user']}:{secrets['password']}"),
                 plain.address(f"/private/{secrets['token2']}/gone.ics"),
                 plain.address(f"/x/{secrets['token3']}.ics", f"bob:{secrets['password3']}")]
    env = dict(home, SSL_CERT_FILE=trusted[0])
    listed = ", ".join(f'"{a}"' for a in addresses)
    write_config(env, FAST + f"[quiet]\napps = []\ncalendars = [{listed}]\n")
    daemon = Running(env, "--console")
    seen: list[str] = []
    children = 0
    try:
        daemon.wait_for("glutewake is watching")
        deadline = time.monotonic() + 60
        status = ""
        asked = 0.0
        while time.monotonic() < deadline:
            lines = command_lines()
            seen += lines
            children += sum("glutewake.desktop.quiet.calendar --fetch" in line for line in lines)
            if "Secret standup" in status and status.count("Detector problem: calendar") == 2:
                break
            if time.monotonic() - asked > 0.3:  # ask now and then, watch the processes between
                status = glutewake(env, "status").stdout
                asked = time.monotonic()
            time.sleep(0.01)
        assert "in a meeting: Secret standup" in status, status
        assert f"Detector problem: calendar http://127.0.0.1:{plain.port}: the address " \
               "answered 500 (Internal Server Error)" in status
        assert f"Detector problem: calendar http://127.0.0.1:{plain.port}: it holds a user " \
               "name and password" in status
        assert children > 0  # the process list was read while a fetch ran
        answers = glutewake(env, "status", "--json").stdout
        problems = json.loads(answers)["detector_problems"]
        assert sum(line.startswith("calendar http") for line in problems) == 2
    finally:
        daemon.stop()
        secure.close()
        plain.close()
    log = (Path(env["XDG_STATE_HOME"]) / "glutewake" / "log" / "glutewake.log").read_text()
    assert "calendar http://127.0.0.1" in log
    places = {"process list": "\n".join(seen), "log": log, "console": "\n".join(daemon.lines),
              "status": status, "status --json": answers}
    found = [f"{name} in {place}" for name, secret in secrets.items()
             for place, text in places.items() if secret in text]
    assert not found


# --- item 4: odd files never block; a new setting replaces a stuck worker ---

def test_a_fifo_a_device_or_a_huge_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "calendar.ics"
    os.mkfifo(fifo)  # nobody ever writes: a blocking open would wait for good
    huge = tmp_path / "huge.ics"
    with open(huge, "wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk used
    good = tmp_path / "good.ics"
    good.write_text(calendar(event("Fixed", NOW - 600)), "utf-8")
    chosen = [str(fifo), "/dev/zero", str(huge)]
    detector = Calendars(lambda: chosen, now=FakeClock(NOW))
    assert detector.wait(30)
    not_regular = ("not a regular file (a FIFO, a device or a folder); name an .ics file in "
                   "[quiet] calendars")
    assert detector.problems() == [f"calendar {fifo}: {not_regular}",
                                   f"calendar /dev/zero: {not_regular}",
                                   f"calendar {huge}: it is larger than 16 MB"]
    chosen = [str(good)]  # the corrected setting holds at once
    detector.hold()
    assert detector.wait(30)
    assert detector.hold().source == "Fixed" and detector.problems() == []


def test_a_new_list_of_calendars_never_waits_for_a_stuck_worker(tmp_path):
    import threading

    release = threading.Event()

    def stuck_fetch(address, etag):
        release.wait(60)
        raise OSError("gave up")

    good = tmp_path / "good.ics"
    good.write_text(calendar(event("Fixed", NOW - 600)), "utf-8")
    chosen = ["https://calendar.invalid/x.ics"]
    detector = Calendars(lambda: chosen, now=FakeClock(NOW), fetch=stuck_fetch)
    try:
        assert not detector.wait(0.5)  # the worker waits for the fetch
        chosen = [str(good)]
        detector.hold()
        assert detector.wait(30)  # a new worker for the new list
        assert detector.hold().source == "Fixed" and detector.problems() == []
    finally:
        release.set()


# --- item 5: the children start isolated ---

def test_the_children_never_import_from_the_folder_glutewake_runs_in(tmp_path, monkeypatch):
    marker = stray_module(tmp_path)
    monkeypatch.chdir(tmp_path)
    timeline = parse_apart(calendar(event("Planning", NOW - 600)).encode(), NOW - 3600,
                           NOW + 3600)
    assert timeline.at(NOW).source == "Planning"  # the child ran...
    server = Server({"/cal.ics": meeting()})
    try:
        assert fetched(server.address("/cal.ics")).hold().source == "Remote meeting"
    finally:
        server.close()
    assert not marker.exists()  # ...and never imported bisect.py from here


def test_a_mistyped_private_address_is_refused_without_repeating_its_secret(tmp_path):
    from glutewake.app import settings_file
    from glutewake.core.errors import UserError

    with pytest.raises(UserError) as err:
        settings_file.build(
            {"quiet": {"calendars": ["htps://me:hunter2@cal.example/private-TOKEN/x.ics"]}},
            tmp_path / "config.toml")
    assert "htps://" in str(err.value)
    assert "hunter2" not in str(err.value) and "TOKEN" not in str(err.value)
