"""The shipped catalog, its doses and times, and the picker."""

import tomllib
from pathlib import Path

import pytest

from glutewake.app.catalog import builtin
from glutewake.core import exercises
from glutewake.core.errors import UserError
from glutewake.core.exercises import Preferences, parse_exercise, pick
from glutewake.words import moves
from tests.support import skip_or_fail

REQUIRED = {"single-leg-stand", "standing-hip-drive", "wall-lean", "band-half-squat",
            "wall-clamshell", "bird-dog", "glute-bridge-hold", "lateral-band-walk", "frog-pumps",
            "single-leg-rdl", "standing-glute-squeeze", "standing-donkey-kick",
            "standing-side-leg-raise", "hip-hinge", "desk-split-squat", "sit-to-stand",
            "standing-hip-flexor-stretch", "standing-march", "standing-figure-four-stretch"}
# Moves with moments on one leg: their safety line says where the fingertips go.
SINGLE_LEG = {"single-leg-stand", "standing-hip-drive", "wall-lean", "single-leg-rdl",
              "standing-donkey-kick", "standing-side-leg-raise", "standing-march",
              "standing-figure-four-stretch", "desk-split-squat"}
DESK_FRIENDLY = ("none", "wall", "desk", "chair")
# 2–5 minutes of light movement per break (Dunstan et al. 2012, Henson et al. 2016, Diaz et al.
# 2023; see DESIGN.md).
SHORTEST, LONGEST = 120, 300


def test_the_catalog_has_every_required_exercise_and_validates():
    catalog = builtin()
    assert REQUIRED <= {e.id for e in catalog}
    assert len({e.id for e in catalog}) == len(catalog)
    for exercise in catalog:
        assert exercise.posture in ("standing", "floor")
        assert exercise.steps and exercise.cue and exercise.targets
        assert len(exercise.cue) < 100  # it has to fit in a notification


def test_the_catalog_is_big_enough_to_rotate_at_a_desk():
    catalog = builtin()
    assert len(catalog) >= 19
    at_desk = [e for e in catalog if e.posture == "standing" and e.equipment in DESK_FRIENDLY]
    assert len(at_desk) >= 10, [e.id for e in at_desk]
    assert {"desk", "chair"} <= set(exercises.EQUIPMENT)
    assert {e.group for e in catalog} == set(exercises.GROUPS)


@pytest.mark.parametrize("exercise", builtin(), ids=lambda e: e.id)
def test_every_builtin_move_teaches(exercise):
    assert len(exercise.steps) >= 3
    assert exercise.group in ("max", "med", "mobility")
    for line in (exercise.safety, exercise.easier, exercise.harder):
        assert line and "\n" not in line and len(line) <= 130, line
    assert exercise.safety != exercises.SAFETY  # written for the move, not the custom default
    safety = exercise.safety.lower()
    assert "pain" in safety and "dizz" in safety and "breath" in safety, exercise.safety
    assert exercise.rest >= 0 and exercise.rep_seconds >= 1


@pytest.mark.parametrize("ident", sorted(SINGLE_LEG))
def test_single_leg_moves_say_where_the_hands_go(ident):
    safety = {e.id: e for e in builtin()}[ident].safety.lower()
    assert "desk" in safety or "wall" in safety, safety
    assert "rolling chair" in safety, safety


@pytest.mark.parametrize("exercise", builtin(), ids=lambda e: e.id)
def test_every_dose_step_is_a_two_to_five_minute_break(exercise):
    low, middle, high = exercise.steps_of_dose()
    assert (low, high) == (exercise.reps or exercise.hold)
    assert low <= middle <= high
    for dose in (low, middle, high):
        assert SHORTEST <= exercise.break_seconds(dose) <= LONGEST, \
            (dose, exercise.break_seconds(dose))


def test_levels_follow_the_articles():
    """Level 1 activates, level 2 integrates: hinges, squats and lunges."""
    by_id = {e.id: e for e in builtin()}
    assert {e.id for e in by_id.values() if e.level == 2} == {
        "frog-pumps", "single-leg-rdl", "hip-hinge", "desk-split-squat", "sit-to-stand"}
    assert by_id["standing-hip-drive"].level == 1


def test_what_the_articles_contradict_is_settled():
    by_id = {e.id: e for e in builtin()}
    assert by_id["glute-bridge-hold"].hold and not by_id["glute-bridge-hold"].reps  # isometric
    assert by_id["standing-hip-drive"].hold == (10, 15)  # the steps' hold, not the table's reps
    assert moves.prescription(by_id["lateral-band-walk"]) == "3 × 10–15 steps each way"


def test_prescriptions_read_naturally():
    by_id = {e.id: e for e in builtin()}
    assert moves.prescription(by_id["single-leg-stand"]) == "2 × 30–50 s hold per side"
    assert moves.prescription(by_id["single-leg-stand"], 45) == "2 × 45 s hold per side"
    assert (moves.summary(by_id["standing-hip-drive"])
            == "Standing hip drive — 3 × 10–15 s hold per side")
    assert moves.prescription(by_id["band-half-squat"]) == "3 × 10–15"
    assert moves.summary(by_id["band-half-squat"], 12) == "Band half squat — 3 × 12"
    assert moves.prescription(by_id["standing-march"], 12) == "3 × 12 per leg, alternating"


def test_dose_steps_and_time():
    by_id = {e.id: e for e in builtin()}
    drive = by_id["standing-hip-drive"]  # 3 sets × 2 sides of a 10–15 s hold, 20 s rests
    assert drive.steps_of_dose() == (10, 13, 15)  # the middle rounds halves up
    assert [drive.amount(step) for step in range(3)] == [10, 13, 15]
    assert drive.work_seconds(10) == 10 and drive.work_seconds() == 10
    assert drive.break_seconds(10) == 6 * 10 + 5 * 20
    squat = by_id["band-half-squat"]  # 3 sets of 10–15 reps, 3 s a rep, 30 s rests
    assert squat.work_seconds(12) == 36
    assert squat.break_seconds(12) == 3 * 36 + 2 * 30
    assert moves.minutes_text(squat, 10) == "about 2½ min"  # 150 s
    assert moves.minutes_text(drive, 15) == "about 3 min"  # 190 s
    with pytest.raises(ValueError):
        drive.work_seconds(0)


def test_full_text_teaches_the_whole_move():
    bird_dog = {e.id: e for e in builtin()}["bird-dog"]
    text = moves.full_text(bird_dog)
    lines = text.splitlines()
    assert lines[0] == moves.summary(bird_dog)
    assert [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    for label in ("Cue: ", "Safety: ", "Easier: ", "Harder: "):
        assert any(line.startswith(label) for line in lines), label
    assert f"Time: {moves.minutes_text(bird_dog, bird_dog.steps_of_dose()[0])}" in text
    assert moves.full_text(bird_dog, 12).splitlines()[0] == "Bird dog — 2 × 12 per side"


def test_default_preferences_offer_standing_desk_friendly_level_one():
    offered = exercises.offered(builtin(), Preferences())
    assert len(offered) >= 8
    for exercise in offered:
        assert exercise.posture == "standing" and exercise.equipment in DESK_FRIENDLY
        assert exercise.level == 1
    assert Preferences().equipment == {"wall", "desk"}


def test_the_shipped_settings_have_the_office_equipment():
    default = Path(__file__).resolve().parents[2] / "config" / "default.toml"
    equipment = tomllib.loads(default.read_text("utf-8"))["exercises"]["equipment"]
    assert set(equipment) == {"wall", "desk"} == set(Preferences().equipment)


def test_sit_to_stand_waits_for_a_chair_that_does_not_roll():
    """Most office chairs roll: the defaults leave sit to stand out even at level 2, say why, and
    the move itself asks for a chair that does not roll."""
    sit = {e.id: e for e in builtin()}["sit-to-stand"]
    reason = moves.why_left_out(sit, Preferences(level=2))
    assert reason == 'needs a chair that does not roll; add "chair" to [exercises] equipment'
    assert moves.why_left_out(sit, Preferences(equipment=frozenset({"chair"}), level=2)) is None
    assert "does not roll" in sit.steps[0] and "does not roll" in sit.safety


def test_the_figure_four_eases_to_sitting_and_the_split_squat_stops_above_the_floor():
    by_id = {e.id: e for e in builtin()}
    assert by_id["standing-figure-four-stretch"].easier.startswith("Do it seated")
    lowering = by_id["desk-split-squat"].steps[2]
    assert "one hand on the desk" in lowering and "above the floor" in lowering


OLD_CUSTOM = {"id": "stair-climb", "name": "Stair climb", "posture": "standing",
              "equipment": "none", "level": 1, "sets": 1, "reps": [2, 3], "per_side": False,
              "targets": ["gluteus medius"], "steps": ["Walk up two flights."],
              "cue": "Push through the whole foot."}


def test_custom_exercises_without_the_new_fields_still_load():
    custom = parse_exercise(dict(OLD_CUSTOM), "config.toml: [exercises] custom #1")
    assert custom.safety == exercises.SAFETY and custom.easier == custom.harder == ""
    assert custom.group == "med"  # from the first glute among the targets
    assert custom.rest == 20 and custom.rep_seconds == 3
    assert moves.prescription(custom) == "1 × 2–3" and custom.break_seconds(2) == 6
    assert moves.minutes_text(custom, 2) == "about ½ min"
    assert "Easier" not in moves.full_text(custom) and "Safety: " in moves.full_text(custom)


def test_custom_exercises_may_give_the_new_fields():
    table = dict(OLD_CUSTOM, safety="Hold the rail.", easier="One flight.", harder="Three.",
                 group="max", rest=30, rep_seconds=20, unit="flights")
    custom = parse_exercise(table, "config.toml: [exercises] custom #1")
    assert (custom.group, custom.rest, custom.rep_seconds) == ("max", 30, 20)
    assert moves.prescription(custom) == "1 × 2–3 flights"
    assert "Harder: Three." in moves.full_text(custom)


@pytest.mark.parametrize("change, expected", [
    ({"group": "glutes"}, "group: must be one of 'max', 'med', 'mobility'"),
    ({"rest": -1}, "rest: must be a whole number of seconds from 0 to 300"),
    ({"rest": "20s"}, "rest: must be a whole number of seconds"),
    ({"rep_seconds": 0}, "rep_seconds: must be a whole number of seconds from 1 to 60"),
    ({"safety": ""}, "safety: must not be empty"),
    ({"easier": "one\ntwo"}, "easier: must be one line"),
    ({"reps": None, "hold": 30, "rep_seconds": 3}, "rep_seconds: only for reps"),
    ({"harder": 3}, "harder: must be a non-empty string"),
    ({"grup": "max"}, 'did you mean "group"?'),
    ({"side": "standing"}, "side: only for moves done per side"),
    ({"per_side": True, "side": "stance"}, "side: must be one of 'side', 'standing'"),
    ({"per_side": True, "first_side": "up"}, "first_side: must be one of 'right', 'left'"),
])
def test_new_fields_are_checked(change, expected):
    table = {k: v for k, v in dict(OLD_CUSTOM, **change).items() if v is not None}
    with pytest.raises(UserError) as err:
        parse_exercise(table, "config.toml: [exercises] custom #1")
    assert expected in str(err.value)


def test_the_builtin_catalog_must_give_the_teaching_fields():
    for missing in ("safety", "easier", "harder", "group"):
        table = dict(OLD_CUSTOM, steps=["One.", "Two.", "Three."], safety="Careful.",
                     easier="Less.", harder="More.", group="max")
        del table[missing]
        with pytest.raises(UserError, match=f"{missing}: "):
            parse_exercise(table, "exercises.toml #1", builtin=True)
    one_leg = dict(OLD_CUSTOM, steps=["One.", "Two.", "Three."], safety="s", easier="e",
                   harder="h", group="max", per_side=True)
    with pytest.raises(UserError, match="side: missing; say how the guide names a side"):
        parse_exercise(one_leg, "exercises.toml #1", builtin=True)
    assert parse_exercise(one_leg, "config.toml: [exercises] custom #1").side == "side"
    with pytest.raises(UserError, match="at least 3 steps"):
        parse_exercise(dict(OLD_CUSTOM, safety="s", easier="e", harder="h", group="max"),
                       "exercises.toml #1", builtin=True)


def test_reasons_for_leaving_out():
    by_id = {e.id: e for e in builtin()}
    prefs = Preferences(disabled=frozenset({"wall-lean"}))
    assert "disabled" in moves.why_left_out(by_id["wall-lean"], prefs)
    assert "floor = true" in moves.why_left_out(by_id["bird-dog"], prefs)
    assert '"band"' in moves.why_left_out(by_id["band-half-squat"], prefs)
    assert '"chair"' in moves.why_left_out(by_id["sit-to-stand"],
                                           Preferences(equipment=frozenset()))
    assert "level = 2" in moves.why_left_out(by_id["single-leg-rdl"], prefs)
    assert moves.why_left_out(by_id["single-leg-stand"], prefs) is None
    everything = Preferences(equipment=frozenset(exercises.EQUIPMENT), floor=True, level=2)
    assert all(moves.why_left_out(e, everything) is None for e in builtin())


def test_picker_prefers_least_recently_done_then_offered_and_avoids_repeats():
    a, b, c = builtin()[:3]
    catalog = (a, b, c)
    assert pick(catalog, {}, {}) == a
    assert pick(catalog, {a.id: 5.0}, {}) == b  # never done beats done
    assert pick(catalog, {a.id: 5.0, b.id: 9.0, c.id: 7.0}, {}) == a
    assert pick(catalog, {a.id: 5.0, b.id: 9.0, c.id: 7.0}, {}, avoid={a.id}) == c
    assert pick(catalog, {}, {a.id: 3.0, b.id: 1.0}) == c  # never offered first
    assert pick((a,), {}, {}, avoid={a.id}) == a  # the only choice is still a choice
    assert pick((), {}, {}) is None


def _seed_grams() -> set[str]:
    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.is_dir() or not any(seeds.glob("*.txt")):
        # outside CI a checkout without the articles next to it may skip; CI must compare
        skip_or_fail(f"the seed articles (*.txt) are not at {seeds}: the wording check compares "
                     "the catalog with them, so check out shared/seeds next to this repository")
    grams = set()
    for article in seeds.glob("*.txt"):
        grams |= _grams(_words(article.read_text(errors="ignore")))
    return grams


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _grams(words: list[str]) -> set[str]:
    return {" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


RUN = 8  # words in a row that count as copied
TEXT_FILES = {".py", ".toml", ".md", ".txt", ".cfg", ".ini", ".json", ".desktop", ".svg", ".sh",
              ".yml", ".yaml", ".rst", ""}
NOT_OURS = {".git", ".venv", "venv", "build", "dist", "artifacts", "__pycache__", ".hypothesis",
            ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def test_catalog_texts_do_not_copy_the_seed_articles():
    """Facts may come from the articles, sentences may not: no 8-word run in common, at any dose."""
    grams = _seed_grams()
    for exercise in builtin():
        texts = [moves.full_text(exercise)] + [moves.full_text(exercise, d)
                                               for d in exercise.steps_of_dose()]
        shared = set().union(*(_grams(_words(text)) for text in texts)) & grams
        assert not shared, (exercise.id, sorted(shared))


def test_no_file_in_the_repository_copies_the_seed_articles():
    """The same rule for every text file we ship or keep: code, comments, docs, settings."""
    grams = _seed_grams()
    import os

    root = Path(__file__).resolve().parents[2]
    copied = {}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in NOT_OURS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder, name)
            if path.suffix not in TEXT_FILES or path.stat().st_size > 2_000_000:
                continue
            try:
                text = path.read_text("utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            shared = _grams(_words(text)) & grams
            if shared:
                copied[str(path.relative_to(root))] = sorted(shared)[:3]
    assert not copied, copied


# --- cautions --------------------------------------------------------------------------------

CAUTIONED = {
    "lying-on-back": {"glute-bridge-hold", "frog-pumps"},
    "balance": SINGLE_LEG,
    "footwear": SINGLE_LEG,
    "deep-hip-bend": {"standing-figure-four-stretch", "single-leg-rdl"},
    "hard-squeeze": {"standing-glute-squeeze", "glute-bridge-hold"},
}


def test_every_move_carries_the_cautions_that_apply_to_it():
    by_caution = {c: {e.id for e in builtin() if c in e.cautions}
                  for c in exercises.Caution}
    assert by_caution == CAUTIONED


def test_the_lesson_shows_every_caution_in_words():
    from glutewake.words import phrases

    rdl = {e.id: e for e in builtin()}["single-leg-rdl"]
    lines = [line for line in phrases.lesson(rdl).splitlines() if line.startswith("Caution: ")]
    assert lines == ["Caution: " + phrases.caution(c) for c in rdl.cautions]
    assert any("With a hip replacement" in line for line in lines)
    assert any("never in heeled shoes" in line for line in lines)


def test_the_readme_shows_the_caution_words_the_lessons_use():
    from glutewake.words import phrases

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    for caution in exercises.Caution:
        assert f"| `{caution}` |" in readme and phrases.caution(caution) in readme


def test_conditions_leave_out_the_moves_that_do_not_fit_and_say_why():
    everything = dict(equipment=frozenset(exercises.EQUIPMENT), floor=True, level=2)
    for condition, caution in exercises.LEAVES_OUT.items():
        prefs = Preferences(**everything, conditions=frozenset({condition}))
        left_out = {e.id for e in builtin() if moves.why_left_out(e, prefs)}
        assert left_out == CAUTIONED[caution], condition
        reason = moves.why_left_out(next(e for e in builtin() if e.id in left_out), prefs)
        assert reason == f'left out for "{condition}" in [coach] cautions'


def test_custom_moves_may_name_cautions_and_a_wrong_one_is_told():
    custom = parse_exercise(dict(OLD_CUSTOM, cautions=["footwear"]), "config.toml: custom #1")
    assert custom.cautions == (exercises.Caution.FOOTWEAR,)
    assert parse_exercise(dict(OLD_CUSTOM), "config.toml: custom #1").cautions == ()
    with pytest.raises(UserError) as err:
        parse_exercise(dict(OLD_CUSTOM, cautions=["balanse"]), "config.toml: custom #1")
    assert 'cautions: "balanse" is not allowed; did you mean "balance"?' in str(err.value)
    with pytest.raises(UserError, match="cautions: must be a list of caution ids"):
        parse_exercise(dict(OLD_CUSTOM, cautions="balance"), "config.toml: custom #1")
