"""The manual page glutewake(1), written from the command line parser so it says what --help says.

    LANGUAGE=C .venv/bin/python -m glutewake.app.manpage > assets/glutewake.1

The output is plain ASCII roff for the man macros, and the same on every machine: no date, no
terminal width. It reads argparse's action lists (`_actions`, `_mutually_exclusive_groups`,
`_choices_actions`), which every Python since 3.2 keeps.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__

SUMMARY = "a desk-break reminder that gets you standing and wakes up your glutes"


def roff(text: str) -> str:
    """Text as roff reads it literally: backslashes, minus signs, non-ASCII characters escaped,
    and no line starting with a control character."""
    out = []
    for char in text.replace("\\", "\\e").replace("-", "\\-"):
        out.append(char if ord(char) < 128 else f"\\[u{ord(char):04X}]")
    lines = "".join(out).split("\n")
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in lines)


def prose(text: str) -> str:
    """Text with `quoted` commands and paths set in bold."""
    parts = text.split("`")
    return "".join(bold(part) if n % 2 else roff(part) for n, part in enumerate(parts))


def bold(text: str) -> str:
    return f"\\fB{roff(text)}\\fR"


def italic(text: str) -> str:
    return f"\\fI{roff(text)}\\fR"


def sentence(text: str) -> str:
    """argparse help in the page's prose: a capital letter to start, a full stop to end."""
    text = " ".join(text.split())
    if not text:
        return text
    if not text.startswith("glutewake"):  # the program's name stays lower case
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _value(action: argparse.Action) -> str:
    if isinstance(action.metavar, tuple):  # one name per value, as --help shows them
        return " ".join(italic(name) for name in action.metavar)
    if action.metavar:
        return italic(action.metavar)
    if action.choices:
        return "|".join(bold(str(choice)) for choice in action.choices)
    return italic(action.dest.upper())


def _part(action: argparse.Action) -> str:
    """One option or argument as a synopsis shows it, without the brackets."""
    if action.option_strings:
        flag = bold(max(action.option_strings, key=len))
        return flag if action.nargs == 0 else f"{flag} {_value(action)}"
    shown = _value(action)
    if action.nargs == "?":
        return f"[{shown}]"
    if action.nargs in ("*", "+"):
        return f"[{shown} ...]" if action.nargs == "*" else f"{shown} [{shown} ...]"
    return shown


def _listed(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions
            if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
            and a.help != argparse.SUPPRESS]


def synopsis(parser: argparse.ArgumentParser) -> str:
    """Options first (mutually exclusive ones as [a | b]), then positional arguments."""
    groups = {id(a): g for g in parser._mutually_exclusive_groups for a in g._group_actions}
    parts, seen = [], set()
    for action in _listed(parser):
        if not action.option_strings:
            continue
        group = groups.get(id(action))
        if group is None:
            parts.append(f"[{_part(action)}]")
        elif id(group) not in seen:
            seen.add(id(group))
            parts.append("[" + " | ".join(_part(a) for a in group._group_actions) + "]")
    parts += [_part(a) for a in _listed(parser) if not a.option_strings]
    return " ".join(parts)


def subcommands(parser: argparse.ArgumentParser):
    """(name, help, parser) for each subcommand, in the order --help lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield choice.dest, choice.help or "", action.choices[choice.dest]


def option_items(parser: argparse.ArgumentParser) -> list[str]:
    items = []
    for action in _listed(parser):
        if not action.help and not (action.option_strings and action.choices):
            continue
        text = action.help or "one of " + ", ".join(map(str, action.choices or ()))
        if action.option_strings:
            label = ", ".join(bold(flag) for flag in action.option_strings)
            label += "" if action.nargs == 0 else f" {_value(action)}"
        else:
            label = _value(action)
        extra = ""
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings:
            extra = f" (default: {action.default})"
        items += [".TP", label, roff(sentence(text) + extra)]
    return items


def command_items(parser: argparse.ArgumentParser, words: list[str]) -> list[str]:
    """A tagged paragraph per command (and per action of commands that have their own), with
    its options indented below it."""
    items = []
    for name, text, sub in subcommands(parser):
        nested = list(subcommands(sub))
        if nested:
            items += command_items(sub, words + [name])
            continue
        shown = " ".join(bold(w) for w in words + [name])
        usage = synopsis(sub)
        items += [".TP", f"{shown} {usage}".rstrip(), roff(sentence(text))]
        if sub.description:
            items += [".IP", roff(sentence(sub.description))]
        options = option_items(sub)
        if options:
            items += [".RS", *options, ".RE"]
    return items


FILES = [
    ("~/.config/glutewake/config.toml",
     "Your settings: only the keys you changed, in TOML. $XDG_CONFIG_HOME moves it; "
     "`glutewake config path` prints where it is, and `glutewake config show --defaults` "
     "prints every key with its default and meaning."),
    ("~/.local/share/glutewake/journal.sqlite3",
     "The break journal (SQLite), read by `glutewake log`, `stats` and `export`. "
     "$XDG_DATA_HOME moves it."),
    ("~/.local/share/glutewake/sync-device.json",
     "This computer's random id in the synced folder (`[sync] folder`; see `glutewake sync`), "
     "with `sync-name` beside it, the name `glutewake sync name` gave it. Copied to another "
     "computer, the id is found out and replaced."),
    ("~/.local/state/glutewake/log/glutewake.log",
     "What the running glutewake did and which desktop parts it found. $XDG_STATE_HOME "
     "moves it, breaks not yet written to the journal wait in `spill/` beside `log/`, and "
     "`health-notice` there remembers that the health notice was told."),
    ("$XDG_RUNTIME_DIR/glutewake/",
     "The control socket, its key and the lock that keeps one glutewake per user, in a folder "
     "only you can enter."),
    ("~/.config/autostart/glutewake.desktop",
     "Written by `glutewake autostart enable`, so the desktop starts glutewake at login."),
    ("~/.local/share/applications/glutewake.desktop",
     "The menu entry written by `glutewake install-desktop`, with the icons under "
     "`~/.local/share/icons/hicolor/` and this page under `~/.local/share/man/man1/`."),
]

ENVIRONMENT = [
    ("LANGUAGE, LC_ALL, LC_MESSAGES, LANG",
     "The language of glutewake's messages, where a translation is installed; English "
     "otherwise."),
    ("DISPLAY, WAYLAND_DISPLAY",
     "Without either, `glutewake run` prints reminders in its terminal instead of showing "
     "notifications and a tray icon."),
    ("XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME, XDG_RUNTIME_DIR",
     "Where the files above live."),
    ("GLUTEWAKE_TRAY",
     "Set to `pystray` to skip glutewake's own StatusNotifierItem and use pystray's tray icon."),
    ("VISUAL, EDITOR",
     "The editor `glutewake config edit` opens."),
]


# The fields scripts may rely on; English, as they are in the JSON.
STATUS_FIELDS = [
    ("running, pid", "whether glutewake runs, and its process id; when it does not, every "
     "other field is null and the exit status is 1"),
    ("line, text", "the status line (`text` is the same, for status bars)"),
    ("phase, class", "sitting, due, held, snoozed, paused, away or guiding"),
    ("sitting, due_in", "seconds sat in this stretch, and of sitting left until the break"),
    ("next_due, paused_until", "local ISO 8601 times, or null"),
    ("hold", "null, or what keeps a due reminder back: reason (do_not_disturb, fullscreen, "
     "presentation, app, microphone, camera, meeting, off_hours, lunch), source, text, since, "
     "until"),
    ("exercise, exercise_id, tooltip", "the next exercise, in words and as its id"),
    ("done_today, goal", "breaks done today, and the daily goal"),
    ("idle_source, idle_state, inhibitor", "where idle time comes from, whether it answers, and "
     "who keeps the desktop from idling"),
    ("notifier, notifier_state, tray, detector_problems", "the parts in use, and what cannot "
     "read now"),
    ("settings_error", "\"\" or the one-line error of a settings file not applied"),
    ("config, journal, log, journal_waiting, journal_problem", "where the files are, and breaks "
     "kept safe but not in the journal yet, and why"),
    ("devices, sync_problems", "with [sync] folder: the other computers (id, name, seen: the "
     "local ISO 8601 time each last wrote to the folder, or null), and a line for each thing "
     "sync cannot do now"),
    ("remote_break, remote_input", "local ISO 8601 times, or null: the latest break and the "
     "latest input on any other computer"),
    ("state", "Warning while a break is due, else Idle (for i3status-rust)"),
]
STATS_FIELDS = [
    ("from, to, goal, streak_days", "the days shown, the daily goal and the streak"),
    ("most_done, least_done", "{exercise, count} or null; least among the exercises offered"),
    ("done_per_exercise", "exercise id to breaks done"),
    ("days", "one object a day: date, reminders, done, answered, snoozed, skipped, "
     "natural_breaks, answered_share (0 to 1, or null), longest_stretch_seconds, "
     "sitting_seconds, away_seconds, goal_met"),
    ("totals", "the same keys for the whole span, without date and goal_met"),
    ("pattern", "the sitting bouts: per day, for the week and the week before, and per "
     "computer"),
]


def field_items(title: str, fields: list[tuple[str, str]]) -> list[str]:
    items = [".SS", roff(title)]
    for names, text in fields:
        items += [".TP", ", ".join(bold(n) for n in names.split(", ")), prose(text)]
    return items


def render(parser: argparse.ArgumentParser | None = None) -> str:
    from ..words import phrases
    from . import cli

    if parser is None:
        parser = cli.build_parser()
    lines = [
        f'.TH GLUTEWAKE 1 "" "glutewake {roff(__version__)}" "User Commands"',
        ".nh",  # no hyphens breaking paths and options
        ".ad l",
        ".SH NAME",
        f"glutewake \\- {roff(SUMMARY)}",
        ".SH SYNOPSIS",
        f"{bold('glutewake')} [{bold('--version')}] [{bold('--help')}]",
        ".br",
        f"{bold('glutewake')} {italic('COMMAND')} [{italic('OPTIONS')}]",
        ".SH DESCRIPTION",
        roff(sentence(parser.description or "")),
        ".PP",
        prose("Without a command it prints the list of commands. Every command takes `-h` or "
              "`--help` for its own options."),
        f".SH {roff(phrases.health_notice_title().upper())}",
        "\n.PP\n".join(roff(line) for line in phrases.health_notice().splitlines()),
        ".SH COMMANDS",
        *command_items(parser, ["glutewake"]),
        ".SH JSON FIELDS",
        *field_items("glutewake status --json", STATUS_FIELDS),
        *field_items("glutewake stats --json", STATS_FIELDS),
        ".SH FILES",
        prose("The places below are the Linux defaults; on macOS and Windows the usual folders "
             "for each kind of file are used. `glutewake status` prints the paths in use."),
    ]
    for path, text in FILES:
        lines += [".TP", bold(path), prose(text)]
    lines.append(".SH ENVIRONMENT")
    for names, text in ENVIRONMENT:
        lines += [".TP", ", ".join(bold(n) for n in names.split(", ")), prose(text)]
    lines += [
        ".SH EXIT STATUS",
        ".TP", bold("0"), roff("Success."),
        ".TP", bold(str(cli.EXIT_REFUSED)),
        prose("The running glutewake refused the command (for example `skip` with no break due), "
             "is not running, or did not answer; or the journal could not be read."),
        ".TP", bold(str(cli.EXIT_USAGE)),
        roff("A mistake in the command line or in a settings file; the one-line message names "
             "the place and the fix."),
        ".TP", bold("130"),
        roff("Interrupted with Ctrl-C, including a guided break stopped before its end."),
        ".SH SEE ALSO",
        prose("`glutewake config show --defaults` (every setting explained), `glutewake "
              "exercises` (the exercises and why some are left out), and README.md in the "
              "source distribution."),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    os.environ["LANGUAGE"] = "C"  # English, whatever the caller's locale
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
