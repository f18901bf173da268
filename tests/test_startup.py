"""Start-up: what a short run imports, by module name (never by timing).

`--version` and `explain` import none of a check's stages; a one-letter check imports none of
the libraries that only other paths need (pydantic for `parse`, jsonschema for validating a
changed rule or configuration, jinja2 for the HTML report, rich for a batch's progress bar),
even with standard error on a terminal, and, once the cache holds the rule files, the
register and the TOML files it reads, no reader of theirs either. `--version` and
`explain CODE` are answered before typer builds the command line, and any other command line
is parsed by an app holding only the command it names: the answers are the same. Timings are
for benchmarks/perf.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from lgo_audit import cli
from lgo_audit.application import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from lgo_audit.report import FORMATS
from lgo_audit.resources import bundled_rule_data
from lgo_audit.rules import load_rules
from tests.paths import EXAMPLES

# Run lgo-audit's entry point in a fresh interpreter; then print the modules it had imported.
IMPORTED = (
    "import sys\n"
    "from lgo_audit.cli import main\n"
    "sys.argv = ['lgo-audit', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('\\nimported:', *sorted(sys.modules))\n"
)
LIBRARIES = ("pydantic", "jsonschema", "jinja2", "rich")
STAGES = (
    "lgo_audit.application",
    "lgo_audit.report",
    "lgo_audit.rules",
    "lgo_audit.grammar",
    "lgo_audit.check",
    "lgo_audit.engine",
    "lgo_audit.expr",
    "pyparsing",
    "re2",
    *LIBRARIES,
)


def imported(args: list[str], env: dict[str, str] | None = None, stderr=None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if stderr is None else stderr,
        env=env,
        text=True,
        check=True,
    )
    names = done.stdout.rsplit("imported:", 1)[1].split()
    return set(names)


def loaded(names: set[str], wanted: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in wanted or n.startswith(wanted))


@pytest.mark.parametrize("args", [["--version"], ["explain", "LGO101"]], ids=["version", "explain"])
def test_version_and_explain_import_no_checking_stage(args):
    assert loaded(imported(args), STAGES) == []


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_one_letter_check_imports_none_of_the_other_paths_libraries(tmp_path):
    import pty

    env = {**os.environ, "LGO_AUDIT_CACHE_DIR": str(tmp_path / "cache"), "TERM": "xterm"}
    letter = str(EXAMPLES / "stockport-2020.txt")
    args = ["check", "--isolated", letter]
    imported(args, env)  # the first run validates the rule files once (jsonschema) and caches
    controller, terminal = pty.openpty()  # standard error on a terminal: no bar for one letter
    try:
        names = imported(args, env, stderr=terminal)
    finally:
        os.close(terminal)
        os.close(controller)
    assert "lgo_audit.check" in names  # the letter was checked
    assert loaded(names, LIBRARIES) == []


def test_the_written_out_exit_statuses_and_formats_are_the_applications():
    assert (cli.EXIT_OK, cli.EXIT_FINDINGS, cli.EXIT_ERROR) == (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR)
    assert tuple((f.name, f.help) for f in FORMATS.values()) == cli.OUTPUT_FORMATS


def test_explain_reads_what_the_compiled_rules_hold():
    for rule in load_rules().rules:
        for key in (rule.code, rule.code.lower(), rule.name, rule.name.upper()):
            data = bundled_rule_data(key)
            assert data is not None, key
            assert (data["code"], data["name"]) == (rule.code, rule.name)
        assert data["severity"] == rule.severity.value
        assert data["summary"] == rule.summary
        assert data["explanation"].strip() == rule.explanation
        assert (data.get("when"), data.get("assert")) == (rule.when_source, rule.assert_source)
        assert data.get("let", {}) == rule.raw.get("let", {})
        if rule.fix is None:
            assert "fix" not in data
        else:
            assert data["fix"]["applicability"] == rule.fix.applicability.value
            assert (data["fix"]["at"], data["fix"]["replacement"]) == (rule.fix.at, rule.fix.source)
    assert bundled_rule_data("LGO999") is None
    assert bundled_rule_data("no-such-rule") is None


def test_explain_prints_the_rule_and_refuses_an_unknown_code():
    runner = CliRunner()
    shown = runner.invoke(cli.app, ["explain", "lgo101"])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("# LGO101 upheld-rate-mismatch (error)\n")
    assert "## Invariant" in shown.stdout
    unknown = runner.invoke(cli.app, ["explain", "LGO999"])
    assert unknown.exit_code == 2
    assert "no rule 'LGO999'" in unknown.stderr


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # each binding of "each", one line each (a trial found explain listed none)
        ("LGO203", ["## For each of these bindings (10)", " 1. it = upheld.period.start;"]),
        ("LGO403", ["## For each hyperlink of the letter"]),
        # a cross-letter rule: what it groups by and what must agree (it showed no invariant)
        ("LGO501", ["group:  document.kind, document.year, authority.type", "agree:  it"]),
        ("LGO502", ["unique: true"]),
        ("LGO001", ["check:  not-a-letter"]),
        ("LGO510", ["compare: upheld.investigated with column investigations"]),
        ("LGO402", ["pattern: \\b(?:TBC|TBA|TODO|FIXME)\\b"]),
        ("LGO102", ["## Names", "## Points to", "## Fix (safe)"]),
        ("LGO108", ["years:  to 2022"]),  # (a trial: it printed "years:  to")
        ("LGO307", ["## Fix (unsafe)", "safe when: ", "described as: "]),
    ],
)
def test_explain_shows_every_part_of_a_rules_check(code, shown):
    text = CliRunner().invoke(cli.app, ["explain", code, "--isolated"]).stdout
    for part in ["## Invariant", *shown]:
        assert part in text


def test_the_help_still_lists_every_format():
    text = CliRunner().invoke(cli.app, ["check", "--help"], env={"COLUMNS": "200"}).stdout
    for name in FORMATS:
        assert name in text


RUN_MAIN = "import sys\nsys.argv[0] = 'lgo-audit'\nfrom lgo_audit.cli import main\nmain()\n"
RUN_ENTRY = "import sys\nsys.argv[0] = 'lgo-audit'\nfrom lgo_audit.cli import entry\nentry()\n"


def run_main(
    args: list[str], env: dict[str, str] | None = None, *, script: str = RUN_ENTRY, **kwargs
) -> subprocess.CompletedProcess:
    """lgo-audit in a fresh interpreter, as the installed command runs it (its console
    script, :func:`lgo_audit.cli.entry`), or ``script``."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output="stdout" not in kwargs,
        env=env,
        text=True,
        check=False,
        **kwargs,
    )


@pytest.mark.parametrize(
    "args",
    [
        [str(EXAMPLES / "stockport-2020.txt")],
        [str(EXAMPLES / "stevenage-2020.txt")],
        [str(EXAMPLES), "--output-format", "json"],
        [str(EXAMPLES / "no-such-letter.txt")],
        ["--no-such-option"],
        [str(EXAMPLES), "--select", "LGO999"],
    ],
    ids=["clean", "finding", "json", "missing-file", "usage-error", "unknown-rule"],
)
def test_the_console_script_exits_as_main_does(args):
    """The console script ends without the interpreter's teardown: same output, same status."""
    hard = run_main(["check", "--isolated", *args])
    soft = run_main(["check", "--isolated", *args], script=RUN_MAIN)
    assert (hard.returncode, hard.stdout, hard.stderr) == (
        soft.returncode,
        soft.stdout,
        soft.stderr,
    )
    assert hard.returncode in (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR)


def test_the_console_script_leaves_a_report_file_whole(tmp_path):
    report = tmp_path / "report.sarif"
    done = run_main(["check", str(EXAMPLES), "--output-format", "sarif", "-o", str(report)])
    assert done.returncode == EXIT_FINDINGS
    assert json.loads(report.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_the_console_script_on_a_closed_pipe_exits_1_without_a_traceback():
    reading, writing = os.pipe()
    os.close(reading)  # nobody reads: the first write fails (EPIPE)
    try:
        done = run_main(
            ["check", str(EXAMPLES / "stockport-2020.txt"), "--output-format", "json"],
            stdout=writing,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(writing)
    assert done.returncode == EXIT_FINDINGS
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["full", "json"])
def test_a_full_disk_under_standard_output_is_one_line_and_status_2(fmt):
    with open("/dev/full", "w") as full:
        done = run_main(
            ["check", "--isolated", str(EXAMPLES), "--output-format", fmt],
            stdout=full,
            stderr=subprocess.PIPE,
        )
    assert (done.returncode, done.stderr) == (
        EXIT_ERROR,
        "lgo-audit: standard output: cannot write the report: No space left on device\n",
    )


@pytest.mark.skipif(sys.platform == "win32", reason="closes a descriptor before the run")
@pytest.mark.parametrize("closed", [1, 2], ids=["stdout", "stderr"])
def test_a_closed_standard_stream_changes_neither_the_run_nor_its_status(tmp_path, closed):
    """What would go to a stream the caller closed (``>&-``) is dropped, as ``print`` drops it;
    the other stream and the exit status are those of any run (a missing file: status 2)."""
    args = ["check", "--isolated", str(tmp_path / "missing.txt"), str(EXAMPLES)]
    report = tmp_path / "out.txt"
    with open(report, "w", encoding="utf-8") as out:
        done = run_main(
            args,
            stdout=out if closed == 2 else subprocess.DEVNULL,
            stderr=out if closed == 1 else subprocess.DEVNULL,
            preexec_fn=lambda: os.close(closed),
        )
    assert done.returncode == EXIT_ERROR
    written = report.read_text(encoding="utf-8")
    said = "missing.txt: no such file or directory" if closed == 1 else "LGO102"
    assert said in written and "Traceback" not in written


@pytest.mark.parametrize(("code", "status", "said"), [(None, 0, ""), (3, 3, ""), ("no", 1, "no\n")])
def test_a_sys_exit_inside_main_ends_the_console_script_as_python_would(code, status, said):
    script = (
        "import sys\nfrom lgo_audit import cli\n"
        f"def main(**options):\n    sys.exit({code!r})\n"
        "cli.main = main\ncli.entry()\n"
    )
    done = run_main([], script=script)
    assert (done.returncode, done.stderr) == (status, said)


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["explain", "LGO101"],
        ["explain", "lgo101"],
        ["explain", "upheld-rate-mismatch"],
        ["explain", "LGO999"],
        ["explain", ""],
    ],
    ids=["version", "explain", "lower-case", "by-name", "unknown", "empty"],
)
def test_version_and_explain_answer_as_the_full_command_line_does(args):
    """They are answered before typer builds the command line; the answer is the same."""
    quick = run_main(args)
    parsed = CliRunner().invoke(cli.app, args)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        parsed.exit_code,
        parsed.stdout,
        parsed.stderr,
    )


@pytest.mark.parametrize(
    "args", [["explain", "--help"], ["explain", "LGO101", "LGO102"], ["--version", "rules"]]
)
def test_other_command_lines_near_them_are_typers(args):
    quick = run_main(args)
    parsed = CliRunner().invoke(cli.app, args)
    assert quick.returncode == parsed.exit_code
    assert quick.stdout == parsed.stdout


def test_a_one_letter_check_builds_no_other_paths_stages(tmp_path):
    """Nor the process pool of a batch, nor the schema validator, the CSV reader or the TOML
    reader once the rule files, the register and the signatories come from the cache."""
    env = {**os.environ, "LGO_AUDIT_CACHE_DIR": str(tmp_path / "cache")}
    args = ["check", "--isolated", str(EXAMPLES / "stockport-2020.txt")]
    imported(args, env)  # the first run fills the cache
    names = imported(args, env)
    assert "lgo_audit.check" in names
    assert (
        loaded(names, ("concurrent.futures", "multiprocessing", "jsonschema", "csv", "tomllib"))
        == []
    )
    assert "lgo_audit.report.plot" not in names  # the HTML report's
    # nor the page grammar (a letter is no statistics page), nor the expression grammar (every
    # expression comes from the cache)
    assert "lgo_audit.grammar.page" not in names
    assert "lgo_audit.expr._parser" not in names


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--help"],
        ["check", "--output-format", "nope", "letter.txt"],
        ["check"],
        ["rules"],
        ["test-rules", "--help"],
        ["explain"],
        ["config", "--help"],
        ["chek"],
        ["--help"],
    ],
)
def test_the_app_with_only_the_command_named_answers_as_the_whole_app(args):
    """Typer builds only the command a run names; what it parses, prints and exits with is
    the same."""
    runner = CliRunner()
    env = {"COLUMNS": "100"}
    narrowed = runner.invoke(cli._with_only_the_command_named(args), args, env=env)
    whole = runner.invoke(cli.app, args, env=env)
    assert (narrowed.exit_code, narrowed.stdout, narrowed.stderr) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )


# --- as other linters are called --------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["check"], ["parse"], ["extract"], ["explain"]])
def test_dash_h_is_help(args):
    short = CliRunner().invoke(cli.app, [*args, "-h"])
    assert short.exit_code == 0
    assert short.stdout == CliRunner().invoke(cli.app, [*args, "--help"]).stdout
    assert short.stdout.startswith("Usage: ")


@pytest.mark.parametrize(
    "args",
    [["check", "--isolated", str(EXAMPLES / "stockport-2020.txt")], ["bogus"], ["check", "-h"]],
    ids=["check", "unknown-command", "help"],
)
def test_python_dash_m_is_the_command_as_it_names_itself(args):
    got = subprocess.run(
        [sys.executable, "-m", "lgo_audit", *args], capture_output=True, text=True, check=False
    )
    want = run_main(args)
    assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr)


@pytest.mark.parametrize(("command", "value"), [("parse", "text"), ("extract", "json")])
def test_parse_and_extract_take_output_format_as_check_does(command, value):
    letter = str(EXAMPLES / "stockport-2020.txt")
    named = CliRunner().invoke(cli.app, [command, "--output-format", value, letter])
    assert named.exit_code == 0
    assert named.stdout == CliRunner().invoke(cli.app, [command, "--format", value, letter]).stdout


@pytest.mark.parametrize("command", ["check", "parse", "extract"])
def test_ctrl_c_during_a_command_says_it_was_interrupted_and_exits_130(
    monkeypatch, capsys, command
):
    from lgo_audit import application

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    for name in ("run_check", "run_extract", "parse_letter"):
        monkeypatch.setattr(application, name, interrupted)
    monkeypatch.setattr(sys, "argv", ["lgo-audit", command, str(EXAMPLES / "stockport-2020.txt")])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == cli.INTERRUPTED == 130
    assert capsys.readouterr().err == "lgo-audit: interrupted\n"


def test_ctrl_c_while_the_command_line_is_still_imported_is_one_line_and_130():
    """Ctrl-C in the first tenth of a second, while Python imports the command line (typer),
    ends as an interrupted run does: no traceback (the console script's guard)."""
    script = (
        "import builtins\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        "    if name == 'typer':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        "from lgo_audit.console import entry\n"
        "entry()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "check", str(EXAMPLES / "stockport-2020.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (130, "lgo-audit: interrupted\n")


def test_the_console_script_runs_the_garbage_collector_seldom_and_a_library_import_does_not():
    from lgo_audit.console import GC_THRESHOLDS

    show = "import gc; print(*gc.get_threshold())"
    script = (
        "import sys, lgo_audit.cli\n"
        "def shown():\n"
        f"    {show}\n"
        "    sys.exit(0)\n"
        "lgo_audit.cli.entry = shown\n"
        "from lgo_audit.console import entry\n"
        "entry()\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == [str(n) for n in GC_THRESHOLDS]
    imported = subprocess.run(
        [sys.executable, "-c", f"import lgo_audit.console, lgo_audit.cli; {show}"],
        capture_output=True,
        text=True,
    )
    assert imported.stdout.split() == ["700", "10", "10"]  # Python's own


def test_the_console_script_is_the_guarded_entry():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"lgo-audit": "lgo_audit.console:entry"}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [["explain", "LGO301"], ["rules"], ["--version"]])
def test_output_the_system_cannot_take_is_said_so_not_an_internal_error(args):
    # A trial: `explain LGO301 > /dev/full` said "internal error: OSError: [Errno 28] ...".
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [sys.executable, "-m", "lgo_audit", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == "lgo-audit: cannot write: No space left on device"
