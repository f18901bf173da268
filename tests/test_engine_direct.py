"""Judging a letter over its admitted values is judging it through an environment, faster.

The engine compiles each fact rule's ``when`` and ``assert`` over a dict of the letter's values
(:func:`lgo_audit.expr.compile_direct`), admitted once per letter, instead of reading every fact
through :class:`~lgo_audit.envs.FactEnv` on every look-up. Nothing of what a rule says may
change with it: the same value or the same error for every expression, the same findings and
the same outcome (passed, failed, not applicable, error) for every rule and letter.
"""

from __future__ import annotations

import dataclasses
import zlib
from types import MappingProxyType

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lgo_audit import engine, expr
from lgo_audit.envs import BoundEnv
from lgo_audit.examples import build_example, checked_letter
from lgo_audit.expr import Call, ExprEvalError, Literal, Name, Node
from lgo_audit.expr.direct import compile_condition, raw_key, unexpected
from lgo_audit.expr.direct import compile_direct as direct_compile
from lgo_audit.findings import Outcome, Severity
from lgo_audit.rules import Binding, load_rules
from tests.test_expr import _TYPED_VALUES, FACT_VALUES, LITERALS, WELL_TYPED, DictEnv, _extend

RULES = list(load_rules())
LETTER_RULES = [r for r in RULES if r.kind not in ("batch", "data")]


def judged_through_an_env(parsed, rules, monkeypatch):
    """``run_rules`` as it judges a letter whose values are not all admitted: every fact rule
    through a FactEnv."""
    with monkeypatch.context() as patch:
        patch.setattr(engine, "_letter_values", lambda *args: None)
        return engine.run_rules(parsed, rules)


def compiled_plan(parsed, rules):
    """The plan ``run_rules`` follows for a letter of this kind once one has been judged."""
    engine._plan_for(rules, parsed.profile.year, parsed.kind, parsed.is_letter)
    plan = engine._plan_for(rules, parsed.profile.year, parsed.kind, parsed.is_letter)
    assert plan.cases or not parsed.is_letter
    return plan


EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.code}-{example['kind']}-{i}")
    for rule in LETTER_RULES
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_every_rule_example_is_judged_alike_over_values_and_through_an_env(
    rule, example, monkeypatch
):
    text, _ = build_example(example)
    parsed, _, _ = checked_letter(text, "example.txt")
    plan = compiled_plan(parsed, RULES)
    if parsed.is_letter:  # the fast way is the one taken
        assert engine._letter_values(parsed, plan, set(parsed.structure.sections)) is not None
    assert engine.run_rules(parsed, RULES) == judged_through_an_env(parsed, RULES, monkeypatch)


def _with_fact(parsed, name, value):
    facts = dict(parsed.facts)
    facts[name] = facts[name]._replace(value=value)
    return dataclasses.replace(parsed, facts=MappingProxyType(facts))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("upheld.count", 10**41),  # beyond the bound on numbers
        ("upheld.percent", expr.Percent(1, 3)),  # a type a fact never has: admitted, checked
        ("authority.name", "x" * 10_001),  # beyond the bound on strings
        ("upheld.percent", 0.5),  # a float: never admitted
    ],
)
def test_a_letter_with_a_value_beyond_the_language_is_judged_through_an_env(
    name, value, monkeypatch
):
    text, _ = build_example({})
    parsed, _, _ = checked_letter(text, "letter.txt")
    odd = _with_fact(parsed, name, value)
    compiled_plan(odd, RULES)
    findings, results = engine.run_rules(odd, RULES)
    assert (findings, results) == judged_through_an_env(odd, RULES, monkeypatch)
    if not isinstance(value, expr.Percent):
        assert Outcome.ERROR in {r.outcome for r in results}
        assert any("rule could not be evaluated" in f.message for f in findings)


def test_a_rule_list_changed_in_place_is_planned_anew():
    rule = next(r for r in LETTER_RULES if r.code == "LGO402")
    text, _ = build_example(next(e for e in rule.examples if e["kind"] == "invalid"))
    parsed, _, _ = checked_letter(text, "placeholder.txt")
    rules = list(LETTER_RULES)
    found, _ = engine.run_rules(parsed, rules)
    assert [f.severity for f in found if f.code == "LGO402"] == [Severity.ERROR]
    rules[rules.index(rule)] = dataclasses.replace(rule, severity=Severity.WARNING)
    found, _ = engine.run_rules(parsed, rules)
    assert [f.severity for f in found if f.code == "LGO402"] == [Severity.WARNING]


# --- remembered verdicts: one case, the same values, the same verdict ------------------------


def _verdict_keys_of(code):
    rule = next(r for r in LETTER_RULES if r.code == code)
    cases, *_ = engine._compile_direct(rule)
    return [case[4] for case in cases]


def test_a_case_that_reads_a_stated_percentage_never_has_its_verdict_remembered():
    # 59 and 59.0 are equal values, but not stated with the same places (LGO101 reads
    # upheld.percent): a verdict kept for one would be given for the other
    assert _verdict_keys_of("LGO101") == [None] * len(_verdict_keys_of("LGO101"))


def test_a_case_that_reads_dates_has_its_verdict_remembered_by_every_date_it_reads():
    keys = _verdict_keys_of("LGO203")  # each period date against the one most give
    assert all(k is not None for k in keys)
    assert all({"upheld.period.end", "year_ending", "remedy.period.start"} <= set(k) for k in keys)


def test_a_remembered_verdict_is_given_only_to_the_values_it_was_worked_out_for(monkeypatch):
    rule = next(r for r in LETTER_RULES if r.code == "LGO203")
    valid = next(e for e in rule.examples if e["kind"] == "valid")
    invalid = next(e for e in rule.examples if e["kind"] == "invalid")
    letters = [checked_letter(build_example(e)[0], "letter.txt")[0] for e in (valid, invalid)]
    compiled_plan(letters[0], RULES)
    # by turns, each judged as it is alone (through an env, where nothing is remembered)
    for parsed in (*letters, *letters, letters[0]):
        judged = engine.run_rules(parsed, RULES)
        assert judged == judged_through_an_env(parsed, RULES, monkeypatch)
    assert [f.code for f in engine.run_rules(letters[1], RULES)[0]].count("LGO203") == 1
    assert "LGO203" not in [f.code for f in engine.run_rules(letters[0], RULES)[0]]


# --- expressions: compile_direct gives compile_expr's value or error --------------------------

_LOCAL = ("it", "n")  # "it" stands for the fact "a"; "n" for an expression
_FACT_NAMES = ("a", "b.c", "d")
_NAMES = st.sampled_from(_FACT_NAMES + _LOCAL)
_TREES = st.recursive(
    st.one_of(
        LITERALS.map(Literal), _NAMES.map(Name), _NAMES.map(lambda n: Call("raw", (Name(n),)))
    ),
    _extend,
    max_leaves=10,
)
_LOCAL_TREES = st.recursive(
    st.one_of(LITERALS.map(Literal), st.sampled_from(_FACT_NAMES).map(Name)),
    _extend,
    max_leaves=6,
)


def _admitted(value: object) -> bool:
    try:
        expr.check_value(value, "x")
    except ExprEvalError:
        return False
    return True


class _Facts:
    """A letter's facts for the test: each name's value picked from ``values``."""

    def __init__(self, values: list[object]) -> None:
        self.values = values

    def value(self, name: str) -> expr.Value:
        return self.values[zlib.crc32(name.encode()) % len(self.values)]  # type: ignore[return-value]

    def raw(self, name: str) -> str | None:
        v = self.values[zlib.crc32(b"raw " + name.encode()) % len(self.values)]
        return v if isinstance(v, str) else None


def _outcome(evaluate):
    try:
        value = evaluate()
    except ExprEvalError as error:
        return ("error", str(error))
    except Exception as error:  # the engine wraps these as compile_expr does
        return ("error", str(unexpected(error)))
    return ("value", type(value), repr(value))


@settings(max_examples=600, deadline=None)
@given(_TREES, _LOCAL_TREES, st.lists(FACT_VALUES.filter(_admitted), min_size=1, max_size=6))
def test_a_compiled_expression_reads_its_values_as_an_env_would(
    node: Node, local: Node, values: list[object]
) -> None:
    facts = _Facts(values)
    binding = Binding({"it": "a"}, {"n": expr.compile_expr(local)}, {"n": local})
    direct = direct_compile(node, binding.names, binding.nodes)
    table: dict[str, object] = dict(direct.constants)
    table.update({name: facts.value(name) for name in direct.reads})
    table.update({raw_key(name): facts.raw(name) for name in direct.raws})
    assume(all(_admitted(v) for v in table.values()))
    through_env = _outcome(lambda: expr.compile_expr(node)(BoundEnv(facts, binding)))
    assert _outcome(lambda: direct.fn(table)) == through_env, expr.unparse(node)


class _CountedReads(dict):
    """A letter's values that count how often each is read."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.reads: dict[str, int] = {}

    def __getitem__(self, key: str) -> object:
        self.reads[key] = self.reads.get(key, 0) + 1
        return super().__getitem__(key)


def test_a_local_expression_is_worked_out_once_a_letter_for_every_case_of_the_same_meaning():
    # LGO203's shape: ten entries read one agreed period (a `let` over facts only), and each
    # entry's own value (a computed `each` value) makes another expression of another meaning
    sum_ = expr.parse("a + k")
    first = direct_compile(expr.parse("n"), {}, {"n": sum_, "k": Literal(1)})
    again = direct_compile(expr.parse("n * 2"), {}, {"n": sum_, "k": Literal(1)})
    same = direct_compile(expr.parse("m"), {}, {"m": expr.parse("a + k"), "k": Literal(1)})
    other = direct_compile(expr.parse("n"), {}, {"n": sum_, "k": Literal(2)})
    letter = _CountedReads({"a": 10})
    for compiled in (first, again, same, other):
        letter.update(compiled.constants)
    assert [first.fn(letter), again.fn(letter), same.fn(letter), other.fn(letter)] == [
        11,
        22,
        11,
        12,
    ]
    assert letter.reads["a"] == 2  # once for a + 1 (three readers), once for a + 2
    assert first.fn(_CountedReads({"a": 20, **first.constants})) == 21  # the next letter


def test_a_local_expression_that_cannot_be_evaluated_raises_at_every_reading():
    compiled = direct_compile(expr.parse("n"), {}, {"n": expr.parse("choose(a, 1, 2)")})
    letter = {"a": 5, **compiled.constants}  # a number where true or false must be
    for _ in range(2):
        with pytest.raises(ExprEvalError):
            compiled.fn(letter)


@settings(max_examples=300, deadline=None)
@given(_TREES, st.lists(FACT_VALUES.filter(_admitted), min_size=1, max_size=6))
def test_a_when_split_into_guards_and_the_rest_is_true_exactly_when_the_when_is(
    node: Node, values: list[object]
) -> None:
    facts = _Facts(values)
    condition = compile_condition(node)
    table: dict[str, object] = {}
    table.update({name: facts.value(name) for name in condition.reads})
    table.update({raw_key(name): facts.raw(name) for name in condition.raws})
    if condition.rest is not None:
        table.update(condition.rest.constants)
        table.update({name: facts.value(name) for name in condition.rest.reads})
        table.update({raw_key(name): facts.raw(name) for name in condition.rest.raws})
    assume(all(_admitted(v) for v in table.values()))

    def split() -> bool:
        if any(table[key] is None for key in condition.guards):
            return False
        return condition.rest is None or condition.rest.fn(table) is True

    # a guard reads no value that could raise, and a false one ends the chain as the whole
    # condition would: the same truth, or the same error
    whole = _outcome(lambda: expr.compile_expr(node)(facts) is True)
    assert _outcome(split) == whole, expr.unparse(node)


@settings(max_examples=600, deadline=None)
@given(WELL_TYPED, st.data())
def test_a_well_typed_expression_gives_the_same_value_over_values_as_through_an_env(
    node: Node, data: st.DataObject
) -> None:
    values = {
        name: data.draw(st.one_of(st.none(), strategy)) for name, strategy in _TYPED_VALUES.items()
    }
    raws = {name: str(value) for name, value in values.items()}
    direct = direct_compile(node)
    table: dict[str, object] = dict(direct.constants)
    table.update({name: values.get(name) for name in direct.reads})
    table.update({raw_key(name): raws.get(name) for name in direct.raws})
    through_env = _outcome(lambda: expr.compile_expr(node)(DictEnv(values, raws)))
    assert _outcome(lambda: direct.fn(table)) == through_env, expr.unparse(node)


_NUMBERS = st.one_of(
    st.none(),
    st.integers(-(10**32), 10**32),
    st.integers(-5, 300),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    st.fractions(max_denominator=50),
    st.text(max_size=2),
)


@settings(max_examples=800, deadline=None)
@given(_NUMBERS, _NUMBERS, _NUMBERS)
def test_a_stated_percentage_checked_against_counts_is_judged_as_the_functions_judge_it(
    count: object, total: object, stated: object
) -> None:
    node = expr.parse("rounds_half_up_to(percent(k, n), p)")
    values = {"k": count, "n": total, "p": stated}
    direct = direct_compile(node)
    table: dict[str, object] = {**direct.constants, **values}
    through_env = _outcome(lambda: expr.compile_expr(node)(DictEnv(values)))
    assert _outcome(lambda: direct.fn(table)) == through_env


_ENTRIES_RULE = """
code = "LGO901"
name = "rates-near-their-averages"
severity = "warning"
summary = "A rate far from its average"
when = "rate is not null and avg is not null"
assert = "gap < 20"
message = "{what} rate {rate} is {gap} points from its average {avg}"
at = ["rate"]
let = { gap = "abs(rate - avg) * choose(what == 'upheld', BIG, 1)" }
each = [
  { rate = "upheld.percent", avg = "upheld.average", what = "'upheld'" },
  { rate = "remedy.percent", avg = "remedy.average", what = "'remedy'" },
]
explanation = "A test rule."

[[examples]]
kind = "valid"
description = "rates near their averages"

[[examples]]
kind = "invalid"
description = "a remedy rate far from its average"
replace = [{ old = "average of 11%", new = "average of 40%" }]
"""


@pytest.mark.parametrize("judged", ["over values", "through an env"])
def test_an_each_entry_that_cannot_be_evaluated_is_a_finding_and_the_others_are_judged(
    tmp_path, monkeypatch, judged
):
    # the upheld entry's gap is beyond the language's bounds; the remedy entry fails as written
    big = "100000000000000000000000000000 * 100000000000000000000000000000"
    (tmp_path / "rule.toml").write_text(_ENTRIES_RULE.replace("BIG", big), encoding="utf-8")
    rules = [r for r in load_rules([tmp_path]) if r.code == "LGO901"]
    text, _ = build_example({"replace": [{"old": "average of 11%", "new": "average of 40%"}]})
    parsed, _, _ = checked_letter(text, "letter.txt")
    assert parsed.facts["remedy.average"].value == 40
    if judged == "over values":
        compiled_plan(parsed, rules)
        findings, results = engine.run_rules(parsed, rules)
    else:
        findings, results = judged_through_an_env(parsed, rules, monkeypatch)
    assert [f.message for f in findings] == [
        "rule could not be evaluated (each entry 1 of 2): number too large "
        "(numerator or denominator above 10**40)",
        "remedy rate 0 is 40 points from its average 40",
    ]
    assert [r.outcome for r in results] == [Outcome.ERROR]


def test_prepared_rules_are_compiled_before_any_letter_is_judged():
    # A batch's parent compiles its rules before its workers start, so that they share them.
    engine._COMPILED.clear()
    engine.prepare(RULES)
    compiled = {id(rule) for rule in RULES if rule.kind in ("fact", "text")}
    assert compiled and compiled <= set(engine._COMPILED)
    before = dict(engine._COMPILED)
    text, _ = build_example({"kind": "valid"})
    parsed, _, _ = checked_letter(text, "example.txt")
    engine.run_rules(parsed, RULES)
    assert before == engine._COMPILED
