"""The sitting coach, driven by a fake clock: every rule of DESIGN.md section 3."""

import math
from datetime import UTC, datetime, time

import pytest

from glutewake.core.coach import Answer, Coach, Observation, Past, Remind, Reply, Withdraw
from glutewake.core.commands import Done, Pause, Reconfigure, Resume, Skip, Snooze, Stop
from glutewake.core.events import Hold, Reason, Record
from glutewake.words.phrases import answer as words
from tests.support.helpers import START_WALL, Desk, records, reminders, settings


def answer(effects) -> Answer:
    found = [e for e in effects if isinstance(e, Answer)]
    assert len(found) == 1, effects
    return found[0]


def said(effects) -> str:
    return words(answer(effects), START_WALL)


def test_first_observation_journals_started_and_sitting_accrues():
    desk = Desk(every="30m")
    assert [r.kind for r in records(desk.effects)] == ["started"]
    desk.sit(600)
    assert desk.coach.status().sitting == pytest.approx(600)
    assert desk.coach.status().phase == "sitting"
    assert desk.coach.status().due_in == pytest.approx(1200)


def test_exactly_one_reminder_when_the_stretch_reaches_every():
    desk = Desk(every="30m", remind_again="5m")
    assert not reminders(desk.sit(30 * 60 - 15))
    fired = reminders(desk.sit(15))
    assert len(fired) == 1
    assert fired[0].count == 1 and fired[0].sitting == pytest.approx(1800)
    assert fired[0].exercise in desk.coach.settings.offered
    assert not reminders(desk.sit(4 * 60 + 45))  # nothing more before remind_again
    assert desk.coach.status().phase == "due"
    assert records(desk.effects, "reminded")[0].exercise == fired[0].exercise.id


def test_unanswered_reminder_repeats_every_remind_again_up_to_max():
    desk = Desk(every="30m", remind_again="5m", max_reminders=3)
    desk.sit(30 * 60)
    later = reminders(desk.sit(60 * 60, step=5))
    assert [r.count for r in later] == [2, 3]
    assert [r.sitting for r in later] == [pytest.approx(35 * 60), pytest.approx(40 * 60)]
    assert later[-1].final
    assert len({r.exercise for r in reminders(desk.effects)}) == 1  # the same suggestion repeats
    assert desk.coach.status().phase == "due"  # still due, silently


def test_short_idle_counts_as_sitting():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(600)
    desk.leave(4 * 60)  # reading: 4 minutes without input
    desk.sit(60)
    assert desk.coach.status().sitting == pytest.approx(600 + 240 + 60)
    assert not records(desk.effects, "natural_break")


def test_long_idle_is_one_natural_break_and_the_stretch_ends_where_idle_began():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(20 * 60)
    desk.leave(15 * 60)
    breaks = records(desk.effects, "natural_break")
    assert len(breaks) == 1
    assert breaks[0].sitting == pytest.approx(20 * 60)  # the idle minutes are not sitting
    assert desk.coach.status().phase == "away"
    desk.sit(120)  # input again at the first look (idle 0): the fresh stretch starts there
    assert desk.coach.status().sitting == pytest.approx(120 - 15)
    assert len(records(desk.effects, "natural_break")) == 1


def test_away_at_the_due_moment_gives_no_reminder_and_back_starts_fresh():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(25 * 60)
    assert not reminders(desk.leave(20 * 60))
    desk.sit(10 * 60)
    assert not reminders(desk.effects)
    assert desk.coach.status().sitting == pytest.approx(600 - 15)


def test_natural_break_withdraws_a_shown_reminder_and_changes_the_suggestion():
    desk = Desk(every="30m", natural_break="5m")
    shown = reminders(desk.sit(30 * 60))[0].exercise
    effects = desk.leave(6 * 60)
    assert any(isinstance(e, Withdraw) for e in effects)
    assert desk.coach.exercise != shown


def test_locked_screen_counts_as_away_even_without_idle_source():
    desk = Desk(every="30m", natural_break="5m")
    desk.idle = None
    desk.sit(10 * 60)
    desk.sit(2 * 60, locked=True)  # a short lock: not sitting, not a break
    assert desk.coach.status().phase == "away"
    desk.sit(60)
    assert desk.coach.status().sitting == pytest.approx(11 * 60)
    assert not records(desk.effects, "natural_break")
    desk.sit(6 * 60, locked=True)  # a long lock: a natural break
    assert len(records(desk.effects, "natural_break")) == 1
    desk.sit(30)
    assert desk.coach.status().sitting == pytest.approx(30)


def test_unknown_idle_counts_everything_as_sitting():
    desk = Desk(every="30m")
    desk.idle = None
    fired = reminders(desk.sit(30 * 60))
    assert len(fired) == 1


def test_done_journals_the_break_with_exercise_and_stretch_and_starts_over():
    desk = Desk(every="30m")
    shown = reminders(desk.sit(31 * 60))[0]
    effects = desk.command(Done())
    done = records(effects, "done")[0]
    assert done.exercise == shown.exercise.id and done.sitting == pytest.approx(31 * 60)
    assert not done.early
    assert any(isinstance(e, Withdraw) for e in effects)
    assert answer(effects).ok
    assert desk.coach.status().sitting == 0
    assert desk.coach.exercise != shown.exercise  # never the same twice in a row
    assert desk.coach.past.done[shown.exercise.id] == desk.wall


def test_done_before_it_is_due_is_an_early_break():
    desk = Desk(every="30m")
    desk.sit(10 * 60)
    effects = desk.command(Done())
    assert records(effects, "done")[0].early
    assert "Early" in said(effects)
    assert not any(isinstance(e, Withdraw) for e in effects)


def test_skip_journals_and_starts_over_but_only_when_due():
    desk = Desk(every="30m")
    desk.sit(10 * 60)
    refused = desk.command(Skip())
    assert not answer(refused).ok and "nothing to skip" in said(refused)
    assert not records(refused)
    desk.sit(20 * 60)
    effects = desk.command(Skip())
    assert answer(effects).ok
    assert records(effects, "skipped")[0].sitting == pytest.approx(1800)
    assert desk.coach.status().sitting == 0


def test_snooze_defers_by_sitting_time_not_wall_time():
    desk = Desk(every="30m", natural_break="5m", snooze="10m")
    desk.sit(30 * 60)
    effects = desk.command(Snooze())
    assert records(effects, "snoozed") and any(isinstance(e, Withdraw) for e in effects)
    assert desk.coach.status().phase == "snoozed"
    quiet = desk.sit(5 * 60) + desk.leave(3 * 60)  # short idle: still sitting
    quiet += desk.sleep(2 * 60)  # a short suspend: wall time passes, sitting does not
    quiet += desk.sit(2 * 60 - 15)
    assert not reminders(quiet)
    assert reminders(desk.sit(15))


def test_snooze_with_a_duration_and_before_due():
    desk = Desk(every="30m")
    desk.sit(25 * 60)
    effects = desk.command(Snooze(20 * 60))
    assert answer(effects).ok and "put off" in said(effects)
    assert desk.coach.status().due_in == pytest.approx(25 * 60)  # 5 min left + 20 min


def test_pause_silences_until_its_end_then_a_due_break_fires():
    desk = Desk(every="30m")
    desk.sit(20 * 60)
    effects = desk.command(Pause(seconds=30 * 60))
    paused = records(effects, "paused")[0]
    assert answer(effects).ok and paused.until == desk.wall + 30 * 60
    assert paused.reason is Reason.MANUAL
    assert not reminders(desk.sit(30 * 60 - 15))
    assert desk.coach.status().phase == "paused"
    after = desk.sit(15)
    assert records(after, "resumed")[0].reason is Reason.TIMER
    assert reminders(after)  # sitting kept counting: 50 min


def test_pause_until_resumed_and_resume():
    desk = Desk(every="30m")
    desk.command(Pause())
    assert desk.coach.status().paused_until == math.inf
    assert not reminders(desk.sit(2 * 3600))
    effects = desk.command(Resume())
    assert records(effects, "resumed") and reminders(effects)  # due at once
    refused = desk.command(Resume())
    assert not answer(refused).ok and "not paused" in said(refused)


def test_pause_withdraws_the_reminder_on_screen():
    desk = Desk(every="30m")
    desk.sit(30 * 60)
    effects = desk.command(Pause(seconds=600))
    assert any(isinstance(e, Withdraw) for e in effects)


def test_pause_until_a_clock_time_is_its_next_occurrence_in_local_time():
    desk = Desk()  # START_WALL is 08:26:40 UTC; the desk's clock is UTC
    later = answer(desk.command(Pause(at=time(14, 30))))
    assert later.until == datetime(2025, 11, 22, 14, 30, tzinfo=UTC).timestamp()
    desk.command(Resume())
    tomorrow = answer(desk.command(Pause(at=time(7, 0))))
    assert tomorrow.until == datetime(2025, 11, 23, 7, 0, tzinfo=UTC).timestamp()


def test_pause_until_tomorrow_ends_at_the_morning_setting():
    desk = Desk()
    ends = answer(desk.command(Pause(tomorrow=True))).until
    assert ends == datetime(2025, 11, 23, 7, 0, tzinfo=UTC).timestamp()


def test_pause_ending_in_the_past_is_refused():
    desk = Desk()
    effects = desk.command(Pause(seconds=0))
    assert not answer(effects).ok
    assert desk.coach.status().phase == "sitting"


def test_suspend_counts_as_away_and_long_suspend_is_a_natural_break():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(20 * 60)
    desk.sleep(60 * 60)
    assert len(records(desk.effects, "natural_break")) == 1
    desk.sit(60)
    assert desk.coach.status().sitting == pytest.approx(60)


def test_a_short_suspend_is_not_sitting_and_not_a_break():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(20 * 60)
    desk.sleep(3 * 60)
    desk.sit(60)
    assert desk.coach.status().sitting == pytest.approx(21 * 60)
    assert not records(desk.effects, "natural_break")


def test_clock_set_back_an_hour_gives_no_negative_time_and_no_burst():
    desk = Desk(every="30m")
    desk.sit(10 * 60)
    desk.wall -= 3600
    desk.sit(60)
    assert desk.coach.status().sitting == pytest.approx(11 * 60)
    assert len(reminders(desk.sit(20 * 60))) == 1  # at 30 min, once


def test_clock_moved_forward_counts_as_time_away():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(29 * 60)
    desk.wall += 2 * 3600  # no monotonic time passed: the clock moved, or we slept
    assert not reminders(desk.sit(30))
    assert desk.coach.status().sitting == pytest.approx(15)  # a fresh stretch from the first look


def test_commands_before_the_first_look_are_refused_politely():
    coach = Coach(settings())
    effects = coach.command(Done())
    assert effects == [Answer(Reply.STARTING, ok=False)]


def test_stop_journals_stopped_and_withdraws():
    desk = Desk(every="30m")
    desk.sit(30 * 60)
    effects = desk.command(Stop())
    assert records(effects, "stopped")[0].sitting == pytest.approx(1800)
    assert any(isinstance(e, Withdraw) for e in effects)


def test_reconfigure_applies_a_new_interval_at_once():
    desk = Desk(every="30m")
    desk.sit(12 * 60)
    effects = desk.command(Reconfigure(settings(every="10m")))
    assert answer(effects).ok
    assert reminders(effects)  # 12 min of sitting is past the new 10 min interval


def test_reconfigure_keeps_a_snooze():
    desk = Desk(every="30m")
    desk.sit(30 * 60)
    desk.command(Snooze(600))
    desk.command(Reconfigure(settings(every="20m")))
    assert desk.coach.status().due_in == pytest.approx(600)


def test_wake_in_points_at_the_due_moment_and_the_idle_threshold():
    desk = Desk(every="30m", natural_break="5m")
    desk.sit(29 * 60)
    assert desk.coach.wake_in() == pytest.approx(60)
    desk.leave(4 * 60 + 30, step=270)
    assert desk.coach.wake_in() == pytest.approx(30)  # when the idle turns into a break


def test_history_steers_the_first_suggestion():
    every = settings().offered
    done = {e.id: START_WALL - 100 for e in every}
    done[every[3].id] = START_WALL - 10_000  # the one done longest ago
    coach = Coach(settings(), Past(done=done))
    assert coach.exercise == every[3]


def test_reminder_effect_order_is_remind_then_record():
    desk = Desk(every="30m")
    effects = desk.sit(30 * 60)
    kinds = [type(e) for e in effects if isinstance(e, (Remind, Record))]
    assert kinds[-2:] == [Remind, Record]


def test_first_observation_while_away_journals_no_empty_natural_break():
    coach = Coach(settings())
    effects = coach.observe(Observation(START_WALL, 5.0, idle=3600.0))
    assert [r.kind for r in records(effects)] == ["started"]
    assert coach.status().phase == "away"


def test_a_due_reminder_is_held_while_quiet_and_fires_once_after():
    desk = Desk(every="30m", remind_again="5m")
    desk.sit(29 * 60)
    desk.hold = Hold(Reason.FULLSCREEN)
    effects = desk.sit(10 * 60)
    assert not reminders(effects)
    held = records(effects, "held")
    assert len(held) == 1 and held[0].reason is Reason.FULLSCREEN
    assert desk.coach.status().phase == "held"
    assert desk.coach.wake_in() == 2.0  # look often, to fire soon after the hold ends
    desk.hold = None
    fired = desk.sit(2, step=2)
    assert len(reminders(fired)) == 1
    reminded = records(fired, "reminded")[0]
    assert (reminded.reminder, reminded.reason) == (1, Reason.FULLSCREEN)
    assert 9 * 60 <= reminded.duration <= 9 * 60 + 15  # held from the look that found it due
    assert not reminders(desk.sit(4 * 60))  # once, then the usual repeat rhythm


def test_skip_and_done_work_on_a_held_break():
    desk = Desk(every="30m")
    desk.hold = Hold(Reason.DO_NOT_DISTURB)
    desk.sit(31 * 60)
    assert answer(desk.command(Skip())).ok
    desk.sit(31 * 60)
    assert not records(desk.command(Done()), "done")[0].early  # not early: it was due


def test_walking_away_drops_a_held_reminder():
    desk = Desk(every="30m", natural_break="5m")
    desk.hold = Hold(Reason.APP, "zoom")
    desk.sit(31 * 60)
    desk.leave(10 * 60)
    desk.hold = None
    assert not reminders(desk.sit(60))
    assert desk.coach.status().phase == "sitting"


def test_heads_up_once_before_the_break_then_the_reminder():
    from glutewake.core.coach import HeadsUp

    desk = Desk(every="30m", heads_up="1m")
    early = desk.sit(29 * 60 - 15)
    assert not [e for e in early if isinstance(e, HeadsUp)]
    notes = [e for e in desk.sit(15) if isinstance(e, HeadsUp)]
    assert len(notes) == 1 and notes[0].due_in == pytest.approx(60)
    assert not [e for e in desk.sit(45) if isinstance(e, HeadsUp)]
    assert reminders(desk.sit(15))
    desk.command(Done())
    assert len([e for e in desk.sit(30 * 60) if isinstance(e, HeadsUp)]) == 1  # each stretch


def test_no_heads_up_while_quiet_or_when_off():
    from glutewake.core.coach import HeadsUp

    desk = Desk(every="30m")
    assert not [e for e in desk.sit(30 * 60) if isinstance(e, HeadsUp)]
    quiet = Desk(every="30m", heads_up="1m")
    quiet.hold = Hold(Reason.DO_NOT_DISTURB)
    assert not [e for e in quiet.sit(30 * 60) if isinstance(e, HeadsUp)]


# --- pain ---------------------------------------------------------------------------------------

def test_pain_rests_the_move_for_a_week_and_says_when_to_see_someone():
    from glutewake.core.commands import Rate
    from glutewake.core.dose import REST_AFTER_PAIN, Feedback, Why

    desk = Desk(every="30m")
    desk.sit(30 * 60)
    hurt = desk.coach.exercise
    effects = desk.command(Done(Feedback.PAIN))
    assert [(r.kind, r.feedback) for r in records(effects)][-2:] == [("done", None),
                                                                  ("feedback", "pain")]
    text = said(effects)
    assert "Break logged" in text
    assert f"Noted: {hurt.name} is left out of your reminders for a week" in text
    assert f"When it is back, try the easier way first: {hurt.easier}" in text
    assert text.endswith("If the pain lasts or comes back, see a doctor or physiotherapist.")
    assert desk.coach.past.doses.of(hurt.id).why is Why.PAIN
    offered = set()
    while desk.wall < START_WALL + REST_AFTER_PAIN - 3600:  # a week of breaks: never suggested
        offered |= {r.exercise.id for r in reminders(desk.sit(30 * 60))}
        desk.command(Done())
        desk.sleep(3 * 3600)
    assert hurt.id not in offered and len(offered) > 3
    desk.sleep(2 * 3600)  # the week is over: it may come back
    assert hurt.id in {e.id for e in desk.coach.settings.offered}
    assert hurt.id not in desk.coach.past.resting(desk.wall)
    # `rate pain` after a break works the same way, and the next suggestion is another move
    desk.sit(30 * 60)
    desk.command(Done())
    last = records(desk.effects, "done")[-1].exercise
    rated = desk.command(Rate(Feedback.PAIN))
    assert [r.feedback for r in records(rated, "feedback")] == ["pain"]
    assert "see a doctor or physiotherapist" in said(rated)
    assert desk.coach.exercise.id != last and last in desk.coach.past.resting(desk.wall)


def test_a_move_that_hurt_stays_out_after_a_restart():
    import tempfile
    from pathlib import Path

    from glutewake.core.dose import Feedback
    from glutewake.store import stats
    from glutewake.store.journal import Journal

    with tempfile.TemporaryDirectory() as folder:
        journal = Journal(Path(folder) / "j.sqlite3")
        journal.record(Record("done", START_WALL, 1800, "wall-lean"))
        journal.record(Record("feedback", START_WALL, 0, "wall-lean", feedback=Feedback.PAIN))
        day = datetime.fromtimestamp(START_WALL).date()
        past = stats.past(journal.read, settings().catalog, day, START_WALL + 3 * 86400)
        assert past.resting(START_WALL + 3 * 86400) == {"wall-lean"}
        later = stats.past(journal.read, settings().catalog, day, START_WALL + 8 * 86400)
        assert later.resting(START_WALL + 8 * 86400) == set()
        journal.close()
    coach = Coach(settings(), past)
    desk = Desk(coach)
    seen = {coach.exercise.id}
    for _ in range(12):
        seen |= {r.exercise.id for r in reminders(desk.sit(30 * 60))}
        desk.command(Done())
    assert "wall-lean" not in seen
