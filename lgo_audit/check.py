"""The per-file stage: collect paths, then parse and run the rules on each file, in parallel.

A folder of a few hundred (or ten thousand) letters is spread over the machine's cores; the
results come back in the order the files were given (folders sorted), whatever order the
workers finish in, so output is deterministic. Each file is checked with the settings of its
own configuration (see :mod:`lgo_audit.config`). What happens before and after (options,
fixes, cross-letter rules, the exit status) is :mod:`lgo_audit.application`'s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from lgo_audit.batch import kept_names, needs_facts, span_names
from lgo_audit.config import Settings
from lgo_audit.documents import Rendition
from lgo_audit.engine import run_rules
from lgo_audit.findings import FactValue, FileResult, Finding, LetterFacts
from lgo_audit.parse import ParsedLetter, kept_facts, parse_source
from lgo_audit.reader import InputError, SourceFile, read_source
from lgo_audit.register import load_register
from lgo_audit.rules import Rule, rules_for
from lgo_audit.selection import drop_ignored

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from lgo_audit.report import Pieces

__all__ = [
    "Checked",
    "active_rules",
    "check_files",
    "check_one",
    "check_results",
    "check_source",
    "letter_facts",
]

PARALLEL_THRESHOLD = 16  # below this many files, starting worker processes costs more than it saves


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
            for name, token in parsed.facts.items()
            if names is None or name in names
        }
    return kept_facts(parsed, spans, names)


def check_one(
    path: str | os.PathLike[str],
    rules: Sequence[Rule],
    settings: Settings,
    *,
    keep_facts: bool | None = None,
    keep_source: bool = True,
    batch: bool = False,
    shown_facts: frozenset[str] = frozenset(),
    source_for_batch: bool = False,
) -> FileResult:
    """Read, parse and check one file; an unreadable file is a result with an error, not a
    raise.

    The letter's facts are kept (for cross-letter rules, --data and extract) when
    ``keep_facts``, by default when one of ``rules`` judges letters together; the facts in
    ``shown_facts`` (those the report shows: the HTML report's plot) are kept in any case.
    Its text is kept when ``keep_source`` and it has findings, or, with
    ``source_for_batch``, when it keeps facts for rules that judge letters together (which
    may find something in it: the batch stage then finds the places of its facts, and the
    report its lines, in the text as checked, without reading the file again)."""
    try:
        source = read_source(path, max_bytes=settings.max_file_size)
    except InputError as error:
        return FileResult(os.fspath(path), error=str(error))
    return check_source(
        source,
        path,
        rules,
        settings,
        keep_facts=keep_facts,
        keep_source=keep_source,
        batch=batch,
        shown_facts=shown_facts,
        source_for_batch=source_for_batch,
    )


def check_source(
    source: SourceFile,
    path: str | os.PathLike[str],
    rules: Sequence[Rule],
    settings: Settings,
    *,
    keep_facts: bool | None = None,
    keep_source: bool = True,
    batch: bool = False,
    shown_facts: frozenset[str] = frozenset(),
    source_for_batch: bool = False,
) -> FileResult:
    """:func:`check_one` of a file already read: ``source``, as
    :func:`~lgo_audit.reader.read_source` read it from ``path``. The same ``source`` gives
    the same result, whatever the file holds by then."""
    try:
        parsed: ParsedLetter = parse_source(
            source,
            settings.profile,
            authorities=load_register(settings.authority_register),
            batch=batch,
        )
    except InputError as error:
        return FileResult(os.fspath(path), error=str(error))
    findings, results = run_rules(parsed, rules)
    findings = drop_ignored(findings, settings.ignored_for(path))
    if parsed.source.rendition is not None:
        findings = with_origins(findings, parsed.source.rendition)
    facts = _kept_facts(parsed, rules, keep_facts, shown_facts)
    keep_text = (keep_source and bool(findings)) or (
        source_for_batch and bool(facts) and _of_rules(rules).needs_facts
    )
    return FileResult(
        os.fspath(path),
        findings,
        results,
        sha256=parsed.source.sha256,
        source_text=parsed.source.text if keep_text else None,
        rule_set=rules_for(settings.rule_dirs).version,
        facts=facts,
        profile=parsed.profile.name if parsed.is_letter else None,
        missing=parsed.missing if parsed.is_letter else (),
    )


def with_origins(findings: Sequence[Finding], rendition: Rendition) -> list[Finding]:
    """The findings, each with the origin of its line in the PDF or DOCX."""
    placed = []
    for finding in findings:
        origin = rendition.origin_of(finding.span.line)
        placed.append(
            finding
            if origin is None
            else dataclasses.replace(finding, origin=origin.to_dict(finding.span.column))
        )
    return placed


def _kept_facts(
    parsed: ParsedLetter, rules: Sequence[Rule], keep: bool | None, shown: frozenset[str]
) -> LetterFacts:
    if not parsed.is_letter:
        return {}
    if keep:  # extract: every fact
        return letter_facts(parsed, _of_rules(rules).spans)
    of_rules = _of_rules(rules)
    if keep is None and of_rules.needs_facts:
        names = of_rules.kept
        return letter_facts(parsed, of_rules.spans, names | shown if shown else names)
    if shown:
        return letter_facts(parsed, frozenset(), shown)
    return {}


class _OfRules(NamedTuple):
    """What a rule list asks each letter to keep, worked out once per list."""

    rules: Sequence[Rule]  # held, so that the list's id cannot be reused by another
    snapshot: tuple[Rule, ...]  # its rules when worked out: a list changed since is again
    needs_facts: bool  # a rule judges letters together
    kept: frozenset[str]  # the facts those rules read
    spans: frozenset[str]  # the facts whose places they may point at


_OF_RULES: dict[int, _OfRules] = {}


def _of_rules(rules: Sequence[Rule]) -> _OfRules:
    """needs_facts, kept_names and span_names of a rule list (one list per settings)."""
    entry = _OF_RULES.get(id(rules))
    if entry is None or entry.rules is not rules or entry.snapshot != tuple(rules):
        entry = _OF_RULES[id(rules)] = _OfRules(
            rules, tuple(rules), needs_facts(rules), kept_names(rules), span_names(rules)
        )
    return entry


@cache
def active_rules(settings: Settings) -> list[Rule]:
    """The rules ``settings`` select, as a batch's workers check its letters with them (one
    list per settings, made once)."""
    return settings.selection.active(rules_for(settings.rule_dirs))


class Checked(NamedTuple):
    """One file's result as :func:`check_results` hands it on: the result itself, or pickled
    (``pack``: a large batch's results go straight to a spool file, unread), with what the
    batch stage and a lean report need to know of it without reading it: its path, input
    error, findings' codes, the values of the facts it was asked for (``Ellipsis`` where the
    letter has no such fact; ``values`` is None for a file that is no letter) and its
    template profile. With ``pieces`` (the report written by the workers) and ``as_read``, a
    letter read as text is sent pickled as read (its :class:`~lgo_audit.reader.SourceFile`,
    not its result): :func:`check_source` gives its result again, the same, if the report
    needs it (when the batch stage adds a finding to it)."""

    result: FileResult | bytes
    path: str
    error: str | None
    codes: tuple[str, ...]
    values: tuple[Any, ...] | None
    profile: str | None  # the template profile the file was read with (None: no letter)
    lean: bytes | None = None  # pickled: its findings and its part of the report (Pieces)


@dataclass(frozen=True)
class _Job:
    """What every task of one call shares: sent to each worker once, not with every file."""

    settings: tuple[Settings, ...]
    keep_facts: bool | None
    keep_source: bool
    batch: bool
    shown_facts: frozenset[str]
    names: tuple[str, ...]  # the facts whose values each Checked carries
    pack: bool
    pieces: Pieces | None = None  # each packed letter's part of the report, written here


_JOB: _Job | None = None  # a worker's job, set when it starts


def _start_worker(job: _Job, parent: int) -> None:
    """A worker's start: its job, its watch on the parent, Ctrl-C left to the parent, and
    what it inherited from the parent (the modules, rules and register, some 30,000 objects)
    moved out of the cyclic garbage collector's sight with ``gc.freeze``: they live as long
    as the worker, and its collections then walk only what its letters made (collections
    took 0.9% of a worker's time over 2,000 letters, 0.2% so)."""
    import gc

    global _JOB
    _JOB = job
    gc.freeze()
    if os.getpid() != parent:
        _leave_interrupts_to_parent()
    _end_with_parent(parent)


def _leave_interrupts_to_parent() -> None:
    """Ignore SIGINT in this worker, and let it through again (the parent holds it while it
    starts its workers: :func:`_interrupts_held`). Ctrl-C reaches every process of the
    terminal's group: a worker that took it would end with a traceback of its own, and could
    leave the pool's queue locked (the parent then waits for ever); the parent, interrupted,
    ends its workers itself (:func:`_end_workers`)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT held (blocked, not lost) while the workers are started or ended: a worker is
    made with it held, until it ignores it (:func:`_leave_interrupts_to_parent`), so that a
    Ctrl-C in between does not interrupt it; the parent takes a Ctrl-C held meanwhile when
    this ends. (Where signals cannot be blocked, as on Windows, nothing is held.)"""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if signal.SIGINT not in held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


WORKERS_END_SECONDS = 5.0
"""How long an interrupted batch waits for each worker it ends to be gone."""


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """End a batch's workers now, not after the chunks they are checking (Ctrl-C, or the
    results no longer wanted), and wait until they are gone: none outlives the run. The
    pool's ``terminate_workers`` where Python has it (3.14); else the pool is shut down
    without waiting and each of its processes terminated (SIGTERM), as that method does.
    (Its caller holds SIGINT meanwhile: a second Ctrl-C, as ``timeout -s INT`` sends one to
    the process and one to its group, would otherwise stop it half done.)"""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # (before shutdown)
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        with contextlib.suppress(Exception):
            terminate()
    else:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(WORKERS_END_SECONDS)


PARENT_CHECK_SECONDS = 0.5
"""How often a worker looks whether the process that started it is still there."""


def _end_with_parent(parent: int) -> None:
    """End this worker soon after the process that started it, ``parent`` (its process id, as
    the parent gave it), ends without stopping it (killed, or ended by a signal such as
    ``timeout``'s SIGTERM): it would otherwise wait for work for ever, an orphan holding its
    memory. A worker whose parent has already gone when it starts ends at once (its parent
    is another process by then: asked here, it would be watched for ever); otherwise a daemon
    thread compares the parent's process id every :data:`PARENT_CHECK_SECONDS` (an orphan's
    parent becomes another process). Nothing is watched in ``parent`` itself (a pool
    stand-in that runs the work in the same process)."""
    import threading
    import time

    if os.getpid() == parent:
        return
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="lgo-audit-parent", daemon=True).start()


def _check_task(job: _Job, path: Path | str, settings_index: int, as_read: bool = False) -> Checked:
    settings = job.settings[settings_index]
    rules = active_rules(settings)
    # (named as Path names it already: lgo_audit.application.collect_paths)
    source: SourceFile | None = None
    try:
        source = read_source(path, max_bytes=settings.max_file_size)
    except InputError as error:
        result = FileResult(os.fspath(path), error=str(error))
    else:
        result = check_source(
            source,
            path,
            rules,
            settings,
            keep_facts=job.keep_facts,
            keep_source=job.keep_source,
            batch=job.batch,
            shown_facts=job.shown_facts,
            source_for_batch=job.pack,
        )
    facts = result.facts
    values = tuple(facts[n].value if n in facts else ... for n in job.names) if facts else None
    packed: FileResult | bytes = result
    lean = None
    if job.pack:
        import pickle  # (a batch's worker only)

        if job.pieces is not None and result.findings and result.error is None:
            # Its part of the report, written here, where the workers share the work: the
            # report then reads back only this (the findings for the summary and the
            # piece), unless the batch stage adds a finding, and then reads the whole result
            # (its text as checked: the file may have changed since).
            result.findings.sort(key=lambda f: f.sort_key)  # (as Results completes them)
            lean = pickle.dumps((result.findings, job.pieces(result)), protocol=5)
        if (
            as_read
            and job.pieces is not None
            and source is not None
            and result.error is None
            and source.rendition is None
        ):
            # The report reads the whole result only when the batch stage adds a finding
            # to it (rare, while ``as_read``): the file as read stands for it, the same
            # result when checked again (check_source), without its facts, rule outcomes
            # and findings to pickle (3.5 against 29.5 us a letter).
            packed = pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL)
        else:
            packed = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    return Checked(
        packed,
        result.path,
        result.error,
        tuple(f.code for f in result.findings),
        values,
        result.profile,
        lean,
    )


def _check_chunk(chunk: Sequence[tuple[Path | str, int]], as_read: bool) -> list[Checked]:
    assert _JOB is not None, "a worker is started with its job"
    return [_check_task(_JOB, path, index, as_read) for path, index in chunk]


def worker_count(jobs: int | None, files: int) -> int:
    """Worker processes for ``files`` files: ``jobs`` (default: every core), but never more
    than the cores or the files (``-j 300`` on 20 letters starts at most 20, and no more
    than the machine has cores)."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, cores, files))


WINDOW = 3  # chunks in flight per worker: enough to keep every worker busy, never the batch


class Tasks(Sequence[tuple[str, Settings]]):
    """The files to check, each with its settings, as compactly as a batch can hold them:
    the names (:attr:`paths`), the distinct settings (:attr:`settings`), and the number of
    each file's settings among them (:attr:`numbers`). Settings are told apart by equality;
    each object is hashed once (a run's files share a few settings objects, and a frozen
    dataclass's hash is worked out afresh, from every field, at each asking)."""

    def __init__(self, tasks: Sequence[tuple[str | Path, Settings]]) -> None:
        number: dict[Settings, int] = {}
        by_object: dict[int, int] = {}  # id(settings) -> its number (each is held by tasks)
        numbers: array[int] = array("I")
        for _, settings in tasks:
            k = by_object.get(id(settings))
            if k is None:
                k = by_object[id(settings)] = number.setdefault(settings, len(number))
            numbers.append(k)
        self.settings = list(number)
        self.paths = [os.fspath(path) for path, _ in tasks]
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[tuple[str, Settings]]:
        return zip(self.paths, map(self.settings.__getitem__, self.numbers), strict=True)

    @overload
    def __getitem__(self, index: int) -> tuple[str, Settings]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, Settings]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, Settings] | list[tuple[str, Settings]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.paths[index], self.settings[self.numbers[index]]


def check_results(
    tasks: Sequence[tuple[Path | str, Settings]],
    jobs: int | None = None,
    *,
    keep_facts: bool | None = None,
    keep_source: bool = True,
    shown_facts: frozenset[str] = frozenset(),
    names: tuple[str, ...] = (),
    pack: bool = False,
    pieces: Pieces | None = None,
    as_read: Callable[[], bool] | None = None,
) -> Generator[Checked, None, None]:
    """:func:`check_files`, each result as a :class:`Checked` carrying the values of the facts
    ``names`` (for the batch stage), pickled when ``pack``; with ``pieces`` too, each packed
    letter with findings carries its part of the report (:attr:`Checked.lean`) too, and
    ``as_read`` is asked before each chunk of files is sent (each file, in one process):
    whether its letters read as text may come back as read, not whole (see
    :class:`Checked`; None: never).

    In parallel, at most :data:`WINDOW` chunks of files per worker are in flight at a time,
    so a batch of any size holds only a few chunks' results in memory; each worker is given
    the settings once, when it starts, and each task names its file and settings by number."""
    batch = len(tasks) >= PARALLEL_THRESHOLD
    if len(tasks) > 1:  # OpenSSL's SHA-256 of each letter, 5x as fast (lgo_audit.digest)
        import hashlib  # noqa: F401
    listed = tasks if isinstance(tasks, Tasks) else Tasks(tasks)
    job = _Job(
        tuple(listed.settings), keep_facts, keep_source, batch, shown_facts, names, pack, pieces
    )
    work = zip(listed.paths, listed.numbers, strict=True)
    workers = worker_count(jobs, len(tasks))
    if len(tasks) < PARALLEL_THRESHOLD or workers == 1:
        for path, index in work:
            yield _check_task(job, path, index, as_read is not None and as_read())
        return
    from concurrent.futures import ProcessPoolExecutor  # a batch's only: ~10 ms of imports

    _prepare_workers(job)
    size = max(1, min(64, len(tasks) // (workers * 8)))
    upcoming = iter(lambda: list(itertools.islice(work, size)), [])  # chunks, made as sent
    pending: deque[Future[list[Checked]]] = deque()

    def sent_as_read() -> bool:
        return as_read is not None and as_read()

    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(job, os.getpid())
    )
    try:
        with _interrupts_held():  # (the workers are started by the first submit)
            for chunk in itertools.islice(upcoming, workers * WINDOW):
                pending.append(pool.submit(_check_chunk, chunk, sent_as_read()))
        while pending:
            done = pending.popleft().result()
            for chunk in itertools.islice(upcoming, 1):
                pending.append(pool.submit(_check_chunk, chunk, sent_as_read()))
            yield from done
    except BaseException:  # Ctrl-C, an error, or the results no longer wanted (closed)
        with _interrupts_held():  # (a second Ctrl-C, after this, still ends the run)
            _end_workers(pool)
        raise
    pool.shutdown()


def _prepare_workers(job: _Job) -> None:
    """Build here, before a batch's workers start (forked, they share it), what each would
    otherwise build for itself on its first letters (some 260 M instructions a worker):
    every template year's recogniser as a batch uses it, each statement one regular
    expression (some 60 ms for the six years), with each key's candidates ready as steps
    (some 30 ms), and the compiled rules of each of the job's settings (some 7 ms). The
    regular expressions compiled here are also remembered between runs
    (:mod:`lgo_audit.regex_cache`), which a worker's never are: with them remembered, the
    recognisers take about 12 ms."""
    from lgo_audit.engine import prepare
    from lgo_audit.grammar import PROFILES, recogniser

    for name in PROFILES:
        recogniser(name, fused=True).prepare()
    for settings in job.settings:
        prepare(active_rules(settings))


def check_files(
    tasks: Sequence[tuple[Path | str, Settings]],
    jobs: int | None = None,
    *,
    keep_facts: bool | None = None,
    keep_source: bool = True,
    shown_facts: frozenset[str] = frozenset(),
) -> Iterator[FileResult]:
    """Results for ``tasks`` (file, its settings) in the order given; parallel for large batches.

    ``keep_facts``: keep every letter's facts (extract), or by default only when a rule
    judges letters together. ``keep_source``: send back the text of letters with findings
    (the full and html reports show source lines; the other formats do not need it).
    ``shown_facts``: facts the report shows (the html report's plot), kept in any case."""
    for checked in check_results(
        tasks, jobs, keep_facts=keep_facts, keep_source=keep_source, shown_facts=shown_facts
    ):
        assert isinstance(checked.result, FileResult)
        yield checked.result
