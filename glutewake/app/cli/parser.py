"""The command line declared in one place: every command with its options, the exit codes, and
the function that runs each command. Nothing here loads a command's code: `main` imports the
module named in HANDLERS once the command is known, so `glutewake status` stays fast."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ... import __version__, i18n
from ...core.errors import closest
from ...i18n import N_, _

EXIT_REFUSED = 1  # the daemon said no, or is not running
EXIT_USAGE = 2  # the user's input is wrong

# Which function runs each command: (module, relative to this package; its function).
HANDLERS = {
    "run": (".running", "run"),
    "status": (".running", "show_status"),
    **{answer: (".running", "to_daemon")
       for answer in ("done", "rate", "snooze", "skip", "pause", "resume", "quit")},
    "log": (".journal", "show_log"),
    "stats": (".stats", "main"),
    "export": (".journal", "export"),
    "report": (".report", "main"),
    "autostart": (".autostart", "main"),
    "guide": (".exercises", "guide"),
    "exercises": (".exercises", "show_exercises"),
    "config": (".config", "main"),
    "sync": (".sync", "main"),
    "install-desktop": ("..install", "main"),
}

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
    add_device_option(journal)

    stats = commands.add_parser(
        "stats", help=_("how your breaks went: per day, streak, favourite exercises"),
        description=_("Without options: the last 7 days, today included."))
    add_span_options(stats)
    stats.add_argument("--json", action="store_true",
                       help=_("machine-readable; `man glutewake` lists its fields"))
    # TRANSLATORS: the placeholder for a picture's file name
    stats.add_argument("--chart", metavar=_("FILE.png"), type=Path,
                       help=_("also draw breaks done vs reminders per day as an 800x400 PNG"))
    add_device_option(stats)

    export = commands.add_parser("export", help=_("the whole journal as CSV or JSON on stdout"))
    export.add_argument("--format", choices=["csv", "json"], default="csv",
                        help=_("csv (the default) or json"))
    export.add_argument("--since", metavar=day, help=_("YYYY-MM-DD, today or yesterday"))
    add_device_option(export)

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

    sync = commands.add_parser(
        "sync", help=_("your other computers in the synced folder ([sync] folder)"),
        description=_("Without an action: this computer and the others, and how fresh each "
                      "one's breaks are."))
    # TRANSLATORS: the placeholder for what to do (forget, name)
    sync_actions = sync.add_subparsers(dest="action", metavar=_("ACTION"))
    forget = sync_actions.add_parser("forget", help=_("remove a computer you no longer use from "
                                                      "the synced folder (its breaks stay in "
                                                      "your journal)"))
    forget.add_argument("id", help=_("its id (the first characters are enough) or its name"))
    name = sync_actions.add_parser("name",
                                   help=_("the name the other computers show for this one"))
    name.add_argument("name", help=_("like laptop or office"))

    install = commands.add_parser(
        "install-desktop", help=_("add glutewake to the desktop's menus, icons and manual pages"),
        description=_("Linux: copies the menu entry (starting this glutewake), the icons and the "
                      "manual page under $XDG_DATA_HOME (default ~/.local/share). Elsewhere it "
                      "says what to do instead."))
    install.add_argument("--remove", action="store_true", help=_("take those files away again"))

    page = commands.add_parser(
        "report", help=_("your sitting and breaks as a page in the browser"),
        description=_("Writes one self-contained HTML page (nothing on it is fetched from the "
                      "network), prints where, and opens it in the browser. Without options: "
                      "the last 7 days, today included."))
    add_span_options(page)
    # TRANSLATORS: the placeholder for a file name
    page.add_argument("--output", metavar=_("FILE"), type=Path,
                      help=_("write the page here (default: report.html in glutewake's cache "
                             "folder)"))
    page.add_argument("--no-open", action="store_true",
                      help=_("only write the page, do not open it"))
    add_device_option(page)
    return parser


def add_span_options(parser) -> None:
    """--days, --from and --to, as `stats` and `report` take them."""
    day = _("DATE")
    parser.add_argument("--days", type=int, metavar="N",
                        help=_("the last N days, today included"))
    parser.add_argument("--from", dest="first", metavar=day, help=_("first day, YYYY-MM-DD"))
    parser.add_argument("--to", dest="last", metavar=day, help=_("last day (default: today)"))


def add_device_option(parser) -> None:
    """`--device` for the commands that read the journal."""
    # TRANSLATORS: the placeholder for a computer's id or name
    parser.add_argument("--device", metavar=_("ID"),
                        help=_("only one computer's breaks: its id or name, or `this` "
                               "(default: all, see `glutewake sync`)"))
