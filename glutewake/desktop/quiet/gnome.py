"""GNOME's do-not-disturb: notification banners switched off, read through the desktop portal.
The portal says when a setting changes (SettingChanged), so it is read once and then kept."""

from __future__ import annotations

from jeepney import DBusAddress, MatchRule

from ...core.events import Hold, Reason
from ...i18n import N_
from ..bus import Kept
from . import Detector

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SETTINGS = "org.freedesktop.portal.Settings"
PORTAL = DBusAddress(PORTAL_PATH, bus_name=PORTAL_NAME, interface=SETTINGS)
NAMESPACE, KEY = "org.gnome.desktop.notifications", "show-banners"


def unwrapped(value):
    while isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        value = value[1]  # Read wraps the value in one or two variants
    return value


def banner_changes(message) -> tuple[bool, object] | None:
    namespace, key, value = message.body
    return (True, unwrapped(value)) if (namespace, key) == (NAMESPACE, KEY) else None


class GnomeBanners(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`: GNOME's do-not-disturb switch
    name = N_("GNOME do not disturb")

    def __init__(self, bus):
        self._bus = bus
        rule = MatchRule(type="signal", interface=SETTINGS, member="SettingChanged",
                         path=PORTAL_PATH)
        rule.add_arg_condition(0, NAMESPACE)
        self._banners = Kept(bus, PORTAL_NAME, self._read, rule, banner_changes)

    def _read(self) -> object:
        return unwrapped(self._bus.call(PORTAL, "Read", "ss", (NAMESPACE, KEY),
                                        auto_start=False)[0])

    def hold(self) -> Hold | None:
        return None if self._banners.get() else Hold(Reason.DO_NOT_DISTURB)
