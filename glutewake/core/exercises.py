"""The exercise catalog: loading and validating entries, and picking the next one to suggest."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .errors import UserError, closest

POSTURES = ("standing", "floor")
EQUIPMENT = ("none", "wall", "band")
LEVELS = (1, 2)


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

    @property
    def prescription(self) -> str:
        """"3 × 10–15 per side" or "3 × 30–60 s hold per side"."""
        low, high = self.reps or self.hold  # type: ignore[misc]
        amount = f"{low}" if low == high else f"{low}–{high}"
        if self.hold:
            amount += " s hold"
        return f"{self.sets} × {amount}" + (" per side" if self.per_side else "")

    @property
    def summary(self) -> str:
        return f"{self.name} — {self.prescription}"

    def full_text(self) -> str:
        lines = [self.summary, f"Works: {', '.join(self.targets)}"]
        lines += [f"{n}. {step}" for n, step in enumerate(self.steps, 1)]
        lines.append(f"Cue: {self.cue}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Preferences:
    """What the user has and wants; decides which exercises may be suggested."""

    equipment: frozenset[str] = frozenset({"wall"})
    floor: bool = False
    disabled: frozenset[str] = frozenset()
    level: int = 1


def why_not_offered(exercise: Exercise, prefs: Preferences) -> str | None:
    """The reason an exercise is left out of the rotation, or None when it is offered."""
    if exercise.id in prefs.disabled:
        return "disabled in [exercises] disabled"
    if exercise.posture == "floor" and not prefs.floor:
        return "done on the floor; set [exercises] floor = true"
    if exercise.equipment != "none" and exercise.equipment not in prefs.equipment:
        return f'needs a {exercise.equipment}; add "{exercise.equipment}" to [exercises] equipment'
    if exercise.level > prefs.level:
        return (f"level {exercise.level}, not unlocked yet; set [exercises] level = "
                f"{exercise.level} to include it now")
    return None


def offered(catalog: Iterable[Exercise], prefs: Preferences) -> tuple[Exercise, ...]:
    return tuple(e for e in catalog if why_not_offered(e, prefs) is None)


def pick(
    candidates: tuple[Exercise, ...],
    last_done: Mapping[str, float],
    last_offered: Mapping[str, float],
    avoid: Collection[str] = (),
) -> Exercise | None:
    """The next exercise: none of `avoid` (what was just suggested) when there is a choice, then
    the one done least recently, then offered least recently, then the earliest in the catalog."""
    choices = [e for e in candidates if e.id not in avoid] or list(candidates)
    if not choices:
        return None
    never = float("-inf")
    order = {e.id: n for n, e in enumerate(candidates)}
    return min(
        choices,
        key=lambda e: (last_done.get(e.id, never), last_offered.get(e.id, never), order[e.id]),
    )


# --- loading and validation -------------------------------------------------------------------

_FIELDS = ("id", "name", "posture", "equipment", "level", "sets", "reps", "hold", "per_side",
           "targets", "steps", "cue")


def parse_exercise(table: object, where: str) -> Exercise:
    """Build one Exercise from a TOML table; `where` names it in errors ("file: [[exercise]] #3")."""
    if not isinstance(table, dict):
        raise UserError(where, "each exercise must be a table with id, name, posture, ... fields")
    label = f"{where} ({table['id']})" if isinstance(table.get("id"), str) else where
    for key in table:
        if key not in _FIELDS:
            hint = closest(key, _FIELDS)
            extra = f'; did you mean "{hint}"?' if hint else f"; allowed: {', '.join(_FIELDS)}"
            raise UserError(f"{label}: {key}", f"unknown field{extra}")

    def need(key: str, kind: type, what: str):
        if key not in table:
            raise UserError(f"{label}: {key}", f"missing; give {what}")
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise UserError(f"{label}: {key}", f"must be {what}, not {value!r}")
        return value

    def text(key: str) -> str:
        value = need(key, str, "a non-empty string").strip()
        if not value:
            raise UserError(f"{label}: {key}", "must not be empty")
        return value

    def choice(key: str, allowed: tuple) -> object:
        value = table.get(key)
        if value not in allowed:
            raise UserError(f"{label}: {key}", f"must be one of {', '.join(map(repr, allowed))}")
        return value

    def span(key: str) -> tuple[int, int] | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value, value]
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                or not 0 < value[0] <= value[1]):
            raise UserError(f"{label}: {key}", "must be a positive whole number or [low, high]")
        return value[0], value[1]

    def strings(key: str) -> tuple[str, ...]:
        value = need(key, list, "a list of strings")
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise UserError(f"{label}: {key}", "must be a non-empty list of non-empty strings")
        return tuple(v.strip() for v in value)

    ident = text("id")
    if not ident.replace("-", "").isalnum() or ident != ident.lower():
        raise UserError(f"{label}: id", "use lower-case letters, digits and dashes, e.g. stair-climb")
    reps, hold = span("reps"), span("hold")
    if (reps is None) == (hold is None):
        raise UserError(label, "give exactly one of reps (a count) or hold (seconds)")
    sets = need("sets", int, "a whole number of sets")
    if sets < 1:
        raise UserError(f"{label}: sets", "must be at least 1")
    return Exercise(
        id=ident, name=text("name"), posture=choice("posture", POSTURES),
        equipment=choice("equipment", EQUIPMENT), level=choice("level", LEVELS), sets=sets,
        reps=reps, hold=hold, per_side=need("per_side", bool, "true or false"),
        targets=strings("targets"), steps=strings("steps"), cue=text("cue"),
    )


def parse_catalog(tables: object, where: str, taken: Iterable[str] = ()) -> tuple[Exercise, ...]:
    """Exercises from a TOML array of tables; ids must be unique, also against `taken`."""
    if not isinstance(tables, list):
        raise UserError(where, "must be an array of tables ([[...]] entries)")
    seen = set(taken)
    result = []
    for n, table in enumerate(tables, 1):
        exercise = parse_exercise(table, f"{where} #{n}")
        if exercise.id in seen:
            raise UserError(f"{where} #{n}: id", f'"{exercise.id}" is already used; pick another id')
        seen.add(exercise.id)
        result.append(exercise)
    return tuple(result)


@cache
def builtin() -> tuple[Exercise, ...]:
    """The catalog shipped with glutewake."""
    source = resources.files(__package__) / "exercises.toml"
    return parse_catalog(tomllib.loads(source.read_text("utf-8"))["exercise"], "exercises.toml")
