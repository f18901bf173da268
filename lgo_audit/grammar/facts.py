"""Every fact a letter can state, declared once: its dotted name, kind (type and unit) and
meaning, and the statistics-table column it corresponds to.

This table is the single source of the fact vocabulary. A profile's statements name the facts
they carry (``count("upheld.count")``); the grammar takes each fact's converter from its kind
here, and a profile's *facts* are the names its statements can give (see
:attr:`lgo_audit.grammar.profile.Profile.facts`). From this table and the profiles come the
vocabulary rules may use (:mod:`lgo_audit.vocabulary`), the typed letter model
(:mod:`lgo_audit.model`), ``schemas/letter.schema.json``, ``docs/facts.md`` and the columns of
``extract`` and ``--data`` (:mod:`lgo_audit.stats`). A test fails when a statement names a
fact not declared here, or with another kind.

A fact no profile of a year states is *not applicable* to that year's letters; a fact the
year's template states but a letter lacks is *missing* (``null``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "DERIVED_FACTS",
    "DOCUMENT_FACTS",
    "DOCUMENT_KINDS",
    "FACTS",
    "KINDS",
    "REGISTER_FACTS",
    "Fact",
    "Kind",
    "KindInfo",
]

Kind = Literal["count", "year", "percentage", "rate", "date", "name", "wording"]


@dataclass(frozen=True)
class KindInfo:
    """What a kind of fact is: its Python type, the type rules see it as, its unit."""

    python: type
    rule_type: Literal["integer", "stated percentage", "stated rate", "string", "date"]
    unit: str


KINDS: Mapping[Kind, KindInfo] = MappingProxyType(
    {
        "count": KindInfo(int, "integer", "a whole number ('1,400' is 1400)"),
        "year": KindInfo(int, "integer", "a year"),
        "percentage": KindInfo(
            Decimal, "stated percentage", "percent, with the decimal places it is stated with"
        ),
        "rate": KindInfo(
            Decimal,
            "stated rate",
            "upheld decisions per 100,000 residents, with the decimal places it is stated with",
        ),
        "date": KindInfo(dt.date, "date", "a date ('31 April 2020' is no date: null value)"),
        "name": KindInfo(str, "string", "a name as written"),
        "wording": KindInfo(str, "string", "the words as written, spaces folded"),
    }
)


@dataclass(frozen=True)
class Fact:
    """One fact: ``name`` (dotted), ``kind``, what it is, and the statistics table's column
    for it (``extract`` and ``--data``), if any."""

    name: str
    kind: Kind
    description: str
    column: str | None = None
    conditional: bool = False
    """A register fact given only when it has something to say (a designation that
    contradicts, a council of another year): absent, it is neither missing nor null."""
    derived_from: tuple[tuple[str, int | None, int | None], ...] = ()
    """For a fact no statement states but that other facts do, each in its own way (the
    2025 upheld panel's "We investigated N complaints and upheld M." gives the investigations
    and upheld decisions the basis and count lines gave until 2024): those facts, each with
    the first and the last document year it counts in (None: no bound). The document's value
    is the first of them it states with a value, standing where that one stands
    (:mod:`lgo_audit.parse`). ``extract``'s columns and ``--data``'s comparisons take it."""

    @property
    def info(self) -> KindInfo:
        return KINDS[self.kind]

    def sources_in(self, year: object) -> tuple[str, ...]:
        """The facts of :attr:`derived_from` that count in a document of ``year`` (its
        ``document.year``, an int), in order: a source bounded by years counts in none
        when ``year`` is not an int."""
        return tuple(
            source
            for source, since, until in self.derived_from
            if (since is None and until is None)
            or (
                isinstance(year, int)
                and (since is None or year >= since)
                and (until is None or year <= until)
            )
        )


_DECLARED = (
    # The frame: date, addressee, title, introduction, publication, sign-off.
    Fact("letter_date", "date", "The date at the head of the letter."),
    Fact("addressee.name", "name", "The addressee as written, e.g. 'Ms Smith'."),
    Fact("addressee.role", "name", "The addressee's role, e.g. 'Chief Executive'."),
    Fact(
        "authority.name",
        "name",
        "The council named in the addressee block (a letter) or in the heading (a statistics "
        "page).",
        "authority",
    ),
    Fact("salutation.name", "name", "The name after 'Dear', e.g. 'Ms Smith'."),
    Fact("title.year", "year", "The year of 'Annual Review letter 2020'."),
    Fact("year_ending", "date", "'... for the year ending 31 March 2020'."),
    Fact("publication_date", "date", "The date the data and letter are published."),
    Fact("seminars.delegates", "count", "Delegates who attended the link officer seminars."),
    Fact("seminars.authorities", "count", "Local authorities the delegates came from."),
    Fact("training.courses", "count", "Training courses delivered during the year."),
    Fact("training.people", "count", "People trained ('more than 1,400 people')."),
    Fact("training.more_than_last_year", "count", "How many more courses than last year."),
    Fact("signatory.name", "name", "The signatory, e.g. 'Michael King'."),
    Fact(
        "signatory.title",
        "wording",
        "The signatory's title, e.g. 'Local Government and Social Care Ombudsman'.",
    ),
    # The statistics panels.
    Fact("panel_header.authority", "name", "'<authority> For the period ending: dd/mm/yy'."),
    Fact("panel_header.period_end", "date", "The period end of the panel header."),
    Fact(
        "overview.period.start", "date", "'Between <start> to <end>, we dealt with N complaints.'"
    ),
    Fact("overview.period.end", "date", "The end of the complaint overview's period."),
    Fact("overview.dealt_with", "count", "Complaints dealt with in the period.", "dealt_with"),
    Fact("overview.dealt_with_label", "wording", "The word after that count: 'complaints'."),
    Fact(
        "overview.not_for_us",
        "count",
        "Complaints not for the Ombudsman or not ready to investigate.",
        "not_for_us",
    ),
    Fact(
        "overview.assessed_and_closed",
        "count",
        "Complaints assessed and closed.",
        "assessed_and_closed",
    ),
    Fact("overview.assessed_and_closed_label", "wording", "The word after that count."),
    Fact(
        "overview.investigated",
        "count",
        "Complaints investigated (the overview's count).",
    ),
    Fact("overview.investigated_label", "wording", "The word after that count."),
    Fact(
        "upheld.summary.investigated",
        "count",
        "'We investigated N complaints and upheld M.': N.",
    ),
    Fact(
        "upheld.summary.investigated_label",
        "wording",
        "'We investigated N complaints and upheld M.': the word after N.",
    ),
    Fact(
        "upheld.summary.upheld",
        "count",
        "'We investigated N complaints and upheld M.': M.",
    ),
    Fact("upheld.percent", "percentage", "'59% of complaints we investigated were upheld.'"),
    Fact(
        "upheld.average",
        "percentage",
        "The similar authorities' average upheld rate.",
        "upheld_average",
    ),
    Fact("upheld.count", "count", "The number of upheld decisions: '10 upheld decisions'."),
    Fact(
        "upheld.decisions",
        "count",
        "The upheld decisions, wherever the letter states them: the count line's ('10 upheld "
        "decisions'), else the 2025 upheld panel's 'We investigated N complaints and upheld "
        "M.', else from 2023 the remedy panel's total (which from 2023 is the upheld "
        "decisions). Stated by no line of its own: it stands where the figure it takes stands.",
        "upheld",
        derived_from=(
            ("upheld.count", None, None),
            ("upheld.summary.upheld", None, None),
            ("remedy.investigations", 2023, None),
        ),
    ),
    Fact("upheld.count_label", "wording", "The words after the count: 'upheld decisions'."),
    Fact(
        "upheld.per_100k_authority",
        "name",
        "The council named in 'Adjusted for <council>'s population, ...'.",
    ),
    Fact(
        "upheld.per_100k",
        "rate",
        "Upheld decisions per 100,000 residents.",
        "upheld_per_100k",
    ),
    Fact(
        "upheld.per_100k_average",
        "rate",
        "The average for authorities of this type, per 100,000 residents.",
        "upheld_per_100k_average",
    ),
    Fact(
        "upheld.investigations",
        "count",
        "The investigations the upheld rate is based on: 'a total of 17 detailed investigations'.",
    ),
    Fact(
        "upheld.investigated",
        "count",
        "The complaints investigated, wherever the letter states them: the upheld panel's "
        "basis line's ('a total of 17 detailed investigations'), else the 2025 upheld panel's "
        "'We investigated N complaints and upheld M.', else the complaint overview's 'We "
        "investigated N complaints.', else until 2022 the remedy panel's total (which until "
        "2022 is the investigations). Stated by no line of its own: it stands where the figure "
        "it takes stands.",
        "investigations",
        derived_from=(
            ("upheld.investigations", None, None),
            ("upheld.summary.investigated", None, None),
            ("overview.investigated", None, None),
            ("remedy.investigations", None, 2022),
        ),
    ),
    Fact(
        "upheld.investigations_label",
        "wording",
        "How the base is labelled: 'detailed investigations', later 'investigations'.",
    ),
    Fact("upheld.period.start", "date", "'for the period between <start> to ...'."),
    Fact("upheld.period.end", "date", "'... to <end>'."),
    Fact(
        "compliance.percent",
        "percentage",
        "'In 100% of cases we were satisfied ...'",
        "compliance_percent",
    ),
    Fact(
        "compliance.average",
        "percentage",
        "The similar authorities' average compliance rate.",
        "compliance_average",
    ),
    Fact(
        "compliance.outcomes",
        "count",
        "Compliance outcomes the rate is based on.",
        "compliance_outcomes",
    ),
    Fact("compliance.outcomes_label", "wording", "'compliance outcomes'."),
    Fact("compliance.period.start", "date", "'for the period between <start> to ...'."),
    Fact("compliance.period.end", "date", "'... to <end>'."),
    Fact(
        "compliance.none_due",
        "wording",
        "'No recommendations were due for compliance in this period' (no figures then).",
    ),
    Fact(
        "remedy.percent",
        "percentage",
        "'In 0% of upheld cases we found ... a satisfactory remedy'.",
    ),
    Fact(
        "remedy.average",
        "percentage",
        "The similar authorities' average remedy rate.",
        "remedy_average",
    ),
    Fact("remedy.count", "count", "Satisfactory remedy decisions.", "remedies"),
    Fact("remedy.count_label", "wording", "'satisfactory remedy decisions'."),
    Fact(
        "remedy.investigations",
        "count",
        "The total stated under the remedy panel: the investigations until 2022, the upheld "
        "decisions from 2023.",
    ),
    Fact(
        "remedy.investigations_label",
        "wording",
        "How that total is labelled: 'detailed investigations', from 2024 'upheld decisions'.",
    ),
    Fact("remedy.period.start", "date", "'for the period between <start> to ...'."),
    Fact("remedy.period.end", "date", "'... to <end>'."),
    Fact(
        "remedy.none_upheld",
        "wording",
        "'The Ombudsman did not uphold any complaints in this period' (no figures then).",
    ),
)

REGISTER_FACTS = (
    Fact(
        "authority.type",
        "name",
        "The council's type from the authority register on the letter's date (County, "
        "District, Metropolitan Borough, Unitary, London Borough); null when the name is not "
        "in it.",
        "type",
    ),
    Fact(
        "authority.code",
        "name",
        "The council's ONS code from the authority register, as on the letter's date.",
    ),
    Fact(
        "authority.own_name",
        "name",
        "The council's own name on the letter's date, as the register has it (e.g. "
        "'Stockport Metropolitan Borough Council').",
    ),
    Fact(
        "authority.designation",
        "wording",
        "The designation the letter's name gives the council that none of its own names or "
        "known forms has, e.g. 'County' in 'Stockport County Council'; absent when none.",
        conditional=True,
    ),
    Fact(
        "authority.existence",
        "wording",
        "When the council the name finds existed, e.g. 'from 1 April 2023', when that was "
        "neither on the letter's date nor in its period; absent otherwise.",
        conditional=True,
    ),
    Fact(
        "authority.identity",
        "name",
        "What tells two letters' councils apart: the ONS code on the letter's date, or the "
        "name folded ('name:...') when the register does not know it.",
    ),
)
"""Facts no letter states: the authority register's, standing where the council's name stands
(see :mod:`lgo_audit.parse`). They apply to every letter."""

DOCUMENT_KINDS = ("letter", "page")
"""The kinds of document lgo-audit reads: an Annual Review letter, or a council's statistics
page on the Ombudsman's site (the same panels in a web page's frame)."""

DOCUMENT_FACTS = (
    Fact(
        "document.kind",
        "wording",
        "The kind of document: " + " or ".join(f"'{k}'" for k in DOCUMENT_KINDS) + " (a "
        "statistics page of the Ombudsman's site).",
        "kind",
    ),
    Fact(
        "document.year",
        "year",
        "The document's year: a letter's title year; a statistics page's, the year its "
        "period ends (2023 for the 2022-23 data, the year of the letter with the same panels).",
        "year",
    ),
)
"""Facts of every document, whatever its kind and year (see :mod:`lgo_audit.parse`): they
apply to every letter and page, like the register's."""

DERIVED_FACTS = tuple(fact for fact in _DECLARED if fact.derived_from)
"""The facts taken from others (:attr:`Fact.derived_from`), in the catalogue's order."""

FACTS: Mapping[str, Fact] = MappingProxyType(
    {f.name: f for f in (*_DECLARED[:4], *REGISTER_FACTS, *_DECLARED[4:], *DOCUMENT_FACTS)}
)
"""Every fact by dotted name, in the order the docs and the model list them."""


def converter(name: str) -> Callable[[str], Any]:
    """How the raw text of fact ``name`` becomes its value (by its declared kind)."""
    from lgo_audit.grammar import elements

    kind = FACTS[name].kind if name in FACTS else None
    converters: dict[str, Callable[[str], Any]] = {
        "count": elements.to_number,
        "year": int,
        "percentage": elements.to_percentage,
        "rate": elements.to_rate,
        "date": elements.parse_long_date,
        "name": str,
        "wording": _fold,
    }
    return converters.get(kind or "name", str)


def _fold(raw: str) -> str:
    return " ".join(raw.split())
