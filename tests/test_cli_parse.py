"""`lgo-audit parse FILE`: the letter as JSON (the committed schema's shape) or text, and bad input.

JSON nests as the dotted fact names suggest (``upheld.percent`` is ``{"upheld": {"percent":
{"value", "raw", "span"}}}``), numbers are numbers, dates ISO strings, missing facts null, and
facts the letter's template year does not state absent (not applicable). Every
file that cannot be parsed is one line on standard error naming the file and the problem, and
exit status 2, never a traceback.
"""

from __future__ import annotations

import builtins
import copy
import io
import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from lgo_audit import __version__
from lgo_audit.cli import app
from lgo_audit.grammar import PROFILES
from lgo_audit.model import VOCABULARY
from lgo_audit.vocabulary import applicable_facts
from tests.paths import STEVENAGE, STOCKPORT

ROOT = Path(__file__).resolve().parents[1]
LETTER_SCHEMA = ROOT / "schemas" / "letter.schema.json"
APPLICABLE_2020 = applicable_facts(PROFILES["2020"].facts)


def parse(*args: str | Path) -> Any:
    return CliRunner().invoke(app, ["parse", *map(str, args)])


def parse_json(path: Path) -> dict[str, Any]:
    result = parse(path)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@cache
def _seed_json(path: Path) -> dict[str, Any]:
    return parse_json(path)


def seed_json(path: Path) -> dict[str, Any]:
    """The JSON of a seed letter (parsed once; each caller gets its own copy)."""
    return copy.deepcopy(_seed_json(path))


def letter_schema() -> dict[str, Any]:
    if not LETTER_SCHEMA.is_file():
        pytest.fail(
            f"{LETTER_SCHEMA.relative_to(ROOT)} is missing: regenerate it with "
            "`python -m lgo_audit.document` and commit it"
        )
    schema: dict[str, Any] = json.loads(LETTER_SCHEMA.read_text(encoding="utf-8"))
    return schema


def write(tmp_path: Path, text: str, name: str = "letter.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(document: dict[str, Any], dotted: str) -> Any:
    node: Any = document
    for part in dotted.split("."):
        node = node[part]
    return node


# --- JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [STOCKPORT, STEVENAGE], ids=["stockport", "stevenage"])
def test_parse_json_conforms_to_the_committed_letter_schema(seed):
    jsonschema.validate(seed_json(seed), letter_schema(), cls=jsonschema.Draft202012Validator)


def test_the_letter_schema_rejects_a_percentage_given_as_a_string():
    document = seed_json(STOCKPORT)
    document["upheld"]["percent"]["value"] = "59"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, letter_schema(), cls=jsonschema.Draft202012Validator)


def test_the_letter_schema_rejects_a_fact_without_its_span():
    document = seed_json(STOCKPORT)
    del document["upheld"]["percent"]["span"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, letter_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("name", sorted(APPLICABLE_2020))
def test_every_fact_that_applies_nests_as_its_dotted_name_suggests(name):
    fact = at(seed_json(STOCKPORT), name)
    assert fact is None or set(fact) == {"value", "raw", "span"}


@pytest.mark.parametrize("name", sorted(VOCABULARY - APPLICABLE_2020))
def test_a_fact_the_template_year_does_not_state_is_absent_not_null(name):
    node: Any = seed_json(STOCKPORT)
    *parents, leaf = name.split(".")
    for part in parents:
        if part not in node:
            return  # the whole group is absent: no fact of it applies
        node = node[part]
    assert leaf not in node


def test_a_group_with_no_fact_that_applies_is_absent():
    document = seed_json(STOCKPORT)
    assert "overview" not in document
    assert "summary" not in document["upheld"] and "per_100k" not in document["upheld"]
    assert document["signatory"] == {"name": document["signatory"]["name"]}


def test_a_fact_is_value_raw_and_span():
    assert seed_json(STOCKPORT)["upheld"]["percent"] == {
        "value": 59,
        "raw": "59%",
        "span": {"line": 59, "column": 1, "end_line": 59, "end_column": 4},
    }


def test_a_whole_percentage_is_a_json_integer():
    value = seed_json(STOCKPORT)["upheld"]["average"]["value"]
    assert value == 67 and isinstance(value, int) and not isinstance(value, bool)


def test_a_percentage_stated_with_decimals_keeps_them_as_a_json_number(tmp_path):
    text = STOCKPORT.read_text(encoding="utf-8").replace("59% of complaints", "58.8% of complaints")
    fact = parse_json(write(tmp_path, text))["upheld"]["percent"]
    assert (fact["value"], fact["raw"]) == (58.8, "58.8%")


def test_a_count_is_a_json_integer_without_its_thousands_separator():
    fact = seed_json(STOCKPORT)["training"]["people"]
    assert (fact["value"], fact["raw"]) == (1400, "1,400")
    assert isinstance(fact["value"], int)


def test_a_date_is_an_iso_string():
    document = seed_json(STOCKPORT)
    assert document["letter_date"]["value"] == "2020-07-22"
    assert document["upheld"]["period"]["start"]["value"] == "2019-04-01"


def test_an_absent_fact_is_null():
    assert seed_json(STEVENAGE)["upheld"]["count"] is None


def test_every_fact_of_a_panel_absent_from_the_letter_is_null():
    assert seed_json(STOCKPORT)["panel_header"] == {"authority": None, "period_end": None}


def test_a_date_that_does_not_exist_has_its_raw_text_and_a_null_value(tmp_path):
    text = STOCKPORT.read_text(encoding="utf-8").replace("22 July 2020", "31 April 2020")
    fact = parse_json(write(tmp_path, text))["letter_date"]
    assert (fact["value"], fact["raw"]) == (None, "31 April 2020")


def test_links_carry_text_target_and_span():
    (first, *_) = seed_json(STOCKPORT)["links"]
    assert first == {
        "text": "Your council's performance",
        "target": "#",
        "span": {"line": 33, "column": 53, "end_line": 33, "end_column": 79},
    }


def test_json_says_where_the_letter_came_from_and_how_it_was_decoded():
    document = seed_json(STOCKPORT)
    assert document["path"] == str(STOCKPORT)
    assert (document["encoding"], document["notes"], document["profile"]) == ("utf-8", [], "2020")
    assert len(document["sha256"]) == 64


def test_json_reports_the_windows_1252_fallback_in_notes(tmp_path):
    path = tmp_path / "ansi.txt"
    path.write_bytes(STOCKPORT.read_text(encoding="utf-8").replace("'", "\u2019").encode("cp1252"))
    document = parse_json(path)
    assert document["encoding"] == "cp1252"
    assert len(document["notes"]) == 1 and "Windows-1252" in document["notes"][0]


def test_json_lists_the_sections_in_document_order():
    sections = seed_json(STOCKPORT)["sections"]
    assert sections[:3] == ["letterhead", "letter-date", "delivery"]
    assert sections[-3:] == ["upheld", "compliance", "remedy"]


def test_json_lists_structural_findings_with_code_and_place(tmp_path):
    text = STOCKPORT.read_text(encoding="utf-8").replace("Dear Ms Smith\n", "")
    findings = parse_json(write(tmp_path, text))["findings"]
    assert [(f["code"], f["severity"], f["line"], f["column"]) for f in findings] == [
        ("LGO002", "error", 14, 1)
    ]
    assert findings[0]["message"].startswith("missing salutation")


def test_a_consistent_letter_has_no_structural_findings():
    assert seed_json(STOCKPORT)["findings"] == []


# --- text ------------------------------------------------------------------------------------


def test_text_format_shows_each_fact_with_value_raw_text_and_place():
    result = parse("--format", "text", STOCKPORT)
    assert result.exit_code == 0
    (line,) = [row for row in result.stdout.splitlines() if row.split()[:1] == ["upheld.average"]]
    assert line.split()[1] == "67"
    assert "'67%' at 61:34" in line


def test_text_format_marks_an_absent_fact():
    result = parse("--format", "text", STEVENAGE)
    (line,) = [row for row in result.stdout.splitlines() if row.split()[:1] == ["upheld.count"]]
    assert line.split() == ["upheld.count", "-"]


def test_text_format_leaves_out_the_facts_that_do_not_apply():
    names = [row.split()[0] for row in parse("--format", "text", STEVENAGE).stdout.splitlines()]
    assert set(names) >= APPLICABLE_2020
    assert not set(names) & (VOCABULARY - APPLICABLE_2020)


def test_text_format_starts_with_the_file_profile_and_encoding():
    first = parse("--format", "text", STOCKPORT).stdout.splitlines()[0]
    assert first == f"{STOCKPORT} (profile 2020, utf-8)"


# --- nothing from a letter can drive the terminal --------------------------------------------

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_letter(tmp_path: Path) -> Path:
    """Escape sequences and a bidi override in the salutation and in unexpected text."""
    text = STOCKPORT.read_text(encoding="utf-8")
    text = text.replace("Dear Ms Smith\n", "Dear Ms Smith\u202e\x1b[2J\n")
    text = text.replace(
        "10\nupheld decisions\n", "10\nupheld decisions\n\nDRAFT \u202egnp.exe\x07\n"
    )
    return write(tmp_path, text, "hostile.txt")


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_control_and_bidi_characters_in_a_letter_never_reach_parse_output(tmp_path, output_format):
    result = parse("--format", output_format, hostile_letter(tmp_path))
    assert result.exit_code == 0
    assert "salutation.name" in result.stdout or '"salutation"' in result.stdout
    assert CONTROL.findall(result.stdout.replace("\n", "")) == []


# --- --version and --help --------------------------------------------------------------------


def test_version_prints_the_package_version():
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"lgo-audit {__version__}\n")


def test_help_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "parse", "rules", "explain"):
        assert f"\n  {command} " in result.stdout


def test_parse_help_describes_its_argument_and_formats():
    result = parse("--help")
    assert result.exit_code == 0
    assert "--format" in result.stdout and "json" in result.stdout and "text" in result.stdout


# --- bad input: one line on stderr naming the file and the problem, exit 2 ------------------


def make_empty(tmp_path: Path) -> Path:
    return write(tmp_path, "", "empty.txt")


def make_damaged_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "scan.txt"
    path.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary\x00")
    return path


def make_binary(tmp_path: Path) -> Path:
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01binary\x00")  # an image
    return path


def make_undecodable(tmp_path: Path) -> Path:
    path = tmp_path / "mojibake.txt"
    path.write_bytes(b"Dear Ms Smith \x81\x8d\x8f\x90\x9d\n")
    return path


def make_utf32(tmp_path: Path) -> Path:
    path = tmp_path / "utf32.txt"
    path.write_bytes(STOCKPORT.read_text(encoding="utf-8").encode("utf-32"))
    return path


def make_directory(tmp_path: Path) -> Path:
    path = tmp_path / "letters.txt"
    path.mkdir()
    return path


def make_fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


def make_missing(tmp_path: Path) -> Path:
    return tmp_path / "no-such-letter.txt"


def make_not_a_letter(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        "Minutes of the meeting held on 3 June 2020\n\nNothing to report.\n",
        "minutes.txt",
    )


BAD_INPUTS = {
    "empty": (make_empty, "empty"),
    "binary": (make_binary, "binary"),
    "pdf-named-txt": (make_damaged_pdf, "damaged or truncated PDF"),  # read by its content
    "undecodable": (make_undecodable, "cannot be decoded"),
    "utf-32": (make_utf32, "UTF-32"),
    "directory": (make_directory, "directory"),
    "fifo": (make_fifo, "not a regular file"),
    "missing": (make_missing, "no such file or directory"),
    "not-a-letter": (make_not_a_letter, "not an Annual Review letter"),
}


def assert_one_line_error(result: Any, path: Path, problem: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert problem in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("make", "problem"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_one_line_naming_the_file_and_the_problem_with_exit_2(tmp_path, make, problem):
    path = make(tmp_path)
    assert_one_line_error(parse(path), path, problem)


def test_file_larger_than_max_file_size_is_refused_before_reading():
    result = parse("--max-file-size", "100", STOCKPORT)
    assert_one_line_error(result, STOCKPORT, "larger than")


def test_a_file_exactly_at_max_file_size_is_accepted_and_one_byte_more_is_not():
    size = STOCKPORT.stat().st_size
    assert parse("--max-file-size", str(size), STOCKPORT).exit_code == 0
    assert_one_line_error(parse("--max-file-size", str(size - 1), STOCKPORT), STOCKPORT, "larger")


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_a_limit_that_is_not_positive_is_a_usage_error_naming_the_option(limit):
    result = parse("--max-file-size", limit, STOCKPORT)
    assert result.exit_code == 2
    assert "--max-file-size" in result.stderr


def test_unreadable_file_is_one_line_with_exit_2(tmp_path, monkeypatch):
    path = write(tmp_path, STOCKPORT.read_text(encoding="utf-8"))
    real_open = builtins.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    monkeypatch.setattr(io, "open", refusing_open)
    assert_one_line_error(parse(path), path, "permission denied")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_file_without_read_permission_is_one_line_with_exit_2(tmp_path):
    path = write(tmp_path, STOCKPORT.read_text(encoding="utf-8"))
    path.chmod(0)
    assert_one_line_error(parse(path), path, "permission denied")


def test_the_installed_command_reports_bad_input_without_a_traceback(tmp_path):
    command = shutil.which("lgo-audit")
    assert command is not None, "lgo-audit is not on PATH"
    path = make_binary(tmp_path)
    done = subprocess.run([command, "parse", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and str(path) in done.stderr
    assert "Traceback" not in done.stderr
