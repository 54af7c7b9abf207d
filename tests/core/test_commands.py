"""One command model: the CLI words, the control socket's JSON and the notification buttons all
become the same typed commands, and anything unknown is an error, never a default."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glutewake.core import commands
from glutewake.core.commands import (
    Done,
    Pause,
    Quit,
    Rate,
    Reload,
    Resume,
    ShowStatus,
    Skip,
    Snooze,
    UnknownAction,
)
from glutewake.core.dose import Feedback
from glutewake.core.errors import UserError
from glutewake.i18n import render


@pytest.mark.parametrize("name, words, command", [
    ("done", "", Done()), ("skip", "", Skip()), ("resume", "", Resume()), ("quit", "", Quit()),
    ("status", "", ShowStatus()), ("reload", "", Reload()),
    ("done", "easy", Done(Feedback.EASY)), ("rate", "hard", Rate(Feedback.HARD)),
    ("done", "pain", Done(Feedback.PAIN)), ("rate", "pain", Rate(Feedback.PAIN)),
    ("snooze", "", Snooze()), ("snooze", "20m", Snooze(1200)),
    ("pause", "", Pause()), ("pause", "30m", Pause(seconds=1800)),
    ("pause", "until 9:05", Pause(at=time(9, 5))), ("pause", "tomorrow", Pause(tomorrow=True)),
    ("pause", "Until 16:15", Pause(at=time(16, 15))),
])
def test_command_line_words_become_commands(name, words, command):
    assert commands.parse(name, words) == command


@pytest.mark.parametrize("name, words, where", [
    ("pause", "forever", "pause forever"), ("pause", "until 25:00", "pause until 25:00"),
    ("pause", "0s", "pause 0s"), ("pause", "until", "pause until"),
    ("snooze", "0s", "snooze 0s"), ("snooze", "soon", "snooze soon"),
    ("done", "now", "done now"), ("dance", "", "command 'dance'"),
])
def test_bad_words_are_one_line_errors_naming_the_command(name, words, where):
    with pytest.raises(UserError) as err:
        commands.parse(name, words)
    assert render(err.value.where) == where and "\n" not in str(err.value)


every_command = st.one_of(
    st.sampled_from([Done(), Skip(), Resume(), Quit(), Reload(), ShowStatus(), Snooze(), Pause(),
                     Pause(tomorrow=True), Done(Feedback.EASY), Rate(Feedback.HARD),
                     Done(Feedback.PAIN), Rate(Feedback.PAIN)]),
    st.integers(1, 86400).map(Snooze), st.integers(1, 30 * 86400).map(lambda s: Pause(seconds=s)),
    st.times().map(lambda t: Pause(at=t.replace(second=0, microsecond=0))),
)


@given(every_command)
def test_every_command_survives_the_wire(command):
    assert commands.from_wire(commands.to_wire(command)) == command


@pytest.mark.parametrize("message", [
    {"cmd": "snoze"}, {"cmd": 5}, {}, {"cmd": "done", "arg": "x"}, {"cmd": "snooze", "seconds": -1},
    {"cmd": "snooze", "seconds": True}, {"cmd": "pause", "at": "25:00"},
    {"cmd": "pause", "seconds": 60, "tomorrow": True}, {"cmd": "done", "seconds": 5},
    # wrong types are refused, not read as "no value"
    {"cmd": "pause", "at": {"hour": 14}}, {"cmd": "pause", "at": ["14:30"]},
    {"cmd": "pause", "tomorrow": "yes"}, {"cmd": "pause", "tomorrow": 1},
    {"cmd": "done", "feedback": ["easy"]}, {"cmd": "snooze", "feedback": "easy"},
    {"cmd": "rate", "feedback": "sore"}, {"cmd": "rate"},
    {"cmd": "snooze", "at": "14:30"}, {"cmd": "skip", "tomorrow": False},
])
def test_a_bad_wire_message_is_refused(message):
    with pytest.raises(UserError):
        commands.from_wire(message)


def test_notification_buttons_map_to_commands_and_an_unknown_key_is_an_error():
    assert commands.from_action("done") == Done()
    assert commands.from_action("snooze") == Snooze()
    assert commands.from_action("skip") == Skip()
    assert commands.from_action("pain") == Rate(Feedback.PAIN)  # the guide's last step
    with pytest.raises(UnknownAction):
        commands.from_action("default")  # "show the exercise" is the notifier's own business


def coach_takes(command) -> None:
    """A parsed command goes through a coach without a traceback."""
    from glutewake.core.coach import Coach, Observation
    from tests.support.helpers import START_WALL, settings

    coach = Coach(settings())
    coach.observe(Observation(START_WALL, 0.0, 0.0))
    if isinstance(command, (Done, Skip, Snooze, Pause, Resume)):
        coach.command(command)
        coach.observe(Observation(START_WALL + 10**6, 10.0**6, 0.0))


@given(st.sampled_from(sorted(commands.NAMES) + ["", "x"]), st.text(max_size=80))
def test_any_words_give_a_command_or_a_one_line_error(name, words):
    try:
        command = commands.parse(name, words)
    except UserError as err:
        assert "\n" not in str(err) and len(str(err)) < 300
        return
    coach_takes(command)


wire_values = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                        st.text(max_size=20), st.floats(allow_nan=True),
                        st.lists(st.integers(), max_size=3))


@given(st.dictionaries(st.sampled_from(["cmd", "seconds", "at", "tomorrow", "id", "arg"]),
                       wire_values)
       | st.fixed_dictionaries({"cmd": st.sampled_from(sorted(commands.NAMES))},
                               optional={"seconds": wire_values, "at": wire_values,
                                         "tomorrow": wire_values}))
def test_any_wire_message_gives_a_command_or_a_one_line_error(message):
    try:
        command = commands.from_wire(message)
    except UserError as err:
        assert "\n" not in str(err) and len(str(err)) < 300
        return
    coach_takes(command)


@pytest.mark.parametrize("words, fits", [("24h", True), ("24h1s", False), ("1" * 400 + "h", False)])
def test_snooze_is_bounded_by_a_day(words, fits):
    if fits:
        assert commands.parse("snooze", words) == Snooze(86400)
    else:
        with pytest.raises(UserError):
            commands.parse("snooze", words)


def test_pause_is_bounded_by_thirty_days():
    assert commands.parse("pause", "720h") == Pause(seconds=30 * 86400)
    with pytest.raises(UserError, match="longer than 30 days"):
        commands.parse("pause", "721h")


def test_a_wire_message_with_fields_of_the_right_type_still_reads():
    assert commands.from_wire({"cmd": "pause", "at": "14:30", "tomorrow": False}) == \
        Pause(at=time(14, 30))
    assert commands.from_wire({"cmd": "pause", "tomorrow": True, "id": "ab"}) == \
        Pause(tomorrow=True)
