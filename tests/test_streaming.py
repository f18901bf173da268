"""A batch's check takes memory that does not grow with the batch: results go to a spool file
and back one at a time, cross-letter rules keep a few facts per letter, workers get a bounded
window of files, and reports are written piece by piece, byte for byte as before."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import gc
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example as hypothesis_example
from hypothesis import given, settings
from hypothesis import strategies as st

from lgo_audit import application, check, report
from lgo_audit.application import SPOOL_FROM, CheckOptions, run_check
from lgo_audit.batch import memory_names
from lgo_audit.config import Settings
from lgo_audit.findings import FactValue, FileResult, Finding, Severity, Totals
from lgo_audit.reader import SourceFile
from lgo_audit.report.evidence import render_json_with_evidence
from lgo_audit.report.machine import JSON_KEY, render_json, render_junit
from lgo_audit.report.sarif import render_sarif
from lgo_audit.report.text import full_key, full_piece, render_full
from lgo_audit.rules import rules_for
from lgo_audit.span import Span
from tests.batches import consistent_batch
from tests.letters import random_letter_facts, random_style, render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RUN_ENTRY = "import sys\nsys.argv[0] = 'lgo-audit'\nfrom lgo_audit.cli import entry\nentry()\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A batch large enough to be spooled, with one that cannot be read, the examples (findings
    with source lines) and a second letter to one of their councils (LGO502)."""
    batch = consistent_batch(SPOOL_FROM, seed=11, encoding="utf-8")
    letters = tmp_path_factory.mktemp("batch") / "letters"
    batch.write(letters)
    (letters / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)  # refused by the reader
    for example in EXAMPLES.glob("*.txt"):
        (letters / example.name).write_bytes(example.read_bytes())
    (letters / "stockport-again.txt").write_bytes((EXAMPLES / "stockport-2020.txt").read_bytes())
    return [letters, letters.parent / "missing.txt"]


def in_memory(monkeypatch: pytest.MonkeyPatch, folder: list[Path]) -> list[FileResult]:
    with monkeypatch.context() as patch:
        patch.setattr(application, "SPOOL_FROM", 10**9)
        run = run_check(folder, CheckOptions(isolated=True))
        assert run.results._file is None
        return list(run.results)


def test_a_spooled_check_gives_the_results_a_check_in_memory_gives(monkeypatch, folder):
    run = run_check(folder, CheckOptions(isolated=True))
    assert run.results._file is not None  # spooled
    spooled = list(run.results)
    errors = [r.path for r in spooled if r.error]  # each in its place
    assert [Path(p).name for p in errors] == ["binary.txt", "missing.txt"]
    (again,) = [r for r in spooled if r.path.endswith("stockport-again.txt")]
    assert "LGO502" in [f.code for f in again.findings]  # a batch finding, with its source
    assert again.source_text is not None
    assert spooled == in_memory(monkeypatch, folder)
    assert [r.path for r in run.results[2:4]] == [r.path for r in spooled[2:4]]
    assert run.results[-1] == spooled[-1]
    run.close()


def test_a_spooled_check_holds_no_result_in_memory_between_reads(folder):
    run = run_check(folder, CheckOptions(isolated=True))
    gc.collect()
    held = [o for o in gc.get_objects() if isinstance(o, FileResult)]
    assert len(held) <= 2, "only the results of files that could not be read are kept"
    assert sum(1 for _ in run.results) == len(run.results) > SPOOL_FROM
    run.close()


def leaves_in_cycles(letters: list[Path]) -> list[object]:
    """What checking ``letters`` as a batch's worker does (each result pickled) leaves for the
    cyclic garbage collector: objects only a cycle of references keeps, which reference
    counting never frees. (Checked twice: what a template year builds once is built first.)"""
    job = check._Job((Settings(),), None, False, True, frozenset(), (), True)
    for path in letters:
        check._check_task(job, path, 0)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path in letters:
            check._check_task(job, path, 0)
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_checking_a_letter_leaves_nothing_for_the_garbage_collector(folder):
    """A worker's memory does not wait for the cyclic garbage collector, which the console
    script runs seldom (lgo_audit.console.GC_THRESHOLDS): what a letter's check makes is
    freed when its result is sent, letters with findings, malformed and repeated statements
    and unexpected text included."""
    letters = sorted(folder[0].glob("*.txt"))[:40] + sorted(EXAMPLES.glob("*.txt"))
    assert leaves_in_cycles(letters) == []


def children_of(pid: int) -> list[int]:
    """The processes ``pid`` started that are still there (Linux's /proc)."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux's /proc/PID/task/PID/children to see a run's workers",
)
def test_ctrl_c_during_a_batch_is_one_line_130_and_ends_every_worker(tmp_path):
    """Ctrl-C reaches every process of the terminal's group, the workers too: they leave it to
    the run, which ends them and waits until they are gone (none is left running after it),
    says it was interrupted in one line (no worker's traceback) and exits 130."""
    letters = tmp_path / "letters"
    for path in consistent_batch(200, seed=5, encoding="utf-8").write(tmp_path / "one"):
        for copy in range(12):  # (a batch that takes the workers seconds)
            (letters / f"{copy}").mkdir(parents=True, exist_ok=True)
            (letters / f"{copy}" / path.name).write_bytes(path.read_bytes())
    run = subprocess.Popen(
        [sys.executable, "-c", RUN_ENTRY, "check", "--isolated", "-j", "2", str(letters)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # (its own group, as a terminal's command is)
        # (Ctrl-C as a terminal's command has it: a suite run in the background of a shell
        # without job control inherits SIGINT ignored, and Python then takes none)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while len(children_of(run.pid)) < 2 and run.poll() is None:
            assert time.monotonic() < deadline, "the run started no workers"
            time.sleep(0.01)
        workers = children_of(run.pid)
        time.sleep(0.2)  # (the workers at work)
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C: to the whole group
        run.wait(timeout=60)
        left = [pid for pid in workers if running(pid)]  # (as the run ends: a worker left
        assert run.stderr is not None  # holds standard error open, so it is read after)
        said = run.stderr.read()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for pid in children_of(run.pid):
            os.kill(pid, signal.SIGKILL)
    assert (run.returncode, said) == (130, "lgo-audit: interrupted\n")
    assert left == []


def test_the_totals_and_exit_status_are_counted_on_the_pass_that_writes_the_report(folder):
    run = run_check(folder, CheckOptions(isolated=True))
    results = list(run.results)  # one pass ...
    assert run.results._totals is not None  # ... counted them
    assert run.results.totals == Totals.of(results)
    assert run.exit_status == 2  # an input error
    assert run.input_errors == [r.error for r in results if r.error is not None]
    run.close()


def test_closing_a_run_deletes_its_spool_file(folder):
    run = run_check(folder, CheckOptions(isolated=True))
    spool = run.results._file
    assert spool is not None and not spool.closed
    run.close()
    assert spool.closed


def test_cross_letter_rules_keep_in_memory_only_what_they_group_by_and_compare():
    rules = Settings().selection.active(rules_for(()))
    names = memory_names(rules, data=False)
    assert {"document.kind", "document.year", "authority.type", "upheld.average"} <= names
    assert "signatory.name" in names  # LGO504 agrees on it
    # read only for the letters a finding is made on, or that share a rendition or a page:
    assert "salutation.name" not in names and "upheld.count" not in names
    assert "upheld.decisions" in memory_names(rules, data=True)  # the table's columns


class Synchronous:
    """A stand-in for the process pool that runs each chunk when it is submitted and counts
    the chunks submitted whose results have not been asked for."""

    most = 0

    def __init__(self, max_workers: int, initializer: Any, initargs: tuple[Any, ...]) -> None:
        initializer(*initargs)
        self.pending: list[Future[Any]] = []

    def __enter__(self) -> Synchronous:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass

    def submit(self, function: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(function(*args))
        original = future.result
        self.pending.append(future)
        Synchronous.most = max(Synchronous.most, len(self.pending))

        def result(timeout: float | None = None) -> Any:
            self.pending.remove(future)
            return original(timeout)

        future.result = result  # type: ignore[method-assign]
        return future


def test_workers_are_given_a_bounded_window_of_files_not_the_whole_batch(monkeypatch, folder):
    monkeypatch.setattr(
        concurrent.futures, "ProcessPoolExecutor", Synchronous
    )  # imported when used
    monkeypatch.setattr(check.os, "cpu_count", lambda: 2)
    files = sorted(p for p in folder[0].iterdir() if p.is_file()) * 20  # a batch of 1,400
    Synchronous.most = 0
    results = list(check.check_results([(p, Settings()) for p in files], 2, pack=True))
    assert len(results) == len(files)
    assert all(isinstance(r.result, bytes) for r in results)  # pickled for the spool
    assert Synchronous.most <= 2 * check.WINDOW


def test_a_batch_holds_each_files_settings_as_a_number_among_the_distinct_ones():
    """Equal settings are one, whichever object each file was given; every file keeps its
    own, in order, however the list is read."""
    strict, lax, strict_again = (
        Settings(ignore=("LGO009",)),
        Settings(),
        Settings(ignore=("LGO009",)),
    )
    given_ = [("a.txt", strict), (Path("b.txt"), lax), ("c.txt", strict_again), ("d.txt", lax)]
    tasks = check.Tasks(given_)
    assert tasks.settings == [strict, lax]
    assert list(tasks.numbers) == [0, 1, 0, 1]
    expected = [(os.fspath(path), settings) for path, settings in given_]
    assert list(tasks) == expected
    assert [tasks[i] for i in range(len(tasks))] == expected
    assert tasks[1:3] == expected[1:3]


def test_reports_written_piece_by_piece_are_what_json_and_xml_write_whole(folder):
    run = run_check(folder, CheckOptions(isolated=True))
    for text in (
        render_json(run.results),
        render_json_with_evidence(run.results),
        render_sarif(run.results, run.rules),
    ):
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=True)
    junit = render_junit(run.results)
    root = ET.fromstring(junit.split("\n", 1)[1])
    ET.indent(root)
    whole = ET.tostring(root, encoding="unicode").encode("ascii", "xmlcharrefreplace")
    assert junit.split("\n", 1)[1] == whole.decode("ascii")
    assert root.get("tests") == str(sum(int(s.get("tests", 0)) for s in root))
    assert root.get("failures") == str(sum(int(s.get("failures", 0)) for s in root))
    assert root.get("errors") == "2"
    run.close()


def _loads_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the results read back from the spool from now on."""
    loaded: list[int] = []
    load = application.Results._load

    def counted(self: application.Results, index: int) -> FileResult:
        loaded.append(index)
        return load(self, index)

    monkeypatch.setattr(application.Results, "_load", counted)
    return loaded


def test_a_lean_pass_reads_back_only_the_results_with_findings(monkeypatch, folder):
    """A report that reads of a clean letter only its path, error and profile (most formats)
    is given lean results: a batch's clean letters are not read back from the spool, unless
    the batch stage found something in them; what it reads is what a whole pass reads."""
    run = run_check(folder, CheckOptions(isolated=True))
    whole = list(run.results)
    loaded = _loads_counted(monkeypatch)
    lean = list(run.results.lean())
    shown_whole = [i for i, r in enumerate(whole) if r.findings or r.error is not None]
    assert loaded == shown_whole  # each once, in order; the clean ones never
    (again,) = [i for i, r in enumerate(whole) if r.path.endswith("stockport-again.txt")]
    assert again in loaded  # clean in its worker, a cross-letter finding after
    assert len(shown_whole) < len(whole) - SPOOL_FROM // 2  # most letters are clean

    def shown(result: FileResult) -> tuple[object, ...]:
        return (result.path, result.findings, result.error, result.kind, result.profile)

    assert [shown(r) for r in lean] == [shown(r) for r in whole]
    assert Totals.of(lean) == Totals.of(whole) == run.results.totals
    assert run.results.lean()[again].findings == whole[again].findings
    run.close()


def test_the_totals_are_counted_without_reading_back_clean_letters(monkeypatch, folder):
    run = run_check(folder, CheckOptions(isolated=True))
    loaded = _loads_counted(monkeypatch)
    assert run.exit_status == 2  # (the counting pass)
    totals = run.results.totals
    assert totals.clean_letters == totals.letters + totals.unreadable - len(loaded) > 0
    run.close()


@pytest.mark.parametrize(
    "fmt", [f for f in report.FORMATS.values() if f.reads_lean()], ids=lambda f: f.name
)
def test_every_lean_format_writes_from_lean_results_what_it_writes_from_whole_ones(fmt, folder):
    run = run_check(folder, CheckOptions(isolated=True))
    whole = report.render(fmt, report.Report(run.results, run.rules))
    assert report.render(fmt, report.Report(run.results.lean(), run.rules)) == whole
    run.close()


def test_the_formats_that_read_every_letter_whole_are_not_lean():
    assert not report.FORMATS["html"].reads_lean()  # each letter's digest, outcomes, plot
    assert not report.FORMATS["json"].reads_lean(evidence=True)  # each letter's evidence
    assert report.FORMATS["json"].reads_lean()


WRITTEN_BY_WORKERS = [f for f in report.FORMATS.values() if f.piece is not None]


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("fmt", WRITTEN_BY_WORKERS, ids=lambda f: f.name)
def test_a_report_whose_workers_write_each_letters_part_is_the_report_written_whole(
    fmt, colour, folder
):
    """With ``pieces``, a batch's workers write each letter's part of the report as they
    check it; the report is byte for byte the one written from the whole results, the
    letters the batch stage adds a finding to (stockport-again.txt) included."""
    style = report.Style(colour=colour)
    whole_run = run_check(folder, CheckOptions(isolated=True))
    whole = report.render(fmt, report.Report(whole_run.results, whole_run.rules, style))
    whole_run.close()
    run = run_check(folder, CheckOptions(isolated=True, pieces=report.Pieces(fmt.name, style)))
    assert report.render(fmt, report.Report(run.results.lean(), run.rules, style)) == whole
    assert "stockport-again.txt" in whole
    run.close()


@pytest.mark.parametrize(
    ("arguments", "written_by_workers"),
    [
        *((["--output-format", f.name], True) for f in WRITTEN_BY_WORKERS),
        (["--output-format", "junit"], False),  # a suite for every letter, clean ones too
        (["--output-format", "html"], False),
        (["--output-format", "json", "--evidence"], False),
        (["--statistics"], False),
        (["--diff"], False),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else str(a),
)
def test_the_command_line_has_the_workers_write_the_report_when_the_format_can(
    monkeypatch, folder, arguments, written_by_workers
):
    from typer.testing import CliRunner

    from lgo_audit.cli import app

    given: list[CheckOptions] = []

    def recorded(paths: Any, options: CheckOptions) -> application.Run:
        given.append(options)
        return application.Run()

    monkeypatch.setattr(application, "run_check", recorded)
    CliRunner().invoke(app, ["check", "--isolated", *arguments, str(folder[0])])
    (options,) = given
    assert (options.pieces is not None) is written_by_workers
    if written_by_workers:
        assert options.pieces.format == arguments[1]


def test_a_letter_written_by_its_worker_keeps_its_text_as_checked(folder, tmp_path):
    """The report reads back a letter's piece and findings; a letter the batch stage adds a
    finding to is read back whole and written again, with its lines as they were checked,
    even when the file has changed since."""
    letters = tmp_path / "letters"
    shutil.copytree(folder[0], letters)
    again = letters / "stockport-again.txt"
    again.write_bytes(again.read_bytes().replace(b"\nDear", b"\nInserted\n\nDear", 1))
    run = run_check([letters], CheckOptions(isolated=True, pieces=report.Pieces("full")))
    results = run.results
    pieced = [i for i in range(results._count) if results._lean_at[i] >= 0]
    assert pieced, "the examples have findings"
    for index in pieced:
        findings, (key, text) = results._load_at(results._lean_at[index])
        assert key == full_key(report.Style()) and text
        assert findings == results._load(index).findings  # as checked, before the batch stage
        assert results._load(index).source_text is not None
    checked = again.read_text(encoding="utf-8")
    again.write_text("Changed after the check.\n" * 40, encoding="utf-8")
    (number,) = [i for i in pieced if results[i].path == str(again)]
    assert results.lean()[number].source_text == checked
    assert "Changed after the check" not in render_full(results.lean())
    run.close()


def test_a_letter_whose_part_its_worker_writes_comes_back_as_read_and_checks_the_same(
    monkeypatch, folder
):
    """With ``pieces``, a batch's letter read as text comes back from its worker as read (its
    SourceFile: about half the bytes of its whole result, and none of its facts and rule
    outcomes to pickle, a tenth of a batch's time); the report reads a letter whole only
    when the batch stage adds a finding to it, and checked again from what was read it is,
    field for field, the result its worker made."""
    monkeypatch.setattr(application._AsRead, "FIRST", 1)  # (after the first letter)
    whole_run = run_check(folder, CheckOptions(isolated=True))
    pieces = report.Pieces("full")
    run = run_check(folder, CheckOptions(isolated=True, pieces=pieces, jobs=1))
    whole, results = whole_run.results, run.results
    assert results._count == whole._count
    unread = {i for i in range(whole._count) if whole._load(i).error is not None}
    assert len(unread) == 2  # (binary.txt and missing.txt)
    letters = [i for i in range(1, whole._count) if i not in unread]
    for index in letters:
        assert isinstance(results._load_at(results._offsets[index]), SourceFile)
        made = whole._load(index)
        made.findings.sort(key=lambda f: f.sort_key)
        assert results._load(index) == made
    whole_run.close()
    run.close()


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Letters of random councils, years and figures, each consistent in itself but not with
    the others: the batch stage finds something in most of them."""
    folder = tmp_path_factory.mktemp("disagreeing")
    rng = random.Random(7)
    for index in range(120):
        facts, style = random_letter_facts(rng), random_style(rng)
        data = render(facts, dataclasses.replace(style, encoding="utf-8"))
        (folder / f"letter-{index:03d}.txt").write_bytes(data)
    return folder


def sent(results: application.Results) -> list[str]:
    """How each letter came back from its worker: "read" (as read) or "whole"."""
    loaded = (results._load_at(results._offsets[i]) for i in range(results._count))
    return ["read" if isinstance(item, SourceFile) else "whole" for item in loaded]


def test_letters_come_back_as_read_only_while_the_batch_stage_finds_something_in_few(
    monkeypatch, disagreeing, folder
):
    """The first letters come back whole; then the batch stage judges those checked so far,
    and letters come back as read only if it finds something in few of them: one sent as
    read is checked again if it gets a finding, and in a batch whose letters disagree most
    would. The report is the same either way."""
    monkeypatch.setattr(application._AsRead, "FIRST", 16)
    pieces = report.Pieces("full")
    run = run_check(folder, CheckOptions(isolated=True, pieces=pieces, jobs=1))
    ways = sent(run.results)
    unread = {i for i in range(len(ways)) if run.results[i].error is not None}
    assert len(unread) == 2  # (binary.txt and missing.txt: no letter, sent whole)
    assert ways[:16] == ["whole"] * 16  # (the batch stage is first asked at 16 letters)
    assert all(way == "read" for i, way in enumerate(ways) if i >= 16 and i not in unread)
    run.close()
    run = run_check([disagreeing], CheckOptions(isolated=True, pieces=pieces, jobs=1))
    assert sent(run.results) == ["whole"] * run.results._count
    lean = report.render(report.FORMATS["full"], report.Report(run.results.lean(), run.rules))
    run.close()
    whole_run = run_check([disagreeing], CheckOptions(isolated=True, jobs=1))
    assert lean == report.render(
        report.FORMATS["full"], report.Report(whole_run.results, whole_run.rules)
    )
    whole_run.close()


def test_a_piece_written_for_another_format_or_style_is_not_used():
    finding = Finding("a.txt", "LGO101", "upheld-rate", Severity.ERROR, "wrong", Span(1, 1, 1, 2))
    result = FileResult("a.txt", [finding], source_text="x\n")
    result.report_piece = (JSON_KEY, "not the full report")
    assert render_full([result]) == full_piece(result) != "not the full report"
    result.report_piece = (full_key(report.Style(colour=True)), "coloured")
    assert render_full([result]) != "coloured"
    assert render_full([result], report.Style(colour=True)) == "coloured"


@settings(max_examples=200, deadline=None)
@hypothesis_example(text="a\r\nb\r\n\r\nc", spans=[(2, 1, 2, 2), (4, 1, 0, 9)])  # "\r\n" throughout
@hypothesis_example(text="a\nb\rc\r\n", spans=[(1, 1, 3, 2)])  # breaks of every kind
@given(
    text=st.text(alphabet="ab \r\n\t\u00e9", max_size=80),
    spans=st.lists(
        st.tuples(st.integers(1, 12), st.integers(1, 9), st.integers(0, 3), st.integers(1, 9)),
        min_size=1,
        max_size=4,
    ),
)
def test_the_full_report_reads_only_the_lines_it_shows_and_shows_what_the_whole_text_does(
    text: str, spans: list[tuple[int, int, int, int]]
) -> None:
    """The full report keeps only the lines its findings show, reading the text no further
    than the last of them (a note on line 1 of a 50 MB letter reads one line): what it shows is
    what splitting the whole text into lines shows, whatever the line ends and wherever the
    findings are (past the end included)."""
    from lgo_audit.report import text as text_report
    from lgo_audit.span import Span

    findings = [
        Finding("l.txt", "LGO001", "x", Severity.WARNING, "m", Span(line, col, line + down, end))
        for line, col, down, end in spans
    ]
    whole = text_report._LINE_BREAK.split(text)
    kept = text_report._Lines(text, findings)
    for finding in findings:
        shown = finding.span.line <= len(kept)
        assert shown == (finding.span.line <= len(whole))
        if shown:
            assert text_report._source_excerpt(
                kept, finding, text_report.Style()
            ) == text_report._source_excerpt(whole, finding, text_report.Style())


@settings(max_examples=50, deadline=None)
@given(steps=st.lists(st.one_of(st.none(), st.integers(0, 30)), max_size=30))
def test_a_spool_read_between_additions_gives_back_each_result_as_added(steps):
    """Adding and reading by turns (the batch stage reads a letter's facts while others are
    still to come): each result reads back as it was added."""
    results = application.Results(spool=True)
    added: list[FileResult] = []
    try:
        for step in steps:
            if step is None or not added:
                added.append(FileResult(f"letter-{len(added)}.txt", sha256="x" * len(added)))
                results.add(added[-1])
            else:
                index = step % len(added)
                assert results.facts(index) == added[index].facts
                assert results._load(index) == added[index]
        assert [results._load(i) for i in range(len(added))] == added
    finally:
        results.close()


def _finding(path: str) -> Finding:
    return Finding(path, "LGO101", "upheld-percentage", Severity.ERROR, "x", Span(1, 1, 1, 2))


@pytest.mark.parametrize("gathered", [1, 10_000, 1 << 20], ids=["each", "some", "all"])
def test_a_spool_read_between_additions_gives_back_every_result_as_added(monkeypatch, gathered):
    # results are gathered and written a megabyte at a time; a read in between (the batch
    # stage asking a letter's facts) must see every result added so far, and the next
    # additions must go after them
    monkeypatch.setattr(application, "_SPOOL_WRITE", gathered)
    made = [
        FileResult(
            f"letter-{i}.txt",
            [_finding(f"letter-{i}.txt")],  # (a result keeps its text to show its findings)
            sha256=f"{i:064x}",
            source_text="x" * (i * 997),
        )
        for i in range(12)
    ]
    results = application.Results(spool=True)
    for i, result in enumerate(made):
        results.add(result)
        if i % 5 == 4:
            assert results[i // 2] == made[i // 2]
    results.finish(None, lambda _: (), (), keep_source=True)
    assert list(results) == made
    assert results[3] == made[3] and results[-1] == made[-1]
    results.close()


_PLAIN_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # past 64 bits too: orjson refuses them
    | st.text(st.characters(codec=None, max_codepoint=0x1F600), max_size=12)  # DEL, surrogates
    | st.sampled_from(["\x7f", "caf\u00e9", "\ud800", "a\tb\n\x00", "</script>", "\\", '"']),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=6) | st.sampled_from(["\x7f", "\u00e9"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(item=_PLAIN_JSON, level=st.integers(0, 3))
def test_a_plain_json_item_is_written_as_the_standard_library_writes_it(item, level):
    """A finding or SARIF result (strings, integers, booleans, null, lists and dicts) is
    written in the same bytes whether orjson writes it or the standard library does: the
    same indentation and escapes, and the standard library's text where orjson's would differ
    (non-ASCII text, DEL) or orjson refuses the item (an integer past 64 bits, a surrogate)."""
    from lgo_audit.report.machine import json_item, plain_json_item

    assert plain_json_item(item, level) == json_item(item, level)


def test_the_full_report_shows_the_lines_of_a_text_past_the_split_limit_as_of_a_letter():
    """A letter's lines are split at C speed; a longer text's are read one at a time (it is
    not split into a copy of itself): both show the same lines."""
    from lgo_audit.report import text as text_report
    from lgo_audit.span import SPLIT_MAX, Span

    line = "Dear Sir\r\n"
    long_text = line * (SPLIT_MAX // len(line) + 2)
    last = long_text.count("\n")
    findings = [
        Finding("l.txt", "LGO001", "x", Severity.WARNING, "m", Span(n, 1, n, 3))
        for n in (1, 2, last - 1, last + 1)
    ]
    kept = text_report._Lines(long_text, findings)
    whole = text_report._LINE_BREAK.split(long_text)
    for finding in findings:
        assert (finding.span.line <= len(kept)) == (finding.span.line <= len(whole))
        if finding.span.line <= len(kept):
            style = text_report.Style()
            shown = text_report._source_excerpt(kept, finding, style)
            assert shown == text_report._source_excerpt(whole, finding, style)


_FACT_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.dates()
    | st.datetimes()
    | st.tuples(st.integers(), st.text(max_size=3))
)


@settings(max_examples=200, deadline=None)
@given(
    facts=st.dictionaries(
        st.text(min_size=1, max_size=6),
        st.tuples(
            _FACT_VALUES,
            st.text(max_size=6),
            st.none() | st.just(Span(1, 2, 1, 5)),
            st.none() | st.tuples(st.integers(0, 99), st.integers(0, 99)),
        ),
        max_size=6,
    )
)
def test_a_result_sent_from_a_worker_brings_back_each_fact_as_it_was(facts):
    # (Decimals and dates are sent as text and day numbers: each comes back of its own type,
    # sign, exponent and all, and a datetime, a kind of date, as a datetime)
    import pickle

    kept = {name: FactValue(*fields) for name, fields in facts.items()}
    result = pickle.loads(pickle.dumps(FileResult("a.txt", facts=kept), protocol=5))
    assert list(result.facts) == list(kept)
    for name, fact in kept.items():
        back = result.facts[name]
        assert repr(back) == repr(fact)  # (a NaN is not equal to itself: its text is)
        assert type(back) is FactValue and type(back.value) is type(fact.value)
