"""Where something stands in the original file, and the one way offsets become lines.

:class:`Span` is a plain dataclass: the check path uses it for every finding without paying for
pydantic, and the pydantic letter model embeds it as is. :class:`LineIndex` turns character
offsets of a text into 1-based lines and columns; every stage that places a finding (the
normaliser's map, cross-letter rules, the statistics table) uses it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

__all__ = ["FILE_START", "SPLIT_MAX", "ByFields", "LineIndex", "Span", "line_span"]


class ByFields:
    """A base for slotted frozen dataclasses that a batch pickles by the thousand (spans,
    findings): pickled as the tuple of their fields and made again by their constructor,
    several times faster both ways than a slotted dataclass's own state (a Python function
    that lists the fields for every object)."""

    __slots__ = ()
    __match_args__: tuple[str, ...]  # (the dataclass's fields, in the constructor's order)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return self.__class__, tuple([getattr(self, name) for name in self.__match_args__])


@dataclass(frozen=True, slots=True)
class Span(ByFields):
    """1-based lines and columns (columns count characters of the decoded line); end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    # For pydantic (the letter model embeds spans): no other keys, whatever its version.
    __pydantic_config__ = {"extra": "forbid"}  # noqa: RUF012


FILE_START: Final = Span(line=1, column=1, end_line=1, end_column=1)
"""Where a finding about the whole file stands: its first character."""

LINE_BREAK: Final = re.compile(r"\r\n?|\n")
"""A line break as files have them: CRLF, CR or LF (CRLF counts as one break)."""

_AFTER_BREAK: Final = (1).__add__  # a line's length -> where the next line starts after it

SPLIT_MAX: Final = 1 << 20
"""The longest text (characters) split into a list of its lines to find where they start or
to show some of them: a letter's is; a longer one's lines are found one at a time, so that
its text is not held twice (a 50 MB file's)."""


class LineIndex:
    """The line starts of ``text``: offset -> (line, column), both 1-based.

    Most letters need one or two positions (their findings), so the first few are counted
    in the text at C speed (``str.count`` of the line breaks before the offset), and only a
    text asked for more has its line starts listed, once, for O(log lines) look-ups. A text
    longer than :data:`SPLIT_MAX` whose lines all end in "\n" (or all in "\r\n") has the
    line breaks of each block of :attr:`_BLOCK` characters counted instead, and a position
    is counted from its block's start: a 50 MB file's 800,000 line starts took 6 MB more
    at the peak of its check."""

    __slots__ = ("_asked", "_blocks", "_starts", "_text")

    _COUNTED = 8  # positions counted before the line starts are listed
    _BLOCK = 1 << 14  # characters: a position's count reads at most this many
    _LONG = SPLIT_MAX  # a text longer than this is counted by blocks, if it can be

    def __init__(self, text: str) -> None:
        self._text = text
        self._asked = 0
        self._starts: array[int] | None = None
        # the "\n" before each block's start, and where the last of them is (-1: none)
        self._blocks: tuple[array[int], array[int]] | None = None

    @classmethod
    def listed(cls, text: str) -> LineIndex:
        """An index with the line starts listed now and ``text`` not held (one kept for many
        look-ups, long after the text is gone)."""
        index = cls(text)
        if index._starts is None:
            index._list()
        return index

    def _list(self) -> array[int]:
        text = self._text
        starts = array("q", [0])
        if len(text) <= SPLIT_MAX and ("\r" not in text or text.count("\r") == text.count("\r\n")):
            # (most texts, "\r\n" or "\n" throughout: each line's start from the lengths of
            # the lines before it, at C speed; a long text is not split into a copy of itself)
            starts.extend(accumulate(map(_AFTER_BREAK, map(len, text.split("\n")[:-1]))))
        else:
            starts.extend(m.end() for m in LINE_BREAK.finditer(text))
        self._starts = starts
        self._text = ""  # (the starts are all that is needed from now on)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of character ``offset``."""
        starts = self._starts
        if starts is None:
            blocks = self._blocks
            if blocks is not None:
                return self._in_block(offset, blocks)
            self._asked += 1
            if self._asked <= self._COUNTED:
                return self._counted(offset)
            text = self._text
            if len(text) > self._LONG and (
                "\r" not in text or text.count("\r") == text.count("\r\n")
            ):
                return self._in_block(offset, self._count_blocks())
            starts = self._list()
        k = bisect_right(starts, offset) - 1
        return k + 1, offset - starts[k] + 1

    def _count_blocks(self) -> tuple[array[int], array[int]]:
        text, size = self._text, self._BLOCK
        before, last = array("q", [0]), array("q", [-1])
        seen, at = 0, -1
        for start in range(0, len(text), size):
            seen += text.count("\n", start, start + size)
            found = text.rfind("\n", start, start + size)
            if found >= 0:
                at = found
            before.append(seen)
            last.append(at)
        blocks = self._blocks = (before, last)
        return blocks

    def _in_block(self, offset: int, blocks: tuple[array[int], array[int]]) -> tuple[int, int]:
        """:meth:`position` in a text whose every line break ends in "\n", counted from the
        start of the block ``offset`` is in ("\r\n" is one break: an offset between its
        two characters is on the line it ends, as its "\n" is not yet counted)."""
        before, last = blocks
        k = offset // self._BLOCK
        start = k * self._BLOCK
        text = self._text
        found = text.rfind("\n", start, offset)
        return before[k] + text.count("\n", start, offset) + 1, offset - (
            found if found >= 0 else last[k]
        )

    def _counted(self, offset: int) -> tuple[int, int]:
        """:meth:`position` by counting the line breaks before ``offset`` ("\r\n" once)."""
        text = self._text
        if "\r" not in text:
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        limit = offset
        if offset and text[offset - 1] == "\r" and text.startswith("\n", offset):
            limit -= 1  # between the two characters of a "\r\n": the line it ends
        breaks = (
            text.count("\n", 0, limit) + text.count("\r", 0, limit) - text.count("\r\n", 0, limit)
        )
        start = max(text.rfind("\n", 0, limit), text.rfind("\r", 0, limit)) + 1
        return breaks + 1, offset - start + 1

    def span(self, start: int, end: int) -> Span:
        """The span of characters ``[start, end)``; an empty range is a point at ``start``."""
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)


def line_span(line: int, width: int) -> Span:
    """The first ``width`` characters of 1-based ``line`` (at least one column): a row of a
    table, a line of a configuration file."""
    return Span(line, 1, line, max(width, 1) + 1)
