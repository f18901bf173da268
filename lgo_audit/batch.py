"""A year's letters as a whole: cross-letter rules and reconciliation with the statistics table.

Some errors only show across letters (two metropolitan boroughs quoting different "similar
authorities" averages) or against the source data (a letter consistent with itself but not
with its row of the table). Both kinds of rule are declared in ``rules/`` like the others
(``kind = "batch"`` and ``kind = "data"``) and run over the facts each letter's check kept.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import operator
import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePath
from typing import Any, NamedTuple

from lgo_audit import expr
from lgo_audit.checks import (
    DATA_ROW_WITHOUT_LETTER,
    FIGURE_DIFFERS,
    LETTER_NOT_IN_DATA,
    PAGE_DIFFERS_FROM_LETTER,
    RATE_FROM_POPULATION,
    RENDITIONS_DIFFER,
)
from lgo_audit.envs import BoundEnv, FactEnv, ParamEnv
from lgo_audit.findings import FactValue, Finding, LetterFacts, Location, Outcome, RuleResult
from lgo_audit.reader import DEFAULT_MAX_BYTES
from lgo_audit.rules import Binding, Rule
from lgo_audit.span import FILE_START, LineIndex, Span, line_span

__all__ = [
    "Batch",
    "Judgement",
    "judge_batch",
    "judge_data",
    "kept_names",
    "memory_names",
    "needs_facts",
    "reconcile",
    "run_batch_rules",
    "span_names",
]

MAX_NAMED = 8  # letters named in one message at most


class _Places:
    """Spans of facts kept only as file offsets, worked out when a finding needs one (the
    file is read again then, unless it has just been read: cheaper than a span for every
    fact of every letter). The line starts of the last :data:`KEPT` files read are kept (the
    batch stage makes a letter's findings together: :func:`_settle`), not those of every
    file."""

    KEPT = 64

    def __init__(self) -> None:
        self.lines: dict[str, LineIndex | None] = {}
        self.max_bytes = DEFAULT_MAX_BYTES
        """The size limit of a file read again: the largest a check has allowed."""

    def keep(self, path: str, lines: LineIndex | None) -> None:
        if path not in self.lines and len(self.lines) >= self.KEPT:
            del self.lines[next(iter(self.lines))]  # the first read of those kept
        self.lines[path] = lines

    def span(self, path: str, where: tuple[int, int]) -> Span:
        lines = self.lines.get(path, ...)
        if lines is ...:
            from lgo_audit.reader import InputError, read_source

            try:
                lines = LineIndex.listed(read_source(Path(path), max_bytes=self.max_bytes).text)
            except InputError:
                lines = None
            self.keep(path, lines)
        return FILE_START if lines is None else lines.span(*where)


_PLACES = _Places()


def read_as_checked(
    path: str,
    sha256: str | None,
    text: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bool:
    """Whether the places of the facts of the file ``path`` can be found in its text as
    checked: ``text`` when given (its text as checked), else the file read again, if it
    still holds the bytes whose SHA-256 (hex) is ``sha256``, as
    :attr:`~lgo_audit.reader.SourceFile.sha256` gives it (False when it cannot be read
    within ``max_bytes``, the size limit it was checked with, or when ``sha256`` is None).
    The text is then kept for :func:`fact_span`, which does not read the file again."""
    import hashlib

    from lgo_audit.documents import document_format
    from lgo_audit.reader import InputError, decode, display_path, file_limit, read_bytes

    _PLACES.max_bytes = max(_PLACES.max_bytes, max_bytes)
    if text is not None:
        _PLACES.keep(path, LineIndex.listed(text))
        return True
    try:
        data = read_bytes(path, max_bytes=file_limit(path, max_bytes))
        if sha256 is None:
            return False
        if data.startswith(b"PK") or document_format(data, path) is not None:
            # (a PDF's or DOCX's text is made only when a place is asked for)
            return hashlib.sha256(data).hexdigest() == sha256
        source = decode(data, display_path(path), max_chars=max_bytes)
    except InputError:
        return False
    if source.sha256 != sha256:
        return False
    _PLACES.keep(path, LineIndex.listed(source.text))
    return True


def fact_span(path: str, fact: FactValue) -> Span | None:
    """Where ``fact`` stands in the file ``path``."""
    if fact.span is not None:
        return fact.span
    if fact.where is not None:
        return _PLACES.span(path, fact.where)
    return None


class Batch:
    """The letters of a batch as cross-letter and data rules read them.

    In memory, per letter: its path and the values of the facts of ``names`` it has (those
    the rules can read: :func:`kept_names`), in one tuple whose first item says where each
    name is in it (one such map for all the letters with the same facts); equal values are
    one object (the averages, years and types that a year's letters share are kept once).
    The rest of a letter's facts (their raw text and place in the file) are asked of
    ``facts_of(index)`` only for a letter a finding is made on, or whose fact a finding
    points at. Entries are numbered from 0 in the order added; one added with ``values``
    None (a file that could not be read, or is not a letter) takes its number and is no
    letter of the batch."""

    RECENT = 64
    """Letters whose whole facts are kept once read (the most recently asked for)."""

    def __init__(self, names: Sequence[str], facts_of: Callable[[int], LetterFacts]) -> None:
        self.names = tuple(names)
        self.kept = frozenset(self.names)
        self.paths: list[str] = []
        self.values: list[tuple[Any, ...] | None] = []
        self._facts_of = facts_of
        self._facts: dict[int, LetterFacts] = {}
        self._layouts: dict[tuple[int, ...], dict[str, int]] = {}
        self._same: dict[type, dict[Any, Any]] = {}
        self._short: dict[str, str] | None = None

    def add(self, path: str, values: Sequence[Any] | None) -> int:
        """Add one entry: ``values`` aligned with ``names`` (``...`` for a fact the letter
        lacks), or None for no letter. Returns its number."""
        self.paths.append(path)
        self._short = None
        if values is None:
            self.values.append(None)
        else:
            present = tuple(i for i, value in enumerate(values) if value is not ...)
            where = self._layouts.get(present)
            if where is None:
                where = self._layouts[present] = {
                    self.names[i]: at for at, i in enumerate(present, start=1)
                }
            shared = self._shared
            self.values.append((where, *[shared(values[i]) for i in present]))
        return len(self.paths) - 1

    def _shared(self, value: Any) -> Any:
        """``value``, or an equal one of the same type kept before (one object for both)."""
        kind = value.__class__
        same = self._same.get(kind)
        if same is None:
            same = self._same[kind] = {}
        key = str(value) if kind is Decimal else value  # 59 and 59.0 are equal, shown apart
        try:
            kept = same.get(key)
        except TypeError:  # not hashable: kept as it is
            return value
        if kept is None:
            same[key] = kept = value
        return kept

    def short_name(self, path: str) -> str:
        """How a message names the letter at ``path`` (one of the batch's): its file name,
        with as many of its folders before it as tell it from the batch's other files of
        that name (``2024/bury.txt`` and ``2025/bury.txt``); its whole path if nothing
        shorter does."""
        if self._short is None:
            self._short = _short_names(self.paths)
        return self._short.get(path) or os.path.basename(path)

    def numbers(self) -> Iterator[int]:
        """The numbers of the entries that are letters, in order (from :attr:`first`)."""
        entries = enumerate(itertools.islice(self.values, self.first, None), self.first)
        return (i for i, values in entries if values is not None)

    first = 0
    """The number of the first entry :meth:`numbers` gives (0; more in a :meth:`since` view)."""

    def since(self, first: int) -> Batch:
        """A view of this batch that has as letters only those numbered ``first`` or more
        (the same entries and numbers: the latest letters judged among themselves)."""
        view = copy.copy(self)
        view.first = first
        return view

    @property
    def letters(self) -> list[int]:
        """:meth:`numbers` as a list."""
        return list(self.numbers())

    def has(self, letter: int, name: str) -> bool:
        """Whether ``letter`` has the fact ``name``."""
        entry = self.values[letter]
        if entry is None:
            return False
        return name in entry[0] or (name not in self.kept and name in self.facts(letter))

    def value(self, letter: int, name: str) -> Any:
        """The value of fact ``name`` of ``letter`` (None when it has none): in memory for the
        ``names`` kept, else read with the rest of its facts."""
        entry = self.values[letter]
        if entry is None:
            return None
        at = entry[0].get(name)
        if at is not None:
            return entry[at]
        if name in self.kept:
            return None
        fact = self.facts(letter).get(name)
        return None if fact is None else fact.value

    def keys_of(self, names: Sequence[str]) -> Callable[[int], tuple[Any, ...]]:
        """What gives a letter's values of ``names``, as a tuple: ``tuple(self.value(letter,
        name) for name in names)``, without a call per name when all of ``names`` are kept
        (a rule's ``group``, read for every letter of the batch): the places of the values
        are worked out once per layout of the letters' kept facts."""
        names = tuple(names)
        if not all(name in self.kept for name in names):
            value = self.value
            return lambda letter: tuple(value(letter, name) for name in names)
        values = self.values
        getters: dict[int, Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {}
        nothing = (None,) * len(names)

        def key(letter: int) -> tuple[Any, ...]:
            entry = values[letter]
            if entry is None:
                return nothing
            where = entry[0]  # (one dict per layout, kept by the batch: its id stays its own)
            get = getters.get(id(where))
            if get is None:
                get = getters[id(where)] = _getter(tuple(where.get(name) for name in names))
            return get(entry)

        return key

    def facts(self, letter: int) -> LetterFacts:
        """Every fact the check of ``letter`` kept, with raw text and place (read on demand,
        a few letters at a time: findings are rare, and so are groups of renditions)."""
        found = self._facts.pop(letter, None)
        if found is None:
            if len(self._facts) >= self.RECENT:
                del self._facts[next(iter(self._facts))]  # the least recently used
            found = self._facts_of(letter)
        self._facts[letter] = found
        return found

    def fact(self, letter: int, name: str) -> FactValue | None:
        return self.facts(letter).get(name)

    def env(self, letter: int) -> expr.Env:
        """What a rule's ``group`` and ``agree`` read: the kept values."""
        return _ValuesEnv(self, letter)

    def message_env(self, letter: int, binding: Binding | None) -> expr.Env:
        """What a message reads: every kept fact (its raw text too), with ``binding``'s names."""
        base = FactEnv(self.facts(letter))
        return base if binding is None else BoundEnv(base, binding)

    @classmethod
    def of(cls, letters: Sequence[tuple[str, LetterFacts, Any, Any]]) -> Batch:
        """A batch of letters whose facts are all at hand (``(path, facts, ...)``)."""
        names = sorted({name for _, facts, *_ in letters for name in facts})
        batch = cls(names, lambda i: letters[i][1])
        for path, facts, *_ in letters:
            batch.add(path, [facts[n].value if n in facts else ... for n in names])
        return batch


class _ValuesEnv:
    __slots__ = ("batch", "letter")

    def __init__(self, batch: Batch, letter: int) -> None:
        self.batch = batch
        self.letter = letter

    def value(self, name: str) -> expr.Value:
        return self.batch.value(self.letter, name)  # type: ignore[no-any-return]

    def raw(self, name: str) -> str | None:
        fact = self.batch.fact(self.letter, name)
        return None if fact is None else fact.raw


_OUTCOMES = (Outcome.PASSED, Outcome.FAILED, Outcome.NOT_APPLICABLE)
_NONE = 255  # no outcome: not a letter of the batch


class _Deferred(NamedTuple):
    """Cross-letter rule findings on letters, their messages and places still to be made
    (:func:`_settle`): from each letter's facts, read then once for all its findings, not
    once for each (a batch of letters that disagree has several findings on each letter,
    made rule by rule). One is shared by the findings of one group (a batch of 10,000
    letters that disagree has 59,026 findings: one dict of parameters each held 23 MiB,
    one object each 2.7 MiB): a letter's findings that hold one are a flat list of pairs,
    each finding (or deferred finding) followed by the letter's own value its message reads
    as ``value`` (:data:`_NO_VALUE`: none)."""

    rule: Rule
    params: dict[str, Any]
    binding: Binding | None
    # for a ``unique`` rule: the group's first letter (its number in the batch; -1: none),
    # pointed at by the finding, and this letter's place in the group (2: the second)
    first: int = -1
    place: int = 0


_NO_VALUE: Any = object()
"""A deferred finding's ``value`` when its message reads none of the letter's own."""


@dataclass
class Judgement:
    """What the batch stage adds to each letter: ``findings`` by letter number, in the order
    made (cross-letter rules, then the data rules); each cross-letter rule's outcome for every
    letter (``outcomes``: the rule's code and one index of :data:`_OUTCOMES` per entry); the
    data rules' outcomes by letter (``data_results``)."""

    findings: dict[int, list[Finding]] = field(default_factory=dict)
    outcomes: list[tuple[str, bytearray]] = field(default_factory=list)
    data_results: dict[int, list[RuleResult]] = field(default_factory=dict)
    # by letter, 1 when its findings hold one still to be made (then a flat list of pairs:
    # _Deferred); and the batch they are made from (judge_batch's, with settle=False)
    unsettled: bytearray = field(default_factory=bytearray, repr=False)
    batch: Batch | None = field(default=None, repr=False)
    # by message template: its placeholders' texts (render_template's memo)
    _memos: dict[int, dict[Hashable, str]] = field(default_factory=dict, repr=False)

    def add(self, letter: int, finding: Finding) -> None:
        found: list[Any] = self._list(letter)
        found.append(finding)
        if self._unsettled(letter):
            found.append(_NO_VALUE)

    def findings_of(self, letter: int) -> list[Finding]:
        """The findings the batch stage adds to ``letter``, in the order made; those still
        to be made (:meth:`defer`, judged with ``settle=False``) are made now, and not kept:
        a report made letter by letter then never holds every letter's (59,026 findings
        held 12 MiB for 10,000 letters that disagree). Raises ExprEvalError as
        :func:`_settle` does."""
        found = self.findings.get(letter)
        if not found:
            return []
        if not self._unsettled(letter):
            return found
        assert self.batch is not None, "judge_batch(settle=False) gives its batch"
        return _settled(self.batch, letter, found, self._memos)

    def counted_of(self, letter: int) -> list[Finding]:
        """What :meth:`findings_of` gives ``letter`` as a count of findings reads it: the
        same codes, names, severities and fixes (none), in the same order, but those still
        to be made stood in for by findings at the file's start with no message (nothing is
        rendered or located)."""
        found = self.findings.get(letter)
        if not found or not self._unsettled(letter):
            return found or []
        assert self.batch is not None, "judge_batch(settle=False) gives its batch"
        path = self.batch.paths[letter]
        counted = []
        for item in found[::2]:
            if isinstance(item, _Deferred):
                rule = item.rule
                item = Finding(path, rule.code, rule.name, rule.severity, "", FILE_START)
            counted.append(item)
        return counted

    def settle(self) -> None:
        """Make every finding still to be made, in place (:func:`_settle`)."""
        if any(self.unsettled):
            assert self.batch is not None, "judge_batch(settle=False) gives its batch"
            _settle(self.batch, self)

    def defer(self, letter: int, deferred: _Deferred, value: Any = _NO_VALUE) -> None:
        """A finding on ``letter``, made by :func:`_settle` (or :meth:`findings_of`) in its
        place among the letter's findings: ``deferred`` (shared by a group's letters, not
        copied) and, unless :data:`_NO_VALUE`, the letter's own ``value`` as its message's
        ``value``."""
        found: list[Any] = self._list(letter)
        if not self._unsettled(letter):
            found[:] = [part for item in found for part in (item, _NO_VALUE)]  # (as pairs)
            flags = self.unsettled
            if letter >= len(flags):
                flags.extend(bytes(letter + 1 - len(flags)))
            flags[letter] = 1
        found.append(deferred)
        found.append(value)

    def _list(self, letter: int) -> list[Any]:
        """``letter``'s findings as a list to add to (made a tuple when judged)."""
        found: Sequence[Any] = self.findings.setdefault(letter, [])
        if isinstance(found, tuple):
            found = self.findings[letter] = list(found)
        return found  # type: ignore[return-value]

    def _unsettled(self, letter: int) -> bool:
        return letter < len(self.unsettled) and self.unsettled[letter] == 1

    def results_of(self, letter: int) -> list[RuleResult]:
        """The rule outcomes the batch stage adds to ``letter``, in the order judged."""
        added = [
            RuleResult(code, _OUTCOMES[outcomes[letter]])
            for code, outcomes in self.outcomes
            if outcomes[letter] != _NONE
        ]
        return added + self.data_results.get(letter, [])


def _name(path: str) -> str:
    return Path(path).name


def _short_names(paths: Sequence[str]) -> dict[str, str]:
    """The paths among ``paths`` that share their file name with another of them, each with
    as many of its last parts (joined by "/") as no other of that file name ends with (its
    whole path if none does); a path not here is named by its file name alone. (Only the
    names that are not unique are kept: a batch of 10,000 letters has few.)"""
    counts = Counter(map(os.path.basename, paths))
    shared = {name for name, count in counts.items() if count > 1}
    del counts
    by_name: dict[str, set[str]] = {}
    for path in paths:
        name = os.path.basename(path)
        if name in shared:
            by_name.setdefault(name, set()).add(path)
    short: dict[str, str] = {}
    for same in by_name.values():
        if len(same) == 1:
            continue  # (one path given twice: its file name names it)
        parts = {path: PurePath(path).parts for path in same}
        for path, own in parts.items():
            for size in range(2, len(own)):
                tail = own[-size:]
                if not any(other[-size:] == tail for p, other in parts.items() if p != path):
                    short[path] = "/".join(tail)
                    break
            else:
                short[path] = path
    return short


def _names(batch: Batch, paths: Sequence[str]) -> str:
    shown = [batch.short_name(p) for p in paths[:MAX_NAMED]]
    more = len(paths) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _locate(
    rule: Rule, batch: Batch, letter: int, binding: Binding | None
) -> tuple[Span, tuple[Location, ...]]:
    path = batch.paths[letter]
    spans = []
    for name in rule.at:
        target = binding.names.get(name, name) if binding is not None else name
        fact = batch.fact(letter, target)
        span = fact_span(path, fact) if fact is not None else None
        if span is not None:
            spans.append((span, target))
    if not spans:
        return FILE_START, ()
    primary = spans[0][0]
    return primary, tuple(Location(path, s, label) for s, label in spans[1:])


def _message(
    rule: Rule, env: expr.Env, binding: Binding | None, memo: dict[Hashable, str] | None = None
) -> tuple[str, bool]:
    """``rule``'s message over ``env``, and True; or, when it cannot be rendered (one of its
    expressions fails on these values: ``lower()`` of a number), what a per-letter rule's
    finding says then, naming the ``each`` entry, and False (the finding then stands at the
    file's start, as a per-letter rule's does)."""
    try:
        return expr.render_template(rule.message, env, memo), True
    except expr.ExprEvalError as error:
        which = ""
        if binding is not None and isinstance(rule.each, tuple) and binding in rule.each:
            which = f" (each entry {rule.each.index(binding) + 1} of {len(rule.each)})"
        return f"rule could not be evaluated{which}: {error}", False


def _finding(
    rule: Rule, batch: Batch, letter: int, message: str, binding: Binding | None
) -> Finding:
    span, related = _locate(rule, batch, letter, binding)
    path = batch.paths[letter]
    return Finding(path, rule.code, rule.name, rule.severity, message, span, related)


def span_names(rules: Sequence[Rule]) -> frozenset[str]:
    """The facts whose place cross-letter and data rules may point at (the others' spans are
    not worth computing and sending back from every worker)."""
    names: set[str] = set()
    for rule in rules:
        if rule.kind not in ("batch", "data"):
            continue
        bindings = rule.each if isinstance(rule.each, tuple) else ()
        for name in rule.at:
            names.add(name)
            names.update(b.names[name] for b in bindings if name in b.names)
        names.update(fact for fact, _, _ in rule.compare)
    return frozenset(names)


KEY_FACTS = frozenset(
    {
        "authority.name",
        "panel_header.authority",
        "title.year",
        "year_ending",
        "document.kind",
        "document.year",
    }
)
"""What reconciliation matches a letter (or page) to its row of the table by."""

KIND = "document.kind"
"""Grouped by, but not named in a group's label: messages say "letters" or "pages" themselves."""


def kept_names(rules: Sequence[Rule]) -> frozenset[str]:
    """Every fact a cross-letter or data rule can read: the rest need not leave the worker."""
    names: set[str] = set(KEY_FACTS)
    for rule in rules:
        if rule.kind not in ("batch", "data"):
            continue
        names.update(rule.group)
        names.update(rule.at)
        names.update(fact for fact, _, _ in rule.compare)
        names.update(rule.reads)
        if isinstance(rule.each, tuple):
            names.update(n for binding in rule.each for n in binding.names.values())
    return frozenset(names)


def memory_names(rules: Sequence[Rule], data: bool) -> frozenset[str]:
    """The facts a :class:`Batch` keeps in memory for every letter: what cross-letter rules
    group letters by and what their ``agree`` reads, and with a statistics table (``data``)
    what the data rules match and compare. The rules that compare a letter with its few
    renditions or its statistics page read the rest of those letters' facts on demand."""
    names: set[str] = {KIND}
    for rule in rules:
        if rule.kind == "data" and data:
            names |= KEY_FACTS | {"upheld.decisions", "upheld.per_100k"}
            names.update(fact for fact, _, _ in rule.compare)
        if rule.kind != "batch":
            continue
        names.update(rule.group)
        if rule.agree_source is None:
            continue
        bindings = rule.each if isinstance(rule.each, tuple) else ()
        # The tree kept with the rule: parsing the source again would import the expression
        # grammar, which a check whose expressions all come from the cache never needs.
        node = rule.agree_node if rule.agree_node is not None else expr.parse(rule.agree_source)
        for name in expr.names_used(node):
            bound = {b.names[name] for b in bindings if name in b.names}
            names.update(bound or {name})
    return frozenset(names)


def needs_facts(rules: Sequence[Rule]) -> bool:
    """Whether any rule judges letters together (so each check must keep its facts)."""
    return any(rule.kind in ("batch", "data") for rule in rules)


def run_batch_rules(
    letters: Sequence[tuple[str, LetterFacts, list[Finding], list[RuleResult]]],
    rules: Sequence[Rule],
) -> None:
    """Judge ``kind = "batch"`` rules over the letters; findings are added to each letter's."""
    batch = Batch.of(letters)
    judgement = judge_batch(batch, rules)
    for index, (_, _, findings, results) in enumerate(letters):
        findings.extend(judgement.findings.get(index, ()))
        results.extend(judgement.results_of(index))


def judge_batch(
    batch: Batch,
    rules: Sequence[Rule],
    judgement: Judgement | None = None,
    selects: Callable[[int, str], bool] | None = None,
    *,
    settle: bool = True,
) -> Judgement:
    """Judge ``kind = "batch"`` rules over the letters of ``batch`` (into ``judgement``).

    With ``settle`` False, the findings' messages and places are made only when asked for,
    letter by letter (:meth:`Judgement.findings_of`): ``judgement.findings`` then holds
    findings still to be made, which only the judgement's own methods read.

    Each rule groups the letters once (by its ``group``; renditions by folder and name
    too, among the few letters that share one); only groups of two letters or more are
    judged, each with every binding of the rule in turn. ``selects(letter, code)``: whether
    the letter's configuration selects the rule (None: every letter's does); a rule judges
    only the letters that select it, and gives the others no outcome."""
    judgement = Judgement() if judgement is None else judgement
    later, renditions_of = _renditions(batch)
    for rule in rules:
        if rule.kind != "batch":
            continue
        code = rule.code
        selected = None if selects is None else {i for i in batch.numbers() if selects(i, code)}
        renditions = rule.check == RENDITIONS_DIFFER.name
        against_letter = rule.check == PAGE_DIFFERS_FROM_LETTER.name
        agrees = not (renditions or against_letter or rule.unique)  # the letters of a group agree
        key_of = batch.keys_of(rule.group)
        first: dict[tuple[Any, ...], int] = {}
        groups: dict[tuple[Any, ...], list[int]] = {}  # those of two letters or more
        for index in renditions_of if renditions else batch.numbers():
            if index in later and not renditions:
                continue  # one letter in several renditions counts once
            if selected is not None and index not in selected:
                continue  # its configuration does not select the rule
            key = key_of(index)
            if renditions:  # within the rule's groups, the files of one folder and name
                key = (*key, renditions_of[index])
            if None in key and any(part is None for part in key):
                continue
            if key in groups:
                groups[key].append(index)
            elif first.setdefault(key, index) != index:
                groups[key] = [first[key], index]
        del first
        # each letter's outcome: 2 not applicable, 0 passed (judged), 1 failed; marked in
        # place (two sets of up to 10,000 numbers each rule took 1.6 MiB)
        outcomes = bytearray([_NONE]) * len(batch.values)
        for index in batch.numbers() if selected is None else selected:
            outcomes[index] = 2
        judged = _Marks(outcomes, 0)
        failed = _Marks(outcomes, 1)
        bindings: Sequence[Binding | None] = rule.each if isinstance(rule.each, tuple) else (None,)
        for key, indexes in groups.items():
            label = ", ".join(
                expr.format_value(k)
                for name, k in zip(rule.group, key[: len(rule.group)], strict=True)
                if name != KIND
            )
            kinds: dict[int, str] = {}
            if against_letter:  # (what each member is, once for all the bindings)
                kinds = {i: _kind(batch, i) for i in indexes}
                if "page" not in kinds.values():
                    continue  # no page to judge
            for binding in bindings:
                if agrees:  # (read from the batch: no environment per letter)
                    judged.update(indexes)
                    failed.update(_agree(rule, batch, judgement, indexes, label, binding))
                    continue
                members: list[tuple[int, expr.Env]] = [
                    (i, _bound(batch.env(i), binding)) for i in indexes
                ]
                if renditions:
                    members = _by_path(batch, members)
                    judged.update(i for i, _ in members[1:])
                    failed.update(
                        _against_first(
                            rule, batch, judgement, members, binding, "the first rendition"
                        )
                    )
                    continue
                if against_letter:
                    judged.update(i for i, _ in members if kinds[i] == "page")
                    failed.update(
                        _page_against_letter(rule, batch, judgement, members, binding, kinds)
                    )
                    continue
                judged.update(i for i, _ in members)
                failed.update(_unique(rule, batch, judgement, members, label, binding))
        judgement.outcomes.append((rule.code, outcomes))
    judgement.batch = batch
    if settle:
        _settle(batch, judgement)
    else:
        # each letter's findings still to be made, as a tuple: a list grown by appending
        # holds room for more (0.7 MiB for 10,000 letters that disagree)
        found = judgement.findings
        for letter, flag in enumerate(judgement.unsettled):
            if flag:
                found[letter] = tuple(found[letter])  # type: ignore[assignment]
    return judgement


def _getter(places: tuple[int | None, ...]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """What reads the values at ``places`` of a batch entry, as a tuple (None for a place
    that is None: a fact the letter lacks)."""
    if None in places:
        return lambda entry: tuple(None if at is None else entry[at] for at in places)
    present = [at for at in places if at is not None]
    if len(present) == 1:
        (at,) = present
        return lambda entry: (entry[at],)
    return operator.itemgetter(*present)


class _Marks:
    """Letters marked with one outcome in a rule's outcomes (``outcomes[letter]``): failed
    (1) wins over passed (0), whatever the order they are marked in."""

    __slots__ = ("mark", "outcomes")

    def __init__(self, outcomes: bytearray, mark: int) -> None:
        self.outcomes = outcomes
        self.mark = mark

    def update(self, letters: Iterable[int]) -> None:
        outcomes, mark = self.outcomes, self.mark
        for letter in letters:
            if mark or outcomes[letter] != 1:
                outcomes[letter] = mark


def _settle(batch: Batch, judgement: Judgement) -> None:
    """Make the deferred findings (:meth:`Judgement.defer`) in place, letter by letter in
    order: each letter's facts (and its file, for the places of its facts) are read once,
    for all its findings. Raises ExprEvalError as a message that cannot be rendered does."""
    said: dict[str, str] = {}  # each message made, kept once (a group's letters share some)
    for letter, flag in enumerate(judgement.unsettled):
        if flag:
            found = judgement.findings[letter]
            judgement.findings[letter] = _settled(batch, letter, found, judgement._memos, said)
    judgement.unsettled.clear()


def _settled(
    batch: Batch,
    letter: int,
    pairs: Sequence[Any],
    memos: dict[int, dict[Hashable, str]],
    said: dict[str, str] | None = None,
) -> list[Finding]:
    """One letter's findings from ``pairs`` (:class:`_Deferred`), those still to be made
    made: their messages over the letter's facts (``memos``: by message template,
    render_template's memo; ``said``: each message made, to keep one of each) and their
    places."""
    made: list[Finding] = []
    items = iter(pairs)
    for item, value in zip(items, items, strict=True):
        if not isinstance(item, _Deferred):
            made.append(item)
            continue
        rule, params, binding, first, place = item
        if value is not _NO_VALUE:
            params = {**params, "value": value}
        if place:
            params = {**params, "copy": nth_copy(place)}
        shown = batch.message_env(letter, binding)
        memo = memos.setdefault(id(rule.message), {})  # (the rules outlive this)
        message, rendered = _message(rule, ParamEnv(params, shown), binding, memo)
        if said is not None:
            message = said.setdefault(message, message)
        if not rendered:
            made.append(_unlocated(rule, batch, letter, message))
            continue
        finding = _finding(rule, batch, letter, message, binding)
        if first >= 0:  # (a unique rule's: the first letter's place too)
            span, _ = _locate(rule, batch, first, binding)
            if span is not FILE_START:
                there = Location(batch.paths[first], span, "the first")
                finding = dataclasses.replace(finding, related=(*finding.related, there))
        made.append(finding)
    return made


_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def nth_copy(place: int) -> str:
    """A letter's place in its group (2 or more) as a message says it, with its article:
    ``a second``, ``a third``, ``an eighth``, ``a tenth``, ``an 11th``, ``a 21st``, ``an 80th``.
    Raises ValueError for a place below 2 (the first letter of a group is no copy)."""
    if place < 2:
        raise ValueError(f"place {place}: the first letter of a group is no copy")
    if place <= 10:
        word = _ORDINALS[place - 2]
        return ("an " if word[0] == "e" else "a ") + word
    digits = str(place)
    if place % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {"1": "st", "2": "nd", "3": "rd"}.get(digits[-1], "th")
    # "an" before a number said with a vowel first: eight..., eleven..., eighteen... (as
    # the first group of its thousands: 11th, 18,000th), else "a"
    vowel = digits[0] == "8" or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
    return ("an " if vowel else "a ") + digits + suffix


def _unlocated(rule: Rule, batch: Batch, letter: int, message: str) -> Finding:
    """A finding of ``rule`` on ``letter`` at the file's start (its message not rendered)."""
    path = batch.paths[letter]
    return Finding(path, rule.code, rule.name, rule.severity, message, FILE_START)


def _bound(env: expr.Env, binding: Binding | None) -> expr.Env:
    return env if binding is None else BoundEnv(env, binding)


def rendition_of(path: str) -> str:
    """What the renditions of one letter share: the file's folder and name without its
    ending (``letters/Kent`` for ``letters/Kent.pdf`` and ``letters/Kent.docx``)."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{folder}/{stem}"


def _renditions(batch: Batch) -> tuple[set[int], dict[int, str]]:
    """The letters that are a later rendition (by path) of another of the batch (the same
    folder and file name with another ending: Kent.pdf beside Kent.docx), and, for every
    letter that shares its folder and name with another, what they share."""
    first: dict[str, int] = {}
    again: dict[str, list[int]] = {}
    for index in batch.numbers():
        key = rendition_of(batch.paths[index])
        seen = first.setdefault(key, index)
        if seen != index:
            again.setdefault(key, [seen]).append(index)
    del first
    later: set[int] = set()
    shared: dict[int, str] = {}
    for key, indexes in again.items():
        earliest = min(batch.paths[i] for i in indexes)
        later.update(i for i in indexes if batch.paths[i] != earliest)
        shared.update(dict.fromkeys(indexes, key))
    return later, dict(sorted(shared.items()))


def _against_first(
    rule: Rule,
    batch: Batch,
    judgement: Judgement,
    members: list[tuple[int, expr.Env]],
    binding: Binding | None,
    label: str,
) -> set[int]:
    """Each later member of a group (``members``, ordered :func:`_by_path` by the caller)
    against the first: a value both state differently is a finding on the later one that
    points at the first's."""
    return _compare_with(rule, batch, judgement, members[1:], members[:1], binding, label)


def _by_path(batch: Batch, members: list[tuple[int, expr.Env]]) -> list[tuple[int, expr.Env]]:
    """``members`` (letters by their number in ``batch``) in the order of their paths made
    absolute (not resolved): the same order however each path was typed (``./x`` and
    ``/home/me/y``), and the same whatever order the files were given in."""
    if len(members) < 2:
        return members
    return sorted(members, key=lambda m: os.path.abspath(batch.paths[m[0]]))


def _kind(batch: Batch, letter: int) -> str:
    return str(batch.value(letter, KIND)) if batch.has(letter, KIND) else "letter"


def _page_against_letter(
    rule: Rule,
    batch: Batch,
    judgement: Judgement,
    members: list[tuple[int, expr.Env]],
    binding: Binding | None,
    kinds: dict[int, str],
) -> set[int]:
    """Each page of a group against each letter of it (the same council and year): a figure
    both state, differently, is a finding on the page that points at the letter's too.
    ``kinds``: what each member is (:func:`_kind`)."""
    pages = [(i, env) for i, env in members if kinds[i] == "page"]
    letters = [(i, env) for i, env in members if kinds[i] == "letter"]
    return _compare_with(rule, batch, judgement, pages, letters, binding, "the letter")


def _compare_with(
    rule: Rule,
    batch: Batch,
    judgement: Judgement,
    judged: list[tuple[int, expr.Env]],
    references: list[tuple[int, expr.Env]],
    binding: Binding | None,
    label: str,
) -> set[int]:
    """Each of ``judged`` against each of ``references``: a value (``agree``, or the binding's
    ``it``) both state differently is a finding on the judged one, pointing at the other's."""
    failed: set[int] = set()
    for index, env in judged:
        try:
            value = rule.agree(env) if rule.agree is not None else env.value("it")
        except expr.ExprEvalError:
            continue
        if value is None:
            continue
        for other, letter_env in sorted(references, key=lambda m: batch.paths[m[0]]):
            try:
                letter_value = (
                    rule.agree(letter_env) if rule.agree is not None else letter_env.value("it")
                )
            except expr.ExprEvalError:
                continue
            if letter_value is None or _same(value, letter_value):
                continue
            params = {
                "value": value,
                "letter_value": letter_value,
                "letter": batch.short_name(batch.paths[other]),
            }
            shown = batch.message_env(index, binding)
            message, rendered = _message(rule, ParamEnv(params, shown), binding)
            if not rendered:
                judgement.add(index, _unlocated(rule, batch, index, message))
                failed.add(index)
                continue
            finding = _finding(rule, batch, index, message, binding)
            span, _ = _locate(rule, batch, other, binding)
            if span is not FILE_START:
                there = Location(batch.paths[other], span, label)
                finding = dataclasses.replace(finding, related=(*finding.related, there))
            judgement.add(index, finding)
            failed.add(index)
    return failed


def _unique(
    rule: Rule,
    batch: Batch,
    judgement: Judgement,
    members: list[tuple[int, expr.Env]],
    label: str,
    binding: Binding | None,
) -> set[int]:
    ordered = _by_path(batch, members)
    first = ordered[0][0]
    params = {
        "first": batch.short_name(batch.paths[first]),
        "group_size": len(members),
        "group": label,
    }
    failed = set()
    for place, (index, _) in enumerate(ordered[1:], start=2):
        # (each its own: its place, and the shared parameters)
        judgement.defer(index, _Deferred(rule, params, binding, first, place))
        failed.add(index)
    return failed


def _agreed(rule: Rule, batch: Batch, binding: Binding | None) -> Callable[[int], Any]:
    """What a letter's ``agree`` gives (raises ExprEvalError): a fact's value read from the
    batch when ``agree`` names one (admitted as an expression admits it), else the
    expression evaluated over the letter's kept values."""
    assert rule.agree is not None
    node = rule.agree_node
    if isinstance(node, expr.Name) and (binding is None or node.name not in binding.values):
        name = node.name
        target = name if binding is None else binding.names.get(name, name)
        where = f"fact {name!r}"
        value = batch.value
        check = expr.check_value
        # each value admitted once (the batch holds one object for equal values of a type):
        # by its id, the value kept alive beside what admitting it gave, or the error
        admitted: dict[int, tuple[Any, Any, expr.ExprEvalError | None]] = {}

        def read(index: int) -> Any:
            raw = value(index, target)
            seen = admitted.get(id(raw))
            if seen is None:
                try:
                    seen = (raw, check(raw, where), None)
                except expr.ExprEvalError as error:
                    seen = (raw, None, error)
                admitted[id(raw)] = seen
            if seen[2] is not None:
                raise seen[2].with_traceback(None)
            return seen[1]

        return read
    agree = rule.agree
    return lambda index: agree(_bound(batch.env(index), binding))


def _agree(
    rule: Rule,
    batch: Batch,
    judgement: Judgement,
    indexes: list[int],
    label: str,
    binding: Binding | None,
) -> set[int]:
    agreed = _agreed(rule, batch, binding)
    values: list[tuple[int, Any, Any]] = []  # (letter, value, the value as compared)
    # each value's comparable form made once: by its id, the value kept alive beside it (the
    # batch holds one object for equal values of a type)
    compared: dict[int, tuple[Any, Any]] = {}
    for index in indexes:
        try:
            value = agreed(index)
        except expr.ExprEvalError:
            continue
        if value is not None:
            seen = compared.get(id(value))
            if seen is None:
                seen = compared[id(value)] = (value, _comparable(value))
            values.append((index, value, seen[1]))
    counts = Counter(c for _, _, c in values)
    if len(counts) < 2:
        return set()
    ranked = counts.most_common()
    majority = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
    majority_value = next((v for _, v, c in values if c == majority), None)
    differing = [i for i, _, c in values if c != majority]
    disagreeing = _names(batch, [batch.paths[i] for i in differing])
    failed = set()
    params = {
        "majority": majority_value,
        "majority_count": ranked[0][1] if majority is not None else 0,
        "group_size": len(values),
        "group": label,
        "disagreeing": disagreeing,
    }
    deferred = _Deferred(rule, params, binding)
    for index, value, comparable in values:
        if comparable == majority:
            continue
        judgement.defer(index, deferred, value)
        failed.add(index)
    return failed


def _comparable(value: Any) -> Any:
    """59 and 59.0 agree; a string agrees case- and space-insensitively."""
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        return " ".join(value.lower().split())
    return value


# --- reconciliation with the statistics table ------------------------------------------


class _DataRows:
    """The statistics table's rows, found by a letter's council name and year.

    Names meet as the register matches them (:func:`~lgo_audit.register.authority_key`), and
    designations tell apart councils of one stem: "Somerset County Council" finds the row of
    Somerset County Council, not that of Somerset Council. A name with no designation
    ("Stockport") finds the only row of its stem and year."""

    def __init__(self, table: Any) -> None:
        from lgo_audit.register import authority_key

        self.rows: list[Any] = []
        self._by: dict[tuple[str, int], list[Any]] = {}
        for row in table:
            self.rows.append(row)
            self._by.setdefault((authority_key(row.authority), row.year), []).append(row)

    def find(self, name: str, year: int, kind: str) -> Any | None:
        """The row of the council called ``name`` for ``year`` and this kind of document: a
        row with a ``kind`` (extract's output of letters and pages) is that kind's only; a
        row without one (the statistics table) is the council's for both."""
        from lgo_audit.register import authority_key, designations

        stem = self._by.get((authority_key(name), year), [])
        rows = [row for row in stem if row.values.get("kind") == kind] or [
            row for row in stem if row.values.get("kind") is None
        ]
        wanted = designations(name)
        same = [row for row in rows if designations(row.authority) == wanted]
        if same:
            return same[0]
        if len(rows) == 1 and not (wanted and designations(rows[0].authority)):
            return rows[0]
        return None


def _first(batch: Batch, letter: int, *names: str) -> Any:
    """The value of the first of ``names`` that ``letter`` has (``...`` when it has none)."""
    for name in names:
        if batch.has(letter, name):
            return batch.value(letter, name)
    return ...


def _letter_key(batch: Batch, letter: int) -> tuple[str, int] | None:
    name = _first(batch, letter, "authority.name", "panel_header.authority")
    year = _first(batch, letter, "document.year", "title.year")
    if name is ... or name is None:
        return None
    year_value = None if year is ... else year
    if year_value is None:
        ending = batch.value(letter, "year_ending")
        year_value = ending.year if ending is not None else None
    if year_value is None:
        return None
    return str(name), int(year_value)


def _same(letter_value: Any, data_value: Any) -> bool:
    if isinstance(letter_value, int | Decimal) and isinstance(data_value, int | Decimal):
        return Decimal(letter_value) == Decimal(data_value)
    return bool(_comparable(letter_value) == _comparable(data_value))


def _rate_from_population(
    rule: Rule, batch: Batch, letter: int, row: Any, table: Any, judgement: Judgement
) -> None:
    """The stated upheld decisions per 100,000 residents against the upheld decisions
    (``upheld.decisions``) and the table's ``population``: count x 100,000 / population,
    rounded half up at the places the rate is stated with, must be the stated rate. Not
    applicable without a population, a count or a rate."""
    results = judgement.data_results.setdefault(letter, [])
    population = row.values.get("population")
    count = _first(batch, letter, "upheld.decisions")
    rate = _first(batch, letter, "upheld.per_100k")
    if not population or count is ... or rate is ... or count is None or rate is None:
        results.append(RuleResult(rule.code, Outcome.NOT_APPLICABLE))
        return
    stated = Decimal(rate)
    places = max(0, -int(stated.as_tuple().exponent))
    exact = Decimal(int(count) * 100_000) / Decimal(int(population))
    computed = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if computed == stated:
        results.append(RuleResult(rule.code, Outcome.PASSED))
        return
    table_name = _name(table.path)
    params = {
        "fact": "upheld.per_100k",
        "letter_value": stated,
        "data_value": computed,
        "column": "population",
        "data_file": table_name,
        "row": row.line,
        "count": int(count),
        "population": int(population),
    }
    message, rendered = _message(rule, ParamEnv(params, batch.message_env(letter, None)), None)
    related = (Location(table.path, line_span(row.line, 1), f"{table_name} row {row.line}"),)
    path = batch.paths[letter]
    span = fact_span(path, batch.fact(letter, "upheld.per_100k")) or FILE_START  # type: ignore[arg-type]
    judgement.add(
        letter,
        Finding(path, rule.code, rule.name, rule.severity, message, span, related)
        if rendered
        else _unlocated(rule, batch, letter, message),
    )
    results.append(RuleResult(rule.code, Outcome.FAILED))


def reconcile(
    letters: Sequence[tuple[str, LetterFacts, list[Finding], list[RuleResult]]],
    rules: Sequence[Rule],
    table: Any,
) -> list[Finding]:
    """Compare each letter with its row of ``table`` (a StatsTable); findings on the letters
    are added to theirs, findings on rows without a letter are returned (they point into the
    table's file)."""
    batch = Batch.of(letters)
    judgement = Judgement()
    orphans = judge_data(batch, rules, table, judgement)
    for index, (_, _, findings, results) in enumerate(letters):
        findings.extend(judgement.findings.get(index, ()))
        results.extend(judgement.data_results.get(index, ()))
    return orphans


def judge_data(
    batch: Batch, rules: Sequence[Rule], table: Any, judgement: Judgement
) -> list[Finding]:
    """Compare each letter of ``batch`` with its row of ``table`` (a StatsTable), into
    ``judgement``; returns the findings on rows without a letter (they point into the
    table's file)."""
    data_rules = {r.check: r for r in rules if r.kind == "data"}
    index = _DataRows(table)
    matched: set[int] = set()
    table_name = _name(table.path)
    for letter in batch.letters:
        path = batch.paths[letter]
        key = _letter_key(batch, letter)
        row = index.find(*key, _kind(batch, letter)) if key is not None else None
        if row is None:
            rule = data_rules.get(LETTER_NOT_IN_DATA.name)
            if rule is not None and key is not None:
                params = {
                    "authority": _first(batch, letter, "authority.name", "panel_header.authority"),
                    "year": key[1],
                    "data_file": table_name,
                }
                env = batch.message_env(letter, None)
                message, rendered = _message(rule, ParamEnv(params, env), None)
                judgement.add(
                    letter,
                    _finding(rule, batch, letter, message, None)
                    if rendered
                    else _unlocated(rule, batch, letter, message),
                )
                judgement.data_results.setdefault(letter, []).append(
                    RuleResult(rule.code, Outcome.FAILED)
                )
            continue
        matched.add(row.line)
        rule = data_rules.get(RATE_FROM_POPULATION.name)
        if rule is not None:
            _rate_from_population(rule, batch, letter, row, table, judgement)
        rule = data_rules.get(FIGURE_DIFFERS.name)
        if rule is None:
            continue
        failed = False
        year = key[1] if key is not None else None
        for fact_name, column, (first, last) in rule.compare:
            if year is not None and not first <= year <= last:
                continue  # the fact meant another figure in that year's template
            data_value = row.values.get(column)
            value = batch.value(letter, fact_name)
            if data_value is None or value is None:
                continue
            if _same(value, data_value):
                continue
            failed = True
            params = {
                "fact": fact_name,
                "letter_value": value,
                "data_value": data_value,
                "column": column,
                "data_file": table_name,
                "row": row.line,
            }
            env = batch.message_env(letter, None)
            message, rendered = _message(rule, ParamEnv(params, env), None)
            if not rendered:
                judgement.add(letter, _unlocated(rule, batch, letter, message))
                continue
            related = (
                Location(table.path, line_span(row.line, 1), f"{table_name} row {row.line}"),
            )
            fact = batch.fact(letter, fact_name)
            span = (fact_span(path, fact) if fact is not None else None) or FILE_START
            judgement.add(
                letter, Finding(path, rule.code, rule.name, rule.severity, message, span, related)
            )
        judgement.data_results.setdefault(letter, []).append(
            RuleResult(rule.code, Outcome.FAILED if failed else Outcome.PASSED)
        )
    orphans: list[Finding] = []
    rule = data_rules.get(DATA_ROW_WITHOUT_LETTER.name)
    if rule is not None:
        lines = table.text.splitlines()
        for row in index.rows:
            if row.line in matched:
                continue
            params = {
                "authority": row.authority,
                "year": row.year,
                "data_file": table_name,
                "row": row.line,
            }
            message, _ = _message(rule, ParamEnv(params), None)  # (at its row either way)
            width = len(lines[row.line - 1]) if row.line - 1 < len(lines) else 1
            span = line_span(row.line, width)
            orphans.append(Finding(table.path, rule.code, rule.name, rule.severity, message, span))
    return orphans
