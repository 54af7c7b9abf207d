"""`glutewake report` (the history page) and the sitting pattern in `glutewake stats`."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..core.errors import UserError
from ..i18n import _, problem
from . import paths
from .opener import open_file


def add_parser(commands) -> None:
    from .journal_views import add_span_options

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
    from .sync_cli import add_device_option

    add_device_option(page)


def main(args) -> int:
    from .journal_views import days_asked

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
    from ..store.history_page import gather, render
    from . import settings_file
    from .journal_views import open_journal
    from ..words import moves
    from .sync_cli import device_filter

    settings = settings_file.load(paths.config_file())
    names = {e.id: moves.shown_name(e) for e in settings.catalog}
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
    from datetime import timedelta

    try:
        written = write_report(paths.report_file(), today - timedelta(days=6), today)
    except Exception as err:  # a UserError, or anything: a tray click never stops the daemon
        return problem(err)
    return "" if written is None else open_page(written)


def open_page(path: Path) -> str:
    """Open `path` the way the desktop opens a page; "" when it was handed over, else a line
    saying where the file is."""
    problem = open_file(path)
    if problem:
        return _("Could not open it ({error}); open {file} in a browser.", error=problem,
                 file=path)
    return ""


# --- the sitting pattern in `glutewake stats` ---------------------------------------------------

def print_pattern(pattern, today: date) -> None:
    """The bouts of sitting per day, and the last seven days against the seven before."""
    from ..words import phrases
    from ..words.times import humanize, weekday_date
    from .journal_views import print_table

    def length(seconds):
        return humanize(seconds) if seconds else "—"

    print()
    print(_("Sitting pattern (a bout is the sitting between two breaks)") + "\n")
    # TRANSLATORS: the column headings of the sitting pattern in `glutewake stats`: keep them
    # short. "≥ 30 min": sitting in bouts of 30 minutes or more
    table = [(_("day"), _("bouts"), _("mean"), _("longest"), _("≥ 30 min"), _("≥ 60 min"),
              _("breaks per hour"))]
    total = pattern.total
    for day, m in [*pattern.days.items(), ("total", total)]:
        if m is total:
            label = _("total")
        else:
            label = weekday_date(date.fromisoformat(day))
            label += " *" if day == today.isoformat() else ""
        rate = "—" if m.breaks_per_hour is None else phrases.decimal(m.breaks_per_hour)
        table.append((label, m.bouts, length(m.mean_bout_seconds), length(m.longest_bout_seconds),
                      length(m.bouts_30_min_seconds), length(m.bouts_60_min_seconds), rate))
    print_table(table)
    this, before = pattern.this_week, pattern.week_before
    lines = phrases.trend_lines(this.measures, before.measures)
    if lines:
        print()
        print(_("{first} to {last}, against the seven days before:",
                first=weekday_date(this.first), last=weekday_date(this.last)))
        for line in lines:
            print(f"  {line}")
    for name, m in pattern.devices.items():
        print(_("On {device}: {sitting} sitting, {bouts} bouts, longest {longest}",
                device=name, sitting=length(m.sitting_seconds), bouts=m.bouts,
                longest=length(m.longest_bout_seconds)))
    print(_("≥ 30 min, ≥ 60 min: sitting in bouts that long. Breaks per hour: breaks done or "
            "taken by being away, per hour of sitting (every 20 minutes is 3)."))
