"""Durations ("30m", "1h30m", "45s") and times of day ("14:30"), in and out.

Pure functions: nothing here reads a clock.
"""

from __future__ import annotations

import re
from datetime import time

_DURATION = re.compile(r"(?:(\d+) *h)? *(?:(\d+) *m(?:in)?)? *(?:(\d+) *s)?", re.IGNORECASE)
DURATION_HINT = 'write it like "45s", "10m", "1h" or "1h30m"'
# The upper bounds, the same for the command line, the settings file and the control socket.
LONGEST_INTERVAL = 24 * 3600  # every, snooze, natural_break, ...: a day of sitting at most
LONGEST_PAUSE = 30 * 24 * 3600
_LONGEST_TEXT = 32


def parse_duration(text: str, longest: int = LONGEST_INTERVAL) -> int:
    """Seconds in a duration such as "45s", "30m", "1h30m" or "1h 5m 10s", up to `longest`."""
    cleaned = text.strip()
    if len(cleaned) > _LONGEST_TEXT:
        raise ValueError(f'"{cleaned[:12]}..." is too long for a duration; {DURATION_HINT}')
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise ValueError(f'"{text}" is not a duration; {DURATION_HINT}')
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total > longest:
        raise ValueError(f'"{cleaned}" is longer than {humanize(longest)}, the most allowed')
    return total


def setting_text(seconds: int) -> str:
    """The settings file's form of a duration: 1800 -> "30m", 5400 -> "1h30m", 45 -> "45s"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (
        f"{secs}s" if secs else "")
    return text or "0s"


def humanize(seconds: float) -> str:
    """Rounded for people: "45 s", "23 min", "1 h 5 min"."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return f"{days} days {hours} h" if hours else f"{days} days"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def parse_clock(text: str) -> time:
    """A local time of day, "14:30" or "7:05"."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f'"{text}" is not a time of day; write it as HH:MM, like "07:00" or "14:30"')
    return time(int(match[1]), int(match[2]))
