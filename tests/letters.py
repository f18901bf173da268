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

    @property
    def addressee(self) -> str:
        return " ".join((self.honorific, *self.given_names, self.surname))

    def replace(self, **changes: Any) -> LetterFacts:
        return dataclasses.replace(self, **changes)

    def with_raw(self, name: str, text: str) -> LetterFacts:
        return dataclasses.replace(self, raw={**self.raw, name: text})

    def hide(self, name: str) -> LetterFacts:
        return dataclasses.replace(self, hidden=self.hidden | {name})


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
        "Barrow-in-Furness Borough Council",
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
        "City of York Council", "Stoke-on-Trent City Council", "Southend-on-Sea City Council",
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


def _build(c: _Choose) -> LetterFacts:
    # The 2020 wording is the template of 2020 to 2022 (tests/letters_years.py renders the
    # later templates); an earlier or later title would be read with another template.
    year = c.integer(2020, 2022)
    end = dt.date(year, 3, 31)
    start = dt.date(year - 1, 4, 1)
    letter_date = end + dt.timedelta(days=c.integer(1, 300))
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
    j = _share(c, m)
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
        signatory=c.sample(SIGNATORIES),
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
        remedy_investigations=n,
        remedy_period=(start, end),
    )


def random_letter_facts(rng: random.Random) -> LetterFacts:
    """A consistent letter's facts from ``rng`` (no hypothesis needed)."""
    return _build(_RandomChoose(rng))


def letter_facts() -> st.SearchStrategy[LetterFacts]:
    """Hypothesis strategy: the facts of a consistent letter (shrinks towards small counts,
    the first year and names of each list)."""
    from hypothesis import strategies

    return strategies.composite(lambda draw: _build(_DrawChoose(draw)))()


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
    if facts.title_year >= 2021:  # from 2021 the sign-off's first title is a fact
        values["signatory.title"] = "Local Government and Social Care Ombudsman"
    for name in facts.hidden:
        values.pop(name, None)
    for name in facts.raw:
        values.pop(name, None)
    return values


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
    if style.wrap is not None and key not in _NO_WRAP and text not in HEADINGS:
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
        and text not in HEADINGS
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


def render_document(facts: LetterFacts, style: Style) -> Rendered:
    """Render ``facts`` in ``style``: bytes, text and the line range of every paragraph."""
    values = _values(facts, style)
    pieces: list[str] = ["\n" * style.leading_blank_lines]
    spans: dict[str, tuple[int, int]] = {}
    offset = style.leading_blank_lines
    line = 1 + offset
    first = True
    for index, (key, paragraph) in enumerate(
        zip(paragraph_keys(), template_paragraphs(), strict=True)
    ):
        if paragraph in style.dropped_headings:
            continue
        rng = random.Random(f"{style.seed}:{index}")
        if not first:
            separator = _separator(rng, style)
            pieces.append(separator)
            line += separator.count("\n")
        first = False
        text = _paragraph(paragraph.format_map(values), key, rng, style)
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
    return Rendered(data, text, spans)


def render(facts: LetterFacts, style: Style) -> bytes:
    """The bytes of a letter file stating ``facts``, written in ``style``."""
    return render_document(facts, style).data
