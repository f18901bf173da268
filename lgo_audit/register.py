"""The authority register: the councils of England on 1 April 2020, with their ONS code and type.

The bundled register is ``data/authorities.csv`` (built from ONS data by
``data/build_register.py``; its source, vintage and corrections are in ``docs/register.md``).
A team may use its own (``authority-register`` in the configuration): a CSV file with the
same columns (``code,name,type,county``) or a JSON list of objects with those keys. Each row
of a user's file is validated against ``schemas/register.schema.json``; a file that cannot
be used is a :class:`RegisterError` whose one-line message names the file, the row and the
column. The bundled file is checked against the schema by the test suite instead, so that
loading it costs a few milliseconds and never imports jsonschema.

Names are matched through :func:`authority_key`, which ignores what letters add around a
council's name ("Stockport Metropolitan Borough Council", "London Borough of Hackney",
"Bristol City Council") as well as case, punctuation, spacing and "&" for "and".
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import importlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lgo_audit.cache import read_json, write_json
from lgo_audit.resources import bundled_register_path, schema_digest, validator

__all__ = [
    "COLUMNS",
    "TYPES",
    "Authority",
    "Register",
    "RegisterError",
    "authority_key",
    "bundled_register_path",
    "load_register",
]

COLUMNS = ("code", "name", "type", "county")
TYPES = ("County", "District", "Metropolitan Borough", "Unitary", "London Borough")
"""The council types, as the Ombudsman groups councils for its averages."""

_CODE = re.compile(r"^E0[6-9][0-9]{6}$|^E10[0-9]{6}$")


class RegisterError(Exception):
    """A register file that cannot be used; one line: file, row, column, problem."""

    def __init__(
        self, path: Path | str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.message = message
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        parts = [self.path, ", ".join(where)] if where else [self.path]
        super().__init__(": ".join([*parts, " ".join(message.split())]))


@dataclass(frozen=True)
class Authority:
    """One council: ONS code, ONS area name, type, and (for a District) its county's name."""

    code: str
    name: str
    type: str
    county: str | None = None


# --- matching key ----------------------------------------------------------------------------

# "Bristol, City of" (the ONS form) -> "city of bristol"
_INVERTED = re.compile(r"^(?P<rest>.+?)\s*,\s*(?P<kind>city|county|borough|royal borough) of$")
_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_NON_WORD = re.compile(r"[\W_]+")
_TOKEN_MAP = {"saint": "st", "upon": "on", "ne": "north east", "nw": "north west"}
_TOKENS = re.compile(r"\b(?:" + "|".join(_TOKEN_MAP) + r")\b")

# Words that letters add before or after a council's name. Stripped repeatedly from either
# end, whole words only, never down to nothing.
_PREFIXES = (
    "the",
    "council of the",
    "council of",
    "borough council of",
    "district council of",
    "city council of",
    "metropolitan borough council of",
    "royal borough of",
    "london borough of",
    "metropolitan borough of",
    "metropolitan district of",
    "borough of",
    "city and county of",
    "city of",
    "county of",
    "district of",
    "corporation of",
    "county",
    "lb of",
    "lb",
)
_SUFFIXES = (
    "council",
    "city and district",  # St Albans City and District Council
    "corporation",
    "unitary authority",
    "london borough",
    "metropolitan borough",
    "metropolitan district",
    "royal borough",
    "borough",
    "district",
    "county",
    "city",
    "mbc",
    "mdc",
    "lbc",
    "rbc",
    "bc",
    "dc",
    "cc",
)


_TITLE_WORDS = frozenset(word for phrase in _PREFIXES + _SUFFIXES for word in phrase.split())


def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


# Nothing is stripped that leaves only "london": in "City of London" the City is the name.
_PREFIX = re.compile(rf"^(?:{_alternation(_PREFIXES)}) (?!london$)(?=\S)")
_SUFFIX = re.compile(rf"(?<=\S) (?:{_alternation(_SUFFIXES)})$")

# Short names in common use for a council whose ONS name is longer, where nothing else in
# England could be meant (keys on both sides). "Newcastle", "Kingston" and "Richmond" are
# deliberately absent: each could be two councils.
_ALIASES = {
    "hull": "kingston on hull",  # the council's own name is Hull City Council
    "bcp": "bournemouth christchurch and poole",
    "barrow": "barrow in furness",  # Barrow Borough Council
    "banes": "bath and north east somerset",
    "corporation of london": "city of london",
}


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    text = " ".join(name.split()).casefold()
    inverted = _INVERTED.match(text)
    if inverted:
        text = f"{inverted['kind']} of {inverted['rest']}"
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    text = " ".join(_NON_WORD.sub(" ", text).split())
    text = _TOKENS.sub(lambda m: _TOKEN_MAP[m[0]], text)
    key = text
    while True:  # all the titles at the end, then one at the start, until none is left
        before = key
        while (shorter := _SUFFIX.sub("", key, count=1)) != key:
            key = shorter
        key = _PREFIX.sub("", key, count=1)
        if key == before:
            break
    key = _ALIASES.get(key, key)
    if key != "city of london" and _TITLE_WORDS.issuperset(key.split()):
        return ""  # "Council", "County Council", "London": nothing to match on
    return key


def authority_key(name: str) -> str:
    """A matching key for a council's name: the name without the titles letters add.

    "Stockport Metropolitan Borough Council", "Stockport MBC" and "Stockport" give
    ``stockport``; "London Borough of Hackney", "Hackney London Borough Council" and "Hackney"
    give ``hackney``; "Kingston upon Hull, City of" (ONS), "Kingston upon Hull City Council"
    and "Hull City Council" give ``kingston on hull``. Case, punctuation, spacing, apostrophes
    and "&"/"and" do not matter. Only whole words at either end are dropped, so "Bedford"
    and "Bedfordshire" stay apart; "County Durham" and "Durham County Council" meet.
    """
    return _key(name)


# --- loading ---------------------------------------------------------------------------------


def _schema_error(path: Path, row: int, instance: Any) -> RegisterError | None:
    """The first way ``instance`` breaks the row schema, as a RegisterError (or None)."""
    best_match = importlib.import_module("jsonschema.exceptions").best_match
    # Only a user's register is validated: the bundled one never pays for importing jsonschema.
    errors = list(validator("register").iter_errors(instance))
    if not errors:
        return None
    # A row's own errors before those of the type-dependent rules (allOf): a code that is no
    # code at all is reported as such, not as the wrong kind of code.
    error = best_match([e for e in errors if "allOf" not in e.schema_path] or errors)
    column = str(error.absolute_path[0]) if error.absolute_path else None
    message = error.message
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [c for c in error.validator_value if c not in error.instance]
        column = missing[0] if missing else column
        message = "required for a District" if "allOf" in error.schema_path else "missing"
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        unknown = sorted(str(k) for k in error.instance if k not in known)
        column = unknown[0] if unknown else column
        message = f"unknown column (expected {', '.join(COLUMNS)})"
    elif error.validator == "pattern" and column == "code" and "allOf" in error.schema_path:
        kind = instance.get("type") if isinstance(instance, dict) else None
        message = (
            f"{error.instance!r} is not a {kind} code (those start {error.validator_value[1:]})"
        )
    elif error.validator == "pattern" and column == "code":
        message = (
            f"{error.instance!r} is not an ONS code of an English council (E06-E10 + 6 digits)"
        )
    elif error.validator in ("minLength", "pattern") and column in ("name", "county"):
        message = "must not be empty"
    elif error.validator == "enum" and column == "type":
        message = f"unknown type {error.instance!r} (expected one of {', '.join(TYPES)})"
    elif error.validator == "type" and not error.absolute_path:
        message = "not an object"
    elif len(message) > 160:
        message = message[:157] + "..."
    return RegisterError(path, message, row, column)


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as a spreadsheet shows it, the row as an object); empty cells left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise RegisterError(
            path, f"empty file (expected a header row: {','.join(COLUMNS)})"
        ) from None
    except csv.Error as error:
        raise RegisterError(path, f"invalid CSV: {error}", 1) from None
    for index, column in enumerate(header):
        if column not in COLUMNS:
            raise RegisterError(
                path,
                f"unknown column (expected {', '.join(COLUMNS)})",
                1,
                column or f"#{index + 1}",
            )
        if header.index(column) != index:
            raise RegisterError(path, "repeated column", 1, column)
    for column in COLUMNS[:3]:
        if column not in header:
            raise RegisterError(path, "missing column", 1, column)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RegisterError(path, f"invalid CSV: {error}", reader.line_num) from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            column = f"#{len(header) + 1}"  # the first cell beyond the header
            raise RegisterError(
                path, f"{len(cells)} cells for {len(header)} columns", reader.line_num, column
            )
        row: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=False):
            value = cell.strip()
            if value or column != "county":
                row[column] = value
        yield reader.line_num, row


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """(1-based position in the list, the object)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RegisterError(
            path, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(data, list):
        raise RegisterError(path, "expected a JSON list of authorities")
    yield from enumerate(data, start=1)


def _authority(path: Path, row: int, data: Any) -> Authority:
    """The row as an Authority, with the checks that every file gets (schema or not)."""
    if not isinstance(data, dict):
        raise RegisterError(path, "not an object", row)
    values: dict[str, str | None] = {}
    for column in COLUMNS:
        value = data.get(column)
        if value is None and column == "county":
            values[column] = None
            continue
        if not isinstance(value, str) or not value.strip():
            problem = "missing" if value is None else "must be a non-empty string"
            raise RegisterError(path, problem, row, column)
        values[column] = value.strip()
    code, name, kind, county = (values[c] for c in COLUMNS)
    assert code is not None and name is not None and kind is not None
    if kind not in TYPES:
        raise RegisterError(
            path, f"unknown type {kind!r} (expected one of {', '.join(TYPES)})", row, "type"
        )
    if not _CODE.match(code):
        raise RegisterError(path, f"{code!r} is not an ONS code of an English council", row, "code")
    if kind == "District" and not county:
        raise RegisterError(path, "required for a District", row, "county")
    return Authority(code, name, kind, county or None)


_CACHE = "validated-registers.json"  # digests of user registers that passed the schema


def _validated() -> list[str]:
    data = read_json(_CACHE)
    return [d for d in data if isinstance(d, str)] if isinstance(data, list) else []


def _remember_validated(digest: str) -> None:
    write_json(_CACHE, [*_validated(), digest][-200:])


def _read(path: Path, validate: bool) -> Register:
    try:
        return _read_rows(path, validate)
    except RecursionError:  # JSON (or a row the validator walks) nested beyond Python's stack
        raise RegisterError(path, "nested too deeply") from None


def _read_rows(path: Path, validate: bool) -> Register:
    from lgo_audit.reader import InputError, read_bytes

    try:
        content = read_bytes(path)  # a regular file within the letters' default size limit
    except InputError as error:
        raise RegisterError(path, error.reason) from None
    digest = None
    if validate:
        digest = hashlib.sha256(schema_digest("register").encode() + b"\0" + content).hexdigest()
        validate = digest not in _validated()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterError(path, "not UTF-8 text") from None
    is_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".csv" and text.lstrip().startswith("[")
    )
    rows = _json_rows(path, text) if is_json else _csv_rows(path, text)
    authorities: list[Authority] = []
    by_key: dict[str, tuple[int, Authority]] = {}
    by_code: dict[str, tuple[int, Authority]] = {}
    for row, data in rows:
        if validate:
            problem = _schema_error(path, row, data)
            if problem is not None:
                raise problem
        authority = _authority(path, row, data)
        key = authority_key(authority.name)
        if not key:
            raise RegisterError(path, f"{authority.name!r} has no words to match on", row, "name")
        if authority.code in by_code:
            other = by_code[authority.code][0]
            raise RegisterError(path, f"{authority.code} is also row {other}", row, "code")
        if key in by_key:
            other, first = by_key[key]
            raise RegisterError(
                path,
                f"{authority.name!r} matches the same names as row {other} ({first.name!r})",
                row,
                "name",
            )
        by_code[authority.code] = (row, authority)
        by_key[key] = (row, authority)
        authorities.append(authority)
    if validate and digest is not None:
        _remember_validated(digest)
    return Register(path, tuple(authorities), {k: a for k, (_, a) in by_key.items()})


@lru_cache(maxsize=16)
def _read_cached(path: Path, mtime_ns: int, size: int, validate: bool) -> Register:
    return _read(path, validate)


class Register:
    """The councils of a register, looked up by name (through :func:`authority_key`)."""

    __slots__ = ("_by_code", "_by_key", "authorities", "path")

    def __init__(
        self, path: Path, authorities: tuple[Authority, ...], by_key: dict[str, Authority]
    ):
        self.path = path
        self.authorities = authorities
        self._by_key = by_key
        self._by_code = {a.code: a for a in authorities}

    @classmethod
    def load(cls, path: Path | None = None, *, validate: bool | None = None) -> Register:
        """The register at ``path`` (CSV or JSON), or the bundled one.

        Each row of a file other than the bundled one is validated against
        ``schemas/register.schema.json`` (``validate`` overrides this). The result is cached
        for as long as the file is unchanged.
        """
        bundled = bundled_register_path()
        target = Path(path) if path is not None else bundled
        try:
            resolved = target.resolve()
            stat = resolved.stat()
        except OSError as error:
            raise RegisterError(target, f"cannot read: {error.strerror or error}") from None
        if validate is None:
            validate = resolved != bundled.resolve()
        return _read_cached(resolved, stat.st_mtime_ns, stat.st_size, validate)

    def lookup(self, name: str, on: datetime.date | None = None) -> Authority | None:
        """The council called ``name`` in any of the usual forms (or with that ONS code), or None.

        ``on``: the date the name is read at (a letter's date). This register is a snapshot of
        1 April 2020 and answers the same for every date; a dated register answers for ``on``.
        """
        found = self._by_key.get(authority_key(name))
        if found is None and _CODE.match(name.strip()):
            return self._by_code.get(name.strip())
        return found

    def by_code(self, code: str) -> Authority | None:
        return self._by_code.get(code)

    def types(self) -> set[str]:
        return {a.type for a in self.authorities}

    def __len__(self) -> int:
        return len(self.authorities)

    def __iter__(self) -> Iterator[Authority]:
        return iter(self.authorities)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.lookup(name) is not None

    def __repr__(self) -> str:
        return f"Register({str(self.path)!r}, {len(self)} authorities)"


@lru_cache(maxsize=16)
def load_register(path: str | None) -> Register:
    """The authority register at ``path`` (a configuration's ``authority-register``), or the
    bundled one for None; loaded once per process. Raises :class:`RegisterError`."""
    return Register.load(Path(path) if path else None)
