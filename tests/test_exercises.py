"""The shipped catalog and the picker."""

from pathlib import Path

from glutewake.core import exercises
from glutewake.core.exercises import Preferences, pick, why_not_offered
from tests.support import skip_or_fail

REQUIRED = {"single-leg-stand", "standing-hip-drive", "wall-lean", "band-half-squat",
            "wall-clamshell", "bird-dog", "glute-bridge-hold", "lateral-band-walk", "frog-pumps",
            "single-leg-rdl", "standing-glute-squeeze", "standing-donkey-kick"}


def test_the_catalog_has_every_required_exercise_and_validates():
    catalog = exercises.builtin()
    assert REQUIRED <= {e.id for e in catalog}
    assert len({e.id for e in catalog}) == len(catalog)
    for exercise in catalog:
        assert exercise.posture in ("standing", "floor")
        assert exercise.steps and exercise.cue and exercise.targets
        assert len(exercise.cue) < 100  # it has to fit in a notification


def test_levels_follow_the_articles():
    by_id = {e.id: e for e in exercises.builtin()}
    assert by_id["frog-pumps"].level == 2 and by_id["single-leg-rdl"].level == 2
    assert by_id["standing-hip-drive"].level == 1


def test_prescriptions_read_naturally():
    by_id = {e.id: e for e in exercises.builtin()}
    assert by_id["single-leg-stand"].prescription == "3 × 30–60 s hold per side"
    assert by_id["band-half-squat"].prescription == "3 × 10–15"
    assert "Cue: " in by_id["bird-dog"].full_text()


def test_default_preferences_offer_standing_wall_or_no_equipment_level_one():
    offered = exercises.offered(exercises.builtin(), Preferences())
    assert offered
    for exercise in offered:
        assert exercise.posture == "standing" and exercise.equipment in ("none", "wall")
        assert exercise.level == 1


def test_reasons_for_leaving_out():
    by_id = {e.id: e for e in exercises.builtin()}
    prefs = Preferences(disabled=frozenset({"wall-lean"}))
    assert "disabled" in why_not_offered(by_id["wall-lean"], prefs)
    assert "floor = true" in why_not_offered(by_id["bird-dog"], prefs)
    assert '"band"' in why_not_offered(by_id["band-half-squat"], prefs)
    assert "level = 2" in why_not_offered(by_id["single-leg-rdl"], prefs)
    assert why_not_offered(by_id["single-leg-stand"], prefs) is None
    everything = Preferences(equipment=frozenset({"wall", "band"}), floor=True, level=2)
    assert all(why_not_offered(e, everything) is None for e in exercises.builtin())


def test_picker_prefers_least_recently_done_then_offered_and_avoids_repeats():
    a, b, c = exercises.builtin()[:3]
    catalog = (a, b, c)
    assert pick(catalog, {}, {}) == a
    assert pick(catalog, {a.id: 5.0}, {}) == b  # never done beats done
    assert pick(catalog, {a.id: 5.0, b.id: 9.0, c.id: 7.0}, {}) == a
    assert pick(catalog, {a.id: 5.0, b.id: 9.0, c.id: 7.0}, {}, avoid={a.id}) == c
    assert pick(catalog, {}, {a.id: 3.0, b.id: 1.0}) == c  # never offered first
    assert pick((a,), {}, {}, avoid={a.id}) == a  # the only choice is still a choice
    assert pick((), {}, {}) is None


def test_catalog_texts_do_not_copy_the_seed_articles():
    """Facts may come from the articles, sentences may not: no 8-word run in common."""
    import re

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir() or not any(seeds.glob("*.txt")):
        # outside CI a checkout without the articles next to it may skip; CI must compare
        skip_or_fail(f"the seed articles (*.txt) are not at {seeds}: the wording check compares "
                     "the catalog with them, so check out shared/seeds next to this repository")
    words = lambda text: re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))
    grams = set()
    for article in seeds.glob("*.txt"):
        w = words(article.read_text(errors="ignore"))
        grams |= {" ".join(w[i:i + 8]) for i in range(len(w) - 7)}
    for exercise in exercises.builtin():
        w = words(exercise.full_text())
        shared = [" ".join(w[i:i + 8]) for i in range(len(w) - 7) if " ".join(w[i:i + 8]) in grams]
        assert not shared, (exercise.id, shared)
