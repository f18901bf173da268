"""Output is safe and readable everywhere: any output encoding, any file name, any width.

- A legacy output encoding (``PYTHONIOENCODING=cp1252`` or ``latin-1``, a redirected Windows
  console) never stops the run: the installed command is run with it, in every format.
- A file name with a line break, a tab or an escape cannot split a finding over two lines or
  inject a GitHub workflow command, in any format; JSON and SARIF carry the real name.
- SARIF gives a file outside the source root an absolute URI and no ``uriBaseId`` (§3.4.4).
- The carets of the ``full`` format sit under the span after wide and combining characters.
- ``--statistics`` honours ``json`` (an array, as ruff), prints the table for the text formats
  and is a usage error with the others.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import jsonschema
import pytest
from typer.testing import CliRunner

from lgo_audit.cli import app
from lgo_audit.report.machine import escape_property
from tests.paths import SARIF_SCHEMA, STEVENAGE, STOCKPORT

FORMATS = ["full", "concise", "json", "json-lines", "sarif", "github", "junit", "html"]
TEXT_FORMATS = ["full", "concise", "github", "junit"]
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def check(*args: str | Path) -> Any:
    return CliRunner().invoke(app, ["check", "--isolated", *map(str, args)])


# --- a legacy output encoding ----------------------------------------------------------------

# Outside cp1252 and latin-1: "ő" (Hungarian), an emoji and CJK; "é" is inside both.
NAME = "Stővenage Café 😀 東京 Borough Council"


def unicode_letter(folder: Path) -> Path:
    """The Stevenage letter to a council whose name no legacy encoding holds: LGO304 quotes the
    name (a warning), LGO102 is still there (an error, exit status 1)."""
    path = folder / "unicode.txt"
    text = STEVENAGE.read_text(encoding="utf-8").replace("Stevenage Borough Council", NAME)
    path.write_text(text, encoding="utf-8")
    return path


def installed(*args: str | Path, encoding: str, cwd: Path | None = None):
    """Run the installed ``lgo-audit`` with ``PYTHONIOENCODING=encoding``: bytes out."""
    command = shutil.which("lgo-audit")
    assert command is not None, "lgo-audit is not on PATH"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIO", "LC_"))}
    environment.update(PYTHONIOENCODING=encoding, LANG="C.UTF-8", NO_COLOR="1")
    return subprocess.run(
        [command, *map(str, args)],
        capture_output=True,
        env=environment,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def findings_shown(fmt: str, output: str) -> set[str]:
    """The rule codes a report in ``fmt`` shows (parsed, for the machine formats)."""
    if fmt == "json":
        return {f["code"] for f in json.loads(output)}
    if fmt == "json-lines":
        return {json.loads(line)["code"] for line in output.splitlines()}
    if fmt == "sarif":
        return {r["ruleId"] for r in json.loads(output)["runs"][0]["results"]}
    if fmt == "junit":
        root = ET.fromstring(output)
        return {case.get("name", "").split()[0] for case in root.iter("testcase")}
    return set(re.findall(r"LGO\d{3}", output))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_legacy_output_encoding_never_stops_the_run(tmp_path, fmt):
    letter = unicode_letter(tmp_path)
    baseline = installed("check", "--isolated", "--output-format", fmt, letter, encoding="utf-8")
    assert baseline.returncode == 1, baseline.stderr
    assert {"LGO102", "LGO304"} <= findings_shown(fmt, baseline.stdout.decode("utf-8"))

    for encoding in ("cp1252", "latin-1"):
        run = installed("check", "--isolated", "--output-format", fmt, letter, encoding=encoding)
        assert b"internal error" not in run.stderr, (encoding, run.stderr)
        assert run.returncode == baseline.returncode, (encoding, run.stderr)
        output = run.stdout.decode("utf-8" if fmt == "html" else encoding)  # (html: UTF-8 always)
        assert findings_shown(fmt, output) == findings_shown(fmt, baseline.stdout.decode("utf-8"))


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_what_a_legacy_encoding_cannot_hold_is_shown_as_an_escape(tmp_path, encoding):
    run = installed(
        "check",
        "--isolated",
        "--output-format",
        "concise",
        unicode_letter(tmp_path),
        encoding=encoding,
    )
    output = run.stdout.decode(encoding)
    assert '"St\\u0151venage Café \\U0001f600 \\u6771\\u4eac Borough Council"' in output
    assert "Found 1 error, 1 warning in 1 letter" in output


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_a_diff_to_standard_output_is_utf8_whatever_its_encoding_so_that_it_applies(
    tmp_path, encoding
):
    """(Its "\\u0151" escapes were no letter's text: patch found no hunk to apply.)"""
    if shutil.which("patch") is None:
        pytest.skip("no patch command")
    base = Path(__file__).resolve().parents[1] / "rules" / "base" / "2024.txt"
    text = base.read_text(encoding="utf-8").replace("Stockport", "St\u0151ckport")
    letter = tmp_path / "letter.txt"
    letter.write_text(text.replace("this is 3.4 upheld", "this is 3.4% upheld"), encoding="utf-8")

    diff = installed("check", "--isolated", "--diff", letter, encoding=encoding)
    assert diff.returncode == 1 and "St\u0151ckport".encode() in diff.stdout, diff.stderr
    subprocess.run(["patch", "-s", str(letter)], input=diff.stdout, check=True)

    assert letter.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("to_file", [False, True], ids=["standard output", "--output-file"])
def test_the_diff_of_a_windows_1252_letter_is_in_its_encoding_so_that_it_applies(tmp_path, to_file):
    """(In UTF-8, its context line "Café - £ note." was no line of the file: patch applied
    the hunk with fuzz, or not at all.)"""
    if shutil.which("patch") is None:
        pytest.skip("no patch command")
    base = Path(__file__).resolve().parents[1] / "rules" / "base" / "2020.txt"
    text = base.read_text(encoding="utf-8")
    rate = text.index("59% of complaints")
    wrong = text[:rate] + "Café \u2013 £ note.\n\n60" + text[rate + 2 :]
    letter = tmp_path / "letter.txt"
    letter.write_bytes(wrong.replace("\n", "\r\n").encode("cp1252"))
    fixed = (text[:rate] + "Café \u2013 £ note.\n\n" + text[rate:]).replace("\n", "\r\n")

    args: list[Any] = ["check", "--isolated", "--diff", "--unsafe-fixes", letter]
    if to_file:
        run = installed(*args, "-o", tmp_path / "fix.diff", encoding="utf-8")
        diff = (tmp_path / "fix.diff").read_bytes()
    else:
        run = installed(*args, encoding="utf-8")
        diff = run.stdout
    assert run.returncode == 1, run.stderr
    assert "Café \u2013 £ note.".encode("cp1252") in diff
    subprocess.run(["patch", "-s", "-F0", str(letter)], input=diff, check=True)

    assert letter.read_bytes() == fixed.encode("cp1252")


def test_an_html_report_to_standard_output_is_the_utf8_it_declares(tmp_path):
    run = installed(
        "check",
        "--isolated",
        "--output-format",
        "html",
        unicode_letter(tmp_path),
        encoding="cp1252",
    )
    assert 'charset="utf-8"' in run.stdout.decode("utf-8")
    assert NAME in run.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "command", [("check", "--output-format", "concise"), ("parse", "--format", "text")]
)
def test_an_ascii_output_encoding_gets_escapes_not_utf8(tmp_path, command):
    """(click writes UTF-8 to a stream whose encoding is ASCII, taking it for a misconfigured
    locale: the report was UTF-8 bytes under PYTHONIOENCODING=ascii.)"""
    run = installed(*command, "--isolated", unicode_letter(tmp_path), encoding="ascii")

    assert run.returncode in (0, 1), run.stderr
    assert run.stdout.isascii()
    assert "St\\u0151venage Caf\\xe9 \\U0001f600" in run.stdout.decode("ascii")


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif", "junit"])
def test_machine_formats_keep_the_exact_name_in_a_legacy_encoding(tmp_path, fmt):
    """JSON and SARIF are ASCII (JSON escapes), JUnit XML too (character references): the same
    document in any encoding, so a parser gets the council's name back exactly."""
    run = installed(
        "check", "--isolated", "--output-format", fmt, unicode_letter(tmp_path), encoding="cp1252"
    )
    assert run.stdout.isascii()
    output = run.stdout.decode("ascii")
    if fmt == "junit":
        messages = [f.get("message") for f in ET.fromstring(output).iter("failure")]
    elif fmt == "sarif":
        messages = [r["message"]["text"] for r in json.loads(output)["runs"][0]["results"]]
    elif fmt == "json":
        messages = [f["message"] for f in json.loads(output)]
    else:
        messages = [json.loads(line)["message"] for line in output.splitlines()]
    assert any(f'"{NAME}"' in message for message in messages)


def test_json_evidence_keeps_the_exact_name_in_a_legacy_encoding(tmp_path):
    letter = unicode_letter(tmp_path)
    run = installed(
        "check", "--isolated", "--output-format", "json", "--evidence", letter, encoding="cp1252"
    )
    assert run.returncode == 1, run.stderr
    document = json.loads(run.stdout.decode("cp1252"))
    assert any(f'"{NAME}"' in f["message"] for f in document["findings"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_output_file_is_utf8_whatever_the_output_encoding(tmp_path, fmt):
    target = tmp_path / "report.out"
    run = installed(
        "check",
        "--isolated",
        "--output-format",
        fmt,
        "-o",
        target,
        unicode_letter(tmp_path),
        encoding="cp1252",
    )
    assert run.returncode == 1, run.stderr
    assert run.stdout == b""
    written = target.read_bytes().decode("utf-8")  # raises if it is not UTF-8
    assert {"LGO102", "LGO304"} <= findings_shown(fmt, written)
    if fmt in ("full", "concise", "github", "html"):
        assert NAME in written  # the real characters, not escapes


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_an_error_naming_a_file_outside_the_encoding_is_one_line_with_status_2(tmp_path, encoding):
    missing = tmp_path / "Stővenage 😀 東京.txt"
    run = installed("check", "--isolated", missing, encoding=encoding)
    assert run.returncode == 2
    lines = run.stderr.decode(encoding).splitlines()
    assert len(lines) == 1 and "internal error" not in lines[0]
    assert "St\\u0151venage \\U0001f600 \\u6771\\u4eac.txt" in lines[0]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_statistics_and_diff_survive_a_legacy_encoding(tmp_path, encoding):
    letter = unicode_letter(tmp_path)
    statistics = installed("check", "--isolated", "--statistics", letter, encoding=encoding)
    assert statistics.returncode == 1 and b"LGO304" in statistics.stdout
    diff = installed("check", "--isolated", "--diff", letter, encoding=encoding)
    assert diff.returncode == 1 and b"+1 upheld decision" in diff.stdout, diff.stderr


# --- file names with control characters ------------------------------------------------------

HOSTILE = "a\n::warning file=x::pwned\t\x1b[31mred.txt"  # sorts first: the one LGO502 quotes
HOSTILE_LATE = "z\n::error file=y::pwned\r\x07.txt"  # sorts last: a duplicate itself


def hostile_batch(folder: Path) -> dict[str, Path]:
    """Three copies of the Stockport letter (one authority, one year: LGO502 for the second
    and third, quoting the first), two of them with hostile names; each has its own LGO403
    findings, so the hostile names are also findings' paths."""
    text = STOCKPORT.read_text(encoding="utf-8")
    letters = {name: folder / name for name in (HOSTILE, "b.txt", HOSTILE_LATE)}
    for path in letters.values():
        path.write_text(text, encoding="utf-8")
    return letters


def escaped(name: str) -> str:
    return (
        name.replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\x1b", "\\x1b")
        .replace("\x07", "\\x07")
    )


GITHUB_COMMAND = re.compile(
    r"^::(error|warning|notice) file=[^,:]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
    r"title=LGO\d{3} [a-z-]+::LGO\d{3} "
)


@pytest.fixture
def batch(tmp_path):
    letters = hostile_batch(tmp_path)
    findings = json.loads(check("--output-format", "json", tmp_path).stdout)
    assert sum(f["code"] == "LGO502" for f in findings) == 2
    return tmp_path, letters, findings


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_file_name_starts_an_output_line_of_its_own(batch, fmt):
    folder, _, findings = batch
    output = check("--output-format", fmt, folder).stdout
    starting = [line for line in output.splitlines() if line.startswith("::")]
    if fmt == "github":
        assert len(starting) == len(findings)
        assert all(GITHUB_COMMAND.match(line) for line in starting), starting
    else:
        assert starting == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "--isolated", "--skip-non-letters", "NOTE"], "not an Annual Review letter (no"),
        (["check", "--isolated", "--fix", "NOTE"], "not an Annual Review letter; not fixed"),
        (["extract", "--isolated", "NOTE"], "not an Annual Review letter: "),
        (["parse", "--isolated", "NOTE"], "not an Annual Review letter"),
        (["check", "--config", "MISSING", str(STOCKPORT)], "configuration file not found"),
        (["check", "--isolated", str(STOCKPORT), "-o", "MISSING/r.txt"], "cannot write"),
    ],
    ids=["skipped", "not-fixed", "left-out", "parse", "config", "output-file"],
)
def test_a_hostile_name_in_a_message_on_standard_error_stays_on_its_line(tmp_path, args, said):
    """Every message that names a file (not only a report's) shows its control characters
    escaped: one message, one line. (NOTE: a file that is no letter; MISSING: no file.)"""
    note, missing = tmp_path / HOSTILE, tmp_path / HOSTILE_LATE
    note.write_text("Minutes of the meeting\n", encoding="utf-8")
    named = {"NOTE": str(note), "MISSING": str(missing), "MISSING/r.txt": str(missing / "r.txt")}
    result = CliRunner().invoke(app, [named.get(arg, arg) for arg in args])
    [line] = [line for line in result.stderr.splitlines() if said in line]
    assert escaped(str(note)) in line or escaped(str(missing)) in line
    assert RAW_CONTROL.findall(result.stderr) == []


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, fmt):
    """A name with bytes that are not UTF-8 (Python holds them as lone surrogates, which no
    UTF-8 output can carry) is reported, not an internal error: escaped (``\\xff``) in text,
    percent-encoded in a SARIF URI; every document stays well-formed."""
    folder = tmp_path / "letters"
    folder.mkdir()
    try:
        odd = Path(os.fsdecode(os.fsencode(folder) + b"/d\xff\xfe.txt"))
        shutil.copy(STEVENAGE, odd)
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    shutil.copy(STOCKPORT, folder / "b.txt")
    report = tmp_path / "report.out"
    result = check("--output-format", fmt, str(folder), "-o", str(report))
    assert result.exit_code == 1, result.stderr  # the findings, not an internal error
    text = report.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "sarif":
        uris = {
            location["physicalLocation"]["artifactLocation"]["uri"]
            for result in json.loads(text)["runs"][0]["results"]
            for location in result["locations"]
        }
        assert "d%FF%FE.txt" in " ".join(uris)
    if fmt == "junit":
        ET.fromstring(text)
    if fmt in TEXT_FORMATS:
        assert "d\\xff\\xfe.txt" in text


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_text_formats_show_control_characters_in_names_escaped(batch, fmt):
    folder, _, _ = batch
    output = check("--output-format", fmt, folder).stdout
    assert RAW_CONTROL.findall(output) == [] and "\t" not in output and "\r" not in output
    assert escaped(HOSTILE) in output  # quoted by LGO502 (and the path of its own findings)
    if fmt != "github":  # there, only in file properties (below)
        assert escaped(HOSTILE_LATE) in output


def test_concise_is_still_one_line_per_finding_with_hostile_names(batch):
    folder, _, findings = batch
    lines = check("--output-format", "concise", folder).stdout.strip().split("\n")
    assert len(lines) == len(findings) + 2  # a blank line and the summary
    quoting = [line for line in lines if "LGO502" in line]
    assert len(quoting) == 2
    # (a letter is named by its file name, the only one of that name: shown escaped)
    assert all(line.endswith(f"(the first is {escaped(HOSTILE)})") for line in quoting)


def test_full_format_headers_and_related_lines_stay_on_one_line(batch):
    folder, _, findings = batch
    output = check("--output-format", "full", folder).stdout
    headers = [line for line in output.split("\n") if re.match(r"^\S.*:\d+:\d+: LGO\d{3} ", line)]
    assert len(headers) == len(findings)
    assert f"{folder}/{escaped(HOSTILE)}:33:53: LGO403 [warning] " in output


def test_github_annotations_point_at_the_real_file(batch):
    """Line breaks in a file property are GitHub's own %0A (decoded back to the real name); the
    other control characters are shown escaped, never raw."""
    folder, _, _ = batch
    output = check("--output-format", "github", folder).stdout
    files = {line.split("file=", 1)[1].split(",line=", 1)[0] for line in output.splitlines()}
    shown = f"{folder}/a\n::warning file=x::pwned\\t\\x1b[31mred.txt"
    assert escape_property(shown) in files
    assert escape_property(f"{folder}/b.txt") in files
    late = [line for line in output.splitlines() if "LGO502" in line and "/z%0A" in line]
    assert len(late) == 1 and "%0D" in late[0] and "\\x07" in late[0]


def test_json_carries_the_real_names(batch):
    _, letters, findings = batch
    paths = {f["path"] for f in findings}
    assert paths == {str(p) for p in letters.values()}
    quoting = [f["message"] for f in findings if f["code"] == "LGO502"]
    assert sorted(quoting) == [
        f"{copy} 2020 letter to Stockport Metropolitan Borough Council (the first is {HOSTILE})"
        for copy in ("a second", "a third")
    ]


def test_json_lines_carries_the_real_names(batch):
    folder, _, findings = batch
    output = check("--output-format", "json-lines", folder).stdout
    assert [json.loads(line) for line in output.splitlines()] == findings


def test_json_evidence_carries_the_real_names(batch):
    folder, letters, findings = batch
    document = json.loads(check("--output-format", "json", "--evidence", folder).stdout)
    assert document["findings"] == findings
    assert {e["path"] for e in document["evidence"]} == {str(p) for p in letters.values()}


def artifact_locations(node: Any) -> list[dict[str, str]]:
    """Every ``artifactLocation`` object anywhere in a SARIF document."""
    found: list[dict[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "artifactLocation":
                found.append(value)
            found.extend(artifact_locations(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(artifact_locations(item))
    return found


def sarif_path(location: dict[str, str], run: dict[str, Any]) -> str:
    """The local path an ``artifactLocation`` names, resolved through ``originalUriBaseIds``."""
    uri = location["uri"]
    if "uriBaseId" in location:
        uri = run["originalUriBaseIds"][location["uriBaseId"]]["uri"] + uri
    parsed = urlparse(uri)
    assert parsed.scheme == "file"
    return url2pathname(parsed.path)


def test_sarif_carries_the_real_names(batch):
    folder, letters, _ = batch
    document = json.loads(check("--output-format", "sarif", folder).stdout)
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]
    named = {sarif_path(loc, run) for loc in artifact_locations(run["results"])}
    assert named == {str(p.resolve()) for p in letters.values()}
    messages = [r["message"]["text"] for r in run["results"] if r["ruleId"] == "LGO502"]
    assert len(messages) == 2
    assert all(m.endswith(f"(the first is {HOSTILE})") for m in messages)


def test_junit_shows_hostile_names_escaped_and_stays_well_formed(batch):
    folder, _, findings = batch
    root = ET.fromstring(check("--output-format", "junit", folder).stdout)
    failures = list(root.iter("failure"))
    assert len(failures) == len(findings)
    for failure in failures:
        assert RAW_CONTROL.findall(failure.get("message", "") + (failure.text or "")) == []
        assert "\n" not in (failure.text or "") and "\t" not in (failure.text or "")
    names = {suite.get("name") for suite in root.iter("testsuite")}
    assert f"{folder}/{escaped(HOSTILE)}" in names


# --- SARIF: absolute URIs carry no uriBaseId -------------------------------------------------


def test_sarif_file_outside_the_root_has_an_absolute_uri_and_no_uri_base_id(tmp_path, monkeypatch):
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "letters").mkdir()
    inside = repository / "letters" / "stevenage.txt"
    outside = tmp_path / "elsewhere" / "stevenage copy.txt"
    outside.parent.mkdir()
    unreadable = tmp_path / "elsewhere" / "empty.txt"
    for path in (inside, outside):
        path.write_text(STEVENAGE.read_text(encoding="utf-8"), encoding="utf-8")
    unreadable.write_text("", encoding="utf-8")
    monkeypatch.chdir(repository / "letters")

    result = check("--output-format", "sarif", "stevenage.txt", outside, unreadable)
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]

    locations = artifact_locations(run)
    assert locations  # results, related locations, fixes and the notification
    for location in locations:
        if "uriBaseId" in location:  # §3.4.4: only with a relative reference
            assert urlparse(location["uri"]).scheme == ""
            assert not location["uri"].startswith("/")
        else:
            assert location["uri"].startswith("file:///")
    by_file: dict[str, set[str]] = {}
    for location in locations:
        by_file.setdefault(sarif_path(location, run), set()).add(location["uri"])
    assert by_file == {
        str(inside.resolve()): {"letters/stevenage.txt"},
        str(outside.resolve()): {outside.resolve().as_uri()},
        str(unreadable.resolve()): {unreadable.resolve().as_uri()},
    }
    fix = next(r for r in run["results"] if "fixes" in r and "elsewhere" in str(r))
    change = fix["fixes"][0]["artifactChanges"][0]["artifactLocation"]
    assert change == {"uri": outside.resolve().as_uri()}
    assert "%20" in change["uri"] and unquote(change["uri"]).endswith("stevenage copy.txt")


def test_sarif_relative_uris_keep_their_base_id(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    letter = tmp_path / "odd, name: x.txt"
    letter.write_text(STEVENAGE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = json.loads(check("--output-format", "sarif", letter.name).stdout)["runs"][0]
    for location in artifact_locations(run["results"]):
        assert location == {"uri": "odd%2C%20name%3A%20x.txt", "uriBaseId": "%SRCROOT%"}


def places(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with a letter in ``sub/`` and one outside, reached by names of every kind:
    a link to a file inside and to one outside, a linked folder, a loop, a dangling link."""
    repository, outside = tmp_path / "repo", tmp_path / "outside"
    (repository / "sub").mkdir(parents=True)
    outside.mkdir()
    (repository / "sub" / "a.txt").write_text("x", encoding="utf-8")
    (outside / "b.txt").write_text("x", encoding="utf-8")
    (repository / "in.txt").symlink_to(repository / "sub" / "a.txt")
    (repository / "out.txt").symlink_to(outside / "b.txt")
    (repository / "linked").symlink_to(repository / "sub")
    (repository / "loop1").symlink_to(repository / "loop2")
    (repository / "loop2").symlink_to(repository / "loop1")
    (repository / "dangling").symlink_to(tmp_path / "nowhere")
    return repository.resolve(), outside.resolve()


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("a.txt", "sub/a.txt"),
        ("../in.txt", "sub/a.txt"),  # a link: its target
        ("../linked/a.txt", "sub/a.txt"),  # through a linked folder
        ("../sub/../sub/a.txt", "sub/a.txt"),
        ("../sub//./a.txt", "sub/a.txt"),
        ("../loop1", "loop1"),  # a loop: as it is named
        ("../missing/x.txt", "missing/x.txt"),
        ("odd, name: x.txt", "sub/odd%2C%20name%3A%20x.txt"),
        ("..", "."),
    ],
)
def test_sarif_names_a_file_inside_the_root_by_its_real_place(tmp_path, monkeypatch, name, uri):
    from lgo_audit.report.sarif import _artifact

    repository, _ = places(tmp_path)
    monkeypatch.chdir(repository / "sub")
    assert _artifact(name, repository) == {"uri": uri, "uriBaseId": "%SRCROOT%"}


@pytest.mark.parametrize("name", ["../out.txt", "../dangling", "OUTSIDE/b.txt"])
def test_sarif_names_a_file_whose_real_place_is_outside_the_root_absolutely(
    tmp_path, monkeypatch, name
):
    from lgo_audit.report.sarif import _artifact

    repository, outside = places(tmp_path)
    monkeypatch.chdir(repository / "sub")
    found = _artifact(name.replace("OUTSIDE", str(outside)), repository)
    target = tmp_path / "nowhere" if name == "../dangling" else outside / "b.txt"
    assert found == {"uri": target.resolve().as_uri()}


def test_a_reports_artifact_locations_are_those_of_each_name_alone(tmp_path, monkeypatch):
    """A report works out each folder's real place once for all the files in it: every name
    of every kind, asked in any order and again, gets the location it gets alone."""
    from lgo_audit.report.sarif import Artifacts, _artifact

    repository, outside = places(tmp_path)
    monkeypatch.chdir(repository / "sub")
    (repository / "sub" / "c.txt").symlink_to(outside / "b.txt")  # a link beside a file
    names = [
        "a.txt", "../in.txt", "../linked/a.txt", "../sub/../sub/a.txt", "../sub//./a.txt",
        "../loop1", "../loop1/x.txt", "../missing/x.txt", "..", ".", "../out.txt",
        "../dangling", f"{outside}/b.txt", "c.txt", "../linked/c.txt", "a.txt/", "x/../a.txt",
    ]  # fmt: skip
    alone = {name: _artifact(name, repository) for name in names}
    report = Artifacts(repository)
    for name in [*names, *reversed(names), *names]:
        assert report(name) == alone[name], name


def test_sarif_root_at_the_top_of_the_file_system_still_gives_relative_names(tmp_path):
    from lgo_audit.report.sarif import _artifact

    letter = tmp_path / "a.txt"
    letter.write_text("x", encoding="utf-8")
    found = _artifact(str(letter), Path("/"))
    assert found == {"uri": str(letter.resolve()).lstrip("/"), "uriBaseId": "%SRCROOT%"}


# --- carets under wide and combining characters ----------------------------------------------

LINK_LINE = "This data will be uploaded to our interactive map, [Your council's performance](#)"


def caret_block(tmp_path: Path, line: str) -> tuple[dict[str, Any], list[str]]:
    """Line 33 of the Stockport letter begins with ``line``; its first LGO403 finding (JSON)
    and the rows of its ``full`` block."""
    letter = tmp_path / "wide.txt"
    letter.write_text(STOCKPORT.read_text(encoding="utf-8").replace(LINK_LINE, line), "utf-8")
    [finding, *_] = json.loads(
        check("--select", "LGO403", "--output-format", "json", letter).stdout
    )
    output = check("--select", "LGO403", letter).stdout
    block = output.split("\n\n")[0].split("\n")
    return finding, block


def test_carets_sit_under_the_span_after_cjk_emoji_and_a_combining_accent(tmp_path):
    prefix = "東京 😀 cafe\u0301 "  # 11 code points, 13 terminal cells (2+2+1+2+1+4+0+1)
    finding, block = caret_block(tmp_path, prefix + "[Your council's performance](#)")

    assert (finding["line"], finding["column"]) == (33, len(prefix) + 2)  # code points
    assert finding["end_column"] - finding["column"] == len("Your council's performance")
    assert block[2].startswith("33 | " + prefix + "[Your council's performance](#)")
    assert block[3] == "   | " + " " * (13 + 1) + "^" * 26


def test_carets_are_as_wide_as_a_span_of_wide_characters(tmp_path):
    prefix = "Voir "
    finding, block = caret_block(tmp_path, prefix + "[東京 performance 😀](#)")
    assert finding["end_column"] - finding["column"] == len("東京 performance 😀")
    assert block[3] == "   | " + " " * (len(prefix) + 1) + "^" * (4 + 1 + 11 + 1 + 2)


def test_carets_count_an_escaped_control_character_as_shown(tmp_path):
    prefix = "\x1b\x07 "  # shown as \x1b\x07 : nine cells
    _, block = caret_block(tmp_path, prefix + "[Your council's performance](#)")
    assert block[2].startswith("33 | \\x1b\\x07 [Your council")
    assert block[3] == "   | " + " " * (9 + 1) + "^" * 26


def test_carets_of_ascii_lines_are_unchanged(tmp_path):
    _, block = caret_block(tmp_path, "Plain text, [Your council's performance](#)")
    assert block[3] == "   | " + " " * len("Plain text, [") + "^" * 26


# --- --statistics in each format -------------------------------------------------------------


def test_statistics_json_is_an_array_of_counts_per_rule():
    result = check("--statistics", "--output-format", "json", STOCKPORT, STEVENAGE)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "code": "LGO403",
            "name": "placeholder-link",
            "severity": "warning",
            "count": 3,
            "fixable": False,
            "fixable_count": 0,
        },
        {
            "code": "LGO102",
            "name": "upheld-count-missing",
            "severity": "error",
            "count": 1,
            "fixable": True,
            "fixable_count": 1,
        },
    ]


def test_statistics_json_counts_what_the_json_findings_hold(batch):
    folder, _, findings = batch
    counts = json.loads(check("--statistics", "--output-format", "json", folder).stdout)
    assert {c["code"]: c["count"] for c in counts} == {
        code: sum(f["code"] == code for f in findings) for code in {f["code"] for f in findings}
    }
    assert [c["count"] for c in counts] == sorted((c["count"] for c in counts), reverse=True)


def test_statistics_json_of_a_clean_run_is_an_empty_array():
    result = check("--statistics", "--output-format", "json", "--select", "LGO101", STOCKPORT)
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_statistics_json_goes_to_the_output_file(tmp_path):
    target = tmp_path / "stats.json"
    result = check("--statistics", "--output-format", "json", "-o", target, STEVENAGE)
    assert (result.exit_code, result.stdout) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))[0]["code"] == "LGO102"


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_statistics_for_people_is_the_table(fmt):
    result = check("--statistics", "--output-format", fmt, STOCKPORT, STEVENAGE)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "3\tLGO403\tplaceholder-link\t[warning]",
        "1\tLGO102\tupheld-count-missing\t[error]\t[*]",
    ]


@pytest.mark.parametrize("fmt", ["json-lines", "sarif", "github", "junit", "html"])
def test_statistics_with_another_machine_format_is_a_usage_error(fmt):
    result = check("--statistics", "--output-format", fmt, STEVENAGE)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"lgo-audit: --statistics goes with --output-format full, concise or json, not {fmt}"
    ]


# --- an output file is complete or as it was -----------------------------------------------


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError], ids=["ctrl-c", "failure"])
def test_a_report_stopped_on_the_way_leaves_the_previous_report_whole(
    tmp_path, monkeypatch, capsys, stop
):
    """(Found by stopping a batch while its report was written: the old report was gone and
    the new one cut off.)"""
    from lgo_audit import cli, report

    previous = tmp_path / "report.txt"
    previous.write_text("the previous report, complete\n", encoding="utf-8")

    def half_then_stop(fmt: Any, made: Any, write: Any) -> None:
        write("x" * 200_000)  # more than one piece: some of it reaches the file
        raise stop()

    monkeypatch.setattr(report, "write", half_then_stop)
    monkeypatch.setattr(
        "sys.argv", ["lgo-audit", "check", "--isolated", str(STOCKPORT), "-o", str(previous)]
    )
    with pytest.raises(SystemExit):
        cli.main()
    capsys.readouterr()
    assert previous.read_text(encoding="utf-8") == "the previous report, complete\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # nothing beside it


def test_a_complete_report_replaces_the_previous_one(tmp_path):
    previous = tmp_path / "report.txt"
    previous.write_text("the previous report\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--isolated", str(STOCKPORT), "-o", str(previous)])
    assert result.exit_code == 0 and result.stdout == ""
    assert previous.read_text(encoding="utf-8").endswith(
        "Found 3 warnings in 1 letter (0 clean).\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]
