"""Every input is accounted for: each path named or found is checked, or reported on one line
naming it, and counted in every report format; exit status 2 wins over 1.

Permission problems cannot be made real here (the tests run as root, who reads everything), so
they are made by refusing the one system call the tool depends on, for the one path concerned.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lgo_audit import application
from lgo_audit.application import CheckOptions, UsageError, collect_paths, run_check
from lgo_audit.check import worker_count
from lgo_audit.cli import app
from lgo_audit.report import FORMATS
from lgo_audit.stats import StatsError, known_columns, load_stats, parse_stats
from tests.paths import STEVENAGE, STOCKPORT


def check(*args: Any) -> Any:
    return CliRunner().invoke(app, ["check", "--isolated", *map(str, args)])


def letters(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(STOCKPORT, folder / "stockport.txt")
    shutil.copy(STEVENAGE, folder / "stevenage.txt")
    return folder


def stderr_lines(result: Any) -> list[str]:
    return result.stderr.splitlines()


# --- things in a folder that are not letters ---------------------------------------------------


def test_a_dangling_symlink_in_a_folder_is_one_line_and_the_rest_is_checked(tmp_path):
    folder = letters(tmp_path)
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    result = check("--output-format", "concise", folder)
    assert result.exit_code == 2
    assert [line for line in stderr_lines(result) if "gone.txt" in line] == [
        f"{folder / 'gone.txt'}: is a broken symbolic link"
    ]
    assert "stevenage.txt" in result.stdout and "LGO102" in result.stdout  # still checked
    assert "1 file could not be checked" in result.stdout


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_symlink_loop_is_one_line_in_every_format(tmp_path, fmt):
    folder = letters(tmp_path)
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    result = check("--output-format", fmt, folder / "a.txt", folder / "stockport.txt")
    assert result.exit_code == 2
    assert "internal error" not in result.stderr
    assert [line for line in stderr_lines(result) if "a.txt" in line] != []
    if fmt == "sarif":
        (run,) = json.loads(result.stdout)["runs"]
        (notice,) = run["invocations"][0]["toolExecutionNotifications"]
        location = notice["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"].endswith("a.txt")


def test_a_folder_with_no_letter_says_nothing_was_checked(tmp_path):
    (tmp_path / "notes.csv").write_text("not a letter\n", encoding="utf-8")
    result = check(tmp_path)
    assert result.exit_code == 0
    assert result.stdout == "No letter or page was checked.\n"
    assert "no letters or pages" in result.stderr


@pytest.mark.parametrize(
    ("configured", "warning"),
    [
        (None, "no letters or pages (.txt, .md, .pdf, .docx, .html, .htm) found"),
        ('letter-files = ["*.letter"]', "no letters or pages found (letter-files: *.letter)"),
        ("letter-files = []", "no letters or pages found: letter-files names no file"),
    ],
)
def test_the_warning_names_what_the_folder_was_searched_for(tmp_path, configured, warning):
    (tmp_path / "notes.csv").write_text("not a letter\n", encoding="utf-8")
    if configured is not None:
        (tmp_path / "lgo-audit.toml").write_text(configured + "\n", encoding="utf-8")
    for command in (["check"], ["extract"]):
        result = CliRunner().invoke(app, [*command, str(tmp_path)])
        assert result.exit_code == 0
        assert stderr_lines(result) == [f"lgo-audit: warning: {tmp_path}: {warning}"]


def test_folders_searched_for_different_files_are_each_named_in_the_warning(tmp_path):
    for name, configured in (("a", "letter-files = []"), ("b", 'letter-files = ["*.letter"]')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "lgo-audit.toml").write_text(configured + "\n", encoding="utf-8")
    (tmp_path / "plain").mkdir()
    folders = [str(tmp_path / name) for name in ("a", "b", "plain")]
    for command in ("check", "extract"):
        result = CliRunner().invoke(app, [command, *folders])
        assert result.exit_code == 0
        assert stderr_lines(result) == [
            f"lgo-audit: warning: {folders[0]}: no letters or pages found: letter-files names "
            "no file",
            f"lgo-audit: warning: {folders[1]}: no letters or pages found (letter-files: *.letter)",
            f"lgo-audit: warning: {folders[2]}: no letters or pages (.txt, .md, .pdf, .docx, "
            ".html, .htm) found",
        ]


def test_a_folder_given_twice_is_named_once_in_the_warning(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "empty/", "./empty"])
    assert result.exit_code == 0
    assert stderr_lines(result) == [
        "lgo-audit: warning: empty: no letters or pages (.txt, .md, .pdf, .docx, .html, .htm) found"
    ]


def test_extract_from_a_folder_with_no_letter_warns_as_check_does(tmp_path):
    (tmp_path / "notes.csv").write_text("not a letter\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--isolated", str(tmp_path)])
    assert result.exit_code == 0
    assert "no letters or pages" in result.stderr
    assert result.stdout.startswith("authority,year,")  # the header alone


@pytest.mark.parametrize(
    ("names", "said"),
    [
        (["missing.txt"], "1 file could not be checked"),
        (["missing.txt", "gone.md"], "2 files could not be checked"),
    ],
)
def test_when_no_file_could_be_read_the_summary_says_so(tmp_path, names, said):
    result = check(*(tmp_path / name for name in names))
    assert result.exit_code == 2
    assert result.stdout == f"No letter or page was checked; {said}.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_in_a_folder_is_one_line_not_a_hang(tmp_path):
    folder = letters(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    result = check("--output-format", "concise", folder)
    assert result.exit_code == 2
    assert f"{folder / 'pipe.txt'}: is not a regular file (it is a named pipe)" in result.stderr
    assert "could not be checked" in result.stdout


def test_a_folder_that_cannot_be_read_is_one_line_and_the_rest_is_checked(tmp_path, monkeypatch):
    folder = letters(tmp_path)
    locked = folder / "2019"
    locked.mkdir()
    shutil.copy(STOCKPORT, locked / "old.txt")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = check("--output-format", "concise", folder)
    assert result.exit_code == 2
    assert f"{locked}: folder cannot be read (permission denied); not checked" in result.stderr
    assert "LGO102" in result.stdout  # stevenage still checked
    assert "old.txt" not in result.stdout


def test_a_file_named_in_a_folder_that_cannot_be_searched_does_not_stop_the_run(
    tmp_path, monkeypatch
):
    folder = letters(tmp_path)
    hidden = tmp_path / "locked" / "letter.txt"
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    result = check("--output-format", "concise", hidden, folder / "stevenage.txt")
    assert result.exit_code == 2
    assert f"{hidden}: cannot be read (permission denied)" in result.stderr
    assert "LGO102" in result.stdout


# --- what a folder's search passes over: exclude ------------------------------------------------


def checked_names(result: Any) -> set[str]:
    """The files a JSON report names (each file of :func:`batch` has a finding)."""
    return {Path(finding["path"]).name for finding in json.loads(result.stdout)}


def batch(tmp_path: Path) -> Path:
    """letters/ with stockport.txt, drafts/stevenage.txt, 2019/old.txt and a text that is no
    letter: someone's notes on the last run (lgo-report.txt; a report lgo-audit wrote is
    refused as an input, not read: test_a_report_of_an_earlier_run_is_not_read_as_a_letter)."""
    folder = tmp_path / "letters"
    for place, source in (("stockport.txt", STOCKPORT), ("drafts/stevenage.txt", STEVENAGE),
                          ("2019/old.txt", STOCKPORT)):  # fmt: skip
        (folder / place).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / place)
    (folder / "lgo-report.txt").write_text("Last run: 3 errors in 2 letters.\n", encoding="utf-8")
    return folder


def test_a_configurations_exclude_passes_over_names_anywhere_and_paths_from_its_folder(
    tmp_path, monkeypatch
):
    folder = batch(tmp_path)
    (tmp_path / "lgo-audit.toml").write_text(
        'exclude = ["Drafts", "letters/2019/*", "*-report.txt"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "--output-format", "json", "letters"])
    assert checked_names(result) == {"stockport.txt"}
    # without the configuration, everything is read (the notes as a file that is no letter)
    result = check("--output-format", "json", folder)
    assert checked_names(result) == {"stockport.txt", "stevenage.txt", "old.txt", "lgo-report.txt"}


def test_exclude_on_the_command_line_adds_patterns_from_the_current_folder(tmp_path, monkeypatch):
    batch(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = check(
        "--output-format", "json", "--exclude", "drafts", "--exclude", "letters/2019/*",
        "--exclude", "lgo-report.*", "letters",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # (the placeholder links are warnings)
    assert checked_names(result) == {"stockport.txt"}
    result = CliRunner().invoke(
        app, ["extract", "--isolated", "--exclude", "drafts", "--exclude", "2019", "letters"]
    )
    assert "old.txt" not in result.stdout and "stevenage.txt" not in result.stdout
    assert "stockport.txt" in result.stdout


@pytest.mark.parametrize("how", ["./", "absolute"])
def test_an_exclude_path_may_start_with_dot_slash_or_be_absolute(tmp_path, monkeypatch, how):
    batch(tmp_path)
    monkeypatch.chdir(tmp_path)
    drafts = "./letters/drafts" if how == "./" else str(tmp_path / "letters" / "drafts")
    result = check("--output-format", "json", "--exclude", drafts, "letters")
    assert "stevenage.txt" not in checked_names(result)
    assert "stockport.txt" in checked_names(result)


def test_an_absolute_exclude_path_does_not_change_where_the_others_start(tmp_path, monkeypatch):
    batch(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = check(
        "--output-format", "json", "--exclude", str(tmp_path / "letters" / "drafts"),
        "--exclude", "letters/2019/*", "letters",
    )  # fmt: skip
    assert checked_names(result) == {"stockport.txt", "lgo-report.txt"}


def test_a_folder_whose_files_are_all_excluded_says_so(tmp_path):
    folder = batch(tmp_path)
    result = check("--exclude", "*", folder)
    assert result.exit_code == 0
    assert stderr_lines(result) == [
        f"lgo-audit: warning: {folder}: no letters or pages to check: the 4 files found are all "
        "excluded (exclude, --exclude)"
    ]


def test_an_html_report_of_an_earlier_run_is_not_read_as_a_page(tmp_path):
    folder = batch(tmp_path)
    report = folder / "lgo-report.html"
    assert check("--output-format", "html", "-o", report, folder).exit_code == 1
    result = check("--output-format", "concise", folder)
    assert f"{report}: is an HTML report lgo-audit wrote, not a letter or page" in result.stderr
    assert "lgo-report.html:" not in result.stdout  # (its quoted lines read as no page of faults)
    assert result.exit_code == 2
    # it is known by its generator, the one name lgo_audit.webpage declares, with the version
    from lgo_audit import __version__
    from lgo_audit.webpage import GENERATOR

    mark = f'<meta name="generator" content="{GENERATOR} {__version__}">'
    assert mark in report.read_text(encoding="utf-8")


REPORTS = {
    "full": (),
    "concise": ("--output-format", "concise"),
    "github": ("--output-format", "github"),
    "json": ("--output-format", "json"),
    "json-lines": ("--output-format", "json-lines"),
    "json --evidence": ("--output-format", "json", "--evidence"),
    "sarif": ("--output-format", "sarif"),
    "junit": ("--output-format", "junit"),
    "--statistics": ("--statistics",),
}


@pytest.mark.parametrize("how", REPORTS)
@pytest.mark.parametrize("findings", ["with findings", "clean"])
def test_a_report_of_an_earlier_run_is_not_read_as_a_letter(tmp_path, how, findings):
    """A report saved beside the letters, in any format, with findings or of a clean run:
    written again in its place when ``-o`` names it, and otherwise refused as an input in
    one line (its quoted lines are no letter of faults). A clean run's ``github`` and
    ``json-lines`` reports are empty: refused as any empty file is, and written over."""
    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(STOCKPORT if findings == "clean" else STEVENAGE, folder / "letter.txt")
    report = folder / "report.txt"
    options = (*REPORTS[how], "--ignore", "LGO403")  # (the seeds' placeholder links)
    first = check(*options, "-o", report, folder)
    assert first.exit_code == (0 if findings == "clean" else 1), first.output
    written = report.read_text(encoding="utf-8")

    again = check(*options, "-o", report, folder)
    assert (again.exit_code, again.stderr) == (first.exit_code, "")
    assert report.read_text(encoding="utf-8") == written  # (not read as a letter in between)

    result = check("--output-format", "concise", folder)
    said = (
        "is empty (only whitespace)"
        if not written.strip()
        else ("is a report lgo-audit wrote, not a letter or page (see exclude)")
    )
    assert stderr_lines(result) == [f"{report}: {said}"]
    assert result.exit_code == 2


def test_a_report_of_fixes_is_not_read_as_a_letter(tmp_path):
    """``--diff``'s report: the fixes a run would make, as a unified diff."""
    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(STEVENAGE, folder / "letter.txt")
    report = folder / "fixes.txt"
    assert check("--diff", "-o", report, folder).exit_code == 1
    assert report.read_text(encoding="utf-8").startswith("--- a/")
    result = check("--output-format", "concise", folder)
    assert stderr_lines(result) == [
        f"{report}: is a report lgo-audit wrote, not a letter or page (see exclude)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Last run: 3 errors in 2 letters.\n",
        "Found: the 2020 letter to Stockport, LGO101 [error] in it\n",
        "stockport.txt:12: LGO101 the figure\n",
    ],
)
def test_a_text_that_only_mentions_a_report_is_read_as_any_text(tmp_path, text):
    letter = tmp_path / "notes.txt"
    letter.write_text(text, encoding="utf-8")
    result = check("--output-format", "concise", letter)
    assert result.exit_code == 1 and "LGO001" in result.stdout


def test_an_html_report_written_again_in_its_place_is_not_read_as_an_input(tmp_path):
    folder = batch(tmp_path)
    report = folder / "lgo-report.html"
    for _ in range(2):
        result = check("--output-format", "html", "-o", report, folder)
        assert result.exit_code == 1, result.output  # (stevenage's lost count: an error)
        assert result.stderr == ""
    assert "lgo-report.html" not in report.read_text(encoding="utf-8")
    # another HTML file is an input like any other: never replaced by the report
    other = folder / "page.html"
    other.write_text("<html><body><p>A page.</p></body></html>", encoding="utf-8")
    result = check("--output-format", "html", "-o", other, folder)
    assert result.exit_code == 2 and "is an input" in result.stderr
    assert other.read_text(encoding="utf-8") == "<html><body><p>A page.</p></body></html>"


def test_a_report_whose_meta_attributes_were_reordered_is_still_written_again_in_place(
    tmp_path,
):
    # A trial: a report whose generator element an editor rewrote ("content" first) was
    # known as a report when read, but refused as an input by -o; another: its name in
    # capitals was known by neither.
    folder = batch(tmp_path)
    report = folder / "lgo-report.html"
    assert check("--output-format", "html", "-o", report, folder).exit_code == 1
    text = report.read_text(encoding="utf-8")
    mark = re.search(r'<meta name="generator" content="([^"]*)">', text)
    assert mark is not None
    report.write_text(
        text.replace(mark.group(), f"<META CONTENT=' {mark.group(1).upper()}' NAME='Generator'>"),
        encoding="utf-8",
    )
    result = check("--output-format", "html", "-o", report, folder)
    assert result.exit_code == 1, result.output
    assert result.stderr == ""


def test_a_file_named_on_the_command_line_is_checked_even_if_excluded(tmp_path):
    folder = batch(tmp_path)
    result = check(
        "--output-format", "json", "--exclude", "drafts", folder / "drafts/stevenage.txt"
    )
    assert checked_names(result) == {"stevenage.txt"}


@pytest.mark.parametrize("where", ["command line", "configuration"])
def test_an_unclosed_bracket_in_an_exclude_pattern_is_a_usage_error(tmp_path, where):
    folder = batch(tmp_path)
    if where == "command line":
        result = check("--exclude", "[x", folder)
        said = "--exclude '[x': '[' is not closed"
    else:
        (tmp_path / "lgo-audit.toml").write_text('exclude = ["[x"]\n', encoding="utf-8")
        result = CliRunner().invoke(app, ["check", str(folder)])
        said = "key 'exclude': '[x': '[' is not closed"
    assert result.exit_code == 2
    assert said in result.stderr and "Traceback" not in result.output


def test_exit_status_2_wins_over_1(tmp_path):
    result = check(STEVENAGE, tmp_path / "missing.txt")
    assert "LGO102" in result.stdout  # an error-severity finding: alone it would be 1
    assert result.exit_code == 2


# --- a path that does not exist, in every format -----------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_missing_path_is_reported_in_every_format_as_an_empty_file_is(tmp_path, fmt):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    missing = tmp_path / "missing.txt"
    with_empty = check("--output-format", fmt, STOCKPORT, empty)
    with_missing = check("--output-format", fmt, STOCKPORT, missing)
    assert with_empty.exit_code == with_missing.exit_code == 2
    assert ("empty.txt" in with_empty.stdout) == ("missing.txt" in with_missing.stdout)
    assert f"{missing}: no such file or directory" in with_missing.stderr


@pytest.mark.parametrize("fmt", ["junit", "github", "sarif", "html"])
def test_a_missing_path_appears_in_the_report_itself(tmp_path, fmt):
    missing = tmp_path / "missing.txt"
    result = check("--output-format", fmt, STOCKPORT, missing)
    assert "missing.txt" in result.stdout


def test_a_missing_path_is_in_the_sarif_notifications_and_the_evidence(tmp_path):
    missing = tmp_path / "missing.txt"
    sarif = json.loads(check("--output-format", "sarif", STOCKPORT, missing).stdout)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("missing.txt" in n["message"]["text"] for n in notes)
    evidence = json.loads(check("--output-format", "json", "--evidence", STOCKPORT, missing).stdout)
    assert "missing.txt" in json.dumps(evidence)


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_the_formats_for_people_name_a_missing_path_and_count_it(tmp_path, fmt):
    result = check("--output-format", fmt, STOCKPORT, tmp_path / "missing.txt")
    assert "missing.txt: no such file or directory" in result.stderr
    assert "1 file could not be checked" in result.stdout


# --- one file named twice ------------------------------------------------------------------------


def one_letter_named_twice(tmp_path: Path, how: str) -> tuple[Path, Path]:
    first = tmp_path / "stockport.txt"
    shutil.copy(STOCKPORT, first)
    if how == "relative and absolute":
        return first, Path(os.path.relpath(first))
    second = tmp_path / "other-name.txt"
    if how == "symlink":
        second.symlink_to(first)
    else:
        os.link(first, second)
    return first, second


@pytest.mark.parametrize("how", ["relative and absolute", "symlink", "hard link"])
def test_one_file_named_twice_is_checked_once_under_the_first_name(tmp_path, how):
    first, second = one_letter_named_twice(tmp_path, how)
    result = check("--output-format", "json", first, second)
    findings = json.loads(result.stdout)
    assert [f["code"] for f in findings] == ["LGO403"] * 3  # not six, and no LGO502
    assert {f["path"] for f in findings} == {str(first)}


def test_a_missing_path_named_twice_is_one_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = check(STOCKPORT, "nope.txt", tmp_path / "nope.txt", "./nope.txt")
    assert stderr_lines(result) == ["nope.txt: no such file or directory"]
    assert "1 file could not be checked" in result.stdout


@pytest.mark.parametrize("kind", ["broken link", "link in a loop"])
def test_a_link_that_cannot_be_followed_named_twice_is_one_error(tmp_path, kind):
    folder = letters(tmp_path)
    odd = folder / "odd.txt"
    if kind == "broken link":
        odd.symlink_to(folder / "gone.txt")
    else:
        odd.symlink_to(folder / "other.txt")
        (folder / "other.txt").symlink_to(odd)
    result = check("--output-format", "concise", folder, odd, odd)
    named = [line for line in stderr_lines(result) if "odd.txt" in line]
    assert len(named) == 1, result.stderr


def test_a_folder_and_a_file_in_it_are_one_letter(tmp_path):
    folder = letters(tmp_path)
    inputs = collect_paths([folder / "stevenage.txt", folder])
    assert [Path(p).name for p in inputs.files] == ["stevenage.txt", "stockport.txt"]


# --- tables and registers are files too --------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_data_from_a_device_is_refused_before_reading(device):
    result = check("--data", device, STOCKPORT)
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"lgo-audit: {device}: is not a regular file (it is a device)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_data_from_a_pipe_is_refused_not_waited_for(tmp_path):
    pipe = tmp_path / "stats.csv"
    os.mkfifo(pipe)
    result = check("--data", pipe, STOCKPORT)
    assert result.exit_code == 2 and "named pipe" in result.stderr


def test_a_table_with_a_nul_byte_is_refused_in_one_line(tmp_path):
    table = tmp_path / "stats.csv"
    table.write_bytes(b"authority,year,upheld\nStock\x00port,2020,3\n")
    result = check("--data", table, STOCKPORT)
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"lgo-audit: {table}: row 2: a NUL character: not a text table (a binary file?)"
    ]


def test_an_oversized_table_is_refused_with_the_letters_limit(tmp_path):
    table = tmp_path / "stats.csv"
    table.write_text("authority,year\n" + "Stockport,2020\n" * 10)
    result = check("--max-file-size", "50", "--data", table, STOCKPORT)
    assert result.exit_code == 2 and "larger than the 50-byte limit" in result.stderr


@pytest.mark.parametrize("kind", ["rule file", "register", "configuration"])
def test_an_oversized_file_that_max_file_size_does_not_govern_is_refused_without_that_advice(
    kind, tmp_path
):
    """Rule files, registers and configuration files are read within the letters' default
    limit, which ``--max-file-size`` does not raise: the message does not suggest it."""
    big = b"# " + b"x" * 6_000_000 + b"\n"
    if kind == "rule file":
        (tmp_path / "rules").mkdir()
        (tmp_path / "rules" / "LGO901-big.toml").write_bytes(big)
        args: list[Any] = ["--rule-dir", tmp_path / "rules"]
    elif kind == "register":
        (tmp_path / "register.csv").write_bytes(big)
        (tmp_path / "lgo-audit.toml").write_text('authority-register = "register.csv"\n')
        args = ["--config", tmp_path / "lgo-audit.toml"]
    else:
        (tmp_path / "lgo-audit.toml").write_bytes(big)
        args = ["--config", tmp_path / "lgo-audit.toml"]
    result = CliRunner().invoke(app, ["check", *map(str, args), "--max-file-size", "10000000",
                                      str(STOCKPORT)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "larger than the 5 MB limit" in result.stderr
    assert "max-file-size" not in result.stderr


def test_a_register_on_a_device_is_refused_before_reading(tmp_path):
    (tmp_path / "lgo-audit.toml").write_text('authority-register = "/dev/zero"\n')
    letter = tmp_path / "stockport.txt"
    shutil.copy(STOCKPORT, letter)
    result = CliRunner().invoke(app, ["check", str(letter)])
    assert result.exit_code == 2
    assert "/dev/zero" in result.stderr and "device" in result.stderr
    assert len(stderr_lines(result)) == 1


# --- the statistics table's columns -------------------------------------------------------------


def test_a_misspelt_column_is_an_input_error_naming_it():
    with pytest.raises(StatsError) as caught:
        parse_stats("authority,year,upheld_decisions\nStockport,2020,3\n", "stats.csv")
    assert str(caught.value) == (
        "stats.csv: row 1, column 'upheld_decisions': unknown column (did you mean 'upheld'?)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a quote left open takes every line after it into one cell
        (
            'authority,year,upheld\nA,2020,1\n"Stockport,2020,3\nB,2020,4\n',
            "row 3: a quoted cell is not closed",
        ),
        ('authority,year,upheld\nStockport,2020,"3"x\n', "row 2: ',' expected after '\"'"),
        ("authority,year,upheld\nStockport,2020\n", "row 2: fewer cells than columns"),
        ("authority,year,upheld\nStockport,2020,3,4\n", "row 2: more cells than columns"),
        # a figure of 5,000 digits: no count, and more than Python reads as an int (4,300)
        (
            "authority,year,upheld\nStockport,2020," + "9" * 5000 + "\n",
            "row 2, column 'upheld': 5000 characters, more than any figure holds (1000)",
        ),
        # a NUL byte: no text table holds one (the cell kept it, unseen, and never matched)
        (
            "authority,year,upheld\nA,2020,1\nStock\x00port,2020,3\n",
            "row 3: a NUL character: not a text table (a binary file?)",
        ),
    ],
)
def test_a_row_that_is_not_well_formed_csv_is_an_input_error_naming_it(text, message):
    with pytest.raises(StatsError) as caught:
        parse_stats(text, "stats.csv")
    assert str(caught.value) == f"stats.csv: {message}"


@pytest.mark.parametrize(
    ("column", "cell", "what"),
    [
        ("upheld", "5_9", "a whole number"),  # int() reads "5_9" as 59
        ("upheld", "\uff15\uff19", "a whole number"),  # full-width digits
        ("upheld", "\u0661\u0660", "a whole number"),  # Arabic-Indic digits
        ("upheld_average", "5_9", "a percentage"),
        ("upheld_average", "\uff15\uff19%", "a percentage"),
        ("upheld_per_100k", "3_4", "a number"),
        ("upheld", "1,0", "a whole number"),  # a comma not between thousands
        ("investigations", "100,", "a whole number"),
        ("upheld_per_100k", "3,4", "a number"),  # a decimal comma (read as 34 before)
        ("compliance_percent", "100%%", "a percentage"),
        ("compliance_percent", "6.7e1", "a percentage"),
    ],
)
def test_a_figure_not_written_in_ascii_digits_and_grouping_commas_is_an_input_error(
    column, cell, what
):
    with pytest.raises(StatsError) as caught:
        parse_stats(f'authority,year,{column}\nStockport,2020,"{cell}"\n', "stats.csv")
    assert str(caught.value) == f"stats.csv: row 2, column '{column}': '{cell}' is not {what}"


def test_two_rows_for_one_council_and_year_are_an_input_error_naming_the_second():
    text = "authority,year,upheld\nStockport,2020,3\nStockport Council,2020,4\n"
    with pytest.raises(StatsError) as caught:
        parse_stats(text, "stats.csv")
    assert str(caught.value) == (
        "stats.csv: row 3, column 'authority': Stockport Council 2020 is also row 2 (the same "
        "council and year, however its name is written)"
    )


def test_a_record_over_several_lines_is_named_by_the_line_it_starts_on():
    """(A quoted cell may hold a line break; csv counts the lines it has read, the last.)"""
    text = (
        'authority,year,upheld\r\n\r\nStockport,2020,3\r\n"Kent\nCounty Council",2020,5\r\n'
        '\n"Leeds\nCity Council",2020,x\n'
    )
    with pytest.raises(StatsError) as caught:
        parse_stats(text, "stats.csv")
    assert str(caught.value) == "stats.csv: row 7, column 'upheld': 'x' is not a whole number"
    table = parse_stats(text.replace(",x", ",2"), "stats.csv")
    assert [row.line for row in table.rows] == [3, 4, 7]


def test_two_rows_of_one_kind_name_the_kind():
    text = "authority,year,kind\nStockport,2020,page\nStockport,2020,page\n"
    with pytest.raises(StatsError, match=r"Stockport 2020 \(page\) is also row 2 \(the same "):
        parse_stats(text, "stats.csv")


@pytest.mark.parametrize(("text", "why"), [("", "no text"), (" \n\n", "only whitespace")])
def test_an_empty_table_is_said_to_be_empty(text, why):
    with pytest.raises(StatsError) as caught:
        parse_stats(text, "stats.csv")
    assert str(caught.value) == f"stats.csv: is empty ({why})"


def test_a_table_not_in_utf8_names_the_byte_and_asks_for_utf8(tmp_path):
    table = tmp_path / "stats.csv"
    table.write_bytes("authority,year\nSt Helens \u2013 Council,2020\n".encode("cp1252"))
    with pytest.raises(StatsError) as caught:
        load_stats(table)
    assert str(caught.value) == f"{table}: not UTF-8 text (byte 0x96 at byte 25): save it as UTF-8"


def test_the_same_council_in_two_years_is_two_rows():
    text = "authority,year,upheld\nStockport,2020,3\nStockport,2021,4\n"
    assert len(parse_stats(text, "stats.csv").rows) == 2


@pytest.mark.parametrize("missing", ["authority", "year"])
def test_authority_and_year_are_required(missing):
    header = ",".join(c for c in ("authority", "year", "upheld") if c != missing)
    with pytest.raises(StatsError, match=rf"missing column '{missing}'"):
        parse_stats(header + "\n", "stats.csv")


def test_only_authority_and_year_are_needed():
    assert parse_stats("authority,year\nStockport,2020\n", "stats.csv").rows[0].year == 2020


def test_every_column_extract_writes_is_known(tmp_path):
    from lgo_audit.extract import columns

    # every known column but those that are no fact of a letter (population)
    assert columns() == [c for c in known_columns() if c != "population"]
    assert len(set(known_columns())) == len(known_columns())


def test_the_new_columns_are_accepted_and_converted():
    text = (
        "authority,year,dealt_with,not_for_us,assessed_and_closed,upheld_per_100k,"
        "upheld_per_100k_average,population\nStockport,2023,120,40,50,3.90,4.1,294197\n"
    )
    (row,) = parse_stats(text, "stats.csv").rows
    assert row.values["dealt_with"] == 120 and row.values["population"] == 294197
    assert row.values["upheld_per_100k"] == Decimal("3.90")
    assert str(row.values["upheld_per_100k"]) == "3.90"  # places kept


@pytest.mark.parametrize(
    ("column", "cell", "problem"),
    [
        ("upheld_per_100k", "-1.5", "less than the minimum of 0"),
        ("upheld_per_100k", "many", "'many' is not a number"),
        ("dealt_with", "-3", "less than the minimum of 0"),
        ("dealt_with", "1.5", "is not a whole number"),
        ("population", "0", "less than the minimum of 1"),
    ],
)
def test_a_bad_rate_count_or_population_is_an_input_error_naming_the_column(column, cell, problem):
    with pytest.raises(StatsError) as caught:
        parse_stats(f"authority,year,{column}\nStockport,2023,{cell}\n", "stats.csv")
    assert f"row 2, column '{column}'" in str(caught.value)
    assert problem in str(caught.value)


# --- workers -------------------------------------------------------------------------------------


def test_workers_are_capped_by_the_files_and_the_cores():
    cores = os.cpu_count() or 1
    assert worker_count(300, 20) == min(20, cores)
    assert worker_count(100_000, 10_000) == cores
    assert worker_count(None, 3) == min(3, cores)
    assert worker_count(None, 0) == 1


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_a_job_count_below_one_is_a_usage_error(jobs):
    result = check("-j", jobs, STOCKPORT)
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"lgo-audit: --jobs must be a whole number of at least 1, not {jobs}"
    ]


@pytest.mark.parametrize(
    ("size", "said"),
    [
        ("0", "--max-file-size must be a positive number of bytes"),
        ("-5", "--max-file-size must be a positive number of bytes"),
        ("1000000001", "--max-file-size must be at most 1,000,000,000 bytes, not 1,000,000,001"),
    ],
)
def test_a_size_limit_outside_what_a_configuration_may_say_is_a_usage_error(size, said):
    """The command line's bounds are the configuration's (``max-file-size`` in its schema)."""
    result = check("--max-file-size", size, STOCKPORT)
    assert (result.exit_code, result.stderr) == (2, f"lgo-audit: {said}\n")


def test_a_job_count_that_is_not_a_number_is_a_usage_error():
    result = check("-j", "many", STOCKPORT)
    assert result.exit_code == 2 and "Traceback" not in result.output


# --- a report never replaces an input -----------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "extract"])
def test_a_report_over_a_letter_is_refused_and_the_letter_kept(tmp_path, command):
    letter = tmp_path / "stockport.txt"
    shutil.copy(STOCKPORT, letter)
    before = letter.read_bytes()
    args = [command, "--isolated", str(letter), "-o", str(letter)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "is an input" in result.stderr
    assert letter.read_bytes() == before


def test_a_report_over_a_letter_named_another_way_is_refused(tmp_path):
    folder = letters(tmp_path)
    link = tmp_path / "report.txt"
    link.symlink_to(folder / "stockport.txt")
    before = (folder / "stockport.txt").read_bytes()
    result = check(folder, "-o", link)
    assert result.exit_code == 2
    assert (folder / "stockport.txt").read_bytes() == before


def test_a_report_over_the_statistics_table_is_refused(tmp_path):
    table = tmp_path / "stats.csv"
    table.write_text("authority,year\nStockport,2020\n")
    with pytest.raises(UsageError, match="is an input"):
        run_check([STOCKPORT], CheckOptions(isolated=True, data=table, output_file=table))


@pytest.mark.parametrize(
    "read", ["lgo-audit.toml", "pyproject.toml", "register.csv", "rules/x.toml"]
)
def test_a_report_over_a_file_the_settings_read_is_refused_and_the_file_kept(tmp_path, read):
    """The configuration file in use, the authority register it names and its rule files are
    inputs too: ``-o lgo-audit.toml`` would leave every later run without a configuration."""
    shutil.copy(STOCKPORT, tmp_path / "stockport.txt")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.toml").write_text("# not a rule yet\n", encoding="utf-8")
    (tmp_path / "register.csv").write_text("kept\n", encoding="utf-8")
    settings = 'fail-on = "warning"\nauthority-register = "register.csv"\nrule-dirs = ["rules"]\n'
    if read == "pyproject.toml":
        (tmp_path / read).write_text("[tool.lgo-audit]\n" + settings, encoding="utf-8")
    else:
        (tmp_path / "lgo-audit.toml").write_text(settings, encoding="utf-8")
    target = tmp_path / read
    before = target.read_bytes()
    result = CliRunner().invoke(app, ["check", str(tmp_path / "stockport.txt"), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"lgo-audit: {target}: is an input ({target}); the report would replace it: "
        "name another output file\n"
    )
    assert target.read_bytes() == before


@pytest.mark.parametrize("command", ["check", "extract"])
def test_an_output_file_of_dash_is_standard_output(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    to_dash = CliRunner().invoke(app, [command, "--isolated", str(STOCKPORT), "-o", "-"])
    plain = CliRunner().invoke(app, [command, "--isolated", str(STOCKPORT)])
    assert (to_dash.exit_code, to_dash.stdout) == (plain.exit_code, plain.stdout)
    assert list(tmp_path.iterdir()) == []  # no file named "-"


@pytest.mark.parametrize("command", ["check", "extract"])
def test_an_empty_output_file_is_refused_not_taken_for_the_current_folder(
    tmp_path, monkeypatch, capsys, command
):
    """(Said by the command line's own entry point, which the console script runs.)"""
    from lgo_audit import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["lgo-audit", command, "--isolated", str(STOCKPORT), "-o", ""])
    with pytest.raises(SystemExit) as done:
        cli.main()
    out, err = capsys.readouterr()
    assert (done.value.code, out) == (2, "")
    assert err == (
        "lgo-audit: Invalid value for '--output-file' / '-o': an empty path; name a file, or "
        f"'-' for standard output (see 'lgo-audit {command} --help')\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["rules", "schemas"])
def test_a_report_over_one_of_the_tools_own_files_is_refused(kind):
    """A bundled rule file or schema replaced by a report would break every later run."""
    from lgo_audit.resources import data_dir

    target = sorted(data_dir(kind).iterdir())[0]
    before = target.read_bytes()
    result = CliRunner().invoke(app, ["check", "--isolated", str(STOCKPORT), "-o", str(target)])
    assert result.exit_code == 2
    assert "is one of lgo-audit's own files" in result.stderr
    assert target.read_bytes() == before


def test_a_message_naming_a_file_called_lgo_audit_still_starts_with_the_tools_name(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    shutil.copy(STOCKPORT, tmp_path / "stockport.txt")
    (tmp_path / "lgo-audit.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "stockport.txt", "-o", "lgo-audit.toml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("lgo-audit: lgo-audit.toml: is an input (")


def test_a_report_into_a_missing_folder_is_refused_before_any_letter_is_checked(
    tmp_path, monkeypatch
):
    import lgo_audit.check

    monkeypatch.setattr(lgo_audit.check, "check_source", lambda *a, **k: pytest.fail("checked"))
    target = tmp_path / "no-such-folder" / "report.txt"
    result = CliRunner().invoke(app, ["check", "--isolated", str(STOCKPORT), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"lgo-audit: {target}: cannot write the report: its folder does not exist (no such "
        "file or directory)\n"
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: path.mkdir(), "is a folder, not a file"),
        (
            lambda path: (path.write_text("kept\n", encoding="utf-8"), path.chmod(0o444)),
            "is read-only (mode 0444: no write permission bit)",
        ),
    ],
    ids=["a-folder", "read-only"],
)
def test_a_report_target_that_cannot_be_written_is_refused_before_any_letter_is_checked(
    tmp_path, monkeypatch, make, reason
):
    import lgo_audit.check

    monkeypatch.setattr(lgo_audit.check, "check_source", lambda *a, **k: pytest.fail("checked"))
    target = tmp_path / "report.txt"
    make(target)
    result = CliRunner().invoke(app, ["check", "--isolated", str(STOCKPORT), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"lgo-audit: {target}: cannot write the report: {reason}\n"
    if target.is_file():
        assert target.read_text(encoding="utf-8") == "kept\n"  # (left as it was)


def test_a_report_file_made_read_only_during_the_run_is_refused_as_it_would_be_before(
    tmp_path,
):
    from lgo_audit.safe_write import ReportFile

    target = tmp_path / "report.txt"
    target.write_text("kept\n", encoding="utf-8")
    target.chmod(0o400)
    with pytest.raises(PermissionError) as refused:
        ReportFile(target).open()
    assert refused.value.strerror == "is read-only (mode 0400: no write permission bit)"
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_a_new_report_file_is_written(tmp_path):
    report = tmp_path / "report.txt"
    result = check(STOCKPORT, "-o", report)
    assert result.exit_code == 0 and "LGO403" in report.read_text()


def test_the_application_keeps_the_order_given_with_problems_in_place(tmp_path):
    missing = tmp_path / "missing.txt"
    run = run_check([STEVENAGE, missing, STOCKPORT], CheckOptions(isolated=True))
    assert [Path(r.path).name for r in run.results] == [
        STEVENAGE.name,
        "missing.txt",
        STOCKPORT.name,
    ]
    assert run.results[1].error == f"{missing}: no such file or directory"
    assert run.exit_status == application.EXIT_ERROR


def test_the_current_folder_names_each_letter_one_way_in_every_finding(tmp_path, monkeypatch):
    """``check .`` names a letter ``letters/a.txt`` (as ``Path`` does), in its own findings and
    in the cross-letter findings that point at it (LGO502 quotes the first of two copies)."""
    folder = letters(tmp_path)
    shutil.copy(STOCKPORT, folder / "copy.txt")
    monkeypatch.chdir(tmp_path)
    findings = json.loads(check("--output-format", "json", ".").stdout)
    named = {f["path"] for f in findings} | {r["path"] for f in findings for r in f["related"]}
    assert "LGO502" in {f["code"] for f in findings}
    assert named == {"letters/copy.txt", "letters/stevenage.txt", "letters/stockport.txt"}


def test_a_folder_is_walked_in_path_order_part_by_part(tmp_path):
    """Files in a folder come in the order their paths sort (part by part, so ``a/z.txt``
    before ``a-b/a.txt`` though "/" sorts after "-" as a character), sub-folders included."""
    names = ["a-b/a.txt", "a/z.txt", "a/b/c.txt", "a.b.txt", "B.txt", "a/a-b.txt", "a/a.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = collect_paths([tmp_path]).files
    assert found == [str(path) for path in sorted(tmp_path / name for name in names)]
    assert found.index(str(tmp_path / "a/z.txt")) < found.index(str(tmp_path / "a-b/a.txt"))


# --- a name that is not UTF-8 ---------------------------------------------------------------


def test_the_findings_of_a_letter_whose_name_is_not_utf8_are_in_line_order(tmp_path):
    first = tmp_path / "a.txt"
    shutil.copy(STOCKPORT, first)
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/b\xff.txt"))
    shutil.copy(STOCKPORT, odd)
    result = check("--output-format", "concise", first, odd)
    lines = [line for line in result.stdout.splitlines() if "b\\xff.txt:" in line]
    assert any("LGO502" in line for line in lines)  # the batch stage's, with the letter's own
    places = [tuple(map(int, line.split("b\\xff.txt:")[1].split(":")[:2])) for line in lines]
    assert places == sorted(places)


@pytest.mark.parametrize(
    ("column", "cell", "value"),
    [
        ("upheld", "1,000", 1000),
        ("upheld_per_100k", "1,234.5", Decimal("1234.5")),
        ("compliance_percent", "99.5 %", Decimal("99.5")),
        ("upheld_average", ".5", Decimal("0.5")),
    ],
)
def test_figures_with_grouping_commas_or_a_percent_sign_are_read(column, cell, value):
    (row,) = parse_stats(f'authority,year,{column}\nStockport,2020,"{cell}"\n', "stats.csv").rows
    assert row.values[column] == value


@pytest.mark.parametrize(
    "args",
    [
        ["check", "", "--fix"],
        ["check", ".", "", "--fix"],
        ["parse", ""],
        ["config", ""],
        ["extract", ""],
        ["check", ".", "--rule-dir", ""],
        ["check", ".", "--config", ""],
        ["check", ".", "--data", ""],
        ["rules", "--rule-dir", ""],
        ["test-rules", "--rule-dir", ""],
        ["explain", "LGO101", "--rule-dir", ""],
    ],
)
def test_an_empty_path_is_refused_not_read_as_this_folder(tmp_path, monkeypatch, args):
    # Found by a trial: "check ''" checked the current folder (a path of no characters is
    # "."), and with --fix rewrote its letters.
    monkeypatch.chdir(tmp_path)
    letter = tmp_path / "stevenage.txt"
    shutil.copyfile(STEVENAGE, letter)  # (its lost count has a safe fix)
    before = letter.read_bytes()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "an empty path" in result.stderr
    assert letter.read_bytes() == before
