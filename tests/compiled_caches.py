"""A cache of compiled things (lgo_audit.regex_cache, lgo_audit.dataclass_cache) put in place
for one test, in a folder of its own: what both caches' tests share."""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


@contextmanager
def in_place(cache: Any, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``cache`` (the module) reading and writing ``folder``, put in place; what it changed
    given back after. Yields its file's path."""
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)
    cache.uninstall()
    cache.install()
    try:
        yield folder / "lgo-audit" / str(cache.file_name())
    finally:
        cache.uninstall()


def payload(path: Path) -> Any:
    """What a cache file holds after its first line (its check): ``marshal`` data."""
    return marshal.loads(path.read_bytes().partition(b"\n")[2])
