"""A program recording from a microphone is in a call.

Linux listens to the sound server (PulseAudio, or PipeWire through pipewire-pulse) over one kept
connection, subscribed to news of its sources and recording streams: a thread sleeps until the
server has news and then asks which programs record from a real input, and a check returns that
answer without a word to the server. A recording of a sink's `.monitor` (what the speakers play:
a screen recorder, a level meter) is not a call. pulsectl, and with it libpulse (3.4 MB), is
loaded only once a server could answer: the feature on and a server socket there. Windows reads
the privacy settings' record of which app uses the microphone now; macOS asks CoreAudio whether
the default input device runs for any process.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
from pathlib import Path

from ...core.events import Hold, Reason
from ...core.untrusted import clean
from ...i18n import N_, _
from ...threads import spawn
from . import Detector

log = logging.getLogger(__name__)

NO_INDEX = 2**32 - 1  # PA_INVALID_INDEX
LEVEL_METERS = {"Peak detect"}  # pavucontrol's meters record from every source while it is open


class Unavailable(Exception):
    """The outside system does not answer now; the message says so in a user's words (in the
    language in force: `glutewake status` shows it)."""


def server_may_answer(environ=os.environ) -> bool:
    """Whether a sound server could answer: False only when there is surely none (no socket
    where PulseAudio and pipewire-pulse put theirs, and no other server named). Then libpulse
    need not be loaded to find that out."""
    if environ.get("PULSE_SERVER") or not environ.get("XDG_RUNTIME_DIR"):
        return True  # an address of any kind, or places only libpulse knows
    if any(place.exists() for place in (Path(environ["XDG_RUNTIME_DIR"], "pulse", "native"),
                                        Path("/run/pulse/native"))):
        return True
    config = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    for path in (config / "pulse" / "client.conf", Path.home() / ".pulse" / "client.conf",
                 Path("/etc/pulse/client.conf"),
                 *sorted(Path("/etc/pulse/client.conf.d").glob("*.conf"))):
        try:
            lines = path.read_text(errors="replace").splitlines()
        except OSError:
            continue
        if any(line.strip().startswith("default-server") for line in lines):
            return True
    return False


class NoLibrary(Exception):
    """pulsectl or libpulse cannot be loaded: the detector cannot run here."""


def _connect_pulse():
    try:
        import pulsectl
    except (ImportError, OSError) as err:  # OSError: pulsectl found no libpulse
        raise NoLibrary(f"{type(err).__name__}: {err}") from None

    pulse = pulsectl.Pulse("glutewake", connect=False)
    try:
        # Never start a sound server of our own. No `timeout`: pulsectl 24 then waits all of it
        # even when the server answers at once; a check's own timeout covers a hung server.
        pulse.connect(autospawn=False)
    except Exception:
        pulse.close()
        raise
    return pulse


def recorder_name(proplist: dict) -> str | None:
    """The recording program's name, as it calls itself: any text, cleaned here."""
    return clean(proplist.get("application.name") or proplist.get("application.process.binary")
                 ) or None


class PulseMicrophone(Detector):
    """Source outputs (recording streams) on a real input, as the sound server last told.

    The thread "microphone" owns the connection. A check asks it to connect (at most every RETRY
    seconds while no server answers; at once after one went away, since PipeWire restarts on
    updates); connected, it asks which programs record, publishes the answer, and sleeps until
    the server sends news of a source or recording stream, then asks again. A check returns the
    answer last published without a word to the server: it is as fresh as the server's news
    (which PulseAudio sends a moment after the change). While no server answers, the thread
    sleeps with no timeout at all: only a check wakes it, and not even that while there is no
    server socket anywhere (the check sees that itself)."""

    # TRANSLATORS: a detector's name in `glutewake status`; PulseAudio and PipeWire are sound
    # servers
    name = N_("microphone (PulseAudio or PipeWire)")
    recovers = True  # kept when no sound server answers at start: one may come later
    RETRY = 30.0  # seconds between attempts to reach a server that went away
    ANSWER = 2.0  # seconds a server may take to answer one check

    def __init__(self, connect=_connect_pulse, clock=time.monotonic,
                 may_answer=server_may_answer) -> None:
        import importlib.util

        if importlib.util.find_spec("pulsectl") is None:  # not kept without it
            raise ImportError("pulsectl is not installed")
        self._connect = connect
        self._clock = clock
        self._may_answer = may_answer
        self._changed = threading.Condition()  # guards the fields below; notified on each
        self._thread: threading.Thread | None = None
        self._wanted = False  # a check asks the thread to connect
        self._closing = False
        self._pulse = None  # the connection, while there is one
        self._answer: Hold | None = None  # the last answer, while connected
        self._answered = False  # ...asked since the connection was made
        self._news_count = 0  # pieces of news from the server (counted by the thread only)
        self._attempts = 0  # connection attempts finished
        self._busy_since: float | None = None  # an attempt or a question waits for the server
        self._gone: str | None = None  # why a server that answered went away, until reached
        self._at_once = False  # ...and so the next check tries at once (it may have restarted)
        self._next_try = 0.0
        self.outage: str | None = None  # why no server answers, while none does
        self._reached = False  # whether one ever answered
        self._missing: NoLibrary | None = None  # libpulse cannot be loaded: never kept then

    # --- the checks (any thread) ---

    def hold(self) -> Hold | None:
        deadline = time.monotonic() + self.ANSWER
        with self._changed:
            if self._missing is not None:
                raise self._missing
            if self._pulse is None:
                self._attempt(deadline)
            while not self._answered:  # the first question after connecting
                if self._pulse is None:
                    raise Unavailable(self.outage or _("no sound server answers"))
                self._wait(deadline)
            return self._answer

    def _attempt(self, deadline: float) -> None:
        """Have the thread connect, and wait for it (holding the condition); Unavailable when
        it cannot or must not try now."""
        if self._busy_since is not None:  # an attempt still waits: no second wait
            raise Unavailable(self.stuck(0))
        if not self._at_once and self._clock() < self._next_try:
            raise Unavailable(self.outage or _("no sound server answers"))
        self._at_once = False
        if not self._may_answer():  # said here: the thread need not even wake for it
            self._next_try = self._clock() + self.RETRY
            self._down(self._gone or _("no sound server answers ({error})",
                                       error="no server socket"))
            raise Unavailable(self.outage)
        self._wanted = True
        self._busy_since = time.monotonic()
        attempt = self._attempts
        if self._thread is None:
            self._thread = spawn("microphone", self._serve)
        self._changed.notify_all()
        while self._attempts == attempt:
            self._wait(deadline)
        if self._missing is not None:
            self.recovers = False  # nothing to wait for: find_detectors leaves it out
            raise self._missing
        if self._pulse is None:
            raise Unavailable(self.outage or _("no sound server answers"))

    def _wait(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left <= 0 or not self._changed.wait(left) and time.monotonic() >= deadline:
            raise Unavailable(_("the sound server did not answer within {seconds} s",
                                seconds=round(self.ANSWER)))

    def stuck(self, after: float) -> str | None:
        """Why the last question has not come back, once it is late."""
        since = self._busy_since
        if since is None or time.monotonic() - since < after:
            return None
        return _("the sound server has not answered for {seconds} s",
                 seconds=round(time.monotonic() - since))

    def problems(self) -> list[str]:
        outage = self.stuck(self.ANSWER) or self.outage
        return [_("microphone: {problem}; calls are not seen until one answers",
                  problem=outage)] if outage else []

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            pulse = self._pulse
        if pulse is not None:
            pulse.event_listen_stop()  # safe from another thread: the thread then closes it
        if self._thread is not None:
            self._thread.join(self.ANSWER)

    # --- in the thread only ---

    def _serve(self) -> None:
        while True:
            with self._changed:
                while not (self._wanted or self._closing):
                    self._changed.wait()  # no timeout: only a check wakes it
                if self._closing:
                    return
                self._wanted = False
            try:
                pulse = self._reach()
            except NoLibrary as err:
                with self._changed:
                    self._missing, self._busy_since = err, None
                    self._attempts += 1
                    self._changed.notify_all()
                return
            except Exception as err:
                self._lost(_("no sound server answers ({error})", error=_plain(err)))
                continue
            try:
                self._listen(pulse)
            except Exception as err:
                self._lost(_("the sound server went away ({error})", error=_plain(err)),
                           went_away=True)
                continue
            self._drop(pulse)
            return  # closing

    def _reach(self):
        """Connected and subscribed to news of sources and recording streams."""
        pulse = self._connect()
        try:
            pulse.event_mask_set("source", "source_output")
            pulse.event_callback_set(self._news)
        except Exception:
            self._drop(pulse)
            raise
        with self._changed:
            self._pulse, self._answered, self._gone, self._reached = pulse, False, None, True
            self._attempts += 1
            if self.outage is not None:
                log.info("microphone: the sound server answers again")
                self.outage = None
            self._changed.notify_all()
        return pulse

    def _listen(self, pulse) -> None:
        """Ask, publish, sleep until the server has news; until closed or cut off."""
        while True:
            with self._changed:
                if self._closing:
                    return
                self._busy_since = time.monotonic()
            news = self._news_count
            answer = self._ask(pulse)
            with self._changed:
                self._answer, self._answered, self._busy_since = answer, True, None
                self._changed.notify_all()
            if self._news_count == news:  # else news came while asking: ask again at once
                pulse.event_listen()  # returns on news (or close()); raises when cut off

    def _news(self, event) -> None:
        """The server's news of a source or recording stream (while asking, or listening:
        pulsectl's way to end event_listen() is this exception)."""
        from pulsectl import PulseLoopStop

        self._news_count += 1
        raise PulseLoopStop

    def _ask(self, pulse) -> Hold | None:
        # A program's stream, running: not a module's (echo cancelling, a loopback), not paused
        recording = [out for out in pulse.source_output_list()
                     if out.client not in (None, NO_INDEX) and not out.corked
                     and out.name not in LEVEL_METERS]
        if not recording:
            return None
        inputs = {source.index for source in pulse.source_list()
                  if source.monitor_of_sink in (None, NO_INDEX)
                  and not source.name.endswith(".monitor")}
        for out in recording:
            if out.source in inputs:
                return Hold(Reason.MICROPHONE, source=recorder_name(out.proplist))
        return None

    def _lost(self, why: str, went_away: bool = False) -> None:
        """No server now: say why (once per outage) and when to try again. A server that went
        away may have restarted, so the next check tries at once; if that fails too, the outage
        is still that it went away."""
        with self._changed:
            pulse, self._pulse = self._pulse, None
            self._busy_since = None
            if went_away:
                self._gone, self._at_once = why, True
            else:
                why = self._gone or why
                self._next_try = self._clock() + self.RETRY
                self._attempts += 1
            self._down(why)
            self._changed.notify_all()
        self._drop(pulse)

    def _down(self, why: str) -> None:
        if self.outage is None:  # one line per outage, not per attempt
            # None at start is common (a headless machine); one that goes away is news
            level = logging.WARNING if self._reached else logging.INFO
            log.log(level, "microphone: %s; calls are not seen until one answers, trying again "
                    "every %.0f s", why, self.RETRY)
        self.outage = why

    @staticmethod
    def _drop(pulse) -> None:
        if pulse is not None:
            try:
                pulse.close()
            except Exception:  # it is gone either way
                pass


def _plain(err: Exception) -> str:
    return str(err) or type(err).__name__


# --- Windows: the privacy settings' usage record ---

CONSENT_STORE = r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore"


class WinRegistry:
    """The few registry reads the consent store needs, under HKEY_CURRENT_USER."""

    def __init__(self) -> None:
        import winreg

        self._winreg = winreg

    def subkeys(self, path: str) -> list[str]:
        winreg = self._winreg
        try:
            key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, path)
        except FileNotFoundError:
            return []
        with key:
            names: list[str] = []
            while True:
                try:
                    names.append(winreg.EnumKey(key, len(names)))
                except OSError:
                    return names

    def number(self, path: str, value: str) -> int | None:
        winreg = self._winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path) as key:
                found, _ = winreg.QueryValueEx(key, value)
        except OSError:
            return None
        return found if isinstance(found, int) else None


def app_name(key: str) -> str:
    """A readable name from a consent store key: "C:#Program Files#Zoom#bin#Zoom.exe" is
    "Zoom"; "Microsoft.SkypeApp_kzf8qxf38zg5c" is "SkypeApp"."""
    if "#" in key:
        last = key.rsplit("#", 1)[-1]
        return last[:-4] if last.lower().endswith(".exe") else last
    family = key.split("_", 1)[0]  # package family: name_publisherid
    return family.rsplit(".", 1)[-1] or key


def in_use(registry, capability: str) -> str | None:
    """The first app the consent store marks as using `capability` ("microphone", "webcam")
    right now: started (LastUsedTimeStart set) and not stopped (LastUsedTimeStop 0)."""
    root = rf"{CONSENT_STORE}\{capability}"
    places = [(root, name) for name in registry.subkeys(root) if name != "NonPackaged"]
    places += [(rf"{root}\NonPackaged", name) for name in registry.subkeys(rf"{root}\NonPackaged")]
    for parent, name in places:
        path = rf"{parent}\{name}"
        if registry.number(path, "LastUsedTimeStop") == 0 and registry.number(
                path, "LastUsedTimeStart"):
            return clean(app_name(name)) or None  # a key any program of the user's may write
    return None


class WindowsMicrophone(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`: Windows' record of which app uses the
    # microphone
    name = N_("microphone (Windows privacy settings)")

    def __init__(self, registry=None) -> None:
        self._registry = registry or WinRegistry()

    def hold(self) -> Hold | None:
        app = in_use(self._registry, "microphone")
        return Hold(Reason.MICROPHONE, source=app) if app else None


# --- macOS: CoreAudio ---

def fourcc(code: str) -> int:
    return int.from_bytes(code.encode("ascii"), "big")


class PropertyAddress(ctypes.Structure):
    """AudioObjectPropertyAddress and CMIOObjectPropertyAddress: the same three UInt32s."""

    _fields_ = [("selector", ctypes.c_uint32), ("scope", ctypes.c_uint32),
                ("element", ctypes.c_uint32)]


SYSTEM_OBJECT = 1  # kAudioObjectSystemObject, kCMIOObjectSystemObject
SCOPE_GLOBAL = fourcc("glob")
ELEMENT_MAIN = 0
DEFAULT_INPUT = fourcc("dIn ")  # kAudioHardwarePropertyDefaultInputDevice
RUNNING_SOMEWHERE = fourcc("gone")  # k...DevicePropertyDeviceIsRunningSomewhere
COREAUDIO = "/System/Library/Frameworks/CoreAudio.framework/CoreAudio"


def load_coreaudio():
    lib = ctypes.cdll.LoadLibrary(COREAUDIO)
    lib.AudioObjectGetPropertyData.restype = ctypes.c_int32
    lib.AudioObjectGetPropertyData.argtypes = [
        ctypes.c_uint32, ctypes.POINTER(PropertyAddress), ctypes.c_uint32, ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_uint32), ctypes.c_void_p]
    return lib


class MacMicrophone(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`; CoreAudio is macOS' sound system
    name = N_("microphone (CoreAudio)")

    def __init__(self, coreaudio=None) -> None:
        self._lib = coreaudio or load_coreaudio()

    def _number(self, device: int, selector: int) -> int:
        address = PropertyAddress(selector, SCOPE_GLOBAL, ELEMENT_MAIN)
        value = ctypes.c_uint32(0)
        size = ctypes.c_uint32(ctypes.sizeof(value))
        status = self._lib.AudioObjectGetPropertyData(device, ctypes.pointer(address), 0, None,
                                                      ctypes.pointer(size), ctypes.pointer(value))
        if status != 0:
            raise OSError(_("CoreAudio refused property {property} (status {status})",
                            property=hex(selector), status=status))
        return value.value

    def hold(self) -> Hold | None:
        device = self._number(SYSTEM_OBJECT, DEFAULT_INPUT)
        if device == 0:  # kAudioObjectUnknown: no input device at all
            return None
        return Hold(Reason.MICROPHONE) if self._number(device, RUNNING_SOMEWHERE) else None
