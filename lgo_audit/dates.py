"""Dates as the letters write them ("22 July 2020"): one month table for reading and writing."""

from __future__ import annotations

import datetime as dt

__all__ = ["MONTHS", "long_date"]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """``date(2020, 7, 22)`` -> ``"22 July 2020"`` (not locale-dependent, unlike strftime); a
    year before 1000 with four digits, as a letter would write it (``"22 July 0020"``)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year:04d}"
