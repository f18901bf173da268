"""The fixed function registry of the expression language.

Rules can call these functions and nothing else; their arity is checked when a rule is parsed.
Unless a row says otherwise, a null argument makes the result null. An argument of the wrong
type is an evaluation error naming the function.

================================  ==========  =====================================================
Function                          Returns     Meaning
================================  ==========  =====================================================
``percent(k, n[, places])``       percentage  exact 100*k/n, compared with a stated number after
                                              rounding to its places; with ``places``, a decimal
                                              rounded half up; null when n is 0
``possible_percent(p, n)``        boolean     could some whole k in 0..n give percent(k, n) == p
                                              at p's stated places? null when n is 0, false when
                                              n < 0
``implied_count(p, n)``           integer     the only whole k in 0..n with percent(k, n) == p at
                                              p's stated places; null if none, several, or n <= 0
``round_half_up(x, places)``      decimal     x rounded half up (halves away from zero, never to
                                              even)
``places(p)``                     integer     the decimal places p is stated with (0 for an integer)
``plural(n, singular, plural)``   string      ``singular`` if n == 1, else ``plural``
``date(y, m, d)``                 date        that date, or null if it does not exist
``days_between(a, b)``            integer     days from date a to date b (b - a)
``financial_year(d)``             integer     the year of the 31 March ending d's UK financial year
``year(d)``                       integer     the year of date d
``month(d)``                      integer     the month (1-12) of date d
``day(d)``                        integer     the day of the month of date d
``same_person(a, b)``             boolean     do two ways of writing a name denote the same person?
``text(x)``                       string      x as it would appear in a message (format_value)
``lower(s)``                      string      s in lower case
``upper(s)``                      string      s in upper case
``length(s)``                     integer     the number of characters in s
``coalesce(a, b)``                any         a unless it is null, else b (nulls allowed)
``contains(s, sub)``              boolean     does s contain sub?
``starts_with(s, prefix)``        boolean     does s start with prefix?
``ends_with(s, suffix)``          boolean     does s end with suffix?
``abs(x)``                        number      the absolute value of x
``min(a, b)``                     any         the smaller of a and b (as ``<`` compares them)
``max(a, b)``                     any         the larger of a and b (as ``<`` compares them)
``choose(condition, a, b)``       any         a if condition is true, b if false, null if null;
                                              only the chosen argument is evaluated
``raw(name)``                     string      the text of fact ``name`` as written in the letter;
                                              the argument must be a fact name (nulls allowed)
================================  ==========  =====================================================
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from math import gcd
from types import MappingProxyType
from typing import Final

from lgo_audit.expr._errors import ExprEvalError
from lgo_audit.expr._values import (
    MAX_NUMBER_DIGITS,
    Number,
    Percent,
    Value,
    absolute,
    check_ratio,
    check_string,
    decimal_from_scaled,
    describe,
    format_value,
    is_number,
    is_stated,
    places_of,
    ratio,
    round_half_up,
    round_half_up_scaled,
    three_way,
)


@dataclass(frozen=True, slots=True)
class Function:
    """One entry of the registry: what the parser checks, what the evaluator calls, and what the
    generated documentation shows."""

    name: str
    arities: tuple[int, ...]
    signature: str
    returns: str
    doc: str
    impl: Callable[..., Value] | None  # None for the special forms raw() and choose()
    propagates_null: bool = True

    def arity_text(self) -> str:
        """ "2 arguments", "2 or 3 arguments"."""
        counts = " or ".join(str(a) for a in self.arities)
        return f"{counts} argument{'' if self.arities == (1,) else 's'}"


# ---------------------------------------------------------------------------------------------
# Argument checks: every wrong type becomes an ExprEvalError naming the function.


def _number(fn: str, what: str, v: Value) -> Number:
    if is_number(v):
        return v
    raise ExprEvalError(f"{fn}(): {what} must be a number, got {describe(v)}")


def _whole(fn: str, what: str, v: Value) -> int:
    if type(v) is int:
        return v
    if is_number(v):
        n, d = ratio(v)
        if d == 1:
            return n
    raise ExprEvalError(f"{fn}(): {what} must be a whole number, got {describe(v)}")


def _places(fn: str, v: Value) -> int:
    places = _whole(fn, "places", v)
    if not 0 <= places <= MAX_NUMBER_DIGITS:
        raise ExprEvalError(f"{fn}(): places must be from 0 to {MAX_NUMBER_DIGITS}, got {places}")
    return places


def _string(fn: str, what: str, v: Value) -> str:
    if type(v) is str:
        return v
    raise ExprEvalError(f"{fn}(): {what} must be a string, got {describe(v)}")


def _date(fn: str, what: str, v: Value) -> datetime.date:
    if isinstance(v, datetime.date):
        return v
    raise ExprEvalError(f"{fn}(): {what} must be a date, got {describe(v)}")


# ---------------------------------------------------------------------------------------------
# Numbers


def _percent(k: Value, n: Value, places: Value = None) -> Value:
    kn, kd = ratio(_number("percent", "k", k))
    nn, nd = ratio(_number("percent", "n", n))
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
    p = _places("percent", places)
    return decimal_from_scaled(round_half_up_scaled(num, den, p), p)


def _matching_counts(fn: str, p: Value, n: Value) -> tuple[int, Callable[[int], bool]]:
    """n as an int, and a test of whether percent(k, n) stated like p equals p."""
    if not is_stated(p):
        raise ExprEvalError(
            f"{fn}(): p must be a stated number (whole or decimal), got {describe(p)}"
        )
    count = _whole(fn, "n", n)
    places = places_of(p)
    pn, pd = ratio(p)
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


def _round_half_up(x: Value, places: Value) -> Value:
    return round_half_up(_number("round_half_up", "x", x), _places("round_half_up", places))


def _places_of(p: Value) -> Value:
    if is_stated(p):
        return places_of(p)
    raise ExprEvalError(
        f"places(): p must be a stated number (whole or decimal), got {describe(p)}"
    )


def _plural(n: Value, singular: Value, plural: Value) -> Value:
    one = ratio(_number("plural", "n", n)) == (1, 1)
    s = _string("plural", "singular", singular)
    p = _string("plural", "plural", plural)
    return s if one else p


def _abs(x: Value) -> Value:
    return absolute(x)


def _min(a: Value, b: Value) -> Value:
    return b if three_way("<", b, a) < 0 else a


def _max(a: Value, b: Value) -> Value:
    return b if three_way(">", b, a) > 0 else a


# ---------------------------------------------------------------------------------------------
# Dates


def _make_date(y: Value, m: Value, d: Value) -> Value:
    year = _whole("date", "year", y)
    month = _whole("date", "month", m)
    day = _whole("date", "day", d)
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _days_between(a: Value, b: Value) -> Value:
    return (_date("days_between", "b", b) - _date("days_between", "a", a)).days


def _financial_year(d: Value) -> Value:
    day = _date("financial_year", "d", d)
    return day.year + 1 if day.month >= 4 else day.year


def _year(d: Value) -> Value:
    return _date("year", "d", d).year


def _month(d: Value) -> Value:
    return _date("month", "d", d).month


def _day(d: Value) -> Value:
    return _date("day", "d", d).day


# ---------------------------------------------------------------------------------------------
# People

_TITLES: Final = {
    "mr": "mr",
    "mrs": "mrs",
    "ms": "ms",
    "miss": "miss",
    "mx": "mx",
    "dr": "dr",
    "prof": "prof",
    "professor": "prof",
    "sir": "sir",
    "dame": "dame",
    "lord": "lord",
    "lady": "lady",
    "cllr": "cllr",
    "councillor": "cllr",
    "rev": "rev",
}
_NAME_SPLIT: Final = re.compile(r"[\s.]+")


def _person(text: str) -> tuple[frozenset[str], tuple[str, ...], str] | None:
    """(titles, given names or initials, surname) of a written name, or None if there is none."""
    words = []
    for part in _NAME_SPLIT.split(unicodedata.normalize("NFKC", text).casefold()):
        word = "".join(ch for ch in part if ch.isalnum())
        if word:
            words.append(word)
    titles = set()
    while len(words) > 1 and words[0] in _TITLES:
        titles.add(_TITLES[words.pop(0)])
    if not words:
        return None
    return frozenset(titles), tuple(words[:-1]), words[-1]


def _given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    for x, y in zip(a, b, strict=False):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return False
        elif x != y:
            return False
    return True


def _same_person(a: Value, b: Value) -> Value:
    first = _person(_string("same_person", "a", a))
    second = _person(_string("same_person", "b", b))
    if first is None or second is None:
        return False
    titles_a, given_a, surname_a = first
    titles_b, given_b, surname_b = second
    if titles_a and titles_b and not (titles_a <= titles_b or titles_b <= titles_a):
        return False
    return surname_a == surname_b and _given_compatible(given_a, given_b)


# ---------------------------------------------------------------------------------------------
# Strings


def _text(x: Value) -> Value:
    return check_string(format_value(x))


def _lower(s: Value) -> Value:
    return check_string(_string("lower", "s", s).lower())


def _upper(s: Value) -> Value:
    return check_string(_string("upper", "s", s).upper())


def _length(s: Value) -> Value:
    return len(_string("length", "s", s))


def _coalesce(a: Value, b: Value) -> Value:
    return b if a is None else a


def _contains(s: Value, sub: Value) -> Value:
    return _string("contains", "sub", sub) in _string("contains", "s", s)


def _starts_with(s: Value, prefix: Value) -> Value:
    return _string("starts_with", "s", s).startswith(_string("starts_with", "prefix", prefix))


def _ends_with(s: Value, suffix: Value) -> Value:
    return _string("ends_with", "s", s).endswith(_string("ends_with", "suffix", suffix))


def _fn(
    name: str,
    arities: tuple[int, ...],
    signature: str,
    returns: str,
    doc: str,
    impl: Callable[..., Value] | None,
    *,
    propagates_null: bool = True,
) -> tuple[str, Function]:
    return name, Function(name, arities, signature, returns, doc, impl, propagates_null)


#: Every function a rule may call, by name.
FUNCTIONS: Final[Mapping[str, Function]] = MappingProxyType(
    dict(
        [
            _fn(
                "percent",
                (2, 3),
                "percent(k, n[, places])",
                "percentage | decimal",
                "Exact 100*k/n as a Percent, or with `places` a Decimal rounded half up; "
                "null when n is 0.",
                _percent,
            ),
            _fn(
                "possible_percent",
                (2,),
                "possible_percent(p, n)",
                "boolean",
                "Whether some whole k with 0 <= k <= n has percent(k, n) rounded half up to p's "
                "stated places equal to p; null when n is 0, false when n is negative.",
                _possible_percent,
            ),
            _fn(
                "implied_count",
                (2,),
                "implied_count(p, n)",
                "integer",
                "The only whole k with 0 <= k <= n whose percent(k, n), rounded half up to p's "
                "stated places, equals p; null when there is none or more than one, or n <= 0.",
                _implied_count,
            ),
            _fn(
                "round_half_up",
                (2,),
                "round_half_up(x, places)",
                "decimal",
                "x rounded half up (halves away from zero) to `places` decimals.",
                _round_half_up,
            ),
            _fn(
                "places",
                (1,),
                "places(p)",
                "integer",
                "The decimal places p is stated with (0 for an integer).",
                _places_of,
            ),
            _fn(
                "plural",
                (3,),
                "plural(n, singular, plural)",
                "string",
                "`singular` if n == 1, otherwise `plural`.",
                _plural,
            ),
            _fn(
                "date",
                (3,),
                "date(y, m, d)",
                "date",
                "The date y-m-d, or null if it does not exist.",
                _make_date,
            ),
            _fn(
                "days_between",
                (2,),
                "days_between(a, b)",
                "integer",
                "The number of days from date a to date b (b - a).",
                _days_between,
            ),
            _fn(
                "financial_year",
                (1,),
                "financial_year(d)",
                "integer",
                "The calendar year of the 31 March that ends the UK financial year containing d.",
                _financial_year,
            ),
            _fn("year", (1,), "year(d)", "integer", "The year of date d.", _year),
            _fn("month", (1,), "month(d)", "integer", "The month (1-12) of date d.", _month),
            _fn("day", (1,), "day(d)", "integer", "The day of the month of date d.", _day),
            _fn(
                "same_person",
                (2,),
                "same_person(a, b)",
                "boolean",
                "Whether two written names denote the same person: case and punctuation are "
                "ignored; titles must agree when both are given; surnames must be equal; given "
                "names or initials must be compatible when both are given.",
                _same_person,
            ),
            _fn(
                "text",
                (1,),
                "text(x)",
                "string",
                "x as it would appear in a message.",
                _text,
            ),
            _fn("lower", (1,), "lower(s)", "string", "s in lower case.", _lower),
            _fn("upper", (1,), "upper(s)", "string", "s in upper case.", _upper),
            _fn("length", (1,), "length(s)", "integer", "The number of characters in s.", _length),
            _fn(
                "coalesce",
                (2,),
                "coalesce(a, b)",
                "any",
                "a unless it is null, otherwise b. Accepts nulls.",
                _coalesce,
                propagates_null=False,
            ),
            _fn(
                "contains",
                (2,),
                "contains(s, sub)",
                "boolean",
                "Whether s contains sub.",
                _contains,
            ),
            _fn(
                "starts_with",
                (2,),
                "starts_with(s, prefix)",
                "boolean",
                "Whether s starts with prefix.",
                _starts_with,
            ),
            _fn(
                "ends_with",
                (2,),
                "ends_with(s, suffix)",
                "boolean",
                "Whether s ends with suffix.",
                _ends_with,
            ),
            _fn("abs", (1,), "abs(x)", "number", "The absolute value of x.", _abs),
            _fn(
                "min",
                (2,),
                "min(a, b)",
                "any",
                "The smaller of a and b, compared as `<` compares them.",
                _min,
            ),
            _fn(
                "max",
                (2,),
                "max(a, b)",
                "any",
                "The larger of a and b, compared as `<` compares them.",
                _max,
            ),
            _fn(
                "choose",
                (3,),
                "choose(condition, a, b)",
                "any",
                "a if condition is true, b if it is false, null if it is null. Only the chosen "
                "argument is evaluated.",
                None,
                propagates_null=False,
            ),
            _fn(
                "raw",
                (1,),
                "raw(name)",
                "string",
                "The text of fact `name` as written in the letter (null when absent). The "
                "argument must be a fact name, not an expression.",
                None,
                propagates_null=False,
            ),
        ]
    )
)
