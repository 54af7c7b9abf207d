"""Durations ("30m", "1h30m", "45s") and pause ends ("until 14:30", "tomorrow"), in and out.

Pure functions: the caller passes the current local time, so nothing here reads a clock.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

_DURATION = re.compile(r"(?:(\d+) *h)? *(?:(\d+) *m(?:in)?)? *(?:(\d+) *s)?", re.IGNORECASE)
DURATION_HINT = 'write it like "45s", "10m", "1h" or "1h30m"'


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "45s", "30m", "1h30m" or "1h 5m 10s"."""
    cleaned = text.strip()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise ValueError(f'"{text}" is not a duration; {DURATION_HINT}')
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: float) -> str:
    """The inverse of parse_duration, rounded to whole seconds: 5400 -> "1h30m"."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0s"


def humanize(seconds: float) -> str:
    """Rounded for people: "45 s", "23 min", "1 h 5 min"."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def parse_clock(text: str) -> time:
    """A local time of day, "14:30" or "7:05"."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f'"{text}" is not a time of day; write it as HH:MM, like "07:00" or "14:30"')
    return time(int(match[1]), int(match[2]))


PAUSE_HINT = 'use a duration like "30m", "until 14:30", "tomorrow", or nothing to pause until you resume'


def parse_pause(spec: str, now: datetime, tomorrow: datetime) -> datetime | None:
    """When a pause given as SPEC ends, as a local datetime; None means "until resumed".

    `now` is the current local time (aware or naive, the result matches it); `tomorrow` is where
    "tomorrow" ends (the morning, or the next work day's start).
    """
    words = spec.strip().lower().split()
    if not words:
        return None
    if words == ["tomorrow"]:
        return tomorrow
    if words[0] == "until" and len(words) == 2:
        try:
            clock = parse_clock(words[1])
        except ValueError as err:
            raise ValueError(f"pause {spec.strip()}: {err}") from None
        end = datetime.combine(now.date(), clock, tzinfo=now.tzinfo)
        return end if end > now else end + timedelta(days=1)
    try:
        seconds = parse_duration(" ".join(words))
    except ValueError:
        raise ValueError(f'pause "{spec.strip()}" is not understood; {PAUSE_HINT}') from None
    if seconds <= 0:
        raise ValueError(f'pause "{spec.strip()}" is empty; {PAUSE_HINT}')
    return now + timedelta(seconds=seconds)
