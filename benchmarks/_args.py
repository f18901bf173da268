"""Argument types and checks the benchmark scripts share."""

from __future__ import annotations

import argparse
import importlib.util
import sys


def positive(text: str) -> int:
    """A whole number of at least 1 (letters, runs, passes), else a usage error naming it."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of at least 1")
    return number


def require(module: str, script: str) -> None:
    """Stop ``script`` with one line, status 2, when ``module`` (one of the test extras, such
    as ``fpdf``, which lays letters out as PDFs) is not installed."""
    if importlib.util.find_spec(module) is None:
        print(f"{script}: needs {module}, one of the test extras: pip install -e '.[test]'",
              file=sys.stderr)  # fmt: skip
        raise SystemExit(2)
