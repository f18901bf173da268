"""The first half of the pipeline: file -> text -> statements -> the letter model.

``parse_file`` is what ``lgo-audit parse``, ``check`` and ``--fix`` all start with. Bad input
(unreadable, binary, empty, too large) raises :class:`~lgo_audit.reader.InputError`; a text
that is not a letter comes back with ``is_letter`` false, and every other problem is an
:class:`~lgo_audit.structure.Issue`, never an exception.

Parsing takes the authority register (an :class:`AuthorityLookup`) as a required argument, so
the facts it returns are complete: what the letter states, and what the register knows of the
council it is addressed to (``authority.type``, ``authority.code``), looked up by the name and
the letter's date. No caller can forget the second half, and the facts are immutable.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol

from lgo_audit.checks import TEMPLATE_MISMATCH, TEMPLATE_YEAR_ASSUMED
from lgo_audit.findings import FactValue
from lgo_audit.grammar import (
    PAGE_PROFILES,
    PROFILES,
    Matched,
    Profile,
    Statement,
    document_kind,
    recogniser,
    select_profile,
    title_year,
)
from lgo_audit.grammar.elements import FactToken
from lgo_audit.grammar.facts import DERIVED_FACTS
from lgo_audit.grammar.facts import REGISTER_FACTS as _REGISTER_FACTS
from lgo_audit.normalise import NormalisedText, normalise
from lgo_audit.reader import DEFAULT_MAX_BYTES, SourceFile, read_source
from lgo_audit.register import Register
from lgo_audit.span import Span
from lgo_audit.structure import Issue, Structure, assemble
from lgo_audit.vocabulary import FACT_KINDS, applicable_facts

if TYPE_CHECKING:
    from lgo_audit.model import LetterFields
    from lgo_audit.register import Resolution

__all__ = [
    "AuthorityLookup",
    "ParsedLetter",
    "holds_anchor_statement",
    "kept_facts",
    "parse_file",
    "parse_source",
]


class AuthorityLookup(Protocol):
    """What parsing needs of an authority register (:class:`~lgo_audit.register.Register`)."""

    def resolve(
        self,
        name: str,
        on: datetime.date | None = None,
        period: tuple[datetime.date, datetime.date] | None = None,
    ) -> Resolution:
        """What the register says of ``name`` in a letter dated ``on`` reviewing ``period``."""
        ...


REGISTER_FACTS: Final = tuple(fact.name for fact in _REGISTER_FACTS)
"""Facts the register adds (``authority.type``, ``authority.code``), standing where the
council's name stands in the letter."""

_DERIVED_BY_NAME: Final = {fact.name: fact for fact in DERIVED_FACTS}

LARGE_TEXT: Final = 100_000  # characters: ~15 letters' worth


@dataclass(frozen=True)
class ParsedLetter:
    """A letter read and recognised: the model plus what is needed to point into the file."""

    source: SourceFile
    text: NormalisedText
    profile: Profile
    structure: Structure
    facts: Mapping[str, FactToken]
    """Every fact, by dotted name: the letter's own and the register's (read-only)."""

    @cached_property
    def applicable(self) -> frozenset[str]:
        """The facts that apply to this letter: those its template year states, those taken
        from them, the register's and the document's. One of them absent from :attr:`facts`
        is *missing*; a fact of the vocabulary outside them is *not applicable*."""
        return frozenset(_applicable_in_order(self.profile.facts))

    @property
    def missing(self) -> tuple[str, ...]:
        """The facts that apply but that the letter lacks, in the catalogue's order."""
        facts = self.facts
        return tuple(n for n in _applicable_in_order(self.profile.facts) if n not in facts)

    def disputed(self, name: str) -> bool:
        """Whether the letter's lines disagree on a fact taken from others (``name``, one of
        :data:`~lgo_audit.grammar.facts.DERIVED_FACTS`): two of the sources that count in
        its year state different values ("10 upheld decisions" and a remedy total of 12).
        False for any other fact."""
        fact = _DERIVED_BY_NAME.get(name)
        if fact is None:
            return False
        year = self.facts.get("document.year")
        values = {
            token.value
            for source in fact.sources_in(None if year is None else year.value)
            if (token := self.facts.get(source)) is not None and token.value is not None
        }
        return len(values) > 1

    @cached_property
    def letter(self) -> LetterFields:
        """The typed letter model; built on demand (rules read the facts directly)."""
        return _build_letter(self, self.text, self.profile)

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def kind(self) -> str:
        """The kind of document: ``"letter"`` or ``"page"`` (a statistics page)."""
        return self.profile.kind

    @property
    def is_letter(self) -> bool:
        return self.structure.is_letter

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.structure.issues

    def span(self, start: int, end: int) -> Span:
        """The original-file span of normalised ``[start, end)``."""
        return self.text.span_of(start, end)

    def section_span(self, name: str) -> Span | None:
        found = self.structure.section_span(name)
        return None if found is None else self.span(*found)


def kept_facts(
    parsed: ParsedLetter, spans: frozenset[str], names: frozenset[str] | None = None
) -> dict[str, FactValue]:
    """The letter's facts in ``names`` (all when None) as a finished check keeps them: each
    a :class:`~lgo_audit.findings.FactValue` of its value and raw text, with, for the names
    in ``spans``, its offsets in the decoded file (``where``; no span is made). Here, where
    it is compiled, rather than in :mod:`lgo_audit.check`: a batch's worker calls it for
    every letter."""
    text = parsed.text
    kept: dict[str, FactValue] = {}
    for name, token in parsed.facts.items():
        if names is None or name in names:
            where = text.original_bounds(token.start, token.end) if name in spans else None
            kept[name] = _new_fact_value((token.value, token.raw, None, where))
    return kept


# A FactValue from a tuple of all its fields, without the Python frame of a named tuple's own
# constructor (a letter keeps some forty).
_new_fact_value: Final = functools.partial(tuple.__new__, FactValue)


def parse_source(
    source: SourceFile,
    profile: str | None = None,
    *,
    authorities: AuthorityLookup | None,
    batch: bool = False,
) -> ParsedLetter:
    """Recognise ``source`` with ``profile`` (default: chosen from the letter's title).

    ``authorities``: the register whose facts complete the letter's (None: no register, so
    ``authority.type`` and ``authority.code`` are absent). ``batch``: one of many letters, so
    the recogniser's one-off speed-up is worth making."""
    text = normalise(source.text)
    kind = document_kind(text.text)
    chosen = select_profile(text.text, profile, kind)
    fused = batch or len(text.text) > LARGE_TEXT  # a long text pays for the speed-up alone
    chunks = recogniser(chosen.name, fused=fused).iter_chunks(text.text)
    structure = assemble(chunks, chosen, text.text)
    if profile is None and structure.is_letter:
        if kind == "page":
            structure, chosen = _judge_page(structure, chosen, text.text, fused)
        else:
            structure = _judge_template(structure, chosen, text.text, fused)
    facts = dict(structure.facts)
    facts.update(_document_facts(kind, facts))
    facts.update(_derived_facts(facts))
    if structure.is_letter and authorities is not None:
        facts.update(_register_facts(facts, authorities))
    return ParsedLetter(source, text, chosen, structure, MappingProxyType(facts))


@functools.lru_cache(maxsize=64)
def _applicable_in_order(stated: frozenset[str]) -> tuple[str, ...]:
    """The facts that apply to a letter of a template stating ``stated``, in the
    catalogue's order (worked out once per template: every letter asks)."""
    applicable = applicable_facts(stated)
    return tuple(n for n in FACT_KINDS if n in applicable)


_WORDING_CHECKS: Final = frozenset(
    {
        "missing-section",
        "section-out-of-order",
        "malformed-statement",
        "unexpected-text",
        "missing-statement",
        "duplicate-section",
    }
)


def _wording_problems(structure: Structure) -> int:
    return sum(1 for issue in structure.issues if issue.check in _WORDING_CHECKS)


def _fit_problems(structure: Structure, profile: Profile, *, lacking: bool = True) -> int:
    """The structural findings that tell how well ``profile`` fits a letter: those of
    :func:`_wording_problems`, less a missing section that no section of the letter comes
    before (or none after) in the template. A letter cut short, or only its end, lacks those
    whatever its year, and a year with fewer sections would seem to fit it better. Without
    ``lacking``, a statement the letter lacks is not counted either: a letter that only
    lacks lines shows no wording of another year (a year whose template does not need those
    lines would otherwise seem to fit it better). A section repeated is not counted: every
    year's template reads a repeated section as repeated, so it tells no year from another
    (and a long file of one letter over and over, whose only findings are repeated
    sections, is not read again with every other year's template)."""
    present = set(structure.sections)
    order = [section.name for section in profile.sections]
    titles = {section.title: i for i, section in enumerate(profile.sections)}
    count = 0
    for issue in structure.issues:
        if issue.check not in _WORDING_CHECKS or issue.check == "duplicate-section":
            continue
        if not lacking and (issue.check == "missing-statement" or issue.misspelt):
            continue  # (a statement misspelt is this template's wording all the same)
        if issue.check == "missing-section":
            at = titles.get(str(issue.params.get("section")))
            if at is not None and (
                present.isdisjoint(order[:at]) or present.isdisjoint(order[at + 1 :])
            ):
                continue
        count += 1
    return count


def _judge_template(structure: Structure, chosen: Profile, text: str, fused: bool) -> Structure:
    """The template the letter was read with, judged: a title year with no profile of its
    own is said (information), and a letter whose wording another year's template reads with
    strictly fewer structural findings is said to fit that year better (a warning naming both
    years). Other profiles are tried only for a letter whose wording the template does not
    read (text it finds unexpected or malformed, a section missing or out of place): one that
    only lacks statements is said to lack them (LGO008), not to fit another year. A text
    longer than :data:`LARGE_TEXT` characters is judged by its start, up to a paragraph
    break."""
    year = title_year(text)
    title = structure.facts.get("title.year")
    where = (title.start, title.end) if title is not None else (0, min(len(text), 1))
    if year is not None and str(year) not in PROFILES:
        params = {"year": f"{year:04d}", "profile": chosen.name}  # as written
        issue = Issue(TEMPLATE_YEAR_ASSUMED.name, *where, params)
        return dataclasses.replace(structure, issues=(*structure.issues, issue))
    own = _fit_problems(structure, chosen, lacking=False)
    if own == 0:
        return structure
    judged = text
    if len(text) > LARGE_TEXT:
        # Many letters' worth (a batch pasted into one file, a letter over and over): judged
        # by its start, up to a paragraph break, read with each template, not the whole text
        # seven times (its end cut in mid-statement said nothing of its year).
        cut = text.rfind("\n\n", 0, LARGE_TEXT)
        judged = text[: cut if cut > 0 else LARGE_TEXT]
        start = assemble(recogniser(chosen.name, fused=fused).iter_chunks(judged), chosen, judged)
        own = _fit_problems(start, chosen, lacking=False)
        if own == 0:
            return structure
    best: tuple[int, int, Profile] | None = None
    for other in PROFILES.values():
        if other is chosen:
            continue
        reading = recogniser(other.name, fused=fused).iter_chunks(judged)
        trial = assemble(reading, other, judged)
        count = _fit_problems(trial, other)
        if trial.is_letter and count < own:
            rank = (count, abs(other.year - chosen.year), other)
            if best is None or rank[:2] < best[:2]:
                best = rank
    if best is None:
        return structure
    params = {"found": best[2].name, "profile": chosen.name}
    if year is not None:  # (a letter without a title year: its message says so)
        params["year"] = f"{year:04d}"  # (as written: four digits, "0000" too)
    issue = Issue(TEMPLATE_MISMATCH.name, *where, params)
    return dataclasses.replace(structure, issues=(*structure.issues, issue))


_PERIOD_ENDS: Final = (
    "overview.period.end",
    "upheld.period.end",
    "compliance.period.end",
    "remedy.period.end",
)


def _document_facts(kind: str, facts: Mapping[str, FactToken]) -> dict[str, FactToken]:
    """``document.kind``, and ``document.year`` where the document states it: a letter's
    title year, a page's period end (the first panel's that states it), standing there."""
    # the kind is stated by no text of its own: an empty span at the start of the file
    found = {"document.kind": FactToken("document.kind", kind, "", 0, 0)}
    if kind == "page":
        ends = [facts[n] for n in _PERIOD_ENDS if n in facts and facts[n].value is not None]
        if ends:
            end = ends[0]
            found["document.year"] = FactToken(
                "document.year", end.value.year, end.raw, end.start, end.end
            )
    else:
        title = facts.get("title.year")
        if title is not None:
            found["document.year"] = FactToken(
                "document.year", title.value, title.raw, title.start, title.end
            )
    return found


def _derived_facts(facts: Mapping[str, FactToken]) -> dict[str, FactToken]:
    """The facts taken from others (:data:`~lgo_audit.grammar.facts.DERIVED_FACTS`): each the
    first of its sources that the document states with a value, in a year it counts in
    (``document.year``: :meth:`~lgo_audit.grammar.facts.Fact.sources_in`), standing where
    that source stands."""
    found: dict[str, FactToken] = {}
    year_token = facts.get("document.year")
    year = year_token.value if year_token is not None else None
    for fact in DERIVED_FACTS:
        for source in fact.sources_in(year):
            token = facts.get(source)
            if token is not None and token.value is not None:
                found[fact.name] = FactToken(
                    fact.name, token.value, token.raw, token.start, token.end
                )
                break
    return found


def _judge_page(
    structure: Structure, chosen: Profile, text: str, fused: bool
) -> tuple[Structure, Profile]:
    """The page profile a statistics page was read with, judged: a page whose period's year
    has no profile of its own is said (information, as for a letter); a page that shows no
    period (cut before its first panel's end) is read with the year whose page profile finds
    the fewest structural problems in it, the latest of those that tie."""
    from lgo_audit.grammar import page_year

    year = page_year(text)
    if year is not None:
        if str(year) in PROFILES:
            return structure, chosen
        ends = [structure.facts[n] for n in _PERIOD_ENDS if n in structure.facts]
        where = (ends[0].start, ends[0].end) if ends else (0, min(len(text), 1))
        params = {"year": f"{year:04d}", "profile": chosen.name}  # as written
        issue = Issue(TEMPLATE_YEAR_ASSUMED.name, *where, params)
        return dataclasses.replace(structure, issues=(*structure.issues, issue)), chosen
    best = (_wording_problems(structure), -chosen.year, chosen, structure)
    for other in PAGE_PROFILES.values():
        if other is chosen:
            continue
        trial = assemble(recogniser(other.name, fused=fused).iter_chunks(text), other, text)
        if trial.is_letter and (_wording_problems(trial), -other.year) < best[:2]:
            best = (_wording_problems(trial), -other.year, other, trial)
    return best[3], best[2]


def parse_file(
    path: str | os.PathLike[str],
    *,
    authorities: AuthorityLookup | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    profile: str | None = None,
    batch: bool = False,
) -> ParsedLetter:
    """Read and recognise one letter file, its facts completed from ``authorities``.

    Raises :class:`~lgo_audit.reader.InputError` for bad input (one line naming the file)."""
    source = read_source(path, max_bytes=max_bytes)
    return parse_source(source, profile, authorities=authorities, batch=batch)


def holds_anchor_statement(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bool:
    """Whether the recogniser of any template year finds, in the file, a statement of an anchor
    section (:attr:`Profile.anchors <lgo_audit.grammar.Profile.anchors>`: the title, the
    introduction, the statistics panels; every letter has one), whole, or malformed (it starts
    like one) at the start of a line and not in quotation marks. A file with none (a README,
    minutes, notes that quote a letter's line, as in ``gives "1 upheld decision"``) is no
    attempt at a letter; a file with one is a letter, however incomplete.

    Raises :class:`~lgo_audit.reader.InputError` as :func:`parse_file` does."""
    text = normalise(read_source(path, max_bytes=max_bytes).text).text
    fused = len(text) > LARGE_TEXT
    for profile in (*PROFILES.values(), *PAGE_PROFILES.values()):
        for chunk in recogniser(profile.name, fused=fused).iter_chunks(text):
            if isinstance(chunk, Matched):
                statement = chunk.statement
            elif chunk.malformed is not None and _starts_a_line_unquoted(text, chunk.start):
                statement = chunk.malformed
            else:
                continue
            if _is_anchor(statement, profile):
                return True
    return False


_QUOTES: Final = frozenset("\"'\u201c\u2018")  # (straight and opening curly quotation marks)


def _starts_a_line_unquoted(text: str, start: int) -> bool:
    """Whether ``text[start:]`` starts a line (the normalised text has no spaces there) and not
    with a quotation mark: where a letter's statement stands, not one quoted in prose."""
    return (start == 0 or text[start - 1] == "\n") and text[start : start + 1] not in _QUOTES


def _is_anchor(statement: Statement, profile: Profile) -> bool:
    """A statement of an anchor section (of one it may belong to, for shared wording); with no
    anchors, any statement of the profile."""
    if not profile.anchors:
        return True
    if statement.section is not None:
        return statement.section in profile.anchors
    return bool(statement.scope & profile.anchors)


def _register_facts(
    facts: Mapping[str, FactToken], authorities: AuthorityLookup
) -> dict[str, FactToken]:
    """The register's facts of the addressed council (``authority.type``, ``authority.code``,
    ``authority.own_name``, ``authority.designation``, ``authority.existence``,
    ``authority.identity``), standing where the council's name stands: the council as it was
    on the letter's date, found if it existed then or on some day of the letter's period."""
    name = facts.get("authority.name")
    if name is None or name.value is None:
        return {}
    on, period = _letter_dates(facts)
    return {
        fact: FactToken(fact, value, name.raw, name.start, name.end)
        for fact, value in _register_values(authorities, str(name.value), on, period)
    }


_Answers = dict[int, tuple[Any, tuple[tuple[str, Any], ...]]]
_RESOLVED: dict[int, tuple[AuthorityLookup, _Answers]] = {}
"""Register values already made in this process, by register (its ``id``, the register
kept alive with them) and by the register's answer (its ``id``, the answer kept alive with
them: a register gives one answer object to every letter of one council whose dates fall
alike, :meth:`~lgo_audit.register.Register.resolve`). Bounded: :data:`_RESOLVED_MAX`
answers per register, then begun again."""
_RESOLVED_MAX: Final = 4096


def _register_values(
    authorities: AuthorityLookup,
    name: str,
    on: datetime.date | None,
    period: tuple[datetime.date, datetime.date] | None,
) -> tuple[tuple[str, Any], ...]:
    """The register's facts of ``name`` (dotted name and value, those it knows), in order;
    remembered for a register of this package (a lookup of another kind is asked each time)."""
    remember = type(authorities) is Register
    found = authorities.resolve(name, on, period)
    if remember:
        held = _RESOLVED.get(id(authorities))
        if held is None or held[0] is not authorities:
            held = _RESOLVED[id(authorities)] = (authorities, {})
        answers = held[1]
        known = answers.get(id(found))
        if known is not None and known[0] is found:
            return known[1]
    values: dict[str, Any] = {
        "authority.identity": found.identity,
        "authority.own_name": found.own_name,
        "authority.designation": found.designation,
        "authority.existence": found.existence,
    }
    if found.authority is not None:
        values["authority.type"] = found.authority.type
        values["authority.code"] = found.authority.code
    answer = tuple(
        (fact, value)
        for fact, value in values.items()
        if value is not None and fact in REGISTER_FACTS
    )
    if remember:
        if len(answers) >= _RESOLVED_MAX:
            answers.clear()
        answers[id(found)] = (found, answer)
    return answer


_YEAR_ENDS: Final = ("year_ending", *_PERIOD_ENDS, "panel_header.period_end")
"""Where a document says the last day of the year it reviews, in order of trust."""


def _letter_dates(
    facts: Mapping[str, FactToken],
) -> tuple[datetime.date | None, tuple[datetime.date, datetime.date] | None]:
    """The letter's date and the financial year it reviews (first and last day): from the
    year ending it states, a panel's period, or the title's year."""
    date = facts.get("letter_date")
    on = date.value if date is not None and isinstance(date.value, datetime.date) else None
    end: datetime.date | None = None
    for fact in _YEAR_ENDS:
        token = facts.get(fact)
        if token is not None and isinstance(token.value, datetime.date):
            end = token.value
            break
    if end is None:
        title = facts.get("title.year")
        if title is not None and isinstance(title.value, int) and 1990 < title.value < 2200:
            end = datetime.date(title.value, 3, 31)
    if end is None:
        return on, None
    try:
        start = end.replace(year=end.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = end - datetime.timedelta(days=365)
    return on or end, (start, end)


def _fact_dict(token: FactToken, text: NormalisedText) -> dict[str, Any]:
    return {"value": token.value, "raw": token.raw, "span": text.span_of(token.start, token.end)}


def _build_letter(parsed: ParsedLetter, text: NormalisedText, profile: Profile) -> LetterFields:
    """The letter model with the facts that apply set (a missing one to None, explicitly) and
    the others left unset: dumped with ``exclude_unset=True``, a fact not applicable to the
    letter's template year is absent, a missing one null."""
    from lgo_audit.model import Letter, Link, nest

    applicable = parsed.applicable
    names = [n for n in FACT_KINDS if n in applicable or n in parsed.facts]

    def fill(node: dict[str, Any]) -> dict[str, Any]:
        return {
            key: fill(child)
            if isinstance(child, dict)
            else (_fact_dict(parsed.facts[child], text) if child in parsed.facts else None)
            for key, child in node.items()
        }

    data = fill(nest(names))
    data["links"] = [
        Link(text=link.text, target=link.target, span=text.span_of(link.start, link.end))
        for link in text.links
    ]
    data["profile"] = profile.name
    data["sections"] = parsed.structure.sections
    return Letter.model_validate(data)
