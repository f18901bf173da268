"""A year's letters as a dataset: one row per letter, every fact of the catalogue, in the
statistics table's columns first, so that ``extract --format csv`` output can be given back as
``--data``. A fact a letter lacks, or that its template year does not state, is empty (CSV) or
null (JSON); the table's columns that are no fact (``population``) are not written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from lgo_audit.findings import LetterFacts
from lgo_audit.stats import COLUMN_FACTS, TABLE_ONLY_COLUMNS, known_columns

__all__ = ["columns", "render_csv", "render_json", "row"]


def columns() -> list[str]:
    """The statistics table's columns, then ``path``, then every other fact by dotted name:
    the table's known columns (:func:`lgo_audit.stats.known_columns`) but those that are no
    fact, so a file of extracted rows is a table ``--data`` accepts."""
    return [c for c in known_columns() if c not in TABLE_ONLY_COLUMNS]


def row(path: str, facts: LetterFacts) -> dict[str, Any]:
    """One letter's values (None where a fact is absent or invalid): each column's fact
    (:data:`lgo_audit.stats.COLUMN_FACTS`; the ``upheld`` and ``investigations`` columns take
    the facts that gather them from whichever line states them, ``upheld.decisions`` and
    ``upheld.investigated``)."""
    values: dict[str, Any] = {}
    for column in columns():
        if column == "path":
            values[column] = path
            continue
        fact = facts.get(COLUMN_FACTS.get(column, column))
        values[column] = None if fact is None else fact.value
    return values


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent == 0
            else float(value)
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def render_csv(letters: Sequence[tuple[str, LetterFacts]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(), lineterminator="\n")
    writer.writeheader()
    for path, facts in letters:
        writer.writerow({k: _cell(v) for k, v in row(path, facts).items()})
    return out.getvalue()


def render_json(letters: Sequence[tuple[str, LetterFacts]]) -> str:
    return json.dumps(
        [{k: _json_value(v) for k, v in row(path, facts).items()} for path, facts in letters],
        indent=2,
        ensure_ascii=False,
    )
