"""glutewake: a desk-break reminder that gets you standing and wakes up your glutes."""

__version__ = "0.1.0"
