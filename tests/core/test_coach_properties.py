"""Property tests: random days of sitting, idling, locking, sleeping, clock jumps and commands."""

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from glutewake.core.coach import Coach, Observation, Remind, Withdraw
from glutewake.core.commands import Done, Pause, Reconfigure, Resume, Skip, Snooze
from glutewake.core.events import Hold, Reason
from tests.support.helpers import START_WALL, records, settings

SETTINGS = settings(every="20m", natural_break="3m", snooze="5m", remind_again="2m",
                    max_reminders=3, heads_up="1m")

step = st.one_of(
    st.tuples(st.just("look"), st.floats(0, 120), st.one_of(st.none(), st.floats(0, 900)),
              st.booleans(), st.sampled_from([None, None, Hold(Reason.DO_NOT_DISTURB)])),
    st.tuples(st.just("sleep"), st.floats(0, 4 * 3600)),
    st.tuples(st.just("clock"), st.floats(-7200, 7200)),
    st.tuples(st.just("cmd"), st.sampled_from(["done", "skip", "snooze", "resume", "reconfigure"])),
    st.tuples(st.just("pause"), st.one_of(st.none(), st.floats(1, 7200))),
)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=120))
def test_invariants_hold_for_any_day(steps):
    coach = Coach(SETTINGS)
    wall, mono, running, jumped_back = START_WALL, 0.0, 0.0, False
    offered = {e.id for e in SETTINGS.offered}
    start_wall = wall
    coach.observe(Observation(wall, mono, 0.0))
    last_remind_sitting = None  # sitting time of the previous reminder in the same stretch
    idle, locked, quiet = 0.0, False, None

    for item in steps:
        kind = item[0]
        if kind == "look":
            _, dt, idle, locked, quiet = item
            wall, mono, running = wall + dt, mono + dt, running + dt
            effects = coach.observe(Observation(wall, mono, idle, locked, quiet))
        elif kind == "sleep":
            wall += item[1]
            effects = coach.observe(Observation(wall, mono, 0.0, False, quiet))
        elif kind == "clock":
            wall += item[1]
            jumped_back |= item[1] < 0
            effects = coach.observe(Observation(wall, mono, idle, locked, quiet))
        elif kind == "pause":
            effects = coach.command(Pause() if item[1] is None else Pause(seconds=int(item[1])))
        else:
            command = {"done": Done(), "skip": Skip(), "snooze": Snooze(), "resume": Resume(),
                       "reconfigure": Reconfigure(SETTINGS)}[item[1]]
            effects = coach.command(command)

        status = coach.status()
        assert status.sitting >= 0
        assert status.sitting <= running + 1e-6  # never more than the time the machine ran
        if not jumped_back:
            assert status.sitting <= wall - start_wall + 1e-6
        assert status.due_in >= 0
        if any(r.kind in ("done", "skipped", "natural_break", "snoozed", "paused")
               for r in records(effects)) or any(isinstance(e, Withdraw) for e in effects):
            last_remind_sitting = None
        for effect in effects:
            if isinstance(effect, Remind):
                assert status.phase not in ("paused", "away", "held")
                assert quiet is None, "no reminder while reminders must wait"
                assert effect.exercise.id in offered
                assert effect.count <= SETTINGS.breaks.max_reminders
                if last_remind_sitting is not None:
                    assert (effect.sitting - last_remind_sitting
                            >= SETTINGS.breaks.remind_again - 1e-6)
                last_remind_sitting = effect.sitting
        wake = coach.wake_in()
        assert wake is None or wake >= 0


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["done", "skip", "natural"]), min_size=2, max_size=40))
def test_never_the_same_exercise_twice_in_a_row(answers):
    coach = Coach(SETTINGS)
    wall, mono = START_WALL, 0.0
    coach.observe(Observation(wall, mono, 0.0))
    shown = []
    for answer in answers:
        wall, mono = wall + SETTINGS.breaks.every, mono + SETTINGS.breaks.every
        effects = coach.observe(Observation(wall, mono, 0.0))
        shown += [e.exercise.id for e in effects if isinstance(e, Remind)]
        if answer == "done":
            coach.command(Done())
        elif answer == "skip":
            coach.command(Skip())
        else:
            wall, mono = wall + 600, mono + 600
            coach.observe(Observation(wall, mono, 600.0))
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))
