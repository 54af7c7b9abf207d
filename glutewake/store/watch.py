"""Waiting until another computer's files in the synced folder change.

On Linux the kernel says so (inotify, through ctypes: no dependency), so a folder where nothing
changes costs no wakeup at all. Where there is no inotify, or the folder is on a network or FUSE
file system (whose changes made by other machines inotify never sees), a slow look compares the
files' sizes and times every POLL seconds.

This computer's own writes wake nobody here: in its own folder only a sync tool's conflict copy
counts (another computer wrote as this one).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import struct
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

POLL = 60.0  # seconds between looks where the kernel cannot tell
SETTLE = 0.5  # after a change, wait this long for the rest of a sync tool's burst
LONGEST_SETTLE = 3.0

IN_MODIFY = 0x2
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x01000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK if hasattr(os, "O_NONBLOCK") else 0
IN_CLOEXEC = 0o2000000
FILES = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
ENTRIES = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name

# statfs f_type of file systems whose changes from elsewhere inotify does not report
REMOTE = {0x6969: "nfs", 0x517B: "smb", 0xFF534D42: "cifs", 0xFE534D42: "smb2",
          0x65735546: "fuse", 0x01021997: "9p", 0x564C: "ncp", 0x00C36400: "ceph",
          0x5346414F: "afs", 0x73757245: "coda"}


class PollWatch:
    """A look every POLL seconds at the sizes and times of the other computers' files."""

    kind = "poll"

    def __init__(self, root: Path, own: str, every: float = POLL):
        self.root, self.own, self.every = root, own, every
        self._woken = threading.Event()
        self._seen = self._snapshot()
        self._next = time.monotonic() + every

    def wait(self, timeout: float | None) -> bool:
        """Until something changed (True), `timeout` passed or `wake` was called (False)."""
        left = self._next - time.monotonic()
        if self._woken.wait(max(0.0, left if timeout is None else min(left, timeout))):
            self._woken.clear()
            return False
        if time.monotonic() < self._next:
            return False
        self._next = time.monotonic() + self.every
        now = self._snapshot()
        changed, self._seen = now != self._seen, now
        return changed

    def wake(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self._woken.set()

    def _snapshot(self) -> frozenset[tuple[str, str, int, int]]:
        found = set()
        devices = self.root / "devices"
        try:
            folders = [e for e in os.scandir(devices) if e.is_dir()]
        except OSError:
            return frozenset()
        for folder in folders:
            try:
                for entry in os.scandir(folder.path):
                    if folder.name == self.own and "conflict" not in entry.name.lower():
                        continue  # our own writes are no news; a conflict copy is
                    info = entry.stat(follow_symlinks=False)
                    found.add((folder.name, entry.name, info.st_size, info.st_mtime_ns))
            except OSError:
                continue
        return frozenset(found)


class InotifyWatch:
    """The kernel's word on the folder: the folder itself, `devices/`, and each other computer's
    folder under it (a new one is added as it appears)."""

    kind = "inotify"

    def __init__(self, root: Path, own: str, libc: ctypes.CDLL):
        self.root, self.own, self._libc = root, own, libc
        self._fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._watches: dict[int, Path] = {}
        self._add_all()

    def _add(self, path: Path, mask: int) -> bool:
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(path), mask | IN_ONLYDIR)
        if wd < 0:
            error = ctypes.get_errno()
            if error in (2, 20):  # ENOENT, ENOTDIR: not there (yet)
                return False
            raise OSError(error, f"inotify on {path}: {os.strerror(error)}")
        self._watches[wd] = path
        return True

    def _add_all(self) -> None:
        self._add(self.root, ENTRIES)
        devices = self.root / "devices"
        if not self._add(devices, ENTRIES):
            return
        try:
            folders = [e.name for e in os.scandir(devices) if e.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for name in folders:
            self._add(devices / name, FILES)  # our own too, for conflict copies (see _events)

    def wait(self, timeout: float | None) -> bool:
        """Until something changed (True), `timeout` passed or `wake` was called (False). A
        change is followed by up to LONGEST_SETTLE seconds of quiet-waiting, so a sync tool
        writing ten files wakes the reader once."""
        readable, _w, _x = select.select([self._fd, self._wake_read], [], [], timeout)
        if self._wake_read in readable:
            self._drain(self._wake_read)
        if self._fd not in readable:
            return False
        changed = self._events()
        deadline = time.monotonic() + LONGEST_SETTLE
        while changed and time.monotonic() < deadline:
            more, _w, _x = select.select([self._fd], [], [], SETTLE)
            if not more:
                break
            self._events()
        return changed

    def _events(self) -> bool:
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return False
        changed, offset, rescan = False, 0, False
        while offset + HEADER.size <= len(data):
            wd, mask, _cookie, length = HEADER.unpack_from(data, offset)
            name = data[offset + HEADER.size: offset + HEADER.size + length].rstrip(b"\0")
            offset += HEADER.size + length
            if mask & IN_Q_OVERFLOW:
                changed = rescan = True
                continue
            if mask & IN_IGNORED:
                self._watches.pop(wd, None)
                rescan = True  # a folder went: maybe `devices/` itself
                continue
            folder = self._watches.get(wd)
            text = os.fsdecode(name)
            if folder is None or text.startswith((".", "~")):
                continue  # sync tools' temporary files; ours too
            if folder == self.root or folder == self.root / "devices":
                rescan = rescan or bool(mask & (IN_CREATE | IN_MOVED_TO | IN_ISDIR))
                changed = changed or text != self.own
            elif folder.name != self.own or "conflict" in text.lower():
                # in our own folder only a sync tool's conflict copy is news: someone else
                # wrote as us (a clone); our own writes wake nobody
                changed = True
        if rescan:
            self._add_all()
        return changed

    def wake(self) -> None:
        try:
            os.write(self._wake_write, b"!")
        except (BlockingIOError, OSError):
            pass  # already woken

    @staticmethod
    def _drain(fd: int) -> None:
        try:
            while os.read(fd, 4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self) -> None:
        for fd in (self._fd, self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        libc.statfs.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    except (OSError, AttributeError):
        return None
    return libc


def file_system(libc: ctypes.CDLL, path: Path) -> str | None:
    """The name of a network or FUSE file system `path` is on, or None for a local one."""
    buffer = ctypes.create_string_buffer(256)  # struct statfs; f_type comes first
    if libc.statfs(os.fsencode(path), buffer) != 0:
        return None
    kind = ctypes.c_ulong.from_buffer(buffer).value & 0xFFFFFFFF
    return REMOTE.get(kind)


def watch(root: Path, own: str) -> tuple[PollWatch | InotifyWatch, str]:
    """The best watch for `root` here, and a line for the log saying which and why."""
    libc = _libc()
    if libc is None:
        return PollWatch(root, own), f"looking at {root} every {POLL:.0f} s (no inotify here)"
    remote = file_system(libc, root)
    if remote:
        return PollWatch(root, own), (f"looking at {root} every {POLL:.0f} s: it is on {remote}, "
                                      "whose changes from other machines inotify does not see")
    try:
        return InotifyWatch(root, own, libc), f"watching {root} with inotify"
    except OSError as err:
        return PollWatch(root, own), f"looking at {root} every {POLL:.0f} s ({err})"
