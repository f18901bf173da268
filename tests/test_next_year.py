"""The walk-through of docs/grammar.md ("Adding a later year's template"), performed.

In a temporary copy of the repository, 2026 is added as the walk-through says: a profile derived
from 2025 with one statement changed (the upheld rate, "59% of the complaints we investigated
were upheld."; the profile and the tests' wording are the walk-through's code blocks), registered in ``PROFILES`` and ``PROFILE_NAMES``, a base letter
``rules/base/2026.txt``, and the year in ``tests/letters.py``. Then, in a subprocess importing
the copy (not this checkout, not the installed console script): the rule examples pass, the
properties 1 and 2 hold for letters of 2026 (and of the years after it), the base letter is read
with the 2026 profile and is clean, its changed statement gives its fact, and the 2025 wording
of that statement is a structural finding in a 2026 letter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.paths import ROOT as REPO

COPIED = ("lgo_audit", "rules", "schemas", "data", "tests", "pyproject.toml")
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "_data"
)

OLD_RATE = "59% of complaints we investigated were upheld."
NEW_RATE = "59% of the complaints we investigated were upheld."

WALK_THROUGH = REPO / "docs" / "grammar.md"


def _walk_through_code() -> tuple[str, str]:
    """The profile and the tests' wording change, as docs/grammar.md writes them."""
    text = WALK_THROUGH.read_text(encoding="utf-8")
    section = text[text.index("## Adding a later year's template") :]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) >= 2, "the walk-through's two code blocks"
    return textwrap.dedent(blocks[0]), textwrap.dedent(blocks[1]).strip()


# Run by the copy's pytest: properties 1 and 2 on letters of 2026 and of the years after it.
PROPERTIES_2026 = '''"""Properties 1 and 2 on letters of the new year (written by tests/test_next_year.py)."""

from pathlib import Path

import lgo_audit
from hypothesis import given

from tests import test_properties as props
from tests.letters import LATEST, letter_facts, render_styles

COPY = Path(__file__).resolve().parent.parent


def test_the_copy_is_imported():
    assert LATEST == 2026
    assert Path(lgo_audit.__file__).resolve().is_relative_to(COPY)
    assert Path(props.__file__).resolve().is_relative_to(COPY)


@given(letter_facts(years=(2026, "next")), render_styles())
def test_property_1_for_2026(facts, style):
    props.test_1_parsing_a_rendered_letter_gives_back_exactly_its_facts.hypothesis.inner_test(
        facts, style
    )


@given(letter_facts(years=(2026, "next")), render_styles())
def test_property_2_for_2026(facts, style):
    props.test_2_a_consistent_letter_of_any_year_has_no_finding.hypothesis.inner_test(
        facts, style
    )
'''

# Run in the copy: what the 2026 base letter and a 2026 letter in the 2025 wording give.
PROBE = """
import json, sys
from pathlib import Path
import lgo_audit
from lgo_audit.engine import run_rules
from lgo_audit.examples import checked_letter
from lgo_audit.grammar import select_profile
from lgo_audit.resources import bundled_rules_dir
from lgo_audit.rules import load_rules

rules = load_rules()
out = {"module": lgo_audit.__file__, "rules_dir": str(bundled_rules_dir())}
base = (bundled_rules_dir() / "base" / "2026.txt").read_text(encoding="utf-8")
for name, text in (("base", base), ("old", base.replace(sys.argv[1], sys.argv[2]))):
    parsed, _, _ = checked_letter(text, name + ".txt")
    findings, _ = run_rules(parsed, rules)
    rate = parsed.facts.get("upheld.percent")
    out[name] = {
        "profile": select_profile(text).name,
        "read_with": parsed.profile.name,
        "codes": sorted({f.code for f in findings}),
        "upheld.percent": None if rate is None else str(rate.value),
    }
print(json.dumps(out))
"""


def _replace(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur exactly once) in ``path``: the anchors of the
    walk-through; a changed file fails here, not somewhere later."""
    text = path.read_text(encoding="utf-8")
    found = text.count(old)
    assert found == 1, f"{old!r} occurs {found} times in {path} (expected once)"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _add_2026(copy: Path) -> None:
    grammar = copy / "lgo_audit" / "grammar"
    # (a) the profile: 2025 with one statement changed
    profile, wording = _walk_through_code()
    (grammar / "profile_2026.py").write_text(profile, encoding="utf-8")
    # (b) registered in PROFILES and PROFILE_NAMES
    _replace(grammar / "__init__.py", '"2024", "2025")', '"2024", "2025", "2026")')
    _replace(copy / "lgo_audit" / "cli.py", '"2024", "2025")', '"2024", "2025", "2026")')
    # (c) the base letter: 2025's, a year on, with the changed statement
    base = (copy / "rules" / "base" / "2025.txt").read_text(encoding="utf-8")
    for old, new in (
        ("21 May 2025", "20 May 2026"),
        ("Annual Review letter 2025", "Annual Review letter 2026"),
        ("31 March 2025", "31 March 2026"),
        ("1 April 2024", "1 April 2025"),
        (OLD_RATE, NEW_RATE),
    ):
        assert old in base, old
        base = base.replace(old, new)
    assert "2024" not in base
    (copy / "rules" / "base" / "2026.txt").write_text(base, encoding="utf-8")
    # (d) the dated tables: May as in 2025 (derive keeps issue_month); the signatory in office
    # since 2024 has no end date in data/signatories.toml: no row to add.
    # (e) the tests' letters know the year, its issue month and its wording
    letters = copy / "tests" / "letters.py"
    _replace(letters, "LATEST = 2025 ", "LATEST = 2026 ")
    _replace(letters, "2025: 5}", "2025: 5, 2026: 5}")
    _replace(
        letters,
        "WORDING_CHANGES: dict[int, dict[str, str]] = {}",
        wording,
    )
    # a short hypothesis profile for this run
    _replace(
        copy / "tests" / "conftest.py",
        "settings.load_profile(",
        'settings.register_profile("walk", max_examples=40, derandomize=True, deadline=None,\n'
        "    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])\n"
        "settings.load_profile(",
    )
    (copy / "tests" / "test_walk_2026.py").write_text(PROPERTIES_2026, encoding="utf-8")


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST"))}
    env |= {"PYTHONPATH": str(copy), "LGO_HYPOTHESIS_PROFILE": "walk", "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_adding_2026_as_the_walk_through_says(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=IGNORED)
        else:
            shutil.copy2(source, copy / name)
    _add_2026(copy)

    # the base letter, and the same with its rate back in the 2025 wording
    probe = _run(copy, "-c", PROBE, NEW_RATE, OLD_RATE)
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout)
    assert Path(seen["module"]).resolve().is_relative_to(copy)
    assert Path(seen["rules_dir"]).resolve() == (copy / "rules").resolve()
    # the 2026 base letter: read with 2026, clean (no LGO009), its changed statement read
    assert seen["base"] == {
        "profile": "2026",
        "read_with": "2026",
        "codes": [],
        "upheld.percent": "59",
    }
    # the 2025 wording in a 2026 letter: not read, a structural finding
    assert seen["old"]["profile"] == seen["old"]["read_with"] == "2026"
    assert seen["old"]["upheld.percent"] is None
    assert {"LGO005", "LGO008"} & set(seen["old"]["codes"]), seen["old"]["codes"]

    flags = ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider")
    examples = _run(copy, *flags, "tests/test_rule_examples.py")
    assert examples.returncode == 0, examples.stdout[-3000:] + examples.stderr[-2000:]
    properties = _run(
        copy,
        *flags,
        "tests/test_walk_2026.py",
        "tests/test_properties.py",
        "-k",
        "walk or test_1_ or test_2_",
    )
    assert properties.returncode == 0, properties.stdout[-3000:] + properties.stderr[-2000:]
    assert re.search(r"^5 passed", properties.stdout, re.MULTILINE), properties.stdout[-500:]
