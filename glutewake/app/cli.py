"""The `glutewake` command. Commands that talk to the daemon import nothing heavy, so they answer
fast; only `run` loads the scheduler and the desktop parts."""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

from .. import __version__, i18n
from ..core.errors import UserError, closest
from ..i18n import N_, _, ngettext
from . import paths, sync_cli
from .journal_views import (Unreadable, add_span_options, days_asked, open_journal, parse_day,
                            print_table, reading)

EXIT_REFUSED = 1  # the daemon said no, or is not running
EXIT_USAGE = 2  # the user's input is wrong




# argparse's own words (usage, the option headings, its error messages) come from our catalog:
# argparse looks each up through its module's `_` and `ngettext` when it uses it, and
# `speak_argparse` points those at glutewake.i18n. These are the ones a person may meet; two stay
# out on purpose, "argument %(argument_name)s: %(message)s" and "invalid choice: ...", because
# Parser.error reads them in English and words them itself.
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("expected one argument"),
    N_("expected at most one argument"), N_("expected at least one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)


def speak_argparse() -> None:
    """argparse's words in glutewake's language (see ARGPARSE_WORDS)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that say how to get help."""

    def command_parser(self, name: str | None) -> argparse.ArgumentParser | None:
        """The parser of the command `name` ("log"), or None."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                return action.choices[name]
        return None

    def error(self, message: str):
        match = re.search(r"argument ([^:]*): invalid choice: '([^']*)' \(choose from (.*)\)",
                          message)
        argument = re.fullmatch(r"argument ([^:]*): (.*)", message, re.DOTALL)
        if match:
            known = re.findall(r"'([^']*)'", match[3])
            hint = closest(match[2], known)
            if match[1] in (_("COMMAND"), _("ACTION")):
                message = (_("unknown command '{command}' (did you mean '{hint}'?)",
                             command=match[2], hint=hint) if hint else
                           _("unknown command '{command}'", command=match[2]))
            else:
                choices = ", ".join(known)
                message = (_("{argument}: unknown value '{value}', choose from {choices} (did you "
                             "mean '{hint}'?)", argument=match[1], value=match[2],
                             choices=choices, hint=hint) if hint else
                           _("{argument}: unknown value '{value}', choose from {choices}",
                             argument=match[1], value=match[2], choices=choices))
        elif argument:
            message = _("argument {argument}: {problem}", argument=argument[1],
                        problem=argument[2])
        self.exit(EXIT_USAGE, _("{prog}: {message}; run `{prog} --help` for the list",
                                prog=self.prog, message=message) + "\n")


# Where a value may start with "-": a negative duration is a mistake to explain, not an option.
VALUES_AFTER = {("snooze",): 1, ("pause",): 1, ("config", "set"): 3}


def parse(parser: Parser, argv: list[str]):
    """The command line as argparse reads it, with two kinder errors: a value like "-5m" is taken
    as a value (and refused as a negative duration by the command), and an unknown option gets
    "did you mean" against the options of its own command."""
    argv = list(argv)
    for words, at in VALUES_AFTER.items():
        if tuple(argv[:len(words)]) == words and "--" not in argv and len(argv) > at \
                and re.fullmatch(r"-\d.*", argv[at]):
            argv.insert(at, "--")
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub = parser.command_parser(args.command)
        options = [o for action in (sub or parser)._actions for o in action.option_strings]
        word = extra[0]
        if word.startswith("-"):
            hint = closest(word.split("=")[0], options)
            problem = (_("unknown option {option} (did you mean {hint}?)", option=word, hint=hint)
                       if hint else _("unknown option {option}", option=word))
        else:
            problem = _("unexpected word '{word}'", word=word)
        prog = sub.prog if sub else parser.prog
        parser.exit(EXIT_USAGE, _("{prog}: {message}; run `{prog} --help` for the list",
                                  prog=prog, message=problem) + "\n")
    return args


def build_parser() -> Parser:
    speak_argparse()
    parser = Parser(prog="glutewake", description=_(
        "A desk-break reminder: after a stretch of sitting it suggests one standing glute "
        "exercise, and keeps a journal of the breaks you take."))
    parser.add_argument("--version", action="version", version=f"glutewake {__version__}",
                        help=_("show program's version number and exit"))
    # TRANSLATORS: the placeholder for a command name in help and usage lines
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=Parser)
    # TRANSLATORS: the placeholder for a date in help and usage lines
    day = _("DATE")

    run = commands.add_parser("run", help=_("start glutewake (tray when there is a desktop)"))
    run.add_argument("--console", action="store_true",
                     help=_("print reminders in this terminal instead of showing notifications "
                            "(idle time, locks and calls are still read from the desktop)"))
    run.add_argument("--no-tray", action="store_true",
                     help=_("desktop notifications, no tray icon"))

    status = commands.add_parser("status",
                                 help=_("how long you have been sitting, and what is next"))
    status.add_argument("--json", action="store_true",
                        help=_("one JSON object, also when glutewake is not running; `man "
                               "glutewake` lists its fields"))
    status.add_argument("--follow", action="store_true",
                        help=_("a new line whenever it changes, at most one a second (for bars)"))
    done = commands.add_parser("done", help=_("log that you took your break (also fine before "
                                              "it is due)"))
    feel = done.add_mutually_exclusive_group()
    feel.add_argument("--easy", dest="feeling", action="store_const", const="easy",
                      help=_("it was too easy: a bigger dose of this exercise next time"))
    feel.add_argument("--hard", dest="feeling", action="store_const", const="hard",
                      help=_("it was too hard: a smaller dose of this exercise next time"))
    feel.add_argument("--pain", dest="feeling", action="store_const", const="pain",
                      help=_("it hurt: this exercise rests for a week and comes back easier"))
    rate = commands.add_parser(
        "rate", help=_("say the exercise just done was too easy, too hard, or that it hurt"))
    rate.add_argument("feeling", choices=["easy", "hard", "pain"],
                      help=_("easy: a bigger dose next time; hard: a smaller one; pain: it rests "
                             "for a week and comes back easier"))
    snooze = commands.add_parser("snooze",
                                 help=_("put the reminder off (default: [breaks] snooze)"))
    snooze.add_argument("duration", nargs="*", help=_('sitting time to wait, like "10m" or '
                                                      '"10 min"'))
    commands.add_parser("skip", help=_("skip the break that is due, without doing it"))
    pause = commands.add_parser("pause", help=_("no reminders for a while"),
                                description=_('Examples: "pause 30m", "pause until 14:30", '
                                              '"pause tomorrow"; no argument pauses until '
                                              'resume.'))
    # TRANSLATORS: "until" and "tomorrow" are typed as they are, in English
    pause.add_argument("until", nargs="*", help=_("30m | until HH:MM | tomorrow"))
    commands.add_parser("resume", help=_("end a pause"))
    commands.add_parser("quit", help=_("stop the running glutewake"))

    journal = commands.add_parser("log", help=_("print the break journal"))
    journal.add_argument("--since", metavar=day, help=_("YYYY-MM-DD, today or yesterday"))
    journal.add_argument("--csv", action="store_true",
                         help=_("comma-separated, for spreadsheets"))
    sync_cli.add_device_option(journal)

    stats = commands.add_parser(
        "stats", help=_("how your breaks went: per day, streak, favourite exercises"),
        description=_("Without options: the last 7 days, today included."))
    add_span_options(stats)
    stats.add_argument("--json", action="store_true",
                       help=_("machine-readable; `man glutewake` lists its fields"))
    # TRANSLATORS: the placeholder for a picture's file name
    stats.add_argument("--chart", metavar=_("FILE.png"), type=Path,
                       help=_("also draw breaks done vs reminders per day as an 800x400 PNG"))
    sync_cli.add_device_option(stats)

    export = commands.add_parser("export", help=_("the whole journal as CSV or JSON on stdout"))
    export.add_argument("--format", choices=["csv", "json"], default="csv",
                        help=_("csv (the default) or json"))
    export.add_argument("--since", metavar=day, help=_("YYYY-MM-DD, today or yesterday"))
    sync_cli.add_device_option(export)

    login = commands.add_parser("autostart", help=_("start glutewake at login, or not"))
    login.add_argument("action", choices=["enable", "disable", "status"],
                       help=_("enable, disable, or show whether it is on"))

    guided = commands.add_parser(
        "guide", help=_("a guided break in this terminal: sets, sides, holds and a countdown"),
        description=_("Runs the break step by step and logs it with the running glutewake: a "
                      "guided done at the end, a partial break if you stop it with Ctrl-C."))
    guided.add_argument("id", nargs="?",
                        help=_("the exercise (default: the one suggested now)"))

    catalog = commands.add_parser("exercises",
                                  help=_("list the exercises and why some are left out"))
    catalog.add_argument("action", nargs="?", choices=["list", "show"], default="list",
                         help=_("list them all (the default), or show one"))
    catalog.add_argument("id", nargs="?", help=_("the exercise to show in full"))
    catalog.add_argument("--open", action="store_true",
                         help=_("with show: open its pictures in the desktop's image viewer"))

    settings = commands.add_parser("config", help=_("see, check and change settings"))
    # TRANSLATORS: the placeholder for what to do with the settings (path, show, check, ...)
    settings_actions = settings.add_subparsers(dest="action", metavar=_("ACTION"), required=True,
                                               parser_class=Parser)
    settings_actions.add_parser("path", help=_("print where your settings file is"))
    show = settings_actions.add_parser("show", help=_("print the settings in force"))
    show.add_argument("--defaults", action="store_true",
                      help=_("print every key with its default and explanation"))
    check = settings_actions.add_parser("check",
                                        help=_("validate a settings file (exit 2 if bad)"))
    check.add_argument("file", nargs="?", type=Path, help=_("default: your settings file"))
    change = settings_actions.add_parser("set", help=_("change one key, e.g. breaks.every 45m"))
    change.add_argument("key", help=_("section.key, like breaks.every"))
    change.add_argument("value", help=_("the new value, like 45m, true or '[\"wall\"]'"))
    settings_actions.add_parser("edit",
                                help=_("open your settings in $VISUAL or $EDITOR, then check"))
    sync_cli.add_parser(commands)
    from . import install, report_cli

    install.add_parser(commands)
    report_cli.add_parser(commands)
    return parser


def language_setting() -> str:
    """[ui] language from the user's settings file, read before anything is shown and without
    loading the settings (that would cost `glutewake status` tens of milliseconds): "auto" when
    the file or the key is missing or wrong; loading the settings reports a mistake later."""
    try:
        fd = os.open(paths.config_file(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return "auto"
    try:
        import stat

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
    import tomllib

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
    try:
        return COMMANDS.get(args.command, to_daemon)(args)
    except UserError as err:
        print(f"glutewake: {i18n.problem(err)}", file=sys.stderr)
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
                 "journal_problem", "log", "devices", "sync_problems", "remote_break",
                 "remote_input")


def show_status(args) -> int:
    """`glutewake status [--json] [--follow]`, rendered here, in this command's language, from
    the daemon's typed status view."""
    import json
    import time

    from ..words import phrases
    from .control import NoAnswer, NotRunning, request

    last = None
    while True:
        try:
            view = read_view(request({"cmd": "status"}))
            shown = phrases.status_json(view)
        except (NotRunning, NoAnswer) as err:
            shown = dict.fromkeys(STATUS_FIELDS) | {
                "running": False, "line": _("glutewake is not running"), "text": "",
                "tooltip": "", "class": "stopped", "state": "Idle",
                "problem": str(err) if isinstance(err, NoAnswer) else ""}
            shown["text"] = shown["line"]
            view = None
        if not args.json and not args.follow:
            if view is None:
                print(shown["problem"] or not_running(), file=sys.stderr)
                return EXIT_REFUSED
            print("\n".join(phrases.status_text(view)))
            return 0
        if args.json:
            line = json.dumps(shown, sort_keys=True, ensure_ascii=False)
        else:
            line = shown["line"]
        if not args.follow:
            print(line)
            return 0 if view is not None else EXIT_REFUSED
        # a new line only when what it prints changes: the seconds ticking on alone are none
        # (nor is the due moment, which is "now" for as long as a break is due)
        changed = {k: v for k, v in shown.items() if k not in ("sitting", "due_in", "next_due")}
        if changed != last:
            print(line, flush=True)
            last = changed
        time.sleep(1)


def read_view(reply: dict):
    """The status view in a reply; a one-line error when it cannot be read (another version)."""
    from ..core.view import View

    try:
        view = View.from_wire(reply["status"])
    except (KeyError, TypeError, ValueError) as err:
        raise UserError(_("the running glutewake"), _(
            "sent a reply this glutewake cannot read ({error}); are both the same version? Stop "
            "it (`glutewake quit`) and start it again", error=f"status {type(err).__name__}")) \
            from None
    if view.settings_error is not None:  # worded here too: read the file as the daemon did
        from dataclasses import replace

        from ..core.view import Problem
        from . import settings_file

        try:
            settings_file.load(paths.config_file())
        except UserError as err:
            view = replace(view, settings_error=Problem(*i18n.where_and_what(err)))
    return view


def to_daemon(args) -> int:
    import time

    from ..core import commands
    from .control import NoAnswer, NotRunning, request

    words = {"snooze": " ".join(args.duration) if args.command == "snooze" else None,
             "pause": " ".join(args.until) if args.command == "pause" else None,
             "rate": getattr(args, "feeling", None), "done": getattr(args, "feeling", None)}
    command = commands.parse(args.command, words.get(args.command) or "")
    try:
        reply = request(commands.to_wire(command))
    except NotRunning:
        print(not_running(), file=sys.stderr)
        return EXIT_REFUSED
    except NoAnswer as err:
        print(f"glutewake: {err}", file=sys.stderr)
        return EXIT_REFUSED
    text = reply["text"]
    if "answer" in reply:  # worded here, in this command's language
        from ..words import phrases
        from ..core.view import answer_from_wire

        try:
            text = phrases.answer(answer_from_wire(reply["answer"]), time.time())
        except (KeyError, TypeError, ValueError):
            pass  # another version's answer: its own words will do
    print(text, file=sys.stdout if reply["ok"] else sys.stderr)
    if reply["ok"]:
        return 0
    return EXIT_USAGE if reply.get("usage") else EXIT_REFUSED


def not_running() -> str:
    return _("glutewake is not running; start it with `glutewake run`")


# --- the journal --------------------------------------------------------------------------------


def show_log(args) -> int:
    from ..words.phrases import detail, kind_name, not_written_yet
    from ..words.times import humanize
    from ..store.export import write_csv

    since = parse_day(args.since, "log --since") if args.since else None
    with open_journal(args.device) as journal:
        if journal is None:
            return 0
        if args.csv:
            write_csv(journal, sys.stdout, since)
            return 0
        rows = []
        names = journal.device_names()
        for event in journal.events(since):
            r = event.record
            sat = _("sat {duration}", duration=humanize(r.sitting)) if r.sitting else ""
            # the computer it happened on, when it was another one
            where = f"[{names.get(event.device, event.device[:8])}]" if event.device else ""
            words = ", ".join(filter(None, (detail(r), event.waiting and not_written_yet())))
            rows.append((f"{event.local_time:%Y-%m-%d %H:%M}", kind_name(r.kind),
                         r.exercise or "", sat, f"{words} {where}".strip()))
    # columns as wide as their widest cell, in any language and for any exercise id
    widths = [max((shown_width(row[n]) for row in rows), default=0) for n in range(4)]
    for row in rows:
        print(columns(row, widths).strip())
    return 0


def export(args) -> int:
    import json

    from ..store import export as export_rows

    since = parse_day(args.since, "export --since") if args.since else None
    with open_journal(args.device) as journal:
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

    from ..words.times import humanize, weekday_date
    from ..store import stats
    from . import settings_file
    from ..words import moves
    from .report_cli import print_pattern

    today = date.today()
    first, last = days_asked(args, "stats")
    settings = settings_file.load(paths.config_file())
    with open_journal(args.device) as journal:
        if journal is None:
            return 0
        result = stats.report(journal.read, first, last, settings.goals.daily_breaks, today)
    if args.chart:
        from ..store.chart import draw_chart

        try:
            draw_chart(result).save(args.chart)
        except (OSError, ValueError) as err:
            raise UserError(f"stats --chart {args.chart}", _(
                "cannot write the picture ({error}); give a writable path ending in .png",
                error=err)) from None
    if args.json:
        print(json.dumps(result.as_json(), indent=1))  # one write: json.dump makes thousands
        return 0
    names = {e.id: moves.shown_name(e) for e in settings.catalog}
    span = {"first": weekday_date(first), "last": weekday_date(last, year=True)}
    if result.goal:
        print(ngettext("Breaks from {first} to {last} (goal: {goal} a day)",
                       "Breaks from {first} to {last} (goal: {goal} a day)", result.goal,
                       goal=result.goal, **span) + "\n")
    else:
        print(_("Breaks from {first} to {last}", **span) + "\n")
    # TRANSLATORS: the column headings of `glutewake stats`: keep them short
    table = [(_("day"), _("reminders"), _("done"), _("snoozed"), _("skipped"), _("natural"),
              _("answered"), _("longest"), _("sitting"), _("away"))]
    for day in result.days + [result.total]:
        if day is result.total:
            label = _("total")
        else:
            label = weekday_date(date.fromisoformat(day.date))
            label += " *" if day.date == today.isoformat() else ""
        share = "—" if day.answered_share is None else f"{day.answered_share:.0%}"
        longest = humanize(day.longest_stretch_seconds) if day.longest_stretch_seconds else "—"
        sat = humanize(day.sitting_seconds) if day.sitting_seconds else "—"
        away = humanize(day.away_seconds) if day.away_seconds else "—"
        table.append((label, day.reminders, day.done, day.snoozed, day.skipped, day.natural_breaks,
                      share, longest, sat, away))
    print_table(table)
    print()
    if result.goal:
        print(ngettext("Streak: {days} day in a row with at least {goal} breaks done",
                       "Streak: {days} days in a row with at least {goal} breaks done",
                       result.streak, days=result.streak, goal=result.goal))
    if result.most_done:
        most, least = result.most_done, result.least_done
        print(_("Done most: {most} ({most_count}) · least: {least} ({least_count})",
                most=names.get(most[0], most[0]), most_count=most[1],
                least=names.get(least[0], least[0]), least_count=least[1]))
    print(_("* today. Natural: breaks you took by being away. Answered: reminded breaks you then "
            "did or skipped. Away: time away from the desk in natural breaks."))
    print_pattern(result.pattern, today)
    if args.chart:
        print(_("Chart written to {file}", file=args.chart))
    return 0


# --- exercises ----------------------------------------------------------------------------------

def show_exercises(args) -> int:
    import time

    from ..core import exercises
    from ..store import stats
    from ..words import moves, phrases
    from . import settings_file

    settings = settings_file.load(paths.config_file())
    settings, level_line = level_in_force(settings)
    now = time.time()
    hurt = from_journal(lambda read: stats.hurt(read, now), {})

    def why_not(exercise) -> str | None:
        """Why a move is left out: the settings, or a week's rest after it hurt."""
        if exercise.id in hurt:
            return phrases.resting(hurt[exercise.id], now)
        return moves.why_left_out(exercise, settings.prefs)

    if args.action == "show":
        if not args.id:
            raise UserError("exercises show", _("name an exercise id; `glutewake exercises` lists "
                                                "them"))
        found = {e.id: e for e in settings.catalog}
        if args.id not in found:
            raise no_such_exercise(f"exercises show {args.id}", args.id, found)
        exercise = found[args.id]
        print(phrases.lesson(exercise))
        print(_("Your dose: {dose}", dose=phrases.dose(journal_doses().of(exercise.id))))
        from .. import pictures

        frames = pictures.frames(exercise.id)
        print(_("Pictures: {files}", files=", ".join(str(frame) for frame in frames)))
        opened = ""
        if args.open:
            from .opener import open_file

            problem = next((p for p in (open_file(f, on_screen=True) for f in frames) if p), "")
            if problem or not frames:
                opened = _("Cannot show the pictures ({problem}); they are in {folder}",
                           problem=problem or _("there are none"),
                           folder=frames[0].parent if frames else paths.APP)
        print(_("Posture: {posture} · equipment: {equipment} · level {level}",
                posture=exercises.posture_name(exercise.posture),
                equipment=exercises.equipment_name(exercise.equipment), level=exercise.level))
        reason = why_not(exercise)
        print(_("Offered in reminders.") if reason is None else
              _("Not offered: {reason}.", reason=reason))
        if opened:
            print(opened, file=sys.stderr)
            return EXIT_REFUSED
        return 0
    offered = [e for e in settings.catalog if why_not(e) is None]
    rows = [(e.id, moves.shown_name(e), moves.prescription(e)) for e in offered]
    left_out = [(e.id, moves.shown_name(e), why_not(e)) for e in settings.catalog
                if e not in offered]
    widths = [max(map(shown_width, column)) for column in zip(*rows, *left_out)]
    print(level_line)
    print(_("Offered in reminders ({count}):", count=len(offered)))
    for row in rows:
        print(columns(row, widths))
    if left_out:
        print(_("Not offered ({count}):", count=len(left_out)))
        for row in left_out:
            print(columns(row, widths))
    print(_("`glutewake exercises show ID` prints one in full."))
    print(f"\n{phrases.health_notice_title()}\n{phrases.health_notice()}")
    return 0


def shown_width(text: str) -> int:
    """How many terminal columns `text` takes: wide (East Asian) characters two, combining marks
    and invisible format characters none, the rest one."""
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def columns(cells, widths) -> str:
    """One indented table row: each cell but the last padded to its column's width, two spaces
    between columns."""
    padded = [cell + " " * (width - shown_width(cell)) for cell, width in zip(cells[:-1], widths)]
    return "  " + "  ".join([*padded, cells[-1]])


def no_such_exercise(where: str, ident: str, found) -> UserError:
    hint = closest(ident, found)
    return UserError(where, _('no such exercise; did you mean "{hint}"?', hint=hint) if hint else
                     _("no such exercise; `glutewake exercises` lists them"))


def from_journal(ask, empty):
    """What `ask(read)` finds in the journal; `empty` when nothing is logged yet."""
    path = paths.journal_file()
    if not path.exists():
        return empty
    with reading(path) as journal:
        return ask(journal.read)


def journal_doses():
    """Each exercise's dose as the journal has it now (none logged yet: all at the start)."""
    import time

    from ..core.dose import Doses
    from ..store import stats

    return from_journal(lambda read: stats.doses(read, time.time()), Doses())


def level_in_force(settings):
    """The settings at the level the journal has earned, and a line saying where you stand."""
    import time

    from ..core.inputs import Past
    from ..core.coach import level_in_force as in_force
    from ..store import stats

    if not settings.exercises.auto_level:
        return settings, _('Level {level}, as set by [exercises] level ("auto" would unlock level '
                           '2 as you go).', level=settings.prefs.level)
    level_one = [e.id for e in settings.catalog if e.level == 1]
    done, days, _last = from_journal(
        lambda read: stats.progress(read, level_one, time.time()), (0, 0, None))
    settings = in_force(settings, Past(level_one_done=done, level_one_days=days))
    if settings.prefs.level == 2:
        return settings, ngettext(
            "Level 2: unlocked by {done} level-1 breaks over {days} day; the integration "
            "exercises are in the rotation.",
            "Level 2: unlocked by {done} level-1 breaks over {days} days; the integration "
            "exercises are in the rotation.", days, done=done, days=days)
    so_far = ngettext("{done} break", "{done} breaks", done, done=done)
    so_far = ngettext("{breaks} over {days} day", "{breaks} over {days} days", days,
                      breaks=so_far, days=days)
    return settings, _("Level 1 (activation). Level 2 unlocks after {breaks} level-1 breaks over "
                       "at least {days} days, guided or answering a reminder, with no month "
                       "between them without one; so far {so_far}.",
                       breaks=settings.exercises.unlock_breaks, days=settings.exercises.unlock_days,
                       so_far=so_far)


# --- autostart ----------------------------------------------------------------------------------

def autostart(args) -> int:
    from ..desktop.autostart import for_this_system
    from .install import entry_icon

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


# --- settings -----------------------------------------------------------------------------------

def configure(args) -> int:
    from . import settings_file
    from .settings_doc import defaults_file

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
        import subprocess

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
    import json

    from ..core import config

    section, key = config.parse_key(dotted)
    if isinstance(config.keys(section)[key].default, list) and not text.lstrip().startswith("["):
        example = json.dumps([word for word in text.replace(",", " ").split()] or ["..."])
        raise UserError(f"config set {dotted}", _(
            "takes a list; type it with its brackets and quotes: glutewake config set {key} "
            "'{example}'", key=dotted, example=example))


def tell_daemon(done: str) -> str:
    """Have a running daemon apply changed settings now rather than at its next look; `done`
    says what was saved, and the answer adds whether glutewake uses it already."""
    from .control import NoAnswer, NotRunning, request

    try:
        request({"cmd": "reload"})
    except (NotRunning, NoAnswer, UserError, OSError):
        return _("{done} (glutewake is not running; it will use this when it starts)", done=done)
    return _("{done}; the running glutewake now uses it", done=done)


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
    raise UserError("config edit", _("no editor found; set $EDITOR, e.g. `export EDITOR=nano`"))


def render_settings(path: Path) -> str:
    """The settings in force as TOML, marking the ones that come from the user's file."""
    from ..core import config
    from . import settings_file

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


# --- the guided break in a terminal ------------------------------------------------------------

def guide(args) -> int:
    import time

    from ..core import commands
    from ..words import phrases
    from ..core import guide as plan
    from ..core.effects import Guiding, Remind
    from . import settings_file
    from .control import NoAnswer, NotRunning, request

    settings = level_in_force(settings_file.load(paths.config_file()))[0]
    found = {e.id: e for e in settings.catalog}
    ident = args.id
    if ident is None:
        try:
            ident = read_view(request({"cmd": "status"})).status.exercise.id
        except (NotRunning, NoAnswer, KeyError):
            raise UserError("guide", _("name an exercise, like `glutewake guide wall-lean` "
                                       "(`glutewake exercises` lists them)")) from None
    if ident not in found:
        raise no_such_exercise(f"guide {ident}", ident, found)
    exercise = found[ident]
    dose = journal_doses().of(exercise.id).step
    steps = plan.plan(exercise, dose)
    try:  # the daemon is guiding meanwhile: it holds its reminders and logs the end once
        request(commands.to_wire(commands.Start(exercise.id, elsewhere=True)))
    except (NotRunning, NoAnswer):
        pass  # said at the end, when the break cannot be logged
    print(phrases.reminder_lesson(Remind(exercise, 0.0, 1, True, dose)))
    print(_("Ctrl-C stops; what you did is logged as a partial break.") + "\n", flush=True)
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
        print(_("glutewake is not running, so this break is not logged; start it with "
                "`glutewake run`"), file=sys.stderr)
        return EXIT_REFUSED
    print(reply["text"])
    return 0 if complete else 130


def report(args) -> int:
    from . import report_cli

    return report_cli.main(args)


def install_desktop(args) -> int:
    from . import install

    return install.main(args)


COMMANDS = {"run": run, "status": show_status, "log": show_log, "guide": guide, "stats": show_stats, "export": export,
            "autostart": autostart, "exercises": show_exercises, "config": configure,
            "install-desktop": install_desktop, "report": report, "sync": sync_cli.main}
