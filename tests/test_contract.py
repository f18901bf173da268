"""The command-line contract: what the faults issue found, each fault's kind pinned.

A path or folder that gives nothing is said so (``config`` of a missing path, a rule folder
whose rules sit in a sub-folder); a file nested too deeply is named, not an internal error;
a refused expression says why; every option's choices and default are in ``--help``; a rule
message says what the rule tests; a hard-wrapped Markdown link is a link; and the pre-commit
hook's option that skips files holding no statement of any template year.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lgo_audit import cli
from lgo_audit.application import CheckOptions, UsageError, run_check, settings_for
from lgo_audit.cli import app
from lgo_audit.expr import MAX_SOURCE_LENGTH
from lgo_audit.grammar import PROFILES
from lgo_audit.normalise import normalise
from lgo_audit.reader import DEFAULT_MAX_BYTES
from lgo_audit.resources import schema_path
from lgo_audit.rules import RuleLoadError, load_rule_text
from tests.paths import ROOT

EXAMPLES = ROOT / "examples"
STOCKPORT = EXAMPLES / "stockport-2020.txt"
STEVENAGE = EXAMPLES / "stevenage-2020.txt"
BUNDLED = ROOT / "rules"
NO_CACHE = {"LGO_AUDIT_NO_CACHE": "1"}  # validate every file, whatever an earlier run remembered
FACT_RULE = (BUNDLED / "LGO101-upheld-rate-mismatch.toml").read_text(encoding="utf-8")
DEEP = 5_000


def run(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, [*map(str, args)], env=env)


def one_line_error(result: Any) -> str:
    """Exit status 2, nothing on standard output, one line on standard error (no internal
    error); the line."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


def team_rule(code: str = "LGO901", name: str = "team-rule", source: str = FACT_RULE) -> str:
    source = re.sub(r'(?m)^code = ".*"$', f'code = "{code}"', source, count=1)
    return re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', source, count=1)


def set_line(source: str, key: str, value: str) -> str:
    new, n = re.subn(rf"(?m)^{re.escape(key)} = .*$", lambda _: f"{key} = {value}", source, count=1)
    assert n == 1, key
    return new


def letter_copy(folder: Path, name: str = "stockport.txt", source: Path = STOCKPORT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    letter = folder / name
    letter.write_bytes(source.read_bytes())
    return letter


# --- lgo-audit config PATH: a path that is not there ---------------------------------------------


def test_check_of_a_dash_says_standard_input_is_not_read(tmp_path, monkeypatch):
    """``-`` is standard input to many tools; here it is a file's name, and none is there."""
    monkeypatch.chdir(tmp_path)
    result = run("check", "--isolated", "-")
    assert result.exit_code == 2
    assert "-: no such file (standard input is not read: name the files)" in result.stderr


def test_a_file_named_dash_is_checked_as_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    letter_copy(tmp_path, "-")
    result = run("check", "--isolated", "--output-format", "concise", "-")
    assert result.exit_code in (0, 1) and "standard input" not in result.stderr


def test_config_of_a_missing_path_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "nonexistent"
    line = one_line_error(run("config", missing))
    assert line == f"lgo-audit: {missing}: no such file or directory"


def test_config_of_a_missing_file_in_an_existing_folder_is_an_error(tmp_path):
    line = one_line_error(run("config", tmp_path / "letter-2020.txt"))
    assert "letter-2020.txt: no such file or directory" in line


def test_config_of_a_dangling_symlink_is_an_error(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "never-there.txt")
    assert "gone.txt: no such file or directory" in one_line_error(run("config", link))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_config_of_a_path_that_is_neither_file_nor_folder_is_an_error(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    line = one_line_error(run("config", pipe))
    assert line == f"lgo-audit: {pipe}: not a file or folder"


def test_config_of_a_missing_path_is_a_usage_error_in_the_application(tmp_path):
    with pytest.raises(UsageError, match="no such file or directory"):
        settings_for(tmp_path / "nonexistent")


def test_config_of_an_existing_file_or_folder_still_shows_the_settings(tmp_path):
    letter = letter_copy(tmp_path)
    for path in (letter, tmp_path):
        result = run("config", "--isolated", path)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["source"] is None


# --- a rule folder that gives no rule -----------------------------------------------------------


def nested_rules(tmp_path: Path) -> tuple[Path, Path]:
    """A team folder whose one rule sits in a sub-folder; (folder, sub-folder)."""
    folder = tmp_path / "qa"
    sub = folder / "rules"
    sub.mkdir(parents=True)
    (sub / "LGO901-team-rule.toml").write_text(team_rule(), encoding="utf-8")
    return folder, sub


def test_test_rules_on_a_folder_whose_rules_sit_in_a_sub_folder_is_an_error(tmp_path):
    folder, sub = nested_rules(tmp_path)
    line = one_line_error(run("test-rules", "--rule-dir", folder))
    assert line == (
        f"lgo-audit: {folder}: no rule files (*.toml) in this folder; rule files in "
        f"sub-folders are not read: name the sub-folder ({sub})"
    )


def test_check_with_a_rule_dir_whose_rules_sit_in_a_sub_folder_is_an_error(tmp_path):
    folder, sub = nested_rules(tmp_path)
    letter = letter_copy(tmp_path / "letters")
    line = one_line_error(run("check", "--isolated", "--rule-dir", folder, letter))
    assert str(folder) in line and "name the sub-folder" in line and str(sub) in line


def test_an_empty_rule_dir_is_an_error(tmp_path):
    empty = tmp_path / "qa"
    empty.mkdir()
    for args in (("test-rules",), ("check", "--isolated", STOCKPORT)):
        line = one_line_error(run(*args, "--rule-dir", empty))
        assert line == f"lgo-audit: {empty}: no rule files (*.toml) in this folder"


@pytest.mark.parametrize("kind", ["broken link", "link in a loop", "folder"])
def test_a_rule_dir_entry_named_like_a_rule_file_that_is_none_is_an_error(tmp_path, kind):
    folder = tmp_path / "qa"
    folder.mkdir()
    (folder / "LGO901-team-rule.toml").write_text(team_rule(), encoding="utf-8")
    odd = folder / "LGO902-important.toml"
    if kind == "broken link":
        odd.symlink_to(folder / "gone.toml")
    elif kind == "link in a loop":
        odd.symlink_to(folder / "LGO903.toml")
        (folder / "LGO903.toml").symlink_to(odd)
    else:
        odd.mkdir()
    for args in (("test-rules",), ("check", "--isolated", STOCKPORT)):
        line = one_line_error(run(*args, "--rule-dir", folder))
        assert line.startswith("lgo-audit: ") and "LGO90" in line and "not a rule file" in line


@pytest.mark.parametrize("command", ["check", "test-rules"])
def test_a_rule_dir_that_is_a_link_in_a_loop_is_one_line(tmp_path, command):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    args = ("check", "--isolated", STOCKPORT) if command == "check" else (command,)
    line = one_line_error(run(*args, "--rule-dir", tmp_path / "a"))
    assert "link in a loop" in line


TOO_LONG = "a" * 300  # more than a file name may have (255 bytes on most file systems)


@pytest.mark.parametrize(
    "args",
    [
        ("config", TOO_LONG),
        ("check", "--config", TOO_LONG + ".toml", STOCKPORT),
        ("check", "--isolated", "-o", TOO_LONG + ".out", STOCKPORT),
        ("check", "--isolated", "--rule-dir", TOO_LONG, STOCKPORT),
        ("parse", "/".join(["d"] * 3000)),
    ],
    ids=["config", "--config", "-o", "--rule-dir", "parse"],
)
def test_a_name_too_long_for_the_file_system_is_one_line_naming_it(
    tmp_path, monkeypatch, capsys, args
):
    """(Refused by the system where no check expected it: said by the command line's own
    entry point, which the console script runs.)"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["lgo-audit", *map(str, args)])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1, err
    assert err.startswith("lgo-audit: ") and "too long" in err and "internal error" not in err


def test_a_configured_rule_dir_whose_rules_sit_in_a_sub_folder_is_an_error(tmp_path):
    nested_rules(tmp_path)
    (tmp_path / "lgo-audit.toml").write_text('rule-dirs = ["qa"]\n', encoding="utf-8")
    letter = letter_copy(tmp_path)
    for args in (("check", letter), ("config", tmp_path)):
        line = one_line_error(run(*args))
        assert "no rule files (*.toml) in this folder" in line and "name the sub-folder" in line


def test_naming_the_sub_folder_loads_its_rules(tmp_path):
    _, sub = nested_rules(tmp_path)
    result = run("test-rules", "--rule-dir", sub)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("1 rule, ")


# --- nested too deeply -------------------------------------------------------------------------

DEEP_TOML = {
    "array": "a = " + "[" * DEEP + "]" * DEEP + "\n",
    "inline-table": "a = " + "{ b = " * DEEP + "1" + " }" * DEEP + "\n",
    "table-header": "[severity." + ".".join(["a"] * DEEP) + ']\nb = "error"\n',
    "dotted-key": "severity." + ".".join(["a"] * DEEP) + ' = "error"\n',
    "known-key": "select = " + "[" * DEEP + "]" * DEEP + "\n",
}


@pytest.mark.parametrize("content", DEEP_TOML.values(), ids=DEEP_TOML.keys())
def test_a_configuration_nested_too_deeply_is_named(tmp_path, content):
    config = tmp_path / "lgo-audit.toml"
    config.write_text(content, encoding="utf-8")
    letter = letter_copy(tmp_path)
    for args in (("check", letter), ("config", tmp_path), ("check", "--config", config, letter)):
        assert one_line_error(run(*args)) == f"lgo-audit: {config}: nested too deeply"


def test_a_pyproject_nested_too_deeply_is_named(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.lgo-audit]\n" + DEEP_TOML["array"], encoding="utf-8")
    letter = letter_copy(tmp_path)
    assert one_line_error(run("check", letter)) == f"lgo-audit: {pyproject}: nested too deeply"


@pytest.mark.parametrize(
    "extra",
    [
        "colour = " + "[" * DEEP + "]" * DEEP,
        "colour = " + "{ a = " * DEEP + "1" + " }" * DEEP,
        "[examples." + ".".join(["a"] * DEEP) + "]\nb = 1",
    ],
    ids=["array", "inline-table", "table-header"],
)
def test_a_rule_file_nested_too_deeply_is_named(tmp_path, extra):
    folder = tmp_path / "qa"
    folder.mkdir()
    rule = folder / "LGO901-team-rule.toml"
    rule.write_text(team_rule() + "\n" + extra + "\n", encoding="utf-8")
    for args in (("test-rules",), ("check", "--isolated", STOCKPORT)):
        line = one_line_error(run(*args, "--rule-dir", folder, env=NO_CACHE))
        assert line == f"lgo-audit: {rule}: nested too deeply"


@pytest.mark.parametrize(
    "content",
    [
        "[" * DEEP + "]" * DEEP,
        '[{"code": "E06000007", "name": ' + "[" * DEEP + "]" * DEEP + ', "type": "Unitary"}]',
    ],
    ids=["list", "in-a-row"],
)
def test_a_json_register_nested_too_deeply_is_named(tmp_path, content):
    register = tmp_path / "councils.json"
    register.write_text(content, encoding="utf-8")
    (tmp_path / "lgo-audit.toml").write_text('authority-register = "councils.json"\n')
    letter = letter_copy(tmp_path)
    line = one_line_error(run("check", letter, env=NO_CACHE))
    assert line == f"lgo-audit: {register.resolve()}: nested too deeply"


def test_a_statistics_table_cannot_nest_and_a_bracketed_cell_is_only_text(tmp_path):
    """CSV has no nesting: a cell of brackets is a name that matches no letter, not a crash."""
    table = tmp_path / "stats.csv"
    table.write_text(f"authority,year\n{'[' * DEEP},2020\n", encoding="utf-8")
    result = run("check", "--isolated", "--data", table, "--output-format", "concise", STOCKPORT)
    assert "internal error" not in result.stderr
    assert result.exit_code == 1
    assert "LGO511" in result.stdout and "LGO512" in result.stdout


def test_a_cache_file_nested_too_deeply_is_ignored(tmp_path):
    from lgo_audit.cache import check_line, read_json

    (tmp_path / "lgo-audit").mkdir()
    deep = ("[" * DEEP + "]" * DEEP).encode()  # with its digest: read, and too deep to load
    (tmp_path / "lgo-audit" / "deep.json").write_bytes(check_line(deep) + b"\n" + deep)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
        patch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path))
        assert read_json("deep.json") is None


# --- an expression too long: the reason --------------------------------------------------------


def long_expression(length: int) -> str:
    """An expression of exactly ``length`` characters (the bound is checked before parsing)."""
    return ("upheld.count == upheld.count and " * (length // 10))[: length - 4] + "true"


@pytest.mark.parametrize("field", ["assert", "when"])
def test_a_rule_expression_longer_than_the_bound_is_refused_with_the_reason(tmp_path, field):
    source = set_line(team_rule(), field, "'" + long_expression(5_000) + "'")
    folder = tmp_path / "qa"
    folder.mkdir()
    (folder / "LGO901-team-rule.toml").write_text(source, encoding="utf-8")
    for args in (("test-rules",), ("check", "--isolated", STOCKPORT)):
        line = one_line_error(run(*args, "--rule-dir", folder, env=NO_CACHE))
        assert line.endswith(
            f"LGO901: field '{field}': expression is longer than 4,000 characters (5,000)"
        ), line


def test_the_assert_of_5000_characters_is_refused_with_the_reason_whatever_the_cache(tmp_path):
    source = set_line(team_rule(), "assert", "'" + long_expression(5_000) + "'")
    path = tmp_path / "LGO901-team-rule.toml"
    for validate in (True, False):  # schema validation skipped: the expression parser says it
        with pytest.raises(RuleLoadError) as raised:
            load_rule_text(source.encode(), path, validate=validate)
        assert "field 'assert'" in str(raised.value)
        assert "expression is longer than 4,000 characters (5,000)" in str(raised.value)


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("[let]\nratio = ", "let.ratio"),
        (
            "[fix]\napplicability = 'unsafe'\nat = 'upheld.percent'\ndescription = 'x'\n"
            "replacement = ",
            "fix.replacement",
        ),
    ],
)
def test_other_expression_fields_say_why_too(tmp_path, table, field):
    source = re.sub(r"(?ms)^\[fix\].*?(?=^\[\[examples\]\])", "", team_rule())
    source = source.replace(
        "[[examples]]", table + "'" + long_expression(5_000) + "'\n\n[[examples]]", 1
    )
    with pytest.raises(RuleLoadError) as raised:
        load_rule_text(source.encode(), tmp_path / "r.toml")
    assert f"field '{field}'" in str(raised.value)
    assert "expression is longer than 4,000 characters (5,000)" in str(raised.value)


def test_a_message_too_long_says_its_bound(tmp_path):
    source = set_line(team_rule(), "message", "'" + "x" * 1_200 + "'")
    with pytest.raises(RuleLoadError) as raised:
        load_rule_text(source.encode(), tmp_path / "r.toml")
    message = str(raised.value)
    assert "field 'message': text is longer than 1,000 characters (1,200)" in message
    assert "xxxxxxxxxx" not in message  # the reason, not the text cut off


def test_the_schema_bound_of_expressions_is_the_expression_languages():
    schema = json.loads(schema_path("rule").read_text(encoding="utf-8"))
    props = schema["properties"]
    bounds = {
        props["when"]["maxLength"],
        props["assert"]["maxLength"],
        props["agree"]["maxLength"],
        props["let"]["additionalProperties"]["maxLength"],
        props["each"]["oneOf"][0]["items"]["additionalProperties"]["maxLength"],
        props["fix"]["properties"]["replacement"]["maxLength"],
    }
    assert bounds == {MAX_SOURCE_LENGTH}


def test_a_configuration_value_is_described_not_pasted_whole(tmp_path):
    config = tmp_path / "lgo-audit.toml"
    config.write_text("select = " + "[" * 300 + "]" * 300 + "\n", encoding="utf-8")
    line = one_line_error(run("config", tmp_path))
    assert "key 'select.0'" in line and "is not of type string" in line
    assert len(line) < 200 + len(str(config))


@pytest.mark.parametrize(("value", "said"), [("true", "true"), ("false", "false")])
def test_a_boolean_in_a_configuration_is_said_as_toml_spells_it(tmp_path, value, said):
    (tmp_path / "lgo-audit.toml").write_text(f"max-file-size = {value}\n", encoding="utf-8")
    line = one_line_error(run("config", tmp_path))
    assert f"key 'max-file-size': {said} is not of type integer" in line


# --- --help: every choice and default ----------------------------------------------------------


def help_of(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=400)
    assert result.exit_code == 0
    return " ".join(result.output.split())


def test_check_help_lists_the_choices_of_fail_on_and_profile_and_the_size_default():
    text = help_of("check")
    assert "--fail-on [error|warning]" in text or "--fail-on <error|warning>" in text
    assert re.search(r"--profile [<\[]" + "\\|".join(cli.PROFILE_NAMES) + r"[>\]]", text), text
    assert "[default: 5000000, or the configuration's max-file-size]" in text


def test_parse_help_lists_the_profiles_and_the_size_default():
    text = help_of("parse")
    assert re.search(r"--profile [<\[]" + "\\|".join(cli.PROFILE_NAMES) + r"[>\]]", text)
    assert "[default: 5000000, or the configuration's max-file-size]" in text


def test_rules_and_extract_help_list_their_formats():
    assert re.search(r"--output-format [<\[]text\|json[>\]]", help_of("rules"))
    assert re.search(r"--format, --output-format [<\[]csv\|json[>\]]", help_of("extract"))


def test_the_profile_choices_are_the_grammars_profiles():
    assert tuple(PROFILES) == cli.PROFILE_NAMES


def test_the_size_default_shown_is_the_readers():
    assert cli.DEFAULT_MAX_BYTES == DEFAULT_MAX_BYTES


@pytest.mark.parametrize(
    "args",
    [
        ("rules", "--output-format", "yaml"),
        ("extract", "--format", "xml", str(STOCKPORT)),
        ("check", "--fail-on", "info", str(STOCKPORT)),
        ("check", "--profile", "1999", str(STOCKPORT)),
        ("parse", "--profile", "1999", str(STOCKPORT)),
    ],
)
def test_a_value_that_is_not_a_choice_is_a_usage_error(args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_the_choices_still_work():
    assert run("rules", "--output-format", "json").exit_code == 0
    assert run("extract", "--isolated", "--format", "json", STOCKPORT).exit_code == 0
    assert (
        run("check", "--isolated", "--profile", "2020", "--fail-on", "error", STOCKPORT).exit_code
        == 0
    )
    warned = run("check", "--isolated", "--fail-on", "warning", STOCKPORT)
    assert warned.exit_code == 1  # its LGO403 warnings fail the run
    assert run("parse", "--isolated", "--profile", "2020", STOCKPORT).exit_code == 0


# --- LGO205: "not after" -------------------------------------------------------------------------


def test_a_letter_dated_the_day_the_period_ends_is_not_after_it(tmp_path):
    letter = tmp_path / "stockport.txt"
    letter.write_text(
        STOCKPORT.read_text(encoding="utf-8").replace("22 July 2020", "31 March 2020", 1),
        encoding="utf-8",
    )
    result = run("check", "--isolated", "--select", "LGO205", "--output-format", "concise", letter)
    assert (
        f"{letter}:5:1: LGO205 [error] the letter is dated 31 March 2020, not after the end "
        "of the period it reviews (31 March 2020)"
    ) in result.stdout


def test_lgo205_says_not_after_everywhere():
    rule = (BUNDLED / "LGO205-letter-before-period-end.toml").read_text(encoding="utf-8")
    summary = re.search(r'(?m)^summary = "(.*)"$', rule)
    message = re.search(r'(?m)^message = "(.*)"$', rule)
    assert summary and "not dated after" in summary.group(1)
    assert message and "not after the end" in message.group(1)
    assert "before the end" not in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


# --- Markdown links hard-wrapped across lines ----------------------------------------------------

WRAPPED = ("map, [Your council's performance](#)", "map, [Your council's\nperformance](#)")


def findings_of(letter: Path) -> list[dict[str, Any]]:
    result = run("check", "--isolated", "--select", "LGO403", "--output-format", "json", letter)
    assert result.exit_code in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def wrapped_copy(tmp_path: Path, old: str, new: str, newline: str = "\n") -> Path:
    text = STOCKPORT.read_text(encoding="utf-8")
    assert text.count(old) == 1
    letter = tmp_path / "stockport.txt"
    letter.write_bytes(text.replace(old, new).replace("\n", newline).encode("utf-8"))
    return letter


def placeholder_links(findings: list[dict[str, Any]]) -> list[tuple[int, int, int, int, str]]:
    return [
        (f["line"], f["column"], f["end_line"], f["end_column"], f["message"]) for f in findings
    ]


def test_a_link_wrapped_across_two_lines_is_a_placeholder_link_at_its_place(tmp_path):
    found = placeholder_links(findings_of(wrapped_copy(tmp_path, *WRAPPED)))
    assert len(found) == 3  # the wrapped one and the two on one line, as in the original
    assert found[0] == (
        33,
        53,
        34,
        12,
        'link "Your council\'s performance" points to "#", a placeholder',
    )
    assert [f[:2] for f in found[1:]] == [(34, 193), (38, 189)]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_a_wrapped_link_in_a_file_with_other_line_endings(tmp_path, newline):
    found = placeholder_links(findings_of(wrapped_copy(tmp_path, *WRAPPED, newline=newline)))
    assert found[0][:4] == (33, 53, 34, 12)
    assert "Your council's performance" in found[0][4]


def test_a_link_text_wrapped_over_three_lines(tmp_path):
    letter = wrapped_copy(tmp_path, WRAPPED[0], "map, [Your\ncouncil's\nperformance](#)")
    found = placeholder_links(findings_of(letter))
    assert found[0] == (
        33,
        53,
        35,
        12,
        'link "Your council\'s performance" points to "#", a placeholder',
    )


def test_a_link_wrapped_inside_its_target(tmp_path):
    letter = wrapped_copy(tmp_path, WRAPPED[0], "map, [Your council's performance](\n#)")
    found = placeholder_links(findings_of(letter))
    assert found[0] == (
        33,
        53,
        33,
        79,
        'link "Your council\'s performance" points to "#", a placeholder',
    )


def test_a_real_target_wrapped_is_joined_and_not_a_placeholder(tmp_path):
    letter = wrapped_copy(
        tmp_path,
        WRAPPED[0],
        "map, [Your council's\nperformance](https://www.lgo.org.uk/your-\n  councils-performance)",
    )
    found = placeholder_links(findings_of(letter))
    assert [f[:2] for f in found] == [(35, 201), (39, 189)]  # the other two links only
    assert 'link "website"' in found[0][4]
    norm = normalise(letter.read_text(encoding="utf-8"))
    assert norm.links[0].target == "https://www.lgo.org.uk/your-councils-performance"
    assert norm.links[0].text == "Your council's performance"


@pytest.mark.parametrize(
    "original",
    [
        "a [Your council's\nperformance](#) b",
        "a [Your council's\r\nperformance](#) b",
        "a [Your council's \n  performance](#) b",
        "a [Your\ncouncil's\nperformance](#) b",
        "a [Your council's performance](\n#) b",
    ],
)
def test_wrapped_link_text_is_one_phrase_mapped_to_the_file(original):
    norm = normalise(original)
    assert norm.text == "a Your council's performance b"
    (link,) = norm.links
    assert (link.text, link.target) == ("Your council's performance", "#")
    assert norm.text[link.start : link.end] == link.text
    start, end = norm.original_offset(link.start), norm.original_end(link.end)
    assert original[start:end].startswith("Your")
    assert original[start:end].endswith("performance")
    assert normalise(norm.text).text == norm.text


@pytest.mark.parametrize(
    "original",
    ["a [Your council's\n\nperformance](#) b", "a [x\n  \ny](#) b", "a [x](b\n\n#) b"],
)
def test_a_blank_line_ends_a_link(original):
    assert normalise(original).links == ()


# --- the pre-commit hook: skip what is not a letter at all ---------------------------------------

README = "# Letters\n\nOne file per council.\n\nDear contributors, run the hook.\n\n22 July 2020\n"


def letters_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "letters"
    letter_copy(repo, "stevenage.txt", STEVENAGE)
    letter_copy(repo, "stockport.txt", STOCKPORT)
    (repo / "README.md").write_text(README, encoding="utf-8")
    return repo


def test_a_readme_is_skipped_with_a_note(tmp_path):
    repo = letters_repo(tmp_path)
    readme = repo / "README.md"
    run_ = run_check([readme, repo / "stockport.txt"], CheckOptions(skip_non_letters=True))
    assert [Path(r.path).name for r in run_.results] == ["stockport.txt"]
    assert run_.notices == [
        f"{readme}: not an Annual Review letter (no title, introduction or statistics panel "
        "of any template year); skipped"
    ]
    assert run_.exit_status == 0


def test_without_the_option_a_readme_is_lgo001(tmp_path):
    readme = letters_repo(tmp_path) / "README.md"
    run_ = run_check([readme], CheckOptions())
    assert [f.code for f in run_.results[0].findings] == ["LGO001"]
    assert run_.notices == []
    assert run_.exit_status == 1


def test_the_note_is_one_line_on_standard_error_and_the_hook_passes(tmp_path):
    readme = letters_repo(tmp_path) / "README.md"
    result = run("check", "--skip-non-letters", "--output-format", "concise", readme)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{readme}: not an Annual Review letter (no title, introduction or statistics panel "
        "of any template year); skipped"
    ]
    assert "LGO001" not in result.stdout


@pytest.mark.parametrize(
    "text",
    [
        "Annual Review letter 2020\n\nTo do: the figures.\n",  # a title alone
        "I write to you with our annual summary of statistics on the decisions made by the "
        "Local Government and Social Care Ombudsman about your authority for the year ending "
        "31 March 2020.\n",  # an introduction alone
        "Annual Review letter\n",  # a title that starts like one (malformed)
    ],
    ids=["title", "introduction", "malformed-title"],
)
def test_a_file_with_one_anchor_statement_is_checked_as_today(tmp_path, text):
    half = tmp_path / "half.md"
    half.write_text(text, encoding="utf-8")
    run_ = run_check([half], CheckOptions(skip_non_letters=True, isolated=True))
    assert [f.code for f in run_.results[0].findings] == ["LGO001"]
    assert run_.notices == []
    assert run_.exit_status == 1


@pytest.mark.parametrize(
    "text",
    [
        'The fix inserts the count the rate implies: "1 upheld decision".\n',  # in prose
        'Notes\n\n"1 upheld decision"\n',  # on a line of its own, in quotation marks
        "A line of the 2020 letter reads \u201cupheld decision\u201d, its number lost.\n",
    ],
    ids=["in-prose", "quoted-line", "curly-quotes"],
)
def test_a_statement_quoted_in_notes_is_no_attempt_at_a_letter(tmp_path, text):
    notes = tmp_path / "notes.md"
    notes.write_text(text, encoding="utf-8")
    run_ = run_check([notes], CheckOptions(skip_non_letters=True, isolated=True))
    assert list(run_.results) == []
    assert [n.endswith("skipped") for n in run_.notices] == [True]
    assert run_.exit_status == 0


def test_this_projects_readme_which_quotes_findings_is_skipped():
    """The README quotes a report (its messages hold a letter's lines in quotation marks)."""
    run_ = run_check([ROOT / "README.md"], CheckOptions(skip_non_letters=True, isolated=True))
    assert list(run_.results) == [] and run_.exit_status == 0


def test_a_half_letter_still_gets_its_structural_findings(tmp_path):
    text = STOCKPORT.read_text(encoding="utf-8")
    half = tmp_path / "half.txt"
    half.write_text(text[: text.index("Complaint statistics")], encoding="utf-8")
    plain = run_check([half], CheckOptions(isolated=True))
    skipping = run_check([half], CheckOptions(isolated=True, skip_non_letters=True))
    codes = [f.code for f in skipping.results[0].findings]
    assert codes == [f.code for f in plain.results[0].findings]
    assert "LGO002" in codes or "LGO001" in codes
    assert skipping.notices == []


def test_letters_are_checked_exactly_as_without_the_option(tmp_path):
    repo = letters_repo(tmp_path)
    letters = [repo / "stevenage.txt", repo / "stockport.txt"]
    plain = run_check(letters, CheckOptions(isolated=True))
    skipping = run_check(letters, CheckOptions(isolated=True, skip_non_letters=True))
    assert [(r.path, r.findings) for r in skipping.results] == [
        (r.path, r.findings) for r in plain.results
    ]


def test_a_folder_with_a_readme_under_the_hook_option(tmp_path):
    repo = letters_repo(tmp_path)
    result = run("check", "--isolated", "--skip-non-letters", "--output-format", "concise", repo)
    assert result.exit_code == 1  # Stevenage's LGO102
    assert "LGO001" not in result.stdout and "LGO102" in result.stdout
    assert "README.md: not an Annual Review letter" in result.stderr
    assert "in 2 letters" in result.stdout


def test_fix_says_skipped_not_not_fixed(tmp_path):
    readme = letters_repo(tmp_path) / "README.md"
    run_ = run_check([readme], CheckOptions(isolated=True, fix=True, skip_non_letters=True))
    assert len(run_.notices) == 1 and run_.notices[0].endswith("skipped")
    assert readme.read_text(encoding="utf-8") == README


def test_the_hook_runs_serially_with_the_option():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.search(r"(?m)^  require_serial: true$", hooks)
    assert re.search(r"(?m)^  entry: lgo-audit check --skip-non-letters$", hooks)


def test_the_hook_passes_the_staged_files_after_the_end_of_options():
    """pre-commit runs entry + args + the staged files: with "--" last in the args, a staged
    file named like an option is a file."""
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.search(r'(?m)^  args: \["--"\]$', hooks)
    doc = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    assert "args: [--fix, --output-format, concise, --]" in doc


def test_a_file_named_like_an_option_after_the_end_of_options_is_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text("# Letters\n", encoding="utf-8")
    odd = letter_copy(tmp_path, "-oREADME.md")
    result = run("check", "--isolated", "--skip-non-letters", "--", odd.name, "README.md")
    assert readme.read_text(encoding="utf-8") == "# Letters\n"  # no report written over it
    assert "-oREADME.md:" in result.stdout and "LGO403" in result.stdout


def test_the_docs_say_what_the_hook_compares_and_how_to_check_everything():
    doc = " ".join((ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8").split())
    assert "pre-commit run lgo-audit --all-files" in doc
    assert "lgo-audit check letters/" in doc
    assert "only the files staged" in doc
    assert "--skip-non-letters" in doc and "require_serial: true" in doc
    usage = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
    assert "`--skip-non-letters`" in usage


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--statistics",), "--statistics"),
        (("--output-format", "sarif"), "--output-format"),
        (("--output-format", "json", "--evidence"), "--evidence"),
    ],
)
def test_diff_with_a_report_option_is_refused_not_ignored(args, named):
    line = one_line_error(run("check", "--isolated", "--diff", *args, STEVENAGE))
    assert "--diff" in line and named in line


# --- a letter cut short is not another year's ---------------------------------------------------


@pytest.mark.parametrize("part", ["first half", "second half"])
def test_a_letter_cut_short_is_not_said_to_fit_a_year_with_fewer_sections(tmp_path, part):
    """Sections missing at the start or the end of a letter are what cutting it leaves; that
    the 2021 template has fewer of them is no sign the letter is 2021's (LGO010)."""
    text = STOCKPORT.read_text(encoding="utf-8")
    half = len(text) // 2
    letter = tmp_path / "cut.txt"
    letter.write_text(text[:half] if part == "first half" else text[half:], encoding="utf-8")
    result = run("check", "--isolated", "--output-format", "concise", letter)
    codes = {line.split()[1] for line in result.stdout.splitlines() if line.startswith(str(letter))}
    assert "LGO002" in codes  # the sections it lacks are said
    assert "LGO010" not in codes


# --- a team's own rules, listed and explained ----------------------------------------------------


def test_rules_and_explain_show_a_teams_own_rules_with_rule_dir(tmp_path):
    folder = tmp_path / "qa"
    folder.mkdir()
    (folder / "LGO901-team-rule.toml").write_text(team_rule(), encoding="utf-8")
    listed = run("rules", "--rule-dir", folder)
    assert listed.exit_code == 0 and any(
        line.startswith("LGO901  team-rule") for line in listed.stdout.splitlines()
    )
    for asked in ("LGO901", "lgo901", "team-rule"):
        explained = run("explain", asked, "--rule-dir", folder)
        assert explained.exit_code == 0, explained.stderr
        assert explained.stdout.startswith("# LGO901 team-rule (")
    line = one_line_error(run("explain", "LGO999", "--rule-dir", folder))
    assert "no rule 'LGO999'" in line and "--rule-dir" in line
    assert one_line_error(run("explain", "LGO901")).startswith("lgo-audit: no rule 'LGO901'")


def a_configured_team(tmp_path: Path) -> Path:
    """A folder whose configuration adds a team's rule folder (LGO901); the folder."""
    folder = tmp_path / "letters"
    (folder / "qa").mkdir(parents=True)
    (folder / "qa" / "LGO901-team-rule.toml").write_text(team_rule(), encoding="utf-8")
    (folder / "lgo-audit.toml").write_text('rule-dirs = ["qa"]\n', encoding="utf-8")
    (folder / "2020").mkdir()
    return folder


def test_rules_and_explain_read_the_rule_dirs_of_the_configuration_where_they_run(
    tmp_path, monkeypatch
):
    folder = a_configured_team(tmp_path)
    monkeypatch.chdir(folder / "2020")  # (a configuration applies below its folder too)
    listed = run("rules")
    assert listed.exit_code == 0
    assert any(line.startswith("LGO901  team-rule") for line in listed.stdout.splitlines())
    explained = run("explain", "LGO901")
    assert explained.exit_code == 0 and explained.stdout.startswith("# LGO901 team-rule (")
    assert "LGO901" not in run("rules", "--isolated").stdout
    assert one_line_error(run("explain", "LGO901", "--isolated")).startswith(
        "lgo-audit: no rule 'LGO901'"
    )
    monkeypatch.chdir(tmp_path)  # no configuration here: --config names it
    assert "LGO901" not in run("rules").stdout
    configured = run("explain", "team-rule", "--config", folder / "lgo-audit.toml")
    assert configured.exit_code == 0 and configured.stdout.startswith("# LGO901 team-rule (")


def test_explain_from_the_console_script_reads_the_configuration_too(tmp_path, monkeypatch, capsys):
    """(``explain CODE`` is answered before typer builds the command line.)"""
    folder = a_configured_team(tmp_path)
    monkeypatch.chdir(folder)
    monkeypatch.setattr("sys.argv", ["lgo-audit", "explain", "LGO901"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code in (0, None)
    assert capsys.readouterr().out.startswith("# LGO901 team-rule (")


def test_rules_and_explain_where_the_configuration_is_broken_say_so_in_one_line(
    tmp_path, monkeypatch
):
    (tmp_path / "lgo-audit.toml").write_text('rule-dirs = ["missing"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (("rules",), ("explain", "LGO101")):
        assert "missing" in one_line_error(run(*args))
    assert run("explain", "LGO101", "--isolated").exit_code == 0


def test_a_pyproject_without_a_table_of_ours_leaves_explain_on_the_bundled_rules(tmp_path):
    from lgo_audit.config_files import may_be_configured

    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[tool.ruff]\nline-length = 99\n", encoding="utf-8")
    assert not may_be_configured(folder)
    (folder / "pyproject.toml").write_text('[tool.lgo-audit]\nselect = ["LGO1"]\n')
    assert may_be_configured(folder)
    (folder / "pyproject.toml").write_text("[tool\n")  # broken: for the check to report
    assert may_be_configured(folder)
    (folder / "pyproject.toml").unlink()
    (folder / ".lgo-audit.toml").write_text("")
    assert may_be_configured(folder / "sub")


def test_a_team_rule_beside_its_configuration_is_read_and_the_configuration_is_not(tmp_path):
    (tmp_path / "LGO901-team-rule.toml").write_text(team_rule(), encoding="utf-8")
    (tmp_path / "lgo-audit.toml").write_text('rule-dirs = ["."]\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    letter = letter_copy(tmp_path / "letters")
    result = run("check", "--select", "LGO901", "--config", tmp_path / "lgo-audit.toml", letter)
    assert result.exit_code in (0, 1), result.stderr
    listed = run("rules", "--config", tmp_path / "lgo-audit.toml")
    assert "LGO901  team-rule" in listed.stdout


def test_a_rule_dir_holding_only_a_configuration_says_that_is_no_rule_file(tmp_path):
    (tmp_path / "lgo-audit.toml").write_text('rule-dirs = ["."]\n', encoding="utf-8")
    letter = letter_copy(tmp_path)
    line = one_line_error(run("check", letter))
    assert line == (
        f"lgo-audit: {tmp_path}: no rule files (*.toml) in this folder "
        "(a configuration file is not one)"
    )


def test_a_rule_folder_named_twice_is_read_once(tmp_path, monkeypatch):
    """(In a configuration's rule-dirs and by --rule-dir, or twice by --rule-dir: its rules
    clashed with themselves.)"""
    folder = a_configured_team(tmp_path)
    monkeypatch.chdir(folder)
    listed = run("rules", "--rule-dir", "qa")
    assert listed.exit_code == 0, listed.stderr
    assert sum(line.startswith("LGO901 ") for line in listed.stdout.splitlines()) == 1
    assert run("explain", "LGO901", "--rule-dir", "./qa/").exit_code == 0
    letter = letter_copy(folder / "2020")
    twice = run("check", "--isolated", "--rule-dir", "qa", "--rule-dir", "./qa/", letter)
    assert twice.exit_code in (0, 1), twice.stderr


def test_a_rule_folder_holding_only_another_tools_pyproject_is_not_said_to_hold_a_configuration(
    tmp_path,
):
    (tmp_path / "qa").mkdir()
    (tmp_path / "qa" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 99\n")
    letter = letter_copy(tmp_path)
    line = one_line_error(run("check", "--isolated", "--rule-dir", tmp_path / "qa", letter))
    assert line.endswith(": no rule files (*.toml) in this folder")
