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

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyparsing as pp

from lgo_audit.grammar.elements import FactToken
from lgo_audit.grammar.fuse import FusedStatement, fuse
from lgo_audit.grammar.profile import Profile, Statement

__all__ = ["Chunk", "Matched", "Recogniser", "Unrecognised"]


@dataclass(frozen=True, slots=True)
class Matched:
    """A statement of the template found at ``[start, end)`` of the normalised text."""

    statement: Statement
    start: int
    end: int
    facts: tuple[FactToken, ...]


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """Text no statement matched. ``malformed`` names the statement it starts like, if any."""

    start: int
    end: int
    malformed: Statement | None = None


Chunk = Matched | Unrecognised

_FIRST_WORD = re.compile(r"\S")
_KEY = re.compile(r"[A-Za-z]+|\d")
# A chunk of unrecognised text ends at the end of its sentence or its line.
_CHUNK_END = re.compile(r"[^\n]*?(?:[.!?:;](?=\s|\Z)|(?=\n)|\Z)")
_PROBE_WINDOW = 300  # characters ahead in which a probe (e.g. "For the period ending") is sought


def _first_regex(grammar: pp.ParserElement) -> Callable[[str, int], object] | None:
    """The compiled match of a statement's first element when it is fixed wording (a Regex):
    one C-level regex call rules out most candidates before pyparsing is involved."""
    element = grammar
    while isinstance(element, pp.And) and element.exprs:
        element = element.exprs[0]
    if isinstance(element, pp.Regex) and not element.parseAction:
        return element.re.match
    return None


class Recogniser:
    """Recognises the statements of one profile; build once, use for every letter."""

    def __init__(self, profile: Profile, *, fused: bool = True) -> None:
        self.profile = profile
        self._grammar: dict[str, pp.ParserElement] = {}
        self._by_key: dict[str, list[Statement]] = {}
        self._probed: list[Statement] = []
        self._first: dict[str, Callable[[str, int], object]] = {}
        for statement in profile.statements:
            statement.grammar.streamline()
            first = _first_regex(statement.grammar)
            if first is not None:
                self._first[statement.name] = first
            # One Regex per statement where possible (same matches, far fewer pyparsing steps).
            self._grammar[statement.name] = fuse(statement.grammar) if fused else statement.grammar
            for key in statement.keys:
                self._by_key.setdefault(key, []).append(statement)
            if statement.probe is not None:
                self._probed.append(statement)
        probes = [s.probe.pattern for s in self._probed if s.probe is not None]
        self._any_probe = (
            re.compile("|".join(f"(?:{p})" for p in probes), re.IGNORECASE) if probes else None
        )
        leads = [s for s in profile.statements if s.lead is not None]
        self._lead_statements = {f"s{i}": s for i, s in enumerate(leads)}
        self._leads = re.compile(
            "|".join(f"(?P<s{i}>{s.lead})" for i, s in enumerate(leads)), re.IGNORECASE
        )
        keys = sorted({k for k in self._by_key if k != "#"}, key=len, reverse=True)
        # Where the next statement could start: any line start, or a sentence start whose
        # first word is a key (or a number, or a word before "of"/"upheld": malformed leads).
        self._next_start = re.compile(
            r"\n\s*(?=\S)|(?<=[.!?:;])[ ]+(?=(?:"
            + "|".join(re.escape(k) for k in keys)
            + r")\b|\d|\S+\s+(?:of|upheld|satisfactory)\b)",
            re.IGNORECASE,
        )

    def chunks(self, text: str) -> list[Chunk]:
        """Split ``text`` into matched statements and unrecognised chunks, in order."""
        result: list[Chunk] = []
        pos = 0
        length = len(text)
        # Where probes (e.g. "For the period ending") occur: found in one pass, looked up by
        # bisection at each chunk, rather than searched for again ahead of every chunk.
        probes = [m.start() for m in self._any_probe.finditer(text)] if self._any_probe else []
        while pos < length:
            first = _FIRST_WORD.search(text, pos)
            if first is None:
                break
            pos = first.start()
            matched = self._match(text, pos, probes)
            if matched is not None:
                result.append(matched)
                pos = matched.end
                continue
            end = self._chunk_end(text, pos)
            malformed = self._malformed(text, pos)
            if malformed is None:
                # Nothing can start before the next plausible statement start: one chunk.
                nxt = self._next_start.search(text, end)
                end = self._trim(text, nxt.start() if nxt else length)
            result.append(Unrecognised(pos, end, malformed))
            pos = end
        return result

    def _candidates(self, text: str, pos: int, probes: list[int]) -> list[Statement]:
        key_match = _KEY.match(text, pos)
        key = ""
        if key_match is not None:
            key = key_match.group().lower()
            if key.isdigit():
                key = "#"
        candidates = self._by_key.get(key, [])
        index = bisect.bisect_left(probes, pos)
        if index == len(probes) or probes[index] >= pos + _PROBE_WINDOW:
            return candidates
        probed = [
            s
            for s in self._probed
            if s.probe is not None and s.probe.search(text, pos, pos + _PROBE_WINDOW)
        ]
        return candidates + probed

    def _match(self, text: str, pos: int, probes: list[int]) -> Matched | None:
        for statement in self._candidates(text, pos, probes):
            first = self._first.get(statement.name)
            if first is not None and first(text, pos) is None:
                continue  # its first words are not here: no need to ask the grammar
            grammar = self._grammar[statement.name]
            try:
                if isinstance(grammar, FusedStatement):  # one element: its own parseImpl
                    end, tokens = grammar.parseImpl(text, pos)
                else:
                    end, tokens = grammar._parse(text, pos)
            except pp.ParseBaseException:
                continue
            facts = tuple(t for t in tokens if isinstance(t, FactToken))
            return Matched(statement, pos, self._trim(text, end), facts)
        return None

    def _malformed(self, text: str, pos: int) -> Statement | None:
        m = self._leads.match(text, pos)
        return self._lead_statements[m.lastgroup] if m is not None and m.lastgroup else None

    @staticmethod
    def _chunk_end(text: str, pos: int) -> int:
        m = _CHUNK_END.match(text, pos)
        assert m is not None  # the pattern can always match the empty string at the end
        return max(m.end(), pos + 1)

    @staticmethod
    def _trim(text: str, end: int) -> int:
        while end > 0 and text[end - 1] in " \n":
            end -= 1
        return end
