"""The report stage: findings in every output format, chosen with ``--output-format``.

Each format is one :class:`OutputFormat` entry of :data:`FORMATS`: its name, the line ``--help``
and the docs show, what it needs (source lines, ``--evidence``) and its writer, whose module
is imported only when that format is written. A writer writes its report piece by piece as it
goes through the results (a batch's report is never one string in memory); formats that need
totals first (junit, html) make a pass over the results for them first. Adding a format is one entry here and one
renderer; ``tests/test_registries.py`` checks that each entry appears in ``--help`` and has its
section in ``docs/output-formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from lgo_audit.escape import clean, clean_diff, clean_line
from lgo_audit.report.plotted import PLOT_FACTS
from lgo_audit.report.text import Style, Write, summary

if TYPE_CHECKING:
    from lgo_audit.findings import FileResult, Totals
    from lgo_audit.report.sarif import Artifacts
    from lgo_audit.rules import Rule

__all__ = [
    "FORMATS",
    "OutputFormat",
    "PieceKey",
    "Pieces",
    "Report",
    "Style",
    "clean",
    "clean_diff",
    "clean_line",
    "render",
    "render_statistics",
    "summary",
    "write",
]


@dataclass(frozen=True)
class Report:
    """What a writer is given: the results in path order (a sequence it may go through more
    than once), the active rules (by code), the terminal style, and whether to add each
    letter's QA evidence."""

    results: Sequence[FileResult]
    rules: Sequence[Rule]
    style: Style = field(default_factory=Style)
    evidence: bool = False


PieceKey = tuple[object, ...]
"""What a piece of a report was written with (its format, and the settings it depends on)."""


class Pieces:
    """What a worker needs to write each letter's part of the report, as the format's writer
    would write it: the format's name, the terminal style, and the codes of the report's
    rules in order (SARIF's ``ruleIndex``). Called with a checked letter, it gives the key
    the writer looks for (:func:`lgo_audit.report.text.made_piece`) and the text; raises
    ValueError for a format that writes no letter's part on its own. (A plain class: a
    dataclass would cost every one-letter check its definition, about a millisecond.)"""

    __slots__ = ("_artifacts", "_root", "_rule_index", "format", "rule_codes", "style")

    def __init__(
        self, format: str, style: Style | None = None, rule_codes: tuple[str, ...] = ()
    ) -> None:
        self.format = format
        self.style = Style() if style is None else style
        self.rule_codes = rule_codes
        self._rule_index: dict[str, int] | None = None
        self._root: Path | None = None
        self._artifacts: Artifacts | None = None

    def __repr__(self) -> str:
        return f"Pieces({self.format!r}, {self.style!r}, {len(self.rule_codes)} rules)"

    def with_rules(self, rule_codes: tuple[str, ...]) -> Pieces:
        """The same, for a report of these rules (by code, in order)."""
        return Pieces(self.format, self.style, rule_codes)

    def __call__(self, result: FileResult) -> tuple[PieceKey, str]:
        make = FORMATS[self.format].piece
        if make is None:
            raise ValueError(f"the {self.format} format writes no letter's part on its own")
        return make(result, self)

    @property
    def rule_index(self) -> dict[str, int]:
        """Each rule's place in the report's rules, by code."""
        if self._rule_index is None:
            self._rule_index = {code: i for i, code in enumerate(self.rule_codes)}
        return self._rule_index

    @property
    def root(self) -> Path:
        """The SARIF report's ``%SRCROOT%`` (:func:`lgo_audit.report.sarif.source_root`)."""
        if self._root is None:
            from lgo_audit.report.sarif import source_root

            self._root = source_root()
        return self._root

    @property
    def artifacts(self) -> Artifacts:
        """The SARIF report's artifact locations (:class:`lgo_audit.report.sarif.Artifacts`),
        worked out in this process for this report."""
        if self._artifacts is None:
            from lgo_audit.report.sarif import Artifacts

            self._artifacts = Artifacts(self.root)
        return self._artifacts


@dataclass(frozen=True)
class OutputFormat:
    """One output format."""

    name: str
    help: str
    write: Callable[[Report, Write], None]  # the report, piece by piece (no final line break)
    for_people: bool = False  # a summary line follows the findings; colour on a terminal
    shows_source: bool = False  # shows the letter's lines, so checks keep the source text
    shows_facts: frozenset[str] = frozenset()  # facts it shows, so checks keep them
    takes_evidence: bool = False  # accepts --evidence
    statistics: Callable[[Iterable[FileResult] | Totals], str] | None = None  # --statistics
    # Reads of a result without findings only its path, input error and profile (what the
    # summary counts), but with --evidence: it may be given a check's lean results
    # (lgo_audit.application.Results.lean), whose clean letters are not read back.
    lean: bool = True
    # Writes one result's part from it alone (key and text: Pieces), so that a batch's
    # workers can write each letter's part as they check it; None: the writer writes them.
    piece: Callable[[FileResult, Pieces], tuple[PieceKey, str]] | None = None

    def reads_lean(self, evidence: bool = False) -> bool:
        """Whether this format, with or without ``--evidence``, may be given lean results."""
        return self.lean and not evidence

    def render(self, report: Report) -> str:
        """The report as one string (for a small run, and tests)."""
        parts: list[str] = []
        self.write(report, parts.append)
        return "".join(parts)


def _full(report: Report, write: Write) -> None:
    from lgo_audit.report.text import write_full

    write_full(report.results, write, report.style)


def _concise(report: Report, write: Write) -> None:
    from lgo_audit.report.text import write_concise

    write_concise(report.results, write, report.style)


def _json(report: Report, write: Write) -> None:
    if report.evidence:
        from lgo_audit.report.evidence import write_json_with_evidence

        write_json_with_evidence(report.results, write)
        return
    from lgo_audit.report.machine import write_json

    write_json(report.results, write)


def _json_lines(report: Report, write: Write) -> None:
    from lgo_audit.report.machine import write_json_lines

    write_json_lines(report.results, write)


def _sarif(report: Report, write: Write) -> None:
    from lgo_audit.report.sarif import write_sarif

    write_sarif(report.results, report.rules, write)


def _github(report: Report, write: Write) -> None:
    from lgo_audit.report.machine import write_github

    write_github(report.results, write)


def _junit(report: Report, write: Write) -> None:
    from lgo_audit.report.machine import write_junit

    write_junit(report.results, write)


def _full_piece(result: FileResult, pieces: Pieces) -> tuple[PieceKey, str]:
    from lgo_audit.report.text import full_key, full_piece

    return full_key(pieces.style), full_piece(result, pieces.style)


def _concise_piece(result: FileResult, pieces: Pieces) -> tuple[PieceKey, str]:
    from lgo_audit.report.text import concise_key, concise_piece

    return concise_key(pieces.style), concise_piece(result, pieces.style)


def _json_piece(result: FileResult, pieces: Pieces) -> tuple[PieceKey, str]:
    from lgo_audit.report.machine import JSON_KEY, json_piece

    return JSON_KEY, json_piece(result)


def _json_lines_piece(result: FileResult, pieces: Pieces) -> tuple[PieceKey, str]:
    from lgo_audit.report.machine import JSON_LINES_KEY, json_lines_piece

    return JSON_LINES_KEY, json_lines_piece(result)


def _github_piece(result: FileResult, pieces: Pieces) -> tuple[PieceKey, str]:
    from lgo_audit.report.machine import GITHUB_KEY, github_piece

    return GITHUB_KEY, github_piece(result)


def _sarif_piece(result: FileResult, pieces: Pieces) -> tuple[PieceKey, str]:
    from lgo_audit.report.sarif import sarif_key, sarif_piece

    index, root = pieces.rule_index, pieces.root
    return sarif_key(index, root), sarif_piece(result, index, root, pieces.artifacts)


def _statistics_table(results: Iterable[FileResult] | Totals) -> str:
    from lgo_audit.report.text import render_statistics as table

    return table(results)


def _statistics_json(results: Iterable[FileResult] | Totals) -> str:
    from lgo_audit.report.machine import render_statistics_json

    return render_statistics_json(results)


def _html(report: Report, write: Write) -> None:
    from lgo_audit.report.html import write_html

    write_html(report.results, report.rules, write)


FORMATS = MappingProxyType(
    {
        f.name: f
        for f in (
            OutputFormat(
                "full",
                "each finding with the letter's lines under it (the default)",
                _full,
                piece=_full_piece,
                for_people=True,
                shows_source=True,
                statistics=_statistics_table,
            ),
            OutputFormat(
                "concise",
                "one line per finding",
                _concise,
                piece=_concise_piece,
                for_people=True,
                statistics=_statistics_table,
            ),
            OutputFormat(
                "json",
                "a JSON array of findings (an object with --evidence)",
                _json,
                piece=_json_piece,
                takes_evidence=True,
                statistics=_statistics_json,
            ),
            OutputFormat(
                "json-lines",
                "one JSON object per finding per line",
                _json_lines,
                piece=_json_lines_piece,
            ),
            OutputFormat(
                "sarif", "SARIF 2.1.0, for code-scanning tools", _sarif, piece=_sarif_piece
            ),
            OutputFormat(
                "github",
                "GitHub Actions workflow commands (annotations)",
                _github,
                piece=_github_piece,
            ),
            OutputFormat(
                "junit",
                "JUnit XML, one test suite per letter, one failing test case per finding",
                _junit,
            ),
            OutputFormat(
                "html",
                "one self-contained HTML page with every letter's evidence",
                _html,
                shows_source=True,
                shows_facts=PLOT_FACTS,
                takes_evidence=True,
                lean=False,  # every letter's digest, rule outcomes and plotted facts
            ),
        )
    }
)
"""Every output format by name, in the order ``--help`` lists them."""


def render(fmt: OutputFormat, report: Report) -> str:
    """``report`` in format ``fmt`` as one string (summary lines are the caller's)."""
    return fmt.render(report)


def write(fmt: OutputFormat, report: Report, out: Write) -> None:
    """``report`` in format ``fmt``, piece by piece into ``out`` (summary lines are the
    caller's; no line break after the last line)."""
    fmt.write(report, out)


def statistics_problem(fmt: OutputFormat) -> str | None:
    """Why ``--statistics`` cannot go with ``fmt`` (None: it can). As ruff: the formats for
    people show a table, json an array of counts per rule, the others have no such shape."""
    if fmt.statistics is not None:
        return None
    *others, last = (f.name for f in FORMATS.values() if f.statistics is not None)
    known = f"{', '.join(others)} or {last}"
    return f"--statistics goes with --output-format {known}, not {fmt.name}"


def render_statistics(results: Iterable[FileResult] | Totals, fmt: OutputFormat) -> str:
    """``--statistics``: counts per rule, most frequent first, in ``fmt``'s shape (see
    :func:`statistics_problem`; raises ValueError with its message for a format without one)."""
    if fmt.statistics is None:
        raise ValueError(statistics_problem(fmt))
    return fmt.statistics(results)
