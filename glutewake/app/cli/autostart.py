"""`glutewake autostart enable|disable|status`: start glutewake at login, or not."""

from __future__ import annotations

from ...desktop.autostart import for_this_system
from ...i18n import _
from ..install import entry_icon


def main(args) -> int:
    entry = for_this_system(icon=entry_icon())
    if args.action == "enable":
        print(entry.enable())
    elif args.action == "disable":
        print(entry.disable())
    else:
        if entry.enabled():
            print(_("Start at login: on ({where})", where=entry.where))
        else:
            print(_("Start at login: off ({where})", where=entry.where))
    return 0
