"""The words glutewake shows people: status lines and reminder texts, the same everywhere."""

from __future__ import annotations

import math
from datetime import datetime

from .coach import HeadsUp, Remind, Status
from .timespec import humanize


def clock(wall: float, now: float) -> str:
    """"14:05" today, "tomorrow 07:00", or "Mon 09:00" further out."""
    moment, today = datetime.fromtimestamp(wall), datetime.fromtimestamp(now)
    days = (moment.date() - today.date()).days
    if days == 0:
        return moment.strftime("%H:%M")
    if days == 1:
        return moment.strftime("tomorrow %H:%M")
    return moment.strftime("%a %H:%M")


def minutes(seconds: float, up: bool = False) -> str:
    """Whole minutes, as the status line shows them: it changes at most once a minute.
    Time left is rounded up (29.5 minutes to go is "30 min"), time spent down."""
    if up:
        seconds = math.ceil(seconds / 60) * 60
    return "<1 min" if seconds < 60 else humanize(seconds)


def status_line(status: Status, now: float) -> str:
    """One line for the tray tooltip and `glutewake status`."""
    sitting = minutes(status.sitting)
    if status.phase == "paused":
        if status.paused_until == math.inf or status.paused_until is None:
            return "Paused until you resume"
        return f"Paused until {clock(status.paused_until, now)}"
    if status.phase == "away":
        return f"Away {minutes(status.away_for)}"
    if status.quiet and status.quiet.startswith("off hours"):
        what = "break due" if status.phase == "held" else f"sitting {sitting}"
        return f"Off hours{status.quiet[len('off hours'):]} · {what}"
    if status.phase == "held":
        return f"Break due · held: {status.quiet}"
    if status.phase == "due":
        return f"Break due · sitting {sitting}"
    if status.phase == "snoozed":
        return f"Sitting {sitting} · snoozed, reminder in {minutes(status.due_in, up=True)}"
    return f"Sitting {sitting} · break in {minutes(status.due_in, up=True)}"


def reminder_title(remind: Remind) -> str:
    return f"Time to stand — {humanize(remind.sitting)} sitting"


def reminder_body(remind: Remind) -> str:
    exercise = remind.exercise
    return f"{exercise.summary}\n{exercise.cue}"


def heads_up_title(note: HeadsUp) -> str:
    return f"Break in {humanize(note.due_in)}"


def heads_up_body(note: HeadsUp) -> str:
    return f"Next up: {note.exercise.summary}"


ANSWER_HINT = "Answer with: glutewake done | snooze | skip"
