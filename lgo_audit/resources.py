"""The files lgo-audit ships: rule files, JSON Schemas, the authority register and the
table of signatories.

In a checkout they sit at the top of the repository (``rules/``, ``schemas/``, ``data/``); an
installed wheel carries them inside the package (``lgo_audit/_data/...``, see pyproject.toml).
Every module that needs one asks here, so the layout is known in one place.

JSON Schema validators are built here too, on first use, so that ``jsonschema`` is imported
only when something is actually validated (a one-letter check with cached rules never is).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

__all__ = [
    "bundled_register_path",
    "bundled_rule_data",
    "bundled_rules_dir",
    "bundled_signatories_path",
    "data_dir",
    "ordered_errors",
    "schema_digest",
    "schema_message",
    "schema_path",
    "validator",
]

Kind = Literal["rules", "schemas", "data"]
SchemaName = Literal["rule", "config", "register", "stats", "letter", "signatories"]


def data_dir(kind: Kind) -> Path:
    """The folder of ``kind``: inside the installed package, or at the top of a checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "_data" / kind
    return installed if installed.is_dir() else package.parent / kind


def bundled_rules_dir() -> Path:
    """The folder of the bundled rule files (``rules/``)."""
    return data_dir("rules")


def bundled_rule_data(code_or_name: str) -> dict[str, Any] | None:
    """The bundled rule file's table (as TOML reads it, nothing compiled) of the rule with this
    code (any case) or name (as :meth:`lgo_audit.rules.RuleSet.get` finds it), else None.

    A rule file is named after its rule (``LGO101-upheld-rate-mismatch.toml``), so that file
    is read first; every file only when no name fits."""
    import tomllib

    code, name = code_or_name.upper(), code_or_name.lower()
    files = sorted(p for p in bundled_rules_dir().glob("*.toml") if p.is_file())
    likely = [
        p for p in files if p.stem.upper().startswith(code + "-") or p.stem.endswith("-" + name)
    ]
    for path in [*likely, *(p for p in files if p not in likely)]:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("code") == code or data.get("name") == name:
            return data
    return None


def bundled_register_path() -> Path:
    """The authority register shipped with lgo-audit (``data/authorities.csv``)."""
    return data_dir("data") / "authorities.csv"


def bundled_signatories_path() -> Path:
    """The dated table of who may sign the letters (``data/signatories.toml``)."""
    return data_dir("data") / "signatories.toml"


def schema_path(name: SchemaName) -> Path:
    """``schemas/<name>.schema.json``."""
    return data_dir("schemas") / f"{name}.schema.json"


@cache
def schema_digest(name: SchemaName) -> str:
    """SHA-256 (hex) of a schema file: caches of validated files are keyed by it, so a changed
    schema validates everything again."""
    from lgo_audit.digest import sha256  # here, as json and reprlib below: `explain` needs none

    return sha256(schema_path(name).read_bytes()).hexdigest()


@cache
def validator(name: SchemaName) -> Any:
    """A Draft 2020-12 validator for ``schemas/<name>.schema.json`` (jsonschema imported here)."""
    import json

    import jsonschema

    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@cache
def _short() -> Any:
    """A repr that shows at most a few items and characters of a value (reprlib.Repr)."""
    import reprlib

    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 2, 40, 40
    short.maxlist = short.maxdict = short.maxtuple = 4
    return short


_COMBINED: Final = frozenset({"allOf", "anyOf", "oneOf", "not"})
"""The keywords whose errors are about a combination of rules: jsonschema's message for one
quotes the whole value (a rule file's table)."""


def ordered_errors(errors: Iterable[Any]) -> list[Any]:
    """JSON Schema validation errors in the order to report them: those about one value (its
    type, its bounds, a key unknown or missing) before those about a combination of rules
    (``kind = "wat"`` breaks the enum of ``kind`` and a rule that holds for no kind: the first
    is said), each kind by where in the document it is."""
    return sorted(errors, key=lambda e: (e.validator in _COMBINED, list(e.absolute_path)))


def schema_message(error: Any, subject: str = "value") -> str:
    """One short line for a JSON Schema validation error: the bound a value breaks, said in
    words (``expression is longer than 4,000 characters (5,000)``), never the value itself
    pasted whole (jsonschema's own messages quote it, however long or deeply nested).
    ``subject`` names the value in the length messages."""
    kind, bound, instance = error.validator, error.validator_value, error.instance
    if kind == "maxLength" and isinstance(instance, str):
        return f"{subject} is longer than {bound:,} characters ({len(instance):,})"
    if kind == "minLength" and isinstance(instance, str):
        return (
            f"{subject} must not be empty"
            if bound == 1
            else (f"{subject} is shorter than {bound:,} characters ({len(instance):,})")
        )
    if kind == "maxItems" and isinstance(instance, list):
        return f"more than {bound:,} items ({len(instance):,})"
    if kind == "minItems" and isinstance(instance, list):
        return f"fewer than {bound:,} items ({len(instance):,})"
    # (as the TOML or JSON file spells it: true, not Python's True)
    shown = str(instance).lower() if isinstance(instance, bool) else _short().repr(instance)
    if kind == "type":
        expected = " or ".join(bound) if isinstance(bound, list) else bound
        return f"{shown} is not of type {expected}"
    if kind == "enum":
        return f"{shown} is not one of {', '.join(map(repr, bound))}"
    if kind == "pattern":
        # (a schema says in words what a pattern stands for, where a reader meets it:
        # "x-expected", a keyword of this project's schemas that validation passes over)
        expected = error.schema.get("x-expected") if isinstance(error.schema, dict) else None
        if expected:
            return f"{shown} is not {expected}"
        return f"{shown} does not match {bound!r}"
    message: str = " ".join(str(error.message).split())
    return message if len(message) <= 200 else message[:197] + "..."
