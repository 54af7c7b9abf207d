"""Where every thread of glutewake starts: one function, so the running threads are exactly the
ones the table in glutewake/app/daemon.py names (tests/app/test_threads_table.py checks it against a
running daemon, and tests/test_architecture.py that no other module starts one).

Every thread is a daemon thread: the process ends when the main thread is done, whatever a
blocked reader is waiting for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


def spawn(name: str, target: Callable[..., object], *args: object) -> threading.Thread:
    """Start `target(*args)` on a new thread called `name` (a name from the table)."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    thread.start()
    return thread


def later(name: str, seconds: float, target: Callable[[], object]) -> threading.Timer:
    """Call `target` once after `seconds` on a thread called `name`; `.cancel()` stops it."""
    timer = threading.Timer(seconds, target)
    timer.name, timer.daemon = name, True
    timer.start()
    return timer
