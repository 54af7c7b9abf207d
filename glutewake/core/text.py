"""Texts a person reads, as values: the core says what to say, the edges say it.

The core never looks a message up in a catalog (that is global state: the language in force).
Where it has something to tell a person, a settings mistake or a command it cannot read, it
builds a `Text`: the English message as marked for the catalog, its named values, and the
plural or context where one is used. `glutewake.i18n.render` says it in the language in force
where it is shown or logged.

The builders are named and called like glutewake.i18n's (`_`, `ngettext`, `pgettext`, `N_`), so
the catalog extraction finds the core's messages as before.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "de", "fr", "es")  # the choices of [ui] language besides "auto"


@dataclass(frozen=True)
class Text:
    """A message still to be said. Values may be Texts themselves: they are said first."""

    message: str
    values: tuple[tuple[str, object], ...] = ()
    plural: str | None = None  # with count: the plural form, as ngettext takes it
    count: int | None = None
    context: str | None = None  # pgettext's context ("month" for "May")

    def english(self) -> str:
        """The source text with its values filled in: for the English edges (logs read by
        scripts) and for the rare place that turns a Text into a string without a language."""
        values = {key: value.english() if isinstance(value, Text) else value
                  for key, value in self.values}
        message = self.plural if self.plural is not None and self.count != 1 else self.message
        return message.format(**values) if values else message

    __str__ = english


def N_(message: str) -> str:
    """Marks a text for the catalog without making it a Text: it is looked up where it is shown
    (an exercise's default safety line)."""
    return message


def _(message: str, /, **values: object) -> Text:
    return Text(message, tuple(values.items()))


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> Text:
    return Text(singular, tuple(values.items()), plural=plural, count=count)


def pgettext(context: str, message: str, /, **values: object) -> Text:
    return Text(message, tuple(values.items()), context=context)
