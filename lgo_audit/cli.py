"""The ``lgo-audit`` command line: ``check``, ``parse``, ``rules``, ``explain``.

Exit status, as linters have it: 0 no error-severity finding, 1 at least one, 2 a usage,
configuration or input error (always as one line on standard error, never a traceback).
"""

# Annotations are not postponed (no `from __future__ import annotations`): typer reads each
# command's signature on every run, and strings would be evaluated there again each time.
import contextlib
import copy
import errno
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from lgo_audit import __version__
from lgo_audit.console import INTERRUPTED

if TYPE_CHECKING:
    from lgo_audit.rules import RuleSet


_PATHS_HELP = "Letter and statistics-page files or folders (.txt, .md, .pdf, .docx, .html, .htm)."

app = typer.Typer(
    name="lgo-audit",
    help="Validate LGSCO Annual Review letters: every figure, date and name, by rules as data.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Written out rather than imported: importing the grammar (~100 ms) or the reader (~10 ms) costs
# more start-up time than a run that never reads a letter (--help) should pay. Tests keep them
# equal to their sources (tests/test_architecture.py).
PROFILE_NAMES = ("2020", "2021", "2022", "2023", "2024", "2025")
"""The template profiles (years) ``--profile`` offers: the names of
:data:`lgo_audit.grammar.PROFILES`."""
DEFAULT_MAX_BYTES = 5_000_000
"""The size limit ``--max-file-size`` defaults to: :data:`lgo_audit.reader.DEFAULT_MAX_BYTES`."""
# Written out too: importing the application (~20 ms) or the report registry (~30 ms) would
# make `--version` and `explain` pay for a check's modules (tests/test_startup.py).
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
"""The exit statuses: :data:`lgo_audit.application.EXIT_OK` and the others."""
OUTPUT_FORMATS = (
    ("full", "each finding with the letter's lines under it (the default)"),
    ("concise", "one line per finding"),
    ("json", "a JSON array of findings (an object with --evidence)"),
    ("json-lines", "one JSON object per finding per line"),
    ("sarif", "SARIF 2.1.0, for code-scanning tools"),
    ("github", "GitHub Actions workflow commands (annotations)"),
    ("junit", "JUnit XML, one test suite per letter, one failing test case per finding"),
    ("html", "one self-contained HTML page with every letter's evidence"),
)
"""The output formats, names and help: those of :data:`lgo_audit.report.FORMATS`."""

if TYPE_CHECKING:
    FormatChoice = str
    ProfileChoice = str
else:  # the choices of --output-format: the registry's formats, as typer wants them (an enum)
    FormatChoice = StrEnum("FormatChoice", {name: name for name, _ in OUTPUT_FORMATS})
    ProfileChoice = StrEnum("ProfileChoice", {name: name for name in PROFILE_NAMES})


class ParseFormat(StrEnum):
    json = "json"
    text = "text"


class ExtractFormat(StrEnum):
    csv = "csv"
    json = "json"


class RulesFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


# Options several commands share, declared once.
def _path(value: str | Path) -> Path:
    """A path given on the command line; an empty one is refused (as a path it would be ``.``,
    the current folder: ``check ''`` would check, and ``--fix`` rewrite, every letter there)."""
    if isinstance(value, Path):
        return value
    if not value:
        raise typer.BadParameter("an empty path (for the current folder, name it: '.')")
    return Path(value)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Use this configuration file for every letter.",
        parser=_path,
        metavar="<path>",
    ),
]
IsolatedOption = Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")]
RuleDirOption = Annotated[
    list[Path] | None,
    typer.Option("--rule-dir", help="A folder of your own rules.", parser=_path, metavar="<path>"),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        help="Pass over the files and folders this glob matches when searching a folder: a"
        " name (drafts, *.report.txt) or a path from the current folder (letters/2019/*);"
        " added to the configuration's exclude. Repeat for more.",
    ),
]
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")
]
ProfileOption = Annotated[
    ProfileChoice | None,
    typer.Option(help="Template profile (year); default: from the title."),
]
MaxFileSizeOption = Annotated[
    int | None,
    typer.Option(
        help="Largest file accepted, in bytes; for a PDF or DOCX, the most text read from it "
        f"(the file may have up to 50,000,000 bytes).  [default: {DEFAULT_MAX_BYTES}, or the "
        "configuration's max-file-size]"
    ),
]


def _standard_output_if_dash(value: Path | None) -> Path | None:
    """``-o -`` is standard output, as for most command-line tools."""
    return None if value is not None and str(value) == "-" else value


def _output_path(value: str | Path) -> Path:
    """The path ``-o`` names; an empty one is refused (as a path it would be ``.``)."""
    if isinstance(value, Path):
        return value
    if not value:
        raise typer.BadParameter("an empty path; name a file, or '-' for standard output")
    return Path(value)


OutputFileOption = Annotated[
    Path | None,
    typer.Option(
        "--output-file",
        "-o",
        help="Write the output to this file ('-': standard output).",
        parser=_output_path,
        metavar="<path>",
        callback=_standard_output_if_dash,
    ),
]


def say(message: str) -> None:
    """One line on standard error: a line break or other control character in it (a file
    named with one) is shown escaped, as the reports show it (:func:`lgo_audit.escape.clean_line`)."""
    from lgo_audit.escape import clean_line

    echo(clean_line(message), err=True)


def fail(message: str) -> NoReturn:
    """One line on standard error (:func:`say`) and exit status 2."""
    say(message if message.startswith("lgo-audit: ") else f"lgo-audit: {message}")
    raise typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        echo(f"lgo-audit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Validate LGSCO Annual Review letters."""


def echo(message: str = "", *, nl: bool = True, err: bool = False) -> None:
    """Write ``message`` (and a line break, unless not ``nl``) to standard output, or standard
    error with ``err``, in the stream's own encoding, and flush it. (``typer.echo`` writes
    UTF-8 bytes to a stream whose encoding is ASCII, which click takes for a misconfigured
    locale: ``PYTHONIOENCODING=ascii`` then got UTF-8, not the escapes docs/output-formats.md
    promises.)"""
    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n" if nl else message)
    stream.flush()


def _use_colour(no_color: bool) -> bool:
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _load(rule_dirs: tuple[str, ...] = ()) -> "RuleSet":
    from lgo_audit.application import UsageError, load_rule_set

    try:
        return load_rule_set(rule_dirs)
    except UsageError as error:
        fail(str(error))


def _emit(
    text: str, output_file: Path | None, *, end: str = "\n", what: str = "the report"
) -> None:
    """``text`` and ``end`` on standard output (nothing for no text), or into ``output_file``
    (UTF-8)."""
    with _Output(output_file, what=what) as out:
        out.write(text)
        out.end(end)


class _Output:
    """Where a report goes, piece by piece: standard output (in pieces of up to
    :data:`_PIECE` characters), or ``output_file`` (UTF-8), opened at the first piece.

    :meth:`end` adds the final line break: on standard output only after some text (an
    empty report prints nothing), in a file always. A file that cannot be written is one
    line on standard error and exit status 2."""

    _PIECE = 1 << 16

    def __init__(
        self, output_file: Path | None, *, what: str = "the report", utf8: bool = False
    ) -> None:
        self.output_file = output_file
        self.what = what
        self.utf8 = utf8  # UTF-8 to standard output too, whatever its encoding
        self.wrote = False  # any text yet
        self._pieces: list[str] = []
        self._size = 0
        self._file: Any = None
        self._report: Any = None

    def __enter__(self) -> "_Output":
        if self.output_file is not None:
            from lgo_audit.safe_write import ReportFile

            # written beside the file and put in its place when complete: a run stopped or
            # failed on the way leaves the file as it was (lgo_audit.safe_write.ReportFile)
            self._report = ReportFile(self.output_file)
            try:
                # what UTF-8 cannot hold (a file name's stray byte) shows as an escape, as on
                # standard output (docs/output-formats.md#encoding)
                self._file = self._report.open(encoding="utf-8", errors="backslashreplace")
            except OSError as error:
                self._failed(error)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is None:
            if exc[0] is None:
                self._flush()
            return
        if exc[0] is not None:
            self._report.discard()
            return
        try:
            self._flush()
        except BaseException:
            self._report.discard()
            raise
        try:
            self._report.commit()
        except OSError as error:
            self._failed(error)

    def write(self, text: str) -> None:
        if not text:
            return
        self.wrote = True
        self._pieces.append(text)
        self._size += len(text)
        if self._size >= self._PIECE:
            self._flush()

    def write_bytes(self, data: bytes) -> None:
        """``data`` as it is (a diff in its file's encoding), after what was written before."""
        if not data:
            return
        self._flush()
        self.wrote = True
        try:
            if self._file is None:
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                self._file.flush()
                self._file.buffer.write(data)
        except OSError as error:
            if self._file is None and error.errno == errno.EPIPE:
                raise  # a closed pipe (| head): main's, quietly
            self._failed(error)

    def end(self, end: str = "\n") -> None:
        if self.wrote or self.output_file is not None:
            self._pieces.append(end)

    def _flush(self) -> None:
        text = "".join(self._pieces)
        self._pieces, self._size = [], 0
        if not text:
            return
        try:
            if self._file is None and self.utf8 and hasattr(sys.stdout, "buffer"):
                sys.stdout.flush()
                sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
                sys.stdout.buffer.flush()
            elif self._file is None:
                echo(text, nl=False)
            else:
                self._file.write(text)
        except OSError as error:
            if self._file is None and error.errno == errno.EPIPE:
                raise  # a closed pipe (| head): main's, quietly
            self._failed(error)

    def _failed(self, error: OSError) -> NoReturn:
        what = " " + self.what if self.what else ""
        where = "standard output" if self.output_file is None else str(self.output_file)
        fail(f"{where}: cannot write{what}: {error.strerror or error}")


@contextlib.contextmanager
def _progress_on_terminal() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error when it is a terminal: reading a year's PDFs takes a
    while. Never on a pipe or a file, so never in a report. rich is imported only when a bar
    is drawn (a run of :data:`_PROGRESS_FROM` files or more), never for one letter."""
    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield None
        return
    drawn: list[Any] = []  # the bar and its task, once there is one

    def advance(done: int, total: int) -> None:
        if total < _PROGRESS_FROM:
            return
        if not drawn:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            bar = Progress(
                "checking",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            drawn.extend((bar, bar.add_task("checking", total=None)))
            bar.start()
        bar, task = drawn
        bar.update(task, completed=done, total=total)

    try:
        yield advance
    finally:
        if drawn:
            drawn[0].stop()


_PROGRESS_FROM = 10  # files: a shorter run ends before a bar is worth drawing


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help=_PATHS_HELP, readable=False, parser=_path)],
    output_format: Annotated[
        FormatChoice,
        typer.Option(
            "--output-format",
            help="How findings are shown: "
            + "; ".join(f"{name}: {text}" for name, text in OUTPUT_FORMATS)
            + ".",
        ),
    ] = "full",
    output_file: OutputFileOption = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count findings per rule instead.")
    ] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(help="Only these codes, prefixes (LGO1) or names; comma-separated."),
    ] = None,
    extend_select: Annotated[
        list[str] | None, typer.Option("--extend-select", help="Add these rules to the selection.")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(help="Skip these rules; comma-separated.")
    ] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes to the files.")] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="With --fix or --diff: unsafe fixes too.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Show the fixes as a unified diff; write nothing.")
    ] = False,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    rule_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--rule-dir",
            help="A folder of your own rules, added to the bundled ones.",
            parser=_path,
            metavar="<path>",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Lowest severity that fails the run (default: error, or as configured).",
        ),
    ] = None,
    profile: ProfileOption = None,
    max_file_size: MaxFileSizeOption = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Compare every letter with this statistics table (CSV).",
            parser=_path,
            metavar="<path>",
        ),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence", help="With json or html: each letter's hash and every rule's outcome."
        ),
    ] = False,
    jobs: JobsOption = None,
    exclude: ExcludeOption = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="Never colour the output.")] = False,
    skip_non_letters: Annotated[
        bool,
        typer.Option(
            "--skip-non-letters",
            help="Skip, with a note, a file in which no title, introduction or statistics"
            " panel of any template year is found (a README), instead of reporting LGO001;"
            " used by the pre-commit hook.",
        ),
    ] = False,
) -> None:
    """Check letters and report every inconsistency found."""
    from dataclasses import replace

    from lgo_audit import report
    from lgo_audit.application import (
        CheckOptions,
        FixInterrupted,
        UsageError,
        nothing_found,
        run_check,
    )

    fmt = report.FORMATS[output_format]
    if evidence and not fmt.takes_evidence:
        fail("--evidence goes with --output-format json (the html report always has it)")
    if statistics and report.statistics_problem(fmt) is not None:
        fail(str(report.statistics_problem(fmt)))
    if diff and (statistics or evidence or fmt.name != "full"):
        # (the diff is the whole report: a format asked for would silently not be written)
        given = "--statistics" if statistics else "--evidence" if evidence else "--output-format"
        fail(f"--diff writes the fixes as a unified diff, not a report: drop {given}")
    style = report.Style(colour=output_file is None and _use_colour(no_color))
    lean = statistics or fmt.reads_lean(evidence)
    written_by_workers = fmt.piece is not None and lean and not statistics and not diff
    options = CheckOptions(
        select=tuple(select or ()),
        extend_select=tuple(extend_select or ()),
        ignore=tuple(ignore or ()),
        rule_dirs=tuple(rule_dir or ()),
        fail_on=None if fail_on is None else fail_on.value,
        profile=None if profile is None else str(profile),
        max_file_size=max_file_size,
        config=config,
        isolated=isolated,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        data=data,
        jobs=jobs,
        exclude=tuple(exclude or ()),
        output_file=output_file,
        keep_source=fmt.shows_source and not statistics,
        shown_facts=frozenset() if statistics else fmt.shows_facts,
        skip_non_letters=skip_non_letters,
        pieces=report.Pieces(fmt.name, style) if written_by_workers else None,
    )
    with _progress_on_terminal() as progress:
        try:
            run = run_check(paths, replace(options, progress=progress))
        except UsageError as error:
            fail(str(error))
        except FixInterrupted as stop:  # (said here: typer makes a Ctrl-C a bare status)
            _stopped_after_fixing(stop.files)
    if not run.files and not run.input_errors:
        for line in nothing_found(paths, options):
            echo(line, err=True)
    for message in (*run.input_errors, *run.notices):
        say(message)
    if run.diff_only:  # the diffs are the report (to standard output, or to --output-file)
        # On a terminal its control characters are shown escaped; to a file or a pipe each
        # file's diff is written as it is, in that file's own encoding whatever the stream's
        # (UTF-8, or Windows-1252 for a Windows-1252 letter), so that it applies (a U+2028
        # escaped is six other characters, and a "£" in UTF-8 no line of a cp1252 file).
        terminal = output_file is None and sys.stdout.isatty()
        with _Output(output_file, what="the diff") as out:
            for one in run.diffs:
                if terminal:
                    out.write(report.clean_diff(one.text))
                else:
                    out.write_bytes(one.encoded())
        raise typer.Exit(run.exit_status)
    try:
        results = run.results.lean() if lean else run.results
        # (an HTML report says it is UTF-8, and is, on standard output too)
        utf8 = fmt.name == "html"
        with _Output(output_file, utf8=utf8) as out, _saying_what_was_fixed(run.letters_fixed):
            if statistics:
                out.write(report.render_statistics(results, fmt))
            else:
                report.write(fmt, report.Report(results, run.rules, style, evidence), out.write)
                if fmt.for_people:
                    if out.wrote:
                        out.write("\n\n")
                    out.write(report.summary(run.results.totals, style, unsafe_fixes=unsafe_fixes))
                    if fix:
                        out.write(f"\nFixed {run.fixed} finding{'s' if run.fixed != 1 else ''}.")
            out.end()
        status = run.exit_status
    finally:
        run.close()
    raise typer.Exit(status)


def _stopped_after_fixing(files: int) -> NoReturn:
    """Ctrl-C once ``--fix`` had written ``files`` letters: said, status 130."""
    plural = "s" if files != 1 else ""
    say(
        f"lgo-audit: interrupted after fixing {files} letter{plural} (each letter is fixed in "
        "full or as it was: run --fix again to fix the rest)"
    )
    sys.exit(INTERRUPTED)


@contextlib.contextmanager
def _saying_what_was_fixed(files: int) -> Iterator[None]:
    """A Ctrl-C while the report of a ``--fix`` that wrote ``files`` letters is written."""
    try:
        yield
    except KeyboardInterrupt:
        if files:
            _stopped_after_fixing(files)
        raise


@app.command("config")
def show_config(
    path: Annotated[
        Path, typer.Argument(help="A letter or folder whose settings to show.", parser=_path)
    ] = Path("."),
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Show the settings that apply to a letter or folder, and where they come from."""
    import json

    from lgo_audit.application import UsageError, settings_for

    try:
        settings = settings_for(path, config=config, isolated=isolated)
    except UsageError as error:
        fail(str(error))
    echo(json.dumps(settings.to_dict(), indent=2))


@app.command()
def parse(
    path: Annotated[Path, typer.Argument(help="One letter file.", readable=False, parser=_path)],
    format: Annotated[
        ParseFormat,
        typer.Option("--format", "--output-format", help="json (the schema's shape) or text."),
    ] = ParseFormat.json,
    profile: ProfileOption = None,
    max_file_size: MaxFileSizeOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    text: Annotated[
        bool,
        typer.Option(
            "--text",
            help="Print the text that is checked instead (a PDF's or DOCX's text as read).",
        ),
    ] = False,
) -> None:
    """Print the facts read from one letter, and any structural findings."""
    import json

    from lgo_audit.application import UsageError, parse_letter
    from lgo_audit.document import dump, letter_document, render_text

    try:
        parsed, rules = parse_letter(
            path,
            profile=None if profile is None else str(profile),
            max_file_size=max_file_size,
            config=config,
            isolated=isolated,
        )
    except UsageError as error:
        fail(str(error))
    if text:
        checked = parsed.source.text
        echo(checked, nl=not checked.endswith("\n"))
        return
    document = letter_document(parsed, rules)
    if format is ParseFormat.json:
        echo(json.dumps(dump(document), indent=2, ensure_ascii=True))
    else:
        echo(render_text(document))


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help=_PATHS_HELP, readable=False, parser=_path)],
    format: Annotated[
        ExtractFormat,
        typer.Option(
            "--format", "--output-format", help="One row per letter (csv) or a JSON array."
        ),
    ] = ExtractFormat.csv,
    output_file: OutputFileOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    jobs: JobsOption = None,
    exclude: ExcludeOption = None,
) -> None:
    """Write one row per letter with every fact, in the statistics table's columns first."""
    from lgo_audit import extract as extraction
    from lgo_audit.application import CheckOptions, UsageError, nothing_found, run_extract

    try:
        letters, errors = run_extract(
            paths,
            CheckOptions(
                config=config,
                isolated=isolated,
                jobs=jobs,
                exclude=tuple(exclude or ()),
                output_file=output_file,
            ),
        )
    except UsageError as error:
        fail(str(error))
    if not letters and not errors:
        for line in nothing_found(paths, CheckOptions(config=config, isolated=isolated)):
            echo(line, err=True)
    for message in errors:
        say(message)
    if format is ExtractFormat.csv:
        _emit(extraction.render_csv(letters), output_file, end="", what="")
    else:
        _emit(extraction.render_json(letters), output_file, what="")
    if errors:
        raise typer.Exit(EXIT_ERROR)


@app.command("rules")
def list_rules(
    output_format: Annotated[
        RulesFormat,
        typer.Option("--output-format", help="One line per rule (text) or a JSON array."),
    ] = RulesFormat.text,
    rule_dir: RuleDirOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """List every rule: code, name, severity and summary."""
    # (A team's rules too: --rule-dir, and the rule-dirs of the current folder's configuration,
    # as a check there uses them.)
    import json

    rules = _load(_rule_dirs_here(rule_dir, config, isolated))
    if output_format is RulesFormat.json:
        echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity.value,
                        "summary": r.summary,
                        "fix": None if r.fix is None else r.fix.applicability.value,
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = " [fix]" if r.fix is not None else ""
        echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}{fix}")


@app.command("test-rules")
def test_rules(
    rule_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--rule-dir",
            help="Test the rules in this folder (default: the bundled rules).",
            parser=_path,
            metavar="<path>",
        ),
    ] = None,
) -> None:
    """Run every rule's own examples: valid cases must pass, invalid ones must fire where told."""
    from lgo_audit.application import UsageError, run_rule_examples

    try:
        report = run_rule_examples(tuple(rule_dir or ()))
    except UsageError as error:
        fail(str(error))
    for line in report.problems:
        echo(line)
    echo(report.summary)
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="A rule code (LGO101) or name.")],
    rule_dir: RuleDirOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Explain a rule: what it checks, why it matters, an example and the fix."""
    # (A team's rule too: --rule-dir, or the rule-dirs of the current folder's configuration.)
    from lgo_audit.config_files import may_be_configured
    from lgo_audit.outline import outline
    from lgo_audit.resources import bundled_rule_data

    # Where no configuration can apply and no --rule-dir is given, read from the bundled rule
    # file itself: compiling every rule (expressions, patterns, vocabulary) would cost more
    # than the answer (tests/test_startup.py compares the two).
    dirs: tuple[str, ...] = ()
    if rule_dir or config is not None or (not isolated and may_be_configured(Path("."))):
        dirs = _rule_dirs_here(rule_dir, config, isolated)
    data = _team_rule_data(code, dirs) if dirs else bundled_rule_data(code)
    if data is None:
        where = " (see 'lgo-audit rules'" + (" with the same --rule-dir)" if rule_dir else ")")
        fail(f"no rule '{code}'{where}")
    echo(f"# {data['code']} {data['name']} ({data['severity']})\n")
    echo(f"{data['summary']}\n")
    echo(data["explanation"].strip())
    for line in outline(data):
        echo(line)


def _rule_dirs_here(
    rule_dir: list[Path] | None, config: Path | None, isolated: bool
) -> tuple[str, ...]:
    """The rule folders beyond the bundled rules: the current folder's configuration's, then
    ``--rule-dir`` (:func:`lgo_audit.application.rule_dirs_here`)."""
    from lgo_audit.application import UsageError, rule_dirs_here

    try:
        return rule_dirs_here(rule_dir or (), config=config, isolated=isolated)
    except UsageError as error:
        fail(str(error))


def _team_rule_data(code: str, rule_dirs: tuple[str, ...]) -> dict[str, Any] | None:
    """The rule file's table of the rule ``code`` (or name) among the bundled rules and those
    of ``rule_dirs`` (every file loaded and checked, as a run loads them), else None."""
    import tomllib

    rule = _load(rule_dirs).get(code)
    if rule is None:
        return None
    data: dict[str, Any] = tomllib.loads(rule.path.read_text(encoding="utf-8-sig"))
    return data


def _answer_at_once(args: list[str]) -> int | None:
    """The exit status of ``lgo-audit --version`` or ``lgo-audit explain CODE`` (``CODE`` not
    an option), answered as typer would answer them but before it builds the command line from
    every command's options (~10 ms, more than either answer costs); None for any other
    command line, which typer parses."""
    try:
        if args == ["--version"]:
            _version(True)
        elif len(args) == 2 and args[0] == "explain" and not args[1].startswith("-"):
            explain(args[1])
        else:
            return None
    except typer.Exit as done:
        return int(done.exit_code)
    except OSError as error:  # a closed pipe (| head): as typer has it, status 1
        if error.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        return 1
    return EXIT_OK


def _with_only_the_command_named(args: list[str]) -> typer.Typer:
    """The app, holding only the command ``args`` start with when they start with one's name:
    typer builds every command it holds from its signature before it parses a word (~1 ms a
    command, 4 for check), and a run uses one. Its options, help and messages are the same."""
    named = [
        info
        for info in app.registered_commands
        if args
        and info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == args[0]
    ]
    if not named:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands = named
    return narrowed


_CANNOT_WRITE = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EBADF}
)
"""The errors of a write the system refused (a full disk or quota, a file too large, a
read-only or failing device, a stream not open for writing)."""


def main(*, remember_compiled: bool = False) -> None:
    """Entry point: run the app, turning any stray exception into one line and status 2.

    With ``remember_compiled`` (the console script, :func:`entry`), a command other than
    ``--version`` and ``explain CODE`` compiles its regular expressions and dataclass
    methods with the caches of :mod:`lgo_audit.regex_cache` and
    :mod:`lgo_audit.dataclass_cache` in place (which :func:`entry` writes when the run is
    done)."""
    # A standard stream closed by the caller (`>&-`) is None: what would go there is dropped,
    # as print() drops it, and the run and its exit status are those of any other run.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):  # a legacy encoding (cp1252) never stops the run:
        reconfigure = getattr(stream, "reconfigure", None)  # what it cannot encode shows as
        if reconfigure is not None:  # \u0151 (docs/output-formats.md#encoding)
            reconfigure(errors="backslashreplace")
    try:
        status = _answer_at_once(sys.argv[1:])
        if status is None:
            if remember_compiled:
                from lgo_audit import dataclass_cache, regex_cache

                dataclass_cache.install()
                regex_cache.install()
            status = _with_only_the_command_named(sys.argv[1:])(
                standalone_mode=False,
                prog_name="lgo-audit",  # (python -m lgo_audit too)
            )
    except (typer.Abort, KeyboardInterrupt):
        echo("lgo-audit: interrupted", err=True)
        sys.exit(INTERRUPTED)
    except SystemExit:
        raise
    except Exception as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # plain `lgo-audit`: the help
            error.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_ERROR)
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            # A usage error: one line, not click's usage block.
            context = getattr(error, "ctx", None)
            hint = f" (see '{context.command_path} --help')" if context is not None else ""
            say(f"lgo-audit: {error.format_message()}{hint}")
            sys.exit(EXIT_ERROR)
        if isinstance(error, OSError) and error.filename is not None:
            # A path the system refused where no check expected it to (a name too long for
            # the file system): the path and the system's reason, as for any input error.
            from lgo_audit.reader import display_path

            reason = error.strerror or str(error)
            say(f"lgo-audit: {display_path(os.fsdecode(error.filename))}: {reason}")
            sys.exit(EXIT_ERROR)
        if isinstance(error, OSError) and error.errno in _CANNOT_WRITE:
            # Output the system could not take (`explain LGO101 > /dev/full`, a full disk
            # under the spool): the system's reason, not an internal error.
            say(f"lgo-audit: cannot write: {error.strerror or error}")
            sys.exit(EXIT_ERROR)
        # A bug: still one line and no traceback for the user.
        say(f"lgo-audit: internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_ERROR)
    if status == INTERRUPTED:  # (typer makes Ctrl-C in a command this status, silently)
        echo("lgo-audit: interrupted", err=True)
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def entry() -> NoReturn:
    """The ``lgo-audit`` console script: :func:`main`, then an exit that skips the
    interpreter's teardown.

    When :func:`main` is done every report and file it wrote is closed; what is left is
    freeing each module, the grammar and the rules object by object (~45 ms, a sixth of a
    one-letter check), which the operating system does at once. So the standard streams are
    flushed and the process ends with ``os._exit``, as mypy's command line does. The status
    is :func:`main`'s; standard output that cannot be flushed (a closed pipe) makes a status
    of 0 a 1, as :func:`main` has it for a pipe closed earlier.

    Call :func:`main` instead to stay in the process (it raises ``SystemExit``)."""
    try:
        main(remember_compiled=True)
        status = EXIT_OK
    except SystemExit as done:
        status = _exit_status(done.code)
    for cache in ("lgo_audit.regex_cache", "lgo_audit.dataclass_cache"):
        remembered = sys.modules.get(cache)  # (imported by main when put in place)
        if remembered is not None:
            # what this run compiled for the first time, if any: a cache only ever saves
            # time, so nothing in writing it (a file edited by hand) changes the run's end
            with contextlib.suppress(Exception):
                remembered.save()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except OSError as error:
            if stream is not sys.stdout:
                continue
            if error.errno == errno.EPIPE:  # a closed pipe: as main has it
                status = status or EXIT_FINDINGS
            else:  # (a full disk): the report is not whole
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    say(f"lgo-audit: standard output: cannot write the report: {error.strerror}")
                status = EXIT_ERROR
        except ValueError:  # a stream closed already
            pass
    os._exit(status)


def _exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` ends a process with (a message is printed, status 1)."""
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
