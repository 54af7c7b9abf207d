"""`glutewake stats --chart`: breaks done against reminders per day, with the goal and the longest
bout of sitting against a 30-minute line, drawn with Pillow alone (800 x 400, light background,
labelled axes)."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from ..i18n import _
from ..words.times import day_month, day_month_year
from .stats import Report

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 62, 66, 52, 62
BACKGROUND = (252, 252, 250)
INK = (40, 44, 52)
GRID = (226, 228, 232)
REMINDED = (176, 190, 214)
DONE = (46, 160, 120)
GOAL = (232, 140, 40)
BOUT = (120, 80, 190)
LONG_BOUTS = (243, 238, 250)  # the band of bouts of 30 minutes or more, behind the bars


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


@dataclass(frozen=True)
class Layout:
    """Where everything goes; the tests measure the picture against it."""

    days: int
    count_max: int  # top of the left axis (breaks)
    minutes_max: int  # top of the right axis (minutes of sitting)

    @property
    def plot(self) -> tuple[int, int, int, int]:
        return LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM

    @property
    def slot(self) -> float:
        left, _top, right, _bottom = self.plot
        return (right - left) / self.days

    def bar(self, index: int, series: int, value: float) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) of a bar: series 0 = reminders, 1 = done."""
        left, top, _right, bottom = self.plot
        width = max(1, int(self.slot * 0.34))
        middle = left + self.slot * (index + 0.5)
        x0 = int(middle - width) if series == 0 else int(middle) + 1
        return x0, self.count_y(value), x0 + width - 1, bottom

    def count_y(self, value: float) -> int:
        _left, top, _right, bottom = self.plot
        return bottom - round(value / self.count_max * (bottom - top))

    def minutes_y(self, minutes: float) -> int:
        _left, top, _right, bottom = self.plot
        return bottom - round(min(minutes, self.minutes_max) / self.minutes_max * (bottom - top))


def ticks(top: int) -> int:
    """Intervals on an axis from 0 to a nice ceiling so every label is a whole number."""
    return 4 if str(top).startswith("2") else 5


def longest_bouts(report: Report) -> list[int]:
    """Each day's longest bout of sitting, in seconds (see store/pattern.py)."""
    found = report.pattern
    if found is None:
        return [0] * len(report.days)
    return [found.days[day.date].longest_bout_seconds for day in report.days]


def layout_for(report: Report) -> Layout:
    counts = [max(day.reminders, day.done) for day in report.days] + [report.goal, 5]
    minutes = [seconds / 60 for seconds in longest_bouts(report)]
    return Layout(len(report.days), nice_ceiling(max(counts)), nice_ceiling(max(minutes + [40])))


# Fonts with the accented letters, dashes and signs the translations use, as the systems name
# them; Pillow's own font covers ASCII only.
FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf",
         "Arial.ttf", "arial.ttf", "Helvetica.ttc")


def font_folders(platform: str = sys.platform) -> list[str]:
    """The folders where the system and the user keep fonts, absolute ones only: Pillow given a
    bare name would try the working folder first, and a font file is code for FreeType."""
    if platform == "win32":
        found = [os.path.join(os.environ.get("WINDIR", ""), "Fonts"),
                 os.path.join(os.environ.get("LOCALAPPDATA", ""), "Microsoft", "Windows", "Fonts")]
    elif platform == "darwin":
        found = ["/System/Library/Fonts", "/Library/Fonts", os.path.expanduser("~/Library/Fonts")]
    else:  # the XDG data folders, as fontconfig reads them
        data_home = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
        data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
        found = [os.path.join(folder, "fonts") for folder in (data_home, *data_dirs)]
    return [folder for folder in found if os.path.isabs(folder)]


def font_files() -> list[str]:
    """The absolute paths of the FONTS found in the font folders, in the order of FONTS."""
    found: dict[str, str] = {}
    for folder in font_folders():
        for root, _folders, files in os.walk(folder):
            for name in set(FONTS).intersection(files):
                found.setdefault(name, os.path.join(root, name))
    return [found[name] for name in FONTS if name in found]


def text_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in font_files():
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_chart(report: Report) -> Image.Image:
    layout = layout_for(report)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    font, small = text_font(14), text_font(11)
    left, top, right, bottom = layout.plot

    title = _("Breaks done vs reminders, {first} to {last}", first=day_month(report.first),
              last=day_month_year(report.last))
    pen.text((left, 12), title, fill=INK, font=font)
    # bouts of 30 minutes or more are the long ones (Diaz et al. 2017): a band on the right axis
    pen.rectangle((left, top, right, layout.minutes_y(30)), fill=LONG_BOUTS)
    intervals = ticks(layout.count_max)
    for step in range(intervals + 1):  # grid and both axes' labels, whole numbers on both
        value = layout.count_max * step // intervals
        y = layout.count_y(value)
        pen.line((left, y, right, y), fill=GRID)
        pen.text((left - 8, y), f"{value}", fill=INK, font=small, anchor="rm")
        minutes = layout.minutes_max * step / intervals
        pen.text((right + 8, y), f"{minutes:g}", fill=BOUT, font=small, anchor="lm")
    # TRANSLATORS: the axis labels of the `stats --chart` picture: left, then right
    pen.text((14, top - 22), _("breaks"), fill=INK, font=small)
    pen.text((WIDTH - 10, top - 22), _("longest bout, min"), fill=BOUT, font=small,
             anchor="ra")
    pen.text((right - 4, layout.minutes_y(30) - 3), _("≥ 30 min"), fill=BOUT, font=small,
             anchor="rb")

    label_every = max(1, math.ceil(layout.days / 14))
    points = []
    for index, (day, bout) in enumerate(zip(report.days, longest_bouts(report), strict=True)):
        for series, value, colour in ((0, day.reminders, REMINDED), (1, day.done, DONE)):
            if value:
                pen.rectangle(layout.bar(index, series, value), fill=colour)
        middle = left + layout.slot * (index + 0.5)
        if index % label_every == 0:
            pen.text((middle, bottom + 8), day.date[5:], fill=INK, font=small, anchor="mt")
        if bout:
            points.append((middle, layout.minutes_y(bout / 60)))
    pen.line((left, bottom, right, bottom), fill=INK)
    pen.line((left, top, left, bottom), fill=INK)
    pen.line((right, top, right, bottom), fill=BOUT)

    if report.goal:
        y = layout.count_y(report.goal)
        for x in range(left, right, 12):
            pen.line((x, y, min(x + 6, right), y), fill=GOAL, width=2)
    if len(points) > 1:
        pen.line(points, fill=BOUT, width=2)
    for px, py in points:
        pen.ellipse((px - 3, py - 3, px + 3, py + 3), fill=BOUT)

    legend = [(REMINDED, _("reminders")), (DONE, _("breaks done")),
              (GOAL, _("goal {goal}/day", goal=report.goal)), (BOUT, _("longest bout")),
              (LONG_BOUTS, _("bouts of 30 min or more"))]
    x = left
    for colour, text in legend:
        pen.rectangle((x, HEIGHT - 22, x + 12, HEIGHT - 10), fill=colour)
        pen.text((x + 18, HEIGHT - 16), text, fill=INK, font=small, anchor="lm")
        x += 30 + int(pen.textlength(text, font=small))
    return image
