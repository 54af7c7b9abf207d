"""`glutewake report`: the history page of the days asked for, written and opened in the browser;
the tray's "Show my week" writes it the same way."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from ...core.errors import UserError
from ...i18n import _
from ...store.history_page import gather, render
from .. import paths, settings_file
from ..opener import open_file
from .journal import days_asked, device_filter, open_journal


def main(args) -> int:
    first, last = days_asked(args, "report")
    target = args.output or paths.report_file()
    written = write_report(target, first, last, args.device)
    if written is None:
        return 0
    print(_("History page written to {file}", file=written))
    if not args.no_open:
        problem = open_page(written)
        if problem:
            print(problem)
    return 0


def write_report(target: Path, first: date, last: date, device: str | None = None
                 ) -> Path | None:
    """The history page of first..last at `target`; None (said) when nothing is logged yet.
    The tray's "Show my week" comes this way too."""
    settings = settings_file.load(paths.config_file())
    names = {e.id: e.shown_name for e in settings.catalog}
    with open_journal() as journal:
        if journal is None:
            return None
        # `--device`: an id, a name or `this`, as `glutewake sync` lists them
        key, name = device_filter(journal, device) or (None, None)
        history = gather(journal.read, first, last, settings.goals.daily_breaks, date.today(),
                         names, key)
        if history.device is not None:
            history.device = name
        page = render(history)
    where = f"report --output {target}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(page, "utf-8")
        os.replace(temporary, target)
    except OSError as err:
        raise UserError(where, _("cannot write the page ({error}); give a writable path",
                                 error=err.strerror or err)) from None
    return target.resolve()


def show_week(today: date) -> str:
    """The tray's "Show my week": the page of the seven days to `today`, written where
    `glutewake report` writes it and opened the same way; "" when it was, else what went wrong
    in one line."""
    try:
        written = write_report(paths.report_file(), today - timedelta(days=6), today)
    except Exception as err:  # a UserError, or anything: a tray click never stops the daemon
        return str(err)
    return "" if written is None else open_page(written)


def open_page(path: Path) -> str:
    """Open `path` the way the desktop opens a page; "" when it was handed over, else a line
    saying where the file is."""
    problem = open_file(path)
    if problem:
        return _("Could not open it ({error}); open {file} in a browser.", error=problem,
                 file=path)
    return ""


