"""The small protocols the daemon drives: each adapter in desktop/ (and the journal in store/)
implements one, and the daemon knows them only through these. Every member is declared here; an
adapter that has no use for one derives from its protocol and takes the default, so nobody
needs to ask whether an adapter has it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .effects import Note
from .events import Busy, Hold, Record

if TYPE_CHECKING:
    from .config import Settings


class Notifier(Protocol):
    """Shows reminders: freedesktop notifications, plyer, a console line."""

    @property
    def name(self) -> str: ...

    def show(self, note: Note) -> None: ...

    def withdraw(self) -> None: ...

    def tell(self, title: str, body: str) -> None:
        """A message apart from the reminder (a bad settings save): it never replaces one."""
        ...

    def answered(self, text: str) -> None:
        """An answer was given (anywhere): a notifier that cannot take its reminder back (the
        console) says so."""
        ...

    def state(self) -> str:
        """ "ok", or "missing" when it needs a server that is not there now (the desktop's
        notification server)."""
        return "ok"


class IdleSource(Protocol):
    """Seconds since the last keyboard or mouse input; None when it cannot tell right now."""

    name: str
    unknown_since: float | None = None  # wall time it stopped answering; None while it answers

    def idle_seconds(self) -> float | None: ...

    def close(self) -> None:
        """Let go of what it holds (a Wayland connection) before glutewake exits."""
        return None  # most hold nothing


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

    @property
    def problem(self) -> str:
        """Why it cannot read now, "" when it can."""
        ...

    def inhibitor(self) -> str | None: ...


LookT = TypeVar("LookT", contravariant=True)


class Tray(Protocol[LookT]):
    """The icon in the panel; `look` is what decides its picture (desktop/icon.py's Look)."""

    name: str

    def update(self, look: LookT, line: str) -> None: ...

    def refresh_menu(self) -> None: ...

    def run(self, ready: Callable[[], None]) -> None: ...

    def stop(self) -> None: ...


class Store(Protocol):
    """The journal, as the daemon uses it."""

    @property
    def pending(self) -> int:
        """Events not in the database yet (kept safe in a spill file)."""
        ...

    @property
    def trouble(self) -> str:
        """Why, or ""."""
        ...

    @property
    def path(self) -> object:
        """Where it lives, for `glutewake status`."""
        ...

    def record(self, record: Record) -> bool: ...

    def flush(self) -> bool: ...

    # a row as sqlite3 returns it: what each column holds depends on the query
    def read(self, query: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...
