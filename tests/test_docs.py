"""The generated reference (docs/rules.md, docs/facts.md, the function reference of
docs/writing-rules.md) matches the rules and the code."""

from __future__ import annotations

import re

import pytest

from lgo_audit import docs, expr
from lgo_audit.model import FACT_TYPES
from lgo_audit.rules import load_rules

RULES = load_rules()
GENERATED = docs.generated()
STALE = "is stale: run 'python -m lgo_audit.docs' and commit the result"


def committed(name: str) -> str:
    path = docs.DOCS_DIR / name
    assert path.is_file(), f"docs/{name} is missing: run 'python -m lgo_audit.docs'"
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_committed_reference_is_up_to_date(name):
    assert committed(name) == GENERATED[name], f"docs/{name} {STALE}"


def test_generation_is_deterministic():
    assert docs.generated() == GENERATED


@pytest.mark.parametrize("rule", list(RULES), ids=lambda r: r.code)
def test_every_rule_has_an_anchor_and_a_row(rule):
    text = GENERATED["rules.md"]
    assert text.count(f'<a id="{rule.code.lower()}"></a>') == 1
    assert f"| [{rule.code}](#{rule.code.lower()}) | `{rule.name}` |" in text
    assert f"### {rule.code} `{rule.name}`" in text


def test_every_anchor_is_a_rule():
    anchors = re.findall(r'<a id="(lgo\d{3})"></a>', GENERATED["rules.md"])
    assert anchors == [rule.code.lower() for rule in RULES]


@pytest.mark.parametrize("name", sorted(FACT_TYPES))
def test_every_fact_appears(name):
    assert f"| `{name}` |" in GENERATED["facts.md"]


@pytest.mark.parametrize("name", sorted(expr.FUNCTIONS))
def test_every_function_appears_in_writing_rules_with_its_signatures(name):
    function = expr.FUNCTIONS[name]
    text = GENERATED["writing-rules.md"]
    assert text.count(f"| `{name}` | `{name}(") == 1
    for signature in function.signatures:
        assert f"`{signature.text(name)}`" in text


def test_the_function_reference_is_between_its_markers_and_the_rest_is_kept():
    source = committed("writing-rules.md")
    begin = source.index(docs.FUNCTIONS_BEGIN)
    end = source.index(docs.FUNCTIONS_END)
    assert "| `percent` |" in source[begin:end]
    altered = source[:begin] + docs.FUNCTIONS_BEGIN + "\nstale\n" + source[end:]
    assert docs.render_writing_rules(altered) == source
    with pytest.raises(ValueError, match="markers"):
        docs.render_writing_rules(source.replace(docs.FUNCTIONS_END, ""))


def test_check_passes_on_fresh_files_and_fails_on_stale_ones(tmp_path, capsys):
    assert docs.main(["--docs-dir", str(tmp_path)]) == 0
    assert docs.main(["--check", "--docs-dir", str(tmp_path)]) == 0
    (tmp_path / "facts.md").write_text("stale\n", encoding="utf-8")
    capsys.readouterr()
    assert docs.main(["--check", "--docs-dir", str(tmp_path)]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert "docs/facts.md" in message
    assert "docs/rules.md" not in message


def test_check_reports_missing_files(tmp_path, capsys):
    assert docs.main(["--check", "--docs-dir", str(tmp_path / "nowhere")]) == 1
    assert "docs/rules.md and docs/facts.md are stale" in capsys.readouterr().err
