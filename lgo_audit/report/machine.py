"""Findings for tools: ``json``, ``json-lines``, ``github`` workflow commands and ``junit`` XML."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from lgo_audit.findings import FileResult, Finding
from lgo_audit.reader import display_path
from lgo_audit.report.text import clean_line, statistics

__all__ = [
    "escape_data",
    "escape_property",
    "render_github",
    "render_json",
    "render_json_lines",
    "render_junit",
    "render_statistics_json",
    "with_real_paths",
]


def with_real_paths(result: FileResult) -> list[Finding]:
    """``result``'s findings with the file's real name as their path (and their related
    places' in the same file). The reader names a file as it shows it, control characters
    escaped (``a\\n.txt``), while the batch rules use the real name: the machine formats carry
    the real one (JSON's escaping keeps it exact), the text formats show either escaped alike."""
    shown = display_path(result.path)
    if shown == result.path:
        return result.findings

    def real(path: str) -> str:
        return result.path if path == shown else path

    return [
        dataclasses.replace(
            f,
            path=real(f.path),
            related=tuple(dataclasses.replace(r, path=real(r.path)) for r in f.related),
        )
        for f in result.findings
    ]


def render_json(results: Sequence[FileResult]) -> str:
    """An array of findings (the shape of :meth:`Finding.to_dict`)."""
    return json.dumps(
        [f.to_dict() for r in results for f in with_real_paths(r)], indent=2, ensure_ascii=True
    )


def render_json_lines(results: Sequence[FileResult]) -> str:
    """One finding per line, for streaming into other tools."""
    return "\n".join(
        json.dumps(f.to_dict(), ensure_ascii=True) for r in results for f in with_real_paths(r)
    )


def render_statistics_json(results: Sequence[FileResult]) -> str:
    """``--statistics`` with ``json``: an array with an object per rule, as ruff prints it
    (``code``, ``name``, ``count``, ``fixable``: every finding can be fixed, ``fixable_count``)
    and the rule's ``severity``; most frequent first."""
    return json.dumps(
        [
            {
                "code": code,
                "name": name,
                "severity": severity,
                "count": count,
                "fixable": fixable == count,
                "fixable_count": fixable,
            }
            for code, name, severity, count, fixable in statistics(results)
        ],
        indent=2,
        ensure_ascii=True,
    )


def escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property values (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github_file(path: str) -> str:
    """A path as the ``file`` property: line breaks percent-escaped (GitHub decodes them, so the
    annotation is on the real file); any other control character shown escaped (``\\x1b``)."""
    parts = re.split(r"([\r\n])", path)
    return escape_property("".join(p if p in ("\r", "\n") else clean_line(p) for p in parts))


def render_github(results: Sequence[FileResult]) -> str:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` per finding."""
    lines = []
    for result in results:
        for f in with_real_paths(result):
            properties = ",".join(
                [
                    f"file={_github_file(f.path)}",
                    f"line={f.span.line}",
                    f"col={f.span.column}",
                    f"endLine={f.span.end_line}",
                    f"endColumn={f.span.end_column}",
                    f"title={escape_property(f'{f.code} {f.name}')}",
                ]
            )
            message = escape_data(clean_line(f"{f.code} {f.message}"))
            lines.append(f"::{_GITHUB_LEVEL[f.severity.value]} {properties}::{message}")
        if result.error is not None:
            lines.append(
                f"::error file={_github_file(result.path)}::"
                + escape_data(clean_line(result.error))
            )
    return "\n".join(lines)


def render_junit(results: Sequence[FileResult]) -> str:
    """One testsuite per letter, one failing testcase per finding, a passing case when clean."""
    suites = ET.Element("testsuites", name="lgo-audit")
    total = failures = errors = 0
    for result in results:
        suite = ET.SubElement(suites, "testsuite", name=clean_line(result.path))
        cases = fails = errs = 0
        if result.error is not None:
            case = ET.SubElement(suite, "testcase", name="read", classname=clean_line(result.path))
            ET.SubElement(
                case, "error", message=clean_line(result.error), type="input-error"
            ).text = clean_line(result.error)
            cases, errs = 1, 1
        elif not result.findings:
            ET.SubElement(suite, "testcase", name="clean", classname=clean_line(result.path))
            cases = 1
        for f in result.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} {f.name} at {f.span.line}:{f.span.column}",
                classname=clean_line(result.path),
                file=clean_line(result.path),
                line=str(f.span.line),
            )
            failure = ET.SubElement(
                case, "failure", message=clean_line(f.message), type=f.severity.value
            )
            failure.text = clean_line(
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
    # ASCII, with character references for the rest: the same XML whatever encoding the
    # output is written in (a Windows console's cp1252 too), so the declaration stays true.
    xml = ET.tostring(suites, encoding="unicode").encode("ascii", "xmlcharrefreplace")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml.decode("ascii")
