"""The coach in calls and meetings: a call holds the reminder and counts as sitting, even with no
input; an idle inhibitor keeps the sitting clock running; a locked screen is still away."""

from glutewake.core.events import Hold, Kind, Phase, Reason
from glutewake.words import phrases
from tests.support.helpers import Desk, records, reminders

CALL = Hold(Reason.MICROPHONE, source="zoom")


def test_a_call_with_no_input_is_sitting_not_a_natural_break():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(10 * 60)
    desk.hold = CALL
    desk.leave(15 * 60)  # listening in a call: no keyboard, no mouse
    status = desk.coach.status()
    assert status.phase == Phase.SITTING
    assert round(status.sitting) == 25 * 60
    assert not records(desk.effects, Kind.NATURAL_BREAK)


def test_a_reminder_due_in_a_call_is_held_and_comes_at_once_when_it_ends_saying_so():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(20 * 60)
    desk.hold = CALL
    desk.leave(15 * 60, step=2)
    assert not reminders(desk.effects)
    assert desk.coach.status().phase == Phase.HELD
    assert desk.coach.wake_in() == 2.0  # the daemon looks again within seconds
    desk.hold = None
    new = desk.leave(2, step=2)  # the call ends; still no input yet
    [remind] = reminders(new)
    assert remind.after == CALL
    assert phrases.reminder_title(remind).startswith("The call is over")
    [reminded] = records(new, Kind.REMINDED)
    assert reminded.reason is Reason.MICROPHONE and reminded.duration >= 5 * 60


def test_a_meeting_reminder_says_the_meeting_is_over_and_an_app_hold_says_nothing_special():
    desk = Desk(every="30m")
    desk.hold = Hold(Reason.MEETING, source="Standup", until=None)
    desk.sit(31 * 60)
    desk.hold = None
    [remind] = reminders(desk.sit(2, step=2))
    assert phrases.reminder_title(remind).startswith("The meeting is over")

    other = Desk(every="30m")
    other.hold = Hold(Reason.APP, source="obs")
    other.sit(31 * 60)
    other.hold = None
    [remind] = reminders(other.sit(2, step=2))
    assert remind.after is None
    assert phrases.reminder_title(remind).startswith("Time to stand")


def test_idle_after_a_call_ends_counts_as_away_from_the_end_not_from_the_last_input():
    desk = Desk(every="60m", natural_break="5m")
    desk.sit(10 * 60)
    desk.hold = CALL
    desk.leave(20 * 60)  # idle grows to 20 min during the call
    desk.hold = None
    desk.leave(4 * 60)  # gone for 4 min after the call: not a break yet
    status = desk.coach.status()
    assert status.phase == Phase.SITTING
    assert round(status.sitting) >= 30 * 60
    desk.leave(2 * 60)  # now 6 min since the call ended
    assert desk.coach.status().phase == Phase.AWAY
    [natural] = records(desk.effects, Kind.NATURAL_BREAK)
    assert natural.sitting >= 30 * 60  # the call stayed sitting time


def test_an_idle_inhibitor_keeps_the_sitting_clock_running_but_a_lock_is_still_away():
    desk = Desk(every="60m", natural_break="5m")
    desk.sit(5 * 60)
    desk.inhibitor = "mpv (Playing video)"
    desk.leave(20 * 60)
    assert desk.coach.status().phase == Phase.SITTING
    assert round(desk.coach.status().sitting) == 25 * 60
    desk.leave(6 * 60, locked=True)
    assert desk.coach.status().phase == Phase.AWAY
    assert records(desk.effects, Kind.NATURAL_BREAK)


def test_without_an_inhibitor_the_same_film_is_a_natural_break():
    desk = Desk(every="60m", natural_break="5m")
    desk.sit(5 * 60)
    desk.leave(20 * 60)
    assert desk.coach.status().phase == Phase.AWAY


def test_status_says_what_holds_and_since_when_naming_the_event():
    desk = Desk(every="30m")
    desk.sit(10 * 60)
    desk.hold = Hold(Reason.MEETING, source="Design review", until=desk.wall + 3600)
    began = desk.wall + 15
    desk.sit(25 * 60)
    status = desk.coach.status()
    assert status.phase == Phase.HELD
    assert status.hold_since == began
    line = phrases.status_line(status, desk.wall)
    assert "held since" in line and "in a meeting: Design review until" in line
    # another reason starts a new "since"
    desk.hold = CALL
    desk.sit(15)
    assert desk.coach.status().hold_since == desk.wall
    assert "microphone in use (zoom)" in phrases.status_line(desk.coach.status(), desk.wall)
    desk.hold = None
    desk.sit(15)
    assert desk.coach.status().hold_since is None


def test_a_known_meeting_end_is_looked_at_when_it_comes():
    desk = Desk(every="30m")
    desk.sit(29 * 60)
    desk.hold = Hold(Reason.MEETING, source="Standup", until=desk.wall + 600)
    desk.sit(2 * 60)
    assert desk.coach.status().phase == Phase.HELD
    assert abs(desk.coach.wake_in() - (600 - 120)) < 1


def test_after_a_call_the_next_look_is_planned_from_the_end_of_the_call_not_at_once():
    desk = Desk(every="60m", natural_break="5m")
    desk.sit(5 * 60)
    desk.hold = CALL
    desk.leave(20 * 60)
    desk.hold = None
    desk.leave(60)
    # idle is 21 min, but only the minute since the call counts: a look in about 4 min
    assert 3 * 60 < desk.coach.wake_in() <= 4 * 60
