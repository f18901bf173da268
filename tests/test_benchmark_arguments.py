"""The benchmark scripts refuse a count they cannot run with in one usage line, not a
traceback after minutes of work (``-n 0`` once divided by zero, ``--runs 0`` took the
minimum of nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "args", "option"),
    [
        ("bench.py", ["-n", "0"], "-n"),
        ("bench.py", ["--runs", "0"], "--runs"),
        ("perf.py", ["-n", "0"], "-n"),
        ("perf.py", ["--runs", "none"], "--runs"),
        ("bench_pdf.py", ["-n", "0"], "-n/--count"),
        ("bench_docx.py", ["-n", "-3"], "-n/--count"),
        ("bench_rules.py", [".", "--passes", "0"], "--passes"),
        ("instructions.py", [".", "--every", "0"], "--every"),
    ],
)
def test_a_count_below_one_is_a_usage_error_naming_the_option(script, args, option):
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"error: argument {option}: " in done.stderr
    assert "give a whole number of at least 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_test_extra_is_one_line_naming_it(capsys):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import _args
    finally:
        sys.path.remove(str(BENCHMARKS))
    with pytest.raises(SystemExit) as stopped:
        _args.require("no_such_module_for_lgo_audit", "bench_pdf.py")
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "bench_pdf.py: needs no_such_module_for_lgo_audit, one of the test extras: "
        "pip install -e '.[test]'\n"
    )
