"""The `glutewake` command. Commands that talk to the daemon import nothing heavy, so they answer
fast; only `run` loads the scheduler and the desktop parts."""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from . import __version__, paths
from .errors import UserError

DAEMON_COMMANDS = ("status", "done", "snooze", "skip", "pause", "resume", "quit")
EXIT_REFUSED = 1  # the daemon said no, or is not running
EXIT_USAGE = 2  # the user's input is wrong


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that say how to get help."""

    def error(self, message: str):
        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match:
            known = re.findall(r"'([^']*)'", match[2])
            hint = difflib.get_close_matches(match[1], known, n=1)
            message = f"unknown command '{match[1]}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
        self.exit(EXIT_USAGE, f"{self.prog}: {message}; run `{self.prog} --help` for the list\n")


def build_parser() -> Parser:
    parser = Parser(prog="glutewake", description=(
        "A desk-break reminder: after a stretch of sitting it suggests one standing glute "
        "exercise, and keeps a journal of the breaks you take."))
    parser.add_argument("--version", action="version", version=f"glutewake {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    run = commands.add_parser("run", help="start glutewake (tray when there is a desktop)")
    run.add_argument("--console", action="store_true",
                     help="print reminders in this terminal instead of using the desktop")
    run.add_argument("--no-tray", action="store_true", help="desktop notifications, no tray icon")

    commands.add_parser("status", help="how long you have been sitting, and what is next")
    commands.add_parser("done", help="log that you took your break (also fine before it is due)")
    snooze = commands.add_parser("snooze", help="put the reminder off (default: [breaks] snooze)")
    snooze.add_argument("duration", nargs="?", help='sitting time to wait, like "10m"')
    commands.add_parser("skip", help="skip the break that is due, without doing it")
    pause = commands.add_parser("pause", help="no reminders for a while",
                                description='Examples: "pause 30m", "pause until 14:30", '
                                            '"pause tomorrow"; no argument pauses until resume.')
    pause.add_argument("until", nargs="*", help="30m | until HH:MM | tomorrow")
    commands.add_parser("resume", help="end a pause")
    commands.add_parser("quit", help="stop the running glutewake")

    journal = commands.add_parser("log", help="print the break journal")
    journal.add_argument("--since", metavar="DATE", help="YYYY-MM-DD, today or yesterday")
    journal.add_argument("--csv", action="store_true", help="comma-separated, for spreadsheets")

    catalog = commands.add_parser("exercises", help="list the exercises and why some are left out")
    catalog.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    catalog.add_argument("id", nargs="?", help="the exercise to show in full")

    settings = commands.add_parser("config", help="see, check and change settings")
    settings_actions = settings.add_subparsers(dest="action", metavar="ACTION", required=True,
                                               parser_class=Parser)
    settings_actions.add_parser("path", help="print where your settings file is")
    show = settings_actions.add_parser("show", help="print the settings in force")
    show.add_argument("--defaults", action="store_true",
                      help="print every key with its default and explanation")
    check = settings_actions.add_parser("check", help="validate a settings file (exit 2 if bad)")
    check.add_argument("file", nargs="?", type=Path, help="default: your settings file")
    change = settings_actions.add_parser("set", help="change one key, e.g. breaks.every 45m")
    change.add_argument("key")
    change.add_argument("value")
    settings_actions.add_parser("edit", help="open your settings in $VISUAL or $EDITOR, then check")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return COMMANDS.get(args.command, to_daemon)(args)
    except UserError as err:
        print(f"glutewake: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (`| head`) has gone; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# --- the daemon ---------------------------------------------------------------------------------

def run(args) -> int:
    from .runner import run as run_daemon

    return run_daemon(console=args.console, tray=not args.no_tray)


def to_daemon(args) -> int:
    from .control import NotRunning, request

    arg = args.duration if args.command == "snooze" else (
        " ".join(args.until) if args.command == "pause" else None)
    try:
        reply = request({"cmd": args.command, "arg": arg})
    except NotRunning:
        print("glutewake is not running; start it with `glutewake run`", file=sys.stderr)
        return EXIT_REFUSED
    if args.command == "status":
        print_status(reply["status"])
        return 0
    print(reply["text"], file=sys.stdout if reply["ok"] else sys.stderr)
    return 0 if reply["ok"] else EXIT_REFUSED


def print_status(status: dict) -> None:
    print(f"glutewake is running (pid {status['pid']})")
    print(status["line"])
    print(f"Next exercise: {status['exercise']}")
    print(f"Today: {status['done_today']} break(s) done")
    print(f"Idle detection: {status['idle_source']}")
    print(f"Notifications: {status['notifier']}")
    print(f"Tray: {status.get('tray', 'none')}")
    print(f"Settings: {status['config']}")
    print(f"Journal: {status['journal']}")
    print(f"Log: {status['log']}")


# --- the journal --------------------------------------------------------------------------------

CSV_COLUMNS = ("time_utc", "local_time", "local_date", "kind", "exercise", "sitting_seconds", "detail")


def parse_day(text: str, option: str) -> date:
    words = {"today": date.today(), "yesterday": date.today() - timedelta(days=1)}
    if text in words:
        return words[text]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(option, f'"{text}" is not a date; use YYYY-MM-DD, today or yesterday') from None


def show_log(args) -> int:
    from .journal import Journal
    from .timespec import humanize

    since = parse_day(args.since, "log --since") if args.since else None
    path = paths.journal_file()
    if not path.exists():
        print(f"The journal is empty: nothing logged yet at {path}. Start with `glutewake run`.")
        return 0
    journal = Journal(path, report=lambda message: print(f"glutewake: {message}", file=sys.stderr))
    try:
        if args.csv:
            write_csv(journal, sys.stdout, since)
            return 0
        for event in journal.events(since):
            sat = f"sat {humanize(event.sitting)}" if event.sitting else ""
            print(f"{event.local_time:%Y-%m-%d %H:%M}  {event.kind:<13} "
                  f"{event.exercise or '':<24} {sat:<12} {event.detail}".rstrip())
    finally:
        journal.close()
    return 0


def write_csv(journal, out, since: date | None = None) -> None:
    """The journal as CSV with the documented columns (README: `glutewake log --csv`)."""
    from datetime import datetime, timezone

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in journal.events(since):
        utc = datetime.fromtimestamp(event.ts, timezone.utc)
        writer.writerow([utc.isoformat(timespec="seconds").replace("+00:00", "Z"),
                         event.local_time.isoformat(timespec="seconds"), event.local_date,
                         event.kind, event.exercise or "", round(event.sitting), event.detail])


# --- exercises ----------------------------------------------------------------------------------

def show_exercises(args) -> int:
    from . import config, exercises

    settings = config.load(paths.config_file())
    if args.action == "show":
        if not args.id:
            raise UserError("exercises show", "name an exercise id; `glutewake exercises` lists them")
        found = {e.id: e for e in settings.catalog}
        if args.id not in found:
            hint = difflib.get_close_matches(args.id, list(found), n=1)
            raise UserError(f"exercises show {args.id}", "no such exercise" +
                            (f'; did you mean "{hint[0]}"?' if hint else "; `glutewake exercises` lists them"))
        exercise = found[args.id]
        print(exercise.full_text())
        print(f"Posture: {exercise.posture} · equipment: {exercise.equipment} · level {exercise.level}")
        reason = exercises.why_not_offered(exercise, settings.prefs)
        print("Offered in reminders." if reason is None else f"Not offered: {reason}.")
        return 0
    offered = settings.offered
    print(f"Offered in reminders ({len(offered)}):")
    for exercise in offered:
        print(f"  {exercise.id:<24} {exercise.summary}")
    left_out = [(e, exercises.why_not_offered(e, settings.prefs)) for e in settings.catalog
                if e not in offered]
    if left_out:
        print(f"Not offered ({len(left_out)}):")
        for exercise, reason in left_out:
            print(f"  {exercise.id:<24} {exercise.name}: {reason}")
    print("`glutewake exercises show ID` prints one in full.")
    return 0


# --- settings -----------------------------------------------------------------------------------

def configure(args) -> int:
    from . import config

    path = paths.config_file()
    if args.action == "path":
        print(path)
    elif args.action == "show":
        if args.defaults:
            print(config.default_path().read_text("utf-8"), end="")
        else:
            print(render_settings(path))
    elif args.action == "check":
        target = args.file or path
        if not target.exists():
            if args.file:
                raise UserError(str(target), "does not exist")
            print(f"No settings file at {target}; the defaults are in use.")
            return 0
        config.load(target)
        print(f"{target}: ok")
    elif args.action == "set":
        config.set_value(path, args.key, args.value)
        print(f"{args.key} = {args.value} saved in {path}" + tell_daemon())
    elif args.action == "edit":
        config.ensure_user_file(path)
        subprocess.call([*editor(), str(path)])
        try:
            config.load(path)
        except UserError as err:
            raise UserError(err.where, f"{err.problem} (your edit is saved; run `glutewake config "
                                       "edit` again to fix it)") from None
        print(f"{path}: ok" + tell_daemon())
    return 0


def tell_daemon() -> str:
    """Have a running daemon apply changed settings now rather than at its next look."""
    from .control import NotRunning, request

    try:
        request({"cmd": "reload"}, timeout=5)
    except (NotRunning, UserError, OSError):
        return " (glutewake is not running; it will use this when it starts)"
    return "; the running glutewake now uses it"


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
    raise UserError("config edit", "no editor found; set $EDITOR, e.g. `export EDITOR=nano`")


def render_settings(path: Path) -> str:
    """The settings in force as TOML, marking the ones that come from the user's file."""
    from . import config

    user = config.read_toml(path)
    config.build(user, path)  # refuse to show settings that would not load
    lines = [f"# Settings in force: defaults from {config.default_path()}",
             f"# with your changes from {path} (marked # yours)."]
    for section, keys in config.defaults().items():
        lines.append(f"\n[{section}]")
        for key, default in keys.items():
            mine = key in user.get(section, {})
            value = user[section][key] if mine else default
            if key == "custom":
                ids = ", ".join(e["id"] for e in value) or "none"
                lines.append(f"# custom exercises: {ids}" + ("  # yours" if mine else ""))
                continue
            lines.append(f"{key} = {toml_value(value)}" + ("  # yours" if mine else ""))
    return "\n".join(lines)


def toml_value(value) -> str:
    """A short one-line TOML rendering of the simple values settings hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


COMMANDS = {"run": run, "log": show_log, "exercises": show_exercises, "config": configure}
