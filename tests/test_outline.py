"""What ``lgo-audit explain`` prints of a rule's checks (lgo_audit/outline.py), read from the
rule file's table alone."""

from __future__ import annotations

from lgo_audit.outline import outline


def shown(**data: object) -> str:
    return "\n".join(outline(data))


def test_a_fact_rule_shows_its_years_condition_and_assertion():
    text = shown(years={"from": 2020, "to": 2022}, when="a is not null", **{"assert": "a > 0"})
    assert "    years:  from 2020 to 2022\n    when:   a is not null\n    assert: a > 0" in text


def test_an_expression_on_several_lines_stays_under_its_first_line():
    # A trial: the second line of a multi-line "when" was printed outside the block.
    text = shown(when="it is not null\n  and it >= 0", **{"assert": "true"})
    assert "    when:   it is not null\n            and it >= 0\n" in text


def test_each_binding_is_one_numbered_line():
    each = [{"it": "upheld.percent", "what": "'upheld'"}, {"it": "remedy.percent", "what": "'x'"}]
    text = shown(each=each, **{"assert": "it >= 0"})
    assert "## For each of these bindings (2)" in text
    assert "    1. it = upheld.percent; what = 'upheld'" in text
    assert "    2. it = remedy.percent; what = 'x'" in text


def test_a_cross_letter_rule_shows_what_it_groups_by_and_what_must_agree():
    text = shown(kind="batch", group=["document.year", "authority.type"], agree="it")
    assert "    group:  document.year, authority.type\n    agree:  it" in text
    assert "unique: true" in shown(kind="batch", group=["authority.code"], unique=True)


def test_a_data_rules_comparisons_show_their_years():
    compare = [{"fact": "upheld.per_100k", "column": "upheld_per_100k", "years": {"from": 2023}}]
    text = shown(kind="data", check="figure-differs", compare=compare)
    assert "    compare: upheld.per_100k with column upheld_per_100k (from 2023)" in text


def test_a_text_rule_shows_its_patterns_and_years():
    text = shown(kind="text", patterns=["TBC", "TODO"], years={"to": 2021})
    assert "    years:  to 2021\n    pattern: TBC\n    pattern: TODO" in text


def test_a_fix_shows_when_it_counts_as_safe_and_how_it_is_described():
    fix = {
        "applicability": "unsafe",
        "at": "authority.name",
        "replacement": "authority.own_name",
        "safe_when": "a == b",
        "description": "Write the council's own name",
    }
    text = shown(fix=fix, **{"assert": "true"})
    assert "## Fix (unsafe)\n\n    authority.name := authority.own_name" in text
    assert "    safe when: a == b\n    described as: Write the council's own name" in text


def test_a_part_the_rule_has_not_is_left_out():
    text = shown(kind="structure", check="not-a-letter")
    assert text == "\n## Invariant\n\n    check:  not-a-letter"
