"""What the coach is told: an observation of the desk at one moment, and what the journal knew
when the coach started."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from .dose import Doses
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
    """What the journal knows when the coach starts."""

    done: dict[str, float] = field(default_factory=dict)  # exercise -> wall time last done
    offered: dict[str, float] = field(default_factory=dict)  # exercise -> last reminded
    today: date | None = None  # the local day `done_today` counts
    done_today: int = 0
    level_one_done: int = 0  # level-1 breaks done, ever
    level_one_days: int = 0  # distinct days with one
    last_level_one_day: date | None = None
    doses: Doses = field(default_factory=Doses)
    groups_today: dict[str, int] = field(default_factory=dict)  # breaks done today per group
