"""Opening the X display. python-xlib imports a Python module for every extension the server
offers (twelve on Xvfb, 1.8 MB resident); glutewake needs only MIT-SCREEN-SAVER, for idle time.
Full-screen detection and the tray-host check use the core protocol."""

from __future__ import annotations

from functools import cache

NEEDED = ("MIT-SCREEN-SAVER",)


def open_display():
    from Xlib import display, ext

    ext.__extensions__[:] = [pair for pair in ext.__extensions__ if pair[0] in NEEDED]
    return display.Display()


@cache
def shared_display():
    """One connection for the idle source and the full-screen detector (each costs 0.3 MB or
    more). python-xlib is not thread-safe: both are only ever asked under the daemon's lock."""
    return open_display()
