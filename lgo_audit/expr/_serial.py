"""ASTs as JSON-ready data, so that parsed rule expressions can be cached between runs.

Only plain data goes in and out (lists, strings, numbers as text): loading a cached AST runs
no code, and every node is rebuilt through its own constructor, which checks it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lgo_audit.expr._ast import Binary, Call, IsNull, Literal, Name, Node, Unary

__all__ = ["dump_ast", "load_ast"]


def dump_ast(node: Node) -> list[Any]:
    if isinstance(node, Literal):
        value = node.value
        if value is None or isinstance(value, bool):
            return ["lit", "const", value]
        if isinstance(value, int):
            return ["lit", "int", str(value)]
        if isinstance(value, Decimal):
            return ["lit", "dec", str(value)]
        return ["lit", "str", value]
    if isinstance(node, Name):
        return ["name", node.name]
    if isinstance(node, Unary):
        return ["unary", node.op, dump_ast(node.operand)]
    if isinstance(node, Binary):
        return ["binary", node.op, dump_ast(node.left), dump_ast(node.right)]
    if isinstance(node, IsNull):
        return ["isnull", node.negated, dump_ast(node.operand)]
    if isinstance(node, Call):
        return ["call", node.function, [dump_ast(a) for a in node.args]]
    raise TypeError(f"not an AST node: {node!r}")


def load_ast(data: Any) -> Node:
    """Rebuild an AST from :func:`dump_ast` data; ValueError for anything else."""
    try:
        kind = data[0]
        if kind == "lit":
            tag, raw = data[1], data[2]
            if tag == "const" and (raw is None or isinstance(raw, bool)):
                return Literal(raw)
            if tag == "int":
                return Literal(int(raw))
            if tag == "dec":
                return Literal(Decimal(raw))
            if tag == "str" and isinstance(raw, str):
                return Literal(raw)
        elif kind == "name":
            return Name(str(data[1]))
        elif kind == "unary":
            return Unary(str(data[1]), load_ast(data[2]))
        elif kind == "binary":
            return Binary(str(data[1]), load_ast(data[2]), load_ast(data[3]))
        elif kind == "isnull":
            return IsNull(load_ast(data[2]), bool(data[1]))
        elif kind == "call":
            return Call(str(data[1]), tuple(load_ast(a) for a in data[2]))
    except (IndexError, TypeError, KeyError, ArithmeticError) as error:
        raise ValueError(f"not a cached AST: {error}") from None
    raise ValueError(f"not a cached AST: {str(data)[:60]}")
