"""The exercise pictures: key frames drawn once by `python -m glutewake.pictures.render` and
shipped as PNG files beside this module. Finding them loads no Pillow (the renderer needs
ImageDraw and ImageFont, which map FreeType and HarfBuzz; the daemon only hands a path to the
notification or opens a PNG)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEUTRAL = HERE / "neutral.png"


@cache
def _frame_names() -> dict[str, tuple[str, ...]]:
    """Exercise id -> its frame names in order, from poses.toml (the renderer's source)."""
    try:
        poses = tomllib.loads((HERE / "poses.toml").read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {ident: tuple(table.get("frames", {})) for ident, table in poses.items()
            if isinstance(table, dict)}


def frames(exercise_id: str) -> list[Path]:
    """The pictures of an exercise, start first and end last; [neutral.png] for an exercise
    without a pose (a custom one) or whose pictures are missing."""
    found = [HERE / f"{exercise_id}-{name}.png" for name in _frame_names().get(exercise_id, ())]
    found = [path for path in found if path.is_file()]
    return found or [NEUTRAL]
