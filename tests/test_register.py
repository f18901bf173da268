"""The authority register: the bundled data (data/authorities.csv), its schema, the name
matching key and the loader's errors.

The bundled register is the councils of England on 1 April 2020 (the councils the 2020
letters, for 2019/20, went to), built by data/build_register.py from the ONS April 2021
LTLA-UTLA lookup with the Northamptonshire corrections listed in docs/register.md.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from lgo_audit.register import (
    TYPES,
    Authority,
    Register,
    RegisterError,
    authority_key,
    bundled_register_path,
)

# (import_module: typed alike with or without types-jsonschema installed)
jsonschema: Any = importlib.import_module("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "authorities.csv"
SCHEMA = ROOT / "schemas" / "register.schema.json"

# Councils in England on 1 April 2020, by type (docs/register.md):
# - 25 counties: 27 in 2009-19, less Dorset (1 April 2019) and Buckinghamshire (1 April 2020);
#   Northamptonshire went on 1 April 2021.
# - 188 districts: the 181 of the April 2021 source and the 7 Northamptonshire districts
#   (192 in 2019/20 less Buckinghamshire's 4, abolished on 1 April 2020).
# - 36 metropolitan boroughs.
# - 57 unitaries, the Isles of Scilly and Buckinghamshire (1 April 2020) included: the 59 of
#   the source less North and West Northamptonshire (1 April 2021).
# - 33 London: the 32 boroughs and the City of London.
EXPECTED_COUNTS = {
    "County": 25,
    "District": 188,
    "Metropolitan Borough": 36,
    "Unitary": 57,
    "London Borough": 33,
}
CODE_PREFIX = {
    "Unitary": "E06",
    "District": "E07",
    "Metropolitan Borough": "E08",
    "London Borough": "E09",
    "County": "E10",
}


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the validated-register cache out of the user's home."""
    monkeypatch.setenv("LGO_AUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("LGO_AUDIT_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load()


def bundled_rows() -> list[dict[str, str]]:
    with BUNDLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_object(row: dict[str, str]) -> dict[str, str]:
    """A CSV row as the loader validates it: empty cells left out."""
    return {k: v for k, v in row.items() if v != ""}


# --- the bundled data -------------------------------------------------------------------------


def test_bundled_register_is_the_data_file() -> None:
    assert bundled_register_path().resolve() == BUNDLED.resolve()
    assert BUNDLED.read_text(encoding="utf-8").splitlines()[0] == "code,name,type,county"


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


def test_counts_per_type(register: Register) -> None:
    assert Counter(a.type for a in register) == EXPECTED_COUNTS
    assert len(register) == 339
    assert register.types() == set(TYPES)


def test_code_prefix_matches_type(register: Register) -> None:
    for authority in register:
        assert authority.code.startswith(CODE_PREFIX[authority.type]), authority


def test_every_district_is_in_a_county_of_the_register(register: Register) -> None:
    counties = {a.name for a in register if a.type == "County"}
    districts_in = Counter(a.county for a in register if a.type == "District")
    assert set(districts_in) == counties  # and every county has districts
    for authority in register:
        assert (authority.county is not None) == (authority.type == "District"), authority


@pytest.mark.parametrize(
    ("code", "name", "kind", "county"),
    [
        # 1 April 2020: Buckinghamshire unitary (its county and four districts abolished)
        ("E06000060", "Buckinghamshire", "Unitary", None),
        # 1 April 2019: Dorset, and Bournemouth, Christchurch and Poole
        ("E06000059", "Dorset", "Unitary", None),
        ("E06000058", "Bournemouth, Christchurch and Poole", "Unitary", None),
        # Northamptonshire: reorganised only on 1 April 2021, so still two-tier in 2020
        ("E10000021", "Northamptonshire", "County", None),
        ("E07000150", "Corby", "District", "Northamptonshire"),
        ("E07000151", "Daventry", "District", "Northamptonshire"),
        ("E07000152", "East Northamptonshire", "District", "Northamptonshire"),
        ("E07000153", "Kettering", "District", "Northamptonshire"),
        ("E07000154", "Northampton", "District", "Northamptonshire"),
        ("E07000155", "South Northamptonshire", "District", "Northamptonshire"),
        ("E07000156", "Wellingborough", "District", "Northamptonshire"),
        ("E06000053", "Isles of Scilly", "Unitary", None),
        ("E09000001", "City of London", "London Borough", None),
        ("E06000047", "County Durham", "Unitary", None),
        ("E06000055", "Bedford", "Unitary", None),
        ("E07000244", "East Suffolk", "District", "Suffolk"),
        ("E07000246", "Somerset West and Taunton", "District", "Somerset"),
    ],
)
def test_reorganisations_up_to_april_2020(
    register: Register, code: str, name: str, kind: str, county: str | None
) -> None:
    assert register.by_code(code) == Authority(code, name, kind, county)


@pytest.mark.parametrize(
    "name",
    [
        "North Northamptonshire Council",  # 1 April 2021
        "West Northamptonshire Council",
        "Buckinghamshire County Council",  # abolished 1 April 2020
        "Aylesbury Vale District Council",
        "Wycombe District Council",
        "Dorset County Council",  # abolished 1 April 2019 ("Dorset Council" is the unitary)
        "Christchurch Borough Council",
        "Forest Heath District Council",
        "Bedfordshire County Council",  # abolished 2009
    ],
)
def test_councils_that_did_not_exist_on_1_april_2020(register: Register, name: str) -> None:
    found = register.lookup(name)
    # The key ignores "County": "Dorset County Council" and "Buckinghamshire County Council"
    # find the unitary council that took over from each on 1 April 2019 or 2020.
    successors = {"Dorset": "E06000059", "Buckinghamshire": "E06000060"}
    assert found is None or found.code == successors.get(name.split()[0])


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


def test_every_authority_looks_itself_up_by_its_name_and_variants(register: Register) -> None:
    failures = [
        (variant, authority.code)
        for authority in register
        for variant in variants(authority)
        if register.lookup(variant) != authority
    ]
    assert not failures


def test_every_authority_looks_itself_up_by_code(register: Register) -> None:
    for authority in register:
        assert register.lookup(authority.code) == authority
        assert register.by_code(authority.code) == authority


def test_keys_do_not_collide_across_the_register(register: Register) -> None:
    keys = Counter(authority_key(a.name) for a in register)
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(keys)


def test_seed_councils(register: Register) -> None:
    stockport = register.lookup("Stockport Metropolitan Borough Council")
    assert stockport == Authority("E08000007", "Stockport", "Metropolitan Borough", None)
    stevenage = register.lookup("Stevenage Borough Council")
    assert stevenage == Authority("E07000243", "Stevenage", "District", "Hertfordshire")


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
    ],
)
def test_name_forms(register: Register, names: list[str], code: str) -> None:
    for name in names:
        found = register.lookup(name)
        assert found is not None and found.code == code, name
    assert len({authority_key(name) for name in names}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bedford Borough Council", "Bedfordshire"),
        ("Bedford", "Central Bedfordshire"),
        ("Durham County Council", "Durham District Council of Somewhere"),
        ("Lincoln", "Lincolnshire"),
        ("Northampton Borough Council", "Northamptonshire County Council"),
        ("Kingston upon Hull", "Kingston upon Thames"),
        ("Newcastle upon Tyne", "Newcastle-under-Lyme"),
        ("Richmond upon Thames", "Richmondshire"),
        ("Wyre", "Wyre Forest"),
        ("City of London", "London"),
        ("York", "North Yorkshire"),
        ("Isle of Wight", "Isles of Scilly"),
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
        "Newcastle City Council",  # upon Tyne or under Lyme?
        "Richmond",  # upon Thames, or Richmondshire?
        "Cardiff Council",  # Wales
        "E99999999",
        "W06000015",
    ],
)
def test_unknown_names_are_none(register: Register, name: str) -> None:
    assert register.lookup(name) is None
    assert name not in register


def test_key_examples() -> None:
    assert authority_key("Stockport Metropolitan Borough Council") == "stockport"
    assert authority_key("Hull City Council") == "kingston on hull"
    assert authority_key("Brighton & Hove City Council") == "brighton and hove"
    assert authority_key("City of London Corporation") == "city of london"
    assert authority_key("  Stevenage   BOROUGH council ") == "stevenage"


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
    remembered = json.loads((cache / "lgo-audit" / "validated-registers.json").read_text())
    assert len(remembered) == 1


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


def test_missing_register_file(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match=r"nope\.csv: cannot read"):
        Register.load(tmp_path / "nope.csv")


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
    assert out == ["339", "False"]


# --- the build script -------------------------------------------------------------------------


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_register", ROOT / "data" / "build_register.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_applies_the_corrections() -> None:
    script = build_script()
    records = [
        {
            "LTLA21CD": "E07000243",
            "LTLA21NM": "Stevenage",
            "UTLA21CD": "E10000015",
            "UTLA21NM": "Hertfordshire",
        },
        {
            "LTLA21CD": "E06000061",
            "LTLA21NM": "North Northamptonshire",
            "UTLA21CD": "E06000061",
            "UTLA21NM": "North Northamptonshire",
        },
        {
            "LTLA21CD": "E06000062",
            "LTLA21NM": "West Northamptonshire",
            "UTLA21CD": "E06000062",
            "UTLA21NM": "West Northamptonshire",
        },
        {
            "LTLA21CD": "E08000007",
            "LTLA21NM": "Stockport",
            "UTLA21CD": "E08000007",
            "UTLA21NM": "Stockport",
        },
        {
            "LTLA21CD": "W06000015",
            "LTLA21NM": "Cardiff",
            "UTLA21CD": "W06000015",
            "UTLA21NM": "Cardiff",
        },
    ]
    rows = script.build(records)
    codes = [row[0] for row in rows]
    assert codes == sorted(codes)
    assert ("E07000243", "Stevenage", "District", "Hertfordshire") in rows
    assert ("E10000015", "Hertfordshire", "County", "") in rows
    assert ("E08000007", "Stockport", "Metropolitan Borough", "") in rows
    assert not {"E06000061", "E06000062", "W06000015"} & set(codes)
    assert set(script.ADD) <= set(rows)


def test_bundled_file_carries_the_corrections() -> None:
    script = build_script()
    rows = {tuple(row.values()) for row in bundled_rows()}
    assert set(script.ADD) <= rows
    assert not {row[0] for row in rows} & set(script.REMOVE)
    assert Counter(row[2] for row in rows) == script.EXPECTED_COUNTS == EXPECTED_COUNTS


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
