"""What a check reports: findings with a code, a place in the file, and perhaps a fix; each
rule's outcome; and, per file, a :class:`FileResult` that every output format reads.

Findings are plain frozen dataclasses (a batch of 10,000 letters makes many of them) with one
JSON shape, :meth:`Finding.to_dict`, shared by every output format.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from lgo_audit.span import ByFields, Span

__all__ = [
    "Applicability",
    "Edit",
    "FactValue",
    "FileResult",
    "Finding",
    "Fix",
    "LetterFacts",
    "Location",
    "Outcome",
    "RuleResult",
    "Severity",
    "Totals",
]


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
class Location(ByFields):
    """A related place: the other figure of a mismatch, the first of two duplicated sections."""

    path: str
    span: Span
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, **_span_dict(self.span), "message": self.message}


@dataclass(frozen=True, slots=True)
class Edit(ByFields):
    """Replace original-text characters ``[start, end)`` (offsets into the decoded file)."""

    start: int
    end: int
    replacement: str
    span: Span


@dataclass(frozen=True, slots=True)
class Fix(ByFields):
    """A finding's fix: its edits of the file's text, described, and how safe it is."""

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
class Finding(ByFields):
    """One rule's finding in one file: where (``span``, 1-based line and column), what
    (``message``), how severe, the places it relates to and its fix, if any."""

    path: str
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    url: str = field(default="", compare=False)
    origin: dict[str, int] | None = field(default=None, compare=False)
    """For a PDF or DOCX letter: where the finding is in the document (``page``, ``line``,
    ``column``; or ``paragraph``; or ``table``, ``row``, ``cell``); None for a text file."""

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        """The order of one file's findings: by line, column and code. (The path comes last:
        a file's findings name it as shown, control characters escaped, and the batch
        stage's by its real name; both are the one file.)"""
        return (self.span.line, self.span.column, self.code, self.path)

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
            **({} if self.origin is None else {"origin": dict(self.origin)}),
        }


class Outcome(StrEnum):
    """How one rule judged one letter (the QA evidence)."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not-applicable"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class RuleResult(ByFields):
    """How one rule judged one letter (``outcome``): the QA evidence."""

    code: str
    outcome: Outcome


class FactValue(NamedTuple):
    """A fact as a finished check keeps it: value, raw text and, for the facts that cross-letter
    and data rules point at, where it stands (a tuple: cheap to send back from a worker)."""

    value: Any
    raw: str
    span: Span | None = None
    where: tuple[int, int] | None = None  # offsets in the decoded file: the span, made on demand


LetterFacts = dict[str, FactValue]
"""A checked letter's kept facts by dotted name."""


_OUTCOME_CODES = {outcome.value: outcome.value[0] for outcome in Outcome}  # p, f, n, e
_OUTCOMES_BY_CODE = {code: Outcome(value) for value, code in _OUTCOME_CODES.items()}
_RULE_RESULTS: dict[tuple[str, str], RuleResult] = {}


def _rule_result(code: str, outcome: str) -> RuleResult:
    """One shared RuleResult per rule and outcome (a batch holds ten thousand letters' worth)."""
    found = _RULE_RESULTS.get((code, outcome))
    if found is None:
        found = _RULE_RESULTS[(code, outcome)] = RuleResult(code, _OUTCOMES_BY_CODE[outcome])
    return found


@dataclass
class FileResult:
    """What checking one file gave: findings and rule outcomes, or an input error."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    error: str | None = None  # one-line input error: the file could not be checked
    sha256: str | None = None
    source_text: str | None = None  # kept when there are findings, to show source lines
    rule_set: str | None = None
    facts: LetterFacts = field(default_factory=dict)  # for cross-letter rules and extract
    kind: str = "letter"  # or "table": the statistics table's own findings (LGO512)
    profile: str | None = None  # the template profile a letter was read with (None: no letter)
    missing: tuple[str, ...] = ()  # facts its template states but the letter lacks
    # its part of one report, made where it was checked (a batch's worker): the key of the
    # format and settings it was written with, and the text (lgo_audit.report.Piece)
    report_piece: tuple[tuple[object, ...], str] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def is_clean(self) -> bool:
        return self.error is None and not self.findings

    @property
    def is_page(self) -> bool:
        """Read as a statistics page (with a page profile, which :mod:`lgo_audit.grammar.page`
        names ``<year>-page``), not a letter."""
        return self.profile is not None and self.profile.endswith("-page")

    def __getstate__(self) -> dict[str, Any]:
        """What pickling sends (from a worker, to the spool of a large batch): the rule
        outcomes as their codes and one letter each, not one object per rule (ten times
        faster to send and to read back); the facts as their names and a tuple of each
        field of theirs, not one FactValue each (twice as fast)."""
        state = dict(self.__dict__)
        results = self.results
        state["results"] = (
            tuple([r.code for r in results]),
            "".join([r.outcome[0] for r in results]),  # (an outcome's code is its first letter)
        )
        facts = self.facts
        if facts:
            values, raws, spans, places = zip(*facts.values(), strict=True)
            state["facts"] = (tuple(facts), *_packed_values(values), raws, spans, places)
        else:
            state["facts"] = ()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        packed = state["facts"]
        if packed:
            names, kinds, values, raws, spans, places = packed
            if kinds:
                values = _unpacked_values(kinds, values)
            rows = zip(values, raws, spans, places, strict=True)  # (each a FactValue's fields)
            state["facts"] = dict(zip(names, map(_FACT_VALUE, rows), strict=True))
        else:
            state["facts"] = {}
        packed = state["results"]
        results = _UNPACKED.get(packed)
        if results is None:
            codes, outcomes = packed
            results = [_rule_result(c, o) for c, o in zip(codes, outcomes, strict=True)]
            if len(_UNPACKED) >= _UNPACKED_KEPT:
                _UNPACKED.clear()
            _UNPACKED[packed] = results
        state["results"] = list(results)  # its own list: the batch stage may add to it
        self.__dict__.update(state)


def _packed_values(values: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """Facts' values as pickling sends them fast: a Decimal as its text and a date as its
    day number (pickled as they are, each is an object rebuilt by a call: a third of a
    letter's pickling), and a letter for each value saying which (``d``, ``t``, or ``-``
    as it is; ``""`` when every value is as it is)."""
    kinds = "".join(
        ["d" if v.__class__ is Decimal else "t" if v.__class__ is date else "-" for v in values]
    )
    if kinds.count("-") == len(kinds):
        return "", values
    return kinds, tuple(
        str(v) if k == "d" else v.toordinal() if k == "t" else v
        for k, v in zip(kinds, values, strict=True)
    )


def _unpacked_values(kinds: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values :func:`_packed_values` packed."""
    return tuple(
        Decimal(v) if k == "d" else _from_day(v) if k == "t" else v
        for k, v in zip(kinds, values, strict=True)
    )


_from_day = date.fromordinal
_FACT_VALUE = functools.partial(tuple.__new__, FactValue)
"""A FactValue from a tuple of all its fields (``FactValue._make`` less its length check)."""
_UNPACKED: dict[tuple[tuple[str, ...], str], list[RuleResult]] = {}
_UNPACKED_KEPT = 256  # outcome patterns: letters of a batch share a few


@dataclass
class Totals:
    """What a summary counts over a run's results (:meth:`add` each result once).

    ``findings``: findings by severity; ``letters``: files read (kind "letter", no input
    error), of which ``pages`` are statistics pages and ``clean_letters`` (letters and pages)
    have no finding; ``unreadable``: results with an input
    error; ``without_findings``: readable results of any kind without a finding; ``safe`` and
    ``unsafe``: findings with a fix of that applicability; ``by_rule`` and ``fixable_by_rule``:
    findings (and fixable ones) per (code, name, severity)."""

    findings: Counter[Severity] = field(default_factory=Counter)
    letters: int = 0
    pages: int = 0
    clean_letters: int = 0
    unreadable: int = 0
    without_findings: int = 0
    safe: int = 0
    unsafe: int = 0
    by_rule: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    fixable_by_rule: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    @classmethod
    def of(cls, results: Iterable[FileResult]) -> Totals:
        totals = cls()
        for result in results:
            totals.add(result)
        return totals

    def add(self, result: FileResult) -> None:
        if result.error is not None:
            self.unreadable += 1
        elif result.kind == "letter":
            self.letters += 1
            if result.is_page:
                self.pages += 1
            if not result.findings:
                self.clean_letters += 1
        if result.error is None and not result.findings:
            self.without_findings += 1
        for finding in result.findings:
            self.findings[finding.severity] += 1
            rule = (finding.code, finding.name, finding.severity.value)
            self.by_rule[rule] += 1
            if finding.fix is not None:
                self.fixable_by_rule[rule] += 1
                if finding.fix.applicability is Applicability.SAFE:
                    self.safe += 1
                else:
                    self.unsafe += 1

    @property
    def total(self) -> int:
        """Every finding."""
        return sum(self.findings.values())
