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
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lgo_audit.checks import MISSING_SECTION, MISSING_STATEMENT, PAGE_CUT_SHORT
from lgo_audit.grammar import Chunk, Matched, Profile, Statement, Unrecognised
from lgo_audit.grammar.elements import FactToken
from lgo_audit.grammar.page import END_SECTION

__all__ = ["Issue", "Occurrence", "Structure", "assemble"]

MAX_UNEXPECTED = 50
"""Unexpected-text issues reported per letter at most (a file of junk is one LGO001, not 10,000)."""


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


@dataclass(slots=True)
class Occurrence:
    """One stretch of the letter belonging to one section: where each statement stands."""

    section: str
    start: int
    end: int
    statements: dict[str, tuple[int, int]] = field(default_factory=dict)
    malformed: set[str] = field(default_factory=set)  # statements found started but not matched


@dataclass(frozen=True, slots=True)
class Structure:
    facts: Mapping[str, FactToken]  # read-only
    occurrences: tuple[Occurrence, ...]
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


def assemble(chunks: list[Chunk], profile: Profile, text: str) -> Structure:
    """Group ``chunks`` into section occurrences, collect facts, and find structural issues."""
    occurrences: list[Occurrence] = []
    facts: dict[str, FactToken] = {}
    issues: list[Issue] = []
    unexpected: list[tuple[int, int]] = []
    current: Occurrence | None = None
    open_unexpected: list[int] | None = None  # [start, end] of a run of unexpected text

    def close_unexpected() -> None:
        nonlocal open_unexpected
        if open_unexpected is not None:
            unexpected.append((open_unexpected[0], open_unexpected[1]))
            open_unexpected = None

    for chunk in chunks:
        if isinstance(chunk, Matched):
            statement = chunk.statement
            statement_facts = chunk.facts
            section = statement.section
            if section is None:
                if current is not None and current.section in statement.scope:
                    section = current.section
                else:
                    chunk = Unrecognised(chunk.start, chunk.end)
            if section is not None:
                close_unexpected()
                if (
                    current is None
                    or section != current.section
                    or statement.name in current.statements
                ):
                    current = Occurrence(section, chunk.start, chunk.end)
                    occurrences.append(current)
                current.statements[statement.name] = (chunk.start, chunk.end)
                current.end = chunk.end
                for token in statement_facts:  # the first statement to state a fact wins
                    facts.setdefault(profile.resolve(token.name, section), token)
                continue
        assert isinstance(chunk, Unrecognised)
        malformed = chunk.malformed or _phrased(chunk, current, profile, text)
        if malformed is not None:
            close_unexpected()
            if current is not None:
                current.malformed.add(malformed.name)
            wording = profile.section(current.section).wording if current is not None else {}
            expected = malformed.expected.format_map(_Wording(wording))
            issues.append(
                Issue(
                    "malformed-statement",
                    chunk.start,
                    chunk.end,
                    {
                        "expected": expected,
                        "found": _excerpt(text[chunk.start : chunk.end]),
                    },
                )
            )
            continue
        if current is not None and profile.section(current.section).prose:
            current.end = chunk.end
            continue
        if open_unexpected is None:
            open_unexpected = [chunk.start, chunk.end]
        else:
            open_unexpected[1] = chunk.end
    close_unexpected()

    present = {o.section for o in occurrences}
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

    for start, end in unexpected[:MAX_UNEXPECTED]:
        section = _section_at(occurrences, start, profile)
        issues.append(
            Issue(
                "unexpected-text",
                start,
                end,
                {"found": _excerpt(text[start:end]), "section": section},
            )
        )
    lines = [
        Occurrence(o.section, o.start, _line_end(text, o.start, o.end), o.statements)
        for o in occurrences
    ]
    issues.extend(_duplicates(lines, profile))
    issues.extend(_order(lines, profile))
    issues.extend(_missing(lines, profile))
    issues.extend(_missing_statements(occurrences, profile, text))
    if profile.kind == "page" and END_SECTION not in present:
        issues, occurrences = _cut_short(issues, occurrences, profile, text)
    issues.sort(key=lambda i: (i.start, i.check))
    return Structure(MappingProxyType(facts), tuple(occurrences), tuple(issues), is_letter=True)


_FIGURE = re.compile(r"\d")
PANEL_SECTIONS = frozenset({"panel-header", "overview", "upheld", "compliance", "remedy"})
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


def _missing_statements(occurrences: list[Occurrence], profile: Profile, text: str) -> list[Issue]:
    """A statement a present section needs but does not hold, reported where it should stand:
    on the line of the statement that follows it in the template (or after the one before)."""
    issues: list[Issue] = []
    by_section: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_section.setdefault(occurrence.section, []).append(occurrence)
    for name, found in by_section.items():
        section = profile.section(name)
        if not section.needs:
            continue
        present = {st: where for o in found for st, where in o.statements.items()}
        malformed = {st for o in found for st in o.malformed}
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
                start, end = max(earlier) if earlier else (found[0].start, found[0].end)
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


_TAIL_CHECKS = frozenset({"malformed-statement", "unexpected-text"})


def _cut_short(
    issues: list[Issue], occurrences: list[Occurrence], profile: Profile, text: str
) -> tuple[list[Issue], list[Occurrence]]:
    """A statistics page that does not reach its end ("Annual letters"): saved cut short.
    What would stand after its last recognised statement is not shown, so not judged: the
    text after it (a last statement cut off by the end of the text), the statements its last
    panel lacks after the last one it shows, and the sections after that panel are one
    ``page-cut-short`` issue (information) instead of errors. Anything missing before that
    point is reported as in a letter."""
    ends = sorted(end for o in occurrences for _, end in o.statements.values())
    cut = ends[-1]
    # A last statement on the text's last line that repeats one, or follows text no statement
    # matched, is the start of a statement cut off ("... this is\n0 upheld decisions per"
    # reads as a count line): it belongs to the cut-off text.
    if len(ends) > 1 and "\n" not in text[cut:].rstrip():  # on the text's last line
        before = ends[-2]
        if any(
            i.start >= before and i.check in (*_TAIL_CHECKS, "duplicate-section") for i in issues
        ):
            cut = before
            issues = [i for i in issues if not (i.check == "duplicate-section" and i.start >= cut)]
    present = {o.section for o in occurrences}
    last = max(present, key=profile.index)
    # A last panel of which only the heading is shown is not shown.
    section = profile.section(last)
    shown_needs = {
        st for o in occurrences if o.section == last for st in (*o.statements, *o.malformed)
    } & set(section.needs)
    dropped = ""
    if section.needs and not shown_needs and len(present) > 1:
        dropped = section.title
        occurrences = [o for o in occurrences if o.section != last]
        if section.required:
            issues = [*issues, Issue(MISSING_SECTION.name, cut, cut, {"section": section.title})]
        present.discard(last)
        last = max(present, key=profile.index)
        cut = max(end for o in occurrences for _, end in o.statements.values())
    later_sections = [s.title for s in profile.sections[profile.index(last) + 1 :] if s.required]
    section = profile.section(last)
    shown = {st for o in occurrences if o.section == last for st in (*o.statements, *o.malformed)}
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
    cut_off = _excerpt(text[start:end]) if texts else ""
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


def _line_end(text: str, start: int, end: int) -> int:
    """Point at the first line of a section, not the whole of it."""
    newline = text.find("\n", start, end)
    return end if newline < 0 else newline


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _section_at(occurrences: list[Occurrence], offset: int, profile: Profile) -> str:
    before = [o for o in occurrences if o.start <= offset]
    if not before:
        return "before the first section"
    return f"after the {profile.section(before[-1].section).title}"


def _first_occurrences(occurrences: list[Occurrence]) -> list[Occurrence]:
    seen: dict[str, Occurrence] = {}
    for occurrence in occurrences:
        seen.setdefault(occurrence.section, occurrence)
    return list(seen.values())


def _duplicates(occurrences: list[Occurrence], profile: Profile) -> list[Issue]:
    first: dict[str, Occurrence] = {}
    issues = []
    for occurrence in occurrences:
        earlier = first.setdefault(occurrence.section, occurrence)
        if earlier is not occurrence:
            issues.append(
                Issue(
                    "duplicate-section",
                    occurrence.start,
                    occurrence.end,
                    {"section": profile.section(occurrence.section).title},
                    related=((earlier.start, earlier.end),),
                )
            )
    return issues


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
