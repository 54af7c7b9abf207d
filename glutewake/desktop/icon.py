"""The tray icon, drawn with Pillow: a ring that fills as the stretch of sitting advances.

Calm green while sitting, amber in the last part of the stretch, a red disc with an exclamation
mark when a break is due, an indigo ring with a crescent while snoozed, grey pause bars while
paused, and a dashed grey ring while you are away. Every state is drawn at 4x and scaled down,
with a thin dark edge so it reads on light and dark panels alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw, PngImagePlugin  # noqa: F401

# Saving with a format name (pystray's gtk backend writes each icon as "PNG") makes Pillow's
# preinit() import its BMP, GIF, JPEG and PPM plugins too: about 3 MB more in a process that runs
# all day. PNG is registered above, and it is the only format the daemon writes, so mark that
# step done. (Other formats still load on demand, by file extension.)
if getattr(Image, "_initialized", 1) < 1:
    Image._initialized = 1

from ..coach import Status

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


def look_for(status: Status, every: float) -> Look:
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


def draw(look: Look, size: int) -> Image.Image:
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    width = max(scale * 2, round(big * 0.17))
    edge = max(scale, round(big * 0.03))
    ring = (edge, edge, big - 1 - edge, big - 1 - edge)

    pen.ellipse((0, 0, big - 1, big - 1), outline=EDGE, width=edge + width + edge)  # thin dark rims
    if look.phase == "due":
        pen.ellipse(ring, fill=ALERT)
        bar = max(scale * 2, round(big * 0.12))
        middle = big // 2
        pen.rounded_rectangle((middle - bar // 2, round(big * 0.22), middle + bar // 2,
                               round(big * 0.60)), radius=bar // 2, fill=WHITE)
        pen.ellipse((middle - bar // 2, round(big * 0.68), middle + bar // 2,
                     round(big * 0.68) + bar), fill=WHITE)
        return image.resize((size, size), Image.LANCZOS)

    if look.phase == "away":
        for start in range(0, 360, 45):  # dashes: nobody is sitting
            pen.arc(ring, start - 90 + 8, start - 90 + 37, fill=NEUTRAL, width=width)
    else:
        pen.ellipse(ring, outline=TRACK, width=width)
        colour = {"sitting": CALM, "warm": WARM, "snoozed": SNOOZE, "paused": NEUTRAL}[look.phase]
        if look.phase == "paused":
            pen.ellipse(ring, outline=NEUTRAL, width=width)
        elif look.step:
            pen.arc(ring, -90, -90 + 360 * look.step / STEPS, fill=colour, width=width)
    if look.phase == "paused":
        bar_width, gap = round(big * 0.11), round(big * 0.07)
        top, bottom, middle = round(big * 0.32), round(big * 0.68), big // 2
        for left in (middle - gap // 2 - bar_width, middle + gap // 2):
            pen.rectangle((left, top, left + bar_width, bottom), fill=NEUTRAL,
                          outline=EDGE, width=max(1, scale // 2))
    elif look.phase == "snoozed":
        moon = (round(big * 0.36), round(big * 0.36), round(big * 0.64), round(big * 0.64))
        pen.ellipse(moon, fill=SNOOZE)
        shift = round(big * 0.09)
        pen.ellipse((moon[0] + shift, moon[1] - shift // 2, moon[2] + shift, moon[3] - shift // 2),
                    fill=(0, 0, 0, 0))
    return image.resize((size, size), Image.LANCZOS)


def app_icon(size: int) -> Image.Image:
    """The application's own icon: the ring two-thirds of the way round."""
    return draw(Look("sitting", round(STEPS * 2 / 3)), size)
