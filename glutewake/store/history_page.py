"""`glutewake report`: the history page, one self-contained HTML file.

Nothing on it comes from elsewhere: inline CSS and SVG, the system's own fonts, no script. Every
chart is an SVG with a <title> and <desc> and has a table beside it with the same numbers; each
number a script or test reads carries `data-key` (its key in `glutewake stats --json`) and
`data-value` (the number as that JSON has it). The charts' text sits in HTML around them, so it
stays readable when a narrow window squeezes the drawing.

Spans of up to MOST_DAYS days show a row per day; longer ones a row per week (the weeks of
`stats`: seven days ending on the last day). The timeline shows the last TIMELINE_DAYS days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from ..core.dose import STEPS
from ..i18n import _, language
from ..words import phrases
from ..words.times import day_month, humanize, weekday, weekday_date
from . import pattern, stats
from .pattern import Bout, Mark, Measures
from .reading import Read

MOST_DAYS = 31
TIMELINE_DAYS = 14
ROW = 28  # pixels per row of a chart
WIDE = 1000  # the width of every chart's drawing, in its own units (it is stretched to fit)


@dataclass
class Row:
    """One line of the charts and tables: a day, or a week of a long span."""

    label: str
    first: date
    last: date
    breaks: stats.Day
    measures: Measures
    exercises: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> (done, top step)

    @property
    def where(self) -> str:
        """The row's data attributes: which entry of `stats --json` it is."""
        if self.first == self.last:
            return f'data-scope="day" data-date="{self.first.isoformat()}"'
        return (f'data-scope="week" data-from="{self.first.isoformat()}" '
                f'data-to="{self.last.isoformat()}"')


@dataclass
class History:
    first: date
    last: date
    report: stats.Report
    rows: list[Row]
    bouts: list[Bout]
    marks: list[Mark]
    names: dict[str, str]  # exercise id -> its name in the language in force
    device: str | None = None

    @property
    def pattern(self) -> pattern.Pattern:
        assert self.report.pattern is not None
        return self.report.pattern

    @property
    def timeline_days(self) -> list[date]:
        start = max(self.first, self.last - timedelta(days=TIMELINE_DAYS - 1))
        return [start + timedelta(days=n) for n in range((self.last - start).days + 1)]


def gather(read: Read, first: date, last: date, goal: int, today: date, names: dict[str, str],
           device: str | None = None) -> History:
    """Everything the page shows, read from the journal."""
    report = stats.report(read, first, last, goal, today, device)
    found = report.pattern
    assert found is not None
    if (last - first).days < MOST_DAYS:
        rows = [Row(weekday_date(date.fromisoformat(day.date)), date.fromisoformat(day.date),
                    date.fromisoformat(day.date), day, found.days[day.date])
                for day in report.days]
    else:
        by_date = {day.date: day for day in report.days}
        rows = []
        for week in found.weeks:
            breaks = stats.Day(week.first.isoformat())
            for n in range((week.last - week.first).days + 1):
                breaks.add(by_date[(week.first + timedelta(days=n)).isoformat()])
            rows.append(Row(_("{first} to {last}", first=weekday_date(week.first),
                              last=weekday_date(week.last)), week.first, week.last, breaks,
                            week.measures))
    row_of = {}
    for row in rows:
        for n in range((row.last - row.first).days + 1):
            row_of[(row.first + timedelta(days=n)).isoformat()] = row
    for day, exercise, count, step in read(
            "SELECT local_date, exercise, COUNT(*), MAX(COALESCE(dose, 0)) FROM events "
            "WHERE kind = 'done' AND exercise IS NOT NULL AND local_date BETWEEN ? AND ? "
            "GROUP BY local_date, exercise", (first.isoformat(), last.isoformat())):
        row = row_of[day]
        done, top = row.exercises.get(exercise, (0, 0))
        row.exercises[exercise] = (done + count, max(top, step))
    shown = device if device is not None and pattern.has_devices(read) else None
    history = History(first, last, report, rows, [], [], names, shown)
    days = history.timeline_days
    history.bouts, history.marks = pattern.timeline(read, days[0], days[-1], device)
    return history


# --- pieces -----------------------------------------------------------------------------------

def e(text: object) -> str:
    return escape(str(text), quote=True)


def number(key: str, value: object, shown: str | None = None) -> str:
    """A table cell with a number from `stats --json`."""
    raw = "" if value is None else value
    text = shown if shown is not None else ("—" if value is None else str(value))
    return f'<td data-key="{key}" data-value="{e(raw)}">{e(text)}</td>'


def length(seconds: float | None) -> str:
    return "—" if not seconds else humanize(seconds)


def share(value: float | None) -> str:
    return "—" if value is None else phrases.percent(value)


def rate(value: float | None) -> str:
    return "—" if value is None else phrases.decimal(value)


def measure_cells(m: Measures, keys: tuple[str, ...]) -> str:
    data = m.as_json()
    shown = {"sitting_seconds": length, "mean_bout_seconds": length,
             "longest_bout_seconds": length, "bouts_30_min_seconds": length,
             "bouts_60_min_seconds": length, "bouts_30_min_share": share,
             "bouts_60_min_share": share, "breaks_per_sitting_hour": rate}
    return "".join(number(key, data[key], shown[key](data[key]) if key in shown else None)
                   for key in keys)


def table(caption: str, headings: list[str], rows: list[str]) -> str:
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headings)
    return (f'<div class="table"><table><caption>{e(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def figure(ident: str, caption: str, desc: str, labels: list[str], body: str, axis: str = "",
           legend: str = "", label_width: str = "6.4em") -> str:
    """A chart of rows: the labels in HTML on the left, the drawing stretched beside them."""
    count = max(1, len(labels))
    spans = "".join(f"<span>{e(label)}</span>" for label in labels)
    return (
        f'<figure class="chart" aria-labelledby="{ident}-caption">'
        f'<figcaption id="{ident}-caption">{e(caption)}</figcaption>'
        f'<div class="plot" style="--rows:{count};--label:{label_width}">'
        f'<div class="labels" aria-hidden="true">{spans}</div><div class="canvas">'
        f'<svg viewBox="0 0 {WIDE} {count * ROW}" preserveAspectRatio="none" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{e(caption)}</title><desc id="{ident}-desc">{e(desc)}</desc>'
        f"{body}</svg>{axis}</div></div>{legend}</figure>")


def section(ident: str, heading: str, content: str) -> str:
    """One part of the page; its id in the address (report.html#timeline) shows it alone."""
    return f'<section id="{ident}"><h2>{e(heading)}</h2>{content}</section>'


def pair(chart: str, tables: str, even: bool = False) -> str:
    """A chart and its table: side by side on a wide screen (half and half for a table of many
    columns), one above the other on a narrow one."""
    return f'<div class="pair{" even" if even else ""}">{chart}<div>{tables}</div></div>'


def legend(entries: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><span class="key {cls}"></span>{e(text)}</li>' for cls, text in entries)
    return f'<ul class="legend">{items}</ul>'


def rect(x: float, y: float, w: float, h: float, cls: str, tip: str = "") -> str:
    title = f"<title>{e(tip)}</title>" if tip else ""
    return (f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.8):.1f}" '
            f'height="{h:.1f}">{title}</rect>')


def bout_class(seconds: float) -> str:
    return "b60" if seconds >= pattern.VERY_LONG else "b30" if seconds >= pattern.LONG else "b0"


def clock(seconds: float) -> str:
    seconds = max(0, min(round(seconds), 86400 - 60))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# --- sections ---------------------------------------------------------------------------------

def summary(h: History) -> str:
    total = h.pattern.total
    cards = [
        ("sitting_seconds", _("Sitting at the computer"), length(total.sitting_seconds)),
        ("bouts", _("Bouts of sitting"), str(total.bouts)),
        ("mean_bout_seconds", _("Mean bout"), length(total.mean_bout_seconds)),
        ("longest_bout_seconds", _("Longest bout"), length(total.longest_bout_seconds)),
        ("bouts_30_min_share", _("Sitting in bouts of 30 min or more"), share(total.share_30)),
        ("bouts_60_min_share", _("Sitting in bouts of 60 min or more"), share(total.share_60)),
        ("breaks_per_sitting_hour", _("Breaks per sitting hour"), rate(total.breaks_per_hour)),
    ]
    data = total.as_json()
    def value(key: str) -> str:
        return e(data[key] if data[key] is not None else "")

    items = "".join(
        f'<div class="card"><dt>{e(label)}</dt><dd data-key="{key}" data-value="{value(key)}">'
        f"{e(shown)}</dd></div>" for key, label, shown in cards)
    this, before = h.pattern.this_week, h.pattern.week_before
    trend = phrases.trend_lines(this.measures, before.measures)
    none = _("No sitting in the journal these seven days.")
    lines = "".join(f"<li>{e(line)}</li>" for line in trend or [none])
    keys = ("sitting_seconds", "bouts", "mean_bout_seconds", "longest_bout_seconds",
            "bouts_30_min_share", "bouts_60_min_share", "breaks_per_sitting_hour")
    weeks = [f'<tr data-scope="{scope}" data-from="{w.first.isoformat()}" '
             f'data-to="{w.last.isoformat()}"><th scope="row">{e(label)}</th>'
             f"{measure_cells(w.measures, keys)}</tr>"
             for scope, label, w in (("this_week", _("{first} to {last}", first=weekday_date(
                 this.first), last=weekday_date(this.last)), this),
                                     ("week_before", _("{first} to {last}", first=weekday_date(
                                         before.first), last=weekday_date(before.last)), before))]
    against = _("The last seven days against the seven before")
    return section("summary", _("At a glance"), (
        f'<dl class="cards" data-scope="totals">{items}</dl>'
        f'<h3>{e(against)}</h3><ul class="trend">{lines}</ul>'
        + table(against, [_("days"), _("sitting"), _("bouts"), _("mean"), _("longest"),
                          _("≥ 30 min"), _("≥ 60 min"), _("breaks per hour")], weeks)
        + f'<p class="note">{e(evidence())}</p>'))


def evidence() -> str:
    return _("A bout is the sitting between two breaks; a skipped reminder does not end one. "
             "In Diaz et al. 2017 (Ann Intern Med 167:465), longer bouts of sitting went with "
             "higher mortality, as did more sitting in all. In Dunstan et al. 2012 (Diabetes Care "
             "35:976), two minutes of light walking every 20 minutes, that is 3 breaks per "
             "sitting hour, lowered glucose and insulin after a test drink. These figures "
             "describe your journal; they are no diagnosis.")


def timeline(h: History) -> str:
    days = h.timeline_days
    spans = [(b.start, b.end) for b in h.bouts] + [(m.start, m.end) for m in h.marks]
    start = min((s for s, _e in spans), default=8 * 3600)
    end = max((t for _s, t in spans), default=18 * 3600)
    first_hour = max(0, int(start // 3600))
    last_hour = min(24, max(first_hour + 8, -int(-end // 3600)))
    window = (last_hour - first_hour) * 3600

    def x(seconds: float) -> float:
        return max(0.0, min(WIDE, (seconds - first_hour * 3600) / window * WIDE))

    row_of = {day.isoformat(): n for n, day in enumerate(days)}
    body = ["<g class=\"grid\">"]
    for hour in range(first_hour, last_hour + 1):
        body.append(f'<line x1="{x(hour * 3600):.1f}" x2="{x(hour * 3600):.1f}" y1="0" '
                    f'y2="{len(days) * ROW}" vector-effect="non-scaling-stroke"/>')
    body.append("</g>")
    for m in h.marks:
        if m.kind == "away" and m.local_date in row_of:
            y = row_of[m.local_date] * ROW
            body.append(rect(x(m.start), y + 5, x(m.end) - x(m.start), ROW - 10, "away",
                             _("away {start}–{end}", start=clock(m.start), end=clock(m.end))))
    for b in h.bouts:
        y = row_of[b.local_date] * ROW
        body.append(rect(x(b.start), y + 7, x(b.end) - x(b.start), ROW - 14,
                         bout_class(b.seconds), f"{clock(b.start)}–{clock(b.end)} · "
                         f"{humanize(b.seconds)}"))
    for m in h.marks:
        if m.kind == "done" and m.local_date in row_of:
            y, at = row_of[m.local_date] * ROW, x(m.end)
            body.append(f'<line class="done" x1="{at:.1f}" x2="{at:.1f}" y1="{y + 2}" '
                        f'y2="{y + ROW - 2}" vector-effect="non-scaling-stroke"/>')
    step = 1 if last_hour - first_hour <= 12 else 2
    axis = "".join(  # every other hour is left out on a narrow screen
        f'<span{" class=odd" if (hour - first_hour) % (2 * step) else ""} '
        f'style="left:{(hour - first_hour) / (last_hour - first_hour) * 100:.2f}%">'
        f"{hour:02d}</span>" for hour in range(first_hour, last_hour + 1, step))
    caption = _("Bouts of sitting, {first} to {last}", first=weekday_date(days[0]),
                last=weekday_date(days[-1]))
    desc = _("One row per day from {start}:00 to {end}:00. Bars are bouts of sitting, coloured "
             "by length (under 30 minutes, 30 to 59, 60 or more); ticks are breaks done; grey "
             "spans are time away. The table beside it has the same days.",
             start=f"{first_hour:02d}", end=f"{last_hour:02d}")
    chart = figure("timeline", caption, desc, [weekday_date(d) for d in days], "".join(body),
                   f'<div class="axis" aria-hidden="true">{axis}</div>',
                   legend([("b0", _("bout under 30 min")), ("b30", _("30 to 59 min")),
                           ("b60", _("60 min or more")), ("done", _("break done")),
                           ("away", _("away"))]))
    per_day: dict[str, list[Bout]] = {}
    for b in h.bouts:
        per_day.setdefault(b.local_date, []).append(b)
    ended = {"done": _("break done"), "natural_break": _("away"),
             "stopped": _("glutewake stopped")}
    rows, listed = [], []
    for day in days:
        bouts = per_day.get(day.isoformat(), [])
        measures = h.pattern.days.get(day.isoformat(), Measures())
        rows.append(
            f'<tr data-scope="day" data-date="{day.isoformat()}"><th scope="row">'
            f"{e(weekday_date(day))}</th><td>{clock(bouts[0].start) if bouts else '—'}</td>"
            f"<td>{clock(bouts[-1].end) if bouts else '—'}</td>"
            f"{measure_cells(measures, ('bouts', 'longest_bout_seconds', 'breaks'))}</tr>")
        listed += [f"<tr><td>{e(weekday_date(day))}</td><td>{clock(b.start)}–{clock(b.end)}</td>"
                   f"<td>{e(humanize(b.seconds))}</td><td>{e(ended.get(b.ended_by, ''))}</td></tr>"
                   for b in bouts]
    every = _("Every bout")
    every = (f"<details><summary>{e(every)}</summary>"
             + table(every, [_("day"), _("from–to"), _("length"), _("ended by")], listed)
             + "</details>") if listed else ""
    return section("timeline", _("Your days"), pair(chart, table(
        caption, [_("day"), _("first"), _("last"), _("bouts"), _("longest"), _("breaks")],
        rows) + every))


def long_bouts(h: History) -> str:
    most = max((r.measures.sitting_seconds for r in h.rows), default=0) or 1
    body = []
    for n, r in enumerate(h.rows):
        m, y = r.measures, n * ROW
        short = m.sitting_seconds - m.bouts_30_min_seconds
        middle = m.bouts_30_min_seconds - m.bouts_60_min_seconds
        x = 0.0
        for seconds, cls in ((short, "b0"), (middle, "b30"), (m.bouts_60_min_seconds, "b60")):
            if seconds:
                w = seconds / most * WIDE
                body.append(rect(x, y + 6, w, ROW - 12, cls, f"{r.label}: {humanize(seconds)}"))
                x += w
    caption = _("Sitting in long bouts")
    desc = _("One bar per row, as long as its sitting time: the part in bouts under 30 "
             "minutes, in bouts of 30 to 59 and in bouts of 60 minutes or more. The table "
             "beside it gives the same as times and shares.")
    chart = figure("long", caption, desc, [r.label for r in h.rows], "".join(body),
                   legend=legend([("b0", _("bout under 30 min")), ("b30", _("30 to 59 min")),
                                  ("b60", _("60 min or more"))]))
    keys = ("sitting_seconds", "bouts_30_min_seconds", "bouts_30_min_share",
            "bouts_60_min_seconds", "bouts_60_min_share", "mean_bout_seconds")
    rows = [f'<tr {r.where}><th scope="row">{e(r.label)}</th>{measure_cells(r.measures, keys)}'
            "</tr>" for r in h.rows]
    return section("long", caption, pair(chart, table(
        caption, [_("day"), _("sitting"), _("≥ 30 min"), _("share"), _("≥ 60 min"), _("share"),
                  _("mean")], rows), even=True))


def breaks(h: History) -> str:
    most = max((max(r.breaks.done, r.breaks.snoozed, r.breaks.skipped) for r in h.rows),
               default=0) or 1
    body = []
    for n, r in enumerate(h.rows):
        y = n * ROW + 4
        for k, (value, cls, name) in enumerate(((r.breaks.done, "done-bar", _("done")),
                                                (r.breaks.snoozed, "snoozed", _("snoozed")),
                                                (r.breaks.skipped, "skipped", _("skipped")))):
            if value:
                body.append(rect(0, y + k * 7, value / most * WIDE, 6, cls,
                                 f"{r.label}: {name} {value}"))
    caption = _("Breaks done, snoozed and skipped")
    desc = _("Three bars per row: breaks done, reminders snoozed and breaks skipped, against "
             "the largest count of the span ({most}). The table beside it has the numbers.",
             most=most)
    chart = figure("breaks", caption, desc, [r.label for r in h.rows], "".join(body),
                   legend=legend([("done-bar", _("done")), ("snoozed", _("snoozed")),
                                  ("skipped", _("skipped"))]))
    rows = [f'<tr {r.where}><th scope="row">{e(r.label)}</th>'
            + number("reminders", r.breaks.reminders) + number("done", r.breaks.done)
            + number("snoozed", r.breaks.snoozed) + number("skipped", r.breaks.skipped)
            + number("natural_breaks", r.breaks.natural_breaks)
            + measure_cells(r.measures, ("breaks_per_sitting_hour",)) + "</tr>" for r in h.rows]
    return section("breaks", caption, pair(chart, table(
        caption, [_("day"), _("reminders"), _("done"), _("snoozed"), _("skipped"), _("natural"),
                  _("breaks per hour")], rows), even=True))


def exercises(h: History) -> str:
    done = h.report.per_exercise
    caption = _("Exercises and dose steps")
    if not done:
        none = _("No exercise done in these days.")
        return section("exercises", caption, f"<p>{e(none)}</p>")
    ids = list(done)  # most done first
    cell = WIDE / max(1, len(h.rows))
    body = []
    for n, ident in enumerate(ids):
        for k, r in enumerate(h.rows):
            if ident in r.exercises:
                count, step = r.exercises[ident]
                body.append(rect(k * cell + 2, n * ROW + 4, cell - 4, ROW - 8, f"step{step}",
                                 _("{day}: {count} done, dose {step} of {steps}", day=r.label,
                                   count=count, step=step + 1, steps=STEPS)))
    labels = [h.names.get(ident, ident) for ident in ids]
    marks = [(k, r) for k, r in enumerate(h.rows)]
    every = max(1, -(-len(marks) // 8))
    axis = "".join(f'<span class="mid" style="left:{(k + 0.5) / len(h.rows) * 100:.2f}%">'
                   f"{e(weekday(r.first) if r.first == r.last else day_month(r.first))}</span>"
                   for k, r in marks[::every])
    desc = _("One row per exercise done, one column per day or week: a filled cell means it "
             "was done then, darker for a higher dose step ({steps} steps). The table beside it "
             "counts each exercise and its dose steps.", steps=STEPS)
    chart = figure("exercises-chart", caption, desc, labels, "".join(body),
                   f'<div class="axis" aria-hidden="true">{axis}</div>',
                   legend([(f"step{s}", _("dose {step} of {steps}", step=s + 1, steps=STEPS))
                           for s in range(STEPS)]), label_width="11em")
    rows = []
    for ident in ids:
        steps = [r.exercises[ident][1] + 1 for r in h.rows if ident in r.exercises]
        seen = " → ".join(str(s) for n, s in enumerate(steps) if n == 0 or s != steps[n - 1])
        rows.append(f'<tr data-scope="exercise" data-exercise="{e(ident)}"><th scope="row">'
                    f"{e(h.names.get(ident, ident))}</th>{number('done', done[ident])}"
                    f"<td>{e(seen)}</td></tr>")
    return section("exercises", caption, pair(chart, table(
        caption, [_("exercise"), _("done"), _("dose steps")], rows)))


def devices(h: History) -> str:
    found = h.pattern.devices
    if not found:
        return ""
    most = max(m.sitting_seconds for m in found.values()) or 1
    body = []
    for n, m in enumerate(found.values()):
        x = 0.0
        for seconds, cls in ((m.sitting_seconds - m.bouts_30_min_seconds, "b0"),
                             (m.bouts_30_min_seconds - m.bouts_60_min_seconds, "b30"),
                             (m.bouts_60_min_seconds, "b60")):
            if seconds:
                body.append(rect(x, n * ROW + 6, seconds / most * WIDE, ROW - 12, cls))
                x += seconds / most * WIDE
    caption = _("Per computer")
    desc = _("One bar per computer, as long as its sitting time, split by bout length like "
             "the chart above. The table beside it has each computer's measures.")
    chart = figure("devices-chart", caption, desc, list(found), "".join(body),
                   legend=legend([("b0", _("bout under 30 min")), ("b30", _("30 to 59 min")),
                                  ("b60", _("60 min or more"))]))
    keys = ("sitting_seconds", "bouts", "longest_bout_seconds", "bouts_30_min_share",
            "breaks_per_sitting_hour")
    rows = [f'<tr data-scope="device" data-device="{e(name)}"><th scope="row">{e(name)}</th>'
            f"{measure_cells(m, keys)}</tr>" for name, m in found.items()]
    return section("devices", caption, pair(chart, table(
        caption, [_("computer"), _("sitting"), _("bouts"), _("longest"), _("≥ 30 min"),
                  _("breaks per hour")], rows), even=True))


STYLE = """
:root{--ink:#23272f;--soft:#5b6270;--line:#e3e6ea;--paper:#fcfcfa;--card:#fff;
--b0:#3b8ea5;--b30:#e0a030;--b60:#c8475a;--done:#1f7a55;--away:#d5d9df;--snoozed:#8aa2c8;
--skipped:#e07a5f;--s0:#cdbbee;--s1:#9673d3;--s2:#5b34a6}
*{box-sizing:border-box}
body{margin:0;padding:1rem;background:var(--paper);color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto}
h1{font-size:1.5rem;margin:.2rem 0}
h2{font-size:1.2rem;margin:0 0 .6rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
.sub{color:var(--soft);margin:0 0 1rem}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
padding:1rem;margin:0 0 1rem}
body:has(section:target) section:not(:target),body:has(section:target) header{display:none}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.6rem;margin:0}
.card{border:1px solid var(--line);border-radius:8px;padding:.5rem .7rem}
.card dt{color:var(--soft);font-size:.85rem}
.card dd{margin:0;font-size:1.35rem;font-weight:600}
.trend{margin:.2rem 0 .8rem;padding-left:1.2rem}
.note{color:var(--soft);font-size:.85rem;margin:.8rem 0 0}
.pair{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem;align-items:start}
@media (min-width:900px){.pair{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
.pair.even{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:.4rem}
.plot{display:grid;grid-template-columns:var(--label) minmax(0,1fr);column-gap:.5rem}
.labels span{display:block;height:28px;line-height:28px;font-size:.82rem;white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
.canvas svg{display:block;width:100%;height:calc(var(--rows) * 28px)}
.grid line{stroke:var(--line);stroke-width:1}
.axis{position:relative;height:1.3rem;font-size:.75rem;color:var(--soft)}
.axis span{position:absolute;top:.15rem;transform:translateX(-50%)}
.axis span:first-child{transform:none}
.axis span.mid{transform:translateX(-50%)}
.b0{fill:var(--b0)}.b30{fill:var(--b30)}.b60{fill:var(--b60)}.away{fill:var(--away)}
line.done{stroke:var(--done);stroke-width:2}.done-bar{fill:var(--done)}
.snoozed{fill:var(--snoozed)}.skipped{fill:var(--skipped)}
.step0{fill:var(--s0)}.step1{fill:var(--s1)}.step2{fill:var(--s2)}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.5rem 0 0;
font-size:.82rem}
.key{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.35rem;
vertical-align:-.12rem}
.key.b0{background:var(--b0)}.key.b30{background:var(--b30)}.key.b60{background:var(--b60)}
.key.done{background:var(--done);width:.25rem}.key.done-bar{background:var(--done)}
.key.away{background:var(--away)}.key.snoozed{background:var(--snoozed)}
.key.skipped{background:var(--skipped)}.key.step0{background:var(--s0)}
.key.step1{background:var(--s1)}.key.step2{background:var(--s2)}
.table{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;width:100%}
caption{text-align:left;color:var(--soft);font-size:.8rem;padding-bottom:.2rem}
th,td{padding:.22rem .45rem;border-bottom:1px solid var(--line);text-align:right;
white-space:nowrap}
th[scope=row],thead th:first-child{text-align:left}
tr[data-scope=exercise] th{white-space:normal}
thead th{color:var(--soft);font-weight:600;white-space:normal;vertical-align:bottom}
details{margin-top:.6rem}
summary{cursor:pointer;color:var(--soft)}
footer{color:var(--soft);font-size:.8rem;text-align:center;margin:1rem 0}
@media (max-width:560px){body{padding:.5rem;font-size:14px}section{padding:.7rem}
.labels span{font-size:.74rem}.axis span.odd{display:none}.card dd{font-size:1.15rem}
table{font-size:.8rem}th,td{padding:.2rem .3rem}}
"""


def render(h: History) -> str:
    title = _("Your sitting, {first} to {last}", first=weekday_date(h.first),
              last=weekday_date(h.last, year=True))
    sub = _("From the break journal of glutewake. Rows are days; a span longer than {days} "
            "days shows weeks.", days=MOST_DAYS)
    if h.device:
        sub += " " + _("Computer: {device}.", device=h.device)
    body = "".join((summary(h), timeline(h), long_bouts(h), breaks(h), exercises(h),
                    devices(h)))
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{e(title)}</title><style>{STYLE}</style></head>"
        f'<body><main><header><h1>{e(title)}</h1><p class="sub">{e(sub)}</p></header>'
        f"{body}<footer>glutewake</footer></main></body></html>\n")
