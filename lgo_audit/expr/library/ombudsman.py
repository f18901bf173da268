"""The Ombudsman's office and calendar: who could sign a letter on a date, and the month each
template year's letters are issued in.

Both answers are data, read here and nowhere else: who signed when is the dated table
``data/signatories.toml`` (each row citing its source and saying what was assumed; validated
against ``schemas/signatories.schema.json`` by the tests, not when lgo-audit starts), read once
per process on first use; the issue month is each template profile's ``issue_month``
(:data:`lgo_audit.grammar.PROFILES`). No name, date or month is written in this module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache, lru_cache

from lgo_audit.expr._declare import Function, date_arg, function, string_arg, whole_arg
from lgo_audit.expr._types import BOOLEAN, DATE, INTEGER, STRING
from lgo_audit.expr._values import Value
from lgo_audit.expr.library.people import same_person

GROUP = "ombudsman"


@dataclass(frozen=True)
class Signatory:
    """One row of the table: a name that may sign from ``start`` to ``end`` (inclusive; None
    is open)."""

    name: str
    start: datetime.date | None
    end: datetime.date | None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _day(text: object) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(str(text))


@cache
def signatories() -> tuple[Signatory, ...]:
    """The bundled table of signatories, read once."""
    from lgo_audit.cache import toml_table
    from lgo_audit.resources import bundled_signatories_path

    table = toml_table(bundled_signatories_path().read_bytes())  # read back when unchanged
    return tuple(
        Signatory(row["name"], _day(row.get("from")), _day(row.get("to")))
        for row in table["signatory"]
    )


def _signatory_valid_on(name: Value, d: Value) -> Value:
    written = string_arg("signatory_valid_on", "name", name)
    day = date_arg("signatory_valid_on", "d", d)
    return any(row.valid_on(day) and same_person(written, row.name) for row in signatories())


def _signatory_on(d: Value) -> Value:
    day = date_arg("signatory_on", "d", d)
    names = [row.name for row in signatories() if row.valid_on(day)]
    return " or ".join(names) if names else None


def _issue_month(year: Value) -> Value:
    return _issue_month_of(whole_arg("issue_month", "year", year))


@lru_cache(maxsize=256)  # every letter asks, of a few years
def _issue_month_of(wanted: int) -> int:
    from lgo_audit.grammar import DEFAULT_PROFILE, PROFILES, nearest_profile

    return PROFILES[nearest_profile(wanted) or DEFAULT_PROFILE].issue_month


FUNCTIONS: tuple[Function, ...] = (
    function(
        "signatory_valid_on",
        ("name", STRING),
        ("d", DATE),
        returns=BOOLEAN,
        doc="Whether `name` could sign a letter dated d: some row of the table of "
        "signatories (`data/signatories.toml`, each row dated and citing its source) "
        "names the same person (as `same_person` judges) and is valid on d.",
        impl=_signatory_valid_on,
        group=GROUP,
    ),
    function(
        "signatory_on",
        ("d", DATE),
        returns=STRING,
        doc="The names the table of signatories gives for date d, joined with ' or ' "
        "(two when a person signs under two names); null when it gives none.",
        impl=_signatory_on,
        group=GROUP,
    ),
    function(
        "issue_month",
        ("year", INTEGER),
        returns=INTEGER,
        doc="The month (1-12) the letters of template year `year` are issued in, from the "
        "template profiles: the profile of that year, or the latest earlier one (2020 for a "
        "year before the first profile).",
        impl=_issue_month,
        group=GROUP,
    ),
)
