"""The statistics table a year's letters are made from (``--data stats.csv``).

Columns are documented by ``schemas/stats.schema.json``; every row is converted and validated
against it, and a malformed table is a :class:`StatsError` naming the file, the row (its line
in the file) and the column. Extra columns are allowed and ignored, so the output of
``lgo-audit extract --format csv`` can be used as a table directly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lgo_audit.resources import validator as schema_validator

__all__ = [
    "COLUMNS",
    "FACT_COLUMNS",
    "StatsError",
    "StatsRow",
    "StatsTable",
    "load_stats",
    "parse_stats",
]

COLUMNS = (
    "authority",
    "year",
    "type",
    "investigations",
    "upheld",
    "remedies",
    "compliance_outcomes",
    "compliance_percent",
    "upheld_average",
    "compliance_average",
    "remedy_average",
)
REQUIRED_COLUMNS = ("authority", "year")  # the others may be absent: no comparison for them
INTEGER_COLUMNS = frozenset({"year", "investigations", "upheld", "remedies", "compliance_outcomes"})
PERCENT_COLUMNS = frozenset(
    {"compliance_percent", "upheld_average", "compliance_average", "remedy_average"}
)

FACT_COLUMNS: dict[str, str] = {
    "investigations": "upheld.investigations",
    "upheld": "upheld.count",
    "remedies": "remedy.count",
    "compliance_outcomes": "compliance.outcomes",
    "compliance_percent": "compliance.percent",
    "upheld_average": "upheld.average",
    "compliance_average": "compliance.average",
    "remedy_average": "remedy.average",
    "type": "authority.type",
}
"""Which fact of a letter each figure column of the table corresponds to."""


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


def _convert(path: str, line: int, column: str, raw: str) -> Any:
    text = raw.strip()
    if text == "":
        return None
    if column in INTEGER_COLUMNS:
        try:
            return int(text.replace(",", ""))
        except ValueError:
            raise StatsError(
                f"{path}: row {line}, column '{column}': '{raw}' is not a whole number"
            ) from None
    if column in PERCENT_COLUMNS:
        try:
            value = Decimal(text.rstrip("%").strip())
        except InvalidOperation:
            raise StatsError(
                f"{path}: row {line}, column '{column}': '{raw}' is not a percentage"
            ) from None
        if not value.is_finite():
            raise StatsError(f"{path}: row {line}, column '{column}': '{raw}' is not a percentage")
        return value
    return text


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items() if v is not None
    }


def load_stats(path: Path) -> StatsTable:
    """Read and validate a statistics table (CSV with a header row)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise StatsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StatsError(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StatsError(f"{path}: cannot read: {error}") from None
    return parse_stats(text, str(path))


def parse_stats(text: str, path: str) -> StatsTable:
    """Validate a statistics table's text; ``path`` names it in messages and findings."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise StatsError(f"{path}: missing column '{missing[0]}' (columns: {', '.join(COLUMNS)})")
    rows: list[StatsRow] = []
    validator = schema_validator("stats")
    try:
        for record in reader:
            line = reader.line_num
            if None in record:
                raise StatsError(f"{path}: row {line}: more cells than columns")
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
            rows.append(StatsRow(line, values))
    except csv.Error as error:
        raise StatsError(f"{path}: row {reader.line_num}: {error}") from None
    return StatsTable(str(path), tuple(rows), text)
