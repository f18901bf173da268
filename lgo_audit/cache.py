"""What lgo-audit remembers between runs so that it need not do it again.

Small JSON files (never pickles), each after a first line with
the CRC-32 of the JSON that follows (``crc32:`` and 8 hexadecimal digits), in the folder ``lgo-audit``
of ``LGO_AUDIT_CACHE_DIR``, else of ``$XDG_CACHE_HOME``, else of ``~/.cache`` (no cache when
there is no home folder); ``LGO_AUDIT_NO_CACHE`` set to anything but the empty string
switches caching off. A cache that cannot be read or written only costs time: a cache file
that is not a regular file, is larger than :data:`MAX_BYTES`, does not match its check
(damaged, edited, or written by a version before the check) or is not JSON is read as
none, and a write that fails leaves no file behind. (The check finds damage, not a forger:
the cache is the user's own.)

Reading a cache runs no code, with two exceptions that the console script alone puts in place,
each trusted as Python trusts ``__pycache__``: the regular-expression engine's programs
(:mod:`lgo_audit.regex_cache`) and the compiled methods of dataclasses
(:mod:`lgo_audit.dataclass_cache`). Those two hold bytes (programs, code objects), which JSON
could hold only as base64, slower to read than the file itself: their files are in the
format of ``marshal`` (:func:`read_marshal`), with the same first line.
"""

from __future__ import annotations

import contextlib
import functools
import json
import marshal
import os
import stat
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lgo_audit.digest import sha256

__all__ = [
    "MAX_BYTES",
    "cache_path",
    "check_line",
    "code_version",
    "latest_used",
    "prune",
    "read_json",
    "read_marshal",
    "remove",
    "write_json",
    "write_marshal",
]

MAX_BYTES = 50_000_000
"""The largest cache file read back (bytes): a TOML table of a configuration file within the
default size limit is far smaller."""

_STALE_SECONDS = 3600  # a temporary file older than this was left by a run that was killed


def cache_path(name: str) -> Path | None:
    """The cache file ``name``, or None when caching is switched off or there is no home
    folder to keep it in (and neither ``LGO_AUDIT_CACHE_DIR`` nor ``XDG_CACHE_HOME`` set; a
    relative ``XDG_CACHE_HOME`` is ignored, as the XDG base directory specification says)."""
    if os.environ.get("LGO_AUDIT_NO_CACHE"):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and not os.path.isabs(xdg):  # relative: invalid, to be ignored (XDG base directories)
        xdg = None
    base = os.environ.get("LGO_AUDIT_CACHE_DIR") or xdg
    if base:
        return Path(base) / "lgo-audit" / name
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and a user the password database does not know
        return None
    if not home.is_absolute() or home == Path(home.anchor):  # HOME="" reads as "/"
        return None
    return home / ".cache" / "lgo-audit" / name


def read_json(name: str) -> Any:
    """The cached data, or None when there is none, or it is not a regular file of at most
    :data:`MAX_BYTES` (a named pipe is never opened), or its JSON does not match the digest
    on its first line, or is not JSON."""
    payload = _read_payload(name)
    if payload is None:
        return None
    try:
        return json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def read_marshal(name: str) -> Any:
    """:func:`read_json` for a file :func:`write_marshal` wrote: its data as ``marshal``
    reads it back (None as there, or when it is not ``marshal`` data). For the two caches
    that are trusted as ``__pycache__`` is (:mod:`lgo_audit.regex_cache`,
    :mod:`lgo_audit.dataclass_cache`) only: ``marshal`` is not made for data from anyone
    else, and its callers check the type of every value they use."""
    payload = _read_payload(name)
    if payload is None:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError, MemoryError):
        return None


def _read_payload(name: str) -> bytes | None:
    """What follows the first line of the cache file ``name``, if that line is its check."""
    path = cache_path(name)
    if path is None:
        return None
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with open(path, "rb") as handle:
            # (a buffer of the file's size, not of the most a cache may be: that took 50 MB
            # of address space at each read)
            data = handle.read(info.st_size + 1)
    except (OSError, ValueError):
        return None
    if len(data) > info.st_size:  # it grew after stat
        return None
    digest, _, payload = data.partition(b"\n")
    return payload if check_line(payload) == digest else None


def check_line(payload: bytes) -> bytes:
    """The first line of a cache file holding ``payload``: its CRC-32, which finds damage
    (a file cut short, or changed in part) and is read at some 3 GB/s (SHA-256 read the
    megabyte of a check's caches in 3.5 ms, 10 times as long, without OpenSSL's)."""
    return b"crc32:%08x" % zlib.crc32(payload)


def write_json(name: str, data: Any) -> None:
    """Replace the cache file atomically (a temporary file, then a rename); failures are
    ignored and remove the temporary file."""
    _write_payload(name, lambda: json.dumps(data, allow_nan=False).encode("utf-8"))


def write_marshal(name: str, data: Any) -> None:
    """:func:`write_json` of data ``marshal`` can write (:func:`read_marshal`)."""
    _write_payload(name, lambda: marshal.dumps(data))


def _write_payload(name: str, encode: Callable[[], bytes]) -> None:
    path = cache_path(name)
    if path is None:
        return
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = encode()
        candidate = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        # Created here or not at all: a file or link already there (planted) is not written
        # through, and the write is given up.
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        temporary = candidate
        with open(descriptor, "wb") as handle:
            handle.write(check_line(payload) + b"\n" + payload)
        os.replace(temporary, path)
        temporary = None
    except (OSError, ValueError, TypeError, RecursionError):
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.remove(temporary)


@functools.cache
def code_version() -> str:
    """The version of lgo-audit's own code this process runs, for keys of what is cached from
    it: SHA-256 (hex) of each module's path, size and modification time (as Python's
    ``__pycache__`` tells a changed module from an unchanged one: a stat each, never a read),
    under the package's version. Any module changed, added, moved or removed changes it.
    (About a millisecond, once per process.)"""
    import lgo_audit

    stamps = [lgo_audit.__version__]
    folders = [os.path.dirname(os.path.abspath(lgo_audit.__file__))]
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if name.endswith(".py"):
                    info = entry.stat()
                    stamps.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
                elif name != "__pycache__" and entry.is_dir():
                    folders.append(entry.path)
            except OSError:
                continue
    return sha256("\n".join(stamps).encode("utf-8", "surrogateescape")).hexdigest()


def latest_used(
    known: dict[str, Any],
    used: dict[str, Any],
    kept: int,
    kept_chars: int | None = None,
    size: Callable[[str, Any], int] | None = None,
) -> dict[str, Any]:
    """What a cache of entries keeps: ``known`` with the entries this run ``used`` moved to
    the end (the latest used), at most the last ``kept`` of them, and with ``kept_chars``
    only as many of the latest as ``size`` (of a key and its entry, in characters) sums to
    within it (always one)."""
    recent = {k: v for k, v in known.items() if k not in used}
    recent.update(used)
    latest = list(recent.items())[-kept:] if kept > 0 else []
    if kept_chars is None or size is None:
        return dict(latest)
    chosen: list[tuple[str, Any]] = []
    total = 0
    for key, entry in reversed(latest):
        total += size(key, entry)
        if total > kept_chars and chosen:
            break
        chosen.append((key, entry))
    return dict(reversed(chosen))


_TOML = "toml"  # folder: one file per table, named by its content's SHA-256
_TOML_KEPT = 50  # files
# Each file says its format and the SHA-256 it is named by: a file in another shape (written
# by another version, or damaged) is read as no entry, parsed again and written over.
_TOML_FORMAT = 1
_TOML_BEFORE = "toml-tables.json"  # every table in one file, read whole by every run before


def toml_table(content: bytes) -> dict[str, Any]:
    """What ``tomllib`` reads from ``content`` (UTF-8 TOML; a byte-order mark before it, which
    Windows editors write, is skipped), remembered by content (SHA-256)
    when JSON holds it as it is (no TOML date or time): a file read before is not parsed, nor
    ``tomllib`` imported, again.

    Each table is a file of its own (``toml/<sha256>.json``: ``{"format": 1, "sha256": ...,
    "table": {...}}``), so a run reads only the tables it uses, however large others are; the
    latest :data:`_TOML_KEPT` used are kept.

    Raises UnicodeDecodeError, ``tomllib.TOMLDecodeError`` (a ValueError) and RecursionError
    as ``tomllib.loads`` does."""
    key = sha256(content).hexdigest()
    name = f"{_TOML}/{key}.json"
    cached = read_json(name)
    if isinstance(cached, dict) and cached.get("format") == _TOML_FORMAT:
        known = cached.get("table")
        if cached.get("sha256") == key and isinstance(known, dict):
            _touch(name)
            return known
    import tomllib

    table = tomllib.loads(content.decode("utf-8-sig"))
    try:
        plain = json.loads(json.dumps(table, allow_nan=False)) == table
    except (TypeError, ValueError, RecursionError):
        plain = False
    if plain and cache_path(name) is not None:
        write_json(name, {"format": _TOML_FORMAT, "sha256": key, "table": table})
        prune(_TOML, _TOML_KEPT)
        remove(_TOML_BEFORE)
    return table


def _touch(name: str) -> None:
    """Mark the cache file ``name`` as just used (kept longest by :func:`_prune`)."""
    path = cache_path(name)
    if path is not None:
        with contextlib.suppress(OSError):
            os.utime(path)


def remove(name: str) -> None:
    """Remove the cache file ``name`` if there is one."""
    path = cache_path(name)
    if path is not None:
        with contextlib.suppress(OSError):
            os.remove(path)


def prune(folder: str, kept: int) -> None:
    """Remove all but the ``kept`` most recently used JSON files of the cache ``folder``, and
    the temporary files of runs killed while writing (older than an hour); failures
    (another run removing the same file) are ignored."""
    path = cache_path(folder)
    if path is None:
        return
    stale_before = time.time() - _STALE_SECONDS
    files: list[tuple[int, str]] = []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.endswith(".json"):
                    files.append((entry.stat().st_mtime_ns, entry.path))
                elif entry.name.endswith(".tmp") and entry.stat().st_mtime < stale_before:
                    with contextlib.suppress(OSError):
                        os.remove(entry.path)
    except OSError:
        return
    files.sort(reverse=True)
    for _, stale in files[kept:]:
        with contextlib.suppress(OSError):
            os.remove(stale)
