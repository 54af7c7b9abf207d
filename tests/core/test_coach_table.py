"""The coach as a table: every (phase, command) pair has an entry, each reached here, and a
command that makes no sense in a phase gets its explicit answer. A hypothesis day from every
phase checks the invariants around the table."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from glutewake.core import phases
from glutewake.core.coach import LOOKS, TRANSITIONS, Answer, Coach, Reply
from glutewake.core.commands import (
    Done,
    EndGuide,
    Guided,
    Pause,
    Rate,
    Reconfigure,
    Resume,
    Skip,
    Snooze,
    Start,
    Stop,
)
from glutewake.core.dose import Feedback
from glutewake.core.events import Hold, Kind, Reason
from tests.support.helpers import Desk, records, settings

EVERY = 30 * 60
SETTINGS = settings(every="30m", snooze="5m", remind_again="5m", natural_break="5m")


def in_phase(name: str) -> Desk:
    """A desk whose coach is in the named phase."""
    desk = Desk(Coach(SETTINGS))
    if name == "Sitting":
        desk.sit(60)
    elif name == "Snoozed":
        desk.sit(60)
        desk.command(Snooze())
    elif name == "Due":
        desk.sit(EVERY)
    elif name == "Held":
        desk.hold = Hold(Reason.DO_NOT_DISTURB)
        desk.sit(EVERY)
    elif name == "Paused":
        desk.sit(60)
        desk.command(Pause(seconds=3600))
    elif name == "Away":
        desk.sit(60)
        desk.leave(10 * 60)
    elif name == "GuidedBreak":
        desk.sit(EVERY)
        desk.command(Start())
    assert type(desk.coach.state).__name__ == name, desk.coach.state
    return desk


def sample(command: type, desk: Desk):
    return {
        Done: Done(), Rate: Rate(Feedback.EASY), Snooze: Snooze(), Skip: Skip(),
        Pause: Pause(seconds=600), Resume: Resume(), Stop: Stop(),
        Reconfigure: Reconfigure(desk.coach.settings), Start: Start(), EndGuide: EndGuide(),
        Guided: Guided(desk.coach.exercise.id, 60.0, True),
    }[command]


# The explicit refusals: what makes no sense where, and what it answers.
REFUSALS = {
    ("Paused", Snooze): Reply.NOTHING_TO_SNOOZE,
    **{(phase, Resume): Reply.NOT_PAUSED
       for phase in ("Sitting", "Snoozed", "Due", "Held", "Away", "GuidedBreak")},
    **{(phase, EndGuide): Reply.NOT_GUIDING
       for phase in ("Sitting", "Snoozed", "Due", "Held", "Paused", "Away")},
    ("GuidedBreak", Start): Reply.ALREADY_GUIDING,
    **{(phase, Skip): Reply.NOTHING_TO_SKIP for phase in ("Sitting", "Snoozed", "Paused", "Away")},
    **{(phase, Rate): Reply.NOTHING_TO_RATE
       for phase in ("Sitting", "Snoozed", "Due", "Held", "Paused", "Away", "GuidedBreak")},
}


def test_every_phase_and_every_command_has_an_entry():
    kinds = {Done, Rate, Snooze, Skip, Pause, Resume, Stop, Reconfigure, Start, EndGuide, Guided}
    states = {phases.Sitting, phases.Snoozed, phases.Due, phases.Held, phases.Paused,
              phases.Away, phases.GuidedBreak}
    assert set(TRANSITIONS) == {(s, k) for s in states for k in kinds}
    assert set(LOOKS) == states


@pytest.mark.parametrize("phase, command", sorted(TRANSITIONS, key=lambda k: (k[0].__name__,
                                                                                  k[1].__name__)),
                         ids=lambda v: v.__name__)
def test_each_entry_answers_once_and_leaves_a_valid_phase(phase, command):
    desk = in_phase(phase.__name__)
    effects = desk.command(sample(command, desk))
    answers = [e for e in effects if isinstance(e, Answer)]
    assert len(answers) == 1, effects
    refused = REFUSALS.get((phase.__name__, command))
    if refused is not None:
        assert (answers[0].ok, answers[0].reply) == (False, refused)
        assert not records(effects, Kind.DONE) and not records(effects, Kind.SKIPPED)
    else:
        assert answers[0].ok, answers[0]
    assert type(desk.coach.state) in LOOKS
    status = desk.coach.status()
    assert status.phase == desk.coach.state.phase and status.sitting >= 0
    desk.sit(60)  # and the machine goes on from there
    assert desk.coach.status().sitting >= 0


def test_done_while_guiding_logs_one_guided_break_and_skip_a_partial_one():
    desk = in_phase("GuidedBreak")
    desk.sit(20)
    desk.command(Done())
    assert [r.guided for r in records(desk.effects, Kind.DONE)] == [True]
    desk = in_phase("GuidedBreak")
    desk.command(Skip())
    assert records(desk.effects, Kind.PARTIAL) and not records(desk.effects, Kind.DONE)


def test_snooze_pause_and_stop_end_a_guided_break_as_partial_first():
    for command in (Snooze(), Pause(seconds=600), Stop()):
        desk = in_phase("GuidedBreak")
        kinds = [r.kind for r in records(desk.command(command))]
        assert kinds[0] == Kind.PARTIAL, (command, kinds)


STEPS = st.lists(st.one_of(
    st.tuples(st.just("sit"), st.floats(1, 900)),
    st.tuples(st.just("leave"), st.floats(1, 1200), st.booleans()),
    st.tuples(st.just("sleep"), st.floats(0, 7200)),
    st.tuples(st.just("hold"), st.booleans()),
    st.tuples(st.just("cmd"), st.sampled_from([Done, Rate, Snooze, Skip, Pause, Resume,
                                               Reconfigure, Start, EndGuide, Guided])),
), max_size=40)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Sitting", "Snoozed", "Due", "Held", "Paused", "Away", "GuidedBreak"]),
       STEPS)
def test_a_day_from_any_phase_keeps_the_invariants(start, steps):
    desk = in_phase(start)
    for step in steps:
        if step[0] == "sit":
            new = desk.sit(step[1], step=30)
        elif step[0] == "leave":
            new = desk.leave(step[1], step=30, locked=step[2])
        elif step[0] == "sleep":
            new = desk.sleep(step[1])
        elif step[0] == "hold":
            desk.hold = Hold(Reason.DO_NOT_DISTURB) if step[1] else None
            new = desk.observe()
        else:
            new = desk.command(sample(step[1], desk))
            assert len([e for e in new if isinstance(e, Answer)]) == 1
        status = desk.coach.status()
        assert status.sitting >= 0 and status.due_in >= 0
        assert status.phase == desk.coach.state.phase
        wake = desk.coach.wake_in()
        assert wake is None or wake >= 0
    numbers = [r.reminder for r in records(desk.effects, Kind.REMINDED)]
    assert all(n >= 1 for n in numbers)
    ends = {Kind.DONE, Kind.SKIPPED, Kind.NATURAL_BREAK}
    last = 0
    for record in records(desk.effects):  # within a stretch reminders count up by one
        if record.kind in ends:
            last = 0
        elif record.kind == Kind.REMINDED:
            assert record.reminder == last + 1, desk.effects
            last = record.reminder


# --- other computers, through the synced folder ----------------------------------------------

def test_a_break_on_another_computer_ends_this_stretch_and_takes_the_reminder_down():
    from glutewake.core.effects import Withdraw

    desk = Desk(Coach(SETTINGS))
    desk.sit(EVERY)
    assert desk.coach.status().phase == "due"
    desk.remote_break = desk.wall - 5  # a done on the laptop, a moment ago
    new = desk.observe()
    assert any(isinstance(e, Withdraw) for e in new)
    assert desk.coach.status().phase == "sitting" and desk.coach.status().sitting < 60
    assert not records(new, Kind.DONE)  # it is in the journal already, from the other computer


def test_a_break_elsewhere_before_this_stretch_began_changes_nothing():
    desk = Desk(Coach(SETTINGS))
    desk.remote_break = desk.wall - 3600
    desk.sit(20 * 60)
    assert desk.coach.status().sitting >= 20 * 60 - 1


def test_input_on_another_computer_is_sitting_there_not_a_break_and_it_shows_the_reminder():
    desk = Desk(Coach(SETTINGS))
    desk.sit(10 * 60)

    def elsewhere(seconds: float) -> list:
        new = []
        for _ in range(int(seconds // 30)):
            desk.remote_input = desk.wall  # typing on the laptop now
            new += desk.leave(30, step=30)
        return new

    new = elsewhere(25 * 60)  # no input here for 25 minutes, but at the laptop all along
    assert not records(desk.effects, Kind.NATURAL_BREAK)
    assert desk.coach.status().sitting == pytest.approx(35 * 60, abs=31)
    assert not [e for e in new if type(e).__name__ == "Remind"]  # the laptop shows it
    desk.remote_input = desk.wall - 3600  # back here
    assert [e for e in desk.sit(60) if type(e).__name__ == "Remind"]
