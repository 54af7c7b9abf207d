"""What the coach is told: an observation of the desk at one moment, and what the journal knew
when the coach started."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from .dose import LOCK_AFTER, REST_AFTER_PAIN, Doses, Feedback, Rated
from .events import Busy, Hold


@dataclass(frozen=True)
class Observation:
    wall: float  # seconds since the epoch
    mono: float  # a monotonic clock, any origin
    idle: float | None = None  # seconds since the last keyboard or mouse input; None = unknown
    locked: bool = False
    hold: Hold | None = None  # why the desktop says reminders must wait now, if it does
    utc_offset: float = 0.0  # seconds east of UTC here, now (work hours are local)
    inhibitor: str | None = None  # who asks the desktop not to go idle (a film, a talk), if any
    # What the person's other computers say, through the synced folder ([sync]): the wall time
    # of the latest break taken on any of them, and of the latest input on any of them.
    remote_break: float | None = None
    remote_input: float | None = None
    next_busy: Busy | None = None  # the next busy block of the calendars, when one comes soon
    done_elsewhere: tuple[date, int] | None = None  # (a local day, breaks done that day on the
    #                                                 other computers)

    @property
    def engaged(self) -> bool:
        """At the desk without touching it: in a call or meeting, or watching something that
        inhibits idle. Idle time then is not time away; a locked screen still is."""
        return not self.locked and (self.inhibitor is not None
                                    or (self.hold is not None and self.hold.reason.call))

    @property
    def local(self) -> datetime:
        return datetime.fromtimestamp(self.wall, timezone(timedelta(seconds=self.utc_offset)))


@dataclass
class Past:
    """What the journal knows when the coach starts, kept up to date as it runs. The journal's
    replay (`store.stats.past`) and the coach count breaks through the same methods, so they
    agree."""

    done: dict[str, float] = field(default_factory=dict)  # exercise -> wall time last done
    offered: dict[str, float] = field(default_factory=dict)  # exercise -> last reminded
    today: date | None = None  # the local day `done_today` counts
    done_today: int = 0
    # Toward level 2: counted level-1 breaks (guided, or answering a reminder) since the last
    # month without any counted break, and the distinct days with one
    level_one_done: int = 0
    level_one_days: int = 0
    last_level_one_day: date | None = None
    doses: Doses = field(default_factory=Doses)
    groups_today: dict[str, int] = field(default_factory=dict)  # breaks done today per group
    last_counted: float | None = None  # wall time of the last counted break
    hurt: dict[str, float] = field(default_factory=dict)  # exercise -> when it last hurt

    def count(self, wall: float, day: date, level_one: bool) -> None:
        """A break that counts, toward unlocking level 2."""
        self.settle(wall)
        self.last_counted = wall
        if level_one:
            self.level_one_done += 1
            if self.last_level_one_day != day:
                self.last_level_one_day = day
                self.level_one_days += 1

    def settle(self, wall: float) -> None:
        """A month without a counted break before `wall`: the way to level 2 starts again."""
        if self.last_counted is not None and wall - self.last_counted >= LOCK_AFTER:
            self.level_one_done = self.level_one_days = 0
            self.last_level_one_day = None

    def rate(self, exercise: str, said: Feedback, wall: float) -> Rated:
        """How the latest break of `exercise` felt: its dose moves, and one that hurt rests."""
        if said is Feedback.PAIN:
            self.hurt[exercise] = wall
        return self.doses.feedback(exercise, said)

    def resting(self, wall: float | None) -> set[str]:
        """The moves that hurt within REST_AFTER_PAIN before `wall` (all that are known to
        have hurt, when the time is not known yet)."""
        return {ident for ident, when in self.hurt.items()
                if wall is None or wall - when < REST_AFTER_PAIN}
