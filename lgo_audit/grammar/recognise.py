"""Walk a normalised letter statement by statement: what matched, and the text that did not.

The recogniser is the same for every profile. At each sentence or line start it tries the
statements whose first word fits (a dictionary lookup, so a letter costs a few dozen grammar
attempts, not hundreds); text that no statement matches is kept as an *unrecognised* chunk,
marked *malformed* when it starts like a known statement. Deciding what that means (prose,
unexpected text, sections missing or out of order) is :mod:`lgo_audit.structure`'s job.

Work is linear in the size of the text: every attempt starts at a chunk boundary, and runs of
text in which no statement can start are skipped with one regular-expression search.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final, NamedTuple

import pyparsing as pp

from lgo_audit.grammar.elements import FactToken
from lgo_audit.grammar.fuse import Facts, fused_pattern
from lgo_audit.grammar.profile import Profile, Statement

__all__ = ["Chunk", "Matched", "Recogniser", "Unrecognised"]


class Matched(NamedTuple):
    """A statement of the template found at ``[start, end)`` of the normalised text.

    (Chunks and facts are named tuples, immutable as a frozen dataclass is and made in a
    third of the time: a letter has some sixty chunks and forty facts.)"""

    statement: Statement
    start: int
    end: int
    facts: tuple[FactToken, ...]


class Unrecognised(NamedTuple):
    """Text no statement matched. ``malformed`` names the statement it starts like, if any."""

    start: int
    end: int
    malformed: Statement | None = None


Chunk = Matched | Unrecognised

# Each from a tuple of all its fields, without the Python frame of a named tuple's own
# constructor (a letter makes some thirty of each, a third faster so).
_new_matched: Final = functools.partial(tuple.__new__, Matched)
_new_fact: Final = functools.partial(tuple.__new__, FactToken)
_new_unrecognised: Final = functools.partial(tuple.__new__, Unrecognised)

# The spaces before a chunk, and its first word (key) or figure, if it starts with one.
_START: Final = re.compile(r"\s*(?:([A-Za-z]+)|(\d))?")
# A chunk of unrecognised text ends at the end of its sentence (after the stop) or of its line
# (before the break), or of the text: the first of them is found by one search.
# (One class first, so that the search skips other characters at C speed: the stop's class
# and "\n" are one class, then what must follow a stop.)
_CHUNK_END: Final = re.compile(r"[.!?:;\n](?:(?<=\n)|(?=\s|\Z))")
_PROBE_WINDOW: Final = (
    300  # characters ahead in which a probe (e.g. "For the period ending") is sought
)

_FOLDS_TO_ASCII: Final = frozenset("\u0130\u0131\u017f\u212a")
"""The characters past ASCII that match an ASCII letter when case is ignored, as Python's
regular expressions read Unicode (capital I with a dot above and dotless i match i, long s
matches s, the Kelvin sign k); found by trying every character (tests/test_grammar_fuse.py)."""
_SEPARATORS: Final = (
    "\x1c\x1d\x1e\x1f"  # ASCII characters that Unicode's \s matches and ASCII's not
)
# Where a pattern names a character past ASCII: by its code (\x80 and on, \u, \U) or as itself;
# or names one by a name or an octal code, or refers to a group (\N{...}, \0, \1): not read.
_PAST_ASCII: Final = re.compile(
    r"\\(?:x([89a-fA-F][0-9a-fA-F])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(N\{|[0-9]))"
    r"|([^\x00-\x7f])"
)


def _escaped(source: str, at: int) -> bool:
    """Whether the character at ``at`` of a pattern is escaped (after an odd number of
    backslashes)."""
    before = at
    while before > 0 and source[before - 1] == "\\":
        before -= 1
    return (at - before) % 2 == 1


def _reads_ascii_alike(source: str) -> bool:
    """Whether a pattern, ``source``, names no character of :data:`_FOLDS_TO_ASCII`, alone or
    in a range, and none by a name or an octal code: so that, case ignored, each character
    it names matches the same ASCII characters whether it is read as Unicode or as ASCII.

    Only the characters past ASCII are looked at, where the regex engine finds them (a range
    between two ASCII characters holds none of the four); a "-" as written beside one is read
    as a range, whether or not it is one, to the character on its other side when that is
    past ASCII too, else as far as a range could reach (the pattern is then not read)."""
    folding = [ord(char) for char in _FOLDS_TO_ASCII]
    named: dict[int, tuple[int, int]] = {}  # where a character past ASCII starts: its code, end
    for m in _PAST_ASCII.finditer(source):
        if m.group(4) is not None or _escaped(source, m.start()):
            return False  # (a backslash before an escape's: read as not read)
        coded = m.group(1) or m.group(2) or m.group(3)
        code = int(coded, 16) if coded else ord(m.group(5))
        if code in folding:
            return False
        named[m.start()] = (code, m.end())
    ends = {end: code for code, end in named.values()}
    for start, (code, end) in named.items():
        if source.startswith("-", end) and not _escaped(source, end):
            high = named.get(end + 1, (0x10FFFF, 0))[0]  # (its other side, or the most)
            if any(code <= fold <= high for fold in folding):
                return False
        if start > 0 and source[start - 1] == "-" and not _escaped(source, start - 1):
            low = ends.get(start - 1, 0)  # (its other side, or the least)
            if any(low <= fold <= code for fold in folding):
                return False
    return True


def ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` compiled with :data:`re.ASCII` when it reads ASCII as Unicode reads it
    (:func:`_reads_ascii_alike`); else ``pattern`` itself.

    On a :func:`plain_ascii` text the twin finds what ``pattern`` finds, in about a tenth
    less time when case is ignored (the regex engine lower-cases a character by a table, not
    by Unicode's): ``\\w``, ``\\d`` and ``\\b`` read ASCII characters alike either way, and
    ``\\s`` too but for the four separators :func:`plain_ascii` excludes; and case ignored,
    a character the pattern names matches the same ASCII characters either way."""
    if not _reads_ascii_alike(pattern.pattern):
        return pattern
    try:
        return re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII)
    except re.error:  # an inline flag that ASCII cannot go with ("(?u)"): as it is
        return pattern


def _itself(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return pattern


def plain_ascii(text: str) -> bool:
    """Whether ``text`` is ASCII without the separators U+001C to U+001F (which a normalised
    text never holds): a text that :func:`ascii_twin` patterns read as their originals do."""
    return text.isascii() and not any(separator in text for separator in _SEPARATORS)


_START_ASCII: Final = ascii_twin(_START)
_CHUNK_END_ASCII: Final = ascii_twin(_CHUNK_END)


def _first_regex(grammar: pp.ParserElement) -> Callable[[str, int], object] | None:
    """The compiled match of a statement's first element when it is fixed wording (a Regex):
    one C-level regex call rules out most candidates before pyparsing is involved."""
    element = grammar
    while isinstance(element, pp.And) and element.exprs:
        element = element.exprs[0]
    if isinstance(element, pp.Regex) and not element.parseAction:
        return element.re.match
    return None


_PLAIN_START: Final = re.compile(r"(?:\\b)?([A-Za-z]|\\n)(?![?*{])")


def _first_chars(patterns: list[str]) -> str:
    """A lookahead for the characters the ``patterns`` can start with, when each starts with
    a letter (after ``\\b``) or ``\\n`` and has no alternative at its top level, so that a
    search skips other places at C speed; else ``""``. (The lookahead is compiled with the
    patterns' flags, so a letter in it matches as the letter in the pattern does.)"""
    chars = set()
    for pattern in patterns:
        m = _PLAIN_START.match(pattern)
        if m is None or _top_level_bar(pattern):
            return ""
        chars.add(m.group(1))
    return "(?=[" + "".join(sorted(chars)) + "])"


def _top_level_bar(pattern: str) -> bool:
    """Whether ``pattern`` has a ``|`` outside every group (escapes and classes skipped)."""
    depth = 0
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


_SCANNING_LEAD: Final = re.compile(r"\[\^\\n\]\{0,(\d+)\}\?\\b([a-hj-rt-z]+)(?=\\s)", re.I)


def _scanned_word(lead: str) -> tuple[int, str] | None:
    r"""For a lead that seeks a word some way along the line (``[^\n]{0,N}?\bword\s...``): N
    and the word in lower case. Only words whose letters match themselves alone when case is
    ignored (no i, k or s, which also match U+0131, U+212A and U+017F), so that lower-casing
    finds them."""
    m = _SCANNING_LEAD.match(lead)
    return None if m is None else (int(m.group(1)), m.group(2).lower())


def _word_on_line(word: str) -> Callable[[str], re.Match[str] | None]:
    """The search, in a line (an ASCII one), for ``word`` (lower case, no i, k or s:
    :func:`_scanned_word`) starting a word (after no letter, digit or ``_``) in any case and
    followed by a space or by the end of the line. (Its first letter, in either case, comes
    first in the pattern, so that the search skips other characters at C speed.)"""
    first = f"[{word[0].upper()}{word[0]}]"
    rest = re.escape(word[1:])
    return re.compile(rf"{first}(?<![A-Za-z0-9_]{first})(?i:{rest})(?:\s|\Z)").search


_FOLDED_MAX: Final = 1_000_000
"""The longest text searched for probes in lower case (characters): a lower-case copy of a
letter costs nothing, one of a 50 MB file 50 MB more (a longer text is searched as it is)."""


def _lowered(pattern: str) -> str:
    """A probe's pattern in lower case, without a leading word boundary."""
    return pattern.lower().removeprefix(r"\b")


_CASED_ESCAPE: Final = re.compile(r"\\[A-Z]|\(\?P|\{")


def _folds(pattern: str) -> bool:
    """Whether ``pattern`` (case ignored) matches an ASCII text as its lower-cased self matches
    the lower-cased text: no escape or group name that lower-casing would change (``\\S``,
    ``\\B``, ``(?P<Name>``), no repetition count in braces (left alone, to be safe)."""
    return _CASED_ESCAPE.search(pattern) is None


class _Run:
    """Consecutive candidates of one key, fused: one alternation of their patterns, tried at
    a position with one regex call. The regex engine tries the alternatives in order and
    takes the first that matches, as trying the statements one by one would."""

    __slots__ = ("match", "match_ascii", "members")

    def __init__(self, members: list[tuple[Statement, str, Facts]]) -> None:
        pattern = "|".join(f"(?P<w{i}>{source})" for i, (_, source, _) in enumerate(members))
        compiled = re.compile(pattern)
        index = compiled.groupindex
        # by the number of the member's group (a match's ``lastindex``: the group that closed
        # last is the member's, around its facts'): the statement, its facts' groups by number
        self.members = {
            index[f"w{i}"]: (
                st,
                tuple((index[group], name, convert) for group, name, convert in facts),
            )
            for i, (st, _, facts) in enumerate(members)
        }
        self.match = compiled.match
        self.match_ascii = ascii_twin(compiled).match  # (for a plain_ascii text)

    def matched(self, m: re.Match[str], text: str, pos: int) -> Matched:
        """The statement ``m`` (a match of :attr:`match` at ``pos``) found, with its facts."""
        statement, spec = self.members[m.lastindex]  # type: ignore[index]
        facts: tuple[FactToken, ...] = ()
        if spec:
            found = []
            for group, name, convert in spec:
                start, end = m.span(group)
                if start >= 0:
                    raw = text[start:end]
                    found.append(_new_fact((name, convert(raw), raw, start, end)))
            facts = tuple(found)
        end = m.end()
        while end > 0 and text[end - 1] in " \n":
            end -= 1
        return _new_matched((statement, pos, end, facts))


@dataclass(frozen=True, slots=True)
class _Plain:
    """A candidate pyparsing matches (one that cannot be fused)."""

    statement: Statement
    grammar: pp.ParserElement


class Recogniser:
    """Recognises the statements of one profile; build once, use for every letter.

    ``fused``: the candidates that start with one key are matched by one regular expression
    (their fused patterns, :mod:`lgo_audit.grammar.fuse`, in priority order), built the first
    time the key is met; otherwise each statement's pyparsing grammar is tried in turn. Both
    read every text the same (``tests/test_grammar_fuse.py``)."""

    def __init__(self, profile: Profile, *, fused: bool = True) -> None:
        self.profile = profile
        self.fused = fused
        self._grammar: dict[str, pp.ParserElement] = {}
        self._by_key: dict[str, list[Statement]] = {}
        self._probed: list[Statement] = []
        self._first: dict[str, Callable[[str, int], object]] = {}
        self._patterns: dict[str, tuple[str, Facts] | None] = {}
        self._steps: dict[str, tuple[_Run | _Plain, ...]] = {}
        for index, statement in enumerate(profile.statements):
            statement.grammar.streamline()
            first = _first_regex(statement.grammar)
            if first is not None:
                self._first[statement.name] = first
            if fused:
                # One pattern per statement where possible (same matches, no pyparsing steps);
                # its facts are named groups, prefixed so that candidates can share a pattern.
                self._patterns[statement.name] = fused_pattern(statement.grammar, f"s{index}")
            self._grammar[statement.name] = statement.grammar
            for key in statement.keys:
                self._by_key.setdefault(key, []).append(statement)
            if statement.probe is not None:
                self._probed.append(statement)
        probes = [s.probe.pattern for s in self._probed if s.probe is not None]
        self._any_probe = (
            re.compile(
                _first_chars(probes) + "(?:" + "|".join(f"(?:{p})" for p in probes) + ")",
                re.IGNORECASE,
            )
            if probes
            else None
        )
        # The same search in an ASCII text's lower case, when the patterns read the same in
        # lower case: its fixed words are then a prefix the regex engine skips to at C speed.
        # (Without a leading word boundary, which would hide that prefix: it may then find a
        # place the probe itself does not, never one after the first the probe finds, and
        # _match_probed asks each probe itself. So the chunks are the same.)
        self._any_probe_folded = (
            re.compile("|".join(f"(?:{_lowered(p)})" for p in probes))
            if probes and all(_folds(p) for p in probes)
            else None
        )
        leads = [s for s in profile.statements if s.lead is not None]
        self._lead_statements = {f"s{i}": s for i, s in enumerate(leads)}
        self._leads = re.compile(
            "|".join(f"(?P<s{i}>{s.lead})" for i, s in enumerate(leads)), re.IGNORECASE
        )
        # A lead that looks for its word some way along the line ("[^\n]{0,200}?\bFor...")
        # costs a scan of the line; most lines do not hold the word, so those are matched
        # against the leads without it (same group names, so the same statement is found).
        scans = [_scanned_word(s.lead or "") for s in leads]
        self._lead_words = tuple(found for found in scans if found is not None)
        self._word_checks = tuple(
            (window + len(word) + 1, _word_on_line(word)) for window, word in self._lead_words
        )
        self._leads_unscanned = (
            re.compile(
                "|".join(
                    f"(?P<s{i}>{s.lead})"
                    for i, (s, scan) in enumerate(zip(leads, scans, strict=True))
                    if scan is None
                ),
                re.IGNORECASE,
            )
            if self._lead_words
            else self._leads
        )
        # (the same, for a plain_ascii text: twins where a batch reads many letters, fused)
        twin = ascii_twin if fused else _itself
        self._leads_ascii = twin(self._leads)
        self._leads_unscanned_ascii = twin(self._leads_unscanned)
        # Where a scanned word starts a word, in an ASCII text's lower case: the lines in
        # which none does within the window are not asked (most lines of a letter).
        self._word_starts = (
            re.compile(
                "|".join(
                    rf"{word[0]}(?<![a-z0-9_]{word[0]}){re.escape(word[1:])}"
                    for _, word in self._lead_words
                )
            ).search
            if self._lead_words
            else None
        )
        self._lead_firsts = tuple(word for _, word in self._lead_words)
        # (how far along the line a word may start and still be asked for: the longest
        # window less the shortest word)
        self._scan_reach = (
            max(w for w, _ in self._word_checks) - min(len(word) for _, word in self._lead_words)
            if self._lead_words
            else 0
        )
        keys = sorted({k for k in self._by_key if k != "#"}, key=lambda k: (-len(k), k))
        # Where the next statement could start: any line start, or a sentence start whose
        # first word is a key (or a number, or a word before "of"/"upheld": malformed leads).
        # (Each alternative starts with one character, "\n" or " ", so that the search skips
        # other characters at C speed; the stop before the space is looked back at.)
        self._next_start = re.compile(
            r"\n\s*(?=\S)|[ ](?<=[.!?:;][ ])[ ]*(?=(?:"
            + "|".join(re.escape(k) for k in keys)
            + r")\b|\d|\S+\s+(?:of|upheld|satisfactory)\b)",
            re.IGNORECASE,
        )
        self._next_start_ascii = twin(self._next_start)

    def prepare(self) -> None:
        """Build now what :meth:`iter_chunks` otherwise builds the first time a letter needs
        it: each key's candidates, and each probed statement's, as steps (each run of fused
        candidates one regular expression). A batch's parent calls it before its workers
        start, so that they share what it built instead of each building it again."""
        if not self.fused:
            return
        for key, candidates in self._by_key.items():
            self._steps_of(candidates, key)
        for statement in self._probed:
            self._steps_of((statement,), f"={statement.name}")

    def chunks(self, text: str) -> list[Chunk]:
        """Split ``text`` into matched statements and unrecognised chunks, in order."""
        return list(self.iter_chunks(text))

    def iter_chunks(self, text: str) -> Iterator[Chunk]:
        """:meth:`chunks`, one at a time (a long text's chunks need not all be held)."""
        pos = 0
        length = len(text)
        # The next place a probe (e.g. "For the period ending") starts, at or after ``pos``:
        # sought only when the keyed candidates fail, and again only once ``pos`` has passed
        # it (-1: not sought yet; past the window of any chunk: none ahead), so the text is
        # searched once.
        # (A probe never starts inside another's match at a chunk start, so these are the
        # places a scan of the whole text for probes would find.)
        probe = -1
        any_probe = self._any_probe
        # the search for probes, and the text it reads (in lower case if it can be): set the
        # first time they are needed
        search_probes: Callable[[str, int], re.Match[str] | None] | None = None
        probed_text = text
        # (an ASCII text is read by the patterns' ASCII twins: the same matches, sooner)
        plain = plain_ascii(text)
        start_of = (_START_ASCII if plain else _START).match
        chunk_end = (_CHUNK_END_ASCII if plain else _CHUNK_END).search
        leads = (self._leads_ascii if plain else self._leads).match
        unscanned = (self._leads_unscanned_ascii if plain else self._leads_unscanned).match
        next_start = (self._next_start_ascii if plain else self._next_start).search
        # The next place a scanned word starts a word, in an ASCII text's lower case (-1: not
        # sought yet; past the text: none), sought again only once ``pos`` has passed it: a
        # line with none within reach is matched against the leads without scanning ones.
        word_starts = self._word_starts
        lowered = (
            text.lower()
            if word_starts is not None and length <= _FOLDED_MAX and text.isascii()
            else None
        )
        reach = self._scan_reach
        word_at = -1
        fused = self.fused
        steps_of_key = self._steps
        while pos < length:
            # the first word (or figure) of the next chunk: its key
            first = start_of(text, pos)
            assert first is not None  # the pattern can always match the empty string
            group = first.lastindex
            if group is None:
                pos = first.end()
                if pos >= length:
                    break
                key = ""
            else:
                pos = first.start(group)
                key = first.group(1).lower() if group == 1 else "#"
            if fused:
                # The first candidate of ``key`` that matches at ``pos``: one regex call per
                # run of fused candidates.
                matched = None
                steps = steps_of_key.get(key)
                if steps is None:
                    steps = self._steps_of(self._by_key.get(key, ()), key)
                for step in steps:
                    if step.__class__ is _Run:
                        m = step.match_ascii(text, pos) if plain else step.match(text, pos)
                        if m is not None:
                            matched = step.matched(m, text, pos)
                            break
                    else:
                        matched = self._step(step, text, pos)
                        if matched is not None:
                            break
            else:
                matched = self._match(text, pos, key)
            if matched is None and any_probe is not None:
                if probe < pos:
                    if search_probes is None:
                        search_probes, probed_text = self._probe_search(text)
                    found = search_probes(probed_text, pos)
                    probe = length + _PROBE_WINDOW if found is None else found.start()
                if probe < pos + _PROBE_WINDOW:
                    matched = self._match_probed(text, pos)
            if matched is not None:
                yield matched
                pos = matched.end
                continue
            # a chunk of unrecognised text ends at the end of its sentence or its line
            stop = chunk_end(text, pos)
            end = length if stop is None else stop.start() if stop.group() == "\n" else stop.end()
            if end <= pos:
                end = pos + 1
            if lowered is not None:
                if word_at < pos:
                    found_word = word_starts(lowered, pos)  # type: ignore[misc]
                    word_at = length + 1 if found_word is None else found_word.start()
                scan = (
                    word_at <= pos + reach or lowered.startswith(self._lead_firsts, pos)
                ) and self._may_scan(text, pos)
            else:
                scan = self._may_scan(text, pos)
            lead = leads(text, pos) if scan else unscanned(text, pos)
            malformed = self._lead_statements[lead.lastgroup] if lead and lead.lastgroup else None
            if malformed is None:
                # Nothing can start before the next plausible statement start: one chunk.
                nxt = next_start(text, end)
                end = nxt.start() if nxt else length
                while end > 0 and text[end - 1] in " \n":
                    end -= 1
            yield _new_unrecognised((pos, end, malformed))
            pos = end

    def _probe_search(self, text: str) -> tuple[Callable[[str, int], re.Match[str] | None], str]:
        """The search for any probe, and the text it reads: ``text`` in lower case with the
        patterns in lower case when they allow it and the text is ASCII (whose lower case
        has the same positions, and where ignoring case is lower-casing) and no longer than
        :data:`_FOLDED_MAX`; else ``text``."""
        assert self._any_probe is not None
        folded = self._any_probe_folded
        if folded is None or len(text) > _FOLDED_MAX or not text.isascii():
            return self._any_probe.search, text
        return folded.search, text.lower()

    def _may_scan(self, text: str, pos: int) -> bool:
        """Whether a scanning lead's word may start on the line at ``pos``, within its
        window: if not, no scanning lead matches there. A line that is not ASCII is always
        tried (case-folding it may move positions)."""
        for window, on_line in self._word_checks:
            cut = text.find("\n", pos, pos + window)
            line = text[pos : pos + window] if cut < 0 else text[pos:cut]
            if not line.isascii() or on_line(line) is not None:
                return True
        return False

    def _match(self, text: str, pos: int, key: str) -> Matched | None:
        """The first candidate of ``key`` that matches at ``pos``, by pyparsing."""
        return self._try(text, pos, self._by_key.get(key, ()))

    def _match_probed(self, text: str, pos: int) -> Matched | None:
        """The first statement whose probe is found ahead of ``pos`` that matches there."""
        probed = [
            s
            for s in self._probed
            if s.probe is not None and s.probe.search(text, pos, pos + _PROBE_WINDOW)
        ]
        if not self.fused:
            return self._try(text, pos, probed)
        for statement in probed:
            for step in self._steps_of((statement,), f"={statement.name}"):
                matched = self._step(step, text, pos)
                if matched is not None:
                    return matched
        return None

    def _try(self, text: str, pos: int, candidates: Iterable[Statement]) -> Matched | None:
        for statement in candidates:
            matched = self._plain(statement, self._grammar[statement.name], text, pos)
            if matched is not None:
                return matched
        return None

    def _plain(
        self, statement: Statement, grammar: pp.ParserElement, text: str, pos: int
    ) -> Matched | None:
        first = self._first.get(statement.name)
        if first is not None and first(text, pos) is None:
            return None  # its first words are not here: no need to ask the grammar
        try:
            end, tokens = grammar._parse(text, pos)
        except pp.ParseBaseException:
            return None
        facts = tuple(t for t in tokens if isinstance(t, FactToken))
        return Matched(statement, pos, self._trim(text, end), facts)

    def _step(self, step: _Run | _Plain, text: str, pos: int) -> Matched | None:
        if isinstance(step, _Plain):
            return self._plain(step.statement, step.grammar, text, pos)
        m = step.match(text, pos)
        return None if m is None else step.matched(m, text, pos)

    def _steps_of(self, candidates: Iterable[Statement], key: str) -> tuple[_Run | _Plain, ...]:
        """The candidates as steps (built once per key): runs of fused ones, each one regex,
        and the others one by one."""
        steps = self._steps.get(key)
        if steps is not None:
            return steps
        built: list[_Run | _Plain] = []
        run: list[tuple[Statement, str, Facts]] = []
        for statement in candidates:
            found = self._patterns.get(statement.name)
            if found is not None:
                run.append((statement, *found))
                continue
            if run:
                built.append(_Run(run))
                run = []
            built.append(_Plain(statement, self._grammar[statement.name]))
        if run:
            built.append(_Run(run))
        steps = self._steps[key] = tuple(built)
        return steps

    @staticmethod
    def _trim(text: str, end: int) -> int:
        while end > 0 and text[end - 1] in " \n":
            end -= 1
        return end
