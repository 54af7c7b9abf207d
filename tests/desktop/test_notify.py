"""Choosing the way to show a reminder: a way that failed rests, is tried again later, and the log
says when it is back."""

from __future__ import annotations

from glutewake.app.catalog import builtin
from glutewake.core.effects import Remind
from glutewake.desktop.notify import FallbackNotifier


def remind() -> Remind:
    return Remind(builtin()[0], sitting=1800.0, count=1, final=False)


class Way:
    """A notifier that works or fails as the test says."""

    def __init__(self, name: str):
        self.name = name
        self.failing = False
        self.tries = 0
        self.shown: list = []

    def show(self, note) -> None:
        self.tries += 1
        if self.failing:
            raise OSError(f"{self.name} is gone")
        self.shown.append(note)

    def withdraw(self) -> None:
        pass

    def tell(self, title: str, body: str) -> None:
        self.show((title, body))


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_way_that_failed_rests_then_is_tried_again_and_said_to_be_back():
    best, fallback, clock, said = Way("dbus"), Way("plyer"), Clock(), []
    notifier = FallbackNotifier([best, fallback], said.append, retry=120, clock=clock)
    notifier.show(remind())
    assert len(best.shown) == 1 and not fallback.shown and said == []
    best.failing = True
    notifier.show(remind())
    assert best.tries == 2 and len(fallback.shown) == 1 and notifier.name == "plyer"
    assert "dbus failed" in said[0] and "now shown by plyer" in said[1]
    best.failing = False  # the server is back, but a guided break's steps and other notes
    for _ in range(20):  # within the next two minutes do not wait on it
        clock.now += 5
        notifier.show(remind())
        notifier.tell("Settings not applied", "a key is wrong")
    assert best.tries == 2 and len(fallback.shown) == 41
    clock.now += 20  # two minutes since it failed: tried again, used, and the log says so
    notifier.show(remind())
    assert best.tries == 3 and len(best.shown) == 2 and notifier.name == "dbus"
    assert said[-1] == "notifications: now shown by dbus"
    notifier.show(remind())
    assert best.tries == 4 and len(fallback.shown) == 41  # the best way again, alone


def test_a_way_that_still_fails_rests_again():
    best, fallback, clock, said = Way("dbus"), Way("console"), Clock(), []
    notifier = FallbackNotifier([best, fallback], said.append, retry=120, clock=clock)
    best.failing = True
    for _ in range(10):  # 20 minutes of notes, one a minute: five tries, not ten
        notifier.show(remind())
        clock.now += 60
    assert best.tries == 5 and len(fallback.shown) == 10
    assert len([line for line in said if "failed" in line]) == 1  # said once, not every try
