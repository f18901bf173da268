"""Where something stands in the original file. A plain dataclass: the check path uses it for
every finding without paying for pydantic, and the pydantic letter model embeds it as is."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """1-based lines and columns (columns count characters of the decoded line); end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    # For pydantic (the letter model embeds spans): no other keys, whatever its version.
    __pydantic_config__ = {"extra": "forbid"}  # noqa: RUF012
