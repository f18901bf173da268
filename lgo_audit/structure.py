"""From recognised statements to sections: facts by name, and the structural issues.

The recogniser says *what* matched where; this stage decides what it means for the letter:
which section each statement belongs to (shared panel wording belongs to the panel in force),
which text is permitted prose and which is unexpected, and whether sections are missing,
duplicated or out of order. It never raises: whatever the text, the result is a structure
and a list of issues (which the rule set turns into findings with codes and severities).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from lgo_audit.checks import MISSING_SECTION, MISSING_STATEMENT, PAGE_CUT_SHORT
from lgo_audit.grammar import Chunk, Matched, Profile, Section, Statement, Unrecognised
from lgo_audit.grammar.elements import FactToken
from lgo_audit.grammar.kind import END_SECTION

__all__ = ["Issue", "Occurrence", "Structure", "assemble"]

MAX_UNEXPECTED: Final = 50
"""Unexpected-text issues reported per letter at most (a file of junk is one LGO001, not 10,000)."""
MAX_ISSUES: Final = 50
"""Malformed-statement and duplicate-section issues reported per letter at most, each (a file
of one letter's text repeated a thousand times is not a thousand findings)."""
MAX_LOOSE: Final = 500
"""Chunks of text no statement matched kept per letter (their places), to look among for the
statements of a section found missing, misspelt (:func:`_misspelt`): a letter has some sixty."""
MISSPELT_RATIO: Final = 0.8
"""How alike (:meth:`difflib.SequenceMatcher.ratio`, 0 to 1) the start of a chunk of text must
be to a statement's fixed opening words, case ignored, for the chunk to be that statement
misspelt: a letter or two wrong, missing, added or swapped in a line's worth of words gives
0.9 or more; another sentence of the letter, 0.3 to 0.6."""
_OPENING_MIN: Final = 15  # characters of fixed wording a statement must open with to be sought so


@dataclass(frozen=True, slots=True)
class Issue:
    """A structural problem at ``[start, end)`` of the normalised text.

    ``check`` names the structural check (the rule files refer to it); ``params`` are the
    words its message is made of; ``related`` are other places that explain it (the first
    occurrence of a duplicated section).
    """

    check: str
    start: int
    end: int
    params: dict[str, str] = field(default_factory=dict)
    related: tuple[tuple[int, int], ...] = ()
    # a malformed statement found by its wording misspelt (:func:`_misspelt`), where no
    # statement of its section was found: the template's own words, no sign of another year's
    misspelt: bool = False


@dataclass(slots=True, init=False)
class Occurrence:
    """One stretch of the letter belonging to one section: where each statement stands."""

    section: str
    start: int
    end: int
    statements: dict[str, tuple[int, int]]
    malformed: set[str]  # statements found started but not matched

    def __init__(
        self,
        section: str,
        start: int,
        end: int,
        statements: dict[str, tuple[int, int]] | None = None,
        malformed: set[str] | None = None,
    ) -> None:
        # (written out: the compiled wheel runs it natively, not as the dataclass's own
        # __init__, which a letter's assembly calls a dozen times)
        self.section = section
        self.start = start
        self.end = end
        self.statements = {} if statements is None else statements
        self.malformed = set() if malformed is None else malformed


@dataclass(frozen=True, slots=True)
class Structure:
    """A letter's statements as the grammar recognised them: its facts by name, where each
    section occurs, and the structural issues found."""

    facts: Mapping[str, FactToken]  # read-only
    occurrences: tuple[Occurrence, ...]
    """The first occurrence of each section, in the order the sections first appear (a
    section appearing again is a ``duplicate-section`` issue, not kept)."""
    issues: tuple[Issue, ...]
    is_letter: bool

    @property
    def sections(self) -> list[str]:
        """Section names in document order, each once."""
        return list(dict.fromkeys(o.section for o in self.occurrences))

    def section_span(self, name: str) -> tuple[int, int] | None:
        for occurrence in self.occurrences:
            if occurrence.section == name:
                return occurrence.start, occurrence.end
        return None


class _Seen:
    """What every occurrence of one section holds together: its first occurrence, where
    each statement last stood, the statements found malformed, its last statement's end."""

    __slots__ = ("first", "last_end", "malformed", "statements")

    def __init__(self, first: Occurrence) -> None:
        self.first = first
        self.statements: dict[str, tuple[int, int]] = {}
        self.malformed: set[str] = set()
        self.last_end = -1


def assemble(chunks: Iterable[Chunk], profile: Profile, text: str) -> Structure:
    """Group ``chunks`` into section occurrences, collect facts, and find structural issues.

    One pass: ``chunks`` may be an iterator (:meth:`Recogniser.iter_chunks
    <lgo_audit.grammar.Recogniser.iter_chunks>`), and what is kept does not grow with the
    number of chunks: the first occurrence of each section, and at most :data:`MAX_ISSUES`
    issues of each structural check (:data:`MAX_UNEXPECTED` for unexpected text)."""
    facts: dict[str, FactToken] = {}
    issues: list[Issue] = []  # malformed statements
    seen: dict[str, _Seen] = {}  # by section, in the order sections first appear
    duplicates: list[Issue] = []
    unexpected: list[tuple[int, int, str | None]] = []  # with the section in force
    current: Occurrence | None = None
    state: _Seen | None = None
    open_unexpected: list[int] | None = None  # [start, end] of a run of unexpected text
    runs = 0  # runs of unexpected text
    last_end = before_last_end = -1  # the ends of the last two statements
    loose: list[tuple[int, int]] = []  # the chunks no statement matched (MAX_LOOSE at most)
    started: list[tuple[Statement, int, int]] = []  # the statements found malformed, where
    run_of_repeats: int | None = None  # the issue of the repeated statements just met
    repeated_name: str | None = None  # the one statement they repeat, while they repeat one
    sections = profile.sections_by_name
    resolve = profile.resolve
    resolved = profile.resolved_names  # (resolve's answers: most names are there)

    for chunk in chunks:
        if chunk.__class__ is Matched:
            statement, start, end, stated = chunk  # (unpacked at C speed: most chunks are)
            section = statement.section
            if section is None:
                if current is not None and current.section in statement.scope:
                    section = current.section
                    if not _labels_its_section(stated, sections[section].wording):
                        # another panel's total ("compliance outcomes" in the upheld panel):
                        # the statement started, not stated as this panel states it
                        chunk = Unrecognised(start, end, statement)
                        section = None
                else:
                    chunk = Unrecognised(start, end)
            if section is not None:
                if open_unexpected is not None:
                    runs = _close_unexpected(open_unexpected, runs, unexpected, current)
                    open_unexpected = None
                name = statement.name
                span = (start, end)
                repeated = current is not None and name in current.statements
                if (
                    current is None
                    or section != current.section
                    or (
                        # the section starting over (its first statement again): a repeated section
                        repeated and name == next(iter(current.statements))
                    )
                ):
                    _close_occurrence(current, state, duplicates, sections, text)
                    current = Occurrence(section, start, end)
                    state = seen.get(section)
                    if state is None:
                        state = seen[section] = _Seen(current)
                    repeated = False
                assert state is not None
                if repeated and run_of_repeats is not None:
                    # the statement after a repeated one repeated too: one issue from the first
                    # repeat to here, of that statement (stated a third time) or else of the
                    # section (part of it appears again)
                    first_repeat = duplicates[run_of_repeats]
                    params = (
                        first_repeat.params
                        if name == repeated_name
                        else {"section": sections[section].title}
                    )
                    repeated_name = None if name != repeated_name else name
                    duplicates[run_of_repeats] = Issue(
                        "duplicate-section",
                        first_repeat.start,
                        _line_end(text, start, end),
                        params,
                        related=first_repeat.related,
                    )
                elif repeated:  # one statement of the section stated again: the first stands
                    if len(duplicates) < MAX_ISSUES:
                        run_of_repeats, repeated_name = len(duplicates), name
                        first_start, first_end = current.statements[name]
                        words = _Wording(sections[section].wording)
                        duplicates.append(
                            Issue(
                                "duplicate-section",
                                start,
                                _line_end(text, start, end),
                                {
                                    "section": sections[section].title,
                                    "statement": statement.expected.format_map(words),
                                },
                                related=((first_start, _line_end(text, first_start, first_end)),),
                            )
                        )
                else:
                    run_of_repeats = None
                    current.statements[name] = span
                    state.statements[name] = span
                current.end = end
                state.last_end = end
                before_last_end, last_end = last_end, end
                for token in stated:  # the first statement to state a fact wins
                    fact = token[0]  # (its name)
                    if fact[0] == "*":  # "*.rest", a shared statement's: named by its section
                        fact = resolved.get((fact, section)) or resolve(fact, section)
                    if fact not in facts:
                        facts[fact] = token
                continue
        assert isinstance(chunk, Unrecognised)
        malformed = chunk.malformed or (
            _phrased(chunk, current, profile, text)
            if current is not None and current.section in PANEL_SECTIONS
            else None
        )
        if malformed is not None:
            runs = _close_unexpected(open_unexpected, runs, unexpected, current)
            open_unexpected = None
            if len(started) < MAX_LOOSE and malformed.section is not None:
                started.append((malformed, chunk.start, chunk.end))
            if current is not None:
                current.malformed.add(malformed.name)
                assert state is not None
                state.malformed.add(malformed.name)
            if len(issues) >= MAX_ISSUES:
                continue
            wording = sections[current.section].wording if current is not None else {}
            expected = malformed.expected.format_map(_Wording(wording))
            issues.append(
                Issue(
                    "malformed-statement",
                    chunk.start,
                    chunk.end,
                    {
                        "expected": expected,
                        "found": _excerpt(text, chunk.start, chunk.end),
                    },
                )
            )
            continue
        if len(loose) < MAX_LOOSE:
            loose.append((chunk.start, chunk.end))
        if current is not None and sections[current.section].prose:
            current.end = chunk.end
            continue
        if open_unexpected is None:
            open_unexpected = [chunk.start, chunk.end]
        else:
            open_unexpected[1] = chunk.end
    _close_unexpected(open_unexpected, runs, unexpected, current)
    _close_occurrence(current, state, duplicates, sections, text)

    occurrences = [s.first for s in seen.values()]
    present = set(seen)
    if len(present) < profile.minimum_sections or (
        profile.anchors and not present & profile.anchors
    ):
        issue = Issue(
            "not-a-letter",
            0,
            min(len(text), 1),
            {"found": ", ".join(sorted(present)) or "no section", "profile": profile.name},
        )
        return Structure(MappingProxyType(facts), tuple(occurrences), (issue,), is_letter=False)

    placed: list[Occurrence] = []  # sections found only by a malformed statement of theirs
    # (a letter's: what a page cut short lacks is its own question, _cut_short's)
    lacking = [s for s in profile.sections if s.required and s.name not in present]
    if lacking and (loose or started) and profile.kind != "page":
        placed, misspelt = _malformed_sections(lacking, profile, started, loose, text)
        present.update(o.section for o in placed)
        for issue in misspelt:
            unexpected = _without(unexpected, issue.start, issue.end)
            issues.append(issue)

    if (unexpected or started) and profile.kind != "page":
        for owner, statement, start, end in _statements_misspelt(
            seen, profile, unexpected, loose, started, text
        ):
            seen[owner.name].malformed.add(statement.name)  # (so not missing as well)
            unexpected = _without(unexpected, start, end)
            params = {
                "expected": statement.expected.format_map(_Wording(owner.wording)),
                "found": _excerpt(text, start, end),
            }
            # (a statement found malformed there is this one misspelt: said once)
            issues = [
                i for i in issues if not (i.start == start and i.check == "malformed-statement")
            ]
            issues.append(Issue("malformed-statement", start, end, params, misspelt=True))

    for start, end, in_force in unexpected:
        after = f"after the {sections[in_force].title}" if in_force else "before the first section"
        issues.append(
            Issue(
                "unexpected-text",
                start,
                end,
                {"found": _excerpt(text, start, end), "section": after},
            )
        )
    issues.extend(sorted(duplicates, key=lambda issue: issue.start))
    judged = sorted([*occurrences, *placed], key=lambda o: o.start) if placed else occurrences
    if not _in_order(judged, profile) or any(s.name not in present for s in lacking):
        # a section out of order or missing: pointed at by the first line of the sections
        lines = [
            Occurrence(o.section, o.start, _line_end(text, o.start, o.end), o.statements)
            for o in judged
        ]
        issues.extend(_order(lines, profile))
        issues.extend(_missing(lines, profile))
    issues.extend(_missing_statements(seen, profile, text))
    if profile.kind == "page" and END_SECTION not in present:
        ends = [before_last_end, last_end]
        issues, occurrences = _cut_short(issues, seen, ends, profile, text)
    issues.sort(key=lambda i: (i.start, i.check))
    return Structure(MappingProxyType(facts), tuple(occurrences), tuple(issues), is_letter=True)


def _labels_its_section(stated: tuple[FactToken, ...], wording: Mapping[str, str]) -> bool:
    """Whether a shared statement's total is labelled as its section labels it (its
    ``wording``'s ``total``, in either number, in any case): a panel-basis line may name any
    panel's total, but only its own panel's is that panel's statement."""
    own = wording.get("total")
    if own is None:
        return True
    for token in stated:
        if token[0] == "*.total_label" and _singular(token[2]) != _singular(own):
            return False
    return True


def _singular(label: str) -> str:
    words = label.lower().split()
    return " ".join([*words[:-1], words[-1].removesuffix("s")]) if words else ""


_FIGURE: Final = re.compile(r"\d")
PANEL_SECTIONS: Final = frozenset({"panel-header", "overview", "upheld", "compliance", "remedy"})
"""Where a line holding a statement's key phrase and a figure must be a statement."""


def _phrased(
    chunk: Unrecognised, current: Occurrence | None, profile: Profile, text: str
) -> Statement | None:
    """The statement whose key phrase an unrecognised panel line holds with a figure
    ("59 per cent of complaints we investigated were upheld."), if any: a malformed statement,
    never text passed over. Web-page chrome ("View upheld decisions") holds no figure."""
    if current is None or current.section not in PANEL_SECTIONS:
        return None
    line = text[chunk.start : chunk.end]
    if not _FIGURE.search(line):
        return None
    flat = " ".join(line.lower().split())
    found = [
        (len(phrase), statement)
        for statement in profile.statements
        if statement.stands_in(current.section) or statement.section in PANEL_SECTIONS
        for phrase in statement.phrases
        if phrase in flat
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _missing_statements(seen: dict[str, _Seen], profile: Profile, text: str) -> list[Issue]:
    """A statement a present section needs but does not hold, reported where it should stand:
    on the line of the statement that follows it in the template (or after the one before)."""
    issues: list[Issue] = []
    positions = profile.section_positions
    for name, found in seen.items():
        section = profile.sections[positions[name]]  # (profile.section(name), without a call)
        if not section.needs:
            continue
        present = found.statements  # where each statement last stood
        malformed = found.malformed
        if section.instead is not None and section.instead in present:
            continue
        # ``needs`` is in the template's reading order (``statements`` is in priority order,
        # which is not where a statement stands: the shared "This compares to an average"
        # comes after "Statistics are based on" in priority)
        order = list(section.needs)
        for needed in section.needs:
            if needed in present or needed in malformed:
                continue
            rank = order.index(needed)
            after = [present[st] for st in order[rank + 1 :] if st in present]
            earlier = [present[st] for st in order[:rank] if st in present]
            if after:
                start, end = min(after)
                end = _line_end(text, start, end)
            else:
                start, end = max(earlier) if earlier else (found.first.start, found.first.end)
                start = end
            expected = profile.statement(needed).expected.format_map(_Wording(section.wording))
            issues.append(
                Issue(
                    MISSING_STATEMENT.name,
                    start,
                    end,
                    {"section": section.title, "expected": expected},
                )
            )
    return issues


_TAIL_CHECKS: Final = frozenset({"malformed-statement", "unexpected-text"})
_TAIL_OR_DUPLICATE: Final = _TAIL_CHECKS | {"duplicate-section"}


def _cut_short(
    issues: list[Issue], seen: dict[str, _Seen], ends: list[int], profile: Profile, text: str
) -> tuple[list[Issue], list[Occurrence]]:
    """A statistics page that does not reach its end ("Annual letters"): saved cut short.
    What would stand after its last recognised statement is not shown, so not judged: the
    text after it (a last statement cut off by the end of the text), the statements its last
    panel lacks after the last one it shows, and the sections after that panel are one
    ``page-cut-short`` issue (information) instead of errors. Anything missing before that
    point is reported as in a letter. ``ends``: the ends of the last two statements (-1:
    none)."""
    occurrences = [s.first for s in seen.values()]
    cut = ends[-1]
    # A last statement on the text's last line that repeats one, or follows text no statement
    # matched, is the start of a statement cut off ("... this is\n0 upheld decisions per"
    # reads as a count line): it belongs to the cut-off text.
    if ends[-2] >= 0 and "\n" not in text[cut:].rstrip():  # on the text's last line
        before = ends[-2]
        if any(i.start >= before and i.check in _TAIL_OR_DUPLICATE for i in issues):
            cut = before
            issues = [i for i in issues if not (i.check == "duplicate-section" and i.start >= cut)]
    present = set(seen)
    last = max(present, key=profile.index)
    # A last panel of which only the heading is shown is not shown.
    section = profile.section(last)
    shown_needs = {*seen[last].statements, *seen[last].malformed} & set(section.needs)
    dropped = ""
    if section.needs and not shown_needs and len(present) > 1:
        dropped = section.title
        occurrences = [o for o in occurrences if o.section != last]
        if section.required:
            issues = [*issues, Issue(MISSING_SECTION.name, cut, cut, {"section": section.title})]
        present.discard(last)
        last = max(present, key=profile.index)
        cut = max(s.last_end for name, s in seen.items() if name in present)
    later_sections = [s.title for s in profile.sections[profile.index(last) + 1 :] if s.required]
    section = profile.section(last)
    shown = {*seen[last].statements, *seen[last].malformed}
    order = list(section.needs)
    ranks = [order.index(st) for st in shown if st in order]
    after = order[max(ranks) + 1 :] if ranks else order
    wording = _Wording(section.wording)
    later_statements = [
        profile.statement(st).expected.format_map(wording)
        for st in after
        if not (section.instead is not None and section.instead in shown)
    ]
    kept: list[Issue] = []
    tail: list[Issue] = []
    for issue in issues:
        trailing = (
            (issue.check in _TAIL_CHECKS and issue.start >= cut)
            or (
                issue.check == MISSING_SECTION.name
                and issue.params.get("section") in later_sections
            )
            or (
                issue.check == MISSING_STATEMENT.name
                and issue.params.get("section") == section.title
                and issue.params.get("expected") in later_statements
            )
            or (issue.check == MISSING_STATEMENT.name and issue.params.get("section") == dropped)
        )
        (tail if trailing else kept).append(issue)
    missing = [
        i.params["expected"]
        for i in tail
        if i.check == MISSING_STATEMENT.name and i.params.get("section") != dropped
    ] + [i.params["section"] for i in tail if i.check == MISSING_SECTION.name]
    texts = [i for i in tail if i.check in _TAIL_CHECKS]
    if not missing and not texts:
        return kept, occurrences
    start = min((i.start for i in texts), default=cut)
    end = max((i.end for i in texts), default=cut)
    cut_off = _excerpt(text, start, end) if texts else ""
    params = {
        "found": cut_off,
        "missing": "; ".join(dict.fromkeys(missing)) or "nothing more",
        "section": section.title,
    }
    return [*kept, Issue(PAGE_CUT_SHORT.name, start, end, params)], occurrences


class _Wording(dict[str, str]):
    """A section's words for a shared statement's placeholders; ``<total>`` where it has none."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def _close_unexpected(
    run: list[int] | None,
    runs: int,
    unexpected: list[tuple[int, int, str | None]],
    current: Occurrence | None,
) -> int:
    """Close the open run of unexpected text ``run`` (``[start, end]``; None: none open),
    adding it to ``unexpected`` with the section in force (``current``'s) while fewer than
    :data:`MAX_UNEXPECTED` runs were met; the number of runs met then.

    (A function of its own, not a closure in :func:`assemble`: compiled, a closure's
    variables live in an object that refers to the closure, a cycle that kept each letter's
    text until the garbage collector found it, and made every use of them in the loop an
    attribute of that object.)"""
    if run is None:
        return runs
    if runs < MAX_UNEXPECTED:
        unexpected.append((run[0], run[1], current.section if current is not None else None))
    return runs + 1


def _close_occurrence(
    current: Occurrence | None,
    state: _Seen | None,
    duplicates: list[Issue],
    sections: Mapping[str, Section],
    text: str,
) -> None:
    """Add the duplicate-section issue of the ``current`` occurrence to ``duplicates`` if it
    repeats a section (one whose first occurrence, ``state.first``, is another) and fewer
    than :data:`MAX_ISSUES` were found."""
    if current is None or state is None or state.first is current:
        return
    if len(duplicates) < MAX_ISSUES:
        first = state.first
        duplicates.append(
            Issue(
                "duplicate-section",
                current.start,
                _line_end(text, current.start, current.end),
                {"section": sections[current.section].title},
                related=((first.start, _line_end(text, first.start, first.end)),),
            )
        )


def _line_end(text: str, start: int, end: int) -> int:
    """Point at the first line of a section, not the whole of it."""
    newline = text.find("\n", start, end)
    return end if newline < 0 else newline


_WORD: Final = re.compile(r"\S+")


def _excerpt(text: str, start: int, end: int, limit: int = 60) -> str:
    """``text[start:end]`` on one line (each run of whitespace one space), cut to ``limit``
    characters with "…"; only as much of the text is copied as the excerpt shows."""
    words: list[str] = []
    size = -1
    for word in _WORD.finditer(text, start, end):
        begin, finish = word.span()
        words.append(text[begin : min(finish, begin + limit + 1)])
        size += finish - begin + 1
        if size > limit:
            break
    flat = " ".join(words)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _malformed_sections(
    lacking: list[Section],
    profile: Profile,
    started: list[tuple[Statement, int, int]],
    loose: list[tuple[int, int]],
    text: str,
) -> tuple[list[Occurrence], list[Issue]]:
    """The sections of ``lacking`` (required, no statement of them found) that are there all
    the same, each as a statement of it found malformed, in ``started`` (its first words
    were its own), or else misspelt in ``loose`` (:func:`_misspelt`): where each stands (for
    the order of the sections and what is missing, not for the rules: a section stated by a
    malformed statement alone states none of its facts), and the malformed-statement issues
    of those found misspelt (those of ``started`` were made as they were met)."""
    placed: list[Occurrence] = []
    misspelt: list[Issue] = []
    for section in lacking:
        found = next((m for m in started if m[0].section == section.name), None)
        if found is not None:
            statement, start, end = found
            placed.append(Occurrence(section.name, start, end, malformed={statement.name}))
    rest = [s for s in lacking if all(o.section != s.name for o in placed)]
    if rest and loose:
        for section, statement, start, end in _misspelt(rest, profile, loose, text):
            placed.append(Occurrence(section.name, start, end, malformed={statement.name}))
            params = {
                "expected": statement.expected.format_map(_Wording(section.wording)),
                "found": _excerpt(text, start, end),
            }
            misspelt.append(Issue("malformed-statement", start, end, params, misspelt=True))
    return placed, misspelt


def _opening(statement: Statement) -> str:
    """The fixed words a statement opens with, as its ``expected`` wording gives them (up to
    its first placeholder or "..."), in lower case; "" when they are too few to tell it by."""
    words = statement.expected
    for stop in ("<", "...", "{"):
        cut = words.find(stop)
        if cut >= 0:
            words = words[:cut]
    words = " ".join(words.split()).lower()
    return words if len(words) >= _OPENING_MIN else ""


def _misspelt(
    lacking: list[Section], profile: Profile, loose: list[tuple[int, int]], text: str
) -> list[tuple[Section, Statement, int, int]]:
    """For each section of ``lacking`` (required, no statement of it found), the chunk of
    ``loose`` (places of text no statement matched) whose start is most like the opening
    words of one of its statements, at least :data:`MISSPELT_RATIO` alike (case and runs of
    whitespace ignored; a chunk taken once): that statement misspelt, and where it stands."""
    found: list[tuple[Section, Statement, int, int]] = []
    taken: set[int] = set()
    for section in lacking:
        best: tuple[float, Statement, int, int] | None = None
        for statement in profile.statements:
            if statement.section != section.name:
                continue
            opening = _opening(statement)
            if not opening:
                continue
            matcher = _Likeness(opening)
            for start, end in loose:
                if start in taken:
                    continue
                ratio = matcher.of(text, start, end)
                if ratio >= MISSPELT_RATIO and (best is None or ratio > best[0]):
                    best = (ratio, statement, start, end)
        if best is not None:
            taken.add(best[2])
            found.append((section, best[1], best[2], best[3]))
    return found


class _Likeness:
    """How alike the start of a chunk of text is to a statement's ``opening`` words
    (:func:`_opening`), case and runs of whitespace ignored: :meth:`difflib.SequenceMatcher.ratio`,
    0 to 1, or 0 when not half of its first six words are among the chunk's first words (a
    cheap sieve)."""

    __slots__ = ("matcher", "opening", "words")

    def __init__(self, opening: str) -> None:
        from difflib import SequenceMatcher

        self.opening = opening
        self.words = opening.split()[:6]
        self.matcher = SequenceMatcher(None, autojunk=False)
        self.matcher.set_seq2(opening)

    def of(self, text: str, start: int, end: int) -> float:
        opening, words = self.opening, self.words
        head = " ".join(text[start : min(end, start + 2 * len(opening))].split()).lower()
        head = head[: len(opening)]
        near = set(head.split()[: len(words) + 2])
        if 2 * sum(word in near for word in words) < len(words):
            return 0.0
        self.matcher.set_seq1(head)
        return self.matcher.ratio()


def _statements_misspelt(
    seen: dict[str, _Seen],
    profile: Profile,
    unexpected: list[tuple[int, int, str | None]],
    loose: list[tuple[int, int]],
    started: list[tuple[Statement, int, int]],
    text: str,
) -> list[tuple[Section, Statement, int, int]]:
    """The statements of present sections that were not found (required or not: a panel's
    heading too) but are there misspelt: for each, the chunk most like its opening words, at
    least :data:`MISSPELT_RATIO` alike (:class:`_Likeness`; a chunk taken once), among the
    chunks of its section's stretch (from the end of the last statement before the
    section's first one to the next section's start) that are unexpected text (of
    ``loose``, within a run of ``unexpected``) or a statement found malformed (``started``:
    a misspelt basis line that names another panel's total). A misspelt heading or count
    line is then that statement malformed (LGO005), not text that belongs to no section
    (LGO006) or another statement malformed, and the statement missing (LGO008). (Only
    for a letter with unexpected text or a malformed statement: a clean letter pays
    nothing. A statement misspelt in free prose is read as free prose.)"""
    found: list[tuple[Section, Statement, int, int]] = []
    taken: set[int] = set()
    starts = sorted(state.first.start for state in seen.values())
    ends = sorted(end for state in seen.values() for _, end in state.statements.values())
    odd = [(start, end) for start, end in loose if _within(start, end, unexpected)]
    odd += [(start, end) for _, start, end in started]
    for name, state in seen.items():
        first = state.first.start
        before = [end for end in ends if end <= first]
        after = [start for start in starts if start > first]
        low = before[-1] if before else 0
        high = after[0] if after else len(text)
        chunks = [(start, end) for start, end in odd if low <= start and end <= high]
        if not chunks:
            continue
        section = profile.section(name)
        for statement in profile.statements:
            if (
                (statement.section != name and statement.name not in section.needs)
                or statement.name in state.statements
                or statement.name in state.malformed
            ):
                continue
            opening = _opening(statement)
            if not opening:
                continue
            matcher = _Likeness(opening)
            best: tuple[float, int, int] | None = None
            for start, end in chunks:
                if start in taken:
                    continue
                ratio = matcher.of(text, start, end)
                if ratio >= MISSPELT_RATIO and (best is None or ratio > best[0]):
                    best = (ratio, start, end)
            if best is not None and _typos_only(text, best[1], best[2], opening):
                taken.add(best[1])
                found.append((section, statement, best[1], best[2]))
    return found


def _typos_only(text: str, start: int, end: int, opening: str) -> bool:
    """Do the first words of ``text[start:end]`` differ from ``opening``'s (in lower case)
    by a typo or two: as many words, one or two of them not the same, each still most of
    its letters (:meth:`difflib.SequenceMatcher.ratio` at least 0.7)? Not a word of another
    year's wording ("by the Council" for "by the authority"), nor the very words (a
    statement the grammar did not take where it stands is not misspelt)."""
    from difflib import SequenceMatcher

    want = opening.split()
    got = text[start:end].lower().split()[: len(want)]
    if len(got) != len(want):
        return False
    differ = [(a, b) for a, b in zip(got, want, strict=True) if a != b]
    return 0 < len(differ) <= 2 and all(
        SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.7 for a, b in differ
    )


def _within(start: int, end: int, runs: list[tuple[int, int, str | None]]) -> bool:
    """Is ``[start, end)`` within one of ``runs`` (of unexpected text)?"""
    return any(first <= start and end <= last for first, last, _ in runs)


def _without(
    unexpected: list[tuple[int, int, str | None]], start: int, end: int
) -> list[tuple[int, int, str | None]]:
    """``unexpected`` (runs of unexpected text) without ``[start, end)``: a run that holds it
    is cut into what stands before and after it (each trimmed, kept if any is left)."""
    kept: list[tuple[int, int, str | None]] = []
    for first, last, in_force in unexpected:
        if last <= start or first >= end:
            kept.append((first, last, in_force))
            continue
        if first < start:
            kept.append((first, start, in_force))
        if end < last:
            kept.append((end, last, in_force))
    return kept


def _first_occurrences(occurrences: list[Occurrence]) -> list[Occurrence]:
    seen: dict[str, Occurrence] = {}
    for occurrence in occurrences:
        seen.setdefault(occurrence.section, occurrence)
    return list(seen.values())


def _longest_increasing(indices: list[int]) -> set[int]:
    """Positions (into ``indices``) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tail_pos: list[int] = []
    parent = [-1] * len(indices)
    for i, value in enumerate(indices):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(i)
        else:
            tails[k] = value
            tail_pos[k] = i
        parent[i] = tail_pos[k - 1] if k > 0 else -1
    keep: set[int] = set()
    i = tail_pos[-1] if tail_pos else -1
    while i >= 0:
        keep.add(i)
        i = parent[i]
    return keep


def _in_order(occurrences: list[Occurrence], profile: Profile) -> bool:
    """Whether the sections of ``occurrences`` (one each) stand in the template's order."""
    positions = profile.section_positions  # (profile.index, without a call a section)
    indices = [positions[o.section] for o in occurrences]
    return indices == sorted(set(indices))  # (strictly increasing)


def _order(occurrences: list[Occurrence], profile: Profile) -> list[Issue]:
    firsts = _first_occurrences(occurrences)
    indices = [profile.index(o.section) for o in firsts]
    in_order = _longest_increasing(indices)
    ordered = [firsts[i] for i in sorted(in_order)]
    issues = []
    for i, occurrence in enumerate(firsts):
        if i in in_order:
            continue
        index = indices[i]
        before = [o for o in ordered if profile.index(o.section) < index]
        after = [o for o in ordered if profile.index(o.section) > index]
        where = (
            f"after the {profile.section(before[-1].section).title}"
            if before
            else f"before the {profile.section(after[0].section).title}"
        )
        related = (
            ((before[-1].start, before[-1].end),) if before else ((after[0].start, after[0].end),)
        )
        issues.append(
            Issue(
                "section-out-of-order",
                occurrence.start,
                occurrence.end,
                {"section": profile.section(occurrence.section).title, "expected": where},
                related=related,
            )
        )
    return issues


def _missing(occurrences: list[Occurrence], profile: Profile) -> list[Issue]:
    firsts = {o.section: o for o in _first_occurrences(occurrences)}
    issues = []
    for index, section in enumerate(profile.sections):
        if not section.required or section.name in firsts:
            continue
        following = [firsts[s.name] for s in profile.sections[index + 1 :] if s.name in firsts]
        preceding = [firsts[s.name] for s in profile.sections[:index] if s.name in firsts]
        if following:
            anchor = following[0]
            where = f"before the {profile.section(anchor.section).title}"
            start, end = anchor.start, anchor.end
        else:
            anchor = preceding[-1]
            where = f"after the {profile.section(anchor.section).title}"
            start, end = anchor.start, anchor.end
        issues.append(
            Issue(
                "missing-section",
                start,
                end,
                {"section": section.title, "expected": where},
            )
        )
    return issues
