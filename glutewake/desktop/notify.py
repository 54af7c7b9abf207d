"""Ways to show a reminder. Every notifier has `show(remind)` and `withdraw()` and never raises."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from ..coach import Remind
from ..phrases import ANSWER_HINT, reminder_body, reminder_title


class Notifier(Protocol):
    name: str

    def show(self, remind: Remind) -> None: ...

    def withdraw(self) -> None: ...


class ConsoleNotifier:
    """Plain lines on a terminal: the console mode, and the last resort everywhere."""

    name = "console"

    def __init__(self, out: TextIO | None = None):
        self._out = out

    def show(self, remind: Remind) -> None:
        stamp = time.strftime("%H:%M")
        indent = " " * (len(stamp) + 3)
        lines = [f"[{stamp}] {reminder_title(remind)}"]
        lines += [indent + line for line in reminder_body(remind).splitlines()]
        lines.append(indent + ANSWER_HINT)
        self._write("\n".join(lines))

    def withdraw(self) -> None:
        pass  # a printed line cannot be taken back

    def _write(self, text: str) -> None:
        out = self._out or sys.stdout
        try:
            print(text, file=out, flush=True)
        except (OSError, ValueError):
            pass  # the terminal went away; the journal still has everything
