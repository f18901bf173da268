"""What a template profile is made of: sections, the statements in them, and their order.

A profile describes one year's template. The recogniser and everything after it are the same
for every year; adding a year means writing one more profile module beside ``profile_2020``
and registering it in :mod:`lgo_audit.grammar`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

import pyparsing as pp

__all__ = ["Profile", "Section", "Statement"]


@dataclass(frozen=True)
class Section:
    """A fixed section of the letter, in the order the template gives.

    ``prose``: free text may follow the section's statements (narrative paragraphs whose
    wording carries no fact). ``aliases`` completes the names of shared statements: the
    "Statistics are based on a total of N ..." line gives ``upheld.investigations`` in the
    upheld panel and ``compliance.outcomes`` in the compliance panel.

    ``needs``: the statements a present section must hold (a missing one is a structural
    finding where it should stand); ``instead``: a statement that, when present, stands for
    all of them (the zero-case sentence "No recommendations were due for compliance in this
    period" replaces the compliance panel's figures).
    """

    name: str
    title: str
    required: bool = True
    prose: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    wording: dict[str, str] = field(default_factory=dict)  # fills shared statements' {placeholders}
    needs: tuple[str, ...] = ()
    instead: str | None = None


@dataclass(frozen=True)
class Statement:
    """One fixed statement of the template and the facts it carries.

    ``section`` is ``None`` for wording shared by several sections (``scope``): it belongs to
    the section in force where it appears. ``keys`` are the lower-cased first words the
    statement can start with (``"#"`` for a digit); a shared statement's ``expected`` may name
    ``{placeholders}`` that the section's ``wording`` fills in (``{total}``); ``probe`` is for statements that start
    with variable text (the panel header starts with the authority's name): it must be found
    on the line before the grammar is tried. ``lead`` is a regular expression for the words
    that announce the statement: text that starts so but does not match ``grammar`` is a
    malformed statement, reported with ``expected``. ``phrases``: the statement's key phrases
    ("complaints we investigated"): a panel line holding one and a figure that matches no
    statement is reported as this statement malformed, never passed over.
    """

    name: str
    section: str | None
    grammar: pp.ParserElement
    expected: str
    keys: tuple[str, ...] = ()
    lead: str | None = None
    probe: re.Pattern[str] | None = None
    scope: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()

    def stands_in(self, section: str) -> bool:
        """Can this statement stand in ``section``?"""
        return self.section == section or section in self.scope


@dataclass(frozen=True)
class Profile:
    """A template year: its sections in order and its statements in priority order.

    ``statements`` are tried in the order given, so a longer statement that begins like a
    shorter one (the key-area paragraph "Complaints upheld - We uphold ...") comes first.
    """

    name: str
    year: int
    sections: tuple[Section, ...]
    statements: tuple[Statement, ...]
    minimum_sections: int = 3
    anchors: frozenset[str] = frozenset()  # a letter has at least one of these (title, panels)
    issue_month: int = 7  # the month letters of this template are issued in (July; May 2025)
    kind: str = "letter"  # the kind of document: "letter", or "page" (lgo_audit.grammar.page)

    def derive(
        self,
        year: int,
        *,
        statements: tuple[Statement, ...] = (),
        drop: tuple[str, ...] = (),
        sections: tuple[Section, ...] = (),
        insert_sections: tuple[tuple[str, Section], ...] = (),
        **changes: object,
    ) -> Profile:
        """The next template: this one with ``statements`` replacing those of the same name
        (or added, after the others, when new), ``drop`` removed, ``sections`` replacing those
        of the same name, ``insert_sections`` (``(before, section)``) placed before the named
        section, and any other field in ``changes`` (``issue_month=5``). A later year is
        written as what changed since the year before."""
        replaced = {st.name: st for st in statements}
        kept = [replaced.pop(st.name, st) for st in self.statements if st.name not in drop]
        new_sections = {sec.name: sec for sec in sections}
        ordered: list[Section] = []
        inserts = dict(insert_sections)
        before = {name: sec for name, sec in inserts.items()}
        for sec in self.sections:
            if sec.name in before:
                ordered.append(before[sec.name])
            kept_section = new_sections.pop(sec.name, sec)
            if str(self.year) in kept_section.title:  # "title ('Annual Review letter 2020')"
                kept_section = replace(
                    kept_section, title=kept_section.title.replace(str(self.year), str(year))
                )
            ordered.append(kept_section)
        ordered.extend(new_sections.values())
        fields = {
            "name": str(year),
            "year": year,
            "sections": tuple(ordered),
            "statements": (*kept, *replaced.values()),
            "minimum_sections": self.minimum_sections,
            "anchors": self.anchors,
            "issue_month": self.issue_month,
        }
        fields.update(changes)
        return Profile(**fields)  # type: ignore[arg-type]

    @cached_property
    def sections_by_name(self) -> dict[str, Section]:
        """The sections by name (:meth:`section` for many look-ups)."""
        return {section.name: section for section in self.sections}

    @cached_property
    def resolved_names(self) -> dict[tuple[str, str], str]:
        """:meth:`resolve`'s answers so far, by ``(name, section)``: a caller that resolves
        many names looks here first and calls :meth:`resolve` for one not yet resolved."""
        return {}

    @cached_property
    def _statement_at(self) -> dict[str, int]:
        """Where each statement stands in :attr:`statements` (the first of a repeated name)."""
        return _first_positions(s.name for s in self.statements)

    @cached_property
    def section_positions(self) -> dict[str, int]:
        """Where each section stands in :attr:`sections` (the first of a repeated name), by
        name: :meth:`index` as a dictionary, for callers that look up many."""
        return _first_positions(s.name for s in self.sections)

    def statement(self, name: str) -> Statement:
        index = self._statement_at.get(name)
        if index is None:
            raise KeyError(name)
        return self.statements[index]

    def resolve(self, name: str, section: str) -> str:
        """A statement's fact name as it stands in ``section``: ``*.average`` in the upheld
        panel is ``upheld.average``; ``*.total`` goes through the section's aliases."""
        if not name.startswith("*."):
            return name
        resolved = self.resolved_names.get((name, section))
        if resolved is None:
            head, _, tail = name[2:].partition(".")
            head = self.section(section).aliases.get(head, head)
            resolved = f"{section}.{head}" + (f".{tail}" if tail else "")
            self.resolved_names[(name, section)] = resolved
        return resolved

    @cached_property
    def facts(self) -> frozenset[str]:
        """Every fact this year's template states: the names its statements can give, in
        every section a shared statement may stand in. A fact outside this set is *not
        applicable* to the year's letters."""
        names: set[str] = set()
        for statement in self.statements:
            sections = (statement.section,) if statement.section else tuple(statement.scope)
            for name in statement_facts(statement):
                names.update(self.resolve(name, section) for section in sections)
        return frozenset(names)

    def section(self, name: str) -> Section:
        index = self.section_positions.get(name)
        if index is None:
            raise KeyError(name)
        return self.sections[index]

    def index(self, name: str) -> int:
        index = self.section_positions.get(name)
        if index is None:
            raise ValueError(f"{name!r} is not in list")  # as list.index says it
        return index


def statement_facts(statement: Statement) -> tuple[str, ...]:
    """The fact names in a statement's grammar (``*.average`` for a shared one), in order."""
    from lgo_audit.grammar.elements import FACTS

    found: list[str] = []
    for element in _walk(statement.grammar, set()):
        entry = FACTS.get(id(element))
        if entry is not None and entry[0] not in found:
            found.append(entry[0])
    return tuple(found)


def _walk(element: pp.ParserElement, seen: set[int]) -> Iterator[pp.ParserElement]:
    if id(element) in seen:
        return
    seen.add(id(element))
    yield element
    for child in getattr(element, "exprs", ()):
        yield from _walk(child, seen)
    inner = getattr(element, "expr", None)
    if isinstance(inner, pp.ParserElement):
        yield from _walk(inner, seen)


def _first_positions(names: Iterable[str]) -> dict[str, int]:
    """Each name's first position in ``names``."""
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        found.setdefault(name, index)
    return found
