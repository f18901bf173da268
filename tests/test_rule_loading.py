"""Loading rule files fails closed: a broken or hostile rule never runs.

A team's rule folder (``check --rule-dir``) holding a copy of a bundled rule with one thing
altered must be rejected before any letter is checked: exit status 2 and one line on standard
error naming the file, the rule and the field. Hostile rule files are rejected at load, or
evaluated safely within bounds (quickly, with a finding that says the rule could not be
evaluated rather than a crash or a hang).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.rules import Rule, RuleLoadError, load_rules
from tests.paths import STOCKPORT

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "rules"
NO_CACHE = {"LGO_AUDIT_NO_CACHE": "1"}  # validate every file, whatever an earlier run remembered

FACT_RULE = (BUNDLED / "LGO101-upheld-rate-mismatch.toml").read_text(encoding="utf-8")
TEXT_RULE = (BUNDLED / "LGO402-placeholder-text.toml").read_text(encoding="utf-8")


def team_rule(source: str = FACT_RULE, code: str = "LGO901", name: str = "team-rule") -> str:
    """A bundled rule given a code and name of its own (so that it is not a duplicate)."""
    source = re.sub(r'(?m)^code = ".*"$', f'code = "{code}"', source, count=1)
    return re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', source, count=1)


def set_line(source: str, key: str, value: str) -> str:
    """Replace the top-level ``key = ...`` line (it must exist)."""
    new, n = re.subn(rf"(?m)^{re.escape(key)} = .*$", lambda _: f"{key} = {value}", source, count=1)
    assert n == 1, key
    return new


def set_patterns(source: str, *patterns: str) -> str:
    """Replace the (multi-line) ``patterns = [...]`` array of a text rule."""
    array = "[" + ", ".join(f"'{p}'" for p in patterns) + "]"
    new, n = re.subn(
        r"(?ms)^patterns = \[.*?^\]$", lambda _: f"patterns = {array}", source, count=1
    )
    assert n == 1
    return new


def toml_string(text: str) -> str:
    """A TOML literal string (no escapes needed for expressions with double quotes)."""
    assert "'" not in text
    return f"'{text}'"


def rule_dir(tmp_path: Path, *sources: str) -> Path:
    folder = tmp_path / "team-rules"
    folder.mkdir()
    for i, source in enumerate(sources, start=1):
        (folder / f"rule-{i}.toml").write_text(source, encoding="utf-8")
    return folder


def check(folder: Path, letter: Path = STOCKPORT) -> Any:
    return CliRunner().invoke(
        app, ["check", "--isolated", "--rule-dir", str(folder), str(letter)], env=NO_CACHE
    )


def check_only_the_team_rule(folder: Path) -> Any:
    args = ["check", "--isolated", "--rule-dir", str(folder), "--select", "LGO901"]
    return CliRunner().invoke(
        app, [*args, "--output-format", "concise", str(STOCKPORT)], env=NO_CACHE
    )


def assert_rejected(
    result: Any, folder: Path, file: str, rule: str | None, field: str | None
) -> str:
    """Exit 2, nothing checked, one line naming the file, the rule and the field; the line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert file in line
    rest = line.replace(str(folder), "<dir>")
    if rule is not None:
        assert rule in rest
    if field is not None:
        assert re.search(rf"'{re.escape(field)}'", rest), f"field {field!r} not named in: {line}"
    return line


# --- broken rule files -----------------------------------------------------------------------

Alteration = Callable[[str], str]

BROKEN: dict[str, tuple[Alteration, str, str]] = {
    # name: (alteration of the team rule, rule named in the message, field named)
    "unknown-key": (
        lambda s: set_line(s, "severity", '"error"\ncolour = "red"'),
        "LGO901",
        "colour",
    ),
    "bad-code": (lambda s: set_line(s, "code", '"LGO1"'), "LGO1", "code"),
    "bad-name": (lambda s: set_line(s, "name", '"Not_Kebab"'), "LGO901", "name"),
    "bad-severity": (lambda s: set_line(s, "severity", '"fatal"'), "LGO901", "severity"),
    "bad-kind": (lambda s: set_line(s, "severity", '"error"\nkind = "wat"'), "LGO901", "kind"),
    "expression-does-not-parse": (
        lambda s: set_line(s, "assert", toml_string("upheld.percent == (1 +")),
        "LGO901",
        "assert",
    ),
    "fact-not-in-vocabulary": (
        lambda s: set_line(s, "assert", toml_string("upheld.percentage is not null")),
        "LGO901",
        "assert",
    ),
    "unknown-name-in-message": (
        lambda s: set_line(s, "message", toml_string("{upheld.percentage}% upheld")),
        "LGO901",
        "message",
    ),
    "unknown-fact-in-at": (lambda s: set_line(s, "at", '["upheld.percentage"]'), "LGO901", "at.0"),
}


@pytest.mark.parametrize(("alter", "rule", "field"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_rule_is_rejected_naming_file_rule_and_field(tmp_path, alter, rule, field):
    folder = rule_dir(tmp_path, alter(team_rule()))
    assert_rejected(check(folder), folder, "rule-1.toml", rule, field)


def test_a_cross_letter_rule_of_an_unknown_kind_is_rejected_naming_the_kind(tmp_path):
    """A batch rule's keys (group, each, agree) belong to no other kind: a kind that is none
    of them breaks those rules as well as the kind's own list; the kind is named, not the
    rule's whole table quoted."""
    source = (BUNDLED / "LGO501-averages-differ.toml").read_text(encoding="utf-8")
    folder = rule_dir(tmp_path, set_line(team_rule(source), "kind", '"wat"'))
    line = assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", "kind")
    assert "'wat' is not one of" in line and "{" not in line


def test_an_unknown_fact_is_named_with_a_suggestion(tmp_path):
    folder = rule_dir(
        tmp_path, set_line(team_rule(), "assert", toml_string("upheld.percentage is not null"))
    )
    line = assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", "assert")
    assert "upheld.percentage" in line and "upheld.percent" in line.replace("upheld.percentage", "")


def test_invalid_toml_is_rejected_naming_the_file_and_the_line(tmp_path):
    folder = rule_dir(tmp_path, set_line(team_rule(), "severity", "error"))  # unquoted string
    line = assert_rejected(check(folder), folder, "rule-1.toml", None, None)
    assert "TOML" in line and re.search(r"line \d+", line)


def test_a_code_used_in_two_files_is_rejected_naming_both(tmp_path):
    folder = rule_dir(tmp_path, team_rule(name="first-rule"), team_rule(name="second-rule"))
    line = assert_rejected(check(folder), folder, "rule-2.toml", "LGO901", None)
    assert "rule-1.toml" in line


def test_a_team_rule_reusing_a_bundled_code_is_rejected(tmp_path):
    folder = rule_dir(tmp_path, team_rule(code="LGO101", name="team-rule"))
    line = assert_rejected(check(folder), folder, "rule-1.toml", "LGO101", None)
    assert "LGO101-upheld-rate-mismatch.toml" in line


def test_a_duplicate_code_names_the_field(tmp_path):
    folder = rule_dir(tmp_path, team_rule(name="first-rule"), team_rule(name="second-rule"))
    assert_rejected(check(folder), folder, "rule-2.toml", "LGO901", "code")


def test_a_valid_team_rule_is_loaded_and_runs(tmp_path):
    """The control for the tests above: a well-formed team rule is accepted and fires."""
    folder = rule_dir(
        tmp_path, set_line(team_rule(), "assert", toml_string("upheld.percent == 60"))
    )
    result = check_only_the_team_rule(folder)
    assert result.exit_code == 1, result.output
    assert ": LGO901 [error] " in result.stdout


def test_a_missing_rule_dir_is_rejected(tmp_path):
    result = check(tmp_path / "no-such-rules")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "no-such-rules" in result.stderr


def test_a_rule_dir_that_is_a_file_is_rejected_as_not_a_folder(tmp_path):
    rule = tmp_path / "rule.toml"
    rule.write_text(team_rule(), encoding="utf-8")
    result = check(rule)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"lgo-audit: {rule}: is not a folder of rule files"]


# --- types: a mismatch is a load error, not a rule error on some letter ----------------------

EACH_RULE = (BUNDLED / "LGO109-percentage-out-of-range.toml").read_text(encoding="utf-8")

MISTYPED: dict[str, tuple[Alteration, str, str]] = {
    # name: (alteration of the team rule, field named, fragment of the message)
    "date-compared-with-a-number": (
        lambda s: set_line(s, "assert", toml_string("letter_date > 2020")),
        "assert",
        "cannot compare letter_date (date) with 2020 (integer) using '>'",
    ),
    "function-given-the-wrong-type": (
        lambda s: set_line(s, "assert", toml_string("year(upheld.count) == 2020")),
        "assert",
        "year() takes d as a date, got upheld.count (integer)",
    ),
    "arithmetic-on-a-string": (
        lambda s: set_line(s, "message", toml_string("{authority.name - 1}")),
        "message",
        "cannot apply '-' to authority.name (string) and 1 (integer)",
    ),
    "string-compared-with-a-number-in-when": (
        lambda s: set_line(s, "when", toml_string('training.courses != "none"')),
        "when",
        'cannot compare training.courses (integer) with "none" (string)',
    ),
    "assert-that-is-not-a-boolean": (
        lambda s: set_line(s, "assert", toml_string("upheld.count")),
        "assert",
        "must give true, false or null, but upheld.count gives an integer",
    ),
    "logic-on-a-number": (
        lambda s: set_line(s, "when", toml_string("upheld.count and section.upheld")),
        "when",
        "'and' needs true, false or null, got upheld.count (integer)",
    ),
    "ordering-booleans": (
        lambda s: set_line(s, "when", toml_string("section.upheld < section.remedy")),
        "when",
        "cannot order booleans",
    ),
    "replacement-that-is-not-a-string": (
        lambda s: set_line(s, "replacement", toml_string("percent(upheld.count, 17, 0)")),
        "fix.replacement",
        "must give a string, but percent(upheld.count, 17, 0) gives a decimal",
    ),
    "union-that-may-be-a-string": (
        lambda s: set_line(s, "assert", toml_string('coalesce(upheld.count, "none") + 1 > 0')),
        "assert",
        'coalesce(upheld.count, "none") (integer or string)',
    ),
    "let-of-the-wrong-type-used-later": (
        lambda s: set_line(s, "when", toml_string("label > 0")).replace(
            "\n[fix]", "\n[let]\nlabel = 'upheld.count_label'\n\n[fix]", 1
        ),
        "when",
        "cannot compare label (string) with 0 (integer)",
    ),
    "mistyped-let": (
        lambda s: s.replace("\n[fix]", "\n[let]\nyear = 'year(upheld.percent)'\n\n[fix]", 1),
        "let.year",
        "year() takes d as a date, got upheld.percent (stated percentage)",
    ),
}


@pytest.mark.parametrize(("alter", "field", "fragment"), MISTYPED.values(), ids=MISTYPED.keys())
def test_a_type_mismatch_is_rejected_at_load_in_one_line(tmp_path, alter, field, fragment):
    folder = rule_dir(tmp_path, alter(team_rule()))
    line = assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", field)
    assert fragment in line


OLD_LGO101_ASSERT = "percent(upheld.count, upheld.investigations) == upheld.percent"
ROUNDING = {
    "equality": (
        OLD_LGO101_ASSERT,
        "write rounds_half_up_to(percent(upheld.count, upheld.investigations), upheld.percent)",
    ),
    "inequality-stated-first": (
        "upheld.percent != percent(upheld.count, upheld.investigations)",
        "write not rounds_half_up_to(percent(upheld.count, upheld.investigations), upheld.percent)",
    ),
    "literal": ("percent(upheld.count, upheld.investigations) == 59", "rounds_half_up_to("),
    "old-lgo104": (
        "(upheld.count == 0 and remedy.percent == 0) or (upheld.count > 0 and "
        "percent(remedy.count, upheld.count) == remedy.percent)",
        "write rounds_half_up_to(percent(remedy.count, upheld.count), remedy.percent)",
    ),
}


@pytest.mark.parametrize(("expression", "advice"), ROUNDING.values(), ids=ROUNDING.keys())
def test_equality_of_a_computed_and_a_stated_percentage_is_rejected_naming_the_function(
    tmp_path, expression, advice
):
    """``percent(k, n) == p`` used to mean "equal after rounding half up at p's places" without
    saying so: it is refused, and the message names the function that says it."""
    folder = rule_dir(tmp_path, set_line(team_rule(), "assert", toml_string(expression)))
    line = assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", "assert")
    assert "between a computed percentage" in line and "does not say how to round" in line
    assert advice in line
    assert "which rounds half up at the places" in line


def test_the_advised_rounding_function_loads_and_judges_as_the_old_comparison_did(tmp_path):
    """The control: LGO101's assertion as the message advises fires on a 60% over 10 of 17."""
    advised = "rounds_half_up_to(percent(upheld.count, upheld.investigations), upheld.percent)"
    source = set_line(team_rule(), "assert", toml_string(advised))
    letter = tmp_path / "letter.txt"
    text = STOCKPORT.read_text(encoding="utf-8")
    assert text.count("59% of complaints") == 1
    letter.write_text(text.replace("59% of complaints", "60% of complaints"), encoding="utf-8")
    args = ["check", "--isolated", "--rule-dir", str(rule_dir(tmp_path, source))]
    result = CliRunner().invoke(
        app,
        [*args, "--select", "LGO901", "--output-format", "concise", str(letter)],
        env=NO_CACHE,
    )
    assert result.exit_code == 1, result.output
    assert "LGO901 [error] 60% upheld stated, but 10 of 17 is 59%" in result.stdout


def test_an_each_entry_of_another_type_is_rejected_naming_the_entry(tmp_path):
    source = team_rule(EACH_RULE).replace(
        '{ it = "remedy.average", what = "\'the remedy average\'" }',
        '{ it = "letter_date", what = "\'the letter date\'" }',
    )
    assert "letter_date" in source
    folder = rule_dir(tmp_path, source)
    line = assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", "assert")
    assert "cannot compare it (date) with 0 (integer) using '>='" in line
    assert "(with the names of each.5)" in line


def test_each_entries_are_checked_each_as_what_it_binds(tmp_path):
    """A name bound to a date in one entry and a percentage in another is no error when each
    entry's expressions fit its own types."""
    source = set_line(team_rule(EACH_RULE), "assert", toml_string("it is not null"))
    source = source.replace(
        '{ it = "remedy.average", what = "\'the remedy average\'" }',
        '{ it = "letter_date", what = "\'the letter date\'" }',
    )
    [rule] = [r for r in load_rules([rule_dir(tmp_path, source)]) if r.code == "LGO901"]
    assert rule.each and len(rule.each) == 6


def test_a_cached_parse_is_type_checked_again(tmp_path):
    """Parsed expressions are cached between runs; the type check is not. ``label > 0`` parsed
    for a rule where ``label`` is a count comes from the cache for a rule where it is a string,
    and is rejected there."""
    cache = {"LGO_AUDIT_CACHE_DIR": str(tmp_path / "cache")}

    def with_label(fact: str) -> str:
        source = set_line(team_rule(), "when", toml_string("label > 0"))
        return source.replace("\n[fix]", f"\n[let]\nlabel = '{fact}'\n\n[fix]", 1)

    good = tmp_path / "good"
    good.mkdir()
    (good / "rule-1.toml").write_text(with_label("upheld.count"), encoding="utf-8")
    args = ["check", "--isolated", "--rule-dir", str(good), str(STOCKPORT)]
    result = CliRunner().invoke(app, args, env=cache)
    assert result.exit_code in (0, 1), result.output
    (file,) = (tmp_path / "cache" / "lgo-audit" / "parsed-expressions").glob("*.json")
    cached = file.read_text()
    assert '"label"' in cached

    folder = rule_dir(tmp_path, with_label("upheld.count_label"))
    args = ["check", "--isolated", "--rule-dir", str(folder), str(STOCKPORT)]
    result = CliRunner().invoke(app, args, env=cache)
    line = assert_rejected(result, folder, "rule-1.toml", "LGO901", "when")
    assert "cannot compare label (string) with 0 (integer)" in line


def test_names_whose_type_is_unknown_at_load_are_accepted(tmp_path):
    """A batch rule's ``value`` has no type when the rule is loaded: accepted anywhere."""
    batch = (BUNDLED / "LGO504-signatory-differs.toml").read_text(encoding="utf-8")
    message = toml_string('{value + 1} {choose(value == 59, "a", "b")} {text(majority) + "%"}')
    source = set_line(team_rule(batch, "LGO902", "team-batch"), "message", message)
    rules = load_rules([rule_dir(tmp_path, source)])
    assert rules.get("LGO902") is not None


# --- hostile rule files: rejected at load ----------------------------------------------------

HOSTILE_ASSERTS = {
    "import": "__import__('os').system('echo owned')",
    "dunder-attribute": "().__class__.__bases__[0].__subclasses__()",
    "nested-parentheses": "(" * 10_000 + "1" + ")" * 10_000 + " == 1",
    "power-tower": "9**9**9 > 0",
    "100-kb-expression": " + ".join(["upheld.percent"] * 7_000) + " > 0",
}


@pytest.mark.parametrize("expression", HOSTILE_ASSERTS.values(), ids=HOSTILE_ASSERTS.keys())
def test_a_hostile_expression_is_rejected_at_load(tmp_path, expression):
    source = set_line(team_rule(), "assert", '"""' + expression.replace("\\", "\\\\") + '"""')
    folder = rule_dir(tmp_path, source)
    assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", "assert")


def test_a_hostile_message_template_is_rejected_at_load(tmp_path):
    source = set_line(team_rule(), "message", toml_string('{__import__("os").getcwd()}'))
    folder = rule_dir(tmp_path, source)
    assert_rejected(check(folder), folder, "rule-1.toml", "LGO901", "message")


def test_a_pattern_re2_cannot_run_in_linear_time_is_rejected_at_load(tmp_path):
    source = set_patterns(team_rule(TEXT_RULE, "LGO902", "team-pattern"), "(?=a)b")
    folder = rule_dir(tmp_path, source)
    assert_rejected(check(folder), folder, "rule-1.toml", "LGO902", "patterns.0")


def test_a_pattern_with_nested_quantifiers_is_compiled_by_the_linear_engine(tmp_path):
    assert_refused_or_linear(load_team_pattern_rule(tmp_path, "(a+)+$"))


# --- hostile rule files: evaluated safely within bounds --------------------------------------


def test_an_expression_whose_value_grows_too_large_is_a_rule_error_not_a_crash(tmp_path):
    huge = " * ".join(["999999999"] * 5) + " > 0"  # 10**45: beyond the evaluator's bound
    folder = rule_dir(tmp_path, set_line(team_rule(), "assert", toml_string(huge)))
    result = check_only_the_team_rule(folder)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    [line] = [row for row in result.stdout.splitlines() if "LGO901" in row]
    assert "could not be evaluated" in line


def load_team_pattern_rule(tmp_path: Path, pattern: str) -> Rule | RuleLoadError:
    """Load a team text rule whose only pattern is ``pattern``: the rule, or the load error."""
    source = set_patterns(team_rule(TEXT_RULE, "LGO902", "team-pattern"), pattern)
    folder = rule_dir(tmp_path, source)
    try:
        [rule] = [r for r in load_rules([folder]).rules if r.code == "LGO902"]
    except RuleLoadError as error:
        return error
    return rule


def assert_refused_or_linear(loaded: Rule | RuleLoadError) -> None:
    """A hostile pattern is refused at load, or compiled by RE2, whose matching time is linear
    in the text whatever the pattern (no backtracking): never by Python's ``re``."""
    if isinstance(loaded, RuleLoadError):
        assert "patterns.0" in str(loaded)
        return
    assert loaded.patterns, "the rule lost its pattern"
    for pattern in loaded.patterns:
        assert not isinstance(pattern, re.Pattern), "a backtracking engine compiled the pattern"
        assert type(pattern).__module__ == "re2", type(pattern)


@pytest.mark.parametrize(
    "pattern",
    ["((a+))+$", "(a|a)+$", "(a+)+$", "(a*)*b", "(.*a){20}", "(a|aa)+$", "(x+x+)+y"],
)
def test_a_catastrophic_backtracking_pattern_is_refused_or_compiled_by_the_linear_engine(
    tmp_path, pattern
):
    assert_refused_or_linear(load_team_pattern_rule(tmp_path, pattern))


def test_a_hostile_pattern_on_a_long_run_of_its_letter_gives_an_answer(tmp_path):
    """The same pattern checked on a letter ending in the run that makes a backtracking engine
    explode: the check finishes (in process, no timer) and reports without a traceback."""
    source = set_patterns(team_rule(TEXT_RULE, "LGO902", "team-pattern"), "(a|a)+$")
    folder = rule_dir(tmp_path, source)
    letter = tmp_path / "letter.txt"
    text = STOCKPORT.read_text(encoding="utf-8") + "\n\n" + "a" * 64 + "!\n"
    letter.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["check", "--isolated", "--rule-dir", str(folder), "--select", "LGO902", str(letter)],
        env=NO_CACHE,
    )
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


def test_a_safe_team_pattern_fires_on_the_same_letter(tmp_path):
    """The control for the tests above: a team text rule does fire on such a letter."""
    source = set_patterns(team_rule(TEXT_RULE, "LGO902", "team-pattern"), "a{40}!")
    folder = rule_dir(tmp_path, source)
    letter = tmp_path / "letter.txt"
    text = STOCKPORT.read_text(encoding="utf-8") + "\n\n" + "a" * 40 + "!\n"
    letter.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["check", "--isolated", "--rule-dir", str(folder), "--select", "LGO902", str(letter)],
        env=NO_CACHE,
    )
    assert result.exit_code == 1, result.output  # the team rule (severity error) fires
    assert "LGO902" in result.stdout


# --- rule files remembered between runs ------------------------------------------------------


def test_an_unchanged_rule_file_is_read_from_the_cache_not_as_toml(tmp_path, monkeypatch):
    """A file that passed the schema is remembered by its content with what TOML read from
    it: the next run neither validates it nor reads it as TOML, and gets the same rules."""
    import tomllib

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    folder = rule_dir(tmp_path, team_rule())
    first = load_rules([folder])

    def no_toml(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read as TOML again")

    monkeypatch.setattr(tomllib, "loads", no_toml)
    again = load_rules([folder])
    assert [(r.code, r.raw) for r in again] == [(r.code, r.raw) for r in first]
    assert again.version == first.version


def test_a_changed_rule_file_is_read_and_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    folder = rule_dir(tmp_path, team_rule())
    load_rules([folder])
    path = folder / "rule-1.toml"
    path.write_text(set_line(team_rule(), "summary", '"Another summary"'), encoding="utf-8")
    assert load_rules([folder]).get("LGO901").summary == "Another summary"
    path.write_text(set_line(team_rule(), "severity", '"fatal"'), encoding="utf-8")
    with pytest.raises(RuleLoadError, match="severity"):
        load_rules([folder])


def test_rules_read_back_from_the_cache_judge_every_example_as_rules_compiled_afresh(
    tmp_path, monkeypatch
):
    """A rule file this version of the code compiled before is read back from the cache, not
    type-checked again, its expressions compiled when first evaluated: every example of every
    rule is judged as by the rule compiled afresh."""
    from lgo_audit import rules
    from lgo_audit.examples import run_example

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    afresh = load_rules()

    def not_again(*_: object) -> None:
        raise AssertionError("a rule file compiled before was type-checked again")

    monkeypatch.setattr(rules, "RuleTypes", not_again)
    read_back = load_rules()
    assert [r.code for r in read_back] == [r.code for r in afresh]
    for before, after in zip(afresh, read_back, strict=True):
        for example in before.examples:
            expected, got = run_example(before, example), run_example(after, example)
            assert (got.ok, got.problems) == (expected.ok, expected.problems), before.code


def test_a_rule_file_changed_is_type_checked_again(tmp_path, monkeypatch):
    """(Its content is its key: the type error of the changed file is found, cold or warm.)"""
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    good = set_line(team_rule(), "when", toml_string("upheld.count > 0"))
    bad = set_line(team_rule(), "when", toml_string('upheld.count > "many"'))
    folder = rule_dir(tmp_path, good)
    load_rules([folder])
    (folder / "rule-1.toml").write_text(bad, encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleLoadError, match="cannot compare"):
            load_rules([folder])
