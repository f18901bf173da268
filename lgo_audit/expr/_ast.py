"""The syntax tree of the expression language: frozen dataclasses with structural equality.

Nodes validate themselves on construction, so every tree that exists is one the parser could
have produced; that is what makes ``parse(unparse(node)) == node`` hold for every node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, TypeAlias

from lgo_audit.expr._functions import FUNCTIONS
from lgo_audit.expr._values import MAX_NUMBER_DIGITS

#: Words that cannot be (part of) a fact name.
KEYWORDS: Final = frozenset({"and", "or", "not", "is", "null", "true", "false"})
NAME_PATTERN: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
COMPARISON_OPS: Final = frozenset({"==", "!=", "<", "<=", ">", ">="})
ARITHMETIC_OPS: Final = frozenset({"+", "-", "*", "/"})
LOGICAL_OPS: Final = frozenset({"and", "or"})
BINARY_OPS: Final = COMPARISON_OPS | ARITHMETIC_OPS | LOGICAL_OPS
UNARY_OPS: Final = frozenset({"-", "not"})

LiteralValue: TypeAlias = bool | int | Decimal | str | None


def _literal_key(value: LiteralValue) -> tuple[type, object]:
    """What makes two literals equal: the type, and for a Decimal its digits and exponent
    (so ``59 != 59.0 != 59.00`` as literals, although they are equal numbers)."""
    if isinstance(value, Decimal):
        return Decimal, value.as_tuple()
    return type(value), value


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    """A constant: integer, decimal (exponent kept), string, true, false or null.

    Numbers are non-negative (``-5`` is ``Unary('-', Literal(5))``) and have at most
    MAX_NUMBER_DIGITS digits, like the literals the parser accepts.
    """

    value: LiteralValue

    def __post_init__(self) -> None:
        v = self.value
        if v is None or isinstance(v, bool | str):
            return
        if type(v) is int:
            if v < 0 or len(str(v)) > MAX_NUMBER_DIGITS:
                raise ValueError(f"integer literal out of range: {v}")
            return
        if type(v) is Decimal:
            exponent = v.as_tuple().exponent
            text = format(v, "f") if v.is_finite() else ""
            if (
                not isinstance(exponent, int)
                or exponent >= 0
                or v.is_signed()
                or len(text) - 1 > MAX_NUMBER_DIGITS
            ):
                raise ValueError(f"decimal literal must be written d.ddd, got {v!r}")
            return
        raise TypeError(f"not a literal value: {type(v).__name__}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Literal):
            return NotImplemented
        return _literal_key(self.value) == _literal_key(other.value)

    def __hash__(self) -> int:
        return hash(_literal_key(self.value))


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a fact, e.g. ``upheld.period.start``; looked up through ``Env.value``."""

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"not a fact name: {self.name!r}")
        if any(part in KEYWORDS for part in self.name.split(".")):
            raise ValueError(f"a fact name cannot contain a keyword: {self.name!r}")


@dataclass(frozen=True, slots=True)
class Unary:
    """``-operand`` or ``not operand``."""

    op: str
    operand: Node

    def __post_init__(self) -> None:
        if self.op not in UNARY_OPS:
            raise ValueError(f"not a unary operator: {self.op!r}")
        _check_node(self.operand)


@dataclass(frozen=True, slots=True)
class Binary:
    """``left op right`` for arithmetic, comparison, ``and`` and ``or``."""

    op: str
    left: Node
    right: Node

    def __post_init__(self) -> None:
        if self.op not in BINARY_OPS:
            raise ValueError(f"not a binary operator: {self.op!r}")
        _check_node(self.left)
        _check_node(self.right)


@dataclass(frozen=True, slots=True)
class IsNull:
    """``operand is null`` (or ``is not null`` when negated): never null itself."""

    operand: Node
    negated: bool = False

    def __post_init__(self) -> None:
        _check_node(self.operand)
        if not isinstance(self.negated, bool):
            raise TypeError("negated must be a bool")


@dataclass(frozen=True, slots=True)
class Call:
    """``function(args...)``: a function of the fixed registry, with a valid number of arguments."""

    function: str
    args: tuple[Node, ...]

    def __post_init__(self) -> None:
        spec = FUNCTIONS.get(self.function)
        if spec is None:
            raise ValueError(f"unknown function {self.function!r}")
        if not isinstance(self.args, tuple):
            raise TypeError("Call.args must be a tuple")
        if len(self.args) not in spec.arities:
            raise ValueError(f"{self.function}() takes {spec.arity_text()}")
        for arg in self.args:
            _check_node(arg)
        if self.function == "raw" and not isinstance(self.args[0], Name):
            raise ValueError("raw() takes a fact name")


#: Any node of the syntax tree.
Node: TypeAlias = Literal | Name | Unary | Binary | IsNull | Call
_NODE_TYPES: Final = (Literal, Name, Unary, Binary, IsNull, Call)


def _check_node(node: object) -> None:
    if not isinstance(node, _NODE_TYPES):
        raise TypeError(f"not an expression node: {type(node).__name__}")


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node."""
    if isinstance(node, Unary | IsNull):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def depth(node: Node) -> int:
    """The height of the tree (a leaf has depth 1). Iterative, so any tree can be measured."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest


def names_used(node: Node) -> frozenset[str]:
    """Every fact name the expression reads (including the argument of ``raw``), so a rule file
    can be checked against the facts the grammar extracts."""
    found = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            found.add(current.name)
        stack.extend(children(current))
    return frozenset(found)


# ---------------------------------------------------------------------------------------------
# unparse: canonical text with the fewest parentheses that keep the tree the same.

_PRECEDENCE: Final = {
    "or": 1,
    "and": 2,
    "not": 3,
    **dict.fromkeys(COMPARISON_OPS, 4),
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}
_COMPARISON_LEVEL: Final = 4
_NEGATION_LEVEL: Final = 7
_PRIMARY_LEVEL: Final = 8


def _level(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, IsNull):
        return _COMPARISON_LEVEL
    if isinstance(node, Unary):
        return _NEGATION_LEVEL if node.op == "-" else _PRECEDENCE["not"]
    return _PRIMARY_LEVEL


def _wrapped(node: Node, needs_parentheses: bool) -> str:
    text = unparse(node)
    return f"({text})" if needs_parentheses else text


def _unparse_literal(value: LiteralValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def unparse(node: Node) -> str:
    """Canonical source text of a tree; ``parse(unparse(node)) == node``. Used to show rules
    in reports and to normalise rule files."""
    if isinstance(node, Literal):
        return _unparse_literal(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return f"{node.function}({', '.join(unparse(arg) for arg in node.args)})"
    if isinstance(node, IsNull):
        operand = _wrapped(node.operand, _level(node.operand) <= _COMPARISON_LEVEL)
        return f"{operand} is not null" if node.negated else f"{operand} is null"
    if isinstance(node, Unary):
        if node.op == "-":
            return "-" + _wrapped(node.operand, _level(node.operand) < _NEGATION_LEVEL)
        return "not " + _wrapped(node.operand, _level(node.operand) < _PRECEDENCE["not"])
    level = _PRECEDENCE[node.op]
    if node.op in COMPARISON_OPS:  # non-associative: parenthesise any comparison operand
        left = _wrapped(node.left, _level(node.left) <= level)
    else:  # left-associative
        left = _wrapped(node.left, _level(node.left) < level)
    right = _wrapped(node.right, _level(node.right) <= level)
    return f"{left} {node.op} {right}"
