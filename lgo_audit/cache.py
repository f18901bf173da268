"""What lgo-audit remembers between runs so that it need not do it again.

Small JSON files (never pickles: reading a cache runs no code) in the folder ``lgo-audit``
of ``LGO_AUDIT_CACHE_DIR``, else of ``$XDG_CACHE_HOME``, else of ``~/.cache``;
``LGO_AUDIT_NO_CACHE=1`` switches caching off. A cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["cache_path", "read_json", "write_json"]


def cache_path(name: str) -> Path | None:
    """The cache file ``name``, or None when caching is switched off."""
    if os.environ.get("LGO_AUDIT_NO_CACHE"):
        return None
    base = os.environ.get("LGO_AUDIT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "lgo-audit" / name


def read_json(name: str) -> Any:
    """The cached data, or None when there is none (or it is unreadable)."""
    path = cache_path(name)
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def write_json(name: str, data: Any) -> None:
    """Replace the cache file atomically; failures are ignored."""
    path = cache_path(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
