"""The tray icon, drawn with Pillow: a ring that fills as the stretch of sitting advances.

Calm green while sitting, amber in the last part of the stretch, a red disc with an exclamation
mark when a break is due, an indigo ring with a crescent while snoozed, grey pause bars while
paused, and a dashed grey ring while you are away. Every state is drawn larger and scaled down,
with a thin dark edge so it reads on light and dark panels alike.

The shapes are cut from two precomputed maps, distance from the centre and angle round it, with
`Image.point` and `paste`: ImageDraw would bring ImageFont, FreeType and HarfBuzz into a process
that never writes text (1.6 MB resident, all day).

The StatusNotifierItem tray sends pixels, not images, and takes them from pixmaps.bin, which
holds every look drawn here at the sizes it sends (`python -m glutewake.desktop.icon` writes it
again; a test says when it must): a daemon with that tray never loads Pillow (3.3 MB resident).
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..core.effects import Status


def _pillow():
    """Pillow's Image, loaded on first use. Saving with a format name (pystray's gtk backend
    writes each icon as "PNG") makes Pillow's preinit() import its BMP, GIF, JPEG and PPM plugins
    too: about 3 MB more in a process that runs all day. PNG is registered here, and it is the
    only format the daemon writes, so that step is marked done. (Other formats still load on
    demand, by file extension.)"""
    from PIL import Image, PngImagePlugin  # noqa: F401

    if getattr(Image, "_initialized", 1) < 1:
        Image._initialized = 1
    return Image


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
def _maps(big: int):
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
    image = _pillow()
    return (image.frombytes("L", (big, big), bytes(distance)),
            image.frombytes("L", (big, big), bytes(angle)))


class _Canvas:
    """Painting with masks; every box is inclusive, as ImageDraw's are."""

    def __init__(self, big: int):
        self.big = big
        self.image = _pillow().new("RGBA", (big, big), (0, 0, 0, 0))

    def ring(self, outer: float, inner: float, colour, turn: tuple[float, float] = (0.0, 1.0)):
        """The band between two radii round the centre, over part of a turn from 12 o'clock."""
        distance, angle = _maps(self.big)
        low, high = _level(self.big, inner), _level(self.big, outer)
        mask = distance.point(lambda v: 255 if low <= v < high else 0)
        if turn != (0.0, 1.0):
            first, last = turn[0] * 256, turn[1] * 256
            arc = angle.point(lambda v: 255 if first <= v < last else 0)
            image = _pillow()
            mask = image.composite(arc, image.new("L", mask.size, 0), mask)
        self.image.paste(colour, mask=mask)

    def disc(self, box: tuple[int, int, int, int], colour) -> None:
        across = box[2] - box[0] + 1
        distance = _maps(across)[0]
        edge = _level(across, across / 2)
        self.image.paste(colour, (box[0], box[1], box[0] + across, box[1] + across),
                         distance.point(lambda v: 255 if v < edge else 0))

    def rectangle(self, box: tuple[int, int, int, int], colour) -> None:
        self.image.paste(colour, (box[0], box[1], box[2] + 1, box[3] + 1))


def draw(look: Look, size: int):
    """The icon as a Pillow image."""
    image = _draw(look, size)
    if look.problem:
        big = size * 4
        canvas = _Canvas(big)
        across = round(big * 0.46)
        rim = max(4, round(big * 0.05))
        canvas.disc((big - across, big - across, big - 1, big - 1), EDGE)
        canvas.disc((big - across + rim, big - across + rim, big - 1 - rim, big - 1 - rim), WARM)
        image.alpha_composite(canvas.image.resize((size, size), _pillow().LANCZOS))
    return image


def _draw(look: Look, size: int):
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
        return canvas.image.resize((size, size), _pillow().LANCZOS)

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
    return canvas.image.resize((size, size), _pillow().LANCZOS)


def app_icon(size: int):
    """The application's own icon: the ring two-thirds of the way round."""
    return draw(Look("sitting", round(STEPS * 2 / 3)), size)


# --- the StatusNotifierItem's pixels, drawn ahead ---

PIXMAP_SIZES = (22, 32, 48)
PIXMAPS = Path(__file__).with_name("pixmaps.bin")
MAGIC = b"glutewake pixmaps 1\n"


def every_look() -> list[Look]:
    """Every look `look_for` gives, in the order pixmaps.bin holds them."""
    plain = [Look(phase, step) for phase in ("sitting", "warm", "snoozed")
             for step in range(STEPS + 1)]
    plain += [Look("due", STEPS), Look("paused"), Look("away")]
    return plain + [Look(look.phase, look.step, True) for look in plain]


def drawn_pixmaps(look: Look) -> list[tuple[int, int, bytes]]:
    """The icon at each PIXMAP_SIZES as (width, height, ARGB32 pixels in network byte order:
    A, R, G, B per pixel), drawn with Pillow."""
    found = []
    for size in PIXMAP_SIZES:
        red, green, blue, alpha = draw(look, size).split()
        argb = _pillow().merge("RGBA", (alpha, red, green, blue)).tobytes()
        found.append((size, size, argb))
    return found


def pixmaps(look: Look) -> list[tuple[int, int, bytes]]:
    """The same, read from pixmaps.bin (drawn when it is missing or lacks the look)."""
    try:
        pixels = _shipped(every_look().index(look))
    except (ValueError, OSError, zlib.error, struct.error):
        return drawn_pixmaps(look)
    found, at = [], 0
    for size in PIXMAP_SIZES:
        found.append((size, size, pixels[at:at + size * size * 4]))
        at += size * size * 4
    return found


def _shipped(wanted: int) -> bytes:
    """The pixels of look number `wanted` in pixmaps.bin: MAGIC, the number of looks and each
    one's compressed length (little-endian unsigned 32-bit numbers), then each look's pixels at
    PIXMAP_SIZES, zlib-compressed with the look before as the dictionary (neighbours differ by
    a sixteenth of a ring: 120 KB for all of them instead of 520)."""
    data = PIXMAPS.read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError("not a pixmaps file")
    count = struct.unpack_from("<I", data, len(MAGIC))[0]
    lengths = struct.unpack_from(f"<{count}I", data, len(MAGIC) + 4)
    if wanted >= count:
        raise ValueError("no such look")
    at, pixels = len(MAGIC) + 4 + 4 * count, b""
    for length in lengths[:wanted + 1]:
        pixels = zlib.decompressobj(zdict=pixels).decompress(data[at:at + length])
        at += length
    return pixels


def write_pixmaps(path: Path = PIXMAPS) -> None:
    """Draw pixmaps.bin (see `_shipped`) anew."""
    blobs, previous = [], b""
    for look in every_look():
        pixels = b"".join(argb for _, _, argb in drawn_pixmaps(look))
        packer = zlib.compressobj(9, zdict=previous)
        blobs.append(packer.compress(pixels) + packer.flush())
        previous = pixels
    lengths = struct.pack(f"<{len(blobs) + 1}I", len(blobs), *map(len, blobs))
    path.write_bytes(MAGIC + lengths + b"".join(blobs))


if __name__ == "__main__":
    write_pixmaps()
    print(f"wrote {PIXMAPS} ({PIXMAPS.stat().st_size} bytes, {len(every_look())} looks)")
