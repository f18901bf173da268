"""The committed JSON Schemas: valid, every bundled rule valid, and no drift from the model."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
RULE_FILES = sorted((ROOT / "rules").glob("*.toml"))
REGENERATE = "regenerate it with `python -m lgo_audit.document` and commit it"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def rule_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_json(SCHEMAS / "rule.schema.json"))


def test_the_rule_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(load_json(SCHEMAS / "rule.schema.json"))


def test_there_are_bundled_rules_to_validate():
    assert len(RULE_FILES) >= 30


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_every_bundled_rule_file_validates_against_the_rule_schema(path):
    rule = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = [
        f"{'.'.join(map(str, e.absolute_path)) or '<top>'}: {e.message}"
        for e in rule_validator().iter_errors(rule)
    ]
    assert errors == []


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_every_bundled_rule_file_is_named_after_its_code_and_name(path):
    rule = tomllib.loads(path.read_text(encoding="utf-8"))
    assert path.name == f"{rule['code']}-{rule['name']}.toml"


def test_the_rule_schema_rejects_an_unknown_key():
    rule = tomllib.loads(RULE_FILES[0].read_text(encoding="utf-8"))
    rule["colour"] = "red"
    assert not rule_validator().is_valid(rule)


def test_the_committed_letter_schema_exists():
    path = SCHEMAS / "letter.schema.json"
    if not path.is_file():
        pytest.fail(f"schemas/letter.schema.json is missing: {REGENERATE}")


def test_the_committed_letter_schema_is_a_valid_draft_2020_12_schema():
    path = SCHEMAS / "letter.schema.json"
    if not path.is_file():
        pytest.fail(f"schemas/letter.schema.json is missing: {REGENERATE}")
    jsonschema.Draft202012Validator.check_schema(load_json(path))


def test_the_committed_letter_schema_is_the_one_the_model_generates():
    from lgo_audit.document import schema_json

    path = SCHEMAS / "letter.schema.json"
    if not path.is_file():
        pytest.fail(f"schemas/letter.schema.json is missing: {REGENERATE}")
    committed = path.read_text(encoding="utf-8")
    assert committed == schema_json(), f"schemas/letter.schema.json is out of date: {REGENERATE}"
