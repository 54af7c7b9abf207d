"""The health notice: told at the first start of `glutewake run` and with the first reminder
after it, never again (the state folder remembers); always in `glutewake exercises`, the README
and the manual page."""

from __future__ import annotations

from pathlib import Path

from glutewake.words import phrases
from tests.support import Running, glutewake, write_config

ROOT = Path(__file__).resolve().parents[2]
FAST = '[breaks]\nevery = "2s"\nsnooze = "1s"\nremind_again = "1h"\nnatural_break = "1h"\n'
NOTICE = phrases.health_notice().splitlines()


def marker(env) -> Path:
    return Path(env["XDG_STATE_HOME"], "glutewake", "health-notice")


def test_the_notice_says_who_asks_first_and_what_is_expected():
    text = phrases.health_notice()
    for words in ("surgery or an injury", "hip or knee replacement", "pregnant",
                  "pain that runs down a leg", "numbness", "a light burn", "Joint pain",
                  "sharp pain", "dizziness", "stop"):
        assert words in text, words


def run_until(env, *texts: str) -> list[str]:
    """`glutewake run --console` until each of `texts` has appeared in turn; what it printed."""
    daemon = Running(env, "--console")
    try:
        for text in texts:
            daemon.wait_for(text)
    finally:
        assert daemon.stop() == 0
    return daemon.lines


def test_it_is_told_at_the_first_start_and_with_the_first_reminder_then_never(home):
    marker(home).unlink()  # a first start
    write_config(home, FAST)
    told = f"Before you exercise: {NOTICE[0]}"
    lines = run_until(home, "glutewake is watching", told, "Time to stand", told)
    assert all(line in "\n".join(lines) for line in NOTICE[1:])
    assert marker(home).read_text().strip() == "reminded"
    again = run_until(home, "Time to stand", "Answer with")
    assert not any("Before you exercise" in line for line in again)


def test_a_start_without_a_reminder_still_tells_it_with_the_first_reminder_later(home):
    marker(home).unlink()
    write_config(home, '[breaks]\nevery = "1h"\n')
    run_until(home, "Before you exercise")
    assert marker(home).read_text().strip() == "started"
    write_config(home, FAST)
    second = run_until(home, "Time to stand", "Before you exercise")
    assert sum("Before you exercise" in line for line in second) == 1


def test_the_daemon_tells_it_once_with_the_first_reminder(tmp_path):
    from glutewake.app.daemon import Daemon, Parts, SettingsFile
    from glutewake.app.notice import HealthNotice
    from glutewake.core import commands
    from glutewake.store.journal import Journal
    from tests.app.test_daemon import FakeNotifier

    config = tmp_path / "config.toml"
    config.write_text('[breaks]\nevery = "30m"\n')
    clock = [1_763_800_000.0]
    notifier = FakeNotifier()
    daemon = Daemon(SettingsFile(config, print), Journal(tmp_path / "j.sqlite3"),
                    Parts(notifier), print, wall=lambda: clock[0], mono=lambda: clock[0],
                    notice=HealthNotice(tmp_path / "state" / "health-notice"))
    for _ in range(2):
        for _ in range(61):
            clock[0] += 30
            daemon.tick()
        daemon.run(commands.Done())
    assert len([n for n in notifier.shown if type(n).__name__ == "Remind"]) == 2
    assert notifier.told == [(phrases.health_notice_title(), phrases.health_notice())]


def test_exercises_the_readme_and_the_manual_page_carry_it(home):
    listing = glutewake(home, "exercises").stdout.splitlines()
    start = listing.index("Before you exercise")
    assert [line.strip() for line in listing[start + 1:]] == NOTICE
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme.index("## Before you exercise") < readme.index("## What it does")
    assert all(f"- {line}" in readme for line in NOTICE)
    manual = (ROOT / "assets" / "glutewake.1").read_text("ascii")
    assert ".SH BEFORE YOU EXERCISE" in manual
    assert all(line.replace("-", "\\-") in manual for line in NOTICE)
