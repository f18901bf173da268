"""Property-based specification of the grammar and the rule set.

Letters are generated from random consistent facts (``tests/letters.py``) and written in every
style the reader accepts. Seven properties hold for all of them:

1. Round trip: parsing a rendered letter gives back exactly the facts that were rendered.
2. No false alarms: a consistent letter produces no error and no warning.
3. Each invariant, broken alone, is caught by its own rule, at the statement that broke it.
4. Rounding: percent() and possible_percent() agree with exact rational arithmetic.
5. Robustness: no input makes the checker raise; bad input is a clean InputError.
6. Rule language: expressions print and re-parse to the same tree, and evaluate to a value or
   a defined rule error.
7. Fixes remove their finding, add none, and are idempotent.

Profiles (``tests/conftest.py``): ``ci`` by default, ``LGO_HYPOTHESIS_PROFILE=deep`` for long
runs. A failure prints the minimised example and a ``@reproduce_failure`` blob.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from lgo_audit import expr
from lgo_audit.engine import run_rules
from lgo_audit.findings import Finding, Outcome, Severity
from lgo_audit.fix import apply_edits, fixable_edits
from lgo_audit.grammar import PROFILES
from lgo_audit.grammar.facts import DERIVED_FACTS
from lgo_audit.model import FACT_TYPES, VOCABULARY, iter_facts
from lgo_audit.parse import ParsedLetter, parse_source
from lgo_audit.reader import InputError, decode
from lgo_audit.register import load_register
from lgo_audit.rules import load_rules
from tests.letters import (
    AUTHORITIES,
    LATEST,
    SURNAMES,
    YEARS,
    LetterFacts,
    Rendered,
    Style,
    expected_facts,
    letter_facts,
    render,
    render_document,
    render_styles,
    short_date,
    stated_percent,
)
from tests.paths import RULES_DIR

Draw = Callable[[st.SearchStrategy[Any]], Any]


# The bundled register, as ``lgo-audit check`` uses it: parsing completes the facts from it, so
# every rule (those reading the council's type included) is judged. A broken register fails
# here, at import, rather than silently removing rules from the properties.
REGISTER = load_register(None)
RULES = list(load_rules())
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def parse_bytes(data: bytes) -> ParsedLetter:
    return parse_source(decode(data, "letter.txt"), authorities=REGISTER)


def check(data: bytes) -> tuple[ParsedLetter, list[Finding], dict[str, Outcome]]:
    """Parse and check one letter file as ``lgo-audit check`` does."""
    parsed = parse_bytes(data)
    findings, results = run_rules(parsed, RULES)
    return parsed, findings, {r.code: r.outcome for r in results}


def describe(findings: list[Finding]) -> list[str]:
    return [f"{f.code} {f.severity} line {f.span.line}: {f.message}" for f in findings]


def typed(value: Any) -> Any:
    """A value with what makes it different from an equal one: a Decimal's stated places."""
    if isinstance(value, Decimal):
        return (value, value.as_tuple().exponent)
    return value


# --- 1. round trip ----------------------------------------------------------------------------


@given(letter_facts(), render_styles())
def test_1b_the_register_facts_of_a_rendered_letter_are_the_registers_answer(facts, style):
    rendered = render_document(facts, style)
    parsed = parse_bytes(rendered.data)
    authority = REGISTER.lookup(str(parsed.facts["authority.name"].value))
    for name, value in (
        ("authority.type", None if authority is None else authority.type),
        ("authority.code", None if authority is None else authority.code),
    ):
        fact = parsed.facts.get(name)
        assert (None if fact is None else fact.value) == value


@given(letter_facts(), render_styles())
def test_1_parsing_a_rendered_letter_gives_back_exactly_its_facts(facts, style):
    """Every year's letter: exactly the facts its template states (the others, not applicable
    to the year, absent), whatever the rendering."""
    rendered = render_document(facts, style)
    note(rendered.text)
    # What the letter states, so no register: its facts are property 1b's.
    parsed = parse_source(decode(rendered.data, "letter.txt"), authorities=None)
    assert parsed.profile.name == str(facts.profile_year)
    found = {
        name: typed(fact.value)
        for name, fact in parsed.facts.items()
        if not name.startswith("document.")  # every document's: property 1c
    }
    expected = {name: typed(value) for name, value in expected_facts(facts).items()}
    assert found == expected
    assert parsed.facts["document.kind"].value == "letter"
    assert parsed.facts["document.year"].value == parsed.facts["title.year"].value
    derived = {fact.name for fact in DERIVED_FACTS}
    assert set(expected) - derived <= PROFILES[str(facts.profile_year)].facts
    assert parsed.applicable <= VOCABULARY
    # the typed model is built for every year, with exactly the applicable facts
    assert {name for name, _ in iter_facts(parsed.letter)} == set(parsed.applicable)
    # the links as normalising read them (the typed model is built from the same)
    links = [(link.text, link.target) for link in parsed.text.links]
    if style.markup == "markdown" and facts.wording_2020:
        assert links == [
            ("Your council's performance", facts.map_target),
            ("website", facts.website_target),
            ("Your council's performance", facts.map_target),
        ]
    else:
        assert links == []


# --- 2. no false alarms -----------------------------------------------------------------------


def expected_infos(facts: LetterFacts, style: Style) -> set[str]:
    """The notes a consistent letter may get: a next year's title read with the latest
    template (LGO009), a file saved as Windows-1252 (LGO007)."""
    return ({"LGO009"} if facts.title_year > LATEST else set()) | (
        {"LGO007"} if style.encoding == "cp1252" else set()
    )


@given(letter_facts(), render_styles())
def test_2_a_consistent_letter_of_any_year_has_no_finding(facts, style):
    rendered = render_document(facts, style)
    note(rendered.text)
    _, findings, outcomes = check(rendered.data)
    allowed = expected_infos(facts, style)
    assert describe([f for f in findings if f.code not in allowed]) == []
    assert all(f.severity is Severity.INFO for f in findings)
    if facts.title_year > LATEST:
        assert [f.code for f in findings if f.code == "LGO009"] == ["LGO009"]
    assert [code for code, outcome in outcomes.items() if outcome is Outcome.ERROR] == []


# --- 3. each invariant, broken alone, is caught by its own rule ---------------------------------


WORDING_2020 = (2020, 2021, 2022)  # the years written in the 2020 wording
LATER = (2023, 2024, 2025, "next")


@dataclass(frozen=True)
class Mutation:
    """Break one invariant of a consistent letter by changing one statement.

    ``apply`` returns the mutated facts and the paragraphs (``Rendered.lines`` keys) the rule
    must point at; ``implies`` are rules that the broken invariant also breaks (a callable of
    the facts' template year when that depends on the year); ``years`` are the letters'
    years (``letters.YEARS``) the mutation is drawn for: those whose template has the
    statement it changes. Adding a rule's mutation is one line in :data:`MUTATIONS`.
    """

    code: str
    apply: Callable[[Draw, LetterFacts], tuple[LetterFacts, tuple[str, ...]]]
    implies: frozenset[str] | Callable[[int], frozenset[str]] = frozenset()
    markdown: bool = False  # the statement exists only in the Markdown extractor's output
    years: tuple[int | str, ...] = YEARS
    # the panels' headings kept: without its heading and its first statement, nothing says
    # where a panel starts (its average is read as the panel before's, repeated: LGO004)
    headings: bool = False

    def implied(self, year: int) -> frozenset[str]:
        return self.implies(year) if callable(self.implies) else self.implies


def _from(year: int, codes: set[str], *, until: int = 9999) -> Callable[[int], frozenset[str]]:
    """``codes`` implied for letters of template years ``year`` to ``until`` only."""
    return lambda y: frozenset(codes) if year <= y <= until else frozenset()


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _other_percent(draw: Draw, correct: Decimal, low: int = 0, high: int = 100) -> Decimal:
    """A percentage stated like ``correct`` (same places), in [low, high], but not it."""
    scale = 10 ** _places(correct)
    scaled = draw(st.integers(low * scale, high * scale).filter(lambda v: v != correct * scale))
    return Decimal(scaled).scaleb(-_places(correct))


def _zero_case(f: LetterFacts) -> bool:
    """Does the letter state the zero-case sentences instead of two panels (2024 on)?"""
    return f.zero_sentences


def _panels(f: LetterFacts) -> LetterFacts:
    """The letter with every panel line (2025: the count and basis lines the pages dropped),
    and the compliance and remedy panels' figures (not the zero-case sentences)."""
    assume(not _zero_case(f))
    return f.replace(optional_lines=frozenset({"upheld_count", "upheld_basis"}))


def _upheld(f: LetterFacts, count: int) -> LetterFacts:
    """Another upheld count, the rate per 100,000 residents following it (same population)."""
    per_100k = stated_percent(count * 1000, f.population, 1) if count else Decimal(0)
    return f.replace(upheld_count=count, per_100k=per_100k if f.population else f.per_100k)


_PANEL_BASIS = {
    "upheld": "upheld_basis",
    "compliance": "compliance_basis",
    "remedy": "remedy_basis",
}
_PERIOD_FIELD = {
    "upheld": "upheld_period",
    "compliance": "compliance_period",
    "remedy": "remedy_period",
}


def _present(f: LetterFacts) -> frozenset[str]:
    """The paragraphs (keys) a plain rendering of ``f`` has."""
    return frozenset(render_document(f, Style()).lines)


def _upheld_rate_wrong(draw, f):
    f = _panels(f)
    assume(f.investigations > 0)
    return f.replace(upheld_percent=_other_percent(draw, f.upheld_percent)), ("upheld_percent",)


def _upheld_count_lost(draw, f):
    return _panels(f).hide("upheld.count"), ("upheld_count",)


def _upheld_exceeds(draw, f):
    f = _panels(f)
    assume(f.upheld_count > 0 or f.profile_year < 2024)
    count = draw(st.integers(f.investigations + 1, f.investigations + 50))
    # (a 2025 letter's "We investigated N complaints and upheld M." states it too)
    return _upheld(f, count), ("upheld_count", "summary") if f.summary else ("upheld_count",)


def _remedy_rate_wrong(draw, f):
    f = _panels(f)
    return f.replace(remedy_percent=_other_percent(draw, f.remedy_percent)), ("remedy_percent",)


def _remedy_count_lost(draw, f):
    return _panels(f).hide("remedy.count"), ("remedy_count",)


def _remedies_exceed(draw, f):
    f = _panels(f)
    count = draw(st.integers(f.upheld_count + 1, f.upheld_count + 50))
    return f.replace(remedy_count=count), ("remedy_count",)


def _compliance_impossible(draw, f):
    f = _panels(f)
    m = f.compliance_outcomes
    assume(m > 0)
    places = draw(st.sampled_from([0, 1]))
    possible = {stated_percent(j, m, places) for j in range(m + 1)}
    impossible = [
        Decimal(v).scaleb(-places)
        for v in range(100 * 10**places + 1)
        if Decimal(v).scaleb(-places) not in possible
    ]
    assume(impossible)
    return f.replace(compliance_percent=draw(st.sampled_from(impossible))), ("compliance_percent",)


def _totals_differ(draw, f):
    total = draw(st.integers(0, f.investigations + 50).filter(lambda t: t != f.investigations))
    return f.replace(remedy_investigations=total), ("remedy_basis",)


def _remedy_total_not_upheld(draw, f):
    f = _panels(f)
    total = draw(st.integers(0, f.upheld_count + 50).filter(lambda t: t != f.upheld_count))
    return f.replace(remedy_investigations=total), ("remedy_basis",)


# --- the later templates' invariants (2023 on) ---------------------------------------------


def _per_100k_zero_wrong(draw, f):
    """A rate of 0.0 per 100,000 residents with upheld decisions (or a rate with none)."""
    f = _panels(f)  # the count stated, to judge the rate by
    if f.upheld_count:
        return f.replace(per_100k=Decimal("0.0")), ("per_100k",)
    rate = Decimal(draw(st.integers(1, 99))).scaleb(-1)
    return f.replace(per_100k=rate), ("per_100k",)


def _per_100k_impossible(draw, f):
    """A rate no English council's population can give: fewer than 2,000 residents."""
    f = _panels(f)
    assume(1 <= f.upheld_count <= 19)
    return f.replace(per_100k=Decimal(f.upheld_count * 60).quantize(Decimal("0.1"))), ("per_100k",)


def _per_100k_percent(draw, f):
    """The rate per 100,000 residents printed with a "%" (a real defect of a published page)."""
    name = draw(st.sampled_from(["upheld.per_100k", "upheld.per_100k_average"]))
    value = f.per_100k if name == "upheld.per_100k" else f.per_100k_average
    key = "per_100k" if name == "upheld.per_100k" else "per_100k_average"
    return f.replace(raw={**f.raw, name: f"{value:,}%"}), (key,)


def _overview_total_wrong(draw, f):
    assume(f.overview is not None)
    assert f.overview is not None
    dealt, not_for_us, assessed, investigated = f.overview
    delta = draw(st.integers(1, 20))
    return f.replace(overview=(dealt + delta, not_for_us, assessed, investigated)), ("overview",)


def _overview_investigated_wrong(draw, f):
    """The overview's investigated count differs from the upheld panel's (its total kept)."""
    assume(f.overview is not None and (f.summary or "upheld_basis" in f.optional_lines))
    assert f.overview is not None
    dealt, not_for_us, assessed, investigated = f.overview
    delta = draw(st.integers(1, 20))
    overview = (dealt + delta, not_for_us, assessed, investigated + delta)
    return f.replace(overview=overview), ("overview",)


def _summary_rate_wrong(draw, f):
    """ "We investigated N complaints and upheld M." in a letter that also states the count
    and basis lines, with figures whose rate is not the one stated (LGO101 judges the rate
    against those lines; without them, against this sentence)."""
    assume(f.summary)
    f = f.replace(optional_lines=f.optional_lines | {"upheld_count", "upheld_basis"})
    n = draw(st.integers(1, 5_000))
    m = draw(st.integers(1, n))  # (upholding none, the remedy rate is over 0: LGO110)
    assume(abs(Fraction(100 * m, n) - Fraction(f.upheld_percent)) >= 1)
    return f.replace(summary_counts=(n, m)), ("upheld_percent",)


def _counts_unstated(draw, f):
    """A 2025 letter without the lines that state the complaints investigated: no complaint
    overview, no upheld summary, no basis line (its rate stands on no count)."""
    lines = f.optional_lines - {"upheld_basis"}
    return f.replace(overview=None, summary=False, optional_lines=lines), ("upheld_percent",)


def _zero_sentences_with_upheld(draw, f):
    """The zero-case sentences although complaints were upheld."""
    f = f.replace(optional_lines=frozenset({"upheld_count", "upheld_basis"}))
    assume(f.upheld_count > 0)
    return f.replace(zero_case=True), ("compliance_none", "remedy_none")


def _zero_upheld_with_figures(draw, f):
    """No upheld complaint, the remedy panel's figures shown instead of its zero-case sentence."""
    assume(f.investigations > 0)
    f = f.replace(optional_lines=frozenset({"upheld_count", "upheld_basis"}))
    f = _upheld(f, 0).replace(
        upheld_percent=Decimal(0),
        remedy_count=0,
        remedy_percent=Decimal(0),
        remedy_investigations=0,
        zero_case=False,
    )
    return f, ("remedy_percent",)


def _issue_month_wrong(draw, f):
    """Dated in the title year, after the period, but not in the template's issue month."""
    issue = 5 if f.profile_year >= 2025 else 7
    month = draw(st.sampled_from([m for m in range(4, 13) if m != issue]))
    date = dt.date(f.title_year, month, draw(st.integers(1, 28)))
    assume(date > f.year_ending)
    return f.replace(letter_date=date, publication_date=date + dt.timedelta(days=7)), (
        "letter_date",
    )


def _signatory_not_in_office(draw, f):
    """Signed by an Ombudsman not in office on the letter's date."""
    year = f.letter_date.year
    others = [
        name
        for name, first, last in (
            ("Michael King", 2000, 2022),
            ("Paul Najsarek", 2023, 2023),
            ("Amerdeep Somal", 2024, 2099),
        )
        if not first <= year <= last
    ]
    return f.replace(signatory=draw(st.sampled_from(others))), ("signatory",)


_RATES = {
    "upheld_average": frozenset(),
    "compliance_average": frozenset(),
    "remedy_average": frozenset(),
    "upheld_percent": frozenset({"LGO101", "LGO110"}),
    "compliance_percent": frozenset({"LGO110"}),
    "remedy_percent": frozenset({"LGO104"}),
}


def _over_100(draw, f):
    f = _panels(f)
    name = draw(st.sampled_from(sorted(_RATES)))
    places = draw(st.sampled_from([0, 1]))
    value = Decimal(draw(st.integers(100 * 10**places + 1, 999 * 10**places))).scaleb(-places)
    return f.replace(**{name: value}), (name,)


def _rate_over_zero(draw, f):
    f = _panels(f)
    if draw(st.booleans()):
        assume(f.compliance_percent != 0)
        return f.replace(compliance_outcomes=0), ("compliance_basis",)
    assume(f.upheld_percent != 0)
    return f.replace(investigations=0), ("upheld_basis",)


_DATE_PARAGRAPH = {
    "letter_date": "letter_date",
    "year_ending": "year_ending",
    "publication_date": "publication",
    "panel_header.period_end": "header_authority",
    **{f"{p}.period.{e}": _PANEL_BASIS[p] for p in _PANEL_BASIS for e in ("start", "end")},
}


def _date_of(f: LetterFacts, name: str) -> dt.date:
    if "." in name and name.split(".")[0] in _PERIOD_FIELD:
        panel, _, end = name.split(".")
        return getattr(f, _PERIOD_FIELD[panel])[0 if end == "start" else 1]  # type: ignore[no-any-return]
    attribute = {"panel_header.period_end": "header_period_end"}.get(name, name)
    return getattr(f, attribute)  # type: ignore[no-any-return]


def _invalid_date(draw, f):
    present = _present(f)
    name = draw(st.sampled_from(sorted(n for n, p in _DATE_PARAGRAPH.items() if p in present)))
    year = _date_of(f, name).year
    day, month = draw(st.sampled_from([(31, 4), (31, 6), (30, 2), (31, 11), (32, 1)]))
    if name == "panel_header.period_end":
        text = short_date(dt.date(year, 1, 1)).replace("01/01", f"{day:02d}/{month:02d}")
    else:
        month_name = dt.date(2000, month, 1).strftime("%B")
        text = f"{day} {month_name} {year}"
    return f.with_raw(name, text), (_DATE_PARAGRAPH[name],)


def _not_financial_year(draw, f):
    f = _panels(f)
    panel = draw(st.sampled_from(sorted(_PANEL_BASIS)))
    start, end = getattr(f, _PERIOD_FIELD[panel])
    if draw(st.booleans()):
        start = start.replace(day=draw(st.integers(2, 30)))
    else:
        end = end.replace(day=draw(st.integers(1, 30)))
    where = (_PANEL_BASIS[panel],)
    if panel == "upheld" and f.overview is not None:  # (the overview states that period too)
        where = (*where, "overview")
    return f.replace(**{_PERIOD_FIELD[panel]: (start, end)}), where


def _period_mismatch(draw, f):
    """One date of the period differs from all the others (the upheld panel's too, where it
    states one: the finding is on whichever differs, not on the others)."""
    f = _panels(f)
    which = draw(
        st.sampled_from(
            ["upheld", "compliance", "remedy", "year_ending"]
            + (["header"] if f.wording_2020 else [])
        )
    )
    year = f.title_year
    if which in ("compliance", "remedy", "upheld"):  # another financial year
        start, end = getattr(f, _PERIOD_FIELD[which])
        shift = draw(st.sampled_from([-1, 1]))
        moved = (start.replace(year=start.year + shift), end.replace(year=end.year + shift))
        where = (_PANEL_BASIS[which],)
        if which == "upheld" and f.overview is not None and f.profile_year >= 2025:
            where += ("overview",)  # (the complaint overview states the same period)
        return f.replace(**{_PERIOD_FIELD[which]: moved}), where
    other = dt.date(year, 3, draw(st.integers(1, 30)))
    if which == "year_ending":
        return f.replace(year_ending=other), ("year_ending",)
    return f.replace(header_period_end=other), ("header_authority",)


def _title_year(draw, f):
    # Another year of the same template (2020 to 2022 share the 2020 wording; 2025 and the
    # next years the 2025 template). 2023 and 2024 have a template of their own: titled with
    # another year, they are read with another template (LGO010 and its structural findings).
    same = WORDING_2020 if f.wording_2020 else tuple(range(LATEST, LATEST + 6))
    other = draw(st.sampled_from([y for y in same if y != f.title_year]))
    return f.replace(title_year=other), ("title_year",)


def _letter_early(draw, f):
    date = f.year_ending - dt.timedelta(days=draw(st.integers(0, 400)))
    return f.replace(letter_date=date), ("letter_date",)


def _publication_lost(draw, f):
    return f.hide("publication_date"), ("publication",)


def _publication_early(draw, f):
    date = f.letter_date - dt.timedelta(days=draw(st.integers(0, 100)))
    return f.replace(publication_date=date), ("publication",)


def _salutation_other(draw, f):
    if draw(st.booleans()):
        surname = draw(st.sampled_from([s for s in SURNAMES if s.lower() != f.surname.lower()]))
        return f.replace(salutation=f"{f.honorific} {surname}"), ("salutation",)
    honorific = draw(st.sampled_from([h for h in ("Mr", "Mrs", "Ms", "Dr") if h != f.honorific]))
    return f.replace(salutation=f"{honorific} {f.surname}"), ("salutation",)


def _header_other(draw, f):
    other = draw(st.sampled_from([a for a in AUTHORITIES if a.lower() != f.authority.lower()]))
    return f.replace(header_authority=other), ("header_authority",)


_UNKNOWN_COUNCILS = (
    "Stockpot Metropolitan Borough Council",
    "Kentt County Council",
    "London Borough of Hackny",
    "Nowhere-on-Sea Borough Council",
    "Borsetshire County Council",
)


def _council_unknown(draw, f):
    # the same (unknown) council in the address block and the panel header
    council = draw(st.sampled_from(_UNKNOWN_COUNCILS))
    return f.replace(authority=council, header_authority=council), ("addressee_block",)


def _council_of_another_year(draw, f):
    # a council that did not exist on the letter's date nor in its year: one created on
    # 1 April 2023 for a letter reviewing an earlier year, one abolished by 2021 for a later one
    councils = (
        ("Cumberland Council", "Westmorland and Furness Council")
        if f.title_year <= 2022
        else ("Corby Borough Council", "Wycombe District Council")
    )
    council = draw(st.sampled_from(councils))
    return f.replace(authority=council, header_authority=council), ("addressee_block",)


_MISDESIGNATED = (  # (the name in the address block, the council's own name)
    ("Stockport County Council", "Stockport Metropolitan Borough Council"),
    ("Guildford District Council", "Guildford Borough Council"),
    ("Preston County Council", "Preston City Council"),
    ("Kent Borough Council", "Kent County Council"),
)


def _council_misdesignated(draw, f):
    # the address block gives a real council a designation its own name does not have; the
    # statistics name it by its own name (so the fix is safe)
    wrong, own = draw(st.sampled_from(_MISDESIGNATED))
    return f.replace(authority=wrong, header_authority=own), ("addressee_block",)


def _signatory_lost(draw, f):
    return f.hide("signatory.name"), ("yours-sincerely", "signatory")


def _nouns(f: LetterFacts) -> dict[str, tuple[str, str, str, str]]:
    """The counted nouns of the letter's year: fact -> (attribute, paragraph, one, many)."""
    year = f.profile_year
    detailed = ("detailed investigation", "detailed investigations")
    plain = ("investigation", "investigations")
    upheld = ("upheld decision", "upheld decisions")
    return {
        "upheld.count": ("upheld_count", "upheld_count", *upheld),
        "upheld.investigations": (
            "investigations", "upheld_basis", *(detailed if year <= 2023 else plain),
        ),
        "compliance.outcomes": (
            "compliance_outcomes", "compliance_basis", "compliance outcome", "compliance outcomes",
        ),
        "remedy.count": (
            "remedy_count", "remedy_count", "satisfactory remedy decision",
            "satisfactory remedy decisions",
        ),
        "remedy.investigations": (
            "remedy_investigations", "remedy_basis", *(detailed if year <= 2023 else upheld),
        ),
    }  # fmt: skip


# The nouns LGO401 knows (its ``each``): "1 investigations" and "1 upheld decisions" (the
# 2024 labels) are not among them yet, so their mutation is drawn once the rule knows them.
_LGO401_TEXT = next(RULES_DIR.glob("LGO401-*.toml")).read_text(encoding="utf-8")


def _plural_wrong(draw, f):
    f = _panels(f)
    # the counts LGO401 judges, each by its own label (its each entries name them)
    nouns = {
        name: noun
        for name, noun in _nouns(f).items()
        if f'n = "{name}", noun = "{name}_label"' in _LGO401_TEXT
    }
    assume(nouns)
    name = draw(st.sampled_from(sorted(nouns)))
    attribute, paragraph, one, many = nouns[name]
    wrong = many if getattr(f, attribute) == 1 else one
    return f.with_raw(f"{name}_label", wrong), (paragraph,)


def _placeholder(draw, f):
    text = draw(st.sampled_from(["TBC", "TBA", "TODO", "XXX", "London, TBC and Leeds"]))
    return f.with_raw("cities", text), ("cities",)


def _placeholder_link(draw, f):
    target = draw(st.sampled_from(["#", ""]))
    if draw(st.booleans()):
        return f.with_raw("map_target", target), ("publication", "map_link")
    return f.with_raw("website_target", target), ("publication",)


def _delegates_fewer(draw, f):
    assume(f.seminar_authorities > 1)
    return f.replace(delegates=draw(st.integers(1, f.seminar_authorities - 1))), ("cities",)


# The statements each year's template requires (``Section.needs``), as the paragraphs of the
# generated letter: statement name -> paragraph key, by section.
_STATEMENT_PARAGRAPH = {
    ("upheld", "upheld-rate"): "upheld_percent",
    ("upheld", "panel-average"): "upheld_average",
    ("upheld", "upheld-count"): "upheld_count",
    ("upheld", "upheld-per-100k"): "per_100k",
    ("upheld", "upheld-per-100k-average"): "per_100k_average",
    ("upheld", "panel-basis"): "upheld_basis",
    ("compliance", "compliance-rate"): "compliance_percent",
    ("compliance", "panel-average"): "compliance_average",
    ("compliance", "panel-basis"): "compliance_basis",
    ("compliance", "compliance-note"): "failure-to-comply-with",
    ("remedy", "remedy-rate"): "remedy_percent",
    ("remedy", "panel-average"): "remedy_average",
    ("remedy", "remedy-count"): "remedy_count",
    ("remedy", "panel-basis"): "remedy_basis",
}


def required_paragraphs(f: LetterFacts) -> dict[str, str]:
    """The paragraphs of ``f``'s letter that stand for required statements: key -> section."""
    profile = PROFILES[str(f.profile_year)]
    present = _present(f)
    return {
        _STATEMENT_PARAGRAPH[(section.name, name)]: section.name
        for section in profile.sections
        for name in section.needs
        if _STATEMENT_PARAGRAPH[(section.name, name)] in present
    }


def _statement_deleted(draw, f):
    required = required_paragraphs(f)
    assume(required)
    key = draw(st.sampled_from(sorted(required)))
    return f.delete(key), (key,)


def _deletion_implies(year: int) -> frozenset[str]:
    """What a deleted statement also breaks: the rules comparing the totals it stated. (A
    letter that only lacks a line is not said to fit another year's template, LGO010, even
    one that does without that line, as the 2025 upheld panel does without the count and
    basis lines.)"""
    return frozenset({"LGO108", "LGO111"})


MUTATIONS = {
    m.code: m
    for m in (
        Mutation("LGO008", _statement_deleted, _deletion_implies, headings=True),
        Mutation("LGO101", _upheld_rate_wrong),
        Mutation("LGO102", _upheld_count_lost),
        # the remedy rate is a share of the upheld count; from 2023 so is the remedy total
        Mutation(
            "LGO103",
            _upheld_exceeds,
            lambda y: frozenset({"LGO104"} | ({"LGO111"} if y >= 2023 else set())),
        ),
        Mutation("LGO104", _remedy_rate_wrong),
        Mutation("LGO105", _remedy_count_lost),
        Mutation("LGO106", _remedies_exceed),
        Mutation("LGO107", _compliance_impossible),
        Mutation("LGO108", _totals_differ, years=WORDING_2020),
        # a rate over 100% is also not the share of its counts
        Mutation("LGO109", _over_100, frozenset().union(*_RATES.values())),
        # 0 investigations: fewer than the upheld decisions, and than the remedy panel states
        Mutation(
            "LGO110",
            _rate_over_zero,
            lambda y: frozenset({"LGO103", "LGO108"} | ({"LGO115"} if y >= 2025 else set())),
        ),
        Mutation("LGO111", _remedy_total_not_upheld, years=LATER),
        Mutation("LGO112", _per_100k_zero_wrong, frozenset({"LGO113"}), years=LATER),
        Mutation("LGO113", _per_100k_impossible, years=LATER),
        Mutation("LGO114", _overview_total_wrong, years=(2025, "next")),
        Mutation("LGO115", _overview_investigated_wrong, years=(2025, "next")),
        # the sentence's N differs from the overview's and the basis line's
        Mutation("LGO116", _summary_rate_wrong, frozenset({"LGO115"}), years=(2025, "next")),
        Mutation("LGO117", _zero_sentences_with_upheld, years=(2024, 2025, "next")),
        Mutation("LGO119", _counts_unstated, years=(2025, "next")),
        Mutation(
            "LGO118", _zero_upheld_with_figures, frozenset({"LGO112"}), years=(2024, 2025, "next")
        ),
        Mutation("LGO201", _invalid_date),
        # a panel's period that is not a financial year differs from the others
        Mutation("LGO202", _not_financial_year, frozenset({"LGO203"})),
        Mutation("LGO203", _period_mismatch),
        Mutation("LGO204", _title_year, years=(*WORDING_2020, 2025, "next")),
        # an earlier date may fall in another Ombudsman's time or outside the issue month
        Mutation("LGO205", _letter_early, frozenset({"LGO208", "LGO305"})),
        Mutation("LGO208", _issue_month_wrong),
        Mutation("LGO206", _publication_lost, years=WORDING_2020),
        Mutation("LGO207", _publication_early, years=WORDING_2020),
        Mutation("LGO301", _salutation_other),
        Mutation("LGO302", _header_other, years=WORDING_2020),
        Mutation("LGO303", _signatory_lost),
        Mutation("LGO304", _council_unknown),
        Mutation("LGO305", _signatory_not_in_office),
        Mutation("LGO306", _council_of_another_year),
        # the statistics, by the council's own name, differ from the address block
        Mutation("LGO307", _council_misdesignated, frozenset({"LGO302"})),
        Mutation("LGO401", _plural_wrong),
        Mutation("LGO405", _per_100k_percent, years=LATER),
        Mutation("LGO402", _placeholder, years=WORDING_2020),
        Mutation("LGO403", _placeholder_link, markdown=True, years=WORDING_2020),
        Mutation("LGO404", _delegates_fewer, years=WORDING_2020),
    )
}


def _template_years(years: tuple[int | str, ...]) -> set[int]:
    return {LATEST if y == "next" else int(y) for y in years}


def test_3_every_arithmetic_date_party_and_language_rule_has_a_mutation_for_its_years():
    """A rule that holds for a template year has a mutation drawn for that year, unless the
    year's template lacks the statements the rule reads (the publication paragraph, the panel
    header, the seminars: 2020 to 2022 only)."""
    wording_2020_only = {"LGO206", "LGO207", "LGO302", "LGO402", "LGO403", "LGO404"}
    # a title of another year of the same template: none for 2023 and 2024
    shared_template_only = {"LGO204": {2023, 2024}}
    for rule in RULES:
        if rule.category not in ("arithmetic", "dates", "parties", "language"):
            continue
        years = {int(y) for y in PROFILES if rule.holds_for(int(y))}
        if rule.code in wording_2020_only:
            years &= set(WORDING_2020)
        years -= shared_template_only.get(rule.code, set())
        assert rule.code in MUTATIONS, rule.code
        missing = years - _template_years(MUTATIONS[rule.code].years)
        assert not missing, (rule.code, sorted(missing))
    assert "LGO008" in MUTATIONS  # a deleted required statement


CHECKED = sorted(code for code in MUTATIONS if code in RULES_BY_CODE)


def mutate(draw: Draw, code: str) -> tuple[LetterFacts, LetterFacts, Style, tuple[str, ...]]:
    mutation = MUTATIONS[code]
    facts = draw(letter_facts(mutation.years))
    style = draw(render_styles())
    if mutation.markdown:
        style = replace(style, markup="markdown")
    if mutation.headings:
        style = replace(style, dropped_headings=frozenset())
    mutated, where = mutation.apply(draw, facts)
    return facts, mutated, style, where


def _lines(rendered: Rendered, keys: tuple[str, ...]) -> set[int]:
    return {n for key in keys for n in range(rendered.lines[key][0], rendered.lines[key][1] + 1)}


def _neighbours(rendered: Rendered, key: str, required: set[str]) -> tuple[str, ...]:
    """Where a left-out statement should stand: the paragraphs beside it, or the next
    required statement (an optional line may stand between)."""
    order = rendered.order
    before = [k for k in order[: order.index(key)] if k in rendered.lines]
    after = [k for k in order[order.index(key) + 1 :] if k in rendered.lines]
    following = [k for k in after if k in required]
    return tuple(before[-1:] + after[:1] + following[:1])


@pytest.mark.parametrize("code", CHECKED)
@given(data=st.data())
def test_3_an_invariant_broken_alone_is_caught_by_its_own_rule_at_that_statement(code, data):
    facts, mutated, style, where = mutate(data.draw, code)
    rendered = render_document(mutated, style)
    note(rendered.text)
    _, findings, outcomes = check(rendered.data)
    note("\n".join(describe(findings)))
    fired = [f for f in findings if f.code == code]
    assert fired, f"{code} did not fire"
    if code == "LGO008":  # where the deleted statement should stand
        where = _neighbours(rendered, where[0], set(required_paragraphs(facts)))
    lines = _lines(rendered, where)
    assert all(f.span.line in lines for f in fired), (where, rendered.lines, describe(fired))
    implied = MUTATIONS[code].implied(mutated.profile_year)
    others = {
        f.code
        for f in findings
        if f.severity in (Severity.ERROR, Severity.WARNING) and f.code != code
    } - implied
    assert others == set(), describe(findings)
    assert [c for c, outcome in outcomes.items() if outcome is Outcome.ERROR] == []


# --- 4. rounding ------------------------------------------------------------------------------

PERCENT = expr.compile_expr(expr.parse("percent(k, n, places)"))
PERCENT_EQUALS = expr.compile_expr(expr.parse("rounds_half_up_to(percent(k, n), p)"))
POSSIBLE = expr.compile_expr(expr.parse("possible_percent(p, n)"))


class Facts:
    """An expression environment over a plain dict (absent is null)."""

    def __init__(self, values: dict[str, Any], raws: dict[str, str] | None = None) -> None:
        self.values = values
        self.raws = raws or {}

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def raw(self, name: str) -> str | None:
        return self.raws.get(name)


def exact_percent(k: int, n: int, places: int) -> Decimal:
    """100k/n rounded half up with rational arithmetic only (no Decimal, no float)."""
    scaled = Fraction(100 * k * 10**places, n)
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-places)


COUNT_PAIRS = st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(COUNT_PAIRS, st.sampled_from([0, 1]))
def test_4_percent_is_exact_rational_arithmetic_rounded_half_up(pair, places):
    k, n = pair
    expected = exact_percent(k, n, places)
    assert typed(PERCENT(Facts({"k": k, "n": n, "places": places}))) == typed(expected)
    assert PERCENT_EQUALS(Facts({"k": k, "n": n, "p": expected})) is True
    step = Decimal(1).scaleb(-places)
    assert PERCENT_EQUALS(Facts({"k": k, "n": n, "p": expected + step})) is False


@pytest.mark.parametrize("places", [0, 1])
def test_4_percent_agrees_for_every_k_up_to_n_up_to_500(places):
    for n in range(1, 501):
        for k in range(n + 1):
            assert PERCENT(Facts({"k": k, "n": n, "places": places})) == exact_percent(
                k, n, places
            ), (k, n)


STATED = st.sampled_from([0, 1]).flatmap(
    lambda places: st.integers(0, 100 * 10**places).map(lambda v: Decimal(v).scaleb(-places))
)


@given(STATED, st.integers(1, 500))
def test_4_possible_percent_agrees_with_brute_force(p, n):
    places = _places(p)
    brute = any(exact_percent(k, n, places) == p for k in range(n + 1))
    stated: int | Decimal = int(p) if places == 0 else p
    assert POSSIBLE(Facts({"p": stated, "n": n})) is brute


# --- 5. robustness ----------------------------------------------------------------------------


def checks_cleanly(data: bytes) -> None:
    """The checker's whole contract on any input: an InputError, or findings — nothing else."""
    try:
        source = decode(data, "input.txt")
    except InputError as error:
        assert "\n" not in str(error)
        return
    parsed = parse_source(source, authorities=REGISTER)
    findings, results = run_rules(parsed, RULES)
    assert [r.code for r in results if r.outcome is Outcome.ERROR] == []
    line_count = len(source.text.splitlines()) + 1
    for finding in findings:
        assert 1 <= finding.span.line <= finding.span.end_line <= line_count, finding
        assert "null" not in finding.message, finding


@given(st.text(max_size=3000))
def test_5_arbitrary_text_never_raises(text):
    checks_cleanly(text.encode("utf-8", "surrogatepass"))


@given(st.binary(max_size=3000))
def test_5_arbitrary_bytes_never_raise(data):
    checks_cleanly(data)


@given(letter_facts(), render_styles(), st.data())
def test_5_a_truncated_letter_never_raises(facts, style, data):
    letter = render(facts, style)
    cut = data.draw(st.integers(0, len(letter)))
    checks_cleanly(letter[:cut] if data.draw(st.booleans()) else letter[cut:])


@given(letter_facts(), render_styles(), st.randoms(use_true_random=False), st.data())
def test_5_shuffled_or_repeated_sections_never_raise(facts, style, rng, data):
    text = render_document(facts, replace(style, encoding="utf-8")).text
    paragraphs = text.split("\n\n")
    if data.draw(st.booleans()):
        rng.shuffle(paragraphs)
    for _ in range(data.draw(st.integers(0, 5))):
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(paragraphs))
    for _ in range(min(data.draw(st.integers(0, 5)), len(paragraphs) - 1)):
        paragraphs.pop(rng.randrange(len(paragraphs)))
    checks_cleanly("\n\n".join(paragraphs).encode("utf-8") or b" ")


# --- 6. the rule language ---------------------------------------------------------------------

_NAMES = sorted(VOCABULARY)
_FUNCTION_ARITIES = sorted(
    (name, arity) for name, f in expr.FUNCTIONS.items() for arity in f.arities
)
_LITERALS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(0, 10**6),
    st.builds(lambda v, p: Decimal(v).scaleb(-p), st.integers(0, 10**5), st.integers(1, 3)),
    st.text(max_size=10),
).map(expr.Literal)
_LEAVES = st.one_of(_LITERALS, st.sampled_from(_NAMES).map(expr.Name))


def _call(children: st.SearchStrategy[expr.Node]) -> st.SearchStrategy[expr.Node]:
    def build(spec: tuple[str, int]) -> st.SearchStrategy[expr.Node]:
        name, arity = spec
        if name == "raw":
            return st.sampled_from(_NAMES).map(lambda n: expr.Call("raw", (expr.Name(n),)))
        return st.tuples(*[children] * arity).map(lambda args: expr.Call(name, args))

    return st.sampled_from(_FUNCTION_ARITIES).flatmap(build)


def _extend(children: st.SearchStrategy[expr.Node]) -> st.SearchStrategy[expr.Node]:
    return st.one_of(
        st.builds(expr.Unary, st.sampled_from(["-", "not"]), children),
        st.builds(
            expr.Binary,
            st.sampled_from(["or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]),
            children,
            children,
        ),
        st.builds(expr.IsNull, children, st.booleans()),
        _call(children),
    )


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=16)

_VALUES: dict[Any, st.SearchStrategy[Any]] = {
    int: st.integers(-5, 5000),
    Decimal: st.builds(
        lambda v, p: Decimal(v).scaleb(-p), st.integers(-100, 2000), st.integers(0, 2)
    ),
    str: st.text(max_size=12),
    dt.date: st.dates(),
}


@st.composite
def fact_environments(draw: Draw) -> Facts:
    values = {}
    raws = {}
    for name in _NAMES:
        if draw(st.booleans()):
            values[name] = draw(st.one_of(st.none(), _VALUES[FACT_TYPES[name]]))
            raws[name] = draw(st.text(max_size=8))
    return Facts(values, raws)


@given(EXPRESSIONS)
def test_6_any_expression_prints_and_reparses_to_the_same_tree(node):
    assert expr.parse(expr.unparse(node)) == node


@given(EXPRESSIONS, fact_environments())
def test_6_evaluation_gives_a_value_or_a_defined_rule_error(node, env):
    try:
        result = expr.compile_expr(node)(env)
    except expr.ExprEvalError as error:
        # a defined error, not an unexpected exception the evaluator had to wrap
        assert error.__cause__ is None, repr(error.__cause__)
        return
    allowed = (type(None), bool, int, Decimal, Fraction, str, dt.date, expr.Percent)
    assert isinstance(result, allowed)
    expr.format_value(result)


# --- 7. fixes ---------------------------------------------------------------------------------

FIXABLE = [code for code in CHECKED if RULES_BY_CODE[code].fix is not None]


def _unique_count(percent: Decimal, n: int) -> int | None:
    fits = (
        [k for k in range(n + 1) if exact_percent(k, n, _places(percent)) == percent] if n else []
    )
    return fits[0] if len(fits) == 1 else None


def _expects_fix(code: str, facts: LetterFacts) -> bool:
    if code == "LGO102":
        return _unique_count(facts.upheld_percent, facts.investigations) is not None
    if code == "LGO105":
        return (
            facts.upheld_count == 0
            or _unique_count(facts.remedy_percent, facts.upheld_count) is not None
        )
    return True


@pytest.mark.parametrize("code", FIXABLE)
@given(data=st.data())
def test_7_a_fix_removes_its_finding_adds_none_and_is_idempotent(code, data):
    facts, mutated, style, _ = mutate(data.draw, code)
    rendered = render_document(mutated, style)
    note(rendered.text)
    parsed, findings, _ = check(rendered.data)
    fired = [f for f in findings if f.code == code]
    assert fired
    fixes = [f for f in fired if f.fix is not None]
    # a fix is offered exactly when the letter determines the right text
    assert bool(fixes) == _expects_fix(code, facts), describe(fired)
    assume(fixes)
    fixed, applied = apply_edits(parsed.source.text, fixable_edits(fixes, unsafe=True))
    assert applied >= 1
    _, after, _ = check(parsed.source.encode(fixed))
    assert [f for f in after if f.code == code] == []
    # no new finding (by code: a message may quote a byte offset the fix has moved)
    assert Counter(f.code for f in after) <= Counter(f.code for f in findings), describe(after)
    # applying the fixes again changes nothing
    again = fixable_edits([f for f in after if f.code == code], unsafe=True)
    assert apply_edits(fixed, again)[0] == fixed


# --- the generator itself ---------------------------------------------------------------------


def test_the_plain_generator_renders_every_style_without_hypothesis():
    from tests.letters import random_letter_facts, random_style

    rng = random.Random(7)
    for _ in range(20):
        data = render(random_letter_facts(rng), random_style(rng))
        assert parse_bytes(data).is_letter
