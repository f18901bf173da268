"""The type check: the type of an expression from the types of the names it reads, and every
mismatch found before any letter is checked.

``check(node, names)`` walks the syntax tree once. Literals have the type of their value, names
the type ``names`` gives them (:data:`~lgo_audit.expr._types.ANY` when it gives none), function
calls the result type of their declaration (:mod:`lgo_audit.expr._declare`), and operators the
type the evaluator would give (:mod:`lgo_audit.expr._values`). A mismatch is an
:class:`~lgo_audit.expr._errors.ExprTypeError` whose one-line message quotes the part of the
expression at fault:

* an operand of ``and``, ``or`` or ``not`` that is not a boolean;
* arithmetic on anything but numbers (and ``+`` on two strings), negating a non-number;
* a comparison between kinds that do not compare (a date with a number, a string with a
  number, ...), or ordering booleans;
* ``==`` or ``!=`` between a computed percentage (``percent(k, n)``) and a stated number,
  which would have to round one of them: the message names ``rounds_half_up_to``;
* ``==`` or ``!=`` between a computed percentage and a stated rate (per 100,000 residents):
  not a question of rounding, a rate is no percentage;
* a function argument of a type its parameter does not accept.

A type stands for the kinds a *non-null* value may have; a union type (``integer or string``,
from ``coalesce(n, 'none')``) is a mismatch when any of its kinds is. A name of type ANY is
accepted everywhere, and its values are checked when the rule is evaluated, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lgo_audit.expr._ast import (
    ARITHMETIC_OPS,
    Binary,
    Call,
    IsNull,
    Literal,
    Name,
    Node,
    Unary,
    unparse,
)
from lgo_audit.expr._declare import ParamType
from lgo_audit.expr._errors import ExprTypeError
from lgo_audit.expr._functions import FUNCTIONS
from lgo_audit.expr._types import (
    ANY,
    BOOLEAN,
    BOOLEAN_KIND,
    DATE_KIND,
    FRACTION_KIND,
    INTEGER_KIND,
    NUMBER,
    NUMBER_KINDS,
    PERCENTAGE_KIND,
    RATE_KIND,
    STATED_KINDS,
    STATED_NUMBER,
    STRING,
    STRING_KIND,
    Type,
    TypeVar,
    type_of,
)

__all__ = ["check"]

_SHOWN_LENGTH: Final = 80
_PERCENTAGE: Final = frozenset({PERCENTAGE_KIND})
_RATE: Final = frozenset({RATE_KIND})
_STATED_OR_RATE: Final = STATED_KINDS | _RATE
_ORDERED: Final = frozenset({"<", "<=", ">", ">="})
_INTEGER: Final = frozenset({INTEGER_KIND})
_EXACT: Final = frozenset({INTEGER_KIND, FRACTION_KIND})  # what arithmetic on numbers gives
_STRING: Final = frozenset({STRING_KIND})


def _shown(node: Node) -> str:
    text = unparse(node)
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 3] + "..."


def _operand(node: Node, t: Type) -> str:
    """``upheld.count (integer)``: a part of the expression and its type, for messages."""
    return f"{_shown(node)} ({t})"


def _comparable(a: str, b: str, op: str) -> bool:
    if a in NUMBER_KINDS and b in NUMBER_KINDS:
        return True
    if a == b and a in (STRING_KIND, DATE_KIND):
        return True
    return a == b == BOOLEAN_KIND and op not in _ORDERED


def _arithmetic(op: str, a: str, b: str) -> frozenset[str] | None:
    """The kinds of ``a op b`` for operand kinds a and b, or None if it is an error."""
    if a in NUMBER_KINDS and b in NUMBER_KINDS:
        if op != "/" and a == b == INTEGER_KIND:
            return _INTEGER
        return _EXACT
    if op == "+" and a == b == STRING_KIND:
        return _STRING
    return None


class _Checker:
    __slots__ = ("names",)

    def __init__(self, names: Mapping[str, Type]) -> None:
        self.names = names

    def infer(self, node: Node) -> Type:
        if isinstance(node, Literal):
            return type_of(node.value)
        if isinstance(node, Name):
            return self.names.get(node.name, ANY)
        if isinstance(node, IsNull):
            self.infer(node.operand)
            return BOOLEAN
        if isinstance(node, Unary):
            return self._unary(node)
        if isinstance(node, Binary):
            return self._binary(node)
        return self._call(node)

    def _boolean(self, node: Node, what: str) -> None:
        t = self.infer(node)
        if not t.accepted_by(BOOLEAN):
            raise ExprTypeError(f"{what} needs true, false or null, got {_operand(node, t)}")

    def _unary(self, node: Unary) -> Type:
        if node.op == "not":
            self._boolean(node.operand, "'not'")
            return BOOLEAN
        t = self.infer(node.operand)
        if not t.accepted_by(NUMBER):
            raise ExprTypeError(f"cannot negate {_operand(node.operand, t)}")
        return t

    def _binary(self, node: Binary) -> Type:
        op = node.op
        if op in ("and", "or"):
            self._boolean(node.left, f"'{op}'")
            self._boolean(node.right, f"'{op}'")
            return BOOLEAN
        left = self.infer(node.left)
        right = self.infer(node.right)
        if op in ARITHMETIC_OPS:
            return self._arithmetic(node, left, right)
        self._comparison(node, left, right)
        return BOOLEAN

    def _arithmetic(self, node: Binary, left: Type, right: Type) -> Type:
        operands = NUMBER_KINDS | {STRING_KIND} if node.op == "+" else NUMBER_KINDS
        if left.kinds is None or right.kinds is None:
            known, side = (right, node.right) if left.kinds is None else (left, node.left)
            if known.kinds is not None and not known.kinds <= operands:
                raise ExprTypeError(f"cannot apply '{node.op}' to {_operand(side, known)}")
            return ANY
        kinds: set[str] = set()
        for a in left.kinds:
            for b in right.kinds:
                result = _arithmetic(node.op, a, b)
                if result is None:
                    raise ExprTypeError(
                        f"cannot apply '{node.op}' to {_operand(node.left, left)} and "
                        f"{_operand(node.right, right)}"
                    )
                kinds |= result
        return Type(frozenset(kinds))  # NULL when either side is the literal null

    def _comparison(self, node: Binary, left: Type, right: Type) -> None:
        op = node.op
        if left.kinds is None or right.kinds is None:
            return
        for a in left.kinds:
            for b in right.kinds:
                if not _comparable(a, b, op):
                    if a == b == BOOLEAN_KIND:
                        raise ExprTypeError(
                            f"cannot order booleans with '{op}': {_shown(node)}; use '==' or '!='"
                        )
                    raise ExprTypeError(
                        f"cannot compare {_operand(node.left, left)} with "
                        f"{_operand(node.right, right)} using '{op}'"
                    )
        if op in ("==", "!="):
            if left.may_be(_PERCENTAGE) and right.may_be(_STATED_OR_RATE):
                raise _percentage_equality(node, node.left, left, node.right, right)
            if right.may_be(_PERCENTAGE) and left.may_be(_STATED_OR_RATE):
                raise _percentage_equality(node, node.right, right, node.left, left)

    def _call(self, node: Call) -> Type:
        spec = FUNCTIONS[node.function]
        if spec.name == "raw":
            return STRING  # its argument is a fact name, whatever the fact's type
        signature = spec.signature_for(len(node.args))
        assert signature is not None  # the parser and Call check the number of arguments
        bound: dict[str, Type] = {}
        for param, arg in zip(signature.params, node.args, strict=True):
            t = self.infer(arg)
            wanted = param.type.bound if isinstance(param.type, TypeVar) else param.type
            if not t.accepted_by(wanted):
                raise ExprTypeError(
                    f"{spec.name}() takes {param.name} as {_article(wanted)}, got "
                    f"{_operand(arg, t)}"
                )
            if isinstance(param.type, TypeVar):
                name = param.type.name
                bound[name] = bound[name].union(t) if name in bound else t
        return _result(signature.returns, bound)


def _result(returns: ParamType, bound: Mapping[str, Type]) -> Type:
    if isinstance(returns, TypeVar):
        return bound.get(returns.name, returns.bound)
    return returns


def _article(t: Type) -> str:
    name = str(t)
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _percentage_equality(
    node: Binary, computed: Node, computed_type: Type, other: Node, other_type: Type
) -> ExprTypeError:
    """The error for ``==``/``!=`` between a computed percentage and a stated number or rate:
    with a rate, the two are unlike things (no rounding makes them comparable); with a stated
    number, the rule must say how to round."""
    if other_type.may_be(_RATE):
        return ExprTypeError(
            f"'{node.op}' between a computed percentage ({_shown(computed)}) and "
            f"{_article(other_type)} ({_shown(other)}) compares unlike things: a rate per "
            "100,000 residents is not a percentage"
        )
    return _silent_rounding(node, computed, computed_type, other, other_type)


def _silent_rounding(
    node: Binary, computed: Node, computed_type: Type, other: Node, other_type: Type
) -> ExprTypeError:
    """The error for ``==``/``!=`` between a computed percentage and a stated number."""
    problem = (
        f"'{node.op}' between a computed percentage ({_shown(computed)}) and "
        f"{_article(other_type)} ({_shown(other)}) does not say how to round"
    )
    if computed_type.accepted_by(NUMBER) and other_type.accepted_by(STATED_NUMBER):
        negation = "not " if node.op == "!=" else ""
        call = f"rounds_half_up_to({unparse(computed)}, {unparse(other)})"
        if len(call) > 2 * _SHOWN_LENGTH:
            call = "rounds_half_up_to(computed, stated)"
        return ExprTypeError(
            f"{problem}: write {negation}{call}, which rounds half up at the places "
            f"{_shown(other)} is stated with"
        )
    return ExprTypeError(
        f"{problem}: write rounds_half_up_to(computed, stated) to round half up at the places "
        "of a stated number, or compare the difference with 0 to compare exactly"
    )


def check(node: Node, names: Mapping[str, Type]) -> Type:
    """The type of ``node`` when each name has the type ``names`` gives it (ANY when it gives
    none); raises ExprTypeError at the first mismatch."""
    return _Checker(names).infer(node)
