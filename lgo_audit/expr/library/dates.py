"""Dates: building them, taking them apart, counting days, and the UK financial year."""

from __future__ import annotations

import datetime

from lgo_audit.dates import MONTHS
from lgo_audit.expr._declare import Function, date_arg, function, whole_arg
from lgo_audit.expr._types import DATE, INTEGER, STRING
from lgo_audit.expr._values import Value

GROUP = "dates"


def _make_date(y: Value, m: Value, d: Value) -> Value:
    year = whole_arg("date", "year", y)
    month = whole_arg("date", "month", m)
    day = whole_arg("date", "day", d)
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _days_between(a: Value, b: Value) -> Value:
    return (date_arg("days_between", "b", b) - date_arg("days_between", "a", a)).days


def _financial_year(d: Value) -> Value:
    day = date_arg("financial_year", "d", d)
    return day.year + 1 if day.month >= 4 else day.year


def _year(d: Value) -> Value:
    return date_arg("year", "d", d).year


def _month(d: Value) -> Value:
    return date_arg("month", "d", d).month


def _day(d: Value) -> Value:
    return date_arg("day", "d", d).day


def _month_name(m: Value) -> Value:
    month = whole_arg("month_name", "m", m)
    return MONTHS[month - 1] if 1 <= month <= 12 else None


FUNCTIONS: tuple[Function, ...] = (
    function(
        "date",
        ("y", INTEGER),
        ("m", INTEGER),
        ("d", INTEGER),
        returns=DATE,
        doc="The date y-m-d, or null if it does not exist: the only way to write a date "
        "constant, as in `letter_date >= date(2020, 4, 1)`.",
        impl=_make_date,
        group=GROUP,
    ),
    function(
        "year", ("d", DATE), returns=INTEGER, doc="The year of date d.", impl=_year, group=GROUP
    ),
    function(
        "month",
        ("d", DATE),
        returns=INTEGER,
        doc="The month (1-12) of date d.",
        impl=_month,
        group=GROUP,
    ),
    function(
        "month_name",
        ("m", INTEGER),
        returns=STRING,
        doc="The English name of month m (1-12), as the letters write it: "
        "`month_name(5)` is 'May'; null for any other m.",
        impl=_month_name,
        group=GROUP,
    ),
    function(
        "day",
        ("d", DATE),
        returns=INTEGER,
        doc="The day of the month of date d.",
        impl=_day,
        group=GROUP,
    ),
    function(
        "days_between",
        ("a", DATE),
        ("b", DATE),
        returns=INTEGER,
        doc="The number of days from date a to date b (b - a; negative when b is earlier).",
        impl=_days_between,
        group=GROUP,
    ),
    function(
        "financial_year",
        ("d", DATE),
        returns=INTEGER,
        doc="The calendar year of the 31 March that ends the UK financial year (1 April to "
        "31 March) containing d: `financial_year(date(2019, 4, 1))` and "
        "`financial_year(date(2020, 3, 31))` are 2020.",
        impl=_financial_year,
        group=GROUP,
    ),
)
