"""`glutewake log` and `export`, and what the commands that read the journal share: the days they
are asked for, the journal opened for reading and narrowed to one computer (`--device`), and
tables of text."""

from __future__ import annotations

import json
import sys
import unicodedata
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from ...core.errors import UserError, closest
from ...i18n import _
from ...store import export as export_rows
from ...store.journal import Journal, JournalDamaged
from ...store.spill import Spill
from ...store.syncfolder import Identity
from ...words import phrases
from ...words.times import humanize
from .. import paths
from . import Unreadable

LONGEST_STATS = 36_500  # days: a hundred years


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


# --- one computer's breaks (--device) -----------------------------------------------------------

def device_filter(journal, wanted: str | None) -> tuple[str, str] | None:
    """Narrow a journal reader to the computer `--device` names ('this' or this computer's own
    id or name: the events written here): (its key in the journal, '' for this computer, and
    its name); None when `wanted` is None."""
    if wanted is None:
        return None
    path = paths.sync_identity_file()
    mine = Identity.load(path)[0] if path.exists() else None
    if wanted == "this" or (mine is not None and (
            wanted in (mine.id, mine.name) or (len(wanted) >= 4 and mine.id.startswith(wanted)))):
        journal.only_device("")
        return "", mine.name if mine is not None else wanted
    names = journal.device_names()
    key = pick(wanted, names, f"--device {wanted}")
    journal.only_device(key)
    return key, names[key]


def pick(wanted: str, known: dict[str, str], where: str) -> str:
    """The id of the computer `wanted` names: its id, the first four or more characters of it,
    or its name."""
    found = [ident for ident, name in known.items()
             if wanted == name or wanted == ident or (len(wanted) >= 4
                                                      and ident.startswith(wanted))]
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError(where, _("more than one computer matches; give more of its id"))
    names = sorted(set(known.values()) | set(known))
    hint = closest(wanted, names)
    if hint:
        raise UserError(where, _('no such computer; did you mean "{hint}"?', hint=hint))
    raise UserError(where, _("no such computer; `glutewake sync` lists them"))


# --- log and export -----------------------------------------------------------------------------

def show_log(args) -> int:
    since = parse_day(args.since, "log --since") if args.since else None
    with open_journal(args.device) as journal:
        if journal is None:
            return 0
        if args.csv:
            export_rows.write_csv(journal, sys.stdout, since)
            return 0
        rows = []
        names = journal.device_names()
        for event in journal.events(since):
            r = event.record
            sat = _("sat {duration}", duration=humanize(r.sitting)) if r.sitting else ""
            # the computer it happened on, when it was another one
            where = f"[{names.get(event.device, event.device[:8])}]" if event.device else ""
            words = ", ".join(filter(None, (phrases.detail(r),
                                            event.waiting and phrases.not_written_yet())))
            rows.append((f"{event.local_time:%Y-%m-%d %H:%M}", phrases.kind_name(r.kind),
                         r.exercise or "", sat, f"{words} {where}".strip()))
    # columns as wide as their widest cell, in any language and for any exercise id
    widths = [max((shown_width(row[n]) for row in rows), default=0) for n in range(4)]
    for row in rows:
        print(columns(row, widths).strip())
    return 0


def export(args) -> int:
    since = parse_day(args.since, "export --since") if args.since else None
    with open_journal(args.device) as journal:
        if journal is None:
            return 0
        if args.format == "csv":
            export_rows.write_csv(journal, sys.stdout, since)
        else:
            json.dump([dict(zip(export_rows.CSV_COLUMNS, row, strict=True))
                       for row in export_rows.rows(journal, since)],
                      sys.stdout, indent=1, ensure_ascii=False)
            print()
    return 0


# --- tables of text -----------------------------------------------------------------------------

def print_table(table) -> None:
    """Rows of cells in columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(str(row[n])) for row in table) for n in range(len(table[0]))]
    for row in table:
        cells = [f"{row[0]:<{widths[0]}}"] + [f"{row[n]!s:>{widths[n]}}"
                                              for n in range(1, len(row))]
        print("  ".join(cells))


def shown_width(text: str) -> int:
    """How many terminal columns `text` takes: wide (East Asian) characters two, combining marks
    and invisible format characters none, the rest one."""
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def columns(cells, widths) -> str:
    """One indented table row: each cell but the last padded to its column's width, two spaces
    between columns."""
    padded = [cell + " " * (width - shown_width(cell))
              for cell, width in zip(cells[:-1], widths, strict=False)]  # the last is not padded
    return "  " + "  ".join([*padded, cells[-1]])

