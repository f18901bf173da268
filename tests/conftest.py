"""Shared test configuration."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile

import pytest

# --- the dependencies -------------------------------------------------------------------------
# The tests run the installed project: without its dependencies, one line saying how to get
# them, not an import error for each of thirty test files.

_NEEDED = ("re2", "typer", "pyparsing", "pydantic", "jsonschema", "wcwidth", "hypothesis")
_MISSING = [name for name in _NEEDED if importlib.util.find_spec(name) is None]
if _MISSING:
    pytest.exit(
        f"the tests need lgo-audit's dependencies and test extras ({', '.join(_MISSING)} "
        "not found): pip install -e '.[test]'",
        returncode=4,
    )

# --- hypothesis profiles (property-based tests, tests/test_properties.py) ----------------------
# "ci" (the default) is derandomised and sized so the whole suite stays well inside the CI
# budget on two cores; "deep" is for long runs: LGO_HYPOTHESIS_PROFILE=deep pytest ...
# Either way a failure is shrunk and printed with a @reproduce_failure blob (print_blob).
from hypothesis import HealthCheck, Phase, settings  # noqa: E402 (once it is known to be there)

settings.register_profile(
    "ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=1_000,
    deadline=None,
    print_blob=True,
    phases=list(Phase),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("LGO_HYPOTHESIS_PROFILE", "ci"))

# --- the cache (lgo_audit.cache) -----------------------------------------------------------------
# What the tests' runs remember (rule files, registers, TOML tables) goes to a folder of the
# session's own, removed at its end: never the user's cache, whose every run would otherwise
# read what the tests left (a test's 3 MB TOML table once did). Tests of the cache itself set
# their own folder.
_CACHE = tempfile.mkdtemp(prefix="lgo-audit-tests-cache-")
os.environ["LGO_AUDIT_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
