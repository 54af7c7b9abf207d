"""The exercise pictures: a start and an end for every built-in exercise, readable at 64 px, the
same as poses.toml draws them today (a pose changed without drawing again fails here), props
touched where the move says, and found without loading Pillow."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest
from PIL import Image, ImageChops

from glutewake.core.exercises import builtin
from glutewake.pictures import HERE, NEUTRAL, frames
from glutewake.pictures import render

IDS = [exercise.id for exercise in builtin()]
SIZE = 256


def on_tile(path) -> Image.Image:
    """The picture over its own tile colour (the rounded corners are transparent)."""
    picture = Image.open(path).convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", picture.size, render.TILE + (255,)), picture)


def share(image: Image.Image, low: int, high: int) -> float:
    """The share of pixels whose grey level is in [low, high)."""
    histogram = image.convert("L").histogram()
    return sum(histogram[low:high]) / (image.width * image.height)


@pytest.mark.parametrize("ident", IDS)
def test_every_built_in_exercise_has_at_least_a_start_and_an_end_picture(ident):
    paths = frames(ident)
    assert len(paths) >= 2 and NEUTRAL not in paths, f"{ident} has no pose in poses.toml"
    assert paths[0].name == f"{ident}-start.png" and paths[-1].name == f"{ident}-end.png"
    for path in paths:
        with Image.open(path) as picture:
            assert picture.size == (SIZE, SIZE), path.name


def test_every_pose_is_of_a_built_in_exercise_and_every_picture_of_a_pose():
    poses = tomllib.loads((HERE / "poses.toml").read_text("utf-8"))
    assert set(poses) <= set(IDS), f"poses without an exercise: {set(poses) - set(IDS)}"
    drawn = {path for ident in poses for path in frames(ident)} | {NEUTRAL}
    assert set(HERE.glob("*.png")) == drawn, "a picture no pose draws; run the renderer again"


@pytest.mark.parametrize("ident", IDS)
def test_the_start_and_the_end_look_clearly_different(ident):
    start, end = on_tile(frames(ident)[0]), on_tile(frames(ident)[-1])
    changed = share(ImageChops.difference(start, end), 40, 256)
    assert changed > 0.015, f"{ident}: only {changed:.1%} of the pixels change"


@pytest.mark.parametrize("ident", IDS)
def test_pictures_stay_readable_at_64_px(ident):
    for path in frames(ident):
        small = on_tile(path).resize((64, 64), Image.Resampling.LANCZOS)
        ink = share(small, 0, 110)  # the figure's dark shade, far from the light tile
        assert ink > 0.025, f"{path.name}: the figure covers {ink:.1%} of 64 x 64"
        assert share(small, 200, 256) > 0.5, f"{path.name}: the background is not light"
        box = small.convert("L").point(lambda v: 255 if v < 110 else 0).getbbox()
        assert box and max(box[2] - box[0], box[3] - box[1]) >= 28, f"{path.name}: figure too small"


def test_the_pictures_are_what_poses_toml_draws_today():
    """Every frame is drawn again in memory and compared with the shipped PNG, pixel by pixel:
    a pose or renderer change without `python -m glutewake.pictures.render` fails."""
    for exercise in render.load().values():
        for name, picture in render.render(exercise).items():
            drawn = render.packaged(picture).convert("RGBA")
            shipped = Image.open(HERE / f"{exercise.id}-{name}.png").convert("RGBA")
            difference = ImageChops.difference(drawn, shipped).convert("L")
            assert share(difference, 9, 256) < 0.001, \
                f"{exercise.id}-{name}.png is stale: run python -m glutewake.pictures.render"
    neutral = render.packaged(render.neutral()).convert("RGBA")
    assert neutral.tobytes() == Image.open(NEUTRAL).convert("RGBA").tobytes()


def test_feet_rest_on_the_floor_and_hands_reach_what_they_hold():
    assert render.check(render.load()) == []


def test_an_exercise_without_a_pose_gets_the_neutral_picture():
    assert frames("my-own-stair-climb") == [NEUTRAL]
    assert frames("../core/exercises") == [NEUTRAL]
    with Image.open(NEUTRAL) as picture:
        assert picture.size == (SIZE, SIZE)


def test_a_mistake_in_poses_toml_is_named():
    with pytest.raises(render.PoseError, match=r"\[bird-dog\] frames.end.legs.kneee"):
        render.parse("bird-dog", {"frames": {"start": {}, "end": {"legs": {"kneee": 90}}}})
    with pytest.raises(render.PoseError, match="at least two frames"):
        render.parse("bird-dog", {"frames": {"start": {}}})


def test_finding_the_pictures_loads_no_pillow():
    code = ("import sys, glutewake.pictures as p; p.frames('bird-dog'); p.frames('custom'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'PIL'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
