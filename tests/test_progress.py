"""Progress on standard error: drawn on a terminal only, never in a report or on a pipe."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import EXAMPLES

LGO_AUDIT = [str(Path(sys.executable).with_name("lgo-audit"))]


def letters(folder: Path, count: int) -> Path:
    folder.mkdir()
    for index in range(count):
        shutil.copy(EXAMPLES / "stockport-2020.txt", folder / f"letter-{index:02}.txt")
    return folder


def run_with_terminal_stderr(args: list[str]) -> tuple[str, str]:
    """Run with standard error on a pseudo-terminal and standard output on a pipe."""
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*LGO_AUDIT, *args],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
            check=False,
        )
        os.close(terminal)
        terminal = -1
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(controller)
    return done.stdout.decode(), seen.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_batch_shows_progress_on_a_terminal_and_the_report_stays_clean(tmp_path):
    folder = letters(tmp_path / "letters", 12)
    report, terminal = run_with_terminal_stderr(
        ["check", str(folder), "--output-format", "json", "-j", "1"]
    )
    assert "checking" in terminal
    assert "12/12" in terminal
    assert len(json.loads(report)) > 0  # the report on standard output is pure JSON


def test_no_progress_when_standard_error_is_a_pipe(tmp_path):
    folder = letters(tmp_path / "letters", 12)
    done = subprocess.run(
        [*LGO_AUDIT, "check", str(folder), "--output-format", "concise", "-j", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stderr == ""
    assert "checking" not in done.stdout


def test_rich_is_imported_only_for_a_terminal():
    code = (
        "import sys\n"
        "from lgo_audit.cli import _progress_on_terminal\n"
        "with _progress_on_terminal() as progress:\n"
        "    assert progress is None\n"
        "print('rich' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
