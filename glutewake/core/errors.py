"""The one error type a user can cause: it always renders as one line that names the place."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """Control characters (a newline in a value the user typed) shown as escapes, not obeyed."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)


class UserError(Exception):
    """A mistake in something the user wrote: a config file, a command, an argument.

    `where` names the file and key (or the command), `problem` what is wrong and what is allowed.
    """

    def __init__(self, where: str, problem: str):
        self.where = one_line(where)
        self.problem = one_line(problem)
        super().__init__(f"{self.where}: {self.problem}")


def closest(name: str, known) -> str | None:
    """The known name nearest to a misspelt one, if one is near enough."""
    import difflib  # only on the way to an error message: the daemon never needs it

    found = difflib.get_close_matches(name, list(known), n=1)
    return found[0] if found else None
