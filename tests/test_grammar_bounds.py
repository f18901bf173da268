"""Every run of characters the grammar reads along a line is bounded.

A letter whose line breaks were lost (a PDF extraction that joins its lines) is one line of
the whole text. A pattern with an unbounded run that can cross words (``[^\\n]*``) then reads
to the end of the text at every place it is tried, and the check takes time in the square of
the file's size (a 4.6 MB letter on one line ran for minutes). Runs of spaces, digits or the
letters of one word stop where the word does, so only runs that take both a letter and a
space are sought here. The same holds of a run of blank lines (a PDF's empty pages): it is
read once, never once from each of its line breaks (below).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pyparsing as pp
import pytest

from lgo_audit.grammar import PAGE_PROFILES, PROFILES, Profile, Recogniser

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


# --- runs of whitespace ----------------------------------------------------------------------
# A letter may hold thousands of blank lines (a PDF's empty pages). A statement fused into one
# regular expression (lgo_audit.grammar.fuse) skips whitespace before each of its elements; if
# that skip could give whitespace back to an element after it that takes whitespace too, a
# match that fails tries every split of the run: time in the square of its length (100,000
# blank lines after a panel heading ran for hours). pyparsing never gives skipped whitespace
# back, and neither may the fused pattern: its skips are possessive.


_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


def _may_start_with_run(items: list[tuple[object, object]]) -> bool:
    """Whether ``items`` (a parsed sequence) may start with an unbounded run that takes line
    breaks (after zero-width or optional elements)."""
    if not items:
        return False
    (op, arg), rest = items[0], items[1:]
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return _may_start_with_run(rest)
    if op is sre_constants.SUBPATTERN:
        return _may_start_with_run(list(arg[-1]) + rest)  # type: ignore[index]
    if op is sre_constants.ATOMIC_GROUP:
        return _may_start_with_run(list(arg) + rest)  # type: ignore[call-overload]
    if op is sre_constants.BRANCH:
        return any(_may_start_with_run(list(b) + rest) for b in arg[1])  # type: ignore[index]
    if op in _REPEATS:
        low, high, inner = arg  # type: ignore[misc]
        body = list(inner)
        if high is sre_constants.MAXREPEAT and len(body) == 1 and _takes(body, "\n", 0):
            return True
        return _may_start_with_run(body + rest) or (low == 0 and _may_start_with_run(rest))
    return False  # one character: no run


def space_runs_given_back(pattern: str) -> list[str]:
    """The greedy unbounded runs of line breaks (and spaces) in ``pattern`` that an unbounded
    run after them could take back, a split at a time (a possessive run, or one followed by a
    word, gives nothing back)."""
    found: list[str] = []

    def walk(items: list[tuple[object, object]]) -> None:
        for index, (op, arg) in enumerate(items):
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, item = arg  # type: ignore[misc]
                body = list(item)
                if (
                    high is sre_constants.MAXREPEAT
                    and len(body) == 1
                    and _takes(body, "\n", 0)
                    and _may_start_with_run(items[index + 1 :])
                ):
                    found.append(_source(body) + ("*" if low == 0 else "+"))
                walk(body)
            elif op is sre_constants.POSSESSIVE_REPEAT:
                walk(list(arg[2]))  # type: ignore[index]
            elif op is sre_constants.SUBPATTERN:
                walk(list(arg[-1]))  # type: ignore[index]
            elif op is sre_constants.ATOMIC_GROUP:
                walk(list(arg))  # type: ignore[arg-type]
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:  # type: ignore[index]
                    walk(list(branch))
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(list(arg[1]))  # type: ignore[index]

    walk(list(sre_parse.parse(pattern, 0)))
    return found


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=lambda p: p.name)
def test_no_fused_statement_gives_skipped_whitespace_back(profile):
    recogniser = Recogniser(profile)
    given_back = {
        name: runs
        for name, found in recogniser._patterns.items()
        if found is not None and (runs := space_runs_given_back(found[0]))
    }
    assert given_back == {}


def test_whitespace_given_back_is_found():
    assert space_runs_given_back(r"upheld\s*(?:\s*-)?\s*We") == [r"[\s]*"]
    assert space_runs_given_back(r"upheld\s*+(?:\s*+-)?\s*+We") == []
    assert space_runs_given_back(r"Complaints\s+upheld") == []
    assert space_runs_given_back(r"\s*\.") == []
    assert space_runs_given_back(r"a\s*(?=b)\s*b") == [r"[\s]*"]
    assert space_runs_given_back(r"a\s+(?:x|\s*+y)") == [r"[\s]+"]
    assert space_runs_given_back(r"by\s+[^\n]{1,300}") == []


def probe_reads_blank_lines_again(pattern: str, flags: int) -> bool:
    """Whether a probe (searched through the rest of the text) starts with a line break and a
    run of whitespace: searched from every break of a run of blank lines, each reading the rest
    of the run."""
    items = list(sre_parse.parse(pattern, flags))
    return bool(items) and _takes(items[:1], "\n", flags) and _may_start_with_run(items[1:])


@pytest.mark.parametrize("profile", ALL_PROFILES, ids=lambda p: p.name)
def test_no_probe_reads_a_run_of_blank_lines_from_each_of_its_breaks(profile):
    assert [
        s.name
        for s in profile.statements
        if s.probe is not None and probe_reads_blank_lines_again(s.probe.pattern, s.probe.flags)
    ] == []


def test_a_probe_that_reads_blank_lines_again_is_found():
    assert probe_reads_blank_lines_again(r"\n\s*(?:Annual\s+statistics)", re.IGNORECASE)
    assert not probe_reads_blank_lines_again(r"\n(?:Annual\s+statistics)", re.IGNORECASE)
    assert not probe_reads_blank_lines_again(r"\byear\s+ending\b", re.IGNORECASE)
