"""Events the daemon acknowledged before the database took them, kept in files only the user can
read, until the journal takes them.

Each daemon appends to a file of its own (`pending-PID-TIME.jsonl`), one JSON object a line with
the event's unique id, and syncs it before the break is acknowledged. The folders are made 0700,
the files 0600, and nothing is followed through a symbolic link: on a shared machine nobody can
read, plant or redirect them. Every spill file found is imported at the next start and whenever
the journal can be written again; the ids keep an event from being counted twice. Each line is
checked like all outside data (valid.py): the good lines of a file are imported, and a file with a
line that is not a sound event is moved aside to `<name>.bad-<time>`, never deleted.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core.events import Record
from ..i18n import _, ngettext
from ..words.phrases import in_a_row
from . import valid
from .valid import Unusable

LARGEST = 16 << 20  # bytes of a spill file that are read: some 100,000 events


class Spill:
    def __init__(self, folders: list[Path], report: Callable[[str], None] = lambda m: None):
        self.folders = folders  # the first that can be made private is used
        self._report = report
        self._own: Path | None = None
        self._said: Path | None = None

    def save(self, entries: list[tuple[str, Record]]) -> bool:
        """Append and sync; False when no folder would take them."""
        lines = "".join(json.dumps({"uid": uid, "record": record.as_dict()}) + "\n"
                        for uid, record in entries).encode()
        problems = []
        for folder in ([self._own.parent] if self._own else []) + self.folders:
            try:
                self._append(folder, lines)
            except OSError as err:
                problems.append(f"{folder} ({err.strerror or err})")  # a path and the reason
                self._own = None
                continue
            if self._said != self._own:  # once per file, not per event
                self._said = self._own
                self._report(_("journal: events are kept safe in {path} until the journal can be "
                               "written", path=self._own))
            return True
        # TRANSLATORS: {problems} lists each folder tried and why it failed, one after the other
        self._report(ngettext(
            "journal: {count} event could not be kept safe anywhere: {problems}. It stays in "
            "memory while glutewake runs",
            "journal: {count} events could not be kept safe anywhere: {problems}. They stay in "
            "memory while glutewake runs", len(entries), count=len(entries),
            problems=in_a_row(problems)))
        return False

    def _append(self, folder: Path, lines: bytes) -> None:
        private_folder(folder)
        if self._own is None or self._own.parent != folder:
            self._own = folder / f"pending-{os.getpid()}-{int(time.time())}.jsonl"
        fd = os.open(self._own, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
                     | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            check_private_file(os.fstat(fd), self._own)
            os.write(fd, lines)
            os.fsync(fd)
        finally:
            os.close(fd)

    def saved(self, legacy: Path | None = None) -> Iterator[tuple[Path, list[tuple[str, Record]],
                                                                   list[str]]]:
        """Every spill file there is, with its events and a line for each line that could not be
        used (see valid.py); a file that is not private is skipped (and said). Changes nothing:
        readers (`glutewake log`) use it too."""
        found = []
        for folder in self.folders:
            try:
                private_folder(folder, make=False)
                found += sorted(folder.glob("pending-*.jsonl"))
            except OSError:
                continue
        if legacy is not None and legacy.exists():
            found.append(legacy)
        for path in found:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                try:
                    check_private_file(os.fstat(fd), path)
                    with os.fdopen(os.dup(fd), "rb") as source:
                        data = source.read(LARGEST + 1)
                finally:
                    os.close(fd)
            except OSError as err:
                self._report(_("journal: spill file {path} left alone ({error})", path=path,
                               error=err))
                continue
            entries, problems = _entries(data[:LARGEST])
            if len(data) > LARGEST:
                problems.append(_("only the first {size} MB were read", size=LARGEST >> 20))
            yield path, entries, problems

    def set_aside(self, path: Path) -> Path:
        """Move a file with lines that could not be used out of the way, never deleting it;
        where it went (OSError when it cannot be moved)."""
        target = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, target)
        if path == self._own:
            self._own = None
        return target

    def forget(self, path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass
        if path == self._own:
            self._own = None

    def forget_own(self) -> None:
        if self._own is not None:
            self.forget(self._own)
        self._said = None


def _entries(data: bytes) -> tuple[list[tuple[str, Record]], list[str]]:
    """The events in a spill file, and a line for each line that is not one."""
    entries, problems = [], []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(_entry(line))
        except Unusable as err:
            problems.append(_("line {number}: {problem}", number=number, problem=err))
    return entries, problems


def _entry(line: str) -> tuple[str, Record]:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise Unusable(_("not a JSON object"))
    if "record" in data:
        return valid.uid(data.get("uid")), valid.record(data["record"])
    # the spill files of versions before ids: a plain record, perhaps with a detail; the line
    # itself names it, so importing it twice keeps it once
    import hashlib  # only here: it maps OpenSSL's libcrypto into the daemon

    detail = data.pop("detail", None)
    return hashlib.sha256(line.encode()).hexdigest()[:32], valid.old_record(data, detail)


def private_folder(folder: Path, make: bool = True) -> None:
    """A folder of this user's; OSError (with the reason) otherwise. `make`: create it if need be,
    and make it private (without, nothing is changed)."""
    if make:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(_("{path} is not a folder", path=folder))
    if os.name == "posix":
        if info.st_uid != os.getuid():
            raise OSError(_("{path} belongs to someone else", path=folder))
        if make and info.st_mode & 0o077:
            os.chmod(folder, 0o700)


def check_private_file(info: os.stat_result, path: Path) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise OSError(_("{path} is not a regular file", path=path))
    if os.name == "posix" and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        raise OSError(_("{path} belongs to someone else or others can write it", path=path))
