"""Run a rule's own examples: the cases every rule ships as data, valid and invalid.

Each example edits the profile's base letter (``rules/base/<profile>.txt``), or with
``page = true`` the year's base statistics page (``rules/base/<profile>-page.txt``), with exact
text replacements; ``cut = "<text>"`` ends the text just before that (unique) text, as a page
saved cut short. A valid case must not make the rule fire. An invalid case must make it fire
with its primary location on the edited text, a message containing ``message`` if given, and
a fix that, applied, gives text containing ``fixed`` if given (``fixed = false``: the rule
offers no fix). The one generic test in
``tests/test_rule_examples.py`` runs every example of every rule through :func:`run_example`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lgo_audit.engine import run_rules
from lgo_audit.fix import apply_edits, fixable_edits
from lgo_audit.parse import parse_source
from lgo_audit.reader import decode
from lgo_audit.resources import bundled_rules_dir
from lgo_audit.rules import Rule

__all__ = ["ExampleError", "ExampleResult", "base_letter", "build_example", "run_example"]


@dataclass
class ExampleResult:
    rule: str
    description: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ExampleError(ValueError):
    """An example that cannot be built (a base that does not exist, an edit whose text is not
    in the letter once): a problem of that example, reported with it."""


def base_letter(profile: str = "2020", page: bool = False) -> str:
    """The base letter of ``profile``'s year, or with ``page`` its base statistics page.
    Raises :class:`ExampleError` for a base there is none of."""
    name = f"{profile}-page" if page else profile
    path = bundled_rules_dir() / "base" / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.txt")))
        raise ExampleError(f"no base letter or page '{name}' (known: {known})") from None


def build_example(example: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
    """The edited letter, and the line ranges (1-based, inclusive) where its edits stand."""
    if "text" in example:
        return example["text"], [(1, example["text"].count("\n") + 1)]
    text = base_letter(example.get("base", "2020"), bool(example.get("page", False)))
    deletions: list[int] = []
    for edit in example.get("replace", ()):
        old, new = edit["old"], edit["new"]
        count = text.count(old)
        if count != 1:
            raise ExampleError(f"{old[:40]!r} occurs {count} times in the letter (must be once)")
        if not new:
            deletions.append(text.count("\n", 0, text.find(old)) + 1)
        text = text.replace(old, new)
    regions = []
    for edit in example.get("replace", ()):
        new = edit["new"]
        start = text.find(new) if new else -1
        if start >= 0:
            first = text.count("\n", 0, start) + 1
            regions.append((first, first + new.count("\n")))
    # A deletion points at where the text stood: that line or the next lines with text.
    regions += [(max(1, line - 2), line + 3) for line in deletions]
    cut = example.get("cut")
    if cut:
        count = text.count(cut)
        if count != 1:
            raise ExampleError(f"{cut[:40]!r} occurs {count} times in the text (must be once)")
        text = text[: text.index(cut)]
        last = text.count("\n") + 1
        regions.append((max(1, last - 1), last))
    return text, regions


def checked_letter(
    text: str, name: str, encoding: str = "utf-8"
) -> tuple[Any, list[Any], list[Any]]:
    """Parse ``text`` as the file ``name``, its facts completed from the bundled register."""
    from lgo_audit.register import load_register

    source = decode(text.encode(encoding), name)
    return parse_source(source, authorities=load_register(None)), [], []


def _judge(
    result: ExampleResult,
    example: dict[str, Any],
    findings: list[Any],
    regions: list[tuple[int, int]],
) -> None:
    """The common verdict: silent on valid cases; on invalid ones, fires where and as told."""
    if example["kind"] == "valid":
        for finding in findings:
            result.problems.append(
                f"fired on a valid case: {finding.span.line}:{finding.span.column} {finding.message}"
            )
        return
    if not findings:
        result.problems.append("did not fire on an invalid case")
        return
    if "line" in example:
        regions = [(example["line"], example["line"])]
    if regions and not any(
        first <= f.span.line <= last for f in findings for first, last in regions
    ):
        lines = ", ".join(str(f.span.line) for f in findings)
        result.problems.append(f"fired at line(s) {lines}, not on the edited lines {regions}")
    wanted = example.get("message")
    if wanted and not any(wanted in f.message for f in findings):
        result.problems.append(f"no message contains {wanted!r}: {[f.message for f in findings]}")


def _run_batch_example(rule: Rule, example: dict[str, Any], result: ExampleResult) -> None:
    from lgo_audit.batch import run_batch_rules
    from lgo_audit.check import letter_facts

    letters = []
    all_regions = []
    for index, spec in enumerate(example.get("letters", ())):
        base = example.get("base", "2020")  # every letter of a batch case edits one base
        text, regions = build_example(
            {
                "base": base,
                "page": spec.get("page", False),
                "replace": spec.get("replace", ()),
                "cut": spec.get("cut"),
            }
        )
        name = str(spec.get("name", index))
        parsed, findings, results = checked_letter(
            text, name if name.endswith((".txt", ".md")) else f"{name}.txt"
        )
        letters.append((parsed.path, letter_facts(parsed), findings, results))
        all_regions.append(regions)
    run_batch_rules(letters, [rule])
    if example["kind"] == "valid":
        _judge(result, example, [f for _, _, found, _ in letters for f in found], [])
        return
    target = example.get("letter", len(letters) - 1)
    _judge(result, example, letters[target][2], all_regions[target])


def _run_data_example(rule: Rule, example: dict[str, Any], result: ExampleResult) -> None:
    from lgo_audit.batch import reconcile
    from lgo_audit.check import letter_facts
    from lgo_audit.stats import parse_stats

    text, regions = build_example(example)
    parsed, findings, results = checked_letter(text, "letter.txt")
    table = parse_stats(example.get("data", ""), "stats.csv")
    letters = [(parsed.path, letter_facts(parsed), findings, results)]
    orphans = reconcile(letters, [rule], table)
    _judge(result, example, findings + orphans, regions)


def run_example(rule: Rule, example: dict[str, Any], path: Path | None = None) -> ExampleResult:
    """Check ``rule`` against one of its examples; the result lists what went wrong, if anything."""
    result = ExampleResult(rule.code, example["description"])
    try:
        if rule.kind == "batch":
            _run_batch_example(rule, example, result)
            return result
        if rule.kind == "data":
            _run_data_example(rule, example, result)
            return result
        text, regions = build_example(example)
    except ExampleError as error:
        result.problems.append(str(error))
        return result
    parsed, _, _ = checked_letter(
        text, str(path or f"{rule.code}-example.txt"), example.get("encoding", "utf-8")
    )
    findings, _ = run_rules(parsed, [rule])
    _judge(result, example, findings, regions)
    if example["kind"] == "valid" or not findings:
        return result
    fixed = example.get("fixed")
    if fixed is False:
        if fixable_edits(findings, unsafe=True):
            result.problems.append("offered a fix (the example says it must offer none)")
    elif fixed is not None:
        edits = fixable_edits(findings, unsafe=True)
        if not edits:
            result.problems.append("offered no fix")
        else:
            new_text, _ = apply_edits(parsed.source.text, edits)
            if fixed not in new_text:
                result.problems.append(f"the fixed letter does not contain {fixed!r}")
    return result
