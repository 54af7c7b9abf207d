"""Durations ("30m", "1h30m", "45s") and times of day ("14:30"), read from what a person typed,
and a duration as words to say (`duration_text`; glutewake/words/times.py says it).

Pure functions: nothing here reads a clock or a catalog; errors are ValueErrors carrying a Text.
"""

from __future__ import annotations

import re
from datetime import time

from .text import Text, _, ngettext

_DURATION = re.compile(r"(?:(\d+) *d(?:ays?)?)? *(?:(\d+) *h(?:ours?|rs?)?)? *"
                       r"(?:(\d+) *m(?:in(?:ute)?s?)?)? *(?:(\d+) *s(?:ec(?:ond)?s?)?)?",
                       re.IGNORECASE)
# The upper bounds, the same for the command line, the settings file and the control socket.
LONGEST_INTERVAL = 24 * 3600  # every, snooze, natural_break, ...: a day of sitting at most
LONGEST_PAUSE = 30 * 24 * 3600
_LONGEST_TEXT = 32


def duration_hint() -> Text:
    # TRANSLATORS: durations are typed in this form in every language ("45s", "10m", "1h30m")
    return _('write it like "45s", "10m", "1h" or "1h30m"')


def parse_duration(text: str, longest: int = LONGEST_INTERVAL) -> int:
    """Seconds in a duration such as "45s", "30m", "1h30m", "1h 5m 10s" or "2d", up to
    `longest`."""
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise ValueError(_('durations cannot be negative; write 5m or "5 min"'))
    if len(cleaned) > _LONGEST_TEXT:
        raise ValueError(_('"{text}..." is too long for a duration; {hint}', text=cleaned[:12],
                           hint=duration_hint()))
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise ValueError(_('"{text}" is not a duration; {hint}', text=text, hint=duration_hint()))
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = days * 86400 + hours * 3600 + minutes * 60 + seconds
    if total > longest:
        raise ValueError(_('"{text}" is longer than {longest}, the most allowed', text=cleaned,
                           longest=duration_text(longest)))
    return total


def setting_text(seconds: int) -> str:
    """The settings file's form of a duration: 1800 -> "30m", 5400 -> "1h30m", 45 -> "45s"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (
        f"{secs}s" if secs else "")
    return text or "0s"


def duration_text(seconds: float) -> Text:
    """Rounded for people: "45 s", "23 min", "1 h 5 min", "3 days 2 h"."""
    total = max(0, round(seconds))
    if total < 60:
        # TRANSLATORS: seconds, abbreviated as people read them in a status line
        return _("{seconds} s", seconds=total)
    minutes = total // 60
    if minutes < 60:
        return _("{minutes} min", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        if hours:
            return ngettext("{days} day {hours} h", "{days} days {hours} h", days, days=days,
                            hours=hours)
        return ngettext("{days} day", "{days} days", days, days=days)
    if minutes:
        return _("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return _("{hours} h", hours=hours)


def parse_clock(text: str) -> time:
    """A local time of day, "14:30" or "7:05"."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(_('"{text}" is not a time of day; write it as HH:MM, like "07:00" or '
                           '"14:30"', text=text))
    return time(int(match[1]), int(match[2]))
