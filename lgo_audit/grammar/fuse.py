"""Fuse a statement's grammar into one regular expression, keeping pyparsing's meaning.

A statement such as ``phrase("This compares to an average of") + fact("*.average", percentage)
+ phrase("in similar authorities.")`` is, for pyparsing, three elements tried one after the
other, each with its own whitespace skipping, ParseResults and bookkeeping. Most statements
are sequences of plain regular expressions like this, so the recogniser can ask pyparsing to
match one :class:`pyparsing.Regex` built from them instead: each element becomes an atomic
group (PEG semantics: no backtracking into an element once it matched), whitespace skipping
becomes ``\\s*`` before every element that skips it, and every fact a named group whose
position gives the fact's offsets. Statements with anything else (conditions, alternatives of
sequences) are left as they are. ``tests/test_grammar_fuse.py`` proves both give the same
chunks.
"""

from __future__ import annotations

import re
from typing import Any

import pyparsing as pp

from lgo_audit.grammar.elements import FACTS, FactToken

__all__ = ["FusedStatement", "fuse", "fused_pattern"]


class _NotFusable(Exception):
    pass


def _part(element: pp.ParserElement, facts: list[tuple[str, str, Any]], prefix: str = "") -> str:
    """The pattern of one element (without the whitespace before it); each fact becomes the
    named group ``<prefix>f<n>``."""
    if isinstance(element, pp.Regex):
        known = FACTS.get(id(element))
        if element.parseAction and known is None:
            raise _NotFusable
        flags = element.flags
        if flags & ~re.IGNORECASE:
            raise _NotFusable
        inline = "(?i:" if flags & re.IGNORECASE else "(?-i:"
        pattern = inline + str(element.pattern) + ")"
        if known is not None:
            group = f"{prefix}f{len(facts)}"
            facts.append((group, *known))
            pattern = f"(?P<{group}>{pattern})"
        return f"(?>{pattern})"
    if element.parseAction:
        raise _NotFusable
    if isinstance(element, pp.MatchFirst):  # the first alternative that matches
        options = (f"(?:{_skip(e)}{_part(e, facts, prefix)})" for e in element.exprs)
        return "(?>" + "|".join(options) + ")"
    if getattr(element, "callPreparse", True) is False and not _holds_alternatives(element):
        raise _NotFusable
    if isinstance(element, pp.Literal) and not isinstance(element, pp.Keyword):
        return f"(?>{re.escape(element.match)})"
    if isinstance(element, pp.And):
        items = (_sequence_item(e, facts, i, prefix) for i, e in enumerate(element.exprs))
        return "(?>" + "".join(items) + ")"
    if isinstance(element, pp.Opt):
        return f"(?>(?:{_skip(element.expr)}{_part(element.expr, facts, prefix)})?)"
    if isinstance(element, pp.ZeroOrMore) and element.not_ender is None:
        return f"(?>(?:{_skip(element.expr)}{_part(element.expr, facts, prefix)})*)"
    if isinstance(element, pp.Suppress):  # matched, its tokens dropped: none to drop here
        inner: list[tuple[str, str, Any]] = []
        pattern = _part(element.expr, inner, prefix + "x")
        if inner:
            raise _NotFusable
        return pattern
    raise _NotFusable


def _skip(element: pp.ParserElement) -> str:
    """pyparsing skips whitespace before an element unless told not to, or unless the element
    leaves it to what it holds (alternatives: each skips its own, and so does an optional or
    repeated set of them)."""
    return r"\s*+" if element.skipWhitespace and element.callPreparse else ""


def _holds_alternatives(element: pp.ParserElement) -> bool:
    """An optional, repeated or suppressed set of alternatives (which pre-parses nothing
    itself: each alternative skips its own whitespace)."""
    return isinstance(element, pp.Opt | pp.ZeroOrMore | pp.Suppress) and isinstance(
        element.expr, pp.MatchFirst
    )


def _sequence_item(
    element: pp.ParserElement, facts: list[tuple[str, str, Any]], index: int, prefix: str
) -> str:
    part = _part(element, facts, prefix)
    return part if index == 0 else _skip(element) + part


Facts = tuple[tuple[str, str, Any], ...]
"""A fused pattern's facts: (named group, fact name, converter), in the pattern's order."""


def fused_pattern(grammar: pp.ParserElement, prefix: str = "") -> tuple[str, Facts] | None:
    """The regular expression (source) matching what ``grammar`` matches, and its facts, each a
    named group ``<prefix>f<n>`` (a prefix per statement lets several statements share one
    pattern); None when ``grammar`` holds something that cannot be fused, or when the pattern
    can match nothing (pyparsing refuses such a Regex, so the grammar is kept)."""
    facts: list[tuple[str, str, Any]] = []
    try:
        pattern = _part(grammar, facts, prefix)
    except _NotFusable:
        return None
    if re.compile(pattern).match("") is not None:
        return None
    return pattern, tuple(facts)


def fuse(grammar: pp.ParserElement) -> pp.ParserElement:
    """One Regex element matching what ``grammar`` matches, yielding the same FactTokens; or
    ``grammar`` itself when it contains something that cannot be fused."""
    found = fused_pattern(grammar)
    if found is None:
        return grammar
    pattern, facts = found
    fused = FusedStatement(re.compile(pattern), facts).set_name(str(grammar))
    fused.streamline()
    return fused


class FusedStatement(pp.Regex):
    """A pyparsing Regex element whose tokens are the statement's facts, read straight from
    the match's named groups (their positions are the facts' offsets)."""

    def __init__(self, compiled: re.Pattern[str], facts: tuple[tuple[str, str, Any], ...]) -> None:
        super().__init__(compiled)
        self.facts = facts

    def parseImpl(
        self, instring: str, loc: int, do_actions: bool = True
    ) -> tuple[int, pp.ParseResults]:
        m = self.re_match(instring, loc)
        if m is None:
            raise pp.ParseException(instring, loc, self.errmsg, self)
        found = []
        for group, name, convert in self.facts:
            raw = m.group(group)
            if raw is not None:
                start = m.start(group)
                found.append(FactToken(name, convert(raw), raw, start, start + len(raw)))
        return m.end(), pp.ParseResults(found)
