"""A program recording from a microphone is in a call.

Linux asks the sound server (PulseAudio, or PipeWire through pipewire-pulse) over one kept
connection; a recording of a sink's `.monitor` (what the speakers play: a screen recorder, a level
meter) is not a call. Windows reads the privacy settings' record of which app uses the microphone
now; macOS asks CoreAudio whether the default input device runs for any process.
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
import time

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


class _Worker:
    """One daemon thread that makes the calls to an outside server, so a server that hangs
    (stopped, not dead) costs the caller a timeout instead of the daemon's lock forever."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._busy_since: float | None = None

    def stuck(self, after: float) -> str | None:
        """Why the last call has not come back, once it is late."""
        since = self._busy_since
        if since is None or time.monotonic() - since < after:
            return None
        return _("the sound server has not answered for {seconds} s",
                 seconds=round(time.monotonic() - since))

    def run(self, job, timeout: float):
        if self._busy_since is not None:
            raise Unavailable(self.stuck(0) or _("the sound server is busy"))
        if self._thread is None:
            self._thread = spawn(self._name, self._serve)
        done = threading.Event()
        answer: list = []
        self._busy_since = time.monotonic()
        self._jobs.put((job, answer, done))
        if not done.wait(timeout):
            raise Unavailable(_("the sound server did not answer within {seconds} s",
                                seconds=round(timeout)))
        value, error = answer
        if error is not None:
            raise error
        return value

    def _serve(self) -> None:
        while True:
            job, answer, done = self._jobs.get()
            try:
                answer[:] = [job(), None]
            except Exception as err:  # handed to the caller
                answer[:] = [None, err]
            self._busy_since = None
            done.set()


def _connect_pulse():
    import pulsectl

    pulse = pulsectl.Pulse("glutewake", connect=False)
    try:
        # Never start a sound server of our own. No `timeout`: pulsectl 24 then waits all of it
        # even when the server answers at once; the worker's timeout covers a hung server.
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
    """Source outputs (recording streams) on a real input. With no source outputs, one round
    trip; otherwise two."""

    # TRANSLATORS: a detector's name in `glutewake status`; PulseAudio and PipeWire are sound
    # servers
    name = N_("microphone (PulseAudio or PipeWire)")
    recovers = True  # kept when no sound server answers at start: one may come later
    RETRY = 30.0  # seconds between attempts to reach a server that went away
    ANSWER = 2.0  # seconds a server may take to answer one check

    def __init__(self, connect=_connect_pulse, clock=time.monotonic) -> None:
        import pulsectl  # noqa: F401  (ImportError or OSError without libpulse: not kept)

        self._connect = connect
        self._clock = clock
        self._pulse = None
        self._next_try = 0.0
        self.outage: str | None = None  # why no server answers, while none does
        self._reached = False  # whether one ever answered
        self._worker = _Worker("microphone")

    def hold(self) -> Hold | None:
        return self._worker.run(self._look, self.ANSWER)

    def problems(self) -> list[str]:
        outage = self._worker.stuck(self.ANSWER) or self.outage
        return [_("microphone: {problem}; calls are not seen until one answers",
                  problem=outage)] if outage else []

    def close(self) -> None:
        if self._pulse is not None:
            self._worker.run(self._drop, self.ANSWER)

    # --- in the worker thread only ---

    def _look(self) -> Hold | None:
        if self._pulse is None:
            self._reach()
        try:
            return self._ask()
        except Exception as err:
            self._drop()
            gone = _("the sound server went away ({error})", error=_plain(err))
        try:  # it may have restarted (PipeWire does on updates): one attempt now
            self._pulse = self._connect()
            return self._ask()
        except Exception:
            self._drop()
            self._next_try = self._clock() + self.RETRY
            self._down(gone)
            raise Unavailable(gone) from None

    def _reach(self) -> None:
        now = self._clock()
        if now < self._next_try:
            raise Unavailable(self.outage or _("no sound server answers"))
        self._next_try = now + self.RETRY
        try:
            self._pulse = self._connect()
        except Exception as err:
            self._down(_("no sound server answers ({error})", error=_plain(err)))
            raise Unavailable(self.outage) from None
        self._reached = True
        if self.outage is not None:
            log.info("microphone: the sound server answers again")
            self.outage = None

    def _ask(self) -> Hold | None:
        # A program's stream, running: not a module's (echo cancelling, a loopback), not paused
        recording = [out for out in self._pulse.source_output_list()
                     if out.client not in (None, NO_INDEX) and not out.corked
                     and out.name not in LEVEL_METERS]
        if not recording:
            return None
        inputs = {source.index for source in self._pulse.source_list()
                  if source.monitor_of_sink in (None, NO_INDEX)
                  and not source.name.endswith(".monitor")}
        for out in recording:
            if out.source in inputs:
                return Hold(Reason.MICROPHONE, source=recorder_name(out.proplist))
        return None

    def _down(self, why: str) -> None:
        if self.outage is None:  # one line per outage, not per attempt
            # None at start is common (a headless machine); one that goes away is news
            level = logging.WARNING if self._reached else logging.INFO
            log.log(level, "microphone: %s; calls are not seen until one answers, trying again "
                    "every %.0f s", why, self.RETRY)
        self.outage = why

    def _drop(self) -> None:
        pulse, self._pulse = self._pulse, None
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
            names = []
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
