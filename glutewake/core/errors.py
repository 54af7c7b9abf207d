"""The one error type a user can cause: it always renders as one line that names the place."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import Text

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """Control characters (a newline in a value the user typed) shown as escapes, not obeyed."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)


class UserError(Exception):
    """A mistake in something the user wrote: a config file, a command, an argument.

    `where` names the file and key (or the command), `problem` what is wrong and what is allowed:
    each a Text to be said in the language in force (`glutewake.i18n.problem(err)` says the
    line), or a str as the user wrote it (a file name, a command's words).
    """

    def __init__(self, where: Text | str, problem: Text | str):
        self.where = where if isinstance(where, Text) else one_line(where)
        self.problem = problem if isinstance(problem, Text) else one_line(problem)
        super().__init__(one_line(f"{self.where}: {self.problem}"))  # English: for tracebacks


def problem_of(err: ValueError) -> Text | str:
    """What a ValueError from the core's parsers (timespec) says: the Text it carries."""
    return err.args[0] if err.args and isinstance(err.args[0], Text) else str(err)


def typo_distance(typed: str, word: str) -> float:
    """Edits from `typed` to `word`: a letter added, dropped or changed costs 1, two neighbours
    swapped only half (the commonest slip of fast fingers: "stauts" is "status", not "stats")."""
    rows = [[float(j) for j in range(len(word) + 1)]]
    for i in range(1, len(typed) + 1):
        row = [float(i)] + [0.0] * len(word)
        for j in range(1, len(word) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1,
                         rows[-1][j - 1] + (typed[i - 1] != word[j - 1]))
            if (i > 1 and j > 1 and typed[i - 1] == word[j - 2]
                    and typed[i - 2] == word[j - 1]):
                row[j] = min(row[j], rows[-2][j - 2] + 0.5)
        rows.append(row)
    return rows[-1][-1]


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to a misspelt one, if one is near enough."""
    names = list(known)
    scored = sorted((typo_distance(name.lower(), k.lower()), k) for k in names)
    if scored and scored[0][0] <= max(1.0, len(name) / 3):
        return scored[0][1]
    import difflib  # only on the way to an error message: the daemon never needs it

    found = difflib.get_close_matches(name, names, n=1)
    return found[0] if found else None
