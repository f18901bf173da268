"""The pre-commit hook, proved with real pre-commit against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="needs pre-commit and git",
)


@pytest.fixture(scope="module")
def letters_repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A git repository of letters: Stockport (consistent) and Stevenage (count missing), and
    the README.md a letters repository has (no statement of any template year)."""
    repo = tmp_path_factory.mktemp("letters")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "GIT_AUTHOR_NAME": "QA",
        "GIT_AUTHOR_EMAIL": "qa@example.org",
        "GIT_COMMITTER_NAME": "QA",
        "GIT_COMMITTER_EMAIL": "qa@example.org",
        "PRE_COMMIT_COLOR": "never",
        # pre-commit installs the hook from this checkout: uncompiled, the same code, to
        # spare the suite mypyc's minute a test (hatch_build.py)
        "LGO_AUDIT_PURE": "1",
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    shutil.copy(EXAMPLES / "stockport-2020.txt", repo / "stockport.txt")
    shutil.copy(EXAMPLES / "stevenage-2020.txt", repo / "stevenage.txt")
    (repo / "README.md").write_text(README, encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    return repo, env


README = "# Letters\n\nThe 2020 Annual Review letters, one file per council.\n"


def try_repo(repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), "lgo-audit", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_consistent_letter_passes_the_hook(letters_repo):
    repo, env = letters_repo
    result = try_repo(repo, env, "stockport.txt")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_the_stevenage_letter_is_blocked_and_the_finding_shown(letters_repo):
    repo, env = letters_repo
    result = try_repo(repo, env, "stevenage.txt")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert (
        "stevenage.txt:61:1: LGO102 [error] the number of upheld decisions is missing"
        in result.stdout
    )


def test_a_readme_beside_a_letter_does_not_block_the_commit(letters_repo):
    repo, env = letters_repo
    result = try_repo(repo, env, "README.md", "stockport.txt")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    assert "LGO001" not in result.stdout + result.stderr


def test_a_readme_beside_a_bad_letter_the_letter_still_blocks_the_commit(letters_repo):
    repo, env = letters_repo
    result = try_repo(repo, env, "README.md", "stevenage.txt")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "LGO102 [error]" in result.stdout
    assert "LGO001" not in result.stdout
    assert "README.md: not an Annual Review letter" in result.stdout  # the note, shown on failure
