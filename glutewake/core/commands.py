"""What a person can ask of glutewake, as types, and the one way each input becomes one.

The CLI, the control socket, notification buttons and tray items all end here: `parse` reads the
words of the command line, `from_wire`/`to_wire` carry a command over the control socket, and
`from_action` maps a notification button's key. Anything unknown is an error, never a default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Any

from .dose import Feedback
from .errors import UserError, problem_of
from .text import Text, _
from .timespec import LONGEST_INTERVAL, LONGEST_PAUSE, duration_hint, parse_clock, parse_duration

if TYPE_CHECKING:
    from .config import Settings


@dataclass(frozen=True)
class Done:
    """You took the break (or an early one), perhaps saying how it felt."""

    feedback: Feedback | None = None


@dataclass(frozen=True)
class Rate:
    """How the exercise just done felt: it moves its dose for next time."""

    feedback: Feedback


@dataclass(frozen=True)
class Start:
    """Begin a guided break: of the exercise suggested now, or of `exercise`. `elsewhere`: the
    guide runs outside the daemon (`glutewake guide` in a terminal), which says how it ended
    with `Guided`; meanwhile the daemon is guiding and holds its reminders."""

    exercise: str | None = None
    elsewhere: bool = False


@dataclass(frozen=True)
class EndGuide:
    """Stop the guided break early: what was done is logged as a partial break."""


@dataclass(frozen=True)
class Guided:
    """A guided break run elsewhere (`glutewake guide` in a terminal) ended."""

    exercise: str
    seconds: float
    complete: bool


@dataclass(frozen=True)
class Snooze:
    seconds: int | None = None  # None: the configured snooze


@dataclass(frozen=True)
class Skip:
    """Let the break that is due go without doing it."""


@dataclass(frozen=True)
class Pause:
    """No reminders for `seconds`, until the clock time `at`, until `tomorrow` morning (or the
    next work day), or, with none of them, until resumed."""

    seconds: int | None = None
    at: time | None = None
    tomorrow: bool = False


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Quit:
    """Stop the running glutewake."""


@dataclass(frozen=True)
class Reload:
    """The settings file changed (through `glutewake config`): apply it now."""


@dataclass(frozen=True)
class ShowStatus:
    pass


# Said by the daemon itself, never by a person.
@dataclass(frozen=True)
class Stop:
    """The daemon is shutting down."""


@dataclass(frozen=True)
class Reconfigure:
    settings: Settings


Command = (Done | Rate | Start | EndGuide | Guided | Snooze | Skip | Pause | Resume | Quit | Reload
           | ShowStatus)
CoachCommand = (Done | Rate | Start | EndGuide | Guided | Snooze | Skip | Pause | Resume | Stop
                | Reconfigure)

NAMES: dict[str, Callable[..., Command]] = {
    "status": ShowStatus, "done": Done, "rate": Rate, "snooze": Snooze, "skip": Skip,
    "pause": Pause, "resume": Resume, "quit": Quit, "reload": Reload, "start": Start,
    "stop-guide": EndGuide, "guided": Guided}
# The keys notification buttons carry; a rating's key is its feedback word.
ACTIONS: dict[str, Command] = {"done": Done(), "snooze": Snooze(), "skip": Skip(),
                               "start": Start(), "stop": EndGuide(),
                               **{said.value: Rate(said) for said in Feedback}}


def feedback_words() -> str:
    """The feedback words as typed: "easy", "hard", "pain"."""
    return ", ".join(f'"{said}"' for said in Feedback)


def pause_hint() -> Text:
    # TRANSLATORS: "until" and "tomorrow" are typed as they are, in English
    return _('use a duration like "30m", "until 14:30", "tomorrow", or nothing to pause until '
             'you resume')


def _command(name: object) -> Text:
    """Where an error about a command word is: "command 'dance'"."""
    # TRANSLATORS: names a command word in an error: "command 'dance': is not a glutewake command"
    return _("command {name}", name=name)


def _not_a_command() -> Text:
    return _("is not a glutewake command; see `glutewake --help`")


class UnknownAction(ValueError):
    pass


def from_action(key: str) -> Command:
    """The command behind a notification button."""
    try:
        return ACTIONS[key]
    except KeyError:
        raise UnknownAction(f"unknown notification action {key!r}") from None


def parse(name: str, words: str = "") -> Command:
    """A command from its name and argument words, as typed: ("pause", "until 14:30")."""
    kind = NAMES.get(name)
    if kind is None:
        raise UserError(_command(repr(name[:40])), _not_a_command())
    words = words.strip()
    if kind is Snooze:
        return Snooze(_duration(words, "snooze") if words else None)
    if kind is Pause:
        return parse_pause(words)
    if kind is Guided:
        raise UserError(_command("'guided'"), _("is sent by `glutewake guide`; run that "
                                                "instead"))
    if kind in (Done, Rate) and words in tuple(Feedback):
        return kind(Feedback(words))
    if kind is Rate:
        # TRANSLATORS: {words} are typed as they are, in English: "easy", "hard", "pain"
        raise UserError(f"rate {words[:40]}", _("say one of {words}", words=feedback_words()))
    if words:
        raise UserError(f"{name} {words[:40]}", _("`glutewake {command}` takes no argument",
                                                  command=name))
    return kind()


def parse_pause(spec: str) -> Pause:
    words = spec.strip().lower().split()
    if not words:
        return Pause()
    if words == ["tomorrow"]:
        return Pause(tomorrow=True)
    if words[0] == "until" and len(words) == 2:
        try:
            return Pause(at=parse_clock(words[1]))
        except ValueError as err:
            raise UserError(f"pause {spec.strip()}", problem_of(err)) from None
    text = " ".join(words)
    try:
        seconds = parse_duration(text, LONGEST_PAUSE)
    except ValueError as err:
        # a duration, only too long: that error says the limit; anything else gets the forms
        problem = (problem_of(err) if _is_duration(text) else
                   _("not understood; {hint}", hint=pause_hint()))
        raise UserError(f"pause {spec.strip()[:40]}", problem) from None
    if seconds <= 0:
        raise UserError(f"pause {spec.strip()}", _("is empty; {hint}", hint=pause_hint()))
    return Pause(seconds=seconds)


def _is_duration(text: str) -> bool:
    """Whether `text` is written as a duration, whatever its length."""
    try:
        parse_duration(text, longest=2**62)
    except ValueError:
        return False
    return True


def _duration(text: str, command: str) -> int:
    try:
        seconds = parse_duration(text)
    except ValueError as err:
        raise UserError(f"{command} {text[:40]}", problem_of(err)) from None
    if seconds <= 0:
        raise UserError(f"{command} {text}", _("must be longer than zero; {hint}",
                                               hint=duration_hint()))
    return seconds


def to_wire(command: Command) -> dict[str, object]:
    """The JSON form a command travels in over the control socket."""
    name = next(key for key, kind in NAMES.items() if type(command) is kind)
    message: dict[str, object] = {"cmd": name}
    if isinstance(command, Snooze) and command.seconds is not None:
        message["seconds"] = command.seconds
    elif isinstance(command, (Done, Rate)) and command.feedback is not None:
        message["feedback"] = command.feedback.value
    elif isinstance(command, Guided):
        message.update(exercise=command.exercise, seconds=max(1, round(command.seconds)),
                       complete=command.complete)
    elif isinstance(command, Start):
        if command.exercise is not None:
            message["exercise"] = command.exercise
        if command.elsewhere:
            message["elsewhere"] = True
    elif isinstance(command, Pause):
        if command.seconds is not None:
            message["seconds"] = command.seconds
        if command.at is not None:
            message["at"] = command.at.strftime("%H:%M")
        if command.tomorrow:
            message["tomorrow"] = True
    return message


# The fields each command may carry over the control socket (besides "cmd" and "id").
WIRE_FIELDS: dict[Callable[..., Command], frozenset[str]] = {
    Snooze: frozenset({"seconds"}), Pause: frozenset({"seconds", "at", "tomorrow"}),
    Done: frozenset({"feedback"}), Rate: frozenset({"feedback"}),
    Guided: frozenset({"exercise", "seconds", "complete"}),
    Start: frozenset({"exercise", "elsewhere"}),
}


def from_wire(message: dict[str, Any]) -> Command:
    """The inverse of to_wire, checked as strictly as the command line: each field of its type,
    and only the fields the command takes."""
    name = message.get("cmd")
    kind = NAMES.get(name) if isinstance(name, str) else None
    if kind is None:
        raise UserError(_command(repr(str(name)[:40])), _not_a_command())
    extra = set(message) - WIRE_FIELDS.get(kind, frozenset()) - {"cmd", "id"}
    if extra:
        if not WIRE_FIELDS.get(kind):
            raise UserError(_command(name), _("takes no argument"))
        raise UserError(_command(name), _("unknown field(s) {fields}",
                                          fields=", ".join(sorted(str(f)[:20] for f in extra))))
    seconds = message.get("seconds")
    longest = LONGEST_PAUSE if kind is Pause else LONGEST_INTERVAL
    if seconds is not None and (not isinstance(seconds, int) or isinstance(seconds, bool)
                                or not 0 < seconds <= longest):
        raise UserError(f"{name} {str(seconds)[:20]}",
                        _("must be a whole number of seconds from 1 to {longest}",
                          longest=longest))
    if kind is Guided:
        exercise, complete = message.get("exercise"), message.get("complete")
        if not (isinstance(exercise, str) and 0 < len(exercise) <= 64
                and isinstance(complete, bool) and seconds is not None):
            # TRANSLATORS: the fields of the message `glutewake guide` sends; "complete" is
            # the field's name
            raise UserError("guided", _("needs an exercise id, whole seconds and complete"))
        return Guided(exercise, float(seconds), complete)
    if kind is Start:
        exercise, elsewhere = message.get("exercise"), message.get("elsewhere", False)
        if not ((exercise is None or isinstance(exercise, str) and 0 < len(exercise) <= 64)
                and isinstance(elsewhere, bool)):
            # TRANSLATORS: the fields of a start message; "elsewhere" is the field's name
            raise UserError("start", _("takes an exercise id and elsewhere (true or false)"))
        return Start(exercise, elsewhere)
    if kind in (Done, Rate):
        feedback = message.get("feedback")
        if feedback is None and kind is Done:
            return Done()
        if feedback not in tuple(Feedback):
            raise UserError(f"{name} {str(feedback)[:20]}",
                            _("feedback is one of {words}, with done or rate",
                              words=feedback_words()))
        return kind(Feedback(feedback))
    if kind is Snooze:
        return Snooze(seconds)
    if kind is Pause:
        return _pause_from_wire(seconds, message.get("at"), message.get("tomorrow"))
    return kind()


def _pause_from_wire(seconds: int | None, at: object, tomorrow: object) -> Pause:
    if at is not None and not isinstance(at, str):
        raise UserError("pause at", _('must be a time of day as text, like "14:30"'))
    if tomorrow is not None and not isinstance(tomorrow, bool):
        raise UserError("pause tomorrow", _("must be true or false"))
    clock_text = at or ""
    try:
        clock = parse_clock(at) if at is not None else None
    except ValueError as err:
        raise UserError(f"pause until {clock_text[:20]}", problem_of(err)) from None
    if sum(x is not None and x is not False for x in (seconds, clock, tomorrow)) > 1:
        raise UserError("pause", _("give one of a duration, a time or tomorrow"))
    return Pause(seconds, clock, bool(tomorrow))
