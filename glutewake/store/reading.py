"""Rows of the journal: how the reports ask it (a query and its arguments in, rows out, as
Journal.read does), and the rows written to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

# A row as sqlite3 returns it: what each column holds depends on the query.
Row = tuple[Any, ...]
# A row to write: the values of its columns, in order.
Written = tuple[object, ...]


class Read(Protocol):
    def __call__(self, query: str, args: Sequence[object] = (), /) -> list[Row]: ...
