"""Configuration: ``[tool.lgo-audit]`` in pyproject.toml or ``lgo-audit.toml``, found per file.

As in ruff, the configuration that applies to a letter is the nearest one found walking up
from the letter's folder (``lgo-audit.toml`` before ``pyproject.toml`` in the same folder);
``--config FILE`` names one for every letter and ``--isolated`` ignores them all. Command-line
options override the file. A configuration that does not validate against
``schemas/config.schema.json`` is a :class:`ConfigError` naming the file and the key.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from lgo_audit.cache import toml_table
from lgo_audit.config_files import CONFIG_FILES
from lgo_audit.findings import Severity
from lgo_audit.reader import DEFAULT_MAX_BYTES, InputError, read_bytes
from lgo_audit.resources import ordered_errors, schema_message, validator
from lgo_audit.selection import Selection, Selector, selectors

__all__ = [
    "CONFIG_FILES",
    "ConfigError",
    "Overrides",
    "Settings",
    "find_config",
    "glob_problem",
    "load_config",
    "resolve_settings",
]


class ConfigError(Exception):
    """A configuration file that cannot be used; one line naming the file and the key."""


LETTER_FILES = ("*.txt", "*.md", "*.html", "*.htm", "*.pdf", "*.docx")
"""The file names a folder is searched for, unless a configuration's ``letter-files`` says."""


@dataclass(frozen=True)
class Settings:
    """The resolved settings for a group of letters."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rule_dirs: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    max_file_size: int = DEFAULT_MAX_BYTES
    profile: str | None = None
    authority_register: str | None = None
    letter_files: tuple[str, ...] = LETTER_FILES
    exclude: tuple[str, ...] = ()  # globs of files and folders a folder's search passes over
    source: str | None = None  # the configuration file these came from (None: defaults)
    root: str | None = None  # its folder: per-file-ignores globs are relative to it

    @property
    def selection(self) -> Selection:
        """The rule selection these settings make."""
        return Selection(
            selectors(self.select),
            selectors(self.extend_select),
            selectors(self.ignore),
            tuple((Selector(k), v) for k, v in self.severity),
        )

    def ignored_for(self, path: str | os.PathLike[str]) -> tuple[Selector, ...]:
        """The selectors ``per-file-ignores`` switches off for ``path``."""
        if not self.per_file_ignores:
            return ()
        path = Path(path)
        try:
            relative = PurePosixPath(
                path.resolve().relative_to(Path(self.root or ".").resolve()).as_posix()
            )
        except ValueError:
            relative = PurePosixPath(path.as_posix())
        codes: list[str] = []
        for pattern, chosen in self.per_file_ignores:
            if (
                relative.match(pattern)
                or fnmatch.fnmatch(str(relative), pattern)
                or fnmatch.fnmatch(path.name, pattern)
            ):
                codes.extend(chosen)
        return selectors(codes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "select": list(self.select),
            "extend-select": list(self.extend_select),
            "ignore": list(self.ignore),
            "severity": {k: v.value for k, v in self.severity},
            "per-file-ignores": {k: list(v) for k, v in self.per_file_ignores},
            "rule-dirs": list(self.rule_dirs),
            "fail-on": self.fail_on.value,
            "max-file-size": self.max_file_size,
            "profile": self.profile,
            "authority-register": self.authority_register,
            "letter-files": list(self.letter_files),
            "exclude": list(self.exclude),
        }


def _table(path: Path) -> dict[str, Any] | None:
    """The lgo-audit table of a configuration file, or None if a pyproject.toml has none."""
    try:
        data = toml_table(read_bytes(path, raised=False))  # read back from the cache when unchanged
    except InputError as error:
        raise ConfigError(str(error)) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except ValueError as error:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("lgo-audit") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: 'tool.lgo-audit' must be a table ([tool.lgo-audit])")
        return table
    return data


def load_config(path: Path) -> Settings:
    """Settings from one configuration file (paths in it are relative to its folder)."""
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: no [tool.lgo-audit] table")
    try:
        _validate(path, table)
    except RecursionError:  # a value nested deeper than the validator (or its message) can go
        raise ConfigError(f"{path}: nested too deeply") from None
    for pattern in table.get("per-file-ignores", {}):
        problem = glob_problem(pattern)
        if problem is not None:
            raise ConfigError(f"{path}: key 'per-file-ignores.{pattern}': {problem}")
    if table.get("select") == []:  # (--select '' is refused the same way)
        raise ConfigError(
            f"{path}: key 'select': an empty list selects no rule (leave it out for every rule)"
        )
    if isinstance(table.get("max-file-size"), float):  # (1e3: JSON Schema's integer allows it)
        raise ConfigError(
            f"{path}: key 'max-file-size': {table['max-file-size']!r} is not of type integer"
        )
    for key in ("letter-files", "exclude"):
        for pattern in table.get(key, ()):
            problem = glob_problem(pattern)
            if problem is not None:
                raise ConfigError(f"{path}: key '{key}': '{pattern}': {problem}")
    root = path.parent
    return Settings(
        select=tuple(table.get("select", ())),
        extend_select=tuple(table.get("extend-select", ())),
        ignore=tuple(table.get("ignore", ())),
        severity=tuple((k, Severity(v)) for k, v in table.get("severity", {}).items()),
        per_file_ignores=tuple((k, tuple(v)) for k, v in table.get("per-file-ignores", {}).items()),
        rule_dirs=tuple(os.path.realpath(root / d) for d in table.get("rule-dirs", ())),
        fail_on=Severity(table.get("fail-on", "error")),
        max_file_size=int(table.get("max-file-size", DEFAULT_MAX_BYTES)),
        profile=table.get("profile"),
        authority_register=(
            os.path.realpath(root / table["authority-register"])
            if "authority-register" in table
            else None
        ),
        letter_files=tuple(table.get("letter-files", LETTER_FILES)),
        exclude=tuple(table.get("exclude", ())),
        source=str(path),
        root=str(root),
    )


_CLASS = re.compile(r"\[!?\]?[^\]]*\]")  # a character class of a glob: [abc], [!0-9], []x]


def glob_problem(pattern: str) -> str | None:
    """What makes ``pattern`` a glob that matches no file as its writer meant, or None: empty,
    or a ``[`` that no ``]`` closes (:mod:`fnmatch` would match it as a plain ``[``)."""
    if not pattern.strip():
        return "an empty pattern matches no file"
    if "[" in _CLASS.sub("", pattern):
        return "'[' is not closed by ']' (a literal '[' is written '[[]')"
    return None


def _validate(path: Path, table: dict[str, Any]) -> None:
    """Raise a :class:`ConfigError` naming the first key that breaks the schema."""
    errors = ordered_errors(validator("config").iter_errors(table))
    if errors:
        error = errors[0]
        key = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            known = list(error.schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(known))
            key = ".".join([*map(str, error.absolute_path), unknown[0]]) if unknown else key
            import difflib  # (an error's only)

            hint = difflib.get_close_matches(unknown[0], known, n=1) if unknown else []
            also = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(f"{path}: unknown key '{key}'{also}")
        raise ConfigError(f"{path}: key '{key}': {schema_message(error)}")


@cache
def _config_in(directory: Path) -> Path | None:
    """The configuration file of ``directory``, if it has one. A folder that cannot be
    searched (read but not entered) holds none that could apply: its letters cannot be read
    either, and are reported so. An ``lgo-audit.toml`` (or ``.lgo-audit.toml``) there that is
    not a readable file (a broken link or one in a loop, a folder, a named pipe) is still
    its configuration: reading it then raises :class:`ConfigError` naming it, rather than
    another folder's settings or the defaults applying in silence. (A ``pyproject.toml`` may
    be another tool's: one that cannot be read is passed over.)"""
    for name in CONFIG_FILES:
        candidate = directory / name
        try:
            present = candidate.is_file()
        except OSError:  # (is_file raises on a folder that cannot be searched)
            present = False
        if present:
            if name == "pyproject.toml" and _table(candidate) is None:
                continue
            return candidate
        if name != "pyproject.toml" and os.path.lexists(candidate):
            return candidate  # (named as lgo-audit's own, but no file: said when read)
    return None


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (a file's folder, or a folder)."""
    directory = Path(os.path.realpath(start))  # (a link in a loop is left as named)
    if not directory.is_dir():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        found = _config_in(folder)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Overrides:
    """What the command line changes in the configuration: selectors add to (``select``
    replaces) the file's; the other values, when given, win."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_dirs: tuple[str, ...] = ()
    fail_on: Severity | None = None
    max_file_size: int | None = None
    profile: str | None = None

    def apply(self, base: Settings) -> Settings:
        return replace(
            base,
            select=self.select or base.select,
            extend_select=base.extend_select + self.extend_select,
            ignore=base.ignore + self.ignore,
            rule_dirs=base.rule_dirs + self.rule_dirs,
            fail_on=self.fail_on or base.fail_on,
            max_file_size=self.max_file_size or base.max_file_size,
            profile=self.profile or base.profile,
        )


_File = TypeVar("_File", str, Path)


def resolve_settings(
    files: Sequence[_File],
    *,
    config: Path | None = None,
    isolated: bool = False,
    overrides: Overrides = Overrides(),
) -> list[tuple[_File, Settings]]:
    """Each file (a name or a ``Path``) with its settings: ``--isolated`` (defaults),
    ``--config FILE``, or the nearest configuration file above its folder (sought once a
    folder); then the command line's ``overrides``.

    Raises :class:`ConfigError` (one line naming the file and the key)."""
    merged: dict[Path | None, Settings] = {}
    nearest: dict[str, Path | None] = {}  # by folder

    def settings(path: Path | None) -> Settings:
        if path not in merged:
            merged[path] = overrides.apply(Settings() if path is None else load_config(path))
        return merged[path]

    def found_for(file: _File) -> Path | None:
        folder = os.path.dirname(file)
        if folder not in nearest:
            nearest[folder] = find_config(Path(folder))
        return nearest[folder]

    if isolated:
        return [(f, settings(None)) for f in files]
    if config is not None:
        return [(f, settings(config)) for f in files]
    return [(f, settings(found_for(f))) for f in files]
