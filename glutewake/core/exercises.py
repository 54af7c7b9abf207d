"""The exercise catalog: loading and validating entries, and picking the next one to suggest."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from .errors import UserError, closest
from .text import N_, Text, _

T = TypeVar("T")  # a value checked to be of one type, in the catalog reader

POSTURES = ("standing", "floor")
EQUIPMENT = ("none", "wall", "desk", "chair", "band")
LEVELS = (1, 2)
GROUPS = ("max", "med", "mobility")  # gluteus maximus, gluteus medius (and minimus), mobility
# How the guided break names the side of a move done per side, as its steps do: "side" (right
# side), "standing" (standing on your right leg), "working" (right leg working), "forward"
# (right foot forward), "back" (right foot back), "direction" (to the right, then back to the
# left) or "arm-and-leg" (left arm and right leg: the side is the leg's).
SIDE_NAMES = ("side", "standing", "working", "forward", "back", "direction", "arm-and-leg")
SIDES = ("right", "left")


class Caution(StrEnum):
    """What about a move calls for care: each move in exercises.toml lists the ones it has, and
    every lesson shows their words (`phrases.caution`)."""

    LYING_ON_BACK = "lying-on-back"  # long spells lying face up
    BALANCE = "balance"  # on one leg, or in a split stance
    FOOTWEAR = "footwear"  # balance moves: never in heeled shoes
    DEEP_HIP_BEND = "deep-hip-bend"  # deep hip flexion with rotation: figure-four, a deep hinge
    HARD_SQUEEZE = "hard-squeeze"  # long squeezes at full force


class Condition(StrEnum):
    """What a person can say applies to them ([coach] cautions): each leaves out the moves with
    one caution."""

    PREGNANCY = "pregnancy"
    HIP_REPLACEMENT = "hip-replacement"
    BLOOD_PRESSURE = "blood-pressure"


LEAVES_OUT = {Condition.PREGNANCY: Caution.LYING_ON_BACK,
              Condition.HIP_REPLACEMENT: Caution.DEEP_HIP_BEND,
              Condition.BLOOD_PRESSURE: Caution.HARD_SQUEEZE}

# Defaults for the fields a user's [[exercises.custom]] table may leave out (built-in moves give
# every one of them).
SAFETY = N_("Stop at any sharp pain or dizziness, and keep breathing: never hold your breath.")
REST = 20  # seconds between sets and between sides
REP_SECONDS = 3  # seconds one rep takes at a controlled pace


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    posture: str
    equipment: str
    level: int
    sets: int
    reps: tuple[int, int] | None
    hold: tuple[int, int] | None
    per_side: bool
    targets: tuple[str, ...]
    steps: tuple[str, ...]
    cue: str
    safety: str = SAFETY
    easier: str = ""  # the regression, one sentence ("" for a custom move that gives none)
    harder: str = ""  # the progression, one sentence
    group: str = "max"  # one of GROUPS
    rest: int = REST
    rep_seconds: int = REP_SECONDS  # used with reps only; a hold counts its own seconds
    unit: str = ""  # words after the number ("steps each way"); "" = "per side" or nothing
    side: str = "side"  # how a side is named (one of SIDE_NAMES), for moves done per side
    first_side: str = "right"  # the side the steps begin with
    cautions: tuple[Caution, ...] = ()

    # --- dose and time ----------------------------------------------------------------------
    # A dose is an amount: reps per set, or seconds per hold. It moves through three steps of
    # the [low, high] range.

    @property
    def sides(self) -> int:
        return 2 if self.per_side else 1

    @property
    def span(self) -> tuple[int, int]:
        """The [low, high] range of reps or hold seconds."""
        return self.reps or self.hold  # type: ignore[return-value]

    def steps_of_dose(self) -> tuple[int, int, int]:
        """The three dose steps: low, middle (halves rounded up), high."""
        low, high = self.span
        return low, (low + high + 1) // 2, high

    def amount(self, step: int) -> int:
        """The dose at step 0 (low), 1 (middle) or 2 (high): reps or hold seconds."""
        return self.steps_of_dose()[step]

    def work_seconds(self, dose: int | None = None) -> int:
        """Seconds of work in one set on one side; `dose` defaults to the low end."""
        dose = self.dose_or_low(dose)
        return dose * self.rep_seconds if self.reps else dose

    def break_seconds(self, dose: int | None = None) -> int:
        """The whole guided break: every set on every side, with a rest between each two."""
        rounds = self.sets * self.sides
        return rounds * self.work_seconds(dose) + (rounds - 1) * self.rest

    def dose_or_low(self, dose: int | None) -> int:
        """`dose` checked, or the low end of the range when it is None."""
        if dose is None:
            return self.span[0]
        if isinstance(dose, bool) or not isinstance(dose, int) or dose < 1:
            raise ValueError(f"a dose is a positive whole number of reps or seconds, not {dose!r}")
        return dose


@dataclass(frozen=True)
class Preferences:
    """What the user has and wants; decides which exercises may be suggested."""

    # Not "chair": most office chairs roll, and sit to stand needs one that does not
    equipment: frozenset[str] = frozenset({"wall", "desk"})
    floor: bool = False
    disabled: frozenset[str] = frozenset()
    level: int = 1
    conditions: frozenset[Condition] = frozenset()  # [coach] cautions


def why_not_offered(exercise: Exercise, prefs: Preferences) -> Text | None:
    """The reason an exercise is left out of the rotation, or None when it is offered."""
    if exercise.id in prefs.disabled:
        return _("disabled in [exercises] disabled")
    for condition in sorted(prefs.conditions):
        if LEAVES_OUT[condition] in exercise.cautions:
            return _('left out for "{condition}" in [coach] cautions', condition=condition)
    if exercise.posture == "floor" and not prefs.floor:
        return _("done on the floor; set [exercises] floor = true")
    if exercise.equipment != "none" and exercise.equipment not in prefs.equipment:
        return _('needs a {thing}; add "{equipment}" to [exercises] equipment',
                 thing=equipment_name(exercise.equipment), equipment=exercise.equipment)
    if exercise.level > prefs.level:
        return _("level {level}, not unlocked yet; set [exercises] level = {level} to include it "
                 "now", level=exercise.level)
    return None


def equipment_name(equipment: str) -> Text | str:
    """The equipment in words ("wall"); the settings keep the English keyword."""
    return {"none": lambda: _("nothing"), "wall": lambda: _("wall"), "desk": lambda: _("desk"),
            "chair": lambda: _("chair that does not roll"), "band": lambda: _("band")}.get(
        equipment, lambda: equipment)()


def posture_name(posture: str) -> Text | str:
    """The posture in words ("standing")."""
    return {"standing": lambda: _("standing"), "floor": lambda: _("on the floor")}.get(
        posture, lambda: posture)()


def offered(catalog: Iterable[Exercise], prefs: Preferences) -> tuple[Exercise, ...]:
    return tuple(e for e in catalog if why_not_offered(e, prefs) is None)


def pick(
    candidates: tuple[Exercise, ...],
    last_done: Mapping[str, float],
    last_offered: Mapping[str, float],
    avoid: Collection[str] = (),
    groups_today: Mapping[str, int] | None = None,
    resting: Collection[str] = (),
) -> Exercise | None:
    """The next exercise: none of `resting` (moves that hurt lately), and none of `avoid` (what
    was just suggested), when there is a choice; then one of the group (glute max, glute med,
    mobility) done least today, so a day spreads across them; among those the one done least
    recently, then offered least recently, then the earliest in the catalog."""
    groups_today = groups_today or {}
    candidates = tuple(e for e in candidates if e.id not in resting) or candidates
    choices = [e for e in candidates if e.id not in avoid] or list(candidates)
    if not choices:
        return None
    never = float("-inf")
    order = {e.id: n for n, e in enumerate(candidates)}
    return min(
        choices,
        key=lambda e: (groups_today.get(e.group, 0), last_done.get(e.id, never),
                       last_offered.get(e.id, never), order[e.id]),
    )


# --- loading and validation -------------------------------------------------------------------

def unknown_word(where: str, word: str, allowed: tuple[str, ...]) -> UserError:
    """A word that is not one of a list's allowed words, with the nearest one when there is."""
    hint, choices = closest(word, allowed), ", ".join(allowed)
    if hint:
        return UserError(where, _('"{item}" is not allowed; did you mean "{hint}"? (choose from '
                                  '{choices})', item=word, hint=hint, choices=choices))
    return UserError(where, _('"{item}" is not allowed; choose from {choices}', item=word,
                              choices=choices))


_FIELDS = ("id", "name", "posture", "equipment", "level", "sets", "reps", "hold", "per_side",
           "targets", "steps", "cue", "safety", "easier", "harder", "group", "rest", "rep_seconds",
           "unit", "side", "first_side", "cautions")
# Fields added after people had written their own exercises: a custom table may leave them out;
# the built-in catalog must give them (except rest, rep_seconds and unit, which have defaults).
_TEACHING = ("safety", "easier", "harder", "group")
MIN_STEPS = 3  # for the built-in catalog: a move is taught in at least three steps


def _group_of(targets: tuple[str, ...]) -> str:
    """A custom move's group when it names none: the first glute among its targets decides."""
    for target in (t.lower() for t in targets):
        if "maximus" in target:
            return "max"
        if "medius" in target or "minimus" in target:
            return "med"
        if "flexor" in target:
            return "mobility"
    return "max"


def parse_exercise(table: object, where: str, *, builtin: bool = False) -> Exercise:
    """Build one Exercise from a TOML table; `where` names it in errors ("file: [[exercise]] #3").
    `builtin` holds the shipped catalog to more: safety, easier, harder and group are required
    and every move has at least MIN_STEPS steps."""
    if not isinstance(table, dict):
        raise UserError(where, _("each exercise must be a table with id, name, posture, ... "
                                 "fields"))
    label = f"{where} ({table['id']})" if isinstance(table.get("id"), str) else where
    for key in table:
        if key not in _FIELDS:
            hint = closest(key, _FIELDS)
            raise UserError(f"{label}: {key}", _('unknown field; did you mean "{hint}"?', hint=hint)
                            if hint else _("unknown field; allowed: {fields}",
                                           fields=", ".join(_FIELDS)))

    def need(key: str, kind: type[T], what: Text) -> T:
        if key not in table:
            raise UserError(f"{label}: {key}", _("missing; give {what}", what=what))
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise UserError(f"{label}: {key}", _("must be {what}, not {value}", what=what,
                                                         value=repr(value)))
        return value

    def text(key: str) -> str:
        value = need(key, str, _("a non-empty string")).strip()
        if not value:
            raise UserError(f"{label}: {key}", _("must not be empty"))
        return value

    def line(key: str, default: str) -> str:
        """An optional one-line text (safety, easier, harder, unit)."""
        if key not in table and not (builtin and key in _TEACHING):
            return default
        value = text(key)
        if "\n" in value:
            raise UserError(f"{label}: {key}", _("must be one line"))
        return value

    def whole(key: str, default: int, low: int, high: int, what: Text) -> int:
        if key not in table:
            return default
        value = need(key, int, what)
        if not low <= value <= high:
            raise UserError(f"{label}: {key}", _("must be {what} from {low} to {high}", what=what,
                                                         low=low, high=high))
        return value

    def choice(key: str, allowed: tuple[T, ...], default: T | None = None) -> T:
        if key not in table and default is not None:
            return default
        value = table.get(key)
        if value not in allowed:
            raise UserError(f"{label}: {key}", _("must be one of {choices}",
                                                         choices=", ".join(map(repr, allowed))))
        return allowed[allowed.index(value)]

    def span(key: str) -> tuple[int, int] | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value, value]
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                or not 0 < value[0] <= value[1]):
            raise UserError(f"{label}: {key}", _("must be a positive whole number or [low, high]"))
        return value[0], value[1]

    def cautions() -> tuple[Caution, ...]:
        value = table.get("cautions", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UserError(f"{label}: cautions", _('must be a list of caution ids, like '
                                                    '["balance", "footwear"]'))
        for item in value:
            if item not in set(Caution):
                raise unknown_word(f"{label}: cautions", item, tuple(Caution))
        return tuple(Caution(v) for v in dict.fromkeys(value))

    def strings(key: str) -> tuple[str, ...]:
        value = need(key, list, _("a list of strings"))
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise UserError(f"{label}: {key}", _("must be a non-empty list of non-empty strings"))
        return tuple(v.strip() for v in value)

    ident = text("id")
    if not ident.replace("-", "").isalnum() or ident != ident.lower():
        raise UserError(f"{label}: id", _("use lower-case letters, digits and dashes, e.g. "
                                           "stair-climb"))
    reps, hold = span("reps"), span("hold")
    if (reps is None) == (hold is None):
        raise UserError(label, _("give exactly one of reps (a count) or hold (seconds)"))
    sets = need("sets", int, _("a whole number of sets"))
    if sets < 1:
        raise UserError(f"{label}: sets", _("must be at least 1"))
    if hold is not None and "rep_seconds" in table:
        raise UserError(f"{label}: rep_seconds", _("only for reps; a hold already counts its "
                                                    "seconds"))
    targets, steps = strings("targets"), strings("steps")
    if builtin and len(steps) < MIN_STEPS:
        raise UserError(f"{label}: steps", _("give at least {count} steps", count=MIN_STEPS))
    group = choice("group", GROUPS) if "group" in table or builtin else _group_of(targets)
    per_side = need("per_side", bool, _("true or false"))
    for key in ("side", "first_side"):
        if key in table and not per_side:
            raise UserError(f"{label}: {key}", _("only for moves done per side (per_side = "
                                                 "true)"))
    if builtin and per_side and "side" not in table:
        raise UserError(f"{label}: side", _("missing; say how the guide names a side: one of "
                                            "{choices}", choices=", ".join(SIDE_NAMES)))
    return Exercise(
        id=ident, name=text("name"), posture=choice("posture", POSTURES),
        equipment=choice("equipment", EQUIPMENT), level=choice("level", LEVELS), sets=sets,
        reps=reps, hold=hold, per_side=per_side,
        targets=targets, steps=steps, cue=text("cue"),
        safety=line("safety", SAFETY), easier=line("easier", ""), harder=line("harder", ""),
        group=group,
        rest=whole("rest", REST, 0, 300, _("a whole number of seconds")),
        rep_seconds=whole("rep_seconds", REP_SECONDS, 1, 60, _("a whole number of seconds")),
        unit=line("unit", ""),
        side=choice("side", SIDE_NAMES, "side"),
        first_side=choice("first_side", SIDES, "right"),
        cautions=cautions(),
    )


def parse_catalog(tables: object, where: str, taken: Iterable[str] = (), *,
                  builtin: bool = False) -> tuple[Exercise, ...]:
    """Exercises from a TOML array of tables; ids must be unique, also against `taken`."""
    if not isinstance(tables, list):
        raise UserError(where, _("must be an array of tables ([[...]] entries)"))
    catalog = tuple(parse_exercise(table, f"{where} #{n}", builtin=builtin)
                    for n, table in enumerate(tables, 1))
    check_ids(catalog, where, taken)
    return catalog


def check_ids(catalog: Iterable[Exercise], where: str, taken: Iterable[str] = ()) -> None:
    """Each id used once, and none of `taken` (the built-in ids, for the user's own moves)."""
    seen = set(taken)
    for n, exercise in enumerate(catalog, 1):
        if exercise.id in seen:
            raise UserError(f"{where} #{n}: id", _('"{id}" is already used; pick another id',
                                                   id=exercise.id))
        seen.add(exercise.id)


def builtin_catalog(text: str) -> tuple[Exercise, ...]:
    """The catalog shipped with glutewake, from the text of its exercises.toml (the app reads
    the file: see app/catalog.py)."""
    return parse_catalog(tomllib.loads(text)["exercise"], "exercises.toml", builtin=True)
