"""The authority register: the councils of England from 1 April 2019, dated, with their ONS
code, type and the names they style themselves by.

The bundled register is ``data/authorities.csv`` (built from ONS data and hand-entered,
sourced tables by ``data/build_register.py``; see ``docs/register.md``). A team may use its
own (``authority-register`` in the configuration): a CSV file with the same columns
(``code,name,type`` required; ``county``, ``valid_from``, ``valid_to``, ``own_name``,
``forms``, ``continues`` optional) or a JSON list of objects with those keys. Each row
of a user's file is validated against ``schemas/register.schema.json``; a file that cannot
be used is a :class:`RegisterError` whose one-line message names the file, the row and the
column. The bundled file is checked against the schema by the test suite instead, so that
loading it costs a few milliseconds and never imports jsonschema.

A letter's name is resolved (:meth:`Register.resolve`) for its date and period: a council's
own names and forms match whole; its ONS area name through :func:`authority_key`, which
ignores what letters add around a council's name ("Stockport Metropolitan Borough Council",
"London Borough of Hackney", "Bristol City Council") as well as case, punctuation, spacing
and "&" for "and"; and :func:`designations` tells whether the words added contradict the
council's own names ("Stockport County Council").
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from lgo_audit.cache import read_json, write_json
from lgo_audit.digest import sha256
from lgo_audit.resources import bundled_register_path, schema_digest, validator

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "TYPES",
    "Authority",
    "DatedName",
    "Register",
    "RegisterError",
    "Resolution",
    "authority_key",
    "bundled_register_path",
    "designations",
    "load_register",
]

COLUMNS = (
    "code",
    "name",
    "type",
    "county",
    "valid_from",
    "valid_to",
    "own_name",
    "forms",
    "continues",
)
REQUIRED = ("code", "name", "type")
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
class DatedName:
    """A name a council went by, from ``valid_from`` to ``valid_to`` (both included; None:
    open)."""

    name: str
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None

    def valid_during(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the name was in use on some day from ``start`` to ``end``."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or start <= self.valid_to
        )

    def __str__(self) -> str:
        dates = []
        if self.valid_from:
            dates.append(f"from {self.valid_from.isoformat()}")
        if self.valid_to:
            dates.append(f"until {self.valid_to.isoformat()}")
        return f"{self.name} [{' '.join(dates)}]" if dates else self.name


@dataclass(frozen=True)
class Authority:
    """One council: ONS code, ONS area name, type, (for a District) its county's name, the
    days it existed (None: open), its own names and known alternative forms, each dated, and
    the code of the council it continues under a new code, if any."""

    code: str
    name: str
    type: str
    county: str | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    own_names: tuple[DatedName, ...] = ()
    forms: tuple[DatedName, ...] = ()
    continues: str | None = None

    def existed_during(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the council existed on some day from ``start`` to ``end``."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or start <= self.valid_to
        )

    def own_name(self, on: datetime.date | None = None) -> str:
        """The council's own name on ``on`` (the latest one in use; before its first or
        after its last, the nearest), or its ONS area name when the register has none."""
        if not self.own_names:
            return self.name
        if on is None:
            return self.own_names[-1].name
        current = [n for n in self.own_names if n.valid_during(on, on)]
        if current:
            return current[-1].name
        earlier = [n for n in self.own_names if n.valid_to is not None and n.valid_to < on]
        return (earlier[-1] if earlier else self.own_names[0]).name

    def names_during(self, start: datetime.date, end: datetime.date) -> list[str]:
        """The own names and forms in use on some day from ``start`` to ``end``, and the ONS
        area name."""
        dated = [n.name for n in (*self.own_names, *self.forms) if n.valid_during(start, end)]
        return [*dated, self.name]

    def existence(self) -> str:
        """When the council existed, in words: "from 1 April 2023", "until 31 March 2023"."""
        parts = []
        if self.valid_from is not None:
            parts.append(f"from {_long_date(self.valid_from)}")
        if self.valid_to is not None:
            parts.append(f"until {_long_date(self.valid_to)}")
        return " ".join(parts) or "on every date"


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


Status = Literal["registered", "designation", "not-in-existence", "unknown"]


@dataclass(frozen=True)
class Resolution:
    """What the register says of a name a letter gives, for the letter's period and date.

    ``status``: ``registered`` (a council that existed then, named by its own name, a known
    form, or with no designation its own names contradict), ``designation`` (a council that
    existed then, named with a designation its own names do not have: ``designation`` says
    which, e.g. "County"), ``not-in-existence`` (a council of that name exists only outside
    the letter's period and date: ``existence`` says when it did) or ``unknown``.
    ``authority``: the council on the letter's date, after following a council that
    continues the one named under a new code (its type and code are the letter's); None for
    ``not-in-existence`` and ``unknown``. ``named``: the council the name found.
    ``identity``: what tells two letters' councils apart: the council's code, or the name
    folded when the register does not know it."""

    status: Status
    identity: str
    authority: Authority | None = None
    named: Authority | None = None
    own_name: str | None = None
    designation: str | None = None
    existence: str | None = None


def _parse_dated_names(cell: str) -> tuple[DatedName, ...]:
    """``Name; Name [from 2022-05-20]; Name [until 2022-05-19]`` as dated names."""
    names = []
    for item in cell.split(";"):
        item = item.strip()
        if not item:
            continue
        found = _DATED.match(item)
        if found is None:
            raise ValueError(f"{item!r} is not 'Name' or 'Name [from YYYY-MM-DD until YYYY-MM-DD]'")
        days = []
        for text in (found["start"], found["end"]):
            try:
                days.append(datetime.date.fromisoformat(text) if text else None)
            except ValueError:
                raise ValueError(f"{text!r} in {item!r} is not a date (YYYY-MM-DD)") from None
        names.append(DatedName(" ".join(found["name"].split()), days[0], days[1]))
    return tuple(names)


_DATED = re.compile(
    r"^(?P<name>[^\[\]]+?)\s*(?:\[\s*(?:from\s+(?P<start>\d{4}-\d{2}-\d{2}))?\s*"
    r"(?:until\s+(?P<end>\d{4}-\d{2}-\d{2}))?\s*\])?$"
)


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
    return "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))


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


def _normal(name: str) -> str:
    """``name`` folded for comparison: case, spacing, punctuation, apostrophes, "&"/"and",
    "Saint"/"St", "upon"/"on"; the ONS inverted form turned round. Titles are kept."""
    text = " ".join(name.split()).casefold()
    inverted = _INVERTED.match(text)
    if inverted:
        text = f"{inverted['kind']} of {inverted['rest']}"
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    text = " ".join(_NON_WORD.sub(" ", text).split())
    return _TOKENS.sub(lambda m: _TOKEN_MAP[m[0]], text)


@lru_cache(maxsize=8192)
def _normal_of(name: str) -> str:
    """:func:`_normal`, remembered: a batch asks it of the same names, letter after letter."""
    return _normal(name)


def _strip_titles(text: str) -> str:
    key = text
    while True:  # all the titles at the end, then one at the start, until none is left
        before = key
        while (shorter := _SUFFIX.sub("", key, count=1)) != key:
            key = shorter
        key = _PREFIX.sub("", key, count=1)
        if key == before:
            return key


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    key = _strip_titles(_normal(name))
    key = _ALIASES.get(key, key)
    if key != "city of london" and _TITLE_WORDS.issuperset(key.split()):
        return ""  # "Council", "County Council", "London": nothing to match on
    return key


_DESIGNATION_WORDS = frozenset(
    {"county", "borough", "district", "city", "metropolitan", "london", "royal", "unitary"}
)
_ABBREVIATIONS = {
    "mbc": ("metropolitan", "borough"),
    "mdc": ("metropolitan", "district"),
    "lbc": ("london", "borough"),
    "rbc": ("royal", "borough"),
    "bc": ("borough",),
    "dc": ("district",),
    "lb": ("london", "borough"),
}
# "CC" is left out: County Council or City Council.


@lru_cache(maxsize=8192)
def designations(name: str) -> frozenset[str]:
    """The designation words ``name`` gives the council, beyond the words of its name itself:
    "Stockport Metropolitan Borough Council" gives {metropolitan, borough}, "Stockport MBC"
    the same, "Preston City Council" {city}, "County Durham" {county}, "City of London" and
    "Stockport" nothing."""
    normal = _normal(name)
    own = set(_strip_titles(normal).split())
    words: set[str] = set()
    for word in normal.split():
        if word in own:
            continue
        if word in _DESIGNATION_WORDS:
            words.add(word)
        words.update(_ABBREVIATIONS.get(word, ()))
    return frozenset(words)


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
    elif error.validator == "pattern" and column in ("valid_from", "valid_to"):
        message = f"{error.instance!r} is not a date (YYYY-MM-DD)"
    elif error.validator == "pattern" and column in ("own_name", "forms"):
        message = (
            f"{_short(error.instance)} is not 'Name' or 'Name [from YYYY-MM-DD until "
            "YYYY-MM-DD]', separated by ';'"
        )
    elif error.validator == "pattern" and column == "continues":
        message = f"{error.instance!r} is not an ONS code of an English council"
    elif error.validator in ("minLength", "pattern") and column in ("name", "county"):
        message = "must not be empty"
    elif error.validator == "enum" and column == "type":
        message = f"unknown type {error.instance!r} (expected one of {', '.join(TYPES)})"
    elif error.validator == "type" and not error.absolute_path:
        message = "not an object"
    elif len(message) > 160:
        message = message[:157] + "..."
    return RegisterError(path, message, row, column)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as a spreadsheet shows it, the row as an object); empty cells left out."""
    import csv  # here, as io: a register read back from the cache is not read as CSV
    import io

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
    for column in REQUIRED:
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
            if value or column in REQUIRED:
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
        if value is None and column not in REQUIRED:
            values[column] = None
            continue
        if not isinstance(value, str) or (column in REQUIRED and not value.strip()):
            problem = "missing" if value is None else "must be a non-empty string"
            raise RegisterError(path, problem, row, column)
        values[column] = value.strip() or None
    code, name, kind, county = (values[c] for c in COLUMNS[:4])
    assert code is not None and name is not None and kind is not None
    if kind not in TYPES:
        raise RegisterError(
            path, f"unknown type {kind!r} (expected one of {', '.join(TYPES)})", row, "type"
        )
    if not _CODE.match(code):
        raise RegisterError(path, f"{code!r} is not an ONS code of an English council", row, "code")
    if kind == "District" and not county:
        raise RegisterError(path, "required for a District", row, "county")
    dates: dict[str, datetime.date | None] = {}
    for column in ("valid_from", "valid_to"):
        text = values[column]
        try:
            dates[column] = datetime.date.fromisoformat(text) if text else None
        except ValueError:
            raise RegisterError(path, f"{text!r} is not a date (YYYY-MM-DD)", row, column) from None
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        raise RegisterError(path, "before valid_from", row, "valid_to")
    names: dict[str, tuple[DatedName, ...]] = {}
    for column in ("own_name", "forms"):
        try:
            names[column] = _parse_dated_names(values[column] or "")
        except ValueError as error:
            raise RegisterError(path, str(error), row, column) from None
    continues = values["continues"]
    if continues == code:
        raise RegisterError(path, "a council cannot continue itself", row, "continues")
    if continues is not None and not _CODE.match(continues):
        raise RegisterError(
            path, f"{continues!r} is not an ONS code of an English council", row, "continues"
        )
    return Authority(
        code,
        name,
        kind,
        county or None,
        dates["valid_from"],
        dates["valid_to"],
        names["own_name"],
        names["forms"],
        continues,
    )


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
        content = read_bytes(
            path, raised=False
        )  # a regular file within the letters' default size limit
    except InputError as error:
        raise RegisterError(path, error.reason) from None
    key = _rows_key(path, content, validate)
    cached = _cached_rows(key)
    if cached is not None:
        return Register(path, *cached)
    register = _checked_rows(path, content, validate)
    _remember_rows(key, register.authorities)
    return register


def _checked_rows(path: Path, content: bytes, validate: bool) -> Register:
    """The register in ``content``, every row checked (against the schema too when
    ``validate``, unless a file with this content passed it before)."""
    digest = None
    if validate:
        digest = sha256(schema_digest("register").encode() + b"\0" + content).hexdigest()
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
    by_key: dict[str, list[tuple[int, Authority]]] = {}
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
        for other, first in by_key.get(key, ()):
            if _overlap(first, authority):
                raise RegisterError(
                    path,
                    f"{authority.name!r} matches the same names as row {other} "
                    f"({first.name!r}) while both exist",
                    row,
                    "name",
                )
        by_code[authority.code] = (row, authority)
        by_key.setdefault(key, []).append((row, authority))
        authorities.append(authority)
    if not authorities:  # every letter's council would be "not in the register"
        empty = "an empty list" if is_json else "no rows after the header"
        raise RegisterError(path, f"has no councils ({empty})")
    for row, authority in by_code.values():
        if authority.continues is not None and authority.continues not in by_code:
            raise RegisterError(
                path, f"{authority.continues} is not a row of this register", row, "continues"
            )
    if validate and digest is not None:
        _remember_validated(digest)
    return Register(path, tuple(authorities))


_ROWS = "registers.json"
"""Registers read before: their rows as they passed every check, by :func:`_rows_key`."""
_ROWS_KEPT = 8  # registers


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """SHA-256 of this module's source: a register read by other checks is read again."""
    return sha256(Path(__file__).read_bytes()).hexdigest()


def _rows_key(path: Path, content: bytes, validate: bool) -> str:
    """The cache key of a register file: its content, how it is read (the suffix says CSV or
    JSON), whether its rows are validated (and the schema they are validated against) and
    the code that checks them."""
    schema = schema_digest("register") if validate else "-"
    head = "\0".join((_code_digest(), schema, path.suffix.lower()))
    return sha256(head.encode() + b"\0" + content).hexdigest()


def _dated_row(names: tuple[DatedName, ...]) -> list[list[str | None]]:
    return [[n.name, _iso(n.valid_from), _iso(n.valid_to)] for n in names]


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(text)


def _remember_rows(key: str, authorities: tuple[Authority, ...]) -> None:
    rows = [
        [
            a.code,
            a.name,
            a.type,
            a.county,
            _iso(a.valid_from),
            _iso(a.valid_to),
            _dated_row(a.own_names),
            _dated_row(a.forms),
            a.continues,
            *_folded(a),
        ]
        for a in authorities
    ]
    known = read_json(_ROWS)
    entries = {k: v for k, v in known.items() if k != key} if isinstance(known, dict) else {}
    entries[key] = rows
    write_json(_ROWS, dict(list(entries.items())[-_ROWS_KEPT:]))


def _cached_rows(
    key: str,
) -> tuple[tuple[Authority, ...], list[tuple[str, list[str]]]] | None:
    """The rows remembered under ``key`` and their :func:`_folded` names, or None (none, or
    not in the shape written)."""
    known = read_json(_ROWS)
    rows = known.get(key) if isinstance(known, dict) else None
    if not isinstance(rows, list) or not rows:  # (a register without councils is refused)
        return None
    try:
        authorities = tuple(
            Authority(
                code,
                name,
                kind,
                county,
                _day(start),
                _day(end),
                tuple(DatedName(n, _day(f), _day(t)) for n, f, t in own_names),
                tuple(DatedName(n, _day(f), _day(t)) for n, f, t in forms),
                continues,
            )
            for code, name, kind, county, start, end, own_names, forms, continues, _, _ in rows
        )
        folded = [(str(row[9]), [str(n) for n in row[10]]) for row in rows]
    except (TypeError, ValueError, IndexError):
        return None
    return authorities, folded


def _folded(authority: Authority) -> tuple[str, list[str]]:
    """What a register looks an authority up by: the :func:`authority_key` of its ONS area
    name, and each of its names (that one, its own names and forms) folded for comparison."""
    names = (authority.name, *(n.name for n in authority.own_names + authority.forms))
    return authority_key(authority.name), list(dict.fromkeys(map(_normal, names)))


def _overlap(one: Authority, other: Authority) -> bool:
    start = max(one.valid_from or datetime.date.min, other.valid_from or datetime.date.min)
    end = min(one.valid_to or datetime.date.max, other.valid_to or datetime.date.max)
    return start <= end


@lru_cache(maxsize=16)
def _read_cached(path: Path, mtime_ns: int, size: int, validate: bool) -> Register:
    return _read(path, validate)


class Register:
    """The councils of a register, looked up by name and date (:meth:`resolve`)."""

    __slots__ = (
        "_answers",
        "_by_code",
        "_by_key",
        "_days",
        "_exact",
        "_successors",
        "authorities",
        "path",
    )

    def __init__(
        self,
        path: Path,
        authorities: tuple[Authority, ...],
        folded: Sequence[tuple[str, Sequence[str]]] | None = None,
    ):
        """``folded``: each authority's :func:`_folded` names, when known (read back from the
        cache with the rows); else worked out here."""
        self.path = path
        self.authorities = authorities
        self._by_code = {a.code: a for a in authorities}
        self._by_key: dict[str, list[Authority]] = {}
        self._exact: dict[str, list[Authority]] = {}
        self._successors: dict[str, list[Authority]] = {}
        if folded is None:
            folded = [_folded(a) for a in authorities]
        for authority, (key, normals) in zip(authorities, folded, strict=True):
            self._by_key.setdefault(key, []).append(authority)
            for normal in normals:
                entries = self._exact.setdefault(normal, [])
                if authority not in entries:
                    entries.append(authority)
            if authority.continues is not None:
                self._successors.setdefault(authority.continues, []).append(authority)
        # Every day the register dates something by (a council's first or last, a name's):
        # two letters whose windows fall alike among them get the same answer (_resolve
        # compares the window's days with these alone), remembered once (_answers).
        days: set[datetime.date] = set()
        for a in authorities:
            days.update(d for d in (a.valid_from, a.valid_to) if d is not None)
            for dated in (*a.own_names, *a.forms):
                days.update(d for d in (dated.valid_from, dated.valid_to) if d is not None)
        self._days = sorted(days)
        self._answers: dict[tuple[Any, ...], Resolution] = {}

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
            resolved = Path(os.path.realpath(target))
            stat = resolved.stat()
        except OSError as error:
            raise RegisterError(target, f"cannot read: {error.strerror or error}") from None
        if validate is None:
            validate = resolved != bundled.resolve()
        return _read_cached(resolved, stat.st_mtime_ns, stat.st_size, validate)

    def _candidates(self, name: str) -> tuple[list[Authority], list[Authority]]:
        """(councils the name is a full name of, councils whose area name it matches)."""
        exact = list(self._exact.get(_normal_of(name), ()))
        key = authority_key(name)
        stems = [a for a in self._by_key.get(key, ()) if a not in exact] if key else []
        if not exact and not stems and _CODE.match(name.strip()):
            found = self._by_code.get(name.strip())
            exact = [found] if found is not None else []
            stems = [s for a in exact for s in self._successors.get(a.code, ())]
        return exact, stems

    def resolve(
        self,
        name: str,
        on: datetime.date | None = None,
        period: tuple[datetime.date, datetime.date] | None = None,
    ) -> Resolution:
        """What the register says of ``name`` in a letter dated ``on`` reviewing ``period``
        (first and last day; None: ``on`` alone; both None: any date).

        A council is found if it existed on the letter's date or on some day of its period.
        Its name is accepted if it is one of the council's own names or forms in use then,
        or if it states no designation ("County", "Borough", "District", "City",
        "Metropolitan", "London", "Royal", "Unitary") that those names, the ONS area name
        and the council's type ("London Borough", "Metropolitan Borough", "Unitary",
        "County") lack; for a council whose register row gives no own name, those any council
        of its type styles itself with. Raises nothing.

        Remembered (at most :data:`_ANSWERS_MAX` answers, then begun again) by the name and
        where the window's first and last days fall among the days the register dates
        anything by: every answer within one such place is the same."""
        start, end = _window(on, period)
        days = self._days
        key = (
            name,
            bisect_left(days, start),
            bisect_right(days, start),
            bisect_left(days, end),
            bisect_right(days, end),
        )
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= _ANSWERS_MAX:
                self._answers.clear()
            found = self._answers[key] = self._resolve(name, start, end)
        return found

    def _resolve(self, name: str, start: datetime.date, end: datetime.date) -> Resolution:
        """:meth:`resolve` for the window from ``start`` to ``end``, not remembered."""
        exact, stems = self._candidates(name)
        if not exact and not stems:
            return Resolution("unknown", f"name:{_normal_of(name)}")
        alive = [a for a in (*exact, *stems) if a.existed_during(start, end)]
        if not alive:
            gone = (exact or stems)[0]
            return Resolution("not-in-existence", gone.code, named=gone, existence=gone.existence())
        folded = _normal_of(name)
        status: Status = "registered"
        extra: frozenset[str] = frozenset()
        named = next(
            (
                a
                for a in alive
                if a in exact and any(_normal_of(n) == folded for n in a.names_during(start, end))
            ),
            None,
        )
        if named is None:
            ranked = sorted(alive, key=lambda a: not a.existed_during(end, end))
            named = ranked[0]
            extra = designations(name) - self._allowed(named, start, end)
            status = "designation" if extra else "registered"
        body = self._on(named, end)
        return Resolution(
            status,
            body.code,
            authority=body,
            named=named,
            own_name=body.own_name(end),
            designation=" ".join(w.title() for w in _in_order(extra)) or None,
        )

    def _allowed(self, authority: Authority, start: datetime.date, end: datetime.date) -> set[str]:
        allowed = set(_TYPE_DESIGNATIONS[authority.type])
        if not authority.own_names:  # a register that gives no names: any style of the type
            allowed |= _TYPE_STYLES[authority.type]
        for known in authority.names_during(start, end):
            allowed |= designations(known)
        return allowed

    def _on(self, authority: Authority, day: datetime.date) -> Authority:
        """The council that is ``authority`` on ``day``: itself, or the council that
        continues it under a new code (Somerset County Council, Somerset Council)."""
        seen = {authority.code}
        while authority.valid_to is not None and authority.valid_to < day:
            successors = [s for s in self._successors.get(authority.code, ()) if s.code not in seen]
            if not successors:
                break
            authority = next((s for s in successors if s.existed_during(day, day)), successors[0])
            seen.add(authority.code)
        return authority

    def lookup(self, name: str, on: datetime.date | None = None) -> Authority | None:
        """The council called ``name`` in any of the usual forms (or with that ONS code) that
        existed on ``on`` (any date: None), as it was on that date; or None."""
        found = self.resolve(name, on)
        return found.authority

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


_TYPE_DESIGNATIONS: dict[str, frozenset[str]] = {
    # What a council's type says of it whatever its own name: every London borough is a
    # "London Borough", every metropolitan borough a "Metropolitan Borough" (Kirklees Council),
    # a unitary a "Unitary" authority, a county a "County". A district's type says nothing:
    # some are boroughs, some cities, some districts.
    "London Borough": frozenset({"london", "borough"}),
    "Metropolitan Borough": frozenset({"metropolitan", "borough"}),
    "Unitary": frozenset({"unitary"}),
    "County": frozenset({"county"}),
    "District": frozenset(),
}

_TYPE_STYLES: dict[str, frozenset[str]] = {
    # The designations councils of each type style themselves with (Leeds City Council,
    # City of Bradford Metropolitan District Council, Durham County Council, a unitary):
    # allowed for a council whose register row gives no own name.
    "London Borough": frozenset({"london", "borough", "royal", "city"}),
    "Metropolitan Borough": frozenset({"metropolitan", "borough", "district", "city"}),
    "Unitary": frozenset({"unitary", "borough", "city", "county"}),
    "County": frozenset({"county"}),
    "District": frozenset({"borough", "district", "city"}),
}

_ORDER = ("royal", "london", "city", "county", "metropolitan", "borough", "district", "unitary")


def _in_order(words: frozenset[str]) -> list[str]:
    return sorted(words, key=_ORDER.index)


_ANSWERS_MAX = 16_384
"""Answers a register remembers (:meth:`Register.resolve`): a batch of every council's
letters for thirty years asks some 10,000 questions, two or three thousand of them different
(some 3 MiB at most)."""


def _window(
    on: datetime.date | None, period: tuple[datetime.date, datetime.date] | None
) -> tuple[datetime.date, datetime.date]:
    """The days a council must have existed on one of: the period and the letter's date."""
    days = [d for d in (*(period or ()), on) if d is not None]
    if not days:
        return datetime.date.min, datetime.date.max
    return min(days), max(days)


@lru_cache(maxsize=16)
def load_register(path: str | None) -> Register:
    """The authority register at ``path`` (a configuration's ``authority-register``), or the
    bundled one for None; loaded once per process. Raises :class:`RegisterError`."""
    return Register.load(Path(path) if path else None)
