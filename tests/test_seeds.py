"""The two real letters: every fact read from each, where it stands, and what `check` says.

Stockport (000_...) was extracted to Markdown (``**67%**``, ``[text](#)`` links, a three-line
addressee block) and is consistent. Stevenage (003_...) was extracted by another tool (HTML
``<u>`` tags, a one-line addressee block, a statistics panel header) and its "upheld decision"
line lost its number.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.model import VOCABULARY, iter_facts
from lgo_audit.parse import ParsedLetter, parse_file
from lgo_audit.register import load_register
from lgo_audit.span import Span
from tests.paths import STEVENAGE, STOCKPORT

APRIL_2019 = dt.date(2019, 4, 1)
MARCH_2020 = dt.date(2020, 3, 31)

# Facts common to both letters (the national figures and the dates of the 2020 round).
COMMON: dict[str, Any] = {
    "letter_date": dt.date(2020, 7, 22),
    "title.year": 2020,
    "year_ending": MARCH_2020,
    "publication_date": dt.date(2020, 7, 29),
    "seminars.delegates": 178,
    "seminars.authorities": 143,
    "training.courses": 118,
    "training.people": 1400,
    "training.more_than_last_year": 47,
    "signatory.name": "Michael King",
    "upheld.period.start": APRIL_2019,
    "upheld.period.end": MARCH_2020,
    "compliance.period.start": APRIL_2019,
    "compliance.period.end": MARCH_2020,
    "remedy.period.start": APRIL_2019,
    "remedy.period.end": MARCH_2020,
}

STOCKPORT_FACTS: dict[str, Any] = {
    **COMMON,
    "addressee.name": "Ms Smith",
    "addressee.role": "Chief Executive",
    "authority.name": "Stockport Metropolitan Borough Council",
    "salutation.name": "Ms Smith",
    "panel_header.authority": None,  # this extraction has no panel header
    "panel_header.period_end": None,
    "upheld.percent": Decimal(59),
    "upheld.average": Decimal(67),
    "upheld.count": 10,
    "upheld.count_label": "upheld decisions",
    "upheld.investigations": 17,
    "upheld.investigations_label": "detailed investigations",
    "compliance.percent": Decimal(100),
    "compliance.average": Decimal(100),
    "compliance.outcomes": 9,
    "compliance.outcomes_label": "compliance outcomes",
    "remedy.percent": Decimal(0),
    "remedy.average": Decimal(11),
    "remedy.count": 0,
    "remedy.count_label": "satisfactory remedy decisions",
    "remedy.investigations": 17,
    "remedy.investigations_label": "detailed investigations",
}

STEVENAGE_FACTS: dict[str, Any] = {
    **COMMON,
    "addressee.name": "Mr Partridge",
    "addressee.role": "Chief Executive",
    "authority.name": "Stevenage Borough Council",
    "salutation.name": "Mr Partridge",
    "panel_header.authority": "Stevenage Borough Council",
    "panel_header.period_end": MARCH_2020,
    "upheld.percent": Decimal(100),
    "upheld.average": Decimal(45),
    "upheld.count": None,  # the number was lost in extraction
    "upheld.count_label": "upheld decision",
    "upheld.investigations": 1,
    "upheld.investigations_label": "detailed investigation",
    "compliance.percent": Decimal(100),
    "compliance.average": Decimal(99),
    "compliance.outcomes": 1,
    "compliance.outcomes_label": "compliance outcome",
    "remedy.percent": Decimal(0),
    "remedy.average": Decimal(20),
    "remedy.count": 0,
    "remedy.count_label": "satisfactory remedy decisions",
    "remedy.investigations": 1,
    "remedy.investigations_label": "detailed investigation",
}

EXPECTED = {"stockport": (STOCKPORT, STOCKPORT_FACTS), "stevenage": (STEVENAGE, STEVENAGE_FACTS)}

# Facts not stated in the letter but looked up when checking (the authority register).
DERIVED = {
    "authority.type",
    "authority.code",
    "authority.own_name",
    "authority.identity",
    "document.kind",
    "document.year",
}


@cache
def parsed(seed: str) -> ParsedLetter:
    return parse_file(EXPECTED[seed][0], authorities=load_register(None))


def facts(seed: str) -> dict[str, Any]:
    return dict(iter_facts(parsed(seed).letter))


def check(*args: str | Path) -> Any:
    return CliRunner().invoke(app, ["check", "--isolated", *map(str, args)])


def check_json(*paths: Path) -> list[dict[str, Any]]:
    result = check("--output-format", "json", *paths)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


FACT_CASES = [
    pytest.param(seed, name, value, id=f"{seed}-{name}")
    for seed, (_, expected) in EXPECTED.items()
    for name, value in expected.items()
]


# --- every fact ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", EXPECTED)
def test_the_expected_facts_cover_every_fact_a_letter_states(seed):
    # every fact the 2020 template states: the facts that apply but the register's
    assert set(EXPECTED[seed][1]) == set(parsed(seed).profile.facts)
    # and the facts taken from them (the upheld decisions: null for Stevenage, as its count)
    taken = {"upheld.decisions", "upheld.investigated"}
    assert set(facts(seed)) == set(parsed(seed).profile.facts) | DERIVED | taken
    assert parsed(seed).profile.facts < VOCABULARY


def test_the_upheld_decisions_stand_where_the_count_line_states_them():
    stockport = parsed("stockport")
    count, decisions = stockport.facts["upheld.count"], stockport.facts["upheld.decisions"]
    assert (decisions.value, decisions.start, decisions.end) == (10, count.start, count.end)
    # Stevenage's count was lost in extraction, and a 2020 letter states them nowhere else
    assert "upheld.decisions" not in parsed("stevenage").facts
    assert "upheld.decisions" in parsed("stevenage").missing


def test_the_complaints_investigated_stand_where_the_basis_line_states_them():
    for seed in EXPECTED:
        letter = parsed(seed)
        basis, investigated = (
            letter.facts["upheld.investigations"],
            letter.facts["upheld.investigated"],
        )
        assert (investigated.value, investigated.start) == (basis.value, basis.start)


@pytest.mark.parametrize(
    ("seed", "kind", "code"),
    [("stockport", "Metropolitan Borough", "E08000007"), ("stevenage", "District", "E07000243")],
)
def test_the_register_facts_come_with_the_parse_standing_where_the_name_stands(seed, kind, code):
    letter = parsed(seed)
    assert letter.facts["authority.type"].value == kind
    assert letter.facts["authority.code"].value == code
    name = letter.facts["authority.name"]
    assert (letter.facts["authority.type"].start, letter.facts["authority.type"].end) == (
        name.start,
        name.end,
    )


def test_the_parsed_facts_cannot_be_changed_after_parsing():
    with pytest.raises(TypeError):
        parsed("stockport").facts["authority.type"] = None  # type: ignore[index]


@pytest.mark.parametrize("seed", EXPECTED)
def test_seed_is_recognised_as_a_letter_of_the_2020_profile(seed):
    letter = parsed(seed)
    assert letter.is_letter
    assert letter.profile.name == "2020"


@pytest.mark.parametrize(("seed", "name", "expected"), FACT_CASES)
def test_seed_fact_has_the_value_stated_in_the_letter(seed, name, expected):
    fact = facts(seed)[name]
    if expected is None:
        assert fact is None, f"{name} should be absent, found {fact.raw!r}"
    else:
        assert fact is not None, f"{name} was not extracted"
        assert fact.value == expected
        assert type(fact.value) is type(expected)


@pytest.mark.parametrize("seed", EXPECTED)
def test_seed_has_no_structural_issues(seed):
    letter = parsed(seed)
    issues = [(i.check, letter.span(i.start, i.end).line, i.params) for i in letter.issues]
    assert issues == []


def test_stockport_has_three_links_whose_target_is_a_placeholder():
    links = [(link.text, link.target) for link in parsed("stockport").letter.links]
    assert links == [
        ("Your council's performance", "#"),
        ("website", "#"),
        ("Your council's performance", "#"),
    ]


def test_stevenage_underlined_html_is_not_taken_for_links():
    assert parsed("stevenage").letter.links == []


def test_a_percentage_keeps_the_raw_text_it_was_read_from():
    fact = facts("stockport")["upheld.average"]
    assert fact.raw == "67%"


def test_a_count_with_a_thousands_separator_keeps_its_raw_text():
    fact = facts("stockport")["training.people"]
    assert (fact.value, fact.raw) == (1400, "1,400")


def test_a_panel_header_date_is_read_as_dd_mm_yy():
    fact = facts("stevenage")["panel_header.period_end"]
    assert (fact.value, fact.raw) == (MARCH_2020, "31/03/20")


# --- spans: line and column in the original file, end exclusive ------------------------------


def test_span_of_a_percentage_inside_markdown_emphasis_covers_the_digits_not_the_asterisks():
    # line 61 is "This compares to an average of **67%** in similar authorities."
    fact = facts("stockport")["upheld.average"]
    assert fact.span == Span(line=61, column=34, end_line=61, end_column=37)
    line = STOCKPORT.read_text(encoding="utf-8").splitlines()[60]
    assert line[fact.span.column - 1 : fact.span.end_column - 1] == "67%"


def test_span_of_the_letter_date_is_its_whole_line():
    assert facts("stockport")["letter_date"].span == Span(5, 1, 5, 13)


def test_span_of_a_count_with_a_thousands_separator_includes_the_comma():
    assert facts("stockport")["training.people"].span == Span(44, 226, 44, 231)


def test_spans_in_a_one_line_addressee_block_are_columns_of_that_line():
    seed = facts("stevenage")
    assert seed["addressee.name"].span == Span(7, 1, 7, 13)
    assert seed["addressee.role"].span == Span(7, 14, 7, 29)
    assert seed["authority.name"].span == Span(7, 30, 7, 55)


def test_spans_in_a_three_line_addressee_block_are_on_successive_lines():
    seed = facts("stockport")
    assert [seed[n].span.line for n in ("addressee.name", "addressee.role", "authority.name")] == [
        9,
        10,
        11,
    ]


def test_span_of_the_panel_header_period_end():
    assert facts("stevenage")["panel_header.period_end"].span == Span(50, 50, 50, 58)


def test_span_of_a_link_covers_its_text_inside_the_brackets():
    first = parsed("stockport").letter.links[0]
    assert first.span == Span(33, 53, 33, 79)


# --- check -----------------------------------------------------------------------------------


def test_check_finds_no_error_in_stockport():
    errors = [f for f in check_json(STOCKPORT) if f["severity"] == "error"]
    assert errors == []


def test_check_reports_exactly_one_error_in_stevenage_the_missing_upheld_count():
    errors = [f for f in check_json(STEVENAGE) if f["severity"] == "error"]
    assert [(e["code"], e["line"], e["column"]) for e in errors] == [("LGO102", 61, 1)]


def test_check_message_for_stevenage_gives_the_count_implied_by_the_rate():
    (error,) = [f for f in check_json(STEVENAGE) if f["code"] == "LGO102"]
    assert "100% of 1 investigation" in error["message"]
    assert '"1 upheld decision"' in error["message"]


def test_check_offers_a_safe_fix_inserting_1_upheld_decision_in_stevenage():
    (error,) = [f for f in check_json(STEVENAGE) if f["code"] == "LGO102"]
    fix = error["fix"]
    assert fix["applicability"] == "safe"
    assert "1 upheld decision" in fix["message"]
    (edit,) = fix["edits"]
    assert edit["content"] == "1 "  # inserted before "upheld decision", which stays as it is
    assert (edit["line"], edit["column"], edit["end_line"], edit["end_column"]) == (61, 1, 61, 1)


def test_check_exits_1_for_the_pair_of_seeds():
    result = check(STOCKPORT, STEVENAGE)
    assert result.exit_code == 1, result.output


def test_check_exits_0_for_stockport_alone_its_findings_being_warnings():
    result = check(STOCKPORT)
    assert result.exit_code == 0, result.output
