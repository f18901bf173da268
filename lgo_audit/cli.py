"""The ``lgo-audit`` command line: ``check``, ``parse``, ``rules``, ``explain``.

Exit status, as linters have it: 0 no error-severity finding, 1 at least one, 2 a usage,
configuration or input error (always as one line on standard error, never a traceback).
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lgo_audit import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="lgo-audit",
    help="Validate LGSCO Annual Review letters: every figure, date and name, by rules as data.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    full = "full"
    concise = "concise"
    json = "json"


class ParseFormat(str, Enum):
    json = "json"
    text = "text"


def fail(message: str) -> NoReturn:
    """One line on standard error and exit status 2."""
    typer.echo(f"lgo-audit: {message}" if not message.startswith("lgo-audit") else message, err=True)
    raise typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lgo-audit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Validate LGSCO Annual Review letters."""


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for item in values or () for v in item.split(",") if v.strip())


def _use_colour(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def _load(rule_dirs: tuple[str, ...] | None):  # type: ignore[no-untyped-def]
    from lgo_audit.rules import RuleLoadError, load_rules

    try:
        return load_rules(rule_dirs)
    except RuleLoadError as error:
        fail(str(error))


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Letter files or folders (.txt, .md).")],
    output_format: Annotated[
        OutputFormat, typer.Option("--output-format", help="How findings are shown.")
    ] = OutputFormat.full,
    select: Annotated[
        list[str] | None, typer.Option(help="Only these codes or prefixes (LGO1, LGO101), comma-separated.")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(help="Skip these codes or prefixes, comma-separated.")
    ] = None,
    rule_dir: Annotated[
        list[Path] | None, typer.Option("--rule-dir", help="Use the rules in this folder instead of the bundled ones.")
    ] = None,
    profile: Annotated[str | None, typer.Option(help="Template profile (year); default: from the title.")] = None,
    max_file_size: Annotated[int, typer.Option(help="Largest file accepted, in bytes.")] = 5_000_000,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="Never colour the output.")] = False,
) -> None:
    """Check letters and report every inconsistency found."""
    from lgo_audit import report
    from lgo_audit.check import CheckOptions, check_paths, collect_paths
    from lgo_audit.grammar import PROFILES

    if profile is not None and profile not in PROFILES:
        fail(f"unknown profile '{profile}' (known: {', '.join(PROFILES)})")
    if max_file_size <= 0:
        fail("--max-file-size must be a positive number of bytes")
    dirs = tuple(str(d) for d in rule_dir) if rule_dir else None
    rules = _load(dirs)
    options = CheckOptions(
        rule_dirs=dirs,
        select=_split(select),
        ignore=_split(ignore),
        max_bytes=max_file_size,
        profile=profile,
        jobs=jobs,
    )
    unknown = [p for p in options.select + options.ignore if not any(
        r.code.startswith(p.upper()) or r.name == p.lower() for r in rules
    )]
    if unknown:
        fail(f"no rule matches '{unknown[0]}' (see 'lgo-audit rules')")
    files, path_errors = collect_paths(paths)
    for message in path_errors:
        typer.echo(message, err=True)
    results = sorted(check_paths(files, options, rules), key=lambda r: r.path)
    for result in results:
        if result.error is not None:
            typer.echo(result.error, err=True)
    style = report.Style(colour=_use_colour(no_color))
    if output_format is OutputFormat.json:
        typer.echo(report.render_json(results))
    else:
        body = (
            report.render_full(results, style)
            if output_format is OutputFormat.full
            else report.render_concise(results, style)
        )
        if body:
            typer.echo(body)
            typer.echo("")
        typer.echo(report.summary(results, style))
    if path_errors or any(r.error for r in results):
        raise typer.Exit(EXIT_ERROR)
    if any(f.severity.value == "error" for r in results for f in r.findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def parse(
    path: Annotated[Path, typer.Argument(help="One letter file.")],
    format: Annotated[ParseFormat, typer.Option("--format", help="json (the schema's shape) or text.")] = ParseFormat.json,
    profile: Annotated[str | None, typer.Option(help="Template profile (year); default: from the title.")] = None,
    max_file_size: Annotated[int, typer.Option(help="Largest file accepted, in bytes.")] = 5_000_000,
) -> None:
    """Print the facts read from one letter, and any structural findings."""
    from lgo_audit.document import letter_document, render_text
    from lgo_audit.grammar import PROFILES
    from lgo_audit.parse import parse_file
    from lgo_audit.reader import InputError

    if profile is not None and profile not in PROFILES:
        fail(f"unknown profile '{profile}' (known: {', '.join(PROFILES)})")
    try:
        parsed = parse_file(path, max_bytes=max_file_size, profile=profile)
    except InputError as error:
        fail(str(error))
    if not parsed.is_letter:
        fail(f"{path}: not an Annual Review letter (no sections of the {parsed.profile.name} template recognised)")
    document = letter_document(parsed, _load(None))
    if format is ParseFormat.json:
        typer.echo(json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_text(document))


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--output-format", help="text or json.")] = "text",
) -> None:
    """List every rule: code, name, severity and summary."""
    rules = _load(None)
    if output_format == "json":
        typer.echo(
            json.dumps(
                [
                    {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary,
                     "fix": None if r.fix is None else r.fix.applicability.value}
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


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code (LGO101) or name.")]) -> None:
    """Explain a rule: what it checks, why it matters, an example and the fix."""
    rules = _load(None)
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
    if rule.fix is not None:
        typer.echo(f"\n## Fix ({rule.fix.applicability.value})\n\n    {rule.fix.source}")


def main() -> None:
    """Entry point: run the app, turning any stray exception into one line and status 2."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("lgo-audit: interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as error:  # pragma: no cover - a bug; still no traceback for the user
        typer.echo(f"lgo-audit: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_ERROR)
