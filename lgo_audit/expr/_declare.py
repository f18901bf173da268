"""How a function of the expression language is declared, and the argument checks its
implementation makes.

A function is declared once, the way CEL lets a host declare one: its name, its parameters with
their types, its result type, what it does with null, its documentation and its
implementation. From the one declaration the parser checks the number of arguments, the type
check made when a rule is loaded checks the types of the arguments and infers the type of the
result, the evaluator calls the implementation, and ``python -m lgo_audit.docs`` writes the
function reference of ``docs/writing-rules.md``.

The implementation still checks what it is given (with the helpers below), because a name whose
type is not known at load (see :data:`lgo_audit.expr._types.ANY`) reaches it unchecked: a wrong
type is then an evaluation error naming the function, as before.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

from lgo_audit.expr._errors import ExprEvalError
from lgo_audit.expr._types import Type, TypeVar
from lgo_audit.expr._values import MAX_NUMBER_DIGITS, Number, Value, describe, is_number, ratio

ParamType: TypeAlias = Type | TypeVar
Nulls: TypeAlias = Literal["propagate", "accept"]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its name (as the documentation shows it) and the type it accepts."""

    name: str
    type: ParamType


@dataclass(frozen=True, slots=True)
class Signature:
    """One way to call a function: its parameters and the type of its result. A type variable
    in ``returns`` is the union of the types of the arguments given for it."""

    params: tuple[Param, ...]
    returns: ParamType

    def text(self, name: str) -> str:
        """``percent(k: number, n: number) -> computed percentage``."""
        params = ", ".join(f"{p.name}: {p.type}" for p in self.params)
        return f"{name}({params}) -> {self.returns}"


@dataclass(frozen=True, slots=True)
class Function:
    """The declaration of one function. ``signatures`` has one entry per accepted number of
    arguments; ``impl`` is None for the two special forms, ``choose`` (which evaluates only the
    branch it chooses) and ``raw`` (whose argument is a fact name, not a value)."""

    name: str
    signatures: tuple[Signature, ...]
    doc: str
    impl: Callable[..., Value] | None
    nulls: Nulls = "propagate"
    group: str = "core"

    def __post_init__(self) -> None:
        arities = [len(s.params) for s in self.signatures]
        if not arities or len(set(arities)) != len(arities):
            raise ValueError(f"{self.name}: one signature per number of arguments")

    @property
    def arities(self) -> tuple[int, ...]:
        return tuple(sorted(len(s.params) for s in self.signatures))

    @property
    def propagates_null(self) -> bool:
        """A null argument makes the result null without calling the implementation."""
        return self.nulls == "propagate"

    def signature_for(self, arity: int) -> Signature | None:
        for signature in self.signatures:
            if len(signature.params) == arity:
                return signature
        return None

    @property
    def signature(self) -> str:
        """The call written short: ``percent(k, n[, places])``."""
        longest = max(self.signatures, key=lambda s: len(s.params))
        shortest = min(len(s.params) for s in self.signatures)
        names = [p.name for p in longest.params]
        required = ", ".join(names[:shortest])
        optional = "".join(f"[, {n}]" for n in names[shortest:])
        return f"{self.name}({required}{optional})"

    def arity_text(self) -> str:
        """ "2 arguments", "2 or 3 arguments"."""
        counts = " or ".join(str(a) for a in self.arities)
        return f"{counts} argument{'' if self.arities == (1,) else 's'}"


def function(
    name: str,
    *params: tuple[str, ParamType],
    returns: ParamType,
    doc: str,
    impl: Callable[..., Value] | None,
    nulls: Nulls = "propagate",
    group: str = "core",
) -> Function:
    """A function with one signature: ``function("year", ("d", DATE), returns=INTEGER, ...)``."""
    signature = Signature(tuple(Param(n, t) for n, t in params), returns)
    return Function(name, (signature,), doc, impl, nulls, group)


# ---------------------------------------------------------------------------------------------
# Argument checks for implementations: a wrong type is an ExprEvalError naming the function.


def number_arg(fn: str, what: str, v: Value) -> Number:
    if is_number(v):
        return v
    raise ExprEvalError(f"{fn}(): {what} must be a number, got {describe(v)}")


def whole_arg(fn: str, what: str, v: Value) -> int:
    if type(v) is int:
        return v
    if is_number(v):
        n, d = ratio(v)
        if d == 1:
            return n
    raise ExprEvalError(f"{fn}(): {what} must be a whole number, got {describe(v)}")


def places_arg(fn: str, v: Value) -> int:
    places = whole_arg(fn, "places", v)
    if not 0 <= places <= MAX_NUMBER_DIGITS:
        raise ExprEvalError(f"{fn}(): places must be from 0 to {MAX_NUMBER_DIGITS}, got {places}")
    return places


def string_arg(fn: str, what: str, v: Value) -> str:
    if type(v) is str:
        return v
    raise ExprEvalError(f"{fn}(): {what} must be a string, got {describe(v)}")


def date_arg(fn: str, what: str, v: Value) -> datetime.date:
    if isinstance(v, datetime.date):
        return v
    raise ExprEvalError(f"{fn}(): {what} must be a date, got {describe(v)}")
