"""A year's letters as a whole: cross-letter rules and reconciliation with the statistics table.

Some errors only show across letters (two metropolitan boroughs quoting different "similar
authorities" averages) or against the source data (a letter consistent with itself but not
with its row of the table). Both kinds of rule are declared in ``rules/`` like the others
(``kind = "batch"`` and ``kind = "data"``) and run over the facts each letter's check kept.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from lgo_audit import expr
from lgo_audit.checks import (
    DATA_ROW_WITHOUT_LETTER,
    FIGURE_DIFFERS,
    LETTER_NOT_IN_DATA,
    PAGE_DIFFERS_FROM_LETTER,
    RATE_FROM_POPULATION,
    RENDITIONS_DIFFER,
)
from lgo_audit.envs import BoundEnv, FactEnv, ParamEnv
from lgo_audit.findings import FactValue, Finding, LetterFacts, Location, Outcome, RuleResult
from lgo_audit.rules import Binding, Rule
from lgo_audit.span import FILE_START, LineIndex, Span, line_span

__all__ = [
    "kept_names",
    "needs_facts",
    "reconcile",
    "run_batch_rules",
    "span_names",
]

MAX_NAMED = 8  # letters named in one message at most


class _Places:
    """Spans of facts kept only as file offsets, worked out when a finding needs one (the
    file is read again then: rare, and cheaper than a span for every fact of every letter)."""

    def __init__(self) -> None:
        self.lines: dict[str, LineIndex | None] = {}

    def span(self, path: str, where: tuple[int, int]) -> Span:
        if path not in self.lines:
            from lgo_audit.reader import InputError, read_source

            try:
                self.lines[path] = LineIndex(read_source(Path(path)).text)
            except InputError:
                self.lines[path] = None
        lines = self.lines[path]
        return FILE_START if lines is None else lines.span(*where)


_PLACES = _Places()


def fact_span(path: str, fact: FactValue) -> Span | None:
    """Where ``fact`` stands in the file ``path``."""
    if fact.span is not None:
        return fact.span
    if fact.where is not None:
        return _PLACES.span(path, fact.where)
    return None


@dataclass
class _Letter:
    path: str
    facts: LetterFacts
    findings: list[Finding]
    results: list[RuleResult]


def _name(path: str) -> str:
    return Path(path).name


def _names(paths: Sequence[str]) -> str:
    shown = [_name(p) for p in paths[:MAX_NAMED]]
    more = len(paths) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _locate(
    rule: Rule, letter: _Letter, binding: Binding | None
) -> tuple[Span, tuple[Location, ...]]:
    spans = []
    for name in rule.at:
        target = binding.names.get(name, name) if binding is not None else name
        fact = letter.facts.get(target)
        span = fact_span(letter.path, fact) if fact is not None else None
        if span is not None:
            spans.append((span, target))
    if not spans:
        return FILE_START, ()
    primary = spans[0][0]
    return primary, tuple(Location(letter.path, s, label) for s, label in spans[1:])


def _finding(rule: Rule, letter: _Letter, message: str, binding: Binding | None) -> Finding:
    span, related = _locate(rule, letter, binding)
    return Finding(letter.path, rule.code, rule.name, rule.severity, message, span, related)


def span_names(rules: Sequence[Rule]) -> frozenset[str]:
    """The facts whose place cross-letter and data rules may point at (the others' spans are
    not worth computing and sending back from every worker)."""
    names: set[str] = set()
    for rule in rules:
        if rule.kind not in ("batch", "data"):
            continue
        bindings = rule.each if isinstance(rule.each, tuple) else ()
        for name in rule.at:
            names.add(name)
            names.update(b.names[name] for b in bindings if name in b.names)
        names.update(fact for fact, _, _ in rule.compare)
    return frozenset(names)


KEY_FACTS = frozenset(
    {
        "authority.name",
        "panel_header.authority",
        "title.year",
        "year_ending",
        "document.kind",
        "document.year",
    }
)
"""What reconciliation matches a letter (or page) to its row of the table by."""

KIND = "document.kind"
"""Grouped by, but not named in a group's label: messages say "letters" or "pages" themselves."""


def kept_names(rules: Sequence[Rule]) -> frozenset[str]:
    """Every fact a cross-letter or data rule can read: the rest need not leave the worker."""
    names: set[str] = set(KEY_FACTS)
    for rule in rules:
        if rule.kind not in ("batch", "data"):
            continue
        names.update(rule.group)
        names.update(rule.at)
        names.update(fact for fact, _, _ in rule.compare)
        names.update(rule.reads)
        if isinstance(rule.each, tuple):
            names.update(n for binding in rule.each for n in binding.names.values())
    return frozenset(names)


def needs_facts(rules: Sequence[Rule]) -> bool:
    """Whether any rule judges letters together (so each check must keep its facts)."""
    return any(rule.kind in ("batch", "data") for rule in rules)


def run_batch_rules(
    letters: Sequence[tuple[str, LetterFacts, list[Finding], list[RuleResult]]],
    rules: Sequence[Rule],
) -> None:
    """Judge ``kind = "batch"`` rules over the letters; findings are added to each letter's."""
    batch = [_Letter(*item) for item in letters]
    later = _later_renditions(batch)
    for rule in rules:
        if rule.kind != "batch":
            continue
        renditions = rule.check == RENDITIONS_DIFFER.name
        failed: set[int] = set()
        judged: set[int] = set()
        bindings: Sequence[Binding | None] = rule.each if isinstance(rule.each, tuple) else (None,)
        for binding in bindings:
            groups: dict[tuple[Any, ...], list[tuple[int, expr.Env]]] = defaultdict(list)
            for index, letter in enumerate(batch):
                if index in later and not renditions:
                    continue  # one letter in several renditions counts once
                base = FactEnv(letter.facts)
                env: expr.Env = base if binding is None else BoundEnv(base, binding)
                key = tuple(base.value(name) for name in rule.group)
                if renditions:  # within the rule's groups, the files of one folder and name
                    key = (*key, rendition_of(letter.path))
                if any(part is None for part in key):
                    continue
                groups[key].append((index, env))
            for key, members in groups.items():
                if len(members) < 2:
                    continue
                label = ", ".join(
                    expr.format_value(k)
                    for name, k in zip(rule.group, key[: len(rule.group)], strict=True)
                    if name != KIND
                )
                if renditions:
                    judged.update(i for i, _ in members[1:])
                    failed.update(
                        _against_first(rule, batch, members, binding, "the first rendition")
                    )
                    continue
                if rule.check == PAGE_DIFFERS_FROM_LETTER.name:
                    judged.update(i for i, _ in members if _kind(batch[i]) == "page")
                    failed.update(_page_against_letter(rule, batch, members, binding))
                    continue
                judged.update(i for i, _ in members)
                if rule.unique:
                    failed.update(_unique(rule, batch, members, label, binding))
                else:
                    failed.update(_agree(rule, batch, members, label, binding))
        for index, letter in enumerate(batch):
            outcome = (
                Outcome.FAILED
                if index in failed
                else Outcome.PASSED
                if index in judged
                else Outcome.NOT_APPLICABLE
            )
            letter.results.append(RuleResult(rule.code, outcome))


def rendition_of(path: str) -> str:
    """What the renditions of one letter share: the file's folder and name without its
    ending (``letters/Kent`` for ``letters/Kent.pdf`` and ``letters/Kent.docx``)."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{folder}/{stem}"


def _later_renditions(batch: list[_Letter]) -> set[int]:
    """The letters that are a later rendition (by path) of another of the batch: the same
    folder and file name with another ending (Kent.pdf beside Kent.docx)."""
    first: dict[str, str] = {}
    for letter in batch:
        key = rendition_of(letter.path)
        first[key] = min(first.get(key, letter.path), letter.path)
    return {
        index
        for index, letter in enumerate(batch)
        if first[rendition_of(letter.path)] != letter.path
    }


def _against_first(
    rule: Rule,
    batch: list[_Letter],
    members: list[tuple[int, expr.Env]],
    binding: Binding | None,
    label: str,
) -> set[int]:
    """Each later member (by path) of a group against the first: a value both state
    differently is a finding on the later one that points at the first's."""
    ordered = sorted(members, key=lambda m: batch[m[0]].path)
    return _compare_with(rule, batch, ordered[1:], ordered[:1], binding, label)


def _kind(letter: _Letter) -> str:
    fact = letter.facts.get(KIND)
    return "letter" if fact is None else str(fact.value)


def _page_against_letter(
    rule: Rule,
    batch: list[_Letter],
    members: list[tuple[int, expr.Env]],
    binding: Binding | None,
) -> set[int]:
    """Each page of a group against each letter of it (the same council and year): a figure
    both state, differently, is a finding on the page that points at the letter's too."""
    pages = [(i, env) for i, env in members if _kind(batch[i]) == "page"]
    letters = [(i, env) for i, env in members if _kind(batch[i]) == "letter"]
    return _compare_with(rule, batch, pages, letters, binding, "the letter")


def _compare_with(
    rule: Rule,
    batch: list[_Letter],
    judged: list[tuple[int, expr.Env]],
    references: list[tuple[int, expr.Env]],
    binding: Binding | None,
    label: str,
) -> set[int]:
    """Each of ``judged`` against each of ``references``: a value (``agree``, or the binding's
    ``it``) both state differently is a finding on the judged one, pointing at the other's."""
    failed: set[int] = set()
    for index, env in judged:
        try:
            value = rule.agree(env) if rule.agree is not None else env.value("it")
        except expr.ExprEvalError:
            continue
        if value is None:
            continue
        for other, letter_env in sorted(references, key=lambda m: batch[m[0]].path):
            try:
                letter_value = (
                    rule.agree(letter_env) if rule.agree is not None else letter_env.value("it")
                )
            except expr.ExprEvalError:
                continue
            if letter_value is None or _same(value, letter_value):
                continue
            params = {
                "value": value,
                "letter_value": letter_value,
                "letter": _name(batch[other].path),
            }
            message = expr.render_template(rule.message, ParamEnv(params, env))
            finding = _finding(rule, batch[index], message, binding)
            span, _ = _locate(rule, batch[other], binding)
            if span is not FILE_START:
                there = Location(batch[other].path, span, label)
                finding = dataclasses.replace(finding, related=(*finding.related, there))
            batch[index].findings.append(finding)
            failed.add(index)
    return failed


def _unique(
    rule: Rule,
    batch: list[_Letter],
    members: list[tuple[int, expr.Env]],
    label: str,
    binding: Binding | None,
) -> set[int]:
    ordered = sorted(members, key=lambda m: batch[m[0]].path)
    first = batch[ordered[0][0]].path
    failed = set()
    for index, env in ordered[1:]:
        params = {"first": first, "group_size": len(members), "group": label}
        message = expr.render_template(rule.message, ParamEnv(params, env))
        batch[index].findings.append(_finding(rule, batch[index], message, binding))
        failed.add(index)
    return failed


def _agree(
    rule: Rule,
    batch: list[_Letter],
    members: list[tuple[int, expr.Env]],
    label: str,
    binding: Binding | None,
) -> set[int]:
    assert rule.agree is not None
    values: list[tuple[int, expr.Env, Any]] = []
    for index, env in members:
        try:
            value = rule.agree(env)
        except expr.ExprEvalError:
            continue
        if value is not None:
            values.append((index, env, value))
    counts = Counter(_comparable(v) for _, _, v in values)
    if len(counts) < 2:
        return set()
    ranked = counts.most_common()
    majority = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
    majority_value = next((v for _, _, v in values if _comparable(v) == majority), None)
    differing = [i for i, _, v in values if _comparable(v) != majority]
    disagreeing = _names([batch[i].path for i in differing])
    failed = set()
    for index, env, value in values:
        if _comparable(value) == majority:
            continue
        params = {
            "value": value,
            "majority": majority_value,
            "majority_count": ranked[0][1] if majority is not None else 0,
            "group_size": len(values),
            "group": label,
            "disagreeing": disagreeing,
        }
        message = expr.render_template(rule.message, ParamEnv(params, env))
        batch[index].findings.append(_finding(rule, batch[index], message, binding))
        failed.add(index)
    return failed


def _comparable(value: Any) -> Any:
    """59 and 59.0 agree; a string agrees case- and space-insensitively."""
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        return " ".join(value.lower().split())
    return value


# --- reconciliation with the statistics table ------------------------------------------


class _DataRows:
    """The statistics table's rows, found by a letter's council name and year.

    Names meet as the register matches them (:func:`~lgo_audit.register.authority_key`), and
    designations tell apart councils of one stem: "Somerset County Council" finds the row of
    Somerset County Council, not that of Somerset Council. A name with no designation
    ("Stockport") finds the only row of its stem and year."""

    def __init__(self, table: Any) -> None:
        from lgo_audit.register import authority_key

        self.rows: list[Any] = []
        self._by: dict[tuple[str, int], list[Any]] = {}
        for row in table:
            self.rows.append(row)
            self._by.setdefault((authority_key(row.authority), row.year), []).append(row)

    def find(self, name: str, year: int, kind: str) -> Any | None:
        """The row of the council called ``name`` for ``year`` and this kind of document: a
        row with a ``kind`` (extract's output of letters and pages) is that kind's only; a
        row without one (the statistics table) is the council's for both."""
        from lgo_audit.register import authority_key, designations

        stem = self._by.get((authority_key(name), year), [])
        rows = [row for row in stem if row.values.get("kind") == kind] or [
            row for row in stem if row.values.get("kind") is None
        ]
        wanted = designations(name)
        same = [row for row in rows if designations(row.authority) == wanted]
        if same:
            return same[0]
        if len(rows) == 1 and not (wanted and designations(rows[0].authority)):
            return rows[0]
        return None


def _letter_key(facts: LetterFacts) -> tuple[str, int] | None:
    name = facts.get("authority.name") or facts.get("panel_header.authority")
    year = facts.get("document.year") or facts.get("title.year")
    if name is None or name.value is None:
        return None
    year_value = year.value if year is not None else None
    if year_value is None:
        ending = facts.get("year_ending")
        year_value = ending.value.year if ending is not None and ending.value is not None else None
    if year_value is None:
        return None
    return str(name.value), int(year_value)


def _same(letter_value: Any, data_value: Any) -> bool:
    if isinstance(letter_value, int | Decimal) and isinstance(data_value, int | Decimal):
        return Decimal(letter_value) == Decimal(data_value)
    return bool(_comparable(letter_value) == _comparable(data_value))


def _rate_from_population(
    rule: Rule, letter: _Letter, row: Any, table: Any, results: list[RuleResult]
) -> None:
    """The stated upheld decisions per 100,000 residents against the count and the table's
    ``population``: count x 100,000 / population, rounded half up at the places the rate is
    stated with, must be the stated rate. Not applicable without a population, a count or a
    rate."""
    population = row.values.get("population")
    count = letter.facts.get("upheld.count") or letter.facts.get("upheld.summary.upheld")
    rate = letter.facts.get("upheld.per_100k")
    if not population or count is None or rate is None or None in (count.value, rate.value):
        results.append(RuleResult(rule.code, Outcome.NOT_APPLICABLE))
        return
    stated = Decimal(rate.value)
    places = max(0, -int(stated.as_tuple().exponent))
    exact = Decimal(int(count.value) * 100_000) / Decimal(int(population))
    computed = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if computed == stated:
        results.append(RuleResult(rule.code, Outcome.PASSED))
        return
    table_name = _name(table.path)
    params = {
        "fact": "upheld.per_100k",
        "letter_value": stated,
        "data_value": computed,
        "column": "population",
        "data_file": table_name,
        "row": row.line,
    }
    message = expr.render_template(rule.message, ParamEnv(params, FactEnv(letter.facts)))
    related = (Location(table.path, line_span(row.line, 1), f"{table_name} row {row.line}"),)
    span = fact_span(letter.path, rate) or FILE_START
    letter.findings.append(
        Finding(letter.path, rule.code, rule.name, rule.severity, message, span, related)
    )
    results.append(RuleResult(rule.code, Outcome.FAILED))


def reconcile(
    letters: Sequence[tuple[str, LetterFacts, list[Finding], list[RuleResult]]],
    rules: Sequence[Rule],
    table: Any,
) -> list[Finding]:
    """Compare each letter with its row of ``table`` (a StatsTable); findings on the letters
    are added to theirs, findings on rows without a letter are returned (they point into the
    table's file)."""
    data_rules = {r.check: r for r in rules if r.kind == "data"}
    index = _DataRows(table)
    matched: set[int] = set()
    table_name = _name(table.path)
    for path, facts, findings, results in letters:
        letter = _Letter(path, facts, findings, results)
        key = _letter_key(facts)
        row = index.find(*key, _kind(letter)) if key is not None else None
        if row is None:
            rule = data_rules.get(LETTER_NOT_IN_DATA.name)
            if rule is not None and key is not None:
                params = {
                    "authority": facts["authority.name"].value
                    if "authority.name" in facts
                    else facts["panel_header.authority"].value,
                    "year": key[1],
                    "data_file": table_name,
                }
                message = expr.render_template(rule.message, ParamEnv(params, FactEnv(facts)))
                findings.append(_finding(rule, letter, message, None))
                results.append(RuleResult(rule.code, Outcome.FAILED))
            continue
        matched.add(row.line)
        rule = data_rules.get(RATE_FROM_POPULATION.name)
        if rule is not None:
            _rate_from_population(rule, letter, row, table, results)
        rule = data_rules.get(FIGURE_DIFFERS.name)
        if rule is None:
            continue
        failed = False
        year = key[1] if key is not None else None
        for fact_name, column, (first, last) in rule.compare:
            if year is not None and not first <= year <= last:
                continue  # the fact meant another figure in that year's template
            data_value = row.values.get(column)
            fact = facts.get(fact_name)
            if data_value is None or fact is None or fact.value is None:
                continue
            if _same(fact.value, data_value):
                continue
            failed = True
            params = {
                "fact": fact_name,
                "letter_value": fact.value,
                "data_value": data_value,
                "column": column,
                "data_file": table_name,
                "row": row.line,
            }
            message = expr.render_template(rule.message, ParamEnv(params, FactEnv(facts)))
            related = (
                Location(table.path, line_span(row.line, 1), f"{table_name} row {row.line}"),
            )
            span = fact_span(path, fact) or FILE_START
            findings.append(
                Finding(path, rule.code, rule.name, rule.severity, message, span, related)
            )
        results.append(RuleResult(rule.code, Outcome.FAILED if failed else Outcome.PASSED))
    orphans: list[Finding] = []
    rule = data_rules.get(DATA_ROW_WITHOUT_LETTER.name)
    if rule is not None:
        lines = table.text.splitlines()
        for row in index.rows:
            if row.line in matched:
                continue
            params = {
                "authority": row.authority,
                "year": row.year,
                "data_file": table_name,
                "row": row.line,
            }
            message = expr.render_template(rule.message, ParamEnv(params))
            width = len(lines[row.line - 1]) if row.line - 1 < len(lines) else 1
            span = line_span(row.line, width)
            orphans.append(Finding(table.path, rule.code, rule.name, rule.severity, message, span))
    return orphans
