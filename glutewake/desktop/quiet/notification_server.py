"""Do-not-disturb as the notification server reports it: KDE Plasma's `Inhibited` property, and
dunst's `paused` (dunstctl set-paused true)."""

from __future__ import annotations

from ...core.events import Hold, Reason
from ...i18n import N_
from . import Detector

from jeepney import DBusAddress

SERVER = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                     interface="org.freedesktop.DBus.Properties")


class _ServerFlag(Detector):
    interface = ""
    flag = ""
    name = ""

    def __init__(self, bus):
        self._bus = bus

    def hold(self) -> Hold | None:
        value = self._bus.call(SERVER, "Get", "ss", (self.interface, self.flag), auto_start=False)
        return Hold(Reason.DO_NOT_DISTURB) if value[0][1] else None


class KdeInhibited(_ServerFlag):
    # TRANSLATORS: a detector's name in `glutewake status`; "Inhibited" is the D-Bus property
    # KDE sets for do-not-disturb
    name = N_("KDE notifications Inhibited")
    interface, flag = "org.freedesktop.Notifications", "Inhibited"


class DunstPaused(_ServerFlag):
    # TRANSLATORS: a detector's name in `glutewake status`: dunst's do-not-disturb, its "paused"
    # state (`dunstctl set-paused true`)
    name = N_("dunst paused")
    interface, flag = "org.dunstproject.cmd0", "paused"
