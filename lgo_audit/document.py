"""What ``lgo-audit parse`` prints: the letter model plus where it came from and its findings.

:data:`LetterDocument` is the model ``schemas/letter.schema.json`` is generated from (a test
fails when the committed schema and the model drift apart). It has every fact of the catalogue;
a document sets those that apply to the letter, so its JSON (``model_dump(exclude_unset=True)``)
has a key for each fact that applies (``null`` when the letter lacks it: *missing*) and none for
a fact its template year does not state (*not applicable*).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from lgo_audit.engine import run_rules
from lgo_audit.model import Fact, LetterFields, iter_facts, letter_model
from lgo_audit.parse import ParsedLetter
from lgo_audit.rules import RuleSet

__all__ = [
    "DocumentFields",
    "LetterDocument",
    "StructuralFinding",
    "dump",
    "letter_document",
    "render_text",
    "schema_json",
]


class StructuralFinding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    severity: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int


class DocumentFields(LetterFields):
    """The fields of a :data:`LetterDocument` besides a letter's, for the type checker (the
    model is made by :func:`~lgo_audit.model.letter_model`, these fields after the facts)."""

    if TYPE_CHECKING:
        path: str
        encoding: str
        sha256: str
        notes: list[str]
        findings: list[StructuralFinding]


LetterDocument = letter_model(
    "LetterDocument",
    DocumentFields,
    "A parsed letter, nested as the dotted fact names suggest: each fact that applies to the "
    "letter's template year is a fact object, or null when the letter lacks it (missing); a "
    "fact the template year does not state is absent (not applicable), and so is a group with "
    "none that applies.",
    {
        "path": (str, Field(description="The file as given.")),
        "encoding": (str, Field(description="How the file was decoded.")),
        "sha256": (str, Field(description="SHA-256 of the file's bytes.")),
        "notes": (
            list[str],
            Field(description="What reading the file noticed (an encoding fallback)."),
        ),
        "findings": (
            list[StructuralFinding],
            Field(description="Structural findings of the grammar."),
        ),
    },
)
"""What ``lgo-audit parse`` prints (dumped with ``exclude_unset=True``)."""


def letter_document(parsed: ParsedLetter, rules: RuleSet) -> DocumentFields:
    """The document of a parsed letter: its letter's fields as set (the facts that apply),
    where it came from, and its structural findings."""
    structure_rules = [r for r in rules if r.kind == "structure"]
    findings, _ = run_rules(parsed, structure_rules)
    letter = parsed.letter
    return LetterDocument(
        **{name: getattr(letter, name) for name in letter.model_fields_set},
        path=parsed.path,
        encoding=parsed.source.encoding,
        sha256=parsed.source.sha256,
        notes=list(parsed.source.notes),
        findings=[
            StructuralFinding(
                code=f.code,
                name=f.name,
                severity=f.severity.value,
                message=f.message,
                line=f.span.line,
                column=f.span.column,
                end_line=f.span.end_line,
                end_column=f.span.end_column,
            )
            for f in findings
        ],
    )


def _show(fact: Fact[Any] | None) -> str:
    if fact is None:
        return "-"
    value = "invalid" if fact.value is None else str(fact.value)
    return f"{value}  ({fact.raw!r} at {fact.span.line}:{fact.span.column})"


def render_text(document: DocumentFields) -> str:
    """Facts one per line, ``name  value  (raw at line:col)`` (``-`` for a missing fact; a fact
    not applicable to the letter's template year is left out), then the findings."""
    rows = list(iter_facts(document))
    width = max(len(name) for name, _ in rows)
    lines = [f"{document.path} (profile {document.profile}, {document.encoding})"]
    lines += [f"  {name:<{width}}  {_show(fact)}" for name, fact in rows]
    for link in document.links:
        lines.append(
            f"  {'link':<{width}}  {link.text!r} -> {link.target!r} at {link.span.line}:{link.span.column}"
        )
    for note in document.notes:
        lines.append(f"note: {note}")
    for f in document.findings:
        lines.append(f"{document.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}")
    from lgo_audit.report.text import clean

    return clean("\n".join(lines))


def dump(document: DocumentFields) -> dict[str, Any]:
    """The JSON of ``lgo-audit parse``: the fields set (see :data:`LetterDocument`)."""
    return document.model_dump(mode="json", exclude_unset=True)


def schema_json() -> str:
    """The JSON Schema of ``lgo-audit parse --format json``, as committed in schemas/."""
    schema = LetterDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lgo-audit parsed letter"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path) -> None:
    path.write_text(schema_json(), encoding="utf-8")


if __name__ == "__main__":  # python -m lgo_audit.document: regenerate the committed schemas
    from lgo_audit.resources import schema_path
    from lgo_audit.stats import schema_json as stats_schema_json

    target = schema_path("letter")
    write_schema(target)
    print(f"wrote {target}")
    target = schema_path("stats")
    target.write_text(stats_schema_json(), encoding="utf-8")
    print(f"wrote {target}")
