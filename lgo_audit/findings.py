"""What a check reports: findings with a code, a place in the file, and perhaps a fix.

Findings are plain frozen dataclasses (a batch of 10,000 letters makes many of them) with one
JSON shape, :meth:`Finding.to_dict`, shared by every output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lgo_audit.span import Span

__all__ = ["Applicability", "Edit", "Finding", "Fix", "Location", "Severity"]


def _span_dict(span: Span) -> dict[str, int]:
    return {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Applicability(StrEnum):
    """Ruff's vocabulary: ``safe`` fixes keep the letter's meaning; ``unsafe`` ones change a figure."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Location:
    """A related place: the other figure of a mismatch, the first of two duplicated sections."""

    path: str
    span: Span
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, **_span_dict(self.span), "message": self.message}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace original-text characters ``[start, end)`` (offsets into the decoded file)."""

    start: int
    end: int
    replacement: str
    span: Span


@dataclass(frozen=True, slots=True)
class Fix:
    applicability: Applicability
    description: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability.value,
            "message": self.description,
            "edits": [{"content": e.replacement, **_span_dict(e.span)} for e in self.edits],
        }


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    url: str = field(default="", compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            **_span_dict(self.span),
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "related": [r.to_dict() for r in self.related],
            "fix": None if self.fix is None else self.fix.to_dict(),
        }
