"""SARIF 2.1.0 for code-scanning dashboards: every rule in ``tool.driver``, every finding a result.

Artifact URIs are relative to the repository root (the folder holding ``.git``, else the
current folder) and resolved through ``%SRCROOT%``, as GitHub code scanning expects; a file
outside that root gets an absolute ``file://`` URI and no ``uriBaseId`` (SARIF 2.1.0 §3.4.4:
a ``uriBaseId`` goes only with a relative URI).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lgo_audit import __version__
from lgo_audit.findings import FileResult, Finding
from lgo_audit.report.machine import plain_json_item, with_real_paths, write_json_pieces
from lgo_audit.report.text import Write, made_piece
from lgo_audit.rules import Rule
from lgo_audit.span import Span

__all__ = ["render_sarif", "sarif_key", "sarif_piece", "source_root", "unreadable", "write_sarif"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def source_root(start: Path | None = None) -> Path:
    """The repository root above ``start`` (a folder with .git), else ``start`` itself."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def _absolute(path: str) -> str:
    """``path`` made absolute with its links followed (as ``Path.resolve`` does, without its
    ``Path``), or as it is named where they cannot be (a link in a loop: an input error that
    the report must still name)."""
    try:
        real = os.path.realpath(path)
        os.stat(real)  # (a loop is left unresolved by realpath: found here, as resolve does)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return os.path.abspath(path)
    return real


def _artifact(path: str, root: Path, absolute: str | None = None) -> dict[str, str]:
    """An ``artifactLocation``: relative to ``%SRCROOT%`` inside the root, else absolute
    (``absolute``: ``path``'s :func:`_absolute`, if known).

    (Worked out on the names as strings, which takes half the time of ``Path.resolve`` and
    ``relative_to``, on systems whose names are POSIX paths; elsewhere with ``Path``.)"""
    if absolute is None:
        absolute = _absolute(path)
    if os.sep == "/" and not os.altsep:
        base = str(root)
        prefix = base if base.endswith("/") else base + "/"
        if absolute == base:
            relative = "."
        elif absolute.startswith(prefix):
            relative = absolute[len(prefix) :]
        else:
            return {"uri": Path(absolute).as_uri()}
    else:  # pragma: no cover - Windows
        try:
            relative = Path(absolute).relative_to(root).as_posix()
        except ValueError:
            return {"uri": Path(absolute).as_uri()}
    # (quoted from the name's bytes: a name that is not UTF-8 keeps its own bytes, %FF)
    return {"uri": quote(os.fsencode(relative)), "uriBaseId": "%SRCROOT%"}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": max(span.end_column, 1),
    }


class Artifacts:
    """:func:`_artifact` of each path, for one report (one per run, in each process that
    writes part of it): worked out once for all the findings that name a path (a letter's
    findings and their related places share a few), and each folder's links followed once
    for all the files in it (:meth:`absolute`)."""

    __slots__ = ("folders", "made", "root")

    KEPT = 64  # paths whose artifact locations are kept (those of the last letters)

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[str, dict[str, str]] = {}
        self.folders: dict[str, str] = {}

    def __call__(self, path: str) -> dict[str, str]:
        made = self.made.get(path)
        if made is None:
            if len(self.made) >= self.KEPT:
                self.made.clear()
            made = self.made[path] = _artifact(path, self.root, self.absolute(path))
        return made

    def absolute(self, path: str) -> str:
        """:func:`_absolute` of ``path``: its folder's (kept for the next file in it) and its
        name, when the name is no link (one ``lstat``, not one for every folder above)."""
        folder, name = os.path.split(path)
        if not name or name in (".", ".."):
            return _absolute(path)
        real = self.folders.get(folder)
        if real is None:
            real = self.folders[folder] = _absolute(folder or os.curdir)
        candidate = os.path.join(real, name)
        try:
            if not stat.S_ISLNK(os.lstat(candidate).st_mode):
                return candidate
        except OSError:
            pass  # (not there, or a loop above it: as _absolute finds it)
        return _absolute(path)


def _location(path: str, span: Span, artifact: Artifacts) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": artifact(path),
            "region": _region(span),
        }
    }


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.section("What it checks") or rule.summary},
        "help": {"text": rule.explanation, "markdown": rule.explanation},
        "helpUri": f"https://github.com/lgo-audit/lgo-audit/blob/main/docs/rules.md#{rule.code.lower()}",
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        "properties": {
            "tags": [rule.category],
            "fix": None if rule.fix is None else rule.fix.applicability.value,
        },
    }


def _result(finding: Finding, rule_index: dict[str, int], artifact: Artifacts) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity.value],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, finding.span, artifact)],
    }
    if finding.origin is not None:  # a PDF's page, line and column; a DOCX's paragraph or cell
        region = result["locations"][0]["physicalLocation"]["region"]
        region["properties"] = {"origin": dict(finding.origin)}
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                **_location(r.path, r.span, artifact),
                "message": {"text": r.message or "related"},
            }
            for i, r in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": finding.fix.description},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact(finding.path),
                        "replacements": [
                            {
                                "deletedRegion": _region(e.span),
                                "insertedContent": {"text": e.replacement},
                            }
                            for e in finding.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def unreadable(results: Iterable[FileResult]) -> list[FileResult]:
    """The results with an input error: those a check's Results keep at hand, or found by a
    pass over ``results``."""
    known = getattr(results, "unreadable", None)
    if isinstance(known, list):
        return known
    return [result for result in results if result.error is not None]


_RESULTS = '"results": []'


def write_sarif(
    results: Iterable[FileResult], rules: Sequence[Rule], write: Write, root: Path | None = None
) -> None:
    """The SARIF document, its results written one by one (the rest comes first: the input
    errors, from :func:`unreadable`)."""
    base = source_root(root)
    rule_index = {rule.code: i for i, rule in enumerate(rules)}
    notifications = [
        {
            "level": "error",
            "message": {"text": result.error},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(result.path, base)}}],
        }
        for result in unreadable(results)
    ]
    run = {
        "tool": {
            "driver": {
                "name": "lgo-audit",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/lgo-audit/lgo-audit",
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri() + "/"}},
        # columns count characters (code points) of the decoded line, not UTF-16 units,
        # which a run that does not say so is read in
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
                "workingDirectory": {"uri": Path(os.getcwd()).resolve().as_uri() + "/"},
            }
        ],
        "results": [],  # written below, one by one, where this empty array is
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    text = json.dumps(document, indent=2, ensure_ascii=True)
    at = text.rindex(_RESULTS) + len(_RESULTS) - 2
    write(text[:at])

    key = sarif_key(rule_index, base)
    artifact = Artifacts(base)

    def pieces() -> Iterator[str]:
        for result in results:
            piece = made_piece(result, key)
            yield sarif_piece(result, rule_index, base, artifact) if piece is None else piece

    write_json_pieces(pieces(), write, level=3)
    write(text[at + 2 :])


def sarif_key(rule_index: dict[str, int], root: Path) -> tuple[object, ...]:
    """What a result's SARIF results depend on besides it: the rules' order and the root."""
    return ("sarif", tuple(rule_index), str(root))


def sarif_piece(
    result: FileResult,
    rule_index: dict[str, int],
    root: Path,
    artifact: Artifacts | None = None,
) -> str:
    """``result``'s findings as SARIF results, items of the run's ``results`` array
    (:func:`lgo_audit.report.machine.write_json_pieces`); ``rule_index``: each rule's place in
    the driver's rules, by code; ``root``: :func:`source_root`; ``artifact``: the report's
    :class:`Artifacts` (of ``root``), if it has one."""
    if artifact is None:
        artifact = Artifacts(root)
    return ",".join(
        [plain_json_item(_result(f, rule_index, artifact), 3) for f in with_real_paths(result)]
    )


def render_sarif(
    results: Iterable[FileResult], rules: Sequence[Rule], root: Path | None = None
) -> str:
    """:func:`write_sarif` as one string."""
    parts: list[str] = []
    write_sarif(results, rules, parts.append, root)
    return "".join(parts)
