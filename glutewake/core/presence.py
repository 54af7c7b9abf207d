"""Where the person was, as intervals another computer can read: sitting, away, locked.

The daemon hands the tracker what each look saw (the wall time, idle seconds, the lock, whether
the coach counts the person away); the tracker keeps the interval under way and the ones that
closed since they were last taken. An interval never crosses a UTC midnight, so each day's file
in the synced folder holds its own and is finished after midnight. Each interval has a sequence
number that grows on this computer and is never handed out twice; other computers key it by
(computer, sequence).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

DAY = 86400.0


class State(StrEnum):
    SITTING = "sitting"
    AWAY = "away"  # a natural break under way (idle long enough, or asleep)
    LOCKED = "locked"


@dataclass(frozen=True)
class Interval:
    seq: int
    state: State
    begins: float  # wall time, seconds since the epoch (UTC)
    ends: float
    input: float | None = None  # sitting: the latest keyboard or mouse input in it, if known

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", State(self.state))


def utc_day(wall: float) -> int:
    """Days since the epoch, in UTC: the day file an interval or event belongs to."""
    return int(wall // DAY)


class Presence:
    def __init__(self, next_seq: int = 1):
        self._next = next_seq
        self.current: Interval | None = None
        self._closed: list[Interval] = []
        self._news = False  # an interval began or the latest input moved since the last take

    @property
    def next_seq(self) -> int:
        return self._next

    def saw(self, wall: float, idle: float | None, locked: bool, away: bool) -> bool:
        """One look. True when other computers would learn something new: an interval began,
        or (sitting) the latest input moved on. An away or locked spell growing longer is not
        news: it says nothing the start of it did not."""
        state = State.LOCKED if locked else State.AWAY if away else State.SITTING
        latest = None if idle is None or state is not State.SITTING else wall - max(0.0, idle)
        now = self.current
        if now is not None and wall >= now.ends and utc_day(wall) != utc_day(now.begins):
            midnight = (utc_day(now.begins) + 1) * DAY  # split: each day's file holds its own
            self._closed.append(replace(now, ends=midnight))
            now = self.current = self._open(now.state, midnight, midnight)
        if now is not None and now.state is state and wall >= now.ends:
            moved = latest is not None and latest > (now.input if now.input is not None
                                                     else now.begins - 1.0)
            self.current = replace(now, ends=wall, input=latest if moved else now.input)
            self._news |= moved
            return moved
        begins = wall
        if now is not None:
            ends = max(wall, now.ends)  # a clock set back closes it where it was
            if state is State.AWAY and now.state is State.SITTING and idle is not None:
                # the absence began at the last input, not at the look that noticed it
                ends = begins = max(now.begins, min(ends, wall - idle))
            self._closed.append(replace(now, ends=ends))
        self.current = self._open(state, begins, wall, latest)
        self._news = True
        return True

    def reserve(self) -> int:
        """A sequence number for something else this computer writes (each write of its files
        takes one, so two computers writing as one are told apart by it)."""
        self._next += 1
        return self._next - 1

    def take(self) -> tuple[list[Interval], bool]:
        """The intervals closed since the last take plus the one under way, and whether any of
        it is news; the closed ones are handed out once."""
        taken = self._closed + ([self.current] if self.current is not None else [])
        news, self._closed, self._news = self._news, [], False
        return taken, news

    def _open(self, state: State, begins: float, ends: float,
              latest: float | None = None) -> Interval:
        interval = Interval(self._next, state, begins, ends, latest)
        self._next += 1
        return interval
