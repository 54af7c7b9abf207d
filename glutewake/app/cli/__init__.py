"""The `glutewake` command: `main` reads the language and the command line, then imports and runs
the module that handles that command (parser.HANDLERS; one module per group of commands, listed
in the README's map of the code). The commands that talk to the daemon import nothing heavy, so
they answer fast; only `run` loads the scheduler and the desktop parts."""

from __future__ import annotations

import importlib
import os
import stat
import sys
import tomllib

from ... import i18n
from ...core.errors import UserError
from .. import paths
from .parser import EXIT_REFUSED, EXIT_USAGE, HANDLERS, build_parser, parse

__all__ = ["EXIT_REFUSED", "EXIT_USAGE", "Unreadable", "build_parser", "main"]


class Unreadable(Exception):
    """Something glutewake keeps (the journal) cannot be read; the message is one line."""


def language_setting() -> str:
    """[ui] language from the user's settings file, read before anything is shown and without
    loading the settings (that would cost `glutewake status` tens of milliseconds): "auto" when
    the file or the key is missing or wrong; loading the settings reports a mistake later."""
    try:
        fd = os.open(paths.config_file(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return "auto"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 1024 * 1024:
            return "auto"
        data = os.read(fd, info.st_size + 1)
    except OSError:
        return "auto"
    finally:
        os.close(fd)
    if b"language" not in data:
        return "auto"
    try:
        ui = tomllib.loads(data.decode("utf-8")).get("ui")
    except (ValueError, RecursionError):
        return "auto"
    value = ui.get("language") if isinstance(ui, dict) else None
    return value if isinstance(value, str) and value in i18n.LANGUAGES else "auto"


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # the journal, spill files, log and key are the user's alone
    i18n.setup(language_setting())
    parser = build_parser()
    args = parse(parser, sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_help()
        return 0
    module, function = HANDLERS[args.command]
    try:
        return getattr(importlib.import_module(module, __name__), function)(args)
    except UserError as err:
        print(f"glutewake: {err}", file=sys.stderr)
        return EXIT_USAGE
    except Unreadable as err:
        print(f"glutewake: {err}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (`| head`) has gone; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
