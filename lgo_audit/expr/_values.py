"""Values of the expression language, the limits on them, and exact arithmetic.

No float is ever created: percentages in the letters are checked against counts, and a float
would turn "10 of 17 is 58.8%" into a question of binary rounding. Numbers are ``int``,
``Decimal`` (a number *stated* in a letter, which keeps the decimal places it was written with),
``Fraction`` (an exact intermediate result) and ``Percent`` (an exact percentage).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from math import gcd
from typing import Final, Protocol, TypeAlias, TypeGuard

from lgo_audit.dates import long_date
from lgo_audit.expr._errors import ExprEvalError

#: Longest accepted expression (or template) source, in characters.
MAX_SOURCE_LENGTH: Final = 4_000
#: Deepest accepted nesting: of parentheses (calls included) in the source, and of the syntax
#: tree itself (prefix operators and operator chains included). Keeps parsing and evaluation
#: well inside Python's recursion limit: the pyparsing grammar takes some twenty-five frames per
#: level of parentheses, so 32 levels fit under the default limit of 1000 with room to spare
#: (rules in practice nest about six deep).
MAX_DEPTH: Final = 32
#: Most digits in a number literal; also the most decimal places a rounding may ask for.
MAX_NUMBER_DIGITS: Final = 30
#: Largest numerator or denominator any number may have during evaluation, so repeated
#: multiplication cannot exhaust memory or time.
MAX_MAGNITUDE: Final = 10**40
#: Longest string any evaluation may see or produce.
MAX_STRING_LENGTH: Final = 10_000

# A Decimal from a fact is range-checked by exponent before it is ever turned into integers,
# so that Decimal("1e999999999") is rejected without building a billion-digit number.
_MAX_DECIMAL_EXPONENT: Final = 41
_MAX_PLACES: Final = 40  # log10(MAX_MAGNITUDE)


class Percent(Fraction):
    """An exact, unrounded percentage, as produced by ``percent(k, n)``: a *computed*
    percentage.

    Why a separate type: letters state percentages rounded ("58.8%", "59%"). A Percent is never
    tested for equality with a stated number (an ``int`` or a ``Decimal``): ``==`` and ``!=``
    between them are an error, and ``rounds_half_up_to(percent(10, 17), 59)`` says how to
    compare. Ordered against a stated number (``<``, ``<=``, ``>``, ``>=``) it is first rounded
    half up to the number of decimal places the stated number was written with, so
    ``percent(10, 17) <= 59`` and ``percent(10, 17) >= 59`` are both true. Against another
    Percent or a Fraction every comparison is exact. Arithmetic on a Percent gives a plain exact
    number.
    """

    __slots__ = ()


#: Every value an expression can produce or read from a fact.
Value: TypeAlias = bool | int | Decimal | Fraction | Percent | str | datetime.date | None
Number: TypeAlias = int | Decimal | Fraction

_NUMBER_TYPES: Final = frozenset({int, Decimal, Fraction, Percent})
_STATED_TYPES: Final = frozenset({int, Decimal})


class Env(Protocol):
    """Where an expression reads facts from. Names are looked up only through these two methods,
    never by attribute access, so a rule can reach nothing but the facts of the letter."""

    def value(self, name: str) -> Value:
        """The value of fact ``name``, or None when the letter does not state it."""
        ...

    def raw(self, name: str) -> str | None:
        """The text of fact ``name`` exactly as written in the letter, or None when absent."""
        ...


def is_number(v: object) -> TypeGuard[Number]:
    """True for int, Decimal, Fraction and Percent (never for bool)."""
    return type(v) in _NUMBER_TYPES


def is_stated(v: object) -> TypeGuard[int | Decimal]:
    """True for numbers that carry a number of decimal places: int (0) and Decimal."""
    return type(v) in _STATED_TYPES


def describe(v: object) -> str:
    """A short, one-line description of a value for error messages."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Percent):
        return f"computed percentage {format_value(v)}"
    if isinstance(v, int | Decimal | Fraction):
        return f"number {format_value(v)}"
    if isinstance(v, str):
        shown = v if len(v) <= 40 else v[:40] + "..."
        return f"string {shown!r}"
    if isinstance(v, datetime.date):
        return f"date {v.isoformat()}"
    return f"unsupported {type(v).__name__}"


def too_large(what: str = "number") -> ExprEvalError:
    """The error for a value beyond MAX_MAGNITUDE or MAX_STRING_LENGTH."""
    if what == "string":
        return ExprEvalError(f"string longer than {MAX_STRING_LENGTH} characters")
    return ExprEvalError(f"{what} too large (numerator or denominator above 10**40)")


def _decimal_exponent(d: Decimal) -> int:
    exponent = d.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def check_value(v: object, where: str) -> Value:
    """Admit a value coming from outside (a fact): only the types of the language, within bounds.

    Anything else (float, datetime, NaN, a huge number, an object) is an ExprEvalError, so nothing
    foreign can flow into the evaluator.
    """
    t = type(v)
    if t is int and isinstance(v, int):
        if -MAX_MAGNITUDE <= v <= MAX_MAGNITUDE:
            return v
        raise too_large(f"number in {where}")
    if v is None or t is bool or t is datetime.date:
        return v  # type: ignore[return-value]  # exactly one of the types above
    if t is Decimal and isinstance(v, Decimal):
        _, digits, exponent = v.as_tuple()
        if not isinstance(exponent, int):
            raise ExprEvalError(f"{where} is not a finite number")
        if exponent >= -_MAX_PLACES and len(digits) + max(exponent, 0) <= _MAX_PLACES:
            return v  # even unreduced, numerator < 10**40 and denominator <= 10**40
        if v.adjusted() > _MAX_DECIMAL_EXPONENT or exponent < -_MAX_DECIMAL_EXPONENT:
            raise too_large(f"number in {where}")  # rejected before building huge integers
        check_ratio(*v.as_integer_ratio(), what=f"number in {where}")
        return v
    if t is str and isinstance(v, str):
        if len(v) <= MAX_STRING_LENGTH:
            return v
        raise ExprEvalError(f"{where} is longer than {MAX_STRING_LENGTH} characters")
    if (t is Fraction or t is Percent) and isinstance(v, Fraction):
        check_ratio(v.numerator, v.denominator, what=f"number in {where}")
        return v
    raise ExprEvalError(f"{where} has a value of unsupported type {t.__name__}")


def check_ratio(n: int, d: int, what: str = "number") -> None:
    """Raise unless the numerator and denominator are within MAX_MAGNITUDE."""
    if n > MAX_MAGNITUDE or n < -MAX_MAGNITUDE or d > MAX_MAGNITUDE:
        raise too_large(what)


def check_string(s: str) -> str:
    """Raise unless the string is within MAX_STRING_LENGTH."""
    if len(s) > MAX_STRING_LENGTH:
        raise too_large("string")
    return s


def ratio(v: Number) -> tuple[int, int]:
    """Exact (numerator, denominator) of a number, denominator > 0."""
    if type(v) is int:
        return v, 1
    if isinstance(v, Decimal):
        return v.as_integer_ratio()
    assert isinstance(v, Fraction)
    return v.numerator, v.denominator


def make_number(n: int, d: int) -> int | Fraction:
    """The exact number n/d (d > 0): an int when whole, otherwise a Fraction; bounded."""
    g = gcd(n, d)
    if g != 1:
        n //= g
        d //= g
    check_ratio(n, d)
    return n if d == 1 else Fraction(n, d)


def places_of(v: int | Decimal) -> int:
    """The decimal places a stated number was written with (an int has none)."""
    if type(v) is int:
        return 0
    assert isinstance(v, Decimal)
    return max(0, -_decimal_exponent(v))


def round_half_up_scaled(n: int, d: int, places: int) -> int:
    """n/d rounded half up (halves away from zero, never to even) to ``places`` decimals,
    returned as the integer ``result * 10**places``. Pure integer arithmetic: exact."""
    scale: int = 10**places
    q, r = divmod(abs(n) * scale, d)
    if 2 * r >= d:
        q += 1
    return q if n >= 0 else -q


def decimal_from_scaled(k: int, places: int) -> Decimal:
    """The Decimal k / 10**places with exactly ``places`` decimals (no context rounding)."""
    return Decimal(f"{k}E-{places}")


def round_half_up(v: Number, places: int) -> Decimal:
    """Round a number half up to ``places`` decimals, as a Decimal with exactly that exponent."""
    return decimal_from_scaled(round_half_up_scaled(*ratio(v), places), places)


def format_value(v: Value) -> str:
    """How a value reads in a message: int "17"; Decimal as written ("58.8", "59"); Fraction and
    Percent rounded half up to one decimal, with a trailing ".0" dropped; a date as
    "31 March 2020"; a string as is; "true"/"false"; null as "null"."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, Fraction):
        k = round_half_up_scaled(v.numerator, v.denominator, 1)
        whole, tenth = divmod(abs(k), 10)
        sign = "-" if k < 0 else ""
        return f"{sign}{whole}" if tenth == 0 else f"{sign}{whole}.{tenth}"
    if isinstance(v, str):
        return v
    if isinstance(v, datetime.date):
        return long_date(v)
    raise TypeError(f"not a value of the expression language: {type(v).__name__}")


# ---------------------------------------------------------------------------------------------
# Arithmetic


def _arith(op: str, a: Value, b: Value) -> Value:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        an, ad = ratio(a)
        bn, bd = ratio(b)
        if op == "+":
            return make_number(an * bd + bn * ad, ad * bd)
        if op == "-":
            return make_number(an * bd - bn * ad, ad * bd)
        if op == "*":
            return make_number(an * bn, ad * bd)
        if bn == 0:
            return None  # a rate over nothing is another rule's business
        n, d = an * bd, ad * bn
        return make_number(-n, -d) if d < 0 else make_number(n, d)
    if op == "+" and type(a) is str and type(b) is str:
        if len(a) + len(b) > MAX_STRING_LENGTH:
            raise too_large("string")
        return a + b
    raise ExprEvalError(f"cannot apply '{op}' to {describe(a)} and {describe(b)}")


def add(a: Value, b: Value) -> Value:
    """a + b: exact for numbers, concatenation for two strings, null if either is null."""
    if type(a) is int and type(b) is int:
        r = a + b
        if -MAX_MAGNITUDE <= r <= MAX_MAGNITUDE:
            return r
        raise too_large()
    return _arith("+", a, b)


def sub(a: Value, b: Value) -> Value:
    """a - b, exact."""
    if type(a) is int and type(b) is int:
        r = a - b
        if -MAX_MAGNITUDE <= r <= MAX_MAGNITUDE:
            return r
        raise too_large()
    return _arith("-", a, b)


def mul(a: Value, b: Value) -> Value:
    """a * b, exact."""
    if type(a) is int and type(b) is int:
        r = a * b
        if -MAX_MAGNITUDE <= r <= MAX_MAGNITUDE:
            return r
        raise too_large()
    return _arith("*", a, b)


def div(a: Value, b: Value) -> Value:
    """a / b, exact; null when b is zero."""
    return _arith("/", a, b)


ARITHMETIC: Final[dict[str, Callable[[Value, Value], Value]]] = {
    "+": add,
    "-": sub,
    "*": mul,
    "/": div,
}


def negate(v: Value) -> Value:
    """-v, keeping the kind of number (a stated Decimal keeps its places; a Percent stays one)."""
    if v is None:
        return None
    if type(v) is int:
        return -v
    if isinstance(v, Decimal) and type(v) is Decimal:
        return v if v.is_zero() else v.copy_negate()
    if type(v) is Percent:
        return Percent(-v.numerator, v.denominator)
    if type(v) is Fraction:
        return -v
    raise ExprEvalError(f"cannot negate {describe(v)}")


def absolute(v: Value) -> Value:
    """|v|, keeping the kind of number."""
    if type(v) is int:
        return abs(v)
    if isinstance(v, Decimal) and type(v) is Decimal:
        return v.copy_abs()
    if type(v) is Percent:
        return Percent(abs(v.numerator), v.denominator)
    if type(v) is Fraction:
        return abs(v)
    raise ExprEvalError(f"abs(): expected a number, got {describe(v)}")


# ---------------------------------------------------------------------------------------------
# Comparison

_ORDERED: Final = ("<", "<=", ">", ">=")
_EQUALITY: Final = ("==", "!=")
_PREDICATES: Final[dict[str, Callable[[int], bool]]] = {
    "==": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}
_INT_OPERATORS: Final[dict[str, Callable[[int, int], bool]]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _number_ratio_against(v: Number, other: Number) -> tuple[int, int]:
    """The ratio v is compared as: a Percent facing a stated number is rounded to its places."""
    if type(v) is Percent and is_stated(other):
        places = places_of(other)
        scale: int = 10**places
        return round_half_up_scaled(v.numerator, v.denominator, places), scale
    return ratio(v)


def _rounds_silently(a: Number, b: Number) -> bool:
    """Would ``a == b`` compare a computed percentage with a stated number?"""
    return (type(a) is Percent and is_stated(b)) or (type(b) is Percent and is_stated(a))


def three_way(op: str, a: Value, b: Value) -> int:
    """-1, 0 or 1 as a is below, equal to or above b, under the language's rules; raises
    ExprEvalError for values that cannot be compared with ``op``. Neither may be null.

    ``==`` and ``!=`` between a computed percentage and a stated number are refused: the rule
    must say how to round, with ``rounds_half_up_to``. The type check refuses them when a rule
    is loaded; this is for the values whose type is not known then."""
    if is_number(a) and is_number(b):
        if op in _EQUALITY and _rounds_silently(a, b):
            raise ExprEvalError(
                f"cannot compare {describe(a)} with {describe(b)} using '{op}': a computed "
                "percentage and a stated number are compared with rounds_half_up_to(x, stated)"
            )
        an, ad = _number_ratio_against(a, b)
        bn, bd = _number_ratio_against(b, a)
        x, y = an * bd, bn * ad
        return (x > y) - (x < y)
    ta = type(a)
    if ta is type(b) and (ta is str or ta is datetime.date):
        return (a > b) - (a < b)  # type: ignore[operator]
    if ta is bool and type(b) is bool:
        if op in _ORDERED:
            raise ExprEvalError(f"cannot order booleans with '{op}'")
        return 0 if a is b else 1
    raise ExprEvalError(f"cannot compare {describe(a)} with {describe(b)} using '{op}'")


def make_comparison(op: str) -> Callable[[Value, Value], bool | None]:
    """The function for comparison ``op``, with a fast path for two ints; null if either is null."""
    fast = _INT_OPERATORS[op]
    test = _PREDICATES[op]

    def compare(a: Value, b: Value) -> bool | None:
        if type(a) is int and type(b) is int:
            return fast(a, b)
        if a is None or b is None:
            return None
        return test(three_way(op, a, b))

    return compare


COMPARISONS: Final[dict[str, Callable[[Value, Value], bool | None]]] = {
    op: make_comparison(op) for op in _PREDICATES
}
