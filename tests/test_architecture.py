"""The house: one declaration per concern, the application callable without the command line,
facts complete at parse.

Each check and each output format is one entry of a registry; these tests hold the places that
must follow it (the rule schema's enum, ``--help``, the docs) to the entry. The rest pins the
defects the architecture issue named: the register in ``parse`` and ``--fix``, selectors that
matched differently in different places, a rule naming a check of another kind.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lgo_audit.application import EXIT_FINDINGS, CheckOptions, UsageError, run_check
from lgo_audit.checks import CHECKS
from lgo_audit.cli import app
from lgo_audit.config import Settings
from lgo_audit.findings import FileResult
from lgo_audit.report import FORMATS
from lgo_audit.resources import schema_path
from lgo_audit.rules import load_rules
from lgo_audit.selection import Selector
from tests.paths import ROOT, STEVENAGE, STOCKPORT

DOCS = ROOT / "docs"
TEAM_REGISTER = "code,name,type,county\nE06000999,Stockport,Unitary,\n"


# --- registries -------------------------------------------------------------------------------


def test_the_rule_schema_lists_exactly_the_registered_checks():
    schema = json.loads(schema_path("rule").read_text(encoding="utf-8"))
    assert schema["properties"]["check"]["enum"] == list(CHECKS)


def test_the_section_names_are_those_of_every_letter_and_page_profile_in_order():
    """Written out in lgo_audit.checks, so that a letter's check need not build every year's
    profile nor the page profiles: the same names, in the same order, as theirs."""
    from lgo_audit.checks import SECTION_NAMES
    from lgo_audit.grammar import PAGE_PROFILES, PROFILES

    every = {
        f"section.{s.name.replace('-', '_')}": s.name
        for p in (*PROFILES.values(), *PAGE_PROFILES.values())
        for s in p.sections
    }
    assert list(SECTION_NAMES.items()) == list(every.items())


def test_each_profile_is_registered_under_its_own_year():
    from lgo_audit.grammar import PROFILES

    for name, profile in PROFILES.items():
        assert (profile.name, profile.year) == (name, int(name))


def test_a_letter_check_builds_only_its_own_years_grammar(tmp_path):
    """The profile of each year is built the first time it is asked for: checking a 2020
    letter imports the 2020 profile only, a 2023 letter's those 2023 is written as changes to
    (2021, itself derived from 2020)."""
    from tests.letters import Style, random_letter_facts, render

    for year, built in ((2020, ["2020"]), (2023, ["2020", "2021", "2023"])):
        letter = tmp_path / f"letter-{year}.txt"
        letter.write_bytes(render(random_letter_facts(random.Random(3), (year,)), Style()))
        script = (
            "import sys\n"
            "from lgo_audit.cli import main\n"
            f"sys.argv = ['lgo-audit', 'check', {str(letter)!r}, '--isolated']\n"
            "try:\n    main()\n"
            "except SystemExit as done:\n    status = done.code\n"
            "mods = sorted(m.rsplit('_', 1)[1] for m in sys.modules\n"
            "              if m.startswith('lgo_audit.grammar.profile_'))\n"
            "print(status, ' '.join(mods), file=sys.stderr)\n"
        )
        env = {**os.environ, "LGO_AUDIT_NO_CACHE": "1", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert done.stderr.split() == ["0", *built], done.stderr


def test_every_registered_check_is_described_in_the_generated_fact_vocabulary():
    facts = (DOCS / "facts.md").read_text(encoding="utf-8")
    for name, check in CHECKS.items():
        assert f"| `{name}` | {check.kind} | {check.finds} |" in facts


def test_every_check_a_bundled_rule_names_is_registered_and_of_the_rules_kind():
    for rule in load_rules():
        if rule.check is not None:
            assert CHECKS[rule.check].kind == rule.kind, rule.code


def test_every_output_format_is_a_choice_of_check_with_its_help():
    result = CliRunner().invoke(app, ["check", "--help"], terminal_width=400)
    text = " ".join(result.output.split())
    for fmt in FORMATS.values():
        assert fmt.name in text
        assert " ".join(fmt.help.split()) in text


def test_every_output_format_has_its_section_in_the_output_formats_doc():
    headings = re.findall(r"(?m)^## (\S+)", (DOCS / "output-formats.md").read_text("utf-8"))
    assert [h for h in headings if h in FORMATS] == list(FORMATS)


def test_an_unknown_output_format_is_a_usage_error_naming_the_choices():
    result = CliRunner().invoke(app, ["check", "--output-format", "yaml", str(STOCKPORT)])
    assert result.exit_code == 2


# --- the application without the command line --------------------------------------------------


def test_the_application_checks_letters_without_the_command_line():
    run = run_check([STEVENAGE, STOCKPORT], CheckOptions(isolated=True))
    assert [Path(r.path).name for r in run.results] == [STEVENAGE.name, STOCKPORT.name]
    assert all(isinstance(r, FileResult) for r in run.results)
    assert [f.code for f in run.results[0].findings] == ["LGO102"]
    assert run.exit_status == EXIT_FINDINGS


def test_a_bad_option_is_a_usage_error_not_an_exit():
    with pytest.raises(UsageError, match="unknown profile '1999'"):
        run_check([STOCKPORT], CheckOptions(profile="1999"))


def test_the_command_line_module_does_no_checking_of_its_own():
    """cli.py parses arguments and prints: no rule selection, batch judging or fixing."""
    source = (ROOT / "lgo_audit" / "cli.py").read_text(encoding="utf-8")
    for name in ("run_batch_rules", "reconcile", "fix_file", "check_files", "selection.active"):
        assert name not in source, name


# --- one selector type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["LGO101", "lgo101", "LGO1", "upheld-rate-mismatch", "UPHELD-RATE-MISMATCH"]
)
def test_a_selector_matches_by_code_prefix_or_name_whatever_the_case(text):
    assert Selector(text).matches("LGO101", "upheld-rate-mismatch")


def test_per_file_ignores_are_selectors_like_select(tmp_path):
    """They once compared rule names case-sensitively while --select did not."""
    settings = Settings(per_file_ignores=(("*.txt", ("Upheld-Count-Missing", "lgo40")),))
    ignored = settings.ignored_for(tmp_path / "letter.txt")
    assert all(isinstance(s, Selector) for s in ignored)
    assert any(s.matches("LGO102", "upheld-count-missing") for s in ignored)
    assert any(s.matches("LGO403", "placeholder-link") for s in ignored)


def test_per_file_ignores_drop_a_letters_findings(tmp_path):
    (tmp_path / "lgo-audit.toml").write_text(
        '[per-file-ignores]\n"*.txt" = ["upheld-count-missing"]\n', encoding="utf-8"
    )
    letter = tmp_path / "stevenage.txt"
    letter.write_bytes(STEVENAGE.read_bytes())
    run = run_check([letter], CheckOptions())
    assert [f.code for f in run.results[0].findings] == []


def test_settings_choose_the_same_rules_as_the_selectors_they_hold():
    rules = list(load_rules())
    settings = Settings(select=("LGO1",), ignore=("upheld-rate-mismatch",))
    chosen = [r.code for r in settings.selection.active(rules)]
    assert chosen and all(c.startswith("LGO1") for c in chosen)
    assert "LGO101" not in chosen


# --- facts complete at parse: the register everywhere ------------------------------------------


def team_setup(tmp_path: Path) -> Path:
    """A folder whose configuration names a register that types Stockport as a Unitary."""
    (tmp_path / "councils.csv").write_text(TEAM_REGISTER, encoding="utf-8")
    (tmp_path / "lgo-audit.toml").write_text('authority-register = "councils.csv"\n')
    letter = tmp_path / "stockport.txt"
    letter.write_bytes(STOCKPORT.read_bytes())
    return letter


def test_parse_uses_the_register_the_configuration_names(tmp_path):
    letter = team_setup(tmp_path)
    configured = CliRunner().invoke(app, ["parse", str(letter)])
    isolated = CliRunner().invoke(app, ["parse", "--isolated", str(letter)])
    assert configured.exit_code == 0, configured.output
    assert json.loads(configured.stdout)["authority"]["type"]["value"] == "Unitary"
    assert json.loads(isolated.stdout)["authority"]["type"]["value"] == "Metropolitan Borough"


def test_fix_judges_with_the_register_facts(tmp_path):
    """A team rule whose fix depends on the council's type: --fix applies it only if the
    parse that --fix makes has the register's facts (it once had none)."""
    rules = tmp_path / "team-rules"
    rules.mkdir()
    (rules / "LGO901.toml").write_text(
        'code = "LGO901"\nname = "unitary-says-council"\nseverity = "warning"\n'
        'summary = "A unitary authority is addressed by name"\n'
        'explanation = """\n## What it checks\nA test rule.\n"""\n'
        "when = \"authority.type == 'Unitary'\"\n"
        "assert = \"raw(salutation.name) != 'Councillor Jones'\"\n"
        'message = "salutation"\nat = ["salutation.name"]\n'
        '[fix]\nat = "salutation.name"\nreplacement = "\'Councillor Jones\'"\n'
        'applicability = "safe"\ndescription = "x"\n'
        '[[examples]]\nkind = "valid"\ndescription = "v"\n'
        '[[examples]]\nkind = "invalid"\ndescription = "i"\n',
        encoding="utf-8",
    )
    letter = team_setup(tmp_path)
    # The rule asserts the salutation IS something else: it always fails, and its fix writes
    # the name. Only a parse that knows Stockport is a Unitary (the team register) applies it.
    (rules / "LGO901.toml").write_text(
        (rules / "LGO901.toml")
        .read_text()
        .replace("!= 'Councillor Jones'", "== 'Councillor Jones'"),
        encoding="utf-8",
    )
    run_check([letter], CheckOptions(fix=True, rule_dirs=(rules,), select=("LGO901",)))
    assert "Dear Councillor Jones" in letter.read_text(encoding="utf-8")


def test_the_property_tests_fail_loudly_when_the_register_is_broken():
    """They once caught every exception from the register and silently dropped rules."""
    source = (ROOT / "tests" / "test_properties.py").read_text(encoding="utf-8")
    assert "except Exception" not in source


# --- rules refused at load ---------------------------------------------------------------------


def test_a_rule_naming_a_check_of_another_kind_is_refused_at_load(tmp_path):
    bundled = (ROOT / "rules" / "LGO002-missing-section.toml").read_text(encoding="utf-8")
    team = bundled.replace('code = "LGO002"', 'code = "LGO902"').replace(
        'name = "missing-section"', 'name = "team-missing"'
    )
    team = team.replace('check = "missing-section"', 'check = "figure-differs"')
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "rule.toml").write_text(team, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", "--isolated", "--rule-dir", str(folder), str(STOCKPORT)]
    )
    assert result.exit_code == 2
    assert "'figure-differs' is not a structure check" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- start-up ----------------------------------------------------------------------------------


def test_the_command_line_imports_no_checking_stage_for_help():
    code = (
        "import sys\nimport lgo_audit.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('lgo_audit.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout
    for stage in ("lgo_audit.check", "lgo_audit.rules", "lgo_audit.engine", "lgo_audit.grammar"):
        assert f"'{stage}'" not in loaded
