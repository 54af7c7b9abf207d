"""Who asks the desktop not to go idle: a film, a talk, slides. Someone watching sits still without
touching anything, so the daemon asks this when idle time is close to a natural break; while an
inhibitor is in force, that idle time still counts as sitting.

Three places list them on Linux:

- logind (`org.freedesktop.login1.Manager.ListInhibitors` on the system bus, `a(ssssuu)`: what,
  who, why, mode, uid, pid). Only entries whose `what` includes "idle" and whose mode blocks count.
  logind refuses "delay" for idle (delays exist only for sleep and shutdown), so a delay entry
  never means idle is held; "block-weak" (systemd 257 and later) still blocks and counts. The list
  is for the whole machine, so only this user's entries count: another person's session, the login
  screen or a system service keeping the machine awake says nothing about whether *this* person
  is at the desk.
- KDE PowerDevil's PolicyAgent on the session bus (`org.kde.Solid.PowerManagement.PolicyAgent`,
  object `/org/kde/Solid/PowerManagement/PolicyAgent`), which collects what programs ask through
  org.freedesktop.ScreenSaver and org.freedesktop.PowerManagement. Plasma 6.5 and later have the
  property `ActiveInhibitions` (`a(ssssu)`: what, who, why, mode, flags), read for entries with
  "idle" in what. Older PowerDevil has only `ListInhibitions`, whose entries (`a(ss)`, who and
  why; `aas` in 6.5) do not say what they inhibit, so there `HasInhibition(4)` (4 is
  ChangeScreenSettings: dimming and locking on idle) decides, and the first listed entry names it.
  Everything on a session bus is this user's.
- GNOME's session manager (`org.gnome.SessionManager` on the session bus; also what Cinnamon and
  MATE answer as), where GNOME programs and the desktop portal put theirs, which logind never
  sees: `IsInhibited(8)` (8 is the idle flag) decides, and only then `GetInhibitors` and each
  inhibitor's `GetFlags`, `GetAppId` and `GetReason` name it.

A source that cannot be read counts as "no inhibitor" (idle then counts as time away, as it
would without this feature), is logged once per outage, and is named in `problem`.
"""

from __future__ import annotations

import logging
import os

from ..core.untrusted import clean
from ..i18n import N_, _
from ..words.phrases import in_a_row

log = logging.getLogger(__name__)

CALL_TIMEOUT = 1.0  # seconds: asked during a look, which must not hang on a stuck service

LOGIND = "org.freedesktop.login1"
POWERDEVIL = "org.kde.Solid.PowerManagement.PolicyAgent"
POWERDEVIL_PATH = "/org/kde/Solid/PowerManagement/PolicyAgent"
CHANGE_SCREEN_SETTINGS = 4  # PowerDevil's policy bit for dimming and locking on idle
GNOME_SESSION = "org.gnome.SessionManager"
GNOME_IDLE = 8  # gnome-session's inhibitor flag for "the session must not go idle"
# What Qt answers for a property an older PowerDevil does not have.
NO_SUCH_PROPERTY = ("org.freedesktop.DBus.Error.UnknownProperty",
                    "org.freedesktop.DBus.Error.InvalidArgs",
                    "org.freedesktop.DBus.Error.UnknownInterface",
                    "org.freedesktop.DBus.Error.UnknownMethod")


def describe(who: str, why: str) -> str:
    """"mpv (Playing video)", on one line and short enough for a status line. Both come from
    other programs: any text at all, cleaned here, where it enters."""
    who, why = clean(who), clean(why)
    return clean(f"{who} ({why})") if who and why else who or why or a_program()


def a_program() -> str:
    """An inhibitor that does not say who it is."""
    # TRANSLATORS: shown as "Idle inhibited by: a program" when the inhibitor gives no name
    return _("a program")


def holds_idle(what: str) -> bool:
    """logind and PowerDevil join several kinds with colons: "sleep:idle"."""
    return "idle" in str(what).split(":")


class LogindSource:
    name = "logind"
    # TRANSLATORS: where an idle inhibitor source is asked: "logind on the system bus"
    where = N_("the system bus")

    def __init__(self, system_bus, uid: int | None = None):
        from jeepney import DBusAddress

        self._bus = system_bus
        self._uid = os.getuid() if uid is None else uid
        self._manager = DBusAddress("/org/freedesktop/login1", bus_name=LOGIND,
                                    interface="org.freedesktop.login1.Manager")

    def read(self) -> str | None:
        entries = self._bus.call(self._manager, "ListInhibitors", timeout=CALL_TIMEOUT,
                                 auto_start=False)[0]
        for what, who, why, mode, uid, _pid in entries:
            if holds_idle(what) and str(mode).startswith("block") and uid == self._uid:
                return describe(who, why)
        return None


class PowerDevilSource:
    name = "KDE PowerDevil"
    # TRANSLATORS: where an idle inhibitor source is asked: "KDE PowerDevil on the session bus"
    where = N_("the session bus")

    def __init__(self, session_bus):
        from jeepney import DBusAddress

        self._bus = session_bus
        self._agent = DBusAddress(POWERDEVIL_PATH, bus_name=POWERDEVIL, interface=POWERDEVIL)
        self._properties = DBusAddress(POWERDEVIL_PATH, bus_name=POWERDEVIL,
                                       interface="org.freedesktop.DBus.Properties")
        self._legacy = False  # an older PowerDevil without ActiveInhibitions

    def read(self) -> str | None:
        if not self._legacy:
            from .bus import DBusError

            try:
                value = self._bus.call(self._properties, "Get", "ss",
                                       (POWERDEVIL, "ActiveInhibitions"),
                                       timeout=CALL_TIMEOUT, auto_start=False)[0]
            except DBusError as err:
                if err.name not in NO_SUCH_PROPERTY:
                    raise
                log.info("idle inhibitors: this PowerDevil predates ActiveInhibitions; using "
                         "HasInhibition and ListInhibitions")
                self._legacy = True
            else:
                for what, who, why, _mode, _flags in value[1]:
                    if holds_idle(what):
                        return describe(who, why)
                return None
        held = self._bus.call(self._agent, "HasInhibition", "u", (CHANGE_SCREEN_SETTINGS,),
                              timeout=CALL_TIMEOUT, auto_start=False)[0]
        if not held:
            return None
        listed = self._bus.call(self._agent, "ListInhibitions", timeout=CALL_TIMEOUT,
                                auto_start=False)[0]
        for entry in listed:  # (who, why) as a struct before Plasma 6.5, as a list since
            if len(entry) >= 2:
                return describe(entry[0], entry[1])
        return a_program()  # held, though the list names nobody


class GnomeSessionSource:
    # TRANSLATORS: a program that lists idle inhibitors; "GNOME" stays as it is
    name = N_("GNOME session manager")
    where = N_("the session bus")

    def __init__(self, session_bus):
        from jeepney import DBusAddress

        self._bus = session_bus
        self._manager = DBusAddress("/org/gnome/SessionManager", bus_name=GNOME_SESSION,
                                    interface=GNOME_SESSION)

    def _ask(self, address, method: str, signature=None, body=()):
        return self._bus.call(address, method, signature, body, timeout=CALL_TIMEOUT,
                              auto_start=False)[0]

    def read(self) -> str | None:
        from jeepney import DBusAddress

        if not self._ask(self._manager, "IsInhibited", "u", (GNOME_IDLE,)):
            return None
        for path in self._ask(self._manager, "GetInhibitors"):
            one = DBusAddress(path, bus_name=GNOME_SESSION,
                              interface="org.gnome.SessionManager.Inhibitor")
            if self._ask(one, "GetFlags") & GNOME_IDLE:
                return describe(self._ask(one, "GetAppId"), self._ask(one, "GetReason"))
        return a_program()  # held, though none listed says so (it ended meanwhile)


class Inhibitors:
    """Asks each source in turn; `inhibitor()` is the first idle inhibitor in force, or None."""

    def __init__(self, sources: list):
        self.sources = sources
        names = [source.name for source in sources]
        self.name = " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
        self._failing: dict[str, str] = {}  # source name -> the problem line

    @property
    def problem(self) -> str:
        """Why some source cannot be read now, one line; "" when all answer."""
        return in_a_row(self._failing.values())

    def inhibitor(self) -> str | None:
        for source in self.sources:
            try:
                answer = source.read()
            except Exception as err:
                if source.name not in self._failing:
                    who, where = _(source.name), _(source.where)
                    # TRANSLATORS: {source} is who lists idle inhibitors ("logind"), {where}
                    # "the system bus" or "the session bus"
                    self._failing[source.name] = _(
                        "idle inhibitors: {source} on {where} does not answer ({error}); a film "
                        "or talk counts as time away until it does ([breaks] idle_inhibitors = "
                        "false stops asking)", source=who, where=where, error=err)
                    log.warning("%s", self._failing[source.name])
                continue
            if self._failing.pop(source.name, None) is not None:
                log.info("idle inhibitors: %s answers again", source.name)
            if answer is not None:
                return answer  # the rest need not be asked
        return None


def find_inhibitors(system_bus, session_bus, environ=os.environ) -> Inhibitors | None:
    """The idle inhibitor sources this desktop has, or None when there is nothing to ask.

    logind is asked whenever there is a system bus (systemd and elogind both answer as
    org.freedesktop.login1). PowerDevil and the GNOME session manager are asked when they run
    now, or when the desktop is theirs (they may start after glutewake at login)."""
    sources: list = []
    if system_bus is not None:
        try:
            sources.append(LogindSource(system_bus))
        except Exception as err:
            log.info("idle inhibitors: logind cannot be asked (%s)", err)
    desktops = environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":")
    for make, service, desktop in ((PowerDevilSource, POWERDEVIL, "KDE"),
                                   (GnomeSessionSource, GNOME_SESSION, "GNOME")):
        if session_bus is None:
            break
        try:
            if desktop in desktops or session_bus.name_has_owner(service):
                sources.append(make(session_bus))
        except Exception as err:
            log.info("idle inhibitors: %s cannot be asked (%s)", make.name, err)
    if not sources:
        log.info("idle inhibitors: nothing here lists them (no system bus for logind, neither "
                 "PowerDevil nor a GNOME session); idle time counts as away even during a film")
        return None
    inhibitors = Inhibitors(sources)
    log.info("idle inhibitors: asking %s", inhibitors.name)
    return inhibitors
