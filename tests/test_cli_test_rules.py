"""`lgo-audit test-rules`: a team runs its own rules' examples the way the bundled ones are run."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lgo_audit.cli import app

runner = CliRunner()

TEAM_RULE = """
code = "LGO901"
name = "big-council"
severity = "warning"
summary = "More than 10 detailed investigations"
explanation = "x"
assert = "upheld.investigations <= 10"
message = "{upheld.investigations} investigations"
at = ["upheld.investigations"]

[[examples]]
kind = "valid"
description = "ten"
replace = [{ old = "total of 17 detailed investigations for the period between 1 April 2019 to 31 March 2020\\n\\nCompliance", new = "total of 10 detailed investigations for the period between 1 April 2019 to 31 March 2020\\n\\nCompliance" }]

[[examples]]
kind = "invalid"
description = "seventeen"
"""


def test_the_bundled_rules_pass_their_own_examples():
    result = runner.invoke(app, ["test-rules"])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip().splitlines()[-1].endswith(" failed") and ", 0 failed" in result.output
    )


def test_a_teams_rules_are_tested_alone(tmp_path: Path):
    (tmp_path / "big.toml").write_text(TEAM_RULE)
    result = runner.invoke(app, ["test-rules", "--rule-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 rule, 2 examples: 2 passed, 0 failed" in result.output


def test_a_wrong_example_fails_and_says_why(tmp_path: Path):
    broken = TEAM_RULE.replace(
        'description = "seventeen"', 'description = "seventeen"\nmessage = "eleven"'
    )
    (tmp_path / "big.toml").write_text(broken)
    result = runner.invoke(app, ["test-rules", "--rule-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "LGO901 invalid \"seventeen\": no message contains 'eleven'" in result.output


def test_a_rule_without_an_invalid_example_is_a_rule_problem_not_a_failed_case(tmp_path: Path):
    """Two valid cases that pass are two passed cases; the missing invalid case is the rule's."""
    head, valid, _invalid = TEAM_RULE.split("[[examples]]")
    only_valid = head + ("[[examples]]" + valid) * 2
    (tmp_path / "big.toml").write_text(only_valid)
    result = runner.invoke(app, ["test-rules", "--rule-dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "needs at least one valid and one invalid example" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "1 rule, 2 examples: 2 passed, 0 failed; 1 rule lacks a valid or an invalid example"
    )


def test_an_example_on_a_base_there_is_none_of_fails_and_names_the_rule(tmp_path: Path):
    """(It ended the whole run, naming only the missing file under rules/base.)"""
    broken = TEAM_RULE.replace(
        'description = "seventeen"', 'description = "seventeen"\nbase = "2031"'
    )
    (tmp_path / "big.toml").write_text(broken)
    result = runner.invoke(app, ["test-rules", "--rule-dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert (
        "LGO901 invalid \"seventeen\": no base letter or page '2031' (known: 2020," in result.output
    )
    assert "1 rule, 2 examples: 1 passed, 1 failed" in result.output


def test_a_batch_examples_missing_page_base_fails_and_names_the_rule(tmp_path: Path):
    batch = """
code = "LGO902"
name = "same-average"
severity = "warning"
kind = "batch"
summary = "Letters of a year state one upheld average"
explanation = "x"
group = ["document.kind", "document.year"]
agree = "upheld.average"
message = "average {value}"
at = ["upheld.average"]

[[examples]]
kind = "valid"
description = "alike"
letters = [{ replace = [] }, { replace = [] }]

[[examples]]
kind = "invalid"
description = "a page of 2020"
letters = [{ page = true, replace = [] }, { replace = [] }]
"""
    (tmp_path / "batch.toml").write_text(batch)
    result = runner.invoke(app, ["test-rules", "--rule-dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "LGO902 invalid \"a page of 2020\": no base letter or page '2020-page'" in result.output
