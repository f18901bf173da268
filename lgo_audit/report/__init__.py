"""The report stage: findings in every output format, chosen with ``--output-format``.

Each format is one :class:`OutputFormat` entry of :data:`FORMATS`: its name, the line ``--help``
and the docs show, what it needs (source lines, ``--evidence``) and its renderer, whose module
is imported only when that format is written. Adding a format is one entry here and one
renderer; ``tests/test_registries.py`` checks that each entry appears in ``--help`` and has its
section in ``docs/output-formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from lgo_audit.report.plotted import PLOT_FACTS
from lgo_audit.report.text import Style, clean, clean_diff, clean_line, summary

if TYPE_CHECKING:
    from lgo_audit.findings import FileResult
    from lgo_audit.rules import Rule

__all__ = [
    "FORMATS",
    "OutputFormat",
    "Report",
    "Style",
    "clean",
    "clean_diff",
    "clean_line",
    "render",
    "render_statistics",
    "summary",
]


@dataclass(frozen=True)
class Report:
    """What a renderer is given: the results in path order, the active rules (by code), the
    terminal style, and whether to add each letter's QA evidence."""

    results: Sequence[FileResult]
    rules: Sequence[Rule]
    style: Style = field(default_factory=Style)
    evidence: bool = False


@dataclass(frozen=True)
class OutputFormat:
    """One output format."""

    name: str
    help: str
    render: Callable[[Report], str]
    for_people: bool = False  # a summary line follows the findings; colour on a terminal
    shows_source: bool = False  # shows the letter's lines, so checks keep the source text
    shows_facts: frozenset[str] = frozenset()  # facts it shows, so checks keep them
    takes_evidence: bool = False  # accepts --evidence
    statistics: Callable[[Sequence[FileResult]], str] | None = None  # --statistics; None: none


def _full(report: Report) -> str:
    from lgo_audit.report.text import render_full

    return render_full(report.results, report.style)


def _concise(report: Report) -> str:
    from lgo_audit.report.text import render_concise

    return render_concise(report.results, report.style)


def _json(report: Report) -> str:
    if report.evidence:
        from lgo_audit.report.evidence import render_json_with_evidence

        return render_json_with_evidence(report.results)
    from lgo_audit.report.machine import render_json

    return render_json(report.results)


def _json_lines(report: Report) -> str:
    from lgo_audit.report.machine import render_json_lines

    return render_json_lines(report.results)


def _sarif(report: Report) -> str:
    from lgo_audit.report.sarif import render_sarif

    return render_sarif(report.results, report.rules)


def _github(report: Report) -> str:
    from lgo_audit.report.machine import render_github

    return render_github(report.results)


def _junit(report: Report) -> str:
    from lgo_audit.report.machine import render_junit

    return render_junit(report.results)


def _statistics_table(results: Sequence[FileResult]) -> str:
    from lgo_audit.report.text import render_statistics as table

    return table(results)


def _statistics_json(results: Sequence[FileResult]) -> str:
    from lgo_audit.report.machine import render_statistics_json

    return render_statistics_json(results)


def _html(report: Report) -> str:
    from lgo_audit.report.html import render_html

    return render_html(report.results, report.rules)


FORMATS = MappingProxyType(
    {
        f.name: f
        for f in (
            OutputFormat(
                "full",
                "each finding with the letter's lines under it (the default)",
                _full,
                for_people=True,
                shows_source=True,
                statistics=_statistics_table,
            ),
            OutputFormat(
                "concise",
                "one line per finding",
                _concise,
                for_people=True,
                statistics=_statistics_table,
            ),
            OutputFormat(
                "json",
                "a JSON array of findings (an object with --evidence)",
                _json,
                takes_evidence=True,
                statistics=_statistics_json,
            ),
            OutputFormat("json-lines", "one JSON object per finding per line", _json_lines),
            OutputFormat("sarif", "SARIF 2.1.0, for code-scanning tools", _sarif),
            OutputFormat("github", "GitHub Actions workflow commands (annotations)", _github),
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
            ),
        )
    }
)
"""Every output format by name, in the order ``--help`` lists them."""


def render(fmt: OutputFormat, report: Report) -> str:
    """``report`` in format ``fmt`` (summary lines are the caller's)."""
    return fmt.render(report)


def statistics_problem(fmt: OutputFormat) -> str | None:
    """Why ``--statistics`` cannot go with ``fmt`` (None: it can). As ruff: the formats for
    people show a table, json an array of counts per rule, the others have no such shape."""
    if fmt.statistics is not None:
        return None
    *others, last = (f.name for f in FORMATS.values() if f.statistics is not None)
    known = f"{', '.join(others)} or {last}"
    return f"--statistics goes with --output-format {known}, not {fmt.name}"


def render_statistics(results: Sequence[FileResult], fmt: OutputFormat) -> str:
    """``--statistics``: counts per rule, most frequent first, in ``fmt``'s shape (see
    :func:`statistics_problem`; raises ValueError with its message for a format without one)."""
    if fmt.statistics is None:
        raise ValueError(statistics_problem(fmt))
    return fmt.statistics(results)
