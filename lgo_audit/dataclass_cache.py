"""Dataclass methods compiled once and remembered between runs of the command line.

Making a dataclass, Python writes the source of its methods (``__init__``, ``__repr__``,
``__eq__``, and for a frozen one ``__setattr__``, ``__delattr__`` and ``__hash__``) and
compiles each with ``exec``: a cold one-letter check makes some 60 dataclasses and so some 330
compilations, 12-25 ms of its time. What a compilation makes is a code object, which
``marshal`` writes and reads as Python's own ``__pycache__`` keeps a module's: this module
keeps each in the cache (:mod:`lgo_audit.cache`), by the SHA-256 of its source, and a later
run reads it back instead of compiling the source again. The methods are the same; only the
compiling is skipped.

:func:`install` is called by the console script (:func:`lgo_audit.cli.entry`) before a
command that checks (not ``--version`` or ``explain CODE``) imports the checking stages, and
only there: importing lgo-audit as a library leaves ``dataclasses`` as it is. It gives the
``dataclasses`` module an ``exec`` of its own (a global of that module, which its code finds
before the built-in one): a source compiled before runs the code object read back; any other
is compiled as ``exec`` compiles it there (``compile(source, "<string>", "exec")``, no
``__future__`` flags: the module has none) and remembered. Nothing else in ``dataclasses``
changes, so a Python whose ``dataclasses`` writes other sources still gets the methods it
writes. :func:`install` does nothing where caching is off (``LGO_AUDIT_NO_CACHE``), or on
another Python implementation than CPython.

The cache file is named by the interpreter's version, its bytecode tag, the ``marshal`` format
and the optimisation level, so a code object is only ever run by the interpreter that made it.
It keeps the :data:`KEPT` methods used latest, and is written only by a run that compiled a
method it did not hold.

The code objects are trusted as Python trusts the compiled modules in ``__pycache__``: the
CRC-32 on the file's first line finds damage, and an entry that ``marshal`` cannot read or
that is not a code object of a source compiled here is compiled anew; but a file edited by
hand with its check written again runs what it holds, as an edited ``.pyc`` does (and
``marshal``, which is not made to read hostile data, can take any time or memory over it). Only
someone who can write the cache folder can do that (someone who can also write the user's
``.pyc`` files and start-up files); deleting the folder (or setting ``LGO_AUDIT_NO_CACHE``) is
always safe.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import sys
import types
from typing import Any

from lgo_audit.cache import cache_path, latest_used, read_marshal, remove, write_marshal
from lgo_audit.digest import sha256

__all__ = ["KEPT", "file_name", "install", "installed", "save", "uninstall"]

KEPT = 2000
"""Methods kept in the cache file (the bundled modules' dataclasses have about 330 for a
check, and fewer than 500 for every command; each is about a kilobyte)."""

_FORMAT = 2  # 1: JSON, each code object's marshal data in base64
_SOURCE_NAME = "<string>"  # the file name ``exec`` gives code compiled from a string

_known: dict[str, Any] = {}  # key -> the code object, marshalled (bytes)
_used: dict[str, Any] = {}  # the entries this run compiled or read, in order
_added = False
_installed = False


def file_name() -> str | None:
    """The cache file for this interpreter's code objects, or None on an interpreter other
    than CPython (whose code objects this module does not know)."""
    if sys.implementation.name != "cpython":
        return None
    return _file_name(_FORMAT)


def _file_name(file_format: int) -> str:
    tag = "\0".join(
        (
            sys.version,
            str(sys.implementation.cache_tag),
            str(marshal.version),
            str(sys.flags.optimize),
            str(file_format),
        )
    )
    suffix = "json" if file_format == 1 else "bin"
    return f"dataclass-{sha256(tag.encode()).hexdigest()[:16]}.{suffix}"


def installed() -> bool:
    """Is the cache in place in this process?"""
    return _installed


def install() -> None:
    """Read the cache and have ``dataclasses`` use it for the rest of the process (once;
    nothing happens when caching is off, see :mod:`lgo_audit.cache`, or on an interpreter
    other than CPython)."""
    global _installed
    name = file_name()
    if _installed or name is None or cache_path(name) is None:
        return
    loaded = read_marshal(name)
    _known.clear()
    if isinstance(loaded, dict) and isinstance(loaded.get("methods"), dict):
        _known.update(loaded["methods"])
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    _installed = True


def uninstall() -> None:
    """Give ``dataclasses`` the built-in ``exec`` back and forget what was read (for tests)."""
    global _installed, _added
    if _installed and vars(dataclasses).get("exec") is _exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _installed = False
    _known.clear()
    _used.clear()
    _added = False


def save() -> None:
    """Write the cache when this run compiled a method it did not hold: the :data:`KEPT`
    used latest. Failures are ignored (see :func:`lgo_audit.cache.write_json`). The file of
    the format before (JSON) is removed."""
    global _added
    name = file_name()
    if not _added or name is None:
        return
    write_marshal(name, {"methods": latest_used(_known, _used, KEPT)})
    remove(_file_name(1))
    _added = False


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """``exec`` as ``dataclasses`` calls it, with the code object of a string ``source``
    read from the cache, or compiled and added to it."""
    if globals is None:  # (dataclasses always names them): the caller's, as exec has it
        caller = sys._getframe(1)
        globals = caller.f_globals
        if locals is None:
            locals = caller.f_locals
    if type(source) is str:
        source = _code(source)
    builtins.exec(source, globals, locals)


def _code(source: str) -> types.CodeType:
    """The code object of ``source``, as ``exec`` compiles a string in ``dataclasses``."""
    global _added
    key = sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    entry = _known.get(key)
    if type(entry) is bytes:
        try:
            code = marshal.loads(entry)
        except (TypeError, ValueError, EOFError, MemoryError):  # damaged: compiled anew
            pass
        else:
            if type(code) is types.CodeType and code.co_filename == _SOURCE_NAME:
                _used[key] = entry
                return code
    code = compile(source, _SOURCE_NAME, "exec", dont_inherit=True)
    entry = marshal.dumps(code)
    _known[key] = _used[key] = entry
    _added = True
    return code
