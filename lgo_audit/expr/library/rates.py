"""Rates per 100,000 residents: the population a count and a stated rate imply.

From 2023 a letter states the upheld decisions per 100,000 residents, rounded ("6.7"). A rate
r stated with p decimal places, rounded half up, means the true rate lies in
[r - 0.5*10**-p, r + 0.5*10**-p); with k upheld decisions the population is k * 100,000 / rate,
so it lies in an interval too. These functions do that interval arithmetic exactly (no float),
for rules that bound the population a letter implies.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from lgo_audit.expr._declare import Function, function, whole_arg
from lgo_audit.expr._errors import ExprEvalError
from lgo_audit.expr._types import BOOLEAN, INTEGER, STATED_NUMBER_OR_RATE
from lgo_audit.expr._values import Value, describe, is_stated, places_of, ratio, round_half_up

GROUP = "rates"

PER = 100_000
"""The rates are per 100,000 residents."""


def _rate_arg(fn: str, v: Value) -> int | Decimal:
    if is_stated(v):
        return v
    raise ExprEvalError(
        f"{fn}(): rate must be a stated number (whole or decimal), got {describe(v)}"
    )


def population_bounds(count: int, rate: int | Decimal) -> tuple[int, int | None] | None:
    """The smallest and the largest whole population P (the largest None: no bound) for which
    ``count * 100,000 / P`` rounds half up to ``rate`` at its stated places; None when no
    population does (a negative count or rate, or a non-zero rate with no decisions). A count
    of 0 with a rate of 0 fits every population: (1, None).

    With ``rate`` = n/d stated at p places, the true rate lies in [n/d - 1/S, n/d + 1/S),
    S = 2 * 10**p, so P lies in (count * 100,000 * d * S / (n*S + d), count * 100,000 * d * S
    / (n*S - d)]: whole numbers, by integer division (exact, and no Fraction made)."""
    if count < 0 or rate < 0:
        return None
    n, d = ratio(rate)
    s = 2 * 10 ** places_of(rate)
    low_numerator = n * s - d  # the lowest true rate, times d * s
    if count == 0:
        return (1, None) if low_numerator <= 0 else None
    scaled = count * PER * d * s
    first = scaled // (n * s + d) + 1  # the first whole population above the lower bound
    last = scaled // low_numerator if low_numerator > 0 else None
    return first, last


def _population_possible(count: Value, rate: Value, low: Value, high: Value) -> Value:
    fn = "population_possible"
    k = whole_arg(fn, "count", count)
    r = _rate_arg(fn, rate)
    smallest, largest = whole_arg(fn, "low", low), whole_arg(fn, "high", high)
    bounds = population_bounds(k, r)
    if bounds is None or smallest > largest:
        return False
    first, last = bounds
    return max(first, smallest) <= (largest if last is None else min(last, largest))


def _implied_population(count: Value, rate: Value) -> Value:
    fn = "implied_population"
    k = whole_arg(fn, "count", count)
    r = _rate_arg(fn, rate)
    if r == 0:
        return None
    n, d = ratio(r)
    return int(round_half_up(Fraction(k * PER * d, n), 0))


FUNCTIONS: tuple[Function, ...] = (
    function(
        "population_possible",
        ("count", INTEGER),
        ("rate", STATED_NUMBER_OR_RATE),
        ("low", INTEGER),
        ("high", INTEGER),
        returns=BOOLEAN,
        doc="Whether some whole population P with low <= P <= high gives `rate` per 100,000 "
        "residents for `count` decisions: `count * 100000 / P` rounded half up at the places "
        "`rate` is stated with equals `rate` (a rate r stated with p places stands for a true "
        "rate in [r - 0.5*10^-p, r + 0.5*10^-p)). `population_possible(10, 3.4, 2000, "
        "1700000)` is true (about 290,000 to 298,500), `population_possible(10, 0.1, 2000, "
        "1700000)` false (about 10 million). A count of 0 fits only a rate of 0.",
        impl=_population_possible,
        group=GROUP,
    ),
    function(
        "implied_population",
        ("count", INTEGER),
        ("rate", STATED_NUMBER_OR_RATE),
        returns=INTEGER,
        doc="The population `count` decisions at `rate` per 100,000 residents imply, "
        "`count * 100000 / rate` rounded half up to a whole number, for messages: "
        "`implied_population(10, 3.4)` is 294118. Null when rate is 0.",
        impl=_implied_population,
        group=GROUP,
    ),
)
