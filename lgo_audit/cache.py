"""What lgo-audit remembers between runs so that it need not do it again.

Small JSON files (never pickles: reading a cache runs no code) in the folder ``lgo-audit``
of ``LGO_AUDIT_CACHE_DIR``, else of ``$XDG_CACHE_HOME``, else of ``~/.cache``;
``LGO_AUDIT_NO_CACHE=1`` switches caching off. A cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import contextlib
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


_TOML = "toml"  # folder: one file per table, named by its content's SHA-256
_TOML_KEPT = 50  # files
_TOML_BEFORE = "toml-tables.json"  # every table in one file, read whole by every run before


def toml_table(content: bytes) -> dict[str, Any]:
    """What ``tomllib`` reads from ``content`` (UTF-8 TOML), remembered by content (SHA-256)
    when JSON holds it as it is (no TOML date or time): a file read before is not parsed, nor
    ``tomllib`` imported, again.

    Each table is a file of its own (``toml/<sha256>.json``), so a run reads only the tables
    it uses, however large others are; the latest :data:`_TOML_KEPT` used are kept.

    Raises UnicodeDecodeError, ``tomllib.TOMLDecodeError`` (a ValueError) and RecursionError
    as ``tomllib.loads`` does."""
    import hashlib

    name = f"{_TOML}/{hashlib.sha256(content).hexdigest()}.json"
    cached = read_json(name)
    if isinstance(cached, dict):
        _touch(name)
        return cached
    import tomllib

    table = tomllib.loads(content.decode("utf-8"))
    try:
        plain = json.loads(json.dumps(table, allow_nan=False)) == table
    except (TypeError, ValueError, RecursionError):
        plain = False
    if plain and cache_path(name) is not None:
        write_json(name, table)
        _prune(_TOML, _TOML_KEPT)
        _remove(_TOML_BEFORE)
    return table


def _touch(name: str) -> None:
    """Mark the cache file ``name`` as just used (kept longest by :func:`_prune`)."""
    path = cache_path(name)
    if path is not None:
        with contextlib.suppress(OSError):
            os.utime(path)


def _remove(name: str) -> None:
    """Remove the cache file ``name`` if there is one."""
    path = cache_path(name)
    if path is not None:
        with contextlib.suppress(OSError):
            os.remove(path)


def _prune(folder: str, kept: int) -> None:
    """Remove all but the ``kept`` most recently used JSON files of the cache ``folder``;
    failures (another run removing the same file) are ignored."""
    path = cache_path(folder)
    if path is None:
        return
    try:
        files = sorted(
            (
                (entry.stat().st_mtime_ns, entry.path)
                for entry in os.scandir(path)
                if entry.name.endswith(".json")
            ),
            reverse=True,
        )
    except OSError:
        return
    for _, stale in files[kept:]:
        with contextlib.suppress(OSError):
            os.remove(stale)
