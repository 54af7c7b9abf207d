"""Settings: defaults, overrides, and a one-line error for every kind of mistake."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from glutewake.app import settings_file
from glutewake.core import config
from glutewake.core.errors import UserError
from glutewake.words import moves

DEFAULTS = Path(__file__).resolve().parents[2] / "config" / "default.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    return path


def error_for(tmp_path, text) -> str:
    with pytest.raises(UserError) as err:
        settings_file.load(write(tmp_path, text))
    message = str(err.value)
    assert "\n" not in message
    return message


def test_every_key_of_the_shipped_defaults_is_declared_and_every_declared_key_shipped():
    shipped = tomllib.loads(DEFAULTS.read_text("utf-8"))
    assert {s: set(k) for s, k in shipped.items()} == {s: set(config.keys(s))
                                                        for s in config.SECTIONS}


def test_every_default_key_is_commented():
    lines = DEFAULTS.read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[number - 1].startswith("#"), f"no comment above: {line}"


def test_defaults_are_the_documented_values(tmp_path):
    settings = settings_file.load(tmp_path / "missing.toml")
    breaks = settings.breaks
    assert breaks.every == 1800 and breaks.natural_break == 300 and breaks.snooze == 600
    assert breaks.remind_again == 300 and breaks.max_reminders == 3
    assert breaks.snooze_choices == (300, 600, 1200)
    assert settings.prefs.equipment == {"wall", "desk"} and not settings.prefs.floor
    assert all(e.posture == "standing" and e.equipment in ("none", "wall", "desk", "chair")
               for e in settings.offered)


def test_overrides_apply(tmp_path):
    settings = settings_file.load(write(tmp_path, '[breaks]\nevery = "45m"\n'
                                                  '[exercises]\nfloor = true\n'
                                                  'equipment = ["wall", "band"]\n'))
    assert settings.breaks.every == 2700
    assert any(e.posture == "floor" for e in settings.offered)
    assert any(e.equipment == "band" for e in settings.offered)


def test_misspelt_key_names_file_key_and_suggestion(tmp_path):
    message = error_for(tmp_path, '[breaks]\nevrey = "20m"\n')
    assert message == (f'{tmp_path / "config.toml"}: [breaks] evrey: unknown key; '
                       'did you mean "every"?')


def test_unknown_section(tmp_path):
    assert 'did you mean "breaks"' in error_for(tmp_path, '[brakes]\nevery = "20m"\n')


def test_wrong_type(tmp_path):
    message = error_for(tmp_path, "[breaks]\nmax_reminders = \"three\"\n")
    assert "[breaks] max_reminders: must be a whole number from 1 to 20" in message


def test_bad_duration(tmp_path):
    message = error_for(tmp_path, '[breaks]\nevery = "half an hour"\n')
    assert "[breaks] every" in message and '"1h30m"' in message


def test_number_instead_of_duration(tmp_path):
    assert "must be a duration string" in error_for(tmp_path, "[breaks]\nevery = 30\n")


def test_snooze_longer_than_every_blames_the_key_the_user_wrote(tmp_path):
    assert "[breaks] snooze: is longer than [breaks] every" in error_for(
        tmp_path, '[breaks]\nsnooze = "40m"\n')
    message = error_for(tmp_path, '[breaks]\nevery = "5m"\n')
    assert str(tmp_path) in message and "[breaks] every: is shorter than [breaks] snooze" in message


def test_unknown_exercise_id(tmp_path):
    message = error_for(tmp_path, '[exercises]\ndisabled = ["wall-leen"]\n')
    assert '[exercises] disabled "wall-leen"' in message and 'did you mean "wall-lean"' in message


def test_cautions_say_what_applies_and_leave_out_what_does_not_fit(tmp_path):
    settings = settings_file.load(write(tmp_path, '[coach]\ncautions = ["pregnancy"]\n'
                                           '[exercises]\nfloor = true\nlevel = 2\n'))
    assert settings.prefs.conditions == {"pregnancy"}
    offered = {e.id for e in settings.offered}
    assert "glute-bridge-hold" not in offered and "frog-pumps" not in offered
    assert "bird-dog" in offered and "single-leg-stand" in offered
    assert settings_file.load(tmp_path / "missing.toml").prefs.conditions == frozenset()
    message = error_for(tmp_path, '[coach]\ncautions = ["pregnant"]\n')
    assert '[coach] cautions: "pregnant" is not allowed; did you mean "pregnancy"?' in message
    message = error_for(tmp_path, '[exercises]\nequipment = ["wal"]\n')
    assert 'did you mean "wall"?' in message


def test_toml_syntax_error_names_line_and_column(tmp_path):
    message = error_for(tmp_path, '[breaks]\nevery = 30m\n')
    assert f"{tmp_path / 'config.toml'}: line 2, column" in message and "TOML syntax" in message


def test_not_a_table(tmp_path):
    assert "must be a [breaks] table" in error_for(tmp_path, 'breaks = "often"\n')


def test_disabling_everything_is_refused(tmp_path):
    ids = [e.id for e in settings_file.load(tmp_path / "none.toml").offered]
    message = error_for(tmp_path, f"[exercises]\ndisabled = {ids!r}\n".replace("'", '"'))
    assert "leaves no exercise to suggest" in message


CUSTOM = '''
[[exercises.custom]]
id = "stair-climb"
name = "Stair climb"
posture = "standing"
equipment = "none"
level = 1
sets = 1
reps = [2, 3]
per_side = false
targets = ["gluteus maximus"]
steps = ["Walk up two flights."]
cue = "Push through the whole foot."
'''


def test_custom_exercise_joins_the_catalog(tmp_path):
    settings = settings_file.load(write(tmp_path, CUSTOM))
    custom = [e for e in settings.catalog if e.id == "stair-climb"]
    assert custom and custom[0] in settings.offered
    assert moves.prescription(custom[0]) == "1 × 2–3"


@pytest.mark.parametrize("change, expected", [
    (("per_side = false", "per_side = \"no\""), "per_side: must be true or false"),
    (("reps = [2, 3]", "reps = [3, 2]"), "reps: must be a positive whole number or [low, high]"),
    (("reps = [2, 3]", "hold = 5\nreps = 2"), "give exactly one of reps"),
    (('posture = "standing"', 'posture = "sitting"'), "posture: must be one of"),
    (('id = "stair-climb"', 'id = "wall-lean"'), '"wall-lean" is already used'),
    (("cue = ", "kue = "), 'unknown field; did you mean "cue"?'),
])
def test_custom_exercise_errors(tmp_path, change, expected):
    message = error_for(tmp_path, CUSTOM.replace(*change))
    assert expected in message and "[exercises] custom #1" in message


def test_set_value_validates_writes_atomically_and_keeps_a_backup(tmp_path):
    path = tmp_path / "config.toml"
    settings_file.set_value(path, "breaks.every", "45m")
    settings_file.set_value(path, "breaks.max_reminders", "5")
    settings_file.set_value(path, "exercises.equipment", '["wall", "band"]')
    data = tomllib.loads(path.read_text())
    assert data == {"breaks": {"every": "45m", "max_reminders": 5},
                    "exercises": {"equipment": ["wall", "band"]}}
    assert path.read_text().startswith("# glutewake settings")
    backup = tomllib.loads((tmp_path / "config.toml.bak").read_text())
    # the backup is the file before the last set
    assert backup == {"breaks": {"every": "45m", "max_reminders": 5}}
    with pytest.raises(UserError, match="must be a duration"):
        settings_file.set_value(path, "breaks.every", "5")
    assert tomllib.loads(path.read_text())["breaks"]["every"] == "45m"  # untouched
    with pytest.raises(UserError, match='did you mean "breaks.snooze"'):
        settings_file.set_value(path, "breaks.snoze", "5m")
    assert not list(tmp_path.glob("*.tmp"))


# Random documents: loading either succeeds or raises one-line UserError, never anything else.
values = st.recursive(
    st.one_of(st.booleans(), st.integers(-5, 50), st.text(max_size=12),
              st.sampled_from(["30m", "5m", "1h", "10s", "07:00", "wall", "band", "none"])),
    lambda children: st.lists(children, max_size=4), max_leaves=6)
keys = st.sampled_from([f"{s}.{k}" for s in config.SECTIONS for k in config.keys(s)] + ["breaks.x"])


@hsettings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_random_settings_never_crash(tmp_path_factory, assignments):
    import tomli_w

    document: dict = {}
    for dotted, value in assignments.items():
        section, key = dotted.split(".")
        document.setdefault(section, {})[key] = value
    path = tmp_path_factory.mktemp("fuzz") / "config.toml"
    path.write_text(tomli_w.dumps(document))
    try:
        settings_file.load(path)
    except UserError as err:
        assert "\n" not in str(err) and str(path) in str(err)


def test_a_value_with_a_newline_still_gives_one_line(tmp_path):
    message = error_for(tmp_path, '[breaks]\nevery = "30\\nm"\n')
    assert '"30\\nm" is not a duration' in message


def test_absurd_durations_are_refused_with_the_bound():
    for value in ("1" * 400 + "h", "25h", "99999999999h"):
        with pytest.raises(UserError) as err:
            settings_file.build({"breaks": {"every": value}}, Path("huge.toml"))
        assert "[breaks] every" in str(err.value) and "\n" not in str(err.value)
    assert settings_file.build({"breaks": {"every": "24h"}}, Path("ok.toml")).breaks.every == 86400


USER_FILE = """\
# My glutewake settings, written by hand.

[breaks]
# I stand a lot anyway
every = "45m"  # was 30m

snooze = "5m"

[quiet]
apps = ["zoom"]  # the one I use
"""


def test_set_keeps_the_users_comments_order_blank_lines_and_mode(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, "utf-8")
    path.chmod(0o640)
    settings_file.set_value(path, "breaks.every", "60m")
    settings_file.set_value(path, "quiet.camera", "false")
    settings_file.set_value(path, "goals.daily_breaks", "8")
    text = path.read_text("utf-8")
    expected = (USER_FILE.replace('every = "45m"', 'every = "60m"')
                .replace('apps = ["zoom"]  # the one I use\n',
                         'apps = ["zoom"]  # the one I use\ncamera = false\n')
                + "\n[goals]\ndaily_breaks = 8\n")
    assert text == expected
    assert path.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "config.toml.bak").read_text("utf-8").count("daily_breaks") == 0
    assert settings_file.load(path).breaks.every == 3600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "config.toml.bak"]


def test_a_wrong_value_writes_nothing_and_a_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, "utf-8")
    with pytest.raises(UserError, match=r"breaks\] every"):
        settings_file.set_value(path, "breaks.every", "soon")
    assert path.read_text("utf-8") == USER_FILE
    assert not (tmp_path / "config.toml.bak").exists()
    path.write_text(USER_FILE + "oops = \n", "utf-8")
    with pytest.raises(UserError, match="line 11, column 8"):
        settings_file.set_value(path, "breaks.every", "60m")


def test_set_on_a_missing_file_starts_it_with_the_explaining_header(tmp_path):
    path = tmp_path / "new" / "config.toml"
    settings_file.set_value(path, "breaks.every", "20m")
    text = path.read_text("utf-8")
    assert text.startswith(settings_file.USER_HEADER)
    assert tomllib.loads(text) == {"breaks": {"every": "20m"}}


def test_sync_folder_is_off_by_default_and_takes_a_full_path(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    from glutewake.app import paths

    assert settings_file.load(tmp_path / "missing.toml").sync.folder == ""
    settings = settings_file.load(write(tmp_path, '[sync]\nfolder = "~/Sync/glutewake/"\n'))
    assert paths.folder(settings.sync.folder) == str(tmp_path / "Sync" / "glutewake")
    assert "[sync] folder: " in error_for(tmp_path, '[sync]\nfolder = "Sync/glutewake"\n')
    assert "is not a full path" in error_for(tmp_path, '[sync]\nfolder = "Sync/glutewake"\n')
    assert "must be a folder in quotes" in error_for(tmp_path, "[sync]\nfolder = true\n")
