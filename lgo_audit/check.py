"""Check files and folders of letters: collect paths, parse, run the rules, in parallel.

A folder of a few hundred (or ten thousand) letters is spread over the machine's cores; the
results come back in path order whatever order the workers finish in, so output is
deterministic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lgo_audit.engine import RuleResult, run_rules
from lgo_audit.findings import Finding
from lgo_audit.parse import ParsedLetter, parse_file
from lgo_audit.reader import DEFAULT_MAX_BYTES, InputError
from lgo_audit.rules import Rule, RuleSet, load_rules

__all__ = ["LETTER_SUFFIXES", "CheckOptions", "FileResult", "check_paths", "collect_paths"]

LETTER_SUFFIXES = (".txt", ".md")
PARALLEL_THRESHOLD = 16  # below this many files, starting worker processes costs more than it saves


@dataclass(frozen=True)
class CheckOptions:
    """What to check with: picklable, so worker processes can rebuild the same rule set."""

    rule_dirs: tuple[str, ...] | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    profile: str | None = None
    jobs: int | None = None


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    error: str | None = None  # one-line input error: the file could not be checked
    sha256: str | None = None
    source_text: str | None = None

    @property
    def is_clean(self) -> bool:
        return self.error is None and not self.findings


def collect_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """Files to check (folders walked for .txt/.md, hidden entries skipped) and path errors."""
    files: list[Path] = []
    errors: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = [
                p
                for p in path.rglob("*")
                if p.suffix.lower() in LETTER_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            files.extend(sorted(found))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            errors.append(f"{given}: no such file or directory")
    unique = list(dict.fromkeys(files))
    return unique, errors


def selected(rules: RuleSet, select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """Rules whose code starts with a ``select`` prefix (all when empty) and no ``ignore`` prefix."""

    def matches(rule: Rule, prefixes: Sequence[str]) -> bool:
        return any(rule.code.startswith(p.upper()) or rule.name == p.lower() for p in prefixes)

    return [
        r
        for r in rules
        if (not select or matches(r, select)) and not matches(r, ignore)
    ]


_worker_rules: list[Rule] | None = None
_worker_options: CheckOptions | None = None


def _init_worker(options: CheckOptions) -> None:
    global _worker_rules, _worker_options
    _worker_options = options
    _worker_rules = selected(load_rules(options.rule_dirs), options.select, options.ignore)


def check_one(path: Path, rules: Sequence[Rule], options: CheckOptions) -> FileResult:
    """Parse and check one file; an unreadable file is a result with an error, not a raise."""
    try:
        parsed: ParsedLetter = parse_file(path, max_bytes=options.max_bytes, profile=options.profile)
    except InputError as error:
        return FileResult(str(path), error=str(error))
    findings, results = run_rules(parsed, rules)
    return FileResult(
        str(path),
        findings,
        results,
        sha256=parsed.source.sha256,
        source_text=parsed.source.text if findings else None,  # for showing source lines
    )


def _check_in_worker(path: Path) -> FileResult:
    assert _worker_rules is not None and _worker_options is not None
    return check_one(path, _worker_rules, _worker_options)


def check_paths(
    files: Sequence[Path], options: CheckOptions, rules: RuleSet | None = None
) -> Iterator[FileResult]:
    """Results for ``files`` in the order given (callers sort), in parallel for large batches."""
    jobs = options.jobs or os.cpu_count() or 1
    if len(files) < PARALLEL_THRESHOLD or jobs == 1:
        active = selected(rules or load_rules(options.rule_dirs), options.select, options.ignore)
        for path in files:
            yield check_one(path, active, options)
        return
    chunksize = max(1, min(64, len(files) // (jobs * 8)))
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(options,)
    ) as pool:
        yield from pool.map(_check_in_worker, files, chunksize=chunksize)
