"""Static types of the expression language, for the type check made when a rule is loaded.

A type is the set of *kinds* of value an expression may have when it is not null (every
expression may be null: a fact the letter does not state is null, and null flows through
operators and functions, so nullness is not part of a type). The kinds follow the runtime
values of :mod:`lgo_audit.expr._values`:

=============  =================================================================================
Kind           Runtime value
=============  =================================================================================
``boolean``    ``True`` / ``False``
``integer``    ``int``: a count, a year, a literal ``17``, a whole result of arithmetic
``decimal``    ``Decimal``: a number stated with decimals (``58.8``, a stated percentage)
``fraction``   ``Fraction``: an exact result of arithmetic that is not whole
``percentage`` ``Percent``: an exact percentage computed by ``percent(k, n)``
``rate``       ``Decimal``: a rate a letter states (per 100,000 residents), with its places
``string``     ``str``
``date``       ``datetime.date``
=============  =================================================================================

``integer`` and ``decimal`` are the *stated* kinds: a number as a letter or a rule writes it,
carrying the decimal places it was written with. ``percentage`` is the *computed* kind.
``rate`` is known only to the type check: at run time a stated rate is a ``Decimal`` like any
stated decimal (:func:`kind_of` never gives ``rate``), but it is no percentage, so ``==``
between a computed percentage and a rate is refused as comparing unlike things rather than
as a question of rounding.

:data:`ANY` is the type of a name whose type is not known when the rule is loaded (such as the
``value`` a batch rule's message reads): it is accepted everywhere, and what it holds is checked
when the rule is evaluated, as before. :data:`NULL` (no kind at all) is the type of the literal
``null``, and is accepted everywhere too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from lgo_audit.expr._values import Percent, Value

BOOLEAN_KIND: Final = "boolean"
INTEGER_KIND: Final = "integer"
DECIMAL_KIND: Final = "decimal"
FRACTION_KIND: Final = "fraction"
PERCENTAGE_KIND: Final = "percentage"
RATE_KIND: Final = "rate"
STRING_KIND: Final = "string"
DATE_KIND: Final = "date"

NUMBER_KINDS: Final = frozenset(
    {INTEGER_KIND, DECIMAL_KIND, FRACTION_KIND, PERCENTAGE_KIND, RATE_KIND}
)
STATED_KINDS: Final = frozenset({INTEGER_KIND, DECIMAL_KIND})
ALL_KINDS: Final = NUMBER_KINDS | {BOOLEAN_KIND, STRING_KIND, DATE_KIND}


_NAMES: Final[dict[frozenset[str], str]] = {
    frozenset(): "null",
    frozenset({PERCENTAGE_KIND}): "computed percentage",
    frozenset({RATE_KIND}): "stated rate",
    STATED_KINDS | {RATE_KIND}: "stated number or rate",
    STATED_KINDS: "stated number",
    frozenset({INTEGER_KIND, FRACTION_KIND}): "exact number",
    NUMBER_KINDS: "number",
}


def _name_of(kinds: frozenset[str] | None) -> str:
    if kinds is None:
        return "any"
    if kinds in _NAMES:
        return _NAMES[kinds]
    order = sorted(ALL_KINDS)
    return " or ".join(k for k in order if k in kinds)


@dataclass(frozen=True, slots=True, eq=False)
class Type:
    """A static type: the kinds of non-null value an expression may have (``None``: any).

    ``name`` is how messages and the documentation call it; two types with the same kinds are
    equal whatever their names."""

    kinds: frozenset[str] | None
    name: str = ""

    def __post_init__(self) -> None:
        if self.kinds is not None and not self.kinds <= ALL_KINDS:
            raise ValueError(f"unknown kinds: {sorted(self.kinds - ALL_KINDS)}")
        if not self.name:
            object.__setattr__(self, "name", _name_of(self.kinds))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Type) and self.kinds == other.kinds

    def __hash__(self) -> int:
        return hash(self.kinds)

    def __str__(self) -> str:
        return self.name

    @property
    def is_any(self) -> bool:
        return self.kinds is None

    def accepted_by(self, wanted: Type) -> bool:
        """Can every value of this type be given where ``wanted`` is expected? (``ANY`` is
        accepted anywhere and accepts anything; so is ``NULL``.)"""
        if self.kinds is None or wanted.kinds is None:
            return True
        return self.kinds <= wanted.kinds

    def may_be(self, kinds: frozenset[str]) -> bool:
        """May a value of this type be of one of ``kinds``? (Not for ``ANY``: unknown.)"""
        return self.kinds is not None and bool(self.kinds & kinds)

    def union(self, other: Type) -> Type:
        if self.kinds is None or other.kinds is None:
            return ANY
        if other.kinds <= self.kinds:
            return self
        if self.kinds <= other.kinds:
            return other
        return Type(self.kinds | other.kinds)


def _type(*kinds: str, name: str = "") -> Type:
    return Type(frozenset(kinds), name)


BOOLEAN: Final = _type(BOOLEAN_KIND)
INTEGER: Final = _type(INTEGER_KIND)
DECIMAL: Final = _type(DECIMAL_KIND)
PERCENTAGE: Final = _type(PERCENTAGE_KIND, name="computed percentage")
STATED_PERCENTAGE: Final = _type(DECIMAL_KIND, name="stated percentage")
STATED_RATE: Final = _type(RATE_KIND, name="stated rate")
STATED_NUMBER: Final = Type(STATED_KINDS, "stated number")
STATED_NUMBER_OR_RATE: Final = Type(STATED_KINDS | {RATE_KIND}, "stated number or rate")
EXACT_NUMBER: Final = _type(INTEGER_KIND, FRACTION_KIND, name="exact number")
NUMBER: Final = Type(NUMBER_KINDS, "number")
STRING: Final = _type(STRING_KIND)
DATE: Final = _type(DATE_KIND)
ANY: Final = Type(None, "any")
NULL: Final = Type(frozenset(), "null")


def kind_of(value: Value) -> str | None:
    """The kind of a runtime value (None for null)."""
    if value is None:
        return None
    t = type(value)
    if t is bool:
        return BOOLEAN_KIND
    if t is int:
        return INTEGER_KIND
    if t is Decimal:
        return DECIMAL_KIND
    if t is Percent:
        return PERCENTAGE_KIND
    if t is Fraction:
        return FRACTION_KIND
    if t is str:
        return STRING_KIND
    if t is datetime.date:
        return DATE_KIND
    raise TypeError(f"not a value of the expression language: {t.__name__}")


def type_of(value: Value) -> Type:
    """The type of a constant (``NULL`` for null)."""
    kind = kind_of(value)
    return NULL if kind is None else Type(frozenset({kind}))


@dataclass(frozen=True, slots=True)
class TypeVar:
    """A parameter type that stands for whatever its arguments are, within ``bound``: the
    result of ``coalesce(a: T, b: T) -> T`` is the union of the types of ``a`` and ``b``."""

    name: str
    bound: Type = ANY

    def __str__(self) -> str:
        return self.name


T: Final = TypeVar("T")
N: Final = TypeVar("N", NUMBER)
