"""What the commands that read the journal share: the days they are asked for, the journal
opened for reading, and tables of text (`log`, `stats`, `export`, `report`)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from ..core.errors import UserError
from ..i18n import _
from . import paths

LONGEST_STATS = 36_500  # days: a hundred years


class Unreadable(Exception):
    """Something glutewake keeps (the journal) cannot be read; the message is one line."""


def parse_day(text: str, option: str) -> date:
    words = {"today": date.today(), "yesterday": date.today() - timedelta(days=1)}
    if text in words:
        return words[text]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(option, _('"{text}" is not a date; use YYYY-MM-DD, today or yesterday',
                                  text=text)) from None


@contextmanager
def open_journal(device: str | None = None):
    """The journal for reading, closed afterwards; None (said) when nothing is logged yet.
    `device` (`--device`): only that computer's events."""
    from .sync_cli import device_filter

    path = paths.journal_file()
    if not path.exists():
        print(_("The journal is empty: nothing logged yet at {path}. Start with `glutewake run`.",
                path=path))
        yield None
        return
    with reading(path) as journal:
        device_filter(journal, device)
        yield journal


@contextmanager
def reading(path: Path):
    """The journal at `path` as commands read it: read-only, never converted or repaired, with
    the breaks still waiting in spill files; Unreadable (one line) when it cannot be read."""
    from ..store.journal import Journal, JournalDamaged
    from ..store.spill import Spill

    try:
        journal = Journal.reader(path, Spill(paths.spill_dirs()))
        try:
            yield journal
        finally:
            journal.close()
    except JournalDamaged as err:
        raise Unreadable(str(err)) from None


def days_asked(args, command: str) -> tuple[date, date]:
    """The days `--days N` or `--from/--to` name (default: the last 7 days), checked."""
    today = date.today()
    last = parse_day(args.last, f"{command} --to") if args.last else today
    if args.first:
        first = parse_day(args.first, f"{command} --from")
    else:
        days = 7 if args.days is None else args.days
        if not 1 <= days <= LONGEST_STATS:
            raise UserError(f"{command} --days", _("{days} is not a number of days from 1 to "
                                                   "{most} (100 years)", days=str(days)[:20],
                                                   most=LONGEST_STATS))
        try:
            first = last - timedelta(days=days - 1)
        except OverflowError:
            raise UserError(f"{command} --days", _("{days} days before {last} is before year 1",
                                                   days=days, last=last)) from None
    if first > last:
        raise UserError(f"{command} --from", _("{first} is after --to {last}; swap them",
                                               first=first, last=last))
    if (last - first).days >= LONGEST_STATS:
        raise UserError(f"{command} --from", _("{first} to {last} is more than 100 years; pick "
                                               "a shorter span", first=first, last=last))
    return first, last


def add_span_options(parser) -> None:
    """--days, --from and --to, as `stats` and `report` take them."""
    day = _("DATE")
    parser.add_argument("--days", type=int, metavar="N",
                        help=_("the last N days, today included"))
    parser.add_argument("--from", dest="first", metavar=day, help=_("first day, YYYY-MM-DD"))
    parser.add_argument("--to", dest="last", metavar=day, help=_("last day (default: today)"))


def print_table(table) -> None:
    """Rows of cells in columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(str(row[n])) for row in table) for n in range(len(table[0]))]
    for row in table:
        cells = [f"{row[0]:<{widths[0]}}"] + [f"{row[n]!s:>{widths[n]}}"
                                              for n in range(1, len(row))]
        print("  ".join(cells))
