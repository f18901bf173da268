"""SHA-256 without OpenSSL where a run does not need its speed (lgo_audit.digest): the same
digest whichever implementation gives it."""

from __future__ import annotations

import hashlib
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgo_audit import digest


@pytest.fixture(params=["openssl-loaded", "not-loaded"])
def loaded(request, monkeypatch):
    """``hashlib`` loaded, as in a batch, or not, as in a one-letter check."""
    if request.param == "not-loaded":
        monkeypatch.delitem(sys.modules, "hashlib")
    return request.param


@given(st.binary(max_size=5000), st.integers(min_value=0, max_value=4))
def test_the_digest_is_sha256_whichever_gives_it(data, pieces):
    for present in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            if not present:
                patch.delitem(sys.modules, "hashlib")
            whole = digest.sha256(data).hexdigest()
            fed = digest.sha256()
            for i in range(pieces + 1):
                fed.update(
                    data[i * len(data) // (pieces + 1) : (i + 1) * len(data) // (pieces + 1)]
                )
        assert whole == fed.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_small_input_without_hashlib_loaded_does_not_load_it(loaded):
    digest.sha256(b"x" * 100).hexdigest()
    assert ("hashlib" in sys.modules) is (loaded == "openssl-loaded")


@pytest.mark.parametrize("how", ["data", "expected"])
def test_a_large_input_loads_openssls(loaded, how):
    data = b"y" * digest.LARGE
    made = digest.sha256(data) if how == "data" else digest.sha256(expected=digest.LARGE)
    if how == "expected":
        made.update(data)
    assert "hashlib" in sys.modules
    assert made.hexdigest() == hashlib.sha256(data).hexdigest()
