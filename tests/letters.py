"""Generated Annual Review letters (2020 template): consistent facts, rendered in every style.

The wording comes from the reference letter ``rules/base/2020.txt``: at import it is turned into
a template by replacing each fact of the reference letter with a named placeholder (every
replacement is checked to match exactly where expected, so a change of the reference letter
fails loudly here instead of silently generating stale letters).

* :class:`LetterFacts` — the facts of one letter (plus a few knobs mutations use: raw-text
  overrides and hidden statements).
* :func:`letter_facts` / :func:`render_styles` — hypothesis strategies.
* :func:`random_letter_facts` / :func:`random_style` — the same distributions without hypothesis
  (``random.Random``), for benchmarks.
* :func:`render` — facts + style -> the bytes of a letter file; :func:`render_document` also
  says on which lines each paragraph of the template stands.
* :func:`expected_facts` — what parsing the letter must give, in the vocabulary's dotted names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # hypothesis is imported only by the strategies: benchmarks do without it
    from hypothesis import strategies as st

__all__ = [
    "AUTHORITIES",
    "AUTHORITIES_BY_TYPE",
    "HEADINGS",
    "LetterFacts",
    "Rendered",
    "Style",
    "expected_facts",
    "letter_facts",
    "long_date",
    "random_letter_facts",
    "random_style",
    "render",
    "render_document",
    "render_styles",
    "stated_percent",
    "template_paragraphs",
]

BASE_LETTER = Path(__file__).resolve().parent.parent / "rules" / "base" / "2020.txt"

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
T = TypeVar("T")
LATEST = 2025  # the latest template profile; a later title is read with it (LGO009, info)
YEARS: tuple[int | str, ...] = (*range(2020, LATEST + 1), "next")
"""The years generated: each template year, and "next" (a title of LATEST + 1 to LATEST + 5)."""
ISSUE_MONTH = {2020: 7, 2021: 7, 2022: 7, 2023: 7, 2024: 7, 2025: 5}  # later years: May
SIGNATORIES_BY_YEAR: tuple[tuple[int, int, str, str], ...] = (
    # (first letter year, last letter year, signatory, first title line)
    (2019, 2022, "Michael King", "Local Government and Social Care Ombudsman"),
    (2023, 2023, "Paul Najsarek", "Interim Local Government and Social Care Ombudsman"),
    (2024, 9999, "Amerdeep Somal", "Local Government and Social Care Ombudsman"),
)
"""Who signs a letter of each year (TEMPLATE-HISTORY.md): the Ombudsman in post on its date."""


def signatory_for(year: int) -> tuple[str, str]:
    for first, last, name, title in SIGNATORIES_BY_YEAR:
        if first <= year <= last:
            return name, title
    raise ValueError(year)


# --- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFacts:
    """Everything that varies between two letters of the 2020 template.

    A consistent letter (what the generators produce) has one financial year ending on 31 March
    ``title_year`` in every panel, the letter dated after it and published after the letter,
    rates that are the exact rounded shares of the counts beside them, and the same person and
    council wherever they are named. Mutations break that with :func:`dataclasses.replace`.

    ``raw`` overrides the text a fact is written with (by dotted fact name, or ``cities``,
    ``map_target``, ``website_target``): an invalid date, a placeholder, a wrong plural.
    ``hidden`` names statements left out: ``upheld.count``, ``remedy.count``,
    ``publication_date``, ``signatory.name``.
    """

    letter_date: dt.date
    honorific: str
    given_names: tuple[str, ...]
    surname: str
    role: str
    authority: str
    salutation: str
    title_year: int
    year_ending: dt.date
    publication_date: dt.date
    cities: str
    delegates: int
    seminar_authorities: int
    courses: int
    people: int
    more_courses: int
    signatory: str
    header_authority: str
    header_period_end: dt.date
    upheld_percent: Decimal
    upheld_average: Decimal
    upheld_count: int
    investigations: int
    upheld_period: tuple[dt.date, dt.date]
    compliance_percent: Decimal
    compliance_average: Decimal
    compliance_outcomes: int
    compliance_period: tuple[dt.date, dt.date]
    remedy_percent: Decimal
    remedy_average: Decimal
    remedy_count: int
    remedy_investigations: int
    remedy_period: tuple[dt.date, dt.date]
    map_target: str = "https://www.lgo.org.uk/your-councils-performance"
    website_target: str = (
        "https://www.lgo.org.uk/information-centre/reports/annual-review-reports/"
        "interpreting-local-authority-statistics"
    )
    raw: dict[str, str] = field(default_factory=dict, hash=False)
    hidden: frozenset[str] = frozenset()
    # --- later templates (2023 on); ignored by the 2020 wording ---
    signatory_title: str = "Local Government and Social Care Ombudsman"
    population: int = 0  # residents: the per 100,000 rate is upheld_count * 100,000 / population
    per_100k: Decimal = Decimal(0)
    per_100k_average: Decimal = Decimal(0)
    # 2025: the complaint overview (dealt with, not for us, assessed and closed, investigated)
    overview: tuple[int, int, int, int] | None = None
    summary: bool = False  # 2025: "We investigated N complaints and upheld M."
    # its N and M when they are not the investigations and the upheld count (a letter that
    # also states the count and basis lines, and whose sentence disagrees with them)
    summary_counts: tuple[int, int] | None = None
    # 2025: the upheld panel's lines the statistics pages no longer show, present or not
    optional_lines: frozenset[str] = frozenset({"upheld_count", "upheld_basis"})
    deleted: frozenset[str] = frozenset()  # paragraphs (by key) left out: required statements
    wording_year: int | None = None  # the template written in, when not the title's (mutations)
    zero_case: bool | None = None  # the zero-case sentences forced on or off (mutations)

    @property
    def zero_sentences(self) -> bool:
        """From 2024, with no upheld complaint (and so no compliance outcome), the zero-case
        sentences stand for the compliance and remedy panels; ``zero_case`` overrides."""
        if self.zero_case is not None:
            return self.profile_year >= 2024 and self.zero_case
        return (
            self.profile_year >= 2024 and self.upheld_count == 0 and (self.compliance_outcomes == 0)
        )

    @property
    def profile_year(self) -> int:
        """The template year the letter is written in: 2020 to :data:`LATEST` (its title's,
        or ``wording_year``)."""
        if self.wording_year is not None:
            return self.wording_year
        return max(2020, min(self.title_year, LATEST))

    @property
    def wording_2020(self) -> bool:
        return self.profile_year <= 2022

    @property
    def addressee(self) -> str:
        return " ".join((self.honorific, *self.given_names, self.surname))

    def replace(self, **changes: Any) -> LetterFacts:
        return dataclasses.replace(self, **changes)

    def with_raw(self, name: str, text: str) -> LetterFacts:
        return dataclasses.replace(self, raw={**self.raw, name: text})

    def hide(self, name: str) -> LetterFacts:
        return dataclasses.replace(self, hidden=self.hidden | {name})

    def delete(self, key: str) -> LetterFacts:
        return dataclasses.replace(self, deleted=self.deleted | {key})


def stated_percent(k: int, n: int, places: int) -> Decimal:
    """100*k/n rounded half up to ``places`` decimals, exactly (0 when n is 0), as stated."""
    exact = Fraction(100 * k, n) if n else Fraction(0)
    scaled = exact * 10**places
    rounded = int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))
    return Decimal(rounded).scaleb(-places)


def plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def long_date(day: dt.date, form: str = "plain") -> str:
    """``22 July 2020``; ``22nd July 2020`` (ordinal); ``22 Jul 2020`` (abbrev)."""
    month = MONTHS[day.month - 1]
    if form == "ordinal":
        suffix = (
            "th"
            if 10 <= day.day % 100 <= 20
            else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
        )
        return f"{day.day}{suffix} {month} {day.year}"
    if form == "abbrev":
        return f"{day.day} {'Sept' if day.month == 9 else month[:3]} {day.year}"
    return f"{day.day} {month} {day.year}"


def short_date(day: dt.date) -> str:
    """The panel header's ``31/03/20`` (four-digit year outside 2000-2099, as the grammar reads)."""
    year = f"{day.year % 100:02d}" if 2000 <= day.year <= 2099 else f"{day.year:04d}"
    return f"{day.day:02d}/{day.month:02d}/{year}"


def count_text(n: int) -> str:
    return f"{n:,}"


# --- the vocabulary of generated values --------------------------------------------------------

HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Mx", "Prof", "Sir", "Dame", "Cllr")
GIVEN_NAMES = ("Jane", "John", "Mary-Jane", "Siobhan", "D'Arcy", "Jo", "A.", "J.", "Abdul", "Li")
SURNAMES = (
    "Smith", "O'Neil", "Smith-Jones", "McDonald", "O'Brien-Kelly", "D'Souza", "Partridge", "Ng",
    "Fitzgerald-O'Hara", "Lloyd", "Ali", "Okafor",
)  # fmt: skip
# Roles the addressee line can carry. Roles ending in an open "of <Words>" are kept to the
# three-line form: on one line nothing separates "Director of Resources" from the council.
ROLES = (
    "Chief Executive", "Chief Executive Officer", "Interim Chief Executive", "Managing Director",
    "Head of Paid Service", "Town Clerk", "Acting Chief Executive",
    "Chief Executive and Head of Paid Service", "Joint Chief Executive",
)  # fmt: skip
OPEN_ROLES = (
    "Director of Resources",
    "Strategic Director for Place",
    "Corporate Director of Finance",
)
# Real councils in England, of every type the comparison paragraph names (so that the authority
# register, when one is configured, knows them all): names with hyphens, apostrophes, "&",
# "St", "upon", "of", "City of", "Royal Borough of", and a council with no type word at all.
AUTHORITIES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "County": (
        "Kent County Council", "Surrey County Council", "Lancashire County Council",
        "Norfolk County Council", "Hertfordshire County Council",
    ),
    "District": (
        "Stevenage Borough Council", "South Cambridgeshire District Council",
        "Newcastle-under-Lyme Borough Council", "St Albans City and District Council",
        "Tunbridge Wells Borough Council", "Borough Council of King's Lynn and West Norfolk",
        "Epsom & Ewell Borough Council",
    ),
    "Metropolitan Borough": (
        "Stockport Metropolitan Borough Council", "Barnsley Metropolitan Borough Council",
        "Dudley Metropolitan Borough Council", "Oldham Metropolitan Borough Council",
        "Sandwell Metropolitan Borough Council", "Leeds City Council",
        "Birmingham City Council", "Manchester City Council",
    ),
    "Unitary": (
        "Bath and North East Somerset Council", "Royal Borough of Windsor and Maidenhead",
        "Cornwall Council", "Wiltshire Council", "Isle of Wight Council",
        "Council of the Isles of Scilly", "Milton Keynes Council", "Brighton & Hove City Council",
        "City of York Council", "Stoke-on-Trent City Council", "Stockton-on-Tees Borough Council",
    ),
    "London Borough": (
        "London Borough of Hackney", "London Borough of Tower Hamlets",
        "Royal Borough of Kensington and Chelsea", "London Borough of Barking and Dagenham",
        "Westminster City Council", "London Borough of Richmond upon Thames",
    ),
}  # fmt: skip
AUTHORITIES = tuple(name for names in AUTHORITIES_BY_TYPE.values() for name in names)
SIGNATORIES = (
    "Michael King",
    "Nigel Ellis",
    "Amerdeep Somal",
    "Jane O'Neil-Smith",
    "Dr Paul Jones",
)
CITIES = (
    "London, Bristol, Leeds and Birmingham",
    "Manchester and York",
    "Newcastle-upon-Tyne, Nottingham, Exeter and Cambridge",
)
HEADINGS = (
    "Local Government & Social Care OMBUDSMAN",
    "Complaint statistics",
    "Resources to help you get it right",
    "Complaints upheld",
    "Compliance with Ombudsman recommendations",
    "Satisfactory remedies provided by the authority",
)
"""Whole paragraphs of the template that a letter may have or lack (extractors drop them)."""

# --- one builder, two sources of randomness ----------------------------------------------------


class _Choose(Protocol):
    def integer(self, low: int, high: int) -> int: ...

    def sample(self, options: Sequence[T]) -> T: ...

    def boolean(self, p: float = 0.5) -> bool: ...


class _RandomChoose:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def sample(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def boolean(self, p: float = 0.5) -> bool:
        return self.rng.random() < p


class _DrawChoose:
    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        from hypothesis import strategies

        self.draw = draw
        self.st = strategies

    def integer(self, low: int, high: int) -> int:
        return int(self.draw(self.st.integers(low, high)))

    def sample(self, options: Sequence[T]) -> T:
        return options[self.draw(self.st.integers(0, len(options) - 1))]  # type: ignore[no-any-return]

    def boolean(self, p: float = 0.5) -> bool:
        # shrinks towards False; p only matters for the random source
        return bool(self.draw(self.st.booleans()))


def _count(c: _Choose, high: int) -> int:
    """A count with the edges well represented: 0, 1, small, large."""
    kind = c.integer(0, 5)
    if kind == 0:
        return 0
    if kind == 1:
        return 1
    if kind <= 3:
        return c.integer(2, 40)
    return c.integer(41, high)


def _share(c: _Choose, n: int) -> int:
    """A part k of n (0 <= k <= n), with none and all well represented."""
    kind = c.integer(0, 3)
    if kind == 0:
        return 0
    if kind == 1:
        return n
    return c.integer(0, n)


def _average(c: _Choose) -> Decimal:
    places = c.integer(0, 1)
    return Decimal(c.integer(0, 100 * 10**places)).scaleb(-places)


def _rate(k: int, population: int, places: int) -> Decimal:
    """Upheld decisions per 100,000 residents, rounded half up at ``places``."""
    return stated_percent(k * 1000, population, places)  # 100 * (1000 k) / population


def _year(c: _Choose, years: Sequence[int | str]) -> int:
    chosen = c.sample(years)
    return c.integer(LATEST + 1, LATEST + 5) if chosen == "next" else int(chosen)


def _build(c: _Choose, years: Sequence[int | str] = YEARS) -> LetterFacts:
    # Every template year and a "next" one (read with the latest template, LGO009 info).
    # 2020 to 2022 share the 2020 wording (rules/base/2020.txt); 2023 on, the panels of the
    # statistics pages (tests/fixtures/evidence/), each year's changes included.
    year = _year(c, years)
    profile_year = min(year, LATEST)
    end = dt.date(year, 3, 31)
    start = dt.date(year - 1, 4, 1)
    # dated in the issue month (July; May from 2025), after the period it reviews
    month = ISSUE_MONTH.get(year, 5)
    letter_date = dt.date(year, month, c.integer(1, 31 if month in (5, 7) else 28))
    publication = letter_date + dt.timedelta(days=c.integer(1, 60))
    honorific = c.sample(HONORIFICS)
    given = tuple(c.sample(GIVEN_NAMES) for _ in range(c.integer(0, 2)))
    surname = c.sample(SURNAMES)
    role = c.sample(ROLES + OPEN_ROLES)
    authority = c.sample(AUTHORITIES)
    # The salutation names the addressee: title and surname, or as addressed.
    salutation = f"{honorific} {surname}" if c.boolean() else " ".join((honorific, *given, surname))
    seminar_authorities = c.integer(1, 400)
    delegates = seminar_authorities + _count(c, 400)
    n = _count(c, 3000)
    k = _share(c, n)
    r = _share(c, k)
    m = _count(c, 500)
    if profile_year >= 2024 and k == 0:
        m = 0  # no upheld complaint: the zero-case sentences stand for both panels
    elif profile_year >= 2024 and m == 0:
        m = c.integer(1, 40)  # a panel of figures needs outcomes to state them of
    j = _share(c, m)
    signatory, signatory_title = signatory_for(year)
    population = c.integer(2_000, 1_600_000)
    overview = None
    summary = False
    optional_lines = frozenset({"upheld_count", "upheld_basis"})
    if profile_year >= 2025:
        if c.boolean():
            not_for_us, assessed = _count(c, 3000), _count(c, 3000)
            overview = (not_for_us + assessed + n, not_for_us, assessed, n)
        summary = c.boolean()
        optional_lines = frozenset(x for x in ("upheld_count", "upheld_basis") if c.boolean())
        # A consistent letter states the counts its upheld rate is computed from (LGO119):
        # the complaints investigated (overview, summary or basis line) and the upheld
        # decisions (summary, count line, or the remedy panel's total, there when k > 0).
        investigated = overview is not None or summary or "upheld_basis" in optional_lines
        decisions = summary or "upheld_count" in optional_lines or k > 0
        if not (investigated and decisions):
            summary = True
    return LetterFacts(
        letter_date=letter_date,
        honorific=honorific,
        given_names=given,
        surname=surname,
        role=role,
        authority=authority,
        salutation=salutation,
        title_year=year,
        year_ending=end,
        publication_date=publication,
        cities=c.sample(CITIES),
        delegates=delegates,
        seminar_authorities=seminar_authorities,
        courses=c.integer(1, 500),
        people=c.integer(1, 20000),
        more_courses=c.integer(1, 100),
        signatory=signatory,
        header_authority=authority,
        header_period_end=end,
        upheld_percent=stated_percent(k, n, c.integer(0, 1)),
        upheld_average=_average(c),
        upheld_count=k,
        investigations=n,
        upheld_period=(start, end),
        compliance_percent=stated_percent(j, m, c.integer(0, 1)),
        compliance_average=_average(c),
        compliance_outcomes=m,
        compliance_period=(start, end),
        remedy_percent=stated_percent(r, k, c.integer(0, 1)),
        remedy_average=_average(c),
        remedy_count=r,
        # until 2022 the remedy panel's total is the investigations; from 2023 the upheld count
        remedy_investigations=n if profile_year <= 2022 else k,
        remedy_period=(start, end),
        signatory_title=signatory_title,
        population=population,
        per_100k=_rate(k, population, 1) if k else Decimal(0),
        per_100k_average=Decimal(c.integer(1, 300)).scaleb(-1),
        overview=overview,
        summary=summary,
        optional_lines=optional_lines,
    )


def random_letter_facts(
    rng: random.Random, years: Sequence[int | str] = (2020, 2021, 2022)
) -> LetterFacts:
    """A consistent letter's facts from ``rng`` (no hypothesis needed); by default of the
    2020 wording (the benchmarks' and the batches' letters)."""
    return _build(_RandomChoose(rng), years)


def letter_facts(years: Sequence[int | str] = YEARS) -> st.SearchStrategy[LetterFacts]:
    """Hypothesis strategy: the facts of a consistent letter of one of ``years`` (sampled per
    example; shrinks towards small counts, the first year and names of each list)."""
    from hypothesis import strategies

    return strategies.composite(lambda draw: _build(_DrawChoose(draw), years))()


# --- what parsing must give --------------------------------------------------------------------


def expected_facts(facts: LetterFacts) -> dict[str, Any]:
    """Every fact of the vocabulary a letter rendered from ``facts`` states, typed as the model
    has it (percentages as Decimal with the stated places). Facts not stated are left out."""
    n, m, k, r = (
        facts.investigations,
        facts.compliance_outcomes,
        facts.upheld_count,
        facts.remedy_count,
    )
    values: dict[str, Any] = {
        "letter_date": facts.letter_date,
        "addressee.name": facts.addressee,
        "addressee.role": facts.role,
        "authority.name": facts.authority,
        "salutation.name": facts.salutation,
        "title.year": facts.title_year,
        "year_ending": facts.year_ending,
        "publication_date": facts.publication_date,
        "seminars.delegates": facts.delegates,
        "seminars.authorities": facts.seminar_authorities,
        "training.courses": facts.courses,
        "training.people": facts.people,
        "training.more_than_last_year": facts.more_courses,
        "signatory.name": facts.signatory,
        "panel_header.authority": facts.header_authority,
        "panel_header.period_end": facts.header_period_end,
        "upheld.percent": facts.upheld_percent,
        "upheld.average": facts.upheld_average,
        "upheld.count": k,
        "upheld.count_label": plural(k, "upheld decision", "upheld decisions"),
        "upheld.investigations": n,
        "upheld.investigations_label": plural(
            n, "detailed investigation", "detailed investigations"
        ),
        "upheld.period.start": facts.upheld_period[0],
        "upheld.period.end": facts.upheld_period[1],
        "compliance.percent": facts.compliance_percent,
        "compliance.average": facts.compliance_average,
        "compliance.outcomes": m,
        "compliance.outcomes_label": plural(m, "compliance outcome", "compliance outcomes"),
        "compliance.period.start": facts.compliance_period[0],
        "compliance.period.end": facts.compliance_period[1],
        "remedy.percent": facts.remedy_percent,
        "remedy.average": facts.remedy_average,
        "remedy.count": r,
        "remedy.count_label": plural(
            r, "satisfactory remedy decision", "satisfactory remedy decisions"
        ),
        "remedy.investigations": facts.remedy_investigations,
        "remedy.investigations_label": plural(
            facts.remedy_investigations, "detailed investigation", "detailed investigations"
        ),
        "remedy.period.start": facts.remedy_period[0],
        "remedy.period.end": facts.remedy_period[1],
    }
    if facts.profile_year >= 2021:
        values["signatory.title"] = facts.signatory_title
    if not facts.wording_2020:
        values = _later_facts(facts, values)
    for key in facts.deleted:
        for name in _PARAGRAPH_FACTS.get(key, ()):
            values.pop(name, None)
    for name in facts.hidden:
        values.pop(name, None)
    for name in facts.raw:
        values.pop(name, None)
    # The facts taken from others, each from the first line that states it: the remedy
    # panel's total is the investigations until 2022 and the upheld decisions from 2023.
    year = values.get("title.year")
    recent = isinstance(year, int) and year >= 2023
    early = isinstance(year, int) and year <= 2022
    for name, sources in (
        (
            "upheld.decisions",
            ["upheld.count", "upheld.summary.upheld"] + ["remedy.investigations"] * recent,
        ),
        (
            "upheld.investigated",
            ["upheld.investigations", "upheld.summary.investigated", "overview.investigated"]
            + ["remedy.investigations"] * early,
        ),
    ):
        taken = next((values[s] for s in sources if values.get(s) is not None), None)
        if taken is not None:
            values[name] = taken
    return values


_FRAME_FACTS = (
    "letter_date", "addressee.name", "addressee.role", "authority.name", "salutation.name",
    "title.year", "year_ending", "signatory.name", "signatory.title",
)  # fmt: skip
_PANEL = ("percent", "average")
_PARAGRAPH_FACTS: dict[str, tuple[str, ...]] = {
    "upheld_percent": ("upheld.percent",),
    "upheld_average": ("upheld.average",),
    "upheld_count": ("upheld.count", "upheld.count_label"),
    "per_100k": ("upheld.per_100k_authority", "upheld.per_100k"),
    "per_100k_average": ("upheld.per_100k_average",),
    **{
        f"{panel}_basis": tuple(
            f"{panel}.{name}"
            for name in (total, f"{total}_label", "period.start", "period.end")
        )
        for panel, total in (
            ("upheld", "investigations"), ("compliance", "outcomes"), ("remedy", "investigations")
        )
    },
    "compliance_percent": ("compliance.percent",),
    "compliance_average": ("compliance.average",),
    "remedy_percent": ("remedy.percent",),
    "remedy_average": ("remedy.average",),
    "remedy_count": ("remedy.count", "remedy.count_label"),
}  # fmt: skip
"""The facts each panel paragraph states (a deleted paragraph states none of them)."""


def _later_facts(facts: LetterFacts, values: dict[str, Any]) -> dict[str, Any]:
    """The facts of a letter of the 2023 template or later: the frame, the panels."""
    year = facts.profile_year
    out = {name: values[name] for name in _FRAME_FACTS}
    n, k = facts.investigations, facts.upheld_count
    if facts.overview is not None:
        dealt_with, not_for_us, assessed, investigated = facts.overview
        out.update(
            {
                "overview.period.start": facts.upheld_period[0],
                "overview.period.end": facts.upheld_period[1],
                "overview.dealt_with": dealt_with,
                "overview.not_for_us": not_for_us,
                "overview.assessed_and_closed": assessed,
                "overview.investigated": investigated,
                # the noun after each count, in the number it calls for
                "overview.dealt_with_label": plural(dealt_with, "complaint", "complaints"),
                "overview.assessed_and_closed_label": plural(assessed, "complaint", "complaints"),
                "overview.investigated_label": plural(investigated, "complaint", "complaints"),
            }
        )
    if facts.summary:
        said_n, said_k = facts.summary_counts or (n, k)
        out["upheld.summary.investigated"] = said_n
        out["upheld.summary.investigated_label"] = plural(said_n, "complaint", "complaints")
        out["upheld.summary.upheld"] = said_k
    shown = ["upheld_percent", "upheld_average", "per_100k", "per_100k_average"]
    for key in ("upheld_count", "upheld_basis"):
        if year < 2025 or key in facts.optional_lines:
            shown.append(key)
    zero = facts.zero_sentences
    if zero:
        out["compliance.none_due"] = "No recommendations were due for compliance in this period"
        out["remedy.none_upheld"] = "The Ombudsman did not uphold any complaints in this period"
    else:
        shown += ["compliance_percent", "compliance_average", "compliance_basis"]
        shown += ["remedy_percent", "remedy_average", "remedy_count", "remedy_basis"]
    for key in shown:
        for name in _PARAGRAPH_FACTS[key]:
            if name in values:
                out[name] = values[name]
    out["upheld.per_100k_authority"] = facts.header_authority  # the statistics' council
    out["upheld.per_100k"] = facts.per_100k
    out["upheld.per_100k_average"] = facts.per_100k_average
    out["upheld.investigations_label"] = plural(
        n, *(("detailed investigation", "detailed investigations") if year == 2023
             else ("investigation", "investigations"))
    )  # fmt: skip
    if "upheld_basis" not in shown:
        for name in _PARAGRAPH_FACTS["upheld_basis"]:
            out.pop(name, None)
    if not zero:
        r_total = facts.remedy_investigations
        out["remedy.investigations_label"] = plural(
            r_total, *(("detailed investigation", "detailed investigations") if year == 2023
                       else ("upheld decision", "upheld decisions"))
        )  # fmt: skip
    return out


# --- the template, derived from the reference letter --------------------------------------------

_PERIOD = "for the period between 1 April 2019 to 31 March 2020"
# (text of the reference letter, placeholder text, how many times it occurs there)
_SUBSTITUTIONS: tuple[tuple[str, str, int], ...] = (
    ("22 July 2020", "{letter_date}", 1),
    ("Ms Smith\nChief Executive\nStockport Metropolitan Borough Council", "{addressee_block}", 1),
    ("Dear Ms Smith", "Dear {salutation}", 1),
    ("Annual Review letter 2020", "Annual Review letter {title_year}", 1),
    ("for the year ending 31 March 2020", "for the year ending {year_ending}", 1),
    (
        "[Your council's performance](https://www.lgo.org.uk/your-councils-performance), "
        "along with a copy of this letter on 29 July 2020,",
        "{map_link}, along with a copy of this letter{publication},",
        1,
    ),
    (
        "[website](https://www.lgo.org.uk/information-centre/reports/annual-review-reports/"
        "interpreting-local-authority-statistics)",
        "{website_link}",
        1,
    ),
    ("Your council's performance launched", "{map_link} launched", 1),
    ("seminars in London, Bristol, Leeds and Birmingham.", "seminars in {cities}.", 1),
    (
        "Attended by 178 delegates from 143 local authorities",
        "Attended by {delegates} from {seminar_authorities}",
        1,
    ),
    (
        "we delivered 118 courses, training more than 1,400 people",
        "we delivered {courses}, training more than {people}",
        1,
    ),
    ("This is 47 more courses", "This is {more_courses}", 1),
    ("Michael King\n", "{signatory}", 1),
    (
        "Stockport Metropolitan Borough Council For the period ending: 31/03/20",
        "{header_authority} For the period ending: {header_period_end}",
        1,
    ),
    ("59% of complaints", "{upheld_percent} of complaints", 1),
    ("average of 67%", "average of {upheld_average}", 1),
    ("average of 100%", "average of {compliance_average}", 1),
    ("average of 11%", "average of {remedy_average}", 1),
    ("10 upheld decisions", "{upheld_count}", 1),
    # the upheld panel's basis line comes first, the remedy panel's second
    (f"total of 17 detailed investigations {_PERIOD}", "total of {upheld_basis}", 2),
    (f"total of 9 compliance outcomes {_PERIOD}", "total of {compliance_basis}", 1),
    ("In 100% of cases", "In {compliance_percent} of cases", 1),
    ("In 0% of upheld cases", "In {remedy_percent} of upheld cases", 1),
    ("0 satisfactory remedy decisions", "{remedy_count}", 1),
)


@cache
def template_paragraphs() -> tuple[str, ...]:
    """The reference letter as paragraphs with ``{placeholders}`` for every fact."""
    text = BASE_LETTER.read_text(encoding="utf-8")
    assert "{" not in text and "}" not in text, "the reference letter must not contain braces"
    for old, new, times in _SUBSTITUTIONS:
        found = text.count(old)
        assert found == times, (
            f"{old[:50]!r} occurs {found} times in {BASE_LETTER} (expected {times})"
        )
        text = text.replace(old, new, 1)
        if times == 2:  # the second basis line of the same wording is the remedy panel's
            text = text.replace(old, new.replace("upheld", "remedy"), 1)
    paragraphs = tuple(p.strip("\n") for p in text.strip("\n").split("\n\n"))
    return paragraphs


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_SLUG = re.compile(r"[^a-z0-9]+")


@cache
def paragraph_keys() -> tuple[str, ...]:
    """A name per template paragraph: ``heading:<slug>`` for a heading, else its first
    placeholder not naming an earlier paragraph (``publication`` first), else a slug of its
    first words."""
    keys: list[str] = []
    for paragraph in template_paragraphs():
        names = [n for n in _PLACEHOLDER.findall(paragraph) if n not in keys]
        if paragraph in HEADINGS:
            keys.append("heading:" + _SLUG.sub("-", paragraph.lower()).strip("-"))
        elif names:
            keys.append("publication" if "publication" in names else names[0])
        else:
            keys.append(_SLUG.sub("-", " ".join(paragraph.split()[:4]).lower()).strip("-"))
    assert len(set(keys)) == len(keys), keys
    return tuple(keys)


# --- the later templates (2023 on): the statistics pages' panels --------------------------------

BASE_DIR = BASE_LETTER.parent
LATER_HEADINGS = (
    "Local Government & Social Care OMBUDSMAN",
    "Complaint overview",
    "Complaints upheld",
    "Compliance with Ombudsman recommendations",
    "Satisfactory remedies provided by the Council",
)
ALL_HEADINGS = frozenset(HEADINGS) | frozenset(LATER_HEADINGS)
# Style.dropped_headings names the 2020 headings; the 2023 remedy heading is the same one
_SAME_HEADING = {"Satisfactory remedies provided by the Council": (
    "Satisfactory remedies provided by the authority"
)}  # fmt: skip

# The panel sentences of 2023 on, word for word as the Ombudsman's statistics pages print them
# (tests/fixtures/evidence/lgo-statistics-pages/; test_letters_evidence.py checks each rendered
# sentence against the page texts of its year). {sep} is where the pages' second rendering
# breaks the line.
WORDING: dict[str, str] = {
    "overview": "Between {start} to {end}, we dealt with {dealt_with}. Of these, {not_for_us} "
    "not for us or not ready for us to investigate. We assessed and closed {assessed}. "
    "We investigated {investigated}.",
    "summary": "We investigated {investigated} and upheld {upheld}.",
    "upheld_label": "{percent} Complaints upheld by {council}",
    "upheld_percent": "{percent} of complaints we investigated were upheld.",
    "average": "This compares to an average of {percent} in similar authorities.",
    "upheld_count": "{count}",
    "per_100k": "Adjusted for {council}'s population, this is{sep}{rate} upheld decisions per "
    "100,000 residents.",
    "per_100k_average": "The average for authorities of this type is{sep}{rate} upheld "
    "decisions per 100,000 residents.",
    "basis": "Statistics are based on a total of {basis}",
    "compliance_label": "{percent} of cases were successfully implemented by {council}",
    "compliance_percent": "{percent} of cases we were satisfied the Council had successfully "
    "implemented our recommendations.",
    "compliance_none": "No recommendations were due for compliance in this period",
    "remedy_label": "{percent} Complaints with satisfactory remedy provided by {council}",
    "remedy_percent": "In {percent} of upheld cases we found the Council had provided a "
    "satisfactory remedy before the complaint reached the Ombudsman.",
    "remedy_count": "{count}",
    "remedy_none": "The Ombudsman did not uphold any complaints in this period",
}
WORDING_CHANGES: dict[int, dict[str, str]] = {}
"""A later template's changed panel wording, by the year it changed (the keys of
:data:`WORDING`): a year's letters are written in :data:`WORDING` with every change up to that
year applied (see :func:`wording`)."""
_LABELS = ("upheld_label", "compliance_label", "remedy_label")


def wording(year: int) -> dict[str, str]:
    """The panel wording of a letter of the 2023 template or later, in ``year``'s words."""
    out = dict(WORDING)
    for changed in sorted(WORDING_CHANGES):
        if changed <= year:
            out.update(WORDING_CHANGES[changed])
    return out


_LATER_FRAME: tuple[tuple[str, str, int], ...] = (
    ("19 July 2023", "{letter_date}", 1),
    ("Ms Smith\nChief Executive\nStockport Metropolitan Borough Council", "{addressee_block}", 1),
    ("Dear Ms Smith", "Dear {salutation}", 1),
    ("Annual Review letter 2023", "Annual Review letter {title_year}", 1),
    ("for the year ending 31 March 2023", "for the year ending {year_ending}", 1),
    (
        "Paul Najsarek\nInterim Local Government and Social Care Ombudsman",
        "{signatory}{signatory_title}",
        1,
    ),
)


@cache
def later_frame() -> tuple[tuple[str, str], ...]:
    """The frame of a 2023-on letter (letterhead to signature) from ``rules/base/2023.txt``,
    as (key, paragraph with placeholders): the panels are built from :data:`WORDING`."""
    text = (BASE_DIR / "2023.txt").read_text(encoding="utf-8")
    text = text[: text.index("\n\nComplaints upheld\n")]
    for old, new, times in _LATER_FRAME:
        assert text.count(old) == times, f"{old[:40]!r} in rules/base/2023.txt"
        text = text.replace(old, new)
    paragraphs = [p.strip("\n") for p in text.strip("\n").split("\n\n")]
    keys = []
    for paragraph in paragraphs:
        names = _PLACEHOLDER.findall(paragraph)
        if paragraph in ALL_HEADINGS:
            keys.append("heading:" + _SLUG.sub("-", paragraph.lower()).strip("-"))
        elif names:
            keys.append(names[0])
        else:
            keys.append(_SLUG.sub("-", " ".join(paragraph.split()[:4]).lower()).strip("-"))
    return tuple(zip(keys, paragraphs, strict=True))


def _heading_key(heading: str) -> str:
    return "heading:" + _SLUG.sub("-", heading.lower()).strip("-")


def later_paragraphs(facts: LetterFacts, style: Style) -> list[tuple[str, str]]:
    """The paragraphs (key, text) of a letter of the 2023 template or later."""
    year = facts.profile_year
    values = _values(facts, style)
    words = wording(year)
    raw = facts.raw
    markdown = style.markup == "markdown"
    split = style.split_panel_lines
    council = raw.get("upheld.per_100k_authority", facts.header_authority)

    def bold(text: str) -> str:
        return f"**{text}**" if markdown else text

    def percent(name: str, value: Decimal) -> str:
        return raw.get(name, bold(f"{value}%"))

    def counted(name: str, n: int, one: str, many: str) -> str:
        label = raw.get(f"{name}_label", plural(n, one, many))
        if name in facts.hidden:
            return label
        return f"{bold(raw.get(name, count_text(n)))} {label}"

    def date(name: str, day: dt.date) -> str:
        return raw.get(name, long_date(day, style.date_form))

    def basis(panel: str, total: str, n: int, one: str, many: str) -> str:
        start, end = getattr(facts, f"{panel}_period")
        return words["basis"].format(
            basis=counted(f"{panel}.{total}", n, one, many)
            + f" for the period between {date(f'{panel}.period.start', start)}"
            f" to {date(f'{panel}.period.end', end)}"
        )

    def rate(name: str, value: Decimal) -> str:
        return raw.get(name, bold(f"{value:,}"))

    def complaints(n: int) -> str:
        return f"{count_text(n)} {plural(n, 'complaint', 'complaints')}"

    out: list[tuple[str, str]] = [
        (key, paragraph.format_map(values)) for key, paragraph in later_frame()
    ]
    if facts.overview is not None:
        dealt_with, not_for_us, assessed, investigated = facts.overview
        out.append((_heading_key("Complaint overview"), "Complaint overview"))
        start, end = facts.upheld_period
        out.append(
            (
                "overview",
                words["overview"].format(
                    start=date("overview.period.start", start),
                    end=date("overview.period.end", end),
                    dealt_with=complaints(dealt_with),
                    not_for_us=f"{count_text(not_for_us)} {plural(not_for_us, 'was', 'were')}",
                    assessed=complaints(assessed),
                    investigated=complaints(investigated),
                ),
            )
        )
    out.append((_heading_key("Complaints upheld"), "Complaints upheld"))
    if facts.summary:
        out.append(
            (
                "summary",
                words["summary"].format(
                    investigated=complaints((facts.summary_counts or (facts.investigations,))[0]),
                    upheld=count_text((facts.summary_counts or (0, facts.upheld_count))[1]),
                ),
            )
        )
    zero = facts.zero_sentences
    upheld_label = "upheld decision", "upheld decisions"
    investigations = (
        ("detailed investigation", "detailed investigations")
        if year == 2023
        else ("investigation", "investigations")
    )
    remedy_total = investigations if year == 2023 else upheld_label
    panel: list[tuple[str, str]] = [
        ("upheld_label", words["upheld_label"].format(
            percent=f"{facts.upheld_percent}%", council=facts.authority)),
        ("upheld_percent", words["upheld_percent"].format(
            percent=percent("upheld.percent", facts.upheld_percent))),
        ("upheld_average", words["average"].format(
            percent=percent("upheld.average", facts.upheld_average))),
        ("upheld_count", counted("upheld.count", facts.upheld_count, *upheld_label)),
        ("per_100k", words["per_100k"].format(
            council=council, sep="\n" if split else " ",
            rate=rate("upheld.per_100k", facts.per_100k))),
        ("per_100k_average", words["per_100k_average"].format(
            sep="\n" if split else " ",
            rate=rate("upheld.per_100k_average", facts.per_100k_average))),
        ("upheld_basis", basis("upheld", "investigations", facts.investigations,
                               *investigations)),
        (_heading_key("Compliance with Ombudsman recommendations"),
         "Compliance with Ombudsman recommendations"),
    ]  # fmt: skip
    if zero:
        panel.append(("compliance_none", words["compliance_none"]))
    else:
        panel += [
            ("compliance_label", words["compliance_label"].format(
                percent=f"{facts.compliance_percent}%", council=facts.authority)),
            ("compliance_percent", words["compliance_percent"].format(
                percent=percent("compliance.percent", facts.compliance_percent))),
            ("compliance_average", words["average"].format(
                percent=percent("compliance.average", facts.compliance_average))),
            ("compliance_basis", basis("compliance", "outcomes", facts.compliance_outcomes,
                                       "compliance outcome", "compliance outcomes")),
        ]  # fmt: skip
    panel.append(
        (
            _heading_key("Satisfactory remedies provided by the Council"),
            "Satisfactory remedies provided by the Council",
        )
    )
    if zero:
        panel.append(("remedy_none", words["remedy_none"]))
    else:
        panel += [
            ("remedy_label", words["remedy_label"].format(
                percent=f"{facts.remedy_percent}%", council=facts.authority)),
            ("remedy_percent", words["remedy_percent"].format(
                percent=percent("remedy.percent", facts.remedy_percent))),
            ("remedy_average", words["average"].format(
                percent=percent("remedy.average", facts.remedy_average))),
            ("remedy_count", counted("remedy.count", facts.remedy_count,
                                     "satisfactory remedy decision",
                                     "satisfactory remedy decisions")),
            ("remedy_basis", basis("remedy", "investigations", facts.remedy_investigations,
                                   *remedy_total)),
        ]  # fmt: skip
    for key, text in panel:
        if key in _LABELS and not style.panel_labels:
            continue
        optional = year >= 2025 and key in ("upheld_count", "upheld_basis")
        if optional and key not in facts.optional_lines:
            continue
        out.append((key, text))
    return out


# --- styles -------------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")


@dataclass(frozen=True)
class Style:
    """How a letter is written out: the extractor's markup and every kind of noise the reader
    accepts. ``seed`` drives the small random choices (where an NBSP or a tab goes) per
    paragraph, so two letters that differ in one statement differ only in that paragraph."""

    markup: str = "plain"  # "plain", "markdown" (**bold**, [links](url)), "underline" (<u>)
    addressee_one_line: bool = False
    dropped_headings: frozenset[str] = frozenset()
    wrap: int | None = None  # hard-wrap paragraphs at this width
    split_paragraph: bool = False  # a blank line in the middle of one sentence
    crlf: bool = False
    encoding: str = "utf-8"
    nbsp: bool = False
    tabs: bool = False
    form_feeds: bool = False
    blank_lines: int = 1  # blank lines between paragraphs (at least one)
    space_only_lines: bool = False
    trailing_spaces: bool = False
    curly_quotes: bool = False
    date_form: str = "plain"  # "plain", "ordinal", "abbrev"
    salutation_comma: bool = False
    leading_blank_lines: int = 0
    seed: int = 0
    # the statistics pages' second rendering (2023 on): a panel line split over two lines,
    # a label line ("89% Complaints upheld by <Council>") above each panel's rate
    split_panel_lines: bool = False
    panel_labels: bool = False


def _style(c: _Choose) -> Style:
    encoding = c.sample(ENCODINGS)
    return Style(
        markup=c.sample(("plain", "markdown", "underline")),
        addressee_one_line=c.boolean(),
        dropped_headings=frozenset(h for h in HEADINGS if c.boolean(0.2)),
        wrap=c.integer(30, 120) if c.boolean(0.3) else None,
        split_paragraph=c.boolean(0.3),
        crlf=c.boolean(),
        encoding=encoding,
        nbsp=c.boolean(0.3),
        tabs=c.boolean(0.3),
        form_feeds=c.boolean(0.2),
        blank_lines=c.integer(1, 3),
        space_only_lines=c.boolean(0.3),
        trailing_spaces=c.boolean(0.3),
        curly_quotes=c.boolean(0.3),
        date_form=c.sample(("plain", "ordinal", "abbrev")),
        salutation_comma=c.boolean(),
        leading_blank_lines=c.integer(0, 2),
        seed=c.integer(0, 2**32 - 1),
        split_panel_lines=c.boolean(),
        panel_labels=c.boolean(),
    )


def render_styles() -> st.SearchStrategy[Style]:
    """Hypothesis strategy: every style the reader accepts (shrinks towards the plain style)."""
    from hypothesis import strategies

    return strategies.composite(lambda draw: _style(_DrawChoose(draw)))()


def random_style(rng: random.Random) -> Style:
    return _style(_RandomChoose(rng))


# --- rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A rendered letter: the file's bytes, its decoded text, and where each paragraph stands
    (1-based first and last line of the file, by :func:`paragraph_keys`)."""

    data: bytes
    text: str
    lines: dict[str, tuple[int, int]]
    order: tuple[str, ...] = ()  # every paragraph's key in template order, left out ones too


_NO_WRAP = frozenset(
    {
        "letter_date",
        "addressee_block",
        "salutation",
        "header_authority",
        "by-email",
        "yours-sincerely",
        "signatory",
        "title_year",
        "upheld_label",
        "compliance_label",
        "remedy_label",
    }
)


def _values(facts: LetterFacts, style: Style) -> dict[str, str]:
    raw = facts.raw
    markdown = style.markup == "markdown"

    def bold(text: str) -> str:
        return f"**{text}**" if markdown else text

    def date(name: str, day: dt.date) -> str:
        return raw.get(name, long_date(day, style.date_form))

    def percent(name: str, value: Decimal) -> str:
        return raw.get(name, bold(f"{value}%"))

    def counted(name: str, n: int, one: str, many: str, hide: bool = False) -> str:
        label = raw.get(f"{name}_label", plural(n, one, many))
        if hide or name in facts.hidden:
            return label
        return f"{bold(raw.get(name, count_text(n)))} {label}"

    def link(text: str, target: str) -> str:
        if markdown:
            return f"[{text}]({target})"
        if style.markup == "underline":
            return f"<u>{text}</u>"
        return text

    def basis(
        panel: str, total: str, n: int, one: str, many: str, period: tuple[dt.date, dt.date]
    ) -> str:
        return (
            counted(f"{panel}.{total}", n, one, many)
            + f" for the period between {date(f'{panel}.period.start', period[0])}"
            f" to {date(f'{panel}.period.end', period[1])}"
        )

    role = raw.get("addressee.role", facts.role)
    name = raw.get("addressee.name", facts.addressee)
    authority = raw.get("authority.name", facts.authority)
    one_line = style.addressee_one_line and facts.role not in OPEN_ROLES
    investigation = ("detailed investigation", "detailed investigations")
    return {
        "letter_date": date("letter_date", facts.letter_date),
        "addressee_block": " ".join((name, role, authority))
        if one_line
        else "\n".join((name, role, authority)),
        "salutation": raw.get("salutation.name", facts.salutation)
        + ("," if style.salutation_comma else ""),
        "title_year": raw.get("title.year", str(facts.title_year)),
        "year_ending": date("year_ending", facts.year_ending),
        "map_link": link("Your council's performance", raw.get("map_target", facts.map_target)),
        "website_link": link("website", raw.get("website_target", facts.website_target)),
        "publication": ""
        if "publication_date" in facts.hidden
        else f" on {date('publication_date', facts.publication_date)}",
        "cities": raw.get("cities", facts.cities),
        "delegates": f"{count_text(facts.delegates)} {plural(facts.delegates, 'delegate', 'delegates')}",
        "seminar_authorities": f"{count_text(facts.seminar_authorities)} local "
        + plural(facts.seminar_authorities, "authority", "authorities"),
        "courses": f"{count_text(facts.courses)} {plural(facts.courses, 'course', 'courses')}",
        "people": f"{count_text(facts.people)} {plural(facts.people, 'person', 'people')}",
        "more_courses": f"{count_text(facts.more_courses)} more "
        + plural(facts.more_courses, "course", "courses"),
        "signatory": ""
        if "signatory.name" in facts.hidden
        else raw.get("signatory.name", facts.signatory) + "\n",
        "signatory_title": facts.signatory_title,
        "header_authority": raw.get("panel_header.authority", facts.header_authority),
        "header_period_end": raw.get(
            "panel_header.period_end", short_date(facts.header_period_end)
        ),
        "upheld_percent": percent("upheld.percent", facts.upheld_percent),
        "upheld_average": percent("upheld.average", facts.upheld_average),
        "upheld_count": counted(
            "upheld.count", facts.upheld_count, "upheld decision", "upheld decisions"
        ),
        "upheld_basis": basis(
            "upheld", "investigations", facts.investigations, *investigation, facts.upheld_period
        ),
        "compliance_percent": percent("compliance.percent", facts.compliance_percent),
        "compliance_average": percent("compliance.average", facts.compliance_average),
        "compliance_basis": basis(
            "compliance",
            "outcomes",
            facts.compliance_outcomes,
            "compliance outcome",
            "compliance outcomes",
            facts.compliance_period,
        ),
        "remedy_percent": percent("remedy.percent", facts.remedy_percent),
        "remedy_average": percent("remedy.average", facts.remedy_average),
        "remedy_count": counted(
            "remedy.count",
            facts.remedy_count,
            "satisfactory remedy decision",
            "satisfactory remedy decisions",
        ),
        "remedy_basis": basis(
            "remedy",
            "investigations",
            facts.remedy_investigations,
            *investigation,
            facts.remedy_period,
        ),
    }


_MD_LINK = re.compile(r"\[[^\]\n]*\]\([^)\s]*\)")
_KEEP_TOGETHER = "\x01"  # stands for a space inside a Markdown link while wrapping


def _noise(line: str, rng: random.Random, style: Style) -> str:
    """NBSPs and tabs in place of some spaces, spaces around the line."""
    if style.nbsp or style.tabs:
        pieces = line.split(" ")
        out = [pieces[0]]
        for piece in pieces[1:]:
            roll = rng.random()
            if style.nbsp and roll < 0.15:
                out.append("\u00a0" + piece)
            elif style.tabs and roll > 0.9:
                out.append(rng.choice(("\t", " \t ", "\t\t")) + piece)
            else:
                out.append(" " + piece)
        line = "".join(out)
    if style.trailing_spaces and rng.random() < 0.3:
        line = rng.choice((" ", "  ", "\t", "\u00a0 ")) + line + rng.choice((" ", "  ", "\t"))
    return line


def _paragraph(text: str, key: str, rng: random.Random, style: Style) -> str:
    if style.wrap is not None and key not in _NO_WRAP and text not in ALL_HEADINGS:
        protected = _MD_LINK.sub(lambda m: m.group().replace(" ", _KEEP_TOGETHER), text)
        lines = []
        for line in protected.split("\n"):
            lines.extend(
                textwrap.wrap(line, style.wrap, break_long_words=False, break_on_hyphens=False)
                or [""]
            )
        text = "\n".join(lines).replace(_KEEP_TOGETHER, " ")
    if (
        style.split_paragraph
        and key not in _NO_WRAP
        and text not in ALL_HEADINGS
        and rng.random() < 0.15
    ):
        # an extractor's blank line in the middle of a sentence (between two words)
        protected = _MD_LINK.sub(lambda m: m.group().replace(" ", _KEEP_TOGETHER), text)
        spaces = [i for i, ch in enumerate(protected) if ch == " "]
        if spaces:
            at = rng.choice(spaces)
            text = (protected[:at] + "\n\n" + protected[at + 1 :]).replace(_KEEP_TOGETHER, " ")
    lines = text.split("\n")
    return "\n".join(_noise(line, rng, style) if line else line for line in lines)


def _separator(rng: random.Random, style: Style) -> str:
    lines = [""] * style.blank_lines
    if style.space_only_lines and rng.random() < 0.4:
        lines[rng.randrange(len(lines))] = rng.choice((" ", "  ", "\t", "\u00a0", " \t "))
    separator = "\n" + "\n".join(lines) + "\n"
    if style.form_feeds and rng.random() < 0.1:
        separator = rng.choice(("\n\f\n", "\n\f", "\n\n\f"))
    return separator


def paragraphs(facts: LetterFacts, style: Style) -> list[tuple[str, str]]:
    """The letter's paragraphs (key, text) in order, before noise: the 2020 wording for 2020
    to 2022, the later templates' otherwise; deleted statements left out."""
    if facts.wording_2020:
        values = _values(facts, style)
        found = [
            (key, paragraph.format_map(values))
            for key, paragraph in zip(paragraph_keys(), template_paragraphs(), strict=True)
        ]
    else:
        found = later_paragraphs(facts, style)
    return found


def render_document(facts: LetterFacts, style: Style) -> Rendered:
    """Render ``facts`` in ``style``: bytes, text and the line range of every paragraph."""
    pieces: list[str] = ["\n" * style.leading_blank_lines]
    spans: dict[str, tuple[int, int]] = {}
    offset = style.leading_blank_lines
    line = 1 + offset
    first = True
    order: list[str] = []
    for index, (key, paragraph) in enumerate(paragraphs(facts, style)):
        order.append(key)
        if _SAME_HEADING.get(paragraph, paragraph) in style.dropped_headings:
            continue
        if key in facts.deleted:
            continue
        rng = random.Random(f"{style.seed}:{index}")
        if not first:
            separator = _separator(rng, style)
            pieces.append(separator)
            line += separator.count("\n")
        first = False
        text = _paragraph(paragraph, key, rng, style)
        pieces.append(text)
        spans[key] = (line, line + text.count("\n"))
        line += text.count("\n")
    pieces.append("\n")
    text = "".join(pieces)
    if style.curly_quotes:
        text = text.replace("'", "\u2019")
    if style.crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(style.encoding)  # "utf-16" writes a byte-order mark; utf-8-sig too
    return Rendered(data, text, spans, tuple(order))


def render(facts: LetterFacts, style: Style) -> bytes:
    """The bytes of a letter file stating ``facts``, written in ``style``."""
    return render_document(facts, style).data
