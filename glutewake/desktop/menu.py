"""The tray menu, described once: every tray backend renders this same list of items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.coach import Status
from ..core.timespec import humanize


@dataclass(frozen=True)
class Item:
    label: str = ""
    action: Callable[[], None] | None = None
    enabled: bool = True
    default: bool = False  # the action of a plain (left) click on the icon
    checked: bool | None = None  # None: not a check box
    children: tuple[Item, ...] = ()
    separator: bool = False


SEPARATOR = Item(separator=True)
PAUSES = (("30 min", "30m"), ("1 hour", "1h"), ("2 hours", "2h"), ("Until tomorrow", "tomorrow"))


@dataclass(frozen=True)
class View:
    """What the menu shows: the coach's status plus what the daemon knows around it."""

    status: Status
    line: str
    done_today: int
    snooze_choices: tuple[int, ...]
    goal: int = 0  # breaks a day; 0: no goal
    streak: int = 0  # days in a row with the goal met


@dataclass
class Controls:
    """What the menu items do; each runs the matching command in the daemon."""

    done: Callable[[], None]
    snooze: Callable[[int], None]
    skip: Callable[[], None]
    pause: Callable[[str], None]
    resume: Callable[[], None]
    open_settings: Callable[[], None]
    open_log: Callable[[], None]
    quit: Callable[[], None]
    extra: list[Item] = field(default_factory=list)  # items later features add


def build(view: View, controls: Controls) -> tuple[Item, ...]:
    phase = view.status.phase
    paused = phase == "paused"
    items = [
        Item(view.line, enabled=False),
        Item(f"{'Now' if phase == 'due' else 'Next'}: {view.status.exercise.summary}",
             enabled=False),
        SEPARATOR,
        Item("Done — I took my break", controls.done, default=True),
        Item("Snooze", enabled=not paused, children=tuple(
            Item(humanize(seconds), lambda s=seconds: controls.snooze(s))
            for seconds in view.snooze_choices)),
        Item("Skip this break", controls.skip, enabled=phase == "due"),
    ]
    if paused:
        items.append(Item("Resume reminders", controls.resume))
    else:
        items.append(Item("Pause", children=tuple(
            Item(label, lambda s=spec: controls.pause(s)) for label, spec in PAUSES)))
    items += [
        SEPARATOR,
        Item(today(view), enabled=False),
        *controls.extra,
        Item("Open settings", controls.open_settings),
        Item("Open break log", controls.open_log),
        SEPARATOR,
        Item("Quit glutewake", controls.quit),
    ]
    return tuple(items)


def today(view: View) -> str:
    """"Today: 4 of 6 breaks · streak 3 days", or "Today: 1 break done" without a goal."""
    if not view.goal:
        return f"Today: {view.done_today} break{'s' if view.done_today != 1 else ''} done"
    line = f"Today: {view.done_today} of {view.goal} breaks"
    if view.streak:
        line += f" · streak {view.streak} day{'s' if view.streak != 1 else ''}"
    return line
