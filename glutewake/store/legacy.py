"""Journals written before schema 3 kept a free-text `detail`; this reads it into typed fields.

Used only by the schema-3 migration and for spill files of that time. The texts are those the
coach wrote then; a text it does not recognise keeps the row and leaves the fields empty.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..core.events import Reason

_HUMAN = re.compile(r"(?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?")
_HOLD_WORDS = {"do not disturb": Reason.DO_NOT_DISTURB, "full-screen window": Reason.FULLSCREEN}


def seconds(text: str) -> float | None:
    """ "1 h 5 min" -> 3900; None when it is not such a text."""
    match = _HUMAN.fullmatch(text.strip())
    if not match or not any(match.groups()):
        return None
    hours, minutes, secs = (int(g or 0) for g in match.groups())
    return float(hours * 3600 + minutes * 60 + secs)


def hold(text: str) -> dict[str, object]:
    text = text.strip()
    if text.startswith("off hours"):
        return {"reason": Reason.OFF_HOURS}
    if text in _HOLD_WORDS:
        return {"reason": _HOLD_WORDS[text]}
    if text.endswith(" is running"):
        return {"reason": Reason.APP, "source": text[: -len(" is running")]}
    return {}


def pause_end(text: str, ts: float) -> float | None:
    """ "until 14:30", "until tomorrow 07:00", "until Mon 09:00" written at `ts`."""
    match = re.fullmatch(r"until (?:(tomorrow|mon|tue|wed|thu|fri|sat|sun) )?(\d{1,2}):(\d{2})",
                         text.strip().lower())
    if not match:
        return None
    written = datetime.fromtimestamp(ts)
    try:
        end = written.replace(hour=int(match[2]), minute=int(match[3]), second=0, microsecond=0)
    except ValueError:  # "until 25:99"
        return None
    if match[1] == "tomorrow":
        end += timedelta(days=1)
    elif match[1]:
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        end += timedelta(days=(days.index(match[1]) - written.weekday()) % 7)
    if end <= written:
        end += timedelta(days=1)
    return end.timestamp()


def fields_from_detail(kind: str, text: str, ts: float) -> dict[str, object]:
    """The typed fields an old `detail` stood for."""
    text = text or ""
    if kind == "reminded":
        match = re.fullmatch(r"reminder (\d+) of \d+(?:, held (.+?): (.*))?", text)
        if not match:
            return {}
        found: dict[str, object] = {"reminder": int(match[1])}
        if match[2]:
            found.update(hold(match[3]), duration=seconds(match[2]))
        return found
    if kind == "held":
        return hold(text)
    if kind == "done":
        return {"early": text == "early"}
    if kind == "snoozed":
        return {"duration": seconds(text)}
    if kind == "natural_break":
        return {"duration": seconds(text.removeprefix("away "))}
    if kind == "paused":
        return {"reason": Reason.MANUAL, "until": pause_end(text, ts)}
    if kind == "resumed":
        return {"reason": Reason.TIMER if text == "pause ended" else Reason.MANUAL}
    return {}
