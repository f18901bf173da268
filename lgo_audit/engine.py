"""Run a rule set over a parsed letter: structural issues, fact invariants, text patterns.

Each rule is judged *passed*, *failed* or *not applicable* (its precondition false, or a fact
it needs absent); every failure becomes a :class:`~lgo_audit.findings.Finding` that points at
the facts the rule names in ``at``, with the rule's fix when it has one.

What a rule list does for letters of one template year and kind of document is worked out once
(a *plan*): which rules do not apply, and each fact rule's ``when`` and ``assert`` compiled over
a letter's values (:mod:`lgo_audit.expr.direct`), one case per ``each`` entry. For
each letter, the values the fact rules read are admitted once into one dict and the cases run
over it; a letter with a value the language does not admit (a number beyond its bounds) is
judged through an :class:`~lgo_audit.envs.FactEnv` instead, where the rules that read that
value report it as an error. The two ways give the same findings and outcomes.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

import re2

from lgo_audit import expr
from lgo_audit.checks import (
    CHECKS,
    CONTROL_CHARACTER,
    ENCODING_FALLBACK,
    NOT_A_LETTER,
    SECTION_NAMES,
)
from lgo_audit.envs import BoundEnv, FactEnv, LinkEnv, ParamEnv
from lgo_audit.expr import MAX_MAGNITUDE, MAX_STRING_LENGTH
from lgo_audit.findings import Applicability, Edit, Finding, Fix, Location, Outcome, RuleResult
from lgo_audit.normalise import Link as TextLink
from lgo_audit.parse import ParsedLetter
from lgo_audit.rules import Binding, Rule
from lgo_audit.span import FILE_START, LineIndex, Span

if TYPE_CHECKING:
    from lgo_audit.expr.direct import DirectFn, Values

__all__ = ["run_rules"]

MAX_PATTERN_MATCHES: Final = 100


def run_rules(
    parsed: ParsedLetter, rules: Iterable[Rule]
) -> tuple[list[Finding], list[RuleResult]]:
    """Every finding of ``rules`` on ``parsed``, and each rule's outcome (the QA evidence)."""
    plan = _plan_for(rules, parsed.profile.year, parsed.kind, parsed.is_letter)
    findings: list[Finding] = []
    results = plan.results.copy()  # not applicable, passed, or (fact rules) not applicable
    sections = set(parsed.structure.sections)
    env = FactEnv(parsed.facts, sections)
    values = _letter_values(parsed, plan, sections) if plan.cases else None
    issue_checks = {issue.check for issue in parsed.issues}
    if parsed.source.notes:
        issue_checks.add(ENCODING_FALLBACK.name)
    if parsed.source.controls:
        issue_checks.add(CONTROL_CHARACTER.name)
    for index, step in plan.steps if values is not None else plan.every_step:
        rule = step.rule
        mode = step.mode
        if mode is _Mode.STRUCTURE:
            if rule.check not in issue_checks:
                continue
            found = list(_structure_findings(parsed, rule))
        elif mode is _Mode.TEXT:
            if step.screen is not None and not any(
                step.screen.search(piece) for _, _, piece in text_pieces(parsed.text.text)
            ):
                continue  # none of its patterns matches anywhere
            found = list(_text_findings(parsed, rule))
        else:
            judged, error = _fact_findings(parsed, rule, env)
            if error:
                results[index] = step.error
                findings.extend(judged or ())
                continue
            if judged is None:
                continue  # not applicable
            found = judged
        if found:
            findings.extend(found)
            results[index] = step.failed
        elif mode is _Mode.FACT:
            results[index] = step.passed
    if values is not None:
        _judge_cases(parsed, plan.cases, plan.guard_keys, values, env, findings, results)
    if len(findings) > 1:
        findings.sort(key=lambda f: f.sort_key)
    return findings, results


def _judge_cases(
    parsed: ParsedLetter,
    cases: tuple[_Case, ...],
    guard_keys: tuple[str, ...],
    values: Values,
    env: FactEnv,
    findings: list[Finding],
    results: list[RuleResult],
) -> None:
    """Judge the fact rules' cases over the letter's values, as :func:`_fact_findings` judges
    each rule: a rule applies when one of its cases does (its ``when`` true and its ``assert``
    not null), fails when one fails, and is an error when one cannot be evaluated (a finding
    of its own, naming the entry: its other cases are judged all the same). A failure's
    message and fix are made through an Env, as there."""
    absent = {key for key in guard_keys if values[key] is None}
    for index, step, guards, when, assertion, binding, verdicts in cases:
        if guards and not absent.isdisjoint(guards):
            continue  # a guard of the when fails: the when is not true
        key: Any = _UNKNOWN
        if verdicts is not None:
            key = verdicts.key(values)
            try:
                known = verdicts.kept.get(key, _UNKNOWN)
            except TypeError:  # a value that cannot be a key: not remembered
                key = known = _UNKNOWN
            if known is not _UNKNOWN:
                if known is True and results[index] is step.not_applicable:
                    results[index] = step.passed
                continue  # (true, null, or its when not true: nothing more to do)
        try:
            try:
                if when is not None and when(values) is not True:
                    if key is not _UNKNOWN:
                        _remember(verdicts, key, _NOT_TRUE)
                    continue
                verdict = assertion(values)
            except expr.ExprEvalError:
                raise
            except Exception as exc:
                from lgo_audit.expr.direct import unexpected

                raise unexpected(exc) from exc
            if verdict is None or verdict is True:
                if key is not _UNKNOWN:
                    _remember(verdicts, key, verdict)
                if verdict is True and results[index] is step.not_applicable:
                    results[index] = step.passed
                continue
            rule = step.rule
            local = env if binding is None else BoundEnv(env, binding)
            message = expr.render_template(rule.message, local)
            fix = _fix(parsed, rule, local, binding)
        except expr.ExprEvalError as error:
            # a finding of its own; the rule's other cases are judged all the same
            findings.append(_not_evaluated(parsed, step.rule, binding, error))
            results[index] = step.error
            continue
        primary, related = _locations(parsed, rule.at, binding)
        findings.append(_finding(parsed, rule, message, primary, related, fix))
        if results[index] is not step.error:  # (an entry that could not be evaluated wins)
            results[index] = step.failed


def _remember(verdicts: _Verdicts | None, key: Any, verdict: object) -> None:
    assert verdicts is not None
    kept = verdicts.kept
    if len(kept) >= _VERDICTS_KEPT:
        kept.clear()
    kept[key] = verdict


# --- the plan: what each rule does for letters of one template year and kind ----------------


class _Mode(Enum):
    NOT_APPLICABLE = "not applicable"  # to the year, the kind of document, or a non-letter
    STRUCTURE = "structure"
    TEXT = "text"
    FACT = "fact"


class _Step:
    """What one rule does for letters of a plan's year and kind, and its outcomes (one
    immutable result per outcome, shared by every letter). Plain classes, not dataclasses,
    here: defining one costs start-up time a one-letter check would pay."""

    __slots__ = ("direct", "error", "failed", "mode", "not_applicable", "passed", "rule", "screen")

    def __init__(self, rule: Rule, mode: _Mode, *, direct: bool = False, screen: Any = None):
        self.rule = rule
        self.mode = mode
        self.direct = direct
        """A fact rule judged over a letter's values (its cases are in the plan's ``cases``)."""
        self.screen = screen
        """For a text rule: one RE2 pattern that matches where any of its patterns does (None:
        none could be made), so that a letter none of them matches is read once, not once per
        pattern."""
        self.passed = RuleResult(rule.code, Outcome.PASSED)
        self.failed = RuleResult(rule.code, Outcome.FAILED)
        self.not_applicable = RuleResult(rule.code, Outcome.NOT_APPLICABLE)
        self.error = RuleResult(rule.code, Outcome.ERROR)


_Case = tuple[
    int, _Step, tuple[str, ...], "DirectFn | None", "DirectFn", Binding | None, "_Verdicts | None"
]
"""One ``each`` entry of a fact rule (or the rule itself), compiled over a letter's values: the
index of the rule's outcome, its step, the guards of its ``when`` (keys whose values must not
be None), the rest of its ``when`` (None: true), its ``assert``, the entry's local names, and
the verdicts it has given, by the values it read (None: not remembered)."""

_RuleCase = tuple[
    tuple[str, ...], "DirectFn | None", "DirectFn", Binding | None, tuple[str, ...] | None
]
"""A case as a rule compiles it: guards, ``when``, ``assert``, local names, and the keys of the
values it reads when its verdict may be remembered by them (:class:`_Verdicts`), else None."""

_EXACT_KINDS: Final = frozenset({"integer", "string", "date"})
"""The kinds of fact whose values are equal only when every expression gives them the same
result: not a stated percentage or rate (59 and 59.0 are equal, but not stated with the same
places)."""


class _Verdicts:
    """The verdicts one case has given in this process, by the values it read: the letters of
    a batch state the same periods, dates, years and names again and again, and a case that
    reads only such values (no stated percentage or rate, whose equal values may differ in
    their places: see :data:`_EXACT_KINDS`) gives the same verdict for the same values (the
    closures are pure). Only a verdict that ends the case is kept (its ``when`` not true, its
    ``assert`` true or null), never a failure or an error, which are worked out again; at
    most :data:`_VERDICTS_KEPT`, then begun again."""

    __slots__ = ("kept", "key")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.key: Callable[[Values], Any] = operator.itemgetter(*keys)
        self.kept: dict[Any, object] = {}


_VERDICTS_KEPT: Final = 1024
_NOT_TRUE: Final = object()  # a remembered verdict: the case's ``when`` was not true
_UNKNOWN: Final = object()  # no remembered verdict
_Direct = tuple[tuple[_RuleCase, ...], frozenset[str], frozenset[str], dict[str, expr.Value]]
"""A fact rule compiled over a letter's values: its cases, the facts and raw texts they read,
and their constants."""


class _Plan:
    """What a rule list does for letters of one template year and kind of document."""

    __slots__ = (
        "cases",
        "every_step",
        "guard_keys",
        "names",
        "raws",
        "results",
        "rules",
        "sections",
        "steps",
        "template",
    )

    def __init__(
        self,
        rules: tuple[Rule, ...],
        steps: list[_Step],
        cases: list[_Case],
        names: set[str],
        raws: set[str],
        constants: dict[str, expr.Value],
    ) -> None:
        self.rules = rules  # held, so that the ids in the plan's key stay theirs
        judged = tuple((i, s) for i, s in enumerate(steps) if s.mode is not _Mode.NOT_APPLICABLE)
        self.every_step = judged
        """The rules to judge for each letter (all but those that do not apply), with the index
        of their outcome in ``results``: for a letter judged through an Env."""
        self.steps = tuple((i, s) for i, s in judged if not s.direct)
        """Those of them not judged by ``cases``."""
        self.cases = tuple(cases)
        """The cases of the fact rules judged over a letter's values, in the rules' order."""
        self.guard_keys = tuple(sorted({key for case in cases for key in case[2]}))
        """Every key a case's guards read."""
        self.results = [
            s.passed if s.mode in (_Mode.STRUCTURE, _Mode.TEXT) else s.not_applicable for s in steps
        ]
        """Each rule's outcome before a letter is judged: not applicable (a fact rule is until
        one of its cases applies), or passed (a structure or text rule, until it finds
        something)."""
        raw_keys = {name: _raw_key(name) for name in sorted(raws)}
        self.template: dict[str, expr.Value] = {
            **constants,
            **dict.fromkeys(names),
            **dict.fromkeys(raw_keys.values()),
        }
        """Every key the cases read: None for the names, and the constants."""
        self.names = tuple(sorted(names))  # the facts whose values the cases read
        self.raws = tuple(raw_keys.items())  # (fact, key) of the raw texts they read
        self.sections = tuple((n, SECTION_NAMES[n]) for n in self.names if n in SECTION_NAMES)
        """(name, section) of the section names the cases read."""


def _raw_key(name: str) -> str:
    from lgo_audit.expr.direct import raw_key

    return raw_key(name)


_PLANS: dict[tuple[Any, ...], _Plan] = {}  # by the ids of the rules, year, kind, is_letter
_RECENT: dict[tuple[Any, ...], _Plan] = {}  # by the id of the list, year, kind, is_letter
_FIRST: set[tuple[Any, ...]] = set()  # the keys of plans asked for once (made uncompiled)
_COMPILED: dict[int, tuple[Rule, _Direct | None, Any]] = {}  # rule id: (rule, direct, screen)
_MAX_CACHED: Final = 4096  # plans and compiled rules kept (a long-lived process loading rules anew)


def _plan_for(rules: Iterable[Rule], year: int, kind: str, is_letter: bool) -> _Plan:
    """The plan of ``rules`` for letters of template ``year`` and document ``kind``, made once
    per rule list, year, kind and whether the document is a letter at all.

    The first letter of a kind is judged without compiling anything (the rules' own compiled
    expressions, through an Env): a one-letter check does not pay for compiling what it uses
    once. The second gets the compiled plan, kept for every letter after it."""
    listed = rules if isinstance(rules, list | tuple) else tuple(rules)
    recent = _RECENT.get((id(listed), year, kind, is_letter))
    if (
        recent is not None
        and len(recent.rules) == len(listed)
        and all(map(operator.is_, recent.rules, listed))
    ):
        return recent  # the same list, its rules unchanged: the usual case, letter after letter
    key = (tuple(map(id, listed)), year, kind, is_letter)
    plan = _PLANS.get(key)
    if plan is None:
        if key not in _FIRST:
            if len(_FIRST) >= _MAX_CACHED:
                _FIRST.clear()
            _FIRST.add(key)
            return _make_plan(tuple(listed), year, kind, is_letter, compiled=False)
        if len(_PLANS) >= _MAX_CACHED:
            _PLANS.clear()
        plan = _PLANS[key] = _make_plan(tuple(listed), year, kind, is_letter)
    if len(_RECENT) >= _MAX_CACHED:
        _RECENT.clear()
    _RECENT[(id(listed), year, kind, is_letter)] = plan
    return plan


def _make_plan(
    rules: tuple[Rule, ...], year: int, kind: str, is_letter: bool, *, compiled: bool = True
) -> _Plan:
    steps: list[_Step] = []
    cases: list[_Case] = []
    constants: dict[str, expr.Value] = {}
    names: set[str] = set()
    raws: set[str] = set()
    for rule in rules:
        if rule.kind in ("batch", "data"):
            continue  # judged over the whole batch: lgo_audit.batch
        if (
            (not is_letter and rule.check != NOT_A_LETTER.name)
            or not rule.holds_for(year)
            or (
                rule.check is not None
                and rule.check in CHECKS
                and kind not in CHECKS[rule.check].documents
            )
        ):
            steps.append(_Step(rule, _Mode.NOT_APPLICABLE))
        elif rule.kind == "structure":
            steps.append(_Step(rule, _Mode.STRUCTURE))
        elif rule.kind == "text":
            screen = _compiled(rule)[1] if compiled else None
            steps.append(_Step(rule, _Mode.TEXT, screen=screen))
        else:
            direct = _compiled(rule)[0] if compiled else None
            step = _Step(rule, _Mode.FACT, direct=direct is not None)
            if direct is not None:
                rule_cases, rule_names, rule_raws, rule_constants = direct
                names |= rule_names
                raws |= rule_raws
                constants.update(rule_constants)
                cases.extend(
                    (len(steps), step, *case[:4], None if case[4] is None else _Verdicts(case[4]))
                    for case in rule_cases
                )
            steps.append(step)
    return _Plan(rules, steps, cases, names, raws, constants)


def _screen(rule: Rule) -> Any:
    """One pattern matching where any of ``rule``'s patterns matches (their alternation: if one
    of them matches somewhere, the alternation matches there or before); None if RE2 cannot
    compile it."""
    if not rule.patterns:
        return None
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile("|".join(f"(?:{p.pattern})" for p in rule.patterns), options)
    except re2.error:
        return None


def prepare(rules: Iterable[Rule]) -> None:
    """Compile now what a plan of ``rules`` otherwise compiles the first time a letter needs
    it: each fact rule's ``when`` and ``assert`` over a letter's values and each text rule's
    screen (:func:`_compiled`). A batch's parent calls it before its workers start, so that
    they share what it compiled instead of each compiling it again."""
    for rule in rules:
        if rule.kind in ("fact", "text"):
            _compiled(rule)


def _compiled(rule: Rule) -> tuple[_Direct | None, Any]:
    """A rule compiled for the plan, once per rule: a fact rule's ``when`` and ``assert`` over
    a letter's values (None for a rule over hyperlinks, ``each = "links"``, or one loaded
    without its trees), and a text rule's screen (see :func:`_screen`)."""
    entry = _COMPILED.get(id(rule))
    if entry is None or entry[0] is not rule:
        if len(_COMPILED) >= _MAX_CACHED:
            _COMPILED.clear()
        direct = _compile_direct(rule) if rule.kind == "fact" else None
        screen = _screen(rule) if rule.kind == "text" else None
        entry = _COMPILED[id(rule)] = (rule, direct, screen)
    return entry[1], entry[2]


def _compile_direct(rule: Rule) -> _Direct | None:
    if rule.each == "links" or rule.assert_node is None:
        return None
    if rule.when is not None and rule.when_node is None:
        return None
    bindings: tuple[Binding | None, ...] = rule.each or (None,)
    if any(b is not None and set(b.values) != set(b.nodes) for b in bindings):
        return None
    from lgo_audit.expr.direct import compile_condition, compile_direct  # on demand

    cases: list[_RuleCase] = []
    names: set[str] = set()
    raws: set[str] = set()
    constants: dict[str, expr.Value] = {}
    for binding in bindings:
        local_names = {} if binding is None else binding.names
        local_nodes = {} if binding is None else binding.nodes
        guards: tuple[str, ...] = ()
        when: DirectFn | None = None
        reads: set[str] = set()  # this case's
        read_raws: set[str] = set()
        if rule.when_node is not None:
            condition = compile_condition(rule.when_node, local_names, local_nodes)
            guards = condition.guards
            reads |= condition.reads
            read_raws |= condition.raws
            if condition.rest is not None:
                when = condition.rest.fn
                reads |= condition.rest.reads
                read_raws |= condition.rest.raws
                constants.update(condition.rest.constants)
        assertion = compile_direct(rule.assert_node, local_names, local_nodes)
        reads |= assertion.reads
        read_raws |= assertion.raws
        constants.update(assertion.constants)
        names |= reads
        raws |= read_raws
        cases.append((guards, when, assertion.fn, binding, _verdict_keys(reads, read_raws)))
    return tuple(cases), frozenset(names), frozenset(raws), constants


def _verdict_keys(reads: set[str], raws: set[str]) -> tuple[str, ...] | None:
    """The keys of the values a case reads, when its verdict may be remembered by them (see
    :class:`_Verdicts`): every fact it reads of an exact kind, or a section's presence (a
    boolean), and any raw text; else None (and None for a case that reads nothing: a
    constant verdict costs nothing to work out)."""
    from lgo_audit.expr.direct import raw_key
    from lgo_audit.vocabulary import FACT_KINDS

    if not reads and not raws:
        return None
    for name in reads:
        if name not in SECTION_NAMES and FACT_KINDS.get(name) not in _EXACT_KINDS:
            return None
    return (*sorted(reads), *(raw_key(name) for name in sorted(raws)))


def _letter_values(parsed: ParsedLetter, plan: _Plan, sections: set[str]) -> Values | None:
    """The values the plan's cases read, each admitted as an expression admits a fact's value
    (``check_value``); None when one is not admitted (the rules then read the facts through an
    Env, and those that read that value report the error as they always have)."""
    values = plan.template.copy()
    for name, section in plan.sections:
        values[name] = section in sections
    get = parsed.facts.get
    date = datetime.date
    largest = MAX_MAGNITUDE
    longest = MAX_STRING_LENGTH
    for name in plan.names:
        token = get(name)
        if token is None:
            continue
        value = token.value
        kind = type(value)
        if kind is int:
            if not -largest <= value <= largest:
                return None
        elif kind is str:
            if len(value) > longest:
                return None
        elif kind is Decimal:
            _, digits, exponent = value.as_tuple()
            if not (
                type(exponent) is int
                and exponent >= -_MAX_PLACES
                and len(digits) + (exponent if exponent > 0 else 0) <= _MAX_PLACES
            ) and not _admitted(value):
                return None
        elif value is not None and kind is not date and kind is not bool and not _admitted(value):
            return None
        values[name] = value
    for name, key in plan.raws:
        token = get(name)
        if token is None:
            continue
        raw = token.raw
        if type(raw) is not str or len(raw) > longest:
            return None
        values[key] = raw
    return values


_MAX_PLACES = 40  # a Decimal of at most these digits and places is admitted at once


def _admitted(value: Any) -> bool:
    """Does the language admit ``value`` as a fact's value (``check_value``)?"""
    try:
        expr.check_value(value, "")
    except expr.ExprEvalError:
        return False
    return True


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
        at = parsed.source.fallback_at
        # at the first byte that is not UTF-8, when the note is the fallback's (else the file)
        where = FILE_START if at is None else LineIndex(parsed.source.text).span(at, at + 1)
        for note in parsed.source.notes:
            message = expr.render_template(rule.message, ParamEnv({"found": note}))
            yield _finding(parsed, rule, message, where, ())
    if rule.check == CONTROL_CHARACTER.name and parsed.source.controls:
        yield from _control_findings(parsed, rule)


_CONTROL_RUN: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]+")
"""A run of the control characters :attr:`SourceFile.controls <lgo_audit.reader.SourceFile.controls>`
counts."""


def _control_findings(parsed: ParsedLetter, rule: Rule) -> Iterator[Finding]:
    """A finding at each run of control characters in the letter's text (the first
    :data:`MAX_PATTERN_MATCHES`, the last of which says when more follow), naming its
    characters (``control character U+0007``, ``control characters U+007F, U+0008``)."""
    text = parsed.source.text
    lines = LineIndex(text)
    runs = _CONTROL_RUN.finditer(text)
    for count, run in enumerate(runs, 1):
        names = [f"U+{ord(c):04X}" for c in dict.fromkeys(run.group())]
        found = f"control character{'s' * (len(names) > 1)} {', '.join(names)}"
        last = count >= MAX_PATTERN_MATCHES
        if last and next(runs, None) is not None:  # (said, not dropped in silence)
            found += f" (and more after it: only the first {MAX_PATTERN_MATCHES} runs are reported)"
        message = expr.render_template(rule.message, ParamEnv({"found": found}))
        yield _finding(parsed, rule, message, lines.span(run.start(), run.end()), ())
        if last:
            return


PIECE = 1 << 20  # characters: a longer text is searched a piece at a time
PIECE_OVERLAP = 1 << 16  # characters a piece reaches into the next, for matches across its end


def text_pieces(text: str) -> Iterator[tuple[int, int, str]]:
    """``text`` as (offset, own, piece) for a text rule's patterns to search: the whole text when
    it is at most :data:`PIECE` characters, else pieces of about that size cut after a line
    break, each reaching :data:`PIECE_OVERLAP` characters into the next. RE2 copies what it
    searches into UTF-8, so a 50 MB letter searched whole costs 50 MB more at once; a match
    starting in a piece's first ``own`` characters is taken from that piece (the others are
    the next one's, whose search resumes where the last match ended, as a whole search
    would), so no match is found twice; only a single match longer than the overlap could be
    cut short."""
    if len(text) <= PIECE:
        yield 0, len(text), text
        return
    start = 0
    while start < len(text):
        end = text.rfind("\n", start + PIECE // 2, start + PIECE) + 1 or start + PIECE
        end = min(end, len(text))
        yield start, end - start, text[start : end + PIECE_OVERLAP]
        start = end


def pattern_matches(pattern: Any, text: str) -> Iterator[tuple[int, int, str]]:
    """Each match of ``pattern`` in ``text`` as (start, end, matched text), in order, as
    ``pattern.finditer(text)`` finds them, searched by :func:`text_pieces`."""
    resume = 0  # where the search goes on: the end of the last match, as a whole search
    for offset, own, piece in text_pieces(text):
        for match in pattern.finditer(piece, max(resume - offset, 0)):
            if match.start() >= own:
                break  # the next piece's, found there
            resume = offset + match.end()
            yield offset + match.start(), resume, match.group()


def _text_findings(parsed: ParsedLetter, rule: Rule) -> Iterator[Finding]:
    count = 0
    for pattern in rule.patterns:
        for start, end, matched in pattern_matches(pattern, parsed.text.text):
            if end == start:
                continue
            message = expr.render_template(rule.message, ParamEnv({"match": matched}))
            yield _finding(parsed, rule, message, parsed.span(start, end), ())
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
    errored = False
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
            findings.append(_not_evaluated(parsed, rule, binding, error))
            errored = True
            continue  # (the other entries are judged all the same)
        primary, related = _locations(parsed, rule.at, binding)
        findings.append(_finding(parsed, rule, message, primary, related, fix))
    if errored:
        return findings, True
    return (findings if applied else None), False


def _not_evaluated(
    parsed: ParsedLetter, rule: Rule, binding: Binding | TextLink | None, error: Exception
) -> Finding:
    """The finding of a rule (or of one entry of its ``each``) that could not be evaluated
    for the letter, at line 1, saying why (and which entry: the others are judged)."""
    which = ""
    if isinstance(binding, TextLink):
        which = f" (link {parsed.text.links.index(binding) + 1} of {len(parsed.text.links)})"
    elif binding is not None and isinstance(rule.each, tuple) and binding in rule.each:
        which = f" (each entry {rule.each.index(binding) + 1} of {len(rule.each)})"
    message = f"rule could not be evaluated{which}: {error}"
    return _finding(parsed, rule, message, FILE_START, ())


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
    if any(parsed.disputed(fact) for fact in _facts_read(rule.fix.reads, binding)):
        return None  # made from a figure the letter's lines disagree on: no edit is right
    replacement = rule.fix.replacement(env)
    if not isinstance(replacement, str) or replacement == token.raw:
        return None
    edit = _least_edit(parsed, token.start, token.raw, replacement)
    if edit.start == edit.end and not edit.replacement:
        return None  # the replacement differs from the fact's text in its whitespace alone
    description = expr.render_template(rule.fix.description, env)
    applicability = rule.fix.applicability
    if rule.fix.safe_when is not None and rule.fix.safe_when(env) is True:
        applicability = Applicability.SAFE
    if applicability is Applicability.SAFE and _beside_unread(parsed, token.start, token.end):
        applicability = Applicability.UNSAFE
    return Fix(applicability, description, (edit,))


_UNREAD: Final = frozenset({"malformed-statement", "unexpected-text"})


def _beside_unread(parsed: ParsedLetter, start: int, end: int) -> bool:
    """Whether text the letter's grammar could not read (a malformed statement, unexpected
    text) stands right beside normalised ``[start, end)``, nothing but whitespace between:
    a fix there may belong with it ("1O" above "upheld decisions": inserting "10" would
    leave the "1O" standing), so it is not safe, whatever the rule says (a trial's)."""
    text = parsed.text.text
    for issue in parsed.structure.issues:
        if issue.check not in _UNREAD:
            continue
        if issue.end <= start and not text[issue.end : start].strip():
            return True
        if issue.start >= end and not text[end : issue.start].strip():
            return True
    return False


def _facts_read(names: Iterable[str], binding: Binding | TextLink | None) -> set[str]:
    """The facts an expression reading ``names`` reads: a local name of ``binding`` (an
    ``each`` entry's or a ``let``) stands for its fact, or for the facts its own expression
    reads."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if isinstance(binding, Binding):
            if name in binding.names:
                found.add(binding.names[name])
                continue
            node = binding.nodes.get(name)
            if node is not None:
                pending.extend(expr.names_used(node))
                continue
        found.add(name)
    return found


def _least_edit(parsed: ParsedLetter, start: int, raw: str, replacement: str) -> Edit:
    """The edit that turns the normalised ``raw`` (at normalised ``start``) into
    ``replacement``, narrowed to what differs: the text the two begin and end with is left as
    the file has it, so a fix that inserts a count ("1 upheld decision") or drops a plural's
    "s" keeps every other character of the phrase (a tab, an NBSP, markup) byte for byte.
    A run of whitespace in ``raw`` is the same as one in ``replacement`` whatever it holds
    (the replacement is made of facts' values, whose line breaks are spaces), so a phrase
    hard-wrapped over two lines keeps its line break."""
    i, j = _same_start(raw, replacement)
    end_raw, end_replacement = _same_end(raw, replacement, i, j)
    first, last = start + i, start + end_raw
    text = parsed.text
    if first < last:
        at, end = text.original_offset(first), text.original_end(last)
    else:  # an insertion: just after what comes before it, or before what follows
        at = end = text.original_end(first) if i else text.original_offset(first)
    return Edit(at, end, replacement[j:end_replacement], parsed.span(first, last))


def _same_start(a: str, b: str) -> tuple[int, int]:
    """How far ``a`` and ``b`` read the same from their starts (a run of whitespace matching
    any run of whitespace): the ends of the common part in each."""
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j] and not a[i].isspace():
            i, j = i + 1, j + 1
        elif a[i].isspace() and b[j].isspace():
            while i < len(a) and a[i].isspace():
                i += 1
            while j < len(b) and b[j].isspace():
                j += 1
        else:
            break
    return i, j


def _same_end(a: str, b: str, i: int, j: int) -> tuple[int, int]:
    """How far ``a`` and ``b`` read the same from their ends, not into ``a[:i]`` or
    ``b[:j]`` (:func:`_same_start` read backwards): the starts of the common part in each."""
    k, m = _same_start(a[i:][::-1], b[j:][::-1])
    return len(a) - k, len(b) - m


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
