"""Rules as data: load TOML rule files, validate them, and compile their expressions.

Loading fails closed. A file that is not valid TOML, does not match
``schemas/rule.schema.json``, has an expression that does not parse or whose types do not fit
(:mod:`lgo_audit.rule_types`), names a fact that is not in the vocabulary, or repeats another
rule's code or name is a :class:`RuleLoadError` naming the file, the rule and the field.
Nothing in a rule file can run code: expressions go through :mod:`lgo_audit.expr`, and text
patterns are plain regular expressions checked for the nested quantifiers that could make
matching slow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import re2

from lgo_audit import expr
from lgo_audit.cache import code_version, latest_used, prune, read_json, remove, write_json
from lgo_audit.checks import CHECKS, LINK_NAMES, MESSAGE_NAMES, SECTION_NAMES
from lgo_audit.config_files import CONFIG_FILES, holds_configuration
from lgo_audit.digest import sha256
from lgo_audit.expr._serial import dump_ast, load_ast
from lgo_audit.findings import Applicability, Severity
from lgo_audit.reader import InputError, read_bytes
from lgo_audit.resources import (
    bundled_rules_dir,
    ordered_errors,
    schema_digest,
    schema_message,
    validator,
)
from lgo_audit.rule_types import RuleTypes
from lgo_audit.vocabulary import VOCABULARY

__all__ = [
    "Binding",
    "Rule",
    "RuleFix",
    "RuleLoadError",
    "RuleSet",
    "load_rules",
    "rules_for",
]


class RuleLoadError(Exception):
    """A rule file that cannot be used; one line: file, rule, field, problem."""

    def __init__(
        self, path: Path | str, message: str, rule: str | None = None, where: str | None = None
    ):
        self.path = str(path)
        self.rule = rule
        self.where = where
        self.message = message
        parts = [self.path]
        if rule:
            parts.append(rule)
        if where:
            parts.append(f"field '{where}'")
        super().__init__(": ".join([*parts, message]))


Evaluator = Callable[[expr.Env], expr.Value]


@dataclass(frozen=True)
class Binding:
    """Local names of one ``each`` entry: either another fact's name or a computed value."""

    names: dict[str, str]  # alias -> fact name
    values: dict[str, Evaluator]  # alias -> expression
    nodes: dict[str, expr.Node] = field(default_factory=dict, compare=False, repr=False)
    """alias -> the syntax tree of its expression (the same aliases as ``values``)."""


@dataclass(frozen=True)
class RuleFix:
    """A rule's fix: the fact whose text it replaces (``at``), the replacement's expression,
    and whether it is safe (applied by ``--fix``) or unsafe (``--unsafe-fixes`` too)."""

    at: str
    replacement: Evaluator
    applicability: Applicability
    description: expr.Template
    source: str
    safe_when: Evaluator | None = None
    """When true for a letter, the fix is safe there whatever ``applicability`` says."""
    reads: frozenset[str] = frozenset()
    """The names ``replacement`` reads (facts, and the rule's local names)."""


@dataclass(frozen=True)
class Rule:
    """One rule, compiled from its file: its code and name, severity, docs, message template,
    kind, and each expression as an evaluator over a letter's values (with its source)."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    kind: Literal["fact", "structure", "text", "batch", "data"]
    message: expr.Template
    message_source: str
    path: Path
    check: str | None = None
    patterns: tuple[Any, ...] = ()  # RE2 patterns
    each: tuple[Binding, ...] | Literal["links"] | None = None
    when: Evaluator | None = None
    assertion: Evaluator | None = None
    when_source: str | None = None
    assert_source: str | None = None
    at: tuple[str, ...] = ()
    fix: RuleFix | None = None
    group: tuple[str, ...] = ()
    agree: Evaluator | None = None
    agree_source: str | None = None
    unique: bool = False
    compare: tuple[tuple[str, str, tuple[int, int]], ...] = ()
    """For ``figure-differs``: (fact, column, (first year, last year) the pair holds for)."""
    reads: frozenset[str] = frozenset()  # every name its expressions and message read
    years: tuple[int, int] = (0, 9999)  # the template years it holds for (inclusive)
    examples: tuple[dict[str, Any], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    when_node: expr.Node | None = field(default=None, compare=False, repr=False)
    """The syntax tree of ``when`` (the engine compiles it again over a letter's values)."""
    assert_node: expr.Node | None = field(default=None, compare=False, repr=False)
    """The syntax tree of ``assert``."""
    agree_node: expr.Node | None = field(default=None, compare=False, repr=False)
    """The syntax tree of ``agree`` (what the batch stage reads of a letter)."""

    def section(self, heading: str) -> str:
        """The text under ``## heading`` in the explanation ("" if there is none)."""
        marker = f"## {heading}"
        text = "\n" + self.explanation
        start = text.find("\n" + marker)
        if start < 0:
            return ""
        body = text[start + len(marker) + 1 :]
        end = body.find("\n## ")
        return (body if end < 0 else body[:end]).strip()

    def holds_for(self, year: int) -> bool:
        """Does the rule hold for letters of template year ``year`` (see ``years``)?"""
        return self.years[0] <= year <= self.years[1]

    @property
    def category(self) -> str:
        return {
            "0": "structure",
            "1": "arithmetic",
            "2": "dates",
            "3": "parties",
            "4": "language",
            "5": "batch",
        }.get(self.code[3], "other")


@dataclass(frozen=True)
class RuleSet:
    """Every rule loaded, by code, and the digest of their files (``version``)."""

    rules: tuple[Rule, ...]
    version: str  # digest of the rule files: evidence of which rule set judged a letter

    def __iter__(self) -> Any:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code_or_name: str) -> Rule | None:
        wanted = code_or_name.upper()
        for rule in self.rules:
            if rule.code == wanted or rule.name == code_or_name.lower():
                return rule
        return None


class _ParsedCache:
    """Parsed rule expressions remembered between runs, keyed by the expression and the names
    it may use, in a file of this version of the code (:func:`_versioned`): a changed grammar
    reads none of another's entries.

    The file keeps the entries of the latest runs (those a run used are kept first)."""

    def __init__(self) -> None:
        self._entries: dict[str, Any] | None = None  # read when first needed
        self.used: dict[str, Any] = {}
        self.dirty = False
        self._names: dict[frozenset[str], str] = {}

    @property
    def entries(self) -> dict[str, Any]:
        """The file's entries, read the first time an expression is parsed: a run whose rule
        files are all known (:data:`_RULE_DATA`, their trees with them) never reads it."""
        if self._entries is None:
            loaded = read_json(_versioned(_PARSED))
            self._entries = loaded if isinstance(loaded, dict) else {}
            self.dirty = self.dirty or len(self._entries) > _PARSED_KEPT  # grown: trimmed
        return self._entries

    def _key(self, kind: str, source: str, names: frozenset[str]) -> str:
        named = self._names.get(names)
        if named is None:  # a rule's names (hundreds) are hashed once per set, not per use
            named = self._names[names] = sha256("\0".join(sorted(names)).encode()).hexdigest()
        return sha256("\0".join((kind, source, named)).encode()).hexdigest()[:40]

    def parse(self, source: str, names: frozenset[str]) -> Any:
        key = self._key("expression", source, names)
        cached = self.entries.get(key)
        if cached is not None:
            try:
                node = load_ast(cached)
                self.used[key] = cached
                return node
            except ValueError:
                pass
        node = expr.parse(source, names=names)
        self.used[key] = dump_ast(node)
        self.dirty = True
        return node

    def template(self, text: str, names: frozenset[str]) -> expr.Template:
        key = self._key("template", text, names)
        cached = self.entries.get(key)
        if isinstance(cached, list):
            try:
                template = _load_template(text, cached)
                self.used[key] = cached
                return template
            except (ValueError, TypeError, KeyError):
                pass
        template = expr.parse_template(text, names=names)
        self.used[key] = _dump_parts(template)
        self.dirty = True
        return template

    def save(self) -> None:
        if self.dirty:
            _save_recent(_PARSED, self.entries, self.used, _PARSED_KEPT)


def _dump_parts(template: expr.Template) -> list[Any]:
    """A message template's parts as JSON-ready data: text as it is, each ``{expression}`` as
    ``{"ast": tree}``."""
    return [p if isinstance(p, str) else {"ast": dump_ast(p)} for p in template.parts]


def _load_template(text: str, parts: list[Any]) -> expr.Template:
    """The template of :func:`_dump_parts` data. Raises ``ValueError``, ``TypeError`` or
    ``KeyError`` for anything else."""
    return expr.Template(
        text, tuple(p if isinstance(p, str) else load_ast(p["ast"]) for p in parts)
    )


def _known_tree(known: Recorded, where: str, source: str) -> tuple[expr.Node, list[str]]:
    """The tree of the expression of field ``where`` and the names it reads, as recorded
    when the rule file was first compiled. Raises ``ValueError`` if that is not the record of
    ``source`` (a damaged entry)."""
    entry = known.get(where)
    if not (isinstance(entry, list) and len(entry) == 3 and entry[0] == source):
        raise ValueError(f"no tree recorded for {where}")
    reads = entry[2]
    if not (isinstance(reads, list) and all(isinstance(n, str) for n in reads)):
        raise ValueError(f"no names recorded for {where}")
    return load_ast(entry[1]), reads


def _known_template(known: Recorded, where: str, source: str) -> expr.Template:
    """The message template of field ``where`` as recorded when the rule file was first
    compiled. Raises ``ValueError`` if that is not the record of ``source``."""
    entry = known.get(where)
    if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == source):
        raise ValueError(f"no template recorded for {where}")
    if not isinstance(entry[1], list):
        raise ValueError(f"no parts recorded for {where}")
    return _load_template(source, entry[1])


def _versioned(folder: str) -> str:
    """The cache file of ``folder`` for this version of lgo-audit's code
    (:func:`lgo_audit.cache.code_version`): each version reads only its own entries, and
    versions that share a cache (a pre-commit hook's and another) never write over each
    other's."""
    return f"{folder}/{code_version()[:16]}.json"


def _save_recent(folder: str, entries: dict[str, Any], used: dict[str, Any], kept: int) -> None:
    """Write the cache file of ``folder`` for this version: the ``used`` entries last (kept
    longest), at most ``kept``. The files of all but the latest :data:`_VERSIONS_KEPT`
    versions written are removed, as is the one file of every version that earlier
    lgo-audit kept (``rule-files.json``, ``parsed-expressions.json``)."""
    write_json(_versioned(folder), latest_used(entries, used, kept))
    prune(folder, _VERSIONS_KEPT)
    remove(f"{folder}.json")


_FACT_NAMES = frozenset(VOCABULARY) | frozenset(SECTION_NAMES)
"""The names a fact rule's expressions may read, before its own (``let``, ``each``)."""


@cache
def _message_names(kind: str) -> frozenset[str]:
    """The names a rule of ``kind`` (structure, data, text, batch) may read in its message."""
    return frozenset(MESSAGE_NAMES[kind])


_parsed: _ParsedCache | None = None


_RULE_DATA = "rule-files"
"""Rule files this version of the code compiled (:func:`_versioned`), by :func:`_content_key`:
``{"data": ..., "trees": ...}``, the table TOML read from each (``data``, or null when JSON
cannot hold it as it is, a TOML date) and what its expressions were parsed into (``trees``:
:data:`Recorded`), so that an unchanged file is neither validated, read as TOML, parsed nor
type-checked again."""

Recorded = dict[str, list[Any]]
"""A rule file's parsed expressions by field (``when``, ``let.share``, ``message``): for an
expression ``[source, tree, names it reads]``, for a message template ``[source, parts]``,
trees and parts as :func:`lgo_audit.expr._serial.dump_ast` and the parsed-expression cache
write them."""
_PARSED = "parsed-expressions"
_VERSIONS_KEPT = 3  # versions of the code whose files of each kind are kept
_RULE_DATA_KEPT = 200  # files: the bundled ones (used by every run, so kept) and a few folders
_PARSED_KEPT = 1000  # expressions and templates (the bundled rules have ~250)


def _content_key(content: bytes) -> str:
    """The cache key of a rule file's content: with the rule schema's digest, so a changed
    schema validates every file again. (The file of entries is this version's own: a file it
    holds was compiled, its expressions type-checked, by this very code.)"""
    return sha256(schema_digest("rule").encode() + content).hexdigest()


def _plain(data: Any) -> bool:
    """Does JSON give ``data`` back as it is (no TOML date or time, no float that JSON
    spells differently)?"""
    try:
        return bool(json.loads(json.dumps(data, allow_nan=False)) == data)
    except (ValueError, TypeError, RecursionError):
        return False


def rule_files(dirs: Iterable[Path]) -> list[Path]:
    """The rule files (``*.toml``) of each folder (a folder named twice, however, read once),
    sorted; sub-folders are not read, nor a configuration file (``lgo-audit.toml``,
    ``.lgo-audit.toml``, ``pyproject.toml``: a team's rules may sit beside its configuration,
    ``rule-dirs = ["."]``).

    A folder that is missing, or holds no rule file of its own, is a :class:`RuleLoadError`:
    a team's folder that adds no rule (its rules in a sub-folder, or none yet) would otherwise
    be taken silently as "0 rules". So is an entry named like a rule file that is none (a
    broken link, a folder, a pipe): its rule would otherwise be switched off unsaid."""
    files: list[Path] = []
    seen: set[str] = set()
    for directory in dirs:
        place = os.path.realpath(directory)
        if place in seen:  # one folder named twice (in a configuration and by --rule-dir)
            continue
        seen.add(place)
        if not directory.is_dir():
            if directory.exists():
                why = "is not a folder of rule files"
            elif directory.is_symlink():
                why = "is a broken symbolic link (or a link in a loop), not a folder of rule files"
            else:
                why = "rule directory not found"
            raise RuleLoadError(directory, why)
        named = sorted(p for p in directory.glob("*.toml") if p.name not in CONFIG_FILES)
        for entry in named:  # a rule file that cannot be read must not drop its rule unsaid
            if not entry.is_file():
                raise RuleLoadError(entry, _not_a_rule_file(entry))
        if not named:
            raise RuleLoadError(directory, _no_rule_files(directory))
        files.extend(named)
    return files


def _not_a_rule_file(entry: Path) -> str:
    """Why ``entry`` (named like a rule file) cannot be read as one."""
    if entry.is_symlink() and not entry.exists():
        return "is a broken symbolic link (or a link in a loop), not a rule file"
    if entry.is_dir():
        return "is a folder, not a rule file"
    return "is not a regular file (a rule file is a TOML file)"


def _no_rule_files(directory: Path) -> str:
    """Why ``directory`` gives no rule, and what to name instead when its sub-folders hold
    rule files."""
    message = "no rule files (*.toml) in this folder"
    if holds_configuration(directory):
        message += " (a configuration file is not one)"
    nested = sorted(
        {
            p.parent
            for p in directory.rglob("*.toml")
            if p.is_file() and p.name not in CONFIG_FILES and p.parent != directory
        }
    )
    if nested:
        shown = ", ".join(str(p) for p in nested[:3]) + (", ..." if len(nested) > 3 else "")
        message += f"; rule files in sub-folders are not read: name the sub-folder ({shown})"
    return message


def load_rules(extra_dirs: Sequence[Path | str] = (), *, bundled: bool = True) -> RuleSet:
    """Load the bundled rules and a team's own rules from ``extra_dirs``, failing closed."""
    paths = ([bundled_rules_dir()] if bundled else []) + [Path(d) for d in extra_dirs]
    files = rule_files(paths)
    digest = sha256()
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    global _parsed
    _parsed = _ParsedCache()
    # A file that passed the schema and compiled is remembered by content, with what TOML
    # read from it and what its expressions were parsed into, in this version of the code's
    # file: an unchanged file is neither validated again (that saves importing jsonschema),
    # read as TOML, parsed nor type-checked again, and its expressions are compiled when
    # first evaluated.
    loaded = read_json(_versioned(_RULE_DATA))
    known: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    used: dict[str, Any] = {}
    new = len(known) > _RULE_DATA_KEPT  # grown by another version: written again, trimmed
    for path in files:
        try:
            content = read_bytes(
                path, raised=False
            )  # a regular file within the letters' default size limit
        except InputError as error:
            raise RuleLoadError(path, error.reason) from None
        digest.update(path.name.encode() + b"\0" + content)
        key = _content_key(content)
        cached = known.get(key)
        rule = None
        if isinstance(cached, dict):
            try:
                rule = _compile_known(cached, content, path)
                used[key] = cached
            except Exception:  # what the cache held cannot be compiled (damaged): the file
                rule = None  # itself is read again, whose own faults are then reported
        if rule is None:
            data = _read_rule_data(content, path, validate=True)
            recorded: Recorded = {}
            rule = _compile_rule(data, path, record=recorded)
            used[key] = {"data": data if _plain(data) else None, "trees": recorded}
            new = True
        for field_key, field_name in ((rule.code, "code"), (rule.name, "name")):
            if field_key in seen:
                raise RuleLoadError(
                    path,
                    f"'{field_key}' is already defined in {seen[field_key]}",
                    rule.code,
                    field_name,
                )
            seen[field_key] = path
        rules.append(rule)
    if new:
        _save_recent(_RULE_DATA, known, used, _RULE_DATA_KEPT)
    _parsed.save()
    rules.sort(key=lambda r: r.code)
    return RuleSet(tuple(rules), digest.hexdigest()[:12])


@cache
def rules_for(rule_dirs: tuple[str, ...]) -> RuleSet:
    """The bundled rules plus a team's own from ``rule_dirs``, loaded once per process for each
    set of folders. Raises :class:`RuleLoadError`."""
    return load_rules(extra_dirs=rule_dirs)


def load_rule_text(content: bytes, path: Path, *, validate: bool = True) -> Rule:
    """Parse, validate and compile one rule file's content."""
    return _compile_rule(_read_rule_data(content, path, validate=validate), path)


def _read_rule_data(content: bytes, path: Path, *, validate: bool) -> dict[str, Any]:
    """The table TOML reads from a rule file's content, checked against the rule schema when
    ``validate``. Raises :class:`RuleLoadError`."""
    try:
        return _load_rule_data(content, path, validate=validate)
    except RecursionError:  # TOML (or a value the validator walks) nested beyond Python's stack
        raise RuleLoadError(path, "nested too deeply") from None


def _compile_rule(
    data: dict[str, Any],
    path: Path,
    *,
    known: Recorded | None = None,
    record: Recorded | None = None,
) -> Rule:
    try:
        return _compile(data, path, known=known, record=record)
    except RecursionError:
        raise RuleLoadError(path, "nested too deeply") from None


def _compile_known(cached: dict[str, Any], content: bytes, path: Path) -> Rule:
    """The rule of a file this version of the code compiled before, from its cache entry
    (:data:`_RULE_DATA`). Raises whatever a damaged entry makes fail (the caller then reads
    the file afresh)."""
    data = cached.get("data")
    if data is None:  # (what JSON cannot hold as it is: TOML read again, not validated)
        data = _read_rule_data(content, path, validate=False)
    trees = cached.get("trees")
    if not (isinstance(data, dict) and isinstance(trees, dict)):
        raise TypeError("not a cached rule file")
    rule = _compile_rule(data, path, known=trees)
    if not (isinstance(rule.code, str) and isinstance(rule.name, str)):
        raise TypeError("a code or name that is not text")
    return rule


def _load_rule_data(content: bytes, path: Path, *, validate: bool) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(content.decode("utf-8-sig"))  # (a byte-order mark skipped)
    except UnicodeDecodeError:
        raise RuleLoadError(path, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleLoadError(path, f"invalid TOML: {error}") from None
    code = data.get("code") if isinstance(data.get("code"), str) else None
    errors = ordered_errors(validator("rule").iter_errors(data)) if validate else []
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or None
        raise RuleLoadError(path, _schema_message(first, where), code, where)
    return data


_FACT_GROUPS = frozenset(v[:i] for v in VOCABULARY for i, c in enumerate(v) if c == ".")
"""The dotted heads of fact names (``upheld`` of ``upheld.percent``): a local name may not be
one either."""


def _compile_pattern(source: str) -> Any:
    """A text rule's pattern, compiled by RE2: matching time is linear in the text whatever the
    pattern, so a rule file cannot make the checker hang (no backtracking, no lookarounds)."""
    options = re2.Options()
    options.log_errors = False
    return re2.compile(source, options)


_EXPRESSION_FIELDS = ("when", "assert", "agree", "let", "each", "fix.replacement")
"""The fields of a rule file that hold expressions (``let.x``, ``each.0.x`` included)."""


def _schema_message(error: Any, where: str | None) -> str:
    if error.validator == "additionalProperties":
        return f"unknown key: {error.message.split('(')[-1].rstrip(')')}"
    field = where or ""
    expression = any(field == f or field.startswith(f + ".") for f in _EXPRESSION_FIELDS)
    return schema_message(error, "expression" if expression else "text")


def _on_first_call(node: expr.Node) -> Evaluator:
    """The evaluator of ``node``, compiled (:func:`lgo_audit.expr.compile_expr`) the first
    time it is called: most are never called (the engine judges fact rules over a letter's
    values, compiled from the trees: :mod:`lgo_audit.expr.direct`)."""
    compiled: Evaluator | None = None

    def evaluate(env: expr.Env) -> expr.Value:
        nonlocal compiled
        if compiled is None:
            compiled = expr.compile_expr(node)
        return compiled(env)

    return evaluate


def _compile(
    data: dict[str, Any],
    path: Path,
    *,
    known: Recorded | None = None,
    record: Recorded | None = None,
) -> Rule:
    """The rule of a rule file's table.

    ``known``: the table is one this version of the code compiled before (the cache holds it
    by :func:`_content_key`), and these are what its expressions were parsed into: they are
    read back, not parsed or type-checked again, and each is compiled the first time it is
    evaluated (a rule compiles the same either way). Raises ``ValueError`` or ``TypeError``
    for an entry of ``known`` that is not as written. ``record``: filled with what each
    expression is parsed into, for the cache."""
    code = data["code"]
    kind = data.get("kind", "fact")

    used: set[str] = set()  # every name the rule's expressions read
    check = data.get("check")
    if check is not None and (check not in CHECKS or CHECKS[check].kind != kind):
        choices = ", ".join(c.name for c in CHECKS.values() if c.kind == kind) or "none"
        raise RuleLoadError(
            path, f"'{check}' is not a {kind} check (known: {choices})", code, "check"
        )
    # the type check of each expression, made as it is compiled (unless checked before)
    types = None if known is not None else RuleTypes(data, kind)

    def parse_tree(source: str, where: str, names: Iterable[str]) -> tuple[expr.Node, Evaluator]:
        if known is not None:
            node, reads = _known_tree(known, where, source)
            used.update(reads)
            return node, _on_first_call(node)
        try:
            allowed = frozenset(names)
            node = _parsed.parse(source, allowed) if _parsed else expr.parse(source, names=allowed)
            if types is not None:
                types.check(node, where)
            found = expr.names_used(node)
            used.update(found)
            if record is not None:
                record[where] = [source, dump_ast(node), sorted(found)]
            return node, expr.compile_expr(node)
        except expr.ExprSyntaxError as error:  # ExprTypeError included
            raise RuleLoadError(path, str(error), code, where) from None

    def parse(source: str, where: str, names: Iterable[str]) -> Evaluator:
        return parse_tree(source, where, names)[1]

    def template(source: str, where: str, names: Iterable[str]) -> expr.Template:
        if known is not None:
            return _known_template(known, where, source)
        try:
            allowed = frozenset(names)
            if _parsed is not None:
                parsed = _parsed.template(source, allowed)
            else:
                parsed = expr.parse_template(source, names=allowed)
            assert types is not None  # compiled now: a new rule file's faults found as it loads
            types.check_template(parsed, where)
            _ = parsed.compiled
            if record is not None:
                record[where] = [source, _dump_parts(parsed)]
            return parsed
        except expr.ExprSyntaxError as error:
            raise RuleLoadError(path, str(error), code, where) from None

    # (frozen, and the same object while a rule adds no name of its own: each expression's
    # names are then neither copied nor hashed again)
    names: frozenset[str] = _FACT_NAMES
    each: tuple[Binding, ...] | Literal["links"] | None = None
    at_names: frozenset[str] = _FACT_NAMES
    if kind in ("structure", "data", "text"):
        names = _message_names(kind)
    elif data.get("each") == "links":
        each = "links"
        names |= frozenset(LINK_NAMES)
        at_names |= {"it"}
    elif "each" in data:
        bindings = []
        aliases: set[str] = set()
        for index, entry in enumerate(data["each"]):
            fact_names: dict[str, str] = {}
            values: dict[str, Evaluator] = {}
            nodes: dict[str, expr.Node] = {}
            for alias, source in entry.items():
                where = f"each.{index}.{alias}"
                if alias in VOCABULARY or alias in _FACT_GROUPS:
                    raise RuleLoadError(path, f"local name '{alias}' hides a fact", code, where)
                if source in VOCABULARY:
                    fact_names[alias] = source
                else:
                    nodes[alias], values[alias] = parse_tree(source, where, names)
            if index and set(entry) != aliases:
                raise RuleLoadError(
                    path, "every entry must bind the same names", code, f"each.{index}"
                )
            aliases = set(entry)
            bindings.append(Binding(fact_names, values, nodes))
        each = tuple(bindings)
        names |= aliases
        at_names |= {a for a in aliases if all(a in b.names for b in each)}

    if "let" in data:
        lets: dict[str, Evaluator] = {}
        let_nodes: dict[str, expr.Node] = {}
        for alias, source in data["let"].items():
            if alias in names:
                raise RuleLoadError(path, f"'{alias}' is already a name", code, f"let.{alias}")
            let_nodes[alias], lets[alias] = parse_tree(source, f"let.{alias}", names)
            names |= {alias}
        if each == "links":
            raise RuleLoadError(path, 'let cannot be combined with each = "links"', code, "let")
        each = tuple(
            Binding(b.names, {**b.values, **lets}, {**b.nodes, **let_nodes})
            for b in (each or (Binding({}, {}),))
        )

    group = tuple(data.get("group", ()))
    for index, name in enumerate(group):
        if name not in VOCABULARY:
            raise RuleLoadError(path, f"unknown fact '{name}'", code, f"group.{index}")
    compare = tuple(
        (
            c["fact"],
            c["column"],
            (int(c.get("years", {}).get("from", 0)), int(c.get("years", {}).get("to", 9999))),
        )
        for c in data.get("compare", ())
    )
    for index, (name, _, _) in enumerate(compare):
        if name not in VOCABULARY:
            raise RuleLoadError(path, f"unknown fact '{name}'", code, f"compare.{index}.fact")
    agree = parse_tree(data["agree"], "agree", names) if "agree" in data else None
    message_names = names | _message_names("batch") if kind == "batch" else names

    rule_at = tuple(data.get("at", ()))
    for index, name in enumerate(rule_at):
        if name not in at_names:
            raise RuleLoadError(
                path, f"'{name}' is not a fact this rule can point to", code, f"at.{index}"
            )

    patterns: list[Any] = []
    for index, source in enumerate(data.get("patterns", ())):
        try:
            patterns.append(_compile_pattern(source))
        except re2.error as error:
            message = (
                error.args[0].decode()
                if error.args and isinstance(error.args[0], bytes)
                else str(error)
            )
            raise RuleLoadError(
                path, f"invalid regular expression: {message}", code, f"patterns.{index}"
            ) from None

    fix = None
    if "fix" in data:
        spec = data["fix"]
        if spec["at"] not in at_names:
            raise RuleLoadError(
                path, f"'{spec['at']}' is not a fact this rule can rewrite", code, "fix.at"
            )
        replacement_node, replacement = parse_tree(spec["replacement"], "fix.replacement", names)
        fix = RuleFix(
            at=spec["at"],
            replacement=replacement,
            applicability=Applicability(spec["applicability"]),
            description=template(spec["description"], "fix.description", names),
            source=spec["replacement"],
            safe_when=(
                parse(spec["safe_when"], "fix.safe_when", names) if "safe_when" in spec else None
            ),
            reads=frozenset(expr.names_used(replacement_node)),
        )

    message_template = template(data["message"], "message", message_names)
    used.update(message_template.names)
    when = parse_tree(data["when"], "when", names) if "when" in data else None
    assertion = parse_tree(data["assert"], "assert", names) if "assert" in data else None
    return Rule(
        code=code,
        name=data["name"],
        severity=Severity(data["severity"]),
        summary=data["summary"],
        explanation=data["explanation"].strip(),
        kind=kind,
        message=message_template,
        message_source=data["message"],
        path=path,
        check=check,
        patterns=tuple(patterns),
        each=each,
        when=None if when is None else when[1],
        assertion=None if assertion is None else assertion[1],
        when_source=data.get("when"),
        assert_source=data.get("assert"),
        at=rule_at,
        fix=fix,
        group=group,
        agree=None if agree is None else agree[1],
        agree_source=data.get("agree"),
        unique=bool(data.get("unique", False)),
        compare=compare,
        reads=frozenset(used),
        years=(
            int(data.get("years", {}).get("from", 0)),
            int(data.get("years", {}).get("to", 9999)),
        ),
        examples=tuple(data.get("examples", ())),
        raw=data,
        when_node=None if when is None else when[0],
        assert_node=None if assertion is None else assertion[0],
        agree_node=None if agree is None else agree[0],
    )
