"""Findings for tools: ``json``, ``json-lines``, ``github`` workflow commands and ``junit`` XML."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lgo_audit.findings import FileResult, Finding, Totals
from lgo_audit.reader import display_path
from lgo_audit.report.text import Write, _totals, clean_line, made_piece, statistics

__all__ = [
    "escape_data",
    "escape_property",
    "github_piece",
    "json_item",
    "json_lines_piece",
    "json_piece",
    "plain_json_item",
    "render_github",
    "render_json",
    "render_json_lines",
    "render_junit",
    "render_statistics_json",
    "with_real_paths",
    "write_github",
    "write_json",
    "write_json_array",
    "write_json_lines",
    "write_json_pieces",
    "write_junit",
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


def _collect(writer: Any, *args: Any) -> str:
    parts: list[str] = []
    writer(*args, parts.append)
    return "".join(parts)


def json_item(item: Any, level: int = 0) -> str:
    """One item of a JSON array ``level`` levels deep in a document, as ``json.dumps(list,
    indent=2, ensure_ascii=True)`` writes it there: its line break and indentation first."""
    inner = "\n" + "  " * (level + 1)
    return inner + json.dumps(item, indent=2, ensure_ascii=True).replace("\n", inner)


def plain_json_item(item: Any, level: int = 0) -> str:
    """:func:`json_item` of an item made of strings, integers, booleans, null, lists and
    dicts only (a finding's, a SARIF result's: no float, which orjson writes otherwise), the
    same text written some fifteen times faster: by orjson, whose two-space indentation is
    json's, where what it writes is ASCII but DEL (which json escapes as ``\u007f``, as it
    escapes every other character outside printable ASCII); else by json (also when orjson
    refuses the item: an integer past 64 bits, a lone surrogate)."""
    try:
        from orjson import OPT_INDENT_2, dumps
    except ImportError:  # pragma: no cover - installed with lgo-audit
        return json_item(item, level)
    try:
        data = dumps(item, option=OPT_INDENT_2)
    except TypeError:
        return json_item(item, level)
    if not data.isascii() or b"\x7f" in data:
        return json_item(item, level)
    inner = "\n" + "  " * (level + 1)
    return inner + data.decode("ascii").replace("\n", inner)


def write_json_array(items: Iterable[Any], write: Write, level: int = 0) -> None:
    """A JSON array of ``items`` written item by item, byte for byte as ``json.dumps(list,
    indent=2, ensure_ascii=True)`` writes it as a value ``level`` levels deep in a document."""
    write_json_pieces((json_item(item, level) for item in items), write, level)


def write_json_pieces(pieces: Iterable[str], write: Write, level: int = 0) -> None:
    """:func:`write_json_array` of items already written: each piece is one or more
    :func:`json_item` texts joined by commas ("": none)."""
    first = True
    for piece in pieces:
        if piece:
            write(("[" if first else ",") + piece)
            first = False
    write("[]" if first else "\n" + "  " * level + "]")


def finding_dicts(results: Iterable[FileResult]) -> Iterator[dict[str, Any]]:
    """Each finding's JSON object, result by result."""
    for result in results:
        for finding in with_real_paths(result):
            yield finding.to_dict()


JSON_KEY = ("json",)
JSON_LINES_KEY = ("json-lines",)
GITHUB_KEY = ("github",)


def json_piece(result: FileResult) -> str:
    """``result``'s findings as items of the json report's array (:func:`write_json_pieces`)."""
    return ",".join([plain_json_item(finding.to_dict()) for finding in with_real_paths(result)])


def write_json(results: Iterable[FileResult], write: Write) -> None:
    """An array of findings (the shape of :meth:`Finding.to_dict`)."""

    def pieces() -> Iterator[str]:
        for result in results:
            piece = made_piece(result, JSON_KEY)
            yield json_piece(result) if piece is None else piece

    write_json_pieces(pieces(), write)


def render_json(results: Iterable[FileResult]) -> str:
    """:func:`write_json` as one string."""
    return _collect(write_json, results)


def json_lines_piece(result: FileResult) -> str:
    """``result``'s lines of the json-lines report ("" without findings)."""
    return "\n".join(
        [json.dumps(finding.to_dict(), ensure_ascii=True) for finding in with_real_paths(result)]
    )


def write_json_lines(results: Iterable[FileResult], write: Write) -> None:
    """One finding per line, for streaming into other tools (none after the last)."""
    _write_joined(results, write, JSON_LINES_KEY, json_lines_piece)


def render_json_lines(results: Iterable[FileResult]) -> str:
    """:func:`write_json_lines` as one string."""
    return _collect(write_json_lines, results)


def render_statistics_json(results: Iterable[FileResult] | Totals) -> str:
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


def _write_joined(
    results: Iterable[FileResult],
    write: Write,
    key: tuple[object, ...],
    make: Callable[[FileResult], str],
) -> None:
    """Each result's piece (made where it was checked, else by ``make``), a line break
    between two (none after the last; an empty piece is left out)."""
    separator = ""
    for result in results:
        piece = made_piece(result, key)
        if piece is None:
            piece = make(result)
        if piece:
            write(separator + piece)
            separator = "\n"


def write_github(results: Iterable[FileResult], write: Write) -> None:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` per finding."""
    _write_joined(results, write, GITHUB_KEY, github_piece)


def github_piece(result: FileResult) -> str:
    """``result``'s workflow commands: one per finding, and one for an input error."""
    lines = []
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
            f"::error file={_github_file(result.path)}::" + escape_data(clean_line(result.error))
        )
    return "\n".join(lines)


def render_github(results: Iterable[FileResult]) -> str:
    """:func:`write_github` as one string."""
    return _collect(write_github, results)


def _xml(element: ET.Element) -> str:
    # ASCII, with character references for the rest: the same XML whatever encoding the
    # output is written in (a Windows console's cp1252 too), so the declaration stays true.
    text = ET.tostring(element, encoding="unicode")
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def write_junit(results: Iterable[FileResult], write: Write) -> None:
    """One testsuite per letter, one failing testcase per finding, a passing case when clean.
    A case is named by its finding's code, name and place; a second finding of one rule at
    one place is named so with " (2)" after it (a test report may merge cases of one name).

    The totals come first (a pass over ``results`` counts them, unless one has), then each
    suite is written as it is made."""
    totals = _totals(results)
    suites = ET.Element("testsuites", name="lgo-audit")
    suites.set("tests", str(totals.total + totals.unreadable + totals.without_findings))
    suites.set("failures", str(totals.total))
    suites.set("errors", str(totals.unreadable))
    head = _xml(suites)
    write('<?xml version="1.0" encoding="UTF-8"?>\n')
    wrote = False
    for result in results:
        suite = ET.Element("testsuite", name=clean_line(result.path))
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
        named: dict[str, int] = {}  # (each case's name is its own: "(2)" after a second)
        for f in result.findings:
            name = f"{f.code} {f.name} at {f.span.line}:{f.span.column}"
            seen = named[name] = named.get(name, 0) + 1
            case = ET.SubElement(
                suite,
                "testcase",
                name=name if seen == 1 else f"{name} ({seen})",
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
        ET.indent(suite, level=1)
        write((head[: -len(" />")] + ">" if not wrote else "") + "\n  " + _xml(suite))
        wrote = True
    write("\n</testsuites>" if wrote else head)


def render_junit(results: Iterable[FileResult]) -> str:
    """:func:`write_junit` as one string."""
    return _collect(write_junit, results)
