"""Every output format, as the tools that read it expect it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.report.machine import escape_data, escape_property
from tests.paths import SARIF_SCHEMA

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["check", "--isolated", *args])


def letters(tmp_path: Path) -> list[str]:
    """The two examples plus a letter with a control character, a comma and a colon in it."""
    odd = tmp_path / "odd, name: x.txt"
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    odd.write_text(
        text.replace(
            "10\nupheld decisions", "10\nupheld decisions\n\nDRAFT \x1b[31m50%, see: note"
        ),
        encoding="utf-8",
    )
    return [str(EXAMPLES / "stevenage-2020.txt"), str(EXAMPLES / "stockport-2020.txt"), str(odd)]


def test_sarif_validates_against_the_official_schema(tmp_path):
    result = run(*letters(tmp_path), "--output-format", "sarif")
    document = json.loads(result.output)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))

    jsonschema.validate(document, schema)

    run_ = document["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert "LGO101" in rule_ids and "LGO102" in rule_ids
    descriptor = run_["tool"]["driver"]["rules"][rule_ids.index("LGO102")]
    assert descriptor["name"] == "upheld-count-missing"
    assert descriptor["shortDescription"]["text"] and descriptor["fullDescription"]["text"]
    assert descriptor["help"]["text"]


def test_sarif_results_carry_rule_level_region_and_fix(tmp_path):
    result = run(str(EXAMPLES / "stevenage-2020.txt"), "--output-format", "sarif")
    (finding,) = json.loads(result.output)["runs"][0]["results"]

    assert finding["ruleId"] == "LGO102" and finding["level"] == "error"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "examples/stevenage-2020.txt"
    assert location["region"] == {"startLine": 61, "startColumn": 1, "endLine": 61, "endColumn": 16}
    replacement = finding["fixes"][0]["artifactChanges"][0]["replacements"][0]
    # the count inserted before "upheld decision", which is left as it is
    assert replacement["insertedContent"]["text"] == "1 "
    assert replacement["deletedRegion"] == {
        "startLine": 61,
        "startColumn": 1,
        "endLine": 61,
        "endColumn": 1,
    }


def test_sarif_related_locations(tmp_path):
    letter = tmp_path / "letter.txt"
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    letter.write_text(text.replace("59% of complaints", "60% of complaints"), encoding="utf-8")

    result = run(str(letter), "--output-format", "sarif", "--select", "LGO101")
    (finding,) = json.loads(result.output)["runs"][0]["results"]

    related = finding["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [
        63,
        66,
    ]  # "10" upheld decisions, "17" investigations


def test_junit_has_a_suite_per_letter_a_failure_per_finding_and_a_pass_for_clean(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text((ROOT / "rules" / "base" / "2020.txt").read_text(encoding="utf-8"))

    result = run(str(EXAMPLES / "stevenage-2020.txt"), str(clean), "--output-format", "junit")
    root = ET.fromstring(result.output)

    suites = root.findall("testsuite")
    assert len(suites) == 2
    by_name = {Path(s.get("name")).name: s for s in suites}
    stevenage = by_name["stevenage-2020.txt"]
    assert stevenage.get("failures") == "1"
    assert stevenage.find("testcase/failure").get("message").startswith("the number of upheld")
    passing = by_name["clean.txt"].findall("testcase")
    assert len(passing) == 1 and passing[0].find("failure") is None


def test_junit_names_two_findings_of_one_rule_at_one_place_apart():
    # Found by a trial: two entries of one rule that could not be evaluated are two findings
    # at 1:1, and were two test cases of one name (which a CI's test report may merge).
    from lgo_audit.findings import FileResult, Finding, Severity
    from lgo_audit.report.machine import render_junit
    from lgo_audit.span import FILE_START

    def finding(message: str) -> Finding:
        return Finding("a.txt", "LGO999", "own-rule", Severity.ERROR, message, FILE_START)

    result = FileResult("a.txt", [finding("entry 1"), finding("entry 2"), finding("entry 3")])
    names = [c.get("name") for c in ET.fromstring(render_junit([result])).iter("testcase")]
    assert names == [
        "LGO999 own-rule at 1:1",
        "LGO999 own-rule at 1:1 (2)",
        "LGO999 own-rule at 1:1 (3)",
    ]


def test_junit_is_well_formed_even_with_control_characters(tmp_path):
    result = run(*letters(tmp_path), "--output-format", "junit")
    ET.fromstring(result.output)  # raises on malformed XML
    assert "\x1b" not in result.output


def test_junit_stays_well_formed_with_the_noncharacters_xml_forbids(tmp_path):
    # Found by a trial: U+FFFF in a letter's text or a file's name was written as "&#65535;",
    # which no XML document may hold (a CI's test report then fails to read it).
    odd = tmp_path / "non\uffffchar\ufffe.txt"
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    odd.write_text(
        text.replace("10\nupheld decisions", "10\nupheld decisions\n\nDRAFT \uffff\ufffe 50%"),
        encoding="utf-8",
    )
    result = run(str(odd), "--output-format", "junit")
    root = ET.fromstring(result.output)  # raises on malformed XML
    (suite,) = root.findall("testsuite")
    assert suite.get("name").endswith("non\\uffffchar\\ufffe.txt")
    assert int(suite.get("failures")) >= 1


def test_github_annotations_escape_percent_comma_colon_and_newlines():
    assert escape_data("59% of 17\nnext\r") == "59%25 of 17%0Anext%0D"
    assert escape_property("a, b: c%\n") == "a%2C b%3A c%25%0A"


def test_github_output_is_one_workflow_command_per_finding(tmp_path):
    result = run(*letters(tmp_path), "--output-format", "github")
    lines = result.output.strip().splitlines()

    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    files = [line.split("file=", 1)[1].split(",line=", 1)[0] for line in lines]
    assert any(f.endswith("odd%2C name%3A x.txt") for f in files)
    assert not any(", " in f or ": " in f for f in files)
    first = next(line for line in lines if "stevenage" in line)
    assert ",line=61,col=1,endLine=61,endColumn=16,title=LGO102 upheld-count-missing::" in first
    assert "100%25 of 1 investigation" in first


def test_json_lines_is_one_object_per_finding():
    result = run(str(EXAMPLES / "stockport-2020.txt"), "--output-format", "json-lines")
    objects = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [o["code"] for o in objects] == ["LGO403", "LGO403", "LGO403"]


def test_concise_is_one_line_per_finding_and_a_summary():
    result = run(str(EXAMPLES / "stevenage-2020.txt"), "--output-format", "concise")
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(str(EXAMPLES / "stevenage-2020.txt") + ":61:1: LGO102 [error] ")
    assert lines[-2].startswith("Found 1 error in 1 letter")


def test_statistics_counts_findings_per_rule():
    result = run(
        str(EXAMPLES / "stockport-2020.txt"), str(EXAMPLES / "stevenage-2020.txt"), "--statistics"
    )
    rows = [line.split("\t") for line in result.output.strip().splitlines()]
    assert rows[0][:3] == ["3", "LGO403", "placeholder-link"]
    assert rows[1][:3] == ["1", "LGO102", "upheld-count-missing"] and rows[1][-1] == "[*]"


@pytest.mark.parametrize(
    "fmt", ["full", "concise", "json", "json-lines", "sarif", "github", "junit"]
)
def test_output_file_receives_the_report_and_stdout_stays_empty(tmp_path, fmt):
    target = tmp_path / "report.out"
    result = run(str(EXAMPLES / "stevenage-2020.txt"), "--output-format", fmt, "-o", str(target))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "LGO102" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "sarif", "github", "junit"])
def test_no_control_character_from_a_letter_reaches_the_output(tmp_path, fmt):
    result = run(*letters(tmp_path), "--output-format", fmt)
    assert "\x1b" not in result.output


def test_sarif_columns_count_characters_and_say_so(tmp_path):
    """A SARIF run that does not say otherwise counts columns in UTF-16 units; lgo-audit's
    count characters, so an emoji before a finding moves it one column, not two."""
    text = (EXAMPLES / "stockport-2020.txt").read_text(encoding="utf-8")
    plain, emoji = tmp_path / "plain.txt", tmp_path / "emoji.txt"
    plain.write_text(text, encoding="utf-8")
    emoji.write_text(text.replace("map, [Your", "map, \U0001f600 [Your"), encoding="utf-8")

    line = text[: text.index("map, [Your")].count("\n") + 1

    def placeholder_link(path: Path) -> tuple[dict, dict]:  # the first on the line
        result = run(str(path), "--output-format", "sarif", "--select", "LGO403")
        run_ = json.loads(result.output)["runs"][0]
        regions = [f["locations"][0]["physicalLocation"]["region"] for f in run_["results"]]
        return run_, min(
            (r for r in regions if r["startLine"] == line), key=lambda r: r["startColumn"]
        )

    run_, region = placeholder_link(emoji)
    _, before = placeholder_link(plain)
    assert run_["columnKind"] == "unicodeCodePoints"
    assert region["startColumn"] == before["startColumn"] + 2  # the emoji and a space


# --- the width of a source line under its caret --------------------------------------------

_ONE_CELL = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x300),
    *range(0x2010, 0x2028),
    *range(0x2030, 0x205F),
]


@given(st.text(alphabet=st.sampled_from([chr(c) for c in _ONE_CELL]), max_size=40))
def test_a_line_of_one_cell_characters_is_as_wide_as_wcwidth_says_without_asking_it(text):
    """(Importing wcwidth took a tenth of a one-letter check whose excerpt held an NBSP.)"""
    from wcwidth import wcswidth

    from lgo_audit.report.text import _NARROW, _display_width

    assert _NARROW.fullmatch(text) is not None
    assert _display_width(text) == wcswidth(text) == len(text)


@pytest.mark.parametrize("text", ["東京 Borough", "e\u0301", "a\u200bb", "\U0001f600 x"])
def test_other_characters_are_measured_by_wcwidth(text):
    from wcwidth import wcswidth

    from lgo_audit.report.text import _display_width

    assert _display_width(text) == wcswidth(text)
