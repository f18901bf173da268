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
from typing import Final

__all__ = ["FILE_START", "LineIndex", "Span", "line_span"]


@dataclass(frozen=True, slots=True)
class Span:
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


class LineIndex:
    """The line starts of ``text``: offset -> (line, column), both 1-based, in O(log lines)."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = array("q", [0])
        starts.extend(m.end() for m in LINE_BREAK.finditer(text))
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of character ``offset``."""
        k = bisect_right(self._starts, offset) - 1
        return k + 1, offset - self._starts[k] + 1

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
