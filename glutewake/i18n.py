"""The language glutewake speaks: gettext lookups for every text a person reads.

English is the source language and needs no catalog. Other languages come as compiled catalogs,
glutewake/locale/<lang>/LC_MESSAGES/glutewake.mo, built from the .po files when the package is
built (see glutewake/locale/README.md). Only the standard library is used here: the daemon runs
all day, so no Babel, and one catalog in memory at a time.

Which language: the `[ui] language` setting when it is not "auto"; else the first of LANGUAGE
(a colon list), LC_ALL, LC_MESSAGES and LANG that is set, as gettext reads them; on Windows,
when none of those is set, the user's display language. "C", "POSIX" and languages glutewake
does not ship mean English.

Texts are looked up when they are shown, never at import, so `setup` can change the language
of a running daemon. `_` sets up from the environment on first use when nobody called `setup`.
The core looks nothing up: it hands over `Text` values (glutewake/core/text.py), which `render`
says in the language in force.
"""

from __future__ import annotations

import gettext
import logging
import os
import sys
from pathlib import Path

from .core.errors import UserError, one_line
from .core.text import LANGUAGES, Text

DOMAIN = "glutewake"
SOURCE = "en"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
LOCALE_DIR_VARIABLE = "GLUTEWAKE_LOCALE_DIR"  # tests and translators point at other catalogs

log = logging.getLogger(__name__)

_catalog: gettext.NullTranslations | None = None  # None until set up
_language = SOURCE


def N_(message: str) -> str:
    """Marks a text for the catalog without translating it now: translate it with `_` where it
    is shown."""
    return message


def _current() -> gettext.NullTranslations:
    catalog = _catalog
    if catalog is None:
        setup()
        catalog = _catalog
    return catalog  # type: ignore[return-value]


def _fill(text: str, source: str, values: dict) -> str:
    """`text` with its named fields filled in; a translation whose fields do not fit (a typo in a
    catalog built by hand) gives way to the English source instead of an error."""
    if not values:
        return text
    values = {key: render(v) if isinstance(v, Text) else v for key, v in values.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError) as err:
        if text is not source:
            log.warning("the %s translation of %r does not fit its fields (%s)", _language,
                        source, err)
            return source.format(**values)
        raise


def _(message: str, /, **values) -> str:
    """The text in the language in force, with `values` filled into its {named} fields.
    "" stays "" (gettext would answer with the catalog's header)."""
    if not message:
        return message
    return _fill(_current().gettext(message), message, values)


def ngettext(singular: str, plural: str, count: int, /, **values) -> str:
    """The singular or plural form for `count`, as the language counts, with `values` filled in."""
    text = _current().ngettext(singular, plural, count)
    return _fill(text, singular if count == 1 else plural, values)


def pgettext(context: str, message: str, /, **values) -> str:
    """A text whose meaning depends on `context` ("May" the month), with `values` filled in."""
    return _fill(_current().pgettext(context, message), message, values)


def render(text: Text | str) -> str:
    """A Text from the core in the language in force (its Text values too); a str as it is."""
    if not isinstance(text, Text):
        return text
    values = dict(text.values)
    if text.plural is not None:
        return ngettext(text.message, text.plural, text.count or 0, **values)
    if text.context is not None:
        return pgettext(text.context, text.message, **values)
    return _(text.message, **values)


def where_and_what(err: UserError) -> tuple[str, str]:
    """A UserError's place and problem, each one line in the language in force."""
    return one_line(render(err.where)), one_line(render(err.problem))


def problem(err: Exception) -> str:
    """The one line that tells a person what went wrong: a UserError as "where: problem" in the
    language in force, any other error (a ValueError from the core may carry a Text) as its
    message."""
    if isinstance(err, UserError):
        return "{}: {}".format(*where_and_what(err))
    if err.args and isinstance(err.args[0], Text):
        return one_line(render(err.args[0]))
    return str(err)


def language() -> str:
    """The language in force: one of LANGUAGES."""
    _current()
    return _language


def locale_dir() -> Path:
    override = os.environ.get(LOCALE_DIR_VARIABLE)
    return Path(override) if override else Path(__file__).resolve().parent / "locale"


def catalog_path(lang: str, base: Path | None = None) -> Path:
    return (base or locale_dir()) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def available(base: Path | None = None) -> tuple[str, ...]:
    """English and every shipped language whose compiled catalog is present."""
    return tuple(lang for lang in LANGUAGES
                 if lang == SOURCE or catalog_path(lang, base).is_file())


def _windows_language() -> str | None:
    """The user's display language on Windows ("de_DE"), or None when it cannot be told."""
    try:
        import ctypes
        import locale

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        name = locale.windows_locale.get(int(kernel.GetUserDefaultUILanguage()))
        if name:
            return name
        buffer = ctypes.create_unicode_buffer(85)  # LOCALE_NAME_MAX_LENGTH
        if kernel.GetUserDefaultLocaleName(buffer, len(buffer)):
            return buffer.value.replace("-", "_")
    except Exception as err:  # no such call (an old or unusual system): English it is
        log.info("cannot read the Windows display language (%s)", err)
    return None


def wanted(environ=None, platform: str | None = None) -> list[str]:
    """The locale names the environment asks for, best first (["de_DE.UTF-8"], ["fr", "de"])."""
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT:
        value = environ.get(variable, "").strip()
        if value:
            if variable == "LANGUAGE":
                return [part for part in value.split(":") if part]
            return [value]
    if (platform or sys.platform) == "win32":
        found = _windows_language()
        return [found] if found else []
    return []


def match(names: list[str], shipped: tuple[str, ...]) -> str:
    """The first of `names` that glutewake has, by its language part ("de_AT.UTF-8" is "de");
    "C" or "POSIX" before any of them, or none of them, means English."""
    for name in names:
        base = name.split(".")[0].split("@")[0]
        if base in ("C", "POSIX"):
            return SOURCE
        lang = base.replace("-", "_").split("_")[0].lower()
        if lang in shipped:
            return lang
    return SOURCE


def choose(setting: str | None = None, environ=None, platform: str | None = None,
           shipped: tuple[str, ...] | None = None) -> str:
    """The language to speak: the setting, unless it is "auto" (or None), then the environment."""
    shipped = available() if shipped is None else shipped
    if setting and setting != "auto":
        return setting if setting in shipped else SOURCE
    return match(wanted(environ, platform), shipped)


def setup(language: str | None = None) -> str:
    """Speak `language` ("auto" or None: as the environment says) from now on; returns the
    language in force. A catalog that cannot be read leaves English, said once in the log."""
    global _catalog, _language
    chosen = choose(language)
    catalog: gettext.NullTranslations = gettext.NullTranslations()
    if chosen != SOURCE:
        path = catalog_path(chosen)
        try:
            with open(path, "rb") as source:
                catalog = gettext.GNUTranslations(source)
        except (OSError, ValueError, UnicodeError) as err:
            log.warning("cannot read the %s catalog %s (%s); speaking English", chosen, path, err)
            chosen = SOURCE
    _catalog, _language = catalog, chosen
    return chosen
