"""Compiled regular expressions remembered between runs of the command line.

A cold one-letter check compiles some 180 regular expressions (the grammar's, pyparsing's,
the normaliser's): 24 ms on a fast day and 40 ms on a slow one, spent in Python's own ``re``
compiler, which is written in Python and keeps nothing between processes. What it produces
for a pattern is a list of integers (the program of the C matching engine, ``_sre``; some
2,000 words for a large character class): this module keeps that list in the cache
(:mod:`lgo_audit.cache`), and a later run hands it straight to the engine (``_sre.compile``,
which refuses much of what is not a program). Matching is the engine's as before: only the
compiling is skipped.

:func:`install` is called by the console script (:func:`lgo_audit.cli.entry`) before a
command that checks (not ``--version`` or ``explain CODE``) imports the grammar, and only
there: importing lgo-audit as a library changes nothing in ``re``. It wraps
``re._compiler.compile``, the step ``re.compile`` (and so pyparsing) calls for a pattern not
in its in-process cache. It does nothing where caching is off (``LGO_AUDIT_NO_CACHE``) or
that step is not the one this module knows (another Python implementation, or an engine
whose program words are not 32-bit), and a pattern ``re`` refuses is refused as before.

The cache file is named by the interpreter's version, the engine's ``MAGIC`` and its code
size and byte order, so a program is only ever given to the engine it was made for. The
cache keeps the :data:`KEPT` patterns used latest (at most :data:`KEPT_BYTES`) in two files:
the patterns the last run that wrote it used (read at start), and the others (read only when
a pattern is not among the first: :func:`rest_file_name`). A one-letter check uses some 180
patterns, a batch many more (the fused recogniser's, and each statement's ASCII twin): read
whole, the batch's made every later one-letter check read four times what it needs (7 ms of
a cold check of some 140 ms). They are written only by a run that compiled a pattern they
did not hold, that used one of the second file's, or that used fewer than half the first's
(the second file is read first, so that nothing is lost): a run of patterns seen before, like
the last, reads the first and writes nothing (a run that uses a library's pattern built in
the hash seed's order, as ``tokenize`` builds one, writes it each time).

The programs are trusted as Python trusts the compiled modules in ``__pycache__``. The
CRC-32 on the file's first line finds damage, and an entry whose groups do not agree is
compiled anew; but the engine does not check every part of a program (Python 3.11's validator
lets some malformed programs through, and they can crash the interpreter), so a file edited by
hand with its check written again can make a run fail or crash, as an edited ``.pyc`` can.
Only someone who can write the cache folder can do that; deleting the folder (or setting
``LGO_AUDIT_NO_CACHE``) is always safe.

Only ``str`` patterns are kept (the few ``bytes`` patterns are compiled as usual), and none
compiled with ``re.DEBUG``.
"""

from __future__ import annotations

import array
import importlib
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from lgo_audit.cache import cache_path, latest_used, read_marshal, remove, write_marshal
from lgo_audit.digest import sha256

__all__ = [
    "KEPT",
    "KEPT_BYTES",
    "file_name",
    "install",
    "installed",
    "rest_file_name",
    "save",
    "uninstall",
]

KEPT = 1000
"""Patterns kept in the cache file (a one-letter check and a batch of every template year
use about 330 between them, at 2a31c7f: the grammar's, both ways of recognising, and a
batch's ASCII twins of its statements, :func:`lgo_audit.grammar.recognise.ascii_twin`)."""
KEPT_BYTES = 2_000_000
"""Characters of patterns and programs kept in the cache file, the latest used first (those
about 330 take some 820,000 at 2a31c7f: room for as many again): a library whose pattern
changes from run to run (one built from a set, in the hash seed's order) cannot make the
file every run reads grow."""

_FORMAT = 2  # 1: JSON, each program in base64

_compile_step: Callable[[Any, int], Any] | None = None  # re._compiler.compile, once wrapped
_known: dict[str, Any] = {}  # key -> [flags, code (bytes), groups, groupindex, indexgroup]
_rest: dict[str, Any] | None = None  # the second file's entries, once read (None: not yet)
_used: dict[str, Any] = {}  # the entries this run compiled or read, in order
_added = False  # a pattern compiled, or one of the second file's used: the files are written


@cache
def _engine() -> tuple[Any, Any] | None:
    """``re``'s compiler module and the C matching engine ``_sre``, or None where either is
    not the one this module knows (both are private: typed ``Any``)."""
    try:
        compiler = importlib.import_module("re._compiler")
        sre = importlib.import_module("_sre")
        for needed in (compiler.compile, compiler._code, compiler._parser.parse, sre.compile):
            if not callable(needed):
                return None
        if not isinstance(sre.MAGIC, int) or not isinstance(sre.CODESIZE, int):
            return None
    except (ImportError, AttributeError):
        return None
    if sys.implementation.name != "cpython" or array.array("I").itemsize != sre.CODESIZE:
        return None
    return compiler, sre


def file_name() -> str | None:
    """The cache file for this interpreter's regular-expression engine, or None where its
    compiler is not the one this module knows."""
    engine = _engine()
    if engine is None:
        return None
    return _file_name(engine[1], _FORMAT)


def rest_file_name() -> str | None:
    """The cache's second file (the patterns the last run that wrote it did not use), or
    None as for :func:`file_name`."""
    name = file_name()
    return None if name is None else name.replace(".bin", "-rest.bin")


def _file_name(sre: Any, file_format: int) -> str:
    tag = f"{sys.version}\0{sre.MAGIC}\0{sre.CODESIZE}\0{sys.byteorder}\0{file_format}"
    return f"regex-{sha256(tag.encode()).hexdigest()[:16]}.{'json' if file_format == 1 else 'bin'}"


def _patterns(name: str | None) -> dict[str, Any]:
    """The entries of the cache file ``name`` (none when it is missing, damaged or not
    this module's)."""
    loaded = read_marshal(name) if name is not None else None
    if isinstance(loaded, dict) and isinstance(loaded.get("patterns"), dict):
        return dict(loaded["patterns"])
    return {}


def _rest_entries() -> dict[str, Any]:
    """The second file's entries, read the first time they are asked for."""
    global _rest
    if _rest is None:
        _rest = _patterns(rest_file_name())
    return _rest


def installed() -> bool:
    """Is the cache in place in this process?"""
    return _compile_step is not None


def install() -> None:
    """Read the cache and have ``re`` use it for the rest of the process (once; nothing
    happens when caching is off, see :mod:`lgo_audit.cache`, or the engine is not known)."""
    global _compile_step
    if _compile_step is not None:
        return
    name = file_name()
    engine = _engine()
    if name is None or engine is None or cache_path(name) is None:
        return
    _known.clear()
    _known.update(_patterns(name))
    _compile_step = engine[0].compile
    engine[0].compile = _compile


def uninstall() -> None:
    """Give ``re`` its own compiling step back and forget what was read (for tests)."""
    global _compile_step, _added, _rest
    engine = _engine()
    if _compile_step is not None and engine is not None:
        engine[0].compile = _compile_step
    _compile_step = None
    _known.clear()
    _rest = None
    _used.clear()
    _added = False


def save() -> None:
    """Write the cache when this run compiled a pattern it did not hold, used one of the
    second file's, or used fewer than half the first file's: the patterns used latest, at
    most :data:`KEPT` of them and :data:`KEPT_BYTES` characters, those this run used in the
    first file and the others in the second. Failures are ignored (see
    :func:`lgo_audit.cache.write_json`). The file of the format before (JSON) is removed."""
    global _added
    name = file_name()
    rest_name = rest_file_name()
    engine = _engine()
    if name is None or rest_name is None or engine is None or not _used:
        return
    if not (_added or 2 * len(_used) < len(_known)):
        return
    known = {**_rest_entries(), **_known}
    kept = latest_used(known, _used, KEPT, KEPT_BYTES, _size)
    write_marshal(name, {"patterns": {k: e for k, e in kept.items() if k in _used}})
    write_marshal(rest_name, {"patterns": {k: e for k, e in kept.items() if k not in _used}})
    remove(_file_name(engine[1], 1))
    _added = False


def _size(key: str, entry: Any) -> int:
    """An entry's size, as :data:`KEPT_BYTES` counts it: its pattern's characters and its
    program's bytes."""
    shown = entry[1] if isinstance(entry, list) and len(entry) > 1 else entry
    return len(key) + (len(shown) if type(shown) is bytes else len(str(shown)))


def _compile(pattern: Any, flags: int = 0) -> Any:
    """``re._compiler.compile`` with the cache: the engine's program for ``pattern`` read
    from it, or made as ``re`` makes it and added to it."""
    engine = _engine()
    assert _compile_step is not None and engine is not None
    compiler, sre = engine
    if type(pattern) is not str or flags & re.DEBUG:  # bytes, or a parsed pattern
        return _compile_step(pattern, flags)
    global _added
    key = f"{flags}:{pattern}"
    entry = _known.get(key)
    if entry is None:
        entry = _rest_entries().get(key)
        if entry is not None:
            _added = True  # (moved to the first file: the files are written)
    if entry is not None:
        try:
            final, code, groups, groupindex, indexgroup = entry
            _check_groups(groups, groupindex, indexgroup)
            compiled = sre.compile(
                pattern, final, _program(code), groups, groupindex, tuple(indexgroup)
            )
        except (TypeError, ValueError, RuntimeError, OverflowError):  # not a program: made anew
            pass
        else:
            _used[key] = entry
            return compiled
    parsed = compiler._parser.parse(pattern, flags)
    program = compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for group_name, index in groupindex.items():
        indexgroup[index] = group_name
    final = flags | parsed.state.flags
    compiled = sre.compile(
        pattern, final, program, parsed.state.groups - 1, groupindex, tuple(indexgroup)
    )
    entry = [final, _words(program), parsed.state.groups - 1, groupindex, indexgroup]
    _known[key] = _used[key] = entry
    _added = True
    return compiled


def _check_groups(groups: Any, groupindex: Any, indexgroup: Any) -> None:
    """Raise ValueError unless an entry's groups agree with one another: ``groups`` (the
    count less one), the name of each numbered group and the number of each named one."""
    if not (
        type(groups) is int
        and isinstance(indexgroup, list)
        and len(indexgroup) == groups + 1
        and isinstance(groupindex, dict)
        and all(type(n) is int and 0 < n <= groups for n in groupindex.values())
        and all(indexgroup[n] == name for name, n in groupindex.items())
        and sum(name is not None for name in indexgroup) == len(groupindex)
    ):
        raise ValueError("groups that do not agree")


def _words(program: list[int]) -> bytes:
    """A program as the cache holds it: its 32-bit words."""
    return array.array("I", program).tobytes()


def _program(data: bytes) -> list[int]:
    """The program :func:`_words` wrote. Raises ``TypeError`` for anything but bytes and
    ``ValueError`` for bytes that are not whole words."""
    if type(data) is not bytes:
        raise TypeError("a program is bytes")
    words = array.array("I")
    words.frombytes(data)
    return words.tolist()
