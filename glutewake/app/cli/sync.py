"""`glutewake sync`: this computer and the others in the synced folder ([sync] folder), renaming
this one, forgetting one."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ...core.errors import UserError
from ...core.untrusted import clean
from ...i18n import _
from ...store.syncfolder import (
    DAY_FILE,
    DEVICE_VARIANT,
    LONGEST_NAME,
    Identity,
    folder_of,
    name_file,
    own_files,
    read_folder,
    write_atomic,
)
from ...words import phrases
from .. import paths, settings_file
from ..control import NoAnswer, NotRunning, request
from .journal import pick


def main(args) -> int:
    folder = paths.folder(settings_file.load(paths.config_file()).sync.folder)
    if args.action == "name":
        return rename(args.name)
    if not folder:
        if args.action == "forget":
            raise UserError("sync forget", _("sync is off; set [sync] folder first"))
        print(_("Sync is off. Set a folder that your computers keep the same, e.g. `glutewake "
                "config set sync.folder ~/Sync/glutewake` (see README: Several computers)."))
        return 0
    path = paths.sync_identity_file()
    identity, _trouble = Identity.load(path)
    if args.action == "forget":
        return forget(Path(folder), identity, args.id)
    return show(Path(folder), identity if path.exists() else None)


def show(folder: Path, identity) -> int:
    now = time.time()
    own = identity.id if identity is not None else ""
    reading = read_folder(folder, own, None, now)
    print(_("Sync folder: {folder}", folder=folder))
    if identity is None:
        print(_("This computer has not written there yet: the running glutewake does once "
                "[sync] folder is set."))
    else:
        mine = [data for _path, data in own_files(folder, own) if data.get("id") == own]
        seen = max((seen for data in mine if isinstance(seen := data.get("seen"), (int, float))),
                   default=None)
        print(_("This computer: {seen} (id {id})", seen=phrases.seen(identity.name, seen, now),
                id=own))
    if not reading.devices:
        print(_("No other computer has written there yet."))
    else:
        print(_("Other computers:"))
    for device in sorted(reading.devices, key=lambda d: (d.name, d.id)):
        print("  " + _("{seen} (id {id})", seen=phrases.seen(device.name, device.seen, now),
                       id=device.id))
        for problem in ([device.problem] if device.problem else []) + (
                [phrases.clock_ahead(device.name, device.ahead)] if device.ahead else []):
            print("    " + problem)
    print(_("`glutewake sync name NAME` renames this computer; `glutewake sync forget ID` "
            "removes one you no longer use."))
    return 0


def rename(name: str) -> int:
    """The name goes in a file of its own that only this command writes; the running glutewake
    reads it before each write to the folder, and is asked to write now."""
    shown = clean(name, LONGEST_NAME)
    if not shown:
        raise UserError("sync name", _("give a name with letters or digits, like laptop"))
    path = name_file(paths.sync_identity_file())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, shown.encode() + b"\n")
    except OSError as err:
        raise UserError("sync name", _("cannot save it ({error})",
                                       error=err.strerror or err)) from None
    try:
        request({"cmd": "reload"})  # its next look writes the new name to the folder
    except (NotRunning, NoAnswer, UserError, OSError):
        pass  # it uses the name when it starts
    print(_("This computer is now called {name}.", name=shown))
    return 0


def forget(folder: Path, identity, wanted: str) -> int:
    devices = read_folder(folder, identity.id, None, time.time()).devices
    if wanted in (identity.id, identity.name) or (len(wanted) >= 4
                                                  and identity.id.startswith(wanted)):
        raise UserError(f"sync forget {wanted}", _("that is this computer; forget it from "
                                                   "another one"))
    device = pick(wanted, {d.id: d.name for d in devices}, f"sync forget {wanted}")
    target = folder_of(folder, device)
    left = []
    for name in sorted(os.listdir(target)):
        ours = DAY_FILE.fullmatch(name) or DEVICE_VARIANT.fullmatch(name) or (
            name.startswith(".") and name.endswith(".tmp"))
        if ours:
            (target / name).unlink(missing_ok=True)
        else:
            left.append(name)
    if not left:
        target.rmdir()
    name = next(d.name for d in devices if d.id == device)
    print(_("Forgot {name} ({id}): its files are gone from the synced folder, and its breaks "
            "stay in your journal. If glutewake still runs there, it writes them again.",
            name=name, id=device[:8]))
    if left:
        print(_("Left in {folder}, not being glutewake's: {files}", folder=target,
                files=", ".join(left)))
    return 0
