"""The files lgo-audit ships: rule files, JSON Schemas and the authority register.

In a checkout they sit at the top of the repository (``rules/``, ``schemas/``, ``data/``); an
installed wheel carries them inside the package (``lgo_audit/_data/...``, see pyproject.toml).
Every module that needs one asks here, so the layout is known in one place.

JSON Schema validators are built here too, on first use, so that ``jsonschema`` is imported
only when something is actually validated (a one-letter check with cached rules never is).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "bundled_register_path",
    "bundled_rules_dir",
    "data_dir",
    "schema_digest",
    "schema_path",
    "validator",
]

Kind = Literal["rules", "schemas", "data"]
SchemaName = Literal["rule", "config", "register", "stats", "letter"]


def data_dir(kind: Kind) -> Path:
    """The folder of ``kind``: inside the installed package, or at the top of a checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "_data" / kind
    return installed if installed.is_dir() else package.parent / kind


def bundled_rules_dir() -> Path:
    """The folder of the bundled rule files (``rules/``)."""
    return data_dir("rules")


def bundled_register_path() -> Path:
    """The authority register shipped with lgo-audit (``data/authorities.csv``)."""
    return data_dir("data") / "authorities.csv"


def schema_path(name: SchemaName) -> Path:
    """``schemas/<name>.schema.json``."""
    return data_dir("schemas") / f"{name}.schema.json"


@cache
def schema_digest(name: SchemaName) -> str:
    """SHA-256 (hex) of a schema file: caches of validated files are keyed by it, so a changed
    schema validates everything again."""
    return hashlib.sha256(schema_path(name).read_bytes()).hexdigest()


@cache
def validator(name: SchemaName) -> Any:
    """A Draft 2020-12 validator for ``schemas/<name>.schema.json`` (jsonschema imported here)."""
    import jsonschema

    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)
