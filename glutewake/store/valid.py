"""Records from outside the running daemon, checked field by field before the journal takes them.

Two kinds come from outside: the lines of spill files (plain files the user, or anything running
as the user, can edit) and the rows of journals written by older versions. Every field is checked
for its type and range, and text is cleaned as all outside text is; a record with one field that
does not fit is refused whole, with a one-line reason, and never reaches the journal (a time in
the year three billion would otherwise stop every start).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from ..core.dose import STEPS, Feedback
from ..core.events import Kind, Reason, Record
from ..core.untrusted import clean
from ..i18n import _
from .legacy import fields_from_detail

EARLIEST = 946_684_800.0  # 2000-01-01 UTC: glutewake logged nothing before
LATEST = 7_258_118_400.0  # 2200-01-01 UTC
LONGEST = 10 * 366 * 86_400.0  # seconds: no stretch, snooze or time away is longer
WIDEST_OFFSET = 18 * 60  # minutes east or west of UTC
_UID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class Unusable(ValueError):
    """A value a journal record cannot hold; str() says which, on one line."""


def _refuse(field: str, value: object) -> Unusable:
    return Unusable(_("{field} {value} is of the wrong type or out of range",
                      field=clean(field, 40), value=clean(repr(value), 40)))


Check = Callable[[str, object], object]  # (field name, value) -> the value, or Unusable


def _number(low: float, high: float) -> Callable[[str, object], float]:
    def check(field: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                low <= value <= high):  # NaN fails the comparison too
            raise _refuse(field, value)
        return float(value)
    return check


def _whole(low: int, high: int) -> Callable[[str, object], int]:
    def check(field: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _refuse(field, value)
        return value
    return check


E = TypeVar("E", bound=StrEnum)


def _one_of(choices: type[E]) -> Callable[[str, object], E]:
    def check(field: str, value: object) -> E:
        if isinstance(value, str) and value in {choice.value for choice in choices}:
            return choices(value)
        raise _refuse(field, value)
    return check


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _refuse(field, value)
    return value


def _text(field: str, value: object) -> str | None:
    if not isinstance(value, str):
        raise _refuse(field, value)
    return clean(value) or None


# One check for each field of a Record (tests/store/test_journal.py keeps the two in step).
CHECKS: dict[str, Check] = {
    "kind": _one_of(Kind), "wall": _number(EARLIEST, LATEST), "sitting": _number(0, LONGEST),
    "exercise": _text, "reason": _one_of(Reason), "source": _text,
    "reminder": _whole(0, 10_000), "duration": _number(0, LONGEST),
    "until": _number(EARLIEST, LATEST), "early": _flag, "level": _whole(0, 100),
    "dose": _whole(0, STEPS - 1), "feedback": _one_of(Feedback), "guided": _flag,
}
REQUIRED = ("kind", "wall", "sitting")


def record(data: object) -> Record:
    """The Record `data` (a dict as Record.as_dict makes) stands for; Unusable otherwise."""
    if not isinstance(data, dict):
        raise _refuse("record", data)
    for name in REQUIRED:
        if data.get(name) is None:
            raise Unusable(_("{field} is missing", field=name))
    # Each value is what CHECKS[name] returned: the type of that field of Record, which mypy
    # cannot follow through the table.
    values: dict[str, Any] = {}
    for name, value in data.items():
        check = CHECKS.get(name)
        if check is None:
            raise Unusable(_("unknown field {field}", field=clean(name, 40)))
        if value is not None:
            values[name] = check(name, value)
    return Record(**values)


def old_record(data: object, detail: object) -> Record:
    """A record of the time before typed fields: its plain fields, and the free-text detail
    that said the rest (see legacy.py)."""
    found = record(data)
    if detail is None or detail == "":
        return found
    if not isinstance(detail, str):
        raise _refuse("detail", detail)
    return record(found.as_dict() | fields_from_detail(found.kind.value, detail, found.wall))


def uid(value: object) -> str:
    if not isinstance(value, str) or not _UID.fullmatch(value):
        raise _refuse("uid", value)
    return value


def stamp(local_date: object, utc_offset: object) -> tuple[str, int]:
    """The local date and offset stored with a journal row of an older version."""
    try:
        day = date.fromisoformat(local_date) if isinstance(local_date, str) else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year < 2200:
        raise _refuse("local_date", local_date)
    return day.isoformat(), _whole(-WIDEST_OFFSET, WIDEST_OFFSET)("utc_offset", utc_offset)
