"""Evidence for signing off a batch: which file was judged, by which rules, with what outcome.

For every letter the evidence records the SHA-256 of the file's bytes (the reviewer can show
that the letter signed off is the letter that was sent), the version digest of the rule set
that judged it, counts of findings and of rule outcomes, and each active rule's outcome:
``passed``, ``failed``, ``not-applicable`` (its precondition was false, or a fact it needs is
absent) or ``error`` (the rule could not be evaluated on this letter).

``lgo-audit check --output-format json`` prints an array of findings. With ``--evidence`` it
prints one object instead, so that findings and evidence travel together::

    {
      "tool": {"name": "lgo-audit", "version": "0.1.0"},
      "findings": [ ...the same finding objects as the plain array... ],
      "evidence": [
        {
          "path": "examples/stevenage-2020.txt",
          "sha256": "e29431b8...",            # null when the file could not be read
          "rule_set": "fcbfba652513",         # null when the file could not be read
          "status": "has-errors",   # clean, has-errors, has-warnings, has-notes, unreadable
          "error": null,                      # the input error when the file could not be read
          "counts": {
            "findings": {"error": 1, "warning": 0, "info": 0},
            "rules": {"passed": 26, "failed": 1, "not-applicable": 4, "error": 0}
          },
          "rules": {"LGO001": "passed", "LGO002": "passed", ...},   # by code, sorted
          "suppressed": [],                   # failed rules whose findings per-file-ignores hid
          "profile": "2020",                  # the template profile; null when no letter was read
          "missing": ["upheld.count"],        # facts the template states, the letter lacks
          "not_applicable": ["overview.period.start", ...]   # facts the template does not state
        }
      ]
    }

Letters come in the order they were checked; rules within a letter are sorted by code; facts
are in the catalogue's order (:data:`lgo_audit.grammar.facts.FACTS`). A fact is *missing* when
the letter's template year states it (or the authority register gives it) and the letter has
none; *not applicable* when the template year does not state it: rules see null for both, and
a reviewer can tell a gap in the letter from a figure its year never had. A file that could not
be read, or is not a letter, has no profile and both lists empty. The output is deterministic:
the same files and rules give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lgo_audit import __version__
from lgo_audit.findings import FileResult, Outcome, Severity
from lgo_audit.report.machine import finding_dicts, write_json_array
from lgo_audit.report.text import Write

__all__ = [
    "OUTCOMES",
    "evidence",
    "letter_status",
    "not_applicable",
    "render_json_with_evidence",
    "write_json_with_evidence",
]

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
"""``passed``, ``failed``, ``not-applicable``, ``error``: every outcome a rule can have."""


def letter_status(result: FileResult) -> str:
    """``unreadable``, ``has-errors``, ``has-warnings``, ``has-notes`` or ``clean``."""
    if result.error is not None:
        return "unreadable"
    severities = {f.severity for f in result.findings}
    for severity, status in (
        (Severity.ERROR, "has-errors"),
        (Severity.WARNING, "has-warnings"),
        (Severity.INFO, "has-notes"),
    ):
        if severity in severities:
            return status
    return "clean"


def letter_evidence(result: FileResult) -> dict[str, Any]:
    """One letter's evidence record (see the module's docstring)."""
    findings = {s.value: 0 for s in Severity}
    for finding in result.findings:
        findings[finding.severity.value] += 1
    outcomes = dict.fromkeys(OUTCOMES, 0)
    rules: dict[str, str] = {}
    for rule_result in sorted(result.results, key=lambda r: r.code):
        outcome = Outcome(rule_result.outcome).value
        rules[rule_result.code] = outcome
        outcomes[outcome] += 1
    reported = {f.code for f in result.findings}
    suppressed = [
        code for code, outcome in rules.items() if outcome == "failed" and code not in reported
    ]
    return {
        "path": result.path,
        "sha256": result.sha256,
        "rule_set": result.rule_set,
        "status": letter_status(result),
        "error": result.error,
        "counts": {"findings": findings, "rules": outcomes},
        "rules": rules,
        "suppressed": suppressed,
        "profile": result.profile,
        "missing": list(result.missing),
        "not_applicable": list(not_applicable(result.profile)),
    }


def not_applicable(profile: str | None) -> tuple[str, ...]:
    """The facts a letter of template ``profile`` cannot state, in the catalogue's order (none
    when there is no profile: no letter was read)."""
    if profile is None:
        return ()
    from lgo_audit.grammar import profile_named
    from lgo_audit.vocabulary import not_applicable_facts

    return not_applicable_facts(profile_named(profile).facts)


def evidence(results: Iterable[FileResult]) -> list[dict[str, Any]]:
    """One evidence record per letter, in the order of ``results`` (see the module's docstring)."""
    return [letter_evidence(result) for result in results]


def write_json_with_evidence(results: Iterable[FileResult], write: Write) -> None:
    """The document ``--output-format json --evidence`` prints (see the module's docstring),
    written piece by piece: one pass over ``results`` for the findings, one for the evidence."""
    tool = json.dumps({"name": "lgo-audit", "version": __version__}, indent=2, ensure_ascii=True)
    write('{\n  "tool": ' + tool.replace("\n", "\n  ") + ',\n  "findings": ')
    write_json_array(finding_dicts(results), write, level=1)
    write(',\n  "evidence": ')
    write_json_array(map(letter_evidence, results), write, level=1)
    write("\n}")  # ASCII: right in any output encoding


def render_json_with_evidence(results: Iterable[FileResult]) -> str:
    """:func:`write_json_with_evidence` as one string."""
    parts: list[str] = []
    write_json_with_evidence(results, parts.append)
    return "".join(parts)
