"""The small protocols the daemon drives: each adapter in desktop/ (and the journal in store/)
implements one, and the daemon knows them only through these."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from .effects import Note
from .events import Busy, Hold, Record

if TYPE_CHECKING:
    from .config import Settings


class Notifier(Protocol):
    """Shows reminders: freedesktop notifications, plyer, a console line."""

    name: str

    def show(self, note: Note) -> None: ...

    def withdraw(self) -> None: ...

    def tell(self, title: str, body: str) -> None:
        """A message apart from the reminder (a bad settings save): it never replaces one."""
        ...

    def answered(self, text: str) -> None:
        """An answer was given (anywhere): a notifier that cannot take its reminder back (the
        console) says so."""
        ...


class IdleSource(Protocol):
    """Seconds since the last keyboard or mouse input; None when it cannot tell right now."""

    name: str
    unknown_since: float | None  # wall time it stopped answering; None while it answers

    def idle_seconds(self) -> float | None: ...


class HoldSource(Protocol):
    """Why reminders must wait now (do not disturb, full screen, a program), if they must."""

    def hold(self, settings: Settings) -> Hold | None: ...

    def next_busy(self, settings: Settings) -> Busy | None:
        """The next busy block of the person's calendars, when they can tell."""
        ...

    def problems(self) -> list[str]:
        """A line for each source that cannot read now, for `glutewake status`."""
        ...


class InhibitorSource(Protocol):
    """Programs asking the desktop not to go idle (a film, a talk): the person is still there."""

    problem: str  # why it cannot read now, "" when it can

    def inhibitor(self) -> str | None: ...


class Tray(Protocol):
    name: str

    def update(self, look, line: str) -> None: ...

    def refresh_menu(self) -> None: ...

    def run(self, ready: Callable[[], None]) -> None: ...

    def stop(self) -> None: ...


class Store(Protocol):
    """The journal, as the daemon uses it."""

    pending: int  # events not in the database yet (kept safe in a spill file)
    trouble: str  # why, or ""
    path: object  # where it lives, for `glutewake status`

    def record(self, record: Record) -> bool: ...

    def flush(self) -> bool: ...

    def read(self, query: str, args=()) -> list[tuple]: ...

    def close(self) -> None: ...
