"""`glutewake config`: where the settings file is, the settings in force, checking a file,
changing one key, and editing the file in the user's editor."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ...core import config
from ...core.errors import UserError
from ...i18n import _
from .. import paths, settings_file
from ..control import NoAnswer, NotRunning, request
from ..settings_doc import defaults_file


def main(args) -> int:
    path = paths.config_file()
    if args.action == "path":
        print(path)
    elif args.action == "show":
        if args.defaults:
            print(defaults_file(), end="")
        else:
            print(render_settings(path))
    elif args.action == "check":
        target = args.file or path
        if not target.exists():
            if args.file:
                raise UserError(str(target), _("does not exist"))
            print(_("No settings file at {path}; the defaults are in use.", path=target))
            return 0
        settings_file.load(target)
        print(_("{path}: ok", path=target))
    elif args.action == "set":
        list_wanted(args.key, args.value)
        settings_file.set_value(path, args.key, args.value)
        print(tell_daemon(_("{key} = {value} saved in {path}", key=args.key, value=args.value,
                            path=path)))
    elif args.action == "edit":
        settings_file.ensure_user_file(path)
        subprocess.call([*editor(), str(path)])
        try:
            settings_file.load(path)
        except UserError as err:
            raise UserError(err.where, _("{problem} (your edit is saved; run `glutewake config "
                                         "edit` again to fix it)", problem=err.problem)) from None
        print(tell_daemon(_("{path}: ok", path=path)))
    return 0


def list_wanted(dotted: str, text: str) -> None:
    """A key that takes a list, given a bare word: show exactly what to type, quotes and all."""
    section, key = config.parse_key(dotted)
    if isinstance(config.keys(section)[key].default, list) and not text.lstrip().startswith("["):
        example = json.dumps([word for word in text.replace(",", " ").split()] or ["..."])
        raise UserError(f"config set {dotted}", _(
            "takes a list; type it with its brackets and quotes: glutewake config set {key} "
            "'{example}'", key=dotted, example=example))


def tell_daemon(done: str) -> str:
    """Have a running daemon apply changed settings now rather than at its next look; `done`
    says what was saved, and the answer adds whether glutewake uses it already."""
    try:
        request({"cmd": "reload"})
    except (NotRunning, NoAnswer, UserError, OSError):
        return _("{done} (glutewake is not running; it will use this when it starts)", done=done)
    return _("{done}; the running glutewake now uses it", done=done)


def editor() -> list[str]:
    for variable in ("VISUAL", "EDITOR"):
        if os.environ.get(variable):
            return os.environ[variable].split()
    if sys.platform == "win32":
        return ["notepad"]
    if sys.platform == "darwin":
        return ["open", "-W", "-t"]
    for name in ("sensible-editor", "nano", "vi"):
        if shutil.which(name):
            return [name]
    raise UserError("config edit", _("no editor found; set $EDITOR, e.g. `export EDITOR=nano`"))


def render_settings(path: Path) -> str:
    """The settings in force as TOML, marking the ones that come from the user's file."""
    user = settings_file.read_toml(path)
    settings_file.build(user, path)  # refuse to show settings that would not load
    yours = "  # " + _("yours")
    lines = ["# " + _("Settings in force: the defaults (`glutewake config show --defaults`)"),
             "# " + _("with your changes from {path} (marked # yours).", path=path)]
    for section in config.SECTIONS:
        lines.append(f"\n[{section}]")
        for key, known in config.keys(section).items():
            mine = key in user.get(section, {})
            value = user[section][key] if mine else known.default
            if key == "custom":
                ids = ", ".join(e["id"] for e in value) or _("none")
                lines.append("# " + _("custom exercises: {ids}", ids=ids) + (yours if mine else ""))
                continue
            lines.append(f"{key} = {config.toml_text(value)}" + (yours if mine else ""))
    return "\n".join(lines)
