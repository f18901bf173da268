"""The application: what ``lgo-audit check``, ``extract`` and ``parse`` do, without a terminal.

The command line (:mod:`lgo_audit.cli`) parses arguments into :class:`CheckOptions`, calls one
function here and prints what comes back; tests call the same functions. Nothing here prints
or exits: a usage, configuration or rule-file problem is a :class:`UsageError` (one line, exit
status 2), and everything else is in the :class:`Run` returned.

``run_check`` is the whole check, in order:

1. validate the options, and resolve each file's settings (its configuration, then the
   command line's options: :func:`lgo_audit.config.resolve_settings`);
2. load each configuration's rules and authority register (a bad one is a usage error before
   any letter is read), and refuse selectors that match no rule;
3. with ``fix`` or ``diff``, fix each file (:func:`lgo_audit.fix.fix_file`), and for ``diff``
   stop there;
4. check every file (:func:`lgo_audit.check.check_results`, in parallel for a batch), each
   result kept as it arrives in the run's :class:`Results` (a temporary spool file for a
   batch), and the few facts cross-letter rules read in a :class:`lgo_audit.batch.Batch`;
5. judge the batch: cross-letter rules, then reconciliation with the statistics table
   (``data``); what they add is given to each result as it is read back, each file's
   ``per-file-ignores`` applied to it;
6. work out the exit status: 2 if any input could not be read, else 1 if a finding reaches its
   configuration's ``fail-on`` severity, else 0 (counted on a pass over the results: the one
   that writes the report).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, overload

from lgo_audit.findings import FileResult, LetterFacts, Severity, Totals

if TYPE_CHECKING:
    from lgo_audit.batch import Batch, Judgement
    from lgo_audit.check import Checked
    from lgo_audit.config import Settings
    from lgo_audit.parse import ParsedLetter
    from lgo_audit.reader import SourceFile
    from lgo_audit.report import Pieces
    from lgo_audit.rules import Rule, RuleSet
    from lgo_audit.selection import Selector
    from lgo_audit.stats import StatsTable

__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "SPOOL_FROM",
    "CheckOptions",
    "FixInterrupted",
    "Results",
    "Run",
    "UsageError",
    "load_rule_set",
    "parse_letter",
    "run_check",
    "run_extract",
    "run_rule_examples",
    "settings_for",
]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
"""Exit statuses, as linters have them: no error-severity finding; at least one; a usage,
configuration or input error."""


class Diff(NamedTuple):
    """One file's fixes as a unified diff (``--diff``), and the codec that writes its lines
    as the file's own bytes (:attr:`lgo_audit.fix.FixOutcome.encoding`)."""

    text: str
    encoding: str

    def encoded(self) -> bytes:
        """The diff as bytes: its two header lines name the file as the file system does
        (``os.fsencode``: UTF-8, a name's stray bytes as they are), the letter's lines in
        :attr:`encoding` (what it cannot hold, a fix's character the file could not be
        written with, as a backslash escape)."""
        first = self.text.find("\n", self.text.find("\n") + 1) + 1  # (after "--- " and "+++ ")
        head, lines = self.text[:first], self.text[first:]
        return os.fsencode(head) + lines.encode(self.encoding, "backslashreplace")


class UsageError(Exception):
    """A problem with the options, a configuration file, a rule file or a table: one line,
    exit status 2, nothing checked."""


class FixInterrupted(KeyboardInterrupt):
    """Ctrl-C while ``--fix`` was writing letters: ``files``, how many it had fixed by then
    (each letter is whole: fixed, or as it was)."""

    def __init__(self, files: int) -> None:
        super().__init__(files)
        self.files = files


@dataclass(frozen=True)
class CheckOptions:
    """What the command line asks of a check (None or empty: as the configuration says).

    ``select``, ``extend_select`` and ``ignore`` are selectors (codes, prefixes, names);
    ``max_file_size`` is in bytes; ``data`` is a statistics table (CSV) to reconcile with;
    ``jobs`` is the number of worker processes (None: one per core)."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_dirs: tuple[Path, ...] = ()
    fail_on: str | None = None
    profile: str | None = None
    max_file_size: int | None = None
    config: Path | None = None
    isolated: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    data: Path | None = None
    jobs: int | None = None
    exclude: tuple[str, ...] = ()  # --exclude: globs a folder's search passes over (from .)
    output_file: Path | None = None  # where the report goes (never over an input)
    keep_source: bool = True  # keep the text of letters with findings (to show their lines)
    keep_facts: bool | None = None  # keep every letter's facts (extract); None: when needed
    shown_facts: frozenset[str] = frozenset()  # facts the report shows: kept in any case
    skip_non_letters: bool = False  # the pre-commit hook's --skip-non-letters: see run_check
    progress: Callable[[int, int], None] | None = None  # told (files checked, files) as it goes
    # the report to be written of a batch's results (lean ones: Results.lean), so that its
    # workers write each letter's part of it as they check it (None: the report writes all)
    pieces: Pieces | None = None


SPOOL_FROM = 64
"""Files from which a check's results go to a temporary file as they arrive, read back one
at a time (fewer stay in memory): the memory a batch takes does not grow with the batch."""


class _ResultSequence(Sequence[FileResult]):
    """A sequence of results read one at a time by number (:meth:`_one`), sliced as a list."""

    @overload
    def __getitem__(self, index: int) -> FileResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[FileResult]: ...

    def __getitem__(self, index: int | slice) -> FileResult | list[FileResult]:
        if isinstance(index, slice):
            return [self._one(i) for i in range(*index.indices(len(self)))]
        return self._one(index)

    def _one(self, index: int) -> FileResult:
        raise NotImplementedError


_SPOOL_WRITE = 1 << 20
"""Bytes of results a batch's spool gathers before writing them in one call (a write of each
result's few kilobytes cost the main process a tenth of a second over 10,000 letters)."""


class Results(_ResultSequence):
    """A check's results, in order (one per file, then the statistics table's own findings
    if any), as the whole check left them: each letter's findings with those of the
    cross-letter and data rules added (less its configuration's per-file-ignores) and
    sorted, its rule outcomes with theirs, and its text read again when only they found
    something in it (``keep_source``).

    A run of fewer than :data:`SPOOL_FROM` files keeps them in memory. A larger one writes
    each to a temporary file as it arrives (pickled; the file has no name and is gone when
    :meth:`close` d, or when the Results is collected) and reads them back one at a time:
    iterating holds one result at a time, indexing reads one. Iterating to the end counts
    them (:attr:`totals`, :attr:`failing`) on the way, so a report written in one pass
    needs no second one for its summary and the exit status."""

    def __init__(self, *, spool: bool = False) -> None:
        self._fail_on: list[Severity] = []
        self._items: list[FileResult] = []
        self._file: IO[bytes] | None = None
        self._offsets: array[int] = array("q")
        # what a lean pass (:meth:`lean`) reads of each spooled result instead of the result:
        # its path (None: read the result) and template profile, and where its findings and
        # report piece are in the spool (-1: it has none, being clean)
        self._lean_paths: list[str | None] = []
        self._lean_profiles: list[str | None] = []
        self._lean_at: array[int] = array("q")
        # by result, whether its file is still what was checked (facts): 0 not known yet,
        # 1 the same, 2 changed since
        self._changed = bytearray()
        self._at_hand: tuple[int, FileResult] | None = None  # the result being completed
        self._end = 0  # the spool's size: where the next result goes
        self._written = 0  # how much of it is in the file (the rest is in _unwritten)
        self._unwritten: list[bytes] = []
        if spool:
            import tempfile

            self._file = tempfile.TemporaryFile(prefix="lgo-audit-")  # noqa: SIM115
        self._count = 0
        self._extra: list[FileResult] = []
        self._unreadable: list[FileResult] = []
        self._judgement: Judgement | None = None
        self._ignored: Callable[[int], Sequence[Selector]] = lambda _: ()
        self._keep_source = False
        self._shows_no_text = False  # (until finish: a result reads back as added)
        self._totals: tuple[Totals, bool] | None = None
        # what gives the result of a letter added as read (a SourceFile: see
        # lgo_audit.check.Checked), by its number: the same as its worker's
        self.check_again: Callable[[int, SourceFile], FileResult] | None = None

    # --- filling (the application) ---

    def add(
        self,
        result: FileResult | bytes,
        fail_on: Severity = Severity.ERROR,
        *,
        lean: tuple[str, str | None, bytes | None] | None = None,
    ) -> int:
        """Add the next result (pickled, or as it is) and the lowest severity that fails it;
        returns its number. ``lean``: what a lean pass (:meth:`lean`) may read instead of a
        spooled result: its path, the template profile it was read with (None: no letter)
        and, pickled, its findings and report piece (:attr:`lgo_audit.check.Checked.lean`;
        None for a result without findings or input error)."""
        self._fail_on.append(fail_on)
        if self._file is not None:
            import pickle  # (pickled or spooled results are a batch's)

            data = result if isinstance(result, bytes) else pickle.dumps(result, protocol=5)
            path, profile, pieced = lean if lean is not None else (None, None, None)
            unwritten = self._unwritten
            if pieced is not None:
                self._lean_at.append(self._end)
                unwritten.append(pieced)
                self._end += len(pieced)
            else:
                self._lean_at.append(-1)
            self._offsets.append(self._end)
            unwritten.append(data)
            self._end += len(data)
            if self._end - self._written >= _SPOOL_WRITE:
                self._write_out()
            self._lean_paths.append(path)
            self._lean_profiles.append(_PROFILE_NAMES.setdefault(profile, profile))
        elif isinstance(result, FileResult):
            self._items.append(result)
        else:
            import pickle

            self._items.append(pickle.loads(result))
        if isinstance(result, FileResult) and result.error is not None:
            self._unreadable.append(result)
        self._count += 1
        return self._count - 1

    def note_unreadable(self, result: FileResult) -> None:
        """Remember a result with an input error added pickled (the formats list them first)."""
        self._unreadable.append(result)

    def finish(
        self,
        judgement: Judgement | None,
        ignored: Callable[[int], Sequence[Selector]],
        extra: Sequence[tuple[FileResult, Severity]],
        *,
        keep_source: bool,
    ) -> None:
        """What the batch stage found (added to each result as it is read), each result's
        ignore list by number, the results that follow the files' (the table's) with their
        failing severity, and whether to read again the text of letters only the batch stage
        found something in."""
        self._judgement = judgement
        self._ignored = ignored
        self._extra = [result for result, _ in extra]
        self._fail_on += [fail_on for _, fail_on in extra]
        self._keep_source = keep_source
        self._shows_no_text = not keep_source
        if self._file is None:  # in memory: complete them once
            self._items = [self._complete(i, r) for i, r in enumerate(self._items)]
            self._judgement = None
            self._ignored = lambda _: ()
        self._extra = [self._complete(None, r) for r in self._extra]

    def close(self) -> None:
        """Delete the temporary file (a Results in memory has none)."""
        if self._file is not None:
            self._file.close()

    # --- reading ---

    def __len__(self) -> int:
        return self._count + len(self._extra)

    def _one(self, index: int) -> FileResult:
        return self._get(index, lean=False)

    def _get(self, index: int, *, lean: bool, counting: bool = False) -> FileResult:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("result number out of range")
        if index >= self._count:
            return self._extra[index - self._count]
        if self._file is None:
            return self._items[index]
        judgement = self._judgement
        added = None if judgement is None else judgement.findings.get(index)
        if counting and added:
            # counted without making the batch stage's findings (made when reported)
            assert judgement is not None
            if lean and self._lean_paths[index] is not None:
                result = self._lean_at_index(index)
            else:
                result = self._load(index)
            from lgo_audit.selection import drop_ignored

            counted = drop_ignored(judgement.counted_of(index), self._ignored(index))
            result.findings = result.findings + counted
            return result
        if lean and self._lean_paths[index] is not None and not added:
            return self._lean_at_index(index)
        return self._complete(index, self._load(index))

    def _lean_at_index(self, index: int) -> FileResult:
        """Result ``index`` as its lean entry has it (see :meth:`lean`)."""
        path = self._lean_paths[index]
        assert path is not None
        profile = self._lean_profiles[index]
        at = self._lean_at[index]
        if at < 0:
            return FileResult(path, profile=profile)
        findings, piece = self._load_at(at)
        return FileResult(path, findings, profile=profile, report_piece=piece)

    def __iter__(self) -> Iterator[FileResult]:
        return self._iterate(lean=False)

    def _iterate(self, *, lean: bool, counting: bool = False) -> Iterator[FileResult]:
        totals = Totals()
        failing = False
        for index in range(len(self)):
            result = self._get(index, lean=lean, counting=counting)
            totals.add(result)
            if not failing and result.findings:
                floor = self._fail_on[index].rank
                failing = any(f.severity.rank >= floor for f in result.findings)
            yield result
        self._totals = (totals, failing)

    def lean(self) -> Sequence[FileResult]:
        """These results for a report that reads of a result only its path, input error,
        template profile and findings (what the summary counts) or its report piece: the
        same results, but that a batch's result added with ``lean`` to which the batch stage
        added no finding is not read back from the spool. A clean one stands there as a
        result made in memory with its path and profile, one with findings with its findings
        and piece read back instead (no rule outcome, fact, digest or text). Goes with
        :attr:`lgo_audit.report.OutputFormat.lean`."""
        return _Lean(self)

    def _load(self, index: int) -> FileResult:
        result = self._load_at(self._offsets[index])
        if not isinstance(result, FileResult):  # a letter as read: checked again
            assert self.check_again is not None, "a letter sent as read is checked again"
            result = self.check_again(index, result)
        return result

    def _load_at(self, start: int) -> Any:
        import pickle

        assert self._file is not None
        if self._unwritten:
            self._write_out()
        self._file.seek(start)
        return pickle.load(self._file)

    def _write_out(self) -> None:
        """Write the results gathered since the last write at the spool's end."""
        assert self._file is not None
        self._file.seek(self._written)
        self._file.write(b"".join(self._unwritten))
        self._unwritten.clear()
        self._written = self._end

    def facts(self, index: int, max_bytes: int | None = None) -> LetterFacts:
        """The kept facts of result ``index`` as checked (for the batch stage). Their places
        in the file (``where``: offsets, made into lines and columns) are found in its text
        as checked when the result holds it, else in the file read again (within
        ``max_bytes``, the size limit it was checked with; None: the default). They are
        left out when the file is no longer what was checked (edited or gone since): a
        finding then points at the file's start, never at another line."""
        from lgo_audit.batch import read_as_checked

        at_hand = self._at_hand
        if at_hand is not None and at_hand[0] == index:
            result = at_hand[1]  # (being completed: not read back again)
        else:
            result = self._items[index] if self._file is None else self._load(index)
        facts = result.facts
        if any(fact.where is not None for fact in facts.values()):
            known = self._changed
            if index >= len(known):
                known.extend(bytes(index + 1 - len(known)))
            if known[index] == 0:  # (the file is read once: the batch stage may ask again)
                text = result.source_text
                if max_bytes is None:
                    same = read_as_checked(result.path, result.sha256, text)
                else:
                    same = read_as_checked(result.path, result.sha256, text, max_bytes)
                known[index] = 1 if same else 2
            if known[index] == 2:
                facts = {name: fact._replace(where=None) for name, fact in facts.items()}
        return facts

    def _complete(self, index: int | None, result: FileResult) -> FileResult:
        judgement = self._judgement
        if judgement is not None and index is not None:
            self._at_hand = (index, result)  # (the batch stage's findings read its facts)
            try:
                added = judgement.findings_of(index)
            finally:
                self._at_hand = None
            if added:
                from lgo_audit.selection import drop_ignored

                result.findings = result.findings + drop_ignored(added, self._ignored(index))
            outcomes = judgement.results_of(index)
            if outcomes:
                result.results = result.results + outcomes
        result.findings.sort(key=lambda f: f.sort_key)
        if not result.findings or self._shows_no_text:
            # (a large batch's letter comes with its text for the batch stage; a result
            # keeps it only to show a finding's lines)
            result.source_text = None
        elif self._keep_source and result.source_text is None:
            from lgo_audit.reader import InputError, read_source

            with contextlib.suppress(OSError, InputError):
                source = read_source(Path(result.path))
                if result.sha256 is None or source.sha256 == result.sha256:
                    result.source_text = source.text  # (else no lines: they are not those checked)
        return result

    # --- what a pass over them counts ---

    def _counted(self) -> tuple[Totals, bool]:
        if self._totals is None:
            # (the counts read only findings' codes and severities, and results' kinds)
            for _ in self._iterate(lean=True, counting=True):
                pass
        assert self._totals is not None
        return self._totals

    @property
    def totals(self) -> Totals:
        """Findings and letters counted over every result (a pass over them, unless one
        has been made)."""
        return self._counted()[0]

    @property
    def failing(self) -> bool:
        """Whether a finding reaches its file's ``fail-on`` severity."""
        return self._counted()[1]

    def fail_on(self, index: int) -> Severity:
        """The lowest severity that fails result ``index`` (its configuration's ``fail-on``)."""
        return self._fail_on[index]

    @property
    def unreadable(self) -> list[FileResult]:
        """The results with an input error, in order (kept in memory: there are few)."""
        return list(self._unreadable)


_PROFILE_NAMES: dict[str | None, str | None] = {}
"""One string per template profile name, for the lean entries of every batch's results."""


class _Lean(_ResultSequence):
    """:meth:`Results.lean`: the results, each added with ``lean`` stood in for when iterated or
    indexed (unless the batch stage added a finding to it)."""

    def __init__(self, results: Results) -> None:
        self._results = results

    def __len__(self) -> int:
        return len(self._results)

    def _one(self, index: int) -> FileResult:
        return self._results._get(index, lean=True)

    def __iter__(self) -> Iterator[FileResult]:
        return self._results._iterate(lean=True)

    @property
    def totals(self) -> Totals:
        return self._results.totals

    @property
    def failing(self) -> bool:
        return self._results.failing

    @property
    def unreadable(self) -> list[FileResult]:
        return self._results.unreadable


@dataclass
class Run:
    """What a check found.

    ``results``: one per file, in the order given (folders sorted), then the statistics
    table's own findings if any (:class:`Results`: read back one at a time for a large
    batch); ``rules``: the active rules by code; ``input_errors``: one line per path that
    could not be checked (also each result's ``error``); ``notices``: lines for standard
    error (fixes refused); ``fixed``: findings fixed; ``letters_fixed``: letters written by
    ``--fix``; ``diffs``: each file's unified diff (``diff``: :class:`Diff`). Each result's failing severity is
    ``results.fail_on(index)``."""

    results: Results = field(default_factory=Results)
    rules: list[Rule] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    fixed: int = 0
    letters_fixed: int = 0
    diffs: list[Diff] = field(default_factory=list)
    diff_only: bool = False
    files: int = 0  # letter files found

    @property
    def exit_status(self) -> int:
        if self.input_errors:  # a file that could not be read, with --diff too
            return EXIT_ERROR
        if self.diff_only:  # like ruff: status 1 when there is something to fix
            return EXIT_FINDINGS if self.diffs else EXIT_OK
        return EXIT_FINDINGS if self.results.failing else EXIT_OK

    def close(self) -> None:
        """Let go of the results' temporary file, if they have one."""
        self.results.close()


@dataclass(frozen=True)
class Inputs:
    """What ``paths`` name, in order: each entry a file to check, or a path that cannot be
    (``(path, one-line error)``). A file named twice (another path, a symlink, a hard link) is
    there once, under the first name given; so is a path named twice that cannot be checked
    (a missing file, a broken link, a link in a loop: the same place, however named)."""

    entries: tuple[str | tuple[str, str], ...]

    @property
    def files(self) -> list[str]:
        """The files to check, by name (a batch's worth of names takes a fraction of the
        room of as many ``Path`` objects, each of which holds its parts)."""
        return [e for e in self.entries if isinstance(e, str)]


def collect_paths(
    paths: Iterable[str | os.PathLike[str]],
    letter_files: Callable[[Path], Sequence[str]] | None = None,
    exclusions: Callable[[Path], Exclusions] | None = None,
) -> Inputs:
    """The files at ``paths``: a file as given (whatever it is: the reader refuses what is not
    a letter, with its reason), a folder walked for the file names ``letter_files(folder)``
    gives (glob patterns; default :data:`~lgo_audit.config.LETTER_FILES`: .txt, .md, .html,
    .htm, .pdf, .docx; hidden entries skipped, and those ``exclusions(folder)`` names;
    anything else with those names, a broken link or a pipe, is kept for the reader to
    refuse), a folder that cannot be read, or a path that does not exist, as an error."""
    entries: list[str | tuple[str, str]] = []
    seen: set[int] = set()
    unplaced: set[str] = set()  # files without an identity (broken), by where they would be
    errors: set[tuple[str, str]] = set()
    for given in paths:
        path = Path(given)
        found: list[str | tuple[str, str]]
        try:
            if path.is_dir():
                patterns = _default_letter_files() if letter_files is None else letter_files(path)
                excluded = None if exclusions is None else exclusions(path)
                found = list(_walk(path, patterns, excluded))
            elif path.exists() or path.is_symlink():
                found = [str(path)]
            elif str(given) == "-":  # (as many tools read standard input: not this one)
                found = [("-", "no such file (standard input is not read: name the files)")]
            else:
                found = [(_shown(given), "no such file or directory")]
        except OSError as error:  # a folder on the way that cannot be searched
            found = [(_shown(given), f"cannot be read ({_reason(error)})")]
        for entry in found:
            if isinstance(entry, str):
                identity = _identity(entry)
                if identity is not None:
                    if identity in seen:
                        continue
                    seen.add(identity)
                else:
                    place = _place(entry)
                    if place in unplaced:
                        continue
                    unplaced.add(place)
            else:
                key = (_place(str(given)), entry[1])
                if key in errors:
                    continue
                errors.add(key)
            entries.append(entry)
    return Inputs(tuple(entries))


def _place(path: str) -> str:
    """Where ``path`` leads, for a path that cannot be opened (``os.path.realpath``: its links
    followed as far as they go; a name that the system refuses, as it is)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


class Exclusions:
    """The files and folders a folder's search passes over: glob patterns, each with the folder
    its paths start from (a configuration's folder, or the current folder for ``--exclude``).
    A pattern without ``/`` matches an entry's name wherever it is (``drafts``,
    ``*.report.txt``); one with ``/`` the entry's path from its pattern's folder
    (``letters/2019/*``, ``./letters/2019/*``; ``*`` matches across ``/`` too), or from the
    root when it starts with ``/``. Case is ignored, as for ``letter-files``."""

    def __init__(self, patterns: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._names: list[str] = []
        self._paths: list[tuple[str, str]] = []  # (folder, pattern)
        for folder, globs in patterns:
            base = os.path.realpath(folder)
            for pattern in globs:
                glob, start = pattern.strip(), base
                if os.path.isabs(glob):  # (a path from the root: as one from the root folder)
                    glob, start = os.path.realpath(glob), os.path.realpath(os.sep)
                while glob.startswith("./"):
                    glob = glob[2:]
                glob = glob.strip("/").lower()
                if "/" in glob:
                    self._paths.append((start, glob))
                elif glob:
                    self._names.append(glob)

    def __bool__(self) -> bool:
        return bool(self._names or self._paths)

    def __call__(self, name: str, real: str) -> bool:
        """Whether the entry named ``name``, whose links-resolved path is ``real``, is
        passed over."""
        lowered = name.lower()
        if any(fnmatch.fnmatchcase(lowered, glob) for glob in self._names):
            return True
        for base, glob in self._paths:
            relative = os.path.relpath(real, base)
            outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
            if not outside and fnmatch.fnmatchcase(relative.replace(os.sep, "/").lower(), glob):
                return True
        return False


def _walk(
    folder: Path, patterns: Sequence[str], excluded: Exclusions | None = None
) -> Iterator[str | tuple[str, str]]:
    """Letter files below ``folder`` (names matching one of ``patterns``, whatever their
    case), and each sub-folder that cannot be read as an error, in the order their paths sort
    (part by part, ignoring case where the system does): each folder's entries in name order,
    a sub-folder's in its place. No list of the batch's files is sorted as a whole (a key per
    file is memory a big batch would hold at its peak). Hidden entries are skipped, and those
    ``excluded`` names (a folder with all it holds); a link to a folder is not followed;
    anything else with a letter's name (a broken link, a pipe) is kept for the reader to
    refuse."""
    wanted = [pattern.lower() for pattern in patterns]
    passing = excluded if excluded else None  # (None: no pattern, nothing to work out)
    top = os.path.realpath(folder) if passing is not None else ""

    def visit(directory: str, real: str = top) -> Iterator[str | tuple[str, str]]:
        try:
            with os.scandir(directory) as found:
                entries = sorted(found, key=lambda entry: os.path.normcase(entry.name))
        except OSError as error:
            where = _shown(error.filename if error.filename is not None else directory)
            yield (where, f"folder cannot be read ({_reason(error)}); not checked")
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            # (named as Path names it: "letters/a.txt" in the folder ".", not "./letters/a.txt")
            path = name if directory == "." else entry.path
            if passing is not None and passing(name, os.path.join(real, name)):
                continue
            if _is_folder(entry):
                if not _is_link(entry):
                    yield from visit(path, os.path.join(real, name) if passing else "")
            elif any(fnmatch.fnmatchcase(name.lower(), pattern) for pattern in wanted):
                yield path

    return visit(os.fspath(folder))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def nothing_found(paths: Iterable[str | os.PathLike[str]], options: CheckOptions) -> list[str]:
    """The warning when ``paths`` hold no letter or page: one line a folder, naming it and what
    it was searched for (its configuration's ``letter-files``); one line naming what was sought
    when no folder was given."""
    sought: dict[str, tuple[str, ...]] = {}
    excluded: dict[str, int] = {}  # by folder: the files its exclude patterns passed over
    said: set[str] = set()  # the folders named so far (one given twice is named once)
    for given in paths:
        path = Path(given)
        if path.is_dir() and (real := os.path.realpath(path)) not in said:
            said.add(real)
            try:
                patterns = tuple(_letter_files(options)(path))
                exclusions = _exclusions(options)(path)
            except UsageError:  # (reported by the run itself)
                continue
            sought[_shown(given)] = patterns
            if exclusions:  # (found again without them: a warning's cost, not a run's)
                excluded[_shown(given)] = sum(isinstance(e, str) for e in _walk(path, patterns))
    if not sought:
        return [f"lgo-audit: warning: no letters or pages {_sought(None)}"]
    return [
        f"lgo-audit: warning: {folder}: "
        + (
            _all_excluded(excluded[folder])
            if excluded.get(folder)
            else f"no letters or pages {_sought(patterns)}"
        )
        for folder, patterns in sought.items()
    ]


def _all_excluded(count: int) -> str:
    """The no-letter warning of a folder whose ``count`` files were all excluded."""
    found = "the file found is" if count == 1 else f"the {count} files found are all"
    return f"no letters or pages to check: {found} excluded (exclude, --exclude)"


def _sought(patterns: Sequence[str] | None) -> str:
    """What a folder was searched for, as the no-letter warning says it."""
    if patterns is None or tuple(patterns) == tuple(_default_letter_files()):
        return "(.txt, .md, .pdf, .docx, .html, .htm) found"
    if not patterns:
        return "found: letter-files names no file"
    return f"found (letter-files: {', '.join(patterns)})"


def _default_letter_files() -> Sequence[str]:
    from lgo_audit.config import LETTER_FILES

    return LETTER_FILES


def _exclusions(options: CheckOptions) -> Callable[[Path], Exclusions]:
    """What a folder's search passes over: its configuration's ``exclude`` (from the
    configuration's folder) and ``--exclude`` (from the current folder)."""

    from lgo_audit.config import ConfigError, resolve_settings

    def exclusions(folder: Path) -> Exclusions:
        try:
            [(_, settings)] = resolve_settings(
                [folder / "_"], config=options.config, isolated=options.isolated
            )
        except ConfigError as error:
            raise UsageError(str(error)) from None
        patterns = [(os.curdir, options.exclude)]
        if settings.exclude and settings.root is not None:
            patterns.append((settings.root, settings.exclude))
        return Exclusions(patterns)

    return exclusions


def _letter_files(options: CheckOptions) -> Callable[[Path], Sequence[str]]:
    """What a folder is searched for: its configuration's ``letter-files``."""

    from lgo_audit.config import ConfigError, resolve_settings

    def patterns(folder: Path) -> Sequence[str]:
        try:
            [(_, settings)] = resolve_settings(
                [folder / "_"], config=options.config, isolated=options.isolated
            )
        except ConfigError as error:
            raise UsageError(str(error)) from None
        return settings.letter_files

    return patterns


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or type(error).__name__


def _identity(path: str) -> int | None:
    """The device and inode of the file ``path`` leads to, as one number (a batch's worth of
    pairs takes room), or None if it leads to none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev << 64) | info.st_ino


def _shown(path: object) -> str:
    from lgo_audit.reader import display_path

    return display_path(str(path))


def _problems(inputs: Inputs) -> list[tuple[str, str]]:
    return [e for e in inputs.entries if not isinstance(e, str)]


def _without_the_report_rewritten(inputs: Inputs, options: CheckOptions) -> Inputs:
    """``inputs`` without the report ``-o`` names when a folder checked holds it and
    lgo-audit wrote it (an HTML report's ``generator``, a text report's first line): the
    report is written again in its place, as a run's output, not read as an input (which
    :mod:`lgo_audit.webpage` and :mod:`lgo_audit.reader` would refuse)."""
    from lgo_audit.reader import is_own_text_report
    from lgo_audit.webpage import is_html_path, is_own_report

    target = options.output_file
    if target is None:
        return inputs
    own = is_own_report if is_html_path(str(target)) else is_own_text_report
    if not own(target):
        return inputs
    name = target.name
    kept = []
    for entry in inputs.entries:
        if isinstance(entry, str) and os.path.basename(entry) == name:
            with contextlib.suppress(OSError):
                if os.path.samefile(entry, target):
                    continue
        kept.append(entry)
    return Inputs(tuple(kept))


def _refuse_writing_over_an_input(
    options: CheckOptions, files: Sequence[str], groups: Iterable[Settings] = ()
) -> None:
    """``-o FILE`` naming a file the run reads would replace it with the report: a letter, the
    statistics table, or what the settings ``groups`` read (a configuration file, the
    authority register, a rule file)."""
    target = options.output_file
    if target is None or not target.exists():
        return
    _refuse_writing_over_the_tools_own_files(target)
    read: list[str] = [*files]
    if options.data is not None:
        read.append(str(options.data))
    for settings in groups:
        read.extend(p for p in (settings.source, settings.authority_register) if p is not None)
        for folder in settings.rule_dirs:
            with contextlib.suppress(OSError):
                read.extend(entry.path for entry in os.scandir(folder) if entry.is_file())
    try:
        written = os.stat(target)
    except (OSError, ValueError):
        return
    for given in read:
        with contextlib.suppress(OSError, ValueError):
            if os.path.samestat(written, os.stat(given)):  # (the report's stat taken once)
                raise UsageError(
                    f"{_shown(target)}: is an input ({_shown(given)}); the report would replace "
                    "it: name another output file"
                )


def _refuse_writing_over_the_tools_own_files(target: Path) -> None:
    """``-o`` naming a file of lgo-audit's own (its code, bundled rules, schemas or register)
    would break every later run."""
    from lgo_audit.resources import data_dir

    package = Path(__file__).resolve().parent
    folders = (package, *(data_dir(kind) for kind in ("rules", "schemas", "data")))
    with contextlib.suppress(OSError):
        resolved = target.resolve()
        if any(resolved.is_relative_to(folder) for folder in folders):
            raise UsageError(
                f"{_shown(target)}: is one of lgo-audit's own files; the report would replace "
                "it: name another output file"
            )


def _validate(options: CheckOptions) -> None:
    from lgo_audit.config import glob_problem
    from lgo_audit.grammar import PROFILES

    if options.profile is not None and options.profile not in PROFILES:
        raise UsageError(f"unknown profile '{options.profile}' (known: {', '.join(PROFILES)})")
    if options.max_file_size is not None:
        _validate_max_file_size(options.max_file_size)
    if options.fail_on not in (None, "error", "warning"):
        raise UsageError(f"--fail-on must be error or warning, not '{options.fail_on}'")
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(f"--jobs must be a whole number of at least 1, not {options.jobs}")
    if options.config is not None and options.isolated:
        raise UsageError("--config and --isolated cannot be used together")
    if options.output_file is not None:
        from lgo_audit.safe_write import report_target_problem

        # said before the batch is checked, not after (as writing it would say)
        problem = report_target_problem(options.output_file)
        if problem is not None:
            raise UsageError(f"{_shown(options.output_file)}: cannot write the report: {problem}")
    for flag, values in (
        ("--select", options.select),
        ("--extend-select", options.extend_select),
        ("--ignore", options.ignore),
    ):
        for value in values:
            if not value.replace(",", "").strip():
                raise UsageError(f"{flag} '{value}' names no rule (see 'lgo-audit rules')")
    for pattern in options.exclude:
        problem = glob_problem(pattern)
        if problem is not None:
            raise UsageError(f"--exclude '{pattern}': {problem}")
    if options.config is not None and not options.config.is_file():
        if options.config.is_dir():
            what = "is a folder, not a configuration file"
        elif options.config.exists():
            what = "is not a regular file (a configuration file is a TOML file)"
        else:
            what = "configuration file not found"
        raise UsageError(f"{options.config}: {what}")


def _validate_max_file_size(size: int) -> None:
    """``--max-file-size`` within the bounds a configuration's ``max-file-size`` has (its
    schema's minimum and maximum, read from ``schemas/config.schema.json``)."""
    import json

    from lgo_audit.resources import schema_path

    schema = json.loads(schema_path("config").read_text(encoding="utf-8"))
    most = schema["properties"]["max-file-size"]["maximum"]
    if size <= 0:
        raise UsageError("--max-file-size must be a positive number of bytes")
    if size > most:
        raise UsageError(f"--max-file-size must be at most {most:,} bytes, not {size:,}")


def _resolve(files: Sequence[str], options: CheckOptions) -> list[tuple[str, Settings]]:
    from lgo_audit.config import ConfigError, Overrides, resolve_settings
    from lgo_audit.selection import selectors

    overrides = Overrides(
        select=tuple(map(str, selectors(options.select))),
        extend_select=tuple(map(str, selectors(options.extend_select))),
        ignore=tuple(map(str, selectors(options.ignore))),
        rule_dirs=tuple(os.path.realpath(d) for d in options.rule_dirs),
        fail_on=Severity(options.fail_on) if options.fail_on else None,
        max_file_size=options.max_file_size,
        profile=options.profile,
    )
    try:
        return resolve_settings(
            files, config=options.config, isolated=options.isolated, overrides=overrides
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _groups(tasks: list[tuple[str, Settings]], options: CheckOptions) -> list[Settings]:
    """Each distinct settings once (the current folder's when there are no files)."""
    return list(dict.fromkeys(s for _, s in tasks)) or [_resolve(["_"], options)[0][1]]


def _rules_and_registers(
    groups: list[Settings], options: CheckOptions | None = None
) -> dict[Settings, RuleSet]:
    """Each configuration's rule set, with its profile, selectors and register checked (a
    selector that matches no rule is named with the configuration file it came from, unless
    ``options`` gave it on the command line)."""
    from lgo_audit.grammar import PROFILES
    from lgo_audit.register import RegisterError, load_register
    from lgo_audit.rules import RuleLoadError, rules_for
    from lgo_audit.selection import selectors, unmatched

    rule_sets: dict[Settings, RuleSet] = {}
    for settings in groups:
        _check_named_rule_dirs(settings, options.rule_dirs if options else ())
        try:
            rule_sets[settings] = rules_for(settings.rule_dirs)
        except RuleLoadError as error:
            raise UsageError(str(error)) from None
    given = _given_selectors(options)
    for settings, rules in rule_sets.items():
        if settings.profile is not None and settings.profile not in PROFILES:
            raise UsageError(
                f"{settings.source}: key 'profile': unknown profile '{settings.profile}' "
                f"(known: {', '.join(PROFILES)})"
            )
        for selector in settings.selection.unknown(rules.rules):
            where = f"{settings.source}: " if settings.source and str(selector) not in given else ""
            raise UsageError(f"{where}no rule matches '{selector}' (see 'lgo-audit rules')")
        for pattern, codes in settings.per_file_ignores:  # (only a configuration file has them)
            for selector in unmatched(selectors(codes), rules.rules):
                raise UsageError(
                    f"{settings.source}: key 'per-file-ignores.{pattern}': "
                    f"no rule matches '{selector}' (see 'lgo-audit rules')"
                )
        try:
            load_register(settings.authority_register)
        except RegisterError as error:
            # (a path that leads to no file: said with the key and the file that named it)
            lost = settings.source and not os.path.isfile(str(settings.authority_register))
            where = f" (key 'authority-register' of {settings.source})" if lost else ""
            raise UsageError(f"{error}{where}") from None
    return rule_sets


def _given_selectors(options: CheckOptions | None) -> set[str]:
    """The selectors of the command line (``--select``, ``--extend-select``, ``--ignore``)."""
    from lgo_audit.selection import selectors

    if options is None:
        return set()
    given = (*options.select, *options.extend_select, *options.ignore)
    return {str(selector) for selector in selectors(given)}


def _load_table(path: Path, max_file_size: int | None) -> StatsTable:
    from lgo_audit.reader import DEFAULT_MAX_BYTES
    from lgo_audit.stats import StatsError, load_stats

    try:
        return load_stats(path, max_bytes=max_file_size or DEFAULT_MAX_BYTES)
    except StatsError as error:
        raise UsageError(str(error)) from None


def _fix(run: Run, tasks: list[tuple[str, Settings]], options: CheckOptions) -> None:
    from lgo_audit.fix import fix_file
    from lgo_audit.register import load_register
    from lgo_audit.rules import rules_for

    for path, settings in tasks:
        before = None if options.diff else _identity_of(path)
        try:
            outcome = fix_file(
                Path(path),
                settings.selection.active(rules_for(settings.rule_dirs)),
                authorities=load_register(settings.authority_register),
                unsafe=options.unsafe_fixes,
                write=not options.diff,
                max_bytes=settings.max_file_size,
                profile=settings.profile,
            )
        except KeyboardInterrupt:
            # stopped while this letter was written: counted if it was (another file, or
            # the same one changed, at its path)
            if before is not None and _identity_of(path) != before:
                run.letters_fixed += 1
            raise
        if not options.diff and outcome.changed and outcome.error is None:
            run.letters_fixed += 1
        if outcome.error is not None:
            if outcome.error.endswith("not fixed"):
                # (--diff writes nothing: what it leaves out has no diff, rather than no fix)
                said = outcome.error
                run.notices.append(
                    said.removesuffix("not fixed") + "no diff" if options.diff else said
                )
            elif options.diff:  # not read (with --fix, the check that follows reports it)
                run.input_errors.append(outcome.error)
        if options.diff and outcome.changed:
            run.diffs.append(Diff(outcome.diff(), outcome.encoding))
        elif outcome.changed and outcome.error is None:
            run.fixed += outcome.applied


def _identity_of(path: str) -> tuple[int, int, int] | None:
    """What changes when a file is written: its inode, size and modification time (None
    for a file that cannot be looked at)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


@contextlib.contextmanager
def _saying_what_was_fixed(run: Run) -> Iterator[None]:
    """A Ctrl-C once ``--fix`` has written letters (while it writes them, or in the check that
    follows): :class:`FixInterrupted`, with their number."""
    try:
        yield
    except KeyboardInterrupt:
        if run.letters_fixed:
            raise FixInterrupted(run.letters_fixed) from None
        raise


def _not_a_letter(checked: Checked, settings: Settings, codes: set[str]) -> bool:
    """``skip_non_letters`` (the pre-commit hook): a file found not to be a letter (a finding
    of the not-a-letter check) in which no anchor statement of any template year is recognised
    (a letters repository's README) is left out of the results, with a note, instead of
    failing with LGO001. A file with one (a half letter) keeps its findings."""
    from lgo_audit.parse import holds_anchor_statement
    from lgo_audit.reader import InputError

    if checked.error is not None or not codes.intersection(checked.codes):
        return False
    try:
        return not holds_anchor_statement(checked.path, max_bytes=settings.max_file_size)
    except InputError:  # changed since it was checked: keep the finding
        return False


def _skipped_notices(run: Run, skipped: list[str]) -> None:
    not_fixed = tuple(f"{path}: not an Annual Review letter" for path in skipped)
    run.notices = [n for n in run.notices if not n.startswith(not_fixed)]
    run.notices += [
        f"{path}: not an Annual Review letter (no title, introduction or statistics panel of "
        "any template year); skipped"
        for path in sorted(skipped)
    ]


def _fact_names(rule_sets: Iterable[Sequence[Rule]], data: bool) -> tuple[str, ...]:
    """The facts the batch stage keeps in memory for each letter (:func:`memory_names`) for
    the rules of every configuration; the rest it reads from each letter's result."""
    from lgo_audit.batch import memory_names, needs_facts

    names: set[str] = set()
    for rules in rule_sets:
        if needs_facts(rules):
            names |= memory_names(rules, data)
    return tuple(sorted(names))


def _strictest(active: dict[Settings, list[Rule]]) -> dict[str, Rule]:
    """Every active rule by code, in the order first met, as the strictest configuration
    that selects it has it (the highest severity): what judges letters of several
    configurations together (each letter's findings then take its own severity:
    :func:`_as_configured`), gives the statistics table's own findings (LGO512) their
    severity and describes the rule in a report, whatever the order of the paths."""
    found: dict[str, Rule] = {}
    for rules in active.values():
        for rule in rules:
            kept = found.get(rule.code)
            if kept is None or rule.severity.rank > kept.severity.rank:
                found[rule.code] = rule
    return found


def _as_configured(judgement: Judgement, own: Sequence[dict[str, Rule] | None]) -> None:
    """Each letter's cross-letter and data findings and outcomes as its own configuration
    has the rules (``own[letter]``, by code): those of a rule it does not select dropped, and
    each finding at the severity it gives the rule (one rule list judged letters of several
    configurations; a letter's own rule may be set to another severity)."""
    for index, found in list(judgement.findings.items()):
        rules = own[index] or {}
        kept = [
            f
            if f.severity is rules[f.code].severity
            else dataclasses.replace(f, severity=rules[f.code].severity)
            for f in found
            if f.code in rules
        ]
        if kept:
            judgement.findings[index] = kept
        else:
            del judgement.findings[index]
    for index, outcomes in list(judgement.data_results.items()):
        rules = own[index] or {}
        judgement.data_results[index] = [r for r in outcomes if r.code in rules]


def _pieces(options: CheckOptions, active: dict[Settings, list[Rule]]) -> Pieces | None:
    """What the workers write each letter's part of the report with (:class:`Pieces`), the
    report's rules in its order (by code, as :attr:`Run.rules`)."""
    if options.pieces is None:
        return None
    codes = sorted({rule.code for rules in active.values() for rule in rules})
    return options.pieces.with_rules(tuple(codes))


class _AsRead:
    """Whether a batch's letters read as text may come back from their workers as read, not
    whole (:class:`lgo_audit.check.Checked`, with a report the workers write): asked before
    each chunk of files is sent. No for the first :data:`FIRST` letters; then yes if the
    batch stage, judging the latest :data:`WINDOW` letters checked, finds something in no
    more than one letter in :data:`SHARE` of them, asked again at 4 and 16 times as many
    letters and so on; once no, no to the end. A letter sent as read saves its worker pickling its result (some
    26 us), but is checked again in the main process if the batch stage adds a finding to
    it (some 0.7 ms): in a batch whose letters disagree, that would be most of them."""

    FIRST = 256
    SHARE = 50
    WINDOW = 256

    def __init__(
        self,
        batch: Batch,
        rules: Sequence[Rule],
        selects: Callable[[int, str], bool] | None,
    ) -> None:
        self.batch = batch
        self.rules = [rule for rule in rules if rule.kind == "batch"]
        self.selects = selects
        self.at = self.FIRST  # the number of letters at which the batch stage is asked next
        self.yes = False
        self.asked = False  # (once asked, a no stays)

    def __call__(self) -> bool:
        if (self.yes or not self.asked) and len(self.batch.paths) >= self.at:
            self.at *= 4
            self.asked = True
            self.yes = not self.rules or self._few_findings()
        return self.yes

    def _few_findings(self) -> bool:
        """Whether the batch stage finds something in no more than one letter in
        :data:`SHARE` of the latest :data:`WINDOW` letters (judged among themselves: a
        batch's time to judge grows with its letters)."""
        from lgo_audit.batch import Judgement, judge_batch

        count = len(self.batch.paths)
        start = max(0, count - self.WINDOW)
        latest = self.batch.since(start)
        judged = judge_batch(latest, self.rules, Judgement(), self.selects, settle=False)
        return len(judged.findings) * self.SHARE <= count - start


def run_check(paths: Sequence[str | os.PathLike[str]], options: CheckOptions) -> Run:
    """Check the letters at ``paths`` (files, or folders walked for .txt and .md).

    With ``skip_non_letters``, a file in which no anchor statement of any template year is
    recognised is skipped with a note (:func:`_not_a_letter`).

    The results of a large batch are kept in a temporary file, read back one at a time
    (:class:`Results`); :meth:`Run.close` deletes it (so does collecting the Run). Raises
    :class:`UsageError` for bad options, configuration, rule files, register or table; a
    file that cannot be read is an input error in the returned :class:`Run`, not a raise."""
    from lgo_audit.batch import Batch, Judgement, judge_batch, judge_data
    from lgo_audit.check import Tasks, active_rules, check_results, check_source
    from lgo_audit.checks import NOT_A_LETTER

    _validate(options)
    table = _load_table(options.data, options.max_file_size) if options.data is not None else None
    inputs = _without_the_report_rewritten(
        collect_paths(paths, _letter_files(options), _exclusions(options)), options
    )
    files = inputs.files
    tasks = _resolve(files, options)
    groups = _groups(tasks, options)
    _refuse_writing_over_an_input(options, files, groups)
    rule_sets = _rules_and_registers(groups, options)
    missing = [f"{path}: {reason}" for path, reason in _problems(inputs)]
    run = Run(input_errors=missing, files=len(files))
    with _saying_what_was_fixed(run):
        if options.fix or options.diff:
            _fix(run, tasks, options)
            if options.diff:
                run.diff_only = True
                return run
        active = {s: s.selection.active(rules) for s, rules in rule_sets.items()}
        not_a_letter = {
            s: {r.code for r in rules if r.check == NOT_A_LETTER.name}
            for s, rules in active.items()
        }
        work = Tasks(tasks)
        problems = [None if isinstance(e, str) else e for e in inputs.entries]
        del inputs, files, tasks
        spool = len(problems) >= SPOOL_FROM
        results = run.results = Results(spool=spool)
        settings_at: list[Settings | None] = []

        def check_again(index: int, source: SourceFile) -> FileResult:
            # (as the worker checked it: lgo_audit.check._check_task, with the same options)
            settings = settings_at[index]
            assert settings is not None
            result = check_source(
                source,
                batch.paths[index],
                active_rules(settings),
                settings,
                keep_facts=options.keep_facts,
                keep_source=options.keep_source,
                batch=True,
                shown_facts=options.shown_facts,
                source_for_batch=True,
            )
            result.findings.sort(key=lambda f: f.sort_key)  # (as its worker sorted them)
            return result

        results.check_again = check_again

        def facts_of(index: int) -> LetterFacts:
            settings = settings_at[index]
            limit = None if settings is None else settings.max_file_size
            return results.facts(index, limit)  # (a file is read again within its limit)

        batch = Batch(_fact_names(active.values(), table is not None), facts_of)
        skipped: list[str] = []
        strictest = _strictest(active)
        rules = list(strictest.values())
        own = {s: {r.code: r for r in rules} for s, rules in active.items()}
        selects = None
        if len(own) > 1:  # (letters under several configurations)

            def selects(index: int, code: str) -> bool:
                settings = settings_at[index]
                return settings is not None and code in own[settings]

        checked = check_results(
            work,
            options.jobs,
            keep_facts=options.keep_facts,
            keep_source=options.keep_source,
            shown_facts=options.shown_facts,
            names=batch.names,
            pack=spool,
            pieces=_pieces(options, active),
            as_read=_AsRead(batch, rules, selects) if spool and table is None else None,
        )
        done = 0
        try:
            for problem in problems:
                if problem is not None:  # a path that could not be checked, in its place
                    results.add(FileResult(problem[0], error=": ".join(problem)))
                    batch.add(problem[0], None)
                    settings_at.append(None)
                    continue
                item = next(checked)
                path, settings = work[done]
                done += 1
                if options.progress is not None:
                    options.progress(done, len(work))
                if options.skip_non_letters and _not_a_letter(
                    item, settings, not_a_letter[settings]
                ):
                    skipped.append(path)
                    continue
                lean = None
                if item.error is None and (item.lean is not None or not item.codes):
                    lean = (path, item.profile, item.lean)
                results.add(item.result, settings.fail_on, lean=lean)
                if item.error is not None and isinstance(item.result, bytes):
                    results.note_unreadable(FileResult(path, error=item.error))
                batch.add(path, item.values if item.error is None else None)
                settings_at.append(settings)
        finally:
            checked.close()  # the workers stop (at once, when interrupted)
        run.input_errors = [r.error for r in results.unreadable if r.error is not None]
        if skipped:
            _skipped_notices(run, skipped)
        judgement = Judgement()
        if len(batch.letters) > 1:
            # (its findings made letter by letter as the report reads them, not all held)
            judge_batch(batch, rules, judgement, selects, settle=False)
        extra = []
        if table is not None:
            orphans = judge_data(batch, rules, table, judgement)
            if orphans:
                lowest = min(
                    (s.fail_on for s in settings_at if s is not None),
                    key=lambda s: s.rank,
                    default=Severity.ERROR,
                )
                table_result = FileResult(table.path, orphans, source_text=table.text, kind="table")
                extra.append((table_result, lowest))
        if len(own) > 1:
            judgement.settle()
            _as_configured(judgement, [None if s is None else own[s] for s in settings_at])

        def ignored(index: int) -> Sequence[Selector]:
            settings = settings_at[index]
            return () if settings is None else settings.ignored_for(Path(batch.paths[index]))

        results.finish(judgement, ignored, extra, keep_source=options.keep_source)
        run.rules = [strictest[code] for code in sorted(strictest)]
        return run


def run_extract(
    paths: Sequence[str | os.PathLike[str]], options: CheckOptions
) -> tuple[list[tuple[str, LetterFacts]], list[str]]:
    """Every letter's facts (for ``extract``), and one line per file left out.

    Only the structure rules run (facts need no other). Raises :class:`UsageError` as
    :func:`run_check` does."""
    from lgo_audit.check import check_files

    options = dataclasses.replace(options, select=("LGO001",))  # facts only: no other rule
    _validate(options)
    inputs = collect_paths(paths, _letter_files(options), _exclusions(options))
    tasks = _resolve(inputs.files, options)
    groups = list(dict.fromkeys(s for _, s in tasks))
    _refuse_writing_over_an_input(options, inputs.files, groups)
    _rules_and_registers(groups, options)
    checked = iter(check_files(tasks, options.jobs, keep_facts=True, keep_source=False))
    results = [
        next(checked) if isinstance(e, str) else FileResult(e[0], error=": ".join(e))
        for e in inputs.entries
    ]
    errors = [r.error for r in results if r.error is not None]
    errors += [  # (LGO001's message says why: "not an Annual Review letter: ...")
        f"{r.path}: {r.findings[0].message if r.findings else 'not an Annual Review letter'}"
        "; left out"
        for r in results
        if r.error is None and not r.facts
    ]
    return [(r.path, r.facts) for r in results if r.error is None and r.facts], errors


def load_rule_set(rule_dirs: Sequence[str | os.PathLike[str]] = ()) -> RuleSet:
    """The bundled rules and those in ``rule_dirs``; a bad rule file is a UsageError."""
    from lgo_audit.rules import RuleLoadError, load_rules

    try:
        return load_rules([str(d) for d in rule_dirs])
    except RuleLoadError as error:
        raise UsageError(str(error)) from None


def rule_dirs_here(
    rule_dirs: Sequence[str | os.PathLike[str]] = (),
    *,
    config: Path | None = None,
    isolated: bool = False,
) -> tuple[str, ...]:
    """The rule folders a check of a letter in the current folder uses beyond the bundled
    rules (what ``rules`` lists and ``explain`` explains): its configuration's ``rule-dirs``
    (``config``'s with ``--config``, none with ``isolated``), then ``rule_dirs`` (``--rule-dir``).
    Raises :class:`UsageError` for bad options or a configuration that cannot be used."""
    from lgo_audit.config import ConfigError, Overrides, resolve_settings

    _validate(CheckOptions(config=config, isolated=isolated))
    given = tuple(str(d) for d in rule_dirs)
    try:
        here = Path.cwd()
    except OSError:  # the current folder was removed: no configuration of its own applies
        if config is None:
            return given
        here = Path(os.sep)  # (--config applies wherever the letter is)
    try:
        [(_, settings)] = resolve_settings(
            [here / "_"], config=config, isolated=isolated, overrides=Overrides(rule_dirs=given)
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None
    _check_named_rule_dirs(settings, given)
    return settings.rule_dirs


def _check_named_rule_dirs(settings: Settings, given: Iterable[str | os.PathLike[str]]) -> None:
    """A folder of ``settings.rule_dirs`` that its configuration file named (not given on the
    command line) and that is not there: a :class:`UsageError` naming the key and the file."""
    from lgo_audit.rules import RuleLoadError, rule_files

    if settings.source is None:
        return
    given_dirs = {os.path.realpath(d) for d in given}
    for folder in settings.rule_dirs:
        place = os.path.realpath(folder)
        if place in given_dirs or os.path.isdir(place):
            continue
        try:
            rule_files([Path(folder)])
        except RuleLoadError as error:
            raise UsageError(f"{error} (key 'rule-dirs' of {settings.source})") from None


def parse_letter(
    path: Path,
    *,
    profile: str | None = None,
    max_file_size: int | None = None,
    config: Path | None = None,
    isolated: bool = False,
) -> tuple[ParsedLetter, RuleSet]:
    """Read one letter as ``lgo-audit parse`` shows it, and the rules its configuration uses:
    with that configuration's authority register (so the register's facts are the ones a check
    uses) and profile.

    Raises :class:`UsageError` for bad options, a file that cannot be read or is not a letter
    (all exit status 2 for ``parse``)."""
    from lgo_audit.parse import parse_file
    from lgo_audit.reader import InputError
    from lgo_audit.register import load_register

    options = CheckOptions(
        profile=profile, max_file_size=max_file_size, config=config, isolated=isolated
    )
    _validate(options)
    [(_, settings)] = _resolve([str(path)], options)
    rules = _rules_and_registers([settings], options)[settings]
    register = load_register(settings.authority_register)
    try:
        parsed = parse_file(
            path,
            authorities=register,
            max_bytes=settings.max_file_size,
            profile=settings.profile,
        )
    except InputError as error:
        raise UsageError(str(error)) from None
    if not parsed.is_letter:
        found = ", ".join(parsed.structure.sections) or "none"
        raise UsageError(
            f"{path}: not an Annual Review letter (too few sections of the "
            f"{parsed.profile.name} template recognised: {found})"
        )
    return parsed, rules


def settings_for(path: Path, *, config: Path | None = None, isolated: bool = False) -> Settings:
    """The settings that apply to ``path`` (a letter or a folder), as ``lgo-audit config``
    shows them; their rule folders and register are loaded, so a bad one is a UsageError.

    A ``path`` that does not exist, or is neither a file nor a folder (a device, a pipe), is a
    UsageError: settings shown for a mistyped path would look like the right ones."""
    options = CheckOptions(config=config, isolated=isolated)
    _validate(options)
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if not (path.is_dir() or path.is_file()):
        raise UsageError(f"{path}: not a file or folder")
    target = path if path.is_dir() else path.parent
    [(_, settings)] = _resolve([str(target / "_")], options)
    _rules_and_registers([settings])
    return settings


@dataclass
class RuleExamplesReport:
    """What running rules' own examples gave: one line per problem, and the counts.

    ``rules`` were run; ``cases`` examples, of which ``failed`` did not behave as they say;
    ``incomplete`` rules lack a valid or an invalid example (a rule problem, not a case's)."""

    rules: int = 0
    cases: int = 0
    failed: int = 0
    incomplete: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.incomplete

    @property
    def summary(self) -> str:
        noun = "rule" if self.rules == 1 else "rules"
        text = (
            f"{self.rules} {noun}, {self.cases} examples: "
            f"{self.cases - self.failed} passed, {self.failed} failed"
        )
        if self.incomplete:
            lacking = "rule lacks" if self.incomplete == 1 else "rules lack"
            text += f"; {self.incomplete} {lacking} a valid or an invalid example"
        return text


def run_rule_examples(rule_dirs: Sequence[str | os.PathLike[str]] = ()) -> RuleExamplesReport:
    """Run the examples of the rules in ``rule_dirs`` (default: the bundled rules), loaded with
    the bundled ones so that a clash of codes is an error. Raises :class:`UsageError` for a rule
    file that cannot be loaded."""
    from lgo_audit.examples import run_example

    folders = tuple(str(d) for d in rule_dirs)
    everything = load_rule_set(folders)
    wanted = {os.path.realpath(d) for d in folders}
    rules = [
        r for r in everything if not wanted or os.path.dirname(os.path.realpath(r.path)) in wanted
    ]
    report = RuleExamplesReport(rules=len(rules))
    for rule in rules:
        if {example["kind"] for example in rule.examples} != {"valid", "invalid"}:
            report.incomplete += 1
            report.problems.append(
                f"{rule.path}: {rule.code}: needs at least one valid and one invalid example"
            )
        for example in rule.examples:
            report.cases += 1
            result = run_example(rule, example)
            if not result.ok:
                report.failed += 1
                report.problems.append(
                    f'{rule.path}: {rule.code} {example["kind"]} "{example["description"]}": '
                    + "; ".join(result.problems)
                )
    return report
