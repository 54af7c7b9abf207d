"""Durations and dates in words, in the language in force: "1 h 5 min", "Mon", "03 Feb"."""

from __future__ import annotations

from datetime import date

from ..core.timespec import duration_text
from ..i18n import _, pgettext, render


def humanize(seconds: float) -> str:
    """Rounded for people: "45 s", "23 min", "1 h 5 min", "3 days 2 h"."""
    return render(duration_text(seconds))


# Weekday and month abbreviations come from the catalog, not from the C library's locale, which
# glutewake never sets (and which may have no data for the language on this machine).

def weekday(day: date) -> str:
    """The short weekday name: "Mon"."""
    return (pgettext("weekday", "Mon"), pgettext("weekday", "Tue"), pgettext("weekday", "Wed"),
            pgettext("weekday", "Thu"), pgettext("weekday", "Fri"), pgettext("weekday", "Sat"),
            pgettext("weekday", "Sun"))[day.weekday()]


def month(day: date) -> str:
    """The short month name: "Feb"."""
    return (pgettext("month", "Jan"), pgettext("month", "Feb"), pgettext("month", "Mar"),
            pgettext("month", "Apr"), pgettext("month", "May"), pgettext("month", "Jun"),
            pgettext("month", "Jul"), pgettext("month", "Aug"), pgettext("month", "Sep"),
            pgettext("month", "Oct"), pgettext("month", "Nov"), pgettext("month", "Dec"))[
        day.month - 1]


def day_month(day: date) -> str:
    """ "03 Feb" """
    # TRANSLATORS: a date without the year; {day} is two digits, {month} the short month name
    return _("{day} {month}", day=str(day.day).zfill(2), month=month(day))


def day_month_year(day: date) -> str:
    """ "03 Feb 2025" """
    return _("{day} {month} {year}", day=str(day.day).zfill(2), month=month(day), year=day.year)


def weekday_date(day: date, year: bool = False) -> str:
    """ "Mon 03 Feb", or "Mon 03 Feb 2025" with the year."""
    return _("{weekday} {date}", weekday=weekday(day),
             date=day_month_year(day) if year else day_month(day))
