"""A program with the camera open is in a video call.

Linux: a process of this user holds a /dev/video* device open, seen through /proc/PID/fd. Reading
every process's fds costs milliseconds (about 12 ms for 500 small processes, more with browsers),
so the scan runs only when something changed: inotify reports each open and close of a device
node and each device that comes or goes, and a check without news returns the last answer after
one non-blocking read. Windows reads the privacy settings' usage record; macOS asks CoreMediaIO
whether any video device runs for some process.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os

from ...core.events import Hold, Reason
from ...core.untrusted import clean
from ...i18n import N_, _
from . import Detector
from .microphone import (
    ELEMENT_MAIN,
    RUNNING_SOMEWHERE,
    SCOPE_GLOBAL,
    SYSTEM_OBJECT,
    PropertyAddress,
    WinRegistry,
    fourcc,
    in_use,
)

log = logging.getLogger(__name__)

DEVICES = "/dev/video*"
DEVICES_VARIABLE = "GLUTEWAKE_CAMERA_DEVICES"  # another glob, for tests

IN_OPEN, IN_CLOSE = 0x20, 0x08 | 0x10  # IN_CLOSE_WRITE | IN_CLOSE_NOWRITE
IN_CREATE, IN_DELETE, IN_MOVED = 0x100, 0x200, 0x40 | 0x80
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC


class Changes:
    """inotify on the device nodes (opens, closes) and their folder (devices plugged in or out).
    `news()` says whether anything happened since it was last asked."""

    def __init__(self) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._watched: set[str] = set()

    def watch(self, path: str, mask: int) -> bool:
        if path in self._watched:
            return True
        if self._libc.inotify_add_watch(self._fd, os.fsencode(path), mask) < 0:
            return False  # not readable by us: it is scanned on every check instead
        self._watched.add(path)
        return True

    def forget(self, paths) -> None:
        """Paths whose watch the kernel dropped (the node was removed): watch them anew."""
        self._watched.difference_update(paths)

    def news(self) -> bool:
        happened = False
        while True:
            try:
                if not os.read(self._fd, 65536):
                    return happened
            except BlockingIOError:
                return happened
            happened = True

    def close(self) -> None:
        os.close(self._fd)


class OpenCamera(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`: a program holding /dev/video* open
    name = N_("camera (Linux video devices)")

    def __init__(self, pattern: str | None = None, proc: str = "/proc") -> None:
        self._pattern = pattern or os.environ.get(DEVICES_VARIABLE) or DEVICES
        self._proc = proc
        self._uid = os.getuid()
        folder = os.path.dirname(self._pattern)
        self._folder = folder if not glob.has_magic(folder) else None
        try:
            self._changes: Changes | None = Changes()
        except (OSError, AttributeError) as err:
            log.info("camera: no inotify here (%s); every check scans the processes", err)
            self._changes = None
        self._devices: set[str] = set()
        self._fresh = False  # the answer below holds until inotify reports something
        self._answer: Hold | None = None
        self._watched_all = False
        self._new_devices = True
        if self._changes is not None and self._folder is not None:
            self._new_devices = not self._changes.watch(
                self._folder, IN_CREATE | IN_DELETE | IN_MOVED)

    def hold(self) -> Hold | None:
        news = self._changes.news() if self._changes is not None else True
        if news or self._new_devices or not self._fresh:
            self._find_devices()
        if not self._devices:
            return None
        if news or not self._fresh:
            self._answer = self._scan()
            self._fresh = self._changes is not None and self._watched_all
        return self._answer

    def _find_devices(self) -> None:
        found = {os.path.realpath(path) for path in glob.glob(self._pattern)}
        if found != self._devices:
            gone = self._devices - found
            if self._changes is not None:
                self._changes.forget(gone)
            self._fresh = False
        self._devices = found
        self._watched_all = self._changes is not None and all(
            self._changes.watch(path, IN_OPEN | IN_CLOSE) for path in sorted(found))

    def _scan(self) -> Hold | None:
        """The first process of this user with one of the devices open."""
        devices = self._devices
        for entry in os.scandir(self._proc):
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid != self._uid:
                    continue  # another user's: we may not look, and it is not our call
                with os.scandir(f"{entry.path}/fd") as fds:
                    for fd in fds:
                        try:
                            target = os.readlink(fd.path)
                        except OSError:
                            continue
                        if target in devices:
                            return Hold(Reason.CAMERA, source=_comm(entry.path))
            except OSError:
                continue  # it ended while we looked, or hides its fds
        return None

    def close(self) -> None:
        if self._changes is not None:
            self._changes.close()
            self._changes = None


def _comm(process: str) -> str | None:
    """A process's name: whatever it set (any bytes but NUL, up to 15), cleaned here."""
    try:
        with open(f"{process}/comm", encoding="utf-8", errors="replace") as comm:
            return clean(comm.read()) or None
    except OSError:
        return None


# --- Windows ---

class WindowsCamera(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`: Windows' record of which app uses the
    # camera
    name = N_("camera (Windows privacy settings)")

    def __init__(self, registry=None) -> None:
        self._registry = registry or WinRegistry()

    def hold(self) -> Hold | None:
        app = in_use(self._registry, "webcam")
        return Hold(Reason.CAMERA, source=app) if app else None


# --- macOS: CoreMediaIO ---

DEVICES_PROPERTY = fourcc("dev#")  # kCMIOHardwarePropertyDevices
COREMEDIAIO = "/System/Library/Frameworks/CoreMediaIO.framework/CoreMediaIO"


def load_coremediaio():
    lib = ctypes.cdll.LoadLibrary(COREMEDIAIO)
    address, u32p = ctypes.POINTER(PropertyAddress), ctypes.POINTER(ctypes.c_uint32)
    lib.CMIOObjectGetPropertyDataSize.restype = ctypes.c_int32
    lib.CMIOObjectGetPropertyDataSize.argtypes = [ctypes.c_uint32, address, ctypes.c_uint32,
                                                  ctypes.c_void_p, u32p]
    lib.CMIOObjectGetPropertyData.restype = ctypes.c_int32
    lib.CMIOObjectGetPropertyData.argtypes = [ctypes.c_uint32, address, ctypes.c_uint32,
                                              ctypes.c_void_p, ctypes.c_uint32, u32p,
                                              ctypes.c_void_p]
    return lib


class MacCamera(Detector):
    # TRANSLATORS: a detector's name in `glutewake status`; CoreMediaIO is macOS' video system
    name = N_("camera (CoreMediaIO)")

    def __init__(self, coremediaio=None) -> None:
        self._lib = coremediaio or load_coremediaio()

    def _read(self, thing: int, selector: int, count: int | None = None) -> list[int]:
        """A property made of UInt32s; `count` None asks the size first."""
        address = PropertyAddress(selector, SCOPE_GLOBAL, ELEMENT_MAIN)
        size = ctypes.c_uint32(4)
        if count is None:
            status = self._lib.CMIOObjectGetPropertyDataSize(thing, ctypes.pointer(address), 0,
                                                             None, ctypes.pointer(size))
            if status != 0:
                raise OSError(_("CoreMediaIO refused the size of {property} (status {status})",
                                property=hex(selector), status=status))
            count = size.value // 4
        if count == 0:
            return []
        values = (ctypes.c_uint32 * count)()
        used = ctypes.c_uint32(0)
        status = self._lib.CMIOObjectGetPropertyData(thing, ctypes.pointer(address), 0, None,
                                                     ctypes.sizeof(values), ctypes.pointer(used),
                                                     values)
        if status != 0:
            raise OSError(_("CoreMediaIO refused property {property} (status {status})",
                            property=hex(selector), status=status))
        return list(values[:used.value // 4])

    def hold(self) -> Hold | None:
        for device in self._read(SYSTEM_OBJECT, DEVICES_PROPERTY):
            try:
                running = self._read(device, RUNNING_SOMEWHERE, count=1)
            except OSError:
                continue  # a device that went away between the two calls
            if running and running[0]:
                return Hold(Reason.CAMERA)
        return None
