"""Settings, declared once: one frozen dataclass per TOML section, one field per key.

Each key is a `setting()` (see core/setting.py): its default as the file writes it, its parser
(with its bounds or choices), the comment that explains it and its meaning in a few words. From
this declaration come the validation here, `glutewake config show`, config/default.toml and the
README's table of settings (both written by `python -m glutewake.app.settings_doc`, and a test
fails when either is stale). A section checks the values that must fit together in its
`problems`. Adding a key is one `setting()` line in its section, plus its test; adding a section
is one dataclass and one field of `Settings`.

Pure: the app reads the user's file (app/settings_file.py) and hands in its bytes, and it hands
in the built-in exercise catalog. Every error is a one-line `UserError` naming the file and key,
what is wrong and what is allowed.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Collection, Iterator
from dataclasses import Field, dataclass, field, fields, replace
from datetime import time
from functools import cached_property
from typing import Any

from . import exercises
from . import setting as parse
from .errors import UserError, closest
from .exercises import Condition, Exercise, Preferences
from .schedule import Schedule
from .setting import SETTING, Section, Setting, setting
from .text import LANGUAGES, Text, _
from .timespec import setting_text


@dataclass(frozen=True)
class BreakSettings(Section):
    every: int = setting(
        "30m", parse.duration, meaning="sitting time before a break is due", doc="""\
How long you may sit before glutewake suggests a standing break. Light activity every 20 to 30
minutes measurably lowers blood sugar after meals; 30 minutes is the evidence-backed default.""")
    natural_break: int = setting(
        "5m", parse.duration, meaning="time away that counts as a break taken", doc="""\
Being away from the keyboard (no input, screen locked, or the machine asleep) for at least this
long counts as a break you took anyway: the sitting clock starts again when you come back.
Shorter pauses in input (reading, a phone call at the desk) still count as sitting.""")
    idle_inhibitors: bool = setting(
        True, parse.boolean, meaning="a program that keeps the screen awake (a film) means you "
        "are still sitting", doc="""\
A program that asks the desktop not to go idle (a video player, a talk in the browser) means you
are still sitting, however long you go without input; a locked screen still means away. Read
from logind's idle inhibitors and KDE's PowerDevil on Linux.""")
    snooze: int = setting(
        "10m", parse.duration, meaning="default snooze, in sitting time (not longer than "
        "`every`)", doc='How long "snooze" puts the reminder off, counted in sitting time.')
    snooze_choices: tuple[int, ...] = setting(
        ["5m", "10m", "20m"], parse.durations, meaning="snooze lengths offered in menus",
        doc="The snooze lengths offered in the tray menu.")
    remind_again: int = setting(
        "5m", parse.duration, meaning="repeat an unanswered reminder after this much more sitting",
        doc="When a reminder goes unanswered, remind again after this much more sitting...")
    max_reminders: int = setting(
        3, parse.Whole(1, 20), meaning="reminders in all for one break", doc="""\
...up to this many reminders in all for one break (1 means never repeat). After the last one the
tray stays in its alert state, silently, until you answer or walk away.""")
    heads_up: int = setting(
        "off", parse.off_or_duration, meaning="a heads-up this long before a break is due",
        doc='A short heads-up this long before a break is due, with a Snooze button, e.g. "1m"; '
            '"off" for none.')

    def problems(self, given: Collection[str]) -> Iterator[tuple[str, Text]]:
        if self.snooze > self.every:
            if "snooze" in given or "every" not in given:
                yield "snooze", _("is longer than [breaks] every; make it shorter")
            else:
                yield "every", _(
                    "is shorter than [breaks] snooze ({snooze}); make it longer, or set a shorter "
                    "snooze first: `glutewake config set breaks.snooze {shorter}`, then set every "
                    "again", snooze=setting_text(self.snooze),
                    shorter=setting_text(max(1, self.every // 2)))
        if self.heads_up >= self.every:
            yield "heads_up", _("must be shorter than [breaks] every")


@dataclass(frozen=True)
class QuietSettings(Section):
    TAIL = """\
A call or meeting counts as sitting even with no input, and the reminder held by it comes within
seconds of its end."""

    do_not_disturb: bool = setting(
        True, parse.boolean, meaning="hold reminders while the desktop's do-not-disturb is on",
        doc="""\
Hold a due reminder, not drop it, while you should not be disturbed; it fires within seconds of
the end. Hold while the desktop's do-not-disturb is on (GNOME banners off, KDE or dunst
notifications paused, Windows Focus Assist or a presentation)...""")
    fullscreen: bool = setting(
        True, parse.boolean, meaning="hold reminders while the active window is full screen",
        doc="...while the active window is full screen (a video, a presentation, a game)...")
    apps: tuple[str, ...] = setting(
        ["zoom", "teams", "obs"], parse.names, meaning="hold reminders while these programs run",
        doc="...while any of these programs runs (matched against process names, ignoring "
            "case)...")
    microphone: bool = setting(
        True, parse.boolean, meaning="hold reminders while a program records from a microphone "
        "(a call)", doc="""\
...while a program records from a microphone: a call (PulseAudio or PipeWire on Linux, the
privacy settings on Windows, CoreAudio on macOS). Recording what the speakers play, as screen
recorders do, is not a call...""")
    camera: bool = setting(
        True, parse.boolean, meaning="hold reminders while a program has the camera open",
        doc="...while a program has the camera open (on Linux a /dev/video* device you "
            "opened)...")
    calendars: tuple[str, ...] = setting(
        [], parse.calendars, meaning="hold reminders during busy events of these calendars (.ics "
        "files or private addresses)", doc="""\
...and during busy events of these calendars: .ics files and the private http(s) or webcal
address your calendar offers (Google Calendar, Outlook, Nextcloud). Files are read again when
they change, addresses at most every 15 minutes; the last good copy stays in use when a fetch
fails or a calendar is more than glutewake reads (over 16 MB, or over 20,000 events in the days
around now). Free (transparent) and all-day events do not hold. A user name and password in an
https address ("https://me:secret@example.org/cal.ics") is sent as HTTP Basic authentication;
messages name an address by its host only. Example: ["~/work.ics"].""")


@dataclass(frozen=True)
class GoalSettings(Section):
    daily_breaks: int = setting(
        6, parse.Whole(0, 100), meaning="breaks a day for the streak and the tray's progress; 0: "
        "no goal", doc="""\
Breaks a day that count as a good day: `glutewake stats` counts your streak of such days, and the
tray shows today's progress. 0 turns the goal off.""")
    weekly_summary: bool = setting(
        True, parse.boolean, meaning="on the first work day of a week, last week's sitting "
        "pattern against the week before", doc="""\
On the first work day of each week, at your first minutes at the desk, a notification sums up
last week's sitting: the longest bout, the share of sitting in bouts of 30 minutes or more and
the breaks per sitting hour, each against the week before (see "The sitting pattern" in the
README). false turns it off.""")


@dataclass(frozen=True)
class NotificationSettings(Section):
    timeout: int = setting(
        "never", parse.timeout, meaning='how long a reminder stays on screen (`"never"`: until '
        'answered)', doc="""\
How long a reminder stays on screen: "never" keeps it until you answer (where the notification
server allows that), or a duration such as "45s".""")


@dataclass(frozen=True)
class PauseSettings(Section):
    morning: time = setting(
        "07:00", parse.clock, meaning='when "pause until tomorrow" ends',
        doc='"Pause until tomorrow" ends at this local time (24-hour HH:MM) the next day.')


@dataclass(frozen=True)
class UiSettings(Section):
    language: str = setting(
        "auto", parse.OneOf(("auto", *LANGUAGES)), meaning="the language of glutewake's texts; "
        '`"auto"` follows the system', doc="""\
The language of glutewake's texts: "auto" follows your system (the LANGUAGE, LC_ALL, LC_MESSAGES
or LANG variable, or the display language on Windows), or one of "en", "de", "fr" and "es".
Setting keys, command words and the fields of the --json outputs stay English. Commands use it
at once, and a running glutewake from its next reminder, tray line and menu on.""")


@dataclass(frozen=True)
class SyncSettings(Section):
    folder: str = setting(
        "", parse.folder, meaning='a folder your computers keep the same, like '
        '`"~/Sync/glutewake"` (`""`: sync off; see Several computers)', doc="""\
One history and one sitting clock across your computers: a folder that a tool you already use
keeps the same on each of them (Syncthing, Nextcloud, Dropbox, a network share), such as
"~/Sync/glutewake". Each computer writes only its own files there and reads the others'; no
server, no port opened. Only breaks and when you sat, were away or locked the screen go there:
no window titles, program names or calendar titles. "" keeps sync off.""")


@dataclass(frozen=True)
class CoachSettings(Section):
    cautions: frozenset[str] = setting(
        [], parse.Words(tuple(Condition)), meaning="what applies to you; the moves that do not "
        "fit are left out (see Exercises)", doc="""\
What applies to you, so that the moves that do not fit are left out: "pregnancy" leaves out long
holds lying on your back (best avoided from about week 20), "hip-replacement" the deep hip bends
with rotation (the figure-four stretch, the single-leg Romanian deadlift), "blood-pressure" the
long squeezes at full force. `glutewake exercises` lists what is left out and why, and every
lesson shows its cautions either way. Your doctor or physiotherapist knows best what suits you.
Example: cautions = ["pregnancy"].""")


@dataclass(frozen=True)
class ExerciseSettings(Section):
    equipment: frozenset[str] = setting(
        ["wall", "desk"], parse.Words(exercises.EQUIPMENT), meaning='what you have (a `"chair"` '
        'that does not roll; `"none"` exercises always qualify)', doc="""\
Equipment you have at your desk. "none" exercises are always possible. "wall" = a free stretch
of wall nearby; "desk" = a solid desk that does not move, to hold for balance; "chair" = a chair
that does not roll (fixed legs, no castors), for sit to stand; "band" = a mini resistance band
kept at hand. Most offices have a wall and a desk; most office chairs roll, so add "chair" only
if yours does not.""")
    floor: bool = setting(
        False, parse.boolean, meaning="also suggest floor exercises",
        doc="Also suggest exercises done lying or kneeling on the floor (for a home office with a "
            "mat).")
    disabled: frozenset[str] = setting(
        [], parse.Words(), meaning="exercise ids never to suggest",
        doc='Exercise ids never to suggest, e.g. ["single-leg-stand"]. `glutewake exercises` '
            'lists the ids.')
    level: int | None = setting(
        "auto", parse.level, meaning='1 = activation drills only, 2 = also the integration ones, '
        '`"auto"` = 2 once earned', doc="""\
Which exercises to suggest: 1 = activation drills only, 2 = also the harder integration ones,
"auto" = start with level 1 and add level 2 once the journal shows the basics are in place.""")
    unlock_breaks: int = setting(
        20, parse.Whole(1, 10_000), meaning='level-1 breaks that unlock level 2 with `"auto"`',
        doc='With level = "auto", level 2 joins after this many level-1 breaks done...')
    unlock_days: int = setting(
        7, parse.Whole(1, 365), meaning="...spread over at least this many days",
        doc="...spread over at least this many different days.")
    custom: tuple[Exercise, ...] = setting(
        [], parse.catalog, meaning="your own exercises, same fields as the built-in catalog",
        doc="""\
Your own exercises, with the same fields as the built-in catalog. For example:

  [[exercises.custom]]
  id = "stair-climb"
  name = "Stair climb"
  posture = "standing"        # "standing" or "floor"
  equipment = "none"          # "none", "wall", "desk", "chair" (one that does not roll) or "band"
  level = 1                   # 1 = activation, 2 = integration
  sets = 1
  reps = [2, 3]               # a number or [low, high]; or hold = seconds, per set
  per_side = false
  targets = ["gluteus maximus"]
  steps = ["Walk up two flights of stairs, pushing through the whole foot."]
  cue = "Squeeze the glute of the leg that is climbing."
  # optional: what the guided break and the lesson use
  safety = "Hold the handrail; stop if you feel dizzy."   # default: a general line
  easier = "One flight at a time."
  harder = "Take the steps two at a time."
  group = "max"               # "max", "med" or "mobility"; default: from the targets
  cautions = ["footwear"]     # what calls for care: "lying-on-back", "balance", "footwear",
                              # "deep-hip-bend", "hard-squeeze" (see exercises.toml)
  side = "standing"           # with per_side = true, how the guided break names a side:
                              # "standing", "working", "forward", "back", "direction",
                              # "arm-and-leg" or "side" (the default: "right side")
  rest = 20                   # seconds between sets and sides
  rep_seconds = 20            # seconds one rep takes (reps only)

A custom exercise without a picture shows a standing figure.""")

    @property
    def auto_level(self) -> bool:
        """level = "auto": level 2 joins once the journal shows the basics are in place."""
        return self.level is None


def section(kind: type) -> Any:
    """A field of `Settings` holding one TOML section; the field's name is the table's."""
    return field(default_factory=kind, metadata={"section": kind})


@dataclass(frozen=True)
class Settings:
    """Everything in force: the sections, in the order the defaults file shows them, and what
    the app hands in besides (the built-in catalog, and the level the journal has unlocked)."""

    breaks: BreakSettings = section(BreakSettings)
    schedule: Schedule = section(Schedule)
    quiet: QuietSettings = section(QuietSettings)
    goals: GoalSettings = section(GoalSettings)
    notifications: NotificationSettings = section(NotificationSettings)
    pause: PauseSettings = section(PauseSettings)
    ui: UiSettings = section(UiSettings)
    sync: SyncSettings = section(SyncSettings)
    coach: CoachSettings = section(CoachSettings)
    exercises: ExerciseSettings = section(ExerciseSettings)

    catalog: tuple[Exercise, ...] = ()  # built-in and custom, offered or not
    level: int = 1  # the level in force: [exercises] level, with "auto" 1 until it is unlocked

    @cached_property
    def prefs(self) -> Preferences:
        return Preferences(equipment=self.exercises.equipment, floor=self.exercises.floor,
                           disabled=self.exercises.disabled, level=self.level,
                           conditions=frozenset(map(Condition, self.coach.cautions)))

    @property
    def offered(self) -> tuple[Exercise, ...]:
        return exercises.offered(self.catalog, self.prefs)

    def at_level(self, level: int) -> Settings:
        return replace(self, level=level)


SECTIONS: dict[str, type] = {f.name: f.metadata["section"] for f in fields(Settings)
                             if "section" in f.metadata}


def keys(section_name: str) -> dict[str, Setting]:
    """The keys of a section, in order, with what is known about each."""
    return {f.name: f.metadata[SETTING] for f in _fields(SECTIONS[section_name])}


def _fields(kind: type) -> tuple[Field[Any], ...]:
    return tuple(f for f in fields(kind) if SETTING in f.metadata)


# --- reading ------------------------------------------------------------------------------------

def parse_toml(data: bytes | None, where: str | Text) -> dict[str, Any]:
    """A TOML document as a dict; None (no file) is empty; syntax errors name line and column."""
    if data is None:
        return {}
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(where, _("is not UTF-8 text; save it as UTF-8")) from None
    except RecursionError:
        raise UserError(where, _("nests arrays or tables too deeply to read; settings "
                                 "need at most a list of tables")) from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        place = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at .*?\)", "", message).rstrip(".")
        if place:
            where = _("{path}: line {line}, column {column}", path=where, line=place[1],
                      column=place[2])
        reason = reason[:1].lower() + reason[1:]
        raise UserError(where, _('{reason}; fix the TOML syntax there (text values need "quotes")',
                                 reason=reason)) from None


def unknown(name: str, known: Collection[str], where: str | Text, what: str) -> UserError:
    """`what`: "section", "key" or "exercise id"."""
    hint, names_ = closest(name, known), ", ".join(known)
    if hint:
        problem = {"section": lambda: _('unknown section; did you mean "{hint}"?', hint=hint),
                   "key": lambda: _('unknown key; did you mean "{hint}"?', hint=hint),
                   "exercise id": lambda: _('unknown exercise id; did you mean "{hint}"?',
                                            hint=hint)}[what]()
    else:
        problem = {"section": lambda: _("unknown section; known sections: {names}", names=names_),
                   "key": lambda: _("unknown key; known keys: {names}", names=names_),
                   "exercise id": lambda: _("unknown exercise id; known exercise ids: {names}",
                                            names=names_)}[what]()
    return UserError(where, problem)


def _section(name: str, table: Any, where: str) -> Any:
    """One section from the user's table: every key known, every value parsed."""
    if name not in SECTIONS:
        raise unknown(name, SECTIONS, f"{where}: [{name}]", "section")
    if not isinstance(table, dict):
        raise UserError(f"{where}: {name}", _("must be a [{section}] table of settings",
                                              section=name))
    known = keys(name)
    values = {}
    for key, value in table.items():
        if key not in known:
            raise unknown(key, known, f"{where}: [{name}] {key}", "key")
        values[key] = known[key].parse(value, f"{where}: [{name}] {key}")
    return SECTIONS[name](**values)


def build(user: dict[str, Any], where: str, builtin: tuple[Exercise, ...]) -> Settings:
    """Settings from the user's overrides (already read from `where`, the file's name) over the
    declared defaults; `builtin` is the catalog shipped with glutewake."""
    settings = Settings(**{name: _section(name, table, where) for name, table in user.items()})
    for name in SECTIONS:
        for key, problem in getattr(settings, name).problems(set(user.get(name, ()))):
            raise UserError(f"{where}: [{name}] {key}", problem)
    custom = settings.exercises.custom
    exercises.check_ids(custom, f"{where}: [exercises] custom", taken=[e.id for e in builtin])
    settings = replace(settings, catalog=builtin + custom, level=settings.exercises.level or 1)
    ids = [e.id for e in settings.catalog]
    for ident in sorted(settings.exercises.disabled):
        if ident not in ids:
            raise unknown(ident, ids, f'{where}: [exercises] disabled "{ident}"', "exercise id")
    if not settings.offered:
        raise UserError(f"{where}: [exercises]", _("leaves no exercise to suggest; enable some "
                                                   "(see `glutewake exercises`) or add equipment"))
    return settings


# --- one key, from the command line -------------------------------------------------------------

def parse_key(dotted: str) -> tuple[str, str]:
    """"breaks.every" -> ("breaks", "every"), with did-you-mean errors."""
    name, _dot, key = dotted.partition(".")
    if name not in SECTIONS:
        raise unknown(name, SECTIONS, _("config key {key}", key=dotted), "section")
    if key not in keys(name):
        known = [f"{name}.{k}" for k in keys(name)]
        raise unknown(dotted, known, _("config key {key}", key=dotted), "key")
    return name, key


def value(settings: Settings, dotted: str) -> Any:
    """The value in force of the key "section.key"."""
    name, key = parse_key(dotted)
    return getattr(getattr(settings, name), key)


def parse_value(text: str) -> Any:
    """A command-line value: TOML when it parses as such (5, true, ["wall"]), else a string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        raise UserError(_("config value"), _("nests arrays too deeply; a setting takes at most "
                                             "a list")) from None


def toml_text(value: Any) -> str:
    """A short one-line TOML rendering of the simple values settings hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's too
    return str(value)
