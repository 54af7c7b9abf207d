"""An exercise in words, in the language in force: its name, cue, dose and the whole lesson.

The exercise's fields hold the catalog's English; these look each text up when it is shown. A
custom move's own words are not in the catalog and stay as written.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.exercises import Exercise, Preferences, why_not_offered
from ..i18n import _, render


def shown_name(exercise: Exercise) -> str:
    return _(exercise.name)


def shown_cue(exercise: Exercise) -> str:
    return _(exercise.cue)


def why_left_out(exercise: Exercise, prefs: Preferences) -> str | None:
    """Why the settings leave a move out of the rotation, or None when it is offered."""
    reason = why_not_offered(exercise, prefs)
    return None if reason is None else render(reason)


def minutes_text(exercise: Exercise, dose: int | None = None) -> str:
    """"about 2½ min": the break's length to the nearest half minute (at least ½)."""
    halves = max(1, (exercise.break_seconds(dose) + 15) // 30)
    whole, half = divmod(halves, 2)
    # TRANSLATORS: {minutes} is a number of minutes that may end in ½ ("2½", "½", "3")
    amount = (str(whole) if whole else "") + ("½" if half else "")
    return _("about {minutes} min", minutes=amount)


def prescription(exercise: Exercise, dose: int | None = None) -> str:
    """"3 × 45 s hold per side" at a dose, or the range ("3 × 30–60 s hold per side")."""
    if dose is None:
        low, high = exercise.span
        amount = f"{low}" if low == high else f"{low}–{high}"
    else:
        amount = f"{exercise.dose_or_low(dose)}"
    if exercise.hold:
        # TRANSLATORS: seconds of holding a position, as in "3 × 30–60 s hold per side"
        amount = _("{amount} s hold", amount=amount)
    unit = _(exercise.unit) if exercise.unit else (_("per side") if exercise.per_side else "")
    if unit:
        # TRANSLATORS: sets × reps (or a hold) and what they are counted in: "3 × 10 per side"
        return _("{sets} × {amount} {unit}", sets=exercise.sets, amount=amount, unit=unit)
    return _("{sets} × {amount}", sets=exercise.sets, amount=amount)


def summary(exercise: Exercise, dose: int | None = None) -> str:
    """"Bird dog — 2 × 8–12 per side": the name and the range (or `dose`)."""
    return _("{name} — {prescription}", name=shown_name(exercise),
             prescription=prescription(exercise, dose))


def full_text(exercise: Exercise, dose: int | None = None, cautions: Iterable[str] = ()) -> str:
    """Everything a person needs to do the move: the range (or `dose`), the steps, the cue,
    the safety line and `cautions` (its cautions in words, from `phrases.lesson`), the
    easier and harder versions, and the time it takes at `dose` (the low end when no dose
    is given)."""
    time = minutes_text(exercise, dose)
    if not exercise.rest:
        time_line = _("Time: {time}", time=time)
    elif exercise.per_side:
        time_line = _("Time: {time}, with {rest} s rests between sets and sides", time=time,
                      rest=exercise.rest)
    else:
        time_line = _("Time: {time}, with {rest} s rests between sets", time=time,
                      rest=exercise.rest)
    lines = [summary(exercise, dose),
             _("Works: {muscles}", muscles=", ".join(_(t) for t in exercise.targets)), time_line]
    lines += [_("{number}. {step}", number=n, step=_(step))
              for n, step in enumerate(exercise.steps, 1)]
    lines.append(_("Cue: {cue}", cue=shown_cue(exercise)))
    lines.append(_("Safety: {safety}", safety=_(exercise.safety)))
    lines += [_("Caution: {caution}", caution=caution) for caution in cautions]
    if exercise.easier:
        lines.append(_("Easier: {easier}", easier=_(exercise.easier)))
    if exercise.harder:
        lines.append(_("Harder: {harder}", harder=_(exercise.harder)))
    return "\n".join(lines)
