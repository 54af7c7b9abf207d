"""GNOME's do-not-disturb: notification banners switched off, read through the desktop portal."""

from __future__ import annotations

from ...core.events import Hold, Reason
from ...i18n import N_
from . import Detector

from jeepney import DBusAddress

PORTAL = DBusAddress("/org/freedesktop/portal/desktop", bus_name="org.freedesktop.portal.Desktop",
                     interface="org.freedesktop.portal.Settings")


class GnomeBanners(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`: GNOME's do-not-disturb switch
    name = N_("GNOME do not disturb")

    def __init__(self, bus):
        self._bus = bus

    def hold(self) -> Hold | None:
        value = self._bus.call(PORTAL, "Read", "ss",
                               ("org.gnome.desktop.notifications", "show-banners"),
                               auto_start=False)[0]
        while isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            value = value[1]  # Read wraps the value in one or two variants
        return None if value else Hold(Reason.DO_NOT_DISTURB)
