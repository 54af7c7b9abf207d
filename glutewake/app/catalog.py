"""The exercise catalog shipped with glutewake, read from the package once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ..core.exercises import Exercise, builtin_catalog


@cache
def builtin() -> tuple[Exercise, ...]:
    """The built-in exercises, parsed from glutewake/core/exercises.toml."""
    text = (resources.files("glutewake.core") / "exercises.toml").read_text("utf-8")
    return builtin_catalog(text)
