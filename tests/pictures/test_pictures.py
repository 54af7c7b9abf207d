"""The exercise pictures: a start and an end for every built-in exercise, readable at 64 px, the
same as poses.toml draws them today (a pose changed without drawing again fails here), props
touched where the move says, the supports the steps name touched, a hand on a support in view
whenever the figure stands on one leg, the moves a reviewer could not read drawn as their steps
say, and found without loading Pillow. Contacts and postures are measured on the joint positions
and prop boxes the renderer draws from, not on pixels."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import tomllib
from dataclasses import replace
from functools import cache

import pytest
from PIL import Image, ImageChops

from glutewake.app.catalog import builtin
from glutewake.pictures import HERE, NEUTRAL, frames, render

IDS = [exercise.id for exercise in builtin()]
SIZE = 256
TOUCH = 1.5  # units (about 3 cm): as near as render.check() allows a contact to miss


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


# --- supports the steps name ---------------------------------------------------------------------

# What each exercise's steps say rests on a desk, wall or chair: (body point, prop, frames it
# applies to; () for every frame). "hand", "knee" and "hip" mean either one; "hands" and "feet"
# mean both.
SUPPORTS = {
    "single-leg-stand": [("hand", "desk", ())],
    "standing-hip-drive": [("hands", "wall", ()), ("knee", "wall", ())],
    "wall-lean": [("hip", "wall", ()), ("hand", "wall", ())],
    "wall-clamshell": [("back", "wall", ()), ("feet", "wall", ())],
    "single-leg-rdl": [("hand", "desk", ())],
    "standing-donkey-kick": [("hands", "desk", ())],
    "standing-side-leg-raise": [("hand", "desk", ())],
    "hip-hinge": [("seat", "wall", ("end",))],
    "desk-split-squat": [("hand", "desk", ())],
    "sit-to-stand": [("seat", "chair", ("start",))],
    "standing-hip-flexor-stretch": [("hand", "desk", ())],
    "standing-march": [("hand", "desk", ())],
    "standing-figure-four-stretch": [("hands", "desk", ())],
}
# Props the steps name that nothing rests on: the donkey kick's "desk or a wall" is drawn with
# the desk; the chair for sit to stand is pushed against "a wall or your desk"; the figure-four
# sits back "as if sitting down on a chair".
NAMED_ONLY = {"standing-donkey-kick": {"wall"}, "sit-to-stand": {"wall", "desk"},
              "standing-figure-four-stretch": {"chair"}}
EITHER = {"hand": ("left_hand", "right_hand"), "knee": ("left_knee", "right_knee"),
          "hip": ("left_hip", "right_hip")}
BOTH = {"hands": ("left_hand", "right_hand"), "feet": ("left_foot", "right_foot")}


def gap(exercise, fig, point: str, prop: str) -> float:
    """How far the body point is from the prop's surface; for "either" the nearer one, for
    "both" the farther one."""
    if point in EITHER:
        return min((render.prop_gap(exercise, fig, p, prop) for p in EITHER[point]), key=abs)
    if point in BOTH:
        return max((render.prop_gap(exercise, fig, p, prop) for p in BOTH[point]), key=abs)
    return render.prop_gap(exercise, fig, point, prop)


@cache
def drawn(ident: str):
    """An exercise's poses, its placed figures and its scenes, as the renderer makes them."""
    exercise = render.load()[ident]
    return exercise, render.figures(exercise), render.scenes(exercise)


def test_every_support_the_steps_name_is_one_the_figure_rests_on():
    for exercise in builtin():
        named = {prop for prop in ("desk", "wall", "chair")
                 if re.search(rf"\b{prop}\b", " ".join(exercise.steps))}
        resting = {prop for _point, prop, _frames in SUPPORTS.get(exercise.id, ())}
        assert named <= resting | NAMED_ONLY.get(exercise.id, set()), \
            f"{exercise.id}: the steps name {sorted(named - resting)}; say what rests on it"
        assert resting <= set(drawn(exercise.id)[0].props), \
            f"{exercise.id}: the picture has no {sorted(resting)}"


@pytest.mark.parametrize("ident", sorted(SUPPORTS))
def test_the_figure_touches_the_supports_its_steps_name(ident):
    exercise, figures, _scenes = drawn(ident)
    for name, fig in figures.items():
        for point, prop, in_frames in SUPPORTS[ident]:
            if in_frames and name not in in_frames:
                continue
            missing = gap(exercise, fig, point, prop)
            assert abs(missing) <= TOUCH, \
                f"{ident} {name}: {point} off the {prop} by {missing:+.1f}"


def one_leg_frames():
    """(exercise, frame name, figure) for every standing frame with one foot on the floor."""
    for ident in (exercise.id for exercise in builtin() if exercise.posture == "standing"):
        exercise, figures, _scenes = drawn(ident)
        for name, fig in figures.items():
            down = [f for f in ("left_foot", "right_foot")
                    if render.floor_gap(exercise, fig, f) <= TOUCH]
            if len(down) == 1:
                yield exercise, name, fig


def supporting_hands(exercise, fig) -> list[str]:
    return [hand for hand in ("left_hand", "right_hand") for prop in exercise.places
            if prop != "chair" and abs(render.prop_gap(exercise, fig, hand, prop)) <= TOUCH]


def test_every_frame_on_one_leg_has_a_hand_on_the_desk_or_wall():
    frames = list(one_leg_frames())
    assert len(frames) >= 9  # the single-leg moves: stand, hip drive, wall lean, RDL, kick...
    for exercise, name, fig in frames:
        assert supporting_hands(exercise, fig), \
            f"{exercise.id} {name}: on one leg with no hand on the desk or wall"


MARK = (255, 0, 255)  # a colour no picture uses


def in_view(exercise, name: str, hand: str) -> float:
    """The share of the hand's disc that shows in the frame: the scene is painted with that hand
    in MARK and the marked pixels counted against the disc painted alone."""
    shapes, view = drawn(exercise.id)[2]

    def marked(shape):
        if shape.kind == "group":
            return replace(shape, points=[marked(part) for part in shape.points])
        return replace(shape, colour=MARK) if shape.part == hand else shape

    def count(scene) -> int:
        return sum(n for n, colour in render.paint(scene, *view).getcolors(1024)
                   if colour == MARK)

    hands = [part for s in shapes[name] if s.kind == "group" for part in s.points
             if part.part == hand]
    return count([marked(s) for s in shapes[name]]) / count([replace(hands[0], colour=MARK)])


def test_the_hand_on_the_support_shows_in_the_picture():
    """Resting on the desk behind the body, a hand touches it but nobody sees it: where the
    steps put a hand on a support, and in every frame on one leg, one shows at least half."""
    frames = {(exercise.id, name): (exercise, fig) for exercise, name, fig in one_leg_frames()}
    for ident, supports in SUPPORTS.items():
        exercise, figures, _scenes = drawn(ident)
        for point, _prop, only in supports:
            frames.update({(ident, name): (exercise, fig) for name, fig in figures.items()
                           if point in ("hand", "hands") and (not only or name in only)})
    for (ident, name), (exercise, fig) in frames.items():
        seen = max(in_view(exercise, name, hand) for hand in supporting_hands(exercise, fig))
        assert seen >= 0.5, f"{ident} {name}: the hand on the prop is {seen:.0%} in view"


# --- the moves a reviewer could not read, drawn as their steps say --------------------------------

def degrees(u, v) -> float:
    """The angle between two directions."""
    cos = render.dot(render.unit(u), render.unit(v))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


UP = (0.0, 1.0, 0.0)


def posed(ident: str) -> dict:
    exercise, figures, _scenes = drawn(ident)
    return {name: (exercise, fig) for name, fig in figures.items()}


def seen(exercise, fig):
    """The figure as the picture shows it: its points flattened onto the camera's view."""
    cam = render.Camera(*exercise.camera)
    return render.Figure({name: cam.view(p)[:2] + (0.0,) for name, p in fig.points.items()})


def bend(fig, side: str) -> float:
    """The knee's bend: 0 straight."""
    p = fig.points
    return degrees(render.sub(p[f"{side}_knee"], p[f"{side}_hip"]),
                   render.sub(p[f"{side}_ankle"], p[f"{side}_knee"]))


def apart(fig, point: str) -> float:
    p = fig.points
    return render.length(render.sub(p[f"left_{point}"], p[f"right_{point}"]))


def test_desk_split_squat_lowers_the_back_knee_to_just_above_the_floor_with_the_trunk_upright():
    frames = posed("desk-split-squat")
    for name, (exercise, fig) in frames.items():
        assert degrees(fig.axes[1], UP) <= 10, f"{name}: the trunk leans"
        for knee in ("left_knee", "right_knee"):
            assert render.floor_gap(exercise, fig, knee) > TOUCH, f"{name}: kneeling on {knee}"
    exercise, fig = frames["end"]
    back = min(render.floor_gap(exercise, fig, k) for k in ("left_knee", "right_knee"))
    assert 4 <= back <= 10, f"the back knee stops {back:.1f} units (~{2 * back:.0f} cm) up"
    p = fig.points
    front = max(("left", "right"), key=lambda side: p[f"{side}_knee"][1])
    thigh = render.sub(p[f"{front}_knee"], p[f"{front}_hip"])
    assert degrees(thigh, UP) >= 65, "the front thigh is not nearly level"


def test_wall_clamshell_opens_the_bent_knees_with_the_feet_together():
    frames = posed("wall-clamshell")
    for name, (exercise, fig) in frames.items():
        assert apart(fig, "ankle") <= 2 * render.HIP_HALF + 1, f"{name}: the feet part"
        assert min(bend(fig, "left"), bend(fig, "right")) >= 80, f"{name}: a leg is not bent"
        pictured = seen(exercise, fig)
        shown = min(bend(pictured, "left"), bend(pictured, "right"))
        assert shown >= 45, f"{name}: a bent leg is drawn as if straight ({shown:.0f} degrees)"
    opened = apart(frames["end"][1], "knee") - apart(frames["start"][1], "knee")
    assert opened >= 12, f"the top knee opens only {opened:.0f} units"
    pictured = [seen(exercise, fig) for exercise, fig in frames.values()]
    opened = apart(pictured[-1], "knee") - apart(pictured[0], "knee")
    assert opened >= 12, f"the knees part by only {opened:.0f} units in the picture"


def test_standing_side_leg_raise_lifts_a_little_with_the_trunk_upright():
    for name, (_exercise, fig) in posed("standing-side-leg-raise").items():
        assert degrees(fig.axes[1], UP) <= 2, f"{name}: the trunk leans"
        p = fig.points
        raised = max(degrees(render.sub(p[f"{s}_hip"], p[f"{s}_ankle"]), UP)
                     for s in ("left", "right"))
        assert raised <= 30, f"{name}: the leg is raised {raised:.0f} degrees"


def test_standing_march_stands_tall_then_lifts_a_knee_to_hip_height():
    frames = posed("standing-march")
    exercise, start = frames["start"]
    for foot in ("left_foot", "right_foot"):
        assert render.floor_gap(exercise, start, foot) <= TOUCH, "the start is not standing tall"
    exercise, end = frames["end"]
    p = end.points
    knee = max(("left", "right"), key=lambda side: p[f"{side}_knee"][1])
    assert abs(p[f"{knee}_knee"][1] - p[f"{knee}_hip"][1]) <= 6, "the knee is not at hip height"
    for name, (_exercise, fig) in frames.items():
        assert fig.points["pelvis"][1] >= render.DESK_TOP + 5, f"{name}: sits on the desk"


def test_frog_pumps_is_seen_from_the_side_with_soles_together_and_knees_out():
    frames = posed("frog-pumps")
    exercise = next(iter(frames.values()))[0]
    assert abs(exercise.camera[0]) <= 30, "seen end on, the figure reads as a squat"
    for name, (_exercise, fig) in frames.items():
        assert apart(fig, "ankle") <= 8, f"{name}: the soles are apart"
        assert apart(fig, "knee") >= 30, f"{name}: the knees are not out"


def test_lateral_band_walk_steps_sideways_seen_from_the_front_arms_forward():
    frames = posed("lateral-band-walk")
    exercise, start = frames["start"]
    end = frames["end"][1]
    assert abs(exercise.camera[0] + 90) <= 10, "not seen from the front"
    forward, _up, right = start.axes
    step = max((render.sub(end.points[a], start.points[a]) for a in ("left_ankle", "right_ankle")),
               key=render.length)
    assert abs(render.dot(step, right)) >= 8 and abs(render.dot(step, forward)) <= 2, \
        "the step is not sideways"
    for fig in (start, end):
        p = fig.points
        for side in ("left", "right"):
            reach = render.sub(p[f"{side}_hand"], p[f"{side}_shoulder"])
            assert reach[0] >= 25 and abs(reach[1]) <= 8, f"the {side} arm does not reach forward"


def test_single_leg_rdl_hinges_no_lower_than_a_beginner_should_the_free_leg_in_line():
    frames = posed("single-leg-rdl")
    for name, (_exercise, fig) in frames.items():
        assert degrees(fig.axes[1], UP) <= 55, f"{name}: the torso goes too low"
    p = frames["end"][1].points
    trunk = render.sub(p["pelvis"], p["neck"])
    free = max(("left", "right"), key=lambda side: p[f"{side}_ankle"][1])
    leg = render.sub(p[f"{free}_ankle"], p[f"{free}_hip"])
    assert degrees(trunk, leg) <= 15, "the free leg is not in line with the trunk"
