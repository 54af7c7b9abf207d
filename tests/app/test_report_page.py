"""`glutewake report`: the page it writes, where it goes, how it is opened, and the page in a
real headless Chromium: its numbers equal `stats --json`, no console message, a screenshot of
each section at 1200 and 400 px (artifacts/report/)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.fake_journal import generate
from tests.support import browser, glutewake, journal_path, skip_or_fail
from tests.support.desktop import wait_for

LAST = date(2026, 3, 15)  # a Sunday: the week shown is Mon 9 to Sun 15 March
FIRST = LAST - timedelta(days=6)
SECTIONS = ("summary", "timeline", "long", "breaks", "exercises", "devices")
ARTIFACTS = Path("artifacts") / "report"


def two_computers(path: Path) -> None:
    """The journal as sync has it: the computer of each event in its `device` column,
    Wednesdays and Thursdays on the laptop (its bouts are its own)."""
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE events SET device = CASE WHEN strftime('%w', local_date) IN ('3', '4') "
                   "THEN 'laptop' ELSE 'desk' END")
    db.close()


@pytest.fixture
def week(home):
    generate(journal_path(home), years=0.2, seed=7, last=LAST, every=1800)
    return home


def span(*extra: str) -> list[str]:
    return ["--from", FIRST.isoformat(), "--to", LAST.isoformat(), *extra]


def opener_env(home: dict, tmp_path: Path) -> tuple[dict, Path]:
    """A PATH whose only program is an xdg-open that notes what it was asked to open."""
    folder = tmp_path / "bin"
    folder.mkdir()
    said = tmp_path / "opened.txt"
    script = folder / "xdg-open"
    script.write_text(f"#!/bin/sh\necho \"$1\" >> {said}\n")
    script.chmod(0o755)
    return dict(home, PATH=str(folder)), said


def test_report_writes_one_page_prints_where_and_opens_it(week, tmp_path):
    env, said = opener_env(week, tmp_path)
    done = glutewake(env, "report", *span())
    assert done.returncode == 0, done.stderr
    page = Path(week["XDG_CACHE_HOME"]) / "glutewake" / "report.html"
    assert done.stdout.splitlines() == [f"History page written to {page}"]
    opened = wait_for(lambda: said.exists() and said.read_text(), "the opener")
    assert opened.split() == [str(page)]
    html = page.read_text("utf-8")
    for outside in ("http:", "https:", "<script", "<link", "@import", "url("):
        assert outside not in html, outside  # nothing to fetch, nothing to run
    # four charts (a fifth, per computer, only with several), each with its text alternative
    assert html.count("<svg") == html.count("<title id=") == html.count("<desc id=") == 4
    assert 'role="img"' in html and "aria-labelledby" in html


def test_report_without_an_opener_says_where_the_file_is(week, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    out = tmp_path / "mine" / "week.html"
    done = glutewake(dict(week, PATH=str(empty)), "report", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"History page written to {out}",
        f"Could not open it (there is no program here to open files with (xdg-open)); open {out} "
        "in a browser."]
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    env, said = opener_env(week, tmp_path)
    assert glutewake(env, "report", "--no-open", "--output", str(out)).returncode == 0
    assert not said.exists()
    bad = glutewake(week, "report", "--no-open", "--output", "/proc/nope/page.html")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "report --output /proc/nope/page.html" in bad.stderr
    assert glutewake(week, "report", "--days", "0").returncode == 2


def test_report_speaks_the_language_in_force(week, tmp_path):
    out = tmp_path / "de.html"
    done = glutewake(dict(week, LANGUAGE="de"), "report", "--no-open", "--output", str(out),
                     *span())
    assert done.stdout.startswith("Verlaufsseite gespeichert in")
    html = out.read_text("utf-8")
    assert '<html lang="de">' in html and "Sitzphasen" in html and "Auf einen Blick" in html


def numbers_equal(found: list[str], wanted) -> bool:
    if wanted is None:
        return found == [""] * len(found)
    return all(float(value) == pytest.approx(float(wanted)) for value in found)


def test_the_page_in_chromium_has_the_numbers_of_stats_json(week, tmp_path):
    if browser.chromium() is None:
        skip_or_fail("no chromium here (Debian: chromium, see .ci/desktop-packages.sh)")
    two_computers(journal_path(week))
    page = tmp_path / "report.html"
    assert glutewake(week, "report", "--no-open", "--output", str(page), *span()).returncode == 0
    data = json.loads(glutewake(week, "stats", "--json", *span()).stdout)
    dom, messages = browser.dump_dom(page)
    assert messages == []  # no error, no refused load
    found = browser.numbers(dom)
    checked = 0
    pattern = data["pattern"]

    def check(scope: str, which: str, values: dict) -> None:
        nonlocal checked
        for (s, w, key), shown in found.items():
            if (s, w) == (scope, which):
                assert key in values, (scope, which, key)
                assert numbers_equal(shown, values[key]), (scope, which, key, shown, values[key])
                checked += len(shown)

    check("totals", "", pattern["totals"])
    for name in ("this_week", "week_before"):
        check(name, f"{pattern[name]['from']}/{pattern[name]['to']}", pattern[name])
    for day, sitting in zip(data["days"], pattern["days"], strict=True):
        assert day["date"] == sitting["date"]
        check("day", day["date"], day | sitting)
    for ident, count in data["done_per_exercise"].items():
        check("exercise", ident, {"done": count})
    assert [d["device"] for d in pattern["devices"]] == ["desk", "laptop"]
    for device in pattern["devices"]:
        check("device", device["device"], device)
    assert {scope for scope, _w, _k in found} == {"totals", "this_week", "week_before", "day",
                                                  "exercise", "device"}
    assert checked > 120  # every table, not a few cells
    assert pattern["totals"]["bouts"] > 20 and data["totals"]["done"] > 20


def test_each_section_in_chromium_at_1200_and_400_px(week, tmp_path):
    if browser.chromium() is None:
        skip_or_fail("no chromium here (Debian: chromium, see .ci/desktop-packages.sh)")
    two_computers(journal_path(week))
    page = tmp_path / "report.html"
    assert glutewake(week, "report", "--no-open", "--output", str(page), *span()).returncode == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for section in SECTIONS:
        for width in (1200, 400):
            size = browser.screenshot(page, section, width, ARTIFACTS / f"{section}-{width}.png")
            assert size[0] == width and 120 < size[1] < 2400, (section, width, size)
    # at 400 px the chart and its table stack: the section is taller than at 1200
    from PIL import Image

    narrow = Image.open(ARTIFACTS / "timeline-400.png").size[1]
    assert narrow > Image.open(ARTIFACTS / "timeline-1200.png").size[1]


def test_a_long_span_shows_weeks(week, tmp_path):
    page = tmp_path / "long.html"
    first = LAST - timedelta(days=59)
    done = glutewake(week, "report", "--no-open", "--output", str(page), "--from",
                     first.isoformat(), "--to", LAST.isoformat())
    assert done.returncode == 0, done.stderr
    data = json.loads(glutewake(week, "stats", "--json", "--from", first.isoformat(), "--to",
                                LAST.isoformat()).stdout)
    found = browser.numbers(page.read_text("utf-8"))
    weeks = {f"{w['from']}/{w['to']}": w for w in data["pattern"]["weeks"]}
    assert len(weeks) == 9
    seen = {which for scope, which, _k in found if scope == "week"}
    assert seen == set(weeks)
    for (scope, which, key), shown in found.items():
        if scope == "week" and key in weeks[which]:
            assert numbers_equal(shown, weeks[which][key]), (which, key)


def test_show_my_week_writes_and_opens_the_last_seven_days(week, tmp_path, monkeypatch):
    from glutewake.app.cli.report import show_week

    env, said = opener_env(week, tmp_path)
    monkeypatch.setenv("PATH", env["PATH"])
    assert show_week(LAST) == ""
    page = Path(week["XDG_CACHE_HOME"]) / "glutewake" / "report.html"
    assert wait_for(lambda: said.exists() and said.read_text(), "the opener").split() == [
        str(page)]
    assert f'data-date="{FIRST.isoformat()}"' in page.read_text("utf-8")
    page.unlink()
    page.mkdir()  # a folder where the page goes: said in one line, nothing raised
    problem = show_week(LAST)
    assert problem.startswith(f"report --output {page}: cannot write the page")
    assert "\n" not in problem
