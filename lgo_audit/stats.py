"""The statistics table a year's letters are made from (``--data stats.csv``).

Columns are documented by ``schemas/stats.schema.json``, generated from the catalogue of facts
(:data:`lgo_audit.grammar.facts.FACTS`: a fact's ``column``, converted by its kind):
``authority`` and ``year`` are required, the figure columns optional (a figure left out is not
compared), and ``population`` (no fact) is optional too. Every row is
converted and validated against the schema, and a malformed table is a :class:`StatsError`
naming the file, the row (its line in the file) and the column: an unknown column (a
misspelling would otherwise silently skip a comparison), a column twice, or two rows for one
council and year. The columns ``extract`` adds are known, so the output of
``lgo-audit extract --format csv`` can be used as a table directly.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lgo_audit.grammar.facts import DOCUMENT_KINDS, FACTS, KINDS, Kind
from lgo_audit.reader import DEFAULT_MAX_BYTES, InputError, read_bytes
from lgo_audit.register import TYPES, authority_key, designations
from lgo_audit.resources import validator as schema_validator
from lgo_audit.vocabulary import VOCABULARY

__all__ = [
    "COLUMNS",
    "COLUMN_FACTS",
    "FACT_COLUMNS",
    "TABLE_ONLY_COLUMNS",
    "StatsError",
    "StatsRow",
    "StatsTable",
    "known_columns",
    "load_stats",
    "parse_stats",
    "schema",
    "schema_json",
]

COLUMN_FACTS: dict[str, str] = {f.column: f.name for f in FACTS.values() if f.column is not None}
"""Each column of the table that corresponds to a fact (:attr:`Fact.column
<lgo_audit.grammar.facts.Fact.column>`) -> that fact, in the catalogue's order."""

REQUIRED_COLUMNS = ("authority", "year")  # the others may be absent: no comparison for them
TABLE_ONLY_COLUMNS = ("population",)
"""Columns that are no fact of a letter: ``population`` (the council's residents, from which a
rate per 100,000 residents can be checked)."""

COLUMNS: tuple[str, ...] = (
    *REQUIRED_COLUMNS,
    *(c for c in COLUMN_FACTS if c not in REQUIRED_COLUMNS),
    *TABLE_ONLY_COLUMNS,
)
"""The statistics table's columns: ``authority`` and ``year``, then the other facts' columns
in the catalogue's order, then the columns that are no fact."""

FACT_COLUMNS: dict[str, str] = {
    c: name for c, name in COLUMN_FACTS.items() if c not in REQUIRED_COLUMNS
}
"""Which fact of a letter each figure column of the table corresponds to (``authority`` and
``year`` are the keys a row is matched by)."""

_KIND_OF_COLUMN: dict[str, Kind] = {c: FACTS[name].kind for c, name in COLUMN_FACTS.items()}
INTEGER_COLUMNS = frozenset(
    {c for c, kind in _KIND_OF_COLUMN.items() if KINDS[kind].python is int} | {"population"}
)
PERCENT_COLUMNS = frozenset(c for c, kind in _KIND_OF_COLUMN.items() if kind == "percentage")
RATE_COLUMNS = frozenset(c for c, kind in _KIND_OF_COLUMN.items() if kind == "rate")


def known_columns() -> list[str]:
    """The columns a table may have: the statistics columns (``authority`` and ``year``
    required, the others optional), and the columns ``extract`` adds (``path`` and every other
    fact by its dotted name), so that extract's output is a table as it stands."""
    return [*COLUMNS, "path", *sorted(VOCABULARY - set(COLUMN_FACTS.values()))]


# --- schemas/stats.schema.json, from the catalogue ----------------------------------------------

_OWN_DESCRIPTIONS = {  # columns described as the table has them, not by their fact's meaning
    "authority": "The council's name as in the letters (matched tolerantly: 'Council', "
    "'Borough of', '&'/'and', case and spacing do not matter).",
    "year": "The letter's year: the year in which the reviewed financial year ends (2020 for "
    "2019/20).",
    "type": "The authority type, as the averages are grouped (authority.type).",
    "population": "The council's population (residents), from which the upheld decisions per "
    "100,000 residents can be checked. No fact of the letter.",
    "kind": "The kind of document the row is for (document.kind: 'letter' or 'page'), as "
    "extract writes it; a row without one is the council's figures for its letter and its "
    "statistics page alike.",
}
_KIND_SCHEMAS: dict[Kind, dict[str, Any]] = {
    "count": {"type": "integer", "minimum": 0},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2200},
    "percentage": {"type": "number", "minimum": 0, "maximum": 100},
    "rate": {"type": "number", "minimum": 0},
    "date": {"type": "string"},
    "name": {"type": "string", "minLength": 1},
    "wording": {"type": "string", "minLength": 1},
}


def _column_schema(column: str) -> dict[str, Any]:
    if column == "population":
        return {"description": _OWN_DESCRIPTIONS[column], "type": "integer", "minimum": 1}
    fact = FACTS[COLUMN_FACTS[column]]
    description = _OWN_DESCRIPTIONS.get(column, f"{fact.name}: {fact.description}")
    if fact.name == "authority.type":
        return {"description": description, "enum": list(TYPES)}
    if fact.name == "document.kind":
        return {"description": description, "enum": list(DOCUMENT_KINDS)}
    return {"description": description, **_KIND_SCHEMAS[fact.kind]}


def schema() -> dict[str, Any]:
    """The JSON Schema of one row of the table (``schemas/stats.schema.json``), made from the
    catalogue of facts: a column per fact that has one, typed by the fact's kind."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/lgo-audit/lgo-audit/schemas/stats.schema.json",
        "title": "lgo-audit statistics table row",
        "description": "One row of the statistics table a year's letters are made from (CSV "
        "with a header row). Counts are whole numbers, percentages numbers from 0 to 100 (a "
        "trailing % is accepted in the CSV), rates per 100,000 residents numbers of 0 or more; "
        "an empty cell is an absent figure. Generated from lgo_audit/grammar/facts.py by "
        "`python -m lgo_audit.document`.",
        "type": "object",
        "required": list(REQUIRED_COLUMNS),
        "properties": {column: _column_schema(column) for column in COLUMNS},
    }


def schema_json() -> str:
    """:func:`schema` as committed: one line per column."""
    document = schema()
    properties = document.pop("properties")
    head = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in document.items()]
    rows = [f"    {json.dumps(key)}: {json.dumps(value)}" for key, value in properties.items()]
    return "{\n" + ",\n".join(head) + ',\n  "properties": {\n' + ",\n".join(rows) + "\n  }\n}\n"


class StatsError(Exception):
    """A statistics table that cannot be used; one line naming file, row and column."""


@dataclass(frozen=True)
class StatsRow:
    line: int  # 1-based line of the row in the file
    values: dict[str, Any]

    @property
    def authority(self) -> str:
        return str(self.values["authority"])

    @property
    def year(self) -> int:
        return int(self.values["year"])


@dataclass(frozen=True)
class StatsTable:
    path: str
    rows: tuple[StatsRow, ...]
    text: str

    def __iter__(self) -> Iterator[StatsRow]:
        return iter(self.rows)


_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"  # thousands grouped by commas, or not at all
_WHOLE = re.compile(rf"[-+]?{_DIGITS}")
_DECIMAL = re.compile(rf"[-+]?(?:{_DIGITS}(?:\.[0-9]*)?|\.[0-9]+)")
"""A figure of the table: ASCII digits only (``int()`` and ``Decimal()`` would also take
``5_9``, full-width or Arabic-Indic digits, and ``Decimal()`` ``6.7e1``), a comma only between
groups of three (``1,0`` or a decimal comma, ``3,4``, is no figure), a percentage with one
``%`` at most."""


_LONGEST = 1000
"""The most characters a figure's cell of a statistics table holds: a figure of thousands of
digits would be no count, and Python refuses to read an int of more than 4,300 (a name of
any length is only text, which matches no letter)."""
_FIGURE_COLUMNS = frozenset({*INTEGER_COLUMNS, *PERCENT_COLUMNS, *RATE_COLUMNS})


def _convert(path: str, line: int, column: str, raw: str) -> Any:
    text = raw.strip()
    if text == "":
        return None
    if len(text) > _LONGEST and column in _FIGURE_COLUMNS:
        raise StatsError(
            f"{path}: row {line}, column '{column}': {len(text)} characters, more than any "
            f"figure holds ({_LONGEST})"
        )
    if column in INTEGER_COLUMNS:
        if _WHOLE.fullmatch(text) is None:
            raise StatsError(
                f"{path}: row {line}, column '{column}': '{raw}' is not a whole number"
            )
        return int(text.replace(",", ""))
    if column in PERCENT_COLUMNS or column in RATE_COLUMNS:
        what = "a percentage" if column in PERCENT_COLUMNS else "a number"
        number = text.removesuffix("%").strip() if column in PERCENT_COLUMNS else text
        if _DECIMAL.fullmatch(number) is None:
            raise StatsError(f"{path}: row {line}, column '{column}': '{raw}' is not {what}")
        try:
            value = Decimal(number.replace(",", ""))
        except InvalidOperation:
            raise StatsError(
                f"{path}: row {line}, column '{column}': '{raw}' is not {what}"
            ) from None
        if not value.is_finite():
            raise StatsError(f"{path}: row {line}, column '{column}': '{raw}' is not {what}")
        return value
    return text


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items() if v is not None
    }


def load_stats(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> StatsTable:
    """Read and validate a statistics table (CSV with a header row).

    The file is read as a letter is (a regular file of at most ``max_bytes`` bytes). Raises
    :class:`StatsError`: one line naming the file, and the row and column where it applies."""
    try:
        data = read_bytes(path, max_bytes=max_bytes)
    except InputError as error:
        raise StatsError(str(error)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StatsError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02X} at byte {error.start}): "
            "save it as UTF-8"
        ) from None
    return parse_stats(text, str(path))


def parse_stats(text: str, path: str) -> StatsTable:
    """Validate a statistics table's text; ``path`` names it in messages and findings."""
    if not text.strip():
        raise StatsError(f"{path}: is empty ({'no text' if not text else 'only whitespace'})")
    nul = text.find("\x00")
    if nul >= 0:  # (which no text table holds: a cell would keep it, unseen, and never match)
        line = text.count("\n", 0, nul) + 1
        raise StatsError(f"{path}: row {line}: a NUL character: not a text table (a binary file?)")
    reader = csv.DictReader(
        io.StringIO(text, newline=""), strict=True
    )  # (a quote left open: an error)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise StatsError(
            f"{path}: row 1: missing column '{missing[0]}' "
            f"(required: {', '.join(REQUIRED_COLUMNS)}; optional: {', '.join(COLUMNS[2:])})"
        )
    known = known_columns()
    for column in header:
        if column not in known:
            hint = difflib.get_close_matches(
                column, COLUMNS, n=1, cutoff=0.5
            ) or difflib.get_close_matches(column, known, n=1)
            also = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise StatsError(f"{path}: row 1, column '{column}': unknown column{also}")
    repeated = [c for c in header if header.count(c) > 1]
    if repeated:
        raise StatsError(f"{path}: row 1, column '{repeated[0]}': the column appears twice")
    rows: list[StatsRow] = []
    seen: dict[tuple[str, frozenset[str], int, str | None], int] = {}
    validator = schema_validator("stats")
    # The line each record starts on: csv counts the lines it has read, so a record whose
    # quoted cell holds a line break ends lines after it starts; blank lines are passed over.
    lines = io.StringIO(text, newline="").readlines()

    def first_after(read: int) -> int:
        """The first line after line ``read`` that is not blank (DictReader skips those)."""
        line = read + 1
        while line < len(lines) and not lines[line - 1].strip("\r\n"):
            line += 1
        return line

    read = reader.line_num  # (the header's last line)
    try:
        for record in reader:
            line = first_after(read)
            read = reader.line_num
            if None in record:
                raise StatsError(f"{path}: row {line}: more cells than columns")
            if None in record.values():
                raise StatsError(f"{path}: row {line}: fewer cells than columns")
            values = {c: _convert(str(path), line, c, record.get(c) or "") for c in COLUMNS}
            errors = sorted(validator.iter_errors(_json_ready(values)), key=lambda e: list(e.path))
            if errors:
                error = errors[0]
                column = (
                    error.path[0]
                    if error.path
                    else (error.message.split("'")[1] if error.validator == "required" else "?")
                )
                raise StatsError(f"{path}: row {line}, column '{column}': {error.message}")
            row = StatsRow(line, values)
            key = (
                authority_key(row.authority),
                designations(row.authority),
                row.year,
                values.get("kind"),
            )
            if key in seen:
                kind = f" ({key[3]})" if key[3] else ""
                raise StatsError(
                    f"{path}: row {line}, column 'authority': {row.authority} {row.year}{kind} "
                    f"is also row {seen[key]} (the same council{', kind' if kind else ''} and "
                    "year, however its name is written)"
                )
            seen[key] = line
            rows.append(row)
    except csv.Error as error:
        reason = str(error)
        if reason == "unexpected end of data":  # (the record a quote opened runs to the end)
            reason = "a quoted cell is not closed"
        line = first_after(read) if reader.line_num else 1
        raise StatsError(f"{path}: row {line}: {reason}") from None
    return StatsTable(str(path), tuple(rows), text)
