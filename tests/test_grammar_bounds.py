"""Every run of characters the grammar reads along a line is bounded.

A letter whose line breaks were lost (a PDF extraction that joins its lines) is one line of
the whole text. A pattern with an unbounded run that can cross words (``[^\\n]*``) then reads
to the end of the text at every place it is tried, and the check takes time in the square of
the file's size (a 4.6 MB letter on one line ran for minutes). Runs of spaces, digits or the
letters of one word stop where the word does, so only runs that take both a letter and a
space are sought here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pyparsing as pp
import pytest

from lgo_audit.grammar import PAGE_PROFILES, PROFILES, Profile

ALL_PROFILES = [*PROFILES.values(), *(PAGE_PROFILES[name] for name in PAGE_PROFILES)]


def regexes(profile: Profile) -> Iterator[tuple[str, str, int]]:
    """(statement, pattern, flags) of every regular expression of ``profile``'s statements:
    their grammars' Regex elements, their leads and probes."""
    for statement in profile.statements:
        seen: set[int] = set()
        stack: list[pp.ParserElement] = [statement.grammar]
        while stack:
            element = stack.pop()
            if id(element) in seen:
                continue
            seen.add(id(element))
            if isinstance(element, pp.Regex):
                yield statement.name, str(element.pattern), int(element.flags)
            stack.extend(element.recurse())
        if statement.lead is not None:
            yield statement.name, statement.lead, re.IGNORECASE
        if statement.probe is not None:
            yield statement.name, statement.probe.pattern, statement.probe.flags


def _takes(item: list[tuple[object, object]], char: str, flags: int) -> bool:
    """Whether the one-character ``item`` of a parsed pattern matches ``char``."""
    return re.compile(_source(item), flags).fullmatch(char) is not None


def _char(code: object) -> str:
    char = chr(code)  # type: ignore[arg-type]
    return {"\n": r"\n", "\t": r"\t"}.get(char, re.escape(char))


def _source(item: list[tuple[object, object]]) -> str:
    (op, arg) = item[0]
    if op is sre_constants.ANY:
        return "(?s:.)"
    if op is sre_constants.NOT_LITERAL:
        return f"[^{_char(arg)}]"
    if op is sre_constants.LITERAL:
        return _char(arg)
    if op is sre_constants.IN:
        return _class(arg)  # type: ignore[arg-type]
    if op is sre_constants.CATEGORY:
        return _category(arg)
    return "(?!)"  # a group: not one character, judged by what is inside it


_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _category(arg: object) -> str:
    return _CATEGORIES[str(arg)]


def _class(items: list[tuple[object, object]]) -> str:
    parts = []
    negate = ""
    for op, arg in items:
        if op is sre_constants.NEGATE:
            negate = "^"
        elif op is sre_constants.LITERAL:
            parts.append(_char(arg))
        elif op is sre_constants.RANGE:
            bounds: tuple[int, int] = arg  # type: ignore[assignment]
            parts.append(f"{_char(bounds[0])}-{_char(bounds[1])}")
        elif op is sre_constants.CATEGORY:
            parts.append(_category(arg))
        else:
            raise AssertionError(f"unexpected class item {op}")
    return f"[{negate}{''.join(parts)}]"


def unbounded_line_runs(pattern: str, flags: int) -> list[str]:
    """The unbounded repeats in ``pattern`` of one character that takes a letter and a space."""
    found: list[str] = []

    def walk(parsed: object) -> None:
        for op, arg in parsed:  # type: ignore[attr-defined]
            if op in (
                sre_constants.MAX_REPEAT,
                sre_constants.POSSESSIVE_REPEAT,
                sre_constants.MIN_REPEAT,
            ):
                low, high, item = arg
                items = list(item)
                if (
                    high is sre_constants.MAXREPEAT
                    and len(items) == 1
                    and _takes(items, "a", flags)
                    and _takes(items, " ", flags)
                ):
                    found.append(_source(items) + ("*" if low == 0 else "+"))
                walk(item)
            elif op in (sre_constants.SUBPATTERN,):
                walk(arg[-1])
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(arg[1])
            elif op is sre_constants.ATOMIC_GROUP:
                walk(arg)

    walk(sre_parse.parse(pattern, flags))
    return found


READS_TO_THE_END = {"annual-letters"}
"""Statements that end a statistics page and take the rest of the text with them: the first
that matches ends the walk, so the text is read to its end once."""


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=lambda p: p.name)
def test_no_statement_reads_an_unbounded_run_along_a_line(profile):
    unbounded = {
        (statement, pattern[:80]): runs
        for statement, pattern, flags in regexes(profile)
        if statement not in READS_TO_THE_END and (runs := unbounded_line_runs(pattern, flags))
    }
    assert unbounded == {}


def test_an_unbounded_run_across_words_is_found():
    assert unbounded_line_runs(r"Dear [^\n]*[^\n ,]", 0) == [r"[^\n]*"]
    assert unbounded_line_runs(r"(?:x|(?=.+y))", 0) == ["(?s:.)+"]
    assert unbounded_line_runs(r"\w+ \d* [ ]* \s*", 0) == []
    assert unbounded_line_runs(r"[^\n]{0,300}", 0) == []
