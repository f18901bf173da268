"""Message templates: literal text with ``{expression}`` placeholders.

A rule's message is written once and rendered for each letter it fails on, e.g.
``"{upheld.count} of {upheld.investigations} is {percent(upheld.count, upheld.investigations)}%"``.
``{{`` and ``}}`` stand for literal braces. Placeholders are parsed with the rule, so a typo in a
message is found when the rules are loaded, not when a letter fails.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from lgo_audit.expr._ast import Call, Name, Node, children, names_used
from lgo_audit.expr._compile import Compiled, compile_expr
from lgo_audit.expr._errors import ExprEvalError, ExprSyntaxError
from lgo_audit.expr._lazy import parse
from lgo_audit.expr._values import MAX_SOURCE_LENGTH, MAX_STRING_LENGTH, Env, format_value


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed message template: ``parts`` alternates literal text and expression trees.
    Compiled once, the first time it is rendered (most messages of a clean letter never are);
    equality is by source and parts."""

    source: str
    parts: tuple[str | Node, ...]
    _compiled: tuple[str | Compiled, ...] | None = field(
        init=False, default=None, repr=False, compare=False
    )
    _reads: tuple[tuple[tuple[str, ...], tuple[str, ...]] | None, ...] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    @property
    def compiled(self) -> tuple[str | Compiled, ...]:
        """The parts, each placeholder compiled (:func:`compile_expr`)."""
        compiled = self._compiled
        if compiled is None:
            compiled = tuple(p if isinstance(p, str) else compile_expr(p) for p in self.parts)
            object.__setattr__(self, "_compiled", compiled)
        return compiled

    @property
    def reads(self) -> tuple[tuple[tuple[str, ...], tuple[str, ...]] | None, ...]:
        """For each part: None for literal text, else what its placeholder's value depends
        on: the names whose values it reads and those whose raw text it reads (sorted)."""
        reads = self._reads
        if reads is None:
            reads = tuple(
                None if isinstance(p, str) else (tuple(sorted(names_used(p))), _raw_names(p))
                for p in self.parts
            )
            object.__setattr__(self, "_reads", reads)
        return reads

    @property
    def names(self) -> frozenset[str]:
        """Every fact name the placeholders read."""
        found: frozenset[str] = frozenset()
        for part in self.parts:
            if not isinstance(part, str):
                found |= names_used(part)
        return found


def _placeholder_end(text: str, start: int) -> int:
    """Index of the "}" closing the placeholder whose expression starts at ``start``; braces
    inside string literals do not count."""
    quote = ""
    i = start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "}":
            return i
        elif char == "{":
            raise ExprSyntaxError("'{' inside a placeholder", i)
        i += 1
    raise ExprSyntaxError("unclosed '{' in template (write '{{' for a literal brace)", start - 1)


def parse_template(text: str, *, names: Collection[str] | None = None) -> Template:
    """Parse a message template; placeholder errors raise ExprSyntaxError with positions in
    ``text``. ``names`` restricts the facts placeholders may read, as for ``parse``."""
    if len(text) > MAX_SOURCE_LENGTH:
        raise ExprSyntaxError(
            f"template is longer than {MAX_SOURCE_LENGTH:,} characters ({len(text):,})",
            MAX_SOURCE_LENGTH,
        )
    parts: list[str | Node] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif char == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif char == "}":
            raise ExprSyntaxError("single '}' in template (write '}}' for a literal brace)", i)
        elif char == "{":
            end = _placeholder_end(text, i + 1)
            source = text[i + 1 : end]
            if not source.strip():
                raise ExprSyntaxError("empty placeholder '{}'", i)
            try:
                node = parse(source, names=names)
            except ExprSyntaxError as error:
                raise error.shifted(i + 1) from None
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(node)
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    return Template(text, tuple(parts))


def _raw_names(node: Node) -> tuple[str, ...]:
    """The names whose raw text ``node`` reads (``raw(name)``), sorted."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Call) and current.function == "raw":
            found.update(a.name for a in current.args if isinstance(a, Name))
        stack.extend(children(current))
    return tuple(sorted(found))


_KEYED: Final = frozenset({str, int, bool, type(None), Decimal, date})
"""The types of value a memo key holds (hashable, and equal only when they read the same,
a Decimal by its text: 59 and 59.0 are equal but read apart)."""


def _memo_key(index: int, reads: tuple[tuple[str, ...], tuple[str, ...]], env: Env) -> Hashable:
    """What placeholder ``index`` reads in ``env`` (None when a value is of another type)."""
    names, raws = reads
    key: list[object] = [index]
    for name in names:
        value = env.value(name)
        kind = value.__class__
        if kind not in _KEYED:
            return None
        key.append((kind, str(value) if kind is Decimal else value))
    for name in raws:
        key.append(env.raw(name))
    return tuple(key)


def render_template(t: Template, env: Env, memo: dict[Hashable, str] | None = None) -> str:
    """The message for one letter: each placeholder formatted with format_value (null reads
    "null"). Raises ExprEvalError if a placeholder cannot be evaluated or the message would be
    longer than MAX_STRING_LENGTH.

    ``memo`` (one dict per template, kept by the caller while it renders many messages): each
    placeholder's text by the values and raw texts it reads, so that a placeholder read
    again with the same ones is not evaluated again (expressions are pure functions of
    them). The messages are the same with it and without."""
    if memo is None:
        return _render(t, env)
    pieces: list[str] = []
    total = 0
    for index, (part, reads) in enumerate(zip(t.compiled, t.reads, strict=True)):
        if reads is None:
            piece = part
        else:
            try:
                key = _memo_key(index, reads, env)
            except ExprEvalError:  # (a name the placeholder may not read in this case)
                key = None
            found = None if key is None else memo.get(key)
            if found is None:
                found = format_value(part(env))  # type: ignore[operator]
                if key is not None:
                    memo[key] = found
            piece = found
        total += len(piece)  # type: ignore[arg-type]
        if total > MAX_STRING_LENGTH:
            raise ExprEvalError(f"rendered message longer than {MAX_STRING_LENGTH} characters")
        pieces.append(piece)  # type: ignore[arg-type]
    return "".join(pieces)


def _render(t: Template, env: Env) -> str:
    pieces: list[str] = []
    total = 0
    for part in t.compiled:
        piece = part if isinstance(part, str) else format_value(part(env))
        total += len(piece)
        if total > MAX_STRING_LENGTH:
            raise ExprEvalError(f"rendered message longer than {MAX_STRING_LENGTH} characters")
        pieces.append(piece)
    return "".join(pieces)
