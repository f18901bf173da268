"""Run a rule set over a parsed letter: structural issues, fact invariants, text patterns.

Each rule is judged *passed*, *failed* or *not applicable* (its precondition false, or a fact
it needs absent); every failure becomes a :class:`~lgo_audit.findings.Finding` that points at
the facts the rule names in ``at``, with the rule's fix when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lgo_audit import expr
from lgo_audit.checks import CHECKS, ENCODING_FALLBACK, NOT_A_LETTER, SECTION_NAMES
from lgo_audit.envs import BoundEnv, FactEnv, LinkEnv, ParamEnv
from lgo_audit.findings import Applicability, Edit, Finding, Fix, Location, Outcome, RuleResult
from lgo_audit.normalise import Link as TextLink
from lgo_audit.parse import ParsedLetter
from lgo_audit.rules import Binding, Rule
from lgo_audit.span import FILE_START, Span

__all__ = ["run_rules"]

MAX_PATTERN_MATCHES = 100


def run_rules(
    parsed: ParsedLetter, rules: Iterable[Rule]
) -> tuple[list[Finding], list[RuleResult]]:
    """Every finding of ``rules`` on ``parsed``, and each rule's outcome (the QA evidence)."""
    findings: list[Finding] = []
    results: list[RuleResult] = []
    env = FactEnv(parsed.facts, set(parsed.structure.sections))
    for rule in rules:
        if rule.kind in ("batch", "data"):
            continue  # judged over the whole batch: lgo_audit.batch
        if (
            (not parsed.is_letter and rule.check != NOT_A_LETTER.name)
            or not rule.holds_for(parsed.profile.year)
            or (
                rule.check is not None
                and rule.check in CHECKS
                and parsed.kind not in CHECKS[rule.check].documents
            )
        ):
            results.append(RuleResult(rule.code, Outcome.NOT_APPLICABLE))
            continue
        if rule.kind == "structure":
            found = list(_structure_findings(parsed, rule))
        elif rule.kind == "text":
            found = list(_text_findings(parsed, rule))
        else:
            judged, error = _fact_findings(parsed, rule, env)
            if error:
                results.append(RuleResult(rule.code, Outcome.ERROR))
                findings.extend(judged or ())
                continue
            if judged is None:
                results.append(RuleResult(rule.code, Outcome.NOT_APPLICABLE))
                continue
            found = judged
        findings.extend(found)
        results.append(RuleResult(rule.code, Outcome.FAILED if found else Outcome.PASSED))
    findings.sort(key=lambda f: f.sort_key)
    return findings, results


# --- structure and text rules ---------------------------------------------------------


def _structure_findings(parsed: ParsedLetter, rule: Rule) -> Iterator[Finding]:
    for issue in parsed.issues:
        if issue.check != rule.check:
            continue
        message = expr.render_template(rule.message, ParamEnv(issue.params))
        related = tuple(
            Location(parsed.path, parsed.span(start, end), "see also")
            for start, end in issue.related
        )
        yield _finding(parsed, rule, message, parsed.span(issue.start, issue.end), related)
    if rule.check == ENCODING_FALLBACK.name:
        for note in parsed.source.notes:
            message = expr.render_template(rule.message, ParamEnv({"found": note}))
            yield _finding(parsed, rule, message, FILE_START, ())


def _text_findings(parsed: ParsedLetter, rule: Rule) -> Iterator[Finding]:
    text = parsed.text.text
    count = 0
    for pattern in rule.patterns:
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            message = expr.render_template(rule.message, ParamEnv({"match": match.group()}))
            yield _finding(parsed, rule, message, parsed.span(match.start(), match.end()), ())
            count += 1
            if count >= MAX_PATTERN_MATCHES:
                return


# --- fact rules -------------------------------------------------------------------------


def _fact_findings(
    parsed: ParsedLetter, rule: Rule, env: FactEnv
) -> tuple[list[Finding] | None, bool]:
    """Findings of one fact rule; None when no binding of it applied; True when it errored."""
    environments: list[tuple[Any, Binding | TextLink | None]]
    if rule.each == "links":
        environments = [(LinkEnv(env, link), link) for link in parsed.text.links]
    elif rule.each:
        environments = [(BoundEnv(env, binding), binding) for binding in rule.each]
    else:
        environments = [(env, None)]
    findings: list[Finding] = []
    applied = False
    for local, binding in environments:
        try:
            if rule.when is not None and rule.when(local) is not True:
                continue
            assert rule.assertion is not None
            verdict = rule.assertion(local)
            if verdict is None:
                continue
            applied = True
            if verdict is True:
                continue
            message = expr.render_template(rule.message, local)
            fix = _fix(parsed, rule, local, binding)
        except expr.ExprEvalError as error:
            message = f"rule could not be evaluated: {error}"
            findings.append(_finding(parsed, rule, message, FILE_START, ()))
            return findings, True
        primary, related = _locations(parsed, rule.at, binding)
        findings.append(_finding(parsed, rule, message, primary, related, fix))
    return (findings if applied else None), False


def _resolve(name: str, binding: Binding | TextLink | None) -> str:
    if isinstance(binding, Binding):
        return binding.names.get(name, name)
    return name


def _token_span(
    parsed: ParsedLetter, name: str, binding: Binding | TextLink | None
) -> tuple[Span, str] | None:
    if name == "it" and isinstance(binding, TextLink):
        return parsed.span(binding.start, binding.end), "link"
    resolved = _resolve(name, binding)
    if resolved in SECTION_NAMES:
        span = parsed.section_span(SECTION_NAMES[resolved])
        return None if span is None else (span, resolved)
    token = parsed.facts.get(resolved)
    if token is None:
        return None
    return parsed.span(token.start, token.end), resolved


def _locations(
    parsed: ParsedLetter, names: tuple[str, ...], binding: Binding | TextLink | None
) -> tuple[Span, tuple[Location, ...]]:
    found = [s for s in (_token_span(parsed, n, binding) for n in names) if s is not None]
    if not found:
        return FILE_START, ()
    primary = found[0][0]
    related = tuple(
        Location(parsed.path, span, label) for span, label in found[1:] if span != primary
    )
    return primary, related


def _fix(
    parsed: ParsedLetter, rule: Rule, env: Any, binding: Binding | TextLink | None
) -> Fix | None:
    if rule.fix is None or parsed.source.rendered_from not in (None, "docx"):
        return None  # a saved web page or a PDF is read through its text: no edit goes back
        # (a DOCX's edits are written into its runs by lgo_audit.documents.docx_fix)
    name = _resolve(rule.fix.at, binding)
    token = parsed.facts.get(name)
    if token is None:
        return None
    replacement = rule.fix.replacement(env)
    if not isinstance(replacement, str) or replacement == token.raw:
        return None
    start = parsed.text.original_offset(token.start)
    end = parsed.text.original_end(token.end)
    edit = Edit(start, end, replacement, parsed.span(token.start, token.end))
    description = expr.render_template(rule.fix.description, env)
    applicability = rule.fix.applicability
    if rule.fix.safe_when is not None and rule.fix.safe_when(env) is True:
        applicability = Applicability.SAFE
    return Fix(applicability, description, (edit,))


def _finding(
    parsed: ParsedLetter,
    rule: Rule,
    message: str,
    span: Span,
    related: tuple[Location, ...],
    fix: Fix | None = None,
) -> Finding:
    return Finding(
        path=parsed.path,
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        message=message,
        span=span,
        related=related,
        fix=fix,
    )
