"""SHA-256 without loading OpenSSL where a run does not need its speed.

``hashlib`` loads OpenSSL's library to give its SHA-256 (3-4 ms of a one-letter check's
start), which is some five times faster over a letter's few kilobytes than Python's own
(``_sha256``: 4 µs against 22 µs for 6 KB). :func:`sha256` is OpenSSL's when ``hashlib`` is
already loaded (a batch's parent loads it before its workers start: see
:func:`lgo_audit.check.check_results`), else Python's own. Both give the same digest.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = ["sha256"]


def _own() -> Callable[[bytes], _Hash]:
    """Python's own SHA-256 (``_sha256``; ``_sha2`` from Python 3.12), else ``hashlib``'s."""
    for module, name in (("_sha256", "sha256"), ("_sha2", "sha256")):
        try:
            return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    import hashlib  # pragma: no cover - another Python implementation

    return hashlib.sha256  # pragma: no cover


_own_sha256 = _own()


LARGE = 1 << 20
"""Bytes from which OpenSSL's SHA-256 is worth loading for one input (3-4 ms to load, 4 ms a
megabyte saved)."""


def sha256(data: bytes = b"", *, expected: int = 0) -> _Hash:
    """A SHA-256 hash object (``hashlib``'s interface: ``update``, ``digest``, ``hexdigest``)
    of ``data``: OpenSSL's when ``hashlib`` is loaded or ``data`` (or the ``expected`` bytes
    it is to be given, for an object fed piece by piece) reaches :data:`LARGE`, else Python's
    own."""
    loaded = sys.modules.get("hashlib")
    if loaded is None and max(len(data), expected) >= LARGE:
        import hashlib as loaded
    if loaded is not None:
        hashed: _Hash = loaded.sha256(data)
        return hashed
    return _own_sha256(data)
