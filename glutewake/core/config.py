"""Settings: the shipped defaults plus the user's overrides, validated into frozen dataclasses.

The shipped `default.toml` is the list of keys: every key in it has a parser below, and a user key
that is not in it is an error with a did-you-mean. Every error is a `UserError` naming the file
and key, what is wrong and what is allowed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..i18n import LANGUAGES, _
from . import exercises
from .errors import UserError, closest
from .exercises import Exercise, Preferences
from .schedule import DAYS, Schedule
from .timespec import parse_clock, parse_duration, setting_text


@dataclass(frozen=True)
class Settings:
    every: int  # seconds of sitting before a break is due
    natural_break: int  # seconds away that count as a break taken
    snooze: int
    snooze_choices: tuple[int, ...]
    remind_again: int
    max_reminders: int
    morning: time
    notification_timeout: int  # seconds a reminder stays on screen; 0 = until answered
    prefs: Preferences  # prefs.level is the level in force (1 until "auto" unlocks level 2)
    catalog: tuple[Exercise, ...]  # built-in and custom, offered or not
    daily_goal: int = 6
    weekly_summary: bool = True  # last week's sitting pattern, on the first work day of a week
    heads_up: int = 0  # seconds before a break is due to give a heads-up; 0: none
    schedule: Schedule = Schedule()
    quiet_dnd: bool = True
    quiet_fullscreen: bool = True
    quiet_apps: tuple[str, ...] = ()
    quiet_microphone: bool = True
    quiet_camera: bool = True
    quiet_calendars: tuple[str, ...] = ()  # .ics files (expanded paths) and http(s) addresses
    idle_inhibitors: bool = True  # a program inhibiting idle (a film, a talk) means still sitting
    level_auto: bool = False  # [exercises] level = "auto"
    unlock_breaks: int = 20
    unlock_days: int = 7
    language: str = "auto"  # [ui] language: "auto" or one of i18n.LANGUAGES
    sync_folder: str = ""  # [sync] folder, "~" expanded; "" = sync off

    @property
    def offered(self) -> tuple[Exercise, ...]:
        return exercises.offered(self.catalog, self.prefs)

    def at_level(self, level: int) -> "Settings":
        return replace(self, prefs=replace(self.prefs, level=level))


# --- value parsers: (value, where) -> python value ---------------------------------------------

Parser = Callable[[Any, str], Any]


def _fail(where: str, problem: str):
    raise UserError(where, problem)


def _duration(value: Any, where: str) -> int:
    if not isinstance(value, str):
        _fail(where, _('must be a duration string like "30m" or "1h30m", not {value}',
                      value=repr(value)))
    try:
        seconds = parse_duration(value)
    except ValueError as err:
        _fail(where, str(err))
    if seconds <= 0:
        _fail(where, _("must be longer than zero"))
    return seconds


def _durations(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        _fail(where, _('must be a non-empty list of durations, like ["5m", "10m", "20m"]'))
    return tuple(_duration(item, where) for item in value)


def _whole(low: int, high: int) -> Parser:
    def parse(value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            _fail(where, _("must be a whole number from {low} to {high}, not {value}", low=low,
                          high=high, value=repr(value)))
        return value

    return parse


def _timeout(value: Any, where: str) -> int:
    if value == "never":
        return 0
    if not isinstance(value, str):
        _fail(where, _('must be "never" or a duration like "45s", not {value}', value=repr(value)))
    return _duration(value, where)


def _level(value: Any, where: str) -> int | None:
    """1, 2, or None for "auto"."""
    if value == "auto":
        return None
    if isinstance(value, str):
        _fail(where, _('must be 1, 2 or "auto", not {value}', value=repr(value)))
    return _whole(1, 2)(value, where)


def _off_or_duration(value: Any, where: str) -> int:
    if value == "off":
        return 0
    if not isinstance(value, str):
        _fail(where, _('must be "off" or a duration like "1m", not {value}', value=repr(value)))
    return _duration(value, where)


def _days(value: Any, where: str) -> frozenset[int]:
    names = _words(DAYS)(value, where)
    if not names:
        _fail(where, _('needs at least one day, like ["mon", "tue", "wed", "thu", "fri"]'))
    return frozenset(DAYS.index(name) for name in names)


def _window(value: Any, where: str) -> tuple[time, time] | None:
    if value == "":
        return None
    if not isinstance(value, str) or value.count("-") != 1:
        _fail(where, _('must be a window like "12:30-13:15", or "" for none, not {value}',
                      value=repr(value)))
    first, last = (_clock(part, where) for part in value.split("-"))
    if first >= last:
        _fail(where, _('"{value}" ends before it starts', value=value))
    return first, last


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(where, _('must be a list of program names, like ["zoom", "teams"]'))
    return tuple(v.strip().lower() for v in value)


def _calendars(value: Any, where: str) -> tuple[str, ...]:
    """.ics files ("~" allowed) and http(s) addresses; webcal:// is https://."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(where, _('must be a list of .ics files or addresses, like ["~/work.ics", '
                       '"https://example.org/private/basic.ics"]'))
    found = []
    for item in (v.strip() for v in value):
        scheme, colon, rest = item.partition("://")
        if not colon:
            found.append(os.path.expanduser(item))
        elif scheme.lower() in ("http", "https"):
            found.append(item)
        elif scheme.lower() == "webcal":
            found.append("https://" + rest)
        elif scheme.lower() == "file":
            found.append(rest)
        else:
            # only the scheme: the rest of a mistyped private address may hold its secret
            _fail(where, _('an address starting "{scheme}://" is neither a file nor an http(s) '
                           'address', scheme=scheme[:20]))
    return tuple(found)


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        _fail(where, _("must be true or false (no quotes), not {value}", value=repr(value)))
    return value


def _clock(value: Any, where: str) -> time:
    if not isinstance(value, str):
        _fail(where, _('must be a time of day in quotes, like "07:00", not {value}',
                      value=repr(value)))
    try:
        return parse_clock(value)
    except ValueError as err:
        _fail(where, str(err))


def _words(allowed: tuple[str, ...] | None = None) -> Parser:
    def parse(value: Any, where: str) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _fail(where, _('must be a list of strings, like ["wall", "band"]'))
        for item in value:
            if allowed is not None and item not in allowed:
                raise exercises.unknown_word(where, item, allowed)
        return frozenset(value)

    return parse


def _language(value: Any, where: str) -> str:
    choices = ("auto", *LANGUAGES)
    if not isinstance(value, str) or value not in choices:
        _fail(where, _("must be one of {choices}, not {value}",
                       choices=", ".join(f'"{c}"' for c in choices), value=repr(value)))
    return value


def _folder(value: Any, where: str) -> str:
    """A folder ("~" allowed), or "" for none."""
    if not isinstance(value, str):
        _fail(where, _('must be a folder in quotes, like "~/Sync/glutewake", or "" for none, '
                       'not {value}', value=repr(value)))
    if not value.strip():
        return ""
    folder = os.path.expanduser(value.strip())
    if not os.path.isabs(folder):
        _fail(where, _('"{value}" is not a full path; write it from your home folder, like '
                       '"~/Sync/glutewake"', value=value))
    return os.path.normpath(folder)


def _custom(value: Any, where: str) -> tuple[Exercise, ...]:
    return exercises.parse_catalog(value, where, taken=(e.id for e in exercises.builtin()))


SCHEMA: dict[str, dict[str, Parser]] = {
    "breaks": {
        "every": _duration,
        "natural_break": _duration,
        "snooze": _duration,
        "snooze_choices": _durations,
        "remind_again": _duration,
        "max_reminders": _whole(1, 20),
        "heads_up": _off_or_duration,
        "idle_inhibitors": _boolean,
    },
    "schedule": {"enabled": _boolean, "days": _days, "start": _clock, "end": _clock,
                 "lunch": _window},
    "quiet": {"do_not_disturb": _boolean, "fullscreen": _boolean, "apps": _names,
              "microphone": _boolean, "camera": _boolean, "calendars": _calendars},
    "goals": {"daily_breaks": _whole(0, 100), "weekly_summary": _boolean},
    "notifications": {"timeout": _timeout},
    "pause": {"morning": _clock},
    "ui": {"language": _language},
    "sync": {"folder": _folder},
    "coach": {"cautions": _words(tuple(exercises.Condition))},
    "exercises": {
        "equipment": _words(exercises.EQUIPMENT),
        "floor": _boolean,
        "disabled": _words(),
        "level": _level,
        "unlock_breaks": _whole(1, 10_000),
        "unlock_days": _whole(1, 365),
        "custom": _custom,
    },
}


# --- files ------------------------------------------------------------------------------------

def default_path() -> Path:
    """The shipped defaults: inside the installed package, or config/ in a source checkout."""
    packaged = Path(str(resources.files(__package__) / "default.toml"))
    return packaged if packaged.is_file() else Path(__file__).resolve().parents[2] / "config" / "default.toml"


@cache
def defaults() -> dict[str, dict[str, Any]]:
    return tomllib.loads(default_path().read_text("utf-8"))


LARGEST_FILE = 1024 * 1024  # a settings file is a few kilobytes; anything this big is a mistake


class NotAFile(OSError):
    """A FIFO, a device or a folder where a file should be."""


class TooBig(OSError):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_capped(path, largest: int) -> bytes:
    """A regular file's bytes, if it has at most `largest`. It is opened without waiting, so a
    FIFO or a device never blocks, and refused unless it is a regular file (NotAFile) of at most
    `largest` bytes (TooBig); other OSErrors (FileNotFoundError, PermissionError) as they come."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(str(path))
        if info.st_size > largest:
            raise TooBig(info.st_size)
        with os.fdopen(os.dup(fd), "rb") as source:
            data = source.read(largest + 1)
        if len(data) > largest:  # it grew meanwhile
            raise TooBig(len(data))
        return data
    finally:
        os.close(fd)


def read_bytes(path: Path) -> bytes | None:
    """The settings file's bytes; None when there is none. A FIFO, a device or a folder is
    refused without waiting on it, and so is a file over LARGEST_FILE."""
    try:
        return read_capped(path, LARGEST_FILE)
    except FileNotFoundError:
        return None
    except NotAFile:
        raise UserError(str(path), _("is not a regular file; put your settings in a plain "
                                     "text file there")) from None
    except TooBig as err:
        raise UserError(str(path), _("is {size} KB, too big for a settings file (at most "
                                     "{largest} KB); is it the right file?",
                                     size=err.size // 1024, largest=LARGEST_FILE // 1024)) from None
    except PermissionError as err:
        raise UserError(str(path), _("cannot be read ({error}); check its permissions",
                                     error=err.strerror)) from None
    except OSError as err:
        raise UserError(str(path), _("cannot be read ({error})", error=err.strerror)) from None


def read_toml(path: Path, data: bytes | None = None) -> dict[str, Any]:
    """A TOML file as a dict; a missing file is empty; syntax errors name line and column."""
    if data is None:
        data = read_bytes(path)
    if data is None:
        return {}
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(str(path), _("is not UTF-8 text; save it as UTF-8")) from None
    except RecursionError:
        raise UserError(str(path), _("nests arrays or tables too deeply to read; settings "
                                     "need at most a list of tables")) from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        place = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at .*?\)", "", message).rstrip(".")
        where = (_("{path}: line {line}, column {column}", path=path, line=place[1],
                   column=place[2]) if place else str(path))
        reason = reason[:1].lower() + reason[1:]
        raise UserError(where, _('{reason}; fix the TOML syntax there (text values need "quotes")',
                                 reason=reason)) from None


def _unknown(name: str, known, where: str, what: str) -> UserError:
    """`what`: "section", "key" or "exercise id"."""
    hint, names = closest(name, known), ", ".join(known)
    if hint:
        problem = {"section": lambda: _('unknown section; did you mean "{hint}"?', hint=hint),
                   "key": lambda: _('unknown key; did you mean "{hint}"?', hint=hint),
                   "exercise id": lambda: _('unknown exercise id; did you mean "{hint}"?',
                                            hint=hint)}[what]()
    else:
        problem = {"section": lambda: _("unknown section; known sections: {names}", names=names),
                   "key": lambda: _("unknown key; known keys: {names}", names=names),
                   "exercise id": lambda: _("unknown exercise id; known exercise ids: {names}",
                                            names=names)}[what]()
    return UserError(where, problem)


def check_shape(user: dict[str, Any], path: Path) -> None:
    """Every section and key the user wrote exists, and every value parses."""
    for section, table in user.items():
        if section not in SCHEMA:
            raise _unknown(section, SCHEMA, f"{path}: [{section}]", "section")
        if not isinstance(table, dict):
            raise UserError(f"{path}: {section}", _("must be a [{section}] table of settings",
                                                        section=section))
        for key, value in table.items():
            if key not in SCHEMA[section]:
                raise _unknown(key, SCHEMA[section], f"{path}: [{section}] {key}", "key")
            SCHEMA[section][key](value, f"{path}: [{section}] {key}")


def build(user: dict[str, Any], path: Path) -> Settings:
    """Settings from the user's overrides (already read from `path`) over the defaults."""
    check_shape(user, path)
    values: dict[str, Any] = {}
    for section, parsers in SCHEMA.items():
        for key, parse in parsers.items():
            if key in user.get(section, {}):
                values[f"{section}.{key}"] = parse(user[section][key], f"{path}: [{section}] {key}")
            else:
                values[f"{section}.{key}"] = parse(defaults()[section][key],
                                                   f"{default_path()}: [{section}] {key}")

    def origin(section: str, key: str) -> str:
        return f"{path if key in user.get(section, {}) else default_path()}: [{section}] {key}"

    if values["breaks.snooze"] > values["breaks.every"]:
        if "snooze" in user.get("breaks", {}) or "every" not in user.get("breaks", {}):
            raise UserError(origin("breaks", "snooze"), _("is longer than [breaks] every; make "
                                                          "it shorter"))
        every, snooze = values["breaks.every"], values["breaks.snooze"]
        raise UserError(origin("breaks", "every"), _(
            "is shorter than [breaks] snooze ({snooze}); make it longer, or set a shorter snooze "
            "first: `glutewake config set breaks.snooze {shorter}`, then set every again",
            snooze=setting_text(snooze), shorter=setting_text(max(1, every // 2))))
    if values["schedule.start"] >= values["schedule.end"]:
        raise UserError(origin("schedule", "end"), _("must be later than [schedule] start"))
    lunch = values["schedule.lunch"]
    if lunch and not values["schedule.start"] <= lunch[0] < lunch[1] <= values["schedule.end"]:
        raise UserError(origin("schedule", "lunch"),
                        _("must lie within [schedule] start and end"))
    if values["breaks.heads_up"] >= values["breaks.every"]:
        raise UserError(origin("breaks", "heads_up"), _("must be shorter than [breaks] every"))
    catalog = exercises.builtin() + values["exercises.custom"]
    ids = [e.id for e in catalog]
    for ident in sorted(values["exercises.disabled"]):
        if ident not in ids:
            raise _unknown(ident, ids, origin("exercises", "disabled") + f' "{ident}"', "exercise id")
    settings = Settings(
        every=values["breaks.every"],
        natural_break=values["breaks.natural_break"],
        snooze=values["breaks.snooze"],
        snooze_choices=values["breaks.snooze_choices"],
        remind_again=values["breaks.remind_again"],
        max_reminders=values["breaks.max_reminders"],
        morning=values["pause.morning"],
        notification_timeout=values["notifications.timeout"],
        prefs=Preferences(equipment=values["exercises.equipment"], floor=values["exercises.floor"],
                          disabled=values["exercises.disabled"],
                          level=values["exercises.level"] or 1,
                          conditions=frozenset(map(exercises.Condition,
                                                   values["coach.cautions"]))),
        catalog=catalog,
        daily_goal=values["goals.daily_breaks"],
        weekly_summary=values["goals.weekly_summary"],
        heads_up=values["breaks.heads_up"],
        schedule=Schedule(values["schedule.enabled"], values["schedule.days"],
                          values["schedule.start"], values["schedule.end"], lunch),
        quiet_dnd=values["quiet.do_not_disturb"],
        quiet_fullscreen=values["quiet.fullscreen"],
        quiet_apps=values["quiet.apps"],
        quiet_microphone=values["quiet.microphone"],
        quiet_camera=values["quiet.camera"],
        quiet_calendars=values["quiet.calendars"],
        idle_inhibitors=values["breaks.idle_inhibitors"],
        level_auto=values["exercises.level"] is None,
        unlock_breaks=values["exercises.unlock_breaks"],
        unlock_days=values["exercises.unlock_days"],
        language=values["ui.language"],
        sync_folder=values["sync.folder"],
    )
    if not settings.offered:
        raise UserError(f"{path}: [exercises]", _("leaves no exercise to suggest; enable some "
                                                  "(see `glutewake exercises`) or add equipment"))
    return settings


def load(path: Path, data: bytes | None = None) -> Settings:
    return build(read_toml(path, data), path)


# --- writing the user file --------------------------------------------------------------------

USER_HEADER = """\
# glutewake settings: only the keys you change from the defaults.
# `glutewake config show --defaults` lists every key with what it does.
# Durations are strings: "45s", "10m", "1h30m". Saved changes apply to a running glutewake.
"""


def parse_key(dotted: str) -> tuple[str, str]:
    """"breaks.every" -> ("breaks", "every"), with did-you-mean errors."""
    section, _dot, key = dotted.partition(".")
    if section not in SCHEMA:
        raise _unknown(section, SCHEMA, _("config key {key}", key=dotted), "section")
    if key not in SCHEMA[section]:
        known = [f"{section}.{k}" for k in SCHEMA[section]]
        raise _unknown(dotted, known, _("config key {key}", key=dotted), "key")
    return section, key


def parse_value(text: str) -> Any:
    """A command-line value: TOML when it parses as such (5, true, ["wall"]), else a string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        raise UserError(_("config value"), _("nests arrays too deeply; a setting takes at most "
                                             "a list")) from None


def set_value(path: Path, dotted: str, text: str) -> Settings:
    """`glutewake config set KEY VALUE`: one key, as typed on the command line."""
    return set_values(path, {dotted: parse_value(text)})


def set_values(path: Path, changes: dict[str, Any]) -> Settings:
    """Change keys in the user's file in place: its comments, order, blank lines and mode stay.
    The whole result is validated first; then it is written atomically, the old file kept as
    FILE.bak. Nothing is written when a value is wrong."""
    import tomlkit

    data = read_bytes(path)
    user = read_toml(path, data)  # a syntax error is reported with its line and column
    document = tomlkit.parse(data.decode("utf-8") if data is not None else USER_HEADER)
    for dotted, value in changes.items():
        section, key = parse_key(dotted)
        if key == "custom":
            raise UserError(_("config key {key}", key=dotted),
                            _("custom exercises are tables; add them with `glutewake config edit`"))
        user.setdefault(section, {})[key] = value
        if section not in document:
            if document.body:
                document.add(tomlkit.nl())
            document.add(section, tomlkit.table())
        document[section][key] = value  # type: ignore[index]
    settings = build(user, path)
    _replace(path, tomlkit.dumps(document))
    return settings


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temporary)  # the file keeps the permissions its owner gave it
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def ensure_user_file(path: Path) -> Path:
    """Create the user file with its explanatory header when it does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(USER_HEADER + "\n# Example:\n# [breaks]\n# every = \"45m\"\n", "utf-8")
    return path
