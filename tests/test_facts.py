"""One declaration per fact: the catalogue (``lgo_audit/grammar/facts.py``) and everything made
from it agree, so that a fact added there (or a profile stating a new one) cannot leave the
vocabulary, the model, the schemas, the statistics table or the docs behind."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from lgo_audit import docs, expr, stats
from lgo_audit.document import LetterDocument
from lgo_audit.grammar import PROFILES
from lgo_audit.grammar.facts import FACTS, KINDS, REGISTER_FACTS
from lgo_audit.model import FACT_TYPES, Fact, Letter, Percentage
from lgo_audit.rule_types import _FACT_TYPES as RULE_TYPES
from lgo_audit.vocabulary import (
    FACT_KINDS,
    REGISTER_NAMES,
    VOCABULARY,
    applicable_facts,
    not_applicable_facts,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"


def _fact_fields(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    """dotted name -> FieldInfo of every fact field of ``model``, in field order."""
    found: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        candidates = [a for a in (*get_args(info.annotation), info.annotation) if a is not None]
        fact = next((a for a in candidates if isinstance(a, type) and issubclass(a, Fact)), None)
        if fact is not None:
            found[dotted] = info
            continue
        group = info.annotation
        if isinstance(group, type) and issubclass(group, BaseModel) and group is not Fact:
            found.update(_fact_fields(group, f"{dotted}."))
    return found


def _schema_facts(schema: dict[str, Any]) -> list[str]:
    """The dotted names of the fact properties of the parse schema, in schema order."""
    defs = schema["$defs"]

    def walk(node: dict[str, Any], prefix: str) -> list[str]:
        names: list[str] = []
        for key, prop in node.get("properties", {}).items():
            refs = [p["$ref"] for p in prop.get("anyOf", [prop]) if "$ref" in p]
            if not refs:
                continue
            target = refs[0].rsplit("/", 1)[-1]
            if target.startswith("Fact_"):
                names.append(f"{prefix}{key}")
            elif target not in ("Link", "Span", "StructuralFinding"):
                names.extend(walk(defs[target], f"{prefix}{key}."))
        return names

    return walk(schema, "")


# --- the grammar states only declared facts ---------------------------------------------------


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_fact_a_profile_states_is_declared(profile):
    undeclared = PROFILES[profile].facts - set(FACTS)
    assert undeclared == set(), f"profile {profile} states undeclared facts: {sorted(undeclared)}"


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_no_profile_states_a_register_fact(profile):
    assert not PROFILES[profile].facts & REGISTER_NAMES


def test_every_kind_is_known_to_the_rule_type_check():
    assert {info.rule_type for info in KINDS.values()} <= set(RULE_TYPES)
    assert str(RULE_TYPES["stated rate"]) == "stated rate"
    assert RULE_TYPES["stated rate"] != RULE_TYPES["stated percentage"]


# --- the vocabulary ---------------------------------------------------------------------------


def test_the_vocabulary_is_the_catalogue():
    assert list(FACT_KINDS) == list(FACTS)
    assert set(FACTS) == VOCABULARY
    assert {name: KINDS[f.kind].rule_type for name, f in FACTS.items()} == dict(FACT_KINDS)
    assert {f.name for f in REGISTER_FACTS} == REGISTER_NAMES <= VOCABULARY


def test_applicable_and_not_applicable_split_the_vocabulary():
    for profile in PROFILES.values():
        applicable = applicable_facts(profile.facts)
        rest = not_applicable_facts(profile.facts)
        assert applicable | set(rest) == VOCABULARY
        assert not applicable & set(rest)
        assert list(rest) == [n for n in FACTS if n in rest]  # catalogue order


# --- the model and its schema -----------------------------------------------------------------


@pytest.mark.parametrize("model", [Letter, LetterDocument], ids=["Letter", "LetterDocument"])
def test_the_model_has_one_field_per_fact_in_the_catalogue_order(model):
    assert list(_fact_fields(model)) == list(FACTS)


def test_each_model_field_is_typed_and_described_by_the_catalogue():
    values = {int: int, str: str, dt.date: dt.date, Decimal: Percentage}
    for name, info in _fact_fields(Letter).items():
        fact = FACTS[name]
        assert FACT_TYPES[name] is KINDS[fact.kind].python
        (model,) = [a for a in get_args(info.annotation) if a is not type(None)]
        assert model == Fact[values[KINDS[fact.kind].python]], name
        assert info.description.startswith(fact.description), name
        assert KINDS[fact.kind].unit in info.description, name
        assert info.default is None and not info.is_required(), name


def test_the_committed_letter_schema_has_every_fact_of_the_model():
    schema = json.loads((SCHEMAS / "letter.schema.json").read_text(encoding="utf-8"))
    assert sorted(_schema_facts(schema)) == sorted(_fact_fields(LetterDocument))  # keys sorted
    assert set(schema["required"]) == {
        "profile",
        "sections",
        "links",
        "path",
        "encoding",
        "sha256",
        "notes",
        "findings",
    }  # no fact is required: an absent fact is not applicable


def test_a_rate_is_a_json_number_with_its_places():
    from lgo_audit.span import Span

    span = Span(1, 1, 1, 4)
    fact = Fact[Percentage](value=Decimal("3.9"), raw="3.9", span=span)
    assert fact.model_dump(mode="json")["value"] == 3.9
    whole = Fact[Percentage](value=Decimal("4"), raw="4", span=span)
    assert whole.model_dump(mode="json")["value"] == 4


# --- the statistics table ---------------------------------------------------------------------


def test_the_table_columns_are_the_catalogue_columns_with_authority_year_and_population():
    columns = {f.column for f in FACTS.values() if f.column is not None}
    assert {"authority", "year"} <= columns
    assert set(stats.COLUMNS) == columns | {"population"}
    assert stats.COLUMNS[:2] == ("authority", "year")
    assert len(set(stats.COLUMNS)) == len(stats.COLUMNS)
    assert {f.column: f.name for f in FACTS.values() if f.column} == stats.COLUMN_FACTS


def test_the_table_converts_each_column_by_its_fact_kind():
    for column, name in stats.COLUMN_FACTS.items():
        kind = FACTS[name].kind
        assert (column in stats.INTEGER_COLUMNS) == (kind in ("count", "year")), column
        assert (column in stats.PERCENT_COLUMNS) == (kind == "percentage"), column
        assert (column in stats.RATE_COLUMNS) == (kind == "rate"), column
    assert "population" in stats.INTEGER_COLUMNS


def test_the_committed_stats_schema_is_the_one_the_catalogue_generates():
    committed = (SCHEMAS / "stats.schema.json").read_text(encoding="utf-8")
    assert committed == stats.schema_json(), (
        "schemas/stats.schema.json is out of date: regenerate it with "
        "`python -m lgo_audit.document` and commit it"
    )
    schema = json.loads(committed)
    assert list(schema["properties"]) == list(stats.COLUMNS)
    for column in stats.COLUMNS:
        prop = schema["properties"][column]
        if column == "population":
            assert (prop["type"], prop["minimum"]) == ("integer", 1)
            continue
        kind = FACTS[stats.COLUMN_FACTS[column]].kind
        if kind == "count":
            assert (prop["type"], prop["minimum"]) == ("integer", 0), column
        elif kind == "rate":
            assert (prop["type"], prop["minimum"]) == ("number", 0), column
            assert "maximum" not in prop
        elif kind == "percentage":
            assert (prop["type"], prop["minimum"], prop["maximum"]) == ("number", 0, 100)


# --- docs/facts.md ----------------------------------------------------------------------------


def test_docs_facts_md_is_up_to_date():
    committed = (ROOT / "docs" / "facts.md").read_bytes().decode("utf-8").replace("\r\n", "\n")
    assert committed == docs.render_facts(), (
        "docs/facts.md is stale: run 'python -m lgo_audit.docs' and commit the result"
    )


@pytest.mark.parametrize("name", list(FACTS))
def test_docs_facts_md_gives_each_fact_its_column_and_template_years(name):
    fact = FACTS[name]
    (row,) = [r for r in docs.render_facts().splitlines() if r.startswith(f"| `{name}` |")]
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[3] == (f"`{fact.column}`" if fact.column else "\u2014")
    years = sorted(p.year for p in PROFILES.values() if name in p.facts)
    if name in REGISTER_NAMES:
        assert cells[4] == "every year (register)"
    elif name.startswith("document."):
        assert cells[4] == "every year (every document)"
    elif fact.derived_from:  # the years a profile states one of the facts it is taken from
        sources = {source for source, _, _ in fact.derived_from}
        first = min(p.year for p in PROFILES.values() if sources & p.facts)
        assert cells[4].startswith(str(first)) and cells[4].endswith("(taken from other facts)")
    elif not years:
        assert cells[4] == "none yet"
    else:
        assert str(years[0]) in cells[4]


def test_the_years_are_shortened_to_runs():
    assert docs._years([2020]) == "2020"
    assert docs._years([2023, 2020, 2021, 2022, 2025]) == "2020\u20132023, 2025"


def test_the_rate_type_is_exported_by_the_expression_language():
    assert RULE_TYPES["stated rate"] == expr.STATED_RATE


# --- each fact read is of its kind -------------------------------------------------------------

LETTERS = [ROOT / "examples" / "stockport-2020.txt", ROOT / "examples" / "stevenage-2020.txt"]
LETTERS += sorted((ROOT / "rules" / "base").glob("*.txt"))


@pytest.mark.parametrize("path", LETTERS, ids=[p.name for p in LETTERS])
def test_every_fact_a_letter_gives_has_a_value_of_its_kind(path):
    from lgo_audit.parse import parse_file
    from lgo_audit.register import load_register

    parsed = parse_file(path, authorities=load_register(None))
    assert parsed.is_letter
    for name, token in parsed.facts.items():
        assert name in parsed.applicable, name
        if token.value is not None:
            assert type(token.value) is KINDS[FACTS[name].kind].python, name
    assert set(parsed.missing) == parsed.applicable - set(parsed.facts)


def test_the_vocabulary_imports_no_pydantic():
    import subprocess
    import sys

    code = "import sys, lgo_audit.vocabulary; print('pydantic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("day", range(1, 32))
def test_a_long_date_reads_with_its_own_ordinal_and_no_other(day: int) -> None:
    from lgo_audit.grammar.elements import parse_long_date

    own = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day, "th")
    assert parse_long_date(f"{day}{own} May 2020") == dt.date(2020, 5, day)
    assert parse_long_date(f"{day}{own.upper()} May 2020") == dt.date(2020, 5, day)
    assert parse_long_date(f"{day} May 2020") == dt.date(2020, 5, day)
    for other in {"st", "nd", "rd", "th"} - {own}:
        assert parse_long_date(f"{day}{other} May 2020") is None, f"{day}{other}"
