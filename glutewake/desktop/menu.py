"""The tray menu, described once: every tray backend renders this same list of items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..core.commands import Command, Done, EndGuide, Pause, Quit, Rate, Resume, Skip, Snooze, Start
from ..core.dose import Feedback
from ..core.effects import Status
from ..core.events import Phase
from ..i18n import _
from ..words import moves, phrases
from ..words.times import humanize


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
EVERY = (20 * 60, 30 * 60, 45 * 60, 60 * 60, 90 * 60)  # the "Break every" choices


def pauses() -> tuple[tuple[str, Pause], ...]:
    """The "Pause" choices, worded in the language in force."""
    return ((_("30 min"), Pause(seconds=1800)), (_("1 hour"), Pause(seconds=3600)),
            (_("2 hours"), Pause(seconds=7200)), (_("Until tomorrow"), Pause(tomorrow=True)))


def ratings() -> tuple[tuple[str, Rate], ...]:
    """The answers about the exercise just done, as the guide's last step offers them."""
    return ((_("Too easy"), Rate(Feedback.EASY)), (_("Too hard"), Rate(Feedback.HARD)),
            (_("Pain"), Rate(Feedback.PAIN)))


@dataclass(frozen=True)
class View:
    """What the menu shows: the coach's status plus what the daemon knows around it."""

    status: Status
    line: str
    snooze_choices: tuple[int, ...]
    streak: int = 0  # days in a row with the daily goal met
    every: int = 0  # [breaks] every in force, seconds


@dataclass
class Controls:
    """What the menu items do: commands go to the daemon through `run`; the rest is local."""

    run: Callable[[Command], object]
    open_settings: Callable[[], None]
    open_log: Callable[[], None]
    extra: list[Item] = field(default_factory=list)  # items later features add
    set_every: Callable[[int], None] | None = None  # writes [breaks] every, as `config set` does
    show_week: Callable[[], None] | None = None  # the history page, as `glutewake report` does


def _sends(run: Callable[[Command], object], command: Command) -> Callable[[], None]:
    """An item's action: `command` to the daemon, whose answer the menu does not show."""
    def send() -> None:
        run(command)
    return send


def build(view: View, controls: Controls) -> tuple[Item, ...]:
    phase, run = view.status.phase, controls.run
    paused = phase == Phase.PAUSED
    due = phase in (Phase.DUE, Phase.HELD)  # the coach takes Skip while a due break is held too
    guiding = phase == Phase.GUIDING
    items = [
        Item(view.line, enabled=False),
        Item(_("Now: {exercise}", exercise=moves.summary(view.status.exercise)) if due else
             _("Next: {exercise}", exercise=moves.summary(view.status.exercise)), enabled=False),
        SEPARATOR,
        Item(_("Done — I took my break"), _sends(run, Done()), default=True),
        *([Item(_("Stop the guided break"), _sends(run, EndGuide()))] if guiding else
          [Item(_("Start the guided break"), _sends(run, Start()))] if due else []),
        Item(_("Snooze"), enabled=not paused, children=tuple(
            Item(humanize(seconds), _sends(run, Snooze(seconds)))
            for seconds in view.snooze_choices)),
        Item(_("Skip this break"), _sends(run, Skip()), enabled=due),
        Item(_("Rate the last exercise"), children=tuple(
            Item(label, _sends(run, command)) for label, command in ratings())),
    ]
    if paused:
        items.append(Item(_("Resume reminders"), _sends(run, Resume())))
    else:
        items.append(Item(_("Pause"), children=tuple(
            Item(label, _sends(run, command)) for label, command in pauses())))
    items += [
        SEPARATOR,
        Item(phrases.today(view.status.done_today, view.status.goal, view.streak), enabled=False),
        *controls.extra,
        *([every_menu(view.every, controls.set_every)] if controls.set_every else []),
        Item(_("Open settings"), controls.open_settings),
        Item(_("Open break log"), controls.open_log),
        *([Item(_("Show my week"), controls.show_week)] if controls.show_week else []),
        SEPARATOR,
        Item(_("Quit glutewake"), _sends(run, Quit())),
    ]
    return tuple(items)


def every_menu(every: int, choose: Callable[[int], None]) -> Item:
    """The interval choices, with the one in force checked (and listed, when it is not one)."""
    choices = sorted(set(EVERY) | {every}) if every else EVERY
    return Item(_("Break every"), children=tuple(
        Item(humanize(seconds), partial(choose, seconds), checked=seconds == every)
        for seconds in choices))
