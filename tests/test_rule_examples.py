"""Every rule ships its own cases; one generic test runs them all (sqlfluff's habit)."""

from __future__ import annotations

import pytest

from lgo_audit.engine import run_rules
from lgo_audit.examples import base_letter, checked_letter, run_example
from lgo_audit.rules import load_rules

RULES = load_rules()
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{example['kind']}-{i}")
    for rule in RULES
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_behaves_as_its_example_says(rule, example):
    result = run_example(rule, example)
    assert result.ok, f"{rule.code} {example['description']}: " + "; ".join(result.problems)


@pytest.mark.parametrize("rule", list(RULES), ids=lambda r: r.code)
def test_every_rule_has_a_valid_and_an_invalid_example(rule):
    kinds = {example["kind"] for example in rule.examples}
    assert kinds == {"valid", "invalid"}


def test_the_base_letter_is_clean_under_every_rule():
    parsed, _, _ = checked_letter(base_letter(), "base.txt")
    findings, _ = run_rules(parsed, RULES)
    assert [f"{f.code} {f.span.line}: {f.message}" for f in findings] == []
