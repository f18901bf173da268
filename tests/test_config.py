"""Configuration: found by walking up from each letter, nearest wins; the command line on top."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.config import ConfigError, find_config, load_config

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """repo/pyproject.toml ignoring LGO403; repo/strict/lgo-audit.toml failing on warnings."""
    (tmp_path / "pyproject.toml").write_text('[tool.lgo-audit]\nignore = ["LGO403"]\n')
    strict = tmp_path / "strict"
    strict.mkdir()
    (strict / "lgo-audit.toml").write_text('fail-on = "warning"\n')
    for folder in (tmp_path, strict):
        (folder / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())
    return tmp_path


def check(*args: str):
    return runner.invoke(app, ["check", "--output-format", "concise", *args])


def test_the_nearest_configuration_applies_to_each_letter(tree):
    assert find_config(tree / "stockport.txt") == tree / "pyproject.toml"
    assert find_config(tree / "strict" / "stockport.txt") == tree / "strict" / "lgo-audit.toml"


def test_a_folder_that_cannot_be_searched_holds_no_configuration(tree, monkeypatch):
    """A folder that can be listed but not entered (read but not execute permission) cannot
    be asked whether it holds a configuration file: it holds none that applies (its letters
    cannot be read either, and are reported so), and the rest of the run goes on."""
    locked = tree / "locked"
    locked.mkdir()
    is_file = Path.is_file

    def searched(path: Path) -> bool:
        if path.parent == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return is_file(path)

    monkeypatch.setattr(Path, "is_file", searched)

    assert find_config(locked / "stockport.txt") == tree / "pyproject.toml"
    result = check(str(tree), str(locked))
    assert result.exit_code == 1, result.output
    assert "Permission denied" not in result.output
    assert "stockport.txt" in result.stdout


@pytest.mark.parametrize("kind", ["link in a loop", "broken link", "folder", "named pipe"])
@pytest.mark.parametrize("name", ["lgo-audit.toml", ".lgo-audit.toml"])
def test_an_own_configuration_file_that_cannot_be_read_is_an_error_not_passed_over(
    tree, kind, name
):
    """A folder's lgo-audit.toml that is there but is no readable file is its configuration
    all the same: one line naming it and exit status 2, not the folder above's settings (or
    the defaults) applied in silence."""
    inner = tree / "inner"
    inner.mkdir()
    (inner / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())
    config = inner / name
    if kind == "link in a loop":
        config.symlink_to(name)
    elif kind == "broken link":
        config.symlink_to("nowhere.toml")
    elif kind == "folder":
        config.mkdir()
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(config)
    result = check(str(inner))
    assert result.exit_code == 2, result.output
    assert name in result.output
    assert result.output.count("\n") == 1
    assert "stockport.txt" not in result.stdout


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    assert find_config(inner) is None


def test_a_pyproject_whose_lgo_audit_key_is_not_a_table_says_so(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool]\nlgo-audit = 5\n")
    (tmp_path / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())
    result = check(str(tmp_path / "stockport.txt"))
    assert result.exit_code == 2
    assert "'tool.lgo-audit' must be a table ([tool.lgo-audit])" in result.stderr


def test_ignore_in_pyproject_silences_the_rule(tree):
    result = check(str(tree / "stockport.txt"))
    assert "LGO403" not in result.output and result.exit_code == 0


def test_nearest_wins_the_inner_file_does_not_inherit_the_outer(tree):
    result = check(str(tree / "strict" / "stockport.txt"))
    assert "LGO403" in result.output
    assert result.exit_code == 1  # fail-on = "warning"


def test_isolated_ignores_configuration(tree):
    result = check("--isolated", str(tree / "stockport.txt"))
    assert "LGO403" in result.output and result.exit_code == 0


def test_config_option_names_one_file_for_every_letter(tree):
    result = check("--config", str(tree / "strict" / "lgo-audit.toml"), str(tree / "stockport.txt"))
    assert result.exit_code == 1


def test_command_line_select_overrides_the_file(tree):
    (tree / "lgo-audit.toml").write_text('select = ["LGO1"]\n')
    result = check("--select", "LGO4", str(tree / "stockport.txt"))
    assert "LGO403" in result.output


def test_severity_override_and_per_file_ignores(tmp_path):
    (tmp_path / "lgo-audit.toml").write_text(
        'ignore = ["LGO502"]\n\n[severity]\nLGO102 = "warning"\n\n[per-file-ignores]\n"legacy/*.txt" = ["LGO102"]\n'
    )
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for folder in (tmp_path, legacy):
        (folder / "stevenage.txt").write_text((EXAMPLES / "stevenage-2020.txt").read_text())

    result = check(str(tmp_path))

    lines = [line for line in result.output.splitlines() if "LGO102" in line]
    assert len(lines) == 1 and "[warning]" in lines[0] and "legacy" not in lines[0]
    assert result.exit_code == 0


def test_rule_dirs_add_a_teams_own_rules(tmp_path):
    rules = tmp_path / "team-rules"
    rules.mkdir()
    (rules / "LGO901.toml").write_text(
        'code = "LGO901"\nname = "big-council"\nseverity = "warning"\n'
        'summary = "More than 10 investigations"\nexplanation = "x"\n'
        'assert = "upheld.investigations <= 10"\nmessage = "{upheld.investigations} investigations"\n'
        'at = ["upheld.investigations"]\n'
        '[[examples]]\nkind = "valid"\ndescription = "a"\n'
        '[[examples]]\nkind = "invalid"\ndescription = "b"\n'
    )
    (tmp_path / "lgo-audit.toml").write_text('rule-dirs = ["team-rules"]\n')
    (tmp_path / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())

    result = check(str(tmp_path / "stockport.txt"))

    assert "LGO901 [warning] 17 investigations" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('selekt = ["LGO1"]\n', "unknown key 'selekt' (did you mean 'select'?)"),
        ('fail-on = "never"\n', "key 'fail-on'"),
        ("max-file-size = -1\n", "key 'max-file-size'"),
        ('[severity]\nLGO101 = "fatal"\n', "key 'severity.LGO101'"),
        ("select = [\n", "invalid TOML"),
        ('[per-file-ignores]\n"letters/[2020" = ["LGO1"]\n', "'per-file-ignores.letters/[2020'"),
        ('[per-file-ignores]\n"" = ["LGO1"]\n', "an empty pattern matches no file"),
        ('letter-files = ["letter-[2020.txt"]\n', "key 'letter-files': 'letter-[2020.txt'"),
        ('exclude = ["drafts-[2020"]\n', "key 'exclude': 'drafts-[2020'"),
        ("select = []\n", "key 'select': an empty list selects no rule"),  # (not every rule)
        ("max-file-size = 1e3\n", "key 'max-file-size': 1000.0 is not of type integer"),
        # a mistyped code is said in words, not with the pattern it breaks
        (
            'select = ["LGO1O1"]\n',
            "key 'select.0': 'LGO1O1' is not a rule code (LGO101), a code prefix (LGO1, LGO) or "
            "a rule name (upheld-rate-mismatch)",
        ),
        ('profile = "20"\n', "key 'profile': '20' is not a template year of four digits (2020)"),
    ],
)
def test_a_bad_configuration_is_a_one_line_error_naming_file_and_key(tmp_path, content, message):
    config = tmp_path / "lgo-audit.toml"
    config.write_text(content)
    (tmp_path / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())

    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(config)
    result = check(str(tmp_path / "stockport.txt"))
    assert result.exit_code == 2
    assert str(config) in result.output and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "problem", "key"),
    [
        ('rule-dirs = ["team-rules"]\n', "team-rules: rule directory not found", "rule-dirs"),
        ('authority-register = "ons.csv"\n', "ons.csv: cannot read", "authority-register"),
    ],
)
def test_a_path_a_configuration_names_that_cannot_be_used_is_said_with_its_key_and_file(
    tmp_path, content, problem, key
):
    config = tmp_path / "lgo-audit.toml"
    config.write_text(content)
    (tmp_path / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())

    result = check(str(tmp_path / "stockport.txt"))

    assert result.exit_code == 2
    assert problem in result.output and f"(key '{key}' of {config})" in result.output


def test_a_rule_folder_given_on_the_command_line_is_said_without_a_configuration(tmp_path):
    result = check(
        "--isolated",
        "--rule-dir",
        str(tmp_path / "team-rules"),
        str(EXAMPLES / "stockport-2020.txt"),
    )

    assert result.exit_code == 2
    assert "team-rules: rule directory not found" in result.output and "key" not in result.output


def test_an_unknown_rule_in_select_is_an_error(tmp_path):
    result = check("--isolated", "--select", "LGO999", str(EXAMPLES / "stockport-2020.txt"))
    assert result.exit_code == 2 and "no rule matches 'LGO999'" in result.output


@pytest.mark.parametrize("key", ["select", "extend-select", "ignore"])
def test_an_unknown_rule_in_a_configuration_file_names_the_file(tree, key):
    """A selector the user did not type is named with the file it came from; one given on
    the command line is not blamed on the file."""
    config = tree / "strict" / "lgo-audit.toml"
    config.write_text(f'{key} = ["LGO999"]\n')
    result = check(str(tree / "strict"))
    assert result.exit_code == 2
    assert f"{config}: no rule matches 'LGO999'" in result.output
    config.write_text("")
    result = check(str(tree / "strict"), "--ignore", "LGO998")
    assert result.exit_code == 2
    assert "lgo-audit: no rule matches 'LGO998'" in result.output


def test_an_unknown_rule_in_per_file_ignores_names_the_file_and_the_glob(tree):
    config = tree / "strict" / "lgo-audit.toml"
    config.write_text('[per-file-ignores]\n"drafts/*.txt" = ["LGO403", "no-such-rule"]\n')
    result = check(str(tree / "strict"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"lgo-audit: {config}: key 'per-file-ignores.drafts/*.txt': no rule matches "
        "'no-such-rule' (see 'lgo-audit rules')\n"
    )


def test_a_config_option_naming_a_folder_says_so(tree):
    result = check("--config", str(tree / "strict"), str(tree / "stockport.txt"))
    assert result.exit_code == 2
    assert f"{tree / 'strict'}: is a folder, not a configuration file" in result.output


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_config_option_naming_a_device_says_it_is_not_a_file(tree):
    result = check("--config", "/dev/null", str(tree / "stockport.txt"))
    assert result.exit_code == 2
    assert "/dev/null: is not a regular file" in result.output


def test_config_command_shows_the_resolved_settings(tree):
    result = runner.invoke(app, ["config", str(tree / "strict")])
    settings = json.loads(result.output)
    assert settings["source"] == str(tree / "strict" / "lgo-audit.toml")
    assert settings["fail-on"] == "warning"


def test_authority_register_points_at_a_teams_own_register(tmp_path):
    (tmp_path / "councils.csv").write_text(
        "code,name,type,county\nE06000099,Anytown,Unitary,\n", encoding="utf-8"
    )
    (tmp_path / "lgo-audit.toml").write_text('authority-register = "councils.csv"\n')
    letter = tmp_path / "anytown.txt"
    letter.write_text(
        (EXAMPLES / "stockport-2020.txt")
        .read_text()
        .replace("Stockport Metropolitan Borough Council", "Anytown Council")
    )

    with_register = check(str(letter))
    without = check("--isolated", str(letter))

    assert "LGO304" not in with_register.output
    assert 'LGO304 [warning] "Anytown Council" is not a council' in without.output


def test_a_malformed_register_is_a_one_line_error(tmp_path):
    (tmp_path / "councils.csv").write_text("code,name\nX,Y\n", encoding="utf-8")
    (tmp_path / "lgo-audit.toml").write_text('authority-register = "councils.csv"\n')
    (tmp_path / "stockport.txt").write_text((EXAMPLES / "stockport-2020.txt").read_text())

    result = check(str(tmp_path / "stockport.txt"))

    assert result.exit_code == 2
    assert "councils.csv" in result.output and "Traceback" not in result.output


# --- TOML files remembered between runs ------------------------------------------------------


def test_a_toml_file_read_before_is_read_back_not_parsed_again(tmp_path, monkeypatch):
    import tomllib

    from lgo_audit.cache import toml_table

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    content = b'select = ["LGO1"]\n[per-file-ignores]\n"old/*" = ["LGO3"]\n'
    first = toml_table(content)

    def no_toml(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", no_toml)
    assert (
        toml_table(content)
        == first
        == {"select": ["LGO1"], "per-file-ignores": {"old/*": ["LGO3"]}}
    )


def test_each_toml_table_is_remembered_in_a_file_of_its_own(tmp_path, monkeypatch):
    """A run reads back only the tables it uses: a large one remembered for another file
    costs nothing (every table used to share one file, read whole by every run)."""
    from lgo_audit.cache import toml_table

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    large = b'x = "' + b"a" * 100_000 + b'"\n'
    small = b'select = ["LGO1"]\n'
    toml_table(large)
    toml_table(small)
    files = sorted((tmp_path / "cache" / "lgo-audit" / "toml").iterdir())
    assert len(files) == 2
    for path in files:  # spoil the large table's file: the small one is still read back
        if path.stat().st_size > 50_000:
            path.write_text("[", encoding="utf-8")
    assert toml_table(small) == {"select": ["LGO1"]}


def test_the_latest_fifty_toml_tables_used_are_kept(tmp_path, monkeypatch):
    import os

    from lgo_audit.cache import toml_table

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    folder = tmp_path / "cache" / "lgo-audit" / "toml"
    written = {}
    for n in range(50):
        toml_table(f"n = {n}\n".encode())
        (written[n],) = set(folder.iterdir()) - set(written.values())
        os.utime(written[n], ns=(n + 1, n + 1))  # in this order, long ago
    toml_table(b"n = 0\n")  # the oldest, used again: now the latest
    toml_table(b"n = 50\n")
    toml_table(b"n = 51\n")
    kept = set(folder.iterdir())
    assert len(kept) == 50
    assert written[0] in kept
    assert written[1] not in kept and written[2] not in kept


def test_the_single_file_of_earlier_versions_is_removed(tmp_path, monkeypatch):
    from lgo_audit.cache import toml_table

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    before = tmp_path / "cache" / "lgo-audit" / "toml-tables.json"
    before.parent.mkdir(parents=True)
    before.write_text("{}", encoding="utf-8")
    toml_table(b"n = 1\n")
    assert not before.exists()


def test_a_toml_file_json_cannot_hold_is_parsed_each_time_and_bad_toml_still_fails(
    tmp_path, monkeypatch
):
    import datetime
    import tomllib

    from lgo_audit.cache import toml_table

    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    dated = b"day = 2024-07-01\n"
    assert toml_table(dated) == toml_table(dated) == {"day": datetime.date(2024, 7, 1)}
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_table(b"select = [\n")
    with pytest.raises(UnicodeDecodeError):
        toml_table(b"select = '\xff'\n")


@pytest.mark.parametrize("name", ["lgo-audit.toml", "pyproject.toml"])
def test_a_configuration_file_saved_with_a_byte_order_mark_is_read(tmp_path, name):
    """(Windows editors write one; tomllib refuses it: 'invalid TOML' at line 1, column 1.)"""
    table = (
        'ignore = ["LGO102"]\n'
        if name == "lgo-audit.toml"
        else '[tool.lgo-audit]\nignore = ["LGO102"]\n'
    )
    config = tmp_path / name
    config.write_bytes(b"\xef\xbb\xbf" + table.encode("utf-8"))

    assert find_config(tmp_path / "letter.txt") == config
    assert load_config(config).ignore == ("LGO102",)


@pytest.mark.parametrize("command", [("rules",), ("explain", "LGO101")])
def test_rules_and_explain_name_the_configuration_of_a_missing_rule_folder(
    tmp_path, monkeypatch, command
):
    (tmp_path / "lgo-audit.toml").write_text('rule-dirs = ["team-rules"]\n')
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, list(command))

    assert result.exit_code == 2
    assert "team-rules: rule directory not found (key 'rule-dirs' of" in result.output
