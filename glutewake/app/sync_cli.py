"""`glutewake sync`: this computer and the others in the synced folder ([sync] folder), renaming
this one, forgetting one; and the `--device` choice of `log`, `stats` and `export`."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..core.errors import UserError, closest
from ..core.untrusted import clean
from ..i18n import _
from . import paths


def add_parser(commands) -> object:
    """Declare `sync` on cli.py's subcommand list."""
    parser = commands.add_parser(
        "sync", help=_("your other computers in the synced folder ([sync] folder)"),
        description=_("Without an action: this computer and the others, and how fresh each "
                      "one's breaks are."))
    # TRANSLATORS: the placeholder for what to do (forget, name)
    actions = parser.add_subparsers(dest="action", metavar=_("ACTION"))
    forget = actions.add_parser("forget", help=_("remove a computer you no longer use from the "
                                                 "synced folder (its breaks stay in your "
                                                 "journal)"))
    forget.add_argument("id", help=_("its id (the first characters are enough) or its name"))
    name = actions.add_parser("name", help=_("the name the other computers show for this one"))
    name.add_argument("name", help=_("like laptop or office"))
    return parser


def add_device_option(parser) -> None:
    """`--device` for the commands that read the journal."""
    # TRANSLATORS: the placeholder for a computer's id or name
    parser.add_argument("--device", metavar=_("ID"),
                        help=_("only one computer's breaks: its id or name, or `this` "
                               "(default: all, see `glutewake sync`)"))


def main(args) -> int:
    from ..store.syncfolder import Identity
    from . import settings_file

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
    from ..core import phrases
    from ..store.syncfolder import own_files, read_folder

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
    from ..store.syncfolder import LONGEST_NAME, name_file, write_atomic
    from .control import NoAnswer, NotRunning, request

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
    from ..store.syncfolder import DAY_FILE, DEVICE_VARIANT, folder_of, read_folder

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


def pick(wanted: str, known: dict[str, str], where: str) -> str:
    """The id of the computer `wanted` names: its id, the first four or more characters of it,
    or its name."""
    found = [ident for ident, name in known.items()
             if wanted == name or wanted == ident or (len(wanted) >= 4
                                                      and ident.startswith(wanted))]
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError(where, _("more than one computer matches; give more of its id"))
    names = sorted(set(known.values()) | set(known))
    hint = closest(wanted, names)
    if hint:
        raise UserError(where, _('no such computer; did you mean "{hint}"?', hint=hint))
    raise UserError(where, _("no such computer; `glutewake sync` lists them"))


def device_filter(journal, wanted: str | None) -> tuple[str, str] | None:
    """Narrow a journal reader to the computer `--device` names ('this' or this computer's own
    id or name: the events written here): (its key in the journal, '' for this computer, and
    its name); None when `wanted` is None."""
    from ..store.syncfolder import Identity

    if wanted is None:
        return None
    path = paths.sync_identity_file()
    mine = Identity.load(path)[0] if path.exists() else None
    if wanted == "this" or (mine is not None and (
            wanted in (mine.id, mine.name) or (len(wanted) >= 4 and mine.id.startswith(wanted)))):
        journal.only_device("")
        return "", mine.name if mine is not None else wanted
    names = journal.device_names()
    key = pick(wanted, names, f"--device {wanted}")
    journal.only_device(key)
    return key, names[key]
