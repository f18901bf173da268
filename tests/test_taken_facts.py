"""The facts taken from others (``upheld.decisions``, ``upheld.investigated``): each is the
figure of the first line that states it, in the years that line means it, and stands where
that line's figure stands."""

from __future__ import annotations

from typing import Any

import pytest

from lgo_audit.examples import base_letter, checked_letter
from lgo_audit.grammar.facts import DERIVED_FACTS, FACTS


def parsed(year: str, *, drop: tuple[str, ...] = ()) -> Any:
    """The base letter of ``year`` without the lines that start with ``drop`` (the first
    such line each)."""
    lines = base_letter(year).splitlines(keepends=True)
    for start in drop:
        (at,) = [i for i, line in enumerate(lines) if line.startswith(start)][:1]
        del lines[at]
    letter, _, _ = checked_letter("".join(lines), "letter.txt")
    return letter


def taken(letter: Any, name: str, source: str) -> bool:
    """Whether ``name`` is ``source``'s figure, standing where it stands."""
    fact, origin = letter.facts[name], letter.facts[source]
    return (fact.value, fact.start, fact.end) == (origin.value, origin.start, origin.end)


UPHELD_BASIS = "Statistics are based on a total of 17 detailed investigations"


def test_each_taken_fact_names_declared_facts_as_its_sources():
    for fact in DERIVED_FACTS:
        assert fact.derived_from, fact.name
        for source, since, until in fact.derived_from:
            assert source in FACTS and not FACTS[source].derived_from, (fact.name, source)
            assert since is None or until is None or since <= until


@pytest.mark.parametrize("year", ["2020", "2023", "2024"])
def test_the_count_and_basis_lines_come_first(year):
    letter = parsed(year)
    assert taken(letter, "upheld.decisions", "upheld.count")
    assert taken(letter, "upheld.investigated", "upheld.investigations")


def test_a_2023_letter_without_its_count_line_takes_the_remedy_panels_total():
    letter = parsed("2023", drop=("10 upheld decisions",))
    assert "upheld.count" not in letter.facts
    assert taken(letter, "upheld.decisions", "remedy.investigations")


def test_until_2022_the_remedy_panels_total_is_no_upheld_decisions():
    letter = parsed("2020", drop=("10 upheld decisions",))
    assert "upheld.decisions" not in letter.facts
    assert "upheld.decisions" in letter.missing


def test_a_2020_letter_without_its_upheld_basis_takes_the_remedy_panels_total():
    letter = parsed("2020", drop=(UPHELD_BASIS,))
    assert taken(letter, "upheld.investigated", "remedy.investigations")


def test_from_2023_the_remedy_panels_total_is_no_investigations():
    letter = parsed("2023", drop=(UPHELD_BASIS,))
    assert "upheld.investigated" not in letter.facts


def test_a_2025_letter_takes_both_from_its_upheld_summary():
    letter = parsed("2025")
    assert taken(letter, "upheld.decisions", "upheld.summary.upheld")
    assert taken(letter, "upheld.investigated", "upheld.summary.investigated")


def test_a_2025_letter_without_its_summary_takes_the_overview_and_the_remedy_total():
    letter = parsed("2025", drop=("We investigated 17 complaints and upheld 10.",))
    assert taken(letter, "upheld.decisions", "remedy.investigations")
    assert taken(letter, "upheld.investigated", "overview.investigated")


def edited(year: str, old: str, new: str) -> Any:
    """The base letter of ``year`` with its one ``old`` made ``new``."""
    text = base_letter(year)
    assert text.count(old) == 1, old
    letter, _, _ = checked_letter(text.replace(old, new), "letter.txt")
    return letter


def test_the_lines_of_a_consistent_letter_agree_on_every_taken_fact():
    for year in ("2020", "2023", "2024", "2025"):
        letter = parsed(year)
        assert not any(letter.disputed(fact.name) for fact in DERIVED_FACTS), year


def test_a_remedy_total_beside_another_count_disputes_the_upheld_decisions_from_2023():
    letter = edited("2024", "a total of 10 upheld decisions", "a total of 0 upheld decisions")
    assert letter.facts["upheld.decisions"].value == 10  # (the count line comes first)
    assert letter.disputed("upheld.decisions")
    assert not letter.disputed("upheld.investigated")


def test_until_2022_the_remedy_total_disputes_the_investigations_not_the_upheld_decisions():
    text = base_letter("2020")
    last = text.rindex("a total of 17 detailed investigations")  # the remedy panel's total
    text = text[:last] + text[last:].replace("17", "16", 1)
    letter, _, _ = checked_letter(text, "letter.txt")
    assert letter.facts["remedy.investigations"].value == 16
    assert letter.disputed("upheld.investigated")
    assert not letter.disputed("upheld.decisions")


def test_only_a_taken_fact_can_be_disputed():
    letter = edited("2024", "a total of 10 upheld decisions", "a total of 0 upheld decisions")
    assert not letter.disputed("remedy.investigations")
    assert not letter.disputed("upheld.percent")
