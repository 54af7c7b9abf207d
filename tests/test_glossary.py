"""One word per idea in every language: each glossary (glutewake/locale/LANG/glossary.toml)
against its catalog, and French punctuation where the code joins translated texts.

A glossary names, for each idea (the break, pausing reminders, the rest between sets, ...), the
term the language uses and the synonyms it must not use; the catalog has to use the term and none
of the synonyms, except in the messages the glossary lists with a reason. Words are matched whole
and in any case, so a compound ("Mittagspause") is a word of its own; what stands in backticks
(`glutewake log`) is typed as it is and not checked."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pytest

from glutewake import i18n
from glutewake.app.catalog import builtin
from glutewake.locale import catalogs
from tests.support import glutewake

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "glutewake" / "locale"
LANGUAGES = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE]


def glossary(lang: str) -> dict:
    return tomllib.loads((LOCALE / lang / "glossary.toml").read_text("utf-8"))


def translations(lang: str) -> dict[str, list[str]]:
    """msgid -> its translated texts (both plural forms), for every live, non-fuzzy message."""
    found = {}
    for message in catalogs.read(LOCALE / lang / "LC_MESSAGES" / "glutewake.po", lang):
        if not message.id or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        found[msgid] = [text for text in texts if text]
    return found


def word(text: str) -> re.Pattern:
    """`text` as whole words in any case; a space in it matches any run of spaces (no-break
    ones too)."""
    pattern = r"\s+".join(map(re.escape, text.split()))
    return re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE)


def ideas(lang: str):
    """(idea, term, forms, forbidden) of a glossary, the exercise names' forbidden words as one
    more idea."""
    entries = glossary(lang)
    for name, idea in entries["ideas"].items():
        yield name, idea["term"], idea.get("forms", []), idea.get("forbidden", [])
    yield "names", "", [], entries["names"].get("forbidden", [])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_glossary_is_sound(lang):
    entries = glossary(lang)
    assert set(entries) <= {"ideas", "exceptions", "names"}, set(entries)
    required = {"break", "pausing", "rest", "reminder", "too-easy", "too-hard"}
    assert required <= set(entries["ideas"]), required - set(entries["ideas"])
    terms = [text for _, term, forms, _ in ideas(lang) for text in [term, *forms] if text]
    for name, _, _, forbidden in ideas(lang):
        clashes = [(bad, term) for bad in forbidden for term in terms if word(bad).fullmatch(term)]
        assert not clashes, f"{lang} {name}: a forbidden word is also a term: {clashes}"
    for exception in entries.get("exceptions", []):
        assert exception.get("reason"), f"{lang}: every exception says why: {exception}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_term_is_used_and_no_forbidden_synonym_is(lang):
    texts = translations(lang)
    everything = [text for found in texts.values() for text in found]
    unused = [text for _, term, forms, _ in ideas(lang) for text in [term, *forms]
              if text and not any(word(text).search(t) for t in everything)]
    assert not unused, f"{lang}: glossary terms the catalog never uses: {unused}"
    allowed = {(e["word"].lower(), e["msgid"]) for e in glossary(lang).get("exceptions", [])}
    problems, used = [], set()
    for name, term, _, forbidden in ideas(lang):
        for bad in forbidden:
            for msgid, found in texts.items():
                hits = [text for text in found if word(bad).search(re.sub(r"`[^`]*`", "", text))]
                if hits and (bad.lower(), msgid) in allowed:
                    used.add((bad.lower(), msgid))
                elif hits:
                    instead = f"; use {term!r}" if term else ""
                    problems.append(f"{name}: {bad!r}{instead} in {hits[0]!r} ({msgid!r})")
    assert not problems, f"{lang}: {len(problems)} forbidden words:\n" + "\n".join(problems)
    assert used == allowed, f"{lang}: exceptions no message needs any more: {allowed - used}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_exercise_names_follow_one_rule(lang):
    names = glossary(lang)["names"]
    texts = translations(lang)
    assert names["rule"] in ("translated", "english"), names["rule"]
    catalog = {exercise.id: exercise.name for exercise in builtin()}
    assert set(names["exercises"]) == set(catalog), (
        f"{lang}: the glossary's names and the built-in exercises differ: "
        f"{set(names['exercises']) ^ set(catalog)}")
    for ident, english in catalog.items():
        shown = texts.get(english, [""])[0]
        wanted = english if names["rule"] == "english" else names["exercises"][ident]
        assert shown == wanted, \
            f"{lang} {ident}: the catalog says {shown!r}, the glossary {wanted!r}"
        if names["rule"] == "translated":
            assert shown.lower() != english.lower(), f"{lang} {ident}: {shown!r} is the English"


# --- French: a no-break space before : ; ? ! --------------------------------------------------

DOUBLE = re.compile(r"(?<=[^\u00a0\u202f])[:;?!](?=\s|$)")  # a sign that ends a phrase, unspaced


def test_french_translations_put_a_no_break_space_before_double_signs():
    bad = [text for found in translations("fr").values() for text in found
           if DOUBLE.search(text.replace("`", " "))]
    assert not bad, "\n".join(bad)


@pytest.fixture
def french(tmp_path, monkeypatch):
    """This process and the commands it starts speak French from freshly compiled catalogs."""
    compiled = tmp_path / "locale"
    catalogs.compile_all(out=compiled)
    monkeypatch.setenv(i18n.LOCALE_DIR_VARIABLE, str(compiled))
    assert i18n.setup("fr") == "fr"
    yield compiled
    monkeypatch.delenv(i18n.LOCALE_DIR_VARIABLE)
    i18n.setup("en")


def test_french_spacing_holds_where_the_code_joins_texts(french, home):
    from glutewake.desktop.notify import ConsoleNotifier
    from glutewake.words import phrases

    assert phrases.labelled("Réglages", "ligne 3") == "Réglages\u00a0: ligne 3"
    assert phrases.in_a_row(["/a (refusé)", "/b (plein)"]) == "/a (refusé)\u00a0; /b (plein)"
    out = io.StringIO()
    ConsoleNotifier(out).tell(phrases.settings_not_applied(), "ligne 3")
    assert "appliqués\u00a0: ligne 3" in out.getvalue(), out.getvalue()
    env = dict(home, LANGUAGE="fr", GLUTEWAKE_LOCALE_DIR=str(french))
    for args in (["exercises"], ["exercises", "show", "bird-dog"]):
        shown = glutewake(env, *args)
        assert shown.returncode == 0, shown.stderr
        unspaced = [line for line in shown.stdout.splitlines()
                    if DOUBLE.search(line.replace("`", " "))]
        assert not unspaced, unspaced
