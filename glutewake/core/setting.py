"""One setting: how it is declared, and the parsers that read its values.

A setting is a field of a section's frozen dataclass (`config.Settings` lists the sections),
declared with `setting()`: its default as the TOML file writes it, its parser, the comment that
explains it in config/default.toml, and the short meaning of the README's table. The default is
parsed here, so the dataclass's own default is the value in force when the user sets nothing.

A parser takes a value as TOML gives it and `where` (the file and key, for the error) and
returns the Python value, or raises a one-line `UserError` saying what is allowed. Parsers with
bounds or choices are small classes, so the documentation can name them (`Whole.low`,
`Words.allowed`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import time
from pathlib import PurePath
from typing import Any, ClassVar, NoReturn

from . import exercises
from .errors import UserError, problem_of
from .exercises import Exercise
from .text import Text, _
from .timespec import parse_clock, parse_duration

Parser = Callable[[Any, str], Any]
SETTING = "setting"  # the key of a field's metadata that holds its `Setting`


@dataclass(frozen=True)
class Setting:
    """What is known about one key besides its value."""

    default: Any  # as the TOML file writes it: "30m", 3, true, ["wall", "desk"]
    parse: Parser
    doc: str  # the comment above the key in config/default.toml; a blank line starts a
    #           paragraph, and lines starting with spaces are kept as they are (an example)
    meaning: str  # a few words for the README's table of settings


def setting(default: Any, parse: Parser, *, doc: str, meaning: str) -> Any:
    """A dataclass field for one key: its default is `default` parsed."""
    spec = Setting(default, parse, doc, meaning)
    return field(default=parse(default, f"the default of {meaning!r}"), metadata={SETTING: spec})


class Section:
    """What every section's dataclass has besides its keys."""

    TAIL: ClassVar[str] = ""  # a comment after the section's last key in config/default.toml

    def problems(self, given: Collection[str]) -> Iterator[tuple[str, Text]]:
        """(key, what is wrong) for each value that does not fit the others; `given`: the keys
        the user wrote, so that one they wrote can be blamed."""
        return iter(())


def fail(where: str | Text, problem: str | Text) -> NoReturn:
    raise UserError(where, problem)


def duration(value: Any, where: str) -> int:
    if not isinstance(value, str):
        fail(where, _('must be a duration string like "30m" or "1h30m", not {value}',
                      value=repr(value)))
    try:
        seconds = parse_duration(value)
    except ValueError as err:
        fail(where, problem_of(err))
    if seconds <= 0:
        fail(where, _("must be longer than zero"))
    return seconds


def durations(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        fail(where, _('must be a non-empty list of durations, like ["5m", "10m", "20m"]'))
    return tuple(duration(item, where) for item in value)


@dataclass(frozen=True)
class Whole:
    """A whole number from `low` to `high`."""

    low: int
    high: int

    def __call__(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not (
                self.low <= value <= self.high):
            fail(where, _("must be a whole number from {low} to {high}, not {value}",
                          low=self.low, high=self.high, value=repr(value)))
        return value


def timeout(value: Any, where: str) -> int:
    """Seconds; "never" is 0."""
    if value == "never":
        return 0
    if not isinstance(value, str):
        fail(where, _('must be "never" or a duration like "45s", not {value}', value=repr(value)))
    return duration(value, where)


def level(value: Any, where: str) -> int | None:
    """1, 2, or None for "auto"."""
    if value == "auto":
        return None
    if isinstance(value, str):
        fail(where, _('must be 1, 2 or "auto", not {value}', value=repr(value)))
    return Whole(1, 2)(value, where)


def off_or_duration(value: Any, where: str) -> int:
    """Seconds; "off" is 0."""
    if value == "off":
        return 0
    if not isinstance(value, str):
        fail(where, _('must be "off" or a duration like "1m", not {value}', value=repr(value)))
    return duration(value, where)


def clock(value: Any, where: str) -> time:
    if not isinstance(value, str):
        fail(where, _('must be a time of day in quotes, like "07:00", not {value}',
                      value=repr(value)))
    try:
        return parse_clock(value)
    except ValueError as err:
        fail(where, problem_of(err))


def window(value: Any, where: str) -> tuple[time, time] | None:
    """ "12:30-13:15" as two times; "" is None."""
    if value == "":
        return None
    if not isinstance(value, str) or value.count("-") != 1:
        fail(where, _('must be a window like "12:30-13:15", or "" for none, not {value}',
                      value=repr(value)))
    first, last = (clock(part, where) for part in value.split("-"))
    if first >= last:
        fail(where, _('"{value}" ends before it starts', value=value))
    return first, last


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        fail(where, _("must be true or false (no quotes), not {value}", value=repr(value)))
    return value


@dataclass(frozen=True)
class Words:
    """A list of strings, each one of `allowed` (any string when None)."""

    allowed: tuple[str, ...] | None = None

    def __call__(self, value: Any, where: str) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(where, _('must be a list of strings, like ["wall", "band"]'))
        for item in value:
            if self.allowed is not None and item not in self.allowed:
                raise exercises.unknown_word(where, item, self.allowed)
        return frozenset(value)


@dataclass(frozen=True)
class OneOf:
    """One of a few strings."""

    allowed: tuple[str, ...]

    def __call__(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or value not in self.allowed:
            fail(where, _("must be one of {choices}, not {value}",
                          choices=", ".join(f'"{c}"' for c in self.allowed), value=repr(value)))
        return value


def names(value: Any, where: str) -> tuple[str, ...]:
    """Program names, lowercase."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(where, _('must be a list of program names, like ["zoom", "teams"]'))
    return tuple(v.strip().lower() for v in value)


def calendars(value: Any, where: str) -> tuple[str, ...]:
    """.ics files and http(s) addresses; webcal:// is https://, file:// a file. A file stays as
    written ("~" included): the detector that reads it finds the home folder."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(where, _('must be a list of .ics files or addresses, like ["~/work.ics", '
                      '"https://example.org/private/basic.ics"]'))
    found = []
    for item in (v.strip() for v in value):
        scheme, colon, rest = item.partition("://")
        if not colon:
            found.append(item)
        elif scheme.lower() in ("http", "https"):
            found.append(item)
        elif scheme.lower() == "webcal":
            found.append("https://" + rest)
        elif scheme.lower() == "file":
            found.append(rest)
        else:
            # only the scheme: the rest of a mistyped private address may hold its secret
            fail(where, _('an address starting "{scheme}://" is neither a file nor an http(s) '
                          'address', scheme=scheme[:20]))
    return tuple(found)


def catalog(value: Any, where: str) -> tuple[Exercise, ...]:
    """The user's own exercises; their ids are checked against the built-in ones when the
    settings are built, since the built-in catalog is handed in there."""
    return exercises.parse_catalog(value, where)



def folder(value: Any, where: str) -> str:
    """A folder, full or from the home folder ("~/Sync"), as written; "" for none. The app
    finds the home folder when it uses it (see app/paths.py `folder`)."""
    if not isinstance(value, str):
        fail(where, _('must be a folder in quotes, like "~/Sync/glutewake", or "" for none, '
                      'not {value}', value=repr(value)))
    folder = value.strip()
    if folder and not (folder.startswith("~") or PurePath(folder).is_absolute()):
        fail(where, _('"{value}" is not a full path; write it from your home folder, like '
                      '"~/Sync/glutewake"', value=value))
    return folder
