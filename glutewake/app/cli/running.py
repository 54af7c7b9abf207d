"""`glutewake run`, `status`, and the answers sent to the running glutewake: done, rate, snooze,
skip, pause, resume, quit. Each is rendered here, in this command's language, from the daemon's
typed replies."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace

from ...core import commands, phrases
from ...core.errors import UserError
from ...core.view import Problem, View, answer_from_wire
from ...i18n import _
from .. import paths
from ..control import NoAnswer, NotRunning, request
from .parser import EXIT_REFUSED, EXIT_USAGE


def run(args) -> int:
    # the scheduler and the desktop parts load here, for `run` alone
    from ..runner import run as run_daemon

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
    try:
        view = View.from_wire(reply["status"])
    except (KeyError, TypeError, ValueError) as err:
        raise UserError(_("the running glutewake"), _(
            "sent a reply this glutewake cannot read ({error}); are both the same version? Stop "
            "it (`glutewake quit`) and start it again", error=f"status {type(err).__name__}")) \
            from None
    if view.settings_error is not None:  # worded here too: read the file as the daemon did
        # loaded only then: without them `status` stays fast (test_status_reads_no_settings)
        from .. import settings_file

        try:
            settings_file.load(paths.config_file())
        except UserError as err:
            view = replace(view, settings_error=Problem(err.where, err.problem))
    return view


def to_daemon(args) -> int:
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
