"""Reading a file someone else may have put there (the settings file, a calendar): without
waiting on a FIFO or a device, and never more than a bound. Shared by the app and the adapters,
which may not import each other."""

from __future__ import annotations

import os
import stat


class NotAFile(OSError):
    """A FIFO, a device or a folder where a file should be."""


class TooBig(OSError):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_capped(path: str | os.PathLike[str], largest: int) -> bytes:
    """A regular file's bytes, if it has at most `largest`. It is opened without waiting, so a
    FIFO or a device never blocks, and refused unless it is a regular file (NotAFile) of at most
    `largest` bytes (TooBig); other OSErrors (FileNotFoundError, PermissionError) as they come."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(str(path))
        if info.st_size > largest:
            raise TooBig(info.st_size)
        with os.fdopen(os.dup(fd), "rb") as source:
            data = source.read(largest + 1)
        if len(data) > largest:  # it grew meanwhile
            raise TooBig(len(data))
        return data
    finally:
        os.close(fd)
