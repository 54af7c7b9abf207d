"""`glutewake exercises` (list, show) and `glutewake guide` (a guided break in this terminal),
with the level and the doses the journal has earned so far."""

from __future__ import annotations

import sys
import time

from ... import pictures
from ...core import commands, exercises
from ...core import guide as plan
from ...core.coach import level_in_force as in_force
from ...core.dose import Doses
from ...core.effects import Guiding, Remind
from ...core.errors import UserError, closest
from ...core.inputs import Past
from ...i18n import _, ngettext
from ...store import stats
from ...words import moves, phrases
from .. import paths, settings_file
from ..control import NoAnswer, NotRunning, request
from ..opener import open_file
from .journal import columns, reading, shown_width
from .parser import EXIT_REFUSED
from .running import read_view


def show_exercises(args) -> int:
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
        frames = pictures.frames(exercise.id)
        print(_("Pictures: {files}", files=", ".join(str(frame) for frame in frames)))
        opened = ""
        if args.open:
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
    left_out = [(e.id, moves.shown_name(e), why_not(e) or "") for e in settings.catalog
                if e not in offered]
    widths = [max(map(shown_width, column)) for column in zip(*rows, *left_out, strict=True)]
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
    return from_journal(lambda read: stats.doses(read, time.time()), Doses())


def level_in_force(settings):
    """The settings at the level the journal has earned, and a line saying where you stand."""
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


# --- the guided break in a terminal ------------------------------------------------------------

def guide(args) -> int:
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
