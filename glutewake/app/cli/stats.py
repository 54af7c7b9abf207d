"""`glutewake stats`: how the breaks went per day, the streak, the favourite exercises, the
sitting pattern, and the chart."""

from __future__ import annotations

import json
from datetime import date

from ...core.errors import UserError
from ...i18n import _, ngettext
from ...store import stats
from ...words import moves, phrases
from ...words.times import humanize, weekday_date
from .. import paths, settings_file
from .journal import days_asked, open_journal, print_table


def main(args) -> int:
    today = date.today()
    first, last = days_asked(args, "stats")
    settings = settings_file.load(paths.config_file())
    with open_journal(args.device) as journal:
        if journal is None:
            return 0
        result = stats.report(journal.read, first, last, settings.goals.daily_breaks, today)
    if args.chart:
        from ...store.chart import draw_chart  # Pillow loads only for a chart

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
    table: list[tuple[object, ...]]  # the headings, then a day a row
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
    if result.most_done and result.least_done:  # the least done is there when the most is
        most, least = result.most_done, result.least_done
        print(_("Done most: {most} ({most_count}) · least: {least} ({least_count})",
                most=names.get(most[0], most[0]), most_count=most[1],
                least=names.get(least[0], least[0]), least_count=least[1]))
    print(_("* today. Natural: breaks you took by being away. Answered: reminded breaks you then "
            "did or skipped. Longest: the most sitting before a break was done or skipped or you "
            "went away (a skip does not end a bout below). Away: time away from the desk in "
            "natural breaks."))
    print_pattern(result.pattern, today)
    if args.chart:
        print(_("Chart written to {file}", file=args.chart))
    return 0


def print_pattern(pattern, today: date) -> None:
    """The bouts of sitting per day, and the last seven days against the seven before."""

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
