"""The tray icon, drawn with Pillow: a ring that fills as the stretch of sitting advances.

Calm green while sitting, amber in the last part of the stretch, a red disc with an exclamation
mark when a break is due, an indigo ring with a crescent while snoozed, grey pause bars while
paused, and a dashed grey ring while you are away. Every state is drawn larger and scaled down,
with a thin dark edge so it reads on light and dark panels alike.

The shapes are cut from two precomputed maps, distance from the centre and angle round it, with
`Image.point` and `paste`: ImageDraw would bring ImageFont, FreeType and HarfBuzz into a process
that never writes text (1.6 MB resident, all day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, PngImagePlugin  # noqa: F401

# Saving with a format name (pystray's gtk backend writes each icon as "PNG") makes Pillow's
# preinit() import its BMP, GIF, JPEG and PPM plugins too: about 3 MB more in a process that runs
# all day. PNG is registered above, and it is the only format the daemon writes, so mark that
# step done. (Other formats still load on demand, by file extension.)
if getattr(Image, "_initialized", 1) < 1:
    Image._initialized = 1

from ..core.effects import Status

STEPS = 16  # the ring fills in sixteenths: at a 30-minute interval, one redraw per ~2 minutes
SIZES = (16, 22, 24, 32, 48)

CALM = (63, 182, 139, 255)
WARM = (240, 160, 48, 255)
ALERT = (229, 72, 77, 255)
SNOOZE = (110, 123, 242, 255)
NEUTRAL = (154, 160, 166, 255)
TRACK = (128, 128, 128, 110)
EDGE = (0, 0, 0, 120)
WHITE = (255, 255, 255, 255)


@dataclass(frozen=True)
class Look:
    """Everything that decides the picture: equal Looks draw identical images."""

    phase: str  # sitting warm due snoozed paused away
    step: int = 0  # filled sixteenths of the ring
    problem: bool = False  # the settings file has a mistake: an amber badge in the corner


def look_for(status: Status, every: float, problem: bool = False) -> Look:
    look = _look_for(status, every)
    return Look(look.phase, look.step, True) if problem else look


def _look_for(status: Status, every: float) -> Look:
    if status.phase in ("paused", "away"):
        return Look(status.phase)
    if status.phase == "due":
        return Look("due", STEPS)
    if status.phase == "held":  # due, but quietly: no red while you present
        return Look("warm", STEPS)
    whole = status.sitting + status.due_in if status.phase == "snoozed" else every
    step = min(STEPS, int(STEPS * status.sitting / whole)) if whole > 0 else STEPS
    if status.phase == "snoozed":
        return Look("snoozed", step)
    return Look("warm" if status.due_in <= every / 6 else "sitting", step)


def _level(big: int, radius: float) -> float:
    """Where a radius falls on the distance map of a big x big square."""
    return radius * 255 / (big / 2 + 1)


@lru_cache(maxsize=16)  # every size the trays and the app icon use, with their discs
def _maps(big: int) -> tuple[Image.Image, Image.Image]:
    """For a big x big square: each pixel's distance from the centre (255 = outside the circle,
    steps of about half a pixel) and its angle clockwise from 12 o'clock (a full turn = 256)."""
    centre = big / 2
    per_pixel = _level(big, 1.0)
    distance, angle = bytearray(big * big), bytearray(big * big)
    at = 0
    for y in range(big):
        dy = y + 0.5 - centre
        for x in range(big):
            dx = x + 0.5 - centre
            distance[at] = min(255, int(math.hypot(dx, dy) * per_pixel))
            angle[at] = int(math.atan2(dx, -dy) / math.tau % 1.0 * 256) & 255
            at += 1
    return Image.frombytes("L", (big, big), bytes(distance)), Image.frombytes("L", (big, big), bytes(angle))


class _Canvas:
    """Painting with masks; every box is inclusive, as ImageDraw's are."""

    def __init__(self, big: int):
        self.big = big
        self.image = Image.new("RGBA", (big, big), (0, 0, 0, 0))

    def ring(self, outer: float, inner: float, colour, turn: tuple[float, float] = (0.0, 1.0)):
        """The band between two radii round the centre, over part of a turn from 12 o'clock."""
        distance, angle = _maps(self.big)
        low, high = _level(self.big, inner), _level(self.big, outer)
        mask = distance.point(lambda v: 255 if low <= v < high else 0)
        if turn != (0.0, 1.0):
            first, last = turn[0] * 256, turn[1] * 256
            arc = angle.point(lambda v: 255 if first <= v < last else 0)
            mask = Image.composite(arc, Image.new("L", mask.size, 0), mask)
        self.image.paste(colour, mask=mask)

    def disc(self, box: tuple[int, int, int, int], colour) -> None:
        across = box[2] - box[0] + 1
        distance = _maps(across)[0]
        edge = _level(across, across / 2)
        self.image.paste(colour, (box[0], box[1], box[0] + across, box[1] + across),
                         distance.point(lambda v: 255 if v < edge else 0))

    def rectangle(self, box: tuple[int, int, int, int], colour) -> None:
        self.image.paste(colour, (box[0], box[1], box[2] + 1, box[3] + 1))


def draw(look: Look, size: int) -> Image.Image:
    image = _draw(look, size)
    if look.problem:
        big = size * 4
        canvas = _Canvas(big)
        across = round(big * 0.46)
        rim = max(4, round(big * 0.05))
        canvas.disc((big - across, big - across, big - 1, big - 1), EDGE)
        canvas.disc((big - across + rim, big - across + rim, big - 1 - rim, big - 1 - rim), WARM)
        image.alpha_composite(canvas.image.resize((size, size), Image.LANCZOS))
    return image


def _draw(look: Look, size: int) -> Image.Image:
    scale = 4 if size <= 48 else 2
    big = size * scale
    canvas = _Canvas(big)
    width = max(scale * 2, round(big * 0.17))
    edge = max(scale, round(big * 0.03))
    outer = big / 2 - edge  # the coloured band runs from here inwards, `width` deep

    canvas.ring(big / 2, outer - width - edge, EDGE)  # thin dark rims either side of the band
    if look.phase == "due":
        canvas.ring(outer, 0, ALERT)
        bar = max(scale * 2, round(big * 0.12))
        left, right = big // 2 - bar // 2, big // 2 + bar // 2
        top, bottom = round(big * 0.22), round(big * 0.60)
        across = right - left + 1
        canvas.rectangle((left, top + across // 2, right, bottom - across // 2), WHITE)
        canvas.disc((left, top, right, top + across - 1), WHITE)
        canvas.disc((left, bottom - across + 1, right, bottom), WHITE)
        dot = round(big * 0.68)
        canvas.disc((left, dot, right, dot + across - 1), WHITE)
        return canvas.image.resize((size, size), Image.LANCZOS)

    if look.phase == "away":
        for start in range(0, 360, 45):  # dashes: nobody is sitting
            canvas.ring(outer, outer - width, NEUTRAL, ((start + 8) / 360, (start + 37) / 360))
    elif look.phase == "paused":
        canvas.ring(outer, outer - width, NEUTRAL)
    else:
        canvas.ring(outer, outer - width, TRACK)
        colour = {"sitting": CALM, "warm": WARM, "snoozed": SNOOZE}[look.phase]
        if look.step:
            canvas.ring(outer, outer - width, colour, (0.0, look.step / STEPS))
    if look.phase == "paused":
        bar_width, gap = round(big * 0.11), round(big * 0.07)
        top, bottom, middle = round(big * 0.32), round(big * 0.68), big // 2
        rim = max(1, scale // 2)
        for left in (middle - gap // 2 - bar_width, middle + gap // 2):
            canvas.rectangle((left, top, left + bar_width, bottom), EDGE)
            canvas.rectangle((left + rim, top + rim, left + bar_width - rim, bottom - rim), NEUTRAL)
    elif look.phase == "snoozed":
        low, high = round(big * 0.36), round(big * 0.64)
        canvas.disc((low, low, high, high), SNOOZE)
        shift = round(big * 0.09)
        canvas.disc((low + shift, low - shift // 2, high + shift, high - shift // 2), (0, 0, 0, 0))
    return canvas.image.resize((size, size), Image.LANCZOS)


def app_icon(size: int) -> Image.Image:
    """The application's own icon: the ring two-thirds of the way round."""
    return draw(Look("sitting", round(STEPS * 2 / 3)), size)
