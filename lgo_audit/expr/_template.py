"""Message templates: literal text with ``{expression}`` placeholders.

A rule's message is written once and rendered for each letter it fails on, e.g.
``"{upheld.count} of {upheld.investigations} is {percent(upheld.count, upheld.investigations)}%"``.
``{{`` and ``}}`` stand for literal braces. Placeholders are parsed with the rule, so a typo in a
message is found when the rules are loaded, not when a letter fails.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from lgo_audit.expr._ast import Node, names_used
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

    @property
    def compiled(self) -> tuple[str | Compiled, ...]:
        """The parts, each placeholder compiled (:func:`compile_expr`)."""
        compiled = self._compiled
        if compiled is None:
            compiled = tuple(p if isinstance(p, str) else compile_expr(p) for p in self.parts)
            object.__setattr__(self, "_compiled", compiled)
        return compiled

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


def render_template(t: Template, env: Env) -> str:
    """The message for one letter: each placeholder formatted with format_value (null reads
    "null"). Raises ExprEvalError if a placeholder cannot be evaluated or the message would be
    longer than MAX_STRING_LENGTH."""
    pieces: list[str] = []
    total = 0
    for part in t.compiled:
        piece = part if isinstance(part, str) else format_value(part(env))
        total += len(piece)
        if total > MAX_STRING_LENGTH:
            raise ExprEvalError(f"rendered message longer than {MAX_STRING_LENGTH} characters")
        pieces.append(piece)
    return "".join(pieces)
