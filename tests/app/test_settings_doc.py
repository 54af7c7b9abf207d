"""The one declaration of the settings (glutewake/core/config.py) and what is made from it:
config/default.toml, `glutewake config show --defaults`, the README's table of settings and the
checks of every key. When a shipped file is stale, `python -m glutewake.app.settings_doc` writes
it again."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from glutewake.app import settings_doc, settings_file
from glutewake.core import config
from glutewake.core.errors import UserError
from tests.support import glutewake

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "run `.venv/bin/python -m glutewake.app.settings_doc`"
KEYS = [(name, key) for name in config.SECTIONS for key in config.keys(name)]


def test_the_shipped_defaults_file_is_the_one_the_declaration_makes():
    shipped = (ROOT / "config" / "default.toml").read_text("utf-8")
    assert shipped == settings_doc.defaults_file(), f"config/default.toml is stale: {REGENERATE}"


def test_config_show_defaults_prints_the_same_file(home):
    shown = glutewake(home, "config", "show", "--defaults")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == (ROOT / "config" / "default.toml").read_text("utf-8")


def test_the_readmes_table_of_settings_is_the_one_the_declaration_makes():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme.count(settings_doc.TABLE_START) == 1 and readme.count(settings_doc.TABLE_END) == 1
    assert settings_doc.with_table(readme) == readme, \
        f"README.md's settings are stale: {REGENERATE}"


def table_rows() -> dict[str, tuple[str, str]]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme[readme.index(settings_doc.TABLE_START):readme.index(settings_doc.TABLE_END)]
    return {m[1]: (m[2], m[3]) for m in re.finditer(r"^\| `([a-z_.]+)` \| `(.*?)` \| (.*) \|$",
                                                       block, re.MULTILINE)}


def test_the_readmes_table_names_every_key_with_the_default_in_force():
    """Each default the README gives, written into a settings file, changes nothing: the table
    tells the truth (it once said the equipment default was ["wall"])."""
    rows = table_rows()
    assert sorted(rows) == sorted(f"{name}.{key}" for name, key in KEYS)
    defaults = settings_file.defaults()
    for dotted, (default, meaning) in rows.items():
        name, key = dotted.split(".")
        written = tomllib.loads(f"value = {default}")["value"]
        assert settings_file.build({name: {key: written}}, Path("readme")) == defaults, dotted
        assert meaning.strip(), dotted
    assert rows["exercises.equipment"][0] == '["wall", "desk"]'


def test_the_readme_and_the_defaults_say_the_same_delay_before_an_edit_applies():
    """They once disagreed (two minutes, half a minute): both now say the daemon's safety look."""
    from glutewake.app.daemon import TICK

    within = settings_doc.applies_within()
    assert within == {30.0: "30 seconds", 60.0: "a minute", 120.0: "two minutes"}.get(TICK, within)
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    defaults = " ".join((ROOT / "config" / "default.toml").read_text("utf-8").replace(
        "\n# ", " ").split())
    assert f"applies a saved change within {within}," in readme
    assert f"picks up a saved change within {within} " in defaults


def test_the_defaults_file_read_as_a_users_file_gives_the_defaults():
    shipped = (ROOT / "config" / "default.toml").read_bytes()
    assert settings_file.load(Path("default.toml"), shipped) == settings_file.defaults()
    assert config.Settings(catalog=settings_file.defaults().catalog) == settings_file.defaults()


def test_every_key_is_explained_for_the_file_and_the_table():
    for name, key in KEYS:
        known = config.keys(name)[key]
        assert known.doc.strip() and known.meaning.strip(), f"{name}.{key}"
        assert "\n" not in known.meaning and "|" not in known.meaning, f"{name}.{key}"


@pytest.mark.parametrize("name, key", KEYS, ids=[f"{n}.{k}" for n, k in KEYS])
def test_every_key_refuses_a_wrong_value_in_one_line_naming_its_file_and_key(name, key):
    with pytest.raises(UserError) as err:
        settings_file.build({name: {key: {"a": "table"}}}, Path("mine.toml"))
    assert str(err.value).startswith(f"mine.toml: [{name}] {key}") and "\n" not in str(err.value)
