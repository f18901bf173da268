"""The authority register: the bundled data (data/authorities.csv) and the script that builds
it, its schema, the matching of names for a letter's date and period, and the loader's errors.

The bundled register is the councils of England from 1 April 2019, each with the days it
existed, its own names and known forms (dated) and the council it continues under a new
code, built by data/build_register.py from the ONS April 2021 LTLA-UTLA lookup and the two
hand-entered tables data/register/changes.csv and data/register/names.csv (docs/register.md).

The letters' tests are specifications: a reference letter (rules/base/<year>.txt) addressed
to another council, checked by the application as the command line checks it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgo_audit.application import CheckOptions, run_check
from lgo_audit.findings import Applicability, FileResult
from lgo_audit.register import (
    COLUMNS,
    TYPES,
    Authority,
    DatedName,
    Register,
    RegisterError,
    _window,
    authority_key,
    bundled_register_path,
    designations,
)

# (import_module: typed alike with or without types-jsonschema installed)
jsonschema: Any = importlib.import_module("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "authorities.csv"
CHANGES = ROOT / "data" / "register" / "changes.csv"
NAMES = ROOT / "data" / "register" / "names.csv"
SCHEMA = ROOT / "schemas" / "register.schema.json"
DOC = ROOT / "docs" / "register.md"
BASE = ROOT / "rules" / "base"

FIRST_DAY = dt.date(2019, 4, 1)

# The councils of England in existence on each date, by type (docs/register.md):
# - 1 April 2019: 26 counties (27 from 2009, less Dorset), 192 districts, 36 metropolitan
#   boroughs, 56 unitaries (Dorset and BCP new that day; the Isles of Scilly included), 33 in
#   London (the 32 boroughs and the City of London).
# - 1 April 2020: Buckinghamshire: the county continued as a unitary, 4 districts gone.
# - 1 April 2021: Northamptonshire: the county and 7 districts gone, 2 new unitaries.
# - 1 April 2023: Cumbria (the county and 6 districts gone, 2 new unitaries), North Yorkshire
#   (7 districts gone, the county continued as a unitary) and Somerset (4 districts gone, the
#   county continued as a unitary).
EXPECTED_COUNTS = {
    dt.date(2019, 4, 1): {
        "County": 26,
        "District": 192,
        "Metropolitan Borough": 36,
        "Unitary": 56,
        "London Borough": 33,
    },
    dt.date(2020, 4, 1): {
        "County": 25,
        "District": 188,
        "Metropolitan Borough": 36,
        "Unitary": 57,
        "London Borough": 33,
    },
    dt.date(2021, 4, 1): {
        "County": 24,
        "District": 181,
        "Metropolitan Borough": 36,
        "Unitary": 59,
        "London Borough": 33,
    },
    dt.date(2023, 4, 1): {
        "County": 21,
        "District": 164,
        "Metropolitan Borough": 36,
        "Unitary": 63,
        "London Borough": 33,
    },
}
ROWS = 350  # every council that existed on some day from 1 April 2019
CODE_PREFIX = {
    "Unitary": "E06",
    "District": "E07",
    "Metropolitan Borough": "E08",
    "London Borough": "E09",
    "County": "E10",
}
CONTINUING = {"E06000060": "E10000002", "E06000065": "E10000023", "E06000066": "E10000027"}
"""The unitaries that continue a county council under a new code (Buckinghamshire 2020, North
Yorkshire and Somerset 2023)."""


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the validated-register cache out of the user's home."""
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def bundled_rows() -> list[dict[str, str]]:
    return read_csv(BUNDLED)


def as_object(row: dict[str, str]) -> dict[str, str]:
    """A CSV row as the loader validates it: empty cells left out."""
    return {k: v for k, v in row.items() if v != ""}


def existing_on(register: Register, day: dt.date) -> list[Authority]:
    return [a for a in register if a.existed_during(day, day)]


def period(year: int) -> tuple[dt.date, dt.date]:
    """The financial year a letter of ``year`` reviews."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


# --- the bundled data -------------------------------------------------------------------------


def test_bundled_register_is_the_data_file() -> None:
    assert bundled_register_path().resolve() == BUNDLED.resolve()
    assert BUNDLED.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_every_bundled_row_validates_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for line, row in enumerate(bundled_rows(), start=2):
        errors = [e.message for e in validator.iter_errors(as_object(row))]
        assert not errors, f"row {line}: {errors}"


def test_bundled_register_loads_with_schema_validation(register: Register) -> None:
    validated = Register.load(BUNDLED, validate=True)
    assert list(validated) == list(register)


def test_bundled_file_is_sorted_by_code_without_duplicates() -> None:
    codes = [row["code"] for row in bundled_rows()]
    assert codes == sorted(set(codes))


def test_rows_per_type(register: Register) -> None:
    assert len(register) == ROWS
    assert Counter(a.type for a in register) == {
        "County": 26,  # the 21 of 2023 and Buckinghamshire, Northamptonshire, Cumbria,
        "District": 192,  # North Yorkshire, Somerset; the districts of 2019 (none created)
        "Metropolitan Borough": 36,
        "Unitary": 63,  # the 56 of 2019 and the 7 created since
        "London Borough": 33,
    }
    assert register.types() == set(TYPES)


@pytest.mark.parametrize("day", list(EXPECTED_COUNTS), ids=str)
def test_counts_per_type_on_each_reorganisation_date(register: Register, day: dt.date) -> None:
    assert Counter(a.type for a in existing_on(register, day)) == EXPECTED_COUNTS[day]


def test_the_register_starts_on_1_april_2019(register: Register) -> None:
    """Every council existed on some day from 1 April 2019; the first day is never a
    council's valid_from (empty is: before the register's first day)."""
    for authority in register:
        assert authority.valid_to is None or authority.valid_to >= FIRST_DAY, authority
        assert authority.valid_from is None or authority.valid_from > FIRST_DAY, authority
        assert authority.existed_during(FIRST_DAY, dt.date.max)


def test_code_prefix_matches_type(register: Register) -> None:
    for authority in register:
        assert authority.code.startswith(CODE_PREFIX[authority.type]), authority


def test_every_district_is_in_a_county_that_outlives_it(register: Register) -> None:
    counties = {a.name: a for a in register if a.type == "County"}
    districts_in = Counter(a.county for a in register if a.type == "District")
    assert set(districts_in) == set(counties)  # and every county has districts
    for authority in register:
        assert (authority.county is not None) == (authority.type == "District"), authority
        if authority.type == "District":
            county = counties[authority.county or ""]
            assert county.valid_to is None or (
                authority.valid_to is not None and authority.valid_to <= county.valid_to
            ), authority


def test_continuing_councils(register: Register) -> None:
    continuing = {a.code: a.continues for a in register if a.continues is not None}
    assert continuing == CONTINUING
    for code, old in continuing.items():
        new, gone = register.by_code(code), register.by_code(old)
        assert new is not None and gone is not None
        assert authority_key(new.name) == authority_key(gone.name)
        assert gone.valid_to is not None and new.valid_from == gone.valid_to + dt.timedelta(1)


def test_every_council_has_one_own_name_on_every_day_it_existed(register: Register) -> None:
    """Own names follow each other without a gap or an overlap."""
    for authority in register:
        assert authority.own_names, authority
        days = {FIRST_DAY, dt.date(2025, 12, 31)}
        for name in authority.own_names:
            for day in (name.valid_from, name.valid_to):
                if day is not None:
                    days |= {day - dt.timedelta(1), day, day + dt.timedelta(1)}
        for day in sorted(days):
            if authority.existed_during(day, day):
                in_use = [n for n in authority.own_names if n.valid_during(day, day)]
                assert len(in_use) == 1, (authority.code, day, in_use)


@pytest.mark.parametrize(
    ("code", "name", "kind", "county", "valid_from", "valid_to", "continues"),
    [
        # 1 April 2019 (before the register): Dorset, BCP, East and West Suffolk, Somerset
        # West and Taunton are there from the start, their predecessors are not.
        ("E06000059", "Dorset", "Unitary", None, None, None, None),
        ("E06000058", "Bournemouth, Christchurch and Poole", "Unitary", None, None, None, None),
        ("E07000244", "East Suffolk", "District", "Suffolk", None, None, None),
        (
            "E07000246",
            "Somerset West and Taunton",
            "District",
            "Somerset",
            None,
            "2023-03-31",
            None,
        ),
        # 1 April 2020: Buckinghamshire
        ("E10000002", "Buckinghamshire", "County", None, None, "2020-03-31", None),
        ("E07000004", "Aylesbury Vale", "District", "Buckinghamshire", None, "2020-03-31", None),
        ("E07000007", "Wycombe", "District", "Buckinghamshire", None, "2020-03-31", None),
        ("E06000060", "Buckinghamshire", "Unitary", None, "2020-04-01", None, "E10000002"),
        # 1 April 2021: Northamptonshire
        ("E10000021", "Northamptonshire", "County", None, None, "2021-03-31", None),
        ("E07000150", "Corby", "District", "Northamptonshire", None, "2021-03-31", None),
        ("E07000156", "Wellingborough", "District", "Northamptonshire", None, "2021-03-31", None),
        ("E06000061", "North Northamptonshire", "Unitary", None, "2021-04-01", None, None),
        ("E06000062", "West Northamptonshire", "Unitary", None, "2021-04-01", None, None),
        # 1 April 2023: Cumbria, North Yorkshire, Somerset
        ("E10000006", "Cumbria", "County", None, None, "2023-03-31", None),
        ("E07000026", "Allerdale", "District", "Cumbria", None, "2023-03-31", None),
        ("E06000063", "Cumberland", "Unitary", None, "2023-04-01", None, None),
        ("E06000064", "Westmorland and Furness", "Unitary", None, "2023-04-01", None, None),
        ("E10000023", "North Yorkshire", "County", None, None, "2023-03-31", None),
        ("E07000165", "Harrogate", "District", "North Yorkshire", None, "2023-03-31", None),
        ("E06000065", "North Yorkshire", "Unitary", None, "2023-04-01", None, "E10000023"),
        ("E10000027", "Somerset", "County", None, None, "2023-03-31", None),
        ("E07000187", "Mendip", "District", "Somerset", None, "2023-03-31", None),
        ("E06000066", "Somerset", "Unitary", None, "2023-04-01", None, "E10000027"),
        # never reorganised
        ("E06000053", "Isles of Scilly", "Unitary", None, None, None, None),
        ("E09000001", "City of London", "London Borough", None, None, None, None),
        ("E06000047", "County Durham", "Unitary", None, None, None, None),
        ("E06000055", "Bedford", "Unitary", None, None, None, None),
    ],
)
def test_reorganisations(
    register: Register,
    code: str,
    name: str,
    kind: str,
    county: str | None,
    valid_from: str | None,
    valid_to: str | None,
    continues: str | None,
) -> None:
    found = register.by_code(code)
    assert found is not None
    day = dt.date.fromisoformat
    assert (found.name, found.type, found.county, found.continues) == (
        name,
        kind,
        county,
        continues,
    )
    assert found.valid_from == (day(valid_from) if valid_from else None)
    assert found.valid_to == (day(valid_to) if valid_to else None)


@pytest.mark.parametrize(
    ("code", "names", "forms"),
    [
        ("E08000007", ["Stockport Metropolitan Borough Council"], []),
        ("E07000123", ["Preston City Council"], []),
        ("E07000209", ["Guildford Borough Council"], []),
        ("E06000066", ["Somerset Council"], []),
        ("E10000027", ["Somerset County Council"], []),
        ("E06000010", ["Hull City Council"], ["kingston-upon-hull city council"]),
        (
            "E07000071",
            [
                "Colchester Borough Council [until 2022-05-19]",
                "Colchester City Council [from 2022-05-20]",
            ],
            [],
        ),
        (
            "E08000017",
            [
                "Doncaster Metropolitan Borough Council [until 2022-11-16]",
                "City of Doncaster Council [from 2022-11-17]",
            ],
            ["Doncaster City Council [from 2022-11-17]"],
        ),
        (
            "E06000033",
            [
                "Southend-on-Sea Borough Council [until 2021-10-17]",
                "Southend-on-Sea City Council [from 2021-10-18]",
            ],
            [],
        ),
    ],
)
def test_own_names_and_forms(
    register: Register, code: str, names: list[str], forms: list[str]
) -> None:
    found = register.by_code(code)
    assert found is not None
    assert [str(n) for n in found.own_names] == names
    assert [str(n) for n in found.forms] == forms


def test_own_name_on_a_date(register: Register) -> None:
    colchester = register.by_code("E07000071")
    assert colchester is not None
    assert colchester.own_name(dt.date(2022, 5, 19)) == "Colchester Borough Council"
    assert colchester.own_name(dt.date(2022, 5, 20)) == "Colchester City Council"
    assert colchester.own_name() == "Colchester City Council"
    assert colchester.existence() == "on every date"
    allerdale = register.by_code("E07000026")
    assert allerdale is not None and allerdale.existence() == "until 31 March 2023"
    assert Authority("E06000001", "Hartlepool", "Unitary").own_name() == "Hartlepool"


# --- looking names up -----------------------------------------------------------------------


def plain(name: str) -> str:
    """The ONS name as a letter would write it: "Bristol, City of" -> "Bristol"."""
    for suffix in (", City of", ", County of"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def variants(authority: Authority) -> list[str]:
    name = authority.name
    base = plain(name)
    forms = [
        name,
        base,
        name.upper(),
        name.lower(),
        f"  {base}  ",
        f"{base} Council",
        f"The {base} Council",
        base.replace(" and ", " & "),
        base.replace("-", " "),
        base.replace("St. ", "St "),
        base.replace("St. ", "Saint ").replace("St ", "Saint "),
        *(n.name for n in authority.own_names),
        *(n.name.upper() for n in authority.own_names),
        *(n.name for n in authority.forms),
    ]
    by_type = {
        "County": [f"{base} County Council", f"{base} CC"],
        "District": [
            f"{base} District Council",
            f"{base} Borough Council",
            f"{base} City Council",
            f"Borough of {base}",
            f"{base} DC",
            f"{base} BC",
        ],
        "Metropolitan Borough": [
            f"{base} Metropolitan Borough Council",
            f"Metropolitan Borough of {base}",
            f"{base} MBC",
            f"{base} Metropolitan District Council",
            f"{base} City Council",
        ],
        "Unitary": [f"{base} Borough Council", f"{base} City Council", f"{base} Unitary Authority"],
        "London Borough": [
            f"London Borough of {base}",
            f"{base} London Borough Council",
            f"Royal Borough of {base}",
            f"{base} LBC",
        ],
    }
    return forms + by_type[authority.type]


def a_day_of(authority: Authority) -> dt.date:
    """A day the council existed: its last, or its first, or the register's first."""
    return authority.valid_to or authority.valid_from or FIRST_DAY


def test_every_authority_looks_itself_up_by_its_names_and_variants(register: Register) -> None:
    """On a day it existed, whatever designation the name gives (LGO307 judges that)."""
    failures = [
        (variant, authority.code)
        for authority in register
        for variant in variants(authority)
        if register.lookup(variant, a_day_of(authority)) != authority
    ]
    assert not failures


def test_own_names_and_forms_are_registered_names(register: Register) -> None:
    failures = []
    for authority in register:
        for name in (*authority.own_names, *authority.forms):
            day = name.valid_to or name.valid_from or a_day_of(authority)
            found = register.resolve(name.name, day)
            if (found.status, found.authority) != ("registered", authority):
                failures.append((name.name, day, found.status))
    assert not failures


def test_every_authority_looks_itself_up_by_code(register: Register) -> None:
    for authority in register:
        assert register.lookup(authority.code, a_day_of(authority)) == authority
        # Without a date: any date, so a county continued under a new code is the council
        # that continues it.
        latest = {old: new for new, old in CONTINUING.items()}.get(authority.code)
        expected = register.by_code(latest) if latest else authority
        assert register.lookup(authority.code) == expected
        assert register.by_code(authority.code) == authority


@pytest.mark.parametrize("day", [FIRST_DAY, *EXPECTED_COUNTS, dt.date(2025, 7, 1)], ids=str)
def test_keys_do_not_collide_among_the_councils_of_one_day(
    register: Register, day: dt.date
) -> None:
    keys = Counter(authority_key(a.name) for a in existing_on(register, day))
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(keys)


def test_keys_shared_only_by_a_council_and_the_one_that_continues_it(register: Register) -> None:
    by_key: dict[str, list[str]] = {}
    for authority in register:
        by_key.setdefault(authority_key(authority.name), []).append(authority.code)
    shared = {tuple(sorted(codes)) for codes in by_key.values() if len(codes) > 1}
    assert shared == {tuple(sorted(pair)) for pair in CONTINUING.items()}


def test_seed_councils(register: Register) -> None:
    stockport = register.lookup("Stockport Metropolitan Borough Council", dt.date(2020, 7, 22))
    assert stockport is not None
    assert (stockport.code, stockport.name, stockport.type) == (
        "E08000007",
        "Stockport",
        "Metropolitan Borough",
    )
    assert stockport.own_name() == "Stockport Metropolitan Borough Council"
    stevenage = register.lookup("Stevenage Borough Council", dt.date(2020, 7, 22))
    assert stevenage is not None
    assert (stevenage.code, stevenage.type, stevenage.county) == (
        "E07000243",
        "District",
        "Hertfordshire",
    )


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (
            [
                "Stockport Metropolitan Borough Council",
                "Stockport MBC",
                "Stockport Council",
                "Metropolitan Borough of Stockport",
                "STOCKPORT",
            ],
            "E08000007",
        ),
        (
            [
                "London Borough of Hackney",
                "Hackney London Borough Council",
                "Hackney",
                "LB Hackney",
            ],
            "E09000012",
        ),
        (
            [
                "Kingston upon Hull, City of",
                "Kingston upon Hull City Council",
                "Hull City Council",
                "Kingston-upon-Hull",
            ],
            "E06000010",
        ),
        (
            ["Durham County Council", "County Durham", "Durham Council", "County Durham Council"],
            "E06000047",
        ),
        (["Bedford Borough Council", "Bedford"], "E06000055"),
        (["Central Bedfordshire Council"], "E06000056"),
        (["Bristol City Council", "City of Bristol", "Bristol, City of"], "E06000023"),
        (
            ["Herefordshire Council", "County of Herefordshire District Council"],
            "E06000019",
        ),
        (
            ["City of London", "City of London Corporation", "The Corporation of London"],
            "E09000001",
        ),
        (["Westminster City Council", "City of Westminster"], "E09000033"),
        (["Council of the Isles of Scilly", "Isles of Scilly"], "E06000053"),
        (
            [
                "Borough Council of King's Lynn & West Norfolk",
                "Kings Lynn and West Norfolk Borough Council",
            ],
            "E07000146",
        ),
        (["City of Bradford Metropolitan District Council", "Bradford Council"], "E08000032"),
        (["Royal Borough of Kingston upon Thames", "Kingston upon Thames"], "E09000021"),
        (
            ["Royal Borough of Windsor & Maidenhead", "Windsor and Maidenhead Council"],
            "E06000040",
        ),
        (["St Helens Council", "St. Helens", "Saint Helens"], "E08000013"),
        (
            ["Bournemouth, Christchurch and Poole Council", "BCP Council"],
            "E06000058",
        ),
        (["Barrow Borough Council", "Barrow-in-Furness"], "E07000027"),
        (["Bath & North East Somerset Council", "Bath and NE Somerset"], "E06000022"),
        (["Stockton-on-Tees Borough Council", "Stockton on Tees"], "E06000004"),
        (["Newcastle-under-Lyme Borough Council"], "E07000195"),
        (["Newcastle upon Tyne City Council"], "E08000021"),
        (["Lincoln City Council", "City of Lincoln Council"], "E07000138"),
        (["Lincolnshire County Council"], "E10000019"),
        (["Hertfordshire County Council", "Hertfordshire CC"], "E10000015"),
        (["East Hertfordshire District Council"], "E07000242"),
        (["St Albans City and District Council", "St. Albans City Council"], "E07000240"),
        (["Wyre Council"], "E07000128"),
        (["Wyre Forest District Council"], "E07000239"),
        (["Oxford City Council"], "E07000178"),
        (["Oxfordshire County Council"], "E10000025"),
    ],
)
def test_name_forms(register: Register, names: list[str], code: str) -> None:
    for name in names:
        found = register.lookup(name, dt.date(2020, 7, 22))
        assert found is not None and found.code == code, name
    assert len({authority_key(name) for name in names}) == 1


def test_an_own_name_matches_whole_even_where_the_area_name_could_be_two_councils(
    register: Register,
) -> None:
    """ "Newcastle" could be upon Tyne or under Lyme; "Newcastle City Council" is the own name
    of Newcastle upon Tyne's council, and nothing else's."""
    found = register.resolve("Newcastle City Council", dt.date(2024, 7, 17))
    assert (found.status, found.identity) == ("registered", "E08000021")
    assert register.lookup("newcastle-upon-tyne city council") == found.authority  # a form
    assert register.lookup("Newcastle") is None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bedford Borough Council", "Bedfordshire"),
        ("Bedford", "Central Bedfordshire"),
        ("Durham County Council", "Durham District Council of Somewhere"),
        ("Lincoln", "Lincolnshire"),
        ("Northampton Borough Council", "Northamptonshire County Council"),
        ("Oxford City Council", "Oxfordshire County Council"),
        ("Kingston upon Hull", "Kingston upon Thames"),
        ("Newcastle upon Tyne", "Newcastle-under-Lyme"),
        ("Richmond upon Thames", "Richmondshire"),
        ("Wyre", "Wyre Forest"),
        ("City of London", "London"),
        ("York", "North Yorkshire"),
        ("Isle of Wight", "Isles of Scilly"),
        ("Cumberland", "Cumbria"),
    ],
)
def test_keys_that_must_stay_apart(one: str, other: str) -> None:
    assert authority_key(one) != authority_key(other)


@pytest.mark.parametrize(
    "name",
    [
        "Gotham City Council",
        "",
        "   ",
        "Council",
        "County Council",
        "London",  # the Greater London Authority is not a council of the register
        "Kingston",  # upon Hull or upon Thames?
        "Newcastle",  # upon Tyne or under Lyme?
        "Richmond",  # upon Thames, or Richmondshire?
        "Cardiff Council",  # Wales
        "Bedfordshire County Council",  # abolished in 2009, before the register
        "E99999999",
        "W06000015",
    ],
)
def test_unknown_names_are_none(register: Register, name: str) -> None:
    assert register.lookup(name) is None
    assert name not in register
    found = register.resolve(name, dt.date(2024, 7, 17), period(2024))
    assert found.status == "unknown" and found.authority is None
    assert found.identity.startswith("name:")


def test_key_examples() -> None:
    assert authority_key("Stockport Metropolitan Borough Council") == "stockport"
    assert authority_key("Hull City Council") == "kingston on hull"
    assert authority_key("Brighton & Hove City Council") == "brighton and hove"
    assert authority_key("City of London Corporation") == "city of london"
    assert authority_key("  Stevenage   BOROUGH council ") == "stevenage"
    assert authority_key("Somerset County Council") == authority_key("Somerset Council")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Stockport Metropolitan Borough Council", {"metropolitan", "borough"}),
        ("Stockport MBC", {"metropolitan", "borough"}),
        ("Wakefield MDC", {"metropolitan", "district"}),
        ("Hackney LBC", {"london", "borough"}),
        ("LB Hackney", {"london", "borough"}),
        ("Kingston upon Thames RBC", {"royal", "borough"}),
        ("Royal Borough of Greenwich", {"royal", "borough"}),
        ("Stevenage BC", {"borough"}),
        ("Guildford DC", {"district"}),
        ("Preston City Council", {"city"}),
        ("Somerset County Council", {"county"}),
        ("Somerset Unitary Authority", {"unitary"}),
        ("County Durham", {"county"}),
        ("Hertfordshire CC", set()),  # County Council or City Council
        ("Stockport Council", set()),
        ("Stockport", set()),
        ("City of London", set()),  # the City is the name
        ("Somerset Council", set()),
    ],
)
def test_designations(name: str, words: set[str]) -> None:
    assert designations(name) == words


# --- resolving a letter's name for its date and period -----------------------------------------


@pytest.mark.parametrize(
    ("name", "year", "code", "kind", "said"),
    [
        # Somerset: the county until 31 March 2023, continued by Somerset Council
        ("Somerset County Council", 2020, "E10000027", "County", None),
        ("Somerset Council", 2020, "E10000027", "County", None),
        ("Somerset Council", 2022, "E10000027", "County", None),
        ("Somerset County Council", 2023, "E06000066", "Unitary", None),
        ("Somerset Council", 2023, "E06000066", "Unitary", None),
        ("Somerset Council", 2024, "E06000066", "Unitary", None),
        ("Somerset County Council", 2024, "E06000066", "Unitary", "County"),
        ("Somerset District Council", 2023, "E06000066", "Unitary", "District"),
        # Buckinghamshire: the county continued by the unitary from 1 April 2020
        ("Buckinghamshire County Council", 2020, "E06000060", "Unitary", None),
        ("Buckinghamshire County Council", 2021, "E06000060", "Unitary", "County"),
        ("Aylesbury Vale District Council", 2020, "E07000004", "District", None),
        # Northamptonshire: gone on 31 March 2021, no council continuing it
        ("Northamptonshire County Council", 2021, "E10000021", "County", None),
        ("Corby Borough Council", 2021, "E07000150", "District", None),
        ("North Northamptonshire Council", 2021, "E06000061", "Unitary", None),
        # Cumbria and North Yorkshire
        ("Cumbria County Council", 2023, "E10000006", "County", None),
        ("Allerdale Borough Council", 2023, "E07000026", "District", None),
        ("Cumberland Council", 2023, "E06000063", "Unitary", None),
        ("Cumberland Council", 2024, "E06000063", "Unitary", None),
        ("North Yorkshire Council", 2022, "E10000023", "County", None),
        ("North Yorkshire County Council", 2023, "E06000065", "Unitary", None),
        ("North Yorkshire County Council", 2024, "E06000065", "Unitary", "County"),
        # Designations
        ("Stockport County Council", 2020, "E08000007", None, "County"),
        ("Stockport Metropolitan District Council", 2020, "E08000007", None, "District"),
        ("Royal Borough of Hackney", 2020, "E09000012", None, "Royal"),
        ("London Borough of Greenwich", 2020, "E09000011", None, None),
        ("Preston County Council", 2020, "E07000123", None, "County"),
        ("Guildford District Council", 2020, "E07000209", None, "District"),
        ("Dorset County Council", 2020, "E06000059", None, "County"),
        ("Colchester Borough Council", 2021, "E07000071", None, None),
        ("Colchester City Council", 2021, "E07000071", None, "City"),
        ("Colchester Borough Council", 2023, "E07000071", None, None),
        ("Colchester City Council", 2023, "E07000071", None, None),
        ("Colchester Borough Council", 2024, "E07000071", None, "Borough"),
    ],
)
def test_resolve_for_a_letters_year(
    register: Register, name: str, year: int, code: str, kind: str | None, said: str | None
) -> None:
    """A letter of ``year``: sent in July, reviewing the financial year ending that March."""
    found = register.resolve(name, dt.date(year, 7, 17), period(year))
    status = "designation" if said else "registered"
    assert (found.status, found.identity, found.designation) == (status, code, said)
    assert found.authority is not None and found.authority.code == code
    if kind is not None:
        assert found.authority.type == kind
    assert found.own_name == found.authority.own_name(dt.date(year, 7, 17))
    assert found.existence is None


_DAYS = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_remembered_answer_is_the_answer_asked_afresh(register: Register, data) -> None:
    """The register remembers an answer by where the window's days fall among the days it
    dates anything by: asked for any name (its own, another form, changed) and any letter
    date and period, the answer is the one worked out afresh (by a register that remembers
    nothing yet), around every day a council or a name begins or ends."""
    authority = data.draw(st.sampled_from(register.authorities))
    names = [authority.name, *(n.name for n in (*authority.own_names, *authority.forms))]
    name = data.draw(st.sampled_from(names))
    name = data.draw(st.sampled_from([name, name.replace(" Council", " Borough Council")]))
    edges = [d + dt.timedelta(days=k) for d in register._days for k in (-1, 0, 1)]
    day = _DAYS | st.sampled_from(edges)
    on = data.draw(st.none() | day)
    first = data.draw(day)
    period_ = data.draw(st.none() | st.just((first, first + dt.timedelta(days=364))))
    fresh = Register(register.path, register.authorities)
    assert register.resolve(name, on, period_) == fresh._resolve(name, *_window(on, period_))
    assert register.resolve(name, on, period_) == fresh.resolve(name, on, period_)


@pytest.mark.parametrize(
    ("name", "year", "code", "existence"),
    [
        ("Cumberland Council", 2020, "E06000063", "from 1 April 2023"),
        ("Cumberland Council", 2022, "E06000063", "from 1 April 2023"),
        ("North Northamptonshire Council", 2020, "E06000061", "from 1 April 2021"),
        ("Aylesbury Vale District Council", 2021, "E07000004", "until 31 March 2020"),
        ("Northamptonshire County Council", 2022, "E10000021", "until 31 March 2021"),
        ("Corby Borough Council", 2022, "E07000150", "until 31 March 2021"),
        ("Allerdale Borough Council", 2024, "E07000026", "until 31 March 2023"),
        ("Cumbria County Council", 2024, "E10000006", "until 31 March 2023"),
        ("Mendip District Council", 2024, "E07000187", "until 31 March 2023"),
    ],
)
def test_resolve_a_council_of_another_year(
    register: Register, name: str, year: int, code: str, existence: str
) -> None:
    found = register.resolve(name, dt.date(year, 7, 17), period(year))
    assert (found.status, found.identity, found.existence) == ("not-in-existence", code, existence)
    assert found.authority is None and found.named is not None and found.named.code == code
    assert register.lookup(name, dt.date(year, 7, 17)) is None


def test_a_council_is_found_by_the_letters_date_or_any_day_of_its_period(
    register: Register,
) -> None:
    """Northamptonshire County Council was gone on a 2021 letter's date but existed in the
    year it reviews; Cumberland Council did not exist in a 2023 letter's year but did on its
    date."""
    july_2021 = dt.date(2021, 7, 21)
    assert register.resolve("Northamptonshire County Council", july_2021).status == (
        "not-in-existence"
    )
    found = register.resolve("Northamptonshire County Council", july_2021, period(2021))
    assert found.status == "registered"
    july_2023 = dt.date(2023, 7, 19)
    assert register.resolve("Cumberland Council", None, period(2023)).status == ("not-in-existence")
    assert register.resolve("Cumberland Council", july_2023, period(2023)).status == "registered"
    # No date at all: any date.
    assert register.resolve("Cumberland Council").status == "registered"


# --- letters: what the command line reports -----------------------------------------------------

REGISTER_RULES = {"LGO304", "LGO306", "LGO307"}
REFERENCE_COUNCIL = "Stockport Metropolitan Borough Council"


def letter_text(year: int, council: str, *, panel: str | None = None) -> str:
    """The reference letter of ``year`` addressed to ``council`` (the address block's name,
    the first occurrence of the reference council's); ``panel``: the name the rest of the
    letter uses (the panel header, the per 100,000 line), if not the reference council's."""
    text = (BASE / f"{year}.txt").read_text(encoding="utf-8")
    if panel is not None:
        text = text.replace(REFERENCE_COUNCIL, panel)
        return text.replace(panel, council, 1)
    return text.replace(REFERENCE_COUNCIL, council, 1)


def write_letter(folder: Path, name: str, year: int, council: str, **kwargs: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(letter_text(year, council, **kwargs), encoding="utf-8")
    return path


def check(paths: list[Path], **options: Any) -> list[FileResult]:
    run = run_check(paths, CheckOptions(isolated=True, keep_facts=True, **options))
    assert not run.input_errors, run.input_errors
    return run.results


def check_letter(tmp_path: Path, year: int, council: str, **kwargs: Any) -> FileResult:
    (result,) = check([write_letter(tmp_path, f"{year}.txt", year, council, **kwargs)])
    return result


def register_findings(result: FileResult) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in result.findings if f.code in REGISTER_RULES]


def fact(result: FileResult, name: str) -> Any:
    token = result.facts.get(name)
    return None if token is None else token.value


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023, 2024, 2025])
def test_the_reference_letters_have_no_register_finding(tmp_path: Path, year: int) -> None:
    result = check_letter(tmp_path, year, REFERENCE_COUNCIL)
    assert result.findings == []
    assert (fact(result, "authority.type"), fact(result, "authority.code")) == (
        "Metropolitan Borough",
        "E08000007",
    )


@pytest.mark.parametrize(
    ("year", "council", "existence"),
    [
        (2020, "Cumberland Council", "from 1 April 2023"),
        (2024, "Allerdale Borough Council", "until 31 March 2023"),
        (2022, "Northamptonshire County Council", "until 31 March 2021"),
        (2021, "Aylesbury Vale District Council", "until 31 March 2020"),
        (2021, "Wycombe District Council", "until 31 March 2020"),
        (2022, "Corby Borough Council", "until 31 March 2021"),
        (2020, "North Northamptonshire Council", "from 1 April 2021"),
        (2022, "Cumberland Council", "from 1 April 2023"),
        (2024, "Cumbria County Council", "until 31 March 2023"),
        (2024, "Harrogate Borough Council", "until 31 March 2023"),
        (2024, "Mendip District Council", "until 31 March 2023"),
    ],
)
def test_a_council_of_another_year_is_lgo306(
    tmp_path: Path, year: int, council: str, existence: str
) -> None:
    result = check_letter(tmp_path, year, council)
    assert register_findings(result) == [
        (
            "LGO306",
            f'"{council}" did not exist on the letter\'s date or in its period: '
            f"the council existed {existence}",
        )
    ]
    assert fact(result, "authority.type") is None
    assert fact(result, "authority.existence") == existence


@pytest.mark.parametrize(
    ("year", "council", "kind", "code"),
    [
        (2024, "Cumberland Council", "Unitary", "E06000063"),
        (2023, "Cumberland Council", "Unitary", "E06000063"),
        (2023, "Allerdale Borough Council", "District", "E07000026"),
        (2023, "Cumbria County Council", "County", "E10000006"),
        (2020, "Allerdale Borough Council", "District", "E07000026"),
        (2021, "Northamptonshire County Council", "County", "E10000021"),
        (2021, "North Northamptonshire Council", "Unitary", "E06000061"),
        (2021, "West Northamptonshire Council", "Unitary", "E06000062"),
        (2021, "Corby Borough Council", "District", "E07000150"),
        (2021, "Northampton Borough Council", "District", "E07000154"),
        (2020, "Aylesbury Vale District Council", "District", "E07000004"),
        (2023, "Westmorland and Furness Council", "Unitary", "E06000064"),
        (2022, "North Yorkshire County Council", "County", "E10000023"),
        (2022, "North Yorkshire Council", "County", "E10000023"),
        (2023, "Harrogate Borough Council", "District", "E07000165"),
        (2022, "Somerset County Council", "County", "E10000027"),
        (2022, "Somerset Council", "County", "E10000027"),
        (2023, "Mendip District Council", "District", "E07000187"),
        (2020, "Somerset County Council", "County", "E10000027"),
        (2020, "Somerset Council", "County", "E10000027"),
        (2023, "Somerset County Council", "Unitary", "E06000066"),
        (2023, "Somerset Council", "Unitary", "E06000066"),
        (2024, "Somerset Council", "Unitary", "E06000066"),
        (2023, "North Yorkshire County Council", "Unitary", "E06000065"),
        (2024, "North Yorkshire Council", "Unitary", "E06000065"),
        (2020, "Buckinghamshire County Council", "Unitary", "E06000060"),
    ],
)
def test_a_council_of_the_letters_year_is_typed_as_on_the_letters_date(
    tmp_path: Path, year: int, council: str, kind: str, code: str
) -> None:
    result = check_letter(tmp_path, year, council)
    assert register_findings(result) == []
    assert (fact(result, "authority.type"), fact(result, "authority.code")) == (kind, code)
    assert fact(result, "authority.identity") == code


@pytest.mark.parametrize(
    ("year", "council", "designation", "own_name"),
    [
        (2020, "Preston County Council", "County", "Preston City Council"),
        (2020, "Stockport County Council", "County", "Stockport Metropolitan Borough Council"),
        (2024, "Stockport County Council", "County", "Stockport Metropolitan Borough Council"),
        (2020, "Guildford District Council", "District", "Guildford Borough Council"),
        (2021, "Colchester City Council", "City", "Colchester Borough Council"),
        (2024, "Colchester Borough Council", "Borough", "Colchester City Council"),
        (2024, "North Yorkshire County Council", "County", "North Yorkshire Council"),
        (2024, "Somerset County Council", "County", "Somerset Council"),
        (2020, "Dorset County Council", "County", "Dorset Council"),
        (2021, "Buckinghamshire County Council", "County", "Buckinghamshire Council"),
    ],
)
def test_a_designation_the_councils_own_names_lack_is_lgo307(
    tmp_path: Path, year: int, council: str, designation: str, own_name: str
) -> None:
    result = check_letter(tmp_path, year, council)
    assert register_findings(result) == [
        (
            "LGO307",
            f'"{council}" calls the council {designation}, but its own name is "{own_name}"',
        )
    ]
    assert fact(result, "authority.own_name") == own_name
    assert fact(result, "authority.type") is not None  # the council is known: not LGO304


@pytest.mark.parametrize(
    ("year", "council"),
    [
        (2020, "Preston City Council"),  # own names
        (2020, "Guildford Borough Council"),
        (2020, "Oxford City Council"),
        (2020, "Oxfordshire County Council"),
        (2020, "Hull City Council"),
        (2020, "kingston-upon-hull city council"),  # a known form
        (2020, "St Helens Metropolitan Borough Council"),  # a known form
        (2020, "Royal Borough of Greenwich"),
        (2020, "London Borough of Greenwich"),  # a London borough may be called one
        (2020, "Stockport Council"),  # no designation
        (2020, "Stockport MBC"),
        (2020, "Herefordshire County Council"),  # the ONS name: "Herefordshire, County of"
        (2021, "Colchester Borough Council"),
        (2023, "Colchester City Council"),
        (2023, "Colchester Borough Council"),  # its own name until 19 May 2022 (period 2022-23)
        (2024, "Colchester City Council"),
        (2024, "City of Doncaster Council"),
        (2024, "Doncaster City Council"),  # a form from 17 November 2022
    ],
)
def test_own_names_forms_and_plain_names_have_no_register_finding(
    tmp_path: Path, year: int, council: str
) -> None:
    assert register_findings(check_letter(tmp_path, year, council)) == []


def test_oxford_and_oxfordshire_stay_apart(tmp_path: Path) -> None:
    city = check_letter(tmp_path / "city", 2020, "Oxford City Council")
    county = check_letter(tmp_path / "county", 2020, "Oxfordshire County Council")
    assert (fact(city, "authority.code"), fact(city, "authority.type")) == (
        "E07000178",
        "District",
    )
    assert (fact(county, "authority.code"), fact(county, "authority.type")) == (
        "E10000025",
        "County",
    )


@pytest.mark.parametrize(
    "council", ["Stockpot Metropolitan Borough Council", "Nowhere Borough Council", "Gotham"]
)
def test_a_name_that_matches_nothing_stays_lgo304(tmp_path: Path, council: str) -> None:
    result = check_letter(tmp_path, 2024, council)
    assert register_findings(result) == [
        ("LGO304", f'"{council}" is not a council in the authority register')
    ]
    assert fact(result, "authority.identity") == f"name:{council.casefold()}"


@pytest.mark.parametrize(
    ("year", "council", "panel", "applicability"),
    [
        # The panel header of 2020 names the council: when it uses the own name, the fix is
        # safe; when it names another council, the letter may be meant for that one.
        (2020, "Stockport County Council", None, Applicability.SAFE),
        (2020, "Preston County Council", "Preston City Council", Applicability.SAFE),
        (2020, "Preston County Council", None, Applicability.UNSAFE),
        # From 2023 the per 100,000 line names the council.
        (2024, "Stockport County Council", None, Applicability.SAFE),
        (2024, "Guildford District Council", "Guildford Borough Council", Applicability.SAFE),
        (2024, "Guildford District Council", None, Applicability.UNSAFE),
        # 2021 and 2022 name it nowhere else.
        (2021, "Stockport County Council", None, Applicability.UNSAFE),
    ],
)
def test_lgo307_fix_is_safe_only_when_the_letter_uses_the_own_name_elsewhere(
    tmp_path: Path, year: int, council: str, panel: str | None, applicability: Applicability
) -> None:
    result = check_letter(tmp_path, year, council, panel=panel)
    (finding,) = [f for f in result.findings if f.code == "LGO307"]
    assert finding.fix is not None
    assert finding.fix.applicability == applicability
    # the edit writes the council's own name where the letter names it (only the words that
    # differ: "Stockport [County -> Metropolitan Borough] Council")
    (edit,) = finding.fix.edits
    text = (tmp_path / f"{year}.txt").read_text(encoding="utf-8")
    own = fact(result, "authority.own_name")
    fixed = text[: edit.start] + edit.replacement + text[edit.end :]
    assert fixed.count(own) == text.count(own) + 1
    assert fixed.count(council) == text.count(council) - 1


def test_lgo307_safe_fix_writes_the_own_name(tmp_path: Path) -> None:
    path = write_letter(tmp_path, "2020.txt", 2020, "Stockport County Council")
    run_check([path], CheckOptions(isolated=True, fix=True))
    assert path.read_text(encoding="utf-8") == letter_text(2020, REFERENCE_COUNCIL)
    (result,) = check([path])
    assert result.findings == []


# --- letters as a batch: duplicates and the statistics table ------------------------------------


def duplicates(results: list[FileResult]) -> list[tuple[str, str]]:
    return [
        (Path(r.path).name, f.message) for r in results for f in r.findings if f.code == "LGO502"
    ]


def test_two_names_of_one_council_are_duplicates(tmp_path: Path) -> None:
    first = write_letter(tmp_path, "a.txt", 2023, "Stockport County Council")
    second = write_letter(tmp_path, "b.txt", 2023, REFERENCE_COUNCIL)
    assert duplicates(check([first, second])) == [
        ("b.txt", f"a second 2023 letter to {REFERENCE_COUNCIL} (the first is {first.name})")
    ]


def test_a_county_and_the_unitary_continuing_it_are_one_council_in_a_year(tmp_path: Path) -> None:
    """In 2020 "Somerset Council" names Somerset County Council (the only Somerset then)."""
    first = write_letter(tmp_path, "a.txt", 2020, "Somerset County Council")
    second = write_letter(tmp_path, "b.txt", 2020, "Somerset Council")
    assert [name for name, _ in duplicates(check([first, second]))] == ["b.txt"]


def test_letters_of_two_years_are_not_duplicates(tmp_path: Path) -> None:
    first = write_letter(tmp_path, "a.txt", 2022, "Somerset County Council")
    second = write_letter(tmp_path, "b.txt", 2023, "Somerset County Council")
    assert duplicates(check([first, second])) == []


def test_two_letters_to_one_unregistered_name_are_duplicates(tmp_path: Path) -> None:
    first = write_letter(tmp_path, "a.txt", 2020, "Nowhere Borough Council")
    second = write_letter(tmp_path, "b.txt", 2020, "NOWHERE  Borough Council")
    assert [name for name, _ in duplicates(check([first, second]))] == ["b.txt"]


def test_two_letters_to_two_unregistered_names_are_not_duplicates(tmp_path: Path) -> None:
    first = write_letter(tmp_path, "a.txt", 2020, "Nowhere Borough Council")
    second = write_letter(tmp_path, "b.txt", 2020, "Elsewhere Borough Council")
    assert duplicates(check([first, second])) == []


@pytest.mark.parametrize(
    ("county", "unitary", "differing"),
    [(17, 17, None), (18, 17, "a.txt"), (17, 18, "b.txt")],
)
def test_data_rows_told_apart_by_designation(
    tmp_path: Path, county: int, unitary: int, differing: str | None
) -> None:
    """--data: rows for "Somerset County Council" and "Somerset Council" of one year are two
    rows, and each letter finds its own (the reference letter of 2020 states 17
    investigations)."""
    table = tmp_path / "stats.csv"
    table.write_text(
        "authority,year,investigations\n"
        f"Somerset County Council,2020,{county}\n"
        f"Somerset Council,2020,{unitary}\n",
        encoding="utf-8",
    )
    letters = [
        write_letter(tmp_path / "letters", "a.txt", 2020, "Somerset County Council"),
        write_letter(tmp_path / "letters", "b.txt", 2020, "Somerset Council"),
    ]
    results = check(letters, data=table)
    data = sorted(
        (Path(r.path).name, f.code) for r in results for f in r.findings if f.code >= "LGO510"
    )
    assert {code for _, code in data} <= {"LGO510"}  # no letter without a row, nor row without
    assert {name for name, _ in data} == ({differing} if differing else set())


# --- user registers ---------------------------------------------------------------------------

GOOD_CSV = (
    "code,name,type,county\n"
    "E08000007,Stockport,Metropolitan Borough,\n"
    "E07000243,Stevenage,District,Hertfordshire\n"
    "E10000015,Hertfordshire,County,\n"
)
GOOD_JSON: list[dict[str, Any]] = [
    {"code": "E08000007", "name": "Stockport", "type": "Metropolitan Borough"},
    {"code": "E07000243", "name": "Stevenage", "type": "District", "county": "Hertfordshire"},
    {"code": "E10000015", "name": "Hertfordshire", "type": "County", "county": None},
]


def test_user_csv_register(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    register = Register.load(path)
    assert len(register) == 3
    assert register.types() == {"Metropolitan Borough", "District", "County"}
    assert register.lookup("Stevenage Borough Council") == Authority(
        "E07000243", "Stevenage", "District", "Hertfordshire"
    )
    assert register.lookup("Hackney") is None


def test_user_json_register(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(GOOD_JSON), encoding="utf-8")
    register = Register.load(path)
    assert [a.code for a in register] == ["E08000007", "E07000243", "E10000015"]
    assert register.lookup("Stockport MBC") is not None
    assert register.by_code("E10000015") == Authority("E10000015", "Hertfordshire", "County")


def test_user_register_format_is_sniffed_without_suffix(tmp_path: Path) -> None:
    (tmp_path / "as-json").write_text(json.dumps(GOOD_JSON), encoding="utf-8")
    (tmp_path / "as-csv").write_text(GOOD_CSV, encoding="utf-8")
    assert len(Register.load(tmp_path / "as-json")) == len(Register.load(tmp_path / "as-csv")) == 3


def test_user_csv_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_CSV.replace("\n", "\r\n").encode("utf-8"))
    assert len(Register.load(path)) == 3


def test_validated_user_register_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(cache))
    path = tmp_path / "mine.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    Register.load(path)
    from lgo_audit.cache import read_json

    remembered = read_json("validated-registers.json")
    assert isinstance(remembered, list) and len(remembered) == 1


MALFORMED: list[tuple[str, str, int | None, str | None, str]] = [
    # (file name, content, row, column, words in the message)
    (
        "type.csv",
        "code,name,type,county\nE08000007,Stockport,Metropolitan Borough,\nE07000243,Stevenage,Distrct,Herts\n",
        3,
        "type",
        "unknown type 'Distrct'",
    ),
    (
        "county.csv",
        "code,name,type,county\nE07000243,Stevenage,District,\n",
        2,
        "county",
        "required for a District",
    ),
    (
        "prefix.csv",
        "code,name,type,county\nE10000015,Stevenage,District,Herts\n",
        2,
        "code",
        "not a District code",
    ),
    (
        "code.csv",
        "code,name,type,county\nE08000007,Stockport,Metropolitan Borough,\nE0800007,Bury,Metropolitan Borough,\n",
        3,
        "code",
        "not an ONS code",
    ),
    (
        "welsh.csv",
        "code,name,type,county\nW06000015,Cardiff,Unitary,\n",
        2,
        "code",
        "not an ONS code",
    ),
    (
        "name.csv",
        "code,name,type,county\nE08000007, ,Metropolitan Borough,\n",
        2,
        "name",
        "must not be empty",
    ),
    (
        "unknown-column.csv",
        "code,name,type,county,notes\nE08000007,Stockport,Metropolitan Borough,,\n",
        1,
        "notes",
        "unknown column",
    ),
    ("missing-column.csv", "code,name\nE08000007,Stockport\n", 1, "type", "missing column"),
    (
        "repeated-column.csv",
        "code,name,type,name\nE08000007,Stockport,Metropolitan Borough,x\n",
        1,
        "name",
        "repeated column",
    ),
    (
        "cells.csv",
        "code,name,type,county\nE08000007,Stockport,Metropolitan Borough,,extra\n",
        2,
        "#5",
        "5 cells for 4 columns",
    ),
    ("short.csv", "code,name,type,county\nE08000007,Stockport\n", 2, "type", "missing"),
    (
        "duplicate-code.csv",
        "code,name,type,county\nE08000007,Stockport,Metropolitan Borough,\nE08000007,Bury,Metropolitan Borough,\n",
        3,
        "code",
        "also row 2",
    ),
    (
        "collision.csv",
        "code,name,type,county\nE06000047,County Durham,Unitary,\nE07000999,Durham,District,Durham\n",
        3,
        "name",
        "same names as row 2",
    ),
    (
        "no-words.csv",
        "code,name,type,county\nE06000047,Council,Unitary,\n",
        2,
        "name",
        "no words to match on",
    ),
    (
        "type.json",
        json.dumps([GOOD_JSON[0], {"code": "E06000001", "name": "Hartlepool", "type": 6}]),
        2,
        "type",
        "unknown type 6",
    ),
    ("extra.json", json.dumps([{**GOOD_JSON[0], "notes": "x"}]), 1, "notes", "unknown column"),
    (
        "missing.json",
        json.dumps([GOOD_JSON[0], {"code": "E06000001", "type": "Unitary"}]),
        2,
        "name",
        "missing",
    ),
    (
        "county.json",
        json.dumps(
            [{"code": "E07000243", "name": "Stevenage", "type": "District", "county": None}]
        ),
        1,
        "county",
        "",
    ),
    (
        "code-type.json",
        json.dumps([{"code": 8000007, "name": "Stockport", "type": "Metropolitan Borough"}]),
        1,
        "code",
        "not of type 'string'",
    ),
    (
        "row.json",
        json.dumps([GOOD_JSON[0], ["E06000001", "Hartlepool", "Unitary"]]),
        2,
        None,
        "not an object",
    ),
    ("not-a-list.json", json.dumps({"authorities": GOOD_JSON}), None, None, "expected a JSON list"),
    ("broken.json", '[{"code": "E08000007",\n', None, None, "invalid JSON at line 2"),
    ("empty.csv", "", None, None, "empty file"),
    ("binary.csv", "\udcff", None, None, "not UTF-8"),
]


@pytest.mark.parametrize(
    ("filename", "content", "row", "column", "words"),
    MALFORMED,
    ids=[m[0] for m in MALFORMED],
)
def test_malformed_user_register(
    tmp_path: Path, filename: str, content: str, row: int | None, column: str | None, words: str
) -> None:
    path = tmp_path / filename
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(RegisterError) as raised:
        Register.load(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path.resolve()}: ")
    assert words in message
    error = raised.value
    assert (error.row, error.column) == (row, column)
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert f"column '{column}'" in message


def test_malformed_rows_fail_even_without_schema_validation(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,name,type,county\nE07000243,Stevenage,Distrct,Herts\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"row 2, column 'type': unknown type"):
        Register.load(path, validate=False)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("councils.csv", "code,name,type\n\n", "no rows after the header"),
        ("councils.json", "[]", "an empty list"),
    ],
)
def test_a_register_with_no_council_is_refused(tmp_path: Path, name, content, said) -> None:
    """Every letter's council would otherwise be "not in the register"."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RegisterError, match=re.escape(f"has no councils ({said})")):
        Register.load(path)


def test_missing_register_file(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match=r"nope\.csv: cannot read"):
        Register.load(tmp_path / "nope.csv")


DATED_CSV = (
    "code,name,type,county,valid_from,valid_to,own_name,forms,continues\n"
    "E10000027,Somerset,County,,,2023-03-31,Somerset County Council,,\n"
    "E07000187,Mendip,District,Somerset,,2023-03-31,Mendip District Council,,\n"
    "E06000066,Somerset,Unitary,,2023-04-01,,Somerset Council,"
    "Somerset Unitary Council [until 2023-06-30],E10000027\n"
    "E07000071,Colchester,District,Essex,,,"
    "Colchester Borough Council [until 2022-05-19]; Colchester City Council [from 2022-05-20],,\n"
)


def test_user_register_with_the_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(DATED_CSV, encoding="utf-8")
    register = Register.load(path)
    unitary = register.by_code("E06000066")
    assert unitary == Authority(
        "E06000066",
        "Somerset",
        "Unitary",
        None,
        dt.date(2023, 4, 1),
        None,
        (DatedName("Somerset Council"),),
        (DatedName("Somerset Unitary Council", None, dt.date(2023, 6, 30)),),
        "E10000027",
    )
    colchester = register.by_code("E07000071")
    assert colchester is not None and colchester.own_names == (
        DatedName("Colchester Borough Council", None, dt.date(2022, 5, 19)),
        DatedName("Colchester City Council", dt.date(2022, 5, 20), None),
    )
    # The same answers as the bundled register's.
    july_2020, july_2024 = dt.date(2020, 7, 22), dt.date(2024, 7, 17)
    assert register.resolve("Somerset Council", july_2020, period(2020)).identity == "E10000027"
    found = register.resolve("Somerset County Council", july_2024, period(2024))
    assert (found.status, found.identity, found.designation) == (
        "designation",
        "E06000066",
        "County",
    )
    found = register.resolve("Mendip District Council", july_2024, period(2024))
    assert (found.status, found.existence) == ("not-in-existence", "until 31 March 2023")
    found = register.resolve("Colchester City Council", dt.date(2021, 7, 21), period(2021))
    assert (found.status, found.own_name) == ("designation", "Colchester Borough Council")


def test_user_json_register_with_the_optional_columns(tmp_path: Path) -> None:
    rows = list(csv.DictReader(DATED_CSV.splitlines()))
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps([{k: (v or None) for k, v in row.items()} for row in rows]), encoding="utf-8"
    )
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text(DATED_CSV, encoding="utf-8")
    assert list(Register.load(path)) == list(Register.load(csv_path))


def test_an_undated_user_register_exists_on_every_date(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    register = Register.load(path)
    for year in (2020, 2024, 2030):
        found = register.resolve("Stockport Council", dt.date(year, 7, 1), period(year))
        assert (found.status, found.identity, found.own_name) == (
            "registered",
            "E08000007",
            "Stockport",  # no own name: the area name
        )
    found = register.resolve("Stockport County Council", dt.date(2024, 7, 1), period(2024))
    assert (found.status, found.designation) == ("designation", "County")
    assert register.by_code("E08000007") == Authority(
        "E08000007", "Stockport", "Metropolitan Borough"
    )


def test_a_user_register_without_own_names_accepts_the_designation_of_the_councils_type(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    register = Register.load(path)
    for name in ("Stockport Metropolitan Borough Council", "Stockport Borough Council"):
        assert register.resolve(name, dt.date(2024, 7, 1)).status == "registered"
    found = register.resolve("Stockport County Council", dt.date(2024, 7, 1))
    assert (found.status, found.designation) == ("designation", "County")


HEADER = "code,name,type,county,valid_from,valid_to,own_name,forms,continues\n"
SOMERSET_COUNTY = "E10000027,Somerset,County,,,2023-03-31,,,\n"
SOMERSET_UNITARY = "E06000066,Somerset,Unitary,,2023-04-01,,,,E10000027\n"

# (file name, content, row, column, words in the message with and without schema validation)
MALFORMED_OPTIONAL: list[tuple[str, str, int, str, str]] = [
    (
        "overlap.csv",
        HEADER + SOMERSET_COUNTY.replace("2023-03-31", "2023-04-01") + SOMERSET_UNITARY,
        3,
        "name",
        "matches the same names as row 2 ('Somerset') while both exist",
    ),
    (
        "date.csv",
        HEADER + "E06000066,Somerset,Unitary,,01/04/2023,,,,\n",
        2,
        "valid_from",
        "'01/04/2023'",
    ),
    (
        "no-such-day.csv",
        HEADER + "E06000066,Somerset,Unitary,,2023-02-30,,,,\n",
        2,
        "valid_from",
        "'2023-02-30' is not a date (YYYY-MM-DD)",
    ),
    (
        "before.csv",
        HEADER + "E06000066,Somerset,Unitary,,2023-04-01,2023-03-31,,,\n",
        2,
        "valid_to",
        "before valid_from",
    ),
    (
        "own-name.csv",
        HEADER + "E06000066,Somerset,Unitary,,,,Somerset Council [since 2023],,\n",
        2,
        "own_name",
        "'Somerset Council [since 2023]'",
    ),
    (
        "forms.csv",
        HEADER + "E06000066,Somerset,Unitary,,,,,Somerset [from 2023-04-01,\n",
        2,
        "forms",
        "'Somerset [from 2023-04-01'",
    ),
    (
        "own-name-day.csv",
        HEADER + "E06000066,Somerset,Unitary,,,,Somerset Council [from 2023-02-30],,\n",
        2,
        "own_name",
        "'2023-02-30' in 'Somerset Council [from 2023-02-30]' is not a date",
    ),
    (
        "continues.csv",
        HEADER + SOMERSET_UNITARY,
        2,
        "continues",
        "E10000027 is not a row of this register",
    ),
    (
        "continues-code.csv",
        HEADER + "E06000066,Somerset,Unitary,,,,,,Somerset County\n",
        2,
        "continues",
        "'Somerset County'",
    ),
]


@pytest.mark.parametrize("validate", [True, False], ids=["schema", "no-schema"])
@pytest.mark.parametrize(
    ("filename", "content", "row", "column", "words"),
    MALFORMED_OPTIONAL,
    ids=[m[0] for m in MALFORMED_OPTIONAL],
)
def test_malformed_optional_columns(
    tmp_path: Path, filename: str, content: str, row: int, column: str, words: str, validate: bool
) -> None:
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RegisterError) as raised:
        Register.load(path, validate=validate)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path.resolve()}: row {row}, column '{column}': ")
    assert words in message
    assert (raised.value.row, raised.value.column) == (row, column)


def test_two_rows_of_one_key_may_follow_each_other(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + SOMERSET_COUNTY + SOMERSET_UNITARY, encoding="utf-8")
    assert [a.code for a in Register.load(path)] == ["E10000027", "E06000066"]


# --- cost -------------------------------------------------------------------------------------


def test_bundled_register_loads_without_jsonschema() -> None:
    code = (
        "import sys\n"
        "import lgo_audit.rules\n"  # already imported by any check that uses the register
        "from lgo_audit import register\n"
        "register._read_cached.cache_clear(); register._key.cache_clear()\n"
        "r = register.Register.load()\n"
        "print(len(r), 'jsonschema' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert out == [str(ROWS), "False"]


# --- the build script -------------------------------------------------------------------------


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_register", ROOT / "data" / "build_register.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(lower: str, lower_name: str, upper: str = "", upper_name: str = "") -> dict[str, str]:
    """A record of the ONS lookup (single tier: its own upper tier)."""
    return {
        "LTLA21CD": lower,
        "LTLA21NM": lower_name,
        "UTLA21CD": upper or lower,
        "UTLA21NM": upper_name or lower_name,
    }


RECORDS = [
    record("E07000243", "Stevenage", "E10000015", "Hertfordshire"),
    record("E07000187", "Mendip", "E10000027", "Somerset"),
    record("E08000007", "Stockport"),
    record("E06000061", "North Northamptonshire"),
    record("W06000015", "Cardiff"),
]
CHANGE_COLUMNS = ("code", "name", "type", "county", "valid_from", "valid_to", "continues", "source")
NAME_COLUMNS = ("code", "name", "use", "valid_from", "valid_to", "source")


def change(code: str, name: str, kind: str, county: str = "", **dates: str) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "type": kind,
        "county": county,
        "valid_from": dates.get("valid_from", ""),
        "valid_to": dates.get("valid_to", ""),
        "continues": dates.get("continues", ""),
        "source": "si-2022-329",
    }


def own(code: str, name: str, use: str = "own", start: str = "", end: str = "") -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "use": use,
        "valid_from": start,
        "valid_to": end,
        "source": "mysociety",
    }


CHANGE_ROWS = [
    change("E10000027", "Somerset", "County", valid_to="2023-03-31"),
    change("E07000187", "Mendip", "District", "Somerset", valid_to="2023-03-31"),
    change("E06000066", "Somerset", "Unitary", valid_from="2023-04-01", continues="E10000027"),
]
NAME_ROWS = [
    own("E07000243", "Stevenage Borough Council"),
    own("E10000015", "Hertfordshire County Council"),
    own("E10000027", "Somerset County Council"),
    own("E07000187", "Mendip District Council"),
    own("E08000007", "Stockport Metropolitan Borough Council"),
    own("E08000007", "Stockport Council", "form"),
    own("E06000061", "North Northamptonshire Council"),
    own("E06000066", "Somerset Council"),
    own("E06000066", "Somerset Unitary Council", "form", "2023-04-01", "2023-06-30"),
]


def test_build_script_dates_names_and_continues_with_synthetic_records() -> None:
    script = build_script()
    rows = script.build(RECORDS, CHANGE_ROWS, NAME_ROWS)
    assert [row["code"] for row in rows] == [
        "E06000061",
        "E06000066",
        "E07000187",
        "E07000243",
        "E08000007",
        "E10000015",
        "E10000027",
    ]  # sorted by code; Wales left out; E06000066 added from the changes
    by_code = {row["code"]: row for row in rows}
    assert all(sorted(row) == sorted(COLUMNS) for row in rows)
    empty = dict.fromkeys(("valid_from", "valid_to", "forms", "continues"), "")
    assert by_code["E07000243"] == {
        "code": "E07000243",
        "name": "Stevenage",
        "type": "District",
        "county": "Hertfordshire",
        **empty,
        "own_name": "Stevenage Borough Council",
    }
    assert by_code["E10000015"]["type"] == "County"
    assert by_code["E08000007"]["forms"] == "Stockport Council"
    assert (by_code["E07000187"]["valid_to"], by_code["E10000027"]["valid_to"]) == (
        "2023-03-31",
        "2023-03-31",
    )
    assert by_code["E06000066"] == {
        "code": "E06000066",
        "name": "Somerset",
        "type": "Unitary",
        "county": "",
        "valid_from": "2023-04-01",
        "valid_to": "",
        "own_name": "Somerset Council",
        "forms": "Somerset Unitary Council [from 2023-04-01 until 2023-06-30]",
        "continues": "E10000027",
    }


def test_dated_names_as_the_register_writes_them() -> None:
    dated = build_script().dated
    assert dated("A Council", "", "") == "A Council"
    assert dated("A Council", "2022-05-20", "") == "A Council [from 2022-05-20]"
    assert dated("A Council", "", "2022-05-19") == "A Council [until 2022-05-19]"
    assert dated("A", "2021-04-01", "2022-05-19") == "A [from 2021-04-01 until 2022-05-19]"
    assert DatedName("A", dt.date(2021, 4, 1), dt.date(2022, 5, 19)).__str__() == dated(
        "A", "2021-04-01", "2022-05-19"
    )


@pytest.mark.parametrize(
    ("changes", "names", "words"),
    [
        ([change("E07000187", "Mendip", "County")], NAME_ROWS, "is not a County code"),
        (
            [change("E07000187", "Mendip", "District", "Dorset", valid_to="2023-03-31")],
            NAME_ROWS,
            "in the source, not",
        ),
        (
            [change("E06000066", "Somerset", "Unitary", continues="E10000099")],
            [*NAME_ROWS[:-2], own("E06000066", "Somerset Council")],
            "continues E10000099, not in the register",
        ),
        (CHANGE_ROWS, [*NAME_ROWS, own("E06000099", "Nowhere Council")], "not a council"),
        (CHANGE_ROWS, [*NAME_ROWS, own("E08000007", "Stockport", "alias")], "own or form"),
        (CHANGE_ROWS, NAME_ROWS[1:], "no own name for E07000243 (Stevenage)"),
    ],
    ids=["type", "source-disagrees", "continues", "names-code", "use", "no-own-name"],
)
def test_build_script_refuses_inconsistent_tables(
    changes: list[dict[str, str]], names: list[dict[str, str]], words: str
) -> None:
    with pytest.raises(SystemExit, match=re.escape(words)):
        build_script().build(RECORDS, changes, names)


def test_build_script_checks_the_counts_and_the_districts_counties() -> None:
    script = build_script()
    script.check(bundled_rows())  # the bundled file passes
    with pytest.raises(SystemExit, match="counts on 2019-04-01"):
        script.check(script.build(RECORDS, CHANGE_ROWS, NAME_ROWS))
    rows = bundled_rows()
    for row in rows:
        if row["code"] == "E07000187":  # Mendip outliving Somerset County Council
            row["valid_to"] = ""
    with pytest.raises(SystemExit, match="counts on 2023-04-01"):
        script.check(rows)
    script.EXPECTED_COUNTS.clear()
    with pytest.raises(SystemExit, match="E07000187 outlives its county E10000027"):
        script.check(rows)


def test_every_hand_entered_row_names_a_source(tmp_path: Path) -> None:
    script = build_script()
    used = set()
    for path, columns in ((CHANGES, CHANGE_COLUMNS), (NAMES, NAME_COLUMNS)):
        rows = script.read_table(path, columns)  # stops at an unknown source
        assert rows and all(row["source"] in script.SOURCES for row in rows)
        used |= {row["source"] for row in rows}
    assert used == set(script.SOURCES) - {"ons-2021"}  # every citation is used
    bad = tmp_path / "names.csv"
    bad.write_text(
        ",".join(NAME_COLUMNS) + "\nE08000007,Stockport Council,own,,,a blog\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit, match="row 2: unknown source 'a blog'"):
        script.read_table(bad, NAME_COLUMNS)
    with pytest.raises(SystemExit, match="expected the columns"):
        script.read_table(bad, CHANGE_COLUMNS)


def test_bundled_file_carries_the_tables() -> None:
    """Each row of changes.csv is the bundled row's dates and continuation; names.csv gives
    the bundled own names and forms, in order, dated."""
    script = build_script()
    bundled = {row["code"]: row for row in bundled_rows()}
    changes = read_csv(CHANGES)
    for entry in changes:
        row = bundled[entry["code"]]
        for column in ("name", "type", "county", "valid_from", "valid_to", "continues"):
            assert row[column] == entry[column], (entry["code"], column)
    dated_codes = {entry["code"] for entry in changes}
    for code, row in bundled.items():
        if code not in dated_codes:
            assert (row["valid_from"], row["valid_to"], row["continues"]) == ("", "", ""), code
    written: dict[tuple[str, str], list[str]] = {}
    for entry in read_csv(NAMES):
        written.setdefault((entry["code"], entry["use"]), []).append(
            script.dated(entry["name"], entry["valid_from"], entry["valid_to"])
        )
    for code, row in bundled.items():
        assert row["own_name"] == "; ".join(written[(code, "own")]), code
        assert row["forms"] == "; ".join(written.get((code, "form"), [])), code
    assert {code for code, _ in written} == set(bundled)


def test_build_script_counts_are_those_of_the_tests() -> None:
    script = build_script()
    assert script.EXPECTED_COUNTS == EXPECTED_COUNTS
    assert script.COLUMNS == COLUMNS
    assert script.FIRST_DAY == FIRST_DAY
    for day, expected in EXPECTED_COUNTS.items():
        assert script.existing_on(bundled_rows(), day) == expected


def test_build_script_rebuilds_the_bundled_file_from_records_like_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ONS lookup of April 2021 holds the councils of 1 April 2021, districts with their
    county as upper tier: made from the bundled file, it gives the bundled file back, byte for
    byte. (The real source is not needed: `docs/register.md` says how to rebuild from it.)"""
    april_2021 = dt.date(2021, 4, 1)
    register = Register.load()
    codes = {a.name: a.code for a in existing_on(register, april_2021) if a.type == "County"}
    records = [
        record(a.code, a.name, codes[a.county], a.county)
        if a.county is not None
        else record(a.code, a.name)
        for a in existing_on(register, april_2021)
    ]
    records.append(record("W06000015", "Cardiff"))
    source = tmp_path / "records.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    output = tmp_path / "authorities.csv"
    assert build_script().main([str(source), "--output", str(output)]) == 0
    assert output.read_bytes() == BUNDLED.read_bytes()
    assert "is not the 2021.4 source" in capsys.readouterr().err  # a warning, not a stop


# --- the documentation ------------------------------------------------------------------------


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_doc_cites_every_source() -> None:
    text = " ".join(doc().split())
    for key, citation in build_script().SOURCES.items():
        assert f"`{key}`" in text, key
        assert " ".join(citation.split()) in text, key


def test_the_doc_gives_the_counts_per_type_on_each_date() -> None:
    rows = {}
    for line in doc().splitlines():
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if cells and cells[0] in TYPES and all(c.isdigit() for c in cells[1:]) and cells[1:]:
            rows[cells[0]] = [int(c) for c in cells[1:]]
    assert rows == {kind: [EXPECTED_COUNTS[day][kind] for day in EXPECTED_COUNTS] for kind in TYPES}


# --- packaging --------------------------------------------------------------------------------


def test_the_wheel_ships_the_register() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    build = project["tool"]["hatch"]["build"]["targets"]
    shipped = build["wheel"]["force-include"]
    assert any(
        target in ("lgo_audit/_data/data", "lgo_audit/_data/data/authorities.csv")
        for target in shipped.values()
    )
    assert "data" in build["sdist"]["include"]


def test_a_register_read_before_comes_from_the_cache_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its rows are remembered as they passed every check: the next process reads them back
    without reading the file as CSV or checking a row again."""
    import lgo_audit.register as module

    path = tmp_path / "mine.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    first = Register.load(path)
    module._read_cached.cache_clear()  # as a new process would

    def unchecked(*args: Any) -> Register:
        raise AssertionError("read and checked again")

    monkeypatch.setattr(module, "_checked_rows", unchecked)
    again = Register.load(path)
    assert again.authorities == first.authorities
    assert again.lookup("Stevenage Borough Council") == first.lookup("Stevenage Borough Council")


def test_a_changed_register_is_read_and_checked_again(tmp_path: Path) -> None:
    import lgo_audit.register as module

    path = tmp_path / "mine.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    Register.load(path)
    module._read_cached.cache_clear()
    path.write_text(GOOD_CSV.replace("District,Hertfordshire", "Parish,Hertfordshire"))
    with pytest.raises(RegisterError, match="unknown type 'Parish'"):
        Register.load(path)


def test_the_bundled_register_read_back_finds_every_name_as_it_did() -> None:
    import lgo_audit.register as module

    module._read_cached.cache_clear()
    fresh = Register.load()  # this test's cache folder is empty: read and checked
    module._read_cached.cache_clear()
    again = Register.load()  # read back from the cache
    assert again.authorities == fresh.authorities
    names = {n.name for a in fresh for n in (*a.own_names, *a.forms)} | {a.name for a in fresh}
    for name in sorted(names):
        assert again.resolve(name) == fresh.resolve(name), name


def test_a_letter_read_again_has_the_same_register_facts() -> None:
    """The register's answer for a council, date and period is remembered within a process:
    reading a letter again gives the same facts, and a lookup that is not a register of this
    package is asked every time."""
    from lgo_audit.parse import parse_file
    from lgo_audit.register import Resolution, load_register
    from tests.paths import STOCKPORT

    register = load_register(None)
    first = parse_file(STOCKPORT, authorities=register)
    again = parse_file(STOCKPORT, authorities=register)
    assert "authority.code" in first.facts
    assert dict(again.facts) == dict(first.facts)

    class Counting:
        asked = 0

        def resolve(
            self,
            name: str,
            on: dt.date | None = None,
            period: tuple[dt.date, dt.date] | None = None,
        ) -> Resolution:
            Counting.asked += 1
            return register.resolve(name, on, period)

    lookup = Counting()
    parse_file(STOCKPORT, authorities=lookup)
    parse_file(STOCKPORT, authorities=lookup)
    assert Counting.asked == 2
