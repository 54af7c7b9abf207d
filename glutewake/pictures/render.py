"""Draw the exercise pictures from poses.toml (development time only).

    .venv/bin/python -m glutewake.pictures.render

Writes glutewake/pictures/<id>-<frame>.png (256 x 256) for every exercise and frame,
glutewake/pictures/neutral.png (for custom exercises) and the contact sheet
assets/exercise-pictures.png. The daemon only ships and opens the PNGs: this module uses
ImageDraw and ImageFont (FreeType, HarfBuzz), which a process that runs all day should not load.

How a picture is made: the joint angles of a frame pose a 3-D figure (forward kinematics from the
pelvis), the figure is set on the floor (its lowest point) and moved so its anchor (the feet it
stands on, by default) sits at the origin, the props are placed around that origin, hands that
hold something are reached there (two-bone IK), and everything is projected by the exercise's
camera and drawn back to front at 4x, then scaled down with LANCZOS.
"""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from PIL import Image, ImageDraw, ImageFont

from glutewake.app.catalog import builtin

HERE = Path(__file__).resolve().parent
POSES = HERE / "poses.toml"
SHEET = HERE.parents[1] / "assets" / "exercise-pictures.png"
NEUTRAL = "neutral"

SIZE = 256
SUPER = 4  # drawn at 4x and scaled down: the anti-aliasing
MAX_SCALE = 2.05  # pixels per body unit; lying poses shrink to fit, standing ones all match
MARGIN = 16  # pixels kept free around the figure

# --- the body, in units: a standing figure is about 94 tall (1 unit is about 1.9 cm) ----------
HIP_HALF = 4.5  # pelvis centre to each hip joint
TRUNK = 30.0  # pelvis centre to the base of the neck
SHOULDER_DROP = 3.0  # shoulder joints sit this far below the neck base
SHOULDER_HALF = 7.5
NECK = 1.5
HEAD_R = 6.5
THIGH, SHIN, FOOT, HEEL = 24.0, 23.0, 8.0, 1.5
UPPER_ARM, FOREARM = 17.5, 20.0  # forearm to the middle of the hand
R_THIGH, R_KNEE, R_ANKLE, R_FOOT = 4.6, 3.5, 2.3, 2.4  # limbs taper towards hands and feet
R_UPPER, R_ELBOW, R_WRIST, R_HAND = 3.2, 2.7, 2.3, 3.0
R_HIPS, R_BELLY, R_CHEST, R_SHOULDER, R_GLUTE = 5.6, 6.0, 6.8, 4.4, 5.2

# --- props, in the same units ----------------------------------------------------------------
DESK_TOP = 38.0  # about 72 cm
DESK_DEPTH = 44.0
CHAIR_SEAT = 22.0
CHAIR_DEPTH = 22.0
WALL_THICK = 60.0  # to the edge of the picture
MAT_TOP = 1.8
BAND_R = 1.5

# --- colours: one palette; the light tile carries the picture on light and dark desktops ------
TILE = (238, 242, 240)
TILE_EDGE = (206, 214, 211)
GROUND = (219, 225, 222)
GROUND_TOP = (226, 231, 229)
BODY = (38, 55, 72)
BODY_FAR = (122, 138, 154)
GLUTE = (47, 168, 124)  # the app's green, a shade darker: the muscle that works
WALL = (226, 218, 204)
WALL_FACE = (196, 184, 166)
WOOD = (190, 146, 100)
WOOD_DARK = (150, 108, 68)
SCREEN = (92, 102, 114)
SCREEN_GLASS = (150, 186, 204)
CHAIR = (126, 96, 70)
BAND = (232, 84, 78)
MAT = (120, 196, 168)
MAT_EDGE = (84, 160, 132)
GHOST = (218, 226, 228)  # where the body was in the frame before
ARROW = (236, 150, 40)  # how a part moves from the frame before; the app's warm orange

PROPS = ("wall", "desk", "chair", "band", "mat")
SIDES = {"front": ((1, 0, 0), 1), "back": ((1, 0, 0), -1),
         "right": ((0, 0, 1), 1), "left": ((0, 0, 1), -1)}
# poses.toml groups a limb's angles ({ hip, out, knee }); inside, each is one joint key.
LEG_KEYS = {"hip": "hip", "out": "hip_out", "turn": "hip_turn", "knee": "knee",
            "ankle": "ankle", "open": "knee_open"}
ARM_KEYS = {"shoulder": "shoulder", "out": "shoulder_out", "elbow": "elbow", "hand": "hand"}
LIMBS = {"legs": ("", LEG_KEYS), "left_leg": ("left_", LEG_KEYS), "right_leg": ("right_", LEG_KEYS),
         "arms": ("", ARM_KEYS), "left_arm": ("left_", ARM_KEYS), "right_arm": ("right_", ARM_KEYS)}
FRAME_KEYS = ("heading", "lean", "roll", "neck", "floor", "anchor", "touch", "glutes", "squeeze")
EXERCISE_KEYS = ("camera", "zoom", "props", "wall", "desk", "chair", "move", "ghost", "frames")
HANDS = ("desk", "hip", "wall", "floor", "chest")
CONTACTS = ("left_foot", "right_foot", "feet", "left_toe", "right_toe", "toes", "left_knee",
            "right_knee", "knees", "left_hand", "right_hand", "hands", "back", "head", "seat",
            "left_hip", "right_hip", "pelvis", "left_heel", "right_heel", "heels")

Vec = tuple[float, float, float]
Box = tuple[Vec, Vec]  # a solid block from its lowest to its highest corner, in world units


class PoseError(ValueError):
    """A mistake in poses.toml, named by exercise, frame and key."""


# --- vectors -----------------------------------------------------------------------------------

def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def vec(values: list[float]) -> Vec:
    """The first three values, as a vector."""
    return (values[0], values[1], values[2])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    size = length(a)
    return mul(a, 1 / size) if size > 1e-9 else (0.0, 0.0, 0.0)


def rot(v: Vec, axis: Vec, degrees: float) -> Vec:
    """v turned about the unit vector `axis` by `degrees` (right-hand rule)."""
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    return add(add(mul(v, c), mul(cross(axis, v), s)), mul(axis, dot(axis, v) * (1 - c)))


# --- poses.toml --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """Where a wall, desk or chair stands: on which side of the anchor, how far from it to its
    near face (gap), how far it reaches each way along that face (width, walls) and how far it
    is moved along the face (shift: towards the figure's front, or its right for a prop in
    front or behind)."""

    side: str
    gap: float
    width: float = 200.0
    shift: float = 0.0

    def block(self, near: float, far: float, across: float, low: float, high: float,
              shift: float = 0.0) -> Box:
        """A box from `near` to `far` beyond the near face, `across` each way (1.5 at least)
        around `shift` along it, from height `low` to `high`."""
        axis, sign = SIDES[self.side]
        a, b = sorted((sign * (self.gap + near), sign * (self.gap + far)))
        across, centre = max(across, 1.5), self.shift + shift
        if axis[0]:
            return (a, low, centre - across), (b, high, centre + across)
        return (centre - across, low, a), (centre + across, high, b)


@dataclass(frozen=True)
class Exercise:
    id: str
    camera: tuple[float, float]  # yaw, pitch in degrees: [0, 0] side, [-90, 0] front
    props: tuple[str, ...]
    places: dict[str, Place]  # wall, desk, chair
    frames: dict  # frame name -> the frame's table
    move: tuple[str, ...] = ()  # body points whose path from the frame before is an arrow
    ghost: bool = False  # the frame before shows as a pale silhouette behind the figure
    zoom: float = 1.0  # for a view where the figure is small (end on): larger than the rest


def load(path: Path = POSES) -> dict[str, Exercise]:
    data = tomllib.loads(path.read_text("utf-8"))
    return {name: parse(name, table) for name, table in data.items()}


def parse(name: str, table: dict) -> Exercise:
    def fail(where: str, why: str) -> NoReturn:
        raise PoseError(f"{POSES.name}: [{name}] {where}: {why}")

    for key in table:
        if key not in EXERCISE_KEYS:
            fail(key, f"unknown key; allowed: {', '.join(EXERCISE_KEYS)}")
    camera = table.get("camera", [0, 0])
    if not (isinstance(camera, list) and len(camera) == 2):
        fail("camera", "give [yaw, pitch] in degrees")
    props = tuple(table.get("props", []))
    for prop in props:
        if prop not in PROPS:
            fail("props", f"unknown prop {prop!r}; known: {', '.join(PROPS)}")
    places = {}
    for prop in ("wall", "desk", "chair"):
        if prop in props:
            place = table.get(prop)
            if not (isinstance(place, dict) and place.get("side") in SIDES
                    and isinstance(place.get("gap"), (int, float))
                    and set(place) <= {"side", "gap", "width", "shift"}
                    and all(isinstance(place.get(k, 0), (int, float)) for k in ("width", "shift"))):
                fail(prop, 'give { side = "front"|"back"|"left"|"right", gap = units }, and '
                           'optionally width and shift in units')
            places[prop] = Place(place["side"], float(place["gap"]),
                                 float(place.get("width", 200)), float(place.get("shift", 0)))
        elif prop in table:
            fail(prop, "placed but not in props")
    frames = table.get("frames")
    if not isinstance(frames, dict) or len(frames) < 2:
        fail("frames", "give at least two frames (start and end)")
    flat = {}
    for frame_name, grouped in frames.items():
        if not frame_name.replace("-", "").isalnum():
            fail(f"frames.{frame_name}", "frame names are letters, digits and dashes")
        frame = {}
        for key, value in grouped.items():
            if key in FRAME_KEYS:
                frame[key] = value
            elif key in LIMBS and isinstance(value, dict):
                prefix, keys = LIMBS[key]
                for joint, angle_ in value.items():
                    if joint not in keys:
                        fail(f"frames.{frame_name}.{key}.{joint}", f"one of {', '.join(keys)}")
                    if joint != "hand" and not isinstance(angle_, (int, float)):
                        fail(f"frames.{frame_name}.{key}.{joint}", "an angle in degrees")
                    frame[prefix + keys[joint]] = angle_
            else:
                fail(f"frames.{frame_name}.{key}",
                     f"unknown key; allowed: {', '.join(FRAME_KEYS + tuple(LIMBS))}")
        flat[frame_name] = frame
        for key, value in frame.items():
            if key.endswith("hand") and value not in HANDS:
                fail(f"frames.{frame_name}.{key}", f"one of {', '.join(HANDS)}")
            if key.endswith("hand") and value in ("desk", "wall") and value not in props:
                fail(f"frames.{frame_name}.{key}", f"a hand on the {value} needs it in props")
        for point in frame.get("floor", []) + [frame.get("anchor", "feet")]:
            if point not in CONTACTS:
                fail(f"frames.{frame_name}", f"unknown body point {point!r}")
        for point, prop in frame.get("touch", {}).items():
            if point not in CONTACTS or prop not in places:
                fail(f"frames.{frame_name}.touch",
                     f"{point} = {prop!r}: give a body point and a placed prop")
    move = tuple(table.get("move", []))
    for point in move:
        if point not in pose({}).points:
            fail("move", f"unknown body point {point!r}; e.g. pelvis, right_knee, left_ankle")
    ghost = table.get("ghost", False)
    if not isinstance(ghost, bool):
        fail("ghost", "true or false")
    zoom = table.get("zoom", 1.0)
    if not isinstance(zoom, (int, float)) or not 0.5 <= zoom <= 2:
        fail("zoom", "a number from 0.5 to 2")
    return Exercise(name, (float(camera[0]), float(camera[1])), props, places, flat, move, ghost,
                    float(zoom))


# --- the figure --------------------------------------------------------------------------------

@dataclass
class Figure:
    """Joint positions of one posed figure, in world units (y up, floor at 0 after placing)."""

    points: dict[str, Vec] = field(default_factory=dict)
    axes: tuple[Vec, Vec, Vec] = ((1, 0, 0), (0, 1, 0), (0, 0, 1))  # forward, up, right
    glutes: str = ""
    reach_error: dict[str, float] = field(default_factory=dict)

    def move(self, by: Vec) -> None:
        self.points = {name: add(p, by) for name, p in self.points.items()}


def angle(frame: dict, side: str, key: str, default: float = 0.0) -> float:
    return float(frame.get(f"{side}_{key}", frame.get(key, default)))


def pose(frame: dict) -> Figure:
    """Forward kinematics: the pelvis at the origin, then trunk, head, legs and arms."""
    forward, up, right = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
    world_up = up
    heading = float(frame.get("heading", 0))  # turn about the vertical; -90 faces the camera
    forward, right = rot(forward, world_up, heading), rot(right, world_up, heading)
    lean = float(frame.get("lean", 0))  # forward tilt from upright; 90 face down, -90 on the back
    forward, up = rot(forward, right, -lean), rot(up, right, -lean)
    roll = float(frame.get("roll", 0))  # sideways tilt towards the right side
    up, right = rot(up, forward, roll), rot(right, forward, roll)

    fig = Figure(axes=(forward, up, right), glutes=frame.get("glutes", ""))
    p = fig.points
    pelvis = (0.0, 0.0, 0.0)
    p["pelvis"] = pelvis
    p["neck"] = mul(up, TRUNK)
    p["belly"] = add(mul(up, 12), mul(forward, 0.6))
    p["chest"] = add(mul(up, TRUNK - 9), mul(forward, 0.9))
    nod = -float(frame.get("neck", 0))
    head_dir, face = rot(up, right, nod), rot(forward, right, nod)
    p["head"] = add(p["neck"], mul(head_dir, NECK + HEAD_R))
    p["nose"] = add(p["head"], add(mul(face, HEAD_R * 0.9), mul(head_dir, -0.5)))
    floor_feet = set()
    for contact in frame.get("floor", []):
        floor_feet |= {"left", "right"} if contact == "feet" else (
            {contact.split("_")[0]} if contact.endswith("_foot") else set())
    for side, s in (("left", -1.0), ("right", 1.0)):
        outward = mul(right, s)
        hip = mul(outward, HIP_HALF)
        p[f"{side}_hip"] = hip
        p[f"{side}_glute"] = add(add(hip, mul(forward, -2.4)), mul(up, 1.2))
        # Where a working glute is shown: behind the hip from the side, at its outer edge from
        # the front (gluteus medius), so it is visible from every camera.
        p[f"{side}_glow"] = add(add(add(hip, mul(forward, -3.2)), mul(up, 1.6)), mul(outward, 1.2))
        # The leg frame: abduction about the forward axis, then flexion about the side axis.
        out = angle(frame, side, "hip_out")
        flex = angle(frame, side, "hip")
        leg = [rot(rot(v, forward, -s * out), right, flex) for v in (forward, up, right)]
        l_fwd, l_up, l_right = leg
        thigh = mul(l_up, -1)
        # External rotation about the thigh: toes turn out, a bent knee's shin swings inwards.
        turn = s * angle(frame, side, "hip_turn")
        l_fwd, l_right = rot(l_fwd, thigh, turn), rot(l_right, thigh, turn)
        knee = add(hip, mul(thigh, THIGH))
        bend = angle(frame, side, "knee")
        shin = rot(thigh, l_right, -bend)
        ankle = add(knee, mul(shin, SHIN))
        foot_ = rot(l_fwd, l_right, angle(frame, side, "ankle") - bend)
        if side in floor_feet and f"{side}_ankle" not in frame and "ankle" not in frame:
            level = (foot_[0], 0.0, foot_[2])  # flat on the floor, toes where the leg points
            foot_ = unit(level) if length(level) > 1e-6 else unit((l_fwd[0], 0.0, l_fwd[2]))
        toe, heel = add(ankle, mul(foot_, FOOT)), add(ankle, mul(foot_, -HEEL))
        opening = angle(frame, side, "knee_open")
        if opening:
            # The knee swings out about the hip-ankle line; the foot stays (clamshell, frog).
            axis = unit(sub(ankle, hip))
            sign = 1.0 if dot(cross(axis, sub(knee, hip)), outward) >= 0 else -1.0
            knee = add(hip, rot(sub(knee, hip), axis, sign * opening))
            toe = add(ankle, rot(sub(toe, ankle), axis, sign * opening))
            heel = add(ankle, rot(sub(heel, ankle), axis, sign * opening))
        p[f"{side}_knee"], p[f"{side}_ankle"] = knee, ankle
        p[f"{side}_toe"], p[f"{side}_heel"] = toe, heel

        shoulder = add(add(p["neck"], mul(up, -SHOULDER_DROP)), mul(outward, SHOULDER_HALF))
        p[f"{side}_shoulder"] = shoulder
        a_out, a_flex = angle(frame, side, "shoulder_out"), angle(frame, side, "shoulder")
        arm = [rot(rot(v, forward, -s * a_out), right, a_flex) for v in (forward, up, right)]
        upper = mul(arm[1], -1)
        elbow = add(shoulder, mul(upper, UPPER_ARM))
        fore = rot(upper, arm[2], angle(frame, side, "elbow"))
        p[f"{side}_elbow"], p[f"{side}_hand"] = elbow, add(elbow, mul(fore, FOREARM))
    return fig


def reach(shoulder: Vec, target: Vec, pole: Vec) -> tuple[Vec, Vec, float]:
    """Two-bone IK: elbow and hand for a hand at `target`, the elbow bent towards `pole`;
    the distance still missing when the target is out of reach."""
    to = sub(target, shoulder)
    d = length(to)
    direction = unit(to)
    if d >= UPPER_ARM + FOREARM - 1e-6:
        elbow = add(shoulder, mul(direction, UPPER_ARM))
        return elbow, add(shoulder, mul(direction, UPPER_ARM + FOREARM)), d - UPPER_ARM - FOREARM
    cos_a = (UPPER_ARM ** 2 + d ** 2 - FOREARM ** 2) / (2 * UPPER_ARM * d)
    a = math.acos(max(-1.0, min(1.0, cos_a)))
    side = unit(sub(pole, mul(direction, dot(pole, direction))))
    elbow = add(shoulder, mul(add(mul(direction, math.cos(a)), mul(side, math.sin(a))), UPPER_ARM))
    return elbow, target, 0.0


# Radii of the named body points, for floor contact and touching props.
POINT_R = {"foot": R_FOOT, "toe": R_FOOT, "heel": R_FOOT, "knee": R_KNEE, "hand": R_HAND,
           "head": HEAD_R, "hip": R_HIPS, "seat": R_HIPS, "pelvis": 0.0}


PAIRS = {"feet": "foot", "toes": "toe", "knees": "knee", "hands": "hand", "heels": "heel"}


def each(name: str) -> tuple[str, ...]:
    """A contact as the points that must each touch: both feet for "feet"."""
    return (f"left_{PAIRS[name]}", f"right_{PAIRS[name]}") if name in PAIRS else (name,)


def contact_points(fig: Figure, name: str) -> list[tuple[Vec, float]]:
    p = fig.points
    if name in PAIRS:
        return [point for one in each(name) for point in contact_points(fig, one)]
    if name.endswith("_foot"):
        side = name.split("_")[0]
        return [(p[f"{side}_toe"], R_FOOT), (p[f"{side}_heel"], R_FOOT)]
    if name == "back":
        return [(p[k], r) for k, r in trunk_circles() if k not in ("left_hip", "right_hip", "neck")]
    if name == "seat":
        return [(p["left_glute"], R_GLUTE), (p["right_glute"], R_GLUTE)]
    return [(p[name], POINT_R[name.split("_")[-1]])]


def lowest(fig: Figure, skip: Collection[str]) -> float:
    return min(point[1] - r for point, r in body_circles(fig, skip))


def body_circles(fig: Figure, skip: Collection[str] = frozenset()) -> list[tuple[Vec, float]]:
    """Sample circles along every part: enough to find the lowest point and the extent."""
    found = []
    for a, b, ra, rb, _side in segments(fig):
        if any(name in skip for name in (a, b)):
            continue
        pa, pb = fig.points[a], fig.points[b]
        for k in range(5):
            found.append((add(pa, mul(sub(pb, pa), k / 4)), ra + (rb - ra) * k / 4))
    for name, r in trunk_circles():
        found.append((fig.points[name], r))
    found.append((fig.points["head"], HEAD_R))
    return found


def segments(fig: Figure):
    for side in ("left", "right"):
        yield f"{side}_hip", f"{side}_knee", R_THIGH, R_KNEE, side
        yield f"{side}_knee", f"{side}_ankle", R_KNEE, R_ANKLE, side
        yield f"{side}_heel", f"{side}_toe", R_FOOT, R_FOOT * 0.85, side
        yield f"{side}_shoulder", f"{side}_elbow", R_UPPER, R_ELBOW, side
        yield f"{side}_elbow", f"{side}_hand", R_ELBOW, R_WRIST, side


def trunk_circles():
    return (("left_hip", R_HIPS), ("right_hip", R_HIPS), ("left_glute", R_GLUTE),
            ("right_glute", R_GLUTE), ("belly", R_BELLY), ("chest", R_CHEST),
            ("left_shoulder", R_SHOULDER), ("right_shoulder", R_SHOULDER), ("neck", 4.0))


def ground(exercise: Exercise) -> float:
    """The height the body rests on: the floor, or the top of the mat."""
    return MAT_TOP if "mat" in exercise.props else 0.0


def figures(exercise: Exercise) -> dict[str, Figure]:
    """Every frame's figure, placed: the joint positions the pictures are drawn from."""
    return {name: place(exercise, frame) for name, frame in exercise.frames.items()}


def place(exercise: Exercise, frame: dict) -> Figure:
    """The posed figure on the floor, anchored, hands reaching what they hold."""
    fig = pose(frame)
    floor = ground(exercise)
    targets = {side: frame.get(f"{side}_hand", frame.get("hand")) for side in ("left", "right")}
    held = {f"{side}_{part}" for side, t in targets.items() if t for part in ("elbow", "hand")}
    # What stays put between frames: the anchor named, else the feet on the floor, else
    # whatever else rests on it, else the pelvis.
    on_floor = [name for name in frame.get("floor", []) if not name.endswith(("hand", "hands"))]
    feet = [name for name in on_floor if name.endswith(("foot", "feet", "toe", "toes"))]
    named = [frame["anchor"]] if "anchor" in frame else feet or on_floor or ["pelvis"]
    anchor = [pt for name in named for pt, _r in contact_points(fig, name)]
    ax = sum(pt[0] for pt in anchor) / len(anchor)
    az = sum(pt[2] for pt in anchor) / len(anchor)
    fig.move((-ax, floor - lowest(fig, held), -az))
    forward, up, right = fig.axes
    for side, target in targets.items():
        if not target:
            continue
        s = 1.0 if side == "right" else -1.0
        shoulder = fig.points[f"{side}_shoulder"]
        pole = add(mul(forward, -1.0), mul(right, 0.35 * s))
        if target == "hip":
            goal = add(add(fig.points[f"{side}_hip"], mul(right, s * (R_HIPS + 0.8))), mul(up, 4.0))
            goal = add(goal, mul(forward, -1.0))
            pole = add(mul(right, s), mul(forward, -0.6))
        elif target == "chest":  # arms crossed: the hand on the other shoulder
            other = fig.points[f"{'left' if side == 'right' else 'right'}_shoulder"]
            goal = add(add(other, mul(forward, R_CHEST + R_HAND - 1.0)), mul(up, -3.5))
            pole = add(mul(up, -1.0), mul(right, 0.6 * s))
        elif target == "floor":  # where the arm's angles point, put down on the floor
            hand = fig.points[f"{side}_hand"]
            goal = (hand[0], floor + R_HAND, hand[2])
            pole = (-1.0 if forward[0] >= 0 else 1.0, 0.0, 0.0) if abs(forward[1]) > 0.7 else up
        else:  # desk or wall: where the arm's angles point, put on the desktop or flat against
            # the wall, kept off their edges
            lo, hi = supports(exercise)[target]
            hand = fig.points[f"{side}_hand"]
            near = [min(max(c, a + 4.0), b - 4.0) for c, a, b in zip(hand, lo, hi, strict=True)]
            if target == "desk":
                near[1] = DESK_TOP + R_HAND * 0.8
            else:
                axis, sign = SIDES[exercise.places[target].side]
                k = 0 if axis[0] else 2
                near[k] = sign * (exercise.places[target].gap - R_HAND)
            goal = vec(near)
        elbow, hand, missing = reach(shoulder, goal, pole)
        fig.points[f"{side}_elbow"], fig.points[f"{side}_hand"] = elbow, hand
        fig.reach_error[side] = missing
    return fig


def contact_errors(exercise: Exercise, frame: dict, fig: Figure) -> dict[str, float]:
    """How far each contact the frame names is from its surface (units; 0 is touching)."""
    errors = {}
    for name in frame.get("floor", []):
        for one in each(name):
            errors[f"{one} on floor"] = floor_gap(exercise, fig, one)
    for name, prop in frame.get("touch", {}).items():
        for one in each(name):
            errors[f"{one} on {prop}"] = prop_gap(exercise, fig, one, prop)
    for side, missing in fig.reach_error.items():
        errors[f"{side} hand reach"] = missing
    return errors


def floor_gap(exercise: Exercise, fig: Figure, name: str) -> float:
    """How far the named body point is above what the body rests on (units; 0 is touching)."""
    return min(pt[1] - r for pt, r in contact_points(fig, name)) - ground(exercise)


def prop_gap(exercise: Exercise, fig: Figure, name: str, prop: str) -> float:
    """How far the named body point is from the prop's surface (units; 0 is touching,
    negative: sunk into it)."""
    box = supports(exercise)[prop]
    return min(clearance(pt, r, box) for pt, r in contact_points(fig, name))


def clearance(point: Vec, radius: float, box: Box) -> float:
    """The gap between a ball and a box: 0 touching, negative when the ball sinks into it."""
    lo, hi = box
    outside = [max(lo[k] - point[k], 0.0, point[k] - hi[k]) for k in range(3)]
    if any(outside):
        return length(vec(outside)) - radius
    return -min(min(point[k] - lo[k], hi[k] - point[k]) for k in range(3)) - radius


def supports(exercise: Exercise) -> dict[str, Box]:
    """The surfaces a body rests on, for each placed prop: the wall, the desktop, the seat."""
    found = {}
    for prop, place in exercise.places.items():
        if prop == "wall":
            found[prop] = place.block(0, WALL_THICK, place.width, -120, 300)
        elif prop == "desk":
            found[prop] = place.block(0, DESK_DEPTH, 24, DESK_TOP - 2.5, DESK_TOP)
        else:
            found[prop] = place.block(0, CHAIR_DEPTH, 10.0, CHAIR_SEAT - 2.5, CHAIR_SEAT)
    return found


# --- drawing -----------------------------------------------------------------------------------

class Camera:
    def __init__(self, yaw: float, pitch: float):
        self.cy, self.sy = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
        self.cp, self.sp = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))

    def view(self, p: Vec) -> Vec:
        """Camera coordinates: x right, y up, z towards the viewer (depth)."""
        x = p[0] * self.cy + p[2] * self.sy
        z = -p[0] * self.sy + p[2] * self.cy
        return (x, p[1] * self.cp - z * self.sp, p[1] * self.sp + z * self.cp)


@dataclass
class Shape:
    depth: float
    kind: str  # capsule, circle, polygon, blob (hull of circles), group (of shapes, cut out)
    points: list
    radius: float | tuple | list  # a capsule may taper: (start, end); a blob has one per circle
    colour: tuple
    part: str = ""  # the body point a shape stands for, where one may be looked for (hands)


def box(lo: Vec, hi: Vec) -> list[Vec]:
    return [(x, y, z) for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]


def hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def half(seq: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for q in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (q[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (q[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(q)
        return out

    lower, upper = half(pts), half(reversed(pts))
    return lower[:-1] + upper[:-1]


def prop_shapes(exercise: Exercise, figures: list[Figure], cam: Camera) -> list[Shape]:
    """Floor, wall, mat, chair and desk, all behind the figure (the band is drawn with it)."""
    behind = []

    def solid(block: Box, colour, top=None, depth=-1e6):
        corners = box(*block)
        pts = [cam.view(c) for c in corners]
        behind.append(Shape(depth, "polygon", hull([(q[0], q[1]) for q in pts]), 0, colour))
        if top is not None and cam.sp > 0.05:
            ys = sorted({c[1] for c in corners})
            face = [c for c in corners if c[1] == ys[-1]]
            face_pts = hull([(cam.view(c)[0], cam.view(c)[1]) for c in face])
            behind.append(Shape(depth + 0.1, "polygon", face_pts, 0, top))

    # The floor: a slab whose top is the floor, reaching far to each side and behind.
    floor_lo, floor_hi = [-300.0, -120.0, -300.0], [300.0, 0.0, 300.0]
    if cam.sp > 0.05:  # seen from above: the floor ends at the wall, or a little behind
        floor_lo[0 if abs(cam.sy) > 0.7 else 2] = -70.0
    if "wall" in exercise.places:  # the floor ends where the wall stands
        axis, sign = SIDES[exercise.places["wall"].side]
        k = 0 if axis[0] else 2
        if sign > 0:
            floor_hi[k] = exercise.places["wall"].gap
        else:
            floor_lo[k] = -exercise.places["wall"].gap
    solid((vec(floor_lo), vec(floor_hi)), GROUND, GROUND_TOP, depth=-2e6)
    if "wall" in exercise.places:
        wall = exercise.places["wall"]
        (lo, hi) = supports(exercise)["wall"]
        if cam.sp > 0.3:  # seen from above, a wall going on below the floor would hide it
            lo = (lo[0], 0.0, lo[2])
        solid((lo, hi), WALL, depth=-1.9e6)
        if abs(cam.view(SIDES[wall.side][0])[2]) < 0.3:  # seen edge on: a line marks the face
            solid(wall.block(0, 0.9, wall.width, -120, 300), WALL_FACE, depth=-1.8e6)
        elif cam.sp > 0.3:  # seen from above: a skirting board where it meets the floor
            solid(wall.block(0, 0.9, wall.width, 0, 2.5), WALL_FACE, depth=-1.8e6)
    if "mat" in exercise.props:
        xs = [pt[0] for fig in figures for pt, _r in body_circles(fig)]
        zs = [pt[2] for fig in figures for pt, _r in body_circles(fig)]
        solid(((min(xs) - 5, 0, min(zs) - 6), (max(xs) + 5, MAT_TOP, max(zs) + 6)),
              MAT_EDGE, MAT, depth=-1.5e6)
    if "chair" in exercise.places:
        chair = exercise.places["chair"]
        solid(chair.block(1.5, 3.0, 9.0, 0, CHAIR_SEAT), CHAIR, depth=-1.2e6)
        solid(chair.block(CHAIR_DEPTH - 3.0, CHAIR_DEPTH - 1.5, 9.0, 0, CHAIR_SEAT), CHAIR,
              depth=-1.2e6)
        solid(chair.block(CHAIR_DEPTH - 2.5, CHAIR_DEPTH, 9.5, CHAIR_SEAT, CHAIR_SEAT + 26), CHAIR,
              depth=-1.2e6)
        solid(supports(exercise)["chair"], CHAIR, WOOD, depth=-1.1e6)
    if "desk" in exercise.places:
        desk, far = exercise.places["desk"], DESK_DEPTH
        for leg in (-1, 1):  # two legs at the far edge (one hides the other seen from the side)
            solid(desk.block(far - 5, far - 2, 0, 0, DESK_TOP - 2.5, shift=leg * 20.5),
                  WOOD_DARK, depth=-1.3e6)
        if desk.side in ("front", "back"):  # a monitor says "desk" at a glance; beside the
            screen = far - 12              # figure it would stand behind the head: none there
            solid(desk.block(screen, screen + 2, 4, DESK_TOP, DESK_TOP + 7), SCREEN,
                  depth=-1.25e6)
            solid(desk.block(screen - 4, screen + 6, 6, DESK_TOP, DESK_TOP + 1), SCREEN,
                  depth=-1.25e6)
            solid(desk.block(screen - 1, screen + 0.5, 13, DESK_TOP + 6, DESK_TOP + 24), SCREEN,
                  SCREEN_GLASS, depth=-1.24e6)
        solid(supports(exercise)["desk"], WOOD_DARK, WOOD, depth=-1.0e6)
    return behind


def figure_shapes(fig: Figure, cam: Camera, exercise: Exercise, glutes: bool = True) -> list[Shape]:
    """The figure as groups (trunk, head, each limb) drawn back to front, each group cut out of
    what lies behind it by a thin background-coloured edge, so a near arm reads against the
    trunk and a near leg against the far one."""
    forward, up, right = fig.axes
    # The side turned away from the camera is drawn a lighter shade.
    facing_right = cam.view(right)[2]

    def far(side: str) -> bool:
        return (facing_right if side == "right" else -facing_right) < -0.3

    def v(name):
        return cam.view(fig.points[name])

    groups = []
    names = [name for name, _r in trunk_circles()]
    trunk = Shape(0, "blob", [v(n) for n in names], [r for _n, r in trunk_circles()], BODY)
    groups.append(Shape(v("pelvis")[2], "group", [trunk], 0, BODY))
    head = v("head")
    parts = [Shape(0, "circle", [head], HEAD_R, BODY), Shape(0, "circle", [v("nose")], 1.7, BODY)]
    groups.append(Shape(head[2] + 0.5, "group", parts, 0, BODY))
    limbs: dict[str, list[Shape]] = {}
    for a, b, ra, rb, side in segments(fig):
        limb = f"{side}_{'arm' if a.endswith(('shoulder', 'elbow')) else 'leg'}"
        colour = BODY_FAR if far(side) else BODY
        limbs.setdefault(limb, []).append(Shape(0, "capsule", [v(a), v(b)], (ra, rb), colour))
        if b.endswith("hand"):
            limbs[limb].append(Shape(0, "circle", [v(b)], R_HAND, colour, part=b))
    for limb, parts in limbs.items():
        root = v(f"{limb.split('_')[0]}_{'shoulder' if limb.endswith('arm') else 'hip'}")
        ends = [q for part in parts for q in part.points]
        depth = (root[2] + sum(q[2] for q in ends) / len(ends)) / 2 + 1.0
        groups.append(Shape(depth, "group", parts, 0, BODY))
    for side in ("left", "right") if glutes else ():
        if fig.glutes in (side, "both"):
            # Over the trunk and the thighs, under a near arm: the muscle that works.
            c = v(f"{side}_glow")
            groups.append(Shape(v("pelvis")[2] + 6.0 + (0.1 if side == "right" else 0), "group",
                                [Shape(0, "circle", [c], R_GLUTE * 0.9, GLUTE)], 0, GLUTE))
    if "band" in exercise.props:
        top = max(g.depth for g in groups) + 1
        groups.append(Shape(top, "group", band_shapes(fig, cam), 0, BAND))
    return groups


def band_shapes(fig: Figure, cam: Camera) -> list[Shape]:
    """A loop of band just above the knees: a strap across both legs, or, seen from the side
    where the strap shrinks to a dot, a stripe round the thigh."""
    p = fig.points
    at = {side: add(p[f"{side}_hip"], mul(sub(p[f"{side}_knee"], p[f"{side}_hip"]), 0.8))
          for side in ("left", "right")}
    across = unit(sub(at["right"], at["left"]))
    a = cam.view(sub(at["left"], mul(across, R_THIGH - 0.6)))
    b = cam.view(add(at["right"], mul(across, R_THIGH - 0.6)))
    if math.hypot(a[0] - b[0], a[1] - b[1]) > 3 * R_THIGH:
        return [Shape(0, "capsule", [a, b], BAND_R, BAND)]
    shapes = []
    for side in ("left", "right"):
        c, d = cam.view(at[side]), cam.view(p[f"{side}_knee"])
        n = math.hypot(d[0] - c[0], d[1] - c[1]) or 1.0
        nx, ny = -(d[1] - c[1]) / n * (R_THIGH - 0.3), (d[0] - c[0]) / n * (R_THIGH - 0.3)
        shapes.append(Shape(0, "capsule", [(c[0] - nx, c[1] - ny, 0), (c[0] + nx, c[1] + ny, 0)],
                            BAND_R, BAND))
    return shapes


def layout(exercise: Exercise, figures: list[Figure], cam: Camera) -> tuple[float, float, float]:
    """Scale and offset (pixels) shared by every frame of an exercise, so nothing jumps."""
    xs, ys = [], []
    for fig in figures:
        for point, r in body_circles(fig):
            q = cam.view(point)
            xs += [q[0] - r, q[0] + r]
            ys += [q[1] - r, q[1] + r]
    ys.append(cam.view((0, 0, 0))[1] - 4)  # a strip of floor under the feet
    for prop in ("wall", "desk", "chair"):
        if prop in exercise.places:
            axis, sign = SIDES[exercise.places[prop].side]
            edge = cam.view(mul(axis, sign * exercise.places[prop].gap))
            xs += [edge[0] + (4 if edge[0] > 0 else -4)]
            if prop == "desk":
                ys.append(DESK_TOP + 26)
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    scale = min(MAX_SCALE * exercise.zoom, (SIZE - 2 * MARGIN) / width,
                (SIZE - 2 * MARGIN) / height)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return scale, SIZE / 2 - cx * scale, SIZE / 2 + cy * scale


def arrow(a: Vec, b: Vec, centre: Vec, clear: float = 5.0) -> list[Shape]:
    """A curved arrow from a to b (camera coordinates), bowed away from the body's centre and
    `clear` units off the parts at both ends; nothing for a move too small to point at."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    span = math.hypot(dx, dy)
    if span < 8:
        return []
    nx, ny = -dy / span, dx / span
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    if nx * (mid[0] - centre[0]) + ny * (mid[1] - centre[1]) < 0:
        nx, ny = -nx, -ny
    bow = 0.22 * span
    c = (mid[0] + nx * (bow + clear), mid[1] + ny * (bow + clear))
    a2, b2 = (a[0] + nx * clear, a[1] + ny * clear), (b[0] + nx * clear, b[1] + ny * clear)

    def at(t):
        u = 1 - t
        return (u * u * a2[0] + 2 * u * t * c[0] + t * t * b2[0],
                u * u * a2[1] + 2 * u * t * c[1] + t * t * b2[1], 0.0)

    t0, t1 = min(0.25, 3.0 / span), 1 - min(0.3, 5.0 / span)
    steps = [at(t0 + (t1 - t0) * k / 10) for k in range(11)]
    shapes = [Shape(-1e5, "capsule", [p, q], 0.75, ARROW)
              for p, q in zip(steps, steps[1:], strict=False)]  # neighbours
    tip, back = at(t1 + 0.001), steps[-1]
    tx, ty = tip[0] - back[0], tip[1] - back[1]
    n = math.hypot(tx, ty) or 1.0
    tx, ty = tx / n, ty / n
    head = [(back[0] + tx * 3.2, back[1] + ty * 3.2),
            (back[0] - tx * 1.6 - ty * 2.6, back[1] - ty * 1.6 + tx * 2.6),
            (back[0] - tx * 1.6 + ty * 2.6, back[1] - ty * 1.6 - tx * 2.6)]
    shapes.append(Shape(-1e5, "polygon", head, 0, ARROW))
    return shapes


def squeeze_marks(fig: Figure, cam: Camera) -> list[Shape]:
    """Three short strokes fanning out from each working glute: "squeeze here"."""
    shapes = []
    centre = cam.view(fig.points["belly"])
    for side in ("left", "right"):
        if fig.glutes not in (side, "both"):
            continue
        g = cam.view(fig.points[f"{side}_glow"])
        base = math.atan2(g[1] - centre[1], g[0] - centre[0])
        if abs(g[0] - centre[0]) + abs(g[1] - centre[1]) < 1:
            base = math.pi
        for spread in (-0.6, 0.0, 0.6):
            t = base + spread
            start, end = R_GLUTE + 2.2, R_GLUTE + 6.0
            shapes.append(Shape(-1e5, "capsule", [
                (g[0] + math.cos(t) * start, g[1] + math.sin(t) * start, 0),
                (g[0] + math.cos(t) * end, g[1] + math.sin(t) * end, 0)], 0.75, ARROW))
    return shapes


HALO = 1.1  # the background-coloured edge round each part of the figure, in body units


def paint(shapes: list[Shape], scale: float, ox: float, oy: float) -> Image.Image:
    big = SIZE * SUPER
    k = scale * SUPER
    canvas = Image.new("RGB", (big, big), TILE)
    draw = ImageDraw.Draw(canvas)

    def px(q):
        return ((ox + q[0] * scale) * SUPER, (oy - q[1] * scale) * SUPER)

    def circle_points(centre, r):
        x, y = px(centre)
        return [(x + r * k * math.cos(n * math.pi / 16), y + r * k * math.sin(n * math.pi / 16))
                for n in range(32)]

    def fill(shape: Shape, grow: float, colour) -> None:
        if shape.kind == "polygon":
            if len(shape.points) >= 3:
                draw.polygon([px(q) for q in shape.points], fill=colour)
            return
        radii = shape.radius if isinstance(shape.radius, (tuple, list)) else (shape.radius,) * 2
        if shape.kind == "blob":  # the hull of circles: the trunk
            outline = [q for c, r in zip(shape.points, radii, strict=True)
                       for q in circle_points(c, r + grow)]
            draw.polygon(hull(outline), fill=colour)
            return
        ends = [px(q) for q in shape.points]
        for (x, y), r in zip(ends, radii, strict=False):  # a one-radius shape has a pair
            r = (r + grow) * k
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        if shape.kind == "capsule":
            (x1, y1), (x2, y2) = ends
            r1, r2 = (radii[0] + grow) * k, (radii[1] + grow) * k
            n = math.hypot(x2 - x1, y2 - y1)
            if n > 1e-6:
                ux, uy = -(y2 - y1) / n, (x2 - x1) / n
                draw.polygon([(x1 + ux * r1, y1 + uy * r1), (x2 + ux * r2, y2 + uy * r2),
                              (x2 - ux * r2, y2 - uy * r2), (x1 - ux * r1, y1 - uy * r1)],
                             fill=colour)

    for shape in sorted(shapes, key=lambda s: s.depth):
        if shape.kind == "group":
            for part in shape.points:
                fill(part, HALO, TILE)
            for part in shape.points:
                fill(part, 0.0, part.colour)
        else:
            fill(shape, 0.0, shape.colour)
    return canvas


def finish(canvas: Image.Image) -> Image.Image:
    """Scale down, then cut the rounded tile with a thin edge; outside it is transparent."""
    small = canvas.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    big = SIZE * SUPER
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), radius=28 * SUPER, fill=255)
    edge = Image.new("L", (big, big), 0)
    ImageDraw.Draw(edge).rounded_rectangle((0, 0, big - 1, big - 1), radius=28 * SUPER, fill=0,
                                           outline=255, width=2 * SUPER)
    mask = mask.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    edge = edge.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    small = Image.composite(Image.new("RGB", (SIZE, SIZE), TILE_EDGE), small, edge)
    out = small.convert("RGBA")
    out.putalpha(mask)
    return out


def scenes(exercise: Exercise) -> tuple[dict[str, list[Shape]], tuple[float, float, float]]:
    """Every frame's shapes, to be painted back to front, and the scale and offset they share."""
    cam = Camera(*exercise.camera)
    frames = figures(exercise)
    view = layout(exercise, list(frames.values()), cam)
    scenes = {}
    before: Figure | None = None
    for name, fig in frames.items():
        behind = prop_shapes(exercise, list(frames.values()), cam)
        marks: list[Shape] = []
        if before is not None:  # arrows from the frame before
            for point in exercise.move:
                clear = 12.0 if point in ("pelvis", "belly", "chest", "neck") else 6.0
                marks += arrow(cam.view(before.points[point]), cam.view(fig.points[point]),
                               cam.view(fig.points["belly"]), clear)
        if exercise.frames[name].get("squeeze"):
            marks += squeeze_marks(fig, cam)
        if exercise.ghost and before:
            plain = Exercise(exercise.id, exercise.camera, (), {}, {})
            for group in figure_shapes(before, cam, plain, glutes=False):
                marks += [Shape(-5e4, part.kind, part.points, part.radius, GHOST)
                          for part in group.points]
        scenes[name] = behind + marks + figure_shapes(fig, cam, exercise)
        before = fig
    return scenes, view


def render(exercise: Exercise) -> dict[str, Image.Image]:
    """Every frame of one exercise, 256 x 256 RGBA."""
    shapes, view = scenes(exercise)
    return {name: finish(paint(frame, *view)) for name, frame in shapes.items()}


def neutral() -> Image.Image:
    """A figure standing at ease: the picture for exercises without a pose."""
    ex = Exercise(NEUTRAL, (0.0, 0.0), (), {}, {
        "a": {"floor": ["feet"], "shoulder": 4, "elbow": 10},
        "b": {"floor": ["feet"], "shoulder": 4, "elbow": 10}})
    return render(ex)["a"]


def check(exercises: dict[str, Exercise], tolerance: float = 1.5) -> list[str]:
    """Contacts that miss: a foot above the floor, a hand short of the desk, a knee off the wall."""
    problems = []
    for ex in exercises.values():
        for name, fig in figures(ex).items():
            frame = ex.frames[name]
            for what, error in contact_errors(ex, frame, fig).items():
                if abs(error) > tolerance:
                    problems.append(f"{ex.id} {name}: {what} off by {error:+.1f}")
    return problems


# --- output ------------------------------------------------------------------------------------

COLOURS = 64  # a flat palette with anti-aliased edges: indistinguishable, a quarter the bytes


def packaged(image: Image.Image, colours: int = COLOURS) -> Image.Image:
    """The picture as shipped: a palette image (deterministic, no dithering)."""
    return image.quantize(colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def save(image: Image.Image, path: Path, colours: int = COLOURS) -> None:
    packaged(image, colours).save(path, optimize=True)


def contact_sheet(exercises: dict[str, Exercise], names: dict[str, str]) -> Image.Image:
    """Every exercise's frames side by side with its name underneath, cells flowing in rows."""
    thumb, between, pad, label, width = 128, 6, 22, 26, 3 * (2 * 128 + 6) + 4 * 22
    cells, x, y = [], pad, pad
    for ex in exercises.values():
        cell_w = len(ex.frames) * thumb + (len(ex.frames) - 1) * between
        if x + cell_w + pad > width:
            x, y = pad, y + thumb + label + 12
        cells.append((ex, x, y))
        x += cell_w + pad
    sheet = Image.new("RGB", (width, y + thumb + label + pad - 6), (250, 251, 250))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=14)
    for ex, x0, y0 in cells:
        for k, name in enumerate(ex.frames):
            picture = Image.open(HERE / f"{ex.id}-{name}.png").convert("RGBA")
            small = picture.resize((thumb, thumb), Image.Resampling.LANCZOS)
            sheet.paste(small, (x0 + k * (thumb + between), y0), small)
        draw.text((x0 + 2, y0 + thumb + 5), names.get(ex.id, ex.id), fill=(40, 48, 56), font=font)
    return sheet


def main() -> int:
    exercises = load()
    problems = check(exercises)
    for problem in problems:
        print("contact:", problem, file=sys.stderr)
    for ex in exercises.values():
        for name, picture in render(ex).items():
            save(picture, HERE / f"{ex.id}-{name}.png")
    save(neutral(), HERE / f"{NEUTRAL}.png")
    names = {e.id: e.name for e in builtin()}
    SHEET.parent.mkdir(exist_ok=True)
    save(contact_sheet(exercises, names).convert("RGBA"), SHEET, colours=128)
    count = sum(len(ex.frames) for ex in exercises.values())
    print(f"wrote {count} frames for {len(exercises)} exercises, {NEUTRAL}.png and {SHEET.name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
