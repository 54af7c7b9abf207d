"""Policy in the coach, with a fake clock: work hours and lunch hold reminders, the daily goal is
counted per local day, and level 2 unlocks from the breaks done."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from glutewake.core.coach import Answer, Coach, Observation, Past, Remind, Status
from glutewake.core.commands import Done
from glutewake.core.events import Hold, Phase, Reason
from glutewake.core.schedule import Schedule
from glutewake.words.phrases import status_line
from tests.support.helpers import configured, records, settings

MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC).timestamp()
HOURS = Schedule(True, frozenset(range(5)), time(9, 0), time(17, 0), (time(12, 0), time(13, 0)))


class Clock:
    """A desk whose clock reads local time at `offset` seconds east of UTC."""

    def __init__(self, coach: Coach, wall: float = MONDAY_8, offset: float = 0.0):
        self.coach, self.wall, self.mono, self.offset = coach, wall, 0.0, offset
        self.idle: float | None = 0.0
        self.effects = self.look()

    def look(self, hold: Hold | None = None):
        return self.coach.observe(Observation(self.wall, self.mono, self.idle, False, hold,
                                              self.offset))

    def sit(self, seconds: float, step: float = 30.0):
        found = []
        while seconds > 0:
            dt = min(step, seconds)
            self.wall, self.mono, seconds = self.wall + dt, self.mono + dt, seconds - dt
            found += self.look()
        return found


def with_hours(**breaks):
    return replace(settings(**breaks), schedule=HOURS)


def test_before_work_a_due_break_is_held_until_the_day_starts():
    desk = Clock(Coach(with_hours(every="30m")))
    desk.idle = None  # no idle source: no natural-break check to wake for
    effects = desk.sit(45 * 60)  # 08:00 to 08:45: due at 08:30, before work
    assert not [e for e in effects if isinstance(e, Remind)]
    held = records(effects, "held")
    assert len(held) == 1 and held[0].reason is Reason.OFF_HOURS
    status = desk.coach.status()
    assert status.phase is Phase.HELD and status.hold.until == MONDAY_8 + 3600
    assert desk.coach.wake_in() == 15 * 60  # looks again when work starts, not every 2 s
    fired = desk.sit(15 * 60)
    reminded = records(fired, "reminded")
    assert len(reminded) == 1 and reminded[0].reason is Reason.OFF_HOURS
    assert desk.wall == MONDAY_8 + 3600


def test_lunch_is_its_own_reason_and_the_status_line_names_its_end():
    desk = Clock(Coach(with_hours(every="30m")), wall=MONDAY_8 + 4 * 3600)  # 12:00
    desk.sit(40 * 60)
    status = desk.coach.status()
    assert status.hold == Hold(Reason.LUNCH, until=MONDAY_8 + 5 * 3600)
    assert status_line(status, desk.wall).startswith("Lunch until ")


def test_work_hours_follow_the_local_clock_not_utc():
    # 08:00 UTC is 09:00 in UTC+1: already work time there
    desk = Clock(Coach(with_hours(every="30m")), offset=3600)
    assert [e for e in desk.sit(31 * 60) if isinstance(e, Remind)]


def test_the_daily_count_starts_from_the_journal_and_resets_on_a_new_local_day():
    today = date(2026, 11, 23)
    desk = Clock(Coach(settings(), Past(today=today, done_today=3)))
    done = [e for e in desk.coach.command(Done()) if isinstance(e, Answer)][0]
    assert (done.done_today, done.goal) == (4, 6)
    desk.sit(16 * 3600, step=600)  # past midnight
    assert desk.coach.status().done_today == 0
    again = [e for e in desk.coach.command(Done()) if isinstance(e, Answer)][0]
    assert again.done_today == 1


def test_level_two_unlocks_on_the_break_that_meets_both_thresholds():
    auto = configured(exercises={"level": "auto", "unlock_breaks": 3, "unlock_days": 2})
    yesterday = date(2026, 11, 22)
    coach = Coach(auto, Past(level_one_done=1, level_one_days=1, last_level_one_day=yesterday))
    desk = Clock(coach)
    assert coach.settings.prefs.level == 1
    assert not records(coach.command(Done()), "level_up")  # early: it does not count
    desk.sit(30 * 60)
    first = coach.command(Done())  # 2 breaks over 2 days: not yet
    assert not records(first, "level_up") and coach.settings.prefs.level == 1
    desk.sit(30 * 60)
    second = coach.command(Done())  # 3 over 2 days
    assert [r.level for r in records(second, "level_up")] == [2]
    assert coach.settings.prefs.level == 2
    assert any(e.level == 2 for e in coach.settings.offered)
    desk.sit(30 * 60)
    assert not records(coach.command(Done()), "level_up")  # said once


def test_a_fixed_level_never_moves():
    fixed = configured(exercises={"level": 1, "unlock_breaks": 1, "unlock_days": 1})
    coach = Coach(fixed)
    Clock(coach)
    assert not records(coach.command(Done()), "level_up")
    assert coach.settings.prefs.level == 1


steps = st.lists(st.tuples(st.sampled_from(["sit", "done"]), st.floats(60, 3 * 3600)),
                 max_size=60)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, st.sampled_from([-5 * 3600, 0, 3600, 9 * 3600]))
def test_no_reminder_outside_work_hours_and_the_count_matches_the_dones(plan, offset):
    coach = Coach(replace(configured(breaks={"every": "20m"},
                                     exercises={"unlock_breaks": 4, "unlock_days": 2}),
                          schedule=HOURS))
    desk = Clock(coach, offset=offset)
    per_day: dict[date, int] = {}
    counted: dict[date, int] = {}
    levels = [coach.settings.prefs.level]
    for action, seconds in plan:
        if action == "sit":
            while seconds > 0:
                effects = desk.sit(min(300, seconds), step=300)  # one look
                seconds -= 300
                if any(isinstance(effect, Remind) for effect in effects):
                    local = datetime.fromtimestamp(desk.wall, timezone(timedelta(seconds=offset)))
                    assert HOURS.working(local), f"reminded at {local}"
        else:
            day = datetime.fromtimestamp(desk.wall, timezone(timedelta(seconds=offset))).date()
            per_day[day] = per_day.get(day, 0) + 1
            done = records(coach.command(Done()), "done")[0]
            if done.guided or not done.early:  # it answered a reminder: it counts
                counted[day] = counted.get(day, 0) + 1
            status: Status = coach.status()
            assert status.done_today == per_day[day]
        levels.append(coach.settings.prefs.level)
    assert levels == sorted(levels)  # the level only ever goes up (no month passes here)
    unlocked = sum(counted.values()) >= 4 and len(counted) >= 2
    assert levels[-1] == (2 if unlocked else 1)


def test_a_day_spreads_across_glute_max_glute_med_and_mobility():
    from collections import Counter

    coach = Coach(settings())
    desk = Clock(coach, wall=MONDAY_8 + 3600)
    groups = []
    for _ in range(6):
        groups.append(coach.exercise.group)
        coach.command(Done())
        desk.sit(60)
    offered = {e.group for e in coach.settings.offered}
    counts = Counter(groups)
    assert set(counts) == offered  # every group on offer came up
    assert max(counts.values()) - min(counts.values()) <= 1  # and evenly
