"""The `glutewake` command. Commands that talk to the daemon import nothing heavy, so they answer
fast; only `run` loads the scheduler and the desktop parts."""

from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from .. import __version__
from . import paths
from ..core.errors import UserError, closest

EXIT_REFUSED = 1  # the daemon said no, or is not running
EXIT_USAGE = 2  # the user's input is wrong
LONGEST_STATS = 36_500  # days: a hundred years


class Unreadable(Exception):
    """Something glutewake keeps (the journal) cannot be read; the message is one line."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that say how to get help."""

    def error(self, message: str):
        match = re.search(r"argument ([^:]*): invalid choice: '([^']*)' \(choose from (.*)\)",
                          message)
        if match:
            known = re.findall(r"'([^']*)'", match[3])
            hint = closest(match[2], known)
            if match[1] in ("COMMAND", "ACTION"):
                message = f"unknown command '{match[2]}'"
            else:
                message = (f"{match[1]}: unknown value '{match[2]}', choose from "
                           f"{', '.join(known)}")
            message += f" (did you mean '{hint}'?)" if hint else ""
        self.exit(EXIT_USAGE, f"{self.prog}: {message}; run `{self.prog} --help` for the list\n")


def build_parser() -> Parser:
    parser = Parser(prog="glutewake", description=(
        "A desk-break reminder: after a stretch of sitting it suggests one standing glute "
        "exercise, and keeps a journal of the breaks you take."))
    parser.add_argument("--version", action="version", version=f"glutewake {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    run = commands.add_parser("run", help="start glutewake (tray when there is a desktop)")
    run.add_argument("--console", action="store_true",
                     help="print reminders in this terminal instead of showing notifications "
                     "(idle time, locks and calls are still read from the desktop)")
    run.add_argument("--no-tray", action="store_true", help="desktop notifications, no tray icon")

    status = commands.add_parser("status", help="how long you have been sitting, and what is next")
    status.add_argument("--json", action="store_true",
                        help="one JSON object (also when glutewake is not running; see README)")
    status.add_argument("--follow", action="store_true",
                        help="a new line whenever it changes, at most one a second (for bars)")
    done = commands.add_parser("done", help="log that you took your break (also fine before it "
                                            "is due)")
    feel = done.add_mutually_exclusive_group()
    feel.add_argument("--easy", action="store_true",
                      help="it was too easy: a bigger dose of this exercise next time")
    feel.add_argument("--hard", action="store_true",
                      help="it was too hard: a smaller dose of this exercise next time")
    rate = commands.add_parser("rate", help="say the exercise just done was too easy or too hard")
    rate.add_argument("feeling", choices=["easy", "hard"])
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

    stats = commands.add_parser(
        "stats", help="how your breaks went: per day, streak, favourite exercises",
        description="Without options: the last 7 days, today included.")
    stats.add_argument("--days", type=int, metavar="N", help="the last N days, today included")
    stats.add_argument("--from", dest="first", metavar="DATE", help="first day, YYYY-MM-DD")
    stats.add_argument("--to", dest="last", metavar="DATE", help="last day (default: today)")
    stats.add_argument("--json", action="store_true", help="machine-readable (see README)")
    stats.add_argument("--chart", metavar="FILE.png", type=Path,
                       help="also draw breaks done vs reminders per day as an 800x400 PNG")

    export = commands.add_parser("export", help="the whole journal as CSV or JSON on stdout")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--since", metavar="DATE", help="YYYY-MM-DD, today or yesterday")

    login = commands.add_parser("autostart", help="start glutewake at login, or not")
    login.add_argument("action", choices=["enable", "disable", "status"])

    guided = commands.add_parser(
        "guide", help="a guided break in this terminal: sets, sides, holds and a countdown",
        description="Runs the break step by step and logs it with the running glutewake: a "
                    "guided done at the end, a partial break if you stop it with Ctrl-C.")
    guided.add_argument("id", nargs="?", help="the exercise (default: the one suggested now)")

    catalog = commands.add_parser("exercises", help="list the exercises and why some are left out")
    catalog.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    catalog.add_argument("id", nargs="?", help="the exercise to show in full")
    catalog.add_argument("--open", action="store_true",
                         help="with show: open its pictures in the desktop's image viewer")

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
    from . import install

    install.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # the journal, spill files, log and key are the user's alone
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
    except Unreadable as err:
        print(f"glutewake: {err}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (`| head`) has gone; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# --- the daemon ---------------------------------------------------------------------------------

def run(args) -> int:
    from .runner import run as run_daemon

    return run_daemon(console=args.console, tray=not args.no_tray)


# The keys `status --json` always has (README: "glutewake status --json"); null when not running.
STATUS_FIELDS = ("running", "pid", "line", "phase", "sitting", "due_in", "next_due", "hold",
                 "paused_until", "exercise", "exercise_id", "done_today", "goal", "idle_source",
                 "idle_state", "inhibitor", "notifier", "notifier_state", "detector_problems",
                 "tray", "settings_error", "config", "journal", "journal_waiting",
                 "journal_problem", "log")


def show_status(args) -> int:
    """`glutewake status [--json] [--follow]`."""
    import json
    import time

    from .control import NoAnswer, NotRunning, request

    last = None
    while True:
        try:
            status = request({"cmd": "status"})["status"]
            status["running"] = True
        except (NotRunning, NoAnswer) as err:
            status = dict.fromkeys(STATUS_FIELDS) | {
                "running": False, "line": "glutewake is not running",
                "problem": str(err) if isinstance(err, NoAnswer) else ""}
        # what waybar (return-type json) and i3status-rust (json = true) read
        status |= {"text": status["line"], "tooltip": status.get("exercise") or "",
                   "class": status.get("phase") or "stopped",
                   "state": "Warning" if status.get("phase") == "due" else "Idle"}
        if args.json:
            shown = json.dumps(status, sort_keys=True, ensure_ascii=False)
        elif args.follow:
            shown = status["line"]
        else:
            if not status["running"]:
                print(status["problem"] or "glutewake is not running; start it with "
                      "`glutewake run`", file=sys.stderr)
                return EXIT_REFUSED
            print_status(status)
            return 0
        if not args.follow:
            print(shown)
            return 0 if status["running"] else EXIT_REFUSED
        # a new line when what it says changes; the seconds ticking on alone are no change
        key = {k: v for k, v in status.items() if k not in ("sitting", "due_in")}
        if key != last:
            print(shown, flush=True)
            last = key
        time.sleep(1)


def to_daemon(args) -> int:
    from ..core import commands
    from .control import NoAnswer, NotRunning, request

    words = {"snooze": args.duration if args.command == "snooze" else None,
             "pause": " ".join(args.until) if args.command == "pause" else None,
             "rate": getattr(args, "feeling", None),
             "done": "easy" if getattr(args, "easy", False) else (
                 "hard" if getattr(args, "hard", False) else None)}
    command = commands.parse(args.command, words.get(args.command) or "")
    try:
        reply = request(commands.to_wire(command))
    except NotRunning:
        print("glutewake is not running; start it with `glutewake run`", file=sys.stderr)
        return EXIT_REFUSED
    except NoAnswer as err:
        print(f"glutewake: {err}", file=sys.stderr)
        return EXIT_REFUSED
    if args.command == "status":
        print_status(reply["status"])
        return 0
    print(reply["text"], file=sys.stdout if reply["ok"] else sys.stderr)
    if reply["ok"]:
        return 0
    return EXIT_USAGE if reply.get("usage") else EXIT_REFUSED


def print_status(status: dict) -> None:
    print(f"glutewake is running (pid {status['pid']})")
    print(status["line"])
    print(f"Next exercise: {status['exercise']}")
    print(status["today"])
    idle_state = status.get("idle_state", "answering")
    print(f"Idle detection: {status['idle_source']}"
          + ("" if idle_state in ("answering", "none") else f" ({idle_state})"))
    if status.get("inhibitor"):
        print(f"Idle inhibited by: {status['inhibitor']}")
    print(f"Notifications: {status['notifier']}" + (
        " (missing: no notification server on the session bus now)"
        if status.get("notifier_state") == "missing" else ""))
    for problem in status.get("detector_problems", []):
        print(f"Detector problem: {problem}")
    print(f"Tray: {status.get('tray', 'none')}")
    print(f"Settings: {status['config']}")
    waiting = status.get("journal_waiting", 0)
    print(f"Journal: {status['journal']}" + (
        f" ({waiting} event(s) kept safe, not written yet: {status.get('journal_problem')})"
        if waiting else ""))
    print(f"Log: {status['log']}")


# --- the journal --------------------------------------------------------------------------------


def parse_day(text: str, option: str) -> date:
    words = {"today": date.today(), "yesterday": date.today() - timedelta(days=1)}
    if text in words:
        return words[text]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(option, f'"{text}" is not a date; use YYYY-MM-DD, today or yesterday') from None


def show_log(args) -> int:
    from ..core.phrases import detail
    from ..core.timespec import humanize
    from ..store.export import write_csv

    since = parse_day(args.since, "log --since") if args.since else None
    with open_journal() as journal:
        if journal is None:
            return 0
        if args.csv:
            write_csv(journal, sys.stdout, since)
            return 0
        for event in journal.events(since):
            r = event.record
            sat = f"sat {humanize(r.sitting)}" if r.sitting else ""
            print(f"{event.local_time:%Y-%m-%d %H:%M}  {r.kind:<13} "
                  f"{r.exercise or '':<24} {sat:<12} {detail(r)}".rstrip())
    return 0


@contextmanager
def open_journal():
    """The journal for reading, closed afterwards; None (said) when nothing is logged yet."""
    from ..store.journal import Journal, JournalDamaged

    path = paths.journal_file()
    if not path.exists():
        print(f"The journal is empty: nothing logged yet at {path}. Start with `glutewake run`.")
        yield None
        return
    try:
        journal = Journal.reader(path)
    except JournalDamaged as err:
        raise Unreadable(str(err)) from None
    try:
        yield journal
    except JournalDamaged as err:
        raise Unreadable(str(err)) from None
    finally:
        journal.close()


def export(args) -> int:
    import json

    from ..store import export as export_rows

    since = parse_day(args.since, "export --since") if args.since else None
    with open_journal() as journal:
        if journal is None:
            return 0
        if args.format == "csv":
            export_rows.write_csv(journal, sys.stdout, since)
        else:
            json.dump([dict(zip(export_rows.CSV_COLUMNS, row))
                       for row in export_rows.rows(journal, since)],
                      sys.stdout, indent=1, ensure_ascii=False)
            print()
    return 0


# --- statistics ---------------------------------------------------------------------------------

def show_stats(args) -> int:
    import json

    from ..core import config
    from ..store import stats
    from ..core.timespec import humanize

    today = date.today()
    last = parse_day(args.last, "stats --to") if args.last else today
    if args.first:
        first = parse_day(args.first, "stats --from")
    else:
        days = 7 if args.days is None else args.days
        if not 1 <= days <= LONGEST_STATS:
            raise UserError("stats --days", f"{str(days)[:20]} is not a number of days from 1 to "
                            f"{LONGEST_STATS} (100 years)")
        try:
            first = last - timedelta(days=days - 1)
        except OverflowError:
            raise UserError("stats --days", f"{days} days before {last} is before year 1") from None
    if first > last:
        raise UserError("stats --from", f"{first} is after --to {last}; swap them")
    if (last - first).days >= LONGEST_STATS:
        raise UserError("stats --from", f"{first} to {last} is more than 100 years; pick a "
                        "shorter span")
    settings = config.load(paths.config_file())
    with open_journal() as journal:
        if journal is None:
            return 0
        result = stats.report(journal.read, first, last, settings.daily_goal, today,
                              (e.id for e in settings.offered))
    if args.chart:
        from ..store.chart import draw_chart

        try:
            draw_chart(result).save(args.chart)
        except (OSError, ValueError) as err:
            raise UserError(f"stats --chart {args.chart}", f"cannot write the picture ({err}); "
                            "give a writable path ending in .png") from None
    if args.json:
        json.dump(result.as_json(), sys.stdout, indent=1)
        print()
        return 0
    names = {e.id: e.name for e in settings.catalog}
    goal = f" (goal: {result.goal} a day)" if result.goal else ""
    print(f"Breaks from {first:%a %d %b} to {last:%a %d %b %Y}{goal}\n")
    table = [("day", "reminders", "done", "snoozed", "skipped", "natural", "answered", "longest",
              "sitting")]
    for day in result.days + [result.total]:
        if day is result.total:
            label = "total"
        else:
            label = date.fromisoformat(day.date).strftime("%a %d %b")
            label += " *" if day.date == today.isoformat() else ""
        share = "—" if day.answered_share is None else f"{day.answered_share:.0%}"
        longest = humanize(day.longest_stretch_seconds) if day.longest_stretch_seconds else "—"
        sat = humanize(day.sitting_seconds) if day.sitting_seconds else "—"
        table.append((label, day.reminders, day.done, day.snoozed, day.skipped, day.natural_breaks,
                      share, longest, sat))
    widths = [max(len(str(row[n])) for row in table) for n in range(len(table[0]))]
    for row in table:
        cells = [f"{row[0]:<{widths[0]}}"] + [f"{row[n]!s:>{widths[n]}}" for n in range(1, len(row))]
        print("  ".join(cells))
    print()
    if result.goal:
        print(f"Streak: {result.streak} day{'s' if result.streak != 1 else ''} in a row with at "
              f"least {result.goal} breaks done")
    if result.most_done:
        most, least = result.most_done, result.least_done
        print(f"Done most: {names.get(most[0], most[0])} ({most[1]}) · least: "
              f"{names.get(least[0], least[0])} ({least[1]})")
    print("* today. Natural: breaks you took by being away. Answered: reminders answered with a "
          "break.")
    if args.chart:
        print(f"Chart written to {args.chart}")
    return 0


# --- exercises ----------------------------------------------------------------------------------

def show_exercises(args) -> int:
    from ..core import config, exercises, phrases

    settings = config.load(paths.config_file())
    settings, level_line = level_in_force(settings)
    if args.action == "show":
        if not args.id:
            raise UserError("exercises show", "name an exercise id; `glutewake exercises` lists them")
        found = {e.id: e for e in settings.catalog}
        if args.id not in found:
            hint = closest(args.id, found)
            raise UserError(f"exercises show {args.id}", "no such exercise" +
                            (f'; did you mean "{hint}"?' if hint else "; `glutewake exercises` lists them"))
        exercise = found[args.id]
        print(exercise.full_text())
        print(f"Your dose: {phrases.dose(journal_doses().of(exercise.id))}")
        from .. import pictures

        frames = pictures.frames(exercise.id)
        print("Pictures: " + ", ".join(str(frame) for frame in frames))
        if args.open:
            from .runner import open_path

            for frame in frames:
                open_path(frame)
        print(f"Posture: {exercise.posture} · equipment: {exercise.equipment} · level {exercise.level}")
        reason = exercises.why_not_offered(exercise, settings.prefs)
        print("Offered in reminders." if reason is None else f"Not offered: {reason}.")
        return 0
    offered = settings.offered
    print(level_line)
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


def journal_doses():
    """Each exercise's dose as the journal has it (none logged yet: all at the start)."""
    from ..core.dose import Doses
    from ..store import stats
    from ..store.journal import Journal, JournalDamaged

    path = paths.journal_file()
    if not path.exists():
        return Doses()
    try:
        journal = Journal.reader(path)
        try:
            return stats.doses(journal.read)
        finally:
            journal.close()
    except JournalDamaged as err:
        raise Unreadable(str(err)) from None


def level_in_force(settings):
    """The settings at the level the journal has earned, and a line saying where you stand."""
    from ..core.coach import Past
    from ..core.coach import level_in_force as in_force
    from ..store import stats
    from ..store.journal import Journal, JournalDamaged

    if not settings.level_auto:
        return settings, (f"Level {settings.prefs.level}, as set by [exercises] level "
                          "(\"auto\" would unlock level 2 as you go).")
    path = paths.journal_file()
    done = days = 0
    if path.exists():
        try:
            journal = Journal.reader(path)
            try:
                done, days, _ = stats.progress(journal.read, (e.id for e in settings.catalog
                                                              if e.level == 1))
            finally:
                journal.close()
        except JournalDamaged as err:
            raise Unreadable(str(err)) from None
    settings = in_force(settings, Past(level_one_done=done, level_one_days=days))
    if settings.prefs.level == 2:
        return settings, (f"Level 2: unlocked by {done} level-1 breaks over {days} "
                          f"day{'s' if days != 1 else ''}; the integration exercises are in the "
                          "rotation.")
    return settings, (f"Level 1 (activation). Level 2 unlocks after {settings.unlock_breaks} "
                      f"level-1 breaks over at least {settings.unlock_days} days; so far "
                      f"{done} break{'s' if done != 1 else ''} over {days} "
                      f"day{'s' if days != 1 else ''}.")


# --- autostart ----------------------------------------------------------------------------------

def autostart(args) -> int:
    from ..desktop.autostart import for_this_system

    entry = for_this_system(icon=str(paths.app_icon_file()))
    if args.action == "enable":
        print(entry.enable())
    elif args.action == "disable":
        print(entry.disable())
    else:
        state = "on" if entry.enabled() else "off"
        print(f"Start at login: {state} ({entry.where})")
    return 0


# --- settings -----------------------------------------------------------------------------------

def configure(args) -> int:
    from ..core import config

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
        import subprocess

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
    from .control import NoAnswer, NotRunning, request

    try:
        request({"cmd": "reload"})
    except (NotRunning, NoAnswer, UserError, OSError):
        return " (glutewake is not running; it will use this when it starts)"
    return "; the running glutewake now uses it"


def editor() -> list[str]:
    import shutil

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
    from ..core import config

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
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- the guided break in a terminal ------------------------------------------------------------

def guide(args) -> int:
    import time

    from ..core import commands, config, phrases
    from ..core import guide as plan
    from ..core.coach import Guiding, Remind
    from .control import NoAnswer, NotRunning, request

    settings, _ = level_in_force(config.load(paths.config_file()))
    found = {e.id: e for e in settings.catalog}
    ident = args.id
    if ident is None:
        try:
            ident = request({"cmd": "status"})["status"]["exercise_id"]
        except (NotRunning, NoAnswer, KeyError):
            raise UserError("guide", "name an exercise, like `glutewake guide wall-lean` "
                            "(`glutewake exercises` lists them)") from None
    if ident not in found:
        hint = closest(ident, found)
        raise UserError(f"guide {ident}", "no such exercise" +
                        (f'; did you mean "{hint}"?' if hint else "; `glutewake exercises` lists them"))
    exercise = found[ident]
    dose = journal_doses().of(exercise.id).step
    steps = plan.plan(exercise, dose)
    print(phrases.reminder_lesson(Remind(exercise, 0.0, 1, True, dose)))
    print("Ctrl-C stops; what you did is logged as a partial break.\n", flush=True)
    live = sys.stdout.isatty()
    started, shown, complete = time.monotonic(), None, False
    try:
        while True:
            elapsed = time.monotonic() - started
            where = plan.place(steps, elapsed)
            if where.finished:
                complete = True
                break
            note = Guiding(exercise, dose, where, len(steps))
            line = f"{phrases.guide_title(note)} · {phrases.guide_body(note).splitlines()[0]}"
            if live:
                print(f"\r{line[:79]:<79}", end="", flush=True)
            elif where.index != shown:
                print(line, flush=True)
            shown = where.index
            time.sleep(min(1.0, where.left % 1 or 1.0))
    except KeyboardInterrupt:
        pass
    elapsed = time.monotonic() - started
    if live:
        print()
    report = commands.Guided(exercise.id, elapsed, complete)
    try:
        reply = request(commands.to_wire(report))
    except (NotRunning, NoAnswer):
        print("glutewake is not running, so this break is not logged; start it with "
              "`glutewake run`", file=sys.stderr)
        return EXIT_REFUSED
    print(reply["text"])
    return 0 if complete else 130


def install_desktop(args) -> int:
    from . import install

    return install.main(args)


COMMANDS = {"run": run, "status": show_status, "log": show_log, "guide": guide, "stats": show_stats, "export": export,
            "autostart": autostart, "exercises": show_exercises, "config": configure,
            "install-desktop": install_desktop}
