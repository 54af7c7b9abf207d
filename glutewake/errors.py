"""The one error type a user can cause: it always renders as one line that names the place."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in something the user wrote: a config file, a command, an argument.

    `where` names the file and key (or the command), `problem` what is wrong and what is allowed.
    """

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
