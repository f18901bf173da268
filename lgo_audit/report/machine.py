"""Findings for tools: ``json``, ``json-lines``, ``github`` workflow commands and ``junit`` XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from lgo_audit.findings import FileResult
from lgo_audit.report.text import clean

__all__ = [
    "escape_data",
    "escape_property",
    "render_github",
    "render_json",
    "render_json_lines",
    "render_junit",
]


def render_json(results: Sequence[FileResult]) -> str:
    """An array of findings (the shape of :meth:`Finding.to_dict`)."""
    return json.dumps(
        [f.to_dict() for r in results for f in r.findings], indent=2, ensure_ascii=True
    )


def render_json_lines(results: Sequence[FileResult]) -> str:
    """One finding per line, for streaming into other tools."""
    return "\n".join(
        json.dumps(f.to_dict(), ensure_ascii=True) for r in results for f in r.findings
    )


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property values (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(results: Sequence[FileResult]) -> str:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` per finding."""
    lines = []
    for result in results:
        for f in result.findings:
            properties = ",".join(
                [
                    f"file={escape_property(f.path)}",
                    f"line={f.span.line}",
                    f"col={f.span.column}",
                    f"endLine={f.span.end_line}",
                    f"endColumn={f.span.end_column}",
                    f"title={escape_property(f'{f.code} {f.name}')}",
                ]
            )
            message = escape_data(clean(f"{f.code} {f.message}"))
            lines.append(f"::{_GITHUB_LEVEL[f.severity.value]} {properties}::{message}")
        if result.error is not None:
            lines.append(
                f"::error file={escape_property(result.path)}::{escape_data(clean(result.error))}"
            )
    return "\n".join(lines)


def render_junit(results: Sequence[FileResult]) -> str:
    """One testsuite per letter, one failing testcase per finding, a passing case when clean."""
    suites = ET.Element("testsuites", name="lgo-audit")
    total = failures = errors = 0
    for result in results:
        suite = ET.SubElement(suites, "testsuite", name=clean(result.path))
        cases = fails = errs = 0
        if result.error is not None:
            case = ET.SubElement(suite, "testcase", name="read", classname=clean(result.path))
            ET.SubElement(
                case, "error", message=clean(result.error), type="input-error"
            ).text = clean(result.error)
            cases, errs = 1, 1
        elif not result.findings:
            ET.SubElement(suite, "testcase", name="clean", classname=clean(result.path))
            cases = 1
        for f in result.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} {f.name} at {f.span.line}:{f.span.column}",
                classname=clean(result.path),
                file=clean(result.path),
                line=str(f.span.line),
            )
            failure = ET.SubElement(
                case, "failure", message=clean(f.message), type=f.severity.value
            )
            failure.text = clean(
                f"{f.path}:{f.span.line}:{f.span.column}: {f.code} [{f.severity.value}] {f.message}"
            )
            cases += 1
            fails += 1
        suite.set("tests", str(cases))
        suite.set("failures", str(fails))
        suite.set("errors", str(errs))
        total, failures, errors = total + cases, failures + fails, errors + errs
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
