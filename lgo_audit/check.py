"""Check files and folders of letters: collect paths, parse, run the rules, in parallel.

A folder of a few hundred (or ten thousand) letters is spread over the machine's cores; the
results come back in the order the files were given (folders sorted), whatever order the
workers finish in, so output is deterministic. Each file is checked with the settings of its
own configuration (see :mod:`lgo_audit.config`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lgo_audit.batch import FactValue, LetterFacts, kept_names, needs_facts, span_names
from lgo_audit.config import Settings
from lgo_audit.engine import RuleResult, run_rules
from lgo_audit.findings import Finding
from lgo_audit.grammar.elements import FactToken
from lgo_audit.parse import ParsedLetter, parse_file
from lgo_audit.reader import InputError
from lgo_audit.register import Register
from lgo_audit.rules import Rule, RuleSet, load_rules

__all__ = [
    "LETTER_SUFFIXES",
    "FileResult",
    "active_rules",
    "check_files",
    "check_one",
    "collect_paths",
    "derive_facts",
    "letter_facts",
    "rules_for",
]

LETTER_SUFFIXES = (".txt", ".md")
PARALLEL_THRESHOLD = 16  # below this many files, starting worker processes costs more than it saves


@dataclass
class FileResult:
    """What checking one file gave: findings and rule outcomes, or an input error."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    error: str | None = None  # one-line input error: the file could not be checked
    sha256: str | None = None
    source_text: str | None = None  # kept when there are findings, to show source lines
    rule_set: str | None = None
    facts: LetterFacts = field(default_factory=dict)  # for cross-letter rules and extract
    kind: str = "letter"  # or "table": the statistics table's own findings (LGO512)

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
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.is_file()
            ]
            files.extend(sorted(found))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            errors.append(f"{given}: no such file or directory")
    return list(dict.fromkeys(files)), errors


def _matches(rule: Rule, selectors: Iterable[str]) -> bool:
    return any(rule.code.startswith(s.upper()) or rule.name == s.lower() for s in selectors)


def active_rules(rules: RuleSet | Sequence[Rule], settings: Settings) -> list[Rule]:
    """The rules ``settings`` select, with its severity overrides applied."""
    chosen = []
    for rule in rules:
        wanted = (not settings.select or _matches(rule, settings.select)) or _matches(
            rule, settings.extend_select
        )
        if not wanted or _matches(rule, settings.ignore):
            continue
        override = next((sev for sel, sev in settings.severity if _matches(rule, (sel,))), None)
        chosen.append(dataclasses.replace(rule, severity=override) if override else rule)
    return chosen


@cache
def rules_for(rule_dirs: tuple[str, ...]) -> RuleSet:
    """The bundled rules plus a team's own (loaded once per process for each set of folders)."""
    return load_rules(extra_dirs=rule_dirs)


@cache
def load_register(path: str | None) -> Register:
    """The authority register (bundled, or the configuration's), loaded once per process."""
    return Register.load(Path(path) if path else None)


def derive_facts(parsed: ParsedLetter, register: Register) -> None:
    """Add what the register knows of the addressed council (type, ONS code) as facts that
    stand where the council's name stands."""
    facts = parsed.structure.facts
    name = facts.get("authority.name")
    if name is None or name.value is None:
        return
    authority = register.lookup(str(name.value))
    if authority is None:
        return
    facts["authority.type"] = FactToken(
        "authority.type", authority.type, name.raw, name.start, name.end
    )
    facts["authority.code"] = FactToken(
        "authority.code", authority.code, name.raw, name.start, name.end
    )


def letter_facts(
    parsed: ParsedLetter,
    spans: frozenset[str] | None = None,
    names: frozenset[str] | None = None,
) -> LetterFacts:
    """The letter's facts (those in ``names``; all when None), as cross-letter rules and
    extract need them: with their spans when ``spans`` is None, else with the file offsets of
    the names in ``spans`` (a span is made from them only if a finding needs it)."""
    if spans is None:
        return {
            name: FactValue(token.value, token.raw, parsed.span(token.start, token.end))
            for name, token in parsed.structure.facts.items()
            if names is None or name in names
        }
    text = parsed.text
    return {
        name: FactValue(
            token.value,
            token.raw,
            None,
            (text.original_offset(token.start), text.original_end(token.end))
            if name in spans
            else None,
        )
        for name, token in parsed.structure.facts.items()
        if names is None or name in names
    }


def check_one(
    path: Path,
    rules: Sequence[Rule],
    settings: Settings,
    *,
    keep_facts: bool | None = None,
    keep_source: bool = True,
    batch: bool = False,
) -> FileResult:
    """Parse and check one file; an unreadable file is a result with an error, not a raise.

    The letter's facts are kept (for cross-letter rules, --data and extract) when
    ``keep_facts``, by default when one of ``rules`` judges letters together."""
    try:
        parsed: ParsedLetter = parse_file(
            path, max_bytes=settings.max_file_size, profile=settings.profile, batch=batch
        )
    except InputError as error:
        return FileResult(str(path), error=str(error))
    if parsed.is_letter:
        derive_facts(parsed, load_register(settings.authority_register))
    findings, results = run_rules(parsed, rules)
    ignored = settings.ignored_for(path)
    if ignored:
        findings = [
            f
            for f in findings
            if not any(f.code.startswith(s.upper()) or f.name == s for s in ignored)
        ]
    return FileResult(
        str(path),
        findings,
        results,
        sha256=parsed.source.sha256,
        source_text=parsed.source.text if findings and keep_source else None,
        rule_set=rules_for(settings.rule_dirs).version,
        facts=_kept_facts(parsed, rules, keep_facts),
    )


def _kept_facts(parsed: ParsedLetter, rules: Sequence[Rule], keep: bool | None) -> LetterFacts:
    if not parsed.is_letter:
        return {}
    if keep:  # extract: every fact
        return letter_facts(parsed, span_names(rules))
    if keep is None and needs_facts(rules):
        return letter_facts(parsed, span_names(rules), _kept_names(rules))
    return {}


_KEPT: dict[int, tuple[Sequence[Rule], frozenset[str]]] = {}


def _kept_names(rules: Sequence[Rule]) -> frozenset[str]:
    """kept_names of a rule list, worked out once per list (one list per settings; the entry
    holds the list, so its id cannot be reused by another)."""
    entry = _KEPT.get(id(rules))
    if entry is None or entry[0] is not rules:
        entry = _KEPT[id(rules)] = (rules, kept_names(rules))
    return entry[1]


@cache
def _active(settings: Settings) -> list[Rule]:
    return active_rules(rules_for(settings.rule_dirs), settings)


def _check_task(task: tuple[Path, Settings, bool | None, bool, bool]) -> FileResult:
    path, settings, keep_facts, keep_source, batch = task
    return check_one(
        path,
        _active(settings),
        settings,
        keep_facts=keep_facts,
        keep_source=keep_source,
        batch=batch,
    )


def check_files(
    tasks: Sequence[tuple[Path, Settings]],
    jobs: int | None = None,
    *,
    keep_facts: bool | None = None,
    keep_source: bool = True,
) -> Iterator[FileResult]:
    """Results for ``tasks`` (file, its settings) in the order given; parallel for large batches.

    ``keep_facts``: keep every letter's facts (extract), or by default only when a rule
    judges letters together. ``keep_source``: send back the text of letters with findings
    (the full and html reports show source lines; the other formats do not need it)."""
    batch = len(tasks) >= PARALLEL_THRESHOLD
    work = [(path, settings, keep_facts, keep_source, batch) for path, settings in tasks]
    workers = jobs or os.cpu_count() or 1
    if len(work) < PARALLEL_THRESHOLD or workers == 1:
        for task in work:
            yield _check_task(task)
        return
    chunksize = max(1, min(64, len(work) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_check_task, work, chunksize=chunksize)
