"""The statistics table a year's letters are made from (``--data stats.csv``).

Columns are documented by ``schemas/stats.schema.json``: ``authority`` and ``year`` are
required, the figure columns optional (a figure left out is not compared). Every row is
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
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lgo_audit.reader import DEFAULT_MAX_BYTES, InputError, read_bytes
from lgo_audit.register import authority_key
from lgo_audit.resources import validator as schema_validator
from lgo_audit.vocabulary import VOCABULARY

__all__ = [
    "COLUMNS",
    "FACT_COLUMNS",
    "StatsError",
    "StatsRow",
    "StatsTable",
    "known_columns",
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


def known_columns() -> list[str]:
    """The columns a table may have: the statistics columns (``authority`` and ``year``
    required, the others optional), and the columns ``extract`` adds (``path`` and every other
    fact by its dotted name), so that extract's output is a table as it stands."""
    covered = set(FACT_COLUMNS.values()) | {"authority.name", "title.year"}
    return [*COLUMNS, "path", *sorted(VOCABULARY - covered)]


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
        raise StatsError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_stats(text, str(path))


def parse_stats(text: str, path: str) -> StatsTable:
    """Validate a statistics table's text; ``path`` names it in messages and findings."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
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
    seen: dict[tuple[str, int], int] = {}
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
            row = StatsRow(line, values)
            key = (authority_key(row.authority), row.year)
            if key in seen:
                raise StatsError(
                    f"{path}: row {line}, column 'authority': {row.authority} {row.year} "
                    f"is also row {seen[key]}"
                )
            seen[key] = line
            rows.append(row)
    except csv.Error as error:
        raise StatsError(f"{path}: row {reader.line_num}: {error}") from None
    return StatsTable(str(path), tuple(rows), text)
