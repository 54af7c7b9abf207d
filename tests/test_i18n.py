"""glutewake speaks the user's language: the catalogs are complete and current, the language is
chosen as documented, and no English is left in what the main commands print.

The pseudo-locale tests build a throwaway catalog where every text is its English wrapped in
⟦ ⟧: every line a person reads must show the brackets, which proves every text goes through
gettext before any real translation exists. The shipped-language tests then check the real
catalogs the same way, against the English run.
"""

from __future__ import annotations

import ctypes
import json
import re
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from glutewake import i18n
from glutewake.locale import catalogs
from tests.support import Running, glutewake, journal_path, write_config

babel = pytest.importorskip("babel", reason="Babel builds the catalogs (the test extra has it)")
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "glutewake" / "locale"
SHIPPED = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE]
FOUND = [lang for lang, _po in catalogs.translations(LOCALE)]
FAST = '[breaks]\nevery = "3s"\nsnooze = "2s"\nremind_again = "2s"\nnatural_break = "1h"\n'
EXERCISE = "wall-lean"


def speak(env: dict[str, str], catalogs_in: Path | None, **variables: str) -> dict[str, str]:
    """`env` with only the given locale variables set (the caller's LANG and the like removed)
    and, when given, the compiled catalogs taken from `catalogs_in`."""
    env = {k: v for k, v in env.items()
           if k not in (*i18n.ENVIRONMENT, i18n.LOCALE_DIR_VARIABLE)} | variables
    if catalogs_in is not None:
        env[i18n.LOCALE_DIR_VARIABLE] = str(catalogs_in)
    return env


def template():
    with open(LOCALE / "glutewake.pot", "rb") as source:
        return read_po(source)


def ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def fields(text: str) -> tuple[list[str], int]:
    """The named fields of a text ({name} and %(name)s, sorted) and how many positional ones
    (%s, %r, %d, {})."""
    named = re.findall(r"(?<!\{)\{([A-Za-z_]\w*)[^{}]*\}", text)
    named += re.findall(r"%\(([A-Za-z_]\w*)\)[sdrif]", text)
    positional = len(re.findall(r"%[sdrif]", text.replace("%%", ""))) + text.count("{}")
    return sorted(named), positional


# --- the catalogs -----------------------------------------------------------------------------

def test_the_shipped_languages_have_catalogs():
    assert set(SHIPPED) == {"de", "fr", "es"}
    missing = [lang for lang in SHIPPED if lang not in FOUND]
    assert not missing, (f"no glutewake/locale/<lang>/LC_MESSAGES/glutewake.po for {missing}; "
                         "glutewake/locale/README.md says how to add one")


@pytest.mark.parametrize("lang", sorted(set(SHIPPED) | set(FOUND)))
def test_every_text_is_translated_with_the_same_fields(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "glutewake.po"
    if not po.exists():
        pytest.fail(f"{lang}: no {po.relative_to(ROOT)} yet")
    catalog = catalogs.read(po, lang)
    problems = []
    for message in template():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        label = ids(message)[0][:60]
        if found is None or not all(found.string if isinstance(found.string, tuple)
                                    else [found.string]):
            problems.append(f"untranslated: {label!r}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        wanted = fields(ids(message)[-1])
        for text in strings:
            if fields(text) != wanted and not (len(strings) > 1 and fields(text)[0] ==
                                               [f for f in wanted[0] if f != "count"]):
                problems.append(f"fields differ: {label!r} -> {text[:60]!r} ({fields(text)} "
                                f"instead of {wanted})")
    assert not problems, f"{lang}: {len(problems)} problems:\n" + "\n".join(problems[:40])


def test_the_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "glutewake.pot"
    catalogs.extract(fresh)
    with open(fresh, "rb") as source:
        now = {(m.context, m.id) for m in read_po(source) if m.id}
    shipped = {(m.context, m.id) for m in template() if m.id}
    assert now == shipped, ("glutewake.pot is stale; run `make translations`. New: "
                            f"{sorted(map(str, now - shipped))[:10]}, gone: "
                            f"{sorted(map(str, shipped - now))[:10]}")


def test_the_template_names_the_exercise_of_each_of_its_texts():
    comments = {m.id: m.auto_comments for m in template() if m.id}
    from glutewake.app.catalog import builtin

    for exercise in builtin():
        assert f"exercise {exercise.id}: its name" in comments[exercise.name]
        for n, step in enumerate(exercise.steps, 1):
            assert f"exercise {exercise.id}: step {n}" in comments[step]
        assert any(c.startswith(f"exercise {exercise.id}:") for c in comments[exercise.cue])


# --- choosing the language --------------------------------------------------------------------

ALL = ("en", "de", "fr", "es")


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "pt_BR.UTF-8"}, "en"),
    ({"LANG": "fr_CA.UTF-8", "LC_MESSAGES": "es_ES.UTF-8"}, "es"),
    ({"LANG": "fr_FR", "LC_MESSAGES": "es_ES", "LC_ALL": "de_AT.UTF-8@euro"}, "de"),
    ({"LANG": "fr_FR", "LC_ALL": "de_DE", "LANGUAGE": "es"}, "es"),
    ({"LANGUAGE": "pt_BR:fr:de", "LANG": "de_DE"}, "fr"),
    ({"LANGUAGE": "C:de", "LANG": "de_DE"}, "en"),
    ({"LANGUAGE": "", "LANG": "es_MX.UTF-8"}, "es"),
])
def test_the_environment_chooses_in_gettext_order(environ, expected):
    assert i18n.choose(None, environ, "linux", ALL) == expected
    assert i18n.choose("auto", environ, "linux", ALL) == expected


def test_the_setting_wins_over_the_environment_and_needs_a_catalog():
    environ = {"LANGUAGE": "de", "LANG": "de_DE.UTF-8"}
    assert i18n.choose("fr", environ, "linux", ALL) == "fr"
    assert i18n.choose("en", environ, "linux", ALL) == "en"
    assert i18n.choose("es", environ, "linux", ("en", "de")) == "en"  # es not built: English
    assert i18n.choose(None, {"LANG": "fr_FR"}, "linux", ("en", "de")) == "en"


def test_ui_language_in_the_settings_file_wins_over_the_environment(home, tmp_path):
    base = build(tmp_path / "locale", "de", transform=pseudo)
    build(base, "fr", transform=lambda text: f"«{text}»")
    env = speak(home, base, LANG="fr_FR.UTF-8")
    assert glutewake(env, "exercises").stdout.startswith("«")  # auto: the environment
    write_config(home, '[ui]\nlanguage = "de"\n')
    shown = glutewake(env, "exercises", "show", EXERCISE)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("⟦") and "«" not in shown.stdout
    write_config(home, '[ui]\nlanguage = "en"\n')
    assert glutewake(env, "exercises").stdout.startswith("Level")


def test_a_wrong_ui_language_is_one_line_naming_the_file_key_and_choices(home):
    path = write_config(home, '[ui]\nlanguage = "klingon"\n')
    result = glutewake(home, "config", "check")
    assert result.returncode == 2
    assert result.stderr == (f'glutewake: {path}: [ui] language: must be one of "auto", "en", '
                             '"de", "fr", "es", not \'klingon\'\n')
    assert glutewake(home, "--help").returncode == 0  # help still shows, in the auto language
    from glutewake.app import settings_file

    assert settings_file.load(write_config(home, '[ui]\nlanguage = "es"\n')).ui.language == "es"
    assert settings_file.load(write_config(home, "")).ui.language == "auto"


class FakeKernel:
    """The two kernel32 calls glutewake asks on Windows."""

    def __init__(self, langid: int, name: str = ""):
        self.langid, self.name, self.asked = langid, name, []

    def GetUserDefaultUILanguage(self):  # noqa: N802 (the Windows name)
        self.asked.append("ui")
        return self.langid

    def GetUserDefaultLocaleName(self, buffer, size):  # noqa: N802
        self.asked.append("locale")
        buffer.value = self.name
        return len(self.name) + 1 if self.name else 0


@pytest.fixture
def windows(monkeypatch):
    def install(kernel: FakeKernel) -> FakeKernel:
        monkeypatch.setattr(ctypes, "windll", type("WinDLL", (), {"kernel32": kernel}),
                            raising=False)
        return kernel

    return install


def test_windows_uses_the_display_language(windows):
    kernel = windows(FakeKernel(0x0407))  # German (Germany)
    assert i18n.choose(None, {}, "win32", ALL) == "de"
    assert kernel.asked == ["ui"]
    windows(FakeKernel(0x040C))
    assert i18n.choose("auto", {}, "win32", ALL) == "fr"
    windows(FakeKernel(0x0C0A))  # Spanish (Spain, modern sort)
    assert i18n.choose(None, {}, "win32", ALL) == "es"


def test_windows_falls_back_to_the_locale_name_then_english(windows):
    kernel = windows(FakeKernel(0x7FFF, "es-MX"))  # an id the table lacks
    assert i18n.choose(None, {}, "win32", ALL) == "es"
    assert kernel.asked == ["ui", "locale"]
    windows(FakeKernel(0x7FFF, ""))
    assert i18n.choose(None, {}, "win32", ALL) == "en"
    windows(FakeKernel(0x0416))  # Portuguese (Brazil): not shipped
    assert i18n.choose(None, {}, "win32", ALL) == "en"


def test_on_windows_the_environment_and_the_setting_still_come_first(windows):
    kernel = windows(FakeKernel(0x0407))
    assert i18n.choose(None, {"LANG": "fr_FR.UTF-8"}, "win32", ALL) == "fr"
    assert i18n.choose("es", {}, "win32", ALL) == "es"
    assert kernel.asked == []


def test_windows_without_the_call_is_english(windows):
    class Broken:
        def GetUserDefaultUILanguage(self):  # noqa: N802
            raise OSError("no such procedure")

    windows(Broken())
    assert i18n.choose(None, {}, "win32", ALL) == "en"


# --- a pseudo-locale: every text wrapped, so English that slips through shows --------------------

FIELD = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sdrif]|%[sdrif%]")


def pseudo(text: str) -> str:
    """The text bracketed, with the case of its letters swapped (not of its fields), so that
    no English is left in it."""
    parts, found = FIELD.split(text), FIELD.findall(text)
    return "⟦" + parts[0].swapcase() + "".join(
        field + part.swapcase() for field, part in zip(found, parts[1:], strict=True)) + "⟧"


def build(base: Path, lang: str, po: Path | None = None, transform=None) -> Path:
    """A compiled catalog for `lang` under `base`: the shipped .po, or the template with every
    text passed through `transform`."""
    if po is not None:
        catalog = catalogs.read(po, lang)
    else:
        catalog = template()
        catalog.locale = lang
        for message in catalog:
            if message.id:
                message.string = (tuple(transform(i) for i in message.id)
                                  if isinstance(message.id, tuple) else transform(message.id))
    mo = base / lang / "LC_MESSAGES" / "glutewake.mo"
    mo.parent.mkdir(parents=True, exist_ok=True)
    with open(mo, "wb") as out:
        write_mo(out, catalog)
    return base


@pytest.fixture
def speaking(monkeypatch):
    """Switch this process's language to a catalog directory; English again afterwards."""
    def use(base: Path, lang: str) -> None:
        monkeypatch.setenv(i18n.LOCALE_DIR_VARIABLE, str(base))
        assert i18n.setup(lang) == lang

    yield use
    monkeypatch.delenv(i18n.LOCALE_DIR_VARIABLE, raising=False)
    i18n.setup("en")


def test_lookups_follow_setup_and_keep_their_fields(tmp_path, speaking):
    from glutewake.words import phrases
    from glutewake.words.times import humanize

    assert humanize(3900) == "1 h 5 min"
    speaking(build(tmp_path, "de", transform=pseudo), "de")
    assert i18n.language() == "de"
    assert humanize(3900) == "⟦1 H 5 MIN⟧"
    assert phrases.STOPPING == "⟦GLUTEWAKE IS STOPPING.⟧"  # looked up when read
    assert pseudo("{hours} h {minutes} min") == "⟦{hours} H {minutes} MIN⟧"
    assert i18n._("") == ""  # never the catalog's header
    i18n.setup("en")
    assert phrases.STOPPING == "glutewake is stopping."


def test_a_translation_with_wrong_fields_gives_way_to_english(tmp_path, speaking):
    from glutewake.words.times import humanize

    speaking(build(tmp_path, "fr", transform=lambda t: t.replace("{minutes}", "{minuten}")),
             "fr")
    assert humanize(600) == "10 min"  # the broken French fell back, no KeyError


def run_all(env: dict[str, str], home: dict[str, str]) -> dict[str, list[str]]:
    """The lines the main commands print (stdout and stderr), by command. Help is printed wide,
    so each help text is one line (not wrapped at different words in each language)."""
    env = dict(env, COLUMNS="400")
    out = {}
    for name, args in COMMANDS.items():
        result = glutewake(env, *args)
        out[name] = (result.stdout + result.stderr).splitlines()
    out["reminder"] = console_reminder(env)
    return out


COMMANDS = {
    "help": ["--help"],
    "run help": ["run", "--help"],
    "stats help": ["stats", "--help"],
    "status": ["status"],
    "status json": ["status", "--json"],
    "exercises": ["exercises"],
    "exercises show": ["exercises", "show", EXERCISE],
    "stats": ["stats"],
    "log": ["log"],
    "no such exercise": ["exercises", "show", "wall-leen"],
    "unknown command": ["stauts"],
    "bad duration": ["snooze", "soon"],
    "empty snooze": ["snooze", "0s"],
    "long pause": ["pause", "800h"],
    "autostart enable": ["autostart", "enable"],
    "autostart status": ["autostart", "status"],
    "autostart disable": ["autostart", "disable"],
    "install help": ["install-desktop", "--help"],
    "install": ["install-desktop"],
    "install remove": ["install-desktop", "--remove"],
}


def console_reminder(env: dict[str, str]) -> list[str]:
    """The lines of one reminder in console mode, and the answer to `done`."""
    daemon = Running(env, "--console")
    try:
        daemon.wait_for("×")  # the title line came just before the exercise line
        first = next(n for n, line in enumerate(daemon.lines) if line.startswith("["))
        daemon.wait_for("[")  # the repeat, 2 s later: the whole first reminder is in
        lines = daemon.lines[first:-1]
        answer = glutewake(env, "done")
        assert answer.returncode == 0, answer.stderr
        lines += answer.stdout.splitlines()
        assert glutewake(env, "quit").returncode == 0
        daemon.proc.wait(10)
    finally:
        daemon.stop()
    return lines


@pytest.fixture
def lived_in(home):
    """A home with settings for quick reminders and a journal with a few days in it."""
    from glutewake.core.events import Record
    from glutewake.store.journal import Journal

    write_config(home, FAST)
    journal = Journal(journal_path(home))
    today = date.today()
    for n in range(3):
        wall = datetime(today.year, today.month, today.day, 8 + n).timestamp()
        journal.record(Record("reminded", wall, 1800, "wall-lean", reminder=1))
        journal.record(Record("done", wall + 300, 1800, "wall-lean"))
        journal.record(Record("snoozed", wall + 60, 1860, "bird-dog", duration=600))
    journal.close()
    return home


# Lines that are data alone: paths, the JSON keys, version numbers, ids and option syntax.
def data_only(line: str, home: dict[str, str]) -> bool:
    if re.fullmatch(r"\s*[a-z]+", line):
        return True  # a command's name, when argparse puts its help on the next line
    rest = line
    for value in sorted((v for k, v in home.items() if k.startswith(("HOME", "XDG_"))),
                        key=len, reverse=True):
        rest = rest.replace(value, "")
    rest = re.sub(r"/[\w./-]+", "", rest)  # paths of installed files (pictures)
    rest = re.sub(r"\[?--?[\w-]+\]?|\{[\w,-]+\}|\bglutewake\b|[\w-]+-[\w-]+", "", rest)
    return not re.search(r"[^\W\d_]", rest)


def english(lines: dict[str, list[str]]) -> None:
    """The untranslated run reads as before: the catalog changed nothing in English."""
    assert any(line.startswith("usage: glutewake") for line in lines["help"])
    assert any("Wall lean" in line for line in lines["exercises show"])
    assert any(line.startswith("Time to stand") or "Time to stand" in line
               for line in lines["reminder"])


LEFT_OUT = "Offered in reminders."  # the pseudo-locale leaves this one English, on purpose


def unwrapped(shown: dict[str, list[str]], home: dict[str, str]) -> list[str]:
    """The lines of a pseudo-locale run without the brackets (data alone does not count)."""
    bare = []
    for command, lines in shown.items():
        if command == "status json":
            import json

            status = json.loads("\n".join(lines))
            assert "⟦" in status["line"] and "⟦" in status["text"]
            continue
        bare += [f"{command}: {line}" for line in lines
                 if "⟦" not in line and not data_only(line, home)]
    return bare


def english_left(lang: str, catalog, shown, english_run, home) -> list[str]:
    """Where a run in `lang` still reads as the English run: a line with words that is the same
    (unless only texts the language keeps as they are make it so), or an English text of the
    catalog (12 characters or more) that the language translates differently."""
    def strings(message) -> tuple[str, ...]:
        return message.string if isinstance(message.string, tuple) else (message.string,)

    kept = {text for m in catalog if m.id for text in ids(m)
            if len(text) >= 12 and all(strings(m)) and text not in strings(m)}
    same = sorted((text for m in catalog if m.id for text in ids(m)
                   if all(strings(m)) and text in strings(m)), key=len, reverse=True)
    problems = []
    for command, lines in shown.items():
        if command == "status json":
            continue
        before = english_run[command]
        for n, line in enumerate(lines):
            if data_only(line, home):
                continue
            leftover = line
            for text in same:
                leftover = leftover.replace(text, "")
            if n < len(before) and line == before[n] and not data_only(leftover, home):
                problems.append(f"{lang} {command}: unchanged: {line}")
            problems += [f"{lang} {command}: English {text!r} in: {line}"
                         for text in kept if text in line]
    return problems


def test_pseudo_locale_leaves_no_line_unwrapped(lived_in, tmp_path):
    """Every line a person reads is looked up, checked before real translations exist; and the
    check of the shipped languages below finds the one text left English, and nothing else."""
    english_run = run_all(speak(lived_in, None, LANGUAGE="en"), lived_in)
    english(english_run)
    base = build(tmp_path / "locale", "de",
                 transform=lambda text: "" if text == LEFT_OUT else pseudo(text))
    env = speak(lived_in, base, LANGUAGE="de")
    shown = run_all(env, lived_in)
    assert shown["reminder"] and shown["stats"] and shown["exercises show"]
    assert unwrapped(shown, lived_in) == [f"exercises show: {LEFT_OUT}"]
    catalog = template()
    for message in catalog:
        if message.id and message.id != LEFT_OUT:
            message.string = (tuple(map(pseudo, message.id)) if isinstance(message.id, tuple)
                              else pseudo(message.id))
    assert english_left("de", catalog, shown, english_run, lived_in) == [
        f"de exercises show: unchanged: {LEFT_OUT}"]


def test_every_shipped_language_replaces_the_english(lived_in, tmp_path):
    """Each command's output under LANGUAGE=de/fr/es against the English run (see
    english_left)."""
    missing = [lang for lang in SHIPPED if lang not in FOUND]
    assert not missing, f"no glutewake/locale/<lang>/LC_MESSAGES/glutewake.po for {missing}"
    base = tmp_path / "locale"
    for lang, po in catalogs.translations(LOCALE):
        build(base, lang, po)
    english_run = run_all(speak(lived_in, None, LANGUAGE="en"), lived_in)
    english(english_run)
    problems = []
    for lang in SHIPPED:
        catalog = catalogs.read(LOCALE / lang / "LC_MESSAGES" / "glutewake.po", lang)
        env = speak(lived_in, base, LANGUAGE=lang)
        problems += english_left(lang, catalog, run_all(env, lived_in), english_run, lived_in)
    assert not problems, f"{len(problems)} lines:\n" + "\n".join(problems[:60])


# --- building -----------------------------------------------------------------------------------

def test_compile_builds_a_catalog_per_po_and_nothing_without_one(tmp_path):
    assert catalogs.compile_all(tmp_path) == []  # no .po yet: nothing to do, no error
    po = tmp_path / "de" / "LC_MESSAGES" / "glutewake.po"
    po.parent.mkdir(parents=True)
    catalog = template()
    for message in catalog:
        if message.id == "Snoozed: next reminder after {duration} more sitting.":
            message.string = "Verschoben: nächste Erinnerung nach {duration} Sitzen."
    from babel.messages.pofile import write_po

    with open(po, "wb") as out:
        write_po(out, catalog)
    out = tmp_path / "built"
    [mo] = catalogs.compile_all(tmp_path, out)
    assert mo == out / "de" / "LC_MESSAGES" / "glutewake.mo"
    import gettext

    with open(mo, "rb") as source:
        built = gettext.GNUTranslations(source)
    assert built.gettext("Snoozed: next reminder after {duration} more sitting.").startswith(
        "Verschoben")


def test_the_wheel_carries_the_compiled_catalogs(tmp_path):
    if not FOUND:
        pytest.fail("no .po files to compile yet (glutewake/locale/*/LC_MESSAGES/glutewake.po)")
    build_dir = tmp_path / "wheel"
    # as tests/test_packaging.py builds: offline, the backend and Babel from this venv
    made = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir",
                           str(build_dir), str(ROOT)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    wheel = next(build_dir.glob("glutewake-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for lang in FOUND:
        assert f"glutewake/locale/{lang}/LC_MESSAGES/glutewake.mo" in names, names
    assert "glutewake/locale/glutewake.pot" in names


def test_looking_up_is_cheap(tmp_path, speaking):
    """The daemon looks texts up all day: a lookup is a dict access, not a file read."""
    speaking(build(tmp_path, "es", transform=pseudo), "es")
    started = time.perf_counter()
    for _n in range(10_000):
        i18n._("Break due · sitting {sitting}", sitting="5 min")
    assert time.perf_counter() - started < 1.0


def test_a_running_glutewake_switches_language_when_the_settings_change(home):
    subprocess.run([sys.executable, "-m", "glutewake.locale.catalogs", "compile"], check=True,
                   capture_output=True, timeout=120)
    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "2s"\n')
    daemon = Running(home, "--console")
    try:
        daemon.wait_for("Time to stand")
        assert glutewake(home, "config", "set", "ui.language", '"de"').returncode == 0
        glutewake(home, "done")
        daemon.wait_for("Zeit aufzustehen", timeout=30)
    finally:
        assert daemon.stop() == 0


def test_the_command_line_speaks_its_own_language_whatever_the_daemon_speaks(home):
    """A daemon started in English; `LANGUAGE=de glutewake status` and `snooze` render the
    typed status and answer in German, with no English line in between."""
    subprocess.run([sys.executable, "-m", "glutewake.locale.catalogs", "compile"], check=True,
                   capture_output=True, timeout=120)
    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n'
                       'natural_break = "1h"\n')
    daemon = Running(home, "--console")
    german = dict(home, LANGUAGE="de")
    try:
        daemon.wait_for("Time to stand")
        status = glutewake(german, "status")
        assert status.returncode == 0, status.stderr
        assert "Heute:" in status.stdout and "Today:" not in status.stdout
        assert "Break due" not in status.stdout and "Sitting" not in status.stdout
        snoozed = glutewake(german, "snooze")
        assert snoozed.stdout.startswith("Verschoben:"), snoozed.stdout
        english = glutewake(home, "status")
        assert "Today:" in english.stdout  # the same daemon, asked in English
        follow = json.loads(glutewake(german, "status", "--json").stdout)
        assert follow["phase"] == "snoozed" and follow["line"] and "Sitting" not in follow["line"]
    finally:
        assert daemon.stop() == 0


def test_the_cores_mistakes_are_said_in_the_language_of_the_command_line(home):
    """The core hands a mistake over as a Text (glutewake/core/text.py), never as words; the
    command line and `status` say it in their language as whole sentences, a value that is
    itself a Text (the limit "30 days", a plural) included, and never as a Text's repr."""
    subprocess.run([sys.executable, "-m", "glutewake.locale.catalogs", "compile"], check=True,
                   capture_output=True, timeout=120)
    german = dict(home, LANGUAGE="de")
    said = glutewake(german, "snooze", "soon")
    assert said.returncode == 2
    assert said.stderr == ('glutewake: snooze soon: „soon“ ist keine Dauer; schreib sie wie '
                           '"45s", "10m", "1h" oder "1h30m"\n')
    said = glutewake(german, "pause", "800h")
    assert said.stderr == ("glutewake: pause 800h: „800h“ ist länger als 30 Tage, das erlaubte "
                           "Maximum\n")
    path = write_config(home, '[breaks]\nevery = "3d"\n')
    said = glutewake(german, "config", "check")
    assert said.returncode == 2
    assert said.stderr == (f"glutewake: {path}: [breaks] every: „3d“ ist länger als 24 h, das "
                           "erlaubte Maximum\n")
    write_config(home, '[breaks]\nevery = "2s"\nsnooze = "2s"\nremind_again = "1h"\n'
                       'natural_break = "1h"\n')
    daemon = Running(home, "--console")  # the daemon speaks English, the command line German
    try:
        daemon.wait_for("glutewake is watching")
        write_config(home, '[breaks]\nevery = "2s"\nsnooze = "1m"\n')
        daemon.wait_for("keeping the last good settings")
        status = glutewake(german, "status")
        assert status.returncode == 0, status.stderr
        assert (f"Einstellungen nicht übernommen: {path}: [breaks] snooze: ist länger als "
                "[breaks] every; mach den Wert kürzer." in status.stdout), status.stdout
        follow = json.loads(glutewake(german, "status", "--json").stdout)
        assert follow["settings_error"] == (f"{path}: [breaks] snooze: ist länger als [breaks] "
                                            "every; mach den Wert kürzer")
        english = glutewake(home, "status").stdout
        assert f"{path}: [breaks] snooze: is longer than [breaks] every" in english
        everything = "\n".join([status.stdout, english, *daemon.lines])
        assert "Text(" not in everything and "message=" not in everything
    finally:
        assert daemon.stop() == 0
