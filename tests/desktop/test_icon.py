"""The tray icon drawing: every state at every size, readable and distinct."""

import pytest

from glutewake.app.catalog import builtin
from glutewake.core.coach import Status
from glutewake.desktop.icon import ALERT, CALM, SIZES, STEPS, WARM, Look, app_icon, draw, look_for

LOOKS = [Look("sitting", 5), Look("warm", 14), Look("due", STEPS), Look("snoozed", 8),
         Look("paused"), Look("away")]


def status(phase, sitting, due_in):
    return Status(phase, sitting, due_in, 1 if phase == "due" else 0, None, 0.0, builtin()[0])


def coloured(image, colour, tolerance=60):
    pixels = [p for n, p in image.getcolors(image.width * image.height) for _ in range(n)]
    near = [p for p in pixels
            if p[3] > 128 and sum(abs(a - b) for a, b in zip(p, colour, strict=True)) <= tolerance]
    return len(near) / len(pixels)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_every_state_draws_at_every_size_with_transparent_corners(look, size):
    image = draw(look, size)
    assert image.size == (size, size) and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((size - 1, size - 1))[3] == 0
    assert image.getbbox() is not None  # something is drawn


def test_states_look_different_from_each_other_at_16_px():
    pictures = [draw(look, 16).tobytes() for look in LOOKS]
    assert len(set(pictures)) == len(LOOKS)


def test_the_ring_fills_with_the_stretch():
    shares = [coloured(draw(Look("sitting", step), 32), CALM) for step in (2, 8, 14)]
    assert shares[0] < shares[1] < shares[2]


def test_due_is_mostly_alert_red_and_warm_is_amber():
    assert coloured(draw(Look("due", STEPS), 32), ALERT) > 0.4
    assert coloured(draw(Look("warm", 14), 32), WARM) > 0.15


def test_look_for_maps_status_to_pictures():
    every = 1800
    assert look_for(status("sitting", 0, every), every) == Look("sitting", 0)
    assert look_for(status("sitting", 900, 900), every) == Look("sitting", 8)
    assert look_for(status("sitting", 1600, 200), every) == Look("warm", 14)
    assert look_for(status("due", 1900, 0), every) == Look("due", STEPS)
    assert look_for(status("snoozed", 1800, 600), every).phase == "snoozed"
    assert look_for(status("paused", 100, 1700), every) == Look("paused")
    assert look_for(status("away", 100, 1700), every) == Look("away")


def test_looks_change_at_most_sixteen_times_a_stretch():
    every = 1800
    looks = {look_for(status("sitting", s, every - s), every) for s in range(0, every, 10)}
    assert len(looks) <= STEPS + 2  # the steps, plus the warm variants


def test_app_icon():
    assert app_icon(128).size == (128, 128)


def test_the_shipped_pixmaps_are_the_drawn_ones_for_every_look():
    """pixmaps.bin holds what the StatusNotifierItem tray sends, so that its daemon never loads
    Pillow; a change to the drawing needs `python -m glutewake.desktop.icon` to write it again."""
    from glutewake.desktop.icon import drawn_pixmaps, every_look, pixmaps

    stale = [look for look in every_look() if pixmaps(look) != drawn_pixmaps(look)]
    assert not stale, (f"pixmaps.bin is out of date for {stale[:3]}...: run "
                       "`.venv/bin/python -m glutewake.desktop.icon`")


def test_every_look_the_status_can_give_is_shipped():
    from glutewake.desktop.icon import every_look

    shipped = set(every_look())
    every = 1800
    for phase in ("sitting", "due", "snoozed", "paused", "away", "held"):
        for sitting in range(0, 2 * every, 37):
            for problem in (False, True):
                look = look_for(status(phase, sitting, max(0, every - sitting)), every, problem)
                assert look in shipped, look
