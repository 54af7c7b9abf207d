"""A new user's first hour, scripted: what `make run` starts, answers from a second shell, a
typo, a bad edit of the settings, and `LANGUAGE=de glutewake status`. The transcript is kept in
artifacts/first-hour/transcript.txt, as the person would have read it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import Running, write_config

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "first-hour"
SCRIPT = Path(sys.executable).with_name("glutewake")  # what `make run` made in .venv/bin


class Transcript:
    def __init__(self, env: dict[str, str]):
        self.env, self.lines = env, []

    def shell(self, *args: str, **extra: str) -> subprocess.CompletedProcess:
        env = dict(self.env, **extra)
        shown = " ".join(f"{k}={v}" for k, v in extra.items())
        self.lines.append(f"$ {shown + ' ' if shown else ''}glutewake {' '.join(args)}")
        result = subprocess.run([str(SCRIPT), *args], env=env, text=True, capture_output=True,
                                timeout=30)
        self.lines += (result.stdout + result.stderr).rstrip("\n").splitlines()
        self.lines.append(f"(exit {result.returncode})")
        return result

    def said(self, title: str, lines: list[str]) -> None:
        self.lines += [f"--- {title} ---", *lines]


def test_the_first_hour(home):
    make = subprocess.run(["make", "-n", "run"], cwd=ROOT, text=True, capture_output=True,
                          timeout=30)
    # what the README's first line runs
    assert ".venv/bin/glutewake run" in make.stdout, make.stdout
    assert SCRIPT.is_file()
    write_config(home, '[breaks]\nevery = "3s"\nsnooze = "3s"\nremind_again = "1h"\n'
                       'natural_break = "1h"\n')
    out = Transcript(home)
    daemon = Running(home, argv=[str(SCRIPT), "run"])
    try:
        daemon.wait_for("Settings: ")
        reminder = daemon.wait_for("Time to stand")
        out.said("the terminal of `make run`, first", list(daemon.lines))
        assert any("Answer from another terminal:" in line for line in daemon.lines)
        out.shell("status")
        typo = out.shell("stauts")
        assert typo.returncode == 2 and "did you mean 'status'?" in typo.stderr
        snoozed = out.shell("snooze", "5", "minutes")
        assert snoozed.returncode == 0 and snoozed.stdout.startswith("Snoozed")
        done = out.shell("done")
        assert done.returncode == 0 and done.stdout.startswith("Break logged")
        daemon.wait_for("Break logged")  # said where the reminders are, too
        config = Path(home["XDG_CONFIG_HOME"], "glutewake", "config.toml")
        config.write_text(config.read_text() + 'heads_up = "sometimes"\n')
        out.lines.append("$ (the settings file edited by hand: heads_up = \"sometimes\")")
        bad = out.shell("status")
        assert "Settings not applied: " in bad.stdout and "[breaks] heads_up" in bad.stdout
        german = out.shell("status", LANGUAGE="de")
        assert "Heute:" in german.stdout and "Today:" not in german.stdout
        assert "ist keine Dauer" in german.stdout  # the settings' mistake in German too
        out.shell("quit")
        assert daemon.proc.wait(15) == 0
    finally:
        daemon.stop()
        out.said("the terminal of `make run`, at the end", list(daemon.lines))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "transcript.txt").write_text("\n".join(out.lines) + "\n", "utf-8")
    assert reminder.startswith("[") and "glutewake stopped." in daemon.lines
