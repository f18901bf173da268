"""The suite runs from a fresh clone: nothing outside the repository is read.

A user's clone has no ``../shared`` beside it (that folder exists only on the developers'
machines and in CI), so every fixture a test needs is copied into ``tests/fixtures/`` with its
source noted in ``tests/fixtures/SOURCES.md``, and its path is taken from ``tests/paths.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests import paths

TESTS = Path(__file__).resolve().parent

# ../shared written out, or built from path parts: "shared" as a path component, or climbing
# two levels above a test file (the repository's parent).
OUTSIDE = re.compile(r"""\.\./shared|["']shared["']|/\s*["']shared\b|parents\[\s*[2-9]\s*\]""")


def test_no_test_file_reads_outside_the_repository():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_pattern_would_catch_each_way_of_naming_the_shared_folder():
    """The control for the test above: each spelling seen in earlier test modules is caught."""
    for line in (
        'SEEDS = Path(__file__).parents[2] / "shared" / "seeds"',
        'SARIF = ROOT.parent / "shared" / "external" / "sarif.json"',
        'open("../shared/seeds/000.txt")',
    ):
        assert OUTSIDE.search(line), line


def test_every_fixture_path_exists_inside_the_repository():
    root = paths.ROOT
    for name in dir(paths):
        value = getattr(paths, name)
        if isinstance(value, Path) and name.isupper():
            assert value.exists(), f"{name}: {value}"
            assert value.resolve().is_relative_to(root), f"{name} lies outside the repository"


def test_every_fixture_file_has_its_source_noted():
    sources = (paths.FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    for path in sorted(paths.FIXTURES.rglob("*")):
        if path.is_file() and path.name not in {"SOURCES.md", "SOURCES.tsv"}:
            relative = path.relative_to(paths.FIXTURES).as_posix()
            noted = relative in sources or (
                path.parent.name == "lgo-statistics-pages"
                and path.name in (path.parent / "SOURCES.tsv").read_text(encoding="utf-8")
            )
            assert noted, f"{relative} is not in tests/fixtures/SOURCES.md"
