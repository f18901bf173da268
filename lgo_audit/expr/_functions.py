"""The function registry: the generic functions of the language core, and the library's.

Rules can call these functions and nothing else. Each is declared once (see
:mod:`lgo_audit.expr._declare`) with its parameter types, result type, null behaviour, doc and
implementation; the parser checks the number of arguments, the load-time type check
(:mod:`lgo_audit.expr._check`) the types, and ``python -m lgo_audit.docs`` writes the function
reference in ``docs/writing-rules.md`` from the declarations.

The core functions here know nothing of letters: choosing a value (``coalesce``,
``most_common``, ``choose``),
the text of a fact (``raw``), strings (``text``, ``lower``, ``length``, ``contains``) and
``abs``. The functions about percentages, dates, people and wording are the library's
(:mod:`lgo_audit.expr.library`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from lgo_audit.expr._declare import Function, function, string_arg
from lgo_audit.expr._types import ANY, BOOLEAN, INTEGER, STRING, N, T, Type
from lgo_audit.expr._values import Value, absolute, check_string, format_value
from lgo_audit.expr.library import LIBRARY

__all__ = ["CORE", "FUNCTIONS", "Function"]


def _coalesce(a: Value, b: Value) -> Value:
    return b if a is None else a


def _most_common(*values: Value) -> Value:
    stated = [v for v in values if v is not None]
    if not stated:
        return None
    counts: dict[Value, int] = {}
    for value in stated:
        counts[value] = counts.get(value, 0) + 1
    most = max(counts.values())
    return next(v for v in stated if counts[v] == most)


def _text(x: Value) -> Value:
    return check_string(format_value(x))


def _lower(s: Value) -> Value:
    return check_string(string_arg("lower", "s", s).lower())


def _length(s: Value) -> Value:
    return len(string_arg("length", "s", s))


def _contains(s: Value, sub: Value) -> Value:
    return string_arg("contains", "sub", sub) in string_arg("contains", "s", s)


def _abs(x: Value) -> Value:
    return absolute(x)


#: What ``raw`` takes: a fact name, whatever its type (the parser refuses anything else).
FACT_NAME: Final = Type(None, "fact name")

#: The generic functions of the language core.
CORE: Final[tuple[Function, ...]] = (
    function(
        "coalesce",
        ("a", T),
        ("b", T),
        returns=T,
        doc="a unless it is null, otherwise b.",
        impl=_coalesce,
        nulls="accept",
    ),
    function(
        "most_common",
        *((name, T) for name in ("a", "b", "c", "d", "e", "f")),
        returns=T,
        doc="The value most of a to f are, nulls left out; of values as common, the one given "
        "first; null when all are null. Pass null for an argument not needed: "
        "`most_common(upheld.period.end, compliance.period.end, remedy.period.end, "
        "year_ending, null, null)` is the period end most of the letter states.",
        impl=_most_common,
        nulls="accept",
    ),
    function(
        "choose",
        ("condition", BOOLEAN),
        ("a", T),
        ("b", T),
        returns=T,
        doc="a if condition is true, b if it is false, null if it is null. Only the chosen "
        "argument is evaluated, and it may be null.",
        impl=None,
        nulls="accept",
    ),
    function(
        "raw",
        ("name", FACT_NAME),
        returns=STRING,
        doc="The text of fact `name` as written in the letter (null when absent). The argument "
        "must be a fact name, not an expression.",
        impl=None,
        nulls="accept",
    ),
    function(
        "text",
        ("x", ANY),
        returns=STRING,
        doc="x as it would appear in a message: `text(upheld.count) + ' decisions'`.",
        impl=_text,
    ),
    function("lower", ("s", STRING), returns=STRING, doc="s in lower case.", impl=_lower),
    function(
        "length",
        ("s", STRING),
        returns=INTEGER,
        doc="The number of characters in s.",
        impl=_length,
    ),
    function(
        "contains",
        ("s", STRING),
        ("sub", STRING),
        returns=BOOLEAN,
        doc="Whether s contains sub (case matters: compare `lower(s)` to ignore it).",
        impl=_contains,
    ),
    function(
        "abs",
        ("x", N),
        returns=N,
        doc="The absolute value of x, of the same kind: `abs(upheld.average - remedy.average) "
        "<= 5` for a tolerance.",
        impl=_abs,
    ),
)

#: Every function a rule may call, by name: the core's, then the library's.
FUNCTIONS: Final[Mapping[str, Function]] = MappingProxyType({f.name: f for f in (*CORE, *LIBRARY)})
assert len(FUNCTIONS) == len(CORE) + len(LIBRARY), "a function is declared twice"
