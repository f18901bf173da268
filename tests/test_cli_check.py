"""`lgo-audit check`: what people and tools read, exit statuses, rule selection, batches.

Formats: ``full`` (``path:line:col: CODE [severity] message``, the source line, carets under
the span, a summary line), ``concise`` (one line per finding), ``json`` (an array of findings).
Exit status: 0 no error, 1 an error-severity finding, 2 a usage or input error.
"""

from __future__ import annotations

import json
import os
import pty
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lgo_audit.check import PARALLEL_THRESHOLD
from lgo_audit.cli import app
from tests.paths import STEVENAGE, STOCKPORT

ROOT = Path(__file__).resolve().parents[1]

HEADER = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): "
    r"(?P<code>LGO\d{3}) \[(?P<severity>error|warning|info)\] (?P<message>.+)$"
)
ANSI_OR_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
JSON_FIELDS = {
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "name",
    "severity",
    "message",
    "related",
    "fix",
}


def run(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, [*map(str, args)], env=env)


def check(*args: str | Path) -> Any:
    return run("check", "--isolated", *args)


def check_json(*args: str | Path) -> list[dict[str, Any]]:
    result = check("--output-format", "json", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def codes(findings: list[dict[str, Any]]) -> list[str]:
    return [f["code"] for f in findings]


def blocks(full_output: str) -> list[list[str]]:
    """The finding blocks of ``full`` output (the summary is the last paragraph)."""
    paragraphs = [p.splitlines() for p in full_output.strip("\n").split("\n\n")]
    return [p for p in paragraphs if HEADER.match(p[0])]


def underlined(block: list[str]) -> tuple[int, str]:
    """The line number shown in a block and the shown text its first row of carets is under."""
    source = next(i for i, row in enumerate(block) if re.match(r"^\s*\d+ \|", row))
    number, _, text = block[source].partition(" |")
    carets = block[source + 1].partition(" |")[2]
    start = carets.index("^")
    end = len(carets.rstrip())
    return int(number), text[start:end]


# --- full output -----------------------------------------------------------------------------


def test_full_output_starts_each_finding_with_path_line_column_code_severity_and_message():
    result = check(STEVENAGE)
    [block] = [b for b in blocks(result.stdout) if "LGO102" in b[0]]
    assert block[0] == (
        f"{STEVENAGE}:61:1: LGO102 [error] the number of upheld decisions is missing: 100% of 1 "
        'investigation gives "1 upheld decision"'
    )


def test_full_output_shows_the_source_line_with_carets_under_the_span():
    [block] = [b for b in blocks(check(STEVENAGE).stdout) if "LGO102" in b[0]]
    assert underlined(block) == (61, "upheld decision")


def test_carets_stay_under_the_span_on_a_long_line():
    # LGO403 at 33:53 underlines the link text "Your council's performance" on a 275-character line
    [block, *_] = [b for b in blocks(check(STOCKPORT).stdout) if "LGO403" in b[0]]
    assert block[0].startswith(f"{STOCKPORT}:33:53: LGO403 [warning] ")
    assert underlined(block) == (33, "Your council's performance")


def test_full_output_shows_related_places_and_the_fix():
    [block] = [b for b in blocks(check(STEVENAGE).stdout) if "LGO102" in b[0]]
    assert f"  = related: {STEVENAGE}:57:1 (upheld.percent)" in block
    assert any(row.startswith("  = fix (safe): ") and '"1 upheld decision"' in row for row in block)


def test_full_output_has_a_summary_line_counting_errors_warnings_and_letters():
    lines = check(STOCKPORT, STEVENAGE).stdout.strip().splitlines()
    summary = next(line for line in lines if line.startswith("Found "))
    assert "1 error" in summary and "3 warnings" in summary and "2 letters" in summary


def test_summary_of_a_clean_run_says_no_problems():
    result = check("--ignore", "LGO403", STOCKPORT)
    assert result.stdout.strip().splitlines()[-1].startswith("Found no problems in 1 letter")


@pytest.mark.parametrize("separator", ["\f", "\u2028"], ids=["form-feed", "line-separator"])
def test_the_line_shown_is_the_line_the_span_points_at_after_a_page_break(tmp_path, separator):
    path = tmp_path / "paged.txt"
    text = STEVENAGE.read_text(encoding="utf-8").replace(
        "Dear Mr Partridge\n", f"Dear Mr Partridge\n{separator}"
    )
    path.write_text(text, encoding="utf-8")
    [block] = [b for b in blocks(check(path).stdout) if "LGO102" in b[0]]
    match = HEADER.match(block[0])
    assert match is not None
    number, shown = underlined(block)
    assert number == int(match["line"])
    assert shown == "upheld decision"


@pytest.mark.parametrize(
    ("end_line", "elided"), [(3, None), (4, "... to line 4"), (9, "... to line 9")]
)
def test_a_span_over_more_lines_than_are_shown_says_where_it_ends(end_line, elided):
    """Three lines of a span are shown; the rest is one line saying where the span ends."""
    from lgo_audit.findings import FileResult, Finding, Severity
    from lgo_audit.report.text import render_full
    from lgo_audit.span import Span

    text = "".join(f"line {n}\n" for n in range(1, 11))
    finding = Finding("l.txt", "LGO303", "x", Severity.ERROR, "m", Span(1, 1, end_line, 3))
    shown = render_full([FileResult("l.txt", [finding], source_text=text)]).splitlines()
    assert [row.split("|")[1].strip() for row in shown if row[:2].strip().isdigit()] == [
        "line 1",
        "line 2",
        "line 3",
    ]
    assert [row.split("|")[1].strip() for row in shown if "..." in row] == (
        [elided] if elided else []
    )


# --- concise and json ------------------------------------------------------------------------


def test_concise_output_is_one_header_line_per_finding_then_the_summary():
    result = check("--output-format", "concise", STOCKPORT, STEVENAGE)
    lines = [line for line in result.stdout.splitlines() if line]
    findings, summary = lines[:4], lines[4]
    assert [HEADER.match(line)["code"] for line in findings if HEADER.match(line)] == (
        ["LGO403"] * 3 + ["LGO102"]
    )
    assert summary.startswith("Found ")
    assert not any("^" in line or " | " in line for line in lines)


def test_json_output_is_an_array_of_findings_with_every_field():
    findings = check_json(STOCKPORT, STEVENAGE)
    assert len(findings) == 4
    assert all(set(f) >= JSON_FIELDS for f in findings)


def test_json_finding_has_place_code_severity_message_and_related():
    [finding] = [f for f in check_json(STEVENAGE) if f["code"] == "LGO102"]
    assert {k: finding[k] for k in ("path", "line", "column", "end_line", "end_column")} == {
        "path": str(STEVENAGE),
        "line": 61,
        "column": 1,
        "end_line": 61,
        "end_column": 16,
    }
    assert (finding["name"], finding["severity"]) == ("upheld-count-missing", "error")
    assert [(r["line"], r["column"]) for r in finding["related"]] == [(57, 1)]


def test_json_finding_without_a_fix_has_fix_null():
    finding = check_json(STOCKPORT)[0]
    assert (finding["code"], finding["fix"]) == ("LGO403", None)


def test_json_output_of_a_clean_letter_is_an_empty_array():
    assert check_json("--ignore", "LGO403", STOCKPORT) == []


# --- exit statuses ---------------------------------------------------------------------------


def test_exit_status_0_when_no_finding_is_an_error():
    assert check(STOCKPORT).exit_code == 0


def test_exit_status_1_when_a_finding_is_an_error():
    assert check(STEVENAGE).exit_code == 1


def test_exit_status_2_when_a_file_cannot_be_checked(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = check(STOCKPORT, empty)
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if str(empty) in line] != []


def test_exit_status_2_when_a_path_does_not_exist(tmp_path):
    result = check(tmp_path / "nowhere.txt")
    assert result.exit_code == 2
    assert "nowhere.txt" in result.stderr


def test_a_file_that_cannot_be_checked_does_not_hide_the_findings_of_the_others(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = check("--output-format", "concise", STEVENAGE, empty)
    assert "LGO102" in result.stdout


def test_not_a_letter_is_an_lgo001_error_with_exit_status_1(tmp_path):
    note = tmp_path / "minutes.txt"
    note.write_text(
        "Minutes of the meeting held on 3 June 2020\n\nNothing to report.\n", encoding="utf-8"
    )
    result = check("--output-format", "json", note)
    assert result.exit_code == 1
    assert codes(json.loads(result.stdout)) == ["LGO001"]


# --- --select and --ignore -------------------------------------------------------------------


def test_select_by_prefix_keeps_only_rules_whose_code_starts_with_it():
    assert codes(check_json("--select", "LGO1", STOCKPORT, STEVENAGE)) == ["LGO102"]


def test_select_by_code_keeps_only_that_rule():
    assert codes(check_json("--select", "LGO403", STOCKPORT, STEVENAGE)) == ["LGO403"] * 3


def test_select_takes_a_comma_separated_list():
    assert sorted(codes(check_json("--select", "LGO102,LGO403", STOCKPORT, STEVENAGE))) == (
        ["LGO102"] + ["LGO403"] * 3
    )


def test_ignore_by_code_drops_that_rule():
    assert codes(check_json("--ignore", "LGO403", STOCKPORT, STEVENAGE)) == ["LGO102"]


def test_ignore_by_prefix_drops_every_rule_it_starts():
    assert codes(check_json("--ignore", "LGO1", STOCKPORT, STEVENAGE)) == ["LGO403"] * 3


def test_ignoring_the_only_error_makes_the_exit_status_0():
    assert check("--ignore", "LGO1", STEVENAGE).exit_code == 0


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_selector_that_matches_no_rule_is_a_usage_error(option):
    result = check(option, "LGO999", STOCKPORT)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "LGO999" in result.stderr


@pytest.mark.parametrize("option", ["--select", "--extend-select", "--ignore"])
@pytest.mark.parametrize("value", ["", " ", ",", " , "])
def test_a_selector_option_with_no_rule_in_it_is_a_usage_error(option, value):
    """``--select ""`` (a variable that expanded to nothing) does not quietly run every rule."""
    result = check(option, value, STOCKPORT)
    assert result.exit_code == 2
    assert result.stderr == f"lgo-audit: {option} '{value}' names no rule (see 'lgo-audit rules')\n"


# --- folders: parallel, deterministic --------------------------------------------------------


def make_batch(folder: Path, count: int = 20) -> list[Path]:
    """``count`` copies of the seeds, each with a small edit, written in a shuffled order."""
    stockport = STOCKPORT.read_text(encoding="utf-8")
    stevenage = STEVENAGE.read_text(encoding="utf-8")
    letters = {}
    for i in range(count):
        if i % 2:
            text = stockport.replace("59% of complaints", f"{50 + i}% of complaints")
        else:
            text = stevenage.replace("average of **45%**", f"average of **{i}%**")
            if i % 4 == 0:
                text = text.replace("upheld decision\n", "1 upheld decision\n")
        letters[folder / f"letter-{i}.txt"] = text
    order = list(letters)
    random.Random(4).shuffle(order)
    for path in order:
        path.write_text(letters[path], encoding="utf-8")
    return sorted(letters, key=str)


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux: read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes in /proc")
def test_the_workers_end_when_the_checking_process_is_killed(tmp_path):
    """A batch killed from outside (SIGKILL: nothing of it runs) leaves no worker waiting for
    work for ever: each ends on its own within a few of its checks for its parent."""
    from lgo_audit.check import PARENT_CHECK_SECONDS

    make_batch(tmp_path, count=3000)  # seconds of work: the workers are busy when it is killed
    run = subprocess.Popen(
        [sys.executable, "-c", "from lgo_audit.cli import entry; entry()", "check", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (workers := _children(run.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers, "no worker started"
    finally:
        run.kill()
        run.wait()
    deadline = time.monotonic() + 20 * PARENT_CHECK_SECONDS + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)


def test_a_worker_whose_parent_is_gone_when_it_starts_ends_at_once():
    """A worker can start after its parent was killed (the pool was still starting them):
    its parent is then another process, which it must not take for its own and wait on for
    ever (found as a worker left running minutes after the test above)."""
    gone = subprocess.Popen(["true"])
    gone.wait()  # the process id the worker's parent had: no longer its parent
    worker = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time\nfrom lgo_audit.check import _end_with_parent\n"
            f"_end_with_parent({gone.pid})\ntime.sleep(60)\n",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (worker.returncode, worker.stderr) == (1, "")


def test_the_process_that_runs_the_work_itself_watches_no_parent():
    from lgo_audit.check import _end_with_parent

    _end_with_parent(os.getpid())  # (a pool stand-in in the same process): returns, no exit
    assert not any(t.name == "lgo-audit-parent" for t in threading.enumerate())


def test_a_folder_is_checked_in_parallel_with_the_same_findings_as_file_by_file(tmp_path):
    files = make_batch(tmp_path)
    assert len(files) >= PARALLEL_THRESHOLD  # else the folder would not be checked in parallel
    # batch rules (LGO5xx) compare the letters of a run with each other: not file by file
    together = check_json("--ignore", "LGO5", "--jobs", "4", tmp_path)
    one_by_one = [finding for path in files for finding in check_json("--ignore", "LGO5", path)]
    assert together == one_by_one


def test_a_folder_is_reported_in_path_order(tmp_path):
    files = [str(p) for p in make_batch(tmp_path)]
    reported = list(dict.fromkeys(f["path"] for f in check_json("--jobs", "4", tmp_path)))
    assert len(reported) >= PARALLEL_THRESHOLD  # most letters of the batch have findings
    assert reported == [p for p in files if p in reported]


def test_parallel_full_output_is_the_same_as_sequential(tmp_path):
    make_batch(tmp_path)
    parallel = check("--jobs", "4", tmp_path)
    sequential = check("--jobs", "1", tmp_path)
    assert (parallel.exit_code, parallel.stdout) == (sequential.exit_code, sequential.stdout)


# --- colour and control characters -----------------------------------------------------------


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run the installed command with its standard output on a pseudo-terminal."""
    command = shutil.which("lgo-audit")
    assert command is not None, "lgo-audit is not on PATH"
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [command, *args], stdout=secondary, stderr=subprocess.DEVNULL, env=environment
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(main)
    return output


def test_output_to_a_terminal_is_coloured():
    """The control for the two tests below: colour is on by default on a terminal."""
    assert b"\x1b[" in run_on_a_terminal(["check", "--isolated", str(STEVENAGE)], {})


def test_no_color_removes_the_colour_even_on_a_terminal():
    output = run_on_a_terminal(["check", "--isolated", str(STEVENAGE)], {"NO_COLOR": "1"})
    assert b"\x1b" not in output


def test_output_that_is_not_a_terminal_has_no_escape_sequences():
    result = check(STOCKPORT, STEVENAGE)
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr


HOSTILE = "DRAFT \x1b[2J\x1b[31mnot\x07 for \x9b31m circulation\x1b]0;owned\x07\n"


def hostile_letter(folder: Path, name: str = "hostile.txt") -> Path:
    path = folder / name
    text = STOCKPORT.read_text(encoding="utf-8")
    path.write_text(
        text.replace("10\nupheld decisions\n", "10\nupheld decisions\n\n" + HOSTILE),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("output_format", ["full", "concise", "json"])
def test_control_characters_in_a_letter_never_reach_the_output(tmp_path, output_format):
    path = hostile_letter(tmp_path)
    result = check("--output-format", output_format, path)
    assert "LGO006" in result.stdout  # the hostile text is reported...
    assert ANSI_OR_CONTROL.findall(result.stdout.replace("\n", "")) == []  # ...defused


@pytest.mark.parametrize("output_format", ["full", "concise", "json"])
def test_control_characters_in_a_file_name_never_reach_the_output(tmp_path, output_format):
    path = hostile_letter(tmp_path, "evil\x1b[31m\x07.txt")
    result = check("--output-format", output_format, path)
    assert "LGO006" in result.stdout
    assert ANSI_OR_CONTROL.findall(result.stdout.replace("\n", "")) == []


def test_bidi_overrides_in_a_letter_never_reach_the_json_output(tmp_path):
    path = tmp_path / "bidi.txt"
    text = STOCKPORT.read_text(encoding="utf-8")
    path.write_text(
        text.replace("10\nupheld decisions\n", "10\nupheld decisions\n\nDRAFT \u202egnp.exe\n")
    )
    result = check("--output-format", "json", path)
    assert "LGO006" in result.stdout
    assert "\u202e" not in result.stdout


# --- rules and explain -----------------------------------------------------------------------


def bundled_codes() -> list[str]:
    return sorted(p.name.split("-")[0] for p in (ROOT / "rules").glob("LGO*.toml"))


def test_rules_lists_every_bundled_rule_once():
    result = run("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == bundled_codes()


def test_rules_shows_code_name_severity_and_summary():
    result = run("rules")
    [line] = [row for row in result.stdout.splitlines() if row.startswith("LGO101 ")]
    assert line.split()[1:3] == ["upheld-rate-mismatch", "error"]
    assert (
        "The upheld percentage is not the upheld decisions over the complaints investigated" in line
    )


def test_explain_shows_what_the_rule_checks_and_its_invariant():
    result = run("explain", "LGO101")
    assert result.exit_code == 0
    assert result.stdout.startswith("# LGO101 upheld-rate-mismatch (error)")
    assert "## What it checks" in result.stdout
    assert (
        "rounds_half_up_to(percent(upheld.decisions, upheld.investigated), upheld.percent)"
        in result.stdout
    )


def test_explain_accepts_a_rule_name():
    result = run("explain", "upheld-rate-mismatch")
    assert result.exit_code == 0 and result.stdout.startswith("# LGO101 ")


@pytest.mark.parametrize("code", ["LGO999", "LGO1", "nonsense"])
def test_explain_of_an_unknown_rule_is_exit_2_with_one_line(code):
    result = run("explain", code)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and code in result.stderr


@pytest.mark.parametrize("command", ["check", "extract", "parse"])
def test_a_path_the_system_calls_unreadable_is_left_to_the_reader_not_refused_by_the_parser(
    command, monkeypatch, tmp_path
):
    """Each named file is read (or reported as unreadable, one line) by the tool itself: an
    unreadable one never stops the others being checked with a usage error about 'paths'."""
    letter = tmp_path / "letter.txt"
    letter.write_bytes(STOCKPORT.read_bytes())
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode, **kw: False if mode == os.R_OK else real_access(path, mode)
    )
    result = run(command, "--isolated", letter)
    assert "Invalid value" not in result.output
    assert result.exit_code in (0, 1)
