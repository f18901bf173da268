"""``parse``, with the pyparsing grammar of the language built on first use.

A checker whose rule expressions all come from the cache (see :mod:`lgo_audit.rules`) never
parses one, so it need not build the grammar at start-up.
"""

from __future__ import annotations

from collections.abc import Collection

from lgo_audit.expr._ast import Node

__all__ = ["parse"]


def parse(source: str, *, names: Collection[str] | None = None) -> Node:
    """Parse an expression (see :func:`lgo_audit.expr._parser.parse`)."""
    from lgo_audit.expr._parser import parse as parse_with_grammar

    return parse_with_grammar(source, names=names)
