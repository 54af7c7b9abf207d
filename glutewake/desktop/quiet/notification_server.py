"""Do-not-disturb as the notification server reports it: KDE Plasma's `Inhibited` property, and
dunst's `paused` (dunstctl set-paused true).

Both servers say when the flag changes (a PropertiesChanged signal; dunst since 1.6 of 2021,
older than any system with Python 3.11), so it is read once and then kept from the signals: a
check costs no round trip."""

from __future__ import annotations

from jeepney import DBusAddress

from ...core.events import Hold, Reason
from ...i18n import N_
from ..bus import Kept, property_changes
from . import Detector

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
SERVER = DBusAddress(PATH, bus_name=NAME, interface="org.freedesktop.DBus.Properties")


class _ServerFlag(Detector):
    interface = ""
    flag = ""
    name = ""

    def __init__(self, bus):
        self._bus = bus
        rule, changed = property_changes(PATH, self.interface, self.flag)
        self._flag = Kept(bus, NAME, self._read, rule, changed)

    def _read(self) -> object:
        return self._bus.call(SERVER, "Get", "ss", (self.interface, self.flag),
                              auto_start=False)[0][1]

    def hold(self) -> Hold | None:
        return Hold(Reason.DO_NOT_DISTURB) if self._flag.get() else None


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
