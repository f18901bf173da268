"""Percentages: computing them exactly, rounding them half up, and comparing them with the
percentages a letter states.

A letter states a percentage rounded (``59%``, ``58.8%``); ``percent(k, n)`` computes it
exactly. The two are compared only through a function that says how: ``rounds_half_up_to``
rounds the computed one half up at the stated one's places. ``==`` between them is refused
when a rule is loaded (see :mod:`lgo_audit.expr._check`). A rate a letter states (per
100,000 residents) is stated with its places too: ``rounds_half_up_to`` and ``places`` take it,
the functions about percentages of counts (``possible_percent``, ``implied_count``) do not.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from math import gcd

from lgo_audit.expr._declare import (
    Function,
    Param,
    Signature,
    function,
    number_arg,
    places_arg,
    whole_arg,
)
from lgo_audit.expr._errors import ExprEvalError
from lgo_audit.expr._types import (
    BOOLEAN,
    DECIMAL,
    INTEGER,
    NUMBER,
    PERCENTAGE,
    STATED_NUMBER,
    STATED_NUMBER_OR_RATE,
)
from lgo_audit.expr._values import (
    Percent,
    Value,
    check_ratio,
    decimal_from_scaled,
    describe,
    is_stated,
    places_of,
    ratio,
    round_half_up,
    round_half_up_scaled,
)

GROUP = "percentages"


def _stated_arg(fn: str, what: str, v: Value) -> int | Decimal:
    if is_stated(v):
        return v
    raise ExprEvalError(
        f"{fn}(): {what} must be a stated number (whole or decimal), got {describe(v)}"
    )


def _percent(k: Value, n: Value, places: Value = None) -> Value:
    kn, kd = ratio(number_arg("percent", "k", k))
    nn, nd = ratio(number_arg("percent", "n", n))
    if nn == 0:
        return None
    num, den = 100 * kn * nd, kd * nn
    if den < 0:
        num, den = -num, -den
    g = gcd(num, den)
    num, den = num // g, den // g
    check_ratio(num, den)
    if places is None:
        return Percent(num, den)
    p = places_arg("percent", places)
    return decimal_from_scaled(round_half_up_scaled(num, den, p), p)


def _rounds_half_up_to(x: Value, stated: Value) -> Value:
    xn, xd = ratio(number_arg("rounds_half_up_to", "x", x))
    p = _stated_arg("rounds_half_up_to", "stated", stated)
    places = places_of(p)
    pn, pd = ratio(p)
    scale: int = 10**places
    return round_half_up_scaled(xn, xd, places) * pd == pn * scale


def _round_half_up(x: Value, places: Value) -> Value:
    return round_half_up(number_arg("round_half_up", "x", x), places_arg("round_half_up", places))


def _places_of(p: Value) -> Value:
    return places_of(_stated_arg("places", "p", p))


def _matching_counts(fn: str, p: Value, n: Value) -> tuple[int, Callable[[int], bool]]:
    """n as an int, and a test of whether percent(k, n) stated like p equals p."""
    stated = _stated_arg(fn, "p", p)
    count = whole_arg(fn, "n", n)
    places = places_of(stated)
    pn, pd = ratio(stated)
    scale: int = 10**places

    def matches(k: int) -> bool:
        return 0 <= k <= count and round_half_up_scaled(100 * k, count, places) * pd == pn * scale

    return count, matches


def _candidates(p: int | Decimal, count: int) -> set[int]:
    """The few k worth testing: percent(k, n) grows with k, so if any k rounds to p, the k just
    below or just above p*n/100 does too (clamped to 0..n)."""
    pn, pd = ratio(p)
    middle = (pn * count) // (pd * 100)
    return {min(max(k, 0), count) for k in range(middle - 1, middle + 3)}


def _possible_percent(p: Value, n: Value) -> Value:
    count, matches = _matching_counts("possible_percent", p, n)
    if count == 0:
        return None
    if count < 0:
        return False
    assert is_stated(p)
    return any(matches(k) for k in _candidates(p, count))


def _implied_count(p: Value, n: Value) -> Value:
    count, matches = _matching_counts("implied_count", p, n)
    if count <= 0:
        return None
    assert is_stated(p)
    found = [k for k in _candidates(p, count) if matches(k)]
    if not found:
        return None
    k = found[0]
    # the matching k form one run, so k is the only one if neither neighbour matches
    return None if matches(k - 1) or matches(k + 1) else k


_K, _N = Param("k", NUMBER), Param("n", NUMBER)

FUNCTIONS: tuple[Function, ...] = (
    Function(
        "percent",
        (
            Signature((_K, _N), PERCENTAGE),
            Signature((_K, _N, Param("places", INTEGER)), DECIMAL),
        ),
        "The exact percentage 100*k/n, a computed percentage; with `places`, that percentage "
        "rounded half up (halves away from zero) to `places` decimals, for messages and fixes. "
        "Null when n is 0. A computed percentage cannot be compared with `==` or `!=` with a "
        "stated number: use `rounds_half_up_to`.",
        _percent,
        group=GROUP,
    ),
    function(
        "rounds_half_up_to",
        ("x", NUMBER),
        ("stated", STATED_NUMBER_OR_RATE),
        returns=BOOLEAN,
        doc="Whether x, rounded half up (halves away from zero, never to even) to the decimal "
        "places `stated` is written with, equals `stated`: "
        "`rounds_half_up_to(percent(10, 17), 59)` and "
        "`rounds_half_up_to(percent(10, 17), 58.8)` are true, "
        "`rounds_half_up_to(percent(1, 8), 12)` is false. `stated` may also be a stated "
        "rate, such as `upheld.per_100k`, to check a rate computed exactly.",
        impl=_rounds_half_up_to,
        group=GROUP,
    ),
    function(
        "round_half_up",
        ("x", NUMBER),
        ("places", INTEGER),
        returns=DECIMAL,
        doc="x rounded half up (halves away from zero, never to even) to `places` decimals "
        "(0 to 30): `round_half_up(-2.5, 0)` is -3.",
        impl=_round_half_up,
        group=GROUP,
    ),
    function(
        "places",
        ("p", STATED_NUMBER_OR_RATE),
        returns=INTEGER,
        doc="The decimal places p (a stated number or rate) is stated with (0 for an integer): "
        "`places(58.8)` is 1.",
        impl=_places_of,
        group=GROUP,
    ),
    function(
        "possible_percent",
        ("p", STATED_NUMBER),
        ("n", INTEGER),
        returns=BOOLEAN,
        doc="Whether some whole k with 0 <= k <= n has `rounds_half_up_to(percent(k, n), p)`; "
        "null when n is 0, false when n is negative.",
        impl=_possible_percent,
        group=GROUP,
    ),
    function(
        "implied_count",
        ("p", STATED_NUMBER),
        ("n", INTEGER),
        returns=INTEGER,
        doc="The only whole k with 0 <= k <= n that has `rounds_half_up_to(percent(k, n), p)`; "
        "null when there is none or more than one, or n <= 0.",
        impl=_implied_count,
        group=GROUP,
    ),
)
