"""The ``lgo-audit`` command line: ``check``, ``parse``, ``rules``, ``explain``.

Exit status, as linters have it: 0 no error-severity finding, 1 at least one, 2 a usage,
configuration or input error (always as one line on standard error, never a traceback).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from lgo_audit import __version__
from lgo_audit.report import OutputFormat

if TYPE_CHECKING:
    from lgo_audit.config import Settings
    from lgo_audit.rules import RuleSet

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="lgo-audit",
    help="Validate LGSCO Annual Review letters: every figure, date and name, by rules as data.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ParseFormat(StrEnum):
    json = "json"
    text = "text"


# Options several commands share, declared once.
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Use this configuration file for every letter.")
]
IsolatedOption = Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")]
JobsOption = Annotated[
    int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")
]
ProfileOption = Annotated[
    str | None, typer.Option(help="Template profile (year); default: from the title.")
]
OutputFileOption = Annotated[
    Path | None, typer.Option("--output-file", "-o", help="Write the output to this file.")
]


def fail(message: str) -> NoReturn:
    """One line on standard error and exit status 2."""
    typer.echo(
        f"lgo-audit: {message}" if not message.startswith("lgo-audit") else message, err=True
    )
    raise typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lgo-audit {__version__}")
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


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for item in values or () for v in item.split(",") if v.strip())


def _use_colour(no_color: bool) -> bool:
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _load(rule_dirs: tuple[str, ...] = ()) -> RuleSet:
    from lgo_audit.rules import RuleLoadError, load_rules

    try:
        return load_rules(rule_dirs)
    except RuleLoadError as error:
        fail(str(error))


def _load_table(path: Path):  # type: ignore[no-untyped-def]
    from lgo_audit.stats import StatsError, load_stats

    try:
        return load_stats(path)
    except StatsError as error:
        fail(str(error))


def _load_registers(groups: list[Settings]) -> None:
    """Load each configuration's authority register now: a bad one is an error before checking."""
    from lgo_audit.check import load_register
    from lgo_audit.register import RegisterError

    for settings in groups:
        try:
            load_register(settings.authority_register)
        except RegisterError as error:
            fail(str(error))


def _judge_batch(
    results: list[Any],
    rules: list[Any],
    table: Any,
    fail_level: dict[str, Any],
    settings_of: dict[str, Settings],
) -> None:
    """Cross-letter rules over the checked letters, and reconciliation with ``table``; then
    each letter's per-file-ignores apply to what they added too."""
    from lgo_audit.batch import reconcile, run_batch_rules
    from lgo_audit.check import FileResult
    from lgo_audit.findings import Severity

    unique = list({r.code: r for r in rules}.values())
    letters = [
        (r.path, r.facts, r.findings, r.results) for r in results if r.error is None and r.facts
    ]
    if len(letters) > 1:
        run_batch_rules(letters, unique)
    if table is not None:
        orphans = reconcile(letters, unique, table)
        if orphans:
            results.append(FileResult(table.path, orphans, source_text=table.text, kind="table"))
            fail_level[table.path] = min(
                fail_level.values(), key=lambda s: s.rank, default=Severity.ERROR
            )
    for result in results:
        settings = settings_of.get(result.path)
        ignored = settings.ignored_for(Path(result.path)) if settings is not None else ()
        if ignored:
            result.findings = [f for f in result.findings if not _selected_by(f, ignored)]
        result.findings.sort(key=lambda f: f.sort_key)


def _keep_source(results: list[Any]) -> None:
    """Reread letters whose findings came only from the batch stage: the full and html
    formats show source lines (the others do not need them)."""
    for result in results:
        if result.findings and result.source_text is None:
            with contextlib.suppress(OSError):
                result.source_text = Path(result.path).read_text(encoding="utf-8", errors="replace")


def _selected_by(finding: Any, selectors: tuple[str, ...]) -> bool:
    return any(finding.code.startswith(s.upper()) or finding.name == s.lower() for s in selectors)


NO_OVERRIDES: dict[str, Any] = {
    "select": (),
    "extend_select": (),
    "ignore": (),
    "rule_dirs": (),
    "fail_on": None,
    "max_file_size": None,
    "profile": None,
}
"""The command line changing nothing in the configuration."""


def _settings_for(
    files: list[Path], config: Path | None, isolated: bool, overrides: dict[str, Any]
) -> list[tuple[Path, Settings]]:
    """Each file with its settings: its nearest configuration (or --config), then the options."""
    from lgo_audit.config import ConfigError, Settings, find_config, load_config

    cache: dict[Path | None, Settings] = {}

    def settings(path: Path | None) -> Settings:
        if path not in cache:
            base = Settings() if path is None else load_config(path)
            merged = dataclasses.replace(
                base,
                select=overrides["select"] or base.select,
                extend_select=base.extend_select + overrides["extend_select"],
                ignore=base.ignore + overrides["ignore"],
                rule_dirs=base.rule_dirs + overrides["rule_dirs"],
                fail_on=overrides["fail_on"] or base.fail_on,
                max_file_size=overrides["max_file_size"] or base.max_file_size,
                profile=overrides["profile"] or base.profile,
            )
            cache[path] = merged
        return cache[path]

    try:
        if isolated:
            return [(f, settings(None)) for f in files]
        if config is not None:
            return [(f, settings(config)) for f in files]
        return [(f, settings(find_config(f.parent))) for f in files]
    except ConfigError as error:
        fail(str(error))


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Letter files or folders (.txt, .md).")],
    output_format: Annotated[
        OutputFormat, typer.Option("--output-format", help="How findings are shown.")
    ] = OutputFormat.full,
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
        typer.Option("--rule-dir", help="A folder of your own rules, added to the bundled ones."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Lowest severity that fails the run: error or warning."),
    ] = None,
    profile: ProfileOption = None,
    max_file_size: Annotated[
        int | None, typer.Option(help="Largest file accepted, in bytes.")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Compare every letter with this statistics table (CSV)."),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence", help="With json or html: each letter's hash and every rule's outcome."
        ),
    ] = False,
    jobs: JobsOption = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="Never colour the output.")] = False,
) -> None:
    """Check letters and report every inconsistency found."""
    from lgo_audit import report
    from lgo_audit.check import active_rules, check_files, collect_paths, rules_for
    from lgo_audit.findings import Severity
    from lgo_audit.fix import fix_file
    from lgo_audit.grammar import PROFILES
    from lgo_audit.rules import RuleLoadError

    if evidence and output_format not in (OutputFormat.json, OutputFormat.html):
        fail("--evidence goes with --output-format json (the html report always has it)")
    table = _load_table(data) if data is not None else None
    if profile is not None and profile not in PROFILES:
        fail(f"unknown profile '{profile}' (known: {', '.join(PROFILES)})")
    if max_file_size is not None and max_file_size <= 0:
        fail("--max-file-size must be a positive number of bytes")
    if fail_on not in (None, "error", "warning"):
        fail(f"--fail-on must be error or warning, not '{fail_on}'")
    if config is not None and isolated:
        fail("--config and --isolated cannot be used together")
    if config is not None and not config.is_file():
        fail(f"{config}: configuration file not found")
    overrides: dict[str, Any] = {
        "select": _split(select),
        "extend_select": _split(extend_select),
        "ignore": _split(ignore),
        "rule_dirs": tuple(str(d.resolve()) for d in rule_dir or ()),
        "fail_on": Severity(fail_on) if fail_on else None,
        "max_file_size": max_file_size,
        "profile": profile,
    }
    files, path_errors = collect_paths(paths)
    if not files and not path_errors:
        typer.echo("lgo-audit: warning: no letters (.txt, .md) found", err=True)
    tasks = _settings_for(files, config, isolated, overrides)
    groups = list(dict.fromkeys(s for _, s in tasks)) or [
        _settings_for([Path(".")], config, isolated, overrides)[0][1]
    ]
    try:
        rule_sets = {s: rules_for(s.rule_dirs) for s in groups}
    except RuleLoadError as error:
        fail(str(error))
    for settings in groups:
        if settings.profile is not None and settings.profile not in PROFILES:
            fail(
                f"{settings.source}: key 'profile': unknown profile '{settings.profile}' "
                f"(known: {', '.join(PROFILES)})"
            )
    for settings, rules in rule_sets.items():
        known = list(settings.select + settings.extend_select + settings.ignore)
        known += [sel for sel, _ in settings.severity]
        for selector in known:
            if not any(
                r.code.startswith(selector.upper()) or r.name == selector.lower() for r in rules
            ):
                fail(f"no rule matches '{selector}' (see 'lgo-audit rules')")
    for message in path_errors:
        typer.echo(message, err=True)

    fixed_total = 0
    diffs = 0
    if fix or diff:
        for path, settings in tasks:
            outcome = fix_file(
                path,
                active_rules(rule_sets[settings], settings),
                unsafe=unsafe_fixes,
                write=not diff,
                max_bytes=settings.max_file_size,
                profile=settings.profile,
            )
            if outcome.error is not None and outcome.error.endswith("not fixed") and not diff:
                typer.echo(outcome.error, err=True)
            if diff and outcome.changed:
                diffs += 1
                typer.echo(report.clean(outcome.diff()), nl=False)
            elif outcome.changed and outcome.error is None:
                fixed_total += outcome.applied
        if diff:  # like ruff: status 1 when there is something to fix
            raise typer.Exit(EXIT_FINDINGS if diffs else EXIT_OK)

    _load_registers(groups)
    shows_source = output_format in (OutputFormat.full, OutputFormat.html) and not statistics
    results = list(check_files(tasks, jobs, keep_source=shows_source))
    fail_level = {str(r.path): s.fail_on for r, (_, s) in zip(results, tasks, strict=True)}
    _judge_batch(
        results,
        [r for s, rules in rule_sets.items() for r in active_rules(rules, s)],
        table,
        fail_level,
        {str(path): settings for path, settings in tasks},
    )
    for result in results:
        if result.error is not None:
            typer.echo(result.error, err=True)
    if shows_source:
        _keep_source(results)
    style = report.Style(colour=output_file is None and _use_colour(no_color))
    all_rules: dict[str, Any] = {}
    for settings, rules in rule_sets.items():
        for rule in active_rules(rules, settings):
            all_rules.setdefault(rule.code, rule)
    ordered_rules = [all_rules[c] for c in sorted(all_rules)]
    if statistics:
        try:
            body = report.render_statistics(results, output_format)
        except ValueError as error:  # a format without a statistics shape
            fail(str(error))
    else:
        body = report.render(output_format, results, ordered_rules, style, evidence=evidence)
    text = body
    if output_format.for_people and not statistics:
        text = (body + "\n\n" if body else "") + report.summary(results, style)
        if fix:
            text += f"\nFixed {fixed_total} finding{'s' if fixed_total != 1 else ''}."
    if output_file is not None:
        try:
            output_file.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            fail(f"{output_file}: cannot write the report: {error.strerror or error}")
    elif text:
        typer.echo(text)
    if path_errors or any(r.error for r in results):
        raise typer.Exit(EXIT_ERROR)
    if any(f.severity.rank >= fail_level[r.path].rank for r in results for f in r.findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command("config")
def show_config(
    path: Annotated[Path, typer.Argument(help="A letter or folder whose settings to show.")] = Path(
        "."
    ),
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Show the settings that apply to a letter or folder, and where they come from."""
    overrides = dict(NO_OVERRIDES)
    target = path if path.is_dir() else path.parent
    ((_, settings),) = _settings_for([target / "_"], config, isolated, overrides)
    _load(settings.rule_dirs)
    typer.echo(json.dumps(settings.to_dict(), indent=2))


@app.command()
def parse(
    path: Annotated[Path, typer.Argument(help="One letter file.")],
    format: Annotated[
        ParseFormat, typer.Option("--format", help="json (the schema's shape) or text.")
    ] = ParseFormat.json,
    profile: ProfileOption = None,
    max_file_size: Annotated[
        int, typer.Option(help="Largest file accepted, in bytes.")
    ] = 5_000_000,
) -> None:
    """Print the facts read from one letter, and any structural findings."""
    from lgo_audit.document import letter_document, render_text
    from lgo_audit.grammar import PROFILES
    from lgo_audit.parse import parse_file
    from lgo_audit.reader import InputError

    if profile is not None and profile not in PROFILES:
        fail(f"unknown profile '{profile}' (known: {', '.join(PROFILES)})")
    if max_file_size <= 0:
        fail("--max-file-size must be a positive number of bytes")
    try:
        parsed = parse_file(path, max_bytes=max_file_size, profile=profile)
    except InputError as error:
        fail(str(error))
    if not parsed.is_letter:
        found = ", ".join(parsed.structure.sections) or "none"
        fail(
            f"{path}: not an Annual Review letter (too few sections of the "
            f"{parsed.profile.name} template recognised: {found})"
        )
    from lgo_audit.check import derive_facts, load_register

    derive_facts(parsed, load_register(None))  # the register's type and code, as check has them
    document = letter_document(parsed, _load())
    if format is ParseFormat.json:
        typer.echo(json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=True))
    else:
        typer.echo(render_text(document))


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Letter files or folders (.txt, .md).")],
    format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    output_file: OutputFileOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    jobs: JobsOption = None,
) -> None:
    """Write one row per letter with every fact, in the statistics table's columns first."""
    from lgo_audit import extract as extraction
    from lgo_audit.check import check_files, collect_paths

    if format not in ("csv", "json"):
        fail(f"unknown format '{format}' (csv or json)")
    files, path_errors = collect_paths(paths)
    overrides = {**NO_OVERRIDES, "select": ("LGO001",)}  # facts only: skip the other rules
    tasks = _settings_for(files, config, isolated, overrides)
    _load_registers(list(dict.fromkeys(s for _, s in tasks)))
    results = list(check_files(tasks, jobs, keep_facts=True, keep_source=False))
    errors = path_errors + [r.error for r in results if r.error is not None]
    errors += [
        f"{r.path}: not an Annual Review letter; left out"
        for r in results
        if r.error is None and not r.facts
    ]
    for message in errors:
        typer.echo(message, err=True)
    letters = [(r.path, r.facts) for r in results if r.error is None and r.facts]
    text = (
        extraction.render_csv(letters)
        if format == "csv"
        else extraction.render_json(letters) + "\n"
    )
    if output_file is not None:
        try:
            output_file.write_text(text, encoding="utf-8")
        except OSError as error:
            fail(f"{output_file}: cannot write: {error.strerror or error}")
    else:
        typer.echo(text, nl=False)
    if errors:
        raise typer.Exit(EXIT_ERROR)


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--output-format", help="text or json.")] = "text",
) -> None:
    """List every rule: code, name, severity and summary."""
    rules = _load()
    if output_format == "json":
        typer.echo(
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
    if output_format != "text":
        fail(f"unknown output format '{output_format}' (text or json)")
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = " [fix]" if r.fix is not None else ""
        typer.echo(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}{fix}")


@app.command("test-rules")
def test_rules(
    rule_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--rule-dir", help="Test the rules in this folder (default: the bundled rules)."
        ),
    ] = None,
) -> None:
    """Run every rule's own examples: valid cases must pass, invalid ones must fire where told."""
    from lgo_audit.examples import run_example
    from lgo_audit.rules import RuleLoadError, load_rules

    folders = tuple(str(d) for d in rule_dir or ())
    try:
        everything = load_rules(folders)  # with the bundled rules: a clash of codes is an error
    except RuleLoadError as error:
        fail(str(error))
    wanted = {Path(d).resolve() for d in folders}
    rules = [r for r in everything if not wanted or r.path.resolve().parent in wanted]
    failures = 0
    cases = 0
    for rule in rules:
        kinds = {example["kind"] for example in rule.examples}
        if kinds != {"valid", "invalid"}:
            failures += 1
            typer.echo(
                f"{rule.path}: {rule.code}: needs at least one valid and one invalid example"
            )
        for example in rule.examples:
            cases += 1
            result = run_example(rule, example)
            if not result.ok:
                failures += 1
                typer.echo(
                    f'{rule.path}: {rule.code} {example["kind"]} "{example["description"]}": '
                    + "; ".join(result.problems)
                )
    noun = "rule" if len(rules) == 1 else "rules"
    passed = max(cases - failures, 0)
    typer.echo(f"{len(rules)} {noun}, {cases} examples: {passed} passed, {failures} failed")
    if failures:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code (LGO101) or name.")]) -> None:
    """Explain a rule: what it checks, why it matters, an example and the fix."""
    rules = _load()
    rule = rules.get(code)
    if rule is None:
        fail(f"no rule '{code}' (see 'lgo-audit rules')")
    typer.echo(f"# {rule.code} {rule.name} ({rule.severity.value})\n")
    typer.echo(f"{rule.summary}\n")
    typer.echo(rule.explanation)
    if rule.assert_source:
        typer.echo("\n## Invariant\n")
        if rule.when_source:
            typer.echo(f"    when:   {rule.when_source}")
        typer.echo(f"    assert: {rule.assert_source}")
    lets = rule.raw.get("let", {})
    if lets:
        typer.echo("\n## Names\n")
        for name, source in lets.items():
            typer.echo(f"    {name} = {source}")
    if rule.fix is not None:
        typer.echo(
            f"\n## Fix ({rule.fix.applicability.value})\n\n    {rule.fix.at} := {rule.fix.source}"
        )


def main() -> None:
    """Entry point: run the app, turning any stray exception into one line and status 2."""
    for stream in (sys.stdout, sys.stderr):  # a legacy encoding (cp1252) never stops the run:
        reconfigure = getattr(stream, "reconfigure", None)  # what it cannot encode shows as
        if reconfigure is not None:  # \u0151 (docs/output-formats.md#encoding)
            reconfigure(errors="backslashreplace")
    try:
        status = app(standalone_mode=False)
    except typer.Abort:
        typer.echo("lgo-audit: interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("lgo-audit: interrupted", err=True)
        sys.exit(130)
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
            typer.echo(f"lgo-audit: {error.format_message()}{hint}", err=True)
            sys.exit(EXIT_ERROR)
        # A bug: still one line and no traceback for the user.
        typer.echo(f"lgo-audit: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(status if isinstance(status, int) else EXIT_OK)
