"""The report stage: findings in every output format, chosen with ``--output-format``."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from lgo_audit.check import FileResult
from lgo_audit.report import text
from lgo_audit.report.machine import (
    render_github,
    render_json,
    render_json_lines,
    render_junit,
    render_statistics_json,
)
from lgo_audit.report.text import Style, clean, clean_line, render_concise, render_full, summary
from lgo_audit.rules import Rule

__all__ = [
    "OutputFormat",
    "Style",
    "clean",
    "clean_line",
    "render",
    "render_statistics",
    "summary",
]


class OutputFormat(StrEnum):
    full = "full"
    concise = "concise"
    json = "json"
    json_lines = "json-lines"
    sarif = "sarif"
    github = "github"
    junit = "junit"
    html = "html"

    @property
    def for_people(self) -> bool:
        return self in (OutputFormat.full, OutputFormat.concise)


def render(
    fmt: OutputFormat,
    results: Sequence[FileResult],
    rules: Sequence[Rule],
    style: Style | None = None,
    *,
    evidence: bool = False,
) -> str:
    """The findings of ``results`` in format ``fmt`` (summary lines are the caller's).

    ``evidence`` (json): an object with each letter's hash and every rule's outcome as well."""
    style = style or Style()
    if fmt is OutputFormat.full:
        return render_full(results, style)
    if fmt is OutputFormat.concise:
        return render_concise(results, style)
    if fmt is OutputFormat.json:
        if evidence:
            from lgo_audit.report.evidence import render_json_with_evidence

            return render_json_with_evidence(results)
        return render_json(results)
    if fmt is OutputFormat.html:
        from lgo_audit.report.html import render_html  # only loaded when asked for

        return render_html(results, rules)
    if fmt is OutputFormat.json_lines:
        return render_json_lines(results)
    if fmt is OutputFormat.sarif:
        from lgo_audit.report.sarif import render_sarif

        return render_sarif(results, rules)
    if fmt is OutputFormat.github:
        return render_github(results)
    return render_junit(results)


STATISTICS_FORMATS = (OutputFormat.full, OutputFormat.concise, OutputFormat.json)
"""The formats ``--statistics`` has a shape in (as ruff: the table, or a JSON array)."""


def render_statistics(results: Sequence[FileResult], fmt: OutputFormat = OutputFormat.full) -> str:
    """``--statistics``: counts per rule, most frequent first; for people (``full``,
    ``concise``) a tab-separated table, for ``json`` an array of objects.

    Raises :class:`ValueError` (a usage error, its message for the user) for the other formats,
    which have no statistics shape: as ruff does for them."""
    if fmt.for_people:
        return text.render_statistics(results)
    if fmt is OutputFormat.json:
        return render_statistics_json(results)
    *others, last = (f.value for f in STATISTICS_FORMATS)
    known = f"{', '.join(others)} or {last}"
    raise ValueError(f"--statistics goes with --output-format {known}, not {fmt.value}")
